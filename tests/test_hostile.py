"""The harness survives hostile adapters: each attack costs the case it was
on, with the reason, and nothing else (spec/protocol.md section 1).

Each test starts the harness on the seven seed cases with
tests/fakes/hostile_adapter.py, which answers as CPython 3.11.2 recorded
except where its mode attacks, and checks the exact status of every case,
the exit status, what is said and how long it took. A run must end: each is
given a wall-clock bound, far above what it needs, far below forever.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FAKE = Path(__file__).parent / "fakes" / "hostile_adapter.py"
SEED = ROOT / "conformance" / "seed.jsonl"
ALL = ["seed/bytes-index", "seed/bytes-slice-to-bytes", "seed/bytearray-write-through",
       "seed/array-index-and-assign", "seed/bytearray-slice-shares-memory", "seed/numpy-tolist",
       "seed/ndarray-tolist"]
T = "seed/bytearray-write-through"          # the case attacked: two before it, four after
LAST = ALL[-1]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A suite of the seed cases alone: loads in milliseconds."""
    d = tmp_path_factory.mktemp("tiny")
    shutil.copy(SEED, d / "seed.jsonl")
    shutil.copy(ROOT / "conformance" / "oracles.json", d / "oracles.json")
    return d


class Run:
    def __init__(self, rc, seconds, stdout, stderr, results):
        self.rc, self.seconds, self.stdout, self.stderr = rc, seconds, stdout, stderr
        self.doc = json.loads(results.read_text()) if results.exists() else None

    @property
    def statuses(self):
        return {c["id"]: c["status"] for c in self.doc["cases"]}

    def detail(self, case_id):
        return next(c.get("detail", "") for c in self.doc["cases"] if c["id"] == case_id)


def harness(tiny, tmp_path, mode, target=T, *options, bound=30.0, env=None):
    results = tmp_path / "results"
    command = f"hostile={sys.executable} {FAKE} {mode} {target} {tiny / 'seed.jsonl'}"
    argv = [sys.executable, "-m", "harness", "run", command, "--cases", str(tiny),
            "--results", str(results), "--timeout", "5", *options]
    started = time.monotonic()
    r = subprocess.run(argv, cwd=ROOT, capture_output=True, timeout=bound,
                       env=dict(os.environ, **(env or {})))
    run = Run(r.returncode, time.monotonic() - started, r.stdout.decode(), r.stderr.decode(),
              results / "hostile.json")
    assert "Traceback" not in run.stderr, run.stderr
    return run


def expect_only(run, status, target=T, others="pass"):
    """`target` has `status`, every other case `others`: nothing else was lost."""
    want = {i: (status if i == target else others) for i in ALL}
    assert run.statuses == want, (run.stdout, run.stderr)


# A reply the harness cannot use: a protocol error of that case, saying why.
BAD_REPLIES = [
    ("garbage", "not JSON"),
    ("blank-line", "not JSON"),
    ("not-object", r"not a result line \(an object with an id\)"),
    ("binary", "not UTF-8"),
    ("nan-bits-garbage", r'outcomes\[0\]\.value\.bits: "zz" is not 16 lowercase hex digits'),
    ("bits-17-digits", r"outcomes\[0\]\.value\.bits: .* is not 16 lowercase hex digits"),
    ("tuple-of-int", r"outcomes\[0\]\.value\.tuple: expected an array, got an integer 5"),
    ("bare-float", r"outcomes\[0\]\.value: expected .*, got a number 1\.5"),
    ("nan-literal", "not JSON: NaN is not JSON"),
    ("bad-int-text", r'outcomes\[0\]\.value\.int: "12; import os" is not decimal digits'),
    ("bad-bytes", r'outcomes\[0\]\.value\.bytes: "xyz" is not lowercase hex'),
    ("slice-of-two", r"outcomes\[0\]\.value\.slice: has 2 items, fewer than 3"),
    ("unknown-value-form", r"outcomes\[0\]\.value: .* has none of the keys"),
    ("raises-without-message", r"outcomes\[0\]\.raises: 'message' is missing"),
    ("raises-not-object", r"outcomes\[0\]\.raises: expected an object"),
    ("two-outcome-keys", r"outcomes\[0\]: unexpected field 'unbound'"),
    ("outcomes-not-list", "outcomes: expected an array"),
    ("extra-outcome", "4 outcomes for 3 steps"),
    ("missing-outcome", "2 outcomes for 3 steps"),
    ("unsupported-not-text", "unsupported: expected a string"),
    ("id-not-text", r"not a result line \(an object with an id\)"),
    ("wrong-id", "a result for 'someone/else', which names no case sent to this adapter"),
    ("deep-nesting", "nested too deeply"),
    ("invalid-utf8", r"not UTF-8: byte b'\\xff'"),
    ("utf16", r"not UTF-8: byte b'\\xff' at offset 0"),
]


