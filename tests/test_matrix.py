"""The HTML matrix, checked the way a person sees it: in a real Chromium.

We run the matrix on CPython and on a deliberately buggy implementation,
open the page in headless Chromium (Debian's, driven through chromedriver),
and check what is on screen: the implementations, a red cell for the rule
the bug breaks, and, after a click on it, the failing case as a program with
CPython's outcome and the implementation's side by side.
"""

import re
import subprocess
import sys
from pathlib import Path

import chromium
import pytest
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parent.parent
FAKE = Path(__file__).parent / "fakes" / "misbehaving_adapter.py"
BROKEN = "seed/array-index-and-assign"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("matrix")
    out = tmp / "index.html"
    buggy = f"buggy={sys.executable} {FAKE} wrong {BROKEN} {tmp / 'marker'}"
    r = subprocess.run([sys.executable, "-m", "harness", "matrix", "cpython", buggy,
                        "--area", "seed", "--results", str(tmp / "results"), "--out", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "buggy" in r.stdout and "seed" in r.stdout      # the terminal table
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = chromium.start(tmp_path_factory.mktemp("chromium"))
    yield driver
    driver.quit()


def test_the_page_shows_each_implementation(page, browser):
    browser.get(page.as_uri())
    rows = browser.find_elements(By.CSS_SELECTOR, "#impls tr")
    names = [r.find_elements(By.TAG_NAME, "td")[0].text for r in rows[1:]]
    assert names == ["cpython", "buggy"]
    assert "cpython-3.11.2-64le" in rows[1].text


def test_a_broken_rule_is_a_red_cell_and_a_passing_one_green(page, browser):
    browser.get(page.as_uri())
    cell = browser.find_element(By.CSS_SELECTOR, "a[href='#cell-ASSIGN-001-buggy']")
    td = cell.find_element(By.XPATH, "..")
    assert "fail" in td.get_attribute("class")
    assert td.value_of_css_property("background-color") == "rgba(247, 201, 201, 1)"
    # the third cell: after the rule and its "CPython parts", cpython's
    ok = browser.find_element(By.XPATH, "//tr[td[contains(., 'TOLIST-001')]]/td[3]")
    assert "pass" in ok.get_attribute("class") and ok.text.split("/")[0] == ok.text.split("/")[1]


def test_clicking_a_cell_shows_the_failing_case_side_by_side(page, browser):
    browser.get(page.as_uri())
    panel = browser.find_element(By.ID, "cell-ASSIGN-001-buggy")
    assert not panel.is_displayed()
    browser.find_element(By.CSS_SELECTOR, "a[href='#cell-ASSIGN-001-buggy']").click()
    assert panel.is_displayed()
    program = panel.find_element(By.CSS_SELECTOR, ".program").text
    assert "arr = array.array('i', [1, 2, 3, 4, 5])" in program and "mv[1]" in program
    expected = panel.find_elements(By.CSS_SELECTOR, ".expected pre")
    actual = panel.find_elements(By.CSS_SELECTOR, ".actual pre")
    assert "2" in [e.text for e in expected] and "12345" in [a.text for a in actual]
    e, a = expected[0].rect, actual[0].rect
    assert abs(e["y"] - a["y"]) < 2 and a["x"] > e["x"] + e["width"] / 2   # side by side


def test_the_slicing_chart_of_make_bench_is_drawn_on_the_page(tmp_path, browser):
    """The chart of issue 16 (zero copy, measured) is shown on the page as
    an image when `make bench` has drawn it, and left off when not."""
    sys.path.insert(0, str(ROOT))
    from harness import matrix, svgchart
    svg = svgchart.loglog("Slicing cost", "buffer size", "time per slice", [1024, 4096],
                          {"memoryview": [5e-8, 5e-8], "bytes": [6e-8, 2e-7]},
                          svgchart.bytes_label, str).encode()
    shown, absent = tmp_path / "chart.html", tmp_path / "none.html"
    shown.write_text(matrix.page([], {}, [], chart=svg), encoding="utf-8")
    absent.write_text(matrix.page([], {}, []), encoding="utf-8")
    chart = "img[alt='slicing cost against buffer size']"
    browser.get(shown.as_uri())
    img = browser.find_element(By.CSS_SELECTOR, chart)
    assert img.is_displayed()
    assert browser.execute_script("return arguments[0].naturalWidth", img) == 760
    browser.get(absent.as_uri())
    assert browser.find_elements(By.CSS_SELECTOR, chart) == []


# ------------------------------------------- language or platform (issue 18) ---

LABELLED_AREA = "object"     # its recordings part by language, by platform, and undetermined


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    """The matrix of Debian's CPython over one area, its page and terminal table."""
    tmp = tmp_path_factory.mktemp("labelled")
    out = tmp / "index.html"
    r = subprocess.run([sys.executable, "-m", "harness", "matrix", "cpython", "--area",
                        LABELLED_AREA, "--results", str(tmp / "results"), "--out", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    return out, r.stdout


@pytest.fixture(scope="module")
def area_changes(suite):
    from harness import changes
    cases = [c for c in suite.cases if c["id"].startswith(LABELLED_AREA + "/")]
    return changes.rows(cases, suite.oracles)


def test_each_rule_says_whether_its_cpythons_part_by_language_or_platform(
        labelled, browser, area_changes):
    """The "CPython parts" cell of every rule row names the kinds
    changes.py gives the rule's cases, each titled with changes.py's
    evidence and linking to that change's row."""
    from harness import changes
    want = {rule: {kind: change.label.text() for kind, change in kinds.items()}
            for rule, kinds in changes.rule_labels(area_changes).items()}
    browser.get(labelled[0].as_uri())
    shown = {}
    for row in browser.find_elements(By.CSS_SELECTOR, "#matrix tr[data-rule]"):
        links = row.find_elements(By.CSS_SELECTOR, "td.parts a")
        if links:
            shown[row.get_attribute("data-rule")] = {a.get_attribute("data-kind"): a.get_attribute("title")
                                                     for a in links}
            for a in links:
                target = browser.find_element(By.ID, a.get_attribute("href").split("#")[1])
                assert a.get_attribute("data-kind") in target.get_attribute("data-kinds").split()
    assert shown == want
    assert {k for kinds in shown.values() for k in kinds} == {"language", "platform", "undetermined"}
    impl = browser.find_elements(By.CSS_SELECTOR, "#impls tr")[1].text
    assert "cpython-3.11.2-64le (its own version and word size)" in impl


def parted_by(case, a, b, oracles):
    """Whether builds labelled a and b recorded the case differently."""
    from harness import changes
    by_label = {changes.oracle_label(o): o.name for o in oracles}
    side = {n: i for i, g in enumerate(case["expect"]) for n in g["oracles"]}
    return by_label[a] in side and by_label[b] in side and side[by_label[a]] != side[by_label[b]]


def test_the_page_lists_each_change_labelled_as_the_version_table_labels_it(
        labelled, browser, area_changes, suite):
    """The page's table of changes is changes.py's rows over the cases run:
    the same labels, counts and examples; and each label's evidence, read
    from the page, is two builds that part on the example case as the
    label says (one word size for language, one version for platform)."""
    browser.get(labelled[0].as_uri())
    rows = browser.find_elements(By.CSS_SELECTOR, "#changes-table tr[data-case]")
    cells = [[td.text for td in r.find_elements(By.TAG_NAME, "td")] for r in rows]
    assert [(c[0], int(c[2]), c[4]) for c in cells] == \
        [(ch.label.text(), len(ch.cases), ch.cases[0]["id"]) for ch in area_changes]
    by_id = suite.by_id()
    by_label = {f"{o.version}" + (f" ({o.platform})" if o.platform != "64le" else ""): o
                for o in suite.oracles}
    for c in cells:
        for kind, a, b in re.findall(r"(language|platform): (.+?) ≠ ([^;]+)", c[0]):
            assert parted_by(by_id[c[4]], a, b, suite.oracles), c
            x, y = by_label[a], by_label[b]
            if kind == "language":
                assert x.platform == y.platform and x.version != y.version, c
            else:
                assert x.version == y.version and x.platform != y.platform, c


def test_the_terminal_table_counts_each_areas_cases_by_kind(labelled, area_changes):
    from harness import matrix
    line = next(x for x in labelled[1].splitlines() if x.startswith(LABELLED_AREA + " "))
    assert line.split()[-3:] == matrix.kinds_text(matrix.area_kinds(area_changes)[LABELLED_AREA]).split()
    assert "CPython parts: cases whose recorded CPythons disagree" in labelled[1]


def test_a_column_says_whether_its_oracle_is_its_own_or_the_closest(suite):
    """MicroPython claims 3.4, which no oracle is: it is judged by the
    closest recorded; Pyodide's 3.12 by its own (compare.is_exact)."""
    from harness import impls, matrix, runner, session

    def column(language, oracle):
        hello = runner.Hello("x", "1", language, 32, "little", [], {})
        return session.RunResult(impls.Impl("x", ["x"]), hello, oracle, [], 0.0, 0)
    assert "(the closest recorded)" in matrix.whose(column("3.4", "cpython-3.11.2-32le"), suite.oracles)
    assert "(its own version and word size)" in matrix.whose(column("3.12", "cpython-3.12.1-32le"),
                                                            suite.oracles)
