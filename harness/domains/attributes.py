"""Chapters 1 and 2, construction and exporters, attributes and contiguity:
exporters of every layout the buffer protocol allows, which construction,
the attributes and the sequence chapter (14) all read, and the slices that
move a view between contiguity classes."""

from __future__ import annotations

from typing import Any

from .core import Labelled, first_dimension


def _layout(items: Any, shape: list, fmt: str = "B", **extra: Any) -> dict:
    decl = {"kind": "ndarray", "format": fmt, "items": items, "shape": shape}
    decl.update(extra)
    return decl


def layouts() -> list[Labelled]:
    """Exporters of every layout class for the attributes and contiguity
    (ATTR-*): bytes, bytearray and array, and ndarrays (which can build any
    layout) of 0 to 3 dimensions, with offsets, gaps, negative, zero and
    irrelevant strides, empty dimensions, suboffsets, and NumPy's orders."""
    r = list(range(24))
    L = Labelled
    return [
        L("bytes6", {"kind": "bytes", "data": b"abcdef"}),
        L("bytes0", {"kind": "bytes", "data": b""}),
        L("bytearray6", {"kind": "bytearray", "data": b"abcdef"}),
        L("array-i3", {"kind": "array", "typecode": "i", "items": [1, 2, 3]}),
        L("array-d0", {"kind": "array", "typecode": "d", "items": []}),
        L("1d", _layout(r[:6], [6])),
        L("1d-h", _layout(r[:6], [6], "h")),
        L("1d-offset", _layout(r[:6], [3], offset=2)),
        L("1d-s2", _layout(r[:6], [3], strides=[2])),
        L("1d-h-s4", _layout(r[:6], [3], "h", strides=[4])),
        L("1d-neg", _layout(r[:6], [6], strides=[-1], offset=5)),
        L("1d-s0", _layout(r[:6], [6], strides=[0])),
        L("1d-len1-s5", _layout(r[:6], [1], strides=[5])),
        L("1d-len1-neg", _layout(r[:6], [1], strides=[-3], offset=5)),
        L("1d-len1-s0", _layout(r[:6], [1], strides=[0])),
        L("1d-len0", _layout([1], [0])),
        L("1d-len0-s5", _layout([1], [0], strides=[5])),
        L("1d-len0-neg", _layout([1], [0], strides=[-1])),
        L("1d-i-len0-s8", _layout([1], [0], "i", strides=[8])),
        L("0d", _layout(5, [], "i")),
        L("0d-d", _layout(1.5, [], "d")),
        L("2x3", _layout(r[:6], [2, 3])),
        L("2x3-F", _layout(r[:6], [2, 3], fortran=True)),
        L("2x3-i", _layout(r[:6], [2, 3], "i")),
        L("2x3-i-F", _layout(r[:6], [2, 3], "i", fortran=True)),
        L("2x3-neg", _layout(r[:6], [2, 3], strides=[-3, -1], offset=5)),
        L("2x3-s0", _layout(r[:6], [2, 3], strides=[0, 1])),
        L("2x3-s11", _layout(r[:6], [2, 3], strides=[1, 1])),
        L("2x3-s41", _layout(r[:8], [2, 3], strides=[4, 1])),
        L("2x3-s12", _layout(r[:6], [2, 3], strides=[1, 2])),
        L("1x3", _layout(r[:3], [1, 3])),
        L("1x3-F", _layout(r[:3], [1, 3], fortran=True)),
        L("1x3-s99", _layout(r[:3], [1, 3], strides=[99, 1])),
        L("1x3-s99-3", _layout(r[:9], [1, 3], strides=[99, 3])),
        L("3x1", _layout(r[:3], [3, 1])),
        L("3x1-s1-99", _layout(r[:3], [3, 1], strides=[1, 99])),
        L("3x1-s3-99", _layout(r[:9], [3, 1], strides=[3, 99])),
        L("1x1", _layout(r[:1], [1, 1])),
        L("1x1-s99-7", _layout(r[:1], [1, 1], strides=[99, 7])),
        L("2x0", _layout([1], [2, 0])),
        L("0x2", _layout([1], [0, 2])),
        L("2x0-s57", _layout([1], [2, 0], strides=[5, 7])),
        L("0x0", _layout([1], [0, 0])),
        L("2x3x4", _layout(r, [2, 3, 4])),
        L("2x3x4-F", _layout(r, [2, 3, 4], fortran=True)),
        L("2x3x4-h", _layout(r, [2, 3, 4], "h")),
        L("2x1x3", _layout(r[:6], [2, 1, 3])),
        L("2x1x3-s3-100-1", _layout(r[:6], [2, 1, 3], strides=[3, 100, 1])),
        L("2x1x3-F", _layout(r[:6], [2, 1, 3], fortran=True)),
        L("pil-1d", _layout(r[:6], [6], pil=True)),
        L("pil-1d-len1", _layout(r[:1], [1], pil=True)),
        L("pil-2x3", _layout(r[:6], [2, 3], pil=True)),
        L("pil-1x1", _layout(r[:1], [1, 1], pil=True)),
        L("pil-2x0", _layout([1], [2, 0], pil=True)),
        L("pil-2x3-F", _layout(r[:6], [2, 3], pil=True, fortran=True)),
        L("numpy-3x4", {"kind": "numpy", "dtype": "int32", "items": r[:12], "shape": [3, 4]}),
        L("numpy-3x4-F", {"kind": "numpy", "dtype": "int32", "items": r[:12], "shape": [3, 4],
                          "order": "F"}),
        L("numpy-0x3", {"kind": "numpy", "dtype": "int16", "items": [], "shape": [0, 3]}),
        L("numpy-1x4", {"kind": "numpy", "dtype": "int16", "items": r[:4], "shape": [1, 4]}),
        L("numpy-0d", {"kind": "numpy", "dtype": "float64", "items": [2.5], "shape": []}),
    ]


def contiguity_slices(decl: dict) -> list[slice]:
    """Slices of the first dimension giving every length class (0, 1, more)
    with steps 1, 2, -1, -2 and beyond the end: ATTR-009/010."""
    n = first_dimension(decl)
    picks = [(None, None, None), (None, None, -1), (None, None, 2), (None, None, -2),
             (1, 2, None), (1, 2, -1), (2, 1, -1), (0, 0, None), (0, 0, 2), (0, 0, -1),
             (n, n, -3), (1, 2, 5), (None, None, n), (None, None, -n), (n - 1, n, None),
             (1, n - 1, None), (1, n - 1, 2), (n - 2, 0, -1), (n - 2, 0, -2), (None, None, 3),
             (2, None, 3), (-1, None, None), (None, 1, None), (None, 1, -1)]
    out, seen = [], set()
    for a, b, c in picks:
        s = slice(a, b, c)
        if (a, b, c) not in seen:
            seen.add((a, b, c))
            out.append(s)
    return out


TEMPLATE_DOMAINS = (layouts, contiguity_slices)
