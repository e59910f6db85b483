"""The store: the only code that reads and writes a board file.

Every user action is one `BEGIN IMMEDIATE` transaction that also appends one row to
`events`. The event's payload holds the before and after of every row the action
touched, which is what undo and redo apply (after checking that the rows still hold
what the action left there, so an undo never overwrites someone else's change).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .backup import (
    backup_board,
    backups_of,
    board_id_of,
    check_backup,
    restore_into,
    write_copy,
)
from .clock import SYSTEM_CLOCK, Clock
from .db import (
    Opened,
    clear_wal_owner,
    migrate,
    note_wal_owner,
    open_board_file,
    reopen_writable,
    tidy_after_reading,
    wrap,
)
from .errors import (
    BusyError,
    ConflictError,
    CorruptBoardError,
    NotFoundError,
    PlanboardError,
    ReadOnlyError,
    ValidationError,
)
from .lock import OTHER_WRITER
from .model import (
    MAX_NAME,
    MAX_NOTES,
    MAX_TITLE,
    QUARTER_NAME,
    STAKEHOLDER_COLOURS,
    Block,
    Board,
    Change,
    CutOff,
    Decision,
    Event,
    ImportItem,
    Item,
    Meeting,
    Place,
    Quarter,
    Stakeholder,
    quarter_of,
)
from .rows import (
    BLOCK_COLUMNS,
    DECISION_COLUMNS,
    EVENT_COLUMNS,
    FAR,
    ITEM_COLUMNS,
    MEETING_COLUMNS,
    QUARTER_COLUMNS,
    STAKEHOLDER_COLUMNS,
    dump_payload,
    integer,
    load_payload,
    problems,
    seconds,
    utc_stamp,
)
from .rules import move_verdict, why_read_only
from .text import clean_line, clean_multiline

if TYPE_CHECKING:
    from sqlite_utils import Database

_PK = {"decisions": "quarter_id", "meetings": "quarter_id"}
# Actions that undo and redo step over: they neither undo nor end the redo stack.
TRANSPARENT = ("undo", "redo", "timer", "tidy")
_TRANSPARENT_SQL = "(" + ", ".join(f"'{a}'" for a in TRANSPARENT) + ")"
_UNSET: Any = object()
REPLAY_BATCH = 500  # rows checked and written at once by a large undo or redo
Progress = Callable[[int, int], None]


def _quote(text: str, limit: int = 40) -> str:
    """A title for a one-line summary: quoted, shortened."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"“{text}”"


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


def _or_far(position: int | None) -> int:
    return FAR if position is None else position


def _event(row: Sequence[Any]) -> Event:
    """An events row; a payload another program damaged reads as empty, and says why."""
    payload, problem = load_payload(row[6])
    return Event(row[0], row[1], row[2], row[3], row[4], bool(row[5]), payload, problem)


# The tables an event may change, and so the only ones undo and redo will touch.
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

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.changes: list[list[Any]] = []
        self.places: set[Place] = set()
        self.blocks = False
        self.stakeholders = False
        self.quarters = False
        self.read_only: dict[int, Quarter] = {}
        for row in conn.execute(f"SELECT {QUARTER_COLUMNS} FROM quarters"):
            quarter = Quarter(*row)
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

    def update(self, table: str, pk: Any, values: dict[str, Any]) -> bool:
        """Set `values` on one row; record only the columns that really change."""
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
        """Insert rows of one shape (an import): each is recorded as `insert` records
        it, the whole rows read back in batches rather than one query per row."""
        if not rows:
            return []
        columns = ", ".join(rows[0])
        marks = ", ".join("?" for _ in rows[0])
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        ids = []
        for start in range(0, len(rows), REPLAY_BATCH):
            for row in rows[start : start + REPLAY_BATCH]:
                ids.append(self.conn.execute(sql, tuple(row.values())).lastrowid or 0)
            if progress is not None:
                progress(len(ids), len(rows))
        key = _PK.get(table, "id")
        recorded = []
        for start in range(0, len(ids), REPLAY_BATCH):
            chunk = ids[start : start + REPLAY_BATCH]
            cursor = self.conn.execute(
                f"SELECT * FROM {table} WHERE {key} IN ({', '.join('?' for _ in chunk)})", chunk
            )
            names = [d[0] for d in cursor.description]
            found = {values[0]: dict(zip(names, values, strict=True)) for values in cursor}
            recorded += [(pk, None, found[pk]) for pk in chunk]
        self.record_many(table, recorded)
        return ids

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


def _stamp(moment: datetime) -> str:
    """A moment as the countdown stores it (UTC, to the millisecond)."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _reads(method: Callable[..., Any]) -> Callable[..., Any]:
    """A read that meets a damaged or busy file raises a `PlanboardError` with a
    message, never a raw sqlite3 error."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return method(self, *args, **kwargs)
            except sqlite3.OperationalError as error:
                if not self._tolerate_bad_text(error):
                    raise
                return method(self, *args, **kwargs)
        except sqlite3.Error as error:
            raise Store._translate(error, reading=True) from error

    return wrapper


def _tolerant_text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


reads = _reads
"""For code outside the store that reads through `store.conn`: a damaged or busy file
raises a `PlanboardError` with a message, never a raw sqlite3 error."""
SIDECARS = ("-wal", "-shm")


