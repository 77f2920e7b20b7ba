"""The allocation-failure check: fail each allocation the cases make, in turn.

The reference has one allocation wrapper (reference/src/alloc.c). The driver's
`--fail-alloc N` makes the N-th allocation of each case's steps fail -- that
one only: the setup is built first and never failed, and the allocations
after the failed one succeed again. So a failure must surface as the
MemoryError of the step that hit it, and the steps after it run on whatever
state it left, which must be a consistent one. `--fail-setup-alloc N` fails
the setup's N-th allocation instead: building an exporter is not
memoryview's business, so the case must then be answered "unsupported" --
cleanly.

  0. Both ways: everything below is done with the library's fast paths on,
     then again with them off (MVREF_GENERIC=1, reference/src/fast.c),
     whose generic walks allocate otherwise; a case that makes the very
     same allocations both ways is walked once.
  1. Trace (no Valgrind, fast): the whole default suite runs with
     `--trace-alloc`, which lists the call site of every allocation each
     case's setup and steps make. Every allocation site of reference/src
     (but external.c's, which only a host reaches: tests/test_mvref.py
     fails those through mvref) must be reached by some case, or the check
     fails and names the site.
  2. Choose: for each site and each case template that reaches it, the
     case of the template with the fewest allocations that reaches it (for
     the setup, one case a site); for each case chosen, every one of its
     allocations will fail in turn.
  3. Fail, under the driver command given (Valgrind: memcheck, every leak
     kind an error): first a run with no failure, then one run for each N,
     each with the chosen cases that make at least N allocations. Each run
     must end with exit status 0 (no invalid access, no leak on any error
     path, no export left counted when an exporter is freed: the library's
     asserts are on in this build); in each case the failure reached, the
     first step whose outcome differs from the run without failures must be
     that MemoryError (or, failing the setup, the case is unsupported).

    python3 -m harness.allocfail --driver 'valgrind ... build/valgrind/bin/mvref-driver' \\
        --tracer build/bin/mvref-driver --python 3.11 --word-size 64

--root names another tree (a copy of this checkout: its reference/src and
conformance/); --id takes only the cases whose id matches, and a selection
is not asked to reach every allocation site.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import cases as casesmod
from .select import Selection

ROOT = Path(__file__).resolve().parent.parent
ALLOC_CALL = re.compile(r"\bmv_(alloc|alloc_zeroed|realloc|strdup)\(")


# external.c is the library's side of an embedding: only a host (mvref,
# reference/python/) makes its exporters, never a case through the driver.
# Its allocations are failed through mvref instead (tests/test_mvref.py).
EMBEDDING = ("external.c",)


# mv_alloc_host: the door a host's own allocator opens (mvref.h, section 9:
# the host allocates), which the driver never sets: its sites too are failed
# through mvref (tests/test_mvref.py).
HOST_ALLOC_CALL = re.compile(r"\bmv_alloc_host\(")


def allocation_sites(path: Path, call: re.Pattern = ALLOC_CALL) -> set[str]:
    """The allocation call sites of one file of reference/src, as the
    library names them ("reference/src/<file>.c:123")."""
    return {f"reference/src/{path.name}:{n}"
            for n, line in enumerate(path.read_text().splitlines(), 1)
            if call.search(line) and not line.lstrip().startswith(("/*", "*"))}


def host_sites(root: Path) -> set[str]:
    """Every site of reference/src where the host allocates."""
    return {site for path in sorted((root / "reference" / "src").glob("*.c"))
            if path.name != "alloc.c"
            for site in allocation_sites(path, HOST_ALLOC_CALL)}


def library_sites(root: Path) -> set[str]:
    """Every allocation call site in root's reference/src the driver can reach."""
    sites = set()
    for path in sorted((root / "reference" / "src").glob("*.c")):
        if path.name != "alloc.c" and path.name not in EMBEDDING:
            sites |= allocation_sites(path)
    return sites


# Each way the library can run: with its fast paths, and with them off
# (reference/src/fast.c), whose generic walks allocate otherwise.
MODES = {"fast": {}, "generic": {"MVREF_GENERIC": "1"}}


