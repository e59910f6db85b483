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
