"""The harness survives its adapters: crash, hang and garbage cost one case.

protocol.md section 1: a crash is `crash`, silence past the time limit is
`timeout`, an unusable line is `protocol-error`; the adapter is restarted and
every other case is still answered.
"""

import json
import sys
from pathlib import Path

import pytest

from harness import runner, session
from harness.impls import Impl

FAKE = Path(__file__).parent / "fakes" / "misbehaving_adapter.py"


def fake(mode, target, tmp_path):
    return [sys.executable, str(FAKE), mode, target, str(tmp_path / "marker")]


def run_fake(suite, mode, target, tmp_path, timeout=5.0):
    cases = [c for c in suite.cases if c["id"].startswith("seed/")]
    impl = Impl(f"fake-{mode}", fake(mode, target, tmp_path))
    return cases, session.run(impl, suite, cases, timeout=timeout)


@pytest.mark.parametrize("mode, status", [
    ("crash", "crash"), ("hang", "timeout"), ("garbage", "protocol-error"),
    ("wrongid", "protocol-error"),
])
def test_a_misbehaving_adapter_costs_only_that_case(suite, tmp_path, mode, status):
    target = "seed/array-index-and-assign"
    cases, run = run_fake(suite, mode, target, tmp_path, timeout=2.0)
    by_id = {r.id: r for r in run.results}
    assert [r.id for r in run.results] == [c["id"] for c in cases]
    assert by_id[target].status == status
    assert run.restarts == 1
    others = [r for r in run.results if r.id != target]
    assert others and all(r.status in ("pass", "unsupported") for r in others), \
        [(r.id, r.status, r.detail) for r in others]
    # The cases after the bad one were answered by the restarted adapter.
    after = [c["id"] for c in cases][[c["id"] for c in cases].index(target) + 1:]
    assert after and all(by_id[i].status == "pass" for i in after if "numpy" not in i)


def test_a_crash_reports_the_exit_status_and_stderr(suite, tmp_path):
    _, run = run_fake(suite, "crash", "seed/bytes-index", tmp_path)
    r = run.results[0]
    assert r.status == "crash"
    assert "exit status 3" in r.detail and "about to crash" in r.detail


def test_an_adapter_that_always_crashes_on_a_case_still_finishes_the_run(suite, tmp_path):
    cases, run = run_fake(suite, "always-crash", "seed/bytes-index", tmp_path)
    assert run.results[0].status == "crash"
    assert all(r.status in ("pass", "unsupported") for r in run.results[1:])


def test_an_adapter_that_gathers_replies_is_charged_for_the_case_that_crashes(suite, tmp_path):
    # The replies to the cases before the target were gathered, not written,
    # when the adapter died: the head of the window is not the culprit.
    cases, run = run_fake(suite, "gather", "seed/array-index-and-assign", tmp_path)
    target = [c["id"] for c in cases].index("seed/array-index-and-assign")
    assert target >= 2
    assert [r.id for r in run.results] == [c["id"] for c in cases]
    assert [r.status for r in run.results[:target]] == ["pass"] * target
    assert run.results[target].status == "crash"
    assert "did not recur" not in run.results[target].detail
    assert all(r.status in ("pass", "unsupported") for r in run.results[target + 1:])


def test_a_crash_that_does_not_recur_alone_is_charged_to_the_head(suite, tmp_path):
    # Nobody fails when sent alone: the crash is not hidden, it is charged as
    # an adapter answering line by line would have shown it, and says so.
    cases, run = run_fake(suite, "gather-once", "seed/array-index-and-assign", tmp_path)
    assert [r.id for r in run.results] == [c["id"] for c in cases]
    assert run.results[0].status == "crash"
    assert "did not recur when the cases in flight were sent again one at a time" \
        in run.results[0].detail
    assert all(r.status in ("pass", "unsupported") for r in run.results[1:])


def test_no_hello_line_is_a_clear_error(tmp_path):
    with pytest.raises(runner.AdapterError, match="before its hello line"):
        runner.Adapter(fake("nohello", "-", tmp_path)).start()


def test_silence_before_hello_is_bounded(tmp_path):
    a = runner.Adapter(fake("silent", "-", tmp_path), start_timeout=0.5)
    with pytest.raises(runner.AdapterError, match="stayed silent"):
        a.start()


def test_a_missing_command_is_a_clear_error():
    with pytest.raises(runner.AdapterError, match="cannot start"):
        runner.Adapter(["/nonexistent/adapter"]).start()


