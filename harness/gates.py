"""The gates that keep the C reference honest: python3 -m harness.gates NAME...

    warnings   the reference builds warning-free (-Wall -Wextra -Wpedantic
               -Werror) with gcc and with clang
    cppcheck   cppcheck finds nothing
    sanitize   ASan + UBSan builds (gcc and clang), no recovery, run the
               whole default suite: every case passes, every process exits 0
    valgrind   the whole default suite through the driver under memcheck,
               every leak kind an error: zero errors, zero bytes lost
    coverage   lcov line/function/branch coverage of reference/src from the
               default suite and its allocation failures, run through the
               driver, and the default suite through mvref (the library as a
               Python module: external.c is its alone), against
               coverage/thresholds.toml; HTML report in build/coverage/html
    allocfail  each allocation the cases' steps make fails in turn, under
               Valgrind: the step answers MemoryError, no leak, export
               counts intact, no crash; every allocation site of the
               library is reached (harness/allocfail.py; external.c's,
               which only a host reaches, tests/test_mvref.py fails
               through mvref)

"The whole default suite" is run once for each CPython the suite records
(each language version, on its platform), as `reference:all` does: the
reference models each of them, and each has code of its own.

Each gate builds its own copy of the reference under build/<gate>[-<cc>]/,
says what it runs, and prints how long it took. The exit status is 0 only if
every gate asked for passed.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from .cases import CONFORMANCE_DIR, Oracle, read_oracles
from .impls import ADAPTER, DEBIAN_PYTHON

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
COMPILERS = ("gcc", "clang")
SANITIZE = "-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
VALGRIND = ("valgrind --quiet --leak-check=full --show-leak-kinds=all "
            "--errors-for-leak-kinds=all --error-exitcode=99")
THRESHOLDS = ROOT / "coverage" / "thresholds.toml"
LCOV_RC = ["--rc", "lcov_branch_coverage=1"]


class GateFailed(Exception):
    """A gate's condition does not hold; the message says which and where."""


def sh(argv: list[str], env: dict | None = None, check: bool = True,
       capture: bool = False) -> subprocess.CompletedProcess:
    print("  $ " + " ".join(shlex.quote(a) for a in argv), flush=True)
    r = subprocess.run(argv, cwd=ROOT, env=env, text=True,
                       capture_output=capture)
    if check and r.returncode != 0:
        out = (r.stdout or "") + (r.stderr or "") if capture else ""
        raise GateFailed(f"{argv[0]} exited with {r.returncode}" + (f":\n{out}" if out else ""))
    return r


def build(build_dir: str, cc: str = "cc", cflags: str = "-O2 -g", ldflags: str = "") -> Path:
    """Build the driver into build_dir with these flags; its path."""
    sh(["make", "--no-print-directory", "-s", f"REF_BUILD={build_dir}", f"CC={cc}",
        f"CFLAGS={cflags}", f"LDFLAGS={ldflags}", f"{build_dir}/bin/mvref-driver"])
    return ROOT / build_dir / "bin" / "mvref-driver"


def modelled() -> list[tuple[str, str, str]]:
    """(language, word size, oracle) for each CPython the suite records, one
    per language and platform (the oracle that ran the most exporters)."""
    best: dict[tuple[str, str], Oracle] = {}
    for o in read_oracles(CONFORMANCE_DIR):
        key = (o.language, o.platform)
        if key not in best or len(o.exporters) > len(best[key].exporters):
            best[key] = o
    return [(o.language, o.platform[:2], o.name)
            for o in sorted(best.values(), key=lambda o: (o.language_tuple, o.platform))]


def build_mvref(pic_dir: str, module_dir: str, cc: str, cflags: str, ldflags: str = "") -> Path:
    """Build the mvref module into module_dir, its library objects into
    pic_dir, with these flags; the directory to import it from."""
    sh(["make", "--no-print-directory", "-s", f"MVREF_PIC={pic_dir}",
        f"MVREF_PY_BUILD={module_dir}", f"CC={cc}", f"CFLAGS={cflags}",
        f"LDFLAGS={ldflags}", "mvref-module"])
    return ROOT / module_dir


