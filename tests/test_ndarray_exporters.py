"""An `ndarray` setup gives CPython's outcomes however the adapter builds it.

The oracles record every ndarray case with _testbuffer.ndarray. Where a
runtime has no _testbuffer, harness/adapters/mvadapter.py builds the ndarray
with mvspec_exporter.ndarray (a runtime with a C API: PyPy), with
ctypes_ndarray.ndarray (a CPython whose ctypes reaches its C API: Pyodide
before 3.14), or stands in for it with the runtime's own exporters (a
C-contiguous layout, in a case whose steps cannot tell; MicroPython,
Brython). These tests
run the suite's ndarray cases through the CPython adapter each way
(MVSPEC_NDARRAY forces one) and compare what it answers, case by case: the
outcomes recorded with _testbuffer then judge the other runtimes rightly.
"""

import json
import os

import pytest

from harness import impls, runner

ALL_CPYTHONS = [(v, p) for v, p in sorted(impls.cpythons().items()) if v >= impls.OLDEST_ORACLE]


def ndarray_cases(suite):
    return [{k: v for k, v in c.items() if k != "expect"} for c in suite.cases
            if any(s["kind"] == "ndarray" for s in c["setup"])]


def answers(python, cases, how=None):
    """(hello, {case id: outcomes, or 'unsupported: why'}) from the adapter
    under `python`, its ndarray made `how` (None: the first it has)."""
    impl = impls.python_impl("probe", python)
    env = dict(impl.env)
    if how:
        env["MVSPEC_NDARRAY"] = how
    adapter = runner.Adapter(impl.argv, env=env, timeout=30, max_failures=0)
    hello = adapter.start()
    got = {}
    try:
        for reply in adapter.run(cases):
            assert reply.status in (runner.ANSWERED, runner.UNSUPPORTED), \
                f"{reply.case_id}: {reply.status} {reply.detail}"
            got[reply.case_id] = (reply.outcomes if reply.status == runner.ANSWERED
                                  else f"unsupported: {reply.detail}")
    finally:
        adapter.close()
    return hello, got


def differences(theirs, ours, names):
    out = []
    for case_id, outcome in ours.items():
        if outcome != theirs[case_id]:
            out.append(f"{case_id}\n  {names[0]}: {json.dumps(theirs[case_id])[:300]}"
                       f"\n  {names[1]}: {json.dumps(outcome)[:300]}")
    return out


_WITH_TESTBUFFER: dict = {}


def answers_with_testbuffer(python, cases):
    """answers(python, cases), once per interpreter for every test here."""
    if python not in _WITH_TESTBUFFER:
        _WITH_TESTBUFFER[python] = answers(python, cases)
    return _WITH_TESTBUFFER[python]


@pytest.fixture(scope="module")
def cases(suite):
    return ndarray_cases(suite)


@pytest.fixture(scope="module")
def with_testbuffer(cases):
    return answers_with_testbuffer(impls.DEBIAN_PYTHON, cases)


def test_cpython_builds_ndarrays_with_testbuffer_by_default(with_testbuffer):
    hello, _ = with_testbuffer
    assert hello.raw["ndarray"] == "_testbuffer" and "ndarray" in hello.exporters


def test_mvspec_exporter_gives_cpython_the_outcomes_of_testbuffer_on_every_ndarray_case(
        cases, with_testbuffer):
    """Every ndarray case, answered twice by Debian's CPython: once with
    _testbuffer, once with mvspec_exporter; the answers are the same, case for
    case, exception messages included."""
    _, theirs = with_testbuffer
    hello, ours = answers(impls.DEBIAN_PYTHON, cases, "mvspec_exporter")
    assert hello.raw["ndarray"] == "mvspec_exporter"
    assert len(ours) == len(theirs) == len(cases) > 15000
    differ = differences(theirs, ours, ("_testbuffer", "mvspec_exporter"))
    assert not differ, f"{len(differ)} of {len(cases)} differ, e.g.\n" + "\n".join(differ[:3])


CTYPES_REFUSED = "the ctypes ndarray refused a buffer request"


