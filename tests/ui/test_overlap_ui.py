"""Overlap between lists on the board: marks, who else asks, merging, suggested blocks,
and the search."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.content import Content
from textual.widgets import OptionList, Static

from planboard.core import Place, Store
from planboard.core.similar import title_hash
from planboard.core.vectors import Vectors
from planboard.ui.app import PlanboardApp
from planboard.ui.overlap import OverlapModal, SuggestModal
from planboard.ui.widgets.board_list import BoardList

REQUESTS = [
    ("Sales", "Weekly pipeline coverage by region"),
    ("COO", "See the open pipeline per region every week"),
    (None, "Regional pipeline snapshot, refreshed weekly"),
    ("CFO", "Customers who pay their invoices late"),
    ("Sales", "Which of my accounts pay late"),
    ("COO", "Warehouse cost per order"),
]

REQUESTS_LATE = ["Customers who pay their invoices late", "Which of my accounts pay late"]


@pytest.fixture
def overlapping(tmp_path: Path, clock) -> Store:
    store = Store.open(tmp_path / "board.db", clock=clock, first_quarter="2026-Q3")
    q = store.default_quarter().id
    for name in ("Sales", "COO", "CFO"):
        store.add_stakeholder(name, name, quarter_id=q)
    ids = {s.name: s.id for s in store.stakeholders(q)}
    for owner, title in REQUESTS:
        store.add_item(q, ids[owner] if owner else None, title)
    yield store
    store.close()


def item_id(store: Store, title: str) -> int:
    q = store.default_quarter().id
    for items in store.board(q).places.values():
        for item in items:
            if item.title == title:
                return item.id
    raise KeyError(title)


async def suggestions(pilot) -> SuggestModal:
    """`S` on the board: the suggested blocks."""
    await pilot.press("S")
    await pilot.pause()
    modal = pilot.app.screen
    assert isinstance(modal, SuggestModal)
    return modal


def listed(modal: Any) -> list[tuple[str, list[int]]]:
    """The suggestions a list shows: each one's name and its requests' ids."""
    assert isinstance(modal, SuggestModal)
    return [(s.name, [r.id for r in s.requests]) for s in modal.suggestions]


async def ready(pilot) -> None:
    for _ in range(100):
        await pilot.pause(0.02)
        await pilot.app.workers.wait_for_complete()
        if pilot.app.screen.neighbours:
            break
    await pilot.pause()


async def test_new_vectors_are_made_in_the_passs_thread_not_the_screens(
    overlapping: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The meaning vectors a pass worked out are made (each title's hash too) in the
    pass's thread: the screen's thread, which takes them for the file, only reads them
    (50,000 titles hashed there held a frame back)."""
    import threading

    from planboard.core.similar import meaning as meaning_module
    from planboard.core.similar import meaning_available

    if not meaning_available():
        pytest.skip("the meaning model needs numpy")
    hashed_on_screen: list[str] = []
    real = meaning_module.title_hash

    def hashed(title: str) -> str:
        if threading.current_thread() is threading.main_thread():
            hashed_on_screen.append(title)
        return real(title)

    monkeypatch.setattr(meaning_module, "title_hash", hashed)
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert app.screen.neighbours
        # New vectors, waiting for the file, or written to it already in a pause of the
        # keys (VECTOR_IDLE: on a slow run the pause came before this line).
        stored = overlapping.conn.execute("SELECT COUNT(*) FROM item_vectors").fetchone()[0]
        assert overlapping.vectors_held + stored > 0
    assert hashed_on_screen == []


