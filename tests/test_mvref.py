"""mvref: the C reference as a Python module, beside the builtin memoryview.

mvref.memoryview(x) wraps a real CPython exporter, and every operation on it is
the reference library's (reference/src, through reference/python/). These tests
drive it directly and, wherever the builtin memoryview can answer the same
question, check that the two agree: same value, or same exception type and
exact message. Where only mvref can answer (its repr, mvref.set_python, the
library's allocation count) the test says what it promises.

The module is built by `make reference` or `make mvref` (`make test` does it
first); these tests fail, not skip, when it is missing, and so they do without
numpy or valgrind, which harness/bin/deps installs for `make test`.
"""

import array
import copy
import gc
import mmap
import os
import pickle
import shutil
import struct
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import pytest

from harness import allocfail, impls, session

ROOT = Path(__file__).resolve().parent.parent
if not list(impls.MVREF_DIR.glob("mvref.cpython-*.so")):
    pytest.fail(f"mvref is not built in {impls.MVREF_DIR}: run `make mvref`",
                pytrace=False)
sys.path.insert(0, str(impls.MVREF_DIR))
import mvref  # noqa: E402

import numpy  # noqa: E402  (Debian's python3-numpy: a core dependency)
import _testbuffer  # noqa: E402
from _testbuffer import ND_PIL, ND_WRITABLE, ndarray  # noqa: E402

RUNNING = "%d.%d" % sys.version_info[:2]


@pytest.fixture(autouse=True)
def model_the_running_python():
    """Each test starts modelling the interpreter it runs on, and leaves it so."""
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


def agree(make, op):
    """op on a builtin view and on an mvref view of fresh exporters."""
    builtin = outcome(lambda: op(memoryview(make())))
    ours = outcome(lambda: op(mvref.memoryview(make())))
    assert ours == builtin


# ------------------------------------------------------------ the exporters ---

EXPORTERS = {
    "bytes": lambda: b"abcdef",
    "bytearray": lambda: bytearray(b"abcdef"),
    "array-i": lambda: array.array("i", [1, -2, 3, -4]),
    "array-d": lambda: array.array("d", [0.5, -0.0, float("inf")]),
    "ndarray-2x3": lambda: ndarray(list(range(6)), shape=[2, 3], format="h"),
    "ndarray-negative-strides": lambda: ndarray(list(range(6)), shape=[2, 3],
                                                strides=[-6, -2], offset=10,
                                                format="h", flags=ND_WRITABLE),
    # ATTR-006, TOLIST-004: a host's pointer slots hold addresses (layout.c)
    "ndarray-suboffsets": lambda: ndarray(list(range(6)), shape=[2, 3], format="i",
                                          flags=ND_PIL | ND_WRITABLE),
    "ndarray-0-dim": lambda: ndarray(7, shape=[], format="q"),
    "numpy-fortran": lambda: numpy.arange(12, dtype="int16").reshape(
        (3, 4), order="F"),
    "numpy-transposed": lambda: numpy.arange(6, dtype="float32").reshape(2, 3).T,
}

READS = {
    "tolist": lambda m: m.tolist(),
    "tobytes": lambda m: m.tobytes(),
    "tobytes-F": lambda m: m.tobytes("F"),
    "hex": lambda m: m.hex(":", 2),
    "attributes": lambda m: (m.format, m.itemsize, m.ndim, m.shape, m.strides,
                             m.suboffsets, m.nbytes, m.readonly, m.c_contiguous,
                             m.f_contiguous, m.contiguous),
    "len": len,
    "first": lambda m: m[0],
    "last-of-first-row": lambda m: m[0, -1],
    "reversed-slice": lambda m: m[::-1],
    "cast-to-bytes": lambda m: m.cast("B"),
    "bytes": bytes,
    "list": list,
    "equal-to-itself": lambda m: m == m,
    "equal-to-its-exporter": lambda m: m == m.obj,
    "toreadonly": lambda m: m.toreadonly().readonly,
}