def _identity(path: Path) -> tuple[int, int] | None:
    """The device and inode a path names now (None if it names nothing)."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


class Store:
    """A board file, open. Reads return domain objects; writes return a `Change`."""

    def __init__(self, opened: Opened, clock: Clock = SYSTEM_CLOCK) -> None:
        self._opened = opened
        self.conn: sqlite3.Connection = opened.conn
        self._db: Database | None = None
        self.path = opened.path
        self.readonly = opened.readonly
        self.readonly_reason = opened.readonly_reason
        self.created = opened.created
        self.clock = clock  # the one clock: stamps, the first quarter, the countdown
        self._table_columns: dict[str, frozenset[str]] = {}
        self._checked_keys: dict[tuple[str, ...], bool] = {}
        # What the path named when it was opened: if it names another file later (the
        # file replaced, or removed with its folder), nothing more is written to it.
        self._identity = _identity(self.path)
        self._sidecars = {
            end: _identity(self.path.with_name(self.path.name + end)) for end in SIDECARS
        }
        self.lost = ""
        self._wrote = False
        # Meaning vectors computed before this planboard wrote anything (see
        # `save_item_vectors`): item id to (item id, hash, vector).
        self._pending_vectors: dict[int, tuple[int, str, bytes]] = {}
        self._owner_noted = "" if self.readonly else note_wal_owner(self.path)

    def now(self) -> datetime:
        """The current moment on this store's clock."""
        return self.clock.now()

    @property
    def db(self) -> Database:
        """The file through sqlite-utils (for schema work, imports and exports)."""
        if self._db is None:
            self._db = wrap(self.conn)
        return self._db

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        create: bool = True,
        readonly: bool = False,
        clock: Clock = SYSTEM_CLOCK,
        first_quarter: str | None = None,
    ) -> Store:
        """Open (or create) a board file. A new board gets a first quarter."""
        store = cls(open_board_file(path, create=create, readonly=readonly), clock)
        if store.created and not store.quarters():
            now = store.now()
            name = first_quarter or quarter_of(now.year, now.month)
            with store._write() as tx:
                quarter_id = tx.insert(
                    "quarters",
                    {
                        "name": name,
                        "status": "preparing",
                        "vision": "",
                        "created_at": store.clock(),
                    },
                )
                store._finish(
                    tx,
                    "create_board",
                    f"Created the board with {name}",
                    quarter_id,
                    undoable=False,
                )
        return store

    def close(self) -> None:
        if self.conn is None:
            return
        self.check_file()
        readonly, conn, self.conn = self.readonly, self.conn, None  # type: ignore[assignment]
        if self._wrote and not readonly:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA optimize")  # only after changes: opening writes nothing
        conn.close()
        clear_wal_owner(self.path, self._owner_noted)
        if self._opened.lock is not None:  # after SQLite has let go of the file
            self._opened.lock.release()
        if readonly and not self.lost:
            tidy_after_reading(self._opened)

    # ------------------------------------------------------------- the file itself

    def check_file(self) -> str:
        """Whether the path still names the file that was opened ("" if it does).

        Once it does not — the file replaced (`mv other.db b.db`), or removed with its
        folder — the board is read-only for good and this says why: writing on would
        report changes done that nobody will ever see, or damage the file that took its
        place. The `-wal` and `-shm` this board was using are moved aside at once, so the
        file now at the path never reads them as its own.
        """
        if self.lost or self.conn is None:
            return self.lost
        now = _identity(self.path)
        if now == self._identity:
            return ""
        name = self.path.name
        if now is None and not self.path.parent.exists():
            reason = f"its folder was removed, with {name}, while it was open"
        elif now is None:
            reason = f"{name} was removed while it was open"
        else:
            reason = f"{name} was replaced by another file while it was open"
        self.lost = reason
        self.readonly, self.readonly_reason = True, f"{reason}; nothing more is saved to it"
        if now is not None:
            self._move_sidecars_aside()
        return reason

    def _move_sidecars_aside(self) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        for end, mine in self._sidecars.items():
            sidecar = self.path.with_name(self.path.name + end)
            if mine is None or _identity(sidecar) != mine:
                continue  # not ours (the other file's own, or none)
            try:
                if end == "-shm":
                    sidecar.unlink()  # an index SQLite rebuilds; ours stays mapped
                else:
                    sidecar.rename(sidecar.with_name(f"{sidecar.name}.replaced-{stamp}"))
            except OSError:
                pass

    def save_copy(self, dest: str | os.PathLike[str]) -> Path:
        """Write the board as this planboard has it to a new file (SQLite's backup API
        from the open connection: it works even when the file was replaced or removed).
        Refuses an existing file. Returns the path written."""
        target = Path(dest).expanduser()
        if target.exists() or target.is_symlink():
            raise PlanboardError(f"{target} already exists; choose a new file name.")
        if not target.parent.is_dir():
            raise PlanboardError(
                f"Cannot write {target}: the folder {target.parent} does not exist."
            )
        try:
            return write_copy(self.conn, target)
        except FileExistsError as error:
            raise PlanboardError(f"{target} already exists; choose a new file name.") from error
        except (OSError, sqlite3.Error) as error:
            message = getattr(error, "strerror", None) or str(error)
            raise PlanboardError(f"Could not write {target}: {message}.") from error

    def board_id(self) -> str | None:
        """The board's identity, carried by its backups."""
        return board_id_of(self.conn)

    def backups(self) -> list[Path]:
        """This board's backups, oldest first."""
        return backups_of(self.path, self.board_id())

    def restore(self, backup: Path) -> Path:
        """Replace the board with one of its backups, after backing up the board as it
        is now. Returns that new backup. The undo history is the backup's. A backup of
        another board is refused; one from an older planboard is upgraded once restored
        (and keeps this board's identity)."""
        self.check_file()
        if self.readonly:
            raise ReadOnlyError(why_read_only(None, file_reason=self.readonly_reason))
        identity = self.board_id()
        try:
            theirs = check_backup(backup, identity, self.path)
        except PlanboardError as error:
            raise PlanboardError(f"That backup can't be restored: {error}") from error
        try:
            safety = backup_board(self.conn, self.path, "before-restore")
            restore_into(self.conn, backup)
            migrate(self.conn, self.path)
            if theirs is None and identity is not None:
                self.conn.execute(
                    "UPDATE settings SET value = ? WHERE key = 'board_id'", (identity,)
                )
        except (OSError, sqlite3.Error, PlanboardError) as error:
            raise PlanboardError(f"Could not restore {backup.name}: {error}.") from error
        return safety

    @property
    def viewer(self) -> bool:
        """Open read-only only because another planboard is editing the file."""
        return self.readonly and self.readonly_reason == OTHER_WRITER

    def take_over(self) -> bool:
        """A viewer becomes the writer if the other planboard has closed (or died)."""
        if not self.viewer or self.check_file():
            return False
        opened = reopen_writable(self._opened)
        if opened is None:
            return False
        self._opened = opened
        self.conn = opened.conn
        self._db = None
        self.readonly, self.readonly_reason = False, ""
        self._sidecars = {
            end: _identity(self.path.with_name(self.path.name + end)) for end in SIDECARS
        }
        self._owner_noted = note_wal_owner(self.path)
        return True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --------------------------------------------------------------- transactions

    @contextmanager
    def _write(self) -> Iterator[_Tx]:
        """One user action: `BEGIN IMMEDIATE` ... `COMMIT`, rolled back on any error.

        sqlite-utils' own `atomic()` starts a deferred transaction; a read-then-write
        needs the write lock up front, or it fails on meeting another writer.
        """
        if self.check_file():
            raise ReadOnlyError(f"Not saved: {self.readonly_reason}.")
        if self.readonly:
            raise ReadOnlyError(why_read_only(None, file_reason=self.readonly_reason))
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise self._translate(error) from error
        try:
            yield _Tx(self.conn)
        except BaseException as error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                raise self._translate(error) from error
            raise
        try:
            if self._pending_vectors:  # the cache held back until a first write
                self.conn.executemany(
                    "INSERT OR REPLACE INTO item_vectors (item_id, hash, vector) "
                    "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM items WHERE id = ?1)",
                    list(self._pending_vectors.values()),
                )
            self.conn.execute("COMMIT")
        except sqlite3.Error as error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise self._translate(error) from error
        self._pending_vectors.clear()
        self._wrote = True

    @staticmethod
    def _translate(error: sqlite3.Error, *, reading: bool = False) -> PlanboardError:
        message = str(error)
        if reading:
            if "locked" in message or "busy" in message:
                return BusyError("The board file is busy; try again in a moment.")
            return CorruptBoardError(f"The board file can't be read: {message}.")
        if "locked" in message or "busy" in message:
            return BusyError(
                "The board file is busy: another program is writing to it. Nothing was "
                "changed; try again in a moment."
            )
        if "full" in message:
            return PlanboardError("Could not save: the disk is full. Nothing was changed.")
        if "readonly" in message or "read-only" in message:
            return ReadOnlyError("Could not save: the file has become read-only.")
        if isinstance(error, sqlite3.IntegrityError):
            return ConflictError(f"That change conflicts with the board's data ({message}).")
        return PlanboardError(f"Could not save: {message}. Nothing was changed.")

    def _finish(
        self,
        tx: _Tx,
        action: str,
        summary: str,
        quarter_id: int | None,
        *,
        item_id: int | None = None,
        block_id: int | None = None,
        undoable: bool = True,
        extra: dict[str, Any] | None = None,
    ) -> Change:
        """Append the action's `events` row (if it changed anything) and describe it."""
        event_id = None
        if tx.changes or not undoable:
            payload: dict[str, Any] = {"changes": tx.changes}
            if item_id is not None:
                payload["item_id"] = item_id
            if block_id is not None:
                payload["block_id"] = block_id
            if not undoable:
                payload["undoable"] = False
            if extra:
                payload.update(extra)
            if action not in TRANSPARENT:
                # A new action ends the redo stack: what was undone can't come back.
                self.conn.execute(
                    "UPDATE events SET undone = 2 WHERE quarter_id IS ? AND undone = 1",
                    (quarter_id,),
                )
            cursor = self.conn.execute(
                "INSERT INTO events (at, quarter_id, action, summary, payload) "
                "VALUES (?, ?, ?, ?, ?)",
                (self.clock(), quarter_id, action, summary, dump_payload(payload)),
            )
            event_id = cursor.lastrowid
        return Change(
            summary=summary if tx.changes or not undoable else "Nothing to change",
            places=frozenset(tx.places),
            blocks=tx.blocks,
            stakeholders=tx.stakeholders,
            quarters=tx.quarters,
            item_id=item_id,
            block_id=block_id,
            quarter_id=quarter_id,
            event_id=event_id,
            action=action,
        )

    def _check_quarter_writable(self, quarter_id: int) -> Quarter:
        """Refuse early, before any validation, on a quarter that can't be changed (the
        write transaction refuses it in any case, row by row)."""
        quarter = self.quarter(quarter_id)
        reason = why_read_only(quarter)
        if reason:
            raise ReadOnlyError(reason)
        return quarter

    # ----------------------------------------------------------------------- reads

    @_reads
    def quarters(self) -> list[Quarter]:
        """All quarters, oldest first."""
        rows = self.conn.execute(f"SELECT {QUARTER_COLUMNS} FROM quarters ORDER BY name")
        return [Quarter(*row) for row in rows]

    @_reads
    def quarter(self, quarter_id: int) -> Quarter:
        row = self.conn.execute(
            f"SELECT {QUARTER_COLUMNS} FROM quarters WHERE id = ?", (quarter_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError("That quarter no longer exists.")
        return Quarter(*row)

    @_reads
    def quarter_by_name(self, name: str) -> Quarter:
        row = self.conn.execute(
            f"SELECT {QUARTER_COLUMNS} FROM quarters WHERE name = ?",
            (name.strip().upper().replace(" ", ""),),
        ).fetchone()
        if row is None:
            known = ", ".join(q.name for q in self.quarters()) or "none"
            raise NotFoundError(f"There is no quarter {name!r} (quarters: {known}).")
        return Quarter(*row)

    @_reads
    def default_quarter(self) -> Quarter:
        """The newest quarter that is not decided, else the newest one."""
        quarters = self.quarters()
        if not quarters:
            raise NotFoundError("This board has no quarter yet.")
        open_ones = [q for q in quarters if not q.is_decided]
        return (open_ones or quarters)[-1]

    @_reads
    def stakeholders(self, quarter_id: int | None = None) -> list[Stakeholder]:
        """Stakeholders shown on a quarter's board: the active ones, plus any archived
        one who has items in that quarter. Without a quarter: everyone."""
        if quarter_id is None:
            sql = f"SELECT {STAKEHOLDER_COLUMNS} FROM stakeholders ORDER BY name COLLATE NOCASE"
            rows = self.conn.execute(sql)
        else:
            # A decided quarter shows who was a stakeholder then, not who came later.
            sql = (
                f"SELECT {STAKEHOLDER_COLUMNS} FROM stakeholders WHERE "
                "(archived = 0 AND created_at <= COALESCE("
                "(SELECT decided_at FROM decisions WHERE quarter_id = ?), '9999')) "
                "OR id IN (SELECT stakeholder_id FROM items WHERE quarter_id = ?) "
                "ORDER BY name COLLATE NOCASE"
            )
            rows = self.conn.execute(sql, (quarter_id, quarter_id))
        return [Stakeholder(r[0], r[1], r[2], bool(r[3]), r[4] or "") for r in rows]

    @_reads
    def stakeholder(self, stakeholder_id: int) -> Stakeholder:
        row = self.conn.execute(
            f"SELECT {STAKEHOLDER_COLUMNS} FROM stakeholders WHERE id = ?", (stakeholder_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError("That stakeholder no longer exists.")
        return Stakeholder(row[0], row[1], row[2], bool(row[3]), row[4] or "")

    @_reads
    def blocks(self, quarter_id: int) -> list[Block]:
        rows = self.conn.execute(
            f"SELECT {BLOCK_COLUMNS} FROM blocks WHERE quarter_id = ? ORDER BY position, id",
            (quarter_id,),
        )
        return [Block(*row) for row in rows]

    @_reads
    def block(self, block_id: int) -> Block:
        row = self.conn.execute(
            f"SELECT {BLOCK_COLUMNS} FROM blocks WHERE id = ?", (block_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError("That block no longer exists.")
        return Block(*row)

    @_reads
    def item(self, item_id: int) -> Item:
        row = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError("That item no longer exists.")
        return Item(*row)

    @_reads
    def items_at(self, quarter_id: int, place: Place) -> list[Item]:
        """The items a place shows, in order."""
        if place.is_list:
            sql = (
                f"SELECT {ITEM_COLUMNS} FROM items WHERE quarter_id = ? AND stakeholder_id IS ? "
                "AND block_id IS NULL AND status = 'open' AND merged_into IS NULL "
                "ORDER BY position, id"
            )
            rows = self.conn.execute(sql, (quarter_id, place.ref))
        elif place.is_block:
            sql = f"SELECT {ITEM_COLUMNS} FROM items WHERE block_id = ? ORDER BY place_position, id"
            rows = self.conn.execute(sql, (place.ref,))
        else:
            sql = (
                f"SELECT {ITEM_COLUMNS} FROM items WHERE quarter_id = ? AND status = 'dropped' "
                "ORDER BY place_position, id"
            )
            rows = self.conn.execute(sql, (quarter_id,))
        return [Item(*row) for row in rows]

    def _tolerate_bad_text(self, error: sqlite3.Error) -> bool:
        """Text another program stored as TEXT that is not UTF-8 can't be decoded: from
        then on this connection reads it with the bad bytes shown as �. True if that is
        what `error` was (and the read is worth trying again)."""
        if "decode" not in str(error) or self.conn.text_factory is _tolerant_text:
            return False
        self.conn.text_factory = _tolerant_text
        return True

    @_reads
    def item_ids_at(self, quarter_id: int, place: Place) -> list[int]:
        """The ids of the items a list shows, in order: what a screen that holds the
        items already needs to put them in the file's order (no item is built)."""
        if not place.is_list:
            raise ValueError(
                "item_ids_at reads lists; blocks and the dropped area are "
                "kept in order by their place_position"
            )
        rows = self.conn.execute(
            "SELECT id FROM items WHERE quarter_id = ? AND stakeholder_id IS ? "
            "AND block_id IS NULL AND status = 'open' AND merged_into IS NULL "
            "ORDER BY position, id",
            (quarter_id, place.ref),
        )
        return [row[0] for row in rows]

    def board(self, quarter_id: int) -> Board:
        """Everything a quarter's board shows, in three queries."""
        try:
            try:
                return self._board(quarter_id)
            except sqlite3.OperationalError as error:
                if not self._tolerate_bad_text(error):
                    raise
                return self._board(quarter_id)
        except sqlite3.DatabaseError as error:
            raise CorruptBoardError(
                f"{self.path.name} can't be read: {error}. Restore a backup "
                "(planboard restore) or open a copy."
            ) from error

    def _board(self, quarter_id: int) -> Board:
        quarter = self.quarter(quarter_id)
        stakeholders = self.stakeholders(quarter_id)
        blocks = self.blocks(quarter_id)
        places: dict[Place, list[Item]] = {Place.team(): []}
        for stakeholder in stakeholders:
            places[Place.of_list(stakeholder.id)] = []
        for block in blocks:
            places[Place.block(block.id)] = []
        places[Place.dropped()] = []
        rows = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE quarter_id = ? ORDER BY position, id",
            (quarter_id,),
        )
        merged: dict[int, list[Item]] = {}
        for row in rows:
            item = Item(*row)
            if item.merged_into is not None:
                merged.setdefault(item.merged_into, []).append(item)
            else:
                places.setdefault(item.place, []).append(item)
        for place, items in places.items():
            if not place.is_list:
                items.sort(key=lambda i: (_or_far(i.place_position), i.id))
        return Board(quarter, stakeholders, blocks, places, merged)

    @_reads
    def decision(self, quarter_id: int) -> Decision | None:
        row = self.conn.execute(
            f"SELECT {DECISION_COLUMNS} FROM decisions WHERE quarter_id = ?",
            (quarter_id,),
        ).fetchone()
        return Decision(*row) if row else None

    @_reads
    def events(self, quarter_id: int | None = None, limit: int = 200) -> list[Event]:
        """The newest events first (of one quarter, or of the whole file)."""
        sql = f"SELECT {EVENT_COLUMNS} FROM events"
        args: tuple[Any, ...] = ()
        if quarter_id is not None:
            sql += " WHERE quarter_id = ?"
            args = (quarter_id,)
        sql += " ORDER BY id DESC LIMIT ?"
        rows = self.conn.execute(sql, (*args, limit))
        return [_event(row) for row in rows]

    @_reads
    def last_event_id(self) -> int:
        """The newest event's id: it changes with every action, from any screen."""
        return int(self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])

    @_reads
    def setting(self, key: str, default: str = "") -> str:
        """A board-wide setting (the `settings` table), or `default` when unset."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None or not isinstance(row[0], str) else row[0]

    def set_setting(self, key: str, value: str) -> None:
        """Remember a board-wide preference (the theme, say). Not an action of the
        board: it is not in the history and undo does not step over it."""
        with self._write():
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, clean_line(value)),
            )

    @_reads
    def data_version(self) -> int:
        """Changes when another connection commits to the file (cheap to poll)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    # ------------------------------------------------------------- validation

    @staticmethod
    def _title(value: str, what: str = "title", limit: int = MAX_TITLE) -> str:
        text = clean_line(value)
        if not text:
            raise ValidationError(f"The {what} can't be empty.")
        if len(text) > limit:
            raise ValidationError(
                f"The {what} is {len(text)} characters long; keep it to {limit} or fewer."
            )
        return text

    @staticmethod
    def _optional_line(value: str | None, what: str, limit: int = MAX_NAME) -> str:
        text = clean_line(value)
        if len(text) > limit:
            raise ValidationError(
                f"The {what} is {len(text)} characters long; keep it to {limit} or fewer."
            )
        return text

    @staticmethod
    def _notes(value: str | None, what: str = "notes") -> str:
        text = clean_multiline(value)
        if len(text) > MAX_NOTES:
            raise ValidationError(
                f"The {what} are {len(text)} characters long; keep them to {MAX_NOTES} or fewer."
            )
        return text

    @staticmethod
    def _effort(value: float | str | None) -> float | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationError(f"Effort must be a number of days, not {value!r}.") from None
        if not (0 <= number <= 10000) or number != number:
            raise ValidationError("Effort must be between 0 and 10000 days.")
        return number

    # ------------------------------------------------------ ordering helpers

    def _list_rows(
        self, quarter_id: int, stakeholder_id: int | None
    ) -> list[tuple[int, int, bool]]:
        """The whole list (id, position, shown on the list), in order."""
        rows = self.conn.execute(
            "SELECT id, position, block_id IS NULL AND status = 'open' AND merged_into IS NULL "
            "FROM items "
            "WHERE quarter_id = ? AND stakeholder_id IS ? ORDER BY position, id",
            (quarter_id, stakeholder_id),
        )
        return [(r[0], r[1], bool(r[2])) for r in rows]

    def _place_rows(self, quarter_id: int, place: Place) -> list[tuple[int, int | None]]:
        """A block's or the dropped area's items (id, place_position), in order."""
        if place.is_block:
            rows = self.conn.execute(
                "SELECT id, place_position FROM items WHERE block_id = ? "
                "ORDER BY place_position, id",
                (place.ref,),
            )
        else:
            rows = self.conn.execute(
                "SELECT id, place_position FROM items WHERE quarter_id = ? AND status = 'dropped' "
                "ORDER BY place_position, id",
                (quarter_id,),
            )
        return [(r[0], r[1]) for r in rows]

    def _leave(self, tx: _Tx, item: Item) -> None:
        """Close the gap an item leaves in its block or the dropped area."""
        place = item.place
        if place.is_list:
            return
        rows = [r for r in self._place_rows(item.quarter_id, place) if r[0] != item.id]
        tx.renumber("items", "place_position", rows, place)

    def _enter(
        self, tx: _Tx, item: Item, place: Place, index: int | None, values: dict[str, Any]
    ) -> int:
        """Put an item into a block or the dropped area at `index` (end if None)."""
        rows = [r for r in self._place_rows(item.quarter_id, place) if r[0] != item.id]
        index = len(rows) if index is None else max(0, min(index, len(rows)))
        tx.update("items", item.id, {**values, "place_position": index})
        others = [*rows[:index], (item.id, index), *rows[index:]]
        tx.renumber("items", "place_position", [r for r in others], place)
        return index

    def _reorder_list(self, tx: _Tx, item: Item, index: int) -> None:
        """Move an item to the `index`-th shown position of its own list."""
        rows = self._list_rows(item.quarter_id, item.stakeholder_id)
        others = [r for r in rows if r[0] != item.id]
        shown = [r for r in others if r[2]]
        me = next(r for r in rows if r[0] == item.id)
        index = max(0, min(index, len(shown)))
        if me[2] and [r[0] for r in rows if r[2]].index(item.id) == index:
            return  # already there: nothing a user could see would change
        if index < len(shown):
            at = others.index(shown[index])
        elif shown:
            at = others.index(shown[-1]) + 1
        else:
            at = len(others)
        ordered = [*others[:at], me, *others[at:]]
        tx.renumber("items", "position", [(r[0], r[1]) for r in ordered], item.home)

    def _shown_index(self, item: Item) -> int:
        if item.place.is_list:
            rows = [r for r in self._list_rows(item.quarter_id, item.stakeholder_id) if r[2]]
        else:
            rows = [(r[0], r[1] or 0, True) for r in self._place_rows(item.quarter_id, item.place)]
        return next(i for i, r in enumerate(rows) if r[0] == item.id)

    def _block_in(self, quarter_id: int, block_id: int) -> Block:
        block = self.block(block_id)
        if block.quarter_id != quarter_id:
            raise ValidationError("That block belongs to another quarter.")
        return block

    def _owner_name(self, stakeholder_id: int | None) -> str:
        if stakeholder_id is None:
            return "the team"
        return self.stakeholder(stakeholder_id).name

    def _place_label(self, place: Place) -> str:
        if place.is_block:
            return f"block {_quote(self.block(place.ref or 0).name)}"
        if place.is_dropped:
            return "dropped"
        return "the team's list" if place.ref is None else f"{self._owner_name(place.ref)}'s list"

    # ------------------------------------------------------------------- items

    def add_item(
        self,
        quarter_id: int,
        stakeholder_id: int | None,
        title: str,
        notes: str = "",
        effort: float | str | None = None,
        *,
        block_id: int | None = None,
    ) -> Change:
        """Add an item at the end of the team's list or a stakeholder's list (and,
        with `block_id`, straight into that block, in the same action)."""
        title = self._title(title)
        notes = self._notes(notes)
        effort_value = self._effort(effort)
        with self._write() as tx:
            self._check_quarter_writable(quarter_id)
            if stakeholder_id is not None:
                self.stakeholder(stakeholder_id)
            position = self.conn.execute(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM items "
                "WHERE quarter_id = ? AND stakeholder_id IS ?",
                (quarter_id, stakeholder_id),
            ).fetchone()[0]
            item_id = tx.insert(
                "items",
                {
                    "quarter_id": quarter_id,
                    "stakeholder_id": stakeholder_id,
                    "title": title,
                    "notes": notes,
                    "effort": effort_value,
                    "status": "open",
                    "position": position,
                    "created_at": self.clock(),
                },
            )
            owner = self._owner_name(stakeholder_id)
            summary = f"Added {_quote(title)} to {owner}'s list"
            if block_id is not None:
                block = self._block_in(quarter_id, block_id)
                item = self.item(item_id)
                self._enter(tx, item, Place.block(block_id), None, {"block_id": block_id})
                summary += f", in block {_quote(block.name)}"
            return self._finish(tx, "add_item", summary, quarter_id, item_id=item_id)

    def edit_item(
        self,
        item_id: int,
        *,
        title: str | None = None,
        notes: str | None = None,
        effort: float | str | None = _UNSET,
        drop_reason: str | None = None,
        stakeholder_id: int | None = _UNSET,
    ) -> Change:
        """Edit an item; a new `stakeholder_id` moves it to the end of that list (None:
        the team's), wherever it sits now."""
        values: dict[str, Any] = {}
        if title is not None:
            values["title"] = self._title(title)
        if notes is not None:
            values["notes"] = self._notes(notes)
        if effort is not _UNSET:
            values["effort"] = self._effort(effort)
        with self._write() as tx:
            item = self.item(item_id)
            self._check_quarter_writable(item.quarter_id)
            if drop_reason is not None and item.status == "dropped":
                values["drop_reason"] = self._title(drop_reason, "reason", MAX_NOTES)
            summary = f"Edited {_quote(values.get('title', item.title))}"
            if stakeholder_id is not _UNSET and stakeholder_id != item.stakeholder_id:
                if stakeholder_id is not None:
                    self.stakeholder(stakeholder_id)
                values["stakeholder_id"] = stakeholder_id
                values["position"] = self.conn.execute(
                    "SELECT COALESCE(MAX(position) + 1, 0) FROM items "
                    "WHERE quarter_id = ? AND stakeholder_id IS ?",
                    (item.quarter_id, stakeholder_id),
                ).fetchone()[0]
                summary += f", now on {self._owner_name(stakeholder_id)}'s list"
            tx.update("items", item_id, values)
            if "stakeholder_id" in values:
                old_list = self._list_rows(item.quarter_id, item.stakeholder_id)
                tx.renumber("items", "position", [(r[0], r[1]) for r in old_list], item.home)
            return self._finish(tx, "edit_item", summary, item.quarter_id, item_id=item_id)

    def remove_item(self, item_id: int) -> Change:
        """Delete an item for good (dropping keeps it; this is for mistakes). Requests
        merged into it go back to their lists."""
        with self._write() as tx:
            item = self.item(item_id)
            self._check_quarter_writable(item.quarter_id)
            self._release_merged(tx, item.id)
            self._leave(tx, item)
            tx.delete("items", item_id)
            rows = self._list_rows(item.quarter_id, item.stakeholder_id)
            tx.renumber("items", "position", [(r[0], r[1]) for r in rows], item.home)
            return self._finish(
                tx,
                "remove_item",
                f"Removed {_quote(item.title)}",
                item.quarter_id,
                item_id=item_id,
            )

    def move_item(self, item_id: int, target: Place, index: int | None = None) -> Change:
        """Move an item to a block or back to its own list, at `index` (end if None).

        Within the same place this reorders. An item only ever goes back to its own
        list; to the dropped area it goes through `drop_item`, which asks a reason.
        """
        with self._write() as tx:
            item = self.item(item_id)
            self._check_quarter_writable(item.quarter_id)
            source = item.place
            verdict = move_verdict(item, target)
            if verdict.needs_reason:
                raise ValidationError("Dropping an item needs a reason.")
            if not verdict.allowed:
                raise ValidationError(
                    f"{_quote(item.title)} belongs to {self._owner_name(item.stakeholder_id)}'s "
                    "list; it can only go back to that list."
                )
            if target.is_block:
                self._block_in(item.quarter_id, target.ref or 0)
            if source == target:
                if index is None:
                    return self._finish(tx, "move_item", "", item.quarter_id, item_id=item_id)
                if target.is_list:
                    self._reorder_list(tx, item, index)
                else:
                    self._enter(tx, item, target, index, {})
                return self._finish(
                    tx,
                    "reorder_item",
                    f"Reordered {_quote(item.title)}",
                    item.quarter_id,
                    item_id=item_id,
                )
            self._leave(tx, item)
            open_values = {"status": "open", "drop_reason": None}
            if target.is_block:
                self._enter(tx, item, target, index, {**open_values, "block_id": target.ref})
            else:
                tx.update(
                    "items", item.id, {**open_values, "block_id": None, "place_position": None}
                )
                if index is not None:
                    self._reorder_list(tx, self.item(item_id), index)
            verb = "Restored" if source.is_dropped else "Moved"
            return self._finish(
                tx,
                "move_item",
                f"{verb} {_quote(item.title)} to {self._place_label(target)}",
                item.quarter_id,
                item_id=item_id,
            )

    def shift_item(self, item_id: int, delta: int) -> Change:
        """Move an item `delta` places up (negative) or down within where it is."""
        item = self.item(item_id)
        return self.move_item(item_id, item.place, max(0, self._shown_index(item) + delta))

    def drop_item(self, item_id: int, reason: str, index: int | None = None) -> Change:
        """Eliminate an item for the quarter, with a reason. It is kept, never deleted."""
        reason = self._title(reason, "reason", MAX_NOTES)
        with self._write() as tx:
            item = self.item(item_id)
            self._check_quarter_writable(item.quarter_id)
            if item.status == "dropped":
                tx.update("items", item_id, {"drop_reason": reason})
                if index is not None:
                    self._enter(tx, item, Place.dropped(), index, {})
                return self._finish(
                    tx,
                    "drop_item",
                    f"Changed why {_quote(item.title)} is dropped",
                    item.quarter_id,
                    item_id=item_id,
                )
            self._leave(tx, item)
            values = {"status": "dropped", "drop_reason": reason, "block_id": None}
            self._enter(tx, item, Place.dropped(), index, values)
            return self._finish(
                tx,
                "drop_item",
                f"Dropped {_quote(item.title)}",
                item.quarter_id,
                item_id=item_id,
            )

    def restore_item(self, item_id: int) -> Change:
        """Send an item back to its own list (from a block or the dropped area)."""
        return self.move_item(item_id, self.item(item_id).home)

    @_reads
    def merged_map(self, quarter_id: int) -> dict[int, list[Item]]:
        """Every merged request of a quarter, by the item it was merged into."""
        rows = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE quarter_id = ? AND merged_into IS NOT NULL "
            "ORDER BY id",
            (quarter_id,),
        )
        found: dict[int, list[Item]] = {}
        for row in rows:
            item = Item(*row)
            found.setdefault(item.merged_into or 0, []).append(item)
        return found

    @_reads
    def merged_into(self, item_id: int) -> list[Item]:
        """The requests merged into an item."""
        rows = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE merged_into = ? ORDER BY id", (item_id,)
        )
        return [Item(*row) for row in rows]

    def _release_merged(self, tx: _Tx, item_id: int) -> None:
        for child in self.merged_into(item_id):
            tx.update("items", child.id, {"merged_into": None})

    def merge_items(self, survivor_id: int, item_ids: Sequence[int]) -> Change:
        """Merge near-duplicates into one item. The others leave the board but are
        kept, linked to it (who asked, in their words), and can be un-merged."""
        with self._write() as tx:
            survivor = self.item(survivor_id)
            self._check_quarter_writable(survivor.quarter_id)
            if survivor.is_merged:
                raise ValidationError("That item is itself merged into another one.")
            merged = 0
            for item_id in dict.fromkeys(item_ids):
                if item_id == survivor_id:
                    continue
                item = self.item(item_id)
                if item.quarter_id != survivor.quarter_id:
                    raise ValidationError("Only items of the same quarter can be merged.")
                if item.is_merged:
                    continue
                for child in self.merged_into(item.id):  # keep one level of links
                    tx.update("items", child.id, {"merged_into": survivor_id})
                self._leave(tx, item)
                tx.update(
                    "items",
                    item.id,
                    {
                        "merged_into": survivor_id,
                        "block_id": None,
                        "status": "open",
                        "drop_reason": None,
                        "place_position": None,
                    },
                )
                merged += 1
            if not merged:
                raise ValidationError("Pick at least one other item to merge.")
            tx.places.add(survivor.place)
            return self._finish(
                tx,
                "merge_items",
                f"Merged {merged} request{'s' if merged != 1 else ''} into "
                f"{_quote(survivor.title)}",
                survivor.quarter_id,
                item_id=survivor_id,
            )

    def unmerge_item(self, item_id: int) -> Change:
        """Undo a merge on purpose: a merged request goes back to its list; an item
        with merged requests lets them all go back."""
        with self._write() as tx:
            item = self.item(item_id)
            self._check_quarter_writable(item.quarter_id)
            if item.is_merged:
                tx.update("items", item.id, {"merged_into": None})
                summary = f"Un-merged {_quote(item.title)}"
            else:
                children = self.merged_into(item.id)
                if not children:
                    raise ValidationError(f"Nothing is merged into {_quote(item.title)}.")
                self._release_merged(tx, item.id)
                summary = (
                    f"Un-merged {len(children)} request{'s' if len(children) != 1 else ''} "
                    f"from {_quote(item.title)}"
                )
            tx.places.add(item.place)
            return self._finish(tx, "unmerge_item", summary, item.quarter_id, item_id=item_id)

    # ------------------------------------------------------------- matching

    @_reads
    def rejected_pairs(self, quarter_id: int) -> set[frozenset[int]]:
        """The pairs of items the data lead said are not the same."""
        rows = self.conn.execute(
            "SELECT first_id, second_id FROM rejected_pairs WHERE quarter_id = ?", (quarter_id,)
        ).fetchall()
        return {frozenset((a, b)) for a, b in rows}

    def reject_pair(self, item_id: int, other_id: int) -> Change:
        """Say two items are not the same: they are never suggested together again
        (undo takes it back)."""
        with self._write() as tx:
            first, second = self.item(min(item_id, other_id)), self.item(max(item_id, other_id))
            if first.id == second.id:
                raise ValidationError("An item is always the same as itself.")
            if first.quarter_id != second.quarter_id:
                raise ValidationError("Only items of the same quarter are compared.")
            self._check_quarter_writable(first.quarter_id)
            exists = self.conn.execute(
                "SELECT 1 FROM rejected_pairs WHERE first_id = ? AND second_id = ?",
                (first.id, second.id),
            ).fetchone()
            if exists:
                raise ValidationError("Those two are already marked as not the same.")
            tx.insert(
                "rejected_pairs",
                {
                    "quarter_id": first.quarter_id,
                    "first_id": first.id,
                    "second_id": second.id,
                    "created_at": self.clock(),
                },
            )
            return self._finish(
                tx,
                "reject_pair",
                f"Not the same: {_quote(first.title, 30)} and {_quote(second.title, 30)}",
                first.quarter_id,
                item_id=item_id,
            )

    @_reads
    def item_vectors(self, quarter_id: int) -> dict[int, tuple[str, bytes]]:
        """The stored meaning vectors of a quarter's items: item id to (hash, vector)."""
        rows = self.conn.execute(
            "SELECT v.item_id, v.hash, v.vector FROM item_vectors v "
            "JOIN items i ON i.id = v.item_id WHERE i.quarter_id = ?",
            (quarter_id,),
        ).fetchall()
        found = {item_id: (digest, bytes(blob)) for item_id, digest, blob in rows}
        for item_id, digest, blob in self._pending_vectors.values():
            found[item_id] = (digest, blob)  # (other quarters' ids are never asked for)
        return found

    def save_item_vectors(self, rows: Sequence[tuple[int, str, bytes]]) -> None:
        """Keep computed meaning vectors (a cache: no event, nothing to undo). Skipped
        quietly when the board can't be written. Until this planboard has written
        something, they are held here and go into the file with its first write: opening
        a board and quitting leaves the file exactly as it was."""
        if self.readonly or not rows:
            return
        if not self._wrote:
            self._pending_vectors.update({row[0]: row for row in rows})
            return
        try:
            with self._write():
                self.conn.executemany(
                    "INSERT OR REPLACE INTO item_vectors (item_id, hash, vector) VALUES (?, ?, ?)",
                    rows,
                )
        except PlanboardError:
            return

    def import_items(
        self,
        quarter_id: int,
        owner: str | None,
        items: Sequence[ImportItem],
        *,
        source: str = "",
        progress: Callable[[int, int], None] | None = None,
    ) -> Change:
        """Add a list at once, as one action: to the team's list (`owner` None) or to a
        stakeholder's, found by name or created. Any refused line refuses the whole
        import, with its line number; nothing is written then."""
        checked = []
        for entry in items:
            where = f"Line {entry.line}: " if entry.line else ""
            try:
                checked.append(
                    (self._title(entry.title), self._notes(entry.notes), self._effort(entry.effort))
                )
            except ValidationError as error:
                raise ValidationError(where + str(error)) from None
        if not checked:
            raise ValidationError("There is nothing to import: no item was found.")
        with self._write() as tx:
            self._check_quarter_writable(quarter_id)
            stakeholder_id: int | None = None
            created = False
            if owner is not None:
                name = self._title(owner, "stakeholder name", MAX_NAME)
                row = self.conn.execute(
                    "SELECT id, archived FROM stakeholders WHERE name = ? COLLATE NOCASE", (name,)
                ).fetchone()
                if row is None:
                    stakeholder_id = tx.insert(
                        "stakeholders",
                        {
                            "name": name,
                            "department": "",
                            "colour": self._next_colour(),
                            "created_at": self.clock(),
                        },
                    )
                    created = True
                else:
                    stakeholder_id = row[0]
                    if row[1]:
                        tx.update("stakeholders", stakeholder_id, {"archived": 0})
            position = self.conn.execute(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM items "
                "WHERE quarter_id = ? AND stakeholder_id IS ?",
                (quarter_id, stakeholder_id),
            ).fetchone()[0]
            now = self.clock()
            ids = tx.insert_many(
                "items",
                [
                    {
                        "quarter_id": quarter_id,
                        "stakeholder_id": stakeholder_id,
                        "title": title,
                        "notes": notes,
                        "effort": effort,
                        "status": "open",
                        "position": position + offset,
                        "created_at": now,
                    }
                    for offset, (title, notes, effort) in enumerate(checked)
                ],
                progress,
            )
            first = ids[0] if ids else None
            whose = (
                "the team's list" if owner is None else f"{self._owner_name(stakeholder_id)}'s list"
            )
            summary = f"Imported {len(checked)} item{'s' if len(checked) != 1 else ''} into {whose}"
            if source:
                summary += f" from {source}"
            if created:
                tx.stakeholders = True
            return self._finish(
                tx,
                "import",
                summary,
                quarter_id,
                item_id=first,
                extra={"created_stakeholder": created},
            )

    # ------------------------------------------------------------------ blocks

    def add_block(
        self,
        quarter_id: int,
        name: str,
        description: str = "",
        effort: float | str | None = None,
        index: int | None = None,
        *,
        item_ids: Sequence[int] = (),
    ) -> Change:
        """Create a block (at the end, or at `index`), and move `item_ids` into it in
        the same action."""
        name = self._title(name, "block name", MAX_NAME)
        description = self._notes(description, "description")
        effort_value = self._effort(effort)
        with self._write() as tx:
            self._check_quarter_writable(quarter_id)
            rows = [(b.id, b.position) for b in self.blocks(quarter_id)]
            index = len(rows) if index is None else max(0, min(index, len(rows)))
            block_id = tx.insert(
                "blocks",
                {
                    "quarter_id": quarter_id,
                    "name": name,
                    "description": description,
                    "effort": effort_value,
                    "position": index,
                    "created_at": self.clock(),
                },
            )
            tx.renumber(
                "blocks", "position", [*rows[:index], (block_id, index), *rows[index:]], None
            )
            for item_id in item_ids:
                item = self.item(item_id)
                if item.quarter_id != quarter_id:
                    raise ValidationError("That item belongs to another quarter.")
                self._leave(tx, item)
                self._enter(
                    tx,
                    item,
                    Place.block(block_id),
                    None,
                    {"block_id": block_id, "status": "open", "drop_reason": None},
                )
            summary = f"Created block {_quote(name)}"
            if item_ids:
                summary += f" with {len(item_ids)} item{'s' if len(item_ids) != 1 else ''}"
            return self._finish(
                tx,
                "add_block",
                summary,
                quarter_id,
                block_id=block_id,
                item_id=item_ids[0] if len(item_ids) == 1 else None,
            )

    def edit_block(
        self,
        block_id: int,
        *,
        name: str | None = None,
        description: str | None = None,
        effort: float | str | None = _UNSET,
    ) -> Change:
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = self._title(name, "block name", MAX_NAME)
        if description is not None:
            values["description"] = self._notes(description, "description")
        if effort is not _UNSET:
            values["effort"] = self._effort(effort)
        with self._write() as tx:
            block = self.block(block_id)
            self._check_quarter_writable(block.quarter_id)
            tx.update("blocks", block_id, values)
            what = "Renamed" if "name" in values and values["name"] != block.name else "Edited"
            return self._finish(
                tx,
                "edit_block",
                f"{what} block {_quote(values.get('name', block.name))}",
                block.quarter_id,
                block_id=block_id,
            )

    def move_block(self, block_id: int, index: int) -> Change:
        with self._write() as tx:
            block = self.block(block_id)
            self._check_quarter_writable(block.quarter_id)
            rows = [(b.id, b.position) for b in self.blocks(block.quarter_id) if b.id != block_id]
            index = max(0, min(index, len(rows)))
            ordered = [*rows[:index], (block_id, block.position), *rows[index:]]
            tx.renumber("blocks", "position", ordered, None)
            return self._finish(
                tx,
                "move_block",
                f"Reordered block {_quote(block.name)}",
                block.quarter_id,
                block_id=block_id,
            )

    def shift_block(self, block_id: int, delta: int) -> Change:
        block = self.block(block_id)
        ids = [b.id for b in self.blocks(block.quarter_id)]
        return self.move_block(block_id, max(0, ids.index(block_id) + delta))

    def delete_block(self, block_id: int) -> Change:
        """Delete a block; its items go back to their own lists."""
        with self._write() as tx:
            block = self.block(block_id)
            self._check_quarter_writable(block.quarter_id)
            for item_id, _ in self._place_rows(block.quarter_id, Place.block(block_id)):
                tx.update("items", item_id, {"block_id": None, "place_position": None})
            for (vote_id,) in self.conn.execute(
                "SELECT id FROM votes WHERE block_id = ?", (block_id,)
            ).fetchall():
                tx.delete("votes", vote_id)
            tx.delete("blocks", block_id)
            rows = [(b.id, b.position) for b in self.blocks(block.quarter_id)]
            tx.renumber("blocks", "position", rows, None)
            return self._finish(
                tx,
                "delete_block",
                f"Deleted block {_quote(block.name)}",
                block.quarter_id,
                block_id=block_id,
            )

    # ------------------------------------------------------------ stakeholders

    def _next_colour(self) -> str:
        """The palette colour the fewest active stakeholders have (the first such, in
        palette order): given once, when a stakeholder is created."""
        used = dict.fromkeys(STAKEHOLDER_COLOURS, 0)
        for (colour,) in self.conn.execute("SELECT colour FROM stakeholders WHERE archived = 0"):
            if colour in used:
                used[colour] += 1
        return min(STAKEHOLDER_COLOURS, key=lambda c: used[c])

    @staticmethod
    def _colour(value: str) -> str:
        colour = clean_line(value).lower()
        if colour not in STAKEHOLDER_COLOURS:
            raise ValidationError(
                f"{value!r} is not one of the colours: {', '.join(STAKEHOLDER_COLOURS)}."
            )
        return colour

    def add_stakeholder(
        self,
        name: str,
        department: str = "",
        *,
        quarter_id: int | None = None,
        colour: str | None = None,
    ) -> Change:
        """Add a stakeholder (shared by all quarters). A removed one of the same name
        comes back, with the colour they had. A new one gets `colour`, or the palette's
        least used colour."""
        name = self._title(name, "name", MAX_NAME)
        department = self._optional_line(department, "department")
        chosen = self._colour(colour) if colour else None
        with self._write() as tx:
            row = self.conn.execute(
                "SELECT id, archived FROM stakeholders WHERE name = ? COLLATE NOCASE", (name,)
            ).fetchone()
            if row is not None and not row[1]:
                raise ValidationError(f"There is already a stakeholder called {name!r}.")
            if row is not None:
                values: dict[str, Any] = {"archived": 0, "department": department}
                if chosen:
                    values["colour"] = chosen
                tx.update("stakeholders", row[0], values)
                stakeholder_id = row[0]
                summary = f"Brought back stakeholder {_quote(name)}"
            else:
                stakeholder_id = tx.insert(
                    "stakeholders",
                    {
                        "name": name,
                        "department": department,
                        "colour": chosen or self._next_colour(),
                        "created_at": self.clock(),
                    },
                )
                summary = f"Added stakeholder {_quote(name)}"
            tx.places.add(Place.of_list(stakeholder_id))
            return self._finish(tx, "add_stakeholder", summary, quarter_id)

    def edit_stakeholder(
        self,
        stakeholder_id: int,
        *,
        name: str | None = None,
        department: str | None = None,
        colour: str | None = None,
        quarter_id: int | None = None,
    ) -> Change:
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = self._title(name, "name", MAX_NAME)
        if department is not None:
            values["department"] = self._optional_line(department, "department")
        if colour is not None:
            values["colour"] = self._colour(colour)
        with self._write() as tx:
            current = self.stakeholder(stakeholder_id)
            if "name" in values:
                clash = self.conn.execute(
                    "SELECT id FROM stakeholders WHERE name = ? COLLATE NOCASE AND id != ?",
                    (values["name"], stakeholder_id),
                ).fetchone()
                if clash:
                    raise ValidationError(
                        f"There is already a stakeholder called {values['name']!r}."
                    )
            tx.update("stakeholders", stakeholder_id, values)
            tx.places.add(Place.of_list(stakeholder_id))
            return self._finish(
                tx,
                "edit_stakeholder",
                f"Edited stakeholder {_quote(values.get('name', current.name))}",
                quarter_id,
            )

    def remove_stakeholder(self, stakeholder_id: int, quarter_id: int) -> Change:
        """Remove a stakeholder and their items in this quarter. Someone with items in
        other quarters is archived instead of deleted, so the history stays whole."""
        with self._write() as tx:
            self._check_quarter_writable(quarter_id)
            stakeholder = self.stakeholder(stakeholder_id)
            rows = self.conn.execute(
                f"SELECT {ITEM_COLUMNS} FROM items WHERE quarter_id = ? AND stakeholder_id = ?",
                (quarter_id, stakeholder_id),
            ).fetchall()
            for row in rows:
                item = self.item(row[0])
                self._release_merged(tx, item.id)
                self._leave(tx, item)
                tx.delete("items", item.id)
            for table in ("votes", "attendance"):
                for (row_id,) in self.conn.execute(
                    f"SELECT id FROM {table} WHERE quarter_id = ? AND stakeholder_id = ?",
                    (quarter_id, stakeholder_id),
                ).fetchall():
                    tx.delete(table, row_id)
            elsewhere = self.conn.execute(
                "SELECT (SELECT COUNT(*) FROM items WHERE stakeholder_id = ?) "
                "+ (SELECT COUNT(*) FROM votes WHERE stakeholder_id = ?) "
                "+ (SELECT COUNT(*) FROM attendance WHERE stakeholder_id = ?)",
                (stakeholder_id, stakeholder_id, stakeholder_id),
            ).fetchone()[0]
            if elsewhere:
                tx.update("stakeholders", stakeholder_id, {"archived": 1})
            else:
                tx.delete("stakeholders", stakeholder_id)
            tx.places.add(Place.of_list(stakeholder_id))
            count = f" and {len(rows)} item{'s' if len(rows) != 1 else ''}" if rows else ""
            return self._finish(
                tx,
                "remove_stakeholder",
                f"Removed stakeholder {_quote(stakeholder.name)}{count}",
                quarter_id,
            )

    # ---------------------------------------------------------------- quarters

    def create_quarter(self, name: str, vision: str | None = None) -> Change:
        """Create a quarter (named like 2026-Q3), preparing, with a vision."""
        typed = clean_line(name)
        name = typed.upper().replace(" ", "")
        if not QUARTER_NAME.match(name):
            raise ValidationError(
                "A quarter is named like 2026-Q3" + (f", not “{typed}”." if typed else ".")
            )
        if vision is None:
            latest = self.quarters()
            vision = latest[-1].vision if latest else ""
        vision = self._notes(vision, "vision")
        with self._write() as tx:
            if self.conn.execute("SELECT 1 FROM quarters WHERE name = ?", (name,)).fetchone():
                raise ValidationError(f"There is already a quarter {name}.")
            quarter_id = tx.insert(
                "quarters",
                {"name": name, "status": "preparing", "vision": vision, "created_at": self.clock()},
            )
            # A quarter's history starts here: undo stops at its creation.
            return self._finish(
                tx, "create_quarter", f"Created quarter {name}", quarter_id, undoable=False
            )

    def start_next_quarter(
        self,
        from_quarter_id: int,
        name: str,
        vision: str | None = None,
        *,
        block_ids: Sequence[int] = (),
        item_ids: Sequence[int] = (),
    ) -> Change:
        """Create a quarter that starts from another: the chosen not-chosen blocks (with
        their items) and loose items are copied in, each linked to where it came from
        (`carried_from`). One action; like any new quarter, its history starts there."""
        source = self.quarter(from_quarter_id)
        typed = clean_line(name)
        name = typed.upper().replace(" ", "")
        if not QUARTER_NAME.match(name):
            raise ValidationError(
                "A quarter is named like 2026-Q3" + (f", not “{typed}”." if typed else ".")
            )
        vision = self._notes(source.vision if vision is None else vision, "vision")
        with self._write() as tx:
            if self.conn.execute("SELECT 1 FROM quarters WHERE name = ?", (name,)).fetchone():
                raise ValidationError(f"There is already a quarter {name}.")
            now = self.clock()
            quarter_id = tx.insert(
                "quarters",
                {"name": name, "status": "preparing", "vision": vision, "created_at": now},
            )
            next_position: dict[int | None, int] = {}

            def copy(item: Item, block_id: int | None, place_position: int | None) -> None:
                owner = item.stakeholder_id
                position = next_position.get(owner, 0)
                next_position[owner] = position + 1
                tx.insert(
                    "items",
                    {
                        "quarter_id": quarter_id,
                        "stakeholder_id": owner,
                        "title": item.title,
                        "notes": item.notes,
                        "effort": item.effort,
                        "block_id": block_id,
                        "status": "open",
                        "position": position,
                        "place_position": place_position,
                        "created_at": now,
                        "carried_from": item.id,
                    },
                )

            carried_blocks = 0
            for index, block_id in enumerate(dict.fromkeys(block_ids)):
                block = self.block(block_id)
                if block.quarter_id != from_quarter_id:
                    raise ValidationError("That block belongs to another quarter.")
                new_block = tx.insert(
                    "blocks",
                    {
                        "quarter_id": quarter_id,
                        "name": block.name,
                        "description": block.description,
                        "effort": block.effort,
                        "position": index,
                        "created_at": now,
                        "carried_from": block.id,
                    },
                )
                for place_position, item in enumerate(
                    self.items_at(from_quarter_id, Place.block(block_id))
                ):
                    copy(item, new_block, place_position)
                carried_blocks += 1
            carried_items = 0
            for item_id in dict.fromkeys(item_ids):
                item = self.item(item_id)
                if item.quarter_id != from_quarter_id:
                    raise ValidationError("That item belongs to another quarter.")
                copy(item, None, None)
                carried_items += 1
            summary = f"Created quarter {name} from {source.name}"
            if carried_blocks or carried_items:
                summary += (
                    f", carrying over {carried_blocks} block{'s' if carried_blocks != 1 else ''}"
                    f" and {carried_items} item{'s' if carried_items != 1 else ''}"
                )
            return self._finish(tx, "create_quarter", summary, quarter_id, undoable=False)

    def delete_quarter(self, quarter_id: int) -> Change:
        """Delete a quarter created by mistake: only an empty one (no items, no blocks),
        and never the last one."""
        with self._write() as tx:
            quarter = self._check_quarter_writable(quarter_id)
            counts = self.conn.execute(
                "SELECT (SELECT COUNT(*) FROM items WHERE quarter_id = ?), "
                "(SELECT COUNT(*) FROM blocks WHERE quarter_id = ?), "
                "(SELECT COUNT(*) FROM quarters)",
                (quarter_id, quarter_id),
            ).fetchone()
            if counts[0] or counts[1]:
                raise ValidationError(
                    f"{quarter.name} has {counts[0]} items and {counts[1]} blocks; only an "
                    "empty quarter can be deleted."
                )
            if counts[2] <= 1:
                raise ValidationError("A board keeps at least one quarter.")
            tx.delete("quarters", quarter_id)
            return self._finish(
                tx, "delete_quarter", f"Deleted quarter {quarter.name}", None, undoable=False
            )

    def edit_quarter(self, quarter_id: int, *, vision: str | None = None) -> Change:
        values: dict[str, Any] = {}
        if vision is not None:
            values["vision"] = self._notes(vision, "vision")
        with self._write() as tx:
            quarter = self._check_quarter_writable(quarter_id)
            tx.update("quarters", quarter_id, values)
            return self._finish(
                tx, "edit_quarter", f"Edited the vision of {quarter.name}", quarter_id
            )

    def choose_block(self, block_id: int, rank: int | None) -> Change:
        """Mark a block as choice 1 or 2 of its quarter (None: not chosen). This is
        `blocks.choice`; `chosen_rank` is set only when the decision is confirmed."""
        if rank not in (None, 1, 2):
            raise ValidationError("A block is choice 1 or choice 2; only two can be chosen.")
        with self._write() as tx:
            block = self.block(block_id)
            self._check_quarter_writable(block.quarter_id)
            holder = self.conn.execute(
                "SELECT id, name FROM blocks WHERE quarter_id = ? AND choice = ? AND id != ?",
                (block.quarter_id, rank, block_id),
            ).fetchone()
            if rank is not None and holder is not None:
                raise ValidationError(
                    f"Choice {rank} is already {_quote(holder[1])}; unchoose it first."
                )
            tx.update("blocks", block_id, {"choice": rank})
            summary = (
                f"Chose {_quote(block.name)} as choice {rank}"
                if rank
                else f"Unchose {_quote(block.name)}"
            )
            return self._finish(tx, "choose_block", summary, block.quarter_id, block_id=block_id)

    def decide(self, quarter_id: int, rationale: str, attendees: str = "") -> Change:
        """Record the decision in one transaction: the `decisions` row, each chosen
        block's `chosen_rank` (from its choice), and the `decided` status."""
        rationale = self._notes(rationale, "rationale")
        if not rationale:
            raise ValidationError("The decision needs a rationale: why these blocks?")
        attendees = clean_multiline(attendees)
        with self._write() as tx:
            quarter = self._check_quarter_writable(quarter_id)
            choices = self.conn.execute(
                "SELECT id, choice FROM blocks WHERE quarter_id = ? AND choice IS NOT NULL",
                (quarter_id,),
            ).fetchall()
            ranks = [rank for _, rank in choices]
            if not ranks:
                raise ValidationError("Choose one or two blocks before confirming the decision.")
            if 1 not in ranks:
                raise ValidationError("Choice 1 is empty: make the chosen block choice 1.")
            if self.meeting(quarter_id) is not None:
                tx.update(
                    "meetings", quarter_id, {"ended_at": self.clock(), "timer_started_at": None}
                )
            tx.delete("decisions", quarter_id)
            tx.insert(
                "decisions",
                {
                    "quarter_id": quarter_id,
                    "decided_at": self.clock(),
                    "rationale": rationale,
                    "attendees": attendees,
                },
            )
            for block_id, rank in choices:
                tx.update("blocks", block_id, {"chosen_rank": rank})
            tx.update("quarters", quarter_id, {"status": "decided"})
            return self._finish(tx, "decide", f"Decided {quarter.name}", quarter_id, undoable=False)

    # ----------------------------------------------------------- the event

    @_reads
    def meeting(self, quarter_id: int) -> Meeting | None:
        row = self.conn.execute(
            f"SELECT {MEETING_COLUMNS} FROM meetings WHERE quarter_id = ?", (quarter_id,)
        ).fetchone()
        if row is None:
            return None
        values = list(row)
        values[3] = values[3] if 1 <= values[3] <= 99 else 3
        # Revealed only when the file says 0, as planboard writes it: any other value
        # another program left there (text, NULL) keeps the tally hidden.
        values[4] = values[4] != 0
        values[5] = values[5] if 1 <= values[5] <= 600 else 45
        # A countdown another program left unreadable stands paused where it was.
        values[6] = seconds(values[6], values[5] * 60.0)
        values[7] = utc_stamp(values[7])
        return Meeting(*values)

    def start_meeting(self, quarter_id: int, *, backup: bool = True) -> tuple[Change, Path | None]:
        """Start the planning event: first a backup of the whole file beside it, then
        the quarter goes `live`. Returns the change and where the backup is."""
        quarter = self._check_quarter_writable(quarter_id)
        if quarter.status == "live":
            meeting = self.meeting(quarter_id)
            path = Path(meeting.backup_path) if meeting and meeting.backup_path else None
            return Change(summary=f"{quarter.name} is already live", quarter_id=quarter_id), path
        written: Path | None = None
        if backup:
            if self.readonly:
                raise ReadOnlyError(why_read_only(None, file_reason=self.readonly_reason))
            try:
                written = backup_board(self.conn, self.path, f"{quarter.name}-live")
            except (OSError, sqlite3.Error) as error:
                raise PlanboardError(
                    f"Could not write the backup before the event ({error}); the event did "
                    "not start."
                ) from error
        with self._write() as tx:
            self._check_quarter_writable(quarter_id)
            now = self.clock()
            existing = self.meeting(quarter_id)
            values = {
                "started_at": now,
                "ended_at": None,
                "backup_path": str(written) if written else "",
            }
            if existing is None:
                tx.insert("meetings", {"quarter_id": quarter_id, **values})
            else:
                tx.update("meetings", quarter_id, values)
            tx.update("quarters", quarter_id, {"status": "live"})
            where = f"; backup: {written.name}" if written else ""
            change = self._finish(
                tx,
                "start_meeting",
                f"Started the planning event for {quarter.name}{where}",
                quarter_id,
                undoable=False,
            )
        return change, written

    def end_meeting(self, quarter_id: int) -> Change:
        """End the event without a decision: back to `preparing`. Votes stay."""
        with self._write() as tx:
            quarter = self._check_quarter_writable(quarter_id)
            if quarter.status != "live":
                raise ValidationError(f"{quarter.name} is not live; there is no event to end.")
            tx.update("quarters", quarter_id, {"status": "preparing"})
            if self.meeting(quarter_id) is not None:
                tx.update(
                    "meetings", quarter_id, {"ended_at": self.clock(), "timer_started_at": None}
                )
            return self._finish(
                tx,
                "end_meeting",
                f"Ended the event for {quarter.name} without a decision",
                quarter_id,
                undoable=False,
            )

    def reopen(self, quarter_id: int) -> Change:
        """Reopen a decided quarter on purpose: it goes back to `live`, its decision row
        is removed (the event log keeps it), and the chosen blocks lose their confirmed
        `chosen_rank` but keep their choice, to confirm again or change."""
        with self._write() as tx:
            quarter = self.quarter(quarter_id)
            if quarter.status != "decided":
                raise ValidationError(f"{quarter.name} is not decided; there is nothing to reopen.")
            tx.reopening(quarter_id)
            tx.delete("decisions", quarter_id)
            for (block_id,) in self.conn.execute(
                "SELECT id FROM blocks WHERE quarter_id = ? AND chosen_rank IS NOT NULL",
                (quarter_id,),
            ).fetchall():
                tx.update("blocks", block_id, {"chosen_rank": None})
            tx.update("quarters", quarter_id, {"status": "live"})
            if self.meeting(quarter_id) is not None:
                tx.update("meetings", quarter_id, {"ended_at": None})
            return self._finish(
                tx, "reopen", f"Reopened {quarter.name}", quarter_id, undoable=False
            )

    def _need_meeting(self, quarter_id: int) -> Meeting:
        meeting = self.meeting(quarter_id)
        if meeting is None:
            raise ValidationError("Start the planning event first.")
        return meeting

    def set_meeting(
        self,
        quarter_id: int,
        *,
        dot_budget: int | str | None = None,
        tally_hidden: bool | None = None,
        timebox_minutes: int | str | None = None,
        present: Sequence[int] | None = None,
        now: datetime | None = None,
    ) -> Change:
        """Change the event's settings — who is present, dots per person, hidden
        tally, timebox — in one action. A new timebox applies at once: the countdown
        shows the new length minus the time already spent, running or paused."""
        values: dict[str, Any] = {}
        if dot_budget is not None:
            values["dot_budget"] = self._whole(dot_budget, "Dots per person", 1, 99)
        if tally_hidden is not None:
            values["tally_hidden"] = int(bool(tally_hidden))
        if timebox_minutes is not None:
            values["timebox_minutes"] = self._whole(timebox_minutes, "The timebox", 1, 600)
        with self._write() as tx:
            quarter = self._check_quarter_writable(quarter_id)
            meeting = self._need_meeting(quarter_id)
            if "dot_budget" in values:
                over = self.conn.execute(
                    "SELECT s.name, SUM(v.dots) FROM votes v JOIN stakeholders s "
                    "ON s.id = v.stakeholder_id WHERE v.quarter_id = ? GROUP BY s.id "
                    "HAVING SUM(v.dots) > ?",
                    (quarter_id, values["dot_budget"]),
                ).fetchone()
                if over:
                    raise ValidationError(
                        f"{over[0]} has already placed {over[1]} dots; the budget can't go "
                        "below that (votes are never wiped silently)."
                    )
            if (
                "timebox_minutes" in values
                and values["timebox_minutes"] != meeting.timebox_minutes
                and meeting.timer_remaining is not None
            ):
                moment = now or self.now()
                left = meeting.timer_remaining
                if meeting.timer_started_at:
                    started = datetime.fromisoformat(
                        meeting.timer_started_at.replace("Z", "+00:00")
                    )
                    left -= (moment - started).total_seconds()
                    values["timer_started_at"] = _stamp(moment)
                spent = meeting.timebox_minutes * 60.0 - max(0.0, left)
                values["timer_remaining"] = max(0.0, values["timebox_minutes"] * 60.0 - spent)
            tx.update("meetings", quarter_id, values)
            what = []
            if present is not None:
                before = len(self.attendance(quarter_id))
                count = self._write_attendance(tx, quarter_id, present)
                if count != before or tx.changes:
                    what.append(f"{count} present")
            if "dot_budget" in values and values["dot_budget"] != meeting.dot_budget:
                what.append(f"{values['dot_budget']} dots each")
            if "tally_hidden" in values and bool(values["tally_hidden"]) != meeting.tally_hidden:
                what.append("tally hidden" if values["tally_hidden"] else "tally revealed")
            if "timebox_minutes" in values and values["timebox_minutes"] != meeting.timebox_minutes:
                minutes = values["timebox_minutes"]
                what.append(f"timebox {minutes} minute{'s' if minutes != 1 else ''}")
            summary = f"Event of {quarter.name}: " + (", ".join(what) or "settings kept")
            return self._finish(tx, "set_meeting", summary, quarter_id)

    @staticmethod
    def _whole(value: int | str, what: str, low: int, high: int) -> int:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValidationError(f"{what} must be a whole number, not {value!r}.") from None
        if not low <= number <= high:
            raise ValidationError(f"{what} must be between {low} and {high}.")
        return number

    @_reads
    def attendance(self, quarter_id: int) -> list[int]:
        """The stakeholders present at the quarter's event (ids)."""
        return [
            r[0]
            for r in self.conn.execute(
                f"SELECT {integer('stakeholder_id')} FROM attendance WHERE quarter_id = ? "
                "ORDER BY id",
                (quarter_id,),
            )
            if r[0] is not None
        ]

    def set_attendance(self, quarter_id: int, stakeholder_ids: Sequence[int]) -> Change:
        """Who is present (and so has dots to place)."""
        return self.set_meeting(quarter_id, present=stakeholder_ids)

    def _write_attendance(self, tx: _Tx, quarter_id: int, stakeholder_ids: Sequence[int]) -> int:
        """Make the attendance exactly `stakeholder_ids`. Someone with dots placed can't
        be marked absent: their votes would be lost. Returns how many are present."""
        wanted = list(dict.fromkeys(stakeholder_ids))
        current = {
            r[1]: r[0]
            for r in self.conn.execute(
                "SELECT id, stakeholder_id FROM attendance WHERE quarter_id = ?", (quarter_id,)
            )
        }
        for stakeholder_id, row_id in current.items():
            if stakeholder_id in wanted:
                continue
            voted = self.conn.execute(
                "SELECT SUM(dots) FROM votes WHERE quarter_id = ? AND stakeholder_id = ?",
                (quarter_id, stakeholder_id),
            ).fetchone()[0]
            if voted:
                name = self.stakeholder(stakeholder_id).name
                raise ValidationError(
                    f"{name} has {voted} dots placed; take them back before marking {name} absent."
                )
            tx.delete("attendance", row_id)
        for stakeholder_id in wanted:
            if stakeholder_id not in current:
                self.stakeholder(stakeholder_id)
                tx.insert(
                    "attendance", {"quarter_id": quarter_id, "stakeholder_id": stakeholder_id}
                )
        return len(wanted)

    @_reads
    def votes(self, quarter_id: int) -> dict[int, dict[int, int]]:
        """Dots by block, then by stakeholder."""
        tally: dict[int, dict[int, int]] = {}
        for block_id, stakeholder_id, dots in self.conn.execute(
            f"SELECT {integer('block_id')}, {integer('stakeholder_id')}, {integer('dots', '0')} "
            "FROM votes WHERE quarter_id = ?",
            (quarter_id,),
        ):
            if block_id is not None and stakeholder_id is not None and dots > 0:
                tally.setdefault(block_id, {})[stakeholder_id] = dots
        return tally

    def set_votes(self, block_id: int, dots: dict[int, int | str]) -> Change:
        """Record the dots present stakeholders put on one block (0 takes them back).
        Nobody can place more dots than the event's budget, over all blocks."""
        with self._write() as tx:
            block = self.block(block_id)
            quarter = self._check_quarter_writable(block.quarter_id)
            meeting = self._need_meeting(block.quarter_id)
            present = set(self.attendance(block.quarter_id))
            for stakeholder_id, raw in dots.items():
                count = self._whole(raw if raw != "" else 0, "Dots", 0, 99)
                stakeholder = self.stakeholder(stakeholder_id)
                if count and stakeholder_id not in present:
                    raise ValidationError(f"{stakeholder.name} is not marked present.")
                elsewhere = self.conn.execute(
                    "SELECT COALESCE(SUM(dots), 0) FROM votes WHERE quarter_id = ? "
                    "AND stakeholder_id = ? AND block_id != ?",
                    (block.quarter_id, stakeholder_id, block_id),
                ).fetchone()[0]
                if elsewhere + count > meeting.dot_budget:
                    left = meeting.dot_budget - elsewhere
                    raise ValidationError(
                        f"{stakeholder.name} has {meeting.dot_budget} dots and {elsewhere} are "
                        f"on other blocks: {left} left for this one, not {count}."
                    )
                row = self.conn.execute(
                    "SELECT id FROM votes WHERE stakeholder_id = ? AND block_id = ?",
                    (stakeholder_id, block_id),
                ).fetchone()
                if row and count:
                    tx.update("votes", row[0], {"dots": count})
                elif row:
                    tx.delete("votes", row[0])
                elif count:
                    tx.insert(
                        "votes",
                        {
                            "quarter_id": block.quarter_id,
                            "stakeholder_id": stakeholder_id,
                            "block_id": block_id,
                            "dots": count,
                        },
                    )
            tx.blocks = True
            return self._finish(
                tx,
                "vote",
                f"Dots recorded on {_quote(block.name)}",
                quarter.id,
                block_id=block_id,
            )

    def set_timer(
        self, quarter_id: int, *, running: bool, remaining: float, now: datetime | None = None
    ) -> Change:
        """Start or pause the countdown (kept in the file, so a restart resumes it).
        Undo steps over it. The countdown runs on the wall clock, to the millisecond."""
        started = None
        if running:
            moment = now or self.now()
            started = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        with self._write() as tx:
            self._check_quarter_writable(quarter_id)
            self._need_meeting(quarter_id)
            tx.update(
                "meetings",
                quarter_id,
                {"timer_remaining": max(0.0, float(remaining)), "timer_started_at": started},
            )
            return self._finish(
                tx, "timer", "Timer started" if running else "Timer paused", quarter_id
            )

    @_reads
    def cut_off(self, quarter_id: int, *, pending: bool = False) -> list[CutOff]:
        """Stakeholders who sent items this quarter and have none in a chosen block, with
        how many decided quarters in a row, ending with this one, that has been so.
        `pending` asks it of the choices made so far, before the decision is confirmed
        (what confirming would do)."""

        def cut_in(qid: int, column: str = "chosen_rank") -> dict[int, int]:
            rows = self.conn.execute(
                "SELECT i.stakeholder_id, COUNT(*), "
                f"SUM(CASE WHEN b.{column} IS NOT NULL THEN 1 ELSE 0 END) "
                "FROM items i LEFT JOIN items s ON s.id = i.merged_into "
                "LEFT JOIN blocks b ON b.id = COALESCE(i.block_id, s.block_id) "
                "WHERE i.quarter_id = ? AND i.stakeholder_id IS NOT NULL "
                "GROUP BY i.stakeholder_id",
                (qid,),
            )
            return {sid: count for sid, count, served in rows if not served}

        if pending:
            this = cut_in(quarter_id, "choice")
        elif not self.quarter(quarter_id).is_decided:
            return []  # nobody is cut off before the decision
        else:
            this = cut_in(quarter_id)
        if not this:
            return []
        name = self.quarter(quarter_id).name
        earlier = [q for q in self.quarters() if q.name < name and q.is_decided]
        streaks = dict.fromkeys(this, 1)
        still = set(this)
        for quarter in reversed(earlier):
            if not still:
                break
            cut = cut_in(quarter.id)
            for sid in list(still):
                if sid in cut:
                    streaks[sid] += 1
                else:
                    still.discard(sid)
        people = {s.id: s for s in self.stakeholders()}
        return sorted(
            (CutOff(people[sid], this[sid], streaks[sid]) for sid in this if sid in people),
            key=lambda c: (-c.streak, c.stakeholder.name.casefold()),
        )

    # --------------------------------------------------------------- undo/redo

    def _undo_candidate(self, quarter_id: int) -> Event | None:
        row = self.conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events "
            f"WHERE quarter_id IS ? AND action NOT IN {_TRANSPARENT_SQL} AND undone = 0 "
            "ORDER BY id DESC LIMIT 1",
            (quarter_id,),
        ).fetchone()
        if row is None:
            return None
        event = _event(row)
        if event.payload.get("undoable", True) is False:
            return None
        return event

    def _redo_candidate(self, quarter_id: int) -> Event | None:
        row = self.conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events "
            f"WHERE quarter_id IS ? AND action NOT IN {_TRANSPARENT_SQL} AND undone = 1 "
            "ORDER BY id LIMIT 1",
            (quarter_id,),
        ).fetchone()
        if row is None:
            return None
        return _event(row)

    @_reads
    def undo_summary(self, quarter_id: int) -> str | None:
        event = self._undo_candidate(quarter_id)
        return event.summary if event else None

    @_reads
    def replay_action(self, quarter_id: int, *, undo: bool = True) -> str | None:
        """The action (`move_item`, `import`, ...) that undo (or redo) would replay."""
        event = self._undo_candidate(quarter_id) if undo else self._redo_candidate(quarter_id)
        return event.action if event else None

    @_reads
    def redo_summary(self, quarter_id: int) -> str | None:
        event = self._redo_candidate(quarter_id)
        return event.summary if event else None

    def undo(self, quarter_id: int, *, progress: Progress | None = None) -> Change:
        """Undo the quarter's latest action (also after the file was closed and reopened).
        `progress(done, total)` hears how far a large one has got."""
        return self._replay(quarter_id, undo=True, progress=progress)

    def redo(self, quarter_id: int, *, progress: Progress | None = None) -> Change:
        return self._replay(quarter_id, undo=False, progress=progress)

    @_reads
    def replay_size(self, quarter_id: int, *, undo: bool) -> int:
        """How big the next undo (or redo) is, in bytes of its record: the screen runs a
        large one in the background, with a progress line."""
        order = "DESC" if undo else ""
        row = self.conn.execute(
            "SELECT length(payload) FROM events "
            f"WHERE quarter_id IS ? AND action NOT IN {_TRANSPARENT_SQL} AND undone = ? "
            f"ORDER BY id {order} LIMIT 1",
            (quarter_id, 0 if undo else 1),
        ).fetchone()
        return int(row[0] or 0) if row else 0

    def _replay(self, quarter_id: int, *, undo: bool, progress: Progress | None = None) -> Change:
        verb = "undo" if undo else "redo"
        with self._write() as tx:
            self._check_quarter_writable(quarter_id)
            event = self._undo_candidate(quarter_id) if undo else self._redo_candidate(quarter_id)
            if event is None:
                return Change(summary="Nothing to undo" if undo else "Nothing to redo")
            steps = self._recorded_changes(event, verb, undo=undo)
            conflict = ConflictError(
                f"Can't {verb} this — {event.summary} — because the board has changed "
                "since (perhaps from another program). Nothing was changed."
            )

            def damaged(table: str, pk: Any) -> PlanboardError:
                return PlanboardError(
                    f"Can't {verb} “{event.summary}”: events row {event.id} is damaged "
                    f"({table} row {pk} names unknown columns); nothing was changed."
                )

            try:
                self._apply_all(tx, steps, conflict=conflict, damaged=damaged, progress=progress)
            except sqlite3.IntegrityError:
                # A row another program added still points at one this would remove.
                raise conflict from None
            self._densify(tx, quarter_id)
            self.conn.execute(
                "UPDATE events SET undone = ? WHERE id = ?", (1 if undo else 0, event.id)
            )
            done = "Undid" if undo else "Redid"
            item_id, block_id = event.payload.get("item_id"), event.payload.get("block_id")
            return self._finish(
                tx,
                "undo" if undo else "redo",
                f"{done}: {event.summary}",
                quarter_id,
                item_id=item_id if isinstance(item_id, int) else None,
                block_id=block_id if isinstance(block_id, int) else None,
                extra={"event_id": event.id},
            )

    def _columns(self, table: str) -> frozenset[str]:
        known = self._table_columns.get(table)
        if known is None:
            known = frozenset(r[1] for r in self.conn.execute(f"PRAGMA table_info({table})"))
            self._table_columns[table] = known
        return known

    def _known_columns(self, table: str, row: dict[str, Any]) -> bool:
        """Whether every key of `row` is a column of `table` (the keys are written into
        SQL); remembered per set of keys, which repeat from row to row."""
        keys = (table, *row)
        known = self._checked_keys.get(keys)  # (a tuple of a row's keys is cheap)
        if known is None:
            known = set(row) <= self._columns(table)
            self._checked_keys[keys] = known
        return known

    def _recorded_changes(
        self, event: Event, verb: str, *, undo: bool
    ) -> list[tuple[str, Any, Any, Any]]:
        """The event's row changes as (table, row id, what the row must hold now, what
        it becomes), in the order to apply them. Checked first: another program may
        have written anything in `events.payload`, and only a well-formed record of
        known tables and columns is ever applied."""
        problem = event.problem
        steps: list[tuple[str, Any, Any, Any]] = []
        changes = event.payload.get("changes")
        if not problem and not isinstance(changes, list):
            problem = "no list of row changes"
        for change in changes if not problem and isinstance(changes, list) else ():
            if type(change) is not list or len(change) != 4:
                problem = "a change is not [table, row, before, after]"
                break
            table, pk, before, after = change
            if table not in UNDO_TABLES:
                problem = f"an unknown table {str(table)[:30]!r}"
                break
            if type(pk) is not int and type(pk) is not str:
                problem = f"a {table} row has no usable id"
                break
            if (before is None and after is None) or any(
                row is not None and type(row) is not dict for row in (before, after)
            ):
                problem = f"{table} row {pk} has no usable before and after"
                break
            # (the columns are checked where they are written into SQL: `_apply`,
            # `_apply_run`)
            steps.append((table, pk, after, before) if undo else (table, pk, before, after))
        if problem:
            raise PlanboardError(
                f"Can't {verb} “{event.summary}”: events row {event.id} is damaged "
                f"({problem}); nothing was changed."
            )
        if undo:
            steps.reverse()
        return steps

    def _apply_all(
        self,
        tx: _Tx,
        steps: list[tuple[str, Any, Any, Any]],
        *,
        conflict: ConflictError,
        damaged: Callable[[str, Any], PlanboardError],
        progress: Progress | None,
    ) -> None:
        """Apply (table, row id, what it holds now, what it becomes) in order. Runs of
        inserts or deletes of distinct rows of one table (an import has tens of
        thousands) are checked and written in batches; updates one row at a time."""
        total, done, index = len(steps), 0, 0
        while index < total:
            table, pk, want, target = steps[index]
            if want is not None and target is not None:
                if not self._known_columns(table, target):
                    raise damaged(table, pk)
                self._apply(tx, table, pk, want, target, conflict)
                index += 1
            else:
                deleting = target is None
                run: list[tuple[Any, Any, Any]] = []
                seen: set[Any] = set()
                end = min(total, index + REPLAY_BATCH)
                while index < end:
                    t, p, w, g = steps[index]
                    if t != table or (g is None) != deleting or (w is None) == deleting:
                        break
                    if p in seen:
                        break
                    run.append((p, w, g))
                    seen.add(p)
                    index += 1
                self._apply_run(
                    tx, table, "delete" if deleting else "insert", run, conflict, damaged
                )
            if progress is not None and (index - done >= REPLAY_BATCH or index == total):
                done = index
                progress(done, total)

    def _apply_run(
        self,
        tx: _Tx,
        table: str,
        kind: str,
        run: list[tuple[Any, Any, Any]],
        conflict: ConflictError,
        damaged: Callable[[str, Any], PlanboardError],
    ) -> None:
        key = _PK.get(table, "id")
        marks = ", ".join("?" for _ in run)
        cursor = self.conn.execute(
            f"SELECT * FROM {table} WHERE {key} IN ({marks})", [pk for pk, _, _ in run]
        )
        names = [d[0] for d in cursor.description]
        at = names.index(key)
        current = {values[at]: values for values in cursor}
        recorded: list[tuple[Any, dict[str, Any] | None, dict[str, Any] | None]] = []
        if kind == "delete":
            for pk, want, _ in run:
                values = current.get(pk)
                if values is None:
                    raise conflict
                # A row recorded whole, its columns in the table's order, compares as one
                # tuple (in C); the row is then exactly what was recorded.
                if list(want) == names and tuple(want.values()) == values:
                    recorded.append((pk, want, None))
                    continue
                row = dict(zip(names, values, strict=True))
                if any(row.get(k) != v for k, v in want.items()):
                    raise conflict
                recorded.append((pk, row, None))
            # One statement per batch: SQLite checks the rows pointing at each deleted
            # one far faster than with a statement per row.
            self.conn.execute(
                f"DELETE FROM {table} WHERE {key} IN ({marks})", [pk for pk, _, _ in run]
            )
            tx.record_many(table, recorded)
            return
        if current:
            raise conflict  # a row this would put back is there already
        by_shape: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for pk, _, target in run:
            row = {key: pk, **target}
            shape = tuple(row)
            if shape not in by_shape and not self._known_columns(table, row):
                raise damaged(table, pk)
            by_shape.setdefault(shape, []).append(tuple(row.values()))
            recorded.append((pk, None, row))
        tx.record_many(table, recorded)
        for shape, rows in by_shape.items():
            self.conn.executemany(
                f"INSERT INTO {table} ({', '.join(shape)}) VALUES "
                f"({', '.join('?' for _ in shape)})",
                rows,
            )

    def _apply(
        self,
        tx: _Tx,
        table: str,
        pk: Any,
        expected: dict[str, Any] | None,
        target: dict[str, Any] | None,
        conflict: ConflictError,
    ) -> None:
        """Take one row from `expected` to `target`, refusing if it no longer matches."""
        current = tx.row(table, pk)
        if expected is None:
            if current is not None:
                raise conflict
        else:
            if current is None or any(current.get(k) != v for k, v in expected.items()):
                raise conflict
        if target is None:
            tx.delete(table, pk)
        elif current is None:
            tx.insert(table, target)
        else:
            tx.update(table, pk, target)

    # ------------------------------------------------------------- outside rows

    @_reads
    def row_problems(self, quarter_id: int) -> list[str]:
        """The quarter's rows (and stakeholders) holding a value of the wrong type —
        written by another program — each naming its table, row and column."""
        return problems(self.conn, quarter_id)

    def tidy(self, quarter_id: int) -> Change | None:
        """Put positions right where another program left them missing, repeated or
        out of step (rows inserted with `sqlite3` or `sqlite-utils`): each list, block,
        the dropped items and the blocks numbered 0..n-1 again, in the order they were.
        Recorded in the log, stepped over by undo. None if nothing needed it (or the
        quarter is decided, hence read-only: there rows without a position show last)."""
        if self.readonly or not self._untidy(quarter_id) or self.quarter(quarter_id).is_decided:
            return None
        with self._write() as tx:
            self._densify(tx, quarter_id)
            if not tx.changes:
                return None
            count = len({(c[0], c[1]) for c in tx.changes})
            return self._finish(
                tx, "tidy", f"Put {count} row{'s' if count != 1 else ''} in order", quarter_id
            )

    def _untidy(self, quarter_id: int) -> bool:
        return bool(self.conn.execute(_UNTIDY_SQL, {"q": quarter_id}).fetchone()[0])

    def _densify(self, tx: _Tx, quarter_id: int) -> None:
        """Number every list, block, the dropped items and the blocks 0..n-1, keeping
        their order (rows without a usable position go last)."""
        if not self._untidy(quarter_id):
            return
        order = "ORDER BY typeof({0}) != 'integer', {0}, id"
        lists = self.conn.execute(
            "SELECT DISTINCT stakeholder_id FROM items WHERE quarter_id = ?", (quarter_id,)
        ).fetchall()
        for (owner,) in lists:
            rows = self.conn.execute(
                "SELECT id, position FROM items WHERE quarter_id = ? AND stakeholder_id IS ? "
                + order.format("position"),
                (quarter_id, owner),
            ).fetchall()
            tx.renumber("items", "position", rows, Place.of_list(owner))
        for (row_id,) in self.conn.execute(
            "SELECT id FROM items WHERE quarter_id = ? AND block_id IS NULL AND status = 'open' "
            "AND place_position IS NOT NULL",
            (quarter_id,),
        ).fetchall():
            tx.update("items", row_id, {"place_position": None})
        places = [Place.dropped()] + [
            Place.block(r[0])
            for r in self.conn.execute(
                "SELECT DISTINCT block_id FROM items WHERE quarter_id = ? AND block_id IS NOT NULL",
                (quarter_id,),
            )
        ]
        for place in places:
            if place.is_block:
                sql = "SELECT id, place_position FROM items WHERE block_id = ? "
                args: tuple[Any, ...] = (place.ref,)
            else:
                sql = (
                    "SELECT id, place_position FROM items WHERE quarter_id = ? "
                    "AND status = 'dropped' "
                )
                args = (quarter_id,)
            rows = self.conn.execute(sql + order.format("place_position"), args).fetchall()
            tx.renumber("items", "place_position", rows, place)
        rows = self.conn.execute(
            "SELECT id, position FROM blocks WHERE quarter_id = ? " + order.format("position"),
            (quarter_id,),
        ).fetchall()
        tx.renumber("blocks", "position", rows, None)


