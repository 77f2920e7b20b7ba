# A stand-in top-level Makefile for the reference branch; the project's own
# Makefile includes reference/build.mk the same way.
.PHONY: all
all: $(REF_DRIVER)
include reference/build.mk
