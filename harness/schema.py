"""The protocol's one schema (spec/protocol.schema.json), compiled to checkers.

Every line the harness reads -- a case, oracles.json, an adapter's hello and
result lines -- is checked against a definition of that schema before any
other code looks at it, so the rest of the harness meets only well-formed
data. The schema is standard JSON Schema (draft 2020-12); tests check the file
with Debian's python3-jsonschema and that it and this module agree. The suite
is 26,000 cases and 25 MB: python3-jsonschema takes about a millisecond a case
(half a minute a load), so the harness compiles the subset of JSON Schema the
file uses into plain Python closures instead, which check the whole suite in
about a second. A keyword outside that subset is an error when the schema is
compiled, never silently ignored.

The subset: $ref (to #/$defs/...), type, enum, const, properties, required,
additionalProperties, propertyNames, items, minItems, maxItems, pattern,
minLength, maxLength, anyOf; annotations are ignored. Two differences from
the standard, both stricter: "integer" does not accept 1.0, and a pattern's
final `$` matches only at the very end (as in ECMA-262, not before a final
newline as in Python's re). An anyOf whose branches exclude each other -- by
JSON type, by the value of a field every object branch requires (`op`,
`kind`), or by a key only one closed branch allows (`int`, `float`, ...) --
is checked by looking at that and checking one branch, which is what makes
it fast and its errors precise ("op: 'frobnicate' is not one of ...").

Nesting is bounded: a check that follows more than MAX_DEPTH $refs into one
instance fails ("nested deeper than ..."), so a hostile value cannot exhaust
the stack.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "spec" / "protocol.schema.json"
MAX_DEPTH = 128

Check = Callable[[Any, int], None]

ANNOTATIONS = {"$schema", "$id", "$comment", "title", "description", "examples", "$defs"}
OBJECT_KEYS = {"properties", "required", "additionalProperties", "propertyNames"}
ARRAY_KEYS = {"items", "minItems", "maxItems"}
STRING_KEYS = {"pattern", "minLength", "maxLength"}
KNOWN = ANNOTATIONS | OBJECT_KEYS | ARRAY_KEYS | STRING_KEYS | {"$ref", "type", "enum", "const", "anyOf"}

JSON_TYPES = {"null": (type(None),), "boolean": (bool,), "integer": (int,), "string": (str,),
              "array": (list,), "object": (dict,)}
TYPE_NAMES = {type(None): "null", bool: "a boolean", int: "an integer", float: "a number",
              str: "a string", list: "an array", dict: "an object"}


class SchemaFileError(RuntimeError):
    """The schema file itself uses what this compiler does not know."""


class SchemaError(ValueError):
    """An instance does not follow the schema; `path` says where in it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
        self.path: list = []            # innermost first, while the error travels up

    def where(self) -> str:
        parts = list(reversed(self.path))
        if len(parts) > 16:             # nested deep: the way in and the last steps
            parts = parts[:8] + [f"…{len(parts) - 12} levels…"] + parts[-4:]
        text = ""
        for part in parts:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
        return text

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


def kind(x: Any) -> str:
    return TYPE_NAMES.get(type(x), type(x).__name__)


def shown(x: Any, limit: int = 60) -> str:
    """A short, one-line, escaped rendering of part of an instance."""
    try:
        text = json.dumps(x, ensure_ascii=True)
    except (TypeError, ValueError, RecursionError):
        text = repr(x)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def listing(values: list, limit: int = 8) -> str:
    items = [shown(v, 30) for v in values[:limit]]
    return ", ".join(items) + (", …" if len(values) > limit else "")


def fail(message: str):
    raise SchemaError(message)


def accept(x: Any, d: int) -> None:
    return None


# ---------------------------------------------------------------- compiling ---

