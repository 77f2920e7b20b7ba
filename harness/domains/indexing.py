"""Chapter 4, indexing: the indexes around the ends of a dimension, ints no
index can be, keys of every kind, and views of one to three dimensions in
every layout the buffer protocol allows.  Assignment (6), readonly (7),
exports (8) and release (9) index the same views with the same keys."""

from __future__ import annotations

from typing import Any

from .core import Labelled, first_dimension, shape_of

# Keys that are ints but no index can be: they overflow a Py_ssize_t.
HUGE_INTS = [1 << 63, -(1 << 63) - 1, 1 << 64, -(1 << 64)]


def index_boundaries(decl: dict) -> list[int]:
    """Every index that sits on or just beyond an end: -n-1, -n, -1, 0, n-1, n."""
    n = first_dimension(decl)
    return sorted({-n - 1, -n, -1, 0, n - 1, n, n // 2})


def huge_ints() -> list[int]:
    """Ints that overflow a Py_ssize_t (HUGE_INTS)."""
    return list(HUGE_INTS)


def key_label(k: Any) -> str:
    """A compact label for a key in case ids: slices as start:stop:step,
    tuples with their items so written, Ellipsis as ..., others as Python."""
    if isinstance(k, slice):
        parts = ["" if x is None else key_label(x) for x in (k.start, k.stop, k.step)]
        return ":".join(parts) if k.step is not None else ":".join(parts[:2])
    if isinstance(k, tuple):
        inner = ",".join(key_label(x) for x in k)
        return "(" + inner + ("," if len(k) == 1 else "") + ")"
    if k is Ellipsis:
        return "..."
    if isinstance(k, int) and not isinstance(k, bool) and abs(k) >= 1 << 62:
        sign = "-" if k < 0 else ""
        mag = abs(k)
        for p in (63, 64, 100):
            if mag == 1 << p:
                return f"{sign}2**{p}"
            if mag == (1 << p) + 1:
                return f"{sign}2**{p}{'-' if k < 0 else '+'}1"
        return str(k)
    if isinstance(k, float) and k != k:
        return "nan"
    if isinstance(k, dict) and "ref" in k:
        return "ref-" + k["ref"]
    return repr(k).replace(" ", "")


def keyed(keys: list[Any]) -> list[Labelled]:
    """Keys labelled compactly (key_label)."""
    return [Labelled(key_label(k), k) for k in keys]


def key_kinds() -> list[Labelled]:
    """A key of every kind: ints in and out of range, bools, ints too big for
    an index, slices, tuples of ints (short, exact, long), tuples of slices,
    mixed tuples, and objects that are no key at all (float, str, None,
    Ellipsis, list, bytes, the view itself, its exporter)."""
    big = 1 << 63
    keys = [
        0, 1, -1, 2, -3, 99, -99, True, False, big, -big - 1, 1 << 64,
        slice(None), slice(0, 1), slice(None, None, -1), slice(None, None, 0),
        slice(1.5, None),
        (), (0,), (-1,), (True,), (0, 0), (-1, -1), (1, 2), (9, 0), (0, 9),
        (0, 0, 0), (-1, 1, 0), (0, 0, 9), (0, 0, 0, 0), (big,), (0, big), (big, 0),
        (slice(None),), (slice(None), slice(None)), (slice(None),) * 3,
        (0, slice(None)), (slice(None), 0),
        (0, 1.0), ("a",), (None,), (Ellipsis,), ((0,),), ([0],), (b"a",),
        1.0, float("nan"), "a", "", None, Ellipsis, [0], [], b"a", b"",
        {"ref": "m"}, {"ref": "x"},
    ]
    return keyed(keys)


def _nd(label: str, shape: list[int], fmt: str, writable: bool, **extra: Any) -> Labelled:
    """A _testbuffer.ndarray declaration holding 0, 1, 2, ... in logical or
    memory order (whichever the layout gives), so every item is distinct."""
    count = 1
    for n in shape:
        count *= n
    count = extra.pop("count", count)
    decl = {"kind": "ndarray", "format": fmt, "shape": list(shape),
            "items": list(range(count)), "readonly": not writable}
    decl.update(extra)
    return Labelled(label, decl)


def nd_layouts(ndim: int, writable: int = 0) -> list[Labelled]:
    """Views of `ndim` dimensions in every layout the buffer protocol allows:
    C and Fortran order, negative strides, gaps with an offset, suboffsets
    (PIL-style, pointer-sized strides), and NumPy's C and F orders.

    1-D: 5 items of 'b'; 2-D: 3x4 of 'h'; 3-D: 2x3x2 of 'i'.
    """
    w = bool(writable)
    rw = "w" if w else "ro"
    if ndim == 1:
        return [
            _nd(f"nd1-C-{rw}", [5], "b", w),
            _nd(f"nd1-rev-{rw}", [5], "b", w, strides=[-1], offset=4),
            _nd(f"nd1-gaps-{rw}", [5], "b", w, count=11, strides=[2], offset=1),
            _nd(f"nd1-pil-{rw}", [5], "b", w, pil=True),
            Labelled(f"np1-{rw}", {"kind": "numpy", "dtype": "int8", "items": list(range(5)),
                                   "shape": [5], "readonly": not w}),
        ]
    if ndim == 2:
        return [
            _nd(f"nd2-C-{rw}", [3, 4], "h", w),
            _nd(f"nd2-F-{rw}", [3, 4], "h", w, fortran=True),
            _nd(f"nd2-rev-{rw}", [3, 4], "h", w, strides=[-8, -2], offset=22),
            _nd(f"nd2-rowrev-{rw}", [3, 4], "h", w, strides=[-8, 2], offset=16),
            _nd(f"nd2-gaps-{rw}", [3, 4], "h", w, count=24, strides=[16, 4], offset=2),
            _nd(f"nd2-pil-{rw}", [3, 4], "h", w, pil=True),
            Labelled(f"np2-C-{rw}", {"kind": "numpy", "dtype": "int16", "items": list(range(12)),
                                     "shape": [3, 4], "readonly": not w}),
            Labelled(f"np2-F-{rw}", {"kind": "numpy", "dtype": "int16", "items": list(range(12)),
                                     "shape": [3, 4], "order": "F", "readonly": not w}),
        ]
    if ndim == 3:
        return [
            _nd(f"nd3-C-{rw}", [2, 3, 2], "i", w),
            _nd(f"nd3-F-{rw}", [2, 3, 2], "i", w, fortran=True),
            _nd(f"nd3-rev-{rw}", [2, 3, 2], "i", w, strides=[-24, -8, -4], offset=44),
            _nd(f"nd3-mixed-{rw}", [2, 3, 2], "i", w, strides=[24, -8, 4], offset=16),
            _nd(f"nd3-pil-{rw}", [2, 3, 2], "i", w, pil=True),
        ]
    raise ValueError(f"no layouts of {ndim} dimensions")


def zero_dim_views(writable: int = 0) -> list[Labelled]:
    """0-dimensional views (shape ()): one item, of several formats."""
    w = bool(writable)
    rw = "w" if w else "ro"
    out = [
        Labelled(f"nd0-i-{rw}", {"kind": "ndarray", "format": "i", "shape": [], "items": 7,
                                 "readonly": not w}),
        Labelled(f"nd0-d-{rw}", {"kind": "ndarray", "format": "d", "shape": [], "items": 1.5,
                                 "readonly": not w}),
        Labelled(f"nd0-B-{rw}", {"kind": "ndarray", "format": "B", "shape": [], "items": 255,
                                 "readonly": not w}),
        Labelled(f"nd0-c-{rw}", {"kind": "ndarray", "format": "c", "shape": [], "items": b"x",
                                 "readonly": not w}),
        Labelled(f"nd0-?-{rw}", {"kind": "ndarray", "format": "?", "shape": [], "items": True,
                                 "readonly": not w}),
        Labelled(f"np0-{rw}", {"kind": "numpy", "dtype": "int64", "shape": [], "items": [7],
                               "readonly": not w}),
    ]
    return out


def _edges(n: int, full: bool) -> list[int]:
    """Per-dimension indexes: both ends and one beyond each (full), or the
    four that decide every branch (-n-1, -1, 0, n)."""
    if full:
        return sorted({-n - 1, -n, -1, 0, n - 1, n})
    return sorted({-n - 1, -1, 0, n})


def _index_tuples(shape: list[int], full: bool) -> list[tuple]:
    """Every tuple of one index per dimension drawn from its edges."""
    out: list[tuple] = [()]
    for n in shape:
        out = [t + (i,) for t in out for i in _edges(n, full)]
    return out


def nd_index_tuples(decl: dict) -> list[tuple]:
    """Every tuple of one index per dimension drawn from each dimension's
    edges: full edges up to two dimensions, the deciding four beyond."""
    shape = shape_of(decl)
    return _index_tuples(shape, len(shape) <= 2)


def nd_index_tuples_small(decl: dict) -> list[tuple]:
    """As nd_index_tuples, with the deciding four per dimension only (for
    assignment, which multiplies them by the values)."""
    return _index_tuples(shape_of(decl), False)


def key_order_tuples(decl: dict) -> list[Labelled]:
    """Tuples that pit the checks of a tuple key against each other: lengths
    ndim-1, ndim and ndim+1, whose entries are an index in range (0), one out
    of range (n), one that overflows (2**63), a non-index (a str) or a slice.
    Lengths above three are sampled (the first entries of the product)."""
    shape = shape_of(decl)
    ndim = len(shape)
    out: list[tuple] = []
    for length in (ndim - 1, ndim, ndim + 1):
        if length < 0:
            continue
        combos: list[tuple] = [()]
        for d in range(length):
            n = shape[d] if d < ndim else 1
            combos = [t + (e,) for t in combos
                      for e in (0, n, 1 << 63, "a", slice(None))]
        if length > 3:
            combos = combos[:: max(1, len(combos) // 24)]
        out.extend(combos)
    return keyed(out)


TEMPLATE_DOMAINS = (index_boundaries, huge_ints, key_kinds, nd_layouts, zero_dim_views,
                    nd_index_tuples, nd_index_tuples_small, key_order_tuples)
