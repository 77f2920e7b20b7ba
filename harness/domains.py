"""Named parameter domains that templates use as ``@name(args)``.

A domain is a plain function from already-bound parameters (exporter
declarations or values) to a list of Python values.  They hold the boundary
knowledge that would be tedious to spell out in every template: the indexes
around the ends of a dimension, the limits of a Py_ssize_t, and so on.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Callable, Iterator

_profile = "default"


@contextlib.contextmanager
def profile(name: str) -> Iterator[None]:
    """Generate under a profile ("default" or "full") for the duration."""
    global _profile
    saved, _profile = _profile, name
    try:
        yield
    finally:
        _profile = saved


def scale() -> int:
    """How much bigger random and sampled domains are in the current profile."""
    return 10 if _profile == "full" else 1


@dataclass(frozen=True)
class Labelled:
    """A domain value with its own label for case ids: an exporter
    declaration (a dict with `kind`) or a whole step."""
    label: str
    value: Any

# Keys that are ints but no index can be: they overflow a Py_ssize_t.
HUGE_INTS = [1 << 63, -(1 << 63) - 1, 1 << 64, -(1 << 64)]


def first_dimension(decl: dict) -> int:
    """Length of the first dimension of an exporter declaration."""
    if "shape" in decl:
        return decl["shape"][0] if decl["shape"] else 0
    if decl.get("kind") in ("bytes", "bytearray"):
        return len(bytes.fromhex(decl["data"]["bytes"]))
    if decl.get("kind") == "array":
        return len(decl["items"])
    raise ValueError(f"cannot tell the length of {decl!r}")


def index_boundaries(decl: dict) -> list[int]:
    """Every index that sits on or just beyond an end: -n-1, -n, -1, 0, n-1, n."""
    n = first_dimension(decl)
    return sorted({-n - 1, -n, -1, 0, n - 1, n, n // 2})


def huge_ints() -> list[int]:
    return list(HUGE_INTS)


def slice_bounds(decl: dict) -> list[Any]:
    """Slice bounds worth trying for a dimension of length n: None, the ends,
    one beyond, far beyond, and the overflowing ones (which clamp)."""
    n = first_dimension(decl)
    return [None] + sorted({-n - 1, -n, -1, 0, 1, n - 1, n, n + 1}) + [1 << 63, -(1 << 63) - 1]


def slice_steps() -> list[Any]:
    return [None, 1, 2, 3, -1, -2, -3, 1 << 63, -(1 << 63) - 1]


def slices(decl: dict) -> list[slice]:
    """All slices over slice_bounds x slice_bounds x slice_steps."""
    bounds = slice_bounds(decl)
    return [slice(a, b, c) for a in bounds for b in bounds for c in slice_steps()]


DOMAINS: dict[str, Callable[..., list[Any]]] = {
    "index_boundaries": index_boundaries,
    "huge_ints": huge_ints,
    "slice_bounds": slice_bounds,
    "slice_steps": slice_steps,
    "slices": slices,
}


# ---------------------------------------------------------------------------
# Chapters 10-13 (tolist, tobytes and hex, cast, comparison and hash):
# a seeded generator of random ndarray layouts, and the domains that derive a
# partner from a generated layout (a contiguous twin, a cast back, the bytes
# a hash must agree with).
#
# The idea comes from CPython's Lib/test/test_buffer.py: a layout is
# (memory length, itemsize, shape, strides, offset), and it is valid when
# every item it reaches lies inside the memory.  _testbuffer.ndarray checks
# exactly that (and that strides and offset are multiples of the itemsize),
# so the generator computes the span of every layout it makes and sizes the
# memory to hold it: every declaration it returns builds.
#
# Everything is computed in *items*, never bytes, so that the declarations
# are the same on every platform.  Explicit strides and offsets are bytes in
# the protocol, so they are only generated for the formats whose size is
# fixed; the formats whose size is the platform's (l L n N P) get the default
# C or Fortran strides and no offset, and their items stay within 32 bits.
# ---------------------------------------------------------------------------

import math as _math
import random as _random
import struct as _struct

from . import values as _values

#: itemsize of the formats whose size no platform changes
FIXED_ITEMSIZE = {"b": 1, "B": 1, "c": 1, "?": 1, "h": 2, "H": 2, "i": 4, "I": 4,
                  "q": 8, "Q": 8, "e": 2, "f": 4, "d": 8}
#: formats whose itemsize is the platform's (4 or 8)
PLATFORM_SIZED = ("l", "L", "n", "N", "P")
NATIVE_FORMATS = tuple(FIXED_ITEMSIZE) + PLATFORM_SIZED
BYTE_FORMATS = ("B", "b", "c")

# Portable ranges: the platform-sized formats keep to 32 bits.
_INT_RANGE = {"b": (-2**7, 2**7 - 1), "B": (0, 2**8 - 1), "h": (-2**15, 2**15 - 1),
              "H": (0, 2**16 - 1), "i": (-2**31, 2**31 - 1), "I": (0, 2**32 - 1),
              "q": (-2**63, 2**63 - 1), "Q": (0, 2**64 - 1),
              "l": (-2**31, 2**31 - 1), "n": (-2**31, 2**31 - 1),
              "L": (0, 2**32 - 1), "N": (0, 2**32 - 1), "P": (0, 2**32 - 1)}
# Floats every format of that kind holds exactly: k / 2**scale, |k| < 2**bits.
_FLOAT_GRID = {"e": (3, 11), "f": (6, 24), "d": (20, 53)}
_SPECIAL_FLOATS = (0.0, -0.0, _math.inf, -_math.inf, _math.nan)


def random_item(rng: _random.Random, fmt: str) -> Any:
    """One value that `fmt` packs exactly, boundaries being likelier."""
    code = fmt.lstrip("@")
    if code == "?":
        return rng.random() < 0.5
    if code == "c":
        return bytes([rng.randrange(256)])
    if code in _FLOAT_GRID:
        if rng.random() < 0.08:
            return rng.choice(_SPECIAL_FLOATS)
        scale, bits = _FLOAT_GRID[code]
        return rng.randrange(-(2**bits) + 1, 2**bits) / 2**scale
    lo, hi = _INT_RANGE[code]
    if rng.random() < 0.2:
        return rng.choice((lo, hi, 0, lo + 1, hi - 1))
    return rng.randint(lo, hi)


def _random_shape(rng: _random.Random, ndim: int) -> list[int]:
    shape = []
    for _ in range(ndim):
        r = rng.random()
        shape.append(0 if r < 0.06 else 1 if r < 0.2 else rng.randint(2, 4 if ndim > 2 else 5))
    return shape


def _default_strides(shape: list[int], fortran: bool) -> list[int]:
    """Strides in items of a contiguous layout (C or Fortran order)."""
    strides, step = [0] * len(shape), 1
    order = range(len(shape)) if fortran else reversed(range(len(shape)))
    for j in order:
        strides[j] = step
        step *= max(shape[j], 1)
    return strides


def _span(shape: list[int], strides: list[int]) -> tuple[int, int]:
    """Lowest and highest item offsets a layout reaches from its start."""
    if 0 in shape:
        return 0, 0
    lo = sum(st * (n - 1) for n, st in zip(shape, strides) if st < 0)
    hi = sum(st * (n - 1) for n, st in zip(shape, strides) if st > 0)
    return lo, hi


def _random_strides(rng: _random.Random, shape: list[int]) -> list[int]:
    """Strides in items: C-like, Fortran-like or free; some negative, a few zero."""
    kind = rng.choice(("c", "f", "free"))
    base = (_default_strides(shape, kind == "f") if kind != "free"
            else [rng.randint(1, 6) for _ in shape])
    strides = []
    for b in base:
        r = rng.random()
        if r < 0.07:
            strides.append(0)
            continue
        s = b * rng.choice((1, 1, 1, 2, 3))
        strides.append(-s if rng.random() < 0.35 else s)
    return strides


class Layout:
    """A generated layout, in items: memory, shape, strides, offset, flags."""

    def __init__(self, fmt: str, memory: list, shape: list[int], strides: list[int] | None,
                 offset: int, fortran: bool, pil: bool, readonly: bool):
        self.fmt, self.memory, self.shape = fmt, memory, shape
        self.explicit = strides is not None
        self.strides = strides if strides is not None else _default_strides(shape, fortran)
        self.offset, self.fortran, self.pil, self.readonly = offset, fortran, pil, readonly

    def logical(self) -> Any:
        """The items in logical order, nested as tolist() nests them."""
        def rec(dim: int, at: int) -> Any:
            if dim == len(self.shape):
                return self.memory[at]
            return [rec(dim + 1, at + i * self.strides[dim]) for i in range(self.shape[dim])]
        return rec(0, self.offset)

    def flat(self) -> list:
        def walk(v: Any) -> Iterator[Any]:
            if isinstance(v, list):
                for x in v:
                    yield from walk(x)
            else:
                yield v
        return list(walk(self.logical())) if self.shape else [self.logical()]

    def decl(self) -> dict:
        size = FIXED_ITEMSIZE.get(self.fmt.lstrip("@"), 8)
        d: dict[str, Any] = {"kind": "ndarray", "format": self.fmt,
                             "items": self.memory if self.shape else self.memory[0],
                             "shape": list(self.shape)}
        if self.explicit:
            d["strides"] = [s * size for s in self.strides]
        if self.offset:
            d["offset"] = self.offset * size
        if not self.readonly:
            d["readonly"] = False
        if self.fortran:
            d["fortran"] = True
        if self.pil:
            d["pil"] = True
        return d

    def label(self, i: int) -> str:
        parts = [f"{i:05d}", self.fmt.replace("@", "at"),
                 "x".join(map(str, self.shape)) if self.shape else "scalar"]
        if self.explicit:
            parts.append("s" + ".".join(map(str, self.strides)))
        if self.offset:
            parts.append(f"o{self.offset}")
        if self.fortran:
            parts.append("F")
        if self.pil:
            parts.append("pil")
        if not self.readonly:
            parts.append("w")
        return "_".join(parts)


def random_layout(rng: _random.Random) -> Layout:
    fmt = rng.choice(NATIVE_FORMATS)
    if rng.random() < 0.05:
        fmt = "@" + fmt
    ndim = rng.choices((0, 1, 2, 3, 4), weights=(1, 4, 4, 2, 1))[0]
    readonly = rng.random() < 0.7
    if ndim == 0:
        return Layout(fmt, [random_item(rng, fmt)], [], None, 0, False, False, readonly)
    shape = _random_shape(rng, ndim)
    fixed = fmt.lstrip("@") in FIXED_ITEMSIZE
    how = rng.choice(("c", "f", "strided", "strided")) if fixed else rng.choice(("c", "f"))
    strides = _random_strides(rng, shape) if how == "strided" else None
    fortran = how == "f"
    lo, hi = _span(shape, strides if strides is not None else _default_strides(shape, fortran))
    offset = -lo + (rng.choice((0, 0, 1, 2)) if fixed else 0)
    length = offset + hi + 1 + (rng.choice((0, 0, 1)) if fixed else 0)
    memory = [random_item(rng, fmt) for _ in range(length)]
    pil = rng.random() < 0.15
    return Layout(fmt, memory, shape, strides, offset, fortran, pil, readonly)


def random_layouts(seed: int, count: int) -> Iterator[tuple[int, Layout]]:
    """`count` x scale() layouts, the same ones for the same seed: the first
    n of a bigger count are the n of a smaller one."""
    rng = _random.Random(seed)
    for i in range(count * scale()):
        yield i, random_layout(rng)


def random_ndarrays(seed: int, count: int) -> list[Labelled]:
    """Random ndarray declarations, valid by construction (see above)."""
    return [Labelled(lay.label(i), lay.decl()) for i, lay in random_layouts(seed, count)]


def _plain(j: Any) -> Any:
    """Decode the protocol values of a declaration (lists, ints, floats, bytes)."""
    if isinstance(j, list):
        return [_plain(x) for x in j]
    if isinstance(j, dict) and "float" in j:
        return decode_float_value(j)
    if isinstance(j, dict) and "int" in j:
        return int(j["int"])
    if isinstance(j, dict) and "bytes" in j:
        return bytes.fromhex(j["bytes"])
    return j


def decode_float_value(j: dict) -> float:
    return _values.decode_float(j)


def layout_of(decl: dict) -> Layout:
    """The Layout of an ndarray declaration (one that random_ndarrays made)."""
    fmt = decl["format"]
    size = FIXED_ITEMSIZE.get(fmt.lstrip("@"), 8)
    items = _plain(decl["items"])
    memory = items if decl["shape"] else [items]
    strides = decl.get("strides")
    return Layout(fmt, memory, list(decl["shape"]),
                  None if strides is None else [s // size for s in strides],
                  decl.get("offset", 0) // size, decl.get("fortran", False),
                  decl.get("pil", False), decl.get("readonly", True))


def _fits(values_: list, code: str) -> bool:
    lo, hi = _INT_RANGE[code]
    return all(not isinstance(v, bool) and lo <= v <= hi for v in values_)


def _holds(code: str, v: float) -> bool:
    try:
        return v != v or _struct.unpack(code, _struct.pack(code, v))[0] == v
    except (OverflowError, _struct.error):
        return False


def equal_valued_format(lay: Layout, choice: int) -> str:
    """A format that holds the layout's values unchanged: its own, or (by
    `choice`) another of the same kind, so that views compare by value."""
    code = lay.fmt.lstrip("@")
    vals = lay.flat() or lay.memory[:1]
    if code in _INT_RANGE:
        others = [c for c in ("b", "B", "h", "H", "i", "I", "q", "Q") if _fits(vals, c)]
    elif code in ("e", "f", "d"):
        others = [c for c in ("e", "f", "d") if all(_holds(c, v) for v in vals)]
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
    rng = _random.Random(seed)
    if always or code not in FIXED_ITEMSIZE or rng.random() < 0.5:
        return [Labelled("back", {"op": "call", "obj": "c", "method": "cast",
                                  "args": [lay.fmt, list(lay.shape)], "as": "d"})]
    nbytes = FIXED_ITEMSIZE[code] * _math.prod(lay.shape)
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
    "e": [0.5, -0.0, 65504.0, -_math.inf], "f": [1.5, -0.0, 3.4028234663852886e38, _math.inf],
    "d": [0.1, -0.0, 1e308, -_math.inf],
    "?": [False, True, True, False], "c": [b"\x00", b"a", b"\x7f", b"\xff"],
}
_ARRAY_CODES = "bBhHiIlLqQfd"
_NUMPY_DTYPES = {"b": "int8", "B": "uint8", "h": "int16", "H": "uint16", "i": "int32",
                 "I": "uint32", "q": "int64", "Q": "uint64", "e": "float16",
                 "f": "float32", "d": "float64", "?": "bool"}


def format_views(kinds: int = 0) -> list[Labelled]:
    """Exporters of every native format: ndarray 1-D (`nd`), 0-dim (`nd0`),
    Fortran 2x2 (`ndF`), '@'-prefixed (`ndat`), array.array (`arr`) and
    NumPy (`np`). `kinds` (a number) picks: 0 all, 1 ndarray only."""
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
        if code in _ARRAY_CODES:
            out.append(Labelled(f"arr-{code}", {"kind": "array", "typecode": code, "items": items}))
        if code in _NUMPY_DTYPES:
            out.append(Labelled(f"np-{_NUMPY_DTYPES[code]}",
                                {"kind": "numpy", "dtype": _NUMPY_DTYPES[code],
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
        elif code in _FLOAT_GRID:
            items = [0.0, 1.0, 1.0]
        out.append(Labelled(code, {"kind": "ndarray", "format": code, "items": items, "shape": [3]}))
    return out


DOMAINS.update({
    "random_ndarrays": random_ndarrays,
    "contiguous_twin": contiguous_twin,
    "logical_bytes": logical_bytes,
    "cast_back": cast_back,
    "format_views": format_views,
    "deep_ndarrays": deep_ndarrays,
    "deep_shapes": deep_shapes,
    "equal_value_views": equal_value_views,
})
