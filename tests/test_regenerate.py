"""conformance/ is exactly what spec/ and the CPythons here produce.

Regenerating from the same templates with the same oracles gives
byte-identical files. Where this machine lacks some oracle that the
checked-in files record (Pyodide not installed, say), the comparison is made
on the oracles both have, and says so.
"""

import json

from harness import cases, record, runner


def restrict(case, names):
    groups = []
    for g in case["expect"]:
        kept = [o for o in g["oracles"] if o in names]
        if kept:
            groups.append({"oracles": kept, "outcomes": g["outcomes"]})
    return dict(case, expect=groups)


def available_oracles():
    argvs = []
    for argv in record.default_oracle_argvs():
        a = runner.Adapter(argv)
        try:
            name = record.oracle_of(a.start()).name
        finally:
            a.close()
        argvs.append((name, argv))
    return argvs


def test_regeneration_is_byte_identical(tmp_path, suite):
    here = available_oracles()
    recorded = {o.name for o in suite.oracles}
    common = recorded & {n for n, _ in here}
    assert common, "no oracle recorded in conformance/ is available here"
    record.record([argv for n, argv in here if n in common], tmp_path)
    for path in cases.case_files(cases.CONFORMANCE_DIR):
        fresh = (tmp_path / path.name).read_bytes()
        if common == recorded:
            assert fresh == path.read_bytes(), f"{path.name} differs when regenerated"
        else:
            shipped = [restrict(c, common) for c in cases.read_jsonl(path)]
            again = [json.loads(line) for line in fresh.decode().splitlines()]
            assert again == shipped, f"{path.name} differs on oracles {sorted(common)}"
    if common == recorded:
        assert (tmp_path / cases.ORACLES_FILE).read_bytes() == \
            (cases.CONFORMANCE_DIR / cases.ORACLES_FILE).read_bytes()
    assert sorted(p.name for p in cases.case_files(tmp_path)) == \
        sorted(p.name for p in cases.case_files(cases.CONFORMANCE_DIR))
