"""The native struct codes memoryview reads and writes (FORMAT-001), their
sizes, and the exporters that hold them: one table of each, which every
chapter's domains read.  'e' only from CPython 3.12."""

from __future__ import annotations

#: every native code, in the order domains list them
NATIVE_CODES = "?cbBhHiIlLqQnNfdeP"
INT_CODES = "bBhHiIlLqQnN"
FLOAT_CODES = "fde"
SIGNED_CODES = "bhilqn"

#: itemsize of the codes whose size no platform changes
FIXED_ITEMSIZE = {"b": 1, "B": 1, "c": 1, "?": 1, "h": 2, "H": 2, "i": 4, "I": 4,
                  "q": 8, "Q": 8, "e": 2, "f": 4, "d": 8}
#: codes whose itemsize is the platform's, one of PLATFORM_SIZES
PLATFORM_SIZED = ("l", "L", "n", "N", "P")
PLATFORM_SIZES = (4, 8)
#: every native code, in the order the seeded random layouts draw from
NATIVE_FORMATS = tuple(FIXED_ITEMSIZE) + PLATFORM_SIZED
#: the formats whose views hash (COMPARE-*)
BYTE_FORMATS = ("B", "b", "c")

#: array.array typecodes that are native codes
ARRAY_TYPECODES = "bBhHiIlLqQfd"
#: the NumPy dtype whose buffer format is the code
NUMPY_DTYPES = {"?": "bool", "b": "int8", "B": "uint8", "h": "int16", "H": "uint16",
                "i": "int32", "I": "uint32", "l": "int64", "L": "uint64",
                "q": "longlong", "Q": "ulonglong",
                "e": "float16", "f": "float32", "d": "float64"}


def sized_numpy_dtype(code: str) -> str | None:
    """The NumPy dtype whose buffer has the code as its format, for a code of
    fixed size: of the code's kind and size, but 'longlong' and 'ulonglong'
    for 'q' and 'Q' (int64 and uint64 lend 'l' and 'L' on LP64 platforms);
    None for the platform-sized codes and 'c'."""
    if code == "?":
        return "bool"
    if code not in FIXED_ITEMSIZE or code == "c":
        return None
    if code in "qQ":
        return NUMPY_DTYPES[code]
    bits = 8 * FIXED_ITEMSIZE[code]
    if code in FLOAT_CODES:
        return f"float{bits}"
    return f"{'' if code in SIGNED_CODES else 'u'}int{bits}"


def sizes(code: str) -> tuple[int, ...]:
    """Every itemsize the code may have."""
    return (FIXED_ITEMSIZE[code],) if code in FIXED_ITEMSIZE else PLATFORM_SIZES


def code_of(decl: dict) -> str:
    """The native code an exporter declaration's items have."""
    kind = decl.get("kind")
    if kind == "ndarray":
        return decl["format"].lstrip("@")
    if kind == "array":
        return decl["typecode"]
    if kind == "numpy":
        return {dtype: code for code, dtype in NUMPY_DTYPES.items()}[decl["dtype"]]
    if kind in ("bytes", "bytearray"):
        return "B"
    raise ValueError(f"no native code for {decl!r}")
