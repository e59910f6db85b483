"""A whole planning event through the meeting view, checked against the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Filled

from planboard.core import Place, Store
from planboard.core.backup import backups_of
from planboard.core.clock import ManualClock
from planboard.ui.app import PlanboardApp
from planboard.ui.meeting.cards import BlockCard
from planboard.ui.modals import ConfirmModal, FormModal
from planboard.ui.screens.board import BoardScreen
from planboard.ui.screens.meeting import (
    DecisionScreen,
    MeetingScreen,
    PresentScreen,
    RevealScreen,
)


def status(app: PlanboardApp) -> str:
    return str(app.screen.query_one("#status").render())


def prepare(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.move_item(filled.team_items[0], Place.block(filled.block_b))
    store.add_block(q, "Data quality", "Trust the numbers", item_ids=[filled.team_items[1]])


def hidden_event(filled: Filled) -> tuple[Store, int]:
    """The event live with its tally hidden: Head of Sales present, 2 dots on block 1."""
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    store.set_meeting(q, present=[filled.sales], dot_budget=3, tally_hidden=True)
    store.set_votes(filled.block_a, {filled.sales: 2})
    return store, q


async def test_a_whole_event(filled: Filled) -> None:
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("M")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        # started: live, and a valid backup beside the file
        assert store.quarter(q).status == "live"
        backups = backups_of(store.path)
        assert len(backups) == 1 and str(backups[0]) in status(app)
        copy = Store.open(backups[0], readonly=True)
        assert len(copy.blocks(q)) == 3
        copy.close()
        # who is here: Sales and Service, 3 dots each
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, FormModal)
        from textual.widgets import SelectionList

        form.query_one(SelectionList).select_all()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert sorted(store.attendance(q)) == sorted([filled.sales, filled.service])
        # dots on block 1: Sales 2, Service 3 (too many for the budget of 3? no: exactly 3)
        await pilot.press("v")
        assert isinstance(app.screen, FormModal)
        labels = " ".join(str(label.render()) for label in app.screen.query(".field-label"))
        assert "3 dots in all" in labels and "other blocks" not in labels  # tally hidden
        inputs = list(app.screen.query("Input"))
        inputs[0].value, inputs[1].value = "2", "3"
        await pilot.press("ctrl+s")
        await pilot.pause()
        # the shared screen does not give the count away while the tally is hidden
        assert "Dots recorded on “Sales cockpit”" in status(app)
        assert "5" not in status(app) and "hidden until revealed" in status(app)
        tally = store.votes(q)[filled.block_a]
        assert tally == {filled.service: 2, filled.sales: 3} or tally == {
            filled.service: 3,
            filled.sales: 2,
        }
        assert "Dots  hidden" in str(screen.cards[0].render())
        await pilot.press("r")  # asked first: a stray key must not end the secret vote
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")  # not yet
        await pilot.pause()
        assert app.screen is screen and store.meeting(q).tally_hidden
        assert "Dots  hidden" in str(screen.cards[0].render())
        await pilot.press("r", "enter")  # Enter says not yet: a stray key keeps it hidden
        await pilot.pause()
        assert app.screen is screen and store.meeting(q).tally_hidden
        await pilot.press("r", "y")  # revealed, and shown ranked; Esc back to the cards
        await pilot.pause()
        assert isinstance(app.screen, RevealScreen)
        # (the dots went on one block of three: "5 dots on 3 blocks" said otherwise)
        assert "5 dots on 1 of 3 blocks" in str(app.screen.head.render())
        await pilot.press("escape")
        await pilot.pause()
        assert "●●●●● 5" in str(screen.cards[0].render())
        await pilot.press("v")  # revealed: the form and the message give the figures
        labels = " ".join(str(label.render()) for label in app.screen.query(".field-label"))
        # what each has left to place, by name (not in the order they were ticked)
        assert "(1 of 3 left; up to 3 here)" in labels and "(0 of 3 left; up to 3 here)" in labels
        names = [str(label.render()).split(" (")[0] for label in app.screen.query(".field-label")]
        assert names == sorted(names, key=str.lower) == ["Customer Service Lead", "Head of Sales"]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "5 dots on it in all" in status(app)
        # choose two; a third is refused, saying how to change one
        await pilot.press("1")
        await pilot.press("right", "2")
        await pilot.pause()
        await pilot.press("right", "1")
        await pilot.pause()
        said = status(app)
        assert "No third choice: press 0 on block 1 or 2 first, then 1 here." in said
        # whole on one line of the shared screen at 100 columns (it was cut before)
        assert len(said) <= app.screen.query_one("#status").content_region.width
        assert [b.choice for b in store.blocks(q)] == [1, 2, None]
        assert [b.chosen_rank for b in store.blocks(q)] == [None, None, None]  # not yet
        # confirm: rationale required; the form says who the choice cuts off
        await pilot.press("d")
        assert isinstance(app.screen, FormModal)
        intro = str(app.screen.query_one(".dialog-intro").render())
        pending = [c.stakeholder.name for c in store.cut_off(q, pending=True)]
        assert pending == ["Customer Service Lead"] and "Customer Service Lead" in intro
        assert "Head of Sales" not in intro
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "rationale" in str(app.screen.query_one(".form-error").render())
        await pilot.press(*"Sales needs it most", "ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, DecisionScreen)
        assert store.quarter(q).status == "decided"
        decision = store.decision(q)
        assert decision is not None and decision.rationale == "Sales needs it most"
        assert [b.chosen_rank for b in store.blocks(q)] == [1, 2, None]
        # the summary names the cut-off stakeholder computed from the data
        cut = [c.stakeholder.name for c in store.cut_off(q)]
        assert cut == ["Customer Service Lead"]
        text = str(app.screen.query_one("#decision-body").render())
        assert "Cut off this quarter" in text and "Customer Service Lead" in text
        assert "Data quality   1 item\n" in text  # one item, not "1 items"
        # minutes beside the file
        await pilot.press("s")
        minutes = Path(str(store.path).replace("board.db", "board.2026-Q3.minutes.md"))
        assert minutes.exists()
        assert "Sales needs it most" in minutes.read_text()
        # back to the board: read-only now, and it does not offer an undo it would refuse
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert "undoes" not in status(app) and "is decided" in status(app)
        await pilot.press("d")
        assert "is decided" in status(app)
        # reopen, on purpose, recorded
        app.screen.action_reopen()
        await pilot.pause()
        await pilot.press(*"2026-q3", "ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert store.quarter(q).status == "live"
        assert store.events(q, limit=1)[0].action == "reopen"
        assert isinstance(app.screen, MeetingScreen)


async def test_end_without_decision_keeps_votes(filled: Filled) -> None:
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    store.set_attendance(q, [filled.sales])
    store.set_votes(filled.block_a, {filled.sales: 2})
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)  # a live quarter reopens in the event
        await pilot.press("e", "y")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert store.quarter(q).status == "preparing"
        assert store.votes(q) == {filled.block_a: {filled.sales: 2}}
        assert store.events(q, limit=1)[0].action == "end_meeting"
        assert "Ended the event" in status(app) and "without a decision" in status(app)
        assert "PREPARING" in str(app.screen.query_one("#title").render()).upper()


async def test_moves_still_work_while_live_with_undo(filled: Filled) -> None:
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("b")  # back to the board; the event stays live
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("1")
        await pilot.pause()
        moved = store.item(filled.team_items[2])
        assert moved.block_id == filled.block_a
        await pilot.press("u")
        await pilot.pause()
        assert store.item(filled.team_items[2]).block_id is None
        assert store.quarter(q).status == "live"


async def test_present_one_block_at_a_time_hides_preparation_detail(filled: Filled) -> None:
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.edit_item(filled.sales_items[0], notes="Internal: 3 days of SQL")
    store.drop_item(filled.sales_items[1], "Secret reason")
    store.start_meeting(q, backup=False)
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, PresentScreen)
        text = str(app.screen.query_one("#present-body").render())
        assert "Pipeline by region" in text and "Head of Sales" in text
        assert "Internal" not in text and "Secret" not in text
        await pilot.press("right")
        text = str(app.screen.query_one("#present-body").render())
        assert "Single customer view" in text
        assert "Block 2 of 3" in str(app.screen.query_one("#present-head").render())


async def test_timer_starts_and_pauses(filled: Filled) -> None:
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    store.set_meeting(q, timebox_minutes=10)
    clock = ManualClock()
    app = PlanboardApp(store, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert "10:00" in str(app.screen.query_one("#meeting-head").render())
        await pilot.press("t")
        assert store.meeting(q).timer_started_at == "2026-06-01T09:00:00.000Z"
        clock.advance(4.25)
        await pilot.press("t")
        meeting = store.meeting(q)
        assert meeting.timer_started_at is None and meeting.timer_remaining == 595.75


async def test_t_after_time_is_up_pauses_with_the_overtime_kept(filled: Filled) -> None:
    """`t` on a countdown 33 s past its minute paused it at 0 in the file: the
    overtime was lost to a longer timebox set after. The file keeps -33; the screen
    says 00:00."""
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    store.set_meeting(q, timebox_minutes=1)
    clock = ManualClock()
    app = PlanboardApp(store, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        clock.advance(93)
        await pilot.press("t")
        await pilot.pause()
        meeting = store.meeting(q)
        assert (meeting.timer_remaining, meeting.timer_started_at) == (-33, None)
        assert "00:00" in str(app.screen.query_one("#meeting-head").render())
        assert "Timer paused at 00:00." in status(app)


def tick(app: PlanboardApp) -> None:
    """What the meeting view's timer does twice a second."""
    screen = app.screen
    assert isinstance(screen, MeetingScreen)
    screen._tick()


