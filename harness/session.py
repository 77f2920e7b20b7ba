"""One run of the suite against one implementation: start, stream, compare.

The pieces: runner.Adapter talks to the process, compare.py judges each reply
against the chosen oracle, and the CaseResults collected here are what the
reports (report.py) and the results JSON are made of.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from . import compare, runner, spec
from .cases import Suite, area_of, needed_exporters, satisfies
from .impls import Impl

UNSUPPORTED = "unsupported"
NOT_RECORDED = "not recorded for this oracle"   # why an exact run does not judge a case
STATUSES = ("pass", "message", "fail", "unsupported", "crash", "timeout", "protocol-error")
FAILING = ("fail", "crash", "timeout", "protocol-error")


@dataclass
class CaseResult:
    id: str
    status: str
    rules: list[str]
    oracle: str | None = None
    detail: str = ""
    diffs: list[compare.StepDiff] = field(default_factory=list)
    actual: list | None = None
    seconds: float = 0.0

    @property
    def area(self) -> str:
        return area_of(self.id)


@dataclass
class RunResult:
    impl: Impl
    hello: runner.Hello
    oracle: str                 # the best-matching oracle, used unless a case says otherwise
    results: list[CaseResult]
    seconds: float
    restarts: int
    exit_problems: list[str] = field(default_factory=list)   # adapters that ended badly
    warnings: list[str] = field(default_factory=list)        # shown loudly, written to results

    def counts(self) -> dict[str, int]:
        c = {s: 0 for s in STATUSES}
        for r in self.results:
            c[r.status] += 1
        return c

    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if r.status in FAILING]


def why_unsupported(case: dict, hello: runner.Hello) -> str | None:
    missing = needed_exporters(case) - set(hello.exporters)
    if missing:
        return f"no exporter {', '.join(sorted(missing))}"
    if not satisfies(case.get("requires"), hello.language):
        return f"needs language {case['requires']['language']}"
    return None


def unrecorded(case: dict, ranking, exact: bool = False) -> str | None:
    """Why no recorded outcome can judge this case here, or None.

    No oracle of the implementation's platform recorded it (CPython could
    not build its setup there, say); or, the implementation's own version
    being recorded (`exact`), no oracle of that version did and none can be
    derived (compare.exact_expected); or the only oracles that did are of
    another language version and the case's rules changed between
    versions. Such a case is not sent: nothing could judge the answer.
    """
    changing = spec.changing_rules()
    if compare.expected_for(case, ranking, changing, exact) is not None:
        return None
    best = ranking[0]
    got = compare.recorded(case)
    here = [o.name for o in ranking if o.platform == best.platform and o.name in got]
    if not here:
        return f"no oracle of platform {best.platform} recorded this case"
    if exact:
        return not_recorded(case, ranking, here)
    return (f"no oracle of language {best.language} ({best.platform}) recorded "
            f"this case, whose rules changed between versions")


def not_recorded(case: dict, ranking, here: list[str]) -> str:
    """The reason a case is not judged on an exact run: what was recorded
    on the platform, and why it does not tell this version's outcome."""
    best = ranking[0]
    older, newer = compare.bracket(case, ranking)
    if older and newer:
        why = (f"the nearest oracles on both sides, {older.name} and {newer.name}, "
               "recorded different outcomes")
    else:
        side = "newer" if newer else "older"
        why = (f"recorded on {best.platform} only by {side} versions ({', '.join(here)}), "
               f"so nothing on the other side of {best.language} confirms it")
    return (f"{NOT_RECORDED}: no CPython {best.language} ({best.platform}) "
            f"recorded this case, and {why}")


def judge(case: dict, reply: runner.Reply, ranking, strict: bool,
          exact: bool = False) -> CaseResult:
    result = CaseResult(case["id"], reply.status, case["rules"], detail=reply.detail,
                        seconds=reply.seconds)
    if reply.status != runner.ANSWERED:
        return result
    expected = compare.expected_for(case, ranking, spec.changing_rules(), exact)
    if expected is None:
        result.status = UNSUPPORTED
        result.detail = unrecorded(case, ranking, exact) or "no recorded outcome"
        return result
    result.oracle = expected.label
    verdict = compare.compare(expected.outcomes, reply.outcomes, strict)
    result.status = verdict.status
    result.diffs = verdict.diffs
    if verdict.diffs:
        result.actual = reply.outcomes
    return result


BLOCK = 256     # cases a parallel worker takes at a time


@dataclass
class Limits:
    """Bounds on what an adapter may cost (runner.Adapter says how each is used)."""
    timeout: float = 10.0               # seconds per case
    hello_timeout: float = 30.0         # seconds to wait for the hello line
    max_reply_bytes: int = runner.MAX_REPLY_BYTES
    max_failures: int = 5               # failures in a row before giving up (0: never)


