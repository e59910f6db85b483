"""Moves one after the other: a move takes what the last move read as read while nothing
has written to the file since (`StoreCore._move_tx`), and looks at the file once, just
before its commit. Whatever writes between two moves, another program or this
planboard, the second move sees it."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from conftest import Filled, assert_consistent, statements_run, write_outside

from planboard.core import Place, Store
from planboard.core.errors import ConflictError, NotFoundError, ReadOnlyError, ValidationError


def _events(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM events").fetchone()[0])


def _where(store: Store, item: int) -> tuple[object, ...]:
    return tuple(
        store.conn.execute(
            "SELECT block_id, status, place_position FROM items WHERE id = ?", (item,)
        ).fetchone()
    )


def test_a_quarter_another_program_decided_between_two_moves_refuses_the_second(
    filled: Filled,
) -> None:
    store, item = filled.store, filled.team_items[0]
    store.move_item(item, Place.block(filled.block_a))
    store.move_item(item, Place.team())
    events, where = _events(store), _where(store, item)
    write_outside(
        store.path, "UPDATE quarters SET status = 'decided' WHERE id = ?", filled.quarter_id
    )
    with pytest.raises(ReadOnlyError, match="decided"):
        store.move_item(item, Place.block(filled.block_a))
    assert (_events(store), _where(store, item)) == (events, where)


def test_a_block_another_program_removed_between_two_moves_is_not_moved_into(
    filled: Filled,
) -> None:
    store, item, block = filled.store, filled.team_items[0], filled.block_b
    store.move_item(item, Place.block(block))
    store.move_item(item, Place.team())
    write_outside(store.path, "DELETE FROM blocks WHERE id = ?", block)
    with pytest.raises(NotFoundError, match="block no longer exists"):
        store.move_item(item, Place.block(block))
    assert _where(store, item) == (None, "open", None)


def test_a_block_another_program_renamed_between_two_moves_is_named_anew(filled: Filled) -> None:
    store, item, block = filled.store, filled.team_items[0], filled.block_a
    store.move_item(item, Place.block(block))
    store.move_item(item, Place.team())
    write_outside(store.path, "UPDATE blocks SET name = 'Renamed' WHERE id = ?", block)
    change = store.move_item(item, Place.block(block))
    assert change.summary == "Moved “Single customer view” to block “Renamed”"


def test_an_event_another_program_made_redoable_between_two_moves_is_ended(filled: Filled) -> None:
    store, (first, second, third) = filled.store, filled.team_items
    store.move_item(first, Place.block(filled.block_a))
    event = store.move_item(second, Place.block(filled.block_a)).event_id
    write_outside(store.path, "UPDATE events SET undone = 1 WHERE id = ?", event)
    store.move_item(third, Place.block(filled.block_a))
    assert store.conn.execute("SELECT undone FROM events WHERE id = ?", (event,)).fetchone() == (2,)
    assert store.redo_summary(filled.quarter_id) is None


def test_an_undo_between_two_moves_can_no_longer_be_redone_after_the_second(
    filled: Filled,
) -> None:
    store, (first, second, _) = filled.store, filled.team_items
    store.move_item(first, Place.block(filled.block_a))
    store.move_item(second, Place.block(filled.block_a))
    store.undo(filled.quarter_id)
    assert store.redo_summary(filled.quarter_id) is not None
    store.move_item(first, Place.team())
    assert store.redo_summary(filled.quarter_id) is None
    store.undo(filled.quarter_id)  # (the last move; the undone one stays undone)
    assert _where(store, second) == (None, "open", None)
    assert _where(store, first) == (filled.block_a, "open", 0)


def test_an_item_another_program_moved_between_two_moves_is_refused(filled: Filled) -> None:
    store, item = filled.store, filled.team_items[0]
    store.move_item(item, Place.block(filled.block_a))
    store.move_item(filled.team_items[1], Place.block(filled.block_a))
    write_outside(
        store.path,
        "UPDATE items SET block_id = ?, place_position = 0 WHERE id = ?",
        filled.block_b,
        item,
    )
    events = _events(store)
    with pytest.raises(ConflictError, match="moved by another program"):
        store.move_item(item, Place.team(), source=Place.block(filled.block_a))
    assert _events(store) == events


def test_a_moves_record_holds_the_columns_as_another_program_left_them(filled: Filled) -> None:
    """The record's "before" is the row as stored, read with the item in one statement:
    a reason another program left on an open item is put back by the undo."""
    store, item = filled.store, filled.team_items[0]
    store.move_item(item, Place.block(filled.block_a))
    store.move_item(item, Place.team())
    write_outside(store.path, "UPDATE items SET drop_reason = 'left over' WHERE id = ?", item)
    event = store.move_item(item, Place.block(filled.block_a)).event_id
    (payload,) = store.conn.execute("SELECT payload FROM events WHERE id = ?", (event,)).fetchone()
    assert json.loads(payload) == {
        "changes": [
            [
                "items",
                item,
                {"drop_reason": "left over", "block_id": None, "place_position": None},
                {"drop_reason": None, "block_id": filled.block_a, "place_position": 0},
            ]
        ],
        "item_id": item,
    }
    store.undo(filled.quarter_id)
    row = store.conn.execute("SELECT drop_reason, block_id FROM items WHERE id = ?", (item,))
    assert row.fetchone() == ("left over", None)


def _replaced_store(tmp_path: Path) -> tuple[Store, Path, int, int, int]:
    path, other = tmp_path / "b.db", tmp_path / "other.db"
    Store.open(other, first_quarter="2026-Q1").close()
    store = Store.open(path, first_quarter="2026-Q3")
    q = store.default_quarter().id
    item = store.add_item(q, None, "Moved").item_id or 0
    block = store.add_block(q, "Block").block_id or 0
    store.move_item(item, Place.block(block))
    store.move_item(item, Place.team())
    return store, other, q, item, block


def _whole_and_other(path: Path) -> None:
    reopened = Store.open(path)
    try:
        assert reopened.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [x.name for x in reopened.quarters()] == ["2026-Q1"]
    finally:
        reopened.close()


def test_a_file_replaced_between_two_moves_refuses_the_second(tmp_path: Path) -> None:
    """A move looks at the file once, before its commit: a file replaced before it
    began is refused there, nothing of the move written to either file."""
    store, other, _, item, block = _replaced_store(tmp_path)
    path, events = store.path, _events(store)
    try:
        os.replace(other, path)
        with pytest.raises(ReadOnlyError, match="replaced"):
            store.move_item(item, Place.block(block))
        assert store.readonly
        with pytest.raises(ReadOnlyError, match="replaced"):
            store.move_item(item, Place.block(block))
        copy = tmp_path / "saved.db"
        store.save_copy(copy)
    finally:
        store.close()
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT block_id FROM items WHERE id = ?", (item,)).fetchone() == (
            None,
        )
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == events
    _whole_and_other(path)


def test_a_move_refused_on_a_file_replaced_meanwhile_says_it_was_replaced(
    tmp_path: Path,
) -> None:
    """A move looks at the file before its commit only: one refused before then (an
    item dragged onto another's list) on a file replaced meanwhile said why it was
    refused, and the board stayed writable until a write reached its commit. It says
    the file was replaced, and the board is read-only from then, as any write does."""
    store, other, q, item, _ = _replaced_store(tmp_path)
    store.add_stakeholder("Sales", quarter_id=q)
    sales = next(s.id for s in store.stakeholders(q) if s.name == "Sales")
    path = store.path
    try:
        os.replace(other, path)
        with pytest.raises(ReadOnlyError, match="replaced"):
            store.move_item(item, Place.of_list(sales))
        assert store.readonly
    finally:
        store.close()
    _whole_and_other(path)


def test_a_file_replaced_while_a_move_is_under_way_refuses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, other, _, item, block = _replaced_store(tmp_path)
    path, leave = store.path, store._leave

    def replaced_then_leave(*args: object) -> None:
        os.replace(other, path)
        leave(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "_leave", replaced_then_leave)
    try:
        with pytest.raises(ReadOnlyError, match="replaced"):
            store.move_item(item, Place.block(block))
        assert not store.conn.in_transaction
    finally:
        store.close()
    _whole_and_other(path)


def _block_positions(store: Store, block: int) -> list[tuple[int, int]]:
    rows = store.conn.execute(
        "SELECT id, place_position FROM items WHERE block_id = ? ORDER BY place_position, id",
        (block,),
    )
    return [(r[0], r[1]) for r in rows]


def test_moves_in_a_row_know_how_many_a_block_holds(filled: Filled) -> None:
    """A move straight after another counts no block: how many each holds is what the
    moves before left; the moved item's own row says whether it was the last. One out
    of the middle numbers the rest again, as ever."""
    store, (first, second, third) = filled.store, filled.team_items
    block, other = filled.block_a, filled.block_b
    store.move_item(first, Place.block(block))
    counts = []
    for item, target in [
        (second, Place.block(block)),
        (third, Place.block(block)),
        (third, Place.block(other)),  # (the last of `block`)
        (third, Place.block(block)),
        (first, Place.block(other)),  # (out of the middle)
        (second, Place.team()),  # (out of the middle)
        (first, Place.block(block)),
    ]:
        ran = statements_run(store, lambda item=item, target=target: store.move_item(item, target))
        counts += [sql for sql in ran if any(w in sql for w in ("count(", "max(", "ORDER BY"))]
        assert_consistent(store)
    rows_of_block = (
        f"SELECT id, place_position FROM items WHERE block_id = {block} AND status IS NOT "
        "'dropped' ORDER BY place_position, id"
    )
    assert counts == [
        "SELECT count(*), count(DISTINCT place_position), min(place_position), "
        f"max(place_position) FROM items WHERE block_id = {other} AND status IS NOT "
        f"'dropped' AND id != {third}",  # (`other`, not moved into before)
        rows_of_block,  # (`first` out of its middle)
        rows_of_block,  # (`second` out of its middle)
    ]
    assert _block_positions(store, block) == [(third, 0), (first, 1)]
    assert _block_positions(store, other) == []
    assert [e.summary for e in store.events(filled.quarter_id)][:2] == [
        "Moved “Single customer view” to block “Sales cockpit”",
        "Moved “Data quality alerts” to the team's list",
    ]


def test_a_move_refused_between_two_moves_leaves_what_they_know_as_it_was(
    filled: Filled,
) -> None:
    """A move refused (onto another stakeholder's list) writes nothing: the moves after
    it still know the file, and number the block right."""
    store, (first, second, _) = filled.store, filled.team_items
    store.move_item(first, Place.block(filled.block_a))
    with pytest.raises(ValidationError, match="can only go back"):
        store.move_item(second, Place.of_list(filled.sales))
    store.move_item(second, Place.block(filled.block_a))
    store.move_item(first, Place.team())
    store.move_item(first, Place.block(filled.block_a))
    assert_consistent(store)
    assert _block_positions(store, filled.block_a) == [(second, 0), (first, 1)]
