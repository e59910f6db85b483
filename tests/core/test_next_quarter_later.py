"""The next quarter comes after the one it starts from: `n` in the history made a
2020-Q1 from 2026-Q2 (sorted first, its copies' `carried_from` pointing forward)."""

from __future__ import annotations

import pytest
from conftest import Filled

from planboard.core.errors import ValidationError


@pytest.mark.parametrize("name", ["2020-Q1", "2026-Q2", "2026-Q3"])
def test_a_name_not_after_the_quarter_it_starts_from_is_refused(filled: Filled, name: str) -> None:
    store, q = filled.store, filled.quarter_id  # (2026-Q3)
    before = [x.name for x in store.quarters()]
    with pytest.raises(ValidationError, match=r"is not after 2026-Q3.*the next one is 2026-Q4"):
        store.start_next_quarter(q, name, item_ids=[filled.team_items[0]])
    assert [x.name for x in store.quarters()] == before


def test_a_later_one_starts(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    store.start_next_quarter(q, "2027-Q2", item_ids=[filled.team_items[0]])
    assert [x.name for x in store.quarters()][-1] == "2027-Q2"


@pytest.mark.parametrize("meanwhile", ["put in a block", "dropped", "merged"])
def test_an_item_off_its_list_since_the_checklist_was_shown_is_not_carried(
    filled: Filled, meanwhile: str
) -> None:
    """The checklist lists the items on lists; one another program put in a block left
    behind (or dropped) while it was open was carried all the same, loose, away from
    its block. As the checklist asks (`loose_only`), it is refused, nothing created."""
    from planboard.core import Place

    store, q = filled.store, filled.quarter_id
    item = filled.team_items[0]
    if meanwhile == "dropped":
        store.drop_item(item, "not now")
    elif meanwhile == "merged":  # (into an item in a block left behind)
        store.move_item(filled.team_items[1], Place.block(filled.block_a))
        store.merge_items(filled.team_items[1], [item])
    else:
        store.move_item(item, Place.block(filled.block_a))
    before = [x.name for x in store.quarters()]
    with pytest.raises(ValidationError, match="changed since the checklist was shown"):
        store.start_next_quarter(q, "2026-Q4", "", item_ids=[item], loose_only=True)
    assert [x.name for x in store.quarters()] == before
    # (Asked for by name, outside the checklist, an item in a block is carried alone.)
    if meanwhile == "put in a block":
        store.start_next_quarter(q, "2026-Q4", "", item_ids=[item])
