"""The screens on rows another program wrote: nothing they hold stops the board."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import Filled
from damaged_boards import damage_an_old_quarter

from planboard.core import Place, Store
from planboard.core.model import Change
from planboard.ui.app import PlanboardApp
from planboard.ui.screens.board import BoardScreen
from planboard.ui.screens.meeting import MeetingScreen


def status(app: PlanboardApp) -> str:
    return str(app.screen.query_one("#status").render())


async def test_text_in_effort_shows_in_the_detail_bar_without_a_crash(
    filled: Filled, board_path: Path
) -> None:
    item_id = filled.team_items[0]
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        conn.execute("UPDATE items SET effort = 'three days' WHERE id = ?", (item_id,))
        conn.execute("UPDATE blocks SET effort = 'big' WHERE id = ?", (filled.block_a,))
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.column("team").select_item(item_id, key=Place.team())
        await pilot.pause()
        detail = str(board.query_one("#detail").render())
        assert "Single customer view" in detail
        # the row is named, so whoever wrote it can put it right
        assert f"items row {item_id}" in status(app)
        board.column("blocks").focus()
        board.column("blocks").select_group(Place.block(filled.block_a))
        await pilot.pause()
        assert "Sales cockpit" in str(board.query_one("#detail").render())


async def test_an_unreadable_timer_start_still_opens_the_live_quarter(
    filled: Filled, board_path: Path
) -> None:
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    store.set_timer(q, running=True, remaining=600)
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        conn.execute("UPDATE meetings SET timer_started_at = 'soon-ish' WHERE quarter_id = ?", (q,))
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        head = str(app.screen.query_one("#meeting-head").render())
        assert "Time" in head and "paused" in head  # the unreadable start is not counted
        await pilot.press("t")  # pausing it works, and writes a valid time
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        row = store.conn.execute(
            "SELECT timer_started_at FROM meetings WHERE quarter_id = ?", (q,)
        ).fetchone()
        assert row[0] is None or row[0].endswith("Z")


async def test_history_on_a_damaged_file_says_so_instead_of_crashing(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    damage_an_old_quarter(path)
    store = Store.open(path)
    assert store.readonly and "damaged" in store.readonly_reason
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("H")
        for _ in range(200):  # (the other screens' styles are parsed as the first opens:
            # on a loaded machine that takes more turns than one pause)
            await pilot.pause(0.05)
            if type(app.screen).__name__ == "HistoryScreen":
                break
        assert type(app.screen).__name__ == "HistoryScreen"
        for _ in range(200):  # (on a loaded machine the screen's mount can take more turns:
            # its hint said, the list focused, before the key)
            if app.screen.focused is not None and "opens a quarter" in status(app):
                break
            await pilot.pause(0.05)
        await pilot.press("j")  # the older quarter: its items are on the damaged page
        for _ in range(200):
            if "can't be read" in status(app):
                break
            await pilot.pause(0.05)
        await pilot.pause()
        assert "can't be read" in status(app)
        app.screen.status_line.say("(before c)")  # (so that what follows is c's own)
        await pilot.press("c")
        for _ in range(200):  # (as above: a loaded machine answers later)
            await pilot.pause(0.05)
            if "can't be read" in status(app):
                break
        assert type(app.screen).__name__ == "HistoryScreen"
        assert "can't be read" in status(app)
        await pilot.press("escape")
        for _ in range(200):
            await pilot.pause(0.05)
            if isinstance(app.screen, BoardScreen):
                break
        assert isinstance(app.screen, BoardScreen)


async def test_history_opened_on_a_quarter_that_cannot_be_read_says_so(tmp_path: Path) -> None:
    """The history opened on the damaged quarter itself (its board opened read-only,
    then H): the status line says the file can't be read (not the usual hint over it)
    and the detail keeps the quarter's name through the screen's first layout."""
    from planboard.ui.screens.history import HistoryScreen

    path = tmp_path / "damaged.db"
    damage_an_old_quarter(path)
    store = Store.open(path)
    old = store.quarter_by_name("2026-Q2")
    assert old is not None
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(HistoryScreen(store, old.id))
        await pilot.pause()
        for _ in range(200):  # (the highlight's message shows the quarter: on a busy
            await pilot.pause(0.05)  # machine, after a few frames)
            if "can't be read" in status(app):
                break
        history = app.screen
        assert isinstance(history, HistoryScreen) and history.quarter == old
        assert "can't be read" in status(app)
        assert str(history.query_one("#history-detail").render()).startswith("2026-Q2")


async def test_an_open_board_shows_and_orders_a_plain_insert(
    filled: Filled, board_path: Path
) -> None:
    from conftest import assert_consistent

    store, q = filled.store, filled.quarter_id
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        with sqlite3.connect(board_path, isolation_level=None) as conn:
            conn.execute(
                "INSERT INTO items (quarter_id, title) VALUES (?, 'Typed in sqlite3')", (q,)
            )
        for _ in range(40):  # the file is polled twice a second
            await pilot.pause(0.1)
            titles = [i.title for g in board.column("team").groups for i in g.items]
            if "Typed in sqlite3" in titles:
                break
        assert titles[-1] == "Typed in sqlite3"
        for _ in range(20):
            await pilot.pause(0.1)
            position = store.conn.execute(
                "SELECT position FROM items WHERE title = 'Typed in sqlite3'"
            ).fetchone()[0]
            if position is not None:
                break
        assert position == len(filled.team_items)
        assert_consistent(store)


async def test_an_insert_just_before_a_move_shows_after_it(
    filled: Filled, board_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program's row written just before a move of this planboard's (before
    the watcher's next look, twice a second): the move's own catching up took the
    file's new version as seen, and the row never showed (nor was put in order) until
    another program wrote again or the board was reopened."""
    store, q = filled.store, filled.quarter_id
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        monkeypatch.setattr(app, "_watch_file", lambda: None)  # (no look in between)
        with sqlite3.connect(board_path, isolation_level=None) as conn:
            conn.execute(  # (on another list than the one the move leaves)
                "INSERT INTO items (quarter_id, stakeholder_id, title, position) "
                "VALUES (?, ?, 'Typed in sqlite3', 99)",
                (q, filled.sales),
            )
        board.column("team").focus()
        await pilot.pause()
        await pilot.press("1")  # the highlighted team item into block 1
        titles: list[str] = []
        for _ in range(40):
            await pilot.pause(0.05)
            titles = [i.title for g in board.column("stakeholders").groups for i in g.items]
            if "Typed in sqlite3" in titles:
                break
        assert "Typed in sqlite3" in titles, titles
        position = store.conn.execute(
            "SELECT position FROM items WHERE title = 'Typed in sqlite3'"
        ).fetchone()[0]
        assert position == len(filled.sales_items)  # (put in order, at the list's end)


