"""make cpython-tests: CPython's own memoryview tests run on mvref, and its gate.

The gate's parts are shown on small inputs: the listing file and its closed
set of reasons, the verdict (a crash, an unlisted failure, a listed test
that passes all fail it), and the runner, which must survive a crashing or
hanging test, name it, and run the tests after it -- shown with a fake test
module run by this very interpreter with mvref in place of memoryview.
"""

import sys
import textwrap
from pathlib import Path

import pytest

from harness import impls
from harness.cpython_tests import interpreters, listing, run, verdict

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------ listing ---

def write(tmp_path, text):
    path = tmp_path / "listing.toml"
    path.write_text(textwrap.dedent(text))
    return path


def test_a_listing_names_tests_per_version_with_a_reason_and_why(tmp_path):
    path = write(tmp_path, """
        ["3.12.1"]
        "test_buffer.T.test_a" = { reason = "sizeof", why = "getsizeof of CPython's struct" }
        "test_buffer.T.test_b" = { reason = "cpython-internal", why = "a helper" }
    """)
    listed = listing.read(path)["3.12.1"]
    assert listed["test_buffer.T.test_a"].reason.name == "sizeof"
    assert not listed["test_buffer.T.test_a"].reason.pending
    assert listed["test_buffer.T.test_b"].reason.name == "cpython-internal"


def test_no_reason_of_the_closed_set_is_pending_any_more():
    """Issue 11: the last pending reason, python-values, is behaviour given."""
    assert not any(r.pending for r in listing.REASONS.values())


@pytest.mark.parametrize("entry, complaint", [
    ('{ reason = "it is hard", why = "x" }', "is not one of 'type-identity'"),
    ('{ reason = "sizeof" }', "want { reason = ..., why = ... }"),
    ('{ reason = "sizeof", why = "" }', "one line of text"),
    ('{ reason = "sizeof", why = "a\\nb" }', "one line of text"),
    ('{ reason = "sizeof", why = "x", extra = 1 }', "want { reason"),
    ('"sizeof"', "want { reason"),
])
def test_a_listing_with_a_reason_outside_the_closed_set_or_no_why_is_refused(
        tmp_path, entry, complaint):
    path = write(tmp_path, f'["3.12.1"]\n"test_buffer.T.test_a" = {entry}\n')
    with pytest.raises(listing.ListingError, match=r"\[3.12.1\] test_buffer.T.test_a: "):
        listing.read(path)
    with pytest.raises(listing.ListingError) as e:
        listing.read(path)
    assert complaint in str(e.value)


def test_a_listing_that_is_not_toml_or_missing_says_so(tmp_path):
    with pytest.raises(listing.ListingError, match="no such file"):
        listing.read(tmp_path / "none.toml")
    with pytest.raises(listing.ListingError, match="listing.toml"):
        listing.read(write(tmp_path, "[3.12\n"))


def test_the_checked_in_listing_is_well_formed_and_names_versions():
    listed = listing.read(listing.DEFAULT)
    assert listed
    for version, tests in listed.items():
        assert version.count(".") == 2 and all(p.isdigit() for p in version.split("."))
        for test in tests:
            assert test.split(".")[0] in interpreters.MODULES, test


# ------------------------------------------------------------------ verdict ---

SIZEOF = listing.REASONS["sizeof"]
# the gate counts a pending reason apart, should one be made again
PENDING = listing.Reason("pending: example", True, "behaviour still to give")


def listed(*entries):
    return {test: listing.Listed(test, reason, "why") for test, reason in entries}


def result(test, outcome, detail=""):
    return run.TestResult(test, outcome, detail)


def test_listed_failures_pass_the_gate_and_are_counted_by_reason_pending_apart():
    v = verdict.judge("3.12.1", [result("m.a", "pass"), result("m.b", "fail"),
                                 result("m.c", "error"), result("m.d", "skip")],
                      listed(("m.b", SIZEOF), ("m.c", PENDING)), [])
    assert v.ok
    assert (v.run, v.passed, v.skipped) == (3, 1, 1)
    assert v.listed == {"sizeof": 1} and v.pending == {"pending: example": 1}


