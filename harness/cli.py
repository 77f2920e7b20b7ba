"""The command line: python3 -m harness <command> ...

    generate   expand spec/templates into cases (no answers) for inspection
    record     run the cases on every CPython here and write conformance/
    run        run the suite against implementations and compare
    merge      merge the results of shards into one report
    matrix     run every implementation installed; table and HTML matrix
    bench      measure cases per second of implementations, side by side
    changes    rewrite the spec's table of version changes from the recordings
    exporter   check an exporter against the exporter's contract (chapter 16)
    exporters  the real exporters on every interpreter here, as a table
    oracles    list the CPythons that `record` would use

Exit status of run and merge: 0 everything passed (with --gate: no new
failure); 1 some case failed (fail, crash, timeout, protocol-error; also
message differences under --strict-messages) -- with --gate, some case failed
that the expectations file does not list; 2 the harness could not do its job
(bad arguments, a malformed case or expectations file, an adapter that will
not start).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import cases as casesmod
from . import (bench, changes, expectations, exporters, generate, impls, junit, matrix, record,
               report, runner, select, session)

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


def cmd_changes(args: argparse.Namespace) -> int:
    suite = casesmod.load_suite(Path(args.cases))
    changed = changes.update(suite)
    print(f"spec/memoryview.md: version-change table {'rewritten' if changed else 'already current'}")
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


def selection_of(args: argparse.Namespace) -> select.Selection:
    return select.Selection(areas=args.area, rules=args.rule, ids=args.id,
                            language=args.language, version_sensitive=args.version_sensitive,
                            shard=select.parse_shard(args.shard) if args.shard else None)


def results_name(impl: impls.Impl, args: argparse.Namespace) -> str:
    if args.shard:
        i, n = select.parse_shard(args.shard)
        return f"{impl.name}.shard-{i}-of-{n}"
    return impl.name


def junit_path(args: argparse.Namespace, name: str, many: bool) -> Path | None:
    if not args.junit:
        return None
    path = Path(args.junit.replace("{impl}", name))
    if many and "{impl}" not in args.junit:
        path = path.with_name(f"{path.stem}-{name}{path.suffix or '.xml'}")
    return path


def report_run(run: session.RunResult, by_id: dict[str, dict], args: argparse.Namespace,
               name: str, many: bool) -> int:
    """Print, write the results and JUnit, gate; the run's exit status."""
    results_dir = Path(args.results)
    out = results_dir / f"{name}.json"
    report.write_results(run, out)
    texts = {r.id: report.failure_text(r, by_id[r.id]) for r in run.results
             if r.status in session.FAILING or r.status == "message"}
    jpath = junit_path(args, name, many)
    if jpath:
        junit.write(jpath, name, run.results, run.seconds, texts)
    if not args.summary_only:
        print(report.area_table(run))
        failed = run.failed()
        for r in failed[:args.max_failures]:
            print(texts[r.id])
        if len(failed) > args.max_failures:
            print(f"# ... and {len(failed) - args.max_failures} more failing cases "
                  f"(all of them are in {out})")
    status = EXIT_FAILURES if run.failed() else EXIT_OK
    if args.require_clean_exit and run.exit_problems:
        for problem in run.exit_problems:
            print(f"{run.impl.name}: adapter did not end cleanly: {problem}")
        status = EXIT_FAILURES
    exp_path = Path(args.expectations) if args.expectations else expectations.default_path(run.impl.name)
    if args.update_expectations:
        n = expectations.write(exp_path, run.impl.name, run.oracle, run.results)
        print(f"wrote {n} known divergences to {exp_path}")
    elif args.gate or args.expectations:
        known = expectations.read(exp_path)
        rep = expectations.gate(run.results, known, set(by_id))
        print(expectations.gate_text(rep, exp_path))
        status = EXIT_OK if rep.ok else EXIT_FAILURES
    print(report.headline(run))
    if jpath:
        print(f"results: {out}; JUnit: {jpath}")
    else:
        print(f"results: {out}")
    return status


def expand_impls(texts: list[str], suite: casesmod.Suite) -> list[impls.Impl]:
    """Resolve names; `reference:all` becomes one run per recorded oracle."""
    out = []
    for text in texts:
        if text == "reference:all":
            out += impls.reference_for_each(suite.oracles)
        else:
            out.append(impls.resolve(text))
    return out


