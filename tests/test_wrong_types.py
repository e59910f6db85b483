"""Property tests: values of the wrong type — text, NULL, negative, huge, blobs — written
with plain sqlite3 into every column a person can see, then planboard driven over the
file: open, the board, undo, redo, the meeting, history, every export, `report`, and the
screens themselves. Whatever SQLite accepted, no exception escapes: a refusal is a
message (`PlanboardError`), never a traceback."""

from __future__ import annotations

import asyncio
import contextlib
import io
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from conftest import SAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planboard.cli import main
from planboard.core import Store
from planboard.core.errors import PlanboardError
from planboard.core.export import export, report
from planboard.core.history import carry_over_candidates, compare, coverage
from planboard.core.outcome import outcome

ROOT = Path(__file__).resolve().parent.parent

# Every column a person sees (or that says where something is), by table.
COLUMNS: dict[str, tuple[str, ...]] = {
    "quarters": ("name", "status", "vision", "created_at"),
    "stakeholders": ("name", "department", "archived", "created_at"),
    "items": (
        "stakeholder_id",
        "title",
        "notes",
        "effort",
        "block_id",
        "status",
        "drop_reason",
        "position",
        "place_position",
        "created_at",
        "merged_into",
        "carried_from",
    ),
    "blocks": (
        "name",
        "description",
        "effort",
        "position",
        "chosen_rank",
        "created_at",
        "carried_from",
        "choice",
    ),
    "decisions": ("decided_at", "rationale", "attendees"),
    "meetings": (
        "started_at",
        "ended_at",
        "dot_budget",
        "tally_hidden",
        "timebox_minutes",
        "timer_remaining",
        "timer_started_at",
        "backup_path",
    ),
    "votes": ("stakeholder_id", "block_id", "dots"),
    "attendance": ("stakeholder_id",),
    "events": ("at", "action", "summary", "payload", "undone", "quarter_id"),
}
KEYS = {"decisions": "quarter_id", "meetings": "quarter_id"}
NOT_UTF8 = b"caf\xe9 \xff"  # stored as TEXT: bytes another program never decoded

WRONG = st.one_of(
    st.none(),
    st.sampled_from(["", "x", "three days", "{not json", "[]", '{"changes": 5}', "2026-13-45"]),
    st.text(max_size=20),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([-1, 0, 1, 2, 3, 99999, 2**62, -(2**62)]),
    st.floats(allow_nan=False),
    st.sampled_from([float("inf"), float("-inf"), 1e308, -0.5, 3.5]),
    st.binary(max_size=12),
    st.just(NOT_UTF8),
)

WRITE = st.tuples(
    st.sampled_from(sorted((t, c) for t, cs in COLUMNS.items() for c in cs)),
    st.integers(min_value=0, max_value=400),  # which row (modulo the table's rows)
    WRONG,
)


_BASES: dict[bool, Path] = {}
_KEEP = tempfile.TemporaryDirectory()


def _base(folder: Path, live: bool) -> Path:
    """A copy of the sample board, its current quarter live (in the event) or not."""
    if live not in _BASES:
        made = Path(_KEEP.name) / f"base-{live}.db"
        shutil.copyfile(SAMPLE, made)
        store = Store.open(made)
        try:
            quarter = store.default_quarter().id
            if live:
                store.start_meeting(quarter, backup=False)
                store.set_timer(quarter, running=True, remaining=900)
        finally:
            store.close()
        _BASES[live] = made
    path = folder / "board.db"
    shutil.copyfile(_BASES[live], path)
    return path


def _scribble(path: Path, writes: list[tuple[tuple[str, str], int, Any]]) -> int:
    """Write the values as another program would (foreign keys off); SQLite's own
    CHECK, NOT NULL and UNIQUE refusals are skipped. Returns how many were written."""
    written = 0
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for (table, column), which, value in writes:
            key = KEYS.get(table, "id")
            ids = [r[0] for r in conn.execute(f"SELECT {key} FROM {table} ORDER BY {key}")]
            if not ids:
                continue
            try:
                conn.execute(
                    f"UPDATE {table} SET {column} = ? WHERE {key} = ?",
                    (value, ids[which % len(ids)]),
                )
                written += 1
            except (sqlite3.IntegrityError, OverflowError):
                pass
    finally:
        conn.close()
    return written


def _quietly(call: Any, *args: Any, **kwargs: Any) -> Any:
    """A call whose refusal is a message to the user: that is allowed, nothing else."""
    try:
        return call(*args, **kwargs)
    except PlanboardError:
        return None


def _drive_core(path: Path) -> None:
    try:
        store = Store.open(path)
    except PlanboardError:
        return
    try:
        quarters = _quietly(store.quarters) or []
        for quarter in quarters:
            _quietly(store.tidy, quarter.id)
            board = _quietly(store.board, quarter.id)
            if board is not None:
                for place in board.places:
                    _quietly(store.items_at, quarter.id, place)
            _quietly(store.row_problems, quarter.id)
            _quietly(store.meeting, quarter.id)
            _quietly(store.votes, quarter.id)
            _quietly(store.cut_off, quarter.id, pending=True)
            _quietly(outcome, store, quarter.id)
            _quietly(carry_over_candidates, store, quarter.id)
            for fmt in ("md", "html", "csv", "json"):
                _quietly(export, store, quarter.id, fmt)
        if len(quarters) > 1:
            _quietly(compare, store, quarters[0].id, quarters[-1].id)
        _quietly(coverage, store)
        _quietly(report, store)
        current = _quietly(store.default_quarter)
        if current is not None:
            for _ in range(3):
                _quietly(store.undo, current.id)
            for _ in range(3):
                _quietly(store.redo, current.id)
            _quietly(store.events, current.id)
    finally:
        store.close()


def _drive_cli(path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        codes = [main(["report", str(path)])]
        for fmt in ("md", "html", "csv", "json"):
            codes.append(main(["export", str(path), "--format", fmt]))
    assert set(codes) <= {0, 2}, err.getvalue()
    assert "Traceback" not in err.getvalue()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(writes=st.lists(WRITE, min_size=1, max_size=12), live=st.booleans())
def test_wrong_types_never_crash_the_store_exports_or_commands(
    writes: list[tuple[tuple[str, str], int, Any]], live: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _base(Path(folder), live)
        _scribble(path, writes)
        _drive_core(path)
        _drive_cli(path)


async def _drive_screens(path: Path) -> None:
    from planboard.ui.app import PlanboardApp
    from planboard.ui.screens.board import BoardScreen

    try:
        store = Store.open(path)
        quarter = store.default_quarter().id
        store.board(quarter)
    except PlanboardError:
        return  # refused with a message, as `planboard` itself does
    app = PlanboardApp(store, quarter_id=quarter)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        # the meeting view (a live quarter opens into it): move, open a card, back
        await pilot.press("right", "enter", "right", "escape")
        await pilot.pause()
        if not isinstance(app.screen, BoardScreen):
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("j", "j", "l", "j", "k", "l", "j", "h")
        await pilot.press("u", "u", "U")
        await app.workers.wait_for_complete()
        await pilot.press("H")
        await pilot.pause()
        await pilot.press("j", "c")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("M")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(writes=st.lists(WRITE, min_size=1, max_size=12), live=st.booleans())
def test_wrong_types_never_crash_the_screens(
    writes: list[tuple[tuple[str, str], int, Any]], live: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _base(Path(folder), live)
        _scribble(path, writes)
        asyncio.run(_drive_screens(path))
