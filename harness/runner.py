"""Drive one adapter process: stream cases in, read results out, survive it.

The adapter is a command speaking spec/protocol.md, and everything it sends
is untrusted. We keep a small window of cases in flight (writing ahead hides
the pipe's round-trip latency) and read results in order. Whatever the
adapter does wrong costs only the case that causes it:

    exits or closes its output  -> that case is a `crash`
    stays silent too long       -> that case is a `timeout` (we kill it)
    prints a line we can't use  -> that case is a `protocol-error`, with the
                                   reason: not UTF-8, not JSON, nested too
                                   deep, longer than max_reply_bytes, the
                                   wrong id, or a field out of shape
                                   (spec/protocol.schema.json says which)

and in every one of those the adapter is restarted and the cases that were in
flight behind it are sent again. When the adapter dies or falls silent with
several cases in flight, they are first sent again one at a time, so that an
adapter that gathers its replies is not charged for the wrong case.

Result lines are matched to cases by id. A second answer to a case the
process already answered is charged to that case (a protocol error that
replaces its first result) and the run reads on: the next case keeps its own
answer. An answer for a case still in flight but not yet due (out of order)
is charged to the case that was due.

Every wait has a bound: the hello line (start_timeout), each case (timeout),
the end of a process (a second once it closed its output, exit_timeout
once its input ended). Its standard error goes straight to a file; only a
tail of it is ever read back, for crash details. An adapter that fails
max_failures cases in a row, and then a case of another template as well, is
given up: its remaining cases are charged as not run, saying why.
"""

from __future__ import annotations

import collections
import fcntl
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

from . import values
from .schema import SCHEMA, SchemaError

PROTOCOL_VERSION = 1
CRASH = "crash"
TIMEOUT = "timeout"
PROTOCOL_ERROR = "protocol-error"
ANSWERED = "answered"
UNSUPPORTED = "unsupported"
FAILURES = (CRASH, TIMEOUT, PROTOCOL_ERROR)

MiB = 1 << 20
MAX_REPLY_BYTES = 256 * MiB     # a longer line is a protocol error
STDERR_TAIL_BYTES = 64 * 1024   # what is read back of a process's stderr
EOF_EXIT_SECONDS = 1.0          # grace for a process whose output ended
MAX_REPEATS = 100               # second answers read while one case is due
KNOWN_EXPORTERS = SCHEMA.setup_kinds()   # bytes, bytearray, ..., value, object
READ_SIZE = 1 << 20             # bytes asked of the pipe at a time
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)


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

    def unknown_exporters(self) -> list[str]:
        return [e for e in self.exporters if e not in KNOWN_EXPORTERS]


@dataclass
class Reply:
    """What the adapter said about one case (before comparison)."""
    case_id: str
    status: str                     # ANSWERED, UNSUPPORTED, CRASH, TIMEOUT, PROTOCOL_ERROR
    outcomes: list | None = None
    detail: str = ""
    seconds: float = 0.0


class LineError(ValueError):
    """A line that cannot be read as JSON text at all; says why."""


def reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (protocol.md section 3 encodes floats as text)")


def decode_line(line: bytes) -> Any:
    """A line as JSON: strict UTF-8 (RFC 8259), no NaN or Infinity literals.

    Half of a surrogate pair is let through as UTF-8 or as an escape (a
    UTF-16 platform can produce one); as_text shows it as its escape.
    """
    try:
        text = line.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError as e:
        raise LineError(f"not UTF-8: byte {line[e.start:e.start + 1]!r} at offset {e.start} "
                        f"of {len(line)}") from None
    try:
        return json.loads(text, parse_constant=reject_constant)
    except RecursionError:
        raise LineError("not JSON the harness reads: nested too deeply") from None
    except ValueError as e:
        raise LineError(f"not JSON: {e}") from None


def snippet(line: bytes, limit: int = 200) -> str:
    """The start of a raw line, safe to print."""
    return repr(line[:limit]) + ("…" if len(line) > limit else "")


