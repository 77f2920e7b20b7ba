"""`make history`: an implementation's pass rate by area over its releases,
and what each release fixed and broke, counted by the rules its cases cite."""

from types import SimpleNamespace

from harness import history
from harness.session import CaseResult


def release(version, statuses):
    """A run of a release: case id -> status."""
    results = [CaseResult(cid, status, rules=[f"{cid.split('/')[0].upper()}-001", "X-009"])
               for cid, status in statuses.items()]
    return SimpleNamespace(results=results, hello=SimpleNamespace(version=version),
                           impl=SimpleNamespace(name=f"impl-{version}"))


OLD = release("1.0", {"cast/a": "fail", "cast/b": "pass", "slicing/c": "pass",
                      "slicing/d": "unsupported"})
NEW = release("1.1", {"cast/a": "pass", "cast/b": "pass", "slicing/c": "crash",
                      "slicing/d": "message"})


def test_a_releases_rate_in_an_area_counts_only_the_cases_it_could_run():
    s = history.implementation_series("impl", [OLD, NEW])
    assert s.releases == ["1.0", "1.1"]
    assert s.rates["cast"] == [0.5, 1.0]
    assert s.rates["slicing"] == [1.0, 0.5]          # d unsupported, then a pass (message)
    assert s.judged == [3, 4]


def test_a_fix_and_a_regression_are_counted_under_the_rules_their_cases_cite():
    step = history.implementation_series("impl", [OLD, NEW]).steps[0]
    assert (step.fixed_cases, step.broken_cases) == (1, 1)
    assert step.fixes == {"CAST-001": 1, "X-009": 1}
    assert step.regressions == {"SLICING-001": 1, "X-009": 1}


def test_becoming_supported_is_neither_a_fix_nor_a_regression():
    step = history.implementation_series("impl", [OLD, NEW]).steps[0]
    assert "SLICING-001" not in step.fixes


def test_the_cpython_series_counts_what_the_pre_release_changed(suite):
    s = history.oracle_series(suite, "32le")
    assert s.releases[-2:] == ["3.14.2", "3.15.0rc1"]
    old, new = (next(o.name for o in suite.oracles if o.version == v) for v in s.releases[-2:])
    differ = 0
    for case in suite.cases:
        got = {n: g["outcomes"] for g in case["expect"] for n in g["oracles"]}
        differ += old in got and new in got and got[old] != got[new]
    assert s.steps[-1].fixed_cases + s.steps[-1].broken_cases == differ


def test_the_chart_has_a_line_per_area_and_names_each_release():
    s = history.implementation_series("impl", [OLD, NEW])
    svg = history.svg_chart(s)
    assert svg.count("<polyline") == 2
    assert ">1.0</text>" in svg and ">1.1</text>" in svg


def test_the_terminal_table_names_the_biggest_fixes_by_rule():
    text = history.terminal_table(history.implementation_series("impl", [OLD, NEW]))
    assert "1.0 -> 1.1: 1 cases fixed, 1 broke" in text
    assert "fixed by rule: CAST-001 (1), X-009 (1)" in text
