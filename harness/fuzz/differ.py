"""Run one program on both sides and say whether, and how, they differ.

Outcomes are compared by the harness's own rules (compare.py): values by
their encoding, exceptions by type, and by message too when the run is
strict (the C reference always is). A difference is named by where it is
and what kind it is, without the step's position, so that the same bug
found in two programs -- or in a program and its shrunk form -- has the
same signature:

    fail     call cast      value bytes -> raises ValueError
    message  getitem        ValueError
    crash    -              killed by signal 6 (SIGABRT): struct.c:255: mv_struct_pack: Assertion `0' failed.

Messages are compared with memory addresses masked (`<memory at 0x7f…>`
names a different object on each side); the cases the fuzzer writes never
depend on one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import compare, runner
from .sides import ANSWERED, UNSUPPORTED, Answer, Side

ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
DIGITS = re.compile(r"\d+")
QUOTED = re.compile(r"'[^']*'")
CRASH_LINE = re.compile(r"Assertion|AddressSanitizer|runtime error|Fatal Python error|"
                        r"Segmentation|panic|abort", re.IGNORECASE)


@dataclass(frozen=True)
class Difference:
    status: str          # compare.FAIL, compare.MESSAGE, or a runner failure (crash, ...)
    step: int | None     # the first step that differs (None: the run failed as a whole)
    op: str              # what that step does: "getitem", "call cast", ...
    kind: str            # how it differs

    @property
    def signature(self) -> tuple[str, str, str]:
        return (self.status, self.op, self.kind)

    def text(self) -> str:
        where = f"step {self.step} ({self.op})" if self.step is not None else "the program"
        return f"{self.status}: {where}: {self.kind}"


@dataclass
class Trial:
    """A program run on both sides."""
    case: dict
    expected: Answer
    actual: Answer | None = None
    verdict: compare.Verdict | None = None
    difference: Difference | None = None
    skipped: str = ""               # why nothing was compared


def op_of(step: dict) -> str:
    op = step.get("op", "?")
    if op == "call":
        return f"call {step.get('method')}"
    if op == "getattr":
        return f"getattr {step.get('name')}"
    return op


def shape_of(outcome: dict) -> str:
    """An outcome's kind: `value int`, `raises TypeError`, `unbound`."""
    if "raises" in outcome:
        return f"raises {outcome['raises']['type']}"
    if "value" in outcome:
        v = outcome["value"]
        if isinstance(v, dict):
            return f"value {next(iter(v), 'dict')}" + (f" {v['object']}" if "object" in v else "")
        return f"value {type(v).__name__ if v is not None else 'None'}"
    if "any" in outcome:
        return "any"
    return "unbound"


def masked(outcomes: list[dict]) -> list[dict]:
    """The outcomes with memory addresses in messages masked."""
    out = []
    for o in outcomes:
        if "raises" in o and ADDRESS.search(o["raises"]["message"]):
            r = o["raises"]
            o = {"raises": {"type": r["type"], "message": ADDRESS.sub("0x…", r["message"])}}
        out.append(o)
    return out


def crash_kind(detail: str) -> str:
    """The stable part of a crash's detail: how it ended and the line that
    says why (an assertion, a sanitizer), numbers that vary masked."""
    head = detail.split(";", 1)[0].split("\n", 1)[0]
    why = [line for line in detail.split("\n")[1:] if CRASH_LINE.search(line)]
    text = head + (f": {why[-1].strip()}" if why else "")
    return ADDRESS.sub("0x…", re.sub(r"==\d+==", "==…==", text))[:300]


def difference_of(case: dict, verdict: compare.Verdict) -> Difference:
    diffs = [d for d in verdict.diffs if d.kind == compare.FAIL] or verdict.diffs
    d = diffs[0]
    step = case["steps"][d.step]
    if d.kind == compare.MESSAGE:
        kind = d.expected["raises"]["type"] if "raises" in d.expected else shape_of(d.expected)
    else:
        kind = f"{shape_of(d.expected)} -> {shape_of(d.actual)}"
    return Difference(verdict.status, d.step, op_of(step), kind)


def judge(case: dict, expected: Answer, actual: Answer, strict: bool) -> Trial:
    """Compare a candidate's answer with CPython's."""
    trial = Trial(case, expected, actual)
    if expected.status != ANSWERED:
        trial.skipped = f"cpython: {expected.status}: {expected.detail[:200]}"
        return trial
    undefined = cpython_defect(expected.outcomes or [])
    if undefined:
        trial.skipped = f"cpython: {undefined}"
        return trial
    if actual.status == UNSUPPORTED:
        trial.skipped = f"candidate: unsupported: {actual.detail[:200]}"
        return trial
    if actual.status != ANSWERED:
        trial.difference = Difference(actual.status, None, "-", crash_kind(actual.detail))
        return trial
    assert expected.outcomes is not None and actual.outcomes is not None
    verdict = compare.compare(masked(expected.outcomes), masked(actual.outcomes), strict)
    trial.verdict = verdict
    if verdict.status == compare.FAIL or (verdict.diffs and strict):
        trial.difference = difference_of(case, verdict)
    return trial


def cpython_defect(outcomes: list[dict]) -> str:
    """Why CPython's outcomes judge nothing, or "": a SystemError is CPython
    failing its own contract (spec: SEQ-011's note), not memoryview's
    behaviour."""
    for o in outcomes:
        if "raises" in o and o["raises"]["type"] == "SystemError":
            return f"SystemError, a CPython defect: {o['raises']['message'][:200]}"
    return ""


def run_both(case: dict, oracle: Side, candidate: Side, strict: bool) -> Trial:
    expected = oracle.run(case)
    if expected.status != ANSWERED or cpython_defect(expected.outcomes or []):
        return judge(case, expected, expected, strict)     # skipped: says why
    return judge(case, expected, candidate.run(case), strict)


def message_form(message: str) -> str:
    """A message with what varies masked: addresses, numbers, quoted names
    ("a bytes-like object is required, not '…'")."""
    return QUOTED.sub("'…'", DIGITS.sub("#", ADDRESS.sub("0x…", message)))


@dataclass
class Behaviours:
    """What CPython did across the programs run: each (operation, outcome
    kind, message with its numbers masked) seen of a step on a view, a
    measure of how much of memoryview's behaviour the programs reach."""
    seen: set[tuple[str, str, str]] = field(default_factory=set)

    def add(self, case: dict, outcomes: list[dict]) -> None:
        exporters = {d["name"] for d in case["setup"]}
        for s, o in zip(case["steps"], outcomes):
            if s.get("obj") in exporters or s["op"] == "contents":
                continue                # the exporter's behaviour, not memoryview's
            message = message_form(o["raises"]["message"]) if "raises" in o else ""
            self.seen.add((op_of(s), shape_of(o), message))

    def messages(self) -> set[tuple[str, str]]:
        return {(k.split(" ", 1)[1], m) for _, k, m in self.seen if k.startswith("raises ")}

