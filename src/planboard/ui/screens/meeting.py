"""The planning event on a shared screen: the blocks as cards, the timebox, the dots,
the choice, and the decision summary.

Everything here goes through the store like the board does; every action is saved as it
is shown.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Digits, Static

from ...core.clock import parse_stamp
from ...core.errors import PlanboardError
from ...core.model import (
    Block,
    Change,
    CutOff,
    Item,
    Meeting,
    Place,
    Quarter,
    Stakeholder,
    askers,
    owner_name,
)
from ...core.rules import why_not_live, why_read_only
from ...core.store import Store
from ...core.text import clean_line, clean_multiline
from .. import keys
from ..theme import use_projector
from ..widgets.bars import BoardFooter, IndentedText, StatusLine
from .actions import StoreActions

WARN_AT = 5 * 60  # seconds left when the timebox turns amber
ALARM_AT = 60  # and red
MAX_COLUMNS = 4  # cards side by side at most
MIN_CARD_WIDTH = 26  # a card narrower than this cuts names mid-word
CARD_FRAME = 4  # a card's border and padding, in columns (2 lines of border)


def remaining_seconds(meeting: Meeting, now: datetime) -> float:
    """Seconds left on the countdown at `now` (it may be running)."""
    left = (
        meeting.timer_remaining
        if meeting.timer_remaining is not None
        else meeting.timebox_minutes * 60.0
    )
    if meeting.timer_started_at:
        left -= (now - parse_stamp(meeting.timer_started_at)).total_seconds()
    return max(0.0, left)


def _alarm_level(left: float) -> int:
    """0 calm, 1 five minutes left, 2 one minute left, 3 time is up."""
    return 3 if left <= 0 else 2 if left <= ALARM_AT else 1 if left <= WARN_AT else 0


def clock_text(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


ALARM_WORDS = {1: "Five minutes left.", 2: "One minute left.", 3: "Time is up."}


def timer_parts(meeting: Meeting, now: datetime) -> list[str | tuple[str, str]]:
    """The countdown as the meeting views show it: amber from five minutes, red from one."""
    left = remaining_seconds(meeting, now)
    running = bool(meeting.timer_started_at)
    style = "bold"
    if left <= ALARM_AT:
        style = "bold reverse $text-error"
    elif left <= WARN_AT:
        style = "bold $text-warning"
    state = (" time is up" if left <= 0 else " running") if running else " paused"
    return ["Time", (f" {clock_text(left)} ", style), (state, "$text-muted")]


@dataclass
class CardData:
    """What one block's card shows: no notes, no drop reasons, no item estimates."""

    number: int
    block: Block
    items: list[Item]
    served: list[str]
    dots: int
    votes: dict[int, int]
    merged: dict[int, list[Item]]  # requests merged into the block's items


def wrap(text: str, width: int, indent: int = 0) -> list[str]:
    """Lines of at most `width` cells; continuation lines indented by `indent`."""
    width = max(1, width)
    lines = textwrap.wrap(
        text,
        width,
        subsequent_indent=" " * indent,
        break_long_words=True,
        break_on_hyphens=False,
    )
    return lines or [""]


def fit_lines(lines: list[str], count: int, width: int) -> list[str]:
    """The first `count` lines, the last ending in … when something is left out."""
    if len(lines) <= count:
        return lines
    if count <= 0:
        return []
    kept = lines[:count]
    last = kept[-1].rstrip()
    while last and cell_len(last) + 2 > width:
        last = last[:-1]
    kept[-1] = last + " …"
    return kept


