"""A big quarter opens on its head (`Store.first_screen`): the first frame is the whole
board's, the rest is read straight after it, and keys typed meanwhile wait for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from terminal_cells import _apply

from planboard.core import Place, Store
from planboard.core.sample import generate_board
from planboard.core.store import head as head_module
from planboard.ui.app import PlanboardApp
from planboard.ui.board.view import BoardView

SIZE = (120, 40)


@pytest.fixture
def big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A board of 1,500 items, opened as a big one (its head first)."""
    monkeypatch.setattr(head_module, "HEAD_FROM", 1000)
    path = tmp_path / "big.db"
    generate_board(path, items=1500, stakeholders=8, blocks=5)
    yield path


def _opened_as_the_command_opens_it(path: Path) -> tuple[Store, PlanboardApp]:
    store = Store.open(path)
    quarter = store.default_quarter().id
    first = store.first_screen(quarter, SIZE[1])
    assert first.partial
    return store, PlanboardApp(store, preloaded=(first, store.data_version()))


def _screen(app: PlanboardApp) -> list[str]:
    """The screen's lines, as a paint of all of it shows them now."""
    grid: dict[tuple[int, int], tuple[str, Any]] = {}
    console = Console(width=app.size.width, height=app.size.height)
    _apply(grid, app.screen._compositor.render_full_update(), console)
    width, height = app.size
    return ["".join(grid.get((x, y), (" ", None))[0] for x in range(width)) for y in range(height)]


async def test_the_head_paints_what_the_whole_board_paints(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(big) as store:
        whole = PlanboardApp(store)
        async with whole.run_test(size=SIZE) as pilot:
            await pilot.pause()
            expected = _screen(whole)

    seen: list[list[str]] = []
    read_the_rest = BoardView._read_the_rest

    def looked_at_first(view: BoardView, waited: int = 0) -> None:
        if view._footer_shown():
            seen.append(_screen(view.planboard))  # what shows before the rest is read
        read_the_rest(view, waited)

    monkeypatch.setattr(BoardView, "_read_the_rest", looked_at_first)
    store, app = _opened_as_the_command_opens_it(big)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            board = app.screen.board  # type: ignore[attr-defined]
            assert board is not None and not board.partial  # the rest was read
            assert seen == [expected]  # the head's frame: the whole board's
            assert _screen(app) == expected  # and nothing moved once it was read


async def test_keys_typed_before_the_rest_is_read_wait_for_it(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waiting: list[Any] = []
    read_the_rest = BoardView._read_the_rest
    monkeypatch.setattr(BoardView, "_read_the_rest", lambda view, waited=0: waiting.append(view))
    store, app = _opened_as_the_command_opens_it(big)
    with store:
        quarter = store.default_quarter().id
        before = store.board(quarter)
        second = before.items_at(Place.team())[1]
        block = before.blocks[0]
        events = store.last_event_id()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert waiting, "the rest is to be read after the first frame"
            await pilot.press("down", "1")  # the second team item, into block 1
            await pilot.pause(0.4)  # (longer than a key waits for a screen coming up)
            assert store.last_event_id() == events  # nothing done on the head alone
            read_the_rest(waiting[0])
            await pilot.pause(0.2)
            after = store.board(quarter)
            assert second.id in [i.id for i in after.items_at(Place.block(block.id))]
            assert store.last_event_id() == events + 1


@pytest.mark.parametrize(("size", "narrow"), [((80, 24), True), ((120, 40), False)])
async def test_the_board_is_stacked_or_not_before_its_first_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], narrow: bool
) -> None:
    """Under 110 columns the columns stack in two; the board knows it as it first loads
    (before its first frame), not from the resize that comes after that frame."""
    path = tmp_path / "small.db"
    generate_board(path, items=40, stakeholders=3, blocks=2)
    stacked: list[bool] = []
    load = BoardView.load

    def looked_at(view: BoardView) -> None:
        stacked.append(view.has_class("-narrow"))
        load(view)

    monkeypatch.setattr(BoardView, "load", looked_at)
    with Store.open(path) as store:
        app = PlanboardApp(store)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            assert stacked[0] is narrow
            assert app.screen.has_class("-narrow") is narrow


async def test_a_click_before_the_rest_is_read_does_nothing(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A click (or the wheel) while the board shows only its head would land on what
    is there now, maybe an item not read yet: it does nothing, and the keys after it
    still wait for the whole board."""
    from pointer import row_xy

    from planboard.ui.widgets.board_list import BoardList

    waiting: list[Any] = []
    monkeypatch.setattr(BoardView, "_read_the_rest", lambda view, waited=0: waiting.append(view))
    store, app = _opened_as_the_command_opens_it(big)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            team = app.screen.query_one("#team", BoardList)
            before = team.cursor
            x, y = row_xy(team, 5)
            await pilot.click(offset=(x, y), times=2)
            await pilot.pause()
            assert team.cursor == before
            assert len(app.screen_stack) == 1  # no edit form over the board
