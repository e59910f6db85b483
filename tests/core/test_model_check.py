"""A model check of the store: random sessions of user actions against a plain model.

A Hypothesis state machine drives the public `Store` API on a real file (one quarter,
2026-Q3, and two stakeholders made outside the quarter's undo history) and keeps a small
model of what the board should hold: each list's order, where each item is, the blocks
and their items, the dropped area, the texts. After every step the file must agree with
the model, with `store.board()` (what the UI reads) and with the board's invariants; a
refused action must leave every row of every table as it was. Undo and redo walk the
model's own history; a row changed by hand under them makes them refuse (ConflictError)
without touching anything. At the end, the event log must replay to the file's state,
undoing everything must return to the state right after setup, and redoing everything
must reach the furthest state again.
"""

from __future__ import annotations

import copy
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import FixedClock, assert_consistent
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from planboard.core import Change, ConflictError, NotFoundError, Place, Store, ValidationError
from planboard.core.model import MAX_NAME, MAX_NOTES, MAX_TITLE
from planboard.core.text import clean_line, clean_multiline

QUARTER = "2026-Q3"
MISSING = 999_999  # an id no row has: actions on it must be refused, changing nothing
UNSET: Any = object()  # "leave this field alone" (the store's own sentinel is private)
UNDO_TABLES = ("quarters", "stakeholders", "items", "blocks")
# Columns a hand edit may change without breaking a constraint (not keys, not statuses).
TAMPERABLE = {
    "title",
    "notes",
    "effort",
    "drop_reason",
    "position",
    "place_position",
    "name",
    "description",
    "department",
    "created_at",
}
PRIMARY_KEY = {"settings": "key", "decisions": "quarter_id", "meetings": "quarter_id"}

Rows = dict[str, dict[Any, dict[str, Any]]]


# ------------------------------------------------------------------ the file, as rows


def data_tables(conn: sqlite3.Connection) -> list[str]:
    """Every table an action can change (not the log itself, not SQLite's own)."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'events' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]


def table_rows(conn: sqlite3.Connection, tables: tuple[str, ...] | list[str]) -> Rows:
    """The rows of `tables`, as {table: {primary key: {column: value}}}."""
    out: Rows = {}
    for table in tables:
        cursor = conn.execute(f"SELECT * FROM {table}")
        columns = [d[0] for d in cursor.description]
        key = PRIMARY_KEY.get(table, "id")
        out[table] = {
            row[columns.index(key)]: dict(zip(columns, row, strict=True)) for row in cursor
        }
    return out


def whole_file(conn: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, the log and sqlite_sequence included."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {
        name: sorted(conn.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
        for name in sorted(names)
    }


def by_hand(path: Path, sql: str, *args: Any) -> None:
    """A change made outside planboard (sqlite3, a script): no event, no undo."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql, args)
    conn.close()


def last_event_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])


def replay_events(start: Rows, conn: sqlite3.Connection, after_event: int) -> Rows:
    """Apply every event after `after_event`, in id order, to a copy of `start`.

    Each change is checked as it is applied: an insert is of a row that is not there, a
    delete removes exactly the row it recorded, an update finds the values it recorded
    as `before`.
    """
    state = copy.deepcopy(start)
    events = conn.execute(
        "SELECT id, action, payload FROM events WHERE id > ? ORDER BY id", (after_event,)
    ).fetchall()
    for event_id, action, payload in events:
        for table, pk, before, after in json.loads(payload).get("changes", []):
            rows = state.setdefault(table, {})
            where = f"event {event_id} ({action}), {table} {pk}"
            if before is None:
                assert pk not in rows, f"{where}: inserts a row that is already there"
                rows[pk] = dict(after)
            elif after is None:
                assert rows.get(pk) == before, f"{where}: deletes a row that is not as recorded"
                del rows[pk]
            else:
                assert pk in rows, f"{where}: updates a row that is not there"
                now = {k: rows[pk][k] for k in before}
                assert now == before, f"{where}: 'before' is {before}, the row holds {now}"
                rows[pk].update(after)
    return state


def assert_log_replays(store: Store, start: Rows, after_event: int) -> None:
    """The event log, replayed from the state right after setup, gives the file's rows."""
    tables = data_tables(store.conn)
    replayed = replay_events(start, store.conn, after_event)
    actual = table_rows(store.conn, tables)
    for table in tables:
        assert replayed.get(table, {}) == actual[table], f"table {table}: replay differs"


def undo_everything(store: Store, quarter_id: int) -> int:
    count = 0
    while store.undo_summary(quarter_id):
        change = store.undo(quarter_id)
        assert change.event_id is not None, change.summary
        count += 1
        assert count < 10_000
    return count


def redo_everything(store: Store, quarter_id: int) -> int:
    count = 0
    while store.redo_summary(quarter_id):
        change = store.redo(quarter_id)
        assert change.event_id is not None, change.summary
        count += 1
        assert count < 10_000
    return count


