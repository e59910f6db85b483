"""One write transaction: the rows it touches, recorded for the `events` row and the
repaint, and the rows of a decided quarter refused whichever command writes them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import NotFoundError, ReadOnlyError
from ..model import Block, Place, Quarter
from ..rows import QUARTER_COLUMNS
from ..rules import why_read_only

_PK = {"decisions": "quarter_id", "meetings": "quarter_id"}
# Actions that undo and redo step over: they neither undo nor end the redo stack.
TRANSPARENT = ("undo", "redo", "timer", "tidy")
_TRANSPARENT_SQL = "(" + ", ".join(f"'{a}'" for a in TRANSPARENT) + ")"
# Every new action ends the redo stack. By the index of the redoable events alone: the
# `+` keeps SQLite from the index of all of a quarter's events, which its statistics
# (a new board's: one event) can make it prefer, and which reads each of them, one more
# with every action.
END_REDO = "UPDATE events SET undone = 2 WHERE +quarter_id IS ? AND undone = 1"
REPLAY_BATCH = 500  # rows checked and written at once by a large undo or redo
Progress = Callable[[int, int], None]


# The column naming the quarter a row belongs to. Rows of a decided quarter are
# read-only; stakeholders are shared by every quarter, and events are the log itself.
_QUARTER_OF = {
    "quarters": "id",
    "items": "quarter_id",
    "blocks": "quarter_id",
    "decisions": "quarter_id",
    "meetings": "quarter_id",
    "attendance": "quarter_id",
    "votes": "quarter_id",
    "rejected_pairs": "quarter_id",
}


# The tables an event may change, and so the only ones undo and redo will touch.
_QUARTERS = f"SELECT {QUARTER_COLUMNS} FROM quarters"

UNDO_TABLES = frozenset(
    {
        "items",
        "blocks",
        "stakeholders",
        "quarters",
        "decisions",
        "meetings",
        "attendance",
        "votes",
        "rejected_pairs",
    }
)


class _Tx:
    """One write transaction: records row changes for the event and the repaint, and
    refuses to touch any row of a quarter that was decided when it began."""

    def __init__(self, conn: sqlite3.Connection, began: dict[int, Quarter] | None = None) -> None:
        self.conn = conn
        self.changes: list[list[Any]] = []
        self.places: set[Place] = set()
        self.blocks = False
        self.stakeholders = False
        self.quarters = False
        self.read_only: dict[int, Quarter] = {}
        # Blocks and dropped areas (quarter, place) known numbered 0..n-1 when the
        # transaction began, with n (a move's, from what the moves before it left: see
        # `_numbered`); and those it leaves so, moving an item out or in.
        self.in_order: dict[tuple[int, Place], int] = {}
        self.numbered: dict[tuple[int, Place], int] = {}
        # The blocks a move read (by id), and the quarters whose redo stack this
        # transaction has ended (`StoreCore._finish`): a move is given the last move's
        # when nothing has written to the file since (`StoreCore._move_tx`).
        self.blocks_read: dict[int, Block] = {}
        self.redo_ended: set[int | None] = set()
        # `PRAGMA data_version` and the connection's `total_changes` as a move's
        # transaction began (`StoreCore._move_tx`).
        self.seen: tuple[int, int] | None = None
        # Every quarter as it was when the transaction began (read once, here: the
        # commands' own check of their quarter takes it from this). `began`: as the
        # last move's transaction read them, nothing having written since.
        if began is None:
            began = {}
            for row in conn.execute(_QUARTERS):
                quarter = Quarter(*row)
                began[quarter.id] = quarter
        self.began: dict[int, Quarter] = began
        for quarter in began.values():
            if why_read_only(quarter):
                self.read_only[quarter.id] = quarter

    def reopening(self, quarter_id: int) -> None:
        """Withdrawing a decision, on purpose, is the one write a decided quarter takes."""
        self.read_only.pop(quarter_id, None)

    def _guard(self, table: str, *rows: dict[str, Any] | None) -> None:
        column = _QUARTER_OF.get(table)
        if column is None or not self.read_only:
            return
        for row in rows:
            key = row.get(column) if row is not None else None
            quarter = self.read_only.get(key) if isinstance(key, int) else None
            if quarter is not None:
                raise ReadOnlyError(why_read_only(quarter))

    def row(self, table: str, pk: Any) -> dict[str, Any] | None:
        cursor = self.conn.execute(f"SELECT * FROM {table} WHERE {_PK.get(table, 'id')} = ?", (pk,))
        values = cursor.fetchone()
        if values is None:
            return None
        return {d[0]: v for d, v in zip(cursor.description, values, strict=True)}

    def _touch(
        self, table: str, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        if table == "items":
            for row in (before, after):
                if row is not None:
                    self.places.add(
                        Place.where(
                            row.get("status"), row.get("block_id"), row.get("stakeholder_id")
                        )
                    )
        elif table == "blocks":
            self.blocks = True
            for row in (before, after):
                if row is not None and row.get("id") is not None:
                    self.places.add(Place.block(row["id"]))
        elif table == "stakeholders":
            self.stakeholders = True
        elif table in ("quarters", "decisions"):
            self.quarters = True

    def insert(self, table: str, values: dict[str, Any]) -> int:
        self._guard(table, values)
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())
        )
        pk = values.get(_PK.get(table, "id"), cursor.lastrowid)
        after = self.row(table, pk)
        self.changes.append([table, pk, None, after])
        self._touch(table, None, after)
        return int(pk) if pk is not None else 0

    def update(
        self, table: str, pk: Any, values: dict[str, Any], full: dict[str, Any] | None = None
    ) -> bool:
        """Set `values` on one row; record only the columns that really change.
        `full`: the row's columns as the file holds them, read in this transaction
        before anything wrote to that row (the ones in `values`, its quarter and its
        place at least; else the row is read again)."""
        if full is None or not full.keys() >= values.keys():
            full = self.row(table, pk)
        if full is None:
            raise NotFoundError(f"That {table[:-1]} no longer exists.")
        self._guard(table, full, values)
        before = {k: full[k] for k in values if full[k] != values[k]}
        if not before:
            return False
        after = {k: values[k] for k in before}
        assignments = ", ".join(f"{k} = ?" for k in after)
        self.conn.execute(
            f"UPDATE {table} SET {assignments} WHERE {_PK.get(table, 'id')} = ?",
            (*after.values(), pk),
        )
        self.changes.append([table, pk, before, after])
        self._touch(table, full, {**full, **after})
        return True

    def delete(self, table: str, pk: Any) -> None:
        before = self.row(table, pk)
        if before is None:
            return
        self._guard(table, before)
        self.conn.execute(f"DELETE FROM {table} WHERE {_PK.get(table, 'id')} = ?", (pk,))
        self.changes.append([table, pk, before, None])
        self._touch(table, before, None)

    def insert_many(
        self,
        table: str,
        rows: Sequence[dict[str, Any]],
        progress: Callable[[int, int], None] | None = None,
    ) -> list[int]:
        """Insert rows of one shape (an import) with sqlite-utils' `insert_all`, a batch
        at a time inside this transaction (it nests a savepoint), then read them back
        whole for the record, in id order: the new rows are the ones above the table's
        largest id before (ids only grow, and nobody else writes meanwhile)."""
        if not rows:
            return []
        from ..db import wrap

        key = _PK.get(table, "id")
        before = self.conn.execute(f"SELECT COALESCE(MAX({key}), 0) FROM {table}").fetchone()[0]
        target = wrap(self.conn).table(table)
        for start in range(0, len(rows), REPLAY_BATCH):
            target.insert_all(rows[start : start + REPLAY_BATCH], alter=False)
            if progress is not None:
                progress(min(start + REPLAY_BATCH, len(rows)), len(rows))
        cursor = self.conn.execute(
            f"SELECT * FROM {table} WHERE {key} > ? ORDER BY {key}", (before,)
        )
        names = [d[0] for d in cursor.description]
        at = names.index(key)
        recorded = [(values[at], None, dict(zip(names, values, strict=True))) for values in cursor]
        if len(recorded) != len(rows):  # (it would mean another writer: never in a write)
            raise sqlite3.IntegrityError(f"{len(rows)} rows inserted, {len(recorded)} found")
        self.record_many(table, recorded)
        return [pk for pk, _, _ in recorded]

    def record_many(
        self, table: str, rows: Sequence[tuple[Any, dict[str, Any] | None, dict[str, Any] | None]]
    ) -> None:
        """Record rows inserted or deleted in bulk (pk, before, after): the places they
        touch are worked out once per kind of place, not once per row."""
        column = _QUARTER_OF.get(table)
        if column is not None and self.read_only:
            quarters = {r.get(column) for _, before, after in rows for r in (before, after) if r}
            self._guard(table, *({column: q} for q in quarters))
        self.changes.extend([table, pk, before, after] for pk, before, after in rows)
        if table != "items":
            for _, before, after in rows:
                self._touch(table, before, after)
            return
        places = {
            (r.get("status"), r.get("block_id"), r.get("stakeholder_id"))
            for _, before, after in rows
            for r in (before, after)
            if r is not None
        }
        for status, block_id, owner in places:
            self.places.add(Place.where(status, block_id, owner))

    def renumber(
        self, table: str, column: str, rows: Sequence[tuple[int, int | None]], place: Place | None
    ) -> None:
        """Give `rows` (id, current value) the values 0..n-1 in the order given."""
        updates = []
        for index, (pk, current) in enumerate(rows):
            if current != index:
                self.changes.append([table, pk, {column: current}, {column: index}])
                updates.append((index, pk))
        if updates:
            if self.read_only and table in _QUARTER_OF:
                marks = ", ".join("?" for _ in updates)
                found = self.conn.execute(
                    f"SELECT DISTINCT {_QUARTER_OF[table]} FROM {table} WHERE id IN ({marks})",
                    [pk for _, pk in updates],
                )
                self._guard(table, *({_QUARTER_OF[table]: q} for (q,) in found))
            self.conn.executemany(f"UPDATE {table} SET {column} = ? WHERE id = ?", updates)
            if place is not None:
                self.places.add(place)
            if table == "blocks":
                self.blocks = True
