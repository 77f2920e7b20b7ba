"""Choosing which cases a run takes: area, rule, id, version, shard.

Every filter is a plain predicate over a case, so they combine freely:

    --area slicing --rule 'SLICE-00[1-4]' --id '*/bytes5*' --shard 2/4

Rule globs match ignoring case (`slice-*` is `SLICE-*`: rule ids are upper
case by convention, and no two differ only in case). Id globs and areas
match exactly: ids carry typecodes and formats, where `array-B` and
`array-b` are different cases.

A selection that matches nothing is an error, never an empty run that
passes: `choose` says which filter matched nothing and suggests the nearest
names that exist.

Shards are decided by a hash of the case id, not by position, so adding or
removing cases elsewhere does not move a case from one shard to another, and
every case is in exactly one shard.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import hashlib
import re
from dataclasses import dataclass, field, replace

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


@functools.lru_cache(maxsize=64)
def _globs(patterns: tuple[str, ...], ignore_case: bool) -> re.Pattern | None:
    """One compiled regular expression for a list of globs (None: no filter)."""
    if not patterns:
        return None
    return re.compile("|".join(fnmatch.translate(p) for p in patterns),
                      re.IGNORECASE if ignore_case else 0)


@dataclass
class Selection:
    areas: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)      # globs over rule ids, any case
    ids: list[str] = field(default_factory=list)        # globs over case ids
    language: str | None = None                         # a constraint like ">=3.12"
    version_sensitive: bool = False
    shard: tuple[int, int] | None = None

    def check(self, known_areas: set[str]) -> None:
        unknown = set(self.areas) - known_areas
        if unknown:
            hints = [f"{a!r} (did you mean {', '.join(near)}?)" if near else repr(a)
                     for a in sorted(unknown)
                     for near in [difflib.get_close_matches(a.lower(), sorted(known_areas), 3)]]
            raise SelectionError(f"no such area: {', '.join(hints)} "
                                 f"(areas: {', '.join(sorted(known_areas))})")
        if self.language is not None:
            try:
                satisfies({"language": self.language}, "3.11")
            except CaseFileError:
                raise SelectionError(f"--language {self.language!r}: write a constraint "
                                     "like '>=3.12' or '>=3.10,<3.13'") from None

    def wants(self, case: dict) -> bool:
        return self._predicate()(case)

    def _predicate(self):
        rules, ids = _globs(tuple(self.rules), True), _globs(tuple(self.ids), False)
        areas = set(self.areas)

        def wants(case: dict) -> bool:
            if areas and area_of(case["id"]) not in areas:
                return False
            if rules and not any(rules.match(r) for r in case["rules"]):
                return False
            if ids and not ids.match(case["id"]):
                return False
            if self.language is not None and not runs_within(case, self.language):
                return False
            if self.version_sensitive and not version_sensitive(case):
                return False
            if self.shard is not None and shard_of(case["id"], self.shard[1]) != self.shard[0]:
                return False
            return True
        return wants

    def apply(self, cases: list[dict]) -> list[dict]:
        self.check({area_of(c["id"]) for c in cases})
        wants = self._predicate()
        return [c for c in cases if wants(c)]

    def choose(self, cases: list[dict]) -> list[dict]:
        """`apply`, refusing a selection that matches no case (with hints)."""
        chosen = self.apply(cases)
        if not chosen:
            raise SelectionError(why_empty(self, cases))
        return chosen

    @property
    def is_everything(self) -> bool:
        """Whether the selection (shard aside) takes the whole suite."""
        return self.whole().as_json() == Selection().as_json()

    def whole(self) -> Selection:
        """The same selection over all shards."""
        return replace(self, shard=None)

    def as_json(self) -> dict:
        """What the selection takes, shard aside: recorded in results, so
        shards of different selections are never merged."""
        return {"areas": sorted(self.areas), "rules": sorted(self.rules),
                "ids": sorted(self.ids), "language": self.language,
                "version_sensitive": self.version_sensitive}

    @classmethod
    def from_json(cls, doc: dict, shard: tuple[int, int] | None = None) -> Selection:
        return cls(list(doc.get("areas", [])), list(doc.get("rules", [])),
                   list(doc.get("ids", [])), doc.get("language"),
                   bool(doc.get("version_sensitive", False)), shard)

    def describe(self) -> str:
        """The selection as command-line options ('' for everything)."""
        parts = [f"--area {a}" for a in self.areas]
        parts += [f"--rule {r!r}" for r in self.rules] + [f"--id {i!r}" for i in self.ids]
        if self.language:
            parts.append(f"--language {self.language!r}")
        if self.version_sensitive:
            parts.append("--version-sensitive")
        if self.shard:
            parts.append(f"--shard {self.shard[0]}/{self.shard[1]}")
        return " ".join(parts)


def why_empty(sel: Selection, cases: list[dict]) -> str:
    """Why a selection matches no case: the filter that matches nothing on
    its own, with the nearest names that exist, or the combination."""
    for rule in sel.rules:
        if not Selection(rules=[rule]).apply(cases):
            known = sorted({r for c in cases for r in c["rules"]})
            families = sorted({r.rsplit("-", 1)[0] + "-*" for r in known})
            return (f"--rule {rule!r} matches no rule of the suite"
                    + _nearest(rule.upper(), families + known))
    for pattern in sel.ids:
        if not Selection(ids=[pattern]).apply(cases):
            return (f"--id {pattern!r} matches no case id (ids are case-sensitive)"
                    + _nearest(pattern, _id_candidates(pattern, cases)))
    alone = []
    for name, part in (("area", Selection(areas=sel.areas)), ("rule", Selection(rules=sel.rules)),
                       ("id", Selection(ids=sel.ids)),
                       ("language", Selection(language=sel.language)),
                       ("version-sensitive", Selection(version_sensitive=sel.version_sensitive))):
        if part.as_json() != Selection().as_json():
            n = len(part.apply(cases))
            if not n:
                return f"the selection matches no case: its {name} filter alone matches none"
            alone.append(f"{part.describe()} alone: {n}")
    return (f"the selection matches no case: no case satisfies all of {sel.describe() or 'it'}"
            + (f" ({'; '.join(alone)})" if alone else ""))


def _nearest(text: str, candidates: list[str]) -> str:
    near = difflib.get_close_matches(text, candidates, n=5, cutoff=0.5)
    if not near:
        near = difflib.get_close_matches(text.lower(), [c.lower() for c in candidates],
                                         n=5, cutoff=0.5)
        upper = {c.lower(): c for c in candidates}
        near = [upper[n] for n in near]
    return f"; nearest: {', '.join(near)}" if near else ""


def _id_candidates(pattern: str, cases: list[dict]) -> list[str]:
    """Ids to suggest from: the cases of the pattern's template when it
    names one, else every template and area as a glob."""
    ids = [c["id"] for c in cases]
    template = "/".join(pattern.split("/")[:2])
    same = [i for i in ids if i.startswith(template + "/")]
    if same and not any(ch in template for ch in "*?["):
        return same
    templates = {"/".join(i.split("/")[:2]) for i in ids}
    return sorted({t + "/*" for t in templates} | {area_of(i) + "/*" for i in ids})


# Language versions a constraint can name: every CPython 3.x we could meet.
_LANGUAGES = [f"3.{minor}" for minor in range(6, 20)]


def runs_within(case: dict, constraint: str) -> bool:
    """Whether some language version allowed by `constraint` runs the case."""
    allowed = [v for v in _LANGUAGES if satisfies({"language": constraint}, v)]
    return any(satisfies(case.get("requires"), v) for v in allowed)
