"""Typed values of the protocol (spec/protocol.md section 3).

Four jobs: turn an encoded value into a canonical, hashable form so that two
encodings of the same value compare equal (`canonical`); turn one into Python
source for reproducers (`source`); encode plain Python values written in
templates (`encode`); and write the ints a double cannot hold as text for the
wire (`wire`). Values reach these functions checked against the schema
(harness/schema.py); they still fail only with ValueFormatError, whatever
they are given.

`printable` is how any text from outside -- an adapter's message, its
stderr, a name -- is shown on a terminal or a page: control characters,
Unicode format characters and line separators as escapes.
"""

from __future__ import annotations

import keyword
import math
import re
import struct
import unicodedata
from typing import Any

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
SAFE_INT = (1 << 53) - 1     # the largest int a double holds with all below it


class ValueFormatError(ValueError):
    """An encoded value does not follow spec/protocol.md section 3."""


def float_bits(x: float) -> int:
    return struct.unpack(">Q", struct.pack(">d", x))[0]


def float_from_bits(bits: int) -> float:
    return struct.unpack(">d", struct.pack(">Q", bits))[0]


def decode_float(j: dict) -> float:
    try:
        if "bits" in j:
            bits = j["bits"]
            if not (isinstance(bits, str) and re.fullmatch("[0-9a-f]{16}", bits)):
                raise ValueError("bits must be 16 lowercase hex digits")
            return float_from_bits(int(bits, 16))
        if not isinstance(j["float"], str):
            raise TypeError("float is text")
        return float(j["float"])
    except (KeyError, TypeError, ValueError) as e:
        raise ValueFormatError(f"bad float encoding ({e}): {str(j)[:200]}") from None


def canonical(j: Any) -> Any:
    """A hashable form in which equal values, and only those, are equal.

    Floats compare by their 64 bits, so -0.0 differs from 0.0 and a NaN equals
    a NaN with the same bits; bool never equals int.
    """
    try:
        return _canonical(j)
    except ValueFormatError:
        raise
    except (KeyError, TypeError, ValueError, OverflowError, struct.error, RecursionError) as e:
        raise ValueFormatError(f"not a protocol value ({e}): {str(j)[:200]}") from None


def _canonical(j: Any) -> Any:
    if j is None or isinstance(j, bool):
        return ("const", j)
    if isinstance(j, int):
        return ("int", j)
    if isinstance(j, str):
        return ("str", j)
    if isinstance(j, list):
        return ("list", tuple(_canonical(x) for x in j))
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
        return ("tuple", tuple(_canonical(x) for x in j["tuple"]))
    if "slice" in j:
        return ("slice", tuple(_canonical(x) for x in j["slice"]))
    if "ellipsis" in j:
        return ("ellipsis",)
    if "ref" in j:
        return ("ref", j["ref"])
    if "object" in j:
        return ("object", j["object"])
    if "complex" in j:
        re_, im = j["complex"]
        return ("complex", _canonical(re_), _canonical(im))
    if "decimal" in j or "fraction" in j or "new" in j:
        (key,) = j.keys()
        return (key, str(j[key]))
    if "dict" in j:
        return ("dict", tuple((_canonical(k), _canonical(v)) for k, v in j["dict"]))
    if "set" in j or "frozenset" in j:
        (key,) = j.keys()
        return (key, tuple(_canonical(x) for x in j[key]))
    raise ValueFormatError(f"not a protocol value: {j!r}")


def source(j: Any) -> str:
    """Python source that evaluates to the encoded value (for reproducers).

    Every piece is written by repr of a value decoded here, never copied
    from the encoding, so no text in a value can become code.
    """
    try:
        return _source(j)
    except ValueFormatError:
        raise
    except (KeyError, TypeError, ValueError, OverflowError, struct.error, RecursionError) as e:
        raise ValueFormatError(f"not a protocol value ({e}): {str(j)[:200]}") from None


