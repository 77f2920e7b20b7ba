"""mvref.memoryview as a Python object, held to the builtin's behaviour.

What a Python program meets beside memoryview's operations: view.obj of an
exporter that leaves it NULL, the buffer it lends to C consumers for every
PyBUF_* request, the with statement when the block raises, the garbage
collector, collections.abc, the comparison dunders called directly, and the
type's attributes in each modelled version.  Every expectation is the
builtin memoryview's answer on the same input, asked at test time (for
another version, of that CPython, run here).
"""

import array
import collections.abc
import ctypes
import gc
import json
import os
import shutil
import subprocess
import sys
import weakref
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from harness import impls
from harness.cpython_tests import interpreters

ROOT = Path(__file__).resolve().parent.parent
if not list(impls.MVREF_DIR.glob("mvref.cpython-*.so")):
    pytest.fail(f"mvref is not built in {impls.MVREF_DIR}: run `make mvref`",
                pytrace=False)
sys.path.insert(0, str(impls.MVREF_DIR))
import mvref  # noqa: E402

import numpy  # noqa: E402
import _testbuffer  # noqa: E402
from _testbuffer import ND_FORTRAN, ND_PIL, ND_WRITABLE, ndarray, staticarray  # noqa: E402

RUNNING = "%d.%d" % sys.version_info[:2]
REQUIRED = os.environ.get("MVSPEC_REQUIRE_IMPLS") == "1" or os.environ.get("CI") == "true"


@pytest.fixture(autouse=True)
def model_the_running_python():
    mvref.set_python(RUNNING)
    yield
    mvref.set_python(RUNNING)


def outcome(f):
    """What f() does, as comparable data: a value, or an exception and its words."""
    try:
        value = f()
    except mvref.Unsupported:
        raise
    except Exception as e:
        return ("raises", type(e).__name__, str(e))
    if type(value).__name__ == "memoryview":
        value = ("view", value.format, value.shape, value.tolist())
    return ("value", type(value).__name__, value)


# ------------------------------------------------------------ view.obj NULL ---

def test_a_view_of_an_exporter_that_leaves_obj_null_has_obj_none_as_the_builtin():
    x = staticarray(legacy_mode=True)
    builtin, ours = memoryview(x), mvref.memoryview(x)
    assert builtin.obj is None and ours.obj is None
    assert ours.tolist() == builtin.tolist() and ours[3] == builtin[3]
    assert repr(ours) == str(ours)
    assert repr(ours).startswith("<memory at 0x") and " of None, format 'B'" in repr(ours)
    ours.release()
    builtin.release()
    assert repr(ours).startswith("<released memory at 0x")


def test_views_of_views_of_a_legacy_exporter_name_the_exporter_as_the_builtin():
    def chain(mv):
        y = ndarray(staticarray(legacy_mode=True), getbuf=_testbuffer.PyBUF_FULL_RO)
        m = mv(ndarray(y, getbuf=_testbuffer.PyBUF_FULL_RO))
        return type(m.obj).__name__, m.tolist(), mv(m).obj is m.obj
    assert chain(mvref.memoryview) == chain(memoryview)


# -------------------------------------------- the buffer a view lends to C ---

class PyBuffer(ctypes.Structure):
    """CPython's Py_buffer, to see exactly what a bf_getbuffer fills in."""
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.py_object),
                ("len", ctypes.c_ssize_t), ("itemsize", ctypes.c_ssize_t),
                ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                ("format", ctypes.c_char_p),
                ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
                ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
                ("suboffsets", ctypes.POINTER(ctypes.c_ssize_t)),
                ("internal", ctypes.c_void_p)]


GET_BUFFER = ctypes.pythonapi.PyObject_GetBuffer
GET_BUFFER.argtypes = [ctypes.py_object, ctypes.POINTER(PyBuffer), ctypes.c_int]
GET_BUFFER.restype = ctypes.c_int
RELEASE_BUFFER = ctypes.pythonapi.PyBuffer_Release
RELEASE_BUFFER.argtypes = [ctypes.POINTER(PyBuffer)]
RELEASE_BUFFER.restype = None


def sizes(pointer, n):
    """A shape, strides or suboffsets array: None for NULL, else its n items."""
    return None if not pointer else tuple(pointer[i] for i in range(n))


