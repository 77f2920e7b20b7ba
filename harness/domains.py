"""Named parameter domains that templates use as ``@name(args)``.

A domain is a plain function from already-bound parameters (exporter
declarations or values) to a list of Python values.  They hold the boundary
knowledge that would be tedious to spell out in every template: the indexes
around the ends of a dimension, the limits of a Py_ssize_t, and so on.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Callable, Iterator

_profile = "default"


@contextlib.contextmanager
def profile(name: str) -> Iterator[None]:
    """Generate under a profile ("default" or "full") for the duration."""
    global _profile
    saved, _profile = _profile, name
    try:
        yield
    finally:
        _profile = saved


def scale() -> int:
    """How much bigger random and sampled domains are in the current profile."""
    return 10 if _profile == "full" else 1


@dataclass(frozen=True)
class Labelled:
    """A domain value with its own label for case ids: an exporter
    declaration (a dict with `kind`) or a whole step."""
    label: str
    value: Any

# Keys that are ints but no index can be: they overflow a Py_ssize_t.
HUGE_INTS = [1 << 63, -(1 << 63) - 1, 1 << 64, -(1 << 64)]


def first_dimension(decl: dict) -> int:
    """Length of the first dimension of an exporter declaration."""
    if "shape" in decl:
        return decl["shape"][0] if decl["shape"] else 0
    if decl.get("kind") in ("bytes", "bytearray"):
        return len(bytes.fromhex(decl["data"]["bytes"]))
    if decl.get("kind") == "array":
        return len(decl["items"])
    raise ValueError(f"cannot tell the length of {decl!r}")


def index_boundaries(decl: dict) -> list[int]:
    """Every index that sits on or just beyond an end: -n-1, -n, -1, 0, n-1, n."""
    n = first_dimension(decl)
    return sorted({-n - 1, -n, -1, 0, n - 1, n, n // 2})


def huge_ints() -> list[int]:
    return list(HUGE_INTS)


def slice_bounds(decl: dict) -> list[Any]:
    """Slice bounds worth trying for a dimension of length n: None, the ends,
    one beyond, far beyond, and the overflowing ones (which clamp)."""
    n = first_dimension(decl)
    return [None] + sorted({-n - 1, -n, -1, 0, 1, n - 1, n, n + 1}) + [1 << 63, -(1 << 63) - 1]


def slice_steps() -> list[Any]:
    return [None, 1, 2, 3, -1, -2, -3, 1 << 63, -(1 << 63) - 1]


def slices(decl: dict) -> list[slice]:
    """All slices over slice_bounds x slice_bounds x slice_steps."""
    bounds = slice_bounds(decl)
    return [slice(a, b, c) for a in bounds for b in bounds for c in slice_steps()]


DOMAINS: dict[str, Callable[..., list[Any]]] = {
    "index_boundaries": index_boundaries,
    "huge_ints": huge_ints,
    "slice_bounds": slice_bounds,
    "slice_steps": slice_steps,
    "slices": slices,
}


# ------------------------------------------------------------------------
# Chapters 1, 2, 3, 14 and 15: construction, attributes and contiguity,
# formats, sequence behaviour, the object.  Formats are where the volume is:
# every native struct code, the boundaries of its C type, and the values
# of other types that packing must refuse.
# ------------------------------------------------------------------------

# Native single-character codes memoryview reads and writes (FORMAT-001);
# 'e' only from CPython 3.12.
INT_CODES = "bBhHiIlLqQnN"
FLOAT_CODES = "fde"
SIGNED_CODES = "bhilqn"
# Sizes that do not depend on the platform; l L n N P do (4 or 8 bytes), so
# the domains probe the boundaries of both.
FIXED_SIZES = {"b": 1, "B": 1, "h": 2, "H": 2, "i": 4, "I": 4, "q": 8, "Q": 8,
               "?": 1, "c": 1, "e": 2, "f": 4, "d": 8}
NATIVE_SIZES = (4, 8)

# array.array typecodes and the numpy dtypes whose format is a native code.
ARRAY_TYPECODES = "bBhHiIlLqQfd"
NUMPY_INT_DTYPES = {"b": "int8", "B": "uint8", "h": "int16", "H": "uint16",
                    "i": "int32", "I": "uint32", "l": "int64", "L": "uint64",
                    "q": "longlong", "Q": "ulonglong"}
NUMPY_FLOAT_DTYPES = {"e": "float16", "f": "float32", "d": "float64"}


def _int_label(v: int) -> str:
    """2**63-1 rather than 9223372036854775807: readable, stable case ids."""
    if -1024 <= v <= 1024:
        return str(v)
    a = abs(v)
    for k in range(10, 1100):
        for c in (-1, 0, 1):
            if a == (1 << k) + c:
                if v < 0:                        # v = -2**k - c
                    return f"-2**{k}" + ("" if c == 0 else f"{-c:+d}")
                return f"2**{k}" + ("" if c == 0 else f"{c:+d}")
    return str(v)


def _float_label(x: float) -> str:
    if x != x:
        import math
        return "-nan" if math.copysign(1.0, x) < 0 else "nan"
    return repr(x)


def _lab(v: Any, label: str | None = None) -> Labelled:
    if label is None:
        if isinstance(v, bool):
            label = repr(v)
        elif isinstance(v, int):
            label = _int_label(v)
        elif isinstance(v, float):
            label = _float_label(v)
        elif isinstance(v, (bytes, str)):
            label = repr(v)
        else:
            label = repr(v).replace(" ", "")
    return Labelled(label, v)


def _code_of(decl: dict) -> str:
    """The native code an exporter declaration's items have."""
    kind = decl.get("kind")
    if kind == "ndarray":
        return decl["format"].lstrip("@")
    if kind == "array":
        return decl["typecode"]
    if kind == "numpy":
        for table in (NUMPY_INT_DTYPES, NUMPY_FLOAT_DTYPES):
            for code, dtype in table.items():
                if dtype == decl["dtype"]:
                    return code
        return {"bool": "?", "int64": "l", "uint64": "L"}[decl["dtype"]]
    if kind in ("bytes", "bytearray"):
        return "B"
    raise ValueError(f"no native code for {decl!r}")


