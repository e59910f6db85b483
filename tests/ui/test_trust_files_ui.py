"""The board when its file is replaced or removed while open, and the import form."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from conftest import Filled

from planboard.core import Place, Store
from planboard.ui.app import PlanboardApp
from planboard.ui.modals import FormModal


def status(app: PlanboardApp) -> str:
    return str(app.screen.query_one("#status").render())


async def _until(pilot, condition, tries: int = 40) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.1)


async def test_a_replaced_file_stops_saving_says_so_and_saves_a_copy(
    filled: Filled, tmp_path: Path
) -> None:
    store = filled.store
    q = filled.quarter_id
    other = tmp_path / "other.db"
    Store.open(other, first_quarter="2026-Q1").close()
    team_before = [i.title for i in store.items_at(q, Place.team())]
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        os.replace(other, store.path)
        await _until(pilot, lambda: "Stopped saving" in status(app))
        assert "was replaced by another file" in status(app)
        await pilot.press("n")  # a new item: refused, never shown as done
        await pilot.pause()
        assert not isinstance(app.screen, FormModal)
        assert "nothing more is saved" in status(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        field = app.screen.query_one("#field-path")
        field.value = str(tmp_path / "rescued.db")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FormModal)
        assert "Saved a copy" in status(app)
    rescued = Store.open(tmp_path / "rescued.db")
    try:
        assert [i.title for i in rescued.items_at(q, Place.team())] == team_before
    finally:
        rescued.close()
    conn = sqlite3.connect(store.path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [r[0] for r in conn.execute("SELECT name FROM quarters")] == ["2026-Q1"]
    finally:
        conn.close()


async def test_a_removed_folder_stops_saving(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    store = Store.open(folder / "b.db", first_quarter="2026-Q3")
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shutil.rmtree(folder)
        await _until(pilot, lambda: "Stopped saving" in status(app))
        assert "its folder was removed" in status(app)
        await pilot.press("b")
        await pilot.pause()
        assert not isinstance(app.screen, FormModal)
