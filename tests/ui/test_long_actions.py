"""Long actions — undo or redo of a large import, a large import — run in the background
with a progress line; the screen and the moving keys stay live meanwhile."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import Filled

from planboard.core import Place, Store
from planboard.core.model import ImportItem
from planboard.ui.app import PlanboardApp
from planboard.ui.screens.board import LONG_IMPORT, BoardScreen
from planboard.ui.screens.long import REFUSAL_KEPT_S


def status(app: PlanboardApp) -> str:
    return str(app.screen.query_one("#status").render())


def big_import(filled: Filled, count: int = 3_000) -> None:
    items = [ImportItem(f"Imported request {n}", line=n + 1) for n in range(count)]
    filled.store.import_items(filled.quarter_id, "Head of Sales", items, source="big.csv")


def hold_undo(store: Store) -> tuple[threading.Event, threading.Event]:
    """The store's undo held, in its thread, until the test sets the gate: (gate,
    started), `started` set once the undo is under way."""
    gate, started = threading.Event(), threading.Event()
    real_undo = store.undo

    def held_undo(quarter_id: int, **kwargs: Any) -> Any:
        started.set()
        gate.wait(10)  # held until the test has tried the keys
        return real_undo(quarter_id, **kwargs)

    store.undo = held_undo  # type: ignore[method-assign]
    return gate, started


async def long_actions_done(app: PlanboardApp) -> None:
    """Wait for the long action (the overlap pass may be cancelled by a newer one)."""
    await app.workers.wait_for_complete([w for w in app.workers if w.group == "long"])


async def test_undo_of_a_large_import_runs_in_the_background(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    big_import(filled)
    gate = threading.Event()
    started = threading.Event()
    real_undo = store.undo
    seen: list[tuple[int, int]] = []

    def slow_undo(quarter_id: int, **kwargs: Any) -> Any:
        started.set()
        gate.wait(10)  # held until the test has tried the keys
        progress = kwargs["progress"]

        def heard(done: int, total: int) -> None:
            seen.append((done, total))
            progress(done, total)

        return real_undo(quarter_id, progress=heard)

    store.undo = slow_undo  # type: ignore[method-assign]
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        stakeholders = board.column("stakeholders")
        stakeholders.focus()
        await pilot.pause()
        await pilot.press("u")
        assert started.wait(5)
        await pilot.pause()
        assert "Undoing" in status(app)
        before = stakeholders.selected
        await pilot.press("j", "j")  # moving about still works
        await pilot.pause()
        assert stakeholders.selected is not before
        await pilot.press("d")  # changing waits: nothing asked, nothing written
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        gate.set()
        await long_actions_done(app)
        await pilot.pause()
        assert "Undid: Imported 3000 items" in status(app)
        assert seen and seen[-1][0] == seen[-1][1] > 0
        titles = [i.title for i in store.items_at(q, Place.of_list(filled.sales))]
        assert not any(t.startswith("Imported request") for t in titles)
        await pilot.press("U")  # the redo is large too, and comes back whole
        await long_actions_done(app)
        await pilot.pause()
        assert "Redid" in status(app)
        titles = [i.title for i in store.items_at(q, Place.of_list(filled.sales))]
        assert sum(t.startswith("Imported request") for t in titles) == 3_000


async def test_a_large_pasted_list_imports_in_the_background(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    pasted = "\n".join(f"Pasted request {n}" for n in range(LONG_IMPORT + 10))
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        form = app.screen
        from textual.widgets import TextArea

        form.query_one(TextArea).text = pasted
        await pilot.press("ctrl+s")  # the preview
        await pilot.pause()
        await pilot.press("ctrl+s")  # the import
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert f"Imported {LONG_IMPORT + 10} items" in status(app)
        team = [i.title for i in store.items_at(q, Place.team())]
        assert sum(t.startswith("Pasted request") for t in team) == LONG_IMPORT + 10


async def test_a_large_undo_refused_in_the_background_changes_nothing(
    filled: Filled, board_path: Path
) -> None:
    store = filled.store
    big_import(filled)
    with sqlite3.connect(board_path, isolation_level=None) as conn:  # one row edited by hand
        conn.execute(
            "UPDATE items SET title = 'Edited elsewhere' WHERE id = (SELECT MAX(id) - 5 FROM items)"
        )
    count = store.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "changed since" in status(app)
        assert isinstance(app.screen, BoardScreen) and not app.screen.busy
        assert store.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == count


async def test_undoing_an_import_into_a_new_list_reads_only_that_list(filled: Filled) -> None:
    """The undo of an import into a new list takes that list away, and its redo brings
    it back, without reading the rest of the board again (at 50,000 items a whole read
    is most of a second)."""
    store, q = filled.store, filled.quarter_id
    items = [ImportItem(f"Imported request {n}", line=n + 1) for n in range(3_000)]
    store.import_items(q, "Finance Director", items, source="finance.csv")
    finance = next(s.id for s in store.stakeholders(q) if s.name == "Finance Director")
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        lists = board.column("stakeholders")
        assert lists.group(Place.of_list(finance)) is not None
        whole_reads: list[int] = []
        read_places: list[Place] = []
        real_board, real_items_at = store.board, store.items_at

        def spy_board(quarter_id: int) -> Any:
            whole_reads.append(quarter_id)
            return real_board(quarter_id)

        def spy_items_at(quarter_id: int, place: Place) -> Any:
            read_places.append(place)
            return real_items_at(quarter_id, place)

        store.board = spy_board  # type: ignore[method-assign]
        store.items_at = spy_items_at  # type: ignore[method-assign]
        await pilot.press("u")
        await long_actions_done(app)
        await pilot.pause()
        assert "Undid: Imported 3000 items" in status(app)
        assert lists.group(Place.of_list(finance)) is None
        assert [g.title for g in lists.groups] == [s.name for s in store.stakeholders(q)]
        assert {g.title for g in lists.groups} == {"Head of Sales", "Customer Service Lead"}
        assert whole_reads == []
        assert Place.of_list(filled.sales) not in read_places  # kept as it was shown
        await pilot.press("ctrl+y")
        await long_actions_done(app)
        await pilot.pause()
        assert "Redid: Imported 3000 items" in status(app)
        group = lists.group(Place.of_list(finance))
        assert group is not None and len(group.items) == 3_000
        assert whole_reads == []
        assert len(store.items_at(q, Place.of_list(finance))) == 3_000


async def test_a_list_renamed_redraws_its_tags_in_the_blocks(filled: Filled) -> None:
    store = filled.store
    item = filled.sales_items[0]
    store.move_item(item, Place.block(filled.block_a))
    app = PlanboardApp(store)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        blocks = board.column("blocks")

        def line_of_item() -> str:
            index = next(i for i, row in enumerate(blocks.rows) if row.item and row.item.id == item)
            return blocks.render_line(index - round(blocks.scroll_offset.y)).text

        assert "Sales" in line_of_item()  # the tag: the list's department
        board.after(store.edit_stakeholder(filled.sales, department="Revenue"))
        await pilot.pause()
        assert "Revenue" in line_of_item() and "Sales" not in line_of_item()
        assert store.stakeholder(filled.sales).department == "Revenue"


def reopened_with_vectors(filled: Filled) -> Store:
    """The board opened again by a planboard that has worked out the team's meaning
    vectors and written nothing yet (they are held until its first change)."""
    path = filled.store.path
    filled.store.close()
    store = Store.open(path)
    store.save_item_vectors([(i, "h", b"\x01\x02") for i in filled.team_items])
    return store


async def test_meaning_vectors_follow_the_first_action_between_frames(filled: Filled) -> None:
    store = reopened_with_vectors(filled)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)

        def in_file() -> int:
            with sqlite3.connect(store.path) as conn:
                marks = ",".join("?" * len(filled.team_items))
                row = conn.execute(
                    f"SELECT count(*) FROM item_vectors WHERE item_id IN ({marks})",
                    filled.team_items,
                ).fetchone()
                return int(row[0])

        await pilot.pause(0.3)
        assert in_file() == 0  # opening writes nothing
        board.column("team").focus()
        await pilot.press("1")  # the first action
        for _ in range(50):
            await pilot.pause(0.1)
            if not store.vectors_held:
                break
        assert store.vectors_held == 0
        assert in_file() == len(filled.team_items)


async def test_meaning_vectors_wait_for_a_pause_in_the_keys(
    filled: Filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing a slice of vectors takes a commit: while keys keep coming, none is
    written; once they stop for a moment, all of them are."""
    from planboard.ui.board import overlap

    # A pause is 3 s while the keys come (a key every 0.1 s never leaves one, even on
    # a busy machine), then a fifth of a second.
    monkeypatch.setattr(overlap, "VECTOR_IDLE", 3.0)
    store = reopened_with_vectors(filled)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        board.column("team").focus()
        await pilot.press("1")  # the first action: from now on the vectors may go in
        held = store.vectors_held
        assert held >= len(filled.team_items)
        for key in ["down", "up"] * 8:  # a key every 0.1 s, for 1.6 s
            await pilot.press(key)
            await pilot.pause(0.1)
            # (the overlap pass may add the vectors of titles it had not seen)
            assert store.vectors_held >= held
            held = store.vectors_held
        monkeypatch.setattr(overlap, "VECTOR_IDLE", 0.2)
        for _ in range(50):
            await pilot.pause(0.1)
            if not store.vectors_held:
                break
        assert store.vectors_held == 0


