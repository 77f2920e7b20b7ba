"""Comparison: values exactly, exceptions by type, messages reported apart."""

from harness import compare, runner, session
from harness.cases import Oracle

V = {"value": 1}
E = {"raises": {"type": "IndexError", "message": "index out of bounds on dimension 1"}}
E_OTHER_MESSAGE = {"raises": {"type": "IndexError", "message": "index out of range"}}
E_OTHER_TYPE = {"raises": {"type": "KeyError", "message": "index out of bounds on dimension 1"}}


def test_equal_outcomes_pass():
    assert compare.compare([V, E], [V, E], strict=False).status == "pass"


def test_a_different_message_is_reported_not_failed():
    v = compare.compare([E], [E_OTHER_MESSAGE], strict=False)
    assert v.status == "message" and v.diffs[0].kind == "message"


def test_strict_messages_turn_message_differences_into_failures():
    assert compare.compare([E], [E_OTHER_MESSAGE], strict=True).status == "fail"


def test_a_different_exception_type_fails():
    assert compare.compare([E], [E_OTHER_TYPE], strict=False).status == "fail"


def test_a_value_instead_of_an_exception_fails():
    assert compare.compare([E], [V], strict=False).status == "fail"
    assert compare.compare([V], [E], strict=False).status == "fail"


def test_any_of_allows_each_listed_outcome():
    allowed = {"any": [{"value": True}, {"value": False}]}
    assert compare.compare([allowed], [{"value": False}], strict=True).status == "pass"
    assert compare.compare([allowed], [{"value": 0}], strict=True).status == "fail"


def hello(lang, platform="64le", version="x"):
    return runner.Hello("impl", version, lang, int(platform[:2]), "little", [], {})


ORACLES = [Oracle(n, "cpython", v, v.rsplit(".", 1)[0], p, e) for n, v, p, e in [
    ("cpython-3.9.18-64le", "3.9.18", "64le", ("bytes",)),
    ("cpython-3.11.2-64le", "3.11.2", "64le", ("bytes", "numpy")),
    ("cpython-3.11.7-64le", "3.11.7", "64le", ("bytes",)),
    ("cpython-3.13.0-64le", "3.13.0", "64le", ("bytes",)),
    ("cpython-3.14.2-32le", "3.14.2", "32le", ("bytes",)),
]]


def test_the_oracle_of_the_same_language_and_platform_comes_first():
    assert compare.oracle_ranking(hello("3.11"), ORACLES)[0].name == "cpython-3.11.2-64le"
    assert compare.oracle_ranking(hello("3.11", version="3.11.7"), ORACLES)[0].name == "cpython-3.11.7-64le"
    assert compare.oracle_ranking(hello("3.14", "32le"), ORACLES)[0].name == "cpython-3.14.2-32le"
    assert compare.oracle_ranking(hello("3.14"), ORACLES)[0].name == "cpython-3.13.0-64le"
    assert compare.oracle_ranking(hello("3.12"), ORACLES)[0].name == "cpython-3.13.0-64le"


def test_a_case_the_best_oracle_lacks_falls_back_to_the_next():
    case = {"expect": [{"oracles": ["cpython-3.9.18-64le"], "outcomes": [V]}]}
    ranking = compare.oracle_ranking(hello("3.13"), ORACLES)
    assert compare.expected_for(case, ranking) == compare.Expected(("cpython-3.9.18-64le",), [V])


def test_a_case_of_a_rule_that_changed_is_judged_only_by_its_own_language_version():
    case = {"rules": ["FORMAT-007"],
            "expect": [{"oracles": ["cpython-3.11.2-64le"], "outcomes": [V]}]}
    ranking = compare.oracle_ranking(hello("3.13"), ORACLES)
    assert compare.expected_for(case, ranking) == compare.Expected(("cpython-3.11.2-64le",), [V])
    assert compare.expected_for(case, ranking, frozenset({"FORMAT-007"})) is None
    same = compare.oracle_ranking(hello("3.11", version="3.11.7"), ORACLES)
    assert compare.expected_for(case, same, frozenset({"FORMAT-007"})) == \
        compare.Expected(("cpython-3.11.2-64le",), [V])


def test_the_rules_with_a_versions_note_are_the_ones_that_changed():
    from harness import spec
    changing = spec.changing_rules()
    assert {"FORMAT-007", "SEQ-002", "OBJECT-001"} <= changing
    assert "INDEX-001" not in changing


def test_a_case_no_oracle_of_the_platform_recorded_is_not_sent():
    from harness import session
    case = {"id": "a/b", "rules": ["INDEX-001"],
            "expect": [{"oracles": ["cpython-3.14.2-32le"], "outcomes": [V]}]}
    ranking = compare.oracle_ranking(hello("3.13"), ORACLES)
    assert session.unrecorded(case, ranking) == "no oracle of platform 64le recorded this case"
    assert session.unrecorded(case, compare.oracle_ranking(hello("3.14", "32le"), ORACLES)) is None


# Both word sizes of 3.11 and 3.13, and 3.12 on 32-bit: the oracles of a
# 32-bit run of the reference modelling an older CPython (issue 18).
GRID = [Oracle(n, "cpython", v, v.rsplit(".", 1)[0], p, ("bytes",)) for n, v, p in [
    ("cpython-3.11.2-32le", "3.11.2", "32le"),
    ("cpython-3.11.2-64le", "3.11.2", "64le"),
    ("cpython-3.12.1-32le", "3.12.1", "32le"),
    ("cpython-3.13.2-32le", "3.13.2", "32le"),
    ("cpython-3.13.0-64le", "3.13.0", "64le"),
    ("cpython-3.14.2-32le", "3.14.2", "32le"),
]]
W = {"value": 2}


