"""Drive one adapter process: stream cases in, read results out, survive it.

The adapter is a command speaking spec/protocol.md. We keep a small window of
cases in flight (writing ahead hides the pipe's round-trip latency) and read
results in order. Whatever the adapter does wrong costs only the case that
causes it:

    exits or closes its output  -> that case is a `crash`
    stays silent too long       -> that case is a `timeout` (we kill it)
    prints a line we can't use  -> that case is a `protocol-error`

and in every one of those the adapter is restarted and the cases that were in
flight behind it are sent again. When the adapter dies or falls silent with
several cases in flight, they are first sent again one at a time, so that an
adapter that gathers its replies is not charged for the wrong case. Results
already read are never lost.
"""

from __future__ import annotations

import collections
import json
import os
import re
import selectors
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

PROTOCOL_VERSION = 1
CRASH = "crash"
TIMEOUT = "timeout"
PROTOCOL_ERROR = "protocol-error"
ANSWERED = "answered"
UNSUPPORTED = "unsupported"


class AdapterError(RuntimeError):
    """The adapter cannot be used at all (it will not start or greet us)."""


@dataclass
class Hello:
    implementation: str
    version: str
    language: str
    word_size: int
    byteorder: str
    exporters: list[str]
    raw: dict = field(repr=False)

    @property
    def platform(self) -> str:
        return f"{self.word_size}{'le' if self.byteorder == 'little' else 'be'}"


@dataclass
class Reply:
    """What the adapter said about one case (before comparison)."""
    case_id: str
    status: str                     # ANSWERED, UNSUPPORTED, CRASH, TIMEOUT, PROTOCOL_ERROR
    outcomes: list | None = None
    detail: str = ""
    seconds: float = 0.0


def parse_hello(line: bytes) -> Hello:
    try:
        h = json.loads(line)
    except ValueError:
        raise AdapterError(f"first line is not JSON: {line[:200]!r}") from None
    if not isinstance(h, dict):
        raise AdapterError(f"first line is not a JSON object: {line[:200]!r}")
    if h.get("mvspec") != PROTOCOL_VERSION:
        raise AdapterError(f"adapter speaks protocol {h.get('mvspec')!r}, "
                           f"the harness speaks {PROTOCOL_VERSION}")
    try:
        p = h["platform"]
        hello = Hello(str(h["implementation"]), str(h["version"]), str(h["language"]),
                      int(p["word_size"]), str(p["byteorder"]),
                      [str(e) for e in h["exporters"]], h)
    except (KeyError, TypeError, ValueError) as e:
        raise AdapterError(f"hello line lacks or mangles {e}: {line[:200]!r}") from None
    if hello.word_size not in (32, 64) or hello.byteorder not in ("little", "big"):
        raise AdapterError(f"hello line has an impossible platform: {p!r}")
    return hello


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def as_text(value: Any) -> Any:
    """The decoded reply with every lone surrogate written as its escape.

    JSON's \\uXXXX lets an adapter on a UTF-16 platform (Brython's
    JavaScript) send half of a pair; such a string is not text, and every
    output (results, HTML, JUnit, a terminal) would refuse it. Shown as
    `\\ude00`, it still differs from CPython's answer, as it should."""
    if isinstance(value, str):
        if LONE_SURROGATE.search(value):
            return value.encode("utf-8", "backslashreplace").decode("utf-8")
        return value
    if isinstance(value, list):
        return [as_text(v) for v in value]
    if isinstance(value, dict):
        return {as_text(k): as_text(v) for k, v in value.items()}
    return value


def parse_reply(line: bytes, case: dict) -> Reply:
    """Check one result line against the case it must answer."""
    cid = case["id"]
    try:
        r = json.loads(line)
    except ValueError:
        return Reply(cid, PROTOCOL_ERROR, detail=f"not JSON: {line[:200]!r}")
    if b"\\u" in line or b"\xed" in line:   # an escape, or raw UTF-8 of one
        r = as_text(r)
    if not isinstance(r, dict) or r.get("id") != cid:
        got = r.get("id") if isinstance(r, dict) else r
        return Reply(cid, PROTOCOL_ERROR, detail=f"expected a result for {cid!r}, got {str(got)[:200]}")
    if "unsupported" in r:
        return Reply(cid, UNSUPPORTED, detail=str(r["unsupported"]))
    outcomes = r.get("outcomes")
    if not isinstance(outcomes, list) or len(outcomes) != len(case["steps"]):
        return Reply(cid, PROTOCOL_ERROR,
                     detail=f"want {len(case['steps'])} outcomes, got {str(outcomes)[:200]}")
    for o in outcomes:
        if not (isinstance(o, dict) and len(o) == 1 and
                next(iter(o)) in ("value", "raises", "unbound")):
            return Reply(cid, PROTOCOL_ERROR, detail=f"not an outcome: {str(o)[:200]}")
        if "raises" in o and not (isinstance(o["raises"], dict)
                                  and isinstance(o["raises"].get("type"), str)
                                  and isinstance(o["raises"].get("message"), str)):
            return Reply(cid, PROTOCOL_ERROR, detail=f"not an exception: {str(o)[:200]}")
    return Reply(cid, ANSWERED, outcomes=outcomes)


