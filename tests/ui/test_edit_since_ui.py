"""`e` saves what was typed, not the form's every field as it opened: another program's
title, written while the notes were typed, was put back without a word."""

from __future__ import annotations

import sqlite3
from typing import Any

from conftest import Filled, write_outside

from planboard.ui.app import PlanboardApp
from planboard.ui.modals import FormModal


def _rename_outside(filled: Filled, item_id: int, title: str) -> None:
    sql = "UPDATE items SET title = ?, effort = 20 WHERE id = ?"
    write_outside(filled.store.path, sql, title, item_id)


async def _edit(app: PlanboardApp, pilot: Any) -> FormModal:
    """`e` on the board's first item (Team's first), once the board has painted."""
    await pilot.pause()
    await pilot.pause()
    await pilot.press("e")
    form = app.screen
    assert isinstance(form, FormModal)
    return form


def _said(form: FormModal) -> str:
    return str(form.query_one(".form-error").render())


async def test_notes_typed_while_another_program_renames_keep_its_title(
    filled: Filled,
) -> None:
    item_id = filled.team_items[0]
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await _edit(app, pilot)
        _rename_outside(filled, item_id, "Renamed by another program")
        await pilot.press("tab", "tab", *"my note", "ctrl+s")  # (the notes)
        await pilot.pause()
        assert not isinstance(app.screen, FormModal)
        item = filled.store.item(item_id)
        assert (item.title, item.effort, item.notes) == (
            "Renamed by another program",
            20,
            "my note",
        )


async def test_a_title_both_changed_is_refused_in_the_form_then_saved_on_a_second_save(
    filled: Filled,
) -> None:
    item_id = filled.team_items[0]
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _edit(app, pilot)
        _rename_outside(filled, item_id, "Theirs")
        await pilot.press(*" (mine)", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)  # (open: nothing typed is lost)
        said = _said(form)
        assert "changed by another program since the form opened" in said, said
        assert "its title now “Theirs”" in said, said
        assert said.startswith("✗ “Single customer view” was changed"), said  # (as shown)
        assert filled.store.item(item_id).title == "Theirs"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FormModal)
        assert filled.store.item(item_id).title == "Single customer view (mine)"
        assert filled.store.item(item_id).effort == 20  # (theirs: not in the form's change)


async def test_an_unreadable_title_is_not_written_when_only_the_effort_changes(
    filled: Filled,
) -> None:
    """A title another program wrote as bytes shows as "(no title)"; saving the effort
    alone wrote that placeholder as the title."""
    item_id = filled.team_items[0]
    write_outside(filled.store.path, "UPDATE items SET title = x'00ff' WHERE id = ?", item_id)
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await _edit(app, pilot)
        await pilot.press("tab", "tab", "tab", *"3", "ctrl+s")  # (the effort)
        await pilot.pause()
        assert not isinstance(app.screen, FormModal)
    with sqlite3.connect(filled.store.path) as conn:
        title, effort = conn.execute(
            "SELECT title, effort FROM items WHERE id = ?", (item_id,)
        ).fetchone()
    assert (title, effort) == (b"\x00\xff", 3)


async def test_the_second_save_writes_only_over_what_the_refusal_named(filled: Filled) -> None:
    """The refusal named the title; the notes another program wrote too were then
    written over by the second save, never named."""
    item_id = filled.team_items[0]
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _edit(app, pilot)
        sql = "UPDATE items SET title = 'Theirs', notes = 'Their notes' WHERE id = ?"
        write_outside(filled.store.path, sql, item_id)
        await pilot.press(*" (mine)", "ctrl+s")
        await pilot.pause()
        said = _said(form)
        assert "its title now “Theirs”" in said and "notes" not in said, said
        await pilot.press("tab", "tab", *"my note", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)  # (the notes: named now)
        said = _said(form)
        assert "its notes now “Their notes”" in said, said
        assert filled.store.item(item_id).notes == "Their notes"
        await pilot.press("ctrl+s")
        await pilot.pause()
        item = filled.store.item(item_id)
        assert (item.title, item.notes) == ("Single customer view (mine)", "my note")


async def test_a_value_typed_back_after_a_refusal_is_still_saved(filled: Filled) -> None:
    """Refused, the user put the title back as it was when the form opened and saved:
    "Nothing to change", and the other program's title stayed."""
    item_id = filled.team_items[0]
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await _edit(app, pilot)
        _rename_outside(filled, item_id, "Theirs")
        await pilot.press("X", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        await pilot.press("backspace", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FormModal)
        assert filled.store.item(item_id).title == "Single customer view"