async def test_the_countdown_warns_when_a_threshold_is_crossed(filled: Filled) -> None:
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    clock = ManualClock()
    app = PlanboardApp(store, clock=clock)
    store.set_timer(q, running=True, remaining=61.5)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        tick(app)
        assert "minute" not in status(app)
        clock.advance(1.0)
        tick(app)
        assert "01:00" in str(app.screen.query_one("#meeting-head").render())
        assert "minute" not in status(app)
        clock.advance(0.5)
        tick(app)
        await pilot.pause()
        assert "One minute left." in status(app)
        head = app.screen.query_one("#meeting-head").render()
        assert "01:00" in str(head)
        # the whole countdown shows in the alarm colour from then on
        spans = [span for span in head.spans if "reverse" in str(span.style)]
        assert spans, head.spans
        assert store.meeting(q).timer_remaining == 61.5  # the file keeps the start


async def test_reopening_mid_countdown_does_not_announce_a_passed_threshold(
    filled: Filled,
) -> None:
    """After a restart with 1:45 left, "five minutes left" is long past: say nothing."""
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    clock = ManualClock()
    app = PlanboardApp(store, clock=clock)
    store.set_timer(q, running=True, remaining=105)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for _ in range(2):  # two ticks
            clock.advance(0.5)
            tick(app)
        await pilot.pause()
        assert "01:44" in str(app.screen.query_one("#meeting-head").render())
        assert "minutes left" not in status(app) and "minute left" not in status(app)


