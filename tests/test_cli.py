"""The command line: documented exit codes and clear errors for bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness import cli

ROOT = Path(__file__).resolve().parent.parent
FAKE = Path(__file__).parent / "fakes" / "misbehaving_adapter.py"


def harness(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_a_passing_run_exits_0_and_writes_results(tmp_path):
    r = harness("run", "cpython", "--area", "seed", "--results", str(tmp_path))
    assert r.returncode == cli.EXIT_OK, r.stdout + r.stderr
    doc = json.loads((tmp_path / "cpython.json").read_text())
    assert doc["implementation"] == "cpython"
    assert set(doc["summary"]) >= {"total", "pass", "fail", "unsupported", "crash", "timeout"}
    assert doc["summary"]["total"] == len(doc["cases"]) > 0
    assert all({"id", "status"} <= set(c) for c in doc["cases"])
    assert "seed" in r.stdout and "pass" in r.stdout


def test_a_crashing_case_exits_1_and_keeps_every_result(tmp_path):
    cmd = f"flaky={sys.executable} {FAKE} crash seed/bytes-index {tmp_path / 'marker'}"
    r = harness("run", cmd, "--area", "seed", "--results", str(tmp_path))
    assert r.returncode == cli.EXIT_FAILURES, r.stdout + r.stderr
    doc = json.loads((tmp_path / "flaky.json").read_text())
    statuses = {c["id"]: c["status"] for c in doc["cases"]}
    assert statuses["seed/bytes-index"] == "crash"
    assert doc["summary"]["crash"] == 1 and doc["summary"]["pass"] >= 5
    assert "# CRASH seed/bytes-index" in r.stdout


@pytest.mark.parametrize("args, message", [
    (["run", "nonsense"], "unknown implementation"),
    (["run", "cpython", "--area", "nowhere"], "no such area"),
    (["run", "cpython", "--timeout", "0"], "--timeout must be positive"),
    (["run", "broken=/nonexistent/adapter", "--area", "seed"], "cannot start"),
    (["run", "cpython=/usr/bin/python3 harness/adapters/mvadapter.py", "--area", "seed"],
     "'cpython' is the name of a built-in implementation"),
    (["run", "../../x=/usr/bin/python3 harness/adapters/mvadapter.py", "--area", "seed"],
     "'../../x' cannot name a results file"),
    (["run", "a=true", "a=false", "--area", "seed"], "two implementations are named 'a'"),
    (["run", "q='unterminated", "--area", "seed"], "cannot be split into words"),
    (["run", "cpython", "--hello-timeout", "0"], "--hello-timeout must be positive"),
])
def test_bad_arguments_exit_2_with_a_clear_error(args, message, tmp_path):
    r = harness(*args, "--results", str(tmp_path))
    assert r.returncode == cli.EXIT_ERROR
    assert message in r.stderr
    assert "Traceback" not in r.stderr


def test_a_malformed_case_file_exits_2_naming_the_line(tmp_path):
    cases_dir = tmp_path / "cases"
    cases_dir.mkdir()
    (cases_dir / "oracles.json").write_text((ROOT / "conformance" / "oracles.json").read_text())
    (cases_dir / "demo.jsonl").write_text('{"id": "demo/a"\n')
    r = harness("run", "cpython", "--cases", str(cases_dir), "--results", str(tmp_path))
    assert r.returncode == cli.EXIT_ERROR
    assert "demo.jsonl:1: not JSON" in r.stderr


@pytest.mark.parametrize("command", [
    ["run", "cpython"], ["run", "cpython", "--list"], ["merge", "RESULTS"], ["bench", "cpython"],
    ["matrix", "cpython"], ["changes"],
])
def test_every_command_reads_cases_through_the_one_checking_reader(tmp_path, command):
    # The case is well-formed JSON; its second setup entry is not an object.
    cases_dir = tmp_path / "cases"
    cases_dir.mkdir()
    (cases_dir / "oracles.json").write_text((ROOT / "conformance" / "oracles.json").read_text())
    good = (ROOT / "conformance" / "seed.jsonl").read_text().split("\n")[0]
    bad = json.loads(good)
    bad["id"] = "seed/bad"
    bad["setup"].append(5)
    (cases_dir / "seed.jsonl").write_text(good + "\n" + json.dumps(bad) + "\n")
    results = tmp_path / "r.json"
    hello = {"mvspec": 1, "implementation": "x", "version": "1", "language": "3.11",
             "platform": {"word_size": 64, "byteorder": "little"}, "exporters": ["bytes"]}
    # merge trusts a suite whose hash a run recorded (that run read it through
    # the reader), reading only the cases it needs; results short of what they
    # selected make it read the whole suite, through the reader.
    from harness import scope, select
    short = scope.Scope(suite=scope.suite_hash(cases_dir), suite_cases=2,
                        selection=select.Selection(), selected=2)
    results.write_text(json.dumps({"implementation": "x", "hello": hello,
                                   "oracle": "cpython-3.11.2-64le", "scope": short.to_json(),
                                   "cases": []}))
    argv = [str(results) if a == "RESULTS" else a for a in command]
    r = harness(*argv, "--cases", str(cases_dir))
    assert r.returncode == cli.EXIT_ERROR, r.stdout + r.stderr
    assert "seed.jsonl:2: case 'seed/bad': setup[1]: expected one exporter to build" in r.stderr
    assert "Traceback" not in r.stderr


def test_require_clean_exit_fails_a_run_whose_adapter_exits_badly(tmp_path):
    cmd = f"badexit={sys.executable} {FAKE} badexit - {tmp_path / 'marker'}"
    r = harness("run", cmd, "--area", "seed", "--results", str(tmp_path))
    assert r.returncode == cli.EXIT_OK, r.stdout + r.stderr
    r = harness("run", cmd, "--area", "seed", "--results", str(tmp_path), "--require-clean-exit")
    assert r.returncode == cli.EXIT_FAILURES
    assert "adapter did not end cleanly: exit status 7" in r.stdout
    assert "ERROR SUMMARY: 1 errors" in r.stdout


# ------------------------------------------------------------- selection ---

def test_rule_globs_match_ignoring_case():
    lower = harness("run", "cpython", "--rule", "slice-00[12]", "--list")
    upper = harness("run", "cpython", "--rule", "SLICE-00[12]", "--list")
    assert lower.returncode == 0 and lower.stdout == upper.stdout
    assert lower.stdout.strip().endswith("cases selected") and "SLICE-001" in lower.stdout


@pytest.mark.parametrize("args, message, nearest", [
    (["--rule", "SLCE-*"], "--rule 'SLCE-*' matches no rule", "SLICE-*"),
    (["--id", "seed/bytes-indx"], "matches no case id", "seed/bytes-index"),
    (["--id", "sead/*"], "matches no case id", "seed/*"),
    (["--area", "slicng"], "no such area", "slicing"),
])
def test_a_selection_matching_nothing_exits_2_with_the_nearest_names(tmp_path, args, message, nearest):
    for extra in ([], ["--list"]):
        r = harness("run", "cpython", *args, *extra, "--results", str(tmp_path))
        assert r.returncode == cli.EXIT_ERROR, r.stdout + r.stderr
        assert message in r.stderr and nearest in r.stderr, r.stderr


def test_filters_that_each_match_but_not_together_say_so(tmp_path):
    r = harness("run", "cpython", "--area", "seed", "--rule", "CAST-*", "--results", str(tmp_path))
    assert r.returncode == cli.EXIT_ERROR
    assert "no case satisfies all of --area seed --rule 'CAST-*'" in r.stderr
    assert "--area seed alone: 7" in r.stderr


def test_a_matrix_that_selects_nothing_exits_2(tmp_path):
    r = harness("matrix", "cpython", "--id", "nothing/*", "--results", str(tmp_path),
                "--out", str(tmp_path / "m.html"))
    assert r.returncode == cli.EXIT_ERROR and "matches no case id" in r.stderr


# ------------------------------------------------------------ exit codes ---

@pytest.mark.parametrize("command", ["run", "merge", "matrix"])
def test_help_documents_the_three_exit_codes(command):
    r = harness(command, "--help")
    assert r.returncode == 0
    text = r.stdout
    for code in ("0  everything passed", "1  a regression", "2  the harness could not do its job"):
        assert code in text


def test_the_readme_documents_the_same_exit_codes():
    readme = (ROOT / "README.md").read_text()
    assert "| **0** |" in readme and "| **1** |" in readme and "| **2** |" in readme


def test_update_expectations_exits_0_after_writing_and_says_what_changed(tmp_path):
    exp = tmp_path / "e.txt"
    cmd = f"flaky={sys.executable} {FAKE} crash seed/bytes-index {tmp_path / 'marker'}"
    r = harness("run", cmd, "--area", "seed", "--results", str(tmp_path), "--expectations", str(exp),
                "--update-expectations")
    assert r.returncode == cli.EXIT_OK, r.stdout + r.stderr
    assert "1 added" in r.stdout and "+ seed/bytes-index  crash" in r.stdout
    assert "seed/bytes-index  crash" in exp.read_text()


def test_a_regression_under_the_gate_exits_1_and_a_clean_gate_0(tmp_path):
    exp = tmp_path / "e.txt"
    exp.write_text("")
    cmd = f"flaky={sys.executable} {FAKE} crash seed/bytes-index {tmp_path / 'marker'}"
    r = harness("run", cmd, "--area", "seed", "--results", str(tmp_path), "--expectations", str(exp))
    assert r.returncode == cli.EXIT_FAILURES and "GATE: FAIL" in r.stdout
    exp.write_text("seed/bytes-index  crash\n")
    (tmp_path / "marker").unlink()
    r = harness("run", cmd, "--area", "seed", "--results", str(tmp_path), "--expectations", str(exp))
    assert r.returncode == cli.EXIT_OK and "GATE: pass" in r.stdout
