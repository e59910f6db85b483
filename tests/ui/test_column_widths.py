"""A column's natural width and its owner tags' width, worked out from counts (one item
per owner, the lines' widths counted per group): the same answers as measuring every
line and sorting them, without doing so after every change."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from planboard.core.model import Item, Place
from planboard.ui.widgets.board_rows import (
    FRAME,
    WIDEST,
    Group,
    LineWidths,
    percentile,
    widest_tag,
)

titles = st.one_of(
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=120),
    st.text(st.sampled_from("Café 売上の予測📈 abc"), max_size=60),
)


@st.composite
def columns(draw: Any) -> SimpleNamespace:
    next_id = 1
    groups = []
    for g in range(draw(st.integers(0, 5))):
        items = []
        for _ in range(draw(st.integers(0, 30))):
            effort = draw(st.one_of(st.none(), st.sampled_from([0.5, 1.0, 3.0, 12.5, 100.0])))
            items.append(Item(next_id, 1, g or None, draw(titles), effort=effort))
            next_id += 1
        groups.append(Group(Place.of_list(g or None), f"List {g}", items))
    ids = list(range(1, next_id))
    marked = draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []
    marks = {i: draw(st.sampled_from(["×2", "×3", "×12"])) for i in marked}
    return SimpleNamespace(
        groups=groups,
        marks=marks,
        placeholder="(no lists yet)",
        show_headers=draw(st.booleans()),
        show_tags=draw(st.booleans()),
        tag_width=draw(st.integers(0, 12)),
        indent=draw(st.integers(0, 2)),
    )


def measured_whole(column: SimpleNamespace) -> int:
    """The natural width the way it reads: every line measured, sorted, nine tenths
    down."""
    from planboard.ui.widgets.board_rows import _header_width

    widest = cell_len(column.placeholder) + 1 if not column.groups else 0
    tags = column.tag_width + 1 if column.show_tags and column.tag_width else 0
    lines = []
    for group in column.groups:
        if column.show_headers:
            widest = max(widest, _header_width(group))
        if not group.items:
            widest = max(widest, cell_len(group.empty_text) + 1)
        for item in group.items:
            width = cell_len(item.title)
            if item.effort is not None:
                width += 2 + len(f"{item.effort:g}d")
            if item.id in column.marks:
                width += 1 + cell_len(column.marks[item.id])
            lines.append(width)
    if lines:
        lines.sort()
        widest = max(
            widest, 1 + column.indent + tags + lines[min(len(lines) - 1, len(lines) * 9 // 10)]
        )
    return min(widest, WIDEST) + FRAME


@settings(max_examples=300, deadline=None)
@given(columns())
def test_the_natural_width_is_the_line_nine_tenths_down(column: SimpleNamespace) -> None:
    widths = LineWidths()
    assert widths.natural(column) == measured_whole(column)  # type: ignore[arg-type]
    # Asked again (counts kept), and after one group's list is replaced.
    assert widths.natural(column) == measured_whole(column)  # type: ignore[arg-type]
    if column.groups:
        first = column.groups[0]
        first.items = first.items[: len(first.items) // 2]
        assert widths.natural(column) == measured_whole(column)  # type: ignore[arg-type]


def test_a_groups_counts_are_kept_while_it_holds_the_same_list() -> None:
    items = [Item(i, 1, 7, "Churn by cohort" * (i % 3 + 1)) for i in range(1, 200)]
    group = Group(Place.of_list(7), "Sales", items)
    widths, marks = LineWidths(), {3: "×2"}
    kept = widths.counts(group, marks)
    assert sum(kept) == len(items)
    assert widths.counts(group, marks) is kept
    group.items = items[:10]
    assert widths.counts(group, marks) is not kept
    assert sum(widths.counts(group, marks)) == 10
    assert widths.counts(group, {3: "×2"}) is not widths.counts(group, marks)  # other marks


def test_percentile_counts_lines_from_the_narrowest() -> None:
    counts = [0] * (WIDEST + 1)
    counts[5], counts[9], counts[WIDEST] = 3, 1, 1  # 5 5 5 9 WIDEST+
    assert [percentile(counts, rank) for rank in range(5)] == [5, 5, 5, 9, WIDEST]


@given(
    st.lists(
        st.tuples(st.sampled_from([None, 1, 2, 3, 4]), st.text(max_size=8)),
        max_size=60,
    )
)
def test_the_widest_tag_is_found_from_one_item_per_owner(rows: list[tuple[Any, str]]) -> None:
    names = {None: "Team", 1: "Finance", 2: "売上", 3: "Operations team", 4: "HR"}
    items = [Item(i, 1, owner, title) for i, (owner, title) in enumerate(rows, 1)]
    calls: list[int] = []

    def tag_for(item: Item) -> tuple[str, str]:
        calls.append(item.id)
        return names[item.stakeholder_id], ""

    expected = max((cell_len(names[i.stakeholder_id]) for i in items), default=0)
    assert widest_tag(items, tag_for) == expected
    assert len(calls) == len({i.stakeholder_id for i in items})


@settings(max_examples=60, deadline=None)
@given(columns(), st.data())
def test_a_group_that_gains_or_loses_one_item_is_counted_as_if_measured_anew(
    column: SimpleNamespace, data: st.DataObject
) -> None:
    kept = LineWidths()
    for _ in range(data.draw(st.integers(1, 6))):
        kept.natural(column)  # type: ignore[arg-type]
        if not column.groups:
            break
        group = data.draw(st.sampled_from(column.groups))
        items = list(group.items)
        if items and data.draw(st.booleans()):
            items.pop(data.draw(st.integers(0, len(items) - 1)))  # an item moved away
        else:
            title = data.draw(titles)
            comer = Item(10_000 + len(items), 1, None, title, effort=None)
            items.insert(data.draw(st.integers(0, len(items))), comer)  # one moved in
        group.items = items
        fresh = LineWidths()
        assert kept.counts(group, column.marks) == fresh.counts(group, column.marks)
        assert kept.natural(column) == measured_whole(column)  # type: ignore[arg-type]
