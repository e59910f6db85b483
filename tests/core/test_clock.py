"""One clock: the store reads the time only from the clock it is given."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from planboard.core import Place, Store
from planboard.core.clock import Clock, ManualClock, parse_stamp, stamp


def test_a_new_board_is_named_and_stamped_from_the_store_clock(tmp_path: Path) -> None:
    clock = ManualClock("2027-02-10T16:45:00Z")
    with Store.open(tmp_path / "board.db", clock=clock) as store:
        quarter = store.default_quarter()
        assert quarter.name == "2027-Q1"
        assert quarter.created_at == "2027-02-10T16:45:00Z"
        clock.advance(90)
        change = store.add_item(quarter.id, None, "Churn drivers")
        assert store.item(change.item_id or 0).created_at == "2027-02-10T16:46:30Z"
        assert store.events(quarter.id)[0].at == "2027-02-10T16:46:30Z"


def test_the_countdown_runs_on_the_store_clock(tmp_path: Path) -> None:
    clock = ManualClock("2026-09-01T10:00:00Z")
    with Store.open(tmp_path / "board.db", clock=clock, first_quarter="2026-Q4") as store:
        q = store.default_quarter().id
        store.add_block(q, "Sales cockpit", "")
        store.start_meeting(q, backup=False)
        store.set_timer(q, running=True, remaining=600)
        assert store.meeting(q).timer_started_at == "2026-09-01T10:00:00.000Z"
        clock.advance(12.5)
        assert store.now() == datetime(2026, 9, 1, 10, 0, 12, 500000, tzinfo=UTC)
        store.set_timer(q, running=False, remaining=587.5)
        assert store.meeting(q).timer_started_at is None
        assert store.items_at(q, Place.team()) == []


def test_the_wall_clock_and_stamps() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    now = Clock().now()
    assert now.tzinfo is not None and now >= before
    assert stamp(datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC)) == "2026-01-02T03:04:05Z"
    assert parse_stamp("2026-01-02T03:04:05.250Z") == datetime(
        2026, 1, 2, 3, 4, 5, 250000, tzinfo=UTC
    )
    clock = ManualClock()
    assert clock() == "2026-06-01T09:00:00Z"
    clock.set("2026-07-01T00:00:00Z")
    assert clock() == "2026-07-01T00:00:00Z"


def test_the_wall_clocks_stamp_is_the_stamp_of_its_moment() -> None:
    """The wall clock writes its stamp without a datetime (`time.strftime`): the same
    text `stamp` makes of the moment, to the second. A clock that says another moment
    (`now` of its own) is stamped from it."""
    clock = Clock()
    for _ in range(3):
        before = stamp(datetime.now(UTC))
        written = clock()
        after = stamp(datetime.now(UTC))
        if before == after:  # (not across the turn of a second)
            assert written == before
            break
    else:
        raise AssertionError("three turns of a second in a row")

    class Later(Clock):
        def now(self) -> datetime:
            return datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)

    assert Later()() == "2031-05-06T07:08:09Z"