def mode_env(mode: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MVREF_GENERIC"}
    return env | MODES[mode]


def run_driver(argv: list[str], cases: list[dict], timeout: float,
               root: Path = ROOT, mode: str = "fast") -> tuple[dict, str]:
    """Results by case id, and what went wrong with the process ('' if nothing)."""
    lines = "".join(json.dumps({k: v for k, v in c.items() if k != "expect"}) + "\n"
                    for c in cases)
    try:
        r = subprocess.run(argv, input=lines, capture_output=True, text=True,
                           timeout=timeout, cwd=root, env=mode_env(mode))
    except subprocess.TimeoutExpired:
        return {}, f"did not finish within {timeout:g} s"
    results = {}
    for line in r.stdout.splitlines()[1:]:          # after the hello line
        reply = json.loads(line)
        results[reply["id"]] = reply
    problem = ""
    if r.returncode != 0:
        problem = f"exit status {r.returncode}; stderr ends:\n{r.stderr[-2000:]}"
    elif len(results) != len(cases):
        problem = f"answered {len(results)} of {len(cases)} cases"
    return results, problem


def template_of(case_id: str) -> str:
    return case_id.rsplit("/", 1)[0]


def choose(traced: dict[str, list[str]], by_template: bool) -> tuple[list[str], set[str]]:
    """Case ids to fail, and the sites they reach: for each site and each
    template (each kind of operation) that reaches it, the case of that
    template reaching it with the fewest allocations. So a failure is met
    by every operation that can meet it, and unwound through each path.
    Without by_template, one case per site."""
    best: dict[tuple[str, str], str] = {}
    for cid, sites in traced.items():
        for site in set(sites):
            key = (template_of(cid) if by_template else "", site)
            if key not in best or (len(sites), cid) < (len(traced[best[key]]), best[key]):
                best[key] = cid
    return sorted(set(best.values())), {site for _, site in best}


def first_difference(got: list, normal: list) -> int | None:
    return next((i for i, (a, b) in enumerate(zip(got, normal)) if a != b), None)


def check_steps(n: int, base: dict, got: dict) -> list[str]:
    """Problems of the runs failing the steps' allocation N."""
    problems = []
    for cid, reply in got.items():
        if "failed_alloc" not in reply:
            continue
        site = reply["failed_alloc"]
        if "outcomes" not in reply:
            problems.append(f"N={n} {cid} ({site}): answered {reply}")
            continue
        i = first_difference(reply["outcomes"], base[cid]["outcomes"])
        if i is None:
            problems.append(f"N={n} {cid} ({site}): the failure changed no outcome")
            continue
        o = reply["outcomes"][i]
        if o.get("raises", {}).get("type") != "MemoryError":
            problems.append(f"N={n} {cid} ({site}): step {i + 1} gave {o} where the "
                            f"normal run gave {base[cid]['outcomes'][i]}, not a MemoryError")
    return problems


def check_setup(n: int, base: dict, got: dict) -> list[str]:
    """Problems of the runs failing the setup's allocation N."""
    return [f"setup N={n} {cid} ({reply['failed_alloc']}): answered {reply}"
            for cid, reply in got.items()
            if "failed_alloc" in reply and "unsupported" not in reply]


def walk(driver: list[str], option: str, cases: list[dict], counts: dict[str, int],
         base: dict, check, timeout: float, jobs: int,
         root: Path = ROOT, mode: str = "fast") -> tuple[set[str], list[str]]:
    """Fail allocation N = 1, 2, ... of each case in turn (`option N`), one
    driver process per N, `jobs` at a time; the sites failed and the
    problems found."""
    failed: set[str] = set()
    problems: list[str] = []

    def one(n: int) -> tuple[int, int, dict, str]:
        todo = [c for c in cases if counts[c["id"]] >= n]
        return (n, len(todo)) + run_driver(driver + [option, str(n)], todo, timeout, root,
                                           mode)

    most = max((counts[c["id"]] for c in cases), default=0)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for n, total, got, problem in pool.map(one, range(1, most + 1)):
            if problem:
                problems.append(f"{option} {n}: {problem}")
            found = check(n, base, got)
            problems += found
            failed |= {r["failed_alloc"] for r in got.values() if "failed_alloc" in r}
            print(f"allocfail ({mode}): {option} {n}: "
                  f"{sum('failed_alloc' in r for r in got.values())}"
                  f" of {total} cases" + (f", {len(found)} problems" if found else ""),
                  flush=True)
    return failed, problems


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m harness.allocfail", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--driver", required=True, help="the driver command (e.g. under valgrind)")
    p.add_argument("--tracer", help="a driver to trace allocations with (default: --driver)")
    p.add_argument("--python", default="3.11", help="language version for the driver")
    p.add_argument("--word-size", default="64")
    p.add_argument("--timeout", type=float, default=900.0, help="seconds per driver run")
    p.add_argument("-j", "--jobs", type=int, default=2, help="driver runs at a time")
    p.add_argument("--walked", type=Path,
                   help="a JSON file of the cases walked by earlier runs (other versions) "
                        "and the allocations they made: a case that makes the very same "
                        "allocations here is not walked again; this run's are added")
    p.add_argument("--root", type=Path, default=ROOT,
                   help="the tree whose reference/src and conformance/ are used "
                        "(default: this checkout)")
    p.add_argument("--id", action="append", default=[],
                   help="only cases whose id matches this glob (repeatable)")
    args = p.parse_args(argv)
    root = args.root.resolve()
    version = ["--python", args.python, "--word-size", args.word_size]
    driver = shlex.split(args.driver) + version
    tracer = shlex.split(args.tracer or args.driver) + version
    started = time.monotonic()

    # the cases the harness would send this version on this platform: those
    # its language satisfies and a CPython of the platform recorded
    platform = f"{args.word_size}le"
    chosen = Selection(ids=args.id)
    suite = [c for c in casesmod.load_suite(root / "conformance").cases
             if chosen.wants(c) and casesmod.satisfies(c.get("requires"), args.python)
             and any(o.endswith(f"-{platform}") for g in c.get("expect", [])
                     for o in g["oracles"])]
    if not suite:
        print("allocfail: no case to run")
        return 1
    walked = json.loads(args.walked.read_text()) if args.walked and args.walked.exists() else {}
    earlier = dict(walked)      # walked for other versions, by earlier runs
    reached: set[str] = set()
    failed_sites: set[str] = set()
    problems: list[str] = []
    for mode in MODES:
        r, f, found = one_mode(mode, args, root, driver, tracer, suite, walked,
                               bool(earlier))
        reached |= r
        failed_sites |= f
        problems += found
    if args.walked:
        args.walked.write_text(json.dumps(walked))
    # a selection of cases cannot be asked to reach them all
    if not args.id:
        problems += [f"no case reaches the allocation at {site}"
                     for site in sorted(library_sites(root) - reached)]
    problems += [f"the allocation at {site} was never made to fail"
                 for site in sorted(reached - failed_sites)
                 if not any(site in sites for sites in earlier.values())]
    print(f"allocfail {args.python} ({args.word_size}-bit): {len(failed_sites)} allocation "
          f"sites failed, in {time.monotonic() - started:.0f} s")
    for line in problems[:50]:
        print(f"  {line}")
    if problems:
        print(f"allocfail: FAIL ({len(problems)} problems)")
        return 1
    print("allocfail: every failed allocation became a MemoryError, leak-free")
    return 0


