#!/usr/bin/env python3
"""Differential testing of mvref-driver against CPython.

    python3 reference/tests/fuzz.py [--python PATH] [--language 3.11] [-n 2000] [--seed 1]

Generates random cases in the protocol's vocabulary (random exporters,
layouts, keys, values, methods and arguments), runs each through the Python
adapter under a real CPython and through the reference driver, and prints
every case whose outcomes differ (unsupported answers from the reference
are counted, not compared).  The cases are data, as in the suite; this is
the reference's way of finding behaviour the suite does not yet cover.
"""
import argparse
import copy
import json
import os
import random
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NATIVE = "?cbBhHiIlLqQnNfdP"
TYPECODES = "bBhHiIlLqQfd"


def hexb(b):
    return {"bytes": bytes(b).hex()}


class Gen:
    def __init__(self, rnd):
        self.r = rnd

    def small_int(self):
        r = self.r
        return r.choice([0, 1, -1, 2, 3, -2, 5, 7, 10, 11, 12, 100, -100, 127, 128, 255, 256,
                         -129, 32767, 65535, 65536, 2**31 - 1, 2**31, -2**31, 2**32,
                         2**63 - 1, -2**63, r.randint(-20, 20)])

    def int_value(self):
        r = self.r
        if r.random() < 0.15:
            return {"int": str(r.choice([2**63, 2**64 - 1, 2**64, -2**63 - 1, 10**30, -10**30]))}
        return self.small_int()

    def value(self):
        r = self.r
        k = r.random()
        if k < 0.5:
            return self.int_value()
        if k < 0.6:
            return r.choice([True, False])
        if k < 0.72:
            return {"float": r.choice(["0.0", "-0.0", "1.5", "1e+300", "inf", "-inf", "3.4e+38",
                                       "65520.0", "65504.0", "1e-08", "2.5"])}
        if k < 0.8:
            return hexb(bytes(r.randint(0, 255) for _ in range(r.choice([0, 1, 1, 1, 2]))))
        return r.choice([None, "a", "", [1], {"tuple": []}, {"ellipsis": True}])

    def slice_part(self):
        r = self.r
        return r.choice([None, None, 0, 1, 2, -1, -3, 3, 5, 100, -100, True,
                         {"int": str(2**70)}, {"int": str(-2**70)}])

    def slice(self, zero_ok=True):
        r = self.r
        step = r.choice([None, None, 1, 2, -1, -2, 3, {"int": str(2**70)}, {"int": str(-2**70)}]
                        + ([0] if zero_ok and r.random() < 0.1 else []))
        parts = [self.slice_part(), self.slice_part(), step]
        if r.random() < 0.03:
            parts[r.randint(0, 2)] = r.choice([{"float": "1.0"}, "a"])
        return {"slice": parts}

    def key(self, ndim):
        r = self.r
        k = r.random()
        if k < 0.35:
            return r.choice([0, 1, -1, 2, -2, 3, 5, 11, -12, True, False, r.randint(-6, 6)])
        if k < 0.6:
            return self.slice()
        if k < 0.8:
            n = r.choice([ndim, ndim, ndim, 0, 1, 2, ndim + 1])
            return {"tuple": [r.randint(-3, 3) for _ in range(n)]}
        if k < 0.85:
            return {"tuple": [self.slice(False) for _ in range(r.randint(1, 2))]}
        return r.choice([{"float": "1.0"}, "a", None, {"ellipsis": True},
                         {"int": str(2**64)}, {"int": str(-2**63)}, [0],
                         {"tuple": [0, self.slice()]}])

    # -- exporters --

    def exporter(self, name):
        r = self.r
        kind = r.choice(["bytes", "bytearray", "bytearray", "array", "ndarray", "ndarray",
                         "numpy", "value"])
        if kind == "value":
            return {"name": name, "kind": "value", "value": r.choice(
                ["abc", 5, None, [1, 2], {"tuple": []}, {"float": "1.5"}, hexb(b"xyz")])}
        if kind in ("bytes", "bytearray"):
            n = r.choice([0, 1, 2, 3, 4, 5, 8, 11, 12, 16])
            return {"name": name, "kind": kind, "data": hexb(r.randint(0, 255) for _ in range(n))}
        if kind == "array":
            tc = r.choice(TYPECODES)
            n = r.choice([0, 1, 2, 3, 4, 6])
            if tc in "fd":
                items = [r.choice([{"float": str(float(r.randint(-5, 5)) / 2)},
                                   {"float": "nan", "bits": "7ff8000000000000"},
                                   {"float": "-0.0"}, {"float": "inf"}]) for _ in range(n)]
            elif tc in "BHILQ":
                items = [r.randint(0, 200) for _ in range(n)]
            else:
                items = [r.randint(-100, 100) for _ in range(n)]
            return {"name": name, "kind": "array", "typecode": tc, "items": items}
        if kind == "numpy":
            dtype = r.choice(["int8", "uint8", "int16", "int32", "int64", "uint64", "float32",
                              "float64", "bool", "float16"])
            shape = [r.choice([1, 2, 3]) for _ in range(r.choice([0, 1, 1, 2, 2, 3]))]
            n = 1
            for s in shape:
                n *= s
            if dtype == "bool":
                items = [r.choice([True, False]) for _ in range(n)]
            elif dtype.startswith("float"):
                items = [{"float": str(r.randint(-8, 8) / 4)} for _ in range(n)]
            else:
                items = [r.randint(0, 100) for _ in range(n)]
            spec = {"name": name, "kind": "numpy", "dtype": dtype, "items": items, "shape": shape,
                    "order": r.choice(["C", "F"]), "readonly": r.random() < 0.3}
            return spec
        fmt = r.choice(list(NATIVE) + ["@B", "@i", "<i", ">h", "=q", "bb", "B", "B", "i", "d"])
        ndim = r.choice([0, 1, 1, 2, 2, 3])
        shape = [r.choice([0, 1, 2, 3, 4]) if r.random() < 0.2 else r.choice([1, 2, 3, 4])
                 for _ in range(ndim)]
        n = 1
        for s in shape:
            n *= max(s, 1)
        extra = r.choice([0, 0, 1, 2, 4])
        nitems = n + extra
        items = [self.item_for(fmt) for _ in range(nitems)]
        spec = {"name": name, "kind": "ndarray", "format": fmt, "shape": shape,
                "items": items if ndim else items[0], "readonly": r.random() < 0.4}
        if ndim and r.random() < 0.3:
            spec["fortran"] = True
        elif ndim and r.random() < 0.3:
            import struct
            size = struct.calcsize(fmt)
            strides = []
            for _ in range(ndim):
                strides.append(size * r.choice([1, 2, -1, 3, -2]))
            spec["strides"] = strides
            # choose an offset that keeps everything inside
            lo = sum((s - 1) * st for s, st in zip(shape, strides) if st < 0 and s > 0)
            spec["offset"] = -lo
            hi = sum((s - 1) * st for s, st in zip(shape, strides) if st > 0 and s > 0)
            need = (-lo + hi) // size + 1
            while len(items) < need:
                items.append(self.item_for(fmt))
            spec["items"] = items
        if ndim and r.random() < 0.2:
            spec["pil"] = True
        return spec

    def twin(self, spec, name):
        """An exporter of spec's kind and layout, its contents equal or one
        item (or byte) different: == of two views of one layout."""
        r = self.r
        t = copy.deepcopy(spec)
        t["name"] = name
        items = t.get("items")
        if isinstance(items, list) and len(items) > 1 and r.random() < 0.7:
            i = r.randrange(len(items))
            items[i] = items[i - 1]
        data = t.get("data")
        if isinstance(data, dict) and data["bytes"] and r.random() < 0.7:
            b = bytearray.fromhex(data["bytes"])
            b[r.randrange(len(b))] ^= 1
            t["data"] = hexb(b)
        return t

    def item_for(self, fmt):
        r = self.r
        f = fmt.lstrip("@<>=!")
        if f == "bb":
            return {"tuple": [r.randint(-5, 5), r.randint(-5, 5)]}
        if f in "fde":
            return {"float": str(r.randint(-8, 8) / 4)}
        if f == "?":
            return r.choice([True, False])
        if f == "c":
            return hexb([r.randint(97, 100)])
        if f in "BHILQNP":
            return r.randint(0, 120)
        return r.randint(-60, 60)

    # -- steps --

    def case(self, i):
        r = self.r
        setup = [self.exporter("x")]
        if r.random() < 0.15:
            setup.append(self.twin(setup[0], "y"))
        elif r.random() < 0.3:
            setup.append(self.exporter("y"))
        steps = [{"op": "memoryview", "args": [{"ref": "x"}], "as": "m"}]
        views = ["m"]
        exporters = [s["name"] for s in setup]
        if len(setup) > 1 and r.random() < 0.7:
            steps.append({"op": "memoryview", "args": [{"ref": "y"}], "as": "w"})
            views.append("w")
        for _ in range(r.randint(1, 8)):
            steps.append(self.step(views, exporters, len(steps)))
        return {"id": "fuzz/%d" % i, "rules": [], "setup": setup, "steps": steps}

    def step(self, views, exporters, n):
        r = self.r
        v = r.choice(views)
        k = r.random()
        if k < 0.2:
            s = {"op": "getitem", "obj": v, "key": self.key(2)}
            if r.random() < 0.5:
                name = "s%d" % n
                s["as"] = name
                views.append(name)
            return s
        if k < 0.33:
            val = self.value()
            key = self.key(1)
            if key.__class__ is dict and "slice" in key and r.random() < 0.7:
                val = r.choice([hexb(b"ab"), hexb(b"x"), hexb(b""), {"ref": r.choice(views)},
                                {"ref": r.choice(exporters)}])
            return {"op": "setitem", "obj": v, "key": key, "value": val}
        if k < 0.36:
            return {"op": "delitem", "obj": v, "key": self.key(1)}
        if k < 0.46:
            return {"op": "getattr", "obj": v, "name": r.choice(
                ["obj", "nbytes", "readonly", "itemsize", "format", "ndim", "shape", "strides",
                 "suboffsets", "c_contiguous", "f_contiguous", "contiguous"])}
        if k < 0.7:
            return self.call(v, views, n)
        if k < 0.8:
            return {"op": r.choice(["len", "bool", "list", "bytes", "pickle"]), "obj": v}
        if k < 0.85:
            like = r.choice([hexb(b""), hexb(b"ab"), 0, {"ref": r.choice(views)}])
            return {"op": "hash", "obj": v, "like": like}
        if k < 0.92 and "w" in views and r.random() < 0.3:
            return {"op": r.choice(["eq", "ne"]), "a": {"ref": "m"}, "b": {"ref": "w"}}
        if k < 0.92:
            a = {"ref": r.choice(views + exporters)}
            b = r.choice([{"ref": r.choice(views + exporters)}, hexb(b"ab"), [1, 2], 1])
            if r.random() < 0.5:
                a, b = b, a
            return {"op": r.choice(["eq", "ne"]), "a": a, "b": b}
        if k < 0.94:
            return {"op": "contents", "obj": r.choice(exporters)}
        if k < 0.96:
            s = {"op": "memoryview", "args": [{"ref": v}], "as": "v%d" % n}
            if r.random() < 0.3:
                s = {"op": "memoryview", "kwargs": {r.choice(["object", "obj"]): {"ref": v}}}
            if "as" in s:
                views.append(s["as"])
            return s
        if k < 0.97:
            return {"op": "is", "a": {"ref": r.choice(views)}, "b": {"ref": r.choice(views + exporters)}}
        if k < 0.975 and len(views) > 1:
            name = views.pop(r.randrange(1, len(views)))
            return {"op": "drop", "name": name}
        return self.mutate(r.choice(exporters))

    def call(self, v, views, n):
        r = self.r
        m = r.choice(["tolist", "tobytes", "hex", "cast", "cast", "cast", "release",
                      "toreadonly", "__enter__", "__exit__", "__buffer__",
                      "__release_buffer__", "count", "index"])
        s = {"op": "call", "obj": v, "method": m}
        if m == "__buffer__":
            s["args"] = [r.choice([0, 1, 4, 5, 8, 0x18, 0x1c, 0x38, 0x58, 0x98, 0x118, 0x11c,
                                   0x11d, -1, {"int": str(2**31)}, "x"])]
            if r.random() < 0.7:
                s["as"] = "b%d" % n
                views.append(s["as"])
        elif m == "count":
            s["args"] = [self.value()] if r.random() < 0.95 else []
        elif m == "index":
            s["args"] = [self.value()] + [self.slice_part() for _ in range(r.choice([0, 0, 1, 2, 3]))]
        elif m == "__release_buffer__":
            s["args"] = [r.choice([{"ref": r.choice(views)}, 5])]
        if m == "tobytes" and r.random() < 0.6:
            s["args"] = [r.choice(["C", "F", "A", None, "X", 1])]
            if r.random() < 0.3:
                s["kwargs"] = {r.choice(["order", "order", "x"]): s.pop("args")[0]}
        elif m == "hex" and r.random() < 0.7:
            s["args"] = [r.choice([":", "-", hexb(b"|"), "::", 1, ""])]
            if r.random() < 0.6:
                s["args"].append(r.choice([1, 2, -1, -2, 3, 0, 5, {"float": "1.0"}]))
            if r.random() < 0.3:
                names = ["sep", "bytes_per_sep"]
                s["kwargs"] = {}
                for i, a in enumerate(s.pop("args")):
                    s["kwargs"][names[i] if r.random() < 0.9 else "y"] = a
        elif m == "cast":
            s["args"] = [r.choice(list(NATIVE) + ["@B", "e", "e", "<i", "BB", 1])]
            if r.random() < 0.5:
                shape = [r.choice([1, 2, 3, 4, 6, 8, 12]) for _ in range(r.choice([0, 1, 2, 2, 3]))]
                if r.random() < 0.1:
                    shape = r.choice([[0], [-1], ["a"], 5])
                s["args"].append(shape)
            if r.random() < 0.2:
                s["kwargs"] = dict(zip(["format", "shape"], s.pop("args")))
            if r.random() < 0.6:
                name = "c%d" % n
                s["as"] = name
                views.append(name)
        elif m == "toreadonly" and r.random() < 0.6:
            name = "r%d" % n
            s["as"] = name
            views.append(name)
        elif m == "__exit__":
            s["args"] = [None, None, None]
        if r.random() < 0.03:
            s.setdefault("args", []).append(1)
        return s

    def mutate(self, x):
        r = self.r
        m = r.choice(["append", "extend", "pop", "clear", "insert", "remove", "reverse",
                      "__iadd__", "__imul__", "setitem"])
        if m == "setitem":
            return {"op": "setitem", "obj": x, "key": r.choice([0, -1, 1]),
                    "value": r.choice([1, 104, 300, -1])}
        args = {"append": [r.choice([1, 2, 300])], "extend": [r.choice([hexb(b""), hexb(b"z"), []])],
                "pop": [], "clear": [], "insert": [0, 5], "remove": [r.choice([0, 1, 97])],
                "reverse": [], "__iadd__": [hexb(r.choice([b"", b"q"]))],
                "__imul__": [r.choice([0, 1, 2])]}[m]
        return {"op": "call", "obj": x, "method": m, "args": args}


