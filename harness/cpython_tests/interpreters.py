"""The CPythons whose own memoryview tests can be run, and mvref built for each.

An interpreter qualifies when mvref models its version (3.9 to 3.14), its
`test` package has the modules we run, and it has the C headers mvref is
built against.  Each is found at run time (harness.impls.oracle_pythons:
Debian's python3 and pyenv's CPythons) and asked about itself; nothing here
names a path on this machine.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .. import impls

MODULES = ("test_memoryview", "test_buffer")
OLDEST, NEWEST = (3, 9), (3, 14)      # what mvref models (reference/python/module.c)

# Run by each candidate: its version, and what it has of what we need.
_ASK = r"""
import importlib.util, json, os, platform, sys, sysconfig
def has(name):
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:
        return False
include = sysconfig.get_paths()["include"]
print(json.dumps({
    "version": platform.python_version(),
    "minor": list(sys.version_info[:2]),
    "modules": [m for m in sys.argv[1:] if has("test." + m)],
    "headers": os.path.exists(os.path.join(include, "Python.h")),
}))
"""


@dataclass
class Interpreter:
    python: str                  # the executable
    version: str                 # "3.11.2": also its section in the expectations file
    minor: tuple[int, int]
    modules: list[str] = field(default_factory=list)   # of MODULES, those it has
    headers: bool = False

    @property
    def language(self) -> str:
        return "%d.%d" % self.minor

    def build_dir(self, root: Path) -> Path:
        """Where its mvref goes: build/python-<version>."""
        return root / "build" / f"python-{self.version}"

    def why_not(self) -> str | None:
        """Why its tests cannot be run with mvref, or None."""
        if not OLDEST <= self.minor <= NEWEST:
            return "mvref models CPython %d.%d to %d.%d" % (*OLDEST, *NEWEST)
        if not self.modules:
            return "its test package has no " + " or ".join(MODULES)
        if not self.headers:
            return "it has no C headers to build mvref against"
        return None


def ask(python: str) -> Interpreter | None:
    """What python is, or None when it does not answer."""
    try:
        r = subprocess.run([python, "-I", "-c", _ASK, *MODULES], capture_output=True,
                           text=True, timeout=60)
        info = json.loads(r.stdout)
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    return Interpreter(python, info["version"], tuple(info["minor"]), info["modules"],
                       info["headers"])


def found() -> list[Interpreter]:
    """Every CPython here that answers, in version order (not all qualify)."""
    interpreters = [i for i in map(ask, impls.oracle_pythons()) if i is not None]
    return sorted(interpreters, key=lambda i: tuple(int(p) for p in i.version.split(".")[:3]
                                                    if p.isdigit()))


class BuildFailed(RuntimeError):
    """mvref would not build for an interpreter; the compiler says why."""


def build_mvref(root: Path, interpreter: Interpreter) -> Path:
    """Build mvref for interpreter (reference/python/build.mk, the library's
    position-independent objects shared by all); returns the directory."""
    where = interpreter.build_dir(root)
    r = subprocess.run(["make", "--no-print-directory", "-s",
                        f"MVREF_PYTHON={interpreter.python}",
                        f"MVREF_PY_BUILD={where.relative_to(root)}", "mvref-module"],
                       cwd=root, capture_output=True, text=True)
    if r.returncode != 0:
        raise BuildFailed(f"mvref for {interpreter.python} ({interpreter.version}) "
                          f"did not build:\n{r.stdout}{r.stderr}")
    return where
