"""Consistent copies of a board file, written next to it.

A backup is taken with SQLite's online backup API (a consistent snapshot even while the
board is open), written to a temporary file, flushed to disk and then renamed into
place, so a crash never leaves a half-written backup under a backup's name. The newest
`KEEP` backups of a board are kept.

Names: `<board file name>.<label>.<YYYYmmdd-HHMMSS>.backup.db`, e.g.
`sample.db.2026-Q3-live.20261127-143012.backup.db`: the full name, so that `plan.db` and
`plan.sqlite` in one folder never share backups. A backup also carries the board's
identity (`settings.board_id`, copied with everything else), and a board only lists,
prunes and restores backups that carry its own identity. Backups from before boards had
one are tied to their board by the full file name alone; those named after the stem
(written before backups were named by the full name) are listed only when they carry the
board's identity.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from . import kept
from .errors import PlanboardError
from .sidecar import sidecar
from .text import short_for_file

SUFFIX = ".backup.db"
KEEP = 10  # backups kept per board; older ones go when a new one is written


def _label(text: str) -> str:
    return short_for_file(re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-"), 40) or "backup"


def _real(board: Path) -> Path:
    """The board file a link leads to (its backups are beside it, named after it, as
    SQLite keeps its `-wal`); the path itself for any other."""
    return Path(os.path.realpath(board)) if os.path.islink(board) else board


def backup_path(board: Path, label: str, at: datetime | None = None) -> Path:
    """Where a new backup of `board` goes (a name no other file has)."""
    board = _real(board)
    at = at or datetime.now(UTC)
    stamp = at.strftime("%Y%m%d-%H%M%S")
    candidate = board.with_name(f"{board.name}.{_label(label)}.{stamp}{SUFFIX}")
    counter = 2
    while candidate.exists():  # two backups in the same second
        candidate = board.with_name(f"{board.name}.{_label(label)}.{stamp}-{counter}{SUFFIX}")
        counter += 1
    return candidate


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"^{re.escape(name)}\.([A-Za-z0-9_-]+)\.(\d{{8}}-\d{{6}})(-\d+)?{re.escape(SUFFIX)}$"
    )


def _match(board: Path, name: str) -> tuple[re.Match[str] | None, bool]:
    """The name's match as a backup of `board`, and whether it is by the full name."""
    match = _pattern(board.name).match(name)
    if match is not None:
        return match, True
    if board.stem != board.name:
        return _pattern(board.stem).match(name), False
    return None, False


def file_uri(path: Path, mode: str) -> str:
    """A SQLite URI for a path, whatever characters it holds (`#`, `?`, `%`, spaces,
    non-ASCII, a name in another encoding than UTF-8): every byte of the name as the
    file system has it but `/` is percent-encoded."""
    return f"file:{quote(os.fsencode(path.resolve()))}?mode={mode}"


def read_only_uri(path: Path) -> str:
    """A read-only SQLite URI for a path, whatever characters it holds."""
    return file_uri(path, "ro")


def quick_check(conn: sqlite3.Connection) -> str:
    """SQLite's `quick_check` as one line: "ok", or its first three problems (a damaged
    index gives a hundred lines, which made a message of a hundred lines)."""
    checked = [str(row[0]) for row in conn.execute("PRAGMA quick_check(3)")]
    lines = [
        line.strip()
        for row in checked
        for line in row.splitlines()
        if line.strip() and not line.startswith("***")
    ]
    return "; ".join(lines[:3]) if checked != ["ok"] else "ok"


def board_id_of(conn: sqlite3.Connection) -> str | None:
    """The board's identity (`settings.board_id`), or None for a board from before it."""
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = 'board_id'").fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row and row[0] else None


def board_id_in(path: Path) -> str | None:
    """The identity recorded in a board or backup file, read without writing anything
    (None if it has none or can't be read). Without a `-wal` beside it, the file holds
    everything and is read as it is (creating no `-wal` or `-shm`)."""
    wal = sidecar(path, "-wal")
    try:
        conn = sqlite3.connect(
            read_only_uri(path) + ("" if wal.exists() else "&immutable=1"), uri=True
        )
    except sqlite3.Error:
        return None
    try:
        return board_id_of(conn)
    finally:
        conn.close()


