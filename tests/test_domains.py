"""The domains package (harness/domains/): every domain it offers is named
by a template, and its one table of native codes says what struct,
array.array and NumPy say about them (FORMAT-001)."""

import array
import re
import struct

import numpy

from harness import domains, generate
from harness.domains import natives


def test_every_domain_is_named_by_some_template():
    named = set()
    for path in generate.template_files():
        named |= set(re.findall(r'"@([a-z_0-9]+)\(', path.read_text()))
    assert named <= set(domains.DOMAINS), "a template names an unknown domain"
    assert set(domains.DOMAINS) <= named, \
        f"domains no template uses: {sorted(set(domains.DOMAINS) - named)}"


def test_the_native_code_lists_hold_the_same_codes():
    assert sorted(natives.NATIVE_CODES) == sorted(natives.NATIVE_FORMATS)
    assert len(set(natives.NATIVE_CODES)) == len(natives.NATIVE_CODES)
    for codes in (natives.INT_CODES, natives.FLOAT_CODES, natives.SIGNED_CODES,
                  natives.ARRAY_TYPECODES, natives.BYTE_FORMATS, natives.NUMPY_DTYPES):
        assert set(codes) <= set(natives.NATIVE_CODES)


def test_fixed_itemsizes_are_struct_sizes_and_the_others_the_platforms():
    for code, size in natives.FIXED_ITEMSIZE.items():
        assert struct.calcsize(code) == size, code
    for code in natives.PLATFORM_SIZED:
        assert struct.calcsize(code) in natives.PLATFORM_SIZES, code


def test_array_typecodes_export_their_own_code():
    for code in natives.ARRAY_TYPECODES:
        assert memoryview(array.array(code)).format == code


def test_numpy_dtypes_export_the_code_they_stand_for():
    for code, dtype in natives.NUMPY_DTYPES.items():
        m = memoryview(numpy.zeros(1, dtype))
        assert m.format == code, (code, dtype)
        assert natives.code_of({"kind": "numpy", "dtype": dtype}) == code


def test_sized_numpy_dtypes_lend_the_code_itself_with_its_kind_and_size():
    for code in natives.NATIVE_CODES:
        dtype = natives.sized_numpy_dtype(code)
        if code in natives.PLATFORM_SIZED or code == "c":
            assert dtype is None, code
            continue
        m = memoryview(numpy.zeros(1, dtype))
        assert m.format == code, (code, dtype)   # 'q', not LP64's 'l'
        assert m.itemsize == natives.FIXED_ITEMSIZE[code], code
        # the same kind: a value of the code survives the trip through it
        value = {"?": True, "e": -1.5, "f": -1.5, "d": -1.5}.get(code)
        if value is None:
            value = -1 if code in natives.SIGNED_CODES else 255
        assert numpy.array([value], dtype)[0] == value, code
