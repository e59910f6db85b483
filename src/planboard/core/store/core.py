"""The core of the store: the connection, the write transaction and the `events` row each
write appends (the undo log), and the messages for what SQLite refuses.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import kept
from ..clock import SYSTEM_CLOCK, Clock
from ..db import Opened, note_wal_owner, wrap
from ..errors import BusyError, ConflictError, CorruptBoardError, PlanboardError, ReadOnlyError
from ..model import Change, Event
from ..rows import CHANGES_AT, dump_payload, load_payload, load_payload_text
from ..rules import why_read_only
from ..sidecar import sidecar
from ..text import clean_line
from ..vectors import Waiting
from ..wal import identity as _identity
from ..wal import set_aside
from .tx import END_REDO, TRANSPARENT, _Tx

if TYPE_CHECKING:
    from pathlib import Path

    from sqlite_utils import Database

_UNSET: Any = object()

# A payload this long (in characters) is kept, parsed, after a replay read it: the redo
# after an undo (or the undo after a redo) reads the same record again.
HELD_PAYLOAD = 256 * 1024
LARGEST_ID = 2**63 - 1  # SQLite's largest id: a table whose ids reach it takes no more rows


def _quote(text: str, limit: int = 40) -> str:
    """A title for a one-line summary: quoted, shortened."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"“{text}”"


def _event(row: Sequence[Any]) -> Event:
    """An events row; a payload another program damaged reads as empty, and says why."""
    payload, problem = load_payload(row[6])
    return Event(row[0], row[1], row[2], row[3], row[4], bool(row[5]), payload, problem)