def backups_of(board: Path, board_id: str | None = None) -> list[Path]:
    """The backups of a board file (beside it), oldest first: those that carry the
    board's identity, and those without one named after the board's full file name.
    `board_id` is read from the board file when not given."""
    if board_id is None and board.is_file():
        board_id = board_id_in(board)

    def ours(candidate: Path, full: bool) -> bool:
        theirs = board_id_in(candidate)
        return (theirs is not None and theirs == board_id) or (
            theirs is None and full and _from_before_identities(candidate, board_id)
        )

    return _named_after(board, ours)


def backups_named_after(board: Path) -> list[Path]:
    """For a board that is gone (or emptied), with no identity left to tell its own:
    the boards beside it named as backups of its full file name, oldest first."""

    def a_board(candidate: Path, full: bool) -> bool:
        return full and (
            board_id_in(candidate) is not None or _from_before_identities(candidate, None)
        )

    return _named_after(board, a_board)


def _named_after(board: Path, accept: Callable[[Path, bool], bool]) -> list[Path]:
    """The files beside `board` named as its backups that `accept` takes (given whether
    by the board's full name), oldest first."""
    board = _real(board)
    found = []
    try:
        names = os.listdir(board.parent)
    except OSError:
        return []
    for name in names:
        match, full = _match(board, name)
        if match is None:
            continue
        candidate = board.with_name(name)
        if not candidate.is_file() or _same_file(candidate, board):
            continue  # (a link to the board itself is no backup of it)
        if accept(candidate, full):
            # By second, then by the number a second's later backups carry (`-2`, `-3`:
            # by name, `-` sorts before the first's `.`).
            count = int(match.group(3)[1:]) if match.group(3) else 1
            try:  # (labels count apart: another label's backup that second, by its time)
                made = candidate.stat().st_mtime_ns
            except OSError:
                continue
            found.append((match.group(2), made, count, name, candidate))
    return [candidate for *_, candidate in sorted(found)]


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def _from_before_identities(path: Path, board_id: str | None) -> bool:
    """Whether `path`, which carries no identity, is a board as planboard wrote them
    before boards had one (SQLite, planboard's application id, an older schema; any
    schema for a board without an identity itself): a backup to list, prune and restore
    (`check_backup` takes the same). A text file, an empty one, another program's
    database, or a board of today whose identity was removed is none, and never pruned."""
    from .db import SQLITE_HEADER
    from .schema import APPLICATION_ID

    try:
        head = kept.read_head(path, 72)
    except OSError:
        return False
    version = int.from_bytes(head[60:64], "big")
    return (
        head[: len(SQLITE_HEADER)] == SQLITE_HEADER
        and int.from_bytes(head[68:72], "big") == APPLICATION_ID
        and version >= 1
        and (board_id is None or version < IDENTITY_FROM)
    )


def unclaimed_backups(board: Path) -> list[Path]:
    """Backups named after the board's stem (as they were before backups were named by
    the full file name) that carry no identity: they may be this board's, or another's
    with the same stem (`plan.sqlite`'s, for `plan.db`). Not listed as the board's; a
    user can still restore one by its file name."""
    if board.stem == board.name:
        return []
    pattern, found = _pattern(board.stem), []
    try:
        names = sorted(os.listdir(board.parent))
    except OSError:
        return []
    for name in names:
        candidate = board.with_name(name)
        if pattern.match(name) and candidate.is_file() and board_id_in(candidate) is None:
            found.append(candidate)
    return found


def describe(board: Path, backup: Path) -> tuple[str, str]:
    """(label, "YYYY-mm-dd HH:MM:SS UTC") of one of a board's backups."""
    match, _ = _match(_real(board), backup.name)
    if match is None:
        return ("?", "?")
    stamp = datetime.strptime(match.group(2), "%Y%m%d-%H%M%S")
    return match.group(1), stamp.strftime("%Y-%m-%d %H:%M:%S UTC")


