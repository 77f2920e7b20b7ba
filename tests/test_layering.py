"""The reference library reads bottom-up: its layers are drawn in
reference/src/mvint.h, and this test holds the code to the picture.

Each file of reference/src is compiled, and `nm` tells which functions
(and data) each object file defines and which it uses from the others:
that is the call graph, read from what the compiler made of the code, not
from its text. Every file belongs to one layer of the picture. A call
must go down, to a file of a lower layer, unless mvint.h lists it as one
of the few calls between chapters the spec itself makes (each with its
reason); and no chain of calls may come back to where it started. A call
planted from the base into a chapter is named, to show that the check
would see one.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEADER = "mvint.h"
# An edge of mvint.h's list: "<caller>.c -> <callee>.c   why (RULE-001)"
LISTED = re.compile(r"^ \*\s+(\w+\.c) -> (\w+\.c)\s+(\S.*)$")


@dataclass(frozen=True)
class Layers:
    names: list[str]                 # bottom-up
    level: dict[str, int]            # file -> index into names
    listed: dict[tuple[str, str], str]   # (caller, callee) -> why


def read_layers(src: Path) -> Layers:
    """The layers of mvint.h's picture, bottom-up, and its listed edges.

    A row of the picture is `│ layer │ file │ ch │ what │`; a row with no
    layer name continues the layer above it, and one with no file only
    continues a description."""
    rows: list[tuple[str, list[str]]] = []   # top-down
    listed: dict[tuple[str, str], str] = {}
    for line in (src / HEADER).read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("│")]
        if len(cells) == 6 and cells[2] != "file":
            name, file = cells[1], cells[2]
            if name:
                rows.append((name, []))
            if file:
                assert rows and file.endswith(".c"), f"{HEADER}: a file outside a layer: {line}"
                rows[-1][1].append(file)
        elif m := LISTED.match(line):
            listed[(m[1], m[2])] = m[3]
    names = [name for name, _ in reversed(rows)]
    level: dict[str, int] = {}
    for i, (_, files) in enumerate(reversed(rows)):
        for f in files:
            assert f not in level, f"{HEADER} puts {f} in two layers"
            level[f] = i
    return Layers(names, level, listed)


def compile_library(src: Path, include: Path, out: Path,
                    sources: list[Path] | None = None) -> dict[str, Path]:
    """Each .c of src (or those given) compiled alone: file name -> its
    object file."""
    out.mkdir(parents=True, exist_ok=True)
    sources = sorted(src.glob("*.c")) if sources is None else sources

    def cc(c: Path) -> tuple[str, Path]:
        obj = out / (c.stem + ".o")
        subprocess.run(["cc", "-std=c11", "-O0", f"-I{include}", f"-I{src}", "-c", str(c),
                        "-o", str(obj)], check=True, capture_output=True, text=True)
        return c.name, obj

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(cc, sources))


def read_calls(objects: dict[str, Path]) -> dict[tuple[str, str], set[str]]:
    """(caller file, callee file) -> the symbols the caller uses of the
    callee: every undefined symbol of one object that another defines."""
    defined: dict[str, str] = {}
    used: dict[str, set[str]] = {}
    for name, obj in objects.items():
        listing = subprocess.run(["nm", "-P", str(obj)], check=True, capture_output=True,
                                 text=True).stdout
        used[name] = set()
        for line in listing.splitlines():
            symbol, kind = line.split()[:2]
            if kind == "U":
                used[name].add(symbol)
            elif kind.isupper():            # global: T text, D/B/R data, C common
                defined[symbol] = name
    calls: dict[tuple[str, str], set[str]] = {}
    for caller, symbols in used.items():
        for symbol in symbols:
            callee = defined.get(symbol)     # None: libc's
            if callee is not None and callee != caller:
                calls.setdefault((caller, callee), set()).add(symbol)
    return calls


def upward_calls(layers: Layers, calls: dict[tuple[str, str], set[str]]) -> list[str]:
    """Each call that does not go down to a lower layer and is not listed."""
    found = []
    for (caller, callee), symbols in sorted(calls.items()):
        if layers.level[callee] < layers.level[caller] or (caller, callee) in layers.listed:
            continue
        found.append(f"{caller} ({layers.names[layers.level[caller]]}) -> {callee} "
                     f"({layers.names[layers.level[callee]]}): {', '.join(sorted(symbols))}")
    return found


def cycles(calls: dict[tuple[str, str], set[str]]) -> list[list[str]]:
    """The files that reach each other through calls, each group sorted
    (Tarjan's strongly connected components of more than one file)."""
    graph: dict[str, set[str]] = {}
    for caller, callee in calls:
        graph.setdefault(caller, set()).add(callee)
        graph.setdefault(callee, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(groups)


@pytest.fixture(scope="module")
def objects(tmp_path_factory) -> dict[str, Path]:
    return compile_library(ROOT / "reference" / "src", ROOT / "reference" / "include",
                           tmp_path_factory.mktemp("layering"))


@pytest.fixture(scope="module")
def library(objects) -> tuple[Layers, dict[tuple[str, str], set[str]]]:
    return read_layers(ROOT / "reference" / "src"), read_calls(objects)


def test_every_file_of_the_library_is_in_one_layer_of_the_picture(library):
    layers, _ = library
    files = {p.name for p in (ROOT / "reference" / "src").glob("*.c")}
    assert set(layers.level) == files, (
        f"in reference/src but not drawn in {HEADER}: {sorted(files - set(layers.level))}; "
        f"drawn but not there: {sorted(set(layers.level) - files)}")
    assert layers.names[0] == "foundation" and layers.names[-1] == "interface", layers.names


def test_every_call_goes_down_a_layer_or_is_listed_with_its_reason(library):
    layers, calls = library
    assert all(why.strip() for why in layers.listed.values())
    found = upward_calls(layers, calls)
    assert not found, "calls not down a layer, and not listed in mvint.h:\n  " + "\n  ".join(found)


def test_no_chain_of_calls_comes_back_to_its_file(library):
    _, calls = library
    assert cycles(calls) == []


def test_every_listed_call_between_chapters_is_one_the_library_makes(library):
    layers, calls = library
    chapters = layers.names.index("chapters")
    for caller, callee in layers.listed:
        assert layers.level[caller] == layers.level[callee] == chapters, (caller, callee)
        assert (caller, callee) in calls, f"{HEADER} lists {caller} -> {callee}, a call not made"


def test_a_call_planted_from_the_base_up_into_a_chapter_is_named(objects, tmp_path):
    # value.c (the base's values) asks for an item of a view: indexing.c's
    # mv_getitem, declared in mvref.h, so the copy compiles as it is.
    ref = tmp_path / "reference"
    shutil.copytree(ROOT / "reference" / "src", ref / "src")
    shutil.copytree(ROOT / "reference" / "include", ref / "include")
    value = ref / "src" / "value.c"
    value.write_text(value.read_text() + (
        "\nint mv_planted_upward(const mv_value *m, const mv_value *key, mv_value *out,\n"
        "                       mv_error *err);\n"
        "int mv_planted_upward(const mv_value *m, const mv_value *key, mv_value *out,\n"
        "                       mv_error *err)\n"
        "{\n    return mv_getitem(m, key, out, err);\n}\n"))
    planted = compile_library(ref / "src", ref / "include", tmp_path / "obj", [value])
    calls = read_calls(objects | planted)   # the other files as they are
    found = upward_calls(read_layers(ref / "src"), calls)
    assert found == ["value.c (values) -> indexing.c (chapters): mv_getitem"]
    # and indexing.c calls down into value.c: the two now reach each other
    assert any({"value.c", "indexing.c"} <= set(group) for group in cycles(calls))
