"""spec/protocol.schema.json is standard JSON Schema, and the harness's
compiled checker (harness/schema.py) says what python3-jsonschema says.

The harness checks 26,000 cases on every load with its own compiler, which
is fast; Debian's python3-jsonschema, the reference, checks the schema file
itself and judges the same instances here: real cases, results and hellos,
and thousands of mutations of them.
"""

import copy
import json
import random

import jsonschema
import pytest

from harness import schema
from harness.schema import SCHEMA, SchemaError

DOCUMENT = json.loads(schema.SCHEMA_FILE.read_text())


def reference(definition):
    """python3-jsonschema's validator for one definition of the file."""
    root = dict(DOCUMENT, **{"$ref": f"#/$defs/{definition}"})
    return jsonschema.Draft202012Validator(root)


def ours_says(definition, instance):
    try:
        SCHEMA.check(definition, instance)
        return True
    except SchemaError:
        return False


def test_the_schema_file_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(DOCUMENT)


def test_every_definition_compiles():
    assert set(SCHEMA.checks) == set(DOCUMENT["$defs"])


def test_a_keyword_the_compiler_does_not_know_is_refused():
    with pytest.raises(schema.SchemaFileError, match="unsupported keywords"):
        schema.Compiler({"$defs": {"x": {"type": "integer", "multipleOf": 2}}}).ref("#/$defs/x")


def paths(node, path=()):
    """Every position in a JSON instance."""
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, path + (i,))


REPLACEMENTS = [None, True, 7, -3, 1.5, "x", "", "m", [], [1], {}, {"int": "12"}, {"int": "x"},
                {"tuple": [1]}, {"ref": "m"}, {"bytes": "0"}, {"float": "nan", "bits": "z"},
                {"op": "len", "obj": "m"}, "tolist", "getitem", "bytes", "X-001"]


def mutations(instance, rng, count):
    """`count` instances, each `instance` with one position changed, a field
    dropped or a field added."""
    spots = list(paths(instance))
    for _ in range(count):
        m = copy.deepcopy(instance)
        path = rng.choice(spots)
        parent = m
        for p in path[:-1]:
            parent = parent[p]
        how = rng.random()
        if not path:
            yield rng.choice(REPLACEMENTS)
            continue
        if how < 0.2 and isinstance(parent, dict):
            del parent[path[-1]]
        elif how < 0.3 and isinstance(parent, dict):
            parent[rng.choice(["zz", "as", "key", "value", "args", "name"])] = rng.choice(REPLACEMENTS)
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice(REPLACEMENTS))
        yield m


def sample_cases(suite, n=150):
    rng = random.Random(13)
    return [c for c in suite.cases if c["id"].startswith("seed/")] + rng.sample(suite.cases, n)


def test_the_compiled_schema_agrees_with_python3_jsonschema_on_cases(suite):
    check = reference("case")
    rng = random.Random(2026)
    judged = disagreements = 0
    for case in sample_cases(suite):
        assert check.is_valid(case) and ours_says("case", case), case["id"]
        for m in mutations(case, rng, 12):
            judged += 1
            if check.is_valid(m) != ours_says("case", m):
                disagreements += 1
                print(json.dumps(m)[:300])
    assert judged > 1500 and disagreements == 0


def test_the_compiled_schema_agrees_on_results_and_hellos(suite):
    rng = random.Random(7)
    hello = {"mvspec": 1, "implementation": "cpython", "version": "3.11.2", "language": "3.11",
             "platform": {"word_size": 64, "byteorder": "little"}, "exporters": ["bytes"]}
    results = [{"id": c["id"], "outcomes": c["expect"][0]["outcomes"]}
               for c in sample_cases(suite, 60) if not any("any" in o for o in c["expect"][0]["outcomes"])]
    results.append({"id": "x/y", "unsupported": "no numpy here"})
    for definition, instances in (("hello", [hello]), ("result", results)):
        check = reference(definition)
        for instance in instances:
            assert check.is_valid(instance) and ours_says(definition, instance)
            for m in mutations(instance, rng, 25):
                assert check.is_valid(m) == ours_says(definition, m), json.dumps(m)[:300]


@pytest.mark.parametrize("definition, instance", [
    ("name", "m\n"),                 # a pattern's $ is the end, as in ECMA-262
    ("operand", 2.0),                # "integer" is an int, never a float
    ("operand", json.loads("[" * 130 + "]" * 130)),     # nesting is bounded
])
def test_where_the_compiled_schema_is_stricter_than_the_standard(definition, instance):
    assert not ours_says(definition, instance)


def test_an_error_says_where_and_what():
    with pytest.raises(SchemaError) as e:
        SCHEMA.check("case", {"id": "a/b", "rules": ["X-001"], "setup": [],
                              "steps": [{"op": "getitem", "obj": "m", "key": {"tuple": [1, {"float": 5}]}}]})
    assert str(e.value) == "steps[0].key.tuple[1].float: expected a decimal float, inf or nan, got an integer 5"
