"""How long undo and redo of one large action take: an import of many items.

For the benchmark (`planboard.bench`) and `scripts/undo_timing.py`: builds a board in a
folder, imports `items` items into a stakeholder's list as one action, then times the
undo and the redo of it, each one transaction committed to disk as the board does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .model import ImportItem
from .store import Store


@dataclass(frozen=True)
class ReplayTiming:
    items: int
    import_s: float
    undo_s: float
    redo_s: float


def undo_redo_timing(folder: Path, items: int = 50_000) -> ReplayTiming:
    """Import `items` items into a new board in `folder`, then undo and redo it."""
    path = Path(folder) / f"undo-timing-{items}.db"
    for stale in Path(folder).glob(path.name + "*"):
        stale.unlink()
    store = Store.open(path, first_quarter="2026-Q3")
    try:
        quarter = store.default_quarter().id
        rows = [ImportItem(f"Request number {n} about churn", line=n + 1) for n in range(items)]
        started = time.perf_counter()
        store.import_items(quarter, "Head of Sales", rows, source="timing")
        imported = time.perf_counter() - started
        started = time.perf_counter()
        store.undo(quarter)
        undone = time.perf_counter() - started
        started = time.perf_counter()
        store.redo(quarter)
        redone = time.perf_counter() - started
    finally:
        store.close()
    return ReplayTiming(items, imported, undone, redone)
