"""The gates that keep the C reference honest: python3 -m harness.gates NAME...

    warnings   the reference builds warning-free (-Wall -Wextra -Wpedantic
               -Werror) with gcc and with clang
    cppcheck   cppcheck finds nothing
    sanitize   ASan + UBSan builds (gcc and clang), no recovery, run the
               whole default suite: every case passes, every process exits 0
    valgrind   the whole default suite through the driver under memcheck,
               every leak kind an error: zero errors, zero bytes lost
    coverage   lcov line/function/branch coverage of reference/src from the
               default suite, run through the driver and through mvref (the
               library as a Python module: external.c is its alone), against
               coverage/thresholds.toml; HTML report in build/coverage/html
    allocfail  the n-th allocation fails, for every n a representative set of
               cases reaches, under Valgrind: a MemoryError, no leak, export
               counts intact, no crash (harness/allocfail.py)

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


def build_mvref(pic_dir: str, module_dir: str, cc: str, cflags: str, ldflags: str = "") -> Path:
    """Build the mvref module into module_dir, its library objects into
    pic_dir, with these flags; the directory to import it from."""
    sh(["make", "--no-print-directory", "-s", f"MVREF_PIC={pic_dir}",
        f"MVREF_PY_BUILD={module_dir}", f"CC={cc}", f"CFLAGS={cflags}",
        f"LDFLAGS={ldflags}", "mvref-module"])
    return ROOT / module_dir


def suite_run(name: str, command: str, *extra: str, env: dict | None = None,
              jobs: int = 2, timeout: float = 60.0) -> None:
    """The whole default suite through an instrumented driver, strictly."""
    sh([PY, "-m", "harness", "run", f"{name}={command}", "--strict-messages",
        "--require-clean-exit", "-j", str(jobs), "--timeout", str(timeout),
        "--summary-only", "--results", "build/results/gates", *extra], env=env)


# ------------------------------------------------------------------ gates ---

def gate_warnings() -> None:
    # The build always adds -std=c11 -Wall -Wextra -Wpedantic -Werror. gcc's
    # flow analysis (maybe-uninitialized, ...) differs with the optimisation
    # level, so each level the other gates use is built too.
    for cc, opt in (("gcc", "-O0"), ("gcc", "-O1"), ("gcc", "-O2"), ("gcc", "-O3"),
                    ("clang", "-O0"), ("clang", "-O2")):
        build(f"build/warnings-{cc}{opt}", cc, f"{opt} -g")


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
        suite_run(f"reference-sanitize-{cc}", f"{driver} --python 3.11", env=env)


def gate_valgrind() -> None:
    driver = build("build/valgrind", "cc", "-O1 -g")
    suite_run("reference-valgrind", f"{VALGRIND} {driver} --python 3.11", timeout=300)


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
    driver = build(build_dir, "gcc", "-O0 -g --coverage", "--coverage")
    module = build_mvref(pic_dir, "build/coverage-python", "gcc", "-O0 -g --coverage",
                         "--coverage")
    for d in (build_dir, pic_dir):
        sh(["lcov", "--quiet", "--zerocounters", "--directory", d])
    mvref_env = dict(os.environ, MVSPEC_MEMORYVIEW="mvref", MVSPEC_MVREF_PATH=str(module))
    # Whether every case passes is the other gates' business; this one
    # measures what the suite exercises, so it goes on when some fail.
    for name, command, env in (
            ("reference-coverage", f"{driver} --python 3.11", None),
            ("mvref-coverage", f"/usr/bin/python3 -I {ROOT / 'harness/adapters/mvadapter.py'}",
             mvref_env)):
        try:
            suite_run(name, command, env=env)
        except GateFailed as e:
            print(f"  (the suite did not pass under coverage: {e}; measuring anyway)")
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


def gate_allocfail() -> None:
    driver = build("build/valgrind", "cc", "-O1 -g")
    sh([PY, "-m", "harness.allocfail", "--driver", f"{VALGRIND} {driver}"])


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