async def test_u_on_a_record_holding_a_number_too_big_says_it_is_damaged(
    filled: Filled, board_path: Path
) -> None:
    """Well-formed JSON another program wrote, with a value no SQLite row can hold: the
    board says which events row is damaged and stays up, the file unchanged."""
    item = filled.team_items[0]
    filled.store.move_item(item, Place.block(filled.block_a))
    event_id = filled.store.conn.execute("SELECT MAX(id) FROM events").fetchone()[0]
    payload = (
        f'{{"changes": [["items", {item}, {{"block_id": null}}, '
        '{"block_id": 100000000000000000000}]]}'
    )
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        conn.execute("UPDATE events SET payload = ? WHERE id = ?", (payload, event_id))
        before = conn.execute("SELECT * FROM items ORDER BY id").fetchall()
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert f"events row {event_id} is damaged" in status(app)
        assert "number too big" in status(app)
    with sqlite3.connect(board_path) as conn:
        assert conn.execute("SELECT * FROM items ORDER BY id").fetchall() == before


async def test_an_item_naming_a_list_that_is_not_there_is_named_on_the_status_line(
    filled: Filled, board_path: Path
) -> None:
    store, q = filled.store, filled.quarter_id
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        with sqlite3.connect(board_path, isolation_level=None) as conn:  # no foreign keys
            row = conn.execute(
                "INSERT INTO items (quarter_id, stakeholder_id, title) VALUES (?, 4242, 'Lost')",
                (q,),
            ).lastrowid
        said = ""
        for _ in range(40):  # the file is polled twice a second
            await pilot.pause(0.1)
            said = status(app)
            if f"items row {row}" in said:
                break
        assert f"items row {row}: stakeholder_id names stakeholder 4242" in said
        assert "not shown" in said
        # nothing else changed: the row is still there, as written
        assert store.conn.execute(
            "SELECT stakeholder_id FROM items WHERE id = ?", (row,)
        ).fetchone() == (4242,)


