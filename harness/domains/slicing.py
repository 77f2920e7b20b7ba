"""Chapter 5, slicing: slice bounds and steps around the ends of a
dimension, the steps that overflow, and slices to compose."""

from __future__ import annotations

from typing import Any

from .core import Labelled, first_dimension
from .indexing import HUGE_INTS, keyed

# Steps so big that step * stride overflows a Py_ssize_t: the slice then has
# at most one item, and its stride is not specified (SLICE-005).
HUGE_STEPS = HUGE_INTS[:2]


def slice_bounds(decl: dict) -> list[Any]:
    """Slice bounds worth trying for a dimension of length n: None, the ends,
    one beyond, far beyond, and the overflowing ones (which clamp)."""
    n = first_dimension(decl)
    return [None] + sorted({-n - 1, -n, -1, 0, 1, n - 1, n, n + 1}) + HUGE_STEPS


def slice_steps() -> list[Any]:
    """None, steps of both signs up to three, and the overflowing ones."""
    return [None, 1, 2, 3, -1, -2, -3] + HUGE_STEPS


def slices(decl: dict) -> list[slice]:
    """All slices over slice_bounds x slice_bounds x slice_steps."""
    bounds = slice_bounds(decl)
    return [slice(a, b, c) for a in bounds for b in bounds for c in slice_steps()]


def slices_plain(decl: dict) -> list[slice]:
    """slices() without the overflowing steps (labels as slices() gives)."""
    return [k for k in slices(decl) if k.step not in HUGE_STEPS]


def slices_huge_step(decl: dict) -> list[slice]:
    """slices() with only the overflowing steps."""
    return [k for k in slices(decl) if k.step in HUGE_STEPS]


def small_slices(decl: dict) -> list[Labelled]:
    """A smaller slice domain for the first dimension of N-D views: the
    bounds that decide clamping, three steps of both signs."""
    n = first_dimension(decl)
    bounds = [None] + sorted({-n - 1, -1, 1, n})
    return keyed([slice(a, b, c) for a in bounds for b in bounds for c in (None, -1, 2)])


def compose_slices() -> list[Labelled]:
    """Slices to compose with each other (a slice of a slice): both step
    signs, steps above one, empty results, and clamped bounds."""
    return keyed([slice(None), slice(1, None), slice(None, -1), slice(None, None, 2),
                  slice(None, None, -1), slice(1, None, 3), slice(5, 1, -2),
                  slice(-2, None, -2), slice(3, 3), slice(None, None, -3),
                  slice(-100, 100, 1)])


TEMPLATE_DOMAINS = (slices_plain, slices_huge_step, small_slices, compose_slices)
