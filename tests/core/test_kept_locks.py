"""A board open here keeps SQLite's locks whatever else this process does with its file.

Closing any descriptor of a file drops every POSIX lock the process holds on it,
SQLite's included. If planboard ever did that on a board it has open, the next program
to close that board would think itself the last one and delete the `-wal` and `-shm`
planboard still writes to: what it saved afterwards would be lost (or the file
damaged). Each test does one thing a planboard does beside an open board, then lets
another program open and close the board, saves a change, and looks from outside.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from planboard.core import Store
from planboard.core.backup import check_backup
from planboard.core.db import _header
from planboard.core.errors import PlanboardError
from planboard.core.importer import read_list
from planboard.core.lock import WriterLock, writer_is_active
from planboard.core.sample import _is_board_or_empty
from planboard.core.wal import stale_wal

SAMPLE = Path(__file__).resolve().parents[2] / "sample.db"

OUTSIDE = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); {}; c.close()"


def outside(path: Path, statement: str) -> str:
    """Run one statement from another program (a fresh process), as `sqlite3` would."""
    code = OUTSIDE.format(
        f"print(c.execute({statement!r}).fetchone()[0])"
        if statement.lower().startswith(("select", "pragma"))
        else f"c.execute({statement!r}); c.commit()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _imported(path: Path) -> None:
    with pytest.raises(PlanboardError, match="board"):
        read_list(path)


def _sidecar_imported(path: Path) -> None:
    with pytest.raises(PlanboardError, match="board"):
        read_list(path.with_name(path.name + "-shm"))


def _own_backup_checked(path: Path) -> None:
    # (`planboard restore b.db b.db`, or a hard link to the board: read as a backup)
    with contextlib.suppress(PlanboardError):
        check_backup(path, None, path)


def _second_lock(path: Path) -> None:
    lock = WriterLock(path)
    assert not lock.acquire()  # this process's board holds it


PEEKS: dict[str, Callable[[Path], object]] = {
    "nothing (the control)": lambda p: None,
    "a second writer lock tried": _second_lock,
    "is a writer active": writer_is_active,
    "the file's header read": _header,
    "is it a board": _is_board_or_empty,
    "a stale -wal looked for": stale_wal,
    "the board opened again to read": lambda p: Store.open(p, readonly=True).close(),
    "the board opened again": lambda p: Store.open(p).close(),
    "the board imported as a list": _imported,
    "its -shm imported as a list": _sidecar_imported,
    "the board checked as its own backup": _own_backup_checked,
}


@pytest.mark.parametrize("peek", list(PEEKS), ids=list(PEEKS))
def test_what_is_saved_after_a_peek_reaches_the_file(tmp_path: Path, peek: str) -> None:
    board = tmp_path / "b.db"
    shutil.copyfile(SAMPLE, board)
    store = Store.open(board)
    try:
        quarter = store.default_quarter().id
        store.add_item(quarter, None, "Saved before the peek")  # (the -wal has frames)
        PEEKS[peek](board)
        # Another program opens and closes the board: with planboard's locks intact it
        # is not the last user, and leaves the `-wal` where it is.
        assert outside(board, "select count(*) from items")
        store.add_item(quarter, None, "Saved after the peek")
        seen = outside(board, "select count(*) from items where title = 'Saved after the peek'")
        assert seen == "1"
    finally:
        store.close()
    assert outside(board, "pragma integrity_check") == "ok"


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts /proc/self/fd")
def test_boards_opened_and_closed_leave_no_descriptor_open(tmp_path: Path) -> None:
    """The descriptors kept for a board go once its last store here is closed: a long
    session (or this test suite) opening many boards does not run out of them."""
    first = tmp_path / "first.db"
    shutil.copyfile(SAMPLE, first)
    Store.open(first).close()  # (whatever is opened once per process, opened)
    before = len(os.listdir("/proc/self/fd"))
    for n in range(30):
        board = tmp_path / f"b{n}.db"
        shutil.copyfile(SAMPLE, board)
        writer = Store.open(board)
        viewer = Store.open(board)  # a second look while it is open: kept, then let go
        writer_is_active(board)
        viewer.close()
        writer.close()
        Store.open(board, readonly=True).close()
    assert len(os.listdir("/proc/self/fd")) == before


def _posix_locks_of(path: Path) -> int:
    """How many POSIX locks this process holds on the file (from /proc/locks)."""
    info = os.stat(path)
    node = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    mine = str(os.getpid())
    return sum(
        1
        for line in Path("/proc/locks").read_text().splitlines()
        if " POSIX " in line and line.split()[4] == mine and line.split()[5] == node
    )


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads /proc/locks")
def test_the_file_watcher_keeps_its_locks_when_a_store_closes(tmp_path: Path) -> None:
    """The watcher's own connection (the browser view keeps one per board) holds SQLite
    locks too: closing a store of the same file must not take them away."""
    from planboard.core.watch import FileWatcher

    board = tmp_path / "b.db"
    shutil.copyfile(SAMPLE, board)
    watcher = FileWatcher(board)
    try:
        watcher.poll()
        alone = _posix_locks_of(board)
        assert alone >= 1
        store = Store.open(board, readonly=True)
        writer_is_active(board)
        store.close()
        assert _posix_locks_of(board) == alone
    finally:
        watcher._close()
