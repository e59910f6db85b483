"""The board uses its width by what the columns hold; the meeting view fits the screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from event_board import live_event
from rich.cells import cell_len

from planboard.core import Store
from planboard.ui.app import PlanboardApp
from planboard.ui.screens.board import MIN_COLUMN, BoardScreen, share_width
from planboard.ui.screens.meeting import MeetingScreen, RevealScreen, TallyChart
from planboard.ui.widgets.board_list import BoardList
from planboard.ui.widgets.board_rows import text_width


def lines(column: BoardList) -> list[str]:
    """The column's lines as drawn."""
    return [
        "".join(segment.text for segment in column.render_line(y))
        for y in range(column.scrollable_content_region.height)
    ]


async def open_board(pilot) -> BoardScreen:
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, BoardScreen)
    screen.size_columns()
    await pilot.pause()
    return screen


@pytest.mark.parametrize(
    "title",
    ["Churn by cohort", "", "tab\there", "new\nline", "\x1b[31mred", "Café", "売上の予測", "📈 up"],
)
def test_a_titles_width_for_sizing_the_columns_is_its_cells(title: str) -> None:
    assert text_width(title) == cell_len(title)


def test_share_width_gives_modest_columns_what_they_want() -> None:
    widths = share_width({"a": 20, "b": 90, "c": 90}, 120)
    assert sum(widths.values()) == 120 and widths["a"] == 20 and widths["b"] == widths["c"]
    roomy = share_width({"a": 20, "b": 30}, 100)
    assert sum(roomy.values()) == 100 and roomy["b"] > roomy["a"] >= 20
    wide = share_width({"a": 60, "b": 60, "c": 60}, 90, widened="b")
    assert wide["b"] == 60 - 0 or wide["b"] == 90 - 2 * MIN_COLUMN
    assert min(wide.values()) >= MIN_COLUMN and sum(wide.values()) == 90


@pytest.mark.parametrize("size", [(120, 40), (200, 50)])
async def test_owner_tags_are_whole_from_120_columns(sample_copy: Path, size) -> None:
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=size) as pilot:
        screen = await open_board(pilot)
        text = "\n".join(lines(screen.column("blocks")) + lines(screen.column("dropped")))
        for tag in ("Marketing", "Operations", "Suppliers", "Service"):
            assert tag in text, f"{tag} cut at {size}"
        assert "Marketi…" not in text and "Servi…" not in text


async def test_titles_get_the_room_at_80x24(sample_copy: Path) -> None:
    """At 80x24 the lists had ~15 characters a title while Team stood half empty: Team
    now sits over the lists, and the two stacks share the width."""
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot)
        lists = screen.column("stakeholders")
        assert lists.scrollable_content_region.width >= 30
        shown = [line for line in lines(lists) if line.startswith(" ▍ ")]
        assert shown and max(len(line.rstrip().rstrip("…")) for line in shown) >= 28
        assert screen.column("team").region.bottom <= lists.region.y  # stacked


async def test_w_widens_the_focused_column_and_gives_it_back(sample_copy: Path) -> None:
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_board(pilot)
        team = screen.column("team")
        before = team.region.width
        await pilot.press("w")
        await pilot.pause()
        assert team.region.width > before
        assert "widened" in str(screen.query_one("#status").render())
        await pilot.press("w")
        await pilot.pause()
        assert team.region.width == before


async def test_columns_keep_their_widths_when_a_change_would_move_them_a_cell_or_two(
    sample_copy: Path,
) -> None:
    """After a change (an item come or gone, the overlap's marks), a share that moves
    no column by `SETTLE` cells or more is not applied: a column grew by one cell when
    the marks came a second after the board opened, and one drop moved three columns
    by one. A bigger change, a resize and `w` share the width anew."""
    from planboard.ui.board.base import SETTLE

    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_board(pilot)
        columns = {c.id: c for c in screen.columns}
        natural = {name: c.natural_width() for name, c in columns.items()}
        shown = {name: c.outer_size.width for name, c in columns.items()}
        board = screen.query_one("#board").content_region.width
        assert shown == share_width(natural, board)

        def wants(extra: int) -> dict[str, int]:
            return share_width({**natural, "dropped": natural["dropped"] + extra}, board)

        def moved(widths: dict[str, int]) -> int:
            return max(abs(widths[name] - shown[name]) for name in shown)

        small = next(e for e in range(1, 40) if 0 < moved(wants(e)) < SETTLE)
        big = next(e for e in range(1, 80) if moved(wants(e)) >= SETTLE)
        dropped = columns["dropped"]
        dropped.natural_width = lambda: natural["dropped"] + small  # type: ignore[method-assign]
        screen.size_columns(after_change=True)
        await pilot.pause()
        assert {name: c.outer_size.width for name, c in columns.items()} == shown
        dropped.natural_width = lambda: natural["dropped"] + big  # type: ignore[method-assign]
        screen.size_columns(after_change=True)
        await pilot.pause()
        assert {name: c.outer_size.width for name, c in columns.items()} == wants(big)
        # Not after a change (a resize, `w`): the share is applied, however small the move.
        dropped.natural_width = lambda: natural["dropped"] + small  # type: ignore[method-assign]
        screen.size_columns()
        await pilot.pause()
        assert {name: c.outer_size.width for name, c in columns.items()} == wants(small)


