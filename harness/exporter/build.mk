# harness/exporter/build.mk -- mvspec_exporter: the exporter checker and the
# exporter of any layout (harness/exporter/exporter.h), for one interpreter.
#
# Included by the top-level Makefile.  Builds, for $(EXPORTER_PYTHON) (a
# CPython 3.9+, or PyPy through cpyext: the same sources, public C API only),
#
#   $(EXPORTER_BUILD)/<implementation>-<version>/mvspec_exporter<EXT_SUFFIX>
#
# e.g. build/exporter/cpython-3.11.2/mvspec_exporter.cpython-311-x86_64-linux-gnu.so
# or   build/exporter/pypy-7.3.11/mvspec_exporter.pypy39-pp73-x86_64-linux-gnu.so
#
# `make exporter-modules` builds it for every interpreter here (Debian's
# python3, pyenv's CPythons 3.9+, pypy3), one make run each.

EXPORTER_PYTHON ?= /usr/bin/python3
EXPORTER_BUILD ?= build/exporter

# Asked once per make run: the interpreter's name-version, its headers and
# its extension suffix; empty when it is missing or has no headers.
EXPORTER_INFO := $(shell $(EXPORTER_PYTHON) -c 'import os, sys, sysconfig; \
  i = sysconfig.get_paths()["include"]; \
  v = ".".join(map(str, sys.implementation.version[:3])); \
  os.path.exists(os.path.join(i, "Python.h")) and \
  print(sys.implementation.name + "-" + v, i, sysconfig.get_config_var("EXT_SUFFIX"))' 2>/dev/null)
EXPORTER_NAME := $(word 1,$(EXPORTER_INFO))
EXPORTER_INCLUDE := $(word 2,$(EXPORTER_INFO))
EXPORTER_DIR := $(EXPORTER_BUILD)/$(EXPORTER_NAME)
EXPORTER_MODULE := $(EXPORTER_DIR)/mvspec_exporter$(word 3,$(EXPORTER_INFO))

EXPORTER_SRC := $(wildcard harness/exporter/*.c)
EXPORTER_OBJ := $(patsubst harness/exporter/%.c,$(EXPORTER_DIR)/obj/%.o,$(EXPORTER_SRC))

# Held to -Wall -Wextra -Werror like mvref, and for the same reason not to
# -Wpedantic (CPython's slots are `void *`, which ISO C does not let a
# function pointer become).
EXPORTER_WARN := -std=c11 -Wall -Wextra -Werror
EXPORTER_CFLAGS := -fPIC -fvisibility=hidden -I$(EXPORTER_INCLUDE)

$(EXPORTER_DIR)/obj/%.o: harness/exporter/%.c harness/exporter/exporter.h
	@test -n "$(EXPORTER_NAME)" || { echo "no headers for $(EXPORTER_PYTHON) to build mvspec_exporter with" >&2; exit 1; }
	@mkdir -p $(dir $@)
	$(CC) $(EXPORTER_WARN) $(CFLAGS) $(EXPORTER_CFLAGS) -c $< -o $@

$(EXPORTER_MODULE): $(EXPORTER_OBJ)
	$(CC) -shared $(CFLAGS) $(LDFLAGS) $(EXPORTER_OBJ) -o $@

# The module for $(EXPORTER_PYTHON) alone, without the Debian packages
# check: what `exporter-modules` and the warnings gate build.
.PHONY: exporter-module
exporter-module: $(EXPORTER_MODULE)
