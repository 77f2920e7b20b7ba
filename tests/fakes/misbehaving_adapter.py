"""An adapter that answers like CPython, except where told to misbehave.

    misbehaving_adapter.py MODE CASE_ID

MODE is one of:
  crash    exit(3) instead of answering CASE_ID (only in the first process,
           so the restarted adapter answers the rest)
  hang     sleep forever instead of answering CASE_ID
  garbage  print a line that is not JSON instead of answering CASE_ID
  wrongid  answer CASE_ID with another id
  nohello  exit before the hello line
  silent   never print the hello line
  always-crash  exit(3) on CASE_ID in every process, so it never answers it
  badexit  answer everything, then exit with status 7 (as Valgrind does
           when it found errors)
  gather   gather replies and write them only before a read that could
           wait (as the C driver does, protocol.md section 1), and exit(3)
           on CASE_ID in every process: the replies gathered are lost
  gather-once  the same, but exit only in the first process
  wrong    answer every step of the cases in CASE_ID (comma-separated ids)
           with the value 12345: a divergence, as a buggy implementation has
A marker file next to the first process's run keeps "only once" modes once.
"""

import json
import os
import select
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "harness", "adapters"))
import mvadapter  # noqa: E402

mode, target, marker = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "nohello":
    sys.exit(4)
if mode == "silent":
    time.sleep(3600)
print(mvadapter.hello(), flush=True)
first = not os.path.exists(marker)
if first:
    open(marker, "w").close()
wrong = set(target.split(",")) if mode == "wrong" else set()


def gathered_lines():
    """Input lines, read in large pieces; stdout is flushed only before a
    read that could wait."""
    data = b""
    while True:
        if b"\n" in data:
            line, data = data.split(b"\n", 1)
            yield line.decode()
            continue
        if not select.select([0], [], [], 0)[0]:
            sys.stdout.flush()
        chunk = os.read(0, 65536)
        if not chunk:
            return
        data += chunk


if mode in ("gather", "gather-once"):
    sys.stdout = open(sys.stdout.fileno(), "w", buffering=1 << 20, closefd=False)
    for line in gathered_lines():
        if f'"id":"{target}"' in line.replace(" ", "") and (mode == "gather" or first):
            os._exit(3)
        print(mvadapter.handle_line(line))
    sys.stdout.flush()
    sys.exit(0)
for line in sys.stdin:
    if wrong:
        answer = json.loads(mvadapter.handle_line(line))
        if answer["id"] in wrong and "outcomes" in answer:
            answer["outcomes"] = [{"value": 12345} for _ in answer["outcomes"]]
        print(json.dumps(answer), flush=True)
        continue
    if f'"id":"{target}"' in line.replace(" ", ""):
        if mode == "crash" and first or mode == "always-crash":
            print("about to crash", file=sys.stderr, flush=True)
            os._exit(3)
        if mode == "hang" and first:
            time.sleep(3600)
        if mode == "garbage" and first:
            print("this is not JSON {", flush=True)
            continue
        if mode == "wrongid" and first:
            print('{"id": "someone/else", "outcomes": []}', flush=True)
            continue
    print(mvadapter.handle_line(line), flush=True)
if mode == "badexit":
    print("==1== ERROR SUMMARY: 1 errors from 1 contexts", file=sys.stderr)
    sys.exit(7)
