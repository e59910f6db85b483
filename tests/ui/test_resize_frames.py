"""A change that resizes the columns is laid out and painted once.

Textual lays the screen out when the columns' widths change, then every widget whose
size changed asks for a layout of its own, and the screen was laid out and painted a
second time (and every column's scrollbar a third) although nothing had moved. At
50,000 items that was two frames more after the undo or redo of a big import.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from planboard.core import Store
from planboard.core.sample import generate_board
from planboard.ui.app import PlanboardApp
from planboard.ui.widgets.board_list import BoardList
from planboard.ui.widgets.laid_out_once import ColumnScrollBar


def counting(target: Any, name: str, calls: list[str]) -> None:
    """Count calls of `target.name` (an instance's method) in `calls`."""
    original: Callable[..., Any] = getattr(target, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        return original(*args, **kwargs)

    setattr(target, name, spy)


def widths(app: PlanboardApp) -> dict[str, int]:
    return {str(column.id): column.size.width for column in app.screen.query(BoardList)}


async def test_widening_a_column_lays_the_screen_out_once(tmp_path: Path) -> None:
    path = tmp_path / "board.db"
    generate_board(path, items=200, stakeholders=4, blocks=3)
    app = PlanboardApp(Store.open(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()  # the overlap marks, found in the background
        await pilot.pause()
        before = widths(app)
        calls: list[str] = []
        counting(app.screen, "_refresh_layout", calls)
        counting(app.screen, "_compositor_refresh", calls)
        await pilot.press("w")  # the focused column (Team) takes the room it needs
        for _ in range(5):
            await pilot.pause()
        counted = list(calls)
        after = widths(app)
        assert after["team"] > before["team"]
        assert after["blocks"] < before["blocks"]
        # One layout, one frame: not a second for the resized widgets, nor a third for
        # the scrollbars that show what they showed.
        assert counted == ["_refresh_layout", "_compositor_refresh"]


async def test_a_scrollbar_still_follows_its_column(tmp_path: Path) -> None:
    """Its length, its window and its place follow the column; it goes when the list
    fits and comes back when it does not."""
    path = tmp_path / "board.db"
    generate_board(path, items=400, stakeholders=2, blocks=2)
    app = PlanboardApp(Store.open(path))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        column = app.screen.query_one("#stakeholders", BoardList)
        column.focus()
        await pilot.pause()
        bar = column.vertical_scrollbar
        assert isinstance(bar, ColumnScrollBar)
        assert column.show_vertical_scrollbar
        assert bar.window_virtual_size == len(column.rows) > bar.window_size
        await pilot.press("end")
        await pilot.pause()
        assert bar.position == column.scroll_y > 0
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert bar.window_size == column.container_size.height
        rows = len(column.rows)
        await pilot.press("d", "x", "enter")  # one item fewer in the list
        await pilot.pause()
        assert len(column.rows) == rows - 1
        assert bar.window_virtual_size == rows - 1
        # A window tall enough for the whole list: no scrollbar; shorter again: back.
        await pilot.resize_terminal(120, rows + 20)
        await pilot.pause()
        assert not column.show_vertical_scrollbar
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        assert column.show_vertical_scrollbar
        assert bar.window_size == column.container_size.height


async def test_a_short_team_list_takes_its_own_height_when_the_columns_stack(
    tmp_path: Path,
) -> None:
    """Under 110 columns the Team column is as tall as its list (up to 40%): an item
    dropped from it gives its line back to the lists below it, at once."""
    path = tmp_path / "board.db"
    generate_board(path, items=30, stakeholders=3, blocks=2)  # 9 team items
    store = Store.open(path)
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        team = app.screen.query_one("#team", BoardList)
        lists = app.screen.query_one("#stakeholders", BoardList)
        rows = len(team.rows)
        assert rows > 2
        assert team.container_size.height == rows  # the whole list, no more
        height, below = team.size.height, lists.size.height
        team.focus()
        await pilot.press("d", "x", "enter")
        await pilot.pause()
        assert len(team.rows) == rows - 1
        assert team.container_size.height == rows - 1
        assert team.size.height == height - 1
        assert lists.size.height == below + 1
