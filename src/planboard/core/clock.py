"""The one place planboard reads the time of day.

The store stamps rows with its clock, names a new board's first quarter from it, and
runs the meeting's countdown on it; the screens read it through the store. Tests give a
`ManualClock` and move it forward instead of waiting on the wall clock.

Two readings stay on the machine's clocks on purpose: backup file names (sorted by the
moment they were written, with backups made before any store exists) and the lock and
busy-retry deadlines in `db.py` (real waits on another process).
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta

STAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def stamp(moment: datetime) -> str:
    """A moment as the file stores it: UTC, ISO 8601, to the second."""
    return moment.astimezone(UTC).strftime(STAMP_FORMAT)


def stamp_ms(moment: datetime) -> str:
    """A moment to the millisecond (a countdown's start, a time read back): UTC, `Z`."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_stamp(text: str) -> datetime:
    """A stored time (to the second or to the millisecond) as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def utc_moment(text: object) -> datetime | None:
    """A stored time in UTC: one with an offset (`+05:00`) moved to UTC, one without a
    zone taken as UTC (as SQLite's `datetime('now')` writes it, `2026-12-06 09:15:57`);
    None for what is not a time (`2026-02-30`, `yesterday`, a number)."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        moment = parse_stamp(text.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def utc_iso(text: object) -> str | None:
    """A stored time as the exports give it: UTC, ISO 8601, `Z` (planboard's own as the
    file holds them, to the second or the millisecond); None if it is not a time."""
    moment = utc_moment(text)
    if moment is None:
        return None
    spec = "milliseconds" if moment.microsecond else "seconds"
    return moment.isoformat(timespec=spec).replace("+00:00", "Z")


def utc_day(text: object) -> str:
    """The day of a stored time in UTC (`2026-03-19`), "" if it is not a time."""
    moment = utc_moment(text)
    return moment.date().isoformat() if moment else ""


def seconds_since(text: str, now: datetime) -> float:
    """Seconds from a stored time to `now`, never fewer than none: a time still to come
    (a clock set back, or a row another program wrote) counts as just now. A time
    without a zone is UTC, as SQLite's `datetime('now')` writes it."""
    started = parse_stamp(text)
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return max(0.0, (now - started).total_seconds())


def started_at(text: str | None) -> datetime | None:
    """When a countdown was started, aware (a time without a zone is UTC, as
    `seconds_since` reads it); None if it was not, or the stamp can't be read."""
    if not text:
        return None
    try:
        started = parse_stamp(text)
    except (ValueError, TypeError, OverflowError):
        return None
    return started if started.tzinfo is not None else started.replace(tzinfo=UTC)


def runs_at(text: str | None, now: datetime) -> bool:
    """Whether a countdown started at `text` runs at `now`: started, and not later than
    now (a start another program wrote in the future, or a clock set back, reads as
    paused where it was, on every screen and page alike)."""
    started = started_at(text)
    return started is not None and started <= now


def timer_stopped(
    started: str | None, remaining: object, timebox_minutes: object, now: datetime
) -> dict[str, object]:
    """The countdown's columns when the event stops (ended, or decided): paused where it
    stands at `now`, the time it ran counted. (Its start cleared alone gave that time
    back: run 20 s, then `e` and `M`, and the whole timebox showed again.) What is left
    is read as the screen reads it (`live.timer_left`): no number there (another
    program's) is the whole timebox."""
    values: dict[str, object] = {"timer_started_at": None}
    if started is None or not runs_at(started, now):
        return values  # (paused already; or another program's start, read as paused)
    left = seconds_left(remaining, timebox_minutes)
    # (Below zero once time is up: kept, as `timer_for_timebox` keeps it.)
    values["timer_remaining"] = left - seconds_since(started, now)
    return values


def finite_number(value: object) -> float | None:
    """A finite number as stored, or None for anything else another program wrote
    (text, NULL, a flag, NaN)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def seconds_left(remaining: object, timebox_minutes: object) -> float:
    """What was left of the countdown when it was last paused or started, as every
    reader takes it: no number there (another program's) is the whole timebox."""
    left = finite_number(remaining)
    if left is None:
        left = (finite_number(timebox_minutes) or 0.0) * 60.0
    return left


def timer_for_timebox(
    timebox_minutes: int, started: str | None, remaining: float, minutes: int, now: datetime
) -> dict[str, object]:
    """The countdown's columns under a new timebox (`minutes`): its new length minus
    the time already spent under the old one; a running one restarts its count from
    `now`. For a new timebox, and for one an undo or a redo puts back. A timebox
    shorter than the time spent leaves what is left below zero (the screens show 00:00):
    a longer one set after it counts all the time spent, not only the shorter box
    (93 s spent, then 1 minute, then 3: 1:27 left, not 2:00)."""
    values: dict[str, object] = {}
    left = remaining
    if started and runs_at(started, now):
        left -= seconds_since(started, now)
        values["timer_started_at"] = stamp_ms(now)
    spent = timebox_minutes * 60.0 - left
    values["timer_remaining"] = minutes * 60.0 - spent
    return values


class Clock:
    """The wall clock, in UTC. Calling it gives the timestamp written into rows."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def __call__(self) -> str:
        if type(self).now is Clock.now:  # (the wall clock: the same text, a third the time)
            return time.strftime(STAMP_FORMAT, time.gmtime())
        return stamp(self.now())


class ManualClock(Clock):
    """A clock that stands still until it is moved (for tests and replays)."""

    def __init__(self, start: datetime | str = "2026-06-01T09:00:00Z") -> None:
        self._now = parse_stamp(start) if isinstance(start, str) else start

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)

    def set(self, moment: datetime | str) -> None:
        self._now = parse_stamp(moment) if isinstance(moment, str) else moment


SYSTEM_CLOCK = Clock()
