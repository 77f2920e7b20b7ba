"""The C driver's own promises about the cases it is given.

A case's setup is data that CPython accepted when the case was recorded
(reference/src/ndarray.c). A hand-written case can hold a setup CPython
would refuse; the driver then answers `unsupported` and says why, as
protocol.md section 5 asks, instead of handing the library an exporter it
was promised never to get.
"""

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DRIVER = ROOT / "build" / "bin" / "mvref-driver"


def answer(setup, python="3.11"):
    case = {"id": "t/setup", "rules": [], "setup": [dict(name="x", **setup)],
            "steps": [{"op": "memoryview", "args": [{"ref": "x"}], "as": "m"}]}
    r = subprocess.run([str(DRIVER), "--python", python, "--word-size", "64"],
                       input=json.dumps(case) + "\n", capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.splitlines()[-1])


@pytest.mark.parametrize("setup, python, why", [
    (dict(kind="array", typecode="w", items="ab"), "3.11",
     "typecode 'w', which array has from Python 3.13 on"),
    (dict(kind="array", typecode="Z", items=[]), "3.13", "a typecode array does not know"),
    (dict(kind="array", typecode="bb", items=[]), "3.13", "a typecode array does not know"),
    (dict(kind="array", typecode="b", items="ab"), "3.13", "items that are not a list"),
    (dict(kind="array", typecode="u", items=[1]), "3.13", "items that are not a str"),
    (dict(kind="ndarray", items=[1], shape=[1], format="Zd"), "3.13", "a format struct refuses"),
    (dict(kind="ndarray", items=[1], shape=[1], format="\u00e9" * 40), "3.13",
     "a format struct refuses"),
])
def test_a_setup_cpython_would_refuse_is_unsupported_and_says_why(setup, python, why):
    assert answer(setup, python) == {"id": "t/setup", "unsupported": f"setup failed: {why}"}


def test_the_same_setups_made_right_are_built():
    assert "outcomes" in answer(dict(kind="array", typecode="w", items="ab"), "3.13")
    assert "outcomes" in answer(dict(kind="array", typecode="b", items=[1, 2]), "3.11")
    assert "outcomes" in answer(dict(kind="ndarray", items=[1], shape=[1], format="d"), "3.11")