def cmd_run(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise HarnessError("--jobs must be at least 1")
    suite = casesmod.load_suite(Path(args.cases))
    chosen = selection_of(args).apply(suite.cases)
    if args.list:
        for c in chosen:
            print(f"{c['id']}  {' '.join(c['rules'])}")
        print(f"{len(chosen)} of {len(suite.cases)} cases selected")
        return EXIT_OK
    if not chosen:
        raise HarnessError("the selection matches no case")
    if (args.update_expectations or args.gate) and len(args.impl) > 1 and args.expectations:
        raise HarnessError("--expectations names one file: give one implementation")
    by_id = suite.by_id()
    worst = EXIT_OK
    chosen_impls = expand_impls(args.impl, suite)
    many = len(chosen_impls) > 1
    for impl in chosen_impls:
        progress = report.Progress(impl.name, len(chosen))
        try:
            run = session.run(impl, suite, chosen, timeout=args.timeout,
                              strict=True if args.strict_messages else None,
                              prefer_oracle=args.oracle or impl.oracle, jobs=args.jobs,
                              log_dir=Path(args.results) / "logs", on_result=progress)
        except runner.AdapterError as e:
            progress.finish()
            print(f"{impl.name}: cannot run: {e}", file=sys.stderr)
            worst = EXIT_ERROR
            continue
        progress.finish()
        status = report_run(run, by_id, args, results_name(impl, args), many)
        worst = max(worst, status)
    return worst


def cmd_merge(args: argparse.Namespace) -> int:
    """Shards' results as one report, with the same outputs and gate as run."""
    run = report.merge([report.read_results(Path(p)) for p in args.files])
    suite = casesmod.load_suite(Path(args.cases))
    missing = [r.id for r in run.results if r.id not in suite.by_id()]
    if missing:
        raise HarnessError(f"{len(missing)} merged cases are not in {args.cases}, e.g. {missing[0]}")
    return report_run(run, suite.by_id(), args, run.impl.name, False)


def cmd_bench(args: argparse.Namespace) -> int:
    suite = casesmod.load_suite(Path(args.cases))
    rows = bench.measure([impls.resolve(t) for t in args.impl], suite.cases,
                         repeat=args.repeat, progress=record.stderr_progress)
    print(bench.table(rows))
    return EXIT_FAILURES if any(r.error for r in rows) else EXIT_OK


MATRIX_DEFAULT = ["reference", "mvref", "cpython", "pypy", "pyodide", "micropython", "brython"]


def cmd_matrix(args: argparse.Namespace) -> int:
    """Run everything installed; write results, the table and the HTML page.

    Failures of other implementations are what the matrix shows, not an error:
    the exit status is 0 unless the harness itself could not work.
    """
    suite = casesmod.load_suite(Path(args.cases))
    if args.from_results:
        runs = [report.read_results(Path(p)) for p in args.from_results]
        missing = {r.id for run in runs for r in run.results} - set(suite.by_id())
        if missing:
            raise HarnessError(f"{len(missing)} cases of the results are not in {args.cases}")
        return write_matrix(runs, suite, args)
    chosen = selection_of(args).apply(suite.cases)
    names = args.impl or (MATRIX_DEFAULT[:3] + [f"cpython:{p}" for p in impls.oracle_pythons()
                                               if p != impls.DEBIAN_PYTHON] + MATRIX_DEFAULT[3:])
    runs = []
    for text in names:
        try:
            impl = impls.resolve(text)
        except impls.ImplError as e:
            print(f"matrix: skipping {text}: {e}", file=sys.stderr)
            continue
        progress = report.Progress(impl.name, len(chosen))
        try:
            run = session.run(impl, suite, chosen, timeout=args.timeout, jobs=args.jobs,
                              log_dir=Path(args.results) / "logs", on_result=progress)
        except runner.AdapterError as e:
            progress.finish()
            print(f"matrix: {impl.name} cannot run: {e}", file=sys.stderr)
            continue
        progress.finish()
        report.write_results(run, Path(args.results) / f"{impl.name}.json")
        print(report.headline(run), file=sys.stderr)
        runs.append(run)
    if not runs:
        raise HarnessError("no implementation could run")
    return write_matrix(runs, suite, args)


def write_matrix(runs: list[session.RunResult], suite: casesmod.Suite,
                 args: argparse.Namespace) -> int:
    print(matrix.area_table(runs))
    out = Path(args.out)
    matrix.write_page(out, runs, suite.by_id())
    print(f"matrix: {out} ({len(runs)} implementations, "
          f"{len({r.id for run in runs for r in run.results})} cases); results in {args.results}/")
    return EXIT_OK


def add_selection_options(p: argparse.ArgumentParser) -> None:
    """Which cases, and how to run them: shared by run and matrix."""
    p.add_argument("--area", action="append", default=[], help="only this area (repeatable)")
    p.add_argument("--rule", action="append", default=[],
                   help="only cases citing a rule matching this glob, e.g. 'SLICE-*' (repeatable)")
    p.add_argument("--id", action="append", default=[],
                   help="only cases whose id matches this glob (repeatable)")
    p.add_argument("--language", help="only cases that run on some version in this "
                   "constraint, e.g. '>=3.12' or '>=3.10,<3.13'")
    p.add_argument("--version-sensitive", action="store_true",
                   help="only cases whose outcome differs between CPython versions")
    p.add_argument("--shard", help="I/N: only the I-th of N deterministic slices of the suite")
    p.add_argument("-j", "--jobs", type=int, default=1, help="adapter processes in parallel")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per case (default 10)")


def add_output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--results", default="build/results",
                   help="directory for <impl>.json results and adapter logs")
    p.add_argument("--junit", help="write JUnit XML here ({impl} is replaced by the name)")
    p.add_argument("--gate", action="store_true",
                   help="fail only on failures not listed in conformance/expectations/<impl>.txt")
    p.add_argument("--expectations", help="gate with this expectations file instead")
    p.add_argument("--update-expectations", action="store_true",
                   help="rewrite the expectations file from this run's failures")
    p.add_argument("--max-failures", type=int, default=20,
                   help="failing cases to print as reproducers (default 20)")
    p.add_argument("--summary-only", action="store_true",
                   help="print only the gate and the one-line summary")


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

    c = sub.add_parser("changes", help="rewrite the spec's table of version changes")
    c.add_argument("--cases", default=str(casesmod.CONFORMANCE_DIR))
    c.set_defaults(func=cmd_changes)

    o = sub.add_parser("oracles", help="list the CPythons that record would use")
    o.set_defaults(func=cmd_oracles)

    u = sub.add_parser("run", help="run the suite against implementations")
    u.add_argument("impl", nargs="+",
                   help="reference[:X.Y[:32]], reference:all, cpython[:PATH], cpython-X.Y, pypy, "
                   "pyodide, micropython, brython, or NAME=COMMAND")
    u.add_argument("--cases", default=str(casesmod.CONFORMANCE_DIR))
    add_selection_options(u)
    u.add_argument("--list", action="store_true", help="list the selected cases and stop")
    u.add_argument("--strict-messages", action="store_true",
                   help="a differing exception message is a failure")
    u.add_argument("--oracle", help="compare with this oracle when it recorded the case")
    u.add_argument("--require-clean-exit", action="store_true",
                   help="fail unless every adapter process exits with status 0 when its "
                   "input ends (for Valgrind and sanitizer gates, which report at exit)")
    add_output_options(u)
    u.set_defaults(func=cmd_run)

    m = sub.add_parser("merge", help="merge results of shards into one report")
    m.add_argument("files", nargs="+", help="results JSON files of one implementation")
    m.add_argument("--cases", default=str(casesmod.CONFORMANCE_DIR))
    m.set_defaults(require_clean_exit=False)
    add_output_options(m)
    m.set_defaults(func=cmd_merge)

    x = sub.add_parser("matrix", help="run everything installed; table and HTML matrix")
    x.add_argument("impl", nargs="*", help="implementations (default: all installed)")
    x.add_argument("--cases", default=str(casesmod.CONFORMANCE_DIR))
    add_selection_options(x)
    x.add_argument("--results", default="build/results")
    x.add_argument("--out", default="build/matrix/index.html")
    x.add_argument("--from-results", nargs="+", metavar="JSON",
                   help="build the table and page from results files instead of running")
    x.set_defaults(func=cmd_matrix)

    b = sub.add_parser("bench", help="cases per second of each implementation, side by side")
    b.add_argument("impl", nargs="+")
    b.add_argument("--cases", default=str(casesmod.CONFORMANCE_DIR))
    b.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    b.set_defaults(func=cmd_bench)

    exporters.add_commands(sub)     # exporter, exporters: chapter 16, the other side
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "timeout", 1) <= 0:
        print("error: --timeout must be positive", file=sys.stderr)
        return EXIT_ERROR
    try:
        return args.func(args)
    except (HarnessError, casesmod.CaseFileError, generate.TemplateError,
            impls.ImplError, runner.AdapterError, select.SelectionError,
            expectations.ExpectationsError, report.ResultsError, bench.BenchError,
            exporters.ExporterError) as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_ERROR
