"""Reading and writing the recorded case files of conformance/.

A case file is data and is checked as such, all of it, before anything runs:
each line must be UTF-8 JSON (no NaN literal) and a case as the one schema
of the format says (spec/protocol.schema.json: every field, every op and its
operands, every value and expected outcome), and then what a schema cannot
say: unique ids, the area in the id matching the file, as many outcomes as
steps, oracles that oracles.json lists. The first problem is an error naming
the file and line (`CaseFileError`, exit status 2 from every command), and
nothing in a case is ever executed. Every tool reads cases here.

Lines are split on "\n" alone, and the writer escapes the characters that
str.splitlines would also split on (U+0085, U+2028, U+2029; the others are
controls, which JSON escapes anyway), so any reader reads them back.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .schema import SCHEMA, SchemaError

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
    ndarray: str = ""         # how its ndarrays were made (mvadapter.py), if said

    @property
    def language_tuple(self) -> tuple[int, int]:
        return version_tuple(self.language)

    def to_json(self) -> dict:
        return {"name": self.name, "implementation": self.implementation,
                "version": self.version, "language": self.language,
                "platform": self.platform, "exporters": list(self.exporters)} \
            | ({"ndarray": self.ndarray} if self.ndarray else {})


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


def area_of(case_id: str) -> str:
    return case_id.split("/", 1)[0]


# Characters other than "\n" and "\r" that str.splitlines splits on and
# JSON leaves raw (it escapes the controls below U+0020 itself).
_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")


def dumps(obj: Any) -> str:
    """The one serialisation of the files: stable, one line, readable."""
    text = json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))
    return _LINE_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (a float is written {{\"float\": \"nan\"}})")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def loads(line: str) -> Any:
    """One line of a case file as JSON: no NaN or Infinity, bounded nesting."""
    try:
        return _DECODER.decode(line)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def check_case(case: Any, where: str) -> dict:
    """A case checked against the schema and for what the schema cannot say."""
    try:
        SCHEMA.check("case", case)
    except SchemaError as e:
        what = f"case {case['id']!r}: " if isinstance(case, dict) and isinstance(case.get("id"), str) \
            and e.where() != "id" else ""
        raise CaseFileError(f"{where}: {what}{e}") from None
    steps = len(case["steps"])
    for i, g in enumerate(case.get("expect", [])):
        if len(g["outcomes"]) != steps:
            raise CaseFileError(f"{where}: case {case['id']!r}: expect[{i}] has "
                                f"{len(g['outcomes'])} outcomes for {steps} steps")
    return case


def read_lines(path: Path) -> Iterable[tuple[int, str]]:
    """(line number, text) of each non-blank line, split on "\n" only."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise CaseFileError(f"{path}: cannot read: {e}") from None
    for n, line in enumerate(text.split("\n"), 1):
        if line.strip():
            yield n, line


def read_jsonl(path: Path) -> list[dict]:
    cases = []
    for n, line in read_lines(path):
        try:
            case = loads(line)
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


def case_ids(directory: Path) -> list[str]:
    """Every case id of a suite, without decoding the cases (read_cases_by_id
    then reads the ones wanted): a line that does not start with its id as
    `dumps` writes it is decoded in full."""
    ids = []
    for path in case_files(directory):
        for n, line in read_lines(path):
            m = _ID_FIRST.match(line)
            try:
                ids.append(json.loads(m.group(1)) if m else check_case(loads(line), f"{path}:{n}")["id"])
            except ValueError as e:
                if isinstance(e, CaseFileError):
                    raise
                raise CaseFileError(f"{path}:{n}: not JSON: {e}") from None
    if not ids:
        raise CaseFileError(f"{directory}: no cases (*.jsonl) found")
    return ids


def write_jsonl(path: Path, cases: Iterable[dict]) -> None:
    """Write cases, each checked first: what is written can be read back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            for n, case in enumerate(cases, 1):
                f.write(dumps(check_case(case, f"{path}:{n} (being written)")) + "\n")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
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
        data = loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        where = f"{path}:{e.lineno}" if isinstance(e, json.JSONDecodeError) else str(path)
        raise CaseFileError(f"{where}: cannot read the oracle list: {e}") from None
    if isinstance(data, dict) and data.get("format") != FORMAT_VERSION:
        raise CaseFileError(f"{path}: format {data.get('format')!r}, expected {FORMAT_VERSION}")
    try:
        SCHEMA.check("oracles_file", data)
    except SchemaError as e:
        raise CaseFileError(f"{path}: {e}") from None
    oracles = [Oracle(o["name"], o["implementation"], o["version"], o["language"],
                      o["platform"], tuple(o["exporters"]), o.get("ndarray", ""))
               for o in data["oracles"]]
    names = [o.name for o in oracles]
    if len(set(names)) != len(names):
        raise CaseFileError(f"{path}: an oracle is listed twice: {sorted(names)}")
    return oracles


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
        for n, line in read_lines(path):
            where = f"{path}:{n}"
            try:
                case = check_case(loads(line), where)
            except ValueError as e:
                if isinstance(e, CaseFileError):
                    raise
                raise CaseFileError(f"{where}: not JSON: {e}") from None
            if case["id"] in seen:
                raise CaseFileError(f"{where}: duplicate case id {case['id']!r}")
            if area_of(case["id"]) != path.stem:
                raise CaseFileError(f"{where}: case {case['id']!r} belongs to another area "
                                    f"than {path.name}")
            for g in case.get("expect") or []:
                unknown = set(g["oracles"]) - names
                if unknown:
                    raise CaseFileError(f"{where}: case {case['id']!r} names oracles that "
                                        f"{ORACLES_FILE} does not list: {sorted(unknown)}")
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
    return {s["kind"] for s in case["setup"]}
