"""`meeting: share in a browser` in the app's palette serves the live page beside the
running board."""

from __future__ import annotations

import asyncio
import re
import urllib.error
import urllib.request
from pathlib import Path

import aiohttp
import pytest
from serving import Live
from textual.command import CommandList

from planboard.core.store import Store
from planboard.ui.app import PlanboardApp

ENTRY = "meeting: share in a browser"


def fetch(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, answer.read().decode()


async def test_the_palette_shares_the_board_in_a_browser(sample_copy: Path) -> None:
    store = Store.open(sample_copy)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*ENTRY)
        found = app.screen.query_one(CommandList)
        for _ in range(100):  # the palette searches in the background
            await pilot.pause(0.02)
            if found.option_count and found.highlighted is not None:
                break
        assert ENTRY in str(found.get_option_at_index(found.highlighted).prompt)
        await pilot.press("enter")
        await pilot.pause()
        messages = " ".join(str(n.message) for n in app._notifications)
        match = re.search(r"http://127\.0\.0\.1:\d+/", messages)
        assert match is not None, messages
        url = match.group(0)
        status, body = await asyncio.to_thread(fetch, url)
        assert status == 200 and "Weekly commercial pulse" in body
        assert not store.readonly  # the app is still the one that edits

        async with (
            aiohttp.ClientSession() as session,
            session.get(url + "live") as response,
        ):
            live = Live(response)
            await live.message()
            block = store.blocks(app.quarter_id)[0]
            store.edit_block(block.id, name="Renamed in the app")
            await live.until(lambda m: "Renamed in the app" in m["html"])

        # Asked again, it shows the same address (one server).
        app.action_share_in_browser()
        await pilot.pause()
        assert sum(url in str(n.message) for n in app._notifications) == 2
    with pytest.raises(urllib.error.URLError):  # gone with the app
        await asyncio.to_thread(fetch, url)


async def test_the_palette_offers_sharing_in_the_meeting_view_too(sample_copy: Path) -> None:
    from planboard.ui.screens.meeting import MeetingScreen

    store = Store.open(sample_copy)
    store.start_meeting(store.default_quarter().id, backup=False)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):  # a live quarter opens straight into the meeting view
            await pilot.pause(0.02)
            if isinstance(app.screen, MeetingScreen):
                break
        assert isinstance(app.screen, MeetingScreen)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert ENTRY in titles


async def test_sharing_without_the_extra_says_what_to_install(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "aiohttp", None)
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        app.action_share_in_browser()
        await pilot.pause()
        messages = " ".join(str(n.message) for n in app._notifications)
        assert (
            'pip install ".[serve]" in the clone planboard was installed from (or '
            'pip install "planboard[serve]" where a package index has planboard)' in messages
        )
        assert app.shared is None


async def test_quitting_while_attendees_follow_asks_first(sample_copy: Path) -> None:
    """Ctrl+Q with the board shared stopped every attendee's page without a word to the
    facilitator. With someone following, it asks first; `n` stays, `y` quits."""
    from planboard.ui.modals import ConfirmModal

    store = Store.open(sample_copy)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")  # (not shared: quits at once, as before)
        await pilot.pause()
        assert not app.is_running
    store = Store.open(sample_copy)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        app.action_share_in_browser()
        await pilot.pause()
        assert app.shared is not None
        url = app.shared.server.url
        async with (
            aiohttp.ClientSession() as session,
            session.get(url + "live") as response,
        ):
            await Live(response).message()
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmModal)
            question = app.screen.question
            assert "1 attendee follows" in question and "stops" in question, question
            await pilot.press("n")
            await pilot.pause()
            assert app.is_running and not isinstance(app.screen, ConfirmModal)
            # Over another question (not the one about quitting), it still asks.
            app.push_screen(ConfirmModal("Drop this block?"))
            await pilot.pause()
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert app.is_running and isinstance(app.screen, ConfirmModal)
            assert "1 attendee follows" in app.screen.question, app.screen.question
            await pilot.press("ctrl+q")  # (again, over its own question: no second one)
            await pilot.pause()
            assert not app.is_running


async def test_the_palette_share_comes_back_on_its_port_when_the_usual_one_is_taken(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `planboard serve --host 0.0.0.0` holding the usual port (as the README
    advises), the palette's share took any free port, another at each start: a page
    opened on it said "It comes back here if sharing starts again", and after a restart
    of planboard never did. It takes a port of this board's own (the same every time,
    while free)."""
    import socket

    from planboard.serve import server
    from planboard.serve.hosts import board_port

    usual = socket.socket()
    usual.bind(("127.0.0.1", 0))
    usual.listen()
    taken = usual.getsockname()[1]
    monkeypatch.setattr(server, "DEFAULT_PORT", taken)
    ports = []
    try:
        for _ in range(2):  # planboard started, quit, started again
            store = Store.open(sample_copy)
            app = PlanboardApp(store)
            async with app.run_test(size=(120, 40), notifications=True) as pilot:
                app.action_share_in_browser()
                await pilot.pause()
                assert app.shared is not None
                ports.append(app.shared.server.port)
    finally:
        usual.close()
    assert ports[0] == ports[1] == board_port(sample_copy), ports
    assert ports[0] != taken