@pytest.mark.parametrize("mode, why", BAD_REPLIES, ids=[m for m, _ in BAD_REPLIES])
def test_a_reply_the_harness_cannot_use_is_a_protocol_error_of_that_case(tiny, tmp_path, mode, why):
    run = harness(tiny, tmp_path, mode)
    expect_only(run, "protocol-error")
    assert re.search(why, run.detail(T)), run.detail(T)
    assert run.rc == 1
    assert (tmp_path / "results" / "hostile.json").exists()


def test_a_reply_longer_than_the_limit_is_a_protocol_error(tiny, tmp_path):
    run = harness(tiny, tmp_path, "too-long", T, "--max-reply-bytes", str(1 << 20))
    expect_only(run, "protocol-error")
    assert "longer than 1048576 bytes" in run.detail(T)
    assert run.rc == 1


def test_a_50_mb_reply_is_read_in_linear_time(tiny, tmp_path):
    # It was charged `timeout` at --timeout 120 when reading was quadratic.
    run = harness(tiny, tmp_path, "padded-50mb", T, "--timeout", "60")
    expect_only(run, "pass", others="pass")
    assert run.rc == 0
    assert run.doc["cases"][2]["seconds"] < 10, run.doc["cases"][2]


def test_a_line_ended_by_cr_lf_is_read(tiny, tmp_path):
    run = harness(tiny, tmp_path, "crlf")
    expect_only(run, "pass")
    assert run.rc == 0


def test_a_reply_dribbled_byte_by_byte_is_read(tiny, tmp_path):
    run = harness(tiny, tmp_path, "trickle")
    expect_only(run, "pass")
    assert run.rc == 0


@pytest.mark.parametrize("mode, why", [
    ("exit", "exit status 0"),
    ("exit-3", "(?s)exit status 3.*\nValueError: the real reason"),
    ("node-crash", "exit status 1; its stderr ends:\nError: the real reason\n…\n"),
    ("sigsegv", r"killed by signal 11 \(SIGSEGV\)"),
    ("sigkill", r"killed by signal 9 \(SIGKILL\)"),
    ("sigabrt", r"killed by signal 6 \(SIGABRT\)"),
    ("close-stdout", "closed its output but was still running 1 s later"),
], ids=lambda x: x if " " not in x else "")
def test_an_adapter_that_dies_costs_a_crash_of_that_case(tiny, tmp_path, mode, why):
    run = harness(tiny, tmp_path, mode)
    expect_only(run, "crash")
    assert re.search(why, run.detail(T)), run.detail(T)
    assert run.rc == 1 and run.seconds < 15


@pytest.mark.parametrize("mode, why", [
    ("hang", r"no answer within 0\.5 s"),
    ("sigstop", r"no answer within 0\.5 s"),
    ("grandchild-holds-stdout", "the adapter had ended .exit status 0. but a process it started "
                                "kept its output open"),
])
def test_an_adapter_that_falls_silent_costs_a_timeout_of_that_case(tiny, tmp_path, mode, why):
    run = harness(tiny, tmp_path, mode, T, "--timeout", "0.5")
    expect_only(run, "timeout")
    assert re.search(why, run.detail(T)), run.detail(T)
    assert run.rc == 1 and run.seconds < 10


def test_an_answer_given_twice_is_charged_to_its_case_and_the_next_keeps_its_own(tiny, tmp_path):
    run = harness(tiny, tmp_path, "double")
    expect_only(run, "protocol-error")
    assert "answered a second time" in run.detail(T)
    assert run.rc == 1


def test_the_last_answer_given_twice_is_charged_too(tiny, tmp_path):
    run = harness(tiny, tmp_path, "double", LAST)
    expect_only(run, "protocol-error", LAST)
    assert "answered a second time" in run.detail(LAST)


def test_an_answer_repeated_forever_costs_two_cases_and_bounded_memory(tiny, tmp_path):
    run = harness(tiny, tmp_path, "repeat-forever")
    due = "seed/array-index-and-assign"
    assert run.statuses == {i: ("protocol-error" if i in (T, due) else "pass") for i in ALL}
    assert "answered a second time" in run.detail(T)
    assert "repeated 100 answers to other cases instead of answering this one" in run.detail(due)


def test_an_answer_out_of_order_is_charged_to_the_case_that_was_due(tiny, tmp_path):
    # protocol.md section 1: results come in the order of the cases.
    run = harness(tiny, tmp_path, "swap")
    expect_only(run, "protocol-error")
    assert "answered 'seed/array-index-and-assign' before this case" in run.detail(T)


def test_an_adapter_unsupported_everywhere_gets_a_loud_warning(tiny, tmp_path):
    run = harness(tiny, tmp_path, "unsupported", "*")
    assert set(run.statuses.values()) == {"unsupported"}
    assert run.rc == 0
    assert "WARNING: hostile: every one of the 7 cases was unsupported" in run.stdout
    assert run.doc["warnings"]


