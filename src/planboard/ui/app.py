"""The planboard application."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.screen import Screen

from ..core.model import Board
from ..core.store import Store
from .screens.board import BoardScreen
from .styles import stylesheet_paths

DEFAULT_FILE = "planboard.db"


class PlanboardApp(App[None]):
    """A board on one SQLite file. Give it an open `Store`, or a path to open."""

    CSS_PATH = stylesheet_paths()
    TITLE = "planboard"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    def __init__(
        self,
        store: Store | str | os.PathLike[str] | None = None,
        *,
        quarter_id: int | None = None,
        notice: str | None = None,
        start_meeting: bool = False,
        preloaded: tuple[Board, int] | None = None,
    ) -> None:
        super().__init__()
        if not isinstance(store, Store):
            store = Store.open(Path(store or os.environ.get("PLANBOARD_DB", DEFAULT_FILE)))
        self.store = store
        self.quarter_id = quarter_id if quarter_id is not None else store.default_quarter().id
        self.notice = notice
        self.start_meeting = start_meeting
        # The quarter as already read (and the file's data version before that read):
        # the board shows it instead of reading it again.
        self.preloaded = preloaded
        self._board: BoardScreen | None = None
        # Suggested blocks the lead discarded (by their items), hidden until planboard closes.
        self.discarded_suggestions: set[frozenset[int]] = set()

    def on_mount(self) -> None:
        if self.store.viewer:
            self.set_interval(1.0, self._take_over)
        # A quarter left live (the laptop died mid-meeting) comes back to the event.
        quarter = self.store.quarter(self.quarter_id)
        board = self.board_screen
        if board is None:
            return
        if self.start_meeting and quarter.status == "preparing":
            self.call_later(board.start_meeting)
        elif quarter.status == "live" or (self.start_meeting and quarter.status == "decided"):
            self.call_later(board.action_meeting)

    def _take_over(self) -> None:
        """A viewer becomes the writer as soon as the other planboard lets go."""
        if not self.store.viewer or not self.store.take_over():
            return
        board = self.board_screen
        if board is not None:
            board.load()
            board.say("The other planboard closed: this one can edit the board now.")

    def get_default_screen(self) -> Screen:
        # The board is the first screen: the first frame painted is the board itself.
        if self._board is None:
            preloaded, self.preloaded = self.preloaded, None
            self._board = BoardScreen(self.store, self.quarter_id, self.notice, preloaded=preloaded)
        return self._board

    def on_unmount(self) -> None:
        self.store.close()

    @property
    def board_screen(self) -> BoardScreen | None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, BoardScreen):
                return screen
        return None

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        board = self.board_screen
        if board is None or screen is not board:
            return
        commands = [
            ("item: New", "Add an item to the list in focus", board.action_new_item),
            ("item: Edit", "Edit the highlighted item, block or stakeholder", board.action_edit),
            (
                "item: Move to block…",
                "Move the highlighted item into a block",
                board.action_move_to_block,
            ),
            ("item: Drop…", "Drop the highlighted item, with a reason", board.action_drop),
            (
                "item: Back to its list",
                "Send the item back to its list / restore it",
                board.action_restore,
            ),
            ("item: Move up", "Move the highlighted item up", lambda: board.action_shift(-1)),
            ("item: Move down", "Move the highlighted item down", lambda: board.action_shift(1)),
            ("item: Delete", "Delete the highlighted item for good", board.action_delete),
            ("block: New", "Create a block", board.action_new_block),
            ("block: Edit", "Rename the block or write its case", board.action_edit),
            ("block: Delete", "Delete the highlighted block (items go back)", board.action_delete),
            ("stakeholder: New", "Add a stakeholder", board.action_new_stakeholder),
            ("stakeholder: Edit", "Edit the highlighted stakeholder", board.action_edit),
            ("stakeholder: Remove", "Remove the highlighted stakeholder", board.action_delete),
            ("quarter: Open…", "Show another quarter", board.action_switch_quarter),
            ("quarter: New…", "Create a quarter", board.action_new_quarter),
            (
                "quarter: Delete (empty only)",
                "Delete the quarter on screen if it holds nothing",
                board.action_delete_quarter,
            ),
            (
                "quarter: Edit vision",
                "Write the team's vision for the quarter",
                board.action_edit_vision,
            ),
            (
                "meeting: Start or open the event",
                "The meeting view for the shared screen",
                board.action_meeting,
            ),
            (
                "meeting: End without a decision",
                "Back to preparing; votes stay",
                board.action_end_meeting,
            ),
            (
                "quarter: Reopen (decided)…",
                "Withdraw the decision, on purpose",
                board.action_reopen,
            ),
            (
                "history: Past quarters",
                "Every quarter, what was chosen and why",
                board.action_history,
            ),
            (
                "quarter: Start the next quarter…",
                "Carry over what was not chosen",
                board.action_next_quarter,
            ),
            ("quarter: Previous", "Show the quarter before", lambda: board.action_step_quarter(-1)),
            ("quarter: Next", "Show the quarter after", lambda: board.action_step_quarter(1)),
            (
                "export: Markdown",
                "The quarter's outcome, as a newsletter",
                lambda: board.action_export("md"),
            ),
            (
                "export: HTML",
                "The quarter's outcome, as a web page",
                lambda: board.action_export("html"),
            ),
            ("export: CSV", "One row per item", lambda: board.action_export("csv")),
            ("export: JSON", "Everything about the quarter", lambda: board.action_export("json")),
            (
                "list: Import…",
                "A file or pasted lines into the list in focus",
                board.action_import_list,
            ),
            (
                "item: Who else asks…",
                "Similar requests on other lists; merge them",
                board.action_also_asked,
            ),
            ("block: Suggest blocks…", "From requests several lists share", board.action_suggest),
            ("board: Search", "Filter by words, @stakeholder, is:loose", board.action_search),
            ("board: Undo", "Undo the last change", board.action_undo),
            ("board: Redo", "Redo what was undone", board.action_redo),
            ("board: Help", "Keys and mouse gestures", board.action_help),
        ]
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)
