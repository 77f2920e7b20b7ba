"""The differential fuzzer and the shrinker (harness/fuzz/, issue 12).

A fuzzer that finds nothing proves nothing, so these tests plant a bug: a
candidate that is CPython's own memoryview except for one operation. The
fuzzer must find it, shrink the program to the steps that show it, and print
it as a case the suite accepts; `harness shrink` must do the same to a case
of the suite that a misbehaving adapter fails.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness import cases, impls
from harness.fuzz import engine, programs, reduce, sides
from harness.fuzz.choices import SeededChoices
from harness.fuzz.command import EXAMPLES, read_examples
from harness.fuzz.findings import as_case, template_entry

ROOT = Path(__file__).resolve().parent.parent
# numpy warns of overflowing casts on both sides alike; the fuzz command
# ignores warnings too (and catching thousands of them slows shrinking down).
pytestmark = pytest.mark.filterwarnings("ignore")
ALL_EXPORTERS = frozenset({"bytes", "bytearray", "array", "ndarray", "numpy", "value", "object"})


def caps() -> programs.Caps:
    return programs.Caps(ALL_EXPORTERS, tuple(sys.version_info[:2]))


class HexIsWrong:
    """CPython's memoryview, but every hex() of a view answers 'bug'."""

    def __init__(self):
        self.inner = sides.builtin_side()
        self.name, self.hello = "hex-is-wrong", self.inner.hello

    def run(self, case):
        answer = self.inner.run(case)
        if answer.status == sides.ANSWERED:
            for s, o in zip(case["steps"], answer.outcomes):
                if s.get("op") == "call" and s.get("method") == "hex" and "value" in o:
                    o["value"] = "bug"
        return answer

    def close(self):
        pass


def a_fuzzer(candidate) -> engine.Fuzzer:
    return engine.Fuzzer(sides.builtin_side(), candidate, oracle_name="cpython-here",
                         strict=True, caps=caps(), shrink_seconds=60)


def quiet_progress() -> engine.Progress:
    return engine.Progress("test", 1, stream=open("/dev/null", "w"))


def test_program_i_of_a_seed_is_the_same_program_every_time():
    first = [programs.generate(SeededChoices(f"7:{i}"), caps()) for i in range(50)]
    again = [programs.generate(SeededChoices(f"7:{i}"), caps()) for i in range(50)]
    assert first == again
    assert len({json.dumps(p) for p in first}) > 40      # and the programs differ


def test_every_generated_program_is_a_valid_case_of_the_suite():
    for i in range(300):
        program = programs.generate(SeededChoices(f"3:{i}"), caps())
        assert 1 <= len(program["steps"]) <= programs.MAX_STEPS
        as_case(program, None)          # raises if the schema or the checks refuse it


def test_cpython_against_itself_never_diverges():
    fuzzer = a_fuzzer(sides.builtin_side())
    fuzzer.explore(60, seed=11, max_programs=400, progress=quiet_progress())
    assert fuzzer.stats.programs == 400
    assert fuzzer.findings == []
    assert len(fuzzer.stats.behaviours.seen) > 50       # it reached many behaviours


def test_a_planted_divergence_is_found_shrunk_to_its_steps_and_printed_as_a_case():
    fuzzer = a_fuzzer(HexIsWrong())
    fuzzer.explore(120, seed=5, max_programs=3000, progress=quiet_progress())
    assert len(fuzzer.findings) == 1, "one bug, one finding: repeats are only counted"
    f = fuzzer.findings[0]
    assert f.signature[:2] == ("fail", "call hex")
    # shrunk: the view and its hex(), from a bytes exporter
    assert [s["op"] for s in f.case["steps"]] == ["memoryview", "call"]
    assert len(f.case["setup"]) == 1 and f.case["setup"][0]["kind"] in ("bytes", "bytearray")
    assert f.case["rules"] == ["HEX-001"] and f.case["id"].startswith("tobytes/fuzz-")
    # the case line and the template entry are the suite's formats
    assert json.loads(f.case_line()) == f.case
    cases.check_case(json.loads(f.case_line()), "test")
    assert f.template_entry().startswith("[[case]]")
    text = f.text()
    assert "m.hex()" in text and "# actual:   'bug'" in text


def test_delta_debugging_keeps_the_step_that_fails_and_drops_the_rest():
    case = {"id": "seed/x", "rules": ["SEQ-001"],
            "setup": [{"name": "x", "kind": "bytearray", "data": {"bytes": "00010203"}},
                      {"name": "y", "kind": "bytes", "data": {"bytes": "ff"}}],
            "steps": [{"op": "memoryview", "args": [{"ref": "x"}], "as": "m"},
                      {"op": "memoryview", "args": [{"ref": "y"}], "as": "n"},
                      {"op": "call", "obj": "m", "method": "tolist"},
                      {"op": "len", "args": [{"ref": "m"}]},
                      {"op": "call", "obj": "n", "method": "hex"}]}

    def still(c, origin):       # "fails" while m is a view of x and len(m) is there
        return (3 in origin and c["steps"][0] == case["steps"][0]
                and [d["name"] for d in c["setup"]] == ["x"])
    smaller = reduce.reduce(case, still, keep=3)
    assert [s["op"] for s in smaller["steps"]] == ["memoryview", "len"]
    assert smaller["setup"] == [{"name": "x", "kind": "bytes", "data": {"bytes": ""}}]


def test_the_saved_examples_are_valid_cases_and_each_has_a_template_entry():
    examples = read_examples(EXAMPLES)
    assert examples, "harness/fuzz/examples.jsonl holds the fuzzer's findings"
    for case in examples:
        assert template_entry(case), case["id"]


def test_the_saved_examples_agree_with_cpython_on_mvref():
    fuzzer = engine.Fuzzer(sides.builtin_side(), sides.mvref_side(), oracle_name="cpython-here",
                           strict=True, caps=caps())
    assert fuzzer.replay(read_examples(EXAMPLES)) > 0
    assert fuzzer.findings == [], [f.text() for f in fuzzer.findings]


def test_fuzz_command_exits_1_and_prints_a_reproducer_when_a_candidate_diverges(tmp_path):
    # The wrong adapter answers every step of the programs with 12345.
    adapter = ROOT / "tests" / "fakes" / "misbehaving_adapter.py"
    command = f"wrong={sys.executable} {adapter} wrong fuzz/program {tmp_path / 'marker'}"
    run = subprocess.run([sys.executable, "-m", "harness", "fuzz", command, "--seed", "1",
                          "--programs", "30", "--examples", "", "--shrink-seconds", "20"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "DIVERGENCE" in run.stdout
    assert "# the case line" in run.stdout


def test_shrink_reduces_a_failing_case_of_the_suite_to_the_step_that_fails(suite, tmp_path):
    from harness.fuzz.shrink import shrink
    case = suite.by_id()["release/context-manager"]
    assert len(case["steps"]) > 5
    adapter = ROOT / "tests" / "fakes" / "misbehaving_adapter.py"
    impl = impls.Impl("wrong", [sys.executable, str(adapter), "wrong", case["id"],
                                str(tmp_path / "marker")])
    result = shrink(case, impl, oracles=suite.oracles, seconds=60)
    assert result.diverges
    assert len(result.case["steps"]) < len(case["steps"])
    assert result.case["rules"] == case["rules"]
    assert result.case["id"].startswith("release/shrunk-")
    assert "# BEFORE" in result.text() and "# AFTER" in result.text()
