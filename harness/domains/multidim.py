"""Chapters 10-13, the view as a whole: tolist, tobytes and hex, cast,
comparison and hash.  Views of every native format from every exporter
that has it, views of many dimensions, and the domains that derive a
partner from a random layout (random_layouts.py): a contiguous twin, a
cast back, the bytes a hash must agree with."""

from __future__ import annotations

import math
import random
import struct
from typing import Any

from .core import Labelled
from .natives import (ARRAY_TYPECODES, BYTE_FORMATS, FIXED_ITEMSIZE, FLOAT_CODES, INT_CODES,
                      NATIVE_FORMATS, sized_numpy_dtype)
from .random_layouts import INT_RANGE, Layout, layout_of


def _fits(values_: list, code: str) -> bool:
    lo, hi = INT_RANGE[code]
    return all(not isinstance(v, bool) and lo <= v <= hi for v in values_)


def _holds(code: str, v: float) -> bool:
    try:
        return v != v or struct.unpack(code, struct.pack(code, v))[0] == v
    except (OverflowError, struct.error):
        return False


def equal_valued_format(lay: Layout, choice: int) -> str:
    """A format that holds the layout's values unchanged: its own, or (by
    `choice`) another of the same kind, so that views compare by value."""
    code = lay.fmt.lstrip("@")
    vals = lay.flat() or lay.memory[:1]
    if code in INT_RANGE:
        others = [c for c in FIXED_ITEMSIZE if c in INT_CODES and _fits(vals, c)]
    elif code in FLOAT_CODES:
        others = [c for c in FIXED_ITEMSIZE
                  if c in FLOAT_CODES and all(_holds(c, v) for v in vals)]
    else:
        others = [code]
    return ([lay.fmt] + others)[choice % (len(others) + 1)]


def contiguous_twin(decl: dict) -> list[Labelled]:
    """A C-contiguous ndarray with the same shape and logical values as
    `decl`, in the same format or another that holds the values exactly;
    the choice is seeded by the declaration itself."""
    lay = layout_of(decl)
    choice = sum(map(ord, repr(decl.get("shape")) + repr(decl.get("strides")))) + len(lay.memory)
    fmt = equal_valued_format(lay, choice)
    flat = lay.flat()
    twin: dict[str, Any] = {"kind": "ndarray", "format": fmt, "shape": list(lay.shape)}
    twin["items"] = (flat or lay.memory[:1]) if lay.shape else flat[0]
    return [Labelled(fmt.replace("@", "at"), twin)]


def logical_bytes(decl: dict) -> list[Labelled]:
    """The bytes a hash of the view must agree with: the view's bytes in
    logical order, for the byte formats (the only ones a view hashes)."""
    lay = layout_of(decl)
    code = lay.fmt.lstrip("@")
    if code not in BYTE_FORMATS:
        return [Labelled("none", b"")]
    flat = lay.flat()
    data = b"".join(flat) if code == "c" else bytes(v & 0xFF for v in flat)
    return [Labelled("bytes", data)]


