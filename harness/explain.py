"""python3 -m harness explain CASE_ID...: why a case gives what it gives.

For each case (ids, or globs of ids): the rules it cites, with their text
and rationale; the case as a Python program to paste; a diagram of the
memory it lays out -- the exporter's bytes with the items of every view the
program makes marked on them, pointer tables, grids for 2-D and 3-D views,
and which bytes a slice or a cast shares; the outcome every CPython oracle
recorded; every implementation's outcome where `make matrix` left results
(build/results/*.json); and the C functions of the reference that realise
the cited rules.

The diagram is measured, not guessed: the layout probe
(harness/layout/probe.py) runs the case's steps in a CPython with
_testbuffer and NumPy, through the Python adapter's closed vocabulary
(nothing in a case is executed as code), and reads each view's buffer as a
consumer does. Its outcomes are checked against the recorded ones, so a
diagram never shows a program other than the one recorded.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from . import cases as casesmod
from . import citations, report, reproduce, runner, select, spec
from .compare import compare
from .layout import svg as layout_svg
from .layout import text as layout_text
from .layout.picture import Picture, PictureError
from .values import printable

PROBE = Path(__file__).resolve().parent / "layout" / "probe.py"
RESULTS_DIR = Path("build/results")


class ExplainError(Exception):
    """A case that cannot be explained; says why."""


@dataclass
class ImplOutcome:
    impl: str
    status: str
    detail: str = ""
    diffs: list = field(default_factory=list)       # compare.StepDiff
    oracle: str = ""


@dataclass
class Explanation:
    case: dict
    rules: list[spec.Rule]
    head: list[str]                 # imports and setup of the program
    steps: list[str]                # one line per step
    picture: Picture | None
    problem: str = ""               # why there is no picture, or what differs
    impls: list[ImplOutcome] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.case["id"]


# ---------------------------------------------------------------- probing ---

def probe_pythons() -> list[str]:
    """The CPythons to draw with: Debian's first (apt's NumPy is for it),
    then every other one here, newest first, for a case the first cannot
    run (array('w') is 3.13's)."""
    from .impls import DEBIAN_PYTHON, cpythons
    first = DEBIAN_PYTHON if shutil.which(DEBIAN_PYTHON) else sys.executable
    others = [p for _, p in sorted(cpythons().items(), reverse=True)
              if os.path.realpath(p) != os.path.realpath(first)]
    return [first] + others


def probe(cases: list[dict], timeout: float = 30.0) -> dict[str, tuple[Picture | None, str]]:
    """Each case's picture, or None and why there is none."""
    out: dict[str, tuple[Picture | None, str]] = {}
    todo = cases
    for n, python in enumerate(probe_pythons()):
        if not todo:
            break
        out.update(_probe_with(python, todo, timeout, fallback=n > 0))
        todo = [c for c in todo if out[c["id"]][0] is None]
    return out


def _probe_with(python: str, cases: list[dict], timeout: float,
                fallback: bool) -> dict[str, tuple[Picture | None, str]]:
    argv = [python, "-I", str(PROBE)]
    try:
        hello, replies = runner.run_cases(argv, cases, timeout=timeout, max_failures=0)
    except runner.AdapterError as e:
        return {c["id"]: (None, f"the layout probe will not start: {e}") for c in cases}
    by_id = {c["id"]: c for c in cases}
    out: dict[str, tuple[Picture | None, str]] = {
        c["id"]: (None, "the probe gave no answer") for c in cases}
    oracle = f"cpython-{hello.version}-{hello.platform}"
    for r in replies:
        case = by_id.get(r.case_id)
        if case is None:
            continue
        if r.status != runner.ANSWERED:
            out[r.case_id] = (None, f"CPython {hello.version} could not run it: "
                                    f"{r.status} {r.detail}".strip())
            continue
        try:
            picture = Picture.from_json(r.extra.get("layout"))
        except PictureError as e:
            out[r.case_id] = (None, f"the probe's picture is malformed: {e}")
            continue
        problem = ""
        recorded = next((g["outcomes"] for g in case.get("expect", []) if oracle in g["oracles"]),
                        None)
        if recorded is not None and compare(recorded, r.outcomes, strict=True).status != "pass":
            problem = (f"the probe ({oracle}) did not give the outcomes recorded from it: "
                       "the picture may not be the recorded program's")
        elif fallback:
            problem = f"drawn with CPython {hello.version}: the first CPython cannot run it"
        out[r.case_id] = (picture, problem)
    return out


def name_views(picture: Picture, case: dict, head: list[str], steps: list[str]) -> None:
    """Give each drawn buffer the line of the program that made it."""
    setup = {d.get("name"): line for d, line in zip(case.get("setup", []), head[-len(case.get("setup", [])):])} \
        if case.get("setup") else {}
    for memory in picture.memories:
        if memory.exporter is not None:
            memory.exporter.source = setup.get(memory.name, "")
        for v in memory.views:
            if v.step is not None and 0 <= v.step < len(steps):
                v.source = steps[v.step]


# ---------------------------------------------------------------- results ---

class Results:
    """The implementations' results (build/results/*.json), read for the
    cases explained only."""

    ORDER = ["reference", "mvref", "cpython", "cpython-3.9", "cpython-3.10", "cpython-3.11",
             "cpython-3.12", "cpython-3.13", "pypy", "pyodide", "micropython", "brython"]

    def __init__(self, directory: Path = RESULTS_DIR):
        self.directory = directory
        self.runs: dict[str, dict[str, object]] = {}

    def load(self, ids: set[str]) -> None:
        paths = sorted(self.directory.glob("*.json")) if self.directory.is_dir() else []
        for path in paths:
            if ".shard-" in path.name:
                continue
            try:
                name, found = report.results_for(path, ids)
            except report.ResultsError as e:
                print(f"explain: {e}", file=sys.stderr)
                continue
            self.runs[name] = found

    def of(self, case_id: str) -> list[ImplOutcome]:
        rank = {n: i for i, n in enumerate(self.ORDER)}
        out = []
        for name in sorted(self.runs, key=lambda n: (rank.get(n, len(rank)), n)):
            r = self.runs[name].get(case_id)
            if r is not None:
                out.append(ImplOutcome(name, r.status, r.detail, r.diffs, r.oracle or ""))
        return out


def choose(directory: Path, patterns: list[str]) -> list[dict]:
    """The cases whose ids match `patterns` (ids or globs), read without
    decoding the rest of the suite; a pattern that matches nothing is an
    error naming the nearest ids."""
    ids = casesmod.case_ids(directory)
    chosen = select.Selection(ids=patterns).choose([{"id": i, "rules": []} for i in ids])
    found = casesmod.read_cases_by_id(directory, {c["id"] for c in chosen})
    return [found[c["id"]] for c in chosen]


# ---------------------------------------------------------------- explain ---

def explain(cases: list[dict], results: Results | None = None) -> list[Explanation]:
    rules = {r.id: r for r in spec.parse()}
    pictures = probe(cases)
    if results is not None:
        results.load({c["id"] for c in cases})
    out = []
    for case in cases:
        head, steps = reproduce.case_lines(case)
        picture, problem = pictures.get(case["id"], (None, "the probe gave no answer"))
        if picture is not None:
            name_views(picture, case, head, steps)
        out.append(Explanation(case, [rules[r] for r in case.get("rules", []) if r in rules],
                               head, steps, picture, problem,
                               results.of(case["id"]) if results else []))
    return out


def oracle_label(name: str) -> str:
    """cpython-3.11.2-64le -> 3.11.2; the 32-bit ones keep their platform;
    an outcome derived from two oracles (compare.Expected.label) names both."""
    if " = " in name:
        return " = ".join(oracle_label(n) for n in name.split(" = "))
    m = re.fullmatch(r"cpython-([\d.]+)-(\w+)", name)
    if not m:
        return name
    return m.group(1) + ("" if m.group(2) == "64le" else f" ({m.group(2)})")


def outcome_rows(e: Explanation) -> list[tuple[int, list[tuple[str, str]]]]:
    """Per step: (oracles, outcome text) groups, the oracles that agree together."""
    rows = []
    for i in range(len(e.steps)):
        groups: dict[str, list[str]] = {}
        for g in e.case.get("expect", []):
            if i < len(g.get("outcomes", [])):
                text = report.outcome_text(g["outcomes"][i])
                groups.setdefault(text, []).extend(oracle_label(o) for o in g.get("oracles", []))
        rows.append((i, [(", ".join(who), what) for what, who in groups.items()]))
    return rows


def code_for(e: Explanation) -> list[citations.Citation]:
    found = citations.citations(in_opening=False)
    return [c for r in e.rules for c in found.get(r.id, [])]


# ------------------------------------------------------------------- text ---

def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, 88, initial_indent=indent, subsequent_indent=indent) or [indent]