def _sizes(code: str) -> tuple[int, ...]:
    return (FIXED_SIZES[code],) if code in FIXED_SIZES else NATIVE_SIZES


def int_limits(code: str) -> list[int]:
    """Both ends of every size the code may have, and one beyond each:
    for k bytes, -2**(8k-1)-1, -2**(8k-1), 2**(8k-1)-1, 2**(8k-1),
    2**(8k)-1, 2**(8k); signed and unsigned share the list."""
    vals = {-1, 0, 1}
    for k in _sizes(code):
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
    code = _code_of(decl)
    return [_lab(v) for v in int_limits(code)] + [_lab(v) for v in OTHER_TYPES]


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
    import random
    code = _code_of(decl)
    rng = random.Random("pack-" + code)
    out: set[int] = set()
    while len(out) < 5 * scale():
        bits = 8 * rng.choice(_sizes(code))
        lo = -(1 << (bits - 1)) if code in SIGNED_CODES else 0
        hi = (1 << (bits - 1)) - 1 if code in SIGNED_CODES else (1 << bits) - 1
        if rng.random() < 0.7:
            out.add(rng.randint(lo, hi))
        else:
            beyond = rng.randint(1, 1 << rng.randint(1, bits))
            out.add(hi + beyond if rng.random() < 0.5 else lo - beyond)
    return [Labelled(_int_label(v), v) for v in sorted(out)]


def pack_float_values(decl: dict) -> list[Labelled]:
    """FORMAT-014/015/016: floats and ints into f, d and e."""
    return ([_lab(v) for v in FLOAT_PROBES] + [_lab(v) for v in FLOAT_INT_PROBES]
            + [_lab(v) for v in FLOAT_OTHER_TYPES])


def pack_bool_values() -> list[Labelled]:
    """FORMAT-012: '?' stores the truth value of anything."""
    vals = [True, False, 0, 1, -1, 2, 256, 1 << 64, -(1 << 100), 0.0, -0.0, 0.5,
            float("nan"), "", "a", b"", b"\x00", [], [0], (), (0,), None]
    return [_lab(v) for v in vals]


def pack_char_values() -> list[Labelled]:
    """FORMAT-013: 'c' takes a bytes object of length 1 and nothing else."""
    vals = [b"a", b"\x00", b"\xff", b"", b"ab", b"\x00\x00", "a", "", 97, 0, True,
            None, 1.0, [b"a"], (b"a",)]
    return [_lab(v) for v in vals]


def _ndarray(code: str, items: list, **extra: Any) -> dict:
    decl = {"kind": "ndarray", "format": code, "items": items, "shape": [len(items)],
            "readonly": False}
    decl.update(extra)
    return decl


def _sentinel(code: str) -> Any:
    """A recognisable item that every exporter of the code can hold."""
    return {"?": False, "c": b"x"}.get(code, 0.5 if code in FLOAT_CODES else 7)