@pytest.mark.parametrize("mode, status", [
    ("hang", "timeout"), ("exit-3", "crash"), ("close-stdout", "crash"),
    ("garbage", "protocol-error"),
])
def test_an_adapter_that_fails_every_case_is_given_up_quickly(tiny, tmp_path, mode, status):
    run = harness(tiny, tmp_path, mode, "*", "--timeout", "0.5", "--give-up-after", "2")
    assert set(run.statuses.values()) == {status}, run.statuses
    not_run = [c for c in run.doc["cases"] if c["detail"].startswith("not run: ")]
    assert len(not_run) == 4, run.doc["cases"]       # two in a row, one of another template
    assert all("failed 2 cases in a row, and then" in c["detail"] for c in not_run)
    assert run.rc == 1 and run.seconds < 15
    assert run.doc["summary"][status] == 7


def test_a_hello_twice_costs_every_case_and_ends(tiny, tmp_path):
    run = harness(tiny, tmp_path, "hello-twice", "-")
    assert set(run.statuses.values()) == {"protocol-error"}
    assert run.rc == 1


def test_a_flood_of_stderr_goes_to_the_log_not_to_memory(tiny, tmp_path):
    # 256 MiB of stderr: streamed to the log file, the harness's memory stays small.
    results = tmp_path / "results"
    command = f"hostile={sys.executable} {FAKE} stderr-flood {T} {tiny / 'seed.jsonl'}"
    # VmHWM: the peak of this process's own memory (ru_maxrss would count
    # the pytest process it was forked from).
    probe = ("import re, sys; from harness import cli; rc = cli.main(sys.argv[1:]); "
             "status = open('/proc/self/status').read(); "
             "print('maxrss', re.search(r'VmHWM:\\s*(\\d+)', status)[1], file=sys.stderr); sys.exit(rc)")
    r = subprocess.run([sys.executable, "-c", probe, "run", command, "--cases", str(tiny),
                        "--results", str(results), "--timeout", "60"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    rss_kib = int(re.search(r"maxrss (\d+)", r.stderr)[1])
    assert rss_kib < 80 * 1024, f"the harness grew to {rss_kib} KiB"
    assert (results / "logs" / "hostile.stderr").stat().st_size >= 256 << 20


@pytest.mark.parametrize("mode", ["stderr-flood-crash", "stderr-one-huge-line"])
def test_crash_details_are_whole_lines_with_the_error(tiny, tmp_path, mode):
    run = harness(tiny, tmp_path, mode)
    expect_only(run, "crash")
    detail = run.detail(T)
    assert "Fatal: the real reason" in detail
    assert len(detail) < 6000
    assert detail.split("\n")[0] == "exit status 3; its stderr ends:"
    for line in detail.split("\n")[1:]:            # the stderr lines: begun and ended
        assert line.startswith("n=") and line.endswith(" end") \
            or line.endswith("Fatal: the real reason"), line


@pytest.mark.parametrize("mode, why", [
    ("hello-silent", r"stayed silent for 1 s \(--hello-timeout\) before its hello line"),
    ("hello-exit", r"exited \(exit status 4\) before its hello line"),
    ("hello-garbage", "first line is not JSON"),
    ("hello-protocol-2", "adapter speaks protocol 2, the harness speaks 1"),
    ("hello-language-banana", r'hello line: language: "banana" is not a string matching'),
    ("hello-deep", "first line is not JSON the harness reads: nested too deeply"),
])
def test_an_adapter_that_does_not_greet_properly_cannot_run(tiny, tmp_path, mode, why):
    run = harness(tiny, tmp_path, mode, "-", "--hello-timeout", "1")
    assert run.rc == 2
    assert re.search(why, run.stderr), run.stderr
    assert run.seconds < 10


def test_a_hello_naming_an_unknown_exporter_is_warned_about(tiny, tmp_path):
    run = harness(tiny, tmp_path, "hello-unknown-exporter", "-")
    assert "WARNING: hostile: the adapter's hello names exporters the protocol does not " \
           "define: 'quantum'" in run.stdout
    assert "every one of the 7 cases was unsupported" in run.stdout


def test_control_characters_from_an_adapter_never_reach_the_terminal(tiny, tmp_path):
    run = harness(tiny, tmp_path, "hello-ansi-version", "-")
    assert run.rc == 0
    assert "\x1b" not in run.stdout + run.stderr and "\x07" not in run.stdout
    assert "3.11.2\\x1b[2J" in run.stdout
    run = harness(tiny, tmp_path, "hostile-text")
    assert run.statuses[T] == "fail"
    assert "\x1b" not in run.stdout and "\r" not in run.stdout and "\u2028" not in run.stdout
    assert "\\x1b[2J" in run.stdout


@pytest.mark.parametrize("impl", ["reference", "mvref", "cpython"])
def test_the_adapters_shipped_here_name_only_kinds_the_protocol_defines(impl, tmp_path):
    # The kinds a hello may name are read from the schema (protocol.md
    # section 5): a kind added to the protocol, such as `object`, is known
    # to the warning at once.
    r = subprocess.run([sys.executable, "-m", "harness", "run", impl, "--id",
                        "convert/key-get/k=idx:3", "--results", str(tmp_path / "r.json")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "WARNING" not in r.stdout + r.stderr
    assert "1 pass" in r.stdout
