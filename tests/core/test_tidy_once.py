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


def test_a_tidy_keeps_the_order_the_board_showed_and_names_odd_positions(
    filled: Filled, board_path: Path
) -> None:
    """Positions another program wrote as 3.25, 'top', 1e300 or -5.5: the board reads a
    number that is not whole as its whole part (and text as "last"), but the tidy put
    every position that was not a whole number after the whole ones, so a row shown
    first jumped to the end of its list when the board first looked at the file; and its
    event said "Put 12 rows in order" without a word on those values."""
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.move_item(filled.sales_items[1], Place.block(filled.block_a))
    store.drop_item(filled.team_items[0], "later")
    store.drop_item(filled.team_items[1], "later")
    conn = sqlite3.connect(board_path, isolation_level=None)
    with conn:
        add = (
            "INSERT INTO items (quarter_id, stakeholder_id, title, position, created_at) "
            "VALUES (?, ?, ?, ?, '2026-06-01T10:00:00Z')"
        )
        odd = [
            conn.execute(add, (q, filled.service, title, position)).lastrowid
            for title, position in (
                ("Minus", -5.5),
                ("Quarter past", 0.25),
                ("Huge", 1e300),
                ("Top", "top"),
                ("Between", 1.75),
            )
        ]
        conn.execute(  # (in a block at 0.5: before the block's second item)
            "UPDATE items SET place_position = 0.5 WHERE id = ?", (filled.sales_items[1],)
        )
        conn.execute(  # (dropped at -1.5: first)
            "UPDATE items SET place_position = -1.5 WHERE id = ?", (filled.team_items[1],)
        )
        conn.execute("UPDATE blocks SET position = 0.5 WHERE id = ?", (filled.block_b,))
    conn.close()
    places = [
        Place.of_list(filled.service),
        Place.block(filled.block_a),
        Place.dropped(),
    ]
    before = store.board(q)
    shown = {place: [i.title for i in before.places[place]] for place in places}
    blocks = [b.name for b in before.blocks]
    assert shown[Place.of_list(filled.service)][0] == "Minus"  # (-5.5 reads as -5)
    change = store.tidy(q)
    assert change is not None
    after = store.board(q)
    assert {place: [i.title for i in after.places[place]] for place in places} == shown
    assert [b.name for b in after.blocks] == blocks
    assert_consistent(store)
    summary = store.conn.execute(
        "SELECT summary FROM events WHERE action = 'tidy' ORDER BY id DESC LIMIT 1"
    ).fetchone()[0]
    assert "positions that were not whole numbers" in summary, summary
    for row in odd:
        assert f" {row}" in summary, summary
    assert str(filled.block_b) in summary and str(filled.team_items[1]) in summary, summary


def test_a_tidy_takes_an_owner_or_block_that_is_not_whole_as_the_board_reads_it(
    filled: Filled, board_path: Path
) -> None:
    """An item whose `stakeholder_id` another program wrote as 2.5 shows on list 2 (a
    whole part, as everywhere); the tidy numbered it in a list of its own ("2.5"), so it
    jumped to the top of list 2 and shared position 0 with that list's first item. The
    same for a block."""
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.move_item(filled.service_items[1], Place.block(filled.block_a))
    owned, blocked = filled.team_items[2], filled.sales_items[2]
    conn = sqlite3.connect(board_path, isolation_level=None)
    with conn:
        conn.execute(
            "UPDATE items SET stakeholder_id = ?, position = 7 WHERE id = ?",
            (filled.service + 0.5, owned),
        )
        conn.execute(
            "UPDATE items SET block_id = ?, place_position = NULL WHERE id = ?",
            (filled.block_a + 0.5, blocked),
        )
    conn.close()
    places = [Place.of_list(filled.service), Place.block(filled.block_a), Place.team()]
    before = store.board(q)
    shown = {place: [i.id for i in before.places[place]] for place in places}
    assert shown[Place.of_list(filled.service)][-1] == owned
    assert shown[Place.block(filled.block_a)][-1] == blocked
    assert store.tidy(q) is not None
    after = store.board(q)
    assert {place: [i.id for i in after.places[place]] for place in places} == shown
    owned_by = store.conn.execute(  # (a list's positions: over all of its items)
        "SELECT position FROM items WHERE quarter_id = ? AND CAST(stakeholder_id AS INTEGER) = ?",
        (q, filled.service),
    ).fetchall()
    assert sorted(p for (p,) in owned_by) == list(range(len(owned_by)))
    numbers = [i.place_position for i in after.places[Place.block(filled.block_a)]]
    assert numbers == list(range(len(numbers)))
    assert store.tidy(q) is None  # (in order now, as read: nothing more to do)
