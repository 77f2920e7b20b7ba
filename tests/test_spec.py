"""The spec keeps its promises: every rule has cases, every case cites real
rules, every rule is complete, and every example runs as written on CPython."""

import subprocess
import sys

import pytest

from harness import exporters, impls, spec

RULES = spec.parse()
IDS = spec.rule_ids(RULES)


def language_of(python):
    out = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"],
                         capture_output=True, text=True).stdout.split()
    return int(out[0]), int(out[1])


PYTHONS = sorted(((language_of(p), p) for p in impls.oracle_pythons()), key=lambda t: t[0])
HERE = sys.version_info[:2]


def python_for(tag):
    """This interpreter when the example is for every version or for this one;
    else the oldest CPython here in the tagged range."""
    low, high = spec.version_range(tag) or ((0, 0), (99, 99))
    if low <= HERE <= high:
        return None
    for lang, python in PYTHONS:
        if low <= lang <= high:
            return python
    pytest.fail(f"no CPython in {tag} on this machine to run the example")


def test_rule_ids_are_unique():
    assert spec.duplicate_ids(RULES) == []


def test_the_spec_has_rules():
    assert len(RULES) >= 30


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_is_complete(rule):
    assert spec.incomplete(rule) == [], f"spec/memoryview.md:{rule.line}: {rule.id} lacks"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_example_runs_as_written(rule):
    for line, tag, code in rule.examples:
        python = python_for(tag)
        report = (spec.run_example(rule, line, code) if python is None
                  else spec.run_example_on(python, rule, line, code))
        assert report is None, report


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_has_a_case(rule, suite):
    if rule.area in spec.CHECKER_AREAS:     # its cases are a checker's checks
        checks = dict(exporters.checker().RULES)
        assert rule.id in checks, f"{spec.CHECKER_AREAS[rule.area]} has no check of {rule.id}"
        assert checks[rule.id] == rule.title, f"the checker calls {rule.id} otherwise"
        return
    cited = {r for c in suite.cases for r in c["rules"]}
    assert rule.id in cited, f"no case in conformance/ cites {rule.id}"


def test_every_rule_the_exporter_checker_checks_exists_in_the_spec():
    unknown = [r for r, _ in exporters.checker().RULES if r not in IDS]
    assert unknown == [], f"harness/exporter/check.c checks rules the spec lacks: {unknown}"


def test_every_case_cites_only_existing_rules(suite):
    unknown = sorted({(r, c["id"]) for c in suite.cases for r in c["rules"] if r not in IDS})
    assert unknown == [], f"cases cite rules that spec/memoryview.md lacks: {unknown[:10]}"


def test_the_version_change_table_is_current(suite):
    from harness import changes
    text = spec.SPEC_FILE.read_text(encoding="utf-8")
    assert changes.table(suite) in text, "run `make cases` (python3 -m harness changes)"
    assert changes.coming(suite) in text, "run `make cases` (python3 -m harness changes)"