def suite_run(name: str, command: str, *extra: str, env: dict | None = None,
              jobs: int = 2, timeout: float = 60.0) -> None:
    """The whole default suite through an instrumented driver, strictly, once
    per CPython modelled; every run is made, then any failure is reported."""
    failed = []
    for language, word, oracle in modelled():
        r = sh([PY, "-m", "harness", "run",
                f"{name}-{language}-{word}={command} --python {language} --word-size {word}",
                "--oracle", oracle, "--strict-messages", "--require-clean-exit",
                "-j", str(jobs), "--timeout", str(timeout), "--summary-only",
                "--results", "build/results/gates", *extra], env=env, check=False)
        if r.returncode != 0:
            failed.append(f"{language} ({word}-bit) exited with {r.returncode}")
    if failed:
        raise GateFailed("the suite failed for " + ", ".join(failed))


def mvref_run(name: str, module_dir: Path, jobs: int = 2, timeout: float = 60.0) -> None:
    """The whole default suite through the mvref module in module_dir,
    strictly: the Python adapter under the python3 it is built for, which
    supplies the exporters (so its language and platform only)."""
    env = dict(os.environ, MVSPEC_MEMORYVIEW="mvref", MVSPEC_MVREF_PATH=str(module_dir))
    r = sh([PY, "-m", "harness", "run",
            f"{name}={DEBIAN_PYTHON} -I {ADAPTER}", "--strict-messages",
            "--require-clean-exit", "-j", str(jobs), "--timeout", str(timeout),
            "--summary-only", "--results", "build/results/gates"], env=env, check=False)
    if r.returncode != 0:
        raise GateFailed(f"the suite through mvref exited with {r.returncode}")


# ------------------------------------------------------------------ gates ---

def gate_warnings() -> None:
    # The build always adds -std=c11 -Wall -Wextra -Wpedantic -Werror. gcc's
    # flow analysis (maybe-uninitialized, ...) differs with the optimisation
    # level, so each level the other gates use is built too, and a release
    # build (NDEBUG: no asserts) and the coverage gate's (MV_COVERAGE).
    for cc, opt in (("gcc", "-O0"), ("gcc", "-O1"), ("gcc", "-O2"), ("gcc", "-O3"),
                    ("gcc", "-O2 -DNDEBUG"), ("gcc", "-O0 -DNDEBUG -DMV_COVERAGE"),
                    ("clang", "-O0"), ("clang", "-O2"), ("clang", "-O2 -DNDEBUG")):
        build(f"build/warnings-{cc}{opt.replace(' ', '').replace('-D', '-')}", cc,
              f"{opt} -g")


def gate_cppcheck() -> None:
    r = sh(["cppcheck", "--enable=warning,style,performance,portability", "--std=c11",
            "--inline-suppr", "--quiet", "--error-exitcode=1",
            "-Ireference/include", "-Ireference/src", "-Ireference/driver",
            "reference/src", "reference/driver"], check=False, capture=True)
    report = (r.stdout + r.stderr).strip()
    if r.returncode != 0 or report:
        raise GateFailed(f"cppcheck reports:\n{report}")


