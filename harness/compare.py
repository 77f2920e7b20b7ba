"""Compare what an implementation did with what CPython did.

Which CPython? The oracle of the same language version and word size when one
was recorded, else the closest (spec/protocol.md section 9).

When the implementation's own version and word size were recorded (`exact`),
a case is judged by that version's answer on that platform only: a case
its oracle did not record (an older Pyodide lacked the exporter, say) is
judged by an answer derived soundly or not at all. The one derivation: the
nearest oracles of the same platform on both sides of the version recorded
the same outcomes, so nothing changed across it. Otherwise the case is
unsupported, "not recorded for this oracle", never judged by another
version's or platform's answer.

When it was not (MicroPython claims 3.4; the reference modelling 3.14 on
64-bit), every answer is another version's: the closest oracle judges, and a
case it did not run falls back to the next closest that did, and the result
says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import values
from .cases import Oracle, version_tuple
from .runner import Hello

PASS = "pass"
MESSAGE = "message"
FAIL = "fail"


def oracle_ranking(hello: Hello, oracles: list[Oracle], prefer: str | None = None) -> list[Oracle]:
    """Oracles from the best match for this implementation to the worst."""
    lang = version_tuple(hello.language)[:2]

    def distance(o: Oracle) -> tuple:
        ol = o.language_tuple[:2]
        return (o.name != prefer,
                o.platform != hello.platform,
                abs((ol[0] * 100 + ol[1]) - (lang[0] * 100 + lang[1])),
                ol < lang,                         # on a tie, the newer one
                o.version != hello.version,
                -len(o.exporters),                 # the one that ran the most
                o.name)
    return sorted(oracles, key=distance)


@dataclass(frozen=True)
class Expected:
    """The outcomes that judge a case, and whose they are: one oracle's, or
    (derived) those two oracles on both sides of the version both recorded."""
    oracles: tuple[str, ...]
    outcomes: list

    @property
    def label(self) -> str:
        """How a report names it: 'cpython-3.11.2-64le', or for a derived one
        'cpython-3.11.2-32le = cpython-3.13.2-32le'."""
        return " = ".join(self.oracles)


def is_exact(hello: Hello, ranking: list[Oracle]) -> bool:
    """Whether an oracle of the implementation's own language version and
    platform was recorded (it is then the best ranked, unless the run
    prefers another)."""
    return bool(ranking) and ranking[0].platform == hello.platform and \
        ranking[0].language_tuple[:2] == version_tuple(hello.language)[:2]


def recorded(case: dict) -> dict[str, list]:
    """Each oracle that recorded the case: its outcomes."""
    return {name: g["outcomes"] for g in case.get("expect") or [] for name in g["oracles"]}


def bracket(case: dict, ranking: list[Oracle]) -> tuple[Oracle | None, Oracle | None]:
    """The nearest oracles of the best one's platform, older and newer in
    language than it, that recorded the case (None for a side without one)."""
    best = ranking[0]
    lang, got = best.language_tuple[:2], recorded(case)
    mine = [o for o in ranking if o.platform == best.platform and o.name in got]
    older = [o for o in mine if o.language_tuple[:2] < lang]
    newer = [o for o in mine if o.language_tuple[:2] > lang]
    key = lambda o: version_tuple(o.version)  # noqa: E731
    return (max(older, key=key) if older else None, min(newer, key=key) if newer else None)


def exact_expected(case: dict, ranking: list[Oracle]) -> Expected | None:
    """The outcomes of the best oracle's language version on its platform:
    recorded by an oracle of it, or derived from the two either side."""
    best, got = ranking[0], recorded(case)
    for o in ranking:
        if o.platform == best.platform and o.language_tuple[:2] == best.language_tuple[:2] \
                and o.name in got:
            return Expected((o.name,), got[o.name])
    older, newer = bracket(case, ranking)
    if older and newer and got[older.name] == got[newer.name]:
        return Expected((older.name, newer.name), got[older.name])
    return None


def expected_for(case: dict, ranking: list[Oracle],
                 changing_rules: frozenset[str] = frozenset(),
                 exact: bool = False) -> Expected | None:
    """What judges the case: with `exact`, exact_expected(); else the
    best-ranked oracle that ran the case.

    Only oracles of the best one's platform are candidates: a 32-bit answer
    is not the expectation for a 64-bit implementation, nor the reverse.
    Nor is a 3.11 answer the expectation for 3.12 where the case exercises a
    rule that changed between versions: a case citing one of
    `changing_rules` (the spec's rules with a **Versions.** note) falls back
    only to oracles of the best one's language version.
    """
    if not ranking:
        return None
    if exact:
        return exact_expected(case, ranking)
    best, got = ranking[0], recorded(case)
    pinned = not changing_rules.isdisjoint(case.get("rules", ()))
    for o in ranking:
        if o.platform != best.platform:
            break
        if pinned and o.language_tuple[:2] != best.language_tuple[:2]:
            continue
        if o.name in got:
            return Expected((o.name,), got[o.name])
    return None


@dataclass
class StepDiff:
    step: int
    expected: object
    actual: object
    kind: str          # "message" or "fail"


@dataclass
class Verdict:
    status: str
    diffs: list[StepDiff] = field(default_factory=list)


def same_value(a: object, b: object) -> bool:
    try:
        return values.canonical(a) == values.canonical(b)
    except values.ValueFormatError:
        return False


def compare_outcome(expected: dict, actual: dict) -> str:
    """PASS, MESSAGE (only the exception message differs) or FAIL."""
    if "any" in expected:
        kinds = [compare_outcome(e, actual) for e in expected["any"]]
        return PASS if PASS in kinds else MESSAGE if MESSAGE in kinds else FAIL
    if "value" in expected:
        return PASS if "value" in actual and same_value(expected["value"], actual["value"]) else FAIL
    if "raises" in expected:
        if "raises" not in actual or actual["raises"]["type"] != expected["raises"]["type"]:
            return FAIL
        return PASS if actual["raises"]["message"] == expected["raises"]["message"] else MESSAGE
    return PASS if expected == actual else FAIL


def compare(expected: list[dict], actual: list[dict], strict: bool) -> Verdict:
    diffs = []
    for i, (e, a) in enumerate(zip(expected, actual)):
        kind = compare_outcome(e, a)
        if kind != PASS:
            diffs.append(StepDiff(i, e, a, kind))
    if any(d.kind == FAIL for d in diffs) or (diffs and strict):
        return Verdict(FAIL, diffs)
    return Verdict(MESSAGE if diffs else PASS, diffs)
