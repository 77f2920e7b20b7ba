"""What each memoryview operation costs: the builtin, mvref, and the physical
reference, side by side in one process: python3 -m harness.opbench

Each row of the table times one operation on the same exporter three ways:
the builtin memoryview, mvref.memoryview (the C reference as a Python
module, reference/python/), and the physical reference -- what the machine
does at best for the same bytes (`bytes(ba)` for a copy, `bytes ==` for a
memcmp, numpy where it has the operation). The three are interleaved (one
sample of each in turn, the order rotated every round) and the best of N
rounds is kept, so that a machine busy with other work slows all three alike
and the ratio mvref / builtin stays meaningful. Each row has the target of
issue 16.

Memory is reused. On a VM a page touched for the first time costs a fault
(about 15 us each on the machines this was written on): a fresh 64 MiB
result would cost 16384 faults, and the benchmark would measure the kernel.
So big buffers are made once, and this process runs with glibc's malloc told
never to map memory of its own (MALLOC_MMAP_MAX_=0) nor give it back
(MALLOC_TRIM_THRESHOLD_), and Python's small objects taken from it too
(PYTHONMALLOC=malloc: pymalloc maps and unmaps its arenas): a freed result's
pages are reused by the next.

The slicing chart: m[1:-1] of a memoryview against b[1:-1] of bytes, for
buffers of 1 KiB to 1 GiB (--max-size), the seed's zero-copy claim measured:
a slice of a view costs the same whatever the size, a slice of bytes copies.
It is written as SVG (harness/svgchart.py) beside the results' JSON.

    --repeat N     rounds per row (best of N; default 5)
    --long         more rounds (15) and a bigger budget per row
    --max-size S   the largest buffer of the slicing chart (default 1G)
    --mvref DIR    the directory of the mvref module (default build/python)
    --only GLOB    only the rows whose key matches (repeatable)
    --out DIR      where the results (JSON) and the chart (SVG) go
                   (default: build/bench/ops.json and build/bench/slicing.svg)
    --no-chart     the table alone
    --before FILE  an earlier run's results (JSON): its ratios in a column
"""

from __future__ import annotations

import argparse
import array
import fnmatch
import gc
import json
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
IMPLS = ("builtin", "mvref", "physical")
KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30
# glibc: never mmap (each fresh mapping faults its pages in), never trim;
# and Python's objects from glibc too, not from pymalloc's arenas, which are
# mapped and unmapped as they fill and empty (a tolist() of 1M ints would
# time the faults of 32 MB of fresh arenas).
MALLOC_ENV = {"MALLOC_MMAP_MAX_": "0", "MALLOC_TRIM_THRESHOLD_": str(1 << 45),
              "PYTHONMALLOC": "malloc"}
MIN_SAMPLE_SECONDS = 0.002   # a sample of a fast operation loops this long at least
ROW_BUDGET_SECONDS = 20.0    # a row stops repeating when its rounds took this long


@dataclass(frozen=True)
class Target:
    """A row's goal, on the ratio mvref / builtin: at most `ratio`."""
    ratio: float
    text: str

    def met(self, ratio: float) -> bool:
        return ratio <= self.ratio


def at_most(ratio: float) -> Target:
    return Target(ratio, f"<= {ratio:g}x")


def faster(factor: float) -> Target:
    return Target(1 / factor, f"{factor:g}x faster")


@dataclass
class Way:
    """One way of doing a row's operation: `op` does it once and returns
    its result; `loop(n)` does it n times (for an operation of nanoseconds,
    a loop written out, so that no function call per operation is timed)."""
    op: Callable[[], object]
    loop: Callable[[int], None] | None = None

    def run(self, n: int) -> None:
        if self.loop is not None:
            self.loop(n)
            return
        op = self.op
        for _ in range(n):
            op()


@dataclass
class Row:
    key: str
    title: str
    target: Target | None
    ways: dict[str, Way]                      # impl -> way; physical may be absent
    note: str = ""


@dataclass
class Result:
    key: str
    title: str
    seconds: dict[str, float]                 # impl -> best seconds per operation
    rounds: int
    target: str = ""
    ratio: float | None = None
    physical_ratio: float | None = None       # mvref / physical
    met: bool | None = None
    note: str = ""
    samples: dict[str, list[float]] = field(default_factory=dict)