@pytest.mark.parametrize("read", list(READS))
@pytest.mark.parametrize("make", list(EXPORTERS.values()), ids=list(EXPORTERS))
def test_every_read_agrees_with_the_builtin_for_every_exporter(make, read):
    agree(make, READS[read])


def test_writes_through_a_hosts_pointer_slots_reach_its_rows():
    # ASSIGN-006, ATTR-006: an item of a PIL array is where the host's
    # pointer (an address) leads, for writing as for reading.
    def write_item(m):
        m[1, 2] = -7
        return m.obj.tolist(), m.tolist(), m.tobytes(), m == m.obj

    # ASSIGN-013, ASSIGN-014: a stepped slice of an indirect dimension takes
    # an overlapping source as if it were copied first.
    def write_slice(m):
        m[::-2] = m[:3]
        return m.obj.tolist(), m.tolist()

    agree(EXPORTERS["ndarray-suboffsets"], write_item)
    agree(lambda: ndarray(list(range(6)), shape=[6], format="i", flags=ND_PIL | ND_WRITABLE),
          write_slice)


def test_an_mmap_is_an_exporter_like_any_other():
    mm = mmap.mmap(-1, 8)
    m = mvref.memoryview(mm)
    m[0] = 65
    assert mm[0] == 65 and m.obj is mm
    with pytest.raises(BufferError, match="cannot close exported pointers exist"):
        mm.close()
    m.release()
    mm.close()


def test_a_builtin_memoryview_is_an_exporter_like_any_other():
    b = memoryview(b"hello")
    m = mvref.memoryview(b)
    assert m.obj is b and bytes(m) == b"hello"
    with pytest.raises(BufferError, match="memoryview has 1 exported buffer"):
        b.release()
    m.release()
    b.release()


# ------------------------------------------------------------------- errors ---

ERRORS = {
    "index-out-of-bounds": lambda m: m[10],
    "str-key": lambda m: m["a"],
    "float-key": lambda m: m[1.5],
    "huge-key": lambda m: m[2 ** 100],
    "tuple-key-on-1d": lambda m: m[0, 0],
    "value-out-of-range": lambda m: m.__setitem__(0, 256),
    "huge-value": lambda m: m.__setitem__(0, 2 ** 64),
    "wrong-value-type": lambda m: m.__setitem__(0, b"x"),
    "delete": lambda m: m.__delitem__(0),
    "slice-assign-other-length": lambda m: m.__setitem__(slice(0, 2), b"xyz"),
    "slice-step-zero": lambda m: m[::0],
    "cast-unknown-format": lambda m: m.cast("x"),
    "cast-not-str": lambda m: m.cast(1),
    "cast-to-bad-shape": lambda m: m.cast("B", [3]),
    "tobytes-bad-order": lambda m: m.tobytes("X"),
    "tobytes-too-many": lambda m: m.tobytes("C", "F"),
    "hex-bad-sep": lambda m: m.hex("ab"),
    "tolist-with-argument": lambda m: m.tolist(1),
    "no-order": lambda m: m < m,
    "release-then-read": lambda m: (m.release(), m[0]),
    "release-then-len": lambda m: (m.release(), len(m)),
    "count-before-3.14": lambda m: m.count(97),
    "buffer-before-3.12": lambda m: m.__buffer__(0),
    "unknown-attribute": lambda m: m.append,
}


@pytest.mark.parametrize("error", list(ERRORS))
def test_library_errors_are_builtin_exceptions_with_cpythons_messages(error):
    builtin = outcome(lambda: ERRORS[error](memoryview(bytearray(b"abcd"))))
    assert builtin[0] == "raises", "a case meant to raise did not"
    assert outcome(lambda: ERRORS[error](mvref.memoryview(bytearray(b"abcd")))) == builtin


def test_writing_to_read_only_memory_is_refused_as_the_builtin_refuses():
    agree(lambda: b"abc", lambda m: m.__setitem__(0, 1))
    agree(lambda: bytearray(b"abc"), lambda m: m.toreadonly().__setitem__(0, 1))


