"""The sample board, and synthetic boards for benchmarks.

`build_sample` writes the example board shipped as `sample.db`: the data team of a B2B
marketplace (business buyers ordering from suppliers), seven stakeholders, three
quarters already decided and one being prepared. Its story (the lists, the blocks, the
decisions) is data, in `data/sample.json`; the builder enters it through the public `Store`
API, as a person at the keyboard would, with a fake clock, so the file is the same
byte for byte on every run.

`generate_board` writes a large, plausible but meaningless board fast, for measuring
the store and the UI: it inserts rows in bulk, keeping the schema's ordering rules (its
words are in `synthetic_text.py`).

Both end with a history of one non-undoable event, so that undo on a fresh copy does
nothing surprising (it would otherwise take apart the sample, one action at a time).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path

from . import kept
from .clock import Clock
from .db import SQLITE_HEADER
from .model import STAKEHOLDER_COLOURS, Place
from .schema import APPLICATION_ID
from .store import Store
from .synthetic_text import (
    _DIMENSIONS,
    _EFFORTS,
    _MEASURES,
    _NOTES,
    _REASONS,
    _THEMES,
    _stakeholder_names,
    _title,
)

SAMPLE_QUARTER = "2026-Q3"
HISTORY_PAYLOAD = json.dumps({"changes": [], "undoable": False})

_ISO = "%Y-%m-%dT%H:%M:%SZ"


# ---------------------------------------------------------------------- helpers


class _Clock(Clock):
    """A fake clock: each call returns a timestamp a few minutes after the last one.

    `jump` moves it forward to a given moment (never back), so that each step of a
    quarter's preparation lands on a plausible working day.
    """

    def __init__(self, start: str, step_minutes: int = 3) -> None:
        self._now = _parse(start)
        self._step = timedelta(minutes=step_minutes)

    def __call__(self) -> str:
        value = self._now.strftime(_ISO)
        self._now += self._step
        return value

    def now(self) -> datetime:
        return self._now

    def jump(self, moment: datetime) -> None:
        self._now = max(self._now, moment)


def _parse(text: str) -> datetime:
    return datetime.strptime(text, _ISO).replace(tzinfo=UTC)


def _workday(start: datetime, days: int, hour: int = 9) -> datetime:
    """The `days`-th working day after `start` (0: start itself), at `hour`."""
    day = start.replace(hour=hour, minute=0, second=0)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    for _ in range(days):
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
    return day


def _companions(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _is_board_or_empty(path: Path) -> bool:
    """True for an empty file or an SQLite file marked as a planboard board."""
    header = kept.read_head(path, 100)  # (never a descriptor closed: `kept`)
    if not header:
        return True
    return (
        header.startswith(SQLITE_HEADER)
        and len(header) >= 72
        and int.from_bytes(header[68:72], "big") == APPLICATION_ID
    )


def _make_room(path: Path, overwrite: bool) -> None:
    """Refuse an existing file unless `overwrite`; then remove it and its WAL files.

    Even with `overwrite`, a file that is not a board is left alone: the generators
    replace boards, not whatever file a mistyped path points at.
    """
    existing = [p for p in _companions(path) if p.exists()]
    if not existing:
        return
    if not overwrite:
        raise FileExistsError(f"{existing[0]} already exists; pass overwrite=True to replace it.")
    if path.is_dir() or (path.exists() and not _is_board_or_empty(path)):
        raise FileExistsError(f"{path} exists and is not a planboard board; not replacing it.")
    for companion in existing:
        companion.unlink()


@contextmanager
def _new_board(path: Path, overwrite: bool, clock: _Clock, first_quarter: str) -> Iterator[Store]:
    """Open a new board at `path`; if building it fails, remove the half-built file."""
    _make_room(path, overwrite)
    store = Store.open(path, clock=clock, first_quarter=first_quarter)
    try:
        yield store
    except BaseException:
        store.close()
        for companion in _companions(path):
            companion.unlink(missing_ok=True)
        raise


def _seal(store: Store, at: str, quarter_id: int, summary: str) -> None:
    """Replace the construction history with one non-undoable event, then compact the
    file into a single, complete, reproducible file and close it."""
    conn = store.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM events")
        # A fixed identity, so that the file is reproducible byte for byte.
        conn.execute("UPDATE settings SET value = 'sample-board' WHERE key = 'board_id'")
        conn.execute(
            "INSERT INTO events (at, quarter_id, action, summary, payload) VALUES (?, ?, ?, ?, ?)",
            (at, quarter_id, "sample", summary, HISTORY_PAYLOAD),
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    # Full statistics now (not `PRAGMA optimize`, whose work depends on which queries
    # ran), so the file does not change with the store's query patterns, and closing
    # the store finds nothing left to analyse.
    conn.execute("ANALYZE")
    # Leave WAL mode for a moment (this checkpoints and deletes the -wal file) to compact
    # the file, then mark it WAL again: the journal mode planboard uses, so that opening
    # the board writes nothing to it. Closing leaves one self-contained file.
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("VACUUM")
    conn.execute("PRAGMA journal_mode = WAL")
    store.close()


# ------------------------------------------------------------------ the sample


@dataclass(frozen=True)
class _Item:
    owner: str  # "team" or a stakeholder key
    title: str
    notes: str = ""
    effort: float | None = None
    block: str | None = None  # the key of the block it is packaged into
    dropped: str | None = None  # the reason it was dropped


@dataclass(frozen=True)
class _Block:
    key: str
    name: str
    case: str
    effort: float | None = None
    rank: int | None = None


@dataclass(frozen=True)
class _Quarter:
    name: str
    opens: str  # when preparation starts
    event: str | None  # when the planning event took place (None: not yet)
    blocks: Sequence[_Block]
    items: Sequence[_Item]
    rationale: str = ""
    attendees: str = ""


SAMPLE_DATA = "sample.json"  # in planboard/core/data/, shipped in the wheel


@dataclass(frozen=True)
class _Sample:
    vision: str
    stakeholders: Sequence[tuple[str, str, str]]  # key, name, department
    quarters: Sequence[_Quarter]


def load_sample(text: str | None = None) -> _Sample:
    """The sample's story, read from its JSON file (or from `text`)."""
    if text is None:
        text = (files("planboard.core") / "data" / SAMPLE_DATA).read_text(encoding="utf-8")
    data = json.loads(text)
    quarters = [
        _Quarter(
            name=q["name"],
            opens=q["opens"],
            event=q.get("event"),
            blocks=tuple(_Block(**block) for block in q["blocks"]),
            items=tuple(_Item(**item) for item in q["items"]),
            rationale=q.get("rationale", ""),
            attendees=q.get("attendees", ""),
        )
        for q in data["quarters"]
    ]
    stakeholders = [(s["key"], s["name"], s["department"]) for s in data["stakeholders"]]
    return _Sample(data["vision"], tuple(stakeholders), tuple(quarters))


