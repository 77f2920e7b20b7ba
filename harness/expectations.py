"""Known divergences of an implementation, kept in a file, and the gate.

An implementer's CI already knows some cases fail. The expectations file
lists them, one case a line, sorted, so that a pull request that changes it
shows exactly which cases started or stopped failing:

    # mvspec expectations for pypy (known divergences; one case a line)
    export/bytearray-resize-locked/resize=call:append(33),holder=view  fail
    indexing/int-key/x=bytes5,key=5  crash

A gated run fails only on *new* failures: cases that fail now and are not
listed. Listed cases that pass now are reported, so the file can shrink
(`--update-expectations` rewrites it from the run).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .cases import ROOT
from .session import FAILING, CaseResult

EXPECTATIONS_DIR = ROOT / "conformance" / "expectations"
_LINE = re.compile(r"^(\S+)\s+(\S+)\s*$")


class ExpectationsError(ValueError):
    """A malformed expectations file; says which line."""


def default_path(impl_name: str) -> Path:
    return EXPECTATIONS_DIR / f"{impl_name}.txt"


def read(path: Path) -> dict[str, str]:
    """Case id -> the failing status it is known to have."""
    known: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExpectationsError(f"{path}: no such expectations file "
                                "(create it with --update-expectations)") from None
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if not m or m.group(2) not in FAILING:
            raise ExpectationsError(f"{path}:{n}: want '<case id> <status>' with status one of "
                                    f"{', '.join(FAILING)}; got {line!r}")
        if m.group(1) in known:
            raise ExpectationsError(f"{path}:{n}: {m.group(1)} is listed twice")
        known[m.group(1)] = m.group(2)
    return known


def write(path: Path, impl_name: str, oracle: str, results: list[CaseResult]) -> int:
    """Rewrite the file from a run's failing cases; returns how many."""
    failing = sorted((r.id, r.status) for r in results if r.status in FAILING)
    width = max((len(i) for i, _ in failing), default=0)
    lines = [f"# mvspec expectations for {impl_name}: its known divergences, one case a line,",
             f"# compared with {oracle}. A run with --gate fails only on failures not listed",
             "# here. Rewrite with: python3 -m harness run ... --update-expectations",
             ""]
    lines += [f"{i.ljust(width)}  {s}" for i, s in failing]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(failing)


@dataclass
class GateReport:
    new_failures: list[CaseResult] = field(default_factory=list)
    now_passing: list[str] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)   # id, listed, now
    stale: list[str] = field(default_factory=list)     # listed, not in the suite at all

    @property
    def ok(self) -> bool:
        return not self.new_failures


def gate(results: list[CaseResult], known: dict[str, str], suite_ids: set[str]) -> GateReport:
    rep = GateReport()
    for r in results:
        listed = known.get(r.id)
        if r.status in FAILING:
            if listed is None:
                rep.new_failures.append(r)
            elif listed != r.status:
                rep.changed.append((r.id, listed, r.status))
        elif listed is not None and r.status in ("pass", "message"):
            rep.now_passing.append(r.id)
    rep.stale = sorted(i for i in known if i not in suite_ids)
    return rep


def gate_text(rep: GateReport, path: Path) -> str:
    out = []
    if rep.new_failures:
        out.append(f"GATE: {len(rep.new_failures)} new failing cases (not in {path}):")
        out += [f"  {r.id}  {r.status}" for r in rep.new_failures]
    if rep.changed:
        out.append(f"GATE: {len(rep.changed)} known failures changed how they fail:")
        out += [f"  {i}  {a} -> {b}" for i, a, b in rep.changed]
    if rep.now_passing:
        out.append(f"GATE: {len(rep.now_passing)} listed cases now pass "
                   "(remove them with --update-expectations):")
        out += [f"  {i}" for i in rep.now_passing]
    if rep.stale:
        out.append(f"GATE: {len(rep.stale)} listed cases are not in the suite any more:")
        out += [f"  {i}" for i in rep.stale]
    out.append("GATE: pass (no new failures)" if rep.ok else "GATE: FAIL (new failures)")
    return "\n".join(out)
