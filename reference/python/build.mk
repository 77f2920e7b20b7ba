# reference/python/build.mk -- mvref: the C reference importable from Python.
#
# Included by the top-level Makefile (after reference/build.mk).  Builds,
# for Debian's /usr/bin/python3 (whose headers python3-dev installs):
#
#   $(MVREF_PIC)/lib/libmvref.a   the library again, position-independent,
#                                 so that a shared object can link it
#   $(MVREF_MODULE)               the extension module: build/python/
#                                 mvref.cpython-311-x86_64-linux-gnu.so
#
# Use it with PYTHONPATH=build/python, or `python3 -m harness run mvref`.

MVREF_PYTHON ?= /usr/bin/python3
MVREF_PIC ?= build/pic
MVREF_PY_BUILD ?= build/python

# Asked once per make run; empty when that Python is missing (then the
# module's rule says so).
MVREF_PY_INCLUDE := $(shell $(MVREF_PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["include"])' 2>/dev/null)
MVREF_PY_SUFFIX := $(shell $(MVREF_PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))' 2>/dev/null)

MVREF_MODULE := $(MVREF_PY_BUILD)/mvref$(MVREF_PY_SUFFIX)
MVREF_PY_SRC := $(wildcard reference/python/*.c)
MVREF_PY_OBJ := $(patsubst reference/python/%.c,$(MVREF_PY_BUILD)/obj/%.o,$(MVREF_PY_SRC))
MVREF_PIC_OBJ := $(patsubst reference/src/%.c,$(MVREF_PIC)/obj/ref/%.o,$(REF_LIB_SRC))
MVREF_PIC_LIB := $(MVREF_PIC)/lib/libmvref.a

# The binding is held to -Wall -Wextra -Werror like the library, but not to
# -Wpedantic: CPython's type slots are `void *`, which ISO C does not let a
# function pointer become.
MVREF_PY_WARN := -std=c11 -Wall -Wextra -Werror
MVREF_PY_CFLAGS := -fPIC -fvisibility=hidden -I$(MVREF_PY_INCLUDE) -Ireference/include

# Link-time optimisation: the library is written as many small functions,
# one concept each, across files (mvint.h's layers), and a call from the
# module into it crosses a dozen of them; -flto lets the compiler inline
# across files what it inlines within one, which takes about a fifth off
# m[1:-1] or m.cast('i') (issue 16).  And each function starts on a cache
# line of its own (-falign-functions=64): without it, where the linker
# happened to place them decided a fifth of the time of the small
# operations -- one unrelated edit made m.cast('B', shape=[4, 256]) 25%
# slower with fewer instructions, measured A/B on the same machine.  Only
# for the default flags: a build that asks for its own CFLAGS (the checks'
# coverage, sanitizer and Valgrind builds) gets exactly what it asks for.
MVREF_LTO ?= $(if $(filter command line environment,$(origin CFLAGS)),,-flto=auto -falign-functions=64)

$(MVREF_PIC)/obj/ref/%.o: reference/src/%.c $(REF_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(REF_WARN) $(CFLAGS) $(MVREF_LTO) -fPIC -fvisibility=hidden $(REF_CPPFLAGS) \
	    -c $< -o $@

$(MVREF_PIC_LIB): $(MVREF_PIC_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# Each rule's sentence, for the notes exceptions carry (teach.c): written
# from the spec at build time, so they cannot drift from it.
MVREF_RULES := $(MVREF_PY_BUILD)/gen/rules.h
$(MVREF_RULES): reference/python/rules.py $(wildcard spec/memoryview.md harness/spec.py)
	@mkdir -p $(dir $@)
	$(MVREF_PYTHON) reference/python/rules.py > $@.tmp && mv $@.tmp $@

$(MVREF_PY_BUILD)/obj/%.o: reference/python/%.c reference/python/mvrefpy.h reference/include/mvref.h $(MVREF_RULES)
	@test -n "$(MVREF_PY_INCLUDE)" || { echo "no $(MVREF_PYTHON) to build mvref for" >&2; exit 1; }
	@mkdir -p $(dir $@)
	$(CC) $(MVREF_PY_WARN) $(CFLAGS) $(MVREF_LTO) $(MVREF_PY_CFLAGS) -I$(dir $(MVREF_RULES)) -c $< -o $@

# mvref.layout(m) draws with the harness's drawing (harness/layout/, the
# standard library only), shipped beside the module as the package mvlayout.
MVREF_LAYOUT := $(patsubst harness/layout/%,$(MVREF_PY_BUILD)/mvlayout/%,\
                  $(wildcard $(addprefix harness/layout/,__init__.py picture.py measure.py text.py svg.py)))
$(MVREF_PY_BUILD)/mvlayout/%.py: harness/layout/%.py
	@mkdir -p $(dir $@)
	cp $< $@

$(MVREF_MODULE): $(MVREF_PY_OBJ) $(MVREF_PIC_LIB) $(MVREF_LAYOUT)
	@mkdir -p $(dir $@)
	$(CC) -shared $(CFLAGS) $(MVREF_LTO) $(LDFLAGS) $(MVREF_PY_OBJ) $(MVREF_PIC_LIB) -lm -o $@

# The module alone, without the Debian packages check: what the checks build
# with their own MVREF_PIC, MVREF_PY_BUILD and CFLAGS.
.PHONY: mvref-module
mvref-module: $(MVREF_MODULE)
