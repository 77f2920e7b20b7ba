"""Read the rules out of spec/memoryview.md, and check the spec's promises.

A rule starts at a heading ``### AREA-NNN — title`` and runs to the next
heading. From it we take the ID, the title, its Python examples (fenced
```python blocks, written as interactive sessions) and its **Versions.** note.

The checks that `make check` runs:
  * every rule has at least one case, and every case cites only existing rules
    (a rule of a CHECKER_AREAS chapter has, instead, a check in its checker);
  * every example runs on the live CPython exactly as written (doctest);
  * every rule has a rule sentence and a rationale.
"""

from __future__ import annotations

import doctest
import functools
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

SPEC_FILE = Path(__file__).resolve().parent.parent / "spec" / "memoryview.md"
RULE_ID = re.compile(r"\b([A-Z]+-\d{3})\b")
_HEADING = re.compile(r"^### ([A-Z]+-\d{3}) — (.+)$")
_FENCE = re.compile(r"^```python[ \t]*(.*)$")

# Chapters whose rules are judged by a checker, not by conformance cases:
# chapter 16, the exporter's contract, by mvspec_exporter.check (its rules'
# "cases" are the checker's checks, run on exporters by `make exporters`).
CHECKER_AREAS = {"EXPORTER": "harness/exporter/check.c"}


@dataclass
class Rule:
    id: str
    title: str
    line: int
    text: str
    examples: list[tuple[int, str, str]] = field(default_factory=list)  # (line, tag, code)

    @property
    def area(self) -> str:
        return self.id.split("-")[0]


def parse(path: Path = SPEC_FILE) -> list[Rule]:
    rules: list[Rule] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    current: Rule | None = None
    body: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _HEADING.match(line)
        if m or line.startswith("## ") or line.startswith("---"):
            if current is not None:
                current.text = "\n".join(body)
                rules.append(current)
                current = None
            if m:
                current = Rule(m.group(1), m.group(2), i + 1, "")
                body = []
            i += 1
            continue
        if line.startswith("```") and not (_FENCE.match(line) and current is not None):
            # A fence outside a rule's example (a diagram, a format sketch):
            # nothing inside it is a heading.
            while True:
                if current is not None:
                    body.append(lines[i])
                i += 1
                if i >= len(lines) or lines[i].startswith("```"):
                    break
            if current is not None and i < len(lines):
                body.append(lines[i])
            i += 1
            continue
        f = _FENCE.match(line)
        if f and current is not None:
            start = i + 1
            code = []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                code.append(lines[i])
                i += 1
            current.examples.append((start, f.group(1).strip(), "\n".join(code) + "\n"))
        if current is not None:
            body.append(line)
        i += 1
    if current is not None:
        current.text = "\n".join(body)
        rules.append(current)
    return rules


@functools.lru_cache(maxsize=None)
def changing_rules(path: Path = SPEC_FILE) -> frozenset[str]:
    """The rules whose behaviour changed between CPython versions: those
    with a **Versions.** note."""
    return frozenset(r.id for r in parse(path) if "**Versions.**" in r.text)


def rule_ids(rules: list[Rule]) -> set[str]:
    return {r.id for r in rules}


def duplicate_ids(rules: list[Rule]) -> list[str]:
    seen: set[str] = set()
    dups = []
    for r in rules:
        if r.id in seen:
            dups.append(r.id)
        seen.add(r.id)
    return dups


def incomplete(rule: Rule) -> list[str]:
    missing = []
    if "**Rule.**" not in rule.text:
        missing.append("a **Rule.** sentence")
    if "**Why.**" not in rule.text:
        missing.append("a **Why.** sentence")
    if not rule.examples:
        missing.append("a Python example")
    if "Traceback" in rule.text and "**Raises.**" not in rule.text:
        missing.append("a **Raises.** line (its example raises)")
    return missing


def run_example(rule: Rule, line: int, code: str, path: Path = SPEC_FILE) -> str | None:
    """Run one example as a doctest here; None if it behaves as written, else the report."""
    parser = doctest.DocTestParser()
    test = parser.get_doctest(code, {}, f"{rule.id}", str(path), line)
    out: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test, out=out.append, clear_globs=True)
    return "".join(out) or None


# An example fenced as ```python 3.12+ (or 3.9-3.11) shows a behaviour of
# those versions only; it runs on a CPython of that range instead of this one.
_VERSION_TAG = re.compile(r"^(\d+)\.(\d+)(\+|-(\d+)\.(\d+))$")

_CHILD = """
import doctest, sys
code = sys.stdin.read()
test = doctest.DocTestParser().get_doctest(code, {}, sys.argv[1], sys.argv[2], int(sys.argv[3]))
out = []
doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test, out=out.append)
sys.stdout.write("".join(out))
"""


def version_range(tag: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The (lowest, highest) language versions a tag names; None for no tag."""
    if not tag:
        return None
    m = _VERSION_TAG.match(tag)
    if not m:
        raise ValueError(f"bad example tag {tag!r}: want X.Y+ or X.Y-A.B")
    low = (int(m.group(1)), int(m.group(2)))
    high = (int(m.group(4)), int(m.group(5))) if m.group(4) else (99, 99)
    return low, high


def run_example_on(python: str, rule: Rule, line: int, code: str,
                   path: Path = SPEC_FILE) -> str | None:
    """Run one example as a doctest in another interpreter."""
    r = subprocess.run([python, "-I", "-c", _CHILD, rule.id, str(path), str(line)],
                       input=code, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        return f"{python} failed: {r.stderr.strip()}"
    return r.stdout or None
