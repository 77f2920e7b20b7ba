"""Typed values of the protocol (spec/protocol.md section 3).

Three jobs: turn an encoded value into a canonical, hashable form so that two
encodings of the same value compare equal (`canonical`); turn one into Python
source for reproducers (`source`); and encode plain Python values written in
templates (`encode`).
"""

from __future__ import annotations

import math
import struct
from typing import Any

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1


class ValueFormatError(ValueError):
    """An encoded value does not follow spec/protocol.md section 3."""


def float_bits(x: float) -> int:
    return struct.unpack(">Q", struct.pack(">d", x))[0]


def float_from_bits(bits: int) -> float:
    return struct.unpack(">d", struct.pack(">Q", bits))[0]


def decode_float(j: dict) -> float:
    if "bits" in j:
        return float_from_bits(int(j["bits"], 16))
    try:
        return float(j["float"])
    except (TypeError, ValueError):
        raise ValueFormatError(f"bad float encoding: {j!r}") from None


def canonical(j: Any) -> Any:
    """A hashable form in which equal values, and only those, are equal.

    Floats compare by their 64 bits, so -0.0 differs from 0.0 and a NaN equals
    a NaN with the same bits; bool never equals int.
    """
    if j is None or isinstance(j, bool):
        return ("const", j)
    if isinstance(j, int):
        return ("int", j)
    if isinstance(j, str):
        return ("str", j)
    if isinstance(j, list):
        return ("list", tuple(canonical(x) for x in j))
    if not isinstance(j, dict) or len(j) == 0:
        raise ValueFormatError(f"not a protocol value: {j!r}")
    if "int" in j:
        try:
            return ("int", int(j["int"]))
        except (TypeError, ValueError):
            raise ValueFormatError(f"bad int encoding: {j!r}") from None
    if "float" in j:
        return ("float", float_bits(decode_float(j)))
    if "bytes" in j:
        try:
            return ("bytes", bytes.fromhex(j["bytes"]))
        except (TypeError, ValueError):
            raise ValueFormatError(f"bad bytes encoding: {j!r}") from None
    if "tuple" in j:
        return ("tuple", tuple(canonical(x) for x in j["tuple"]))
    if "slice" in j:
        return ("slice", tuple(canonical(x) for x in j["slice"]))
    if "ellipsis" in j:
        return ("ellipsis",)
    if "ref" in j:
        return ("ref", j["ref"])
    if "object" in j:
        return ("object", j["object"])
    raise ValueFormatError(f"not a protocol value: {j!r}")


def source(j: Any) -> str:
    """Python source that evaluates to the encoded value (for reproducers)."""
    if j is None or isinstance(j, (bool, int, str)):
        return repr(j)
    if isinstance(j, list):
        return "[" + ", ".join(source(x) for x in j) + "]"
    if "int" in j:
        return str(j["int"])
    if "float" in j:
        x = decode_float(j)
        if math.isnan(x):
            return f"struct.unpack('>d', bytes.fromhex({j.get('bits', '7ff8000000000000')!r}))[0]"
        if math.isinf(x):
            return "float('inf')" if x > 0 else "float('-inf')"
        return repr(x)
    if "bytes" in j:
        try:
            return repr(bytes.fromhex(j["bytes"]))
        except (TypeError, ValueError):
            raise ValueFormatError(f"bad bytes encoding: {j!r}") from None
    if "tuple" in j:
        items = [source(x) for x in j["tuple"]]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if "slice" in j:
        return "slice(" + ", ".join(source(x) for x in j["slice"]) + ")"
    if "ellipsis" in j:
        return "..."
    if "ref" in j:
        return j["ref"]
    if "object" in j:
        return f"<{j['object']} object>"
    if j.keys() & PYTHON_OBJECTS.keys():
        return _object_source(j)
    raise ValueFormatError(f"not a protocol value: {j!r}")


# The values of other Python types (protocol.md section 3): how each reads
# as Python source.
PYTHON_OBJECTS = {
    "complex": lambda x: f"complex({source(x[0])}, {source(x[1])})",
    "decimal": lambda x: f"decimal.Decimal({x!r})",
    "fraction": lambda x: f"fractions.Fraction({x!r})",
    "dict": lambda x: "{" + ", ".join(f"{source(k)}: {source(v)}" for k, v in x) + "}",
    "set": lambda x: "{" + ", ".join(source(i) for i in x) + "}" if x else "set()",
    "frozenset": lambda x: f"frozenset([{', '.join(source(i) for i in x)}])",
    "new": lambda x: {"object": "object()", "function": "(lambda: None)"}[x],
}


def _object_source(j: dict) -> str:
    (key,) = j.keys() & PYTHON_OBJECTS.keys()
    try:
        return PYTHON_OBJECTS[key](j[key])
    except (KeyError, TypeError, ValueError, IndexError):
        raise ValueFormatError(f"not a protocol value: {j!r}") from None


def encode(v: Any) -> Any:
    """Encode a plain Python value (from a template) as protocol.md says."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v if INT64_MIN <= v <= INT64_MAX else {"int": str(v)}
    if isinstance(v, float):
        if math.isnan(v):
            return {"float": "nan", "bits": f"{float_bits(v):016x}"}
        return {"float": repr(v)}
    if isinstance(v, (bytes, bytearray)):
        return {"bytes": bytes(v).hex()}
    if isinstance(v, list):
        return [encode(x) for x in v]
    if isinstance(v, tuple):
        return {"tuple": [encode(x) for x in v]}
    if isinstance(v, slice):
        return {"slice": [encode(v.start), encode(v.stop), encode(v.step)]}
    if v is Ellipsis:
        return {"ellipsis": True}
    raise TypeError(f"no protocol encoding for {type(v).__name__}")
