"""Throughput of adapters, measured side by side in one run.

Each implementation gets the same cases (those it can run), streamed as fast
as its pipe takes them while another thread reads the answers; the clock runs
from the first case written to the last answer read, start-up excluded. No
comparison is made: this measures the adapter, not the harness. Best of
`repeat` runs, so a moment of noise on a shared machine does not decide.
"""

from __future__ import annotations

import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Callable

from .impls import Impl
from .runner import parse_hello, wire_line
from .session import why_unsupported

# The throughput each kind of adapter is held to (cases per second, one process).
TARGETS = {"mvspec-reference": 50_000, "cpython": 5_000}


@dataclass
class Row:
    name: str
    implementation: str
    cases: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds > 0 else float("inf")

    @property
    def target(self) -> int | None:
        return TARGETS.get(self.implementation)


def one_pass(impl: Impl, cases: list[dict]) -> tuple[str, int, float]:
    proc = subprocess.Popen(impl.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=impl.env)
    try:
        hello = parse_hello(proc.stdout.readline())
        todo = [c for c in cases if why_unsupported(c, hello) is None]
        payload = b"".join(wire_line(c) for c in todo)

        def feed() -> None:
            try:
                proc.stdin.write(payload)
                proc.stdin.close()
            except BrokenPipeError:
                pass
        writer = threading.Thread(target=feed, daemon=True)
        started = time.perf_counter()
        writer.start()
        answered = 0
        for _ in todo:
            if not proc.stdout.readline():
                break
            answered += 1
        seconds = time.perf_counter() - started
        writer.join()
        if answered != len(todo):
            raise RuntimeError(f"{impl.name} answered {answered} of {len(todo)} cases")
        return hello.implementation, answered, seconds
    finally:
        proc.kill()
        proc.wait()


def measure(impls: list[Impl], cases: list[dict], repeat: int = 3,
            progress: Callable[[str], None] = lambda s: None) -> list[Row]:
    rows = []
    for impl in impls:
        best = None
        for k in range(max(1, repeat)):
            name, n, seconds = one_pass(impl, cases)
            progress(f"{impl.name}: run {k + 1}: {n} cases in {seconds:.3f} s")
            if best is None or seconds < best.seconds:
                best = Row(impl.name, name, n, seconds)
        rows.append(best)
    return rows


def table(rows: list[Row]) -> str:
    out = [f"{'implementation':<24} {'cases':>7} {'seconds':>8} {'cases/s':>10} "
           f"{'target':>8} {'ratio':>6}"]
    for r in rows:
        target = f"{r.target:>8}" if r.target else f"{'-':>8}"
        ratio = f"{r.rate / r.target:>6.2f}" if r.target else f"{'-':>6}"
        out.append(f"{r.name:<24} {r.cases:>7} {r.seconds:>8.3f} {r.rate:>10.0f} {target} {ratio}")
    return "\n".join(out)
