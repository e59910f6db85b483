"""The planning event in the store: start, vote, choose, decide, cut-offs, reopen."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import Filled, assert_consistent

from planboard.core import Place, ReadOnlyError, Store, ValidationError
from planboard.core.backup import backups_of
from planboard.core.clock import ManualClock
from planboard.core.schema import SCHEMA_VERSION


@pytest.fixture
def live(filled: Filled) -> Filled:
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.move_item(filled.service_items[0], Place.block(filled.block_b))
    quality = store.add_block(q, "Data quality", "Trust the numbers").block_id or 0
    store.move_item(filled.team_items[1], Place.block(quality))
    store.start_meeting(q)
    store.set_attendance(q, [filled.sales, filled.service])
    return filled


def test_start_writes_a_valid_backup_first(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    change, backup = store.start_meeting(q)
    assert backup is not None and backup.exists()
    assert backup.parent == store.path.parent
    assert "2026-Q3" in backup.name and backup.name.endswith(".backup.db")
    assert backup.name in change.summary
    assert store.quarter(q).status == "live"
    copy = Store.open(backup, readonly=True)
    try:
        assert copy.quarter(q).status == "preparing"  # taken just before going live
        assert len(copy.board(q).items_at(Place.team())) == 3
        assert copy.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        copy.close()
    assert backups_of(store.path) == [backup]
    assert store.undo_summary(q) is None  # the event start is not undone by accident


def test_votes_respect_the_budget_and_presence(live: Filled) -> None:
    store, q = live.store, live.quarter_id
    store.set_meeting(q, dot_budget=3, tally_hidden=False)
    store.set_votes(live.block_a, {live.sales: 2, live.service: 1})
    with pytest.raises(ValidationError, match="1 left for this one, not 2"):
        store.set_votes(live.block_b, {live.sales: 2})
    outsider = store.add_stakeholder("CFO", "Finance", quarter_id=q)
    cfo = next(s.id for s in store.stakeholders(q) if s.name == "CFO")
    with pytest.raises(ValidationError, match="not marked present"):
        store.set_votes(live.block_b, {cfo: 1})
    assert outsider.summary
    store.set_votes(live.block_b, {live.sales: 1, live.service: 2})
    assert store.votes(q) == {
        live.block_a: {live.sales: 2, live.service: 1},
        live.block_b: {live.sales: 1, live.service: 2},
    }
    with pytest.raises(ValidationError, match="can't go below"):
        store.set_meeting(q, dot_budget=2)
    with pytest.raises(ValidationError, match="take them back"):
        store.set_attendance(q, [live.sales])
    store.set_votes(live.block_a, {live.sales: 0})  # taken back
    assert store.votes(q)[live.block_a] == {live.service: 1}
    store.undo(q)
    assert store.votes(q)[live.block_a] == {live.sales: 2, live.service: 1}


def test_dots_that_are_not_a_whole_number_name_whose_they_are(live: Filled) -> None:
    """ "Dots must be a whole number, not 'x'." left the room to find the field."""
    store = live.store
    name = store.stakeholder(live.service).name
    with pytest.raises(ValidationError, match=f"Dots for {name} must be a whole number, not 'x'"):
        store.set_votes(live.block_a, {live.sales: 1, live.service: "x"})
    with pytest.raises(ValidationError, match=f"Dots for {name} must be between 0 and 99"):
        store.set_votes(live.block_a, {live.service: 100})
    assert store.votes(live.quarter_id).get(live.block_a, {}) == {}


def test_votes_stay_when_the_event_ends_and_starts_again(live: Filled) -> None:
    store, q = live.store, live.quarter_id
    store.set_votes(live.block_a, {live.sales: 2})
    store.choose_block(live.block_a, 1)
    change = store.end_meeting(q)
    assert store.quarter(q).status == "preparing"
    event = store.events(q, limit=1)[0]
    assert (event.id, event.action) == (change.event_id, "end_meeting")
    # Ending without a decision confirms nothing: the choice stays a choice.
    assert (store.block(live.block_a).choice, store.block(live.block_a).chosen_rank) == (1, None)
    assert store.votes(q) == {live.block_a: {live.sales: 2}}
    store.start_meeting(q, backup=False)
    assert store.votes(q) == {live.block_a: {live.sales: 2}}
    assert store.attendance(q) == [live.sales, live.service]


def test_a_block_with_no_items_is_not_chosen_nor_decided(live: Filled) -> None:
    """A block with no item in it can't be a choice (an initiative with no work, which
    would cut off every list), and a chosen block emptied since is refused at the
    decision, naming it; nothing is written either time."""
    store, q = live.store, live.quarter_id
    empty = store.add_block(q, "Someday", "").block_id or 0
    events = len(store.events(q, limit=1000))
    with pytest.raises(ValidationError, match="“Someday” holds no items"):
        store.choose_block(empty, 1)
    assert store.block(empty).choice is None
    assert len(store.events(q, limit=1000)) == events
    store.choose_block(live.block_a, 1)
    store.move_item(live.sales_items[0], Place.of_list(live.sales))  # its only item
    assert store.why_not_decide(q) == (
        "“Sales cockpit” holds no items: put some in it (b: the board) or unchoose it (0)."
    )
    with pytest.raises(ValidationError, match="“Sales cockpit” holds no items"):
        store.decide(q, "Sales first.")
    assert store.quarter(q).status == "live" and store.decision(q) is None
    store.choose_block(live.block_a, None)  # unchoosing an empty block is allowed
    store.choose_block(live.block_b, 1)
    store.decide(q, "Service first.")
    assert store.block(live.block_b).chosen_rank == 1


def test_choose_two_a_third_is_refused_then_decide(live: Filled) -> None:
    store, q = live.store, live.quarter_id
    blocks = store.blocks(q)
    store.choose_block(blocks[0].id, 1)
    store.choose_block(blocks[1].id, 2)
    with pytest.raises(ValidationError, match="already"):
        store.choose_block(blocks[2].id, 2)
    with pytest.raises(ValidationError, match="only two"):
        store.choose_block(blocks[2].id, 3)
    store.choose_block(blocks[1].id, None)  # changed before confirming
    store.choose_block(blocks[2].id, 2)
    assert [b.choice for b in store.blocks(q)] == [1, None, 2]
    # Choosing is not deciding: nothing is confirmed in the file yet.
    assert [b.chosen_rank for b in store.blocks(q)] == [None, None, None]
    with pytest.raises(ValidationError, match="rationale"):
        store.decide(q, "")
    assert [b.chosen_rank for b in store.blocks(q)] == [None, None, None]  # refused: no change
    change = store.decide(q, "Sales and trust first.", "Ana (Sales), Ben (Service)")
    decision = store.decision(q)
    assert decision is not None and decision.attendees == "Ana (Sales), Ben (Service)"
    assert [b.chosen_rank for b in store.blocks(q)] == [1, None, 2]
    # One action, one event row, holding the decision, the ranks and the status.
    event = store.events(q, limit=1)[0]
    assert (event.id, event.action) == (change.event_id, "decide")
    written = {
        (table, column)
        for table, _pk, _before, after in event.payload["changes"]
        for column in (after or {})
    }
    assert {("blocks", "chosen_rank"), ("quarters", "status")} <= written
    assert any(table == "decisions" for table, *_ in event.payload["changes"])
    assert store.quarter(q).status == "decided"
    assert store.meeting(q).ended_at is not None
    with pytest.raises(ReadOnlyError, match="decided"):
        store.edit_item(live.team_items[0], title="No")
    with pytest.raises(ReadOnlyError):
        store.set_votes(live.block_a, {live.sales: 1})
    assert_consistent(store)


def test_decide_needs_choice_one(live: Filled) -> None:
    store, q = live.store, live.quarter_id
    store.choose_block(live.block_b, 2)
    with pytest.raises(ValidationError, match="Choice 1 is empty"):
        store.decide(q, "Because")


def test_cut_off_and_streaks(tmp_path: Path, clock) -> None:
    store = Store.open(tmp_path / "b.db", clock=clock, first_quarter="2026-Q1")
    try:
        q1 = store.default_quarter().id
        for name in ("Sales", "Marketing", "Product"):
            store.add_stakeholder(name)
        ids = {s.name: s.id for s in store.stakeholders()}

        def quarter(qid: int, served: list[str], cut: list[str]) -> None:
            block = store.add_block(qid, "Chosen").block_id or 0
            for name in served:
                item = store.add_item(qid, ids[name], f"{name} ask").item_id or 0
                store.move_item(item, Place.block(block))
            for name in cut:
                store.add_item(qid, ids[name], f"{name} other ask")
            store.choose_block(block, 1)
            store.decide(qid, "Because")

        quarter(q1, served=["Sales"], cut=["Marketing", "Product"])
        q2 = store.create_quarter("2026-Q2").quarter_id or 0
        quarter(q2, served=["Product"], cut=["Marketing"])
        q3 = store.create_quarter("2026-Q3").quarter_id or 0
        quarter(q3, served=["Sales"], cut=["Marketing", "Product"])
        result = [(c.stakeholder.name, c.items, c.streak) for c in store.cut_off(q3)]
        assert result == [("Marketing", 1, 3), ("Product", 1, 1)]
        assert [c.stakeholder.name for c in store.cut_off(q2)] == ["Marketing"]
    finally:
        store.close()


def test_reopen_is_recorded_and_on_purpose(live: Filled) -> None:
    store, q = live.store, live.quarter_id
    store.choose_block(live.block_a, 1)
    store.decide(q, "Because")
    change = store.reopen(q)
    assert store.quarter(q).status == "live"
    assert store.decision(q) is None
    event = store.events(q, limit=1)[0]
    assert (event.id, event.action) == (change.event_id, "reopen")
    # The confirmed rank goes with the decision; the choice stays, to confirm again.
    assert store.block(live.block_a).chosen_rank is None
    assert store.block(live.block_a).choice == 1
    assert store.undo_summary(q) is None  # reopening is not undone by a stray key
    with pytest.raises(ValidationError, match="not decided"):
        store.reopen(q)


def test_timer_is_kept_and_undo_steps_over_it(live: Filled) -> None:
    store, q = live.store, live.quarter_id
    store.set_votes(live.block_a, {live.sales: 1})
    store.set_timer(q, running=True, remaining=600)
    meeting = store.meeting(q)
    assert meeting.timer_remaining == 600 and meeting.timer_started_at is not None
    store.set_timer(q, running=False, remaining=420.5)
    assert store.meeting(q).timer_started_at is None
    assert store.undo_summary(q) == "Dots recorded on “Sales cockpit”"


def test_ending_or_deciding_the_event_pauses_the_countdown_where_it_stands(
    live: Filled,
) -> None:
    """The countdown ran 20 s, then the event was ended: started again, it showed the
    whole timebox (the time it ran given back); and the same at the decision, seen
    once the quarter is reopened. It pauses where it stands, the time run counted."""
    store, q = live.store, live.quarter_id
    store.clock = clock = ManualClock(store.now())  # (still, until moved)
    store.set_timer(q, running=True, remaining=600)
    clock.advance(20)
    store.end_meeting(q)
    meeting = store.meeting(q)
    assert (meeting.timer_remaining, meeting.timer_started_at) == (580, None)
    clock.advance(600)  # (ended: the countdown does not run)
    store.start_meeting(q, backup=False)
    assert store.meeting(q).timer_remaining == 580
    store.set_timer(q, running=True, remaining=580)
    store.choose_block(live.block_a, 1)
    clock.advance(30)
    store.decide(q, "Sales first.")
    clock.advance(600)
    store.reopen(q)
    meeting = store.meeting(q)
    assert (meeting.timer_remaining, meeting.timer_started_at) == (550, None)


@pytest.mark.parametrize("written", [None, "abc"], ids=["null", "text"])
def test_a_countdown_left_that_is_no_number_is_paused_from_the_whole_timebox(
    live: Filled, board_path: Path, written: object
) -> None:
    """What is left of a running countdown, written by another program as NULL or text,
    reads as the whole timebox (as the screen shows it): ending the event then gave
    back the 20 s it had run."""
    store, q = live.store, live.quarter_id
    store.clock = clock = ManualClock(store.now())
    store.set_timer(q, running=True, remaining=600)
    conn = sqlite3.connect(board_path, isolation_level=None)
    conn.execute("UPDATE meetings SET timer_remaining = ? WHERE quarter_id = ?", (written, q))
    conn.close()
    clock.advance(20)
    store.end_meeting(q)
    meeting = store.meeting(q)
    assert (meeting.timer_remaining, meeting.timer_started_at) == (45 * 60 - 20, None)


def test_a_timebox_set_below_the_time_spent_then_raised_counts_all_of_it(
    live: Filled,
) -> None:
    """93 s spent of 45 minutes, the timebox set to 1 minute (time is up: 00:00), then
    to 3: the countdown showed 2:00, counting only the one minute as spent. It shows
    1:27, on every screen (`timer_left`), and the event ended since keeps it."""
    from planboard.core.live import timer_left

    store, q = live.store, live.quarter_id
    store.set_timer(q, running=False, remaining=45 * 60 - 93)
    store.set_meeting(q, timebox_minutes=1)
    assert timer_left(store.meeting(q), store.now()) == 0
    store.set_meeting(q, timebox_minutes=3)
    assert timer_left(store.meeting(q), store.now()) == 87
    store.set_meeting(q, timebox_minutes=1)
    store.end_meeting(q)
    store.start_meeting(q, backup=False)
    store.set_meeting(q, timebox_minutes=45)
    assert timer_left(store.meeting(q), store.now()) == 45 * 60 - 93


def test_the_countdown_paused_after_time_is_up_keeps_the_overtime(live: Filled) -> None:
    """A 1-minute countdown run 93 s, then paused (`t`): it stored 0, so a timebox of 3
    set after showed 2:00, counting the one minute and not the 33 s over it. Paused
    where it stands, it keeps the overtime (00:00 on the screen) and shows 1:27."""
    from planboard.core.live import timer_left

    store, q = live.store, live.quarter_id
    store.clock = clock = ManualClock(store.now())
    store.set_meeting(q, timebox_minutes=1)
    store.set_timer(q, running=True, remaining=60)
    clock.advance(93)
    store.set_timer(q, running=False)
    meeting = store.meeting(q)
    assert (meeting.timer_remaining, meeting.timer_started_at) == (-33, None)
    assert timer_left(meeting, store.now()) == 0
    clock.advance(600)  # (paused: nothing more is spent)
    store.set_meeting(q, timebox_minutes=3)
    assert timer_left(store.meeting(q), store.now()) == 87
    store.set_timer(q, running=False)  # (paused already: stays as it is)
    assert store.meeting(q).timer_remaining == 87


def test_the_setup_summary_says_what_changed_and_no_more(live: Filled) -> None:
    """The setup (`a`) sends who is present with every save: a new timebox alone was
    said as "Event of 2026-Q3: 2 present, timebox 10 minutes", as if attendance had
    changed."""
    store, q = live.store, live.quarter_id
    present = store.attendance(q)
    change = store.set_meeting(q, present=present, timebox_minutes=10)
    assert change.summary == "Event of 2026-Q3: timebox 10 minutes"
    change = store.set_meeting(q, present=present[:1], timebox_minutes=10)
    assert change.summary == "Event of 2026-Q3: 1 present"
    change = store.set_meeting(q, present=present[:1])
    assert change.summary == "Nothing to change"


def test_a_new_timebox_is_undone_after_the_timer_moved(live: Filled) -> None:
    """A timebox changed, then `t` (the timer started or paused): `u` said "Can't undo
    this — Event of 2026-Q3: timebox 10 minutes — because the board has changed since
    (perhaps from another program)", for good, and nothing earlier in the meeting could
    be undone any more. The timer's own moves are stepped over: the undo puts the old
    timebox back, applied to the countdown as it stands (the time spent kept), and the
    redo puts the new one back the same way."""
    store, q = live.store, live.quarter_id
    start = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    store.set_votes(live.block_a, {live.sales: 1})
    store.set_timer(q, running=False, remaining=45 * 60)
    store.set_meeting(q, timebox_minutes=10, now=start)
    assert store.meeting(q).timer_remaining == 10 * 60
    store.set_timer(q, running=True, remaining=10 * 60, now=start)
    store.set_timer(q, running=False, remaining=8 * 60, now=start + timedelta(minutes=2))
    undone = store.undo(q)
    assert "timebox 10 minutes" in undone.summary
    meeting = store.meeting(q)
    assert meeting.timebox_minutes == 45
    assert meeting.timer_remaining == 43 * 60  # (45 minutes less the 2 spent)
    assert meeting.timer_started_at is None  # (paused, as it was left)
    store.redo(q)
    assert store.meeting(q).timebox_minutes == 10
    assert store.meeting(q).timer_remaining == 8 * 60
    store.undo(q)
    store.undo(q)  # (and what came before it: the dots)
    assert store.votes(q).get(live.block_a, {}) == {}
    assert_consistent(store)


def test_a_new_timebox_before_the_timer_ever_ran_is_undone_onto_it(live: Filled) -> None:
    """The review's case: a timebox changed before the timer ever ran (nothing of the
    countdown recorded), then `t`: the undo put 45 minutes back and left the countdown
    at 8 of the 10."""
    store, q = live.store, live.quarter_id
    start = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    store.set_meeting(q, timebox_minutes=10, now=start)
    store.set_timer(q, running=True, remaining=10 * 60, now=start)
    store.set_timer(q, running=False, remaining=8 * 60, now=start + timedelta(minutes=2))
    store.undo(q)
    meeting = store.meeting(q)
    assert meeting.timebox_minutes == 45 and meeting.timer_remaining == 43 * 60


def test_a_vote_not_counted_does_not_hold_the_dots_per_person(live: Filled) -> None:
    """A vote row another program wrote for a block not on the board is "not counted",
    but the setup form's save counted it: "CFO has already placed more dots than that",
    and no timebox, attendance or tally setting could be saved until it was deleted."""
    from conftest import write_outside

    store, q = live.store, live.quarter_id
    store.set_meeting(q, dot_budget=3)
    store.set_votes(live.block_a, {live.sales: 3})
    write_outside(
        store.path,
        "INSERT INTO votes (quarter_id, stakeholder_id, block_id, dots) VALUES (?, ?, 999, 1)",
        q,
        live.sales,
    )
    store.set_meeting(q, dot_budget=3, timebox_minutes=30)  # (the form saves them all)
    assert store.meeting(q).timebox_minutes == 30
    with pytest.raises(ValidationError, match=r"placed 3 dots|placed more dots"):
        store.set_meeting(q, dot_budget=2)  # (what was placed on the board still holds it)


def test_deleting_a_block_takes_its_votes_and_undo_brings_them(live: Filled) -> None:
    store, q = live.store, live.quarter_id
    store.set_votes(live.block_a, {live.sales: 2})
    store.delete_block(live.block_a)
    assert live.block_a not in store.votes(q)
    store.undo(q)
    assert store.votes(q)[live.block_a] == {live.sales: 2}


def test_a_chosen_block_is_not_deleted(live: Filled) -> None:
    """A delete took the block's choice with it mid-event, like a drop would have
    (refused): refused the same way; unchosen, it goes."""
    store, q = live.store, live.quarter_id
    store.choose_block(live.block_a, 1)
    last = store.last_event_id()
    with pytest.raises(ValidationError, match=r"is chosen \(1\): unchoose it first"):
        store.delete_block(live.block_a)
    assert store.block(live.block_a).choice == 1 and store.last_event_id() == last
    store.choose_block(live.block_a, None)
    store.delete_block(live.block_a)
    assert live.block_a not in [b.id for b in store.blocks(q)]


@pytest.mark.parametrize("version", [1, 2, 4, 5])
def test_upgrade_from_every_earlier_schema_keeps_everything(tmp_path: Path, version: int) -> None:
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / f"schema-v{version}.db"
    path = tmp_path / "old.db"
    shutil.copyfile(fixture, path)
    tables = ("quarters", "stakeholders", "items", "blocks", "decisions", "events")

    def columns(file: Path, table: str) -> str:
        conn = sqlite3.connect(f"file:{quote(str(file))}?mode=ro", uri=True)
        try:
            return ", ".join(r[1] for r in conn.execute(f"PRAGMA table_info({table})"))
        finally:
            conn.close()

    old_columns = {t: columns(path, t) for t in tables}

    def dump(file: Path) -> dict[str, list[tuple]]:
        conn = sqlite3.connect(f"file:{quote(str(file))}?mode=ro", uri=True)
        try:
            return {
                t: conn.execute(f"SELECT {old_columns[t]} FROM {t} ORDER BY 1").fetchall()
                for t in tables
            }
        finally:
            conn.close()

    before = dump(path)
    store = Store.open(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert {"meetings", "attendance", "votes"} <= set(store.db.table_names())
        assert "merged_into" in store.db["items"].columns_dict
        board = store.board(store.default_quarter().id)
        assert board.quarter.name == "2026-Q3" and board.item_count == 62
    finally:
        store.close()
    assert dump(path) == before
    backups = backups_of(path)
    assert len(backups) == 1 and f"before-schema-v{SCHEMA_VERSION}" in backups[0].name
    conn = sqlite3.connect(backups[0])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    conn.close()


def test_upgrade_from_v3_moves_unconfirmed_choices_to_choice(tmp_path: Path) -> None:
    """The schema-v3 fixture is sample.db with 2026-Q3 live and one block chosen (in v3,
    a choice was held in `chosen_rank` before the decision)."""
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "schema-v3.db"
    path = tmp_path / "old.db"
    shutil.copyfile(fixture, path)

    def ranks(file: Path, column: str) -> list[tuple]:
        conn = sqlite3.connect(f"file:{quote(str(file))}?mode=ro", uri=True)
        try:
            return conn.execute(
                f"SELECT q.name, q.status, b.name, b.{column} FROM blocks b "
                f"JOIN quarters q ON q.id = b.quarter_id WHERE b.{column} IS NOT NULL "
                "ORDER BY q.name, b.position"
            ).fetchall()
        finally:
            conn.close()

    before = ranks(path, "chosen_rank")
    assert ("2026-Q3", "live", "Campaign ROI, end to end", 1) in before
    store = Store.open(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        live = store.default_quarter()
        assert (live.name, live.status) == ("2026-Q3", "live")
        chosen = [(b.name, b.choice, b.chosen_rank) for b in store.blocks(live.id) if b.choice]
        assert chosen == [("Campaign ROI, end to end", 1, None)]
    finally:
        store.close()
    decided = [row for row in before if row[1] == "decided"]
    assert ranks(path, "chosen_rank") == decided  # confirmed ranks kept, the pending one moved
    assert ranks(path, "choice") == before  # every choice kept where the screen shows it


def test_two_processes_upgrading_at_once_apply_it_once(tmp_path: Path) -> None:
    import subprocess
    import sys

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "schema-v1.db"
    path = tmp_path / "old.db"
    shutil.copyfile(fixture, path)
    code = (
        "import sys; from planboard.core import Store; "
        "s = Store.open(sys.argv[1]); print(s.conn.execute('PRAGMA user_version').fetchone()[0])"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [o[0].strip() for o in outs] == [str(SCHEMA_VERSION)] * 2, outs
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE name='votes'")]
    conn.close()
    assert tables == ["votes"]
    assert len(backups_of(path)) == 1  # the one that upgraded it backed it up first


def test_minutes_tell_the_whole_event(live: Filled) -> None:
    from planboard.core.outcome import minutes_markdown, outcome, write_minutes

    store, q = live.store, live.quarter_id
    store.edit_block(live.block_a, description="Sales decide *faster* [link](x)")
    store.set_votes(live.block_a, {live.sales: 2, live.service: 1})
    store.choose_block(live.block_a, 1)
    store.decide(q, "Sales first.", "Ana, Ben")
    text = minutes_markdown(outcome(store, q))
    assert "### 1. Sales cockpit" in text
    assert "Sales decide \\*faster\\* \\[link\\](x)" in text  # user text is not markup
    assert "- Pipeline by region (Head of Sales)" in text
    assert "## Rationale\n\nSales first." in text
    assert "## Attendees\n\nAna, Ben" in text
    assert "| Sales cockpit | 3 | Customer Service Lead 1, Head of Sales 2 |" in text
    assert "- **Customer Service Lead**: 2 items, none chosen" in text
    path = write_minutes(store, q)
    assert path.name == "board.2026-Q3.minutes.md" and path.read_text() == text
    # Saved again as it is: the same file. Notes added to it since are never written
    # over (`s` replaced them without a word): the minutes go beside it, numbered.
    assert write_minutes(store, q) == path
    path.write_text(text + "\n## Notes\n\nFollow up with Ana.\n")
    again = write_minutes(store, q)
    assert again.name == "board.2026-Q3.minutes-2.md" and again.read_text() == text
    assert "Follow up with Ana." in path.read_text()
    assert write_minutes(store, q) == again  # (the same as that one: it is the one)


def test_a_request_merged_into_a_chosen_item_serves_its_asker(live: Filled) -> None:
    from planboard.core.history import coverage
    from planboard.core.outcome import outcome

    store, q = live.store, live.quarter_id
    # Service's request is merged into Sales' item, which is in block A
    store.merge_items(live.sales_items[0], [live.service_items[1]])
    store.choose_block(live.block_a, 1)
    store.decide(q, "Sales first")
    assert [c.stakeholder.name for c in store.cut_off(q)] == []
    assert coverage(store).cell(live.service, q) == "served"
    chosen = outcome(store, q).chosen[0]
    assert "Customer Service Lead" in chosen.owners


def test_who_the_pending_choice_cuts_off(live: Filled) -> None:
    """Before the decision: what confirming the choices made so far would cut off, with
    the streak counting this quarter."""
    store, q = live.store, live.quarter_id
    nothing_chosen = store.cut_off(q, pending=True)
    assert {c.stakeholder.id for c in nothing_chosen} == {live.sales, live.service}
    store.choose_block(live.block_a, 1)  # Sales cockpit: Sales is served, Service is not
    pending = store.cut_off(q, pending=True)
    assert [(c.stakeholder.id, c.streak) for c in pending] == [(live.service, 1)]
    assert pending[0].items == 2  # both of Service's items
    assert store.cut_off(q) == []  # nobody is cut off before the decision
    store.choose_block(live.block_b, 2)
    assert store.cut_off(q, pending=True) == []
    store.choose_block(live.block_b, None)
    store.decide(q, "Sales first", "")
    assert [(c.stakeholder.id, c.streak) for c in store.cut_off(q)] == [(live.service, 1)]


def test_a_new_timebox_applies_at_once_while_paused(live: Filled) -> None:
    store, q = live.store, live.quarter_id
    store.set_meeting(q, timebox_minutes=45)
    store.set_timer(q, running=False, remaining=45 * 60 - 600)  # 10 minutes spent
    store.set_meeting(q, timebox_minutes=30)
    meeting = store.meeting(q)
    assert meeting.timer_remaining == 30 * 60 - 600 and meeting.timer_started_at is None
    # one action: undo brings back the timebox and the countdown together
    store.undo(q)
    meeting = store.meeting(q)
    assert meeting.timebox_minutes == 45 and meeting.timer_remaining == 45 * 60 - 600


def test_a_new_timebox_applies_at_once_while_running(live: Filled) -> None:
    from planboard.core.live import timer_left

    store, q = live.store, live.quarter_id
    start = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    store.set_meeting(q, timebox_minutes=45)
    store.set_timer(q, running=True, remaining=45 * 60, now=start)
    store.set_meeting(q, timebox_minutes=20, now=start + timedelta(minutes=5))
    meeting = store.meeting(q)
    # 5 minutes spent: 15 left from the moment of the change, still running
    assert meeting.timer_remaining == 15 * 60
    assert meeting.timer_started_at == "2026-06-01T10:05:00.000Z"
    # a timebox shorter than the time spent: time is up (00:00 on every screen), the
    # time spent past it kept, for a longer timebox set after it
    store.set_meeting(q, timebox_minutes=1, now=start + timedelta(minutes=6))
    assert timer_left(store.meeting(q), start + timedelta(minutes=6)) == 0
    assert store.meeting(q).timer_remaining == -5 * 60


def test_one_minute_is_singular(live: Filled) -> None:
    change = live.store.set_meeting(live.quarter_id, timebox_minutes=1)
    assert "timebox 1 minute" in change.summary and "1 minutes" not in change.summary


def test_a_timer_started_in_the_future_shows_no_time_spent(live: Filled) -> None:
    """A start time still to come (a clock set back, or another program's row) is
    read as no time spent: the countdown shows what is left, not millions of minutes."""
    from planboard.core.live import timer_left
    from planboard.ui.meeting.timer import remaining_seconds

    store, q = live.store, live.quarter_id
    store.set_timer(q, running=True, remaining=600)
    conn = sqlite3.connect(store.path)
    with conn:
        conn.execute(
            "UPDATE meetings SET timer_started_at = '2099-01-01T00:00:00Z' WHERE quarter_id = ?",
            (q,),
        )
    conn.close()
    meeting = store.meeting(q)
    now = datetime.now(UTC)
    assert timer_left(meeting, now) == 600
    assert remaining_seconds(meeting, now) == 600
    # A new timebox keeps the time left, less none spent.
    store.set_meeting(q, timebox_minutes=meeting.timebox_minutes + 15, now=now)
    assert store.meeting(q).timer_remaining == 600 + 15 * 60


def test_a_refusal_while_the_tally_is_hidden_shows_no_count(live: Filled) -> None:
    """Over the budget while the tally is hidden: the message says so without saying
    how many dots are on other blocks or left (it said "2 are on other blocks: 1 left
    for this one", on the shared screen)."""
    store, q = live.store, live.quarter_id
    store.set_meeting(q, dot_budget=3, tally_hidden=True)
    store.set_votes(live.block_a, {live.sales: 2})
    with pytest.raises(ValidationError) as refused:
        store.set_votes(live.block_b, {live.sales: 2})
    said = str(refused.value)
    assert "more dots than" in said and "3 in all" in said
    assert "1 left" not in said and "2 are" not in said
    assert store.votes(q) == {live.block_a: {live.sales: 2}}


def test_refusals_about_placed_dots_name_no_count_while_hidden(live: Filled) -> None:
    """A budget below someone's dots, or someone with dots marked absent, is refused;
    while the tally is hidden the message names the person, not how many dots they
    placed (it said "has 2 dots placed" on the shared screen). Revealed, it counts."""
    store, q = live.store, live.quarter_id
    store.set_meeting(q, dot_budget=3, tally_hidden=True)
    store.set_votes(live.block_a, {live.sales: 2})
    present = store.attendance(q)
    for attempt in (
        lambda: store.set_meeting(q, dot_budget=1),
        lambda: store.set_meeting(q, present=[s for s in present if s != live.sales]),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        said = str(refused.value)
        assert store.stakeholder(live.sales).name in said and "2" not in said
    assert store.votes(q) == {live.block_a: {live.sales: 2}}
    assert sorted(store.attendance(q)) == sorted(present) and store.meeting(q).dot_budget == 3
    store.set_meeting(q, tally_hidden=False)
    for attempt in (
        lambda: store.set_meeting(q, dot_budget=1),
        lambda: store.set_meeting(q, present=[s for s in present if s != live.sales]),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "2 dots" in str(refused.value)


@pytest.mark.parametrize(
    "written, hidden",
    [
        ("0.5", True),
        ("-0.5", True),
        ("1e-9", True),
        ("'no'", True),
        ("X'00'", True),
        ("2", True),
        ("0", False),
        ("0.0", False),
    ],
)
def test_the_tally_stays_hidden_unless_the_file_says_0(
    live: Filled, written: str, hidden: bool
) -> None:
    """Anything but 0 in `tally_hidden` keeps the tally hidden (the README's word):
    0.5 written by another program was read as 0, and the dots showed everywhere."""
    store, q = live.store, live.quarter_id
    conn = sqlite3.connect(store.path)
    with conn:
        conn.execute(f"UPDATE meetings SET tally_hidden = {written} WHERE quarter_id = ?", (q,))
    conn.close()
    assert store.meeting(q).tally_hidden is hidden


def test_who_is_present_is_listed_by_name_not_in_the_order_ticked(filled: Filled) -> None:
    """The page, the exports and the outcome list those present as the stakeholders are
    listed everywhere (by name): in the order they were ticked, the shared page put
    "Head of Sales" before "Customer Service Lead"."""
    from planboard.core.outcome import outcome

    store, q = filled.store, filled.quarter_id
    store.start_meeting(q)
    store.set_attendance(q, [filled.sales])
    store.set_attendance(q, [filled.sales, filled.service])  # ticked second
    assert outcome(store, q).present == ["Customer Service Lead", "Head of Sales"]


def test_an_undo_or_redo_that_would_reveal_a_hidden_tally_is_known_beforehand(
    live: Filled,
) -> None:
    """The screens ask before a reveal; an undo or a redo can reveal too."""
    store, q = live.store, live.quarter_id
    store.set_meeting(q, tally_hidden=False)
    store.set_meeting(q, tally_hidden=True)  # hidden again
    assert not store.replay_reveals(q, undo=False)  # nothing to redo
    assert store.replay_reveals(q, undo=True)  # undoing the hiding shows the counts
    store.undo(q)
    assert not store.meeting(q).tally_hidden
    assert not store.replay_reveals(q, undo=False)  # its redo hides
    store.redo(q)
    store.set_meeting(q, tally_hidden=False)  # revealed
    assert not store.replay_reveals(q, undo=True)  # undoing the reveal hides again
    store.undo(q)
    assert store.meeting(q).tally_hidden
    assert store.replay_reveals(q, undo=False)  # the redo reveals again
    store.set_meeting(q, dot_budget=5)  # another change: the redo is gone
    assert not store.replay_reveals(q, undo=False)
    assert not store.replay_reveals(q, undo=True)


def test_no_reveal_is_asked_of_when_another_program_revealed_already(live: Filled) -> None:
    """The redo of a reveal, after another program showed the counts: nothing would be
    revealed (the redo can't even run), so the screens must not ask."""
    store, q = live.store, live.quarter_id
    store.set_meeting(q, tally_hidden=False)
    store.undo(q)
    assert store.replay_reveals(q, undo=False)
    other = sqlite3.connect(store.path)
    with other:
        other.execute("UPDATE meetings SET tally_hidden = 0")
    other.close()
    assert not store.replay_reveals(q, undo=False)


def _reveal_recorded_as(live: Filled, written: object) -> None:
    """The tally revealed then undone; the reveal in the redo's record rewritten as
    `written` (another program)."""
    import json

    store, q = live.store, live.quarter_id
    store.set_meeting(q, tally_hidden=False)
    store.undo(q)
    event_id, payload = store.conn.execute(
        "SELECT id, payload FROM events WHERE action NOT LIKE '%undo%' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    record = json.loads(payload)
    for change in record["changes"]:
        if change[0] == "meetings":
            change[3]["tally_hidden"] = written
    with store.conn:
        store.conn.execute(
            "UPDATE events SET payload = ? WHERE id = ?", (json.dumps(record), event_id)
        )


@pytest.mark.parametrize("written", ["0", " 0 ", "0.0", 0.0, False])
def test_a_reveal_recorded_by_another_program_as_text_is_known(
    live: Filled, written: object
) -> None:
    """A record whose reveal another program wrote as "0" (SQLite stores 0 in the INTEGER
    column: the redo reveals) is asked about like one holding 0."""
    store, q = live.store, live.quarter_id
    _reveal_recorded_as(live, written)
    assert store.replay_reveals(q, undo=False)
    store.redo(q)
    assert not store.meeting(q).tally_hidden


def _redo_record(live: Filled, changes: list[object]) -> None:
    """The tally revealed then undone; the redo's record rewritten (another program)."""
    import json

    store, q = live.store, live.quarter_id
    store.set_meeting(q, tally_hidden=False)
    store.undo(q)
    (event_id,) = store.conn.execute(
        "SELECT id FROM events WHERE undone = 1 ORDER BY id DESC LIMIT 1"
    ).fetchone()
    with store.conn:
        store.conn.execute(
            "UPDATE events SET payload = ? WHERE id = ?",
            (json.dumps({"changes": changes}), event_id),
        )


@pytest.mark.parametrize(
    "changes",
    [
        [["meetings", "Q", {}, {"tally_hidden": 0}]],  # (nothing it must hold first)
        [["meetings", "Q", {"tally_hidden": 1}, None], ["meetings", "Q", None, "ROW"]],
    ],
    ids=["no-before", "deleted-and-made-again"],
)
def test_a_rewritten_redo_that_reveals_is_asked_about(live: Filled, changes: list) -> None:
    """The replay checks only what the record says the row holds: a record naming no
    tally before, or deleting the event's row and making it again revealed, unasked."""
    store, q = live.store, live.quarter_id
    cursor = store.conn.execute("SELECT * FROM meetings WHERE quarter_id = ?", (q,))
    row = dict(zip([c[0] for c in cursor.description], cursor.fetchone(), strict=True))
    filled = [
        [t, q, want, {**row, "tally_hidden": 0} if target == "ROW" else target]
        for t, _, want, target in changes
    ]
    if len(filled) == 2:
        filled[0][2] = row
    _redo_record(live, filled)
    assert store.meeting(q).tally_hidden
    assert store.replay_reveals(q, undo=False)
    store.redo(q)
    assert not store.meeting(q).tally_hidden


@pytest.mark.parametrize(
    "before, after",
    [
        ("no", 0),  # (the row holds 1: the replay is refused, nothing revealed)
        ("", 0),
        (None, 0),
        (1, "\u00a00"),  # (text SQLite keeps as text: the tally stays hidden)
        (1, "\u0660"),
        (1, "0\u2003"),
        (1, "0\x85"),
        (1, "\x1c0"),
        (1, "1" * 3000 + "x"),
    ],
)
def test_a_redo_that_reveals_nothing_is_not_asked_about(
    live: Filled, before: object, after: object
) -> None:
    store, q = live.store, live.quarter_id
    _redo_record(live, [["meetings", q, {"tally_hidden": before}, {"tally_hidden": after}]])
    assert not store.replay_reveals(q, undo=False)


@pytest.mark.parametrize("written", ["no", "0x0", 0.5, None])
def test_a_record_that_keeps_the_tally_hidden_is_not_asked_about(
    live: Filled, written: object
) -> None:
    store, q = live.store, live.quarter_id
    _reveal_recorded_as(live, written)
    assert not store.replay_reveals(q, undo=False)


def test_people_are_listed_by_name_as_a_reader_expects_accents_too(live: Filled) -> None:
    """SQLite's NOCASE folds ASCII letters only: "émile" came after "Zoe", in the
    columns and in who was present."""
    from planboard.core.outcome import outcome

    store, q = live.store, live.quarter_id
    for name in ("Zoe", "émile", "anna"):
        store.add_stakeholder(name)
    ids = {s.name: s.id for s in store.stakeholders(q)}
    names = [s.name for s in store.stakeholders(q)]
    assert names.index("anna") < names.index("émile") < names.index("Zoe")
    store.set_attendance(q, [ids["Zoe"], ids["émile"], ids["anna"]])
    assert outcome(store, q).present == ["anna", "émile", "Zoe"]


def test_cut_off_people_and_their_dots_are_listed_by_name(live: Filled) -> None:
    """Those a choice cuts off (same streak) and each block's dots came in the order of
    their rows and by code point: "Bob, Zoe, anna, Øyvind" on the shared page."""
    from planboard.core.outcome import outcome

    store, q = live.store, live.quarter_id
    names = ["Zoe", "Øyvind", "émile", "anna", "Bob"]
    for name in names:
        store.add_stakeholder(name, quarter_id=q)
    ids = {s.name: s.id for s in store.stakeholders(q)}
    listed = [s.name for s in store.stakeholders(q) if s.name in names]
    assert listed == ["anna", "Bob", "émile", "Øyvind", "Zoe"]
    for name in names:  # (a request each, in no block: each is cut off)
        store.add_item(q, ids[name], f"Request of {name}")
    store.set_attendance(q, [ids[n] for n in names])
    store.set_votes(live.block_a, {ids[n]: 1 for n in names})
    cut = [
        c.stakeholder.name for c in store.cut_off(q, pending=True) if c.stakeholder.name in names
    ]
    assert cut == ["anna", "Bob", "émile", "Øyvind", "Zoe"]
    block = next(b for b in outcome(store, q).not_chosen if b.block.id == live.block_a)
    assert list(block.votes) == ["anna", "Bob", "émile", "Øyvind", "Zoe"]


def test_a_flag_is_read_as_off_exactly_when_sqlite_stores_zero() -> None:
    """`stored_as_zero` against SQLite itself, for what another program could write."""
    from planboard.core.rows import stored_as_zero

    values = [0, 0.0, 1, 0.5, False, True, None, "0", " 0 ", "0.0", "-0", "+0.", ".0", "1e-400"]
    values += ["\t0\n", "0\x0b", "\u00a00", "\u0660", "0\u2003", "0\x85", "\x1c0", "0x0"]
    values += ["no", "", "0e", "1_0", "0" * 500, "1" * 3000 + "x", "inf", "nan", "0 0"]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (flag INTEGER)")
    for value in values:
        conn.execute("DELETE FROM t")
        conn.execute("INSERT INTO t VALUES (?)", (value,))
        (zero,) = conn.execute("SELECT flag IS 0 FROM t").fetchone()
        assert stored_as_zero(value) == bool(zero), repr(value)
    conn.close()


def test_one_event_live_at_a_time(live: Filled) -> None:
    """A second quarter's event started while one is live: the browser view follows one
    live quarter, and showed the empty new one while the room voted on the first."""
    store = live.store
    other = store.create_quarter("2026-Q4").quarter_id
    assert other is not None
    before = list(store.path.parent.iterdir())
    with pytest.raises(ValidationError, match="2026-Q3's planning event is live"):
        store.start_meeting(other)
    assert store.quarter(other).status == "preparing"
    assert list(store.path.parent.iterdir()) == before  # (no backup written either)
    store.end_meeting(live.quarter_id)
    store.start_meeting(other)  # once it has ended
    assert store.quarter(other).status == "live"


def test_a_decided_quarter_is_not_reopened_while_another_event_is_live(live: Filled) -> None:
    store, q = live.store, live.quarter_id
    store.choose_block(live.block_a, 1)
    store.decide(q, "Sales first", attendees="Sales, Service")
    other = store.create_quarter("2026-Q4").quarter_id or 0
    store.start_meeting(other, backup=False)
    with pytest.raises(ValidationError, match="2026-Q4's planning event is live"):
        store.reopen(q)
    assert store.quarter(q).status == "decided"


def test_a_comparison_lists_the_chosen_blocks_in_the_order_they_were_chosen(
    filled: Filled,
) -> None:
    """`x` in the history listed "Chosen 2027-Q1: Churn early warning, One revenue
    truth" by the blocks' places on the board, not by choice: 1 first, then 2."""
    from planboard.core.history import compare

    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    filled.give_items()  # (a block with no items can't be chosen)
    store.choose_block(filled.block_b, 1)  # the second on the board, chosen first
    store.choose_block(filled.block_a, 2)
    store.decide(q, "Because")
    later = store.start_next_quarter(q, "2026-Q4").quarter_id or 0
    data = compare(store, q, later)
    assert [b.id for b in data.chosen_earlier] == [filled.block_b, filled.block_a]


def test_a_pipe_where_the_minutes_go_is_left_and_they_go_beside_it(live: Filled) -> None:
    """A pipe at the minutes' path was read to be compared, and that waited for a
    writer for ever (the screen froze, deaf to Esc). It is left as it is; the minutes
    go beside it, numbered, as beside a file that holds other text."""
    import os

    from planboard.core.outcome import minutes_path, write_minutes

    store, q = live.store, live.quarter_id
    store.choose_block(live.block_a, 1)
    store.decide(q, "Sales first.", "Ana")
    pipe = minutes_path(store.path, store.quarter(q))
    os.mkfifo(pipe)
    written = write_minutes(store, q)
    assert written.name.endswith(".minutes-2.md") and "Sales first." in written.read_text()
    assert pipe.is_fifo()


@pytest.mark.parametrize("writer", ["minutes", "md", "html", "csv", "json"])
def test_a_link_beside_the_board_never_leads_a_write_over_a_database(
    live: Filled, tmp_path: Path, writer: str
) -> None:
    """The minutes and the exports are written beside the board, through a link if one
    is there. A link named as they are that led to a board (this one, or another)
    replaced it with text: 180 KB of board became 2 KB of Markdown. Refused, each
    database left byte for byte as it was."""
    from planboard.core.export import export_path, write_export
    from planboard.core.outcome import minutes_path, write_minutes

    store, q = live.store, live.quarter_id
    store.choose_block(live.block_a, 1)
    store.decide(q, "Sales first.", "Ana")
    other = tmp_path / "other.db"
    Store.open(other, first_quarter="2026-Q3").close()
    quarter = store.quarter(q)
    link = (
        minutes_path(store.path, quarter)
        if writer == "minutes"
        else export_path(store.path, quarter.name, writer)
    )

    def write() -> Path:
        return write_minutes(store, q) if writer == "minutes" else write_export(store, q, writer)

    wal = store.path.with_name(store.path.name + "-wal")
    assert wal.exists()
    for target in (other, store.path, wal):
        link.unlink(missing_ok=True)
        link.symlink_to(target)
        before = target.read_bytes()
        with pytest.raises(OSError) as refused:
            write()
        assert target.read_bytes() == before
        said = refused.value.strerror or ""
        assert "an SQLite database" in said and "left as it was" in said, said
        assert link.is_symlink()
    link.unlink()
    assert write().read_text()  # (no link: written as before)


def test_votes_another_program_wrote_against_the_rules_are_not_counted(
    live: Filled, board_path: Path
) -> None:
    """`INSERT INTO votes` of 50 dots for someone absent made "60 dots on 4 blocks · 4
    present, 5 each" and ranked that block first, in the tally, the minutes and the
    exports. A vote of someone absent, on a block of another quarter, or past the
    budget (all of that person's, then) is not counted, and each is named."""
    from planboard.core.outcome import minutes_markdown, outcome

    store, q = live.store, live.quarter_id
    store.set_votes(live.block_a, {live.sales: 2})
    store.add_stakeholder("Head of Product")
    absent = next(s.id for s in store.stakeholders() if s.name == "Head of Product")
    conn = sqlite3.connect(board_path, isolation_level=None)
    budget = store.meeting(q).dot_budget
    elsewhere = conn.execute("INSERT INTO quarters (name) VALUES ('2027-Q1')").lastrowid
    other_block = conn.execute(
        "INSERT INTO blocks (quarter_id, name, position) VALUES (?, 'Elsewhere', 0)",
        (elsewhere,),
    ).lastrowid
    rows = [(q, absent, live.block_b, 50), (q, live.service, live.block_b, budget)]
    rows.append((q, live.service, live.block_a, 1))  # (over the budget: neither counts)
    rows.append((q, live.sales, other_block, 1))  # (a block of another quarter)
    conn.executemany(
        "INSERT INTO votes (quarter_id, stakeholder_id, block_id, dots) VALUES (?, ?, ?, ?)",
        rows,
    )
    conn.close()
    assert store.votes(q) == {live.block_a: {live.sales: 2}}
    said = store.row_problems(q)
    assert any("Head of Product is not marked present; not counted" in s for s in said), said
    assert any(f"names block {other_block}, which is not on this quarter" in s for s in said)
    over = [s for s in said if "Customer Service Lead" in s]
    assert len(over) == 1 and f"more than the {budget} dots each" in over[0], said
    assert "none of them counted" in over[0] and "+" not in over[0]
    store.choose_block(live.block_a, 1)
    store.decide(q, "Sales first.", "Ana")
    text = minutes_markdown(outcome(store, q))
    assert "Head of Product" not in text.split("## Attendees")[0].split("Dots")[-1]
    assert "| Sales cockpit | 2 | Head of Sales 2 |" in text, text


@pytest.mark.parametrize(
    "dots",
    ["two", b"\x01", 0.5, 2.5, -2],
    ids=["text", "blob", "half", "two and a half", "negative"],
)
def test_a_vote_whose_dots_are_not_a_whole_number_is_named_not_counted(
    live: Filled, board_path: Path, dots: object
) -> None:
    """A vote another program wrote with dots of text, bytes, a fraction or below one
    was left out of the tally without a word (2.5 counted as 2): it is named, and not
    counted, as other votes against the rules are."""
    store, q = live.store, live.quarter_id
    store.set_votes(live.block_a, {live.sales: 2})
    conn = sqlite3.connect(board_path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = 1")
    row = conn.execute(
        "INSERT INTO votes (quarter_id, stakeholder_id, block_id, dots) VALUES (?, ?, ?, ?)",
        (q, live.service, live.block_b, dots),
    ).lastrowid
    conn.close()
    assert store.votes(q) == {live.block_a: {live.sales: 2}}
    said = [s for s in store.row_problems(q) if s.startswith(f"votes row {row}: dots ")]
    assert len(said) == 1 and said[0].endswith("not counted"), store.row_problems(q)


def test_a_long_quarter_name_another_program_wrote_still_names_files(
    filled: Filled, board_path: Path
) -> None:
    """A quarter named with 300 letters (by `sqlite3`: planboard keeps names short)
    stopped the event ("File name too long" for its backup) and every export. The name
    is cut in file names, with a mark of the whole so that two such names differ."""
    from planboard.core.export import write_export
    from planboard.core.outcome import write_minutes

    store, q = filled.store, filled.quarter_id
    long_name = "Q" * 300
    conn = sqlite3.connect(board_path, isolation_level=None)
    conn.execute("UPDATE quarters SET name = ? WHERE id = ?", (long_name, q))
    conn.close()
    _, backup = store.start_meeting(q)
    assert backup is not None and backup.exists() and len(backup.name.encode()) <= 255
    written = write_export(store, q, "md")
    assert written.exists() and len(written.name) <= 120
    store.add_block(q, "Sales cockpit 2", "")
    filled.give_items()  # (a block with no items can't be chosen)
    store.choose_block(filled.block_a, 1)
    store.decide(q, "Sales first.", "Ana")
    assert write_minutes(store, q).exists()
    conn = sqlite3.connect(board_path, isolation_level=None)
    conn.execute("UPDATE quarters SET name = ? WHERE id = ?", ("Q" * 299 + "R", q))
    conn.close()
    assert write_export(store, q, "md") != written  # (not the other's file)
    # Letters of four bytes each, beside a long board name: a file's name is counted
    # in bytes (255 at most), not in letters.
    long_board = board_path.with_name("quarterly-planning-board-of-the-data-team-a.db")
    long_board.touch()
    conn = sqlite3.connect(board_path, isolation_level=None)
    conn.execute("UPDATE quarters SET name = ? WHERE id = ?", ("\U0001d4ac" * 300, q))
    conn.close()
    for fmt in ("md", "html", "json"):
        assert len(write_export(store, q, fmt).name.encode()) <= 150
    from planboard.core.export import export_path

    beside = export_path(long_board, "\U0001d4ac" * 300, "html")
    assert len(beside.name.encode()) <= 200


def test_a_block_the_next_quarter_carried_as_not_chosen_cant_be_chosen_after_a_reopen(
    live: Filled,
) -> None:
    """Decided, the next quarter started with a block not chosen carried over, then the
    decided quarter reopened: that block could be chosen, and both quarters then held
    it, one as chosen and one as an open candidate."""
    store, q = live.store, live.quarter_id
    store.choose_block(live.block_a, 1)
    store.decide(q, "Sales first.", "Ana")
    store.start_next_quarter(q, "2026-Q4", "", block_ids=[live.block_b], item_ids=[])
    store.reopen(q)
    store.choose_block(live.block_a, None)
    with pytest.raises(ValidationError) as refused:
        store.choose_block(live.block_b, 1)
    said = str(refused.value)
    assert "2026-Q4" in said and "carried" in said, said
    assert store.block(live.block_b).choice is None
    store.choose_block(live.block_a, 1)  # (one not carried: chosen as before)


def _carried_on_then_reopened(live: Filled) -> int:
    """Block A chosen and decided, the next quarter (2026-Q4) started carrying a team
    item over, the decided quarter reopened: the carried item's id."""
    store, q = live.store, live.quarter_id
    store.choose_block(live.block_a, 1)
    store.decide(q, "Sales first.", "Ana")
    carried = live.team_items[0]
    store.start_next_quarter(q, "2026-Q4", "", item_ids=[carried])
    store.reopen(q)
    return carried


def test_an_item_the_next_quarter_carried_cant_go_into_a_chosen_block_after_a_reopen(
    live: Filled,
) -> None:
    """Decided, the next quarter started with an item carried over, the decided quarter
    reopened: the item could be moved into a chosen block (or its block chosen), and it
    ended up chosen in one quarter and open in the next. Both are refused; the item
    still moves elsewhere."""
    store = live.store
    carried = _carried_on_then_reopened(live)
    with pytest.raises(ValidationError) as refused:
        store.move_item(carried, Place.block(live.block_a))
    said = str(refused.value)
    assert "2026-Q4" in said and "carried" in said, said
    assert store.item(carried).block_id is None
    store.move_item(carried, Place.block(live.block_b))  # (not chosen: as before)
    with pytest.raises(ValidationError, match="2026-Q4"):
        store.choose_block(live.block_b, 2)
    assert store.block(live.block_b).choice is None


def test_an_item_carried_on_cant_reach_a_chosen_block_through_a_merge(live: Filled) -> None:
    """Merged into an item of a chosen block, or into one later moved there or whose
    block is then chosen, a request the next quarter carried on counted as served by the
    choice here while open there."""
    store, q = live.store, live.quarter_id
    carried = _carried_on_then_reopened(live)
    in_chosen = store.items_at(q, Place.block(live.block_a))[0].id
    with pytest.raises(ValidationError, match="2026-Q4"):
        store.merge_items(in_chosen, [carried])
    survivor = live.team_items[1]
    store.merge_items(survivor, [carried])  # (onto a list: as before)
    with pytest.raises(ValidationError, match="2026-Q4"):
        store.move_item(survivor, Place.block(live.block_a))
    store.move_item(survivor, Place.block(live.block_b))
    with pytest.raises(ValidationError, match="2026-Q4"):
        store.choose_block(live.block_b, 2)


def test_an_item_a_quarter_started_early_carried_cant_go_into_a_chosen_block(
    filled: Filled,
) -> None:
    """The next quarter started while this one is still prepared, carrying an item: in a
    chosen block here it would be chosen here and open there, as after a reopen."""
    store, q = filled.store, filled.quarter_id
    carried = filled.team_items[0]
    store.start_next_quarter(q, "2026-Q4", "", item_ids=[carried])
    store.start_meeting(q, backup=False)
    filled.give_items()  # (a block with no items can't be chosen)
    store.choose_block(filled.block_a, 1)
    with pytest.raises(ValidationError) as refused:
        store.move_item(carried, Place.block(filled.block_a))
    said = str(refused.value)
    assert "carried into 2026-Q4" in said and "not chosen" not in said, said


def test_a_chosen_block_is_not_carried_over_as_not_chosen(live: Filled, board_path: Path) -> None:
    """The next quarter started during the event offered a chosen block as "not
    chosen", ticked, and carried it; the decision then went through: the same work was
    this quarter's initiative and an open block in the next. A chosen block is not
    offered nor carried, and a decision whose chosen block a later quarter carried on
    (another program's doing) is refused."""
    from planboard.core.history import carry_over_candidates

    store, q = live.store, live.quarter_id
    store.choose_block(live.block_a, 1)
    offered = [block.id for block, _ in carry_over_candidates(store, q).blocks]
    assert live.block_a not in offered and live.block_b in offered
    with pytest.raises(ValidationError, match="“Sales cockpit” is chosen in 2026-Q3"):
        store.start_next_quarter(q, "2026-Q4", "", block_ids=[live.block_b, live.block_a])
    # Nor an item in it (the form offers only those on their lists; a caller may ask).
    with pytest.raises(ValidationError, match="“Pipeline by region”, in “Sales cockpit”, is"):
        store.start_next_quarter(q, "2026-Q4", "", item_ids=[live.sales_items[0]])
    assert [quarter.name for quarter in store.quarters()] == ["2026-Q3"]
    store.choose_block(live.block_a, None)
    store.start_next_quarter(q, "2026-Q4", "", block_ids=[live.block_a])
    conn = sqlite3.connect(board_path, isolation_level=None)
    conn.execute("UPDATE blocks SET choice = 1 WHERE id = ?", (live.block_a,))
    conn.close()
    with pytest.raises(ValidationError, match="carried into 2026-Q4 as not chosen"):
        store.decide(q, "Sales first.")
    assert store.decision(q) is None and store.quarter(q).status == "live"


@pytest.mark.parametrize("column", ["choice", "chosen_rank"])
def test_a_block_another_program_marked_chosen_with_0_is_neither_offered_nor_carried(
    live: Filled, board_path: Path, column: str
) -> None:
    """A 0 written as a block's choice (or rank) was offered, ticked, to carry over, and
    the start was then refused for it: offer and refusal read it alike."""
    from planboard.core.history import carry_over_candidates

    store, q = live.store, live.quarter_id
    conn = sqlite3.connect(board_path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")  # (as another program may)
    conn.execute(f"UPDATE blocks SET {column} = 0 WHERE id = ?", (live.block_b,))
    conn.close()
    offered = [block.id for block, _ in carry_over_candidates(store, q).blocks]
    assert live.block_b not in offered and live.block_a in offered
    with pytest.raises(ValidationError, match="“Service insights” is chosen in 2026-Q3"):
        store.start_next_quarter(q, "2026-Q4", "", block_ids=[live.block_b])
    store.start_next_quarter(q, "2026-Q4", "", block_ids=offered)


def test_dots_over_the_budget_another_program_wrote_can_be_taken_back(
    live: Filled, board_path: Path
) -> None:
    """With more dots than the budget written for someone by another program, the form
    said "5 of 5 left" but every save was refused with "-45 left for this one", even 0
    to take dots back: the board could not be put right. Dots on a block of another
    quarter (not counted) do not use the budget; taking dots back is always possible;
    adding more is refused with what to do about it."""
    store, q = live.store, live.quarter_id
    budget = store.meeting(q).dot_budget
    conn = sqlite3.connect(board_path, isolation_level=None)
    other_quarter = conn.execute("INSERT INTO quarters (name) VALUES ('2027-Q1')").lastrowid
    other_block = conn.execute(
        "INSERT INTO blocks (quarter_id, name, position) VALUES (?, 'Elsewhere', 0)",
        (other_quarter,),
    ).lastrowid
    insert = "INSERT INTO votes (quarter_id, stakeholder_id, block_id, dots) VALUES (?, ?, ?, ?)"
    conn.execute(insert, (q, live.sales, other_block, 50))  # (not counted: another quarter's)
    conn.execute(insert, (q, live.service, live.block_b, budget + 40))
    conn.close()
    store.set_votes(live.block_a, {live.sales: budget})  # (the other quarter's 50 use nothing)
    assert store.votes(q)[live.block_a] == {live.sales: budget}
    with pytest.raises(ValidationError) as refused:
        store.set_votes(live.block_a, {live.service: 1})
    said = str(refused.value)
    assert "Customer Service Lead" in said and f"more than the {budget} dots each" in said, said
    assert "-" not in said.split("Customer Service Lead")[1], said  # (no "-45 left")
    # Lowered, but still over the budget: none of them would count; refused (with the
    # tally hidden, without the count).
    with pytest.raises(ValidationError, match="more dots than Customer Service Lead has left"):
        store.set_votes(live.block_b, {live.service: budget + 1})
    store.set_votes(live.block_b, {live.service: 0})  # (taken back: allowed)
    assert live.block_b not in store.votes(q) or live.service not in store.votes(q)[live.block_b]
    store.set_votes(live.block_a, {live.service: 1})
    assert store.votes(q)[live.block_a] == {live.sales: budget, live.service: 1}
    # A row of no dots (or fewer) another program wrote uses none of the budget, and
    # gives none either: it is not a vote (`counted_votes` skips it).
    conn = sqlite3.connect(board_path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = 1")
    conn.execute(insert, (q, live.service, live.block_b, -10))
    conn.close()
    with pytest.raises(ValidationError):
        store.set_votes(live.block_a, {live.service: budget + 1})
    assert store.votes(q)[live.block_a] == {live.sales: budget, live.service: 1}


def test_dots_another_program_wrote_are_read_alike_by_the_tally_and_the_dots_form(
    live: Filled, board_path: Path
) -> None:
    """2.5 dots of Head of Sales's, written with `sqlite3`, are not counted by the tally;
    the check of what Sales has left read them as 2 and refused 2 more dots on another
    block, while the form said "3 of 3 left"."""
    store, q = live.store, live.quarter_id
    conn = sqlite3.connect(board_path, isolation_level=None)
    conn.execute(
        "INSERT INTO votes (quarter_id, stakeholder_id, block_id, dots) VALUES (?, ?, ?, 2.5)",
        (q, live.sales, live.block_b),
    )
    conn.close()
    assert store.votes(q) == {}
    store.set_votes(live.block_a, {live.sales: 2})
    assert store.votes(q) == {live.block_a: {live.sales: 2}}


@pytest.mark.parametrize("budget", [0, 500, "many"])
def test_dots_each_out_of_range_are_read_as_three_by_the_tally_too(
    live: Filled, board_path: Path, budget: object
) -> None:
    """Dots per person another program set out of range are "read as 3", as the status
    line says and the event shows: the tally read 0 (no vote counted), 500 (50 dots
    counted) or text (no limit at all)."""
    store, q = live.store, live.quarter_id
    store.set_votes(live.block_a, {live.sales: 2})
    conn = sqlite3.connect(board_path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = 1")
    conn.execute("UPDATE meetings SET dot_budget = ? WHERE quarter_id = ?", (budget, q))
    conn.execute(
        "INSERT INTO votes (quarter_id, stakeholder_id, block_id, dots) VALUES (?, ?, ?, 50)",
        (q, live.service, live.block_b),
    )
    conn.close()
    assert store.meeting(q).dot_budget == 3
    assert store.votes(q) == {live.block_a: {live.sales: 2}}
    assert any("more than the 3 dots each" in p for p in store.row_problems(q))
