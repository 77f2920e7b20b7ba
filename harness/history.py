"""`make history`: each implementation over its releases, by area and by rule.

For MicroPython and Brython, every release package.json pins (npm aliases
micropython-1.23.0 ... beside the current one) runs the whole suite; a
release's pass rate in an area is the share of the cases it could run there
(not unsupported) that pass (`message`, a right outcome in other words,
counts as a pass). Between two releases, a case that went from failing to
passing is a fix and the reverse a regression, each counted under the rules
the case cites.

For CPython the oracles are the releases, one series per platform (64-bit
natives, 32-bit wasm32): a release's rate in an area is the share of its
recorded cases whose outcomes are those of the newest release of the series,
and a case that comes to agree with the newest is a "fix", one that stops
agreeing a "regression" (a change that a later release undid).

Results come from build/results/<name>.json when those are of this suite,
whole (as `make matrix` leaves them); a release without them is run here,
its results kept in build/results/history/. With --shard I/N every release
is judged on that deterministic slice of the suite only (the charts say
so): the way to chart a slow runtime's releases in a few minutes each.
Out: a table per implementation in the terminal, and build/history/ with an
SVG chart per implementation and index.html showing them with the biggest
fixes and regressions by rule.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import impls, report, session
from .cases import Suite, area_of, version_tuple
from .scope import suite_hash
from .select import shard_of

PASSING = ("pass", "message")
SHOWN_RULES = 5          # fixes and regressions named per step
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39",
           "#7b4173", "#3182bd", "#e6550d"]


@dataclass
class Step:
    """What changed from one release to the next, by rule."""
    fixes: Counter = field(default_factory=Counter)
    regressions: Counter = field(default_factory=Counter)
    fixed_cases: int = 0
    broken_cases: int = 0


@dataclass
class Series:
    """One implementation over its releases, oldest first."""
    name: str
    releases: list[str]                       # labels
    rates: dict[str, list[float | None]]      # area -> rate per release (None: nothing run)
    judged: list[int]                         # cases judged per release
    steps: list[Step]                         # len(releases) - 1
    verbs: tuple[str, str] = ("fixed", "broke")   # what a fix and a regression are called


# ----------------------------------------------------------- releases ---

def family_releases(family: str) -> list[str]:
    """The implementation names of a family's pinned releases, oldest first;
    the family's own name (the current release) is the newest."""
    older = [n for n in impls.node_packages() if impls.family(n) == family and n != family]
    return sorted(older, key=impls.release_key) + [family]


def in_shard(case_id: str, shard: tuple[int, int] | None) -> bool:
    return shard is None or shard_of(case_id, shard[1]) == shard[0]


def results_of(name: str, suite: Suite, digest: str, results_dir: Path, jobs: int,
               shard: tuple[int, int] | None = None) -> session.RunResult:
    """This release's results over the suite (or its shard): from a file of
    this suite that holds them (the matrix's, whole, or one this wrote),
    else from a run now."""
    label = "" if shard is None else f"-shard{shard[0]}of{shard[1]}"
    own = results_dir / "history" / f"{name}{label}.json"
    for path in (results_dir / f"{name}.json", own):
        if not path.exists():
            continue
        run, scope = report.load_results(path)
        whole = scope and scope.get("selected") == len(suite.cases) and not scope.get("shard")
        if scope and scope.get("suite") == digest and (whole or path == own):
            run.results = [r for r in run.results if in_shard(r.id, shard)]
            return run
    impl = impls.resolve(name)
    chosen = [c for c in suite.cases if in_shard(c["id"], shard)]
    progress = report.Progress(name, len(chosen))
    run = session.run(impl, suite, chosen, jobs=jobs, log_dir=results_dir / "logs",
                      on_result=progress)
    progress.finish()
    own.parent.mkdir(parents=True, exist_ok=True)
    report.write_results(run, own, {"suite": digest, "suite_cases": len(suite.cases),
                                    "selection": {}, "shard": None, "selected": len(chosen),
                                    "strict_messages": False})
    return run


