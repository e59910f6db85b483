"""The board by keyboard: every move is in the file, and focus follows the item."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Filled, assert_consistent
from textual import events

from planboard.core import Place, Store
from planboard.ui.app import PlanboardApp
from planboard.ui.modals import ConfirmModal, FormModal, HelpScreen, PickerModal
from planboard.ui.widgets.board_list import BoardList


def columns(app: PlanboardApp) -> dict[str, BoardList]:
    return {c.id or "": c for c in app.screen.query(BoardList)}


def status(app: PlanboardApp) -> str:
    return str(app.screen.query_one("#status").render())


async def test_board_shows_every_list_side_by_side(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        cols = columns(app)
        assert [g.title for g in cols["stakeholders"].groups] == [
            "Customer Service Lead",
            "Head of Sales",
        ]
        assert [i.title for i in cols["team"].groups[0].items] == [
            "Single customer view",
            "Data quality alerts",
            "Metric definitions",
        ]
        assert [g.title for g in cols["blocks"].groups] == ["Sales cockpit", "Service insights"]
        assert cols["dropped"].groups[0].items == []
        assert app.screen.focused is cols["team"]
        # each stakeholder item is marked with whose it is
        row = cols["stakeholders"].rows[1]
        assert row.item is not None and app.screen.tag_for(row.item)[0] == "Service"


async def test_move_to_a_chosen_block_and_focus_follows(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("down", "m")  # second team item
        assert isinstance(app.screen, PickerModal)
        await pilot.press("down", "enter")  # block 2
        await pilot.pause()
        moved = filled.store.item(filled.team_items[1])
        assert moved.block_id == filled.block_b
        cols = columns(app)
        assert app.screen.focused is cols["blocks"]
        assert cols["blocks"].selected_item is not None
        assert cols["blocks"].selected_item.id == moved.id
        assert "Moved “Data quality alerts” to block “Service insights”" in status(app)
        # the team list lost it, and its cursor stays at the same place
        assert [i.title for i in cols["team"].groups[0].items] == [
            "Single customer view",
            "Metric definitions",
        ]


async def test_digits_move_to_block_n_and_undo_redo(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert filled.store.item(filled.team_items[0]).block_id == filled.block_a
        await pilot.press("u")
        await pilot.pause()
        assert filled.store.item(filled.team_items[0]).block_id is None
        cols = columns(app)
        assert cols["blocks"].groups[0].items == []
        assert app.screen.focused is cols["team"]
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert filled.store.item(filled.team_items[0]).block_id == filled.block_a
        await pilot.press("9")
        assert "There is no block 9" in status(app)


async def test_drop_with_a_reason_then_restore(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        assert isinstance(app.screen, FormModal)
        await pilot.press("enter")  # empty reason: refused, the form stays
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        assert "reason can't be empty" in str(app.screen.query_one(".form-error").render())
        assert filled.store.item(filled.team_items[0]).status == "open"
        await pilot.press(*"Nice to have")
        await pilot.press("enter")
        await pilot.pause()
        item = filled.store.item(filled.team_items[0])
        assert (item.status, item.drop_reason) == ("dropped", "Nice to have")
        cols = columns(app)
        assert app.screen.focused is cols["dropped"]
        await pilot.press("r")
        await pilot.pause()
        assert filled.store.item(filled.team_items[0]).status == "open"
        assert app.screen.focused is cols["team"]
        assert cols["team"].selected_item.id == filled.team_items[0]


async def test_d_again_on_a_dropped_item_says_so_and_replaces_its_reason(filled: Filled) -> None:
    """After a drop the cursor is on the dropped item; `d` again (meant for the next
    item on the list) opened "Drop" with the old reason, and what was typed went on
    the end of it. It says the item is dropped already, and the reason typed replaces
    the old one."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("d", *"Nice to have", "enter")
        await pilot.pause()
        assert app.screen.focused is columns(app)["dropped"]
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        title = str(app.screen.query_one(".dialog-title").render())
        assert "already dropped" in title and "Single customer view" in title
        await pilot.press(*"Next year", "enter")
        await pilot.pause()
        item = filled.store.item(filled.team_items[0])
        assert (item.status, item.drop_reason) == ("dropped", "Next year")
        # The same in one burst, as a fast typist sends it: the keys that arrive while
        # the form comes up replace the reason too.
        for key, char in [("d", "d"), ("o", "o"), ("k", "k"), ("enter", None)]:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()
        item = filled.store.item(filled.team_items[0])
        assert (item.status, item.drop_reason) == ("dropped", "ok")


