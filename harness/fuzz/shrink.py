"""Shrink a failing case of the suite against one implementation.

    >>> from harness.fuzz.shrink import shrink
    >>> result = shrink(case, "pypy")        # a case dict of conformance/, an implementation
    >>> result.case                          # the smallest case that still fails the same way

A shrunk case has no recorded outcome, so CPython runs live beside the
candidate: the CPython whose recording `harness run` would compare the
candidate with (compare.oracle_ranking, compare.expected_for), through its
own adapter -- or in this process, when that CPython is the one running the
harness. The candidate runs through its adapter. "The same way" is the same
step of the original failing (reduce.py never removes it) with the same kind
of difference (differ.Difference.signature); a case whose recorded verdict is
a message-only difference is shrunk with messages compared.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .. import cases as casesmod
from .. import compare, impls, reproduce, spec
from ..runner import Reply
from ..session import judge as judge_recorded
from . import reduce, sides
from .differ import Trial, judge, run_both
from .findings import as_case, reproducer, template_entry


class ShrinkError(ValueError):
    """The case cannot be shrunk here; says why."""


@dataclass
class Shrunk:
    """A case before and after shrinking."""
    before: dict
    before_trial: Trial
    impl: str
    oracle: str
    case: dict | None = None            # the shrunk case; None if the case does not diverge
    trial: Trial | None = None
    tests: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def diverges(self) -> bool:
        return self.case is not None

    def text(self) -> str:
        lines = [f"# shrink {self.before['id']} on {self.impl}, against {self.oracle} live"]
        lines += [f"# {n}" for n in self.notes]
        if self.case is None or self.trial is None:
            lines += reproduce.comment("it does not diverge here: "
                                       + (self.before_trial.skipped or "the outcomes agree"))
            return "\n".join(lines)
        d = self.trial.difference
        assert d is not None
        lines += [f"# BEFORE: {len(self.before['setup'])} exporters, "
                  f"{len(self.before['steps'])} steps",
                  reproducer(self.before, self.before_trial, self.oracle),
                  f"# AFTER: {len(self.case['setup'])} exporters, {len(self.case['steps'])} "
                  f"steps ({self.tests} programs tried in {self.seconds:.1f} s; {d.text()})",
                  reproducer(self.case, self.trial, self.oracle),
                  "# the case line:", casesmod.dumps(self.case)]
        entry = template_entry(self.case)
        if entry:
            lines += [f"# the template entry (spec/templates/{casesmod.area_of(self.case['id'])}"
                      ".toml):", entry]
        return "\n".join(lines)


def resolve(impl: impls.Impl | str) -> impls.Impl:
    if isinstance(impl, impls.Impl):
        return impl
    return impls.mvref_impl() if impl == "mvref" else impls.resolve(impl)


def live_oracle(name: str, oracles: list[casesmod.Oracle], timeout: float) -> sides.Side:
    """A live CPython for a recorded oracle's name."""
    oracle = next((o for o in oracles if o.name == name), None)
    if oracle is None:
        raise ShrinkError(f"the suite names no oracle {name!r}")
    if oracle.implementation == "cpython" and (oracle.version, oracle.platform) == \
            sides.this_interpreter():
        return sides.builtin_side()
    argv = sides.live_command(oracle)
    if argv is None:
        raise ShrinkError(f"no CPython {oracle.language} ({oracle.platform}) runs here to "
                          f"stand for {name}")
    return sides.ViaAdapter(impls.Impl(name, argv), timeout=timeout)


def shrink(case: dict, impl: impls.Impl | str, *, oracles: list[casesmod.Oracle] | None = None,
           strict: bool | None = None, timeout: float = 10.0,
           seconds: float = 300.0) -> Shrunk:
    """The smallest case that fails on `impl` as `case` does (see the top)."""
    impl = resolve(impl)
    oracles = oracles if oracles is not None else casesmod.read_oracles(casesmod.CONFORMANCE_DIR)
    before = {k: case[k] for k in ("id", "rules", "setup", "steps") if k in case}
    candidate = sides.ViaAdapter(impl, timeout=timeout)
    oracle_side = None
    try:
        ranking = compare.oracle_ranking(candidate.hello, oracles)
        exact = compare.is_exact(candidate.hello, ranking)
        expected = compare.expected_for(case, ranking, spec.changing_rules(), exact)
        if expected is None:
            raise ShrinkError(f"no recorded outcome of {case['id']} judges {impl.name}")
        # A derived expectation is two oracles' shared answer: either stands for it live.
        name = expected.oracles[0]
        notes = []
        first_answer = candidate.run(before)
        recorded = judge_recorded(case, _reply(before, first_answer), ranking,
                                  impl.strict if strict is None else strict, exact)
        notes.append(f"the suite's verdict: {recorded.status}"
                     + (f" (compared with {recorded.oracle})" if recorded.oracle else ""))
        if strict is None:
            strict = impl.strict or recorded.status == compare.MESSAGE
        oracle_side = live_oracle(name, oracles, timeout)
        first = judge(before, oracle_side.run(before), first_answer, strict)
        result = Shrunk(before, first, impl.name, name, notes=notes)
        if first.difference is None:
            return result
        signature, keep = first.difference.signature, first.difference.step
        started = time.monotonic()

        def still(c: dict, origin: list[int]) -> bool:
            t = run_both(c, oracle_side, candidate, strict)
            if t.difference is None or t.difference.signature != signature:
                return False
            return keep is None or origin[t.difference.step] == keep
        budget = reduce.Budget(seconds=seconds)
        reduced = reduce.reduce(before, still, keep, budget)
        final = run_both(reduced, oracle_side, candidate, strict)
        if final.difference is None or final.difference.signature != signature:
            reduced, final = before, first          # never show what does not reproduce
            notes.append("the shrunk case did not reproduce: shown as it was")
        result.case = as_case(reduced, final.difference.step, rules=before["rules"],
                              area=casesmod.area_of(before["id"]), prefix="shrunk")
        result.trial, result.tests = final, budget.used
        result.seconds = time.monotonic() - started
        return result
    finally:
        candidate.close()
        if oracle_side is not None:
            oracle_side.close()


def _reply(case: dict, answer: sides.Answer) -> Reply:
    return Reply(case["id"], answer.status, answer.outcomes, answer.detail)
