"""The typed value encoding (protocol.md section 3) is exact."""

import math
import struct

import pytest

from harness import values
from harness.adapters_path import mvadapter


@pytest.mark.parametrize("v", [
    0, -1, 2**63 - 1, -2**63, 2**63, -2**63 - 1, 2**200, True, False, None,
    1.5, -0.0, 0.0, math.inf, -math.inf, 5e-324, 1.7976931348623157e308,
    "", "abc", "é", b"", b"\x00\xff", [1, [2.5, b"x"]], (1,), (), ((1, 2), [3]),
])
def test_encoding_round_trips_through_the_adapter(v):
    encoded = mvadapter.encode(v, {})
    assert values.canonical(encoded) == values.canonical(values.encode(v))
    decoded = mvadapter.decode(encoded, {})
    assert type(decoded) is type(v)
    assert values.canonical(mvadapter.encode(decoded, {})) == values.canonical(encoded)


def test_ints_have_one_meaning_in_both_forms():
    assert values.canonical(5) == values.canonical({"int": "5"})
    assert values.encode(2**63) == {"int": str(2**63)}
    assert values.encode(2**63 - 1) == 2**63 - 1


def test_floats_compare_by_their_bits():
    assert values.canonical({"float": "0.0"}) != values.canonical({"float": "-0.0"})
    assert values.canonical({"float": "1.5"}) == values.canonical({"float": "15e-1"})
    assert values.canonical({"float": "1.0"}) != values.canonical(1)


def test_nan_keeps_sign_and_payload():
    payload = struct.unpack(">d", bytes.fromhex("fff8000000000001"))[0]
    e = mvadapter.encode(payload, {})
    assert e == {"float": "nan", "bits": "fff8000000000001"}
    assert values.canonical(e) != values.canonical(values.encode(math.nan))
    assert values.canonical(e) == values.canonical(dict(e))


def test_bool_is_not_int():
    assert values.canonical(True) != values.canonical(1)
    assert values.canonical(False) != values.canonical(0)


def test_tuple_is_not_list():
    assert values.canonical({"tuple": [1]}) != values.canonical([1])


@pytest.mark.parametrize("bad", [{}, {"nonsense": 1}, {"int": "x"}, {"bytes": "zz"},
                                 {"float": "abc"}, 1.5])
def test_malformed_values_are_reported(bad):
    with pytest.raises(values.ValueFormatError):
        values.canonical(bad)


@pytest.mark.parametrize("v, text", [
    (b"Hi", "b'Hi'"), ({"tuple": [1]}, "(1,)"), ({"slice": [None, 5, None]}, "slice(None, 5, None)"),
    ({"ellipsis": True}, "..."), ({"float": "-inf"}, "float('-inf')"), ({"ref": "m"}, "m"),
])
def test_values_render_as_python_source(v, text):
    assert values.source(values.encode(v) if isinstance(v, bytes) else v) == text


def test_a_garbled_value_from_an_implementation_still_renders():
    from harness import report
    bad = {"value": {"bytes": "not hex"}}
    with pytest.raises(values.ValueFormatError):
        values.source(bad["value"])
    assert "not hex" in report.outcome_text(bad)


# ------------------------------------------- values of other Python types ---

OBJECTS = [   # (encoded, what the adapter makes, the source a reproducer shows)
    ({"complex": [{"float": "2.5"}, 3]}, 2.5 + 3j, "complex(2.5, 3)"),
    ({"decimal": "-21.1"}, "Decimal('-21.1')", "decimal.Decimal('-21.1')"),
    ({"fraction": "6/4"}, "Fraction(3, 2)", "fractions.Fraction('6/4')"),
    ({"dict": [[1, "a"], [None, 2]]}, {1: "a", None: 2}, "{1: 'a', None: 2}"),
    ({"set": [1, 2]}, {1, 2}, "{1, 2}"),
    ({"set": []}, set(), "set()"),
    ({"frozenset": [3]}, frozenset({3}), "frozenset([3])"),
]


@pytest.mark.parametrize("encoded, expected, text", OBJECTS)
def test_the_adapter_makes_each_python_object_a_case_describes(encoded, expected, text):
    got = mvadapter.decode(encoded, {})
    assert (repr(got) if isinstance(expected, str) else got) == expected
    # a result of such a type has no encoding: it is named, or is a ref
    assert mvadapter.encode(got, {}) == {"object": type(got).__name__}
    assert mvadapter.encode(got, {"e": got}) == {"ref": "e"}


@pytest.mark.parametrize("encoded, expected, text", OBJECTS)
def test_python_objects_render_as_python_source(encoded, expected, text):
    assert values.source(encoded) == text


def test_new_objects_are_new_each_time_and_of_their_type():
    a, b = (mvadapter.decode({"new": "object"}, {}) for _ in range(2))
    assert a is not b and type(a) is object
    assert type(mvadapter.decode({"new": "function"}, {})).__name__ == "function"
    assert values.source({"new": "function"}) == "(lambda: None)"
    with pytest.raises(values.ValueFormatError):
        values.source({"new": "class"})


def test_a_described_class_runs_its_steps_then_returns_or_raises_and_counts_calls():
    """protocol.md section 5.1: an object's method is data, interpreted."""
    env = {"x": bytearray(b"ab")}
    spec = {"kind": "object", "class": "Idx",
            "methods": {"__index__": {"steps": [{"op": "call", "obj": "x", "method": "clear"}],
                                      "returns": 1},
                        "__float__": {"raises": {"type": "UnicodeError", "message": "no"}}}}
    obj = mvadapter.build_object(spec, env)
    assert type(obj).__name__ == "Idx"
    assert [0, 1][obj] == 1 and env["x"] == bytearray()
    with pytest.raises(UnicodeError, match="no"):
        float(obj)
    step = {"op": "calls", "obj": "k", "method": "__index__"}
    assert mvadapter.op_calls(step, {"k": obj}) == 1
    assert mvadapter.op_calls(dict(step, method="__len__"), {"k": obj}) == 0


def test_a_method_may_bind_no_name_nor_raise_outside_the_closed_set():
    bad = [{"__index__": {"steps": [{"op": "len", "obj": "x", "as": "n"}], "returns": 1}},
           {"__index__": {"raises": {"type": "SystemExit", "message": "x"}}}]
    for methods in bad:
        obj = mvadapter.build_object({"class": "C", "methods": methods}, {"x": b"ab"})
        with pytest.raises(mvadapter.Unsupported):
            [0, 1][obj]
    with pytest.raises(mvadapter.Unsupported):
        mvadapter.build_object({"class": "C", "methods": {"__call__": {"returns": 1}}}, {})
