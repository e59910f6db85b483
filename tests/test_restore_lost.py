"""A board deleted, or emptied, is made again from one of its backups: `restore` said
"x.db does not exist" or "x.db is empty, not a board", did not list the backups beside
it, and left a hand-made `cp` as the only way back."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planboard.core import Place, Store


def _restore(*args: str | Path) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "planboard", "restore", *map(str, args)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


def _board_with_a_backup(board: Path) -> Path:
    store = Store.open(board, first_quarter="2026-Q3")
    q = store.default_quarter().id
    store.add_item(q, None, "Kept in the backup")
    _, backup = store.start_meeting(q)
    store.close()
    assert backup is not None
    return backup


def _titles(board: Path) -> list[str]:
    store = Store.open(board, readonly=True)
    try:
        return [i.title for i in store.items_at(store.default_quarter().id, Place.team())]
    finally:
        store.close()


@pytest.mark.parametrize("lost", ["deleted", "emptied"])
def test_a_lost_board_is_made_again_from_a_backup_named_after_it(tmp_path: Path, lost: str) -> None:
    board = tmp_path / "x.db"
    backup = _board_with_a_backup(board)
    other = tmp_path / "other.db"  # (another board's backups are not offered)
    _board_with_a_backup(other)
    if lost == "deleted":
        board.unlink()
    else:
        board.write_bytes(b"")
    listing = _restore(board)
    assert listing.returncode == 0, listing.stderr
    assert backup.name in listing.stdout and "other.db" not in listing.stdout
    assert f"planboard restore {board} NUMBER" in listing.stdout
    kept = backup.read_bytes()
    done = _restore(board, "1", "--yes")
    assert done.returncode == 0, done.stderr
    assert f"Made {board} again from {backup.name}" in done.stdout
    assert _titles(board) == ["Kept in the backup"]
    assert backup.read_bytes() == kept


def test_a_lost_board_with_no_backup_says_so(tmp_path: Path) -> None:
    board = tmp_path / "x.db"
    done = _restore(board)
    assert done.returncode == 2
    assert "does not exist" in done.stderr and "no backup named after it" in done.stderr
    assert not board.exists()
    board.write_bytes(b"")
    done = _restore(board, "1", "--yes")
    assert done.returncode == 2 and "no backup named after it" in done.stderr
    assert board.read_bytes() == b""


def test_a_copy_beside_a_lost_board_is_never_taken_for_its_backup(tmp_path: Path) -> None:
    """Only files named as planboard names backups are offered (not `x.db.copy`)."""
    board = tmp_path / "x.db"
    backup = _board_with_a_backup(board)
    shutil.copyfile(backup, tmp_path / "x.db.copy")
    backup.unlink()
    board.unlink()
    done = _restore(board)
    assert done.returncode == 2 and "no backup named after it" in done.stderr


def test_an_emptied_board_behind_a_link_is_made_again_behind_it(tmp_path: Path) -> None:
    real = tmp_path / "x.db"
    backup = _board_with_a_backup(real)
    link = tmp_path / "link.db"
    link.symlink_to(real)
    real.write_bytes(b"")
    listing = _restore(link)
    assert listing.returncode == 0 and backup.name in listing.stdout, listing
    done = _restore(link, "1", "--yes")
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and _titles(real) == ["Kept in the backup"]


def test_a_lost_board_with_its_wal_left_beside_it_is_not_made_over_it(tmp_path: Path) -> None:
    """A `-wal` left by the lost board may hold its last changes, and would not belong
    to the file made in its place: refused, naming it, and left as it is."""
    board = tmp_path / "x.db"
    _board_with_a_backup(board)
    board.unlink()
    wal = tmp_path / "x.db-wal"
    wal.write_bytes(b"left behind" * 100)
    done = _restore(board, "1", "--yes")
    assert done.returncode == 2 and "x.db-wal" in done.stderr, done.stderr
    assert not board.exists() and wal.read_bytes() == b"left behind" * 100


def test_a_lost_board_takes_a_backup_by_its_file_name_and_no_other_file(
    tmp_path: Path,
) -> None:
    """The name the list shows, from another folder too; a file that is not one of the
    backups named after the board (another board, live) is refused: it was copied in."""
    board = tmp_path / "x.db"
    backup = _board_with_a_backup(board)
    other = tmp_path / "unrelated.db"
    _board_with_a_backup(other)
    board.unlink()
    done = _restore(board, other, "--yes")
    assert done.returncode == 2 and "not one of the backups named after" in done.stderr
    assert not board.exists()
    done = _restore(board, backup.name, "--yes")  # (from this test's folder: elsewhere)
    assert done.returncode == 0, done.stderr
    assert _titles(board) == ["Kept in the backup"]


def test_an_emptied_board_keeps_its_permissions_when_made_again(tmp_path: Path) -> None:
    board = tmp_path / "x.db"
    _board_with_a_backup(board)
    board.write_bytes(b"")
    board.chmod(0o660)
    (tmp_path / ".x.db.restoring.partial").write_bytes(b"a crash's leftover")
    done = _restore(board, "1", "--yes")
    assert done.returncode == 0, done.stderr
    assert board.stat().st_mode & 0o777 == 0o660
    assert not (tmp_path / ".x.db.restoring.partial").exists()


def test_a_name_mistyped_is_said_once_with_the_board_meant(tmp_path: Path) -> None:
    _board_with_a_backup(tmp_path / "plan.db")
    done = _restore(tmp_path / "pla.db")
    assert done.returncode == 2
    assert "Did you mean" in done.stderr and "?," not in done.stderr, done.stderr
