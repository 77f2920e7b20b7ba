"""The command lines: python3 -m harness fuzz, python3 -m harness shrink.

    fuzz [IMPL ...]   random programs on CPython and on each candidate
                      (default: mvref in-process, then the reference driver),
                      divergences shrunk, re-checked and printed as
                      reproducers, case lines and template entries
    shrink ID IMPL    a failing case of the suite, shrunk against IMPL

Exit status: 0 nothing diverged; 1 something did (or an in-process run
crashed); 2 the command could not do its job.

Hypothesis is imported only when one of these runs, so that the other
commands start as fast as before.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import cases as casesmod
from .. import impls
from .shrink import ShrinkError

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
DEFAULT_IMPLS = ["mvref", "reference"]
EXAMPLES = Path(__file__).resolve().parent / "examples.jsonl"
OUT_DIR = impls.ROOT / "build" / "fuzz-programs"


class FuzzError(Exception):
    """A problem the user can fix; printed without a traceback."""


@dataclass
class Candidate:
    label: str
    side: Any                       # sides.Side
    strict: bool
    impl: impls.Impl                # the same implementation through its adapter
    language: str

    @property
    def in_process(self) -> bool:
        from .sides import InProcess
        return isinstance(self.side, InProcess)


def mvref_model(text: str) -> str | None:
    """"3.12" of "mvref:3.12", "" of "mvref", None when not mvref."""
    kind, _, arg = text.partition(":")
    if kind != "mvref" or "=" in text:
        return None
    if arg and not re.fullmatch(r"\d+\.\d+", arg):
        raise FuzzError(f"{text!r}: write mvref or mvref:X.Y (the version mvref models)")
    return arg


def make_candidate(text: str, args: argparse.Namespace) -> Candidate:
    from . import sides
    model = mvref_model(text)
    if model is not None:
        impl = impls.mvref_impl()
        language = model or "%d.%d" % sys.version_info[:2]
        impl.env = dict(impl.env or {}, MVREF_PYTHON=language)
        impl.name = "mvref" if not model else f"mvref-{model}"
        if not args.no_in_process:
            side = sides.mvref_side(language)
            side.hello = dataclasses.replace(side.hello, language=language)
            return Candidate(impl.name, side, True, impl, language)
    else:
        impl = impls.resolve(text)
    side = sides.ViaAdapter(impl, timeout=args.timeout, log_path=OUT_DIR / "logs" /
                            f"{impl.name}.stderr")
    return Candidate(impl.name, side, impl.strict or args.strict_messages, impl,
                     side.hello.language)


class Rechecker:
    """Runs a case line again through fresh adapter processes of both sides."""

    def __init__(self, candidate: Candidate, oracle_argv: list[str], oracle_name: str,
                 timeout: float):
        self.candidate, self.oracle_argv, self.oracle_name = candidate, oracle_argv, oracle_name
        self.timeout = timeout
        self.sides: tuple | None = None

    def __call__(self, case: dict):
        from . import sides
        from .differ import run_both
        if self.sides is None:
            self.sides = (sides.ViaAdapter(impls.Impl(self.oracle_name, self.oracle_argv),
                                           timeout=self.timeout),
                          sides.ViaAdapter(self.candidate.impl, timeout=self.timeout))
        return run_both(case, self.sides[0], self.sides[1], self.candidate.strict)

    def close(self) -> None:
        for s in self.sides or ():
            s.close()


def oracle_for(candidate: Candidate, args: argparse.Namespace, cache: dict):
    """(side, name, argv of its adapter) of the CPython to compare with."""
    from . import sides
    oracles = casesmod.read_oracles(Path(args.cases))
    choice = sides.choose_oracle(candidate.side.hello, oracles, args.oracle)
    name = choice.oracle.name
    argv = choice.argv or impls.python_adapter(sys.executable)
    if name not in cache:
        if choice.in_process and not args.no_in_process:
            cache[name] = sides.builtin_side()
        else:
            cache[name] = sides.ViaAdapter(impls.Impl(name, argv), timeout=args.timeout)
    return cache[name], name, argv


# ------------------------------------------------------------------- fuzz ---

def cmd_fuzz(args: argparse.Namespace) -> int:
    if args.seconds <= 0 or (args.programs is not None and args.programs < 1):
        raise FuzzError("--seconds must be positive and --programs at least 1")
    targets = args.impl or DEFAULT_IMPLS
    in_process = not args.no_in_process and any(mvref_model(t) is not None for t in targets)
    if in_process and args.crash_file is None:
        return guarded(args)
    return fuzz(args, targets)


def fuzz(args: argparse.Namespace, targets: list[str]) -> int:
    from . import engine, programs
    warnings.simplefilter("ignore")     # numpy's overflow warnings, on both sides alike
    seed = args.seed if args.seed is not None else engine.seed_from_time()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    crash_fd = None
    if args.crash_file:         # the child of guarded(): in-process code runs here
        crash_fd = os.open(args.crash_file, os.O_RDWR | os.O_CREAT, 0o644)
        limit_memory()
    oracles: dict = {}
    status = EXIT_OK
    seconds = args.seconds / len(targets)
    examples = read_examples(Path(args.examples)) if args.examples else []
    for text in targets:
        candidate = make_candidate(text, args)
        oracle, oracle_name, oracle_argv = oracle_for(candidate, args, oracles)
        caps = programs.Caps(frozenset(oracle.hello.exporters) & frozenset(candidate.side.hello.exporters),
                             tuple(int(x) for x in candidate.language.split(".")[:2]))
        recheck = (Rechecker(candidate, oracle_argv, oracle_name, args.timeout)
                   if candidate.in_process or not hasattr(oracle, "adapter") else None)
        fuzzer = engine.Fuzzer(oracle, candidate.side, oracle_name=oracle_name,
                               strict=candidate.strict, caps=caps, recheck=recheck,
                               before_run=crash_writer(crash_fd, candidate.label),
                               shrink_seconds=args.shrink_seconds)
        findings_file = OUT_DIR / f"findings-{candidate.label}.jsonl"
        findings_file.unlink(missing_ok=True)

        def on_finding(f, path=findings_file) -> None:
            print(f.text(), flush=True)
            with open(path, "a", encoding="utf-8") as out:
                out.write(f.case_line() + "\n")
        fuzzer.on_finding = on_finding
        from .sides import describe
        print(f"fuzz: {describe(candidate.side)} against {describe(oracle)} "
              f"[{oracle_name}]; seed {seed}, engine {args.engine}, "
              f"{'strict' if candidate.strict else 'lenient'} messages", flush=True)
        replayed = fuzzer.replay(examples)
        progress = engine.Progress(candidate.label, seconds)
        if args.engine == "hypothesis":
            fuzzer.explore_hypothesis(seconds, seed, args.programs, progress)
        else:
            fuzzer.explore(seconds, seed, args.programs, progress)
        progress.finish()
        print(summary(candidate.label, oracle_name, fuzzer, seed, replayed, args), flush=True)
        if recheck:
            recheck.close()
        candidate.side.close()
        if fuzzer.findings:
            status = EXIT_FOUND
    for side in oracles.values():
        side.close()
    return status


MEMORY_LIMIT = 4 << 30


def limit_memory() -> None:
    """At most MEMORY_LIMIT bytes of address space: a program that asks for
    gigabytes (bytes(n) of a huge n) gets MemoryError on both sides, not
    the machine's memory."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft > MEMORY_LIMIT:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, hard))


