"""Quarters another program named as planboard never would (`2026/Q3`, `Q4 2026`, a NUL
in the name): the board, its exports and the command line take them as they are."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from planboard.core import Store
from planboard.core.export import export_path
from planboard.core.outcome import minutes_path
from planboard.ui.app import PlanboardApp
from planboard.ui.modals import FormModal


@pytest.mark.parametrize(
    ("name", "part"),
    [("2026/Q3", "2026-Q3"), ("x\x00y", "x-y"), ("..", "quarter"), ("/", "quarter")],
)
def test_a_file_named_after_a_quarter_is_a_file_beside_the_board(
    sample_copy: Path, name: str, part: str
) -> None:
    """The export's and the minutes' default names: `Invalid name 'q.2026/Q3.md'` or
    `embedded null byte` ended planboard."""
    with sqlite3.connect(sample_copy) as conn:
        conn.execute("UPDATE quarters SET name = ? WHERE name = '2026-Q3'", (name,))
    with Store.open(sample_copy) as store:
        quarter = next(q for q in store.quarters() if q.name == name)
        for path in (
            export_path(sample_copy, quarter.name, "md"),
            minutes_path(sample_copy, quarter),
        ):
            assert path.parent == sample_copy.parent
            assert path.name.startswith(f"{sample_copy.stem}.{part}.")


async def test_a_quarter_named_otherwise_offers_the_next_quarter_all_the_same(
    sample_copy: Path,
) -> None:
    """`o` then "+ New quarter…", and the history's `n`, ended planboard with "not a
    quarter name: 'Q4 2026'" once another program had added such a quarter."""
    with sqlite3.connect(sample_copy) as conn:
        conn.execute(
            "INSERT INTO quarters (name, status, vision, created_at) "
            "VALUES ('Q4 2026', 'preparing', '', '2026-10-01T00:00:00Z')"
        )
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        board.action_new_quarter()
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        assert app.screen.query_one("#field-name").value == "2026-Q4"
        await pilot.press("escape")
        await pilot.pause()
        board.action_next_quarter()
        await pilot.pause()
        assert isinstance(app.screen, FormModal)


def test_the_command_line_finds_a_quarter_by_the_name_it_has(sample_copy: Path) -> None:
    """`--quarter 'Q4 2026'` said "There is no quarter 'Q4 2026' (quarters: …, Q4 2026)"."""
    with sqlite3.connect(sample_copy) as conn:
        conn.execute("UPDATE quarters SET name = 'Q4 2026' WHERE name = '2026-Q3'")
    with Store.open(sample_copy) as store:
        assert store.quarter_by_name("Q4 2026").name == "Q4 2026"
        assert store.quarter_by_name("2026-q2").name == "2026-Q2"  # (as typed, as before)
    with sqlite3.connect(sample_copy) as conn:  # (a name that reads as another, typed)
        conn.execute("UPDATE quarters SET name = 'Q42026' WHERE name = '2026-Q2'")
    with Store.open(sample_copy) as store:
        assert store.quarter_by_name("Q4 2026").name == "Q4 2026"
        assert store.quarter_by_name("Q42026").name == "Q42026"
