"""Reading and writing the recorded case files of conformance/.

A case file is data and is checked as such: a line that is not JSON, not an
object, or lacks a field gets an error naming the file and line, and nothing
in it is ever executed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE_DIR = ROOT / "conformance"
ORACLES_FILE = "oracles.json"
FORMAT_VERSION = 1


class CaseFileError(ValueError):
    """A case file is malformed; the message says where."""


@dataclass(frozen=True)
class Oracle:
    """One CPython build whose outcomes were recorded."""
    name: str
    implementation: str
    version: str
    language: str
    platform: str
    exporters: tuple[str, ...]

    @property
    def language_tuple(self) -> tuple[int, int]:
        return version_tuple(self.language)

    def to_json(self) -> dict:
        return {"name": self.name, "implementation": self.implementation,
                "version": self.version, "language": self.language,
                "platform": self.platform, "exporters": list(self.exporters)}


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


def area_of(case_id: str) -> str:
    return case_id.split("/", 1)[0]


def dumps(obj: Any) -> str:
    """The one serialisation of the files: stable, one line, readable."""
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


def check_case(case: Any, where: str) -> dict:
    if not isinstance(case, dict):
        raise CaseFileError(f"{where}: a case is a JSON object")
    for key, kind in (("id", str), ("rules", list), ("setup", list), ("steps", list)):
        if not isinstance(case.get(key), kind):
            raise CaseFileError(f"{where}: field {key!r} missing or not a {kind.__name__}")
    if not case["steps"]:
        raise CaseFileError(f"{where}: case {case['id']!r} has no steps")
    for i, step in enumerate(case["steps"]):
        if not isinstance(step, dict) or not isinstance(step.get("op"), str):
            raise CaseFileError(f"{where}: step {i} of {case['id']!r} has no op")
    expect = case.get("expect")
    if expect is not None:
        if not isinstance(expect, list):
            raise CaseFileError(f"{where}: expect is a list of groups")
        for g in expect:
            if not (isinstance(g, dict) and isinstance(g.get("oracles"), list)
                    and isinstance(g.get("outcomes"), list)
                    and len(g["outcomes"]) == len(case["steps"])):
                raise CaseFileError(f"{where}: malformed expect group in {case['id']!r}")
    return case


def read_jsonl(path: Path) -> list[dict]:
    cases = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise CaseFileError(f"{path}: cannot read: {e}") from None
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except ValueError as e:
            raise CaseFileError(f"{path}:{n}: not JSON: {e}") from None
        cases.append(check_case(case, f"{path}:{n}"))
    return cases


_ID_FIRST = re.compile(r'\{"id": ("(?:[^"\\]|\\.)*")')


def read_cases_by_id(directory: Path, ids: set[str]) -> dict[str, dict]:
    """The cases of `ids` from a suite's files, each checked as read_jsonl
    checks it, without decoding the other lines (merging the shards of the
    227k-case suite needs the few that failed, not all of them).

    A line that does not start with its id as `dumps` writes it is decoded
    in full, so the shortcut never skips a case it should have found.
    """
    found: dict[str, dict] = {}
    areas = {area_of(i) for i in ids}
    for path in case_files(directory):
        if path.stem not in areas:
            continue
        try:
            with open(path, encoding="utf-8", newline="\n") as f:
                for n, line in enumerate(f, 1):
                    m = _ID_FIRST.match(line)
                    if (m and json.loads(m.group(1)) not in ids) or not line.strip():
                        continue
                    try:
                        data = json.loads(line)
                    except ValueError as e:
                        raise CaseFileError(f"{path}:{n}: not JSON: {e}") from None
                    case = check_case(data, f"{path}:{n}")
                    if case["id"] in ids:
                        found[case["id"]] = case
        except (OSError, UnicodeDecodeError) as e:
            raise CaseFileError(f"{path}: cannot read: {e}") from None
    return found


def write_jsonl(path: Path, cases: Iterable[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for case in cases:
            f.write(dumps(case) + "\n")
    tmp.replace(path)


@dataclass
class Suite:
    """The recorded suite: cases by area, and the oracles that answered."""
    directory: Path
    oracles: list[Oracle]
    cases: list[dict]

    def by_id(self) -> dict[str, dict]:
        return {c["id"]: c for c in self.cases}


def read_oracles(directory: Path) -> list[Oracle]:
    path = directory / ORACLES_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise CaseFileError(f"{path}: cannot read the oracle list: {e}") from None
    if data.get("format") != FORMAT_VERSION:
        raise CaseFileError(f"{path}: format {data.get('format')!r}, expected {FORMAT_VERSION}")
    try:
        return [Oracle(o["name"], o["implementation"], o["version"], o["language"],
                       o["platform"], tuple(o["exporters"])) for o in data["oracles"]]
    except (KeyError, TypeError) as e:
        raise CaseFileError(f"{path}: malformed oracle entry: {e}") from None


def write_oracles(directory: Path, oracles: list[Oracle]) -> None:
    path = directory / ORACLES_FILE
    text = json.dumps({"format": FORMAT_VERSION,
                       "oracles": [o.to_json() for o in oracles]}, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")


def case_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.jsonl"))


def load_suite(directory: Path = CONFORMANCE_DIR) -> Suite:
    oracles = read_oracles(directory)
    names = {o.name for o in oracles}
    cases: list[dict] = []
    seen: set[str] = set()
    for path in case_files(directory):
        for case in read_jsonl(path):
            if case["id"] in seen:
                raise CaseFileError(f"{path}: duplicate case id {case['id']!r}")
            if area_of(case["id"]) != path.stem:
                raise CaseFileError(f"{path}: case {case['id']!r} belongs to another area")
            for g in case.get("expect") or []:
                unknown = set(g["oracles"]) - names
                if unknown:
                    raise CaseFileError(f"{path}: {case['id']!r} names unknown oracles {sorted(unknown)}")
            seen.add(case["id"])
            cases.append(case)
    if not cases:
        raise CaseFileError(f"{directory}: no cases (*.jsonl) found")
    return Suite(directory, oracles, cases)


# ------------------------------------------------------------ requirements ---

_REQ = re.compile(r"^\s*(>=|<=|==|>|<)\s*(\d+\.\d+)\s*$")


def satisfies(requires: dict | None, language: str) -> bool:
    """Whether a language version meets a case's `requires` (protocol s. 4.1)."""
    if not requires or "language" not in requires:
        return True
    have = version_tuple(language)[:2]
    for part in str(requires["language"]).split(","):
        m = _REQ.match(part)
        if not m:
            raise CaseFileError(f"bad language requirement {requires['language']!r}")
        want = version_tuple(m.group(2))[:2]
        ok = {">=": have >= want, "<=": have <= want, "==": have == want,
              ">": have > want, "<": have < want}[m.group(1)]
        if not ok:
            return False
    return True


def needed_exporters(case: dict) -> set[str]:
    return {s.get("kind", "") for s in case["setup"]}
