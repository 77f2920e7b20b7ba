"""Comments name files that exist, and no file names a machine's own paths.

What counts as naming a file, in the comments of the tracked sources
(Python comments and docstrings; C, header and JavaScript comments; `#`
comments of the Makefile, make fragments, shell scripts and TOML) and in
the whole text of every tracked Markdown file:

- a *rooted* path: a token whose first part is a top-level entry of the
  repository (`reference/src/alloc.c`, `spec/templates/`, `harness/bin/deps`)
  must exist; `*` and `<name>` stand for any text and must match something;
- a *relative* path: a token with a slash that ends in a file extension
  (`../harness/adapters/mvadapter.py`, here in tests/) must exist beside the file
  that names it, or from the root;
- a *bare* file name with a source extension (`external.c`, `values.py`,
  `build.mk`) must be the name of some tracked file.

What commands write (`build/...`, `node_modules/`, an expectations file) is
not tracked, and is left out. Files of other projects that comments cite
(CPython's `Objects/memoryobject.c`, ...) are listed in EXTERNAL, so that
each such citation is a decision someone made, not a typo that passes.
"""

import ast
import fnmatch
import io
import re
import subprocess
import tokenize
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Files of other projects that the comments cite: CPython's, SQLite's, Lua's.
EXTERNAL = {
    "memoryobject.c", "Objects/memoryobject.c", "_testbuffer.c", "Modules/_testbuffer.c",
    "test_buffer.py", "Lib/test/test_buffer.py", "Python.h", "Objects/abstract.c",
    "sqliteInt.h", "btree.c", "btreeInt.h", "lstring.c", "lapi.c",
}
# Where commands write what is never tracked: builds, installed runtimes,
# an implementation's expectations file (harness run --update-expectations).
WRITTEN = ("build/", "node_modules/", "conformance/expectations/")
# Paths README's examples leave to the reader: a CI folder, shards' results.
READERS = {"ci/mine.txt", "out/pypy.shard-*-of-3.json",
           "ci/mvspec-expectations.txt", "results/*.json"}   # the CI examples: a user's repository

SOURCE_EXTENSIONS = ("c", "h", "py", "mk", "toml", "md", "jsonl", "json", "mjs", "txt")
TOKEN = re.compile(r"[A-Za-z0-9_.*<>/@-]+")
URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+")
BARE = re.compile(rf"[A-Za-z_][\w-]*\.(?:{'|'.join(SOURCE_EXTENSIONS)})")
WITH_EXTENSION = re.compile(rf".*\.(?:{'|'.join(SOURCE_EXTENSIONS)})/?")


def tracked() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                         check=True).stdout.decode()
    return [p for p in out.split("\0") if p and (ROOT / p).exists()]


FILES = tracked()
TOP = {PurePosixPath(p).parts[0] for p in FILES}
NAMES = {PurePosixPath(p).name for p in FILES}
DIRS = {str(d) for p in FILES for d in PurePosixPath(p).parents if str(d) != "."}
KNOWN = set(FILES) | DIRS


# ----------------------------------------------------- where comments are ---

def python_comments(text: str) -> list[tuple[int, str]]:
    found = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.COMMENT:
            found.append((tok.start[0], tok.string))
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                found.append((body[0].lineno, body[0].value.value))
    return found


C_COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)


def c_comments(text: str) -> list[tuple[int, str]]:
    """Comments of C and JavaScript (string literals are passed over)."""
    return [(text.count("\n", 0, m.start()) + 1, m.group()) for m in C_COMMENT.finditer(text)
            if m.group().startswith("/")]


HASH_COMMENT = re.compile(r"(?:^|(?<=\s))#[^\n]*", re.M)


def hash_comments(text: str) -> list[tuple[int, str]]:
    """`#` comments of make, shell and TOML ("#!" lines are not comments)."""
    return [(text.count("\n", 0, m.start()) + 1, m.group()) for m in HASH_COMMENT.finditer(text)
            if not m.group().startswith("#!")]


def is_shell(path: str) -> bool:
    head = (ROOT / path).read_bytes()[:64]
    return head.startswith(b"#!") and b"sh" in head.split(b"\n")[0]


def commented(path: str) -> list[tuple[int, str]] | None:
    """The comments of a tracked file, with their line numbers; all of it
    for Markdown; None for a file whose comments are not read (data)."""
    name = PurePosixPath(path).name
    if name.endswith(".md"):
        return [(1, read(path))]
    if name.endswith(".py"):
        return python_comments(read(path))
    if name.endswith((".c", ".h", ".mjs")):
        return c_comments(read(path))
    if name == "Makefile" or name.endswith((".mk", ".toml")) or is_shell(path):
        return hash_comments(read(path))
    return None


