"""Cells left stale after a form closes, in the situations around it: the mouse,
refusals, resizes, themes, pickers, notifications, another program writing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from terminal_cells import TerminalCells
from test_board_apply import board

from planboard.core import Store
from planboard.ui.app import PlanboardApp
from planboard.ui.screens.board import BoardScreen


async def _run(tmp_path, monkeypatch, steps, size=(120, 40)):
    store = Store.open(board(tmp_path))
    app = PlanboardApp(store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        cells = TerminalCells(app, monkeypatch)
        for step in steps:
            await step(app, pilot, cells)
        await pilot.pause(0.3)
        assert isinstance(app.screen, BoardScreen), app.screen
        return cells.stale()


def keys(*k):
    async def step(app, pilot, cells):
        await pilot.press(*k)
        await pilot.pause()

    return step


def pause(s):
    async def step(app, pilot, cells):
        await pilot.pause(s)

    return step


def theme(name):
    async def step(app, pilot, cells):
        app.theme = name
        await pilot.pause(0.2)

    return step


def resize(w, h):
    async def step(app, pilot, cells):
        await pilot.resize_terminal(w, h)
        await pilot.pause(0.3)
        cells.console = cells.console.__class__(width=w, height=h)

    return step


def notify(text):
    async def step(app, pilot, cells):
        app.notify(text)
        await pilot.pause(0.2)

    return step


def click(selector):
    async def step(app, pilot, cells):
        await pilot.click(selector)
        await pilot.pause()

    return step


def outside_write():
    async def step(app, pilot, cells):
        con = sqlite3.connect(app.store.path)
        con.execute("update items set title = 'CHANGED BY ANOTHER PROGRAM ' || id")
        con.commit()
        con.close()
        await pilot.pause(1.5)

    return step


SCENARIOS = {
    "theme-while-open": [keys("d"), theme("textual-light"), keys("escape")],
    "resize-while-open": [keys("d"), resize(100, 30), keys("escape")],
    "notify-while-open-esc": [keys("d"), notify("hello " * 8), keys("escape")],
    "click-cancel": [keys("d"), click("#cancel")],
    "click-save": [keys("d", "x"), click("#save")],
    "outside-write-while-open": [keys("d"), outside_write(), keys("escape")],
    "new-block": [keys("b", "z", "ctrl+s")],
    "edit-select-open": [keys("e"), keys("tab"), keys("enter"), keys("escape"), keys("escape")],
}


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    assert await _run(tmp_path, monkeypatch, SCENARIOS[name]) == []


def show(label):
    async def step(app, pilot, cells):
        print(label, app.screen, app.screen.focused, len(cells.stale()))

    return step


def post(*pairs):
    from textual import events

    async def step(app, pilot, cells):
        for key, char in pairs:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()

    return step


MORE = {
    "select-overlay": [
        keys("e"),
        keys("tab"),
        keys("enter"),
        show("overlay"),
        keys("escape"),
        show("closed overlay"),
        keys("escape"),
    ],
    "select-overlay-ctrl-s": [
        keys("e"),
        keys("tab"),
        keys("enter"),
        keys("down"),
        show("overlay"),
        keys("ctrl+s"),
    ],
    "toast-expires-under-form": [
        lambda app, pilot, cells: _notify_short(app, pilot),
        keys("d"),
        pause(1.5),
        keys("escape"),
    ],
    "burst-drop": [post(("d", "d"), ("x", "x"), ("enter", None))],
    "burst-esc-then-down": [post(("d", "d"), ("escape", None), ("down", None), ("down", None))],
    "error-then-esc-80x24": [keys("d", "enter"), show("err"), keys("escape")],
    "import-form": [keys("right", "i"), show("import"), keys("escape")],
    "edit-title-shorter": [keys("e", "ctrl+u", "a", "enter")],
    "esc-burst-then-d": [post(("d", "d"), ("escape", None), ("d", "d"), ("escape", None))],
    "esc-asks-keep-then-close": [
        keys("i"),
        keys("tab", "tab", "tab", "a", "b"),
        keys("escape"),
        keys("n"),
        keys("escape"),
        keys("y"),
    ],
}


async def _notify_short(app, pilot):
    app.notify("a short notice " * 3, timeout=1)
    await pilot.pause(0.2)


@pytest.mark.parametrize("name", list(MORE))
async def test_more(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    assert await _run(tmp_path, monkeypatch, MORE[name]) == []


MORE2 = {
    "picker-new-block": [
        keys("m"),
        keys("plus"),
        keys("enter"),
        show("after pick"),
        keys("z", "ctrl+s"),
    ],
    "picker-new-block-esc": [
        keys("m"),
        keys("plus"),
        keys("enter"),
        show("after pick"),
        keys("escape"),
    ],
    "picker-new-block-burst": [
        post(("m", "m"), ("plus", "+"), ("enter", None), ("z", "z"), ("ctrl+s", None))
    ],
    "help-then-form": [keys("question_mark"), keys("escape"), keys("d"), keys("escape")],
    "drop-from-block-col": [keys("right", "right", "down", "d", "x", "enter")],
    "drop-last-item-of-team": [keys("d", "x", "enter")] * 1,
    "search-then-drop": [keys("slash", "a", "enter"), keys("d", "x", "enter")],
}


@pytest.mark.parametrize("name", list(MORE2))
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_more2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, size) -> None:
    assert await _run(tmp_path, monkeypatch, MORE2[name], size=size) == []


async def _run_many(tmp_path, monkeypatch, steps, size):
    from planboard.core.sample import generate_board

    path = tmp_path / "many.db"
    generate_board(path, items=200, stakeholders=25, blocks=4)
    app = PlanboardApp(Store.open(path))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        cells = TerminalCells(app, monkeypatch)
        for step in steps:
            await step(app, pilot, cells)
        await pilot.pause(0.3)
        assert isinstance(app.screen, BoardScreen), app.screen
        return cells.stale()


def palette(text):
    async def step(app, pilot, cells):
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*text)
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)

    return step


def overlay_region():
    async def step(app, pilot, cells):
        from textual.widgets._select import SelectOverlay

        o = app.screen.query_one(SelectOverlay)
        print("overlay", o.region, "dialog", app.screen.query_one(".dialog").region)

    return step


MANY = {
    "select-overlay-ctrl-s": [
        keys("e"),
        keys("tab"),
        keys("enter"),
        overlay_region(),
        keys("down"),
        keys("ctrl+s"),
    ],
    "resize-to-narrow": [keys("d"), resize(80, 24), keys("escape")],
    "palette-drop": [palette("Drop"), show("palette->"), keys("x", "enter")],
    "palette-theme-over-form": [
        keys("d"),
        palette("theme Light"),
        show("after theme"),
        keys("escape"),
    ],
}


@pytest.mark.parametrize("name", list(MANY))
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_many(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, size) -> None:
    assert await _run_many(tmp_path, monkeypatch, MANY[name], size) == []


def dbg_close():
    async def step(app, pilot, cells):
        from textual.widgets._select import SelectOverlay

        o = app.screen.query_one(SelectOverlay)
        print("overlay shown", o.display, o.region, app.screen.focused)

    return step


MANY2 = {
    "overlay-ctrl-s-nochange": [keys("e"), keys("tab"), keys("enter"), dbg_close(), keys("ctrl+s")],
    "overlay-click-cancel": [
        keys("e"),
        keys("tab"),
        keys("enter"),
        dbg_close(),
        click("#cancel"),
        show("after click"),
        keys("escape"),
    ],
    "overlay-ctrl-s-then-nothing": [
        keys("e"),
        keys("tab"),
        keys("enter"),
        keys("ctrl+s"),
        show("after"),
    ],
}


@pytest.mark.parametrize("name", list(MANY2))
async def test_many2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    assert await _run_many(tmp_path, monkeypatch, MANY2[name], (80, 24)) == []
