"""Check exporters inside one interpreter: python -I run.py --build DIR SPEC...

The harness (harness/exporters.py) starts this file under each interpreter it
checks, with the directory the modules are built in.  It imports the
mvspec_exporter built for this interpreter (DIR/<implementation>-<version>/),
makes each exporter a SPEC names, runs mvspec_exporter.examine on it, and
prints one JSON line each:

    {"interpreter": "cpython-3.11.2", "language": "3.11", ...}     first
    {"name": "bytes", "report": {...}}                              checked
    {"name": "numpy/C", "unavailable": "no numpy here"}             cannot be made
    {"name": "mine", "error": "ValueError: ..."}                    the factory failed

each after a line {"checking": NAME}, so that when the interpreter dies
checking one, the harness knows which.

A SPEC is `catalogue` (every exporter of catalogue.py), `catalogue:NAME`
(one of them), or `MODULE:FACTORY` (FACTORY() from MODULE: an exporter, or a
dict of name -> exporter).  Runs under CPython 3.9+ and PyPy 3.9.
"""

import argparse
import importlib
import json
import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))


def interpreter():
    impl = sys.implementation
    return {"interpreter": "%s-%s" % (impl.name, ".".join(map(str, impl.version[:3]))),
            "implementation": impl.name, "language": "%d.%d" % sys.version_info[:2],
            "executable": sys.executable}


def made(name, factory):
    """(name, exporter) pairs a factory makes, or the line saying why not."""
    import catalogue
    try:
        obj = factory()
    except catalogue.Unavailable as e:
        return [], {"name": name, "unavailable": str(e)}
    except Exception as e:
        return [], {"name": name, "error": "%s: %s" % (type(e).__name__, e),
                    "traceback": traceback.format_exc()}
    if isinstance(obj, dict):
        return [("%s/%s" % (name, k), v) for k, v in obj.items()], None
    return [(name, obj)], None


def factories(spec):
    """(name, factory) for a SPEC."""
    import catalogue
    kind, _, what = spec.partition(":")
    if kind == "catalogue":
        everything = catalogue.entries()
        if not what:
            return list(everything.items())
        if what not in everything:
            raise UsageError("no exporter %r in the catalogue" % what)
        return [(what, everything[what])]
    if not what:
        raise UsageError("%r: write MODULE:FACTORY" % spec)
    try:
        module = importlib.import_module(kind)
    except ImportError as e:
        raise UsageError("%r: cannot import %s: %s" % (spec, kind, e))
    factory = getattr(module, what, None)
    if not callable(factory):
        raise UsageError("%r: %s has no function %s" % (spec, kind, what))
    return [(spec, factory)]


class UsageError(Exception):
    """A SPEC that names nothing to check."""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True, help="where mvspec_exporter is built")
    p.add_argument("--path", action="append", default=[], help="also import from here")
    p.add_argument("--skip", action="append", default=[],
                   help="an exporter already checked (by a process that crashed later)")
    p.add_argument("specs", nargs="+")
    args = p.parse_args()
    hello = interpreter()
    module_dir = os.path.join(args.build, hello["interpreter"])
    sys.path[:0] = [module_dir, HERE] + args.path
    try:
        import mvspec_exporter
    except ImportError as e:
        hello["error"] = ("mvspec_exporter is not built for %s (%s): run "
                          "`make exporter-modules`" % (hello["interpreter"], e))
        print(json.dumps(hello))
        return 2
    hello["module"] = mvspec_exporter.__file__
    print(json.dumps(hello), flush=True)
    try:
        chosen = [pair for spec in args.specs for pair in factories(spec)]
    except UsageError as e:
        print(json.dumps({"usage": str(e)}), flush=True)
        return 2
    for name, factory in chosen:
        if name in args.skip:
            continue
        # Said first, so that if the interpreter dies the harness knows where.
        print(json.dumps({"checking": name}), flush=True)
        pairs, problem = made(name, factory)
        if problem is not None:
            print(json.dumps(problem), flush=True)
        for each, obj in pairs:
            if each != name:
                print(json.dumps({"checking": each}), flush=True)
            try:
                line = {"name": each, "report": mvspec_exporter.examine(obj)}
            except Exception as e:
                line = {"name": each, "error": "%s: %s" % (type(e).__name__, e)}
            print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