def test_a_non_ascii_cast_format_raises_the_UnicodeEncodeError_cpython_raises():
    agree(lambda: b"ab", lambda m: m.cast("é"))
    agree(lambda: b"ab", lambda m: m.cast("a\u20ac"))
    with pytest.raises(UnicodeEncodeError) as e:
        mvref.memoryview(b"ab").cast("é")
    assert (e.value.encoding, e.value.start, e.value.end) == ("ascii", 0, 1)


class Idx:
    """An object with __index__, as a key or an item value."""

    def __init__(self, value, run=None):
        self.value, self.run = value, run

    def __index__(self):
        if self.run is not None:
            self.run()
        return self.value


class Flt:
    def __float__(self):
        return 0.5


def test_an_object_the_library_has_no_value_for_meets_what_the_builtin_meets():
    """CONVERT-001, CONVERT-005, CONVERT-006, CONVERT-013: any object is the
    host's, asked what CPython asks it; none is mvref.Unsupported."""
    from decimal import Decimal
    from fractions import Fraction
    agree(lambda: b"abcd", lambda m: m[Idx(2)])
    agree(lambda: b"abcd", lambda m: m[Idx(1):Idx(3)].tolist())
    agree(lambda: b"abcd", lambda m: m[{}])
    agree(lambda: b"abcd", lambda m: m[slice(0, 2, 1), {}])
    agree(lambda: b"abcd", lambda m: m.cast({}))
    agree(lambda: b"abcd", lambda m: m.cast("B", shape={}))
    for value in (Idx(3), Flt(), Decimal("-1.5"), Fraction(1, 3), 2.5 + 1j, {1: 2},
                  {3}, frozenset(), object(), len, None):
        for fmt in "Bd?":
            agree(lambda: bytearray(8),
                  lambda m: (m.cast(fmt).__setitem__(0, value), m.tolist())[1])
    agree(lambda: b"abcd", lambda m: (Decimal(98) in m, Fraction(99, 1) in m, 1j in m))
    assert not issubclass(mvref.Unsupported, (TypeError, ValueError, NotImplementedError))


def test_a_numpy_scalar_converts_by_its_own_methods():
    """An exporter stands for its object where the model says nothing."""
    agree(lambda: b"abcd", lambda m: m[numpy.int64(1)])
    agree(lambda: b"abcd", lambda m: m[numpy.array([1, 2])])
    agree(lambda: bytearray(8),
          lambda m: (m.cast("d").__setitem__(0, numpy.float64(2.5)), m.tolist())[1])
    agree(lambda: numpy.arange(4, dtype="uint8"),
          lambda m: (numpy.arange(4, dtype="uint8") == m).tolist())


def test_an_exception_an_objects_method_raises_comes_back_as_that_very_object():
    """CONVERT-002: the library hands the host's exception back untouched:
    its type (any class), message, traceback and identity."""
    class Mine(LookupError):
        pass
    raised = Mine("my own")

    def run():
        raise raised
    with pytest.raises(Mine) as e:
        mvref.memoryview(b"ab")[Idx(0, run)]
    assert e.value is raised
    assert any(frame.name == "run" for frame in e.traceback)
    with pytest.raises(Mine) as e:
        mvref.memoryview(bytearray(2))[0] = Idx(0, run)
    assert e.value is raised


def test_an_exception_the_library_rewords_is_its_own_as_the_builtins_is():
    """CONVERT-005: a conversion's ValueError (a subclass too) becomes
    memoryview's "invalid value"."""
    def run():
        raise UnicodeError("not mine")
    agree(lambda: bytearray(2), lambda m: m.__setitem__(0, Idx(0, run)))


def test_an_index_that_releases_its_view_meets_what_the_builtin_meets():
    """CONVERT-009: 3.10+ checks the view again before writing; the
    exporter, resized meanwhile, is never written."""
    def scenario(make_view, resize):
        ba = bytearray(b"\xff" * 8)
        m = make_view(ba)

        def run():
            m.release()
            if resize:
                ba.clear()
        try:
            m[0] = Idx(7, run)
            result = "written"
        except Exception as e:
            result = (type(e).__name__, str(e))
        return result, bytes(ba)
    for resize in (False, True):
        assert scenario(mvref.memoryview, resize) == scenario(memoryview, resize)


