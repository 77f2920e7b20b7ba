"""The spec's "Version changes" table says of each row whether it is a
language change or a platform difference, naming two builds as evidence; and
its "Coming in 3.15" section lists what the pre-release changes. These tests
read the spec's text (not the generator) and check each claim against the
recorded outcomes, so a label that the recording does not support fails."""

import re

import pytest

from harness import changes, spec
from harness.cases import version_tuple

TEXT = spec.SPEC_FILE.read_text(encoding="utf-8")


def section(begin, end):
    return TEXT[TEXT.index(begin):TEXT.index(end)]


def table_rows(text):
    """The cells of each row of the markdown tables in text (header and rule
    lines left out)."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("| ") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if cells and cells[0] in ("versions: outcome",) or re.fullmatch(r"\d+\.\d+\S*", cells[0]):
            continue     # a header
        rows.append(cells)
    return rows


CHANGE_ROWS = table_rows(section(changes.BEGIN, changes.END))
COMING_ROWS = table_rows(section(changes.COMING_BEGIN, changes.COMING_END))


@pytest.fixture(scope="module")
def by_id(suite):
    return {c["id"]: c for c in suite.cases}


@pytest.fixture(scope="module")
def by_label(suite):
    return {changes.oracle_label(o): o for o in suite.oracles}


def sides(case, by_label):
    """Each side of the case as the set of labels of its builds."""
    names = {o.name: label for label, o in by_label.items()}
    return [{names[n] for n in g["oracles"]} for g in case["expect"]]


def test_every_row_of_the_version_table_has_a_kind():
    assert CHANGE_ROWS, "the spec has no version-change rows"
    for cells in CHANGE_ROWS:
        assert re.fullmatch(r"undetermined|((language|platform): [^;]+ ≠ [^;]+(; )?)+",
                            cells[1]), cells


def test_the_table_tells_language_changes_from_platform_differences():
    kinds = {k for cells in CHANGE_ROWS for k in re.findall(r"(language|platform):", cells[1])}
    assert kinds == {"language", "platform"}


@pytest.mark.parametrize("cells", CHANGE_ROWS, ids=lambda c: c[-1].strip("`"))
def test_a_rows_label_is_what_its_example_case_shows(cells, by_id, by_label):
    """language: the two builds are for one word size, of different versions,
    and no two builds of one version part across word sizes; platform: one
    version for two word sizes, and no two builds of one word size part.
    Either way the two named builds are on different sides of the case."""
    case = by_id[cells[-1].strip("`")]
    parts = sides(case, by_label)
    claimed = dict(re.findall(r"(language|platform): ([^;]+)", cells[1]))
    for kind, pair in claimed.items():
        a, b = (by_label[x.strip()] for x in pair.split(" ≠ "))
        assert not any(changes.oracle_label(a) in s and changes.oracle_label(b) in s
                       for s in parts), f"{pair}: both on one side"
        if kind == "language":
            assert a.platform == b.platform and a.version != b.version
        else:
            assert a.version == b.version and a.platform != b.platform
    parted = [(by_label[x], by_label[y]) for i, s in enumerate(parts)
              for t in parts[i + 1:] for x in s for y in t]
    seen = {"language" for a, b in parted if a.platform == b.platform and a.version != b.version}
    seen |= {"platform" for a, b in parted if a.version == b.version and a.platform != b.platform}
    assert set(claimed) == seen, f"label {cells[1]!r}, but the case shows {sorted(seen) or 'neither'}"


def test_the_spec_has_a_coming_in_3_15_section():
    assert "## Coming in 3.15" in TEXT
    assert COMING_ROWS, "no 3.15 change listed"


def test_coming_in_3_15_lists_every_case_the_pre_release_changes(suite, by_id):
    """Each row's example case parts 3.14 from 3.15 as the row says, and the
    rows' counts add up to every case in which the two differ."""
    new = next(o for o in suite.oracles if re.search(r"\d(a|b|rc)\d", o.version)
               and o.language == "3.15")
    old = max((o for o in suite.oracles if o.platform == new.platform and o.language == "3.14"),
              key=lambda o: version_tuple(o.version))
    differ = 0
    for case in suite.cases:
        got = {n: g["outcomes"] for g in case["expect"] for n in g["oracles"]}
        if old.name in got and new.name in got and got[old.name] != got[new.name]:
            differ += 1
    assert sum(int(cells[2]) for cells in COMING_ROWS) == differ
    for cells in COMING_ROWS:
        case = by_id[cells[-1].strip("`")]
        got = {n: g["outcomes"] for g in case["expect"] for n in g["oracles"]}
        a, b = got[old.name], got[new.name]
        i = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y)
        assert f"`{changes.kind_of(a[i])}`" == cells[0].replace("\\|", "|")
        assert f"`{changes.kind_of(b[i])}`" == cells[1].replace("\\|", "|")


def test_each_change_coming_in_3_15_is_noted_in_a_rule_it_cites():
    """Every 3.15 row cites a rule whose Versions note speaks of 3.15."""
    rules = {r.id: r for r in spec.parse()}
    for cells in COMING_ROWS:
        cited = [r.strip() for r in cells[3].split(",") if r.strip() != "…"]
        assert any("3.15" in rules[r].text for r in cited if r in rules), cells
