"""Chapter 16, the exporter's contract: the checker catches every fault, the
exporter of any layout keeps every rule, and the real exporters are measured.

mvspec_exporter (harness/exporter/) is built for every interpreter here by
`make exporter-modules` (`make test` does it first); these tests fail, not
skip, when it is missing.  The checker runs here in this process (Debian's
python3) and, through `python3 -m harness exporter(s)`, under every CPython
and PyPy.
"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness import exporters, spec
from harness.adapters import mvadapter

ROOT = Path(__file__).resolve().parent.parent
mx = exporters.checker()

# harness/exporter/catalogue.py runs inside every interpreter checked; here
# it is loaded by path, so that its name shadows nothing.
_spec = importlib.util.spec_from_file_location("mvspec_catalogue",
                                               ROOT / "harness" / "exporter" / "catalogue.py")
catalogue = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(catalogue)
RULES = [r for r, _ in mx.RULES]
TWELVE = list(range(1, 13))


def found(obj):
    """(rule, request) of every violation the checker reports."""
    return {(v["rule"], v["request"]) for v in mx.examine(obj)["violations"]}


# ------------------------------------------------------------- the rules ---

def test_the_checker_judges_exactly_the_rules_of_chapter_16():
    chapter = [r.id for r in spec.parse() if r.area == "EXPORTER"]
    assert RULES == chapter


def test_the_checker_makes_every_request_of_the_documentation():
    flags = [f for _, f, _ in mx.REQUESTS]
    structures = {0, 0x8, 0x18, 0x38, 0x58, 0x98, 0x118}
    # each structure with and without WRITABLE and FORMAT, but FORMAT never
    # with the simple request, which means unsigned bytes
    assert sorted(flags) == sorted({s | m for s in structures for m in (0, 1, 4, 5)
                                    if not (s == 0 and m & 4)})


# ------------------------------------------------ the exporter of any layout ---

def ours(name, **extra):
    return catalogue.ndarray_of("mvspec_exporter", dict(catalogue.layouts()[name], **extra))()


@pytest.mark.parametrize("layout", catalogue.layouts())
def test_the_exporter_of_any_layout_keeps_every_rule(layout):
    nd = ours(layout)
    assert mx.check(nd) == []
    assert nd.exports == 0            # every buffer the checker took, it gave back


def test_the_correct_exporters_layouts_exercise_every_rule():
    checked = set()
    for layout in catalogue.layouts():
        rules = mx.examine(ours(layout))["rules"]
        checked |= {r for r, c in rules.items() if c["checks"]}
    assert checked == set(RULES)


def test_the_exporter_of_any_layout_shows_what_testbuffer_shows_for_every_ndarray_of_the_suite(suite):
    """Every ndarray setup of conformance/, built by _testbuffer and by
    mvspec_exporter.ndarray: a memoryview of each shows the same layout,
    items and bytes, and the exporters' own tolist() agrees."""
    import _testbuffer

    def build(module, s):
        flags = ((0 if s.get("readonly", True) else module.ND_WRITABLE)
                 | (module.ND_FORTRAN if s.get("fortran") else 0)
                 | (module.ND_PIL if s.get("pil") else 0))
        kwargs = dict(shape=s["shape"], offset=s.get("offset", 0), format=s["format"],
                      flags=flags)
        if s.get("strides") is not None:
            kwargs["strides"] = s["strides"]
        return module.ndarray(mvadapter.decode(s["items"], {}), **kwargs)

    def outcome(f):
        try:
            return repr(f())
        except Exception as e:
            return f"{type(e).__name__}: {e}"

    def seen(x):
        m = memoryview(x)
        return [repr([getattr(m, a) for a in ("format", "itemsize", "ndim", "shape", "strides",
                                              "suboffsets", "nbytes", "readonly", "c_contiguous",
                                              "f_contiguous", "contiguous")]),
                outcome(m.tolist), outcome(m.tobytes), outcome(x.tolist)]

    setups = {json.dumps({k: v for k, v in s.items() if k != "name"}, sort_keys=True): s
              for c in suite.cases for s in c["setup"] if s["kind"] == "ndarray"}
    assert len(setups) > 1000
    differ = []
    for key, s in setups.items():
        theirs, mine = outcome(lambda: seen(build(_testbuffer, s))), outcome(lambda: seen(build(mx, s)))
        if theirs != mine:
            differ.append(f"{key}\n  _testbuffer: {theirs}\n  ours:        {mine}")
    assert not differ, f"{len(differ)} of {len(setups)} differ, e.g.\n" + "\n".join(differ[:3])


