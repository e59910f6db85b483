"""Whether a `-wal` file beside a board is the board's own, and the note that tells.

SQLite applies whatever committed frames a `-wal` holds to the file beside it; a `-wal`
left over from another file would damage the board. `stale_wal` names such a file before
the board is opened; `note_wal_owner` and `clear_wal_owner` keep, while a planboard
writes, the note that lets the next opening tell whose `-wal` it finds.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from . import kept
from .sidecar import sidecar

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: such files are left as they are
    fcntl = None  # type: ignore[assignment]

# Every SQLite connection using a `-shm` holds a read lock on this byte of it, from the
# moment it maps the file until it closes (SQLite's Unix "dead man switch", `UNIX_SHM_DMS`).
SHM_IN_USE_BYTE = 128


def stale_wal(path: Path) -> str:
    """Why a `-wal` file beside `path` can't be the board's own ("" if it may be).

    SQLite applies whatever committed frames a `-wal` holds to the file beside it, and
    deletes it unread beside an empty file; a `-wal` left over from another file would
    damage this board, or be lost. It can't be the board's own when it is not a
    write-ahead log at all (no header SQLite wrote), when there is no board
    (the path is new or empty), when the board's file says it is not in WAL mode (a file
    in WAL mode is switched back only after its `-wal` is checkpointed and removed), or
    when its page size is not the board's. Such a file is never removed here: it is named
    and the board refused, so that a real `-wal` with committed data is never lost.
    """
    wal = sidecar(path, "-wal")
    read = _wal_header(wal)
    if read is None:
        return ""  # none, or empty (no header, no frames: SQLite ignores it)
    size, wal_header = read
    advice = f"move it away (keep it if it may hold another board's changes), then open {path}"
    magic = int.from_bytes(wal_header[0:4], "big")
    if len(wal_header) < 32 or magic not in (0x377F0682, 0x377F0683):
        # Not a write-ahead log at all (SQLite writes the header whole before any frame):
        # SQLite would take it for an empty one and delete it on closing.
        return (
            f"{wal} is beside {path}, but it is not a write-ahead log SQLite can read (SQLite "
            f"would delete it unread); {advice}."
        )
    wal_page = int.from_bytes(wal_header[8:12], "big")
    # The board's header, read now, after the `-wal`: a file is switched to WAL mode (its
    # header written) before its `-wal` gets any frame, so this header is at least as new
    # (another planboard may be creating or switching it this very moment).
    try:
        header = kept.read_head(path, 100)  # (never a descriptor closed: `kept`)
    except FileNotFoundError:
        header = b""
    except OSError:
        return ""
    if len(header) < 100:
        return f"{wal} is beside {path}, but there is no board for it to belong to; {advice}."
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    if header[18] == 1 and header[19] == 1 and size > 32:
        return (
            f"{wal} can't belong to {path} (the file is not in WAL mode); it was left by "
            f"another file; {advice}."
        )
    if wal_page != page:
        return (
            f"{wal} can't belong to {path} (its page size is {wal_page}, the board's "
            f"{page}); it was left by another file; {advice}."
        )
    owner = _read_owner(path)
    if owner is not None and owner[1] == identity(wal) and owner[0] != identity(path):
        return (
            f"{wal} belongs to the file that was at {path} when planboard last wrote to it "
            f"(it has been replaced since); it can't belong to this one; {advice}."
        )
    return ""


def _wal_header(wal: Path) -> tuple[int, bytes] | None:
    """The `-wal`'s size and first 32 bytes; None if there is none, or it is empty."""
    try:
        size = wal.stat().st_size
        if size == 0:
            return None
        with wal.open("rb") as stream:
            return size, stream.read(32)
    except OSError:
        return None


# Which file a `-wal` belongs to. SQLite's `-wal` does not name its database: after
# `mv other.db b.db`, the `-wal` a killed planboard left beside `b.db` would be applied to
# `other.db`'s pages. The writer notes the device and inode of both beside them while it
# has the board open (removed when it closes), so the next opening can tell.


def identity(path: Path) -> tuple[int, int] | None:
    """The device and inode a path names now (None if it names nothing)."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def files_read(path: Path) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """The board file and the `-shm` a connection opened now reads through.

    A connection keeps the `-shm` it mapped: once the path names another board, or the
    `-shm` beside it is another (unlinked when the board was swapped, made again by the
    next program to open it), that connection no longer sees what others commit, and
    must be opened again."""
    return identity(path), identity(sidecar(path, "-shm"))


def _owner_note(path: Path) -> Path:
    real = sidecar(path, "")  # (beside the file the `-wal` is beside)
    return real.with_name(f".{real.name}.wal-owner")


def _read_owner(path: Path) -> tuple[tuple[int, int], tuple[int, int]] | None:
    try:
        numbers = [int(n) for n in _owner_note(path).read_text().split()]
    except (OSError, ValueError):
        return None
    if len(numbers) != 4:
        return None
    return (numbers[0], numbers[1]), (numbers[2], numbers[3])


def note_wal_owner(path: Path, board: tuple[int, int] | None = None) -> str:
    """Note beside the board which file its `-wal` belongs to (`board`: that file's
    device and inode, when it is not the one at the path now). Returns what was noted
    ("" if nothing could be)."""
    board, wal = board or identity(path), identity(sidecar(path, "-wal"))
    if board is None or wal is None:
        return ""
    text = f"{board[0]} {board[1]} {wal[0]} {wal[1]}\n"
    try:
        _owner_note(path).write_text(text)
    except OSError:
        return ""
    return text


def clear_wal_owner(path: Path, noted: str) -> None:
    """Remove the note written by `note_wal_owner` (if it is still that one), unless the
    `-wal` it names is still beside the board with changes in it (SQLite leaves it when
    another program has the board open): should the board be removed and made again,
    the next opening must still tell that `-wal` is not the new file's."""
    note = _owner_note(path)
    try:
        if not noted or note.read_text() != noted:
            return
        owner = _read_owner(path)
        wal = sidecar(path, "-wal")
        if owner is not None and owner[1] == identity(wal) and wal.stat().st_size > WAL_HEADER:
            return
        note.unlink()
    except OSError:
        pass


