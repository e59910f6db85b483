"""Looking back: the history view, coverage, comparing quarters, the next quarter."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList

from planboard.core import Place, Store
from planboard.core.history import compare, coverage
from planboard.core.text import clean_line
from planboard.ui.app import PlanboardApp
from planboard.ui.modals import FormModal, PickerModal
from planboard.ui.screens.board import BoardScreen
from planboard.ui.screens.history import CompareScreen, CoverageScreen, HistoryScreen
from planboard.ui.widgets.board_list import BoardList


def status(app: PlanboardApp) -> str:
    return str(app.screen.query_one("#status").render())


async def open_history(pilot) -> HistoryScreen:
    """`H` on the board, once it has painted: the history."""
    await pilot.pause()
    await pilot.press("H")
    await pilot.pause()
    history = pilot.app.screen
    assert isinstance(history, HistoryScreen)
    return history


async def test_history_lists_quarters_and_opens_a_past_one_read_only(sample_copy: Path) -> None:
    store = Store.open(sample_copy)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        history = await open_history(pilot)
        assert [q.name for q in history.quarters] == ["2026-Q3", "2026-Q2", "2026-Q1", "2025-Q4"]
        detail = str(history.query_one("#history-detail").render())
        # 2026-Q3 is being prepared: its blocks are not called "not chosen" yet
        assert "Blocks (nothing decided yet)" in detail and "Not chosen" not in detail
        await pilot.press("j", "j", "k")  # as on the board
        await pilot.pause()
        q2 = store.quarter_by_name("2026-Q2")
        detail = str(history.query_one("#history-detail").render())
        assert "Not chosen" in detail
        decision = store.decision(q2.id)
        assert decision is not None and decision.rationale.split()[0] in detail
        for block in store.blocks(q2.id):
            if block.chosen_rank:
                assert block.name in detail
        await pilot.press("enter")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen) and board.quarter.name == "2026-Q2"
        assert "READ-ONLY" in str(board.query_one("#title").render())
        await pilot.press("d")
        assert "is decided" in status(app)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.screen.quarter.name == "2026-Q3"


async def test_coverage_shows_who_was_cut_off_in_a_row(sample_copy: Path) -> None:
    store = Store.open(sample_copy)
    expected = coverage(store).warnings
    assert expected  # the sample has someone cut off two quarters in a row
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("H", "c")
        await pilot.pause()
        assert isinstance(app.screen, CoverageScreen)
        table = str(app.screen.query_one("#coverage-table").render())
        for person, streak in expected:
            assert f"{person.name} has been cut off {streak} decided quarters in a row" in table
        await pilot.press("escape", "x")
        await pilot.pause()
        assert isinstance(app.screen, PickerModal)  # the quarter before is offered first
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        body = str(app.screen.query_one("#compare-body").render())
        assert "Carried over (" in body and "Dropped again (" in body
        # Same words are not called "similar words"; different words name the earlier ones.
        expected = compare(store, store.quarter_by_name("2026-Q2").id, app.screen.data.later.id)
        kinds = {(m.later.title == m.earlier.title, m.how) for m in expected.carried_over}
        assert (True, "similar") in kinds and (False, "similar") in kinds
        lines = body.replace("\n", " ")
        for match in expected.carried_over:
            if match.how == "similar" and match.later.title == match.earlier.title:
                assert f"{match.later.title}  (asked again, same words)" in lines
            elif match.how == "similar":
                assert f"in similar words; before: {match.earlier.title})" in lines


async def test_compare_any_two_quarters_shows_what_the_data_says(sample_copy: Path) -> None:
    store = Store.open(sample_copy)
    q4, q3 = store.quarter_by_name("2025-Q4"), store.quarter_by_name("2026-Q3")
    expected = compare(store, q4.id, q3.id)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("H")
        await pilot.pause()
        assert app.screen.quarter.name == "2026-Q3"
        await pilot.press("x")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerModal)
        assert picker.choices[0][1] == store.quarter_by_name("2026-Q2").id
        await pilot.press(*"2025", "enter")  # filter, then take the one left
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert (screen.data.earlier.name, screen.data.later.name) == ("2025-Q4", "2026-Q3")
        assert "2025-Q4 → 2026-Q3" in str(screen.query_one("#title").render())
        body = str(screen.query_one("#compare-body").render())
        assert f"Carried over ({len(expected.carried_over)})" in body
        assert f"Dropped again ({len(expected.dropped_again)})" in body
        assert f"New in 2026-Q3 ({len(expected.new)})" in body
        for match in expected.carried_over:
            assert match.later.title in body and match.earlier.title in body
        for match in expected.dropped_again:
            assert match.later.title in body
        for block in expected.chosen_earlier:
            assert block.name in body
        assert expected.carried_over or expected.dropped_again  # the sample has some


async def test_compare_lists_every_new_item_and_the_history_every_dropped_one(
    sample_copy: Path,
) -> None:
    """2026-Q2 → 2026-Q3 has 65 new items: the comparison showed 30 and "and 35 more",
    with no way to read the rest (it scrolls); a quarter's dropped items, in the
    history, stopped at 12 likewise."""
    from planboard.core.outcome import outcome

    store = Store.open(sample_copy)
    q2, q3 = store.quarter_by_name("2026-Q2"), store.quarter_by_name("2026-Q3")
    data = compare(store, q2.id, q3.id)
    assert len(data.new) > 30
    body = str(CompareScreen(data).render_comparison())
    assert all(clean_line(item.title) in body for item in data.new)
    assert "more" not in body
    from planboard.ui.screens.history import _undecided_parts

    loose = [i.id for i in store.items_at(q3.id, Place.team())]
    for stakeholder in store.stakeholders(q3.id):
        loose += [i.id for i in store.items_at(q3.id, Place.of_list(stakeholder.id))]
    for item_id in loose[:15]:
        store.drop_item(item_id, "Later")
    result = outcome(store, q3.id)
    assert len(result.dropped) > 12
    shown = "".join(p if isinstance(p, str) else p[0] for p in _undecided_parts(result))
    assert all(clean_line(item.title) in shown for item in result.dropped)
    assert "more" not in shown


async def test_a_past_quarter_opened_from_history_is_read_only(sample_copy: Path) -> None:
    """Even one that was never decided: looking back never changes it by accident."""
    store = Store.open(sample_copy)
    q3 = store.quarter_by_name("2026-Q3")
    store.create_quarter("2026-Q4")  # now 2026-Q3, still being prepared, is a past quarter
    before = [i.title for i in store.items_at(q3.id, Place.team())]
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.quarter.name == "2026-Q4"
        await pilot.press("H")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen) and board.quarter.name == "2026-Q3"
        assert board.quarter.status == "preparing"
        title = str(board.query_one("#title").render())
        assert "READ-ONLY" in title and "opened from the history" in title
        board.query_one("#team", BoardList).focus()
        await pilot.press("d")
        await pilot.pause()
        assert "a past quarter, opened from the history" in status(app)
        assert [i.title for i in store.items_at(q3.id, Place.team())] == before
        # The quarter being prepared stays editable when stepped to.
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert board.quarter.name == "2026-Q4"
        assert "READ-ONLY" not in str(board.query_one("#title").render())
        # `o` opens the past quarter on purpose, to edit it.
        board.open_quarter(q3.id, looking_back=False)
        await pilot.pause()
        assert "READ-ONLY" not in str(board.query_one("#title").render())
        board.query_one("#team", BoardList).focus()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)  # asks why it is dropped


async def test_a_live_event_opened_from_history_stays_editable(sample_copy: Path) -> None:
    """2026-Q3's event is live and 2026-Q4 was started meanwhile: the live quarter,
    opened from the history, is not a past quarter (its event is going on), nor is the
    one being prepared."""
    store = Store.open(sample_copy)
    q3 = store.quarter_by_name("2026-Q3")
    store.start_meeting(q3.id, backup=False)
    store.create_quarter("2026-Q4")
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("escape")  # (it opens on the event: back to the board)
        await pilot.pause()
        for name in ("2026-Q3", "2026-Q4"):
            app.screen.open_quarter(store.quarter_by_name(name).id, looking_back=True)
            await pilot.pause()
            board = app.screen
            assert isinstance(board, BoardScreen) and board.quarter.name == name
            assert "READ-ONLY" not in str(board.query_one("#title").render()), name
            assert "past quarter" not in str(board.query_one("#title").render()), name
        app.screen.open_quarter(q3.id, looking_back=True)
        await pilot.pause()
        app.screen.query_one("#team", BoardList).focus()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)  # asks why it is dropped


async def test_next_quarter_carries_over_what_the_user_picks(sample_copy: Path) -> None:
    store = Store.open(sample_copy)
    q3 = store.quarter_by_name("2026-Q3")
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.action_next_quarter()
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        from textual.widgets import SelectionList

        choices = form.query_one(SelectionList)
        first_block = choices.get_option_at_index(0).value
        choices.deselect_all()
        choices.select(first_block)
        await pilot.press("ctrl+s")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen) and board.quarter.name == "2026-Q4"
        q4 = board.quarter_id
        blocks = store.blocks(q4)
        assert len(blocks) == 1 and blocks[0].carried_from == first_block[1]
        source = store.block(first_block[1])
        assert blocks[0].name == source.name
        old_items = store.items_at(q3.id, Place.block(source.id))
        new_items = store.items_at(q4, Place.block(blocks[0].id))
        assert [i.title for i in new_items] == [i.title for i in old_items]
        assert [i.carried_from for i in new_items] == [i.id for i in old_items]
        assert store.items_at(q3.id, Place.block(source.id)) == old_items  # the source stays


async def test_what_the_checklist_leaves_behind_is_said(sample_copy: Path) -> None:
    """Unticked blocks and items stay in the quarter the new one starts from: said after
    the summary (it said only what was carried, and a block left behind went unseen)."""
    store = Store.open(sample_copy)
    app = PlanboardApp(store)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        app.screen.action_next_quarter()
        await pilot.pause()
        from textual.widgets import SelectionList

        choices = app.screen.query_one(SelectionList)
        values = [choices.get_option_at_index(i).value for i in range(choices.option_count)]
        blocks = [v for v in values if v[0] == "b"]
        loose = [v for v in values if v[0] == "i"]
        left_block = store.block(blocks[1][1])
        held = len(store.items_at(left_block.quarter_id, Place.block(left_block.id)))
        choices.deselect(blocks[1])
        choices.deselect(loose[0])
        choices.deselect(loose[3])
        await pilot.press("ctrl+s")
        await pilot.pause()
        said = status(app)
        assert said.endswith(
            f"; left in 2026-Q3, unticked: block “{left_block.name}” ({held} items) and 2 items"
        ), said
        q4 = app.screen.quarter_id
        assert len(store.blocks(q4)) == len(blocks) - 1
        # Everything ticked: nothing more is said.
        app.screen.action_next_quarter(left_block.quarter_id)
        await pilot.pause()
        app.screen.query_one(SelectionList).select_all()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "unticked" not in status(app) and "Created quarter" in status(app)


async def test_a_next_quarter_started_by_mistake_can_be_deleted(sample_copy: Path) -> None:
    """Started from the history by mistake, the new quarter can be deleted from the
    palette while nothing was done to it (it held the copies, so "only an empty
    quarter" refused it); once something was done to it, the refusal says so."""
    from planboard.ui.modals import ConfirmModal

    store = Store.open(sample_copy)
    q3 = store.quarter_by_name("2026-Q3")
    kept = [(i.id, i.title) for i in store.items_at(q3.id, Place.of_list(None))]
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for attempt in ("untouched", "touched"):
            app.screen.action_next_quarter()
            await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot.pause()
            board = app.screen
            assert isinstance(board, BoardScreen) and board.quarter.name == "2026-Q4"
            if attempt == "touched":
                await pilot.press("d", *"later", "enter")
                await pilot.pause()
            board.action_delete_quarter()
            await pilot.pause()
            if attempt == "touched":
                assert "changed since it was started" in status(app)
                assert "2026-Q4" in [q.name for q in store.quarters()]
                break
            assert isinstance(app.screen, ConfirmModal)
            await pilot.press("y")
            await pilot.pause()
            assert app.screen.quarter.name == "2026-Q3"
            assert "Deleted quarter 2026-Q4" in status(app)
            assert "2026-Q4" not in [q.name for q in store.quarters()]
            assert [(i.id, i.title) for i in store.items_at(q3.id, Place.of_list(None))] == kept


async def test_history_shows_text_from_the_file_literally(sample_copy: Path) -> None:
    """Names and titles written by another program (markup, escape sequences, bidi
    overrides) show as plain text in the history, coverage and comparison views."""
    import sqlite3

    hostile = "[b]Ops[/] \x1b[2J\x9b\u202eLead [@click=app.quit]"
    conn = sqlite3.connect(sample_copy)
    with conn:
        conn.execute("UPDATE stakeholders SET name = ? WHERE id = 1", (hostile,))
        conn.execute("UPDATE blocks SET name = ?", ("Churn [red]x[/] \x1b]52;c;aGk=\x07",))
        conn.execute("UPDATE decisions SET rationale = ?", ("Why \x1b[31m[b]this[/b]",))
    conn.close()
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for keys in (["H", "down"], ["c"], ["escape", "x"]):
            await pilot.press(*keys)
            await pilot.pause()
            shown = app.export_screenshot()
            for bad in ("\x1b", "\x9b", "\u202e"):
                assert bad not in shown
        await pilot.press("escape")
        await pilot.pause()
        detail = str(app.screen.query_one("#history-detail").render())
        assert "Why [31m[b]this[/b]" in detail and "Churn [red]x[/] ]52;c;aGk=" in detail
        await pilot.press("c")
        await pilot.pause()
        table = str(app.screen.query_one("#coverage-table").render())
        assert "[b]Ops[/] [2JLead" in table


@pytest.mark.parametrize(("entry", "fmt"), [("export: Markdown", "md"), ("export: JSON", "json")])
async def test_export_from_the_command_palette(sample_copy: Path, entry: str, fmt: str) -> None:
    """The palette writes the same export as the command line, beside the board, and
    names the written file."""
    from planboard.core.export import export

    store = Store.open(sample_copy)
    q2 = store.quarter_by_name("2026-Q2")
    expected = export(store, q2.id, fmt)
    target = sample_copy.with_name(f"{sample_copy.stem}.2026-Q2.{fmt}")
    app = PlanboardApp(store, quarter_id=q2.id)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*entry)
        found = app.screen.query_one(CommandList)
        for _ in range(100):  # the palette searches in the background
            await pilot.pause(0.02)
            if found.option_count and found.highlighted is not None:
                break
        assert entry in str(found.get_option_at_index(found.highlighted).prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert target.read_text(encoding="utf-8") == expected
        assert f"to {target}" in str(app.screen.query_one("#status").render())


async def test_a_quarter_is_shown_in_the_turn_the_cursor_moves_to_it(sample_copy: Path) -> None:
    """The list's new highlight and the quarter's outcome are drawn in one frame: the
    detail is filled as the highlight moves, not in a turn of its own."""
    store = Store.open(sample_copy)
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        history = await open_history(pilot)
        detail = history.query_one("#history-detail")
        assert "Blocks (nothing decided yet)" in str(detail.render())
        history.list.action_cursor_down()  # (no turn of the event loop after it)
        assert "Not chosen" in str(detail.render())
        history.list.action_cursor_up()
        assert "Blocks (nothing decided yet)" in str(detail.render())
    store.close()


async def test_a_quarter_deleted_by_another_planboard_leaves_the_viewer_on_another(
    sample_copy: Path,
) -> None:
    """A read-only planboard showing a quarter that another planboard deletes moves to
    a quarter that exists, and says so: it said "That quarter no longer exists.", kept
    the deleted board on screen, and `[` then ended it with an error."""
    writer = Store.open(sample_copy)
    q3 = writer.quarter_by_name("2026-Q3")
    q4 = writer.start_next_quarter(q3.id, "2026-Q4").quarter_id or 0
    viewer = Store.open(sample_copy, readonly=True)
    app = PlanboardApp(viewer, quarter_id=q4)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen) and board.quarter.name == "2026-Q4"
        writer.delete_quarter(q4)
        app._watch_file()
        await pilot.pause()
        assert board.quarter.name != "2026-Q4"
        assert "2026-Q4 was deleted" in status(app)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        await pilot.press("M")
        await pilot.pause()
    assert app.return_code in (None, 0)
    writer.close()


