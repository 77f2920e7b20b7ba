"""The command line: python3 -m harness <command> ...

    generate   expand spec/templates into cases (no answers) for inspection
    record     run the cases on every CPython here and write conformance/
    run        run the suite against implementations and compare
    merge      merge the results of shards into one report
    matrix     run every implementation installed; table and HTML matrix
    bench      measure cases per second of implementations, side by side
    changes    rewrite the spec's table of version changes from the recordings
    explain    a case's rules, program, memory-layout diagram, outcomes and C code
    contents   rewrite the spec's table of contents
    site       the spec, guide, rules, code, cases and implementations as pages
    history    each implementation over its releases: pass rate by area, fixes
               and regressions by rule (terminal table, build/history/*.svg)
    exporter   check an exporter against the exporter's contract (chapter 16)
    exporters  the real exporters on every interpreter here, as a table
    fuzz       random programs on CPython and on an implementation, compared;
               what diverges is shrunk and printed as a case
    shrink     shrink a failing case of the suite against an implementation
    oracles    list the CPythons that `record` would use

Exit status of run, merge and matrix:
  0  everything passed; with --gate: nothing did worse than the expectations
     file says; with --update-expectations: the file was written
  1  a regression: some case failed, crashed, timed out or broke the protocol
     (message differences too under --strict-messages); with --gate: some
     case did worse than its expectation (a new failure, newly unsupported, a
     claimed case not run: a missing shard); also a run that did not run
     every case it claims
  2  the harness could not do its job: bad arguments, a selection that
     matches no case, a malformed case, results or expectations file, a
     missing expectations file under --gate, shards that cannot be merged,
     an adapter that will not start
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import cases as casesmod
from . import (bench, changes, expectations, explain, exporters, generate, history, impls, junit,
               matrix, record, report, runner, select, session)
from . import scope as scopemod
from .fuzz import command as fuzz_command

EXIT_OK, EXIT_FAILURES, EXIT_ERROR = 0, 1, 2
EXIT_HELP = __doc__[__doc__.index("Exit status"):]


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
                           hello_timeout=args.hello_timeout, progress=record.stderr_progress,
                           reuse=[Path(d) for d in args.reuse])
    for area, n in counts.items():
        print(f"{area}: {n} cases")
    print(f"{sum(counts.values())} cases recorded from {len(argvs)} oracles into {args.out}")
    return EXIT_OK


def cmd_changes(args: argparse.Namespace) -> int:
    suite = casesmod.load_suite(Path(args.cases))
    changed = changes.update(suite)
    print(f"spec/memoryview.md: version-change table {'rewritten' if changed else 'already current'}")
    return EXIT_OK


def cmd_contents(args: argparse.Namespace) -> int:
    from . import spec
    changed = spec.update_contents()
    print(f"spec/memoryview.md: table of contents {'rewritten' if changed else 'already current'}")
    return EXIT_OK


def cmd_site(args: argparse.Namespace) -> int:
    from . import site
    built = site.build(Path(args.out), Path(args.results))
    missing = [e.id for e in built.explained.values() if e.picture is None]
    print(f"site: {len(built.pages)} pages in {args.out}/ (open {args.out}/index.html); "
          f"{len(built.runs)} implementations' results"
          + (f"; {len(missing)} cases without a diagram: {missing[:3]}" if missing else ""))
    return EXIT_FAILURES if missing else EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise HarnessError("--jobs must be at least 1")
    suite = casesmod.load_suite(Path(args.cases))
    try:
        shards = {}
        for text in args.shard:
            family, _, shard = text.partition("=")
            shards[family] = select.parse_shard(shard)
        series = history.build(suite, Path(args.cases), Path(args.results), args.jobs,
                               tuple(args.family or ("micropython", "brython")), shards)
    except (impls.ImplError, runner.AdapterError, select.SelectionError) as e:
        raise HarnessError(f"history: {e}") from None
    for s in series:
        print(history.terminal_table(s))
        print()
    history.write(series, Path(args.out))
    print(f"history: {Path(args.out) / 'index.html'} ({len(series)} charts)")
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


def gating(args: argparse.Namespace) -> bool:
    return bool(args.gate or args.expectations) and not args.update_expectations


def expectations_for(args: argparse.Namespace, name: str) -> expectations.Expectations | None:
    """The expectations a run will gate on or update, read before it starts:
    a missing or malformed file is an error before any case runs."""
    if not (gating(args) or args.update_expectations):
        return None
    if args.expectations:
        path = Path(args.expectations)
    elif getattr(args, "expectations_dir", None):
        path = Path(args.expectations_dir) / f"{name}.txt"
    else:
        path = expectations.default_path(name)
    return expectations.read(path, missing_ok=args.update_expectations)


@dataclass
class Finished:
    """A run, or merged shards, and what it claims to have covered."""
    run: session.RunResult
    scope: scopemod.Scope
    claimed: list[str]              # ids of the cases the run claims
    name: str                       # the results file's stem
    cases_of: Callable[[set[str]], dict[str, dict]]   # case dicts by id, for reproducers
    suite_ids: set[str] | None      # every id of the suite, when known

    @property
    def not_run(self) -> list[str]:
        ran = {r.id for r in self.run.results}
        return [i for i in self.claimed if i not in ran]

    def not_run_why(self) -> str:
        missing = self.scope.missing_shards
        if missing:
            n = self.scope.shards_of
            return f"shard{'s' if len(missing) > 1 else ''} " \
                   f"{', '.join(f'{i}/{n}' for i in missing)} missing"
        return ""


def reproducers(f: Finished, rep: expectations.GateReport | None, texts: dict[str, str],
                args: argparse.Namespace) -> list[str]:
    """The reproducers to print: under a gate, what the gate fails on first,
    known divergences only with --show-known; at most --max-failures."""
    if rep is None:
        chosen = f.run.failed()
        rest = 0
    else:
        failing = rep.failing()
        new = [r for r in f.run.results if r.id in failing and r.status not in ("pass", "message")]
        known = [r for r in f.run.results if r.status in session.FAILING and r.id not in failing]
        chosen = new + (known if args.show_known else [])
        rest = 0 if args.show_known else len(known)
    out = [texts[r.id] for r in chosen[:args.max_failures]]
    if len(chosen) > args.max_failures:
        out.append(f"# ... and {len(chosen) - args.max_failures} more "
                   f"{'new ' if rep else ''}failing cases (all of them are in "
                   f"{Path(args.results) / (f.name + '.json')})")
    if rest:
        out.append(f"# {rest} known failing cases not shown (--show-known prints them)")
    return out


def report_run(f: Finished, args: argparse.Namespace,
               exp: expectations.Expectations | None, many: bool) -> int:
    """Print, write the results and JUnit, gate or update; the exit status."""
    run = f.run
    out = Path(args.results) / f"{f.name}.json"
    report.write_results(run, out, f.scope.to_json())
    not_run, why = f.not_run, f.not_run_why()
    rep = None
    if exp is not None and gating(args):
        rep = expectations.gate(exp, run.results, f.claimed, f.suite_ids, strict=f.scope.strict,
                                whole_suite=f.scope.claims_whole_suite,
                                allow_growth=args.allow_unsupported_growth,
                                exact=args.exact_expectations, not_run_why=why)
    failing = rep.failing() if rep else set()
    shown = [r for r in run.results if r.status in session.FAILING or r.status == "message"
             or r.id in failing]
    case_dicts = f.cases_of({r.id for r in shown})
    texts = {r.id: report.failure_text(r, case_dicts[r.id]) for r in shown}
    jpath = junit_path(args, f.name, many)
    if jpath:
        totals = junit.write(jpath, f.name, junit.entries(run.results, texts, rep, not_run, why),
                             run.seconds)
        if rep is not None:     # CI shows the gate's verdict: red exactly when it fails
            assert (totals[junit.FAILURE] + totals[junit.ERROR] == 0) == rep.ok, totals
    if not args.summary_only:
        print(report.area_table(run))
        for text in reproducers(f, rep, texts, args):
            print(text)
    if not_run:
        print(f"INCOMPLETE: {len(not_run)} of the {len(f.claimed)} cases the run claims were "
              f"not run{f' ({why})' if why else ''}")
    if rep is not None:
        print(expectations.gate_text(rep))
        status = EXIT_OK if rep.ok else EXIT_FAILURES
    else:
        status = EXIT_FAILURES if run.failed() or not_run else EXIT_OK
    if args.require_clean_exit and run.exit_problems:
        for problem in run.exit_problems:
            print(f"{run.impl.name}: adapter did not end cleanly: {problem}")
        status = EXIT_FAILURES
    if exp is not None and args.update_expectations:
        status = update_expectations(f, exp)
    print(report.headline(run))
    print(f"results: {out}" + (f"; JUnit: {jpath}" if jpath else ""))
    return status


def update_expectations(f: Finished, exp: expectations.Expectations) -> int:
    """Rewrite the lines of the claimed cases; exit 0 once written."""
    not_run, why = f.not_run, f.not_run_why()
    if not_run:
        raise HarnessError(f"not updating {exp.path} from an incomplete run: {len(not_run)} "
                           f"claimed cases were not run{f' ({why})' if why else ''}")
    upd = expectations.update(exp, f.run.results, set(f.claimed),
                              f.suite_ids if f.scope.claims_whole_suite else None)
    expectations.write(exp, f.run.impl.name, f.run.oracle)
    print(upd.text(exp.path))
    return EXIT_OK


def expand_impls(texts: list[str], suite: casesmod.Suite) -> list[impls.Impl]:
    """Resolve names; `reference:all` becomes one run per recorded oracle."""
    out = []
    for text in texts:
        if text == "reference:all":
            out += impls.reference_for_each(suite.oracles)
        else:
            out.append(impls.resolve(text))
    impls.check_distinct(out)
    return out


def limits_of(args: argparse.Namespace) -> session.Limits:
    return session.Limits(timeout=args.timeout, hello_timeout=args.hello_timeout,
                          max_reply_bytes=args.max_reply_bytes, max_failures=args.give_up_after)


def cmd_run(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise HarnessError("--jobs must be at least 1")
    suite = casesmod.load_suite(Path(args.cases))
    sel = selection_of(args)
    chosen = sel.choose(suite.cases)
    if args.list:
        for c in chosen:
            print(f"{c['id']}  {' '.join(c['rules'])}")
        print(f"{len(chosen)} of {len(suite.cases)} cases selected")
        return EXIT_OK
    chosen_impls = expand_impls(args.impl, suite)
    if (args.update_expectations or gating(args)) and len(chosen_impls) > 1 and args.expectations:
        raise HarnessError("--expectations names one file: give one implementation")
    exps = {impl.name: expectations_for(args, impl.name) for impl in chosen_impls}
    digest = scopemod.suite_hash(Path(args.cases))
    by_id = suite.by_id()
    claimed = [c["id"] for c in chosen]
    worst = EXIT_OK
    many = len(chosen_impls) > 1
    for impl in chosen_impls:
        progress = report.Progress(impl.name, len(chosen))
        strict = bool(args.strict_messages or impl.strict)
        try:
            run = session.run(impl, suite, chosen, limits=limits_of(args),
                              strict=True if args.strict_messages else None,
                              prefer_oracle=args.oracle or impl.oracle, jobs=args.jobs,
                              log_dir=Path(args.results) / "logs", on_result=progress)
        except runner.AdapterError as e:
            progress.finish()
            print(f"{impl.name}: cannot run: {e}", file=sys.stderr)
            worst = EXIT_ERROR
            continue
        progress.finish()
        scope = scopemod.Scope(digest, len(suite.cases), sel, len(chosen), strict)
        f = Finished(run, scope, claimed, results_name(impl, args), lookup(by_id), set(by_id))
        status = report_run(f, args, exps[impl.name], many)
        worst = max(worst, status)
    return worst


def lookup(by_id: dict[str, dict]) -> Callable[[set[str]], dict[str, dict]]:
    return lambda ids: {i: by_id[i] for i in ids}


def cmd_merge(args: argparse.Namespace) -> int:
    """Shards' results as one report, with the same outputs and gate as run.

    Linear in the results. The suite is identified by its hash, so when
    every shard is there with all the cases it selected, the merged cases are
    exactly the selection and only the cases a report shows are read from
    the suite; a missing or short shard loads it all, to name what was not run.
    """
    parts = []
    for p in args.files:
        run, scope = report.load_results(Path(p))
        try:
            parts.append((Path(p), run, scopemod.Scope.from_json(scope) if scope else None))
        except (KeyError, TypeError, ValueError) as e:
            raise HarnessError(f"{p}: malformed scope in the results: {e}") from None
    short = [f"{p} ({len(r.results)} of its {s.selected} cases)" for p, r, s in parts
             if s is not None and len(r.results) != s.selected]
    run, scope = scopemod.merge(parts)
    exp = expectations_for(args, run.impl.name)
    directory = Path(args.cases)
    digest = scopemod.suite_hash(directory)
    if scope.suite != digest:
        raise HarnessError(f"the results ran suite {scope.suite[:19]}..., but {args.cases} "
                           f"holds suite {digest[:19]}...: merge with --cases naming the suite "
                           "the shards ran")
    if scope.missing_shards or short:
        if short:
            print(f"merge: results without every case they selected: {'; '.join(short)}")
        suite = casesmod.load_suite(directory)
        by_id = suite.by_id()
        unknown = [r.id for r in run.results if r.id not in by_id]
        if unknown:
            raise HarnessError(f"{len(unknown)} merged cases are not in {args.cases}, "
                               f"e.g. {unknown[0]}")
        claimed = [c["id"] for c in scope.selection.apply(suite.cases)]
        cases_of, suite_ids = lookup(by_id), set(by_id)
    else:
        claimed = [r.id for r in run.results]
        suite_ids = set(claimed) if scope.claims_whole_suite else None
        cases_of = lambda ids: casesmod.read_cases_by_id(directory, ids)  # noqa: E731
    scope.selected = len(claimed)
    print(f"merge: {len(args.files)} results, shards {', '.join(map(str, scope.shards_present))} "
          f"of {scope.shards_of}: {len(run.results)} of {len(claimed)} cases"
          if scope.shards_of else f"merge: 1 result, {len(run.results)} cases")
    return report_run(Finished(run, scope, claimed, run.impl.name, cases_of, suite_ids),
                      args, exp, False)


def cmd_explain(args: argparse.Namespace) -> int:
    chosen = explain.choose(Path(args.cases), args.ids)
    form = "svg" if args.svg else "html" if args.html else "text"
    results = explain.Results(Path(args.results))
    explained = explain.explain(chosen, results)
    explain.write(explained, form, args.out)
    problems = [e for e in explained if e.picture is None]
    for e in problems:
        print(f"explain: {e.id}: no diagram: {e.problem}", file=sys.stderr)
    return EXIT_FAILURES if problems else EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    suite = casesmod.load_suite(Path(args.cases))
    rows = bench.measure([impls.resolve(t) for t in args.impl], suite.cases,
                         repeat=args.repeat, progress=record.stderr_progress)
    print(bench.table(rows))
    return EXIT_FAILURES if any(r.error for r in rows) else EXIT_OK


MATRIX_DEFAULT = ["reference", "mvref", "cpython", "pypy", "pyodide", "micropython", "brython"]
NEWEST_REFERENCE = "reference:3.15:32"
HISTORY_ONLY = ("brython",)      # older releases charted (make history), not columns


def matrix_columns() -> list[str]:
    """The matrix's default columns: the reference (driver and mvref, and
    the driver modelling the newest CPython recorded, the 3.15 pre-release on
    wasm32), Debian's CPython, each other CPython >= 3.9 here by minor
    version (named cpython-3.X, so its expectations file does not depend on
    the patch release), then the other implementations, each family with
    every other release package.json pins (pyodide-3.12, micropython-1.25.0,
    ...: the releases `make history` charts) but Brython's, whose releases
    take 7 to 20 minutes each on the whole suite (`make history` judges
    them on a shard)."""
    debian = os.path.realpath(impls.DEBIAN_PYTHON)
    others = [f"cpython-{a}.{b}" for (a, b), path in impls.cpythons().items()
              if (a, b) >= impls.OLDEST_ORACLE and os.path.realpath(path) != debian]
    columns = MATRIX_DEFAULT[:2] + [NEWEST_REFERENCE] + [MATRIX_DEFAULT[2]] + others
    for name in MATRIX_DEFAULT[3:]:
        columns.append(name)
        if name not in HISTORY_ONLY:
            columns += [alias for alias in impls.node_packages()
                        if impls.family(alias) == name and alias != name]
    return columns


def cmd_matrix(args: argparse.Namespace) -> int:
    """Run everything installed; write results, the table and the HTML page.

    Failures of other implementations are what the matrix shows, not an
    error. With --gate, each column is held to its checked-in expectations
    (conformance/expectations/<name>.txt) exactly: any difference, better or
    worse, is exit 1, so that a change moving any implementation's result
    shows in review as a diff of those files (--update-expectations).
    """
    suite = casesmod.load_suite(Path(args.cases))
    if args.from_results:
        if args.gate or args.update_expectations:
            raise HarnessError("--gate and --update-expectations judge runs, not --from-results")
        runs = [report.read_results(Path(p)) for p in args.from_results]
        missing = {r.id for run in runs for r in run.results} - set(suite.by_id())
        if missing:
            raise HarnessError(f"{len(missing)} cases of the results are not in {args.cases}")
        return write_matrix(runs, suite, args)
    sel = selection_of(args)
    chosen = sel.choose(suite.cases)
    columns = []
    for text in args.impl or matrix_columns():
        try:
            columns.append(impls.resolve(text))
        except impls.ImplError as e:
            if args.gate:
                raise HarnessError(f"matrix --gate: {text}: {e}") from None
            print(f"matrix: skipping {text}: {e}", file=sys.stderr)
    exps = {impl.name: expectations_for(args, impl.name) for impl in columns}
    digest = scopemod.suite_hash(Path(args.cases))
    by_id = suite.by_id()
    claimed = [c["id"] for c in chosen]
    runs, gated, broken = [], [], []
    for impl in columns:
        progress = report.Progress(impl.name, len(chosen))
        try:
            run = session.run(impl, suite, chosen, limits=limits_of(args), jobs=args.jobs,
                              log_dir=Path(args.results) / "logs", on_result=progress)
        except runner.AdapterError as e:
            progress.finish()
            print(f"matrix: {impl.name} cannot run: {e}", file=sys.stderr)
            broken.append(impl.name)
            continue
        progress.finish()
        scope = scopemod.Scope(digest, len(suite.cases), sel, len(chosen), impl.strict)
        report.write_results(run, Path(args.results) / f"{impl.name}.json", scope.to_json())
        print(report.headline(run), file=sys.stderr)
        runs.append(run)
        exp = exps[impl.name]
        f = Finished(run, scope, claimed, impl.name, lookup(by_id), set(by_id))
        if exp is not None and args.update_expectations:
            update_expectations(f, exp)
        elif exp is not None:
            rep = expectations.gate(exp, run.results, claimed, set(by_id), strict=impl.strict,
                                    whole_suite=scope.claims_whole_suite,
                                    allow_growth=args.allow_unsupported_growth, exact=True)
            gated.append((impl.name, rep))
    if not runs:
        raise HarnessError("no implementation could run")
    status = write_matrix(runs, suite, args)
    for name, rep in gated:
        print(f"--- {name}")
        print(expectations.gate_text(rep))
    if gated:
        failed = [name for name, rep in gated if not rep.ok]
        print(f"MATRIX GATE: {'FAIL: ' + ', '.join(failed) if failed else 'pass'} "
              f"({len(gated)} implementations held to conformance/expectations/)")
        status = EXIT_FAILURES if failed else status
    if broken and (args.gate or args.update_expectations):
        print(f"matrix: could not run {', '.join(broken)}", file=sys.stderr)
        status = EXIT_ERROR
    return status


def write_matrix(runs: list[session.RunResult], suite: casesmod.Suite,
                 args: argparse.Namespace) -> int:
    by_id = suite.by_id()
    print(matrix.area_table(runs, matrix.page_changes(runs, by_id, suite.oracles)))
    out = Path(args.out)
    matrix.write_page(out, runs, by_id, suite.oracles)
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
    add_adapter_limits(p)


def add_adapter_limits(p: argparse.ArgumentParser) -> None:
    """How much an adapter may cost (spec/protocol.md section 1)."""
    p.add_argument("--hello-timeout", type=float, default=30.0,
                   help="seconds to wait for an adapter's hello line (default 30)")
    p.add_argument("--max-reply-bytes", type=int, default=runner.MAX_REPLY_BYTES,
                   help="a longer result line is a protocol error (default 256 MiB)")
    p.add_argument("--give-up-after", type=int, default=5, metavar="N",
                   help="after N cases in a row crash, time out or break the protocol, and "
                   "then one of another template too, charge the adapter's other cases as "
                   "not run (default 5; 0: never give up)")


def add_output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--results", default="build/results",
                   help="directory for <impl>.json results and adapter logs")
    p.add_argument("--junit", help="write JUnit XML here ({impl} is replaced by the name)")
    add_gate_options(p)
    p.add_argument("--max-failures", type=int, default=20,
                   help="failing cases to print as reproducers (default 20); under a gate "
                   "the cases it fails on come first")
    p.add_argument("--show-known", action="store_true",
                   help="under a gate, print known failing cases too, after the new ones")
    p.add_argument("--summary-only", action="store_true",
                   help="print only the gate and the one-line summary")


def add_gate_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gate", action="store_true",
                   help="exit 1 only when a case does worse than conformance/expectations/"
                   "<impl>.txt says (a missing file is exit 2, before anything runs)")
    p.add_argument("--expectations", metavar="FILE",
                   help="gate on (or update) this expectations file instead")
    p.add_argument("--update-expectations", action="store_true",
                   help="rewrite the lines of the selected cases in the expectations file "
                   "from this run, say what changed, exit 0")
    p.add_argument("--allow-unsupported-growth", action="store_true",
                   help="under a gate, a case that became unsupported is not a regression")
    p.add_argument("--exact-expectations", action="store_true",
                   help="under a gate, any difference from the file fails, better ones too "
                   "(the matrix's gate)")


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
    r.add_argument("--hello-timeout", type=float, default=60.0,
                   help="seconds to wait for an oracle's hello line (default 60)")
    r.add_argument("--reuse", action="append", default=[], metavar="DIR",
                   help="a suite recorded before (repeatable): each oracle it names runs only "
                   "the cases not in it to the byte (after a merge: the suites of both sides)")
    r.set_defaults(func=cmd_record)

    c = sub.add_parser("changes", help="rewrite the spec's table of version changes")
    c.add_argument("--cases", default=str(casesmod.CONFORMANCE_DIR))
    c.set_defaults(func=cmd_changes)

    t = sub.add_parser("contents", help="rewrite the spec's table of contents")
    t.set_defaults(func=cmd_contents)

    w = sub.add_parser("site", help="the spec, guide, rules, code, cases and implementations "
                       "as static pages")
    w.add_argument("--out", default="build/site")
    w.add_argument("--results", default="build/results",
                   help="the implementations' results to show (make matrix writes them)")
    w.set_defaults(func=cmd_site)
    h = sub.add_parser("history", help="each implementation over its releases, by area and rule")
    h.add_argument("--cases", default=str(casesmod.CONFORMANCE_DIR))
    h.add_argument("--results", default="build/results",
                   help="where results are read from (when of this suite) and written")
    h.add_argument("--out", default="build/history")
    h.add_argument("--family", action="append", default=None,
                   help="an implementation with releases pinned (default: micropython, brython)")
    h.add_argument("--shard", action="append", default=[], metavar="FAMILY=I/N",
                   help="judge a family's releases on that slice of the suite only "
                   "(e.g. brython=1/4: a slow runtime's releases in minutes)")
    h.add_argument("-j", "--jobs", type=int, default=2)
    h.set_defaults(func=cmd_history)

    o = sub.add_parser("oracles", help="list the CPythons that record would use")
    o.set_defaults(func=cmd_oracles)

    u = sub.add_parser("run", help="run the suite against implementations", epilog=EXIT_HELP,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
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
                   "input ends (for Valgrind and sanitizer checks, which report at exit)")
    add_output_options(u)
    u.set_defaults(func=cmd_run)

    m = sub.add_parser("merge", help="merge results of shards into one report", epilog=EXIT_HELP,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    m.add_argument("files", nargs="+", help="results JSON files of one implementation")
    m.add_argument("--cases", default=str(casesmod.CONFORMANCE_DIR))
    m.set_defaults(require_clean_exit=False)
    add_output_options(m)
    m.set_defaults(func=cmd_merge)

    x = sub.add_parser("matrix", help="run everything installed; table and HTML matrix", epilog=EXIT_HELP,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    x.add_argument("impl", nargs="*", help="implementations (default: all installed)")
    x.add_argument("--cases", default=str(casesmod.CONFORMANCE_DIR))
    add_selection_options(x)
    x.add_argument("--results", default="build/results")
    x.add_argument("--out", default="build/matrix/index.html")
    x.add_argument("--gate", action="store_true",
                   help="hold each column to conformance/expectations/<name>.txt exactly")
    x.add_argument("--update-expectations", action="store_true",
                   help="rewrite each column's expectations from this run (the selected cases)")
    x.add_argument("--expectations-dir", metavar="DIR",
                   help="the expectations files (default conformance/expectations)")
    x.set_defaults(expectations=None, exact_expectations=True, allow_unsupported_growth=False)
    x.add_argument("--from-results", nargs="+", metavar="JSON",
                   help="build the table and page from results files instead of running")
    x.set_defaults(func=cmd_matrix)

    e = sub.add_parser("explain", help="a case explained: rules, program, memory layout, "
                       "outcomes, implementations, C code",
                       description=explain.__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    e.add_argument("ids", nargs="+", metavar="CASE_ID", help="case ids, or globs of them")
    e.add_argument("--cases", default=str(casesmod.CONFORMANCE_DIR))
    e.add_argument("--results", default=str(explain.RESULTS_DIR),
                   help="where the implementations' results are (default build/results)")
    form = e.add_mutually_exclusive_group()
    form.add_argument("--svg", action="store_true", help="the diagram alone, as SVG")
    form.add_argument("--html", action="store_true", help="the whole explanation as a page")
    e.add_argument("--out", help="write to this file (one case) or directory (several)")
    e.set_defaults(func=cmd_explain)

    b = sub.add_parser("bench", help="cases per second of each implementation, side by side")
    b.add_argument("impl", nargs="+")
    b.add_argument("--cases", default=str(casesmod.CONFORMANCE_DIR))
    b.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    b.set_defaults(func=cmd_bench)

    exporters.add_commands(sub)     # exporter, exporters: chapter 16, the other side
    fuzz_command.add_commands(sub)  # fuzz, shrink: issue 12
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.raw_argv = list(sys.argv[1:] if argv is None else argv)   # fuzz re-runs itself
    for option in ("timeout", "hello_timeout", "max_reply_bytes"):
        if getattr(args, option, 1) <= 0:
            print(f"error: --{option.replace('_', '-')} must be positive", file=sys.stderr)
            return EXIT_ERROR
    if getattr(args, "give_up_after", 0) < 0:
        print("error: --give-up-after must be 0 or more", file=sys.stderr)
        return EXIT_ERROR
    try:
        return args.func(args)
    except (HarnessError, casesmod.CaseFileError, generate.TemplateError,
            impls.ImplError, runner.AdapterError, select.SelectionError,
            expectations.ExpectationsError, report.ResultsError, bench.BenchError,
            exporters.ExporterError, scopemod.ScopeError, explain.ExplainError,
            *fuzz_command.ERRORS) as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_ERROR
