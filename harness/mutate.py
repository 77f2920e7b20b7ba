"""A mutation run of the C driver: python3 -m harness.mutate [--seconds N]

Takes the suite's case lines (conformance/*.jsonl, their expectations left
out), mutates them and feeds them to an ASan + UBSan build of the driver
(the sanitize check's clang build, build/sanitize-clang/), and reports each
distinct sanitizer report, assertion, crash, hang or runaway allocation
with the input line that made it.  What a well-formed or malformed line
may cost is one answer (an outcome, `unsupported`, or the "not a case
line" answer): never the process.

Mutations are structure-aware -- numbers swapped for extremes (2**63 - 1,
-2**63, 2**64, 0, -1, ...), kinds, formats, typecodes, dtypes, ops and
methods swapped for others (some made up), fields deleted, duplicated or
given values of the wrong type, lists grown past every dimension limit,
values nested thousands deep, parts of one case spliced into another,
described objects given odd results or methods that run the case's own
steps (chapter 17's cases, drawn a quarter of the time) --
and byte-level on the serialized line (bytes flipped, cut, repeated,
inserted).  Lines go to the driver in batches, each batch under one of the
CPythons the driver models (--python 3.9 ... 3.14, 64 or 32 bits); a batch
whose driver does not end cleanly is run again a line at a time, each in a
fresh driver, so that every report is charged to the line that made it.

    --seconds N    how long to run (default 60)
    --seed S       the random seed (default: from the clock; printed)
    --batch N      lines per driver process (default 200)
    --out DIR      where the reports go (default build/mutate/)
    --driver PATH  a driver already built (default: build the sanitized one)

A progress line every 10 s; at the end one line per distinct report, with
how many lines made it, and in the --out directory report-<k>.txt (the
sanitizer's words) and report-<k>.jsonl (the first line that made it, after
a line with its driver options).  Exit status 1 when anything was reported,
else 0.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import re
import select
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The sanitizers stop at the first report; leaks are reported at exit.  A
# runaway allocation is one too: beyond hard_rss_limit_mb the process is
# stopped with a report, and a request beyond what the allocator can give
# is reported rather than answered NULL.
SANITIZER_ENV = {
    "ASAN_OPTIONS": "detect_leaks=1:halt_on_error=1:abort_on_error=0:"
                    "hard_rss_limit_mb=3000:allocator_may_return_null=0",
    "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
}
MODELS = [("3.9", "64"), ("3.10", "64"), ("3.11", "64"), ("3.12", "64"),
          ("3.13", "64"), ("3.14", "32"), ("3.11", "32")]
LINE_SECONDS = 10.0   # a line that takes longer hangs
MAX_LINE = 1 << 20


# ---------------------------------------------------------------- seeds ---

def suite_lines(root: Path) -> list[dict]:
    """Every case of the suite, without its recorded outcomes."""
    cases = []
    for path in sorted((root / "conformance").glob("*.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():
                case = json.loads(line)
                case.pop("expect", None)
                cases.append(case)
    return cases


# ------------------------------------------------------------ mutations ---

EXTREMES = [2**63 - 1, -2**63, 2**64, 2**63, -2**63 - 1, 0, -1, 1, 2, 7,
            2**31 - 1, 2**31, -2**31, 2**32, 2**62, -2**62, 2**53 + 1,
            2305843009213693953, 4294967296, 9223372036854775800, 255, 256,
            65536, 10**6, 2**40]

# What a string under each key may become: the protocol's own words, and
# some that no adapter knows.
WORDS = {
    "kind": ["bytes", "bytearray", "array", "ndarray", "numpy", "value",
             "object", "mmap", ""],
    "format": ["B", "b", "c", "h", "H", "i", "I", "l", "L", "q", "Q", "n",
               "N", "P", "e", "f", "d", "?", "x", "s", "p", "2B", "0s",
               "10s", "1000000000s", "9999999s", "@B", "<i", ">h", "=q",
               "!d", "", "@", "Zd", "Zf", "w", "u", "O", "3x", "bb", "xB",
               "B" * 40, "T{B}", "\u00e9", "@@B", "<", "2p", "255p", "0p",
               "q" * 33, "4294967296B"],
    "typecode": ["b", "B", "h", "H", "i", "I", "l", "L", "q", "Q", "f", "d",
                 "u", "w", "", "bb", "Z", "\u00e9"],
    "dtype": ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64",
              "uint64", "float16", "float32", "float64", "bool", "complex64",
              "complex128", "longdouble", "S3", "U2", "U0", "S0",
              "S99999999", "U999", "<i4", ">f8", "intp", "object", ""],
    "op": ["memoryview", "getitem", "setitem", "delitem", "getattr", "call",
           "len", "bool", "list", "bytes", "hash", "eq", "ne", "lt", "le",
           "gt", "ge", "is", "contents", "pickle", "copy", "iter", "next",
           "contains", "drop", "calls", "frobnicate", ""],
    "method": ["tolist", "tobytes", "hex", "cast", "release", "toreadonly",
               "__enter__", "__exit__", "count", "index", "__buffer__",
               "__release_buffer__", "append", "extend", "pop", "clear",
               "insert", "remove", "reverse", "__iadd__", "__imul__",
               "byteswap", "frombytes", "_from_flags", "__len__", "__index__",
               "__int__", "__float__", "__complex__", "__bool__", "__eq__",
               "__ne__", "__hash__", ""],
    "name": ["obj", "nbytes", "readonly", "itemsize", "format", "ndim",
             "shape", "strides", "suboffsets", "c_contiguous",
             "f_contiguous", "contiguous", "x", "m", "__class__", ""],
    "order": ["C", "F", "A", "", "K"],
    # chapter 17: described classes and the exceptions their methods raise
    "class": ["Idx", "K", "", "memoryview", "int", "\u00e9", "x" * 300],
    "type": ["ValueError", "TypeError", "IndexError", "RecursionError",
             "SystemExit", "KeyboardInterrupt", "MemoryError",
             "StopIteration", "BaseException", "UnicodeError", ""],
    "decimal": ["NaN", "-sNaN", "Infinity", "-0", "1e999999999999",
                "1e-999999999999", "9" * 1300, "0." + "0" * 1300 + "1",
                "1E+2147483648", "1e9223372036854775807", "", ".", "1.5x"],
    "fraction": ["5/2", "0/1", "1/0", "-1/3", "9007199254740993/2",
                 "9223372036854775807/1", "-9223372036854775808/-1", "/", "1/",
                 "3"],
    "new": ["object", "function", "class", ""],
}
# A described object's methods: what each may say.
METHODS = {"__index__": [{"returns": 2**63}, {"returns": {"int": "1" * 40}},
                         {"returns": True}, {"returns": 1.5}],
           "__float__": [{"returns": {"float": "nan"}}, {"returns": 1}],
           "__bool__": [{"returns": 2}, {"returns": None}],
           "__len__": [{"returns": -1}, {"returns": 2**63}],
           "__eq__": [{"returns": {"ref": "k"}}],
           "__complex__": [{"returns": {"complex": [1e308, -0.0]}}],
           "__int__": [{"raises": {"type": "OverflowError", "message": ""}}]}
ODD_VALUES = [None, True, False, 1.5, "x", [], {}, [[]], {"int": "1" * 400},
              {"int": "-0"}, {"int": "x"}, {"float": "nan", "bits": "zz"},
              {"float": "1e400"}, {"float": 5}, {"bytes": "zzz"},
              {"bytes": "abc"}, {"tuple": 5}, {"slice": [1]},
              {"slice": [None, None, 0]}, {"ref": 5}, {"ref": "nowhere"},
              {"ellipsis": True}, {"object": "memoryview"}, {"complex": [1, 2]},
              {"complex": [{"float": "nan"}, 2**70]}, {"complex": []},
              {"decimal": "NaN"}, {"decimal": 5}, {"fraction": "1/0"},
              {"fraction": 3}, {"dict": [[1, 2], [True, 3]]}, {"dict": [[1]]},
              {"set": [[]]}, {"frozenset": [{"ref": "k"}]}, {"new": "object"},
              {"new": 5}, {"ref": "k"}]
KEYS = ["id", "setup", "steps", "name", "kind", "data", "items", "typecode",
        "format", "shape", "strides", "offset", "readonly", "fortran", "pil",
        "dtype", "order", "value", "op", "obj", "key", "args", "kwargs", "as",
        "method", "a", "b", "like", "protocol", "deep", "requires", "class",
        "methods", "returns", "raises", "type", "message"]
SHAPES = [[2305843009213693953], [4294967296, 9223372036854775800], [0],
          [2**63 - 1], [2**62, 2**62, 0], [0, 2**62], [3, 0], [1] * 65,
          [1] * 129, [2**31], [2**32, 0], [-1], [1, -1]]


def repeat(text: str, n: int) -> str:
    """text n times, but no longer than 100,000 characters: mutations
    compound, and a line of gigabytes tests nothing but the machine."""
    return text * max(1, min(n, 100_000 // max(len(text), 1)))


def nodes(tree, path=()):
    """(path, key it is under, value) for every node of a JSON tree."""
    key = path[-1] if path and isinstance(path[-1], str) else None
    yield path, key, tree
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield from nodes(v, path + (k,))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            yield from nodes(v, path + (i,))


def get(tree, path):
    for p in path:
        tree = tree[p]
    return tree


def put(tree, path, value):
    """The tree with the node at path replaced (the root itself if empty)."""
    if not path:
        return value
    get(tree, path[:-1])[path[-1]] = value
    return tree


class Mutator:
    """Structure-aware and byte-level mutations of case lines."""

    def __init__(self, rnd: random.Random, seeds: list[dict]):
        self.r = rnd
        self.seeds = seeds
        # chapter 17's cases (Python objects as values, described classes):
        # a twentieth of the suite, drawn a quarter of the time, since
        # their paths through the driver (pyobject.c) are the newest
        self.objects = [c for c in seeds
                        if any(str(x).startswith("CONVERT-") for x in c.get("rules", []))]

    def line(self) -> bytes:
        """A mutated line, of at most MAX_LINE bytes: a longer one costs
        its reading more than anything the driver does with it."""
        while True:
            text = self.attempt()
            if len(text) <= MAX_LINE:
                return text

    def attempt(self) -> bytes:
        pool = self.objects if self.objects and self.r.random() < 0.25 else self.seeds
        case = copy.deepcopy(self.r.choice(pool))
        self.nested: dict[str, str] = {}
        for _ in range(self.r.choice([1, 1, 1, 2, 2, 3, 4])):
            case = self.mutate(case)
        text = json.dumps(case, ensure_ascii=self.r.random() < 0.5,
                          separators=(",", ":"))
        for marker, deep in self.nested.items():
            text = text.replace(json.dumps(marker), deep)
        text = text.encode("utf-8", "surrogatepass")
        if self.r.random() < 0.12:
            text = self.bytes(text)
        return text if text.strip() else b"{}"

    def mutate(self, case):
        r = self.r
        path, key, node = r.choice(list(nodes(case)))
        how = r.random()
        if isinstance(node, dict) and isinstance(node.get("methods"), dict) \
                and r.random() < 0.5:
            new = self.describe(case, node)
        elif how < 0.25:
            new = self.number(node)
        elif how < 0.42:
            new = self.word(key, node)
        elif how < 0.52:
            return self.delete(case, path)
        elif how < 0.60:
            new = self.grow(node)
        elif how < 0.70:
            new = copy.deepcopy(r.choice(ODD_VALUES))
        elif how < 0.76:
            new = self.nest(node)
        elif how < 0.84:
            new = self.add_field(node)
        elif how < 0.92:
            new = self.splice(key, node)
        else:
            new = copy.deepcopy(r.choice(SHAPES)) if key in ("shape", "strides") \
                else self.number(node)
        return put(case, path, new)

    def number(self, node):
        r = self.r
        x = r.choice(EXTREMES)
        if isinstance(node, int) and not isinstance(node, bool) and r.random() < 0.3:
            x = node + r.choice([-1, 1]) * r.choice([1, 2**31, 2**62, 2**63])
        if r.random() < 0.15:
            return {"int": str(x)}
        return x

    def word(self, key, node):
        r = self.r
        words = WORDS.get(key) or r.choice(list(WORDS.values()))
        if isinstance(node, str) and r.random() < 0.2:
            return repeat(node, r.choice([2, 3, 100]))
        return r.choice(words)

    def delete(self, case, path):
        if not path:
            return case
        parent = get(case, path[:-1])
        del parent[path[-1]]
        return case

    def grow(self, node):
        r = self.r
        if isinstance(node, list) and node:
            n = r.choice([2, 10, 65, 129, 1000])
            return (node * (n // len(node) + 1))[:n]
        if isinstance(node, str):
            return repeat(node, r.choice([2, 50, 5000]))
        return [node] * r.choice([2, 65, 129])

    def nest(self, node):
        """A marker that line() replaces by the node nested deep in lists
        or tuples: deeper than json (or copy) would nest a Python value."""
        depth = self.r.choice([10, 100, 1000, 2047, 2100, 5000])
        opening, closing = ("[", "]") if self.r.random() < 0.5 else ('{"tuple":[', "]}")
        marker = f"@nested-{len(self.nested)}@"
        self.nested[marker] = (opening * depth
                               + json.dumps(node, separators=(",", ":"))
                               + closing * depth)
        return marker

    def add_field(self, node):
        if not isinstance(node, dict):
            return node
        node[self.r.choice(KEYS)] = self.r.choice(
            [self.r.choice(EXTREMES), self.r.choice(ODD_VALUES),
             self.r.choice(SHAPES)] + [self.r.choice(v) for v in WORDS.values()])
        return node

    def describe(self, case, node):
        """A described object (setup kind `object`) with one method changed:
        to an odd result, or to run a step of the case (which may call the
        same method again)."""
        r = self.r
        name = r.choice(list(METHODS))
        steps = case.get("steps") if isinstance(case, dict) else None
        if r.random() < 0.5 and isinstance(steps, list) and steps:
            step = copy.deepcopy(r.choice(steps))
            if isinstance(step, dict):
                step.pop("as", None)
            method = {"steps": [step] * r.choice([1, 2]),
                      "returns": r.choice(METHODS[name])["returns"]
                      if "returns" in METHODS[name][0] else 0}
        else:
            method = copy.deepcopy(r.choice(METHODS[name]))
        node["methods"][name] = method
        return node

    def splice(self, key, node):
        """A node of another case found under the same key."""
        other = self.r.choice(self.seeds)
        same = [v for _, k, v in nodes(other) if k == key]
        return copy.deepcopy(self.r.choice(same)) if same else node

    def bytes(self, text: bytes) -> bytes:
        r = self.r
        b = bytearray(text)
        for _ in range(r.choice([1, 1, 2, 4])):
            if not b:
                break
            i = r.randrange(len(b))
            how = r.random()
            if how < 0.3:
                b[i] = r.choice(b'{}[]",:0123456789-eE.\\u\x00\x80\xc3\xff tnf')
            elif how < 0.5:
                del b[i:i + r.choice([1, 2, 10, 100])]
            elif how < 0.7:
                b[i:i] = b[i:i + r.choice([1, 5, 50])] * r.choice([1, 2, 20])
            elif how < 0.85:
                b[i:i] = bytes(r.randrange(256) for _ in range(r.choice([1, 3])))
            else:
                del b[i:]
        return bytes(b).replace(b"\n", b" ")


# ------------------------------------------------------------- reports ---

FRAME = re.compile(r"#\d+ 0x[0-9a-f]+ in (\S+) (?:\S*/)?(reference/\S+?):(\d+)")
UBSAN = re.compile(r"(reference/\S+?):(\d+):\d+: runtime error: ([^0-9'(]+)")
ASSERTION = re.compile(r"(reference/\S+?):(\d+): .*?Assertion .(.*). failed")


def report_key(stderr: str) -> str | None:
    """One line naming a report in the driver's standard error: its kind,
    and where in the reference it was made; None if there is none."""
    m = UBSAN.search(stderr)
    if m:
        return f"UBSan {m.group(3).strip()} at {m.group(1)}:{m.group(2)}"
    m = ASSERTION.search(stderr)
    if m:
        return f"assertion `{m.group(3)}' at {m.group(1)}:{m.group(2)}"
    m = re.search(r"ERROR: (AddressSanitizer|LeakSanitizer): ([\w-]+(?: [\w-]+)*)", stderr)
    if m:
        tail = stderr[m.end():]
        if "Direct leak" in tail:   # the frame that allocated
            tail = tail[tail.find("Direct leak"):]
        f = FRAME.search(tail)
        where = f" in {f.group(1)} at {f.group(2)}:{f.group(3)}" if f else ""
        kind = re.split(r" (?:on|at|trying|for) ", m.group(2))[0]   # not where
        return f"{m.group(1)} {kind}{where}"
    if "allocations never freed" in stderr:
        return "the library's own count of live allocations"
    return None


def exit_report(status: int | None, stderr: str) -> str | None:
    """What a driver's end says, or None for a clean exit."""
    if status is None:
        return "hang: no answer within the time limit"
    key = report_key(stderr)
    if key is None and status != 0:
        key = (f"killed by signal {-status}" if status < 0
               else f"exit status {status}")
    return key


