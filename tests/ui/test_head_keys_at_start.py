"""Keys typed straight after `planboard PATH` on a big quarter (opened on its head) act
on the lines they land on once the rest is read, as a person typing them means."""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from pathlib import Path

from planboard.core import Place, Store
from planboard.core.sample import generate_board

END = b"\x1b[F"  # End, as xterm sends it


def test_end_then_1_typed_as_it_starts_moves_the_last_team_item(tmp_path: Path) -> None:
    """In a terminal, End and 1 typed as planboard starts, on 6,000 items. Seen (found
    in review): "✗ That item no longer exists." and nothing moved. The keys reached the
    board before its head was loaded, so they did not wait for the rest: End landed on
    a line not read yet, and 1 moved item 0."""
    from planboard.bench import Term

    path = tmp_path / "b.db"
    generate_board(path, items=6000, stakeholders=8, blocks=5)
    with Store.open(path) as store:
        quarter = store.default_quarter().id
        board = store.board(quarter)
        last = board.items_at(Place.team())[-1]
        block = board.blocks[0]
    term = Term([sys.executable, "-m", "planboard", str(path)])
    try:
        time.sleep(0.1)  # (typed while it starts: the terminal keeps the keys)
        os.write(term.fd, END + b"1")
        term.first_paint(b"Team \xc2\xb7", timeout=30)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            term._read(0.2)
        shown = term.text()
    finally:
        term.stop()
    with sqlite3.connect(path) as conn:
        moved = conn.execute("SELECT block_id FROM items WHERE id = ?", (last.id,)).fetchone()
    assert "no longer exists" not in shown
    assert moved == (block.id,)
