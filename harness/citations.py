"""Where the C reference realises each rule: the rule IDs it cites.

The reference names a rule where it realises it (`/* SLICE-004 */`, STYLE.md
5). A citation in the comment a file opens with teaches but does not count:
the rule must be named again at its code. This reads the citations back,
with the C function each lies in (or, for a contract comment between
functions, the function it introduces), so that `explain` and the site can
send a reader from a rule to its code; tests/test_reference_rules.py holds
the reference to citing every rule.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference"
RULE_ID = re.compile(r"\b([A-Z]+-\d{3})\b")
# A definition in the reference's style: the return type and name at column
# 0, the opening brace alone at column 0 on a later line.
_DEFINITION = re.compile(r"^(?:static\s+)?(?:const\s+)?[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\(")


@dataclass(frozen=True)
class Citation:
    rule: str
    path: str          # relative to the repository: reference/src/slicing.c
    line: int
    function: str      # the function it lies in or introduces; "" at file level

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def reference_sources() -> list[Path]:
    return sorted(p for p in REFERENCE.rglob("*") if p.suffix in (".c", ".h"))


def opening_lines(text: str) -> int:
    """How many lines the comment a file opens with takes (0: none)."""
    if not text.lstrip().startswith("/*"):
        return 0
    return text[:text.index("*/") + 2].count("\n") + 1


def cited_in(text: str, in_opening: bool) -> list[tuple[str, int]]:
    """(rule ID, line) for each citation in a file's text; those of its
    opening comment only when in_opening."""
    skip = 0 if in_opening else opening_lines(text)
    return [(rule_id, n) for n, line in enumerate(text.splitlines(), 1) if n > skip
            for rule_id in RULE_ID.findall(line)]


def functions(text: str) -> list[tuple[int, int, str]]:
    """(first line, last line, name) of each function defined in C text."""
    lines = text.splitlines()
    found = []
    start, name = 0, ""
    for n, line in enumerate(lines, 1):
        m = _DEFINITION.match(line)
        if m and not line.rstrip().endswith(";") and not line.startswith(("typedef", "struct")):
            start, name = n, m.group(1)
        elif line.startswith("{") and name:
            end = next((k for k in range(n, len(lines) + 1) if lines[k - 1].startswith("}")),
                       len(lines))
            found.append((start, end, name))
            name = ""
    return found


def function_at(spans: list[tuple[int, int, str]], line: int, lines: list[str] | None = None) -> str:
    """The function whose definition holds `line`, or else the one the
    comment holding `line` introduces; "" for a line of file-level data (a
    table). Without the file's `lines`, any line before a function
    introduces it."""
    for first, last, name in spans:
        if first <= line <= last:
            return name
    after = min(((first, name) for first, _, name in spans if first > line), default=None)
    if after is None:
        return ""
    if lines is not None:
        between = [t.strip() for t in lines[line - 1:after[0] - 1]]
        if not all(t.startswith(("/*", "*")) or t.endswith("*/") or not t for t in between):
            return ""
    return after[1]


@functools.lru_cache(maxsize=1)
def _all(in_opening: bool) -> tuple[Citation, ...]:
    out = []
    for path in reference_sources():
        text = path.read_text(encoding="utf-8")
        spans = functions(text) if path.suffix == ".c" else []
        lines = text.splitlines()
        for rule, n in cited_in(text, in_opening):
            out.append(Citation(rule, str(path.relative_to(ROOT)), n,
                                function_at(spans, n, lines)))
    return tuple(out)


def citations(in_opening: bool = True) -> dict[str, list[Citation]]:
    """Rule ID -> its citations in reference/; with in_opening false, only
    those at the code, after each file's opening comment."""
    found: dict[str, list[Citation]] = {}
    for c in _all(in_opening):
        found.setdefault(c.rule, []).append(c)
    return found
