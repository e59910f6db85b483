"""A countdown whose start another program (or a clock set back) wrote in the future:
the meeting's screen stood at 10:00 "running" for good while the browser counted down
from it, so the room and the attendees saw different times. It reads as paused, with
what was left, on both; starting it again counts from then."""

from __future__ import annotations

from datetime import timedelta

from conftest import Filled

from planboard.core.live import live_view, timer_left, timer_running
from planboard.ui.meeting.timer import timer_parts


def _started_much_later(filled: Filled) -> None:
    """The event live, its countdown written (as another program could) to start seventy
    years from now with 10 minutes left."""
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    later = (store.now() + timedelta(days=365 * 70)).isoformat().replace("+00:00", "Z")
    store.conn.execute(
        "UPDATE meetings SET timer_remaining = 600, timer_started_at = ? WHERE quarter_id = ?",
        (later, q),
    )


def test_a_countdown_started_in_the_future_reads_as_paused_everywhere(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    _started_much_later(filled)
    meeting = store.meeting(q)
    assert meeting is not None
    assert timer_left(meeting, store.now()) == 600
    assert not timer_running(meeting, store.now())
    assert "paused" in str(timer_parts(meeting, store.now())[-1])
    view = live_view(store)
    assert view.timer is not None and not view.timer.running and view.timer.left == 600


async def test_t_starts_a_countdown_shown_paused_for_its_start_in_the_future(
    filled: Filled,
) -> None:
    """Shown paused, `t` paused it again (the screen's rule read the stamp alone): it
    starts it, from what was left, now."""
    from planboard.ui.app import PlanboardApp

    store, q = filled.store, filled.quarter_id
    _started_much_later(filled)
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        meeting = store.meeting(q)
        assert meeting is not None and timer_running(meeting, store.now())
        assert meeting.timer_remaining == 600  # (from what was left)


def test_a_new_timebox_keeps_a_countdown_shown_paused_paused(filled: Filled) -> None:
    """It set the start to now: the countdown ran, from more than was left."""
    store, q = filled.store, filled.quarter_id
    _started_much_later(filled)
    store.set_meeting(q, timebox_minutes=60)
    meeting = store.meeting(q)
    assert meeting is not None and not timer_running(meeting, store.now())
    assert meeting.timer_remaining == 60 * 60 - (45 * 60 - 600)  # (what was spent stays)