def _pack_exporters(codes: str, arrays: bool, numpy_dtypes: dict) -> list[Labelled]:
    out = []
    for code in codes:
        s = _sentinel(code)
        out.append(Labelled(f"ndarray-{code}", _ndarray(code, [s, s])))
        out.append(Labelled(f"ndarray-@{code}", _ndarray("@" + code, [s, s])))
        if arrays and code in ARRAY_TYPECODES:
            out.append(Labelled(f"array-{code}", {"kind": "array", "typecode": code,
                                                   "items": [s, s]}))
        if code in numpy_dtypes:
            dt = numpy_dtypes[code]
            out.append(Labelled(f"numpy-{dt}", {"kind": "numpy", "dtype": dt,
                                                "items": [s, s], "shape": [2]}))
    return out


def native_exporters() -> list[Labelled]:
    """A writable two-item ndarray of every native code, alone and after '@'."""
    return _pack_exporters("?cbBhHiIlLqQnNfdeP", False, {})


def strided_exporters() -> list[Labelled]:
    """A writable five-item ndarray of every native code, to be written
    through a reversed, strided slice: addresses move by whole items."""
    out = []
    for code in "?cbBhHiIlLqQnNfdeP":
        s = _sentinel(code)
        out.append(Labelled(f"ndarray-{code}", _ndarray(code, [s] * 5)))
        out.append(Labelled(f"ndarray-@{code}", _ndarray("@" + code, [s] * 5)))
    return out


def valid_values(decl: dict) -> list[Labelled]:
    """Every value of the code's range worth storing (see _unpack_values)."""
    return [_lab(v) for v in _unpack_values(_code_of(decl))]


def pack_int_exporters() -> list[Labelled]:
    return _pack_exporters(INT_CODES, True, NUMPY_INT_DTYPES)


def pack_pointer_exporters() -> list[Labelled]:
    return _pack_exporters("P", False, {})


def pack_float_exporters() -> list[Labelled]:
    return _pack_exporters("fd", True, NUMPY_FLOAT_DTYPES)


def pack_half_exporters() -> list[Labelled]:
    return _pack_exporters("e", False, NUMPY_FLOAT_DTYPES)


def pack_bool_exporters() -> list[Labelled]:
    return _pack_exporters("?", False, {"?": "bool"})


def pack_char_exporters() -> list[Labelled]:
    return _pack_exporters("c", False, {})


def _unpack_values(code: str) -> list[Any]:
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
    for k in _sizes(code):
        bits = 8 * k
        if code in SIGNED_CODES:
            vals |= {-1, -(1 << (bits - 1)), (1 << (bits - 1)) - 1}
        else:
            vals |= {(1 << (bits - 1)) - 1, 1 << (bits - 1), (1 << bits) - 1}
    return sorted(vals)


def unpack_exporters() -> list[Labelled]:
    """One exporter per native code, kind and value: FORMAT-003..008."""
    out = []
    for code in "?cbBhHiIlLqQnNfdeP":
        for v in _unpack_values(code):
            vl = _lab(v).label
            out.append(Labelled(f"ndarray-{code}-{vl}", _ndarray(code, [v], readonly=True)))
            out.append(Labelled(f"ndarray-@{code}-{vl}", _ndarray("@" + code, [v], readonly=True)))
            if code in ARRAY_TYPECODES:
                out.append(Labelled(f"array-{code}-{vl}", {"kind": "array", "typecode": code,
                                                            "items": [v]}))
            dt = {**NUMPY_INT_DTYPES, **NUMPY_FLOAT_DTYPES, "?": "bool"}.get(code)
            if dt:
                out.append(Labelled(f"numpy-{dt}-{vl}", {"kind": "numpy", "dtype": dt,
                                                         "items": [v], "shape": [1]}))
    return out


def iteration_exporters() -> list[Labelled]:
    """One many-item exporter per native code and kind: SEQ-004."""
    out = []
    numpy_dtypes = {**NUMPY_INT_DTYPES, **NUMPY_FLOAT_DTYPES, "?": "bool"}
    for code in "?cbBhHiIlLqQnNfdeP":
        vals = _unpack_values(code)
        out.append(Labelled(f"ndarray-{code}", _ndarray(code, vals, readonly=True)))
        out.append(Labelled(f"ndarray-@{code}", _ndarray("@" + code, vals, readonly=True)))
        if code in ARRAY_TYPECODES:
            out.append(Labelled(f"array-{code}", {"kind": "array", "typecode": code, "items": vals}))
        if code in numpy_dtypes:
            dt = numpy_dtypes[code]
            out.append(Labelled(f"numpy-{dt}", {"kind": "numpy", "dtype": dt, "items": vals,
                                                "shape": [len(vals)]}))
    out.append(Labelled("bytes", {"kind": "bytes", "data": b"\x00a\xff"}))
    out.append(Labelled("bytearray", {"kind": "bytearray", "data": b"\x00a\xff"}))
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
        pats = RAW_PATTERNS[FIXED_SIZES.get(code, 8)]
    return [Labelled(p, {"kind": "bytes", "data": bytes.fromhex(p)}) for p in pats]


