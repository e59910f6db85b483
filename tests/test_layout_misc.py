"""The command, the exports, the matcher, replication, the benchmarks and the file's
opening stay in rooms a newcomer can read: no source file over 600 lines, no class over
40 methods, no function over 60 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "planboard"

MAX_FILE_LINES = 600
MAX_METHODS = 40
MAX_FUNCTION_LINES = 60

PACKAGES = ["cli", "bench", "core/export", "core/similar", "core/replica"]
MODULES = [
    "core/db.py",
    "core/wal.py",
    "core/importer.py",
    "core/outcome.py",
    "core/sample.py",
    "core/synthetic_text.py",
    "core/schema.py",
]


def _files() -> list[Path]:
    found = [path for package in PACKAGES for path in sorted((SRC / package).glob("*.py"))]
    return found + [SRC / module for module in MODULES]


FILES = _files()


def _name(path: Path) -> str:
    return str(path.relative_to(SRC))


def test_every_listed_room_exists() -> None:
    for package in PACKAGES:
        assert (SRC / package / "__init__.py").is_file(), package
    for module in MODULES:
        assert (SRC / module).is_file(), module
    assert len(FILES) > len(MODULES) + len(PACKAGES)


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_file_within_limits(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = len(text.splitlines())
    assert lines <= MAX_FILE_LINES, f"{_name(path)} has {lines} lines"
    too_long = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                too_long.append(f"{node.name} ({length} lines, line {node.lineno})")
        elif isinstance(node, ast.ClassDef):
            methods = sum(
                isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) for child in node.body
            )
            if methods > MAX_METHODS:
                too_long.append(f"class {node.name} ({methods} methods)")
    assert not too_long, f"{_name(path)}: " + "; ".join(too_long)


def test_the_limits_catch_a_long_function() -> None:
    """The check itself: a function of 61 lines is found."""
    body = "\n".join(f"    x{n} = {n}" for n in range(60))
    tree = ast.parse(f"def long():\n{body}\n")
    (node,) = tree.body
    assert isinstance(node, ast.FunctionDef)
    assert (node.end_lineno or 0) - node.lineno + 1 == 61 > MAX_FUNCTION_LINES
