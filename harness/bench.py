"""Throughput of adapters, measured side by side in one run.

Each implementation gets the same cases (those it can run), streamed as fast
as its pipe takes them while another thread reads the answers; the clock runs
from the first case written to the last answer read, start-up excluded. No
comparison is made: this measures the adapter, not the harness. Best of
`repeat` runs, so a moment of noise on a shared machine does not decide.
"""

from __future__ import annotations

import selectors
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Callable

from .impls import Impl
from .runner import AdapterError, Hello, parse_hello, wire_line
from .session import why_unsupported

STALL_SECONDS = 10.0
HELLO_SECONDS = 60.0


class BenchError(RuntimeError):
    """An adapter that could not be measured (it stopped or stalled)."""


# The throughput each kind of adapter is held to (cases per second, one process).
TARGETS = {"mvspec-reference": 50_000, "cpython": 5_000}


@dataclass
class Row:
    name: str
    implementation: str
    cases: int
    seconds: float
    error: str = ""

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds > 0 else float("inf")

    @property
    def target(self) -> int | None:
        return TARGETS.get(self.implementation)


def read_hello(proc: subprocess.Popen, seconds: float = HELLO_SECONDS) -> Hello:
    """The adapter's hello line, waited for at most `seconds`."""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(seconds):
            raise BenchError(f"no hello line within {seconds:g} s")
    try:
        return parse_hello(proc.stdout.readline(1 << 20))
    except AdapterError as e:
        raise BenchError(str(e)) from None


def one_pass(impl: Impl, cases: list[dict]) -> tuple[str, int, float]:
    proc = subprocess.Popen(impl.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=impl.env)
    try:
        hello = read_hello(proc)
        todo = [c for c in cases if why_unsupported(c, hello) is None]
        payload = b"".join(wire_line(c) for c in todo)

        def feed() -> None:
            try:
                proc.stdin.write(payload)
                proc.stdin.close()
            except BrokenPipeError:
                pass
        answered = [0]
        finished = [0.0]

        def read() -> None:
            for _ in todo:
                if not proc.stdout.readline():
                    return
                answered[0] += 1
            finished[0] = time.perf_counter()
        writer = threading.Thread(target=feed, daemon=True)
        reader = threading.Thread(target=read, daemon=True)
        started = time.perf_counter()
        writer.start()
        reader.start()
        last, seen = time.monotonic(), 0
        while reader.is_alive():           # a stalled adapter must not stall the bench
            reader.join(0.5)
            if answered[0] != seen:
                last, seen = time.monotonic(), answered[0]
            elif time.monotonic() - last > STALL_SECONDS:
                break
        if answered[0] != len(todo):
            raise BenchError(f"{impl.name} answered {answered[0]} of {len(todo)} cases, then "
                             f"{'stalled' if reader.is_alive() else 'stopped'}; run "
                             f"`python3 -m harness run {impl.name}` to see which case")
        return hello.implementation, answered[0], finished[0] - started
    finally:
        proc.kill()
        proc.wait()


def measure(impls: list[Impl], cases: list[dict], repeat: int = 3,
            progress: Callable[[str], None] = lambda s: None) -> list[Row]:
    rows = []
    for impl in impls:
        best = None
        try:
            for k in range(max(1, repeat)):
                name, n, seconds = one_pass(impl, cases)
                progress(f"{impl.name}: run {k + 1}: {n} cases in {seconds:.3f} s")
                if best is None or seconds < best.seconds:
                    best = Row(impl.name, name, n, seconds)
        except BenchError as e:
            best = Row(impl.name, "?", 0, 0.0, str(e))
        rows.append(best)
    return rows


def table(rows: list[Row]) -> str:
    out = [f"{'implementation':<24} {'cases':>7} {'seconds':>8} {'cases/s':>10} "
           f"{'target':>8} {'ratio':>6}"]
    for r in rows:
        if r.error:
            out.append(f"{r.name:<24} not measured: {r.error}")
            continue
        target = f"{r.target:>8}" if r.target else f"{'-':>8}"
        ratio = f"{r.rate / r.target:>6.2f}" if r.target else f"{'-':>6}"
        out.append(f"{r.name:<24} {r.cases:>7} {r.seconds:>8.3f} {r.rate:>10.0f} {target} {ratio}")
    return "\n".join(out)
