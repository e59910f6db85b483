"""The board: every list side by side, the blocks, the dropped items.

The screen owns the quarter on display and talks to the store; each action's `Change`
tells it which groups to re-read, so a move repaints two groups, not the board.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.content import Content
from textual.errors import NoWidget
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

from ...core.errors import PlanboardError, ValidationError
from ...core.model import (
    STAKEHOLDER_COLOURS,
    Block,
    Board,
    Change,
    Item,
    Place,
    Quarter,
    Stakeholder,
    askers,
    owner_name,
)
from ...core.rules import move_verdict, why_read_only
from ...core.store import Store
from ...core.text import clean_line
from ..widgets.bars import (
    BoardFooter,
    DetailBar,
    DragGhost,
    StatusLine,
    TitleBar,
    VisionBar,
)
from ..widgets.board_list import BoardList, DropSpot, Group, Row
from .actions import StoreActions

if TYPE_CHECKING:
    from ...core.importer import ParsedList
    from ..app import FileChanged, PlanboardApp

COLUMN_IDS = ("team", "stakeholders", "blocks", "dropped")
LONG_REPLAY = 200_000  # bytes of an action's record: a larger undo or redo runs in the background
LONG_IMPORT = 2_000  # items: a larger import runs in the background
PROGRESS_EVERY = 0.25  # seconds between two progress lines of a long action
# What stays live while a long action runs (moving about in the columns is the lists' own).
WHILE_BUSY = frozenset({"focus_column", "help", "cancel_drag"})
# Actions after which the overlap between lists is worked out again (a move changes
# where items are, not what they ask for).
OVERLAP_ACTIONS = frozenset(
    {
        "add_item",
        "edit_item",
        "remove_item",
        "import",
        "merge_items",
        "reject_pair",
        "unmerge_item",
        "add_stakeholder",
        "edit_stakeholder",
        "remove_stakeholder",
        "undo",
        "redo",
        "add_block",
        "delete_block",
    }
)
# Actions that take one item out of one place and into another (or to another index
# of a block or the dropped area): the columns follow from that item alone.
ONE_ITEM_ACTIONS = frozenset({"move_item", "drop_item"})
Neighbour = tuple[int, str, str]  # item id, whose, title


@dataclass
class Drag:
    """A press that may become a drag, and what it would do if released now."""

    source: BoardList
    row: Row
    x: int
    y: int
    active: bool = False
    target: BoardList | None = None
    spot: DropSpot | None = None
    valid: bool = False
    pointer: tuple[int, int] = (0, 0)

    @property
    def item(self) -> Item | None:
        return self.row.item

    @property
    def block(self) -> Block | None:
        return self.row.group.block if self.row.kind == "header" else None


MIN_COLUMN = 18  # no column is squeezed narrower than this


def share_width(
    wanted: dict[str, int], width: int, *, widened: str | None = None
) -> dict[str, int]:
    """Column widths that add up to `width`: a column that wants less than an even share
    gets what it wants, the others share the rest in proportion to what they want (so a
    column of short lines never takes room long titles need); spare room goes to all, in
    proportion. `widened`
    gets what it wants first, the others keep at least `MIN_COLUMN`."""
    names = list(wanted)
    floor = min(MIN_COLUMN, width // max(1, len(names)))
    if sum(wanted.values()) <= width:
        spare = width - sum(wanted.values())
        total = sum(wanted.values()) or 1
        widths = {n: wanted[n] + spare * wanted[n] // total for n in names}
    else:
        widths = {}
        pool = dict(wanted)
        room = width
        if widened in pool:
            take = min(pool.pop(widened), room - floor * len(pool))
            widths[widened] = max(floor, take)
            room -= widths[widened]
        # The modest columns get what they want; the rest share by what they want.
        while pool:
            share = room // len(pool)
            modest = {n: w for n, w in pool.items() if w <= share}
            if not modest:
                total = sum(pool.values()) or 1
                for n, w in pool.items():
                    widths[n] = max(floor, room * w // total)
                break
            for n, w in modest.items():
                widths[n] = max(floor, w)
                room -= widths[n]
                del pool[n]
    # Rounding: the last column takes what is left.
    widths[names[-1]] += width - sum(widths.values())
    return widths


class BoardScreen(StoreActions, Screen[None]):
    """The planning board of one quarter."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """As on every screen, without the repaint of the whole screen Textual makes on each
    focus change: the columns that gain and lose focus repaint themselves (their styles
    change), and a move that takes the focus along is then one frame, not a full one."""

    BINDINGS = [
        Binding("n", "new_item", "New", tooltip="Add an item to the list in focus"),
        Binding("b", "new_block", "Block"),
        Binding("m", "move_to_block", "Move", tooltip="Move the item to a block"),
        Binding("d", "drop", "Drop", tooltip="Drop the item, with a reason"),
        Binding("r", "restore", "Back", tooltip="Send the item back to its list"),
        Binding("e,enter", "edit", "Edit", show=False),
        Binding("u,ctrl+z", "undo", "Undo"),
        Binding("ctrl+y,U", "redo", "Redo", show=False),
        Binding("o", "switch_quarter", "Quarter"),
        Binding("O", "compare_board", "Compare boards", show=False),
        Binding("M", "meeting", "Meeting", tooltip="Start or open the planning event"),
        Binding(
            "slash", "search", "Search", tooltip="Filter the board by text, @stakeholder, is:loose"
        ),
        Binding("a", "also_asked", "Also asked", show=False),
        Binding("S", "suggest", "Suggest blocks", show=False),
        Binding("i", "import_list", "Import", show=False),
        Binding("H", "history", "History", show=False),
        Binding("left_square_bracket", "step_quarter(-1)", "Previous quarter", show=False),
        Binding("right_square_bracket", "step_quarter(1)", "Next quarter", show=False),
        Binding("question_mark,f1", "help", "Help"),
        Binding("s", "new_stakeholder", "New stakeholder", show=False),
        Binding("v", "edit_vision", "Vision", show=False),
        Binding("w", "widen", "Widen column", show=False),
        Binding("shift+up,K", "shift(-1)", "Up", show=False),
        Binding("shift+down,J", "shift(1)", "Down", show=False),
        Binding("delete,x", "delete", "Delete", show=False),
        Binding("left,h", "focus_column(-1)", "Column left", show=False),
        Binding("right,l", "focus_column(1)", "Column right", show=False),
        Binding("escape", "cancel_drag", "Cancel drag", show=False),
        *[Binding(str(n), f"move_to_nth({n})", f"To block {n}", show=False) for n in range(1, 10)],
    ]

    def __init__(
        self,
        store: Store,
        quarter_id: int,
        notice: str | None = None,
        *,
        preloaded: tuple[Board, int] | None = None,
    ) -> None:
        super().__init__()
        # The quarter already read by whoever opened the file, and the file's data
        # version before that read: the first load shows it instead of reading again.
        self._preloaded = preloaded
        self.store = store
        self.quarter_id = quarter_id
        self.notice = notice
        # Opened from the history: past quarters are shown read-only (`o` opens to edit).
        self.looking_back = False
        self.board: Board | None = None
        self.stakeholder_map: dict[int, tuple[Stakeholder, int]] = {}
        self.stakeholders_by_id: dict[int, Stakeholder] = {}
        self.block_map: dict[int, Block] = {}
        self.drag: Drag | None = None
        self._scroll_timer: Timer | None = None
        self._scroll_step = 0
        self._suppress_click = False
        self._stale = False  # the file changed while the board could not re-read it
        self._replica: tuple[str, bool] | None = None  # what the title bar says of it
        self._replaying: str | None = None  # the action an undo or redo replays
        self._outside_write = False  # another program wrote since this screen last read
        self._pending_go: int | None = None
        self.neighbours: dict[int, list[Neighbour]] = {}  # similar items on other lists
        self.match_why: Callable[[int, int], str] = lambda a, b: ""  # why two items match
        self.match_note = ""  # what the matcher could not do (no numpy), or ""
        self.merged: dict[int, list[Item]] = {}  # requests merged into an item
        self._bad_rows: list[str] = []  # rows with values of the wrong type, last named
        self.widened: str | None = None  # the column `w` widened, if any
        self.ask_to_start = False  # `planboard meeting`: offer to start the event on mount
        self._sized: tuple[object, ...] | None = None  # what the column widths were made for
        self._build()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        from textual.widgets import Input

        self.search_bar = Input(
            placeholder="Search: words, @stakeholder, is:loose — Enter to go, Esc to clear",
            id="search",
            compact=True,
        )
        self.search_bar.display = False
        """Make the widgets up front: loading can fill them before they are mounted,
        so the first frame painted is the whole board."""
        self.title_bar = TitleBar(id="title")
        self.vision_bar = VisionBar(id="vision")
        self.detail_bar = DetailBar(id="detail")
        self.status_line = StatusLine(id="status")
        self.ghost = DragGhost(id="ghost")
        self._columns = {
            "team": self._column("team", show_headers=False, show_tags=False),
            "stakeholders": self._column(
                "stakeholders",
                show_headers=True,
                show_tags=True,
                tag_as_bar=True,
                placeholder="No stakeholders yet — press s to add one.",
            ),
            "blocks": self._column(
                "blocks",
                show_headers=True,
                show_tags=True,
                indent=1,
                placeholder="No blocks yet — press b to create one.",
            ),
            "dropped": self._column("dropped", show_headers=False, show_tags=True),
        }

    def compose(self) -> ComposeResult:
        yield self.title_bar
        yield self.vision_bar
        yield self.search_bar
        with Horizontal(id="board"):
            # Under 110 columns each pair stacks: Team over the stakeholders' lists, the
            # dropped column under the blocks; two columns wide enough for the titles.
            with Container(id="left"):
                yield self._columns["team"]
                yield self._columns["stakeholders"]
            with Container(id="right"):
                yield self._columns["blocks"]
                yield self._columns["dropped"]
        yield self.detail_bar
        yield self.status_line
        yield BoardFooter()
        yield self.ghost

    def _column(self, name: str, **options: Any) -> BoardList:
        column = BoardList(tag_for=self.tag_for, id=name, **options)
        column.drag_listener = self
        column.cursor_listener = self._cursor_moved
        if name == "blocks":
            column.header_note = self._block_note
        return column

    def column(self, name: str) -> BoardList:
        return self._columns[name]

    @property
    def columns(self) -> list[BoardList]:
        return [self.column(name) for name in COLUMN_IDS]

    def column_for(self, place: Place) -> BoardList:
        if place.is_block:
            return self.column("blocks")
        if place.is_dropped:
            return self.column("dropped")
        return self.column("team" if place.ref is None else "stakeholders")

    @property
    def planboard(self) -> PlanboardApp:
        """The app this board runs in (its file watcher, its long-action flag)."""
        return cast("PlanboardApp", self.app)

    @property
    def _busy(self) -> str:
        """What a long action running in the background is doing ("" when none)."""
        return self.planboard.busy

    @_busy.setter
    def _busy(self, what: str) -> None:
        self.planboard.busy = what

    def on_mount(self) -> None:
        self.load()
        # What is loaded now lives as long as the app: keep it out of the cyclic
        # collector's scans, which otherwise stall a frame now and then on big boards.
        # `planboard` starts with the collector off: it runs once the board has
        # painted, to clear start-up's garbage before the rest is frozen.
        if gc.isenabled():
            gc.freeze()
        else:
            self.call_after_refresh(self._settle_collector)
        self.column("team").focus()
        if self.notice:
            self.status_line.say(self.notice)
        if self.ask_to_start:
            self.ask_to_start = False
            self.call_later(self.action_meeting)
        # The app's one file watcher says when the file changed under the board.
        self.planboard.board_changed.subscribe(self, self._file_changed, immediate=True)
        self.set_timer(0.5, self._poll_replica)
        self.set_interval(2.0, self._poll_replica)

    @staticmethod
    def _settle_collector() -> None:
        gc.collect()
        gc.freeze()
        gc.enable()

    # --------------------------------------------------------------- loading

    @property
    def quarter(self) -> Quarter:
        assert self.board is not None
        return self.board.quarter

    def tag_for(self, item: Item) -> tuple[str, str]:
        """The owner's tag and colour (the colour stored with the stakeholder)."""
        if item.stakeholder_id is None:
            return ("Team", "")
        known = self.stakeholder_map.get(item.stakeholder_id)
        if known is None:
            return ("?", "")
        stakeholder, _ = known
        return (stakeholder.tag, stakeholder.colour or "-")

    def load(self) -> None:
        """Read the whole quarter (on open, on switching quarter, after another program
        changed the file). Actions repaint only what they changed. Once it has painted,
        rows another program wrote are looked at (see `_check_outside_rows`)."""
        preloaded, self._preloaded = self._preloaded, None
        try:
            if preloaded is not None and preloaded[0].quarter.id == self.quarter_id:
                board = preloaded[0]
            else:
                board = self.store.board(self.quarter_id)
        except PlanboardError as error:
            if self.board is None:
                raise  # nothing to show at all: the app can't start on this file
            self.say(str(error), error=True)  # keep showing what was last read
            return
        self.board = board
        self.stakeholder_map = {s.id: (s, i) for i, s in enumerate(board.stakeholders)}
        self.stakeholders_by_id = {s.id: s for s in board.stakeholders}
        self.block_map = {b.id: b for b in board.blocks}
        self._show_quarter()
        self.column("team").set_groups(
            [
                Group(
                    Place.team(),
                    "Team",
                    board.items_at(Place.team()),
                    empty_text=self._hint("(no candidates yet — n adds one)"),
                )
            ]
        )
        self.column("stakeholders").set_groups(
            [
                self._stakeholder_group(s, board.items_at(Place.of_list(s.id)))
                for s in board.stakeholders
            ]
        )
        self._set_block_groups({b.id: board.items_at(Place.block(b.id)) for b in board.blocks})
        self.column("dropped").set_groups(
            [
                Group(
                    Place.dropped(),
                    "Dropped",
                    board.items_at(Place.dropped()),
                    empty_text=self._hint("(nothing dropped — drag here, or d)"),
                )
            ]
        )
        self._update_titles()
        # The board read holds the merged requests already (merged_map's order: by id).
        self.merged = {
            survivor: sorted(items, key=lambda item: item.id)
            for survivor, items in board.merged.items()
        }
        self.call_after_refresh(self._check_outside_rows)
        # The quarter may have become read-only, or editable (decided or reopened
        # elsewhere, a viewer taking over): the footer dims the edit keys to match.
        self.refresh_bindings()
        # After the frame: the board shows first, the overlap follows.
        self.call_after_refresh(self._refresh_overlap)

    def _check_outside_rows(self) -> None:
        """After the board has painted (it never delays a frame): rows another program
        added without positions are put in order (and the board re-read), and rows
        holding values of the wrong type are named on the status line, once for each
        new set of them. Until then, rows without a position show at the end."""
        if self._busy or self.board is None:
            return
        try:
            if self.store.tidy(self.quarter_id) is not None:
                self.planboard.caught_up()
                self.load()
                return
            found = self.store.row_problems(self.quarter_id)
        except PlanboardError:
            return
        if found and found != self._bad_rows:
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            self.status_line.say(f"Another program wrote {found[0]}{more}.", error=True)
        self._bad_rows = found

    # ------------------------------------------------------------- overlap

    def _owner_name(self, stakeholder_id: int | None) -> str:
        return owner_name(stakeholder_id, self.stakeholders_by_id)

    def _refresh_overlap(self) -> None:
        """Work out, in a thread, which items on different lists ask for the same
        thing; the board shows it when done (it never delays a frame; on a big board it
        runs in a process of its own). Meaning vectors already in the file are reused;
        new or edited titles are embedded there."""
        from ...core.background import neighbours_anywhere
        from ...core.similar import Entry

        entries = [
            Entry(item.id, item.title, item.stakeholder_id)
            for name in ("team", "stakeholders", "blocks")
            for group in self.column(name).groups
            for item in group.items
        ]
        names = {e.key: (self._owner_name(e.owner), e.text) for e in entries}
        try:
            stored: dict[Any, tuple[str, bytes]] = dict(self.store.item_vectors(self.quarter_id))
            rejected: set[frozenset[Any]] = set(self.store.rejected_pairs(self.quarter_id))
        except PlanboardError:
            stored, rejected = {}, set()
        self.run_worker(
            lambda: neighbours_anywhere(entries, names, stored, rejected),
            thread=True,
            exclusive=True,
            group="overlap",
            name="overlap",
        )

    def on_worker_state_changed(self, event: Any) -> None:
        from textual.worker import WorkerState

        worker = event.worker
        if worker.group == "long" and event.state in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            self._long_done(event)
            return
        if worker.group == "overlap" and event.state == WorkerState.SUCCESS:
            neighbours, found = worker.result or ({}, None)
            self.neighbours = neighbours
            if found is not None:
                self.match_why = found.why
                self.match_note = found.note
                if found.new_vectors:
                    self.store.save_item_vectors(found.new_vectors)
            self._show_marks()
            self._show_detail(self.selected_row())

    def asked_by(self, item: Item) -> set[str]:
        """Who asks for this: its owner, whose requests were merged into it, and the
        lists with a similar request."""
        owners = {self._owner_name(item.stakeholder_id)}
        owners.update(self._owner_name(m.stakeholder_id) for m in self.merged.get(item.id, ()))
        owners.update(who for _, who, _ in self.neighbours.get(item.id, ()))
        return owners

    def _show_marks(self) -> None:
        """One set of marks for every column: an item keeps its mark when it moves."""
        marks = {}
        for column in self.columns:
            for group in column.groups:
                for item in group.items:
                    count = len(self.asked_by(item))
                    if count > 1:
                        marks[item.id] = f"×{count}"
        for column in self.columns:
            column.set_marks(marks)
        self.size_columns()

    def _block_note(self, group: Group) -> str:
        if group.block is None:
            return ""
        count = len(group.items)
        stakeholders = sum(1 for who in askers(group.items, self.merged) if who is not None)
        asked = f" · {stakeholders} asked" if stakeholders else ""
        return f"{count} item{'s' if count != 1 else ''}{asked}"

    def _stakeholder_group(self, stakeholder: Stakeholder, items: list[Item]) -> Group:
        return Group(
            Place.of_list(stakeholder.id),
            stakeholder.name,
            items,
            stakeholder=stakeholder,
            note=stakeholder.department,
            empty_text=self._hint("(no items — press n to add)"),
        )

    def _set_block_groups(self, items: dict[int, list[Item]]) -> None:
        self.column("blocks").set_groups(
            [
                Group(
                    Place.block(b.id),
                    b.name,
                    items.get(b.id, []),
                    block=b,
                    empty_text=self._hint("(empty — drag items here)"),
                    number=number,
                )
                for number, b in enumerate(self.block_map.values(), start=1)
            ]
        )

    #: Shown dimmed in the footer while the quarter can't be changed.
    EDIT_ACTIONS = frozenset(
        {"new_item", "new_block", "move_to_block", "drop", "restore", "undo", "redo"}
    )

    def footer_dimmed(self) -> frozenset[str]:
        """The footer's keys that would only be refused on this quarter."""
        return self.EDIT_ACTIONS if self._read_only_reason() else frozenset()

    def _read_only_reason(self) -> str:
        if self.store.readonly:
            return self.store.readonly_reason
        if self.board is not None and why_read_only(self.quarter):
            return "this quarter is decided"
        if self._looking_back_at_past():
            return "a past quarter, opened from the history; o opens it to edit"
        return ""

    def _looking_back_at_past(self) -> bool:
        """Opened from the history, and not the quarter being prepared now."""
        if not self.looking_back or self.board is None or self.quarter.is_decided:
            return False
        try:
            return self.store.default_quarter().id != self.quarter_id
        except PlanboardError:
            return False

    def _hint(self, text: str) -> str:
        """An empty place's hint; a read-only board just says it is empty."""
        return "(empty)" if self._read_only_reason() else text

    def _show_quarter(self) -> None:
        quarter = self.quarter
        reason = self._read_only_reason()
        self.title_bar.show(quarter, self.store.path.name, reason, self._replica)
        self.vision_bar.show(quarter.vision)
        self.set_class(bool(reason), "-readonly")

    def _update_titles(self) -> None:
        def count(name: str) -> int:
            return sum(len(g.items) for g in self.column(name).groups)

        stake, blocks = self.column("stakeholders"), self.column("blocks")
        titles = {
            "team": f"Team · {count('team')}",
            "stakeholders": f"Stakeholders · {len(stake.groups)} · {count('stakeholders')} items",
            "blocks": f"Blocks · {len(blocks.groups)} · {count('blocks')} items",
            "dropped": f"Dropped · {count('dropped')}",
        }
        for name, title in titles.items():
            column = self.column(name)
            if column.border_title != title:
                column.border_title = title
        self.call_after_refresh(self.size_columns)  # what they hold may have grown

    def apply(self, change: Change) -> None:
        """Repaint what a change touched, then put the cursor on what it was about."""
        acted = change.action
        if acted in ("undo", "redo") and self._replaying:
            acted = self._replaying
        self._replaying = None
        if change.stakeholders or (change.quarters and change.quarter_id != self.quarter_id):
            self.load()
        else:
            if change.quarters:
                self.board = Board(
                    self.store.quarter(self.quarter_id),
                    self.board.stakeholders if self.board else [],
                    [],
                    {},
                )
                self._show_quarter()
            if change.blocks:
                self.block_map = {b.id: b for b in self.store.blocks(self.quarter_id)}
                blocks = self.column("blocks")
                current = {g.key.ref: g.items for g in blocks.groups}
                items = {
                    block_id: (
                        self.store.items_at(self.quarter_id, Place.block(block_id))
                        if Place.block(block_id) in change.places or block_id not in current
                        else current[block_id]
                    )
                    for block_id in self.block_map
                }
                self._set_block_groups(items)
            one_item = (
                acted in ONE_ITEM_ACTIONS
                and not (change.blocks or change.quarters or self._outside_write)
                and self._apply_one_item(change)
            )
            for place in () if one_item else change.places:
                if place.is_block and (change.blocks or place.ref not in self.block_map):
                    continue
                self.column_for(place).update_group(
                    place, self.store.items_at(self.quarter_id, place)
                )
            self._update_titles()
        self._focus_change(change)
        self.refresh_bindings()
        if acted in OVERLAP_ACTIONS:
            self.merged = self.store.merged_map(self.quarter_id)
            self._refresh_overlap()
        # (marks belong to items, not places: a move keeps them as they are)

    def _apply_one_item(self, change: Change) -> bool:
        """Apply a change that moved one item from what the columns hold and that
        item's row: blocks and the dropped area are numbered 0, 1, … in order, so the
        item goes in at its place_position; a list it comes back to is put in the
        file's order by ids. False (nothing changed) when the columns can't tell."""
        if change.item_id is None or not change.places or len(change.places) > 2:
            return False
        item = self.store.item(change.item_id)
        if not item.is_merged and item.place not in change.places:
            return False
        updates = []
        for place in change.places:
            column = self.column_for(place)
            group = column.group(place)
            if group is None:
                return False
            items = [i for i in group.items if i.id != item.id]
            if not item.is_merged and item.place == place:
                if place.is_list:
                    known = {i.id: i for i in items}
                    known[item.id] = item
                    order = self.store.item_ids_at(self.quarter_id, place)
                    if len(order) != len(known) or any(i not in known for i in order):
                        return False
                    items = [known[i] for i in order]
                else:
                    items.insert(min(max(item.place_position or 0, 0), len(items)), item)
            updates.append((column, place, items))
        for column, place, items in updates:
            column.update_group(place, items)
        return True

    def _focus_change(self, change: Change) -> None:
        if change.item_id is not None:
            try:
                item = self.store.item(change.item_id)
            except PlanboardError:
                return
            column = self.column_for(item.place)
            if column.select_item(item.id, key=item.place):
                self._focus_column(column)
        elif change.block_id is not None and change.block_id in self.block_map:
            column = self.column("blocks")
            if column.select_group(Place.block(change.block_id)):
                self._focus_column(column)
        elif change.stakeholders:
            lists = [p for p in change.places if p.is_list and p.ref is not None]
            column = self.column("stakeholders")
            if len(lists) == 1 and column.select_group(lists[0]):
                self._focus_column(column)

    def _focus_column(self, column: BoardList) -> None:
        """Focus a column, with the detail pane on its row in the same frame (the
        focus itself arrives a moment later)."""
        column.focus()
        self._show_detail(column.selected)

    def file_lost(self, message: str) -> None:
        """The file was replaced or removed while open: read-only from now on, saying so."""
        self._show_quarter()
        self.refresh_bindings()
        self.say(message, error=True)

    def _poll_replica(self) -> None:
        """When replication (`planboard replicate`) last caught up, from its status file;
        a warning once it is behind by more than a minute, or has stopped."""
        from ...core.replica import replica_state

        try:
            state = replica_state(self.store.path)
        except (OSError, ValueError):
            state = None
        shown = None if state is None else (state.label(), state.behind or state.stopped)
        if shown != self._replica:
            self._replica = shown
            if self.board is not None:
                self._show_quarter()

    def _file_changed(self, change: FileChanged) -> None:
        """The app's watcher saw the file change (another program, or another screen):
        re-read it now if the board is in view, else when it comes back (a board under
        the event screen is not re-read at each vote) or once a drag is over."""
        self._stale = True
        self._catch_up()

    def _catch_up(self) -> None:
        """Re-read the file if it changed while the board could not show it."""
        if not self._stale or self.drag is not None or not self.is_current:
            return
        self._stale = False
        was_decided = self.board is not None and self.quarter.is_decided
        self.load()
        if self.board is not None and self.quarter.is_decided and not was_decided:
            # The last message may offer an undo the decided quarter would refuse.
            self.say(f"{self.quarter.name} is decided: its board is read-only.")

    # ------------------------------------------------------------- running ops

    def after(self, change: Change) -> None:
        """Repaint after a successful action and say what it did."""
        try:
            # This connection's own writes leave its data version as it was: a new one
            # means another program wrote too, and what the columns hold may be stale.
            self._outside_write = self.planboard.caught_up()
            self.apply(change)
        except PlanboardError as error:  # saved, but the file could not be re-read
            self.say(str(error), error=True)
            return
        if change.event_id is None or self._read_only_reason():
            self.say(change.summary)  # nothing here can be undone
        else:
            hint = "Ctrl+Y redoes it" if change.summary.startswith("Undid") else "u undoes it"
            self.say(f"{change.summary}  ({hint})")

    def resync(self) -> None:
        self.load()

    def writable(self) -> bool:
        """True if this quarter can be changed; otherwise says why."""
        if self._busy:
            self.say(f"{self._busy}… — wait until it is done.", error=True)
            return False
        file_reason = self.store.readonly_reason if self.store.readonly else None
        reason = why_read_only(self.quarter, file_reason=file_reason)
        if reason:
            self.say(reason, error=True)
            return False
        if self._looking_back_at_past():
            self.say(
                f"{self.quarter.name} is a past quarter, opened from the history to look at: "
                "press o and open it to change it.",
                error=True,
            )
            return False
        return True

    # ------------------------------------------------------------ selection

    def focused_column(self) -> BoardList | None:
        focused = self.focused
        return focused if isinstance(focused, BoardList) else None

    def selected_row(self) -> Row | None:
        column = self.focused_column()
        return column.selected if column else None

    def selected_item(self) -> Item | None:
        row = self.selected_row()
        return row.item if row is not None and row.kind == "item" else None

    def _cursor_moved(self, column: BoardList, row: Row | None) -> None:
        """A column's cursor moved: the detail pane follows in the same frame."""
        if column is not self.focused and self.focused is not None:
            return
        self._show_detail(row)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, BoardList):
            self._show_detail(event.widget.selected)
        self.refresh_bindings()

    def _show_detail(self, row: Row | None) -> None:
        detail = self.detail_bar
        if row is None:
            detail.show_text("")
        elif row.kind == "item" and row.item is not None:
            item = row.item
            owner = self.stakeholder_map.get(item.stakeholder_id or -1, (None, 0))[0]
            detail.show_item(
                item,
                owner,
                self.block_map.get(item.block_id or -1),
                also=[(who, title) for _, who, title in self.neighbours.get(item.id, ())],
                merged=[
                    (self._owner_name(m.stakeholder_id), m.title)
                    for m in self.merged.get(item.id, ())
                ],
            )
        elif row.group.block is not None:
            block = row.group.block
            names, team = self._askers(row.group.items)
            detail.show_block(block, len(row.group.items), names, team=team)
        elif row.group.key.is_list:
            detail.show_stakeholder(row.group.stakeholder, len(row.group.items))
        else:
            detail.show_text(row.group.empty_text)

    def _askers(self, items: list[Item]) -> tuple[list[str], bool]:
        """The stakeholders who asked for these items (merged requests count), and
        whether the team's own candidates are among them."""
        who = askers(items, self.merged)
        return [self._owner_name(sid) for sid in who if sid is not None], None in who

    @on(BoardList.Activated)
    def _activated(self, message: BoardList.Activated) -> None:
        if self._suppress_click:
            self._suppress_click = False
            return
        self.action_edit()

    # ---------------------------------------------------------------- actions

    # ------------------------------------------------------------ column widths

    def on_resize(self) -> None:
        self.call_after_refresh(self.size_columns)

    def size_columns(self) -> None:
        """Share the board's width by what the columns hold: a column that needs little
        takes little, the others share the rest; `w` gives the focused one its fill."""
        board = self.query_one("#board")
        width = board.content_region.width
        if width <= 0:
            return
        narrow = self.app.size.width < 110
        team, lists = self.column("team"), self.column("stakeholders")
        blocks, dropped = self.column("blocks"), self.column("dropped")
        wanted = {
            "team": team.natural_width(),
            "stakeholders": lists.natural_width(),
            "blocks": blocks.natural_width(),
            "dropped": dropped.natural_width(),
        }
        key = (width, narrow, self.widened, tuple(wanted.values()))
        if key == self._sized:
            return
        self._sized = key
        left, right = self.query_one("#left"), self.query_one("#right")
        if narrow:  # two stacks: Team over the lists, the dropped column under the blocks
            wanted = {
                "left": max(wanted["team"], wanted["stakeholders"]),
                "right": max(wanted["blocks"], wanted["dropped"]),
            }
            widths = share_width(wanted, width, widened=self._widened_slot(narrow))
            left.styles.width, right.styles.width = widths["left"], widths["right"]
            for column in self.columns:
                column.styles.width = "1fr"
            return
        widths = share_width(wanted, width, widened=self.widened)
        left.styles.width = widths["team"] + widths["stakeholders"]
        right.styles.width = widths["blocks"] + widths["dropped"]
        for name, column in zip(COLUMN_IDS, self.columns, strict=True):
            column.styles.width = widths[name]

    def _widened_slot(self, narrow: bool) -> str | None:
        if narrow and self.widened is not None:
            return "left" if self.widened in ("team", "stakeholders") else "right"
        return self.widened

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
        if self._busy and action not in WHILE_BUSY:
            return None  # shown dimmed: it waits until the long action is done
        return True

    # ------------------------------------------------------- long actions

    def _run_long(self, what: str, op: Callable[[Callable[[int, int], None]], Change]) -> None:
        """Run a long action (undo or redo of a big one, an import) in a thread, with a
        progress line: the screen and the moving keys stay live, the keys that change or
        re-read the board wait until it is done (the file is one connection)."""
        self._busy = what
        self._show_progress(what, 0, 0)
        self.refresh_bindings()

        shown = [0.0]

        def progress(done: int, total: int) -> None:
            # A few times a second is enough to see it move: each call waits for the
            # screen, and hundreds of them would slow both the work and the keys.
            now = time.monotonic()
            if now - shown[0] < PROGRESS_EVERY and done != total:
                return
            shown[0] = now
            self.app.call_from_thread(self._show_progress, what, done, total)

        self.run_worker(
            lambda: op(progress), thread=True, group="long", name=what, exit_on_error=False
        )

    def _show_progress(self, what: str, done: int, total: int) -> None:
        if not self._busy:
            return
        count = f" {done:,} of {total:,} rows" if total else ""
        if total and done == total:
            count = f" {total:,} rows, saving"
        self.status_line.show(
            Content.assemble(
                ("⋯ ", "bold $text-warning"),
                f"{what}…{count}",
                (" — other keys wait until it is done", "$text-muted"),
            )
        )

    def _long_done(self, event: Any) -> None:
        from textual.worker import WorkerState

        self._busy = ""
        self.refresh_bindings()
        if event.state == WorkerState.SUCCESS:
            self.after(event.worker.result)
            return
        error = event.worker.error
        if event.state == WorkerState.CANCELLED or error is None:
            self.say("Stopped before it was done; nothing was changed.", error=True)
            self.resync()
        elif isinstance(error, ValidationError):
            self.say(str(error), error=True)
        elif isinstance(error, PlanboardError):
            self.say(str(error), error=True)
            self.resync()
        else:
            self.say(f"That did not work ({error}); nothing was changed.", error=True)
            self.resync()

    def action_focus_column(self, delta: int) -> None:
        columns = [c for c in self.columns if c.display]
        current = self.focused_column()
        index = columns.index(current) if current in columns else 0
        columns[max(0, min(index + delta, len(columns) - 1))].focus()

    def action_compare_board(self) -> None:
        """Open another board read-only beside this one: each team's quarters, what
        they chose and whom they cut off."""
        from ...core.store import Store
        from ..modals import Field, FormModal
        from .boards import CompareBoardsScreen

        def submit(values: dict[str, Any]) -> str | None:
            text = str(values.get("path") or "").strip()
            if not text:
                return "Give the path of a board file."
            path = Path(text).expanduser()
            if not path.is_absolute():
                path = self.store.path.resolve().parent / path
            if not path.is_file():
                return f"{path} is not a file."
            try:
                other = Store.open(path, create=False, readonly=True)
            except PlanboardError as error:
                return str(error)
            self.app.call_later(self.app.push_screen, CompareBoardsScreen(self.store, other))
            return None

        self.app.push_screen(
            FormModal(
                "Compare with another board",
                [Field("path", "Board file", placeholder="e.g. ../ops-analytics.db")],
                submit,
                save_label="Open",
                intro="It opens read-only, beside this one.",
            )
        )

    def action_help(self) -> None:
        from ..modals import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_undo(self) -> None:
        if self.writable():
            self._replay(undo=True)

    def action_redo(self) -> None:
        if self.writable():
            self._replay(undo=False)

    def _replay(self, *, undo: bool) -> None:
        """Undo or redo; a large one (an import of thousands) in the background."""
        step = self.store.undo if undo else self.store.redo
        try:
            size = self.store.replay_size(self.quarter_id, undo=undo)
        except PlanboardError:
            size = 0
        if size < LONG_REPLAY:
            self.run_op(lambda: self._replay_now(undo=undo))
            return
        self._replaying = None  # a long replay reloads what it changed
        self._run_long(
            "Undoing" if undo else "Redoing",
            lambda progress: step(self.quarter_id, progress=progress),
        )

    def _replay_now(self, *, undo: bool) -> Change:
        # What is replayed decides what to repaint (a move's undo is a move).
        self._replaying = self.store.replay_action(self.quarter_id, undo=undo)
        return self.store.undo(self.quarter_id) if undo else self.store.redo(self.quarter_id)

    def _owner_choices(self) -> list[tuple[str, int | None]]:
        assert self.board is not None
        return [("Team (our own candidates)", None)] + [
            (s.name, s.id) for s, _ in sorted(self.stakeholder_map.values(), key=lambda p: p[1])
        ]

    def action_new_item(self) -> None:
        if not self.writable():
            return
        from ..modals import Field, FormModal

        row = self.selected_row()
        owner: int | None = None
        block_id: int | None = None
        if row is not None:
            if row.group.key.is_list:
                owner = row.group.key.ref
            elif row.item is not None:
                owner = row.item.stakeholder_id
            if row.group.key.is_block:
                block_id = row.group.key.ref
        title = "New item"
        if block_id is not None:
            title += f" in block {clean_line(self.block_map[block_id].name)}"

        def submit(values: dict[str, Any]) -> str | None:
            return self.form_op(
                lambda: self.store.add_item(
                    self.quarter_id,
                    values["owner"],
                    values["title"],
                    values["notes"],
                    values["effort"],
                    block_id=block_id,
                )
            )

        self.app.push_screen(
            FormModal(
                title,
                [
                    Field("title", "Title", placeholder="What is asked, in a few words"),
                    Field(
                        "owner", "Whose list", owner, kind="select", options=self._owner_choices()
                    ),
                    Field("notes", "Notes", kind="text"),
                    Field("effort", "Effort (days, optional)", kind="number"),
                ],
                submit,
                save_label="Add",
            )
        )

    def action_edit(self) -> None:
        row = self.selected_row()
        if row is None:
            self.say("Highlight an item, a block or a stakeholder to edit it.", error=True)
            return
        if self._read_only_reason():
            self._read(row)  # nothing can change here, but everything can be read
            return
        if not self.writable():
            return
        from ..modals import Field, FormModal

        if row.kind == "item" and row.item is not None:
            item = row.item
            fields = [
                Field("title", "Title", item.title),
                Field(
                    "owner",
                    "Whose list",
                    item.stakeholder_id,
                    kind="select",
                    options=self._owner_choices(),
                ),
                Field("notes", "Notes", item.notes, kind="text"),
                Field("effort", "Effort (days, optional)", item.effort, kind="number"),
            ]
            if item.status == "dropped":
                fields.append(Field("reason", "Why it is dropped", item.drop_reason or ""))

            def submit(values: dict[str, Any]) -> str | None:
                return self.form_op(
                    lambda: self.store.edit_item(
                        item.id,
                        title=values["title"],
                        notes=values["notes"],
                        effort=values["effort"],
                        drop_reason=values.get("reason"),
                        stakeholder_id=values["owner"],
                    )
                )

            title = f"Edit “{clean_line(item.title)}”"
            self.app.push_screen(FormModal(title, fields, submit))
        elif row.group.block is not None:
            self._edit_block(row.group.block)
        elif row.group.key.is_list and row.group.stakeholder is not None:
            self._edit_stakeholder(row.group.stakeholder)

    def _read(self, row: Row) -> None:
        """The highlighted item, block or stakeholder in full, read-only."""
        from ..modals import ReadModal

        reason = self._read_only_reason()
        if row.kind == "item" and row.item is not None:
            item = row.item
            where = (
                f"dropped: {item.drop_reason or ''}"
                if item.status == "dropped"
                else f"in block {self.block_map[item.block_id].name}"
                if item.block_id in self.block_map
                else "on the list"
            )
            facts = [self._owner_name(item.stakeholder_id), where]
            if item.effort is not None:
                facts.append(f"{item.effort:g} days")
            sections = [("Whose, where", " · ".join(facts)), ("Notes", item.notes or "(none)")]
            title = item.title
        elif row.group.block is not None:
            block = row.group.block
            count = len(row.group.items)
            facts = [f"{count} item{'s' if count != 1 else ''}"]
            if block.effort is not None:
                facts.append(f"{block.effort:g} days")
            if block.chosen_rank or block.choice:
                facts.append(f"choice {block.chosen_rank or block.choice}")
            sections = [
                ("The case", block.description or "(no case written)"),
                ("Size", " · ".join(facts)),
                (
                    "What it holds",
                    "\n".join(f"• {i.title}" for i in row.group.items) or "(nothing)",
                ),
            ]
            title = f"Block {block.name}"
        elif row.group.stakeholder is not None:
            person = row.group.stakeholder
            sections = [("Department", person.department or "(none)")]
            title = person.name
        else:
            return
        self.app.push_screen(ReadModal(f"{title} — read-only ({reason})", sections))

    def _block_fields(self, block: Block | None) -> list[Any]:
        from ..modals import Field

        return [
            Field(
                "name",
                "Name",
                block.name if block else "",
                placeholder="A large initiative, e.g. Sales cockpit",
            ),
            Field(
                "description",
                "Case: how it serves the vision",
                block.description if block else "",
                kind="text",
                height=5,
            ),
            Field(
                "effort", "Effort (days, optional)", block.effort if block else None, kind="number"
            ),
        ]

    def _edit_block(self, block: Block) -> None:
        from ..modals import FormModal

        def submit(values: dict[str, Any]) -> str | None:
            return self.form_op(
                lambda: self.store.edit_block(
                    block.id,
                    name=values["name"],
                    description=values["description"],
                    effort=values["effort"],
                )
            )

        self.app.push_screen(FormModal("Edit block", self._block_fields(block), submit))

    def action_new_block(self) -> None:
        if not self.writable():
            return
        from ..modals import FormModal

        def submit(values: dict[str, Any]) -> str | None:
            return self.form_op(
                lambda: self.store.add_block(
                    self.quarter_id, values["name"], values["description"], values["effort"]
                )
            )

        self.app.push_screen(
            FormModal("New block", self._block_fields(None), submit, save_label="Create")
        )

    def _stakeholder_fields(self, stakeholder: Stakeholder | None) -> list[Any]:
        from ..modals import Field

        return [
            Field(
                "name",
                "Name",
                stakeholder.name if stakeholder else "",
                placeholder="e.g. Head of Sales",
            ),
            Field(
                "department",
                "Department (shown as a tag)",
                stakeholder.department if stakeholder else "",
                placeholder="e.g. Sales",
            ),
            Field(
                "colour",
                "Colour of their tag",
                stakeholder.colour
                if stakeholder and stakeholder.colour in STAKEHOLDER_COLOURS
                else "",
                kind="select",
                options=[("(the least used)" if stakeholder is None else "(keep)", "")]
                + [(name, name) for name in STAKEHOLDER_COLOURS],
            ),
        ]

    def _edit_stakeholder(self, stakeholder: Stakeholder) -> None:
        from ..modals import FormModal

        def submit(values: dict[str, Any]) -> str | None:
            return self.form_op(
                lambda: self.store.edit_stakeholder(
                    stakeholder.id,
                    name=values["name"],
                    department=values["department"],
                    colour=values["colour"] or None,
                    quarter_id=self.quarter_id,
                )
            )

        self.app.push_screen(
            FormModal("Edit stakeholder", self._stakeholder_fields(stakeholder), submit)
        )

    def action_new_stakeholder(self) -> None:
        if not self.writable():
            return
        from ..modals import FormModal

        def submit(values: dict[str, Any]) -> str | None:
            return self.form_op(
                lambda: self.store.add_stakeholder(
                    values["name"],
                    values["department"],
                    quarter_id=self.quarter_id,
                    colour=values["colour"] or None,
                )
            )

        self.app.push_screen(
            FormModal("New stakeholder", self._stakeholder_fields(None), submit, save_label="Add")
        )

    def action_edit_vision(self) -> None:
        if not self.writable():
            return
        from ..modals import Field, FormModal

        def submit(values: dict[str, Any]) -> str | None:
            return self.form_op(
                lambda: self.store.edit_quarter(self.quarter_id, vision=values["vision"])
            )

        self.app.push_screen(
            FormModal(
                f"Vision for {self.quarter.name}",
                [
                    Field(
                        "vision",
                        "What the team's work serves",
                        self.quarter.vision,
                        kind="text",
                        height=3,
                    )
                ],
                submit,
            )
        )

    def _need_item(self, purpose: str) -> Item | None:
        """The highlighted item, or None after saying one is needed `purpose`."""
        item = self.selected_item()
        if item is None:
            self.say(f"Highlight an item {purpose}.", error=True)
        return item

    def action_move_to_block(self) -> None:
        if not self.writable():
            return
        item = self._need_item("to move it")
        if item is None:
            return
        from ..modals import PickerModal

        choices: list[tuple[Content | str, int]] = [
            (Content.assemble((f"{n:>2} ", "bold"), clean_line(b.name)), b.id)
            for n, b in enumerate(self.block_map.values(), start=1)
        ]
        choices.append((Content.styled("+ New block…", "italic"), -1))

        def picked(block_id: int | None) -> None:
            if block_id is None:
                return
            if block_id == -1:
                self._new_block_with(item)
            else:
                self.run_op(lambda: self.store.move_item(item.id, Place.block(block_id)))

        self.app.push_screen(PickerModal(f"Move “{clean_line(item.title)}” to…", choices), picked)

    def _new_block_with(self, item: Item) -> None:
        from ..modals import FormModal

        def submit(values: dict[str, Any]) -> str | None:
            return self.form_op(
                lambda: self.store.add_block(
                    self.quarter_id,
                    values["name"],
                    values["description"],
                    values["effort"],
                    item_ids=[item.id],
                )
            )

        self.app.push_screen(
            FormModal("New block", self._block_fields(None), submit, save_label="Create")
        )

    def action_move_to_nth(self, n: int) -> None:
        if not self.writable():
            return
        item = self._need_item("to move it")
        if item is None:
            return
        blocks = list(self.block_map.values())
        if not 1 <= n <= len(blocks):
            self.say(f"There is no block {n}; this quarter has {len(blocks)}.", error=True)
            return
        self.run_op(lambda: self.store.move_item(item.id, Place.block(blocks[n - 1].id)))

    def action_drop(self) -> None:
        if not self.writable():
            return
        item = self._need_item("to drop it")
        if item is not None:
            self._ask_drop(item, None)

    def _ask_drop(self, item: Item, index: int | None) -> None:
        from ..modals import Field, FormModal

        def submit(values: dict[str, Any]) -> str | None:
            return self.form_op(lambda: self.store.drop_item(item.id, values["reason"], index))

        self.app.push_screen(
            FormModal(
                f"Drop “{clean_line(item.title)}”",
                [
                    Field(
                        "reason",
                        "Why is it optional for the company this quarter?",
                        item.drop_reason or "",
                        suggestions=self._drop_reasons(),
                    )
                ],
                submit,
                save_label="Drop",
            )
        )

    def _drop_reasons(self) -> list[str]:
        return sorted(
            {i.drop_reason for i in self.column("dropped").groups[0].items if i.drop_reason}
        )

    def action_restore(self) -> None:
        if not self.writable():
            return
        item = self._need_item("to send it back to its list")
        if item is None:
            return
        if item.place.is_list:
            self.say("That item is already on its list.", error=True)
            return
        self.run_op(lambda: self.store.restore_item(item.id))

    def action_shift(self, delta: int) -> None:
        if not self.writable():
            return
        row = self.selected_row()
        if row is None:
            return
        if row.kind == "item" and row.item is not None:
            item = row.item
            change = self.run_op(lambda: self.store.shift_item(item.id, delta))
        elif row.kind == "header" and row.group.block is not None:
            block = row.group.block
            change = self.run_op(lambda: self.store.shift_block(block.id, delta))
        else:
            self.say("Highlight an item, or a block's title, to move it.", error=True)
            return
        if change is not None and change.event_id is None:
            self.say("Already at the top." if delta < 0 else "Already at the bottom.")

    def action_delete(self) -> None:
        if not self.writable():
            return
        row = self.selected_row()
        if row is None:
            self.say("Highlight an item, a block or a stakeholder to delete it.", error=True)
            return
        from ..modals import ConfirmModal

        if row.kind == "item" and row.item is not None:
            item = row.item
            question = (
                f"Delete “{clean_line(item.title)}” for good?\n"
                "(To eliminate it for the quarter, drop it instead: d.)"
            )
            op: Callable[[], Change] = lambda: self.store.remove_item(item.id)  # noqa: E731
        elif row.group.block is not None:
            block = row.group.block
            count = len(row.group.items)
            question = f"Delete block “{clean_line(block.name)}”?" + (
                f"\nIts {count} item{'s go' if count != 1 else ' goes'} back to their lists."
                if count
                else ""
            )
            dots = sum(self.store.votes(self.quarter_id).get(block.id, {}).values())
            if dots:  # votes are never wiped without saying so
                question += f"\nThe {dots} dot{'s' if dots != 1 else ''} placed on it go too."
            op = lambda: self.store.delete_block(block.id)  # noqa: E731
        elif row.group.key.is_list and row.group.stakeholder is not None:
            stakeholder = row.group.stakeholder
            question = self._removal_question(stakeholder)
            op = lambda: self.store.remove_stakeholder(stakeholder.id, self.quarter_id)  # noqa: E731
        else:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_op(op)

        self.app.push_screen(ConfirmModal(question, yes="Delete"), answered)

    def _removal_question(self, stakeholder: Stakeholder) -> str:
        """Say everything a stakeholder's removal deletes: on their list, in blocks,
        and dropped."""
        on_list = in_blocks = dropped = 0
        blocks: list[str] = []
        for column in self.columns:
            for group in column.groups:
                for item in group.items:
                    if item.stakeholder_id != stakeholder.id:
                        continue
                    if group.key.is_block:
                        in_blocks += 1
                        if group.title not in blocks:
                            blocks.append(group.title)
                    elif group.key.is_dropped:
                        dropped += 1
                    else:
                        on_list += 1
        total = on_list + in_blocks + dropped
        name = clean_line(stakeholder.name)
        if not total:
            return f"Remove stakeholder “{name}”? They have no items in {self.quarter.name}."
        parts = []
        if on_list:
            parts.append(f"{on_list} on their list")
        if in_blocks:
            where = ", ".join(f"“{clean_line(b)}”" for b in blocks)
            parts.append(f"{in_blocks} in block{'s' if len(blocks) != 1 else ''} {where}")
        if dropped:
            parts.append(f"{dropped} dropped")
        return (
            f"Remove stakeholder “{name}” and all {total} of their items in "
            f"{self.quarter.name} ({'; '.join(parts)})?\nUndo (u) brings them back."
        )

    # ------------------------------------------------------- search and overlap

    def action_search(self) -> None:
        self.search_bar.display = True
        self.search_bar.focus()

    def on_input_changed(self, event: Any) -> None:
        if event.input is self.search_bar:
            self._filter(event.value)

    def on_input_submitted(self, event: Any) -> None:
        if event.input is not self.search_bar:
            return
        for column in self.columns:
            first = next((n for n, row in enumerate(column.rows) if row.kind == "item"), None)
            if first is not None:
                column.focus()
                column.select_row(first)
                return
        self.say("Nothing matches.", error=True)

    def _clear_search(self) -> None:
        self.search_bar.value = ""
        self.search_bar.display = False
        self._filter("")
        self.say("Search cleared: the whole board again.")

    def on_key(self, event: Any) -> None:
        if event.key != "escape" or self.drag is not None:
            return
        if self.focused is self.search_bar:
            self._clear_search()
            self.column("team").focus()
            event.stop()
        elif self.search_bar.value:  # Esc on the board clears an active search too
            self._clear_search()
            event.stop()

    def _filter(self, text: str) -> None:
        """Show only what the search asks for (all columns at once)."""
        words, people, loose = self._parse_search(text)
        if not (words or people or loose):
            for column in self.columns:
                column.set_filter(None, keep_groups=False)
            self._update_titles()
            return

        def owner_matches(item: Item) -> bool:
            names = self._who(item.stakeholder_id)
            return all(p in names for p in people)

        def keep(item: Item) -> bool:
            if loose and not (item.block_id is None and item.status == "open"):
                return False
            title = item.title.casefold()
            if any(word not in title for word in words):
                return False
            return owner_matches(item) if people else True

        for column in self.columns:
            column.set_filter(keep, keep_groups=False)
        shown = sum(1 for c in self.columns for r in c.rows if r.kind == "item")
        self.say(f"Showing {shown} item{'s' if shown != 1 else ''} that match “{text.strip()}”.")

    def _who(self, stakeholder_id: int | None) -> str:
        """A stakeholder's name and department, folded for searching."""
        if stakeholder_id is None:
            return "team"
        known = self.stakeholder_map.get(stakeholder_id)
        return f"{known[0].name} · {known[0].department}".casefold() if known else ""

    def _parse_search(self, text: str) -> tuple[list[str], list[str], bool]:
        """Words, @stakeholders and is:loose. `@head of sales` takes as many of the
        following words as still name someone (so names with spaces work, quoted or not)."""
        tokens = text.casefold().replace('"', " ").split()
        everyone = [self._who(sid) for sid in self.stakeholder_map] + ["team"]
        words: list[str] = []
        people: list[str] = []
        loose = False
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token in ("is:loose", "loose:", "is:open"):
                loose = True
            elif token.startswith("@") and len(token) > 1:
                take = 1
                for end in range(len(tokens), index + 1, -1):
                    phrase = " ".join(tokens[index:end])[1:].replace("_", " ")
                    if any(phrase in who for who in everyone):
                        take = end - index
                        break
                people.append(" ".join(tokens[index : index + take])[1:].replace("_", " "))
                index += take
                continue
            else:
                words.append(token)
            index += 1
        return words, people, loose

    def _request(self, item_id: int, who: str, title: str) -> Any:
        from ..overlap import Request

        where = "on the list"
        for name in ("team", "stakeholders", "blocks", "dropped"):
            for group in self.column(name).groups:
                if any(i.id == item_id for i in group.items):
                    if group.block is not None:
                        where = f"in block {clean_line(group.block.name)}"
                    elif group.key.is_dropped:
                        where = "dropped"
                    return Request(item_id, who, title, where)
        return Request(item_id, who, title, where)

    def action_also_asked(self) -> None:
        item = self._need_item("to see who else asks for it")
        if item is None:
            return
        from ..overlap import OverlapModal, Request

        similar = [
            self._request(i, who, title) for i, who, title in self.neighbours.get(item.id, ())
        ]
        for request in similar:
            request.why = self.match_why(item.id, request.id)
        merged = [
            Request(m.id, self._owner_name(m.stakeholder_id), m.title, "merged into this item")
            for m in self.merged.get(item.id, ())
        ]

        def chosen(result: tuple[str, int] | None) -> None:
            if result is None:
                return
            action, other = result
            if action == "go":
                self._pending_go = other  # once the board is back on top (focus returns)
            elif self.writable():
                if action == "merge":
                    self.run_op(lambda: self.store.merge_items(item.id, [other]))
                elif action == "reject":
                    self.run_op(lambda: self.store.reject_pair(item.id, other))
                else:
                    self.run_op(lambda: self.store.unmerge_item(other))

        self.app.push_screen(
            OverlapModal(item.title, similar, merged, note=self.match_note), chosen
        )

    def _go_to(self, item_id: int) -> None:
        try:
            item = self.store.item(item_id)
        except PlanboardError as error:
            self.say(str(error), error=True)
            return
        column = self.column_for(item.place)
        if column.select_item(item.id, key=item.place):
            column.focus()
        else:
            self.say("That item is hidden by the search (Esc in the search clears it).", error=True)

    def action_suggest(self) -> None:
        """Propose blocks from requests on several lists that ask for the same thing."""
        if not self.writable():
            return
        from ...core.similar import Entry, match
        from ..overlap import Request, Suggestion, SuggestModal

        # Compared with everything the overlap compares (so `S`, `a` and the marks
        # agree); only what is still on its lists is suggested.
        every = [
            item
            for name in ("team", "stakeholders", "blocks")
            for group in self.column(name).groups
            for item in group.items
        ]
        loose = {i.id: i for i in every if i.block_id is None}
        try:
            stored: dict[Any, tuple[str, bytes]] = dict(self.store.item_vectors(self.quarter_id))
            rejected: set[frozenset[Any]] = set(self.store.rejected_pairs(self.quarter_id))
        except PlanboardError:
            stored, rejected = {}, set()
        found = match(
            [Entry(i.id, i.title, i.stakeholder_id) for i in every],
            stored=stored,
            rejected=rejected,
        ).groups
        suggestions = []
        for group in found:
            items = [loose[e.key] for e in group if e.key in loose]
            if len(items) < 2 or len({i.stakeholder_id for i in items}) < 2:
                continue
            team = [i for i in items if i.stakeholder_id is None]
            name = (team[0] if team else min(items, key=lambda i: len(i.title))).title
            requests = [
                Request(i.id, self._owner_name(i.stakeholder_id), i.title, "on the list")
                for i in items
            ]
            suggestions.append(Suggestion(name, requests))
        discarded: set[frozenset[int]] = getattr(self.app, "discarded_suggestions", set())
        hidden = [s for s in suggestions if s.key in discarded]
        suggestions = [s for s in suggestions if s.key not in discarded]
        if not suggestions:
            if hidden:
                self.say(
                    f"No suggestion left: {len(hidden)} discarded earlier "
                    "(they come back when planboard is opened again)."
                )
            else:
                self.say(
                    "No suggestion: no two lists ask for the same thing among the loose items."
                )
            return
        modal = SuggestModal(suggestions)

        def chosen(result: tuple[str, Any] | None) -> None:
            discarded.update(s.key for s in modal.discarded)
            if result is None:
                return
            suggestion = result[1]
            ids = [r.id for r in suggestion.requests]
            self.run_op(
                lambda: self.store.add_block(self.quarter_id, suggestion.name, item_ids=ids)
            )

        self.app.push_screen(modal, chosen)

    def action_import_list(self) -> None:
        """Import a list from a file, or pasted, into the list in focus."""
        if not self.writable():
            return
        from ..modals import Field, FormModal, Notice

        row = self.selected_row()
        owner: int | None = None
        if row is not None and row.group.key.is_list:
            owner = row.group.key.ref
        elif row is not None and row.item is not None:
            owner = row.item.stakeholder_id

        previewed: dict[str, object] = {}
        # Files read so far, by path: a file is read in a thread, never on the UI thread
        # (a slow disk or a network folder must not freeze the screen).
        reads: dict[str, ParsedList | PlanboardError] = {}

        def read_in_background(path: Path) -> None:
            from ...core.importer import read_list

            def work() -> None:
                try:
                    result: ParsedList | PlanboardError = read_list(path)
                except PlanboardError as error:
                    result = error
                self.app.call_from_thread(done, str(path), result)

            def done(key: str, result: ParsedList | PlanboardError) -> None:
                reads[key] = result
                if modal.is_attached and self.app.screen is modal:
                    modal.action_save()  # shows the preview (or the refusal) now

            self.run_worker(work, thread=True, exclusive=False, group="import-read")

        def submit(values: dict[str, Any]) -> str | None:
            from ...core.importer import parse_text, repeats_text, split_repeats

            if values["text"].strip():
                try:
                    parsed = parse_text(values["text"])
                except PlanboardError as error:
                    return str(error)
                source = "pasted text"
            elif values["path"].strip():
                path = Path(values["path"].strip()).expanduser()
                found = reads.get(str(path))
                if found is None:
                    read_in_background(path)
                    return Notice(f"Reading {path.name}…")
                if isinstance(found, PlanboardError):
                    del reads[str(path)]  # read it again next time (it may be fixed)
                    return str(found)
                parsed = found
                source = path.name
            else:
                return "Give a file, or paste the list."
            target = values["owner"]
            name = None if target is None else self._owner_name(target)
            newcomer = clean_line(values.get("new_owner", ""))
            known = {s.name.lower(): s.id for s in self.store.stakeholders()}
            on_list = target
            if newcomer:  # a stakeholder not on the board yet: the import creates them
                name = newcomer
                on_list = known.get(newcomer.lower())
            whose = f"{name or 'the team'}'s list"
            existing = [] if newcomer and on_list is None else self._titles_on_list(on_list)
            fresh, repeats = split_repeats(parsed.items, existing)
            allow = bool(values["repeats"])
            items = parsed.items if allow else fresh
            seen = (source, values["text"], values["path"], target, newcomer, allow)
            if previewed.get("last") != seen:
                # First a look at what would come in; the same again imports it.
                previewed["last"] = seen
                titles = "; ".join(f"“{clean_line(i.title)}”" for i in items[:5])
                more = f" and {len(items) - 5} more" if len(items) > 5 else ""
                columns = f" {parsed.columns_text()}" if parsed.columns else ""
                again = ""
                if repeats:
                    again = f" {repeats_text(repeats, whose)} — " + (
                        "imported again." if allow else "skipped (switch below imports them)."
                    )
                if not items:
                    return Notice(
                        f"{parsed.summary()}.{again} Nothing to import: every line is "
                        f"already on {whose}."
                    )
                created = " (a new stakeholder)" if name and name.lower() not in known else ""
                return Notice(
                    f"{parsed.summary()}.{columns}{again} {titles}{more}. "
                    f"Ctrl+S again imports them into {whose}{created}."
                )
            if not items:
                return Notice(f"Nothing to import: every line is already on {whose}.")
            if len(items) >= LONG_IMPORT:
                self._run_long(
                    f"Importing {len(items):,} items",
                    lambda progress: self.store.import_items(
                        self.quarter_id, name, items, source=source, progress=progress
                    ),
                )
                return None
            result = self.form_op(
                lambda: self.store.import_items(self.quarter_id, name, items, source=source)
            )
            if result is None:
                skipped = f", {len(repeats)} already there skipped" if repeats and not allow else ""
                self.say(f"{parsed.summary()} — imported into {whose}{skipped} (u undoes it)")
            return result

        modal = FormModal(
            "Import a list",
            [
                Field(
                    "owner",
                    "Into whose list",
                    owner,
                    kind="select",
                    options=self._owner_choices(),
                ),
                Field(
                    "new_owner",
                    "…or a new stakeholder's list (their name: they are added)",
                    "",
                    placeholder="e.g. Head of Finance",
                ),
                Field(
                    "path",
                    "A file (CSV, TSV, Markdown or text)",
                    "",
                    placeholder="~/Downloads/sales-requests.csv",
                ),
                Field(
                    "text",
                    "…or paste the list here (one item per line)",
                    "",
                    kind="text",
                    height=5,
                ),
                Field(
                    "repeats",
                    "Also import lines already on that list",
                    False,
                    kind="switch",
                ),
            ],
            submit,
            save_label="Import",
        )
        self.app.push_screen(modal)

    def _titles_on_list(self, owner: int | None) -> list[str]:
        """The titles of every item of a list this quarter (wherever the item is now)."""
        board = self.store.board(self.quarter_id)
        return [
            item.title
            for items in board.places.values()
            for item in items
            if item.stakeholder_id == owner
        ]

    # ---------------------------------------------------------------- the event

    def on_screen_resume(self) -> None:
        from ..theme import use_projector

        if self.app.screen is not self:
            return  # a late resume, with another screen already on top
        if self._pending_go is not None:
            target, self._pending_go = self._pending_go, None
            self.call_after_refresh(self._go_to, target)
        use_projector(self.app, False)
        # What the screen just closed did (the event) is seen now, not at the next tick.
        self.planboard.look_at_file()
        self._catch_up()

    def _open(self, screen: Screen[Any]) -> None:
        """Show an event screen (the board catches up with it when it comes back, and
        says what it was left with: an event screen may dismiss with a message)."""

        def back(message: str | None) -> None:
            if message:
                self.say(message)

        self.app.push_screen(screen, back)

    def action_meeting(self) -> None:
        """Start the event (after a confirmation), or open it, or show its decision."""
        from .meeting import DecisionScreen, MeetingScreen

        quarter = self.store.quarter(self.quarter_id)
        if quarter.status == "live":
            self._open(MeetingScreen(self.store, self.quarter_id))
        elif quarter.status == "decided":
            self._open(DecisionScreen(self.store, self.quarter_id))
        elif self.writable():
            from ..modals import ConfirmModal

            def answered(yes: bool | None) -> None:
                if yes:
                    self.start_meeting()

            self.app.push_screen(
                ConfirmModal(
                    f"Start the planning event for {quarter.name}?\n"
                    "A backup of the whole file is written first; the quarter goes live.",
                    yes="Start",
                    no="Not yet",
                    default_yes=True,
                ),
                answered,
            )

    def start_meeting(self) -> None:
        from .meeting import MeetingScreen

        try:
            change, backup = self.store.start_meeting(self.quarter_id)
        except PlanboardError as error:
            self.say(str(error), error=True)
            return
        notice = change.summary
        if backup is not None:
            notice = f"The event is live. Backup written: {backup}"
        self._open(MeetingScreen(self.store, self.quarter_id, notice))

    def action_end_meeting(self) -> None:
        if self.store.quarter(self.quarter_id).status != "live":
            self.say("There is no live event to end.", error=True)
            return
        from ..modals import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes and self.run_op(lambda: self.store.end_meeting(self.quarter_id)):
                self.load()

        self.app.push_screen(
            ConfirmModal(
                "End the event without a decision? Votes and choices stay.", yes="End the event"
            ),
            answered,
        )

    def action_reopen(self) -> None:
        """Reopen a decided quarter, on purpose: the user types its name."""
        quarter = self.store.quarter(self.quarter_id)
        if quarter.status != "decided":
            self.say(f"{quarter.name} is not decided; there is nothing to reopen.", error=True)
            return
        if self.store.readonly:
            self.writable()
            return
        from ..modals import Field, FormModal
        from .meeting import MeetingScreen

        def submit(values: dict[str, Any]) -> str | None:
            if clean_line(values["name"]).upper() != quarter.name:
                return f"Type {quarter.name} to reopen it."
            try:
                self.store.reopen(quarter.id)
            except ValidationError as error:
                return str(error)
            except PlanboardError as error:
                self.say(str(error), error=True)
                return None
            self.planboard.caught_up()
            self.load()
            self.app.call_later(
                self._open, MeetingScreen(self.store, quarter.id, f"Reopened {quarter.name}.")
            )
            return None

        self.app.push_screen(
            FormModal(
                f"Reopen {quarter.name}? Its decision is withdrawn (the log keeps it) and "
                "the event is live again.",
                [Field("name", f"Type {quarter.name} to confirm", "")],
                submit,
                save_label="Reopen",
            )
        )

    def action_switch_quarter(self) -> None:
        from ..modals import PickerModal

        quarters = self.store.quarters()
        choices: list[tuple[Content | str, int]] = [
            (
                Content.assemble(
                    (clean_line(q.name), "bold"),
                    "  ",
                    (q.status, "$text-muted"),
                    ("  (on screen)" if q.id == self.quarter_id else "", "italic"),
                ),
                q.id,
            )
            for q in reversed(quarters)
        ]
        if not self.store.readonly:
            choices.append((Content.styled("+ New quarter…", "italic"), -1))

        def picked(quarter_id: int | None) -> None:
            if quarter_id is None:
                return
            if quarter_id == -1:
                self.action_new_quarter()
            else:
                self.open_quarter(quarter_id, looking_back=False)

        self.app.push_screen(PickerModal("Open a quarter", choices), picked)

    def action_delete_quarter(self) -> None:
        if not self.writable():
            return
        from ..modals import ConfirmModal

        quarter = self.quarter
        if (
            any(column.groups and any(g.items for g in column.groups) for column in self.columns)
            or self.block_map
        ):
            self.say(
                f"{quarter.name} holds items or blocks; only an empty quarter can be deleted.",
                error=True,
            )
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                change = self.store.delete_quarter(quarter.id)
            except PlanboardError as error:
                self.say(str(error), error=True)
                return
            self.open_quarter(self.store.default_quarter().id)
            self.say(change.summary)

        self.app.push_screen(
            ConfirmModal(f"Delete quarter {quarter.name}? It is empty.", yes="Delete"), answered
        )

    # ---------------------------------------------------------------- looking back

    def action_history(self) -> None:
        from .history import HistoryScreen

        def chosen(result: tuple[str, int] | None) -> None:
            if result is None:
                return
            action, quarter_id = result
            if action == "open":
                self.open_quarter(quarter_id, looking_back=True)
            else:
                self.action_next_quarter(quarter_id)

        self.app.push_screen(HistoryScreen(self.store, self.quarter_id), chosen)

    def action_step_quarter(self, delta: int) -> None:
        quarters = self.store.quarters()
        index = next(i for i, q in enumerate(quarters) if q.id == self.quarter_id)
        target = index + delta
        if not 0 <= target < len(quarters):
            self.say("There is no quarter " + ("before" if delta < 0 else "after") + " this one.")
            return
        self.open_quarter(quarters[target].id)

    def action_next_quarter(self, from_id: int | None = None) -> None:
        """Start the next quarter from this one (or `from_id`): the blocks not chosen
        and the items still on their lists are offered to carry over."""
        if self.store.readonly:
            self.writable()
            return
        from ...core.history import carry_over_candidates
        from ...core.model import next_quarter_name
        from ..modals import Field, FormModal

        source = self.store.quarter(from_id if from_id is not None else self.quarter_id)
        names = [q.name for q in self.store.quarters()]
        suggestion = next_quarter_name(max(names))
        candidates = carry_over_candidates(self.store, source.id)
        options: list[tuple[str, tuple[str, int]]] = [
            (f"Block: {clean_line(b.name)} ({len(items)} items)", ("b", b.id))
            for b, items in candidates.blocks
        ] + [
            (f"{self._owner_name(i.stakeholder_id)}: {clean_line(i.title)}", ("i", i.id))
            for i in candidates.loose
        ]

        def submit(values: dict[str, Any]) -> str | None:
            picked = values["carry"]
            return self.form_op(
                lambda: self.store.start_next_quarter(
                    source.id,
                    values["name"],
                    values["vision"],
                    block_ids=[ref for kind, ref in picked if kind == "b"],
                    item_ids=[ref for kind, ref in picked if kind == "i"],
                ),
                then=self._show_new_quarter,
            )

        self.app.push_screen(
            FormModal(
                f"Start the next quarter from {clean_line(source.name)}",
                [
                    Field("name", "Quarter", suggestion),
                    Field("vision", "Vision", source.vision, kind="text", height=2),
                    Field(
                        "carry",
                        "Carry over (Space to untick): blocks not chosen, and "
                        "items still on their lists",
                        [v for _, v in options],
                        kind="choices",
                        options=options,
                    ),
                ],
                submit,
                save_label="Start",
            )
        )

    def action_export(self, fmt: str) -> None:
        """Write the quarter's outcome beside the board file, and say where."""
        from ...core.export import write_export

        try:
            path = write_export(self.store, self.quarter_id, fmt)
        except (OSError, PlanboardError) as error:
            message = getattr(error, "strerror", None) or str(error)
            self.say(f"Could not export: {message}.", error=True)
            return
        self.say(f"Exported {self.quarter.name} to {path}")
        self.notify(f"Exported to {path}", timeout=6, markup=False)

    def open_quarter(self, quarter_id: int, *, looking_back: bool | None = None) -> None:
        """Show a quarter. `looking_back` (from the history) shows a past quarter
        read-only even if it was never decided; None keeps the current mode."""
        if looking_back is not None:
            self.looking_back = looking_back
        changed = quarter_id != self.quarter_id
        self.quarter_id = quarter_id
        self.load()
        if changed:  # nothing of the last quarter's scroll or cursor carries over
            for column in self.columns:
                column.start_over()
        self.say(f"Showing {self.quarter.name} ({self.quarter.status})")
        self.refresh_bindings()

    def _show_new_quarter(self, change: Change) -> None:
        """After a quarter was made: show it, and say so."""
        if change.quarter_id is not None:
            self.open_quarter(change.quarter_id)
        self.say(change.summary)

    def action_new_quarter(self) -> None:
        if self.store.readonly:
            self.writable()
            return
        from ...core.model import next_quarter_name
        from ..modals import Field, FormModal

        names = [q.name for q in self.store.quarters()]
        suggestion = next_quarter_name(names[-1]) if names else ""

        def submit(values: dict[str, Any]) -> str | None:
            return self.form_op(
                lambda: self.store.create_quarter(values["name"], values["vision"]),
                then=self._show_new_quarter,
            )

        self.app.push_screen(
            FormModal(
                "New quarter",
                [
                    Field("name", "Quarter", suggestion, placeholder="e.g. 2026-Q3"),
                    Field("vision", "Vision", self.quarter.vision, kind="text", height=3),
                ],
                submit,
                save_label="Create",
            )
        )

    # ------------------------------------------------------------------- drag

    def drag_press(self, source: BoardList, row: Row, x: int, y: int) -> None:
        self._suppress_click = False
        if row.kind == "item" or (row.kind == "header" and row.group.block is not None):
            self.drag = Drag(source, row, x, y, pointer=(x, y))
            source.capture_mouse()

    def drag_move(self, x: int, y: int, buttons: int) -> None:
        drag = self.drag
        if drag is None:
            return
        if buttons == 0:
            # The release happened where we could not see it (outside the window).
            self.cancel_drag()
            return
        drag.pointer = (x, y)
        if not drag.active:
            if abs(x - drag.x) < 2 and y == drag.y:
                return
            if not self.writable():
                self.cancel_drag(quietly=True)
                return
            drag.active = True
            drag.source.show_carried(drag.item.id if drag.item else None)
            self.refresh_bindings()
        self._evaluate(drag)
        self._auto_scroll(drag)

    def drag_release(self, x: int, y: int) -> None:
        drag = self.drag
        if drag is None:
            return
        drag.source.release_mouse()
        if not drag.active:
            self.drag = None
            self._catch_up()
            return
        drag.pointer = (x, y)
        self._evaluate(drag)
        self._suppress_click = True
        self._end_drag_visuals()
        self.drag = None
        self._complete(drag)
        self._catch_up()  # what another program wrote during the drag

    def cancel_drag(self, *, quietly: bool = False) -> None:
        drag = self.drag
        if drag is None:
            return
        self.drag = None
        if self.app.mouse_captured is drag.source:
            drag.source.release_mouse()
        if drag.active:
            self._end_drag_visuals()
            if not quietly:
                self.say("Drag cancelled; nothing changed.")
        self.refresh_bindings()
        self.call_later(self._catch_up)  # what another program wrote during the drag

    def action_cancel_drag(self) -> None:
        self.cancel_drag()

    def on_screen_suspend(self) -> None:
        self.cancel_drag(quietly=True)

    def on_app_blur(self) -> None:
        self.cancel_drag(quietly=True)

    def _end_drag_visuals(self) -> None:
        self._stop_auto_scroll()
        for column in self.columns:
            column.show_drop_spot(None)
            column.show_carried(None)
        self.ghost.display = False

    def _target_at(self, x: int, y: int) -> BoardList | None:
        """The column under the pointer, looking through the ghost that follows it."""
        try:
            under = [w for w, _ in self.get_widgets_at(x, y) if not isinstance(w, DragGhost)]
        except NoWidget:
            return None
        node: Any = under[0] if under else None
        while node is not None and not isinstance(node, BoardList):
            node = node.parent
        return node

    def _evaluate(self, drag: Drag) -> None:
        x, y = drag.pointer
        target = self._target_at(x, y)
        spot = target.spot_at(y) if target is not None else None
        if drag.block is not None and spot is not None:
            spot = DropSpot(spot.group, None, spot.row, before_group=True)
        drag.target, drag.spot = target, spot
        valid, description = self._describe(drag)
        drag.valid = valid
        for column in self.columns:
            column.show_drop_spot(spot if column is target and valid else None)
        ghost = self.ghost
        title = drag.item.title if drag.item else (drag.block.name if drag.block else "")
        ghost.carry(title, description, valid=valid)
        ghost.display = True
        # Beside the column under the pointer (left of it where it fits), so it never
        # hides the rows the drop would land on.
        width = ghost.outer_size.width or 40
        region = target.region if target is not None else None
        if region is not None and region.x - width >= 0:
            left = region.x - width
        elif region is not None and region.right + width <= self.size.width:
            left = region.right
        else:
            left = x - 2 - width if x - 2 - width >= 0 else x + 3
        ghost.styles.offset = (
            max(0, min(left, self.size.width - width)),
            max(0, min(y - 1, self.size.height - 4)),
        )

    def _describe(self, drag: Drag) -> tuple[bool, str]:
        """Whether releasing now would do something, and what, in words."""
        spot = drag.spot
        if spot is None:
            return False, "release here to cancel"
        place = spot.group.key
        if drag.block is not None:
            if not place.is_block:
                return False, "blocks can only be reordered among blocks"
            if spot.group.block is drag.block:
                return True, "stays where it is"
            return True, f"to the place of block {clean_line(spot.group.title)}"
        item = drag.item
        assert item is not None
        verdict = move_verdict(item, place)
        if not verdict.allowed:
            owner = self._owner_label(item.stakeholder_id)
            return False, f"not its list — it is on {owner}"
        if place.is_block:
            where = "at the end" if spot.index is None else f"place {spot.index + 1}"
            verb = "reorder in" if verdict.reorders else "into"
            return True, f"{verb} {clean_line(spot.group.title)} · {where}"
        if verdict.needs_reason:
            return True, "drop it (you'll be asked why)"
        if place.is_dropped:
            return True, "reorder the dropped items"
        return True, "reorder its list" if verdict.reorders else "back to its own list"

    def _owner_label(self, stakeholder_id: int | None) -> str:
        if stakeholder_id is None:
            return "the team's list"
        known = self.stakeholder_map.get(stakeholder_id)
        return f"{known[0].name}'s list" if known else "another list"

    def _complete(self, drag: Drag) -> None:
        spot = drag.spot
        if spot is None:
            self.say("Released over nothing; nothing changed.")
            return
        if not drag.valid:
            _, description = self._describe(drag)
            self.say(f"Can't put it there: {description}.", error=True)
            return
        place = spot.group.key
        if drag.block is not None:
            target_block = spot.group.block
            if target_block is None or target_block is drag.block:
                return
            order = list(self.block_map)
            block_id = drag.block.id
            self.run_op(lambda: self.store.move_block(block_id, order.index(target_block.id)))
            return
        item = drag.item
        assert item is not None
        if move_verdict(item, place).needs_reason:
            self._ask_drop(item, spot.index)
        else:
            self.run_op(lambda: self.store.move_item(item.id, place, spot.index))

    def _auto_scroll(self, drag: Drag) -> None:
        target = drag.target
        step = 0
        if target is not None:
            region = target.content_region
            y = drag.pointer[1]
            if y <= region.y and target.scroll_offset.y > 0:
                step = -1
            elif y >= region.bottom - 1 and target.scroll_offset.y < target.max_scroll_y:
                step = 1
        self._scroll_step = step
        if step and self._scroll_timer is None:
            self._scroll_timer = self.set_interval(0.06, self._scroll_tick)
        elif not step:
            self._stop_auto_scroll()

    def _scroll_tick(self) -> None:
        drag = self.drag
        if drag is None or drag.target is None or not self._scroll_step:
            self._stop_auto_scroll()
            return
        drag.target.scroll_to(
            y=drag.target.scroll_offset.y + self._scroll_step, animate=False, immediate=True
        )
        self._evaluate(drag)

    def _stop_auto_scroll(self) -> None:
        if self._scroll_timer is not None:
            self._scroll_timer.stop()
            self._scroll_timer = None
        self._scroll_step = 0
