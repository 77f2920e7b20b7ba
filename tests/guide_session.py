"""Run the examples of spec/guide.md, as a learner would type them.

Each ```python block of the guide is an interactive session: `>>> ` starts a
statement, `... ` continues it, and the lines up to the next statement are
what it prints. The whole guide is one session: its blocks share one
namespace, as a learner keeps one REPL open from step to step; an exception
prints as

    Traceback (most recent call last):
      ...
    ValueError: slice step cannot be zero

with its type and str() only: mvref's exceptions carry their rule as a
note (PEP 678), which a REPL prints below and this leaves out, so the same
text holds for the builtin memoryview and for mvref.memoryview.

It lives with the tests, not in harness/: the guide's examples are code,
and they are run (exec) only here, where the project's own text is tested;
the harness never executes anything it reads.  To rewrite the guide's
outputs from CPython: python3 tests/guide_session.py spec/guide.md
"""

from __future__ import annotations

import contextlib
import doctest
import io
import sys
from dataclasses import dataclass
from pathlib import Path

GUIDE = Path(__file__).resolve().parent.parent / "spec" / "guide.md"
_CHECKER = doctest.OutputChecker()


@dataclass
class Example:
    line: int              # where the statement starts in the guide
    source: str
    expected: str


def examples(path: Path = GUIDE) -> list[Example]:
    out: list[Example] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```python":
            i += 1
            continue
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            if not lines[i].startswith(">>> "):
                raise ValueError(f"{path}:{i + 1}: want a `>>> ` statement, found {lines[i]!r}")
            start, source, expected = i + 1, [lines[i][4:]], []
            i += 1
            while i < len(lines) and lines[i].startswith("... "):
                source.append(lines[i][4:])
                i += 1
            while i < len(lines) and lines[i].strip() != "```" and not lines[i].startswith(">>> "):
                expected.append(lines[i])
                i += 1
            out.append(Example(start, "\n".join(source) + "\n",
                               "\n".join(expected) + ("\n" if expected else "")))
        i += 1
    return out


def run(example: Example, namespace: dict) -> str:
    """What the statement prints in a REPL."""
    out = io.StringIO()
    hook = sys.displayhook
    sys.displayhook = sys.__displayhook__
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(example.source, f"<guide.md:{example.line}>", "single"), namespace)
    except Exception as e:     # noqa: BLE001 -- the REPL shows every exception
        out.write(f"Traceback (most recent call last):\n  ...\n{type(e).__name__}: {e}\n")
    finally:
        sys.displayhook = hook
    return out.getvalue()


def check(memoryview_type: type, path: Path = GUIDE) -> list[str]:
    """Run every example with `memoryview` bound to memoryview_type; the
    differences from the guide, as reports (none: it holds)."""
    problems = []
    namespace = {"memoryview": memoryview_type}
    for ex in examples(path):
        got = run(ex, namespace)
        if not _CHECKER.check_output(ex.expected, got, doctest.ELLIPSIS):
            problems.append(f"{path.name}:{ex.line}: >>> {ex.source.rstrip()}\n"
                            f"  want: {ex.expected!r}\n  got:  {got!r}")
    return problems


def fill(path: Path, memoryview_type: type = memoryview) -> str:
    """The guide with each statement's output replaced by what it prints
    now: how its outputs are written, by running CPython."""
    lines = path.read_text(encoding="utf-8").splitlines()
    namespace = {"memoryview": memoryview_type}
    printed = {ex.line: run(ex, namespace) for ex in examples(path)}
    out, i = [], 0
    while i < len(lines):
        out.append(lines[i])
        i += 1
        if i not in printed:        # i: the number of the line just kept
            continue
        statement = i
        while i < len(lines) and lines[i].startswith("... "):
            out.append(lines[i])
            i += 1
        out += printed[statement].splitlines()
        while i < len(lines) and lines[i].strip() != "```" and not lines[i].startswith(">>> "):
            i += 1
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(fill(Path(sys.argv[1])))
