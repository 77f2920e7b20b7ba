"""From any chapter of the spec, its C file and its cases are found by name.

Each chapter of spec/memoryview.md (`## 4. Indexing`) opens with one line
naming, as links, the reference files that realise it and its cases:

    Reference: [indexing.c](…) · Cases: [indexing.toml](…) → [indexing.jsonl](…)

(each link relative to spec/).

Every file the line names exists. Where the line names cases, the chapter
has one name throughout: its first C file, its template (whose `area` it
is) and its conformance file are all called by it, and every template and
conformance file belongs to exactly one chapter (but the seed cases,
which belong to none).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "memoryview.md"
CHAPTER = re.compile(r"^## (\d+)\. (.+)$")
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
NO_CHAPTER = {"seed"}    # cases that exercise every chapter at once


def chapters() -> list[tuple[str, str]]:
    """(heading, the first line of text after it), in order."""
    lines = SPEC.read_text(encoding="utf-8").splitlines()
    found = []
    for i, line in enumerate(lines):
        if CHAPTER.match(line):
            following = next((x for x in lines[i + 1:] if x.strip()), "")
            found.append((line, following))
    return found


def links(text: str) -> list[tuple[str, Path]]:
    """The links of a line: (text, the file it names, relative to spec/)."""
    return [(t, (SPEC.parent / target).resolve()) for t, target in LINK.findall(text)]


def mirror(line: str) -> dict[str, Path] | None:
    """The chapter's name's three files, when its line names cases: its
    first C file, its template and its conformance file."""
    if " · Cases: " not in line:
        return None
    reference, cases = line.split(" · Cases: ", 1)
    c_files = [p for _, p in links(reference) if p.suffix == ".c"]
    by_kind = {p.suffix: p for _, p in links(cases)}
    return {"c": c_files[0] if c_files else None, "template": by_kind.get(".toml"),
            "cases": by_kind.get(".jsonl")}


CHAPTERS = chapters()


def test_the_spec_has_its_chapters():
    numbers = [int(CHAPTER.match(h)[1]) for h, _ in CHAPTERS]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 15, numbers


@pytest.mark.parametrize("heading, line", CHAPTERS, ids=[h[3:] for h, _ in CHAPTERS])
def test_a_chapter_opens_with_its_files_and_each_exists(heading, line):
    assert line.startswith("Reference: "), f"{heading}: opens with {line!r}"
    named = links(line)
    assert named, f"{heading}: names no file"
    for text, path in named:
        assert path.is_file(), f"{heading}: {text} names {path}, which does not exist"
        assert text == path.name, f"{heading}: the link {text!r} names {path.name}"


@pytest.mark.parametrize("heading, line", [(h, x) for h, x in CHAPTERS if mirror(x)],
                         ids=[h[3:] for h, x in CHAPTERS if mirror(x)])
def test_a_chapter_is_one_name_in_the_reference_the_templates_and_the_cases(heading, line):
    files = mirror(line)
    assert None not in files.values(), f"{heading}: {files}"
    c, template, cases = files["c"], files["template"], files["cases"]
    assert c.parent == ROOT / "reference" / "src", c
    assert template.parent == ROOT / "spec" / "templates", template
    assert cases.parent == ROOT / "conformance", cases
    assert c.stem == template.stem == cases.stem, f"{heading}: {c.name}, {template.name}, {cases.name}"
    area = tomllib.loads(template.read_text(encoding="utf-8"))["area"]
    assert area == template.stem, f"{template.name} is area {area!r}"


def test_every_template_and_case_file_belongs_to_one_chapter():
    named = [mirror(line) for _, line in CHAPTERS]
    templates = sorted(f["template"].stem for f in named if f)
    cases = sorted(f["cases"].stem for f in named if f)
    assert templates == sorted(set(templates)), templates
    on_disk = {p.stem for p in (ROOT / "spec" / "templates").glob("*.toml")} - NO_CHAPTER
    assert set(templates) == on_disk
    assert set(cases) == {p.stem for p in (ROOT / "conformance").glob("*.jsonl")} - NO_CHAPTER
