"""Stakeholder colours: kept in the file, given once, editable, never shuffled."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from planboard.core import Store
from planboard.core.errors import ValidationError
from planboard.core.model import STAKEHOLDER_COLOURS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def colours(store: Store) -> dict[str, str]:
    return {s.name: s.colour for s in store.stakeholders()}


def test_each_new_stakeholder_gets_an_unused_colour(store: Store) -> None:
    for n in range(len(STAKEHOLDER_COLOURS)):
        store.add_stakeholder(f"Person {n}")
    assert sorted(colours(store).values()) == sorted(STAKEHOLDER_COLOURS)


def test_adding_a_stakeholder_never_changes_another_colour(store: Store) -> None:
    q = store.default_quarter().id
    store.add_stakeholder("Zed", quarter_id=q)
    store.add_stakeholder("Marketing", quarter_id=q)
    before = colours(store)
    # A name sorting first, and an import that creates a stakeholder.
    store.add_stakeholder("Aaron", quarter_id=q)
    from planboard.core.model import ImportItem

    store.import_items(q, "Abigail", [ImportItem("A request")])
    after = colours(store)
    assert {name: after[name] for name in before} == before
    assert after["Aaron"] and after["Abigail"] and after["Aaron"] != after["Abigail"]
    assert len(set(after.values())) == 4


def test_the_colour_can_be_chosen_and_edited_and_undone(store: Store) -> None:
    q = store.default_quarter().id
    store.add_stakeholder("CFO", "Finance", quarter_id=q, colour="teal")
    cfo = store.stakeholders()[0]
    assert cfo.colour == "teal"
    store.edit_stakeholder(cfo.id, colour="Magenta", quarter_id=q)
    assert store.stakeholder(cfo.id).colour == "magenta"
    store.undo(q)
    assert store.stakeholder(cfo.id).colour == "teal"
    with pytest.raises(ValidationError, match="not one of the colours"):
        store.edit_stakeholder(cfo.id, colour="orange", quarter_id=q)
    assert store.stakeholder(cfo.id).colour == "teal"


def test_a_removed_stakeholder_comes_back_with_their_colour(store: Store) -> None:
    q = store.default_quarter().id
    store.add_stakeholder("COO", quarter_id=q)
    coo = store.stakeholders()[0]
    store.add_item(q, coo.id, "Something")
    other_quarter = store.create_quarter("2026-Q4").quarter_id
    assert other_quarter is not None
    store.remove_stakeholder(coo.id, other_quarter)  # archived: items in 2026-Q3
    store.add_stakeholder("COO", quarter_id=other_quarter)
    assert store.stakeholder(coo.id).colour == coo.colour


def test_an_unknown_colour_written_by_another_program_is_shown_plain(store: Store) -> None:
    store.add_stakeholder("Ops")
    store.conn.execute("UPDATE stakeholders SET colour = '<b>not a colour</b>'")
    ops = store.stakeholders()[0]
    assert ops.colour == "<b>not a colour</b>"  # kept as data; the UI draws it neutral
    from planboard.ui.theme import tag_colour

    assert tag_colour(ops.colour, "textual-dark") is None


def test_upgrade_to_v8_gives_every_stakeholder_a_colour_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    """schema-v5.db is sample.db as it was before the colours (version 5)."""
    path = tmp_path / "v5.db"
    shutil.copyfile(FIXTURES / "schema-v5.db", path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
    before = conn.execute("SELECT id, name, department, archived FROM stakeholders").fetchall()
    board_id = conn.execute("SELECT value FROM settings WHERE key = 'board_id'").fetchone()
    conn.close()
    store = Store.open(path)
    try:
        people = store.stakeholders()
        assert sorted((s.id, s.name, s.department, int(s.archived)) for s in people) == sorted(
            before
        )
        by_id = sorted(people, key=lambda s: s.id)
        assert [s.colour for s in by_id] == list(STAKEHOLDER_COLOURS[: len(by_id)])
        row = store.conn.execute("SELECT value FROM settings WHERE key = 'board_id'").fetchone()
        assert row == board_id
    finally:
        store.close()
