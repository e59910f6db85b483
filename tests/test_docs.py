"""The README tells the truth about commands, keys and the schema."""

from __future__ import annotations

import re
from pathlib import Path

from planboard.core import Store
from planboard.ui.screens.board import BoardScreen

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def code_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, re.S)


def test_readme_has_the_two_set_up_commands() -> None:
    blocks = code_blocks()
    assert "pip install . && planboard sample.db\n" in blocks
    assert 'pip install -e ".[test]" && python -m pytest\n' in blocks


def test_ci_runs_the_readmes_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'pip install -e ".[test]" && python -m pytest' in ci


def test_every_board_key_is_in_the_readme() -> None:
    table = README.split("### Keys", 1)[1].split("###", 1)[0]
    names = {
        "question_mark": "?",
        "delete": "Delete",
        "enter": "Enter",
        "escape": None,
        "shift+up": "Shift+↑",
        "shift+down": "Shift+↓",
        "ctrl+z": "Ctrl+Z",
        "ctrl+y": "Ctrl+Y",
        "f1": "F1",
        "left": "←",
        "right": "→",
        "slash": "/",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
    }
    for binding in BoardScreen.BINDINGS:
        for key in binding.key.split(","):  # type: ignore[union-attr]
            shown = names.get(key, key)
            if shown is None or key.isdigit():
                continue
            assert f"`{shown}`" in table, f"key {key} ({binding.description}) not in README"
    assert "`1` … `9`" in table


def test_schema_in_readme_matches_the_file(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "b.db")
    try:
        for table in (
            "quarters",
            "stakeholders",
            "items",
            "blocks",
            "decisions",
            "events",
            "settings",
        ):
            row = re.search(rf"^\| `{table}` \| (.*) \|$", README, re.M)
            assert row, f"table {table} missing from the README"
            documented = set(re.findall(r"`([a-z_]+)`", row.group(1)))
            columns = {r[1] for r in store.conn.execute(f"PRAGMA table_info({table})")}
            assert columns <= documented, f"{table}: undocumented {columns - documented}"
    finally:
        store.close()


def test_the_json_shape_in_the_readme_is_the_codes() -> None:
    from planboard.core.export import JSON_SHAPE

    assert JSON_SHAPE.strip() in README
