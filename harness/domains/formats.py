"""Chapter 3, formats: every native struct code, the boundaries of its C
type, and the values of other types that packing must refuse or convert.
This is where the volume of the suite is."""

from __future__ import annotations

import random
from typing import Any

from .core import Labelled, int_label, lab, scale
from .natives import (ARRAY_TYPECODES, FLOAT_CODES, INT_CODES, NATIVE_CODES, NUMPY_DTYPES,
                      SIGNED_CODES, FIXED_ITEMSIZE, code_of, sizes)


def int_limits(code: str) -> list[int]:
    """Both ends of every size the code may have, and one beyond each:
    for k bytes, -2**(8k-1)-1, -2**(8k-1), 2**(8k-1)-1, 2**(8k-1),
    2**(8k)-1, 2**(8k); signed and unsigned share the list."""
    vals = {-1, 0, 1}
    for k in sizes(code):
        bits = 8 * k
        vals |= {-(1 << (bits - 1)) - 1, -(1 << (bits - 1)), (1 << (bits - 1)) - 1,
                 1 << (bits - 1), (1 << bits) - 1, 1 << bits}
    vals |= {1 << 64, -(1 << 64), 1 << 100, -(1 << 100)}
    return sorted(vals)


# Values of other types than int: each format refuses or converts them.
OTHER_TYPES = [True, False, 0.0, 1.0, -1.5, float("nan"), float("inf"),
               "a", "", b"a", b"", None, [], [1], ()]


def pack_int_values(decl: dict) -> list[Labelled]:
    """FORMAT-009/010/011: every limit of the code's C type, and other types."""
    code = code_of(decl)
    return [lab(v) for v in int_limits(code)] + [lab(v) for v in OTHER_TYPES]


# Floats worth packing: exact, rounded, at and beyond each format's finite
# range, subnormal and underflowing, signed zeros, infinities and NaNs.
FLOAT_PROBES = [
    0.0, -0.0, 1.0, -1.5, 0.1, 1 / 3,
    65504.0, 65519.0, 65519.99, 65520.0, -65520.0,          # 'e' max and overflow
    2.0 ** -14, 2.0 ** -24, 2.0 ** -25, 2.0 ** -25 * 1.5,  # 'e' normal/subnormal/ties
    3.4028234663852886e+38, 3.4028235677973366e+38, 3.5e+38, -3.5e+38,   # 'f' max, tie, beyond
    1.401298464324817e-45, 7e-46, 1e-46,                     # 'f' subnormal and underflow
    1.7976931348623157e+308, 5e-324,                         # 'd' max and min subnormal
    float("inf"), float("-inf"), float("nan"), float("-nan"),
]
FLOAT_INT_PROBES = [0, 1, -1, (1 << 24) + 1, (1 << 53) + 1, 1 << 64, 1 << 1023,
                    1 << 1024, -(1 << 1024), True, False]
FLOAT_OTHER_TYPES = ["a", b"a", None, [], [1.0]]


def random_pack_ints(decl: dict) -> list[Labelled]:
    """Seeded random ints, 5 * scale() of them and the same on every run: most
    inside a range the code may have, the rest just outside it."""
    code = code_of(decl)
    rng = random.Random("pack-" + code)
    out: set[int] = set()
    while len(out) < 5 * scale():
        bits = 8 * rng.choice(sizes(code))
        lo = -(1 << (bits - 1)) if code in SIGNED_CODES else 0
        hi = (1 << (bits - 1)) - 1 if code in SIGNED_CODES else (1 << bits) - 1
        if rng.random() < 0.7:
            out.add(rng.randint(lo, hi))
        else:
            beyond = rng.randint(1, 1 << rng.randint(1, bits))
            out.add(hi + beyond if rng.random() < 0.5 else lo - beyond)
    return [Labelled(int_label(v), v) for v in sorted(out)]


