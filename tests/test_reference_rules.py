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

from harness import citations as cite
from harness import spec
from harness.citations import ROOT, cited_in, reference_sources

UNNAMED = re.compile(r"\b[A-Z]+-\?")
OUTSIDE = "**Outside the library.**"


def citations(in_opening: bool = True) -> dict[str, list[str]]:
    """Rule ID -> the places in reference/ that cite it (file:line)."""
    return {rule: [c.where for c in found] for rule, found in cite.citations(in_opening).items()}


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


def test_a_citation_names_the_function_it_lies_in_or_the_one_its_comment_introduces():
    text = ("/*\n * x.c\n */\n\n/* SLICE-004: the step */\nstatic int step(int s)\n{\n"
            "    return s; /* SLICE-002 */\n}\n\nint mv_x(void)\n{\n    return 0;\n}\n")
    spans = cite.functions(text)
    assert [name for _, _, name in spans] == ["step", "mv_x"]
    assert cite.function_at(spans, 5) == "step" and cite.function_at(spans, 8) == "step"
    table = "static const char *t[] = {\n    \"SLICE-004\",\n};\n\nint f(void)\n{\n}\n"
    assert cite.function_at(cite.functions(table), 2, table.splitlines()) == ""
