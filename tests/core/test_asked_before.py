"""An imported line that an earlier quarter already had: what became of it is said
(chosen, dropped and why, not chosen), so that a list sent again in the next quarter
does not bring back last quarter's answers unremarked."""

from __future__ import annotations

from pathlib import Path

from planboard.core import Store
from planboard.core.model import ImportItem
from planboard.core.repeats import asked_before, asked_before_text


def _line(n: int, title: str) -> ImportItem:
    return ImportItem(title=title, line=n)


def test_lines_an_earlier_quarter_had_say_what_became_of_them(sample_copy: Path) -> None:
    with Store.open(sample_copy) as store:
        quarter = store.quarter_by_name("2026-Q3")
        lines = [
            _line(2, "  key account LIST with owner and segment in the warehouse "),
            _line(3, "Move the CRM sync from nightly to hourly"),
            _line(4, "Something nobody asked for before"),
        ]
        found = asked_before(lines, store.earlier_items(quarter.id))
    assert [(item.line, fate) for item, fate in found] == [
        (2, "chosen in 2026-Q2"),
        (
            3,
            "dropped in 2026-Q2: Nobody on the lists needs hourly data yet; nightly is "
            "enough for the churn score.",
        ),
    ]
    text = asked_before_text(found)
    assert text.startswith("2 lines were on an earlier quarter's board: line 2 “")
    assert "(chosen in 2026-Q2)" in text and "(dropped in 2026-Q2: Nobody" in text


def test_the_latest_earlier_quarter_says_it_and_later_ones_do_not(sample_copy: Path) -> None:
    """A title on several earlier boards: the latest says what became of it. Quarters
    after the one imported into, and that quarter itself, are not earlier."""
    with Store.open(sample_copy) as store:
        earlier = store.earlier_items(store.quarter_by_name("2026-Q1").id)
        assert {quarter for _, quarter, _ in earlier} <= {"2025-Q4"}
        q3 = store.quarter_by_name("2026-Q3").id
        titles = {title for title, _, _ in store.earlier_items(q3)}
        on_q3 = {
            i.title
            for items in store.board(q3).places.values()
            for i in items
            if i.title not in titles
        }
        assert on_q3  # (the quarter's own items are not among the earlier ones)
        rows = store.earlier_items(q3)
    by_title: dict[str, list[str]] = {}
    for title, quarter, _ in rows:
        by_title.setdefault(title, []).append(quarter)
    again = next(t for t, quarters in by_title.items() if len(set(quarters)) > 1)
    found = asked_before([_line(1, again)], rows)
    latest = max(by_title[again])
    assert found and f"in {latest}" in found[0][1]


def test_an_item_left_out_of_the_choice_is_said_not_chosen(sample_copy: Path) -> None:
    """Every item not dropped was said "chosen in" its quarter: the check read a piece
    of SQL (always something) for the block's rank. Left on a list of a decided quarter,
    an item was not chosen; of a quarter not decided yet, it is on its board."""
    with Store.open(sample_copy) as store:
        q2 = store.quarter_by_name("2026-Q2")
        q3 = store.quarter_by_name("2026-Q3")
        q4 = store.create_quarter("2026-Q4").quarter_id
        assert q4 is not None
        fates = {(title, quarter): fate for title, quarter, fate in store.earlier_items(q4)}
        board2 = store.board(q2.id)
        listed = next(i.title for p, items in board2.places.items() if p.is_list for i in items)
        left = [
            i.title for p, items in store.board(q3.id).places.items() if p.is_list for i in items
        ]
    assert fates[(listed, "2026-Q2")] == "not chosen in 2026-Q2"
    assert left and all(fates[(t, "2026-Q3")] == "on the 2026-Q3 board" for t in left)
    assert "chosen in 2026-Q2" in fates.values()
