"""The store: the only code that reads and writes a board file.

Every user action is one `BEGIN IMMEDIATE` transaction that also appends one row to
`events`. The event's payload holds the before and after of every row the action
touched, which is what undo and redo apply (after checking that the rows still hold
what the action left there, so an undo never overwrites someone else's change).

`Store` is assembled from one class per room, around a small core:

- `core.py`: the connection, the write transaction (`_write`), the `events` row each
  write appends (`_finish`), and the messages for what SQLite refuses; `tx.py`: the
  transaction's row changes (`_Tx`), which refuses every row of a decided quarter.
- `reading.py`: reading the board; `head.py`: the first screen of a big quarter;
  `files.py`: opening, closing, copies, backups,
  take-over.
- `placing.py`: the checks on typed values, and positions in lists, blocks, dropped.
- `carried.py`: the carried-on rule (what a later quarter carried over is never chosen
  here, nor deleted), asked before a move, a merge or a choice and after a replay.
- `items.py`, `importing.py`, `blocks.py`, `stakeholders.py`, `quarters.py`,
  `meeting.py`: the commands, one room per thing they change.
- `undo.py`: undo and redo from the log, and tidying positions left out of order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .blocks import BlockCommands
from .core import SIDECARS, StoreCore, reads
from .files import StoreFiles
from .head import StoreHead
from .importing import ImportCommands
from .items import ItemCommands
from .meeting import MeetingCommands
from .quarters import QuarterCommands
from .reading import StoreReads
from .stakeholders import StakeholderCommands
from .tx import REPLAY_BATCH, TRANSPARENT, UNDO_TABLES, Progress
from .undo import UndoLog

__all__ = [
    "REPLAY_BATCH",
    "SIDECARS",
    "TRANSPARENT",
    "UNDO_TABLES",
    "Progress",
    "Store",
    "StoreCore",
    "StoreReads",
    "open_store",
    "reads",
]


class Store(
    StoreFiles,
    StoreHead,
    ItemCommands,
    ImportCommands,
    BlockCommands,
    StakeholderCommands,
    QuarterCommands,
    MeetingCommands,
    UndoLog,
):
    """A board file, open. Reads return domain objects; writes return a `Change`."""


def open_store(path: str | Path, **kwargs: Any) -> Store:
    return Store.open(path, **kwargs)
