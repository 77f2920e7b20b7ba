"""The exporter's side of the protocol: check exporters on every interpreter.

    python3 -m harness exporter MODULE:FACTORY...   one exporter (yours): a
                                                    report by rule, exit 0/1/2
    python3 -m harness exporters                    the real exporters of
                                                    harness/exporter/catalogue.py
                                                    on every interpreter here: a
                                                    table and build/exporters/results.json

The checking is mvspec_exporter's (harness/exporter/, a C extension built for
each interpreter by `make exporter-modules`); this module starts
harness/exporter/run.py under each interpreter and reads its JSON lines.

Which violations real exporters are known to have is kept, like an
implementation's known divergences, in conformance/expectations/exporters.txt
(`exporter interpreter rule` a line, the interpreter as implementation-X.Y):
`exporters` fails on a violation the file does not list and reports listed
ones that no longer occur; --update-expectations rewrites it.
"""

from __future__ import annotations

import argparse
import fnmatch
import functools
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import impls

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "harness" / "exporter" / "run.py"
BUILD = ROOT / "build" / "exporter"
RESULTS = ROOT / "build" / "exporters" / "results.json"
EXPECTATIONS = ROOT / "conformance" / "expectations" / "exporters.txt"
MVREF_DIR = impls.MVREF_DIR          # mvref is built for Debian's python3 only
EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2
MAX_CRASHES = 10


class ExporterError(Exception):
    """The check could not be made (no module built, a bad spec): exit 2."""


# ------------------------------------------------------------ interpreters ---

def pythons() -> list[str]:
    """Every interpreter checked: Debian's python3 and pyenv's CPythons 3.9+
    (the oracles), and pypy3 when installed."""
    found = impls.oracle_pythons()
    pypy = shutil.which("pypy3")
    if pypy:
        found.append(pypy)
    return found


@dataclass
class Cell:
    """What one interpreter found for one exporter."""
    status: str                       # checked, unavailable, error, crash
    reason: str = ""
    report: dict | None = None

    def failed(self) -> dict[str, list[dict]]:
        """Rule -> its violations."""
        out: dict[str, list[dict]] = {}
        for v in (self.report or {}).get("violations", []):
            out.setdefault(v["rule"], []).append(v)
        return out

    def passed(self) -> list[str]:
        rules = (self.report or {}).get("rules", {})
        return [r for r, c in rules.items() if c["checks"] and not c["violations"]]

    def granted(self) -> int:
        return sum(q["granted"] for q in (self.report or {}).get("requests", []))


@dataclass
class Run:
    """One interpreter's checks: its hello line, and a cell per exporter."""
    python: str
    hello: dict
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.hello["interpreter"]

    @property
    def key(self) -> str:
        """The interpreter as the expectations file names it."""
        return f"{self.hello['implementation']}-{self.hello['language']}"


def run_on(python: str, specs: list[str], cwd: Path | None = None,
           timeout: float = 120.0) -> Run:
    """Check the exporters specs name under one interpreter.  A crash costs
    the exporter being checked (a `crash` cell); the rest are checked by a
    new process."""
    paths = [str(cwd or Path.cwd())]
    if python == impls.DEBIAN_PYTHON:
        paths.append(str(MVREF_DIR))
    done: list[str] = []
    run: Run | None = None
    for _ in range(MAX_CRASHES + 1):
        argv = [python, "-I", str(RUNNER), "--build", str(BUILD)]
        argv += [a for p in paths for a in ("--path", p)] + [a for n in done for a in ("--skip", n)]
        try:
            r = subprocess.run(argv + specs, capture_output=True, text=True, timeout=timeout,
                               cwd=cwd)
        except subprocess.TimeoutExpired:
            raise ExporterError(f"{python}: the checks took more than {timeout:.0f} s")
        lines = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
        if not lines:
            raise ExporterError(f"{python} did not start the checker: {r.stderr.strip()[-800:]}")
        hello, rest = lines[0], lines[1:]
        if "error" in hello:
            raise ExporterError(hello["error"])
        run = run or Run(python, hello)
        checking = None
        for line in rest:
            if "usage" in line:
                raise ExporterError(line["usage"])
            if "checking" in line:
                checking = line["checking"]
                continue
            name = line["name"]
            done.append(name)
            checking = None
            if "report" in line:
                run.cells[name] = Cell("checked", report=line["report"])
            elif "unavailable" in line:
                run.cells[name] = Cell("unavailable", line["unavailable"])
            else:
                run.cells[name] = Cell("error", line["error"])
        if r.returncode == 0:
            return run
        if checking is None:
            raise ExporterError(f"{python} stopped with status {r.returncode}: "
                                f"{r.stderr.strip()[-800:]}")
        run.cells[checking] = Cell("crash", f"the interpreter died (status {r.returncode}) "
                                   f"checking it: {r.stderr.strip()[-300:]}")
        done.append(checking)
    raise ExporterError(f"{python}: more than {MAX_CRASHES} crashes")


