"""One interpreter's results held against its listing: what passes the gate.

The gate fails on a crash, on a failure not listed, and on a listed test
that does not fail (it passes now, or no longer runs): the listing must say
exactly what is left, no more and no less.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .listing import Listed
from .run import TestResult

FAILED = ("fail", "error")


@dataclass
class Verdict:
    version: str
    run: int = 0
    passed: int = 0
    skipped: int = 0
    listed: dict[str, int] = field(default_factory=dict)      # reason -> tests
    pending: dict[str, int] = field(default_factory=dict)     # the pending reasons
    crashes: list[TestResult] = field(default_factory=list)
    unlisted: list[TestResult] = field(default_factory=list)
    stale: list[tuple[Listed, str]] = field(default_factory=list)  # listed, yet ...
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.crashes or self.unlisted or self.stale or self.problems)


def judge(version: str, results: list[TestResult], listed: dict[str, Listed],
          problems: list[str]) -> Verdict:
    v = Verdict(version, problems=list(problems))
    accepted: Counter[str] = Counter()
    pending: Counter[str] = Counter()
    seen = set()
    for r in results:
        seen.add(r.test)
        if r.outcome == "skip":
            v.skipped += 1
            if r.test in listed:
                v.stale.append((listed[r.test], "it was skipped"))
            continue
        v.run += 1
        entry = listed.get(r.test)
        if r.outcome == "crash":
            v.crashes.append(r)
        elif r.outcome == "pass":
            v.passed += 1
            if entry is not None:
                v.stale.append((entry, "it passes now"))
        elif entry is None:
            v.unlisted.append(r)
        else:
            (pending if entry.reason.pending else accepted)[entry.reason.name] += 1
    for test, entry in sorted(listed.items()):
        if test not in seen:
            v.stale.append((entry, "it did not run"))
    v.listed, v.pending = dict(sorted(accepted.items())), dict(sorted(pending.items()))
    return v