async def test_a_big_undo_keeps_the_rows_of_the_lists_it_did_not_touch(filled: Filled) -> None:
    """The undo of an import into a new list takes that list away: the other lists'
    rows are kept as they are (not made again), and a filter typed afterwards still
    makes every row again."""
    store, q = filled.store, filled.quarter_id
    items = [ImportItem(f"Imported request {n}", line=n + 1) for n in range(3_100)]
    store.import_items(q, "Imported list", items, source="big.csv")
    new_list = next(s for s in store.stakeholders(q) if s.name == "Imported list")
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        column = board.column("stakeholders")
        imported = Place.of_list(new_list.id)
        assert column.group(imported) is not None
        before = {row.item.id: row for row in column.rows if row.item and row.group.key != imported}
        assert before  # other lists have items
        await pilot.press("u")
        await long_actions_done(app)
        await pilot.pause()
        assert "Undid: Imported 3100 items" in status(app)
        assert column.group(imported) is None
        after = {row.item.id: row for row in column.rows if row.item}
        assert after.keys() == before.keys()
        assert all(after[key] is before[key] for key in after)  # the same rows
        column.set_filter(lambda item: False, keep_groups=True)
        assert not any(row.item for row in column.rows)  # made again, filtered
        column.set_filter(None, keep_groups=False)
        again = {row.item.id: row for row in column.rows if row.item}
        assert again.keys() == before.keys()