@functools.lru_cache(maxsize=None)
def module_dir(python: str = sys.executable) -> Path:
    """Where `make exporter-modules` puts the module for an interpreter."""
    r = subprocess.run([python, "-c", "import sys; i = sys.implementation; "
                        "print(i.name + '-' + '.'.join(map(str, i.version[:3])))"],
                       capture_output=True, text=True, check=True)
    return BUILD / r.stdout.strip()


def checker():
    """mvspec_exporter, as built for this interpreter."""
    here = module_dir()
    if not list(here.glob("mvspec_exporter*.so")):
        raise ExporterError(f"mvspec_exporter is not built in {here}: run `make exporter-modules`")
    if str(here) not in sys.path:
        sys.path.insert(0, str(here))
    import mvspec_exporter
    return mvspec_exporter


# ---------------------------------------------------------------- reports ---

def rule_report(name: str, run: Run, cell: Cell, shown: int = 3) -> str:
    """One exporter on one interpreter, rule by rule, with the failing
    requests and fields."""
    if cell.status != "checked":
        return f"{name} on {run.name}: {cell.status}: {cell.reason}"
    report = cell.report
    failed = cell.failed()
    lines = [f"{name} on {run.name}: {cell.granted()} of {len(report['requests'])} "
             "requests granted"]
    for rule, c in report["rules"].items():
        if rule in failed:
            lines.append(f"  {rule} FAIL  {c['title']} ({c['violations']} of {c['checks']} checks)")
            for v in failed[rule][:shown]:
                lines.append(f"      {v['request']} ({v['flags']:#x}) {v['field']}: {v['message']}")
            if len(failed[rule]) > shown:
                lines.append(f"      ... and {len(failed[rule]) - shown} more")
        elif c["checks"]:
            lines.append(f"  {rule} ok    {c['title']} ({c['checks']} checks)")
        else:
            lines.append(f"  {rule} --    {c['title']} (nothing to check)")
    if report.get("dropped"):
        lines.append(f"  ({report['dropped']} more violations were not kept)")
    verdict = (f"{len(failed)} of {len(report['rules'])} rules broken" if failed
               else f"every rule kept ({len(cell.passed())} checked)")
    lines.append(f"{name} on {run.name}: {verdict}")
    return "\n".join(lines)


def cell_text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    if cell.status == "checked":
        return f"{len(cell.passed())}/{len(cell.failed())}"
    return {"unavailable": "-", "error": "ERROR", "crash": "CRASH"}[cell.status]


def exporter_names(runs: list[Run]) -> list[str]:
    """Every exporter checked, in the order the interpreters gave them (one
    only some know, such as array('w') of 3.13, after its predecessor)."""
    names: list[str] = []
    for run in runs:
        after = -1
        for name in run.cells:
            if name in names:
                after = names.index(name)
            else:
                after += 1
                names.insert(after, name)
    return names


def table(runs: list[Run]) -> str:
    """Exporter x interpreter: rules passed/failed, then what failed."""
    names = exporter_names(runs)
    head = ["exporter"] + [run.name for run in runs]
    rows = [[n] + [cell_text(run.cells.get(n)) for run in runs] for n in names]
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    out = [line(head), line(["-" * w for w in widths])] + [line(r) for r in rows]
    rules = next((len(c.report["rules"]) for run in runs for c in run.cells.values()
                  if c.report), 0)
    out.append(f"cells: rules passed/failed (of the {rules} of chapter 16; a rule with nothing "
               "to check is neither), - cannot be made there, blank: not in that interpreter's "
               "catalogue")
    broken: dict[tuple[str, str], tuple[list[str], dict]] = {}
    for run in runs:
        for name, cell in run.cells.items():
            for rule, vs in cell.failed().items():
                where, first = broken.setdefault((name, rule), ([], vs[0]))
                where.append(run.name)
    if broken:
        out.append("\nviolations (exporter, rule, interpreters, the first found):")
    for (name, rule), (where, v) in broken.items():
        every = "every interpreter" if len(where) == len(runs) else ", ".join(where)
        out.append(f"  {name}  {rule}  {every}\n      {v['request']} {v['field']}: "
                   f"{v['message']}")
    problems = [f"  {name} on {run.name}: {c.status}: {c.reason}" for run in runs
                for name, c in run.cells.items() if c.status in ("error", "crash")]
    if problems:
        out.append("\nnot checked:")
        out += problems
    return "\n".join(out)