def test_the_exporter_of_any_layout_writes_items_where_its_layout_says():
    nd = ours("strided", flags=("WRITABLE",))
    m = memoryview(nd)
    nd[1, 2] = 99
    assert m[1, 2] == 99 and nd.tolist() == m.tolist()
    with pytest.raises(TypeError, match="not writable"):
        ours("C")[0, 0] = 1


# ---------------------------------------------------------- planted faults ---

# Each fault of mvspec_exporter.ndarray, a layout that shows it, and the
# rules it breaks with the request that shows each.
FAULTS = {
    "no-obj": ("C", {}, [("EXPORTER-001", "PyBUF_SIMPLE")]),
    "borrowed-obj": ("C", {}, [("EXPORTER-001", "PyBUF_SIMPLE")]),
    "refuse-with-valueerror": ("C", {}, [("EXPORTER-002", "PyBUF_WRITABLE")]),
    "refuse-leaves-obj": ("C", {}, [("EXPORTER-002", "PyBUF_WRITABLE")]),
    "itemsize-varies": ("C", {}, [("EXPORTER-003", "PyBUF_SIMPLE")]),
    "negative-shape": ("C", {}, [("EXPORTER-004", "PyBUF_ND")]),
    "scalar-shape": ("0-d", {}, [("EXPORTER-005", "PyBUF_ND")]),
    "wrong-len": ("C", {}, [("EXPORTER-006", "PyBUF_ND")]),
    "wrong-itemsize": ("C", {}, [("EXPORTER-007", "PyBUF_ND|PyBUF_FORMAT")]),
    "writable-ignored": ("C", {}, [("EXPORTER-008", "PyBUF_WRITABLE")]),
    "writable-readonly": ("C", {}, [("EXPORTER-009", "PyBUF_WRITABLE")]),
    "format-always": ("C", {}, [("EXPORTER-010", "PyBUF_SIMPLE")]),
    "format-missing": ("C", {}, [("EXPORTER-010", "PyBUF_ND|PyBUF_FORMAT")]),
    "shape-in-simple": ("C", {}, [("EXPORTER-011", "PyBUF_SIMPLE")]),
    "ignore-contiguity": ("strided", {}, [("EXPORTER-011", "PyBUF_SIMPLE"),
                                          ("EXPORTER-012", "PyBUF_ND"),
                                          ("EXPORTER-015", "PyBUF_C_CONTIGUOUS")]),
    "no-shape-under-nd": ("C", {}, [("EXPORTER-012", "PyBUF_ND")]),
    "strides-under-nd": ("C", {}, [("EXPORTER-012", "PyBUF_ND")]),
    "no-strides": ("C", {}, [("EXPORTER-013", "PyBUF_STRIDES")]),
    "ignore-indirect": ("PIL", {}, [("EXPORTER-013", "PyBUF_STRIDES")]),
    "empty-suboffsets": ("C", {}, [("EXPORTER-014", "PyBUF_INDIRECT")]),
    "strides-out-of-bounds": ("C", {}, [("EXPORTER-016", "PyBUF_STRIDES")]),
    "shape-varies": ("C", {}, [("EXPORTER-017", "PyBUF_ND")]),
    "release-twice": ("C", {}, [("EXPORTER-018", "PyBUF_SIMPLE")]),
    "release-count": ("C", {}, [("EXPORTER-019", "PyBUF_SIMPLE")]),
}


def test_every_fault_of_the_exporter_is_shown_caught():
    assert sorted(FAULTS) == sorted(mx.FAULTS)


def test_every_rule_is_shown_catching_a_planted_fault():
    """A rule no planted fault breaks would be a rule the checker is not
    shown to check: a defect, as a rule with no case is."""
    shown = {rule for _, _, caught in FAULTS.values() for rule, _ in caught}
    assert shown == set(RULES)


