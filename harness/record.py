"""Record the expected outcomes: run the generated cases on every CPython.

Each CPython (an *oracle*) runs every case through the Python adapter; for each
case we keep one group per distinct list of outcomes, naming the oracles that
gave it (spec/protocol.md section 8). The result is deterministic: the same
templates and the same oracles give byte-identical files.

An oracle that crashes, hangs or garbles a case during recording is an error
that stops the recording: expectations must be clean.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable

from . import cases as casesmod
from . import generate, impls, runner
from .cases import Oracle

Progress = Callable[[str], None]


def oracle_of(hello: runner.Hello) -> Oracle:
    # Pyodide is CPython compiled to wasm32: an oracle like any other CPython.
    if hello.implementation not in ("cpython", "pyodide"):
        raise runner.AdapterError(f"{hello.implementation} is not CPython: it cannot be an oracle")
    return Oracle(f"cpython-{hello.version}-{hello.platform}", hello.implementation,
                  hello.version, hello.language, hello.platform, tuple(hello.exporters),
                  str(hello.raw.get("ndarray", "")))


def case_key(case: dict) -> str:
    """A case as its oracles see it: everything but what they answered."""
    return json.dumps({k: v for k, v in case.items() if k != "expect"}, sort_keys=True)


# oracle name -> case_key -> its outcomes, or None for a case it could not run
Recorded = dict[str, dict[str, list | None]]


def recorded_in(directories: list[Path]) -> Recorded:
    """What each oracle answered in suites recorded before (--reuse): an
    oracle listed in a suite's oracles.json that has no outcome for one of its
    cases could not run it."""
    known: Recorded = {}
    for directory in directories:
        suite = casesmod.load_suite(directory)
        names = [o.name for o in suite.oracles]
        for case in suite.cases:
            key = case_key(case)
            got = {n: g["outcomes"] for g in case.get("expect") or [] for n in g["oracles"]}
            for name in names:
                known.setdefault(name, {}).setdefault(key, got.get(name))
    return known


def answer_all(argv: list[str], all_cases: list[dict], timeout: float,
               progress: Progress, hello_timeout: float = 60.0,
               known: Recorded | None = None) -> tuple[Oracle, dict[str, list]]:
    """Run every case on one oracle; outcomes by case id (absent: unsupported).
    A case this oracle answered in a suite recorded before (`known`), the
    same case to the byte, keeps that answer and is not run again."""
    adapter = runner.Adapter(argv, timeout=timeout, start_timeout=hello_timeout, max_failures=0)
    hello = adapter.start()
    oracle = oracle_of(hello)
    todo = [c for c in all_cases
            if casesmod.satisfies(c.get("requires"), hello.language)
            and casesmod.needed_exporters(c) <= set(hello.exporters)]
    answers: dict[str, list] = {}
    before = (known or {}).get(oracle.name, {})
    if before:
        run = []
        for case in todo:
            key = case_key(case)
            if key not in before:
                run.append(case)
            elif before[key] is not None:
                answers[case["id"]] = before[key]
        progress(f"{oracle.name}: {len(todo) - len(run)} cases answered before, reused")
        todo = run
    progress(f"recording {oracle.name} ({len(todo)} cases) with {' '.join(argv)}")
    try:
        for reply in adapter.run(todo):
            if reply.status == runner.ANSWERED:
                answers[reply.case_id] = reply.outcomes
            elif reply.status == runner.UNSUPPORTED:
                progress(f"  {oracle.name} cannot run {reply.case_id}: {reply.detail}")
            else:
                raise runner.AdapterError(
                    f"{oracle.name} gave {reply.status} on {reply.case_id}: {reply.detail}")
    finally:
        adapter.close()
    for reply in adapter.trailing:
        raise runner.AdapterError(f"{oracle.name} gave {reply.status} on {reply.case_id}: {reply.detail}")
    return oracle, answers


def group(case: dict, oracles: list[Oracle], answers: dict[str, dict[str, list]]) -> list[dict]:
    groups: dict[str, dict] = {}
    for o in oracles:
        outcomes = answers[o.name].get(case["id"])
        if outcomes is None:
            continue
        key = json.dumps(outcomes, sort_keys=True)
        groups.setdefault(key, {"oracles": [], "outcomes": outcomes})["oracles"].append(o.name)
    return list(groups.values())


def oracle_order(o: Oracle) -> tuple:
    return (casesmod.version_tuple(o.version), o.platform, o.name)


def record(argvs: list[list[str]], out_dir: Path, *, template_dir: Path = generate.TEMPLATE_DIR,
           profile: str = "default", timeout: float = 30.0, hello_timeout: float = 60.0,
           progress: Progress = lambda s: None, reuse: list[Path] = ()) -> dict[str, int]:
    """Generate, run on each oracle, write <area>.jsonl and oracles.json into out_dir.
    With `reuse` (suites recorded before), each oracle runs only the cases
    those suites do not have its answer to.

    Returns the number of cases written per area.
    """
    by_area = generate.generate_all(template_dir, profile)
    all_cases = [c for area_cases in by_area.values() for c in area_cases]
    for case in all_cases:          # a template's mistake stops us before hours of recording
        casesmod.check_case(case, f"{template_dir}: generated case")
    oracles: list[Oracle] = []
    answers: dict[str, dict[str, list]] = {}
    known = recorded_in(list(reuse))
    for argv in argvs:
        oracle, got = answer_all(argv, all_cases, timeout, progress, hello_timeout, known)
        if oracle.name in answers:
            raise runner.AdapterError(f"two oracles are both {oracle.name}")
        oracles.append(oracle)
        answers[oracle.name] = got
    oracles.sort(key=oracle_order)
    counts = {}
    out_dir.mkdir(parents=True, exist_ok=True)
    for area, area_cases in by_area.items():
        recorded = []
        for case in area_cases:
            expect = group(case, oracles, answers)
            if not expect:
                raise runner.AdapterError(f"no oracle could run {case['id']}: "
                                          f"it needs {sorted(casesmod.needed_exporters(case))}")
            recorded.append(dict(case, expect=expect))
        casesmod.write_jsonl(out_dir / f"{area}.jsonl", recorded)
        counts[area] = len(recorded)
    for stale in casesmod.case_files(out_dir):
        if stale.stem not in by_area:
            stale.unlink()
            progress(f"removed {stale}: no template declares area {stale.stem!r}")
    casesmod.write_oracles(out_dir, oracles)
    return counts


def default_oracle_argvs() -> list[list[str]]:
    """Every CPython >= 3.9 here, and each Pyodide release `make impls` has
    installed (CPython 3.11 to 3.15 on wasm32): the 32-bit recordings."""
    argvs = [impls.python_adapter(p) for p in impls.oracle_pythons()]
    for name in impls.node_impls_installed("pyodide"):
        argvs.append(impls.node_impl(name).argv)
    return argvs


def stderr_progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
