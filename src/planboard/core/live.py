"""What an attendee may see of the board right now, read in one consistent snapshot.

`live_view(store)` picks the quarter of the moment (the one being decided live, else the
newest not decided, else the newest) and gathers, from `outcome()`, what a remote
attendee's page shows: while preparing, the blocks with their case, items and whose they
are; during the event, the cards, the countdown, the choices and who is present; once
decided, the summary. Dots are gathered only when the tally has been revealed: a hidden
tally never leaves this function, so no page, message or file built from a `LiveView`
can hold it.

Text is as stored minus control characters; escaping it is the renderer's job.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from .clock import runs_at, seconds_left, seconds_since, started_at
from .errors import CorruptBoardError
from .model import Item, Meeting
from .outcome import BlockOutcome, Outcome, outcome
from .store import Store
from .text import clean_line, clean_multiline


@dataclass(frozen=True)
class LiveItem:
    title: str
    owner: str


@dataclass(frozen=True)
class LiveBlock:
    number: int  # as on the board and in the meeting view, from 1
    name: str
    case: str
    effort: float | None
    items: list[LiveItem]
    served: list[str]
    choice: int | None  # 1 or 2 as chosen in the event (also once decided)
    chosen_rank: int | None  # 1 or 2 once the decision is confirmed
    dots: int | None = None  # None while the tally is hidden
    votes: list[tuple[str, int]] | None = None  # who put how many; None while hidden
    id: int = 0  # its row: a page keeps the lists it opened by it, not by the number


@dataclass(frozen=True)
class LiveTimer:
    left: float  # seconds left when the view was read
    running: bool
    minutes: int  # the timebox's length
    starts_in: float = 0.0  # a start written later than now: seconds until it runs


@dataclass(frozen=True)
class LiveCutOff:
    name: str
    items: int
    streak: int


@dataclass(frozen=True)
class LiveView:
    quarter: str
    status: str  # preparing, live or decided
    vision: str
    blocks: list[LiveBlock]
    loose: int  # items still on the lists, in no block
    dropped: int
    event: bool = False  # the planning event has started (now or before)
    dot_budget: int = 0
    tally_hidden: bool = True
    timer: LiveTimer | None = None
    present: list[str] = field(default_factory=list)
    decided_at: str = ""
    rationale: str = ""
    attendees: str = ""
    cut_off: list[LiveCutOff] = field(default_factory=list)

    @property
    def chosen(self) -> list[LiveBlock]:
        return sorted((b for b in self.blocks if b.chosen_rank), key=lambda b: b.chosen_rank or 0)

    @property
    def not_chosen(self) -> list[LiveBlock]:
        return [b for b in self.blocks if not b.chosen_rank]


def timer_running(meeting: Meeting, now: datetime) -> bool:
    """Whether the countdown runs at `now` (`clock.runs_at`: a start written later than
    now reads as paused where it was)."""
    return runs_at(meeting.timer_started_at, now)


def _starts_in(meeting: Meeting, now: datetime) -> float:
    """Seconds until a countdown whose start is written later than now runs (0 if none):
    the page is drawn again then, as the screen is."""
    started = started_at(meeting.timer_started_at)
    return 0.0 if started is None else max(0.0, (started - now).total_seconds())


def timer_left(meeting: Meeting, now: datetime) -> float:
    """Seconds left on the event's countdown at `now` (it may be running)."""
    left = seconds_left(meeting.timer_remaining, meeting.timebox_minutes)
    if meeting.timer_started_at:
        try:
            left -= seconds_since(meeting.timer_started_at, now)
        except (ValueError, TypeError):  # a stamp another program wrote badly: paused
            return max(0.0, left)
    return max(0.0, left)


def _block(
    entry: BlockOutcome, number: int, owner_of: Callable[[Item], str], revealed: bool
) -> LiveBlock:
    block = entry.block
    return LiveBlock(
        number=number,
        id=block.id,
        name=clean_line(block.name),
        case=clean_multiline(block.description),
        effort=block.effort,
        items=[
            LiveItem(clean_line(item.title), clean_line(owner_of(item))) for item in entry.items
        ],
        served=[clean_line(name) for name in entry.owners],
        choice=block.choice,
        chosen_rank=block.chosen_rank,
        dots=entry.dots if revealed else None,
        votes=[(clean_line(n), d) for n, d in entry.votes.items() if d] if revealed else None,
    )


def live_view(store: Store, now: datetime | None = None, quarter: str | None = None) -> LiveView:
    """The board as an attendee may see it at `now` (one read transaction). The
    countdown runs on the store's clock, as on the board's own screens, unless `now`
    is given. `quarter`: that quarter (by name), not the quarter of the moment."""
    conn = store.conn
    began = False
    try:
        if not conn.in_transaction:
            conn.execute("BEGIN")  # every read below sees the same state of the file
            began = True
        return _read(store, store.now() if now is None else now, quarter)
    except sqlite3.DatabaseError as error:
        raise CorruptBoardError(f"{store.path.name} can't be read: {error}.") from error
    finally:
        if began and conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("COMMIT")


def _read(store: Store, now: datetime, name: str | None = None) -> LiveView:
    quarter = store.default_quarter() if name is None else store.quarter_by_name(name)
    result = outcome(store, quarter.id)
    meeting = result.meeting
    revealed = meeting is not None and not meeting.tally_hidden
    entries = sorted(
        result.chosen + result.not_chosen, key=lambda e: (e.block.position, e.block.id)
    )
    blocks = [
        _block(entry, number, result.owner, revealed)
        for number, entry in enumerate(entries, start=1)
    ]
    view = LiveView(
        quarter=clean_line(quarter.name),
        status=quarter.status,
        vision=clean_multiline(quarter.vision),
        blocks=blocks,
        loose=len(result.loose),
        dropped=len(result.dropped),
        event=meeting is not None,
        present=[clean_line(name) for name in result.present],
    )
    if meeting is not None:
        view = _with_meeting(view, meeting, revealed, now)
    if result.decision is not None:
        view = _with_decision(view, result)
    return view


def _with_meeting(view: LiveView, meeting: Meeting, revealed: bool, now: datetime) -> LiveView:
    timer = LiveTimer(
        left=timer_left(meeting, now),
        running=timer_running(meeting, now) and view.status == "live",
        minutes=meeting.timebox_minutes,
        starts_in=_starts_in(meeting, now) if view.status == "live" else 0.0,
    )
    return replace(view, dot_budget=meeting.dot_budget, tally_hidden=not revealed, timer=timer)


def _with_decision(view: LiveView, result: Outcome) -> LiveView:
    decision = result.decision
    assert decision is not None
    return replace(
        view,
        decided_at=clean_line(decision.decided_at),
        rationale=clean_multiline(decision.rationale),
        attendees=clean_multiline(decision.attendees),
        cut_off=[
            LiveCutOff(clean_line(c.stakeholder.name), c.items, c.streak) for c in result.cut_off
        ],
    )
