"""Known divergences of an implementation, kept in a file, and the gate.

An implementer's CI already knows some cases do not pass. The expectations
file lists them, one case a line, sorted, so that a pull request that
changes it shows exactly which cases started or stopped failing:

    # mvspec expectations for pypy (known divergences; one case a line)
    allow unsupported-growth  # optional: dropping support is not a regression
    export/bytearray-resize-locked/resize=call:append(33),holder=view  fail
    indexing/int-key/x=bytes5,key=5  crash
    numpy/.../x=...  unsupported
    slicing/.../key=slice(...)  pass|timeout  # why the case may go either way

A case that is not listed is expected to pass. A line names every status
the case is known to have (`message`, `fail`, `unsupported`, `crash`,
`timeout`, `protocol-error`); several, joined by `|`, are allowed
alternatives, and must say why in a comment. A comment on the lines just
above an entry belongs to it and is kept with it.

The gate (`gate`) compares a run with the file, case by case:

    status now                      listed as             verdict
    the listed one (or one of them) anything              as expected
    pass (message: not strict)      anything else         better (reported)
    message, not strict             pass                  moved (reported)
    unsupported                     anything else         regression, unless
                                                          unsupported growth is
                                                          allowed
    fail/crash/timeout/             pass, message (not    regression
    protocol-error (message,        strict), unsupported
    strict)                         another failing one   moved (reported)
    not run, though the run         anything              regression
    claims the case

It fails on a regression; on a run where no case ran at all; and, when the
run claims the whole suite, on listed ids the suite does not have. With
`exact` (the matrix's gate), any difference from the file fails: the files
then always say what each implementation does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .cases import ROOT
from .session import STATUSES, CaseResult

EXPECTATIONS_DIR = ROOT / "conformance" / "expectations"
ALLOW_GROWTH = "allow unsupported-growth"
_ENTRY = re.compile(r"^(\S+)\s+(\S+)\s*(?:#\s?(.*))?$")
_DIRECTIVE = re.compile(r"^(allow\s+\S+)\s*(?:#\s?(.*))?$")

# Verdicts of one case.
SAME, BETTER, MOVED = "same", "better", "moved"
NEW_FAILURE, UNSUPPORTED_GROWTH, NOT_RUN = "new-failure", "unsupported-growth", "not-run"
ALLOWED_UNSUPPORTED = "allowed-unsupported"
REGRESSIONS = (NEW_FAILURE, UNSUPPORTED_GROWTH, NOT_RUN)


class ExpectationsError(ValueError):
    """A malformed expectations file; says which line."""


@dataclass(frozen=True)
class Expectation:
    statuses: tuple[str, ...]        # allowed statuses, in the file's order
    reason: str = ""                 # the entry's trailing comment
    above: tuple[str, ...] = ()      # comment lines just above it

    def line(self, case_id: str) -> str:
        text = f"{case_id}  {'|'.join(self.statuses)}"
        return text + (f"  # {self.reason}" if self.reason else "")


PASS = Expectation(("pass",))


@dataclass
class Expectations:
    """The parsed file: entries by case id, directives, the header."""
    path: Path
    entries: dict[str, Expectation] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)
    allow_growth: str | None = None          # the directive's comment ('' if none)
    exists: bool = True

    def of(self, case_id: str) -> Expectation:
        return self.entries.get(case_id, PASS)


def default_path(impl_name: str) -> Path:
    return EXPECTATIONS_DIR / f"{impl_name}.txt"


def read(path: Path, missing_ok: bool = False) -> Expectations:
    """The file at `path`; a missing file is an error unless `missing_ok`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return Expectations(path, exists=False)
        raise ExpectationsError(f"{path}: no such expectations file "
                                "(create it with --update-expectations)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ExpectationsError(f"{path}: cannot read: {e}") from None
    return parse(path, text)


def parse(path: Path, text: str) -> Expectations:
    exp = Expectations(path)
    pending: list[str] = []
    in_header = True
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if in_header and (not line or line.startswith("#")):
            exp.header.append(raw.rstrip())
            continue
        if in_header:
            # The header ends at its last blank line: comments right above
            # the first entry are that entry's.
            in_header = False
            blank = max((i for i, h in enumerate(exp.header) if not h), default=-1)
            exp.header, pending = exp.header[:blank + 1], [h.strip() for h in exp.header[blank + 1:]]
        if not line:
            pending = []
            continue
        if line.startswith("#"):
            pending.append(line)
            continue
        where = f"{path}:{n}"
        d = _DIRECTIVE.match(line)
        if d and "/" not in line.split()[0]:
            if " ".join(d.group(1).split()) != ALLOW_GROWTH:
                raise ExpectationsError(f"{where}: unknown directive {d.group(1)!r} "
                                        f"(the one directive is {ALLOW_GROWTH!r})")
            exp.allow_growth = d.group(2) or ""
            pending = []
            continue
        exp_id, entry = _entry(line, where)
        if exp_id in exp.entries:
            raise ExpectationsError(f"{where}: {exp_id} is listed twice")
        exp.entries[exp_id] = Expectation(entry.statuses, entry.reason, tuple(pending))
        pending = []
    return exp


def _entry(line: str, where: str) -> tuple[str, Expectation]:
    m = _ENTRY.match(line)
    if not m or "/" not in m.group(1):
        raise ExpectationsError(f"{where}: want '<case id>  <status>[|<status>...]  [# why]' "
                                f"or {ALLOW_GROWTH!r}; got {line!r}")
    statuses = tuple(m.group(2).split("|"))
    bad = [s for s in statuses if s not in STATUSES]
    if bad or len(set(statuses)) != len(statuses):
        raise ExpectationsError(f"{where}: status {m.group(2)!r}: each of "
                                f"{', '.join(STATUSES)}, at most once; got {line!r}")
    if statuses == ("pass",):
        raise ExpectationsError(f"{where}: a case not listed is expected to pass; "
                                f"remove the line {line!r}")
    reason = (m.group(3) or "").strip()
    if len(statuses) > 1 and not reason:
        raise ExpectationsError(f"{where}: alternatives {m.group(2)!r} need a reason: "
                                f"add '# why the case may go either way'")
    return m.group(1), Expectation(statuses, reason)


def render(exp: Expectations, impl_name: str, oracle: str) -> str:
    header = exp.header if exp.exists else [
        f"# mvspec expectations for {impl_name}, compared with {oracle}: the cases",
        "# that do not pass, one a line; a case not listed is expected to pass.",
        "# A run with --gate fails when a case does worse than listed here.",
        "# Rewrite the lines of the cases a run selects with:",
        "#   python3 -m harness run ... --update-expectations",
        ""]
    lines = list(header)
    if header and header[-1].strip() and (exp.entries or exp.allow_growth is not None):
        lines.append("")
    if exp.allow_growth is not None:
        lines.append(ALLOW_GROWTH + (f"  # {exp.allow_growth}" if exp.allow_growth else ""))
        lines.append("")
    for case_id in sorted(exp.entries):
        e = exp.entries[case_id]
        lines += list(e.above) + [e.line(case_id)]
    return "".join(line + "\n" for line in lines)


@dataclass
class Update:
    added: list[tuple[str, str]] = field(default_factory=list)          # id, status
    removed: list[tuple[str, str]] = field(default_factory=list)        # id, was
    changed: list[tuple[str, str, str]] = field(default_factory=list)   # id, was, now
    dropped: list[str] = field(default_factory=list)                    # not in the suite

    def text(self, path: Path, limit: int = 20) -> str:
        out = [f"{path}: {len(self.added)} added, {len(self.removed)} removed (now pass), "
               f"{len(self.changed)} changed, {len(self.dropped)} dropped (not in the suite)"]
        for sign, rows in (("+", [f"{i}  {s}" for i, s in self.added]),
                           ("-", [f"{i}  {s}" for i, s in self.removed]),
                           ("~", [f"{i}  {a} -> {b}" for i, a, b in self.changed]),
                           ("-", [f"{i}  (not in the suite)" for i in self.dropped])):
            out += [f"  {sign} {r}" for r in rows[:limit]]
            if len(rows) > limit:
                out.append(f"  {sign} ... and {len(rows) - limit} more")
        return "\n".join(out)


def update(exp: Expectations, results: list[CaseResult], claimed: set[str],
           suite_ids: set[str] | None) -> Update:
    """Rewrite the entries of the claimed cases from their results, in place.

    Entries of cases the run did not select are kept as they are; an entry
    whose case still has one of its listed statuses is kept with its
    alternatives and reason. With `suite_ids` (a run of the whole suite),
    entries of ids the suite does not have are dropped.
    """
    upd = Update()
    for r in results:
        if r.id not in claimed:
            continue
        old = exp.entries.get(r.id, PASS)
        if r.status in old.statuses:
            continue
        if old is PASS:
            old = None
        was = "|".join(old.statuses) if old else "pass"
        if r.status == "pass":
            del exp.entries[r.id]
            upd.removed.append((r.id, was))
            continue
        exp.entries[r.id] = Expectation((r.status,), "", old.above if old else ())
        if old:
            upd.changed.append((r.id, was, r.status))
        else:
            upd.added.append((r.id, r.status))
    if suite_ids is not None:
        upd.dropped = sorted(i for i in exp.entries if i not in suite_ids)
        for i in upd.dropped:
            del exp.entries[i]
    return upd


def write(exp: Expectations, impl_name: str, oracle: str) -> None:
    exp.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = exp.path.with_name(exp.path.name + ".tmp")
    tmp.write_text(render(exp, impl_name, oracle), encoding="utf-8")
    tmp.replace(exp.path)


# ------------------------------------------------------------------ gate ---

def judge(expected: tuple[str, ...], actual: str, strict: bool, allow_growth: bool) -> str:
    """The verdict on one case that ran (see the table at the top)."""
    if actual in expected:
        return SAME
    passing = ("pass",) if strict else ("pass", "message")
    if actual in passing:
        if actual == "message" and "pass" in expected:
            return MOVED
        return BETTER
    if actual == "unsupported":
        return ALLOWED_UNSUPPORTED if allow_growth else UNSUPPORTED_GROWTH
    if any(s in passing or s == "unsupported" for s in expected):
        return NEW_FAILURE
    return MOVED            # one failing status for another


@dataclass
class Verdict:
    id: str
    expected: tuple[str, ...]
    actual: str | None       # None: not run
    kind: str


@dataclass
class GateReport:
    path: Path
    verdicts: dict[str, Verdict]             # by case id: every judged case but
                                             # those that pass, unlisted (verdict())
    unknown: list[str] = field(default_factory=list)   # listed, not in the suite
    whole_suite: bool = False
    exact: bool = False
    nothing_ran: bool = False
    not_run_why: str = ""                    # e.g. which shards are missing

    def verdict(self, case_id: str) -> Verdict:
        return self.verdicts.get(case_id) or Verdict(case_id, PASS.statuses, "pass", SAME)

    def failing(self) -> set[str]:
        """The ids of the cases the gate fails on."""
        return {i for i, v in self.verdicts.items() if self.fails(v)}

    def of_kind(self, *kinds: str) -> list[Verdict]:
        return [v for v in self.verdicts.values() if v.kind in kinds]

    def fails(self, v: Verdict) -> bool:
        """Whether this case's verdict fails the gate."""
        return v.kind in REGRESSIONS or (self.exact and v.kind != SAME)

    @property
    def unknown_fails(self) -> bool:
        return bool(self.unknown) and (self.whole_suite or self.exact)

    @property
    def ok(self) -> bool:
        return (not any(self.fails(v) for v in self.verdicts.values())
                and not self.unknown_fails and not self.nothing_ran)


def gate(exp: Expectations, results: list[CaseResult], claimed: list[str],
         suite_ids: set[str] | None, *, strict: bool, whole_suite: bool,
         allow_growth: bool = False, exact: bool = False, not_run_why: str = "") -> GateReport:
    """Judge every claimed case of a run against the expectations.

    `suite_ids` are every id of the suite (None when a merge of part of a
    suite does not load it): listed ids outside it are reported, and fail
    the gate when the run claims the whole suite.
    """
    growth = allow_growth or exp.allow_growth is not None
    status = {r.id: r.status for r in results}
    rep = GateReport(exp.path, {}, whole_suite=whole_suite, exact=exact,
                     not_run_why=not_run_why)
    entries, verdicts = exp.entries, rep.verdicts
    for case_id in claimed:
        actual = status.get(case_id)
        if actual == "pass" and case_id not in entries:
            continue                # as expected, and the most common case by far
        expected = exp.of(case_id).statuses
        kind = NOT_RUN if actual is None else judge(expected, actual, strict, growth)
        verdicts[case_id] = Verdict(case_id, expected, actual, kind)
    unclaimed = set(status) - set(claimed)      # a result is judged, claimed or not
    for r in results:
        if r.id in unclaimed:
            expected = exp.of(r.id).statuses
            verdicts[r.id] = Verdict(r.id, expected, r.status,
                                     judge(expected, r.status, strict, growth))
    if suite_ids is not None:       # None: a part of a suite not at hand
        rep.unknown = sorted(i for i in entries if i not in suite_ids)
    rep.nothing_ran = bool(claimed) and all(s == "unsupported" for s in status.values())
    return rep


LISTED_PER_GROUP = 50


def gate_text(rep: GateReport) -> str:
    out = []

    def group(title: str, rows: list[str]) -> None:
        if rows:
            out.append(f"GATE: {len(rows)} {title}:")
            out.extend(f"  {r}" for r in rows[:LISTED_PER_GROUP])
            if len(rows) > LISTED_PER_GROUP:
                out.append(f"  ... and {len(rows) - LISTED_PER_GROUP} more (all in the JUnit "
                           "report and the results JSON)")

    def rows(*kinds: str) -> list[str]:
        return [f"{v.id}  {'|'.join(v.expected)} -> {v.actual or 'not run'}"
                for v in rep.of_kind(*kinds)]
    where = rep.path
    group(f"new failing cases (worse than {where})", rows(NEW_FAILURE))
    group(f"cases now unsupported (worse than {where}; --allow-unsupported-growth "
          "or the line 'allow unsupported-growth' accepts it)", rows(UNSUPPORTED_GROWTH))
    group("cases expected but not run" + (f" ({rep.not_run_why})" if rep.not_run_why else ""),
          rows(NOT_RUN))
    group("cases now unsupported (allowed)", rows(ALLOWED_UNSUPPORTED))
    group("cases changed how they differ", rows(MOVED))
    group("cases got better (record it with --update-expectations)", rows(BETTER))
    if rep.unknown:
        group("listed cases are not in the suite"
              + ("" if rep.unknown_fails else " (ignored: the run does not claim the whole suite)"),
              rep.unknown)
    if rep.nothing_ran:
        out.append("GATE: no case ran: every case was unsupported")
    known = sum(1 for v in rep.of_kind(SAME) if v.actual != "pass")
    if rep.ok:
        out.append(f"GATE: pass (nothing worse than {where}; {known} known divergences)")
    else:
        why = "any difference from the file fails" if rep.exact else "regressions"
        out.append(f"GATE: FAIL ({why}; see above)")
    return "\n".join(out)
