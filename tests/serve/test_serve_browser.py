"""The live page in a real browser: headless Chromium over the DevTools protocol.

Skipped when no Chromium is installed, except where PLANBOARD_REQUIRE_BROWSER=1 (CI sets
it, after installing Chromium): there a missing browser fails the run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cdp import Browser, find_chromium
from conftest import SAMPLE, FixedClock
from serving import base, live_meeting, serving

from planboard.core.store import Store

READY = "document.documentElement.dataset.ready === '1'"
FIRST_NAME = "document.querySelector('.card .name').textContent"


def chromium_or_skip() -> str:
    found = find_chromium()
    if found is None:
        if os.environ.get("PLANBOARD_REQUIRE_BROWSER") == "1":
            pytest.fail("PLANBOARD_REQUIRE_BROWSER=1 but no Chromium was found")
        pytest.skip("no Chromium installed (apt-get install chromium)")
    return found


def write(path: Path, sql: str, *args: object) -> None:
    """A write by another program, behind planboard's back."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql, args)
    conn.close()


def screenshot_targets(tmp_path: Path, name: str) -> list[Path]:
    targets = [tmp_path / name]
    folder = os.environ.get("PLANBOARD_SCREENSHOTS")
    if folder:
        targets.append(Path(folder) / name)
    return targets


async def test_the_page_follows_the_file_in_a_real_browser(tmp_path: Path) -> None:
    chromium = chromium_or_skip()
    board = tmp_path / "board.db"
    shutil.copyfile(SAMPLE, board)
    browser = Browser(chromium, tmp_path / "profile")
    await browser.start()
    try:
        with serving(board) as server:
            port = server.port
            await browser.size(1280, 800)
            await browser.open(base(server) + "/")
            await browser.wait_for(READY)
            assert await browser.evaluate(FIRST_NAME) == "Weekly commercial pulse"
            await browser.evaluate("window.sameDocument = true")

            write(
                board,
                "UPDATE blocks SET name = 'Monday pulse' WHERE name = ?",
                "Weekly commercial pulse",
            )
            await browser.wait_for(f"{FIRST_NAME} === 'Monday pulse'")
            assert await browser.evaluate("window.sameDocument === true")  # no reload

            # On a phone, a stakeholder's name of 120 letters without a space made the
            # page 1,239 px wide (the items' owners never wrapped).
            await browser.size(360, 740)
            long_name = "Regional" + "x" * 112
            write(board, "UPDATE stakeholders SET name = ? WHERE name = 'CFO'", long_name)
            await browser.wait_for(f"document.body.textContent.includes('{long_name}')")
            width = "document.documentElement.scrollWidth"
            assert await browser.evaluate(width) <= 360, await browser.evaluate(width)
            write(board, "UPDATE stakeholders SET name = 'CFO' WHERE name = ?", long_name)
            await browser.size(1280, 800)

        # The server stops: the page says sharing stopped (it said "reconnecting…" for
        # ever), and comes back with a new server.
        await browser.wait_for("document.documentElement.dataset.link === 'ended'")
        said = await browser.evaluate("document.getElementById('link').textContent")
        assert "stopped sharing" in said, said
        with serving(board, port=port):
            write(
                board, "UPDATE quarters SET vision = 'After the restart' WHERE status = 'preparing'"
            )
            await browser.wait_for(
                "document.querySelector('.vision').textContent.includes('After the restart')"
            )
            assert await browser.evaluate("window.sameDocument === true")

            # The planning event: cards, dots once revealed, a ticking countdown.
            ids = live_meeting(board, hidden=False)
            store = Store.open(board, clock=FixedClock())
            try:
                store.choose_block(ids["first"], 1)
                # Started now on the wall clock, which the server and the browser run on.
                started = datetime.now(UTC)
                store.set_timer(ids["quarter"], running=True, remaining=25 * 60, now=started)
            finally:
                store.close()
            await browser.wait_for("document.querySelector('.badge.live') !== null")
            await browser.wait_for("document.querySelector('.card .dots') !== null")
            # The writes above may reach the page in more than one update: wait for the
            # last one (the countdown running) before reading the clock.
            await browser.wait_for("document.querySelector('.timer[data-ends]') !== null")
            clock = "document.querySelector('.timer .clock').textContent"
            shown = await browser.evaluate(clock)
            assert shown in ("25:00", "24:59", "24:58")
            await browser.wait_for(f"{clock} !== '{shown}'")  # it ticks in the page
            assert await browser.evaluate("document.querySelectorAll('.card').length") == 4
            assert (
                await browser.evaluate("document.querySelector('.star').textContent")
                == "★ Choice 1"
            )
            png = await browser.screenshot(*screenshot_targets(tmp_path, "serve-meeting.png"))
            assert png.startswith(b"\x89PNG")

            # A phone: 360 px wide, nothing wider than the screen.
            await browser.size(360, 740)
            await browser.wait_for("document.documentElement.scrollWidth <= 360")
            await browser.screenshot(*screenshot_targets(tmp_path, "serve-meeting-phone.png"))

        # Another board served on the same port (a copy of this one, so one identity):
        # the page left open followed it, showing team A's attendees team B's board,
        # its tab's name alone saying so. It keeps its board and says what happened.
        assert await browser.evaluate("document.title") == "board.db · planboard"
        other = tmp_path / "other <b>.db"
        shutil.copyfile(SAMPLE, other)
        write(other, "UPDATE blocks SET name = 'From the other board' WHERE position = 0")
        with serving(other, port=port):
            await browser.wait_for("document.documentElement.dataset.link === 'other'")
            said = await browser.evaluate("document.getElementById('link').textContent")
            assert "shares another board now (other <b>.db)" in said, said
            assert "Reload the page" in said
            names = "Array.from(document.querySelectorAll('.card .name'), n => n.textContent)"
            assert "From the other board" not in await browser.evaluate(names)
            assert await browser.evaluate("document.title") == "board.db · planboard"
            assert await browser.evaluate("window.sameDocument === true")
        # Its own board shared there again: the page follows it again (it had given up
        # for good, saying "another board" over an old board until reloaded).
        write(board, "UPDATE quarters SET vision = 'Shared again' WHERE status = 'live'")
        with serving(board, port=port):
            await browser.wait_for("document.documentElement.dataset.link === 'live'", 30)
            await browser.wait_for("document.body.textContent.includes('Shared again')")
            assert await browser.evaluate("window.sameDocument === true")
    finally:
        await browser.close()


