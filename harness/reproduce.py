"""Turn a case into the short Python program it stands for.

A failing case is easiest to understand as code a developer can paste into a
REPL. This renders the case's setup and steps as Python source, one line per
step, so that line i of the steps is step i. It renders; it never runs.

Pasted, the program must do what the case says and nothing else, whatever
the case holds: every string and number is written by repr (an int given as
text is parsed and re-written), every name, method and attribute is written
as itself only when it is an identifier (else through globals()[...] or
getattr(obj, '...')), and text that is not code is a comment, one `#` per
line (`comment`).
"""

from __future__ import annotations

import json

from . import values
from .values import is_name, name_source, printable


def source(j: object) -> str:
    """A value as source; one that is not a value (the reproducer renders
    whatever it is given) as a call that fails harmlessly when pasted."""
    try:
        return values.source(j)
    except values.ValueFormatError:
        return f"not_a_value({json.dumps(j)[:200]!r})"

_ND_FLAGS = (("readonly", False, "ND_WRITABLE"), ("fortran", True, "ND_FORTRAN"),
             ("pil", True, "ND_PIL"))


def comment(text: str, lead: str = "") -> list[str]:
    """`text` as comment lines: each of its lines behind its own `#`, every
    character a terminal would not show as itself written as its escape."""
    lines = printable(str(text), keep="\t\n").split("\n")
    return [f"# {lead}{lines[0]}"] + [f"#   {line}" for line in lines[1:]]


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
        return f"{_class_name(decl)}()"
    return f"None  # unknown exporter kind {printable(repr(kind))}"


# What a described class may hold (protocol.md section 5.1): other names
# are not written as code.
_DUNDERS = ("__index__", "__int__", "__float__", "__complex__", "__bool__", "__len__",
            "__eq__")
_EXCEPTIONS = ("ArithmeticError", "AttributeError", "BufferError", "Exception",
               "IndexError", "LookupError", "NotImplementedError", "OverflowError",
               "RuntimeError", "TypeError", "UnicodeError", "ValueError",
               "ZeroDivisionError")


def _class_name(decl: dict) -> str:
    name = decl.get("class")
    return name if is_name(name) else "Described"


def class_lines(decl: dict) -> list[str]:
    """The class an "object" setup entry describes (protocol.md section
    5.1), as Python: each method runs its steps, then returns or raises."""
    lines = [f"class {_class_name(decl)}:"]
    methods = decl.get("methods")
    for name, method in (methods.items() if isinstance(methods, dict) else ()):
        if name not in _DUNDERS or not isinstance(method, dict):
            lines.append(f"    # a method {printable(repr(name))} beyond the vocabulary")
            continue
        lines.append(f"    def {name}(self, *args):")
        steps = method.get("steps")
        lines += [f"        {step_source(step)}" for step in steps if isinstance(step, dict)] \
            if isinstance(steps, list) else []
        raises = method.get("raises")
        if isinstance(raises, dict):
            kind = raises.get("type")
            kind = kind if kind in _EXCEPTIONS else "Exception"
            lines.append(f"        raise {kind}({str(raises.get('message'))!r})")
        else:
            lines.append(f"        return {source(method.get('returns'))}")
    if len(lines) == 1:
        lines.append("    pass")
    return lines


def _call_args(step: dict) -> str:
    args = [source(a) for a in step.get("args", [])]
    for k, v in step.get("kwargs", {}).items():
        args.append(f"{k}={source(v)}" if is_name(k) else f"**{{{str(k)!r}: {source(v)}}}")
    return ", ".join(args)


def _attribute(obj: str, name: object) -> str:
    return f"{obj}.{name}" if is_name(name) else f"getattr({obj}, {str(name)!r})"


def step_source(step: dict) -> str:
    op = step.get("op")
    obj = name_source(step.get("obj", "_"))
    text = {
        "memoryview": lambda: f"memoryview({_call_args(step)})",
        "getitem": lambda: f"{obj}[{_key(step.get('key'))}]",
        "setitem": lambda: f"{obj}[{_key(step.get('key'))}] = {source(step.get('value'))}",
        "delitem": lambda: f"del {obj}[{_key(step.get('key'))}]",
        "getattr": lambda: _attribute(obj, step.get("name")),
        "call": lambda: f"{_attribute(obj, step.get('method'))}({_call_args(step)})",
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
        "drop": lambda: f"del {name_source(step.get('name'))}",
        "calls": lambda: f"None  # how often {obj}.{printable(str(step.get('method')))} ran",
    }.get(op, lambda: f"None  # unknown op {printable(repr(op))}")()
    if "as" in step:
        text = f"{name_source(step['as'])} = {text}"
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
    setup = []
    for d in case.get("setup", []):
        if d.get("kind") == "object":
            setup += class_lines(d)
        setup.append(f"{name_source(d.get('name'))} = {setup_source(d)}")
    steps = [step_source(s) for s in case.get("steps", [])]
    head = imports_for(case)
    if any("struct.unpack(" in line for line in setup + steps):
        head.append("import struct")       # a NaN with its bits
    return head + setup, steps