async def test_keys_typed_before_a_form_is_up_go_into_it(filled: Filled) -> None:
    """`d`, a reason and Enter sent in one burst, as a fast typist or a paste sends them:
    the keys that arrive while the form is still coming up go into its field, not lost."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key, char in [("d", "d"), ("o", "o"), ("k", "k"), ("enter", None)]:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()
        item = filled.store.item(filled.team_items[0])
        assert (item.status, item.drop_reason) == ("dropped", "ok")
        assert not isinstance(app.screen, FormModal)


@pytest.mark.parametrize("closing", ["escape", "enter"])
async def test_keys_typed_as_a_form_closes_go_to_the_board(filled: Filled, closing: str) -> None:
    """Escape (or Enter) and the next keys in one burst: the keys after it were handed
    to the form's field before the form closed, and typed into it; they go to the
    board, in order, as they would a moment later."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e")  # edit the first item: Enter saves it as it is
        assert isinstance(app.screen, FormModal)
        for key, char in [(closing, None), ("j", "j"), ("j", "j")]:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, FormModal)
        focused = app.screen.focused
        assert isinstance(focused, BoardList)
        items = [i for g in focused.groups for i in g.items]
        assert focused.selected_item is not None
        assert items.index(focused.selected_item) == 2  # two steps down from the first
        assert filled.store.item(filled.team_items[0]).title == "Single customer view"


