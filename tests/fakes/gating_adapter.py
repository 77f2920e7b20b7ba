"""An adapter that answers like CPython, except for the cases it is told to
get wrong: what an implementation under a CI gate looks like.

    gating_adapter.py [MODE GLOB]...

MODE is one of:
  wrong        answer every step of the matching cases with the value 12345
  unsupported  answer the matching cases `unsupported` (`*`: every case)
  control      raise, at every step of the matching cases, a ValueError whose
               message holds characters XML 1.0 forbids (NUL, ESC, U+FFFE)
GLOB matches case ids (fnmatch); each pair may be repeated.
"""

import fnmatch
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "harness", "adapters"))
import mvadapter  # noqa: E402

MODES = ("wrong", "unsupported", "control")
CONTROL = "bad \x00 value \x1b[31mred\x1b[0m \ufffe end"


def parse(argv):
    rules = []
    if len(argv) % 2:
        sys.exit("usage: gating_adapter.py [MODE GLOB]...")
    for mode, glob in zip(argv[::2], argv[1::2]):
        if mode not in MODES:
            sys.exit(f"gating_adapter.py: unknown mode {mode!r}")
        rules.append((mode, glob))
    return rules


def answer(line, rules):
    reply = json.loads(mvadapter.handle_line(line))
    for mode, glob in rules:
        if not fnmatch.fnmatchcase(reply.get("id", ""), glob):
            continue
        if mode == "unsupported":
            return {"id": reply["id"], "unsupported": "told to be unsupported"}
        if "outcomes" in reply and mode == "wrong":
            reply["outcomes"] = [{"value": 12345} for _ in reply["outcomes"]]
        if "outcomes" in reply and mode == "control":
            reply["outcomes"] = [{"raises": {"type": "ValueError", "message": CONTROL}}
                                 for _ in reply["outcomes"]]
    return reply


def main():
    rules = parse(sys.argv[1:])
    print(mvadapter.hello(), flush=True)
    for line in sys.stdin:
        print(json.dumps(answer(line, rules)), flush=True)


main()