class BlockCard(Static):
    """One block, large and plain, for the back of the room. Its lines are laid out
    here (not wrapped by the widget), so that the view knows how tall it is."""

    def __init__(self, data: CardData, tally_hidden: bool) -> None:
        super().__init__(classes="card")
        self.data = data
        self.tally_hidden = tally_hidden
        self.width_hint = 40  # the card's inner width, set by the layout
        self.case_lines = 3  # lines of the case the card has room for
        self.selected = False

    def show(self, data: CardData, tally_hidden: bool) -> None:
        self.data = data
        self.tally_hidden = tally_hidden
        self.draw()

    def parts(self, width: int) -> tuple[list[list[Any]], list[list[Any]], list[str], bool]:
        """The card at inner width `width`: the name's lines, the facts' lines (size,
        who it is for, dots), each a list of content parts; the case's lines; and True if
        the case is a placeholder."""
        data, block = self.data, self.data.block
        marker = "▶ " if self.selected else ""
        head_text = f"{marker}{data.number}  {clean_line(block.name)}"
        head: list[list[Any]] = [
            [(line, "bold")] for line in wrap(head_text, width, indent=len(marker) + 3)
        ]
        size = f"{len(data.items)} item{'s' if len(data.items) != 1 else ''}"
        if block.effort is not None:
            size += f" · {block.effort:g} days"
        served = ", ".join(clean_line(name) for name in data.served) or "nobody yet"
        facts: list[list[Any]] = []
        for label, text in (("Size  ", size), ("For   ", served)):
            for n, line in enumerate(wrap(label + text, width, indent=len(label))):
                facts.append([(label, "$text-muted"), line[len(label) :]] if n == 0 else [line])
        size_width = 6 + cell_len(size)
        if self.tally_hidden:
            hidden = "hidden until revealed"
            if size_width + 3 + 6 + len(hidden) > width >= size_width + 3 + 12:
                hidden = "hidden"  # beside the size, rather than a line of its own
            dots_line: list[Any] = [("Dots  ", "$text-muted"), (hidden, "italic $text-muted")]
            dots_width = 6 + len(hidden)
        else:
            room = max(1, width - 6 - len(str(data.dots)) - 1)
            dots = "●" * min(data.dots, room) or "—"
            dots_line = [("Dots  ", "$text-muted"), (dots, "bold $text-warning"), f" {data.dots}"]
            dots_width = 6 + len(dots) + 1 + len(str(data.dots))
        if size_width + 3 + dots_width <= width:  # the dots beside the size: a line saved
            facts[0] = [*facts[0], "   ", *dots_line]
        else:
            facts.append(dots_line)
        case = clean_multiline(block.description).replace("\n", " ")
        return head, facts, wrap(case or "(no case written)", width), not case

    def height_for(self, width: int, case_lines: int) -> int:
        """Lines the card takes at this inner width, with up to `case_lines` of its case
        (its border included)."""
        head, facts, case, _ = self.parts(width)
        shown = min(len(case), case_lines)
        return len(head) + len(facts) + shown + (1 if shown else 0) + 2

    def case_length(self, width: int) -> int:
        """Lines the whole case takes at this inner width."""
        return len(self.parts(width)[2])

    def draw(self) -> None:
        width = self.width_hint
        head, facts, case, placeholder = self.parts(width)
        block = self.data.block
        out: list[Any] = []
        for line in head:
            out += [*line, "\n"]
        shown = fit_lines(case, self.case_lines, width)
        for text_line in shown:
            out += [(text_line, "italic $text-muted" if placeholder else ""), "\n"]
        if shown:
            out.append("\n")
        for line in facts:
            out += [*line, "\n"]
        self.update(Content.assemble(*out[:-1]))
        self.border_title = f"★ CHOICE {block.choice}" if block.choice else ""
        self.set_class(bool(block.choice), "-chosen")


@dataclass(frozen=True)
class CardLayout:
    """How the cards share the space: columns, rows, each card's size."""

    columns: int
    rows: int
    width: int  # inner width of a card's text
    height: int  # lines per card, border included
    case_lines: int  # lines of each case shown
    fits: bool  # every card whole, without scrolling