def native_codes(prefixed: int = 0) -> list[str]:
    """The native codes, or with prefixed=1 also each with '@'."""
    codes = list("?cbBhHiIlLqQnNfdeP")
    return codes + ["@" + c for c in codes] if prefixed else codes


# Layouts for attributes and contiguity (ATTR-*): ndarray can build any.
def _nd(items: Any, shape: list, fmt: str = "B", **extra: Any) -> dict:
    decl = {"kind": "ndarray", "format": fmt, "items": items, "shape": shape}
    decl.update(extra)
    return decl


def layouts() -> list[Labelled]:
    r = list(range(24))
    L = Labelled
    return [
        L("bytes6", {"kind": "bytes", "data": b"abcdef"}),
        L("bytes0", {"kind": "bytes", "data": b""}),
        L("bytearray6", {"kind": "bytearray", "data": b"abcdef"}),
        L("array-i3", {"kind": "array", "typecode": "i", "items": [1, 2, 3]}),
        L("array-d0", {"kind": "array", "typecode": "d", "items": []}),
        L("1d", _nd(r[:6], [6])),
        L("1d-h", _nd(r[:6], [6], "h")),
        L("1d-offset", _nd(r[:6], [3], offset=2)),
        L("1d-s2", _nd(r[:6], [3], strides=[2])),
        L("1d-h-s4", _nd(r[:6], [3], "h", strides=[4])),
        L("1d-neg", _nd(r[:6], [6], strides=[-1], offset=5)),
        L("1d-s0", _nd(r[:6], [6], strides=[0])),
        L("1d-len1-s5", _nd(r[:6], [1], strides=[5])),
        L("1d-len1-neg", _nd(r[:6], [1], strides=[-3], offset=5)),
        L("1d-len1-s0", _nd(r[:6], [1], strides=[0])),
        L("1d-len0", _nd([1], [0])),
        L("1d-len0-s5", _nd([1], [0], strides=[5])),
        L("1d-len0-neg", _nd([1], [0], strides=[-1])),
        L("1d-i-len0-s8", _nd([1], [0], "i", strides=[8])),
        L("0d", _nd(5, [], "i")),
        L("0d-d", _nd(1.5, [], "d")),
        L("2x3", _nd(r[:6], [2, 3])),
        L("2x3-F", _nd(r[:6], [2, 3], fortran=True)),
        L("2x3-i", _nd(r[:6], [2, 3], "i")),
        L("2x3-i-F", _nd(r[:6], [2, 3], "i", fortran=True)),
        L("2x3-neg", _nd(r[:6], [2, 3], strides=[-3, -1], offset=5)),
        L("2x3-s0", _nd(r[:6], [2, 3], strides=[0, 1])),
        L("2x3-s11", _nd(r[:6], [2, 3], strides=[1, 1])),
        L("2x3-s41", _nd(r[:8], [2, 3], strides=[4, 1])),
        L("2x3-s12", _nd(r[:6], [2, 3], strides=[1, 2])),
        L("1x3", _nd(r[:3], [1, 3])),
        L("1x3-F", _nd(r[:3], [1, 3], fortran=True)),
        L("1x3-s99", _nd(r[:3], [1, 3], strides=[99, 1])),
        L("1x3-s99-3", _nd(r[:9], [1, 3], strides=[99, 3])),
        L("3x1", _nd(r[:3], [3, 1])),
        L("3x1-s1-99", _nd(r[:3], [3, 1], strides=[1, 99])),
        L("3x1-s3-99", _nd(r[:9], [3, 1], strides=[3, 99])),
        L("1x1", _nd(r[:1], [1, 1])),
        L("1x1-s99-7", _nd(r[:1], [1, 1], strides=[99, 7])),
        L("2x0", _nd([1], [2, 0])),
        L("0x2", _nd([1], [0, 2])),
        L("2x0-s57", _nd([1], [2, 0], strides=[5, 7])),
        L("0x0", _nd([1], [0, 0])),
        L("2x3x4", _nd(r, [2, 3, 4])),
        L("2x3x4-F", _nd(r, [2, 3, 4], fortran=True)),
        L("2x3x4-h", _nd(r, [2, 3, 4], "h")),
        L("2x1x3", _nd(r[:6], [2, 1, 3])),
        L("2x1x3-s3-100-1", _nd(r[:6], [2, 1, 3], strides=[3, 100, 1])),
        L("2x1x3-F", _nd(r[:6], [2, 1, 3], fortran=True)),
        L("pil-1d", _nd(r[:6], [6], pil=True)),
        L("pil-1d-len1", _nd(r[:1], [1], pil=True)),
        L("pil-2x3", _nd(r[:6], [2, 3], pil=True)),
        L("pil-1x1", _nd(r[:1], [1, 1], pil=True)),
        L("pil-2x0", _nd([1], [2, 0], pil=True)),
        L("pil-2x3-F", _nd(r[:6], [2, 3], pil=True, fortran=True)),
        L("numpy-3x4", {"kind": "numpy", "dtype": "int32", "items": r[:12], "shape": [3, 4]}),
        L("numpy-3x4-F", {"kind": "numpy", "dtype": "int32", "items": r[:12], "shape": [3, 4],
                          "order": "F"}),
        L("numpy-0x3", {"kind": "numpy", "dtype": "int16", "items": [], "shape": [0, 3]}),
        L("numpy-1x4", {"kind": "numpy", "dtype": "int16", "items": r[:4], "shape": [1, 4]}),
        L("numpy-0d", {"kind": "numpy", "dtype": "float64", "items": [2.5], "shape": []}),
    ]


