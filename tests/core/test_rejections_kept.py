"""A pair said to be "not the same" is never suggested together again: not in a group
(`S`, `planboard similar`) that a third item links them in, and not in the next quarter,
whose copies of the two were paired again."""

from __future__ import annotations

import pytest
from conftest import Filled

from planboard.core import Store
from planboard.core.errors import ConflictError
from planboard.core.similar import Entry, match

CHURN = [
    Entry(1, "Customer churn prediction model", 1),
    Entry(2, "Churn prediction model for customers", 2),
    Entry(3, "Customer churn prediction", 3),
    Entry(4, "Office plants watering rota", 4),
]


def _groups(rejected: set[frozenset[object]]) -> list[list[object]]:
    return [[e.key for e in group] for group in match(CHURN, rejected=rejected).groups]


def test_a_group_never_holds_both_items_of_a_rejected_pair() -> None:
    assert _groups(set()) == [[1, 2, 3]]  # (linked through each other, and through 3)
    for first, second in ((1, 2), (1, 3), (2, 3)):
        found = _groups({frozenset((first, second))})
        assert found, (first, second)  # (the others still group)
        assert all({first, second} - set(group) for group in found), (first, second, found)


def _copies(store: Store, quarter_id: int) -> dict[int, int]:
    rows = store.conn.execute(
        "SELECT carried_from, id FROM items WHERE quarter_id = ?", (quarter_id,)
    ).fetchall()
    return dict(rows)


def test_a_rejection_follows_both_items_into_the_next_quarter(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    team, sales = filled.team_items[0], filled.sales_items[0]
    store.reject_pair(team, sales)
    store.reject_pair(filled.team_items[1], filled.service_items[0])  # (one end stays)
    next_q = store.start_next_quarter(
        q, "2026-Q4", "", item_ids=[team, sales, filled.team_items[1]]
    ).quarter_id
    assert next_q is not None
    copy = _copies(store, next_q)
    assert store.rejected_pairs(next_q) == {frozenset((copy[team], copy[sales]))}
    # Started and untouched: still a quarter started by mistake, deleted whole.
    assert store.quarter_deletable(next_q) is None
    store.delete_quarter(next_q)
    assert store.conn.execute(
        "SELECT count(*) FROM rejected_pairs WHERE quarter_id = ?", (next_q,)
    ).fetchone() == (0,)
    assert store.rejected_pairs(q) == {
        frozenset((team, sales)),
        frozenset((filled.team_items[1], filled.service_items[0])),
    }


def test_a_rejection_made_in_the_next_quarter_still_counts_as_a_change(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    team, sales = filled.team_items[0], filled.sales_items[0]
    next_q = store.start_next_quarter(q, "2026-Q4", "", item_ids=[team, sales]).quarter_id
    assert next_q is not None
    copy = _copies(store, next_q)
    store.conn.execute(  # (another program's: no event)
        "INSERT INTO rejected_pairs (quarter_id, first_id, second_id) VALUES (?, ?, ?)",
        (next_q, *sorted((copy[team], copy[sales]))),
    )
    assert "changed since it was started" in (store.quarter_deletable(next_q) or "")


def test_a_rejection_is_not_redone_for_an_item_another_program_deleted(
    filled: Filled,
) -> None:
    store, q = filled.store, filled.quarter_id
    team, sales = filled.team_items[0], filled.sales_items[0]
    store.reject_pair(team, sales)
    store.undo(q)
    store.conn.execute("DELETE FROM items WHERE id = ?", (sales,))
    with pytest.raises(ConflictError, match="an item it names is gone"):
        store.redo(q)
    assert store.conn.execute("SELECT count(*) FROM rejected_pairs").fetchone() == (0,)
    assert store.redo_summary(q) is not None


def test_a_rejection_carried_over_stays_part_of_the_start_after_its_original_is_undone(
    filled: Filled,
) -> None:
    """The original pair taken back (`u` in the quarter it came from) made the carried
    one count as a change: the next quarter, untouched, could no longer be deleted."""
    store, q = filled.store, filled.quarter_id
    team, sales = filled.team_items[0], filled.sales_items[0]
    store.reject_pair(team, sales)
    next_q = store.start_next_quarter(q, "2026-Q4", "", item_ids=[team, sales]).quarter_id
    assert next_q is not None
    store.undo(q)
    assert store.rejected_pairs(q) == set()
    assert store.quarter_deletable(next_q) is None
