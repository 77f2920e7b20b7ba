"""Choosing which cases a run takes: area, rule, id, version, shard.

Every filter is a plain predicate over a case, so they combine freely:

    --area slicing --rule 'SLICE-00[1-4]' --id '*/bytes5*' --shard 2/4

Shards are decided by a hash of the case id, not by position, so adding or
removing cases elsewhere does not move a case from one shard to another, and
every case is in exactly one shard.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from dataclasses import dataclass, field

from .cases import CaseFileError, area_of, satisfies


class SelectionError(ValueError):
    """A selection that cannot be understood; says what was wrong."""


def parse_shard(text: str) -> tuple[int, int]:
    """'I/N' with 1 <= I <= N."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not m:
        raise SelectionError(f"--shard {text!r}: write I/N, e.g. 2/4")
    i, n = int(m.group(1)), int(m.group(2))
    if not 1 <= i <= n:
        raise SelectionError(f"--shard {text!r}: I must be between 1 and N")
    return i, n


def shard_of(case_id: str, n: int) -> int:
    """The shard (1-based) a case belongs to when the suite is cut in n."""
    digest = hashlib.sha256(case_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") % n + 1


def version_sensitive(case: dict) -> bool:
    """Whether CPython versions disagree on this case, or it needs some of them."""
    return bool(case.get("requires")) or len(case.get("expect") or []) > 1


@dataclass
class Selection:
    areas: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)      # globs over rule ids
    ids: list[str] = field(default_factory=list)        # globs over case ids
    language: str | None = None                         # a constraint like ">=3.12"
    version_sensitive: bool = False
    shard: tuple[int, int] | None = None

    def check(self, known_areas: set[str]) -> None:
        unknown = set(self.areas) - known_areas
        if unknown:
            raise SelectionError(f"no such area: {', '.join(sorted(unknown))} "
                                 f"(areas: {', '.join(sorted(known_areas))})")
        if self.language is not None:
            try:
                satisfies({"language": self.language}, "3.11")
            except CaseFileError:
                raise SelectionError(f"--language {self.language!r}: write a constraint "
                                     "like '>=3.12' or '>=3.10,<3.13'") from None

    def wants(self, case: dict) -> bool:
        if self.areas and area_of(case["id"]) not in self.areas:
            return False
        if self.rules and not any(fnmatch.fnmatchcase(r, g)
                                  for r in case["rules"] for g in self.rules):
            return False
        if self.ids and not any(fnmatch.fnmatchcase(case["id"], g) for g in self.ids):
            return False
        if self.language is not None and not runs_within(case, self.language):
            return False
        if self.version_sensitive and not version_sensitive(case):
            return False
        if self.shard is not None and shard_of(case["id"], self.shard[1]) != self.shard[0]:
            return False
        return True

    def apply(self, cases: list[dict]) -> list[dict]:
        self.check({area_of(c["id"]) for c in cases})
        return [c for c in cases if self.wants(c)]


# Language versions a constraint can name: every CPython 3.x we could meet.
_LANGUAGES = [f"3.{minor}" for minor in range(6, 20)]


def runs_within(case: dict, constraint: str) -> bool:
    """Whether some language version allowed by `constraint` runs the case."""
    allowed = [v for v in _LANGUAGES if satisfies({"language": constraint}, v)]
    return any(satisfies(case.get("requires"), v) for v in allowed)
