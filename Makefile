# mvspec — the executable specification of Python's memoryview.
#
#   make conformance   build the C reference, run the suite on it and on CPython
#   make check         every test and every gate (what .ci/run runs)
#   make cases         regenerate conformance/ from spec/ on every CPython here
#                      (Debian's, pyenv's, and Pyodide's 32-bit CPython 3.14)
#   make impls         install PyPy, Pyodide, MicroPython and Brython, pinned
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
IMPLS ?= reference cpython

include reference/build.mk

.PHONY: all deps-core deps-test deps-gates reference conformance check test \
        cases clean impls

all: reference

deps-core:
	@$(DEPS) core
deps-test: deps-core
	@$(DEPS) test
deps-gates: deps-core
	@$(DEPS) gates

# pypy3 from apt; Pyodide, MicroPython and Brython from npm at the versions
# locked in harness/adapters/node/package-lock.json (harness/bin/impls).
impls:
	@harness/bin/impls

reference: deps-core
	@$(MAKE) --no-print-directory $(REF_DRIVER)

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

# impls: the tests run every implementation's adapter, never skip them.
test: reference deps-test impls
	MVSPEC_REQUIRE_IMPLS=1 $(PYTEST) -q tests $(PYTEST_ARGS)

check: test

clean:
	rm -rf build
