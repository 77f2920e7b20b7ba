"""Delta debugging: the smallest program that still diverges the same way.

`reduce(case, still_fails)` takes a program (a case) and a test that says
whether a smaller program keeps the divergence, and returns a program that
no single reduction below makes smaller, in this order, repeated until none
helps:

    1. fewer steps     drop chunks of steps, halving the chunk (Zeller's ddmin)
    2. fewer exporters drop a setup entry, or make it an empty bytes (or
                       bytearray) -- what Hypothesis's shrinker may not reach
    3. fewer parts     drop an unused `as`, an argument, a keyword, an
                       exporter's strides, offset, flags or items
    4. simpler values  every value towards 0, False, b"", [] and shorter

The test is given the candidate and, for each of its steps, the index of
the step of the original program it came from, so that "the same way" can
mean "the same step fails" (reduce never removes that step: it fails it).
Nothing here runs a program: the test does (shrink.py, engine.py).
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator

Test = Callable[[dict, list[int]], bool]


@dataclass
class Budget:
    """How many programs a reduction may try, and until when."""
    tests: int = 3000
    seconds: float = 300.0
    used: int = 0
    started: float = 0.0

    def spend(self) -> bool:
        if not self.started:
            self.started = time.monotonic()
        self.used += 1
        return self.used <= self.tests and time.monotonic() - self.started < self.seconds

    @property
    def left(self) -> bool:
        return self.used < self.tests and (not self.started or
                                           time.monotonic() - self.started < self.seconds)


def key(case: dict) -> str:
    return json.dumps({"setup": case["setup"], "steps": case["steps"]}, sort_keys=True)


class Reducer:
    def __init__(self, case: dict, test: Test, keep: int | None, budget: Budget):
        self.case = copy.deepcopy(case)
        self.origin = list(range(len(case["steps"])))
        self.test = test
        self.keep = keep                # the original index of the step that must stay
        self.budget = budget
        self.seen: set[str] = {key(self.case)}

    def attempt(self, case: dict, origin: list[int]) -> bool:
        """Try a candidate; keep it if it still fails."""
        if self.keep is not None and self.keep not in origin:
            return False
        k = key(case)
        if k in self.seen or not self.budget.spend():
            return False
        self.seen.add(k)
        if self.test(case, origin):
            self.case, self.origin = case, origin
            return True
        return False

    def run(self) -> dict:
        progress = True
        while progress and self.budget.left:
            progress = False
            for reduction in (self.fewer_steps, self.fewer_exporters, self.fewer_parts,
                              self.simpler_values):
                progress |= reduction()
        return self.case

    # -- 1. steps ----------------------------------------------------------

    def fewer_steps(self) -> bool:
        changed = False
        n = 2
        while len(self.case["steps"]) >= 2:
            steps = self.case["steps"]
            size = max(1, len(steps) // n)
            removed = False
            for start in range(0, len(steps), size):
                keep = [i for i in range(len(steps)) if not start <= i < start + size]
                if not keep:
                    continue
                cand = dict(self.case, steps=[steps[i] for i in keep])
                if self.attempt(cand, [self.origin[i] for i in keep]):
                    removed = changed = True
                    break
            if removed:
                n = max(n - 1, 2)
            elif size == 1:
                break
            else:
                n = min(n * 2, len(steps))
        return changed

    # -- 2. exporters ------------------------------------------------------

    def fewer_exporters(self) -> bool:
        changed = False
        for i in reversed(range(len(self.case["setup"]))):
            if len(self.case["setup"]) > i:
                setup = self.case["setup"][:i] + self.case["setup"][i + 1:]
                changed |= self.attempt(dict(self.case, setup=setup), self.origin)
        for i, decl in enumerate(self.case["setup"]):
            for simpler in SIMPLEST_EXPORTERS:
                if decl.get("kind") == simpler["kind"]:
                    break
                cand = self.replaced(("setup", i), {"name": decl["name"], **simpler})
                if self.attempt(cand, self.origin):
                    changed = True
                    break
        return changed

    # -- 3. parts ----------------------------------------------------------

    def fewer_parts(self) -> bool:
        changed = False
        for where, item in list(self.places()):
            for smaller in parts_of(item):
                if self.attempt(self.replaced(where, smaller), self.origin):
                    changed = True
                    break
        return changed

    def places(self) -> Iterator[tuple[tuple[str, int], dict]]:
        for i, decl in enumerate(self.case["setup"]):
            yield ("setup", i), decl
        for i, s in enumerate(self.case["steps"]):
            yield ("steps", i), s

    def replaced(self, where: tuple[str, int], item: dict) -> dict:
        part, i = where
        items = list(self.case[part])
        items[i] = item
        return dict(self.case, **{part: items})

    # -- 4. values ---------------------------------------------------------

    def simpler_values(self) -> bool:
        changed = False
        for where, item in list(self.places()):
            part, i = where
            for path in list(value_paths(item)):
                try:        # an earlier simplification may have shortened a list
                    current = get(self.case[part][i], path)
                except (IndexError, KeyError, TypeError):
                    continue
                for simpler in simpler_than(current):
                    cand = set_at(self.case[part][i], path, simpler)
                    if self.attempt(self.replaced(where, cand), self.origin):
                        changed = True
                        break
        return changed


def reduce(case: dict, test: Test, keep: int | None = None, budget: Budget | None = None) -> dict:
    """The smallest program `test` still accepts (see the top)."""
    return Reducer(case, test, keep, budget or Budget()).run()


# ---------------------------------------------------------------- parts ---

SIMPLEST_EXPORTERS = ({"kind": "bytes", "data": {"bytes": ""}},
                      {"kind": "bytearray", "data": {"bytes": ""}})
OPTIONAL_SETUP = ("strides", "offset", "fortran", "pil", "readonly", "order")


def parts_of(item: dict) -> Iterator[dict]:
    """The item with one optional part removed."""
    if "as" in item:
        yield {k: v for k, v in item.items() if k != "as"}
    if item.get("kind") == "object":        # a described class: fewer methods, no side effects
        methods = item.get("methods", {})
        for name, what in methods.items():
            if len(methods) > 1:
                yield dict(item, methods={k: v for k, v in methods.items() if k != name})
            if "steps" in what:
                yield dict(item, methods={**methods, name: {k: v for k, v in what.items()
                                                            if k != "steps"}})
    for k in OPTIONAL_SETUP:
        if k in item and "kind" in item:
            yield {x: v for x, v in item.items() if x != k}
    if "kwargs" in item:
        yield {k: v for k, v in item.items() if k != "kwargs"}
        for name in item["kwargs"]:
            yield dict(item, kwargs={k: v for k, v in item["kwargs"].items() if k != name})
    if item.get("args"):
        yield dict(item, args=item["args"][:-1])
    if "protocol" in item or "deep" in item:
        yield {k: v for k, v in item.items() if k not in ("protocol", "deep")}


# Where the values of an item are: setup data and items, a step's operands.
VALUE_FIELDS = ("data", "items", "value", "key", "like", "a", "b", "args", "kwargs")


def value_paths(item: dict) -> Iterator[tuple]:
    for f in VALUE_FIELDS:
        if f in item:
            yield from _paths(item[f], (f,))


def _paths(v: Any, path: tuple) -> Iterator[tuple]:
    yield path
    if isinstance(v, list):
        for i, x in enumerate(v):
            yield from _paths(x, path + (i,))
    elif isinstance(v, dict) and ("tuple" in v or "slice" in v):
        k = "tuple" if "tuple" in v else "slice"
        for i, x in enumerate(v[k]):
            yield from _paths(x, path + (k, i))
    elif isinstance(v, dict) and path[0] == "kwargs" and len(path) == 1:
        for name in v:
            yield from _paths(v[name], path + (name,))


def get(item: Any, path: tuple) -> Any:
    for p in path:
        item = item[p]
    return item


def set_at(item: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(item, list):
        out = list(item)
        out[head] = set_at(item[head], rest, value)
        return out
    return {**item, head: set_at(item[head], rest, value)}


def simpler_than(v: Any) -> list[Any]:
    """Values simpler than v (protocol encoding), simplest first."""
    if v is True:
        return [False]
    if isinstance(v, int) and not isinstance(v, bool):
        return [c for c in dict.fromkeys((0, 1, -1, v // 2, v - 1 if v > 0 else v + 1))
                if abs(c) < abs(v) or (abs(c) == abs(v) and c > v)]
    if isinstance(v, str):
        return [s for s in ("", v[:1]) if len(s) < len(v)]
    if isinstance(v, list):
        return [v[:n] for n in sorted({0, len(v) // 2, len(v) - 1}) if n < len(v)]
    if not isinstance(v, dict):
        return []
    if "int" in v:
        n = int(v["int"])
        sign = 1 if n > 0 else -1
        powers = [sign * 2**k for k in (64, 128, 256, 1024) if 2**k < abs(n)]
        return [0, 1, -1, sign * (2**63 - 1) if n > 0 else -2**63] + [{"int": str(p)} for p in powers]
    if "float" in v:
        return [{"float": f} for f in ("0.0", "1.0") if {"float": f} != v] + [0]
    if "bytes" in v:
        h = v["bytes"]
        shorter = [h[:n] for n in sorted({0, len(h) // 4 * 2, len(h) - 2}) if n < len(h)]
        zeros = "00" * (len(h) // 2)
        return [{"bytes": s} for s in shorter] + ([{"bytes": zeros}] if zeros != h else [])
    if "tuple" in v:
        items = v["tuple"]
        return [{"tuple": items[:n]} for n in sorted({0, len(items) - 1}) if n < len(items)]
    return []