async def test_the_footer_dims_the_waiting_keys_in_place(filled: Filled) -> None:
    """While a long action runs the keys that wait show disabled, and after it they
    are enabled again: the same footer keys, changed in place, not mounted anew."""
    store = filled.store
    big_import(filled)
    gate = threading.Event()
    real_undo = store.undo

    def slow_undo(quarter_id: int, **kwargs: Any) -> Any:
        gate.wait(10)
        return real_undo(quarter_id, **kwargs)

    store.undo = slow_undo  # type: ignore[method-assign]
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()

        def keys() -> dict[str, Any]:
            return {str(getattr(k, "key", "")): k for k in app.screen.query("FooterKey")}

        before = keys()
        assert "d" in before and not before["d"].has_class("-disabled")
        await pilot.press("u")
        await pilot.pause()
        await pilot.pause()
        during = keys()
        assert during["d"].has_class("-disabled")  # drop waits for the undo: dimmed
        assert all(during[k] is before[k] for k in before)
        gate.set()
        await long_actions_done(app)
        await pilot.pause()
        await pilot.pause()
        after = keys()
        assert "Undid" in status(app)
        assert not after["d"].has_class("-disabled")
        assert all(after[k] is before[k] for k in before)


async def _pass_started(pilot: Any, board: BoardScreen) -> Any:
    for _ in range(100):
        await pilot.pause(0.05)
        running = board._overlap_pass
        if running is not None and running.child is not None:
            return running
    raise AssertionError("no overlap pass started a process")


@pytest.fixture
def slow_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every overlap pass runs in a process that would take a minute."""
    from planboard.core import background

    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(background, "CHILD", "import time; time.sleep(60)")


@pytest.mark.usefixtures("slow_pass")
async def test_a_long_action_stops_the_overlap_pass_and_a_new_one_follows(
    filled: Filled,
) -> None:
    """A pass still under way is worth nothing once the board changes: its process
    is ended when a long action starts (it would take a core the action needs), and
    a pass runs again after the action, so the marks are up to date."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        first = await _pass_started(pilot, board)
        board.run_long(
            "Adding",
            lambda progress: filled.store.add_item(filled.quarter_id, None, "Added meanwhile"),
        )
        await long_actions_done(app)
        assert first.child.poll() is not None  # ended, not left to run for nothing
        second = await _pass_started(pilot, board)
        assert second is not first and second.child.poll() is None


