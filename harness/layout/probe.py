"""The layout probe: an adapter (spec/protocol.md) that also draws.

It runs each case exactly as the Python adapter does (the same vocabulary,
mvadapter.run_case), and measures, as the program runs, every object the
setup builds and every view a step makes (measure.py); its result line
carries, beside the outcomes, the picture as JSON in the extra field
`layout` (protocol.md allows extra fields). Nothing in a case is executed
as code: the steps are the adapter's closed table of operations.

Run by `python3 -m harness explain` under a CPython with _testbuffer and
NumPy, as a script (so that -I keeps the environment out):

    python3 -I harness/layout/probe.py
"""

import json
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from harness.adapters_path import mvadapter      # noqa: E402
from harness.layout import measure                # noqa: E402


def what_of(spec: dict, obj: object) -> str:
    """An exporter as the program's setup made it."""
    kind = spec.get("kind")
    if kind == "ndarray":
        flags = [f for f, on in (("writable", not spec.get("readonly", True)),
                                 ("Fortran order", spec.get("fortran")),
                                 ("PIL-style", spec.get("pil"))) if on]
        return "_testbuffer.ndarray" + (f" ({', '.join(flags)})" if flags else "")
    if kind == "numpy":
        return f"numpy.ndarray, dtype {spec.get('dtype')}, order {spec.get('order', 'C')}"
    return measure.describe(obj)


def extent_of(spec: dict, obj: object) -> tuple[int, int] | None:
    """An ndarray's memory from buf: its items packed from offset bytes
    before buf (a PIL-style one keeps a pointer table as well: measured)."""
    if spec.get("kind") != "ndarray" or spec.get("pil"):
        return None
    items = spec.get("items")
    count = len(items) if isinstance(items, list) else 1
    return -int(spec.get("offset", 0)), count * int(getattr(obj, "itemsize", 1))


class Watch:
    """What mvadapter.run_case shows us of the program as it runs."""

    def __init__(self) -> None:
        self.sketch = measure.Sketch()
        self.picture = None

    def setup(self, spec: dict, obj: object) -> None:
        self.sketch.exporter(spec["name"], obj, what_of(spec, obj), extent_of(spec, obj))

    def step(self, index: int, step: dict, result: object) -> None:
        if isinstance(result, (memoryview, mvadapter.MEMORYVIEW)):
            self.sketch.view(step.get("as") or f"#{index + 1}", "", result, index)

    def end(self, env: dict) -> None:
        self.picture = self.sketch.finish(env.get)


def handle_line(line: str) -> str:
    case = json.loads(line)
    watch = Watch()
    try:
        outcomes = mvadapter.run_case(case, watch)
    except mvadapter.Unsupported as e:
        return json.dumps({"id": case["id"], "unsupported": str(e)})
    return json.dumps({"id": case["id"], "outcomes": outcomes,
                       "layout": watch.picture.to_json()})


def main() -> None:
    out = sys.stdout
    out.write(mvadapter.hello() + "\n")
    out.flush()
    for line in sys.stdin:
        if line.strip():
            out.write(handle_line(line) + "\n")
            out.flush()


if __name__ == "__main__":
    main()
