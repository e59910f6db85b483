"""What the columns hold after an action is what the file holds, on a board big enough
that a move is applied from the moved item alone rather than by re-reading lists."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import Filled
from terminal_cells import TerminalCells

from planboard.core import Place, Store
from planboard.core.sample import generate_board
from planboard.ui.app import PlanboardApp
from planboard.ui.screens.board import BoardScreen
from planboard.ui.widgets.board_list import BoardList


def shown(app: PlanboardApp) -> dict[Place, list[int]]:
    return {
        group.key: [item.id for item in group.items]
        for column in app.screen.query(BoardList)
        for group in column.groups
    }


def in_file(store: Store) -> dict[Place, list[int]]:
    board = store.board(store.default_quarter().id)
    return {place: [item.id for item in items] for place, items in board.places.items()}


def board(tmp_path: Path) -> Path:
    path = tmp_path / "board.db"
    generate_board(path, items=400, stakeholders=5, blocks=4)
    return path


async def test_moves_drops_restores_undo_and_redo_match_the_file(tmp_path: Path) -> None:
    path = board(tmp_path)
    store = Store.open(path)
    app = PlanboardApp(store)
    steps = [
        ("down", "down", "1"),  # a team item into block 1 (the cursor follows it)
        ("u",),  # back to the middle of its list
        ("ctrl+y",),  # and into block 1 again
        ("up", "2"),  # the item before it in block 1, into block 2
        ("d", "x", "enter"),  # dropped, from the middle of block 2
        ("u",),
        ("u",),
        ("r",),  # back to its own list from block 1
        ("left", "down", "down", "down", "3"),  # from a stakeholder's list
        ("d", "x", "enter"),
        ("r",),
        ("u",),
        ("ctrl+y",),
    ]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert shown(app) == in_file(store)
        for keys in steps:
            before = shown(app)
            await pilot.press(*keys)
            await pilot.pause()
            after = shown(app)
            assert after == in_file(store), keys
            assert after != before, keys  # every step changed something


async def test_a_write_from_another_program_is_not_lost_by_a_move(tmp_path: Path) -> None:
    path = board(tmp_path)
    store = Store.open(path)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        blocks = app.screen.query_one("#blocks", BoardList)
        first = [item.id for item in blocks.groups[0].items]
        # Another program reverses block 1; before planboard notices (it looks twice a
        # second: nothing here awaits, so it can't look in between), the user moves the
        # highlighted team item into that block.
        other = sqlite3.connect(path)
        with other:
            for position, item_id in enumerate(reversed(first)):
                other.execute(
                    "UPDATE items SET place_position = ? WHERE id = ?", (position, item_id)
                )
        other.close()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        screen.action_move_to_nth(1)
        await pilot.pause()
        assert shown(app) == in_file(store)


async def test_the_outcome_line_is_said_before_the_columns_are_repainted(
    tmp_path: Path, monkeypatch
) -> None:
    """A widget asked to repaint last often misses the frame the others go out in: the
    outcome of a move is said first, so the move and its line are drawn in one frame
    (two, when it was said after the columns)."""
    from planboard.ui.widgets.bars import StatusLine

    store = Store.open(board(tmp_path))
    app = PlanboardApp(store)
    order: list[str] = []
    say, update_group = StatusLine.say, BoardList.update_group

    def said(self: StatusLine, text: str, *, error: bool = False) -> None:
        order.append("said: " + text)
        say(self, text, error=error)

    def repainted(self: BoardList, *args: object, **kwargs: object) -> bool:
        order.append("column")
        return update_group(self, *args, **kwargs)  # type: ignore[arg-type]

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(StatusLine, "say", said)
        monkeypatch.setattr(BoardList, "update_group", repainted)
        await pilot.press("down", "1")
        await pilot.pause()
        assert order[0].startswith("said: Moved") and order[0].endswith("(u undoes it)")
        assert "column" in order
        assert sum(o.startswith("said") for o in order) == 1  # said once: nothing changed
        assert "Moved" in str(app.screen.query_one("#status").render())


async def test_the_outcome_offers_undo_or_redo_only_where_it_can_be_done(
    tmp_path: Path,
) -> None:
    from planboard.core.model import Change

    store = Store.open(board(tmp_path))
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        moved = Change(summary="Moved “a”", event_id=7)
        undid = Change(summary="Undid: Moved “a”", event_id=8)
        assert screen._outcome(moved) == "Moved “a”  (u undoes it)"
        assert screen._outcome(undid) == "Undid: Moved “a”  (Ctrl+Y redoes it)"
        assert screen._outcome(Change(summary="Nothing to undo")) == "Nothing to undo"
        # The action that decides the quarter makes it read-only: no undo is offered.
        store.choose_block(store.blocks(screen.quarter_id)[0].id, 1)
        store.decide(screen.quarter_id, "We chose")
        screen.load()
        assert screen._outcome(moved) == "Moved “a”"


async def test_nothing_to_undo_is_said_without_a_tick(tmp_path: Path) -> None:
    """`u` with nothing left to undo changed nothing: no ✓ as for a done action."""
    store = Store.open(tmp_path / "empty.db", first_quarter="2026-Q3")
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        said = str(app.screen.query_one("#status").render())
        assert "Nothing to undo" in said and "✓" not in said and "✗" not in said
        await pilot.press("n", *"A request", "ctrl+s")
        await pilot.pause()
        assert "✓" in str(app.screen.query_one("#status").render())
    store.close()


def _new_list_import(filled: Filled, count: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """An import of `count` items into a new list, a list big enough to be kept when
    an undo takes it away (the threshold lowered to 3); the new list's id."""
    from planboard.core.model import ImportItem
    from planboard.ui.board import view

    monkeypatch.setattr(view, "KEEP_GONE_FROM", 3)

    items = [ImportItem(f"Pasted request {n}", line=n + 1) for n in range(count)]
    filled.store.import_items(filled.quarter_id, "New list", items, source="new.csv")
    return next(s.id for s in filled.store.stakeholders(filled.quarter_id) if s.name == "New list")


