"""spec/guide.md holds: every example prints what the guide says, on
CPython's memoryview and on mvref.memoryview (the C reference), and every
rule and C function it sends the reader to exists.

The guide is one REPL session (tests/guide_session.py): each `>>> ` statement is
run as typed and what it prints is compared with the lines under it. The two
runs are compared with the same text, so the builtin and the reference print
the same, diagrams included.
"""

import re
import sys
from pathlib import Path

import pytest

import guide_session as guide
from harness import citations, impls, spec

ROOT = Path(__file__).resolve().parent.parent
if not list(impls.MVREF_DIR.glob("mvref.cpython-*.so")):
    pytest.fail(f"mvref is not built in {impls.MVREF_DIR}: run `make mvref`", pytrace=False)
sys.path.insert(0, str(impls.MVREF_DIR))
import mvref  # noqa: E402

TEXT = guide.GUIDE.read_text(encoding="utf-8")


def test_the_guide_has_examples_for_every_step():
    steps = re.findall(r"^## (\d+)\. ", TEXT, re.M)
    assert steps == [str(i) for i in range(1, len(steps) + 1)] and len(steps) >= 10
    assert len(guide.examples()) > 40


def test_every_example_prints_what_the_guide_says_on_cpython():
    problems = guide.check(memoryview)
    assert not problems, "\n".join(problems)


def test_every_example_prints_what_the_guide_says_on_mvref():
    mvref.set_python("%d.%d" % sys.version_info[:2])
    problems = guide.check(mvref.memoryview)
    assert not problems, "\n".join(problems)


def test_a_wrong_output_in_the_guide_is_caught(tmp_path):
    broken = tmp_path / "guide.md"
    broken.write_text(TEXT.replace("(True, 72, b'Hello')", "(True, 73, b'Hello')"))
    problems = guide.check(memoryview, broken)
    assert len(problems) == 1 and "(True, 73, b'Hello')" in problems[0]


def test_every_rule_the_guide_names_is_a_rule_of_the_spec():
    named = set(re.findall(r"\b[A-Z]+-\d{3}\b", TEXT))
    known = spec.rule_ids(spec.parse())
    assert named and not named - known, sorted(named - known)


def test_every_c_function_the_guide_sends_the_reader_to_is_in_its_file():
    # "`name()` in [`reference/src/slicing.c`]" and "`a()` and `b()` in [`...`]"
    sent = re.findall(r"((?:`\w+\(\)`(?: and )?)+) in\s+\[`([\w/.]+\.c)`\]", TEXT)
    assert len(sent) >= 10
    for names, path in sent:
        defined = {name for _, _, name in citations.functions((ROOT / path).read_text())}
        for name in re.findall(r"`(\w+)\(\)`", names):
            assert name in defined, f"{name}() is not defined in {path}"
