"""Shared fixtures: a board on a temporary file with a fixed clock, and a filled one."""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

os.environ["TEXTUAL_ANIMATION"] = "none"
# No user's own keys.toml reaches the tests (their real processes included).
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="planboard-config-")

import pytest

from planboard.core import Place, Store
from planboard.core.clock import Clock, stamp

atexit.register(shutil.rmtree, os.environ["XDG_CONFIG_HOME"], ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent


def _committed_sample() -> Path:
    """sample.db as this checkout committed it. The README's first step opens the
    working copy for the user to try, and what they do to it must never change what the
    tests see; outside a git checkout, the file as it is."""
    working = ROOT / "sample.db"
    try:
        data = subprocess.run(
            ["git", "-C", str(ROOT), "show", "HEAD:sample.db"],
            capture_output=True,
            check=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return working
    if not data or (working.exists() and working.read_bytes() == data):
        return working
    folder = tempfile.mkdtemp(prefix="planboard-tests-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # (the run's own copy)
    path = Path(folder) / "sample.db"
    path.write_bytes(data)
    return path


SAMPLE = _committed_sample()


class FixedClock(Clock):
    """Timestamps that advance one minute per call, from a fixed start; `now()` is the
    last timestamp given and does not move it."""

    def __init__(self) -> None:
        self.minutes = 0

    def now(self) -> datetime:
        hours, minutes = divmod(self.minutes, 60)
        return datetime(2026, 6, 1, 9 + hours % 14, minutes, tzinfo=UTC)

    def __call__(self) -> str:
        self.minutes += 1
        return stamp(self.now())


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def board_path(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


@pytest.fixture
def store(board_path: Path, clock: FixedClock) -> Iterator[Store]:
    opened = Store.open(board_path, clock=clock, first_quarter="2026-Q3")
    yield opened
    opened.close()


@dataclass
class Filled:
    """A small board: the team and two stakeholders with items, two blocks."""

    store: Store
    quarter_id: int
    sales: int
    service: int
    team_items: list[int]
    sales_items: list[int]
    service_items: list[int]
    block_a: int
    block_b: int

    def titles(self, place: Place) -> list[str]:
        return [i.title for i in self.store.items_at(self.quarter_id, place)]

    def give_items(self) -> None:
        """An item in each block (a block is chosen only with items in it)."""
        self.store.move_item(self.sales_items[0], Place.block(self.block_a))
        self.store.move_item(self.service_items[0], Place.block(self.block_b))


@pytest.fixture
def filled(store: Store) -> Filled:
    q = store.default_quarter().id
    store.add_stakeholder("Head of Sales", "Sales", quarter_id=q)
    store.add_stakeholder("Customer Service Lead", "Service", quarter_id=q)
    by_name = {s.name: s.id for s in store.stakeholders(q)}
    sales, service = by_name["Head of Sales"], by_name["Customer Service Lead"]

    def add(owner: int | None, titles: list[str]) -> list[int]:
        return [store.add_item(q, owner, t).item_id or 0 for t in titles]

    team = add(None, ["Single customer view", "Data quality alerts", "Metric definitions"])
    sales_items = add(sales, ["Pipeline by region", "Win rate by segment", "Quota attainment"])
    service_items = add(service, ["Ticket backlog age", "Refund reasons"])
    a = store.add_block(q, "Sales cockpit", "Sales decide faster").block_id or 0
    b = store.add_block(q, "Service insights", "").block_id or 0
    return Filled(store, q, sales, service, team, sales_items, service_items, a, b)


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    target = tmp_path / "sample-copy.db"
    shutil.copyfile(SAMPLE, target)
    return target


def assert_consistent(store: Store) -> None:
    """The board's invariants: every item in exactly one place, dense positions."""
    conn = store.conn
    rows = conn.execute(
        "SELECT id, quarter_id, stakeholder_id, block_id, status, drop_reason, position, "
        "place_position FROM items"
    ).fetchall()
    lists: dict[tuple[int, int | None], list[int]] = {}
    places: dict[tuple[object, ...], list[int]] = {}
    for _id, quarter, owner, block, status, reason, position, place_position in rows:
        lists.setdefault((quarter, owner), []).append(position)
        if status == "dropped":
            assert block is None and reason, f"item {_id}: dropped without reason or in a block"
            places.setdefault(("dropped", quarter), []).append(place_position)
        elif block is not None:
            places.setdefault(("block", block), []).append(place_position)
        else:
            assert place_position is None, f"item {_id}: on its list with a place_position"
    for key, positions in lists.items():
        assert sorted(positions) == list(range(len(positions))), f"list {key}: {positions}"
    for key, positions in places.items():
        assert sorted(positions) == list(range(len(positions))), f"{key}: {positions}"
    for (quarter,) in conn.execute("SELECT id FROM quarters"):
        positions = [
            r[0]
            for r in conn.execute("SELECT position FROM blocks WHERE quarter_id = ?", (quarter,))
        ]
        assert sorted(positions) == list(range(len(positions))), f"blocks of {quarter}"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def statements_run(store: Store, action: Callable[[], object]) -> list[str]:
    """The SQL statements `action` ran on the store's connection, as SQLite traced them
    (with their values)."""
    ran: list[str] = []
    store.conn.set_trace_callback(ran.append)
    try:
        action()
    finally:
        store.conn.set_trace_callback(None)
    return ran


def write_outside(path: Path, sql: str, *args: object) -> None:
    """One write by another program: plain sqlite3, committed at once."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(sql, args)
    finally:
        conn.close()