async def test_rows_tidying_could_not_settle_are_tidied_once_not_for_ever(
    filled: Filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were some rows such that tidying never found the quarter in order, the board
    tidied, re-read and tidied again without end: it rewrote its file and answered no
    key. Now it tidies once per look at the file."""
    store = filled.store
    real = store.tidy
    tidies: list[int] = []

    def never_settles(quarter_id: int):  # type: ignore[no-untyped-def]
        tidies.append(quarter_id)
        real(quarter_id)
        return Change(summary="Put 1 row in order", quarter_id=quarter_id, action="tidy")

    monkeypatch.setattr(store, "tidy", never_settles)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(1.0)
        assert 1 <= len(tidies) <= 2, len(tidies)
        await pilot.press("down")  # and the board answers keys
        await pilot.pause()
        assert app.screen.focused is not None


@pytest.mark.parametrize("key", ["a", "m", "d", "e"])
async def test_a_title_another_program_wrote_thousands_long_leaves_its_dialogs_usable(
    filled: Filled, board_path: Path, key: str
) -> None:
    """A dialog's heading names the item: a 5,000-character title (another program's;
    planboard's own take 200) filled the dialog, and its matches, blocks or reason
    field were off the screen. The heading is cut, keeping its start and its end."""
    from textual.widgets import Label

    item_id = filled.team_items[0]
    title = ("pipeline weekly region " * 250)[:5000]
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        conn.execute("UPDATE items SET title = ? WHERE id = ?", (title, item_id))
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.column("team").select_item(item_id, key=Place.team())
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        dialog = app.screen
        assert dialog is not board
        heading = str(dialog.query_one(".dialog-title", Label).render())
        assert " … " in heading and len(heading) <= 260
        assert heading.startswith(("Who else asks for “pipeline", "Move “", "Drop “", "Edit “"))
        assert heading.replace(" ", "").endswith(("pipeline”", "pipeline”to…"))
        # What the dialog is for is on the screen, under the heading.
        below = [w for w in dialog.query("OptionList, Input, TextArea") if w.display]
        assert below, "nothing to pick or type in"
        assert any(w.region.height > 0 and w.region.bottom <= 24 for w in below), [
            w.region for w in below
        ]


async def test_the_event_names_a_second_live_quarter_and_a_budget_out_of_range(
    filled: Filled, board_path: Path
) -> None:
    """The board opens straight into a live quarter's event: what another program left
    there that the event reads otherwise than the file says (dots per person out of
    range, read as 3; then another quarter set live too) is named on the event's status
    line, as the board names it, not only the votes the tally leaves out."""
    store, q = filled.store, filled.quarter_id
    other = store.create_quarter("2027-Q1").quarter_id
    store.start_meeting(q, backup=False)
    conn = sqlite3.connect(board_path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = 1")
    conn.execute("UPDATE meetings SET dot_budget = 500 WHERE quarter_id = ?", (q,))
    conn.close()
    app = PlanboardApp(store)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        said = status(app)
        assert f"meetings row {q}: dot_budget holds 500, " in said, said
        assert said.rstrip().endswith("read as 3."), said
        conn = sqlite3.connect(board_path, isolation_level=None)
        conn.execute("UPDATE meetings SET dot_budget = 4 WHERE quarter_id = ?", (q,))
        conn.execute("UPDATE quarters SET status = 'live' WHERE id = ?", (other,))
        conn.close()
        app._watch_file()
        await pilot.pause()
        said = status(app)
        assert f"quarters rows {q} and {other}: " in said, said
        assert "are live at once" in said and "e in its event" in said, said


async def test_rows_not_shown_are_named_first_and_all_listed_from_the_palette(
    filled: Filled, board_path: Path
) -> None:
    """Items naming a list or a block that is not there appear in no column; the status
    line named one type problem and "(and 3 more)", and nothing listed the rest."""
    q = filled.quarter_id
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        conn.execute("UPDATE stakeholders SET archived = 'yes' WHERE id = ?", (filled.sales,))
        for column, ref in (("stakeholder_id", 999), ("block_id", 998)):
            conn.execute(
                f"INSERT INTO items (quarter_id, title, {column}, position, created_at) "
                "VALUES (?, 'Lost', ?, 9, '2026-06-01T10:00:00Z')",
                (q, ref),
            )
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        said = status(app)
        assert "not shown" in said and "names stakeholder 999" in said, said
        assert "(and 2 more: Ctrl+P, rows another program wrote)" in said, said
        _, listed = await rows_listed(app, pilot)
        for named in ("stakeholder 999", "block 998", "archived holds 'yes'"):
            assert named in listed, listed
        assert isinstance(app.screen, BoardScreen)


async def rows_listed(app: PlanboardApp, pilot: Any) -> tuple[str, str]:
    """The palette's `board: Rows another program wrote`, opened, read (its title and
    its text) and closed."""
    from planboard.ui.modals import ReadModal

    await pilot.press("ctrl+p", *"rows another program")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ReadModal)
    text = str(app.screen.query_one(".read-text").render())
    title = str(app.screen.query_one(".dialog-title").render())
    await pilot.press("escape")
    await pilot.pause()
    return title, text


async def test_more_than_twenty_rows_are_counted_as_such_and_all_listed(
    filled: Filled, board_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 25 rows another program wrote, the status line said "(and 19 more)" and the
    palette's list stopped at 20: each read asked for 20 at most. The line now says there
    are at least that many, and the list holds every row (up to its own limit, said in
    its title when reached)."""
    from planboard.ui.board import view

    q = filled.quarter_id
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        conn.executemany(
            "INSERT INTO items (quarter_id, title, effort, position, created_at) "
            "VALUES (?, ?, 'a few days', 9, '2026-06-01T10:00:00Z')",
            [(q, f"Odd {n}") for n in range(25)],
        )
    app = PlanboardApp(filled.store)

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        said = status(app)
        assert "(and at least 19 more: Ctrl+P, rows another program wrote)" in said, said
        title, text = await rows_listed(app, pilot)
        assert "(25)" in title, title
        assert len([line for line in text.splitlines() if "effort holds" in line]) == 25
        monkeypatch.setattr(view, "LISTED_ROWS", 10)
        title, text = await rows_listed(app, pilot)
        assert "the first 10" in title, title
        assert len([line for line in text.splitlines() if "effort holds" in line]) == 10
        monkeypatch.setattr(view, "LISTED_ROWS", 25)  # (as many as there are: all)
        title, text = await rows_listed(app, pilot)
        assert "(25)" in title and "first" not in title, title


