"""ctypes_ndarray: an ndarray of any layout, exported through ctypes.

For a CPython with a C API reachable from Python (ctypes.pythonapi) but no
compiled exporter: Pyodide before 3.14 has no _testbuffer, and no
mvspec_exporter can be built for it. mvadapter.py uses it there, after
_testbuffer and mvspec_exporter and before the stand-in; the hello line
then says "ndarray": "ctypes".

    ndarray(items, shape, strides=None, offset=0, format='B', flags=0)

is made as mvspec_exporter.ndarray (harness/exporter/ndarray.c) and
_testbuffer.ndarray make one: the items packed by struct one after another
into a block, shape, strides (default C order, or Fortran with ND_FORTRAN)
and offset describe what it shows; ND_WRITABLE makes it writable, ND_PIL
stores the first dimension as a table of pointers (each a C pointer of this
platform: 4 bytes on wasm32) with suboffsets[0] the bytes a pointer points
before its row:

    items 0..5, format 'B', shape [2, 3], strides [-3, 1], offset 3, ND_PIL

    table   │ p1 │ p0 │        buf = &p0: strides (-P, 1), suboffsets (0, -1)
              │    │
              │    └──────┐
              ▼           ▼
    block   │ 0 │ 1 │ 2 │ 3 │ 4 │ 5 │    tolist() == [[3, 4, 5], [0, 1, 2]]
             row 1       row 0

(the pointers in the order of their rows' addresses, as ndarray.c has them).

How the buffer protocol is served: a heap type made with PyType_FromSpec
whose Py_bf_getbuffer slot is a ctypes callback filling a Py_buffer (a
ctypes.Structure); `ndarray` is a Python subclass of it with the rest
(tolist(), item assignment, hash, the attributes).

It has no Py_bf_releasebuffer, so it counts no exports (nor has it, from
3.12, a __release_buffer__ method; no case asks for either): a consumer
releases a buffer with an exception pending (memoryview assignment of a
source of another structure releases it after setting ValueError), and a
ctypes callback called so loses that exception (ctypes runs Python code
with it set, reports the SystemError that follows as unraisable and clears
both), so the consumer raised "SystemError: error return without exception
set" where CPython raises the ValueError: 73 of the suite's cases did.
Giving memory back needs no release: the memory lives as long as the
ndarray, which every buffer holds a reference to.

The limit, and how it is kept honest: a ctypes callback cannot leave an
exception set for its C caller. ctypes.pythonapi raises an exception that
PyErr_SetString sets at once, inside the callback, and one that escapes the
callback is printed and cleared. So a refusal (a request the layout cannot
meet, e.g. PyBUF_WRITABLE of a read-only array) returns -1 with no exception
set, and the consumer then raises something of its own (SystemError, say),
not the BufferError _testbuffer's ndarray raises. Every such refusal is
recorded: refusals() gives them and mvadapter.py calls the case unsupported,
saying so, rather than answer with an outcome the ndarray would not give.
"""

import struct
import sys

if sys.implementation.name != "cpython":   # id() is an address only in CPython
    raise ImportError("ctypes_ndarray needs CPython (id() as an object's address)")

import ctypes  # noqa: E402 - after the check: other runtimes stop above
from ctypes import POINTER, Structure, c_char_p, c_int, c_ssize_t, c_uint, \
    c_void_p, py_object  # noqa: E402

ND_WRITABLE = 0x002          # the values of _testbuffer's and mvspec_exporter's
ND_FORTRAN = 0x004
ND_PIL = 0x010

PyBUF_WRITABLE = 0x0001
PyBUF_FORMAT = 0x0004
PyBUF_ND = 0x0008
PyBUF_STRIDES = 0x0010 | PyBUF_ND
PyBUF_C_CONTIGUOUS = 0x0020 | PyBUF_STRIDES
PyBUF_F_CONTIGUOUS = 0x0040 | PyBUF_STRIDES
PyBUF_ANY_CONTIGUOUS = 0x0080 | PyBUF_STRIDES
PyBUF_INDIRECT = 0x0100 | PyBUF_STRIDES

LAYOUT_NDIM = 128            # as mvspec_exporter: _testbuffer takes up to 128
SSIZE_MAX = (1 << (8 * ctypes.sizeof(c_ssize_t) - 1)) - 1
POINTER_SIZE = ctypes.sizeof(c_void_p)


