"""The project gates itself on the other implementations: every matrix
column has checked-in expectations (conformance/expectations/), and the
matrix holds each column to its file exactly, so a change that moves any
implementation's result shows in review as a diff of those files."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import cli, expectations

ROOT = Path(__file__).resolve().parent.parent
FAKE = Path(__file__).parent / "fakes" / "gating_adapter.py"
JIT_CASE = "slicing/slice-layout/x=array-i4,key=slice(4,-4,-9223372036854775809)"


def harness(*args):
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def buggy(*modes):
    return f"buggy={sys.executable} {FAKE} {' '.join(modes)}"


def test_every_matrix_column_has_checked_in_expectations(suite):
    names = set(cli.MATRIX_DEFAULT) | {n.replace(":", "-") for n in cli.matrix_columns()}
    ids = {c["id"] for c in suite.cases}
    for name in sorted(names):
        exp = expectations.read(expectations.default_path(name))     # parses, or says where not
        assert set(exp.entries) <= ids, f"{name}: lists cases the suite lacks"


def test_the_jit_dependent_pypy_case_may_pass_or_time_out_and_says_why():
    exp = expectations.read(expectations.default_path("pypy")).entries[JIT_CASE]
    assert set(exp.statuses) == {"pass", "timeout"} and "JIT" in exp.reason


@pytest.mark.skipif(not os.environ.get("MVSPEC_REQUIRE_IMPLS") and not shutil.which("pypy3"),
                    reason="pypy3 is not installed (make impls)")
def test_pypy_passes_its_gate_on_slicing_whether_or_not_the_jit_hangs(tmp_path):
    r = harness("matrix", "pypy", "--area", "slicing", "--gate", "--results", str(tmp_path),
                "--out", str(tmp_path / "m.html"))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "MATRIX GATE: pass" in r.stdout


def test_the_matrix_holds_each_column_to_its_file_exactly(tmp_path):
    exps = tmp_path / "exp"
    common = ["--area", "seed", "--results", str(tmp_path / "r"), "--out", str(tmp_path / "m.html"),
              "--expectations-dir", str(exps)]
    r = harness("matrix", "cpython", buggy("wrong", "seed/bytes-index"), *common, "--update-expectations")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (exps / "buggy.txt").read_text().count("seed/bytes-index  fail") == 1
    assert (exps / "cpython.txt").exists()
    r = harness("matrix", "cpython", buggy("wrong", "seed/bytes-index"), *common, "--gate")
    assert r.returncode == 0 and "MATRIX GATE: pass (2 implementations" in r.stdout, r.stdout
    # Worse fails ...
    r = harness("matrix", "cpython", buggy("wrong", "seed/bytes-*"), *common, "--gate")
    assert r.returncode == 1 and "MATRIX GATE: FAIL: buggy" in r.stdout
    # ... and so does better: the file must say what the implementation does.
    r = harness("matrix", "cpython", buggy(), *common, "--gate")
    assert r.returncode == 1 and "got better" in r.stdout and "MATRIX GATE: FAIL: buggy" in r.stdout


def test_a_column_without_expectations_stops_the_gated_matrix_before_it_runs(tmp_path):
    r = harness("matrix", "cpython", "--area", "seed", "--gate", "--results", str(tmp_path / "r"),
                "--out", str(tmp_path / "m.html"), "--expectations-dir", str(tmp_path))
    assert r.returncode == 2 and "no such expectations file" in r.stderr
    assert not (tmp_path / "r").exists()