def pack_float_values(decl: dict) -> list[Labelled]:
    """FORMAT-014/015/016: floats and ints into f, d and e."""
    return ([lab(v) for v in FLOAT_PROBES] + [lab(v) for v in FLOAT_INT_PROBES]
            + [lab(v) for v in FLOAT_OTHER_TYPES])


def pack_bool_values() -> list[Labelled]:
    """FORMAT-012: '?' stores the truth value of anything."""
    vals = [True, False, 0, 1, -1, 2, 256, 1 << 64, -(1 << 100), 0.0, -0.0, 0.5,
            float("nan"), "", "a", b"", b"\x00", [], [0], (), (0,), None]
    return [lab(v) for v in vals]


def pack_char_values() -> list[Labelled]:
    """FORMAT-013: 'c' takes a bytes object of length 1 and nothing else."""
    vals = [b"a", b"\x00", b"\xff", b"", b"ab", b"\x00\x00", "a", "", 97, 0, True,
            None, 1.0, [b"a"], (b"a",)]
    return [lab(v) for v in vals]


def _ndarray(code: str, items: list, **extra: Any) -> dict:
    decl = {"kind": "ndarray", "format": code, "items": items, "shape": [len(items)],
            "readonly": False}
    decl.update(extra)
    return decl


def _sentinel(code: str) -> Any:
    """A recognisable item that every exporter of the code can hold."""
    return {"?": False, "c": b"x"}.get(code, 0.5 if code in FLOAT_CODES else 7)


def exporters_of(code: str, items: list, arrays: bool, numpy: bool, suffix: str = "",
                 **extra: Any) -> list[Labelled]:
    """Exporters of one native code holding `items`: an ndarray of the code,
    one of '@' and the code, and (if asked and they have the code) an
    array.array and a NumPy array; `extra` goes to the ndarrays."""
    out = [Labelled(f"ndarray-{code}{suffix}", _ndarray(code, items, **extra)),
           Labelled(f"ndarray-@{code}{suffix}", _ndarray("@" + code, items, **extra))]
    if arrays and code in ARRAY_TYPECODES:
        out.append(Labelled(f"array-{code}{suffix}", {"kind": "array", "typecode": code,
                                                      "items": items}))
    if numpy and code in NUMPY_DTYPES:
        dt = NUMPY_DTYPES[code]
        out.append(Labelled(f"numpy-{dt}{suffix}", {"kind": "numpy", "dtype": dt,
                                                    "items": items, "shape": [len(items)]}))
    return out


def _pack_exporters(codes: str, arrays: bool, numpy: bool) -> list[Labelled]:
    """Writable two-item exporters of each code, to pack values into."""
    out = []
    for code in codes:
        s = _sentinel(code)
        out += exporters_of(code, [s, s], arrays, numpy)
    return out


def native_exporters() -> list[Labelled]:
    """A writable two-item ndarray of every native code, alone and after '@'."""
    return _pack_exporters(NATIVE_CODES, False, False)


def strided_exporters() -> list[Labelled]:
    """A writable five-item ndarray of every native code, to be written
    through a reversed, strided slice: addresses move by whole items."""
    out = []
    for code in NATIVE_CODES:
        out += exporters_of(code, [_sentinel(code)] * 5, False, False)
    return out


def valid_values(decl: dict) -> list[Labelled]:
    """Every value of the code's range worth storing (see format_values)."""
    return [lab(v) for v in format_values(code_of(decl))]


def pack_int_exporters() -> list[Labelled]:
    return _pack_exporters(INT_CODES, True, True)


def pack_pointer_exporters() -> list[Labelled]:
    return _pack_exporters("P", False, False)


def pack_float_exporters() -> list[Labelled]:
    return _pack_exporters("fd", True, True)


def pack_half_exporters() -> list[Labelled]:
    return _pack_exporters("e", False, True)


def pack_bool_exporters() -> list[Labelled]:
    return _pack_exporters("?", False, True)


def pack_char_exporters() -> list[Labelled]:
    return _pack_exporters("c", False, False)


