"""`tidy` reads the quarter only when another connection may have left positions out
of order: the event's screen tidies at every reload (each vote, each choice), and at
50,000 items the whole-quarter check took 35 ms of it while no one else had written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import Filled, assert_consistent, statements_run

from planboard.core import Place


def _reads_items(ran: list[str]) -> list[str]:
    return [sql for sql in ran if "FROM items" in sql]


def test_a_second_tidy_with_no_other_writer_reads_nothing(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    assert store.tidy(q) is None  # (in order: seen so)
    store.move_item(filled.team_items[0], Place.block(filled.block_a))  # (its own)
    store.drop_item(filled.team_items[1], "Later")
    assert _reads_items(statements_run(store, lambda: store.tidy(q))) == []
    assert_consistent(store)


def test_a_row_another_program_added_since_is_still_put_in_order(
    filled: Filled, board_path: Path
) -> None:
    store, q = filled.store, filled.quarter_id
    assert store.tidy(q) is None
    assert store.tidy(q) is None  # (skipped: nothing else wrote)
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        conn.execute(
            "INSERT INTO items (quarter_id, title, created_at) "
            "VALUES (?, 'Theirs', '2026-06-01T10:00:00Z')",
            (q,),
        )
    assert store.tidy(q) is not None
    assert [i.title for i in store.items_at(q, Place.team())][-1] == "Theirs"
    assert_consistent(store)


def test_a_decided_quarter_left_out_of_order_is_tidied_once_reopened(
    filled: Filled, board_path: Path
) -> None:
    """A decided quarter is not tidied (read-only); reopening it is this store's own
    write, which leaves the other connection's row as it was: still put in order."""
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    filled.give_items()  # (a block with no items can't be chosen)
    store.choose_block(filled.block_a, 1)
    store.decide(q, "Because", "")
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        conn.execute(
            "INSERT INTO items (quarter_id, title, created_at) "
            "VALUES (?, 'Theirs', '2026-06-01T10:00:00Z')",
            (q,),
        )
    assert store.tidy(q) is None  # (decided: shown last, as it is)
    store.reopen(q)
    assert store.tidy(q) is not None
    assert_consistent(store)