def _dense(column: str) -> str:
    """True for a group whose `column` is not exactly 0..n-1."""
    return (
        f"(COUNT(*) != COUNT(DISTINCT {column}) OR MIN({column}) != 0 "
        f"OR MAX({column}) != COUNT(*) - 1 OR SUM(typeof({column}) != 'integer') > 0)"
    )


_UNTIDY_SQL = (
    "SELECT EXISTS (SELECT 1 FROM items WHERE quarter_id = :q GROUP BY stakeholder_id "
    f"HAVING {_dense('position')}) "
    "OR EXISTS (SELECT 1 FROM items WHERE quarter_id = :q AND block_id IS NOT NULL "
    f"GROUP BY block_id HAVING {_dense('place_position')}) "
    "OR (SELECT COUNT(*) > 0 AND "
    f"{_dense('place_position')} FROM items WHERE quarter_id = :q AND status = 'dropped') "
    "OR EXISTS (SELECT 1 FROM items WHERE quarter_id = :q AND block_id IS NULL "
    "AND status = 'open' AND place_position IS NOT NULL) "
    f"OR (SELECT COUNT(*) > 0 AND {_dense('position')} FROM blocks WHERE quarter_id = :q)"
)


def open_store(path: str | Path, **kwargs: Any) -> Store:
    return Store.open(path, **kwargs)
