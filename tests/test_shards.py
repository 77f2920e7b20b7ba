"""Shards: each records what it ran; merge refuses what does not belong
together, names what is missing, and runs in time linear in the results."""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness import report, runner, scope, select, session
from harness.impls import Impl

ROOT = Path(__file__).resolve().parent.parent
FAKE = Path(__file__).parent / "fakes" / "gating_adapter.py"
AREAS = ["--area", "seed", "--area", "release"]


def harness(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def run_shards(tmp_path, n=3, which=None, extra=(), impl="cpython"):
    out = tmp_path / "shards"
    for i in which or range(1, n + 1):
        r = harness("run", impl, *AREAS, "--shard", f"{i}/{n}", "--results", str(out),
                    "--summary-only", *extra)
        assert r.returncode == 0, r.stdout + r.stderr
    return out


def shard_file(out, i, n=3, name="cpython"):
    return str(out / f"{name}.shard-{i}-of-{n}.json")


def test_a_shard_records_its_place_the_suite_and_the_selection(tmp_path, suite):
    out = run_shards(tmp_path, which=[2])
    doc = json.loads(Path(shard_file(out, 2)).read_text())["scope"]
    assert doc["shard"] == "2/3"
    assert doc["suite"] == scope.suite_hash(ROOT / "conformance")
    assert doc["selection"]["areas"] == ["release", "seed"]
    chosen = select.Selection(areas=["seed", "release"], shard=(2, 3)).apply(suite.cases)
    assert doc["selected"] == len(chosen) == len(json.loads(Path(shard_file(out, 2)).read_text())["cases"])


def test_all_shards_merge_into_a_run_that_passes_the_gate(tmp_path):
    """Gated on conformance/expectations/cpython.txt, the project's own."""
    out = run_shards(tmp_path)
    r = harness("merge", *(shard_file(out, i) for i in (1, 2, 3)), "--results", str(tmp_path / "m"),
                "--gate")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "shards 1, 2, 3 of 3" in r.stdout and "GATE: pass" in r.stdout


def test_a_missing_shard_is_named_and_fails_the_gate(tmp_path):
    out = run_shards(tmp_path, which=[1, 3])
    r = harness("merge", shard_file(out, 1), shard_file(out, 3), "--results", str(tmp_path / "m"),
                "--gate")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "shard 2/3 missing" in r.stdout
    assert "expected but not run" in r.stdout and "GATE: FAIL" in r.stdout
    # Without a gate too, an incomplete merge is not a success.
    r = harness("merge", shard_file(out, 1), shard_file(out, 3), "--results", str(tmp_path / "m"))
    assert r.returncode == 1 and "INCOMPLETE" in r.stdout and "shard 2/3 missing" in r.stdout


def test_a_shard_given_twice_is_refused_by_name(tmp_path):
    out = run_shards(tmp_path, which=[1])
    copy = tmp_path / "again.json"
    shutil.copy(shard_file(out, 1), copy)
    r = harness("merge", shard_file(out, 1), str(copy), "--results", str(tmp_path / "m"))
    assert r.returncode == 2
    assert "shard 1/3 given twice" in r.stderr and "again.json" in r.stderr


def test_shards_of_different_selections_are_refused(tmp_path):
    out = run_shards(tmp_path, which=[1])
    r = harness("run", "cpython", "--area", "seed", "--shard", "2/3", "--results", str(tmp_path / "b"),
                "--summary-only")
    assert r.returncode == 0
    r = harness("merge", shard_file(out, 1), shard_file(tmp_path / "b", 2),
                "--results", str(tmp_path / "m"))
    assert r.returncode == 2 and "a mixed selection" in r.stderr


def test_shards_of_different_suites_are_refused(tmp_path):
    other = tmp_path / "suite"
    shutil.copytree(ROOT / "conformance", other, ignore=shutil.ignore_patterns("expectations"))
    with open(other / "seed.jsonl", "a") as f:        # the same cases, other bytes
        f.write("\n")
    out = run_shards(tmp_path, which=[1])
    r = harness("run", "cpython", *AREAS, "--shard", "2/3", "--cases", str(other),
                "--results", str(tmp_path / "b"), "--summary-only")
    assert r.returncode == 0, r.stderr
    r = harness("merge", shard_file(out, 1), shard_file(tmp_path / "b", 2),
                "--results", str(tmp_path / "m"))
    assert r.returncode == 2 and "a mixed suite" in r.stderr
    # Nor is a merge judged against another suite than the one the shards ran.
    r = harness("merge", shard_file(out, 1), "--cases", str(other), "--results", str(tmp_path / "m"))
    assert r.returncode == 2 and "merge with --cases naming the suite" in r.stderr


def test_shards_of_different_cuts_are_refused(tmp_path):
    a = run_shards(tmp_path, n=2, which=[1])
    b = run_shards(tmp_path / "b", n=3, which=[2])
    r = harness("merge", shard_file(a, 1, 2), shard_file(b, 2), "--results", str(tmp_path / "m"))
    assert r.returncode == 2 and "same N" in r.stderr


def synthetic_shards(suite, directory: Path, n: int) -> list[str]:
    """Results of every case of the suite, cut in n shards, written as a run
    would write them (every case passes), without running anything."""
    hello = runner.parse_hello(json.dumps({
        "mvspec": runner.PROTOCOL_VERSION, "implementation": "synthetic", "version": "1",
        "language": "3.11", "platform": {"word_size": 64, "byteorder": "little"},
        "exporters": ["bytes"]}).encode())
    digest = scope.suite_hash(ROOT / "conformance")
    paths = []
    for i in range(1, n + 1):
        sel = select.Selection(shard=(i, n))
        cases = sel.apply(suite.cases)
        results = [session.CaseResult(c["id"], "pass", c["rules"], "cpython-3.11.2-64le")
                   for c in cases]
        run = session.RunResult(Impl("synthetic", []), hello, "cpython-3.11.2-64le", results, 1.0, 0)
        path = directory / f"synthetic.shard-{i}-of-{n}.json"
        report.write_results(run, path, scope.Scope(digest, len(suite.cases), sel, len(cases)).to_json())
        paths.append(str(path))
    return paths


def test_merging_the_whole_suite_takes_seconds_not_minutes(tmp_path, suite):
    """Linear time: 3 shards of the default suite (26,580 cases) merged,
    gated and written as JUnit. Rebuilding the suite's index once per result
    took 7 minutes here; linear, it is about a second of work."""
    paths = synthetic_shards(suite, tmp_path, 3)
    exp = tmp_path / "synthetic.txt"
    exp.write_text("")
    started = time.monotonic()
    r = harness("merge", *paths, "--results", str(tmp_path / "m"), "--expectations", str(exp),
                "--junit", str(tmp_path / "j.xml"), timeout=120)
    seconds = time.monotonic() - started
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"{len(suite.cases)} of {len(suite.cases)} cases" in r.stdout
    assert seconds < 40, seconds


def test_a_complete_merge_does_not_decode_the_whole_suite(tmp_path, suite, monkeypatch):
    """What makes merging the 227k-case suite take seconds: with every shard
    present, only the cases a report shows are read from the suite."""
    from harness import cases, cli
    paths = synthetic_shards(suite, tmp_path, 2)

    def refuse(*a, **k):
        raise AssertionError("the whole suite was loaded")
    monkeypatch.setattr(cases, "load_suite", refuse)
    status = cli.main(["merge", *paths, "--results", str(tmp_path / "m"), "--summary-only"])
    assert status == 0


@pytest.mark.parametrize("text, message", [
    ("3/2", "I must be between 1 and N"),
    ("x", "write I/N"),
])
def test_a_bad_shard_is_a_usage_error(tmp_path, text, message):
    r = harness("run", "cpython", "--shard", text, "--results", str(tmp_path))
    assert r.returncode == 2 and message in r.stderr
