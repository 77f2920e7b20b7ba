"""Named parameter domains that templates use as ``@name(args)``.

A domain is a plain function from already-bound parameters (exporter
declarations or values) to a list of Python values.  They hold the boundary
knowledge that would be tedious to spell out in every template: the indexes
around the ends of a dimension, the limits of a Py_ssize_t, and so on.

One module per chapter group of spec/memoryview.md, in its order:

    attributes.py      1-2   construction, attributes and contiguity
    formats.py         3     formats: every native code, packing and unpacking
    indexing.py        4     indexing (and 7-9, which index the same views)
    slicing.py         5     slicing
    assignment.py      6     item and slice assignment
    random_layouts.py  10-13 the seeded random layout generator
    multidim.py        10-13 tolist, tobytes and hex, cast, comparison and hash
    sequence.py        14    sequence behaviour
    objects.py         15    the object

and two they share: core.py (the labelled value, the profile, labels) and
natives.py (the native codes and who exports them).  Each module ends with
TEMPLATE_DOMAINS, the domains templates may name; this file gathers them.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Callable

from . import (assignment, attributes, formats, indexing, multidim, objects, random_layouts,
               sequence, slicing)
from .core import Labelled, profile, scale

__all__ = ["DOMAINS", "Labelled", "profile", "scale"]

CHAPTER_MODULES = (attributes, formats, indexing, slicing, assignment, random_layouts,
                   multidim, sequence, objects)


def _registry(modules: tuple[ModuleType, ...]) -> dict[str, Callable[..., list[Any]]]:
    """Every module's TEMPLATE_DOMAINS by name; a name given twice is a bug."""
    out: dict[str, Callable[..., list[Any]]] = {}
    for module in modules:
        for fn in module.TEMPLATE_DOMAINS:
            assert fn.__name__ not in out, f"domain {fn.__name__} defined twice"
            out[fn.__name__] = fn
    return out


DOMAINS = _registry(CHAPTER_MODULES)
