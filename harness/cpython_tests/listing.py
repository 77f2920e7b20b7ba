"""The listed tests: CPython tests known not to pass with mvref, and why.

conformance/cpython-tests.toml has one section per interpreter version
(the full version, "3.11.2": Debian's 3.11 and pyenv's differ in patch
level and in what they have, numpy among it), each test a line:

    ["3.11.2"]
    "test_buffer.TestBufferProtocol.test_memoryview_sizeof" = { reason = "sizeof", why = "..." }

`reason` is one of REASONS, a short closed set, so that the summary can
count tests by reason and a reader can see at once which are accepted for
good (the test asks about CPython's object, not about memoryview's
behaviour) and which are pending (behaviour the reference does not yet
give).  `why` is one line of plain words about that test.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..cases import ROOT

DEFAULT = ROOT / "conformance" / "cpython-tests.toml"


@dataclass(frozen=True)
class Reason:
    name: str
    pending: bool       # behaviour still to be given: the list must shrink to none
    meaning: str


REASONS = {r.name: r for r in (
    Reason("type-identity", False,
           "the test needs CPython's own memoryview type: CPython's C code demands it "
           "(a __buffer__ must return one), or made the view the test checks"),
    Reason("sizeof", False,
           "sys.getsizeof of the view measures CPython's object layout"),
    Reason("cpython-internal", False,
           "the test asks about a CPython-internal helper or detail, not memoryview's "
           "behaviour"),
)}
# A pending reason (Reason(..., True, ...)) names behaviour the reference does
# not give yet; the list of such tests must shrink to none.  There is none
# now: the last, "pending: python-values" (ordinary Python values the library
# had no value for), was given by the host interface (mvref.h section 10).


class ListingError(ValueError):
    """A malformed listing file; says where."""


@dataclass(frozen=True)
class Listed:
    test: str
    reason: Reason
    why: str


def read(path: Path = DEFAULT) -> dict[str, dict[str, Listed]]:
    """Interpreter version -> test id -> why it is listed."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ListingError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as e:
        raise ListingError(f"{path}: {e}") from None
    out: dict[str, dict[str, Listed]] = {}
    for version, tests in data.items():
        if not isinstance(tests, dict):
            raise ListingError(f"{path}: [{version}] must be a table of tests")
        out[version] = {}
        for test, entry in tests.items():
            where = f"{path}: [{version}] {test}"
            if not isinstance(entry, dict) or set(entry) != {"reason", "why"}:
                raise ListingError(f"{where}: want {{ reason = ..., why = ... }}")
            if entry["reason"] not in REASONS:
                raise ListingError(f"{where}: reason {entry['reason']!r} is not one of "
                                   + ", ".join(repr(r) for r in REASONS))
            why = entry["why"]
            if not isinstance(why, str) or not why.strip() or "\n" in why:
                raise ListingError(f"{where}: `why` must be one line of text")
            out[version][test] = Listed(test, REASONS[entry["reason"]], why)
    return out