async def test_the_countdown_stays_in_sight_on_one_block_full_screen(filled: Filled) -> None:
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    clock = ManualClock()
    app = PlanboardApp(store, clock=clock)
    store.set_timer(q, running=True, remaining=45)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, PresentScreen)
        head = app.screen.query_one("#present-head")
        clock.advance(3)
        app.screen.show_head()
        await pilot.pause()
        assert "00:42" in str(head.render())
        assert "One minute left." in str(head.render())
        assert "running" in str(head.render())


def test_meeting_view_snapshot(snap_compare, sample_copy: Path) -> None:
    store = Store.open(sample_copy)
    quarter = store.default_quarter().id
    store.start_meeting(quarter, backup=False)

    async def settle(pilot) -> None:
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(PlanboardApp(store), terminal_size=(100, 30), run_before=settle)


async def test_a_viewer_of_the_event_sees_its_keys_dimmed_and_refused(filled: Filled) -> None:
    """A second planboard on a live event shows the cards; the keys that change the
    event are dimmed, and pressing one says why nothing happens."""
    prepare(filled)
    filled.store.start_meeting(filled.quarter_id, backup=False)
    viewer = Store.open(filled.store.path)  # the fixture's store is the writer
    assert viewer.viewer
    app = PlanboardApp(viewer)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        keys = app.screen.query("BoardFooter FooterKey")  # by type name: public CSS selectors
        dimmed = {getattr(k, "key", "") for k in keys if k.has_class("-disabled")}
        # 1 and 2 share a footer key; r reveals a hidden tally; e ends the event
        assert dimmed == {"1", "v", "r", "t", "a", "d", "e"}
        await pilot.press("1")
        await pilot.pause()
        assert "read-only" in status(app)
        assert all(not b.choice for b in filled.store.blocks(filled.quarter_id))
        # The writer goes: this one takes over, and its keys show as usable at once
        # (they stayed dimmed until a key was pressed, though they worked).
        filled.store.close()
        app._take_over()
        await pilot.pause()
        keys = app.screen.query("BoardFooter FooterKey")
        assert not any(k.has_class("-disabled") for k in keys)
        assert "can edit the board now" in status(app)
    filled.store = Store.open(viewer.path)  # for the fixture to close


async def test_a_new_timebox_shows_at_once_and_t_resets(filled: Filled) -> None:
    """Changing the timebox after the timer started did nothing; no key reset it."""
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    store.set_meeting(q, timebox_minutes=45)
    store.set_timer(q, running=False, remaining=45 * 60 - 5 * 60)  # 5 minutes spent
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        head = app.screen.query_one("#meeting-head")
        assert "40:00" in str(head.render())
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        minutes = form.query_one("#field-minutes")
        minutes.value = "1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        # a minute's timebox with five minutes spent: time is up, shown at once
        assert "00:00" in str(head.render())
        assert "timebox 1 minute" in status(app) and "1 minutes" not in status(app)
        assert app.screen.query_one("#meeting-clock").value == "00:00"
        await pilot.press("u")  # one action: the old timebox and countdown come back
        await pilot.pause()
        assert "40:00" in str(head.render())
        await pilot.press("T")
        await pilot.pause()
        assert "45:00" in str(head.render()) and "reset" in status(app)
        meeting = store.meeting(q)
        assert meeting.timer_remaining == 45 * 60 and meeting.timer_started_at is None


