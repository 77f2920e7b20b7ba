"""mvref teaches: each exception names the rule that raised it, and
mvref.layout(m) draws a view's memory.

Notes (PEP 678). Every exception the library raises through mvref carries
one note, "mvspec rule ID: sentence", ID a rule of the spec and sentence
its **Rule.** paragraph; str(e) is untouched (the suite, run through mvref
with strict messages, holds it to CPython's exact words). We run the whole
default suite through mvref in this process, with every operation watched,
and look at every exception an operation on an mvref view raised.

Layout. mvref's view lends its buffer as CPython's does, so the diagram of
an mvref view is the diagram of the builtin view made the same way: the
same items at the same places, drawn by the same code.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness import impls, spec
from harness.layout import measure, text

ROOT = Path(__file__).resolve().parent.parent
if not list(impls.MVREF_DIR.glob("mvref.cpython-*.so")):
    pytest.fail(f"mvref is not built in {impls.MVREF_DIR}: run `make mvref`", pytrace=False)
sys.path.insert(0, str(impls.MVREF_DIR))
import mvref  # noqa: E402

import _testbuffer  # noqa: E402
import numpy  # noqa: E402

NOTE = re.compile(r"mvspec rule ([A-Z]+-\d{3}): (.+)", re.S)

# Runs the suite through mvref (the adapter's vocabulary, in one process) and
# reports each exception an operation on an mvref view raised, with its notes.
WATCH = r"""
import json, os, sys
sys.path.insert(0, sys.argv[1])
from harness.adapters_path import mvadapter
from harness import cases
import mvref
seen = []
def watched(name, op):
    def run(step, env):
        try:
            return op(step, env)
        except mvref.Unsupported:
            raise
        except mvadapter.Unbound:
            raise
        except Exception as e:
            if name == "memoryview" or isinstance(env.get(step.get("obj")), mvref.memoryview):
                seen.append({"case": CASE["id"], "rules": CASE["rules"], "type": type(e).__name__,
                             "own_code": own_code(step),
                             "message": str(e), "notes": getattr(e, "__notes__", None)})
            raise
    return run
def refs(v):
    if isinstance(v, dict):
        return ({v["ref"]} if "ref" in v else set()).union(*map(refs, v.values()))
    return set().union(*map(refs, v)) if isinstance(v, list) else set()
def own_code(step):
    # a step handing a view a Python object whose methods run (chapter 17):
    # a described class, a value, a numpy array as a key or an item
    hosts = {d["name"] for d in CASE["setup"] if d["kind"] in ("object", "value", "numpy")}
    return bool(hosts & refs([step.get(k) for k in ("key", "value", "args", "kwargs")]))
for name, op in list(mvadapter.OPS.items()):
    mvadapter.OPS[name] = watched(name, op)
for CASE in cases.load_suite().cases:
    try:
        mvadapter.run_case(CASE)
    except mvadapter.Unsupported:
        pass
