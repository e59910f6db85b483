"""The store: every action, its event row, undo and redo, the rules it enforces."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import Filled, assert_consistent

from planboard.core import Place, ReadOnlyError, Store, ValidationError
from planboard.core.errors import ConflictError, PlanboardError


def event_count(store: Store) -> int:
    return store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]


def test_new_board_has_a_first_quarter_and_pragmas(store: Store) -> None:
    quarters = store.quarters()
    assert [q.name for q in quarters] == ["2026-Q3"]
    assert quarters[0].status == "preparing"
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] >= 1


def test_every_action_writes_one_event_with_before_and_after(filled: Filled) -> None:
    store = filled.store
    before = event_count(store)
    change = store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    assert event_count(store) == before + 1
    event = store.events(limit=1)[0]
    assert event.id == change.event_id
    assert event.action == "move_item"
    assert event.quarter_id == filled.quarter_id
    changes = event.payload["changes"]
    moved = [c for c in changes if c[0] == "items" and c[1] == filled.sales_items[0]]
    assert moved and moved[0][2]["block_id"] is None
    assert moved[0][3]["block_id"] == filled.block_a
    assert json.loads(
        store.conn.execute("SELECT payload FROM events WHERE id = ?", (event.id,)).fetchone()[0]
    )


def test_move_into_block_at_index_and_reorder(filled: Filled) -> None:
    store, a = filled.store, Place.block(filled.block_a)
    s1, s2, s3 = filled.sales_items
    store.move_item(s1, a)
    store.move_item(s2, a)
    store.move_item(s3, a, 0)
    assert filled.titles(a) == ["Quota attainment", "Pipeline by region", "Win rate by segment"]
    store.move_item(s3, a, 2)  # reorder within the block
    assert filled.titles(a) == ["Pipeline by region", "Win rate by segment", "Quota attainment"]
    assert filled.titles(Place.of_list(filled.sales)) == []
    assert_consistent(store)


def test_item_returns_to_its_place_on_its_list(filled: Filled) -> None:
    store = filled.store
    store.move_item(filled.sales_items[1], Place.block(filled.block_a))
    assert filled.titles(Place.of_list(filled.sales)) == ["Pipeline by region", "Quota attainment"]
    store.restore_item(filled.sales_items[1])
    assert filled.titles(Place.of_list(filled.sales)) == [
        "Pipeline by region",
        "Win rate by segment",
        "Quota attainment",
    ]
    assert_consistent(store)


def test_an_item_never_goes_to_another_stakeholders_list(filled: Filled) -> None:
    with pytest.raises(ValidationError, match="Head of Sales's list"):
        filled.store.move_item(filled.sales_items[0], Place.of_list(filled.service))
    with pytest.raises(ValidationError):
        filled.store.move_item(filled.sales_items[0], Place.team())


def test_reorder_a_list_with_items_away_in_blocks(filled: Filled) -> None:
    store = filled.store
    _t1, t2, t3 = filled.team_items
    store.move_item(t2, Place.block(filled.block_a))
    store.move_item(t3, Place.team(), 0)
    assert filled.titles(Place.team()) == ["Metric definitions", "Single customer view"]
    store.shift_item(t3, 1)
    assert filled.titles(Place.team()) == ["Single customer view", "Metric definitions"]
    store.restore_item(t2)  # it comes back after the item it followed before
    assert filled.titles(Place.team()) == [
        "Single customer view",
        "Metric definitions",
        "Data quality alerts",
    ]
    assert_consistent(store)


def test_drop_needs_a_reason_and_restore(filled: Filled) -> None:
    store = filled.store
    item = filled.service_items[1]
    with pytest.raises(ValidationError, match="reason"):
        store.drop_item(item, "   ")
    store.move_item(item, Place.block(filled.block_b))
    store.drop_item(item, "Finance already tracks refunds")
    dropped = store.items_at(filled.quarter_id, Place.dropped())
    assert [(i.title, i.drop_reason) for i in dropped] == [
        ("Refund reasons", "Finance already tracks refunds")
    ]
    assert filled.titles(Place.block(filled.block_b)) == []
    with pytest.raises(ValidationError, match="reason"):
        store.move_item(filled.service_items[0], Place.dropped())
    store.restore_item(item)
    restored = store.item(item)
    assert (restored.status, restored.drop_reason, restored.block_id) == ("open", None, None)
    assert_consistent(store)


def test_blocks_create_reorder_rename_delete(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    store.add_block(q, "Finance basics", index=0)
    assert [b.name for b in store.blocks(q)] == [
        "Finance basics",
        "Sales cockpit",
        "Service insights",
    ]
    store.shift_block(filled.block_b, -2)
    assert next(b.name for b in store.blocks(q)) == "Service insights"
    store.edit_block(filled.block_a, name="Sales cockpit 2.0", description="Why")
    assert store.block(filled.block_a).name == "Sales cockpit 2.0"
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.move_item(filled.team_items[0], Place.block(filled.block_a))
    store.delete_block(filled.block_a)
    assert filled.titles(Place.of_list(filled.sales))[0] == "Pipeline by region"
    assert filled.titles(Place.team())[0] == "Single customer view"
    assert len(store.blocks(q)) == 2
    assert_consistent(store)


def test_new_block_with_items_is_one_action(filled: Filled) -> None:
    store = filled.store
    before = event_count(store)
    change = store.add_block(filled.quarter_id, "Churn", item_ids=[filled.service_items[0]])
    assert event_count(store) == before + 1
    assert filled.titles(Place.block(change.block_id or 0)) == ["Ticket backlog age"]
    store.undo(filled.quarter_id)
    assert filled.titles(Place.of_list(filled.service))[0] == "Ticket backlog age"
    assert "Churn" not in [b.name for b in store.blocks(filled.quarter_id)]


def test_forms_refuse_bad_values_and_write_nothing(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    before = event_count(store)
    with pytest.raises(ValidationError, match="can't be empty"):
        store.add_item(q, None, "   ")
    with pytest.raises(ValidationError, match="200 or fewer"):
        store.add_item(q, None, "x" * 201)
    with pytest.raises(ValidationError, match="number"):
        store.add_item(q, None, "Fine", effort="a lot")
    with pytest.raises(ValidationError, match="can't be empty"):
        store.add_block(q, "")
    # Marks that show nothing are nothing: a zero-width space made a stakeholder with
    # a blank name, and two of them a second, "different" one.
    for shows_nothing in ("\u200b", "\u200b\u200b", " \u200d\u2060 ", "\u200e"):
        with pytest.raises(ValidationError, match="can't be empty"):
            store.add_stakeholder(shows_nothing)
        with pytest.raises(ValidationError, match="can't be empty"):
            store.add_item(q, None, shows_nothing)
    with pytest.raises(ValidationError, match="already a stakeholder") as taken:
        store.add_stakeholder("head of sales")
    # (named as the board shows it: "called 'head of sales'" named no one on it)
    assert "called 'Head of Sales' ('head of sales' is the same name)" in str(taken.value)
    with pytest.raises(ValidationError, match="named like"):
        store.create_quarter("next quarter")
    with pytest.raises(ValidationError, match="already a quarter"):
        store.create_quarter("2026-q3")
    assert event_count(store) == before
    store.add_stakeholder("Zoe")
    # Nor do they make a name another: four stakeholders all looked like "Zoe".
    for alike in ("Zo\u200be", "\u200bZoe", "Zoe\u200d"):
        with pytest.raises(ValidationError, match="already a stakeholder"):
            store.add_stakeholder(alike)


def test_control_characters_never_reach_the_file(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    change = store.add_item(
        q, None, "Churn \x1b[2J[bold]risk[/] \x1b]52;c;aGk=\x07\u202egnp", "a\x9bb"
    )
    item = store.item(change.item_id or 0)
    assert item.title == "Churn [2J[bold]risk[/] ]52;c;aGk=gnp"
    assert item.notes == "ab"


def test_undo_redo_walk_back_and_forth(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    a = Place.block(filled.block_a)
    store.move_item(filled.sales_items[0], a)
    store.drop_item(filled.sales_items[1], "optional")
    store.edit_item(filled.team_items[0], title="Customer 360")
    snapshot = filled.titles(a), filled.titles(Place.dropped()), filled.titles(Place.team())
    assert store.undo(q).summary.startswith("Undid: Edited")
    assert store.undo(q).summary.startswith("Undid: Dropped")
    assert store.undo(q).summary.startswith("Undid: Moved")
    assert filled.titles(a) == []
    assert store.redo(q).summary.startswith("Redid: Moved")
    assert store.redo(q).summary.startswith("Redid: Dropped")
    assert store.redo(q).summary.startswith("Redid: Edited")
    assert store.redo(q).summary == "Nothing to redo"
    assert (
        filled.titles(a),
        filled.titles(Place.dropped()),
        filled.titles(Place.team()),
    ) == snapshot
    assert_consistent(store)


def test_a_new_action_clears_the_redo_stack(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.undo(q)
    store.move_item(filled.sales_items[1], Place.block(filled.block_a))
    assert store.redo_summary(q) is None
    assert store.redo(q).summary == "Nothing to redo"


def test_undo_everything_returns_to_the_start(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.remove_stakeholder(filled.service, q)
    store.delete_block(filled.block_a)
    store.remove_item(filled.team_items[1])
    while store.undo_summary(q):
        store.undo(q)
    assert store.items_at(q, Place.team()) == []
    assert store.stakeholders(q) == []
    assert store.blocks(q) == []
    assert store.undo(q).summary == "Nothing to undo"
    assert_consistent(store)


def test_undo_after_closing_and_reopening(board_path, clock, filled: Filled) -> None:
    store = filled.store
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.close()
    reopened = Store.open(board_path, clock=clock)
    try:
        assert reopened.undo_summary(filled.quarter_id).startswith("Moved")
        reopened.undo(filled.quarter_id)
        assert reopened.item(filled.sales_items[0]).block_id is None
        reopened.close()
        again = Store.open(board_path, clock=clock)
        assert again.redo(filled.quarter_id).summary.startswith("Redid: Moved")
        assert again.item(filled.sales_items[0]).block_id == filled.block_a
        again.close()
    finally:
        filled.store = Store.open(board_path, clock=clock)  # so the fixture can close one


def test_undo_refuses_when_someone_else_changed_the_row(board_path, filled: Filled) -> None:
    store = filled.store
    store.edit_item(filled.team_items[0], title="Customer 360")
    other = sqlite3.connect(board_path)  # e.g. someone fixing a title by hand
    with other:
        other.execute(
            "UPDATE items SET title = 'Changed elsewhere' WHERE id = ?", (filled.team_items[0],)
        )
    other.close()
    # (Undo goes back in order within a quarter: what changed since is another
    # quarter's doing, or another program's; "perhaps from another program" blamed it
    # where planboard itself, on another quarter, had.)
    with pytest.raises(
        ConflictError, match=r"changed since \(in another quarter, or from another program\)"
    ):
        store.undo(filled.quarter_id)
    assert store.item(filled.team_items[0]).title == "Changed elsewhere"


def test_undo_is_per_quarter(filled: Filled) -> None:
    store = filled.store
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    other = store.create_quarter("2026-Q4").quarter_id or 0
    store.add_item(other, None, "Next quarter's idea")
    assert store.undo(other).summary.startswith("Undid: Added")
    assert store.undo(other).summary == "Nothing to undo"  # stops at the quarter's creation
    # (its history holds an action undone since: no delete is offered)
    assert store.undo(filled.quarter_id).summary.startswith("Undid: Moved")


def test_undo_straight_after_starting_a_quarter_says_how_to_take_it_back(
    filled: Filled,
) -> None:
    """`u` after starting a quarter said "Nothing to undo", naming neither the start nor
    how to take it back: it names the start and the delete, which then works."""
    store, q = filled.store, filled.quarter_id
    started = store.start_next_quarter(q, "2026-Q4", "", item_ids=[filled.team_items[0]])
    next_q = started.quarter_id or 0
    said = store.undo(next_q).summary
    assert said.startswith("Nothing to undo: “Created quarter 2026-Q4 from ")
    assert "can be deleted (Ctrl+P, “quarter: Delete”)" in said
    assert store.quarter_deletable(next_q) is None
    store.delete_quarter(next_q)
    assert [quarter.name for quarter in store.quarters()] == [store.quarter(q).name]
    # Once something was done in it (even undone), the delete is not offered.
    again = store.create_quarter("2026-Q4").quarter_id or 0
    store.add_item(again, None, "An idea")
    store.undo(again)
    assert store.undo(again).summary == "Nothing to undo"


def test_undo_on_the_boards_only_quarter_offers_no_delete(store: Store) -> None:
    """The delete is not offered for the board's only quarter: a board keeps one."""
    first = store.default_quarter().id
    only = store.create_quarter("2026-Q4").quarter_id or 0
    store.delete_quarter(first)
    assert [quarter.name for quarter in store.quarters()] == ["2026-Q4"]
    assert store.undo(only).summary == "Nothing to undo"