def new_board(path: Path) -> tuple[Store, int, Rows, int]:
    """The setup both tests share: a new file, its first quarter, two stakeholders added
    outside the quarter's undo history. Returns the store, the quarter, the rows right
    after setup and the last event id then."""
    store = Store.open(path, clock=FixedClock(), first_quarter=QUARTER)
    quarter_id = store.quarter_by_name(QUARTER).id
    # quarter_id=None: not part of 2026-Q3's undo history, so undoing everything of the
    # quarter comes back to exactly this state.
    store.add_stakeholder("Head of Sales", "Sales")
    store.add_stakeholder("Customer Service Lead", "Service")
    start = table_rows(store.conn, data_tables(store.conn))
    return store, quarter_id, start, last_event_id(store.conn)


# ----------------------------------------------------------------------- the model


@dataclass
class Model:
    """What the board should hold. Lists keep every item of their owner in position
    order (also those away in a block or dropped); `where` says where each item is."""

    order: dict[int | None, list[int]] = field(default_factory=lambda: {None: []})
    where: dict[int, Place] = field(default_factory=dict)
    items: dict[int, dict[str, Any]] = field(default_factory=dict)
    blocks: list[int] = field(default_factory=list)
    block_items: dict[int, list[int]] = field(default_factory=dict)
    block_info: dict[int, dict[str, Any]] = field(default_factory=dict)
    dropped: list[int] = field(default_factory=list)
    people: dict[int, dict[str, str]] = field(default_factory=dict)

    def owner(self, item_id: int) -> int | None:
        return self.items[item_id]["owner"]

    def shown(self, place: Place) -> list[int]:
        """The items a place shows, in order."""
        if place.is_block:
            return list(self.block_items[place.ref or 0])
        if place.is_dropped:
            return list(self.dropped)
        return [i for i in self.order[place.ref] if self.where[i] == place]

    def leave(self, item_id: int) -> None:
        place = self.where[item_id]
        if place.is_block:
            self.block_items[place.ref or 0].remove(item_id)
        elif place.is_dropped:
            self.dropped.remove(item_id)

    def enter(self, item_id: int, place: Place, index: int | None) -> None:
        """Into a block or the dropped area, at `index` (clamped; None: the end)."""
        target = self.block_items[place.ref or 0] if place.is_block else self.dropped
        if item_id in target:
            target.remove(item_id)
        at = len(target) if index is None else max(0, min(index, len(target)))
        target.insert(at, item_id)
        self.where[item_id] = place
        if not place.is_dropped:
            self.items[item_id]["reason"] = None

    def to_list(self, item_id: int) -> None:
        self.leave(item_id)
        self.where[item_id] = Place.of_list(self.owner(item_id))
        self.items[item_id]["reason"] = None

    def reorder_list(self, item_id: int, index: int) -> None:
        """To the `index`-th shown place of its own list; items away in blocks or dropped
        keep their places around it (they come back there)."""
        owner = self.owner(item_id)
        rows = self.order[owner]
        others = [r for r in rows if r != item_id]
        shown = [r for r in others if self.where[r].is_list]
        index = max(0, min(index, len(shown)))
        if [r for r in rows if self.where[r].is_list].index(item_id) == index:
            return
        if index < len(shown):
            at = others.index(shown[index])
        elif shown:
            at = others.index(shown[-1]) + 1
        else:
            at = len(others)
        self.order[owner] = [*others[:at], item_id, *others[at:]]

    def move(self, item_id: int, target: Place, index: int | None) -> None:
        """`Store.move_item` to a block or the item's own list (or within the dropped
        area, where it already is)."""
        if self.where[item_id] == target:
            if index is None:
                return
            if target.is_list:
                self.reorder_list(item_id, index)
            else:
                self.enter(item_id, target, index)
            return
        if target.is_block:
            self.leave(item_id)
            self.enter(item_id, target, index)
        else:
            self.to_list(item_id)
            if index is not None:
                self.reorder_list(item_id, index)