def test_an_operation_inside_a_method_keeps_its_own_exception_apart():
    """An __index__ that meets an mvref error of its own, catches it, and
    raises another: each operation raises what it met."""
    inner = mvref.memoryview(b"ab")

    def run():
        try:
            inner[9]
        except IndexError:
            pass
        raise KeyError("outer")
    with pytest.raises(KeyError, match="outer"):
        mvref.memoryview(b"ab")[Idx(0, run)]
    with pytest.raises(IndexError):
        inner[9]


def test_an_object_that_lends_no_buffer_is_unequal_as_with_the_builtin():
    agree(lambda: b"ab", lambda m: (m == object(), m != {}, m == "ab", m == 5))


# -------------------------------------------------------- exports, resizing ---

def test_writes_through_a_view_are_seen_by_the_exporter():
    ba = bytearray(b"abc")
    m = mvref.memoryview(ba)
    m[0] = ord("z")
    m[1:] = b"yx"
    assert ba == bytearray(b"zyx")
    ba[0] = ord("a")
    assert m[0] == ord("a")


def test_resizing_a_bytearray_under_an_mvref_view_raises_BufferError():
    ba = bytearray(b"abc")
    m = mvref.memoryview(ba)
    with pytest.raises(BufferError) as ours:
        ba.append(1)
    with pytest.raises(BufferError) as builtin:
        b = memoryview(bytearray(b"abc"))
        b.obj.append(1)
    assert str(ours.value) == str(builtin.value) \
        == "Existing exports of data: object cannot be re-sized"
    m.release()
    ba.append(1)
    assert ba == bytearray(b"abc\x01")


def test_resizing_an_array_under_an_mvref_view_raises_BufferError():
    a = array.array("h", [1, 2])
    m = mvref.memoryview(a)
    with pytest.raises(BufferError, match="cannot resize an array that is exporting buffers"):
        a.append(3)
    m.release()
    a.append(3)


def test_the_buffer_goes_back_only_when_every_derived_view_is_released():
    ba = bytearray(b"abcdef")
    m = mvref.memoryview(ba)
    derived = [m[1:], m.cast("c"), m.toreadonly(), mvref.memoryview(m)]
    m.release()
    for d in derived:
        with pytest.raises(BufferError):
            ba.append(1)
        d.release()
    ba.append(1)


def test_the_buffer_goes_back_when_the_last_view_is_freed_without_release():
    ba = bytearray(b"abc")
    m = mvref.memoryview(ba)
    s = m[1:]
    del m
    with pytest.raises(BufferError):
        ba.append(1)
    del s
    ba.append(1)


def test_leaving_a_with_block_releases_the_view_it_bound():
    ba = bytearray(b"abc")
    m = mvref.memoryview(ba)
    with m as bound:
        assert bound is m
    with pytest.raises(ValueError, match="operation forbidden on released memoryview object"):
        m.tolist()
    ba.append(1)


def test_a_view_of_a_view_shares_the_exporter():
    ba = bytearray(b"abc")
    m = mvref.memoryview(ba)
    assert mvref.memoryview(m).obj is ba and m[1:].obj is ba


# ------------------------------------------------ an mvref view as exporter ---

def test_an_mvref_view_lends_its_buffer_to_bytes_memoryview_and_numpy():
    m = mvref.memoryview(array.array("i", [1, 2, 3]))[::2]
    assert bytes(m) == bytes(memoryview(array.array("i", [1, 3])))
    assert memoryview(m).tolist() == [1, 3]
    assert numpy.asarray(m).tolist() == [1, 3]
    assert mvref.memoryview(m).tolist() == [1, 3]


def test_an_mvref_view_cannot_be_released_while_it_lends_its_buffer():
    m = mvref.memoryview(bytearray(b"abc"))
    b = memoryview(m)
    with pytest.raises(BufferError, match="memoryview has 1 exported buffer"):
        m.release()
    b.release()
    m.release()


