"""Overlap between lists: who else asks for an item, and suggested blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from ..core.text import clean_line, heading
from .widgets.choices import ChoicePane, Choices

# Suggestions listed at once, the biggest first: at 50,000 items the matcher found
# 5,327, and listing them all took half a second to open and each mark as long again.
SHOWN = 300


@dataclass
class Request:
    """An item as the overlap views show it."""

    id: int
    who: str
    title: str
    where: str  # "on the list", "in block X", "merged"
    why: str = ""  # why the matcher thinks it asks for the same thing


def _request_row(request: Request) -> Table:
    """Who, then their words: a long request wraps under its own words, not under
    the name (plain `Text`: what people typed is never markup)."""
    row = Table.grid(padding=(0, 1))
    row.add_column(width=22, no_wrap=True, overflow="ellipsis")
    row.add_column(ratio=1)
    words = Text(clean_line(request.title))
    words.append(f"  ({request.where})", style="dim")
    if request.why:
        words.append("\nwhy: ", style="dim")
        words.append(clean_line(request.why))
    row.add_row(Text(clean_line(request.who), style="bold"), words)
    return row


# `j` and `k` move in the lists of `a` and `S` as on the board (they did nothing there:
# `j` then Enter took the first suggestion, not the second).
LIST_KEYS = [
    Binding("j", "move(1)", "Down", show=False),
    Binding("k", "move(-1)", "Up", show=False),
]


def _move(screen: ModalScreen[Any], step: int) -> None:
    options = screen.query_one(OptionList)
    if step > 0:
        options.action_cursor_down()
    else:
        options.action_cursor_up()


class OverlapModal(ModalScreen[tuple[str, int] | None]):
    """The requests like the highlighted one, each with why it matches. Enter goes to
    one; `m` merges it into the highlighted item; `u` un-merges a merged one; `x` says it
    is not the same (never suggested again). Dismisses with (action, item id)."""

    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("enter", "pick('go')", "Go to it"),
        Binding("m", "pick('merge')", "Merge into this item"),
        Binding("u", "pick('unmerge')", "Un-merge"),
        Binding("x", "pick('reject')", "Not the same"),
        *LIST_KEYS,
    ]

    def action_move(self, step: int) -> None:
        _move(self, step)

    def __init__(
        self, title: str, similar: list[Request], merged: list[Request], *, note: str = ""
    ) -> None:
        super().__init__()
        self.item_title = title
        self.note = note
        self.requests = similar + merged
        self.merged_ids = {r.id for r in merged}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Label(
                Content(heading(f"Who else asks for “{self.item_title}”")),
                classes="dialog-title",
            )
            if not self.requests:
                yield Static(
                    Content("No request on another list looks like this one."),
                    classes="dialog-question",
                )
            yield OptionList(
                *[Option(_request_row(r)) for r in self.requests],
                id="choices",
            )
            yield Static(
                Content(
                    "Enter: go to it · m: merge it into this item (kept and linked) · "
                    "u: un-merge a merged one · x: not the same · Esc: close"
                ),
                classes="dialog-hint",
            )
            if self.note:
                yield Static(Content(self.note), classes="dialog-hint")

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_pick(self, action: str) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not self.requests:
            return
        request = self.requests[options.highlighted]
        if action == "unmerge" and request.id not in self.merged_ids:
            self.notify("That one is not merged.", severity="warning", markup=False)
            return
        if action == "reject" and request.id in self.merged_ids:
            self.notify(
                "That one is merged into this item: un-merge it first (u).",
                severity="warning",
                markup=False,
            )
            return
        if action == "merge" and request.id in self.merged_ids:
            self.notify(
                "That one is already merged into this item.", severity="warning", markup=False
            )
            return
        self.dismiss((action, request.id))

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_pick("go")


@dataclass
class Suggestion:
    """A proposed block: similar requests from several lists."""

    name: str
    requests: list[Request]
    marked: bool = False
    owners: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.owners = list(dict.fromkeys(r.who for r in self.requests))

    @property
    def key(self) -> frozenset[int]:
        """The items it groups: what identifies it when it is suggested again."""
        return frozenset(r.id for r in self.requests)


class SuggestModal(ModalScreen[tuple[str, Suggestion] | None]):
    """Suggested blocks. Enter accepts one (a block with its items, one undoable
    action); `e` renames; `x` discards (hidden until planboard is opened again, kept in
    `discarded` for the board to remember); Space marks and `g` merges the marked ones."""

    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("enter", "accept", "Accept"),
        Binding("e", "rename", "Rename"),
        Binding("x", "discard", "Discard"),
        Binding("space", "mark", "Mark"),
        Binding("g", "merge", "Merge marked"),
        *LIST_KEYS,
    ]

    def action_move(self, step: int) -> None:
        _move(self, step)

    def __init__(self, suggestions: list[Suggestion]) -> None:
        super().__init__()
        self.suggestions = suggestions
        self.discarded: list[Suggestion] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Label(self._title(), id="suggest-title", classes="dialog-title")
            with Horizontal(id="suggest-panes"):
                yield Choices(self._show, id="choices")
                yield ChoicePane(id="suggest-detail")
            yield Static(
                Content(
                    "Enter: accept (creates the block with these items) · e: rename · "
                    "x: discard · Space: mark · g: merge marked · Esc: close"
                ),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self._fill()

    def _title(self) -> str:
        title = "Suggested blocks: requests from several lists"
        if len(self.suggestions) > SHOWN:
            title += (
                f" — the {SHOWN} biggest of {len(self.suggestions):,}"
                " (take or discard some to see the rest)"
            )
        return title

    def _options(self) -> list[Option]:
        return [
            Option(
                Content.assemble(
                    ("● " if suggestion.marked else "  ", "bold $text-accent"),
                    (clean_line(suggestion.name), "bold"),
                    # (On a line of its own: where the name wraps, the list ran the
                    # count into its last word.)
                    (
                        f"\n  {len(suggestion.requests)} items · {len(suggestion.owners)} lists",
                        "$text-muted",
                    ),
                )
            )
            for suggestion in self.suggestions[:SHOWN]
        ]

    def _fill(self, keep: int = 0) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options())  # (all at once, not one by one)
        self.query_one("#suggest-title", Label).update(self._title())
        if self.suggestions:
            options.highlighted = max(0, min(keep, options.option_count - 1))
        self._show()

    def _show(self) -> None:
        detail = self.query_one("#suggest-detail", Static)
        current = self.current
        if current is None:
            if self.discarded:
                detail.update(Content("No suggestion left (Esc closes)."))
            else:
                detail.update(
                    Content("No suggestion left: nothing on different lists looks alike.")
                )
            return
        parts: list[str | tuple[str, str]] = [(clean_line(current.name), "bold"), "\n\n"]
        for request in current.requests:
            parts += [(f"{clean_line(request.who)}: ", "bold"), clean_line(request.title), "\n"]
        detail.update(Content.assemble(*parts))

    @property
    def current(self) -> Suggestion | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not self.suggestions:
            return None
        return self.suggestions[options.highlighted]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_accept(self) -> None:
        if self.current is not None:
            self.dismiss(("accept", self.current))

    @on(OptionList.OptionSelected)
    def _accept_selected(self) -> None:
        self.action_accept()

    def action_rename(self) -> None:
        current = self.current
        if current is None:
            return
        from .modals import Field, FormModal

        def submit(values: dict[str, object]) -> str | None:
            name = clean_line(str(values["name"]))
            if not name:
                return "The block name can't be empty."
            current.name = name
            self._fill(self.suggestions.index(current))
            return None

        self.app.push_screen(
            FormModal("Rename the suggestion", [Field("name", "Name", current.name)], submit)
        )

    def action_discard(self) -> None:
        current = self.current
        if current is not None:
            index = self.suggestions.index(current)
            self.suggestions.remove(current)
            self.discarded.append(current)
            self._fill(index)

    def action_mark(self) -> None:
        current = self.current
        if current is not None:
            current.marked = not current.marked
            self._fill(self.suggestions.index(current))

    def action_merge(self) -> None:
        marked = [s for s in self.suggestions if s.marked]
        if len(marked) < 2:
            self.notify(
                "Mark two or more suggestions (Space) to merge them.",
                severity="warning",
                markup=False,
            )
            return
        first = marked[0]
        for other in marked[1:]:
            first.requests += [r for r in other.requests if r not in first.requests]
            self.suggestions.remove(other)
        first.marked = False
        first.owners = list(dict.fromkeys(r.who for r in first.requests))
        self._fill(self.suggestions.index(first))
