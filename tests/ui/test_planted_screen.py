"""Screen behaviour that once broke without any test noticing. Each test was checked
against the broken version (it fails there) and passes on the real one; each asserts on
the file as well as on the screen."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import Filled, assert_consistent
from pointer import drag, item_xy, mouse, row_xy
from textual import events

from planboard.core import Place, Store
from planboard.ui.app import PlanboardApp
from planboard.ui.modals import FormModal, HelpScreen
from planboard.ui.screens.board import BoardScreen
from planboard.ui.screens.meeting import MeetingScreen, _alarm_level
from planboard.ui.widgets.bars import DragGhost
from planboard.ui.widgets.board_list import BoardList


def col(app: PlanboardApp, name: str) -> BoardList:
    return app.screen.query_one(f"#{name}", BoardList)


def board(app: PlanboardApp) -> BoardScreen:
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    return screen


def count_loads(screen: BoardScreen) -> list[int]:
    """Counts the screen's whole re-reads from now on."""
    calls: list[int] = []
    load = screen.load

    def counting() -> None:
        calls.append(1)
        load()

    screen.load = counting  # type: ignore[method-assign]
    return calls


# ------------------------------------------------------------------ the countdown


def head_style_of_clock(app: PlanboardApp) -> str:
    """The style of the countdown's figures in the meeting view's head line."""
    head = app.screen.query_one("#meeting-head").render()
    text = str(head)
    start = text.index(" Time ") + len(" Time ")
    for span in head.spans:
        if span.start <= start < span.end:
            return str(span.style)
    return ""


@pytest.mark.parametrize(("seconds", "amber"), [(301, False), (300, True), (299, True)])
async def test_the_countdown_turns_amber_at_five_minutes(
    filled: Filled, seconds: int, amber: bool
) -> None:
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    store.set_timer(q, running=False, remaining=seconds)
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        minutes, rest = divmod(seconds, 60)
        assert f"{minutes:02d}:{rest:02d}" in str(app.screen.query_one("#meeting-head").render())
        style = head_style_of_clock(app)
        assert ("warning" in style) is amber, style
        assert "error" not in style
        assert store.meeting(q).timer_remaining == seconds  # the file holds what was shown


def test_the_five_minute_warning_rings_at_five_minutes_not_before() -> None:
    assert [_alarm_level(s) for s in (301, 300.4, 300, 299, 61, 60, 1, 0)] == [
        0,
        0,
        1,
        1,
        1,
        2,
        2,
        3,
    ]


# ------------------------------------------------------------------ digits