def lent(view, flags):
    """Every field of PyObject_GetBuffer(view, flags), or the exception."""
    b = PyBuffer()
    try:
        GET_BUFFER(view, ctypes.byref(b), flags)
    except Exception as e:
        return ("raises", type(e).__name__, str(e))
    try:
        return ("lends", b.buf, b.obj is view, b.len, b.itemsize, b.readonly, b.ndim,
                b.format, sizes(b.shape, b.ndim), sizes(b.strides, b.ndim),
                sizes(b.suboffsets, b.ndim))
    finally:
        RELEASE_BUFFER(ctypes.byref(b))


LENDERS = {
    "0-dim-B": lambda: ndarray(1, shape=[], format="B"),
    "0-dim-q-writable": lambda: ndarray(7, shape=[], format="q", flags=ND_WRITABLE),
    "bytes": lambda: b"abcdef",
    "bytearray": lambda: bytearray(b"abcdef"),
    "array-d": lambda: array.array("d", [1.0, 2.0, 3.0]),
    "2x3-C-writable": lambda: ndarray(list(range(6)), shape=[2, 3], format="h", flags=ND_WRITABLE),
    "2x3-Fortran": lambda: ndarray(list(range(6)), shape=[2, 3], format="h", flags=ND_FORTRAN),
    "2x3-suboffsets": lambda: ndarray(list(range(6)), shape=[2, 3], format="i", flags=ND_PIL),
    "numpy-transposed": lambda: numpy.arange(6, dtype="float32").reshape(2, 3).T,
}

DERIVED = {
    "view": lambda m: m,
    "stepped": lambda m: m[::2] if m.ndim == 1 else m[::-1],
    "cast-to-B": lambda m: m.cast("B"),
    "readonly": lambda m: m.toreadonly(),
}

ALL_REQUESTS = range(0x200)   # every combination of PyBUF_* bits, PyBUF_INDIRECT's included


@pytest.mark.parametrize("lender", list(LENDERS))
def test_every_buffer_request_is_answered_field_by_field_as_the_builtin(lender):
    # OBJECT-004 to OBJECT-008 at the C level: a 0-dim view lends NULL shape
    # and strides, whatever the request.
    x = LENDERS[lender]()
    for name, derive in DERIVED.items():
        try:
            builtin = derive(memoryview(x))
        except (TypeError, ValueError, NotImplementedError) as e:
            with pytest.raises(type(e)):      # no such view, from either
                derive(mvref.memoryview(x))
            continue
        ours = derive(mvref.memoryview(x))
        differ = [(hex(flags), lent(builtin, flags), lent(ours, flags))
                  for flags in ALL_REQUESTS if lent(builtin, flags) != lent(ours, flags)]
        assert not differ, (name, differ[:3])


def test_a_0_dim_view_lent_to_testbuffer_reads_back_as_from_the_builtin():
    # this corrupted the heap when a 0-dim loan had a shape
    flags = _testbuffer.PyBUF_ND | _testbuffer.PyBUF_FORMAT
    for mv in (memoryview, mvref.memoryview):
        m = mv(ndarray(1, shape=[], format="B"))
        for _ in range(50):
            assert ndarray(m, getbuf=flags).tolist() == 1


# ------------------------------------------------------ the with statement ---

def test_a_with_block_that_raises_releases_the_view_and_lets_the_exception_through():
    def leave_by_raising(mv):
        ba = bytearray(b"abc")
        try:
            with mv(ba) as m:
                raise KeyError("k")
        except KeyError as e:
            caught = repr(e)
        ba.append(1)      # the export is over
        return caught, outcome(m.tolist), ba
    assert leave_by_raising(mvref.memoryview) == leave_by_raising(memoryview)


EXIT_CALLS = {
    "no-arguments": lambda m: m.__exit__(),
    "an-exception": lambda m: m.__exit__(KeyError, KeyError("k"), None),
    "objects-of-no-value": lambda m: m.__exit__(object(), {}, Decimal(1)),
    "one": lambda m: m.__exit__(1),
    "four": lambda m: m.__exit__(1, 2, 3, 4),
    # written as a keyword: CPython's message depends on the call's path
    # (m.__exit__(**kw) words it otherwise), which no binding can see
    "a-keyword": lambda m: m.__exit__(x=object()),
}


