"""Undo and redo keep the carried-on rule: an item a later quarter carries on (open
there) is never in a chosen block here. `move_item`, `merge_items` and `choose_block`
refuse to break it; a replay of the log wrote its rows back without asking."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import Filled, assert_consistent

from planboard.core import Place, Store, ValidationError
from planboard.core.errors import ConflictError


def _prepared_with_a_choice(filled: Filled) -> tuple[Store, int]:
    """The event started on the quarter still prepared, block A chosen (its first item
    in it); the next quarter not started yet."""
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.start_meeting(q, backup=False)
    store.choose_block(filled.block_a, 1)
    return store, q


def _copy_of(store: Store, item_id: int) -> int:
    row = store.conn.execute("SELECT id FROM items WHERE carried_from = ?", (item_id,)).fetchone()
    return int(row[0])


def test_a_redo_cant_move_an_item_carried_on_since_into_a_chosen_block(filled: Filled) -> None:
    """Moved into the chosen block, undone, then carried into the next quarter: the redo
    put it back in the chosen block, chosen here and open there."""
    store, q = _prepared_with_a_choice(filled)
    carried = filled.team_items[0]
    store.move_item(carried, Place.block(filled.block_a))
    store.undo(q)
    store.start_next_quarter(q, "2026-Q4", "", item_ids=[carried])
    with pytest.raises(ConflictError) as refused:
        store.redo(q)
    said = str(refused.value)
    assert said.startswith("Can't redo this: “Single customer view” was carried into 2026-Q4")
    assert "Remove it from 2026-Q4 first" in said, said
    assert store.item(carried).block_id is None
    assert store.redo_summary(q) is not None  # (still there, once the copy is gone)
    assert_consistent(store)
    store.remove_item(_copy_of(store, carried))
    store.redo(q)
    assert store.item(carried).block_id == filled.block_a


def test_a_redo_cant_choose_a_block_an_item_of_was_carried_on_since(filled: Filled) -> None:
    """Chosen, unchosen by an undo, one of its items carried on: the redo chose it again."""
    store, q = _prepared_with_a_choice(filled)
    store.move_item(filled.team_items[0], Place.block(filled.block_b))
    store.choose_block(filled.block_b, 2)
    store.undo(q)
    store.start_next_quarter(q, "2026-Q4", "", item_ids=[filled.team_items[0]])
    with pytest.raises(ConflictError, match="carried into 2026-Q4"):
        store.redo(q)
    assert store.block(filled.block_b).choice is None


def test_an_undo_cant_carry_back_an_item_chosen_since(filled: Filled) -> None:
    """The copy the next quarter carried removed there, the item then put into the
    chosen block here: undoing the removal brought the copy back, open there while it
    is chosen here."""
    store, q = _prepared_with_a_choice(filled)
    carried = filled.team_items[0]
    next_q = store.start_next_quarter(q, "2026-Q4", "", item_ids=[carried]).quarter_id
    assert next_q is not None
    store.remove_item(_copy_of(store, carried))
    store.move_item(carried, Place.block(filled.block_a))
    with pytest.raises(ConflictError) as refused:
        store.undo(next_q)
    said = str(refused.value)  # (said from 2026-Q3's side: the copy is not in 2026-Q4 yet)
    assert "“Single customer view” is in “Sales cockpit”, a chosen block of 2026-Q3" in said
    assert "Take it out of “Sales cockpit” in 2026-Q3 first" in said, said
    assert "Remove it from 2026-Q4" not in said, said
    assert store.conn.execute(
        "SELECT count(*) FROM items WHERE carried_from = ?", (carried,)
    ).fetchone() == (0,)
    store.move_item(carried, Place.team())
    store.undo(next_q)  # (out of the chosen block: the copy comes back)
    assert _copy_of(store, carried)


def test_an_undo_cant_bring_a_merged_request_carried_on_into_a_chosen_block(
    filled: Filled,
) -> None:
    """A merge into an item of the chosen block undone, the request carried on, then
    the undo redone: the request was served by the choice here and open there."""
    store, q = _prepared_with_a_choice(filled)
    request = filled.team_items[1]
    store.merge_items(filled.sales_items[0], [request])
    store.undo(q)
    store.start_next_quarter(q, "2026-Q4", "", item_ids=[request])
    with pytest.raises(ConflictError, match="carried into 2026-Q4"):
        store.redo(q)
    assert store.item(request).merged_into is None


def test_a_copy_another_program_pointed_at_its_own_quarter_carries_nothing_on(
    filled: Filled, board_path: Path
) -> None:
    """`carried_from` written by another program pointing at the item itself (or at
    another item of its own quarter) names no later quarter: the item went into a
    chosen block as any other, where it was refused as "carried into 2026-Q3", its
    own quarter."""
    store, q = _prepared_with_a_choice(filled)
    itself, beside = filled.team_items[0], filled.team_items[1]
    conn = sqlite3.connect(board_path, isolation_level=None)
    conn.execute("UPDATE items SET carried_from = id WHERE id = ?", (itself,))
    conn.execute("UPDATE items SET carried_from = ? WHERE id = ?", (beside, filled.team_items[2]))
    conn.close()
    store.move_item(itself, Place.block(filled.block_a))
    store.move_item(beside, Place.block(filled.block_a))
    store.undo(q)
    store.redo(q)
    assert store.item(beside).block_id == filled.block_a


def test_a_copy_in_its_own_quarter_still_keeps_its_original_from_being_deleted(
    filled: Filled, board_path: Path
) -> None:
    """Another program's copy in the original's own quarter carries nothing on (the
    rule above), but it still points at it: deleting the original is refused in words,
    not by the file's foreign key ("That change conflicts with the board's data")."""
    original, copy = filled.team_items[0], filled.team_items[1]
    conn = sqlite3.connect(board_path, isolation_level=None)
    conn.execute("UPDATE items SET carried_from = ? WHERE id = ?", (original, copy))
    conn.close()
    with pytest.raises(ValidationError, match="was carried over to 2026-Q3: it stays here"):
        filled.store.remove_item(original)


