"""Coverage-guided fuzzing of the C reference: python3 -m harness.fuzzc

Builds the libFuzzer targets of reference/fuzz/ (clang, -fsanitize=fuzzer,
address, undefined: reference/fuzz/build.mk), writes their seed corpora
from the suite into build/fuzz/seeds/, and runs both targets side by side:

    case     case lines through the driver (reference/fuzz/case.c); seeds:
             every case line of conformance/, its expectations left out
    layout   checked arithmetic, struct formats, layouts and views
             (reference/fuzz/layout.c); seeds: the suite's ndarray layouts
             and the casts and slices its cases make of them, encoded as
             that target reads its input

Each target keeps what it finds in build/fuzz/corpus/<target>/ (kept from
run to run) and writes any crashing input to build/fuzz/crashes/.  A
progress line every 10 s gives each target's executions per second, the
coverage libFuzzer measures (cov: edges, ft: features) and its crashes.

    --seconds N   how long each target runs (default 60)
    --seed S      libFuzzer's seed (default: its own choice)
    --replay      no fuzzing: run every regression input
                  (reference/fuzz/regressions/<target>/) and every seed
                  once, and fail on any report
    --runs N      instead of --seconds: N executions each, with --seed,
                  after the seeds (what make check runs: a fixed slice)
    --lcov        no fuzzing: the lcov coverage of reference/src that each
                  target's corpus and seeds reach, through the targets
                  built by gcc with --coverage and without libFuzzer
                  (reference/fuzz/replay.c), into build/fuzz-lcov/

Exit status 1 when a target crashed (or a replayed input failed); 2 when
a run was stopped by a signal from outside (killed, interrupted: no input
made it end, so none is written), else 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .mutate import suite_lines

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "build" / "fuzz"
TARGETS = ("case", "layout")
STATUS = re.compile(r"#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+).*?exec/s: (\d+)")


def build() -> None:
    subprocess.run(["make", "--no-print-directory", "-s", "fuzz-targets"], cwd=ROOT,
                   check=True)


# ---------------------------------------------------------------- seeds ---

def case_seed(case: dict) -> bytes:
    return json.dumps(case, separators=(",", ":"), ensure_ascii=False).encode()


def integer(x: int) -> bytes:
    """An integer as layout.c's reader takes one in full: tag 255, then
    eight bytes, most significant first."""
    return b"\xff" + struct.pack(">q", max(-2**63, min(2**63 - 1, x)))


def string(s: str) -> bytes:
    raw = s.encode("ascii", "replace")[:40]
    return bytes([len(raw)]) + raw


def layout_seed(spec: dict, steps: list[dict]) -> bytes | None:
    """An input of layout.c for one ndarray of the suite: its sizes for
    the arithmetic, its layout, its format, and then the casts and slices
    the case makes (of a bytearray as long as its items), in the
    reader's order."""
    shape, strides = spec.get("shape") or [], spec.get("strides") or []
    if len(shape) > 6 or (strides and len(strides) != len(shape)):
        return None
    items = spec.get("items")
    n = len(items) if isinstance(items, list) else 1
    fmt = spec.get("format", "B")
    try:
        itemsize = struct.calcsize(fmt)
    except (struct.error, TypeError):
        itemsize = 1
    out = integer(shape[0] if shape else 0) + integer(strides[0] if strides else 1)
    out += integer(itemsize) + integer(spec.get("offset", 0)) + bytes([len(shape)])
    for d, size in enumerate(shape):
        out += integer(size) + integer(strides[d] if strides else itemsize)
    out += string(fmt)
    out += b"\x00"                     # the 64-bit model
    out += bytes([min(n, 255), 0])   # the bytearray: 4 * n bytes
    for step in steps:
        if step.get("method") == "cast":
            args = step.get("args") or []
            cast_shape = args[1] if len(args) > 1 and isinstance(args[1], list) else []
            out += bytes([1, len(cast_shape)]) if cast_shape else b"\x00"
            out += string(args[0] if args and isinstance(args[0], str) else "B")
            out += b"".join(integer(x) if isinstance(x, int) else integer(0)
                            for x in cast_shape[:4])
        key = step.get("key")
        if step.get("op") == "getitem" and isinstance(key, dict) and "slice" in key:
            out += bytes([2, 1])
            for part in key["slice"]:
                if isinstance(part, int):
                    out += b"\xff" + integer(part)
                else:
                    out += b"\x00"
    return out


