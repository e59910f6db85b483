"""`d` confirms the choices its form shows: changed by another program while the form
was open, the decision recorded a block nobody saw chosen."""

from __future__ import annotations

import sqlite3
from typing import Any

from conftest import Filled
from test_meeting_ui import prepare

from planboard.ui.app import PlanboardApp
from planboard.ui.modals import FormModal


def _live_with_block_a_chosen(filled: Filled) -> None:
    prepare(filled)
    filled.store.start_meeting(filled.quarter_id, backup=False)
    filled.store.choose_block(filled.block_a, 1)


async def _form_open_as_choices_change(filled: Filled, app: PlanboardApp, pilot: Any) -> None:
    """`d`'s form open on block A chosen; another program then chooses B instead."""
    await pilot.pause()
    await pilot.pause()
    await pilot.press("d")
    assert isinstance(app.screen, FormModal)
    other = sqlite3.connect(filled.store.path, isolation_level=None)
    other.execute("UPDATE blocks SET choice = NULL WHERE id = ?", (filled.block_a,))
    other.execute("UPDATE blocks SET choice = 1 WHERE id = ?", (filled.block_b,))
    other.close()


def _intro_now(store: Any, quarter_id: int) -> str:
    """The cut-off line as a form opened now would say it."""
    cut = store.cut_off(quarter_id, pending=True)
    if not cut:
        return "Every stakeholder who sent a list has an item in a chosen block."
    return "Cut off by this choice (none of their items in a chosen block): " + "; ".join(
        c.stakeholder.name for c in cut
    )


async def test_the_decision_form_refuses_choices_changed_while_it_was_open(
    filled: Filled,
) -> None:
    _live_with_block_a_chosen(filled)
    store, q = filled.store, filled.quarter_id
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await _form_open_as_choices_change(filled, app, pilot)
        opened_with = str(app.screen.query_one(".dialog-intro").render())
        await pilot.press(*"Sales first", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        said = str(app.screen.query_one(".form-error").render())
        assert "changed since the form showed them" in said, said
        assert not store.quarter(q).is_decided
        # The form's title and its cut-off line now say what a second Ctrl+S confirms.
        title = str(app.screen.query_one(".dialog-title").render())
        a_name, b_name = store.block(filled.block_a).name, store.block(filled.block_b).name
        assert f"1. {b_name}" in title and a_name not in title, title
        intro = str(app.screen.query_one(".dialog-intro").render())
        assert intro == _intro_now(store, q) != opened_with, intro


async def test_after_the_refusal_a_second_confirm_records_the_choices_it_named(
    filled: Filled,
) -> None:
    _live_with_block_a_chosen(filled)
    store, q = filled.store, filled.quarter_id
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await _form_open_as_choices_change(filled, app, pilot)
        await pilot.press(*"Service first", "ctrl+s")
        await pilot.pause()
        assert "changed since" in str(app.screen.query_one(".form-error").render())
        await pilot.press("ctrl+s")  # (the rationale kept: confirmed as now named)
        await pilot.pause()
        await pilot.pause()
        assert store.quarter(q).is_decided
        assert store.block(filled.block_b).chosen_rank == 1
        assert store.block(filled.block_a).chosen_rank is None