def wire_line(case: dict) -> bytes:
    """The case as sent: never with its expected outcomes."""
    return (json.dumps({k: v for k, v in case.items() if k != "expect"},
                       separators=(",", ":")) + "\n").encode()


class Adapter:
    """One adapter command, restarted as often as it needs.

    `timeout` bounds the time for one case (measured from when the adapter
    could start on it); `start_timeout` bounds the wait for the hello line.
    """

    def __init__(self, argv: list[str], *, timeout: float = 10.0,
                 start_timeout: float = 120.0, window: int = 64,
                 cwd: str | None = None, env: dict | None = None,
                 log_path: Path | None = None, max_restarts: int = 1000):
        self.argv = argv
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.window = window
        self.cwd = cwd
        self.env = env
        self.log_path = log_path
        self.max_restarts = max_restarts
        self.restarts = 0
        self.proc: subprocess.Popen | None = None
        self.hello: Hello | None = None
        self._buf = b""
        self._eof = False
        self._stderr = None
        self.exit_status: int | None = 0
        self.exit_problem = ""

    # -- process lifetime --------------------------------------------------

    def start(self) -> Hello:
        self._stderr = tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=self._stderr, cwd=self.cwd, env=self.env,
                start_new_session=True)
        except OSError as e:
            raise AdapterError(f"cannot start {' '.join(self.argv)}: {e}") from None
        os.set_blocking(self.proc.stdout.fileno(), False)
        os.set_blocking(self.proc.stdin.fileno(), False)
        self._buf = b""
        self._eof = False
        line = self._read_line(time.monotonic() + self.start_timeout)
        if line is None:
            why = "exited" if self.proc.poll() is not None else "stayed silent"
            detail = self.stderr_tail()
            self.stop()
            raise AdapterError(f"{' '.join(self.argv)} {why} before its hello line"
                               + (f"; its stderr ends:\n{detail}" if detail else ""))
        hello = parse_hello(line)
        if self.hello is not None and hello.raw != self.hello.raw:
            self.stop()
            raise AdapterError("the adapter greeted differently after a restart")
        self.hello = hello
        return hello

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        self.proc.wait()
        self._save_log()
        self.proc = None

    def close(self, exit_timeout: float = 60.0) -> None:
        """End input, let the adapter exit by itself, then make sure it has.

        How it exited is kept in `exit_status` (None: it had to be killed):
        tools that report at exit -- Valgrind, the sanitizers' leak check --
        say what they found only there.
        """
        if self.proc is None:
            return
        try:
            self.proc.stdin.close()
            self.exit_status = self.proc.wait(timeout=exit_timeout)
        except (OSError, subprocess.TimeoutExpired):
            self.exit_status = None
        if self.exit_status != 0:
            self.exit_problem = (f"exit status {self.exit_status}" if self.exit_status is not None
                                 else f"did not exit within {exit_timeout:g} s of its input ending")
            tail = self.stderr_tail(2000)
            if tail:
                self.exit_problem += f"; its stderr ends:\n{tail}"
        self.stop()

    def _save_log(self) -> None:
        if self._stderr is None:
            return
        if self.log_path is not None:
            self._stderr.seek(0)
            data = self._stderr.read()
            if data:
                self.log_path.parent.mkdir(parents=True, exist_ok=True)
                with open(self.log_path, "ab") as f:
                    f.write(data)
        self._stderr.close()
        self._stderr = None

    def stderr_tail(self, limit: int = 800) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0, os.SEEK_END)
        size = self._stderr.tell()
        self._stderr.seek(max(0, size - limit))
        return self._stderr.read().decode(errors="replace").strip()

    def _restart(self) -> None:
        self.stop()
        self.restarts += 1
        if self.restarts > self.max_restarts:
            raise AdapterError(f"gave up after {self.max_restarts} restarts")
        self.start()

    # -- reading -----------------------------------------------------------

    def _read_line(self, deadline: float, pending: bytearray | None = None) -> bytes | None:
        """The next output line, writing `pending` input meanwhile.

        None when the adapter's output ends (then self._eof is set) or the
        deadline passes.
        """
        assert self.proc is not None
        sel = selectors.DefaultSelector()
        out_fd = self.proc.stdout.fileno()
        sel.register(out_fd, selectors.EVENT_READ)
        in_fd = self.proc.stdin.fileno()
        writing = bool(pending)
        if writing:
            sel.register(in_fd, selectors.EVENT_WRITE)
        try:
            while True:
                nl = self._buf.find(b"\n")
                if nl >= 0:
                    line, self._buf = self._buf[:nl], self._buf[nl + 1:]
                    return line
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                for key, _ in sel.select(left):
                    if key.fd == out_fd:
                        chunk = os.read(out_fd, 1 << 16)
                        if not chunk:
                            self._eof = True
                            return None
                        self._buf += chunk
                    else:
                        try:
                            n = os.write(in_fd, pending)
                        except (BrokenPipeError, ConnectionResetError):
                            n = len(pending)   # it is gone; the read side will say so
                        del pending[:n]
                        if not pending:
                            sel.unregister(in_fd)
        finally:
            sel.close()

    # -- the run -----------------------------------------------------------

    def run(self, cases: Iterable[dict]) -> Iterator[Reply]:
        """Yield one Reply per case, in order."""
        if self.proc is None:
            self.start()
        todo = collections.deque(cases)
        flight: collections.deque[dict] = collections.deque()
        pending = bytearray()
        # An adapter may gather replies before writing them (protocol.md
        # section 1), so when it dies or falls silent with several cases in
        # flight, the missing reply at the head does not prove the head
        # guilty. Those cases (the suspects) are sent again one at a time and
        # their replies held: the first that fails alone is charged. If none
        # does, the failure did not recur and the head is charged, as an
        # adapter that answers line by line would have shown.
        solo = 0                       # suspects still to be sent alone
        charge: Reply | None = None    # the head's failure, if none recurs
        held: list[Reply] = []         # suspects that answered alone
        while todo or flight:
            while todo and len(flight) < (1 if solo else self.window):
                case = todo.popleft()
                flight.append(case)
                pending += wire_line(case)
            started = time.monotonic()
            line = self._read_line(started + self.timeout, pending)
            head = flight.popleft()
            if line is None:
                failure = self._failure(head, started)
                if flight and not solo:
                    todo.extendleft(reversed([head, *flight]))
                    solo, charge = 1 + len(flight), failure
                    flight.clear()
                else:
                    yield from held
                    yield failure
                    solo, charge, held = 0, None, []
                todo.extendleft(reversed(flight))
                flight.clear()
                pending.clear()
                self._restart()
                continue
            reply = parse_reply(line, head)
            reply.seconds = time.monotonic() - started
            if solo and reply.status != PROTOCOL_ERROR:
                held.append(reply)
                solo -= 1
                if not solo:
                    assert charge is not None and held[0].case_id == charge.case_id
                    charge.detail += "; it did not recur when the cases in flight were sent again one at a time"
                    yield charge
                    yield from held[1:]
                    charge, held = None, []
                continue
            yield from held
            yield reply
            solo, charge, held = 0, None, []
            if reply.status == PROTOCOL_ERROR:
                todo.extendleft(reversed(flight))
                flight.clear()
                pending.clear()
                self._restart()

    def _failure(self, head: dict, started: float) -> Reply:
        """The head case's reply when the adapter died or fell silent on it."""
        status = CRASH if self._eof else TIMEOUT
        detail = (f"exit status {self.proc.wait()}" if status == CRASH
                  else f"no answer within {self.timeout:g} s")
        tail = self.stderr_tail()
        if tail:
            detail += f"; stderr ends: {tail[-300:]}"
        return Reply(head["id"], status, detail=detail, seconds=time.monotonic() - started)


def run_cases(argv: list[str], cases: list[dict], **kwargs: Any) -> tuple[Hello, list[Reply]]:
    """Convenience: start, run everything, close."""
    adapter = Adapter(argv, **kwargs)
    hello = adapter.start()
    try:
        replies = list(adapter.run(cases))
    finally:
        adapter.close()
    return hello, replies
