"""A drag or a drop form acts on the item where the user saw it: another program that
dropped the item while it was dragged had its drop undone by the release, without a
word ("Restored … to block …")."""

from __future__ import annotations

from conftest import Filled, assert_consistent, write_outside
from pointer import drag, item_xy, mouse, row_xy
from textual import events

from planboard.core import Place
from planboard.ui.app import PlanboardApp
from planboard.ui.modals import FormModal
from planboard.ui.widgets.board_list import BoardList


def _drop_outside(filled: Filled, item_id: int) -> None:
    write_outside(
        filled.store.path,
        "UPDATE items SET status = 'dropped', drop_reason = 'theirs', place_position = 0 "
        "WHERE id = ?",
        item_id,
    )


async def test_a_drag_released_after_another_program_dropped_the_item_changes_nothing(
    filled: Filled,
) -> None:
    item_id = filled.sales_items[0]
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        blocks = app.screen.query_one("#blocks", BoardList)
        start = item_xy(app.screen.query_one("#stakeholders", BoardList), item_id)
        header = row_xy(blocks, blocks.find_group(Place.block(filled.block_b)) or 0)
        await drag(pilot, start, header, release=False)
        _drop_outside(filled, item_id)
        await mouse(pilot, events.MouseUp, *header)
        await pilot.pause()
        item = filled.store.item(item_id)
        assert (item.status, item.drop_reason, item.block_id) == ("dropped", "theirs", None)
        said = str(app.screen.query_one("#status").render())
        assert "was moved by another program meanwhile (it is now dropped)" in said, said
        assert_consistent(filled.store)


async def test_the_drop_form_saved_after_another_program_moved_the_item_changes_nothing(
    filled: Filled,
) -> None:
    item_id = filled.team_items[0]
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        assert isinstance(app.screen, FormModal)
        write_outside(
            filled.store.path,
            "UPDATE items SET block_id = ?, place_position = 0 WHERE id = ?",
            filled.block_a,
            item_id,
        )
        await pilot.press(*"Later", "enter")
        await pilot.pause()
        item = filled.store.item(item_id)
        assert (item.status, item.block_id) == ("open", filled.block_a)
        said = str(app.screen.query_one("#status").render())
        assert "it is now block “Sales cockpit”" in said, said


async def test_keys_that_act_on_items_wait_while_an_item_is_carried(filled: Filled) -> None:
    """A digit pressed while an item was carried moved it at once; the release then
    said another program had moved it ("was moved by another program meanwhile"), and
    the drag the user made was lost. While an item is carried, the keys that act on
    items or the board do nothing; the release does what the drag showed."""
    item_id = filled.sales_items[0]
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        blocks = app.screen.query_one("#blocks", BoardList)
        start = item_xy(app.screen.query_one("#stakeholders", BoardList), item_id)
        header = row_xy(blocks, blocks.find_group(Place.block(filled.block_b)) or 0)
        await drag(pilot, start, header, release=False)
        events_before = filled.store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        await pilot.press("1")  # (block 1: block_a)
        await pilot.press("d")
        await pilot.pause()
        assert not isinstance(app.screen, FormModal)
        assert filled.store.item(item_id).block_id is None  # (still on its list)
        count = filled.store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        assert count == events_before
        await mouse(pilot, events.MouseUp, *header)
        await pilot.pause()
        assert filled.store.item(item_id).block_id == filled.block_b
        said = str(app.screen.query_one("#status").render())
        assert "another program" not in said, said
        assert_consistent(filled.store)