def format_values(code: str) -> list[Any]:
    """Items struct can pack for the code (setup builds them), covering the
    code's range: its limits, and the values around zero."""
    if code == "?":
        return [False, True]
    if code == "c":
        return [b"\x00", b"a", b"\xff"]
    if code in FLOAT_CODES:
        vals = [0.0, -0.0, 1.0, -2.5, float("inf"), float("-inf"), float("nan"),
                float("-nan"), 65504.0, 2.0 ** -24, 2.0 ** -14]
        if code in "fd":
            vals += [3.4028234663852886e+38, 1.401298464324817e-45, 0.1]
        if code == "d":
            vals += [1.7976931348623157e+308, 5e-324, 1 / 3]
        return vals
    vals = {0, 1}
    for k in sizes(code):
        bits = 8 * k
        if code in SIGNED_CODES:
            vals |= {-1, -(1 << (bits - 1)), (1 << (bits - 1)) - 1}
        else:
            vals |= {(1 << (bits - 1)) - 1, 1 << (bits - 1), (1 << bits) - 1}
    return sorted(vals)


def unpack_exporters() -> list[Labelled]:
    """One exporter per native code, kind and value: FORMAT-003..008."""
    out = []
    for code in NATIVE_CODES:
        for v in format_values(code):
            out += exporters_of(code, [v], True, True, "-" + lab(v).label, readonly=True)
    return out


# Raw memory read through a cast: the bytes of one item, in memory order,
# for each code.  NaN patterns are quiet ones: converting a signalling NaN
# between float widths may quiet it differently on other hardware.
RAW_PATTERNS = {
    1: ["00", "01", "7f", "80", "ff"],
    2: ["0000", "0100", "ff7f", "0080", "ffff", "0001"],
    4: ["00000000", "01000000", "ffffff7f", "00000080", "ffffffff", "78563412"],
    8: ["0000000000000000", "0100000000000000", "ffffffffffffff7f",
        "0000000000000080", "ffffffffffffffff", "efcdab8967452301"],
}
RAW_FLOAT_PATTERNS = {
    "e": ["0000", "0080", "0100", "ff03", "0004", "003c", "013c", "ff7b", "00bc",
          "007c", "00fc", "007e", "00fe", "017c", "ff7f"],
    "f": ["00000000", "00000080", "01000000", "ffff7f00", "0000803f", "0100803f",
          "ffff7f7f", "0000807f", "000080ff", "0000c07f", "0000c0ff", "0100c07f",
          "cdcccc3d"],
    "d": ["0000000000000000", "0000000000000080", "0100000000000000",
          "000000000000f03f", "ffffffffffffef7f", "000000000000f07f",
          "000000000000f0ff", "000000000000f87f", "000000000000f8ff",
          "010000000000f87f", "010000000000f07f", "9a9999999999b93f"],
}


def raw_patterns(code: str) -> list[Labelled]:
    """Bytes exporters holding one item of the code, in memory order, to be
    read through a cast: FORMAT-003..008.  '?' gets only 0 and 1 (other bytes
    are undefined)."""
    if code in RAW_FLOAT_PATTERNS:
        pats = RAW_FLOAT_PATTERNS[code]
    elif code == "?":
        pats = ["00", "01"]
    elif code == "c":
        pats = ["00", "61", "ff"]
    else:
        pats = RAW_PATTERNS[FIXED_ITEMSIZE.get(code, 8)]
    return [Labelled(p, {"kind": "bytes", "data": bytes.fromhex(p)}) for p in pats]


TEMPLATE_DOMAINS = (
    pack_int_values, pack_float_values, random_pack_ints, pack_bool_values, pack_char_values,
    native_exporters, strided_exporters, valid_values,
    pack_int_exporters, pack_pointer_exporters, pack_float_exporters, pack_half_exporters,
    pack_bool_exporters, pack_char_exporters, unpack_exporters, raw_patterns,
)