def _reads(method: Callable[..., Any]) -> Callable[..., Any]:
    """A read that meets a damaged or busy file raises a `PlanboardError` with a
    message, never a raw sqlite3 error."""

    @functools.wraps(method)
    def wrapper(self: StoreCore, *args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return method(self, *args, **kwargs)
            except sqlite3.OperationalError as error:
                if not self._tolerate_bad_text(error):
                    raise
                return method(self, *args, **kwargs)
        except sqlite3.Error as error:
            raise StoreCore._translate(error, reading=True) from error

    return wrapper


def _tolerant_text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


reads = _reads
"""For code outside the store that reads through `store.conn`: a damaged or busy file
raises a `PlanboardError` with a message, never a raw sqlite3 error."""

SIDECARS = ("-wal", "-shm")


def _gone(path: Path) -> bool:
    """The path names nothing, in a folder that is still there (not a folder that can't
    be read for the moment: the board may still be there, with its `-wal`). Through a
    symbolic link: the file it leads to (beside which its `-wal` is)."""
    path = sidecar(path, "")
    try:
        os.lstat(path)
    except FileNotFoundError:
        return path.parent.is_dir()
    except OSError:
        return False
    return False


class StoreCore:
    """The store's core: one open board file and its write transaction."""

    def __init__(self, opened: Opened, clock: Clock = SYSTEM_CLOCK) -> None:
        self._opened = opened
        # The board is open here: descriptors of its file stay open until `close`
        # (closing one would drop SQLite's locks on it; see `kept`).
        self._kept = kept.hold(opened.path)
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
        self._sidecars = {end: _identity(sidecar(self.path, end)) for end in SIDECARS}
        self.lost = ""
        # Per quarter, `PRAGMA data_version` when its positions were last seen in order
        # (`tidy`), and the last event then: while the version is unchanged, no other
        # connection has committed since, and what happened after that event is all in
        # this store's log.
        self._tidy_at: dict[int, tuple[int, int]] = {}
        # The rows a quarter's last tidy found with a position that was not a whole
        # number, named for a status line (taken by the screen that says it).
        self.tidy_named: dict[int, str] = {}
        # The last move's transaction once committed, and (`PRAGMA data_version`, this
        # connection's `total_changes`) just after it: while both are unchanged nothing
        # has written to the file since, and the next move takes what it knew as read
        # (see `_move_tx`).
        self._moved: _Tx | None = None
        self._moved_at: tuple[int, int] | None = None
        self._wrote = False
        # Meaning vectors computed before this planboard wrote anything (see
        # `save_item_vectors`): rows (item id, hash, vector), oldest first.
        self._pending_vectors = Waiting()
        # The last large payload a replay read: (event id, its text, parsed, where the
        # text of its changes ends). Dropped by the next action not an undo or redo.
        self._held_payload: tuple[int, str, dict[str, Any], int | None] | None = None
        self._owner_noted = "" if self.readonly else note_wal_owner(self.path)

    def _forget_order(self) -> None:
        """Forget the places seen in order (another connection, or a file restored)."""
        self._tidy_at = {}
        self._moved, self._moved_at = None, None

    def now(self) -> datetime:
        """The current moment on this store's clock."""
        return self.clock.now()

    @property
    def db(self) -> Database:
        """The file through sqlite-utils (for schema work, imports and exports)."""
        if self._db is None:
            self._db = wrap(self.conn)
        return self._db

    @contextmanager
    def _write(self, *, move: bool = False) -> Iterator[_Tx]:
        """One user action: `BEGIN IMMEDIATE` ... `COMMIT`, rolled back on any error.

        sqlite-utils' own `atomic()` starts a deferred transaction; a read-then-write
        needs the write lock up front, or it fails on meeting another writer.

        `move`: a move's transaction (`_move_tx`). It looks at the file once, just
        before its commit, not before it begins too: that look is the one that keeps a
        change from a file the path no longer names (a file replaced before the
        transaction began is still another file then), and until the commit a move's
        few pages stay in SQLite's cache, nothing of them in the `-wal`.
        """
        if self.lost if move else self.check_file():
            raise ReadOnlyError(f"Not saved: {self.readonly_reason}.")
        if self.readonly:
            raise ReadOnlyError(why_read_only(None, file_reason=self.readonly_reason))
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise self._translate(error) from error
        try:
            yield self._move_tx() if move else _Tx(self.conn)
            # Again before it is committed: a long action (an import of 200,000 lines,
            # 7 s) whose file was replaced or removed meanwhile was reported done.
            if self.check_file():
                raise ReadOnlyError(f"Not saved: {self.readonly_reason}.")
        except BaseException as error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                raise self._not_written(error) from error
            if move and isinstance(error, PlanboardError) and self.check_file():
                # (A move looks at the file before its commit only: one refused before
                # then, on a file replaced meanwhile, says that, not why it was refused.)
                raise ReadOnlyError(f"Not saved: {self.readonly_reason}.") from error
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise self._not_written(error) from error
        self._wrote = True

    def _move_tx(self) -> _Tx:
        """A move's transaction, just begun. While nothing has written to the file since
        the last move committed (the same `PRAGMA data_version`: no other connection
        has committed; the same `total_changes`: this one has written nothing else),
        the file is as that move left it, and what it knew holds: the quarters as they
        were (a move writes none), the blocks it read, the blocks and dropped areas it
        left numbered 0..n-1 (see `_numbered`), the quarters whose redo stack it ended
        (none of their events can be redone). Else they are read again."""
        seen = (self._data_version_now(), self.conn.total_changes)
        moved = self._moved if seen == self._moved_at else None
        if moved is None:
            tx = _Tx(self.conn)
        else:
            tx = _Tx(self.conn, moved.began)
            tx.in_order = {**moved.in_order, **moved.numbered}
            tx.blocks_read = dict(moved.blocks_read)
            tx.redo_ended = set(moved.redo_ended)
        tx.seen = seen
        return tx

    def _data_version_now(self) -> int:
        """`PRAGMA data_version`: it changes when another connection commits."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def _moved_tx(self, tx: _Tx) -> None:
        """A move's transaction `tx` is committed: what it knew holds until something
        else writes to the file (`_move_tx`). (A transaction that wrote a quarter or a
        block is not kept: a move writes neither.)"""
        if tx.seen is None or tx.quarters or tx.blocks:
            self._moved, self._moved_at = None, None
            return
        self._moved, self._moved_at = tx, (tx.seen[0], self.conn.total_changes)

    def _not_written(self, error: sqlite3.Error) -> PlanboardError:
        """Why a write failed, rolled back. SQLite says "database or disk is full" too
        when a table's ids have reached the largest it allows (another program wrote
        that id): said as such, where it sent the user to free disk space."""
        if "full" in str(error):
            with contextlib.suppress(sqlite3.Error):
                row = self.conn.execute(
                    "SELECT name FROM sqlite_sequence WHERE seq >= ? LIMIT 1", (LARGEST_ID,)
                ).fetchone()
                if row is not None:
                    return PlanboardError(
                        f"Could not save: an id in the {clean_line(str(row[0]))} table is "
                        f"the largest SQLite allows ({LARGEST_ID}), written by another "
                        "program: no row can be added to that table after it. Nothing "
                        "was changed."
                    )
        return self._translate(error)

    def save_item_vectors(self, rows: Iterable[tuple[Any, str, bytes]]) -> None:
        """Keep computed meaning vectors (a cache: no event, nothing to undo). They are
        held here and go into the file with `flush_item_vectors`, a slice at a time and
        only once this planboard has written something (opening a board and quitting
        leaves the file exactly as it was); `close` writes what is left. Skipped quietly
        when the board can't be written. `Rows` are held as they are, not copied; of
        two rows for an item, the later counts."""
        if self.readonly:
            return
        self._pending_vectors.add(rows)

    @property
    def has_written(self) -> bool:
        """Whether this planboard has written to the file since it opened it."""
        return self._wrote

    def waiting_vectors(self) -> list[tuple[Any, str, bytes]]:
        """The vectors held for the file (`save_item_vectors`), as rows: a copy, for a
        thread to add to what it reads (`item_vectors_apart`)."""
        return list(self._pending_vectors)

    @property
    def vectors_held(self) -> int:
        """How many meaning vectors wait for `flush_item_vectors`."""
        return len(self._pending_vectors)

    def flush_item_vectors(self, limit: int | None = None) -> int:
        """Write up to `limit` held vectors (all of them: None) in one transaction of
        their own, once this planboard has written something; returns how many are still
        held. A screen calls it between frames, so that no action waits for the cache."""
        if not self._pending_vectors or not self._wrote or self.readonly or self.lost:
            return len(self._pending_vectors)
        rows = self._pending_vectors.head(limit)
        try:
            with self._write():
                self.conn.executemany(
                    "INSERT OR REPLACE INTO item_vectors (item_id, hash, vector) "
                    "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM items WHERE id = ?1)",
                    rows,
                )
        except PlanboardError:
            return len(self._pending_vectors)
        self._pending_vectors.drop(len(rows))
        return len(self._pending_vectors)

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

    def _replay_event(self, row: Sequence[Any]) -> tuple[Event, str | None]:
        """An events row read to be replayed, with the text of its changes as stored
        (see `load_payload_text`). A large one is kept parsed while undo and redo go
        back and forth over it; it is used again only if its text is the same."""
        raw, held = row[6], self._held_payload
        if held is not None and held[0] == row[0] and held[1] == raw:
            payload, problem, end = held[2], "", held[3]
            changes_text = raw[CHANGES_AT:end] if end is not None else None
        else:
            payload, problem, changes_text = load_payload_text(raw)
            if not problem and isinstance(raw, str) and len(raw) >= HELD_PAYLOAD:
                # (where its changes end, not a second copy of their text)
                end = CHANGES_AT + len(changes_text) if changes_text is not None else None
                self._held_payload = (row[0], raw, payload, end)
        event = Event(row[0], row[1], row[2], row[3], row[4], bool(row[5]), payload, problem)
        return event, changes_text

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
        changes_text: str | None = None,
    ) -> Change:
        """Append the action's `events` row (if it changed anything) and describe it.
        `changes_text` is the JSON of `tx.changes` when it is known already."""
        if action not in ("undo", "redo"):
            self._held_payload = None
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
            if action not in TRANSPARENT and quarter_id not in tx.redo_ended:
                # A new action ends the redo stack: what was undone can't come back.
                # (Not again once ended, nothing having written since: `_move_tx`.)
                self.conn.execute(END_REDO, (quarter_id,))
                tx.redo_ended.add(quarter_id)
            cursor = self.conn.execute(
                "INSERT INTO events (at, quarter_id, action, summary, payload) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    self.clock(),
                    quarter_id,
                    action,
                    summary,
                    dump_payload(payload, changes_text=changes_text),
                ),
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

    def _tolerate_bad_text(self, error: sqlite3.Error) -> bool:
        """Text another program stored as TEXT that is not UTF-8 can't be decoded: from
        then on this connection reads it with the bad bytes shown as �. True if that is
        what `error` was (and the read is worth trying again)."""
        if "decode" not in str(error) or self.conn.text_factory is _tolerant_text:
            return False
        self.conn.text_factory = _tolerant_text
        return True

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
        if now is not None or _gone(self.path):
            # (removed: a file made at the path later must not read them either)
            self._move_sidecars_aside()
        return reason

    def _move_sidecars_aside(self) -> None:
        set_aside(self.path, self._sidecars)  # (ours only: not the other file's own)
