"""Chapter 6, item and slice assignment: slices worth assigning to, and
slices that overlap each other (the source and the destination of one
assignment may share memory).  Keys and views come from indexing (4)."""

from __future__ import annotations

from .core import Labelled, first_dimension
from .indexing import keyed


def assign_slices(decl: dict | int) -> list[Labelled]:
    """Slices of a 1-D view (an exporter, or a length) worth assigning to:
    every length from 0 to n, steps of both signs, empty and clamped ones."""
    n = decl if isinstance(decl, int) else first_dimension(decl)
    out = [slice(None), slice(0, 0), slice(n, None), slice(1, -1), slice(0, 2),
           slice(None, None, 2), slice(1, None, 2), slice(None, None, -1),
           slice(None, None, -2), slice(-1, 0, -1), slice(-100, 100),
           slice(3, 1), slice(n - 1, None, -3), slice(1 << 63, None, -1)]
    return keyed(out)


def overlap_slices() -> list[Labelled]:
    """Slices of a 1-D view of six items that overlap each other in every way."""
    return keyed([slice(None), slice(1, None), slice(None, -1), slice(2, None),
                  slice(None, -2), slice(None, None, -1), slice(None, None, 2),
                  slice(1, None, 2), slice(None, 3), slice(3, None), slice(4, 1, -1),
                  slice(1, 4)])


TEMPLATE_DOMAINS = (assign_slices, overlap_slices)