def test_a_buffer_request_the_view_cannot_meet_fails_as_with_the_builtin():
    agree(lambda: b"abcd", lambda m: bytearray(b"xy").__setitem__(slice(0, 2), m[::2]))
    agree(lambda: b"abcd", lambda m: struct.pack_into("B", m, 0, 1))
    agree(lambda: bytearray(b"abcd"), lambda m: (struct.pack_into("B", m, 0, 1), m.tolist()))
    agree(lambda: b"abcd", lambda m: numpy.frombuffer(m[::2], dtype="B"))


def test_memoryview_takes_its_argument_as_the_builtin_does():
    for args, kwargs in [(("abc",), {}), ((), {}), ((b"ab", b"cd"), {}),
                         ((), {"object": b"ab"}), ((), {"obj": b"ab"}), ((5,), {})]:
        assert outcome(lambda: mvref.memoryview(*args, **kwargs)) \
            == outcome(lambda: memoryview(*args, **kwargs))


def test_buffer_and_release_buffer_of_3_12_keep_the_lender_alive():
    mvref.set_python("3.12")
    ba = bytearray(b"abc")
    m = mvref.memoryview(ba)
    child = m.__buffer__(0)
    assert child.obj is m
    with pytest.raises(BufferError, match="memoryview has 1 exported buffer"):
        m.release()
    m.__release_buffer__(child)
    m.release()
    ba.append(1)


# ---------------------------------------------------------------- hashing ---

def test_hash_equals_the_hash_of_the_bytes_it_shows():
    m = mvref.memoryview(b"abcdef")
    assert hash(m) == hash(b"abcdef") == hash(memoryview(b"abcdef"))
    assert hash(m[::2]) == hash(b"ace")
    assert hash(mvref.memoryview(b"")) == hash(b"") == 0


def test_hash_is_refused_as_the_builtin_refuses():
    agree(lambda: bytearray(b"ab"), hash)                      # writable
    agree(lambda: bytearray(b"ab"), lambda m: hash(m.toreadonly()))  # unhashable exporter
    agree(lambda: array.array("i", [1]), lambda m: hash(m.toreadonly()))
    agree(lambda: ndarray([1, 2], shape=[2], format="i"), hash)  # format


def test_hash_survives_release_as_the_builtins_does():
    m = mvref.memoryview(b"xyz")
    h = hash(m)
    m.release()
    assert hash(m) == h


# ------------------------------------------------------------- comparison ---

def test_equality_compares_items_as_values_not_bytes():
    agree(lambda: array.array("i", [1, 2]),
          lambda m: (m == array.array("q", [1, 2]), m == memoryview(array.array("d", [1.0, 2.0]))))
    agree(lambda: array.array("d", [float("nan")]), lambda m: m == m)


def test_views_have_no_order_whichever_side_they_are_on():
    agree(lambda: b"ab", lambda m: m < 1)
    agree(lambda: b"ab", lambda m: 1 >= m)
    agree(lambda: b"ab", lambda m: m <= bytearray(b"ac"))
    agree(lambda: b"ab", lambda m: bytearray(b"ac") > m)


# -------------------------------------------------------------- iteration ---

def test_iteration_reads_items_lazily():
    ba = bytearray(b"abc")
    it = iter(mvref.memoryview(ba))
    assert type(it).__name__ == "memory_iterator"
    assert next(it) == ord("a")
    ba[1] = ord("z")
    assert list(it) == [ord("z"), ord("c")]


def test_in_walks_the_items():
    agree(lambda: array.array("d", [1.5, 2.0]), lambda m: (2 in m, 1.5 in m, 3 in m))
    agree(lambda: ndarray(5, shape=[], format="i"), lambda m: 5 in m)


def test_an_item_that_cannot_be_read_raises_and_is_passed_over():
    def steps(m):
        it = iter(m)
        return [outcome(lambda: next(it)) for _ in range(3)]
    agree(lambda: ndarray([b"a", b"b"], shape=[2], format="s"), steps)


