"""Expand the case templates of spec/templates/ into cases (without answers).

A template file holds data only (TOML, read with tomllib):

    area = "indexing"

    [exporters.bytes5]                 # named exporter declarations
    kind = "bytes"
    data = { ascii = "hello" }

    [[case]]                           # one explicit case
    name = "hello-index"
    rules = ["INDEX-001"]
    setup = [ { name = "x", use = "bytes5" } ]
    steps = [ { op = "memoryview", args = [ { ref = "x" } ], as = "m" },
              { op = "getitem", obj = "m", key = 0 } ]

    [[template]]                       # a family of cases
    name = "getitem-int"
    rules = ["INDEX-001"]
    params.x = ["bytes5", "bytearray5"]          # exporter names or values
    params.key = "@index_boundaries(x)"          # a named domain (domains/)
    setup = [ { name = "x", use = "$x" } ]
    steps = [ ..., { op = "getitem", obj = "m", key = "$key" } ]

Every parameter combination becomes one case whose id is
``<area>/<name>/<param>=<label>,...``: derived from the template and the
parameters, never from a counter, so ids survive regeneration.

Templates write values with a little sugar that TOML needs (it has no null and
no bytes); `sugar` turns them into protocol values.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from . import domains, values

SPEC_DIR = Path(__file__).resolve().parent.parent / "spec"
TEMPLATE_DIR = SPEC_DIR / "templates"


class TemplateError(ValueError):
    """A template file is malformed; the message names the file and entry."""


# ------------------------------------------------------------------ sugar ---

def sugar(v: Any) -> Any:
    """Turn a template value into a protocol value (spec/protocol.md s. 3).

    Sugar understood here, beyond plain protocol values:
      {none = true}          None (TOML has no null)
      {ascii = "Hi"}         bytes from ASCII text; {hex = "4869"} from hex
      {slice = "1:-1:2"}     a slice, empty parts being None
      {range = [0, 12]}      a list of ints, as range(0, 12[, step])
      {int = "2**64"}        an int too big for TOML, also as a power of two
      1.5                    a TOML float becomes a float value
      {float = "nan", bits = "7ff0000000000001"}   a NaN of these 64 bits
    """
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return values.encode(v)
    if isinstance(v, list):
        return [sugar(x) for x in v]
    if not isinstance(v, dict):
        raise TemplateError(f"cannot read template value {v!r}")
    if "none" in v:
        return None
    if "ascii" in v:
        return values.encode(v["ascii"].encode("ascii"))
    if "hex" in v:
        return values.encode(bytes.fromhex(v["hex"]))
    if "slice" in v and isinstance(v["slice"], str):
        return values.encode(parse_slice(v["slice"]))
    if "range" in v:
        return values.encode(list(range(*v["range"])))
    if "int" in v:
        return values.encode(parse_int(v["int"]))
    if "float" in v and "bits" in v:     # a NaN with its payload, as is
        return dict(v)
    if "float" in v:
        return values.encode(float(v["float"]))
    if "tuple" in v:
        return {"tuple": [sugar(x) for x in v["tuple"]]}
    if "slice" in v:
        return {"slice": [sugar(x) for x in v["slice"]]}
    if "ellipsis" in v or "ref" in v or "bytes" in v:
        return dict(v)
    # Anything else is a structured operand (an exporter declaration, kwargs):
    # sugar each field.
    return {k: sugar(x) for k, x in v.items()}


def parse_slice(text: str) -> slice:
    parts = text.split(":")
    if not 2 <= len(parts) <= 3:
        raise TemplateError(f"bad slice {text!r}: want start:stop[:step]")
    nums = [parse_int(p) if p.strip() else None for p in parts]
    return slice(*nums)


_POWER = re.compile(r"^\s*(-?)\s*2\s*\*\*\s*(\d+)\s*([+-]\s*\d+)?\s*$")


def parse_int(text: str | int) -> int:
    """An int written as digits or as ``[-]2**k[+-c]`` (never evaluated)."""
    if isinstance(text, int):
        return text
    m = _POWER.match(text)
    if m:
        n = 1 << int(m.group(2))
        n = -n if m.group(1) else n          # -2**63-1 is (-2**63) - 1
        if m.group(3):
            n += int(m.group(3).replace(" ", ""))
        return n
    try:
        return int(text)
    except ValueError:
        raise TemplateError(f"bad int {text!r}") from None


# -------------------------------------------------------------- templates ---

@dataclass
class TemplateFile:
    path: Path
    area: str
    exporters: dict[str, dict]
    entries: list[dict]


def load_template_file(path: Path) -> TemplateFile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise TemplateError(f"{path}: {e}") from None
    area = data.get("area")
    if not isinstance(area, str) or not re.fullmatch(r"[a-z0-9-]+", area):
        raise TemplateError(f"{path}: needs `area = \"name\"` (lowercase, digits, -)")
    exporters = {k: sugar(v) for k, v in data.get("exporters", {}).items()}
    entries = [dict(e, _kind="case") for e in data.get("case", [])]
    entries += [dict(e, _kind="template") for e in data.get("template", [])]
    return TemplateFile(path, area, exporters, entries)


def label(v: Any) -> str:
    """A short, stable text for a parameter value, used in case ids."""
    if isinstance(v, Exporter):
        return v.name
    if isinstance(v, dict) and "op" in v:            # a whole step
        what = v.get("method") or v.get("name") or ""
        args = [values.source(a) for a in v.get("args", [])]
        if "key" in v:
            args.insert(0, "key=" + values.source(v["key"]))
        if "value" in v:
            args.append("value=" + values.source(v["value"]))
        return f"{v['op']}:{what}({','.join(args)})".replace(" ", "")
    if isinstance(v, dict) and "kind" in v:          # an inline exporter
        detail = v.get("typecode") or v.get("format") or v.get("dtype") or ""
        return f"{v['kind']}-{detail}" if detail else v["kind"]
    try:
        return values.source(v).replace(" ", "")
    except values.ValueFormatError:
        return json.dumps(v, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Exporter:
    """A parameter value that carries its own label: a named exporter
    declaration, or any value written as {label = "...", is = ...}."""
    name: str
    decl: Any


def expand_params(tf: TemplateFile, entry: dict) -> Iterator[dict[str, Any]]:
    """Every combination of the entry's parameters, in declaration order."""
    params = entry.get("params", {})
    names = list(params)

    def rec(i: int, bound: dict[str, Any]) -> Iterator[dict[str, Any]]:
        if i == len(names):
            yield dict(bound)
            return
        name = names[i]
        for v in param_domain(tf, entry, params[name], bound):
            bound[name] = v
            yield from rec(i + 1, bound)
        bound.pop(name, None)

    yield from rec(0, {})


