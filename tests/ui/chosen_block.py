"""The board with block A ("Sales cockpit") chosen in a live event, its title selected:
where `d` and `x` are refused at once."""

from __future__ import annotations

from typing import Any

from conftest import Filled

from planboard.core import Place
from planboard.ui.app import PlanboardApp


def choose_block_a(filled: Filled) -> None:
    """An item in block A, the event started, block A chosen (1)."""
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.start_meeting(q, backup=False)
    store.choose_block(filled.block_a, 1)


async def on_block_a_title(app: PlanboardApp, pilot: Any) -> None:
    """The board on screen (a live quarter opens on the event), block A's title selected."""
    from planboard.ui.board.screen import BoardScreen
    from planboard.ui.widgets.board_list import BoardList

    await pilot.pause()
    if not isinstance(app.screen, BoardScreen):
        await pilot.press("b")
        await pilot.pause()
    blocks = app.screen.query_one("#blocks", BoardList)
    blocks.focus()
    blocks.select_row(0)  # “Sales cockpit”'s title
