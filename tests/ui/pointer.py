"""Helpers for driving the app like a terminal does: real mouse events, real keys."""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot

from planboard.ui.widgets.board_list import BoardList


def _mouse(cls: type[events.MouseEvent], x: int, y: int, button: int) -> events.MouseEvent:
    return cls(None, x, y, 0, 0, button, False, False, False, screen_x=x, screen_y=y)


async def mouse(pilot: Pilot, cls: type[events.MouseEvent], x: int, y: int, button: int = 1):
    """Post a mouse event the way the terminal driver does (so the app also makes
    Click events from it, as it would for real)."""
    pilot.app.post_message(_mouse(cls, x, y, button))
    await pilot.pause()


def row_xy(column: BoardList, index: int) -> tuple[int, int]:
    """Screen coordinates of a row of a column (it must be in view)."""
    region = column.content_region
    y = region.y + index - round(column.scroll_offset.y)
    assert region.y <= y < region.bottom, f"row {index} of #{column.id} is not in view"
    return region.x + 4, y


def item_xy(column: BoardList, item_id: int) -> tuple[int, int]:
    index = column.find_item(item_id)
    assert index is not None, f"item {item_id} is not in #{column.id}"
    return row_xy(column, index)


async def drag(
    pilot: Pilot,
    start: tuple[int, int],
    end: tuple[int, int] | None,
    *,
    steps: int = 3,
    release: bool = True,
) -> None:
    """Press at `start`, move in steps to `end`, release there."""
    x0, y0 = start
    await mouse(pilot, events.MouseDown, x0, y0)
    if end is None:
        return
    x1, y1 = end
    for step in range(1, steps + 1):
        x = x0 + (x1 - x0) * step // steps
        y = y0 + (y1 - y0) * step // steps
        await mouse(pilot, events.MouseMove, x, y)
    if release:
        await mouse(pilot, events.MouseUp, x1, y1)
        await pilot.pause()
