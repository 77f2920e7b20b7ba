"""The ready-made CI jobs of harness/ci/ work as written: their shell
commands, read from the YAML, run here end to end with a fake adapter —
shards in parallel jobs, artifacts carried to the gate job, merge, gate,
JUnit — and the README shows the files unchanged.

What a CI service does around the commands is played by this file, as
little as possible: each job gets a fresh workspace (a checkout of the
implementer's repository, with mvspec already where the job would clone
it), artifacts are copied between jobs as the YAML declares them, and the
published JUnit report is validated against harness/ci/junit.xsd.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
CI = ROOT / "harness" / "ci"
FAKE = Path(__file__).parent / "fakes" / "gating_adapter.py"
SCHEMA = etree.XMLSchema(etree.parse(str(CI / "junit.xsd")))
KNOWN = "seed/bytes-index"                       # the implementation's known bug
PLANTED = "release/after-release/x=bytes,use=len"   # a regression a change brings
AREAS = ("seed", "export", "release")


def shell(command: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-e", "-c", command], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A small suite, a python3 as a CI runner has, and the implementer's
    repository with its expectations file made by the command the YAML's
    head gives."""
    tmp = tmp_path_factory.mktemp("ci")
    suite = tmp / "suite"
    suite.mkdir()
    shutil.copy(ROOT / "conformance" / "oracles.json", suite)
    for area in AREAS:
        shutil.copy(ROOT / "conformance" / f"{area}.jsonl", suite)
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    repo = tmp / "repo"
    (repo / "ci").mkdir(parents=True)
    return {"tmp": tmp, "suite": suite, "repo": repo,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def environment(world, variables: dict, planted: bool) -> dict:
    env = {k: str(v) for k, v in variables.items()}
    modes = f"wrong {KNOWN}" + (f" wrong {PLANTED}" if planted else "")
    env.update(MVSPEC_IMPL=f"mine=python3 {FAKE} {modes}", MVSPEC_CASES=str(world["suite"]),
               MVSPEC_GIT="unused: mvspec is already in the workspace")
    return {**os.environ, **env, "PATH": world["PATH"], "PYTHONPATH": ""}


def setup_command(path: Path) -> str:
    """The command the file's head tells an implementer to run once."""
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if "Create the expectations file" in line)
    command = []
    for line in lines[start + 1:]:
        if not line.startswith("#   "):
            break
        command.append(line[1:].strip())
    return " ".join(c.rstrip("\\").strip() for c in command)


def workspace(world, name: str, expectations: Path) -> Path:
    ws = world["tmp"] / "jobs" / name
    if ws.exists():
        shutil.rmtree(ws)
    (ws / "ci").mkdir(parents=True)
    shutil.copy(expectations, ws / "ci" / "mvspec-expectations.txt")
    (ws / "mvspec").symlink_to(ROOT)
    return ws


def make_expectations(world, path: Path, env: dict) -> Path:
    repo = world["repo"]
    (repo / "mvspec").unlink(missing_ok=True)
    (repo / "mvspec").symlink_to(ROOT)
    (repo / "ci" / "mvspec-expectations.txt").unlink(missing_ok=True)
    r = shell(setup_command(path), repo, env)
    assert r.returncode == 0, r.stdout + r.stderr
    exp = repo / "ci" / "mvspec-expectations.txt"
    assert f"{KNOWN}  fail" in exp.read_text()
    return exp


def published(report: Path) -> etree._Element:
    doc = etree.parse(str(report))
    assert SCHEMA.validate(doc), SCHEMA.error_log
    return doc.getroot().find("testsuite")


# ---------------------------------------------------------- GitHub Actions ---

def github(world, planted=False, lose_shard=None):
    """Run the workflow's jobs in order; returns exit statuses, outputs and
    the published JUnit report's testsuite."""
    path = CI / "github-actions.yml"
    wf = yaml.safe_load(path.read_text())
    env = environment(world, wf["env"], planted)
    exp = make_expectations(world, path, environment(world, wf["env"], False))
    artifacts = world["tmp"] / "gh-artifacts"
    shutil.rmtree(artifacts, ignore_errors=True)
    statuses, out, junit = {}, {}, None
    shard_job = wf["jobs"]["mvspec-shard"]
    for shard in shard_job["strategy"]["matrix"]["shard"]:
        ws = workspace(world, f"gh-shard-{shard}", exp)
        name = f"shard {shard}"
        statuses[name], out[name] = 0, ""
        for step in shard_job["steps"]:
            if "run" in step and statuses[name] == 0:
                command = re.sub(r"\$\{\{\s*matrix\.shard\s*\}\}", str(shard), step["run"])
                r = shell(command, ws, env)
                statuses[name], out[name] = r.returncode, out[name] + r.stdout + r.stderr
            elif step.get("uses", "").startswith("actions/upload-artifact") and shard != lose_shard:
                label = step["with"]["name"].replace("${{ matrix.shard }}", str(shard))
                (artifacts / label).mkdir(parents=True)
                for f in glob.glob(str(ws / step["with"]["path"])):
                    shutil.copy(f, artifacts / label)
    gate_job = wf["jobs"]["mvspec-gate"]
    assert gate_job["needs"] == "mvspec-shard" and "cancelled" in gate_job["if"]
    ws = workspace(world, "gh-gate", exp)
    statuses["gate"], out["gate"] = 0, ""
    for step in gate_job["steps"]:
        uses = step.get("uses", "")
        if "run" in step:
            r = shell(step["run"], ws, env)
            statuses["gate"], out["gate"] = r.returncode, out["gate"] + r.stdout + r.stderr
            if r.returncode:
                pass        # the publishing step runs anyway (if: !cancelled())
        elif uses.startswith("actions/download-artifact"):
            target = ws / step["with"]["path"]
            target.mkdir(exist_ok=True)
            for d in glob.glob(str(artifacts / step["with"]["pattern"])):
                for f in Path(d).iterdir():
                    shutil.copy(f, target)
        elif uses.startswith("mikepenz/action-junit-report"):
            junit = published(ws / step["with"]["report_paths"])
    return statuses, out, junit


