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
def _layout(items: Any, shape: list, fmt: str = "B", **extra: Any) -> dict:
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
        L("1d", _layout(r[:6], [6])),
        L("1d-h", _layout(r[:6], [6], "h")),
        L("1d-offset", _layout(r[:6], [3], offset=2)),
        L("1d-s2", _layout(r[:6], [3], strides=[2])),
        L("1d-h-s4", _layout(r[:6], [3], "h", strides=[4])),
        L("1d-neg", _layout(r[:6], [6], strides=[-1], offset=5)),
        L("1d-s0", _layout(r[:6], [6], strides=[0])),
        L("1d-len1-s5", _layout(r[:6], [1], strides=[5])),
        L("1d-len1-neg", _layout(r[:6], [1], strides=[-3], offset=5)),
        L("1d-len1-s0", _layout(r[:6], [1], strides=[0])),
        L("1d-len0", _layout([1], [0])),
        L("1d-len0-s5", _layout([1], [0], strides=[5])),
        L("1d-len0-neg", _layout([1], [0], strides=[-1])),
        L("1d-i-len0-s8", _layout([1], [0], "i", strides=[8])),
        L("0d", _layout(5, [], "i")),
        L("0d-d", _layout(1.5, [], "d")),
        L("2x3", _layout(r[:6], [2, 3])),
        L("2x3-F", _layout(r[:6], [2, 3], fortran=True)),
        L("2x3-i", _layout(r[:6], [2, 3], "i")),
        L("2x3-i-F", _layout(r[:6], [2, 3], "i", fortran=True)),
        L("2x3-neg", _layout(r[:6], [2, 3], strides=[-3, -1], offset=5)),
        L("2x3-s0", _layout(r[:6], [2, 3], strides=[0, 1])),
        L("2x3-s11", _layout(r[:6], [2, 3], strides=[1, 1])),
        L("2x3-s41", _layout(r[:8], [2, 3], strides=[4, 1])),
        L("2x3-s12", _layout(r[:6], [2, 3], strides=[1, 2])),
        L("1x3", _layout(r[:3], [1, 3])),
        L("1x3-F", _layout(r[:3], [1, 3], fortran=True)),
        L("1x3-s99", _layout(r[:3], [1, 3], strides=[99, 1])),
        L("1x3-s99-3", _layout(r[:9], [1, 3], strides=[99, 3])),
        L("3x1", _layout(r[:3], [3, 1])),
        L("3x1-s1-99", _layout(r[:3], [3, 1], strides=[1, 99])),
        L("3x1-s3-99", _layout(r[:9], [3, 1], strides=[3, 99])),
        L("1x1", _layout(r[:1], [1, 1])),
        L("1x1-s99-7", _layout(r[:1], [1, 1], strides=[99, 7])),
        L("2x0", _layout([1], [2, 0])),
        L("0x2", _layout([1], [0, 2])),
        L("2x0-s57", _layout([1], [2, 0], strides=[5, 7])),
        L("0x0", _layout([1], [0, 0])),
        L("2x3x4", _layout(r, [2, 3, 4])),
        L("2x3x4-F", _layout(r, [2, 3, 4], fortran=True)),
        L("2x3x4-h", _layout(r, [2, 3, 4], "h")),
        L("2x1x3", _layout(r[:6], [2, 1, 3])),
        L("2x1x3-s3-100-1", _layout(r[:6], [2, 1, 3], strides=[3, 100, 1])),
        L("2x1x3-F", _layout(r[:6], [2, 1, 3], fortran=True)),
        L("pil-1d", _layout(r[:6], [6], pil=True)),
        L("pil-1d-len1", _layout(r[:1], [1], pil=True)),
        L("pil-2x3", _layout(r[:6], [2, 3], pil=True)),
        L("pil-1x1", _layout(r[:1], [1, 1], pil=True)),
        L("pil-2x0", _layout([1], [2, 0], pil=True)),
        L("pil-2x3-F", _layout(r[:6], [2, 3], pil=True, fortran=True)),
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


