"""`make site`, checked the way a reader sees it: in a real Chromium.

We build the site from a small run (CPython on the seed cases, so that
status rows exist), open every page in headless Chromium (Debian's, through
chromedriver, as tests/test_matrix.py does) from the file system, follow
every link to its file and anchor, and check that every figure's diagram is
drawn: an SVG with a size on screen, byte boxes, item bars and, for
suboffsets, pointer arrows of some length.
"""

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import chromium
import pytest

from harness import site as sitemod

ROOT = Path(__file__).resolve().parent.parent

PAGE = """
const figures = Array.from(document.querySelectorAll('figure')).map(f => {
  const svg = f.querySelector('svg.layout');
  if (!svg) return {svg: false};
  const box = svg.getBoundingClientRect();
  const arrows = Array.from(svg.querySelectorAll('path.pointer')).map(p => p.getTotalLength());
  return {svg: true, width: box.width, height: box.height,
          heads: svg.querySelectorAll('text.head').length,
          bytes: svg.querySelectorAll('rect.byte, rect.slotb').length,
          bars: svg.querySelectorAll('g.item rect').length,
          texts: svg.querySelectorAll('text').length, arrows: arrows};
});
return {title: document.title, figures: figures,
        links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href)};
"""

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("site")
    r = subprocess.run([sys.executable, "-m", "harness", "run", "cpython", "--area", "seed",
                        "--results", str(tmp / "results")], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    r = subprocess.run([sys.executable, "-m", "harness", "site", "--out", str(tmp / "site"),
                        "--results", str(tmp / "results")], cwd=ROOT, capture_output=True,
                       text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    return tmp / "site"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    # the pages load nothing: the DOM is the page
    driver = chromium.start(tmp_path_factory.mktemp("chromium"), eager=True)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def visited(built, browser):
    """Every page, as Chromium loaded it: its links and its figures."""
    pages = {}
    for page in sorted(built.rglob("*.html")):
        browser.get(page.as_uri())
        seen = browser.execute_script(PAGE)
        pages[page] = (seen["title"], seen["links"], seen["figures"])
    return pages


def ids_in(path: Path, cache={}) -> set[str]:
    if path not in cache:
        cache[path] = set(re.findall(r"\bid='([^']+)'", path.read_text(encoding="utf-8")))
    return cache[path]


def test_the_site_has_a_page_per_rule_the_guide_the_spec_and_the_differences(built):
    from harness import spec
    for r in spec.parse():
        assert (built / "rules" / f"{r.id}.html").exists(), r.id
    for page in ("index.html", "guide.html", "spec.html", "impls.html", "differences/pypy.html",
                 "differences/micropython.html", "differences/brython.html", "code/index.html"):
        assert (built / page).exists(), page


def test_every_page_loads_and_every_link_reaches_its_file_and_anchor(built, visited):
    broken = []
    for page, (title, links, _) in visited.items():
        assert title.endswith("— mvspec"), page
        for link in links:
            url = urlparse(link)
            assert url.scheme == "file", f"{page}: a link off the site: {link}"
            target = Path(unquote(url.path))
            if not target.is_file():
                broken.append(f"{page.relative_to(built)} -> {link}")
            elif url.fragment and unquote(url.fragment) not in ids_in(target):
                broken.append(f"{page.relative_to(built)} -> {link} (no such anchor)")
    assert not broken, f"{len(broken)} broken links, e.g. {broken[:10]}"


def test_every_figure_is_a_diagram_that_renders(visited):
    figures = [(page, f) for page, (_, _, figs) in visited.items() for f in figs]
    assert len(figures) > 200
    # Every figure is an SVG with a size on screen; a picture of some memory
    # (a heading per exporter) draws its byte row, even an empty one.
    bad = [(page.name, f) for page, f in figures
           if not f["svg"] or f["width"] < 100 or f["height"] < 18 or not f["texts"]
           or f["bytes"] < f["heads"]]
    assert not bad, bad[:5]
    drawn_items = [f for _, f in figures if f["bars"] > 0 and f["bytes"] > 0]
    assert len(drawn_items) > 150          # byte boxes and item bars
    arrows = [a for _, f in figures for a in f["arrows"]]
    assert arrows and min(arrows) > 10     # suboffsets: pointers drawn to their rows


def test_a_rule_page_joins_text_diagram_code_cases_and_status(built, browser):
    browser.get((built / "rules" / "SLICE-001.html").as_uri())
    text = browser.find_element("tag name", "main").text
    for part in ("Rule.", "Why.", "Example", "Status in every implementation", "The memory of a case",
                 "The C that realises it", "reference/src/slicing.c:", "Cases ("):
        assert part in text, part
    assert browser.find_element("css selector", "main figure svg.layout").size["width"] > 100
    # The status row: CPython ran the seed cases, so its cell counts those citing the rule.
    seeds = [json.loads(line) for line in (ROOT / "conformance" / "seed.jsonl").open()]
    ran = sum("SLICE-001" in c["rules"] for c in seeds)
    status = browser.find_element("css selector", "table.status")
    head, cell = status.text.split("\n")
    assert head == "cpython" and re.fullmatch(rf"[0-9]+/{ran}", cell), status.text


def test_without_results_the_status_says_how_to_get_them():
    site = sitemod.Site(Path("unused"), [], {}, {}, [])
    assert "make matrix" in site.status_row("rules/X.html", "SLICE-001")


def test_a_rule_page_says_how_cpythons_builds_part_on_its_cases(built, browser, suite):
    """Every rule page lists the kinds of version change among its cases
    (language, platform, undetermined) with the version table's evidence,
    as harness/changes.py labels them; a rule whose cases no two builds
    record differently says so."""
    from harness import changes, spec
    labels = changes.rule_labels(changes.rows(suite.cases, suite.oracles))
    for r in spec.parse():
        text = (built / "rules" / f"{r.id}.html").read_text(encoding="utf-8")
        shown = dict(re.findall(r"<li data-kind='(\w+)'><b>\w+</b>: (.+?) \(\d+ cases", text))
        want = {kind: change.label.text() for kind, change in labels.get(r.id, {}).items()}
        assert shown == want, r.id
        if not want:
            assert "agree on every case of this rule" in text, r.id
    both = next(r for r, kinds in sorted(labels.items()) if {"language", "platform"} <= set(kinds))
    browser.get((built / "rules" / f"{both}.html").as_uri())
    items = browser.find_elements("css selector", "ul.parts li")
    assert {i.get_attribute("data-kind") for i in items} >= {"language", "platform"}
    link = browser.find_element("css selector", "p.parts a")
    assert link.get_attribute("href").endswith("spec.html#version-changes")
