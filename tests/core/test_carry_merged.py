"""Requests merged into an item come along when it is carried into the next quarter:
they were left behind, and the stakeholders who asked for it (in their words) dropped
out of the item there without a word."""

from __future__ import annotations

import pytest
from conftest import Filled, assert_consistent

from planboard.core import Place


def test_merged_requests_are_carried_over_with_their_item(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    loose, in_block = filled.team_items[0], filled.team_items[1]
    store.merge_items(loose, [filled.sales_items[0]])
    store.move_item(in_block, Place.block(filled.block_b))
    store.merge_items(in_block, [filled.service_items[0]])
    done = store.start_next_quarter(q, "2026-Q4", "", block_ids=[filled.block_b], item_ids=[loose])
    next_q = done.quarter_id
    assert next_q is not None
    assert "1 block (1 item in it) and 1 item" in done.summary, done.summary
    board = store.board(next_q)
    copies = {i.carried_from: i for items in board.places.values() for i in items}
    merged = {
        survivor: [(r.carried_from, r.stakeholder_id) for r in requests]
        for survivor, requests in board.merged.items()
    }
    assert merged == {
        copies[loose].id: [(filled.sales_items[0], filled.sales)],
        copies[in_block].id: [(filled.service_items[0], filled.service)],
    }
    assert_consistent(store)
    assert store.quarter_deletable(next_q) is None  # (untouched since: as it was started)
    store.unmerge_item(board.merged[copies[loose].id][0].id)
    assert store.quarter_deletable(next_q) is not None


def _start_with_a_merge(filled: Filled, *, in_block: bool = False) -> int:
    store, q = filled.store, filled.quarter_id
    survivor = filled.team_items[1 if in_block else 0]
    if in_block:
        store.move_item(survivor, Place.block(filled.block_b))
    store.merge_items(survivor, [filled.sales_items[0], filled.service_items[0]])
    blocks, items = ([filled.block_b], []) if in_block else ([], [survivor])
    next_q = store.start_next_quarter(q, "2026-Q4", "", block_ids=blocks, item_ids=items)
    assert next_q.quarter_id is not None
    return next_q.quarter_id


@pytest.mark.parametrize("in_block", [False, True])
def test_a_quarter_started_with_merged_requests_is_deleted_whole(
    filled: Filled, in_block: bool
) -> None:
    """Its items were deleted in order of their ids: the survivor's copy before the
    requests merged into it, which the file's foreign key refused."""
    next_q = _start_with_a_merge(filled, in_block=in_block)
    assert filled.store.quarter_deletable(next_q) is None
    filled.store.delete_quarter(next_q)
    assert_consistent(filled.store)


def test_a_merge_another_program_undid_in_the_new_quarter_is_a_change(
    filled: Filled,
) -> None:
    next_q = _start_with_a_merge(filled)
    filled.store.conn.execute(  # (no event: another program's)
        "UPDATE items SET merged_into = NULL WHERE quarter_id = ? AND merged_into IS NOT NULL "
        "AND stakeholder_id = ?",
        (next_q, filled.sales),
    )
    assert filled.store.quarter_deletable(next_q) is not None


def test_a_request_of_someone_archived_since_stays_behind(filled: Filled) -> None:
    """It brought them back onto the new board, as an empty column."""
    store, q = filled.store, filled.quarter_id
    store.merge_items(filled.team_items[0], [filled.sales_items[0]])
    store.conn.execute("UPDATE stakeholders SET archived = 1 WHERE id = ?", (filled.sales,))
    next_q = store.start_next_quarter(q, "2026-Q4", "", item_ids=[filled.team_items[0]])
    assert next_q.quarter_id is not None
    assert [s.name for s in store.stakeholders(next_q.quarter_id)] == ["Customer Service Lead"]


def test_an_item_asked_for_twice_is_carried_once(filled: Filled) -> None:
    """An item of a carried block also among the items to carry, or a request with the
    item it is merged into, was copied twice."""
    store, q = filled.store, filled.quarter_id
    in_block, survivor = filled.team_items[1], filled.team_items[0]
    store.move_item(in_block, Place.block(filled.block_b))
    store.merge_items(survivor, [filled.sales_items[0]])
    next_q = store.start_next_quarter(
        q,
        "2026-Q4",
        "",
        block_ids=[filled.block_b],
        item_ids=[filled.sales_items[0], in_block, survivor],
    ).quarter_id
    rows = store.conn.execute(
        "SELECT carried_from, count(*) FROM items WHERE quarter_id = ? GROUP BY carried_from",
        (next_q,),
    ).fetchall()
    assert all(count == 1 for _, count in rows), rows
    assert {origin for origin, _ in rows} == {in_block, survivor, filled.sales_items[0]}
    assert_consistent(store)
