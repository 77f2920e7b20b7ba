"""The differences pages' notes hold (docs/differences/<implementation>.toml).

Each note explains a divergence with a case of the suite: we run the case on
the implementation and on the CPython it is compared with, and check that
both still give, at the note's step, the outcomes the note claims. Each note
is a known failure of its implementation (its expectations file lists the
case), and each of PyPy, MicroPython and Brython has at least ten.

Running needs the implementations (`make impls`): these tests skip one that
is not installed, unless the run requires them (`make test` sets
MVSPEC_REQUIRE_IMPLS=1, CI sets CI=true).
"""

import os
import shutil
from pathlib import Path

import pytest

from harness import cases, differences, expectations, impls

REQUIRED = os.environ.get("MVSPEC_REQUIRE_IMPLS") == "1" or os.environ.get("CI") == "true"
IMPLS = ["pypy", "micropython", "brython"]


def test_each_implementation_has_notes_for_ten_divergences_or_more():
    assert set(differences.implementations()) >= set(IMPLS)
    for impl in IMPLS:
        notes = differences.load(impl)
        assert len({(n.case, n.step) for n in notes}) >= 10, impl
        assert all(n.cause.strip() and n.workaround.strip() and n.title.strip() for n in notes)


@pytest.mark.parametrize("impl", IMPLS)
def test_every_note_is_a_known_failure_of_its_implementation(impl):
    listed = expectations.read(expectations.default_path(impl))
    for n in differences.load(impl):
        statuses = listed.of(n.case).statuses
        assert set(statuses) & {"fail", "crash"}, f"{impl}: {n.case} is listed as {statuses}"


@pytest.mark.parametrize("impl", IMPLS)
def test_every_note_still_holds_on_the_implementation_and_on_cpython(impl):
    for name in (impl, differences.CPYTHON_FOR[impl]):
        try:
            impls.resolve(name)
        except impls.ImplError as e:
            if REQUIRED:
                pytest.fail(f"{name}: {e}")
            pytest.skip(f"{name}: {e}")
    notes = differences.load(impl)
    found = cases.read_cases_by_id(cases.CONFORMANCE_DIR, {n.case for n in notes})
    problems = differences.verify(impl, notes, found)
    assert not problems, "\n".join(problems)


def test_a_note_that_no_longer_holds_is_caught(tmp_path):
    note = differences.load("pypy")[0]
    wrong = differences.Note(**{**note.__dict__, "outcome": "something else"})
    found = cases.read_cases_by_id(cases.CONFORMANCE_DIR, {note.case})
    if not shutil.which("pypy3") and not REQUIRED:
        pytest.skip("pypy3 is not installed (make impls)")
    problems = differences.verify("pypy", [wrong], found)
    assert len(problems) == 1 and "the note says 'something else'" in problems[0]


def test_a_malformed_notes_file_is_refused_naming_the_note(tmp_path):
    bad = tmp_path / "pypy.toml"
    bad.write_text('implementation = "pypy"\n[[note]]\nrule = "SLICE-001"\n')
    with pytest.raises(differences.NotesError, match="note 1: missing"):
        differences.load("pypy", bad)