@dataclass
class Finding:
    key: str
    count: int = 0
    line: bytes = b""
    options: list[str] = field(default_factory=list)
    stderr: str = ""


class Driver:
    """One driver process, fed a line at a time: the answer to each line
    is awaited before the next is sent, so a process that dies or hangs
    names the line it was on.  Its standard error goes to a file, read when
    something went wrong."""

    def __init__(self, argv: list[str], env: dict, log: Path):
        self.log = log
        self.err = log.open("wb")
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=self.err, env=env)
        self.out = b""
        self.hello = self.answer(30.0)

    def answer(self, timeout: float) -> bytes | None:
        """The next line the driver writes; None if it ends or hangs first."""
        deadline = time.monotonic() + timeout
        fd = self.p.stdout.fileno()
        while b"\n" not in self.out:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:   # the driver ended: wait for its status
                try:
                    self.p.wait(timeout=LINE_SECONDS)
                except subprocess.TimeoutExpired:
                    pass
                return None
            self.out += chunk
        line, self.out = self.out.split(b"\n", 1)
        return line

    def send(self, line: bytes) -> bytes | None:
        try:
            self.p.stdin.write(line + b"\n")
            self.p.stdin.flush()
        except BrokenPipeError:
            return None
        return self.answer(LINE_SECONDS)

    def end(self) -> str | None:
        """Close input and wait; what the end says (None: a clean exit)."""
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        try:
            status: int | None = self.p.wait(timeout=LINE_SECONDS)
        except subprocess.TimeoutExpired:
            status = None
        return self.kill(status)

    def kill(self, status: int | None) -> str | None:
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()
        self.p.stdout.close()
        self.err.close()
        return exit_report(status, self.stderr())

    def stderr(self) -> str:
        return self.log.read_bytes()[-200_000:].decode("utf-8", "replace")