# ---------------------------------------------------------------------------
# Chapters 10-13 (tolist, tobytes and hex, cast, comparison and hash):
# a seeded generator of random ndarray layouts, and the domains that derive a
# partner from a generated layout (a contiguous twin, a cast back, the bytes
# a hash must agree with).
#
# The idea comes from CPython's Lib/test/test_buffer.py: a layout is
# (memory length, itemsize, shape, strides, offset), and it is valid when
# every item it reaches lies inside the memory.  _testbuffer.ndarray checks
# exactly that (and that strides and offset are multiples of the itemsize),
# so the generator computes the span of every layout it makes and sizes the
# memory to hold it: every declaration it returns builds.
#
# Everything is computed in *items*, never bytes, so that the declarations
# are the same on every platform.  Explicit strides and offsets are bytes in
# the protocol, so they are only generated for the formats whose size is
# fixed; the formats whose size is the platform's (l L n N P) get the default
# C or Fortran strides and no offset, and their items stay within 32 bits.
# ---------------------------------------------------------------------------

import math as _math
import random as _random
import struct as _struct

from . import values as _values

#: itemsize of the formats whose size no platform changes
FIXED_ITEMSIZE = {"b": 1, "B": 1, "c": 1, "?": 1, "h": 2, "H": 2, "i": 4, "I": 4,
                  "q": 8, "Q": 8, "e": 2, "f": 4, "d": 8}
#: formats whose itemsize is the platform's (4 or 8)
PLATFORM_SIZED = ("l", "L", "n", "N", "P")
NATIVE_FORMATS = tuple(FIXED_ITEMSIZE) + PLATFORM_SIZED
BYTE_FORMATS = ("B", "b", "c")

# Portable ranges: the platform-sized formats keep to 32 bits.
_INT_RANGE = {"b": (-2**7, 2**7 - 1), "B": (0, 2**8 - 1), "h": (-2**15, 2**15 - 1),
              "H": (0, 2**16 - 1), "i": (-2**31, 2**31 - 1), "I": (0, 2**32 - 1),
              "q": (-2**63, 2**63 - 1), "Q": (0, 2**64 - 1),
              "l": (-2**31, 2**31 - 1), "n": (-2**31, 2**31 - 1),
              "L": (0, 2**32 - 1), "N": (0, 2**32 - 1), "P": (0, 2**32 - 1)}
# Floats every format of that kind holds exactly: k / 2**scale, |k| < 2**bits.
_FLOAT_GRID = {"e": (3, 11), "f": (6, 24), "d": (20, 53)}
_SPECIAL_FLOATS = (0.0, -0.0, _math.inf, -_math.inf, _math.nan)


def random_item(rng: _random.Random, fmt: str) -> Any:
    """One value that `fmt` packs exactly, boundaries being likelier."""
    code = fmt.lstrip("@")
    if code == "?":
        return rng.random() < 0.5
    if code == "c":
        return bytes([rng.randrange(256)])
    if code in _FLOAT_GRID:
        if rng.random() < 0.08:
            return rng.choice(_SPECIAL_FLOATS)
        scale, bits = _FLOAT_GRID[code]
        return rng.randrange(-(2**bits) + 1, 2**bits) / 2**scale
    lo, hi = _INT_RANGE[code]
    if rng.random() < 0.2:
        return rng.choice((lo, hi, 0, lo + 1, hi - 1))
    return rng.randint(lo, hi)


def _random_shape(rng: _random.Random, ndim: int) -> list[int]:
    shape = []
    for _ in range(ndim):
        r = rng.random()
        shape.append(0 if r < 0.06 else 1 if r < 0.2 else rng.randint(2, 4 if ndim > 2 else 5))
    return shape


def _default_strides(shape: list[int], fortran: bool) -> list[int]:
    """Strides in items of a contiguous layout (C or Fortran order)."""
    strides, step = [0] * len(shape), 1
    order = range(len(shape)) if fortran else reversed(range(len(shape)))
    for j in order:
        strides[j] = step
        step *= max(shape[j], 1)
    return strides


def _span(shape: list[int], strides: list[int]) -> tuple[int, int]:
    """Lowest and highest item offsets a layout reaches from its start."""
    if 0 in shape:
        return 0, 0
    lo = sum(st * (n - 1) for n, st in zip(shape, strides) if st < 0)
    hi = sum(st * (n - 1) for n, st in zip(shape, strides) if st > 0)
    return lo, hi


def _random_strides(rng: _random.Random, shape: list[int]) -> list[int]:
    """Strides in items: C-like, Fortran-like or free; some negative, a few zero."""
    kind = rng.choice(("c", "f", "free"))
    base = (_default_strides(shape, kind == "f") if kind != "free"
            else [rng.randint(1, 6) for _ in shape])
    strides = []
    for b in base:
        r = rng.random()
        if r < 0.07:
            strides.append(0)
            continue
        s = b * rng.choice((1, 1, 1, 2, 3))
        strides.append(-s if rng.random() < 0.35 else s)
    return strides


