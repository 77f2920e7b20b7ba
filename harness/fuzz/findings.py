"""A divergence as people use it: a reproducer, a case line, a template entry.

A shrunk program becomes a case of the suite's format: an id derived from
its content (`<area>/fuzz-<12 hex digits>`, so the same program always has
the same id), the rule its differing step exercises, and nothing else. It
is printed three ways:

    the reproducer      the paste-safe program `harness run` prints for a
                        failing case (report.failure_text), annotated with
                        what CPython and the candidate did
    the case line       one JSON line, valid against spec/protocol.schema.json
    the template entry  a [[case]] of spec/templates/<area>.toml that
                        generates exactly that case: how it joins the suite
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from .. import cases, generate, report
from ..schema import SCHEMA
from ..session import CaseResult
from .differ import Trial, op_of

# The rule and area a step's behaviour is specified by (spec/memoryview.md),
# for the case a divergence becomes; the author of the template may cite more.
RULE_OF_OP = {
    "memoryview": "CONSTRUCT-001", "setitem": "ASSIGN-001", "delitem": "ASSIGN-004",
    "call tolist": "TOLIST-001", "call tobytes": "TOBYTES-001", "call hex": "HEX-001",
    "call cast": "CAST-001", "call release": "RELEASE-002", "call toreadonly": "READONLY-004",
    "call __enter__": "OBJECT-003", "call __exit__": "RELEASE-003", "call count": "SEQ-010",
    "call index": "SEQ-010", "call __buffer__": "OBJECT-004",
    "call __release_buffer__": "OBJECT-010", "len": "SEQ-001", "bool": "SEQ-003",
    "list": "SEQ-004", "iter": "SEQ-004", "next": "SEQ-008", "contains": "SEQ-009",
    "bytes": "TOBYTES-001", "hash": "HASH-001", "eq": "COMPARE-001", "ne": "COMPARE-001",
    "lt": "COMPARE-001", "le": "COMPARE-001", "gt": "COMPARE-001", "ge": "COMPARE-001",
    "is": "RELEASE-009", "contents": "EXPORT-001", "pickle": "OBJECT-001",
    "copy": "OBJECT-002", "drop": "EXPORT-009",
    "getattr obj": "ATTR-001", "getattr format": "ATTR-002", "getattr itemsize": "ATTR-003",
    "getattr ndim": "ATTR-004", "getattr shape": "ATTR-004", "getattr strides": "ATTR-005",
    "getattr suboffsets": "ATTR-006", "getattr nbytes": "ATTR-007",
    "getattr c_contiguous": "ATTR-010", "getattr f_contiguous": "ATTR-011",
    "getattr contiguous": "ATTR-013", "getattr readonly": "READONLY-003",
}
AREA_OF_RULE = {"CONSTRUCT": "construct", "ASSIGN": "assign", "TOLIST": "tolist",
                "TOBYTES": "tobytes", "HEX": "tobytes", "CAST": "cast", "RELEASE": "release",
                "READONLY": "readonly", "OBJECT": "object", "SEQ": "sequence",
                "HASH": "compare", "COMPARE": "compare", "EXPORT": "export",
                "ATTR": "attributes", "INDEX": "indexing", "SLICE": "slicing",
                "CONVERT": "convert"}


# A step that hands the view an object of a described class (chapter 17).
CONVERT_RULE_OF_OP = {"getitem": "CONVERT-001", "delitem": "CONVERT-001",
                      "setitem": "CONVERT-005", "call hex": "CONVERT-014",
                      "eq": "CONVERT-015", "ne": "CONVERT-015", "contains": "CONVERT-016",
                      "call count": "CONVERT-016", "call index": "CONVERT-016",
                      "calls": "CONVERT-001"}


def rule_of(step: dict, exporters: dict[str, str]) -> str:
    """The rule a step's behaviour is specified by, as far as its op says."""
    op = op_of(step)
    objects = {n for n, kind in exporters.items() if kind == "object"}
    if op == "calls" or (objects and any(f'{{"ref": "{n}"}}' in json.dumps(step)
                                         for n in objects)):
        if op == "setitem" and step.get("value") not in [{"ref": n} for n in objects]:
            return "CONVERT-001"            # the object is in the key
        return CONVERT_RULE_OF_OP.get(op, "CONVERT-012")
    if step.get("obj") in exporters and op not in ("contents",):
        kind = exporters[step["obj"]]
        if op in ("setitem", "delitem"):
            return {"bytes": "EXPORT-012", "bytearray": "EXPORT-006",
                    "array": "EXPORT-011"}.get(kind, "EXPORT-002")
        return "EXPORT-011" if kind == "array" else "EXPORT-006"
    if op == "getitem":
        k = step.get("key")
        if isinstance(k, dict) and "slice" in k:
            return "SLICE-001"
        if isinstance(k, dict) and "tuple" in k:
            return "INDEX-014" if not k["tuple"] else "INDEX-007"
        return "INDEX-015" if isinstance(k, dict) and "ellipsis" in k else "INDEX-001"
    if op == "setitem" and isinstance(step.get("key"), dict) and "slice" in step["key"]:
        return "ASSIGN-005"
    return RULE_OF_OP.get(op, "CONSTRUCT-001")