async def test_page_down_in_the_history_reads_on_in_the_quarters_detail(
    sample_copy: Path,
) -> None:
    """At 80x24 a decided quarter's detail runs past the pane; `j` and `k` move among
    the quarters, and it took Tab then PgDn (said nowhere) to read the rest. PgDn and
    PgUp scroll the detail, the quarter stays highlighted, and the hint says so."""
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(80, 24)) as pilot:
        history = await open_history(pilot)
        await pilot.press("j")
        await pilot.pause()
        scroll = history.query_one("#history-scroll")
        assert scroll.max_scroll_y > 0  # (more than the pane shows)
        highlighted = history.list.highlighted
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0 and history.list.highlighted == highlighted
        await pilot.press("pageup")
        await pilot.pause()
        assert scroll.scroll_y == 0 and history.list.highlighted == highlighted
        assert "PgDn" in status(app)


async def test_page_down_pages_a_list_of_quarters_longer_than_its_pane(tmp_path: Path) -> None:
    """With more quarters than the list shows, PgDn pages through them, as lists do."""
    store = Store.open(tmp_path / "b.db", first_quarter="2020-Q1")
    for year in range(2020, 2027):
        for q in range(1 if year > 2020 else 2, 5):
            store.create_quarter(f"{year}-Q{q}")
    app = PlanboardApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        history = await open_history(pilot)
        assert history.list.option_count > history.list.scrollable_content_region.height
        before = history.list.highlighted
        await pilot.press("pagedown")
        await pilot.pause()
        assert history.list.highlighted is not None and before is not None
        assert history.list.highlighted > before + 1


