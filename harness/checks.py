"""The checks that keep the C reference honest: python3 -m harness.checks NAME...

    warnings   the reference builds warning-free (-Wall -Wextra -Wpedantic
               -Werror) with gcc and with clang, and mvref (reference/python)
               and mvspec_exporter (harness/exporter, for CPython and PyPy)
               with -Wall -Wextra -Werror
    cppcheck   cppcheck finds nothing in the library, the driver, mvref and
               mvspec_exporter and the fuzz targets
    sanitize   ASan + UBSan builds (gcc and clang), no recovery, run the
               whole default suite: every case passes, every process exits 0;
               and the lines that once crashed the driver
               (reference/fuzz/regressions/case/) are each answered
    valgrind   the whole default suite through the driver under memcheck,
               every leak kind an error: zero errors, zero bytes lost
    coverage   lcov line/function/branch coverage of reference/src from the
               default suite and its allocation failures, run through the
               driver, the regression lines of reference/fuzz/regressions/
               through it, and the default suite through mvref (the library as a
               Python module: external.c is its alone), each suite twice, with
               the fast paths on and off (MVREF_GENERIC=1), so that both the
               fast paths and the generic walks they stand beside count;
               against coverage/thresholds.toml; HTML report in
               build/coverage/html
    allocfail  each allocation the cases' steps make fails in turn, under
               Valgrind: the step answers MemoryError, no leak, export
               counts intact, no crash; every allocation site of the
               library is reached (harness/allocfail.py; external.c's,
               which only a host reaches, tests/test_mvref.py fails
               through mvref)

"The whole default suite" is run once for each CPython the suite records
(each language version, on its platform), as `reference:all` does: the
reference models each of them, and each has code of its own.

Each check builds its own copy of the reference under build/<check>[-<cc>]/,
says what it runs, and prints how long it took. The exit status is 0 only if
every check asked for passed.

    --root DIR   check another tree: a copy of this checkout's Makefile,
                 reference/, coverage/ and conformance/ (or some of its case
                 files), built under DIR/build/. tests/test_checks_catch.py
                 plants a fault in such a copy to show each check failing.
    --id GLOB    only the cases whose id matches (repeatable), as `harness
                 run --id`; the allocation check then asks no more that every
                 allocation site be reached
    --python X.Y only the CPython X.Y the suite records (repeatable)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .cases import Oracle, read_oracles
from .impls import ADAPTER, DEBIAN_PYTHON

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
COMPILERS = ("gcc", "clang")
SANITIZE = "-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
VALGRIND = ("valgrind --quiet --leak-check=full --show-leak-kinds=all "
            "--errors-for-leak-kinds=all --error-exitcode=99")
LCOV_RC = ["--rc", "lcov_branch_coverage=1"]


class CheckFailed(Exception):
    """A check's condition does not hold; the message says which and where."""


@dataclass(frozen=True)
class Tree:
    """What the checks examine: the reference's sources under `root` (this
    checkout, or a copy of it), built under root/build/; the cases of
    root/conformance/ whose id matches one of `ids`, for the CPythons it
    records whose language is one of `pythons` -- all of them if none.
    Every command runs in root, so a copy's build and results stay in it;
    the harness that runs them is always this checkout's."""
    root: Path = ROOT
    ids: tuple[str, ...] = ()
    pythons: tuple[str, ...] = ()

    @property
    def thresholds(self) -> Path:
        return self.root / "coverage" / "thresholds.toml"

    def run_options(self) -> list[str]:
        """`harness run` options for this tree's cases: none for this
        checkout's whole suite, so that its commands print as they always did."""
        where = [] if self.root == ROOT else ["--cases", str(self.root / "conformance")]
        return where + [a for glob in self.ids for a in ("--id", glob)]

    def allocfail_options(self) -> list[str]:
        """The same for `harness.allocfail`, which reads the sources too."""
        where = [] if self.root == ROOT else ["--root", str(self.root)]
        return where + [a for glob in self.ids for a in ("--id", glob)]


def sh(argv: list[str], tree: Tree, env: dict | None = None, check: bool = True,
       capture: bool = False) -> subprocess.CompletedProcess:
    """Run argv in the tree's root, printing it first."""
    print("  $ " + " ".join(shlex.quote(a) for a in argv), flush=True)
    r = subprocess.run(argv, cwd=tree.root, env=env, text=True,
                       capture_output=capture)
    if check and r.returncode != 0:
        out = (r.stdout or "") + (r.stderr or "") if capture else ""
        raise CheckFailed(f"{argv[0]} exited with {r.returncode}" + (f":\n{out}" if out else ""))
    return r