def parse_hello(line: bytes) -> Hello:
    try:
        h = decode_line(line)
    except LineError as e:
        raise AdapterError(f"first line is {e}: {snippet(line)}") from None
    if not isinstance(h, dict):
        raise AdapterError(f"first line is not a JSON object: {snippet(line)}")
    if h.get("mvspec") != PROTOCOL_VERSION:
        raise AdapterError(f"adapter speaks protocol {values.printable(repr(h.get('mvspec')))[:50]}, "
                           f"the harness speaks {PROTOCOL_VERSION}")
    try:
        SCHEMA.check("hello", h)
    except SchemaError as e:
        raise AdapterError(f"hello line: {e} (protocol.md section 2): {snippet(line)}") from None
    p = h["platform"]
    return Hello(h["implementation"], h["version"], h["language"], p["word_size"], p["byteorder"],
                 list(h["exporters"]), h)


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def as_text(value: Any) -> Any:
    """The decoded reply with every lone surrogate written as its escape.

    JSON's \\uXXXX lets an adapter on a UTF-16 platform (Brython's
    JavaScript) send half of a pair; such a string is not text, and every
    output (results, HTML, JUnit, a terminal) would refuse it. Shown as
    `\\ude00`, it still differs from CPython's answer, as it should.
    Only for checked replies: their nesting is bounded.
    """
    if isinstance(value, str):
        if LONE_SURROGATE.search(value):
            return value.encode("utf-8", "backslashreplace").decode("utf-8")
        return value
    if isinstance(value, list):
        return [as_text(v) for v in value]
    if isinstance(value, dict):
        return {as_text(k): as_text(v) for k, v in value.items()}
    return value


def check_reply(r: Any, case: dict, line: bytes) -> Reply:
    """A decoded result line that names `case`, checked against the schema."""
    cid = case["id"]
    try:
        SCHEMA.check("result", r)
    except SchemaError as e:
        return Reply(cid, PROTOCOL_ERROR, detail=f"malformed result: {e}")
    if b"\\u" in line or b"\xed" in line:   # an escape, or raw UTF-8 of one
        r = as_text(r)
    if "outcomes" not in r:
        return Reply(cid, UNSUPPORTED, detail=values.printable(r["unsupported"][:2000]))
    if len(r["outcomes"]) != len(case["steps"]):
        return Reply(cid, PROTOCOL_ERROR,
                     detail=f"{len(r['outcomes'])} outcomes for {len(case['steps'])} steps")
    return Reply(cid, ANSWERED, outcomes=r["outcomes"])


def parse_reply(line: bytes, case: dict) -> Reply:
    """Check one result line against the case it must answer."""
    try:
        r = decode_line(line)
    except LineError as e:
        return Reply(case["id"], PROTOCOL_ERROR, detail=f"{e}: {snippet(line)}")
    if not isinstance(r, dict) or not isinstance(r.get("id"), str):
        return Reply(case["id"], PROTOCOL_ERROR,
                     detail=f"not a result line (an object with an id): {snippet(line)}")
    if r["id"] != case["id"]:
        return Reply(case["id"], PROTOCOL_ERROR,
                     detail=f"a result for {values.printable(r['id'][:200])!r}, not for this case")
    return check_reply(r, case, line)


# Where a case holds values (protocol.md section 3): an adapter reads these
# with its JSON parser, which may hold numbers as doubles (JavaScript does).
SETUP_VALUES = ("data", "items", "value")
STEP_VALUES = ("key", "value", "like", "a", "b")
LONG_DIGITS = re.compile(rb"[0-9]{16}")      # every int beyond 2**53 has 16 digits


def wire_case(case: dict) -> dict:
    """The case as sent: no expected outcomes, and every int a double
    cannot hold exactly written as {"int": "..."} (protocol.md section 3)."""
    sent = {k: v for k, v in case.items() if k != "expect"}
    sent["setup"] = [{k: values.wire(v) if k in SETUP_VALUES else v for k, v in s.items()}
                     for s in case["setup"]]
    steps = []
    for s in case["steps"]:
        s = {k: values.wire(v) if k in STEP_VALUES else v for k, v in s.items()}
        if "args" in s:
            s["args"] = [values.wire(v) for v in s["args"]]
        if "kwargs" in s:
            s["kwargs"] = {k: values.wire(v) for k, v in s["kwargs"].items()}
        steps.append(s)
    sent["steps"] = steps
    return sent


