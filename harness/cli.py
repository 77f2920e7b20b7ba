"""The command line: python3 -m harness <command> ...

    generate   expand spec/templates into cases (no answers) for inspection
    record     run the cases on every CPython here and write conformance/
    run        run the suite against implementations and compare
    oracles    list the CPythons that `record` would use

Exit status: 0 everything passed; 1 some case failed (fail, crash, timeout,
protocol-error; also message differences under --strict-messages);
2 the harness could not do its job (bad arguments, a malformed case file,
an adapter that will not start).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import cases as casesmod
from . import generate, impls, record, report, runner, session

EXIT_OK, EXIT_FAILURES, EXIT_ERROR = 0, 1, 2


class HarnessError(Exception):
    """A problem the user can fix; printed without a traceback."""


def cmd_generate(args: argparse.Namespace) -> int:
    by_area = generate.generate_all(Path(args.templates), args.profile)
    out = Path(args.out)
    for area, area_cases in by_area.items():
        casesmod.write_jsonl(out / f"{area}.jsonl", area_cases)
        print(f"{area}: {len(area_cases)} cases")
    print(f"{sum(map(len, by_area.values()))} cases written to {out}")
    return EXIT_OK


def cmd_record(args: argparse.Namespace) -> int:
    argvs = ([impls.python_adapter(p) for p in args.python] if args.python
             else record.default_oracle_argvs())
    argvs += [a.split() for a in args.oracle_command]
    if not argvs:
        raise HarnessError("no CPython found to record with")
    counts = record.record(argvs, Path(args.out), template_dir=Path(args.templates),
                           profile=args.profile, timeout=args.timeout,
                           progress=record.stderr_progress)
    for area, n in counts.items():
        print(f"{area}: {n} cases")
    print(f"{sum(counts.values())} cases recorded from {len(argvs)} oracles into {args.out}")
    return EXIT_OK


def cmd_oracles(args: argparse.Namespace) -> int:
    for argv in record.default_oracle_argvs():
        a = runner.Adapter(argv)
        try:
            hello = a.start()
            print(f"{record.oracle_of(hello).name:28} {' '.join(argv)}")
        finally:
            a.close()
    return EXIT_OK


def select(suite: casesmod.Suite, areas: list[str]) -> list[dict]:
    if not areas:
        return suite.cases
    known = {casesmod.area_of(c["id"]) for c in suite.cases}
    unknown = set(areas) - known
    if unknown:
        raise HarnessError(f"no such area: {', '.join(sorted(unknown))} "
                           f"(areas: {', '.join(sorted(known))})")
    return [c for c in suite.cases if casesmod.area_of(c["id"]) in areas]


def cmd_run(args: argparse.Namespace) -> int:
    suite = casesmod.load_suite(Path(args.cases))
    chosen = select(suite, args.area)
    by_id = suite.by_id()
    results_dir = Path(args.results)
    worst = EXIT_OK
    for text in args.impl:
        impl = impls.resolve(text)
        progress = report.Progress(impl.name, len(chosen))
        try:
            run = session.run(impl, suite, chosen, timeout=args.timeout,
                              strict=True if args.strict_messages else None,
                              prefer_oracle=args.oracle, log_dir=results_dir / "logs",
                              on_result=progress)
        except runner.AdapterError as e:
            progress.finish()
            print(f"{impl.name}: cannot run: {e}", file=sys.stderr)
            worst = EXIT_ERROR
            continue
        progress.finish()
        out = results_dir / f"{impl.name}.json"
        report.write_results(run, out)
        print(report.area_table(run))
        report.print_failures(run, by_id, args.max_failures, sys.stdout)
        print(report.headline(run))
        print(f"results: {out}")
        if run.failed() and worst == EXIT_OK:
            worst = EXIT_FAILURES
    return worst


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python3 -m harness", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generate", help="expand the templates into cases")
    g.add_argument("--templates", default=str(generate.TEMPLATE_DIR))
    g.add_argument("--out", default="build/cases")
    g.add_argument("--profile", choices=generate.PROFILES, default="default")
    g.set_defaults(func=cmd_generate)

    r = sub.add_parser("record", help="record expected outcomes from CPython")
    r.add_argument("--templates", default=str(generate.TEMPLATE_DIR))
    r.add_argument("--out", default=str(casesmod.CONFORMANCE_DIR))
    r.add_argument("--profile", choices=generate.PROFILES, default="default",
                   help="full: the nightly suite (write it outside conformance/)")
    r.add_argument("--python", action="append", default=[],
                   help="a CPython to record with (repeatable); default: every CPython >= 3.9 here")
    r.add_argument("--oracle-command", action="append", default=[],
                   help="an extra oracle given as a whole adapter command (e.g. Pyodide's)")
    r.add_argument("--timeout", type=float, default=30.0)
    r.set_defaults(func=cmd_record)

    o = sub.add_parser("oracles", help="list the CPythons that record would use")
    o.set_defaults(func=cmd_oracles)

    u = sub.add_parser("run", help="run the suite against implementations")
    u.add_argument("impl", nargs="+",
                   help="reference[:X.Y], cpython[:PATH], pypy, or NAME=COMMAND")
    u.add_argument("--cases", default=str(casesmod.CONFORMANCE_DIR))
    u.add_argument("--area", action="append", default=[], help="only this area (repeatable)")
    u.add_argument("--timeout", type=float, default=10.0, help="seconds per case (default 10)")
    u.add_argument("--strict-messages", action="store_true",
                   help="a differing exception message is a failure")
    u.add_argument("--oracle", help="compare with this oracle when it recorded the case")
    u.add_argument("--results", default="build/results")
    u.add_argument("--max-failures", type=int, default=20,
                   help="failing cases to print in full (default 20)")
    u.set_defaults(func=cmd_run)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "timeout", 1) <= 0:
        print("error: --timeout must be positive", file=sys.stderr)
        return EXIT_ERROR
    try:
        return args.func(args)
    except (HarnessError, casesmod.CaseFileError, generate.TemplateError,
            impls.ImplError, runner.AdapterError) as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_ERROR
