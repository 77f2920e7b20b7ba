"""The conformance suite as tests: one test per case and implementation.

Test ids are case ids, so `pytest -k 'slicing/'` runs one area. The suite is
run once per implementation (through its adapter, as `make conformance`
does); each test then reports its own case's result.
"""

import pytest

from harness import cases, impls, report, session

SUITE = cases.load_suite()
BY_ID = SUITE.by_id()
IMPLS = ["reference", "cpython"]
_runs = {}


def run_of(name):
    if name not in _runs:
        impl = impls.resolve(name)
        _runs[name] = {r.id: r for r in session.run(impl, SUITE, SUITE.cases).results}
    return _runs[name]


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("case_id", list(BY_ID))
def test_case(impl, case_id):
    result = run_of(impl)[case_id]
    if result.status == "unsupported":
        # Only a missing exporter may excuse a case, and only where the
        # implementation says it lacks it (the reference models every kind).
        assert impl != "reference", f"the reference does not support {case_id}: {result.detail}"
        assert result.detail.startswith("no exporter"), result.detail
        return
    assert result.status == "pass", report.failure_text(result, BY_ID[case_id])