async def test_positions_that_were_not_whole_numbers_are_named_once_tidied(
    filled: Filled, board_path: Path
) -> None:
    """The first look at the file renumbers positions another program wrote as 2.5 or
    'top' (the tidy), after which the file no longer holds them: they were renumbered
    without a word, and the item shown first could jump to the end of its list. The
    status line names them, and the list keeps the order it was shown in."""
    q = filled.quarter_id
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        first = conn.execute(
            "INSERT INTO items (quarter_id, stakeholder_id, title, position, created_at) "
            "VALUES (?, ?, 'Half past nothing', -1.5, '2026-06-01T10:00:00Z')",
            (q, filled.sales),
        ).lastrowid
    before = [i.title for i in filled.store.items_at(q, Place.of_list(filled.sales))]
    assert before[0] == "Half past nothing"
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(4):
            await pilot.pause()
        said = status(app)
        assert f"items row {first}: position not a whole number; put in order" in said, said
        after = [i.title for i in filled.store.items_at(q, Place.of_list(filled.sales))]
        assert after == before
        position = filled.store.conn.execute(
            "SELECT position FROM items WHERE id = ?", (first,)
        ).fetchone()[0]
        assert position == 0  # (renumbered, in the file)


async def test_an_export_from_the_board_names_the_items_it_left_out(
    filled: Filled, board_path: Path
) -> None:
    """An item another program put in a block that is not there is on no column; the
    board's export leaves it out (as the command does) and says so where it says where
    it wrote."""
    lost = filled.team_items[0]
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        conn.execute("UPDATE items SET block_id = 99 WHERE id = ?", (lost,))
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.status_line.say("(before the export)")
        app.screen.action_export("json")
        await pilot.pause()
        said = status(app)
        assert "Exported" in said and "Left out, on no column" in said
        assert re.search(rf"items row {lost}\b", said)
    written = json.loads(next(board_path.parent.glob("*.json")).read_text())
    assert lost not in {item["id"] for item in written["items"]}
    assert filled.team_items[1] in {item["id"] for item in written["items"]}


async def test_the_boards_export_says_how_many_items_it_left_out(
    filled: Filled, board_path: Path
) -> None:
    """Two rows named on the status line, then how many more ("and more" gave no
    count)."""
    lost = filled.team_items + filled.sales_items[:1]
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        conn.executemany("UPDATE items SET block_id = 99 WHERE id = ?", [(i,) for i in lost])
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(200, 40)) as pilot:
        await pilot.pause()
        app.screen.action_export("json")
        await pilot.pause()
        said = status(app)
        assert re.search(rf"items row {lost[0]}, items row {lost[1]} and 2 more\b", said), said