def run(argv, cases, env=None):
    """Each case's reply from the command argv (env: its environment)."""
    text = "".join(json.dumps(c) + "\n" for c in cases)
    p = subprocess.run(argv, input=text, capture_output=True, text=True, timeout=900,
                       env=env)
    lines = p.stdout.splitlines()
    if len(lines) != len(cases) + 1:
        sys.exit("%s answered %d lines for %d cases\n%s" % (argv, len(lines) - 1, len(cases),
                                                           p.stderr[-3000:]))
    return [json.loads(x) for x in lines[1:]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--language", default=None)
    ap.add_argument("--adapter", default=os.path.join(ROOT, "harness/adapters/mvadapter.py"))
    ap.add_argument("--driver", default=os.path.join(ROOT, "build/bin/mvref-driver"))
    ap.add_argument("--oracle", default=None,
                    help="a command speaking the protocol, instead of --python and --adapter")
    ap.add_argument("--word-size", default="64")
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=15)
    args = ap.parse_args()
    language = args.language or subprocess.run(
        [args.python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True, text=True).stdout.strip()
    g = Gen(random.Random(args.seed))
    cases = [g.case(i) for i in range(args.n)]
    oracle = args.oracle.split() if args.oracle else [args.python, "-I", args.adapter]
    want = run(oracle, cases)
    got = run([args.driver, "--python", language, "--word-size", args.word_size], cases)
    same = differ = unsupported = skipped = 0
    reasons = {}
    shown = 0
    for c, w, o in zip(cases, want, got):
        if "unsupported" in w:
            skipped += 1
            continue
        if "unsupported" in o:
            unsupported += 1
            reasons[o["unsupported"]] = reasons.get(o["unsupported"], 0) + 1
            continue
        if w["outcomes"] == o["outcomes"]:
            same += 1
            continue
        differ += 1
        if shown < args.show:
            shown += 1
            for i, (a, b) in enumerate(zip(w["outcomes"], o["outcomes"])):
                if a != b:
                    print("DIFF", json.dumps(c))
                    print("  step %d %s\n  cpython %s\n  ref     %s" % (
                        i, json.dumps(c["steps"][i]), json.dumps(a), json.dumps(b)))
                    break
    for text, count in sorted(reasons.items(), key=lambda kv: -kv[1])[:args.show]:
        print("  unsupported %5d  %s" % (count, text))
    print("%s: %d same, %d differ, %d unsupported by the reference, %d not runnable on CPython"
          % (language, same, differ, unsupported, skipped))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
