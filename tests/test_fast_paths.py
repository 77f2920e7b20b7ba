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

import json
import os
from pathlib import Path

import pytest

from harness import impls, runner, session

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