def results_json(runs: list[Run]) -> dict:
    """What the matrix page shows: per exporter and interpreter, the rules
    passed and failed, each failure with its violations."""
    out: dict = {"interpreters": [run.hello for run in runs], "exporters": {}}
    for name in exporter_names(runs):
        row = out["exporters"][name] = {}
        for run in runs:
            cell = run.cells.get(name)
            if cell is None:
                continue
            entry: dict = {"status": cell.status}
            if cell.status == "checked":
                entry.update(passed=cell.passed(), failed=cell.failed(),
                             granted=cell.granted(), rules=cell.report["rules"],
                             requests=cell.report["requests"])
            else:
                entry["reason"] = cell.reason
            row[run.name] = entry
    return out


# ------------------------------------------------------------ expectations ---

Violation = tuple[str, str, str]       # (exporter, interpreter key, rule)
Known = set[tuple[str, str, str]]      # (exporter, interpreter pattern, rule)


def found(runs: list[Run]) -> set[Violation]:
    return {(name, run.key, rule) for run in runs for name, cell in run.cells.items()
            for rule in cell.failed()}


def read_expectations(path: Path) -> Known:
    """`exporter interpreter rule...` lines; the interpreter may be a
    pattern (`cpython-*`)."""
    known: Known = set()
    if not path.exists():
        return known
    for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = text.split("#", 1)[0].strip()
        if not text:
            continue
        parts = text.split()
        if len(parts) < 3 or not all(r.startswith("EXPORTER-") for r in parts[2:]):
            raise ExporterError(f"{path}:{n}: want `exporter interpreter RULE...`, got {text!r}")
        known.update((parts[0], parts[1], rule) for rule in parts[2:])
    return known


def listed(v: Violation, known: Known) -> bool:
    return any(v[0] == e and v[2] == r and fnmatch.fnmatchcase(v[1], i) for e, i, r in known)


def write_expectations(path: Path, runs: list[Run]) -> int:
    """The violations found, an interpreter family written `cpython-*` where
    every interpreter of it that checked the exporter violates the rule."""
    where: dict[tuple[str, str], set[str]] = {}
    for e, i, r in found(runs):
        where.setdefault((e, r), set()).add(i)
    checked: dict[str, set[str]] = {}
    for run in runs:
        for name, cell in run.cells.items():
            if cell.status == "checked":
                checked.setdefault(name, set()).add(run.key)
    lines: dict[tuple[str, str], list[str]] = {}
    for (e, r), keys in where.items():
        for family in sorted({k.split("-")[0] for k in keys}):
            mine = {k for k in keys if k.startswith(family + "-")}
            every = {k for k in checked[e] if k.startswith(family + "-")}
            patterns = [family + "-*"] if mine == every else sorted(mine)
            for pattern in patterns:
                lines.setdefault((e, pattern), []).append(r)
    width = max((len(e) for e, _ in lines), default=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# Violations of the exporter's contract (spec/memoryview.md, chapter 16) that\n"
        "# real exporters are known to have, as `make exporters` measures them: one\n"
        "# `exporter interpreter rule...` a line (`cpython-*`: every CPython here).\n"
        "# `python3 -m harness exporters` fails on any other violation;\n"
        "# `--update-expectations` rewrites this file.\n"
        + "".join(f"{e.ljust(width)}  {i.ljust(12)}  {' '.join(sorted(rules))}\n"
                  for (e, i), rules in sorted(lines.items())), encoding="utf-8")
    return len(lines)


