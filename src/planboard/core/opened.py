"""What opening a board file gives: its connection, and how it was opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from .record import Frozen, set_field

if TYPE_CHECKING:
    from .lock import WriterLock


class Opened(Frozen):
    """A connection on a recognised board file, and how it was opened."""

    __slots__ = (
        "conn",
        "created",
        "lock",
        "path",
        "readonly",
        "readonly_reason",
        "sidecars_before",
    )
    conn: sqlite3.Connection
    path: Path
    readonly: bool
    created: bool
    readonly_reason: str
    lock: WriterLock | None
    sidecars_before: dict[str, bool]

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        readonly: bool,
        created: bool,
        readonly_reason: str = "",
        lock: WriterLock | None = None,
        sidecars_before: dict[str, bool] | None = None,
    ) -> None:
        set_field(self, "conn", conn)
        set_field(self, "path", path)
        set_field(self, "readonly", readonly)
        set_field(self, "created", created)
        set_field(self, "readonly_reason", readonly_reason)
        set_field(self, "lock", lock)
        set_field(self, "sidecars_before", {} if sidecars_before is None else sidecars_before)
