"""The matrix: implementations x rules, as a terminal table and one HTML page.

This is how people compare implementations: a row per spec rule, a column per
implementation, each cell the share of the rule's cases that pass. A cell
with failures links to them; each failing case is shown as the short Python
program it stands for, with CPython's outcome and the implementation's side
by side.

The page is self-contained (inline CSS, no script, no network): cells are
links to panels that CSS shows when they are the URL's target.

Where CPython's own builds disagree on a case (so columns judged by
different oracles are held to different answers), the page says which kind
of difference it is: a language change (two versions, one word size), a
platform difference (one version, two word sizes), or undetermined, with
the two builds that show it. The labels come from harness/changes.py, the
code that writes the spec's "Version changes" table: one classifier.
"""

from __future__ import annotations

import base64
import html
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from . import changes as changesmod, compare, markdown, reproduce, spec
from .cases import Oracle
from .report import outcome_text
from .values import printable
from .session import FAILING, STATUSES, CaseResult, RunResult

SHOWN_PER_CELL = 40          # failing cases rendered per cell; the rest are counted


@dataclass
class Cell:
    counts: Counter
    failing: list[CaseResult]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def kind(self) -> str:
        c = self.counts
        if not self.total:
            return "none"
        if any(c[s] for s in FAILING):
            return "fail"
        if c["message"]:
            return "message"
        if c["pass"]:
            return "pass"
        return "unsupported"


def cells_by_rule(run: RunResult) -> dict[str, Cell]:
    cells: dict[str, Cell] = defaultdict(lambda: Cell(Counter(), []))
    for r in run.results:
        for rule in r.rules:
            cell = cells[rule]
            cell.counts[r.status] += 1
            if r.status in FAILING or r.status == "message":
                cell.failing.append(r)
    return cells


def area_kinds(changes: list[changesmod.Change]) -> dict[str, Counter]:
    """Per area, how many of its cases whose oracles disagree show each kind
    of difference (a case showing both counts under both)."""
    out: dict[str, Counter] = defaultdict(Counter)
    for change in changes:
        for case in change.cases:
            for kind in change.label.kinds():
                out[case["id"].split("/", 1)[0]][kind] += 1
    return out


KIND_LETTER = {changesmod.LANGUAGE: "L", changesmod.PLATFORM: "P", changesmod.UNDETERMINED: "?"}


def kinds_text(c: Counter) -> str:
    return " ".join(f"{KIND_LETTER[k]}{c[k]}" for k in KIND_LETTER if c[k]) or "-"


