"""Requests merged into an item come along when it is carried into the next quarter:
they were left behind, and the stakeholders who asked for it (in their words) dropped
out of the item there without a word."""

from __future__ import annotations

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
