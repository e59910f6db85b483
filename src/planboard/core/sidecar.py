"""Where SQLite keeps the files beside a board (its `-wal`, `-shm`, `-journal`)."""

from __future__ import annotations

import os
from pathlib import Path


def sidecar(path: Path, end: str) -> Path:
    """The file SQLite keeps beside the board at `path`, `end` being "-wal", "-shm" or
    "-journal". SQLite names it after the file a symbolic link leads to, not after the
    link: a board opened through a link has them beside the file itself (looked for
    beside the link, a `-wal` with changes went unseen, and was written into the file
    moved in over the board)."""
    if os.path.islink(path):
        path = Path(os.path.realpath(path))
    return Path(f"{path}{end}")  # (not `with_name`: "." has none, and is refused later)


ENDS = ("-wal", "-shm", "-journal")  # the files SQLite keeps beside a board


def of_board(target: Path, board: Path) -> bool:
    """Whether `target` is the board at `board` or one of the files SQLite keeps beside
    it (both read through any link); False when either can't be resolved."""
    try:
        own, there = board.resolve(), target.resolve()
    except (OSError, RuntimeError):
        return False
    return there == own or there in {own.with_name(own.name + end) for end in ENDS}
