"""Turn a case into the short Python program it stands for.

A failing case is easiest to understand as code a developer can paste into a
REPL. This renders the case's setup and steps as Python source, one line per
step, so that line i of the steps is step i. It renders; it never runs.
"""

from __future__ import annotations

import json

from .values import source

_ND_FLAGS = (("readonly", False, "ND_WRITABLE"), ("fortran", True, "ND_FORTRAN"),
             ("pil", True, "ND_PIL"))


def setup_source(decl: dict) -> str:
    kind = decl.get("kind")
    if kind == "bytes":
        return source(decl["data"])
    if kind == "bytearray":
        return f"bytearray({source(decl['data'])})"
    if kind == "array":
        return f"array.array({decl['typecode']!r}, {source(decl['items'])})"
    if kind == "numpy":
        text = f"numpy.array({source(decl['items'])}, dtype={decl['dtype']!r})"
        text += f".reshape({decl['shape']!r}, order={decl.get('order', 'C')!r})"
        if decl.get("readonly"):
            text += "  # then .setflags(write=False)"
        return text
    if kind == "ndarray":
        args = [source(decl["items"]), f"shape={decl['shape']!r}"]
        if decl.get("strides") is not None:
            args.append(f"strides={decl['strides']!r}")
        if decl.get("offset"):
            args.append(f"offset={decl['offset']!r}")
        args.append(f"format={decl['format']!r}")
        flags = [f"_testbuffer.{flag}" for key, when, flag in _ND_FLAGS
                 if decl.get(key, key == "readonly") == when]
        if flags:
            args.append("flags=" + "|".join(flags))
        return f"_testbuffer.ndarray({', '.join(args)})"
    if kind == "value":
        return source(decl["value"])
    if kind == "object":
        return f"{decl.get('class')}()"
    return f"<unknown exporter kind {kind!r}>"


def class_lines(decl: dict) -> list[str]:
    """The class an "object" setup entry describes (protocol.md section
    5.1), as Python: each method runs its steps, then returns or raises."""
    lines = [f"class {decl.get('class')}:"]
    for name, method in (decl.get("methods") or {}).items():
        lines.append(f"    def {name}(self, *args):")
        lines += [f"        {step_source(step)}" for step in method.get("steps", [])]
        if "raises" in method:
            r = method["raises"]
            lines.append(f"        raise {r.get('type')}({r.get('message')!r})")
        else:
            lines.append(f"        return {source(method.get('returns'))}")
    if len(lines) == 1:
        lines.append("    pass")
    return lines


def _call_args(step: dict) -> str:
    args = [source(a) for a in step.get("args", [])]
    args += [f"{k}={source(v)}" for k, v in step.get("kwargs", {}).items()]
    return ", ".join(args)


def step_source(step: dict) -> str:
    op = step.get("op")
    obj = step.get("obj", "?")
    text = {
        "memoryview": lambda: f"memoryview({_call_args(step)})",
        "getitem": lambda: f"{obj}[{_key(step.get('key'))}]",
        "setitem": lambda: f"{obj}[{_key(step.get('key'))}] = {source(step.get('value'))}",
        "delitem": lambda: f"del {obj}[{_key(step.get('key'))}]",
        "getattr": lambda: f"{obj}.{step.get('name')}",
        "call": lambda: f"{obj}.{step.get('method')}({_call_args(step)})",
        "len": lambda: f"len({obj})",
        "bool": lambda: f"bool({obj})",
        "list": lambda: f"list({obj})",
        "bytes": lambda: f"bytes({obj})",
        "hash": lambda: f"hash({obj}) == hash({source(step.get('like'))})",
        "eq": lambda: f"{source(step.get('a'))} == {source(step.get('b'))}",
        "ne": lambda: f"{source(step.get('a'))} != {source(step.get('b'))}",
        "lt": lambda: f"{source(step.get('a'))} < {source(step.get('b'))}",
        "le": lambda: f"{source(step.get('a'))} <= {source(step.get('b'))}",
        "gt": lambda: f"{source(step.get('a'))} > {source(step.get('b'))}",
        "ge": lambda: f"{source(step.get('a'))} >= {source(step.get('b'))}",
        "is": lambda: f"{source(step.get('a'))} is {source(step.get('b'))}",
        "contents": lambda: f"{obj}",          # a REPL shows what it holds
        "pickle": lambda: (f"pickle.dumps({obj}, {step['protocol']!r})" if "protocol" in step
                           else f"pickle.dumps({obj})"),
        "copy": lambda: f"copy.{'deepcopy' if step.get('deep') else 'copy'}({obj})",
        "iter": lambda: f"iter({obj})",
        "next": lambda: f"next({obj})",
        "contains": lambda: f"{source(step.get('value'))} in {obj}",
        "drop": lambda: f"del {step.get('name')}",
        "calls": lambda: f"{obj}.{step.get('method')}  # how often it ran",
    }.get(op, lambda: f"<unknown op {op!r}>")()
    if "as" in step:
        text = f"{step['as']} = {text}"
    return text


def _key(key: object) -> str:
    """Subscript text: a tuple key is written without its parentheses."""
    if isinstance(key, dict) and "tuple" in key and key["tuple"]:
        return ", ".join(_key_part(k) for k in key["tuple"]) + ("," if len(key["tuple"]) == 1 else "")
    return _key_part(key)


def _key_part(key: object) -> str:
    if isinstance(key, dict) and "slice" in key:
        a, b, c = (source(x) if x is not None else "" for x in key["slice"])
        return f"{a}:{b}" + (f":{c}" if c else "")
    return source(key)


def imports_for(case: dict) -> list[str]:
    kinds = {d.get("kind") for d in case.get("setup", [])}
    mods = []
    if "array" in kinds:
        mods.append("array")
    if "ndarray" in kinds:
        mods.append("_testbuffer")
    if "numpy" in kinds:
        mods.append("numpy")
    if any(s.get("op") == "pickle" for s in case.get("steps", [])):
        mods.append("pickle")
    if any(s.get("op") == "copy" for s in case.get("steps", [])):
        mods.append("copy")
    text = json.dumps(case)   # a value {"decimal": ...} anywhere in it
    mods += [module for key, module in (("decimal", "decimal"), ("fraction", "fractions"))
             if f'{{"{key}": ' in text]
    return [f"import {m}" for m in mods]


def case_lines(case: dict) -> tuple[list[str], list[str]]:
    """(setup lines, one line per step)."""
    head = imports_for(case)
    for d in case.get("setup", []):
        if d.get("kind") == "object":
            head += class_lines(d)
        head.append(f"{d.get('name')} = {setup_source(d)}")
    return head, [step_source(s) for s in case.get("steps", [])]