@pytest.mark.usefixtures("slow_pass")
async def test_quitting_ends_the_overlap_pass_under_way(filled: Filled) -> None:
    """On a big board the pass takes tens of seconds: planboard quits at once, and its
    process does not run on after it."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        running = await _pass_started(pilot, board)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert running.child.wait(5) is not None
    assert running.child.returncode != 0  # killed


async def test_a_long_action_hands_the_interpreter_to_the_screen_sooner(filled: Filled) -> None:
    """While a big undo runs in its thread, the screen's thread gets the interpreter back
    within half a millisecond of asking (a key's frame asks many times; at 5 ms a time a
    frame waited tens of ms for the work); the interval is as it was once it is done."""
    import sys

    store = filled.store
    big_import(filled)
    before = sys.getswitchinterval()
    during: list[float] = []
    real_undo = store.undo

    def undo(quarter_id: int, **kwargs: Any) -> Any:
        during.append(sys.getswitchinterval())
        return real_undo(quarter_id, **kwargs)

    store.undo = undo  # type: ignore[method-assign]
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await long_actions_done(app)
        await pilot.pause()
        assert "Undid" in status(app)
    assert during and during[0] <= 0.0005 < before
    assert sys.getswitchinterval() == before


async def test_the_undo_of_a_large_import_during_the_event_runs_in_the_background(
    filled: Filled,
) -> None:
    """`u` on the event's screen undoes a big import as the board does: with a progress
    line, the arrows still moving over the cards, the keys that change the event waiting
    (dimmed) and the screen kept until it is done. It ran on the screen's turn, which
    froze the screen with no word for as long as it took."""
    from planboard.ui.meeting.screen import MeetingScreen

    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    big_import(filled)
    gate, started = hold_undo(store)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        event = app.screen
        assert isinstance(event, MeetingScreen) and len(event.cards) >= 2
        await pilot.press("u")
        assert started.wait(5)
        await pilot.pause()
        assert "Undoing" in status(app)
        await pilot.press("right")  # moving over the cards still works
        await pilot.pause()
        assert event.selected == 1
        await pilot.press("1", "escape")  # choosing and leaving wait: nothing done
        await pilot.pause()
        assert app.screen is event
        assert all(block.choice is None for block in store.blocks(q))
        gate.set()
        await long_actions_done(app)
        await pilot.pause()
        assert "Undid: Imported 3000 items" in status(app)
        assert not app.busy
        titles = [i.title for i in store.items_at(q, Place.of_list(filled.sales))]
        assert not any(t.startswith("Imported request") for t in titles)
        await pilot.press("escape")  # free again
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


@pytest.mark.parametrize("answer", ["wait", "none"])
async def test_quitting_while_a_long_action_runs_asks_first(filled: Filled, answer: str) -> None:
    """Ctrl+Q while a big undo runs asks first (it would stop it, none of it saved): it
    quit at once, the progress line the last word the user saw. "Wait" lets it finish;
    left unanswered, the question goes once the undo is done (it stayed, saying so of
    an undo already saved)."""
    from planboard.ui.modals import ConfirmModal

    store = filled.store
    big_import(filled)
    gate, started = hold_undo(store)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        assert started.wait(5)
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "Undoing… is not done" in str(app.screen.query_one(".dialog-question").render())
        if answer == "wait":
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, BoardScreen) and app.is_running
        gate.set()
        await long_actions_done(app)
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen) and app.is_running
        assert "Undid: Imported 3000 items" in status(app)
        await pilot.press("ctrl+q")  # nothing running: quits at once
        await pilot.pause()
        assert not app.is_running


async def test_the_event_reads_nothing_while_a_long_action_has_the_file(
    filled: Filled,
) -> None:
    """While a big undo runs in its thread on the one connection, the event's screen
    reads nothing from it: the countdown redraws from what it read last (it read who is
    present twice a second), and a double click on a card opens nothing (the key that
    would is dimmed)."""
    from planboard.ui.meeting.present import PresentScreen
    from planboard.ui.meeting.screen import MeetingScreen

    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    store.set_timer(q, running=True, remaining=600)
    big_import(filled)
    gate, started = hold_undo(store)
    screen_thread = threading.get_ident()
    read: list[str] = []
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        event = app.screen
        assert isinstance(event, MeetingScreen)
        await pilot.press("u")
        assert started.wait(5)
        store.conn.set_trace_callback(
            lambda sql: read.append(sql) if threading.get_ident() == screen_thread else None
        )
        await pilot.pause(1.2)  # (the countdown's ticks)
        await pilot.double_click(event.cards[0])
        await pilot.pause()
        assert not isinstance(app.screen, PresentScreen)
        store.conn.set_trace_callback(None)
        gate.set()
        await long_actions_done(app)
        await pilot.pause()
        assert "Undid" in status(app)
    assert read == []


async def test_quitting_during_a_long_action_stops_it_before_the_file_is_closed(
    filled: Filled, board_path: Path
) -> None:
    """ "Quit" while a big undo runs inside its transaction: the undo is stopped at its
    next step and rolled back, and the file is closed once its thread has let go of it.
    The file was closed under the running thread (which then failed on it), and the
    lock file beside the board was left behind."""
    import time

    from planboard.ui.modals import ConfirmModal

    store, q = filled.store, filled.quarter_id
    big_import(filled)
    inside = threading.Event()
    closed_under: list[float] = []
    real_undo = store.undo

    def undo_held_inside(quarter_id: int, **kwargs: Any) -> Any:
        progress = kwargs["progress"]

        def held(done: int, total: int) -> None:
            inside.set()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:  # (in the transaction, a step at a time)
                if store.conn is None:
                    closed_under.append(time.monotonic())
                    return
                progress(done, total)
                time.sleep(0.01)

        try:
            return real_undo(quarter_id, progress=held)
        finally:
            over.set()

    store.undo = undo_held_inside  # type: ignore[method-assign]
    over = threading.Event()
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        assert inside.wait(5)
        assert store.conn.in_transaction
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        quit_at = time.monotonic()
    assert over.wait(15)
    assert store.conn is None and closed_under == []  # closed after the thread let go
    assert time.monotonic() - quit_at < 5  # (stopped at its next step, not waited out)
    assert not [p.name for p in board_path.parent.iterdir() if p.name.startswith(".")]
    with sqlite3.connect(board_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        imported = conn.execute(
            "SELECT count(*) FROM items WHERE quarter_id = ? AND title LIKE 'Imported request%'",
            (q,),
        ).fetchone()[0]
    assert imported == 3000  # (the undo: none of it saved)


async def test_a_copy_is_saved_once_the_long_action_is_done(filled: Filled, tmp_path: Path) -> None:
    """ "Save a copy as…" while a big undo runs says to save it once the undo is done,
    the form kept open: the copy waited for the undo's thread to let go of the file,
    the screen held meanwhile (10 s in a test that held the undo)."""
    from textual.widgets import Input, Static

    from planboard.ui.modals import FormModal

    store = filled.store
    big_import(filled)
    gate, started = hold_undo(store)
    copy = tmp_path / "copy.db"
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        assert started.wait(5)
        await pilot.pause()
        app.action_save_copy()
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#field-path", Input).value = str(copy)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and not copy.exists()
        said = str(form.query_one(".form-error", Static).render())
        assert "Undoing… is not done: save the copy once it is." in said
        gate.set()
        await long_actions_done(app)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert copy.exists() and not isinstance(app.screen, FormModal)


async def test_the_palette_waits_for_a_long_action_as_the_keys_do(
    filled: Filled, board_path: Path
) -> None:
    """The palette's commands run the keys' actions: during a long action, those whose
    keys are dimmed do nothing but say to wait. An export ran halfway through the undo
    of an import, on its transaction: it wrote the quarter half undone."""
    store, q = filled.store, filled.quarter_id
    big_import(filled)
    gate, halfway = threading.Event(), threading.Event()
    real_undo = store.undo

    def undo_held_halfway(quarter_id: int, **kwargs: Any) -> Any:
        progress = kwargs["progress"]

        def held(done: int, total: int) -> None:
            if 0 < done < total and not halfway.is_set():
                halfway.set()
                gate.wait(10)  # rows undone, others not yet: the palette is tried now
            progress(done, total)

        return real_undo(quarter_id, progress=held)

    store.undo = undo_held_halfway  # type: ignore[method-assign]
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        await pilot.press("u")
        assert halfway.wait(10)
        commands = {c.title: c for c in app.get_system_commands(board)}
        for title in ("export: JSON", "quarter: Previous", "history: Past quarters"):
            commands[title].callback()
            await pilot.pause()
            assert app.screen is board, title
            assert "Undoing… — wait until it is done." in status(app), title
        assert not list(board_path.parent.glob("*.json"))  # nothing exported (beside the board)
        # The progress lines that come next keep saying it (they hid it within 0.25 s),
        # for a few seconds, then say the dimmed keys are off again.
        board.show_progress("Undoing", 2000, 3000)
        assert "Undoing… 2,000 of 3,000 rows — wait until it is done." in status(app)
        board._refused_at -= REFUSAL_KEPT_S
        board.show_progress("Undoing", 2500, 3000)
        assert "2,500 of 3,000 rows — dimmed keys are off" in status(app)
        commands["board: Help"].callback()  # (what the keys may do, the palette may too)
        await pilot.pause()
        assert app.screen is not board
        app.pop_screen()
        gate.set()
        await long_actions_done(app)
        await pilot.pause()
        assert "Undid: Imported 3000 items" in status(app)
        titles = [i.title for i in store.items_at(q, Place.of_list(filled.sales))]
        assert not any(t.startswith("Imported request") for t in titles)
