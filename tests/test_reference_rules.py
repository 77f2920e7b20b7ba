"""The C reference names the spec's rules where it realises them.

Every rule ID that reference/ cites (`/* SLICE-004 */`) exists in
spec/memoryview.md, and every rule of the spec is cited somewhere in
reference/ at the code that realises it, or its entry in the spec says in
a line `**Outside the library.** <why>` that the library has nothing to do
with it. A citation in the essay a file opens with teaches, but does not
count: the rule must be named again where it is realised. So from any
rule one can find the code that realises it, and from any code the rule
it answers to.

The rules of a chapter a checker judges (spec.CHECKER_AREAS: chapter 16,
the exporter's contract) are realised by every exporter, the library's
views among them: the reference may cite them where a view lends its
memory, and need not; their code is the checker's.
"""

import re
from pathlib import Path

from harness import spec

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference"
RULE_ID = re.compile(r"\b([A-Z]+-\d{3})\b")
UNNAMED = re.compile(r"\b[A-Z]+-\?")
OUTSIDE = "**Outside the library.**"


def reference_sources():
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


def citations(in_opening: bool = True) -> dict[str, list[str]]:
    """Rule ID -> the places in reference/ that cite it (file:line); with
    in_opening false, only those at the code, after a file's opening
    comment."""
    found: dict[str, list[str]] = {}
    for path in reference_sources():
        for rule_id, n in cited_in(path.read_text(encoding="utf-8"), in_opening):
            found.setdefault(rule_id, []).append(f"{path.relative_to(ROOT)}:{n}")
    return found


def test_every_rule_the_reference_cites_exists_in_the_spec():
    known = spec.rule_ids(spec.parse())
    unknown = {r: where for r, where in citations().items() if r not in known}
    assert not unknown, f"cited in reference/ but not rules of the spec: {unknown}"


def test_every_rule_of_the_spec_is_cited_at_its_code_or_said_to_be_outside_the_library():
    cited = citations(in_opening=False)
    missing = [r.id for r in spec.parse() if r.id not in cited and OUTSIDE not in r.text
               and r.area not in spec.CHECKER_AREAS]
    assert not missing, f"rules that reference/ cites at no code, at most in an essay: {missing}"


def test_a_rule_named_only_in_a_files_opening_comment_is_not_cited_at_its_code():
    text = ("/*\n * x.c -- SLICE-001 and SLICE-002, taught.\n */\n#include \"x.h\"\n\n"
            "/* SLICE-002: the bounds */\nint x;\n")
    assert cited_in(text, in_opening=True) == [("SLICE-001", 2), ("SLICE-002", 2),
                                               ("SLICE-002", 6)]
    assert cited_in(text, in_opening=False) == [("SLICE-002", 6)]


def test_a_rule_said_to_be_outside_the_library_says_why_and_is_not_cited():
    cited = citations()
    for rule in spec.parse():
        if OUTSIDE not in rule.text:
            continue
        why = rule.text.split(OUTSIDE, 1)[1].strip()
        assert why, f"{rule.id}: {OUTSIDE} without a reason"
        assert rule.id not in cited, (f"{rule.id} is said to be outside the library "
                                      f"but cited at {cited[rule.id]}")


def test_the_reference_leaves_no_rule_unnamed():
    unnamed = [f"{p.relative_to(ROOT)}:{n}"
               for p in reference_sources()
               for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
               if UNNAMED.search(line)]
    assert not unnamed, f"placeholders (AREA-?) instead of rule IDs: {unnamed}"