def area_table(runs: list[RunResult], changes: list[changesmod.Change] | None = None) -> str:
    """Implementation x area: pass/fail/unsupported/crash/timeout counts;
    given the version changes among the cases, a last column saying how many
    cases of each area CPython's builds part on, by kind."""
    areas = sorted({r.area for run in runs for r in run.results})
    per = {run.impl.name: defaultdict(Counter) for run in runs}
    for run in runs:
        for r in run.results:
            per[run.impl.name][r.area][r.status] += 1

    def cell(c: Counter) -> str:
        bad = sum(c[s] for s in FAILING)
        text = f"{c['pass'] + c['message']}/{sum(c.values()) - c['unsupported']}"
        if bad:
            text += f" F{c['fail']}" + (f" C{c['crash']}" if c["crash"] else "") \
                + (f" T{c['timeout']}" if c["timeout"] else "")
        if c["unsupported"]:
            text += f" U{c['unsupported']}"
        return text
    names = [run.impl.name for run in runs]
    rows = [[a] + [cell(per[n][a]) for n in names] for a in areas]
    rows.append(["all"] + [cell(sum(per[n].values(), Counter())) for n in names])
    head = ["area"] + names
    if changes is not None:
        kinds = area_kinds(changes)
        head.append("CPython parts")
        for row in rows[:-1]:
            row.append(kinds_text(kinds.get(row[0], Counter())))
        rows[-1].append(kinds_text(sum(kinds.values(), Counter())))
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    out = [line(head), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append("cells: passed/run (message-only counts as passed), F fail, C crash, "
               "T timeout, U unsupported")
    if changes is not None:
        out.append("CPython parts: cases whose recorded CPythons disagree, by kind: L language "
                   "(two versions, one word size), P platform (one version, 32 vs 64 bit), "
                   "? undetermined; the matrix page and spec/memoryview.md (Version changes) "
                   "name the builds that show each")
    return "\n".join(out)


# ----------------------------------------------------------------- HTML ---

CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: center; }
th.rule, td.rule { text-align: left; white-space: nowrap; }
td.pass { background: #d7f5d7; } td.fail { background: #f7c9c9; }
td.message { background: #fbf0c2; } td.unsupported, td.none { background: #eee; color: #777; }
td a { color: inherit; text-decoration: none; display: block; }
tr.area th { background: #f3f3f3; text-align: left; }
.panel { display: none; border: 2px solid #c33; padding: 0.5em 1em; margin: 1em 0; }
.panel:target { display: block; }
.case { margin: 0.8em 0; border-top: 1px solid #ddd; padding-top: 0.5em; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 0.8em; }
pre { background: #f6f6f6; padding: 0.5em; margin: 0.2em 0; white-space: pre-wrap; }
.expected pre { background: #eef6ee; } .actual pre { background: #f8ecec; }
.legend span { padding: 1px 6px; margin-right: 6px; }
.muted { color: #777; font-size: 0.9em; }
td.parts { font-size: 0.85em; white-space: nowrap; }
td.parts a { display: inline; text-decoration: underline dotted; }
#changes-table td { text-align: left; vertical-align: top; }
"""


def cell_id(rule: str, impl: str) -> str:
    return f"cell-{rule}-{impl}".replace("/", "_").replace(" ", "_")


def escaped(value: str) -> str:
    """Text from outside (an adapter's words) for the page: escaped for HTML,
    and every character a reader would not see as itself (a control, a
    bidirectional override) written as its escape; lines are kept."""
    return html.escape(printable(str(value), keep="\t\n"))


def case_html(r: CaseResult, case: dict) -> str:
    head, steps = reproduce.case_lines(case)
    program = "\n".join(head + steps)
    diffs = "".join(
        f"<div>step {d.step + 1}: <code>{escaped(steps[d.step])}</code></div>"
        f"<div class='side'><div class='expected'>CPython ({escaped(r.oracle or '')})"
        f"<pre>{escaped(outcome_text(d.expected))}</pre></div>"
        f"<div class='actual'>this implementation<pre>{escaped(outcome_text(d.actual))}</pre></div></div>"
        for d in r.diffs)
    detail = f"<pre class='detail'>{escaped(r.detail)}</pre>" if r.detail else ""
    return (f"<div class='case' data-case='{escaped(r.id)}'><b>{escaped(r.id)}</b> — "
            f"{escaped(r.status)}{detail}<pre class='program'>{escaped(program)}</pre>"
            f"{diffs}</div>")


def parts_cell(rule: str, labels: dict[str, dict[str, changesmod.Change]],
               changes: list[changesmod.Change]) -> str:
    """The rule's "CPython parts" cell: the kinds of difference among its
    cases' recordings, each linking to the row of the changes table that
    shows it, whose evidence is the link's title."""
    found = labels.get(rule)
    if not found:
        return "<td class='parts'></td>"
    links = []
    for kind, change in sorted(found.items()):
        rid = change_row_id(change, changes)
        links.append(f"<a href='#{rid}' data-kind='{kind}' "
                     f"title='{html.escape(change.label.text())}'>{kind}</a>")
    return f"<td class='parts' data-kinds='{' '.join(sorted(found))}'>{', '.join(links)}</td>"


def change_row_id(change: changesmod.Change, changes: list[changesmod.Change]) -> str:
    """The id of a change's row in the page's table: its place in it (a
    case id holds characters a URL fragment would have to escape)."""
    return f"change-{next(i for i, c in enumerate(changes, 1) if c is change)}"


def changes_html(changes: list[changesmod.Change]) -> str:
    """The version changes among the cases on the page, as the spec's
    table has them: each labelled language, platform or undetermined."""
    if not changes:
        return ("<h2 id='changes'>Where CPython's builds part</h2><p>The recorded CPythons "
                "agree on every case here.</p>")
    count = Counter(k for c in changes for k in c.label.kinds())
    rows = []
    for change in changes:
        sides = "<br>".join(markdown.inline(f"{', '.join(who)}: `{what}`"
                                            + changesmod.example_value(change.cases[0], who, what))
                            for who, what in change.sides)
        rows.append(f"<tr id='{change_row_id(change, changes)}' data-kinds='{' '.join(change.label.kinds())}' "
                    f"data-case='{html.escape(change.cases[0]['id'])}'>"
                    f"<td class='kind'>{html.escape(change.label.text())}</td><td>{sides}</td>"
                    f"<td>{len(change.cases)}</td><td>{html.escape(changesmod.cited_rules(change.cases))}</td>"
                    f"<td><code>{html.escape(change.cases[0]['id'])}</code></td></tr>")
    return ("<h2 id='changes'>Where CPython's builds part</h2>"
            f"<p>{sum(len(c.cases) for c in changes)} of the cases here were recorded differently "
            f"by CPython's builds, in {len(changes)} changes: "
            + ", ".join(f"{count[k]} {k}" for k in (changesmod.LANGUAGE, changesmod.PLATFORM,
                                                    changesmod.UNDETERMINED) if count[k])
            + ". A <b>language</b> change: two builds for one word size, of different versions, "
            "part. A <b>platform</b> difference: two builds of one version, for 32 and 64 bit, "
            "part. <b>Undetermined</b>: no two builds on the case's sides share a version or a "
            "word size. Each label names the two builds that show it; a column is held to the "
            "answer of its own version and word size (spec/protocol.md section 9). The "
            "spec's Version changes table is the same list over the whole suite.</p>"
            "<table id='changes-table'><tr><th>kind (evidence)</th><th>versions: outcome</th>"
            "<th>cases</th><th>rules</th><th>for example</th></tr>" + "".join(rows) + "</table>")


# The chart `make bench` draws (harness/opbench.py): shown on the page when
# it has been drawn in this tree.
SLICING_CHART = Path(__file__).resolve().parent.parent / "build" / "bench" / "slicing.svg"


def chart_html(svg: bytes) -> str:
    """The slicing chart, as an image (data URI: the page stays one file, and
    an SVG shown as an image runs nothing)."""
    data = base64.b64encode(svg).decode("ascii")
    return ("<h2>Zero copy: slicing cost against buffer size</h2>"
            "<p>x[1:-1] of the builtin memoryview, of mvref.memoryview and of bytes, "
            "from 1 KiB up (<code>make bench</code>, harness/opbench.py): a slice of a "
            "view copies nothing, so its cost stays flat; a slice of bytes copies.</p>"
            f"<p><img alt='slicing cost against buffer size' "
            f"src='data:image/svg+xml;base64,{data}'></p>")


def whose(run: RunResult, oracles: list[Oracle] | None) -> str:
    """Whether a column's oracle is of its own version and word size (then
    it alone judges, compare.is_exact) or the closest recorded."""
    o = next((o for o in oracles or [] if o.name == run.oracle), None)
    if o is None:
        return ""
    own = compare.is_exact(run.hello, [o])
    return (" <span class='muted'>(its own version and word size)</span>" if own
            else " <span class='muted'>(the closest recorded)</span>")


def page_changes(runs: list[RunResult], cases: dict[str, dict],
                 oracles: list[Oracle]) -> list[changesmod.Change]:
    """The version changes among the cases the runs ran (in the suite's
    order, as the spec's table takes them, so a row's example is the same)."""
    ran = {r.id for run in runs for r in run.results}
    return changesmod.rows([c for i, c in cases.items() if i in ran], oracles)


def page(runs: list[RunResult], cases: dict[str, dict], rules: list[spec.Rule],
         title: str = "mvspec conformance matrix", chart: bytes | None = None,
         oracles: list[Oracle] | None = None) -> str:
    """The page; given the suite's oracles, with the version changes among
    the cases run (a column per rule, and a table)."""
    cells = {run.impl.name: cells_by_rule(run) for run in runs}
    changes = page_changes(runs, cases, oracles) if oracles is not None else None
    labels = changesmod.rule_labels(changes) if changes else {}
    names = [run.impl.name for run in runs]
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>",
             f"<h1>{html.escape(title)}</h1>",
             f"<p>{len(cases)} cases, {len(rules)} rules. Each cell: cases of that rule "
             "that pass / cases run. A coloured cell with failures links to them.</p>",
             "<p class='legend'><span class='pass' style='background:#d7f5d7'>all pass</span>"
             "<span style='background:#fbf0c2'>only messages differ</span>"
             "<span style='background:#f7c9c9'>failures</span>"
             "<span style='background:#eee'>unsupported / no case</span></p>",
             "<h2>Implementations</h2><table id='impls'><tr><th>name</th><th>implementation</th>"
             "<th>version</th><th>Python</th><th>platform</th><th>compared with</th>"
             + "".join(f"<th>{s}</th>" for s in STATUSES) + "</tr>"]
    for run in runs:
        c = run.counts()
        h = run.hello
        parts.append(f"<tr><td>{escaped(run.impl.name)}</td><td>{escaped(h.implementation)}</td>"
                     f"<td>{escaped(h.version)}</td><td>{escaped(h.language)}</td>"
                     f"<td>{h.platform}</td><td>{escaped(run.oracle)}{whose(run, oracles)}</td>"
                     + "".join(f"<td>{c[s]}</td>" for s in STATUSES) + "</tr>")
    parts.append("</table><h2>Rules</h2><table id='matrix'><tr><th class='rule'>rule</th>"
                 + ("<th title='the kinds of difference among the recorded CPythons, on the "
                    "rule&#39;s cases'><a href='#changes'>CPython parts</a></th>"
                    if changes is not None else "")
                 + "".join(f"<th>{html.escape(n)}</th>" for n in names) + "</tr>")
    panels = []
    area = None
    for rule in rules:
        if rule.area != area:
            area = rule.area
            width = len(names) + 1 + (changes is not None)
            parts.append(f"<tr class='area'><th colspan='{width}'>{area}</th></tr>")
        parts.append(f"<tr data-rule='{rule.id}'><td class='rule' title='{html.escape(rule.title)}'>"
                     f"{rule.id} — {html.escape(rule.title)}</td>")
        if changes is not None:
            parts.append(parts_cell(rule.id, labels, changes))
        for n in names:
            cell = cells[n].get(rule.id)
            if cell is None:
                parts.append("<td class='none'>–</td>")
                continue
            run_count = cell.total - cell.counts["unsupported"]
            text = f"{cell.counts['pass'] + cell.counts['message']}/{run_count}" if run_count else "unsupported"
            if cell.failing:
                cid = cell_id(rule.id, n)
                parts.append(f"<td class='{cell.kind}'><a href='#{cid}'>{text}</a></td>")
                shown = cell.failing[:SHOWN_PER_CELL]
                more = len(cell.failing) - len(shown)
                panels.append(
                    f"<div class='panel' id='{cid}'><h3>{html.escape(n)} — {rule.id}: "
                    f"{html.escape(rule.title)}</h3><p>{len(cell.failing)} cases differ from CPython"
                    + (f"; the first {len(shown)} are shown, the rest are in the results JSON" if more else "")
                    + "</p>" + "".join(case_html(r, cases[r.id]) for r in shown) + "</div>")
            else:
                parts.append(f"<td class='{cell.kind}'>{text}</td>")
        parts.append("</tr>")
    parts.append("</table>")
    if changes is not None:
        parts.append(changes_html(changes))
    if chart is not None:
        parts.append(chart_html(chart))
    parts += panels
    parts.append("</body></html>")
    return "\n".join(parts)


def write_page(path: Path, runs: list[RunResult], cases: dict[str, dict],
               oracles: list[Oracle] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Chapter 16's rules are judged by the exporter checker, not by cases.
    rules = [r for r in spec.parse() if r.area not in spec.CHECKER_AREAS]
    chart = SLICING_CHART.read_bytes() if SLICING_CHART.is_file() else None
    path.write_text(page(runs, cases, rules, chart=chart, oracles=oracles), encoding="utf-8")
