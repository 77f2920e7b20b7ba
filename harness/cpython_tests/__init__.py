"""CPython's own memoryview tests, run with mvref.memoryview in the builtin's place.

    interpreters.py   which CPythons here can run them; mvref built for each
    inside.py         the child, run by the interpreter under test
    run.py            one test module in child processes, surviving crashes
    listing.py        conformance/cpython-tests.toml: listed tests and reasons
    verdict.py        results against the listing: the gate
    __main__.py       python3 -m harness.cpython_tests (make cpython-tests)
"""
