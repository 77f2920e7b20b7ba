"""python3 -m harness explain: a case explained, with its memory drawn.

The diagram is measured by the layout probe, which runs the case's steps in
a CPython; we check that it shows what the spec says a layout is: each item
of each view (without suboffsets) at buf + sum(index * stride), every view's
items within its exporter's memory, pointer slots drawn for suboffsets, a
grid for 3-D views. The sample takes a case of every area and of every
exporter kind, a PIL-style ndarray, 3-D and 0-D views, and a cast.
"""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness import cases, explain
from harness.layout import text

ROOT = Path(__file__).resolve().parent.parent


def sample_ids() -> list[str]:
    ids: dict[str, str] = {}
    for path in cases.case_files(cases.CONFORMANCE_DIR):
        for _, line in cases.read_lines(path):
            c = json.loads(line)
            kinds = {d["kind"] for d in c["setup"]}
            nd = [d for d in c["setup"] if d["kind"] == "ndarray"]
            keys = [f"area {path.stem}"] + [f"kind {k}" for k in kinds]
            keys += ["suboffsets" for d in nd if d.get("pil")]
            keys += ["3-D" for d in nd if len(d["shape"]) == 3]
            keys += ["0-D" for d in nd if len(d["shape"]) == 0]
            keys += ["cast" for s in c["steps"] if s.get("method") == "cast" and "as" in s]
            for k in keys:
                ids.setdefault(k, c["id"])
    return sorted(set(ids.values()))


@pytest.fixture(scope="module")
def explained():
    chosen = explain.choose(cases.CONFORMANCE_DIR, sample_ids())
    return {e.id: e for e in explain.explain(chosen, explain.Results(ROOT / "build" / "results"))}


def test_the_sample_covers_every_area_and_exporter_kind():
    ids = sample_ids()
    assert {i.split("/")[0] for i in ids} >= {p.stem for p in cases.case_files(cases.CONFORMANCE_DIR)}


def test_every_case_of_the_sample_is_drawn_from_the_program_that_was_recorded(explained):
    assert len(explained) >= 16
    for e in explained.values():
        assert e.picture is not None, (e.id, e.problem)
        assert "did not give the outcomes" not in e.problem, e.id


def test_each_item_lies_where_buf_and_the_strides_put_it(explained):
    checked = 0
    for e in explained.values():
        for memory in e.picture.memories:
            for b in ([memory.exporter] if memory.exporter else []) + memory.views:
                assert all(0 <= at and at + b.itemsize <= memory.size for at in b.items), (e.id, b)
                if b.suboffsets:
                    continue
                for k, at in enumerate(b.items):
                    index = text._index(k, b.shape)
                    assert at == b.offset + sum(i * s for i, s in zip(index, b.strides)), (e.id, b.name)
                    checked += 1
    assert checked > 100


def test_suboffsets_are_drawn_as_pointers_to_rows(explained):
    pil = [e for e in explained.values() if any(m.slots for m in e.picture.memories)]
    assert pil
    for e in pil:
        drawn = explain.as_text(e)
        assert "pointers" in drawn and "p0 at +" in drawn and "points to +" in drawn
        for m in e.picture.memories:
            assert all(0 <= s.target < m.size for s in m.slots)


def test_a_3d_view_is_drawn_as_grids_by_its_leading_index(explained):
    three = [e for e in explained.values()
             if any(b.ndim == 3 and b.items for b in e.picture.views())]
    assert three
    assert all("[0, :, :]" in explain.as_text(e) for e in three)


def test_the_text_has_every_part_a_learner_needs(explained):
    e = next(iter(explained.values()))
    drawn = explain.as_text(e)
    for part in ("Rules", "Program (paste into python3)", "Memory",
                 "Outcomes recorded from CPython", "Implementations", "The C that realises"):
        assert part in drawn
    assert f"{e.rules[0].id} — {e.rules[0].title}" in drawn and "Why." in drawn


def test_the_command_prints_text_and_writes_svg_and_html(tmp_path):
    case = "slicing/slice-layout/x=bytes5,key=slice(None,None,2)"
    r = subprocess.run([sys.executable, "-m", "harness", "explain", case], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "    s      0  ·  1  ·  2" in r.stdout       # s = m[::2] over b'Hello'
    assert "all 3 of its bytes are m's: nothing copied" in r.stdout
    assert "reference/src/slicing.c:" in r.stdout
    svg = tmp_path / "c.svg"
    r = subprocess.run([sys.executable, "-m", "harness", "explain", case, "--svg", "--out", str(svg)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    root = ET.fromstring(svg.read_text())
    assert root.tag.endswith("svg") and len(root.findall(".//{http://www.w3.org/2000/svg}rect")) > 10
    r = subprocess.run([sys.executable, "-m", "harness", "explain", "slicing/slice-layout/x=bytes5*",
                        "--html", "--out", str(tmp_path / "pages")], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    pages = list((tmp_path / "pages").glob("*.html"))
    assert len(pages) > 5 and all("<svg" in p.read_text() for p in pages)


def test_an_id_that_matches_nothing_is_an_error_naming_the_nearest():
    r = subprocess.run([sys.executable, "-m", "harness", "explain", "slicing/slice-layuot/*"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "nearest: slicing/slice-layout/*" in r.stderr
