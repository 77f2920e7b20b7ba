"""Every other implementation runs through the one Python adapter.

PyPy runs harness/adapters/mvadapter.py itself; Pyodide, MicroPython and
Brython run the same file inside Node (harness/adapters/node/*.mjs). Each must
greet with who it is (protocol.md section 2), answer the seed cases without
crashing, and say `unsupported` for what it lacks. A tiny adapter written in
JavaScript, sharing nothing with mvadapter.py, shows that the protocol is the
only contract (section 10).

These tests skip an implementation that is not installed, unless the run
requires them: `make test` sets MVSPEC_REQUIRE_IMPLS=1 after `make impls`
(and CI sets CI=true), so there they always run.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import impls, record, runner, session
from harness.adapters_path import mvadapter

ROOT = Path(__file__).resolve().parent.parent
TINY = Path(__file__).parent / "fakes" / "tiny_adapter.mjs"
LOCK = json.loads((impls.NODE_DIR / "package-lock.json").read_text())
REQUIRED = os.environ.get("MVSPEC_REQUIRE_IMPLS") == "1" or os.environ.get("CI") == "true"
FAILING = ("fail", "crash", "timeout", "protocol-error")


def locked_version(package):
    return LOCK["packages"][f"node_modules/{package}"]["version"]


def installed(name):
    """The implementation, or a skip (a failure when the run requires it)."""
    try:
        return impls.resolve(name)
    except impls.ImplError as e:
        if REQUIRED:
            pytest.fail(f"{name} is required here but: {e}")
        pytest.skip(str(e))


def need_node():
    if shutil.which("node") is None:
        if REQUIRED:
            pytest.fail("node is required here: run `make impls`")
        pytest.skip("no node here")


# What each implementation must say about itself, and the seed cases it must
# pass (the others may fail: they are its divergences, found by the suite).
EXPECTED = {
    "pypy": dict(implementation="pypy", language="3.9", word_size=64,
                 exporters={"bytes", "bytearray", "value", "object", "array", "ndarray"},
                 passes={"seed/bytes-index", "seed/bytes-slice-to-bytes",
                         "seed/bytearray-write-through", "seed/array-index-and-assign",
                         "seed/bytearray-slice-shares-memory", "seed/ndarray-tolist"}),
    "pyodide": dict(implementation="pyodide", language="3.14", word_size=32,
                    version="3.14.2",
                    exporters={"bytes", "bytearray", "value", "object", "array", "ndarray"},
                    passes={"seed/bytes-index", "seed/bytes-slice-to-bytes",
                            "seed/bytearray-write-through", "seed/array-index-and-assign",
                            "seed/bytearray-slice-shares-memory", "seed/ndarray-tolist"}),
    "micropython": dict(implementation="micropython", language="3.4", word_size=32,
                        version=locked_version("@micropython/micropython-webassembly-pyscript"),
                        exporters={"bytes", "bytearray", "value", "object", "array",
                                   "ndarray"},
                        passes={"seed/bytes-index", "seed/bytes-slice-to-bytes",
                                "seed/bytearray-write-through", "seed/array-index-and-assign",
                                "seed/bytearray-slice-shares-memory"}),
    "brython": dict(implementation="brython", language="3.14", word_size=32,
                    version=locked_version("brython"),
                    exporters={"bytes", "bytearray", "value", "object", "array",
                               "ndarray"},
                    passes={"seed/bytes-index", "seed/bytes-slice-to-bytes",
                            "seed/bytearray-write-through"}),
}
_seed_runs = {}


def seed_run(name, suite):
    if name not in _seed_runs:
        cases = [c for c in suite.cases if c["id"].startswith("seed/")]
        _seed_runs[name] = session.run(installed(name), suite, cases)
    return _seed_runs[name]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_hello_line_names_the_implementation_and_its_platform(name, suite):
    want = EXPECTED[name]
    hello = seed_run(name, suite).hello
    assert hello.implementation == want["implementation"]
    assert hello.language == want["language"]
    assert hello.word_size == want["word_size"] and hello.byteorder == "little"
    assert set(hello.exporters) == want["exporters"]
    if "version" in want:
        assert hello.version == want["version"]


def test_pyodide_says_which_pyodide_it_is(suite):
    hello = seed_run("pyodide", suite).hello
    assert hello.raw["pyodide"] == locked_version("pyodide")


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_seed_cases_get_sensible_statuses(name, suite):
    run = seed_run(name, suite)
    by_id = {r.id: r for r in run.results}
    broken = [(r.id, r.status, r.detail) for r in run.results
              if r.status in ("crash", "timeout", "protocol-error")]
    assert not broken and run.restarts == 0
    for case_id in EXPECTED[name]["passes"]:
        assert by_id[case_id].status == "pass", (case_id, by_id[case_id].diffs)
    for r in run.results:
        if r.status == "unsupported":   # for want of an exporter (or a stand-in for it)
            assert r.detail.startswith(("no exporter", "no ndarray exporter")), (r.id, r.detail)


# -- a JavaScript exception escaping a runtime ------------------------------

# mvadapter.py cannot walk steps that are not a list: the Python exception
# escapes handle_line, so the wrapper sees a JavaScript exception.
BROKEN_CASE = {"id": "seed/broken", "rules": [], "setup": [], "steps": 5}


@pytest.mark.parametrize("name", list(impls.NODE_IMPLS))
def test_an_exception_escaping_the_runtime_is_a_crash_of_that_case_only(name, suite):
    impl = installed(name)
    good = suite.by_id()["seed/bytes-index"]
    adapter = runner.Adapter(impl.argv, timeout=30)
    adapter.start()
    try:
        replies = list(adapter.run([good, BROKEN_CASE, good]))
    finally:
        adapter.close()
    assert [r.status for r in replies] == ["answered", "crash", "answered"]
    assert "exit status 3" in replies[1].detail
    assert "escaped on case seed/broken" in replies[1].detail
    # Once with the last case still in flight, once when the broken case,
    # sent again alone, crashed again (runner.py: who is charged).
    assert adapter.restarts == 2


# -- naming and installing ---------------------------------------------------

def test_an_uninstalled_node_runtime_says_to_run_make_impls(monkeypatch, tmp_path):
    monkeypatch.setattr(impls, "NODE_DIR", tmp_path)
    for name in impls.NODE_IMPLS:
        with pytest.raises(impls.ImplError, match="run `make impls`"):
            impls.resolve(name)
    assert impls.node_impls_installed() == []


def test_cpython_shortcuts_name_each_minor_version_here():
    here = impls.cpythons()
    assert here, "no CPython found"
    for (major, minor), python in here.items():
        impl = impls.resolve(f"cpython-{major}.{minor}")
        assert impl.name == f"cpython-{major}.{minor}"
        assert impl.argv == impls.python_adapter(python)
    with pytest.raises(impls.ImplError, match="no CPython 2.7 here"):
        impls.resolve("cpython-2.7")


def test_make_cases_records_pyodide_as_the_32_bit_oracle():
    installed("pyodide")
    assert impls.node_impl("pyodide").argv in record.default_oracle_argvs()


def test_pyodide_records_as_cpython_3_14_on_32_bits(suite):
    oracle = record.oracle_of(seed_run("pyodide", suite).hello)
    assert oracle.name == "cpython-3.14.2-32le"


# -- the adapter's own portability shims, checked under CPython --------------

def test_a_slice_made_by_subscript_is_the_slice_the_constructor_makes():
    # MicroPython cannot call slice(); mvadapter builds slices by subscript.
    maker = mvadapter._SliceMaker()
    assert maker[1:None:-(2 ** 64)] == slice(1, None, -(2 ** 64))
    assert maker[None:None:None] == slice(None, None, None)


def test_surrogate_pairs_left_by_json_are_joined_into_one_character():
    # MicroPython's json.loads leaves "\ud83d\ude00" as two lone surrogates.
    assert mvadapter._joined("a\ud83d\ude00b") == "a\U0001f600b"
    assert mvadapter._joined("\ud83d") == "\ud83d"          # a lone one stays
    assert mvadapter.join_surrogates("\ud83d\ude00") == "\ud83d\ude00"  # CPython: as is


def test_a_call_without_keywords_passes_no_keywords():
    # Brython takes an empty **{} for one more positional argument.
    got = []
    assert mvadapter.call(lambda *a, **k: got.append((a, k)), [1, 2], {}) is None
    assert got == [((1, 2), {})]


def test_a_method_is_called_on_whatever_object_the_implementation_gave():
    # A view method on a non-view is an outcome (AttributeError), not
    # `unsupported`: the implementation gave that object in place of a view.
    case = {"id": "seed/x", "rules": [], "setup": [],
            "steps": [{"op": "call", "obj": "n", "method": "tobytes"}]}
    env_case = dict(case, setup=[{"name": "n", "kind": "value", "value": 5}])
    result = json.loads(mvadapter.handle_line(json.dumps(env_case)))
    assert result["outcomes"][0]["raises"]["type"] == "AttributeError"
    unknown = dict(env_case, steps=[{"op": "call", "obj": "n", "method": "bit_length"}])
    assert "unsupported" in json.loads(mvadapter.handle_line(json.dumps(unknown)))


# -- the protocol is language-neutral ----------------------------------------

def test_a_tiny_adapter_in_javascript_passes_the_cases_it_supports(tmp_path):
    need_node()
    r = subprocess.run([sys.executable, "-m", "harness", "run", f"tiny=node {TINY}",
                        "--results", str(tmp_path)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads((tmp_path / "tiny.json").read_text())
    assert doc["hello"]["implementation"] == "tiny-js"
    statuses = {c["id"]: c["status"] for c in doc["cases"]}
    assert statuses["seed/bytes-index"] == "pass"
    assert statuses["seed/bytes-slice-to-bytes"] == "pass"
    assert not [i for i, s in statuses.items() if s in FAILING]
    assert doc["summary"]["pass"] >= 10
    assert doc["summary"]["pass"] + doc["summary"]["unsupported"] == doc["summary"]["total"]