def forget_gone_wal(path: Path) -> None:
    """Remove a note kept for a `-wal` (`clear_wal_owner`) once that `-wal` is gone (the
    last program to close the board moved its changes into it)."""
    owner = _read_owner(path)
    if owner is not None and owner[1] != identity(sidecar(path, "-wal")):
        with contextlib.suppress(OSError):
            _owner_note(path).unlink()


WAL_HEADER = 32  # a `-wal` no longer than its header holds no change


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def move_aside(sidecar: Path) -> Path | None:
    """Keep a `-wal` that no longer belongs to the file at its path as
    `<name>.replaced-<time>` (`-2`, `-3`… when that name is taken: never over another).
    Returns the new path (None if it could not be moved)."""
    stamp = _stamp()
    for n in range(1, 1000):
        target = sidecar.with_name(f"{sidecar.name}.replaced-{stamp}" + (f"-{n}" if n > 1 else ""))
        try:
            os.link(sidecar, target)  # (fails on a name taken, where a rename replaces)
        except FileExistsError:
            continue
        except OSError:
            return _rename_if_free(sidecar, target)
        with contextlib.suppress(OSError):
            sidecar.unlink()
        return target
    return None


def set_aside(path: Path, mine: Mapping[str, tuple[int, int] | None]) -> list[Path]:
    """Move the `-wal` and `-shm` beside `path` out of the way of the file now there,
    each only if it is still the one noted (`mine`: by ending, its device and inode, as
    it was while the old file was at the path): a `-wal` with changes in it is kept
    (`move_aside`), an empty one and the `-shm` (an index SQLite rebuilds) removed.
    Returns where the kept ones went."""
    kept_as: list[Path] = []
    for end, noted in mine.items():
        beside = sidecar(path, end)
        if noted is None or identity(beside) != noted:
            continue  # (not the old file's: the new one's own, or none)
        try:
            if end == "-shm" or beside.stat().st_size <= WAL_HEADER:
                beside.unlink()
            elif (target := move_aside(beside)) is not None:
                kept_as.append(target)
        except OSError:
            pass
    forget_gone_wal(path)
    return kept_as


def keep_wal_owner_noted(path: Path, board: tuple[int, int]) -> None:
    """Note that the `-wal` beside `path` belongs to `board` (the file a program that
    holds it open without writing through planboard, Litestream, opened: not always
    the one at the path now), unless that note is there already."""
    wal = identity(sidecar(path, "-wal"))
    if wal is not None and _read_owner(path) != (board, wal):
        note_wal_owner(path, board)


def _rename_if_free(sidecar: Path, target: Path) -> Path | None:
    """Where hard links are not allowed: a rename, to a name checked free just before."""
    if target.exists() or target.is_symlink():
        return None
    try:
        sidecar.rename(target)
    except OSError:
        return None
    return target


def drop_unused_sidecars(path: Path) -> bool:
    """Remove the empty `-wal` and the `-shm` beside a board that this process may not
    write (so SQLite, which removes them only from a connection that may write, leaves
    them), when no other program uses them: none holds SQLite's lock on the `-shm` that
    says it is in use. That byte is held exclusively while they go, so a program opening
    the board meanwhile waits and makes new ones. The caller has checked that no board
    open here uses them (closing a descriptor drops this process's locks on the file).
    True if they were removed."""
    shm, wal = sidecar(path, "-shm"), sidecar(path, "-wal")
    if fcntl is None:
        return False
    try:
        fd = _open_to_lock(shm)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, SHM_IN_USE_BYTE)
        if wal.exists() and wal.stat().st_size > 0:
            return False  # written meanwhile: SQLite's to deal with
        wal.unlink(missing_ok=True)
        shm.unlink()
        return True
    except OSError:
        return False  # in use (or gone): left as it is
    finally:
        os.close(fd)


def _open_to_lock(shm: Path) -> int:
    """A descriptor of `shm` that may take a write lock. SQLite gives the `-shm` the
    board's permissions: one this user made for a board without write permission has
    none either, so it gets the owner's write bit back for the moment of opening."""
    flags = os.O_RDWR | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        return os.open(shm, flags)
    except PermissionError:
        info = os.stat(shm, follow_symlinks=False)
        if info.st_uid != os.getuid() or not stat.S_ISREG(info.st_mode):
            raise
        mode = stat.S_IMODE(info.st_mode)
        os.chmod(shm, mode | stat.S_IWUSR)
        try:
            return os.open(shm, flags)
        finally:
            with contextlib.suppress(OSError):
                os.chmod(shm, mode)