async def test_marks_are_the_same_when_a_process_says_whose_lists(
    overlapping: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a big board the pass's process says whose lists hold each item's neighbours,
    and the board marks its items from that (made when asked): the very marks the
    board makes from the neighbours itself on a small board."""
    from planboard.core import background
    from planboard.core.similar import meaning_available

    if not meaning_available():
        pytest.skip("the pass's process answers with numpy")

    path = overlapping.path
    overlapping.close()

    async def marks() -> dict[str, dict[int, str]]:
        app = PlanboardApp(Store.open(path))
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            return {c.id or "": dict(c.marks) for c in app.screen.query(BoardList)}

    here = await marks()
    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    there = await marks()
    assert there == here
    assert sum(len(found) for found in here.values()) >= 4  # (items several lists ask for)


async def test_marks_say_how_many_lists_ask(overlapping: Store) -> None:
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        stake = app.screen.query_one("#stakeholders", BoardList)
        team = app.screen.query_one("#team", BoardList)
        pipeline = item_id(overlapping, "Weekly pipeline coverage by region")
        late = item_id(overlapping, "Which of my accounts pay late")
        warehouse = item_id(overlapping, "Warehouse cost per order")
        assert stake.marks[pipeline] == "×3"
        assert stake.marks[late] == "×2"
        assert warehouse not in stake.marks
        assert team.marks[item_id(overlapping, "Regional pipeline snapshot, refreshed weekly")]
        # the detail under the board names them
        stake.focus()
        stake.select_item(pipeline)
        await pilot.pause()
        detail = str(app.screen.query_one("#detail").render())
        assert "Asked by 3 lists" in detail and "See the open pipeline per region" in detail


async def test_who_else_asks_go_merge_unmerge(overlapping: Store) -> None:
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        team = app.screen.query_one("#team", BoardList)
        team.focus()
        await pilot.press("a")
        modal = app.screen
        assert isinstance(modal, OverlapModal)
        assert {r.who for r in modal.requests} == {"Sales", "COO"}
        await pilot.press("m")  # merge the first similar request into the team's item
        await pilot.pause()
        await ready(pilot)
        survivor = item_id(overlapping, "Regional pipeline snapshot, refreshed weekly")
        merged = overlapping.merged_into(survivor)
        assert len(merged) == 1
        assert merged[0].id not in [
            i.id for g in app.screen.query_one("#stakeholders", BoardList).groups for i in g.items
        ]
        detail = str(app.screen.query_one("#detail").render())
        assert "Merged:" in detail
        await pilot.press("a")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, OverlapModal)
        modal.query_one("OptionList").highlighted = len(modal.requests) - 1  # the merged one
        await pilot.press("u")
        await pilot.pause()
        assert overlapping.merged_into(survivor) == []
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, OverlapModal) and app.screen.requests
        target = app.screen.requests[0].id
        await pilot.press("enter")  # go to a similar request
        await pilot.pause()
        await pilot.pause()
        focused = app.screen.focused
        assert isinstance(focused, BoardList) and focused.selected_item.id == target


async def test_accept_a_suggested_block_and_undo(overlapping: Store) -> None:
    q = overlapping.default_quarter().id
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        modal = await suggestions(pilot)
        names = [s.name for s in modal.suggestions]
        assert "Regional pipeline snapshot, refreshed weekly" in names  # the team's words
        first = modal.suggestions[0]
        assert len(first.requests) == 3 and len(first.owners) == 3
        await pilot.press("enter")
        await pilot.pause()
        blocks = overlapping.blocks(q)
        assert [b.name for b in blocks] == [first.name]
        assert len(overlapping.items_at(q, Place.block(blocks[0].id))) == 3
        await pilot.press("u")
        await pilot.pause()
        assert overlapping.blocks(q) == []
        assert len(overlapping.items_at(q, Place.team())) == 1


async def test_rename_merge_and_discard_suggestions(overlapping: Store) -> None:
    q = overlapping.default_quarter().id
    late = {item_id(overlapping, t) for t in REQUESTS_LATE}
    pipeline = {item_id(overlapping, t) for _, t in REQUESTS[:3]}
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        modal = await suggestions(pilot)
        assert {s.key for s in modal.suggestions} == {frozenset(pipeline), frozenset(late)}
        # Rename the highlighted one: an empty name is refused, a real one is kept.
        await pilot.press("e", "ctrl+u", "ctrl+s")
        await pilot.pause()
        assert app.screen is not modal  # the form stays open with its message
        await pilot.press(*"Regional pipeline", "ctrl+s")
        await pilot.pause()
        assert app.screen is modal and modal.suggestions[0].name == "Regional pipeline"
        # Merging needs two marked; then one suggestion holds all five requests.
        await pilot.press("space", "g")
        await pilot.pause()
        assert len(modal.suggestions) == 2
        await pilot.press("down", "space", "g")
        await pilot.pause()
        assert [len(s.requests) for s in modal.suggestions] == [5]
        assert modal.suggestions[0].key == frozenset(pipeline | late)
        assert modal.suggestions[0].name == "Regional pipeline"
        # Discard it: the modal has nothing left, the file is unchanged.
        await pilot.press("x")
        await pilot.pause()
        assert modal.suggestions == []
        await pilot.press("escape")
        await pilot.pause()
        assert overlapping.blocks(q) == []
        # Discarded stays discarded for the session; the two parts are still offered.
        modal = await suggestions(pilot)
        assert len(modal.suggestions) == 2
        await pilot.press("x", "x", "escape")
        await pilot.pause()
        await pilot.press("S")
        await pilot.pause()
        assert not isinstance(app.screen, SuggestModal)
        assert "2 discarded earlier" in str(app.screen.query_one("#status").render())
        assert overlapping.blocks(q) == []


async def test_accept_a_renamed_suggestion(overlapping: Store) -> None:
    q = overlapping.default_quarter().id
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("S")
        await pilot.pause()
        wanted = app.screen.suggestions[0].key
        await pilot.press("e", "ctrl+u", *"Monday pipeline", "ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        (block,) = overlapping.blocks(q)
        assert block.name == "Monday pipeline"
        assert {i.id for i in overlapping.items_at(q, Place.block(block.id))} == wanted


async def test_search_filters_every_column(overlapping: Store) -> None:
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"late")
        await pilot.pause()
        stake = app.screen.query_one("#stakeholders", BoardList)
        shown = [r.item.title for r in stake.rows if r.item]
        assert shown == ["Customers who pay their invoices late", "Which of my accounts pay late"]
        await pilot.press("ctrl+u", *"@coo")
        await pilot.pause()
        shown = [r.item.title for r in stake.rows if r.item]
        assert shown == ["See the open pipeline per region every week", "Warehouse cost per order"]
        await pilot.press("enter")  # to the first match
        await pilot.pause()
        assert app.screen.focused is stake
        await pilot.press("2")  # nothing to move into: there is no block; refused
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert len([r for r in stake.rows if r.item]) == 5


async def test_a_search_left_with_no_word_says_the_whole_board_shows(overlapping: Store) -> None:
    """`_` (nothing found), then `"` in its place: the board showed every item again,
    and the line still said "Showing 0 items that match “_”"."""
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash", "_")
        await pilot.pause()
        said = str(app.screen.query_one("#status").render())
        # (nothing found is said with a cross, not a tick: "✓ Showing 0 items …")
        assert "✗ No item matches “_” (Esc: the whole board)." in said, said
        await pilot.press("backspace", *'"')
        await pilot.pause()
        said = str(app.screen.query_one("#status").render())
        assert '“"” holds no word to look for: the whole board shows.' in said, said
        await pilot.press("backspace")
        await pilot.pause()
        said = str(app.screen.query_one("#status").render())
        assert "The whole board shows" in said and "Showing" not in said, said
        await pilot.press(*"late", "escape")  # (the text emptied by Esc: said so, kept)
        await pilot.pause()
        await pilot.pause()
        said = str(app.screen.query_one("#status").render())
        assert "Search cleared: the whole board again." in said, said


async def test_column_titles_count_what_a_search_shows(overlapping: Store) -> None:
    """During a search the column titles kept their totals ("Stakeholders · 2 · 5
    items" over the 2 items shown): they say how many of them it shows (and not how
    many lists, for the room), and go back to the totals when it is cleared."""
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        stake = app.screen.query_one("#stakeholders", BoardList)
        team = app.screen.query_one("#team", BoardList)
        before = (str(stake.border_title), str(team.border_title))
        await pilot.press("slash", *"late")
        await pilot.pause()
        assert str(stake.border_title) == "Stakeholders · 2 of 5 items", stake.border_title
        team_total = sum(len(g.items) for g in team.groups)
        assert str(team.border_title) == f"Team · 0 of {team_total}", team.border_title
        await pilot.press("escape")
        await pilot.pause()
        assert (str(stake.border_title), str(team.border_title)) == before


async def test_the_item_a_search_went_to_stays_in_sight_once_it_is_cleared(
    sample_copy: Path,
) -> None:
    """`/credit limit`, Enter, `d` with a reason, then Esc: the search went, the cursor
    stayed on the dropped item, tenth in Dropped, but the column showed its first lines
    (the pane under the board described an item out of sight)."""
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"credit limit")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        found = app.screen.focused
        assert isinstance(found, BoardList) and found.selected_item is not None
        wanted = found.selected_item.id
        await pilot.press("d", *"Not this quarter", "ctrl+s")
        await pilot.pause()
        dropped = app.screen.query_one("#dropped", BoardList)
        assert app.screen.focused is dropped and dropped.selected_item.id == wanted
        await pilot.press("escape")
        await pilot.pause()
        assert dropped.selected_item is not None and dropped.selected_item.id == wanted
        assert len(dropped.rows) > dropped.scrollable_content_region.height  # (it scrolls)
        top = round(dropped.scroll_y)
        seen = dropped.scrollable_content_region.height
        assert top <= dropped.cursor < top + seen, (top, dropped.cursor, seen)


async def test_search_reads_accents_as_a_reader_does(overlapping: Store) -> None:
    """ "Cafe" and a combining accent (pasted from some systems) was not found by "café"
    typed, nor "Crème" by "creme": a search reads a letter with an accent as the same
    letter however it is written, and finds it without the accent too."""
    q = overlapping.default_quarter().id
    overlapping.add_item(q, None, "Cafe\u0301 de\u0301cor report")
    overlapping.add_item(q, None, "Crème brûlée margins")
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        team = app.screen.query_one("#team", BoardList)
        for query, title in (
            ("café", "Cafe\u0301 de\u0301cor report"),
            ("cafe", "Cafe\u0301 de\u0301cor report"),
            ("cre\u0300me", "Crème brûlée margins"),
            ("creme brulee", "Crème brûlée margins"),
        ):
            await pilot.press("slash", "ctrl+u", *query)
            await pilot.pause()
            assert [r.item.title for r in team.rows if r.item] == [title], query
            assert "1 item that matches" in str(app.screen.query_one("#status").render())
            await pilot.press("escape")


async def test_a_stacked_team_column_with_no_match_says_so(overlapping: Store) -> None:
    """At 80 columns a search that matched none of Team's items left an empty frame
    where the other columns said "Nothing here matches."."""
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"@coo")
        await pilot.pause()
        team = app.screen.query_one("#team", BoardList)
        assert not [r for r in team.rows if r.item]
        assert team.content_region.height >= 1
        assert "Nothing here matches." in "".join(s.text for s in team.render_line(0))


async def test_esc_in_the_search_goes_back_where_it_was(overlapping: Store) -> None:
    """Esc on a search (matching or not) put the cursor on Team's first item and
    scrolled the lists to the top: the place the search started from is kept."""
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        stake = app.screen.query_one("#stakeholders", BoardList)
        await pilot.press("right", "down", "down", "down")
        before = stake.selected
        assert app.screen.focused is stake and before is not None and before.item is not None
        for query in ("late", "zzqx"):
            await pilot.press("slash", *query, "escape")
            await pilot.pause()
            assert app.screen.focused is stake, query
            assert stake.selected is not None and stake.selected.item is not None
            assert stake.selected.item.id == before.item.id, query


async def test_the_detail_pane_shows_the_first_match_while_typing(overlapping: Store) -> None:
    """While a search is typed, the pane under the board shows the first match, the
    item Enter goes to (it kept showing the item the cursor was on, hidden by the
    search); with nothing matching, it says so."""
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)

        def pane() -> str:
            return str(app.screen.query_one("#detail").render())

        first = app.screen.query_one("#team", BoardList).selected
        assert first is not None and first.item is not None
        assert first.item.title in pane()
        await pilot.press("slash", *"late")
        await pilot.pause()
        assert "Customers who pay their invoices late" in pane()
        assert first.item.title not in pane()
        await pilot.press(*"zzqx")
        await pilot.pause()
        assert "Nothing matches" in pane()
        await pilot.press("escape")
        await pilot.pause()
        assert first.item.title in pane()
        await pilot.press("slash", *"late", "enter", "down", "down")  # the second match
        await pilot.pause()
        assert "Which of my accounts pay late" in pane()
        await pilot.press("escape")  # the search goes; the pane stays on that row
        await pilot.pause()
        assert "Which of my accounts pay late" in pane()


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (200, 50)])
async def test_the_columns_stay_on_the_screen_while_the_search_bar_shows(
    overlapping: Store, size: tuple[int, int]
) -> None:
    """The search bar's margins took two columns from the board, whose columns kept
    their widths: the right-hand ones ran off the screen, borders and all."""
    app = PlanboardApp(overlapping)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"late")
        await pilot.pause()
        for name in ("team", "stakeholders", "blocks", "dropped"):
            column = app.screen.query_one(f"#{name}", BoardList)
            assert column.region.right <= size[0], name
        assert app.screen.query_one("#board").region.width == size[0]


async def test_search_for_loose_items_only(overlapping: Store) -> None:
    """`is:loose` keeps what is still on its list: nothing in a block, nothing dropped."""
    q = overlapping.default_quarter().id
    overlapping.add_block(q, "Pipeline")
    block = overlapping.blocks(q)[0].id
    overlapping.move_item(item_id(overlapping, REQUESTS[0][1]), Place.block(block))
    overlapping.drop_item(item_id(overlapping, REQUESTS_LATE[1]), "Asked twice")
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)

        def shown(column: str) -> list[str]:
            rows = app.screen.query_one(f"#{column}", BoardList).rows
            return [r.item.title for r in rows if r.item]

        assert shown("blocks") == [REQUESTS[0][1]] and shown("dropped") == [REQUESTS_LATE[1]]
        await pilot.press("slash", *"is:loose")
        await pilot.pause()
        assert shown("blocks") == [] and shown("dropped") == []
        assert shown("team") == [REQUESTS[2][1]]
        assert sorted(shown("stakeholders")) == sorted(
            [REQUESTS[1][1], REQUESTS[3][1], REQUESTS[5][1]]
        )
        await pilot.press(*" @coo")
        await pilot.pause()
        assert shown("team") == []
        assert sorted(shown("stakeholders")) == sorted([REQUESTS[1][1], REQUESTS[5][1]])


async def test_a_moved_item_keeps_its_mark(overlapping: Store) -> None:
    q = overlapping.default_quarter().id
    overlapping.add_block(q, "Pipeline")
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        pipeline = item_id(overlapping, "Weekly pipeline coverage by region")
        stake = app.screen.query_one("#stakeholders", BoardList)
        stake.focus()
        stake.select_item(pipeline)
        await pilot.press("1")
        await pilot.pause()
        blocks = app.screen.query_one("#blocks", BoardList)
        assert blocks.selected_item.id == pipeline
        assert blocks.marks[pipeline] == "×3"


async def test_search_by_a_full_stakeholder_name(overlapping: Store) -> None:
    q = overlapping.default_quarter().id
    overlapping.add_stakeholder("Head of Sales Ops", "Sales", quarter_id=q)
    ops = next(s.id for s in overlapping.stakeholders(q) if s.name == "Head of Sales Ops")
    overlapping.add_item(q, ops, "Territory plan for new hires")
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"@Head of Sales Ops territory")
        await pilot.pause()
        stake = app.screen.query_one("#stakeholders", BoardList)
        assert [r.item.title for r in stake.rows if r.item] == ["Territory plan for new hires"]
        await pilot.press("enter")
        await pilot.pause()
        assert stake.selected_item.title == "Territory plan for new hires"
        await pilot.press("escape")  # on the board: clears the search
        await pilot.pause()
        assert len([r for r in stake.rows if r.item]) == 6


async def test_a_block_says_how_many_stakeholders_asked(overlapping: Store) -> None:
    """The team is not a stakeholder; a request merged into an item counts for its asker."""
    q = overlapping.default_quarter().id
    block = overlapping.add_block(q, "Pipeline").block_id or 0
    team_item = item_id(overlapping, "Regional pipeline snapshot, refreshed weekly")
    sales_item = item_id(overlapping, "Weekly pipeline coverage by region")
    overlapping.move_item(team_item, Place.block(block))
    overlapping.move_item(sales_item, Place.block(block))
    overlapping.merge_items(
        sales_item, [item_id(overlapping, "See the open pipeline per region every week")]
    )
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(200, 40)) as pilot:  # wide: the note shows in the title
        await ready(pilot)
        blocks = app.screen.query_one("#blocks", BoardList)
        lines = [blocks.render_line(y).text for y in range(blocks.size.height)]
        header = next(line for line in lines if "Pipeline" in line)
        assert "2 items · 2 asked" in header  # Sales and COO (merged), not the team
        blocks.focus()
        blocks.select_group(Place.block(block))
        await pilot.pause()
        detail = str(app.screen.query_one("#detail").render())
        assert "asked by 2 stakeholders: Sales, COO and the team" in detail


async def test_who_else_asks_says_why_and_x_rejects_a_pair_undoably(overlapping: Store) -> None:
    app = PlanboardApp(overlapping)
    q = overlapping.default_quarter().id
    late = item_id(overlapping, "Customers who pay their invoices late")
    mine = item_id(overlapping, "Which of my accounts pay late")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        stake = app.screen.query_one("#stakeholders", BoardList)
        stake.focus()
        stake.select_item(late)
        await pilot.press("a")
        modal = app.screen
        assert isinstance(modal, OverlapModal)
        assert [r.id for r in modal.requests] == [mine]
        why = modal.requests[0].why
        assert "late" in why and "customers ≈ accounts" in why
        console = Console(width=116, record=True, file=io.StringIO())
        console.print(modal.query_one("OptionList").get_option_at_index(0).prompt)
        shown = " ".join(console.export_text().split())
        assert "why: " in shown and "customers ≈ accounts" in shown
        await pilot.press("x")  # not the same
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert overlapping.rejected_pairs(q) == {frozenset((late, mine))}
        assert mine not in [n[0] for n in app.screen.neighbours.get(late, [])]
        assert late not in stake.marks
        await pilot.press("u")  # undo: they are suggested again
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert overlapping.rejected_pairs(q) == set()
        assert mine in [n[0] for n in app.screen.neighbours.get(late, [])]


async def test_the_stored_vectors_are_read_once_per_quarter_not_per_action(
    overlapping: Store,
) -> None:
    """Each action that changes titles runs the overlap pass again; the vectors already
    worked out come from memory, not from a read of the whole file each time (at 50,000
    items that read held the screen for a third of a second). The one read is made in
    the pass's thread, on a connection of its own, never on the screen's."""
    import threading

    reads: list[int] = []
    real = overlapping.item_vectors_apart
    overlapping.item_vectors = None  # type: ignore[assignment,method-assign]  # (not here)

    def counted(quarter_id: int, waiting: Any) -> Any:
        assert threading.current_thread() is not threading.main_thread()
        reads.append(quarter_id)
        return real(quarter_id, waiting)

    overlapping.item_vectors_apart = counted  # type: ignore[method-assign]
    q = overlapping.default_quarter().id
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert reads == [q]
        for title in ("Churn dashboard for the board", "Stock levels by warehouse"):
            app.screen.after(overlapping.add_item(q, None, title))  # as `n` does
            await pilot.pause(0.3)
            await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.neighbours  # the passes ran
        assert reads == [q]  # still the one read
        # What it keeps in memory is every item's vector, for its title as it is now.
        known = app.screen._vectors_known
        board = overlapping.board(q)
        items = [i for place, found in board.places.items() for i in found]
        assert isinstance(known, Vectors) and len(known) == len(items)
        assert all(known[i.id][0] == title_hash(i.title) for i in items)
        app.screen.load()  # the quarter read again (another program wrote): once more
        app.screen._refresh_overlap()
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        assert reads == [q, q]


async def test_every_mark_counts_who_asks_merged_requests_included(overlapping: Store) -> None:
    """The marks are worked out in one sweep over the columns: each says exactly how
    many lists ask for the item (its own, the merged requests', the similar ones')."""
    overlapping.merge_items(
        item_id(overlapping, "Weekly pipeline coverage by region"),
        [item_id(overlapping, "Customers who pay their invoices late")],
    )
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        board = app.screen
        assert board.merged  # a merged request is part of the count
        checked = 0
        for column in board.query(BoardList):
            for group in column.groups:
                for item in group.items:
                    count = len(board.asked_by(item))
                    assert column.marks.get(item.id) == (f"×{count}" if count > 1 else None)
                    checked += 1
        assert checked == len(REQUESTS) - 1


async def test_a_dropped_item_with_merged_requests_keeps_its_mark(overlapping: Store) -> None:
    """The overlap pass takes no dropped item, but the marks go on them too: a dropped
    item into which another list's request was merged is asked for by two lists."""
    survivor = item_id(overlapping, "Weekly pipeline coverage by region")
    overlapping.merge_items(
        survivor, [item_id(overlapping, "Customers who pay their invoices late")]
    )
    overlapping.drop_item(survivor, "not this quarter")
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        board = app.screen
        dropped = board.query_one("#dropped", BoardList)
        assert [item.id for group in dropped.groups for item in group.items] == [survivor]
        assert len(board.asked_by(dropped.groups[0].items[0])) == 2
        assert dropped.marks.get(survivor) == "×2"


async def test_the_widths_measured_with_the_marks_in_the_pass_are_the_columns_own(
    overlapping: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The overlap pass measures each column's lines with the new marks in its thread;
    the columns take those counts, and their widths are what measuring every line on
    the screen's thread gives."""
    from planboard.ui.widgets import board_rows
    from planboard.ui.widgets.board_rows import LineWidths

    measured_here: list[int] = []
    real_items = LineWidths.items

    def items(widths: LineWidths, group: Any, marks: dict[int, str]) -> list[int]:
        import threading

        if threading.current_thread() is threading.main_thread() and marks:
            measured_here.append(len(group.items))
        return real_items(widths, group, marks)

    monkeypatch.setattr(board_rows.LineWidths, "items", items)
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        board = app.screen
        columns = list(board.query(BoardList))
        assert any(column.marks for column in columns)
        # No line was measured with the marks on the screen's thread, as the board
        # sized its columns after the pass.
        assert not [n for n in measured_here if n]
        for column in columns:
            assert column.natural_width() == LineWidths().natural(column)  # as anew


def _groups_from_a_process(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """`S` looks in a process from the first item on; the answers it takes from it."""
    from planboard.core import background

    answers: list[Any] = []
    real_answer = background._groups_answer

    def spy(stream: Any) -> Any:
        answers.append(real_answer(stream))
        return answers[-1]

    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(background, "_groups_answer", spy)
    return answers


async def test_suggestions_on_a_big_board_come_from_a_process_while_the_screen_answers(
    overlapping: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From `PROCESS_FROM` items, `S` runs the matcher in a process of its own (its
    tables and seconds of work stay out of the board's): the status line says it is
    looking, and the same suggestions show when it is done."""

    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        here = listed(await suggestions(pilot))  # (found inline)
        await pilot.press("escape")
        await pilot.pause()

        answers = _groups_from_a_process(monkeypatch)
        board = app.screen
        board._suggest_found = None  # (what was found here, forgotten)
        await pilot.press("S")
        assert not isinstance(app.screen, SuggestModal)  # not yet: it is looking
        assert "Looking for blocks to suggest" in str(board.status_line.render())
        await pilot.press("S")  # a second S while it looks starts no second search
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SuggestModal)
        there = listed(app.screen)
        assert there == here
        assert len(answers) == 1 and answers[0]  # the process's answer, taken


async def test_suggestions_on_a_board_of_some_size_are_looked_for_in_a_thread(
    overlapping: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From `SUGGEST_THREAD_FROM` items (below `PROCESS_FROM`), `S` runs the matcher in
    a thread: the screen answers while it looks (it froze for half a second at 1,800
    items), the status line says so, and the suggestions are the ones found inline."""
    from planboard.core import background

    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        here = listed(await suggestions(pilot))  # (found inline)
        await pilot.press("escape")
        await pilot.pause()

        go_on, on_main = _held_matcher(monkeypatch)
        monkeypatch.setattr(background.Pass, "run", lambda *a: pytest.fail("no process"))
        board = app.screen
        board._suggest_found = None  # (what was found inline, forgotten)
        await pilot.press("S")
        await pilot.press("j")  # the screen takes keys while the matcher works
        await pilot.pause()
        assert not isinstance(app.screen, SuggestModal)
        assert "Looking for blocks to suggest" in str(board.status_line.render())
        go_on.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert on_main == [False]
        assert isinstance(app.screen, SuggestModal)
        assert listed(app.screen) == here


async def test_suggestions_are_looked_for_again_only_when_what_they_compare_changed(
    overlapping: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`S` again over the same items (closed and opened, one taken, one discarded) shows
    what was found without looking again, less what is in a block now; a title edited
    or a pair rejected makes it look again."""
    from planboard.core import background

    looked: list[int] = []
    real = background._group_keys
    monkeypatch.setattr(
        background,
        "_group_keys",
        lambda *a: looked.append(1) or real(*a),  # type: ignore[func-returns-value]
    )
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        board = app.screen
        first = listed(await suggestions(pilot))
        assert len(first) >= 2 and looked == [1]
        await pilot.press("escape", "S")
        await pilot.pause()
        again = listed(app.screen)
        assert again == first and looked == [1]
        await pilot.press("enter")  # the first taken: a block
        await pilot.pause()
        assert overlapping.blocks(overlapping.default_quarter().id)
        left = listed(await suggestions(pilot))
        assert left == first[1:] and looked == [1]
        await pilot.press("escape")
        await pilot.pause()
        late = item_id(overlapping, REQUESTS_LATE[0])
        board.run_op(lambda: overlapping.edit_item(late, title="Late invoice payers"))
        await pilot.pause()
        await pilot.press("S")
        await pilot.pause()
        assert looked == [1, 1]
        if isinstance(app.screen, SuggestModal):
            await pilot.press("escape")
            await pilot.pause()
        other = item_id(overlapping, REQUESTS_LATE[1])
        board.run_op(lambda: overlapping.reject_pair(late, other))
        await pilot.pause()
        await pilot.press("S")
        await pilot.pause()
        assert looked == [1, 1, 1]


async def test_suggestions_found_while_another_screen_is_up_wait_for_the_next_s(
    overlapping: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`S` on a big board, then the help opened before it is done: what it found is
    kept, the status line says so, and the next `S` shows it without looking again;
    a change to the board before that `S` makes it look again."""
    from planboard.ui.modals import HelpScreen

    looked = _groups_from_a_process(monkeypatch)
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        board = app.screen
        await pilot.press("S", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)  # nothing over the help
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is board
        assert "press S to see them" in str(board.status_line.render())
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, SuggestModal)
        assert len(looked) == 1  # shown from what was found
        await pilot.press("escape")
        await pilot.pause()
        late = item_id(overlapping, REQUESTS_LATE[0])
        board.run_op(lambda: overlapping.edit_item(late, title="Invoices paid late, by customer"))
        await pilot.pause()
        await pilot.press("S")  # the board changed: looked for again
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SuggestModal)
        assert len(looked) == 2


async def test_words_typed_straight_after_slash_go_into_the_search(overlapping: Store) -> None:
    """`/` and the words after it in one burst (a fast typist, a paste): the words go
    into the search, not to the board's keys (`l` moved a column, `e` edited, `u`
    would undo)."""
    from textual import events

    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        board = app.screen
        events_before = overlapping.last_event_id()
        for key, character in (("slash", "/"), ("l", "l"), ("a", "a"), ("t", "t"), ("e", "e")):
            app.post_message(events.Key(key, character))
        await pilot.pause(0.3)
        assert app.screen is board  # no form over it
        assert board.search_bar.value == "late"
        assert overlapping.last_event_id() == events_before


async def test_a_suggestion_and_its_requests_are_shown_in_the_turn_its_highlight_moves(
    overlapping: Store,
) -> None:
    """The list's new highlight and the pane that shows that suggestion are drawn in
    one frame: the pane is filled as the highlight moves, not in a turn of its own (a
    frame of its own, 16 ms later, and a key took 33-65 ms to settle)."""
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        modal = await suggestions(pilot)
        assert len(modal.suggestions) == 2
        choices = modal.query_one("#choices", OptionList)
        pane = modal.query_one("#suggest-detail", Static)
        first, second = modal.suggestions
        assert first.requests[0].title in str(pane.render())
        choices.action_cursor_down()  # (no turn of the event loop after it)
        assert second.requests[0].title in str(pane.render())
        assert first.requests[0].title not in str(pane.render())
        choices.action_cursor_up()
        assert first.requests[0].title in str(pane.render())
        # The count on a line of its own (a wrapped name ran into it: "managers3 items").
        name, count = str(choices.get_option_at_index(0).prompt).split("\n")
        assert name.strip() == first.name and count.strip().startswith(
            f"{len(first.requests)} items"
        )


async def test_the_biggest_suggestions_are_listed_and_the_title_says_how_many_more(
    overlapping: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `SHOWN` suggestions the list holds the biggest (the thousands a 50,000-item
    board gives took half a second to list): the title says how many there are, and
    one discarded or taken makes room for the next."""
    from textual.widgets import Label

    from planboard.ui import overlap

    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        every = [s.name for s in (await suggestions(pilot)).suggestions]
        assert len(every) >= 2
        await pilot.press("escape")
        await pilot.pause()
        monkeypatch.setattr(overlap, "SHOWN", len(every) - 1)
        modal = await suggestions(pilot)
        title = str(modal.query_one("#suggest-title", Label).render())
        assert f"the {len(every) - 1} biggest of {len(every)}" in title
        listed = modal.query_one(OptionList)
        assert listed.option_count == len(every) - 1
        await pilot.press("x")  # one discarded: the last comes into the list
        await pilot.pause()
        assert listed.option_count == len(every) - 1
        assert [s.name for s in modal.suggestions] == every[1:]
        assert "biggest" not in str(modal.query_one("#suggest-title", Label).render())
        await pilot.press("end", "enter")  # the one that was not listed can be taken
        await pilot.pause()
        blocks = overlapping.blocks(overlapping.default_quarter().id)
        assert [b.name for b in blocks] == [every[-1]]


def _held_matcher(monkeypatch: pytest.MonkeyPatch) -> Any:
    """`S` looks in a thread from the first item on, and waits there until the event
    it returns is set; the list it returns says, for each look, whether it ran on the
    screen's own thread."""
    import threading

    from planboard.core import background
    from planboard.ui.board import overlap

    go_on, on_main = threading.Event(), []
    real = background._group_keys

    def held(*args: Any) -> Any:
        on_main.append(threading.current_thread() is threading.main_thread())
        go_on.wait(10)
        return real(*args)

    monkeypatch.setattr(overlap, "SUGGEST_THREAD_FROM", 1)
    monkeypatch.setattr(background, "_group_keys", held)
    return go_on, on_main


def _shown(app: PlanboardApp) -> list[set[str]]:
    assert isinstance(app.screen, SuggestModal)
    return sorted(({r.title for r in s.requests} for s in app.screen.suggestions), key=sorted)


async def test_a_board_changed_while_s_looks_is_looked_at_again(
    overlapping: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A title edited back (an undo) while `S` looks: what it found for the board as
    it was is not shown (it offered one block of the pipeline requests and a late-payment
    request); it looks again, and shows what the board asks for now."""
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        fresh = _shown(await suggestions(pilot))
        await pilot.press("escape")
        await pilot.pause()
        board = app.screen
        late = item_id(overlapping, REQUESTS_LATE[1])
        board.run_op(lambda: overlapping.edit_item(late, title="Weekly pipeline per region"))
        await pilot.pause()
        go_on, _ = _held_matcher(monkeypatch)
        await pilot.press("S")
        await pilot.pause()
        await pilot.press("u")  # the title back, while it looks
        await pilot.pause()
        assert overlapping.item(late).title == REQUESTS_LATE[1]
        go_on.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _shown(app) == fresh


async def test_suggestions_found_during_a_long_action_wait_and_a_block_is_not_made_then(
    overlapping: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found while an undo runs in its thread: no list opens over the board, its
    progress line stays; and a suggestion taken while the board is busy makes nothing
    (it failed on the undo's open transaction)."""
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        board = app.screen
        go_on, _ = _held_matcher(monkeypatch)
        await pilot.press("S")
        await pilot.pause()
        board.busy = "Undoing"  # (as `run_long` sets it)
        board.status_line.show(Content("Undoing…"))
        go_on.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is board
        assert "Undoing" in str(board.status_line.render())
        board.busy = ""
        modal = await suggestions(pilot)  # shown once the board is free
        board.busy = "Undoing"
        await pilot.press("enter")
        await pilot.pause()
        assert overlapping.blocks(overlapping.default_quarter().id) == []
        assert "wait until it is done" in str(board.status_line.render())
        assert modal is not None


def test_a_block_from_loose_items_refuses_an_item_no_longer_on_its_list(
    overlapping: Store,
) -> None:
    """A suggestion taken after one of its items was dropped (by another program, or
    on the board under the list): the block is not made and the item stays dropped
    with its reason (it was put back on the board, its reason erased)."""
    from planboard.core.errors import ValidationError

    q = overlapping.default_quarter().id
    late = [item_id(overlapping, title) for title in REQUESTS_LATE]
    overlapping.drop_item(late[0], "Done last quarter")
    with pytest.raises(ValidationError, match="no longer on its list"):
        overlapping.add_block(q, "Late payers", item_ids=late, loose_only=True)
    assert overlapping.blocks(q) == []
    dropped = overlapping.item(late[0])
    assert (dropped.status, dropped.drop_reason) == ("dropped", "Done last quarter")


async def test_a_suggestion_taken_after_one_of_its_items_was_dropped_makes_no_block(
    overlapping: Store,
) -> None:
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        board = app.screen
        modal = await suggestions(pilot)
        taken = modal.current
        assert taken is not None
        overlapping.drop_item(taken.requests[0].id, "Done last quarter")  # meanwhile
        await pilot.press("enter")
        await pilot.pause()
        assert overlapping.blocks(overlapping.default_quarter().id) == []
        assert overlapping.item(taken.requests[0].id).drop_reason == "Done last quarter"
        assert "no longer on its list" in str(board.status_line.render())


async def test_j_and_k_move_in_the_lists_of_who_else_asks_and_the_suggestions(
    overlapping: Store,
) -> None:
    """As on the board: `j` then `x` in `a` says the second request is not the same
    (it said so of the first), and `j` then Enter in `S` takes the second suggestion."""
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.screen.query_one("#team", BoardList).focus()
        await pilot.press("a")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, OverlapModal) and len(modal.requests) >= 2
        listed = modal.query_one(OptionList)
        await pilot.press("j")
        assert listed.highlighted == 1
        await pilot.press("k", "j")
        second = modal.requests[1].id
        await pilot.press("x")
        await pilot.pause()
        q = overlapping.default_quarter().id
        assert {other for pair in overlapping.rejected_pairs(q) for other in pair} >= {second}
        await ready(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        modal = await suggestions(pilot)
        assert len(modal.suggestions) >= 2
        wanted = modal.suggestions[1].name
        await pilot.press("j", "enter")
        await pilot.pause()
        assert [b.name for b in overlapping.blocks(q)] == [wanted]


async def test_suggestions_are_listed_biggest_first_by_what_is_still_loose(
    overlapping: Store,
) -> None:
    """Groups come ranked by all they hold; shown, they are ranked by the requests still
    on their lists (the list's title says it shows the biggest)."""
    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        board = app.screen
        late = [item_id(overlapping, title) for title in REQUESTS_LATE]
        pipeline = [
            item_id(overlapping, title)
            for title in (
                "Weekly pipeline coverage by region",
                "See the open pipeline per region every week",
                "Regional pipeline snapshot, refreshed weekly",
            )
        ]
        shown = board._suggestions([late, pipeline])  # (the smaller group first)
        assert [len(s.requests) for s in shown] == [3, 2]


async def test_asked_by_in_the_pane_is_the_marks_number(tmp_path: Path, clock) -> None:
    """The pane's "Asked by N lists" counted the similar requests' lists and the item's
    own, not the lists whose requests were merged into it: the mark said three, the pane two."""
    store = Store.open(tmp_path / "board.db", clock=clock, first_quarter="2026-Q3")
    q = store.default_quarter().id
    for name in ("Sales", "COO", "CFO"):
        store.add_stakeholder(name, name, quarter_id=q)
    ids = {s.name: s.id for s in store.stakeholders(q)}
    for owner, title in [
        ("Sales", "Weekly pipeline coverage by region"),
        ("COO", "See the open pipeline per region every week"),
        ("CFO", "Pipeline coverage for each region, weekly"),
    ]:
        store.add_item(q, ids[owner], title)
    kept = item_id(store, "Weekly pipeline coverage by region")
    store.merge_items(kept, [item_id(store, "Pipeline coverage for each region, weekly")])
    app = PlanboardApp(store)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            stake = app.screen.query_one("#stakeholders", BoardList)
            stake.focus()
            assert stake.marks[kept] == "×3"
            stake.select_item(kept)
            await pilot.pause()
            detail = str(app.screen.query_one("#detail").render())
            assert "Asked by 3 lists" in detail, detail
    finally:
        store.close()


VECTOR_ROWS_WRITTEN_ELSEWHERE = [
    "UPDATE item_vectors SET vector = X'' WHERE item_id = :first",
    "UPDATE item_vectors SET vector = zeroblob(2000000) WHERE item_id = :first",
    "UPDATE item_vectors SET vector = 'text' WHERE item_id = :first",
    "UPDATE item_vectors SET vector = 10000000000 WHERE item_id = :second",
    "UPDATE item_vectors SET hash = 42 WHERE item_id = :second",
]


@pytest.mark.parametrize("in_a_process", [False, True])
@pytest.mark.parametrize("sql", VECTOR_ROWS_WRITTEN_ELSEWHERE)
async def test_vectors_another_program_wrote_never_change_what_the_board_finds(
    overlapping: Store, tmp_path: Path, sql: str, in_a_process: bool, monkeypatch: Any
) -> None:
    """Every item's vector stored, then one row (the first the board reads, or the
    second) written by another program: the board opens, and finds what it finds with
    no vector stored at all. (An empty vector read first shifted every other item's
    vector by one, and the marks were wrong on every open.)"""
    from planboard.core import background
    from planboard.core.similar import embed_titles, meaning_available

    if not meaning_available():
        pytest.skip("the meaning model needs numpy")
    if in_a_process:  # (as from 3,000 items)
        monkeypatch.setattr(background, "PROCESS_FROM", 1)
    q = overlapping.default_quarter().id
    items = [i for found in overlapping.board(q).places.values() for i in found]
    vectors = embed_titles([i.title for i in items])
    rows = [(i.id, title_hash(i.title), v) for i, v in zip(items, vectors, strict=True)]
    overlapping.save_item_vectors(rows)
    overlapping.flush_item_vectors(len(rows))
    path = Path(overlapping.path)
    overlapping.close()
    bare = tmp_path / "bare.db"
    with sqlite3.connect(path) as conn, sqlite3.connect(bare) as copy:
        conn.backup(copy)
        copy.execute("DELETE FROM item_vectors")
        read = conn.execute(
            "SELECT v.item_id FROM item_vectors v JOIN items i ON i.id = v.item_id "
            "WHERE i.quarter_id = ?",
            (q,),
        ).fetchall()
        conn.execute(sql, {"first": read[0][0], "second": read[1][0]})

    async def found(board: Path) -> dict[Any, list[Any]]:
        store = Store.open(board)
        try:
            app = PlanboardApp(store)
            async with app.run_test(size=(120, 40)) as pilot:
                await ready(pilot)
                return {key: list(near) for key, near in app.screen.neighbours.items()}
        finally:
            store.close()

    with_them = await found(path)
    assert with_them and with_them == await found(bare)


async def test_s_before_the_vectors_are_known_reads_them_off_the_screens_thread(
    overlapping: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`S` pressed before the first overlap pass has read the quarter's vectors (or
    after the quarter was read again) reads them in its own thread, as the pass does:
    on the screen's thread the read held it a tenth of a second at 50,000 items. What it
    suggests is what it suggests with the vectors known."""
    import threading

    from planboard.ui.board import overlap

    app = PlanboardApp(overlapping)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        known = _shown(await suggestions(pilot))
        await pilot.press("escape")
        await pilot.pause()
        monkeypatch.setattr(overlap, "SUGGEST_THREAD_FROM", 1)
        real, threads = overlapping.item_vectors_apart, []
        overlapping.item_vectors = None  # type: ignore[assignment,method-assign]  # (not here)

        def counted(quarter_id: int, waiting: Any) -> Any:
            threads.append(threading.current_thread() is threading.main_thread())
            return real(quarter_id, waiting)

        overlapping.item_vectors_apart = counted  # type: ignore[method-assign]
        board = app.screen
        board._vectors_known = None  # (as before the first pass's read)
        board._suggest_found = None
        await pilot.press("S")
        for _ in range(100):
            await pilot.pause(0.02)
            if isinstance(app.screen, SuggestModal):
                break
        assert threads == [False]
        assert _shown(app) == known