def _source(j: Any) -> str:
    if j is None or isinstance(j, (bool, int, str)):
        return repr(j)
    if isinstance(j, list):
        return "[" + ", ".join(_source(x) for x in j) + "]"
    if not isinstance(j, dict):
        raise ValueFormatError(f"not a protocol value: {str(j)[:200]}")
    if "int" in j:
        return repr(canonical(j)[1])
    if "float" in j:
        x = decode_float(j)
        if math.isnan(x):
            return f"struct.unpack('>d', bytes.fromhex({format(float_bits(x), '016x')!r}))[0]"
        if math.isinf(x):
            return "float('inf')" if x > 0 else "float('-inf')"
        return repr(x)
    if "bytes" in j:
        try:
            return repr(bytes.fromhex(j["bytes"]))
        except (TypeError, ValueError):
            raise ValueFormatError(f"bad bytes encoding: {j!r}") from None
    if "tuple" in j:
        items = [_source(x) for x in j["tuple"]]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if "slice" in j:
        if len(j["slice"]) != 3:
            raise ValueFormatError(f"a slice has three parts: {str(j)[:200]}")
        return "slice(" + ", ".join(_source(x) for x in j["slice"]) + ")"
    if "ellipsis" in j:
        return "..."
    if "ref" in j:
        return name_source(j["ref"])
    if "object" in j:
        # An object with no encoding: not Python on purpose (a line holding
        # it is a syntax error when pasted), and on one line, whatever the name.
        return f"<{printable(str(j['object']))} object>"
    if j.keys() & PYTHON_OBJECTS.keys():
        (key,) = j.keys() & PYTHON_OBJECTS.keys()   # one: else a ValueError
        return PYTHON_OBJECTS[key](j[key])
    raise ValueFormatError(f"not a protocol value: {str(j)[:200]}")


def is_name(text: Any) -> bool:
    return isinstance(text, str) and text.isidentifier() and not keyword.iskeyword(text) \
        and text.isascii()


def name_source(name: Any) -> str:
    """A bound name as source: itself if it is an identifier, else a
    lookup that cannot be anything but a lookup."""
    if is_name(name):
        return name
    return f"globals()[{str(name)!r}]"


def wire(j: Any) -> Any:
    """The encoded value with every int beyond what a double holds exactly
    (|i| > 2**53 - 1) as {"int": "..."}: JavaScript's JSON.parse, and any
    reader that keeps numbers as doubles, would round it."""
    if isinstance(j, bool) or j is None or isinstance(j, str):
        return j
    if isinstance(j, int):
        return j if -SAFE_INT <= j <= SAFE_INT else {"int": str(j)}
    if isinstance(j, list):
        return [wire(x) for x in j]
    if isinstance(j, dict) and len(j) == 1 and next(iter(j)) in _SEQUENCES:
        ((key, items),) = j.items()
        if key == "dict":
            return {key: [wire(pair) for pair in items]}
        return {key: wire(items)}
    return j


# The encodings that hold values in a list, which wire() goes into.
_SEQUENCES = ("tuple", "slice", "complex", "dict", "set", "frozenset")


# Characters shown as escapes: C0 and C1 controls (ESC starts a terminal
# escape sequence, CR rewrites a line), DEL, Unicode format characters (the
# bidirectional overrides), line and paragraph separators, lone surrogates
# and unassigned or private code points.
_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_VISIBLE = re.compile(r"[\x20-\x7e]*")


def printable(text: str, keep: str = "\t") -> str:
    """`text` with every character a terminal or a reader would not show as
    itself written as its Python escape (\\x1b, \\u2028); `keep` lists
    characters left alone (a tab by default; "\\n" to keep lines)."""
    if _VISIBLE.fullmatch(text):
        return text
    out = []
    for ch in text:
        if ch in keep or unicodedata.category(ch) not in _HIDDEN:
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii")
                       if ord(ch) < 0xd800 or ord(ch) > 0xdfff else f"\\u{ord(ch):04x}")
    return "".join(out)


# The values of other Python types (protocol.md section 3) as Python source:
# texts by their repr, parts by _source, a new object by a fixed text.
PYTHON_OBJECTS = {
    "complex": lambda x: f"complex({_source(x[0])}, {_source(x[1])})",
    "decimal": lambda x: f"decimal.Decimal({str(x)!r})",
    "fraction": lambda x: f"fractions.Fraction({str(x)!r})",
    "dict": lambda x: "{" + ", ".join(f"{_source(k)}: {_source(v)}" for k, v in x) + "}",
    "set": lambda x: "{" + ", ".join(_source(i) for i in x) + "}" if x else "set()",
    "frozenset": lambda x: f"frozenset([{', '.join(_source(i) for i in x)}])",
    "new": lambda x: {"object": "object()", "function": "(lambda: None)"}[x],
}


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