def test_a_view_released_while_iterated_refuses_the_next_item():
    def steps(m):
        it = iter(m)
        first = next(it)
        m.release()
        return first, outcome(lambda: next(it))
    agree(lambda: bytearray(b"ab"), steps)


def test_before_3_10_iteration_is_the_sequence_protocol():
    mvref.set_python("3.9")
    it = iter(mvref.memoryview(ndarray(5, shape=[], format="i")))
    assert type(it).__name__ == "iterator"
    for _ in range(2):   # the error does not end the iteration
        with pytest.raises(TypeError, match="invalid indexing of 0-dim memory"):
            next(it)


# --------------------------------------------------------- object protocol ---

@pytest.mark.parametrize("how", ["pickle", "copy", "deepcopy"])
def test_pickling_and_copying_are_refused(how):
    do = {"pickle": pickle.dumps, "copy": copy.copy, "deepcopy": copy.deepcopy}[how]
    agree(lambda: b"ab", do)


def test_an_mvref_view_is_weakly_referenceable_as_the_builtin():
    import weakref
    m = mvref.memoryview(b"a")
    r = weakref.ref(m)
    assert r() is m
    del m
    assert r() is None


# -------------------------------------------------------- versions, a REPL ---

def test_it_answers_to_the_name_memoryview_and_lives_in_mvref():
    m = mvref.memoryview(b"ab")
    assert type(m).__name__ == "memoryview" and type(m).__module__ == "mvref"
    assert repr(type(m)) == "<class 'mvref.memoryview'>"
    assert type(m) is not memoryview
    assert "reference" in mvref.memoryview.__doc__ and mvref.__doc__


def test_its_repr_begins_as_cpythons_and_says_what_it_views_and_which_python_it_models():
    m = mvref.memoryview(bytearray(b"abc"))[::2]
    builtin = memoryview(bytearray(b"abc"))
    head = "<memory at 0x%x" % id(m)
    assert repr(builtin).startswith("<memory at 0x")
    assert repr(m) == str(m) == head + (": mvref.memoryview of bytearray, format 'B', "
                                        f"shape (2,), Python {RUNNING}>")
    m.release()
    builtin.release()
    assert repr(builtin).startswith("<released memory at 0x")
    assert repr(m) == "<released memory at 0x%x: mvref.memoryview, Python %s>" % (id(m), RUNNING)


def test_set_python_models_another_version_in_views_made_afterwards():
    zero_dim = ndarray(5, shape=[], format="i")
    before = mvref.memoryview(zero_dim)
    mvref.set_python("3.12")
    assert mvref.python() == "3.12"
    with pytest.raises(TypeError, match="0-dim memory has no length"):
        len(mvref.memoryview(zero_dim))
    assert len(before) == 1 if RUNNING < "3.12" else True
    mvref.set_python("3.14")
    m = mvref.memoryview(b"abca")
    assert (m.count(97), m.index(99)) == (2, 2)
    mvref.set_python("3.11")
    assert not hasattr(mvref.memoryview(b""), "count")
    assert "count" not in dir(mvref.memoryview(b""))


def test_set_python_refuses_a_version_it_does_not_model():
    with pytest.raises(ValueError, match="mvref models Python 3.9 to 3.15, not '3.8'"):
        mvref.set_python("3.8")
    assert mvref.python() == RUNNING


