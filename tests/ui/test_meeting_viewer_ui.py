"""A second planboard that opens straight into the live event says it is read-only
from the start, as the board does: the meeting's header said nothing, and a key only
said so once pressed."""

from __future__ import annotations

from conftest import Filled
from test_meeting_ui import prepare

from planboard.core import Store
from planboard.ui.app import PlanboardApp
from planboard.ui.screens.meeting import MeetingScreen


def _viewer_of_the_live_event(filled: Filled) -> tuple[Store, Store]:
    """The event live in one planboard (the store), and a second one (a viewer)."""
    prepare(filled)
    filled.store.start_meeting(filled.quarter_id, backup=False)
    return filled.store, Store.open(filled.store.path)


async def test_a_viewer_of_the_live_event_says_it_is_read_only(filled: Filled) -> None:
    _, viewer = _viewer_of_the_live_event(filled)
    assert viewer.viewer
    app = PlanboardApp(viewer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        head = str(app.screen.query_one("#meeting-head").render())
        facts = str(app.screen.query_one("#meeting-facts").render())
        assert "READ-ONLY" in head, head
        assert "another planboard is editing it" in facts, facts
        # The event's settings first: at 80 columns the reason, first, cut them off
        # ("Read-only: another planboard is editing it. 3 dots each · 0"); the badge
        # above says read-only whatever is cut of the reason.
        assert facts.index("dots each") < facts.index("Read-only"), facts


async def test_the_viewer_that_takes_over_the_event_drops_its_badge(filled: Filled) -> None:
    store, viewer = _viewer_of_the_live_event(filled)
    app = PlanboardApp(viewer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        store.close()  # (the other planboard quits)
        app._take_over()
        await pilot.pause()
        head = str(app.screen.query_one("#meeting-head").render())
        assert "READ-ONLY" not in head, head
        assert "Read-only" not in str(app.screen.query_one("#meeting-facts").render())


async def test_a_row_without_a_position_written_during_the_event_is_put_in_order(
    filled: Filled,
) -> None:
    """As the board does: a block (or an item) inserted with only the columns a person
    cares about is put at the end, not named on the shared screen as "position holds
    NULL … shown as if empty" (and the message stayed once the rows were in order)."""
    import sqlite3

    prepare(filled)
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        other = sqlite3.connect(store.path, isolation_level=None)
        other.execute("INSERT INTO blocks (quarter_id, name) VALUES (?, 'Added elsewhere')", (q,))
        other.close()
        app.look_at_file()
        await pilot.pause()
        await pilot.pause()
        said = str(app.screen.query_one("#status").render())
        assert "position" not in said, said
        assert [b.name for b in store.blocks(q)][-1] == "Added elsewhere"
        assert sorted(b.position for b in store.blocks(q)) == list(range(len(store.blocks(q))))


async def test_the_badge_goes_when_taking_over_under_another_screen(filled: Filled) -> None:
    """Taken over while the help covered the event's screen: back on it, the header
    kept READ-ONLY (only the screen on top was shown again)."""
    store, viewer = _viewer_of_the_live_event(filled)
    app = PlanboardApp(viewer)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        meeting = app.screen
        assert isinstance(meeting, MeetingScreen)
        assert "READ-ONLY" in str(meeting.query_one("#meeting-head").render())
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen is not meeting
        store.close()
        app._take_over()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is meeting
        assert "READ-ONLY" not in str(meeting.query_one("#meeting-head").render())


async def test_a_viewer_at_80_columns_shows_time_is_up_whole(filled: Filled) -> None:
    """At 80x24 the viewer's head line (with its READ-ONLY badge) cut "time is up" to
    "time is": its gaps close to one space where it would be cut, and only there."""
    from rich.cells import cell_len

    store, unused = _viewer_of_the_live_event(filled)
    unused.close()
    store.set_timer(filled.quarter_id, running=True, remaining=-5)  # (run over)
    for size, compact in (((80, 24), True), ((120, 30), False)):
        app = PlanboardApp(Store.open(store.path))  # (a viewer: closed as the app ends)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.pause()
            head = app.screen.query_one("#meeting-head")
            line = str(head.render())
            assert line.endswith("time is up"), line
            assert cell_len(line) <= head.content_region.width, (line, head.content_region)
            assert ("READ-ONLY    Time" not in line) == compact, line
