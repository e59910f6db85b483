"""The rooms stay small: the meeting package, the key map, the app and the history
screen keep to ~600 lines a file, 40 methods a class and 60 lines a function."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parent.parent / "src" / "planboard" / "ui"
FILES = sorted(
    [
        *(UI / "meeting").glob("*.py"),
        UI / "keys.py",
        UI / "keyfile.py",
        UI / "app.py",
        UI / "screens" / "history.py",
    ]
)
MAX_LINES = 600
MAX_METHODS = 40
MAX_FUNCTION = 60


def too_big(source: str) -> list[str]:
    """What in this source is over the limits, said plainly (empty when nothing is)."""
    found = []
    lines = source.count("\n") + (not source.endswith("\n"))
    if lines > MAX_LINES:
        found.append(f"{lines} lines")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            methods = [
                n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            ]
            if len(methods) > MAX_METHODS:
                found.append(f"class {node.name}: {len(methods)} methods")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION:
                found.append(f"{node.name}: {length} lines")
    return found


def test_the_files_are_all_there() -> None:
    names = {path.relative_to(UI).as_posix() for path in FILES}
    for expected in ("meeting/screen.py", "meeting/cards.py", "meeting/timer.py", "keys.py"):
        assert expected in names
    assert all(path.is_file() for path in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(UI).as_posix())
def test_within_the_limits(path: Path) -> None:
    assert too_big(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_what_is_too_big() -> None:
    long_function = "def f():\n" + "    x = 1\n" * MAX_FUNCTION
    assert too_big(long_function) == [f"f: {MAX_FUNCTION + 1} lines"]
    many = "class C:\n" + "".join(f"    def m{i}(self): pass\n" for i in range(MAX_METHODS + 1))
    assert too_big(many) == [f"class C: {MAX_METHODS + 1} methods"]
    assert too_big("x = 1\n" * (MAX_LINES + 1)) == [f"{MAX_LINES + 1} lines"]
    assert too_big("x = 1\n" * MAX_LINES) == []