def _fill_quarter(
    store: Store,
    clock: _Clock,
    spec: _Quarter,
    quarter_id: int,
    stakeholder_ids: dict[str, int | None],
) -> None:
    """Enter the lists, package and drop, and (for a past quarter) decide."""
    opens = _parse(spec.opens)
    ids: dict[int, int] = {}  # index in spec.items -> item id
    owners = ("team", *(key for key in stakeholder_ids if key != "team"))
    for day, owner in enumerate(owners):
        clock.jump(_workday(opens, day))
        for index, entry in enumerate(spec.items):
            if entry.owner == owner:
                change = store.add_item(
                    quarter_id, stakeholder_ids[owner], entry.title, entry.notes, entry.effort
                )
                assert change.item_id is not None
                ids[index] = change.item_id

    clock.jump(_workday(opens, len(owners) + 1, hour=10))
    block_ids: dict[str, int] = {}
    for block in spec.blocks:
        change = store.add_block(quarter_id, block.name, block.case, block.effort)
        assert change.block_id is not None
        block_ids[block.key] = change.block_id
    for index, entry in enumerate(spec.items):
        if entry.block is not None:
            store.move_item(ids[index], Place.block(block_ids[entry.block]))
    clock.jump(_workday(opens, len(owners) + 2, hour=10))
    for index, entry in enumerate(spec.items):
        if entry.dropped is not None:
            store.drop_item(ids[index], entry.dropped)

    if spec.event is not None:
        event = _parse(spec.event)
        if event < clock.now():
            raise ValueError(f"{spec.name}: the event is set before the lists are packaged.")
        clock.jump(event)
        store.start_meeting(quarter_id, backup=False)
        _vote(store, spec, quarter_id, stakeholder_ids, block_ids)
        for block in sorted(spec.blocks, key=lambda b: b.rank or 3):
            if block.rank is not None:
                store.choose_block(block_ids[block.key], block.rank)
        store.decide(quarter_id, spec.rationale, spec.attendees)


