"""What a first-time facilitator hit, each at the size where it broke."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from conftest import Filled
from event_board import live_event
from textual import events
from textual.app import App
from textual.widgets._footer import FooterKey

from planboard.core import Store
from planboard.core.history import coverage
from planboard.ui.app import PlanboardApp
from planboard.ui.modals import (
    ConfirmModal,
    FormModal,
    HelpScreen,
    ReadModal,
    TickBox,
    TickList,
)
from planboard.ui.screens.board import BoardScreen
from planboard.ui.screens.history import CoverageScreen, HistoryScreen
from planboard.ui.screens.meeting import DecisionScreen, MeetingScreen


def status(app: PlanboardApp) -> str:
    return str(app.screen.query_one("#status").render())


def footer_labels(app: PlanboardApp) -> dict[str, tuple[str, int, int]]:
    """Each footer key: its label, where it starts and how wide it is drawn."""
    shown = {}
    for key in app.screen.query(FooterKey):
        label = f"{key.key_display} {key.description}".strip()
        shown[key.action] = (label, key.region.x, key.region.width)
    return shown


async def test_footer_keys_are_whole_at_80_columns(sample_copy: Path) -> None:
    """The footer showed "M Meetin" at 80 columns; the meeting's lost its last keys."""
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        keys = footer_labels(app)
        assert "meeting" in keys and "help" in keys
        for label, x, width in keys.values():
            assert x + width <= 80 and width >= len(label), label
        ends = sorted((x, x + width) for _, x, width in keys.values())
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(ends)), "keys overlap"
    store, _ = live_event(sample_copy, 4)
    app = PlanboardApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        keys = footer_labels(app)
        # r (reveal) and e (end) are in the footer now, and everything fits
        assert {"reveal", "end", "back", "timer", "decide"} <= set(keys)
        for label, x, width in keys.values():
            assert x + width <= 80 and width >= len(label), label


async def test_footer_keys_stay_whole_when_the_window_narrows_and_widens(
    sample_copy: Path,
) -> None:
    """A board started at 100 columns and narrowed to 80 kept the palette's key, which
    pushed "? Help" off the footer's end; widened again, the key is back."""
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "command_palette" in footer_labels(app)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        keys = footer_labels(app)
        assert "help" in keys and "command_palette" not in keys
        for label, x, width in keys.values():
            assert x + width <= 80 and width >= len(label), label
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        await pilot.pause()
        assert {"help", "command_palette"} <= set(footer_labels(app))


async def test_a_vision_too_long_for_its_line_ends_with_an_ellipsis(sample_copy: Path) -> None:
    """At 80 columns the vision's last words were simply missing, as if it ended there."""
    store = Store.open(sample_copy)
    quarter = store.default_quarter()
    store.edit_quarter(
        quarter.id,
        vision="Help sales and finance make faster, better "
        "decisions with trusted revenue data, every week of the quarter.",
    )
    app = PlanboardApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = app.screen.query_one("#vision")
        text = "".join(s.text for s in line.render_line(0)).rstrip()
        assert text.startswith("Vision Help sales") and text.endswith("…"), text
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        line = app.screen.query_one("#vision")
        text = "".join(s.text for s in line.render_line(0)).rstrip()
        assert text.endswith("every week of the quarter."), text


async def test_a_blocks_name_is_kept_whole_before_its_counts(sample_copy: Path) -> None:
    """At 80 columns a block's title read "1 Weekly commercial p…4 items · 2 asked": the
    counts give way first (the name is what the room reads), down to the count alone;
    where there is room, all of them show."""
    for size, shown in [((80, 24), "4 items"), ((100, 30), "4 items · 2 asked")]:
        app = PlanboardApp(Store.open(sample_copy))
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            blocks = app.screen.query_one("#blocks")
            line = "".join(s.text for s in blocks.render_line(0)).strip()
            assert line.startswith("1 Weekly commercial pulse "), line
            assert line.endswith(shown) and "…" not in line, line


