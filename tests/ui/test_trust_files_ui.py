"""The board when its file is replaced or removed while open, and the import form."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
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


async def _import_form(app: PlanboardApp, pilot, path: Path, owner: int) -> FormModal:
    from textual.widgets import Select

    await pilot.press("i")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, FormModal)
    form.query_one("#field-owner", Select).value = owner
    form.query_one("#field-path").value = str(path)
    return form


async def _save(app: PlanboardApp, pilot) -> None:
    await pilot.press("ctrl+s")
    await app.workers.wait_for_complete()
    await pilot.pause()


def _note(form: FormModal) -> str:
    return str(form.query_one(".form-error").render())


async def test_the_import_form_refuses_a_pipe_and_stays_live(
    filled: Filled, tmp_path: Path
) -> None:
    fifo = tmp_path / "list.txt"
    os.mkfifo(fifo)
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        form = await _import_form(app, pilot, fifo, filled.service)
        await _save(app, pilot)
        assert "not a regular file" in _note(form)
        assert app.screen is form


async def test_the_import_form_skips_what_is_already_on_the_list(
    filled: Filled, tmp_path: Path
) -> None:
    service = Place.of_list(filled.service)
    before = filled.titles(service)
    listing = tmp_path / "again.txt"
    listing.write_text(f"{before[0].upper()}\nSomething new\n")
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        form = await _import_form(app, pilot, listing, filled.service)
        await _save(app, pilot)
        note = _note(form)
        assert "1 line already on Customer Service Lead's list: line 1" in note, note
        assert "skipped (the switch above imports them)" in note
        # It says how many of the file's lines Ctrl+S brings in, not the file's count.
        assert "2 items (plain text). Ctrl+S again imports 1 of them into" in note, note
        switch = form.query_one("#field-repeats")
        assert str(switch.label) == "no"  # (a "yes" beside the empty box read as on)
        await _save(app, pilot)
        assert app.screen is not form
        assert filled.titles(service) == [*before, "Something new"]
        # What went in first: "2 items (plain text) — imported into …, 1 already there
        # skipped" read as two imported, where one was.
        said = status(app)
        assert (
            "Imported 1 item into Customer Service Lead's list (1 already there, skipped)" in said
        )
        assert "from 2 items (plain text)" in said
        form = await _import_form(app, pilot, listing, filled.service)
        form.query_one("#field-repeats").value = True
        await pilot.pause()
        assert str(form.query_one("#field-repeats").label) == "yes"
        await _save(app, pilot)
        assert "imported again" in _note(form)
        assert "Ctrl+S again imports them into" in _note(form)
        await _save(app, pilot)
        assert filled.titles(service) == [
            *before,
            "Something new",
            before[0].upper(),
            "Something new",
        ]


async def test_the_import_form_reads_a_file_off_the_ui_thread(
    filled: Filled, tmp_path: Path, monkeypatch
) -> None:
    """A slow file (a network folder, say): the form says it is reading, the screen
    keeps answering keys, and the preview comes once the read is done."""
    import threading

    from planboard.core import importer

    listing = tmp_path / "slow.txt"
    listing.write_text("From a slow disk\n")
    release, threads = threading.Event(), []
    real = importer.read_list

    def slow(path: Path):
        threads.append(threading.current_thread() is threading.main_thread())
        assert release.wait(10)
        return real(path)

    monkeypatch.setattr(importer, "read_list", slow)
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        form = await _import_form(app, pilot, listing, filled.service)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Reading slow.txt" in _note(form)
        form.query_one("#field-text").focus()  # the screen still answers keys meanwhile
        await pilot.press(*"typed")
        await pilot.pause()
        assert form.query_one("#field-text").text == "typed"
        form.query_one("#field-text").text = ""
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "1 item" in _note(form) and "From a slow disk" in _note(form)
    assert threads == [False]


async def test_a_board_in_a_folder_whose_name_is_not_utf8_shows_and_starts_its_event(
    tmp_path: Path,
) -> None:
    """A name from a system in another encoding: shown with U+FFFD, never as a Python
    escape, and the event's backup is written and said."""
    folder = tmp_path / os.fsdecode(b"caf\xe9")
    try:
        folder.mkdir()
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system takes UTF-8 names only")
    path = folder / os.fsdecode(b"s\xe9ance.db")
    store = Store.open(path, first_quarter="2026-Q3")
    store.add_block(store.default_quarter().id, "Churn")
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        title = str(app.screen.query_one("TitleBar").render())
        assert "s\ufffdance.db" in title and "\udce9" not in title
        await pilot.press("M")
        await pilot.pause()
        await pilot.press("y")
        await _until(pilot, lambda: "Backup written" in status(app))
        said = status(app)
        assert "Backup written" in said and "\udce9" not in said and "\ufffd" in said
    store.close()
    assert [p for p in os.listdir(folder) if p.endswith(".backup.db")]


async def test_the_import_form_counts_a_request_merged_since_as_on_the_list(
    filled: Filled, tmp_path: Path
) -> None:
    """Merged into another item, a request is still its owner's: `i` with the same
    list imported it again (the form read the board's places, where it is not)."""
    service = Place.of_list(filled.service)
    merged = filled.titles(service)[0]
    filled.store.merge_items(filled.team_items[0], [filled.service_items[0]])
    listing = tmp_path / "again.txt"
    listing.write_text(f"{merged}\n")
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        form = await _import_form(app, pilot, listing, filled.service)
        await _save(app, pilot)
        note = _note(form)
        assert "1 line already on Customer Service Lead's list: line 1" in note, note
        assert merged not in filled.titles(service)
