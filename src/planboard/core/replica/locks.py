"""The locks a replication holds while it runs, where every `planboard replicate` looks
whatever state folder it keeps (`PLANBOARD_STATE_DIR`, `XDG_STATE_HOME`): one on the
board, in the folder Litestream keeps beside it (`.NAME-litestream`), and one in a
folder replica. Two replications of one board, or two boards writing one replica, lose
changes while each says "replicated". The kernel lets a lock go with its process (even
after `kill -9`); a file system that has no locks (some shares) is not refused for it.
Replicas in a store (S3, SFTP) are checked by the state folder alone (`check_one_writer`)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import struct
from pathlib import Path

from ..text import path_text
from .config import ReplicaError, file_replica, redact

BOARD_LOCK = "planboard-replicate.lock"  # in the board's `.NAME-litestream` folder
REPLICA_LOCK = ".planboard-replicate.lock"  # in a folder replica


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
            raise ReplicaError(
                f"{path_text(board)} is already being replicated under another of its "
                "names (a hard link to the same file): two replications of one board "
                "lose changes. Stop that one first (planboard replicate OTHER-NAME --stop)."
            )
        held.fds += [taken] if isinstance(taken, int) else []
        folder = file_replica(url)
        if folder is not None:
            taken = _take(folder / REPLICA_LOCK, board)
            if isinstance(taken, str):
                pid, _, other = taken.partition(" ")
                raise ReplicaError(
                    f"{redact(url)} is written by another planboard replicate (process "
                    f"{pid}, of {other or 'another board'}): two boards writing one replica "
                    "lose changes. Stop it first, or give this board a replica of its own."
                )
            held.fds += [taken] if taken is not None else []
    except BaseException:
        held.release()
        raise
    return held


# A byte of the board file far past any lock SQLite takes (its are at 1 GiB), locked by
# the replication as an open file description's lock: one file under two names (a hard
# link) has two `.NAME-litestream` folders, but one inode to lock.
FILE_LOCK_AT = 1 << 62


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