def gate_sanitize() -> None:
    env = dict(os.environ,
               ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0",
               UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")
    for cc in COMPILERS:
        driver = build(f"build/sanitize-{cc}", cc, f"-O1 -g {SANITIZE}", SANITIZE)
        suite_run(f"reference-sanitize-{cc}", str(driver), env=env)


def gate_valgrind() -> None:
    driver = build("build/valgrind", "cc", "-O1 -g")
    suite_run("reference-valgrind", f"{VALGRIND} {driver}", timeout=300)


def coverage_summary(info: Path) -> dict[str, float]:
    r = sh(["lcov", "--summary", str(info), *LCOV_RC], capture=True)
    found = {}
    for kind in ("lines", "functions", "branches"):
        m = re.search(rf"^\s*{kind}\.*:\s*([\d.]+)%", r.stdout + r.stderr, re.M)
        if not m:
            raise GateFailed(f"lcov gave no {kind} figure:\n{r.stdout}{r.stderr}")
        found[kind] = float(m.group(1))
    return found


def gate_coverage() -> None:
    build_dir = "build/coverage-build"
    out = ROOT / "build" / "coverage"
    out.mkdir(parents=True, exist_ok=True)
    pic_dir = "build/coverage-pic"
    # NDEBUG: an assert is an invariant, not a branch the suite should
    # take both ways; MV_COVERAGE: ALWAYS()/NEVER() guards are constants
    # and testcase() boundaries are branches (reference/src/mvint.h).
    cflags = "-O0 -g --coverage -DNDEBUG -DMV_COVERAGE"
    driver = build(build_dir, "gcc", cflags, "--coverage")
    module = build_mvref(pic_dir, "build/coverage-python", "gcc", cflags, "--coverage")
    for d in (build_dir, pic_dir):
        sh(["lcov", "--quiet", "--zerocounters", "--directory", d])
    # Whether every case passes is the other gates' business; this one
    # measures what the suite exercises, so it goes on when some fail.
    # The suite, and the allocation failures its cases can meet: the error
    # paths of running out of memory are code the suite exercises too; and
    # the suite through mvref, the only user of external.c.
    for run in (lambda: suite_run("reference-coverage", str(driver)),
                lambda: allocfail_run(str(driver), driver),
                lambda: mvref_run("mvref-coverage", module)):
        try:
            run()
        except GateFailed as e:
            print(f"  (not every run passed under coverage: {e}; measuring anyway)")
    raw, lib = out / "all.info", out / "reference.info"
    sh(["lcov", "--quiet", "--capture", "--directory", f"{build_dir}/obj/ref",
        "--directory", f"{pic_dir}/obj/ref",
        "--base-directory", str(ROOT), "--output-file", str(raw), *LCOV_RC])
    sh(["lcov", "--quiet", "--extract", str(raw), f"{ROOT}/reference/src/*",
        "--output-file", str(lib), *LCOV_RC])
    sh(["genhtml", "--quiet", "--branch-coverage", "--legend", "--title", "mvspec reference",
        "--output-directory", str(out / "html"), str(lib), *LCOV_RC])
    got = coverage_summary(lib)
    want = tomllib.loads(THRESHOLDS.read_text())
    print(f"  coverage of reference/src: lines {got['lines']}%, functions "
          f"{got['functions']}%, branches {got['branches']}% (report: {out / 'html' / 'index.html'})")
    short = [f"{k} {got[k]}% < {want[k]}%" for k in ("lines", "functions", "branches")
             if got[k] < want[k]]
    if short:
        raise GateFailed("coverage below the thresholds of coverage/thresholds.toml: "
                         + ", ".join(short))


def allocfail_run(driver: str, tracer: Path, walked: Path | None = None) -> None:
    """harness/allocfail.py for each CPython modelled; every one is run,
    then any failure is reported.  With `walked`, a case whose allocations
    were all walked for an earlier version is not walked again."""
    failed = []
    if walked is not None:
        walked.unlink(missing_ok=True)
    for language, word, _ in modelled():
        r = sh([PY, "-m", "harness.allocfail", "--driver", driver, "--tracer", str(tracer),
                "--python", language, "--word-size", word]
               + (["--walked", str(walked)] if walked else []), check=False)
        if r.returncode != 0:
            failed.append(f"{language} ({word}-bit)")
    if failed:
        raise GateFailed("allocation failures went wrong for " + ", ".join(failed))


def gate_allocfail() -> None:
    driver = build("build/valgrind", "cc", "-O1 -g")
    allocfail_run(f"{VALGRIND} {driver}", driver, ROOT / "build" / "valgrind" / "walked.json")


GATES = {"warnings": gate_warnings, "cppcheck": gate_cppcheck, "sanitize": gate_sanitize,
         "valgrind": gate_valgrind, "coverage": gate_coverage, "allocfail": gate_allocfail}


def main(argv: list[str]) -> int:
    names = argv or list(GATES)
    unknown = [n for n in names if n not in GATES]
    if unknown:
        print(f"gates: unknown gate {', '.join(unknown)} (gates: {', '.join(GATES)})",
              file=sys.stderr)
        return 2
    timings, failed = [], []
    for name in names:
        print(f"gate {name}: starting", flush=True)
        started = time.monotonic()
        try:
            GATES[name]()
            verdict = "pass"
        except GateFailed as e:
            verdict = "FAIL"
            failed.append(name)
            print(f"gate {name}: {e}", flush=True)
        seconds = time.monotonic() - started
        timings.append((name, verdict, seconds))
        print(f"gate {name}: {verdict} in {seconds:.1f} s", flush=True)
    print("gates: " + ", ".join(f"{n} {v} {s:.0f}s" for n, v, s in timings))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