class Py_buffer(Structure):
    """Python's Py_buffer (the same fields and order in 3.9-3.15)."""
    _fields_ = [("buf", c_void_p), ("obj", c_void_p), ("len", c_ssize_t),
                ("itemsize", c_ssize_t), ("readonly", c_int), ("ndim", c_int),
                ("format", c_void_p), ("shape", c_void_p), ("strides", c_void_p),
                ("suboffsets", c_void_p), ("internal", c_void_p)]


class _Slot(Structure):
    _fields_ = [("slot", c_int), ("pfunc", c_void_p)]


class _Spec(Structure):
    _fields_ = [("name", c_char_p), ("basicsize", c_int), ("itemsize", c_int),
                ("flags", c_uint), ("slots", POINTER(_Slot))]


_Py_bf_getbuffer = 1          # the slot numbers of CPython's C API
_Py_tp_new = 65
_Py_TPFLAGS_BASETYPE = 1 << 10
_Py_TPFLAGS_DEFAULT = 1 << 18   # Py_TPFLAGS_HAVE_VERSION_TAG (a no-op from 3.12)

_api = ctypes.pythonapi
_api.PyType_FromSpec.restype = py_object
_api.PyType_FromSpec.argtypes = [POINTER(_Spec)]
_api.Py_IncRef.argtypes = [py_object]
_api.Py_IncRef.restype = None

_REFUSALS = []


def refusals():
    """The refusals since the last call, each a message, and forget them."""
    got = list(_REFUSALS)
    del _REFUSALS[:]
    return got


def _wants(flags, request):
    return flags & request == request


def _unmet(nd, flags):
    """What the layout cannot meet of this request, as ndarray.c's unmet()."""
    if _wants(flags, PyBUF_WRITABLE) and nd._readonly:
        return "ndarray is not writable"
    if not _wants(flags, PyBUF_INDIRECT) and nd._pil:
        return "ndarray needs suboffsets: ask with PyBUF_INDIRECT"
    if _wants(flags, PyBUF_C_CONTIGUOUS) and not nd._c:
        return "ndarray is not C-contiguous"
    if _wants(flags, PyBUF_F_CONTIGUOUS) and not nd._f:
        return "ndarray is not Fortran-contiguous"
    if _wants(flags, PyBUF_ANY_CONTIGUOUS) and not nd._c and not nd._f:
        return "ndarray is not contiguous"
    if not _wants(flags, PyBUF_STRIDES) and not nd._c:
        return "ndarray is not C-contiguous: ask with PyBUF_STRIDES"
    return None


def _getbuffer(nd, view, flags):
    # Nothing may escape a ctypes callback: every path returns 0 or -1.
    try:
        why = _unmet(nd, flags) if nd._made else "the ndarray was never made"
        v = view.contents
        if why is not None:
            v.obj = None
            _REFUSALS.append("%s (flags 0x%x)" % (why, flags))
            return -1
        v.buf = nd._buf                                       # EXPORTER-003
        v.len = nd._len                                       # EXPORTER-006
        v.itemsize = nd._itemsize                             # EXPORTER-007
        v.readonly = 1 if nd._readonly else 0                 # EXPORTER-008, 009
        v.format = ctypes.addressof(nd._cformat) if _wants(flags, PyBUF_FORMAT) else None
        v.internal = None
        ndim = nd._ndim
        if _wants(flags, PyBUF_ND):                           # EXPORTER-012
            v.ndim = ndim
            v.shape = ctypes.addressof(nd._cshape) if ndim > 0 else None
        else:                                                 # EXPORTER-011
            v.ndim = 1
            v.shape = None
        v.strides = ctypes.addressof(nd._cstrides) \
            if _wants(flags, PyBUF_STRIDES) and ndim > 0 else None  # EXPORTER-013
        v.suboffsets = ctypes.addressof(nd._csuboffsets) \
            if _wants(flags, PyBUF_INDIRECT) and nd._pil else None  # EXPORTER-014
        _api.Py_IncRef(nd)                                    # EXPORTER-001
        v.obj = id(nd)      # CPython's id() is the object's address
        return 0
    except BaseException as e:  # noqa: BLE001 - must not leave the callback
        _REFUSALS.append("getbuffer failed: %s: %s" % (type(e).__name__, e))
        try:
            view.contents.obj = None
        except BaseException:  # noqa: BLE001
            pass
        return -1