@pytest.mark.parametrize("fault", FAULTS)
def test_a_planted_fault_is_caught_by_its_rule_with_the_request_that_shows_it(fault):
    layout, extra, caught = FAULTS[fault]
    nd = ours(layout, faults=[fault], **extra)
    before = sys.getrefcount(nd)
    report = found(nd)
    for rule, request in caught:
        assert (rule, request) in report, sorted(report)
    # the same layout without the fault breaks nothing: the fault is the cause
    assert found(ours(layout, **extra)) == set()
    # an exporter that gives back too many references is repaired, so that
    # it outlives the check
    assert sys.getrefcount(nd) >= before


def test_a_wrong_stride_is_reported_not_a_crash():
    nd = ours("C", faults=["strides-out-of-bounds"])
    lines = mx.check(nd)
    assert any(line.startswith("EXPORTER-016 PyBUF_STRIDES (0x18) buf: cannot read the items: "
                               "an item is not in readable memory at 0x") for line in lines), lines


def test_check_gives_one_line_per_violation_naming_rule_request_and_field():
    lines = mx.check(ours("C", faults=["no-shape-under-nd"]))
    assert lines[0] == ("EXPORTER-012 PyBUF_ND (0x8) shape: NULL, though the request asks "
                        "for the shape")
    with pytest.raises(TypeError, match="'int' object is not an exporter"):
        mx.check(42)


def test_a_refusal_leaves_nothing_exported_and_every_grant_is_released_once():
    nd = ours("PIL")                       # refuses all but the indirect requests
    report = mx.examine(nd)
    granted = [q["request"] for q in report["requests"] if q["granted"]]
    assert granted == ["PyBUF_INDIRECT", "PyBUF_INDIRECT|PyBUF_FORMAT"]
    assert all(q["refusal"].startswith("BufferError: ") for q in report["requests"]
               if not q["granted"])
    assert nd.exports == 0


def test_an_ndarray_never_made_lends_nothing():
    nd = mx.ndarray.__new__(mx.ndarray)
    with pytest.raises(BufferError, match="never made"):
        memoryview(nd)
    with pytest.raises(ValueError, match="never made"):
        nd.tolist()


def test_the_catalogues_names_are_single_words():
    """The expectations file separates its fields by spaces."""
    assert [n for n in catalogue.entries() if len(n.split()) != 1] == []


def test_the_exporter_names_an_unknown_fault():
    with pytest.raises(ValueError, match="unknown fault 'nope'"):
        mx.ndarray([1], shape=[1], faults=["nope"])


# ------------------------------------------------- the command line, anywhere ---

def harness(*args):
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_harness_exporter_reports_by_rule_and_exits_0_or_1():
    ok = harness("exporter", "tests.fakes.exporters:correct")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "EXPORTER-001 ok " in ok.stdout and "every rule kept" in ok.stdout
    bad = harness("exporter", "tests.fakes.exporters:no_shape_under_nd")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "  EXPORTER-012 FAIL  PyBUF_ND gets the shape" in bad.stdout
    assert "      PyBUF_ND (0x8) shape: NULL, though the request asks for the shape" in bad.stdout
    assert "1 of 19 rules broken" in bad.stdout


def test_harness_exporter_checks_each_exporter_of_a_dict():
    r = harness("exporter", "tests.fakes.exporters:several")
    assert r.returncode == 1
    assert "tests.fakes.exporters:several/bytes on cpython-" in r.stdout
    assert "several/faulty on cpython-" in r.stdout


@pytest.mark.parametrize("spec, said", [
    ("nosuchmodule:make", "cannot import nosuchmodule"),
    ("tests.fakes.exporters:nosuch", "has no function nosuch"),
    ("tests.fakes.exporters", "write MODULE:FACTORY"),
])
def test_harness_exporter_exits_2_on_a_spec_that_names_nothing(spec, said):
    r = harness("exporter", spec)
    assert r.returncode == 2 and said in r.stderr, r.stdout + r.stderr


def test_harness_exporter_survives_an_exporter_that_is_not_one_or_crashes():
    r = harness("exporter", "tests.fakes.exporters:not_an_exporter",
                "tests.fakes.exporters:crash", "tests.fakes.exporters:correct")
    assert r.returncode == 2, r.stdout + r.stderr
    assert "not_an_exporter on cpython-3.11.2: error: TypeError: a 'int' object is not" in r.stdout
    assert "crash on cpython-3.11.2: crash: the interpreter died (status -11)" in r.stdout
    assert "correct on cpython-3.11.2: every rule kept" in r.stdout


