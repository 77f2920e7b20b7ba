"""Case files are data: a malformed one is an error naming file, line and
what is wrong, found when the suite is loaded, before anything runs; and the
files the harness writes, it reads back."""

import json

import pytest

from harness import cases

ORACLE = cases.Oracle("cpython-3.11.2-64le", "cpython", "3.11.2", "3.11", "64le", ("bytes",))


def make_suite(tmp_path, lines, area="demo"):
    (tmp_path / f"{area}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cases.write_oracles(tmp_path, [ORACLE])
    return tmp_path


def case(**fields):
    c = {"id": "demo/b", "rules": ["X-001"], "setup": [],
         "steps": [{"op": "memoryview", "args": [{"ref": "x"}], "as": "m"}]}
    c.update(fields)
    return json.dumps(c)


GOOD = json.dumps({"id": "demo/a", "rules": ["X-001"],
                   "setup": [{"name": "x", "kind": "bytes", "data": {"bytes": "00"}}],
                   "steps": [{"op": "memoryview", "args": [{"ref": "x"}], "as": "m"},
                             {"op": "len", "obj": "m"}],
                   "expect": [{"oracles": ["cpython-3.11.2-64le"],
                               "outcomes": [{"value": {"object": "memoryview"}}, {"value": 1}]}]})
STEP = {"op": "memoryview", "args": [{"ref": "x"}]}


@pytest.mark.parametrize("line, message", [
    ("{not json", "demo.jsonl:2: not JSON"),
    ("[1, 2]", "demo.jsonl:2: expected an object, got an array"),
    (case(steps=None), "demo.jsonl:2: case 'demo/b': steps: expected an array, got null"),
    (case(steps=[]), "steps: has 0 items, fewer than 1"),
    (case(steps=[{}]), r"steps\[0\]: 'op' is missing"),
    (case(rules=[]), "rules: has 0 items, fewer than 1"),
    (case(rules=["slice-4"]), r"rules\[0\]: \"slice-4\" is not a rule id"),
    (case(expect=[{"oracles": ["nobody"], "outcomes": [{"value": 1}]}]),
     r"names oracles that oracles.json does not list: \['nobody'\]"),
    (case(expect=[{"oracles": ["cpython-3.11.2-64le"], "outcomes": []}]),
     r"expect\[0\] has 0 outcomes for 1 steps"),
    (case(id="other/b"), "belongs to another area than demo.jsonl"),
    (GOOD, "demo.jsonl:2: duplicate case id 'demo/a'"),
    # What the issue found ending in a traceback:
    (case(setup=[5]), r"setup\[0\]: expected one exporter to build .*, got an integer 5"),
    (case(requires="language"), "requires: expected an object, got a string"),
    (case(requires={"language": "newest"}), r"requires.language: \"newest\" is not comparisons"),
    (case(expect=[{"oracles": ["cpython-3.11.2-64le"], "outcomes": [{"any": 5}]}]),
     r"expect\[0\].outcomes\[0\].any: expected an array, got an integer 5"),
    (case(expect=[{"oracles": ["cpython-3.11.2-64le"], "outcomes": [{"raises": {}}]}]),
     r"expect\[0\].outcomes\[0\].raises: 'type' is missing"),
    (case(steps=[{"op": "getitem", "obj": "m", "key": json.loads("[" * 900 + "]" * 900)}]),
     "nested deeper than 128 levels"),
    (case(steps=[{"op": "getitem", "obj": "m", "key": 0}])[:-1] + ', "x": NaN}',
     "not JSON: NaN is not JSON"),
    ("[" * 100_000 + "]" * 100_000, "not JSON: nested too deeply"),
    # The step vocabulary: ops, their operands, methods, attributes, names.
    (case(steps=[{"op": "frobnicate", "obj": "m"}]), r"steps\[0\].op: \"frobnicate\" is not one of"),
    (case(steps=[{"op": "getitem", "obj": "m"}]), r"steps\[0\]: 'key' is missing"),
    (case(steps=[{"op": "getitem", "obj": "m", "key": 0, "value": 1}]),
     r"steps\[0\]: unexpected field 'value'"),
    (case(steps=[{"op": "call", "obj": "m", "method": "__class__"}]),
     r"steps\[0\].method: \"__class__\" is not one of"),
    (case(steps=[{"op": "getattr", "obj": "m", "name": "__dict__"}]),
     r"steps\[0\].name: \"__dict__\" is not one of"),
    (case(steps=[{"op": "len", "obj": "m; import os"}]), r"steps\[0\].obj: \"m; import os\" is not a name"),
    (case(steps=[dict(STEP, **{"as": "m\n"})]), r"steps\[0\].as: \"m\\n\" is not a name"),
    (case(steps=[dict(STEP, kwargs={"a b": 1})]), r"steps\[0\].kwargs: field name \"a b\""),
    (case(steps=[{"op": "getitem", "obj": "m", "key": {"int": "1; import os"}}]),
     r"steps\[0\].key.int: \"1; import os\" is not decimal digits"),
    (case(steps=[{"op": "getitem", "obj": "m", "key": 1.5}]),
     r"steps\[0\].key: expected .*, got a number 1.5"),
    (case(steps=[{"op": "getitem", "obj": "m", "key": {"tuple": 5}}]),
     r"steps\[0\].key.tuple: expected an array, got an integer 5"),
    (case(steps=[{"op": "getitem", "obj": "m", "key": {"slice": [1, 2]}}]),
     r"steps\[0\].key.slice: has 2 items, fewer than 3"),
    (case(steps=[{"op": "getitem", "obj": "m", "key": {"object": "memoryview"}}]),
     r"steps\[0\].key: .* has none of the keys"),
    (case(setup=[{"name": "x", "kind": "quantum"}]), r"setup\[0\].kind: \"quantum\" is not one of"),
    (case(setup=[{"name": "x", "kind": "bytes", "data": {"bytes": "zz"}}]),
     r"setup\[0\].data.bytes: \"zz\" is not lowercase hex"),
    (case(setup=[{"name": "x", "kind": "ndarray", "items": [], "shape": [0], "format": "B",
                  "read_only": True}]), r"setup\[0\]: unexpected field 'read_only'"),
    (case(require={"language": ">=3.12"}), "unexpected field 'require'"),
])
def test_a_malformed_case_file_is_reported_with_its_line(tmp_path, line, message):
    make_suite(tmp_path, [GOOD, line])
    with pytest.raises(cases.CaseFileError, match=message):
        cases.load_suite(tmp_path)


@pytest.mark.parametrize("text, message", [
    ("[]", "oracles.json: expected an object, got an array"),
    ("{}", "format None, expected 1"),
    ('{"format": 1, "oracles": [{"name": "x"}]}', r"oracles\[0\]: 'implementation' is missing"),
    ('{"format": 1, "oracles": 5}', "oracles: expected an array"),
    ('{"format": 1,\n "oracles": [NaN]}', "oracles.json: cannot read the oracle list: NaN"),
    ('{"format": 1,\n "oracles": [}', "oracles.json:2: cannot read the oracle list"),
])
def test_a_malformed_oracle_list_is_reported(tmp_path, text, message):
    make_suite(tmp_path, [GOOD])
    (tmp_path / "oracles.json").write_text(text)
    with pytest.raises(cases.CaseFileError, match=message):
        cases.load_suite(tmp_path)


def test_an_empty_directory_is_an_error(tmp_path):
    cases.write_oracles(tmp_path, [])
    with pytest.raises(cases.CaseFileError, match="no cases"):
        cases.load_suite(tmp_path)


@pytest.mark.parametrize("req, lang, ok", [
    (None, "3.9", True), ({"language": ">=3.12"}, "3.11", False),
    ({"language": ">=3.12"}, "3.12", True), ({"language": ">=3.9,<3.12"}, "3.12", False),
    ({"language": "<3.10"}, "3.9", True),
])
def test_language_requirements(req, lang, ok):
    assert cases.satisfies(req, lang) is ok


def test_the_shipped_suite_loads(suite):
    assert len(suite.cases) > 0 and suite.oracles


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d",
                                  "\x1e", "\r", "\n"])