def board_mode(conn: sqlite3.Connection) -> int:
    """The permissions of the file behind a connection (0o644 if it can't be told)."""
    # As bytes: a name in another encoding than UTF-8 can't be read as text.
    row = conn.execute(
        "SELECT CAST(file AS BLOB) FROM pragma_database_list WHERE name = 'main'"
    ).fetchone()
    try:
        return Path(os.fsdecode(row[0])).stat().st_mode & 0o777 if row and row[0] else 0o644
    except OSError:
        return 0o644


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _snapshot(conn: sqlite3.Connection, dest: Path, mode: int | None) -> Path:
    """The database behind `conn` in a hidden temporary file beside `dest`: one
    self-contained file (no WAL), with `mode` (None: as a new file), fsynced. The caller
    puts it in place; on failure it is removed here."""
    handle, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        target = sqlite3.connect(temporary)
        try:
            conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        if mode is None:
            mask = os.umask(0o022)
            os.umask(mask)
            mode = 0o666 & ~mask
        with temporary.open("rb+") as stream:
            with contextlib.suppress(OSError):
                os.fchmod(stream.fileno(), mode)
            os.fsync(stream.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def write_backup(conn: sqlite3.Connection, dest: Path) -> Path:
    """Copy the database behind `conn` to `dest`, atomically. Returns `dest`. The backup
    reads like the board it copies (same permissions).

    `conn` must not be inside a write transaction (the backup reads through it).
    """
    temporary = _snapshot(conn, dest, board_mode(conn))
    try:
        os.replace(temporary, dest)
        _fsync_dir(dest.parent)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return dest


def write_copy(conn: sqlite3.Connection, dest: Path) -> Path:
    """Copy the database behind `conn` to a new file `dest` (never over an existing
    one: `FileExistsError`), with the permissions any new file gets. Written like a
    backup: temporary file, fsync, then linked into place."""
    temporary = _snapshot(conn, dest, None)
    try:
        os.link(temporary, dest)  # fails if dest exists: never replaces a file
        _fsync_dir(dest.parent)
    finally:
        temporary.unlink(missing_ok=True)
    return dest


def backup_board(conn: sqlite3.Connection, board: Path, label: str) -> Path:
    """Write a new backup of `board` beside it, then keep only the newest `KEEP`."""
    written = write_backup(conn, backup_path(board, label))
    prune(board, board_id=board_id_of(conn))
    return written


def prune(board: Path, keep: int = KEEP, *, board_id: str | None = None) -> list[Path]:
    """Remove all but the newest `keep` backups of a board. Returns what was removed."""
    removed = []
    for old in backups_of(board, board_id)[:-keep] if keep > 0 else []:
        try:
            old.unlink()
            removed.append(old)
        except OSError:
            pass
    return removed


_OWNER = re.compile(rf"^(.+)\.[A-Za-z0-9_-]+\.\d{{8}}-\d{{6}}(-\d+)?{re.escape(SUFFIX)}$")


def owner_named(backup: Path) -> str | None:
    """The board file a backup's name says it was taken of (None for another name)."""
    match = _OWNER.match(backup.name)
    return match.group(1) if match else None


IDENTITY_FROM = 5  # the schema version from which a board (and each backup) has an identity


def check_backup(backup: Path, board_id: str | None, board: Path | None = None) -> str | None:
    """Refuse (with a `PlanboardError`) a file that is not a whole backup of this board:
    not SQLite, not a board, written by a newer planboard, damaged, or carrying another
    board's identity. An older schema is fine (it is upgraded once restored). Returns
    the identity the backup carries (None for one from before boards had one)."""
    from .schema import APPLICATION_ID, SCHEMA_VERSION

    if not backup.is_file():
        raise PlanboardError(f"{backup} is not a regular file, so it is not a backup.")
    try:
        header = kept.read_head(backup, 16)  # (it may be the open board itself: `kept`)
    except OSError as error:
        raise PlanboardError(f"Cannot read {backup}: {error.strerror or error}.") from error
    if header != b"SQLite format 3\x00":
        raise PlanboardError(f"{backup.name} is not a planboard backup (not an SQLite file).")
    try:
        conn = sqlite3.connect(read_only_uri(backup) + "&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise PlanboardError(f"Cannot open {backup.name}: {error}.") from error
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        check = quick_check(conn)
        theirs = board_id_of(conn)
    except sqlite3.DatabaseError as error:
        raise PlanboardError(f"The backup {backup.name} can't be read: {error}.") from error
    finally:
        conn.close()
    if app_id != APPLICATION_ID or version < 1:
        raise PlanboardError(f"{backup.name} is not a planboard backup (not a board).")
    if version > SCHEMA_VERSION:
        raise PlanboardError(
            f"{backup.name} was written by a newer planboard (schema version {version}); "
            "upgrade planboard to restore it."
        )
    if check != "ok":
        raise PlanboardError(f"The backup {backup.name} is damaged ({check}).")
    if theirs is None and board_id is not None and version >= IDENTITY_FROM:
        # (Every planboard since boards had an identity writes one into each backup.)
        raise PlanboardError(
            f"{backup.name} carries no identity, though the planboard that wrote it gives "
            "every backup its board's (another program removed it): it can't be told to "
            "be this board's; nothing was changed."
        )
    if theirs is not None and board_id is not None and theirs != board_id:
        raise PlanboardError(
            f"{backup.name} is a backup of another board (its identity is {theirs}, this "
            f"board's is {board_id}); nothing was changed."
        )
    owner = owner_named(backup)
    if board is not None and owner is not None and owner not in (board.name, board.stem):
        # Named after another board file that is still there: a copy of one board made
        # into two (the same identity) is still two boards.
        other = backup.with_name(owner)
        if other.exists() and other.resolve() != board.resolve():
            raise PlanboardError(
                f"{backup.name} is a backup of another board, {owner} (its name says so, "
                f"and {owner} is beside it); nothing was changed."
            )
    return theirs


def restore_into(board_conn: sqlite3.Connection, backup: Path) -> None:
    """Replace the board's content with a backup's, as one consistent copy (SQLite's
    backup API, so the open board's WAL stays right). Refuses a damaged backup. Leaves
    nothing beside the backup: without a `-wal` beside it, the file holds everything and
    is read as it is; with one (a board in WAL mode, say), a `-shm` the reading made goes
    again when nobody else uses it."""
    from .db import sidecars_of, tidy_sidecars

    before = sidecars_of(backup)
    uri = read_only_uri(backup) + ("" if before["-wal"] else "&immutable=1")
    source = sqlite3.connect(uri, uri=True)
    try:
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError(f"the backup {backup.name} is damaged")
        source.backup(board_conn)
    finally:
        source.close()
        tidy_sidecars(backup, before)


RESTORING = "restoring.partial"  # a backup being upgraded to be restored: `.<board>.<this>`


def remove_partials(board: Path) -> list[Path]:
    """Remove the hidden temporary files of backups of `board` that never finished (a
    `kill -9` while one was written), and of a backup being upgraded to be restored.
    Call it only while holding the board's writer lock: nothing else writes this
    board's backups then."""
    prefix, removed = f".{board.name}.", []
    try:
        names = os.listdir(board.parent)
    except OSError:
        return []
    for name in names:
        if not name.startswith(prefix):
            continue
        # The half-written file, and SQLite's files beside it (left by the same kill).
        partial = name
        for end in ("-journal", "-wal", "-shm"):
            partial = partial.removesuffix(end)
        if not partial.endswith(".partial"):
            continue
        if partial != prefix + RESTORING:
            match, full = _match(board, partial[1:].rsplit(".", 2)[0])
            if match is None or not full:
                continue
        try:
            board.with_name(name).unlink()
            removed.append(board.with_name(name))
        except OSError:
            pass
    return removed