# ----------------------------------------------------------------- rows ---

# The operations of nanoseconds, each as a loop over one view (Way.loop).
def getitem_loop(m):
    def run(n: int) -> None:
        for _ in range(n):
            m[5]                                 # noqa: B018 (timed)
    return run


def setitem_loop(m):
    def run(n: int) -> None:
        for _ in range(n):
            m[5] = 7
    return run


def slice_loop(m):
    def run(n: int) -> None:
        for _ in range(n):
            m[1:-1]                              # noqa: B018 (timed)
    return run


def cast_loop(m):
    def run(n: int) -> None:
        for _ in range(n):
            m.cast("i")
    return run


def cast_shape_loop(m):
    def run(n: int) -> None:
        for _ in range(n):
            m.cast("B", shape=[4, 256])
    return run


def hash_loop(m):
    def run(n: int) -> None:
        for _ in range(n):
            hash(m)
    return run


def rows(mv: Callable, np) -> list[Row]:
    """The table of issue 16. `mv` is mvref.memoryview; np is numpy."""
    out: list[Row] = []

    def row(key, title, target, make, physical=None, note=""):
        """make(M) -> the Way for memoryview type M."""
        ways = {"builtin": make(memoryview), "mvref": make(mv)}
        if physical is not None:
            ways["physical"] = physical
        out.append(Row(key, title, target, ways, note))

    big = bytes(range(256)) * (64 * MIB // 256)
    big2 = bytearray(big)                      # equal, elsewhere in memory
    big3 = bytes(big2)
    row("eq-B", "== of two equal 64 MiB 'B' views", at_most(1.2),
        lambda M: (lambda a, b: Way(lambda: a == b))(M(big), M(big2)),
        Way(lambda: big == big3), "physical: bytes == bytes (a memcmp)")
    ints = array.array("i", range(1 << 20))
    ints2 = array.array("i", ints)
    ib, ib2 = ints.tobytes(), ints2.tobytes()
    row("eq-i", "== of two 1M-item 'i' views", at_most(1.2),
        lambda M: (lambda a, b: Way(lambda: a == b))(M(ints), M(ints2)),
        Way(lambda: ib == ib2))
    dbl = array.array("d", (i * 0.5 for i in range(2 << 20)))
    dbl2 = array.array("d", dbl)
    nd, nd2 = np.frombuffer(dbl, "d")[::2], np.frombuffer(dbl2, "d")[::2]
    row("eq-d-strided", "== of 'd' views, strided, 1M items", at_most(1.2),
        lambda M: (lambda a, b: Way(lambda: a == b))(M(dbl)[::2], M(dbl2)[::2]),
        Way(lambda: np.array_equal(nd, nd2)))

    ba = bytearray(big)
    arr = np.frombuffer(ba, np.uint8).reshape(8192, 8192)
    row("tobytes-C", "tobytes() contiguous 64 MiB", at_most(1.2),
        lambda M: Way(M(ba).tobytes), Way(lambda: bytes(ba)), "physical: bytes(ba)")
    half = arr[::2]
    row("tobytes-rows", "tobytes() of numpy arr[::2] (rows contiguous), 8192^2",
        at_most(1.2), lambda M: Way(M(half).tobytes), Way(half.tobytes))
    flat = np.frombuffer(ba, np.uint8)
    row("tobytes-step2", "m[::2].tobytes() of 64 MiB", at_most(1.0),
        lambda M: (lambda m: Way(lambda: m[::2].tobytes()))(M(ba)), Way(flat[::2].tobytes))
    row("tobytes-reversed", "m[::-1].tobytes() of 64 MiB", at_most(1.0),
        lambda M: (lambda m: Way(lambda: m[::-1].tobytes()))(M(ba)), Way(flat[::-1].tobytes))
    row("tobytes-F", "tobytes('F') of 8192^2 'B'", faster(1.5),
        lambda M: (lambda m: Way(lambda: m.tobytes("F")))(M(arr)),
        Way(lambda: arr.tobytes("F")))
    row("tobytes-T", "tobytes() of a transposed 8192^2 'B' (arr.T)", faster(1.5),
        lambda M: Way(M(arr.T).tobytes), Way(arr.T.tobytes))
    i32 = np.arange(1 << 20, dtype=np.int32).reshape(1024, 1024)
    row("tolist-i", "tolist() of 1M 'i'", at_most(1.5),
        lambda M: Way(M(ints).tolist), Way(ints.tolist), "physical: array.tolist()")
    row("tolist-2d", "tolist() of int32 1024^2", at_most(1.5),
        lambda M: Way(M(i32).tolist), Way(i32.tolist), "physical: numpy's tolist()")
    row("iter-i", "list(m), iterating 1M 'i'", at_most(1.5),
        lambda M: (lambda m: Way(lambda: list(m)))(M(ints)), Way(lambda: list(ints)),
        "physical: list(array)")
    hx = big[:16 * MIB]
    row("hex", "hex() of 16 MiB", at_most(1.2), lambda M: Way(M(hx).hex), Way(hx.hex))
    row("hash-first", "hash() of 64 MiB read-only, first call", at_most(1.2),
        lambda M: Way(lambda: hash(M(big))),
        note="a new view each time: its making is in the time")

    def hashed(M):
        m = M(big)
        hash(m)
        return Way(lambda: hash(m), hash_loop(m))
    row("hash-second", "hash() of 64 MiB read-only, second call", at_most(2.0), hashed,
        note="O(1): the builtin's is cached")
    small = bytearray(range(256)) * 4
    row("getitem", "m[i]", at_most(2.0),
        lambda M: (lambda m: Way(lambda: m[5], getitem_loop(m)))(M(small)),
        Way(lambda: small[5], getitem_loop(small)))

    def set_way(m):
        def op():
            m[5] = 7
        return Way(op, setitem_loop(m))
    row("setitem", "m[i] = v", at_most(2.0), lambda M: set_way(M(small)), set_way(small))
    row("slice", "m[1:-1]", at_most(2.0),
        lambda M: (lambda m: Way(lambda: m[1:-1], slice_loop(m)))(M(small)))
    row("cast", "m.cast('i')", at_most(2.0),
        lambda M: (lambda m: Way(lambda: m.cast("i"), cast_loop(m)))(M(small)))
    row("cast-shape", "m.cast('B', shape=[4, 256])", at_most(2.0),
        lambda M: (lambda m: Way(lambda: m.cast("B", shape=[4, 256]),
                                 cast_shape_loop(m)))(M(small)))
    return out


# -------------------------------------------------------------- timing ---

def sample(way: Way, n: int) -> float:
    """Seconds per operation, over n of them."""
    started = time.perf_counter()
    way.run(n)
    return (time.perf_counter() - started) / n


def loops_for(way: Way) -> int:
    """How many operations one sample makes: enough for MIN_SAMPLE_SECONDS,
    so that the clock's own cost does not count."""
    n = 1
    while sample(way, n) * n < MIN_SAMPLE_SECONDS and n < 1 << 22:
        n *= 4
    return n


CHEAP_ROUND_SECONDS = 0.05   # a row whose rounds are this quick gets 4x the rounds


def measure(row: Row, repeat: int, budget: float) -> Result:
    """Best of `repeat` rounds, each a sample of every way in turn (four
    times as many for a quick row: noise of a busy machine is the larger
    there, and rounds are cheap)."""
    impls = [i for i in IMPLS if i in row.ways]
    loops = {i: loops_for(row.ways[i]) for i in impls}
    samples: dict[str, list[float]] = {i: [] for i in impls}
    started = time.monotonic()
    for r in range(4 * repeat):
        if r == repeat and time.monotonic() - started > CHEAP_ROUND_SECONDS * repeat:
            break
        order = impls[r % len(impls):] + impls[:r % len(impls)]
        for i in order:
            gc.disable()
            try:
                samples[i].append(sample(row.ways[i], loops[i]))
            finally:
                gc.enable()
        if time.monotonic() - started > budget:
            break
    best = {i: min(s) for i, s in samples.items()}
    res = Result(row.key, row.title, best, len(samples["builtin"]), note=row.note,
                 samples=samples)
    res.ratio = best["mvref"] / best["builtin"]
    if "physical" in best:
        res.physical_ratio = best["mvref"] / best["physical"]
    if row.target is not None:
        res.target = row.target.text
        res.met = row.target.met(res.ratio)
    return res


def best_of(way: Way, rounds: int, budget: float = ROW_BUDGET_SECONDS) -> float:
    """Seconds per operation of one way alone, best of `rounds` samples."""
    n = loops_for(way)
    started, best = time.monotonic(), float("inf")
    for _ in range(rounds):
        best = min(best, sample(way, n))
        if time.monotonic() - started > budget:
            break
    return best


def loop_overhead() -> float:
    """Seconds per turn of the loops the quick rows are timed with, empty."""
    def run(n: int) -> None:
        for _ in range(n):
            pass
    return best_of(Way(lambda: None, run), 20)


def comparable(r: object) -> object:
    """A result as a value to compare: a view by its items."""
    if hasattr(r, "tolist") and not isinstance(r, list):
        return r.tolist()
    return r


def same_answers(row: Row) -> str | None:
    """Why builtin and mvref disagree on the row's result, if they do: a
    benchmark must time the same work."""
    if comparable(row.ways["builtin"].op()) != comparable(row.ways["mvref"].op()):
        return f"{row.key}: builtin and mvref answer differently"
    return None


def fmt_time(s: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s / 1e-9:.3g} ns"


def table(results: list[Result], before: dict[str, float] | None = None) -> str:
    """The rows as text; with `before` (ratios by row key, from an earlier
    run's JSON), the earlier ratio beside each."""
    was = f" {'before':>8}" if before is not None else ""
    head = (f"{'operation':<52} {'builtin':>9} {'mvref':>9} {'physical':>9} "
            f"{'mvref/builtin':>13}{was} {'target':>11}  ok")
    out = [head, "-" * len(head)]
    for r in results:
        phys = fmt_time(r.seconds["physical"]) if "physical" in r.seconds else "-"
        ok = "" if r.met is None else ("yes" if r.met else "NO")
        then = ""
        if before is not None:
            then = f" {before[r.key]:>7.2f}x" if r.key in before else f" {'-':>8}"
        out.append(f"{r.title[:52]:<52} {fmt_time(r.seconds['builtin']):>9} "
                   f"{fmt_time(r.seconds['mvref']):>9} {phys:>9} {r.ratio:>12.2f}x"
                   f"{then} {r.target:>11}  {ok}")
    return "\n".join(out)


def ratios_of(path: Path) -> dict[str, float]:
    """Each row's ratio mvref / builtin in an earlier run's JSON."""
    try:
        rows_ = json.loads(path.read_text())["rows"]
        return {r["key"]: r["ratio"] for r in rows_}
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise SystemExit(f"opbench: cannot read the ratios of {path}: {e}") from None


# --------------------------------------------------------------- chart ---

def slicing_series(mv: Callable, max_size: int, repeat: int
                   ) -> tuple[list[int], dict[str, list[float]]]:
    """Seconds per m[1:-1] (builtin, mvref) and b[1:-1] (bytes), for sizes
    1 KiB, 4 KiB, ... up to max_size: one bytes object of the largest size,
    made once, and a shorter copy of it for each other size."""
    sizes = []
    n = KIB
    while n <= max_size:
        sizes.append(n)
        n *= 4
    if sizes and sizes[-1] != max_size and max_size > KIB:
        sizes.append(max_size)
    whole = bytes(range(256)) * (max_size // 256) + bytes(max_size % 256)
    series: dict[str, list[float]] = {"memoryview": [], "mvref.memoryview": [], "bytes": []}
    for size in sizes:
        part = whole if size == max_size else whole[:size]
        m, w = memoryview(part), mv(part)
        # the views interleaved with each other, bytes alone: its copies of
        # a big buffer would make the views' rounds slow, and so fewer.  A
        # round of the views is a few ms: three times the rounds, so that a
        # busy machine does not put a bump in a flat line
        views = measure(Row(f"slice-{size}", "", None, {
            "builtin": Way(lambda: m[1:-1], slice_loop(m)),
            "mvref": Way(lambda: w[1:-1], slice_loop(w))}), 3 * repeat, ROW_BUDGET_SECONDS)
        series["memoryview"].append(views.seconds["builtin"])
        series["mvref.memoryview"].append(views.seconds["mvref"])
        series["bytes"].append(best_of(Way(lambda: part[1:-1], slice_loop(part)), repeat))
        del part, m, w
    return sizes, series


# ---------------------------------------------------------------- main ---

def load_mvref(directory: Path):
    sys.path.insert(0, str(directory))
    import mvref   # noqa: E402  (the directory is chosen at run time)
    return mvref


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python3 -m harness.opbench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--long", action="store_true")
    p.add_argument("--max-size", default="1G")
    p.add_argument("--mvref", type=Path, default=ROOT / "build" / "python")
    p.add_argument("--only", action="append", default=[])
    p.add_argument("--out", type=Path, default=ROOT / "build" / "bench")
    p.add_argument("--no-chart", action="store_true")
    p.add_argument("--before", type=Path, help="an earlier run's JSON: its ratios beside")
    return p.parse_args(argv)


def size_of(text: str) -> int:
    units = {"K": KIB, "M": MIB, "G": GIB}
    t = text.strip().upper().rstrip("IB")
    return int(t[:-1]) * units[t[-1]] if t and t[-1] in units else int(t)


def main(argv: list[str]) -> int:
    if any(os.environ.get(k) != v for k, v in MALLOC_ENV.items()):
        # glibc reads these when the process starts: start again with them
        os.execve(sys.executable, [sys.executable, "-m", "harness.opbench", *argv],
                  dict(os.environ, **MALLOC_ENV))
    args = parse(argv)
    import numpy as np
    mvref = load_mvref(args.mvref)
    repeat = 15 if args.long else args.repeat
    budget = ROW_BUDGET_SECONDS * (4 if args.long else 1)
    load = os.getloadavg()[0]
    busy = " (a busy machine: ratios, not times, are the result)" if load > 1 else ""
    print(f"memoryview operations: builtin vs mvref ({mvref.__file__}) vs the physical "
          f"reference, best of {repeat} interleaved rounds; load average {load:.1f} on "
          f"{os.cpu_count()} cores{busy}")
    print("memory reused: big buffers made once; malloc never maps fresh pages, nor does Python "
          f"({', '.join(f'{k}={v}' for k, v in MALLOC_ENV.items())}), since each page "
          "touched for the first time costs a fault (~15 us on a VM)")
    fast = mvref._fast_paths() if hasattr(mvref, "_fast_paths") else None
    print(f"fast paths: {({True: 'on', False: 'off', None: 'none'})[fast]}; "
          f"the rows of nanoseconds time a Python loop around the operation, whose "
          f"own turn ({fmt_time(loop_overhead())}, empty) is in every column", flush=True)
    results, wrong = [], []
    for row in rows(mvref.memoryview, np):
        if args.only and not any(fnmatch.fnmatch(row.key, g) for g in args.only):
            continue
        why = same_answers(row)
        if why:
            wrong.append(why)
        results.append(measure(row, repeat, budget))
        print(table(results[-1:]).splitlines()[-1], flush=True)
        row.ways.clear()
    print()
    print(table(results, ratios_of(args.before) if args.before else None))
    args.out.mkdir(parents=True, exist_ok=True)
    report = {"python": sys.version.split()[0], "machine": platform.machine(),
              "load_average": load, "cores": os.cpu_count(), "repeat": repeat,
              "malloc": MALLOC_ENV, "fast_paths": fast,
              "rows": [asdict(r) for r in results]}
    if not args.no_chart:
        from . import svgchart
        sizes, series = slicing_series(mvref.memoryview, size_of(args.max_size), repeat)
        flatness = {k: v[-1] / v[0] for k, v in series.items()}
        print(f"\nslicing: time of x[1:-1] at {svgchart.bytes_label(sizes[-1])} / at "
              f"{svgchart.bytes_label(sizes[0])}: " +
              ", ".join(f"{k} {v:.2f}" for k, v in flatness.items()))
        report["slicing"] = {"sizes": sizes, "seconds": series, "flatness": flatness}
        chart = args.out / "slicing.svg"
        chart.write_text(svgchart.loglog(
            "Slicing cost against buffer size: x[1:-1]", "buffer size", "time per slice",
            sizes, series, svgchart.bytes_label, fmt_time))
        print(f"chart: {chart}")
    out = args.out / "ops.json"
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(f"results: {out}")
    for w in wrong:
        print(f"opbench: {w}", file=sys.stderr)
    missed = [r.key for r in results if r.met is False]
    if missed:
        print(f"over target: {', '.join(missed)}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