def program_hash(program: dict) -> str:
    text = json.dumps({"setup": program["setup"], "steps": program["steps"]}, sort_keys=True,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def as_case(program: dict, step: int | None, rules: list[str] | None = None,
            area: str | None = None, prefix: str = "fuzz") -> dict:
    """The program as a case of the suite: a stable id, and the given rules
    (default: the differing step's rule, or the last step's for a crash)."""
    if rules is None:
        exporters = {d["name"]: d["kind"] for d in program["setup"]}
        steps = program["steps"]
        rules = [rule_of(steps[step if step is not None else len(steps) - 1], exporters)]
    area = area or AREA_OF_RULE[rules[0].split("-")[0]]
    case = {"id": f"{area}/{prefix}-{program_hash(program)}", "rules": list(rules),
            "setup": program["setup"], "steps": program["steps"]}
    cases.check_case(case, "the fuzzer's case")
    return case


@dataclass
class Finding:
    """A divergence, shrunk and re-checked."""
    case: dict              # the shrunk program as a case
    trial: Trial            # its run on both sides
    found: dict             # the program as the fuzzer found it
    oracle: str             # the CPython it was compared with
    shrunk_by: str          # how it was shrunk
    rechecked: str          # how the result was checked again

    @property
    def signature(self) -> tuple[str, str, str]:
        assert self.trial.difference is not None
        return self.trial.difference.signature

    def reproducer(self) -> str:
        return reproducer(self.case, self.trial, self.oracle)

    def case_line(self) -> str:
        return cases.dumps(self.case)

    def template_entry(self) -> str:
        return template_entry(self.case)

    def text(self) -> str:
        d = self.trial.difference
        assert d is not None
        lines = [f"DIVERGENCE {d.text()}",
                 f"# found as a program of {len(self.found['steps'])} steps; shrunk "
                 f"({self.shrunk_by}) to {len(self.case['steps'])}; {self.rechecked}",
                 self.reproducer(),
                 "# the case line (conformance format, schema-valid):",
                 self.case_line()]
        entry = self.template_entry()
        if entry:
            lines += [f"# the template entry (add to spec/templates/{cases.area_of(self.case['id'])}"
                      ".toml, then `make cases`):", entry]
        return "\n".join(lines)


def reproducer(case: dict, trial: Trial, oracle: str) -> str:
    """The program as `harness run` prints a failing case: code to paste,
    each differing step followed by what CPython and the candidate did."""
    d = trial.difference
    assert d is not None
    result = CaseResult(case["id"], d.status, case["rules"], oracle=oracle,
                        detail=trial.actual.detail if d.step is None and trial.actual else "",
                        diffs=trial.verdict.diffs if trial.verdict else [])
    return report.failure_text(result, case)


# ---------------------------------------------------------------- TOML ---

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def toml_value(v: Any) -> str:
    """A protocol value as the TOML the templates read (generate.sugar)."""
    if v is None:
        return "{ none = true }"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"no TOML for {type(v).__name__}")


def toml_key(k: str) -> str:
    return k if _BARE_KEY.fullmatch(k) else toml_string(k)


def toml_string(s: str) -> str:
    """A TOML basic string: JSON's escapes, which TOML shares, and DEL escaped."""
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def template_entry(case: dict) -> str:
    """A [[case]] entry that generates this case exactly, or "" when the
    case has a value TOML cannot carry (checked by generating it back)."""
    area, name = case["id"].split("/", 1)
    lines = ["[[case]]", f"name = {toml_string(name)}",
             f"rules = {toml_value(case['rules'])}", "setup = ["]
    lines += [f"  {toml_value(d)}," for d in case["setup"]]
    lines += ["]", "steps = ["]
    lines += [f"  {toml_value(s)}," for s in case["steps"]]
    lines.append("]")
    text = "\n".join(lines)
    try:
        entry = tomllib.loads(text)["case"][0]
        tf = generate.TemplateFile(generate.TEMPLATE_DIR / f"{area}.toml", area, {},
                                   [dict(entry, _kind="case")])
        back = generate.generate_file(tf)[0]
    except (tomllib.TOMLDecodeError, generate.TemplateError, ValueError, TypeError):
        return ""
    return text if back == {k: case[k] for k in ("id", "rules", "setup", "steps")} else ""


def schema_valid(case: dict) -> bool:
    try:
        SCHEMA.check("case", case)
    except ValueError:
        return False
    return True