def read(path: str) -> str:
    return (ROOT / path).read_text(errors="replace")


# ------------------------------------------------ what a path reference is ---

def candidates(text: str) -> list[str]:
    """Tokens of the text that name a file, by the rules at the top."""
    out = []
    for token in TOKEN.findall(URL.sub(" ", text)):
        token = token.rstrip(".-").lstrip("-")
        if token.startswith("./"):
            token = token[2:]
        parts = token.split("/")
        if "/" in token:
            if parts[0] in TOP or WITH_EXTENSION.fullmatch(token):
                out.append(token)
        elif BARE.fullmatch(token):
            out.append(token)
    return out


def as_glob(path: str) -> str:
    """<name> and a word in capitals (FILE.jsonl) are placeholders: any text."""
    return re.sub(r"<[^>/]*>|(?<![^/])[A-Z][A-Z_]+(?=\.)", "*", path)


def exists_from(base: PurePosixPath, path: str) -> bool:
    """Whether path (a glob) names a tracked file or directory from base."""
    parts: list[str] = []
    for part in (base / as_glob(path).rstrip("/")).parts:
        if part == "..":
            if not parts:
                return False
            parts.pop()
        elif part != ".":
            parts.append(part)
    pattern = "/".join(parts)
    return pattern in KNOWN or any(fnmatch.fnmatchcase(p, pattern) for p in KNOWN)


def problem(path: str, token: str) -> str | None:
    """Why the token, in a comment of path, names no file (None if it does)."""
    if token in EXTERNAL or token in READERS or token.startswith(WRITTEN):
        return None
    if "/" not in token:
        return None if any(fnmatch.fnmatchcase(n, as_glob(token)) for n in NAMES) \
            else "no tracked file has this name"
    here = PurePosixPath(path).parent
    if token.split("/")[0] in TOP:
        return None if exists_from(PurePosixPath(), token) else "no such file from the root"
    if exists_from(here, token) or exists_from(PurePosixPath(), token):
        return None
    return "no such file beside it or from the root"


def references() -> list[tuple[str, int, str]]:
    found = []
    for path in FILES:
        for line, comment in commented(path) or []:
            for token in candidates(comment):
                at = line + comment[:comment.find(token)].count("\n")
                found.append((path, at, token))
    return found


def test_every_file_a_comment_or_readme_names_exists():
    missing = [f"{path}:{line}: {token}: {why}" for path, line, token in references()
               if (why := problem(path, token))]
    assert not missing, "\n".join(missing)


def test_the_rules_catch_a_file_that_is_gone():
    # the one that started this: a renamed library file, still named
    text = "/* as in reference/src/index.c and slice.c, see ../include/mvref.h */"
    assert candidates(text) == ["reference/src/index.c", "slice.c", "../include/mvref.h"]
    assert problem("reference/driver/main.c", "reference/src/index.c") == \
        "no such file from the root"
    assert problem("reference/src/external.c", "slice.c") == "no tracked file has this name"
    assert problem("reference/src/alloc.c", "../include/mvref.h") is None
    assert problem("reference/src/alloc.c", "../include/nothing.h") is not None
    assert problem("README.md", "spec/templates/*.toml") is None
    assert problem("README.md", "spec/templates/*.yaml") is not None
    assert problem("README.md", "build/results/<implementation>.json") is None


@pytest.mark.parametrize("text, kind", [
    ("# see harness/bin/deps", "rooted"), ("# see adapters/node/serve.mjs", "relative"),
    ("// mvint.h says why", "bare"), ("# and/or read/write, I/O, 3.9/3.12", None),
    ("# https://github.com/python/cpython/blob/main/Objects/memoryobject.c", None),
])
def test_what_counts_as_naming_a_file(text, kind):
    assert bool(candidates(text)) == (kind is not None), candidates(text)


MACHINE = re.compile(r"(?<![\w.~])/(?:" + "|".join(["root", "home", "Users"]) + r")/")


def test_no_tracked_file_names_a_path_of_one_machine():
    found = []
    for path in FILES:
        text = read(path)
        for m in MACHINE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            found.append(f"{path}:{line}: {text.splitlines()[line - 1].strip()}")
    assert not found, "\n".join(found)
