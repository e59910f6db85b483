"""The event view: the vision on top, the blocks as cards, a visible timebox.

Everything here goes through the store like the board does; every action is saved as it
is shown.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, cast

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Digits, Static

from ...core.errors import PlanboardError
from ...core.model import (
    Change,
    Meeting,
    Place,
    Quarter,
    askers,
    owner_name,
)
from ...core.rules import why_not_live, why_read_only
from ...core.store import Store
from ...core.text import clean_line
from .. import keys
from ..screens.long import LongActions
from ..theme import use_projector
from ..widgets.bars import BoardFooter, StatusLine
from . import forms
from .cards import BlockCard, CardData, CardLayout, CardsScroll, case_room, lay_out
from .decision import DecisionScreen
from .present import PresentScreen
from .reveal import RevealScreen
from .timer import (
    ALARM_WORDS,
    _alarm_level,
    clock_text,
    remaining_seconds,
    timer_parts,
    timer_running,
)

if TYPE_CHECKING:
    from ..app import FileChanged, PlanboardApp


class MeetingScreen(LongActions, Screen[str | None]):
    """The event view: the vision on top, the blocks as cards, a visible timebox."""

    BINDINGS = keys.bindings("meeting")

    # What stays live while a long action (the undo of a big import) runs.
    WHILE_BUSY = frozenset({"select", "help"})

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
        self.head = Static(id="meeting-head")
        self.vision = Static(id="meeting-vision")
        self.facts = Static(id="meeting-facts")
        self.clock = Digits("", id="meeting-clock")
        self.grid = Grid(id="cards")
        self.scroll = CardsScroll(id="cards-scroll", can_focus=False)
        self.status_line = StatusLine(id="status")
        self.layout_now: CardLayout | None = None
        self._laid_for = (0, 0, 0)  # (the cards' room, and how many, when laid out)
        self._present = 0  # how many are present, as last read
        self._head_parts: list[str | tuple[str, str]] = []  # the head line, as last made

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
        self.call_after_refresh(self._fit_head)

    def _lay_out(self) -> None:
        """Size the cards to the space: all of them in sight, the cases as far as the
        room allows."""
        region = self.scroll.content_region
        if not self.cards or region.width <= 0 or region.height <= 0:
            return
        # The grid's padding and the scrollbar's gutter (kept, so that widths are stable).
        # (Kept on the same room for as many cards: six cards after one kept its one
        # column.)
        size = (region.width, region.height, len(self.cards))
        keep = self.layout_now.columns if self.layout_now and size == self._laid_for else 0
        layout = lay_out(self.cards, region.width - 3, region.height, keep=keep)
        self.layout_now, self._laid_for = layout, size
        self.grid.styles.grid_size_columns = layout.columns
        self.grid.styles.grid_size_rows = layout.rows
        self.grid.styles.grid_rows = " ".join(map(str, layout.heights or [layout.height]))
        for index, card in enumerate(self.cards):
            card.width_hint = layout.width
            card.case_lines = case_room(card, layout, index)
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
        # The app's one file watcher says when another program (or screen) wrote.
        self.planboard.board_changed.subscribe(self, self._file_changed, immediate=True)
        self.set_interval(0.5, self._tick)

    # ------------------------------------------------------------------ data

    def _cards(self, tally: dict[int, dict[int, int]]) -> list[CardData]:
        board = self.store.board(self.quarter_id)
        people = {s.id: s for s in self.store.stakeholders()}
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
        """Re-read the quarter and redraw the cards (a handful of widgets). Rows another
        program left without a position are put in order first, as the board does."""
        with contextlib.suppress(PlanboardError):  # (a file busy or refused: as it is)
            if self.store.tidy(self.quarter_id) is not None:
                self.planboard.caught_up()  # (its own write: no second reload for it)
        self.quarter = self.store.quarter(self.quarter_id)
        self.meeting = self.store.meeting(self.quarter_id)
        tally = self.store.votes(self.quarter_id)
        data = self._cards(tally)
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
        # (the votes the tally left out, values read otherwise than the file holds them)
        self.say_rows_of_others(self.store.row_problems(self.quarter_id))
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
        if self.store.readonly:  # (said from the start, as the board says it)
            parts += ["  ", (" READ-ONLY ", "bold reverse $text-error")]
        if meeting is not None:
            parts += ["   ", *timer_parts(meeting, self.store.now())]
            if not self.busy:  # (a long action's thread has the file: the count read last)
                self._present = len(self.store.attendance(self.quarter_id))
            present = self._present
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
            self.clock.set_class(not timer_running(meeting, self.store.now()), "-paused")
        if self.store.readonly:  # (after the event's settings: at 80 columns it cut them
            # off; the badge above says read-only whatever is cut of it)
            reason = clean_line(self.store.readonly_reason)
            facts += [(f"{'  ' if facts else ''}Read-only: {reason}.", "bold $text-error")]
        self._head_parts = parts
        self._fit_head()
        self.facts.update(Content.assemble(*facts))

    def _fit_head(self) -> None:
        """The head line in its room: where it would be cut (a viewer's at 80 columns
        cut "time is up" to "time is"), the gaps between its parts close to one space."""
        parts = self._head_parts
        head = Content.assemble(*parts)
        room = self.head.content_region.width
        if room and head.cell_length > room:
            head = Content.assemble(*[" " if part in ("  ", "   ") else part for part in parts])
        self.head.update(head)

    @property
    def planboard(self) -> PlanboardApp:
        """The app this screen runs in (its file watcher)."""
        return cast("PlanboardApp", self.app)

    def _file_changed(self, change: FileChanged) -> None:
        """Another program, or another screen of this planboard, changed the file."""
        try:
            self.reload()
        except PlanboardError as error:
            self.say(str(error), error=True)
        except Exception as error:  # a signal's subscriber errors are only logged: say it
            self.say(f"Could not re-read the event: {error}.", error=True)

    def _tick(self) -> None:
        """Twice a second: the countdown."""
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
        # The app's watcher tells every screen, this one too (the board under it
        # catches up when it comes back); nothing to tell: this screen re-reads itself.
        if not self.planboard.look_at_file():
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
            if change.changed_nothing:
                self.status_line.note(summary)  # (no tick: nothing was done)
            else:
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

    def has_meeting(self) -> bool:
        """Whether the event's settings are in the file; if not, says so and how to put
        them back (another program removed their row: `t`, `a`, `v` and `r` did nothing,
        without a word)."""
        if self.meeting is not None:
            return True
        gone = "This event's settings are not in the file (another program removed them)"
        if self.store.readonly:  # (a look: the board that writes can put them back)
            self.say(f"{gone}.", error=True)
            return False
        self.say(
            f"{gone}: e ends the event and M starts it again, its settings as for a new "
            "one (set the dots each again with a: the dots placed are kept).",
            error=True,
        )
        return False

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
            if event.chain >= 2 and self.check_action("present", ()):
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
        if not self.has_meeting() or self.meeting is None:
            return
        if not self.meeting.tally_hidden:
            self.app.push_screen(RevealScreen(self))
            return
        if not self._writable():
            return
        from ..modals import ConfirmModal
        from ..replay import attendees_too

        # (A stray key must not end the secret vote: the dots cannot be unseen.)
        self.app.push_screen(
            ConfirmModal(
                "Reveal the tally? Every block's dots show on this screen, ranked"
                f"{attendees_too(self.app)}.",
                yes="Reveal",
                no="Not yet",
            ),
            self._reveal_answered,
        )

    def _reveal_answered(self, reveal: bool | None) -> None:
        if not reveal or not self._writable():
            return
        change = self.run_op(lambda: self.store.set_meeting(self.quarter_id, tally_hidden=False))
        if change is None or self.meeting is None or self.meeting.tally_hidden:
            return
        self.app.push_screen(RevealScreen(self))

    def action_timer(self) -> None:
        meeting = self.meeting
        if not self.has_meeting() or meeting is None or not self._writable():
            return
        left = remaining_seconds(meeting, self.store.now())
        running = not timer_running(meeting, self.store.now())  # (as shown: start it)
        if running and left <= 0:
            left = meeting.timebox_minutes * 60.0
        if running:  # only crossing a threshold from now on rings
            self._alarm_level = _alarm_level(left)
        try:
            # (Paused where it stands: past the timebox, the overtime is kept.)
            self.store.set_timer(
                self.quarter_id, running=running, remaining=left if running else None
            )
        except PlanboardError as error:
            self.say(str(error), error=True)
            return
        self.planboard.look_at_file()  # every screen hears of it now
        self.meeting = self.store.meeting(self.quarter_id)
        self._show_head()
        self.say(f"Timer {'started' if running else 'paused'} at {clock_text(left)}.")

    def action_reset_timer(self) -> None:
        """Back to the whole timebox, paused (undo steps over timer moves)."""
        meeting = self.meeting
        if not self.has_meeting() or meeting is None or not self._writable():
            return
        whole = meeting.timebox_minutes * 60.0
        try:
            self.store.set_timer(self.quarter_id, running=False, remaining=whole)
        except PlanboardError as error:
            self.say(str(error), error=True)
            return
        self._alarm_level = _alarm_level(whole)
        self.planboard.look_at_file()  # every screen hears of it now
        self.meeting = self.store.meeting(self.quarter_id)
        self._show_head()
        self.say(f"Timer reset to {clock_text(whole)}, paused: t starts it.")

    def action_settings(self) -> None:
        forms.ask_setup(self)

    def action_vote(self) -> None:
        forms.ask_dots(self)

    def action_decide(self) -> None:
        forms.ask_decision(self)

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

        question = (
            "End the event without a decision? The quarter goes back to preparing; "
            "votes and choices stay."
        )
        if self.store.decision(self.quarter_id) is not None:  # (set live by another program)
            question = (
                f"End the event? {clean_line(self.quarter.name) if self.quarter else 'It'} "
                "has its decision already: "
                "it is decided again; votes and choices stay."
            )
        self.app.push_screen(ConfirmModal(question, yes="End the event"), answered)

    def action_undo(self) -> None:
        self._replay(undo=True)

    def action_redo(self) -> None:
        self._replay(undo=False)

    def _replay(self, *, undo: bool) -> None:
        if not self._writable():
            return
        from ..replay import replay_asking

        step = self.store.undo if undo else self.store.redo
        replay_asking(
            self,
            self.store,
            self.quarter_id,
            undo=undo,
            # (A big one, the undo of an import, in the background, as on the board.)
            go=lambda: self.replay(self.quarter_id, undo=undo, now=lambda: step(self.quarter_id)),
            say=self.status_line.note,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.busy and action not in self.WHILE_BUSY:
            return None  # shown dimmed: it waits until the long action is done
        return True

    def on_worker_state_changed(self, event: Any) -> None:
        if event.worker.group == "long" and event.worker.is_finished:
            self.long_done(event)

    def action_back(self) -> None:
        # (The board's own last message was from before the event: it says where the
        # facilitator is now, and how to go back.)
        self.dismiss("Back on the board; M returns to the event.")

    def action_help(self) -> None:
        from ..modals import HelpScreen

        self.app.push_screen(HelpScreen("meeting"))
