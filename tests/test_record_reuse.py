"""record --reuse: an oracle answers only the cases a suite recorded before
lacks its answer to; the rest keep the answers recorded (after a merge, the
suites of both sides make a new oracle's recording a matter of the new cases)."""

import json
import shutil

from harness import cases, impls, record
from harness.generate import TEMPLATE_DIR


def seed_suite(tmp_path, name, reuse=()):
    templates = tmp_path / "templates"
    if not templates.exists():
        templates.mkdir()
        shutil.copy(TEMPLATE_DIR / "seed.toml", templates)
    out = tmp_path / name
    record.record([impls.python_adapter(impls.DEBIAN_PYTHON)], out, template_dir=templates,
                  reuse=list(reuse))
    return out


def test_an_answer_recorded_before_is_kept_and_a_missing_case_is_run(tmp_path):
    first = seed_suite(tmp_path, "first")
    lines = (first / "seed.jsonl").read_text().splitlines()
    kept, dropped = json.loads(lines[0]), json.loads(lines[1])
    # mark the first answer, so that a fresh run would show by undoing it
    kept["expect"][0]["outcomes"][-1] = {"value": "recorded before"}
    (first / "seed.jsonl").write_text("\n".join([json.dumps(kept)] + lines[2:]) + "\n")
    second = seed_suite(tmp_path, "second", reuse=[first])
    again = {c["id"]: c for c in cases.read_jsonl(second / "seed.jsonl")}
    assert again[kept["id"]]["expect"][0]["outcomes"][-1] == {"value": "recorded before"}
    assert again[dropped["id"]]["expect"] == dropped["expect"]


def test_a_case_that_changed_is_run_again(tmp_path):
    first = seed_suite(tmp_path, "first")
    lines = (first / "seed.jsonl").read_text().splitlines()
    case = json.loads(lines[0])
    truth = case["expect"]
    case["expect"] = [dict(truth[0], outcomes=[{"value": "stale"}] * len(truth[0]["outcomes"]))]
    case["rules"] = case["rules"] + ["SEED-999"]      # not the case the templates make now
    (first / "seed.jsonl").write_text("\n".join([json.dumps(case)] + lines[1:]) + "\n")
    second = seed_suite(tmp_path, "second", reuse=[first])
    again = {c["id"]: c for c in cases.read_jsonl(second / "seed.jsonl")}
    assert again[case["id"]]["expect"] == truth
