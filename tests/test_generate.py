"""Templates expand into cases deterministically, with stable ids."""

import textwrap

import pytest

from harness import generate


def write(tmp_path, text, name="t.toml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return p


TEMPLATE = """
    area = "demo"
    [exporters.b3]
    kind = "bytes"
    data = { ascii = "abc" }
    [[template]]
    name = "idx"
    rules = ["INDEX-001"]
    params.x = ["b3"]
    params.key = "@index_boundaries(x)"
    setup = [{ name = "x", use = "$x" }]
    steps = [{ op = "memoryview", args = [{ ref = "x" }], as = "m" },
             { op = "getitem", obj = "m", key = "$key" }]
"""


def test_a_template_expands_over_its_domain(tmp_path):
    write(tmp_path, TEMPLATE)
    cases = generate.generate_all(tmp_path)["demo"]
    assert [c["id"] for c in cases] == [f"demo/idx/x=b3,key={k}" for k in (-4, -3, -1, 0, 1, 2, 3)]
    assert cases[0]["setup"] == [{"name": "x", "kind": "bytes", "data": {"bytes": "616263"}}]
    assert cases[0]["steps"][1]["key"] == -4


def test_generation_is_deterministic():
    assert generate.generate_all() == generate.generate_all()


@pytest.mark.parametrize("sugar, value", [
    ({"none": True}, None),
    ({"ascii": "Hi"}, {"bytes": "4869"}),
    ({"slice": "1:-1:2"}, {"slice": [1, -1, 2]}),
    ({"slice": "::"}, {"slice": [None, None, None]}),
    ({"range": [0, 3]}, [0, 1, 2]),
    ({"int": "2**64"}, {"int": str(2**64)}),
    ({"int": "-2**63-1"}, {"int": str(-2**63 - 1)}),
    (1.5, {"float": "1.5"}),
    ({"float": "-0.0"}, {"float": "-0.0"}),
])
def test_template_sugar(sugar, value):
    assert generate.sugar(sugar) == value


@pytest.mark.parametrize("text, message", [
    ("rules = []", "needs `area"),
    ('area = "x"\n[[case]]\nrules=["A-001"]\nsteps=[{op="len", obj="m"}]', "has no name"),
    ('area = "x"\n[[case]]\nname="a"\nsteps=[{op="len", obj="m"}]', "cites no rules"),
    ('area = "x"\n[[case]]\nname="a"\nrules=["A-001"]', "has no steps"),
    ('area = "x"\n[[template]]\nname="a"\nrules=["A-001"]\nparams.k="@nope()"\nsteps=[{op="len", obj="m"}]',
     "unknown domain"),
    ('area = "x"\n[[case]]\nname="a"\nrules=["A-001"]\nsteps=[{op="len", obj="m"}]\n'
     '[[case]]\nname="a"\nrules=["A-001"]\nsteps=[{op="len", obj="m"}]', "duplicate case id"),
    ('area = "x"\nthis is not toml', "t.toml"),
    ('area = "x"\n[[case]]\nname="a"\nrules=["A-001"]\nsteps=[{op="len", obj="$k"}]', "no parameter"),
])
def test_malformed_templates_get_clear_errors(tmp_path, text, message):
    write(tmp_path, text)
    with pytest.raises(generate.TemplateError, match=message):
        generate.generate_all(tmp_path)


def test_int_text_is_parsed_never_evaluated():
    with pytest.raises(generate.TemplateError):
        generate.parse_int("__import__('os').system('true')")
