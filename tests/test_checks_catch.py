"""Each check fails when its condition is broken: a fault planted in a copy.

A check that cannot fail proves nothing. So each check of harness/checks.py is
run here, through its own code, on a scratch copy of the reference (the
Makefile, reference/, coverage/ and the seed cases, for one CPython) twice:
on the copy as it is, where it must pass -- so that its failure cannot come
from the copy or the selection -- and with one fault planted in a source
file, where it must fail and say what is wrong.

Control and fault share the copy and its builds, so that the planted run
recompiles one file only.
"""

import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from harness import checks

ROOT = Path(__file__).resolve().parent.parent
PYTHON = "3.12"
FAILED_FOR = f"the suite failed for {PYTHON} (64-bit) exited with 1"


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> checks.Tree:
    root = tmp_path_factory.mktemp("checks-catch")
    shutil.copy(ROOT / "Makefile", root)
    for folder in ("reference", "coverage"):
        shutil.copytree(ROOT / folder, root / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    (root / "conformance").mkdir()
    for name in ("seed.jsonl", "oracles.json"):
        shutil.copy(ROOT / "conformance" / name, root / "conformance")
    return checks.Tree(root, ids=("seed/*",), pythons=(PYTHON,))


def body(function: str) -> str:
    """A pattern for a function's head, up to the brace opening its body."""
    return rf"^\w[\w *]*\b{function}\([^)]*\)\n\{{\n"


def source_with(tree: checks.Tree, pattern: str, folder: str = "reference/src") -> str:
    """The one C file of the folder where the pattern matches (wherever a
    refactoring of the library has put it), relative to the tree."""
    found = [path for path in sorted((tree.root / folder).glob("*.c"))
             if re.search(pattern, path.read_text(), re.M)]
    assert len(found) == 1, f"{pattern!r} matches in {len(found)} files of {folder}, not one"
    return str(found[0].relative_to(tree.root))


@contextmanager
def planted(tree: checks.Tree, path: str, *insertions: tuple[str, str]):
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


def run(check, tree: checks.Tree, capfd, **options) -> tuple[str | None, str]:
    """Run a check: its failure message (None when it passes), and all it printed."""
    try:
        check(tree, **options)
        failure = None
    except checks.CheckFailed as e:
        failure = str(e)
    out, err = capfd.readouterr()
    return failure, out + err


@pytest.mark.parametrize("one_build, name, log, folder, function", [
    (dict(builds=(("gcc", "-O0"),), mvref_builds=()), "gcc -O0",
     "build/warnings-gcc-O0/make.log", "reference/src", "mv_getitem"),
    (dict(builds=(), mvref_builds=(("gcc", "-O0"),)), "mvref gcc -O0",
     "build/warnings-mvref-gcc-O0/make.log", "reference/python", "view_subscript"),
], ids=["library", "mvref"])
def test_warnings_fail_on_an_unused_variable(tree, capfd, one_build, name, log, folder,
                                             function):
    failure, out = run(checks.check_warnings, tree, capfd, **one_build)
    assert failure is None, out
    path = source_with(tree, body(function), folder)
    with planted(tree, path, (body(function), "    int planted_unused;\n")):
        failure, out = run(checks.check_warnings, tree, capfd, **one_build)
    # the failure names the build and carries the compiler's words, which
    # the build's log keeps whole
    assert failure.startswith(f"the build {name} failed (make exited with 2; log: {log}):\n"), out
    said = (rf"{re.escape(Path(path).name)}:\d+:\d+: error: unused variable "
            r".planted_unused. \[-Werror=unused-variable\]")
    assert re.search(said, failure), failure
    assert re.search(said, (tree.root / log).read_text())
    assert f"  {name}: FAILED in " in out, out


def test_cppcheck_fails_on_a_null_pointer_read(tree, capfd):
    # Through the command line: the options reach the check, the status says it.
    argv = ["--root", str(tree.root), "cppcheck"]
    assert checks.main(argv) == 0, capfd.readouterr()
    capfd.readouterr()
    path = source_with(tree, body("mv_getitem"))
    with planted(tree, path,
                 (body("mv_getitem"), "    int *planted = NULL;\n"
                                      "    if (key == NULL)\n"
                                      "        return *planted;\n")):
        status = checks.main(argv)
    out = capfd.readouterr().out
    assert status == 1, out
    assert "check cppcheck: cppcheck reports:" in out
    assert re.search(rf"{re.escape(Path(path).name)}:\d+:\d+: \w+: Null pointer dereference: "
                     r"planted \[nullPointer\]", out), out
    assert "check cppcheck: FAIL" in out


def test_sanitize_fails_on_a_read_past_the_buffer(tree, capfd):
    failure, out = run(checks.check_sanitize, tree, capfd)
    assert failure is None, out
    path = source_with(tree, body("view_getitem"))
    with planted(tree, path,
                 (body("view_getitem"),
                  "    volatile unsigned char past_end =\n"
                  "        ((const unsigned char *)v->view.buf)[v->view.len];\n"
                  "    (void)past_end;\n")):
        failure, out = run(checks.check_sanitize, tree, capfd)
    assert failure.startswith(FAILED_FOR + "\n"), out
    # the failure names a case that crashed and says where the whole logs are
    assert re.search(r"\n    seed/\S+: crash: ", failure), failure
    assert f"adapter logs: {tree.root}/build/results/checks/logs/" in failure, failure
    assert re.search(r"\d+ cases, \d+ pass, .* [1-9]\d* crash", out), out
    # the sanitizer's report is in the logs of the driver processes (one a job)
    logs = (tree.root / "build/results/checks/logs").glob(f"reference-sanitize-gcc-{PYTHON}-64*")
    report = "".join(log.read_text() for log in sorted(logs))
    assert "ERROR: AddressSanitizer: heap-buffer-overflow" in report, report
    assert re.search(r"READ of size 1 .*\n\s+#0 .* in view_getitem "
                     rf".*{re.escape(Path(path).name)}:\d+", report), report


def test_valgrind_fails_on_a_leaked_block(tree, capfd):
    failure, out = run(checks.check_valgrind, tree, capfd)
    assert failure is None, out
    path = source_with(tree, body("mv_getitem"))
    with planted(tree, path,
                 (r'\A', "#include <stdlib.h>\n"),
                 (body("mv_getitem"), "    void *volatile planted = malloc(16);\n"
                                      "    (void)planted;\n")):
        failure, out = run(checks.check_valgrind, tree, capfd)
    assert failure.startswith(FAILED_FOR + "\n"), out
    # the failure itself carries Valgrind's report, not only the run's output
    assert "\n    adapter did not end cleanly: exit status 99" in failure, failure
    assert "definitely lost" in failure, failure
    assert re.search(r"\d+ bytes in \d+ blocks are definitely lost .*\n.*at 0x\w+: malloc .*\n"
                     rf".*by 0x\w+: mv_getitem \({re.escape(Path(path).name)}:\d+\)", out), out


def test_coverage_fails_on_a_function_no_case_reaches(tree, capfd):
    # The whole suite's thresholds are not a handful of cases' business: the
    # copy's are what the seed cases reach, as a first run measures them.
    thresholds = tree.thresholds
    thresholds.write_text("lines = 0.0\nfunctions = 0.0\nbranches = 0.0\n")
    failure, out = run(checks.check_coverage, tree, capfd)
    assert failure is None, out
    got = re.search(r"coverage of reference/src: lines ([\d.]+)%, functions ([\d.]+)%, "
                    r"branches ([\d.]+)%", out)
    assert got, out
    thresholds.write_text("lines = {}\nfunctions = {}\nbranches = {}\n".format(*got.groups()))
    failure, out = run(checks.check_coverage, tree, capfd)
    assert failure is None, out
    with planted(tree, source_with(tree, body("mv_getitem")),
                 (r"\Z", "\nint mv_planted_unreached(int x);\n"
                         "int mv_planted_unreached(int x)\n{\n    return x + 1;\n}\n")):
        failure, out = run(checks.check_coverage, tree, capfd)
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
    failure, out = run(checks.check_allocfail, tree, capfd)
    assert failure is None, out
    # When the view cannot be made, the new managed buffer is kept, and with
    # it the exporter's loan: the one path the suite itself never takes.
    keep = r"^    status = view_new\(mb, &mb->master, 0, NULL, out, err\);\n"
    path = source_with(tree, keep)
    with planted(tree, path, (keep, "    if (status < 0)\n        return status;\n")):
        failure, out = run(checks.check_allocfail, tree, capfd)
    assert failure == f"allocation failures went wrong for {PYTHON} (64-bit)", out
    assert re.search(r"--fail-alloc \d+: exit status 99", out), out
    assert re.search(r"are definitely lost .*\n(.*\n){2}.*by 0x\w+: mv_view_from_buffer "
                     rf"\({re.escape(Path(path).name)}:\d+\)", out), out


def test_the_command_line_names_the_tree_the_cases_and_the_pythons(tmp_path):
    assert checks.parse(["valgrind", "--root", str(tmp_path), "--id", "seed/*", "--id", "cast/*",
                        "--python", "3.12", "coverage"]) == (
        checks.Tree(tmp_path.resolve(), ("seed/*", "cast/*"), ("3.12",)), ["valgrind", "coverage"])
    assert checks.parse([]) == (checks.Tree(ROOT, (), ()), [])


def test_a_python_the_suite_does_not_record_is_refused_not_run_as_nothing(capfd):
    assert checks.main(["--python", "2.7", "--python", PYTHON, "valgrind"]) == 2
    assert capfd.readouterr().err == "checks: the suite records no CPython 2.7\n"


def waits_for(mine: str, other: str) -> list[str]:
    """A build that marks itself started, then waits (5 s at most) for another."""
    return ["sh", "-c", f"touch {mine}; for i in $(seq 100); do [ -e {other} ] && exit 0; "
                        f"sleep 0.05; done; echo {other} never started; exit 1"]


def test_builds_run_side_by_side(tmp_path, capfd):
    # Each of the two waits for the other: both pass only if they run at once.
    tree = checks.Tree(tmp_path)
    builds = [checks.Build("first", waits_for("a", "b"), "first/make.log"),
              checks.Build("second", waits_for("b", "a"), "second/make.log")]
    if len(os.sched_getaffinity(0)) >= 2:
        checks.build_side_by_side(tree, builds)
    else:                           # one core: one after the other
        with pytest.raises(checks.CheckFailed, match=r"^the build first failed \(make exited "
                           r"with 1; log: first/make\.log\):\nb never started$"):
            checks.build_side_by_side(tree, builds)
    assert "  second: ok in " in capfd.readouterr().out


def test_no_more_builds_run_at_once_than_there_are_cores(tmp_path):
    # Each build counts the builds running beside it (itself included).
    tree = checks.Tree(tmp_path)
    (tmp_path / "running").mkdir()
    count = ("mkdir running/$0; ls running | wc -l >> counts; sleep 0.3; rmdir running/$0")
    cores = len(os.sched_getaffinity(0))
    checks.build_side_by_side(tree, [checks.Build(f"b{i}", ["sh", "-c", count, f"b{i}"],
                                                  f"logs/b{i}.log") for i in range(cores + 2)])
    counts = [int(n) for n in (tmp_path / "counts").read_text().split()]
    assert len(counts) == cores + 2 and max(counts) <= cores, counts
