"""The status line is wrapped for the width it has: widened from 40 columns to 100 it
stayed three lines high, wrapped as at 40."""

from __future__ import annotations

from conftest import Filled

from planboard.ui.app import PlanboardApp


async def test_a_long_message_is_wrapped_again_when_the_screen_widens(filled: Filled) -> None:
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        status = app.screen.query_one("#status")
        app.screen.say("Moved “Metric definitions” up (u undoes it)")  # (the hint: line 2)
        await pilot.pause()
        assert status.size.height > 1
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        await pilot.pause()
        assert status.size.height == 1
        assert "(u undoes it)" in str(status.render())
