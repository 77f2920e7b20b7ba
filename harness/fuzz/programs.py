"""Random programs in the case vocabulary (spec/protocol.md sections 4-6).

A program is a case without id and rules: one or two exporters (setup),
then up to MAX_STEPS steps drawn from every operation the format has --
views of exporters and of views, keys of every kind, assignment, casts,
tolist, tobytes in each order, hex, comparison, hash, release, context
managers, iteration, pickling and copying, and the exporter's own mutation
(a bytearray resized while a view holds it, an array byteswapped under one).

Everything is drawn from `rng`, a random.Random (choices.py says which
kinds): the generator lists the simplest option first, so that a program
Hypothesis shrinks ends with the first of each. It keeps a guess of what each
name holds (a view's format and shape), so that most keys, values and casts
fit the view they are used on and reach past the first check; the rest are
drawn wrong on purpose. A guess can be wrong (a step may fail): the outcomes
come from running the program, never from the guess.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any, Callable

from .. import values
from ..domains.formats import FLOAT_PROBES, OTHER_TYPES, int_limits
from ..domains.natives import NATIVE_CODES, NUMPY_DTYPES
from ..domains.random_layouts import random_item, random_layout

MAX_STEPS = 12
ARRAY_CODES = "bBhHiIlLqQfd"
# Formats an ndarray may have beyond the native codes: byte orders and
# standard sizes, which a view refuses to unpack, and structs of several items.
OTHER_FORMATS = ("<i", ">h", "=q", "!I", "<d", "bb", "Bh", "2B", "3s", "x")
CAST_FORMATS = tuple(NATIVE_CODES) + ("@B", "@i", "<i", "BB", "x", "s", "w")
ATTRIBUTES = ("obj", "nbytes", "readonly", "itemsize", "format", "ndim", "shape", "strides",
              "suboffsets", "c_contiguous", "f_contiguous", "contiguous")
HEX_SEPARATORS = (":", "-", b"|", "", "::", "\u00e9", 1, None)
BUFFER_FLAGS = (0, 1, 4, 5, 8, 0x18, 0x1c, 0x38, 0x58, 0x98, 0x118, 0x11c, 0x11d, -1, 2**31)
BIG = (2**63 - 1, -2**63, 2**63, 2**64, -2**64 - 1, 10**30)


@dataclass
class Caps:
    """What both sides can build, and the language they speak."""
    exporters: frozenset[str]
    language: tuple[int, int] = (3, 11)

    def array_codes(self) -> str:
        return ARRAY_CODES + ("w" if self.language >= (3, 13) else "u")


@dataclass
class Guess:
    """What the generator believes a view holds: format and shape."""
    fmt: str
    shape: list[int]

    @property
    def length(self) -> int:
        return self.shape[0] if self.shape else 0


@dataclass
class Names:
    """The names a program has bound so far, by what they hold."""
    exporters: dict[str, dict] = field(default_factory=dict)    # name -> declaration
    views: dict[str, Guess] = field(default_factory=dict)
    iterators: list[str] = field(default_factory=list)
    released: set[str] = field(default_factory=set)     # views a step may have released
    objects: list[str] = field(default_factory=list)    # objects of a described class
    count: int = 0

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def refs(self) -> list[str]:
        return list(self.views) + list(self.exporters)

    def iterable(self, name: str) -> bool:
        """False for a view a step may have released: from 3.10 the iterator
        reads the released view's format, which its exporter may have freed
        since (RELEASE-004: undefined), so no program iterates one."""
        return name not in self.released


def generate(rng: random.Random, caps: Caps) -> dict:
    """One program: {"setup": [...], "steps": [...]}."""
    names = Names()
    setup = [exporter(rng, caps, "x")]
    if rng.random() < 0.2:
        setup.append(exporter(rng, caps, "y"))
    for decl in setup:
        names.exporters[decl["name"]] = decl
    if "object" in caps.exporters and rng.random() < 0.25:
        setup.append(described_object(rng, names, "k"))
    steps = [view_of_exporter(rng, names, "x", "m")]
    while len(steps) < MAX_STEPS and rng.random() < 0.88:
        steps.append(step(rng, names))
    return {"setup": setup, "steps": steps}


# -------------------------------------------------------------- exporters ---

def exporter(rng: random.Random, caps: Caps, name: str) -> dict:
    kinds = [k for k in ("bytes", "bytearray", "array", "ndarray", "numpy", "value")
             if k in caps.exporters]
    kind = rng.choices(kinds, weights=[WEIGHT_OF_KIND[k] for k in kinds])[0]
    decl = EXPORTERS[kind](rng, caps)
    return {"name": name, "kind": kind, **decl}


def bytes_exporter(rng: random.Random, caps: Caps) -> dict:
    n = rng.randint(0, 16)
    return {"data": values.encode(bytes(rng.randrange(256) for _ in range(n)))}


def array_exporter(rng: random.Random, caps: Caps) -> dict:
    code = rng.choice(caps.array_codes())
    items = [array_item(rng, code) for _ in range(rng.randint(0, 8))]
    return {"typecode": code, "items": values.encode(items)}


def array_item(rng: random.Random, code: str) -> Any:
    if code in "uw":
        return chr(rng.choice((97, 98, 0x20ac, 0x1f600)))
    return random_item(rng, code)


def ndarray_exporter(rng: random.Random, caps: Caps) -> dict:
    if rng.random() < 0.15:
        return struct_ndarray(rng)
    layout = random_layout(rng)
    decl = {k: v for k, v in layout.decl().items() if k != "kind"}
    return {k: values.encode(v) if k == "items" else v for k, v in decl.items()}


def struct_ndarray(rng: random.Random) -> dict:
    """A C-contiguous ndarray of a format a view does not unpack."""
    fmt = rng.choice(OTHER_FORMATS)
    shape = [rng.randint(1, 3) for _ in range(rng.randint(1, 2))]
    items = [struct_item(rng, fmt) for _ in range(math.prod(shape))]
    return {"format": fmt, "items": values.encode(items), "shape": shape,
            "readonly": rng.random() < 0.5}


def struct_item(rng: random.Random, fmt: str) -> Any:
    if fmt in ("bb", "Bh", "2B"):
        return (rng.randint(0, 100), rng.randint(0, 100))
    if fmt == "3s":
        return bytes(rng.randrange(256) for _ in range(3))
    if fmt == "x":
        return ()
    return random_item(rng, fmt[-1])      # "<i": an int of i's range


def numpy_exporter(rng: random.Random, caps: Caps) -> dict:
    code = rng.choice(list(NUMPY_DTYPES))
    shape = [rng.randint(0, 3) for _ in range(rng.choices((1, 0, 2, 3), weights=(5, 1, 3, 1))[0])]
    items = [random_item(rng, code) for _ in range(math.prod(shape))]
    decl = {"items": values.encode(items), "dtype": NUMPY_DTYPES[code], "shape": shape}
    if rng.random() < 0.3:
        decl["order"] = "F"
    if rng.random() < 0.2:
        decl["readonly"] = True
    return decl


def value_exporter(rng: random.Random, caps: Caps) -> dict:
    return {"value": values.encode(rng.choice(("abc", 5, None, [1, 2], (), 1.5, b"xyz")))}


EXPORTERS: dict[str, Callable[[random.Random, Caps], dict]] = {
    "bytes": bytes_exporter, "bytearray": bytes_exporter, "array": array_exporter,
    "ndarray": ndarray_exporter, "numpy": numpy_exporter, "value": value_exporter,
}
WEIGHT_OF_KIND = {"bytes": 3, "bytearray": 5, "array": 5, "ndarray": 7, "numpy": 3, "value": 1}


def guess_of(decl: dict) -> Guess:
    """The view memoryview(exporter) would be."""
    kind = decl["kind"]
    if kind in ("bytes", "bytearray"):
        return Guess("B", [len(decl["data"]["bytes"]) // 2])
    if kind == "array":
        return Guess("w" if decl["typecode"] == "u" else decl["typecode"], [len(decl["items"])])
    if kind == "ndarray":
        return Guess(decl["format"], list(decl["shape"]))
    if kind == "numpy":
        code = {d: c for c, d in NUMPY_DTYPES.items()}[decl["dtype"]]
        return Guess(code, list(decl["shape"]))
    return Guess("B", [0])


# ------------------------------------------------------------------ steps ---

def view_of_exporter(rng: random.Random, names: Names, source: str, name: str) -> dict:
    names.views[name] = guess_of(names.exporters[source])
    return {"op": "memoryview", "args": [{"ref": source}], "as": name}


def step(rng: random.Random, names: Names) -> dict:
    if not names.views:
        return view_of_exporter(rng, names, rng.choice(list(names.exporters)),
                                names.fresh("m"))
    makers = [m for m, w in STEPS]
    return rng.choices(makers, weights=[w for m, w in STEPS])[0](rng, names)


def pick_view(rng: random.Random, names: Names) -> tuple[str, Guess]:
    name = rng.choice(list(names.views))
    return name, names.views[name]


def bind_view(step: dict, names: Names, guess: Guess, prefix: str = "v") -> dict:
    name = names.fresh(prefix)
    names.views[name] = guess
    return {**step, "as": name}


def getitem_step(rng: random.Random, names: Names) -> dict:
    name, g = pick_view(rng, names)
    key = view_key(rng, g)
    s = {"op": "getitem", "obj": name, "key": python_key(rng, names, key)}
    if isinstance(key, slice) and rng.random() < 0.6:
        return bind_view(s, names, Guess(g.fmt, [slice_length(key, g.length)] + g.shape[1:]))
    if key is Ellipsis and rng.random() < 0.5:
        return bind_view(s, names, g)
    return s


def setitem_step(rng: random.Random, names: Names) -> dict:
    name, g = pick_view(rng, names)
    key = view_key(rng, g)
    if isinstance(key, slice) and rng.random() < 0.8:
        value = slice_source(rng, names, g, key)
    else:
        value = python_value(rng, names, item_value(rng, g.fmt))
    return {"op": "setitem", "obj": name, "key": python_key(rng, names, key), "value": value}


def delitem_step(rng: random.Random, names: Names) -> dict:
    name = rng.choice(names.refs())
    g = names.views.get(name) or guess_of(names.exporters[name])
    return {"op": "delitem", "obj": name, "key": values.encode(view_key(rng, g))}


def getattr_step(rng: random.Random, names: Names) -> dict:
    name, _ = pick_view(rng, names)
    return {"op": "getattr", "obj": name, "name": rng.choice(ATTRIBUTES)}


def method_step(rng: random.Random, names: Names) -> dict:
    name, g = pick_view(rng, names)
    method = rng.choices(VIEW_METHODS, weights=[w for _, w in VIEW_METHOD_WEIGHTS])[0]
    if method in ("release", "__exit__"):
        names.released.add(name)
    return METHOD_ARGS[method](rng, names, {"op": "call", "obj": name, "method": method}, g)


def cast_step(rng: random.Random, names: Names) -> dict:
    name, g = pick_view(rng, names)
    return cast_args(rng, names, {"op": "call", "obj": name, "method": "cast"}, g)


def sequence_step(rng: random.Random, names: Names) -> dict:
    if rng.random() < 0.1:      # an exporter: never bytes(x), which for an int-like
        name = rng.choice(list(names.exporters))    # x (a 0-dim numpy array) is x zeros
        return {"op": rng.choice(("len", "list", "bool")), "obj": name}
    name = pick_view(rng, names)[0]
    op = rng.choice(("len", "list", "bytes", "bool"))
    return {"op": "len" if op == "list" and not names.iterable(name) else op, "obj": name}


def hash_step(rng: random.Random, names: Names) -> dict:
    name, g = pick_view(rng, names)
    like = rng.choice([{"ref": n} for n in names.refs()]
                      + [values.encode(b""), values.encode(b"\x00" * max(g.length, 0))])
    return {"op": "hash", "obj": name, "like": like}


def compare_step(rng: random.Random, names: Names) -> dict:
    op = rng.choices(("eq", "ne", "lt", "le", "gt", "ge"), weights=(6, 3, 1, 1, 1, 1))[0]
    a = {"ref": pick_view(rng, names)[0]}
    b = operand(rng, names)
    if rng.random() < 0.4:
        a, b = b, a
    return {"op": op, "a": a, "b": b}


def operand(rng: random.Random, names: Names) -> Any:
    """Something to compare a view with: a name, or a value."""
    if rng.random() < 0.7:
        return {"ref": rng.choice(names.refs())}
    return python_value(rng, names, rng.choice((b"", b"\x00\x01", [0, 1], 1, "a", None, (), 1.5)),
                        0.3)


def is_step(rng: random.Random, names: Names) -> dict:
    return {"op": "is", "a": {"ref": rng.choice(names.refs())},
            "b": {"ref": rng.choice(names.refs())}}


def view_step(rng: random.Random, names: Names) -> dict:
    """memoryview of a name: positionally, by keyword, or wrongly."""
    source = rng.choice(names.refs())
    g = names.views.get(source) or guess_of(names.exporters[source])
    form = rng.choices(("args", "object", "obj", "none", "two"), weights=(8, 2, 1, 1, 1))[0]
    if form == "args":
        return bind_view({"op": "memoryview", "args": [{"ref": source}]}, names, g)
    if form == "object":
        return bind_view({"op": "memoryview", "kwargs": {"object": {"ref": source}}}, names, g)
    if form == "obj":
        return {"op": "memoryview", "kwargs": {"obj": {"ref": source}}}
    if form == "none":
        return {"op": "memoryview"}
    return {"op": "memoryview", "args": [{"ref": source}, {"ref": source}]}


def mutate_step(rng: random.Random, names: Names) -> dict:
    """The exporter changed under its views: resized, written, reordered."""
    name = rng.choice(list(names.exporters))
    decl = names.exporters[name]
    kind = decl["kind"]
    if kind == "bytearray":
        return bytearray_mutation(rng, name)
    if kind == "array":
        return array_mutation(rng, name, decl["typecode"])
    g = guess_of(decl)
    key = tuple(rng.randint(0, max(n - 1, 0)) for n in g.shape) if len(g.shape) != 1 \
        else rng.randint(-1, max(g.length - 1, 0))
    return {"op": "setitem", "obj": name, "key": values.encode(key),
            "value": values.encode(item_value(rng, g.fmt))}


def bytearray_mutation(rng: random.Random, name: str) -> dict:
    method = rng.choice(("append", "extend", "pop", "clear", "insert", "remove", "reverse",
                         "__iadd__", "__imul__", "setitem", "delitem"))
    if method == "setitem":
        key = rng.choice((0, -1, slice(0, 2), slice(None, None, 2), slice(5, None)))
        value = rng.randrange(256) if isinstance(key, int) else bytes(rng.randint(0, 3))
        return {"op": "setitem", "obj": name, "key": values.encode(key),
                "value": values.encode(value)}
    if method == "delitem":
        key = rng.choice((0, -1, slice(0, 0), slice(1, 3), slice(None, None, 2)))
        return {"op": "delitem", "obj": name, "key": values.encode(key)}
    args = {"append": [rng.choice((33, 256))], "extend": [rng.choice((b"!", b"", []))],
            "pop": rng.choice(([], [0], [9])), "clear": [], "insert": [0, 33],
            "remove": [rng.randrange(256)], "reverse": [],
            "__iadd__": [rng.choice((b"!", b""))], "__imul__": [rng.choice((2, 1, 0, -1))]}
    return {"op": "call", "obj": name, "method": method, "args": values.encode(args[method])}


def array_mutation(rng: random.Random, name: str, code: str) -> dict:
    method = rng.choice(("append", "extend", "pop", "insert", "remove", "reverse", "byteswap",
                         "frombytes", "tolist", "tobytes", "__iadd__", "__imul__", "setitem"))
    item = array_item(rng, code)
    if method == "setitem":
        return {"op": "setitem", "obj": name, "key": rng.choice((0, -1)),
                "value": values.encode(item)}
    args = {"append": [item], "extend": [[item]], "pop": rng.choice(([], [0])),
            "insert": [0, item], "remove": [item], "reverse": [], "byteswap": [],
            "frombytes": [bytes(rng.choice((0, 1, 8)))], "tolist": [], "tobytes": [],
            "__iadd__": [], "__imul__": [rng.choice((2, 0))]}
    if method == "__iadd__":
        return {"op": "call", "obj": name, "method": method, "args": [{"ref": name}]}
    return {"op": "call", "obj": name, "method": method, "args": values.encode(args[method])}


def contents_step(rng: random.Random, names: Names) -> dict:
    return {"op": "contents", "obj": rng.choice(list(names.exporters))}


def object_step(rng: random.Random, names: Names) -> dict:
    """Pickling and copying a view."""
    name, g = pick_view(rng, names)
    if rng.random() < 0.5:
        s = {"op": "pickle", "obj": name}
        if rng.random() < 0.5:
            s["protocol"] = rng.randint(0, 5)
        return s
    return {"op": "copy", "obj": name, "deep": rng.random() < 0.5}


def iterate_step(rng: random.Random, names: Names) -> dict:
    if names.iterators and rng.random() < 0.7:
        return {"op": "next", "obj": rng.choice(names.iterators)}
    name, _ = pick_view(rng, names)
    if not names.iterable(name):
        return {"op": "len", "obj": name}
    it = names.fresh("it")
    names.iterators.append(it)
    return {"op": "iter", "obj": name, "as": it}


def contains_step(rng: random.Random, names: Names) -> dict:
    name, g = pick_view(rng, names)
    if not names.iterable(name):
        return {"op": "len", "obj": name}
    return {"op": "contains", "obj": name, "value": python_value(rng, names, item_value(rng, g.fmt))}


def drop_step(rng: random.Random, names: Names) -> dict:
    name = rng.choice(names.refs())
    names.views.pop(name, None)
    if len(names.exporters) > 1:        # keep one exporter to mutate
        names.exporters.pop(name, None)
    return {"op": "drop", "name": name}


# ----------------------------------------------------------- view methods ---

def no_args(rng: random.Random, names: Names, s: dict, g: Guess) -> dict:
    if rng.random() < 0.03:
        s["args"] = [1]
    return s


def tobytes_args(rng: random.Random, names: Names, s: dict, g: Guess) -> dict:
    order = rng.choice(("C", None, "F", "A", "X", 1))
    form = rng.choices(("none", "args", "kwargs"), weights=(2, 3, 1))[0]
    if form == "args":
        s["args"] = [order]
    elif form == "kwargs":
        s["kwargs"] = {rng.choice(("order", "order", "x")): order}
    return s


def hex_args(rng: random.Random, names: Names, s: dict, g: Guess) -> dict:
    args: list[Any] = []
    if rng.random() < 0.7:
        args.append(rng.choice(HEX_SEPARATORS))
        if rng.random() < 0.6:
            args.append(rng.choice((1, 2, -1, -2, 3, 0, 5, 2**31, 1.0)))
    encoded = [python_value(rng, names, a) for a in args]
    if args and rng.random() < 0.3:
        s["kwargs"] = dict(zip(("sep", "bytes_per_sep"), encoded))
    elif args:
        s["args"] = encoded
    return s


def cast_args(rng: random.Random, names: Names, s: dict, g: Guess) -> dict:
    fmt = rng.choice(("B",) + CAST_FORMATS) if rng.random() < 0.95 else 1
    args: list[Any] = [fmt]
    shape = None
    if rng.random() < 0.4:
        shape = cast_shape(rng, g, fmt)
        args.append(shape)
    if rng.random() < 0.15:
        s["kwargs"] = dict(zip(("format", "shape"), values.encode(args)))
    else:
        s["args"] = values.encode(args)
    if rng.random() < 0.7 and isinstance(fmt, str):
        fits = isinstance(shape, list) and all(type(n) is int and 0 <= n < 2**31 for n in shape)
        return bind_view(s, names, Guess(fmt, shape if fits else [0]), "c")
    return s


def cast_shape(rng: random.Random, g: Guess, fmt: Any) -> Any:
    """A shape whose product is often the number of items the cast makes."""
    size = {"B": 1, "b": 1, "c": 1, "?": 1, "h": 2, "H": 2, "e": 2, "i": 4, "I": 4, "f": 4}.get(
        str(fmt).lstrip("@"), 8)
    nbytes = math.prod(g.shape) * {"B": 1, "b": 1, "c": 1, "?": 1, "h": 2, "H": 2, "e": 2,
                                   "i": 4, "I": 4, "f": 4}.get(g.fmt.lstrip("@"), 8)
    n = nbytes // size if size else 0
    r = rng.random()
    if r < 0.1:
        return rng.choice(([0], [-1], ["a"], 5, [], [2**63]))
    if r < 0.35 or n < 2:
        return [n] if rng.random() < 0.5 else []
    divisors = [d for d in range(1, n + 1) if n % d == 0]
    d = rng.choice(divisors)
    rest = n // d
    if rng.random() < 0.5 or rest == 1:
        return [d, rest]
    e = rng.choice([x for x in range(1, rest + 1) if rest % x == 0])
    return [d, e, rest // e]


def count_args(rng: random.Random, names: Names, s: dict, g: Guess) -> dict:
    s["args"] = [python_value(rng, names, item_value(rng, g.fmt))]
    return s


def index_args(rng: random.Random, names: Names, s: dict, g: Guess) -> dict:
    args = [python_value(rng, names, item_value(rng, g.fmt))]
    for _ in range(rng.choices((0, 1, 2), weights=(3, 1, 1))[0]):
        args.append(python_value(rng, names, rng.choice((0, 1, -1, None, g.length, 2**63))))
    s["args"] = args
    return s


def exit_args(rng: random.Random, names: Names, s: dict, g: Guess) -> dict:
    s["args"] = [None, None, None] if rng.random() < 0.9 else []
    return s


def enter_args(rng: random.Random, names: Names, s: dict, g: Guess) -> dict:
    return bind_view(s, names, g, "e") if rng.random() < 0.5 else s


def toreadonly_args(rng: random.Random, names: Names, s: dict, g: Guess) -> dict:
    return bind_view(s, names, g, "r") if rng.random() < 0.6 else s


def buffer_args(rng: random.Random, names: Names, s: dict, g: Guess) -> dict:
    s["args"] = values.encode([rng.choice(BUFFER_FLAGS)])
    return bind_view(s, names, g, "b") if rng.random() < 0.6 else s


def release_buffer_args(rng: random.Random, names: Names, s: dict, g: Guess) -> dict:
    s["args"] = [{"ref": rng.choice(names.refs())} if rng.random() < 0.8 else 5]
    return s


VIEW_METHOD_WEIGHTS = (("tolist", 6), ("tobytes", 5), ("hex", 4), ("cast", 6), ("release", 3),
                       ("toreadonly", 2), ("__enter__", 2), ("__exit__", 2), ("count", 1),
                       ("index", 1), ("__buffer__", 1), ("__release_buffer__", 1))
VIEW_METHODS = tuple(m for m, _ in VIEW_METHOD_WEIGHTS)
METHOD_ARGS: dict[str, Callable[[random.Random, Names, dict, Guess], dict]] = {
    "tolist": no_args, "tobytes": tobytes_args, "hex": hex_args, "cast": cast_args,
    "release": no_args, "toreadonly": toreadonly_args, "__enter__": enter_args,
    "__exit__": exit_args, "count": count_args, "index": index_args,
    "__buffer__": buffer_args, "__release_buffer__": release_buffer_args,
}


# ------------------------------------------------------------------- keys ---

def view_key(rng: random.Random, g: Guess) -> Any:
    """A key for a view of this shape: mostly one it takes, some it refuses."""
    kind = rng.choices(("int", "slice", "tuple", "tuple-slices", "ellipsis", "empty", "other"),
                       weights=(10, 7, 5 if len(g.shape) > 1 else 2, 1, 1, 1, 2))[0]
    if kind == "int":
        return index(rng, g.length)
    if kind == "slice":
        return a_slice(rng, g.length)
    if kind == "tuple":
        n = len(g.shape) if rng.random() < 0.8 else rng.randint(0, len(g.shape) + 1)
        return tuple(index(rng, g.shape[i] if i < len(g.shape) else 1) for i in range(n))
    if kind == "tuple-slices":
        return tuple(a_slice(rng, g.length) for _ in range(rng.randint(1, 2)))
    if kind == "ellipsis":
        return Ellipsis
    if kind == "empty":
        return ()
    return rng.choice((1.0, "a", None, [0], b"", (0, slice(None, None, None)), True, 2**64,
                       -2**63, (Ellipsis,)))


def index(rng: random.Random, n: int) -> int:
    """An index into a dimension of length n: inside, at the ends, beyond."""
    r = rng.random()
    if r < 0.75 and n > 0:
        return rng.randint(-n, n - 1)
    return rng.choice((n, -n - 1, 0, -1, True, False) + BIG)


def slice_length(key: slice, n: int) -> int:
    """How many items key selects of n, or n when it selects none validly."""
    try:
        return len(range(*key.indices(max(n, 0))))
    except (ValueError, TypeError):
        return n


def a_slice(rng: random.Random, n: int) -> slice:
    parts = [None, None, None]
    for i in range(3):
        if rng.random() < 0.55:
            parts[i] = rng.randint(-n - 2, n + 2) if i < 2 else rng.choice((1, -1, 2, -2, 3))
    if rng.random() < 0.05:
        parts[2] = 0
    if rng.random() < 0.04:
        parts[rng.randint(0, 2)] = rng.choice((2**70, -2**70, True, 1.0, "a"))
    return slice(*parts)


# ----------------------------------------------------------------- values ---

def item_value(rng: random.Random, fmt: str) -> Any:
    """A value to store in an item of `fmt`: mostly one it packs, else a
    boundary just outside it or a value of another type."""
    code = fmt.lstrip("@")
    native = len(code) == 1 and code in NATIVE_CODES
    r = rng.random()
    if r < 0.7 and native:
        return random_item(rng, code)
    if r < 0.7 and code in ("w", "u"):
        return rng.choice(("a", "\u20ac", "ab"))
    if native and code in "fde":
        return rng.choice(FLOAT_PROBES + [1, 2**1024, True])
    if r < 0.85 and len(code) == 1:
        return rng.choice(int_limits(code) if native else [0, 1, -1])
    if len(code) > 1:
        return rng.choice(((1, 2), (1,), 3, b"abc"))
    return rng.choice(OTHER_TYPES + [b"ab", 1.5])


def slice_source(rng: random.Random, names: Names, g: Guess, key: slice) -> Any:
    """What a slice is assigned from: bytes of about its length, or a name."""
    r = rng.random()
    if r < 0.5:
        n = slice_length(key, g.length)
        n += rng.choice((0, 0, 0, 1, -1)) if n else 0
        return values.encode(bytes(max(n, 0)))
    if r < 0.9:
        return {"ref": rng.choice(names.refs())}
    return values.encode(rng.choice((b"", 5, "ab", [1, 2])))




# --------------------------------------------------------- Python objects ---
# Chapter 17: the objects a view calls -- a key's __index__, an item's
# __float__ or __bool__, an operand's __eq__, a separator's __len__ --
# described as data (protocol.md section 5.1), whose methods may release the
# view or resize its exporter; and the other Python values a case carries.

OBJECT_METHODS = ("__index__", "__float__", "__bool__", "__len__", "__eq__", "__int__",
                  "__complex__")
METHOD_RETURNS: dict[str, tuple[Any, ...]] = {
    "__index__": (3, 0, 1, -1, 2**70, True, "3", 1.5, 2**63),
    "__float__": (2.5, 0.5, 1e300, 3, float("nan")),
    "__bool__": (True, False, 1),
    "__len__": (1, 0, 3, -1, "3", 2**70),
    "__eq__": (False, True, None, 5),
    "__int__": (3, 2),
    "__complex__": (1.5,),
}
OBJECT_MESSAGE = "raised by a described method"   # the object's words, not memoryview's
RAISED = ("TypeError", "ValueError", "OverflowError", "ZeroDivisionError", "IndexError")
# Values of the types the case format has beyond JSON's (protocol.md section 3).
PYTHON_VALUES: tuple[Any, ...] = (
    {"complex": [{"float": "1.0"}, {"float": "2.0"}]}, {"complex": [0, 0]},
    {"decimal": "2.5"}, {"decimal": "NaN"}, {"decimal": "-0"}, {"fraction": "5/2"},
    {"fraction": "3"}, {"dict": [[0, 1]]}, {"dict": []}, {"set": [1]}, {"frozenset": []},
    {"new": "object"}, {"new": "function"},
)


def described_object(rng: random.Random, names: Names, name: str) -> dict:
    """An object of a new class whose methods return or raise what is drawn;
    some first release the view m or resize the exporter x."""
    methods = {}
    for method in rng.sample(OBJECT_METHODS, rng.choice((1, 1, 2, 3))):
        if rng.random() < 0.2:
            what: dict[str, Any] = {"raises": {"type": rng.choice(RAISED),
                                               "message": OBJECT_MESSAGE}}
        else:
            v = rng.choice(METHOD_RETURNS[method])
            what = {"returns": {"complex": [values.encode(v), 0]} if method == "__complex__" else values.encode(v)}
        if rng.random() < 0.2:
            what["steps"] = [side_effect(rng, names)]
        methods[method] = what
    names.objects.append(name)
    return {"name": name, "kind": "object", "class": rng.choice(("Idx", "K", "Obj")),
            "methods": methods}


def side_effect(rng: random.Random, names: Names) -> dict:
    """What a method does before it answers: release m (which every
    program binds first), or resize a bytearray exporter."""
    resizable = [n for n, d in names.exporters.items() if d["kind"] == "bytearray"]
    if resizable and rng.random() < 0.4:
        method = rng.choice(("append", "clear"))
        return {"op": "call", "obj": rng.choice(resizable), "method": method,
                **({"args": [0]} if method == "append" else {})}
    names.released.add("m")         # any time from now: never iterate m
    return {"op": "call", "obj": "m", "method": "release"}


def python_value(rng: random.Random, names: Names, plain: Any, p: float = 0.12) -> Any:
    """`plain`, encoded; sometimes instead an object of setup, or a value of
    a Python type beyond JSON's."""
    if rng.random() < p:
        if names.objects and rng.random() < 0.7:
            return {"ref": rng.choice(names.objects)}
        return rng.choice(PYTHON_VALUES)
    return values.encode(plain)