def run_module(tree: Tree, module: str, *args: str, env: dict | None = None
               ) -> subprocess.CompletedProcess:
    """python3 -m <module> args in the tree's root, with this checkout's
    harness (found first on the path, wherever the root is)."""
    env = dict(env or os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return sh([PY, "-m", module, *args], tree, env=env, check=False)


def make_driver(build_dir: str, cc: str, cflags: str, ldflags: str = "") -> list[str]:
    """The make command that builds the driver into build_dir."""
    return ["make", "--no-print-directory", "-s", f"REF_BUILD={build_dir}", f"CC={cc}",
            f"CFLAGS={cflags}", f"LDFLAGS={ldflags}", f"{build_dir}/bin/mvref-driver"]


def make_mvref(pic_dir: str, module_dir: str, cc: str, cflags: str,
               ldflags: str = "") -> list[str]:
    """The make command that builds the mvref module into module_dir, its
    library objects into pic_dir."""
    return ["make", "--no-print-directory", "-s", f"MVREF_PIC={pic_dir}",
            f"MVREF_PY_BUILD={module_dir}", f"CC={cc}", f"CFLAGS={cflags}",
            f"LDFLAGS={ldflags}", "mvref-module"]


def build(tree: Tree, build_dir: str, cc: str = "cc", cflags: str = "-O2 -g",
          ldflags: str = "") -> Path:
    """Build the tree's driver into build_dir with these flags; its path."""
    sh(make_driver(build_dir, cc, cflags, ldflags), tree)
    return tree.root / build_dir / "bin" / "mvref-driver"


def modelled(tree: Tree) -> list[tuple[str, str, str]]:
    """(language, word size, oracle) for each CPython the suite records, one
    per language and platform (the oracle that ran the most exporters).
    Left out: an oracle whose ndarrays were the adapter's stand-in (Pyodide
    before 3.14), which recorded a part of the suite only: a run against it
    sends only that part (the rest is not recorded for it, and `harness run`
    judges no case by another version's answer), and the same language is
    checked on its other platform, and its word size with 3.14 and 3.15."""
    best: dict[tuple[str, str], Oracle] = {}
    for o in read_oracles(tree.root / "conformance"):
        if tree.pythons and o.language not in tree.pythons:
            continue
        if o.ndarray == "stand-in":
            continue
        key = (o.language, o.platform)
        if key not in best or len(o.exporters) > len(best[key].exporters):
            best[key] = o
    unknown = set(tree.pythons) - {language for language, _ in best}
    if unknown:
        raise CheckFailed(f"the suite records no CPython {', '.join(sorted(unknown))}")
    return [(o.language, o.platform[:2], o.name)
            for o in sorted(best.values(), key=lambda o: (o.language_tuple, o.platform))]


def build_mvref(tree: Tree, pic_dir: str, module_dir: str, cc: str, cflags: str,
                ldflags: str = "") -> Path:
    """Build the tree's mvref module into module_dir, its library objects
    into pic_dir, with these flags; the directory to import it from."""
    sh(make_mvref(pic_dir, module_dir, cc, cflags, ldflags), tree)
    return tree.root / module_dir


@dataclass(frozen=True)
class Build:
    """One of several builds made side by side: a name to report it by, its
    make command, and the file (under the tree) its output goes to."""
    name: str
    argv: list[str]
    log: str


def build_side_by_side(tree: Tree, builds: list[Build], log_lines: int = 40) -> None:
    """Make the builds, as many at a time as this process may use cores,
    each one's output in its log; when all are done, report every build
    that failed by name, with the end of its log."""
    def make(b: Build) -> tuple[int, float]:
        log = tree.root / b.log
        log.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with log.open("w") as out:
            r = subprocess.run(b.argv, cwd=tree.root, stdout=out, stderr=subprocess.STDOUT)
        return r.returncode, time.monotonic() - started

    for b in builds:
        print(f"  $ {' '.join(shlex.quote(a) for a in b.argv)} > {b.log}", flush=True)
    with ThreadPoolExecutor(max_workers=len(os.sched_getaffinity(0))) as pool:
        done = list(pool.map(make, builds))
    failed = []
    for b, (status, seconds) in zip(builds, done):
        print(f"  {b.name}: {'ok' if status == 0 else 'FAILED'} in {seconds:.1f} s", flush=True)
        if status != 0:
            tail = (tree.root / b.log).read_text(errors="replace").splitlines()[-log_lines:]
            failed.append(f"the build {b.name} failed (make exited with {status}; "
                          f"log: {b.log}):\n" + "\n".join(tail))
    if failed:
        raise CheckFailed("\n".join(failed))


def suite_run(tree: Tree, name: str, command: str, *extra: str, env: dict | None = None,
              jobs: int = 2, timeout: float = 60.0) -> None:
    """The tree's suite through an instrumented driver, strictly, once per
    CPython modelled; every run is made, then any failure is reported."""
    failed = []
    for language, word, oracle in modelled(tree):
        r = run_module(tree, "harness", "run",
                       f"{name}-{language}-{word}={command} --python {language} --word-size {word}",
                       *tree.run_options(),
                       "--oracle", oracle, "--strict-messages", "--require-clean-exit",
                       "-j", str(jobs), "--timeout", str(timeout), "--summary-only",
                       "--results", "build/results/checks", *extra, env=env)
        if r.returncode != 0:
            run_name = f"{name}-{language}-{word}"
            failed.append(f"{language} ({word}-bit) exited with {r.returncode}"
                          + why_run_failed(tree, run_name))
    if failed:
        raise CheckFailed("the suite failed for " + ", ".join(failed))


REGRESSIONS = Path("reference") / "fuzz" / "regressions" / "case"


def regression_run(tree: Tree, name: str, command: list[str], env: dict | None = None) -> None:
    """The lines that once made the driver crash or report
    (reference/fuzz/regressions/case/, kept by the fuzzers' runs), through
    the instrumented driver under each CPython modelled: each must be
    answered, and the driver end cleanly (exit 0, nothing reported)."""
    lines = [p.read_bytes().rstrip(b"\n") for p in sorted((tree.root / REGRESSIONS).glob("*"))]
    print(f"  {name}: {len(lines)} regression lines of {REGRESSIONS}, for each CPython "
          "modelled", flush=True)
    failed = []
    for language, word, _ in modelled(tree):
        r = subprocess.run([*command, "--python", language, "--word-size", word], cwd=tree.root,
                           input=b"".join(x + b"\n" for x in lines), capture_output=True,
                           env=env, timeout=600)
        answers = r.stdout.count(b"\n") - 1
        if r.returncode != 0 or answers != len(lines):
            failed.append(f"{language} ({word}-bit): exit {r.returncode}, {answers} answers "
                          f"to {len(lines)} lines:\n{r.stderr.decode(errors='replace')[-2000:]}")
    if failed:
        raise CheckFailed(f"{name}: the regression lines failed for " + "\n".join(failed))


def mvref_run(tree: Tree, name: str, module_dir: Path, jobs: int = 2,
              timeout: float = 60.0, env: dict | None = None) -> None:
    """The tree's suite through the mvref module in module_dir, strictly:
    the Python adapter under the python3 it is built for, which supplies the
    exporters, so for that CPython's language and platform only (skipped
    when the tree's --python leaves that language out)."""
    language = subprocess.run([DEBIAN_PYTHON, "-c", "import sys; print('%d.%d' % "
                               "sys.version_info[:2])"], capture_output=True, text=True,
                              check=True).stdout.strip()
    if tree.pythons and language not in tree.pythons:
        print(f"  (mvref models the {language} of {DEBIAN_PYTHON} only: not asked for)")
        return
    env = dict(env or os.environ, MVSPEC_MEMORYVIEW="mvref",
               MVSPEC_MVREF_PATH=str(module_dir))
    r = run_module(tree, "harness", "run", f"{name}={DEBIAN_PYTHON} -I {ADAPTER}",
                   *tree.run_options(), "--strict-messages", "--require-clean-exit",
                   "-j", str(jobs), "--timeout", str(timeout), "--summary-only",
                   "--results", "build/results/checks", env=env)
    if r.returncode != 0:
        raise CheckFailed(f"the suite through mvref exited with {r.returncode}"
                         + why_run_failed(tree, name))


def why_run_failed(tree: Tree, run_name: str, shown: int = 3) -> str:
    """The first cases that did not pass in a check's run, with what the
    adapter said (a sanitizer's or Valgrind's report is in the detail), and
    where the whole logs are: under --summary-only the run printed none of it."""
    results = tree.root / "build" / "results" / "checks" / f"{run_name}.json"
    where = f"\n    results: {results}\n    adapter logs: {results.parent / 'logs'}/{run_name}*.stderr"
    try:
        data = json.loads(results.read_text())
        cases, exits = data["cases"], data.get("exit_problems", [])
    except (OSError, ValueError, KeyError):
        return where
    bad = [c for c in cases if c.get("status") not in ("pass", "unsupported")]
    lines = [f"\n    {c['id']}: {c['status']}: {str(c.get('detail', ''))[:600]}" for c in bad[:shown]]
    lines += [f"\n    adapter did not end cleanly: {p[:600]}" for p in exits[:shown]]
    more = f"\n    ... and {len(bad) - shown} more" if len(bad) > shown else ""
    return "".join(lines) + more + where


# ----------------------------------------------------------------- checks ---

# The build always adds -std=c11 -Wall -Wextra -Wpedantic -Werror. gcc's
# flow analysis (maybe-uninitialized, ...) differs with the optimisation
# level, so each level the other checks use is built too, and a release
# build (NDEBUG: no asserts) and the coverage check's (MV_COVERAGE).
WARNING_BUILDS = (("gcc", "-O0"), ("gcc", "-O1"), ("gcc", "-O2"), ("gcc", "-O3"),
                  ("gcc", "-O2 -DNDEBUG"), ("gcc", "-O0 -DNDEBUG -DMV_COVERAGE"),
                  ("clang", "-O0"), ("clang", "-O2"), ("clang", "-O2 -DNDEBUG"))


# mvref (reference/python), held to -Wall -Wextra -Werror by its build.mk.
MVREF_WARNING_BUILDS = (("gcc", "-O2"), ("clang", "-O2"))


# mvspec_exporter (harness/exporter/build.mk), held to -Wall -Wextra -Werror,
# for Debian's python3 and for PyPy's cpyext headers when pypy3 is here.
EXPORTER_WARNING_BUILDS = (("gcc", "-O2"), ("clang", "-O2"))


def exporter_tree(tree: Tree) -> bool:
    """Whether the tree has mvspec_exporter (the copies of the reference
    tests/test_checks_catch.py makes do not)."""
    return (tree.root / "harness" / "exporter" / "build.mk").exists()


def exporter_builds(tree: Tree, builds: tuple[tuple[str, str], ...]) -> list[Build]:
    """The builds of mvspec_exporter, one per interpreter and compiler."""
    pythons = [DEBIAN_PYTHON] + [p for p in [shutil.which("pypy3")] if p]
    todo = []
    for python in pythons if exporter_tree(tree) else []:
        for cc, opt in builds:
            where = f"build/warnings-exporter-{Path(python).name}-{cc}{opt.replace(' ', '')}"
            todo.append(Build(f"mvspec_exporter {Path(python).name} {cc} {opt}",
                              ["make", "--no-print-directory", "-s", f"EXPORTER_PYTHON={python}",
                               f"EXPORTER_BUILD={where}", f"CC={cc}", f"CFLAGS={opt} -g",
                               "exporter-module"],
                              f"{where}/make.log"))
    return todo


def check_warnings(tree: Tree, builds: tuple[tuple[str, str], ...] = WARNING_BUILDS,
                   mvref_builds: tuple[tuple[str, str], ...] = MVREF_WARNING_BUILDS,
                   exporter: tuple[tuple[str, str], ...] = EXPORTER_WARNING_BUILDS) -> None:
    """Every build, side by side; each one's log is build/warnings-*/make.log."""
    todo = []
    for cc, opt in builds:
        where = f"build/warnings-{cc}{opt.replace(' ', '').replace('-D', '-')}"
        todo.append(Build(f"{cc} {opt}", make_driver(where, cc, f"{opt} -g"),
                          f"{where}/make.log"))
    for cc, opt in mvref_builds:
        where = f"build/warnings-mvref-{cc}{opt.replace(' ', '')}"
        todo.append(Build(f"mvref {cc} {opt}",
                          make_mvref(f"{where}/pic", f"{where}/python", cc, f"{opt} -g"),
                          f"{where}/make.log"))
    todo += exporter_builds(tree, exporter)
    build_side_by_side(tree, todo)


def check_cppcheck(tree: Tree) -> None:
    # --library=python: cppcheck's own model of CPython's C API, for mvref
    # (reference/python), so that its macros (Py_RETURN_NONE, ...) are read
    # as what they are.
    r = sh(["cppcheck", "--enable=warning,style,performance,portability", "--std=c11",
            "--inline-suppr", "--quiet", "--error-exitcode=1", "--library=python",
            "-Ireference/include", "-Ireference/src", "-Ireference/driver",
            "-Ireference/python", "reference/src", "reference/driver", "reference/python",
            "reference/fuzz",
            *(["-Iharness/exporter", "harness/exporter"] if exporter_tree(tree) else [])],
           tree, check=False, capture=True)
    report = (r.stdout + r.stderr).strip()
    if r.returncode != 0 or report:
        raise CheckFailed(f"cppcheck reports:\n{report}")


def check_sanitize(tree: Tree) -> None:
    env = dict(os.environ,
               ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0",
               UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")
    for cc in COMPILERS:
        driver = build(tree, f"build/sanitize-{cc}", cc, f"-O1 -g {SANITIZE}", SANITIZE)
        suite_run(tree, f"reference-sanitize-{cc}", str(driver), env=env)
        regression_run(tree, f"reference-sanitize-{cc}", [str(driver)], env=env)


def check_valgrind(tree: Tree) -> None:
    driver = build(tree, "build/valgrind", "cc", "-O1 -g")
    suite_run(tree, "reference-valgrind", f"{VALGRIND} {driver}", timeout=300)


def coverage_summary(tree: Tree, info: Path) -> dict[str, float]:
    r = sh(["lcov", "--summary", str(info), *LCOV_RC], tree, capture=True)
    found = {}
    for kind in ("lines", "functions", "branches"):
        m = re.search(rf"^\s*{kind}\.*:\s*([\d.]+)%", r.stdout + r.stderr, re.M)
        if not m:
            raise CheckFailed(f"lcov gave no {kind} figure:\n{r.stdout}{r.stderr}")
        found[kind] = float(m.group(1))
    return found


def check_coverage(tree: Tree) -> None:
    build_dir = "build/coverage-build"
    out = tree.root / "build" / "coverage"
    out.mkdir(parents=True, exist_ok=True)
    pic_dir = "build/coverage-pic"
    # NDEBUG: an assert is an invariant, not a branch the suite should
    # take both ways; MV_COVERAGE: ALWAYS()/NEVER() guards are constants
    # and testcase() boundaries are branches (reference/src/mvint.h).
    cflags = "-O0 -g --coverage -DNDEBUG -DMV_COVERAGE"
    driver = build(tree, build_dir, "gcc", cflags, "--coverage")
    module = build_mvref(tree, pic_dir, "build/coverage-python", "gcc", cflags, "--coverage")
    for d in (build_dir, pic_dir):
        sh(["lcov", "--quiet", "--zerocounters", "--directory", d], tree)
    # Whether every case passes is the other checks' business; this one
    # measures what the suite exercises, so it goes on when some fail.
    # The suite, and the allocation failures its cases can meet: the error
    # paths of running out of memory are code the suite exercises too; the
    # lines that once crashed the driver, which reach the refusals a setup
    # CPython never accepted meets (reference/fuzz/regressions/); and the
    # suite through mvref, the only user of external.c.  Each suite runs
    # with the fast paths off too (reference/src/fast.c): the generic walks
    # are the definition, and where a fast path applies they would
    # otherwise go unmeasured.
    generic = dict(os.environ, MVREF_GENERIC="1")
    for run in (lambda: suite_run(tree, "reference-coverage", str(driver)),
                lambda: suite_run(tree, "reference-coverage-generic", str(driver),
                                  env=generic),
                lambda: allocfail_run(tree, str(driver), driver),
                lambda: regression_run(tree, "reference-coverage", [str(driver)]),
                lambda: mvref_run(tree, "mvref-coverage", module),
                lambda: mvref_run(tree, "mvref-coverage-generic", module, env=generic)):
        try:
            run()
        except CheckFailed as e:
            print(f"  (not every run passed under coverage: {e}; measuring anyway)")
    raw, lib = out / "all.info", out / "reference.info"
    sh(["lcov", "--quiet", "--capture", "--directory", f"{build_dir}/obj/ref",
        "--directory", f"{pic_dir}/obj/ref",
        "--base-directory", str(tree.root), "--output-file", str(raw), *LCOV_RC], tree)
    sh(["lcov", "--quiet", "--extract", str(raw), f"{tree.root}/reference/src/*",
        "--output-file", str(lib), *LCOV_RC], tree)
    sh(["genhtml", "--quiet", "--branch-coverage", "--legend", "--title", "mvspec reference",
        "--output-directory", str(out / "html"), str(lib), *LCOV_RC], tree)
    got = coverage_summary(tree, lib)
    want = tomllib.loads(tree.thresholds.read_text())
    print(f"  coverage of reference/src: lines {got['lines']}%, functions "
          f"{got['functions']}%, branches {got['branches']}% (report: {out / 'html' / 'index.html'})")
    short = [f"{k} {got[k]}% < {want[k]}%" for k in ("lines", "functions", "branches")
             if got[k] < want[k]]
    if short:
        raise CheckFailed("coverage below the thresholds of coverage/thresholds.toml: "
                         + ", ".join(short))


def allocfail_run(tree: Tree, driver: str, tracer: Path, walked: Path | None = None) -> None:
    """harness/allocfail.py for each CPython modelled; every one is run,
    then any failure is reported.  With `walked`, a case whose allocations
    were all walked for an earlier version is not walked again."""
    failed = []
    if walked is not None:
        walked.unlink(missing_ok=True)
    for language, word, _ in modelled(tree):
        r = run_module(tree, "harness.allocfail", "--driver", driver, "--tracer", str(tracer),
                       "--python", language, "--word-size", word, *tree.allocfail_options(),
                       *(["--walked", str(walked)] if walked else []))
        if r.returncode != 0:
            failed.append(f"{language} ({word}-bit)")
    if failed:
        raise CheckFailed("allocation failures went wrong for " + ", ".join(failed))


def check_allocfail(tree: Tree) -> None:
    driver = build(tree, "build/valgrind", "cc", "-O1 -g")
    allocfail_run(tree, f"{VALGRIND} {driver}", driver,
                  tree.root / "build" / "valgrind" / "walked.json")


CHECKS = {"warnings": check_warnings, "cppcheck": check_cppcheck, "sanitize": check_sanitize,
         "valgrind": check_valgrind, "coverage": check_coverage, "allocfail": check_allocfail}


def parse(argv: list[str]) -> tuple[Tree, list[str]]:
    """The tree and the check names of a command line."""
    p = argparse.ArgumentParser(prog="python3 -m harness.checks", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checks", nargs="*", metavar="NAME", help="default: every check")
    p.add_argument("--root", type=Path, default=ROOT, help="the tree to check")
    p.add_argument("--id", action="append", default=[], help="only cases matching this glob")
    p.add_argument("--python", action="append", default=[], metavar="X.Y",
                   help="only the CPython X.Y the suite records")
    args = p.parse_intermixed_args(argv)
    return Tree(args.root.resolve(), tuple(args.id), tuple(args.python)), args.checks


def main(argv: list[str]) -> int:
    tree, names = parse(argv)
    names = names or list(CHECKS)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        print(f"checks: unknown check {', '.join(unknown)} (checks: {', '.join(CHECKS)})",
              file=sys.stderr)
        return 2
    try:
        modelled(tree)      # a --python the suite does not record: say so before any check
    except CheckFailed as e:
        print(f"checks: {e}", file=sys.stderr)
        return 2
    timings, failed = [], []
    for name in names:
        print(f"check {name}: starting", flush=True)
        started = time.monotonic()
        try:
            CHECKS[name](tree)
            verdict = "pass"
        except CheckFailed as e:
            verdict = "FAIL"
            failed.append(name)
            print(f"check {name}: {e}", flush=True)
        seconds = time.monotonic() - started
        timings.append((name, verdict, seconds))
        print(f"check {name}: {verdict} in {seconds:.1f} s", flush=True)
    print("checks: " + ", ".join(f"{n} {v} {s:.0f}s" for n, v, s in timings))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
