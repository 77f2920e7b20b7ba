"""Compare what an implementation did with what CPython did.

Which CPython? The oracle of the same language version and word size when one
was recorded, else the closest (spec/protocol.md section 9). A case that the
chosen oracle could not run (it lacked numpy, say) is compared with the next
closest oracle that did, and the result says which.
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


def expected_for(case: dict, ranking: list[Oracle],
                 changing_rules: frozenset[str] = frozenset()) -> tuple[str, list] | None:
    """(oracle name, outcomes) from the best-ranked oracle that ran the case.

    Only oracles of the best one's platform are candidates: a 32-bit answer
    is not the expectation for a 64-bit implementation, nor the reverse.
    Nor is a 3.11 answer the expectation for 3.12 where the case exercises a
    rule that changed between versions: a case citing one of
    `changing_rules` (the spec's rules with a **Versions.** note) falls back
    only to oracles of the best one's language version.
    """
    groups = case.get("expect") or []
    if not ranking:
        return None
    best = ranking[0]
    pinned = not changing_rules.isdisjoint(case.get("rules", ()))
    for o in ranking:
        if o.platform != best.platform:
            break
        if pinned and o.language_tuple[:2] != best.language_tuple[:2]:
            continue
        for g in groups:
            if o.name in g["oracles"]:
                return o.name, g["outcomes"]
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
