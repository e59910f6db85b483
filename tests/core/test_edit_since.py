"""An edit writes what the user changed and never over what another program changed
since the form showed the row: a form saved every field as it opened, and put back the
title another program had written meanwhile, without a word."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Filled, write_outside

from planboard.core.errors import ChangedSince


def test_a_field_the_user_left_keeps_what_another_program_wrote(
    filled: Filled, board_path: Path
) -> None:
    store, item_id = filled.store, filled.team_items[0]
    shown = store.item(item_id)
    write_outside(
        board_path, "UPDATE items SET title = 'Theirs', effort = 20 WHERE id = ?", item_id
    )
    store.edit_item(item_id, notes="mine", since=shown)
    now = store.item(item_id)
    assert (now.title, now.effort, now.notes) == ("Theirs", 20, "mine")


def test_a_field_both_changed_is_refused_naming_theirs_then_written_on_a_second_save(
    filled: Filled, board_path: Path
) -> None:
    store, item_id = filled.store, filled.team_items[0]
    shown = store.item(item_id)
    write_outside(board_path, "UPDATE items SET title = 'Theirs' WHERE id = ?", item_id)
    with pytest.raises(ChangedSince, match="its title now “Theirs”"):
        store.edit_item(item_id, title="Mine", notes="n", since=shown)
    assert (store.item(item_id).title, store.item(item_id).notes) == ("Theirs", "")
    store.edit_item(item_id, title="Mine", notes="n", since=store.item(item_id))
    assert store.item(item_id).title == "Mine"
    # The same value typed by both is no clash.
    shown = store.item(item_id)
    write_outside(board_path, "UPDATE items SET title = 'Both' WHERE id = ?", item_id)
    store.edit_item(item_id, title="Both", notes="m", since=shown)
    assert store.item(item_id).notes == "m"


def test_another_list_named_by_name(filled: Filled, board_path: Path) -> None:
    store, item_id = filled.store, filled.team_items[0]
    shown = store.item(item_id)
    write_outside(
        board_path, "UPDATE items SET stakeholder_id = ? WHERE id = ?", filled.sales, item_id
    )
    with pytest.raises(ChangedSince, match="its list now Head of Sales's"):
        store.edit_item(item_id, stakeholder_id=filled.service, since=shown)
    assert store.item(item_id).stakeholder_id == filled.sales


def test_blocks_stakeholders_and_the_vision_keep_theirs_too(
    filled: Filled, board_path: Path
) -> None:
    store, q = filled.store, filled.quarter_id
    block = store.block(filled.block_a)
    write_outside(board_path, "UPDATE blocks SET name = 'Their name' WHERE id = ?", block.id)
    store.edit_block(block.id, description="Mine", since=block)
    assert (store.block(block.id).name, store.block(block.id).description) == ("Their name", "Mine")
    with pytest.raises(ChangedSince, match="its name now “Their name”"):
        store.edit_block(block.id, name="My name", since=block)
    person = store.stakeholder(filled.sales)
    write_outside(
        board_path, "UPDATE stakeholders SET department = 'Theirs' WHERE id = ?", person.id
    )
    with pytest.raises(ChangedSince, match="their department now “Theirs”"):
        store.edit_stakeholder(person.id, department="Mine", quarter_id=q, since=person)
    quarter = store.quarter(q)
    write_outside(board_path, "UPDATE quarters SET vision = 'Their vision' WHERE id = ?", q)
    with pytest.raises(ChangedSince, match="The vision of 2026-Q3 was changed"):
        store.edit_quarter(q, vision="Mine", since=quarter)
    assert store.quarter(q).vision == "Their vision"


def test_a_stakeholder_form_saved_unchanged_changes_nothing(filled: Filled) -> None:
    store = filled.store
    person = store.stakeholder(filled.sales)
    change = store.edit_stakeholder(person.id, quarter_id=filled.quarter_id, since=person)
    assert change.changed_nothing and change.event_id is None


def test_a_second_refusal_names_the_row_as_the_form_showed_it(
    filled: Filled, board_path: Path
) -> None:
    from planboard.core.store.since import Seen

    store, item_id = filled.store, filled.team_items[0]
    shown = store.item(item_id)
    write_outside(board_path, "UPDATE items SET title = 'Theirs' WHERE id = ?", item_id)
    seen = Seen(shown, {}).told(store.item(item_id), ("title",))  # (the first refusal)
    write_outside(board_path, "UPDATE items SET notes = 'Their notes' WHERE id = ?", item_id)
    with pytest.raises(ChangedSince, match=r"^“Single customer view” was changed") as refused:
        store.edit_item(item_id, title="Mine", notes="mine", since=seen)  # type: ignore[arg-type]
    assert "its notes now “Their notes”" in str(refused.value)
