"""The parts measured in this process: move to commit and its bare baseline, the overlap
pass, import times, and which heavy modules opening a board pulls in."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path


def commit_times(db: Path, moves: int) -> tuple[list[float], list[float]]:
    """Milliseconds per `Store.move_item` (to block 1 and back) on `db`, and per bare
    `UPDATE` of one item's place and its commit on a copy of it, one after the other in
    turn: a slow spell of the machine (its disk's flushes, other work) weighs on both.
    Both files WAL and `synchronous=FULL`."""
    from planboard.core import Place, Store

    copy = db.with_name(f"{db.stem}.bare-commit.db")
    shutil.copyfile(db, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    store: Store | None = None
    try:
        store = Store.open(db)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        quarter = store.default_quarter().id
        board = store.board(quarter)
        block = board.blocks[0].id
        item = board.items_at(Place.team())[0]
        bare_item, bare_block = conn.execute(
            "SELECT i.id, b.id FROM items i JOIN blocks b ON b.quarter_id = i.quarter_id "
            "WHERE i.block_id IS NULL AND i.status = 'open' LIMIT 1"
        ).fetchone()
        timings, bare = [], []
        for n in range(moves):
            target = Place.block(block) if n % 2 == 0 else item.home
            start = time.perf_counter()
            store.move_item(item.id, target)
            timings.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "UPDATE items SET block_id = ? WHERE id = ?",
                (bare_block if n % 2 == 0 else None, bare_item),
            )
            conn.execute("COMMIT")
            bare.append((time.perf_counter() - start) * 1000)
        while store.undo_summary(quarter):  # leave the board as it was
            store.undo(quarter)
        return timings, bare
    finally:
        if store is not None:
            store.close()
        conn.close()
        for leftover in copy.parent.glob(f"{copy.name}*"):
            leftover.unlink()


def overlap_ms(db: Path) -> float:
    """Milliseconds to work out the overlap between lists, in this process."""
    from planboard.core import Store
    from planboard.core.similar import Entry, overlap

    store = Store.open(db, readonly=True)
    try:
        board = store.board(store.default_quarter().id)
    finally:
        store.close()
    entries = [
        Entry(item.id, item.title, item.stakeholder_id)
        for place, items in board.places.items()
        if not place.is_dropped
        for item in items
    ]
    start = time.perf_counter()
    overlap(entries)
    return (time.perf_counter() - start) * 1000


def import_time_us(module: str) -> int:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    for line in reversed(out.splitlines()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1])
    raise RuntimeError(f"no import time for {module}")


def heavy_modules_after_open(db: Path) -> list[str]:
    code = (
        "import sys; import planboard.app; from planboard.core import Store; "
        f"s = Store.open({str(db)!r}); s.board(s.default_quarter().id); "
        "print(','.join(m for m in ('numpy', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    return [m for m in out.split(",") if m]