def param_domain(tf: TemplateFile, entry: dict, spec: Any,
                 bound: dict[str, Any]) -> list[Any]:
    where = f"{tf.path}: {entry.get('name')!r}"
    if isinstance(spec, str) and spec.startswith("@"):
        m = re.fullmatch(r"@([a-z_0-9]+)\(([^)]*)\)", spec)
        if not m:
            raise TemplateError(f"{where}: bad domain {spec!r}, want @name(args)")
        fn = domains.DOMAINS.get(m.group(1))
        if fn is None:
            raise TemplateError(f"{where}: unknown domain {m.group(1)!r}")
        args = []
        for a in filter(None, (s.strip() for s in m.group(2).split(","))):
            if a in bound:
                v = bound[a]
                args.append(v.decl if isinstance(v, Exporter) else v)
            else:
                args.append(parse_int(a))
        return [domain_value(v) for v in fn(*args)]
    if not isinstance(spec, list):
        raise TemplateError(f"{where}: a parameter is a list or an @domain")
    return [param_value(tf, v) for v in spec]


def domain_value(v: Any) -> Any:
    """Encode what a domain returns: plain values, or Labelled ones (an
    exporter declaration, a whole step) that carry their own id label."""
    if isinstance(v, domains.Labelled):
        return Exporter(v.label, _encode_structure(v.value))
    return values.encode(v)