_GETBUFFER = ctypes.CFUNCTYPE(c_int, py_object, POINTER(Py_buffer), c_int)(_getbuffer)


def _make_base():
    slots = (_Slot * 3)(
        _Slot(_Py_bf_getbuffer, ctypes.cast(_GETBUFFER, c_void_p).value),
        _Slot(_Py_tp_new, ctypes.cast(_api.PyType_GenericNew, c_void_p).value),
        _Slot(0, None))
    # One pointer more than object: so pickle refuses it as it refuses a C
    # type with a state of its own ("cannot pickle 'ndarray' object").
    spec = _Spec(b"ctypes_ndarray.exporter", object.__basicsize__ + POINTER_SIZE, 0,
                 _Py_TPFLAGS_DEFAULT | _Py_TPFLAGS_BASETYPE, slots)
    return _api.PyType_FromSpec(ctypes.byref(spec))


_Exporter = _make_base()


def _index(x):
    """x as a Py_ssize_t, as PyLong_AsSsize_t takes it."""
    if not isinstance(x, int):
        raise TypeError("'%s' object cannot be interpreted as an integer" % type(x).__name__)
    x = int(x)
    if not -SSIZE_MAX - 1 <= x <= SSIZE_MAX:
        raise OverflowError("Python int too large to convert to C ssize_t")
    return x


def _ints(seq, what):
    try:
        values = list(seq)
    except TypeError:
        raise TypeError("%s must be a sequence of ints" % what)
    if len(values) > LAYOUT_NDIM:
        raise ValueError("%s has more than %d entries" % (what, LAYOUT_NDIM))
    return [_index(x) for x in values]


def _contiguous_strides(shape, itemsize, order):
    strides = [0] * len(shape)
    step = itemsize
    dims = range(len(shape) - 1, -1, -1) if order == "C" else range(len(shape))
    for d in dims:
        strides[d] = step
        step *= shape[d]
    return strides


def _is_contiguous(shape, strides, itemsize, pil, order):
    if pil:
        return False
    n = 1
    for s in shape:
        n *= s
    if n == 0:
        return True
    want = _contiguous_strides(shape, itemsize, order)
    return all(shape[d] <= 1 or strides[d] == want[d] for d in range(len(shape)))


def _fits(x):
    return -SSIZE_MAX - 1 <= x <= SSIZE_MAX


def _range(shape, strides, itemsize):
    """(low, high) bytes from buf that the items cover, or None where
    ndarray.c's arithmetic in Py_ssize_t would overflow."""
    n = 1
    for s in shape:
        n *= s
        if not _fits(n):
            return None
    if n == 0:
        return 0, 0
    low, high = 0, itemsize
    for d in range(len(shape)):
        extent = strides[d] * (shape[d] - 1)
        if not _fits(extent):
            return None
        if extent < 0:
            low += extent
        else:
            high += extent
        if not _fits(low) or not _fits(high):
            return None
    return low, high


