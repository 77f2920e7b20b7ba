"""JUnit as CI test reporters read it: valid against the Jenkins/Ant JUnit
schema (harness/ci/junit.xsd), well-formed XML whatever an adapter says, and
red exactly when the gate fails."""

import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from harness import junit

ROOT = Path(__file__).resolve().parent.parent
FAKE = Path(__file__).parent / "fakes" / "gating_adapter.py"
SCHEMA = etree.XMLSchema(etree.parse(str(ROOT / "harness" / "ci" / "junit.xsd")))
KNOWN = "seed/bytes-index"
NEW = "seed/array-index-and-assign"


def harness(*args):
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def adapter(*modes):
    return f"mine={sys.executable} {FAKE} {' '.join(modes)}"


def valid_report(path: Path) -> etree._Element:
    """The parsed report, checked against the schema and for what a schema
    cannot say: the totals are the counts of the testcases' elements."""
    doc = etree.parse(str(path))          # raises on XML that is not well-formed
    assert SCHEMA.validate(doc), SCHEMA.error_log
    for suite in doc.getroot().iter("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        for kind, attr in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
            assert int(suite.get(attr)) == sum(1 for c in cases if c.find(kind) is not None)
    return doc.getroot()


def bad(root) -> int:
    suite = root.find("testsuite")
    return int(suite.get("failures")) + int(suite.get("errors"))


@pytest.fixture
def expectations(tmp_path):
    """An expectations file that knows KNOWN fails."""
    exp = tmp_path / "mine.txt"
    r = harness("run", adapter("wrong", KNOWN), "--area", "seed", "--results", str(tmp_path),
                "--expectations", str(exp), "--update-expectations")
    assert r.returncode == 0, r.stdout + r.stderr
    return exp


def test_a_passing_gate_writes_no_failure_and_reports_the_known_one_as_skipped(tmp_path, expectations):
    out = tmp_path / "junit.xml"
    r = harness("run", adapter("wrong", KNOWN), "--area", "seed", "--results", str(tmp_path),
                "--expectations", str(expectations), "--junit", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    root = valid_report(out)
    assert bad(root) == 0
    known = root.find(f".//testcase[@name='{KNOWN}']")
    skipped = known.find("skipped")
    assert skipped is not None and "known: fail" in skipped.get("message")
    assert str(expectations) in skipped.get("message")
    assert "mv[0]" in known.findtext("system-out")        # its reproducer is kept


def test_a_new_failure_is_the_one_failure_with_its_reproducer_first(tmp_path, expectations):
    out = tmp_path / "junit.xml"
    r = harness("run", adapter("wrong", KNOWN, "wrong", NEW), "--area", "seed",
                "--results", str(tmp_path), "--expectations", str(expectations), "--junit", str(out))
    assert r.returncode == 1, r.stdout + r.stderr
    root = valid_report(out)
    assert bad(root) == 1
    failure = root.find(f".//testcase[@name='{NEW}']/failure")
    assert failure.get("message").startswith("new failure: fail, expected pass")
    assert failure.text.startswith(f"# FAIL {NEW}")
    assert "# expected status: pass" in failure.text
    assert root.find(f".//testcase[@name='{KNOWN}']/skipped") is not None


def test_without_a_gate_every_divergence_is_a_failure(tmp_path):
    out = tmp_path / "junit.xml"
    r = harness("run", adapter("wrong", KNOWN), "--area", "seed", "--results", str(tmp_path),
                "--junit", str(out))
    assert r.returncode == 1
    assert bad(valid_report(out)) == 1


def test_control_characters_in_messages_make_valid_xml(tmp_path):
    out = tmp_path / "junit.xml"
    r = harness("run", adapter("control", "seed/*"), "--area", "seed", "--results", str(tmp_path),
                "--junit", str(out))
    assert r.returncode == 1, r.stdout + r.stderr
    root = valid_report(out)
    texts = [f.text for f in root.iter("failure")]
    assert texts and all("\\x00" in t and "\\x1b" in t and "\\ufffe" in t for t in texts)


@pytest.mark.parametrize("text, shown", [
    ("a\x00b", "a\\x00b"), ("esc \x1b[0m", "esc \\x1b[0m"), ("\ufffe\uffff", "\\ufffe\\uffff"),
    ("lone \ud800", "lone \\ud800"), ("tab\tnewline\ncr\r ok é 𝄞", "tab\tnewline\ncr\r ok é 𝄞"),
])
def test_characters_xml_forbids_are_written_as_escapes(text, shown):
    assert junit.clean(text) == shown


def test_names_and_messages_are_cleaned_too(tmp_path):
    out = tmp_path / "j.xml"
    e = junit.Entry("area\x01", "id\x02", 0.0, junit.FAILURE, "t\x03", "m\x04", "x\x05", "o\x06")
    junit.write(out, "suite\x07", [e], 0.0)
    case = valid_report(out).find(".//testcase")
    assert case.get("name") == "id\\x02" and case.find("failure").get("message") == "m\\x04"
