"""A resize the terminal's size has already overtaken, reaching a screen.

Sizes that come in quick succession (a window dragged while planboard starts) can reach
a screen after the app has taken the next. Laid out at the old size, the screen sends
itself a Resize of that size (its own size changed); at the new size, one of the new:
with both in its queue, each undid the other for ever, at 100% of a core, deaf to
Ctrl+Q and SIGTERM (`ui.driver._drop_overtaken_resizes`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from conftest import Filled
from textual import events
from textual.geometry import Size
from textual.screen import Screen

from planboard.ui.app import PlanboardApp


async def test_an_overtaken_resize_and_the_current_one_leave_the_screen_still(
    filled: Filled,
) -> None:
    """The two sizes in a screen's queue at once (as a window resized during the start
    leaves them): the screen lays itself out a few times, then stays still, at the
    terminal's size, and still answers a key."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        layouts: list[Size] = []
        lay_out: Any = screen._refresh_layout

        def counted(size: Size | None = None, scroll: bool = False) -> None:
            layouts.append(size or screen.size)
            if len(layouts) < 100:  # (past that, a cycle: broken here, to fail, not hang)
                lay_out(size, scroll)

        screen._refresh_layout = counted  # type: ignore[method-assign]
        old, now = Size(80, 24), app.size
        # (Something between them, as there is in a start: a Resize replaces one right
        # before it in the queue.)
        screen.post_message(events.Resize(old, old))
        screen.post_message(events.Callback(callback=lambda: None))
        screen.post_message(events.Resize(now, now))
        await asyncio.sleep(0.5)
        await pilot.pause()
        settled = len(layouts)
        await asyncio.sleep(0.5)
        await pilot.pause()
        assert len(layouts) == settled < 100, f"{len(layouts)} layouts: {layouts[-4:]}"
        assert screen.size == now == Size(120, 40)
        assert isinstance(app.screen, Screen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen is not screen  # (the help: keys still answered)