def lay_out(cards: list[BlockCard], width: int, height: int, gutter: int = 1) -> CardLayout:
    """Share `width` x `height` between the cards: every card's name, size, who it is
    for and its dots first, then as much of the cases as the space allows. Picks the
    number of columns that shows the most of the cases with every card in sight."""
    count = max(1, len(cards))
    best: tuple[tuple[float, ...], CardLayout] | None = None
    for columns in range(1, min(MAX_COLUMNS, count) + 1):
        card_width = (width - (columns - 1) * gutter) // columns
        if card_width < MIN_CARD_WIDTH and columns > 1:
            break
        inner = max(8, card_width - CARD_FRAME)
        rows = math.ceil(count / columns)
        card_height = height // rows
        needed = max((card.height_for(inner, 0) for card in cards), default=6)
        fits = needed <= card_height
        # Lines of case the tightest card can show at this height.
        case_lines = 0
        if fits:
            case_lines = max(0, card_height - needed - 1)
            wanted = max((card.case_length(inner) for card in cards), default=0)
            case_lines = min(case_lines, wanted)
        shown = sum(min(card.case_length(inner), case_lines) * inner for card in cards)
        whole = all(card.case_length(inner) <= case_lines for card in cards)
        if fits and whole:
            # Every case whole: the cards closest to a pleasant shape (cells are about
            # twice as tall as wide).
            shape = -abs(math.log(card_width / (card_height * 2.5)))
            score: tuple[float, ...] = (2, shape, 0, 0)
        elif fits:
            score = (1, shown, -columns, 0)
        else:
            score = (0, -rows * needed, -columns, 0)  # the least scrolling
        layout = CardLayout(
            columns,
            rows,
            inner,
            card_height if fits else needed + min(case_lines, 1),
            case_lines,
            fits,
        )
        if best is None or score > best[0]:
            best = (score, layout)
    assert best is not None
    return best[1]


class CardsScroll(VerticalScroll):
    """Where the cards are: when it changes size (the window, a two-line message), the
    cards are laid out again."""

    def on_resize(self) -> None:
        screen = self.screen
        if isinstance(screen, MeetingScreen):
            self.call_after_refresh(screen._lay_out)