def wire_line(case: dict) -> bytes:
    """The case line sent to an adapter (never with its expected outcomes)."""
    line = json.dumps({k: v for k, v in case.items() if k != "expect"},
                      separators=(",", ":")).encode()
    if LONG_DIGITS.search(line):
        line = json.dumps(wire_case(case), separators=(",", ":")).encode()
    return line + b"\n"


def template_of(case_id: str) -> str:
    return "/".join(case_id.split("/")[:2])


class ReplyTooLong(Exception):
    """The adapter wrote more than max_reply_bytes without ending a line."""


class Adapter:
    """One adapter command, restarted as often as it needs.

    `timeout` bounds the time for one case (measured from when the adapter
    could start on it); `start_timeout` bounds the wait for the hello line;
    `max_reply_bytes` the length of a line; `max_failures` (0: no limit) the
    consecutive failures after which the adapter is given up.
    """

    def __init__(self, argv: list[str], *, timeout: float = 10.0,
                 start_timeout: float = 30.0, window: int = 64,
                 cwd: str | None = None, env: dict | None = None,
                 log_path: Path | None = None, max_restarts: int = 1000,
                 max_reply_bytes: int = MAX_REPLY_BYTES, max_failures: int = 5):
        self.argv = argv
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.window = window
        self.cwd = cwd
        self.env = env
        self.log_path = log_path
        self.max_restarts = max_restarts
        self.max_reply_bytes = max_reply_bytes
        self.max_failures = max_failures
        self.restarts = 0
        self.proc: subprocess.Popen | None = None
        self.hello: Hello | None = None
        self._reset_reading()
        self._eof = False
        self._log = None                # the file this process's stderr goes to
        self._log_start = 0             # where in it this process began
        self._answered: set[str] = set()   # ids this process answered
        self._streak: list[Reply] = []     # consecutive failures, oldest first
        self._probe: str | None = None     # a case of another template, sent to test the adapter
        self.given_up = ""                 # why the remaining cases are not run
        self.trailing: list[Reply] = []    # second answers read after the last case
        self.exit_status: int | None = 0
        self.exit_problem = ""

    # -- process lifetime --------------------------------------------------

    def start(self) -> Hello:
        self._open_log()
        try:
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=self._log, cwd=self.cwd, env=self.env,
                start_new_session=True)
        except OSError as e:
            self._close_log()
            raise AdapterError(f"cannot start {' '.join(self.argv)}: {e}") from None
        os.set_blocking(self.proc.stdout.fileno(), False)
        os.set_blocking(self.proc.stdin.fileno(), False)
        try:                           # fewer, larger reads of a long line
            fcntl.fcntl(self.proc.stdout.fileno(), F_SETPIPE_SZ, READ_SIZE)
        except OSError:
            pass
        self._reset_reading()
        self._eof = False
        self._answered = set()
        try:
            line = self._read_line(time.monotonic() + self.start_timeout)
        except ReplyTooLong:
            self.stop()
            raise AdapterError(f"{' '.join(self.argv)} wrote a first line longer than "
                               f"{self.max_reply_bytes} bytes") from None
        if line is None:
            if self._eof:
                try:
                    why = f"exited ({exit_text(self.proc.wait(timeout=EOF_EXIT_SECONDS))})"
                except subprocess.TimeoutExpired:
                    why = "closed its output"
            else:
                why = f"stayed silent for {self.start_timeout:g} s (--hello-timeout)"
            detail = self.stderr_text(20)
            self.stop()
            raise AdapterError(f"{' '.join(self.argv)} {why} before its hello line"
                               + (f"; its stderr ends:\n{detail}" if detail else ""))
        try:
            hello = parse_hello(line)
        except AdapterError:
            self.stop()
            raise
        if self.hello is not None and hello.raw != self.hello.raw:
            self.stop()
            raise AdapterError("the adapter greeted differently after a restart")
        self.hello = hello
        return hello

    def _open_log(self) -> None:
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "a+b")
        else:
            self._log = tempfile.TemporaryFile()
        self._log_start = self._log.seek(0, os.SEEK_END)

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def stop(self) -> None:
        """Kill the process (and any it started), and close its pipes."""
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
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass                      # unkillable (a stuck kernel call): let it be
        self._close_log()
        self.proc = None

    def close(self, exit_timeout: float = 60.0) -> None:
        """End input, let the adapter exit by itself, then make sure it has.

        How it exited is kept in `exit_status` (None: it had to be killed):
        tools that report at exit -- Valgrind, the sanitizers' leak check --
        say what they found only there. A line it writes meanwhile that
        answers an answered case again is kept in `trailing`.
        """
        if self.proc is None:
            return
        deadline = time.monotonic() + exit_timeout
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        extra = 0
        while True:
            try:
                line = self._read_line(deadline)
            except ReplyTooLong:
                extra += 1
                break
            if line is None:
                break
            reply = self._duplicate(line)
            if reply is not None and len(self.trailing) < MAX_REPEATS:
                self.trailing.append(reply)
            else:
                extra += 1
        try:
            self.exit_status = self.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.exit_status = None
        problems = []
        if self.exit_status != 0:
            problems.append(exit_text(self.exit_status) if self.exit_status is not None
                            else f"did not exit within {exit_timeout:g} s of its input ending")
        if extra:
            problems.append(f"wrote {extra} lines after its last answer")
        if problems:
            self.exit_problem = "; ".join(problems)
            tail = self.stderr_text(20)
            if tail:
                self.exit_problem += f"; its stderr ends:\n{tail}"
        self.stop()

    def stderr_lines(self, limit: int = STDERR_TAIL_BYTES) -> list[str]:
        """The whole lines at the end of this process's stderr (at most
        `limit` bytes are read: the harness never holds more of it)."""
        if self._log is None:
            return []
        fd = self._log.fileno()
        end = os.fstat(fd).st_size
        start = max(self._log_start, end - limit)
        data = os.pread(fd, end - start, start)
        lines = data.decode("utf-8", "replace").split("\n")
        if start > self._log_start:   # began mid-line: that line's end only if it is all there is
            lines = lines[1:] if any(x.strip() for x in lines[1:]) else ["…" + lines[0]]
        return [values.printable(line.rstrip("\r")) for line in lines if line.strip()]

    def stderr_text(self, count: int) -> str:
        return crash_summary(self.stderr_lines(), count)

    def _restart(self) -> None:
        self.stop()
        self.restarts += 1
        if self.restarts > self.max_restarts:
            raise AdapterError(f"gave up after {self.max_restarts} restarts")
        self.start()

    # -- reading -----------------------------------------------------------

    def _reset_reading(self) -> None:
        # Output is read in chunks; the one being taken apart is _chunk,
        # unread from _pos. A line longer than what is left of it gathers in
        # _parts (no newline in any of them), joined once when it ends: each
        # byte is searched for a newline once and copied at most twice, so
        # reading is linear in the length of a line, however long.
        self._chunk = b""
        self._pos = 0
        self._parts: list[bytes] = []
        self._size = 0                  # bytes in _parts

    def _take_line(self) -> bytes | None:
        nl = self._chunk.find(b"\n", self._pos)
        if nl >= 0:
            piece = self._chunk[self._pos:nl]
            self._pos = nl + 1
            if not self._parts:
                return piece
            line = b"".join([*self._parts, piece])
            self._parts, self._size = [], 0
            return line
        if self._pos < len(self._chunk):
            self._parts.append(self._chunk[self._pos:] if self._pos else self._chunk)
            self._size += len(self._chunk) - self._pos
        self._chunk, self._pos = b"", 0
        if self._size > self.max_reply_bytes:
            raise ReplyTooLong()
        return None

    def _read_line(self, deadline: float, pending: bytearray | None = None) -> bytes | None:
        """The next output line, writing `pending` input meanwhile.

        None when the adapter's output ends (then self._eof is set) or the
        deadline passes; ReplyTooLong past max_reply_bytes.
        """
        assert self.proc is not None
        sel = selectors.DefaultSelector()
        out_fd = self.proc.stdout.fileno()
        sel.register(out_fd, selectors.EVENT_READ)
        in_fd = -1
        if pending:
            in_fd = self.proc.stdin.fileno()
            sel.register(in_fd, selectors.EVENT_WRITE)
        try:
            while True:
                line = self._take_line()
                if line is not None:
                    return line
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    return None
                for key, _ in sel.select(left):
                    if key.fd == out_fd:
                        chunk = os.read(out_fd, READ_SIZE)
                        if not chunk:
                            self._eof = True
                            return None
                        self._chunk, self._pos = chunk, 0
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

    def _duplicate(self, line: bytes) -> Reply | None:
        """A protocol error for the answered case this line names again, or None."""
        try:
            r = decode_line(line)
        except LineError:
            return None
        cid = r.get("id") if isinstance(r, dict) else None
        if isinstance(cid, str) and cid in self._answered:
            return Reply(cid, PROTOCOL_ERROR,
                         detail=f"answered a second time: {snippet(line)}")
        return None

    def _read_reply(self, head: dict, flight: collections.deque, deadline: float,
                    pending: bytearray) -> tuple[Reply | None, list[Reply]]:
        """The head's reply (None: the adapter died or fell silent), and
        the second answers to answered cases read on the way."""
        again: list[Reply] = []
        while True:
            try:
                line = self._read_line(deadline, pending)
            except ReplyTooLong:
                return Reply(head["id"], PROTOCOL_ERROR,
                             detail=f"a result line longer than {self.max_reply_bytes} bytes "
                             "(--max-reply-bytes)"), again
            if line is None:
                return None, again
            try:
                r = decode_line(line)
            except LineError as e:
                return Reply(head["id"], PROTOCOL_ERROR, detail=f"{e}: {snippet(line)}"), again
            cid = r.get("id") if isinstance(r, dict) else None
            if not isinstance(cid, str):
                return Reply(head["id"], PROTOCOL_ERROR,
                             detail=f"not a result line (an object with an id): {snippet(line)}"), again
            if cid == head["id"]:
                return check_reply(r, head, line), again
            if cid in self._answered:
                again.append(Reply(cid, PROTOCOL_ERROR,
                                   detail=f"answered a second time, while {head['id']!r} was "
                                   f"due: {snippet(line)}"))
                if len(again) < MAX_REPEATS:
                    continue
                return Reply(head["id"], PROTOCOL_ERROR,
                             detail=f"the adapter repeated {MAX_REPEATS} answers to other cases "
                             "instead of answering this one"), again
            shown = values.printable(cid[:200])
            if any(c["id"] == cid for c in flight):
                why = (f"the adapter answered {shown!r} before this case: results come "
                       "in the order of the cases (protocol.md section 1)")
            else:
                why = f"a result for {shown!r}, which names no case sent to this adapter"
            return Reply(head["id"], PROTOCOL_ERROR, detail=why), again

    # -- the run -----------------------------------------------------------

    def run(self, cases: Iterable[dict]) -> Iterator[Reply]:
        """Yield one Reply per case: in order, but for a probe (a case of
        another template tried after max_failures failures in a row) and for
        a case answered twice, whose second Reply (a protocol error) replaces
        the first."""
        todo = collections.deque(cases)
        if not self.given_up and self.proc is None and todo:
            self.start()
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
            if self.given_up:
                self.stop()
                yield from self._not_run([*flight, *todo])
                return
            if not solo and not flight:
                self._choose_probe(todo)
            while todo and len(flight) < (1 if solo else self.window):
                case = todo.popleft()
                flight.append(case)
                pending += wire_line(case)
            started = time.monotonic()
            head = flight[0]
            reply, again = self._read_reply(head, flight, started + self.timeout, pending)
            for dup in again:
                for i, h in enumerate(held):
                    if h.case_id == dup.case_id:
                        held[i] = dup
                        break
                else:
                    yield dup
            flight.popleft()
            if reply is None:
                failure = self._failure(head, started)
                if flight and not solo:
                    todo.extendleft(reversed([head, *flight]))
                    solo, charge = 1 + len(flight), failure
                else:
                    yield from self._emit([*held, failure])
                    solo, charge, held = 0, None, []
                    todo.extendleft(reversed(flight))
                flight.clear()
                pending.clear()
                self._recover()
                continue
            reply.seconds = time.monotonic() - started
            self._answered.add(reply.case_id)
            if solo and reply.status != PROTOCOL_ERROR:
                held.append(reply)
                solo -= 1
                if not solo:
                    assert charge is not None and held[0].case_id == charge.case_id
                    charge.detail += "; it did not recur when the cases in flight were sent again one at a time"
                    yield from self._emit([charge, *held[1:]])
                    charge, held = None, []
                continue
            yield from self._emit([*held, reply])
            solo, charge, held = 0, None, []
            if reply.status == PROTOCOL_ERROR:
                todo.extendleft(reversed(flight))
                flight.clear()
                pending.clear()
                self._recover()

    def _recover(self) -> None:
        """Restart after a failure, unless the adapter has been given up."""
        if self.given_up:
            self.stop()
        else:
            self._restart()

    def _emit(self, replies: list[Reply]) -> Iterator[Reply]:
        """Yield replies, keeping count of failures in a row."""
        for r in replies:
            yield r
            if r.status not in FAILURES:
                self._streak.clear()
                self._probe = None
                continue
            self._streak.append(r)
            if r.case_id == self._probe:
                n = len(self._streak) - 1
                self.given_up = (f"not run: the adapter failed {n} cases in a row, and then "
                                 f"{r.case_id!r} of another template ({r.status}: "
                                 f"{first_line(r.detail)})")

    def _choose_probe(self, todo: collections.deque) -> None:
        """After max_failures failures in a row, try a case of a template
        none of them belongs to next: if it fails too, the adapter fails
        everything; if it passes, the failures were that template's."""
        if not self.max_failures or len(self._streak) < self.max_failures or self._probe:
            return
        failing = {template_of(r.case_id) for r in self._streak}
        for i, case in enumerate(todo):
            if template_of(case["id"]) not in failing:
                del todo[i]
                todo.appendleft(case)
                self._probe = case["id"]
                return

    def _not_run(self, cases: list[dict]) -> Iterator[Reply]:
        status = self._streak[-1].status if self._streak else CRASH
        for case in cases:
            yield Reply(case["id"], status, detail=self.given_up)

    def _failure(self, head: dict, started: float) -> Reply:
        """The head case's reply when the adapter died or fell silent on it."""
        assert self.proc is not None
        if self._eof:
            try:
                detail = exit_text(self.proc.wait(timeout=EOF_EXIT_SECONDS))
            except subprocess.TimeoutExpired:
                detail = (f"closed its output but was still running {EOF_EXIT_SECONDS:g} s "
                          "later (killed)")
            status = CRASH
        else:
            status = TIMEOUT
            detail = f"no answer within {self.timeout:g} s"
            code = self.proc.poll()
            if code is not None:
                detail += (f"; the adapter had ended ({exit_text(code)}) but a process it "
                           "started kept its output open")
        tail = self.stderr_text(12)
        if tail:
            detail += f"; its stderr ends:\n{tail}"
        return Reply(head["id"], status, detail=detail, seconds=time.monotonic() - started)


