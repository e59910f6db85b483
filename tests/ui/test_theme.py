"""The stakeholder colours on every theme, and the themes chosen per board."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from textual.color import Color
from textual.theme import BUILTIN_THEMES

from planboard.core import Store
from planboard.core.model import STAKEHOLDER_COLOURS
from planboard.ui.app import PlanboardApp
from planboard.ui.theme import (
    LIGHT,
    PROJECTOR,
    TAG_COLOURS_DARK,
    TAG_COLOURS_LIGHT,
    contrast,
    difference,
    tag_colour,
)

THEMES = {
    "textual-dark": BUILTIN_THEMES["textual-dark"],
    PROJECTOR.name: PROJECTOR,
    LIGHT.name: LIGHT,
}


def backgrounds(theme_name: str) -> dict[str, str]:
    """Where a tag is drawn: the columns' surface, the background, the panel."""
    system = THEMES[theme_name].to_color_system().generate()
    return {name: Color.parse(system[name]).hex[:7] for name in ("surface", "background", "panel")}


def test_every_palette_colour_has_a_shade_on_dark_and_light() -> None:
    assert set(TAG_COLOURS_DARK) == set(STAKEHOLDER_COLOURS) == set(TAG_COLOURS_LIGHT)


@pytest.mark.parametrize("theme_name", list(THEMES))
def test_tag_colours_are_readable_on_the_theme(theme_name: str) -> None:
    for colour in STAKEHOLDER_COLOURS:
        hue = tag_colour(colour, theme_name)
        assert hue is not None
        for where, background in backgrounds(theme_name).items():
            ratio = contrast(hue, background)
            assert ratio >= 4.5, f"{colour} on {theme_name}'s {where}: {ratio:.1f}:1"


@pytest.mark.parametrize("theme_name", list(THEMES))
def test_tag_colours_are_distinct_and_not_the_highlight(theme_name: str) -> None:
    shades = {c: tag_colour(c, theme_name) or "" for c in STAKEHOLDER_COLOURS}
    for (one, a), (other, b) in itertools.combinations(shades.items(), 2):
        assert difference(a, b) >= 20, f"{one} and {other} look alike on {theme_name}"
    theme = THEMES[theme_name]
    highlights = {"accent": theme.accent, "warning": theme.warning}
    for colour, shade in shades.items():
        for name, highlight in highlights.items():
            if highlight:
                assert difference(shade, highlight) >= 40, f"{colour} is close to the {name}"


def test_the_contrast_check_can_fail() -> None:
    assert contrast("#777777", "#808080") < 1.5 and difference("#FF0000", "#FE0000") < 2


async def test_theme_is_remembered_per_board(sample_copy: Path, tmp_path: Path) -> None:
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert LIGHT.name in app.available_themes and PROJECTOR.name in app.available_themes
        app.theme = LIGHT.name
        await pilot.pause()
    store = Store.open(sample_copy)
    assert store.setting("theme") == LIGHT.name
    store.close()
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == LIGHT.name
    # another board keeps its own
    other = tmp_path / "other.db"
    app = PlanboardApp(Store.open(other))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"


async def test_an_unknown_theme_in_the_file_is_ignored(sample_copy: Path) -> None:
    store = Store.open(sample_copy)
    store.set_setting("theme", "no-such-theme")
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"


@pytest.mark.parametrize("entry", ["theme: Projector", "theme: Light"])
async def test_a_theme_from_the_palette_is_kept_for_the_board(
    sample_copy: Path, entry: str
) -> None:
    from textual.command import CommandList

    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(100, 30)) as pilot:
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
        expected = PROJECTOR.name if "Projector" in entry else LIGHT.name
        assert app.theme == expected
    store = Store.open(sample_copy)
    assert store.setting("theme") == expected
    store.close()


async def test_the_meeting_switch_to_the_projector_is_not_the_boards_choice(
    sample_copy: Path,
) -> None:
    """The event shows on the projector theme; back on the board, the board's own theme
    returns, and the file still holds the board's choice."""
    store = Store.open(sample_copy)
    store.start_meeting(store.default_quarter().id, backup=False)
    app = PlanboardApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == PROJECTOR.name  # the live event opens on the projector
        await pilot.press("escape")
        await pilot.pause()
        assert app.theme == "textual-dark"
    store = Store.open(sample_copy)
    assert store.setting("theme") == ""
    store.close()


async def test_the_colour_is_edited_in_the_stakeholder_form(sample_copy: Path) -> None:
    from textual.widgets import Select

    from planboard.ui.modals import FormModal
    from planboard.ui.screens.board import BoardScreen

    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        lists = screen.column("stakeholders")
        lists.focus()
        person = lists.groups[0].stakeholder
        assert person is not None
        target = "violet" if person.colour != "violet" else "red"
        lists.select_group(lists.groups[0].key)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        select = form.query_one("#field-colour", Select)
        assert select.value == person.colour  # the form shows the colour they have
        select.value = target
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.store.stakeholder(person.id).colour == target
        # their items' bar is drawn in the new colour
        item_row = next(n for n, row in enumerate(lists.rows) if row.item is not None)
        segments = list(lists.render_line(item_row - round(lists.scroll_offset.y)))
        tag = next(s for s in segments if s.text == "▍")
        assert tag.style is not None and tag.style.color is not None
        assert tag.style.color.triplet.hex.lower() == (tag_colour(target, app.theme) or "").lower()


async def test_the_palette_offers_planboards_themes_alone(sample_copy: Path) -> None:
    """Textual's own "Theme" entry listed twenty themes beside planboard's three, whose
    stakeholder colours are the only ones checked for contrast."""
    app = PlanboardApp(Store.open(sample_copy))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Theme" not in titles
        assert {"theme: Projector", "theme: Light", "theme: Dark"} <= set(titles)
        assert "Quit" in titles  # (Textual's other entries stay)
        # Its Quit asks first where something would be lost, as Ctrl+Q: not "as soon as
        # possible", as Textual's own entry said.
        (quit_entry,) = [c for c in app.get_system_commands(app.screen) if c.title == "Quit"]
        assert quit_entry.help.startswith("Quit planboard, asking first")
