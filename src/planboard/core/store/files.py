"""The file itself: opening and closing it, copies, backups and restoring one, and a
viewer taking over once the other planboard has gone.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path
from typing import Self

from .. import kept
from ..backup import (
    RESTORING,
    backup_path,
    backups_of,
    board_id_of,
    check_backup,
    read_only_uri,
    restore_into,
    write_backup,
    write_copy,
)
from ..clock import SYSTEM_CLOCK, Clock
from ..db import (
    Found,
    clear_wal_owner,
    forget_gone_wal,
    migrate,
    note_wal_owner,
    open_board_file,
    reopen_writable,
    tidy_after_reading,
    tidy_after_serving,
)
from ..errors import PlanboardError, ReadOnlyError, UpgradeStopped
from ..lock import OTHER_WRITER
from ..model import quarter_of
from ..paths import user_path
from ..rules import why_read_only
from ..schema import SCHEMA_VERSION
from ..sidecar import sidecar
from .core import SIDECARS, _identity
from .reading import StoreReads


class StoreFiles(StoreReads):
    """The file itself: open, close, copies, backups, restore, a viewer taking over."""

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        create: bool = True,
        readonly: bool = False,
        clock: Clock = SYSTEM_CLOCK,
        first_quarter: str | None = None,
        found: Found = None,
    ) -> Self:
        """Open (or create) a board file. A new board gets a first quarter. `found` is
        called once the file is known to be a board (not a new one), before the pass
        over the whole file that checks it and any upgrade: what can go on beside them
        (`planboard` loads its screens' code)."""
        store = cls(open_board_file(path, create=create, readonly=readonly, found=found), clock)
        try:
            store._first_quarter(first_quarter)
        except BaseException:
            store.close()
            raise
        return store

    def _first_quarter(self, first_quarter: str | None) -> None:
        """A new board gets a first quarter."""
        if self.created and not self.quarters():
            now = self.now()
            name = first_quarter or quarter_of(now.year, now.month)
            with self._write() as tx:
                quarter_id = tx.insert(
                    "quarters",
                    {
                        "name": name,
                        "status": "preparing",
                        "vision": "",
                        "created_at": self.clock(),
                    },
                )
                self._finish(
                    tx,
                    "create_board",
                    f"Created the board with {name}",
                    quarter_id,
                    undoable=False,
                )

    def interrupt(self) -> None:
        """Stop the statement another thread runs on this store's connection (a long
        action's, as planboard quits): it fails, and its transaction is rolled back."""
        if self.conn is not None:
            self.conn.interrupt()

    def close(self) -> None:
        if self.conn is None:
            return
        self.check_file()
        with contextlib.suppress(PlanboardError, sqlite3.Error):
            self.flush_item_vectors()  # (nothing unless this planboard has written)
        readonly, conn, self.conn = self.readonly, self.conn, None  # type: ignore[assignment]
        if self._wrote and not readonly:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA optimize")  # only after changes: opening writes nothing
        if not readonly and (self._wrote or _wal_holds_frames(self.path)):
            # The changes into the file itself: SQLite does it as the last connection
            # closes, but with `serve` or a viewer still reading, they stayed in the
            # -wal, and the file alone (copied, sent) was hours out of date. Those of a
            # planboard killed before it could too (as SQLite would, were it the last).
            _write_into_file(conn)
        conn.close()
        clear_wal_owner(self.path, self._owner_noted)
        if self._opened.lock is not None:  # after SQLite has let go of the file
            self._opened.lock.release()
        if readonly and not self.lost:
            tidy_after_reading(self._opened)
            made_wal = not self._opened.sidecars_before.get("-wal", False)
            if self.viewer or (made_wal and _wal_holds_frames(self.path)):
                # The writer may have quit a moment ago, while this viewer still read
                # (or another planboard wrote during a read-only look that made the
                # -wal: a restore; one a killed planboard left is left as it was):
                # SQLite kept the -wal for it, and a viewer can't write it back. A
                # moment's writable connection lets SQLite finish that (only if nobody
                # else has the board open; what it writes is what the writer saved).
                tidy_after_serving(self.path)
        kept.let_go(self._kept)  # (every connection of this store is closed by now)
        self._kept = None
        forget_gone_wal(self.path)

    def save_copy(self, dest: str | os.PathLike[str]) -> Path:
        """Write the board as this planboard has it to a new file (SQLite's backup API
        from the open connection: it works even when the file was replaced or removed).
        Refuses an existing file. Returns the path written."""
        target = user_path(str(dest))
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
            # What is wrong with the backup, said once (it names the backup), and that
            # nothing happened, unless it says so already.
            message = str(error)
            if "nothing was changed" not in message:
                message += " Nothing was restored."
            raise PlanboardError(message) from error
        made = self.path.with_name(f".{self.path.name}.{RESTORING}")
        try:
            source = backup
            if theirs is None or schema_version(backup) < SCHEMA_VERSION:
                # From an older planboard: upgraded, and given this board's identity, in
                # a copy first, so that the board takes it whole in one step (a backup
                # that can't be upgraded, or a kill -9 meanwhile, leaves it as it was).
                source = _upgraded_copy(backup, made, identity if theirs is None else None)
            # (None pruned: the backup being restored may be the oldest, and the
            # numbers a listing gave stay; the next backup prunes to ten.)
            safety = write_backup(self.conn, backup_path(self.path, "before-restore"))
            restore_into(self.conn, source)
            self._forget_order()  # (through this connection: its data version stays put)
        except UpgradeStopped as error:
            raise PlanboardError(
                f"Could not restore {backup.name}: it is from an older planboard, and it "
                f"could not be upgraded ({error.step}). Nothing was restored."
            ) from error
        except (OSError, sqlite3.Error, PlanboardError) as error:
            raise PlanboardError(f"Could not restore {backup.name}: {error}.") from error
        finally:
            _remove_with_sidecars(made)
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
        self._forget_order()  # (another connection counts its versions afresh)
        self.readonly, self.readonly_reason = False, ""
        self._sidecars = {end: _identity(sidecar(self.path, end)) for end in SIDECARS}
        self._owner_noted = note_wal_owner(self.path)
        return True

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _wal_holds_frames(path: Path) -> bool:
    """Whether the board's -wal holds anything (a header, at least: SQLite empties it to
    nothing once it is all in the file)."""
    try:
        return sidecar(path, "-wal").stat().st_size > 0
    except OSError:
        return False


def _write_into_file(conn: sqlite3.Connection, tries: int = 5) -> None:
    """SQLite's checkpoint: what the -wal holds, into the file. A reader in the middle
    of a read (`serve` refreshing its page) holds back the frames after its snapshot:
    tried again a few times, a moment apart."""
    for attempt in range(tries):
        try:
            row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            return
        if row is None or row[1] < 0 or row[2] >= row[1]:
            return  # (not in WAL mode, or every frame is in the file)
        if attempt < tries - 1:
            time.sleep(0.02)


def schema_version(path: Path) -> int:
    """The schema version a board file (a backup) is at, read without changing it."""
    wal = sidecar(path, "-wal").exists()  # (read with it, as `restore_into` reads it)
    conn = sqlite3.connect(read_only_uri(path) + ("" if wal else "&immutable=1"), uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _upgraded_copy(backup: Path, copy: Path, identity: str | None) -> Path:
    """`backup` copied to `copy` (hidden, beside the board), brought to this planboard's
    schema and, given `identity`, carrying it (a backup from before boards had one)."""
    _remove_with_sidecars(copy)  # (one a kill -9 left)
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        restore_into(conn, backup)
        migrate(conn, copy, keep_copy=False)
        if identity is not None:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES ('board_id', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (identity,),
            )
    finally:
        conn.close()
    return copy


def _remove_with_sidecars(path: Path) -> None:
    for name in (path, *(sidecar(path, end) for end in ("-journal", "-wal", "-shm"))):
        with contextlib.suppress(FileNotFoundError):
            name.unlink()
