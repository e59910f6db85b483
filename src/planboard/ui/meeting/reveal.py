"""The revealed tally: the blocks ranked, as bars."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from ...core.text import clean_line, plural
from .. import keys
from ..widgets.bars import BoardFooter
from .cards import CardData
from .timer import timer_parts

if TYPE_CHECKING:
    from .screen import MeetingScreen


def ranked(cards: list[CardData]) -> list[tuple[int, CardData]]:
    """The blocks by dots, most first (ties share a place, in board order)."""
    order = sorted(cards, key=lambda c: (-c.dots, c.number))
    places: list[tuple[int, CardData]] = []
    for index, card in enumerate(order):
        tied = index and card.dots == order[index - 1].dots
        places.append((places[-1][0] if tied else index + 1, card))
    return places


class TallyChart(Static):
    """The tally as a ranked bar chart, drawn to the width and height it has."""

    def __init__(self, cards: list[CardData]) -> None:
        super().__init__(id="tally-chart")
        self.cards = cards

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        width, height = self.content_region.width, self.content_region.height
        if width <= 0 or not self.cards:
            self.update(Content("No blocks to show."))
            return
        places = ranked(self.cards)
        most = max((c.dots for c in self.cards), default=0)
        label_width = min(
            max(cell_len(clean_line(c.block.name)) + len(str(c.number)) for c in self.cards) + 3,
            max(16, width * 2 // 5),
        )
        number_width = len(str(most)) + 1
        badge_width = 5  # " ★ 1"
        bar_room = max(4, width - label_width - number_width - badge_width - 4)
        # Thicker bars when there is room: one to three lines each, a gap between.
        thickness = max(1, min(3, height // max(1, len(places)) - 1))
        out: list[Any] = []
        for _, card in places:
            # (Named by the number its card shows: the bars' order is their ranking.)
            label = f"{card.number}  {clean_line(card.block.name)}"
            if cell_len(label) > label_width - 1:
                label = label[: label_width - 2] + "…"
            length = round(bar_room * card.dots / most) if most else 0
            style = "$text-success" if card.block.choice else "$text-warning"
            bar = "█" * length or "▏"
            for line in range(thickness):
                middle = line == (thickness - 1) // 2
                out += [
                    (label if middle else "").ljust(label_width),
                    (bar, style),
                    (f" {card.dots}".rjust(number_width + 1) if middle else "", "bold"),
                ]
                if middle and card.block.choice:
                    out.append((f"  ★ {card.block.choice}", "bold $text-success"))
                out.append("\n")
            if thickness > 1 or height >= 2 * len(places):
                out.append("\n")
        self.update(Content.assemble(*out).rstrip())


class RevealScreen(Screen[None]):
    """The revealed tally, ranked: the room compares the blocks at a glance."""

    BINDINGS = keys.bindings("reveal")

    def __init__(self, meeting: MeetingScreen) -> None:
        super().__init__()
        self.meeting_screen = meeting
        self.head = Static(id="reveal-head")
        self.summary: list[str | tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield self.head
        yield TallyChart([card.data for card in self.meeting_screen.cards])
        yield BoardFooter()

    def on_mount(self) -> None:
        quarter = self.meeting_screen.quarter
        meeting = self.meeting_screen.meeting
        cards = [card.data for card in self.meeting_screen.cards]
        total = sum(c.dots for c in cards)
        parts: list[str | tuple[str, str]] = [
            ("The tally", "bold $text-accent"),
            "  ",
            (clean_line(quarter.name) if quarter else "", "bold"),
            (f"   {plural(total, 'dot')} on {_blocks_with_dots(cards)}", "$text-muted"),
        ]
        if meeting is not None:
            present = len(self.meeting_screen.store.attendance(self.meeting_screen.quarter_id))
            parts += [(f" · {present} present, {meeting.dot_budget} each", "$text-muted")]
        self.summary = parts
        self.show_head()
        self.set_interval(0.5, self.show_head)

    def show_head(self) -> None:
        """The summary, and the countdown under it (in sight, ticking, as the room
        compares the blocks)."""
        parts = list(self.summary)
        meeting = self.meeting_screen.meeting
        if meeting is not None:
            parts += ["\n", *timer_parts(meeting, self.meeting_screen.store.now())]
        self.head.update(Content.assemble(*parts))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        from ..modals import HelpScreen

        self.app.push_screen(HelpScreen("meeting"))


def _blocks_with_dots(cards: list[CardData]) -> str:
    """ "2 of 5 blocks" (those with dots among them all), or "every block" (4 of 4)."""
    dotted = sum(1 for card in cards if card.dots)
    if dotted == len(cards):
        return f"all {len(cards)} blocks" if dotted > 1 else plural(dotted, "block")
    return f"{dotted} of {plural(len(cards), 'block')}"