class Layout:
    """A generated layout, in items: memory, shape, strides, offset, flags."""

    def __init__(self, fmt: str, memory: list, shape: list[int], strides: list[int] | None,
                 offset: int, fortran: bool, pil: bool, readonly: bool):
        self.fmt, self.memory, self.shape = fmt, memory, shape
        self.explicit = strides is not None
        self.strides = strides if strides is not None else _default_strides(shape, fortran)
        self.offset, self.fortran, self.pil, self.readonly = offset, fortran, pil, readonly

    def logical(self) -> Any:
        """The items in logical order, nested as tolist() nests them."""
        def rec(dim: int, at: int) -> Any:
            if dim == len(self.shape):
                return self.memory[at]
            return [rec(dim + 1, at + i * self.strides[dim]) for i in range(self.shape[dim])]
        return rec(0, self.offset)

    def flat(self) -> list:
        def walk(v: Any) -> Iterator[Any]:
            if isinstance(v, list):
                for x in v:
                    yield from walk(x)
            else:
                yield v
        return list(walk(self.logical())) if self.shape else [self.logical()]

    def decl(self) -> dict:
        size = FIXED_ITEMSIZE.get(self.fmt.lstrip("@"), 8)
        d: dict[str, Any] = {"kind": "ndarray", "format": self.fmt,
                             "items": self.memory if self.shape else self.memory[0],
                             "shape": list(self.shape)}
        if self.explicit:
            d["strides"] = [s * size for s in self.strides]
        if self.offset:
            d["offset"] = self.offset * size
        if not self.readonly:
            d["readonly"] = False
        if self.fortran:
            d["fortran"] = True
        if self.pil:
            d["pil"] = True
        return d

    def label(self, i: int) -> str:
        parts = [f"{i:05d}", self.fmt.replace("@", "at"),
                 "x".join(map(str, self.shape)) if self.shape else "scalar"]
        if self.explicit:
            parts.append("s" + ".".join(map(str, self.strides)))
        if self.offset:
            parts.append(f"o{self.offset}")
        if self.fortran:
            parts.append("F")
        if self.pil:
            parts.append("pil")
        if not self.readonly:
            parts.append("w")
        return "_".join(parts)


def random_layout(rng: _random.Random) -> Layout:
    fmt = rng.choice(NATIVE_FORMATS)
    if rng.random() < 0.05:
        fmt = "@" + fmt
    ndim = rng.choices((0, 1, 2, 3, 4), weights=(1, 4, 4, 2, 1))[0]
    readonly = rng.random() < 0.7
    if ndim == 0:
        return Layout(fmt, [random_item(rng, fmt)], [], None, 0, False, False, readonly)
    shape = _random_shape(rng, ndim)
    fixed = fmt.lstrip("@") in FIXED_ITEMSIZE
    how = rng.choice(("c", "f", "strided", "strided")) if fixed else rng.choice(("c", "f"))
    strides = _random_strides(rng, shape) if how == "strided" else None
    fortran = how == "f"
    lo, hi = _span(shape, strides if strides is not None else _default_strides(shape, fortran))
    offset = -lo + (rng.choice((0, 0, 1, 2)) if fixed else 0)
    length = offset + hi + 1 + (rng.choice((0, 0, 1)) if fixed else 0)
    memory = [random_item(rng, fmt) for _ in range(length)]
    pil = rng.random() < 0.15
    return Layout(fmt, memory, shape, strides, offset, fortran, pil, readonly)


def random_layouts(seed: int, count: int) -> Iterator[tuple[int, Layout]]:
    """`count` x scale() layouts, the same ones for the same seed: the first
    n of a bigger count are the n of a smaller one."""
    rng = _random.Random(seed)
    for i in range(count * scale()):
        yield i, random_layout(rng)


def random_ndarrays(seed: int, count: int) -> list[Labelled]:
    """Random ndarray declarations, valid by construction (see above)."""
    return [Labelled(lay.label(i), lay.decl()) for i, lay in random_layouts(seed, count)]


def _plain(j: Any) -> Any:
    """Decode the protocol values of a declaration (lists, ints, floats, bytes)."""
    if isinstance(j, list):
        return [_plain(x) for x in j]
    if isinstance(j, dict) and "float" in j:
        return decode_float_value(j)
    if isinstance(j, dict) and "int" in j:
        return int(j["int"])
    if isinstance(j, dict) and "bytes" in j:
        return bytes.fromhex(j["bytes"])
    return j