json.dump(seen, sys.stdout)
"""


@pytest.fixture(scope="module")
def raised():
    env = dict(os.environ, MVSPEC_MEMORYVIEW="mvref", MVSPEC_MVREF_PATH=str(impls.MVREF_DIR))
    r = subprocess.run([impls.DEBIAN_PYTHON, "-c", WATCH, str(ROOT)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout)


def test_every_exception_an_mvref_view_raises_names_its_rule_in_one_note(raised):
    """The library's exceptions, that is: one that the program's own code
    raised (an __index__ of a case's object, a numpy scalar's) comes out of
    mvref as that very object (spec chapter 17), which is not ours to add a
    note to; such cases may show it without one."""
    sentences = {r.id: spec.sections(r).get("Rule") for r in spec.parse()}
    assert len(raised) > 5000          # the suite raises thousands through mvref
    wrong = []
    for e in raised:
        notes = e["notes"] or []
        if not notes and e["own_code"]:
            continue
        m = NOTE.fullmatch(notes[0]) if len(notes) == 1 else None
        if m is None or m.group(1) not in sentences or m.group(2) != sentences[m.group(1)]:
            wrong.append((e["case"], e["type"], e["message"], notes))
    assert not wrong, f"{len(wrong)} exceptions without their rule's note, e.g. {wrong[:5]}"


def test_most_notes_name_a_rule_the_case_itself_cites(raised):
    """The rule a note names is the one that raised, not a guess from the
    case: most often one the case's template cites. Chapter 17's cases
    (convert/) are left out: each cites the conversion rule it tests, and the
    errors it provokes are those of the rules of items and keys."""
    noted = [e for e in raised if e["notes"] and not e["case"].startswith("convert/")]
    own = [e for e in noted if NOTE.fullmatch(e["notes"][0]).group(1) in e["rules"]]
    assert len(own) > 0.75 * len(noted), f"{len(own)} of {len(noted)}"


def test_the_note_leaves_the_message_alone_and_shows_in_the_traceback():
    m = mvref.memoryview(bytearray(b"abc"))
    with pytest.raises(ValueError) as info:
        m[::0]
    assert str(info.value) == "slice step cannot be zero"
    assert info.value.__notes__ == [
        "mvspec rule SLICE-004: `m[::0]` raises `ValueError`, on a view of any length."]
    shown = subprocess.run(
        [impls.DEBIAN_PYTHON, "-c", "import mvref; mvref.memoryview(b'a')[5]"],
        env=dict(os.environ, PYTHONPATH=str(impls.MVREF_DIR)), capture_output=True, text=True)
    assert shown.stderr.splitlines()[-2:] == [
        "IndexError: index out of bounds on dimension 1",
        "mvspec rule INDEX-003: `m[i]` with `i >= n` or `i < -n` raises `IndexError`, "
        "naming the dimension (1-based)."]


def test_what_the_reference_does_not_model_is_not_given_a_rule():
    """mvref.Unsupported is a gap in the model, not a Python outcome."""
    legacy = _testbuffer.staticarray(legacy_mode=True)     # its buffer's obj is NULL
    with pytest.raises(mvref.Unsupported) as info:
        mvref.memoryview(bytearray(b"a")).hex(legacy)       # len() of it: no object to ask
    assert not getattr(info.value, "__notes__", None)


VIEWS = [
    ("a slice", lambda mv: mv(bytearray(b"Hello World"))[2:10:2]),
    ("a reversed array", lambda mv: mv(__import__("array").array("i", [1, 2, 3]))[::-1]),
    ("a cast to 3-D", lambda mv: mv(bytearray(range(24))).cast("B", [2, 3, 4])),
    ("a Fortran-ordered numpy array", lambda mv: mv(
        numpy.arange(6, dtype="int16").reshape((2, 3), order="F"))),
    ("a PIL-style ndarray, sliced", lambda mv: mv(_testbuffer.ndarray(
        list(range(12)), shape=[3, 4], format="B", flags=_testbuffer.ND_PIL))[1:]),
    ("an ndarray with an offset and a negative stride", lambda mv: mv(_testbuffer.ndarray(
        list(range(10)), shape=[3], strides=[-4], offset=16, format="h"))),
]


@pytest.mark.parametrize("what,make", VIEWS, ids=[v[0] for v in VIEWS])
def test_mvref_layout_of_a_view_is_the_drawing_of_the_same_builtin_view(what, make):
    ours, builtin = make(mvref.memoryview), make(memoryview)
    drawn = str(mvref.layout(ours))
    assert drawn == text.draw(measure.layout_of(builtin)).rstrip("\n")
    assert drawn.splitlines()[1].split()[0] == "+0" and "bytes" in drawn
    assert mvref.layout(ours).svg().startswith("<svg")


def test_layout_places_each_item_where_its_strides_say():
    m = mvref.memoryview(bytearray(range(24))).cast("B", [2, 3, 4])[1:]
    view = mvref.layout(m).picture.memories[0].views[0]
    expect = [view.offset + i * 12 + j * 4 + k for i in range(1) for j in range(3) for k in range(4)]
    assert view.items == expect and view.shape == [1, 3, 4] and view.offset == 12


def test_layout_of_a_released_view_says_why_it_draws_no_view():
    m = mvref.memoryview(b"abc")
    m.release()
    assert "not measured (ValueError: operation forbidden on released memoryview object)" \
        in str(mvref.layout(m))
