"""The locks a replication holds while it runs, where every `planboard replicate` looks
whatever state folder it keeps (`PLANBOARD_STATE_DIR`, `XDG_STATE_HOME`): one on the
board, in the folder Litestream keeps beside it (`.NAME-litestream`), and one in a
folder replica. Two replications of one board, or two boards writing one replica, lose
changes while each says "replicated". The kernel lets a lock go with its process (even
after `kill -9`); a file system that has no locks (some shares) is not refused for it.
A replica in a store (S3, SFTP) has no locks: its lock is in a folder of the user's on
this computer that every `planboard replicate` finds (`_machine_folder`), named after the
replica however its URL is written (`replica_key`)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import stat
import struct
import tempfile
from pathlib import Path

from ..text import path_text
from .config import STATUS_FILE, ReplicaError, file_replica, redact, replica_key, state_root

BOARD_LOCK = "planboard-replicate.lock"  # in the board's `.NAME-litestream` folder
REPLICA_LOCK = ".planboard-replicate.lock"  # in a folder replica
BOARD_MARK = ".planboard-board"  # in a folder replica: the identity of the board it is of


class Held:
    """The locks one replication holds (`hold`), let go by `release`."""

    def __init__(self) -> None:
        self.fds: list[int] = []

    def release(self) -> None:
        while self.fds:
            with contextlib.suppress(OSError):
                os.close(self.fds.pop())


def hold(board: Path, url: str) -> Held:
    """Take the board's lock and (a folder replica) the replica's, or refuse, saying who
    holds it."""
    held = Held()
    resolved = board.resolve()
    try:
        taken = _take(resolved.parent / f".{resolved.name}-litestream" / BOARD_LOCK, board)
        if isinstance(taken, str):
            raise ReplicaError(
                f"{path_text(board)} is already being replicated (process "
                f"{taken.partition(' ')[0]}), by a "
                "planboard replicate that keeps its state elsewhere (another "
                "PLANBOARD_STATE_DIR or XDG_STATE_HOME): two replications of one board lose "
                "changes. Stop it first (planboard replicate "
                f"{path_text(board)} --stop, with that state folder)."
            )
        held.fds += [taken] if taken is not None else []
        taken = _take_file(resolved)
        if taken == "held":
            raise ReplicaError(_another_name(board))
        held.fds += [taken] if isinstance(taken, int) else []
        folder = file_replica(url)
        mine = _machine_folder()
        for lock in (
            folder / REPLICA_LOCK if folder is not None else None,
            mine / _lock_name(url) if mine is not None else None,
        ):
            taken = _take(lock, board) if lock is not None else None
            if isinstance(taken, str):
                pid, _, other = taken.partition(" ")
                raise ReplicaError(
                    f"{redact(url)} is written by another planboard replicate (process "
                    f"{pid}, of {other or 'another board'}): two boards writing one replica "
                    "lose changes. Stop it first, or give this board a replica of its own."
                )
            held.fds += [taken] if taken is not None else []
        if folder is not None:
            _check_writable(folder)
            _claim(folder, board)
    except BaseException:
        held.release()
        raise
    return held


def _machine_folder() -> Path | None:
    """A folder of this user's that every `planboard replicate` on this computer finds,
    whatever its environment (state folder, `TMPDIR`): a lock a replica there says who
    writes a replica in a store, which has no locks of its own. None where it can't
    be had, or is not this user's own (a link, another user's folder)."""
    base = Path("/tmp") if os.path.isdir("/tmp") else Path(tempfile.gettempdir())
    folder = base / f"planboard-{os.getuid()}" / "replicas"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        found = [os.lstat(place) for place in (folder.parent, folder)]
    except OSError:
        return None
    if any(stat.S_ISLNK(f.st_mode) or f.st_uid != os.getuid() for f in found):
        return None
    return folder


def _lock_name(url: str) -> str:
    """The name of a replica's lock among this user's (one per replica, however its
    URL is written)."""
    key = replica_key(url).encode("utf-8", "surrogateescape")
    return hashlib.sha256(key).hexdigest()[:32] + ".lock"


def _claim(folder: Path, board: Path) -> None:
    """Refuse a folder replica that holds another board's replica (its identity, kept
    in `BOARD_MARK` by the replication that wrote it): written into by a second board,
    it became one history of both, from which the first could not be restored. Else
    the folder is marked as this board's. (A copy of a board has its identity: it is
    the same board to this check.)"""
    from ..backup import board_id_in

    mine = board_id_in(board)
    if mine is None:
        return
    mark = folder / BOARD_MARK
    try:
        said = json.loads(mark.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        said = None
    theirs = said.get("id") if isinstance(said, dict) else None
    if isinstance(theirs, str) and theirs != mine and _holds_files(folder):
        named = str(said.get("board") or f"identity {theirs}")
        raise ReplicaError(
            f"{path_text(folder)} holds the replica of another board ({named}): written "
            "into by this one, it would become one history of both, from which neither "
            "could be restored as it was. Give this board a replica of its own (a new "
            "folder)."
        )
    with contextlib.suppress(OSError):
        handle, name = tempfile.mkstemp(prefix=".planboard-board.", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump({"id": mine, "board": path_text(board.resolve())}, stream)
        os.replace(name, mark)


def _holds_files(folder: Path) -> bool:
    """Whether Litestream has written into the folder (anything but planboard's own)."""
    with contextlib.suppress(OSError):
        return any(not entry.name.startswith(".planboard") for entry in os.scandir(folder))
    return False


def _check_writable(folder: Path) -> None:
    """Refuse a folder replica Litestream could not write: it started, and failed every
    second while the replication said "replicating"."""
    try:
        folder.mkdir(exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=".planboard-probe-", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise ReplicaError(
            f"Litestream can't write the replica into {path_text(folder)}: {reason}. Give "
            "a folder this user may write into, or change its permissions."
        ) from None


# A byte of the board file far past any lock SQLite takes (its are at 1 GiB), locked by
# the replication as an open file description's lock: one file under two names (a hard
# link) has two `.NAME-litestream` folders, but one inode to lock.
FILE_LOCK_AT = 1 << 62


def check_not_replicated_elsewhere(board: Path) -> None:
    """Refuse, before the board is opened, a file another replication holds under
    another of its names (a hard link): opened under this one, SQLite would give it a
    `-wal` and `-shm` of this name's, a second journal of one file."""
    getlk = getattr(fcntl, "F_OFD_GETLK", None)
    if getlk is None:
        return
    try:
        fd = os.open(board, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        asked = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, FILE_LOCK_AT, 1, 0)
        found = fcntl.fcntl(fd, getlk, asked)
    except OSError:
        return
    finally:
        os.close(fd)
    if struct.unpack("hhqqi4x", found)[0] != fcntl.F_UNLCK and not _held_here(board):
        raise ReplicaError(_another_name(board))


def _held_here(board: Path) -> bool:
    """Whether the replication that holds the board file is of this name (its lock
    beside this name is held): then it is said as such, not as another name's."""
    resolved = board.resolve()
    try:
        fd = os.open(resolved.parent / f".{resolved.name}-litestream" / BOARD_LOCK, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _another_name(board: Path) -> str:
    """The refusal of a board replicated under another of its names, naming that one
    when this state folder knows it."""
    other = "OTHER-NAME"
    with contextlib.suppress(OSError):
        mine = os.stat(board)
        for status_file in sorted((state_root() / "replicate").glob(f"*/{STATUS_FILE}")):
            with contextlib.suppress(OSError, ValueError, TypeError):
                status = json.loads(status_file.read_text(encoding="utf-8"))
                found = os.stat(status["board"])
                if status.get("running") is True and (found.st_dev, found.st_ino) == (
                    mine.st_dev,
                    mine.st_ino,
                ):
                    other = path_text(Path(status["board"]))
                    break
    return (
        f"{path_text(board)} is already being replicated under another of its names (a "
        "hard link to the same file): two replications of one board lose changes. Stop "
        f"that one first (planboard replicate {other} --stop)."
    )


def _take_file(board: Path) -> int | str | None:
    """A descriptor of the board file holding an exclusive lock on `FILE_LOCK_AT`;
    "held" if another replication holds it; None where it can't be had (not Linux, a
    file this user can't write, a file system without locks)."""
    setlk = getattr(fcntl, "F_OFD_SETLK", None)
    if setlk is None:
        return None
    try:
        fd = os.open(board, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return None
    # struct flock: type, whence, start, length, pid (0 for a lock of this kind)
    request = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, FILE_LOCK_AT, 1, 0)
    try:
        fcntl.fcntl(fd, setlk, request)
    except OSError as error:
        os.close(fd)
        return "held" if error.errno in (errno.EAGAIN, errno.EACCES) else None
    return fd


def _take(lock: Path, board: Path) -> int | str | None:
    """The lock file's descriptor, locked, with this process's number and the board in
    it; what it holds (the other's number and board) if another process has it; None
    where it can't be had (no folder, no locks on this file system)."""
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except PermissionError:  # (another user's: locked as well read-only)
        try:
            fd = os.open(lock, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return None
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        try:
            said = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
        except OSError:
            said = ""
        finally:
            os.close(fd)
        return said or "unknown"
    except OSError:
        os.close(fd)
        return None
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {path_text(board.resolve())}\n".encode(), 0)
    return fd
