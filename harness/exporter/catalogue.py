"""The real exporters `make exporters` checks, by name, on every interpreter.

Each entry makes a fresh exporter; one that needs what an interpreter lacks
(numpy, _testbuffer, mvref) raises Unavailable, which the table shows as
such.  This file runs inside every interpreter checked (CPython 3.9+ and
PyPy 3.9), so it keeps to what they all have.
"""

import array
import io
import mmap
import os
import pickle
import tempfile
import warnings


class Unavailable(Exception):
    """This interpreter cannot make the exporter (the reason is the text)."""


def need(module_name):
    try:
        return __import__(module_name)
    except ImportError:
        raise Unavailable("no %s here" % module_name)


# ------------------------------------------------------------------ builtins

def read_only_mmap():
    fd, path = tempfile.mkstemp()
    try:
        os.write(fd, b"Hello world")
        return mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    finally:
        os.close(fd)
        os.unlink(path)


def writable_mmap():
    m = mmap.mmap(-1, 16)
    m[:5] = b"Hello"
    return m


BUILTINS = {
    "bytes": lambda: b"Hello world",
    "bytes/empty": lambda: b"",
    "bytearray": lambda: bytearray(b"Hello world"),
    "bytearray/empty": lambda: bytearray(),
    "mmap/writable": writable_mmap,
    "mmap/read-only": read_only_mmap,
    "BytesIO.getbuffer": lambda: io.BytesIO(b"Hello world").getbuffer(),
    "PickleBuffer/bytes": lambda: pickle.PickleBuffer(b"Hello world"),
    "PickleBuffer/bytearray": lambda: pickle.PickleBuffer(bytearray(b"Hello world")),
    "memoryview/bytes": lambda: memoryview(b"Hello world"),
    "memoryview/bytearray": lambda: memoryview(bytearray(b"Hello world")),
    "memoryview/strided": lambda: memoryview(b"Hello world")[::2],
    "memoryview/reversed": lambda: memoryview(bytearray(b"Hello world"))[::-1],
    "memoryview/cast-2d": lambda: memoryview(bytearray(range(24))).cast("i", [2, 3]),
    "memoryview/cast-0d": lambda: memoryview(bytearray(range(8))).cast("q", []),
}


def array_of(typecode):
    def make():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)   # 'u' from 3.13
            if typecode in ("u", "w"):
                return array.array(typecode, "abc")
            return array.array(typecode, [1, 2, 3])
    return make


# PyPy's array module has no `typecodes`: these are CPython 3.9's, and 'w'
# (3.13) where the interpreter has it.
TYPECODES = getattr(array, "typecodes", "bBuhHiIlLqQfd")
ARRAYS = dict(("array/" + tc, array_of(tc)) for tc in TYPECODES)


# ------------------------------------------------------------------ PEP 688

def python_class():
    """A class written in Python that exports through __buffer__ (3.12+)."""
    if not hasattr(memoryview, "__buffer__"):
        raise Unavailable("no __buffer__ (PEP 688) before 3.12")

    class Exporter:
        def __init__(self):
            self.data = bytearray(b"Hello world")

        def __buffer__(self, flags):
            return memoryview(self.data).__buffer__(flags)

        def __release_buffer__(self, view):
            view.release()
    return Exporter()


BUILTINS["pep688-class"] = python_class


# -------------------------------------------------------------------- ctypes

def ctypes_entries():
    def scalar():
        ctypes = need("ctypes")
        return ctypes.c_double(1.5)

    def one_d():
        ctypes = need("ctypes")
        return (ctypes.c_int * 4)(1, 2, 3, 4)

    def two_d():
        ctypes = need("ctypes")
        return ((ctypes.c_short * 3) * 2)()

    def structure():
        ctypes = need("ctypes")

        class Point(ctypes.Structure):
            _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_double)]
        return Point(1, 2.5)

    def structures():
        ctypes = need("ctypes")

        class Pair(ctypes.Structure):
            _fields_ = [("a", ctypes.c_byte), ("b", ctypes.c_int)]
        return (Pair * 3)()

    return {"ctypes/scalar": scalar, "ctypes/array": one_d, "ctypes/array-2d": two_d,
            "ctypes/structure": structure, "ctypes/structure-array": structures}