async def test_the_event_screen_hears_the_apps_watcher(filled: Filled) -> None:
    """A block renamed by another program shows on the event screen through the app's
    one watcher (the screen keeps no poll or version of its own)."""
    import sqlite3

    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    app = PlanboardApp(store, start_meeting=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        with sqlite3.connect(store.path, isolation_level=None) as other:
            other.execute(
                "UPDATE blocks SET name = 'Renamed in sqlite3' WHERE id = ?", (filled.block_a,)
            )
        other.close()
        names = [card.data.block.name for card in screen.query(BlockCard)]
        assert "Renamed in sqlite3" not in names
        app._watch_file()
        await pilot.pause()
        names = [card.data.block.name for card in screen.query(BlockCard)]
        assert "Renamed in sqlite3" in names
        assert not hasattr(screen, "_data_version")


async def test_a_vote_written_against_the_rules_is_named_not_counted(filled: Filled) -> None:
    """50 dots for someone absent, written with sqlite3 during the event: the card
    counted them and nothing said so. Left out of the card's count, and named on the
    event's status line (without the dots: the tally may be hidden)."""
    import sqlite3

    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    store.set_attendance(q, [filled.sales])
    app = PlanboardApp(store, start_meeting=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        with sqlite3.connect(store.path, isolation_level=None) as other:
            other.execute(
                "INSERT INTO votes (quarter_id, stakeholder_id, block_id, dots) "
                "VALUES (?, ?, ?, 50)",
                (q, filled.service, filled.block_a),
            )
        other.close()
        app._watch_file()
        await pilot.pause()
        said = status(app)
        assert "Customer Service Lead is not marked present; not counted" in said, said
        assert "50" not in said
        assert all(card.data.dots == 0 for card in screen.query(BlockCard))
        # Deleted by that program: the line no longer names a row that is not there.
        with sqlite3.connect(store.path, isolation_level=None) as other:
            other.execute("DELETE FROM votes WHERE dots = 50")
        other.close()
        app._watch_file()
        await pilot.pause()
        assert "not counted" not in status(app), status(app)


async def test_the_decision_form_fits_when_many_are_cut_off(filled: Filled) -> None:
    """Forty stakeholders left out by the choice: the form still shows, at 80x24, the
    required field and the button that confirms (the names it can't list are counted)."""
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    for n in range(40):
        store.add_stakeholder(f"Stakeholder number {n:02d}", "Somewhere", quarter_id=q)
        person = store.stakeholders(q)[-1].id
        store.add_item(q, person, f"Request {n}")
    app = PlanboardApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("M", "y")
        await pilot.pause()
        await pilot.press("1", "d")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        intro = str(form.query_one(".dialog-intro").render())
        assert "Stakeholder number 00" in intro and "and 3" in intro  # ... and 3x more
        screen_region = form.region
        for selector in ("#field-rationale", "#save"):
            widget = form.query_one(selector)
            visible = widget.region.intersection(screen_region)
            assert visible.height >= 1, selector
        await pilot.press(*"Most asked for", "ctrl+s")
        await pilot.pause()
        assert store.quarter(q).is_decided


async def test_the_dots_form_shows_nobodys_dots_while_the_tally_is_hidden(filled: Filled) -> None:
    """With the tally hidden, `v` opens with every field blank (it was filled in with
    each person's dots on that block, on the shared screen): blank (or spaces) keeps
    what someone placed, a number replaces it, 0 takes it back."""
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    store.set_meeting(q, present=[filled.sales, filled.service], dot_budget=3, tally_hidden=True)
    store.set_votes(filled.block_a, {filled.sales: 2})
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen) and screen.card is not None
        assert screen.card.block.id == filled.block_a
        await pilot.press("v")
        form = app.screen
        assert isinstance(form, FormModal)
        inputs = list(form.query("Input"))
        assert [i.value for i in inputs] == ["", ""]
        shown = " ".join(str(w.render()) for w in form.query(".field-label, Static"))
        assert "2" not in shown and "blank field keeps" in shown
        inputs[0].value = "1"  # by name: Customer Service Lead, then Head of Sales
        inputs[1].value = "  "  # (spaces are blank: kept, not "must be a whole number")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert store.votes(q) == {filled.block_a: {filled.sales: 2, filled.service: 1}}
        await pilot.press("v")
        inputs = list(app.screen.query("Input"))
        assert [i.value for i in inputs] == ["", ""]
        inputs[1].value = "0"  # takes Head of Sales's dots back
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert store.votes(q) == {filled.block_a: {filled.service: 1}}
        await pilot.press("r", "y")
        await pilot.pause()
        await pilot.press("escape", "v")  # revealed: the form shows what each placed
        assert isinstance(app.screen, FormModal)
        assert [i.value for i in app.screen.query("Input")] == ["1", ""]


async def test_unticking_the_hidden_tally_in_the_setup_asks_first(filled: Filled) -> None:
    """Unticking "Keep the tally hidden" in `a` asks, as `r` does, before the dots
    show (it revealed them at once); the other settings are saved either way."""
    from textual.widgets import Checkbox

    store, q = hidden_event(filled)
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        for answer in ("n", "y"):
            await pilot.press("a")
            form = app.screen
            assert isinstance(form, FormModal)
            form.query_one(Checkbox).value = False
            inputs = list(form.query("Input"))
            inputs[0].value = "4" if answer == "n" else "5"  # dots per person
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmModal)
            assert store.meeting(q).tally_hidden  # not yet revealed
            assert store.meeting(q).dot_budget == (4 if answer == "n" else 5)
            assert "●●" not in str(screen.cards[0].render())
            await pilot.press(answer)
            await pilot.pause()
        assert not store.meeting(q).tally_hidden
        assert isinstance(app.screen, RevealScreen)


