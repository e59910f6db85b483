"""Keys sent in one burst around a form or a picker (as a fast typist or a paste sends them)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import Filled
from textual import events

from planboard.core import Place
from planboard.ui.app import PlanboardApp
from planboard.ui.modals import FormModal


async def _burst(app, pilot, keys, until: Callable[[], bool] = lambda: True) -> None:
    """The keys posted at once; then a quarter of a second, and on until `until()`
    (the burst's end state) for up to 10 s more: a loaded machine handles them later."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))
    for _ in range(5):
        await pilot.pause(0.05)
    for _ in range(200):
        if until():
            return
        await pilot.pause(0.05)


async def test_keys_typed_after_a_form_closes_go_to_the_board_not_the_closed_form(
    filled: Filled,
) -> None:
    """`d`, `ok`, Enter, `h`, `d`, `no`, Enter at once: two drops. The redirect hands
    every key of the burst to the first form's field before it handles the first
    Enter (Input.Submitted is a message, handled after the field typed `hdno`): the
    first item is dropped with "okhdno", the form is submitted a second time, and
    `dismiss` raises ScreenStackError: the app ends (exit 1). Before the change: no
    crash, nothing wrong written (the keys went to the board)."""
    app = PlanboardApp(filled.store)
    first = filled.team_items[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # (After a drop the focus is on the dropped column: `h` goes to the blocks, on
        # block 1's title, where `d` drops the whole block, `no` its reason.)
        keys = ["d", "o", "k", "enter", "h", "d", "n", "o", "enter"]
        await _burst(
            app, pilot, keys, until=lambda: len(filled.store.blocks(filled.quarter_id)) < 2
        )
        assert not isinstance(app.screen, FormModal)
        item = filled.store.item(first)
        assert (item.status, item.drop_reason) == ("dropped", "ok")
        assert app.screen.focused is app.screen.query_one("#blocks")
        assert [b.id for b in filled.store.blocks(filled.quarter_id)] == [filled.block_b]
        assert filled.store.events(filled.quarter_id, limit=1)[0].action == "drop_block"
    assert app.return_code in (None, 0)


async def test_enter_twice_on_a_form_submits_it_once(filled: Filled) -> None:
    """(Before this change too.) A double Enter on an open form: both reach its field
    before the first closes it; the second submits the closed form again and
    `dismiss` raises ScreenStackError: the app ends with a traceback."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("d", "x")
        await _burst(app, pilot, ["enter", "enter"])
        assert filled.store.item(filled.team_items[0]).drop_reason == "x"
    assert app.return_code in (None, 0)


async def test_escape_then_another_drop_in_one_burst(filled: Filled) -> None:
    """`d`, Esc, then `d`, `x`, Enter at once: the first form is cancelled, the second
    drops the item with "x". With the redirect the `d` and `x` go to the cancelled form
    (lost) and the Enter reaches the board, which opens the *edit* form instead."""
    app = PlanboardApp(filled.store)
    first = filled.team_items[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await _burst(
            app, pilot, ["d", "escape", "d", "x", "enter"], until=lambda: not app.screen.is_modal
        )
        assert not isinstance(app.screen, FormModal), app.screen
        item = filled.store.item(first)
        assert (item.status, item.drop_reason) == ("dropped", "x")


async def test_a_key_on_a_screen_with_nothing_focused_is_not_held(
    filled: Filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys wait only for a screen that is coming up: on the board, with the focus
    taken away (nothing focused), a key is handled at once, not a quarter second on."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        app.screen.set_focus(None)
        await pilot.pause(0.3)
        assert app.screen.focused is None
        held: list[str] = []
        real = app.hold_key
        monkeypatch.setattr(app, "hold_key", lambda event: (held.append(event.key), real(event)))
        app.post_message(events.Key("question_mark", "?"))
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "HelpScreen"
        assert held == []


async def test_keys_after_a_tab_in_one_burst_go_to_the_next_field(filled: Filled) -> None:
    """A title, Tab, notes and Ctrl+S in one burst (a paste, or keys bunched by a slow
    connection): the notes go to the notes (they went into the title, after it, since
    every key of the burst reached the title's field before the Tab moved the focus).
    Shift+Tab comes back the same way."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        # Title, then whose list (a select), then the notes.
        keys = [*"Ab", "tab", "tab", *"cd", "shift+tab", "shift+tab", *"E", "tab", "tab"]
        keys += [*"f", "ctrl+s"]
        await _burst(app, pilot, keys, until=lambda: not app.screen.is_modal)
        assert not isinstance(app.screen, FormModal)
        team = filled.store.items_at(filled.quarter_id, Place.of_list(None))
        added = max(team, key=lambda item: item.id)
        assert (added.title, added.notes) == ("AbE", "cdf")


async def test_a_filter_typed_then_enter_in_one_burst_picks_from_the_filtered_list(
    filled: Filled,
) -> None:
    """`m`, then, once the picker is up, `Serv` and Enter at once: the item goes into
    "Service insights". Enter acted as it came, before the list was filtered by the
    letters typed just before it, and picked the row highlighted before the filter
    (the item went into "Sales cockpit")."""
    from planboard.ui.modals import PickerModal

    app = PlanboardApp(filled.store)
    item = filled.team_items[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PickerModal)
        await _burst(
            app, pilot, ["S", "e", "r", "v", "enter"], until=lambda: not app.screen.is_modal
        )
        assert not isinstance(app.screen, PickerModal)
        assert filled.store.item(item).block_id == filled.block_b


async def test_a_filter_then_down_then_enter_in_one_burst_moves_in_the_filtered_list(
    filled: Filled,
) -> None:
    """`i` and Down at once in the `m` picker: Down moves to the second of the rows
    with an "i", not to the second row of the whole list (whose highlight the filter,
    handled after it, then put back on top)."""
    from planboard.ui.modals import PickerModal

    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerModal)
        shown = [value for label, value in picker.choices if "i" in str(label).casefold()]
        assert len(shown) >= 2
        await _burst(app, pilot, ["i", "down"])
        options = picker.query_one("#choices")
        assert options.highlighted == 1 and picker._shown[1][1] == shown[1]


@pytest.mark.parametrize("keys", [["down", "down"], ["end", "up"]])
async def test_arrows_then_enter_in_one_burst_pick_where_the_arrows_went(
    filled: Filled, keys: list[str]
) -> None:
    """Once the `m` picker is up, Down, Down and Enter at once (or End, Up, Enter):
    the line the arrows reach is picked. The arrows went up to the picker, to be
    handled after the Enter the field handled at once: the first line was picked."""
    from planboard.ui.modals import PickerModal

    for name in ("Churn", "Pricing", "Logistics"):
        filled.store.add_block(filled.quarter_id, name)
    app = PlanboardApp(filled.store)
    item = filled.team_items[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerModal)
        # (The last line is "+ New block…": End, Up is the last block.)
        target = picker._shown[2 if keys[0] == "down" else len(picker._shown) - 2][1]
        assert target > 0 and target != picker._shown[0][1]
        await _burst(app, pilot, [*keys, "enter"], until=lambda: not app.screen.is_modal)
        assert not isinstance(app.screen, PickerModal)
        assert filled.store.item(item).block_id == target


async def test_keys_typed_in_the_burst_of_a_refused_key_are_let_go(filled: Filled) -> None:
    """`d` on a chosen block's title is refused at once (no form), so the reason typed
    with it in one burst went to the board: `n` opened the new item form and "ot
    needed", Ctrl+S added an item to the chosen block mid-event, and its word hid the
    refusal. Keys typed before the refusal was said are let go; a key after it acts."""
    from chosen_block import choose_block_a, on_block_a_title

    store, q = filled.store, filled.quarter_id
    choose_block_a(filled)
    before = len(store.items_at(q, Place.block(filled.block_a)))
    events_before = store.last_event_id()
    app = PlanboardApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await on_block_a_title(app, pilot)
        board = app.screen
        await _burst(app, pilot, ["d", *"not needed", "ctrl+s"])
        assert app.screen is board
        assert "is chosen (1): unchoose it first" in str(board.query_one("#status").render())
        assert len(store.items_at(q, Place.block(filled.block_a))) == before
        assert store.last_event_id() == events_before
        await pilot.press("n")  # (typed once the refusal is on screen: it acts)
        await pilot.pause()
        assert isinstance(app.screen, FormModal)


async def test_a_refusal_said_by_work_in_the_background_lets_go_of_no_key(
    filled: Filled,
) -> None:
    """A refusal no key caused (a row another program wrote, seen by the watcher) said
    while typed keys wait: they act, all of them. 78 of 200 reorders typed in one burst
    were lost without a word when such a refusal came in the middle."""
    from planboard.ui.widgets.board_list import BoardList

    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        team = app.screen.query_one("#team", BoardList)
        team.focus()
        start = team.cursor
        for _ in range(2):
            app.post_message(events.Key("down", None))
        app.screen.say("Another program wrote items row 131", error=True)  # (not an action)
        await _burst(app, pilot, [], until=lambda: team.cursor == start + 2)
        assert team.cursor == start + 2


async def test_a_backspace_in_a_burst_typed_into_the_search_comes_in_its_place(
    filled: Filled,
) -> None:
    """`/`, then `pipw`, Backspace, `eline` at once (as a slow link brings keys,
    bunched): the search read "pipwelin", the Backspace taken after the letters behind
    it (a letter goes from the app to the field; a Backspace, a key of the field's
    bindings, goes to the field, back up to the app, and only then to the field's
    action: the letters after it were typed meanwhile)."""
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        keys = [*"pipw", "backspace", *"eline"]
        bar = app.screen.search_bar
        await _burst(app, pilot, keys, until=lambda: len(bar.value) >= 7)
        assert bar.value == "pipeline"


async def _reason_typed_in_one_burst(filled: Filled, keys: list[str]) -> str | None:
    """`d` on Team's first item, then `keys` at once in the drop form: the reason saved."""
    app = PlanboardApp(filled.store)
    first = filled.team_items[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await _burst(app, pilot, keys, until=lambda: filled.store.item(first).status == "dropped")
        return filled.store.item(first).drop_reason


async def test_a_backspace_in_a_burst_typed_into_a_forms_field_comes_in_its_place(
    filled: Filled,
) -> None:
    """The drop form's reason: `okx`, Backspace, `ay`, Enter at once drops the item
    with "okay" (the same Backspace as in the search, in a form's field)."""
    reason = await _reason_typed_in_one_burst(filled, [*"okx", "backspace", *"ay", "enter"])
    assert reason == "okay"


async def test_home_in_a_burst_moves_the_cursor_before_the_letters_after_it(
    filled: Filled,
) -> None:
    """`bc`, Home, `a`, Enter at once in the drop form's reason: "abc" (the Home, taken
    after the `a`, left "bca")."""
    assert await _reason_typed_in_one_burst(filled, [*"bc", "home", "a", "enter"]) == "abc"
