"""The fuzzers of the C reference, and what they found, kept found.

Every input that once made a report -- from the mutation run of the driver
(harness/mutate.py) or from libFuzzer (reference/fuzz/) -- is kept under
reference/fuzz/regressions/ and must stay harmless: replayed through the
libFuzzer targets and through the sanitized driver under every CPython it
models. A short slice of each libFuzzer target, with a fixed seed, runs
here too (make check). The sanitize and coverage checks replay the case
lines as well (harness/checks.py).
"""

import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from harness import fuzzc
from harness.mutate import MODELS, Mutator, build_driver, report_key, suite_lines, MAX_LINE

ROOT = Path(__file__).resolve().parent.parent
REGRESSIONS = ROOT / "reference" / "fuzz" / "regressions"


@pytest.fixture(scope="module")
def targets():
    fuzzc.build()
    fuzzc.write_seeds()


def test_every_fuzz_target_has_regression_inputs_and_a_dictionary():
    for target in fuzzc.TARGETS:
        assert (ROOT / "reference" / "fuzz" / f"{target}.dict").is_file()
    assert len(list((REGRESSIONS / "case").iterdir())) >= 10


def test_every_regression_input_and_seed_runs_clean_through_the_fuzz_targets(targets):
    r = subprocess.run([sys.executable, "-m", "harness.fuzzc", "--replay"], cwd=ROOT,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]


@pytest.mark.parametrize("python, word_size", MODELS)
def test_every_regression_line_is_answered_by_the_sanitized_driver(python, word_size):
    lines = [p.read_bytes().rstrip(b"\n") for p in sorted((REGRESSIONS / "case").iterdir())]
    r = subprocess.run([str(build_driver()), "--python", python, "--word-size", word_size],
                       input=b"".join(x + b"\n" for x in lines), capture_output=True,
                       timeout=300, cwd=ROOT)
    assert r.returncode == 0 and report_key(r.stderr.decode(errors="replace")) is None, \
        r.stderr.decode(errors="replace")[-3000:]
    assert r.stdout.count(b"\n") == len(lines) + 1   # the hello, then one answer each


# A slice of each target from a fixed seed, starting from its regression
# inputs; bounded in time (an input near the case's memory limit takes a
# good part of a second), so that the two take about 25 s.
@pytest.mark.parametrize("target", fuzzc.TARGETS)
def test_a_fixed_seed_slice_of_each_fuzz_target_runs_clean(targets, tmp_path, target):
    corpus = tmp_path / "corpus"
    shutil.copytree(REGRESSIONS / target, corpus)
    r = subprocess.run(fuzzc.fuzzer_argv(target, ["-seed=1", "-max_total_time=12",
                                                  f"-artifact_prefix={tmp_path}/", str(corpus)]),
                       cwd=ROOT, capture_output=True, text=True, errors="replace", timeout=600)
    assert r.returncode == 0, r.stderr[-4000:]


# A fuzzer ended by a signal it did not raise itself (a kill, ^C) found
# nothing: the run was stopped, and the summary says by which signal.
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL],
                         ids=lambda s: s.name)
def test_a_fuzzer_stopped_from_outside_is_reported_stopped_by_that_signal_not_a_crash(
        targets, tmp_path, monkeypatch, sig):
    (tmp_path / "case-fuzzer").symlink_to(fuzzc.FUZZ / "case-fuzzer")
    (tmp_path / "seeds" / "case").mkdir(parents=True)
    monkeypatch.setattr(fuzzc, "FUZZ", tmp_path)
    progress = fuzzc.Progress("case")
    run = threading.Thread(target=fuzzc.run_target,
                           args=("case", ["-seed=1", "-max_total_time=120"], progress))
    # A job a shell starts in the background (CI's may be one) has SIGINT
    # ignored, and so has every process it starts: no ^C reaches them.  The
    # fuzzer is given the disposition a terminal's ^C finds (a handler here
    # is the default after exec), so that the test is of fuzzc, not of how
    # it was started.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        run.start()
        deadline = time.monotonic() + 60
        while progress.process is None and time.monotonic() < deadline:
            time.sleep(0.05)   # until the fuzzer is started with it
    finally:
        signal.signal(signal.SIGINT, previous)
    deadline = time.monotonic() + 60
    while progress.execs == 0 and run.is_alive() and time.monotonic() < deadline:
        time.sleep(0.2)   # fuzzing: past the regression inputs
    progress.process.send_signal(sig)
    run.join(timeout=60)
    assert not run.is_alive()
    assert (progress.crashes, progress.stopped) == (0, sig.name)
    assert progress.line().endswith(f"crashes 0, stopped by {sig.name}")
    assert not list((tmp_path / "crashes").iterdir())


def test_a_fuzzer_that_fails_without_writing_an_input_still_counts_a_crash():
    failed, fine = fuzzc.Progress("case"), fuzzc.Progress("case")
    failed.ended(1)
    fine.ended(0)
    assert (failed.crashes, failed.stopped, fine.crashes, fine.stopped) == (1, "", 0, "")


def test_a_sanitizer_report_is_named_by_its_kind_and_where_it_was_made():
    ubsan = ("reference/src/layout.c:122:14: runtime error: signed integer overflow: "
             "4611686018427387904 * 4 cannot be represented in type 'long'")
    asan = ("==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x6020 at pc 0x55\n"
            "    #0 0x55 in decode /w/reference/src/value.c:421:25\n")
    oom = ("==1==ERROR: AddressSanitizer: allocator is out of memory trying to allocate "
           "0x1000000060 bytes\n    #0 0x4 in malloc (x+0x1)\n"
           "    #1 0x5 in mv_alloc_at /w/reference/src/alloc.c:83:9\n")
    assertion = ("mvref-driver: reference/src/struct.c:283: int mv_struct_pack(const "
                 "mv_config *, const char *): Assertion `0' failed.")
    assert report_key(ubsan) == "UBSan signed integer overflow: at reference/src/layout.c:122"
    assert report_key(asan) == ("AddressSanitizer heap-buffer-overflow in decode at "
                                "reference/src/value.c:421")
    assert report_key(oom) == report_key(oom.replace("0x1000000060", "0x2000000000")) \
        == "AddressSanitizer allocator is out of memory in mv_alloc_at at reference/src/alloc.c:83"
    assert report_key(assertion) == "assertion `0' at reference/src/struct.c:283"
    assert report_key("mvref-driver: not a case line (x at column 1)") is None


def test_mutated_lines_differ_from_the_suite_and_stay_short():
    import random
    seeds = suite_lines(ROOT)
    m = Mutator(random.Random(1), seeds)
    lines = [m.line() for _ in range(300)]
    assert all(0 < len(x) <= MAX_LINE and b"\n" not in x for x in lines)
    assert len(set(lines)) > 250
