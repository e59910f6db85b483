"""Start-up: a file refused is refused at once, with no screen loaded for it; a board's
screens load beside its check and its first read."""

from __future__ import annotations

import io
import sqlite3
import sys
import threading
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

    def run(self) -> None:
        _Shown.runs.append(sys.getswitchinterval())


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _shown_in_a_terminal(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """`run_board` as in a terminal, its app not run: the switch interval at each run."""
    import planboard.ui.app

    monkeypatch.setattr(sys, "stdin", _Terminal())
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


def test_the_board_runs_with_the_interpreters_own_switch_interval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the screens' code is imported beside the first read, the interpreter hands
    itself over more often (the read's statements each wait for it); the board runs,
    and `run_board` returns, with the switch interval as it was, refused file or not."""
    path = tmp_path / "b.db"
    Store.open(path).close()
    monkeypatch.setattr(cli_board, "BESIDE_FROM_BYTES", 0)  # (a big file, as it goes)
    seen = _shown_in_a_terminal(monkeypatch)
    reads: list[float] = []
    first_screen = Store.first_screen

    def read(self: Store, *args: Any) -> Any:
        reads.append(sys.getswitchinterval())
        return first_screen(self, *args)

    before = sys.getswitchinterval()
    monkeypatch.setattr(Store, "first_screen", read)
    assert cli_board.run_board([str(path)]) == 0
    assert reads == [pytest.approx(cli_board.STARTING_SWITCH_S)] and seen == [before]
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
    monkeypatch.setattr(cli_board, "BESIDE_FROM_BYTES", 0)  # (a big file, as it goes)
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
    monkeypatch.setattr(cli_board, "BESIDE_FROM_BYTES", 0)  # (a big file, as it goes)
    runs = _shown_in_a_terminal(monkeypatch)
    before = sys.getswitchinterval()

    def cannot_start(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", cannot_start)
    assert cli_board.run_board([str(path)]) == 0
    assert runs == [before] and sys.getswitchinterval() == before


def test_a_small_board_is_read_before_the_screens_load_on_a_big_one_beside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file under `BESIDE_FROM_BYTES` is read whole, by the interpreter row by row:
    the screens' code loads after that read, in the same thread (beside it, both were
    slower). From that size up, it loads in a thread of its own, beside the read."""
    board = tmp_path / "board.db"
    Store.open(board).close()
    _shown_in_a_terminal(monkeypatch)
    ran: list[str] = []
    first_screen = Store.first_screen

    def read(self: Store, *args: Any) -> Any:
        ran.append(f"READ (switch {sys.getswitchinterval():.6f})")
        return first_screen(self, *args)

    def load() -> None:
        ran.append(f"IMPORT in {threading.current_thread().name}")

    monkeypatch.setattr(Store, "first_screen", read)
    monkeypatch.setattr(cli_board, "_import_the_screens", load)
    before = sys.getswitchinterval()
    assert board.stat().st_size < cli_board.BESIDE_FROM_BYTES
    assert cli_board.run_board([str(board)]) == 0
    assert ran == [f"READ (switch {before:.6f})"]  # (the screens: imported by the app's making)
    ran.clear()
    monkeypatch.setattr(cli_board, "BESIDE_FROM_BYTES", board.stat().st_size)
    assert cli_board.run_board([str(board)]) == 0
    assert len(ran) == 2 and ran[0].startswith("IMPORT in Thread")
    assert ran[1] == f"READ (switch {cli_board.STARTING_SWITCH_S:.6f})"


def test_a_board_whose_wal_is_big_loads_the_screens_beside_its_read(tmp_path: Path) -> None:
    """The size that decides counts the board's `-wal` too: another planboard holding
    the file open keeps up to some megabytes there (found in review)."""
    board = tmp_path / "board.db"
    board.write_bytes(b"x" * 100)
    assert not cli_board._big_file(board)
    Path(f"{board}-wal").write_bytes(b"x" * cli_board.BESIDE_FROM_BYTES)
    assert cli_board._big_file(board)
    assert not cli_board._big_file(tmp_path / "new.db")