def ctypes_differences(python, cases):
    """(hello, cases the ctypes ndarray leaves unsupported for a refusal it
    cannot raise, the cases whose answers differ from _testbuffer's)."""
    _, theirs = answers_with_testbuffer(python, cases)
    hello, ours = answers(python, cases, "ctypes")
    refused = [i for i, o in ours.items()
               if isinstance(o, str) and CTYPES_REFUSED in o and o != theirs[i]]
    answered = {i: o for i, o in ours.items() if i not in refused}
    return hello, refused, differences(theirs, answered, ("_testbuffer", "ctypes"))


@pytest.mark.parametrize("python", [impls.DEBIAN_PYTHON] + [p for _, p in ALL_CPYTHONS],
                         ids=["cpython-debian"] + [f"cpython-{a}.{b}" for (a, b), _ in ALL_CPYTHONS])
def test_the_ctypes_exporter_gives_cpython_the_outcomes_of_testbuffer_on_every_ndarray_case(
        cases, python):
    """Every ndarray case, on every CPython here from 3.9: answered with
    _testbuffer and with ctypes_ndarray (the exporter Pyodide before 3.14
    uses), the answers are the same, case for case, exception messages
    included; but for the few cases in which the ctypes ndarray refuses a
    request, which it cannot raise from a ctypes callback and so calls
    unsupported, saying so (6 in the suite of today: a bytearray compared
    with a strided ndarray asks it for a simple buffer)."""
    hello, refused, differ = ctypes_differences(python, cases)
    assert hello.raw["ndarray"] == "ctypes" and "ndarray" in hello.exporters
    assert not differ, f"{len(differ)} of {len(cases)} differ, e.g.\n" + "\n".join(differ[:3])
    assert len(refused) <= 20, refused[:5]   # a handful, not a layout it lacks


def test_the_ctypes_exporter_says_why_a_case_it_refuses_is_unsupported(cases):
    """A refusal (here: a simple buffer of a strided ndarray, which a
    bytearray's comparison asks for) is named with its reason and flags."""
    _, refused, _ = ctypes_differences(impls.DEBIAN_PYTHON, cases)
    assert refused and all(i.startswith("compare/") for i in refused)


def test_pyodide_3_11_builds_ndarrays_with_ctypes_and_answers_a_pil_case(suite):
    """Pyodide 0.23 (CPython 3.11 on wasm32, no _testbuffer) makes an
    ndarray with suboffsets (4-byte pointers) through ctypes and answers
    the case as the 64-bit oracle recorded it."""
    try:
        impl = impls.resolve("pyodide-3.11")
    except impls.ImplError as e:      # as tests/test_impls.py: `make test` requires it
        if os.environ.get("MVSPEC_REQUIRE_IMPLS") == "1" or os.environ.get("CI") == "true":
            pytest.fail(f"pyodide-3.11 is required here but: {e}")
        pytest.skip(str(e))
    case = next(c for c in suite.cases
                if any(s["kind"] == "ndarray" and s.get("pil") for s in c["setup"])
                and any(s.get("op") == "contents" for s in c["steps"]))
    adapter = runner.Adapter(impl.argv, env=impl.env, timeout=60, start_timeout=120)
    hello = adapter.start()
    try:
        replies = list(adapter.run([{k: v for k, v in case.items() if k != "expect"}]))
    finally:
        adapter.close()
    assert hello.raw["ndarray"] == "ctypes" and hello.raw["platform"]["word_size"] == 32
    assert [r.status for r in replies] == [runner.ANSWERED]
    recorded = next(e["outcomes"] for e in case["expect"] if "cpython-3.11.2-64le" in e["oracles"])
    assert replies[0].outcomes == recorded


@pytest.mark.parametrize("python", [p for _, p in ALL_CPYTHONS],
                         ids=[f"cpython-{a}.{b}" for (a, b), _ in ALL_CPYTHONS])