async def test_reorder_with_shift_keys_keeps_focus_on_the_item(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("shift+down", "shift+down")
        await pilot.pause()
        assert filled.titles(Place.team()) == [
            "Data quality alerts",
            "Metric definitions",
            "Single customer view",
        ]
        team = columns(app)["team"]
        assert team.selected_item.title == "Single customer view"
        await pilot.press("K")
        await pilot.pause()
        assert filled.titles(Place.team())[1] == "Single customer view"


async def test_new_item_form_validates_and_adds_to_the_focused_list(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("right", "down", "n")  # on a Service item: new item for Service
        assert isinstance(app.screen, FormModal)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "title can't be empty" in str(app.screen.query_one(".form-error").render())
        await pilot.press(*"Churn [b]risk[/] list")
        await pilot.press("ctrl+s")
        await pilot.pause()
        titles = filled.titles(Place.of_list(filled.service))
        assert titles[-1] == "Churn [b]risk[/] list"
        stake = columns(app)["stakeholders"]
        assert stake.selected_item.title == "Churn [b]risk[/] list"


async def test_blocks_new_rename_reorder_delete(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("1")  # Single customer view into Sales cockpit
        await pilot.press("b")
        await pilot.press(*"Finance basics")
        await pilot.press("ctrl+s")
        await pilot.pause()
        blocks = columns(app)["blocks"]
        assert [g.title for g in blocks.groups][-1] == "Finance basics"
        assert blocks.selected_group.title == "Finance basics"
        await pilot.press("shift+up")
        await pilot.pause()
        assert [b.name for b in filled.store.blocks(filled.quarter_id)] == [
            "Sales cockpit",
            "Finance basics",
            "Service insights",
        ]
        await pilot.press("e")
        assert isinstance(app.screen, FormModal)
        await pilot.press(*" 101", "ctrl+s")  # typing adds to the name
        await pilot.pause()
        assert [b.name for b in filled.store.blocks(filled.quarter_id)][1] == "Finance basics 101"
        await pilot.press("e")
        assert isinstance(app.screen, FormModal)
        await pilot.press("ctrl+u", *"Finance 101", "ctrl+s")
        await pilot.pause()
        assert [b.name for b in filled.store.blocks(filled.quarter_id)][1] == "Finance 101"
        blocks.select_group(Place.block(filled.block_a))
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmModal)
        assert "y: " in str(app.screen.query_one(".dialog-hint").render())
        await pilot.press("enter")  # the safe answer has the focus: nothing deleted
        await pilot.pause()
        assert len(filled.store.blocks(filled.quarter_id)) == 3
        await pilot.press("x", "left", "right", "left")  # arrows move between the buttons
        assert isinstance(app.screen, ConfirmModal)
        assert app.screen.focused is app.screen.query_one("#yes")
        await pilot.press("enter")
        await pilot.pause()
        assert [b.name for b in filled.store.blocks(filled.quarter_id)] == [
            "Finance 101",
            "Service insights",
        ]
        assert filled.store.item(filled.team_items[0]).block_id is None
        assert_consistent(filled.store)


async def test_stakeholder_add_and_remove(filled: Filled) -> None:
    filled.store.move_item(filled.service_items[0], Place.block(filled.block_a))
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("s", *"Head of Marketing", "tab", *"Marketing", "ctrl+s")
        await pilot.pause()
        stake = columns(app)["stakeholders"]
        assert "Head of Marketing" in [g.title for g in stake.groups]
        assert app.screen.focused is stake  # the cursor goes to the new stakeholder
        assert stake.selected_group.title == "Head of Marketing"
        stake.focus()
        stake.select_group(Place.of_list(filled.service))
        await pilot.press("delete")
        question = str(app.screen.query_one(".dialog-question").render())
        assert (
            "all 2 of their items in 2026-Q3 (1 on their list; 1 in block “Sales cockpit”)"
            in question
        )
        await pilot.press("y")
        await pilot.pause()
        assert "Customer Service Lead" not in [g.title for g in stake.groups]
        await pilot.press("u")
        await pilot.pause()
        assert "Customer Service Lead" in [g.title for g in stake.groups]
        assert filled.titles(Place.of_list(filled.service)) == ["Refund reasons"]
        assert filled.titles(Place.block(filled.block_a)) == ["Ticket backlog age"]


async def test_switch_and_create_quarter(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        assert isinstance(app.screen, PickerModal)
        await pilot.press(*"new", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        await pilot.press("ctrl+s")  # suggested name: the next quarter
        await pilot.pause()
        assert app.screen.quarter.name == "2026-Q4"
        assert columns(app)["team"].groups[0].items == []
        await pilot.press("o", *"2026-Q3", "enter")
        await pilot.pause()
        assert app.screen.quarter.name == "2026-Q3"
        assert len(columns(app)["team"].groups[0].items) == 3
        # End, with nothing typed, goes to the list's last choice ("+ New quarter…"):
        # it went to the empty filter, and Enter then picked the first choice.
        await pilot.press("o", "end", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        await pilot.press("escape")


async def test_decided_quarter_refuses_edits_with_a_reason(filled: Filled) -> None:
    filled.give_items()  # (a block with no items can't be chosen)
    filled.store.choose_block(filled.block_a, 1)
    filled.store.decide(filled.quarter_id, "Sales first")
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "READ-ONLY" in str(app.screen.query_one("#title").render())
        for key in ("m", "d", "n", "1", "u"):
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, (FormModal, PickerModal))
            assert "is decided" in status(app)
        assert filled.store.item(filled.team_items[0]).block_id is None
        assert dimmed_keys(app) == {"n", "b", "m", "d", "r", "u"}
        # Back on a quarter being prepared, the footer's edit keys are lit again.
        filled.store.create_quarter("2026-Q4", "")
        await pilot.press("o")
        await pilot.pause()
        await pilot.press(*"2026-Q4", "enter")
        await pilot.pause()
        assert app.screen.quarter.name == "2026-Q4"
        assert dimmed_keys(app) == set()


async def test_footer_follows_a_quarter_decided_elsewhere(filled: Filled) -> None:
    """Another program decides the quarter: within a second the edit keys dim."""
    import sqlite3

    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert dimmed_keys(app) == set()
        other = sqlite3.connect(filled.store.path)
        with other:
            other.execute(
                "UPDATE quarters SET status = 'decided' WHERE id = ?", (filled.quarter_id,)
            )
        other.close()
        app._watch_file()  # the file watcher's tick
        await pilot.pause()
        assert app.screen.quarter.is_decided
        assert dimmed_keys(app) == {"n", "b", "m", "d", "r", "u"}


def dimmed_keys(app: PlanboardApp) -> set[str]:
    keys = app.screen.query("BoardFooter FooterKey")  # by type name: public CSS selectors
    assert keys, "the footer shows keys"
    return {str(getattr(key, "key", "")) for key in keys if key.has_class("-disabled")}


async def test_help_screen_and_palette_commands(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for expected in (
            "item: Move to block…",
            "item: Drop…",
            "block: New",
            "board: Undo",
            "quarter: New…",
        ):
            assert expected in titles


async def test_the_palettes_screenshot_is_saved_beside_the_board_and_said(
    filled: Filled,
) -> None:
    """The palette's "Screenshot" said only "Failed to save screenshot", and its
    "Maximize" showed one column alone, narrow, on a hatched ground. The picture is
    written beside the board and the status line says where; "Maximize" is gone."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.focused is not None  # (Textual offers "Maximize" then)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Maximize" not in commands and "Minimize" not in commands
        commands["Screenshot"].callback()
        for _ in range(100):
            await pilot.pause(0.05)
            if "picture" in status(app):
                break
        pictures = list(filled.store.path.parent.glob(f"{filled.store.path.stem}.screen-*.svg"))
        assert len(pictures) == 1 and "<svg" in pictures[0].read_text()[:500]
        assert f"Saved a picture of the screen to {pictures[0]}" in status(app)


async def test_a_screenshot_never_writes_through_a_link_onto_the_board(filled: Filled) -> None:
    """A link planted where the picture goes, leading to the board: the board became
    an SVG picture. The picture goes beside the link's name instead (the next free
    name), and the board is left as it was."""
    from datetime import datetime as real_datetime

    from planboard.ui import picture

    board = filled.store.path
    stamp = "20261206-101010"

    class Fixed(real_datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            return real_datetime(2026, 12, 6, 10, 10, 10)

    link = board.parent / f"{board.stem}.screen-{stamp}.svg"
    link.symlink_to(board)
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        before = board.read_bytes()[:100]
        picture.datetime = Fixed  # type: ignore[misc]
        try:
            picture.save_picture(app)
        finally:
            picture.datetime = real_datetime  # type: ignore[misc]
        await pilot.pause()
        assert board.read_bytes()[:100] == before
        written = board.parent / f"{board.stem}.screen-{stamp}-2.svg"
        assert written.is_file() and "<svg" in written.read_text()[:500]
        assert f"Saved a picture of the screen to {written}" in status(app)


async def test_stacked_columns_move_as_they_stand(filled: Filled) -> None:
    """Under 110 columns Team stands over the stakeholders' lists and the dropped
    column under the blocks: → went down from Team to the stakeholders, and nothing
    went from Team to them but Tab. → and ← now go to the column beside, ↓ past a
    column's last line into the one below it, ↑ past its first into the one above."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        cols = columns(app)
        await pilot.press("l")
        assert app.screen.focused is cols["blocks"]
        await pilot.press("l")  # nothing to its right: it stays
        assert app.screen.focused is cols["blocks"]
        await pilot.press("h")
        assert app.screen.focused is cols["team"]
        team = cols["team"]
        await pilot.press("end", "j")  # past Team's last line: the lists below
        assert app.screen.focused is cols["stakeholders"]
        assert cols["stakeholders"].cursor == 0
        await pilot.press("k")  # back above its first line: Team's last
        assert app.screen.focused is team and team.cursor == len(team.rows) - 1
        await pilot.press("tab", "tab", "tab")  # Tab still goes through them in turn
        assert app.screen.focused is cols["dropped"]
        await pilot.press("h")
        assert app.screen.focused is cols["stakeholders"]
        await pilot.press("home", "k", "k")  # above the first line: Team; then its line above
        assert app.screen.focused is team and team.cursor == len(team.rows) - 2
        await pilot.press("l", "j")  # the blocks' lines go on as before
        assert app.screen.focused is cols["blocks"]
        # → then ← comes back to the column it left, whatever the row (from the lists
        # beside Team's rows, it went to Team)
        await pilot.press("h", "j", "j", "j")  # (Team's last line: on to the lists)
        assert app.screen.focused is cols["stakeholders"]
        await pilot.press("j", "l")
        assert app.screen.focused in (cols["blocks"], cols["dropped"])
        await pilot.press("h")
        assert app.screen.focused is cols["stakeholders"]


async def test_after_a_move_left_goes_back_to_the_list_it_came_from(filled: Filled) -> None:
    """Stacked, an item moved from a stakeholder's list into a block took the focus to
    the blocks, and ← then went to Team or to the lists depending on where the block
    stood: it goes back to the list the item came from."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        cols = columns(app)
        await pilot.press("end", "j", "j")  # (into the lists, on an item)
        assert app.screen.focused is cols["stakeholders"]
        for _ in range(2):
            await pilot.press("2")  # into block 2, the focus along
            await pilot.pause()
            assert app.screen.focused is cols["blocks"]
            await pilot.press("h")
            assert app.screen.focused is cols["stakeholders"]


async def test_columns_with_left_right(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        cols = columns(app)
        await pilot.press("right")
        assert app.screen.focused is cols["stakeholders"]
        await pilot.press("right", "right")
        assert app.screen.focused is cols["dropped"]
        await pilot.press("right")  # the last column: it stays
        assert app.screen.focused is cols["dropped"]
        await pilot.press("left", "h", "h", "h")
        assert app.screen.focused is cols["team"]


async def test_a_quarter_created_by_mistake_can_be_deleted(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("o", *"new", "enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.quarter.name == "2026-Q4"
        app.screen.action_delete_quarter()
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen.quarter.name == "2026-Q3"
        assert [q.name for q in filled.store.quarters()] == ["2026-Q3"]


async def test_reorder_by_keys_says_what_it_did(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("K")
        assert "Already at the top" in status(app)
        await pilot.press("J")
        await pilot.pause()
        assert "Reordered “Single customer view”" in status(app)
        await pilot.press("u")
        await pilot.pause()
        assert "Ctrl+Y redoes it" in status(app)


async def test_edit_item_can_change_whose_it_is(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, FormModal)
        assert "Edit “Single customer view”" in str(form.query_one(".dialog-title").render())
        from textual.widgets import Select

        form.query_one("#field-owner", Select).value = filled.sales
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert filled.store.item(filled.team_items[0]).stakeholder_id == filled.sales
        stake = columns(app)["stakeholders"]
        assert app.screen.focused is stake
        assert stake.selected_item.title == "Single customer view"


async def open_import_form(app: PlanboardApp, pilot, *keys: str) -> FormModal:
    """The import form, opened with `i` after `keys` on the board."""
    await pilot.pause()
    if keys:
        await pilot.press(*keys)
    await pilot.press("i")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, FormModal)
    return form


async def test_import_shows_what_would_come_in_before_importing(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        # (On a Service item: the import goes into Service's list.)
        form = await open_import_form(app, pilot, "right", "down")
        from textual import events

        await pilot.press("tab", "tab", "tab")  # past the list, a new name, a file
        app.post_message(events.Paste("- Refund reasons by category\n- NPS by segment\n"))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)  # a preview first: nothing written yet
        note = str(form.query_one(".form-error").render())
        assert "2 items" in note and "Ctrl+S again imports them" in note
        assert len(filled.titles(Place.of_list(filled.service))) == 2
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert filled.titles(Place.of_list(filled.service))[-2:] == [
            "Refund reasons by category",
            "NPS by segment",
        ]
        await pilot.press("u")
        await pilot.pause()
        assert len(filled.titles(Place.of_list(filled.service))) == 2


async def test_the_list_picker_is_off_while_a_new_stakeholder_is_named(filled: Filled) -> None:
    """The import form's list picker goes dim while a new stakeholder's name is typed
    (the import goes to them, not to the list it showed: a newcomer thought otherwise),
    and comes back once the name is cleared; the import goes where the form says."""
    from textual.widgets import Input, Select

    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_import_form(app, pilot, "right", "down")
        picker = form.query_one("#field-owner", Select)
        assert picker.value == filled.service and not picker.disabled
        await pilot.press("tab", *"Legal")
        await pilot.pause()
        assert form.query_one("#field-new_owner", Input).value == "Legal"
        assert picker.disabled
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert not picker.disabled
        await pilot.press(*"Legal", "tab", "tab")
        app.post_message(events.Paste("- Contract renewals due\n"))
        await pilot.pause()
        await pilot.press("ctrl+s", "ctrl+s")
        await pilot.pause()
        legal = [s for s in filled.store.stakeholders() if s.name == "Legal"]
        assert len(legal) == 1
        assert filled.titles(Place.of_list(legal[0].id)) == ["Contract renewals due"]
        assert "Contract renewals due" not in filled.titles(Place.of_list(filled.service))


@pytest.mark.parametrize("tabs", [0, 2], ids=["on-the-list-picker", "in-the-file-field"])
async def test_a_list_pasted_anywhere_in_the_import_form_goes_to_its_paste_box(
    filled: Filled, tabs: int
) -> None:
    """A list pasted while the focus is on another field of the import form (the form
    opens on the list picker; the file field is two Tabs on) goes whole into the box for
    pasted lists: the file field kept its first line and the rest was gone, and on the
    picker the paste did nothing."""
    from textual.widgets import Input, TextArea

    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        # (On a Service item: the import goes into Service's list.)
        form = await open_import_form(app, pilot, "right", "down")
        await pilot.press(*["tab"] * tabs)
        app.post_message(events.Paste("- Refund reasons by category\n- NPS by segment\n"))
        await pilot.pause()
        box = form.query_one("#field-text", TextArea)
        assert box.text.splitlines() == ["- Refund reasons by category", "- NPS by segment"]
        assert form.query_one("#field-path", Input).value == ""
        assert form.focused is box
        note = str(form.query_one(".form-error").render())
        assert "pasted" in note.lower() and "box" in note
        await pilot.press("ctrl+s", "ctrl+s")
        await pilot.pause()
        assert filled.titles(Place.of_list(filled.service))[-2:] == [
            "Refund reasons by category",
            "NPS by segment",
        ]


async def test_a_paste_into_a_form_field_adds_to_what_the_box_has(filled: Filled) -> None:
    """A second list pasted into the file field goes under the first in the box, and
    one line pasted into a one-line field stays there (a file's path)."""
    from textual.widgets import Input, TextArea

    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_import_form(app, pilot)
        await pilot.press("tab", "tab")
        app.post_message(events.Paste("One\nTwo"))
        await pilot.pause()
        await pilot.press("shift+tab")  # from the box, back to the file field
        assert form.focused is form.query_one("#field-path", Input)
        app.post_message(events.Paste("Three\nFour\n"))
        await pilot.pause()
        assert form.query_one("#field-text", TextArea).text.splitlines() == [
            "One",
            "Two",
            "Three",
            "Four",
        ]
        await pilot.press("shift+tab")
        assert form.focused is form.query_one("#field-path", Input)
        app.post_message(events.Paste("/tmp/requests.csv\n"))
        await pilot.pause()
        assert form.query_one("#field-path", Input).value == "/tmp/requests.csv"


async def test_the_import_preview_says_what_an_earlier_quarter_did_with_a_line(
    sample_copy: Path,
) -> None:
    """A list sent again for the next quarter: the preview says which lines an earlier
    quarter's board had, and what became of them there (Ctrl+S still imports them)."""
    from planboard.core import Store

    store = Store.open(sample_copy)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        await pilot.press("tab", "tab", "tab")
        app.post_message(events.Paste("- Move the CRM sync from nightly to hourly\n- New one\n"))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        note = str(form.query_one(".form-error").render())
        assert "Ctrl+S again imports them" in note
        assert "1 line was on an earlier quarter's board" in note
        assert "(dropped in 2026-Q2: Nobody on the lists" in note
        await pilot.press("ctrl+s")
        await pilot.pause()
        q3 = store.quarter_by_name("2026-Q3").id
        titles = [i.title for items in store.board(q3).places.values() for i in items]
        assert "Move the CRM sync from nightly to hourly" in titles


async def test_import_a_file_named_in_the_form(
    filled: Filled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A path typed in the form: a bad file is refused in the form with nothing written;
    a spreadsheet export comes in with its notes and effort after the preview."""
    binary = tmp_path / "export.xlsx"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary\x00data")
    sheet = tmp_path / "service requests.csv"
    sheet.write_text(
        "Title,Notes,Effort\r\nWin rate by region,For the board deck,3 days\r\n"
        "\r\nDiscount depth per rep,,\r\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)  # a path relative to where planboard was started
    before = filled.titles(Place.of_list(filled.service))
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        # (On a Service item: the import goes into Service's list.)
        form = await open_import_form(app, pilot, "right", "down")
        await pilot.press("tab", "tab", *"missing.csv", "ctrl+s")
        await app.workers.wait_for_complete()  # the file is read in a thread
        await pilot.pause()
        assert "missing.csv" in str(form.query_one(".form-error").render())
        await pilot.press("ctrl+u", *binary.name, "ctrl+s")
        await app.workers.wait_for_complete()  # the file is read in a thread
        await pilot.pause()
        error = str(form.query_one(".form-error").render())
        assert "not a text file" in error or "binary" in error, error
        assert app.screen is form and filled.titles(Place.of_list(filled.service)) == before
        await pilot.press("ctrl+u", *sheet.name, "ctrl+s")
        await app.workers.wait_for_complete()  # the file is read in a thread
        await pilot.pause()
        note = str(form.query_one(".form-error").render())
        assert "2 items" in note and "1 blank line skipped" in note, note
        assert filled.titles(Place.of_list(filled.service)) == before
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()  # the file is read in a thread
        await pilot.pause()
        assert app.screen is not form
        added = filled.store.items_at(filled.quarter_id, Place.of_list(filled.service))[-2:]
        assert [(i.title, i.notes, i.effort) for i in added] == [
            ("Win rate by region", "For the board deck", 3.0),
            ("Discount depth per rep", "", None),
        ]
        assert "Imported 2 items into Customer Service Lead's list, from 2 items" in status(app)


async def test_the_collector_is_back_on_once_the_board_has_painted(filled: Filled) -> None:
    """`planboard` starts with the cyclic collector off; the board turns it back on
    after its first frame, with what was loaded frozen."""
    import gc

    gc.disable()
    gc.unfreeze()
    try:
        app = PlanboardApp(filled.store)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(20):
                await pilot.pause(0.02)
                if gc.isenabled():
                    break
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0
    finally:
        gc.enable()


async def test_import_into_a_new_stakeholders_list(filled: Filled) -> None:
    """The command line could create a stakeholder while importing; `i` can too."""
    from textual import events

    app = PlanboardApp(filled.store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        await pilot.press("tab", *"Head of Finance", "tab", "tab")
        app.post_message(events.Paste("Cash forecast\nDays sales outstanding\n"))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        note = str(form.query_one(".form-error").render())
        assert "Head of Finance's list (a new stakeholder)" in note
        assert "Head of Finance" not in [s.name for s in filled.store.stakeholders()]
        await pilot.press("ctrl+s")
        await pilot.pause()
        people = {s.name: s for s in filled.store.stakeholders()}
        assert "Head of Finance" in people and people["Head of Finance"].colour
        titles = filled.titles(Place.of_list(people["Head of Finance"].id))
        assert titles == ["Cash forecast", "Days sales outstanding"]
        await pilot.press("u")  # one action: the stakeholder and the items go together
        await pilot.pause()
        assert "Head of Finance" not in [s.name for s in filled.store.stakeholders()]


async def test_i_in_an_empty_stakeholders_column_asks_for_a_new_stakeholder(
    store: Store,
) -> None:
    """No list yet in the column: `i` there starts on the new stakeholder's name (it
    offered the Team's list, and the first list typed went to the team)."""
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.screen.query_one("#stakeholders", BoardList).focus()
        await pilot.press("i", *"CFO")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        assert form.values()["new_owner"] == "CFO"
        await pilot.press("tab", "tab", *"Cash forecast")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        (cfo,) = store.stakeholders()
        assert cfo.name == "CFO"
        q = store.default_quarter().id
        assert [i.title for i in store.items_at(q, Place.of_list(cfo.id))] == ["Cash forecast"]
        assert store.items_at(q, Place.of_list(None)) == []
        # On the Team column, `i` still starts on whose list: the team's.
        app.screen.query_one("#team", BoardList).focus()
        await pilot.press("i")
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#field-owner")


async def test_d_on_a_blocks_title_drops_the_whole_block(filled: Filled) -> None:
    """`d` on a block's title asks why, then drops every item of the block (kept, with
    the reason and the block's name) and the block goes; `u` brings it all back."""
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.move_item(filled.team_items[0], Place.block(filled.block_a))
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        blocks = app.screen.query_one("#blocks", BoardList)
        blocks.focus()
        blocks.select_row(0)  # “Sales cockpit”'s title
        await pilot.press("d")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        assert form.form_title == "Drop block “Sales cockpit” and its 2 items"
        await pilot.press(*"Not this year", "enter")
        await pilot.pause()
        assert [b.id for b in store.blocks(q)] == [filled.block_b]
        dropped = store.items_at(q, Place.dropped())
        assert [i.id for i in dropped] == [filled.sales_items[0], filled.team_items[0]]
        assert "Dropped block “Sales cockpit” and its 2 items" in status(app)
        titles = [r.item.title for r in app.screen.query_one("#dropped", BoardList).rows if r.item]
        assert titles == ["Pipeline by region", "Single customer view"]
        await pilot.press("u")
        await pilot.pause()
        assert [b.id for b in store.blocks(q)] == [filled.block_a, filled.block_b]
        assert not store.items_at(q, Place.dropped())


@pytest.mark.parametrize("key", ["d", "x"])
async def test_d_or_x_on_a_chosen_blocks_title_says_why_not_before_asking(
    filled: Filled, key: str
) -> None:
    """A block chosen in the event: `d` on its title opened the drop form, and only once
    a reason was typed and saved said the block is chosen; `x` asked "Delete block …?"
    without saying so, and `y` deleted it and its choice. Both say so at once now, on
    the status line, with no form or question, and the block stays as it was."""
    from chosen_block import choose_block_a, on_block_a_title

    store, q = filled.store, filled.quarter_id
    choose_block_a(filled)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await on_block_a_title(app, pilot)
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, (FormModal, ConfirmModal))
        said = status(app)
        assert "“Sales cockpit” is chosen (1): unchoose it first" in said, said
        assert [b.id for b in store.blocks(q)] == [filled.block_a, filled.block_b]
        assert store.block(filled.block_a).choice == 1


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_a_long_import_preview_leaves_the_buttons_on_a_small_screen(
    filled: Filled, size: tuple[int, int]
) -> None:
    """The preview under the form pushed Import and Cancel off an 80x24 screen: the
    fields give way (they scroll) so that the preview and the buttons show."""
    from textual.widgets import Button

    app = PlanboardApp(filled.store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("right", "down", "i")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        await pilot.press("tab", "tab", "tab")
        title = "Request number {} about churn and revenue by region, every week\n"
        lines = "".join("- " + title.format(n) for n in range(12))
        app.post_message(events.Paste(lines))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        note = form.query_one(".form-error")
        assert "Ctrl+S again imports" in str(note.render())
        screen = form.query_one(".dialog").content_region  # (inside its border)
        for widget in (note, form.query_one("#save", Button), form.query_one("#cancel", Button)):
            shown = widget.region
            assert shown.height > 0 and screen.contains_region(shown), (widget, shown)
        # What Ctrl+S does is on the screen, not cut off at the end of a long preview.
        picture = app.export_screenshot().replace("&#160;", " ")
        assert "Ctrl+S again imports them" in picture


async def test_a_preview_asked_for_straight_after_typing_stays_shown(filled: Filled) -> None:
    """Ctrl+S in the same burst as the typing: the field's "changed" notices, handled
    after the preview was shown, hid it again as if the list had been edited since, so
    the next Ctrl+S imported a list whose preview nobody saw."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("right", "down", "i")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        await pilot.press("tab", "tab", "tab")
        await pilot.pause()
        for key in [*"Weekly churn by plan", "ctrl+s"]:  # (one burst, as typed fast)
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        for _ in range(5):
            await pilot.pause(0.05)
        note = form.query_one(".form-error")
        assert note.has_class("-shown") and "Ctrl+S again imports it into" in str(note.render())
        await pilot.press("!")  # an edit after the preview does hide it
        await pilot.pause()
        assert not note.has_class("-shown")


@pytest.mark.parametrize("theme", ["planboard-projector", "planboard-light", "textual-dark"])
async def test_an_empty_field_of_a_form_shows_as_a_field_in_every_theme(
    filled: Filled, theme: str
) -> None:
    """On the projector theme's black, an empty field out of focus (the dots of `v`, a
    new item's notes) looked like no field at all: its shade did not show."""
    from textual.widgets import Input

    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.theme = theme
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        field = [w for w in form.query(Input) if not w.has_focus][-1]
        around, shade = field.background_colors
        assert abs(shade.brightness - around.brightness) >= 0.05, (theme, around, shade)


async def test_a_long_quarter_name_leaves_the_title_bar_its_status(filled: Filled) -> None:
    """A quarter named with 300 letters (another program's): the title bar showed
    "planboard" alone, the quarter's status and the file's name gone. The name is cut
    with "…", and the rest stays."""
    import sqlite3

    path = filled.store.path
    filled.store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    for name in ("Q" * 300, "季" * 300):  # (wide letters: two cells each)
        conn.execute("UPDATE quarters SET name = ? WHERE id = ?", (name, filled.quarter_id))
        app = PlanboardApp(Store.open(path))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            bar = str(app.screen.query_one("#title").render())
            assert "preparing" in bar and "…" in bar and "board.db" in bar, bar
    conn.close()


async def test_the_detail_pane_stays_on_the_focused_column_after_a_burst(
    filled: Filled,
) -> None:
    """`4 r` read in one burst: the item went into block 4 and back before the blocks'
    focus was heard, and that late focus put the pane on the row under the blocks'
    cursor (another item, in another column) while the cursor was on the team's list.
    A focus heard late, for a column that no longer has it, leaves the pane as it is."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        team = screen.query_one("#team", BoardList)
        blocks = screen.query_one("#blocks", BoardList)
        team.focus()
        await pilot.pause()
        shown = team.selected_item  # (the blocks' cursor is on another row: a block)
        assert shown is not None
        screen.post_message(events.DescendantFocus(blocks))  # (heard late)
        await pilot.pause()
        await pilot.pause()
        assert screen.focused is team
        detail = str(screen.query_one("#detail").render())
        assert detail.splitlines()[0].strip() == shown.title, detail


async def test_no_quarter_after_the_last_is_said_without_a_tick(filled: Filled) -> None:
    """`]` on the last quarter did nothing and said so with a tick, as a success."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        said = status(app)
        assert "There is no quarter after this one." in said
        assert "✓" not in said and "✗" not in said, said
