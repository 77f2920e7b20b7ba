"""The fuzzing loop: explore, and when a program diverges, shrink and re-check it.

Exploring. Programs come from programs.generate, driven by one of two engines:

    random       SeededChoices: program i of seed s is generated from the
                 seed "s:i" alone, so any program is regenerated from two
                 numbers; fast (mvref in-process: thousands a second)
    hypothesis   DrawnChoices under @given: Hypothesis chooses (it favours
                 boundaries and mutates programs that were interesting),
                 at a fraction of the speed

Each program runs on CPython and on the candidate (differ.run_both). A
divergence whose signature (differ.Difference) was seen before is counted,
not reported again: the run goes on looking for other ones.

Shrinking a new divergence, three stages, each keeping "still diverges with
the same signature":

    1. Hypothesis's shrinker. For the random engine the program's recorded
       choices become the bytes Hypothesis would have drawn
       (choices.hypothesis_buffer), saved in an in-memory example database
       that hypothesis.find() starts from; for the hypothesis engine,
       Hypothesis has already shrunk it. Hypothesis shrinks the *choices*,
       so the program stays one the generator can make.
    2. Delta debugging (reduce.py) on the program itself: steps, exporters,
       parts, values -- what choices cannot express (a step removed from
       the middle, a byte of data).
    3. The re-check: the result is run again, from its case line, through
       fresh adapter processes when a side was in-process -- the way
       `harness run` would run it -- and must diverge the same way.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, TextIO

from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.database import InMemoryExampleDatabase
from hypothesis.errors import Flaky, NoSuchExample

from . import programs, reduce
from .choices import DrawnChoices, SeededChoices, hypothesis_buffer
from .differ import DIGITS, Behaviours, Trial, run_both
from .findings import Finding, as_case
from .sides import Side

ENGINES = ("random", "hypothesis")
QUIET = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck),
                 print_blob=False, report_multiple_bugs=False)


@dataclass
class Stats:
    programs: int = 0
    skipped: int = 0
    known: int = 0                  # programs diverging as an earlier one did
    started: float = field(default_factory=time.monotonic)
    behaviours: Behaviours = field(default_factory=Behaviours)
    skip_reasons: dict[str, int] = field(default_factory=dict)
    shrinking: float = 0.0          # seconds spent shrinking, not exploring

    def rate(self) -> float:
        """Programs explored a second (shrinking a divergence is not exploring)."""
        return self.programs / max(time.monotonic() - self.started - self.shrinking, 1e-9)


class Progress:
    """The progress line of a long run: in place on a terminal, else every
    `every` seconds."""

    def __init__(self, label: str, seconds: float, stream: TextIO = sys.stderr,
                 every: float = 10.0):
        self.label, self.seconds, self.stream = label, seconds, stream
        self.tty = stream.isatty()
        self.every = 0.5 if self.tty else every
        self.last = time.monotonic()

    def line(self, stats: Stats, findings: int) -> str:
        elapsed = time.monotonic() - stats.started
        return (f"fuzz {self.label}: {stats.programs} programs ({stats.rate():.0f}/s), "
                f"{findings} divergence{'s' if findings != 1 else ''}"
                f"{f' (+{stats.known} repeats)' if stats.known else ''}, "
                f"{len(stats.behaviours.seen)} behaviours, {stats.skipped} skipped, "
                f"{elapsed:.0f} s of {self.seconds:g}")

    def __call__(self, stats: Stats, findings: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < self.every:
            return
        self.last = now
        text = self.line(stats, findings)
        self.stream.write(f"\r{text}\x1b[K" if self.tty else text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n")


class Fuzzer:
    """One candidate against one CPython."""

    def __init__(self, oracle: Side, candidate: Side, *, oracle_name: str, strict: bool,
                 caps: programs.Caps, recheck: Callable[[dict], Trial] | None = None,
                 before_run: Callable[[dict], None] | None = None,
                 shrink_seconds: float = 120.0):
        self.oracle, self.candidate = oracle, candidate
        self.oracle_name = oracle_name
        self.strict = strict
        self.caps = caps
        self.recheck = recheck
        self.before_run = before_run
        self.shrink_seconds = shrink_seconds
        self.stats = Stats()
        self.findings: list[Finding] = []
        self.signatures: set[tuple[str, str, str]] = set()
        self.on_finding: Callable[[Finding], None] = lambda f: None

    # -- one program -------------------------------------------------------

    def trial(self, program: dict) -> Trial:
        case = {"id": "fuzz/program", "rules": ["CONSTRUCT-001"], **program}
        if self.before_run:
            self.before_run(case)
        return run_both(case, self.oracle, self.candidate, self.strict)

    def count(self, t: Trial) -> bool:
        """Count a trial; True when it diverges in a way not seen before."""
        self.stats.programs += 1
        if t.skipped:
            self.stats.skipped += 1
            k = DIGITS.sub("#", t.skipped[:70])
            self.stats.skip_reasons[k] = self.stats.skip_reasons.get(k, 0) + 1
            return False
        self.stats.behaviours.add(t.case, t.expected.outcomes or [])
        if t.difference is None:
            return False
        if t.difference.signature in self.signatures:
            self.stats.known += 1
            return False
        return True

    def same_way(self, signature: tuple) -> Callable[[dict], bool]:
        def test(program: dict) -> bool:
            t = self.trial(program)
            return t.difference is not None and t.difference.signature == signature
        return test

    def replay(self, saved: list[dict]) -> int:
        """Run saved programs (case lines) first; one that diverges is
        reported as it is (it was shrunk when it was found)."""
        for case in saved:
            t = self.trial({"setup": case["setup"], "steps": case["steps"]})
            if self.count(t):
                assert t.difference is not None
                self.signatures.add(t.difference.signature)
                self.report(Finding(case, t, case, self.oracle_name,
                                    "a saved example, not shrunk again", "run once"))
        return len(saved)

    # -- exploring ---------------------------------------------------------

    def explore(self, seconds: float, seed: int, max_programs: int | None,
                progress: Progress, start: int = 0) -> int:
        """The random engine: program i of the seed, from `start`; returns
        the number of the next program."""
        deadline = time.monotonic() + seconds
        i = start
        while time.monotonic() < deadline and (max_programs is None or i < max_programs):
            program = programs.generate(SeededChoices(f"{seed}:{i}"), self.caps)
            t = self.trial(program)
            if self.count(t):
                again = SeededChoices(f"{seed}:{i}", record=True)   # its choices, for Hypothesis
                assert programs.generate(again, self.caps) == program
                self.report(self.shrink(program, t, again.record))
            i += 1
            progress(self.stats, len(self.findings))
        return i

    def explore_hypothesis(self, seconds: float, seed: int, max_programs: int | None,
                           progress: Progress) -> None:
        """The hypothesis engine: @given in rounds of CHUNK programs."""
        deadline = time.monotonic() + seconds
        caps = self.caps
        chunk = 0

        @st.composite
        def program_strategy(draw):
            return programs.generate(DrawnChoices(draw), caps)

        class NewDivergence(Exception):
            pass

        found: dict[str, tuple[dict, Trial]] = {}

        while time.monotonic() < deadline and (max_programs is None
                                               or self.stats.programs < max_programs):
            @hypothesis_seed(seed * 100003 + chunk)
            @settings(QUIET, max_examples=CHUNK, phases=[Phase.generate, Phase.shrink])
            @given(program_strategy())
            def test(program: dict) -> None:
                if time.monotonic() > deadline:
                    return
                t = self.trial(program)
                if self.count(t):       # new: Hypothesis shrinks it, calling again
                    found["last"] = (program, t)
                    raise NewDivergence()
                progress(self.stats, len(self.findings))
            chunk += 1
            try:
                test()
            except NewDivergence:
                program, t = found.pop("last")
                self.report(self.shrink(program, t, None, shrunk_by_hypothesis=True))

    # -- a divergence ------------------------------------------------------

    def shrink(self, program: dict, t: Trial, record: list[tuple[int, int]] | None,
               shrunk_by_hypothesis: bool = False) -> Finding:
        assert t.difference is not None
        started = time.monotonic()
        try:
            return self._shrink(program, t, record, shrunk_by_hypothesis)
        finally:
            self.stats.shrinking += time.monotonic() - started

    def _shrink(self, program: dict, t: Trial, record: list[tuple[int, int]] | None,
                shrunk_by_hypothesis: bool) -> Finding:
        assert t.difference is not None
        signature = t.difference.signature
        self.signatures.add(signature)
        how = ["Hypothesis"] if shrunk_by_hypothesis else []
        smaller = program
        if record is not None:
            by_hypothesis = self.hypothesis_shrink(program, record, signature)
            if by_hypothesis is not None:
                smaller, how = by_hypothesis, ["Hypothesis"]
        smaller = self.delta_shrink(smaller, signature)
        how.append("delta debugging")
        final = self.trial(smaller)
        if final.difference is None or final.difference.signature != signature:
            smaller, final = program, t         # never report what does not reproduce
            how = ["not shrunk: the shrunk program did not reproduce"]
        case = as_case({"setup": smaller["setup"], "steps": smaller["steps"]},
                       final.difference.step)
        rechecked = "re-checked in this process"
        if self.recheck is not None:
            again = self.recheck(case)
            rechecked = ("re-checked through the adapters: the same divergence"
                         if again.difference and again.difference.signature == signature
                         else f"re-checked through the adapters: NOT reproduced "
                              f"({again.difference.text() if again.difference else again.skipped or 'no divergence'})")
        return Finding(case, final, program, self.oracle_name, " then ".join(how), rechecked)

    def hypothesis_shrink(self, program: dict, record: list[tuple[int, int]],
                          signature: tuple) -> dict | None:
        """Hypothesis's shrinker, started from the program's choices."""
        db = InMemoryExampleDatabase()
        db.save(b"fuzz", hypothesis_buffer(record))
        caps = self.caps

        @st.composite
        def program_strategy(draw):
            return programs.generate(DrawnChoices(draw), caps)

        started = time.monotonic()
        test = self.same_way(signature)
        best = [program]        # the smallest program yet that diverges the same way

        class TimeUp(Exception):
            pass

        def condition(p: dict) -> bool:
            if time.monotonic() - started > self.shrink_seconds / 2:
                raise TimeUp()
            if not test(p):
                return False
            if len(json.dumps(p)) < len(json.dumps(best[0])):
                best[0] = p
            return True
        try:
            return find(program_strategy(), condition,
                        settings=settings(QUIET, database=db, phases=[Phase.reuse, Phase.shrink],
                                          max_examples=10**6),
                        database_key=b"fuzz")
        except NoSuchExample:
            return None
        except (TimeUp, Flaky):
            # Out of time, or a program that diverged once did not the next
            # time (the candidate's state leaks between runs): what was
            # found so far, which delta debugging and the re-check test again.
            return best[0] if best[0] is not program else None

    def delta_shrink(self, program: dict, signature: tuple) -> dict:
        first = self.trial(program)
        keep = first.difference.step if first.difference else None
        test = self.same_way(signature)

        def still(case: dict, origin: list[int]) -> bool:
            t = self.trial(case)
            if t.difference is None or t.difference.signature != signature:
                return False
            return keep is None or origin[t.difference.step] == keep
        budget = reduce.Budget(seconds=self.shrink_seconds / 2)
        reduced = reduce.reduce({"setup": program["setup"], "steps": program["steps"]},
                                still, keep, budget)
        return reduced if test(reduced) else program

    def report(self, finding: Finding) -> None:
        self.findings.append(finding)
        self.on_finding(finding)


CHUNK = 200         # programs per @given round of the hypothesis engine


def seed_from_time() -> int:
    return int.from_bytes(os.urandom(4), "big") % 1_000_000
