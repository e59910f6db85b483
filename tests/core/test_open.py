"""Opening files: what is a board, and what is refused untouched."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from pathlib import Path

import pytest

from planboard.core import BoardFileError, Store
from planboard.core.errors import NewerSchemaError, NotABoardError, NotSQLiteError
from planboard.core.schema import SCHEMA_VERSION


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_missing_file_is_created_as_a_board(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    store = Store.open(path, first_quarter="2027-Q1")
    assert store.created
    assert [q.name for q in store.quarters()] == ["2027-Q1"]
    store.close()
    again = Store.open(path)
    assert not again.created
    again.close()


def test_empty_file_becomes_a_board(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    store = Store.open(path)
    assert store.created and len(store.quarters()) == 1
    store.close()


def test_a_missing_file_opened_read_only_is_said_missing_and_not_made(tmp_path: Path) -> None:
    """A path with no file, opened read-only: nothing is made, and the message says so
    in words (it said "(and read-only was asked)")."""
    said = r"does not exist \(read-only: no board is made\)\.$"
    path = tmp_path / "nothere.db"
    with pytest.raises(BoardFileError, match=r"nothere\.db " + said):
        Store.open(path, readonly=True)
    # (In a folder that is not there either: nothing would be made, so that is not said.)
    with pytest.raises(BoardFileError, match=r"x\.db " + said):
        Store.open(tmp_path / "nofolder" / "x.db", readonly=True)
    assert list(tmp_path.iterdir()) == []


def test_an_empty_file_looked_at_read_only_is_said_to_be_empty(tmp_path: Path) -> None:
    """Read-only (the browser view, a look) makes nothing: an empty file is said to be
    empty, not "Cannot create a board … read-only was asked"."""
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(BoardFileError, match=r"empty\.db is empty, not a board\.$"):
        Store.open(path, readonly=True)
    assert path.read_bytes() == b"" and [p.name for p in tmp_path.iterdir()] == ["empty.db"]


def test_an_empty_file_no_one_may_write_is_said_to_be_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    path.chmod(0o444)
    with pytest.raises(BoardFileError, match=r"empty\.db is empty, not a board, and can't be"):
        Store.open(path)
    assert path.read_bytes() == b"" and [p.name for p in tmp_path.iterdir()] == ["empty.db"]


def test_text_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("Quarterly planning notes\n" * 20)
    before = digest(path)
    with pytest.raises(NotSQLiteError, match="not an SQLite database"):
        Store.open(path)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_other_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(NotABoardError, match=r"not a planboard board.*invoices"):
        Store.open(path)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = digest(path)
    with pytest.raises(NewerSchemaError, match="newer planboard"):
        Store.open(path)
    assert digest(path) == before


def test_truncated_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "cut.db"
    store = Store.open(path)
    for n in range(200):
        store.add_item(store.default_quarter().id, None, f"Item about topic {n}" * 3)
    store.close()
    data = path.read_bytes()
    path.write_bytes(data[:100])  # the header survives, the pages do not
    before = digest(path)
    with pytest.raises(BoardFileError):
        Store.open(path)
    assert digest(path) == before


def test_folder_and_missing_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BoardFileError, match="is a folder"):
        Store.open(tmp_path)
    with pytest.raises(BoardFileError, match="does not exist"):
        Store.open(tmp_path / "nope" / "board.db")


def test_read_only_file_opens_read_only_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    store = Store.open(path)
    store.add_item(store.default_quarter().id, None, "Kept")
    store.conn.execute("PRAGMA journal_mode = DELETE")
    store.close()
    path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    before = digest(path)
    try:
        ro = Store.open(path)
        assert ro.readonly and ro.readonly_reason == "the file is read-only"
        assert [
            i.title
            for i in ro.board(ro.default_quarter().id).places[
                next(iter(ro.board(ro.default_quarter().id).places))
            ]
        ] == ["Kept"]
        ro.close()
        assert digest(path) == before
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def _newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()


def _another_programs(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.commit()
    conn.close()


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize(
    "spoil", [_newer, _another_programs, _truncated], ids=["newer", "not a board", "damaged"]
)
def test_a_refused_file_is_left_as_it_was_with_nothing_beside_it(tmp_path: Path, spoil) -> None:
    path = tmp_path / "b.db"
    Store.open(path, first_quarter="2026-Q3").close()
    spoil(path)
    before = path.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["b.db"]
    with pytest.raises(BoardFileError):
        Store.open(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["b.db"]