def test_what_the_harness_writes_it_reads_back(tmp_path, char):
    # Every character str.splitlines splits on, inside a string of a case.
    assert len(f"a{char}b".splitlines()) == 2
    c = json.loads(GOOD)
    c["steps"].append({"op": "contains", "obj": "m", "value": f"a{char}b"})
    c["expect"][0]["outcomes"].append({"raises": {"type": "TypeError", "message": f"x{char}y"}})
    cases.write_jsonl(tmp_path / "demo.jsonl", [c])
    raw = (tmp_path / "demo.jsonl").read_bytes()
    assert raw.count(b"\n") == 1 and char.encode() not in raw.rstrip(b"\n")
    assert cases.read_jsonl(tmp_path / "demo.jsonl") == [c]


def test_a_file_with_a_raw_line_separator_in_a_string_still_reads(tmp_path):
    # Written by another tool, unescaped: lines are split on "\n" alone.
    c = json.loads(GOOD)
    c["steps"].append({"op": "contains", "obj": "m", "value": "a\u2028b"})
    c["expect"][0]["outcomes"].append({"value": False})
    (tmp_path / "demo.jsonl").write_text(json.dumps(c, ensure_ascii=False) + "\n", encoding="utf-8")
    assert cases.read_jsonl(tmp_path / "demo.jsonl") == [c]


def test_a_case_that_breaks_the_schema_is_not_written(tmp_path):
    c = json.loads(GOOD)
    c["steps"][0]["op"] = "frobnicate"
    with pytest.raises(cases.CaseFileError, match="being written"):
        cases.write_jsonl(tmp_path / "demo.jsonl", [c])
    assert not list(tmp_path.iterdir())
