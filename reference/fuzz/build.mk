# reference/fuzz/build.mk -- the libFuzzer targets of the reference.
#
# Included by the top-level Makefile (after reference/build.mk).  Each
# target in reference/fuzz/ is linked with the library and with the
# driver's files but main.c, all compiled by clang with libFuzzer's
# coverage feedback and ASan + UBSan, under $(FUZZ_BUILD):
#
#   $(FUZZ_BUILD)/case-fuzzer     case lines through the driver (case.c)
#   $(FUZZ_BUILD)/layout-fuzzer   arithmetic, formats, layouts, views
#                                 (layout.c)
#
# harness/fuzzc.py runs them (make fuzz-c); tests/test_fuzz.py replays
# their regression inputs and runs a short slice of each.

FUZZ_BUILD ?= build/fuzz
FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
FUZZ_CFLAGS := -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_LDFLAGS := $(FUZZ_SAN)
FUZZ_CPPFLAGS := $(REF_CPPFLAGS) -Ireference/driver

FUZZ_REF_OBJ := $(patsubst reference/src/%.c,$(FUZZ_BUILD)/obj/ref/%.o,$(REF_LIB_SRC))
FUZZ_DRV_OBJ := $(patsubst reference/driver/%.c,$(FUZZ_BUILD)/obj/driver/%.o,\
                  $(filter-out reference/driver/main.c,$(REF_DRV_SRC)))
FUZZ_TARGETS := $(FUZZ_BUILD)/case-fuzzer $(FUZZ_BUILD)/layout-fuzzer

$(FUZZ_BUILD)/obj/ref/%.o: reference/src/%.c $(REF_HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(REF_WARN) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -c $< -o $@

$(FUZZ_BUILD)/obj/driver/%.o: reference/driver/%.c $(REF_HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(REF_WARN) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -c $< -o $@

$(FUZZ_BUILD)/obj/fuzz/%.o: reference/fuzz/%.c $(REF_HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(REF_WARN) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -c $< -o $@

$(FUZZ_BUILD)/case-fuzzer: $(FUZZ_BUILD)/obj/fuzz/case.o $(FUZZ_DRV_OBJ) $(FUZZ_REF_OBJ)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ -ljansson -lm -o $@

$(FUZZ_BUILD)/layout-fuzzer: $(FUZZ_BUILD)/obj/fuzz/layout.o $(FUZZ_REF_OBJ)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ -lm -o $@

# The same targets without libFuzzer: replay.c's main gives each file named
# on the command line to the target once, so that any compiler can build
# them -- gcc with --coverage, for the library's lcov coverage from a
# corpus (harness/fuzzc.py --lcov builds them under build/fuzz-lcov with
# FUZZ_CC=gcc and its own FUZZ_CFLAGS and FUZZ_LDFLAGS).
$(FUZZ_BUILD)/case-replay: $(FUZZ_BUILD)/obj/fuzz/case.o $(FUZZ_BUILD)/obj/fuzz/replay.o \
                           $(FUZZ_DRV_OBJ) $(FUZZ_REF_OBJ)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) $^ -ljansson -lm -o $@

$(FUZZ_BUILD)/layout-replay: $(FUZZ_BUILD)/obj/fuzz/layout.o $(FUZZ_BUILD)/obj/fuzz/replay.o \
                             $(FUZZ_REF_OBJ)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) $^ -lm -o $@

.PHONY: fuzz-targets
fuzz-targets:
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS)