def model_of_file(conn: sqlite3.Connection, quarter_id: int) -> dict[str, Any]:
    """The file, in the model's terms."""
    items = conn.execute(
        "SELECT id, stakeholder_id, title, notes, effort, block_id, status, drop_reason "
        "FROM items WHERE quarter_id = ?",
        (quarter_id,),
    ).fetchall()
    owners = {None} | {r[0] for r in conn.execute("SELECT id FROM stakeholders")}
    owners |= {r[1] for r in items}
    blocks = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM blocks WHERE quarter_id = ? ORDER BY position", (quarter_id,)
        )
    ]

    def ids(sql: str, *args: Any) -> list[int]:
        return [r[0] for r in conn.execute(sql, args)]

    where = {}
    for item_id, owner, _t, _n, _e, block_id, status, _r in items:
        if status == "dropped":
            where[item_id] = Place.dropped()
        elif block_id is not None:
            where[item_id] = Place.block(block_id)
        else:
            where[item_id] = Place.of_list(owner)
    return {
        "order": {
            owner: ids(
                "SELECT id FROM items WHERE quarter_id = ? AND stakeholder_id IS ? "
                "ORDER BY position",
                quarter_id,
                owner,
            )
            for owner in owners
        },
        "where": where,
        "items": {
            r[0]: {"owner": r[1], "title": r[2], "notes": r[3], "effort": r[4], "reason": r[7]}
            for r in items
        },
        "blocks": blocks,
        "block_items": {
            b: ids("SELECT id FROM items WHERE block_id = ? ORDER BY place_position", b)
            for b in blocks
        },
        "block_info": {
            r[0]: {"name": r[1], "description": r[2], "effort": r[3]}
            for r in conn.execute(
                "SELECT id, name, description, effort FROM blocks WHERE quarter_id = ?",
                (quarter_id,),
            )
        },
        "dropped": ids(
            "SELECT id FROM items WHERE quarter_id = ? AND status = 'dropped' "
            "ORDER BY place_position",
            quarter_id,
        ),
        "people": {
            r[0]: {"name": r[1], "department": r[2]}
            for r in conn.execute("SELECT id, name, department FROM stakeholders")
        },
    }


def model_view(model: Model) -> dict[str, Any]:
    view = copy.deepcopy(model.__dict__)
    for person in model.people:
        view["order"].setdefault(person, [])
    return view


def assert_file_is(conn: sqlite3.Connection, quarter_id: int, model: Model) -> None:
    """The file holds what the model says, part by part (for a readable failure)."""
    actual, expected = model_of_file(conn, quarter_id), model_view(model)
    for part in expected:
        assert actual[part] == expected[part], f"{part}: the file differs from the model"


def assert_board_agrees(store: Store, quarter_id: int) -> None:
    """What the UI reads (`board()`, `items_at()`) shows every item once, where its row
    says it is, in the order of its positions."""
    board = store.board(quarter_id)
    rows = store.conn.execute(
        "SELECT id, stakeholder_id, block_id, status, position, place_position FROM items "
        "WHERE quarter_id = ?",
        (quarter_id,),
    ).fetchall()
    expected: dict[Place, list[tuple[int, int]]] = {}
    for item_id, owner, block_id, status, position, place_position in rows:
        if status == "dropped":
            place, rank = Place.dropped(), place_position
        elif block_id is not None:
            place, rank = Place.block(block_id), place_position
        else:
            place, rank = Place.of_list(owner), position
        expected.setdefault(place, []).append((rank, item_id))
    want = {place: [i for _, i in sorted(ranked)] for place, ranked in expected.items()}
    got = {place: [i.id for i in items] for place, items in board.places.items() if items}
    assert got == want
    everywhere = [i.id for items in board.places.values() for i in items]
    assert sorted(everywhere) == sorted(r[0] for r in rows), "an item is shown twice or not"
    lists = {Place.team()} | {Place.of_list(s.id) for s in board.stakeholders}
    block_ids = [b.id for b in board.blocks]
    for place in got:
        if place.is_list:
            assert place in lists, f"{place}: items on a list the board has no column for"
        elif place.is_block:
            assert place.ref in block_ids, f"{place}: items in a block the board doesn't show"
    assert Place.team() in board.places and Place.dropped() in board.places
    for place, items in board.places.items():
        assert [i.id for i in store.items_at(quarter_id, place)] == [i.id for i in items]
    assert block_ids == [b.id for b in store.blocks(quarter_id)]
    assert [b.position for b in board.blocks] == list(range(len(board.blocks)))


# ------------------------------------------------------------------ expected values


def mostly(valid: list[Any], refused: list[Any]) -> st.SearchStrategy[Any]:
    """Mostly values the store accepts, one time in ten one it must refuse (and shrinking
    heads for the accepted ones)."""
    return st.integers(0, 9).flatmap(lambda n: st.sampled_from(refused if n == 9 else valid))


TITLES = mostly(
    [
        "Churn risk",
        "Pipeline by region",
        "  spaced\tout  ",
        "Esc\x1b[2J title\u202e",
        "[b]bold[/] $accent",
        "é" * 90,  # a fine title, too long for a block's name
    ],
    ["", "   ", "\x1b\x9b\x00", "x" * (MAX_TITLE + 1)],
)
NOTES = mostly(["", "One line", "two\r\nlines\x00", "\ttabbed\n\n"], ["n" * (MAX_NOTES + 1)])
EFFORTS = mostly([None, "", 0, 1.5, "3", 10000], ["10001", -1, "a lot", "nan"])
REASONS = mostly(["Later", "Finance has it \x1b[1m"], ["", "  ", "r" * (MAX_NOTES + 1)])
NAMES = mostly(
    ["Head of Sales", "head of sales", "Finance", "Ops Lead", " Ops \t Lead "], ["", "n" * 81]
)
DEPARTMENTS = st.sampled_from(["", "Sales", "Ops\x1b[31m", "d" * 90])
INDEXES = st.one_of(st.none(), st.integers(-2, 6))
# An index into the current ids (modulo their number); one time in twenty -1: an id
# that does not exist.
PICK = st.integers(0, 19).flatmap(lambda n: st.just(-1) if n == 19 else st.integers(0, 40))


