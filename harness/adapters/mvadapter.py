"""mvadapter: the mvspec adapter for every Python implementation.

It speaks spec/protocol.md: a hello line, then one result line per case line.
Run directly (``python mvadapter.py``) it reads its own standard input; under
Pyodide, MicroPython and Brython a small Node wrapper loads this file and calls
``handle_line`` once per case.  Run under CPython it is the oracle that records
the expected outcomes.

This file is written in the subset of Python that CPython 3.6+, PyPy,
MicroPython, Pyodide and Brython all run: no f-strings, no dataclasses, no
typing, no walrus, no match; only the modules json, struct, sys and array are
assumed, and _testbuffer, mvspec_exporter, numpy, pickle, copy, builtins,
decimal and fractions are used when present. Where a runtime lacks part of
even that (MicroPython cannot call slice(), Brython mishandles an empty **{}),
the "portability" section below stands in.  Cases are data: nothing in a case
is ever evaluated as code, every operation below is looked up in a closed
table; a class a case describes is made with type() from fixed methods that
read the description.

Under CPython it can also run the suite through the C reference instead of the
builtin memoryview: with MVSPEC_MEMORYVIEW=mvref in the environment (and the
directory of the extension module in MVSPEC_MVREF_PATH), every `memoryview`
step makes an mvref.memoryview, and the hello line names the implementation
"mvref" (`python3 -m harness run mvref` sets both).

An `ndarray` setup is built by the first of these the runtime has (the hello
line's "ndarray" field says which; the "exporters" section below explains):
_testbuffer.ndarray (CPython's own); mvspec_exporter.ndarray (harness/exporter/,
for a runtime with a C API and no _testbuffer, such as PyPy; found in the
directory MVSPEC_EXPORTER_DIR names); ctypes_ndarray.ndarray (beside this
file: a CPython whose ctypes reaches its C API, such as Pyodide before 3.14);
or a stand-in made of the runtime's own
exporters, a bytes or bytearray object whose views are cast to the ndarray's
format and shape, for a C-contiguous layout in a case whose steps cannot tell
it from an ndarray. MVSPEC_NDARRAY=mvspec_exporter, =ctypes, =stand-in or
=stand-in-without-cast in the environment skips the ones before it (the tests
run CPython so, to show that every way gives CPython's outcomes).
"""

import sys
import json
import struct

try:
    import array
except ImportError:  # some minimal builds have no array module
    array = None
try:
    import numpy
except ImportError:
    numpy = None
try:
    import copy
except ImportError:
    copy = None

PROTOCOL = 1
INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1


class Unsupported(Exception):
    """The case needs something this implementation lacks."""


# ------------------------------------------------------------ memoryview ---
# The memoryview under test: the runtime's own, or the C reference's Python
# binding (reference/python/) when the environment asks for it. The
# environment is read only where the runtime has already imported os (CPython
# always has): importing it would cost the others time, and they have no mvref.
# mvref raises mvref.Unsupported for what the reference does not model; a case
# that meets it is unsupported, never given a Python outcome.

def _environment():
    os = sys.modules.get("os")
    return getattr(os, "environ", None) or {}


MEMORYVIEW = memoryview
MEMORYVIEW_NAME = None            # the hello line's implementation, if not the runtime
UNSUPPORTED_ERRORS = ()
mvref = None


def use_mvref(module):
    """Make every `memoryview` step make a view of `module` (the C
    reference's mvref); the differential fuzzer calls this on a copy of this
    module that it loads in its own process (harness/fuzz/sides.py)."""
    global MEMORYVIEW, MEMORYVIEW_NAME, UNSUPPORTED_ERRORS, mvref
    mvref = module
    MEMORYVIEW = module.memoryview
    MEMORYVIEW_NAME = "mvref"
    UNSUPPORTED_ERRORS = (module.Unsupported,)


if _environment().get("MVSPEC_MEMORYVIEW") == "mvref":
    if _environment().get("MVSPEC_MVREF_PATH"):
        sys.path.insert(0, _environment()["MVSPEC_MVREF_PATH"])
    import mvref as _mvref
    use_mvref(_mvref)


class Unbound(Exception):
    """A step names an object that an earlier step failed to bind."""


def _hex(b):
    return "".join(["%02x" % x for x in bytearray(b)])


