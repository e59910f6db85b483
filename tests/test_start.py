"""Start-up: a file refused is refused at once, with no screen loaded for it; a board's
screens load beside its check and its first read."""

from __future__ import annotations

import io
import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from planboard.cli import board as cli_board
from planboard.core.store import Store


class _Shown:
    """The board's app, as `run_board` makes it, without a screen: it notes each run."""

    runs: list[float] = []

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.return_code = None
        self.first_frame_out = kwargs.get("first_frame_out")

    def run(self) -> None:
        _Shown.runs.append(sys.getswitchinterval())
        if callable(self.first_frame_out):  # (as the app does once its frame is out)
            self.first_frame_out()
            _Shown.runs.append(sys.getswitchinterval())


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _shown_in_a_terminal(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """`run_board` as in a terminal, its app not run: the switch interval at each run."""
    import planboard.ui.app

    monkeypatch.setattr(sys, "stdin", _Terminal())
    monkeypatch.setattr(sys, "__stderr__", _Terminal())  # (the board is drawn there)
    monkeypatch.setattr(planboard.ui.app, "PlanboardApp", _Shown)
    monkeypatch.setattr(_Shown, "runs", [])
    return _Shown.runs


def _traced(monkeypatch: pytest.MonkeyPatch, ran: list[str]) -> None:
    """The statements of the connections that look at a file before opening it."""
    from planboard.core import db as db_module

    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(ran.append)
        return conn

    monkeypatch.setattr(db_module.sqlite3, "connect", traced)


@pytest.mark.parametrize("content", [b"hello", b"SQLite format 3\x00" + b"\x00" * 200])
def test_a_file_that_is_not_a_board_is_refused_without_loading_the_screens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    """Textual's import (about 0.2 s) runs beside the first read of a board; a file that
    is refused never gets that far, and the refusal does not wait for it."""
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    started = threading.Event()
    monkeypatch.setattr(cli_board, "_import_the_screens", started.set)
    assert cli_board.run_board([str(bad)]) == 2
    assert not started.is_set()
    assert bad.read_bytes() == content  # (refused: left as it was)


def test_the_interpreters_own_switch_interval_is_back_once_the_first_frame_is_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the screens' code is imported beside the first read, the interpreter hands
    itself over more often (the read's statements each wait for it), and until the first
    frame is out (its writer is a thread: it waited up to a switch interval, 5 ms, for
    the interpreter); then, and when `run_board` returns, refused file or not, the
    switch interval is as it was."""
    path = tmp_path / "b.db"
    Store.open(path).close()
    seen = _shown_in_a_terminal(monkeypatch)
    reads: list[float] = []
    first_screen = Store.first_screen

    def read(self: Store, *args: Any, **kwargs: Any) -> Any:
        reads.append(sys.getswitchinterval())
        return first_screen(self, *args, **kwargs)

    before = sys.getswitchinterval()
    monkeypatch.setattr(Store, "first_screen", read)
    assert cli_board.run_board([str(path)]) == 0
    short = pytest.approx(cli_board.STARTING_SWITCH_S)
    assert reads == [short] and seen == [short, before]
    assert sys.getswitchinterval() == before
    # A quarter the file does not have: refused after the thread started.
    assert cli_board.run_board([str(path), "--quarter", "1999-Q1"]) == 2
    assert sys.getswitchinterval() == before


def test_the_screens_load_beside_the_check_of_a_board_not_beside_a_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Store.open(found=...)` says when the file is known to be a board this planboard
    opens, before the pass over the whole file that checks it (`PRAGMA quick_check`,
    20 ms at 50,000 items): the screens' code starts loading then, beside it. Never for
    a file refused at once, nor for a new board (nothing to check)."""
    import shutil

    from planboard.core.errors import PlanboardError
    from planboard.core.schema import SCHEMA_VERSION

    ran: list[str] = []
    _traced(monkeypatch, ran)

    def opened(path: Path, **kwargs: Any) -> list[str]:
        ran.clear()
        try:
            Store.open(path, found=lambda: ran.append("FOUND"), **kwargs).close()
        except PlanboardError:
            ran.append("REFUSED")
        return [sql for sql in ran if sql in ("FOUND", "REFUSED", "PRAGMA quick_check(3)")]

    board = tmp_path / "board.db"
    Store.open(board).close()
    assert opened(board) == ["FOUND", "PRAGMA quick_check(3)"]
    assert opened(board, readonly=True) == ["FOUND", "PRAGMA quick_check(3)"]
    older = tmp_path / "older.db"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "schema-v11.db", older)
    assert opened(older, readonly=True) == ["PRAGMA quick_check(3)", "REFUSED"]
    assert opened(older)[:2] == ["FOUND", "PRAGMA quick_check(3)"]  # (then upgraded)
    newer = tmp_path / "newer.db"
    shutil.copyfile(board, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    assert opened(newer) == ["PRAGMA quick_check(3)", "REFUSED"]
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    assert opened(other) == ["PRAGMA quick_check(3)", "REFUSED"]
    assert opened(tmp_path / "new.db") == []
    hello = tmp_path / "hello.db"
    hello.write_bytes(b"hello")
    assert opened(hello) == ["REFUSED"]


def test_planboard_starts_loading_its_screens_before_the_check_of_the_board(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    board = tmp_path / "board.db"
    Store.open(board).close()
    ran: list[str] = []
    _traced(monkeypatch, ran)
    _shown_in_a_terminal(monkeypatch)

    def load() -> None:
        pass  # (the screens' code, loaded in its thread)

    class Started(threading.Thread):  # (said as it starts, not when it gets to run)
        def start(self) -> None:
            if getattr(self, "_target", None) is load:
                ran.append("IMPORT")
            super().start()

    monkeypatch.setattr(cli_board, "_import_the_screens", load)
    monkeypatch.setattr(threading, "Thread", Started)
    assert cli_board.run_board([str(board)]) == 0
    order = [sql for sql in ran if sql in ("IMPORT", "PRAGMA quick_check(3)")]
    assert order == ["IMPORT", "PRAGMA quick_check(3)"]


def test_a_thread_that_cannot_start_leaves_the_switch_interval_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No thread to be had for the screens' code: it loads as the app is made, and the
    board runs with the interpreter's switch interval as it was (found in review)."""
    path = tmp_path / "b.db"
    Store.open(path).close()
    runs = _shown_in_a_terminal(monkeypatch)
    before = sys.getswitchinterval()

    def cannot_start(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", cannot_start)
    assert cli_board.run_board([str(path)]) == 0
    assert runs == [before, before] and sys.getswitchinterval() == before


def test_a_whole_boards_statements_run_beside_the_import_its_rows_are_taken_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screens' code loads in a thread beside the check of the board and the
    finding and sorting of its quarter's items (SQLite's work, which leaves the
    interpreter free); taking the rows one by one needs the interpreter, and waits for
    the import to end (beside it, both were slower)."""
    from planboard.core.store import reading

    board = tmp_path / "board.db"
    with Store.open(board) as store:
        quarter = store.default_quarter().id
        store.add_item(quarter, None, "Weekly revenue by region")
    _shown_in_a_terminal(monkeypatch)
    ran: list[str] = []
    items_sorted = threading.Event()
    before = sys.getswitchinterval()

    def load() -> None:
        ran.append("IMPORT begins")
        # (until the main thread has had SQLite find and sort the items, and a while
        # after: its rows must wait for the end of this)
        assert items_sorted.wait(10)
        threading.Event().wait(0.05)
        ran.append("IMPORT ends")

    def traced(sql: str) -> None:
        if "FROM items" in sql and "ORDER BY position, id" in sql:
            ran.append(f"ITEMS SORTED (switch {sys.getswitchinterval():.6f})")
            items_sorted.set()

    made = reading.Item

    def noted(*args: Any) -> Any:
        if not any(step.startswith("ROW") for step in ran):
            ran.append(f"ROW TAKEN (switch {sys.getswitchinterval():.6f})")
        return made(*args)

    open_store = Store.open

    def opened(*args: Any, **kwargs: Any) -> Store:
        store = open_store(*args, **kwargs)
        store.conn.set_trace_callback(traced)
        return store

    monkeypatch.setattr(Store, "open", opened)
    monkeypatch.setattr(reading, "Item", noted)
    monkeypatch.setattr(cli_board, "_import_the_screens", load)
    assert cli_board.run_board([str(board)]) == 0
    assert ran == [
        "IMPORT begins",
        f"ITEMS SORTED (switch {cli_board.STARTING_SWITCH_S:.6f})",
        "IMPORT ends",
        f"ROW TAKEN (switch {cli_board.STARTING_SWITCH_S:.6f})",  # (one thread: no cost)
    ]
    assert sys.getswitchinterval() == before


async def test_the_app_says_when_its_first_frame_is_out(tmp_path: Path) -> None:
    """`first_frame_out` (the interpreter's usual switch interval set back) is called
    once, after the first frame, not before it: at once it would have the frame wait
    for the interpreter again."""
    from planboard.ui.app import FIRST_FRAME_WRITTEN_S, PlanboardApp

    calls: list[float] = []
    frames: list[float] = []
    with Store.open(tmp_path / "b.db") as store:
        app = PlanboardApp(store, first_frame_out=lambda: calls.append(time.monotonic()))
        display = app._display

        def displayed(*args: Any) -> None:
            display(*args)
            frames.append(time.monotonic())

        app._display = displayed  # type: ignore[method-assign]
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause(FIRST_FRAME_WRITTEN_S * 3)
            assert len(calls) == 1 and frames
            # (A while after the first frame, not at the mount, nor with the frame.)
            assert calls[0] - frames[0] >= FIRST_FRAME_WRITTEN_S * 0.9
            await pilot.press("down")
            await pilot.pause(FIRST_FRAME_WRITTEN_S * 2)
            assert len(calls) == 1


def test_a_start_refused_for_its_input_loads_no_screens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`planboard board.db < /dev/null` is refused (its input is not a terminal) once the
    file is read: the screens' code is not loaded beside it for nothing (the exit
    waited for that import: 0.3 s instead of 0.15, found in review)."""
    board = tmp_path / "board.db"
    Store.open(board).close()
    started = threading.Event()
    monkeypatch.setattr(cli_board, "_import_the_screens", started.set)
    monkeypatch.setattr(sys, "stdin", io.StringIO())
    assert cli_board.run_board([str(board)]) == 2
    assert not started.is_set()
