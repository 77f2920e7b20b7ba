"""A failing case prints as a program to paste into a REPL: pasted, it does
what the case says and nothing else, whatever text the case, the adapter or
its stderr put in it (reproduce.py)."""

import json
import subprocess
import sys
import unicodedata

import pytest

from harness import compare, matrix, report, reproduce
from harness.session import CaseResult

# Each payload creates a file when run as code; none may ever run.
PAYLOADS = [f"open('pwned-{n}', 'w')" for n in range(12)]
BREAKS = ["\n", "\r", "\u2028", "\x85", "\x0b"]


def hostile_case():
    p = PAYLOADS
    return {
        "id": "seed/x\nimport os", "rules": ["X-001"],
        "setup": [
            {"name": f"x\n{p[0]}", "kind": "bytes", "data": {"bytes": "00"}},
            {"name": "a", "kind": "array", "typecode": f"b'\n{p[1]}\n'", "items": [1]},
            {"name": "n", "kind": "ndarray", "items": [1], "shape": [f"1]\n{p[2]}\n["],
             "format": "B", "offset": f"0\n{p[3]}"},
            {"name": "q", "kind": f"nope\n{p[4]}"},
        ],
        "steps": [
            {"op": "memoryview", "args": [{"ref": f"x\n{p[5]}"}], "as": f"m\r{p[6]}"},
            {"op": "getattr", "obj": "m", "name": f"nbytes\n{p[7]}"},
            {"op": "call", "obj": "m", "method": f"tolist()\n{p[8]}\n#",
             "kwargs": {f"k\n{p[9]}": 1}},
            {"op": "getitem", "obj": "m", "key": {"int": f"1\n{p[10]}"}},
            {"op": "getitem", "obj": "m", "key": {"tuple": [{"ref": "m\u2028" + p[11]}, 1]}},
            {"op": f"frob\n{p[0]}", "obj": "m"},
            {"op": "len", "obj": "m"},
        ],
    }


def hostile_result():
    p = PAYLOADS
    expected = {"raises": {"type": "ValueError", "message": "".join(b + x for b, x in zip(BREAKS, p))}}
    actual = {"value": {"object": f"memoryview\n{p[1]}"}}
    diffs = [compare.StepDiff(6, expected, actual, "fail"),
             compare.StepDiff(5, {"value": {"int": f"5\n{p[2]}"}}, {"unbound": f"m\n{p[3]}"}, "fail")]
    return CaseResult("seed/x\nimport os", "crash", ["X-001"], oracle="cpython-3.11.2-64le",
                      detail=f"exit status 3; its stderr ends:\nTraceback\r{p[4]}\n\x1b[2J{p[5]}",
                      diffs=diffs)


def paste(program, cwd):
    """Feed the program to a Python REPL line by line, as a paste would; a
    line that fails is reported and the next one runs."""
    feeder = ("import code, sys\n"
              "console = code.InteractiveConsole()\n"
              "for line in sys.stdin.read().splitlines():\n"
              "    console.push(line)\n"
              "console.push('')\n")
    return subprocess.run([sys.executable, "-c", feeder], input=program, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_the_paste_harness_would_see_a_payload_run(tmp_path):
    paste(f"x = 1\n{PAYLOADS[0]}\n", tmp_path)
    assert (tmp_path / "pwned-0").exists()


def test_a_pasted_reproducer_runs_nothing_but_the_case(tmp_path):
    text = report.failure_text(hostile_result(), hostile_case())
    r = paste(text, tmp_path)
    assert list(tmp_path.iterdir()) == [], text + r.stderr


def test_a_pasted_reproducer_does_what_its_case_says(suite, tmp_path):
    case = suite.by_id()["seed/bytes-index"]
    result = CaseResult(case["id"], "fail", case["rules"],
                        diffs=[compare.StepDiff(1, {"value": 72}, {"value": 73}, "fail")])
    r = paste(report.failure_text(result, case), tmp_path)
    assert r.stdout.split() == ["72"], r.stdout + r.stderr


def test_a_reproducer_holds_no_character_a_terminal_would_act_on(tmp_path):
    text = report.failure_text(hostile_result(), hostile_case())
    for ch in text:
        assert ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"), repr(ch)
    for line in text.split("\n"):
        compile(line if not line.startswith("#") else "pass", "<line>", "exec")


def test_every_line_of_a_comment_is_commented():
    lines = reproduce.comment("one\ntwo\rthree\u2028four", "lead: ")
    assert lines == ["# lead: one", "#   two\\rthree\\u2028four"]


@pytest.mark.parametrize("step, text", [
    ({"op": "getattr", "obj": "m", "name": "nbytes"}, "m.nbytes"),
    ({"op": "getattr", "obj": "m", "name": "a b"}, "getattr(m, 'a b')"),
    ({"op": "call", "obj": "m", "method": "if", "args": [1]}, "getattr(m, 'if')(1)"),
    ({"op": "len", "obj": "class"}, "len(globals()['class'])"),
    ({"op": "getitem", "obj": "m", "key": {"int": "0010"}}, "m[10]"),
    ({"op": "call", "obj": "m", "method": "cast", "kwargs": {"a-b": 1}}, "m.cast(**{'a-b': 1})"),
    ({"op": "drop", "name": "x y"}, "del globals()['x y']"),
])
def test_names_are_written_as_themselves_only_when_they_are_identifiers(step, text):
    assert reproduce.step_source(step) == text


def test_the_matrix_page_escapes_what_adapters_say():
    page = matrix.case_html(hostile_result(), hostile_case())
    assert "<script" not in page
    for ch in page:
        assert ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"), repr(ch)
    assert "\\x1b[2J" in page


def test_the_matrix_page_escapes_an_adapters_hello(suite):
    from harness import runner, spec
    from harness.impls import Impl
    from harness.session import RunResult
    raw = {"mvspec": 1, "implementation": "x\x1b[2J<script>", "version": "1\u202e2",
           "language": "3.11", "platform": {"word_size": 64, "byteorder": "little"},
           "exporters": ["bytes"]}
    hello = runner.parse_hello(json.dumps(raw).encode())
    result = hostile_result()
    result.id, result.rules = "seed/bytes-index", ["INDEX-001"]
    run = RunResult(Impl("h", []), hello, "cpython-3.11.2-64le", [result], 1.0, 0)
    page = matrix.page([run], {"seed/bytes-index": hostile_case()}, spec.parse())
    assert "<script" not in page and "\\x1b[2J&lt;script&gt;" in page and "1\\u202e2" in page
    for ch in page:
        assert ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"), repr(ch)