def implementation_series(family: str, runs: list[session.RunResult]) -> Series:
    areas = sorted({r.area for run in runs for r in run.results})
    rates: dict[str, list[float | None]] = {a: [] for a in areas}
    judged = []
    for run in runs:
        by_area: dict[str, Counter] = defaultdict(Counter)
        for r in run.results:
            by_area[r.area][r.status] += 1
        for a in areas:
            c = by_area[a]
            n = sum(c.values()) - c["unsupported"]
            rates[a].append(sum(c[s] for s in PASSING) / n if n else None)
        judged.append(sum(1 for r in run.results if r.status != "unsupported"))
    steps = []
    for before, after in zip(runs, runs[1:]):
        was = {r.id: r.status for r in before.results}
        step = Step()
        for r in after.results:
            old = was.get(r.id)
            if old in PASSING and r.status in session.FAILING:
                step.broken_cases += 1
                step.regressions.update(r.rules)
            elif old in session.FAILING and r.status in PASSING:
                step.fixed_cases += 1
                step.fixes.update(r.rules)
        steps.append(step)
    labels = [run.hello.version or run.impl.name for run in runs]
    return Series(family, labels, rates, judged, steps)


# ------------------------------------------------------------ CPython ---

def oracle_series(suite: Suite, platform: str) -> Series | None:
    """The CPython oracles of one platform, judged by agreement with the
    newest of them."""
    series = sorted((o for o in suite.oracles if o.platform == platform),
                    key=lambda o: version_tuple(o.version) + (o.version,))
    if len(series) < 2:
        return None
    newest = series[-1]
    areas = sorted({area_of(c["id"]) for c in suite.cases})
    agree: dict[str, list[Counter]] = {a: [Counter() for _ in series] for a in areas}
    steps = [Step() for _ in series[1:]]
    judged = [0] * len(series)
    for case in suite.cases:
        got = {n: repr(g["outcomes"]) for g in case.get("expect") or [] for n in g["oracles"]}
        if newest.name not in got:
            continue
        same = [got[o.name] == got[newest.name] if o.name in got else None for o in series]
        for i, s in enumerate(same):
            if s is not None:
                agree[area_of(case["id"])][i][s] += 1
                judged[i] += 1
        for i, (a, b) in enumerate(zip(same, same[1:])):
            if a is False and b is True:
                steps[i].fixed_cases += 1
                steps[i].fixes.update(case["rules"])
            elif a is True and b is False:
                steps[i].broken_cases += 1
                steps[i].regressions.update(case["rules"])
    rates = {a: [(c[True] / (c[True] + c[False]) if c[True] + c[False] else None)
                 for c in agree[a]] for a in areas}
    return Series(f"cpython-{platform}", [o.version for o in series], rates, judged, steps,
                  ("changed", "undid"))


# ------------------------------------------------------------- output ---

def file_name(s: Series) -> str:
    return s.name.split(" ")[0]


def percent(rate: float | None) -> str:
    return "-" if rate is None else f"{100 * rate:.0f}%"


def top(counter: Counter) -> str:
    return ", ".join(f"{rule} ({n})" for rule, n in
                     sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:SHOWN_RULES]) or "none"


def terminal_table(s: Series) -> str:
    width = max(9, *(len(r) + 1 for r in s.releases))
    lines = [f"{s.name}: pass rate by area, release by release", "",
             f"{'area':<11}" + "".join(f"{r:>{width}}" for r in s.releases)]
    for area, rates in s.rates.items():
        lines.append(f"{area:<11}" + "".join(f"{percent(x):>{width}}" for x in rates))
    lines.append(f"{'(judged)':<11}" + "".join(f"{n:>{width}}" for n in s.judged))
    lines.append("")
    for (a, b), step in zip(zip(s.releases, s.releases[1:]), s.steps):
        lines.append(f"  {a} -> {b}: {step.fixed_cases} cases {s.verbs[0]}, "
                     f"{step.broken_cases} {s.verbs[1]}")
        lines.append(f"    {s.verbs[0]} by rule: {top(step.fixes)}")
        lines.append(f"    {s.verbs[1]} by rule: {top(step.regressions)}")
    return "\n".join(lines)


