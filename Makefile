# mvspec — the executable specification of Python's memoryview.
#
#   make conformance   build the C reference, run the suite on it and on CPython
#   make check         every test and every gate (what .ci/run runs)
#   make valgrind | sanitize | coverage | allocfail | warnings | cppcheck
#                      one gate alone
#   make cases         regenerate conformance/ from spec/ on every CPython here
#                      (Debian's, pyenv's, and Pyodide's 32-bit CPython 3.14)
#   make impls         install PyPy, Pyodide, MicroPython and Brython, pinned
#   make matrix        every implementation installed, as a table and an HTML page,
#                      gated on conformance/expectations/ (make matrix-expectations
#                      rewrites those files)
#   make bench         cases per second of the reference and CPython adapters
#
# Each target first makes sure the Debian packages it needs are installed
# (harness/bin/deps), then picks a Python that has what it needs
# (harness/bin/find-python): `python3` on PATH may be another interpreter.

SHELL := /bin/sh
.DEFAULT_GOAL := conformance

DEPS := harness/bin/deps
# Recursive (=): evaluated when a recipe runs, after the deps are installed.
PY = $(shell harness/bin/find-python tomllib numpy)
PYTEST = $(shell harness/bin/find-python tomllib numpy pytest) -m pytest

# Extra arguments for the harness, e.g. make conformance ARGS='--area seed'.
ARGS ?=
# Implementations `make conformance` runs (harness/impls.py explains names).
IMPLS ?= reference mvref cpython

include reference/build.mk
include reference/python/build.mk

.PHONY: all deps-core deps-test deps-gates deps-browser reference conformance \
        check test cases matrix matrix-expectations bench bench-harness clean gates impls mvref

all: reference

deps-core:
	@$(DEPS) core
deps-test: deps-core
	@$(DEPS) test
deps-gates: deps-core
	@$(DEPS) gates
deps-browser: deps-core
	@$(DEPS) browser

# pypy3 from apt; Pyodide, MicroPython and Brython from npm at the versions
# locked in harness/adapters/node/package-lock.json (harness/bin/impls).
impls:
	@harness/bin/impls

# The reference: its driver, and the library as a Python module for
# Debian's python3 (reference/python/: mvref.memoryview).
reference: deps-core
	@$(MAKE) --no-print-directory $(REF_DRIVER) $(MVREF_MODULE)

# The module alone.
mvref: deps-core
	@$(MAKE) --no-print-directory $(MVREF_MODULE)

# PROFILE=full: the nightly suite, generated and recorded afresh into build/.
PROFILE ?= default
ifeq ($(PROFILE),default)
SUITE_DIR := conformance
else
SUITE_DIR := build/cases-$(PROFILE)
endif

conformance: reference
ifneq ($(PROFILE),default)
	$(PY) -m harness record --profile $(PROFILE) --out $(SUITE_DIR)
endif
	$(PY) -m harness run $(IMPLS) --cases $(SUITE_DIR) $(ARGS)

# Pyodide is an oracle too (the 32-bit one): it must be here to record.
cases: deps-core impls
	$(PY) -m harness record
	$(PY) -m harness changes

# impls: the tests run every implementation's adapter, never skip them.
# deps-gates: tests/test_gates_catch.py runs each gate on a planted fault,
# and tests/test_mvref.py runs mvref under valgrind.
test: reference deps-test deps-browser deps-gates impls
	MVSPEC_REQUIRE_IMPLS=1 $(PYTEST) -q tests $(PYTEST_ARGS)

# Every implementation installed: terminal table, results, HTML matrix,
# each column held to its checked-in conformance/expectations/<name>.txt
# exactly (a result that moves either way fails until the file says so).
matrix: reference impls
	$(PY) -m harness matrix --gate $(ARGS)

# Rewrite those files from a run of the matrix (review the diff).
matrix-expectations: reference impls
	$(PY) -m harness matrix --update-expectations $(ARGS)

# Cases per second of each adapter, side by side in one run.
bench-harness: reference
	$(PY) -m harness bench reference cpython $(ARGS)

bench: bench-harness

# ---------------------------------------------------------------- gates ---
# Each gate builds its own instrumented copy of the reference under build/
# and runs the whole default suite through it (harness/bin/gate explains).
GATES := warnings cppcheck sanitize valgrind coverage allocfail
GATE = harness/bin/gate
.PHONY: $(GATES)

warnings: deps-gates
	$(GATE) warnings
cppcheck: deps-gates
	$(GATE) cppcheck
sanitize: deps-gates
	$(GATE) sanitize
valgrind: deps-gates
	$(GATE) valgrind
coverage: deps-gates
	$(GATE) coverage
allocfail: deps-gates
	$(GATE) allocfail

gates: deps-gates
	$(GATE) $(GATES)

# Tests last, so that CI's log ends with pytest's closing line. Every gate
# is in: each also runs alone (`make valgrind`), or all at once (`make gates`).
CHECK_GATES := $(GATES)
check: $(CHECK_GATES) test

clean:
	rm -rf build