async def test_a_setup_saved_unchanged_is_said_without_a_tick(filled: Filled) -> None:
    """`a` then Ctrl+S with nothing changed: "Nothing to change", without the ✓ of a
    done action (as "Nothing to undo" on the board); no event is written."""
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    events = len(store.events(q))
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("a", "ctrl+s")
        await pilot.pause()
        said = status(app)
        assert "Nothing to change" in said and "✓" not in said and "✗" not in said
        assert len(store.events(q)) == events


async def test_dots_typed_again_are_said_as_recorded_while_hidden(filled: Filled) -> None:
    """While the tally is hidden, `v` with the dots someone already placed said
    "Nothing to change" (and a new count "Dots recorded"): the room learnt what they
    had placed. Either way it now says the dots are recorded, with the tick."""
    store, q = hidden_event(filled)
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        said = []
        for typed in ("2", "1"):  # the same as placed, then another count
            await pilot.press("v")
            (field,) = app.screen.query("Input")
            field.value = typed
            await pilot.press("ctrl+s")
            await pilot.pause()
            said.append(status(app))
        assert said[0] == said[1]
        assert said[0].startswith("✓ Dots recorded on “Sales cockpit”")
        assert store.votes(q) == {filled.block_a: {filled.sales: 1}}


@pytest.mark.parametrize("hidden", [True, False], ids=["tally-hidden", "tally-revealed"])
async def test_dropping_a_block_says_its_dots_go(filled: Filled, hidden: bool) -> None:
    """`d` on a block's title during the event said nothing of the dots on it, and
    dropping it deleted them (`x` said so): the form says they go, with how many only
    once the tally is revealed; and dropped, they are gone from the file."""
    store, q = hidden_event(filled)
    if not hidden:
        store.set_meeting(q, tally_hidden=False)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # to the board, the event still live
        await pilot.pause()
        blocks = app.screen.query_one("#blocks")
        blocks.focus()
        blocks.select_row(0)  # block 1's title, with 2 dots
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        intro = str(app.screen.query_one(".dialog-intro").render())
        said = "Any dots placed on it go too." if hidden else "The 2 dots placed on it go too."
        assert said in intro, intro
        await pilot.press(*"Not this quarter", "enter")
        await pilot.pause()
        assert store.votes(q).get(filled.block_a) is None


async def test_deleting_a_block_names_no_count_of_its_dots_while_hidden(filled: Filled) -> None:
    """On the board during the event, deleting a block with dots on it warns that the
    dots go, without how many while the tally is hidden (it said "The 2 dots");
    removing a stakeholder who placed dots says they go (it said nothing of them)."""
    store, _ = hidden_event(filled)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("escape")  # to the board, the event still live
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        blocks = board.query_one("#blocks")
        blocks.focus()
        blocks.select_row(0)  # block 1's title
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        question = app.screen.question
        assert "dots placed on it go too" in question
        assert re.search(r"\d+ dots?", question) is None
        await pilot.press("n")  # kept
        await pilot.pause()
        # A block nobody placed dots on is asked about in the same words: that the line
        # came only for blocks with dots said, on the shared screen, which had some.
        blocks.focus()
        blocks.select_row(
            next(
                n
                for n, row in enumerate(blocks.rows)
                if row.kind == "header" and row.group.block and row.group.block.id == filled.block_b
            )
        )
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "dots placed on it go too" in app.screen.question, app.screen.question
        await pilot.press("n")
        await pilot.pause()
        lists = board.query_one("#stakeholders")
        lists.focus()
        lists.select_row(  # Head of Sales's list, who placed the dots
            next(
                n
                for n, row in enumerate(lists.rows)
                if row.kind == "header" and row.group.key.ref == filled.sales
            )
        )
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        question = app.screen.question
        assert "Head of Sales" in question and "Any dots they placed go too" in question
        assert re.search(r"\d+ dots?", question) is None


async def test_an_undo_or_redo_that_reveals_the_tally_asks_first(filled: Filled) -> None:
    """`U` after undoing a reveal revealed the dots again at once, and `u` after hiding
    a shown tally too: each asks first now, as `r` does, on the event's screen and on
    the board; `n` keeps the tally hidden, `y` goes on."""
    store, q = hidden_event(filled)
    store.set_meeting(q, tally_hidden=False)  # revealed once …
    store.undo(q)  # … and hidden again: `U` would reveal
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        await pilot.press("U")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "Redo reveals the tally" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and store.meeting(q).tally_hidden
        assert "●●" not in str(screen.cards[0].render())
        said = str(screen.status_line.render())
        assert said.startswith("· Redo not done: the tally stays hidden"), said  # (no ✓)
        await pilot.press("U", "y")
        await pilot.pause()
        assert not store.meeting(q).tally_hidden
        store.set_meeting(q, tally_hidden=True)  # hidden again (by another screen)
        await pilot.press("escape")  # to the board: `u` there would show the counts
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "Undo reveals the tally" in app.screen.question
        await pilot.press("escape")
        await pilot.pause()
        assert store.meeting(q).tally_hidden
        said = str(app.screen.query_one("#status").render())
        assert said.startswith("· Undo not done: the tally stays hidden"), said
        await pilot.press("u", "y")
        await pilot.pause()
        assert not store.meeting(q).tally_hidden


