"""How the board looks, on the sample file, wide and small."""

from __future__ import annotations

from pathlib import Path

import pytest

from planboard.core import Store
from planboard.ui.app import PlanboardApp


def sample_app(sample_copy: Path) -> PlanboardApp:
    return PlanboardApp(Store.open(sample_copy))


async def settle(pilot) -> None:
    """Let the board finish its background work (the overlap), so the picture is stable."""
    for _ in range(100):
        await pilot.pause(0.02)
        await pilot.app.workers.wait_for_complete()
        if pilot.app.screen.neighbours:  # the sample has overlap: the marks are shown
            break
    await pilot.pause()


def test_board_wide(snap_compare, sample_copy: Path) -> None:
    assert snap_compare(sample_app(sample_copy), terminal_size=(120, 40), run_before=settle)


def test_board_small(snap_compare, sample_copy: Path) -> None:
    assert snap_compare(sample_app(sample_copy), terminal_size=(80, 24), run_before=settle)


def test_board_while_dragging(snap_compare, sample_copy: Path) -> None:
    async def start_drag(pilot) -> None:
        from pointer import drag, item_xy, row_xy

        await settle(pilot)
        app = pilot.app
        team = app.screen.query_one("#team")
        blocks = app.screen.query_one("#blocks")
        first = team.groups[0].items[0].id
        await drag(pilot, item_xy(team, first), row_xy(blocks, 2), release=False)

    assert snap_compare(sample_app(sample_copy), terminal_size=(120, 40), run_before=start_drag)


def test_move_picker(snap_compare, sample_copy: Path) -> None:
    async def pick(pilot) -> None:
        await settle(pilot)
        await pilot.press("down", "m")
        await pilot.pause()

    assert snap_compare(sample_app(sample_copy), terminal_size=(100, 30), run_before=pick)


def test_drop_form_over_the_board(snap_compare, sample_copy: Path) -> None:
    """A form leaves the board undimmed around it (closing it repaints only its place)."""

    async def ask(pilot) -> None:
        await settle(pilot)
        await pilot.press("down", "d", *"Nice to have")
        await pilot.pause()

    assert snap_compare(sample_app(sample_copy), terminal_size=(80, 24), run_before=ask)


# ---------------------------------------------------------------- the shared screen


@pytest.mark.parametrize("blocks", [4, 8])
@pytest.mark.parametrize("size", [(80, 24), (100, 30), (200, 50)])
def test_meeting_view(snap_compare, sample_copy: Path, size, blocks: int) -> None:
    from event_board import live_event

    store, _ = live_event(sample_copy, blocks, revealed=True)

    async def settle(pilot) -> None:
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(PlanboardApp(store), terminal_size=size, run_before=settle)


def test_reveal(snap_compare, sample_copy: Path) -> None:
    from event_board import live_event

    store, _ = live_event(sample_copy, 8)

    async def reveal(pilot) -> None:
        await pilot.pause()
        await pilot.press("r", "y")  # (asked first)
        await pilot.pause()

    assert snap_compare(PlanboardApp(store), terminal_size=(100, 30), run_before=reveal)
