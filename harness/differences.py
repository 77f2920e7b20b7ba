"""Where an implementation's memoryview differs from CPython's, explained.

In the manner of MicroPython's "cpydiff" pages: each difference with a
short program, CPython's outcome and the implementation's, the cause and a
workaround. The causes and workarounds are written by hand, one file per
implementation (docs/differences/<name>.toml), one `[[note]]` each:

    [[note]]
    rule = "EXPORT-003"                     # the rule it breaks
    case = "export/bytearray-empty-locked/resize=call:append(0)"
    step = 2                                # the step where it parts from CPython
    title = "A bytearray under a live view can still be resized"
    cpython = "BufferError: Existing exports of data: object cannot be re-sized"
    outcome = "None"                        # the implementation's, as the harness writes it
    cause = "..."
    workaround = "..."

The program is the case's (harness/reproduce.py), so a note is data, never
code; `verify` runs the case on the implementation and on the CPython it is
compared with, and checks that both outcomes are still the ones the note
claims (tests/test_differences.py does, for every note).

`clusters` groups an implementation's failing cases by how they differ (the
kinds of outcome CPython and the implementation give at the first differing
step): the biggest clusters are the divergences the notes explain first.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from . import impls, report, runner
from .session import CaseResult

NOTES_DIR = Path(__file__).resolve().parent.parent / "docs" / "differences"
FIELDS = ("rule", "case", "step", "title", "cpython", "outcome", "cause", "workaround")
# The CPython each implementation is compared with (its language and
# platform), to run a note's case on: PyPy 7.3 is Python 3.9; MicroPython
# and Brython are held to the 32-bit 3.14 recording, which Pyodide is.
CPYTHON_FOR = {"pypy": "cpython-3.9", "micropython": "pyodide", "brython": "pyodide"}


class NotesError(ValueError):
    """A notes file that does not hold notes; says where."""


@dataclass
class Note:
    rule: str
    case: str
    step: int
    title: str
    cpython: str
    outcome: str
    cause: str
    workaround: str


def notes_path(impl: str) -> Path:
    return NOTES_DIR / f"{impl}.toml"


def load(impl: str, path: Path | None = None) -> list[Note]:
    path = path or notes_path(impl)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise NotesError(f"{path}: {e}") from None
    if doc.get("implementation") != impl:
        raise NotesError(f"{path}: implementation = {impl!r} is missing")
    notes = []
    for i, n in enumerate(doc.get("note", []), 1):
        missing = [f for f in FIELDS if f not in n]
        extra = [f for f in n if f not in FIELDS]
        if missing or extra or not isinstance(n.get("step"), int):
            raise NotesError(f"{path}: note {i}: missing {missing}, unknown {extra}, "
                             "or a step that is not an int")
        notes.append(Note(**{f: n[f] for f in FIELDS}))
    return notes


def implementations() -> list[str]:
    return sorted(p.stem for p in NOTES_DIR.glob("*.toml"))


def outcomes(impl_name: str, cases: list[dict], timeout: float = 60.0) -> dict[str, list[str] | str]:
    """Each case's outcomes on an implementation, as text; or why it gave
    none (one adapter run for all the cases: Pyodide takes seconds to start)."""
    impl = impls.resolve(impl_name)
    _, replies = runner.run_cases(impl.argv, cases, timeout=timeout, env=impl.env,
                                  max_failures=0, start_timeout=180.0)
    out: dict[str, list[str] | str] = {c["id"]: "no answer" for c in cases}
    for r in replies:
        out[r.case_id] = ([report.outcome_text(o) for o in r.outcomes] if r.status == runner.ANSWERED
                          else f"{r.status}: {r.detail}")
    return out


def verify(impl: str, notes: list[Note], cases: dict[str, dict]) -> list[str]:
    """What no longer holds of the notes (nothing: they are true). A claimed
    outcome "crash" (or "timeout") holds when the case crashes there."""
    problems = [f"{n.case}: not a case of the suite" for n in notes if n.case not in cases]
    notes = [n for n in notes if n.case in cases]
    problems += [f"{n.case}: cites {cases[n.case]['rules']}, not {n.rule}"
                 for n in notes if n.rule not in cases[n.case]["rules"]]
    chosen = [cases[i] for i in dict.fromkeys(n.case for n in notes)]
    for who, claim in ((impl, "outcome"), (CPYTHON_FOR[impl], "cpython")):
        got = outcomes(who, chosen)
        for n in notes:
            claimed, answer = getattr(n, claim), got[n.case]
            if isinstance(answer, str):
                if answer.split(":")[0] != claimed:
                    problems.append(f"{n.case}: {who} gave no outcomes ({answer[:300]})")
            elif not 1 <= n.step <= len(answer):
                problems.append(f"{n.case}: no step {n.step}")
            elif answer[n.step - 1] != claimed:
                problems.append(f"{n.case} step {n.step}: {who} gives {answer[n.step - 1]!r}, "
                                f"the note says {claimed!r}")
    return problems


# ------------------------------------------------------------- clusters ---

def kind(outcome: object) -> str:
    """An outcome's kind: an exception's type and its message with the
    particulars (quoted names, numbers) blanked, or a value's type."""
    if not isinstance(outcome, dict):
        return "?"
    if "raises" in outcome:
        message = re.sub(r"'[^']*'", "'…'", str(outcome["raises"].get("message", "")))
        return f"{outcome['raises'].get('type')}: {re.sub(r'[0-9]+', 'N', message)[:80]}"
    if "value" in outcome:
        v = outcome["value"]
        return "a value: " + ("/".join(v) if isinstance(v, dict) else type(v).__name__)
    return "(not run)" if "unbound" in outcome else "?"


def cluster_key(r: CaseResult) -> tuple[str, str]:
    if r.diffs:
        return kind(r.diffs[0].expected), kind(r.diffs[0].actual)
    return r.status, re.sub(r"[0-9]+", "N", (r.detail or "").split("\n")[0])[:80]


def clusters(results: list[CaseResult]) -> list[tuple[tuple[str, str], list[CaseResult]]]:
    """The failing cases grouped by how they differ, biggest first."""
    groups: dict[tuple[str, str], list[CaseResult]] = defaultdict(list)
    for r in results:
        if r.status in ("fail", "crash", "timeout", "protocol-error"):
            groups[cluster_key(r)].append(r)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