def crash_writer(fd: int | None, label: str):
    """Before each program, its case line in the crash file: if this process
    dies (a crash of in-process code), the parent reads what it was running."""
    if fd is None:
        return None

    def write(case: dict) -> None:
        data = json.dumps({"candidate": label, "case": case}).encode()
        os.pwrite(fd, data, 0)
        os.ftruncate(fd, len(data))
    return write


def read_examples(path: Path) -> list[dict]:
    """The saved programs: case lines, checked as every case file is."""
    if not path.exists():
        return []
    try:
        return casesmod.read_jsonl(path)
    except casesmod.CaseFileError as e:
        raise FuzzError(str(e)) from None


def summary(label: str, oracle: str, fuzzer, seed: int, replayed: int,
            args: argparse.Namespace) -> str:
    s = fuzzer.stats
    elapsed = time.monotonic() - s.started
    lines = [f"fuzz {label} against {oracle}: {s.programs} programs in {elapsed:.1f} s "
             f"({s.rate():.0f}/s, engine {args.engine}, seed {seed}), {replayed} saved examples "
             f"replayed: {len(fuzzer.findings)} divergence{'s' if len(fuzzer.findings) != 1 else ''}"
             + (f" ({s.known} more programs diverged in one of those ways)" if s.known else "")]
    if s.skipped:
        lines.append(f"  {s.skipped} programs compared nothing, most often because")
        for k, n in sorted(s.skip_reasons.items(), key=lambda kv: -kv[1])[:5]:
            lines.append(f"    {n:6}  {k}")
    missing = blind_spots(fuzzer.stats.behaviours, Path(args.cases))
    lines.append(f"  {len(s.behaviours.seen)} distinct behaviours of CPython reached "
                 f"(operation, outcome, message); {len(missing)} exception messages the suite "
                 f"records nowhere" + (":" if missing else ""))
    for t, m in sorted(missing)[:args.show_blind_spots]:
        lines.append(f"    {t}: {m}")
    if len(missing) > args.show_blind_spots:
        lines.append(f"    … and {len(missing) - args.show_blind_spots} more")
    for f in fuzzer.findings:
        lines.append(f"  DIVERGENCE {f.case['id']}: {f.trial.difference.text()}")
    return "\n".join(lines)