def svg_chart(s: Series) -> str:
    """A line per area: pass rate (0-100%) over the releases."""
    w, h, left, right, top_, bottom = 720, 320, 50, 150, 30, 40
    pw, ph = w - left - right, h - top_ - bottom
    n = len(s.releases)

    def x(i: int) -> float:
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(rate: float) -> float:
        return top_ + ph * (1 - rate)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           f'font-family="sans-serif" font-size="11">',
           f'<text x="{left}" y="18" font-size="13">{html.escape(s.name)}: pass rate by area</text>']
    for pct in (0, 25, 50, 75, 100):
        yy = y(pct / 100)
        out.append(f'<line x1="{left}" y1="{yy:.1f}" x2="{left + pw}" y2="{yy:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{pct}%</text>')
    for i, label in enumerate(s.releases):
        out.append(f'<text x="{x(i):.1f}" y="{h - bottom + 16}" text-anchor="middle">'
                   f'{html.escape(label)}</text>')
    for k, (area, rates) in enumerate(s.rates.items()):
        colour = COLOURS[k % len(COLOURS)]
        points = [(x(i), y(r)) for i, r in enumerate(rates) if r is not None]
        if len(points) > 1:
            out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                       + " ".join(f"{px:.1f},{py:.1f}" for px, py in points) + '"/>')
        for px, py in points:
            out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>')
        ly = top_ + 14 * k
        out.append(f'<rect x="{w - right + 10}" y="{ly}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{w - right + 24}" y="{ly + 9}">{html.escape(area)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def page(series: list[Series]) -> str:
    parts = ["<!doctype html><meta charset='utf-8'><title>mvspec history</title>",
             "<h1>Each implementation over its releases</h1>",
             "<p>Pass rate by area of the cases each release could run (not unsupported); "
             "for CPython, the share of recorded outcomes equal to the newest release's. "
             "Generated by <code>make history</code>.</p>"]
    for s in series:
        parts.append(f"<h2>{html.escape(s.name)}</h2>")
        parts.append(f'<img src="{html.escape(file_name(s))}.svg" alt="{html.escape(s.name)} chart">')
        fix, broke = s.verbs
        parts.append(f"<table border=1 cellpadding=3><tr><th>step</th><th>cases {fix}</th>"
                     f"<th>{fix} by rule</th><th>cases {broke}</th><th>{broke} by rule</th></tr>")
        for (a, b), step in zip(zip(s.releases, s.releases[1:]), s.steps):
            parts.append(f"<tr><td>{html.escape(a)} → {html.escape(b)}</td>"
                         f"<td>{step.fixed_cases}</td><td>{html.escape(top(step.fixes))}</td>"
                         f"<td>{step.broken_cases}</td><td>{html.escape(top(step.regressions))}</td></tr>")
        parts.append("</table>")
    return "\n".join(parts) + "\n"


def write(series: list[Series], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for s in series:
        (out / f"{file_name(s)}.svg").write_text(svg_chart(s), encoding="utf-8")
    (out / "index.html").write_text(page(series), encoding="utf-8")


def build(suite: Suite, cases_dir: Path, results_dir: Path, jobs: int,
          families: tuple[str, ...] = ("micropython", "brython"),
          shards: dict[str, tuple[int, int]] | None = None) -> list[Series]:
    """Each family's series (judged on its shard, if given one), then the
    CPython oracles'."""
    digest = suite_hash(cases_dir)
    series = []
    for family in families:
        shard = (shards or {}).get(family)
        runs = [results_of(name, suite, digest, results_dir, jobs, shard)
                for name in family_releases(family)]
        s = implementation_series(family, runs)
        if shard is not None:
            s.name = f"{family} (shard {shard[0]}/{shard[1]})"
        series.append(s)
    for platform in ("64le", "32le"):
        s = oracle_series(suite, platform)
        if s is not None:
            series.append(s)
    return series
