"""Store rules that once broke without any test noticing: each test here was checked
against the broken version (it fails there) and passes on the real one."""

from __future__ import annotations

import pytest
from conftest import Filled, assert_consistent

from planboard.core import Place, ReadOnlyError, Store


def file_rows(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the board's tables, as read from the file."""
    tables = ["quarters", "stakeholders", "items", "blocks", "decisions", "events", "meetings"]
    return {t: store.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}


def decide(filled: Filled) -> None:
    filled.store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    filled.store.choose_block(filled.block_a, 1)
    filled.store.decide(filled.quarter_id, "Sales first")


def test_editing_a_block_of_a_decided_quarter_is_refused_and_changes_nothing(
    filled: Filled,
) -> None:
    decide(filled)
    store = filled.store
    before = file_rows(store)
    with pytest.raises(ReadOnlyError, match="decided"):
        store.edit_block(filled.block_b, name="Renamed after the decision")
    with pytest.raises(ReadOnlyError, match="decided"):
        store.edit_block(filled.block_a, description="A new case", effort=3)
    assert file_rows(store) == before
    assert store.block(filled.block_b).name == "Service insights"


def three_blocks(filled: Filled) -> list[int]:
    third = filled.store.add_block(filled.quarter_id, "Finance basics", "").block_id
    assert third is not None
    return [filled.block_a, filled.block_b, third]


def order(filled: Filled) -> list[int]:
    return [b.id for b in filled.store.blocks(filled.quarter_id)]


@pytest.mark.parametrize(
    ("moved", "index", "expected"),
    [
        (0, 0, [0, 1, 2]),
        (0, 1, [1, 0, 2]),
        (0, 2, [1, 2, 0]),
        (1, 0, [1, 0, 2]),
        (1, 2, [0, 2, 1]),
        (2, 0, [2, 0, 1]),
        (2, 1, [0, 2, 1]),
        (2, 2, [0, 1, 2]),
    ],
)
def test_moving_one_of_three_blocks_lands_at_the_index_asked(
    filled: Filled, moved: int, index: int, expected: list[int]
) -> None:
    blocks = three_blocks(filled)
    filled.store.move_block(blocks[moved], index)
    assert order(filled) == [blocks[n] for n in expected]
    positions = [b.position for b in filled.store.blocks(filled.quarter_id)]
    assert positions == [0, 1, 2]
    assert_consistent(filled.store)


def test_shifting_each_of_three_blocks_up_and_down_moves_it_one_place(filled: Filled) -> None:
    a, b, c = three_blocks(filled)
    store = filled.store
    store.shift_block(b, 1)
    assert order(filled) == [a, c, b]
    store.shift_block(b, -1)
    assert order(filled) == [a, b, c]
    store.shift_block(b, -1)
    assert order(filled) == [b, a, c]
    store.shift_block(c, -1)
    assert order(filled) == [b, c, a]
    store.shift_block(b, 1)
    assert order(filled) == [c, b, a]
    store.shift_block(a, 1)  # already last: stays
    store.shift_block(c, -1)  # already first: stays
    assert order(filled) == [c, b, a]
    assert_consistent(store)
