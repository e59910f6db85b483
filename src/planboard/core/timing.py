"""How long undo and redo of one large action take: an import of many items.

For the benchmark (`planboard.bench`) and `scripts/undo_timing.py`: builds a board in a
folder, imports `items` items into a stakeholder's list as one action, then times the
undo and the redo of it, each one transaction committed to disk as the board does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .model import ImportItem
from .store import Store


@dataclass(frozen=True)
class ReplayTiming:
    """Seconds, wall-clock and CPU (of this process: what a busy machine adds to the
    wall-clock figure is waiting, for the CPU or the disk)."""

    items: int
    import_s: float
    undo_s: float
    redo_s: float
    import_cpu_s: float
    undo_cpu_s: float
    redo_cpu_s: float


def _timed(action: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def undo_redo_timing(folder: Path, items: int = 50_000) -> ReplayTiming:
    """Import `items` items into a new board in `folder`, then undo and redo it."""
    path = Path(folder) / f"undo-timing-{items}.db"
    for stale in Path(folder).glob(path.name + "*"):
        stale.unlink()
    store = Store.open(path, first_quarter="2026-Q3")
    try:
        quarter = store.default_quarter().id
        rows = [ImportItem(f"Request number {n} about churn", line=n + 1) for n in range(items)]
        imported = _timed(lambda: store.import_items(quarter, "Head of Sales", rows))
        undone = _timed(lambda: store.undo(quarter))
        redone = _timed(lambda: store.redo(quarter))
    finally:
        store.close()
    return ReplayTiming(items, imported[0], undone[0], redone[0], imported[1], undone[1], redone[1])
