"""The board's UI stays in rooms a reader can take in: no file over 600 lines, no class
over 40 methods, no function over 60 lines (read with `ast`, so it can't be fooled by
formatting)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import planboard.ui

UI = Path(planboard.ui.__file__).parent
MAX_LINES = 600
MAX_METHODS = 40
MAX_FUNCTION_LINES = 60

FILES = sorted(
    [
        *(UI / "board").glob("*.py"),
        UI / "widgets" / "board_list.py",
        UI / "widgets" / "board_rows.py",
    ]
)


def named(path: Path) -> str:
    return str(path.relative_to(UI))


def too_big(source: str) -> list[str]:
    """What in this source breaks the limits, each said with its line."""
    found = []
    lines = len(source.splitlines())
    if lines > MAX_LINES:
        found.append(f"{lines} lines (at most {MAX_LINES})")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            methods = [
                n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            ]
            if len(methods) > MAX_METHODS:
                found.append(f"class {node.name}: {len(methods)} methods (at most {MAX_METHODS})")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(
                    f"{node.name} (line {node.lineno}): {length} lines "
                    f"(at most {MAX_FUNCTION_LINES})"
                )
    return found


def test_the_rooms_are_all_looked_at() -> None:
    names = {named(path) for path in FILES}
    assert {"board/screen.py", "board/drag.py", "board/view.py", "board/forms.py"} <= names
    assert "widgets/board_list.py" in names
    assert all(path.is_file() for path in FILES)


@pytest.mark.parametrize("path", FILES, ids=named)
def test_each_file_keeps_to_the_limits(path: Path) -> None:
    assert too_big(path.read_text(encoding="utf-8")) == []


def test_the_limits_catch_what_breaks_them() -> None:
    """The checks themselves: a long file, a crowded class, a long function."""
    crowded = "class Crowded:\n" + "".join(
        f"    def m{n}(self):\n        pass\n" for n in range(MAX_METHODS + 1)
    )
    long_function = "def long():\n" + "    x = 1\n" * MAX_FUNCTION_LINES
    long_file = "x = 1\n" * (MAX_LINES + 1)
    assert too_big(crowded) == [f"class Crowded: {MAX_METHODS + 1} methods (at most 40)"]
    assert too_big(long_function) == [f"long (line 1): {MAX_FUNCTION_LINES + 1} lines (at most 60)"]
    assert too_big(long_file) == [f"{MAX_LINES + 1} lines (at most 600)"]
    assert too_big("def short():\n    return 1\n") == []
