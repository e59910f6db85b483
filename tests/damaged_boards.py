"""Boards damaged in known ways, for the tests that check planboard copes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from planboard.core import Store


def damage_an_old_quarter(path: Path) -> None:
    """A board whose current quarter reads well, with a page of an older quarter's items
    scribbled over: it opens (read-only, damaged); looking back meets the damage."""
    store = Store.open(path, first_quarter="2026-Q2")
    q2 = store.default_quarter().id
    store.add_stakeholder("Head of Sales", "Sales", quarter_id=q2)
    sales = store.stakeholders()[0].id
    for n in range(300):
        store.add_item(q2, sales, f"Old request {n} " + "x" * 100)
    q3 = store.create_quarter("2026-Q3").quarter_id or 0
    for n in range(20):
        store.add_item(q3, sales, f"New request {n}")
    store.conn.execute("PRAGMA journal_mode = DELETE")
    try:
        pages = store.conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'items' AND pagetype = 'leaf' ORDER BY pageno"
        ).fetchall()
    except sqlite3.OperationalError:
        store.close()
        pytest.skip("this SQLite has no dbstat table")
    store.close()
    page = pages[len(pages) // 3][0]
    data = bytearray(path.read_bytes())
    start = (page - 1) * 4096
    # Every cell pointer sent to one cell written after them, whose row claims a header
    # longer than the row: every read that reaches it fails, the same way each time.
    # (Pointers scribbled to 0xFFFF did not: SQLite reads each modulo the page size and
    # took what lay past the page for a row in 4 of 50 fresh files.) SQLite's own check
    # names the damage without stopping, so the board opens, read-only.
    cells = int.from_bytes(data[start + 3 : start + 5], "big")
    fake = start + 8 + 2 * cells
    data[start + 8 : fake] = (fake - start).to_bytes(2, "big") * cells
    data[fake : fake + 5] = bytes([4, 5, 0x7F, 0, 0])  # 4 bytes, row 5, header of 127
    path.write_bytes(bytes(data))