def decode_float_value(j: dict) -> float:
    return _values.decode_float(j)


def layout_of(decl: dict) -> Layout:
    """The Layout of an ndarray declaration (one that random_ndarrays made)."""
    fmt = decl["format"]
    size = FIXED_ITEMSIZE.get(fmt.lstrip("@"), 8)
    items = _plain(decl["items"])
    memory = items if decl["shape"] else [items]
    strides = decl.get("strides")
    return Layout(fmt, memory, list(decl["shape"]),
                  None if strides is None else [s // size for s in strides],
                  decl.get("offset", 0) // size, decl.get("fortran", False),
                  decl.get("pil", False), decl.get("readonly", True))


def _fits(values_: list, code: str) -> bool:
    lo, hi = _INT_RANGE[code]
    return all(not isinstance(v, bool) and lo <= v <= hi for v in values_)


def _holds(code: str, v: float) -> bool:
    try:
        return v != v or _struct.unpack(code, _struct.pack(code, v))[0] == v
    except (OverflowError, _struct.error):
        return False


def equal_valued_format(lay: Layout, choice: int) -> str:
    """A format that holds the layout's values unchanged: its own, or (by
    `choice`) another of the same kind, so that views compare by value."""
    code = lay.fmt.lstrip("@")
    vals = lay.flat() or lay.memory[:1]
    if code in _INT_RANGE:
        others = [c for c in ("b", "B", "h", "H", "i", "I", "q", "Q") if _fits(vals, c)]
    elif code in ("e", "f", "d"):
        others = [c for c in ("e", "f", "d") if all(_holds(c, v) for v in vals)]
    else:
        others = [code]
    return ([lay.fmt] + others)[choice % (len(others) + 1)]


def contiguous_twin(decl: dict) -> list[Labelled]:
    """A C-contiguous ndarray with the same shape and logical values as
    `decl`, in the same format or another that holds the values exactly;
    the choice is seeded by the declaration itself."""
    lay = layout_of(decl)
    choice = sum(map(ord, repr(decl.get("shape")) + repr(decl.get("strides")))) + len(lay.memory)
    fmt = equal_valued_format(lay, choice)
    flat = lay.flat()
    twin: dict[str, Any] = {"kind": "ndarray", "format": fmt, "shape": list(lay.shape)}
    twin["items"] = (flat or lay.memory[:1]) if lay.shape else flat[0]
    return [Labelled(fmt.replace("@", "at"), twin)]


def logical_bytes(decl: dict) -> list[Labelled]:
    """The bytes a hash of the view must agree with: the view's bytes in
    logical order, for the byte formats (the only ones a view hashes)."""
    lay = layout_of(decl)
    code = lay.fmt.lstrip("@")
    if code not in BYTE_FORMATS:
        return [Labelled("none", b"")]
    flat = lay.flat()
    data = b"".join(flat) if code == "c" else bytes(v & 0xFF for v in flat)
    return [Labelled("bytes", data)]


def cast_back(decl: dict, always: int = 0) -> list[Labelled]:
    """A step casting the byte view `c` (of `decl`'s view) to a destination:
    back to the original format and shape (always, if `always`), or to
    another fixed-size format with a shape that covers the bytes (when the
    size is portable)."""
    lay = layout_of(decl)
    code = lay.fmt.lstrip("@")
    seed = sum(map(ord, repr(decl.get("shape")) + repr(decl.get("strides")) + lay.fmt)) + len(lay.memory)
    rng = _random.Random(seed)
    if always or code not in FIXED_ITEMSIZE or rng.random() < 0.5:
        return [Labelled("back", {"op": "call", "obj": "c", "method": "cast",
                                  "args": [lay.fmt, list(lay.shape)], "as": "d"})]
    nbytes = FIXED_ITEMSIZE[code] * _math.prod(lay.shape)
    # Never '?': reading bytes other than 0 and 1 as bool is undefined.
    dest = rng.choice([c for c in FIXED_ITEMSIZE if c != "?"])
    size = FIXED_ITEMSIZE[dest]
    n, shape = nbytes // size, [nbytes // size]
    if nbytes % size == 0 and n > 1 and rng.random() < 0.5:
        d = rng.choice([k for k in range(1, n + 1) if n % k == 0])
        shape = [d, n // d]
    return [Labelled(f"{dest}{'x'.join(map(str, shape))}",
                     {"op": "call", "obj": "c", "method": "cast", "args": [dest, shape], "as": "d"})]


# Views of every native format, from every exporter that has it: the
# boundary values of each format (32-bit ones for the platform-sized codes,
# so that every platform builds them), 1-D, 0-dimensional and Fortran 2x2.
_FORMAT_ITEMS = {
    "b": [-128, -1, 0, 127], "B": [0, 1, 254, 255],
    "h": [-32768, -1, 0, 32767], "H": [0, 1, 65534, 65535],
    "i": [-2**31, -1, 0, 2**31 - 1], "I": [0, 1, 2**32 - 2, 2**32 - 1],
    "l": [-2**31, -1, 0, 2**31 - 1], "L": [0, 1, 2**32 - 2, 2**32 - 1],
    "q": [-2**63, -1, 0, 2**63 - 1], "Q": [0, 1, 2**64 - 2, 2**64 - 1],
    "n": [-2**31, -1, 0, 2**31 - 1], "N": [0, 1, 2**32 - 2, 2**32 - 1],
    "P": [0, 1, 2**32 - 2, 2**32 - 1],
    "e": [0.5, -0.0, 65504.0, -_math.inf], "f": [1.5, -0.0, 3.4028234663852886e38, _math.inf],
    "d": [0.1, -0.0, 1e308, -_math.inf],
    "?": [False, True, True, False], "c": [b"\x00", b"a", b"\x7f", b"\xff"],
}
_ARRAY_CODES = "bBhHiIlLqQfd"
_NUMPY_DTYPES = {"b": "int8", "B": "uint8", "h": "int16", "H": "uint16", "i": "int32",
                 "I": "uint32", "q": "int64", "Q": "uint64", "e": "float16",
                 "f": "float32", "d": "float64", "?": "bool"}


def format_views(kinds: int = 0) -> list[Labelled]:
    """Exporters of every native format: ndarray 1-D (`nd`), 0-dim (`nd0`),
    Fortran 2x2 (`ndF`), '@'-prefixed (`ndat`), array.array (`arr`) and
    NumPy (`np`). `kinds` (a number) picks: 0 all, 1 ndarray only."""
    out = []
    only_nd = kinds == 1
    for code, items in _FORMAT_ITEMS.items():
        out.append(Labelled(f"nd-{code}", {"kind": "ndarray", "format": code,
                                           "items": items, "shape": [4]}))
        out.append(Labelled(f"nd0-{code}", {"kind": "ndarray", "format": code,
                                            "items": items[1], "shape": []}))
        out.append(Labelled(f"ndF-{code}", {"kind": "ndarray", "format": code, "items": items,
                                            "shape": [2, 2], "fortran": True}))
        if code in "Bic?d":
            out.append(Labelled(f"ndat-{code}", {"kind": "ndarray", "format": "@" + code,
                                                 "items": items, "shape": [2, 2]}))
        if only_nd:
            continue
        if code in _ARRAY_CODES:
            out.append(Labelled(f"arr-{code}", {"kind": "array", "typecode": code, "items": items}))
        if code in _NUMPY_DTYPES:
            out.append(Labelled(f"np-{_NUMPY_DTYPES[code]}",
                                {"kind": "numpy", "dtype": _NUMPY_DTYPES[code],
                                 "items": items, "shape": [2, 2]}))
    return out


def deep_ndarrays() -> list[Labelled]:
    """ndarrays of many dimensions, around the limit of 64."""
    out = []
    for ndim, last in ((2, 2), (32, 2), (63, 2), (64, 1), (64, 2), (64, 0), (65, 1), (128, 1)):
        shape = [1] * (ndim - 1) + [last]
        out.append(Labelled(f"{ndim}d-last{last}", {"kind": "ndarray", "format": "B",
                                                    "items": [7, 8], "shape": shape}))
    out.append(Labelled("64d-first2", {"kind": "ndarray", "format": "h", "items": [7, 8],
                                       "shape": [2] + [1] * 63}))
    return out


def deep_shapes(nbytes: int) -> list[Labelled]:
    """Cast shapes of many dimensions for a view of `nbytes` bytes."""
    out = []
    for ndim in (2, 16, 63, 64, 65, 100):
        out.append(Labelled(f"{ndim}d", [nbytes] + [1] * (ndim - 1)))
        out.append(Labelled(f"{ndim}d-last", [1] * (ndim - 1) + [nbytes]))
    return out


def equal_value_views() -> list[Labelled]:
    """One 3-item ndarray per native format, all holding the values 0, 1, 1
    (False, True, True for '?'; the bytes 0, 1, 1 for 'c'): the views of
    every pair compare by these values (COMPARE-002)."""
    out = []
    for code in NATIVE_FORMATS:
        items: list[Any] = [0, 1, 1]
        if code == "?":
            items = [False, True, True]
        elif code == "c":
            items = [b"\x00", b"\x01", b"\x01"]
        elif code in _FLOAT_GRID:
            items = [0.0, 1.0, 1.0]
        out.append(Labelled(code, {"kind": "ndarray", "format": code, "items": items, "shape": [3]}))
    return out


DOMAINS.update({
    "random_ndarrays": random_ndarrays,
    "contiguous_twin": contiguous_twin,
    "logical_bytes": logical_bytes,
    "cast_back": cast_back,
    "format_views": format_views,
    "deep_ndarrays": deep_ndarrays,
    "deep_shapes": deep_shapes,
    "equal_value_views": equal_value_views,
})


# ---------------------------------------------------------------------------
# Chapters 4-9 (indexing, slicing, assignment, readonly, exports, release):
# layouts of every dimension count, and the keys that probe them.
# ---------------------------------------------------------------------------

def key_label(k: Any) -> str:
    """A compact label for a key in case ids: slices as start:stop:step,
    tuples with their items so written, Ellipsis as ..., others as Python."""
    if isinstance(k, slice):
        parts = ["" if x is None else key_label(x) for x in (k.start, k.stop, k.step)]
        return ":".join(parts) if k.step is not None else ":".join(parts[:2])
    if isinstance(k, tuple):
        inner = ",".join(key_label(x) for x in k)
        return "(" + inner + ("," if len(k) == 1 else "") + ")"
    if k is Ellipsis:
        return "..."
    if isinstance(k, int) and not isinstance(k, bool) and abs(k) >= 1 << 62:
        sign = "-" if k < 0 else ""
        mag = abs(k)
        for p in (63, 64, 100):
            if mag == 1 << p:
                return f"{sign}2**{p}"
            if mag == (1 << p) + 1:
                return f"{sign}2**{p}{'-' if k < 0 else '+'}1"
        return str(k)
    if isinstance(k, float) and k != k:
        return "nan"
    if isinstance(k, dict) and "ref" in k:
        return "ref-" + k["ref"]
    return repr(k).replace(" ", "")


def keyed(keys: list[Any]) -> list[Labelled]:
    """Keys labelled compactly (key_label)."""
    return [Labelled(key_label(k), k) for k in keys]


def key_kinds() -> list[Labelled]:
    """A key of every kind: ints in and out of range, bools, ints too big for
    an index, slices, tuples of ints (short, exact, long), tuples of slices,
    mixed tuples, and objects that are no key at all (float, str, None,
    Ellipsis, list, bytes, the view itself, its exporter)."""
    big = 1 << 63
    keys = [
        0, 1, -1, 2, -3, 99, -99, True, False, big, -big - 1, 1 << 64,
        slice(None), slice(0, 1), slice(None, None, -1), slice(None, None, 0),
        slice(1.5, None),
        (), (0,), (-1,), (True,), (0, 0), (-1, -1), (1, 2), (9, 0), (0, 9),
        (0, 0, 0), (-1, 1, 0), (0, 0, 9), (0, 0, 0, 0), (big,), (0, big), (big, 0),
        (slice(None),), (slice(None), slice(None)), (slice(None),) * 3,
        (0, slice(None)), (slice(None), 0),
        (0, 1.0), ("a",), (None,), (Ellipsis,), ((0,),), ([0],), (b"a",),
        1.0, float("nan"), "a", "", None, Ellipsis, [0], [], b"a", b"",
        {"ref": "m"}, {"ref": "x"},
    ]
    return keyed(keys)


def _nd(label: str, shape: list[int], fmt: str, writable: bool, **extra: Any) -> Labelled:
    """A _testbuffer.ndarray declaration holding 0, 1, 2, ... in logical or
    memory order (whichever the layout gives), so every item is distinct."""
    count = 1
    for n in shape:
        count *= n
    count = extra.pop("count", count)
    decl = {"kind": "ndarray", "format": fmt, "shape": list(shape),
            "items": list(range(count)), "readonly": not writable}
    decl.update(extra)
    return Labelled(label, decl)


def nd_layouts(ndim: int, writable: int = 0) -> list[Labelled]:
    """Views of `ndim` dimensions in every layout the buffer protocol allows:
    C and Fortran order, negative strides, gaps with an offset, suboffsets
    (PIL-style, pointer-sized strides), and NumPy's C and F orders.

    1-D: 5 items of 'b'; 2-D: 3x4 of 'h'; 3-D: 2x3x2 of 'i'.
    """
    w = bool(writable)
    rw = "w" if w else "ro"
    if ndim == 1:
        return [
            _nd(f"nd1-C-{rw}", [5], "b", w),
            _nd(f"nd1-rev-{rw}", [5], "b", w, strides=[-1], offset=4),
            _nd(f"nd1-gaps-{rw}", [5], "b", w, count=11, strides=[2], offset=1),
            _nd(f"nd1-pil-{rw}", [5], "b", w, pil=True),
            Labelled(f"np1-{rw}", {"kind": "numpy", "dtype": "int8", "items": list(range(5)),
                                   "shape": [5], "readonly": not w}),
        ]
    if ndim == 2:
        return [
            _nd(f"nd2-C-{rw}", [3, 4], "h", w),
            _nd(f"nd2-F-{rw}", [3, 4], "h", w, fortran=True),
            _nd(f"nd2-rev-{rw}", [3, 4], "h", w, strides=[-8, -2], offset=22),
            _nd(f"nd2-rowrev-{rw}", [3, 4], "h", w, strides=[-8, 2], offset=16),
            _nd(f"nd2-gaps-{rw}", [3, 4], "h", w, count=24, strides=[16, 4], offset=2),
            _nd(f"nd2-pil-{rw}", [3, 4], "h", w, pil=True),
            Labelled(f"np2-C-{rw}", {"kind": "numpy", "dtype": "int16", "items": list(range(12)),
                                     "shape": [3, 4], "readonly": not w}),
            Labelled(f"np2-F-{rw}", {"kind": "numpy", "dtype": "int16", "items": list(range(12)),
                                     "shape": [3, 4], "order": "F", "readonly": not w}),
        ]
    if ndim == 3:
        return [
            _nd(f"nd3-C-{rw}", [2, 3, 2], "i", w),
            _nd(f"nd3-F-{rw}", [2, 3, 2], "i", w, fortran=True),
            _nd(f"nd3-rev-{rw}", [2, 3, 2], "i", w, strides=[-24, -8, -4], offset=44),
            _nd(f"nd3-mixed-{rw}", [2, 3, 2], "i", w, strides=[24, -8, 4], offset=16),
            _nd(f"nd3-pil-{rw}", [2, 3, 2], "i", w, pil=True),
        ]
    raise ValueError(f"no layouts of {ndim} dimensions")


def zero_dim_views(writable: int = 0) -> list[Labelled]:
    """0-dimensional views (shape ()): one item, of several formats."""
    w = bool(writable)
    rw = "w" if w else "ro"
    out = [
        Labelled(f"nd0-i-{rw}", {"kind": "ndarray", "format": "i", "shape": [], "items": 7,
                                 "readonly": not w}),
        Labelled(f"nd0-d-{rw}", {"kind": "ndarray", "format": "d", "shape": [], "items": 1.5,
                                 "readonly": not w}),
        Labelled(f"nd0-B-{rw}", {"kind": "ndarray", "format": "B", "shape": [], "items": 255,
                                 "readonly": not w}),
        Labelled(f"nd0-c-{rw}", {"kind": "ndarray", "format": "c", "shape": [], "items": b"x",
                                 "readonly": not w}),
        Labelled(f"nd0-?-{rw}", {"kind": "ndarray", "format": "?", "shape": [], "items": True,
                                 "readonly": not w}),
        Labelled(f"np0-{rw}", {"kind": "numpy", "dtype": "int64", "shape": [], "items": [7],
                               "readonly": not w}),
    ]
    return out


def _shape(decl: dict) -> list[int]:
    if "shape" in decl:
        return list(decl["shape"])
    return [first_dimension(decl)]


def _edges(n: int, full: bool) -> list[int]:
    """Per-dimension indexes: both ends and one beyond each (full), or the
    four that decide every branch (-n-1, -1, 0, n)."""
    if full:
        return sorted({-n - 1, -n, -1, 0, n - 1, n})
    return sorted({-n - 1, -1, 0, n})


def nd_index_tuples(decl: dict) -> list[tuple]:
    """Every tuple of one index per dimension drawn from each dimension's
    edges: full edges up to two dimensions, the deciding four beyond."""
    shape = _shape(decl)
    full = len(shape) <= 2
    out: list[tuple] = [()]
    for n in shape:
        out = [t + (i,) for t in out for i in _edges(n, full)]
    return out


def nd_index_tuples_small(decl: dict) -> list[tuple]:
    """As nd_index_tuples, with the deciding four per dimension only."""
    shape = _shape(decl)
    out: list[tuple] = [()]
    for n in shape:
        out = [t + (i,) for t in out for i in _edges(n, False)]
    return out


def key_order_tuples(decl: dict) -> list[Labelled]:
    """Tuples that pit the checks of a tuple key against each other: lengths
    ndim-1, ndim and ndim+1, whose entries are an index in range (0), one out
    of range (n), one that overflows (2**63), a non-index (a str) or a slice.
    Lengths above three are sampled (the first entries of the product)."""
    ndim = len(_shape(decl))
    shape = _shape(decl)
    out: list[tuple] = []
    for length in (ndim - 1, ndim, ndim + 1):
        if length < 0:
            continue
        combos: list[tuple] = [()]
        for d in range(length):
            n = shape[d] if d < ndim else 1
            combos = [t + (e,) for t in combos
                      for e in (0, n, 1 << 63, "a", slice(None))]
        if length > 3:
            combos = combos[:: max(1, len(combos) // 24)]
        out.extend(combos)
    return keyed(out)


def small_slices(decl: dict) -> list[Labelled]:
    """A smaller slice domain for the first dimension of N-D views: the
    bounds that decide clamping, three steps of both signs."""
    n = first_dimension(decl)
    bounds = [None] + sorted({-n - 1, -1, 1, n})
    return keyed([slice(a, b, c) for a in bounds for b in bounds for c in (None, -1, 2)])


def assign_slices(decl: dict | int) -> list[Labelled]:
    """Slices of a 1-D view (an exporter, or a length) worth assigning to:
    every length from 0 to n, steps of both signs, empty and clamped ones."""
    n = decl if isinstance(decl, int) else first_dimension(decl)
    out = [slice(None), slice(0, 0), slice(n, None), slice(1, -1), slice(0, 2),
           slice(None, None, 2), slice(1, None, 2), slice(None, None, -1),
           slice(None, None, -2), slice(-1, 0, -1), slice(-100, 100),
           slice(3, 1), slice(n - 1, None, -3), slice(1 << 63, None, -1)]
    return keyed(out)


def overlap_slices() -> list[Labelled]:
    """Slices of a 1-D view of six items that overlap each other in every way."""
    return keyed([slice(None), slice(1, None), slice(None, -1), slice(2, None),
            slice(None, -2), slice(None, None, -1), slice(None, None, 2),
            slice(1, None, 2), slice(None, 3), slice(3, None), slice(4, 1, -1),
            slice(1, 4)])


def compose_slices() -> list[Labelled]:
    """Slices to compose with each other (a slice of a slice): both step
    signs, steps above one, empty results, and clamped bounds."""
    return keyed([slice(None), slice(1, None), slice(None, -1), slice(None, None, 2),
                  slice(None, None, -1), slice(1, None, 3), slice(5, 1, -2),
                  slice(-2, None, -2), slice(3, 3), slice(None, None, -3),
                  slice(-100, 100, 1)])


# Steps so big that step * stride overflows a Py_ssize_t: the slice then has
# at most one item, and its stride is not specified (SLICE-005).
HUGE_STEPS = [1 << 63, -(1 << 63) - 1]


def slices_plain(decl: dict) -> list[slice]:
    """slices() without the overflowing steps (labels as slices() gives)."""
    return [k for k in slices(decl) if k.step not in HUGE_STEPS]


def slices_huge_step(decl: dict) -> list[slice]:
    """slices() with only the overflowing steps."""
    return [k for k in slices(decl) if k.step in HUGE_STEPS]


DOMAINS.update({
    "key_kinds": key_kinds,
    "nd_layouts": nd_layouts,
    "zero_dim_views": zero_dim_views,
    "nd_index_tuples": nd_index_tuples,
    "nd_index_tuples_small": nd_index_tuples_small,
    "key_order_tuples": key_order_tuples,
    "small_slices": small_slices,
    "assign_slices": assign_slices,
    "overlap_slices": overlap_slices,
    "compose_slices": compose_slices,
    "slices_plain": slices_plain,
    "slices_huge_step": slices_huge_step,
})
