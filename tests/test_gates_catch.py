"""Each gate fails when its condition is broken: a fault planted in a copy.

A gate that cannot fail proves nothing. So each gate of harness/gates.py is
run here, through its own code, on a scratch copy of the reference (the
Makefile, reference/, coverage/ and the seed cases, for one CPython) twice:
on the copy as it is, where it must pass -- so that its failure cannot come
from the copy or the selection -- and with one fault planted in a source
file, where it must fail and say what is wrong.

Control and fault share the copy and its builds, so that the planted run
recompiles one file only.
"""

import re
import shutil
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from harness import gates

ROOT = Path(__file__).resolve().parent.parent
PYTHON = "3.12"
FAILED_FOR = f"the suite failed for {PYTHON} (64-bit) exited with 1"


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> gates.Tree:
    root = tmp_path_factory.mktemp("gates-catch")
    shutil.copy(ROOT / "Makefile", root)
    for folder in ("reference", "coverage"):
        shutil.copytree(ROOT / folder, root / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    (root / "conformance").mkdir()
    for name in ("seed.jsonl", "oracles.json"):
        shutil.copy(ROOT / "conformance" / name, root / "conformance")
    return gates.Tree(root, ids=("seed/*",), pythons=(PYTHON,))


def body(function: str) -> str:
    """A pattern for a function's head, up to the brace opening its body."""
    return rf"^\w[\w *]*\b{function}\([^)]*\)\n\{{\n"


@contextmanager
def planted(tree: gates.Tree, path: str, *insertions: tuple[str, str]):
    """The tree with a fault in one file, for the duration: each (pattern,
    code) inserts code after the one place the pattern matches."""
    source = tree.root / path
    original = source.read_text()
    text = original
    for pattern, code in insertions:
        found = list(re.finditer(pattern, text, re.M))
        assert len(found) == 1, f"{path}: {pattern!r} matches {len(found)} places, not one"
        text = text[:found[0].end()] + code + text[found[0].end():]
    source.write_text(text)
    try:
        yield
    finally:
        source.write_text(original)


def run(gate, tree: gates.Tree, capfd, **options) -> tuple[str | None, str]:
    """Run a gate: its failure message (None when it passes), and all it printed."""
    try:
        gate(tree, **options)
        failure = None
    except gates.GateFailed as e:
        failure = str(e)
    out, err = capfd.readouterr()
    return failure, out + err


@pytest.mark.parametrize("one_build, path, function, said", [
    (dict(builds=(("gcc", "-O0"),), mvref_builds=()), "reference/src/indexing.c", "mv_getitem",
     r"unused variable .planted_unused. \[-Werror=unused-variable\]"),
    (dict(builds=(), mvref_builds=(("gcc", "-O0"),)), "reference/python/view.c",
     "view_subscript", r"view\.c:\d+:\d+: error: unused variable .planted_unused."),
], ids=["library", "mvref"])
def test_warnings_fail_on_an_unused_variable(tree, capfd, one_build, path, function, said):
    failure, out = run(gates.gate_warnings, tree, capfd, **one_build)
    assert failure is None, out
    with planted(tree, path, (body(function), "    int planted_unused;\n")):
        failure, out = run(gates.gate_warnings, tree, capfd, **one_build)
    assert failure == "make exited with 2", out
    assert re.search(said, out), out


def test_cppcheck_fails_on_a_null_pointer_read(tree, capfd):
    # Through the command line: the options reach the gate, the status says it.
    argv = ["--root", str(tree.root), "cppcheck"]
    assert gates.main(argv) == 0, capfd.readouterr()
    capfd.readouterr()
    with planted(tree, "reference/src/indexing.c",
                 (body("mv_getitem"), "    int *planted = NULL;\n"
                                      "    if (key == NULL)\n"
                                      "        return *planted;\n")):
        status = gates.main(argv)
    out = capfd.readouterr().out
    assert status == 1, out
    assert "gate cppcheck: cppcheck reports:" in out
    assert re.search(r"indexing\.c:\d+:\d+: \w+: Null pointer dereference: planted \[nullPointer\]",
                     out), out
    assert "gate cppcheck: FAIL" in out


def test_sanitize_fails_on_a_read_past_the_buffer(tree, capfd):
    failure, out = run(gates.gate_sanitize, tree, capfd)
    assert failure is None, out
    with planted(tree, "reference/src/indexing.c",
                 (body("view_getitem"),
                  "    volatile unsigned char past_end =\n"
                  "        ((const unsigned char *)v->view.buf)[v->view.len];\n"
                  "    (void)past_end;\n")):
        failure, out = run(gates.gate_sanitize, tree, capfd)
    assert failure.startswith(FAILED_FOR + "\n"), out
    # the failure names a case that crashed and says where the whole logs are
    assert re.search(r"\n    seed/\S+: crash: ", failure), failure
    assert f"adapter logs: {tree.root}/build/results/gates/logs/" in failure, failure
    assert re.search(r"\d+ cases, \d+ pass, .* [1-9]\d* crash", out), out
    # the sanitizer's report is in the logs of the driver processes (one a job)
    logs = (tree.root / "build/results/gates/logs").glob(f"reference-sanitize-gcc-{PYTHON}-64*")
    report = "".join(log.read_text() for log in sorted(logs))
    assert "ERROR: AddressSanitizer: heap-buffer-overflow" in report, report
    assert re.search(r"READ of size 1 .*\n\s+#0 .* in view_getitem .*indexing\.c:\d+", report), report


def test_valgrind_fails_on_a_leaked_block(tree, capfd):
    failure, out = run(gates.gate_valgrind, tree, capfd)
    assert failure is None, out
    with planted(tree, "reference/src/indexing.c",
                 (r'^#include "mvint.h"\n', "#include <stdlib.h>\n"),
                 (body("mv_getitem"), "    void *volatile planted = malloc(16);\n"
                                      "    (void)planted;\n")):
        failure, out = run(gates.gate_valgrind, tree, capfd)
    assert failure.startswith(FAILED_FOR + "\n"), out
    # the failure itself carries Valgrind's report, not only the run's output
    assert "\n    adapter did not end cleanly: exit status 99" in failure, failure
    assert "definitely lost" in failure, failure
    assert re.search(r"\d+ bytes in \d+ blocks are definitely lost .*\n.*at 0x\w+: malloc .*\n"
                     r".*by 0x\w+: mv_getitem \(indexing\.c:\d+\)", out), out


def test_coverage_fails_on_a_function_no_case_reaches(tree, capfd):
    # The whole suite's thresholds are not a handful of cases' business: the
    # copy's are what the seed cases reach, as a first run measures them.
    thresholds = tree.thresholds
    thresholds.write_text("lines = 0.0\nfunctions = 0.0\nbranches = 0.0\n")
    failure, out = run(gates.gate_coverage, tree, capfd)
    assert failure is None, out
    got = re.search(r"coverage of reference/src: lines ([\d.]+)%, functions ([\d.]+)%, "
                    r"branches ([\d.]+)%", out)
    assert got, out
    thresholds.write_text("lines = {}\nfunctions = {}\nbranches = {}\n".format(*got.groups()))
    failure, out = run(gates.gate_coverage, tree, capfd)
    assert failure is None, out
    with planted(tree, "reference/src/indexing.c",
                 (r"\Z", "\nint mv_planted_unreached(int x);\n"
                         "int mv_planted_unreached(int x)\n{\n    return x + 1;\n}\n")):
        failure, out = run(gates.gate_coverage, tree, capfd)
    assert failure is not None, out
    # Its few lines may round to the same share of lines; one function in
    # some hundreds always shows.
    assert re.fullmatch(r"coverage below the thresholds of coverage/thresholds\.toml: "
                        rf"(lines [\d.]+% < {got[1]}%, )?functions [\d.]+% < {got[2]}%",
                        failure), out


def test_allocfail_fails_on_a_leak_when_an_allocation_fails(tree, capfd):
    # One case is enough: its memoryview() makes the managed buffer, then
    # the view; the walk fails each allocation in turn, under Valgrind.
    tree = replace(tree, ids=("seed/bytes-index",))
    failure, out = run(gates.gate_allocfail, tree, capfd)
    assert failure is None, out
    # When the view cannot be made, the new managed buffer is kept, and with
    # it the exporter's loan: the one path the suite itself never takes.
    with planted(tree, "reference/src/view.c",
                 (r"^    status = view_new\(mb, &mb->master, out, err\);\n",
                  "    if (status < 0)\n        return status;\n")):
        failure, out = run(gates.gate_allocfail, tree, capfd)
    assert failure == f"allocation failures went wrong for {PYTHON} (64-bit)", out
    assert re.search(r"--fail-alloc \d+: exit status 99", out), out
    assert re.search(r"are definitely lost .*\n(.*\n){2}.*by 0x\w+: mv_view_from_buffer "
                     r"\(view\.c:\d+\)", out), out


def test_the_command_line_names_the_tree_the_cases_and_the_pythons(tmp_path):
    assert gates.parse(["valgrind", "--root", str(tmp_path), "--id", "seed/*", "--id", "cast/*",
                        "--python", "3.12", "coverage"]) == (
        gates.Tree(tmp_path.resolve(), ("seed/*", "cast/*"), ("3.12",)), ["valgrind", "coverage"])
    assert gates.parse([]) == (gates.Tree(ROOT, (), ()), [])


def test_a_python_the_suite_does_not_record_is_refused_not_run_as_nothing(capfd):
    assert gates.main(["--python", "2.7", "--python", PYTHON, "valgrind"]) == 2
    assert capfd.readouterr().err == "gates: the suite records no CPython 2.7\n"
