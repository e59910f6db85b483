"""An error on the status line goes with the next key or click.

A refusal (`quarter: Delete` of a quarter whose event was started) stayed on the line,
red, through a theme change, a click, scrolling: mid-meeting it read as a new error.
"""

from __future__ import annotations

import asyncio

import pytest
from conftest import Filled

from planboard.ui.app import PlanboardApp
from planboard.ui.widgets.bars import StatusLine


def line(app: PlanboardApp) -> str:
    return str(app.screen.query_one("#status").render())


async def test_an_error_goes_with_the_next_key_once_it_could_be_read(
    filled: Filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(StatusLine, "ERROR_READ_S", 0.3, raising=False)
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.say("There is no block 7; this quarter has 2.", error=True)
        await pilot.press("down")  # (in the same burst: it stays, to be read)
        await asyncio.sleep(0.5)
        await pilot.pause()
        assert "✗ There is no block 7" in line(app)
        await pilot.press("down")
        await asyncio.sleep(0.4)
        await pilot.pause()
        assert "There is no block 7" not in line(app)
        assert "✗" not in line(app)


async def test_an_outcome_stays_and_an_error_stays_until_a_key(
    filled: Filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an action did ("(u undoes it)") stays through keys; an error with no key
    after it stays too (it is read when looked at)."""
    monkeypatch.setattr(StatusLine, "ERROR_READ_S", 0.2, raising=False)
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.say("Moved “Metric definitions” up (u undoes it)")
        await asyncio.sleep(0.3)
        await pilot.press("down")
        await asyncio.sleep(0.4)
        await pilot.pause()
        assert "(u undoes it)" in line(app)
        app.screen.say("There is no block 7; this quarter has 2.", error=True)
        await asyncio.sleep(0.7)
        await pilot.pause()
        assert "✗ There is no block 7" in line(app)
