"""The ctypes ndarray (harness/adapters/ctypes_ndarray.py) exports as
mvspec_exporter.ndarray does, request by request, as chapter 16's checker
(mvspec_exporter.examine) sees it: the same requests granted, with the same
fields; and each request refused, for the same reason. Its one departure,
which it cannot avoid (a ctypes callback cannot leave an exception for its
caller), is EXPORTER-002: a refusal returns -1 without BufferError; it then
records why, and mvadapter.py calls such a case unsupported.
"""

import pytest

from harness import exporters
from harness.adapters import ctypes_ndarray as cn

mx = exporters.checker()

LAYOUTS = {
    "C 3x4": dict(items=list(range(12)), shape=[3, 4]),
    "C 3x4 writable": dict(items=list(range(12)), shape=[3, 4], flags=cn.ND_WRITABLE),
    "Fortran 3x4": dict(items=list(range(12)), shape=[3, 4], flags=cn.ND_FORTRAN),
    "strided, reversed rows": dict(items=list(range(12)), shape=[2, 3], strides=[-6, 2],
                                   offset=6),
    "PIL, reversed columns": dict(items=list(range(12)), shape=[3, 2], strides=[4, -1],
                                  offset=1, flags=cn.ND_PIL | cn.ND_WRITABLE),
    "PIL, reversed rows": dict(items=list(range(8)), shape=[2, 2], strides=[-4, 1],
                               offset=4, flags=cn.ND_PIL),
    "0-d": dict(items=[5], shape=[], format="i"),
    "no items": dict(items=list(range(6)), shape=[2, 0, 3]),
    "struct of two": dict(items=[(1, 2.5), (3, 4.5)], shape=[2], format="<hd"),
    "'3s', strided": dict(items=[b"abc", b"def", b"ghi"], shape=[2], strides=[-6],
                          offset=6, format="3s"),
}

NO_EXCEPTION = "returned -1 without setting an exception"


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_the_ctypes_ndarray_grants_and_refuses_each_request_as_mvspec_exporter_does(layout):
    theirs = mx.examine(mx.ndarray(**layout))
    cn.refusals()
    ours = mx.examine(cn.ndarray(**layout))
    refused = cn.refusals()
    assert theirs["violations"] == []
    assert [(r["request"], r["granted"]) for r in ours["requests"]] \
        == [(r["request"], r["granted"]) for r in theirs["requests"]]
    # each refusal made for mvspec_exporter's reason, one a request
    why = sorted(r["refusal"].replace("BufferError: ", "") + " (flags 0x%x)" % r["flags"]
                 for r in theirs["requests"] if not r["granted"])
    assert sorted(set(refused)) == sorted(set(why))
    # and only EXPORTER-002, only for those refusals
    assert {v["rule"] for v in ours["violations"]} <= {"EXPORTER-002"}
    assert all(v["message"] == NO_EXCEPTION for v in ours["violations"]), ours["violations"][:2]
    assert {v["request"] for v in ours["violations"]} \
        == {r["request"] for r in theirs["requests"] if not r["granted"]}
    assert ours["refcounts"] and ours["dropped"] == theirs["dropped"] == 0


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_the_ctypes_ndarray_has_the_attributes_and_items_of_mvspec_exporters(layout):
    theirs, ours = mx.ndarray(**layout), cn.ndarray(**layout)
    for name in ("shape", "strides", "suboffsets", "format", "itemsize", "ndim", "nbytes",
                 "offset", "readonly", "c_contiguous", "f_contiguous", "contiguous"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert ours.tolist() == theirs.tolist()
    with memoryview(ours) as m, memoryview(theirs) as t:
        assert m.obj is ours and m.tobytes() == t.tobytes()
        assert (m.shape, m.strides, m.suboffsets) == (t.shape, t.strides, t.suboffsets)


@pytest.mark.parametrize("kwargs", [
    dict(items=[1, 2, 3], shape=[4]),
    dict(items=[1, 2, 3], shape=[2], strides=[3]),
    dict(items=[1, 2, 3], shape=[2], offset=3),
    dict(items=[1, 2, 3], shape=[1], offset=1, format="h"),
    dict(items=[1, 2, 3], shape=[-1], strides=[1]),
    dict(items=[1, 2], shape=[2], strides=[1], flags=cn.ND_FORTRAN),
    dict(items=[1], shape=[], flags=cn.ND_PIL),
    dict(items=[], shape=[0]),
    dict(items=[1, 2], shape=[2], flags=0x100),
    dict(items=[1, 2], shape=[2], strides=[1, 1]),
    dict(items=[1, 2], shape=[2 ** 62, 4, 0], strides=[0, 0, 0]),
], ids=lambda kw: str(kw)[:60])
def test_the_ctypes_ndarray_refuses_a_layout_as_mvspec_exporter_does(kwargs):
    with pytest.raises(Exception) as theirs:
        mx.ndarray(**kwargs)
    with pytest.raises(Exception) as ours:
        cn.ndarray(**kwargs)
    assert (type(ours.value), str(ours.value)) == (type(theirs.value), str(theirs.value))


def test_a_writable_ctypes_ndarray_takes_items_and_a_read_only_one_hashes():
    nd = cn.ndarray(list(range(6)), shape=[2, 3], strides=[-3, 1], offset=3,
                    flags=cn.ND_WRITABLE | cn.ND_PIL)
    nd[0, -1] = 50
    assert nd.tolist() == [[3, 4, 50], [0, 1, 2]]
    with pytest.raises(ValueError, match="cannot hash writable ndarray"):
        hash(nd)
    ro = cn.ndarray([1, 2, 3], shape=[3], format="B")
    assert hash(ro) == hash(bytes([1, 2, 3]))
    with pytest.raises(TypeError, match="not writable"):
        ro[0] = 1