def _vote(
    store: Store,
    spec: _Quarter,
    quarter_id: int,
    stakeholder_ids: dict[str, int | None],
    block_ids: dict[str, int],
) -> None:
    """The dot vote of a past event: everyone who sent a list is present, with three
    dots; two go on the block holding most of their own items, one on the block that
    was chosen first (people vote for their needs, and for the company's)."""
    senders = [k for k in stakeholder_ids if k != "team" and any(i.owner == k for i in spec.items)]
    store.set_attendance(quarter_id, [stakeholder_ids[key] or 0 for key in senders])
    first = next(b.key for b in spec.blocks if b.rank == 1)
    ranked = sorted(spec.blocks, key=lambda b: (b.rank or 3, spec.blocks.index(b)))
    dots: dict[str, dict[int, int]] = {}
    for key in senders:
        own: dict[str, int] = {}
        for item in spec.items:
            if item.owner == key and item.block is not None and item.dropped is None:
                own[item.block] = own.get(item.block, 0) + 1
        favourite = max(own, key=lambda k: own[k]) if own else first
        second = first if favourite != first else next(b.key for b in ranked if b.key != first)
        person = stakeholder_ids[key] or 0
        for block_key, count in ((favourite, 2), (second, 1)):
            dots.setdefault(block_key, {})[person] = dots.get(block_key, {}).get(person, 0) + count
    for block in spec.blocks:
        if block.key in dots:
            store.set_votes(block_ids[block.key], dict(dots[block.key]))
    store.set_meeting(quarter_id, tally_hidden=False)


