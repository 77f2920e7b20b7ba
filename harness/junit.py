"""JUnit XML, the format CI systems understand: one testcase per case.

classname is the case's area and name its id, so CI dashboards group by
area; a failing case carries its reproducer as the failure text, an
unsupported one is `skipped` with the reason (visible, never silent).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from .session import FAILING, CaseResult


def testcase(r: CaseResult, failure_text: str | None) -> ET.Element:
    tc = ET.Element("testcase", classname=r.area, name=r.id, time=f"{r.seconds:.6f}")
    if r.status in FAILING:
        kind = "failure" if r.status == "fail" else "error"
        el = ET.SubElement(tc, kind, type=r.status,
                           message=f"{r.status}: rules {', '.join(r.rules)}")
        el.text = failure_text or r.detail
    elif r.status == "unsupported":
        ET.SubElement(tc, "skipped", message=f"unsupported: {r.detail}")
    elif r.status == "message":
        out = ET.SubElement(tc, "system-out")
        out.text = failure_text or "exception message differs from CPython's"
    return tc


def write(path: Path, suite_name: str, results: list[CaseResult], seconds: float,
          texts: dict[str, str]) -> None:
    counts = Counter(r.status for r in results)
    suite = ET.Element("testsuite", name=suite_name, tests=str(len(results)),
                       failures=str(counts["fail"]),
                       errors=str(counts["crash"] + counts["timeout"] + counts["protocol-error"]),
                       skipped=str(counts["unsupported"]), time=f"{seconds:.3f}")
    for r in results:
        suite.append(testcase(r, texts.get(r.id)))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