class MeetingScreen(StoreActions, Screen[str | None]):
    """The event view: the vision on top, the blocks as cards, a visible timebox."""

    BINDINGS = keys.bindings("meeting")

    def __init__(self, store: Store, quarter_id: int, notice: str = "") -> None:
        super().__init__()
        self.store = store
        self.quarter_id = quarter_id
        self.notice = notice
        self.selected = 0
        self.cards: list[BlockCard] = []
        self.meeting: Meeting | None = None
        self.quarter: Quarter | None = None
        self._alarm_level = 0
        self._data_version = 0
        self.head = Static(id="meeting-head")
        self.vision = Static(id="meeting-vision")
        self.facts = Static(id="meeting-facts")
        self.clock = Digits("", id="meeting-clock")
        self.grid = Grid(id="cards")
        self.scroll = CardsScroll(id="cards-scroll", can_focus=False)
        self.status_line = StatusLine(id="status")
        self.layout_now: CardLayout | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="meeting-top"):
            with Vertical(id="meeting-info"):
                yield self.head
                yield self.vision
                yield self.facts
            # The countdown in large digits, readable from the back of the room.
            yield self.clock
        # Not focusable: the arrows select cards (the view follows the selection).
        with self.scroll:
            yield self.grid
        yield self.status_line
        yield BoardFooter()

    def on_resize(self) -> None:
        self.call_after_refresh(self._lay_out)

    def _lay_out(self) -> None:
        """Size the cards to the space: all of them in sight, the cases as far as the
        room allows."""
        region = self.scroll.content_region
        if not self.cards or region.width <= 0 or region.height <= 0:
            return
        # The grid's padding and the scrollbar's gutter (kept, so that widths are stable).
        layout = lay_out(self.cards, region.width - 3, region.height)
        self.layout_now = layout
        self.grid.styles.grid_size_columns = layout.columns
        self.grid.styles.grid_size_rows = layout.rows
        self.grid.styles.grid_rows = str(layout.height)
        for card in self.cards:
            card.width_hint = layout.width
            card.case_lines = layout.case_lines
            card.draw()
        if self.cards:
            self.cards[self.selected].scroll_visible(animate=False)

    def on_mount(self) -> None:
        use_projector(self.app, True)
        self.reload()
        if self.meeting is not None:  # only a threshold crossed while watching rings
            self._alarm_level = _alarm_level(remaining_seconds(self.meeting, self.store.now()))
        if self.notice:
            self.say(self.notice)
        self._data_version = self.store.data_version()
        self.set_interval(0.5, self._tick)

    # ------------------------------------------------------------------ data

    def _cards(self) -> list[CardData]:
        board = self.store.board(self.quarter_id)
        people = {s.id: s for s in self.store.stakeholders()}
        tally = self.store.votes(self.quarter_id)
        cards = []
        for number, block in enumerate(board.blocks, start=1):
            items = board.items_at(Place.block(block.id))
            served = [
                owner_name(who, people)
                for who in askers(items, board.merged)
                if who is None or who in people
            ]
            votes = tally.get(block.id, {})
            cards.append(
                CardData(number, block, items, served, sum(votes.values()), votes, board.merged)
            )
        return cards

    def reload(self) -> None:
        """Re-read the quarter and redraw the cards (a handful of widgets)."""
        self.quarter = self.store.quarter(self.quarter_id)
        self.meeting = self.store.meeting(self.quarter_id)
        data = self._cards()
        hidden = self.meeting.tally_hidden if self.meeting else True
        if len(data) != len(self.cards):
            for card in self.cards:
                card.remove()
            self.cards = [BlockCard(d, hidden) for d in data]
            if self.cards:
                self.grid.mount_all(self.cards)
        else:
            for card, d in zip(self.cards, data, strict=True):
                card.data, card.tally_hidden = d, hidden
        if not data:
            self.say("This quarter has no blocks yet: press b to go back to the board.")
        self.selected = max(0, min(self.selected, len(self.cards) - 1))
        for index, card in enumerate(self.cards):
            card.selected = index == self.selected
            card.set_class(card.selected, "-selected")
        self._show_head()
        vision = clean_line(self.quarter.vision) or "No vision written for this quarter."
        self.vision.update(Content.assemble(("Vision  ", "bold $text-accent"), (vision, "bold")))
        self.refresh_bindings()  # the footer dims what can't be done now
        self._lay_out()  # names and facts may have grown: the layout follows
        if self.layout_now is None:
            for card in self.cards:
                card.draw()
            self.call_after_refresh(self._lay_out)

    def _mark_selected(self) -> None:
        for index, card in enumerate(self.cards):
            selected = index == self.selected
            if selected != card.selected:
                card.selected = selected
                card.set_class(selected, "-selected")
                card.draw()
        if self.cards:
            self.cards[self.selected].scroll_visible(animate=False)

    def _show_head(self) -> None:
        quarter = self.quarter
        meeting = self.meeting
        assert quarter is not None
        status = {"live": " LIVE ", "decided": " DECIDED ", "preparing": " NOT STARTED "}
        parts: list[str | tuple[str, str]] = [
            (" planboard ", "bold reverse"),
            "  ",
            (clean_line(quarter.name), "bold"),
            "  ",
            (
                status[quarter.status],
                "bold reverse $text-error"
                if quarter.status == "live"
                else "bold reverse $text-success",
            ),
        ]
        facts: list[str | tuple[str, str]] = []
        if meeting is not None:
            parts += ["   ", *timer_parts(meeting, self.store.now())]
            present = len(self.store.attendance(self.quarter_id))
            minutes = meeting.timebox_minutes
            facts += [
                (
                    f"{meeting.dot_budget} dot{'s' if meeting.dot_budget != 1 else ''} each"
                    f" · {present} present · timebox {minutes} minute"
                    f"{'s' if minutes != 1 else ''}",
                    "$text-muted",
                )
            ]
            if meeting.tally_hidden:
                facts += [(" · tally hidden", "$text-muted")]
            left = remaining_seconds(meeting, self.store.now())
            self.clock.update(clock_text(left))
            level = _alarm_level(left)
            self.clock.set_class(level == 1, "-warn")
            self.clock.set_class(level >= 2, "-alarm")
            self.clock.set_class(not meeting.timer_started_at, "-paused")
        self.head.update(Content.assemble(*parts))
        self.facts.update(Content.assemble(*facts))

    def _tick(self) -> None:
        """Once a second or so: the countdown, and changes made by another program."""
        try:
            version = self.store.data_version()
        except PlanboardError:
            return
        if version != self._data_version:
            self._data_version = version
            self.reload()
            return
        if self.meeting is None or not self.meeting.timer_started_at:
            return
        left = remaining_seconds(self.meeting, self.store.now())
        level = _alarm_level(left)
        if level > self._alarm_level:
            self._alarm_level = level
            self.app.bell()
            self.say(ALARM_WORDS[level], error=level >= 2)
        self._show_head()

    # --------------------------------------------------------------- actions

    def after(self, change: Change) -> None:
        self._data_version = self.store.data_version()
        self.reload()
        if change.summary:
            summary = change.summary
            if change.action == "vote":
                # The store's summary names no count: the tally may be hidden.
                if self.meeting and self.meeting.tally_hidden:
                    summary += " (the tally stays hidden until revealed: r)"
                elif self.card is not None:
                    total = sum(self.card.votes.values())
                    summary += f": {total} dot{'s' if total != 1 else ''} on it in all"
            self.say(summary)

    def resync(self) -> None:
        self.reload()

    #: Shown dimmed in the footer when the event can't be changed from here.
    EDIT_ACTIONS = frozenset(
        {"choose(1)", "choose(2)", "vote", "timer", "settings", "decide", "end"}
    )

    def footer_dimmed(self) -> frozenset[str]:
        """The footer's keys that would only be refused (a read-only board, or a quarter
        that is no longer live). A tally already revealed can still be shown."""
        if self.store.readonly or (self.quarter is not None and self.quarter.status != "live"):
            hidden = self.meeting is None or self.meeting.tally_hidden
            return self.EDIT_ACTIONS | ({"reveal"} if hidden else set())
        return frozenset()

    def _writable(self) -> bool:
        assert self.quarter is not None
        file_reason = self.store.readonly_reason if self.store.readonly else None
        reason = why_read_only(None, file_reason=file_reason) or why_not_live(self.quarter)
        if reason:
            self.say(reason, error=True)
            return False
        return True

    @property
    def card(self) -> CardData | None:
        return self.cards[self.selected].data if self.cards else None

    def _columns(self) -> int:
        columns = self.grid.styles.grid_size_columns or 1
        return max(1, columns)

    def action_select(self, dx: int, dy: int) -> None:
        if not self.cards:
            return
        step = dx + dy * self._columns()
        self.selected = max(0, min(self.selected + step, len(self.cards) - 1))
        self._mark_selected()

    def on_click(self, event: Any) -> None:
        widget = event.widget
        while widget is not None and not isinstance(widget, BlockCard):
            widget = widget.parent
        if isinstance(widget, BlockCard) and widget in self.cards:
            self.selected = self.cards.index(widget)
            self._mark_selected()
            if event.chain >= 2:
                self.action_present()

    def action_present(self) -> None:
        if self.card is None:
            return
        self.app.push_screen(PresentScreen(self, self.selected))

    def action_choose(self, rank: int) -> None:
        card = self.card
        if card is None or not self._writable():
            return
        block = card.block
        if rank == 0 or block.choice == rank:
            self.run_op(lambda: self.store.choose_block(block.id, None))
            return
        taken = [
            c.data.block for c in self.cards if c.data.block.choice and c.data.block.id != block.id
        ]
        if len(taken) >= 2 and not block.choice:
            numbers = " or ".join(str(c.data.number) for c in self.cards if c.data.block in taken)
            # Short: the shared screen's status line must say how to fix it at 100 columns.
            self.say(
                f"No third choice: press 0 on block {numbers} first, then {rank} here.",
                error=True,
            )
            return
        self.run_op(lambda: self.store.choose_block(block.id, rank))

    def action_reveal(self) -> None:
        """Reveal the tally (saved: everyone sees it from now on) and show it ranked."""
        if self.meeting is None:
            return
        if self.meeting.tally_hidden:
            if not self._writable():
                return
            change = self.run_op(
                lambda: self.store.set_meeting(self.quarter_id, tally_hidden=False)
            )
            if change is None or self.meeting is None or self.meeting.tally_hidden:
                return
        self.app.push_screen(RevealScreen(self))

    def action_timer(self) -> None:
        meeting = self.meeting
        if meeting is None or not self._writable():
            return
        left = remaining_seconds(meeting, self.store.now())
        running = not meeting.timer_started_at
        if running and left <= 0:
            left = meeting.timebox_minutes * 60.0
        if running:  # only crossing a threshold from now on rings
            self._alarm_level = _alarm_level(left)
        try:
            self.store.set_timer(self.quarter_id, running=running, remaining=left)
        except PlanboardError as error:
            self.say(str(error), error=True)
            return
        self._data_version = self.store.data_version()
        self.meeting = self.store.meeting(self.quarter_id)
        self._show_head()
        self.say(f"Timer {'started' if running else 'paused'} at {clock_text(left)}.")

    def action_reset_timer(self) -> None:
        """Back to the whole timebox, paused (undo steps over timer moves)."""
        meeting = self.meeting
        if meeting is None or not self._writable():
            return
        whole = meeting.timebox_minutes * 60.0
        try:
            self.store.set_timer(self.quarter_id, running=False, remaining=whole)
        except PlanboardError as error:
            self.say(str(error), error=True)
            return
        self._alarm_level = _alarm_level(whole)
        self._data_version = self.store.data_version()
        self.meeting = self.store.meeting(self.quarter_id)
        self._show_head()
        self.say(f"Timer reset to {clock_text(whole)}, paused: t starts it.")

    def action_settings(self) -> None:
        if self.meeting is None or not self._writable():
            return
        from ..modals import Field, FormModal

        people = self.store.stakeholders(self.quarter_id)
        present = set(self.store.attendance(self.quarter_id))
        meeting = self.meeting

        def submit(values: dict[str, Any]) -> str | None:
            return self.form_op(
                lambda: self.store.set_meeting(
                    self.quarter_id,
                    present=values["present"],
                    dot_budget=values["dots"],
                    timebox_minutes=values["minutes"],
                    tally_hidden=values["hidden"],
                )
            )

        self.app.push_screen(
            FormModal(
                "The event",
                [
                    Field(
                        "present",
                        "Who is here (space to tick)",
                        sorted(present),
                        kind="choices",
                        options=[(p.name, p.id) for p in people],
                    ),
                    Field("dots", "Dots per person", meeting.dot_budget, kind="number"),
                    Field("minutes", "Timebox (minutes)", meeting.timebox_minutes, kind="number"),
                    Field(
                        "hidden",
                        "Keep the tally hidden until revealed",
                        meeting.tally_hidden,
                        kind="switch",
                    ),
                ],
                submit,
            )
        )

    def action_vote(self) -> None:
        card = self.card
        if card is None or self.meeting is None or not self._writable():
            return
        from ..modals import Field, FormModal

        present = self.store.attendance(self.quarter_id)
        if not present:
            self.say("Nobody is marked present yet: press a to say who is here.", error=True)
            return
        people = {s.id: s for s in self.store.stakeholders()}
        tally = self.store.votes(self.quarter_id)
        budget = self.meeting.dot_budget
        block = card.block
        fields = []
        hidden = self.meeting.tally_hidden
        # By name, not in the order people were ticked: easy to find at a glance.
        present = sorted((s for s in present if s in people), key=lambda s: people[s].name.lower())
        for sid in present:
            used = sum(v.get(sid, 0) for bid, v in tally.items() if bid != block.id)
            left = budget - used - card.votes.get(sid, 0)
            # With the tally hidden, the shared screen does not say where anyone's
            # other dots went (the budget is still enforced when saving).
            label = (
                f"{people[sid].name}  ({budget} dots in all)"
                if hidden
                else f"{people[sid].name}  ({left} of {budget} left; up to {budget - used} here)"
            )
            fields.append(Field(f"s{sid}", label, card.votes.get(sid) or "", kind="number"))

        def submit(values: dict[str, Any]) -> str | None:
            dots = {int(name[1:]): value for name, value in values.items()}
            return self.form_op(lambda: self.store.set_votes(block.id, dots))

        self.app.push_screen(
            FormModal(f"Dots on “{clean_line(block.name)}”", fields, submit, save_label="Record")
        )

    def action_decide(self) -> None:
        if not self._writable():
            return
        chosen = [c.data.block for c in self.cards if c.data.block.choice]
        if not chosen:
            self.say("Choose one or two blocks first: 1 and 2 on a card.", error=True)
            return
        from ..modals import Field, FormModal

        people = {s.id: s.name for s in self.store.stakeholders()}
        present = ", ".join(
            people[s] for s in self.store.attendance(self.quarter_id) if s in people
        )
        names = "; ".join(
            f"{b.choice}. {clean_line(b.name)}" for b in sorted(chosen, key=lambda b: b.choice or 0)
        )
        # Who this choice leaves out, while it can still change.
        cut = self.store.cut_off(self.quarter_id, pending=True)
        if cut:
            intro = "Cut off by this choice (none of their items in a chosen block): " + "; ".join(
                clean_line(c.stakeholder.name)
                + (f", {c.streak} quarters in a row with this one" if c.streak > 1 else "")
                for c in cut
            )
        else:
            intro = "Every stakeholder who sent a list has an item in a chosen block."

        def submit(values: dict[str, Any]) -> str | None:
            refused = self.form_op(
                lambda: self.store.decide(self.quarter_id, values["rationale"], values["attendees"])
            )
            if refused is None and self.quarter is not None and self.quarter.is_decided:
                self.app.call_later(self._show_decision)
            return refused

        self.app.push_screen(
            FormModal(
                f"Confirm the decision: {names}",
                [
                    Field("rationale", "Why these? (required)", "", kind="text", height=4),
                    Field("attendees", "Who was there", present),
                ],
                submit,
                save_label="Confirm",
                intro=intro,
            )
        )

    def _show_decision(self) -> None:
        self.app.switch_screen(DecisionScreen(self.store, self.quarter_id))

    def action_end(self) -> None:
        if not self._writable():
            return
        from ..modals import ConfirmModal

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            change = self.run_op(lambda: self.store.end_meeting(self.quarter_id))
            if change is not None:
                self.dismiss(f"{change.summary}; votes and choices are kept.")

        self.app.push_screen(
            ConfirmModal(
                "End the event without a decision? The quarter goes back to preparing; "
                "votes and choices stay.",
                yes="End the event",
            ),
            answered,
        )

    def action_undo(self) -> None:
        if self._writable():
            self.run_op(lambda: self.store.undo(self.quarter_id))

    def action_redo(self) -> None:
        if self._writable():
            self.run_op(lambda: self.store.redo(self.quarter_id))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        from ..modals import HelpScreen

        self.app.push_screen(HelpScreen("meeting"))


