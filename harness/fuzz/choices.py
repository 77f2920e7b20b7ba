"""Where a program's random choices come from, and how Hypothesis replays them.

The program generator (programs.py) is written against `random.Random`:
`rng.choice`, `rng.randint`, `rng.random() < p`, `rng.choices(..., weights)`.
Every one of those is answered here from a single primitive, `choose(n)`, an
int in [0, n):

    SeededChoices(seed)   choose(n) from a seeded random.Random, each answer
                          recorded: fast (the fuzzer explores with it), and
                          reproducible from the seed
    DrawnChoices(draw)    choose(n) is a Hypothesis draw of integers(0, n - 1):
                          Hypothesis generates, replays and shrinks the program

`hypothesis_buffer(record)` turns what a SeededChoices recorded into the
bytes Hypothesis would have read to make the same draws, so a program the
fast explorer found can be handed to Hypothesis's shrinker (engine.py) -- it
is checked there: Hypothesis must give back the same program, or the
fuzzer shrinks it alone.

Shrinking moves each draw towards zero, so a choice shrinks to the first
element of its list, a weighted choice to its first option and an int to the
low end of its range: the generator lists the simplest option first.
`random()` shrinks towards 1.0, so that the idiom for a rare case,
`rng.random() < p`, becomes false: a shrunk program keeps only the rare
things it needs.
"""

from __future__ import annotations

import bisect
import itertools
import random
from typing import Any, Callable, Sequence

from hypothesis import strategies as st

FRACTION_BITS = 24          # the resolution of random()
TOP = 1 << FRACTION_BITS
_RANGES: dict[int, st.SearchStrategy[int]] = {}


class ChoiceRandom(random.Random):
    """random.Random answered by choose(n); subclasses say where from.

    `random.Random.__init_subclass__` keeps an overridden `_randbelow`, and
    every method the generator uses goes through `_randbelow` or `random()`
    but the unweighted `choices`, which is overridden too.
    """

    def __init__(self) -> None:
        super().__init__(0)

    def seed(self, *args: Any, **kwargs: Any) -> None:
        pass                        # the choices are the state

    def choose(self, n: int) -> int:
        raise NotImplementedError

    def _randbelow(self, n: int) -> int:        # type: ignore[override]
        return self.choose(n) if n > 1 else 0

    def random(self) -> float:
        return (TOP - 1 - self.choose(TOP)) / TOP

    def getrandbits(self, k: int) -> int:
        return self.choose(1 << k) if k else 0

    def choices(self, population: Sequence[Any], weights: Sequence[float] | None = None, *,
                cum_weights: Sequence[float] | None = None, k: int = 1) -> list[Any]:
        if weights is None and cum_weights is None:
            return [population[self._randbelow(len(population))] for _ in range(k)]
        cum = list(cum_weights) if cum_weights is not None else list(itertools.accumulate(weights))
        out = []
        for _ in range(k):      # a point in (0, total]: the first option's share is nearest 0
            x = (self.choose(TOP) + 1) / TOP * cum[-1]
            out.append(population[min(bisect.bisect_left(cum, x), len(cum) - 1)])
        return out


class SeededChoices(ChoiceRandom):
    """Choices from a random.Random seeded with `seed`; with `record`, the
    list `record` keeps (n, answer) of each (regenerating a program from its
    seed with recording on gives the choices that made it)."""

    def __init__(self, seed: int | str, record: bool = False):
        source = random.Random(seed)
        self._fraction = source.random          # 53 random bits, from C
        self._below = source._randbelow         # exact, for wide ranges
        self.record: list[tuple[int, int]] | None = [] if record else None
        super().__init__()

    def choose(self, n: int) -> int:
        # int(random() * n) is exact for n <= 2**32 (53 bits of fraction)
        v = int(self._fraction() * n) if n <= 1 << 32 else self._below(n)
        if self.record is not None:
            self.record.append((n, v))
        return v


def _below(n: int) -> st.SearchStrategy[int]:
    """integers(0, n - 1), made once per n (making strategies costs time)."""
    s = _RANGES.get(n)
    if s is None:
        s = _RANGES[n] = st.integers(0, n - 1)
    return s


class DrawnChoices(ChoiceRandom):
    """Choices drawn from Hypothesis: `draw` is a composite strategy's."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]):
        self._draw = draw
        super().__init__()

    def choose(self, n: int) -> int:
        return self._draw(_below(n))


def hypothesis_buffer(record: list[tuple[int, int]]) -> bytes:
    """The bytes from which DrawnChoices makes the recorded choices.

    What Hypothesis 6.x (Debian's 6.67) reads for integers(0, n - 1): when
    the range is wider than 127, a 7-bit byte first (0: no bound forced);
    when it needs more than 24 bits, a 3-bit byte (0: uniform); then the
    value, big-endian, in as many bytes as its bits need. Other versions may
    read otherwise: the caller checks that the replay gives the same program.
    """
    out = bytearray()
    for n, v in record:
        if n <= 1:
            continue
        bits = (n - 1).bit_length()
        if n - 1 > 127:
            out.append(0)
        if bits > 24:
            out.append(0)
        out += v.to_bytes((bits + 7) // 8, "big")
    return bytes(out)
