"""The board screen: every list side by side, the blocks, the dropped items.

It composes the columns and routes keys and messages to the rooms of `ui/board/`;
each action's `Change` tells the view which groups to re-read."""

from __future__ import annotations

import gc

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import Reactive
from textual.widget import Widget

from .. import keys
from ..widgets.bars import BoardFooter
from ..widgets.board_list import BoardList
from ..widgets.laid_out_once import CalmResume, Stack
from .base import WHILE_BUSY
from .beside import column_beside, gap_to
from .drag import BoardDrag
from .forms import BoardForms
from .quarters import BoardQuarters
from .search import BoardSearch


class BoardScreen(BoardDrag, BoardQuarters, BoardSearch, BoardForms, CalmResume):
    """The planning board of one quarter."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """As on every screen, without the repaint of the whole screen Textual makes on each
    focus change: the columns that gain and lose focus repaint themselves (their styles
    change), and a move that takes the focus along is then one frame, not a full one."""

    BINDINGS = keys.bindings("board")

    def compose(self) -> ComposeResult:
        yield self.title_bar
        yield self.vision_bar
        if self._search_bar is not None:  # (wanted before the screen was composed)
            yield self._search_bar
        with Horizontal(id="board"):
            # Under 110 columns each pair stacks: Team over the stakeholders' lists, the
            # dropped column under the blocks; two columns wide enough for the titles.
            with Stack(id="left"):
                yield self._columns["team"]
                yield self._columns["stakeholders"]
            with Stack(id="right"):
                yield self._columns["blocks"]
                yield self._columns["dropped"]
        yield self.detail_bar
        yield self.status_line
        yield BoardFooter()
        yield self.ghost

    def on_mount(self) -> None:
        self._take_breakpoints()
        self.load()
        self.size_columns()  # (now: in the first frame, not in the one after it)
        # What is loaded now lives as long as the app: keep it out of the cyclic
        # collector's scans, which otherwise stall a frame now and then on big boards.
        # `planboard` starts with the collector off: it runs once the board has
        # painted, to clear start-up's garbage before the rest is frozen.
        if gc.isenabled():
            gc.freeze()
        else:
            self.call_after_refresh(self._settle_collector)
        self.column("team").focus()
        for column in self.columns:
            column.past_edge = self._past_edge
        if self.notice:
            self.status_line.say(self.notice)
        if self.ask_to_start:
            self.ask_to_start = False
            self.call_later(self.action_meeting)
        # The app's one file watcher says when the file changed under the board.
        self.planboard.board_changed.subscribe(self, self._file_changed, immediate=True)
        self.set_timer(0.5, self._poll_replica)
        self.set_interval(2.0, self._poll_replica)

    def _take_breakpoints(self) -> None:
        """The width and height classes (`-narrow`/`-wide`, `-short`/`-tall`) the
        screen's first resize would give it, given now: the first frame is laid out as
        the screen stays (two stacks of columns under 110 cells), not as four columns
        that stack a frame later. Its styles are worked out once, as it shows (not now,
        and not again at that resize, which finds them as they are)."""
        app = self.app
        width, height = app.size
        classes: dict[str, bool] = {}
        for extent, breakpoints in (
            (width, app.HORIZONTAL_BREAKPOINTS or []),
            (height, app.VERTICAL_BREAKPOINTS or []),
        ):
            taken = self._get_breakpoint_classes(extent, breakpoints)
            classes.update({name: name in taken for _, name in breakpoints})
        self.update_classes(classes, update=False, animate=False)
        self.call_after_refresh(self._restyle_focused)

    def _restyle_focused(self) -> None:
        """The focused column's scrollbar, made by the first layout, takes the focus's
        colours once its styles are worked out again (the first resize did that, when
        it gave the width classes)."""
        if self.focused is not None:
            self.app.update_styles(self.focused)

    def _forward_event(self, event: events.Event) -> None:
        if isinstance(event, events.MouseEvent) and self.reading_the_rest:
            return  # (a click or the wheel, in the moment the board shows only its head,
            # would land on an item not read yet: it does nothing; keys wait instead)
        super()._forward_event(event)

    def _settle_collector(self) -> None:
        if self._rest_asked:  # (off while the rest of a big quarter is read: it is
            self._collector_paused = True  # frozen and turned on once it is shown)
            return
        gc.collect()
        gc.freeze()
        gc.enable()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # (Only for the column that has the focus now: keys read in one burst, `4 r`,
        # moved it to the blocks and back before the blocks' focus was heard, and the
        # pane then described the row under the blocks' cursor.)
        if isinstance(event.widget, BoardList) and event.widget is self.focused:
            self._show_detail(event.widget.selected)
        self.refresh_bindings()

    @on(BoardList.Activated)
    def _activated(self, message: BoardList.Activated) -> None:
        if self._suppress_click:
            self._suppress_click = False
            return
        self.action_edit()

    def on_resize(self) -> None:
        self.call_after_refresh(self.size_columns)

    def action_widen(self) -> None:
        column = self.focused_column()
        if column is None or column.id is None:
            return
        self.widened = None if self.widened == column.id else column.id
        self.size_columns()
        name = {"team": "Team", "stakeholders": "Stakeholders", "blocks": "Blocks"}.get(
            column.id, "Dropped"
        )
        self.say(
            f"{name} column widened: w again gives it back its share."
            if self.widened
            else f"{name} column back to its share of the width."
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_drag":
            return self.drag is not None and self.drag.active
        if self.drag is not None and self.drag.active:
            # (An item carried: a key that moved it, or another, meanwhile made the
            # release say another program had moved it, and the drag was lost.)
            return False
        if self.busy and action not in WHILE_BUSY:
            return None  # shown dimmed: it waits until the long action is done
        return True

    def action_focus_column(self, delta: int) -> None:
        """The column to the left (`delta` -1) or right of the one in focus, as they
        stand on screen: under 110 columns, Team and the stakeholders' lists are to the
        left of the blocks and the dropped column (stacked, they are not in a row)."""
        columns = [c for c in self.columns if c.display]
        current = self.focused_column()
        if current not in columns:
            self.set_focus(columns[0])
            return
        # Back the way it came: → then ← returns to the column it left (stacked, the
        # row alone could lead elsewhere), while that one is still on that side.
        beside = column_beside(current, columns, delta, across=True)
        went, back, came = self._came_from or (None, 0, None)
        if went is current and back == delta and came in columns and beside is not None:
            # (Only where it is as near as the column beside: stacked, both columns of
            # a side are; in a row, the one next to it comes first.)
            gap = gap_to(current, came, delta)
            if gap is not None and gap <= (gap_to(current, beside, delta) or 0):
                beside = came
        self._came_from = (beside, -delta, current) if beside is not None else None
        # At once (`focus()` waits for the next turn): a Down typed in the same burst
        # moves in the column this one went to.
        self.set_focus(beside or current)

    def _past_edge(self, column: BoardList, delta: int) -> None:
        """A step past a column's last line (or above its first) goes on in the column
        below it (or above), where columns stack, on its first line (or last)."""
        columns = [c for c in self.columns if c.display]
        beyond = column_beside(column, columns, delta, across=False)
        if beyond is not None:
            self.set_focus(beyond)
            beyond.action_cursor_to(0 if delta > 0 else -1)

    def action_help(self) -> None:
        from ..modals import HelpScreen

        self.app.push_screen(HelpScreen())
