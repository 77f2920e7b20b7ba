"""The implementations the harness knows how to start, and how to name them.

An implementation is a command that speaks spec/protocol.md. Names on the
command line resolve here:

    reference            the C reference driver, following the CPython version
    reference:3.12       ... given (default: the language of the oracle it meets)
    mvref                the C reference as a Python module (reference/python/), run by
                         the Python adapter under Debian's python3 (strict messages)
    cpython              Debian's /usr/bin/python3 (the interpreter apt's numpy is for)
    cpython:PATH         any CPython binary, through the Python adapter
    cpython-3.X          the CPython 3.X here: pyenv's when it has one, else Debian's
    pypy                 pypy3, through the Python adapter
    pyodide              CPython 3.14 on wasm32, in Node    } the Python adapter,
    pyodide-3.X          CPython 3.X (3.11-3.15) on wasm32  } loaded by a wrapper
    micropython          MicroPython's WebAssembly port     } in harness/adapters/
    brython              Brython (Python in JavaScript)     } node/, each release
    micropython-1.X.Y    an older release of either, for    } an npm package that
    brython-3.X.Y        `make history`                     } package.json pins
    NAME=COMMAND ...     anyone's adapter: the command line is split as a POSIX
                         shell splits words (shlex: quotes and backslashes), and
                         run directly, never by a shell (no $VAR, globs or pipes).
                         NAME names the results file (<NAME>.json): letters,
                         digits, `.`, `_`, `-`, not starting with `.` or `-`, and
                         none of the names built-in ones are given (`cpython`,
                         `cpython-*`, `reference-3.12`, ...), so it never
                         replaces their results.

`make impls` installs pypy3 (apt) and the Node runtimes (npm, pinned in
harness/adapters/node/package-lock.json).
"""

from __future__ import annotations

import glob
import json
import os
import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADAPTER = ROOT / "harness" / "adapters" / "mvadapter.py"
DRIVER = ROOT / "build" / "bin" / "mvref-driver"
MVREF_DIR = ROOT / "build" / "python"     # mvref.cpython-*.so: `make mvref`
EXPORTER_DIR = ROOT / "build" / "exporter"  # <impl>-<version>/mvspec_exporter*.so
DEBIAN_PYTHON = "/usr/bin/python3"
OLDEST_ORACLE = (3, 9)
OLDEST_ADAPTER = (3, 6)     # the oldest CPython mvadapter.py runs on
NODE_DIR = ROOT / "harness" / "adapters" / "node"

# The Python implementations that run on Node: wrapper script, npm package
# of the release the name stands for. Other releases are npm aliases in
# package.json named FAMILY-VERSION (pyodide-3.12, brython-3.12.5), run by
# their family's wrapper (node_packages()).
NODE_IMPLS = {
    "pyodide": ("pyodide.mjs", "pyodide"),
    "micropython": ("micropython.mjs", "@micropython/micropython-webassembly-pyscript"),
    "brython": ("brython.mjs", "brython"),
}


class ImplError(ValueError):
    """An implementation name that cannot be resolved; says why."""


SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,99}")
# The names built-in implementations are given: cpython:PATH is named
# cpython-<its directory>, reference:3.12 reference-3.12, reference:all
# reference-<version>-<platform>.
BUILT_IN = re.compile(r"reference|cpython|mvref|pypy|pyodide|micropython|brython|"
                      r"(cpython|pyodide|micropython|brython)-.*|reference-[0-9].*")


def check_name(name: str, text: str) -> str:
    """A NAME of NAME=COMMAND: one safe file name, not a built-in's."""
    if not SAFE_NAME.fullmatch(name):
        raise ImplError(f"{text!r}: {name!r} cannot name a results file: use letters, digits, "
                        "'.', '_' and '-', and begin with a letter, a digit or '_'")
    if BUILT_IN.fullmatch(name):
        raise ImplError(f"{text!r}: {name!r} is the name of a built-in implementation "
                        "(or of one the harness would name so); give your adapter a name of "
                        "its own, so that its results never replace those")
    return name