def run_on(lang, platform):
    """(ranking, exact) as session.run computes them for such a hello."""
    h = hello(lang, platform)
    ranking = compare.oracle_ranking(h, GRID)
    return ranking, compare.is_exact(h, ranking)


def recorded_by(*groups):
    return {"id": "a/b", "rules": ["INDEX-001"],
            "expect": [{"oracles": list(names), "outcomes": [out]} for names, out in groups]}


def test_a_run_whose_own_version_and_word_size_were_recorded_is_exact():
    assert run_on("3.11", "32le")[1] and run_on("3.13", "64le")[1]
    assert not run_on("3.12", "64le")[1]          # no 3.12 was recorded on 64-bit
    assert not run_on("3.4", "32le")[1]           # MicroPython's claim: no oracle is its own


def test_a_case_recorded_only_on_64_bit_is_not_judged_on_a_32_bit_run():
    case = recorded_by((["cpython-3.11.2-64le", "cpython-3.13.0-64le"], V))
    ranking, exact = run_on("3.11", "32le")
    assert compare.expected_for(case, ranking, exact=exact) is None
    assert session.unrecorded(case, ranking, exact) == "no oracle of platform 32le recorded this case"


def test_a_case_its_own_oracle_did_not_record_is_not_judged_by_another_versions_answer():
    """3.11 on 32-bit did not record it; 3.12 and 3.14 on 32-bit did, and
    3.11 on 64-bit: none of them is 3.11's 32-bit answer."""
    case = recorded_by((["cpython-3.12.1-32le", "cpython-3.14.2-32le", "cpython-3.11.2-64le"], V))
    ranking, exact = run_on("3.11", "32le")
    assert compare.expected_for(case, ranking, exact=exact) is None
    why = session.unrecorded(case, ranking, exact)
    assert why.startswith("not recorded for this oracle: no CPython 3.11 (32le) recorded this case")
    assert "only by newer versions" in why
    # the same case, run without the exact rule, fell back to 3.12's answer
    assert compare.expected_for(case, ranking).oracles == ("cpython-3.12.1-32le",)


def test_a_case_the_same_on_both_sides_of_the_version_is_derived():
    """3.13 on 32-bit did not record it; 3.12 and 3.14 on 32-bit, the
    nearest on either side, agree: nothing changed across 3.13."""
    case = recorded_by((["cpython-3.12.1-32le", "cpython-3.14.2-32le"], V), (["cpython-3.11.2-32le"], W))
    ranking, exact = run_on("3.13", "32le")
    got = compare.expected_for(case, ranking, exact=exact)
    assert got == compare.Expected(("cpython-3.12.1-32le", "cpython-3.14.2-32le"), [V])
    assert got.label == "cpython-3.12.1-32le = cpython-3.14.2-32le"


def test_a_case_that_changed_across_the_version_is_not_derived():
    case = recorded_by((["cpython-3.12.1-32le"], V), (["cpython-3.14.2-32le"], W))
    ranking, exact = run_on("3.13", "32le")
    assert compare.expected_for(case, ranking, exact=exact) is None
    assert "cpython-3.12.1-32le and cpython-3.14.2-32le, recorded different outcomes" in \
        session.unrecorded(case, ranking, exact)


def test_an_exact_run_is_judged_by_its_own_oracle_first():
    case = recorded_by((["cpython-3.13.2-32le"], W), (["cpython-3.12.1-32le", "cpython-3.14.2-32le"], V))
    ranking, exact = run_on("3.13", "32le")
    assert compare.expected_for(case, ranking, exact=exact) == \
        compare.Expected(("cpython-3.13.2-32le",), [W])


def test_the_reference_on_32_bit_3_11_judges_only_what_3_11_recorded_on_32_bit(suite):
    """A recorded case that 3.11's 32-bit oracle (Pyodide 0.23) recorded
    alike with 3.14's, run by the reference modelling 3.11 on 32-bit: as
    recorded it passes, judged by 3.11's oracle; with that oracle's answer
    taken out (as where the older Pyodide could not run a case), it is not
    sent and says why, though 3.14 on 32-bit and 3.11 on 64-bit recorded it;
    recorded on 64-bit only, likewise. Before issue 18 such a case was
    judged by 3.14's answer."""
    from harness import impls
    own, newer, wide = "cpython-3.11.2-32le", "cpython-3.14.2-32le", "cpython-3.11.2-64le"
    case = next(c for c in suite.cases if not c.get("requires") and len(c["expect"]) == 1
                and {own, newer, wide} <= set(c["expect"][0]["oracles"]))

    def variant(tag, keep):
        names = [n for n in case["expect"][0]["oracles"] if keep(n)]
        return dict(case, id=f"{case['id']}#{tag}",
                    expect=[dict(case["expect"][0], oracles=names)])
    cases = [variant("own", lambda n: True), variant("newer", lambda n: n != own),
             variant("wide", lambda n: n.endswith("-64le"))]
    run = session.run(impls.resolve("reference:3.11:32"), suite, cases)
    by = {r.id.rsplit("#", 1)[1]: r for r in run.results}
    assert (by["own"].status, by["own"].oracle) == ("pass", own)
    for tag in ("newer", "wide"):
        assert by[tag].status == "unsupported" and by[tag].oracle is None, by[tag]
    assert by["newer"].detail.startswith(
        "not recorded for this oracle: no CPython 3.11 (32le) recorded this case")
    assert by["wide"].detail == "no oracle of platform 32le recorded this case"
    from harness import report
    assert "2 unsupported (1 not recorded for this oracle)" in report.headline(run)
