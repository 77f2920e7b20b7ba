"""A hostile adapter: answers like CPython did, except where it attacks.

    hostile_adapter.py MODE TARGET CASES

It replays the outcomes that CPython 3.11.2 recorded in the case file CASES
(it greets as that CPython), so every case it does not attack passes. On the
case TARGET (a case id, or `*` for every case) it does what MODE says: the
misbehaviour of an immature implementation, or of a malicious one. MODES
lists them; tests/test_hostile.py runs each one through the harness.

Everything here is written to stdout as bytes (os.write), so that a mode
controls exactly what the harness reads.
"""

import json
import os
import signal
import subprocess
import sys
import time

ORACLE = "cpython-3.11.2-64le"
HELLO = {"mvspec": 1, "implementation": "cpython", "version": "3.11.2", "language": "3.11",
         "platform": {"word_size": 64, "byteorder": "little"},
         "exporters": ["bytes", "bytearray", "value", "array", "ndarray", "numpy"]}
MiB = 1 << 20


def honest(case, answers):
    outcomes = answers.get(case["id"])
    if outcomes is None:
        return {"id": case["id"], "unsupported": "not recorded by " + ORACLE}
    return {"id": case["id"], "outcomes": outcomes}


def line(obj):
    return json.dumps(obj).encode() + b"\n"


def out(data):
    view = memoryview(data)
    while view:
        view = view[os.write(1, view):]


def with_outcome(reply, outcome):
    """The honest reply with its first outcome replaced."""
    return dict(reply, outcomes=[outcome] + reply["outcomes"][1:])


# Replies that replace the target's answer: what the harness reads instead.
REPLIES = {
    "garbage": lambda c, r: b"this is not JSON {\n",
    "blank-line": lambda c, r: b"\n",
    "not-object": lambda c, r: b"[1, 2, 3]\n",
    "binary": lambda c, r: bytes(range(256)).replace(b"\n", b"") + b"\n",
    "nan-bits-garbage": lambda c, r: line(with_outcome(r, {"value": {"float": "nan", "bits": "zz"}})),
    "bits-17-digits": lambda c, r: line(with_outcome(r, {"value": {"float": "nan",
                                                                   "bits": "7ff80000000000001"}})),
    "tuple-of-int": lambda c, r: line(with_outcome(r, {"value": {"tuple": 5}})),
    "bare-float": lambda c, r: line(with_outcome(r, {"value": 1.5})),
    "nan-literal": lambda c, r: json.dumps(r).encode()[:-1] + b', "x": NaN}\n',
    "bad-int-text": lambda c, r: line(with_outcome(r, {"value": {"int": "12; import os"}})),
    "bad-bytes": lambda c, r: line(with_outcome(r, {"value": {"bytes": "xyz"}})),
    "slice-of-two": lambda c, r: line(with_outcome(r, {"value": {"slice": [1, 2]}})),
    "unknown-value-form": lambda c, r: line(with_outcome(r, {"value": {"complex": "1j"}})),
    "raises-without-message": lambda c, r: line(with_outcome(r, {"raises": {"type": "ValueError"}})),
    "raises-not-object": lambda c, r: line(with_outcome(r, {"raises": "ValueError"})),
    "two-outcome-keys": lambda c, r: line(with_outcome(r, {"value": 1, "unbound": "m"})),
    "outcomes-not-list": lambda c, r: line(dict(r, outcomes={"value": 1})),
    "extra-outcome": lambda c, r: line(dict(r, outcomes=r["outcomes"] + [{"value": None}])),
    "missing-outcome": lambda c, r: line(dict(r, outcomes=r["outcomes"][:-1])),
    "unsupported-not-text": lambda c, r: line({"id": c["id"], "unsupported": 5}),
    "id-not-text": lambda c, r: line(dict(r, id=5)),
    "wrong-id": lambda c, r: line(dict(r, id="someone/else")),
    "deep-nesting": lambda c, r: (b'{"id": ' + json.dumps(c["id"]).encode() + b', "outcomes": '
                                  + b"[" * 100_000 + b"]" * 100_000 + b"}\n"),
    "invalid-utf8": lambda c, r: line(dict(r, note="NOTE")).replace(b"NOTE", b"\xff\xfe"),
    "utf16": lambda c, r: (json.dumps(r) + "\n").encode("utf-16"),
    "crlf": lambda c, r: line(r)[:-1] + b"\r\n",
    "padded-50mb": lambda c, r: line(dict(r, padding="x" * (50 * MiB))),
    "too-long": lambda c, r: b"[" + b" " * (3 * MiB) + b"]\n",
    "unsupported": lambda c, r: line({"id": c["id"], "unsupported": "not here"}),
    "hostile-text": lambda c, r: line(with_outcome(r, {"raises": {
        "type": "ValueError",
        "message": "\x1b[2J\x1b[31mred\nopen('pwned-message', 'w')\r\u2028open('pwned-2028', 'w')"}})),
}


