"""Fast = generic, proven: the reference's fast paths (reference/src/fast.c)
give exactly the outcomes of the generic walks they stand beside.

The whole suite runs through each implementation of the reference twice,
with its fast paths on and with MVREF_GENERIC=1 (every fast path off), and
every case's raw answer -- each step's value, or its exception's type and
exact message -- must be the same both ways. The answers are written, one
case a line, to build/results/both-ways/<implementation>-<fast|generic>.jsonl,
so that a difference can be read with diff. Both ways are the reference's,
so the comparison needs no oracle; test_conformance.py holds the fast way to
CPython's.
"""

from __future__ import annotations

import copy
import json
import os
import random
from pathlib import Path

import pytest

from harness import impls, runner, session
from harness.fuzz import programs

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "results" / "both-ways"


def answers(impl: impls.Impl, cases: list[dict], generic: bool) -> dict[str, dict]:
    """Each case's raw reply, with fast paths on or off."""
    env = dict(impl.env if impl.env is not None else os.environ)
    env.pop("MVREF_GENERIC", None)
    if generic:
        env["MVREF_GENERIC"] = "1"
    adapter = runner.Adapter(impl.argv, env=env)
    hello = adapter.start()
    todo = [c for c in cases if session.why_unsupported(c, hello) is None]
    got = {}
    try:
        for reply in adapter.run(todo):
            got[reply.case_id] = {"status": reply.status, "outcomes": reply.outcomes,
                                  "detail": reply.detail}
    finally:
        adapter.close()
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / f"{impl.name}-{'generic' if generic else 'fast'}.jsonl").open("w") as f:
        for cid, answer in got.items():
            f.write(json.dumps({"id": cid, **answer}, sort_keys=True) + "\n")
    return got


@pytest.mark.parametrize("name", ["reference", "mvref"])
def test_the_suite_answers_the_same_with_fast_paths_on_and_off(name, suite):
    impl = impls.resolve(name)
    fast = answers(impl, suite.cases, generic=False)
    generic = answers(impl, suite.cases, generic=True)
    assert fast.keys() == generic.keys()
    assert all(a["status"] in (runner.ANSWERED, runner.UNSUPPORTED) for a in fast.values())
    differ = [cid for cid in fast if fast[cid] != generic[cid]]
    assert not differ, (f"{len(differ)} cases answer differently with MVREF_GENERIC=1 "
                        f"(diff {OUT}/{name}-fast.jsonl {OUT}/{name}-generic.jsonl), "
                        f"the first: {differ[:5]}")


# ---- the differential fuzzer's programs, both ways -------------------------

FUZZ_CASES = 4000     # a few seconds through each implementation, both ways


def twin(decl: dict, rng) -> dict:
    """An exporter of decl's kind and layout named y, its contents equal or
    one item (or byte) different: == of two views of one layout, which is
    where the fast comparison of rows (memcmp) stands in for the walk."""
    t = copy.deepcopy(decl)
    t["name"] = "y"
    items = t.get("items")
    if isinstance(items, list) and len(items) > 1 and rng.random() < 0.7:
        i = rng.randrange(len(items))
        items[i] = items[i - 1]
    data = t.get("data")
    if isinstance(data, dict) and data.get("bytes") and rng.random() < 0.7:
        b = bytearray.fromhex(data["bytes"])
        b[rng.randrange(len(b))] ^= 1
        t["data"] = {"bytes": b.hex()}
    return t


def fuzzed_cases(hello) -> list[dict]:
    """The differential fuzzer's programs (harness/fuzz/programs.py) from a
    fixed seed, a third of them ending in == of x and a twin of it."""
    rng = random.Random(16)
    caps = programs.Caps(exporters=frozenset(hello.exporters),
                         language=tuple(int(p) for p in hello.language.split(".")))
    cases = []
    for i in range(FUZZ_CASES):
        program = programs.generate(rng, caps)
        x = program["setup"][0]
        if rng.random() < 0.33 and not any(d["name"] == "y" for d in program["setup"]):
            program["setup"].append(twin(x, rng))
            program["steps"] += [
                {"op": "memoryview", "args": [{"ref": "y"}], "as": "w"},
                {"op": rng.choice(["eq", "ne"]), "a": {"ref": "m"}, "b": {"ref": "w"}}]
        cases.append({"id": f"fuzz/{i}", "rules": [], **program})
    return cases