@pytest.mark.parametrize("call", list(EXIT_CALLS))
def test_exit_releases_whatever_its_arguments_as_the_builtin(call):
    def call_exit(mv):
        m = mv(bytearray(b"ab"))
        return outcome(lambda: EXIT_CALLS[call](m)), outcome(m.tolist)
    assert call_exit(mvref.memoryview) == call_exit(memoryview)


# ---------------------------------------------------- the garbage collector ---

def collected(make_cycle):
    """Whether gc.collect() frees an object that only a cycle keeps alive."""
    class Witness:
        pass
    w = Witness()
    make_cycle(w)
    ref = weakref.ref(w)
    del w
    gc.collect()
    return ref() is None


class Holder:
    pass


class ExporterWithDict(bytearray):
    pass


def _cycle_through_exporter(mv, w):
    x = ExporterWithDict(b"abc")
    x.m, x.w = mv(x), w


def _cycle_through_holder(mv, w):
    h = Holder()
    h.m, h.me, h.w = mv(bytearray(b"abc")), h, w


def _cycle_through_iterator(mv, w):
    x = ExporterWithDict(b"abc")
    x.it, x.w = iter(mv(x)), w


def _cycle_through_slice(mv, w):
    x = ExporterWithDict(b"abcdef")
    x.s, x.w = mv(x)[1:4], w


CYCLES = {
    "through-the-exporter": _cycle_through_exporter,     # exporter -> view -> exporter
    "a-holder-of-itself": _cycle_through_holder,         # holder -> view; holder -> holder
    "through-an-iterator": _cycle_through_iterator,      # exporter -> iterator -> view -> ...
    "through-a-derived-view": _cycle_through_slice,      # exporter -> m[1:4] -> exporter
}


@pytest.mark.parametrize("cycle", list(CYCLES))
def test_a_reference_cycle_through_a_view_is_collected_as_with_the_builtin(cycle):
    make = CYCLES[cycle]
    builtin = collected(lambda w: make(memoryview, w))
    assert builtin, "the builtin keeps the cycle: no test"
    live = mvref._alloc_live()
    assert collected(lambda w: make(mvref.memoryview, w)) == builtin
    assert mvref._alloc_live() == live


def test_views_and_their_iterators_are_tracked_by_the_collector_as_the_builtins():
    for mv in (memoryview, mvref.memoryview):
        m = mv(b"ab")
        assert (gc.is_tracked(m), gc.is_tracked(iter(m))) == \
            (gc.is_tracked(memoryview(b"")), gc.is_tracked(iter(memoryview(b""))))


def test_a_collected_view_whose_buffer_is_exported_keeps_it_as_the_builtin():
    # RELEASE-008: the collector cannot release a view whose buffer is out
    def run(mv):
        x = ExporterWithDict(b"abc")
        x.m = mv(x)
        out = memoryview(x.m)
        del x
        gc.collect()
        return out.tolist(), bytes(out)
    assert run(mvref.memoryview) == run(memoryview)


# --------------------------------------------------------- collections.abc ---

ABCS = [getattr(collections.abc, name) for name in collections.abc.__all__]


@pytest.mark.parametrize("abc", ABCS, ids=[a.__name__ for a in ABCS])
def test_it_is_registered_with_the_abcs_the_builtin_is(abc):
    assert issubclass(mvref.memoryview, abc) == issubclass(memoryview, abc)
    assert isinstance(mvref.memoryview(b"a"), abc) == isinstance(memoryview(b"a"), abc)


# ------------------------------------------------- comparison dunders direct ---

DUNDERS = ["__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"]
OPERANDS = {
    "int": lambda mv: 5,
    "str": lambda mv: "ab",
    "None": lambda mv: None,
    "object": lambda mv: object(),
    "dict": lambda mv: {},
    "list": lambda mv: [97, 98],
    "bytes-equal": lambda mv: b"ab",
    "bytearray-unequal": lambda mv: bytearray(b"ax"),
    "refusing-exporter": lambda mv: ndarray([1], shape=[1], flags=_testbuffer.ND_GETBUF_FAIL),
    "view-equal": lambda mv: mv(b"ab"),
    "view-released": lambda mv: (lambda v: (v.release(), v)[1])(mv(b"ab")),
}