async def test_m_on_a_second_quarter_while_one_is_live_says_why_not(filled: Filled) -> None:
    """`M` on 2026-Q4 while 2026-Q3's event is live started a second event (the browser
    then showed the empty one); it says which event is live, before asking anything."""
    store, q = hidden_event(filled)
    other = store.create_quarter("2026-Q4").quarter_id
    app = PlanboardApp(store, quarter_id=other)  # (`--quarter 2026-Q4`: the live one opens first)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen) and app.screen.quarter_id == other
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)  # no question: it would be refused
        assert "2026-Q3's planning event is live: decide it or end it first" in status(app)
        assert store.quarter(other).status == "preparing" and store.quarter(q).status == "live"


async def test_back_on_the_board_from_the_event_says_how_to_return(filled: Filled) -> None:
    """Esc from the event showed the board with the message of its last action from
    before the event ("Blocks column back to its share of the width"): it says where
    the facilitator is, and how to go back."""
    store, _ = hidden_event(filled)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert "M returns to the event" in status(app)


async def laid_out(app: PlanboardApp, pilot) -> MeetingScreen:
    """The event's screen once its cards are laid out (they are, after the first frame)."""
    for _ in range(100):
        await pilot.pause(0.02)
        if isinstance(app.screen, MeetingScreen) and app.screen.layout_now:
            break
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, MeetingScreen) and screen.layout_now is not None
    return screen


async def test_on_a_big_screen_the_cards_are_as_tall_as_they_need(sample_copy: Path) -> None:
    """At 200x50 the four cards of the sample's event, every case whole, were given all
    the height (two thirds of each empty); they are now as tall as the tallest needs."""
    store = Store.open(sample_copy)
    store.start_meeting(store.default_quarter().id, backup=False)
    app = PlanboardApp(store)
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await laid_out(app, pilot)
        layout = screen.layout_now
        assert layout.fits
        cards = list(screen.query(BlockCard))
        tallest = max(len(str(card.render()).split("\n")) for card in cards)
        assert layout.height <= tallest + 2 + 2  # (its frame, and a line to spare)
        assert layout.height * layout.rows < screen.scroll.content_region.height


async def test_a_card_shows_as_much_of_its_case_as_its_own_room_allows(
    sample_copy: Path,
) -> None:
    """At 100x30 every card showed one line of its case, the line the card with the
    most facts could spare; the others kept an empty line at their bottom while their
    case was cut. Each card now fills its own room with its case."""
    store = Store.open(sample_copy)
    q = store.default_quarter().id
    store.add_block(q, "Data quality you can trust", "Every team gets alerts when a table " * 4)
    store.start_meeting(q, backup=False)
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await laid_out(app, pilot)
        layout = screen.layout_now
        assert layout.fits
        lines = {
            card.data.block.name: len(str(card.render()).split("\n"))
            for card in screen.query(BlockCard)
        }
        cut = [
            card.data.block.name
            for card in screen.query(BlockCard)
            if card.case_length(layout.width) > card.case_lines
        ]
        assert cut  # (the room is short: some cases are cut)
        for name in cut:
            assert lines[name] == layout.height - 2, (name, lines, layout)
        assert max(c.case_lines for c in screen.query(BlockCard)) > layout.case_lines


async def test_a_selected_card_keeps_its_last_line(sample_copy: Path) -> None:
    """A card's case filled its room as the card stood unselected; selected, its name
    took the "▶ " and a line more, and its last line (who it is for) went out of its
    frame. The room is measured with the mark."""
    store = Store.open(sample_copy)
    q = store.default_quarter().id
    second = store.blocks(q)[1]
    store.edit_block(second.id, name="Supplier delivery reliability for Suppli.")  # (41)
    store.start_meeting(q, backup=False)
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await laid_out(app, pilot)
        await pilot.press("right")
        await pilot.pause()
        card = screen.cards[screen.selected]
        assert card.selected and card.data.block.id == second.id
        lines = str(card.render()).split("\n")
        assert len(lines) <= screen.layout_now.height - 2, lines
        assert lines[-1].startswith("For") or "Dots" in lines[-1], lines


async def test_every_card_says_hidden_dots_in_the_same_words(sample_copy: Path) -> None:
    """With the tally hidden, some cards said "Dots  hidden until revealed" and others
    "Dots  hidden", as room allowed beside the size: on the shared screen that read as
    two states. Every card says it the same way, at any size."""
    store = Store.open(sample_copy)
    store.start_meeting(store.default_quarter().id, backup=False)
    for size in ((80, 24), (100, 30), (200, 50)):
        app = PlanboardApp(Store.open(sample_copy))
        async with app.run_test(size=size) as pilot:
            screen = await laid_out(app, pilot)
            said = {
                line.split("Dots", 1)[1].strip()
                for card in screen.query(BlockCard)
                for line in str(card.render()).split("\n")
                if "Dots" in line
            }
            assert said == {"hidden"}, (size, said)


