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
