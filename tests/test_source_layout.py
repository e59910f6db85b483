"""The shape of the source: rooms small enough to read. In the whole of planboard, no file
over 600 lines, no class over 40 methods, no function (or method) over 60 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "planboard"
STORE = SRC / "core" / "store"
FILES = sorted(SRC.rglob("*.py"))  # every source file, the store's rooms among them

MAX_FILE_LINES = 600
MAX_CLASS_METHODS = 40
MAX_FUNCTION_LINES = 60


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _length(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the first decorator (or the `def`) to the last line of the body."""
    first = min([d.lineno for d in node.decorator_list] + [node.lineno])
    return (node.end_lineno or node.lineno) - first + 1


@pytest.mark.parametrize(
    "room",
    [
        "core/store",
        "core/export",
        "core/similar",
        "core/replica",
        "cli",
        "bench",
        "ui/board",
        "ui/meeting",
    ],
)
def test_the_big_rooms_are_packages(room: str) -> None:
    """What was one long file each is a package of rooms (the limits below hold for all)."""
    assert not (SRC / f"{room}.py").exists()
    assert (SRC / room / "__init__.py").is_file()
    assert len(list((SRC / room).glob("*.py"))) >= 3


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_file_over_600_lines(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_FILE_LINES, f"{path.name} has {lines} lines"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_class_over_40_methods(path: Path) -> None:
    big = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ClassDef):
            count = sum(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) for n in node.body)
            if count > MAX_CLASS_METHODS:
                big.append(f"{node.name}: {count} methods")
    assert big == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_function_over_60_lines(path: Path) -> None:
    long = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = _length(node)
            if length > MAX_FUNCTION_LINES:
                long.append(f"{node.name} (line {node.lineno}): {length} lines")
    assert long == []


def test_the_measures_catch_what_they_name() -> None:
    """The counting itself: a 61-line function and a 41-method class are seen."""
    body = "\n".join(f"    x{i} = {i}" for i in range(59))
    source = f"def long():\n{body}\n    return 0\n"
    source += "class Big:\n" + "".join(f"    def m{i}(self): ...\n" for i in range(41))
    tree = ast.parse(source)
    function = next(n for n in tree.body if isinstance(n, ast.FunctionDef))
    klass = next(n for n in tree.body if isinstance(n, ast.ClassDef))
    assert _length(function) == 61
    assert sum(isinstance(n, ast.FunctionDef) for n in klass.body) == 41


def test_every_name_imported_from_the_store_is_there() -> None:
    """What the rest of planboard imports from the store still comes from the package
    (and `reads` is the decorator, not a module of the same name)."""
    import types

    import planboard.core.store as store

    wanted = set()
    for path in SRC.rglob("*.py"):
        if STORE in path.parents:
            continue
        for node in ast.walk(_tree(path)):
            module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
            if isinstance(node, ast.ImportFrom) and module.split(".")[-1] == "store":
                if node.level == 0 and node.module != "planboard.core.store":
                    continue
                wanted |= {alias.name for alias in node.names}
    assert {"Store", "reads"} <= wanted
    for name in wanted:
        assert hasattr(store, name), name
    assert callable(store.reads) and not isinstance(store.reads, types.ModuleType)
