"""The conformance suite as tests: one test per case, its id the case id.

`pytest tests/test_conformance.py -k 'slicing/'` runs one area. The suite is
run once per implementation (through its adapter, as `make conformance`
does); each test then checks its own case on every implementation here: the
C reference (held to CPython's exact messages) through its driver and through
mvref (the same library as a Python module, over CPython's own exporters), and
the CPython that records.
"""

import pytest

from harness import cases, impls, report, session

SUITE = cases.load_suite()
BY_ID = SUITE.by_id()
IMPLS = ["reference", "mvref", "cpython"]
_runs = {}


def run_of(name):
    if name not in _runs:
        impl = impls.resolve(name)
        _runs[name] = {r.id: r for r in session.run(impl, SUITE, SUITE.cases).results}
    return _runs[name]


@pytest.mark.parametrize("case_id", list(BY_ID))
def test_case(case_id):
    problems = []
    for impl in IMPLS:
        result = run_of(impl)[case_id]
        if result.status == "unsupported":
            # Only what the harness says may excuse a case: a language
            # version, an oracle that could not run it, or a missing
            # exporter where the implementation says so (the reference
            # models every exporter of its platform, and mvref has
            # CPython's own).
            excused = result.detail.startswith(("needs language", "no oracle of")) or (
                impl == "cpython" and result.detail.startswith("no exporter"))
            if not excused:
                problems.append(f"{impl}: unsupported: {result.detail}")
        elif result.status != "pass":
            problems.append(f"{impl}:\n{report.failure_text(result, BY_ID[case_id])}")
    assert not problems, "\n".join(problems)
