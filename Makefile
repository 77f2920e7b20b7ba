# mvspec — the executable specification of Python's memoryview.
#
#   make conformance   build the C reference, run the suite on it and on CPython
#   make repl          Python with mvref (the reference as a module), numpy and
#                      _testbuffer: mvref.layout(m) draws a view's memory
#   make site          the spec, the guide, every rule with its picture, code,
#                      cases and status, as pages under build/site/
#   make check         every test and every check of the reference (what .ci/run runs)
#   make checks        every check of the reference (harness/checks.py), no tests
#   make valgrind | sanitize | coverage | allocfail | warnings | cppcheck
#                      one check alone
#   make cases         regenerate conformance/ from spec/ on every CPython here
#                      (Debian's, pyenv's, and Pyodide's 32-bit CPython 3.14)
#   make impls         install PyPy, Pyodide, MicroPython and Brython, pinned
#   make matrix        every implementation installed, as a table and an HTML page,
#                      gated on conformance/expectations/ (make matrix-expectations
#                      rewrites those files)
#   make bench         cases per second of the reference and CPython adapters,
#                      and what each memoryview operation costs, builtin vs
#                      mvref vs the physical reference (build/bench/: results
#                      and the slicing chart); OPS_ARGS=--long for longer runs
#   make cpython-tests CPython's own test_memoryview and test_buffer, on mvref,
#                      for every CPython here (conformance/cpython-tests.toml)
#   make mvrefs        mvref built for every CPython here (build/python-<version>)
#   make exporters     the exporter's contract (spec chapter 16) checked on the
#                      real exporters, on every interpreter here: a table
#   make fuzz          both fuzzers of issue 12, FUZZ_SECONDS each: the
#                      differential one (fuzz-programs), then libFuzzer (fuzz-c)
#   make fuzz-programs random programs on CPython and on mvref and the driver
#                      (harness/fuzz/): what diverges is shrunk into a case
#   make fuzz-c        libFuzzer on the C reference (reference/fuzz/), both
#                      targets side by side, FUZZ_SECONDS each (default 60)
#   make fuzz-driver   a mutation run of the driver: suite lines mutated, fed
#                      to its ASan + UBSan build, for FUZZ_SECONDS
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
PYFUZZ = $(shell harness/bin/find-python tomllib numpy hypothesis)

# Extra arguments for the harness, e.g. make conformance ARGS='--area seed'.
ARGS ?=
# Implementations `make conformance` runs (harness/impls.py explains names).
IMPLS ?= reference mvref cpython

include reference/build.mk
include reference/python/build.mk
# Optional: the checks build copies of the tree that hold only reference/.
-include harness/exporter/build.mk
include reference/fuzz/build.mk

.PHONY: all history deps-core deps-test deps-checks deps-browser deps-cpython-tests deps-fuzz \
        reference conformance \
        check test cases matrix matrix-expectations bench bench-harness bench-ops clean \
        checks impls mvref mvrefs cpython-tests exporter-modules exporters repl site

all: reference

deps-core:
	@$(DEPS) core
deps-test: deps-core
	@$(DEPS) test
deps-checks: deps-core
	@$(DEPS) checks
deps-browser: deps-core
	@$(DEPS) browser
deps-cpython-tests: deps-core
	@$(DEPS) cpython-tests
deps-fuzz: deps-core
	@$(DEPS) fuzz

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

# The interpreter mvref is built for (Debian's python3, whose numpy apt
# installs), with mvref, numpy, _testbuffer and array imported.
repl: mvref
	@PYTHONPATH=$(MVREF_PY_BUILD) $(MVREF_PYTHON) -q -i -c 'import mvref, numpy, _testbuffer, array; print("mvref", mvref.__version__, "models Python", mvref.python() + ". Try:\n  m = mvref.memoryview(bytearray(b\"Hello\"))[::2]\n  mvref.layout(m)\n  m[::0]             # the error, and the rule behind it")'

# The site (harness/site.py): static pages under build/site/, with the
# implementations' status if `make matrix` has left build/results/.
site: mvref
	$(PY) -m harness site --out build/site

# mvref for every CPython here that it models (harness/cpython_tests finds
# them: Debian's python3 and pyenv's), each in build/python-<version>.
mvrefs: deps-core
	$(PY) -m harness.cpython_tests --build-only

# CPython's own test_memoryview and test_buffer, read from each interpreter's
# own `test` package, with memoryview replaced by mvref.memoryview modelling
# that version; fails on a crash, on a failure that
# conformance/cpython-tests.toml does not list, and on a listed test that
# passes.  ARGS='--python PATH --module test_buffer' narrows it.
cpython-tests: deps-cpython-tests
	$(PY) -m harness.cpython_tests $(ARGS)

# mvspec_exporter (harness/exporter/: the exporter checker and the exporter
# of any layout) for every interpreter here: Debian's python3, pyenv's
# CPythons 3.9+, pypy3; one make run each (harness/exporter/build.mk).
exporter-modules: deps-core
	@for py in $$($(PY) -m harness.exporters pythons); do \
	  $(MAKE) --no-print-directory EXPORTER_PYTHON=$$py exporter-module || exit 1; \
	done

