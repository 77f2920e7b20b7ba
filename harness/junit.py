"""JUnit XML, as CI test reporters (Jenkins, GitLab, GitHub actions that
publish test results) read it: one testcase per case.

classname is the case's area and name its id, so dashboards group by area.
What each case becomes:

    without a gate                     with a gate (expectations.py)
    pass, message -> passed            as expected -> passed, or skipped when
    fail -> failure                      what is expected is a divergence
    crash, timeout,                      ("known: fail, listed in ...")
      protocol-error -> error          got better -> passed (says so)
    unsupported -> skipped             new failure, now unsupported -> failure
    not run (shard missing) -> error     (error for crash/timeout/protocol-error)
                                       not run -> error
                                       changed how it fails -> skipped (known)
                                       exact gate: any difference -> failure

A failure's text is the reproducer first (the program to paste), then what
was expected of the case; a known divergence keeps its reproducer in
system-out. The totals are counts of those elements, so a passing gate
writes failures="0" errors="0" and a failing one does not: CI shows the
gate's verdict.

Every text is made valid XML 1.0: characters XML forbids (control
characters from an adapter's message, lone surrogates) are written as
visible escapes (`\\x1b`), never dropped silently and never left to make
the file unreadable.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from . import expectations as exps
from .cases import area_of
from .session import FAILING, CaseResult

PASSED, FAILURE, ERROR, SKIPPED = "passed", "failure", "error", "skipped"

# Everything XML 1.0 does not allow in a document (section 2.2, Char).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """`text` with each character XML 1.0 forbids written as an escape."""
    def escape(m: re.Match) -> str:
        c = ord(m.group())
        return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"
    return _NOT_XML.sub(escape, text)


@dataclass
class Entry:
    """One testcase as it will be written."""
    classname: str
    name: str
    seconds: float
    kind: str                  # PASSED, FAILURE, ERROR, SKIPPED
    type: str = ""
    message: str = ""
    text: str = ""             # the failure's or error's body
    out: str = ""              # system-out


def _failing_kind(status: str | None) -> str:
    """A case the implementation could not finish is an error; any other
    wrong outcome (a wrong answer, unsupported, a difference) a failure."""
    return ERROR if status in ("crash", "timeout", "protocol-error") else FAILURE


def plain_entry(r: CaseResult, text: str | None) -> Entry:
    """A case without a gate: its status alone decides."""
    e = Entry(r.area, r.id, r.seconds, PASSED)
    if r.status in FAILING:
        e.kind, e.type = _failing_kind(r.status), r.status
        e.message = f"{r.status}: rules {', '.join(r.rules)}"
        e.text = text or r.detail
    elif r.status == "unsupported":
        e.kind, e.message = SKIPPED, f"unsupported: {r.detail}"
    elif r.status == "message":
        e.out = text or "exception message differs from CPython's"
    return e


def gated_entry(r: CaseResult, v: exps.Verdict, rep: exps.GateReport,
                text: str | None) -> Entry:
    """A case as the gate judged it."""
    e = Entry(r.area, r.id, r.seconds, PASSED)
    listed = "|".join(v.expected)
    where = f"listed as {listed} in {rep.path}" if listed != "pass" else f"not listed in {rep.path}"
    program = text or r.detail
    if rep.fails(v):
        e.kind, e.type = _failing_kind(r.status), r.status
        what = {exps.NEW_FAILURE: "new failure", exps.UNSUPPORTED_GROWTH: "now unsupported",
                exps.BETTER: "better than expected", exps.MOVED: "changed"}.get(v.kind, v.kind)
        e.message = f"{what}: {r.status}, expected {listed} ({where}); rules {', '.join(r.rules)}"
        e.text = f"{program}\n# expected status: {listed} ({where})"
    elif r.status == "pass":
        if v.kind == exps.BETTER:
            e.out = f"now passes; {where}: remove it with --update-expectations"
    elif r.status == "message" and v.kind != exps.SAME:
        e.out = f"{program}\n# {v.kind}: message, {where}"
    elif r.status == "message":
        e.out = program
    else:
        e.kind = SKIPPED
        if v.kind == exps.ALLOWED_UNSUPPORTED:
            e.message = f"unsupported (allowed): {r.detail}"
        elif r.status == "unsupported":
            e.message = f"unsupported ({where}): {r.detail}"
        else:
            how = f"known: {r.status}" if v.kind == exps.SAME else f"known, now {r.status}"
            e.message = f"{how} ({where})"
        e.out = program if r.status != "unsupported" else ""
    return e


def entries(results: list[CaseResult], texts: dict[str, str],
            rep: exps.GateReport | None = None, not_run: list[str] = (),
            not_run_why: str = "") -> list[Entry]:
    """Every testcase of a run: its results, then the cases it claims but did
    not run, then (with a gate) what the gate found outside the cases."""
    out = []
    for r in results:
        out.append(gated_entry(r, rep.verdict(r.id), rep, texts.get(r.id)) if rep
                   else plain_entry(r, texts.get(r.id)))
    for case_id in not_run:
        out.append(Entry(area_of(case_id), case_id, 0.0, ERROR, "not-run",
                         f"expected but not run{f' ({not_run_why})' if not_run_why else ''}"))
    if rep and rep.unknown_fails:
        out += [Entry("expectations", i, 0.0, FAILURE, "unknown",
                      f"listed in {rep.path} but not in the suite") for i in rep.unknown]
    if rep and rep.nothing_ran:
        out.append(Entry("gate", "some-case-ran", 0.0, FAILURE, "nothing-ran",
                         "every case was unsupported: nothing was tested"))
    return out


def element(e: Entry) -> ET.Element:
    tc = ET.Element("testcase", classname=clean(e.classname), name=clean(e.name),
                    time=f"{e.seconds:.6f}")
    if e.kind == SKIPPED:
        ET.SubElement(tc, "skipped", message=clean(e.message))
    elif e.kind in (FAILURE, ERROR):
        el = ET.SubElement(tc, e.kind, type=clean(e.type), message=clean(e.message))
        el.text = clean(e.text)
    if e.out:
        ET.SubElement(tc, "system-out").text = clean(e.out)
    return tc


def counts(items: list[Entry]) -> dict[str, int]:
    c = {PASSED: 0, FAILURE: 0, ERROR: 0, SKIPPED: 0}
    for e in items:
        c[e.kind] += 1
    return c


def write(path: Path, suite_name: str, items: list[Entry], seconds: float) -> dict[str, int]:
    """Write the report; returns its totals (by kind)."""
    c = counts(items)
    totals = dict(tests=str(len(items)), failures=str(c[FAILURE]), errors=str(c[ERROR]),
                  time=f"{seconds:.3f}")
    root = ET.Element("testsuites", name="mvspec", **totals)
    suite = ET.SubElement(root, "testsuite", name=clean(suite_name), **totals,
                          skipped=str(c[SKIPPED]))
    suite.extend(element(e) for e in items)
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return c
