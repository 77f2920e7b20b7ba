"""Case files are data: malformed ones get an error naming file and line."""

import json

import pytest

from harness import cases


def make_suite(tmp_path, lines, area="demo"):
    (tmp_path / f"{area}.jsonl").write_text("\n".join(lines) + "\n")
    cases.write_oracles(tmp_path, [cases.Oracle("cpython-3.11.2-64le", "cpython", "3.11.2",
                                                "3.11", "64le", ("bytes",))])
    return tmp_path


GOOD = json.dumps({"id": "demo/a", "rules": ["X-001"], "setup": [],
                   "steps": [{"op": "len", "obj": "m"}]})


@pytest.mark.parametrize("line, message", [
    ("{not json", "demo.jsonl:2: not JSON"),
    ("[1, 2]", "demo.jsonl:2: a case is a JSON object"),
    (json.dumps({"id": "demo/b", "rules": [], "setup": []}), "field 'steps'"),
    (json.dumps({"id": "demo/b", "rules": [], "setup": [], "steps": []}), "has no steps"),
    (json.dumps({"id": "demo/b", "rules": [], "setup": [], "steps": [{}]}), "has no op"),
    (json.dumps({"id": "demo/b", "rules": [], "setup": [], "steps": [{"op": "len"}],
                 "expect": [{"oracles": ["nobody"], "outcomes": [{"value": 1}]}]}), "unknown oracles"),
    (json.dumps({"id": "other/b", "rules": [], "setup": [], "steps": [{"op": "len"}]}), "another area"),
    (GOOD, "duplicate case id"),
])
def test_malformed_case_files_are_reported(tmp_path, line, message):
    make_suite(tmp_path, [GOOD, line])
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