# The real exporters (harness/exporter/catalogue.py) on every interpreter:
# a table of rules kept and broken, build/exporters/results.json; fails on a
# violation conformance/expectations/exporters.txt does not list.
exporters: impls exporter-modules mvref
	$(PY) -m harness exporters $(ARGS)

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
# deps-checks: tests/test_checks_catch.py runs each check on a planted fault,
# and tests/test_mvref.py runs mvref under valgrind.
# exporter-modules: tests/test_exporter.py checks exporters on every interpreter.
test: reference deps-test deps-browser deps-checks impls exporter-modules
	MVSPEC_REQUIRE_IMPLS=1 $(PYTEST) -q tests $(PYTEST_ARGS)

# Every implementation installed: terminal table, results, HTML matrix,
# each column held to its checked-in conformance/expectations/<name>.txt
# exactly (a result that moves either way fails until the file says so).
matrix: reference impls
	$(PY) -m harness matrix --gate $(ARGS)

# Rewrite those files from a run of the matrix (review the diff).
matrix-expectations: reference impls
	$(PY) -m harness matrix --update-expectations $(ARGS)

# MicroPython and Brython over every release package.json pins, and the
# CPython oracles over theirs: pass rate by area (terminal table and
# build/history/*.svg), fixes and regressions by rule. Reuses the results
# `make matrix` left in build/results when they are of this suite. Brython
# runs a release in 7 to 20 minutes here: its releases are judged on a
# sixteenth of the suite (HISTORY_ARGS= for all of it).
HISTORY_ARGS ?= --shard brython=1/16
history: reference impls
	$(PY) -m harness history $(HISTORY_ARGS) $(ARGS)

# Cases per second of each adapter, side by side in one run.
bench-harness: reference
	$(PY) -m harness bench reference cpython $(ARGS)

# What each operation costs: builtin, mvref and the physical reference side
# by side, and the chart of slicing cost against buffer size (issue 16).
# OPS_ARGS='--long' repeats more; '--only eq-*' picks rows; '--max-size 64M'
# keeps the chart below 1 GiB.
OPS_ARGS ?=
bench-ops: reference
	$(PY) -m harness.opbench $(OPS_ARGS)

bench: bench-harness bench-ops

# --------------------------------------------------------------- checks ---
# The reference's quality checks (not the regression `--gate` of
# `harness run`). Each builds its own instrumented copy of the reference
# under build/ and runs the whole default suite through it
# (harness/checks.py explains).
CHECKS := warnings cppcheck sanitize valgrind coverage allocfail
CHECK = harness/bin/check
.PHONY: $(CHECKS)

warnings: deps-checks
	$(CHECK) warnings
cppcheck: deps-checks
	$(CHECK) cppcheck
sanitize: deps-checks
	$(CHECK) sanitize
valgrind: deps-checks
	$(CHECK) valgrind
coverage: deps-checks
	$(CHECK) coverage
allocfail: deps-checks
	$(CHECK) allocfail

checks: deps-checks
	$(CHECK) $(CHECKS)

# Tests last, so that CI's log ends with pytest's closing line. Every check
# is in: each also runs alone (`make valgrind`), or all at once (`make checks`).
check: $(CHECKS) cpython-tests fuzz-check test

# ----------------------------------------------------------------- fuzz ---
# How long each fuzzer runs, and from which seed (empty: its own choice).
FUZZ_SECONDS ?= 60
FUZZ_SEED ?=
# More for the differential fuzzer: candidates and options, e.g.
# FUZZ_ARGS='pypy' or 'reference:3.12 --engine hypothesis'.
FUZZ_ARGS ?=
.PHONY: fuzz fuzz-programs fuzz-c fuzz-driver fuzz-check

# Both fuzzers, one after the other; exit 1 if either found something
# (each prints what it found before the other starts).
fuzz: reference deps-fuzz deps-checks
	@status=0; \
	$(MAKE) --no-print-directory fuzz-programs || status=1; \
	$(MAKE) --no-print-directory fuzz-c || status=1; \
	exit $$status

# Differential fuzzing (harness/fuzz/): random programs on CPython and on
# each candidate -- mvref in this process, then the reference driver, unless
# FUZZ_ARGS names others -- for FUZZ_SECONDS in all, with a progress line;
# exit 1 if anything diverged, each divergence shrunk and printed as a
# reproducer and a case.
fuzz-programs: reference deps-fuzz
	$(PYFUZZ) -m harness fuzz --seconds $(FUZZ_SECONDS) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED)) $(FUZZ_ARGS)

fuzz-c: deps-checks
	$(PY) -m harness.fuzzc --seconds $(FUZZ_SECONDS) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

fuzz-driver: deps-checks
	$(PY) -m harness.mutate --seconds $(FUZZ_SECONDS) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

# The differential fuzzer's slice of `make check`: a fixed seed, half a
# minute, the saved examples (harness/fuzz/examples.jsonl) replayed first.
# (libFuzzer's fixed-seed slices run in tests/test_fuzz.py.)
FUZZ_CHECK_SECONDS ?= 30
fuzz-check: reference deps-fuzz
	$(PYFUZZ) -m harness fuzz mvref reference --seed 1 --seconds $(FUZZ_CHECK_SECONDS)

clean:
	rm -rf build