# --------------------------------------------------------------------- numpy

def numpy_entries():
    def np():
        return need("numpy")

    def read_only():
        a = np().arange(6, dtype="int32")
        a.setflags(write=False)
        return a
    return {
        "numpy/C": lambda: np().arange(12, dtype="int32").reshape(3, 4),
        "numpy/F": lambda: np().asfortranarray(np().arange(12, dtype="int32").reshape(3, 4)),
        "numpy/strided": lambda: np().arange(24, dtype="int16").reshape(4, 6)[::2, ::-3],
        "numpy/0-d": lambda: np().array(2.5),
        "numpy/zero-size": lambda: np().zeros((0, 3), dtype="float32"),
        "numpy/read-only": read_only,
        "numpy/record": lambda: np().zeros(3, dtype=[("a", "i1"), ("b", "f8")]),
    }


# ---------------------------------------------------------------- _testbuffer

def layouts():
    """The layouts the case format's ndarray takes (spec/protocol.md 5),
    as keyword arguments of _testbuffer.ndarray and mvspec_exporter.ndarray
    (flags by name: WRITABLE, FORTRAN, PIL)."""
    twelve = list(range(12))
    return {
        "C": dict(items=twelve, shape=[3, 4], format="i"),
        "F": dict(items=twelve, shape=[3, 4], format="i", flags=("FORTRAN",)),
        "strided": dict(items=twelve, shape=[2, 3], strides=[-24, 8], offset=24, format="i"),
        "PIL": dict(items=twelve, shape=[3, 4], format="h", flags=("PIL",)),
        "PIL-strided": dict(items=twelve, shape=[2, 2], strides=[-12, -4], offset=20,
                            format="i", flags=("PIL",)),
        "0-d": dict(items=7, shape=[], format="q"),
        "zero-size": dict(items=twelve, shape=[3, 0], format="B"),
        "writable": dict(items=twelve, shape=[12], format="B", flags=("WRITABLE",)),
        "struct": dict(items=[(1, 2.5), (3, 4.5)], shape=[2], format="<id"),
    }


def ndarray_of(module_name, layout):
    def make():
        module = need(module_name)
        kwargs = dict(layout)
        flags = 0
        for name in kwargs.pop("flags", ()):
            flags |= getattr(module, "ND_" + name)
        return module.ndarray(kwargs.pop("items"), flags=flags, **kwargs)
    return make


def testbuffer_entries():
    entries = dict(("_testbuffer/" + name, ndarray_of("_testbuffer", layout))
                   for name, layout in layouts().items())

    def refuses_all():
        t = need("_testbuffer")
        return t.ndarray([1, 2, 3], shape=[3], flags=t.ND_GETBUF_FAIL)

    def redirect():
        t = need("_testbuffer")
        base = t.ndarray(list(range(6)), shape=[6], format="B")
        return t.ndarray(base, flags=t.ND_REDIRECT)
    entries["_testbuffer/refuses-all"] = refuses_all
    entries["_testbuffer/redirect"] = redirect
    return entries


def ours_entries():
    """mvspec_exporter.ndarray, the exporter of any layout, without faults."""
    return dict(("mvspec_exporter.ndarray/" + name, ndarray_of("mvspec_exporter", layout))
                for name, layout in layouts().items())


# --------------------------------------------------------------------- mvref

def mvref_entries():
    def view(make):
        def made():
            return need("mvref").memoryview(make())
        return made

    def zero_d():
        return need("mvref").memoryview(bytearray(range(8))).cast("q", [])

    def two_d():
        return need("mvref").memoryview(bytearray(range(24))).cast("i", [2, 3])
    return {
        "mvref/bytes": view(lambda: b"Hello world"),
        "mvref/bytearray": view(lambda: bytearray(b"Hello world")),
        "mvref/strided": lambda: need("mvref").memoryview(b"Hello world")[::2],
        "mvref/cast-2d": two_d,
        "mvref/cast-0d": zero_d,
    }


def entries():
    """Every exporter of the catalogue, by name, in the table's order."""
    out = {}
    for part in (BUILTINS, ARRAYS, ctypes_entries(), numpy_entries(),
                 testbuffer_entries(), mvref_entries(), ours_entries()):
        out.update(part)
    return out
