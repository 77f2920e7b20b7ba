"""`make site`: the spec, the guide, the code, the cases and every
implementation, joined as static pages (build/site/).

    index.html                  where to start: the guide, the spec, the rules, the implementations
    guide.html                  spec/guide.md
    spec.html                   spec/memoryview.md, an anchor per rule
    rules/<RULE>.html           one page per rule: its text, its example, the layout diagram of
                                a case of it, the C that realises it (excerpts linked to their
                                lines), its cases, and its status in every implementation
    code/<path>.html            each file of the reference (and the case templates), lines numbered
    explain/<case>.html         `python3 -m harness explain` of the cases the pages show
    differences/<impl>.html     per implementation, its divergences grouped by rule, each with its
                                program, both outcomes, the cause and a workaround (docs/differences/)
    impls.html                  every implementation, area by area

Self-contained: one stylesheet of its own, no script, no font or anything
from the network; every link is relative, so the pages work from the file
system. The implementations' status comes from build/results/*.json (`make
matrix`); without them the site is built all the same and says so.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import cases as casesmod
from . import changes, citations, differences, explain, matrix, report, reproduce, spec
from .markdown import inline, render
from .session import FAILING, RunResult

ROOT = Path(__file__).resolve().parent.parent
SHOWN_CASES = 25            # case ids listed on a rule's page; the rest are counted
EXCERPT = 24                # lines of C shown around a citation

CSS = """
body { font: 15px/1.55 system-ui, sans-serif; margin: 0; color: #222; }
header { background: #24364b; padding: 0.6em 1.5em; }
header a { color: #fff; margin-right: 1.2em; text-decoration: none; font-weight: 600; }
main { max-width: 72em; margin: 1.2em auto; padding: 0 1.5em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; } h3 { font-size: 1.05em; }
pre, code { font-family: DejaVu Sans Mono, Menlo, Consolas, monospace; font-size: 13px; }
pre { background: #f5f6f8; padding: 0.7em; overflow-x: auto; border-radius: 4px; }
table { border-collapse: collapse; margin: 0.5em 0; }
td, th { border: 1px solid #d5d8dc; padding: 3px 8px; text-align: left; vertical-align: top; }
td.pass { background: #d7f5d7; } td.fail { background: #f7c9c9; } td.message { background: #fbf0c2; }
td.unsupported, td.none { background: #eee; color: #666; }
.status td { text-align: center; } .status td, .status th { font-size: 13px; padding: 3px 5px; }
.wide { overflow-x: auto; }
figure { margin: 0.6em 0; overflow-x: auto; border: 1px solid #e3e5e8; padding: 0.4em; }
figcaption { font-size: 0.9em; color: #555; }
.excerpt { margin: 0.8em 0; } .excerpt pre { margin: 0.2em 0; }
.code { counter-reset: line; } .code span.l { display: block; }
.code span.l:target { background: #fff3b0; } .code a.n { color: #999; text-decoration: none;
  display: inline-block; width: 4em; user-select: none; }
.hit { background: #fff3b0; display: block; }
.note { border-top: 1px solid #ddd; margin-top: 1.2em; padding-top: 0.4em; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 0.8em; }
.muted { color: #666; } .problem { color: #a33; }
.rule { margin: 0.6em 0 1em; } .rule p { margin: 0.2em 0 0.2em 1em; }
"""


@dataclass
class Site:
    out: Path
    rules: list[spec.Rule]
    cases: dict[str, dict]                          # every case, by id
    by_rule: dict[str, list[str]]                    # rule -> case ids citing it
    runs: list[RunResult]
    explained: dict[str, explain.Explanation] = field(default_factory=dict)
    pages: list[Path] = field(default_factory=list)
    cells: dict[str, dict[str, matrix.Cell]] = field(default_factory=dict)
    # rule -> kind of version change among its cases -> the largest such change
    parts: dict[str, dict[str, changes.Change]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cells = {run.impl.name: matrix.cells_by_rule(run) for run in self.runs}

    # -- paths ----------------------------------------------------------------

    def write(self, rel: str, title: str, body: str) -> None:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        up = os.path.relpath(self.out, path.parent)
        nav = "".join(f"<a href='{up}/{href}'>{name}</a>" for name, href in (
            ("mvspec", "index.html"), ("Guide", "guide.html"), ("Spec", "spec.html"),
            ("Rules", "rules/index.html"), ("Implementations", "impls.html"),
            ("Differences", "differences/index.html")))
        path.write_text(f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
                        f"<title>{html.escape(title)} — mvspec</title>"
                        f"<link rel='stylesheet' href='{up}/site.css'></head><body>"
                        f"<header>{nav}</header><main>{body}</main></body></html>\n",
                        encoding="utf-8")
        self.pages.append(path)

    @staticmethod
    def href(page: str, target: str) -> str:
        """A link from page `page` to `target` (both relative to the site)."""
        return os.path.relpath(target, os.path.dirname(page) or ".").replace(os.sep, "/")

    def rule_page(self, rule_id: str) -> str:
        return f"rules/{rule_id}.html"

    def explain_page(self, case_id: str) -> str:
        return f"explain/{explain.file_name(case_id)}.html"

    # -- status ---------------------------------------------------------------

    def status_row(self, page: str, rule_id: str) -> str:
        if not self.runs:
            return ("<p class='muted'>No results here: <code>make matrix</code> runs every "
                    "implementation installed and the site shows them.</p>")
        heads, cells = [], []
        for run in self.runs:
            cell = self.cells[run.impl.name].get(rule_id)
            name = run.impl.name
            link = (f"<a href='{self.href(page, f'differences/{name}.html')}'>{name}</a>"
                    if name in differences.implementations() else html.escape(name))
            heads.append(f"<th>{link}</th>")
            if cell is None:
                cells.append("<td class='none'>–</td>")
                continue
            ran = cell.total - cell.counts["unsupported"]
            text = f"{cell.counts['pass'] + cell.counts['message']}/{ran}" if ran else "unsupported"
            cells.append(f"<td class='{cell.kind}' title='{dict(cell.counts)}'>{text}</td>")
        return (f"<div class='wide'><table class='status'><tr>{''.join(heads)}</tr>"
                f"<tr>{''.join(cells)}</tr></table></div>"
                "<p class='muted'>Cases of this rule that pass (or differ only in the message) / "
                "cases run, from <code>make matrix</code>.</p>")


# ------------------------------------------------------------------ build ---

def build(out: Path, results_dir: Path) -> Site:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "site.css").write_text(CSS, encoding="utf-8")
    suite = casesmod.load_suite()
    by_rule: dict[str, list[str]] = defaultdict(list)
    for c in suite.cases:
        for r in c["rules"]:
            by_rule[r].append(c["id"])
    runs = [report.read_results(p) for p in sorted(results_dir.glob("*.json"))
            if ".shard-" not in p.name] if results_dir.is_dir() else []
    order = {n: i for i, n in enumerate(explain.Results.ORDER)}
    runs.sort(key=lambda r: (order.get(r.impl.name, len(order)), r.impl.name))
    site = Site(out, spec.parse(), suite.by_id(), by_rule, runs)
    site.parts = changes.rule_labels(changes.rows(suite.cases, suite.oracles))
    chosen = sorted({example_case(site, r.id) for r in site.rules if site.by_rule.get(r.id)}
                    | {n.case for i in differences.implementations() for n in differences.load(i)})
    found = explain.Results(results_dir)
    site.explained = {e.id: e for e in explain.explain([site.cases[i] for i in chosen if i in site.cases],
                                                       found)}
    code_pages(site)
    for e in site.explained.values():
        explain_page(site, e)
    for r in site.rules:
        rule_page(site, r)
    rules_index(site)
    spec_page(site)
    guide_page(site)
    differences_pages(site)
    impls_page(site)
    index_page(site)
    return site


def example_case(site: Site, rule_id: str) -> str:
    """The case a rule's page draws: one of a template that names the rule
    first, and the plainest of those (no huge number, some memory, outcomes
    that are values, fewest rules cited, fewest steps, least setup)."""
    def plainness(i: str) -> tuple:
        c = site.cases[i]
        setup = json.dumps(c["setup"])
        odd = bool(re.search(r"[0-9]{6,}|\*\*", i))        # a huge number: an edge, not an example
        empty = '"bytes": ""' in setup or '"items": []' in setup or not c["setup"]
        recorded = c["expect"][0]["outcomes"] if c.get("expect") else []
        dull = sum("raises" in o or "unbound" in o or o.get("value") in ([], "", {"tuple": [0]})
                   for o in recorded)
        primary = c["rules"].index(rule_id)       # a template names its own rules first
        return odd, empty, primary, dull, len(c["rules"]), len(c["steps"]), len(setup), i
    return min(site.by_rule[rule_id], key=plainness)


# ------------------------------------------------------------------- code ---

CODE_GLOBS = ("reference/src/*.c", "reference/src/*.h", "reference/include/*.h",
              "reference/python/*.c", "reference/python/*.h", "reference/driver/*.c",
              "reference/driver/*.h", "harness/exporter/*.c", "harness/exporter/*.h",
              "spec/templates/*.toml")


@functools.lru_cache(maxsize=1)
def code_files() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for g in CODE_GLOBS for p in ROOT.glob(g))


def code_page_of(path: str) -> str:
    return f"code/{path}.html"


def code_pages(site: Site) -> None:
    files = code_files()
    for path in files:
        page = code_page_of(path)
        lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
        body = "".join(
            f"<span class='l' id='L{n}'><a class='n' href='#L{n}'>{n}</a>"
            f"{link_rules(site, page, html.escape(line))}</span>"
            for n, line in enumerate(lines, 1))
        site.write(page, path, f"<h1>{html.escape(path)}</h1><pre class='code'>{body}</pre>")
    items = "".join(f"<li><a href='{site.href('code/index.html', code_page_of(p))}'>{p}</a></li>"
                    for p in files)
    site.write("code/index.html", "Code", f"<h1>The reference's code and the case templates</h1>"
               f"<ul>{items}</ul>")


def link_rules(site: Site, page: str, text: str) -> str:
    known = {r.id for r in site.rules}
    return re.sub(r"\b([A-Z]+-\d{3})\b", lambda m: (
        f"<a href='{site.href(page, site.rule_page(m.group(1)))}'>{m.group(1)}</a>"
        if m.group(1) in known else m.group(1)), text)


def excerpt(site: Site, page: str, c: citations.Citation) -> str:
    """The lines of the function a citation lies in (at most EXCERPT, around
    the citation), its line marked, linked to the code page."""
    lines = (ROOT / c.path).read_text(encoding="utf-8").splitlines()
    spans = citations.functions("\n".join(lines))
    first, last = next(((a, b) for a, b, name in spans if name == c.function and a - 5 <= c.line <= b),
                       (c.line - 3, c.line + 3))
    first = max(first, c.line - EXCERPT // 2, 1)
    last = min(last, first + EXCERPT - 1, len(lines))
    if c.line > last:
        first, last = max(1, c.line - 3), min(len(lines), c.line + 3)
    shown = "".join((f"<span class='hit'>{html.escape(lines[n - 1])}</span>" if n == c.line
                     else html.escape(lines[n - 1]) + "\n") for n in range(first, last + 1))
    target = f"{site.href(page, code_page_of(c.path))}#L{c.line}"
    name = f" <code>{html.escape(c.function)}()</code>" if c.function else ""
    return (f"<div class='excerpt'><a href='{target}'>{html.escape(c.where)}</a>{name}"
            f"<pre>{shown}</pre></div>")


# ---------------------------------------------------------------- explain ---

def explain_page(site: Site, e: explain.Explanation) -> None:
    page = site.explain_page(e.id)
    body = explain.body_html(
        e, rule_href=lambda r: site.href(page, site.rule_page(r)),
        code_href=lambda c: f"{site.href(page, code_page_of(c.path))}#L{c.line}", uid="x")
    site.write(page, e.id, body + f"<p class='muted'>The same from the command line: "
               f"<code>python3 -m harness explain {html.escape(repr(e.id))}</code></p>")


# ------------------------------------------------------------------ rules ---

def rule_page(site: Site, r: spec.Rule) -> None:
    page = site.rule_page(r.id)
    sec = spec.sections(r)
    parts = [f"<h1>{r.id} — {inline(r.title)}</h1>",
             f"<p class='muted'>Chapter: <a href='{site.href(page, 'spec.html')}#{r.id}'>"
             f"spec/memoryview.md</a>, line {r.line}</p>"]
    parts += [f"<p><b>{name}.</b> {inline(sec[name], link=lambda t: None)}</p>"
              for name in ("Rule", "Why", "Raises", "Versions", "Outside the library") if name in sec]
    for _, tag, code in r.examples:
        parts.append(f"<h2>Example{' (' + tag + ')' if tag else ''}</h2><pre>{html.escape(code)}</pre>")
    parts.append("<h2>Status in every implementation</h2>" + site.status_row(page, r.id))
    parts.append(parts_paragraph(site, page, r.id))
    ids = site.by_rule.get(r.id, [])
    if ids:
        case = example_case(site, r.id)
        e = site.explained.get(case)
        head, steps = reproduce.case_lines(site.cases[case])
        parts.append(f"<h2>The memory of a case</h2><p><a href='{site.href(page, site.explain_page(case))}'>"
                     f"{html.escape(case)}</a>, explained:</p>"
                     f"<pre class='program'>{html.escape(chr(10).join(head + steps))}</pre>")
        if e is not None:
            parts.append(explain.figure(e, uid=r.id))
    elif r.area in spec.CHECKER_AREAS:
        parts.append("<p>This rule is judged by the exporter checker "
                     f"(<a href='{site.href(page, code_page_of(spec.CHECKER_AREAS[r.area]))}'>"
                     f"{spec.CHECKER_AREAS[r.area]}</a>), on real exporters: <code>make exporters</code>.</p>")
    cited = citations.citations(in_opening=False).get(r.id, [])
    parts.append("<h2>The C that realises it</h2>")
    parts += [excerpt(site, page, c) for c in cited] or [
        "<p class='muted'>No C cites it: it is realised outside the library.</p>"]
    parts.append(f"<h2>Cases ({len(ids)})</h2>")
    if ids:
        items = "".join(
            f"<li><a href='{site.href(page, site.explain_page(i))}'>{html.escape(i)}</a></li>"
            if i in site.explained else f"<li><code>{html.escape(i)}</code></li>"
            for i in ids[:SHOWN_CASES])
        more = f"<p class='muted'>… and {len(ids) - SHOWN_CASES} more.</p>" if len(ids) > SHOWN_CASES else ""
        parts.append(f"<ul>{items}</ul>{more}<p class='muted'>Any of them explained: "
                     "<code>python3 -m harness explain CASE_ID</code>.</p>")
    site.write(page, r.id, "".join(parts))


def parts_paragraph(site: Site, page: str, rule_id: str) -> str:
    """Whether CPython's recorded builds part on the rule's cases, and how:
    the version table's labels (harness/changes.py), each with its evidence."""
    found = site.parts.get(rule_id)
    table = f"<a href='{site.href(page, 'spec.html')}#version-changes'>Version changes</a>"
    if not found:
        return f"<p class='muted parts'>CPython's recorded builds agree on every case of this rule ({table}).</p>"
    items = "".join(f"<li data-kind='{kind}'><b>{kind}</b>: {html.escape(change.label.text())} "
                    f"({len(change.cases)} cases, e.g. <code>{html.escape(change.cases[0]['id'])}</code>)</li>"
                    for kind, change in sorted(found.items()))
    return (f"<p class='parts'>CPython's recorded builds part on cases of this rule ({table}: "
            "a language change when two versions for one word size part, a platform difference "
            "when one version for 32 and 64 bit parts):</p>"
            f"<ul class='parts'>{items}</ul>")


def rules_index(site: Site) -> None:
    page = "rules/index.html"
    rows = []
    area = None
    for r in site.rules:
        if r.area != area:
            area = r.area
            rows.append(f"<tr><th colspan='3'>{area}</th></tr>")
        rows.append(f"<tr><td><a href='{site.href(page, site.rule_page(r.id))}'>{r.id}</a></td>"
                    f"<td>{inline(r.title)}</td><td>{len(site.by_rule.get(r.id, []))}</td></tr>")
    site.write(page, "Rules", "<h1>Every rule</h1><table><tr><th>rule</th><th>title</th>"
               f"<th>cases</th></tr>{''.join(rows)}</table>")


# ------------------------------------------------------------ spec, guide ---

def markdown_link(site: Site, page: str, source_dir: Path):
    """A link of a Markdown file of `source_dir`, as the site's."""
    def link(target: str) -> str | None:
        if target.startswith(("#", "http://", "https://")):
            return target
        path, _, anchor = target.partition("#")
        real = (source_dir / path).resolve()
        try:
            rel = str(real.relative_to(ROOT))
        except ValueError:
            return None
        pages = {"spec/memoryview.md": "spec.html", "spec/guide.md": "guide.html"}
        if rel in pages:
            return site.href(page, pages[rel]) + (f"#{anchor}" if anchor else "")
        if rel in code_files():
            return site.href(page, code_page_of(rel))
        return None
    return link


def spec_page(site: Site) -> None:
    text = spec.SPEC_FILE.read_text(encoding="utf-8")
    body = render(text, markdown_link(site, "spec.html", spec.SPEC_FILE.parent))
    # each rule's heading: an anchor by its ID as well, and a link to its page
    body = re.sub(r"<h3 id='([^']+)'>([A-Z]+-\d{3}) — ", lambda m: (
        f"<h3 id='{m.group(1)}'><a id='{m.group(2)}'></a><a href='{site.rule_page(m.group(2))}'>"
        f"{m.group(2)}</a> — "), body)
    site.write("spec.html", "The memoryview specification", body)


def guide_page(site: Site) -> None:
    guide = ROOT / "spec" / "guide.md"
    body = render(guide.read_text(encoding="utf-8"), markdown_link(site, "guide.html", guide.parent))
    site.write("guide.html", "A guided path", link_rules(site, "guide.html", body))


# ------------------------------------------------------------ differences ---

def differences_pages(site: Site) -> None:
    runs = {run.impl.name: run for run in site.runs}
    names = differences.implementations()
    items = []
    for impl in names:
        notes = differences.load(impl)
        run = runs.get(impl)
        items.append(f"<li><a href='{impl}.html'>{impl}</a>: {len(notes)} differences explained"
                     + (f", {sum(1 for r in run.results if r.status in FAILING)} failing cases "
                        "in all" if run else "") + "</li>")
        differences_page(site, impl, notes, run)
    site.write("differences/index.html", "Differences",
               "<h1>Differences from CPython</h1><p>Per implementation, in the manner of "
               "MicroPython's <i>cpydiff</i>: each difference with its program, CPython's outcome "
               "and the implementation's, the cause and a workaround. Every note's case is run on "
               "the implementation and on CPython by <code>tests/test_differences.py</code>.</p>"
               f"<ul>{''.join(items)}</ul>")


def differences_page(site: Site, impl: str, notes: list[differences.Note],
                     run: RunResult | None) -> None:
    page = f"differences/{impl}.html"
    groups = differences.clusters(run.results) if run else []
    size = {r.id: len(rs) for _, rs in groups for r in rs}
    by_rule: dict[str, list[differences.Note]] = defaultdict(list)
    for n in notes:
        by_rule[n.rule].append(n)
    parts = [f"<h1>{impl}: differences from CPython</h1>",
             f"<p>Grouped by the rule each breaks. Causes and workarounds are kept in "
             f"<code>docs/differences/{impl}.toml</code>; each program is a case of the suite, "
             "shown as the Python it stands for, and both outcomes are checked by running it "
             "(<code>tests/test_differences.py</code>).</p>"]
    for rule in sorted(by_rule, key=lambda r: [x.id for x in site.rules].index(r)):
        title = next(r.title for r in site.rules if r.id == rule)
        parts.append(f"<h2><a href='{site.href(page, site.rule_page(rule))}'>{rule}</a> — "
                     f"{inline(title)}</h2>")
        for n in by_rule[rule]:
            case = site.cases[n.case]
            head, steps = reproduce.case_lines(case)
            program = "\n".join(head + [s + ("   # ← differs here" if i + 1 == n.step else "")
                                        for i, s in enumerate(steps)])
            count = size.get(n.case)
            parts.append(
                f"<div class='note'><h3>{inline(n.title)}</h3><pre class='program'>{html.escape(program)}</pre>"
                f"<div class='side'><div>CPython<pre>{html.escape(n.cpython)}</pre></div>"
                f"<div>{impl}<pre>{html.escape(n.outcome)}</pre></div></div>"
                f"<p><b>Cause.</b> {inline(n.cause)}</p><p><b>Workaround.</b> {inline(n.workaround)}</p>"
                f"<p class='muted'><a href='{site.href(page, site.explain_page(n.case))}'>"
                f"{html.escape(n.case)}</a>, step {n.step}"
                + (f"; {count} failing cases differ the same way" if count else "") + "</p></div>")
    if groups:
        rows = "".join(
            f"<tr><td>{len(rs)}</td><td><code>{html.escape(e)}</code></td><td><code>{html.escape(a)}</code></td>"
            f"<td>{', '.join(sorted({x for r in rs for x in r.rules}, key=lambda x: -sum(x in r.rules for r in rs))[:3])}</td></tr>"
            for (e, a), rs in groups[:20])
        parts.append("<h2>All its differences, by size</h2><table><tr><th>cases</th><th>CPython</th>"
                     f"<th>{impl}</th><th>rules most cited</th></tr>{rows}</table>")
    else:
        parts.append("<p class='muted'>No results here to size the differences by: "
                     "<code>make matrix</code>.</p>")
    site.write(page, f"{impl}: differences", "".join(parts))


# ------------------------------------------------------------------ impls ---

def impls_page(site: Site) -> None:
    if not site.runs:
        site.write("impls.html", "Implementations", "<h1>Implementations</h1><p>No results here: "
                   "<code>make matrix</code> runs every implementation installed (about 10 minutes) "
                   "and writes build/results/, which this page shows.</p>")
        return
    areas = sorted({r.area for run in site.runs for r in run.results})
    head = "".join(f"<th>{html.escape(run.impl.name)}</th>" for run in site.runs)
    rows = []
    for area in areas + ["all"]:
        cells = []
        for run in site.runs:
            c = Counter(r.status for r in run.results if area == "all" or r.area == area)
            ran = sum(c.values()) - c["unsupported"]
            bad = sum(c[s] for s in FAILING)
            kind = "fail" if bad else "pass" if ran else "unsupported"
            cells.append(f"<td class='{kind}'>{c['pass'] + c['message']}/{ran}</td>")
        rows.append(f"<tr><th>{area}</th>{''.join(cells)}</tr>")
    versions = "".join(f"<li>{html.escape(run.impl.name)}: {html.escape(run.hello.implementation)} "
                       f"{html.escape(run.hello.version)}, Python {html.escape(run.hello.language)}, "
                       f"{run.hello.platform}, compared with {html.escape(run.oracle)}</li>"
                       for run in site.runs)
    site.write("impls.html", "Implementations",
               "<h1>Implementations</h1><p>Cases that pass (or differ only in the message) / cases "
               f"run, by area.</p><table class='status'><tr><th></th>{head}</tr>{''.join(rows)}</table>"
               f"<ul>{versions}</ul>")


def index_page(site: Site) -> None:
    n_cases = len(site.cases)
    results = (f"{len(site.runs)} implementations' results (build/results/)" if site.runs
               else "no implementation's results yet (<code>make matrix</code> writes them)")
    site.write("index.html", "mvspec", f"""<h1>mvspec: the executable specification of Python's memoryview</h1>
<p>{len(site.rules)} rules, {n_cases} cases recorded from CPython, a C reference that realises every
rule, and {results}.</p>
<h2>Learn</h2>
<ol>
<li><a href='guide.html'>The guided path</a>: from the tutorial's first views to strides, suboffsets,
casts and the exporter's side of the buffer protocol, each step with a picture of the memory.</li>
<li><a href='spec.html'>The spec</a>, chapter by chapter, and <a href='rules/index.html'>every rule</a> on a
page of its own: its text, a diagram, the C that does it, its cases and its status everywhere.</li>
<li><a href='impls.html'>The implementations</a> and how each <a href='differences/index.html'>differs
from CPython</a>, with causes and workarounds.</li>
<li><a href='code/index.html'>The reference's code</a>, every rule it realises linked.</li>
</ol>
<h2>On your machine</h2>
<pre>make repl                                      # mvref.layout(m) draws a live view
python3 -m harness explain 'slicing/slice-layout/*'   # any case: rules, program, memory, outcomes, C
make site                                      # these pages, in build/site/</pre>""")