# ----------------------------------------------------------------- run ---

def build_driver() -> Path:
    """The sanitize check's clang build of the driver."""
    from .checks import SANITIZE, Tree, build
    return build(Tree(), "build/sanitize-clang", "clang", f"-O1 -g {SANITIZE}", SANITIZE)


class Run:
    """Lines through drivers, each driver ending after `per_process` lines
    (LeakSanitizer reports at exit), findings kept by key."""

    def __init__(self, driver: Path, env: dict, out: Path, per_process: int):
        self.driver, self.env, self.out = driver, env, out
        self.per_process = per_process
        self.findings: dict[str, Finding] = {}

    def found(self, key: str, line: bytes, options: list[str], stderr: str) -> None:
        f = self.findings.setdefault(key, Finding(key, line=line, options=options,
                                                  stderr=stderr))
        if f.count == 0:
            print(f"mutate: new report: {key}", flush=True)
        f.count += 1

    def start(self, options: list[str]) -> Driver:
        return Driver([str(self.driver), *options], self.env, self.out / "stderr.log")

    def lines(self, options: list[str], lines: list[bytes]) -> None:
        """Feed lines to one driver (a new one after each that kills it)."""
        d = self.start(options)
        sent: list[bytes] = []
        for line in lines:
            if d.send(line) is not None:
                sent.append(line)
                continue
            status = d.p.poll()
            key = d.kill(status) or "no answer, and no report"
            self.found(key, line, options, d.stderr())
            d = self.start(options)
        key = d.end()
        if key is not None:   # at exit: a leak, which line made it?
            for line in sent:
                one = self.start(options)
                one.send(line)
                k = one.end()
                if k is not None:
                    self.found(k, line, options, one.stderr())


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python3 -m harness.mutate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--out", type=Path, default=ROOT / "build" / "mutate")
    p.add_argument("--driver", type=Path, default=None)
    args = p.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    driver = args.driver or build_driver()
    rnd = random.Random(seed)
    mutator = Mutator(rnd, suite_lines(ROOT))
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("report-*"):
        old.unlink()
    run = Run(driver, dict(os.environ, **SANITIZER_ENV), args.out, args.batch)
    print(f"mutate: seed {seed}, {len(mutator.seeds)} case lines, driver {driver}, "
          f"{args.seconds:.0f} s", flush=True)
    total = 0
    started = last = time.monotonic()
    while time.monotonic() - started < args.seconds:
        lang, word = rnd.choice(MODELS)
        batch = [mutator.line() for _ in range(args.batch)]
        run.lines(["--python", lang, "--word-size", word], batch)
        total += len(batch)
        now = time.monotonic()
        if now - last >= 10:
            last = now
            print(f"mutate: {total} lines in {now - started:.0f} s "
                  f"({total / (now - started):.0f}/s), {len(run.findings)} distinct "
                  "reports", flush=True)
    elapsed = time.monotonic() - started
    findings = sorted(run.findings.values(), key=lambda f: -f.count)
    for k, f in enumerate(findings, 1):
        (args.out / f"report-{k}.txt").write_text(f.stderr)
        (args.out / f"report-{k}.jsonl").write_bytes(
            json.dumps({"driver_options": f.options}).encode() + b"\n" + f.line + b"\n")
        shown = f.line[:300].decode("utf-8", "replace")
        print(f"  [{k}] {f.key}  ({f.count} lines; {' '.join(f.options)})\n"
              f"      {shown}{' ...' if len(f.line) > 300 else ''}")
    print(f"mutate: {len(findings)} distinct reports from {total} lines in "
          f"{elapsed:.0f} s (seed {seed}); reports in {args.out}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