def department_error(department: str) -> type[Exception] | None:
    """A department is optional, and refused (not cut) when too long."""
    return ValidationError if len(clean_line(department)) > MAX_NAME else None


def text_error(text: str, limit: int) -> type[Exception] | None:
    cleaned = clean_line(text)
    return ValidationError if not cleaned or len(cleaned) > limit else None


def notes_error(text: str) -> type[Exception] | None:
    return ValidationError if len(clean_multiline(text)) > MAX_NOTES else None


def effort_value(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return float(value)


def effort_error(value: Any) -> type[Exception] | None:
    try:
        number = effort_value(value)
    except ValueError:
        return ValidationError
    if number is None:
        return None
    return None if 0 <= number <= 10000 else ValidationError


def first_error(*errors: type[Exception] | None) -> type[Exception] | None:
    return next((e for e in errors if e is not None), None)


def pick(ids: Any, index: int) -> int:
    ordered = sorted(ids)
    return MISSING if index < 0 or not ordered else ordered[index % len(ordered)]


# ------------------------------------------------------------------- the machine


class StoreMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="planboard-model-"))
        self.path = self.folder / "board.db"
        self.store, self.q, self.start, self.start_event = new_board(self.path)
        self.clock = self.store.clock
        self.model = Model()
        for person_id, name, department in self.store.conn.execute(
            "SELECT id, name, department FROM stakeholders"
        ):
            self.model.people[person_id] = {"name": name, "department": department}
            self.model.order[person_id] = []
        self.history: list[Model] = []  # the model before each action undo can take back
        self.future: list[Model] = []  # the model after each undone action, for redo
        self.healthy = True  # False from the start of a step until its checks passed

    # ------------------------------------------------------------------ helpers

    def item(self, index: int) -> int:
        return pick(self.model.items, index)

    def block(self, index: int) -> int:
        return pick(self.model.block_info, index)

    def person(self, index: int | None) -> int | None:
        return None if index is None else pick(self.model.people, index)

    def clash(self, name: str, other_than: int | None = None) -> bool:
        wanted = clean_line(name).lower()
        return any(
            p["name"].lower() == wanted for pid, p in self.model.people.items() if pid != other_than
        )

    def act(
        self,
        call: Callable[[], Change],
        error: type[Exception] | None,
        effect: Callable[[Model, Change], None] = lambda m, c: None,
    ) -> Change | None:
        """Run one action. A refusal (`error`) must change nothing at all; otherwise the
        model, changed by `effect`, says whether an event must be written."""
        self.healthy = False
        conn = self.store.conn
        if error is not None:
            before = whole_file(conn)
            with pytest.raises(error):
                call()
            assert whole_file(self.store.conn) == before, "a refused action changed the file"
            return None
        events = last_event_id(conn)
        change = call()
        expected = copy.deepcopy(self.model)
        effect(expected, change)
        changed = model_view(expected) != model_view(self.model)
        written = last_event_id(conn) - events
        assert written == (1 if changed else 0), f"{change.summary!r}: {written} events"
        assert (change.event_id is not None) == changed, change
        if changed:
            self.history.append(self.model)
            self.future.clear()
        self.model = expected
        return change

    # -------------------------------------------------------------------- items

    @initialize()
    def a_few_items_and_blocks(self) -> None:
        """Something to work on even when the session's random actions add little. These
        are actions of the session (undoable), not part of the setup."""
        for owner in (None, 0, 1, None, 0, 1):
            self.add_item(owner, f"Item {len(self.model.items) + 1}", "", None, None)
        self.add_block("Block A", "Its case", None, None, [0, 1])
        self.add_block("Block B", "", 5, 0, [])

    @rule(
        owner=st.one_of(st.none(), PICK),
        title=TITLES,
        notes=NOTES,
        effort=EFFORTS,
        into=st.one_of(st.none(), PICK),
    )
    def add_item(
        self, owner: int | None, title: str, notes: str, effort: Any, into: int | None
    ) -> None:
        owner_id = self.person(owner)
        block_id = None if into is None else self.block(into)
        error = first_error(
            text_error(title, MAX_TITLE),
            notes_error(notes),
            effort_error(effort),
            NotFoundError if owner_id is not None and owner_id not in self.model.people else None,
            NotFoundError
            if block_id is not None and block_id not in self.model.block_info
            else None,
        )

        def effect(m: Model, change: Change) -> None:
            new = change.item_id
            assert new is not None and new not in m.items
            m.items[new] = {
                "owner": owner_id,
                "title": clean_line(title),
                "notes": clean_multiline(notes),
                "effort": effort_value(effort),
                "reason": None,
            }
            m.order[owner_id].append(new)
            m.where[new] = Place.of_list(owner_id)
            if block_id is not None:
                m.enter(new, Place.block(block_id), None)

        def call() -> Change:
            return self.store.add_item(self.q, owner_id, title, notes, effort, block_id=block_id)

        self.act(call, error, effect)

    @rule(
        k=PICK,
        title=st.one_of(st.none(), TITLES),
        notes=st.one_of(st.none(), NOTES),
        effort=st.one_of(st.just(UNSET), EFFORTS),
        reason=st.one_of(st.none(), REASONS),
        owner=st.one_of(st.just(UNSET), st.none(), PICK),
    )
    def edit_item(
        self,
        k: int,
        title: str | None,
        notes: str | None,
        effort: Any,
        reason: str | None,
        owner: Any,
    ) -> None:
        item_id = self.item(k)
        new_owner = owner if owner is UNSET else self.person(owner)
        item = self.model.items.get(item_id)
        dropped = item is not None and self.model.where[item_id].is_dropped
        moves = item is not None and new_owner is not UNSET and new_owner != item["owner"]
        error = first_error(
            None if title is None else text_error(title, MAX_TITLE),
            None if notes is None else notes_error(notes),
            None if effort is UNSET else effort_error(effort),
            NotFoundError if item is None else None,
            text_error(reason, MAX_NOTES) if reason is not None and dropped else None,
            NotFoundError
            if moves and new_owner is not None and new_owner not in self.model.people
            else None,
        )

        def effect(m: Model, change: Change) -> None:
            fields = m.items[item_id]
            if title is not None:
                fields["title"] = clean_line(title)
            if notes is not None:
                fields["notes"] = clean_multiline(notes)
            if effort is not UNSET:
                fields["effort"] = effort_value(effort)
            if reason is not None and dropped:
                fields["reason"] = clean_line(reason)
            if moves:
                m.order[fields["owner"]].remove(item_id)
                m.order[new_owner].append(item_id)
                fields["owner"] = new_owner
                if m.where[item_id].is_list:
                    m.where[item_id] = Place.of_list(new_owner)

        kwargs: dict[str, Any] = {"title": title, "notes": notes, "drop_reason": reason}
        if effort is not UNSET:
            kwargs["effort"] = effort
        if new_owner is not UNSET:
            kwargs["stakeholder_id"] = new_owner
        self.act(lambda: self.store.edit_item(item_id, **kwargs), error, effect)

    @rule(owners=st.lists(st.one_of(st.none(), PICK), min_size=1, max_size=4), title=TITLES)
    def add_items(self, owners: list[int | None], title: str) -> None:
        """Several items, one action each (so that there is something to move)."""
        for owner in owners:
            self.add_item(owner, title, "", None, None)

    @rule(k=PICK)
    def remove_item(self, k: int) -> None:
        item_id = self.item(k)

        def effect(m: Model, change: Change) -> None:
            m.leave(item_id)
            m.order[m.owner(item_id)].remove(item_id)
            del m.items[item_id], m.where[item_id]

        error = NotFoundError if item_id not in self.model.items else None
        self.act(lambda: self.store.remove_item(item_id), error, effect)

    @rule(k=PICK, b=PICK, index=INDEXES)
    def move_to_block(self, k: int, b: int, index: int | None) -> None:
        item_id, block_id = self.item(k), self.block(b)
        missing = item_id not in self.model.items or block_id not in self.model.block_info
        self.act(
            lambda: self.store.move_item(item_id, Place.block(block_id), index),
            NotFoundError if missing else None,
            lambda m, c: m.move(item_id, Place.block(block_id), index),
        )

    @rule(k=PICK, index=INDEXES, wrong=st.booleans())
    def move_to_own_list(self, k: int, index: int | None, wrong: bool) -> None:
        item_id = self.item(k)
        item = self.model.items.get(item_id)
        owner = item["owner"] if item else None
        if wrong:  # someone else's list: an item only ever goes back to its own
            owner = pick(self.model.people, 0) if owner is None else None
        target = Place.of_list(owner)
        error = NotFoundError if item is None else ValidationError if wrong else None
        self.act(
            lambda: self.store.move_item(item_id, target, index),
            error,
            lambda m, c: m.move(item_id, target, index),
        )

    @rule(k=PICK, index=INDEXES, any_item=st.booleans())
    def move_within_dropped(self, k: int, index: int | None, any_item: bool) -> None:
        dropped = self.model.dropped
        item_id = self.item(k) if any_item or not dropped else pick(dropped, k)
        error = (
            NotFoundError
            if item_id not in self.model.items
            else None
            if self.model.where[item_id].is_dropped
            else ValidationError  # into the dropped area only with a reason (drop_item)
        )
        self.act(
            lambda: self.store.move_item(item_id, Place.dropped(), index),
            error,
            lambda m, c: m.move(item_id, Place.dropped(), index),
        )

    @rule(k=PICK, delta=st.integers(-3, 3))
    def shift_item(self, k: int, delta: int) -> None:
        item_id = self.item(k)

        def effect(m: Model, change: Change) -> None:
            place = m.where[item_id]
            m.move(item_id, place, max(0, m.shown(place).index(item_id) + delta))

        error = NotFoundError if item_id not in self.model.items else None
        self.act(lambda: self.store.shift_item(item_id, delta), error, effect)

    @rule(k=PICK, reason=REASONS, index=INDEXES)
    def drop_item(self, k: int, reason: str, index: int | None) -> None:
        item_id = self.item(k)
        error = first_error(
            text_error(reason, MAX_NOTES),
            NotFoundError if item_id not in self.model.items else None,
        )

        def effect(m: Model, change: Change) -> None:
            if m.where[item_id].is_dropped:
                if index is not None:
                    m.enter(item_id, Place.dropped(), index)
            else:
                m.leave(item_id)
                m.enter(item_id, Place.dropped(), index)
            m.items[item_id]["reason"] = clean_line(reason)

        self.act(lambda: self.store.drop_item(item_id, reason, index), error, effect)

    @rule(k=PICK)
    def restore_item(self, k: int) -> None:
        item_id = self.item(k)

        def effect(m: Model, change: Change) -> None:
            m.move(item_id, Place.of_list(m.owner(item_id)), None)

        error = NotFoundError if item_id not in self.model.items else None
        self.act(lambda: self.store.restore_item(item_id), error, effect)

    # ------------------------------------------------------------------- blocks

    @rule(
        name=TITLES,
        description=NOTES,
        effort=EFFORTS,
        index=INDEXES,
        picks=st.lists(PICK, max_size=3),
    )
    def add_block(
        self, name: str, description: str, effort: Any, index: int | None, picks: list[int]
    ) -> None:
        item_ids = [self.item(k) for k in picks]
        error = first_error(
            text_error(name, MAX_NAME),
            notes_error(description),
            effort_error(effort),
            NotFoundError if any(i not in self.model.items for i in item_ids) else None,
        )

        def effect(m: Model, change: Change) -> None:
            new = change.block_id
            assert new is not None and new not in m.block_info
            at = len(m.blocks) if index is None else max(0, min(index, len(m.blocks)))
            m.blocks.insert(at, new)
            m.block_items[new] = []
            m.block_info[new] = {
                "name": clean_line(name),
                "description": clean_multiline(description),
                "effort": effort_value(effort),
            }
            for item_id in item_ids:
                m.leave(item_id)
                m.enter(item_id, Place.block(new), None)

        def call() -> Change:
            return self.store.add_block(self.q, name, description, effort, index, item_ids=item_ids)

        self.act(call, error, effect)

    @rule(
        b=PICK,
        name=st.one_of(st.none(), TITLES),
        description=st.one_of(st.none(), NOTES),
        effort=st.one_of(st.just(UNSET), EFFORTS),
    )
    def edit_block(self, b: int, name: str | None, description: str | None, effort: Any) -> None:
        block_id = self.block(b)
        error = first_error(
            None if name is None else text_error(name, MAX_NAME),
            None if description is None else notes_error(description),
            None if effort is UNSET else effort_error(effort),
            NotFoundError if block_id not in self.model.block_info else None,
        )

        def effect(m: Model, change: Change) -> None:
            info = m.block_info[block_id]
            if name is not None:
                info["name"] = clean_line(name)
            if description is not None:
                info["description"] = clean_multiline(description)
            if effort is not UNSET:
                info["effort"] = effort_value(effort)

        kwargs: dict[str, Any] = {"name": name, "description": description}
        if effort is not UNSET:
            kwargs["effort"] = effort
        self.act(lambda: self.store.edit_block(block_id, **kwargs), error, effect)

    @rule(b=PICK, index=st.integers(-2, 6), by_shift=st.booleans())
    def move_block(self, b: int, index: int, by_shift: bool) -> None:
        block_id = self.block(b)

        def effect(m: Model, change: Change) -> None:
            at = max(0, m.blocks.index(block_id) + index) if by_shift else index
            m.blocks.remove(block_id)
            m.blocks.insert(max(0, min(at, len(m.blocks))), block_id)

        call = (
            (lambda: self.store.shift_block(block_id, index))
            if by_shift
            else (lambda: self.store.move_block(block_id, index))
        )
        error = NotFoundError if block_id not in self.model.block_info else None
        self.act(call, error, effect)

    @rule(b=PICK)
    def delete_block(self, b: int) -> None:
        block_id = self.block(b)

        def effect(m: Model, change: Change) -> None:
            for item_id in list(m.block_items[block_id]):
                m.to_list(item_id)
            del m.block_items[block_id], m.block_info[block_id]
            m.blocks.remove(block_id)

        error = NotFoundError if block_id not in self.model.block_info else None
        self.act(lambda: self.store.delete_block(block_id), error, effect)

    # ------------------------------------------------------------- stakeholders

    @rule(name=NAMES, department=DEPARTMENTS)
    def add_stakeholder(self, name: str, department: str) -> None:
        error = first_error(
            text_error(name, MAX_NAME),
            department_error(department),
            ValidationError if self.clash(name) else None,
        )

        def effect(m: Model, change: Change) -> None:
            row = self.store.conn.execute(
                "SELECT id FROM stakeholders WHERE name = ?", (clean_line(name),)
            ).fetchone()
            assert row is not None and row[0] not in m.people
            m.people[row[0]] = {
                "name": clean_line(name),
                "department": clean_line(department),
            }
            m.order[row[0]] = []

        def call() -> Change:
            return self.store.add_stakeholder(name, department, quarter_id=self.q)

        self.act(call, error, effect)

    @rule(
        s=PICK,
        name=st.one_of(st.none(), NAMES),
        department=st.one_of(st.none(), DEPARTMENTS),
    )
    def edit_stakeholder(self, s: int, name: str | None, department: str | None) -> None:
        person = self.person(s)
        error = first_error(
            None if name is None else text_error(name, MAX_NAME),
            None if department is None else department_error(department),
            NotFoundError if person not in self.model.people else None,
            ValidationError if name is not None and self.clash(name, person) else None,
        )

        def effect(m: Model, change: Change) -> None:
            if name is not None:
                m.people[person or 0]["name"] = clean_line(name)
            if department is not None:
                m.people[person or 0]["department"] = clean_line(department)

        def call() -> Change:
            return self.store.edit_stakeholder(
                person or 0, name=name, department=department, quarter_id=self.q
            )

        self.act(call, error, effect)

    @rule(s=PICK)
    def remove_stakeholder(self, s: int) -> None:
        person = self.person(s)

        def effect(m: Model, change: Change) -> None:
            for item_id in m.order.pop(person):
                m.leave(item_id)
                del m.items[item_id], m.where[item_id]
            del m.people[person or 0]

        error = NotFoundError if person not in self.model.people else None
        self.act(lambda: self.store.remove_stakeholder(person or 0, self.q), error, effect)

    # -------------------------------------------------------- undo, redo, reopen

    @rule()
    def undo(self) -> None:
        self.healthy = False
        assert (self.store.undo_summary(self.q) is not None) == bool(self.history)
        events = last_event_id(self.store.conn)
        change = self.store.undo(self.q)
        if self.history:
            self.future.append(self.model)
            self.model = self.history.pop()
            assert change.summary.startswith("Undid: ") and change.event_id is not None
            assert last_event_id(self.store.conn) == events + 1
        else:
            assert change.summary == "Nothing to undo" and change.event_id is None
            assert last_event_id(self.store.conn) == events

    @rule()
    def redo(self) -> None:
        self.healthy = False
        assert (self.store.redo_summary(self.q) is not None) == bool(self.future)
        events = last_event_id(self.store.conn)
        change = self.store.redo(self.q)
        if self.future:
            self.history.append(self.model)
            self.model = self.future.pop()
            assert change.summary.startswith("Redid: ") and change.event_id is not None
            assert last_event_id(self.store.conn) == events + 1
        else:
            assert change.summary == "Nothing to redo" and change.event_id is None
            assert last_event_id(self.store.conn) == events

    @rule(redo=st.booleans(), k=st.integers(0, 20))
    def undo_after_a_change_by_hand(self, redo: bool, k: int) -> None:
        """Someone changes a row the next undo (or redo) would take back, by hand: the
        undo is refused with a ConflictError and changes nothing. Then the row is put
        back, by hand again."""
        self.healthy = False
        target = self._tamper_target(redo, k)
        if target is None:
            return
        table, pk, column, value = target
        key = PRIMARY_KEY.get(table, "id")
        tampered = (
            "changed by hand"
            if isinstance(value, str)
            else (value or 0) + 1000.5
            if column == "effort"
            else (value or 0) + 1000
        )
        by_hand(self.path, f"UPDATE {table} SET {column} = ? WHERE {key} = ?", tampered, pk)
        before = whole_file(self.store.conn)
        with pytest.raises(ConflictError, match=f"Can't {'redo' if redo else 'undo'} this"):
            (self.store.redo if redo else self.store.undo)(self.q)
        assert whole_file(self.store.conn) == before, "a refused undo changed the file"
        by_hand(self.path, f"UPDATE {table} SET {column} = ? WHERE {key} = ?", value, pk)

    def _tamper_target(self, redo: bool, k: int) -> tuple[str, Any, str, Any] | None:
        """A row and column the next undo (redo) checks before it changes anything."""
        row = self.store.conn.execute(
            "SELECT payload FROM events WHERE quarter_id = ? AND action NOT IN "
            "('undo', 'redo', 'timer') AND undone = ? ORDER BY id * ? LIMIT 1",
            (self.q, 1 if redo else 0, 1 if redo else -1),
        ).fetchone()
        if row is None or json.loads(row[0]).get("undoable", True) is False:
            return None
        changes = json.loads(row[0])["changes"]
        # The change that undo (redo) meets first for each row holds its current values.
        seen, found = set(), []
        for table, pk, before, after in changes if redo else reversed(changes):
            if (table, pk) in seen:
                continue
            seen.add((table, pk))
            values = before if redo else after
            for column in sorted(values or ()):
                if column in TAMPERABLE:
                    found.append((table, pk, column, values[column]))
        return found[k % len(found)] if found else None

    @rule()
    def the_board_loads_the_quarter(self) -> None:
        """As the board does on each load: the quarter is found in order (planboard's own
        actions keep it so), and from then on undo and redo trust it until another
        connection commits (a change by hand)."""
        self.healthy = False
        assert self.store.tidy(self.q) is None

    @rule()
    def close_and_reopen(self) -> None:
        self.healthy = False
        self.store.close()
        self.store = Store.open(self.path, clock=self.clock)
        assert not self.store.readonly, self.store.readonly_reason

    # --------------------------------------------------------------- invariants

    @invariant()
    def agrees_with_the_model(self) -> None:
        store = self.store
        assert_consistent(store)
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert_board_agrees(store, self.q)
        assert_file_is(store.conn, self.q, self.model)
        assert (store.undo_summary(self.q) is not None) == bool(self.history)
        assert (store.redo_summary(self.q) is not None) == bool(self.future)
        self.healthy = True

    def teardown(self) -> None:
        try:
            if self.healthy:  # a failed step is reported as it is, not as a later symptom
                self.check_the_log()
        finally:
            self.store.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def check_the_log(self) -> None:
        store = self.store
        assert_log_replays(store, self.start, self.start_event)
        # (a) undo everything: back to the state right after setup
        furthest = self.future[0] if self.future else self.model
        assert undo_everything(store, self.q) == len(self.history)
        assert table_rows(store.conn, UNDO_TABLES) == {t: self.start[t] for t in UNDO_TABLES}
        assert_consistent(store)
        # redo everything: the furthest state the session reached
        assert redo_everything(store, self.q) == len(self.history) + len(self.future)
        assert_file_is(store.conn, self.q, furthest)
        assert_consistent(store)
        # (b) the undo and redo events replay too
        assert_log_replays(store, self.start, self.start_event)


StoreMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestStoreModel = StoreMachine.TestCase


# ------------------------------------------------------------ a scripted session


def test_event_log_replays_a_scripted_session(tmp_path: Path) -> None:
    """The replay and undo-everything checks on a fixed session, easy to read."""
    path = tmp_path / "board.db"
    store, q, start, start_event = new_board(path)
    try:
        sales, service = sorted(start["stakeholders"])
        t1 = store.add_item(q, None, "Single customer view", "Who buys what").item_id or 0
        t2 = store.add_item(q, None, "Data quality alerts", effort="3").item_id or 0
        s1 = store.add_item(q, sales, "Pipeline by region").item_id or 0
        s2 = store.add_item(q, sales, "Win rate").item_id or 0
        v1 = store.add_item(q, service, "Ticket backlog").item_id or 0
        a = store.add_block(q, "Sales cockpit", "Sales decide faster", item_ids=[s1]).block_id
        assert a is not None
        store.move_item(t1, Place.block(a), 0)
        store.drop_item(t2, "Later")
        store.move_item(s2, Place.of_list(sales), 0)  # reorder on the list
        store.edit_item(s2, title="Win rate by segment", stakeholder_id=service)
        b = store.add_block(q, "Service", index=0, item_ids=[v1, t2]).block_id or 0
        store.shift_block(b, 1)
        store.undo(q)  # the shift
        store.undo(q)  # the new block
        store.redo(q)
        store.close()
        store = Store.open(path, clock=FixedClock())
        store.restore_item(t1)
        store.delete_block(a)
        store.remove_stakeholder(sales, q)
        store.add_stakeholder("Finance", "Fin", quarter_id=q)
        store.undo(q)
        with pytest.raises(ValidationError):
            store.move_item(v1, Place.team())
        assert_consistent(store)
        assert_log_replays(store, start, start_event)
        undo_everything(store, q)
        assert table_rows(store.conn, UNDO_TABLES) == {t: start[t] for t in UNDO_TABLES}
        assert_log_replays(store, start, start_event)
        redo_everything(store, q)
        assert [b.name for b in store.blocks(q)] == ["Service"]
        assert store.item(t2).block_id == b and store.item(s2).stakeholder_id == service
        # the undone "Finance" was still redoable: redoing everything brings it back
        assert {s.name for s in store.stakeholders(q)} == {"Customer Service Lead", "Finance"}
        assert_consistent(store)
        assert_log_replays(store, start, start_event)
    finally:
        store.close()
