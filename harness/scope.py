"""What a run claims to cover: which suite, which selection, which shard.

Every results file records its scope, so that shards run on different
machines can be checked before they are merged (the same suite, the same
selection, each shard once) and a gate knows whether the run it judges
covers the whole selection or only a part of it:

    "scope": {"suite": "sha256:9f2c...", "suite_cases": 26580,
              "selection": {"areas": ["slicing"], "rules": [], ...},
              "shard": "2/3", "selected": 1201, "strict_messages": false}

A merged run records `"shards": {"of": 3, "present": [1, 2, 3]}` instead of
`shard`; it covers its selection only when every shard is present.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from .cases import ORACLES_FILE, CaseFileError, case_files
from .select import Selection, parse_shard
from .session import RunResult


class ScopeError(ValueError):
    """Results that cannot be merged or judged together; says why."""


def suite_hash(directory: Path) -> str:
    """A digest of the recorded suite: its oracle list and every case file,
    byte for byte (the files are byte-identical when regenerated)."""
    h = hashlib.sha256()
    for path in [directory / ORACLES_FILE] + case_files(directory):
        h.update(path.name.encode() + b"\0")
        try:
            with open(path, "rb") as f:         # in pieces: the full profile is 288 MB
                while chunk := f.read(1 << 20):
                    h.update(chunk)
        except OSError as e:
            raise CaseFileError(f"{path}: cannot read: {e}") from None
        h.update(b"\0")
    return "sha256:" + h.hexdigest()


@dataclass
class Scope:
    suite: str                          # suite_hash of the cases run
    suite_cases: int                    # cases in that suite
    selection: Selection                # with the shard, if any
    selected: int                       # cases the selection (and shard) took
    strict: bool = False                # messages held to CPython's words
    shards_of: int | None = None        # a merged run: N ...
    shards_present: tuple[int, ...] = ()   # ... and which of 1..N came

    @property
    def missing_shards(self) -> list[int]:
        if self.shards_of is None:
            return []
        return [i for i in range(1, self.shards_of + 1) if i not in self.shards_present]

    @property
    def claims_whole_suite(self) -> bool:
        """A run of every case: no filter, no single shard, no shard missing."""
        return (self.selection.is_everything and self.selection.shard is None
                and not self.missing_shards)

    def to_json(self) -> dict:
        doc = {"suite": self.suite, "suite_cases": self.suite_cases,
               "selection": self.selection.as_json(),
               "shard": (f"{self.selection.shard[0]}/{self.selection.shard[1]}"
                         if self.selection.shard else None),
               "selected": self.selected, "strict_messages": self.strict}
        if self.shards_of is not None:
            doc["shards"] = {"of": self.shards_of, "present": list(self.shards_present)}
        return doc

    @classmethod
    def from_json(cls, doc: dict) -> Scope:
        shard = parse_shard(doc["shard"]) if doc.get("shard") else None
        shards = doc.get("shards")
        return cls(str(doc["suite"]), int(doc["suite_cases"]),
                   Selection.from_json(doc["selection"], shard), int(doc["selected"]),
                   bool(doc.get("strict_messages", False)),
                   int(shards["of"]) if shards else None,
                   tuple(int(i) for i in shards["present"]) if shards else ())


def merge(parts: list[tuple[Path, RunResult, Scope | None]]) -> tuple[RunResult, Scope]:
    """Shards of one run as one run, in time linear in the results.

    Refuses results of different implementations, suites or selections, a
    shard given twice, and a mix of shards and whole runs; a missing shard
    is not refused here but recorded, so the report can say what is
    missing and the gate can fail on it.
    """
    if not parts:
        raise ScopeError("nothing to merge")
    for path, _, scope in parts:
        if scope is None:
            raise ScopeError(f"{path}: the results say nothing of their suite and shard "
                             "(written by an older harness): run it again")
    path0, first, scope0 = parts[0]
    assert scope0 is not None
    for path, run, scope in parts[1:]:
        assert scope is not None
        if run.impl.name != first.impl.name or run.hello.raw != first.hello.raw:
            raise ScopeError(f"{path}: results of {run.impl.name} ({run.hello.version}), "
                             f"{path0}: of {first.impl.name} ({first.hello.version}): "
                             "merge the shards of one implementation")
        if scope.suite != scope0.suite:
            raise ScopeError(f"a mixed suite: {path} ran suite {scope.suite[:19]}..., "
                             f"{path0} ran {scope0.suite[:19]}...: run every shard on one suite")
        if scope.selection.as_json() != scope0.selection.as_json():
            raise ScopeError(f"a mixed selection: {path} ran "
                             f"{scope.selection.whole().describe() or 'everything'!r}, "
                             f"{path0} ran {scope0.selection.whole().describe() or 'everything'!r}")
        if scope.strict != scope0.strict:
            raise ScopeError(f"{path} and {path0} differ in --strict-messages")
    shards = [s.selection.shard for _, _, s in parts]      # type: ignore[union-attr]
    if None in shards:
        if len(parts) > 1:
            whole = [str(p) for p, _, s in parts if s.selection.shard is None]   # type: ignore[union-attr]
            raise ScopeError(f"{whole[0]} is a whole run, not a shard: merge only shards "
                             "(or give the whole run alone)")
        return first, scope0
    counts = {n for _, n in shards}                        # type: ignore[misc]
    if len(counts) > 1:
        raise ScopeError(f"shards of different cuts ({', '.join(f'of {n}' for n in sorted(counts))}): "
                         "every shard must be I/N with the same N")
    n = counts.pop()
    seen: dict[int, Path] = {}
    for (path, _, _), (i, _) in zip(parts, shards):        # type: ignore[misc]
        if i in seen:
            raise ScopeError(f"shard {i}/{n} given twice: {seen[i]} and {path}")
        seen[i] = path
    results = [r for _, run, _ in parts for r in run.results]
    ids = {r.id for r in results}
    if len(ids) != len(results):
        raise ScopeError("a case is in two of the shards: were they cut from one suite?")
    results.sort(key=lambda r: r.id)
    merged = RunResult(first.impl, first.hello, first.oracle, results,
                       max(run.seconds for _, run, _ in parts),
                       sum(run.restarts for _, run, _ in parts),
                       [p for _, run, _ in parts for p in run.exit_problems])
    scope = replace(scope0, selection=scope0.selection.whole(),
                    selected=sum(s.selected for _, _, s in parts),   # type: ignore[union-attr]
                    shards_of=n, shards_present=tuple(sorted(seen)))
    return merged, scope
