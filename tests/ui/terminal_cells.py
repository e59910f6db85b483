"""What a terminal shows of an app under test: every update the app writes, applied to a
grid of cells, as a terminal applies them (a partial update leaves the other cells as
they were). Compared with a paint of the whole screen, it shows a stale cell."""

from __future__ import annotations

from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.segment import ControlType
from rich.style import Style
from textual.app import App

Grid = dict[tuple[int, int], tuple[str, Any]]


def _apply(grid: Grid, renderable: Any, console: Console) -> None:
    x = y = 0
    for segment in renderable.__rich_console__(console, console.options):
        if segment.control:
            for code in segment.control:
                if code[0] == ControlType.CURSOR_MOVE_TO:
                    x, y = code[1], code[2]
            continue
        if segment.text == "\n":
            continue
        # (What shows: the style's colours and attributes, not the meta Textual keeps.)
        # A blank shows its background (and reverse), never its foreground.
        style = segment.style.clear_meta_and_links() if segment.style else None
        blank = Style(bgcolor=style.bgcolor, reverse=style.reverse) if style else None
        for char in segment.text:
            grid[(x, y)] = (char, blank if char == " " else style)
            x += cell_len(char)


class TerminalCells:
    """Start it once the app has painted; `shown` is then what a terminal would show."""

    def __init__(self, app: App[Any], monkeypatch: pytest.MonkeyPatch) -> None:
        self.app = app
        self.console = Console(width=app.size.width, height=app.size.height)
        self.shown: Grid = self.whole()
        real = app._display

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None and not app._batch_count:
                _apply(self.shown, renderable, self.console)
            real(screen, renderable)

        monkeypatch.setattr(app, "_display", display)

    def whole(self) -> Grid:
        """The screen as a paint of all of it would show it now."""
        grid: Grid = {}
        _apply(grid, self.app.screen._compositor.render_full_update(), self.console)
        return grid

    def stale(self) -> list[tuple[int, int]]:
        """The cells the terminal shows otherwise than a whole paint would."""
        whole = self.whole()
        return sorted(at for at in whole if self.shown.get(at) != whole[at])