def test_remove_stakeholder_with_history_archives(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    next_q = store.create_quarter("2026-Q4").quarter_id or 0
    store.remove_stakeholder(filled.service, next_q)  # nothing there: archived, not deleted
    assert filled.service not in [s.id for s in store.stakeholders(next_q)]
    assert filled.service in [s.id for s in store.stakeholders(q)]  # still shown where it has items
    store.add_stakeholder("Customer Service Lead", "CS", quarter_id=next_q)
    assert filled.service in [s.id for s in store.stakeholders(next_q)]


def test_removing_an_item_sends_the_requests_merged_into_it_back(filled: Filled) -> None:
    store = filled.store
    survivor, merged = filled.service_items
    store.merge_items(survivor, [merged])
    assert store.item(merged).merged_into == survivor
    store.remove_item(survivor)
    assert store.item(merged).merged_into is None
    assert filled.titles(Place.of_list(filled.service)) == ["Refund reasons"]
    assert_consistent(store)


def test_removing_a_stakeholder_closes_the_gap_in_their_block(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    for item in (filled.team_items[0], filled.sales_items[0], filled.team_items[1]):
        store.move_item(item, Place.block(filled.block_a))
    store.remove_stakeholder(filled.sales, q)
    block = Place.block(filled.block_a)
    assert filled.titles(block) == ["Single customer view", "Data quality alerts"]
    assert_consistent(store)


def test_decided_quarter_is_read_only(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    with pytest.raises(ValidationError, match="Choose one or two"):
        store.decide(q, "Because")
    filled.give_items()  # (a block with no items can't be chosen)
    store.choose_block(filled.block_a, 1)
    with pytest.raises(ValidationError, match="already"):
        store.choose_block(filled.block_b, 1)
    with pytest.raises(ValidationError, match="rationale"):
        store.decide(q, "  ")
    store.decide(q, "Sales first", "Ana, Ben")
    assert store.quarter(q).status == "decided"
    assert store.decision(q).rationale == "Sales first"
    with pytest.raises(ReadOnlyError, match="decided"):
        store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    with pytest.raises(ReadOnlyError):
        store.undo(q)
    assert store.undo_summary(q) is None  # a decision is not offered for undo
    assert store.default_quarter().id == q  # the only quarter, decided: still shown


def test_default_quarter_is_the_newest_not_decided(store: Store) -> None:
    store.create_quarter("2026-Q1")
    store.create_quarter("2026-Q4")
    assert store.default_quarter().name == "2026-Q4"


def test_read_only_store_refuses_writes(board_path, filled: Filled) -> None:
    filled.store.close()
    ro = Store.open(board_path, readonly=True)
    try:
        assert ro.readonly
        with pytest.raises(ReadOnlyError, match="read-only"):
            ro.add_item(filled.quarter_id, None, "No")
        assert len(ro.board(filled.quarter_id).items_at(Place.team())) == 3
    finally:
        ro.close()
        filled.store = Store.open(board_path)


def test_board_loads_every_place_in_order(filled: Filled) -> None:
    store = filled.store
    store.move_item(filled.sales_items[2], Place.block(filled.block_a))
    store.move_item(filled.team_items[0], Place.block(filled.block_a), 0)
    store.drop_item(filled.service_items[0], "later")
    board = store.board(filled.quarter_id)
    assert [i.title for i in board.items_at(Place.block(filled.block_a))] == [
        "Single customer view",
        "Quota attainment",
    ]
    assert [i.title for i in board.items_at(Place.dropped())] == ["Ticket backlog age"]
    assert [s.name for s in board.stakeholders] == ["Customer Service Lead", "Head of Sales"]
    assert Place.block(filled.block_b) in board.places  # empty blocks are there too
    assert board.item_count == 8


def test_redo_never_replays_an_abandoned_action(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    store.delete_block(filled.block_a)
    store.undo(q)
    store.delete_block(filled.block_b)  # a new action: deleting A can't be redone any more
    store.undo(q)
    assert store.redo_summary(q) == "Deleted block “Service insights”"
    store.redo(q)
    assert [b.name for b in store.blocks(q)] == ["Sales cockpit"]
    assert store.redo(q).summary == "Nothing to redo"


def test_reorder_that_changes_nothing_visible_writes_nothing(filled: Filled) -> None:
    store = filled.store
    t1, t2, t3 = filled.team_items
    store.drop_item(t3, "later")  # hidden at the end of the list
    before = event_count(store)
    change = store.shift_item(t2, 1)  # already the last one shown
    assert change.event_id is None and event_count(store) == before
    assert store.shift_item(t1, -1).event_id is None


def test_change_an_items_owner(filled: Filled) -> None:
    store = filled.store
    item = filled.sales_items[0]
    store.move_item(item, Place.block(filled.block_a))
    change = store.edit_item(item, stakeholder_id=filled.service)
    assert "now on Customer Service Lead's list" in change.summary
    moved = store.item(item)
    assert (moved.stakeholder_id, moved.block_id) == (filled.service, filled.block_a)
    store.restore_item(item)
    assert filled.titles(Place.of_list(filled.service))[-1] == "Pipeline by region"
    assert filled.titles(Place.of_list(filled.sales)) == ["Win rate by segment", "Quota attainment"]
    assert_consistent(store)
    store.undo(filled.quarter_id)
    store.undo(filled.quarter_id)
    assert store.item(item).stakeholder_id == filled.sales
    assert_consistent(store)


def test_delete_only_an_empty_quarter(filled: Filled) -> None:
    store = filled.store
    with pytest.raises(ValidationError, match="only an empty quarter"):
        store.delete_quarter(filled.quarter_id)
    extra = store.create_quarter("2026-Q4").quarter_id or 0
    store.delete_quarter(extra)
    assert [q.name for q in store.quarters()] == ["2026-Q3"]


def test_later_stakeholders_do_not_appear_in_decided_quarters(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    filled.give_items()  # (a block with no items can't be chosen)
    store.choose_block(filled.block_a, 1)
    store.decide(q, "Sales first")
    store.add_stakeholder("General Counsel", "Legal")
    assert "General Counsel" not in [s.name for s in store.stakeholders(q)]
    assert "General Counsel" in [s.name for s in store.stakeholders()]


def test_a_pair_rejected_as_not_the_same_is_one_undoable_action(
    board_path, clock, filled: Filled
) -> None:
    store, q = filled.store, filled.quarter_id
    a, b = filled.sales_items[0], filled.service_items[0]
    before = event_count(store)
    change = store.reject_pair(b, a)
    assert change.summary.startswith("Not the same:")
    assert event_count(store) == before + 1
    assert store.rejected_pairs(q) == {frozenset((a, b))}
    with pytest.raises(ValidationError):
        store.reject_pair(a, b)  # already rejected
    with pytest.raises(ValidationError):
        store.reject_pair(a, a)
    store.close()
    filled.store = store = Store.open(board_path, clock=clock)  # kept in the file
    assert store.rejected_pairs(q) == {frozenset((a, b))}
    assert store.undo(q).summary.startswith("Undid: Not the same")
    assert store.rejected_pairs(q) == set()
    store.redo(q)
    assert store.rejected_pairs(q) == {frozenset((a, b))}


def test_meaning_vectors_are_kept_without_an_event(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    item = filled.sales_items[0]
    before = event_count(store)
    store.save_item_vectors([(item, "abc", b"\x00\x01" * 4)])
    assert store.item_vectors(q) == {item: ("abc", b"\x00\x01" * 4)}
    assert event_count(store) == before  # a cache, not an action: nothing to undo
    store.save_item_vectors([(item, "def", b"\x02\x03" * 4)])
    assert store.item_vectors(q)[item][0] == "def"


def test_meaning_vectors_wait_for_the_first_write(tmp_path: Path) -> None:
    """Opening a board and quitting leaves it byte for byte as it was: the vectors the
    overlap pass works out go into the file only with this planboard's first write."""
    path = tmp_path / "b.db"
    store = Store.open(path, first_quarter="2026-Q3")
    q = store.default_quarter().id
    store.add_item(q, None, "Churn by segment")
    item = store.board(q).places[Place.team()][0].id
    store.close()
    before = path.read_bytes()
    store = Store.open(path)
    store.save_item_vectors([(item, "h", b"\x01\x02")])
    assert store.item_vectors(q) == {item: ("h", b"\x01\x02")}  # reused in this session
    store.close()
    assert path.read_bytes() == before
    store = Store.open(path)
    store.save_item_vectors([(item, "h", b"\x01\x02")])
    store.add_item(q, None, "Another")  # the first write takes the vectors along
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT item_id, hash FROM item_vectors").fetchall() == [(item, "h")]


def test_meaning_vectors_go_into_the_file_in_slices_of_their_own(tmp_path: Path) -> None:
    """A first write no longer carries the vectors in its transaction (an undo of an
    import waited for 70,000 of them): they are written after it, a slice at a time, and
    what is left when planboard closes."""
    path = tmp_path / "b.db"
    store = Store.open(path, first_quarter="2026-Q3")
    q = store.default_quarter().id
    ids = [store.add_item(q, None, f"Request {n}").item_id or 0 for n in range(5)]
    store.close()
    store = Store.open(path)

    def in_file() -> int:
        with sqlite3.connect(path) as conn:
            return int(conn.execute("SELECT count(*) FROM item_vectors").fetchone()[0])

    store.save_item_vectors([(i, "h", b"\x01\x02") for i in ids])
    assert store.flush_item_vectors(2) == 5  # nothing written before a first write
    assert in_file() == 0
    store.add_item(q, None, "Another")
    assert in_file() == 0  # not with the action
    assert store.vectors_held == 5
    assert store.flush_item_vectors(2) == 3
    assert in_file() == 2
    assert store.item_vectors(q) == {i: ("h", b"\x01\x02") for i in ids}
    store.close()
    assert in_file() == 5


def test_an_import_is_inserted_by_sqlite_utils_in_batches_inside_one_action(
    filled: Filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows of an import go in through sqlite-utils' `insert_all`, 500 at a time,
    inside the action's one transaction: they get their ids in order, the event records
    them whole, and the undo takes every one away."""
    from sqlite_utils.db import Table

    from planboard.core.model import ImportItem

    store, q = filled.store, filled.quarter_id
    calls: list[int] = []
    real = Table.insert_all

    def counted(self: Table, records: list[dict[str, object]], **kwargs: object) -> Table:
        calls.append(len(records))
        return real(self, records, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Table, "insert_all", counted)
    events = event_count(store)
    items = [ImportItem(f"Imported request {n}") for n in range(1_200)]
    store.import_items(q, "Head of Sales", items)
    assert calls == [500, 500, 200]
    assert event_count(store) == events + 1
    titles = [i.title for i in store.items_at(q, Place.of_list(filled.sales))]
    assert titles[-1_200:] == [f"Imported request {n}" for n in range(1_200)]
    assert_consistent(store)
    store.undo(q)
    titles = [i.title for i in store.items_at(q, Place.of_list(filled.sales))]
    assert not any(t.startswith("Imported request") for t in titles)
    assert_consistent(store)


def test_an_import_that_fails_in_a_later_batch_leaves_nothing(
    filled: Filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlite_utils.db import Table

    from planboard.core.model import ImportItem

    store, q = filled.store, filled.quarter_id
    real = Table.insert_all
    calls: list[int] = []

    def second_fails(self: Table, records: list[dict[str, object]], **kwargs: object) -> Table:
        calls.append(len(records))
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return real(self, records, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Table, "insert_all", second_fails)
    before = [i.title for i in store.items_at(q, Place.of_list(filled.sales))]
    events = event_count(store)
    with pytest.raises(PlanboardError):  # said as a sentence, nothing written
        store.import_items(q, "Head of Sales", [ImportItem(f"R {n}") for n in range(900)])
    assert [i.title for i in store.items_at(q, Place.of_list(filled.sales))] == before
    assert event_count(store) == events
    assert_consistent(store)


def _count(store: Store, table: str, quarter_id: int) -> int:
    return int(
        store.conn.execute(
            f"SELECT COUNT(*) FROM {table} WHERE quarter_id = ?", (quarter_id,)
        ).fetchone()[0]
    )


def _started_from(filled: Filled) -> int:
    """2026-Q4 started from the filled quarter, carrying a block and a loose item."""
    store = filled.store
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    change = store.start_next_quarter(
        filled.quarter_id,
        "2026-Q4",
        block_ids=[filled.block_a],
        item_ids=[filled.team_items[1]],
    )
    return change.quarter_id or 0


def test_a_quarter_started_by_mistake_can_be_deleted_while_untouched(filled: Filled) -> None:
    """A quarter started from another (`n` in the history) holds copies: while nothing
    was done to it since, it can be deleted with them (it could not: only an empty
    quarter could go, and the copies made it not empty). The quarter it came from keeps
    everything."""
    store = filled.store
    before = {q.name: _count(store, "items", q.id) for q in store.quarters()}
    q4 = _started_from(filled)
    assert _count(store, "items", q4) == 2 and _count(store, "blocks", q4) == 1
    assert store.quarter_deletable(q4) is None
    change = store.delete_quarter(q4)
    assert "2026-Q4" in change.summary
    assert [q.name for q in store.quarters()] == ["2026-Q3"]
    assert {q.name: _count(store, "items", q.id) for q in store.quarters()} == before
    assert _count(store, "items", q4) == 0 and _count(store, "blocks", q4) == 0
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert_consistent(store)


def test_a_started_quarter_whose_vision_was_edited_says_one_action(filled: Filled) -> None:
    """Its vision edited with `v`: the refusal counts one action ("1 actions")."""
    store = filled.store
    q4 = _started_from(filled)
    store.edit_quarter(q4, vision="Sharper")
    refused = store.quarter_deletable(q4) or ""
    assert "(1 action in its history)" in refused, refused


def test_a_started_quarter_once_touched_is_not_deleted(filled: Filled) -> None:
    """Anything done to the new quarter (a move, even one undone), a row another
    program added to it, or a quarter started from it in turn: it stays, and the
    refusal says why."""
    store = filled.store
    q4 = _started_from(filled)
    item = store.conn.execute("SELECT MIN(id) FROM items WHERE quarter_id = ?", (q4,)).fetchone()[0]
    store.drop_item(item, "not now")
    store.undo(q4)
    with pytest.raises(ValidationError, match="changed since it was started"):
        store.delete_quarter(q4)
    assert _count(store, "items", q4) == 2

    q5 = store.start_next_quarter(q4, "2027-Q1", item_ids=[item]).quarter_id or 0
    assert store.quarter_deletable(q5) is None
    with pytest.raises(ValidationError, match="2027-Q1 holds items that come from it"):
        store.delete_quarter(q4)

    conn = sqlite3.connect(store.path)
    with conn:
        conn.execute(
            "INSERT INTO items (quarter_id, title, position) VALUES (?, 'Typed in', 9)", (q5,)
        )
    conn.close()
    with pytest.raises(ValidationError, match="only an empty quarter"):
        store.delete_quarter(q5)
    assert [q.name for q in store.quarters()] == ["2026-Q3", "2026-Q4", "2027-Q1"]


def test_a_whole_block_is_dropped_in_one_action(filled: Filled) -> None:
    """`drop_block`: every item of the block goes to the dropped area, after what was
    dropped before, in the block's order, each with the reason and the block's name;
    the block goes (its dots with it). One action: undo brings the block back, its
    items in order, and redo drops them again."""
    store, q = filled.store, filled.quarter_id
    store.drop_item(filled.service_items[0], "later")
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.move_item(filled.team_items[0], Place.block(filled.block_a))
    block = store.block(filled.block_a)
    inside = [i.id for i in store.items_at(q, Place.block(block.id))]
    assert len(inside) == 2
    events = len(store.events(q))
    change = store.drop_block(block.id, "Not this year")
    assert change.summary == f"Dropped block “{block.name}” and its 2 items"
    assert len(store.events(q)) == events + 1
    dropped = store.items_at(q, Place.dropped())
    assert [i.id for i in dropped] == [filled.service_items[0], *inside]
    assert {i.drop_reason for i in dropped[1:]} == {f"Not this year (block “{block.name}”)"}
    assert block.id not in [b.id for b in store.blocks(q)]
    assert_consistent(store)
    store.undo(q)
    assert [i.id for i in store.items_at(q, Place.block(block.id))] == inside
    assert store.block(block.id).name == block.name
    assert [i.id for i in store.items_at(q, Place.dropped())] == [filled.service_items[0]]
    assert_consistent(store)
    store.redo(q)
    assert [i.id for i in store.items_at(q, Place.dropped())][1:] == inside
    assert_consistent(store)


def test_a_block_is_not_dropped_without_a_reason_or_while_chosen(filled: Filled) -> None:
    store = filled.store
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    with pytest.raises(ValidationError, match="reason"):
        store.drop_block(filled.block_a, "  ")
    store.choose_block(filled.block_a, 1)
    # (Said where the key is: `0` unchooses on the event's card, not on the board.)
    with pytest.raises(ValidationError, match=r"chosen \(1\): unchoose it first \(0 on its card"):
        store.drop_block(filled.block_a, "Not now")
    assert store.item(filled.sales_items[0]).block_id == filled.block_a
    assert_consistent(store)


OUTSIDE_CHANGES = {
    "a title edited": "UPDATE items SET title = 'Edited' WHERE id = {first}",
    "an item dropped": "UPDATE items SET status = 'dropped', drop_reason = 'x', "
    "block_id = NULL, place_position = 0 WHERE id = {first}",
    "a block renamed": "UPDATE blocks SET name = 'Renamed' WHERE quarter_id = {q}",
    "a block chosen": "UPDATE blocks SET choice = 1 WHERE quarter_id = {q}",
    "the quarter live": "UPDATE quarters SET status = 'live' WHERE id = {q}",
    "its event started": "INSERT INTO meetings (quarter_id) VALUES ({q})",
    "an item merged": "UPDATE items SET merged_into = {last} WHERE id = {first}",
    "merged into from before": "UPDATE items SET merged_into = {first} WHERE id = {source}",
    "its vision edited": "UPDATE quarters SET vision = 'Typed by a script' WHERE id = {q}",
}


@pytest.mark.parametrize("what", list(OUTSIDE_CHANGES))
def test_a_started_quarter_changed_by_another_program_is_not_deleted(
    filled: Filled, what: str
) -> None:
    """Changes written by another program leave no trace in the events: the quarter's
    rows are compared with those they were carried from (an edited title was lost
    with the quarter, "nothing done" since), and rows that point at its items make it
    stay with a clear refusal (not "FOREIGN KEY constraint failed")."""
    store = filled.store
    q4 = _started_from(filled)
    first, last = store.conn.execute(
        "SELECT MIN(id), MAX(id) FROM items WHERE quarter_id = ?", (q4,)
    ).fetchone()
    conn = sqlite3.connect(store.path)
    with conn:
        conn.execute(
            OUTSIDE_CHANGES[what].format(
                q=q4, first=first, last=last, source=filled.service_items[1]
            )
        )
    conn.close()
    assert store.quarter_deletable(q4) is not None
    with pytest.raises(ValidationError):
        store.delete_quarter(q4)
    assert "2026-Q4" in [q.name for q in store.quarters()]
    assert _count(store, "items", q4) == 2


def test_an_empty_quarter_whose_event_started_is_not_deleted(filled: Filled) -> None:
    """An empty quarter with its event started (`o`, then `M`) was offered for
    deletion and failed on the event's row."""
    store = filled.store
    q4 = store.create_quarter("2026-Q4").quarter_id or 0
    store.start_meeting(q4, backup=False)
    refused = store.quarter_deletable(q4)
    assert refused is not None and "event" in refused
    with pytest.raises(ValidationError, match="event"):
        store.delete_quarter(q4)


def test_what_a_later_quarter_carries_is_not_deleted_from_the_earlier(filled: Filled) -> None:
    """An item, a block or a stakeholder's items carried over to a later quarter are
    refused for deletion in the quarter they came from, with a message that says so
    (it failed with "FOREIGN KEY constraint failed"); dropping an item still works."""
    store, q = filled.store, filled.quarter_id
    _started_from(filled)  # carries block_a (with sales_items[0]) and team_items[1]
    attempts = {
        "item": lambda: store.remove_item(filled.team_items[1]),
        "stakeholder": lambda: store.remove_stakeholder(filled.sales, q),
        "block": lambda: store.delete_block(filled.block_a),
        "block dropped": lambda: store.drop_block(filled.block_a, "Not now"),
    }
    for what, attempt in attempts.items():
        with pytest.raises(ValidationError, match="carried over to 2026-Q4") as refused:
            attempt()
        assert "FOREIGN KEY" not in str(refused.value), what
        if what.startswith("block"):  # (what can be done instead)
            assert "drop its items one by one instead" in str(refused.value), what
    assert store.item(filled.team_items[1]).quarter_id == q
    assert store.block(filled.block_a).quarter_id == q
    store.drop_item(filled.team_items[1], "later")
    assert_consistent(store)


@pytest.mark.parametrize("name", ["Team", " team ", "TEAM"])
def test_a_stakeholder_is_not_called_as_the_teams_list(filled: Filled, name: str) -> None:
    """ "Team" names the team's own list (marks, who asked, exports): a stakeholder so
    called was counted as the team, "Asked by 2 lists" where three asked."""
    from planboard.core.model import ImportItem

    store, q = filled.store, filled.quarter_id
    before = [s.name for s in store.stakeholders()]
    with pytest.raises(ValidationError, match="names the team's own list"):
        store.add_stakeholder(name, quarter_id=q)
    with pytest.raises(ValidationError, match="names the team's own list"):
        store.edit_stakeholder(filled.sales, name=name)
    with pytest.raises(ValidationError, match="names the team's own list"):
        store.import_items(q, name, [ImportItem("Weekly churn")])
    assert [s.name for s in store.stakeholders()] == before
    store.add_stakeholder("Team lead", quarter_id=q)  # (a name that only starts so)


def test_a_board_read_shares_one_object_for_each_repeated_value(tmp_path: Path) -> None:
    """Items read with the same status, effort, note or reason hold one object for it
    (each its own copy was megabytes at 50,000 items); the values are the file's,
    also those another program wrote (an effort as a whole number)."""
    path = tmp_path / "b.db"
    store = Store.open(path, first_quarter="2026-Q3")
    q = store.default_quarter().id
    for n in range(6):
        store.add_item(q, None, f"Request {n}")
    store.close()
    with sqlite3.connect(path) as conn:  # (as `sqlite3 b.db "UPDATE …"` would)
        conn.execute("UPDATE items SET notes = 'Ask ' || 'Finance', effort = 2.5")
        conn.execute("UPDATE items SET effort = 3 WHERE id = (SELECT max(id) FROM items)")
    store = Store.open(path)
    try:
        items = store.board(q).places[Place.team()]
        assert len(items) == 6
        first, *others = items
        assert all(item.notes == "Ask Finance" and item.notes is first.notes for item in others)
        assert all(item.status is first.status for item in others)
        assert all(item.effort is first.effort for item in others[:-1])
        assert first.effort == 2.5 and others[-1].effort == 3
    finally:
        store.close()


def test_the_vectors_read_apart_are_the_stores_own_and_none_for_another_file(
    filled: Filled, tmp_path: Path
) -> None:
    """`item_vectors_apart` (the overlap pass's read, in its thread) gives what
    `item_vectors` gives: the file's vectors and those still waiting for it; None once
    the path names another file."""
    import os

    store, q = filled.store, filled.quarter_id
    first, second = filled.sales_items[0], filled.team_items[0]
    store.add_item(q, None, "A write: the vectors go into the file from now on")
    store.save_item_vectors([(first, "in the file", b"\x00\x01" * 4)])
    store.flush_item_vectors()
    store.save_item_vectors([(second, "waiting", b"\x02\x03" * 4)])
    assert store.vectors_held == 1
    apart = store.item_vectors_apart(q, store.waiting_vectors())
    assert apart is not None and dict(apart) == dict(store.item_vectors(q))
    assert dict(apart) == {
        first: ("in the file", b"\x00\x01" * 4),
        second: ("waiting", b"\x02\x03" * 4),
    }
    other = tmp_path / "other.db"
    Store.open(other, first_quarter="2026-Q1").close()
    os.replace(other, store.path)
    assert store.item_vectors_apart(q, []) is None


def test_undo_stopped_by_an_event_says_which_action_stops_it(filled: Filled) -> None:
    """After an event started and ended, `u` said "Nothing to undo" though the import
    before it was still in effect: ending (or starting) an event is not undone, and
    undo stops there. It now says so, naming the action; the import is untouched."""
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.start_meeting(q, backup=False)
    store.end_meeting(q)
    said = store.undo(q).summary
    assert said.startswith("Nothing to undo: “Ended the event for ")
    assert said.endswith("” can't be undone.")
    assert store.item(filled.sales_items[0]).block_id == filled.block_a
    assert store.redo(q).summary == "Nothing to redo"


def test_a_title_written_decomposed_is_counted_as_it_looks(filled: Filled) -> None:
    """Text pasted from some systems writes "é" as "e" and a combining accent: a title of
    150 such letters was refused as 300 characters long. It is counted as it looks, and
    kept as written (a name in the file is then found as it is)."""
    store = filled.store
    item = store.add_item(filled.quarter_id, filled.sales, "e\u0301" * 150).item_id
    title = store.conn.execute("SELECT title FROM items WHERE id = ?", (item,)).fetchone()[0]
    assert title == "e\u0301" * 150
    with pytest.raises(ValidationError, match="is 301 characters long"):
        store.add_item(filled.quarter_id, filled.sales, "e\u0301" * 150 + "\u00e9" * 151)
    store.add_stakeholder("Jose\u0301")
    store.remove_stakeholder(
        next(s.id for s in store.stakeholders() if s.name == "Jose\u0301"), filled.quarter_id
    )
    store.add_stakeholder("Jose\u0301")  # (pasted again: brought back, not a second one)
    named = store.conn.execute("SELECT COUNT(*) FROM stakeholders WHERE name LIKE 'Jos%'")
    assert named.fetchone()[0] == 1


def test_a_stakeholder_named_as_another_however_its_accents_are_written_is_refused(
    filled: Filled,
) -> None:
    """ "Re\u0301gion" (a letter and a combining accent) and "Région" typed: two
    stakeholders whose headers looked the same. The second is refused as the same name;
    the name stays as it was first written."""
    store = filled.store
    store.add_stakeholder("Directrice Re\u0301gion Est")
    with pytest.raises(ValidationError, match="already a stakeholder"):
        store.add_stakeholder("Directrice Région Est")
    with pytest.raises(ValidationError, match="already a stakeholder"):
        store.edit_stakeholder(filled.sales, name="directrice région est")
    names = [s.name for s in store.stakeholders() if s.name.startswith("Directrice")]
    assert names == ["Directrice Re\u0301gion Est"]


def test_a_table_whose_ids_reached_the_largest_is_said_not_a_full_disk(
    filled: Filled, board_path: Path
) -> None:
    """Another program wrote an item with SQLite's largest id: every new item failed
    with "Could not save: the disk is full", and the user went to free disk space."""
    store, q = filled.store, filled.quarter_id
    with sqlite3.connect(board_path) as conn:
        conn.execute(
            "INSERT INTO items (id, quarter_id, title, status, position) "
            "VALUES (9223372036854775807, ?, 'Huge id', 'open', 99)",
            (q,),
        )
    before = event_count(store)
    with pytest.raises(PlanboardError) as refused:
        store.add_item(q, None, "One more")
    assert "an id in the items table is the largest SQLite allows" in str(refused.value)
    assert "disk is full" not in str(refused.value)
    assert event_count(store) == before


@pytest.mark.parametrize("odd", [9223372036854775807, 1e300])
def test_items_added_after_another_programs_odd_position_get_whole_ones(
    filled: Filled, board_path: Path, odd: float
) -> None:
    """Another program left a list position of SQLite's largest (or 1e300): an import
    wrote its items' positions as one REAL number, the same for all, where the README
    promises 0..n-1. The list is numbered again first, in its order, in the same action."""
    from planboard.core.model import ImportItem

    store, q = filled.store, filled.quarter_id
    with sqlite3.connect(board_path) as conn:
        conn.execute("UPDATE items SET position = ? WHERE id = ?", (odd, filled.team_items[1]))
    before = filled.titles(Place.team())
    store.import_items(q, None, [ImportItem("New one", line=1), ImportItem("New two", line=2)])
    store.add_item(q, None, "Added by hand")
    rows = store.conn.execute(
        "SELECT position, typeof(position) FROM items WHERE quarter_id = ? AND "
        "stakeholder_id IS NULL ORDER BY position",
        (q,),
    ).fetchall()
    assert rows == [(n, "integer") for n in range(len(before) + 3)]
    assert filled.titles(Place.team()) == [*before, "New one", "New two", "Added by hand"]
    store.undo(q)
    store.undo(q)
    assert filled.titles(Place.team()) == before  # (undone with the items it added)
