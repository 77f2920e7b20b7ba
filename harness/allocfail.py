"""The allocation-failure gate: fail the n-th allocation, for every n.

The reference has one allocation wrapper (reference/src/alloc.c); the driver's
`--fail-alloc N` makes the library's N-th allocation of every case fail. For a
representative set of cases we first record the normal outcomes, then run the
set again with N = 1, 2, 3, ... until no case is affected any more. Each run:

  * crashes nothing, hangs nothing, and ends with exit status 0 -- run under
    Valgrind (memcheck, every leak kind an error) that means no invalid
    access and no byte leaked on any error path; the library's asserts,
    on in this build, check that no export is left counted when an exporter
    is freed;
  * where a case's outcomes differ from the normal run, the first step that
    differs raised MemoryError: the failure surfaced as Python would show
    it, and nothing before it changed.

    python3 -m harness.allocfail --driver 'valgrind ... build/valgrind/bin/mvref-driver'
"""

from __future__ import annotations

import argparse
import fnmatch
import shlex
import sys
import time

from . import cases as casesmod
from . import runner

# Cases that walk the most allocation paths: every area's first cases, and
# the ones that build views of views, slices, casts and lists.
SAMPLE_GLOBS = ["seed/*", "export/release-unlocks/*", "export/*", "release/*",
                "construct/*", "tolist/nested/*", "cast/nd-to-1d/*", "cast/round-trip/*",
                "compare/format-pairs/*", "tobytes/orders/*", "slicing/slice-layout/x=array-i4*",
                "assign/slice-*", "indexing/*", "readonly/toreadonly*"]
PER_GLOB = 12


def sample(suite: casesmod.Suite) -> list[dict]:
    """Up to PER_GLOB cases per glob, spread evenly over what it matches."""
    chosen: dict[str, dict] = {}
    for glob in SAMPLE_GLOBS:
        matching = [c for c in suite.cases if fnmatch.fnmatchcase(c["id"], glob)
                    and "numpy" not in casesmod.needed_exporters(c)]
        step = max(1, len(matching) // PER_GLOB)
        for c in matching[::step][:PER_GLOB]:
            chosen[c["id"]] = c
    return list(chosen.values())


def run_with(argv: list[str], cases: list[dict], timeout: float) -> tuple[dict, str]:
    """Outcomes by case id, and what went wrong at exit ('' if nothing)."""
    adapter = runner.Adapter(argv, timeout=timeout)
    adapter.start()
    got = {}
    try:
        for reply in adapter.run(cases):
            got[reply.case_id] = reply
    finally:
        adapter.close()
    return got, adapter.exit_problem


def is_memory_error(outcome: dict) -> bool:
    return "raises" in outcome and outcome["raises"]["type"] == "MemoryError"


def check(n: int, base: dict, got: dict) -> tuple[int, list[str]]:
    """(cases the failure reached, problems found) for one N."""
    reached, problems = 0, []
    for cid, reply in got.items():
        if reply.status != runner.ANSWERED:
            problems.append(f"N={n} {cid}: {reply.status} {reply.detail}")
            continue
        normal = base[cid].outcomes
        if reply.outcomes == normal:
            continue
        reached += 1
        first = next(i for i, (a, b) in enumerate(zip(reply.outcomes, normal)) if a != b)
        if not is_memory_error(reply.outcomes[first]):
            problems.append(f"N={n} {cid}: step {first + 1} gave {reply.outcomes[first]} "
                            f"where the normal run gave {normal[first]}, not a MemoryError")
    return reached, problems


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m harness.allocfail", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--driver", required=True, help="the driver command (e.g. under valgrind)")
    p.add_argument("--python", default="3.11", help="language version for the driver")
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("--max-n", type=int, default=500, help="give up (and fail) beyond this N")
    args = p.parse_args(argv)
    base_argv = shlex.split(args.driver) + ["--python", args.python]
    cases = sample(casesmod.load_suite())
    started = time.monotonic()
    base, problem = run_with(base_argv, cases, args.timeout)
    unanswered = [cid for cid, r in base.items() if r.status != runner.ANSWERED]
    cases = [c for c in cases if c["id"] not in unanswered]
    print(f"allocfail: {len(cases)} cases sampled"
          + (f" ({len(unanswered)} left out: not answered normally)" if unanswered else ""))
    problems = [f"normal run: {problem}"] if problem else []
    n = 0
    while True:
        n += 1
        if n > args.max_n:
            problems.append(f"allocations still reached at N={args.max_n}: raise --max-n")
            break
        got, exit_problem = run_with(base_argv + ["--fail-alloc", str(n)], cases, args.timeout)
        reached, found = check(n, base, got)
        if exit_problem:
            found.append(f"N={n}: the driver did not end cleanly: {exit_problem}")
        problems += found
        print(f"allocfail: N={n}: the failure reached {reached} cases"
              + (f", {len(found)} problems" if found else ""), flush=True)
        if reached == 0:
            break
    print(f"allocfail: N=1..{n - 1} over {len(cases)} cases in {time.monotonic() - started:.0f} s")
    for line in problems[:50]:
        print(f"  {line}")
    if problems:
        print(f"allocfail: FAIL ({len(problems)} problems)")
        return 1
    print("allocfail: every failed allocation became a MemoryError, leak-free")
    return 0


if __name__ == "__main__":
    sys.exit(main())
