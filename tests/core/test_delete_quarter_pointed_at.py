"""A quarter started by mistake that a row of another program's names (a vote of another
quarter on one of its blocks) is refused in words before anything is asked: confirming
ended in "FOREIGN KEY constraint failed"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import Filled

from planboard.core.errors import ValidationError


@pytest.mark.parametrize("table", ["votes", "items", "rejected_pairs"])
def test_a_row_of_another_quarter_naming_it_is_said(
    filled: Filled, board_path: Path, table: str
) -> None:
    store, q = filled.store, filled.quarter_id
    new = (
        store.start_next_quarter(
            q, "2026-Q4", block_ids=[filled.block_a], item_ids=[filled.team_items[1]]
        ).quarter_id
        or 0
    )
    block = store.blocks(new)[0].id
    items = [i.id for i in store.board(new).places[next(iter(store.board(new).places))]]
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        if table == "votes":
            conn.execute(
                "INSERT INTO votes (quarter_id, stakeholder_id, block_id, dots) "
                "VALUES (?, ?, ?, 1)",
                (q, filled.sales, block),
            )
        elif table == "items":
            conn.execute(
                "INSERT INTO items (quarter_id, title, block_id, position, created_at) "
                "VALUES (?, 'Theirs', ?, 9, '2026-06-01T10:00:00Z')",
                (q, block),
            )
        else:
            conn.execute(
                "INSERT INTO rejected_pairs (quarter_id, first_id, second_id, created_at) "
                "VALUES (?, ?, ?, '2026-06-01T10:00:00Z')",
                (q, filled.team_items[0], items[0]),
            )
    said = store.quarter_deletable(new)
    assert said is not None and f"{table} row" in said and "another program's" in said, said
    with pytest.raises(ValidationError, match="another program's"):
        store.delete_quarter(new)
    assert store.quarter(new).name == "2026-Q4"