def test_choosing_a_big_block_reads_its_items_by_sets(filled: Filled) -> None:
    """Choosing a block checked its items one by one (three reads each: 0.4 s for a
    block of 20,000); the check is a fixed number of statements, whatever its size."""
    from conftest import statements_run

    store, q = filled.store, filled.quarter_id
    for n in range(200):
        added = store.add_item(q, None, f"Part {n}").item_id
        assert added is not None
        store.move_item(added, Place.block(filled.block_a))
    store.start_meeting(q, backup=False)
    run = statements_run(store, lambda: store.choose_block(filled.block_a, 1))
    assert len(run) < 40, len(run)


@pytest.mark.parametrize("what", ["block", "item"])
def test_an_undo_removing_what_a_later_quarter_carried_says_so(filled: Filled, what: str) -> None:
    """Undoing the creation of a block (or an item) the next quarter carried since said
    "the board has changed since (perhaps from another program)": planboard's own
    carry-over, named now, with the way out."""
    store, q = filled.store, filled.quarter_id
    if what == "block":
        made = store.add_block(q, "Made late", "").block_id or 0
        store.start_next_quarter(q, "2026-Q4", block_ids=[made])
        named = "block “Made late”"
    else:
        made = store.add_item(q, None, "Asked late").item_id or 0
        store.start_next_quarter(q, "2026-Q4", item_ids=[made])
        named = "“Asked late”"
    with pytest.raises(ConflictError) as refused:
        store.undo(q)
    said = str(refused.value)
    assert f"{named} was carried into 2026-Q4 since" in said, said
    assert "remove the copy from 2026-Q4 first" in said and "another program" not in said
    assert_consistent(store)
