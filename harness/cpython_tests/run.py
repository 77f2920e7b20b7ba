"""Run one CPython test module under one interpreter, surviving crashes.

The module runs in a child process (inside.py), which writes each test's
start and end to an events file as it goes.  If the child dies -- a signal,
an abort, a hang past the time limit -- the test that was running is the
last one started and not ended: it is recorded as a crash, with the tail of
the child's stderr (faulthandler's traceback), and a new child runs the
tests not yet run.  So one crash costs one test, and says which.
"""

from __future__ import annotations

import json
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

INSIDE = Path(__file__).resolve().parent / "inside.py"
OUTCOMES = ("pass", "fail", "error", "skip")
MAX_RESTARTS = 25


@dataclass
class TestResult:
    test: str                    # "test_buffer.TestBufferProtocol.test_x"
    outcome: str                 # pass, fail, error, skip, crash
    detail: str = ""             # the exception's last line, the signal ...


@dataclass
class ModuleRun:
    module: str
    results: dict[str, TestResult] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)   # a child that died outside a test


def how_it_ended(returncode: int | None) -> str:
    if returncode is None:
        return "hung (killed at the time limit)"
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with status {returncode}"


def read_events(path: Path) -> tuple[dict[str, TestResult], str | None]:
    """The tests ended, and the one started but not ended (or None)."""
    ended: dict[str, TestResult] = {}
    running = None
    if not path.exists():
        return ended, None
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            event = json.loads(line)
        except ValueError:          # a line cut short by the crash
            continue
        if event.get("event") == "start":
            running = event["test"]
        elif event.get("event") == "end" and event.get("outcome") in OUTCOMES:
            ended[event["test"]] = TestResult(event["test"], event["outcome"],
                                              event.get("detail", ""))
            running = None
    return ended, running


def stderr_tail(text: str, lines: int = 12) -> str:
    """The crash report's start: faulthandler's 'Fatal Python error' on."""
    at = text.rfind("Fatal Python error")
    kept = text[at:] if at >= 0 else text
    return "\n".join(kept.strip().splitlines()[:lines])


def run_module(python: str, mvref_dir: Path, module: str, out_dir: Path,
               timeout: float, package: str = "test") -> ModuleRun:
    """Every test of `module` (of the interpreter's `package`) under python
    with mvref.memoryview; results per test, crashes among them.  Logs go
    to out_dir/<module>.*"""
    out_dir.mkdir(parents=True, exist_ok=True)
    events = out_dir / f"{module}.events.jsonl"
    log = out_dir / f"{module}.stderr"
    events.unlink(missing_ok=True)
    log.write_text("")
    run = ModuleRun(module)
    for _ in range(MAX_RESTARTS + 1):
        argv = [python, "-I", str(INSIDE), str(mvref_dir), f"{package}.{module}", str(events),
                *sorted(run.results)]
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True, errors="replace")
        try:
            _, err = proc.communicate(timeout=timeout)
            returncode = proc.returncode
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
            returncode = None
        with log.open("a", encoding="utf-8") as f:
            f.write(err)
        ended, running = read_events(events)
        for test, result in ended.items():
            run.results.setdefault(test, result)     # a crash stays a crash
        if returncode == 0:
            return run
        ending = how_it_ended(returncode)
        if running is None or running in run.results:
            run.problems.append(f"the child {ending} outside any test:\n{stderr_tail(err)}")
            return run
        run.results[running] = TestResult(running, "crash", f"{ending}\n{stderr_tail(err)}")
    run.problems.append(f"more than {MAX_RESTARTS} crashes: stopped")
    return run
