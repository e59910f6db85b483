"""A planning event on a copy of sample.db, for pictures and layout tests."""

from __future__ import annotations

from pathlib import Path

from planboard.core import Store
from planboard.core.sample import demo_event


def live_event(
    path: Path, blocks: int = 4, *, revealed: bool = False, chosen: bool = True
) -> tuple[Store, int]:
    """Open `path` and make its open quarter's event (see `demo_event`)."""
    store = Store.open(path)
    return store, demo_event(store, blocks, revealed=revealed, chosen=chosen)