def test_the_stand_in_gives_cpython_the_outcomes_of_testbuffer_wherever_it_runs(cases, python):
    """Every ndarray case, on every CPython here: where the adapter stands in
    for the ndarray with bytes or a bytearray whose views are cast to its
    format and shape, each step has the outcome it has with _testbuffer;
    elsewhere the case is unsupported."""
    _, theirs = answers_with_testbuffer(python, cases)
    hello, ours = answers(python, cases, "stand-in")
    assert hello.raw["ndarray"] == "stand-in"
    realised = {i: o for i, o in ours.items() if not isinstance(o, str)}
    assert len(realised) > 5000        # most C-contiguous cases, not a handful
    differ = differences(theirs, realised, ("_testbuffer", "stand-in"))
    assert not differ, f"{len(differ)} of {len(realised)} differ, e.g.\n" + "\n".join(differ[:3])


def test_without_cast_the_stand_in_is_bytes_or_an_array_and_gives_the_same_outcomes(
        cases, with_testbuffer):
    """Where views have no cast() (MicroPython), a 1-dimensional ndarray is
    bytes, a bytearray or an array of its format: on CPython, forced so, the
    outcomes are _testbuffer's wherever it runs."""
    _, theirs = with_testbuffer
    _, ours = answers(impls.DEBIAN_PYTHON, cases, "stand-in-without-cast")
    realised = {i: o for i, o in ours.items() if not isinstance(o, str)}
    assert len(realised) > 500
    assert any("views have no cast()" in o for o in ours.values() if isinstance(o, str))
    differ = differences(theirs, realised, ("_testbuffer", "stand-in-without-cast"))
    assert not differ, f"{len(differ)} of {len(realised)} differ, e.g.\n" + "\n".join(differ[:3])


def test_the_stand_in_refuses_a_case_that_could_tell_it_from_an_ndarray(cases):
    """The stand-in is unsupported, saying why, where a step would see the
    exporter itself (a step on x other than memoryview(x), contents, drop;
    a hash that asks a writable exporter), and for layouts it cannot have
    (suboffsets, strides or an offset other than C order's, a shape cast()
    refuses)."""
    _, ours = answers(impls.DEBIAN_PYTHON, cases, "stand-in")
    why = {o for o in ours.values() if isinstance(o, str)}
    for reason in ("hashes a view, which hashes a writable exporter",
                   "only C order has a stand-in", "suboffsets have no stand-in",
                   "cannot cast view with zeros in shape"):
        assert any(reason in w for w in why), reason
    assert any(" itself" in w and "uses" in w for w in why)


def test_pypy_builds_ndarrays_with_mvspec_exporter(suite):
    pypy = impls.resolve("pypy")
    assert pypy.env["MVSPEC_EXPORTER_DIR"] == str(impls.EXPORTER_DIR)
    case = next(c for c in ndarray_cases(suite) if c["id"].startswith("tolist/"))
    adapter = runner.Adapter(pypy.argv, env=pypy.env, timeout=30)
    hello = adapter.start()
    try:
        replies = list(adapter.run([case]))
    finally:
        adapter.close()
    assert hello.raw["ndarray"] == "mvspec_exporter" and "ndarray" in hello.exporters
    assert [r.status for r in replies] == [runner.ANSWERED]


def test_pypy_without_its_exporter_is_refused_with_the_command_that_builds_it(monkeypatch, tmp_path):
    monkeypatch.setattr(impls, "EXPORTER_DIR", tmp_path)
    with pytest.raises(impls.ImplError, match="make exporter-modules"):
        impls.resolve("pypy")


def test_the_adapter_finds_no_exporter_where_none_is_built(tmp_path, suite):
    """A CPython told to use mvspec_exporter where none is built for it
    stops at once, rather than quietly standing in."""
    env = dict(os.environ, MVSPEC_EXPORTER_DIR=str(tmp_path), MVSPEC_NDARRAY="mvspec_exporter")
    adapter = runner.Adapter(impls.python_adapter(impls.DEBIAN_PYTHON), env=env, timeout=30,
                             start_timeout=30)
    with pytest.raises(runner.AdapterError):
        adapter.start()
    adapter.close()
