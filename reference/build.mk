# reference/build.mk -- the C reference library and its protocol driver.
#
# Included by the top-level Makefile.  Everything goes under $(REF_BUILD),
# so that the checks can build instrumented copies side by side:
#     make REF_BUILD=build/asan CFLAGS='-O1 -g -fsanitize=address,undefined'
#
#   $(REF_BUILD)/lib/libmvref.a     the library: C11, libc (and libm) only
#   $(REF_BUILD)/bin/mvref-driver   the driver: the library plus jansson

REF_BUILD ?= build
CC ?= cc
CFLAGS ?= -O2 -g
REF_WARN := -std=c11 -Wall -Wextra -Wpedantic -Werror
REF_CPPFLAGS := -Ireference/include -Ireference/src

REF_LIB_SRC := $(wildcard reference/src/*.c)
REF_DRV_SRC := $(wildcard reference/driver/*.c)
REF_LIB_OBJ := $(patsubst reference/src/%.c,$(REF_BUILD)/obj/ref/%.o,$(REF_LIB_SRC))
REF_DRV_OBJ := $(patsubst reference/driver/%.c,$(REF_BUILD)/obj/driver/%.o,$(REF_DRV_SRC))
REF_HEADERS := $(wildcard reference/include/*.h reference/src/*.h reference/driver/*.h)

REF_LIB := $(REF_BUILD)/lib/libmvref.a
REF_DRIVER := $(REF_BUILD)/bin/mvref-driver

$(REF_BUILD)/obj/ref/%.o: reference/src/%.c $(REF_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(REF_WARN) $(CFLAGS) $(REF_CPPFLAGS) -c $< -o $@

$(REF_BUILD)/obj/driver/%.o: reference/driver/%.c $(REF_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(REF_WARN) $(CFLAGS) $(REF_CPPFLAGS) -c $< -o $@

$(REF_BUILD)/lib/libmvref.a: $(REF_LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(REF_BUILD)/bin/mvref-driver: $(REF_DRV_OBJ) $(REF_BUILD)/lib/libmvref.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $(REF_DRV_OBJ) $(REF_BUILD)/lib/libmvref.a -ljansson -lm -o $@
