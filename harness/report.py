"""What a run tells people: progress, a summary per area, failures, results JSON."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import TextIO

from . import reproduce
from .session import FAILING, STATUSES, CaseResult, RunResult


class Progress:
    """Progress of a long run on stderr.

    On a terminal, one line redrawn in place; elsewhere (CI logs), a line every
    `every` seconds, so a long run is visibly alive without flooding the log.
    """

    def __init__(self, label: str, total: int, stream: TextIO = sys.stderr, every: float = 10.0):
        self.label = label
        self.total = total
        self.stream = stream
        self.tty = stream.isatty()
        self.every = every
        self.done = 0
        self.bad = 0
        self.started = time.monotonic()
        self.last = self.started

    def __call__(self, result: CaseResult) -> None:
        self.done += 1
        self.bad += result.status in FAILING
        now = time.monotonic()
        if self.tty and (now - self.last > 0.1 or self.done == self.total):
            self.last = now
            width = 30
            filled = width * self.done // max(self.total, 1)
            self.stream.write(f"\r{self.label:<16} [{'#' * filled}{'.' * (width - filled)}] "
                              f"{self.done}/{self.total}  failing {self.bad}  "
                              f"{now - self.started:5.1f}s")
            self.stream.flush()
        elif not self.tty and now - self.last >= self.every:
            self.last = now
            self.stream.write(f"{self.label}: {self.done}/{self.total} cases, "
                              f"{self.bad} failing, {now - self.started:.0f} s\n")
            self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def summary_dict(run: RunResult) -> dict[str, int]:
    counts = run.counts()
    return {"total": len(run.results), **counts}


def area_table(run: RunResult) -> str:
    """One row per area: how many cases had each status."""
    per_area: dict[str, Counter] = defaultdict(Counter)
    for r in run.results:
        per_area[r.area][r.status] += 1
    shown = [s for s in STATUSES if any(c[s] for c in per_area.values()) or s in ("pass", "fail")]
    head = ["area", "total"] + shown
    rows = [[a, str(sum(c.values()))] + [str(c[s]) for s in shown]
            for a, c in sorted(per_area.items())]
    total = Counter(r.status for r in run.results)
    rows.append(["all", str(len(run.results))] + [str(total[s]) for s in shown])
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))
    out = [line(head), line(["-" * w for w in widths])]
    out += [line(r) for r in rows[:-1]] + [line(["-" * w for w in widths]), line(rows[-1])]
    return "\n".join(out)


def headline(run: RunResult) -> str:
    c = run.counts()
    h = run.hello
    return (f"{run.impl.name}: {h.implementation} {h.version} (Python {h.language}, {h.platform}) "
            f"against {run.oracle}: {len(run.results)} cases, {c['pass']} pass, "
            f"{c['message']} message-only, {c['fail']} fail, {c['unsupported']} unsupported, "
            f"{c['crash']} crash, {c['timeout']} timeout, {c['protocol-error']} protocol-error "
            f"in {run.seconds:.1f} s")


def _outcome_text(o: object) -> str:
    return json.dumps(o, ensure_ascii=False)


def failure_text(result: CaseResult, case: dict) -> str:
    """A failing case as a reproducer: the program, then what differed."""
    head, steps = reproduce.case_lines(case)
    lines = [f"FAIL {result.id} [{result.status}] rules {', '.join(result.rules)}"
             + (f" (oracle {result.oracle})" if result.oracle else "")]
    if result.detail:
        lines.append(f"    {result.detail}")
    lines += [f"    >>> {s}" for s in head]
    differing = {d.step: d for d in result.diffs}
    for i, s in enumerate(steps):
        lines.append(f"    >>> {s}")
        if i in differing:
            d = differing[i]
            lines.append(f"        expected: {_outcome_text(d.expected)}")
            lines.append(f"        actual:   {_outcome_text(d.actual)}")
    return "\n".join(lines)


def print_failures(run: RunResult, cases: dict[str, dict], limit: int, stream: TextIO) -> None:
    failed = run.failed()
    for r in failed[:limit]:
        print(failure_text(r, cases[r.id]), file=stream)
    if len(failed) > limit:
        print(f"... and {len(failed) - limit} more failing cases "
              f"(all of them are in the results JSON)", file=stream)


def result_json(r: CaseResult) -> dict:
    d: dict = {"id": r.id, "status": r.status, "rules": r.rules}
    if r.oracle:
        d["oracle"] = r.oracle
    if r.detail:
        d["detail"] = r.detail
    if r.diffs:
        d["diffs"] = [{"step": x.step, "kind": x.kind, "expected": x.expected,
                       "actual": x.actual} for x in r.diffs]
    d["seconds"] = round(r.seconds, 6)
    return d


def write_results(run: RunResult, path: Path) -> None:
    h = run.hello
    doc = {
        "implementation": run.impl.name,
        "version": h.version,
        "hello": h.raw,
        "oracle": run.oracle,
        "strict_messages": run.impl.strict,
        "seconds": round(run.seconds, 3),
        "restarts": run.restarts,
        "summary": summary_dict(run),
        "cases": [result_json(r) for r in run.results],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
