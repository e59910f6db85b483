"""A backup with a damaged index is refused in a message of one line: SQLite's check
lists a hundred problems there, and the refusal printed every one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from planboard.core import PlanboardError, Store


def _with_a_damaged_index(backup: Path) -> None:
    conn = sqlite3.connect(backup)
    try:
        pages = conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'items_by_list' AND pagetype = 'leaf'"
        ).fetchall()
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no dbstat table")
    finally:
        conn.close()
    data = bytearray(backup.read_bytes())
    for (page,) in pages[:3]:
        start = (page - 1) * 4096
        data[start + 100 : start + 3000] = bytes(2900)
    backup.write_bytes(bytes(data))


def test_a_backup_with_a_damaged_index_is_refused_in_one_short_line(tmp_path: Path) -> None:
    board = tmp_path / "b.db"
    store = Store.open(board, first_quarter="2026-Q3")
    q = store.default_quarter().id
    for n in range(600):
        store.add_item(q, None, f"Request number {n} " + "x" * 40)
    _, backup = store.start_meeting(q)
    store.end_meeting(q)
    assert backup is not None
    _with_a_damaged_index(backup)
    with pytest.raises(PlanboardError) as refused:
        store.restore(backup)
    store.close()
    said = str(refused.value)
    assert "damaged" in said and "Nothing was restored" in said, said
    assert "\n" not in said and len(said) < 500, said
