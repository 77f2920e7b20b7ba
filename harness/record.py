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


def answer_all(argv: list[str], all_cases: list[dict], timeout: float,
               progress: Progress, hello_timeout: float = 60.0) -> tuple[Oracle, dict[str, list]]:
    """Run every case on one oracle; outcomes by case id (absent: unsupported)."""
    adapter = runner.Adapter(argv, timeout=timeout, start_timeout=hello_timeout, max_failures=0)
    hello = adapter.start()
    oracle = oracle_of(hello)
    progress(f"recording {oracle.name} ({len(all_cases)} cases) with {' '.join(argv)}")
    todo = [c for c in all_cases
            if casesmod.satisfies(c.get("requires"), hello.language)
            and casesmod.needed_exporters(c) <= set(hello.exporters)]
    answers: dict[str, list] = {}
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
           progress: Progress = lambda s: None) -> dict[str, int]:
    """Generate, run on each oracle, write <area>.jsonl and oracles.json into out_dir.

    Returns the number of cases written per area.
    """
    by_area = generate.generate_all(template_dir, profile)
    all_cases = [c for area_cases in by_area.values() for c in area_cases]
    for case in all_cases:          # a template's mistake stops us before hours of recording
        casesmod.check_case(case, f"{template_dir}: generated case")
    oracles: list[Oracle] = []
    answers: dict[str, dict[str, list]] = {}
    for argv in argvs:
        oracle, got = answer_all(argv, all_cases, timeout, progress, hello_timeout)
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