# ------------------------------------------------------------------ the meeting view


def card_text(screen: MeetingScreen) -> list[str]:
    return [str(card.render()) for card in screen.cards]


@pytest.mark.parametrize("blocks", [4, 8])
async def test_every_card_is_whole_at_100x30(sample_copy: Path, blocks: int) -> None:
    """At 100x30 only 1½ rows of cards fitted: every card's name, size, who it serves
    and dots are now on screen, without scrolling."""
    store, _ = live_event(sample_copy, blocks, revealed=True)
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen) and len(screen.cards) == blocks
        area = screen.scroll.region
        for card in screen.cards:
            assert area.contains_region(card.region), card.data.block.name
            text = str(card.render())
            assert text.count("Size") == 1 and "For" in text and "Dots" in text
            assert card.data.block.name in text.replace("\n", " ").replace("   ", " ")
            # the card's text fits in it (nothing cut at the bottom)
            assert len(text.splitlines()) <= card.content_region.height
        assert screen.scroll.max_scroll_y == 0


async def test_cases_are_whole_at_200x50(sample_copy: Path) -> None:
    store, q = live_event(sample_copy, 4)
    cases = [" ".join(b.description.split()) for b in store.blocks(q)]
    app = PlanboardApp(store)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        for case, text in zip(cases, card_text(screen), strict=True):
            flat = " ".join(text.split())
            assert case in flat and "…" not in flat


async def test_chosen_and_selected_differ_in_shape(sample_copy: Path) -> None:
    store, _ = live_event(sample_copy, 4)  # blocks 1 and 3 chosen, block 1 selected
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        first, second, third = screen.cards[:3]
        assert first.styles.border_top[0] == "heavy" and "▶" in str(first.render())
        assert third.styles.border_top[0] == "double" and third.border_title == "★ CHOICE 2"
        assert second.styles.border_top[0] == "round" and not second.border_title
        assert "▶" not in str(third.render())
        # colour too: the chosen frame is not the selection's colour
        assert third.styles.border_top[1] != second.styles.border_top[1]


async def test_reveal_shows_the_tally_ranked(sample_copy: Path) -> None:
    store, q = live_event(sample_copy, 8)
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r", "y")  # (asked first)
        await pilot.pause()
        assert not store.meeting(q).tally_hidden
        assert isinstance(app.screen, RevealScreen)
        chart = app.screen.query_one(TallyChart)
        text = str(chart.render())
        tally = store.votes(q)
        dots = {b.name: sum(tally.get(b.id, {}).values()) for b in store.blocks(q)}
        rows = [line for line in text.splitlines() if re.match(r"\d+  ", line)]
        names = [next(n for n in dots if n in row) for row in rows]
        assert sorted(names, key=lambda n: -dots[n]) == names  # most dots first
        assert len(names) == 8
        # Each bar is named by its block's number, as on the event's cards (a rank,
        # "1. 2. 3.", read as the numbers of other blocks on the shared screen).
        numbers = {b.name: n for n, b in enumerate(store.board(q).blocks, start=1)}
        assert [int(row.split()[0]) for row in rows] == [numbers[n] for n in names]
        assert [int(row.split()[0]) for row in rows] != list(range(1, 9))  # (not ranks)
        longest = max(rows, key=lambda r: r.count("█"))
        assert names[rows.index(longest)] == names[0]
        await pilot.press("escape")
        assert isinstance(app.screen, MeetingScreen)


async def test_the_countdown_is_in_large_digits(sample_copy: Path) -> None:
    store, q = live_event(sample_copy, 4)
    store.set_meeting(q, timebox_minutes=30)
    app = PlanboardApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        clock = app.screen.query_one("#meeting-clock")
        assert clock.value == "30:00" and clock.region.height == 3


async def test_widen_is_in_the_help_and_the_palette(sample_copy: Path) -> None:
    from planboard.ui.keyfile import help_sections

    rows = [keys for _, section in help_sections("board") for keys, _ in section]
    assert "w" in rows
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "board: Widen the column" in titles
