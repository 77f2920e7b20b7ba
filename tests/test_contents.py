"""The spec is navigable: its table of contents lists every chapter and
every rule, linked to its heading, and is the one `python3 -m harness
contents` writes (so it stays true as rules are added)."""

import re

from harness import spec


def test_the_table_of_contents_is_current():
    assert spec.current_contents() == spec.contents(), \
        "spec/memoryview.md's contents are stale: run `python3 -m harness contents`"


def test_every_chapter_and_rule_is_listed_and_every_link_reaches_a_heading():
    text = spec.SPEC_FILE.read_text(encoding="utf-8")
    headings = {spec.github_anchor(h) for h in re.findall(r"^#{2,3} (.+)$", text, re.M)}
    listed = re.findall(r"\]\(#([^)]+)\)", spec.current_contents())
    assert len(listed) == len(spec.parse()) + len(re.findall(r"^## (?!Contents)", text, re.M))
    assert not [a for a in listed if a not in headings]


def test_the_anchor_is_the_one_github_gives_a_heading():
    assert spec.github_anchor("SLICE-004 — A zero step is refused") == "slice-004--a-zero-step-is-refused"
    assert spec.github_anchor("2. Attributes and contiguity") == "2-attributes-and-contiguity"