def contiguity_slices(decl: dict) -> list[slice]:
    """Slices of the first dimension giving every length class (0, 1, more)
    with steps 1, 2, -1, -2 and beyond the end: ATTR-009/010."""
    n = first_dimension(decl)
    picks = [(None, None, None), (None, None, -1), (None, None, 2), (None, None, -2),
             (1, 2, None), (1, 2, -1), (2, 1, -1), (0, 0, None), (0, 0, 2), (0, 0, -1),
             (n, n, -3), (1, 2, 5), (None, None, n), (None, None, -n), (n - 1, n, None),
             (1, n - 1, None), (1, n - 1, 2), (n - 2, 0, -1), (n - 2, 0, -2), (None, None, 3),
             (2, None, 3), (-1, None, None), (None, 1, None), (None, 1, -1)]
    out, seen = [], set()
    for a, b, c in picks:
        s = slice(a, b, c)
        if (a, b, c) not in seen:
            seen.add((a, b, c))
            out.append(s)
    return out


def buffer_flags() -> list[Labelled]:
    """Request flags for __buffer__ (OBJECT-*): the PyBUF_* combinations."""
    named = [("SIMPLE", 0), ("WRITABLE", 1), ("FORMAT", 4), ("ND", 8), ("STRIDES", 0x18),
             ("C_CONTIGUOUS", 0x38), ("F_CONTIGUOUS", 0x58), ("ANY_CONTIGUOUS", 0x98),
             ("INDIRECT", 0x118), ("CONTIG_RO", 0x8), ("CONTIG", 0x9), ("STRIDED_RO", 0x18),
             ("STRIDED", 0x19), ("RECORDS_RO", 0x1c), ("RECORDS", 0x1d), ("FULL_RO", 0x11c),
             ("FULL", 0x11d), ("FORMAT|C", 0x3c), ("FORMAT|F", 0x5c), ("FORMAT|ANY", 0x9c),
             ("READ", 0x100), ("WRITE", 0x200), ("2**31-1", (1 << 31) - 1)]
    seen, out = set(), []
    for label, v in named:
        if v not in seen:
            seen.add(v)
            out.append(Labelled(label, v))
    return out


DOMAINS.update({
    "pack_int_values": pack_int_values,
    "pack_float_values": pack_float_values,
    "random_pack_ints": random_pack_ints,
    "pack_bool_values": pack_bool_values,
    "pack_char_values": pack_char_values,
    "native_exporters": native_exporters,
    "pack_int_exporters": pack_int_exporters,
    "strided_exporters": strided_exporters,
    "valid_values": valid_values,
    "pack_pointer_exporters": pack_pointer_exporters,
    "pack_float_exporters": pack_float_exporters,
    "pack_half_exporters": pack_half_exporters,
    "pack_bool_exporters": pack_bool_exporters,
    "pack_char_exporters": pack_char_exporters,
    "unpack_exporters": unpack_exporters,
    "iteration_exporters": iteration_exporters,
    "raw_patterns": raw_patterns,
    "native_codes": native_codes,
    "layouts": layouts,
    "contiguity_slices": contiguity_slices,
    "buffer_flags": buffer_flags,
})
