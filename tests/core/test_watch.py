"""The file watcher: every write is noticed, by planboard or by any other program."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from conftest import SAMPLE, FixedClock

from planboard.core.live import live_view
from planboard.core.lock import writer_is_active
from planboard.core.store import Store
from planboard.core.watch import FileWatcher


def board(tmp_path: Path) -> Path:
    target = tmp_path / "board.db"
    shutil.copyfile(SAMPLE, target)
    return target


def test_a_poll_tells_a_write_by_the_store_and_by_sqlite3(tmp_path: Path) -> None:
    path = board(tmp_path)
    writer = Store.open(path, clock=FixedClock())
    with FileWatcher(path) as watcher:
        assert watcher.poll() is False  # the first look only looks
        assert watcher.poll() is False
        block = writer.blocks(writer.default_quarter().id)[0]
        writer.edit_block(block.id, name="Renamed")
        assert watcher.poll() is True
        assert watcher.poll() is False
        conn = sqlite3.connect(path)
        with conn:
            conn.execute("UPDATE quarters SET vision = 'by hand'")
        conn.close()
        assert watcher.poll() is True
        assert watcher.changes == 2
        assert not writer.readonly  # the watcher never held the writer lock
    writer.close()


def test_the_watcher_neither_locks_nor_writes(tmp_path: Path) -> None:
    path = board(tmp_path)
    before = path.read_bytes()
    with FileWatcher(path) as watcher:
        for _ in range(3):
            watcher.poll()
        assert not writer_is_active(path)
    assert path.read_bytes() == before


def test_a_replaced_file_is_noticed_and_read_anew(tmp_path: Path) -> None:
    path = board(tmp_path)
    other = tmp_path / "other.db"
    shutil.copyfile(SAMPLE, other)
    with FileWatcher(path) as watcher:
        watcher.poll()
        other.replace(path)
        assert watcher.poll() is True
        conn = sqlite3.connect(path)
        with conn:
            conn.execute("UPDATE quarters SET vision = 'in the new file'")
        conn.close()
        assert watcher.poll() is True


def test_a_missing_file_is_a_change_and_never_an_error(tmp_path: Path) -> None:
    path = board(tmp_path)
    with FileWatcher(path) as watcher:
        watcher.poll()
        path.rename(tmp_path / "moved.db")
        assert watcher.poll() is True
        assert watcher.poll() is False
        shutil.copyfile(SAMPLE, path)
        assert watcher.poll() is True


def _release_readers(fifo: Path) -> None:
    """Open a named pipe for writing a moment, so a reader stuck opening it goes on."""
    with contextlib.suppress(OSError):
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


@pytest.mark.parametrize("where", ["board", "-wal"])
def test_a_named_pipe_at_the_path_never_holds_the_watcher(tmp_path: Path, where: str) -> None:
    """A pipe at the board's path (or its -wal's) for a moment: the watcher opened it to
    read and waited for a writer for good, so the browser view never followed the board
    again and its server could not stop (found by an attack on `planboard serve`)."""
    path = board(tmp_path)
    watcher = FileWatcher(path)
    watcher.poll()
    kept = tmp_path / "kept.db"
    path.rename(kept)
    fifo = path if where == "board" else Path(f"{path}-wal")
    if where != "board":
        shutil.copyfile(kept, path)
        for end in ("-wal", "-shm"):  # (the watcher's, beside the board moved away)
            Path(f"{path}{end}").unlink(missing_ok=True)
    os.mkfifo(fifo)
    done = threading.Event()

    def look() -> None:
        watcher.poll()
        done.set()

    threading.Thread(target=look, daemon=True).start()
    finished = done.wait(5)
    if not finished:
        _release_readers(fifo)  # (so the test ends either way)
    assert finished, "the watcher waited on a named pipe"
    fifo.unlink()
    path.unlink(missing_ok=True)
    kept.rename(path)
    assert watcher.poll() is True  # the board back: followed again
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE quarters SET vision = 'after the pipe'")
    conn.close()
    assert watcher.poll() is True
    watcher.stop()


def test_subscribers_are_called_from_the_watchers_thread(tmp_path: Path) -> None:
    path = board(tmp_path)
    seen = threading.Event()
    calls: list[str] = []

    def changed() -> None:
        calls.append(threading.current_thread().name)
        seen.set()

    def broken() -> None:
        raise RuntimeError("one subscriber fails")

    watcher = FileWatcher(path, interval=0.05)
    watcher.subscribe(broken)
    stop = watcher.subscribe(changed)
    watcher.start()
    try:
        conn = sqlite3.connect(path)
        with conn:
            conn.execute("UPDATE quarters SET vision = 'seen?'")
        conn.close()
        assert seen.wait(10)
        assert calls[0] == "planboard-watch"
        stop()
        seen.clear()
        conn = sqlite3.connect(path)
        with conn:
            conn.execute("UPDATE quarters SET vision = 'unseen'")
        conn.close()
        assert not seen.wait(0.5)
    finally:
        watcher.stop()


def test_the_live_view_keeps_a_hidden_tally_out(tmp_path: Path) -> None:
    path = board(tmp_path)
    store = Store.open(path, clock=FixedClock())
    q = store.default_quarter().id
    store.start_meeting(q, backup=False)
    person = store.stakeholders(q)[0].id
    store.set_meeting(q, present=[person], dot_budget=5)
    block = store.blocks(q)[0]
    store.set_votes(block.id, {person: 4})
    hidden = live_view(store)
    assert store.default_quarter().id == q and hidden.status == "live"
    assert hidden.tally_hidden and [b.dots for b in hidden.blocks] == [None] * 4
    assert all(b.votes is None for b in hidden.blocks)
    store.set_meeting(q, tally_hidden=False)
    shown = live_view(store)
    assert shown.blocks[0].dots == 4 and shown.blocks[0].votes
    assert [b.dots for b in shown.blocks[1:]] == [0, 0, 0]
    store.close()