def gate(runs: list[Run], known: Known) -> tuple[list[Violation], list[tuple[str, str, str]]]:
    """(violations the file does not list, listed ones that no interpreter
    which ran and matches their pattern shows)."""
    seen = found(runs)
    ran = {(name, run.key) for run in runs for name, c in run.cells.items()
           if c.status == "checked"}
    new = sorted(v for v in seen if not listed(v, known))
    gone = sorted(k for k in known
                  if any(e == k[0] and fnmatch.fnmatchcase(i, k[1]) for e, i in ran)
                  and not any(v[0] == k[0] and v[2] == k[2] and fnmatch.fnmatchcase(v[1], k[1])
                              for v in seen))
    return new, gone


# ---------------------------------------------------------------- commands ---

def cmd_exporter(args: argparse.Namespace) -> int:
    run = run_on(args.python, args.spec)
    texts = [rule_report(name, run, cell) for name, cell in run.cells.items()]
    print("\n\n".join(texts))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results_json([run]), indent=1))
    if any(c.status in ("error", "crash") for c in run.cells.values()):
        return EXIT_ERROR
    return EXIT_VIOLATIONS if any(c.failed() for c in run.cells.values()) else EXIT_OK


def order(run: Run) -> tuple:
    """CPythons by version, then the others."""
    impl = run.hello["implementation"]
    version = tuple(int(x) for x in run.name.split("-")[1].split(".") if x.isdigit())
    return (impl != "cpython", impl, version)


def matrix(python_paths: list[str] | None = None, specs: tuple[str, ...] = ("catalogue",),
           out: Path = RESULTS) -> list[Run]:
    runs = sorted((run_on(p, list(specs), cwd=ROOT) for p in python_paths or pythons()),
                  key=order)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results_json(runs), indent=1), encoding="utf-8")
    return runs


def cmd_exporters(args: argparse.Namespace) -> int:
    runs = matrix(args.python or None, tuple(args.spec or ["catalogue"]), Path(args.json))
    print(table(runs))
    print(f"\nresults: {args.json}")
    path = Path(args.expectations)
    if args.update_expectations:
        print(f"wrote {write_expectations(path, runs)} known violations to {path}")
        return EXIT_OK
    new, gone = gate(runs, read_expectations(path))
    for e, i, r in gone:
        print(f"no longer violated (remove from {path.name}): {e} {i} {r}")
    for e, i, r in new:
        print(f"NEW violation (not in {path.name}): {e} {i} {r}")
    errors = [c for run in runs for c in run.cells.values() if c.status in ("error", "crash")]
    print(f"exporters: {len(exporter_names(runs))} exporters on {len(runs)} interpreters; "
          f"{len(new)} new violations, {len(gone)} listed ones gone, {len(errors)} not checked")
    return EXIT_VIOLATIONS if new or errors else EXIT_OK


def add_commands(sub) -> None:
    """The two subcommands, for harness/cli.py."""
    e = sub.add_parser("exporter", help="check your exporter against the exporter's contract",
                       description="Check exporters against chapter 16 of the spec: "
                       "exit 0 every rule kept, 1 some rule broken, 2 the check could "
                       "not be made.")
    e.add_argument("spec", nargs="+", help="MODULE:FACTORY (FACTORY() returns an exporter, "
                   "or a dict of name -> exporter), or catalogue[:NAME]")
    e.add_argument("--python", default=impls.DEBIAN_PYTHON,
                   help="the interpreter to check under (its module built by "
                   "`make exporter-modules`)")
    e.add_argument("--json", help="also write the report here")
    e.set_defaults(func=cmd_exporter)

    x = sub.add_parser("exporters", help="the real exporters on every interpreter: a table")
    x.add_argument("spec", nargs="*", help="default: catalogue (harness/exporter/catalogue.py)")
    x.add_argument("--python", action="append", default=[],
                   help="an interpreter (repeatable; default: every one here)")
    x.add_argument("--json", default=str(RESULTS))
    x.add_argument("--expectations", default=str(EXPECTATIONS))
    x.add_argument("--update-expectations", action="store_true")
    x.set_defaults(func=cmd_exporters)


def main(argv: list[str]) -> int:
    """python3 -m harness.exporters pythons: the interpreters, for make."""
    if argv == ["pythons"]:
        print("\n".join(pythons()))
        return EXIT_OK
    print("usage: python3 -m harness.exporters pythons", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