async def test_a_big_list_a_redo_puts_back_is_not_read_again(
    filled: Filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The undo of an import into a new list takes the list away; its redo puts the
    very same rows back, and the board shows the items it held, not a new read."""
    store, q = filled.store, filled.quarter_id
    new = _new_list_import(filled, 5, monkeypatch)
    place = Place.of_list(new)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        column = board.column("stakeholders")
        shown = column.group(place).items
        await pilot.press("u")
        await pilot.pause()
        assert column.group(place) is None
        read: list[Place] = []
        real = store.items_at
        monkeypatch.setattr(store, "items_at", lambda qid, at: (read.append(at), real(qid, at))[1])
        await pilot.press("ctrl+y")
        await pilot.pause()
        group = column.group(place)
        assert group is not None and group.items is shown
        assert place not in read
        assert [i.title for i in group.items] == [i.title for i in real(q, place)]


async def test_a_list_put_back_with_a_row_another_program_added_is_read_again(
    filled: Filled, board_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, q = filled.store, filled.quarter_id
    new = _new_list_import(filled, 5, monkeypatch)
    place = Place.of_list(new)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        column = board.column("stakeholders")
        await pilot.press("u")
        await pilot.pause()
        with sqlite3.connect(board_path, isolation_level=None) as conn:  # no foreign keys
            conn.execute(
                "INSERT INTO items (quarter_id, stakeholder_id, title, position) "
                "VALUES (?, ?, 'Added meanwhile', 99)",
                (q, new),
            )
        await pilot.press("ctrl+y")
        await pilot.pause()
        group = column.group(place)
        assert group is not None
        titles = [i.title for i in group.items]
        assert titles == [i.title for i in store.items_at(q, place)]
        assert titles[-1] == "Added meanwhile" and len(titles) == 6


async def test_the_cursor_keeps_its_item_when_another_group_of_its_column_changes(
    tmp_path: Path,
) -> None:
    store = Store.open(board(tmp_path))
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        column = max(app.screen.query(BoardList), key=lambda c: len(c.groups))
        first, third = column.groups[0], column.groups[2]
        assert len(first.items) > 2 and len(third.items) > 2

        def on(item_id: int) -> None:
            assert column.select_item(item_id)

        def selected() -> int | None:
            row = column.selected
            return row.item.id if row is not None and row.item is not None else None

        # After the group that changes: its rows move up by one, the cursor with them.
        target = third.items[1].id
        on(target)
        column.update_group(first.key, first.items[1:])
        assert selected() == target
        column.update_group(first.key, [*first.items, store.item(first.items[0].id)])
        assert selected() == target
        # In the group that changes, on an item it keeps.
        kept = third.items[2].id
        on(kept)
        column.update_group(third.key, [i for i in third.items if i.id != third.items[0].id])
        assert selected() == kept
        # On the item that leaves: the nearest row of that group.
        leaving = third.items[1]
        on(leaving.id)
        row = column.cursor
        column.update_group(third.key, [i for i in third.items if i.id != leaving.id])
        assert column.cursor == row and selected() not in (None, leaving.id)
        assert column.selected is not None and column.selected.group is third


async def test_an_item_back_on_its_list_goes_in_by_its_place_without_reading_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(board(tmp_path))
    app = PlanboardApp(store)
    read: list[Place] = []
    real = store.item_ids_at
    monkeypatch.setattr(store, "item_ids_at", lambda q, at: (read.append(at), real(q, at))[1])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for keys in (("down", "down", "down", "1"), ("u",), ("ctrl+y",), ("r",)):
            await pilot.press(*keys)
            await pilot.pause()
            assert shown(app) == in_file(store), keys
        assert read == []  # each time the file's neighbours agreed: no list was read
        # Items reordered on the list, then one of them into a block and back.
        await pilot.press("shift+down", "shift+down", "up", "up", "up", "shift+up")
        await pilot.pause()
        assert shown(app) == in_file(store)
        for keys in (("down", "1"), ("u",), ("up", "2"), ("r",)):
            await pilot.press(*keys)
            await pilot.pause()
            assert shown(app) == in_file(store), keys


async def frames_of_a_drop(
    app: PlanboardApp, pilot: Any, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[bool, list[str]]]:
    """The board's paints after `d`, a reason and Enter: for each, whether it was the
    whole screen, and the widgets it painted ([] for a paint of nothing)."""
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    # The overlap pass done first: its marks (how many ask alike), landing within the
    # drop's frames, repainted the columns (a second frame, now and then, in a long run
    # of tests).
    for _ in range(250):
        await pilot.pause(0.02)
        await app.workers.wait_for_complete()
        if screen.neighbours:
            break
    assert screen.neighbours
    frames: list[tuple[bool, list[str]]] = []
    real = screen._compositor_refresh

    def counted() -> None:
        if app.screen is screen:  # (under the form, the board is not painted)
            dirty = screen._compositor._dirty_regions
            names = [type(w).__name__ for w in screen._dirty_widgets] if dirty else []
            frames.append((screen.size.region in dirty, names))
        real()

    await pilot.press("d", "x")
    await pilot.pause()
    monkeypatch.setattr(screen, "_compositor_refresh", counted)
    await pilot.press("enter")
    await pilot.pause(0.3)
    return frames


async def test_a_form_closing_paints_the_board_once_and_not_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closing a form with Enter paints the board once: what the form covered and what
    the action changed, in one frame, not the whole screen (the form does not dim the
    board; painting all of it again was 30 KB at 120x40, the drop's slowest part). The
    form's removal a moment later asked for a layout and a second whole-screen paint
    that changed nothing; and the drop, taking the focus to the dropped area, gives
    the columns' scrollbars new colours, whose requests to be painted came after that
    paint: a second frame 30 ms later, drawing what the first had drawn."""
    store = Store.open(board(tmp_path))
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        frames = await frames_of_a_drop(app, pilot, monkeypatch)
        assert shown(app) == in_file(store)
        assert app.screen.focused is app.screen.query_one("#dropped", BoardList)
        painted = [(whole, widgets) for whole, widgets in frames if widgets]
        assert [whole for whole, _ in painted] == [False], painted
        screen = app.screen
        # Later, a layout asked of the board is done as ever.
        await pilot.pause(0.5)
        screen.refresh(layout=True)
        assert screen._layout_required


def rows_as_made(column: BoardList) -> list[tuple[object, ...]]:
    """A column's rows as they would be made afresh from its groups."""
    return [
        (row.kind, row.group.key, row.item.id if row.item else None, row.index)
        for group in column.groups
        for row in column._rows_for(group)
    ]


def rows_held(column: BoardList) -> list[tuple[object, ...]]:
    return [
        (row.kind, row.group.key, row.item.id if row.item else None, row.index)
        for row in column.rows
    ]


async def test_a_move_makes_only_the_rows_it_changed(tmp_path: Path) -> None:
    """A move, a drop, an undo: the row of the item that moved (and its groups'
    headers) are new; every other row is kept, with its drawn line, and each row still
    says its item's place in the group, as rows made afresh would."""
    path = board(tmp_path)
    store = Store.open(path)
    app = PlanboardApp(store)
    steps = [("down", "down", "1"), ("u",), ("ctrl+y",), ("up", "2"), ("d", "x", "enter"), ("u",)]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        columns = list(app.screen.query(BoardList))
        for keys in steps:
            kept = [row for column in columns for row in column.rows]  # (alive: ids stay theirs)
            before = {id(row) for row in kept}
            count = sum(len(column.rows) for column in columns)
            await pilot.press(*keys)
            await pilot.pause()
            for column in columns:
                assert rows_held(column) == rows_as_made(column), (keys, column.id)
            made = [row for column in columns for row in column.rows if id(row) not in before]
            assert sum(len(column.rows) for column in columns) == count  # one out, one in
            assert [row.kind for row in made if row.kind == "item"] == ["item"], keys
            assert len(made) <= 3, keys  # that item, and the headers of its two groups


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize(
    "keys",
    [
        ("d", "x", "enter"),  # a drop: the item leaves its list, the focus moves
        ("d", "escape"),  # nothing changes
        ("e", "end", "x", "enter"),  # an edit
        ("right", "n", "a", "ctrl+s"),  # a new item on a stakeholder's list
        ("d", "enter", "escape"),  # refused (no reason), then cancelled
    ],
)
async def test_a_form_leaves_the_screen_as_a_whole_paint_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: tuple[str, ...], size: tuple[int, int]
) -> None:
    """A form over the board does not dim it, and closing it paints again only what it
    covered and what the action changed: what the terminal then shows, update by
    update, is what a paint of the whole screen shows (no cell left from the form, or
    from before the action)."""
    store = Store.open(board(tmp_path))
    app = PlanboardApp(store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        cells = TerminalCells(app, monkeypatch)
        await pilot.press(*keys)
        await pilot.pause(0.3)
        assert isinstance(app.screen, BoardScreen)
        assert cells.stale() == []


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_an_export_says_where_in_the_status_line_under_no_toast(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """An export said where it wrote in the status line and again in a toast, which
    sat over that line and hid the path."""
    from textual.widgets._toast import Toast

    store = Store.open(board(tmp_path))
    app = PlanboardApp(store)
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.pause()
        app.screen.action_export("md")
        await pilot.pause()
        status = app.screen.query_one("#status")
        assert "board.2026-Q3.md" in str(status.render())
        assert not list(app.screen.query(Toast))
        cells = TerminalCells(app, pytest.MonkeyPatch()).whole()  # (as the screen shows)
        row = "".join(cells[(x, status.region.y)][0] for x in range(size[0]))
        assert row.startswith(" ✓ Exported 2026-Q3 to ") and "▌" not in row
    store.close()


async def test_an_export_asks_before_replacing_a_file_that_holds_other_text(
    tmp_path: Path,
) -> None:
    """The palette's export wrote over an earlier export edited by hand, without a
    word. The same export again (nothing changed) writes without asking; a file that
    holds other text is replaced only if the question says yes."""
    from planboard.ui.modals import ConfirmModal

    store = Store.open(board(tmp_path))
    target = tmp_path / "board.2026-Q3.md"
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.action_export("md")
        await pilot.pause()
        exported = target.read_bytes()
        app.screen.action_export("md")  # (the same text: no question)
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmModal)
        assert "Exported 2026-Q3" in str(app.screen.query_one("#status").render())
        edited = exported + b"\nHAND EDIT\n"
        target.write_bytes(edited)
        app.screen.action_export("md")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "board.2026-Q3.md is there already" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        said = str(app.screen.query_one("#status").render())
        assert "Not exported: board.2026-Q3.md kept as it is" in said, said
        assert "✓" not in said  # (nothing was done: no tick)
        assert target.read_bytes() == edited
        app.screen.action_export("md")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert target.read_bytes() == exported
        assert "Exported 2026-Q3" in str(app.screen.query_one("#status").render())
    store.close()


async def test_replace_it_keeps_a_file_edited_while_the_question_was_up(
    tmp_path: Path,
) -> None:
    """ "Replace it" wrote over edits made to the file after the question was asked
    (the question was about what the file held then)."""
    from planboard.ui.modals import ConfirmModal

    store = Store.open(board(tmp_path))
    target = tmp_path / "board.2026-Q3.md"
    target.write_bytes(b"first notes\n")
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.action_export("md")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        target.write_bytes(b"first notes\nand more, typed meanwhile\n")
        await pilot.press("y")
        await pilot.pause()
        said = str(app.screen.query_one("#status").render())
        assert "changed since the question" in said and "✗" in said, said
    assert target.read_bytes() == b"first notes\nand more, typed meanwhile\n"
    store.close()


async def test_an_export_through_a_link_asks_before_replacing_what_it_leads_to(
    tmp_path: Path,
) -> None:
    """`board.2026-Q3.md` a link to notes: the export wrote over them without asking (a
    link was taken as holding nothing). It asks, as for a file; "Keep it" leaves the
    notes and the link as they were."""
    from planboard.ui.modals import ConfirmModal

    store = Store.open(board(tmp_path))
    notes = tmp_path / "notes.md"
    notes.write_bytes(b"My meeting notes\n")
    link = tmp_path / "board.2026-Q3.md"
    link.symlink_to(notes)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.action_export("md")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        # (The file that would be written is named, not the link alone.)
        assert f"board.2026-Q3.md (a link to {notes}) is there already" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
    assert notes.read_bytes() == b"My meeting notes\n" and link.is_symlink()
    store.close()


async def test_an_export_through_a_link_to_another_board_is_refused(tmp_path: Path) -> None:
    """`board.2026-Q3.html` a link to another board: the palette's export wrote HTML
    over that board and said "Exported 2026-Q3 to …/other.db"."""
    store = Store.open(board(tmp_path))
    other = tmp_path / "other.db"
    Store.open(other, first_quarter="2026-Q3").close()
    before = other.read_bytes()
    (tmp_path / "board.2026-Q3.html").symlink_to(other)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.action_export("html")
        await pilot.pause()
        said = str(app.screen.query_one("#status").render())
        assert "Could not export" in said and "an SQLite database" in said, said
        assert "other.db" in said and "left as it was" in said
    assert other.read_bytes() == before
    store.close()


async def test_an_export_refused_names_the_file_it_would_write(tmp_path: Path) -> None:
    """A pipe where the palette's export writes: "Could not export: it is not a regular
    file (…)", without saying which file."""
    store = Store.open(board(tmp_path))
    os.mkfifo(tmp_path / "board.2026-Q3.csv")
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.action_export("csv")
        await pilot.pause()
        said = str(app.screen.query_one("#status").render())
        assert "Could not export to board.2026-Q3.csv: it is not a regular file" in said, said
    store.close()


async def test_a_long_path_is_said_whole_in_the_status_line(tmp_path: Path) -> None:
    """At 80 columns a path longer than a line showed cut: the message wrapped at the
    space before it and its second line ended at the edge. It is folded over as many
    lines as it needs (up to three), every character on screen."""
    deep = tmp_path / ("quarterly-planning-" * 3) / "data-team-boards"
    deep.mkdir(parents=True)
    path = board(deep)
    store = Store.open(path)
    app = PlanboardApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.action_export("md")
        await pilot.pause()
        await pilot.pause()
        status = app.screen.query_one("#status")
        cells = TerminalCells(app, pytest.MonkeyPatch()).whole()
        rows = [
            "".join(cells[(x, y)][0] for x in range(80)).strip()
            for y in range(status.region.y, status.region.bottom)
        ]
        written = str(path.with_suffix("")) + ".2026-Q3.md"
        assert len(written) > 80 and Path(written).exists()
        assert written in "".join(rows[1:]), rows
        assert rows[0] == "✓ Exported 2026-Q3 to"
    store.close()


async def test_a_copy_saved_from_another_screen_is_said_in_a_toast(tmp_path: Path) -> None:
    """Saved from the board, the status line says where (no toast over it); saved
    from another screen (the history here, the event's screen alike), a toast says it:
    the board's status line, hidden under that screen, is not seen."""
    store = Store.open(board(tmp_path))
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        app.action_save_copy()
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Saved a copy" in str(app.screen.query_one("#status").render())
        assert not [n for n in app._notifications if "Saved a copy" in str(n.message)]
        await pilot.press("H")
        await pilot.pause()
        assert not isinstance(app.screen, BoardScreen)
        app.action_save_copy()
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [n for n in app._notifications if "Saved a copy" in str(n.message)]
    store.close()


async def test_the_undo_hint_on_the_status_line_is_never_split() -> None:
    """A message a little longer than the line wrapped inside its hint ("… (u undoes" on
    one line, "it)" on the next, at 100x30): the hint goes whole to the next line."""
    from textual.app import App, ComposeResult
    from textual.geometry import Region

    from planboard.ui.widgets.bars import StatusLine

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield StatusLine(id="status")

    app = One()
    async with app.run_test(size=(40, 6)) as pilot:
        line = app.query_one(StatusLine)
        for words in range(1, 9):  # (up to two lines and the hint: the line takes three)
            body = "Moved " + " ".join(["pipeline"] * words)
            line.say(f"{body}  (u undoes it)")
            await pilot.pause()
            strips = line.render_lines(Region(0, 0, line.size.width, line.size.height))
            text = ["".join(segment.text for segment in strip).rstrip() for strip in strips]
            assert any("(u undoes it)" in row for row in text), (words, text)
            assert "".join(text).replace(" ", "") == f"✓{body}(uundoesit)".replace(" ", "")