def one_mode(mode: str, args: argparse.Namespace, root: Path, driver: list[str],
             tracer: list[str], suite: list[dict], walked: dict[str, list[str]],
             earlier: bool) -> tuple[set[str], set[str], list[str]]:
    """Trace, choose and fail the allocations of the suite, the library
    running its fast paths or not (`mode`); a case whose allocations were
    walked already (another version, the other mode: `walked`, which this
    run adds to) is not walked again. The sites reached, those failed, and
    the problems found."""
    replies, problem = run_driver(tracer + ["--trace-alloc"], suite, args.timeout, root,
                                  mode)
    if problem:
        return set(), set(), [f"tracing ({mode}) failed: {problem}"]
    steps = {cid: r["alloc_sites"] for cid, r in replies.items() if "alloc_sites" in r}
    setup = {cid: r["setup_alloc_sites"] for cid, r in replies.items()
             if "setup_alloc_sites" in r}
    # a failing setup only unwinds the making of exporters: one case a site
    step_ids, step_sites = choose(steps, by_template=True)
    setup_ids, setup_sites = choose(setup, by_template=False)
    step_ids = [c for c in step_ids if walked.get(f"steps {c}") != steps[c]]
    setup_ids = [c for c in setup_ids if walked.get(f"setup {c}") != setup[c]]
    walked.update({f"steps {c}": steps[c] for c in step_ids})
    walked.update({f"setup {c}": setup[c] for c in setup_ids})
    by_id = {c["id"]: c for c in suite}
    print(f"allocfail {args.python} ({args.word_size}-bit, {mode}): "
          f"{len(step_sites | setup_sites)} allocation sites reached by {len(steps)} cases; "
          f"failing each allocation of the steps of {len(step_ids)} and of the setup of "
          f"{len(setup_ids)} of them"
          + (" (the others' allocations were walked already)" if earlier or mode != "fast"
             else ""), flush=True)
    problems = []
    cases = [by_id[cid] for cid in sorted(set(step_ids) | set(setup_ids))]
    base, problem = run_driver(driver, cases, args.timeout, root, mode)
    if problem:
        problems.append(f"the run ({mode}) without failures: {problem}")
    failed_sites, found = walk(driver, "--fail-alloc", [by_id[c] for c in step_ids],
                               {c: len(s) for c, s in steps.items()}, base,
                               check_steps, args.timeout, args.jobs, root, mode)
    problems += found
    failed, found = walk(driver, "--fail-setup-alloc", [by_id[c] for c in setup_ids],
                         {c: len(s) for c, s in setup.items()}, base, check_setup,
                         args.timeout, args.jobs, root, mode)
    return step_sites | setup_sites, failed_sites | failed, problems + found


if __name__ == "__main__":
    sys.exit(main())
