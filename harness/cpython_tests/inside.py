"""Run one of CPython's own test modules with memoryview replaced by mvref's.

    python -I inside.py MVREF_DIR MODULE EVENTS [SKIP_ID ...]

Run by the interpreter under test (CPython 3.9 or later: no newer syntax
here), from harness/cpython_tests: it imports MODULE ("test.test_buffer",
from that interpreter's own test package), sets the module's global name
`memoryview` to mvref.memoryview (modelling this interpreter's version),
and runs the module's tests with unittest.  The module's own Python code
-- its tests and helpers -- sees mvref's memoryview; builtins.memoryview is
left alone, so the standard library does not, and C code the tests call
(_testbuffer, struct, array) still makes builtin memoryviews, as it must.

Each test's start and end are appended to EVENTS as JSON lines, flushed at
once, so that after a crash the last start without an end names the test
that was running; faulthandler prints that crash's traceback on stderr.
Tests named by SKIP_ID (those already run before a crash) are left out.
"""

import faulthandler
import importlib
import json
import sys
import traceback
import unittest


def last_line(exc_info):
    """The exception as its last line ('AssertionError: 1 != 2'), short."""
    kind, value, _ = exc_info
    text = traceback.format_exception_only(kind, value)[-1].strip()
    return text.splitlines()[0][:300] if text else kind.__name__


class EventResult(unittest.TestResult):
    """A TestResult that writes one 'start' and one 'end' line per test."""

    def __init__(self, events):
        super().__init__()
        self.events = events
        self.outcome = None
        self.detail = ""

    def write(self, **event):
        self.events.write(json.dumps(event) + "\n")
        self.events.flush()

    def startTest(self, test):
        super().startTest(test)
        self.outcome, self.detail = "pass", ""
        self.write(event="start", test=test_id(test))

    def stopTest(self, test):
        super().stopTest(test)
        self.write(event="end", test=test_id(test), outcome=self.outcome,
                   detail=self.detail)

    def settle(self, outcome, detail):
        # the first failure of a test (or of one of its subtests) is its
        # outcome; an error outranks a failure
        if self.outcome in ("pass", "skip") or (self.outcome == "fail"
                                                and outcome == "error"):
            self.outcome, self.detail = outcome, detail

    def addError(self, test, err):
        super().addError(test, err)
        if isinstance(test, unittest.TestCase):
            self.settle("error", last_line(err))
        else:   # a class or module fixture: no startTest for it
            self.write(event="start", test=test_id(test))
            self.write(event="end", test=test_id(test), outcome="error",
                       detail=last_line(err))

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.settle("fail", last_line(err))

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            self.settle("fail" if failed else "error",
                        subtest._subDescription() + " " + last_line(err))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.outcome, self.detail = "skip", str(reason)[:300]

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.outcome, self.detail = "pass", "expected failure"

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.settle("fail", "unexpected success")


def test_id(test):
    """'test_buffer.TestBufferProtocol.test_x': the id without 'test.'."""
    name = test.id()
    return name[len("test."):] if name.startswith("test.") else name


def tests_of(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            for test in tests_of(item):
                yield test
        else:
            yield item


def main(argv):
    mvref_dir, module_name, events_path = argv[:3]
    skip = set(argv[3:])
    sys.path.insert(0, mvref_dir)
    import mvref
    running = "%d.%d" % sys.version_info[:2]
    if mvref.python() != running:
        mvref.set_python(running)
    faulthandler.enable(file=sys.stderr)
    module = importlib.import_module(module_name)
    module.memoryview = mvref.memoryview
    loaded = unittest.defaultTestLoader.loadTestsFromModule(module)
    suite = unittest.TestSuite(t for t in tests_of(loaded) if test_id(t) not in skip)
    with open(events_path, "a") as events:
        suite.run(EventResult(events))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