async def test_a_page_whose_address_no_longer_opens_the_board_says_so(tmp_path: Path) -> None:
    """Served again with another token (`--new-token`), the pages left open said
    "reconnecting…" for ever. They say the address no longer opens the board, and stop
    asking."""
    chromium = chromium_or_skip()
    board = tmp_path / "board.db"
    shutil.copyfile(SAMPLE, board)
    browser = Browser(chromium, tmp_path / "profile")
    await browser.start()
    try:
        with serving(board, token="first-token") as server:
            port = server.port
            await browser.size(390, 844)
            await browser.open(base(server) + "/?token=first-token")
            await browser.wait_for(READY)
        with serving(board, port=port, token="second-token"):
            await browser.wait_for("document.documentElement.dataset.link === 'refused'")
            said = await browser.evaluate("document.getElementById('link').textContent")
            assert "no longer opens" in said and "facilitator" in said, said
            await browser.wait_for("document.documentElement.scrollWidth <= 390")
            await browser.screenshot(*screenshot_targets(tmp_path, "serve-refused-phone.png"))
    finally:
        await browser.close()


class Relay:
    """A TCP relay in front of the server whose answers can be held (`frozen`): a
    connection that goes silent without closing, as after a laptop's sleep."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.frozen = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, answers: bool) -> None:
        try:
            while data := source.recv(65536):
                while answers and self.frozen.is_set():
                    time.sleep(0.05)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.listener.close()


async def test_a_connection_gone_silent_is_started_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection that went silent without closing left the page saying "live" over
    an old board for good (the keep-alives were comments the page never heard). It
    hears them now: silent for three times their interval, it says "reconnecting…" and
    starts over, and follows the board again once answers come."""
    import planboard.serve.page as served

    chromium = chromium_or_skip()
    monkeypatch.setattr(served, "ALIVE_SECONDS", 0.5)
    board = tmp_path / "board.db"
    shutil.copyfile(SAMPLE, board)
    browser = Browser(chromium, tmp_path / "profile")
    await browser.start()
    try:
        with serving(board) as server:
            relay = Relay(server.port)
            try:
                await browser.size(1280, 800)
                await browser.open(f"http://127.0.0.1:{relay.port}/")
                await browser.wait_for(READY)
                await browser.wait_for("document.documentElement.dataset.link === 'live'")
                relay.frozen.set()
                write(board, "UPDATE quarters SET vision = 'Changed while silent'")
                await browser.wait_for("document.documentElement.dataset.link === 'lost'")
                assert "Changed while silent" not in await browser.evaluate(
                    "document.body.textContent"
                )
                relay.frozen.clear()
                await browser.wait_for("document.body.textContent.includes('Changed while silent')")
                await browser.wait_for("document.documentElement.dataset.link === 'live'")
            finally:
                relay.frozen.clear()
                relay.close()
    finally:
        await browser.close()