def _encode_structure(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _encode_structure(x) for k, x in v.items()}
    return values.encode(v)


def param_value(tf: TemplateFile, v: Any) -> Any:
    """One listed parameter value: an exporter's name, {label, is}, or a value."""
    if isinstance(v, str) and v in tf.exporters:
        return Exporter(v, tf.exporters[v])
    if isinstance(v, dict) and set(v) == {"label", "is"}:
        return Exporter(str(v["label"]), sugar(v["is"]))
    return sugar(v)


def substitute(v: Any, bound: dict[str, Any], tf: TemplateFile) -> Any:
    """Replace "$param" strings, and `use` exporter references, recursively."""
    if isinstance(v, str) and v.startswith("$"):
        key = v[1:]
        if key not in bound:
            raise TemplateError(f"{tf.path}: no parameter {key!r}")
        b = bound[key]
        return b.decl if isinstance(b, Exporter) else b
    if isinstance(v, list):
        return [substitute(x, bound, tf) for x in v]
    if isinstance(v, dict):
        out = {k: substitute(x, bound, tf) for k, x in v.items()}
        if "use" in out:
            use = out.pop("use")
            decl = use if isinstance(use, dict) else tf.exporters.get(use)
            if decl is None:
                raise TemplateError(f"{tf.path}: no exporter {use!r}")
            out = {"name": out["name"], **decl, **{k: x for k, x in out.items()
                                                    if k != "name"}}
        return out
    return v


def cases_of(tf: TemplateFile, entry: dict) -> Iterator[dict]:
    name = entry.get("name")
    rules = entry.get("rules")
    if not isinstance(name, str) or not name:
        raise TemplateError(f"{tf.path}: an entry has no name")
    if not isinstance(rules, list) or not rules:
        raise TemplateError(f"{tf.path}: {name!r} cites no rules")
    setup = [sugar(s) for s in entry.get("setup", [])]
    steps = [sugar(s) for s in entry.get("steps", [])]
    if not steps:
        raise TemplateError(f"{tf.path}: {name!r} has no steps")
    base = f"{tf.area}/{name}"
    for bound in (expand_params(tf, entry) if entry["_kind"] == "template" else [{}]):
        case_id = base
        if bound:
            case_id += "/" + ",".join(f"{k}={label(v)}" for k, v in bound.items())
        case = {"id": case_id, "rules": list(rules),
                "setup": substitute(setup, bound, tf),
                "steps": substitute(steps, bound, tf)}
        if "requires" in entry:
            case["requires"] = dict(entry["requires"])
        yield case


def generate_file(tf: TemplateFile) -> list[dict]:
    cases: list[dict] = []
    seen: set[str] = set()
    for entry in tf.entries:
        for case in cases_of(tf, entry):
            if case["id"] in seen:
                raise TemplateError(f"{tf.path}: duplicate case id {case['id']!r}")
            seen.add(case["id"])
            cases.append(case)
    return cases


def template_files(directory: Path = TEMPLATE_DIR) -> list[Path]:
    return sorted(directory.glob("*.toml"))


PROFILES = ("default", "full")


def generate_all(directory: Path = TEMPLATE_DIR, profile: str = "default") -> dict[str, list[dict]]:
    """All cases of a profile, by area, in a stable order.

    The default profile is the checked-in suite. The full profile (nightly
    runs) adds the templates marked `profiles = ["full"]` and lets domains
    grow (domains.scale()): it is seeded, so just as reproducible.
    """
    if profile not in PROFILES:
        raise TemplateError(f"unknown profile {profile!r}: {', '.join(PROFILES)}")
    by_area: dict[str, list[dict]] = {}
    with domains.profile(profile):
        for path in template_files(directory):
            tf = load_template_file(path)
            if tf.area in by_area:
                raise TemplateError(f"{path}: area {tf.area!r} is declared twice")
            tf.entries = [e for e in tf.entries
                          if profile in e.get("profiles", ["default", "full"])]
            by_area[tf.area] = generate_file(tf)
    return by_area
