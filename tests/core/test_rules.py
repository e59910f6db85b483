"""The rules in one place: where an item may go, why a quarter is read-only, and the
store's write transaction refusing every row of a decided quarter, whichever method
writes it."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from conftest import Filled

from planboard.core import (
    Item,
    Place,
    PlanboardError,
    Quarter,
    ReadOnlyError,
    Stakeholder,
    Store,
    ValidationError,
)
from planboard.core.importer import ImportItem
from planboard.core.model import owner_name
from planboard.core.rules import move_verdict, why_not_live, why_read_only


def item(block_id: int | None = None, status: str = "open", owner: int | None = 7) -> Item:
    return Item(
        id=1,
        quarter_id=1,
        stakeholder_id=owner,
        title="Pipeline by region",
        notes="",
        effort=None,
        block_id=block_id,
        status=status,
        drop_reason="too early" if status == "dropped" else None,
        position=0,
        place_position=None if block_id is None and status == "open" else 0,
        created_at="2026-06-01T09:00:00Z",
    )


def test_move_verdicts() -> None:
    on_list, in_block, dropped = item(), item(block_id=3), item(status="dropped")
    assert move_verdict(on_list, Place.block(3)).allowed
    assert not move_verdict(on_list, Place.block(3)).reorders
    assert move_verdict(in_block, Place.block(3)).reorders
    assert move_verdict(on_list, Place.of_list(7)).reorders
    back = move_verdict(in_block, Place.of_list(7))
    assert back.allowed and back.restores and not back.reorders
    assert move_verdict(dropped, Place.of_list(7)).restores
    drop = move_verdict(on_list, Place.dropped())
    assert drop.allowed and drop.needs_reason
    assert move_verdict(dropped, Place.dropped()).reorders
    assert not move_verdict(dropped, Place.dropped()).needs_reason
    for target in (Place.of_list(8), Place.team()):
        verdict = move_verdict(on_list, target)
        assert not verdict.allowed and "its own list" in verdict.why_not
    assert not move_verdict(item(owner=None), Place.of_list(7)).allowed
    assert move_verdict(item(owner=None), Place.team()).allowed


def test_why_read_only() -> None:
    quarter = Quarter(1, "2026-Q2", "decided", "", "2026-04-01T09:00:00Z")
    assert why_read_only(quarter) == "2026-Q2 is decided, so its board is read-only."
    for status in ("preparing", "live"):
        assert why_read_only(Quarter(1, "2026-Q3", status, "", "")) == ""


def test_why_not_live() -> None:
    assert why_not_live(Quarter(1, "2026-Q3", "live", "", "")) == ""
    assert why_not_live(Quarter(1, "2026-Q3", "preparing", "", "")) == (
        "2026-Q3 is preparing, not live."
    )
    assert why_not_live(Quarter(1, "2026-Q2", "decided", "", "")) == "2026-Q2 is decided, not live."


def test_owner_names() -> None:
    people = {7: Stakeholder(7, "Head of Sales", "Sales")}
    assert owner_name(None, people) == "Team"
    assert owner_name(7, people) == "Head of Sales"
    assert owner_name(8, people) == "?"  # gone, or written by another program
    assert owner_name(8, people, unknown="another list") == "another list"


# ------------------------------------------------------- the write transaction

Write = Callable[[Filled], Any]

#: Every public write of the store, called on the decided quarter of `decided`.
WRITES: dict[str, Write] = {
    "add_item": lambda f: f.store.add_item(f.quarter_id, None, "After the fact"),
    "edit_item": lambda f: f.store.edit_item(f.team_items[1], title="Renamed"),
    "remove_item": lambda f: f.store.remove_item(f.team_items[1]),
    "move_item": lambda f: f.store.move_item(f.team_items[1], Place.block(f.block_b)),
    "shift_item": lambda f: f.store.shift_item(f.team_items[1], 1),
    "drop_item": lambda f: f.store.drop_item(f.team_items[1], "late"),
    "restore_item": lambda f: f.store.restore_item(f.sales_items[0]),
    "merge_items": lambda f: f.store.merge_items(f.team_items[1], [f.team_items[2]]),
    "unmerge_item": lambda f: f.store.unmerge_item(f.service_items[1]),
    "import_items": lambda f: f.store.import_items(
        f.quarter_id, None, [ImportItem("Imported late", "", None, 1)]
    ),
    "add_block": lambda f: f.store.add_block(f.quarter_id, "Late block", ""),
    "edit_block": lambda f: f.store.edit_block(f.block_b, name="Renamed block"),
    "move_block": lambda f: f.store.move_block(f.block_b, 0),
    "shift_block": lambda f: f.store.shift_block(f.block_b, -1),
    "delete_block": lambda f: f.store.delete_block(f.block_b),
    "drop_block": lambda f: f.store.drop_block(f.block_b, "Not this quarter"),
    "remove_stakeholder": lambda f: f.store.remove_stakeholder(f.service, f.quarter_id),
    "delete_quarter": lambda f: f.store.delete_quarter(f.store.quarter_by_name("2026-Q4").id),
    "edit_quarter": lambda f: f.store.edit_quarter(f.quarter_id, vision="A new vision"),
    "choose_block": lambda f: f.store.choose_block(f.block_b, 2),
    "decide": lambda f: f.store.decide(f.quarter_id, "Again"),
    "start_meeting": lambda f: f.store.start_meeting(f.quarter_id, backup=False),
    "end_meeting": lambda f: f.store.end_meeting(f.quarter_id),
    "set_meeting": lambda f: f.store.set_meeting(f.quarter_id, dot_budget=5),
    "set_attendance": lambda f: f.store.set_attendance(f.quarter_id, [f.sales]),
    "set_votes": lambda f: f.store.set_votes(f.block_b, {f.sales: 1}),
    "set_timer": lambda f: f.store.set_timer(f.quarter_id, running=True, remaining=60),
    "reject_pair": lambda f: f.store.reject_pair(f.team_items[0], f.sales_items[0]),
    "undo": lambda f: f.store.undo(f.quarter_id),
    "redo": lambda f: f.store.redo(f.quarter_id),
}

#: Writes a decided quarter allows, and why.
ALLOWED = {
    "add_stakeholder": "stakeholders are shared by every quarter",
    "edit_stakeholder": "stakeholders are shared by every quarter",
    "create_quarter": "a new quarter",
    "start_next_quarter": "copies from a decided quarter into a new one",
    "reopen": "withdraws the decision, on purpose",
    "restore": "replaces the whole file with a backup",
}


def test_every_public_write_is_listed() -> None:
    writes = {
        name
        for name, method in inspect.getmembers(Store, inspect.isfunction)
        if not name.startswith("_") and "Change" in str(inspect.signature(method).return_annotation)
    }
    writes.add("restore")
    assert writes == set(WRITES) | set(ALLOWED) | set(SKIPPED)


@pytest.fixture
def decided(filled: Filled) -> Filled:
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.move_item(filled.service_items[0], Place.block(filled.block_b))
    store.merge_items(filled.service_items[0], [filled.service_items[1]])
    store.start_meeting(q, backup=False)
    store.set_attendance(q, [filled.sales, filled.service])
    store.choose_block(filled.block_a, 1)
    store.decide(q, "Sales first")
    # An empty quarter, decided by another program: only deleting it is left to try.
    store.create_quarter("2026-Q4")
    store.conn.execute("UPDATE quarters SET status = 'decided' WHERE name = '2026-Q4'")
    return filled


#: Writes that leave a decided quarter alone without refusing, and why.
SKIPPED = {"tidy": "positions are put in order on open only where the quarter can change"}


def test_tidying_leaves_a_decided_quarter_as_it_is(decided: Filled) -> None:
    store, q = decided.store, decided.quarter_id
    store.conn.execute("UPDATE items SET position = NULL WHERE id = ?", (decided.team_items[0],))
    before = file_rows(store)
    assert store.tidy(q) is None
    assert file_rows(store) == before


def file_rows(store: Store) -> dict[str, list[tuple[object, ...]]]:
    tables = [r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {t: store.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}


def refuse_all(filled: Filled, *, stopped_otherwise: frozenset[str] = frozenset()) -> None:
    """Each write is refused as read-only (or, for `stopped_otherwise`, stops for another
    reason before writing), and the file keeps every row as it was."""
    store = filled.store
    before = file_rows(store)
    for name, write in WRITES.items():
        if name in stopped_otherwise:
            with contextlib.suppress(PlanboardError):
                write(filled)
        else:
            with pytest.raises(ReadOnlyError) as refused:
                write(filled)
            assert "is decided, so its board is read-only." in str(refused.value), name
        assert file_rows(store) == before, name


def test_every_write_on_a_decided_quarter_is_refused(decided: Filled) -> None:
    refuse_all(decided)


def test_the_write_transaction_refuses_even_a_write_that_forgets_to_check(
    decided: Filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every method's own early check switched off, the transaction still refuses
    each row of the decided quarter, and nothing is written."""
    monkeypatch.setattr(Store, "_check_quarter_writable", lambda self, q, tx=None: self.quarter(q))
    monkeypatch.setattr(Store, "quarter_deletable", lambda self, q: None)
    # A decided quarter is not live, so ending its event is refused for that first; its
    # last event is the decision, which undo never takes back: nothing to undo or redo.
    refuse_all(decided, stopped_otherwise=frozenset({"end_meeting", "undo", "redo"}))


def test_reopening_is_the_one_write_a_decided_quarter_takes(decided: Filled) -> None:
    store, q = decided.store, decided.quarter_id
    store.reopen(q)
    assert store.quarter(q).status == "live"
    store.edit_block(decided.block_b, name="Renamed once reopened")
    assert store.block(decided.block_b).name == "Renamed once reopened"


def test_a_move_the_rules_refuse_is_refused_by_the_store(filled: Filled) -> None:
    with pytest.raises(ValidationError, match="only go back to that list"):
        filled.store.move_item(filled.sales_items[0], Place.of_list(filled.service))
    with pytest.raises(ValidationError, match="needs a reason"):
        filled.store.move_item(filled.sales_items[0], Place.dropped())