async def test_a_highlight_set_before_its_list_is_mounted_shows_its_choice() -> None:
    """The history highlights its quarter as the screen mounts, and its list may not be
    mounted yet then (which of the two comes first is the event loop's): the pane shows
    that quarter once the list is, not at the next key only (on a busy machine the pane
    stayed blank, and `j` from no highlight went to the first quarter)."""
    from textual.app import App, ComposeResult
    from textual.widgets.option_list import Option

    from planboard.ui.widgets.choices import Choices

    shown: list[int | None] = []

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            return iter(())

    app = Host()
    async with app.run_test() as pilot:
        choices = Choices(lambda: shown.append(choices.highlighted))
        choices.add_options([Option("2026-Q3"), Option("2026-Q2"), Option("2026-Q1")])
        choices.highlighted = 1
        assert shown == []  # (not before it is mounted: nothing to show it in yet)
        await app.mount(choices)
        await pilot.pause()
        assert shown == [1]  # once, as it is mounted
        choices.highlighted = 2
        await pilot.pause()
        assert shown == [1, 2]  # and as the highlight moves, as before


async def test_a_long_history_keeps_each_quarter_on_one_line(tmp_path: Path) -> None:
    """Forty quarters: the list scrolls, and its scrollbar leaves each quarter's line
    (name, status, date: 29 cells) whole. With a scrollbar two cells wide, every date
    wrapped onto a line of its own."""
    store = Store.open(tmp_path / "long.db", first_quarter="2016-Q1")
    for year in range(2016, 2026):
        for number in range(1, 5):
            if (year, number) != (2016, 1):
                store.create_quarter(f"{year}-Q{number}")
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 30)) as pilot:
        history = await open_history(pilot)
        await pilot.pause()
        assert history.list.option_count == 40
        assert history.list.max_scroll_y > 0  # (it scrolls: the scrollbar shows)
        assert history.list.virtual_size.height == 40  # one line each


