"""Looking back, offline: past quarters, stakeholder coverage over time, comparisons."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from ...core.clock import utc_day, utc_moment
from ...core.errors import PlanboardError
from ...core.history import Comparison, Coverage, compared, coverage, to_compare
from ...core.model import Quarter
from ...core.outcome import Outcome, outcome
from ...core.store import Store
from ...core.text import clean_line, clean_multiline, plural
from .. import keys
from ..keyfile import key_now
from ..modals import PickerModal
from ..widgets.bars import BoardFooter, IndentedText, StatusLine
from ..widgets.choices import Choices

CELL = {
    "served": ("■", "bold $text-success"),
    "cut": ("✗", "bold $text-error"),
    "open": ("○", "$text-warning"),
    "none": ("·", "$text-muted"),
}


COMPARE_THREAD_FROM = 2000  # items in both quarters from which `x` matches in a thread


class QuarterList(Choices):
    """The quarters, newest first: the cursor stops at the ends (it does not wrap from
    the newest to the oldest)."""

    def action_cursor_up(self) -> None:
        if self.highlighted is None or self.highlighted > 0:
            super().action_cursor_up()

    def action_cursor_down(self) -> None:
        if self.highlighted is None or self.highlighted < self.option_count - 1:
            super().action_cursor_down()

    # Quarters that all show need no paging: PgDn and PgUp read on in the highlighted
    # quarter's detail instead (it took Tab, then PgDn, said nowhere). A list longer
    # than its pane pages as lists do.
    def action_page_down(self) -> None:
        if self.option_count > self.scrollable_content_region.height:
            super().action_page_down()
        else:
            self.screen.query_one("#history-scroll").scroll_page_down()

    def action_page_up(self) -> None:
        if self.option_count > self.scrollable_content_region.height:
            super().action_page_up()
        else:
            self.screen.query_one("#history-scroll").scroll_page_up()


# Items a comparison lists (it scrolls): all of a team's, and pages of a quarter of tens
# of thousands; the history's pane, drawn again at each step of its highlight, fewer
# (500 dropped items took 70 ms a step to wrap).
LISTED = 500
LISTED_IN_HISTORY = 100
EVERY_ITEM = "planboard export writes every item"


class HistoryScreen(Screen[tuple[str, int] | None]):
    """Every quarter, newest first, and what was decided. Dismisses with ("open", id) to
    show a quarter's board, ("next", id) to start the next quarter from one, or None."""

    BINDINGS = keys.bindings("history")

    def __init__(self, store: Store, quarter_id: int) -> None:
        super().__init__()
        self.store = store
        self.start_at = quarter_id
        self.quarters: list[Quarter] = []
        self.list = QuarterList(self._show, id="quarters")
        self.detail = IndentedText(id="history-detail")
        self.status_line = StatusLine(id="status")

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble((" planboard ", "bold reverse"), "  ", ("History", "bold")), id="title"
        )
        with Horizontal(id="history"):
            yield self.list
            with VerticalScroll(id="history-scroll"):
                yield self.detail
        yield self.status_line
        yield BoardFooter()

    def on_mount(self) -> None:
        if not self._fill():
            return
        # (The hint first: the quarter is shown as the highlight is set, and a quarter
        # that can't be read says so on the status line, over the hint.)
        mine = getattr(self.app, "user_keys", {})  # (the user's keys.toml)
        names = ("open", "coverage", "compare", "next")
        key = {name: key_now(f"history.{name}", mine) for name in names}
        self.status_line.say(
            f"{key['open']} opens a quarter's board (past ones read-only) · PgDn reads on · "
            f"{key['coverage']} coverage · {key['compare']} compare with another quarter · "
            f"{key['next']} start the next quarter"
        )
        index = next((i for i, q in enumerate(self.quarters) if q.id == self.start_at), 0)
        self.list.highlighted = index
        self.list.focus()
        # Another program's write (or another planboard's) shows here within a second,
        # as on the board: a quarter added or deleted, a decision or its rationale.
        changed = getattr(self.app, "board_changed", None)
        if changed is not None:
            changed.subscribe(self, self._file_changed, immediate=True)

    def _fill(self) -> bool:
        """The list of quarters as the file holds them (False: it can't be read)."""
        try:
            quarters = list(reversed(self.store.quarters()))
            decisions = {q.id: self.store.decision(q.id) for q in quarters}
        except PlanboardError as error:
            self.quarters = []
            self.status_line.say(str(error), error=True)
            return False
        self.quarters = quarters
        self.list.clear_options()
        for quarter in quarters:
            decided = decisions[quarter.id] if quarter.status != "preparing" else None
            when = utc_day(decided.decided_at if decided else quarter.created_at) or "?"
            self.list.add_option(
                Option(
                    Content.assemble(
                        (f"{clean_line(quarter.name):<9}", "bold"),
                        (f"{quarter.status:<10}", "$text-muted"),
                        (when, "$text-muted"),
                    )
                )
            )
        return True

    def _file_changed(self, _change: object) -> None:
        """The file changed: the list and the highlighted quarter read again, the
        highlight kept on the same quarter (or the one in its place, if it is gone)."""
        was = self.quarter
        at = self.list.highlighted or 0
        if not self._fill():
            return
        index = next((i for i, q in enumerate(self.quarters) if was and q.id == was.id), None)
        self.list.highlighted = min(at, len(self.quarters) - 1) if index is None else index
        self._show()

    @property
    def quarter(self) -> Quarter | None:
        index = self.list.highlighted
        return self.quarters[index] if index is not None and self.quarters else None

    def _show(self) -> None:
        quarter = self.quarter
        if quarter is None:
            return
        try:
            result = outcome(self.store, quarter.id)
        except PlanboardError as error:  # a damaged file: say so, keep the screen
            self.detail.show(Content.assemble((clean_line(quarter.name), "bold"), "\n\n"))
            self.status_line.say(str(error), error=True)
            return
        parts = _decided_parts(quarter, result) + _undecided_parts(result)
        if quarter.is_decided:
            parts += _cut_off_parts(result)
        self.detail.show(Content.assemble(*parts))

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_open()

    def action_move_cursor(self, step: int) -> None:
        """`j` and `k`, as on the board."""
        if step > 0:
            self.list.action_cursor_down()
        else:
            self.list.action_cursor_up()

    def action_open(self) -> None:
        if self.quarter is not None:
            self.dismiss(("open", self.quarter.id))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_coverage(self) -> None:
        try:
            data = coverage(self.store)
        except PlanboardError as error:
            self.status_line.say(str(error), error=True)
            return
        self.app.push_screen(CoverageScreen(data))

    def action_compare(self) -> None:
        """Pick the quarter to compare the highlighted one with; the one before it is
        offered first, so `x` `Enter` compares neighbours."""
        quarter = self.quarter
        if quarter is None:
            return
        others = [q for q in self.quarters if q.id != quarter.id]
        if not others:
            self.status_line.say(
                f"{quarter.name} is the only quarter: nothing to compare.", error=True
            )
            return
        before = [q for q in others if q.name < quarter.name]  # newest first
        after = [q for q in reversed(others) if q.name > quarter.name]  # oldest first
        choices = [
            (
                Content.assemble(
                    (f"{clean_line(q.name):<9}", "bold"),
                    (q.status, "$text-muted"),
                    ("  (the quarter before)" if before and q is before[0] else "", "$text-muted"),
                ),
                q.id,
            )
            for q in before + after
        ]

        def picked(other_id: int | None) -> None:
            if other_id is None:
                return
            other = next(q for q in others if q.id == other_id)
            earlier, later = sorted((quarter, other), key=lambda q: q.name)
            try:
                read = to_compare(self.store, earlier.id, later.id)
            except PlanboardError as error:
                self.status_line.say(str(error), error=True)
                return
            if len(read.before) + len(read.after) < COMPARE_THREAD_FROM:
                self.app.push_screen(CompareScreen(compared(read)))
                return
            # (Seconds on a big quarter: matched in a thread, the screen answering.)
            self.status_line.show(
                Content.assemble(
                    ("⋯ ", "bold $text-warning"),
                    f"Comparing {clean_line(later.name)} with {clean_line(earlier.name)}…",
                )
            )
            self.run_worker(  # (`exclusive`: a second `x` meanwhile replaces this one)
                partial(compared, read),
                thread=True,
                group="compare",
                exclusive=True,
                exit_on_error=False,
            )

        self.app.push_screen(
            PickerModal(f"Compare {clean_line(quarter.name)} with…", choices), picked
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "compare":
            return
        result = event.worker.result
        if event.state == WorkerState.SUCCESS and isinstance(result, Comparison):
            if self.app.screen is not self:  # (another screen opened meanwhile: not over it)
                self.status_line.say(
                    "The comparison was done while another screen was open: x compares again."
                )
                return
            self.status_line.show(Content(""))
            self.app.push_screen(CompareScreen(result))
        elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self.status_line.say(f"Could not compare them: {event.worker.error}.", error=True)

    def action_next(self) -> None:
        quarter = self.quarter
        if quarter is None:
            return
        self.dismiss(("next", quarter.id))  # the board offers the carry-over from it


Parts = list[str | tuple[str, str]]


def _decided_parts(quarter: Quarter, result: Outcome) -> Parts:
    """The quarter's head, what was chosen and why."""
    parts: Parts = [
        (clean_line(quarter.name), "bold"),
        "  ",
        (quarter.status, "bold $text-success" if quarter.is_decided else "$text-warning"),
        "\n",
    ]
    if quarter.vision:
        parts += [("Vision ", "$text-accent"), clean_line(quarter.vision), "\n"]
    parts.append("\n")
    if result.decision:
        parts += [
            ("Decided ", "bold"),
            _minute(result.decision.decided_at),
            "\n\n",
        ]
    parts += [("Chosen", "bold $text-accent"), "\n"]
    for entry in result.chosen:
        parts += [
            f"  {entry.block.chosen_rank}. ",
            (clean_line(entry.block.name), "bold"),
            (
                f"  {plural(len(entry.items), 'item')} · for "
                f"{', '.join(clean_line(o) for o in entry.owners)}",
                "$text-muted",
            ),
            "\n",
        ]
    if not result.chosen:
        parts += [("  nothing yet", "italic $text-muted"), "\n"]
    if result.decision:
        parts += [
            "\n",
            ("Why", "bold $text-accent"),
            "\n  ",
            clean_multiline(result.decision.rationale).replace("\n", "\n  "),
            "\n",
        ]
        if result.decision.attendees:
            parts += [("  with ", "$text-muted"), clean_line(result.decision.attendees), "\n"]
    return parts


def _minute(stamp: str) -> str:
    """A stored time to the minute, in UTC (`2026-03-19 14:27`); "?" if it is none."""
    moment = utc_moment(stamp)
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "?"


def _undecided_parts(result: Outcome) -> Parts:
    """The blocks not chosen, and what was dropped (the first `LISTED_IN_HISTORY`)."""
    heading = "Not chosen" if result.decision else "Blocks (nothing decided yet)"
    parts: Parts = ["\n", (heading, "bold $text-accent"), "\n"]
    for entry in result.not_chosen:
        parts += [
            f"  {clean_line(entry.block.name)}",
            (f"  {plural(len(entry.items), 'item')}", "$text-muted"),
            "\n",
        ]
    if not result.not_chosen:  # (an empty heading, where the minutes say this)
        every = "Every block was chosen." if result.decision else "No blocks yet."
        parts += [(f"  {every}", "italic $text-muted"), "\n"]
    if result.dropped:
        parts += ["\n", (f"Dropped ({len(result.dropped)})", "bold $text-accent"), "\n"]
        for item in result.dropped[:LISTED_IN_HISTORY]:
            parts += [
                f"  {clean_line(item.title)}",
                (f"  — {clean_line(item.drop_reason or '')}", "$text-muted"),
                "\n",
            ]
        if len(result.dropped) > LISTED_IN_HISTORY:
            more = len(result.dropped) - LISTED_IN_HISTORY
            parts += [(f"  and {more} more: {EVERY_ITEM}", "$text-muted"), "\n"]
    return parts


def _cut_off_parts(result: Outcome) -> Parts:
    """Whom the decision cut off, and for how many quarters in a row."""
    parts: Parts = ["\n", ("Cut off", "bold $text-warning"), "\n"]
    for cut in result.cut_off:
        streak = f" · {cut.streak} quarters in a row" if cut.streak > 1 else ""
        parts += [
            f"  {clean_line(cut.stakeholder.name)}",
            (
                f"  {plural(cut.items, 'item')}{streak}",
                "bold $text-error" if cut.streak > 1 else "$text-muted",
            ),
            "\n",
        ]
    if not result.cut_off:
        parts += [("  nobody", "italic $text-muted"), "\n"]
    return parts


class CoverageScreen(Screen[None]):
    """Stakeholders by quarter: served, cut off, or no list; at a glance."""

    BINDINGS = keys.bindings("coverage")

    def __init__(self, data: Coverage) -> None:
        super().__init__()
        self.data = data

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble(
                (" planboard ", "bold reverse"), "  ", ("Stakeholder coverage over time", "bold")
            ),
            id="title",
        )
        with VerticalScroll(id="coverage"):
            yield Static(self.render_table(), id="coverage-table")
        yield BoardFooter()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        width = self.query_one("#coverage").content_region.width
        self.query_one("#coverage-table", Static).update(self.render_table(width))

    def render_table(self, width: int = 100) -> Content:
        """The table drawn to `width`: one line a stakeholder, never wrapped (the names
        give way first, then the oldest quarters)."""
        data = self.data
        cell = 8  # a quarter's column
        tail = 2 + 7 + 2 + 11  # "  3 / 1" and "  ⚠ 2 in a row"
        room = max(0, width - 1 - 10 - 2 - tail)
        quarters = data.quarters[-max(1, room // cell) :] if data.quarters else []
        longest = max((len(clean_line(s.name)) for s in data.stakeholders), default=10)
        name_width = max(10, min(longest, 32, width - 1 - 2 - cell * len(quarters) - tail))
        parts: list[str | tuple[str, str]] = [
            (
                "■ served (an item in a chosen block)   ✗ cut off   · sent no list   "
                "○ not decided yet",
                "$text-muted",
            ),
            "\n",
        ]
        if len(quarters) < len(data.quarters):
            hidden = len(data.quarters) - len(quarters)
            parts += [(f"(the {hidden} oldest quarters do not fit this wide)", "$text-muted")]
        parts += ["\n", " " * (name_width + 2)]
        for quarter in quarters:
            parts.append((f"{clean_line(quarter.name)[-7:]:>{cell}}", "bold"))
        parts += ["  ", ("served/cut", "bold"), "\n"]
        for person in data.stakeholders:
            name = clean_line(person.name)
            name = name if len(name) <= name_width else name[: name_width - 1] + "…"
            parts.append(f"{name:<{name_width}}  ")
            for quarter in quarters:
                symbol, style = CELL[data.cell(person.id, quarter.id)]
                parts += [" " * (cell - 1), (symbol, style)]
            counts = data.counts(person.id)
            parts += [
                "  ",
                (f"{counts['served']:>3} / {counts['cut']:<3}"[:7], "$text-muted"),
            ]
            streak = data.streak(person.id)
            if streak >= 2:
                parts.append((f"  ⚠ {streak} in a row", "bold $text-error"))
            parts.append("\n")
        warnings = data.warnings
        parts.append("\n")
        if warnings:
            for person, streak in warnings:
                parts += [
                    ("⚠ ", "bold $text-error"),
                    (clean_line(person.name), "bold"),
                    f" has been cut off {streak} decided quarters in a row.\n",
                ]
        else:
            parts.append(("Nobody has been cut off two quarters in a row.", "$text-muted"))
        return Content.assemble(*parts)

    def action_back(self) -> None:
        self.dismiss(None)


class CompareScreen(Screen[None]):
    """Two quarters: what carried over, what was dropped again, what is new."""

    BINDINGS = keys.bindings("compare")

    def __init__(self, data: Comparison) -> None:
        super().__init__()
        self.data = data

    def compose(self) -> ComposeResult:
        data = self.data
        yield Static(
            Content.assemble(
                (" planboard ", "bold reverse"),
                "  ",
                (f"{clean_line(data.earlier.name)} → {clean_line(data.later.name)}", "bold"),
            ),
            id="title",
        )
        with VerticalScroll(id="compare"):
            yield Static(self.render_comparison(), id="compare-body")
        yield BoardFooter()

    def render_comparison(self) -> Content:
        data = self.data
        parts: list[Any] = [("Chosen", "bold $text-accent"), "\n"]
        for label, blocks in (
            (data.earlier.name, data.chosen_earlier),
            (data.later.name, data.chosen_later),
        ):
            names = ", ".join(clean_line(b.name) for b in blocks) or "nothing yet"
            parts += [f"  {clean_line(label)}: ", (names, "bold"), "\n"]
        parts += [
            "\n",
            (f"Carried over ({len(data.carried_over)})", "bold $text-accent"),
            ("  asked again in the later quarter", "$text-muted"),
            "\n",
        ]
        for match in data.carried_over:
            later, earlier = clean_line(match.later.title), clean_line(match.earlier.title)
            if match.how == "carried":
                how = f"carried over; before: {earlier}"
            elif later == earlier:
                how = "asked again, same words"
            else:
                how = f"asked again, in similar words; before: {earlier}"
            parts += [f"  {later}", (f"  ({how})", "$text-muted"), "\n"]
        if not data.carried_over:
            parts += [("  nothing", "italic $text-muted"), "\n"]
        parts += ["\n", (f"Dropped again ({len(data.dropped_again)})", "bold $text-warning"), "\n"]
        for match in data.dropped_again:
            parts += [
                f"  {clean_line(match.later.title)}",
                (f"  — {clean_line(match.later.drop_reason or '')}", "$text-muted"),
                "\n",
            ]
        if not data.dropped_again:
            parts += [("  nothing", "italic $text-muted"), "\n"]
        parts += [
            "\n",
            (f"New in {clean_line(data.later.name)} ({len(data.new)})", "bold $text-accent"),
            "\n",
        ]
        for item in data.new[:LISTED]:
            parts += [f"  {clean_line(item.title)}", "\n"]
        if len(data.new) > LISTED:
            parts += [(f"  and {len(data.new) - LISTED} more: {EVERY_ITEM}", "$text-muted"), "\n"]
        return Content.assemble(*parts)

    def action_back(self) -> None:
        self.dismiss(None)
