"""python3 -m harness.cpython_tests: CPython's own memoryview tests on mvref.

For every CPython here whose version mvref models and whose `test` package
has test_memoryview and test_buffer: build mvref for it (build/python-<version>),
run each module in a child process with `memoryview` replaced by
mvref.memoryview modelling that version (inside.py says how), and hold the
results against conformance/cpython-tests.toml (listing.py).  Prints, per
version, tests run / passed / listed by reason / pending by reason, and
every crash, unlisted failure and listed test that no longer fails.  Exit status 0 when every
version passes the gate, 1 when one does not, 2 when it could not run.

    --python PATH     only this interpreter (repeatable)
    --module NAME     only this test module (repeatable)
    --listing PATH    another listing file
    --timeout S       seconds a child may take (default 1800)
    --build-only      build mvref for each interpreter, and stop
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..cases import ROOT
from . import interpreters, listing, run, verdict


def arguments(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python3 -m harness.cpython_tests",
                                description="CPython's own memoryview tests, run on mvref.")
    p.add_argument("--python", action="append", default=[], metavar="PATH")
    p.add_argument("--module", action="append", default=[], choices=interpreters.MODULES)
    p.add_argument("--listing", type=Path, default=listing.DEFAULT)
    p.add_argument("--timeout", type=float, default=1800.0)
    p.add_argument("--build-only", action="store_true")
    return p.parse_args(argv)


def chosen(args: argparse.Namespace) -> list[interpreters.Interpreter]:
    if not args.python:
        return interpreters.found()
    out = []
    for python in args.python:
        i = interpreters.ask(python)
        if i is None:
            raise SystemExit(f"error: {python} is not a Python that answers")
        out.append(i)
    return out


def by_reason(counts: dict[str, int], word: str) -> str:
    """'10 listed (1 sizeof, 9 type-identity)'"""
    inner = ", ".join(f"{n} {reason.removeprefix('pending: ')}" for reason, n in counts.items())
    return f"{sum(counts.values())} {word}" + (f" ({inner})" if inner else "")


def show(v: verdict.Verdict, shown: list[str]) -> None:
    print(f"cpython {v.version}: {v.run} run, {v.passed} passed, "
          f"{by_reason(v.listed, 'listed')}, {by_reason(v.pending, 'pending')}, "
          f"{v.skipped} skipped  [{', '.join(shown)}]" + ("" if v.ok else "  FAILED"))
    for r in v.crashes:
        print(f"  CRASH {r.test}: {r.detail}".replace("\n", "\n    "))
    for r in v.unlisted:
        print(f"  UNLISTED {r.outcome} {r.test}: {r.detail}")
    for entry, how in v.stale:
        print(f"  LISTED ({entry.reason.name}) but {how}: {entry.test}")
    for p in v.problems:
        print(f"  PROBLEM {p}".replace("\n", "\n    "))


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    try:
        listed = listing.read(args.listing)
    except listing.ListingError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    verdicts = []
    for interp in chosen(args):
        why_not = interp.why_not()
        if why_not is not None:
            print(f"cpython {interp.version} ({interp.python}): not run, {why_not}")
            continue
        try:
            mvref_dir = interpreters.build_mvref(ROOT, interp)
        except interpreters.BuildFailed as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        if args.build_only:
            print(f"cpython {interp.version}: mvref in {mvref_dir.relative_to(ROOT)}")
            continue
        modules = [m for m in interp.modules if not args.module or m in args.module]
        results, problems, started = [], [], time.monotonic()
        for module in modules:
            out = run.run_module(interp.python, mvref_dir, module,
                                 ROOT / "build" / "cpython-tests" / interp.version,
                                 args.timeout)
            results += out.results.values()
            problems += [f"{module}: {p}" for p in out.problems]
        v = verdict.judge(interp.version, results, listed.get(interp.version, {}), problems)
        if args.module:    # a partial run: a listed test of another module is no news
            v.stale = [(e, how) for e, how in v.stale
                       if how != "it did not run" or e.test.split(".")[0] in modules]
        show(v, modules + [f"{time.monotonic() - started:.0f}s"])
        verdicts.append(v)
    if args.build_only:
        return 0
    if not verdicts:
        print("error: no CPython here can run its memoryview tests with mvref", file=sys.stderr)
        return 2
    failed = [v.version for v in verdicts if not v.ok]
    print(f"cpython-tests: {len(verdicts) - len(failed)} of {len(verdicts)} CPythons pass"
          + (f"; failed: {', '.join(failed)}" if failed else "")
          + f" (listed tests: {args.listing.relative_to(ROOT) if args.listing.is_relative_to(ROOT) else args.listing})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