def write_seeds() -> None:
    """build/fuzz/seeds/<target>/, one file an input, named by its hash;
    made again only when the suite changed."""
    stamp = FUZZ / "seeds" / "suite.sha1"
    files = sorted((ROOT / "conformance").glob("*.jsonl"))
    digest = hashlib.sha1(b"".join(p.read_bytes() for p in files)
                          + Path(__file__).read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    for target in TARGETS:
        d = FUZZ / "seeds" / target
        d.mkdir(parents=True, exist_ok=True)
        for old in d.iterdir():
            old.unlink()
    for case in suite_lines(ROOT):
        seeds = [("case", case_seed(case))]
        for spec in case.get("setup", []):
            if isinstance(spec, dict) and spec.get("kind") == "ndarray":
                seed = layout_seed(spec, case.get("steps", []))
                if seed is not None:
                    seeds.append(("layout", seed))
        for target, data in seeds:
            (FUZZ / "seeds" / target / hashlib.sha1(data).hexdigest()).write_bytes(data)
    stamp.write_text(digest)


# ------------------------------------------------------------------ run ---

@dataclass
class Progress:
    """What libFuzzer last said about one target."""
    target: str
    execs: int = 0
    cov: int = 0
    ft: int = 0
    per_second: int = 0
    crashes: int = 0
    slow: int = 0          # inputs that took more than 10 s, kept too
    stopped: str = ""      # the signal from outside that ended the run
    done: bool = False
    process: subprocess.Popen | None = None

    def line(self) -> str:
        slow = f" (and {self.slow} slow inputs)" if self.slow else ""
        stopped = f", stopped by {self.stopped}" if self.stopped else ""
        return (f"{self.target} {self.execs} execs ({self.per_second}/s) cov {self.cov} "
                f"ft {self.ft} crashes {self.crashes}{slow}{stopped}")

    def ended(self, returncode: int) -> None:
        """What the fuzzer's exit status says, beyond the reports it wrote
        a file for.  A signal it did not raise itself (its own crashes
        are reported and written as a file: ASan and libFuzzer catch
        SIGSEGV, SIGABRT, ...) stopped it from outside -- a kill, ^C, the
        kernel's OOM killer: a run cut short, not a crash.  Any other
        failure without a file is a report libFuzzer wrote none for."""
        if returncode < 0 and self.crashes == 0:
            try:
                self.stopped = signal.Signals(-returncode).name
            except ValueError:
                self.stopped = f"signal {-returncode}"
        elif returncode != 0 and self.crashes == 0:
            self.crashes = 1


# An input that runs longer than this is a finding (libFuzzer writes it as
# timeout-<sha>), not a run that hangs: libFuzzer's own default is 20
# minutes, and a list grown one item at a time under ASan once held a fixed-
# seed run in tests/test_fuzz.py that long (regression
# array-contents-of-half-a-million-items).  The slowest regression input
# takes about a second.
UNIT_TIMEOUT = 60


def fuzzer_argv(target: str, extra: list[str]) -> list[str]:
    # -handle_int=0, -handle_term=0: a fuzzer interrupted or terminated
    # dies of that signal, so that its exit status names it (libFuzzer's
    # own handler exits 72 for either, "run interrupted")
    return [str(FUZZ / f"{target}-fuzzer"), f"-dict={ROOT / 'reference' / 'fuzz' / f'{target}.dict'}",
            "-print_final_stats=1", f"-timeout={UNIT_TIMEOUT}", "-handle_int=0",
            "-handle_term=0", *extra]


def run_target(target: str, extra: list[str], progress: Progress) -> None:
    """One libFuzzer run; progress follows its status lines, and its whole
    output is kept in build/fuzz/<target>.log."""
    crashes = FUZZ / "crashes"
    corpus = FUZZ / "corpus" / target
    crashes.mkdir(parents=True, exist_ok=True)
    corpus.mkdir(parents=True, exist_ok=True)
    argv = fuzzer_argv(target, [f"-artifact_prefix={crashes}/{target}-", *extra,
                                str(corpus), str(FUZZ / "seeds" / target),
                                str(ROOT / "reference" / "fuzz" / "regressions" / target)])
    with (FUZZ / f"{target}.log").open("w") as log:
        p = progress.process = subprocess.Popen(argv, cwd=ROOT, stderr=subprocess.PIPE,
                                                stdout=log, text=True, errors="replace")
        for line in p.stderr:
            log.write(line)
            m = STATUS.search(line)
            if m:
                progress.execs, progress.cov, progress.ft, progress.per_second = map(int, m.groups())
            if "Test unit written to" in line:   # crash-, leak-, timeout-, oom-...
                if line.rsplit("/", 1)[-1].startswith(f"{target}-slow-unit-"):
                    progress.slow += 1               # ... or only slow: noted
                else:
                    progress.crashes += 1
            if line.startswith("stat::average_exec_per_sec:"):
                progress.per_second = int(line.split()[-1])
            if line.startswith("stat::number_of_executed_units:"):
                progress.execs = int(line.split()[-1])
        p.wait()
        progress.ended(p.returncode)
    progress.done = True


def fuzz(extra: list[str]) -> int:
    """Both targets side by side, a progress line every 10 s."""
    progress = {t: Progress(t) for t in TARGETS}
    threads = [threading.Thread(target=run_target, args=(t, extra, progress[t]))
               for t in TARGETS]
    for t in threads:
        t.start()
    started = time.monotonic()
    while any(t.is_alive() for t in threads):
        try:
            for t in threads:
                t.join(timeout=10 / len(threads))
        except KeyboardInterrupt:   # ^C: each fuzzer still running is told too
            for p in progress.values():
                if p.process is not None and p.process.poll() is None:
                    p.process.send_signal(signal.SIGINT)
            continue
        if any(t.is_alive() for t in threads):
            print(f"fuzz-c: {time.monotonic() - started:.0f} s: "
                  + "; ".join(p.line() for p in progress.values()), flush=True)
    for p in progress.values():
        print(f"fuzz-c: {p.line()} (log: build/fuzz/{p.target}.log)")
    crashed = [p.target for p in progress.values() if p.crashes]
    stopped = [f"{p.target} by {p.stopped}" for p in progress.values() if p.stopped]
    if crashed:
        print(f"fuzz-c: crashes in {', '.join(crashed)}: inputs in {FUZZ / 'crashes'}")
    if stopped:
        print(f"fuzz-c: stopped before its time (no crash, no input written): "
              f"{', '.join(stopped)}")
    return 1 if crashed else 2 if stopped else 0


def replay() -> int:
    """Every regression input and every seed, once each."""
    failed = []
    for target in TARGETS:
        dirs = [ROOT / "reference" / "fuzz" / "regressions" / target, FUZZ / "seeds" / target]
        inputs = [str(p) for d in dirs if d.is_dir() for p in sorted(d.iterdir())
                  if p.is_file() and not p.name.startswith(".")]
        for k in range(0, len(inputs), 2000):   # libFuzzer takes files as arguments
            r = subprocess.run(fuzzer_argv(target, ["-runs=1", *inputs[k:k + 2000]]),
                               cwd=ROOT, capture_output=True, text=True, errors="replace")
            if r.returncode != 0:
                failed.append(f"{target}: {r.stderr[-3000:]}")
                break
        print(f"fuzz-c: {target}: {len(inputs)} inputs replayed"
              f"{'' if not failed else ' -- FAILED'}", flush=True)
    for f in failed:
        print(f)
    return 1 if failed else 0


def inputs_of(target: str) -> list[str]:
    """The files of a target's corpus, seeds and regression inputs."""
    dirs = [FUZZ / "corpus" / target, FUZZ / "seeds" / target,
            ROOT / "reference" / "fuzz" / "regressions" / target]
    return [str(p) for d in dirs if d.is_dir() for p in sorted(d.iterdir()) if p.is_file()]


def lcov() -> int:
    """Each target, built for gcov, run over its inputs; lcov's summary of
    reference/src, per target and both together."""
    from .checks import LCOV_RC, Tree, coverage_summary
    where = ROOT / "build" / "fuzz-lcov"
    flags = ["FUZZ_BUILD=build/fuzz-lcov", "FUZZ_CC=gcc",
             "FUZZ_CFLAGS=-O0 -g --coverage -DNDEBUG -DMV_COVERAGE", "FUZZ_LDFLAGS=--coverage"]
    subprocess.run(["make", "--no-print-directory", "-s", *flags,
                    *(f"build/fuzz-lcov/{t}-replay" for t in TARGETS)], cwd=ROOT, check=True)
    infos = []
    for target in TARGETS:
        subprocess.run(["lcov", "--quiet", "--zerocounters", "--directory", str(where / "obj")],
                       check=True)
        files = inputs_of(target)
        for k in range(0, len(files), 2000):
            subprocess.run([str(where / f"{target}-replay"), *files[k:k + 2000]], cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        raw, info = where / f"{target}-all.info", where / f"{target}.info"
        subprocess.run(["lcov", "--quiet", "--capture", "--directory", str(where / "obj" / "ref"),
                        "--base-directory", str(ROOT), "--output-file", str(raw), *LCOV_RC],
                       check=True)
        subprocess.run(["lcov", "--quiet", "--extract", str(raw), f"{ROOT}/reference/src/*",
                        "--output-file", str(info), *LCOV_RC], check=True)
        infos.append(info)
        got = coverage_summary(Tree(), info)
        print(f"fuzz-c: lcov of reference/src from the {target} target's {len(files)} inputs: "
              f"lines {got['lines']}%, functions {got['functions']}%, "
              f"branches {got['branches']}%", flush=True)
    both = where / "both.info"
    subprocess.run(["lcov", "--quiet", *(a for i in infos for a in ("--add-tracefile", str(i))),
                    "--output-file", str(both), *LCOV_RC], check=True)
    got = coverage_summary(Tree(), both)
    print(f"fuzz-c: lcov of reference/src from both: lines {got['lines']}%, functions "
          f"{got['functions']}%, branches {got['branches']}% ({both})")
    return 0


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python3 -m harness.fuzzc", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--runs", type=int, default=None)
    p.add_argument("--replay", action="store_true")
    p.add_argument("--lcov", action="store_true")
    args = p.parse_args(argv)
    build()
    write_seeds()
    if args.replay:
        return replay()
    if args.lcov:
        return lcov()
    extra = [f"-seed={args.seed}"] if args.seed is not None else []
    extra += [f"-runs={args.runs}"] if args.runs is not None \
        else [f"-max_total_time={args.seconds}"]
    return fuzz(extra)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