def safe_name(text: str) -> str:
    """A derived name (from a path) made safe as a file name."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", text).lstrip(".-") or "_"


def check_distinct(chosen: list[Impl]) -> None:
    """Two implementations of one run would write one results file."""
    seen: set[str] = set()
    for impl in chosen:
        if impl.name in seen:
            raise ImplError(f"two implementations are named {impl.name!r}: each writes "
                            f"{impl.name}.json, so name them apart")
        seen.add(impl.name)


@dataclass
class Impl:
    name: str                 # used for result file names and reports
    argv: list[str]
    strict: bool = False      # held to CPython's exact messages
    env: dict[str, str] | None = field(default=None, repr=False)
    oracle: str | None = None # compare with this oracle when it recorded the case


def reference_for_each(oracles) -> list[Impl]:
    """`reference:all`: the reference once per recorded oracle, following that
    CPython's version on that oracle's platform, compared with that oracle."""
    out = []
    for o in oracles:
        impl = resolve(f"reference:{o.language}:{o.platform[:2]}")
        impl.name = f"reference-{o.version}-{o.platform}"
        impl.oracle = o.name
        out.append(impl)
    return out


def python_adapter(python: str) -> list[str]:
    # -I: isolated, so no user site or PYTHON* variable changes what we measure;
    # -S is not used, numpy lives in site-packages.
    return [python, "-I", str(ADAPTER)]


def python_impl(name: str, python: str) -> Impl:
    """The Python adapter under `python`, told where `make exporter-modules`
    put mvspec_exporter: its ndarray where the interpreter has no _testbuffer."""
    return Impl(name, python_adapter(python),
                env=dict(os.environ, MVSPEC_EXPORTER_DIR=str(EXPORTER_DIR)))


def node_packages() -> dict[str, str]:
    """Every Node runtime package.json pins, name -> npm package: the three
    above, and each alias FAMILY-VERSION of another release, in the order of
    their versions within each family."""
    try:
        pinned = json.loads((NODE_DIR / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pinned = {}
    out = {name: package for name, (_, package) in NODE_IMPLS.items()}
    aliases = [a for a in pinned.get("dependencies", {}) if family(a) != a]
    for alias in sorted(aliases, key=lambda a: (family(a), release_key(a))):
        out[alias] = alias
    return out


def family(name: str) -> str:
    """pyodide-3.12 -> pyodide; a name of no family is itself."""
    head = name.split("-", 1)[0]
    return head if head in NODE_IMPLS else name


def release_key(name: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", name))


def node_impl(name: str) -> Impl:
    """A runtime on Node, started through its wrapper; says how to install it."""
    package = node_packages()[name]
    wrapper = NODE_IMPLS[family(name)][0]
    if not shutil.which("node"):
        raise ImplError(f"{name} runs on Node.js, which is not installed: run `make impls`")
    if not (NODE_DIR / "node_modules" / package / "package.json").exists():
        raise ImplError(f"{name} is not installed (no npm package {package} in "
                        f"{NODE_DIR / 'node_modules'}): run `make impls`")
    return Impl(name, ["node", str(NODE_DIR / wrapper), package])


def node_impls_installed(of: str | None = None) -> list[str]:
    """The Node runtimes that `make impls` has installed here (of one family)."""
    found = []
    for name in node_packages():
        if of is not None and family(name) != of:
            continue
        try:
            node_impl(name)
        except ImplError:
            continue
        found.append(name)
    return found


def cpythons() -> dict[tuple[int, int], str]:
    """Every CPython >= 3.6 here by minor version: pyenv's, else Debian's."""
    found: dict[tuple[int, int], tuple[tuple[int, ...], str]] = {}
    for path in sorted(glob.glob("/usr/bin/python3.[0-9]*")):
        m = re.fullmatch(r"python(\d+)\.(\d+)", Path(path).name)
        if m:
            minor = (int(m[1]), int(m[2]))
            found[minor] = ((*minor, -1), path)     # patch unknown: any pyenv one wins
    for path in glob.glob(os.path.join(pyenv_root(), "versions", "3.*", "bin", "python3")):
        m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", Path(path).parent.parent.name)
        if m:
            version = (int(m[1]), int(m[2]), int(m[3]))
            minor = version[:2]
            if minor not in found or found[minor][0] < version:
                found[minor] = (version, path)
    return {minor: path for minor, (_, path) in sorted(found.items())
            if minor >= OLDEST_ADAPTER}


def pyenv_root() -> str:
    return os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))


def resolve(text: str, default_language: str = "3.11") -> Impl:
    if "=" in text:
        name, _, command = text.partition("=")
        try:
            argv = shlex.split(command)
        except ValueError as e:
            raise ImplError(f"{text!r}: the command cannot be split into words: {e}") from None
        if not name or not argv:
            raise ImplError(f"{text!r}: write NAME=COMMAND")
        return Impl(check_name(name, text), argv)
    kind, _, arg = text.partition(":")
    if kind == "reference":
        if not DRIVER.exists():
            raise ImplError(f"{DRIVER} is not built: run `make reference`")
        language, _, word = (arg or default_language).partition(":")
        if not re.fullmatch(r"\d+\.\d+", language) or word not in ("", "32", "64"):
            raise ImplError(f"{text!r}: write reference[:X.Y[:32|64]] or reference:all")
        argv = [str(DRIVER), "--python", language] + (["--word-size", word] if word else [])
        return Impl("reference" if not arg else f"reference-{arg.replace(':', '-')}",
                    argv, strict=True)
    if kind == "mvref" and not arg:
        return mvref_impl()
    if kind == "cpython":
        python = arg or DEBIAN_PYTHON
        if not shutil.which(python):
            raise ImplError(f"no CPython at {python!r}")
        return python_impl("cpython" if not arg else safe_name(f"cpython-{Path(python).parent.parent.name}"),
                           python)
    m = re.fullmatch(r"cpython-(\d+)\.(\d+)", kind)
    if m and not arg:
        here = cpythons()
        python = here.get((int(m[1]), int(m[2])))
        if python is None:
            have = ", ".join(f"cpython-{a}.{b}" for a, b in here) or "none"
            raise ImplError(f"no CPython {m[1]}.{m[2]} here (have: {have})")
        return python_impl(kind, python)
    if kind == "pypy":
        python = arg or "pypy3"
        if not shutil.which(python):
            raise ImplError("pypy3 is not installed: run `make impls`")
        if not list(EXPORTER_DIR.glob("pypy-*/mvspec_exporter*")):
            raise ImplError(f"mvspec_exporter, PyPy's ndarray, is not built (nothing in "
                            f"{EXPORTER_DIR}/pypy-*): run `make exporter-modules`")
        return python_impl("pypy", python)
    if kind in node_packages() and not arg:
        return node_impl(kind)
    raise ImplError(f"unknown implementation {text!r}: try reference, mvref, cpython, "
                    "cpython:PATH, cpython-3.X, pypy, pyodide, micropython, brython, "
                    "or NAME=COMMAND")


def mvref_impl() -> Impl:
    """The reference behind mvref.memoryview, through the Python adapter run
    by Debian's CPython (which the module is built for); held, like the
    driver, to CPython's exact messages."""
    if not list(MVREF_DIR.glob("mvref.cpython-*.so")):
        raise ImplError(f"mvref is not built (nothing in {MVREF_DIR}): run `make mvref`")
    env = dict(os.environ, MVSPEC_MEMORYVIEW="mvref", MVSPEC_MVREF_PATH=str(MVREF_DIR))
    return Impl("mvref", python_adapter(DEBIAN_PYTHON), strict=True, env=env)


def oracle_pythons() -> list[str]:
    """Every CPython >= 3.9 on this machine: Debian's and pyenv's.

    Each is started through the Python adapter to record outcomes; the adapter's
    hello line says which version it is, so we never parse paths for that.
    """
    found = []
    if os.path.exists(DEBIAN_PYTHON):
        found.append(DEBIAN_PYTHON)
    root = pyenv_root()
    for path in sorted(glob.glob(os.path.join(root, "versions", "3.*", "bin", "python3"))):
        name = Path(path).parent.parent.name
        parts = name.split(".")
        if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
            if (int(parts[0]), int(parts[1])) >= OLDEST_ORACLE:
                found.append(path)
    return found