@pytest.mark.parametrize("line, why", [
    (b"not json", "not JSON"),
    (b"[]", "not a JSON object"),
    (b'{"mvspec": 2}', "protocol 2"),
    (b'{"mvspec": 1, "implementation": "x"}', "'version' is missing"),
    (b'{"mvspec": 1, "implementation": "x", "version": "1", "language": "3.11", '
     b'"platform": {"word_size": 16, "byteorder": "little"}, "exporters": []}',
     r"platform\.word_size: 16 is not one of 32, 64"),
    (b'{"mvspec": 1, "implementation": "x", "version": "1", "language": "banana", '
     b'"platform": {"word_size": 64, "byteorder": "little"}, "exporters": []}', "language"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
])
def test_a_malformed_hello_line_is_refused(line, why):
    with pytest.raises(runner.AdapterError, match=why):
        runner.parse_hello(line)


@pytest.mark.parametrize("line", [
    b'{"id": "c", "outcomes": [{"value": 1}, {"value": 2}]}',
    b'{"id": "c", "outcomes": [{"vaule": 1}]}',
    b'{"id": "c", "outcomes": [{"raises": {"type": "E"}}]}',
    b'{"id": "c", "outcomes": "no"}',
])
def test_a_malformed_result_is_a_protocol_error(line):
    case = {"id": "c", "steps": [{"op": "len", "obj": "m"}]}
    assert runner.parse_reply(line, case).status == runner.PROTOCOL_ERROR


def test_expected_outcomes_are_never_sent():
    case = {"id": "c", "rules": [], "setup": [], "steps": [], "expect": [{"secret": 1}]}
    assert b"expect" not in runner.wire_line(case)


@pytest.mark.parametrize("line", [
    b'{"id": "c", "outcomes": [{"raises": {"type": "ValueError", "message": "x\\ud83d"}}]}',
    '{"id": "c", "outcomes": [{"value": "x\ude00"}]}'.encode("utf-8", "surrogatepass"),
])
def test_half_a_surrogate_pair_is_shown_as_its_escape(line):
    # Brython's JavaScript strings are UTF-16: it can send half a pair. Every
    # output of the harness must still be able to write what it said.
    reply = runner.parse_reply(line, {"id": "c", "steps": [{}]})
    assert reply.status == runner.ANSWERED
    text = json.dumps(reply.outcomes, ensure_ascii=False)
    text.encode("utf-8")
    assert "x\\\\ud83d" in text or "x\\\\ude00" in text, text


def as_read_by_javascript(line: bytes):
    """The line as a reader that holds every JSON number as a double reads it
    (JavaScript's JSON.parse), turned back into ints where they are whole."""
    return json.loads(line, parse_int=lambda text: int(float(text)))


def test_every_int_is_sent_so_that_a_javascript_reader_reads_it_exactly(suite):
    # protocol.md section 3: an int beyond 2**53 - 1 goes as {"int": "..."}.
    sent = [c for c in suite.cases if runner.LONG_DIGITS.search(json.dumps(c).encode())]
    rounded = 0
    for case in sent:
        plain = json.dumps({k: v for k, v in case.items() if k != "expect"}).encode()
        rounded += as_read_by_javascript(plain) != json.loads(plain)
        line = runner.wire_line(case)
        assert as_read_by_javascript(line) == json.loads(line), case["id"]
        assert same_values(json.loads(line), case), case["id"]
    assert rounded > 0          # what JavaScript adapters got wrong before


def same_values(sent, case):
    """The same case to a reader that has ints of any size: the same fields,
    every value canonically equal."""
    from harness import values

    def fields(c):
        out = [(s.get("name"), k, v) for s in c["setup"] for k, v in s.items()]
        for i, s in enumerate(c["steps"]):
            for k, v in s.items():
                if k == "args":
                    out += [(i, f"args{j}", a) for j, a in enumerate(v)]
                elif k == "kwargs":
                    out += [(i, f"kw{n}", a) for n, a in v.items()]
                else:
                    out.append((i, k, v))
        return out

    def canon(k, v):
        return values.canonical(v) if k in runner.SETUP_VALUES + runner.STEP_VALUES \
            or k.startswith(("args", "kw")) else v
    return [(a, k, canon(k, v)) for a, k, v in fields(sent)] == \
        [(a, k, canon(k, v)) for a, k, v in fields(case)]


@pytest.mark.parametrize("value, wire", [
    (2**53 - 1, 2**53 - 1), (2**53, {"int": str(2**53)}), (-2**53, {"int": str(-2**53)}),
    ([1, 2**63], [1, {"int": str(2**63)}]), ({"tuple": [2**60]}, {"tuple": [{"int": str(2**60)}]}),
    ({"slice": [None, 2**60, 1]}, {"slice": [None, {"int": str(2**60)}, 1]}),
    ({"int": "5"}, {"int": "5"}), (True, True),
])
def test_ints_a_double_cannot_hold_go_as_text(value, wire):
    from harness import values
    assert values.wire(value) == wire
    assert values.canonical(values.wire(value)) == values.canonical(value)
