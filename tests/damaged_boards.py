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
    data[start + 8 : start + 200] = b"\xff" * 192
    path.write_bytes(bytes(data))
