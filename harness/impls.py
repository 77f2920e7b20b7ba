"""The implementations the harness knows how to start, and how to name them.

An implementation is a command that speaks spec/protocol.md. Names on the
command line resolve here:

    reference            the C reference driver, following the CPython version
    reference:3.12       ... given (default: the language of the oracle it meets)
    cpython              Debian's /usr/bin/python3 (the interpreter apt's numpy is for)
    cpython:PATH         any CPython binary, through the Python adapter
    pypy                 pypy3, through the Python adapter
    NAME=COMMAND ...     anyone's adapter: a command line, split like a shell would
"""

from __future__ import annotations

import glob
import os
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADAPTER = ROOT / "harness" / "adapters" / "mvadapter.py"
DRIVER = ROOT / "build" / "bin" / "mvref-driver"
DEBIAN_PYTHON = "/usr/bin/python3"
OLDEST_ORACLE = (3, 9)


class ImplError(ValueError):
    """An implementation name that cannot be resolved; says why."""


@dataclass
class Impl:
    name: str                 # used for result file names and reports
    argv: list[str]
    strict: bool = False      # held to CPython's exact messages
    env: dict[str, str] | None = field(default=None, repr=False)


def python_adapter(python: str) -> list[str]:
    # -I: isolated, so no user site or PYTHON* variable changes what we measure;
    # -S is not used, numpy lives in site-packages.
    return [python, "-I", str(ADAPTER)]


def resolve(text: str, default_language: str = "3.11") -> Impl:
    if "=" in text:
        name, _, command = text.partition("=")
        argv = shlex.split(command)
        if not name or not argv:
            raise ImplError(f"{text!r}: write NAME=COMMAND")
        return Impl(name, argv)
    kind, _, arg = text.partition(":")
    if kind == "reference":
        if not DRIVER.exists():
            raise ImplError(f"{DRIVER} is not built: run `make reference`")
        language = arg or default_language
        return Impl("reference" if not arg else f"reference-{arg}",
                    [str(DRIVER), "--python", language], strict=True)
    if kind == "cpython":
        python = arg or DEBIAN_PYTHON
        if not shutil.which(python):
            raise ImplError(f"no CPython at {python!r}")
        return Impl("cpython" if not arg else f"cpython-{Path(python).parent.parent.name}",
                    python_adapter(python))
    if kind == "pypy":
        python = arg or "pypy3"
        if not shutil.which(python):
            raise ImplError("pypy3 is not installed: run `make impls`")
        return Impl("pypy", python_adapter(python))
    raise ImplError(f"unknown implementation {text!r}: try reference, cpython, "
                    "cpython:PATH, pypy, or NAME=COMMAND")


def oracle_pythons() -> list[str]:
    """Every CPython >= 3.9 on this machine: Debian's and pyenv's.

    Each is started through the Python adapter to record outcomes; the adapter's
    hello line says which version it is, so we never parse paths for that.
    """
    found = []
    if os.path.exists(DEBIAN_PYTHON):
        found.append(DEBIAN_PYTHON)
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    for path in sorted(glob.glob(os.path.join(root, "versions", "3.*", "bin", "python3"))):
        name = Path(path).parent.parent.name
        parts = name.split(".")
        if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
            if (int(parts[0]), int(parts[1])) >= OLDEST_ORACLE:
                found.append(path)
    return found
