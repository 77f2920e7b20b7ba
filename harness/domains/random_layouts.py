"""A seeded generator of random ndarray layouts, for chapters 10-13
(tolist, tobytes and hex, cast, comparison and hash).

The idea comes from CPython's Lib/test/test_buffer.py: a layout is
(memory length, itemsize, shape, strides, offset), and it is valid when
every item it reaches lies inside the memory.  _testbuffer.ndarray checks
exactly that (and that strides and offset are multiples of the itemsize),
so the generator computes the span of every layout it makes and sizes the
memory to hold it: every declaration it returns builds.

Everything is computed in *items*, never bytes, so that the declarations
are the same on every platform.  Explicit strides and offsets are bytes in
the protocol, so they are only generated for the formats whose size is
fixed; the formats whose size is the platform's (l L n N P) get the default
C or Fortran strides and no offset, and their items stay within 32 bits.
"""

from __future__ import annotations

import math
import random
from typing import Any, Iterator

from .. import values
from .core import Labelled, scale
from .natives import FIXED_ITEMSIZE, NATIVE_FORMATS

# Portable ranges: the platform-sized formats keep to 32 bits.
INT_RANGE = {"b": (-2**7, 2**7 - 1), "B": (0, 2**8 - 1), "h": (-2**15, 2**15 - 1),
             "H": (0, 2**16 - 1), "i": (-2**31, 2**31 - 1), "I": (0, 2**32 - 1),
             "q": (-2**63, 2**63 - 1), "Q": (0, 2**64 - 1),
             "l": (-2**31, 2**31 - 1), "n": (-2**31, 2**31 - 1),
             "L": (0, 2**32 - 1), "N": (0, 2**32 - 1), "P": (0, 2**32 - 1)}
# Floats every format of that kind holds exactly: k / 2**exp, |k| < 2**bits.
_FLOAT_GRID = {"e": (3, 11), "f": (6, 24), "d": (20, 53)}
_SPECIAL_FLOATS = (0.0, -0.0, math.inf, -math.inf, math.nan)


def random_item(rng: random.Random, fmt: str) -> Any:
    """One value that `fmt` packs exactly, boundaries being likelier."""
    code = fmt.lstrip("@")
    if code == "?":
        return rng.random() < 0.5
    if code == "c":
        return bytes([rng.randrange(256)])
    if code in _FLOAT_GRID:
        if rng.random() < 0.08:
            return rng.choice(_SPECIAL_FLOATS)
        exp, bits = _FLOAT_GRID[code]
        return rng.randrange(-(2**bits) + 1, 2**bits) / 2**exp
    lo, hi = INT_RANGE[code]
    if rng.random() < 0.2:
        return rng.choice((lo, hi, 0, lo + 1, hi - 1))
    return rng.randint(lo, hi)


def _random_shape(rng: random.Random, ndim: int) -> list[int]:
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


def _random_strides(rng: random.Random, shape: list[int]) -> list[int]:
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


def random_layout(rng: random.Random) -> Layout:
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
    rng = random.Random(seed)
    for i in range(count * scale()):
        yield i, random_layout(rng)


def random_ndarrays(seed: int, count: int) -> list[Labelled]:
    """Random ndarray declarations, valid by construction (see the top)."""
    return [Labelled(lay.label(i), lay.decl()) for i, lay in random_layouts(seed, count)]


def _plain(j: Any) -> Any:
    """Decode the protocol values of a declaration (lists, ints, floats, bytes)."""
    if isinstance(j, list):
        return [_plain(x) for x in j]
    if isinstance(j, dict) and "float" in j:
        return values.decode_float(j)
    if isinstance(j, dict) and "int" in j:
        return int(j["int"])
    if isinstance(j, dict) and "bytes" in j:
        return bytes.fromhex(j["bytes"])
    return j


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


TEMPLATE_DOMAINS = (random_ndarrays,)