def exit_text(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = "an unknown signal"
        return f"killed by signal {-code} ({name})"
    return f"exit status {code}"


def first_line(text: str) -> str:
    return text.split("\n", 1)[0]


ERROR_LINE = re.compile(r"error|exception|traceback|fatal|abort|assert|panic|sanitizer|"
                        r"segmentation|killed|denied|cannot|failed", re.IGNORECASE)
SHOWN_LINE = 400                 # characters of one stderr line shown


def crash_summary(lines: list[str], count: int) -> str:
    """The last `count` whole lines of a process's stderr, each shortened in
    its middle if long, and, when none of them looks like an error (a Node
    stack trace ends in frames), the last line that does, first."""
    def short(line: str) -> str:
        if len(line) <= SHOWN_LINE:
            return line
        half = SHOWN_LINE // 2
        return f"{line[:half]} …[{len(line) - 2 * half} characters]… {line[-half:]}"
    last = lines[-count:]
    shown = [short(x) for x in last]
    if not any(ERROR_LINE.search(x) for x in last):
        earlier = [x for x in lines[:-count] if ERROR_LINE.search(x)]
        if earlier:
            shown = [short(earlier[-1]), "…"] + shown
    return "\n".join(shown)


def run_cases(argv: list[str], cases: list[dict], **kwargs: Any) -> tuple[Hello, list[Reply]]:
    """Convenience: start, run everything, close."""
    adapter = Adapter(argv, **kwargs)
    hello = adapter.start()
    try:
        replies = list(adapter.run(cases))
    finally:
        adapter.close()
    return hello, replies + adapter.trailing
