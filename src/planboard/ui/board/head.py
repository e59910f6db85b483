"""The head of a big quarter on the board: the rest read in a thread after the first
frame, and the keys that move over the lines already read acting meanwhile."""

from __future__ import annotations

import gc

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from ...core.model import Board
from ..widgets.board_list import BoardList
from ..widgets.board_rows import selectable
from .beside import column_beside
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

    def load(self, read: Board | None = None) -> None:
        raise NotImplementedError  # (`BoardView.load`)

    @property
    def reading_the_rest(self) -> bool:
        """True while the board shows the head of its quarter only (see `load`), or is
        about to: keys typed as planboard starts, before the head is loaded, wait for
        the rest too (they went to the columns as soon as the head was in them, and an
        End then landed on a line not read yet)."""
        board = self.board if self.board is not None else (self._preloaded or (None,))[0]
        return board is not None and board.partial

    def _read_the_rest(self, waited: int = 0) -> None:
        if self.board is None or not self.reading_the_rest or self._rest_asked:
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

        def read() -> Board | None:
            # On a read-only connection of its own: the store's stays the screen's (an
            # event screen over the board may write meanwhile). None: not read there
            # (the file replaced or gone, unreadable): the screen reads it, as before.
            return store.rest_of(quarter_id)

        self.run_worker(read, thread=True, group="rest", name="rest of the quarter")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The rest of a big quarter, read (see `_read_the_rest`). (Textual calls this
        and the overlap room's handler of the same name, each in its turn.)"""
        if event.worker.group != "rest" or not event.worker.is_finished:
            return
        try:
            if self.reading_the_rest and event.state == WorkerState.SUCCESS:
                # (Read on the screen's connection when the thread could not.)
                self.load(event.worker.result)
        finally:
            gc.freeze()
            if self._collector_paused:
                gc.enable()

    def _action_for(self, key: str) -> tuple[DOMNode, str] | None:
        """The action `key` runs now, and where (the user's keymap applied): the first
        binding of the focused widget, the screen, then the app. A column never scrolls
        sideways: its scroll_left and scroll_right give way to the board's keys (as
        they do when they run)."""
        for node, bindings in self._modal_binding_chain:
            for binding in bindings.key_to_bindings.get(key, ()):
                if isinstance(node, BoardList) and binding.action in SIDEWAYS:
                    continue
                return node, binding.action
        return None

    def move_on_head(self, key: str) -> tuple[DOMNode, str] | None:
        """What `key` does now, while the board shows the head of a big quarter
        (`reading_the_rest`), if it is a move to a line already read or to another
        column (the app runs it at once, so that the next key is judged from where it
        left the cursor); None for a key that is to wait for the rest."""
        if self.board is None:
            return None  # (the head is not loaded yet)
        found = self._action_for(key)
        if found is None or found[1] not in MOVES_ON_HEAD:
            return None
        column = self.focused_column()
        step = {"cursor(1)": 1, "cursor(-1)": -1}.get(found[1])
        if step is None or column is None:
            return found
        rows, index = column.rows, column.cursor + step
        while 0 <= index < len(rows) and not selectable(rows, index):
            index += step
        if not 0 <= index < len(rows):  # (it stays, or goes on in the column beyond)
            shown = [c for c in self.columns if c.display]
            beyond = column_beside(column, shown, step, across=False)
            if beyond is None or not beyond.rows:
                return found
            item = beyond.rows[0 if step > 0 else -1].item
            return found if item is None or not item.unread else None
        item = rows[index].item
        return found if item is None or not item.unread else None

    def _footer_shown(self) -> bool:
        return any(key.region.width for key in self.query("FooterKey"))
