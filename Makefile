# A stand-in top-level Makefile for the reference branch; the project's own
# Makefile includes reference/build.mk the same way.
include reference/build.mk
.DEFAULT_GOAL := all
.PHONY: all
all: $(REF_DRIVER)