@pytest.mark.parametrize("released", [False, True], ids=["live", "released"])
@pytest.mark.parametrize("operand", list(OPERANDS))
@pytest.mark.parametrize("dunder", DUNDERS)
def test_comparison_dunders_called_directly_answer_as_the_builtins(dunder, operand, released):
    def ask(mv):
        m = mv(b"ab")
        if released:
            m.release()
        return outcome(lambda: getattr(m, dunder)(OPERANDS[operand](mv)))
    assert ask(mvref.memoryview) == ask(memoryview)


def test_a_dunder_called_with_itself_answers_as_the_builtins():
    for dunder in DUNDERS:
        for released in (False, True):
            answers = []
            for mv in (memoryview, mvref.memoryview):
                m = mv(b"ab")
                if released:
                    m.release()
                answers.append(outcome(lambda: getattr(m, dunder)(m)))
            assert answers[0] == answers[1], (dunder, released)


# ---------------------------------------------------- memoryview(non-buffer) ---

def a_function():
    pass


class Plain:
    pass


NON_BUFFERS = {
    "dict": {}, "set": {1}, "object": object(), "complex": 1 + 2j, "Decimal": Decimal("1.5"),
    "Fraction": Fraction(1, 3), "None": None, "function": a_function, "instance": Plain(),
    "class": Plain, "list-of-dicts": [{}], "str": "abc", "int": 5, "float": 1.5,
}


@pytest.mark.parametrize("value", list(NON_BUFFERS))
def test_memoryview_of_an_object_that_lends_no_buffer_raises_the_builtins_type_error(value):
    obj = NON_BUFFERS[value]
    assert outcome(lambda: mvref.memoryview(obj)) == outcome(lambda: memoryview(obj))
    assert outcome(lambda: mvref.memoryview(object=obj)) == outcome(lambda: memoryview(object=obj))


# --------------------------------------------- attributes of each version ---

ASK_NAMES = """
import json, sys
print(json.dumps({"version": "%d.%d" % sys.version_info[:2],
                  "type": sorted(set(dir(memoryview)) - set(dir(object))),
                  "view": sorted(set(dir(memoryview(b""))) - set(dir(object())))}))
"""

# the one name mvref's type has and the builtin's lacks: its module, "mvref"
OURS = {"__module__"}


def names_of_cpythons():
    """Each CPython here (a version mvref models): what its memoryview has
    beyond what every object has."""
    found = {}
    for interp in interpreters.found():
        if interpreters.OLDEST <= interp.minor <= interpreters.NEWEST:
            r = subprocess.run([interp.python, "-I", "-c", ASK_NAMES], capture_output=True,
                               text=True, check=True)
            answer = json.loads(r.stdout)
            found[answer["version"]] = answer
    return found


