"""What a column drew is drawn again only when it would look different.

A move takes the focus from one column to another and its undo brings it back; each
focus change restyles the columns (their background and cursor change). The lines each
column drew with and without the focus are kept, and used again while the look (the
style sheet, the theme, the classes) stays; a scrollbar whose thumb did not move keeps
its lines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rich.color import Color
from rich.style import Style
from textual.dom import DOMNode
from textual.geometry import Region, Size
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

from planboard.core import Store
from planboard.core.sample import generate_board
from planboard.ui.app import PlanboardApp
from planboard.ui.theme import LIGHT
from planboard.ui.widgets.board_list import BoardList
from planboard.ui.widgets.laid_out_once import ColumnScrollBar, _thumb
from planboard.ui.widgets.line_cache import LineCache


def painted(column: BoardList) -> list[int]:
    """Count the rows `column` paints (its painter's calls) from now on."""
    calls: list[int] = []
    original: Callable[..., Strip] = column._painter.render

    def spy(*args: Any, **kwargs: Any) -> Strip:
        calls.append(1)
        return original(*args, **kwargs)

    column._painter.render = spy  # type: ignore[method-assign]
    return calls


@asynccontextmanager
async def settled_board(tmp_path: Path, items: int) -> AsyncIterator[tuple[PlanboardApp, Any]]:
    """A generated board of `items` items, open at 120x40 with its background work done."""
    path = tmp_path / "board.db"
    generate_board(path, items=items, stakeholders=4, blocks=3)
    app = PlanboardApp(Store.open(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        yield app, pilot


def lines(column: BoardList) -> list[Strip]:
    return [column.render_line(y) for y in range(column.scrollable_content_region.height)]


def drawn_afresh(column: BoardList) -> list[Strip]:
    """The column's lines drawn with nothing kept (no line, and no style)."""
    column._cache = LineCache()
    return lines(column)


def test_the_line_cache_keeps_a_set_per_state_while_the_look_stays() -> None:
    rules: list[object] = []
    column = SimpleNamespace(
        _pseudo_classes_cache_key=(False, True, False),
        app=SimpleNamespace(stylesheet=SimpleNamespace(rules=rules), theme="dark"),
        ancestors_with_self=[SimpleNamespace(classes=frozenset({"a"}))],
    )
    seen = column  # (a stand-in for a column: what the cache reads of one)
    cache = LineCache()

    def lines(focus: bool) -> Any:
        seen._pseudo_classes_cache_key = (False, focus, False)
        cache.restyled()
        return cache.lines(seen)  # type: ignore[arg-type]

    lines(True)["row"] = Strip.blank(1)
    lines(False)["row"] = Strip.blank(2)
    assert lines(True).get("row") == Strip.blank(1)
    assert lines(False).get("row") == Strip.blank(2)
    # The focus changed but the styles were not worked out again: the same set.
    column._pseudo_classes_cache_key = (False, True, False)
    assert cache.lines(column).get("row") == Strip.blank(2)  # type: ignore[arg-type]
    column.app.theme = "light"  # another theme: every set goes
    assert lines(True).get("row") is None and lines(False).get("row") is None
    lines(True)["row"] = Strip.blank(1)
    column.app.stylesheet.rules = []  # equal rules in a new list: a sheet parsed again
    assert lines(True).get("row") is None
    lines(True)["row"] = Strip.blank(1)
    cache.clear()
    assert lines(True).get("row") is None


def test_the_line_cache_keeps_the_styles_its_lines_are_drawn_with() -> None:
    """A row's styles are worked out once for a set of lines (by their component
    classes), as Textual works them out, and go when the set's look does."""
    asked: list[tuple[str, ...]] = []

    def visual(*names: str) -> Any:
        asked.append(names)
        return SimpleNamespace(rich_style=Style(bold="x" in names, italic=focus[0]))

    focus = [True]
    column = SimpleNamespace(
        _pseudo_classes_cache_key=(False, True, False),
        app=SimpleNamespace(stylesheet=SimpleNamespace(rules=[]), theme="dark"),
        ancestors_with_self=[SimpleNamespace(classes=frozenset({"a"}))],
        get_visual_style=visual,
    )
    cache = LineCache()

    def style(has_focus: bool, *names: str) -> Style:
        focus[0] = has_focus
        column._pseudo_classes_cache_key = (False, has_focus, False)
        cache.restyled()
        cache.lines(column)  # type: ignore[arg-type]  # (as the line drawn asks first)
        return cache.style(column, names)  # type: ignore[arg-type]

    assert style(True, "x") == Style(bold=True, italic=True)
    assert style(True, "x") == Style(bold=True, italic=True) and asked == [("x",)]
    assert style(False, "x") == Style(bold=True, italic=False)  # (the other set's own)
    assert style(True) == Style(bold=False, italic=True) and len(asked) == 3
    cache.clear()  # (what the column shows changed: its styles did not)
    assert style(True, "x") == Style(bold=True, italic=True) and len(asked) == 3
    column.app.theme = "light"  # another look: worked out again
    assert style(True, "x") == Style(bold=True, italic=True) and len(asked) == 4


async def test_a_focus_that_comes_back_finds_the_columns_lines_drawn(tmp_path: Path) -> None:
    async with settled_board(tmp_path, items=400) as (app, pilot):
        team = app.screen.query_one("#team", BoardList)
        blocks = app.screen.query_one("#blocks", BoardList)
        assert team.has_focus
        focused = lines(team)
        blocks.focus()
        await pilot.pause()
        blurred = lines(team)
        assert [s.text for s in blurred] == [s.text for s in focused]
        assert blurred != focused  # the focus tints the column: every line changes
        calls = painted(team)
        team.focus()
        await pilot.pause()
        again = lines(team)
        assert calls == []  # nothing drawn again
        assert again == focused == drawn_afresh(team)


@pytest.mark.parametrize("theme", [LIGHT.name, "nord"])
async def test_a_theme_change_draws_the_columns_lines_anew(sample_copy: Path, theme: str) -> None:
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        team = app.screen.query_one("#team", BoardList)
        before = lines(team)
        app.theme = theme  # (light: the app's classes change too; nord: only colours)
        await pilot.pause()
        after = lines(team)
        assert after != before
        assert after == drawn_afresh(team)


def bar_cells(size: int, virtual: int, window: int, position: float) -> list[tuple[object, ...]]:
    """What Textual's vertical bar of `size` cells shows (glyphs and colours)."""
    segments = ScrollBarRender.render_bar(
        size=size,
        virtual_size=virtual,
        window_size=window,
        position=position,
        back_color=Color.parse("#333333"),
        bar_color=Color.parse("#999999"),
    )
    return [
        (s.text, s.style.color if s.style else None, s.style.bgcolor if s.style else None)
        for s in segments.segments
    ]


@pytest.mark.parametrize("size", [5, 29])
def test_a_scrollbar_with_the_same_thumb_shows_the_same(size: int) -> None:
    seen: dict[object, list[tuple[object, ...]]] = {}
    thumbs = set()
    for virtual in (size, size + 1, 40, 41, 1000, 16_746, 16_747):
        for position in range(0, max(1, virtual - size) + 1, max(1, (virtual - size) // 60)):
            bar = SimpleNamespace(
                window_size=size,
                window_virtual_size=virtual,
                size=Size(1, size),
                vertical=True,
                position=position,
            )
            thumb = _thumb(bar)  # type: ignore[arg-type]
            thumbs.add(thumb)
            cells = bar_cells(size, virtual, size, position)
            assert seen.setdefault((virtual > size, thumb), cells) == cells, (virtual, position)
    assert len(thumbs) > 20  # (the positions tried do move the thumb)


async def test_a_scrollbar_is_drawn_again_only_when_its_thumb_moves(tmp_path: Path) -> None:
    async with settled_board(tmp_path, items=3000) as (app, pilot):
        column = app.screen.query_one("#stakeholders", BoardList)
        column.focus()
        await pilot.pause()
        bar = column.vertical_scrollbar
        assert isinstance(bar, ColumnScrollBar)
        crop = Region(0, 0, bar.size.width, bar.size.height)
        first = bar.render_lines(crop)
        assert first == afresh(bar, crop)  # in the focused column's colours
        assert bar.render_lines(crop) is first  # nothing changed: not drawn again
        await pilot.press("down")  # the cursor moves, the list does not scroll
        await pilot.pause()
        assert bar.render_lines(crop) is first
        app.screen.query_one("#team", BoardList).focus()  # the bar takes other colours
        await pilot.pause()
        blurred = bar.render_lines(crop)
        assert blurred != first and blurred == afresh(bar, crop)
        column.focus()
        await pilot.pause()
        assert bar.render_lines(crop) is first  # kept for that look
        await pilot.press("end")
        await pilot.pause()
        moved = bar.render_lines(crop)
        assert moved is not first and moved != first
        assert moved == afresh(bar, crop)


def afresh(bar: ColumnScrollBar, crop: Region) -> list[Strip]:
    """The bar's lines drawn with nothing kept (by it, or by Textual)."""
    bar._styles_cache.clear()
    bar._dirty_regions.add(bar.size.region)
    return ScrollBar.render_lines(bar, crop)


def test_took_out_tells_the_item_at_the_cursor_from_one_taken_elsewhere() -> None:
    from planboard.core.model import Item
    from planboard.ui.widgets.board_rows import took_out

    old = [Item(i, 1, None, f"t{i}") for i in range(5)]
    assert took_out(old, old[:2] + old[3:], 2, 2)
    assert took_out(old, old[1:], 0, 0) and took_out(old, old[:4], 4, 4)
    assert not took_out(old, old[:1] + old[2:], 2, 2)  # item 1 left; item 2 is there
    assert not took_out(old, old[:2] + old[3:], 2, 3)  # not the cursor's item
    assert not took_out(old, old, 2, 2) and not took_out(old, old[:2] + old[3:], 2, None)


def test_index_of_and_came_in_find_the_one_item_a_change_touched() -> None:
    from planboard.core.model import Item
    from planboard.ui.widgets.board_rows import came_in, index_of

    items = [Item(i, 1, None, f"t{i}") for i in range(6)]
    assert index_of(items, 4) == 4 and index_of(items, 0) == 0 and index_of(items, 9) is None
    new = Item(9, 1, None, "new")
    assert came_in(items, [*items[:3], new, *items[3:]]) is new
    assert came_in(items, [*items, new]) is new and came_in(items, [new, *items]) is new
    assert came_in(items, items[1:]) is None and came_in(items, items) is None


async def test_a_move_and_its_undo_leave_every_column_as_drawn_afresh(sample_copy: Path) -> None:
    # The focus goes to Blocks with the move and back with the undo, twice: what each
    # column shows from its kept lines is what it would draw from nothing.
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        for keys in (["down", "down", "1"], ["u"], ["1"], ["u"]):
            for key in keys:
                await pilot.press(key)
            for _ in range(3):
                await pilot.pause()
            for column in app.screen.query(BoardList):
                assert lines(column) == drawn_afresh(column), (keys, column.id)


async def test_no_rule_for_the_columns_hangs_on_a_state_the_kept_lines_miss(
    sample_copy: Path,
) -> None:
    """The kept lines are keyed by the column's focus, hover and disabled states and by its
    look (rules, theme, classes up the tree). A rule on another pseudo-class (`App:blur
    BoardList`, `Stack:focus-within BoardList`, `BoardList:odd`) would change a column's
    lines without either changing: before adding one, add it to `look_of`."""
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        sheet = app.stylesheet
        column = app.screen.query_one("#team", BoardList)
        names = set(column._selector_names)
        names |= {f".{name}" for name in BoardList.COMPONENT_CLASSES}
        rules = {rule for name in sheet.rules_map.keys() & names for rule in sheet.rules_map[name]}
        assert rules  # (the column's own rules are found this way)
        pseudo = set().union(*(rule.pseudo_classes for rule in rules))
        assert pseudo <= {"focus", "hover", "disabled", "can-focus"}, pseudo
        # The check can fail: a rule on the app's blur is seen.
        sheet.add_source("App:blur BoardList { background: red; }", read_from=("test", "x"))
        app.refresh_css(animate=False)
        rules = {rule for name in sheet.rules_map.keys() & names for rule in sheet.rules_map[name]}
        assert "blur" in set().union(*(rule.pseudo_classes for rule in rules))


def _worked_out_alone(app: PlanboardApp, column: BoardList) -> dict[str, object]:
    """A column's component styles as Textual works them out for it alone."""
    found: dict[str, object] = {}
    for name in sorted(BoardList.COMPONENT_CLASSES):
        virtual = DOMNode(classes=name)
        virtual._attach(column)
        app.stylesheet.apply(virtual, animate=False)
        found[name] = virtual.styles.get_rules()
    return found


async def test_the_columns_share_component_styles_worked_out_as_textual_would(
    sample_copy: Path,
) -> None:
    """The four columns take one set of component styles (worked out once, not for each
    column at each restyle): the same as Textual works out for each column on its own,
    focused or not, in the dark and the light theme. A rule for them that looks at a
    state or an id above them makes each column work out its own again."""
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # (Each theme restyles every column at once, with the rules of that theme.)
        for theme in (LIGHT.name, app.theme):
            app.theme = theme
            await pilot.pause()
            columns = list(app.screen.query(BoardList))
            assert len(columns) == 4 and columns[0].has_focus
            first = columns[0]._component_styles
            assert first.keys() == BoardList.COMPONENT_CLASSES
            for column in columns:
                assert all(column._component_styles[n] is first[n] for n in first)
                mine = {n: s.get_rules() for n, s in column._component_styles.items()}
                assert mine == _worked_out_alone(app, column), (theme, column.id)
        sheet = app.stylesheet
        sheet.add_source(
            "BoardList:focus > .board-list--cursor { background: red; }", read_from=("test", "x")
        )
        app.refresh_css(animate=False)
        await pilot.pause()
        team, stakeholders = (
            app.screen.query_one("#team", BoardList),
            app.screen.query_one("#stakeholders", BoardList),
        )
        cursor = "board-list--cursor"
        assert team._component_styles[cursor] is not stakeholders._component_styles[cursor]
        assert team._component_styles[cursor].get_rules() != (
            stakeholders._component_styles[cursor].get_rules()
        )
        for column in (team, stakeholders):
            mine = {n: s.get_rules() for n, s in column._component_styles.items()}
            assert mine == _worked_out_alone(app, column)
