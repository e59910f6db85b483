"""The head of a big quarter on the board: the rest read in a thread after the first
frame, and the keys that move over the lines already read acting meanwhile."""

from __future__ import annotations

import gc

from textual import on
from textual.worker import Worker, WorkerState

from ...core.errors import PlanboardError
from ...core.model import Board
from ..widgets.board_list import BoardList
from ..widgets.board_rows import selectable
from .overlap import BoardOverlap

# What a key may do on the head of a big quarter while the rest of it is read (the
# others wait for it): move to another line already read, or to another column.
MOVES_ON_HEAD = frozenset(
    {
        "cursor(-1)",
        "cursor(1)",
        "cursor_to(0)",
        "focus_column(-1)",
        "focus_column(1)",
        "focus_next",
        "focus_previous",
        "app.focus_next",
        "app.focus_previous",
    }
)
SIDEWAYS = frozenset({"scroll_left", "scroll_right"})


class BoardHead(BoardOverlap):
    """Reads the rest of a big quarter whose head shows (`Store.first_screen`)."""

    def load(self, read: Board | None = None, problems: list[str] | None = None) -> None:
        raise NotImplementedError  # (`BoardView.load`)

    @property
    def reading_the_rest(self) -> bool:
        """True while the board shows the head of its quarter only (see `load`)."""
        return self.board is not None and self.board.partial

    def _read_the_rest(self, waited: int = 0) -> None:
        if not self.reading_the_rest or self._rest_asked:
            return
        if not self._footer_shown() and waited < 20:
            # The footer's keys come a frame or two after the board: they show first
            # (the thread that reads the rest would slow those frames).
            self.call_after_refresh(self._read_the_rest, waited + 1)
            return
        self._rest_asked = True
        quarter_id, store = self.quarter_id, self.store
        # Tens of thousands of items are made: the cyclic collector would scan them
        # again and again meanwhile, holding the interpreter lock for tens of
        # milliseconds each time. Off until they are read, then they are frozen.
        self._collector_paused = gc.isenabled()
        gc.disable()

        def read() -> tuple[Board, bool, list[str]] | PlanboardError:
            # The store's connection is this thread's until it is done: the keys that
            # act meanwhile only move, and the app's look at the file waits for it.
            # The rows another program wrote are looked at here too (a tenth of a
            # second at 50,000 items, that a key would wait for on the screen's thread).
            try:
                board = store.board(quarter_id)
                tidied = store.tidy(quarter_id) is not None
                if tidied:
                    board = store.board(quarter_id)
                return board, tidied, store.row_problems(quarter_id)
            except PlanboardError as error:
                return error

        self.run_worker(read, thread=True, group="rest", name="rest of the quarter")

    @on(Worker.StateChanged)
    def _rest_read(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "rest" or not event.worker.is_finished:
            return
        try:
            self._rest_shown(event.worker.result if event.state == WorkerState.SUCCESS else None)
        finally:
            gc.freeze()
            if self._collector_paused:
                gc.enable()

    def _rest_shown(self, read: tuple[Board, bool, list[str]] | PlanboardError | None) -> None:
        if read is None:
            return
        if not self.reading_the_rest:
            return
        if isinstance(read, PlanboardError):  # (the rest of it can't be read: nor can
            self.app.exit(return_code=1, message=str(read))  # the board)
            return
        board, tidied, problems = read
        if tidied:
            self.planboard.caught_up()
        self.load(board, problems)

    def _action_for(self, key: str) -> str | None:
        """The action `key` runs now (the user's keymap applied): the first binding of
        the focused widget, the screen, then the app. A column never scrolls sideways:
        its scroll_left and scroll_right give way to the board's keys (as they do when
        they run)."""
        for node, bindings in self._modal_binding_chain:
            for binding in bindings.key_to_bindings.get(key, ()):
                if isinstance(node, BoardList) and binding.action in SIDEWAYS:
                    continue
                return binding.action
        return None

    def takes_on_head(self, key: str) -> bool:
        """Whether `key` can act now, while the board shows the head of a big quarter
        (`reading_the_rest`): a move to a line already read, or to another column."""
        action = self._action_for(key)
        if action not in MOVES_ON_HEAD:
            return False
        column = self.focused_column()
        step = {"cursor(1)": 1, "cursor(-1)": -1}.get(action)
        if step is None or column is None:
            return True
        rows, index = column.rows, column.cursor + step
        while 0 <= index < len(rows) and not selectable(rows, index):
            index += step
        if not 0 <= index < len(rows):
            return True  # (it stays where it is)
        item = rows[index].item
        return item is None or not item.unread

    def _footer_shown(self) -> bool:
        return any(key.region.width for key in self.query("FooterKey"))