def names_of_pyodide():
    """Pyodide's CPython 3.14 (run in Node, as `make impls` installs it)."""
    if shutil.which("node") is None or "pyodide" not in impls.node_impls_installed():
        if REQUIRED:
            pytest.fail("Pyodide (CPython 3.14) is required here: run `make impls`")
        pytest.skip("Pyodide is not installed: run `make impls`")
    script = ('import { loadPyodide } from "pyodide";\n'
              'const py = await loadPyodide({ stdout: (text) => console.log(text) });\n'
              f'py.runPython({json.dumps(ASK_NAMES)});\n')
    r = subprocess.run(["node", "--input-type=module", "-e", script],
                       cwd=impls.NODE_DIR, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def mvref_names(version):
    mvref.set_python(version)
    view = mvref.memoryview(b"")
    return (sorted(set(dir(mvref.memoryview)) - set(dir(object)) - OURS),
            sorted(set(dir(view)) - set(dir(object())) - OURS))


def test_the_type_and_its_views_have_the_attributes_of_each_cpython_here():
    cpythons = names_of_cpythons()
    assert RUNNING in cpythons and len(cpythons) >= 2
    for version, answer in cpythons.items():
        assert mvref_names(version) == (answer["type"], answer["view"]), version


def test_the_type_and_its_views_have_the_attributes_of_cpython_3_14_on_pyodide():
    answer = names_of_pyodide()
    assert answer["version"] == "3.14"
    assert mvref_names("3.14") == (answer["type"], answer["view"])


def test_a_view_keeps_the_attributes_of_its_version_when_set_python_changes_the_type():
    mvref.set_python("3.14")
    new = mvref.memoryview(b"abca")
    mvref.set_python("3.11")
    old = mvref.memoryview(b"abca")
    assert not hasattr(mvref.memoryview, "count") and "count" not in dir(mvref.memoryview)
    assert new.count(97) == 2 and "count" in dir(new) and "__class_getitem__" in dir(new)
    assert outcome(lambda: old.count) == outcome(lambda: memoryview(b"").count) == \
        ("raises", "AttributeError", "'memoryview' object has no attribute 'count'")
    assert "count" not in dir(old)
    mvref.set_python("3.9")
    assert not hasattr(mvref.memoryview, "__iter__") and "__iter__" not in dir(mvref.memoryview(b""))
    assert list(iter(mvref.memoryview(b"ab"))) == [97, 98]     # the sequence protocol
    assert new.index(99) == 2 and list(old) == [97, 98, 99, 97]


def test_each_view_is_of_its_versions_type_which_no_program_can_derive_from():
    """A view's type is its version's, a subtype of mvref.memoryview named as
    it is; CPython's own lookup serves it (no tp_getattro of mvref's), and,
    as the builtin, neither type is a base a program's class can have."""
    old = mvref.memoryview(b"ab")
    mvref.set_python("3.14")
    new = mvref.memoryview(b"ab")
    assert isinstance(old, mvref.memoryview) and isinstance(new, mvref.memoryview)
    assert type(old) is not type(new)
    for t in (type(old), type(new)):
        assert t.__bases__ == (mvref.memoryview,) and t.__name__ == "memoryview"
        assert t.__module__ == "mvref" and t.__getattribute__ is object.__getattribute__
    assert type(new[:1]) is type(new) and type(old.cast("b")) is type(old)
    for base in (mvref.memoryview, type(old), memoryview):
        with pytest.raises(TypeError, match="is not an acceptable base type"):
            type("Derived", (base,), {})


def test_cast_is_the_versions_own_and_the_base_types_takes_every_view():
    """type(m).cast is defined by the view's own type (so that CPython's
    interpreter calls it straight, as the builtin's), and takes views of
    that version; mvref.memoryview.cast, as memoryview.cast, takes any."""
    old = mvref.memoryview(b"abcd")
    mvref.set_python("3.14")
    new = mvref.memoryview(b"abcd")
    assert "cast" in vars(type(old)) and "cast" in vars(type(new))
    assert type(old).cast(old, "i").tolist() == memoryview(b"abcd").cast("i").tolist()
    for m in (old, new):
        assert mvref.memoryview.cast(m, "B", [2, 2]).tolist() == [[97, 98], [99, 100]]
    with pytest.raises(TypeError, match="doesn't apply to a 'memoryview' object"):
        type(old).cast(new, "B")


def test_a_view_made_after_one_is_freed_is_a_new_view_in_every_field():
    """Freed views' objects may be given again (a fast path); what a program
    sees of the new view is its own: its fields, no weak reference of the
    old one, its lender, its release."""
    ba = bytearray(b"abcdefgh")
    for _ in range(3):
        m = mvref.memoryview(ba)
        w = weakref.ref(m[2:])               # made and freed at once
        assert w() is None
        s = m[1:-1]
        assert weakref.ref(s)() is s and s.obj is ba and s.tolist() == list(b"bcdefg")
        c = s.cast("B", [2, 3])
        assert (c.shape, c.strides, c.format) == ((2, 3), (3, 1), "B")
        del s, c
        with pytest.raises(BufferError):
            ba.append(0)                     # m still holds ba
        m.release()
        ba.append(0)
        del ba[-1]


def test_a_name_the_views_version_lacks_raises_with_its_rule_however_it_is_reached():
    """m.count on a 3.11 view, read by getattr, by hasattr, or called: the
    library's AttributeError with its rule's note; the type's own lookup
    (type(m).count) answers as a type's does."""
    mvref.set_python("3.11")
    m = mvref.memoryview(b"abca")
    with pytest.raises(AttributeError) as raised:
        m.count(97)
    assert str(raised.value) == "'memoryview' object has no attribute 'count'"
    assert [n.split(":")[0] for n in raised.value.__notes__] == ["mvspec rule SEQ-010"]
    assert not hasattr(m, "count") and getattr(m, "index", None) is None
    assert outcome(lambda: type(m).count) == \
        ("raises", "AttributeError", "type object 'memoryview' has no attribute 'count'")


FRESH_LOOKUP = """
import json, sys
import mvref
m, b = mvref.memoryview(b"abca"), memoryview(b"abca")
def outcome(f):
    try:
        f()
        return "found"
    except Exception as e:
        return type(e).__name__ + ": " + str(e)
names = ("count", "index", "__iter__", "__buffer__", "__class_getitem__", "cast",
         "tobytes", "nbytes", "__bool__", "__contains__", "nope")
print(json.dumps({"mvref": [outcome(lambda: getattr(m, n)) for n in names],
                  "builtin": [outcome(lambda: getattr(b, n)) for n in names],
                  "cast": m.cast("B", shape=[2, 2]).tolist()}))
"""


def test_a_fresh_process_finds_a_views_attributes_as_the_builtin_does():
    """Until set_python() changes the version under a live view, mvref
    looks attributes up as CPython's own types do (so that m.cast(...) is
    called as the builtin's is, with no bound method made): the answers
    must be the builtin's, for the versioned names too."""
    env = dict(os.environ, PYTHONPATH=str(impls.MVREF_DIR))
    env.pop("MVREF_PYTHON", None)
    r = subprocess.run([sys.executable, "-c", FRESH_LOOKUP], env=env, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert got["mvref"] == got["builtin"]
    assert got["cast"] == [[97, 98], [99, 97]]


def test_bool_and_in_work_without_the_dunders_the_builtin_never_had():
    for name in ("__bool__", "__contains__"):
        assert not hasattr(memoryview, name) and not hasattr(mvref.memoryview, name)
    m = mvref.memoryview(b"ab")
    assert (bool(m), 97 in m, 1 in m, bool(mvref.memoryview(b""))) == (True, True, False, False)


# --------------------------------------------- _from_flags, 3.12 and later ---

FROM_FLAGS = """
import array, json, sys
sys.path.insert(0, sys.argv[1])
import mvref
from _testbuffer import ndarray, ND_WRITABLE

def outcome(f):
    try:
        m = f()
    except Exception as e:
        return ["raises", type(e).__name__, str(e)]
    return ["view", m.format, m.itemsize, m.ndim, m.shape, m.strides, m.readonly,
            m.tolist(), type(m.obj).__name__]

exporters = [lambda: b"abcd", lambda: bytearray(b"abcd"), lambda: array.array("i", [1, 2]),
             lambda: ndarray(list(range(6)), shape=[2, 3], format="h", flags=ND_WRITABLE),
             lambda: ndarray(7, shape=[], format="q"), lambda: 5, lambda: {}]
differ = []
for n, make in enumerate(exporters):
    for flags in (0, 1, 4, 8, 0xc, 0x18, 0x1c, 0x11c, 0x38, 0x3c, 0x58, 0x98, 0x100):
        a = outcome(lambda: memoryview._from_flags(make(), flags))
        b = outcome(lambda: mvref.memoryview._from_flags(make(), flags))
        if a != b:
            differ.append([n, flags, a, b])
for args in [(b"a",), (b"a", "x"), (), (b"a", 0, 1)]:
    a = outcome(lambda: memoryview._from_flags(*args))
    b = outcome(lambda: mvref.memoryview._from_flags(*args))
    if a != b:
        differ.append([repr(args), a, b])
print(json.dumps(differ))
"""


def test_from_flags_of_3_12_and_later_answers_as_each_cpythons():
    asked = 0
    for interp in interpreters.found():
        if interp.minor < (3, 12) or interp.why_not() is not None:
            continue
        where = interpreters.build_mvref(ROOT, interp)
        r = subprocess.run([interp.python, "-I", "-c", FROM_FLAGS, str(where)],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr[-2000:]
        assert json.loads(r.stdout) == [], interp.version
        asked += 1
    assert asked, "no CPython 3.12 or later here"