async def test_the_tally_keeps_the_countdown_in_sight(sample_copy: Path) -> None:
    """The revealed tally hid the countdown (the full-screen block keeps it): the room
    compares the blocks with the time left in sight, ticking."""
    from event_board import live_event

    store, _ = live_event(sample_copy, 4)
    q = store.default_quarter().id
    clock = ManualClock()
    store.set_timer(q, running=True, remaining=600, now=clock.now())
    app = PlanboardApp(store, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("r", "y")  # (asked first)
        await pilot.pause()
        assert isinstance(app.screen, RevealScreen)
        shown = app.screen.query_one("#reveal-head")
        head = str(shown.render())
        assert "The tally" in head and "Time 10:00  running" in head, head
        assert shown.size.height == len(head.split("\n")) == 2  # (both lines in sight)
        clock.advance(61)
        await pilot.pause(0.6)
        head = str(app.screen.query_one("#reveal-head").render())
        assert "Time 08:59  running" in head, head


async def test_a_wrapped_line_of_a_list_goes_on_under_its_text(filled: Filled) -> None:
    """The full-screen block wrapped a long item title back to the screen's edge, under
    its bullet, and the lists read as one block of text: a wrapped line goes on under
    the text after its bullet (or number), in the full-screen block, the block read in
    a decided quarter (`ReadModal`) and the decision summary."""
    from textual.app import App

    from planboard.ui.modals import ReadModal
    from planboard.ui.widgets.bars import IndentedText

    long = "Forecast against actual bookings per region and product line, every Monday"
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.edit_item(filled.sales_items[0], title=long)
    store.start_meeting(q, backup=False)
    app = PlanboardApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, PresentScreen)
        lines = str(app.screen.query_one("#present-body").render()).split("\n")
        at = next(n for n, line in enumerate(lines) if line.startswith("  • Forecast"))
        assert lines[at + 1].startswith("    ") and lines[at + 1][4] != " ", lines[at : at + 2]

    class Reading(App[None]):
        def on_mount(self) -> None:
            self.push_screen(ReadModal("Block", [("What it holds", f"• {long}\n• Short")]))

    reading = Reading()
    async with reading.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        (text,) = reading.screen.query(".read-text")
        lines = str(text.render()).split("\n")
        assert lines[0].startswith("• Forecast") and len(lines) > 2, lines
        assert lines[1].startswith("  ") and lines[1][2] != " ", lines

    class Numbered(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield IndentedText(f"  1. {long}")

    numbered = Numbered()
    async with numbered.run_test(size=(41, 10)) as pilot:
        await pilot.pause()
        lines = str(numbered.query_one(IndentedText).render()).split("\n")
        assert lines[0].startswith("  1. Forecast")
        assert lines[1].startswith("     ") and lines[1][5] != " ", lines
        # The first line takes its whole width (it starts at its own indent, not at
        # the hang): "  1. Forecast against actual bookings per" fits its 41 cells.
        assert lines[0] == "  1. Forecast against actual bookings per", lines

    class Spaced(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield IndentedText("-" + " " * 40 + long)

    spaced = Spaced()
    async with spaced.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        # A dash and a run of spaces is not a bullet to hang under: the text was
        # pushed out of sight, four letters a line.
        lines = str(spaced.query_one(IndentedText).render()).split("\n")
        assert all(len(line.strip()) > 4 for line in lines[1:]), lines


@pytest.mark.parametrize("blocks", [5, 6])
async def test_at_80x24_five_or_six_cards_are_all_in_sight(sample_copy: Path, blocks: int) -> None:
    """At 80x24 the fifth card of the event was cut and the cards scrolled: every card
    was as tall as the tallest one (a card whose askers wrap takes a line more), where
    each row of cards as tall as its own tallest card fits."""
    from planboard.core.sample import demo_event

    store = Store.open(sample_copy)
    demo_event(store, blocks, revealed=True)
    app = PlanboardApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await laid_out(app, pilot)
        assert screen.layout_now.fits
        assert screen.scroll.max_scroll_y == 0
        room = screen.scroll.content_region
        for card in screen.query(BlockCard):
            assert card.region.y >= room.y and card.region.bottom <= room.bottom, card
            text = str(card.render())
            assert "For" in text and "Dots" in text, text  # (its facts, whole)


async def test_a_live_event_comes_back_even_when_a_newer_quarter_is_being_prepared(
    filled: Filled,
) -> None:
    """The laptop dies mid-event, after someone started the next quarter from the
    palette: planboard opened that newer quarter's board (the newest not decided), and
    the room's event was a quarter away. The live quarter comes first."""
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    store.start_next_quarter(q, "2027-Q1")
    assert store.default_quarter().id == q
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.quarter_id == q


async def test_ending_the_event_of_a_quarter_with_its_decision_says_it_is_decided_again(
    filled: Filled,
) -> None:
    """A decided quarter another program set live: `e` asked "The quarter goes back to
    preparing", and made it decided (it keeps its decision). The question says so."""
    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    store.choose_block(filled.block_a, 1)
    store.decide(q, "Sales first.")
    store.conn.execute("UPDATE quarters SET status = 'live' WHERE id = ?", (q,))
    store.conn.commit()
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press("e")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ConfirmModal)
        assert "goes back to preparing" not in modal.question, modal.question
        assert "decided again" in modal.question, modal.question
        await pilot.press("y")
        await pilot.pause()
        assert store.quarter(q).status == "decided"


@pytest.mark.parametrize(
    ("choices", "said"),
    [({"a": 1, "b": 1}, "Choice 1 is held by 2 blocks"), ({"a": 2}, "Choice 1 is empty")],
)
async def test_d_refuses_choices_it_cannot_confirm_before_the_form(
    filled: Filled, choices: dict[str, int], said: str
) -> None:
    """Two blocks holding choice 1 (another program wrote it), or a choice 2 alone: `d`
    opened the form, listed them ("1. …; 1. …; 2. …") with whom they cut off, and refused
    only at Ctrl+S, after the rationale was typed. Refused at `d`, as no choice is."""
    from conftest import write_outside

    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    for key, rank in choices.items():
        block = filled.block_a if key == "a" else filled.block_b
        write_outside(store.path, "UPDATE blocks SET choice = ? WHERE id = ?", rank, block)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.02)
            if isinstance(app.screen, MeetingScreen):
                break
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)  # (no form)
        assert said in status(app), status(app)


