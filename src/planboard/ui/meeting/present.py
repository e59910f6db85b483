"""One block full screen: its case, its items and whose they are."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from ...core.model import (
    Item,
    Stakeholder,
    owner_name,
)
from ...core.text import clean_line, clean_multiline
from .. import keys
from ..widgets.bars import BoardFooter, IndentedText
from .timer import ALARM_WORDS, _alarm_level, remaining_seconds, timer_parts, timer_running

if TYPE_CHECKING:
    from .screen import MeetingScreen


class PresentScreen(Screen[None]):
    """One block, full screen: its case, its items and whose they are. ← → step."""

    BINDINGS = keys.bindings("present")

    def __init__(self, meeting: MeetingScreen, index: int) -> None:
        super().__init__()
        self.meeting_screen = meeting
        self.index = index
        self.head = Static(id="present-head")
        self.body = IndentedText(id="present-body", hang=0)  # (the case: flush)

    def compose(self) -> ComposeResult:
        yield self.head
        with VerticalScroll(id="present"):
            yield self.body
        yield BoardFooter()

    def on_mount(self) -> None:
        self.show()
        self.show_head()
        self.set_interval(0.5, self.show_head)

    def show_head(self) -> None:
        """The countdown stays in sight while one block is shown, with its warning."""
        meeting = self.meeting_screen.meeting
        cards = self.meeting_screen.cards
        parts: list[str | tuple[str, str]] = [
            (f"Block {self.index + 1} of {len(cards)}", "$text-muted")
        ]
        if meeting is not None:
            now = self.meeting_screen.store.now()
            parts += ["   ", *timer_parts(meeting, now)]
            level = _alarm_level(remaining_seconds(meeting, now))
            if level and timer_running(meeting, now):
                parts += ["   ", (ALARM_WORDS[level], "bold $text-error" if level >= 2 else "bold")]
        self.head.update(Content.assemble(*parts))

    def show(self) -> None:
        cards = self.meeting_screen.cards
        if not cards:
            self.dismiss(None)
            return
        self.index = max(0, min(self.index, len(cards) - 1))
        data = cards[self.index].data
        people = {s.id: s for s in self.meeting_screen.store.stakeholders()}
        block = data.block
        meeting = self.meeting_screen.meeting
        parts: list[str | tuple[str, str]] = [(clean_line(block.name), "bold $text-accent")]
        if block.choice:
            parts += ["   ", (f" ★ CHOICE {block.choice} ", "bold reverse $text-success")]
        parts += [
            "\n\n",
            (clean_multiline(block.description) or "(no case written)", "bold"),
            "\n\n",
        ]
        size = f"{len(data.items)} item{'s' if len(data.items) != 1 else ''}"
        if block.effort is not None:
            size += f" · {block.effort:g} days"
        parts += [("Size  ", "$text-muted"), size, "\n"]
        if meeting is not None and not meeting.tally_hidden:
            parts += [
                ("Dots  ", "$text-muted"),
                ("●" * min(data.dots, 40), "bold $text-warning"),
                f"  {data.dots}",
                "\n",
            ]
        parts += ["\n", ("What it holds, and who asked", "bold"), "\n"]
        for item in data.items:
            askers = [item, *data.merged.get(item.id, ())]
            owners = ", ".join(dict.fromkeys(self._owner(i, people) for i in askers))
            parts += ["  • ", clean_line(item.title), ("  — " + owners, "$text-muted"), "\n"]
        if not data.items:
            parts += [("  (nothing yet)", "italic $text-muted")]
        self.body.show(Content.assemble(*parts))

    @staticmethod
    def _owner(item: Item, people: dict[int, Stakeholder]) -> str:
        return clean_line(owner_name(item.stakeholder_id, people))

    def action_step(self, delta: int) -> None:
        self.index += delta
        self.show()
        self.show_head()
        self.meeting_screen.selected = self.index
        self.meeting_screen._mark_selected()

    def action_close(self) -> None:
        self.dismiss(None)
