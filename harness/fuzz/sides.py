"""The two sides of a differential run: CPython and the candidate.

A side runs one case and answers with its outcomes, or says it could not
(unsupported), or failed (crash, timeout, protocol-error). Two kinds:

    InProcess   the Python adapter's interpreter (harness/adapters/mvadapter.py)
                loaded as a module into this process, with the builtin
                memoryview or mvref.memoryview: no pipe, no JSON, thousands
                of programs a second. Each side has its own copy of the
                module, so the two never share a binding.
    ViaAdapter  any implementation over the protocol, through the harness's
                hardened runner (a crash or a hang is an answer, the
                adapter is restarted).

The CPython side is chosen as the harness chooses the recording to compare
with (compare.oracle_ranking over conformance/oracles.json): the best
recorded oracle for the candidate's language and platform that is live here
-- this interpreter itself when it is that CPython, else a CPython of that
version through its adapter, or Pyodide for a 32-bit candidate.
"""

from __future__ import annotations

import importlib.util
import json
import platform
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Protocol

from .. import cases, compare, impls, runner

ANSWERED = runner.ANSWERED
UNSUPPORTED = runner.UNSUPPORTED
ESCAPED = runner.CRASH            # an in-process run that failed as a whole


@dataclass
class Answer:
    """What a side did with one case."""
    status: str                     # runner.ANSWERED, UNSUPPORTED, CRASH, TIMEOUT, PROTOCOL_ERROR
    outcomes: list | None = None
    detail: str = ""


class Side(Protocol):
    name: str
    hello: runner.Hello

    def run(self, case: dict) -> Answer: ...

    def close(self) -> None: ...


def load_adapter(tag: str) -> ModuleType:
    """A fresh copy of mvadapter.py, named mvadapter_<tag>."""
    spec = importlib.util.spec_from_file_location(f"mvadapter_{tag}", impls.ADAPTER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def import_mvref(directory: Path = impls.MVREF_DIR) -> ModuleType:
    if not list(directory.glob("mvref.cpython-*.so")):
        raise impls.ImplError(f"mvref is not built (nothing in {directory}): run `make mvref`")
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))
    import mvref
    return mvref


class InProcess:
    """The Python adapter's interpreter, run in this process."""

    def __init__(self, name: str, module: ModuleType):
        self.name = name
        self.module = module
        self.hello = runner.parse_hello(module.hello().encode())

    def run(self, case: dict) -> Answer:
        try:
            return Answer(ANSWERED, self.module.run_case(case))
        except self.module.Unsupported as e:
            return Answer(UNSUPPORTED, detail=str(e))
        except Exception as e:
            # Raised outside any step: a C function returned a result with
            # an exception set, which the interpreter raised later (CPython
            # 3.10-3.13's iter() of a released view does, RELEASE-004). As
            # a whole process would have, the run failed.
            return Answer(ESCAPED, detail=f"an exception escaped the steps: "
                                          f"{type(e).__name__}: {e}")

    def close(self) -> None:
        pass


def builtin_side() -> InProcess:
    """CPython's own memoryview, in this interpreter."""
    return InProcess("cpython", load_adapter("builtin"))


def mvref_side(model: str | None = None) -> InProcess:
    """mvref.memoryview in this interpreter, modelling `model` (default:
    this interpreter's version)."""
    mvref = import_mvref()
    mvref.set_python(model or "%d.%d" % sys.version_info[:2])
    module = load_adapter("mvref")
    module.use_mvref(mvref)
    return InProcess("mvref", module)


class ViaAdapter:
    """An implementation over the protocol, one case at a time."""

    def __init__(self, impl: impls.Impl, timeout: float = 10.0, hello_timeout: float = 60.0,
                 log_path: Path | None = None):
        self.name = impl.name
        self.impl = impl
        # max_failures=0: a fuzzer sends cases of no template, and a crash is
        # what it looks for; the adapter is restarted, never given up.
        self.adapter = runner.Adapter(impl.argv, timeout=timeout, start_timeout=hello_timeout,
                                      env=impl.env, log_path=log_path, max_failures=0,
                                      max_restarts=1_000_000)
        self.hello = self.adapter.start()

    def run(self, case: dict) -> Answer:
        case = dict(case, id=case.get("id") or "fuzz/program")
        reply = None
        for r in self.adapter.run([case]):
            if r.case_id == case["id"]:
                reply = r
        assert reply is not None
        return Answer(reply.status, reply.outcomes, reply.detail)

    def close(self) -> None:
        self.adapter.close()


# ------------------------------------------------------------ the oracle ---

def this_interpreter() -> tuple[str, str]:
    """(version, platform) of the CPython running the harness."""
    word = 64 if sys.maxsize > 2**32 else 32
    return platform.python_version(), f"{word}{'le' if sys.byteorder == 'little' else 'be'}"


def live_command(oracle: cases.Oracle) -> list[str] | None:
    """A command that runs this recorded oracle's CPython here, or None."""
    if oracle.implementation == "pyodide" or oracle.platform == "32le":
        if "pyodide" in impls.node_impls_installed():
            return impls.node_impl("pyodide").argv
        return None
    python = impls.cpythons().get(oracle.language_tuple[:2])
    return impls.python_adapter(python) if python else None


@dataclass
class OracleChoice:
    oracle: cases.Oracle
    in_process: bool
    argv: list[str] | None


def choose_oracle(hello: runner.Hello, oracles: list[cases.Oracle],
                  prefer: str | None = None) -> OracleChoice:
    """The best recorded oracle for `hello` that can run here."""
    here = this_interpreter()
    for o in compare.oracle_ranking(hello, oracles, prefer):
        if o.implementation == "cpython" and (o.version, o.platform) == here:
            return OracleChoice(o, True, None)
        argv = live_command(o)
        if argv is not None:
            return OracleChoice(o, False, argv)
    raise impls.ImplError("no CPython recorded in conformance/oracles.json runs here")


def oracle_side(choice: OracleChoice, **kwargs) -> Side:
    if choice.in_process:
        return builtin_side()
    assert choice.argv is not None
    return ViaAdapter(impls.Impl(choice.oracle.name, choice.argv), **kwargs)


def describe(side: Side) -> str:
    h = side.hello
    extra = f" modelling {h.raw['models']}" if "models" in h.raw else ""
    where = "in-process" if isinstance(side, InProcess) else "adapter"
    return f"{side.name} ({h.implementation} {h.version}{extra}, {h.platform}, {where})"


def dumps(case: dict) -> str:
    return json.dumps(case, separators=(",", ":"))