def hello_warnings(hello: runner.Hello) -> list[str]:
    unknown = hello.unknown_exporters()
    if not unknown:
        return []
    return [f"the adapter's hello names exporters the protocol does not define: "
            f"{', '.join(repr(e) for e in unknown)} (protocol.md section 5 defines "
            f"{', '.join(runner.KNOWN_EXPORTERS)}); cases are never sent for them"]


def all_unsupported_warning(results: list[CaseResult]) -> list[str]:
    if not results or any(r.status != UNSUPPORTED for r in results):
        return []
    reasons = sorted({r.detail for r in results})
    return [f"every one of the {len(results)} cases was unsupported: nothing was compared "
            f"(reasons: {'; '.join(reasons[:3])}{'; …' if len(reasons) > 3 else ''})"]


def run(impl: Impl, suite: Suite, cases: list[dict], *, timeout: float = 10.0,
        strict: bool | None = None, prefer_oracle: str | None = None,
        log_dir=None, jobs: int = 1, limits: Limits | None = None,
        on_result: Callable[[CaseResult], None] = lambda r: None) -> RunResult:
    """Run `cases` (from `suite`) on `impl`; every case gets exactly one result.

    With jobs > 1, that many adapter processes share the cases, a block at a
    time; results come back in the cases' order whatever finished first.
    `limits` (default: Limits with this `timeout`) bounds each adapter.
    """
    strict = impl.strict if strict is None else strict
    limits = limits or Limits(timeout=timeout)
    started = time.monotonic()

    def new_adapter(k: int) -> runner.Adapter:
        log_path = log_dir / f"{impl.name}{'' if k == 0 else f'.{k}'}.stderr" if log_dir else None
        return runner.Adapter(impl.argv, timeout=limits.timeout, env=impl.env, log_path=log_path,
                              start_timeout=limits.hello_timeout,
                              max_reply_bytes=limits.max_reply_bytes,
                              max_failures=limits.max_failures)

    first = new_adapter(0)
    hello = first.start()
    ranking = compare.oracle_ranking(hello, suite.oracles, prefer_oracle)
    exact = compare.is_exact(hello, ranking)
    if not ranking:
        first.close()
        raise runner.AdapterError("the suite records no oracle")
    results: dict[str, CaseResult] = {}
    lock = threading.Lock()
    by_id = {c["id"]: c for c in cases}

    def add(r: CaseResult) -> None:
        """Keep a result; a second one for a case (it was answered twice)
        replaces the first."""
        with lock:
            new = r.id not in results
            results[r.id] = r
            if new:
                on_result(r)

    to_run = []
    for case in cases:
        why = why_unsupported(case, hello) or unrecorded(case, ranking, exact)
        if why:
            add(CaseResult(case["id"], UNSUPPORTED, case["rules"], detail=why))
        else:
            to_run.append(case)
    blocks = iter([to_run[i:i + BLOCK] for i in range(0, len(to_run), BLOCK)])
    restarts: list[int] = []
    exit_problems: list[str] = []

    errors: list[BaseException] = []

    def worker(adapter: runner.Adapter) -> None:
        try:
            serve(adapter)
        except BaseException as e:       # a bug of the harness: raised again below
            errors.append(e)
            adapter.stop()

    def serve(adapter: runner.Adapter) -> None:
        adapter.hello = hello        # a worker that greets differently is refused
        try:
            while True:
                with lock:
                    block = next(blocks, None)
                if block is None:
                    return
                try:
                    for reply in adapter.run(block):
                        add(judge(by_id[reply.case_id], reply, ranking, strict, exact))
                except runner.AdapterError as e:
                    # This adapter will not come back: what it answered stays,
                    # the rest of its block are crashes that say why.
                    for case in block:
                        if case["id"] not in results:
                            add(CaseResult(case["id"], runner.CRASH, case["rules"],
                                           detail=f"adapter unusable: {e}"))
                    return
        finally:
            adapter.close()
            for reply in adapter.trailing:
                add(judge(by_id[reply.case_id], reply, ranking, strict, exact))
            restarts.append(adapter.restarts)
            if adapter.exit_problem:
                exit_problems.append(adapter.exit_problem)

    adapters = [first] + [new_adapter(k) for k in range(1, max(1, jobs))]
    threads = [threading.Thread(target=worker, args=(a,), daemon=True) for a in adapters]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    for block in blocks:             # left over only if every worker gave up
        for case in block:
            add(CaseResult(case["id"], runner.CRASH, case["rules"],
                           detail="no adapter left to run it"))
    ordered = [results[c["id"]] for c in cases]
    return RunResult(impl, hello, ranking[0].name, ordered,
                     time.monotonic() - started, sum(restarts), exit_problems,
                     hello_warnings(hello) + all_unsupported_warning(ordered))
