"""Two planboards, and other programs, on one file: the screen follows the file."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from conftest import Filled

from planboard.core import Place, Store
from planboard.ui.app import PlanboardApp
from planboard.ui.screens.board import BoardScreen
from planboard.ui.widgets.board_list import BoardList


def team_titles(app: PlanboardApp) -> list[str]:
    return [i.title for i in app.screen.query_one("#team", BoardList).groups[0].items]


def status(app: PlanboardApp) -> str:
    return str(app.screen.query_one("#status").render())


def poll_intervals(monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    """The app's repeating timers, by what they call: how often it looks at the file."""
    seen: dict[str, float] = {}
    original = PlanboardApp.set_interval

    def recording(self: PlanboardApp, interval: float, callback: Any = None, **options: Any):
        seen[getattr(callback, "__name__", "")] = interval
        return original(self, interval, callback, **options)

    monkeypatch.setattr(PlanboardApp, "set_interval", recording)
    return seen


def poll(app: PlanboardApp) -> None:
    """One tick of the app's file watcher (it runs twice a second)."""
    assert isinstance(app.screen, BoardScreen)
    app._watch_file()


async def test_a_change_by_another_program_shows_within_a_second(
    filled: Filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    intervals = poll_intervals(monkeypatch)
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert intervals["_watch_file"] <= 0.5  # so a change shows within a second
        other = sqlite3.connect(filled.store.path)
        with other:
            other.execute(
                "UPDATE items SET title = 'Fixed by hand in sqlite3' WHERE id = ?",
                (filled.team_items[0],),
            )
        other.close()
        assert "Fixed by hand in sqlite3" not in team_titles(app)
        poll(app)
        await pilot.pause()
        assert "Fixed by hand in sqlite3" in team_titles(app)


async def test_a_viewer_follows_the_writer_and_takes_over(filled: Filled) -> None:
    writer = filled.store
    viewer = Store.open(writer.path)
    assert viewer.viewer
    app = PlanboardApp(viewer)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "another planboard is editing it" in str(app.screen.query_one("#title").render())
        await pilot.press("n")
        await pilot.pause()
        assert "read-only" in status(app)
        writer.add_item(filled.quarter_id, None, "Added by the writer")
        poll(app)
        await pilot.pause()
        assert "Added by the writer" in team_titles(app)
        app._take_over()  # the app's once-a-second try: the writer is still there
        assert viewer.readonly
        writer.close()  # the writer goes away: the viewer may edit now
        app._take_over()
        await pilot.pause()
        assert not viewer.readonly
        assert "READ-ONLY" not in str(app.screen.query_one("#title").render())
        assert "can edit the board now" in status(app)
        await pilot.press("1")
        await pilot.pause()
        assert viewer.item(filled.team_items[0]).block_id == filled.block_a
    filled.store = Store.open(viewer.path)  # for the fixture to close


async def test_a_full_disk_is_said_and_nothing_changes(filled: Filled) -> None:
    store = filled.store
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        before = team_titles(app)
        for n in range(40):
            await pilot.press("n", *f"Item {n} with a long title to fill pages", "ctrl+s")
            await pilot.pause()
            if "disk is full" in status(app):
                break
        else:
            raise AssertionError("the disk never filled")
        assert "Nothing was changed" in status(app)
        shown = team_titles(app)
        in_file = [i.title for i in store.items_at(filled.quarter_id, Place.team())]
        assert shown == in_file and len(shown) >= len(before)


async def test_a_row_written_by_sqlite3_reaches_the_board_through_the_apps_signal(
    filled: Filled,
) -> None:
    """The app's watcher publishes one `board_changed`; the board re-reads on it."""
    from planboard.ui.app import FileChanged

    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        heard: list[FileChanged] = []
        app.board_changed.subscribe(screen, heard.append, immediate=True)
        app._watch_file()  # nothing written yet: nothing published
        assert heard == []
        with sqlite3.connect(filled.store.path, isolation_level=None) as other:
            other.execute(
                "INSERT INTO items (quarter_id, title) VALUES (?, 'Typed in sqlite3')",
                (filled.quarter_id,),
            )
        other.close()
        assert "Typed in sqlite3" not in team_titles(app)
        app._watch_file()
        await pilot.pause()
        assert len(heard) == 1 and heard[0].outside
        assert "Typed in sqlite3" in team_titles(app)
        app._watch_file()  # once: the same write is not published again
        assert len(heard) == 1


async def test_the_screen_has_no_poll_of_its_own(filled: Filled) -> None:
    """The board keeps no timer that reads the file: the app's watcher is the one."""
    intervals: dict[str, float] = {}
    original = BoardScreen.set_interval

    def recording(self: BoardScreen, interval: float, callback: Any = None, **options: Any):
        intervals[getattr(callback, "__name__", "")] = interval
        return original(self, interval, callback, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BoardScreen, "set_interval", recording)
        app = PlanboardApp(filled.store)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
    assert not hasattr(BoardScreen, "_poll_file")
    assert "_poll_replica" in intervals  # (the timers were recorded)
    assert not [name for name in intervals if "file" in name]


def test_the_apps_watcher_is_the_only_reader_of_the_data_version_in_the_ui() -> None:
    from pathlib import Path

    import planboard.ui

    ui = Path(planboard.ui.__file__).parent
    readers = sorted(
        str(path.relative_to(ui))
        for path in ui.rglob("*.py")
        if "data_version(" in path.read_text(encoding="utf-8")
    )
    assert readers == ["app.py"]


async def test_a_failed_re_read_after_an_outside_write_is_said(filled: Filled) -> None:
    """The app's signal only logs what its subscribers raise: the board says it instead
    of staying silently out of date, and re-reads at the next change."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        real_load = screen.load
        failing = [True]

        def load() -> None:
            if failing[0]:
                raise RuntimeError("disk on fire")
            real_load()

        screen.load = load  # type: ignore[method-assign]
        for title in ("First by hand", "Second by hand"):
            with sqlite3.connect(filled.store.path, isolation_level=None) as other:
                other.execute(
                    "INSERT INTO items (quarter_id, title) VALUES (?, ?)",
                    (filled.quarter_id, title),
                )
            other.close()
            app._watch_file()
            await pilot.pause()
            if failing[0]:
                assert "Could not re-read the board: disk on fire" in str(
                    screen.query_one("#status").render()
                )
                failing[0] = False
        assert "Second by hand" in team_titles(app)