def _unhex(s):
    return bytes(bytearray([int(s[i:i + 2], 16) for i in range(0, len(s), 2)]))


def _float_bits(x):
    return _hex(struct.pack(">d", x))


# ----------------------------------------------------------- portability ---
# Stand-ins where a runtime lacks part of the subset, chosen by probing for
# the gap (never by the runtime's name). Under CPython each gives exactly what
# the plain code gives, so the recorded outcomes cannot depend on them.


def _json_joins_surrogates():
    # CPython writes a character beyond U+FFFF as a "\ud83d\ude00" escape
    # pair; MicroPython's json.loads leaves the pair as two lone surrogates.
    return json.loads('"\\ud83d\\ude00"') == "\U0001f600"


def _joined(s):
    out = []
    i = 0
    while i < len(s):
        hi = ord(s[i])
        if 0xD800 <= hi < 0xDC00 and i + 1 < len(s) \
                and 0xDC00 <= ord(s[i + 1]) < 0xE000:
            lo = ord(s[i + 1])
            out.append(chr(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


if _json_joins_surrogates():
    def join_surrogates(s):
        return s
else:
    join_surrogates = _joined


class _SliceMaker(object):
    """obj[a:b:c] hands __getitem__ the slice(a, b, c) a caller wrote."""

    def __getitem__(self, key):
        return key


def _slice_by_constructor():
    # MicroPython's slice type cannot be called ("can't create 'slice'
    # instances"); its subscripts still build slices.
    try:
        slice(None, None, None)
        return True
    except TypeError:
        return False


if _slice_by_constructor():
    make_slice = slice
else:
    def make_slice(start, stop, step):
        return _SliceMaker()[start:stop:step]


def call(f, args, kwargs):
    # Brython hands an empty **{} to a builtin method as one more positional
    # argument ("append takes exactly one argument (2 given)").
    if kwargs:
        return f(*args, **kwargs)
    return f(*args)


# ---------------------------------------------------------------- values ---

def encode(v, env):
    """Encode a Python value as protocol.md section 3 says."""
    if v is None or v is True or v is False:
        return v
    t = type(v)
    if t is int:
        if INT64_MIN <= v <= INT64_MAX:
            return v
        return {"int": str(v)}
    if t is float:
        return encode_float(v)
    if t is str:
        return v
    if t is bytes:
        return {"bytes": _hex(v)}
    if t is list:
        return [encode(x, env) for x in v]
    if t is tuple:
        return {"tuple": [encode(x, env) for x in v]}
    for name in env:
        if env[name] is v:
            return {"ref": name}
    return {"object": t.__name__}


def encode_float(x):
    if x != x:
        return {"float": "nan", "bits": _float_bits(x)}
    text = repr(x)
    # Some implementations print fewer digits than it takes to round-trip;
    # the encoding must be exact, so fall back to 17 significant digits.
    try:
        exact = _float_bits(float(text)) == _float_bits(x)
    except ValueError:
        exact = False
    if not exact:
        text = "%.17g" % x
    return {"float": text}


def decode(j, env):
    """Decode a protocol value into a Python value; refs look up env."""
    if j is None or j is True or j is False:
        return j
    t = type(j)
    if t is int:
        return j
    if t is str:
        return join_surrogates(j)
    if t is list:
        return [decode(x, env) for x in j]
    if t is not dict or len(j) == 0:
        raise ValueError("not a protocol value: %r" % (j,))
    if "int" in j:
        return int(j["int"])
    if "float" in j:
        if "bits" in j:
            return struct.unpack(">d", _unhex(j["bits"]))[0]
        return float(j["float"])
    if "bytes" in j:
        return _unhex(j["bytes"])
    if "tuple" in j:
        return tuple([decode(x, env) for x in j["tuple"]])
    if "slice" in j:
        a, b, c = j["slice"]
        return make_slice(decode(a, env), decode(b, env), decode(c, env))
    if "ellipsis" in j:
        return Ellipsis
    if "ref" in j:
        return lookup(env, j["ref"])
    for key in BUILTIN_VALUES:
        if key in j:
            return BUILTIN_VALUES[key](j[key], env)
    raise ValueError("not a protocol value: %r" % (j,))


def lookup(env, name):
    if name not in env:
        raise Unbound(name)
    return env[name]


# -------------------------------------------------------- Python objects ---
# Values of other Python types (protocol.md sections 3 and 5.1): complex,
# Decimal, Fraction, dict, set, frozenset, a plain object(), a function, and
# objects of a class the case describes as data. decimal and fractions are
# imported when a case first needs them (Brython takes seconds over them);
# a runtime without them answers the case "unsupported".


def _module(name):
    try:
        return __import__(name)
    except ImportError:
        raise Unsupported("no %s module" % name)


def _new(kind, env):
    if kind == "object":
        return object()
    if kind == "function":
        def function():
            return None
        return function
    raise ValueError("not a protocol value: new %r" % (kind,))


def _items(j, env):
    return [decode(x, env) for x in j]


def _dict(j, env):
    d = {}
    for pair in j:
        d[decode(pair[0], env)] = decode(pair[1], env)
    return d


BUILTIN_VALUES = {
    "complex": lambda j, env: complex(decode(j[0], env), decode(j[1], env)),
    "decimal": lambda j, env: _module("decimal").Decimal(j),
    "fraction": lambda j, env: _module("fractions").Fraction(j),
    "dict": _dict,
    "set": lambda j, env: set(_items(j, env)),
    "frozenset": lambda j, env: frozenset(_items(j, env)),
    "new": _new,
}

# The dunder methods a described class may have, and the exceptions its
# methods may raise: closed lists, looked up, never evaluated.
DUNDERS = ("__index__", "__int__", "__float__", "__complex__", "__bool__",
           "__len__", "__eq__")
EXCEPTIONS = ("ArithmeticError", "AttributeError", "BufferError", "Exception",
              "IndexError", "LookupError", "NotImplementedError",
              "OverflowError", "RuntimeError", "TypeError", "UnicodeError",
              "ValueError", "ZeroDivisionError")


def _exception(raises):
    name = raises["type"]
    cls = None
    if name in EXCEPTIONS:
        cls = getattr(_module("builtins"), name, None)
    if cls is None:
        raise Unsupported("exception %s" % name)
    return cls(raises["message"])


def _run_inner(step, env):
    """A step of a method: run as a case's step is, but its exception is
    the method's, and it binds and drops no name."""
    op = OPS.get(step.get("op"))
    if op is None or op is op_drop or "as" in step:
        raise Unsupported("in a method: step %s" % step.get("op"))
    op(step, env)


def _method(name, spec, env, calls):
    def method(self, *args):
        calls[name] = calls.get(name, 0) + 1
        for step in spec.get("steps", []):
            _run_inner(step, env)
        if "raises" in spec:
            raise _exception(spec["raises"])
        return decode(spec["returns"], env)
    return method


def build_object(spec, env):
    calls = {}
    # one module name wherever the adapter runs (as __main__ or imported):
    # 3.15's messages quote it (mvadapter.Idx.__index__() must return ...)
    namespace = {"_mvspec_calls": calls, "__module__": "mvadapter"}
    methods = spec.get("methods", {})
    for name in methods:
        if name not in DUNDERS:
            raise Unsupported("method %s" % name)
        namespace[name] = _method(name, methods[name], env, calls)
    return type(str(spec["class"]), (object,), namespace)()


# ------------------------------------------------------------- exporters ---

def exporters():
    kinds = ["bytes", "bytearray", "value", "object"]
    if array is not None:
        kinds.append("array")
    kinds.append("ndarray")     # at worst as a stand-in, for some layouts
    if numpy is not None:
        kinds.append("numpy")
    return kinds


def build_bytes(spec, env):
    return bytes(decode(spec["data"], env))


def build_bytearray(spec, env):
    return bytearray(decode(spec["data"], env))


def build_array(spec, env):
    if array is None:
        raise Unsupported("no array module")
    return array.array(spec["typecode"], decode(spec["items"], env))


# An `ndarray` setup is made by the first of these the runtime has:
#
#   _testbuffer       CPython's test exporter: every layout. The oracles
#                     record with it.
#   mvspec_exporter   the project's exporter of any layout (harness/exporter/,
#                     public C API only), built for each interpreter into
#                     $MVSPEC_EXPORTER_DIR/<implementation>-<version>/ by
#                     `make exporter-modules`: every layout, where _testbuffer
#                     is missing (PyPy, a CPython built without tests).
#   ctypes            ctypes_ndarray.py (beside this file): every layout,
#                     exported through ctypes.pythonapi where the runtime
#                     has a C API but neither of the above (Pyodide before
#                     3.14). Its getbuffer cannot raise (a ctypes callback
#                     cannot leave an exception set), so a case in which it
#                     refuses a request is unsupported, saying so.
#   stand-in          the runtime's own exporters, where none of these exists
#                     (MicroPython, Brython): see below.

def _ndarray_module():
    """(how an ndarray is made, the module that makes it, or None)."""
    force = _environment().get("MVSPEC_NDARRAY", "")
    if not force:
        try:
            import _testbuffer
            return "_testbuffer", _testbuffer
        except ImportError:
            pass
    if force in ("", "mvspec_exporter") and _environment().get("MVSPEC_EXPORTER_DIR"):
        v = sys.implementation.version
        sys.path.insert(0, "%s/%s-%d.%d.%d" % (_environment()["MVSPEC_EXPORTER_DIR"],
                                               sys.implementation.name, v[0], v[1], v[2]))
        try:
            import mvspec_exporter
            return "mvspec_exporter", mvspec_exporter
        except ImportError:
            if force:
                raise
    if force in ("", "ctypes"):
        module = _ctypes_ndarray()
        if module is not None:
            return "ctypes", module
        if force:
            raise ImportError("MVSPEC_NDARRAY=ctypes, and ctypes_ndarray does not work here")
    return "stand-in", None


def _ctypes_ndarray():
    """ctypes_ndarray (beside this file), where ctypes reaches the C API
    and an ndarray made with it works; else None."""
    if sys.implementation.name != "cpython":
        return None     # id() is not an address, pythonapi is not CPython's
    path = globals().get("__file__", "")
    here = path.rsplit("/", 1)[0] if "/" in path else "."
    if here not in sys.path:
        sys.path.insert(0, here)
    try:
        import ctypes_ndarray
    except Exception:
        return None     # no ctypes, no pythonapi, not CPython: not here
    return ctypes_ndarray if ctypes_ndarray.works() else None


NDARRAY, ndarray_module = _ndarray_module()


def build_ndarray(spec, env):
    if ndarray_module is None:
        return stand_in(spec, env)
    flags = 0
    if not spec.get("readonly", True):
        flags |= ndarray_module.ND_WRITABLE
    if spec.get("fortran", False):
        flags |= ndarray_module.ND_FORTRAN
    if spec.get("pil", False):
        flags |= ndarray_module.ND_PIL
    kwargs = {"shape": spec["shape"], "offset": spec.get("offset", 0),
              "format": spec["format"], "flags": flags}
    if spec.get("strides") is not None:
        kwargs["strides"] = spec["strides"]
    return ndarray_module.ndarray(decode(spec["items"], env), **kwargs)


# The stand-in. An ndarray whose layout is C order from its first byte (no
# suboffsets, no offset, strides those of C order) has in its buffer the
# same bytes, in the same order, as a bytes object (read-only) or a bytearray
# (writable) holding its items packed by struct, as _testbuffer packs them.
# So the exporter `x` is bound to that bytes or bytearray, and a step
# `memoryview(x)` makes
#
#   memoryview(x)                         1 dimension, format exactly 'B'
#   memoryview(x).cast(format[, shape])   any other, where views have cast()
#   memoryview(array.array(format, items))  1 dimension, writable, where
#                                         views have no cast() (MicroPython)
#
# (x is then that array), a view with the ndarray's format, itemsize, shape,
# strides, readonly and bytes, whose obj is x. The view is made once at
# setup and its layout checked, so a runtime whose cast() cannot give the
# layout (or that refuses it: CPython casts to no shape with a 0 in it) leaves
# the case unsupported rather than measuring its cast() instead.
#
# What differs is the exporter itself: its type, its own methods, its
# comparisons and its hash (a read-only view hashes only if its exporter
# does: a writable ndarray refuses with ValueError, a bytearray with
# TypeError; bytes hash by their bytes, as a read-only ndarray does), and
# that a view's obj, when x is bytes, is written as a bytes value, not as x.
# So a case with a stand-in runs only when its steps use `x` just as
# `memoryview(x)`, `contents` of x (the ndarray's tolist(), answered by
# unpacking x with struct as the ndarray's tolist() does) and `drop` of x,
# hash no view of a writable one and read no view's obj of a read-only one;
# any other case is unsupported, saying why. tests/test_ndarray_exporters.py runs every ndarray case on every
# CPython here both ways, and finds the same outcomes wherever a stand-in
# runs.

STAND_INS = {}      # name -> (readonly, cast arguments or None), this case's
CAST = hasattr(memoryview, "cast") and \
    _environment().get("MVSPEC_NDARRAY") != "stand-in-without-cast"


def stand_in(spec, env):
    shape = spec["shape"]
    fmt = spec["format"]
    if spec.get("pil", False):
        raise Unsupported("no ndarray exporter here, and suboffsets have no stand-in")
    size = struct.calcsize(fmt)
    if spec.get("offset", 0) != 0 or layout_strides(spec, size) != c_strides(shape, size):
        raise Unsupported("no ndarray exporter here, and only C order has a stand-in")
    items = decode(spec["items"], env)
    if len(shape) == 0:
        items = [items]
    else:           # the items a view of the layout reaches: those before the rest
        items = items[:product(shape)]
    readonly = spec.get("readonly", True)
    cast = None
    if len(shape) == 1 and fmt == "B":
        x = bytes(items) if readonly else bytearray(items)
    elif CAST:
        packed = b"".join([struct.pack(fmt, item) for item in items])
        x = bytes(packed) if readonly else bytearray(packed)
        cast = [fmt] if len(shape) == 1 else [fmt, shape]
    elif len(shape) == 1 and not readonly and array is not None:
        x = array.array(fmt, items)
    else:
        raise Unsupported("no ndarray exporter here, and views have no cast()"
                          " to stand in for this one")
    check_stand_in(stand_in_view(memoryview, x, cast), shape, fmt, size, readonly)
    STAND_INS[spec["name"]] = (readonly, cast)
    return x


def stand_in_view(make, x, cast):
    if cast is None:
        return make(x)
    return make(x).cast(*cast)


def check_stand_in(view, shape, fmt, size, readonly):
    """The layout the stand-in's view has is the ndarray's, as far as this
    runtime's views tell (MicroPython's tell nothing)."""
    if not isinstance(view, memoryview):
        raise Unsupported("no ndarray exporter here, and the stand-in's cast() gives"
                          " a %s, not a view" % type(view).__name__)
    want = [("format", fmt), ("itemsize", size), ("shape", tuple(shape)),
            ("strides", tuple(c_strides(shape, size))), ("suboffsets", ()),
            ("readonly", readonly)]
    for name, value in want:
        if hasattr(view, name) and getattr(view, name) != value:
            raise Unsupported("no ndarray exporter here, and the stand-in's view has"
                              " %s %r, not %r" % (name, getattr(view, name), value))
    if hasattr(view, "release"):
        view.release()


def stand_in_items(name, x):
    """What the ndarray's tolist() would give: x's items, unpacked."""
    cast = STAND_INS[name][1]
    if cast is None:
        return list(x)
    fmt = cast[0]
    size = struct.calcsize(fmt)
    flat = [struct.unpack(fmt, x[i:i + size])[0] for i in range(0, len(x), size)]
    if len(cast) == 1:
        return flat
    return nested(flat, cast[1])


def nested(flat, shape):
    if len(shape) == 0:
        return flat[0]
    if len(shape) == 1:
        return flat
    n = len(flat) // shape[0]
    return [nested(flat[i * n:(i + 1) * n], shape[1:]) for i in range(shape[0])]


def layout_strides(spec, itemsize):
    if spec.get("strides") is not None:
        return list(spec["strides"])
    if spec.get("fortran", False):
        return list(reversed(c_strides(list(reversed(spec["shape"])), itemsize)))
    return c_strides(spec["shape"], itemsize)


def product(shape):
    n = 1
    for k in shape:
        n *= k
    return n


def c_strides(shape, itemsize):
    strides = []
    step = itemsize
    for n in reversed(shape):
        strides.insert(0, step)
        step *= n
    return strides


def stand_in_seen(steps):
    """Why these steps could tell a stand-in from an ndarray, or None."""
    for step in steps:
        op = step.get("op")
        read_only = [ro for ro, _ in STAND_INS.values()]
        if op == "hash" and False in read_only:
            return "it hashes a view, which hashes a writable exporter"
        if op == "getattr" and step.get("name") == "obj" and True in read_only:
            return "a view's obj would be bytes, a value, not x"
        named = refs_in(step, [])
        if step.get("obj") is not None:
            named.append(step["obj"])
        if op == "drop":
            named.append(step["name"])
        for name in named:
            if name in STAND_INS and not (op in ("contents", "drop")
                                          or stand_in_made(step, name)):
                return "step %s uses %s itself" % (op, name)
    return None


def stand_in_made(step, name):
    """This step is memoryview(name), which makes the stand-in's view."""
    return step.get("op") == "memoryview" and step.get("args") == [{"ref": name}] \
        and not step.get("kwargs")


def refs_in(j, found):
    """Every name a {"ref": name} anywhere in j refers to, added to found."""
    if type(j) is dict:
        if "ref" in j and len(j) == 1:
            found.append(j["ref"])
        for k in j:
            refs_in(j[k], found)
    elif type(j) is list:
        for x in j:
            refs_in(x, found)
    return found


def build_numpy(spec, env):
    if numpy is None:
        raise Unsupported("no numpy")
    a = numpy.array(decode(spec["items"], env), dtype=spec["dtype"])
    a = a.reshape(spec["shape"], order=spec.get("order", "C"))
    if spec.get("readonly", False):
        a.setflags(write=False)
    return a


def build_value(spec, env):
    return decode(spec["value"], env)


BUILDERS = {
    "bytes": build_bytes,
    "bytearray": build_bytearray,
    "array": build_array,
    "ndarray": build_ndarray,
    "numpy": build_numpy,
    "value": build_value,
    "object": build_object,
}

# ----------------------------------------------------------------- steps ---

ATTRIBUTES = ("obj", "nbytes", "readonly", "itemsize", "format", "ndim", "shape",
              "strides", "suboffsets", "c_contiguous", "f_contiguous",
              "contiguous")

VIEW_METHODS = ("tolist", "tobytes", "hex", "cast", "release", "toreadonly",
                "__enter__", "__exit__", "count", "index", "__buffer__",
                "__release_buffer__")
BYTEARRAY_METHODS = ("append", "extend", "pop", "clear", "insert", "remove",
                     "reverse", "__iadd__", "__imul__")
ARRAY_METHODS = ("append", "extend", "pop", "insert", "remove", "reverse",
                 "byteswap", "frombytes", "tolist", "tobytes", "__iadd__",
                 "__imul__")


# The vocabulary, not a type check: a method is called on whatever object the
# implementation produced (a wrong one raises AttributeError, an outcome).
METHODS = VIEW_METHODS + BYTEARRAY_METHODS + ARRAY_METHODS


def args_of(step, env):
    args = [decode(a, env) for a in step.get("args", [])]
    kwargs = {}
    kw = step.get("kwargs", {})
    for k in kw:
        kwargs[k] = decode(kw[k], env)
    return args, kwargs


def op_memoryview(step, env):
    args, kwargs = args_of(step, env)
    for name in STAND_INS:
        if stand_in_made(step, name):
            return stand_in_view(MEMORYVIEW, args[0], STAND_INS[name][1])
    return call(MEMORYVIEW, args, kwargs)


def op_getitem(step, env):
    return lookup(env, step["obj"])[decode(step["key"], env)]


def op_setitem(step, env):
    obj = lookup(env, step["obj"])
    obj[decode(step["key"], env)] = decode(step["value"], env)


def op_delitem(step, env):
    obj = lookup(env, step["obj"])
    del obj[decode(step["key"], env)]


def op_getattr(step, env):
    name = step["name"]
    if name not in ATTRIBUTES:
        raise Unsupported("attribute %s" % name)
    obj = lookup(env, step["obj"])
    return getattr(obj, name)


def op_call(step, env):
    obj = lookup(env, step["obj"])
    name = step["method"]
    if name not in METHODS:
        raise Unsupported("method %s" % name)
    args, kwargs = args_of(step, env)
    # getattr raising AttributeError is an outcome: the implementation lacks
    # the method (e.g. count before 3.14), which the case records.
    return call(getattr(obj, name), args, kwargs)


def op_len(step, env):
    return len(lookup(env, step["obj"]))


def op_bool(step, env):
    return bool(lookup(env, step["obj"]))


def op_list(step, env):
    return list(lookup(env, step["obj"]))


def op_bytes(step, env):
    return bytes(lookup(env, step["obj"]))


def op_hash(step, env):
    return hash(lookup(env, step["obj"])) == hash(decode(step["like"], env))


def op_eq(step, env):
    return decode(step["a"], env) == decode(step["b"], env)


def op_ne(step, env):
    return decode(step["a"], env) != decode(step["b"], env)


def op_lt(step, env):
    return decode(step["a"], env) < decode(step["b"], env)


def op_le(step, env):
    return decode(step["a"], env) <= decode(step["b"], env)


def op_gt(step, env):
    return decode(step["a"], env) > decode(step["b"], env)


def op_ge(step, env):
    return decode(step["a"], env) >= decode(step["b"], env)


def op_is(step, env):
    return decode(step["a"], env) is decode(step["b"], env)


def op_contents(step, env):
    obj = lookup(env, step["obj"])
    if step["obj"] in STAND_INS:
        return stand_in_items(step["obj"], obj)
    if isinstance(obj, (bytes, bytearray)):
        return bytes(obj)
    if array is not None and isinstance(obj, array.array) \
            and not hasattr(obj, "tolist"):
        return list(obj)    # MicroPython's array has no tolist; same items
    return obj.tolist()


def op_pickle(step, env):
    # Imported here, not at the top: compiling pickle and what it imports
    # takes Brython seconds at every start, and few cases pickle.
    try:
        import pickle
    except ImportError:
        raise Unsupported("no pickle module")
    obj = lookup(env, step["obj"])
    if "protocol" in step:
        pickle.dumps(obj, step["protocol"])
    else:
        pickle.dumps(obj)
    return True


def op_copy(step, env):
    if copy is None:
        raise Unsupported("no copy module")
    obj = lookup(env, step["obj"])
    if step.get("deep", False):
        return copy.deepcopy(obj)
    return copy.copy(obj)


def op_iter(step, env):
    return iter(lookup(env, step["obj"]))


def op_next(step, env):
    return next(lookup(env, step["obj"]))


def op_contains(step, env):
    return decode(step["value"], env) in lookup(env, step["obj"])


def op_calls(step, env):
    calls = getattr(type(lookup(env, step["obj"])), "_mvspec_calls", None)
    if calls is None:
        raise Unsupported("calls of an object no setup described")
    return calls.get(step["method"], 0)


def op_drop(step, env):
    lookup(env, step["name"])
    del env[step["name"]]


OPS = {
    "memoryview": op_memoryview,
    "getitem": op_getitem,
    "setitem": op_setitem,
    "delitem": op_delitem,
    "getattr": op_getattr,
    "call": op_call,
    "len": op_len,
    "bool": op_bool,
    "list": op_list,
    "bytes": op_bytes,
    "hash": op_hash,
    "eq": op_eq,
    "ne": op_ne,
    "lt": op_lt,
    "le": op_le,
    "gt": op_gt,
    "ge": op_ge,
    "is": op_is,
    "contents": op_contents,
    "pickle": op_pickle,
    "copy": op_copy,
    "iter": op_iter,
    "next": op_next,
    "contains": op_contains,
    "drop": op_drop,
    "calls": op_calls,
}

# ------------------------------------------------------------------ cases ---


def run_step(step, env, seen=None):
    """The step's outcome; `seen`, if given, is called with the object the
    step produced (python3 -m harness explain draws the views it sees)."""
    op = OPS.get(step.get("op"))
    if op is None:
        raise Unsupported("op %s" % step.get("op"))
    try:
        result = op(step, env)
    except (Unsupported, Unbound):
        raise
    except Exception as e:
        if UNSUPPORTED_ERRORS and isinstance(e, UNSUPPORTED_ERRORS):
            raise Unsupported("%s: %s" % (MEMORYVIEW_NAME, e))
        return {"raises": {"type": type(e).__name__, "message": str(e)}}
    if seen is not None:
        seen(result)
    # Encode before binding: a new object shows as {"object": ...}, while one
    # that is an existing named object shows as {"ref": ...}.
    outcome = {"value": encode(result, env)}
    if "as" in step:
        env[step["as"]] = result
    return outcome


def run_case(case, watch=None):
    """The case's outcomes. `watch`, if given, sees the program run: its
    setup(spec, obj) for each object built, step(index, step, result) for
    each step's result, end(env) once (the layout probe, harness/layout/)."""
    env = {}
    STAND_INS.clear()
    for spec in case.get("setup", []):
        builder = BUILDERS.get(spec.get("kind"))
        if builder is None:
            raise Unsupported("exporter %s" % spec.get("kind"))
        try:
            env[spec["name"]] = builder(spec, env)
        except Unsupported:
            raise
        except Exception as e:
            # The case's objects cannot be built here (a typecode this
            # implementation lacks, say): the case cannot run, which is not
            # the same as a wrong answer.
            raise Unsupported("setup of %s failed: %s: %s"
                              % (spec.get("name"), type(e).__name__, e))
        if watch is not None:
            watch.setup(spec, env[spec["name"]])
    seen = STAND_INS and stand_in_seen(case["steps"])
    if seen:
        raise Unsupported("no ndarray exporter here, and a stand-in would show: %s"
                          % seen)
    outcomes = []
    for i, step in enumerate(case["steps"]):
        seen = None
        if watch is not None:
            seen = _seen_by(watch, i, step)
        try:
            outcomes.append(run_step(step, env, seen))
        except Unbound as e:
            outcomes.append({"unbound": e.args[0]})
        refused = NDARRAY == "ctypes" and ndarray_module.refusals()
        if refused:
            raise Unsupported("the ctypes ndarray refused a buffer request (%s) at step %d,"
                              " and a ctypes callback cannot raise the BufferError"
                              % (refused[0], i))
    if watch is not None:
        watch.end(env)
    return outcomes


def _seen_by(watch, i, step):
    return lambda result: watch.step(i, step, result)


def handle_line(line):
    """One case line in, one result line out (without the newline)."""
    case = json.loads(line)
    try:
        result = {"id": case["id"], "outcomes": run_case(case)}
    except Unsupported as e:
        result = {"id": case["id"], "unsupported": str(e)}
    return json.dumps(result)


def implementation_name():
    if MEMORYVIEW_NAME is not None:
        return MEMORYVIEW_NAME
    impl = getattr(sys, "implementation", None)
    name = getattr(impl, "name", "python").lower()   # Brython says "Brython"
    if name == "cpython" and sys.platform == "emscripten":
        return "pyodide"
    return name


def implementation_version():
    """The implementation's own version, "X.Y.Z".

    CPython (and Pyodide, which is CPython) is its language version: the
    oracle names use it. Others give their own release: PyPy 7.3.11,
    MicroPython 1.27.0 (whose sys.version starts "3.4.0;"), Brython 3.14.3
    (whose sys.version says 3.14.0, the language).
    """
    name = implementation_name()
    if name == "mvref":
        return mvref.__version__
    if name in ("cpython", "pyodide"):
        return sys.version.split()[0]
    v = sys.implementation.version
    return "%d.%d.%d" % (v[0], v[1], v[2])


def word_size():
    # sys.maxsize is 2**63-1 on 64-bit builds, 2**31-1 on 32-bit ones
    # (Pyodide, MicroPython on wasm32) and 2**32-1 on Brython, whose native
    # 'l' is 4 bytes: 32 is the recording it is closest to.
    return 64 if sys.maxsize > (1 << 32) else 32


def hello():
    vi = sys.version_info
    big = sys.byteorder == "big"
    fields = {
        "mvspec": PROTOCOL,
        "implementation": implementation_name(),
        "version": implementation_version(),
        "language": "%d.%d" % (vi[0], vi[1]),
        "platform": {"word_size": word_size(),
                     "byteorder": "big" if big else "little"},
        "exporters": exporters(),
        "ndarray": NDARRAY,
    }
    if fields["implementation"] == "pyodide":
        fields["pyodide"] = pyodide_version()
    if fields["implementation"] == "mvref":
        # the interpreter that supplies the exporters, and the version the
        # reference models (mvref.set_python, MVREF_PYTHON)
        fields["interpreter"] = sys.version.split()[0]
        fields["models"] = mvref.python()
    return json.dumps(fields)


def pyodide_version():
    try:
        import pyodide
        return pyodide.__version__
    except (ImportError, AttributeError):
        return "unknown"


def main():
    out = sys.stdout
    out.write(hello() + "\n")
    out.flush()
    while True:
        line = sys.stdin.readline()
        if not line:
            break
        if not line.strip():
            continue
        out.write(handle_line(line) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