def test_MVREF_PYTHON_chooses_the_version_at_import():
    out = subprocess.run([sys.executable, "-c", "import mvref; print(mvref.python())"],
                         env=dict(os.environ, PYTHONPATH=str(impls.MVREF_DIR),
                                  MVREF_PYTHON="3.13"),
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "3.13"


# ------------------------------------------------------------- no leaks ---

@pytest.fixture
def young_heap():
    """gc.collect() in the test looks only at the objects made during it:
    the heap from before (a whole suite and its runs, when other test
    modules ran first) is frozen out of the collector's way, so that the
    test takes as long after them as alone."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def a_round_of_everything():
    for make in EXPORTERS.values():
        m = mvref.memoryview(make())
        for read in READS.values():
            outcome(lambda: read(m))
        for err in ERRORS.values():
            outcome(lambda: err(mvref.memoryview(bytearray(b"abcd"))))
        with m:
            outcome(lambda: hash(m))
            outcome(lambda: [i for i in m])
    numpy.asarray(mvref.memoryview(b"abc"))


def test_no_library_memory_outlives_the_views(young_heap):
    gc.collect()
    live = mvref._alloc_live()
    a_round_of_everything()
    gc.collect()
    assert mvref._alloc_live() == live


def test_the_exporter_gets_back_every_reference_the_views_took():
    ba = bytearray(b"abcdef")
    before = sys.getrefcount(ba)
    m = mvref.memoryview(ba)
    views = [m[1:], m.cast("c"), m.toreadonly(), mvref.memoryview(m), memoryview(m)]
    assert sys.getrefcount(ba) > before
    outcome(lambda: m == ba)
    outcome(lambda: m[:2] == bytearray(b"ab"))
    for v in views:
        v.release()
    m.release()
    del m, views, v
    assert sys.getrefcount(ba) == before


def fail_each_allocation(make, op):
    """Fail the 1st, 2nd, ... allocation that mvref.memoryview(make()) and
    op(view) make, until one run fails none; each failure must be a
    MemoryError that leaves nothing allocated and gives the exporter every
    reference back (so its buffer too).  The sites failed."""
    expected = op(memoryview(make()))
    sites, n = set(), 0
    while True:
        n += 1
        x = make()
        refs = sys.getrefcount(x)
        gc.collect()
        live = mvref._alloc_live()
        mvref._fail_allocation(n)
        try:
            got = op(mvref.memoryview(x))
        except MemoryError:
            got = MemoryError
        finally:
            site = mvref._failed_allocation()
            mvref._fail_allocation(0)
        gc.collect()
        assert mvref._alloc_live() == live, f"allocation {n} ({site}) leaked"
        assert sys.getrefcount(x) == refs, f"allocation {n} ({site}) kept the exporter"
        if site is None:
            assert got == expected
            return sites
        assert got is MemoryError, f"allocation {n} ({site}) failed, yet {got!r}"
        sites.add(site)


def test_every_allocation_of_an_external_exporter_can_fail_cleanly(young_heap):
    # external.c is reached only through a host, so the allocfail check (the
    # driver) leaves its sites to this test; a PIL ndarray (suboffsets) and
    # a numpy array (shape and strides) take every one of them.
    sites = set()
    for make in (EXPORTERS["ndarray-suboffsets"], EXPORTERS["numpy-fortran"],
                 EXPORTERS["bytearray"]):
        sites |= fail_each_allocation(make, lambda m: (m.tolist(), m[::-1].tobytes()))
    external = allocfail.allocation_sites(ROOT / "reference" / "src" / "external.c")
    assert external and external <= sites, f"never failed: {sorted(external - sites)}"
    # and where the host allocates (tobytes() makes its bytes in CPython's
    # own object), which the driver never does
    host = allocfail.host_sites(ROOT)
    assert host and host <= sites, f"never failed: {sorted(host - sites)}"


def test_a_loop_of_every_operation_leaks_no_python_memory(young_heap):
    a_round_of_everything()          # warm every cache first
    gc.collect()
    tracemalloc.start()
    try:
        a_round_of_everything()
        gc.collect()
        first = tracemalloc.get_traced_memory()[0]
        for _ in range(5):
            a_round_of_everything()
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - first
    finally:
        tracemalloc.stop()
    assert grown < 16 * 1024, f"{grown} bytes more after 5 rounds"


VALGRIND_SCRIPT = textwrap.dedent("""
    import array, mvref
    from _testbuffer import ndarray, ND_PIL
    # a host's pointer slots, followed as addresses (layout.c)
    p = mvref.memoryview(ndarray(list(range(6)), shape=[2, 3], format="i", flags=ND_PIL))
    assert p.tolist() == [[0, 1, 2], [3, 4, 5]] and p[1, 2] == 5
    assert p[::-1].tobytes() == array.array("i", [3, 4, 5, 0, 1, 2]).tobytes()
    p.release()
    ba = bytearray(b"abcdef")
    m = mvref.memoryview(ba)
    s = m[1:5].cast("c")
    assert bytes(s) == b"bcde" and m.tolist()[0] == 97
    for bad in (lambda: m[9], lambda: m.cast("x"), lambda: hash(m), lambda: m[{}]):
        try:
            bad()
        except Exception:
            pass
    r = mvref.memoryview(b"xyz")
    assert hash(r) == hash(b"xyz") and list(iter(r)) == [120, 121, 122]
    a = mvref.memoryview(array.array("d", [1.0, 2.0]))
    assert memoryview(a).tolist() == [1.0, 2.0]
    m.release(); s.release(); ba.append(1)
    # an exporter that leaves obj NULL; a 0-dim loan (no shape, no strides)
    from _testbuffer import staticarray, PyBUF_ND, PyBUF_FORMAT
    n = mvref.memoryview(staticarray(legacy_mode=True))
    assert n.obj is None and "of None" in repr(n) and n.tolist()[1] == 1
    z = mvref.memoryview(ndarray(1, shape=[], format="B"))
    assert ndarray(z, getbuf=PyBUF_ND | PyBUF_FORMAT).tolist() == 1
    # a with block left by an exception; a cycle the collector breaks
    b2 = bytearray(b"xy")
    try:
        with mvref.memoryview(b2):
            raise KeyError("k")
    except KeyError:
        b2.append(1)
    import gc
    class Cyclic(bytearray):
        pass
    c = Cyclic(b"abc")
    c.m = mvref.memoryview(c)
    c.it = iter(c.m[1:])
    del c
    gc.collect()
    # memoryview._from_flags of 3.12: a loan asked for with no format
    mvref.set_python("3.12")
    f = mvref.memoryview._from_flags(array.array("h", [1, 2]), 0)
    assert (f.format, f.itemsize, f.nbytes) == ("B", 2, 4)
    del m, s, r, a, ba, p, n, z, f
    assert mvref._alloc_live() == 0
""")


def test_valgrind_finds_no_error_and_no_leak_in_mvref(tmp_path):
    # make test and make check install valgrind (harness/bin/deps checks):
    # without it this fails, as a missing dependency must.
    assert shutil.which("valgrind"), "no valgrind: run `harness/bin/deps checks`"
    script = tmp_path / "short.py"
    script.write_text(VALGRIND_SCRIPT)
    r = subprocess.run(["valgrind", "--leak-check=full", "--show-leak-kinds=definite,indirect",
                        sys.executable, str(script)],
                       env=dict(os.environ, PYTHONPATH=str(impls.MVREF_DIR),
                                PYTHONMALLOC="malloc"),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    # CPython keeps some memory to the end; what counts is anything of ours:
    # a record (an error, or a block definitely or indirectly lost) whose
    # stack passes through the library or the binding.
    lines = [line.split("== ", 1)[-1] if line.startswith("==") else line
             for line in r.stderr.splitlines()]
    records = "\n".join(lines).split("\n\n")
    ours = [rec for rec in records if ("mv_" in rec or "mvpy_" in rec)
            and ("Invalid" in rec or "uninitialised" in rec or "definitely lost" in rec
                 or "indirectly lost" in rec)]
    assert not ours, "\n\n".join(ours)


# ------------------------------------------------------- the whole suite ---

def test_the_adapter_runs_the_suite_through_mvref_and_names_it(suite):
    impl = impls.resolve("mvref")
    seed = [c for c in suite.cases if c["id"].startswith("seed/")]
    run = session.run(impl, suite, seed)
    assert run.hello.implementation == "mvref"
    assert run.hello.language == RUNNING
    assert impl.strict
    assert {r.status for r in run.results} == {"pass"}
