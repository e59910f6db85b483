"""The decision records the choices the facilitator confirmed: another program changed
them while the form was open, and the quarter was decided with a block nobody saw
chosen (and the rationale named another)."""

from __future__ import annotations

import pytest
from conftest import Filled

from planboard.core import Place, ValidationError


def test_a_decision_on_choices_changed_since_they_were_shown_is_refused(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.move_item(filled.service_items[0], Place.block(filled.block_b))
    store.start_meeting(q, backup=False)
    store.choose_block(filled.block_a, 1)
    shown = [(filled.block_a, 1)]
    store.conn.execute(  # (another program, while the form is open)
        "UPDATE blocks SET choice = CASE id WHEN ? THEN NULL ELSE 1 END WHERE id IN (?, ?)",
        (filled.block_a, filled.block_a, filled.block_b),
    )
    with pytest.raises(ValidationError) as refused:
        store.decide(q, "Sales first.", "Ana", shown=shown)
    said = str(refused.value)
    assert "changed since" in said and "1. “Service insights”" in said, said
    assert not store.quarter(q).is_decided
    store.decide(q, "Service first.", "Ana", shown=[(filled.block_b, 1)])
    assert store.quarter(q).is_decided
    assert store.block(filled.block_b).chosen_rank == 1
