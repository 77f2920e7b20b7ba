"""The harness as a CI tool: expectations, selection, shards, JUnit, merge.

The demonstration the gate exists for: an implementation with a known
divergence, listed in its expectations file, passes the gate; the same
implementation with one more (planted) divergence fails it, naming the case.
"""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness import cases, expectations, generate, select

ROOT = Path(__file__).resolve().parent.parent
FAKE = Path(__file__).parent / "fakes" / "misbehaving_adapter.py"
KNOWN = "seed/bytes-index"
PLANTED = "seed/array-index-and-assign"


def harness(*args):
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def buggy(ids, tmp_path):
    return f"buggy={sys.executable} {FAKE} wrong {','.join(ids)} {tmp_path / 'marker'}"


def test_known_divergences_pass_the_gate_and_a_new_one_fails_it(tmp_path):
    exp = tmp_path / "buggy.txt"
    out = str(tmp_path / "results")
    r = harness("run", buggy([KNOWN], tmp_path), "--area", "seed", "--results", out,
                "--expectations", str(exp), "--update-expectations")
    assert exp.read_text().count(KNOWN) == 1, r.stdout + r.stderr
    r = harness("run", buggy([KNOWN], tmp_path), "--area", "seed", "--results", out,
                "--expectations", str(exp))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "GATE: pass" in r.stdout
    r = harness("run", buggy([KNOWN, PLANTED], tmp_path), "--area", "seed", "--results", out,
                "--expectations", str(exp))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "GATE: 1 new failing cases" in r.stdout and PLANTED in r.stdout
    # Without the gate, the known divergence alone already fails the run.
    r = harness("run", buggy([KNOWN], tmp_path), "--area", "seed", "--results", out)
    assert r.returncode == 1


def test_the_gate_lists_cases_that_now_pass(tmp_path):
    exp = tmp_path / "cpython.txt"
    exp.write_text(f"# known\n{KNOWN}  fail\n")
    r = harness("run", "cpython", "--area", "seed", "--results", str(tmp_path),
                "--expectations", str(exp))
    assert r.returncode == 0
    assert "1 cases got better" in r.stdout and f"{KNOWN}  fail -> pass" in r.stdout


@pytest.mark.parametrize("text, message", [
    ("just-an-id\n", ":1: want"),
    ("a/b  sometimes\n", ":1: status .sometimes."),
    ("a/b  fail\na/b  crash\n", ":2: a/b is listed twice"),
])
def test_a_malformed_expectations_file_is_a_clear_error(tmp_path, text, message):
    exp = tmp_path / "e.txt"
    exp.write_text(text)
    with pytest.raises(expectations.ExpectationsError, match=message):
        expectations.read(exp)


def test_case_ids_survive_regeneration(suite):
    """Expectations name cases by id; ids are what the templates make."""
    regenerated = [c["id"] for area in generate.generate_all().values() for c in area]
    assert regenerated == [c["id"] for c in suite.cases]


def test_shards_partition_the_suite(suite):
    ids = [c["id"] for c in suite.cases]
    parts = [select.Selection(shard=(i, 4)).apply(suite.cases) for i in (1, 2, 3, 4)]
    seen = [c["id"] for p in parts for c in p]
    assert sorted(seen) == sorted(ids)
    assert all(len(p) > len(ids) / 8 for p in parts)