def build_sample(path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
    """Write the sample board to `path` (refused if it exists, unless `overwrite`)."""
    sample = load_sample()
    specs = sample.quarters
    clock = _Clock(specs[0].opens)
    with _new_board(Path(path), overwrite, clock, specs[0].name) as store:
        stakeholder_ids: dict[str, int | None] = {"team": None}
        for key, name, department in sample.stakeholders:
            store.add_stakeholder(name, department)
            stakeholder_ids[key] = next(s.id for s in store.stakeholders() if s.name == name)
        quarter_id = store.quarter_by_name(specs[0].name).id
        store.edit_quarter(quarter_id, vision=sample.vision)  # the next quarters inherit it
        for index, spec in enumerate(specs):
            if index:
                clock.jump(_parse(spec.opens))
                change = store.create_quarter(spec.name)
                assert change.quarter_id is not None
                quarter_id = change.quarter_id
            _fill_quarter(store, clock, spec, quarter_id, stakeholder_ids)
        _seal(store, clock(), quarter_id, "Sample board built")


# ---------------------------------------------------------- synthetic boards


EXTRA_BLOCKS = [
    ("Supplier scorecards", "Lead times and defects per supplier, so buyers negotiate on facts."),
    ("Finance close pack", "Month-end numbers a day earlier, reconciled once, trusted by the CFO."),
    ("Operations daily", "One page each morning: orders, stock, late deliveries."),
    ("Product usage", "Which features customers use, for the roadmap and for renewals."),
]


def demo_event(
    store: Store, blocks: int = 4, *, revealed: bool = False, chosen: bool = True
) -> int:
    """The planning event on the sample's open quarter, for pictures and layout tests:
    `blocks` blocks (4 to 8, the extra ones made from items still on the lists), the
    quarter live, everyone present with three dots each, the dots placed (a clear order),
    the tally `revealed` or not, and (`chosen`) blocks 1 and 3 chosen. Returns the
    quarter's id."""
    q = store.default_quarter().id
    board = store.board(q)
    loose = [i.id for i in board.items_at(Place.team())]
    for person in board.stakeholders:
        loose += [i.id for i in board.items_at(Place.of_list(person.id))]
    for n, (name, case) in enumerate(EXTRA_BLOCKS[: max(0, blocks - len(board.blocks))]):
        store.add_block(q, name, case, item_ids=loose[n * 3 : n * 3 + 3])
    store.start_meeting(q, backup=False)
    people = [person.id for person in store.stakeholders(q)]
    store.set_meeting(q, present=people, dot_budget=3, tally_hidden=True)
    block_ids = [block.id for block in store.blocks(q)]
    pattern = [(0, 2), (2, 0), (0, 1), (2, 3), (0, 2), (1, 4), (3, 0)]
    for n, person_id in enumerate(people):
        two, one = pattern[n % len(pattern)]
        store.set_votes(block_ids[two % len(block_ids)], {person_id: 2})
        store.set_votes(block_ids[one % len(block_ids)], {person_id: 1})
    if revealed:
        store.set_meeting(q, tally_hidden=False)
    if chosen:
        store.choose_block(block_ids[0], 1)
        store.choose_block(block_ids[2], 2)
    return q


def generate_board(
    path: str | os.PathLike[str],
    items: int,
    stakeholders: int = 60,
    blocks: int = 40,
    seed: int = 0,
    *,
    overwrite: bool = False,
) -> None:
    """Write a synthetic board: one quarter being prepared, `stakeholders` lists,
    `blocks` blocks and `items` items (about a third in blocks, a tenth dropped).

    Rows go in with `executemany` in one transaction: 10,000 items take well under a
    second, where one `add_item` each would fsync 10,000 times.
    """
    if items < 0 or stakeholders < 0 or blocks < 0:
        raise ValueError("items, stakeholders and blocks can't be negative.")
    rng = random.Random(seed)
    clock = _Clock("2026-06-01T08:00:00Z", step_minutes=1)
    with _new_board(Path(path), overwrite, clock, SAMPLE_QUARTER) as store:
        quarter_id = store.quarter_by_name(SAMPLE_QUARTER).id
        conn = store.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            _insert_synthetic(conn, clock, rng, quarter_id, items, stakeholders, blocks)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        _seal(store, clock(), quarter_id, f"Synthetic board generated ({items} items)")


def _insert_synthetic(
    conn: sqlite3.Connection,
    clock: _Clock,
    rng: random.Random,
    quarter_id: int,
    items: int,
    stakeholders: int,
    blocks: int,
) -> None:
    names = _stakeholder_names(stakeholders, rng)
    conn.executemany(
        "INSERT INTO stakeholders (id, name, department, colour, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (i + 1, name, dept, STAKEHOLDER_COLOURS[i % len(STAKEHOLDER_COLOURS)], clock())
            for i, (name, dept) in enumerate(names)
        ],
    )
    conn.executemany(
        "INSERT INTO blocks (id, quarter_id, name, description, effort, position, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                b + 1,
                quarter_id,
                f"{rng.choice(_THEMES)} {b + 1}",
                f"Serves the vision by putting {rng.choice(_MEASURES)} by "
                f"{rng.choice(_DIMENSIONS)} in front of the people who decide on it.",
                rng.choice((None, *_EFFORTS[3:])),
                b,
                clock(),
            )
            for b in range(blocks)
        ],
    )
    base = _parse(clock())
    rows = _synthetic_items(rng, quarter_id, items, stakeholders, blocks, base)
    conn.executemany(
        "INSERT INTO items (id, quarter_id, stakeholder_id, title, notes, effort, block_id, "
        "status, drop_reason, position, place_position, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    clock.jump(base + timedelta(seconds=17 * items))


def _synthetic_items(
    rng: random.Random,
    quarter_id: int,
    items: int,
    stakeholders: int,
    blocks: int,
    base: datetime,
) -> list[tuple[object, ...]]:
    """The item rows of a synthetic board: a third in blocks, a tenth dropped."""
    # Some lists are longer than others, as in real planning rounds.
    owners: list[int | None] = [None, *range(1, stakeholders + 1)]
    weights = [max(3.0, stakeholders / 4), *(rng.uniform(0.5, 2.0) for _ in range(stakeholders))]
    list_next: dict[int | None, int] = {}
    place_next: dict[int | None, int] = {}  # block id, or None for the dropped area
    rows: list[tuple[object, ...]] = []
    for i in range(items):
        owner = rng.choices(owners, weights)[0]
        position = list_next.get(owner, 0)
        list_next[owner] = position + 1
        roll = rng.random()
        block_id: int | None = None
        status, reason, place_position = "open", None, None
        if blocks and roll < 1 / 3:
            block_id = rng.randrange(blocks) + 1
        elif roll > 0.9:
            status, reason = "dropped", rng.choice(_REASONS)
        if block_id is not None or status == "dropped":
            place_position = place_next.get(block_id, 0)
            place_next[block_id] = place_position + 1
        rows.append(
            (
                i + 1,
                quarter_id,
                owner,
                _title(rng),
                rng.choice(_NOTES) if rng.random() < 0.2 else "",
                rng.choice(_EFFORTS) if rng.random() < 0.4 else None,
                block_id,
                status,
                reason,
                position,
                place_position,
                (base + timedelta(seconds=17 * i)).strftime(_ISO),
            )
        )
    return rows
