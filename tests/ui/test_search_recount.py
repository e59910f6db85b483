"""A search still on when another program adds a matching item says the new count: the
board showed five items while the status line kept saying "Showing 4 items"."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from conftest import Filled

from planboard.core import Store
from planboard.ui.app import PlanboardApp


async def test_a_match_another_program_adds_is_counted(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"rate")
        await pilot.pause()
        status = app.screen.query_one("#status")
        assert "Showing 1 item that matches “rate”" in str(status.render())
        with sqlite3.connect(filled.store.path, isolation_level=None) as conn:
            conn.execute(
                "INSERT INTO items (quarter_id, title, stakeholder_id, position, created_at) "
                "VALUES (?, 'Churn rate by month', ?, 9, '2026-06-01T10:00:00Z')",
                (filled.quarter_id, filled.service),
            )
        await pilot.pause(1.2)  # (the app looks at the file twice a second)
        assert "Showing 2 items that match “rate”" in str(status.render())


async def test_a_column_title_during_a_search_fits_its_column(sample_copy: Path) -> None:
    """At four columns of 120 the stakeholders' title was cut to "Stakeholders · 5 o…"."""
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"order")
        await pilot.pause()
        for name in ("team", "stakeholders", "blocks", "dropped"):
            column = app.screen.query_one(f"#{name}")
            title = str(column.border_title)
            assert len(title) <= column.outer_size.width - 6, (name, title)
        title = str(app.screen.query_one("#stakeholders").border_title)
        assert re.fullmatch(r"Stakeholders · \d+( of \d+( items)?|/\d+)", title), title


async def test_the_search_bar_is_made_when_first_wanted_above_the_columns(filled: Filled) -> None:
    """The first frame is drawn without an input field it does not show (its styles and
    messages cost about 5 ms of it); `/` makes it, above the columns, with the focus,
    and Esc hides it again (the next `/` uses the same one)."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert not board.query("#search")
        await pilot.press("escape")  # (Esc on a board never searched: no bar made for it)
        assert not board.query("#search")
        await pilot.press("slash", *"rate")
        await pilot.pause()
        bar = board.query_one("#search")
        assert bar.display and app.focused is bar and bar.value == "rate"
        children = list(board.children)
        assert children.index(bar) < children.index(board.query_one("#board"))
        assert bar.region.y < board.query_one("#board").region.y
        await pilot.press("escape")
        await pilot.pause()
        assert not bar.display
        await pilot.press("slash", "x")
        await pilot.pause()
        assert board.query("#search").nodes == [bar] and bar.value == "x"