@pytest.mark.parametrize("name", ["reference", "mvref"])
def test_fuzzed_programs_answer_the_same_with_fast_paths_on_and_off(name):
    """The fuzzer's random layouts, keys and methods reach corners the
    suite does not: each program's reply must be the same both ways."""
    impl = impls.resolve(name)
    adapter = runner.Adapter(impl.argv, env=impl.env)
    hello = adapter.start()
    adapter.close()
    cases = fuzzed_cases(hello)
    fast = answers(impl, cases, generic=False)
    generic = answers(impl, cases, generic=True)
    assert fast.keys() == generic.keys()
    answered = [a for a in fast.values() if a["status"] == runner.ANSWERED]
    assert len(answered) > len(cases) // 2, "the fuzzer's programs mostly unsupported"
    compared = [c for c in cases if c["steps"][-1]["op"] in ("eq", "ne")
                and fast.get(c["id"], {}).get("status") == runner.ANSWERED]
    assert len(compared) > FUZZ_CASES // 10, "too few twins compared"
    differ = [cid for cid in fast if fast[cid] != generic[cid]]
    assert not differ, (f"{len(differ)} fuzzed programs answer differently with "
                        f"MVREF_GENERIC=1 (diff {OUT}/{name}-fast.jsonl "
                        f"{OUT}/{name}-generic.jsonl), the first: {differ[:5]}")


# ---- the switch, and the fast paths' edges against CPython ------------------

def load_mvref():
    import sys
    sys.path.insert(0, str(impls.MVREF_DIR))
    import mvref as module
    return module


def test_mvref_generic_in_the_environment_turns_the_fast_paths_off():
    import subprocess
    import sys
    ask = [sys.executable, "-c", "import mvref; print(mvref._fast_paths())"]
    env = dict(os.environ, PYTHONPATH=str(impls.MVREF_DIR))
    env.pop("MVREF_GENERIC", None)
    on = subprocess.run(ask, env=env, capture_output=True, text=True, check=True)
    off = subprocess.run(ask, env=dict(env, MVREF_GENERIC="1"), capture_output=True,
                         text=True, check=True)
    assert (on.stdout.strip(), off.stdout.strip()) == ("True", "False")


def awkward_arrays():
    """Layouts at the fast paths' edges: rows packed and not, negative
    strides, transposes whose sides are no multiple of a tile, items of
    1, 2, 3, 4 and 8 bytes, empty dimensions; floats with NaN and -0.0, and
    '?' items whose byte is 2 (True, as 1 is)."""
    import numpy as np
    base = np.arange(3 * 70 * 33, dtype=np.int64).reshape(3, 70, 33)
    out = {}
    for dtype in ("uint8", "int16", "int32", "float32", "float64", "S3"):
        a = base.astype(dtype) if dtype != "S3" else (base % 251).astype("u1").view("S1")
        if dtype == "S3":
            a = np.ascontiguousarray(a.reshape(3, 70, 33)[:, :, :33].copy()).view("S3")
        out[f"{dtype}"] = a
        out[f"{dtype}.T"] = a.T
        out[f"{dtype}-F"] = np.asfortranarray(a)
        out[f"{dtype}[::-1,::2]"] = a[::-1, ::2]
        out[f"{dtype}[1][:, ::-3]"] = a[1][:, ::-3]
        out[f"{dtype}[0].T"] = a[0].T
        out[f"{dtype}-empty"] = a[:, :0]
    special = np.array([0.0, -0.0, np.nan, 1.5, -np.inf], dtype=np.float64)
    out["nan"] = special
    out["nan[::-1]"] = special[::-1]
    out["bool-2"] = np.array([0, 1, 2, 255], dtype=np.uint8).view(np.bool_)
    return out


def outcome(f):
    """What f() answers, as text: repr tells nan, -0.0 and 0.0 apart, and a
    list of nans equals itself."""
    try:
        return repr(f())
    except Exception as e:     # the exception is the outcome compared
        return f"{type(e).__name__}: {e}"


def every_answer(M, a, b):
    """What the operations with fast paths answer for views of a and b."""
    m, w = M(a), M(b)
    answers = {}
    for order in ("C", "F", "A"):
        answers[f"tobytes {order}"] = outcome(lambda: m.tobytes(order))
    answers["tolist"] = outcome(m.tolist)
    answers["hex"] = outcome(m.hex)
    answers["hex ':' 3"] = outcome(lambda: m.hex(":", 3))
    answers["hex '-' -2"] = outcome(lambda: m.hex("-", -2))
    answers["== itself"] = outcome(lambda: m == m)
    answers["== a copy"] = outcome(lambda: m == w)
    answers["== reversed"] = outcome(lambda: m == M(b[::-1]) if b.ndim else m == w)
    answers["bytes"] = outcome(lambda: bytes(m))
    flat = a.tobytes()
    answers["hash"] = outcome(lambda: hash(M(flat)))
    answers["hash [::-3]"] = outcome(lambda: hash(M(flat)[::-3]))
    return answers


def test_mvref_fast_and_generic_answer_as_the_builtin_at_the_fast_paths_edges():
    mv = load_mvref()
    problems = []
    try:
        for name, a in awkward_arrays().items():
            b = a.copy()
            want = every_answer(memoryview, a, b)
            for fast in (True, False):
                mv._set_fast_paths(fast)
                got = every_answer(mv.memoryview, a, b)
                problems += [f"{name}: {op} ({'fast' if fast else 'generic'}): "
                             f"{got[op]!r:.200} != {want[op]!r:.200}"
                             for op in want if got[op] != want[op]]
    finally:
        mv._set_fast_paths(True)
    assert not problems, "\n".join(problems[:20])
