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


def _team_rows(app: PlanboardApp) -> Any:
    from planboard.ui.widgets.board_list import BoardList

    return app.screen.query_one("#team", BoardList)


async def test_moves_act_on_the_head_while_the_rest_is_read(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Down, Up and the columns move on the lines already read at once; a key that
    would go past them (PgDn, End) or change the board waits for the rest, in order."""
    waiting: list[Any] = []
    read_the_rest = BoardView._read_the_rest
    monkeypatch.setattr(BoardView, "_read_the_rest", lambda view, waited=0: waiting.append(view))
    store, app = _opened_as_the_command_opens_it(big)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            team = _team_rows(app)
            start = team.cursor
            await pilot.press("down", "down", "up")
            await pilot.pause()
            assert app.screen.reading_the_rest  # type: ignore[attr-defined]
            assert team.cursor == start + 1  # moved on the head
            await pilot.press("right")
            await pilot.pause()
            assert app.screen.focused is not team
            await pilot.press("left", "end")
            await pilot.pause(0.4)  # (longer than a key waits for a screen coming up)
            assert app.screen.focused is team
            assert team.cursor == start + 1  # End waits: its line is not read yet
            read_the_rest(waiting[0])
            await pilot.pause(0.3)
            assert not app.screen.reading_the_rest  # type: ignore[attr-defined]
            assert team.cursor == len(team.rows) - 1  # then End went to the last line
            assert team.selected is not None and team.selected.item is not None
            assert not team.selected.item.unread


async def test_a_down_onto_a_line_not_read_yet_waits_for_it(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waiting: list[Any] = []
    read_the_rest = BoardView._read_the_rest
    monkeypatch.setattr(BoardView, "_read_the_rest", lambda view, waited=0: waiting.append(view))
    store, app = _opened_as_the_command_opens_it(big)
    with store:
        quarter = store.default_quarter().id
        team_items = store.board(quarter).items_at(Place.team())
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            team = _team_rows(app)
            read = [n for n, row in enumerate(team.rows) if row.item and not row.item.unread]
            assert len(read) < len(team.rows)  # (a head: lines not read yet below)
            team.select_row(read[-1])  # the last line read
            await pilot.pause()
            await pilot.press("down")
            await pilot.pause(0.4)
            assert team.cursor == read[-1]  # it waits
            read_the_rest(waiting[0])
            await pilot.pause(0.3)
            assert team.selected is not None and team.selected.item is not None
            # The item after the last one read, read now.
            assert team.selected.item.id == team_items[len(read)].id


async def test_the_rest_is_read_off_the_screens_thread_without_the_collector(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rest is read in a thread (the screen answers meanwhile), with the cyclic
    collector off (it would scan the items made, again and again); once shown, they
    are frozen and the collector is on again. The app does not look at the file while
    the thread reads it."""
    import gc
    import threading

    seen: list[tuple[bool, bool]] = []
    real_board = Store.board

    def board(store: Store, quarter_id: int) -> Any:
        seen.append((threading.current_thread() is threading.main_thread(), gc.isenabled()))
        return real_board(store, quarter_id)

    store, app = _opened_as_the_command_opens_it(big)
    looked: list[bool] = []
    monkeypatch.setattr(Store, "board", board)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            frozen = gc.get_freeze_count()
            await pilot.pause(0.3)
            assert seen and seen[0] == (False, False)  # a thread, the collector off
            assert gc.isenabled()
            assert gc.get_freeze_count() > frozen
            assert not app.screen.reading_the_rest  # type: ignore[attr-defined]
            looked.append(app.look_at_file() or True)
    assert looked


async def test_the_file_is_not_looked_at_while_the_rest_is_read(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waiting: list[Any] = []
    monkeypatch.setattr(BoardView, "_read_the_rest", lambda view, waited=0: waiting.append(view))
    store, app = _opened_as_the_command_opens_it(big)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            asked: list[int] = []
            monkeypatch.setattr(store, "data_version", lambda: asked.append(1) or 0)
            assert app.look_at_file() is False
            assert asked == []


async def test_a_rest_that_cannot_be_read_ends_the_app_with_the_reason(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planboard.core.errors import PlanboardError

    def board(store: Store, quarter_id: int) -> Any:
        raise PlanboardError("the file went away")

    store, app = _opened_as_the_command_opens_it(big)
    monkeypatch.setattr(Store, "board", board)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.3)
    assert app.return_code == 1


async def test_keys_kept_for_the_rest_when_the_app_closes_are_let_go(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys kept until the rest is read, and the app closing meanwhile: the keys kept
    are dropped, not handed to a screen that is gone (that crashed the app)."""
    monkeypatch.setattr(BoardView, "_read_the_rest", lambda view, waited=0: None)
    store, app = _opened_as_the_command_opens_it(big)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("end", "pagedown")
            assert app._held
    assert app.return_code in (None, 0)
