"""The board by mouse: drags that land, drags that don't, and drags that end oddly."""

from __future__ import annotations

from conftest import Filled, assert_consistent
from pointer import drag, item_xy, mouse, row_xy
from textual import events

from planboard.core import Place
from planboard.ui.app import PlanboardApp
from planboard.ui.modals import FormModal, HelpScreen
from planboard.ui.widgets.bars import DragGhost
from planboard.ui.widgets.board_list import BoardList


def col(app: PlanboardApp, name: str) -> BoardList:
    return app.screen.query_one(f"#{name}", BoardList)


def status(app: PlanboardApp) -> str:
    return str(app.screen.query_one("#status").render())


async def test_drag_an_item_onto_a_block_title(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        blocks = col(app, "blocks")
        start = item_xy(col(app, "stakeholders"), filled.sales_items[0])
        header = row_xy(blocks, blocks.find_group(Place.block(filled.block_b)) or 0)
        await drag(pilot, start, header, release=False)
        ghost = app.screen.query_one(DragGhost)
        assert ghost.display
        text = str(ghost.render())
        assert "Pipeline by region" in text and "into Service insights · at the end" in text
        assert blocks.drop_spot is not None  # the target is highlighted
        await mouse(pilot, events.MouseUp, *header)
        await pilot.pause()
        assert filled.store.item(filled.sales_items[0]).block_id == filled.block_b
        assert not ghost.display
        assert blocks.selected_item.id == filled.sales_items[0]
        assert not isinstance(app.screen, FormModal)  # the release was not also a click


async def test_drag_onto_an_empty_block_and_between_items(filled: Filled) -> None:
    store = filled.store
    store.move_item(filled.team_items[0], Place.block(filled.block_a))
    store.move_item(filled.team_items[1], Place.block(filled.block_a))
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        blocks, stake = col(app, "blocks"), col(app, "stakeholders")
        empty_row = blocks.find_group(Place.block(filled.block_b)) + 1
        await drag(pilot, item_xy(stake, filled.service_items[0]), row_xy(blocks, empty_row))
        assert filled.titles(Place.block(filled.block_b)) == ["Ticket backlog age"]
        # onto the second item of a block: it takes that place
        target = item_xy(blocks, filled.team_items[1])
        await drag(pilot, item_xy(stake, filled.sales_items[1]), target)
        assert filled.titles(Place.block(filled.block_a)) == [
            "Single customer view",
            "Win rate by segment",
            "Data quality alerts",
        ]
        assert_consistent(store)


async def test_drag_within_a_block_reorders_it(filled: Filled) -> None:
    store = filled.store
    for item in filled.sales_items:
        store.move_item(item, Place.block(filled.block_a))
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        blocks = col(app, "blocks")
        first = item_xy(blocks, filled.sales_items[0])
        last = item_xy(blocks, filled.sales_items[2])
        await drag(pilot, first, last)
        assert filled.titles(Place.block(filled.block_a)) == [
            "Win rate by segment",
            "Quota attainment",
            "Pipeline by region",
        ]
        assert blocks.selected_item.id == filled.sales_items[0]


async def test_drag_to_dropped_asks_why(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        dropped = col(app, "dropped")
        await drag(pilot, item_xy(col(app, "team"), filled.team_items[2]), row_xy(dropped, 0))
        assert isinstance(app.screen, FormModal)
        await pilot.press(*"Already in the BI tool", "enter")
        await pilot.pause()
        item = filled.store.item(filled.team_items[2])
        assert (item.status, item.drop_reason) == ("dropped", "Already in the BI tool")
        # and back onto its own list: restored
        await drag(pilot, item_xy(dropped, item.id), row_xy(col(app, "team"), 0))
        assert filled.store.item(item.id).status == "open"
        assert filled.titles(Place.team())[0] == "Metric definitions"


async def test_cancelling_the_reason_changes_nothing(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await drag(
            pilot, item_xy(col(app, "team"), filled.team_items[0]), row_xy(col(app, "dropped"), 0)
        )
        await pilot.press("escape")
        await pilot.pause()
        assert filled.store.item(filled.team_items[0]).status == "open"


async def test_another_stakeholders_list_is_not_a_target(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        stake = col(app, "stakeholders")
        start = item_xy(stake, filled.service_items[0])
        target = item_xy(stake, filled.sales_items[1])
        await drag(pilot, start, target, release=False)
        ghost = app.screen.query_one(DragGhost)
        assert ghost.has_class("-invalid")
        assert "not its list" in str(ghost.render())
        await mouse(pilot, events.MouseUp, *target)
        await pilot.pause()
        assert filled.titles(Place.of_list(filled.service)) == [
            "Ticket backlog age",
            "Refund reasons",
        ]
        assert filled.titles(Place.of_list(filled.sales))[1] == "Win rate by segment"
        assert "Can't put it there" in status(app)


async def test_release_over_nothing_changes_nothing(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        before = filled.store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        title_bar = app.screen.query_one("#title").region
        await drag(
            pilot, item_xy(col(app, "team"), filled.team_items[0]), (title_bar.x + 50, title_bar.y)
        )
        after = filled.store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        assert after == before
        assert "nothing changed" in status(app)
        assert app.screen.drag is None and app.mouse_captured is None


async def test_escape_cancels_a_drag(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        blocks = col(app, "blocks")
        target = row_xy(blocks, 0)
        await drag(pilot, item_xy(col(app, "team"), filled.team_items[0]), target, release=False)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.drag is None
        assert not app.screen.query_one(DragGhost).display
        await mouse(pilot, events.MouseUp, *target)
        assert filled.store.item(filled.team_items[0]).block_id is None


async def test_a_release_we_never_saw_does_not_leave_the_drag_stuck(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        target = row_xy(col(app, "blocks"), 0)
        await drag(pilot, item_xy(col(app, "team"), filled.team_items[0]), target, release=False)
        # the button came up outside the window; the pointer comes back with no button
        await mouse(pilot, events.MouseMove, target[0], target[1], button=0)
        assert app.screen.drag is None and app.mouse_captured is None
        assert filled.store.item(filled.team_items[0]).block_id is None


async def test_a_screen_opening_mid_drag_ends_it(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        target = row_xy(col(app, "blocks"), 0)
        await drag(pilot, item_xy(col(app, "team"), filled.team_items[0]), target, release=False)
        app.push_screen(HelpScreen())
        await pilot.pause()
        assert board.drag is None and app.mouse_captured is None
        await pilot.press("escape")
        await pilot.pause()
        assert filled.store.item(filled.team_items[0]).block_id is None


async def test_drag_a_block_title_to_reorder_blocks(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        blocks = col(app, "blocks")
        first = row_xy(blocks, blocks.find_group(Place.block(filled.block_a)) or 0)
        second = row_xy(blocks, blocks.find_group(Place.block(filled.block_b)) or 0)
        await drag(pilot, first, second)
        assert [b.id for b in filled.store.blocks(filled.quarter_id)] == [
            filled.block_b,
            filled.block_a,
        ]


async def test_dragging_near_the_edge_scrolls_the_list(filled: Filled) -> None:
    store = filled.store
    for n in range(60):
        store.add_item(filled.quarter_id, filled.sales, f"Report number {n}")
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        stake = col(app, "stakeholders")
        bottom = stake.content_region.bottom - 1
        start = item_xy(stake, filled.sales_items[0])
        await drag(pilot, start, (start[0], bottom), release=False)
        for _ in range(8):  # the auto-scroll timer's ticks
            app.screen._scroll_tick()
        await pilot.pause()
        assert stake.scroll_offset.y > 0
        await mouse(pilot, events.MouseUp, start[0], bottom)
        await pilot.pause()
        moved = store.items_at(filled.quarter_id, Place.of_list(filled.sales))
        assert moved[0].title != "Pipeline by region"  # it went further down the list
        assert_consistent(store)


async def test_double_click_edits(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        xy = item_xy(col(app, "team"), filled.team_items[1])
        for _ in range(2):
            await mouse(pilot, events.MouseDown, *xy)
            await mouse(pilot, events.MouseUp, *xy)
        await pilot.pause()
        assert isinstance(app.screen, FormModal)


async def test_at_80_columns_the_ghost_leaves_the_row_it_would_land_on_in_view(
    filled: Filled,
) -> None:
    """Where the ghost fits beside neither side of the column under the pointer, it
    goes above or below the pointer's row: at 80x24 it covered the block's header it
    was being dropped on (its number and name)."""
    from textual.geometry import Region

    store = filled.store
    long = "Move the remaining Excel reports into the BI tool, one department at a time"
    item = store.add_item(filled.quarter_id, None, long).item_id or 0
    app = PlanboardApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        blocks = col(app, "blocks")
        start = item_xy(col(app, "team"), item)
        for group in (filled.block_a, filled.block_b):
            header = row_xy(blocks, blocks.find_group(Place.block(group)) or 0)
            await drag(pilot, start, header, release=False)
            ghost = app.screen.query_one(DragGhost)
            assert ghost.display and "into " in str(ghost.render())
            target_row = Region(blocks.region.x, header[1], blocks.region.width, 1)
            assert not ghost.region.overlaps(target_row), (ghost.region, header)
            assert ghost.region.bottom <= app.size.height
            assert ghost.region.right <= app.size.width
            await mouse(pilot, events.MouseUp, 0, 0)  # released outside: nothing moves
            await pilot.pause()
        assert store.item(item).block_id is None