def test_github_actions_passes_the_gate_with_the_known_failure_skipped(world):
    statuses, out, junit = github(world)
    assert set(statuses.values()) == {0}, out
    assert "GATE: pass" in out["gate"] and "shards 1, 2, 3 of 3" in out["gate"]
    assert junit.get("failures") == "0" and junit.get("errors") == "0"
    known = junit.find(f"testcase[@name='{KNOWN}']/skipped")
    assert known is not None and "known: fail" in known.get("message")


def test_github_actions_fails_on_a_regression_with_its_reproducer_in_junit(world):
    statuses, out, junit = github(world, planted=True)
    assert statuses["gate"] == 1 and "GATE: FAIL" in out["gate"]
    assert sorted(statuses.values()) == [0, 0, 1, 1]      # its shard's job, and the gate
    assert int(junit.get("failures")) == 1
    failure = junit.find(f"testcase[@name='{PLANTED}']/failure")
    assert failure.text.startswith(f"# FAIL {PLANTED}")


def test_github_actions_fails_when_a_shard_is_lost(world):
    statuses, out, junit = github(world, lose_shard=2)
    assert statuses["gate"] == 1
    assert "shard 2/3 missing" in out["gate"] and "expected but not run" in out["gate"]
    assert int(junit.get("errors")) > 0


# -------------------------------------------------------------- GitLab CI ---

def gitlab(world, planted=False, lose_shard=None):
    path = CI / "gitlab-ci.yml"
    doc = yaml.safe_load(path.read_text())
    env = environment(world, doc["variables"], planted)
    exp = make_expectations(world, path, environment(world, doc["variables"], False))
    shard_job, gate_job = doc["mvspec-shard"], doc["mvspec-gate"]
    assert doc["stages"].index(shard_job["stage"]) < doc["stages"].index(gate_job["stage"])
    assert gate_job["needs"] == ["mvspec-shard"] and gate_job["when"] == "always"
    statuses, out, carried = {}, {}, []
    n = shard_job["parallel"]
    for i in range(1, n + 1):
        ws = workspace(world, f"gl-shard-{i}", exp)
        r = shell("\n".join(shard_job["script"]), ws,
                  {**env, "CI_NODE_INDEX": str(i), "CI_NODE_TOTAL": str(n)})
        statuses[f"shard {i}"], out[f"shard {i}"] = r.returncode, r.stdout + r.stderr
        assert shard_job["artifacts"]["when"] == "always"
        if i != lose_shard:
            for pattern in shard_job["artifacts"]["paths"]:
                carried += [(Path(f).relative_to(ws), Path(f)) for f in glob.glob(str(ws / pattern))]
    ws = workspace(world, "gl-gate", exp)
    for rel, f in carried:
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, ws / rel)
    r = shell("\n".join(gate_job["script"]), ws, env)
    statuses["gate"], out["gate"] = r.returncode, r.stdout + r.stderr
    junit = published(ws / gate_job["artifacts"]["reports"]["junit"])
    return statuses, out, junit


def test_gitlab_ci_passes_the_gate_and_fails_on_a_regression(world):
    statuses, out, junit = gitlab(world)
    assert set(statuses.values()) == {0}, out
    assert junit.get("failures") == "0" and junit.get("errors") == "0"
    statuses, out, junit = gitlab(world, planted=True)
    assert statuses["gate"] == 1 and int(junit.get("failures")) == 1


def test_gitlab_ci_fails_when_a_shard_is_lost(world):
    statuses, out, junit = gitlab(world, lose_shard=3)
    assert statuses["gate"] == 1 and "shard 3/3 missing" in out["gate"]


def test_the_readme_shows_the_ci_files_unchanged():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    assert (CI / "github-actions.yml").read_text() in blocks
    assert (CI / "gitlab-ci.yml").read_text() in blocks