async def test_every_digit_moves_the_item_into_that_block(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    blocks = [filled.block_a, filled.block_b]
    blocks += [store.add_block(q, f"Block {n}", "").block_id or 0 for n in range(3, 10)]
    items = [store.add_item(q, None, f"Candidate {n}").item_id or 0 for n in range(1, 10)]
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        team, shown = col(app, "team"), col(app, "blocks")
        for n, item in enumerate(items, start=1):
            team.focus()
            assert team.select_item(item)
            await pilot.press(str(n))
            await pilot.pause()
            assert store.item(item).block_id == blocks[n - 1], f"key {n}"
            group = shown.groups[[g.key for g in shown.groups].index(Place.block(blocks[n - 1]))]
            assert item in [i.id for i in group.items], f"key {n} on screen"
        assert_consistent(store)


# ------------------------------------------------------------------ overlap marks


async def test_renaming_an_item_refreshes_the_overlap_marks(tmp_path: Path, clock) -> None:
    store = Store.open(tmp_path / "board.db", clock=clock, first_quarter="2026-Q3")
    q = store.default_quarter().id
    store.add_stakeholder("Sales", "Sales", quarter_id=q)
    sales = store.stakeholders(q)[0].id
    asked = store.add_item(q, sales, "Weekly pipeline coverage by region").item_id or 0
    renamed = store.add_item(q, None, "Warehouse cost per order").item_id or 0
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        team, stake = col(app, "team"), col(app, "stakeholders")
        assert renamed not in team.marks and asked not in stake.marks
        team.focus()
        team.select_item(renamed)
        await pilot.press("e")
        assert isinstance(app.screen, FormModal)
        await pilot.press("ctrl+u", *"Regional pipeline coverage, weekly", "ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.item(renamed).title == "Regional pipeline coverage, weekly"
        assert team.marks.get(renamed) == "×2"
        assert stake.marks.get(asked) == "×2"


# ------------------------------------------------------------------ the file and the drag


async def test_a_change_from_another_program_waits_for_the_drag_to_end(filled: Filled) -> None:
    store = filled.store
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = board(app)
        blocks, stake = col(app, "blocks"), col(app, "stakeholders")
        header = row_xy(blocks, blocks.find_group(Place.block(filled.block_b)) or 0)
        start = item_xy(stake, filled.sales_items[0])
        await drag(pilot, start, header, release=False)
        assert screen.drag is not None and screen.drag.active
        assert blocks.drop_spot is not None
        loads = count_loads(screen)
        other = sqlite3.connect(store.path)
        with other:
            other.execute(
                "UPDATE items SET title = 'Written elsewhere' WHERE id = ?",
                (filled.team_items[0],),
            )
        other.close()
        app._watch_file()  # the file watcher's tick
        await pilot.pause()
        assert loads == []  # not re-read under the pointer
        assert screen.drag is not None and screen.drag.active
        assert blocks.drop_spot is not None and stake.carried_item == filled.sales_items[0]
        assert app.screen.query_one(DragGhost).display
        await mouse(pilot, events.MouseUp, *header)
        await pilot.pause()
        assert store.item(filled.sales_items[0]).block_id == filled.block_b
        assert blocks.selected_item.id == filled.sales_items[0]
        assert store.item(filled.team_items[0]).title == "Written elsewhere"
        assert_consistent(store)


async def test_the_screen_does_not_reread_the_file_after_its_own_writes(filled: Filled) -> None:
    store = filled.store
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = board(app)
        loads = count_loads(screen)
        await pilot.press("1")  # Single customer view into Sales cockpit
        await pilot.pause()
        app._watch_file()
        await pilot.press("question_mark")  # a screen over the board, and back
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("b", *"Finance", "ctrl+s")  # a form over the board, and back
        await pilot.pause()
        assert app.screen is screen
        app._watch_file()
        await pilot.pause()
        assert loads == []
        assert store.item(filled.team_items[0]).block_id == filled.block_a
        assert [b.name for b in store.blocks(filled.quarter_id)][-1] == "Finance"
        assert [g.title for g in col(app, "blocks").groups][-1] == "Finance"


async def test_dragging_near_the_top_edge_scrolls_the_list_up(filled: Filled) -> None:
    store = filled.store
    for n in range(60):
        store.add_item(filled.quarter_id, filled.sales, f"Report number {n}")
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()  # the overlap marks are in: widths are set
        await pilot.pause()
        screen = board(app)
        stake = col(app, "stakeholders")
        stake.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        scrolled = stake.scroll_offset.y
        assert scrolled > 0
        top = stake.content_region.y
        last = store.items_at(filled.quarter_id, Place.of_list(filled.sales))[-1]
        start = item_xy(stake, last.id)
        await drag(pilot, start, (start[0], top), release=False)
        assert screen.drag is not None and screen.drag.active
        for _ in range(5):  # the auto-scroll timer's ticks
            screen._scroll_tick()
        await pilot.pause()
        assert stake.scroll_offset.y < scrolled
        await mouse(pilot, events.MouseUp, start[0], top)
        await pilot.pause()
        moved = store.items_at(filled.quarter_id, Place.of_list(filled.sales))
        assert moved[-1].id != last.id  # it went further up the list
        assert_consistent(store)


# ------------------------------------------------------------------ blocks


@pytest.mark.parametrize(
    ("moved", "onto", "expected"),
    [(0, 2, [1, 2, 0]), (2, 0, [2, 0, 1]), (0, 1, [1, 0, 2]), (1, 2, [0, 2, 1]), (2, 1, [0, 2, 1])],
)
async def test_dragging_one_of_three_block_titles_onto_another(
    filled: Filled, moved: int, onto: int, expected: list[int]
) -> None:
    store = filled.store
    ids = [filled.block_a, filled.block_b]
    ids.append(store.add_block(filled.quarter_id, "Finance basics", "").block_id or 0)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        blocks = col(app, "blocks")
        start = row_xy(blocks, blocks.find_group(Place.block(ids[moved])) or 0)
        end = row_xy(blocks, blocks.find_group(Place.block(ids[onto])) or 0)
        await drag(pilot, start, end)
        assert [b.id for b in store.blocks(filled.quarter_id)] == [ids[n] for n in expected]
        assert [g.key.ref for g in blocks.groups] == [ids[n] for n in expected]
        assert_consistent(store)


async def test_shift_keys_on_the_middle_of_three_blocks(filled: Filled) -> None:
    store = filled.store
    a, b = filled.block_a, filled.block_b
    c = store.add_block(filled.quarter_id, "Finance basics", "").block_id or 0
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        blocks = col(app, "blocks")
        blocks.focus()
        assert blocks.select_group(Place.block(b))
        await pilot.press("shift+down")
        await pilot.pause()
        assert [x.id for x in store.blocks(filled.quarter_id)] == [a, c, b]
        await pilot.press("shift+up", "shift+up")
        await pilot.pause()
        assert [x.id for x in store.blocks(filled.quarter_id)] == [b, a, c]
        assert [g.key.ref for g in blocks.groups] == [b, a, c]
