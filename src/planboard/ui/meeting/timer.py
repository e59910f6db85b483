"""The meeting's timebox: what is left, and how the clock shows it."""

from __future__ import annotations

from datetime import datetime

from ...core.live import timer_left, timer_running
from ...core.model import (
    Meeting,
)

WARN_AT = 5 * 60  # seconds left when the timebox turns amber
ALARM_AT = 60  # and red


def remaining_seconds(meeting: Meeting, now: datetime) -> float:
    """Seconds left on the countdown at `now` (it may be running): the core's rule."""
    return timer_left(meeting, now)


def _alarm_level(left: float) -> int:
    """0 calm, 1 five minutes left, 2 one minute left, 3 time is up."""
    return 3 if left <= 0 else 2 if left <= ALARM_AT else 1 if left <= WARN_AT else 0


def clock_text(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


ALARM_WORDS = {1: "Five minutes left.", 2: "One minute left.", 3: "Time is up."}


def timer_parts(meeting: Meeting, now: datetime) -> list[str | tuple[str, str]]:
    """The countdown as the meeting views show it: amber from five minutes, red from one."""
    left = remaining_seconds(meeting, now)
    running = timer_running(meeting, now)
    style = "bold"
    if left <= ALARM_AT:
        style = "bold reverse $text-error"
    elif left <= WARN_AT:
        style = "bold $text-warning"
    state = (" time is up" if left <= 0 else " running") if running else " paused"
    return ["Time", (f" {clock_text(left)} ", style), (state, "$text-muted")]