def test_harness_exporter_checks_under_pypy_through_cpyext():
    pypy = [p for p in exporters.pythons() if "pypy" in p]
    if not pypy:
        pytest.fail("no pypy3 here: `make impls` installs it")
    r = harness("exporter", "--python", pypy[0], "tests.fakes.exporters:correct")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "correct on pypy-" in r.stdout


# ------------------------------------------- the real exporters, measured ---

@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    out = tmp_path_factory.mktemp("exporters") / "results.json"
    return exporters.matrix(out=out), json.loads(out.read_text())


def test_every_interpreter_here_checks_the_real_exporters(matrix):
    runs, _ = matrix
    assert sorted(run.python for run in runs) == sorted(exporters.pythons())
    for run in runs:
        problems = {n: c.reason for n, c in run.cells.items() if c.status in ("error", "crash")}
        assert problems == {}, run.name
        assert run.cells["bytes"].status == "checked"


def test_the_real_exporters_break_only_the_rules_known_broken(matrix):
    runs, _ = matrix
    new, _ = exporters.gate(runs, exporters.read_expectations(exporters.EXPECTATIONS))
    assert new == [], ("violations conformance/expectations/exporters.txt does not list "
                       f"(`python3 -m harness exporters` shows them): {new[:10]}")


def test_the_exporter_of_any_layout_keeps_every_rule_on_every_interpreter(matrix):
    runs, _ = matrix
    for run in runs:
        ours_ = {n: c for n, c in run.cells.items() if n.startswith("mvspec_exporter.ndarray/")}
        assert len(ours_) == len(catalogue.layouts()), run.name
        assert {n: c.failed() for n, c in ours_.items() if c.failed()} == {}, run.name


def test_the_results_json_has_a_cell_per_exporter_and_interpreter(matrix):
    runs, data = matrix
    assert [i["interpreter"] for i in data["interpreters"]] == [run.name for run in runs]
    for name, row in data["exporters"].items():
        if not name.startswith("array/"):          # array('w') is 3.13's alone
            assert set(row) == {run.name for run in runs}, name
    debian = next(run.name for run in runs if run.python == exporters.impls.DEBIAN_PYTHON)
    cell = data["exporters"]["numpy/C"][debian]      # Debian's python3 has numpy
    assert cell["status"] == "checked" and set(cell["passed"]) | set(cell["failed"]) <= set(RULES)
    assert cell["failed"]["EXPORTER-002"][0]["message"].startswith("refused with ValueError")
    elsewhere = [row for n, row in data["exporters"]["numpy/C"].items() if n != debian]
    assert all(c == {"status": "unavailable", "reason": "no numpy here"} for c in elsewhere)


# ---------------------------------------------------------------- the checks ---

def test_the_warnings_check_builds_the_exporter_and_fails_on_a_planted_unused_variable(
        tmp_path, capfd):
    """The warnings check holds harness/exporter to -Wall -Wextra -Werror, for
    CPython and PyPy: shown on a copy, clean and then with a fault planted."""
    import shutil
    from harness import checks
    shutil.copy(ROOT / "Makefile", tmp_path)
    for folder in ("reference", "harness/exporter"):
        shutil.copytree(ROOT / folder, tmp_path / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    tree = checks.Tree(tmp_path)
    builds = (("gcc", "-O0"),)
    checks.build_side_by_side(tree, checks.exporter_builds(tree, builds))
    source = tmp_path / "harness" / "exporter" / "ndarray.c"
    text = source.read_text()
    head = "static PyObject *ndarray_tolist(PyObject *self, PyObject *unused)\n{\n"
    assert text.count(head) == 1
    source.write_text(text.replace(head, head + "    int planted_unused;\n"))
    with pytest.raises(checks.CheckFailed, match="make exited with 2") as failed:
        checks.build_side_by_side(tree, checks.exporter_builds(tree, builds))
    assert "ndarray.c" in str(failed.value) and "unused variable" in str(failed.value), \
        str(failed.value)