MESSAGE_IN_SUITE = re.compile(r'"raises": \{"type": "([^"]+)", "message": "((?:[^"\\]|\\.)*)"\}')


def blind_spots(behaviours, directory: Path) -> set[tuple[str, str]]:
    """Exception messages CPython gave the fuzzer that no recorded case has
    (numbers masked): behaviour the suite does not pin down."""
    from .differ import message_form
    from .programs import OBJECT_MESSAGE
    recorded = set()
    for path in casesmod.case_files(directory):
        for t, m in MESSAGE_IN_SUITE.findall(path.read_text(encoding="utf-8")):
            recorded.add((t, message_form(json.loads(f'"{m}"'))))
    return {(t, m) for t, m in behaviours.messages() - recorded if m != OBJECT_MESSAGE}


def guarded(args: argparse.Namespace) -> int:
    """Run this command again in a child process that notes each program
    before it runs it: in-process code that crashes kills the child, not
    us, and we shrink what it was running through the adapters."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    crash_file = OUT_DIR / "running.json"
    crash_file.unlink(missing_ok=True)
    argv = [sys.executable, "-m", "harness", *args.raw_argv, "--crash-file", str(crash_file)]
    code = subprocess.run(argv, cwd=impls.ROOT).returncode
    if code >= 0:
        return code
    name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
    try:
        running = json.loads(crash_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        print(f"fuzz: the fuzzer was killed by signal {-code} ({name}) before it ran a program")
        return EXIT_ERROR
    print(f"fuzz: the fuzzer's process was killed by signal {-code} ({name}) running a "
          f"program on {running['candidate']} in-process; shrinking it through the adapters",
          flush=True)
    return crashed(running["candidate"], running["case"], args)


def crashed(label: str, case: dict, args: argparse.Namespace) -> int:
    """A program that crashed in-process, run and shrunk through adapters."""
    from . import engine, programs
    args.no_in_process = True
    target = "mvref" if label == "mvref" else f"mvref:{label.split('-', 1)[1]}"
    candidate = make_candidate(target, args)
    oracle, oracle_name, _ = oracle_for(candidate, args, {})
    fuzzer = engine.Fuzzer(oracle, candidate.side, oracle_name=oracle_name, strict=True,
                           caps=programs.Caps(frozenset()), shrink_seconds=args.shrink_seconds)
    program = {"setup": case["setup"], "steps": case["steps"]}
    t = fuzzer.trial(program)
    if t.difference is None:
        print(f"fuzz: through its adapter the program did not crash ({t.skipped or 'no divergence'}):")
        print(casesmod.dumps(case))
    else:
        finding = fuzzer.shrink(program, t, None)
        print(finding.text())
    candidate.side.close()
    oracle.close()
    return EXIT_FOUND


# ----------------------------------------------------------------- shrink ---

def cmd_shrink(args: argparse.Namespace) -> int:
    from . import shrink
    suite = casesmod.load_suite(Path(args.cases))
    case = suite.by_id().get(args.case_id)
    if case is None:
        raise FuzzError(f"no case {args.case_id!r} in {args.cases}")
    result = shrink.shrink(case, args.impl_name, oracles=suite.oracles,
                           strict=args.strict_messages or None, timeout=args.timeout,
                           seconds=args.shrink_seconds)
    print(result.text())
    return EXIT_FOUND if result.diverges else EXIT_OK


# ------------------------------------------------------------------ parser ---

def add_commands(sub: argparse._SubParsersAction) -> None:
    f = sub.add_parser("fuzz", help="differential fuzzing of implementations against CPython",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    f.add_argument("impl", nargs="*", help="candidates: mvref[:X.Y] (in-process), reference[:X.Y], "
                   "pypy, cpython-3.X, brython, NAME=COMMAND ... (default: mvref reference)")
    f.add_argument("--seconds", type=float, default=60.0,
                   help="time budget, shared by the candidates (default 60)")
    f.add_argument("--seed", type=int, help="seed of the programs (default: a random one, printed)")
    f.add_argument("--programs", type=int, help="at most this many programs per candidate")
    f.add_argument("--engine", choices=("random", "hypothesis"), default="random",
                   help="random: seeded programs, thousands a second (Hypothesis shrinks what "
                   "they find); hypothesis: Hypothesis generates them too (default random)")
    f.add_argument("--strict-messages", action="store_true",
                   help="a differing exception message is a divergence for every candidate")
    f.add_argument("--oracle", help="compare with this recorded oracle's CPython when it runs here")
    f.add_argument("--examples", default=str(EXAMPLES),
                   help="saved programs (case lines) replayed first ('' for none)")
    f.add_argument("--no-in-process", action="store_true",
                   help="run mvref and CPython through their adapters too")
    f.add_argument("--shrink-seconds", type=float, default=120.0,
                   help="time to shrink one divergence (default 120)")
    f.add_argument("--show-blind-spots", type=int, default=10, metavar="N",
                   help="messages no suite case records to print (default 10)")
    f.add_argument("--timeout", type=float, default=10.0, help="seconds per case of an adapter")
    f.add_argument("--cases", default=str(casesmod.CONFORMANCE_DIR),
                   help="the suite: its oracles choose the CPython, its messages the blind spots")
    f.add_argument("--crash-file", help=argparse.SUPPRESS)
    f.set_defaults(func=cmd_fuzz)

    s = sub.add_parser("shrink", help="shrink a failing case of the suite against an implementation")
    s.add_argument("case_id", help="the id of a case of the suite")
    s.add_argument("impl_name", metavar="impl", help="an implementation, as `run` names it")
    s.add_argument("--cases", default=str(casesmod.CONFORMANCE_DIR))
    s.add_argument("--strict-messages", action="store_true",
                   help="a message-only difference counts (the reference is always strict)")
    s.add_argument("--shrink-seconds", type=float, default=300.0,
                   help="time to shrink (default 300)")
    s.add_argument("--timeout", type=float, default=10.0, help="seconds per case of an adapter")
    s.set_defaults(func=cmd_shrink)


ERRORS = (FuzzError, ShrinkError)