def python_key(rng: random.Random, names: Names, key: Any) -> Any:
    """`key`, encoded; sometimes an object of setup in its place, in a
    slice or in a tuple (CONVERT-001..004)."""
    if not names.objects or rng.random() > 0.15:
        return values.encode(key)
    ref = {"ref": rng.choice(names.objects)}
    form = rng.choice(("key", "slice", "tuple"))
    if form == "slice":
        parts = values.encode([key.start, key.stop, key.step]) if isinstance(key, slice) \
            else [None, None, None]
        parts[rng.randrange(3)] = ref
        return {"slice": parts}
    if form == "tuple":
        return {"tuple": [ref] + ([values.encode(0)] if rng.random() < 0.5 else [])}
    return ref


def calls_step(rng: random.Random, names: Names) -> dict:
    """How many times a method of an object has run (or, with no object, a
    view's length)."""
    if not names.objects:
        return {"op": "len", "obj": pick_view(rng, names)[0]}
    return {"op": "calls", "obj": rng.choice(names.objects), "method": rng.choice(OBJECT_METHODS)}


STEPS: tuple[tuple[Callable[[random.Random, Names], dict], int], ...] = (
    (getitem_step, 12), (setitem_step, 8), (getattr_step, 4), (method_step, 12),
    (cast_step, 5), (sequence_step, 4), (hash_step, 2), (compare_step, 4), (mutate_step, 5),
    (view_step, 3), (contents_step, 2), (is_step, 1), (object_step, 1), (iterate_step, 2),
    (contains_step, 1), (drop_step, 1), (delitem_step, 1), (calls_step, 1),
)