class PresentScreen(Screen[None]):
    """One block, full screen: its case, its items and whose they are. ← → step."""

    BINDINGS = keys.bindings("present")

    def __init__(self, meeting: MeetingScreen, index: int) -> None:
        super().__init__()
        self.meeting_screen = meeting
        self.index = index
        self.head = Static(id="present-head")
        self.body = Static(id="present-body")

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
            if level and meeting.timer_started_at:
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
        self.body.update(Content.assemble(*parts))

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
            max(cell_len(clean_line(c.block.name)) for c in self.cards) + 4,
            max(16, width * 2 // 5),
        )
        number_width = len(str(most)) + 1
        badge_width = 5  # " ★ 1"
        bar_room = max(4, width - label_width - number_width - badge_width - 4)
        # Thicker bars when there is room: one to three lines each, a gap between.
        thickness = max(1, min(3, height // max(1, len(places)) - 1))
        out: list[Any] = []
        for place, card in places:
            name = clean_line(card.block.name)
            label = f"{place}. {name}"
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
            (f"   {total} dot{'s' if total != 1 else ''} on {len(cards)} blocks", "$text-muted"),
        ]
        if meeting is not None:
            present = len(self.meeting_screen.store.attendance(self.meeting_screen.quarter_id))
            parts += [(f" · {present} present, {meeting.dot_budget} each", "$text-muted")]
        self.head.update(Content.assemble(*parts))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        from ..modals import HelpScreen

        self.app.push_screen(HelpScreen("meeting"))


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
        from ...core.outcome import write_minutes

        try:
            path = write_minutes(self.store, self.quarter_id)
        except OSError as error:
            self.status_line.say(
                f"Could not save the minutes: {error.strerror or error}.", error=True
            )
            return
        self.status_line.say(f"Minutes saved: {path}")

    def action_back(self) -> None:
        self.dismiss(None)
