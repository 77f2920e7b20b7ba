"""Exporters for `python3 -m harness exporter tests.fakes.exporters:NAME`,
which tests/test_exporter.py runs: the interpreter that checks them imports
this file, with its own build of mvspec_exporter on the path."""

import mvspec_exporter


def correct():
    return mvspec_exporter.ndarray(list(range(12)), shape=[3, 4], format="i")


def no_shape_under_nd():
    return mvspec_exporter.ndarray(list(range(12)), shape=[3, 4], format="i",
                                   faults=["no-shape-under-nd"])


def several():
    return {"bytes": b"Hello", "faulty": no_shape_under_nd()}


def not_an_exporter():
    return 42


def crash():
    import ctypes
    return ctypes.string_at(0)      # reads address 0: the interpreter dies here
