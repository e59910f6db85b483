"""`planboard restore PATH [NUMBER]` for a board that is gone, or was emptied: its
backups are found by their names (no identity is left to tell its own by), listed, and
one is made into the board again. Nothing else is written: the backup stays as it was."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from pathlib import Path

from ..core.errors import PlanboardError
from ..core.text import path_text
from .common import _confirmed, _fail, _refused_unconfirmed, missing_board


def restore_lost(board: Path, backup: str | None, *, yes: bool) -> int:
    from ..core.backup import backups_named_after, describe

    found = backups_named_after(board)
    shown = path_text(board)
    gone = not board.exists()
    if not found:
        why = missing_board(board) if gone else f"{shown} is empty, not a board."
        return _fail(f"{why} There is no backup named after it beside it either.")
    if backup is None:
        state = "does not exist" if gone else "is empty"
        print(f"{shown} {state}; the backups named after it (newest last):")
        for number, path in enumerate(found, start=1):
            label, when = describe(board, path)
            print(f"  {number:>2}  {when}  {label:<28} {path.name}")
        print(f"Make it again from one with: planboard restore {shown} NUMBER")
        return 0
    if backup.isdigit() and 1 <= int(backup) <= len(found):
        chosen: Path | None = found[int(backup) - 1]
    else:  # (by its file name, as the list shows it, from here or beside the board)
        chosen = _one_of(found, backup, board)
    if chosen is None:
        return _fail(
            f"{backup} is not one of the backups named after {shown} (planboard restore "
            f"{shown} lists them)."
        )
    if left := _left_beside(board):
        return _fail(left)
    if not yes:
        answer = _confirmed(f"Make {shown} again from {chosen.name}?")
        if not answer:
            return _refused_unconfirmed(answer)
        if left := _left_beside(board):  # (and again once asked: time went by)
            return _fail(left)
    try:
        _made_from(board, chosen)
    except (OSError, sqlite3.Error, PlanboardError) as error:
        return _fail(f"Could not make {shown} from {chosen.name}: {error}. Nothing was changed.")
    print(f"Made {shown} again from {chosen.name}.")
    return 0


def _one_of(found: list[Path], name: str, board: Path) -> Path | None:
    """The backup among `found` that `name` names, as given or beside the board."""
    for given in (Path(name), Path(os.path.realpath(board)).parent / name):
        for backup in found:
            with contextlib.suppress(OSError):
                if given.is_file() and os.path.samefile(given, backup):
                    return backup
    return None


def _left_beside(board: Path) -> str:
    """What the lost board left beside it that would not belong to a file made in its
    place ("" if nothing): its `-wal` may hold its last changes."""
    from ..core.lock import writer_is_active
    from ..core.sidecar import sidecar

    real = Path(os.path.realpath(board))
    if real.exists() and writer_is_active(real):
        return f"{path_text(board)} is open in another planboard; close it, then restore."
    for end in ("-wal", "-shm", "-journal"):
        if os.path.lexists(left := sidecar(real, end)):
            return (
                f"{path_text(left)} is still beside where {path_text(board)} was: it may hold "
                "the lost board's last changes, and would not belong to a board made from "
                "a backup. Move it aside (keep it), then restore. Nothing was changed."
            )
    return ""


def _made_from(board: Path, chosen: Path) -> None:
    """The backup, checked, copied whole to the board's path: a new file where there
    was none, or in one step over the empty file (refused if it is no longer empty)."""
    from ..core.backup import RESTORING, check_backup, read_only_uri, write_copy
    from ..core.db import sidecars_of, tidy_sidecars
    from ..core.lock import WriterLock

    check_backup(chosen, None, board)  # (damaged, or from a newer planboard: refused)
    board = Path(os.path.realpath(board))  # (an emptied file behind a link: the link stays)
    before = sidecars_of(chosen)
    conn = sqlite3.connect(
        read_only_uri(chosen) + ("" if before["-wal"] else "&immutable=1"), uri=True
    )
    made = board.with_name(f".{board.name}.{RESTORING}")  # (a crash's leftover: replaced)
    lock = WriterLock(board)
    try:
        if not board.exists():
            write_copy(conn, board)  # (never over a file made meanwhile)
            return
        made.unlink(missing_ok=True)
        write_copy(conn, made)  # (copied first; the empty file replaced in one step)
        if not lock.acquire() or board.stat().st_size != 0:  # (no planboard made it a board)
            raise PlanboardError(f"{path_text(board)} is no longer empty, or is open")
        os.chmod(made, stat.S_IMODE(board.stat().st_mode))  # (as the file was shared)
        os.replace(made, board)
    finally:
        lock.release()
        conn.close()
        tidy_sidecars(chosen, before)
        made.unlink(missing_ok=True)
