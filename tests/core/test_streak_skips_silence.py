"""A stakeholder cut off two decided quarters in a row who then sends no list stays
warned about: the quarter without a list broke the run, and the warning went exactly
when it mattered (someone who stopped asking after being left out twice)."""

from __future__ import annotations

from pathlib import Path

from conftest import FixedClock

from planboard.core import Place, Store
from planboard.core.history import coverage


def _board(tmp_path: Path) -> tuple[Store, dict[str, int], list[int]]:
    """Q1, Q2 decided: Bob cut off in both; Q3 decided: Bob sent nothing; Q4 decided:
    Bob cut off again. Ann served throughout."""
    store = Store.open(tmp_path / "s.db", clock=FixedClock(), first_quarter="2026-Q1")
    for name in ("Ann", "Bob"):
        store.add_stakeholder(name)
    ids = {s.name: s.id for s in store.stakeholders()}
    quarters = []
    for n, bob_asks in ((1, True), (2, True), (3, False), (4, True)):
        qid = (
            store.default_quarter().id
            if n == 1
            else store.create_quarter(f"2026-Q{n}").quarter_id or 0
        )
        block = store.add_block(qid, "Chosen").block_id or 0
        ann = store.add_item(qid, ids["Ann"], f"Ann {n}").item_id or 0
        store.move_item(ann, Place.block(block))
        if bob_asks:
            store.add_item(qid, ids["Bob"], f"Bob {n}")
        store.choose_block(block, 1)
        store.decide(qid, "Because")
        quarters.append(qid)
    return store, ids, quarters


def test_a_quarter_without_a_list_neither_counts_nor_breaks_the_run(tmp_path: Path) -> None:
    store, ids, (_, q2, q3, q4) = _board(tmp_path)
    try:
        # As of Q3: Bob was cut off in Q1 and Q2, then sent nothing.
        store.reopen(q4)
        cover = coverage(store)
        assert cover.cell(ids["Bob"], q3) == "none"
        # (Q4 reopened: the latest decided is Q3, where Bob sent nothing.)
        assert cover.streak(ids["Bob"]) == 2
        assert [(s.name, n) for s, n in cover.warnings] == [("Bob", 2)]
        # Decided again: Q4 cuts him off a third time, Q3's silence in between.
        store.decide(q4, "Again")
        assert coverage(store).streak(ids["Bob"]) == 3
        assert [(c.stakeholder.name, c.streak) for c in store.cut_off(q4)] == [("Bob", 3)]
        assert [(c.stakeholder.name, c.streak) for c in store.cut_off(q2)] == [("Bob", 2)]
        assert store.cut_off(q3) == []  # (no list from him there: not cut off in it)
    finally:
        store.close()
