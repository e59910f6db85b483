"""A board removed and made again at its path (`rm b.db; cp other.db b.db`) while a
planboard has changes in its `-wal`: that `-wal` belongs to the removed file, and SQLite
would apply it to the new one (whatever opens it next: planboard, the browser view's
tidy on stop, the `sqlite3` shell)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from test_trust_files import _killed_writer_leaves_a_wal

from planboard.core import PlanboardError, Store
from planboard.core import wal as wal_module
from planboard.core.db import tidy_after_serving


def _other_board(path: Path) -> None:
    store = Store.open(path, first_quarter="2026-Q1")
    store.add_item(store.default_quarter().id, None, "The other board's item")
    store.close()


def _whole_and_other(path: Path) -> None:
    """The file at `path` passes SQLite's check and is the other board, nothing more."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [r[0] for r in conn.execute("SELECT name FROM quarters")] == ["2026-Q1"]
        assert [r[0] for r in conn.execute("SELECT title FROM items")] == ["The other board's item"]
    finally:
        conn.close()


def _writer_with_changes_in_its_wal(path: Path) -> Store:
    store = Store.open(path, first_quarter="2026-Q3")
    q = store.default_quarter().id
    for n in range(30):
        store.add_item(q, None, f"Only in the removed board {n}")
    assert path.with_name(path.name + "-wal").stat().st_size > 32
    return store


@pytest.mark.parametrize("noticed", ["between", "after"])
def test_a_board_removed_then_made_again_never_gets_the_old_wal(
    tmp_path: Path, noticed: str
) -> None:
    """The planboard notices the removal before the new file is there ("between"), or
    only at its close ("after"): either way its `-wal` goes aside, with its changes."""
    board, other = tmp_path / "b.db", tmp_path / "other.db"
    _other_board(other)
    store = _writer_with_changes_in_its_wal(board)
    try:
        os.remove(board)
        if noticed == "between":
            assert "removed" in store.check_file()
        shutil.copyfile(other, board)
    finally:
        store.close()
    kept = list(tmp_path.glob("b.db-wal.replaced-*"))
    assert len(kept) == 1 and kept[0].stat().st_size > 32
    assert not (tmp_path / "b.db-wal").exists()
    _whole_and_other(board)
    reopened = Store.open(board)
    try:
        assert [q.name for q in reopened.quarters()] == ["2026-Q1"]
    finally:
        reopened.close()
    _whole_and_other(board)


def test_the_wal_note_stays_while_the_wal_it_names_is_still_there(tmp_path: Path) -> None:
    """Another program still had the board open when planboard quit, so SQLite left the
    `-wal` with planboard's changes; then the board was removed and made again. The note
    that names the `-wal`'s file is still there: the next opening refuses that `-wal`."""
    board, other = tmp_path / "b.db", tmp_path / "other.db"
    _other_board(other)
    holder = sqlite3.connect(board)  # (made before the board: it just opens the path)
    store = _writer_with_changes_in_its_wal(board)
    holder.execute("SELECT count(*) FROM items").fetchone()
    store.close()
    wal = tmp_path / "b.db-wal"
    assert wal.stat().st_size > 32  # the holder kept it
    os.remove(board)
    shutil.copyfile(other, board)
    holder.close()
    kept = wal.read_bytes()
    with pytest.raises(PlanboardError, match=r"b\.db-wal belongs to the file that was at"):
        Store.open(board)
    assert wal.read_bytes() == kept
    _whole_and_other_after_moving(board, wal)


def _whole_and_other_after_moving(board: Path, wal: Path) -> None:
    wal.rename(wal.with_name("kept-wal"))
    _whole_and_other(board)


def test_the_browser_views_tidy_leaves_a_wal_that_is_not_the_boards(tmp_path: Path) -> None:
    """A writer killed with changes in its `-wal`, then another board moved to its path:
    the tidy that runs when the browser view stops must not apply that `-wal` to it."""
    board, other = tmp_path / "b.db", tmp_path / "other.db"
    _other_board(other)
    _killed_writer_leaves_a_wal(board, "Only in the replaced board")
    wal = tmp_path / "b.db-wal"
    kept = wal.read_bytes()
    os.replace(other, board)
    before = board.read_bytes()
    tidy_after_serving(board)
    assert board.read_bytes() == before and wal.read_bytes() == kept
    _whole_and_other_after_moving(board, wal)


def test_two_wals_moved_aside_in_the_same_second_are_both_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wal_module, "_stamp", lambda: "20261204-120000")
    board = tmp_path / "b.db"
    for n in range(2):
        other = tmp_path / f"other{n}.db"
        _other_board(other)
        store = _writer_with_changes_in_its_wal(board)
        try:
            os.replace(other, board)
            assert "replaced" in store.check_file()
        finally:
            store.close()
    kept = sorted(tmp_path.glob("b.db-wal.replaced-*"))
    assert len(kept) == 2, kept
    assert all(p.stat().st_size > 32 for p in kept)
    assert kept[0].read_bytes() != kept[1].read_bytes()


def _through_a_link(tmp_path: Path) -> tuple[Path, Path]:
    """A board in real/ opened through a symbolic link beside it."""
    (tmp_path / "real").mkdir()
    real, link = tmp_path / "real" / "b.db", tmp_path / "link.db"
    link.symlink_to(real)
    return real, link


@pytest.mark.parametrize("noticed", ["between", "after"])
@pytest.mark.parametrize("how", ["replaced", "removed then made again"])
def test_a_board_opened_through_a_link_never_gives_its_wal_to_the_file_that_replaces_it(
    tmp_path: Path, how: str, noticed: str
) -> None:
    """SQLite keeps the `-wal` and `-shm` beside the file the link leads to, not beside
    the link: planboard looked for them beside the link, found none, and the `-wal`
    with its changes was written into the file moved in over the board, damaging it."""
    real, link = _through_a_link(tmp_path)
    other = tmp_path / "other.db"
    _other_board(other)
    Store.open(real, first_quarter="2026-Q3").close()
    store = Store.open(link)
    for n in range(30):
        store.add_item(store.default_quarter().id, None, f"Only in the replaced board {n}")
    assert (tmp_path / "real" / "b.db-wal").stat().st_size > 32
    try:
        if how == "replaced":
            os.replace(other, real)
        else:
            os.remove(real)
            if noticed == "between":  # (the board looks twice a second: the usual order)
                assert "removed" in store.check_file()
            shutil.copyfile(other, real)
        assert store.check_file()
    finally:
        store.close()
    kept = list((tmp_path / "real").glob("b.db-wal.replaced-*"))
    assert len(kept) == 1 and kept[0].stat().st_size > 32
    assert not (tmp_path / "real" / "b.db-wal").exists()
    _whole_and_other(real)
    reopened = Store.open(link)
    try:
        assert [q.name for q in reopened.quarters()] == ["2026-Q1"]
    finally:
        reopened.close()
    _whole_and_other(real)


def test_a_look_through_a_link_leaves_nothing_beside_the_board(tmp_path: Path) -> None:
    """Opening a board read-only through a link, and closing it, leaves no `-wal` or
    `-shm` beside the file it leads to (they stayed there for good)."""
    real, link = _through_a_link(tmp_path)
    _other_board(real)
    before = sorted(p.name for p in (tmp_path / "real").iterdir())
    with Store.open(link, readonly=True) as store:
        assert [q.name for q in store.quarters()] == ["2026-Q1"]
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == before
    tidy_after_serving(link)  # (the browser view's tidy on stop: nothing to do)
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == before