async def test_an_event_whose_settings_another_program_removed_says_how_to_go_on(
    filled: Filled, board_path: Path
) -> None:
    """With the event's `meetings` row deleted by another program, `t`, `a`, `v` and `r`
    did nothing and said nothing, even after a restart: each says so, and `e` then `M`
    puts the settings back, the dots kept."""
    import sqlite3

    store, q = hidden_event(filled)
    conn = sqlite3.connect(board_path, isolation_level=None)
    conn.execute("DELETE FROM meetings WHERE quarter_id = ?", (q,))
    conn.close()
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        for key in ("t", "a", "v", "r"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, MeetingScreen), key
            assert "settings are not in the file" in status(app), key
        await pilot.press("e", "y")
        await pilot.pause()
        await pilot.press("M", "y")
        await pilot.pause()
        await pilot.pause()
        assert store.meeting(q) is not None and store.quarter(q).status == "live"
        assert store.votes(q) == {filled.block_a: {filled.sales: 2}}


async def test_revealing_the_tally_keeps_the_cards_in_their_columns(sample_copy: Path) -> None:
    """Five blocks at 100x30 stood in two columns; revealing the tally (a line more on
    each card) put them in three, and the facilitator's ↓ → chose another block than
    the one it had led to a moment before. On a screen of the same size the columns
    stay while every card is still in sight."""
    store = Store.open(sample_copy)
    q = store.default_quarter().id
    store.add_block(q, "Fifth block", "A case")
    store.start_meeting(q, backup=False)
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen) and screen.layout_now is not None
        before = screen.layout_now.columns
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("escape")  # (from the tally back to the cards)
        await pilot.pause()
        await pilot.pause()
        assert store.meeting(q).tally_hidden is False
        assert app.screen is screen and screen.layout_now is not None
        assert screen.layout_now.fits
        assert screen.layout_now.columns == before == 2
    store.close()


async def test_blocks_added_during_the_event_are_laid_out_afresh(sample_copy: Path) -> None:
    """The columns are kept for as many cards only: with more cards (blocks another
    program added), one column kept for one card held six, a line of case each."""
    from planboard.ui.meeting.cards import lay_out

    store = Store.open(sample_copy)
    q = store.default_quarter().id
    store.start_meeting(q, backup=False)
    app = PlanboardApp(store)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen) and screen.layout_now is not None
        for n in range(5):
            store.add_block(q, f"Added meanwhile {n}", "A case")
        screen.reload()
        await pilot.pause()
        await pilot.pause()
        assert len(screen.cards) == 9 and screen.layout_now is not None
        region = screen.scroll.content_region
        fresh = lay_out(screen.cards, region.width - 3, region.height)
        assert screen.layout_now.columns == fresh.columns
    store.close()


async def test_the_question_to_reveal_speaks_of_a_browser_only_when_one_follows(
    filled: Filled,
) -> None:
    """ "… and to the attendees in the browser" was said with nothing shared (and the
    browser view not even installed); it is said while the board is shared."""
    hidden_event(filled)
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        asked = app.screen
        assert isinstance(asked, ConfirmModal)
        assert asked.question.startswith("Reveal the tally?")
        assert "browser" not in asked.question, asked.question
        await pilot.press("n")
        await pilot.pause()
        app.shared = object()  # type: ignore[assignment]  # (as if shared: the page's server)
        try:
            await pilot.press("r")
            await pilot.pause()
            asked = app.screen
            assert isinstance(asked, ConfirmModal)
            assert "and to the attendees in the browser." in asked.question
            await pilot.press("n")
            await pilot.pause()
        finally:
            app.shared = None
