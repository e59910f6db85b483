"""A big quarter opens on its head (`Store.first_screen`): the first frame is the whole
board's, the rest is read straight after it, and keys typed meanwhile wait for it."""

from __future__ import annotations

import sqlite3
import threading
import time
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


# The board's own `_read_the_rest`, for a test that held it back to call it later.
READ_THE_REST = BoardView._read_the_rest


def _hold_the_rest(monkeypatch: pytest.MonkeyPatch) -> list[BoardView]:
    """The rest of the quarter is not read until the test calls `READ_THE_REST` on
    the board it gives (the boards that asked, in order)."""
    waiting: list[BoardView] = []
    monkeypatch.setattr(BoardView, "_read_the_rest", lambda view, waited=0: waiting.append(view))
    return waiting


async def test_the_head_paints_what_the_whole_board_paints(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(big) as store:
        whole = PlanboardApp(store)
        async with whole.run_test(size=SIZE) as pilot:
            await pilot.pause()
            expected = _screen(whole)

    seen: list[list[str]] = []

    def looked_at_first(view: BoardView, waited: int = 0) -> None:
        if view._footer_shown():
            seen.append(_screen(view.planboard))  # what shows before the rest is read
        READ_THE_REST(view, waited)

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
    waiting = _hold_the_rest(monkeypatch)
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
            READ_THE_REST(waiting[0])
            for _ in range(200):  # (a loaded machine reads the rest later: a fixed 0.2 s
                # failed while another test run shared the machine)
                if store.last_event_id() != events:
                    break
                await pilot.pause(0.05)
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

    def looked_at(view: BoardView, read: Any = None) -> None:
        stacked.append(view.has_class("-narrow"))
        load(view, read)

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

    _hold_the_rest(monkeypatch)
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
    waiting = _hold_the_rest(monkeypatch)
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
            READ_THE_REST(waiting[0])
            await pilot.pause(0.3)
            assert not app.screen.reading_the_rest  # type: ignore[attr-defined]
            assert team.cursor == len(team.rows) - 1  # then End went to the last line
            assert team.selected is not None and team.selected.item is not None
            assert not team.selected.item.unread


async def test_a_down_onto_a_line_not_read_yet_waits_for_it(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waiting = _hold_the_rest(monkeypatch)
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
            READ_THE_REST(waiting[0])
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
    _hold_the_rest(monkeypatch)
    store, app = _opened_as_the_command_opens_it(big)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("end", "pagedown")
            assert app._held
    assert app.return_code in (None, 0)


async def test_downs_typed_together_stop_at_the_last_line_read(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys typed in one burst (a held key) come in before any is run: each is judged
    from where the one before it left the cursor, so the last line read is as far as
    they go on the head."""
    from textual import events

    _hold_the_rest(monkeypatch)
    store, app = _opened_as_the_command_opens_it(big)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            team = _team_rows(app)
            read = [n for n, row in enumerate(team.rows) if row.item and not row.item.unread]
            team.select_row(read[-2])
            await pilot.pause()
            for _ in range(4):  # one burst, as a terminal sends a held key
                app.post_message(events.Key("down", None))
            await pilot.pause(0.3)
            assert app.screen.reading_the_rest  # type: ignore[attr-defined]
            assert team.cursor == read[-1]
            assert len(app._held) == 3  # the others wait for the rest


def _slow_in_a_thread(monkeypatch: pytest.MonkeyPatch, then: Any = None) -> threading.Event:
    """`Store.board` in a thread (the rest's read) takes half a second, as at 50,000
    items, and `then()` runs after it has read; the event is set once it reads."""
    board = Store.board
    reading = threading.Event()

    def slow(store: Store, quarter_id: int) -> Any:
        if threading.current_thread() is threading.main_thread():
            return board(store, quarter_id)
        reading.set()
        read = board(store, quarter_id)
        time.sleep(0.5)
        if then is not None:
            then()
        return read

    monkeypatch.setattr(Store, "board", slow)
    return reading


async def test_a_write_on_the_event_screen_while_the_rest_is_read_is_saved(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A live quarter opens on the event screen at once, over the board reading its
    rest: the rest is read on a connection of its own, so a choice made meanwhile is
    saved."""
    from planboard.ui.screens.meeting import MeetingScreen

    with Store.open(big) as store:
        store.start_meeting(store.default_quarter().id, backup=False)
    reading = _slow_in_a_thread(monkeypatch)
    store, app = _opened_as_the_command_opens_it(big)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(50):
                await pilot.pause(0.02)
                if reading.is_set():
                    break
            assert reading.is_set() and isinstance(app.screen, MeetingScreen)
            await pilot.press("1")  # the first block: choice 1
            await pilot.pause(1.0)
            status = str(app.screen.query_one("#status").render())
            assert "Could not save" not in status, status
            assert app.return_code is None
    with Store.open(big) as after:
        assert any(b.choice == 1 for b in after.board(after.default_quarter().id).blocks)


async def test_a_write_by_another_program_while_the_rest_is_read_shows(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program writes just after the thread has read the rest: the board
    shows what it read, then catches up with the write, as with any other."""
    with Store.open(big) as store:
        first = store.board(store.default_quarter().id).items_at(Place.team())[0]

    def write() -> None:
        with sqlite3.connect(big, isolation_level=None) as other:  # (as `sqlite3` would)
            other.execute("UPDATE items SET title = 'Renamed elsewhere' WHERE id = ?", (first.id,))

    _slow_in_a_thread(monkeypatch, write)
    store, app = _opened_as_the_command_opens_it(big)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.8)
            assert not app.screen.reading_the_rest  # type: ignore[attr-defined]
            await pilot.pause(1.5)  # (the watcher looks twice a second)
            team = _team_rows(app)
            assert "Renamed elsewhere" in [item.title for item in team.groups[0].items]


async def test_a_board_removed_while_its_rest_is_read_stays_on_screen(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file renamed away while the thread reads: what the thread read may be
    another file's, so the screen reads the rest on the board's own connection, as
    before; the board stays (read-only, as when the file goes at any other moment)."""
    _slow_in_a_thread(monkeypatch, lambda: big.rename(big.with_name("elsewhere.db")))
    store, app = _opened_as_the_command_opens_it(big)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(1.0)
            assert app.return_code is None, "planboard ended"
            assert not app.screen.reading_the_rest  # type: ignore[attr-defined]


async def test_a_busy_file_when_the_rest_is_read_keeps_the_board(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows another program wrote without positions, and that program still writing
    when the rest has been read: they are put in order later; the board stays."""
    from planboard.core import db as db_module

    with sqlite3.connect(big, isolation_level=None) as conn:  # (as `sqlite3` would)
        conn.execute("INSERT INTO items (quarter_id, title) VALUES (1, 'Added by hand')")
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 200)
    store, app = _opened_as_the_command_opens_it(big)
    other = sqlite3.connect(big, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writing
    try:
        with store:
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause(1.0)
                assert app.return_code is None, "planboard ended"
                assert not app.screen.reading_the_rest  # type: ignore[attr-defined]
    finally:
        other.execute("ROLLBACK")
        other.close()


async def test_a_board_replaced_while_its_rest_is_read_is_not_shown_in_its_place(
    big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another board moved to the path (`mv other.db big.db`) as the thread opens it:
    what the thread read is another file's; the rest shown is this board's."""
    other = tmp_path / "other.db"
    generate_board(other, items=1200, stakeholders=3, blocks=2, seed=7)
    with Store.open(big) as store:
        expected = [i.id for i in store.board(store.default_quarter().id).items_at(Place.team())]
    real_open = Store.open.__func__  # type: ignore[attr-defined]

    def swapped_first(cls: type[Store], path: Any, **kwargs: Any) -> Store:
        if threading.current_thread() is not threading.main_thread() and other.exists():
            big.rename(tmp_path / "big-away.db")
            other.rename(big)
        return real_open(cls, path, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(Store, "open", classmethod(swapped_first))
    store, app = _opened_as_the_command_opens_it(big)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(1.0)
            assert not app.screen.reading_the_rest  # type: ignore[attr-defined]
            team = _team_rows(app)
            assert [item.id for item in team.groups[0].items] == expected


@pytest.mark.parametrize("read_first", [False, True])
async def test_a_down_after_right_in_one_burst_moves_in_the_column_moved_to(
    big: Path, monkeypatch: pytest.MonkeyPatch, read_first: bool
) -> None:
    """Right then Downs typed in one burst (on the head, or on the whole board): the
    Downs move in the column Right went to, as when the keys come one by one."""
    from textual import events

    from planboard.ui.widgets.board_list import BoardList

    waiting = _hold_the_rest(monkeypatch)
    store, app = _opened_as_the_command_opens_it(big)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            if read_first:
                READ_THE_REST(waiting[0])
                await pilot.pause(0.3)
                assert not app.screen.reading_the_rest  # type: ignore[attr-defined]
            for key in ("right", "down", "down"):  # one burst, as a terminal sends them
                app.post_message(events.Key(key, None))
            await pilot.pause(0.3)
            cursors = {column.id: column.cursor for column in app.screen.query(BoardList)}
            assert app.focused is not None and app.focused.id == "stakeholders"
            assert (cursors["team"], cursors["stakeholders"]) == (0, 2)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_the_first_resize_leaves_the_board_as_styled_for_its_first_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """The board's width and height classes (`-narrow`/`-wide`, `-short`/`-tall`) are
    those of its terminal from its first frame: its styles are worked out once before
    that frame, and the resize that comes after it works out none again (each time is
    a pass over every widget of the board, about 5 ms)."""
    path = tmp_path / "small.db"
    generate_board(path, items=40, stakeholders=3, blocks=2)
    with Store.open(path) as store:
        app = PlanboardApp(store)
        styled: list[str] = []
        update_nodes = app.stylesheet.update_nodes

        def counted(nodes: Any, animate: bool = False) -> None:
            nodes = list(nodes)
            if any(isinstance(node, BoardView) for node in nodes):
                styled.append(" ".join(sorted(app.screen.classes)))
            update_nodes(nodes, animate=animate)

        monkeypatch.setattr(app.stylesheet, "update_nodes", counted)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            width, height = size
            wide, tall = width >= 110, height >= 30
            assert app.screen.has_class("-wide") is wide
            assert app.screen.has_class("-narrow") is not wide
            assert app.screen.has_class("-tall") is tall
            assert app.screen.has_class("-short") is not tall
            assert len(styled) == 1, styled  # (as the screen first shows)
            await pilot.resize_terminal(width, height)  # (the terminal says its size again)
            await pilot.pause()
        assert len(styled) == 1, styled


async def test_the_items_not_read_yet_share_a_row_for_each_run_until_read(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 50,000 items, a row object made for each item not read yet took 10 to 15 ms
    before the first frame. Each run of them (one owner's, in a place) shares one row;
    the items read have rows of their own, and once the rest is read every item has."""
    from planboard.ui.widgets.board_list import BoardList

    waiting = _hold_the_rest(monkeypatch)
    store, app = _opened_as_the_command_opens_it(big)
    with store:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert waiting
            columns = list(app.screen.query(BoardList))
            head_rows = sum(len(c.rows) for c in columns)
            shared = 0
            for column in columns:
                for group in column.groups:
                    start = next(i for i, r in enumerate(column.rows) if r.group is group)
                    start += column.show_headers
                    rows = column.rows[start : start + len(group.items)]
                    assert [r.item for r in rows] == group.items  # (each line: its item)
                    read = [r for r in rows if not r.item.unread]
                    assert [r.index for r in read] == list(range(len(read)))
                    assert len({id(r) for r in read}) == len(read)
                    standing = [r for r in rows if r.item.unread]
                    runs = {id(r) for r in standing}
                    assert len(runs) == len({id(r.item) for r in standing})
                    shared += len(standing) - len(runs)
            assert shared > 1000  # (most of the 1,500 items stand unread)
            READ_THE_REST(waiting[0])
            for _ in range(20):
                await pilot.pause(0.05)
                board = app.screen.board  # type: ignore[attr-defined]
                if board is not None and not board.partial:
                    break
            assert not app.screen.board.partial  # type: ignore[attr-defined]
            await pilot.pause()
            rows = [r for c in columns for r in c.rows]
            assert len(rows) == head_rows  # (as many lines as before)
            assert len({id(r) for r in rows}) == len(rows)  # (each its own)
            assert not any(r.item is not None and r.item.unread for r in rows)


@pytest.mark.parametrize(
    "shape", ["read whole", "none read", "runs"], ids=["read whole", "none read", "runs"]
)
def test_a_group_of_a_partial_board_has_a_row_for_each_line(shape: str) -> None:
    """A place read whole in the head (a small block of a 10,000-item quarter) ended the
    app at its start: its rows were made from an empty rest (IndexError)."""
    from planboard.core.model import Item, PlaceWidths, unread
    from planboard.ui.widgets.board_rows import Group
    from planboard.ui.widgets.head_rows import item_rows_of_head

    read = [Item(n, 1, 3, f"Item {n}") for n in range(1, 4)]
    standing = [unread(3)] * 4 + [unread(None)] * 2 + [unread(5)]
    items = {"read whole": read, "none read": standing, "runs": read + standing}[shape]
    group = Group(Place.block(1), "Block", list(items), line_widths=PlaceWidths())
    rows = item_rows_of_head(group)
    assert [row.item for row in rows] == items
    assert all(row.kind == "item" and row.group is group for row in rows)
    assert [row.index for row in rows if not row.item.unread] == list(
        range(len([i for i in items if not i.unread]))
    )
    assert len({id(row) for row in rows if row.item.unread}) == (3 if standing[0] in items else 0)
