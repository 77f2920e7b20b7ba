"""Every view the library lays out is bounded, over memory it lies in.

layout.c's invariant (mv_layout_bounded: a layout's len, the steps of a
walk over it, and offset plus its reach all fit an mv_ssize) is what makes
the library's layout arithmetic overflow-free. The driver refuses every
exporter whose layout is not bounded (tests/test_driver.py); the library
asserts, on every view it makes, slices or casts over its own exporters'
memory, that the view is bounded and its items lie in that memory
(view.c: view_in_bounds, from mv_view_init_flags). The suite, the fuzz
targets and the mutation run keep asserts, so each of their views is
checked. Here: the assertion is not one that cannot fail -- a slice planted
one step off is caught on the first case that slices to the end.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_slice_laid_out_past_its_exporters_memory_fails_the_views_assertion(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path)
    shutil.copytree(ROOT / "reference", tmp_path / "reference",
                    ignore=shutil.ignore_patterns("__pycache__"))
    source = tmp_path / "reference" / "src" / "slicing.c"
    text = source.read_text()
    anchor = "    b->strides[0] = wrapping_multiply(cfg, b->strides[0], step);\n"
    assert text.count(anchor) == 1
    source.write_text(text.replace(anchor, anchor + "    b->buf += b->strides[0];\n"))
    subprocess.run(["make", "-s", "-j2", "build/bin/mvref-driver"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=600)
    case = {"id": "t/slice", "rules": [],
            "setup": [{"name": "x", "kind": "bytes", "data": {"bytes": "616263"}}],
            "steps": [{"op": "memoryview", "args": [{"ref": "x"}], "as": "m"},
                      {"op": "getitem", "obj": "m", "key": {"slice": [1, None, None]}}]}
    r = subprocess.run([str(tmp_path / "build" / "bin" / "mvref-driver")],
                       input=json.dumps(case) + "\n", capture_output=True, text=True,
                       timeout=60)
    assert r.returncode != 0 and re.search(r"view\.c:\d+: .*Assertion `view_in_bounds\(v\)' "
                                           "failed", r.stderr), (r.returncode, r.stderr)