async def test_an_empty_places_hint_says_how_when_the_whole_does_not_fit(tmp_path: Path) -> None:
    """On a new board at 80x24 the empty Dropped column read "(nothing dropped — drag h…":
    where the hint does not fit, its "how" shows whole ("(drag here, or d)")."""
    store = Store.open(tmp_path / "new.db", first_quarter="2027-Q1")
    quarter = store.default_quarter().id
    store.add_stakeholder("Head of Sales", "Sales", quarter_id=quarter)
    sales = store.stakeholders()[0].id
    store.add_item(quarter, sales, "Pipeline dashboard per sales rep that I can filter myself")
    store.add_item(quarter, None, "Retire the legacy Excel finance reports, move them over")
    app = PlanboardApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dropped = app.screen.query_one("#dropped")
        line = "".join(s.text for s in dropped.render_line(0)).strip()
        assert line == "(drag here, or d)", line
    app = PlanboardApp(Store.open(tmp_path / "new.db"))
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        dropped = app.screen.query_one("#dropped")
        line = "".join(s.text for s in dropped.render_line(0)).strip()
        assert line == "(nothing dropped — drag here, or d)", line


async def test_footer_is_not_blank_when_the_app_starts_blurred(sample_copy: Path) -> None:
    """Served in a browser, the app starts without focus: the footer cached the keys it
    had not drawn, and stayed blank once focus came."""
    app = PlanboardApp(Store.open(sample_copy))
    app.set_reactive(App.app_focus, False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.post_message(events.AppFocus())
        await pilot.pause()
        await pilot.pause()
        assert "meeting" in footer_labels(app)


async def test_tick_boxes_show_a_tick_or_an_empty_box(filled: Filled) -> None:
    """Unticked boxes showed an X (grey rather than green): someone ticked the wrong
    person."""
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    store.set_meeting(q, present=[filled.sales])
    app = PlanboardApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        ticks = app.screen.query_one(TickList)
        drawn = {}
        for y in range(ticks.option_count):
            text = "".join(segment.text for segment in ticks.render_line(y))
            name = "Head of Sales" if "Head of Sales" in text else "Customer Service Lead"
            drawn[name] = text[:3]
        assert drawn["Head of Sales"][1] == "✓"
        assert drawn["Customer Service Lead"][1] == " "
        assert "X" not in "".join(drawn.values())
        # the yes/no box too: a tick, or nothing
        box = app.screen.query_one(TickBox)
        assert box.value and "✓" in str(box.render())
        box.value = False
        await pilot.pause()
        assert "✓" not in str(box.render()) and "X" not in str(box.render())
        # How to go from one person to the next, whole at 80 columns: a first-time
        # facilitator pressed Tab and typed a space into the next field.
        label = app.screen.query(".field-label").first()
        drawn = " ".join(
            "".join(s.text for s in label.render_line(y)).strip() for y in range(label.size.height)
        )
        assert "↑ ↓ to move" in drawn and "Space to tick" in drawn, drawn


async def test_the_meeting_command_asks_before_starting(filled: Filled) -> None:
    """`planboard meeting FILE` started the event at once; `M` asks first."""
    store, q = filled.store, filled.quarter_id
    app = PlanboardApp(store, start_meeting=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert store.quarter(q).status == "preparing"
        await pilot.press("n")  # not yet
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen) and store.quarter(q).status == "preparing"
    store = Store.open(filled.store.path)  # the app closed the first one
    app = PlanboardApp(store, start_meeting=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen) and store.quarter(q).status == "live"


async def test_a_long_message_is_not_cut_at_80_columns(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        message = (
            "Moved “Weekly pipeline by region and segment” to Sales cockpit — "
            "the end of this message must show"
        )
        screen.say(message)
        await pilot.pause()
        line = screen.query_one("#status")
        assert line.region.height == 2
        drawn = " ".join(
            "".join(s.text for s in strip).strip()
            for strip in line.render_lines(line.region.reset_offset)
        )
        assert "must show" in drawn


async def test_e_opens_a_decided_quarters_block_to_read_at_80x24(sample_copy: Path) -> None:
    """On a decided quarter `e` was refused: a block's case could not be read at 80x24
    (the detail bar shows one line of it)."""
    store = Store.open(sample_copy)
    decided = store.quarter_by_name("2026-Q2")
    block = store.blocks(decided.id)[0]
    app = PlanboardApp(store, quarter_id=decided.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        blocks = screen.column("blocks")
        blocks.focus()
        blocks.select_group(blocks.groups[0].key)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ReadModal)
        text = " ".join(str(s.render()) for s in app.screen.query(".read-text"))
        assert " ".join(block.description.split()) in " ".join(text.split())
        await pilot.press("escape")
        assert app.screen is screen
        assert store.blocks(decided.id)[0] == block  # nothing changed


async def test_the_history_list_stops_at_its_ends(sample_copy: Path) -> None:
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("H")
        await pilot.pause()
        history = app.screen
        assert isinstance(history, HistoryScreen)
        assert history.list.highlighted == 0
        await pilot.press("up")  # it wrapped to the oldest quarter
        assert history.list.highlighted == 0
        await pilot.press("down", "down", "down", "down", "down")
        assert history.list.highlighted == len(history.quarters) - 1
        await pilot.press("k", "j", "j")
        assert history.list.highlighted == len(history.quarters) - 1


async def test_coverage_keeps_its_columns_at_80x24_and_100x30(sample_copy: Path) -> None:
    store = Store.open(sample_copy)
    people = len(coverage(store).stakeholders)
    store.close()
    for size in ((80, 24), (100, 30)):
        app = PlanboardApp(Store.open(sample_copy))
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press("H", "c")
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, CoverageScreen)
            table = app.screen.query_one("#coverage-table")
            width = table.content_region.width
            lines = str(table.render()).splitlines()
            rows = [line for line in lines[3 : 3 + people]]
            assert all(len(line) <= width for line in rows), size
            header = lines[2]
            # each quarter's column sits under its name, on every row
            for quarter in ("2025-Q4", "2026-Q1", "2026-Q2"):
                at = header.index(quarter) + len(quarter) - 1
                assert all(row[at] in "■✗·○" for row in rows), (size, quarter)


async def test_wrapped_lines_are_indented(sample_copy: Path) -> None:
    store = Store.open(sample_copy)
    app = PlanboardApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("H", "down")
        await pilot.pause()
        detail = app.screen.query_one("#history-detail")
        lines = str(detail.render()).splitlines()
        why = lines.index(next(line for line in lines if line.startswith("Why")))
        # the rationale wraps at 80x24: each of its lines stays indented
        rationale = []
        for line in lines[why + 1 :]:
            if not line.strip():
                break
            rationale.append(line)
        assert len(rationale) > 1 and all(line.startswith("  ") for line in rationale)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        row = app.screen.query(".help-what").first()
        keys = app.screen.query(".help-keys").first()
        assert row.region.x == keys.region.right  # descriptions wrap in their own column


async def test_the_decision_summary_indents_wrapped_lines(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    filled.give_items()  # (a block with no items can't be chosen)
    store.choose_block(filled.block_a, 1)
    reason = "Sales decide faster with one shared view " * 4
    store.decide(q, reason.strip(), "Everyone from Sales, Service, Finance and the COO")
    app = PlanboardApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(DecisionScreen(store, q))
        await pilot.pause()
        await pilot.pause()
        lines = str(app.screen.query_one("#decision-body").render()).splitlines()
        why = lines.index("Why")
        body = lines[why + 1 : lines.index("", why)]
        assert len(body) > 1 and all(line.startswith("  ") for line in body)


async def test_the_cursor_stays_in_sight_after_a_resize(sample_copy: Path) -> None:
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        lists = screen.column("stakeholders")
        lists.focus()
        await pilot.press("end")
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        top = round(lists.scroll_offset.y)
        assert top <= lists.cursor < top + lists.scrollable_content_region.height


async def test_another_quarter_from_the_history_opens_at_its_top(sample_copy: Path) -> None:
    """The blocks column kept the last quarter's scroll: ★1 was out of sight."""
    store = Store.open(sample_copy)
    app = PlanboardApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        blocks = screen.column("blocks")
        blocks.focus()
        await pilot.press("end")
        await pilot.pause()
        assert blocks.scroll_offset.y > 0
        await pilot.press("H", "down", "down", "down", "enter")
        await pilot.pause()
        await pilot.pause()
        assert screen.quarter.name == "2025-Q4"
        assert blocks.scroll_offset.y == 0
        first = "".join(s.text for s in blocks.render_line(0))
        assert "★" in "".join("".join(s.text for s in blocks.render_line(y)) for y in range(5))
        assert first.strip()


async def test_hints_and_the_viewer_badge_are_whole_at_80(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    writer = Store.open(path)
    viewer = Store.open(path)
    assert viewer.viewer
    app = PlanboardApp(viewer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        title = str(screen.query_one("#title").render())
        assert "READ-ONLY" in title and len(title) <= 80
        for name in ("stakeholders", "blocks"):
            column = screen.column(name)
            drawn = " ".join(
                "".join(s.text for s in column.render_line(y)).strip() for y in range(3)
            )
            assert "…" not in drawn and drawn.rstrip().endswith(".")
    writer.close()


async def _import_form(app: PlanboardApp, pilot, paste: str = "") -> FormModal:
    """`i` opens the import form; with `paste`, pasted into its paste box."""
    await pilot.press("i")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, FormModal)
    if paste:
        await pilot.press("tab", "tab", "tab")  # past the list, a new name, a file
        app.post_message(events.Paste(paste))
        await pilot.pause()
    return form


async def test_esc_asks_before_losing_text_typed_in_a_form(filled: Filled) -> None:
    """Esc on the import form with a long paste in it closed the form and the paste was
    gone. A multi-line field typed into asks first; a form with nothing typed in such a
    field (or a one-line field alone) closes at once."""
    pasted = "".join(f"- Request number {n}\n" for n in range(40))
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await _import_form(app, pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert not isinstance(app.screen, FormModal)
        form = await _import_form(app, pilot, pasted)
        await pilot.press("escape")
        await pilot.pause()
        question = app.screen
        assert isinstance(question, ConfirmModal)
        assert (
            question.question
            == "Close the form? The 40 lines typed in “paste the list here” will be lost."
        )
        await pilot.press("n")  # back to the form, the paste still there
        await pilot.pause()
        assert app.screen is form
        assert form.values()["text"] == pasted
        await pilot.click("#cancel")  # the button asks too
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, (FormModal, ConfirmModal))
        rows = filled.store.conn.execute("SELECT count(*) FROM items").fetchone()[0]
        assert rows == 8  # nothing imported
        await pilot.press("e")  # a one-line field changed alone: closes at once
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        await pilot.press("x", "y", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, (FormModal, ConfirmModal))
        filled.store.edit_item(filled.team_items[0], notes="Said in May")
        await pilot.pause(0.8)  # (the board sees the file changed)
        await pilot.press("e", "tab", "tab", "end", "!", "escape")  # notes held text
        await pilot.pause()
        question = app.screen
        assert isinstance(question, ConfirmModal)
        assert question.question == "Close the form? What you typed in “Notes” will be lost."


async def test_quit_asks_before_losing_text_typed_in_a_form(filled: Filled) -> None:
    """Ctrl+Q over the import form with a paste in it quit at once and the paste was
    gone ("everything is already saved" is not true of a form being filled in)."""

    app = PlanboardApp(filled.store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        form = await _import_form(app, pilot, "- One\n- Two\n")
        await pilot.press("ctrl+q")
        await pilot.pause()
        question = app.screen
        assert isinstance(question, ConfirmModal), question
        assert question.question == "Quit? The 2 lines typed in “paste the list here” will be lost."
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is form and app.is_running
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
        assert not app.is_running


async def test_keys_typed_with_the_answer_go_to_the_form_it_returns_to(filled: Filled) -> None:
    """`n` to Esc's question and "abc" in one burst (a slow connection bunches keys):
    the form came back without "abc" (each key after `n` went to the question, gone)."""

    app = PlanboardApp(filled.store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        form = await _import_form(app, pilot)
        await pilot.press("tab", "tab", "tab", "x", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        for key in "nabc":
            app.post_message(events.Key(key, key))
        await pilot.pause()
        await pilot.pause(0.3)
        assert app.screen is form
        assert form.values()["text"] == "xabc"


async def test_a_tick_goes_to_the_row_it_was_pressed_on_in_a_burst_of_keys() -> None:
    """Space, Down, Space in one burst (a quick facilitator): the list's own
    `SelectionList` ticked whichever row was highlighted when it got round to it, so
    both Spaces landed on the second row (ticked, then unticked: nobody present), and
    Space, Down ticked the row below. Each Space ticks the row it was pressed on."""
    from textual.app import ComposeResult

    class Ticks(App[None]):
        def compose(self) -> ComposeResult:
            yield TickList(("Ada", "ada"), ("Bo", "bo"), ("Cy", "cy"))

    app = Ticks()
    async with app.run_test() as pilot:
        ticks = app.query_one(TickList)
        ticks.focus()
        ticks.highlighted = 0
        await pilot.pause()
        # Key bindings run as the keys come; the ticks they ask for, after them.
        ticks.action_select()
        ticks.action_cursor_down()
        ticks.action_select()
        await pilot.pause()
        assert sorted(ticks.selected) == ["ada", "bo"]
        ticks.action_cursor_down()
        ticks.action_select()
        ticks.action_cursor_up()
        await pilot.pause()
        assert sorted(ticks.selected) == ["ada", "bo", "cy"]
        # a click ticks the row clicked
        await pilot.click(TickList, offset=(4, 1))
        await pilot.pause()
        assert "ada" not in ticks.selected


async def test_a_chosen_blocks_star_keeps_a_space_after_a_name_that_fills_the_line(
    sample_copy: Path,
) -> None:
    """At 80 columns a decided block's name that fills its line ran into its badge:
    "1 Churn early warning★2"."""
    import sqlite3

    with sqlite3.connect(sample_copy) as conn:
        conn.execute(
            "UPDATE blocks SET name = 'Key account churn early warning and retention' "
            "WHERE choice = 1"
        )
    store = Store.open(sample_copy)
    app = PlanboardApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        await pilot.press("H", "down", "enter")  # the decided quarter before
        await pilot.pause()
        await pilot.pause()
        blocks = screen.column("blocks")
        lines = ["".join(s.text for s in blocks.render_line(y)) for y in range(8)]
        starred = [line for line in lines if "★" in line]
        assert starred, lines
        assert all(" ★" in line for line in starred), starred


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_a_forms_long_label_wraps_whole(sample_copy: Path, size: tuple[int, int]) -> None:
    """The next quarter's form cut its label: "Carry over (Space to untick): blocks
    not chosen, and items still o"."""
    from textual.widgets import Label

    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("H")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        label = next(w for w in app.screen.query(Label) if "Carry over" in str(w.render()))
        shown = " ".join(
            "".join(s.text for s in label.render_line(y)).strip() for y in range(label.size.height)
        )
        assert shown.endswith("items still on their lists"), shown

        # ... and all of it inside the dialog (a label wider than it is cut there)
        assert label.region.right <= label.parent.content_region.right


async def test_a_column_holding_one_item_says_1_item(filled: Filled) -> None:
    """ "Stakeholders · 2 · 1 items" on a board with one request."""
    store = filled.store
    for item in filled.sales_items[1:] + filled.service_items:
        store.remove_item(item)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        assert screen.column("stakeholders").border_title == "Stakeholders · 2 · 1 item"
        assert screen.column("blocks").border_title == "Blocks · 2 · 0 items"


async def test_minutes_that_cannot_be_saved_say_where_they_were_going(
    filled: Filled, tmp_path: Path
) -> None:
    """Minutes saved through a link into a folder that is not there said only "Could
    not save the minutes: No such file or directory.": the file is named."""
    target = decided(filled)
    target.symlink_to(tmp_path / "gone" / "minutes.md")
    said = await minutes_saved(filled, size=(100, 30))
    assert "Could not save the minutes" in said and target.name in said, said


def decided(filled: Filled) -> Path:
    """The quarter decided (Sales cockpit chosen); where its minutes go."""
    from planboard.core.outcome import minutes_path

    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    filled.give_items()  # (a block with no items can't be chosen)
    store.choose_block(filled.block_a, 1)
    store.decide(q, "Sales first.", "Ana")
    return minutes_path(store.path, store.quarter(q))


async def minutes_saved(filled: Filled, size: tuple[int, int]) -> str:
    """`s` on the decision's summary: what the status line says then."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        app.push_screen(DecisionScreen(filled.store, filled.quarter_id))
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        return str(app.screen.query_one("#status").render())


async def test_minutes_saved_beside_two_kept_files_name_both(filled: Filled) -> None:
    """Minutes that went to `-3` because the first file and `-2` both hold other text
    said only that the first did: both are named."""
    first = decided(filled)
    second = first.with_name(first.stem + "-2.md")
    first.write_text("My notes\n")
    second.write_text("An earlier decision\n")
    said = await minutes_saved(filled, size=(200, 30))
    assert first.with_name(first.stem + "-3.md").exists()
    assert first.read_text() == "My notes\n"
    assert f"({first.name} to {second.name} hold other text, kept as they are)" in said, said


async def test_minutes_saved_beside_a_pipe_say_it_holds_no_text(filled: Filled) -> None:
    """A pipe where the minutes go froze the screen (it was read); now the minutes go
    beside it, and the word says it is not a text file (it said "holds other text")."""
    import os

    first = decided(filled)
    os.mkfifo(first)
    said = await minutes_saved(filled, size=(200, 30))
    assert first.with_name(first.stem + "-2.md").exists()
    assert f"({first.name} is not a text file, kept as it is)" in said, said
