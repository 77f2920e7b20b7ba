"""The conformance suite as tests: one test per case, its id the case id.

`pytest tests/test_conformance.py -k 'slicing/'` runs one area. The suite is
run once per implementation (through its adapter, as `make conformance`
does); each test then checks its own case on every implementation here: the
C reference (held to CPython's exact messages) through its driver and through
mvref (the same library as a Python module, over CPython's own exporters), and
the CPython that records.

The runs are a module fixture, not module globals: pytest drops them when
this module's last test is done, so that the tests after it do not carry
three runs of the whole suite in their heap.
"""

import pytest

from harness import cases, impls, report, session

IMPLS = ["reference", "mvref", "cpython"]
# Read to name the tests; not kept (the `suite` fixture is the one used).
CASE_IDS = [c["id"] for c in cases.load_suite().cases]


@pytest.fixture(scope="module")
def runs(suite):
    """Each implementation's results by case id, and the cases by id."""
    by_impl = {}
    for name in IMPLS:
        run = session.run(impls.resolve(name), suite, suite.cases)
        by_impl[name] = {r.id: r for r in run.results}
    return by_impl, suite.by_id()


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case(case_id, runs):
    by_impl, by_id = runs
    problems = []
    for impl in IMPLS:
        result = by_impl[impl][case_id]
        if result.status == "unsupported":
            # Only what the harness says may excuse a case: a language
            # version, an oracle that could not run it (nor one of the same
            # version and platform, compare.exact_expected), or a missing
            # exporter where the implementation says so (the reference
            # models every exporter of its platform, and mvref has
            # CPython's own).
            excused = result.detail.startswith(
                ("needs language", "no oracle of", "not recorded for this oracle")) or (
                impl == "cpython" and result.detail.startswith("no exporter"))
            if not excused:
                problems.append(f"{impl}: unsupported: {result.detail}")
        elif result.status != "pass":
            problems.append(f"{impl}:\n{report.failure_text(result, by_id[case_id])}")
    assert not problems, "\n".join(problems)