def cast_back(decl: dict, always: int = 0) -> list[Labelled]:
    """A step casting the byte view `c` (of `decl`'s view) to a destination:
    back to the original format and shape (always, if `always`), or to
    another fixed-size format with a shape that covers the bytes (when the
    size is portable)."""
    lay = layout_of(decl)
    code = lay.fmt.lstrip("@")
    seed = sum(map(ord, repr(decl.get("shape")) + repr(decl.get("strides")) + lay.fmt)) + len(lay.memory)
    rng = random.Random(seed)
    if always or code not in FIXED_ITEMSIZE or rng.random() < 0.5:
        return [Labelled("back", {"op": "call", "obj": "c", "method": "cast",
                                  "args": [lay.fmt, list(lay.shape)], "as": "d"})]
    nbytes = FIXED_ITEMSIZE[code] * math.prod(lay.shape)
    # Never '?': reading bytes other than 0 and 1 as bool is undefined.
    dest = rng.choice([c for c in FIXED_ITEMSIZE if c != "?"])
    size = FIXED_ITEMSIZE[dest]
    n, shape = nbytes // size, [nbytes // size]
    if nbytes % size == 0 and n > 1 and rng.random() < 0.5:
        d = rng.choice([k for k in range(1, n + 1) if n % k == 0])
        shape = [d, n // d]
    return [Labelled(f"{dest}{'x'.join(map(str, shape))}",
                     {"op": "call", "obj": "c", "method": "cast", "args": [dest, shape], "as": "d"})]


# Views of every native format, from every exporter that has it: the
# boundary values of each format (32-bit ones for the platform-sized codes,
# so that every platform builds them), 1-D, 0-dimensional and Fortran 2x2.
_FORMAT_ITEMS = {
    "b": [-128, -1, 0, 127], "B": [0, 1, 254, 255],
    "h": [-32768, -1, 0, 32767], "H": [0, 1, 65534, 65535],
    "i": [-2**31, -1, 0, 2**31 - 1], "I": [0, 1, 2**32 - 2, 2**32 - 1],
    "l": [-2**31, -1, 0, 2**31 - 1], "L": [0, 1, 2**32 - 2, 2**32 - 1],
    "q": [-2**63, -1, 0, 2**63 - 1], "Q": [0, 1, 2**64 - 2, 2**64 - 1],
    "n": [-2**31, -1, 0, 2**31 - 1], "N": [0, 1, 2**32 - 2, 2**32 - 1],
    "P": [0, 1, 2**32 - 2, 2**32 - 1],
    "e": [0.5, -0.0, 65504.0, -math.inf], "f": [1.5, -0.0, 3.4028234663852886e38, math.inf],
    "d": [0.1, -0.0, 1e308, -math.inf],
    "?": [False, True, True, False], "c": [b"\x00", b"a", b"\x7f", b"\xff"],
}


def format_views(kinds: int = 0) -> list[Labelled]:
    """Exporters of every native format: ndarray 1-D (`nd`), 0-dim (`nd0`),
    Fortran 2x2 (`ndF`), '@'-prefixed (`ndat`), array.array (`arr`) and
    NumPy (`np`, the dtype of the code's kind and size, see
    natives.sized_numpy_dtype). `kinds` (a number) picks: 0 all, 1 ndarray only."""
    out = []
    only_nd = kinds == 1
    for code, items in _FORMAT_ITEMS.items():
        out.append(Labelled(f"nd-{code}", {"kind": "ndarray", "format": code,
                                           "items": items, "shape": [4]}))
        out.append(Labelled(f"nd0-{code}", {"kind": "ndarray", "format": code,
                                            "items": items[1], "shape": []}))
        out.append(Labelled(f"ndF-{code}", {"kind": "ndarray", "format": code, "items": items,
                                            "shape": [2, 2], "fortran": True}))
        if code in "Bic?d":
            out.append(Labelled(f"ndat-{code}", {"kind": "ndarray", "format": "@" + code,
                                                 "items": items, "shape": [2, 2]}))
        if only_nd:
            continue
        if code in ARRAY_TYPECODES:
            out.append(Labelled(f"arr-{code}", {"kind": "array", "typecode": code, "items": items}))
        dtype = sized_numpy_dtype(code)
        if dtype:
            out.append(Labelled(f"np-{dtype}",
                                {"kind": "numpy", "dtype": dtype,
                                 "items": items, "shape": [2, 2]}))
    return out


def deep_ndarrays() -> list[Labelled]:
    """ndarrays of many dimensions, around the limit of 64."""
    out = []
    for ndim, last in ((2, 2), (32, 2), (63, 2), (64, 1), (64, 2), (64, 0), (65, 1), (128, 1)):
        shape = [1] * (ndim - 1) + [last]
        out.append(Labelled(f"{ndim}d-last{last}", {"kind": "ndarray", "format": "B",
                                                    "items": [7, 8], "shape": shape}))
    out.append(Labelled("64d-first2", {"kind": "ndarray", "format": "h", "items": [7, 8],
                                       "shape": [2] + [1] * 63}))
    return out


def deep_shapes(nbytes: int) -> list[Labelled]:
    """Cast shapes of many dimensions for a view of `nbytes` bytes."""
    out = []
    for ndim in (2, 16, 63, 64, 65, 100):
        out.append(Labelled(f"{ndim}d", [nbytes] + [1] * (ndim - 1)))
        out.append(Labelled(f"{ndim}d-last", [1] * (ndim - 1) + [nbytes]))
    return out


def equal_value_views() -> list[Labelled]:
    """One 3-item ndarray per native format, all holding the values 0, 1, 1
    (False, True, True for '?'; the bytes 0, 1, 1 for 'c'): the views of
    every pair compare by these values (COMPARE-002)."""
    out = []
    for code in NATIVE_FORMATS:
        items: list[Any] = [0, 1, 1]
        if code == "?":
            items = [False, True, True]
        elif code == "c":
            items = [b"\x00", b"\x01", b"\x01"]
        elif code in FLOAT_CODES:
            items = [0.0, 1.0, 1.0]
        out.append(Labelled(code, {"kind": "ndarray", "format": code, "items": items, "shape": [3]}))
    return out


TEMPLATE_DOMAINS = (format_views, deep_ndarrays, deep_shapes, cast_back,
                    contiguous_twin, logical_bytes, equal_value_views)
