"""What a run tells people: progress, a summary per area, failures, results JSON.

Text that came from an adapter (its hello, messages, values, stderr) reaches
a terminal only through values.printable, and failing cases are printed as
programs that are safe to paste (reproduce.py).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import TextIO

from . import compare, reproduce, runner, values
from .impls import Impl
from .session import FAILING, NOT_RECORDED, STATUSES, CaseResult, RunResult


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


def warning_lines(run: RunResult) -> list[str]:
    return [f"WARNING: {run.impl.name}: {values.printable(w)}" for w in run.warnings]


def headline(run: RunResult) -> str:
    """The one-line summary, after any warning about the run (each a line)."""
    c = run.counts()
    h = run.hello
    p = values.printable
    # cases its own oracle did not record (compare.exact_expected), among the unsupported
    unrecorded = sum(r.status == "unsupported" and r.detail.startswith(NOT_RECORDED)
                     for r in run.results)
    line = (f"{run.impl.name}: {p(h.implementation)} {p(h.version)} (Python {p(h.language)}, "
            f"{h.platform}) against {run.oracle}: {len(run.results)} cases, {c['pass']} pass, "
            f"{c['message']} message-only, {c['fail']} fail, {c['unsupported']} unsupported"
            + (f" ({unrecorded} not recorded for this oracle)" if unrecorded else "") + ", "
            f"{c['crash']} crash, {c['timeout']} timeout, {c['protocol-error']} protocol-error "
            f"in {run.seconds:.1f} s")
    return "\n".join(warning_lines(run) + [line])


def outcome_text(o: dict) -> str:
    """An outcome as a developer reads it: a value's Python source, or Type:
    message; characters a reader would not see written as escapes (a
    message's newlines are kept: a reproducer comments each line)."""
    return values.printable(_outcome_text(o), keep="\t\n")


def _outcome_text(o: dict) -> str:
    if not isinstance(o, dict):
        return json.dumps(o)
    if "raises" in o:
        return f"{o['raises']['type']}: {o['raises']['message']}"
    if "value" in o:
        try:
            return values.source(o["value"])
        except values.ValueFormatError:
            return json.dumps(o["value"])
    if "any" in o:
        return " or ".join(_outcome_text(x) for x in o["any"])
    if "unbound" in o:
        return f"(not run: {o['unbound']} was never bound)"
    return json.dumps(o)


def failure_text(result: CaseResult, case: dict) -> str:
    """A failing case as a program to paste into a REPL, the differing steps
    annotated with what CPython did and what the implementation did."""
    head, steps = reproduce.case_lines(case)
    title = f"{result.status.upper()} {result.id}  rules {', '.join(result.rules)}"
    if result.oracle:
        title += f"  (compared with {result.oracle})"
    lines = reproduce.comment(title)
    if result.detail:
        lines += reproduce.comment(result.detail)
    lines += head
    differing = {d.step: d for d in result.diffs}
    for i, s in enumerate(steps):
        lines.append(s)
        if i in differing:
            d = differing[i]
            lines += reproduce.comment(outcome_text(d.expected), "expected: ")
            lines += reproduce.comment(outcome_text(d.actual), "actual:   ")
    return "\n".join(lines)


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


def write_results(run: RunResult, path: Path, scope: dict | None = None) -> None:
    """The results JSON; `scope` (scope.Scope.to_json) says what the run covers."""
    h = run.hello
    doc = {
        "implementation": run.impl.name,
        "version": h.version,
        "hello": h.raw,
        "oracle": run.oracle,
        "strict_messages": run.impl.strict,
        "seconds": round(run.seconds, 3),
        "restarts": run.restarts,
        "exit_problems": run.exit_problems,
        "warnings": run.warnings,
        "scope": scope,
        "summary": summary_dict(run),
        "cases": [],
    }
    # The header indented, then one case a line: as readable, and the cases
    # go through json's C encoder (indent= would take the slow Python one).
    head = json.dumps(doc, indent=1)
    assert head.endswith('"cases": []\n}')
    encode = json.JSONEncoder().encode
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(head[:-4] + "[")
        sep = "\n"
        for r in run.results:
            f.write(sep + encode(result_json(r)))
            sep = ",\n"
        f.write("\n ]\n}\n")
    tmp.replace(path)


class ResultsError(ValueError):
    """A results file that cannot be read back; says which and why."""


def case_result(c: dict) -> CaseResult:
    """One case of a results JSON (result_json's inverse); KeyError or
    TypeError when it is not one."""
    return CaseResult(c["id"], c["status"], c["rules"], c.get("oracle"), c.get("detail", ""),
                      [compare.StepDiff(d["step"], d["expected"], d["actual"], d["kind"])
                       for d in c["diffs"]] if "diffs" in c else [],
                      None, c.get("seconds", 0.0))


_CASE_LINE = re.compile(r'^\{"id": ("(?:[^"\\]|\\.)*")', re.MULTILINE)


def results_for(path: Path, ids: set[str]) -> tuple[str, dict[str, CaseResult]]:
    """(implementation, the results of `ids`) from a results JSON, decoding
    only the lines of those cases (write_results puts one case a line, id
    first); for a few cases of twelve files of 26k, instead of all of them."""
    try:
        text = path.read_text(encoding="utf-8")
        head = json.loads(text[:text.index('"cases": [')] + '"cases": []}')
        found = {}
        for m in _CASE_LINE.finditer(text):
            if json.loads(m.group(1)) in ids:
                end = text.index("\n", m.start())
                c = case_result(json.loads(text[m.start():end].rstrip(",")))
                if c.status not in STATUSES:
                    raise ValueError(f"unknown status {c.status!r}")
                found[c.id] = c
        return str(head["implementation"]), found
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise ResultsError(f"{path}: not a results file: {e}") from None


def read_results(path: Path) -> RunResult:
    """A results JSON back as a RunResult (to merge shards, to gate later)."""
    return load_results(path)[0]


def load_results(path: Path) -> tuple[RunResult, dict | None]:
    """A results JSON back as a RunResult, and its scope as written."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        hello = runner.parse_hello(json.dumps(doc["hello"]).encode())
        results = [case_result(c) for c in doc["cases"]]
        impl = Impl(doc["implementation"], [], strict=doc.get("strict_messages", False))
        run = RunResult(impl, hello, doc["oracle"], results, doc.get("seconds", 0.0),
                        doc.get("restarts", 0), list(doc.get("exit_problems", [])),
                        warnings=list(doc.get("warnings", [])))
        scope = doc.get("scope")
        if scope is not None and not isinstance(scope, dict):
            raise ValueError("scope is not an object")
        return run, scope
    except (OSError, ValueError, KeyError, TypeError, runner.AdapterError) as e:
        raise ResultsError(f"{path}: not a results file: {e}") from None
