"""Right after the decision: what was chosen, what was not, who is cut off."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen

from ...core.model import (
    CutOff,
)
from ...core.store import Store
from ...core.text import clean_line, clean_multiline
from .. import keys
from ..theme import use_projector
from ..widgets.bars import BoardFooter, IndentedText, StatusLine


class DecisionScreen(Screen[None]):
    """Right after the decision: what was chosen, what was not, who is cut off."""

    BINDINGS = keys.bindings("decision")

    def __init__(self, store: Store, quarter_id: int) -> None:
        super().__init__()
        self.store = store
        self.quarter_id = quarter_id
        self.body = IndentedText(id="decision-body")
        self.status_line = StatusLine(id="status")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="decision"):
            yield self.body
        yield self.status_line
        yield BoardFooter()

    def on_mount(self) -> None:
        from ...core.outcome import outcome

        use_projector(self.app, True)
        result = outcome(self.store, self.quarter_id)
        quarter = result.quarter
        parts: list[str | tuple[str, str] | Content] = [
            (f"{clean_line(quarter.name)} — ", "bold"),
            ("decided" if result.decision else quarter.status, "bold $text-success"),
            "\n\n",
        ]
        parts += [("Chosen", "bold $text-accent"), "\n"]
        for entry in result.chosen:
            parts += [
                (f"  {entry.block.chosen_rank}. ", "bold"),
                (clean_line(entry.block.name), "bold"),
                (
                    f"   {len(entry.items)} item{'s' if len(entry.items) != 1 else ''} · for "
                    f"{', '.join(clean_line(o) for o in entry.owners) or 'nobody'}",
                    "$text-muted",
                ),
                "\n",
            ]
        parts += ["\n", ("Not chosen", "bold $text-accent"), "\n"]
        for entry in result.not_chosen:
            parts += [
                f"  {clean_line(entry.block.name)}",
                (
                    f"   {len(entry.items)} item{'s' if len(entry.items) != 1 else ''}",
                    "$text-muted",
                ),
                "\n",
            ]
        if not result.not_chosen:
            parts += [("  (none)", "italic $text-muted"), "\n"]
        parts += ["\n", ("Cut off this quarter", "bold $text-warning"), "\n"]
        parts += self._cut_off(result.cut_off)
        if result.decision:
            parts += [
                "\n",
                ("Why", "bold $text-accent"),
                "\n",
                "  " + clean_multiline(result.decision.rationale).replace("\n", "\n  "),
                "\n",
            ]
            if result.decision.attendees:
                parts += [
                    "\n",
                    ("Who was there", "bold $text-accent"),
                    "\n",
                    "  " + clean_line(result.decision.attendees),
                    "\n",
                ]
        self.body.show(Content.assemble(*parts))
        self.status_line.say("Press s to save the minutes next to the board file.")

    @staticmethod
    def _cut_off(cuts: list[CutOff]) -> list[str | tuple[str, str]]:
        if not cuts:
            return [
                ("  Nobody: everyone who sent a list has an item in a chosen block.", "italic"),
                "\n",
            ]
        parts: list[str | tuple[str, str]] = []
        for cut in cuts:
            streak = (
                (f"   cut off {cut.streak} quarters in a row", "bold $text-error")
                if cut.streak > 1
                else ("   first time", "$text-muted")
            )
            parts += [
                "  ",
                (clean_line(cut.stakeholder.name), "bold"),
                (f"  {cut.items} item{'s' if cut.items != 1 else ''}, none chosen", "$text-muted"),
                streak,
                "\n",
            ]
        return parts

    def action_minutes(self) -> None:
        from ...core.outcome import minutes_path, write_minutes

        try:
            path = write_minutes(self.store, self.quarter_id)
        except OSError as error:
            where = minutes_path(self.store.path, self.store.quarter(self.quarter_id))
            self.status_line.say(
                f"Could not save the minutes to {where}: {error.strerror or error}.", error=True
            )
            return
        first = minutes_path(self.store.path, self.store.quarter(self.quarter_id))
        self.status_line.say(f"Minutes saved: {path}{_kept_beside(first, path)}")

    def action_back(self) -> None:
        self.dismiss(None)


def _kept_beside(first: Path, written: Path) -> str:
    """Which minutes files held other text, and were kept, when the minutes went to a
    numbered one (`write_minutes`): all the numbered ones before it too, not the first
    alone (that one was named where `-2` had made the minutes go to `-3`)."""
    if written == first:
        return ""
    number = written.stem.rpartition("-")[2]
    if number == "2" or not number.isdigit():  # (a pipe or a folder there holds no text)
        held = "holds other text" if first.is_file() else "is not a text file"
        return f" ({first.name} {held}, kept as it is)"
    last = f"{first.stem}-{int(number) - 1}{first.suffix}"
    return f" ({first.name} to {last} hold other text, kept as they are)"
