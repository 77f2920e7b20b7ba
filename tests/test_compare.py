"""Comparison: values exactly, exceptions by type, messages reported apart."""

from harness import compare, runner
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
    assert compare.expected_for(case, ranking) == ("cpython-3.9.18-64le", [V])


def test_a_case_of_a_rule_that_changed_is_judged_only_by_its_own_language_version():
    case = {"rules": ["FORMAT-007"],
            "expect": [{"oracles": ["cpython-3.11.2-64le"], "outcomes": [V]}]}
    ranking = compare.oracle_ranking(hello("3.13"), ORACLES)
    assert compare.expected_for(case, ranking) == ("cpython-3.11.2-64le", [V])
    assert compare.expected_for(case, ranking, frozenset({"FORMAT-007"})) is None
    same = compare.oracle_ranking(hello("3.11", version="3.11.7"), ORACLES)
    assert compare.expected_for(case, same, frozenset({"FORMAT-007"})) == \
        ("cpython-3.11.2-64le", [V])


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
