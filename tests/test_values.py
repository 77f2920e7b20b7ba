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