def attack(mode, case, reply, cases):
    """Misbehave on `case`; `cases` yields the cases after it."""
    if mode in REPLIES:
        out(REPLIES[mode](case, reply))
    elif mode == "exit":
        os._exit(0)
    elif mode == "exit-3":
        print("Traceback (most recent call last):\n  File \"x\", line 1\n"
              "ValueError: the real reason", file=sys.stderr, flush=True)
        os._exit(3)
    elif mode == "node-crash":
        # Node prints the error first and a long stack after it.
        sys.stderr.write("file:///adapter.mjs:10\n    throw e;\n    ^\n\n"
                         "Error: the real reason\n"
                         + "".join(f"    at frame{i} (file:///adapter.mjs:{i}:1)\n" for i in range(40))
                         + "\nNode.js v20.19.2\n")
        sys.stderr.flush()
        os._exit(1)
    elif mode in ("sigsegv", "sigkill", "sigabrt"):
        os.kill(os.getpid(), getattr(signal, mode.upper()))
        time.sleep(3600)
    elif mode == "sigstop":
        os.kill(os.getpid(), signal.SIGSTOP)
        out(line(reply))
    elif mode == "hang":
        time.sleep(3600)
    elif mode == "close-stdout":
        os.close(1)
        time.sleep(3600)
    elif mode == "grandchild-holds-stdout":
        # exit, while a child keeps the pipe open: no end of output comes
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)", sys.argv[3]])
        os._exit(0)
    elif mode == "double":
        out(line(reply) + line(reply))
    elif mode == "repeat-forever":
        out(line(reply))
        while True:
            out(line(reply) * 1000)
    elif mode == "swap":
        following = next(cases)
        out(line(honest(following, ANSWERS)) + line(reply))
    elif mode == "trickle":
        for byte in line(reply):
            out(bytes([byte]))
            time.sleep(0.002)
    elif mode == "stderr-flood":
        block = (b"e" * 1023 + b"\n") * 1024
        for _ in range(int(os.environ.get("HOSTILE_FLOOD_MIB", "256"))):
            os.write(2, block)
        out(line(reply))
    elif mode == "stderr-flood-crash":
        block = b"".join(b"n=%04d " % i + b"noise " * 170 + b"end\n" for i in range(1000))
        for _ in range(64):
            os.write(2, block)
        os.write(2, b"Fatal: the real reason\n")
        os._exit(3)
    elif mode == "stderr-one-huge-line":
        os.write(2, b"x" * (4 * MiB) + b" Fatal: the real reason\n")
        os._exit(3)
    else:
        raise SystemExit(f"hostile_adapter: unknown mode {mode!r}")


def input_cases():
    for text in sys.stdin:
        yield json.loads(text)


def main():
    global ANSWERS
    mode, target, path = sys.argv[1:4]
    ANSWERS = {}
    with open(path, encoding="utf-8") as f:
        for text in f.read().split("\n"):
            if text.strip():
                case = json.loads(text)
                for group in case.get("expect", []):
                    if ORACLE in group["oracles"]:
                        ANSWERS[case["id"]] = group["outcomes"]
    hello = dict(HELLO)
    if mode == "hello-silent":
        time.sleep(3600)
    if mode == "hello-exit":
        os._exit(4)
    if mode == "hello-garbage":
        out(b"hello?\n")
    elif mode == "hello-protocol-2":
        out(line(dict(hello, mvspec=2)))
    elif mode == "hello-language-banana":
        out(line(dict(hello, language="banana")))
    elif mode == "hello-deep":
        out(b"[" * 100_000 + b"]" * 100_000 + b"\n")
    elif mode == "hello-ansi-version":
        out(line(dict(hello, version="3.11.2\x1b[2J\x1b]0;owned\x07")))
    elif mode == "hello-unknown-exporter":
        out(line(dict(hello, exporters=["quantum"])))
    elif mode == "hello-twice":
        out(line(hello) + line(hello))
    else:
        out(line(hello))
    cases = input_cases()
    for case in cases:
        reply = honest(case, ANSWERS)
        if target in ("*", case["id"]):
            attack(mode, case, reply, cases)
        else:
            out(line(reply))


if __name__ == "__main__":
    main()
