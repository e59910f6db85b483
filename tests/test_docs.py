"""The README tells the truth about commands, keys and the schema."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import SAMPLE

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


def test_ci_follows_the_readmes_set_up_in_order() -> None:
    """The first command (open the sample, then quit: in a pseudo-terminal), then the
    test command, as the README lists them."""
    first, tests = code_blocks()[:2]
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line[:1] != "#"]
    opened = first.strip().replace("planboard ", "python .ci/in_terminal.py planboard ", 1)
    assert first.strip() == "pip install . && planboard sample.db"
    assert opened in ci and tests.strip() in ci
    assert ci.index(opened) < ci.index(tests.strip())


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


def test_every_board_key_is_in_the_help_screen() -> None:
    """The help is built from the key map: every key of the board, its columns and the
    app shows in it, as the README writes it."""
    from planboard.ui import keys
    from planboard.ui.keyfile import help_sections, key_label

    shown = " ".join(row for _, rows in help_sections("board") for row, _ in rows).split()
    for screen in ("board", "column", "app"):
        for binding in keys.bindings(screen):
            for key in binding.key.split(","):  # type: ignore[union-attr]
                label = key_label(key)
                if key.isdigit():
                    label = "…" if key not in "19" else label
                modifier, _, name = label.rpartition("+")
                said_once = name in shown and any(s.startswith(modifier + "+") for s in shown)
                assert label in shown or (modifier and said_once), f"{key} not in the help"


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


def test_the_readmes_outside_inserts_show_on_the_board(tmp_path: Path) -> None:
    """The two inserts the README shows, run on a copy of sample.db, are whole rows the
    board shows at the end of their lists."""
    import shutil
    import sqlite3
    import subprocess
    import sys

    from planboard.core import Place

    block = next(b for b in code_blocks() if "sqlite-utils insert" in b)
    sql_line, utils_line = block.split("\necho ")
    sql = re.search(r'"(.*)"', sql_line, re.S).group(1)  # type: ignore[union-attr]
    row = re.search(r"'(\{.*\})'", utils_line).group(1)  # type: ignore[union-attr]
    board = tmp_path / "sample.db"
    shutil.copyfile(SAMPLE, board)
    with sqlite3.connect(board, isolation_level=None) as conn:
        conn.execute(sql)
    cli = Path(sys.executable).with_name("sqlite-utils")
    command = [str(cli), "insert", str(board), "items", "-"]
    subprocess.run(command, input=row, text=True, check=True, capture_output=True, timeout=60)
    store = Store.open(board)
    try:
        quarter = store.quarter_by_name("2026-Q3")
        store.tidy(quarter.id)
        shown = store.board(quarter.id)
        assert shown.items_at(Place.of_list(1))[-1].title == "Churn by plan"
        assert shown.items_at(Place.team())[-1].title == "Data quality alerts"
    finally:
        store.close()


def test_every_key_name_for_keys_toml_is_in_the_readme() -> None:
    """A keys.toml with a name planboard does not have sends the user to the README's
    list of names: every name is there, under its screen (it said "see the README for
    the ids", and the README had none)."""
    from planboard.ui.keys import all_keys

    section = README.split("### Your own keys", 1)[1].split("###", 1)[0]
    block = section.split("```text\n", 1)[1].split("```", 1)[0]
    listed: dict[str, set[str]] = {}
    screen = ""
    for line in block.splitlines():
        head, _, rest = line.partition(": ")
        if rest and not head.startswith(" "):
            screen, line = head, rest
        listed.setdefault(screen, set()).update(line.split())
    named = {name for name, key in all_keys().items() if key.keys}
    assert named == {f"{s}.{n}" for s, names in listed.items() for n in names}