def test_a_shard_does_not_move_when_the_suite_changes(suite):
    some = suite.cases[: len(suite.cases) // 2]
    before = {c["id"] for c in select.Selection(shard=(2, 3)).apply(suite.cases)}
    after = {c["id"] for c in select.Selection(shard=(2, 3)).apply(some)}
    assert after <= before


@pytest.mark.parametrize("sel, check", [
    (select.Selection(areas=["seed"]), lambda c: c["id"].startswith("seed/")),
    (select.Selection(rules=["SLICE-00[1-2]"]), lambda c: any(r in ("SLICE-001", "SLICE-002") for r in c["rules"])),
    (select.Selection(ids=["*bytes5*"]), lambda c: "bytes5" in c["id"]),
])
def test_selection_keeps_exactly_the_matching_cases(suite, sel, check):
    chosen = sel.apply(suite.cases)
    assert chosen and all(check(c) for c in chosen)
    assert len(chosen) == sum(1 for c in suite.cases if check(c))


def test_a_language_constraint_drops_cases_that_cannot_run_there():
    old = {"id": "a/x", "rules": [], "requires": {"language": ">=3.12"}}
    assert select.runs_within(old, ">=3.13")
    assert not select.runs_within(old, "<3.12")
    assert select.runs_within({"id": "a/y", "rules": []}, "<3.12")


@pytest.mark.parametrize("args, message", [
    (["--shard", "0/3"], "I must be between 1 and N"),
    (["--shard", "x"], "write I/N"),
    (["--language", "3.12"], "write a constraint"),
    (["--jobs", "0"], "--jobs must be at least 1"),
    (["--id", "no/such/case*"], "matches no case"),
])
def test_bad_selections_are_clear_errors(tmp_path, args, message):
    r = harness("run", "cpython", *args, "--results", str(tmp_path))
    assert r.returncode == 2 and message in r.stderr, r.stderr


def test_list_shows_what_would_run():
    r = harness("run", "cpython", "--area", "seed", "--list")
    assert r.returncode == 0
    assert "seed/bytes-index  CONSTRUCT-001 INDEX-001" in r.stdout
    assert r.stdout.strip().endswith("cases selected")


def test_parallel_shards_merge_into_one_report_with_junit(tmp_path, suite):
    for i in (1, 2):
        r = harness("run", "cpython", "-j", "2", "--shard", f"{i}/2", "--area", "export",
                    "--results", str(tmp_path), "--summary-only")
        assert r.returncode == 0, r.stderr
    junit = tmp_path / "merged.xml"
    r = harness("merge", str(tmp_path / "cpython.shard-1-of-2.json"),
                str(tmp_path / "cpython.shard-2-of-2.json"), "--results", str(tmp_path / "m"),
                "--junit", str(junit))
    assert r.returncode == 0, r.stdout + r.stderr
    merged = json.loads((tmp_path / "m" / "cpython.json").read_text())
    n = sum(1 for c in suite.cases if c["id"].startswith("export/"))
    assert merged["summary"]["total"] == merged["summary"]["pass"] == n
    tree = ET.parse(junit).getroot()
    cases_xml = tree.findall(".//testcase")
    assert len(cases_xml) == n and {c.get("classname") for c in cases_xml} == {"export"}


def test_junit_marks_failures_with_their_reproducer(tmp_path):
    junit = tmp_path / "j.xml"
    harness("run", buggy([PLANTED], tmp_path), "--area", "seed", "--results", str(tmp_path),
            "--junit", str(junit))
    failures = ET.parse(junit).getroot().findall(".//testcase/failure")
    assert len(failures) == 1
    assert "mv[1]" in failures[0].text and "# expected: 2" in failures[0].text


def test_a_failure_prints_a_runnable_reproducer(tmp_path, suite):
    r = harness("run", buggy([PLANTED], tmp_path), "--area", "seed", "--results", str(tmp_path))
    text = r.stdout[r.stdout.index("# FAIL " + PLANTED):]
    program = [line for line in text.splitlines()[1:8] if not line.startswith("#")]
    assert program[:3] == ["import array", "arr = array.array('i', [1, 2, 3, 4, 5])",
                           "mv = memoryview(arr)"]
    assert "# expected: 2" in text and "# actual:   12345" in text
    assert "INDEX-001" in text.splitlines()[0]


def test_bench_prints_each_adapter_side_by_side(tmp_path):
    r = harness("bench", "cpython", "reference", "--repeat", "1")
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["implementation", "cases", "seconds", "cases/s", "target", "ratio"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert set(rows) == {"cpython", "reference"}
    assert rows["cpython"][4] == "5000" and rows["reference"][4] == "50000"
    assert float(rows["cpython"][3]) > 0 and float(rows["cpython"][5]) > 0


def test_bench_reports_an_adapter_that_stops_instead_of_hanging(tmp_path):
    cmd = f"flaky={sys.executable} {FAKE} always-crash seed/bytes-index {tmp_path / 'marker'}"
    r = harness("bench", cmd, "cpython", "--repeat", "1")
    assert r.returncode == 1
    assert "flaky" in r.stdout and "not measured" in r.stdout and "then stopped" in r.stdout
    assert any(line.startswith("cpython ") for line in r.stdout.splitlines())


# ------------------------------------------------------ the gate's contract ---

GATED = Path(__file__).parent / "fakes" / "gating_adapter.py"
INDEXING_KNOWN = "indexing/int-key/x=bytes5,key=5"


def mine(*modes):
    """An implementation named `mine`, wrong or unsupported where told."""
    return f"mine={sys.executable} {GATED} {' '.join(modes)}"


def small_suite(tmp_path, *areas):
    """A suite of just these areas, so that a run of it claims the whole suite."""
    d = tmp_path / "suite"
    d.mkdir()
    (d / "oracles.json").write_text((ROOT / "conformance" / "oracles.json").read_text())
    for a in areas:
        (d / f"{a}.jsonl").write_text((ROOT / "conformance" / f"{a}.jsonl").read_text())
    return d


@pytest.mark.parametrize("expected, actual, strict, verdict", [
    (("pass",), "pass", False, expectations.SAME),
    (("fail",), "fail", False, expectations.SAME),
    (("pass",), "fail", False, expectations.NEW_FAILURE),
    (("pass",), "crash", False, expectations.NEW_FAILURE),
    (("pass",), "timeout", False, expectations.NEW_FAILURE),
    (("pass",), "protocol-error", False, expectations.NEW_FAILURE),
    (("pass",), "unsupported", False, expectations.UNSUPPORTED_GROWTH),
    (("fail",), "unsupported", False, expectations.UNSUPPORTED_GROWTH),
    (("unsupported",), "fail", False, expectations.NEW_FAILURE),
    (("message",), "fail", False, expectations.NEW_FAILURE),
    (("pass",), "message", False, expectations.MOVED),       # CPython's words, not the law
    (("pass",), "message", True, expectations.NEW_FAILURE),  # ... unless strict
    (("fail",), "crash", False, expectations.MOVED),
    (("fail",), "pass", False, expectations.BETTER),
    (("unsupported",), "pass", False, expectations.BETTER),
    (("message",), "pass", False, expectations.BETTER),
    (("pass", "timeout"), "timeout", False, expectations.SAME),
    (("pass", "timeout"), "pass", False, expectations.SAME),
    (("pass", "timeout"), "fail", False, expectations.NEW_FAILURE),
])
def test_the_gate_judges_each_status_against_its_expectation(expected, actual, strict, verdict):
    assert expectations.judge(expected, actual, strict, allow_growth=False) == verdict


def test_an_adapter_that_answers_everything_unsupported_fails_the_gate(tmp_path):
    exp = tmp_path / "mine.txt"
    r = harness("run", mine(), "--area", "seed", "--results", str(tmp_path),
                "--expectations", str(exp), "--update-expectations")
    assert r.returncode == 0, r.stdout + r.stderr
    r = harness("run", mine("unsupported", "*"), "--area", "seed", "--results", str(tmp_path),
                "--expectations", str(exp))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "7 cases now unsupported" in r.stdout and "GATE: FAIL" in r.stdout
    # Allowing unsupported growth does not make "nothing ran" a pass.
    r = harness("run", mine("unsupported", "*"), "--area", "seed", "--results", str(tmp_path),
                "--expectations", str(exp), "--allow-unsupported-growth")
    assert r.returncode == 1 and "no case ran" in r.stdout


def test_unsupported_growth_is_accepted_only_knowingly(tmp_path):
    exp = tmp_path / "mine.txt"
    exp.write_text("")
    one = ("unsupported", "seed/bytes-index")
    r = harness("run", mine(*one), "--area", "seed", "--results", str(tmp_path), "--expectations", str(exp))
    assert r.returncode == 1 and "seed/bytes-index  pass -> unsupported" in r.stdout
    r = harness("run", mine(*one), "--area", "seed", "--results", str(tmp_path), "--expectations", str(exp),
                "--allow-unsupported-growth")
    assert r.returncode == 0 and "now unsupported (allowed)" in r.stdout
    exp.write_text("allow unsupported-growth  # this port drops exporters on purpose\n")
    r = harness("run", mine(*one), "--area", "seed", "--results", str(tmp_path), "--expectations", str(exp))
    assert r.returncode == 0, r.stdout


def test_listed_ids_the_suite_lacks_fail_a_run_of_the_whole_suite(tmp_path):
    cases_dir = small_suite(tmp_path, "seed")
    exp = tmp_path / "cpython.txt"
    exp.write_text("seed/no-such-case  fail\n")
    r = harness("run", "cpython", "--cases", str(cases_dir), "--results", str(tmp_path),
                "--expectations", str(exp))
    assert r.returncode == 1, r.stdout
    assert "1 listed cases are not in the suite" in r.stdout and "seed/no-such-case" in r.stdout
    # A run of a part of the suite cannot tell: it says so, and passes.
    r = harness("run", "cpython", "--cases", str(cases_dir), "--id", "seed/bytes*",
                "--results", str(tmp_path), "--expectations", str(exp))
    assert r.returncode == 0, r.stdout
    assert "ignored: the run does not claim the whole suite" in r.stdout


def test_alternative_statuses_need_a_reason_and_accept_either(tmp_path):
    exp = tmp_path / "mine.txt"
    exp.write_text("seed/bytes-index  pass|fail\n")
    with pytest.raises(expectations.ExpectationsError, match="need a reason"):
        expectations.read(exp)
    exp.write_text("seed/bytes-index  pass|fail  # flaky on purpose, for this test\n")
    for modes in ((), ("wrong", "seed/bytes-index")):
        r = harness("run", mine(*modes), "--area", "seed", "--results", str(tmp_path),
                    "--expectations", str(exp))
        assert r.returncode == 0, r.stdout + r.stderr


def test_updating_from_a_selection_keeps_every_other_line(tmp_path):
    exp = tmp_path / "mine.txt"
    exp.write_text(f"# my notes\n\n# an old bug, tracked as #12\n{INDEXING_KNOWN}  crash\n"
                   "seed/bytes-index  pass|timeout  # slow on cold starts\n")
    r = harness("run", mine("wrong", "seed/array-index-and-assign"), "--area", "seed",
                "--results", str(tmp_path), "--expectations", str(exp), "--update-expectations")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 added" in r.stdout and "+ seed/array-index-and-assign  fail" in r.stdout
    text = exp.read_text()
    assert f"# an old bug, tracked as #12\n{INDEXING_KNOWN}  crash\n" in text
    assert "seed/bytes-index  pass|timeout  # slow on cold starts" in text
    assert text.startswith("# my notes\n")
    # And a case that passes again loses its line, saying so.
    r = harness("run", mine(), "--area", "seed", "--results", str(tmp_path),
                "--expectations", str(exp), "--update-expectations")
    assert r.returncode == 0 and "- seed/array-index-and-assign  fail" in r.stdout
    assert "array-index-and-assign" not in exp.read_text() and INDEXING_KNOWN in exp.read_text()


def test_a_missing_expectations_file_is_an_error_before_anything_runs(tmp_path):
    marker = tmp_path / "started"
    cmd = f"buggy={sys.executable} {FAKE} wrong - {marker}"      # creates marker when it starts
    r = harness("run", cmd, "--area", "seed", "--results", str(tmp_path / "r"),
                "--expectations", str(tmp_path / "none.txt"))
    assert r.returncode == 2
    assert "no such expectations file" in r.stderr
    assert not marker.exists() and not (tmp_path / "r").exists()


def test_under_the_gate_new_failures_are_printed_first(tmp_path):
    exp = tmp_path / "mine.txt"
    exp.write_text(f"{KNOWN}  fail\n")       # KNOWN comes before PLANTED in the suite
    cmd = mine("wrong", KNOWN, "wrong", PLANTED)
    r = harness("run", cmd, "--area", "seed", "--results", str(tmp_path), "--expectations", str(exp),
                "--max-failures", "1")
    assert r.returncode == 1
    assert f"# FAIL {PLANTED}" in r.stdout and f"# FAIL {KNOWN}" not in r.stdout
    assert "1 known failing cases not shown" in r.stdout
    r = harness("run", cmd, "--area", "seed", "--results", str(tmp_path), "--expectations", str(exp),
                "--show-known")
    assert r.stdout.index(f"# FAIL {PLANTED}") < r.stdout.index(f"# FAIL {KNOWN}")
