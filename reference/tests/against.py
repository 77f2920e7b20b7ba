#!/usr/bin/env python3
"""Run recorded conformance cases through mvref-driver and compare strictly.

    python3 reference/tests/against.py [--python 3.11] [--driver PATH] FILE.jsonl...

Each case is sent without its `expect`; the driver's outcomes are compared
with the group recorded for the CPython of the same language version.
Prints one line per case that differs, then a summary:
'N passed, N failed' (unsupported cases are counted apart).
"""
import argparse
import json
import subprocess
import sys


def expected_for(case, language):
    for group in case.get("expect", []):
        for oracle in group["oracles"]:
            # cpython-3.11.2-64le: language 3.11, platform 64le
            parts = oracle.split("-")
            if ".".join(parts[1].split(".")[:2]) == language and parts[2] == "64le":
                return group["outcomes"]
    return None


def matches(want, got):
    if isinstance(want, dict) and "any" in want:
        return any(matches(w, got) for w in want["any"])
    return want == got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default="3.11")
    ap.add_argument("--driver", default="build/bin/mvref-driver")
    ap.add_argument("-v", action="store_true", help="show every difference in full")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    cases = []
    for f in args.files:
        with open(f) as fh:
            cases += [json.loads(line) for line in fh if line.strip()]
    stripped = "".join(json.dumps({k: v for k, v in c.items() if k != "expect"}) + "\n"
                       for c in cases)
    proc = subprocess.run([args.driver, "--python", args.python], input=stripped,
                          capture_output=True, text=True, timeout=600)
    lines = proc.stdout.splitlines()
    results = [json.loads(x) for x in lines[1:]]
    if len(results) != len(cases):
        print("driver answered %d of %d cases; stderr:\n%s"
              % (len(results), len(cases), proc.stderr[-2000:]))
        return 1
    passed = failed = unsupported = 0
    for case, res in zip(cases, results):
        want = expected_for(case, args.python)
        if want is None:
            continue
        if "unsupported" in res:
            unsupported += 1
            if args.v:
                print("UNSUPPORTED", case["id"], res["unsupported"])
            continue
        got = res["outcomes"]
        if len(got) == len(want) and all(matches(w, g) for w, g in zip(want, got)):
            passed += 1
            continue
        failed += 1
        for i, (w, g) in enumerate(zip(want, got)):
            if not matches(w, g):
                print("FAIL %s step %d: %s\n    want %s\n    got  %s"
                      % (case["id"], i, json.dumps(case["steps"][i]), json.dumps(w), json.dumps(g)))
                break
        else:
            print("FAIL %s: %d outcomes, want %d" % (case["id"], len(got), len(want)))
    print("%d unsupported" % unsupported)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