@pytest.mark.parametrize("results, entries, why", [
    ([result("m.a", "crash", "killed by SIGSEGV")], [], "crash"),
    ([result("m.a", "crash", "killed by SIGSEGV")], [("m.a", SIZEOF)], "crash"),
    ([result("m.a", "fail")], [], "unlisted"),
    ([result("m.a", "error")], [], "unlisted"),
    ([result("m.a", "pass")], [("m.a", SIZEOF)], "stale"),
    ([result("m.a", "skip")], [("m.a", SIZEOF)], "stale"),
    ([], [("m.a", SIZEOF)], "stale"),
])
def test_a_crash_an_unlisted_failure_and_a_listed_test_that_does_not_fail_fail_the_gate(
        results, entries, why):
    v = verdict.judge("3.12.1", results, listed(*entries), [])
    assert not v.ok
    assert {"crash": v.crashes, "unlisted": v.unlisted, "stale": v.stale}[why]


def test_a_child_that_died_outside_any_test_fails_the_gate():
    assert not verdict.judge("3.12.1", [], {}, ["the child exited with status 1"]).ok


# --------------------------------------------------------- the runner itself ---

FAKE_TESTS = '''
import ctypes, time, unittest

class Fake(unittest.TestCase):
    def test_1_passes(self):
        pass
    def test_2_crashes(self):
        ctypes.string_at(0)
    def test_3_fails(self):
        self.assertEqual(1, 2)
    def test_4_sees_mvref(self):
        self.assertEqual(type(memoryview(b"a")).__module__, "mvref")
    def test_5_errs(self):
        raise KeyError("k")
    def test_6_subtest_fails(self):
        for i in range(2):
            with self.subTest(i=i):
                self.assertEqual(i, 0)
    def test_7_skips(self):
        self.skipTest("not here")
    def test_8_hangs(self):
        time.sleep(600)
    def test_9_passes_after_all(self):
        pass
'''


@pytest.fixture
def fake_package(tmp_path):
    """A directory with mvref (this interpreter's build) and a test package."""
    where = tmp_path / "path"
    (where / "fakepkg").mkdir(parents=True)
    (where / "fakepkg" / "__init__.py").write_text("")
    (where / "fakepkg" / "test_fake.py").write_text(FAKE_TESTS)
    built = list(impls.MVREF_DIR.glob("mvref.cpython-*.so"))
    assert built, "run `make mvref`"
    (where / built[0].name).symlink_to(built[0])
    return where


def test_the_runner_survives_a_crash_and_a_hang_names_them_and_runs_the_rest(
        fake_package, tmp_path):
    out = run.run_module(sys.executable, fake_package, "test_fake", tmp_path / "out",
                         timeout=8, package="fakepkg")
    got = {test.rsplit(".", 1)[1]: r for test, r in out.results.items()}
    assert {name: r.outcome for name, r in got.items()} == {
        "test_1_passes": "pass", "test_2_crashes": "crash", "test_3_fails": "fail",
        "test_4_sees_mvref": "pass", "test_5_errs": "error", "test_6_subtest_fails": "fail",
        "test_7_skips": "skip", "test_8_hangs": "crash", "test_9_passes_after_all": "pass"}
    assert got["test_2_crashes"].detail.startswith("killed by SIGSEGV")
    assert "Fatal Python error: Segmentation fault" in got["test_2_crashes"].detail
    assert got["test_8_hangs"].detail.startswith("hung")
    assert got["test_3_fails"].detail == "AssertionError: 1 != 2"
    assert got["test_6_subtest_fails"].detail.startswith("(i=1) AssertionError")
    assert out.problems == []


def test_interpreters_are_found_at_run_time_debians_python3_among_them():
    found = interpreters.found()
    running = "%d.%d.%d" % sys.version_info[:3]
    assert running in [i.version for i in found]
    for i in found:
        assert i.build_dir(ROOT).name == f"python-{i.version}"
        if i.why_not() is None:
            assert set(i.modules) == set(interpreters.MODULES)