def as_text(e: Explanation) -> str:
    out = [f"━━ {e.id}", ""]
    out.append("Rules")
    for r in e.rules:
        sec = spec.sections(r)
        out.append(f"  {r.id} — {r.title}   (spec/memoryview.md:{r.line})")
        for name in ("Rule", "Why", "Raises", "Versions"):
            if name in sec:
                out += _wrap(f"{name}. {sec[name]}", "    ")
    out += ["", "Program (paste into python3)"]
    out += [f"  {line}" for line in e.head + e.steps]
    out += ["", "Memory"]
    if e.picture is not None:
        out += [f"  {line}" if line else "" for line in layout_text.draw(e.picture).splitlines()]
    if e.problem:
        out.append(f"  ({e.problem})")
    out += ["", "Outcomes recorded from CPython"]
    for i, groups in outcome_rows(e):
        out.append(f"  step {i + 1}: {e.steps[i]}")
        for who, what in groups:
            out.append(f"      {who}: {what}")
    out += ["", "Implementations (build/results/, from `make matrix`)"]
    if not e.impls:
        out.append("  no results here: `make matrix` runs every implementation installed")
    for o in e.impls:
        out.append(f"  {o.impl:14} {o.status}" + (f": {printable(o.detail)[:200]}" if o.detail else ""))
        for d in o.diffs:
            out.append(f"      step {d.step + 1}: {report.outcome_text(d.actual)}   "
                       f"(CPython {oracle_label(o.oracle)}: {report.outcome_text(d.expected)})")
    out += ["", "The C that realises these rules"]
    cited = code_for(e)
    if not cited:
        out.append("  (none: these rules are realised outside the library)")
    for c in cited:
        out.append(f"  {c.rule:14} {c.where:36} {c.function}()" if c.function else
                   f"  {c.rule:14} {c.where}")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------- HTML ---

