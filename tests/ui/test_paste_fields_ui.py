"""Pastes of several lines into a form: a second list pasted where the first ended
goes under it (it was glued to the first one's last line, one request of two), and
lines pasted into a one-line field are kept, joined (all but the first were lost)."""

from __future__ import annotations

import pytest
from conftest import Filled
from test_board_keys import open_import_form
from textual import events
from textual.widgets import Input, TextArea

from planboard.core import Place
from planboard.ui.app import PlanboardApp
from planboard.ui.modals import FormModal


async def test_a_second_list_pasted_where_the_first_ended_goes_under_it(
    filled: Filled,
) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_import_form(app, pilot, "right", "down")
        app.post_message(events.Paste("alpha one\nbeta two\ngamma three"))
        await pilot.pause()
        box = form.query_one("#field-text", TextArea)
        assert form.focused is box
        app.post_message(events.Paste("delta four\nepsilon five"))
        await pilot.pause()
        assert box.text.splitlines() == [
            "alpha one",
            "beta two",
            "gamma three",
            "delta four",
            "epsilon five",
        ]
        # A word pasted into a line is still put where the cursor is.
        await pilot.press("up", "home")
        app.post_message(events.Paste("new "))
        await pilot.pause()
        assert box.text.splitlines()[3] == "new delta four"
        await pilot.press("ctrl+s", "ctrl+s")
        await pilot.pause()
        assert filled.titles(Place.of_list(filled.service))[-3:] == [
            "gamma three",
            "new delta four",
            "epsilon five",
        ]


@pytest.mark.parametrize(
    ("pasted", "title"),
    [
        ("Churn model\n  for EMEA\n\nby segment\n", "Churn model for EMEA by segment"),
        ("\n  Pasted words\n", "Pasted words"),  # (Input kept the first line: blank)
    ],
)
async def test_lines_pasted_into_a_title_are_joined(
    filled: Filled, pasted: str, title: str
) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, FormModal)
        app.post_message(events.Paste(pasted))
        await pilot.pause()
        assert form.query_one("#field-title", Input).value == title
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert filled.titles(Place.team())[-1] == title


async def test_lists_pasted_with_carriage_returns_go_under_one_another(filled: Filled) -> None:
    """Terminals send a pasted line break as a carriage return; a row pasted with its
    line break at the end is a list too."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_import_form(app, pilot, "right", "down")
        app.post_message(events.Paste("alpha one\rbeta two"))
        await pilot.pause()
        app.post_message(events.Paste("gamma three\r\ndelta four"))
        await pilot.pause()
        app.post_message(events.Paste("epsilon five\r"))
        await pilot.pause()
        box = form.query_one("#field-text", TextArea)
        assert [line for line in box.text.splitlines() if line] == [
            "alpha one",
            "beta two",
            "gamma three",
            "delta four",
            "epsilon five",
        ]
