"""Two boards side by side, read-only: this team's quarters beside another team's."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from ...core.boards import read_board, team_name
from ...core.store import Store
from ...core.text import clean_line
from ..widgets.bars import BoardFooter


def quarters_of(store: Store) -> Content:
    """A board's quarters, newest first: status, what it chose, whom it cut off."""
    parts: list[str | tuple[str, str]] = []
    for entry in reversed(read_board(store, team_name(store.path))):
        style = {"decided": "$text-success", "live": "bold $text-warning"}.get(entry.status, "")
        parts += [(entry.quarter, "bold"), " · ", (entry.status, style), "\n"]
        parts += [("Chose: ", "$text-muted"), "; ".join(entry.chosen) or "—", "\n"]
        parts += [("Cut off: ", "$text-muted"), ", ".join(entry.cut_off) or "—", "\n\n"]
    return Content.assemble(*parts) if parts else Content("No quarters.")


class CompareBoardsScreen(Screen[None]):
    """This board and another, each team's quarters newest first: what they chose and
    whom they cut off. The other board is open read-only and closed on leaving."""

    BINDINGS = [Binding("escape,b,O", "back", "Board")]

    def __init__(self, store: Store, other: Store) -> None:
        super().__init__()
        self.store = store
        self.other = other

    def compose(self) -> ComposeResult:
        mine, theirs = team_name(self.store.path), team_name(self.other.path)
        yield Static(
            Content.assemble(
                (" planboard ", "bold reverse"),
                "  ",
                ("Compare boards", "bold"),
                "  ",
                (f"{clean_line(mine)} · {clean_line(theirs)} (read-only)", "$text-muted"),
            ),
            id="title",
        )
        with Horizontal(id="boards"):
            for store, label in ((self.store, mine), (self.other, f"{theirs} (read-only)")):
                pane = VerticalScroll(classes="board-pane")
                pane.border_title = clean_line(label)
                with pane:
                    yield Static(quarters_of(store))
        yield BoardFooter()

    def action_back(self) -> None:
        self.dismiss(None)

    def on_unmount(self) -> None:
        self.other.close()