class Compiler:
    def __init__(self, root: dict):
        self.defs = root.get("$defs", {})
        self.cells: dict[str, list] = {}

    def ref(self, target: str) -> Check:
        if not target.startswith("#/$defs/") or target[8:] not in self.defs:
            raise SchemaFileError(f"$ref {target!r}: only #/$defs/NAME of this file is supported")
        name = target[8:]
        cell = self.cells.get(name)
        if cell is None:
            # A definition may refer to itself (a value holds values): the
            # cell is in place before its body is compiled, filled after.
            cell = self.cells[name] = [None]
            cell[0] = self.node(self.defs[name])
        if not self.recursive(name):
            return cell[0] if cell[0] is not None else (lambda x, d: cell[0](x, d))

        def follow(x: Any, d: int) -> None:
            if d >= MAX_DEPTH:
                fail(f"nested deeper than {MAX_DEPTH} levels")
            cell[0](x, d + 1)
        return follow

    def recursive(self, name: str) -> bool:
        """Whether a definition can reach itself (only those count depth)."""
        def refs(node: Any) -> set[str]:
            if isinstance(node, dict):
                found = {node["$ref"][8:]} if isinstance(node.get("$ref"), str) else set()
                return found.union(*(refs(v) for v in node.values()))
            if isinstance(node, list):
                return set().union(*(refs(v) for v in node))
            return set()
        seen, todo = set(), [name]
        while todo:
            for r in refs(self.defs[todo.pop()]):
                if r == name:
                    return True
                if r not in seen:
                    seen.add(r)
                    todo.append(r)
        return False

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and set(node) - ANNOTATIONS == {"$ref"}:
            node = self.defs[node["$ref"][8:]]
        return node

    def node(self, node: Any) -> Check:
        if node is True or node == {}:
            return lambda x, d: None
        if not isinstance(node, dict):
            raise SchemaFileError(f"not a schema: {node!r}")
        unknown = set(node) - KNOWN
        if unknown:
            raise SchemaFileError(f"unsupported keywords {sorted(unknown)} in {shown(node)}")
        parts: list[Check] = []
        if "$ref" in node:
            parts.append(self.ref(node["$ref"]))
        types = node.get("type")
        if isinstance(types, str):
            types = [types]
        if types is not None and any(t not in JSON_TYPES for t in types):
            raise SchemaFileError(f"unsupported type in {types}")
        description = node.get("description")
        if types == ["object"] or OBJECT_KEYS & set(node):
            parts.append(self.object(node, types == ["object"]))
        elif types == ["array"] or ARRAY_KEYS & set(node):
            parts.append(self.array(node, types == ["array"]))
        elif types == ["string"] or STRING_KEYS & set(node):
            parts.append(self.string(node, types == ["string"], description))
        elif types is not None:
            parts.append(self.types(types, description))
        if "enum" in node or "const" in node:
            parts.append(self.enum(node["enum"] if "enum" in node else [node["const"]]))
        if "anyOf" in node:
            parts.append(self.any_of(node["anyOf"], description))
        if len(parts) == 1:
            return parts[0]

        def all_of(x: Any, d: int) -> None:
            for p in parts:
                p(x, d)
        return all_of

    @staticmethod
    def types(types: list[str], description: str | None) -> Check:
        accepted = tuple(t for name in types for t in JSON_TYPES[name])
        exact = set(accepted)
        want = description or " or ".join(types)

        def check(x: Any, d: int) -> None:
            if type(x) not in exact:
                fail(f"expected {want}, got {kind(x)} {shown(x)}")
        return check

    def object(self, node: dict, typed: bool) -> Check:
        required = list(node.get("required", []))
        props = {k: self.node(v) for k, v in node.get("properties", {}).items()}
        extra = node.get("additionalProperties", True)
        extra_check = None if extra is True else (False if extra is False else self.node(extra))
        names = self.node(node["propertyNames"]) if "propertyNames" in node else None

        def check(x: Any, d: int) -> None:
            if type(x) is not dict:
                if typed:
                    fail(f"expected an object, got {kind(x)} {shown(x)}")
                return
            for k in required:
                if k not in x:
                    fail(f"{k!r} is missing")
            for k, v in x.items():
                f = props.get(k)
                if f is None:
                    if extra_check is False:
                        fail(f"unexpected field {k!r}" + (f" (fields: {', '.join(props)})" if props else ""))
                    if names is not None:
                        try:
                            names(k, d)
                        except SchemaError as e:
                            raise SchemaError(f"field name {shown(k)}: {e.message}") from None
                    if extra_check is None:
                        continue
                    f = extra_check
                try:
                    f(v, d)
                except SchemaError as e:
                    e.path.append(k)
                    raise
        return check

    def array(self, node: dict, typed: bool) -> Check:
        items = self.node(node["items"]) if "items" in node else None
        lo, hi = node.get("minItems", 0), node.get("maxItems")

        def check(x: Any, d: int) -> None:
            if type(x) is not list:
                if typed:
                    fail(f"expected an array, got {kind(x)} {shown(x)}")
                return
            if len(x) < lo:
                fail(f"has {len(x)} items, fewer than {lo}")
            if hi is not None and len(x) > hi:
                fail(f"has {len(x)} items, more than {hi}")
            if items is not None:
                for i, v in enumerate(x):
                    try:
                        items(v, d)
                    except SchemaError as e:
                        e.path.append(i)
                        raise
        return check

    @staticmethod
    def string(node: dict, typed: bool, description: str | None) -> Check:
        pattern = node.get("pattern")
        if pattern is not None:
            # ECMA-262's `$` is the end of the text; Python's also matches
            # before a final newline, which would let "m\n" pass as a name.
            regex = re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") and not
                               pattern.endswith("\\$") else pattern)
        lo, hi = node.get("minLength", 0), node.get("maxLength")
        what = description or (f"a string matching {pattern}" if pattern else "a string")
        known: set[str] = set()        # short strings found good: names recur

        def check(x: Any, d: int) -> None:
            if type(x) is not str:
                if typed:
                    fail(f"expected {what}, got {kind(x)} {shown(x)}")
                return
            if x in known:
                return
            if len(x) < lo or (hi is not None and len(x) > hi):
                fail(f"{shown(x)} is not {what}: its length must be "
                     + (f"{lo} to {hi}" if hi is not None else f"at least {lo}"))
            if pattern is not None and regex.search(x) is None:
                fail(f"{shown(x)} is not {what}")
            if len(x) < 64 and len(known) < 4096:
                known.add(x)
        return check

    @staticmethod
    def enum(values: list) -> Check:
        # JSON equality: true is not 1, 1 is not 1.0 for our purposes.
        allowed = {(type(v), json.dumps(v, sort_keys=True)) for v in values}
        simple = all(isinstance(v, (str, int, bool, type(None))) for v in values)
        keyed = {(type(v), v) for v in values} if simple else None

        def check(x: Any, d: int) -> None:
            if keyed is not None:
                try:
                    if (type(x), x) in keyed:
                        return
                except TypeError:           # unhashable: a list or object
                    pass
            elif (type(x), json.dumps(x, sort_keys=True)) in allowed:
                return
            if len(values) == 1:
                fail(f"must be {shown(values[0])}, not {shown(x)}")
            fail(f"{shown(x)} is not one of {listing(values)}")
        return check

    def any_of(self, branches: list, description: str | None) -> Check:
        checks = [self.node(b) for b in branches]
        shapes = [self.resolve(b) for b in branches]
        by_type: dict[type, int] = {}
        objects: list[int] = []
        for i, s in enumerate(shapes):
            types = s.get("type") if isinstance(s, dict) else None
            types = [types] if isinstance(types, str) else types
            if not types:
                return self.try_each(checks, description)
            for name in types:
                if name == "object":
                    objects.append(i)
                    continue
                for t in JSON_TYPES[name]:
                    if t in by_type:
                        return self.try_each(checks, description)
                    by_type[t] = i
        pick = self.object_dispatch([shapes[i] for i in objects], [checks[i] for i in objects])
        if pick is None:
            return self.try_each(checks, description)
        # A branch that says nothing but its type is satisfied by being chosen.
        by_check = {t: (accept if set(shapes[i]) - ANNOTATIONS == {"type"} else checks[i])
                     for t, i in by_type.items()}
        accepted = sorted({TYPE_NAMES[t] for t in by_type} | ({"an object"} if objects else set()))
        want = description or " or ".join(accepted)

        def check(x: Any, d: int) -> None:
            f = by_check.get(type(x))
            if f is not None:
                return f(x, d)
            if type(x) is dict and objects:
                return pick(x, d)
            fail(f"expected {want}, got {kind(x)} {shown(x)}")
        return check

    @staticmethod
    def object_dispatch(shapes: list[dict], checks: list[Check]) -> Check | None:
        """One branch to check, chosen by looking, when the object branches
        exclude each other; None when they may overlap."""
        if not shapes:
            return lambda x, d: fail("expected no object")
        if len(shapes) == 1:
            return checks[0]
        # By the value of a field every branch requires, each with its own values.
        common = set.intersection(*(set(s.get("required", [])) for s in shapes))
        for field in sorted(common):
            table: dict = {}
            for s, c in zip(shapes, checks):
                p = s.get("properties", {}).get(field, {})
                values = p.get("enum", [p["const"]] if "const" in p else None)
                if values is None or not all(isinstance(v, str) for v in values):
                    break
                if any(v in table for v in values):
                    break
                table.update({v: c for v in values})
            else:
                names = list(table)

                def by_field(x: dict, d: int, field=field, table=table, names=names) -> None:
                    if field not in x:
                        fail(f"{field!r} is missing")
                    v = x[field]
                    f = table.get(v) if isinstance(v, str) else None
                    if f is None:
                        e = SchemaError(f"{shown(v)} is not one of {listing(names, 12)}")
                        e.path.append(field)
                        raise e
                    f(x, d)
                return by_field
        # By a key that only one branch allows (each branch closed).
        keys: list[str] = []
        for i, s in enumerate(shapes):
            if s.get("additionalProperties") is not False or not s.get("required"):
                return None
            own = s["required"][0]
            if any(own in o.get("properties", {}) for j, o in enumerate(shapes) if j != i):
                return None
            keys.append(own)
        table = dict(zip(keys, checks))

        def by_key(x: dict, d: int) -> None:
            for k in x:
                f = table.get(k)
                if f is not None:
                    return f(x, d)
            fail(f"{shown(x)} has none of the keys {listing(keys, 12)}")
        return by_key

    @staticmethod
    def try_each(checks: list[Check], description: str | None) -> Check:
        def check(x: Any, d: int) -> None:
            errors = []
            for c in checks:
                try:
                    c(x, d)
                    return
                except SchemaError as e:
                    errors.append(e)
            deepest = max(errors, key=lambda e: len(e.path))
            if description and not deepest.path:
                fail(f"{shown(x)} is not {description}")
            raise deepest
        return check


class Schema:
    """The compiled schema: `check(definition, instance)` raises SchemaError."""

    def __init__(self, path: Path = SCHEMA_FILE):
        try:
            self.document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise SchemaFileError(f"{path}: {e}") from None
        self.compiler = Compiler(self.document)
        self.checks = {name: self.compiler.ref(f"#/$defs/{name}") for name in self.compiler.defs}

    def check(self, definition: str, instance: Any) -> None:
        self.checks[definition](instance, 0)

    def checker(self, definition: str) -> Callable[[Any], None]:
        f = self.checks[definition]
        return lambda instance: f(instance, 0)

    def setup_kinds(self) -> tuple[str, ...]:
        """The kinds a setup entry may have (protocol.md section 5), in the
        schema's order: what an adapter's hello may name."""
        return tuple(entry["properties"]["kind"]["const"]
                     for entry in self.document["$defs"]["setup"]["anyOf"])


SCHEMA = Schema()
