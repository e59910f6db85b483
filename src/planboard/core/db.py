"""Opening a board file: inspection before touching, connection settings, migrations.

Nothing here writes to a file before it has been recognised as a board (or is new):
a file that is refused is left byte for byte as it was.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from . import kept
from .backup import backup_board, file_uri, quick_check, remove_partials
from .errors import (
    BoardFileError,
    CorruptBoardError,
    NewerSchemaError,
    NotABoardError,
    NotSQLiteError,
    UpgradeStopped,
)
from .lock import OTHER_WRITER, WriterLock, writer_is_active
from .opened import Opened as Opened
from .paths import writable_reason
from .schema import APPLICATION_ID, BOARD_TABLES, MIGRATIONS, SCHEMA_VERSION
from .sidecar import an_io_error, no_room_beside, sidecar, wal_out_of_reach
from .wal import clear_wal_owner as clear_wal_owner
from .wal import drop_unused_sidecars, stale_wal
from .wal import forget_gone_wal as forget_gone_wal
from .wal import note_wal_owner as note_wal_owner

if TYPE_CHECKING:
    from sqlite_utils import Database

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
# Called once a file being opened is known to be a board, before its check and upgrade.
Found = Callable[[], None] | None


def load_sqlite_utils() -> type[Database]:
    """Import sqlite-utils without letting it pull in numpy and pandas.

    sqlite-utils imports both when they are installed, only to map their scalar types;
    planboard never hands it such values, and the import costs more than Textual's.
    """
    if "sqlite_utils" not in sys.modules:
        blocked = [name for name in ("numpy", "pandas") if name not in sys.modules]
        for name in blocked:
            sys.modules[name] = None  # type: ignore[assignment]  # makes the import fail
        try:
            import sqlite_utils  # noqa: F401
        finally:
            for name in blocked:
                del sys.modules[name]
    from sqlite_utils import Database

    return Database


def wrap(conn: sqlite3.Connection) -> Database:
    """A sqlite-utils view of a connection (imported on first use: opening a board
    that needs no migration does not pay for the import)."""
    return load_sqlite_utils()(conn, recursive_triggers=False, execute_plugins=False)


def _uri(path: Path, mode: str) -> str:
    uri = file_uri(path, mode)
    wal = sidecar(path, "-wal")
    if mode == "ro" and _no_writes_in(path.resolve().parent) and not wal.exists():
        # Nobody can be writing in a read-only folder: read the file as it is, without
        # the shared-memory file SQLite would otherwise need to create beside it.
        uri += "&immutable=1"
    return uri


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection of its own that only reads the board at `path` (whatever its name
    holds: `#`, `?`, `%`, spaces), for work beside the app's own connection."""
    conn = sqlite3.connect(_uri(path, "ro"), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def tidy_after_serving(path: str | os.PathLike[str]) -> None:
    """Let SQLite remove the `-wal` and `-shm` files beside a board in WAL mode once
    every read-only connection to it is closed.

    SQLite creates both for any connection to a WAL board, read-only ones included, but
    only a connection that may write removes them, when it is the last to close (first
    moving into the board what the `-wal` holds: commits a writer made while the
    read-only connections kept it from doing so itself). So this opens such a
    connection, reads, and closes it. SQLite does the rest exactly as when planboard
    closes a board: nothing at all if another program still has the board open, and
    nothing is ever written to the board but what others committed.
    """
    path = Path(path)
    if not sidecar(path, "-wal").exists() or not path.is_file() or stale_wal(path):
        return  # (a `-wal` that can't be the board's own is never applied to it)
    if writable_reason(path):
        # A board this user may not write (SQLite would open it read-only all the same,
        # and keep them): they go here when no other program uses them, nor a board open
        # here.
        if not _no_writes_in(path.resolve().parent) and not kept.held_here(path):
            drop_unused_sidecars(path)
        return
    try:
        conn = sqlite3.connect(_uri(path, "rw"), uri=True, timeout=1.0)
    except sqlite3.Error:
        return
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        pass
    finally:
        conn.close()
    forget_gone_wal(path)


def _no_writes_in(folder: Path) -> bool:
    try:
        return not os.access(folder, os.W_OK) or not (folder.stat().st_mode & 0o222)
    except OSError:
        return True


def _inspect(
    path: Path, looked: Callable[[int, int, set[str]], None] | None = None
) -> tuple[int, int, set[str], str]:
    """Application id, user version, table names and `PRAGMA quick_check`'s verdict, read
    without writing; `looked` gets the first three before the check (20 ms at 50,000)."""
    made = not sidecar(path, "-wal").exists() and not sidecar(path, "-shm").exists()
    try:
        conn = sqlite3.connect(_uri(path, "ro"), uri=True)
    except sqlite3.Error as error:
        raise BoardFileError(f"Cannot open {path}: {error}.") from error
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if looked is not None:
            looked(app_id, version, tables)
        check = quick_check(conn)
    except sqlite3.DatabaseError as error:
        if "not a database" in (message := str(error)) or "file is encrypted" in message:
            raise NotSQLiteError(
                f"{path} is not a planboard file (it is not a readable SQLite database)."
            ) from error
        conn.close()
        if an_io_error(error) and (no_room := no_room_beside(path)):
            if made and not kept.held_here(path):
                drop_unused_sidecars(path)  # (the empty -wal and the cut -shm it began)
            raise BoardFileError(no_room) from error
        if out_of_reach := wal_out_of_reach(path, error):  # (not damage: a read-only folder)
            raise BoardFileError(out_of_reach) from error
        if isinstance(error, sqlite3.OperationalError) and "locked" in message:
            raise BoardFileError(  # (not damage: another program holds it, for now)
                f"{path} is locked by another program ({message}): try again once it is "
                "done with the file. Nothing was changed."
            ) from error
        raise CorruptBoardError(f"{path} looks damaged: {message}.") from error
    finally:
        conn.close()
    return app_id, version, tables, check


def _connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(
            _uri(path, "ro"), uri=True, isolation_level=None, check_same_thread=False
        )
    else:
        conn = sqlite3.connect(
            str(path),
            isolation_level=None,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        # Switching to WAL needs the file to itself, and SQLite does not wait for it
        # (the busy timeout does not cover it): retry while another process opens it.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                break
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    conn.close()
                    raise
                time.sleep(0.02)
        # FULL: a commit is on disk before planboard shows it as done.
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def migrate(conn: sqlite3.Connection, path: Path, *, keep_copy: bool = True) -> None:
    """Bring the file to the current schema, all pending steps in one transaction.

    A second connection takes the write lock first (so another planboard starting at the
    same moment waits, then finds the work done); while it holds the lock, `conn` copies
    the file as it was into a backup beside it (`keep_copy`: not for a copy made to be
    upgraded, a backup about to be restored). The backup API can't run on a connection
    that is itself inside a write transaction, hence the two connections.
    """
    if conn.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
        return
    lock = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        lock.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Off while tables are rebuilt, as SQLite's own procedure for schema changes
        # asks: dropping the old table must not check (or fail on) the rows pointing at
        # it, including rows another program left pointing nowhere.
        lock.execute("PRAGMA foreign_keys = OFF")
        lock.execute("BEGIN IMMEDIATE")
        try:
            version = lock.execute("PRAGMA user_version").fetchone()[0]
            if version >= SCHEMA_VERSION:
                lock.execute("COMMIT")  # another process just did it
                return
            if version >= 1 and keep_copy:
                # An existing board about to be upgraded: keep a copy as it was.
                try:
                    backup_board(conn, path, f"before-schema-v{SCHEMA_VERSION}")
                except OSError as error:
                    raise BoardFileError(
                        f"{path} needs an upgrade, but a backup could not be written first "
                        f"({error.strerror or error}); nothing was changed."
                    ) from error
            db = wrap(lock)
            for migration in MIGRATIONS:
                if version < migration.version:
                    try:
                        migration.apply(db)
                    except sqlite3.IntegrityError as error:
                        # (A row another program wrote that the step can't take: the
                        # whole upgrade is rolled back below.)
                        step = (
                            f"its step to schema v{migration.version} ({migration.name}) "
                            f"stopped on a row: {error}"
                        )
                        raise UpgradeStopped(
                            f"{path} could not be upgraded: {step}. The upgrade was undone; "
                            f"the board is as it was, at schema v{version}, with a copy of "
                            "it beside it.",
                            step,
                        ) from error
                    lock.execute(f"PRAGMA user_version = {migration.version}")
        except BaseException:
            if lock.in_transaction:
                lock.execute("ROLLBACK")
            raise
        lock.execute("COMMIT")
    finally:
        lock.close()


def open_board_file(
    path: str | os.PathLike[str],
    *,
    create: bool = True,
    readonly: bool = False,
    found: Found = None,
) -> Opened:
    """Open `path` as a board, creating it if it does not exist (and `create`). `found`
    is called once the file is known to be a board (never for a new one), before it is
    checked through and upgraded.

    Raises a `BoardFileError` with a message for the user when the file is not a
    board, is written by a newer planboard, or can't be opened; the file is untouched.
    """
    path = Path(path)
    if path.is_dir() or not path.name:  # (".", "/", "": a folder, however written)
        raise BoardFileError(f"{path} is a folder, not a board file.")
    try:
        os.stat(path)
    except FileNotFoundError:
        pass  # a new board (or a link to one still to be made)
    except OSError as error:  # a link that loops, a path through a file, …
        raise BoardFileError(f"Cannot open {path}: {error.strerror}.") from error
    for end in ("-wal", "-shm"):
        beside = sidecar(path, end)
        if os.path.lexists(beside) and not beside.is_file():
            # SQLite would open it, block on it, or remove it on closing.
            raise BoardFileError(
                f"{beside} is not a regular file (a pipe, a device or a folder), and SQLite "
                f"keeps the board's {end} there: planboard won't open {path} beside it."
            )
    return _open_board_file(path, create=create, readonly=readonly, found=found)


def _open_board_file(path: Path, *, create: bool, readonly: bool, found: Found) -> Opened:
    before = sidecars_of(path)
    if path.exists() and not path.is_file():
        # A device, a named pipe, a socket: reading it could block or write elsewhere.
        raise BoardFileError(f"{path} is not a regular file, so it can't be a board.")
    if not path.exists():
        _create_missing(path, create=create, readonly=readonly)
    header = _header(path)
    created = not header  # an empty file: nothing to lose, it becomes a new board
    stale = stale_wal(path)
    if stale:
        raise BoardFileError(stale)

    reason = "as asked with --read-only" if readonly else writable_reason(path)
    ro = bool(reason)
    if created and readonly:
        # (read-only asked: serve, a look, a command that reads; nothing is made here)
        raise BoardFileError(f"{path} is empty, not a board.")
    if created and ro:
        raise BoardFileError(f"{path} is empty, not a board, and can't be made one: {reason}.")

    version = 0
    if not ro and _being_created(path, header):
        # Another planboard is making this new board right now: look at it once made.
        _wait_for_upgrade(path, new=True)
        created = False
    if not created:
        try:
            created, version, damage = _inspect_board(path, ro, reason, found)
        except BoardFileError:
            # Refused: the look at it leaves nothing behind either.
            tidy_sidecars(path, before)
            raise
        if damage:
            # Show what can be read; never write to a damaged file.
            reason, ro = damage, True
    lock, reason, ro, created = _writer_lock(path, ro, reason, created, version)
    conn = _open_connection(path, ro, lock)
    return Opened(
        conn=conn,
        path=path,
        readonly=ro,
        created=created,
        readonly_reason=reason,
        lock=lock,
        sidecars_before=before,
    )


def _create_missing(path: Path, *, create: bool, readonly: bool) -> None:
    """Make `path`, which does not exist, an empty file (a board once migrated), or say
    why it can't be."""
    if not create:
        raise BoardFileError(f"{path} does not exist.")
    if readonly:  # (to look, or to serve it: nothing is made, whatever the folder)
        raise BoardFileError(f"{path} does not exist (read-only: no board is made).")
    if not path.resolve().parent.is_dir():
        raise BoardFileError(
            f"Cannot create {path}: the folder {path.resolve().parent} does not exist."
        )
    stale = stale_wal(path)
    if stale:
        raise BoardFileError(stale)
    reason = writable_reason(path)
    if reason:
        raise BoardFileError(f"Cannot create a board at {path}: {reason}.")
    _create_empty(path)  # now an empty file, mine or another planboard's


def _header(path: Path) -> bytes:
    """The file's first 100 bytes (empty for an empty file); refuses a file that is
    not SQLite."""
    try:
        header = kept.read_head(path, 100)  # (never a descriptor closed: `kept`)
    except OSError as error:
        raise BoardFileError(f"Cannot read {path}: {error.strerror}.") from error
    if header and not header.startswith(SQLITE_HEADER):
        raise NotSQLiteError(f"{path} is not a planboard file (it is not an SQLite database).")
    return header


def _inspect_board(path: Path, ro: bool, reason: str, found: Found) -> tuple[bool, int, str]:
    """An SQLite file looked at before it is opened for good: whether it is still to
    become a board (an SQLite file with nothing in it), its schema version, and why it
    may only be read ("" unless damaged). Refuses what is not a board, a newer one, one
    that needs an upgrade it can't have, and a damaged one too old to show."""

    def looked(app_id: int, version: int, tables: set[str]) -> None:
        # (A board opened unless damaged: never a file refused at once.)
        if (
            found is not None
            and app_id == APPLICATION_ID
            and (version == SCHEMA_VERSION or (1 <= version < SCHEMA_VERSION and not ro))
            and tables >= BOARD_TABLES
        ):
            found()

    app_id, version, tables, check = _inspect(path, looked)
    created = False
    if app_id != APPLICATION_ID:
        if app_id == 0 and version == 0 and not tables:
            created = True  # an SQLite file with nothing in it
            if ro:
                raise BoardFileError(f"Cannot create a board at {path}: {reason}.")
        else:
            raise NotABoardError(
                f"{path} is an SQLite database, but not a planboard board "
                f"(its tables: {', '.join(sorted(tables)) or 'none'})."
            )
    elif version < 0:  # (another program's: no planboard writes one)
        raise CorruptBoardError(
            f"{path} is a damaged board: its schema version ({version}) is not one "
            "planboard writes. Nothing was changed."
        )
    elif version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{path} was written by a newer planboard (schema version {version}; "
            f"this planboard knows up to {SCHEMA_VERSION}). Upgrade planboard to open it."
        )
    elif version < SCHEMA_VERSION and ro:
        raise BoardFileError(
            f"{path} needs an upgrade to schema version {SCHEMA_VERSION}, "
            f"but {reason}; open it once where it can be written."
        )
    elif version >= 1 and not tables >= BOARD_TABLES:
        missing = ", ".join(sorted(BOARD_TABLES - tables))
        raise CorruptBoardError(f"{path} is a damaged board: tables missing ({missing}).")
    if check != "ok" and not created:
        if version < SCHEMA_VERSION:
            raise CorruptBoardError(f"{path} is damaged ({check[:120]}) and too old to show.")
        return created, version, f"the file is damaged ({check[:120]})"
    return created, version, ""


def _writer_lock(
    path: Path, ro: bool, reason: str, created: bool, version: int
) -> tuple[WriterLock | None, str, bool, bool]:
    """The writer lock when the file is to be written: (lock, reason, read-only,
    created), read-only with `OTHER_WRITER` when another planboard holds it."""
    if ro:
        return None, reason, ro, created
    lock = WriterLock(path)
    if lock.acquire():
        remove_partials(path)
        return lock, reason, ro, created
    if created:
        # It was new, and another planboard got to it first: it makes the board.
        _wait_for_upgrade(path, new=True)
        created = False
    elif version < SCHEMA_VERSION:
        _wait_for_upgrade(path)
    return None, OTHER_WRITER, True, created


def _open_connection(path: Path, ro: bool, lock: WriterLock | None) -> sqlite3.Connection:
    """The connection, migrated to this schema when it may write."""
    try:
        conn = _connect(path, readonly=ro)
    except sqlite3.Error as error:
        if lock is not None:
            lock.release()
        raise BoardFileError(f"Cannot open {path}: {error}.") from error
    if not ro:
        try:
            if lock is not None and not lock.held and not lock.acquire():
                raise BoardFileError(f"Cannot create {path}: {OTHER_WRITER}.")
            migrate(conn, path)
        except (sqlite3.OperationalError, BoardFileError) as error:
            conn.close()
            if lock is not None:
                lock.release()
            if isinstance(error, BoardFileError):
                raise
            raise BoardFileError(f"Cannot prepare {path}: {error}.") from error
    return conn


def _wait_for_upgrade(path: Path, timeout: float = 15.0, *, new: bool = False) -> None:
    """Another planboard holds the file and is upgrading it (or, `new`, making it a
    board with its first quarter): wait until it is done."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if path.stat().st_size > 0:
                conn = sqlite3.connect(_uri(path, "ro"), uri=True)
                try:
                    ready = conn.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION
                    if ready and new:
                        ready = conn.execute("SELECT count(*) FROM quarters").fetchone()[0] > 0
                    if ready:
                        return
                finally:
                    conn.close()
        except (OSError, sqlite3.Error):
            pass
        time.sleep(0.05)
    if new:
        raise BoardFileError(
            f"{path} is being created by another planboard, which has not finished; "
            "try again in a moment."
        )
    raise BoardFileError(
        f"{path} needs an upgrade, and {OTHER_WRITER}; open it there first, or close it."
    )


def _create_empty(path: Path) -> None:
    """Make the new board's file, empty, if nobody else just did (two planboards started
    at once on a new path: exactly one creates it, and the first to lock it makes it a
    board; the other opens it as a viewer)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        return
    except OSError as error:
        raise BoardFileError(f"Cannot create {path}: {error.strerror or error}.") from error
    os.close(fd)


def _being_created(path: Path, header: bytes) -> bool:
    """An empty (or not yet a board) file that another planboard holds: it is making it."""
    if header and header[60:72] != bytes(12):
        return False  # a user version or application id: no longer new
    return writer_is_active(path)


def reopen_writable(opened: Opened) -> Opened | None:
    """A viewer becomes the writer once the other planboard has closed (or died).
    Returns the new opening, or None if someone still holds the file."""
    lock = WriterLock(opened.path)
    if not lock.acquire():
        return None
    remove_partials(opened.path)
    try:
        conn = _connect(opened.path, readonly=False)
        migrate(conn, opened.path)
    except (sqlite3.Error, BoardFileError):
        lock.release()
        return None
    opened.conn.close()
    return Opened(conn=conn, path=opened.path, readonly=False, created=False, lock=lock)


def sidecars_of(path: Path) -> dict[str, bool]:
    """Which of the `-wal` and `-shm` files are beside `path` now."""
    return {end: sidecar(path, end).exists() for end in ("-wal", "-shm")}


def tidy_after_reading(opened: Opened) -> None:
    """A read-only look leaves nothing behind: SQLite creates an empty `-wal` and a
    `-shm` to read a board in WAL mode, and a read-only connection can't remove them.
    When this opening made them, a moment's writable connection that reads nothing lets
    SQLite remove them itself — only if no other connection is using them (it takes the
    file's exclusive lock first), and without writing to the board."""
    tidy_sidecars(opened.path, opened.sidecars_before, held_by_caller=1)


def tidy_sidecars(path: Path, before: dict[str, bool], *, held_by_caller: int = 0) -> None:
    """`tidy_after_reading` for a file looked at, opened or not: the `-wal` and `-shm`
    that were not beside it `before` go, when nothing was written and nobody uses them.
    `held_by_caller`: how many of this process's holds on the file (`kept`) are the
    caller's own (any other means another board open here still uses them)."""
    made = [end for end, there in before.items() if not there]
    if not made or not any(sidecars_of(path)[end] for end in made):
        return
    wal = sidecar(path, "-wal")
    try:
        if wal.exists() and wal.stat().st_size > 0:
            return  # something was written since: not ours to tidy
        if writer_is_active(path):
            return
        if writable_reason(path):
            # No connection here may write the board, so SQLite won't remove them.
            if kept.held_here(path) <= held_by_caller:
                drop_unused_sidecars(path)
            return
        conn = sqlite3.connect(file_uri(path, "rw"), uri=True)
    except (OSError, sqlite3.Error):
        return
    try:
        conn.execute("PRAGMA busy_timeout = 0")
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.Error:
        pass
    finally:
        conn.close()