def test_a_quarter_whose_every_block_was_chosen_says_so_under_not_chosen(
    sample_copy: Path,
) -> None:
    """The history showed a "Not chosen" heading with nothing under it; the minutes of
    the same quarter say "Every block was chosen."."""
    import sqlite3

    from planboard.core.outcome import outcome
    from planboard.ui.screens.history import _undecided_parts

    with sqlite3.connect(sample_copy) as conn:  # (the decided quarter, its others gone)
        (quarter_id,) = conn.execute(
            "SELECT id FROM quarters WHERE status = 'decided' ORDER BY id DESC"
        ).fetchone()
        conn.execute(
            "UPDATE items SET block_id = NULL, status = 'open' WHERE block_id IN "
            "(SELECT id FROM blocks WHERE quarter_id = ? AND chosen_rank IS NULL)",
            (quarter_id,),
        )
        conn.execute(
            "DELETE FROM blocks WHERE quarter_id = ? AND chosen_rank IS NULL", (quarter_id,)
        )
    store = Store.open(sample_copy, readonly=True)
    try:
        result = outcome(store, quarter_id)
    finally:
        store.close()
    assert result.decision is not None and result.chosen and not result.not_chosen
    text = "".join(p if isinstance(p, str) else p[0] for p in _undecided_parts(result))
    assert "Not chosen\n  Every block was chosen.\n" in text


def test_a_long_block_name_left_behind_is_shortened() -> None:
    """At 80x24 the counts after a block name of 84 characters fell off the status
    line ("…by region” (4 items) and 1", the word "item" gone)."""
    from types import SimpleNamespace

    from planboard.ui.board.quarters import left_behind

    quarter = SimpleNamespace(name="2026-Q3")
    block = SimpleNamespace(
        name="Weekly churn alerts by region for the key account managers and the regional leads"
    )
    said = left_behind(quarter, [(block, [1, 2, 3, 4])], 1)  # type: ignore[arg-type]
    assert said == (
        "; left in 2026-Q3, unticked: block “Weekly churn alerts by region for the k…” "
        "(4 items) and 1 item"
    )
    assert left_behind(quarter, [], 0) == ""  # type: ignore[arg-type]
    two = [(block, [1]), (block, [2, 3])]
    assert left_behind(quarter, two, 0) == "; left in 2026-Q3, unticked: 2 blocks (3 items)"  # type: ignore[arg-type]