class ndarray(_Exporter):
    """An exporter of any layout, made as _testbuffer.ndarray makes one."""

    __slots__ = ("_made", "_block", "_blocklen", "_pointers", "_packer", "_cformat",
                 "_format", "_itemsize", "_nvalues", "_shape", "_strides", "_suboffsets",
                 "_cshape", "_cstrides", "_csuboffsets", "_ndim", "_buf", "_len",
                 "_offset", "_readonly", "_pil", "_c", "_f")

    def __init__(self, items, shape=None, strides=None, offset=0, format="B", flags=0):
        if getattr(self, "_block", None) is not None:
            raise TypeError("an ndarray is made once")
        self._made = False
        offset, flags = _index(offset), _index(flags)
        if not isinstance(format, str):
            raise TypeError("argument 5 must be str, not %s" % type(format).__name__)
        if flags & ~(ND_WRITABLE | ND_FORTRAN | ND_PIL):
            raise ValueError("flags 0x%x: only ND_WRITABLE, ND_FORTRAN and ND_PIL are known"
                             % flags)
        if shape is None:
            raise TypeError("shape is a required argument")
        self._take_format(format)
        self._readonly = not flags & ND_WRITABLE
        self._pil = bool(flags & ND_PIL)
        shape = _ints(shape, "shape")
        ndim = len(shape)
        if strides is not None:
            if flags & ND_FORTRAN:
                raise TypeError("ND_FORTRAN cannot be used together with strides")
            strides = _ints(strides, "strides")
            if len(strides) != ndim:
                raise ValueError("len(shape) != len(strides)")
        else:
            if any(s < 0 for s in shape):
                raise ValueError("elements of shape must be integers >= 0")
            strides = _contiguous_strides(shape, self._itemsize,
                                          "F" if flags & ND_FORTRAN else "C")
        if self._pil and ndim == 0:
            raise TypeError("ndim = 0 cannot be used in conjunction with ND_PIL")
        self._shape, self._strides, self._ndim, self._offset = shape, strides, ndim, offset
        self._take_items(items)
        self._check_layout()
        n = 1
        for s in shape:
            n *= s
        if not _fits(n * self._itemsize):
            raise ValueError("the shape holds too many items")
        self._len = n * self._itemsize
        self._buf = ctypes.addressof(self._block) + offset
        self._suboffsets = []
        if self._pil:
            self._make_pil()
        self._cshape = (c_ssize_t * max(ndim, 1))(*self._shape)
        self._cstrides = (c_ssize_t * max(ndim, 1))(*self._strides)
        self._csuboffsets = (c_ssize_t * max(ndim, 1))(*self._suboffsets)
        self._c = _is_contiguous(self._shape, self._strides, self._itemsize, self._pil, "C")
        self._f = _is_contiguous(self._shape, self._strides, self._itemsize, self._pil, "F")
        self._made = True

    # ---- construction ------------------------------------------------------

    def _take_format(self, format):
        self._packer = struct.Struct(format)
        self._itemsize = self._packer.size
        if self._itemsize == 0:
            raise ValueError("itemsize must not be zero")
        self._nvalues = len(self._packer.unpack(bytes(self._itemsize)))
        self._format = format
        self._cformat = ctypes.create_string_buffer(format.encode("utf-8"))

    def _pack(self, item, address):
        if self._nvalues == 1:
            args = (item,)
        elif isinstance(item, (tuple, list)):
            args = tuple(item)
        else:
            raise ValueError("mismatch between initializer element and format string")
        data = self._packer.pack(*args)
        ctypes.memmove(address, data, self._itemsize)

    def _take_items(self, items):
        if not isinstance(items, (list, tuple)):
            if self._ndim != 0:
                raise TypeError("items must be a list or a tuple")
            items = (items,)
        items = list(items)
        if not items:
            raise ValueError("items must not be empty")
        if self._ndim == 0:
            items = items[:1]      # a 0-d array holds the first item
        self._blocklen = len(items) * self._itemsize
        self._block = ctypes.create_string_buffer(self._blocklen)
        base = ctypes.addressof(self._block)
        for i, item in enumerate(items):
            self._pack(item, base + i * self._itemsize)

    def _check_layout(self):
        itemsize = self._itemsize
        for d in range(self._ndim):
            if self._shape[d] < 0:
                raise ValueError("elements of shape must be integers >= 0")
            if self._strides[d] % itemsize != 0:
                raise ValueError("strides must be a multiple of itemsize")
        if self._offset % itemsize != 0:
            raise ValueError("offset must be a multiple of itemsize")
        if self._offset < 0 or self._offset > self._blocklen - itemsize:
            raise ValueError("offset out of bounds")
        r = _range(self._shape, self._strides, itemsize)
        if r is None or (r != (0, 0) and (self._offset + r[0] < 0
                                          or self._offset + r[1] > self._blocklen)):
            raise ValueError("invalid combination of items, shape, strides and offset: "
                             "an item lies outside the items given")

    def _make_pil(self):
        """The first dimension as a table of pointers (ndarray.c's make_pil)."""
        shape, strides = self._shape, self._strides
        n, back = shape[0], 0
        for d in range(self._ndim):
            if shape[d] <= 0:
                break
            if d > 0 and strides[d] < 0:
                back -= strides[d] * (shape[d] - 1)
        self._pointers = (c_void_p * max(n, 1))()
        for i in range(n):
            slot = n - 1 - i if strides[0] < 0 else i
            self._pointers[slot] = self._buf + i * strides[0] - back
        table = ctypes.addressof(self._pointers)
        self._buf = table + (POINTER_SIZE * (n - 1) if strides[0] < 0 and n > 0 else 0)
        self._strides = [-POINTER_SIZE if strides[0] < 0 else POINTER_SIZE] + strides[1:]
        self._suboffsets = [back] + [-1] * (self._ndim - 1)

    # ---- items -------------------------------------------------------------

    def _made_or_raise(self):
        if not getattr(self, "_made", False):
            raise ValueError("the ndarray was never made (its __init__ failed)")

    def _item_at(self, index):
        p = self._buf
        for d in range(self._ndim):
            p += index[d] * self._strides[d]
            if self._pil and self._suboffsets[d] >= 0:
                p = c_void_p.from_address(p).value + self._suboffsets[d]
        return p

    def _unpack(self, address):
        values = self._packer.unpack(ctypes.string_at(address, self._itemsize))
        return values[0] if self._nvalues == 1 else values

    def _tolist(self, d, index):
        if d == self._ndim:
            return self._unpack(self._item_at(index))
        out = []
        for i in range(self._shape[d]):
            index[d] = i
            out.append(self._tolist(d + 1, index))
        return out

    def tolist(self):
        """The items as nested lists (the item itself for ndim 0)."""
        self._made_or_raise()
        return self._tolist(0, [0] * self._ndim)

    def __hash__(self):
        # As _testbuffer's: a writable array refuses, a read-only one hashes
        # as the bytes of its items in C order (HASH-004 asks it).
        self._made_or_raise()
        if not self._readonly:
            raise ValueError("cannot hash writable ndarray object")
        with memoryview(self) as m:
            return hash(m.tobytes())

    def __setitem__(self, key, value):
        self._made_or_raise()
        if self._readonly:
            raise TypeError("ndarray is not writable")
        if isinstance(key, tuple):
            index = _ints(key, "an index")
        else:
            try:
                index = [key.__index__()]
            except AttributeError:
                raise TypeError("'%s' object cannot be interpreted as an integer"
                                % type(key).__name__)
            if not _fits(index[0]):
                raise IndexError("cannot fit 'int' into an index-sized integer")
        if len(index) != self._ndim:
            raise TypeError("ndarray of %d dimensions takes %d indexes, not %d"
                            % (self._ndim, self._ndim, len(index)))
        for d in range(self._ndim):
            if index[d] < 0:
                index[d] += self._shape[d]
            if not 0 <= index[d] < self._shape[d]:
                raise IndexError("index out of bounds")
        self._pack(value, self._item_at(index))

    def __delitem__(self, key):
        self._made_or_raise()
        raise TypeError("ndarray items cannot be deleted")

    def __reduce_ex__(self, protocol):
        raise TypeError("cannot pickle 'ndarray' object")

    # ---- attributes ----------------------------------------------------------

    shape = property(lambda self: tuple(self._shape), doc="the shape, as a tuple")
    strides = property(lambda self: tuple(self._strides), doc="the strides it exports")
    suboffsets = property(lambda self: tuple(self._suboffsets), doc="() unless ND_PIL")
    format = property(lambda self: self._format, doc="the struct format of one item")
    itemsize = property(lambda self: self._itemsize, doc="bytes in one item")
    ndim = property(lambda self: self._ndim, doc="the number of dimensions")
    nbytes = property(lambda self: self._len, doc="product(shape) * itemsize")
    offset = property(lambda self: self._offset, doc="bytes from the items' start to buf")
    readonly = property(lambda self: self._readonly, doc="whether it refuses writable requests")
    c_contiguous = property(lambda self: self._c, doc="C-contiguous")
    f_contiguous = property(lambda self: self._f, doc="Fortran-contiguous")
    contiguous = property(lambda self: self._c or self._f, doc="C- or Fortran-contiguous")


def works():
    """Whether this runtime can export through ctypes: one small ndarray,
    viewed and read back."""
    try:
        nd = ndarray([1, 2, 3, 4], shape=[2, 2], strides=[-2, 1], offset=2, flags=ND_PIL)
        with memoryview(nd) as m:
            return m.obj is nd and m.tolist() == [[3, 4], [1, 2]] == nd.tolist() \
                and refusals() == []
    except Exception:  # noqa: BLE001 - any failure means: not here
        return False

