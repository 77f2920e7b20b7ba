"""What every domain module shares: the profile that sizes sampled domains,
the labelled value, the labels case ids spell values with, and the length of
an exporter declaration."""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import Any, Iterator

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


def int_label(v: int) -> str:
    """2**63-1 rather than 9223372036854775807: readable, stable case ids."""
    if -1024 <= v <= 1024:
        return str(v)
    a = abs(v)
    for k in range(10, 1100):
        for c in (-1, 0, 1):
            if a == (1 << k) + c:
                if v < 0:                        # v = -2**k - c
                    return f"-2**{k}" + ("" if c == 0 else f"{-c:+d}")
                return f"2**{k}" + ("" if c == 0 else f"{c:+d}")
    return str(v)


def float_label(x: float) -> str:
    if x != x:
        return "-nan" if math.copysign(1.0, x) < 0 else "nan"
    return repr(x)


def lab(v: Any, label: str | None = None) -> Labelled:
    """A value labelled as its Python form (ints and floats as above)."""
    if label is None:
        if isinstance(v, bool):
            label = repr(v)
        elif isinstance(v, int):
            label = int_label(v)
        elif isinstance(v, float):
            label = float_label(v)
        elif isinstance(v, (bytes, str)):
            label = repr(v)
        else:
            label = repr(v).replace(" ", "")
    return Labelled(label, v)


def first_dimension(decl: dict) -> int:
    """Length of the first dimension of an exporter declaration."""
    if "shape" in decl:
        return decl["shape"][0] if decl["shape"] else 0
    if decl.get("kind") in ("bytes", "bytearray"):
        return len(bytes.fromhex(decl["data"]["bytes"]))
    if decl.get("kind") == "array":
        return len(decl["items"])
    raise ValueError(f"cannot tell the length of {decl!r}")


def shape_of(decl: dict) -> list[int]:
    """The shape of an exporter declaration (1-D unless it says otherwise)."""
    if "shape" in decl:
        return list(decl["shape"])
    return [first_dimension(decl)]