CSS = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 1.5em auto; max-width: 70em; color: #222; padding: 0 1em; }
h1 { font-size: 1.3em; word-break: break-all; } h2 { font-size: 1.1em; margin-top: 1.4em; }
pre, code { font-family: DejaVu Sans Mono, Menlo, Consolas, monospace; font-size: 13px; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; }
.rule { margin: 0.6em 0 1em; } .rule p { margin: 0.2em 0 0.2em 1em; }
table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 2px 8px; vertical-align: top; text-align: left; }
td.pass { background: #d7f5d7; } td.fail, td.crash, td.timeout, td.protocol-error { background: #f7c9c9; }
td.message { background: #fbf0c2; } td.unsupported { background: #eee; }
figure { margin: 0.5em 0; overflow-x: auto; } .problem { color: #a33; }
"""


def md_inline(text: str) -> str:
    """Markdown's inline code, bold and links, as HTML (the spec's subset)."""
    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", out)
    return re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r"<a href='\2'>\1</a>", out)


def figure(e: Explanation, uid: str = "") -> str:
    if e.picture is None:
        return f"<p class='problem'>{html.escape(e.problem)}</p>"
    return (f"<figure>{layout_svg.draw(e.picture, f'memory layout of {e.id}', uid)}</figure>"
            + (f"<p class='problem'>{html.escape(e.problem)}</p>" if e.problem else ""))


def body_html(e: Explanation, rule_href=None, code_href=None, uid: str = "") -> str:
    """The explanation as HTML; rule_href(rule_id) and code_href(citation)
    make links (the site's), or none."""
    parts = [f"<h1>{html.escape(e.id)}</h1><h2>Rules</h2>"]
    for r in e.rules:
        sec = spec.sections(r)
        title = f"{r.id} — {html.escape(r.title)}"
        if rule_href:
            title = f"<a href='{rule_href(r.id)}'>{title}</a>"
        parts.append(f"<div class='rule'><b>{title}</b>"
                     + "".join(f"<p><b>{n}.</b> {md_inline(sec[n])}</p>"
                               for n in ("Rule", "Why", "Raises", "Versions") if n in sec)
                     + "</div>")
    parts.append("<h2>Program</h2><pre class='program'>"
                 + html.escape("\n".join(e.head + e.steps)) + "</pre>")
    parts.append("<h2>Memory</h2>" + figure(e, uid))
    parts.append("<h2>Outcomes recorded from CPython</h2><table class='outcomes'>"
                 "<tr><th>step</th><th>program</th><th>CPython</th><th>outcome</th></tr>")
    for i, groups in outcome_rows(e):
        for j, (who, what) in enumerate(groups):
            lead = (f"<td rowspan='{len(groups)}'>{i + 1}</td><td rowspan='{len(groups)}'>"
                    f"<code>{html.escape(e.steps[i])}</code></td>") if j == 0 else ""
            parts.append(f"<tr>{lead}<td>{html.escape(who)}</td>"
                         f"<td><code>{html.escape(what)}</code></td></tr>")
    parts.append("</table><h2>Implementations</h2>")
    if not e.impls:
        parts.append("<p>No results here: <code>make matrix</code> runs every implementation "
                     "installed and writes them.</p>")
    else:
        parts.append("<table class='impls'><tr><th>implementation</th><th>status</th><th>where it differs</th></tr>")
        for o in e.impls:
            diffs = "<br>".join(
                f"step {d.step + 1}: <code>{html.escape(report.outcome_text(d.actual))}</code> "
                f"(CPython: <code>{html.escape(report.outcome_text(d.expected))}</code>)"
                for d in o.diffs) or html.escape(printable(o.detail)[:300])
            parts.append(f"<tr><td>{html.escape(o.impl)}</td><td class='{o.status}'>{o.status}</td>"
                         f"<td>{diffs}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>The C that realises these rules</h2><ul class='code'>")
    for c in code_for(e):
        where = html.escape(c.where)
        if code_href:
            where = f"<a href='{code_href(c)}'>{where}</a>"
        parts.append(f"<li>{c.rule}: {where} <code>{html.escape(c.function)}()</code></li>")
    parts.append("</ul>")
    return "\n".join(parts)


def as_html(e: Explanation) -> str:
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(e.id)}</title><style>{CSS}</style></head><body>"
            + body_html(e) + "</body></html>\n")


def as_svg(e: Explanation) -> str:
    if e.picture is None:
        raise ExplainError(f"{e.id}: no picture ({e.problem})")
    return "<?xml version='1.0' encoding='utf-8'?>\n" + layout_svg.draw(e.picture, e.id) + "\n"


def file_name(case_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._=-]", "_", case_id)[:180]


def write(explanations: list[Explanation], form: str, out: str | None) -> None:
    """Print, or write one file (one case) or a directory of files (several)."""
    render = {"text": as_text, "html": as_html, "svg": as_svg}[form]
    if out is None:
        for e in explanations:
            sys.stdout.write(render(e) + ("\n" if form == "text" else ""))
        return
    path = Path(out)
    if len(explanations) == 1 and not path.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(explanations[0]), encoding="utf-8")
        return
    path.mkdir(parents=True, exist_ok=True)
    ext = {"text": "txt", "html": "html", "svg": "svg"}[form]
    for e in explanations:
        (path / f"{file_name(e.id)}.{ext}").write_text(render(e), encoding="utf-8")
    print(f"explain: {len(explanations)} files in {path}{os.sep}")
