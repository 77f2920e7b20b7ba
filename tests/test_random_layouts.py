"""The seeded random layout generator (harness/domains/random_layouts.py)
keeps its promises: the same layouts for the same seed, a bigger count
extends a smaller one, and every declaration builds with _testbuffer and
holds, in logical order, the items the generator's model says."""

import struct

import pytest

# CPython's test module: the recorder needs it too, so its absence is an
# error here, never a skip.
import _testbuffer

from harness import domains, generate
from harness.domains import multidim, random_layouts


def build(decl):
    flags = 0 if decl.get("readonly", True) else _testbuffer.ND_WRITABLE
    flags |= _testbuffer.ND_FORTRAN if decl.get("fortran") else 0
    flags |= _testbuffer.ND_PIL if decl.get("pil") else 0
    kwargs = {"shape": decl["shape"], "format": decl["format"], "flags": flags,
              "offset": decl.get("offset", 0)}
    if "strides" in decl:
        kwargs["strides"] = decl["strides"]
    lay = random_layouts.layout_of(decl)
    items = lay.memory if decl["shape"] else lay.memory[0]
    return _testbuffer.ndarray(items, **kwargs), lay


def test_random_layouts_are_deterministic_and_extend():
    small = random_layouts.random_ndarrays(5, 50)
    assert small == random_layouts.random_ndarrays(5, 50)
    assert random_layouts.random_ndarrays(5, 80)[:50] == small
    assert random_layouts.random_ndarrays(6, 50) != small


def test_random_layouts_scale_with_the_full_profile():
    with domains.profile("full"):
        assert len(random_layouts.random_ndarrays(5, 7)) == 70


def test_random_labels_are_unique():
    labels = [v.label for v in random_layouts.random_ndarrays(7, 3000)]
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize("seed", [10, 20, 30, 40])
def test_every_random_layout_builds_and_matches_its_model(seed):
    for value in random_layouts.random_ndarrays(seed, 1000):
        decl = generate.domain_value(value).decl
        nd, lay = build(decl)
        flat = lay.flat()
        code = decl["format"].lstrip("@")
        want = struct.pack(f"{len(flat)}{code}", *flat)
        assert memoryview(nd).tobytes() == want, value.label


def test_the_contiguous_twin_compares_equal_unless_a_nan():
    for value in random_layouts.random_ndarrays(40, 600):
        decl = generate.domain_value(value).decl
        nd, lay = build(decl)
        (twin,) = multidim.contiguous_twin(decl)
        tw, _ = build(generate.domain_value(twin).decl)
        has_nan = any(v != v for v in lay.flat())
        assert (memoryview(nd) == memoryview(tw)) == (not has_nan), value.label
