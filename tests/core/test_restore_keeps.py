"""A restore deletes no backup: with ten kept, restoring the oldest pruned it (the one
being restored) before it was read, and the restore failed ("unable to open database
file"); any restore shifted the numbers `planboard restore PATH` had listed."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from planboard.core import Store
from planboard.core.backup import KEEP, backups_of


def _ten_backups(board_path: Path, store: Store) -> list[Path]:
    """Ten backups of the board, the oldest first, each with its own vision."""
    q = store.default_quarter().id
    _, first = store.start_meeting(q)
    store.end_meeting(q)
    store.close()
    assert first is not None
    made = []
    for n in range(1, KEEP + 1):
        copy = board_path.with_name(f"{board_path.name}.2026-Q3-live.20261201-1000{n:02}.backup.db")
        shutil.copyfile(first, copy)
        conn = sqlite3.connect(copy, isolation_level=None)
        conn.execute("UPDATE quarters SET vision = ?", (f"backup {n:02}",))
        conn.close()
        made.append(copy)
    first.unlink()
    assert backups_of(board_path) == made
    return made


def _vision(board_path: Path) -> str:
    opened = Store.open(board_path, readonly=True)
    try:
        return opened.default_quarter().vision
    finally:
        opened.close()


def test_restoring_the_oldest_of_ten_backups_keeps_it_and_restores_it(
    board_path: Path, store: Store
) -> None:
    made = _ten_backups(board_path, store)
    restored = Store.open(board_path)
    try:
        safety = restored.restore(made[0])
    finally:
        restored.close()
    assert _vision(board_path) == "backup 01"
    assert all(backup.exists() for backup in made)
    assert backups_of(board_path) == [*made, safety]


def test_the_numbers_listed_stay_through_a_restore(board_path: Path, store: Store) -> None:
    made = _ten_backups(board_path, store)

    def restore(number: int) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "planboard", "restore", str(board_path), str(number)]
        return subprocess.run([*argv, "--yes"], capture_output=True, text=True)

    done = restore(1)
    assert done.returncode == 0, done.stderr
    assert _vision(board_path) == "backup 01"
    for number in (6, 7):  # (as listed before the first restore)
        done = restore(number)
        assert done.returncode == 0, done.stderr
        assert _vision(board_path) == f"backup {number:02}"
    assert all(backup.exists() for backup in made)
