"""The board: every list side by side, the blocks, the dropped items.

The screen owns the quarter on display and talks to the store; each action's `Change`
tells it which groups to re-read, so a move repaints two groups, not the board.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.content import Content
from textual.errors import NoWidget
from textual.screen import Screen
from textual.timer import Timer

from ...core.errors import PlanboardError, ValidationError
from ...core.model import Block, Board, Change, Item, Place, Quarter, Stakeholder, askers
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

COLUMN_IDS = ("team", "stakeholders", "blocks", "dropped")
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


class BoardScreen(StoreActions, Screen[None]):
    """The planning board of one quarter."""

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
        Binding("shift+up,K", "shift(-1)", "Up", show=False),
        Binding("shift+down,J", "shift(1)", "Down", show=False),
        Binding("delete,x", "delete", "Delete", show=False),
        Binding("left,h", "focus_column(-1)", "Column left", show=False),
        Binding("right,l", "focus_column(1)", "Column right", show=False),
        Binding("escape", "cancel_drag", "Cancel drag", show=False),
        *[Binding(str(n), f"move_to_nth({n})", f"To block {n}", show=False) for n in range(1, 10)],
    ]

    def __init__(self, store: Store, quarter_id: int, notice: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.quarter_id = quarter_id
        self.notice = notice
        # Opened from the history: past quarters are shown read-only (`o` opens to edit).
        self.looking_back = False
        self.board: Board | None = None
        self.stakeholder_map: dict[int, tuple[Stakeholder, int]] = {}
        self.block_map: dict[int, Block] = {}
        self.drag: Drag | None = None
        self._scroll_timer: Timer | None = None
        self._scroll_step = 0
        self._suppress_click = False
        self._data_version = 0
        self._seen_event = 0  # the last event this screen has shown
        self._pending_go: int | None = None
        self.neighbours: dict[int, list[Neighbour]] = {}  # similar items on other lists
        self.match_why: Callable[[int, int], str] = lambda a, b: ""  # why two items match
        self.match_note = ""  # what the matcher could not do (no numpy), or ""
        self.merged: dict[int, list[Item]] = {}  # requests merged into an item
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
        self._data_version = self.store.data_version()
        self.set_interval(0.5, self._poll_file)

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

    def tag_for(self, item: Item) -> tuple[str, int]:
        if item.stakeholder_id is None:
            return ("Team", 0)
        known = self.stakeholder_map.get(item.stakeholder_id)
        if known is None:
            return ("?", 0)
        stakeholder, index = known
        return (stakeholder.tag, index + 1)

    def load(self) -> None:
        """Read the whole quarter (on open, on switching quarter, after another program
        changed the file). Actions repaint only what they changed."""
        try:
            board = self.store.board(self.quarter_id)
        except PlanboardError as error:
            if self.board is None:
                raise  # nothing to show at all: the app can't start on this file
            self.say(str(error), error=True)  # keep showing what was last read
            return
        self.board = board
        self._seen_event = self.store.last_event_id()
        self.stakeholder_map = {s.id: (s, i) for i, s in enumerate(board.stakeholders)}
        self.block_map = {b.id: b for b in board.blocks}
        self._show_quarter()
        self.column("team").set_groups(
            [
                Group(
                    Place.team(),
                    "Team",
                    board.items_at(Place.team()),
                    empty_text=self._hint("(no candidates yet — press n to add one)"),
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
                    empty_text=self._hint("(nothing dropped — drag here or press d)"),
                )
            ]
        )
        self._update_titles()
        self.merged = self.store.merged_map(self.quarter_id)
        # The quarter may have become read-only, or editable (decided or reopened
        # elsewhere, a viewer taking over): the footer dims the edit keys to match.
        self.refresh_bindings()
        # After the frame: the board shows first, the overlap follows.
        self.call_after_refresh(self._refresh_overlap)

    # ------------------------------------------------------------- overlap

    def _owner_name(self, stakeholder_id: int | None) -> str:
        if stakeholder_id is None:
            return "Team"
        known = self.stakeholder_map.get(stakeholder_id)
        return known[0].name if known else "?"

    def _refresh_overlap(self) -> None:
        """Work out, in a thread, which items on different lists ask for the same
        thing; the board shows it when done (it never delays a frame). Meaning vectors
        already in the file are reused; new or edited titles are embedded there."""
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
            lambda: self._overlap_of(entries, names, stored, rejected),
            thread=True,
            exclusive=True,
            group="overlap",
            name="overlap",
        )

    @staticmethod
    def _overlap_of(
        entries: list[Any],
        names: dict[int, tuple[str, str]],
        stored: dict[Any, tuple[str, bytes]],
        rejected: set[frozenset[Any]],
    ) -> tuple[dict[int, list[Neighbour]], Any]:
        from ...core.similar import match

        found = match(entries, stored=stored, rejected=rejected, with_groups=False)
        neighbours = {
            key: [(other, *names[other]) for other, _score in near]
            for key, near in found.overlap.items()
        }
        return neighbours, found

    def on_worker_state_changed(self, event: Any) -> None:
        from textual.worker import WorkerState

        worker = event.worker
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
        if self.board is not None and self.quarter.is_decided:
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
        self.title_bar.show(quarter, self.store.path.name, reason)
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

    def apply(self, change: Change) -> None:
        """Repaint what a change touched, then put the cursor on what it was about."""
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
            for place in change.places:
                if place.is_block and (change.blocks or place.ref not in self.block_map):
                    continue
                self.column_for(place).update_group(
                    place, self.store.items_at(self.quarter_id, place)
                )
            self._update_titles()
        self._focus_change(change)
        self.refresh_bindings()
        if change.action in OVERLAP_ACTIONS:
            self.merged = self.store.merged_map(self.quarter_id)
            self._refresh_overlap()
        # (marks belong to items, not places: a move keeps them as they are)

    def _focus_change(self, change: Change) -> None:
        if change.item_id is not None:
            try:
                item = self.store.item(change.item_id)
            except PlanboardError:
                return
            column = self.column_for(item.place)
            if column.select_item(item.id, key=item.place):
                column.focus()
        elif change.block_id is not None and change.block_id in self.block_map:
            column = self.column("blocks")
            if column.select_group(Place.block(change.block_id)):
                column.focus()
        elif change.stakeholders:
            lists = [p for p in change.places if p.is_list and p.ref is not None]
            column = self.column("stakeholders")
            if len(lists) == 1 and column.select_group(lists[0]):
                column.focus()

    def _poll_file(self) -> None:
        """Show within a second what another program wrote to the file."""
        try:
            version = self.store.data_version()
        except PlanboardError:
            return
        except Exception:  # the file went away under us; the next action will say so
            return
        if version != self._data_version:
            self._data_version = version
            if self.drag is None:
                self.load()

    # ------------------------------------------------------------- running ops

    def after(self, change: Change) -> None:
        """Repaint after a successful action and say what it did."""
        try:
            self._data_version = self.store.data_version()
            self._seen_event = self.store.last_event_id()
            self.apply(change)
        except PlanboardError as error:  # saved, but the file could not be re-read
            self.say(str(error), error=True)
            return
        if change.event_id is None:
            self.say(change.summary)
        else:
            hint = "Ctrl+Y redoes it" if change.summary.startswith("Undid") else "u undoes it"
            self.say(f"{change.summary}  ({hint})")

    def resync(self) -> None:
        self.load()

    def writable(self) -> bool:
        """True if this quarter can be changed; otherwise says why."""
        if self.store.readonly:
            self.say(f"This board is open read-only ({self.store.readonly_reason}).", error=True)
            return False
        if self.quarter.is_decided:
            self.say(f"{self.quarter.name} is decided, so its board is read-only.", error=True)
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

    @on(BoardList.CursorMoved)
    def _cursor_moved(self, message: BoardList.CursorMoved) -> None:
        if message.board_list is not self.focused and self.focused is not None:
            return
        self._show_detail(message.row)

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_drag":
            return self.drag is not None and self.drag.active
        return True

    def action_focus_column(self, delta: int) -> None:
        columns = [c for c in self.columns if c.display]
        current = self.focused_column()
        index = columns.index(current) if current in columns else 0
        columns[max(0, min(index + delta, len(columns) - 1))].focus()

    def action_help(self) -> None:
        from ..modals import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_undo(self) -> None:
        if self.writable():
            self.run_op(lambda: self.store.undo(self.quarter_id))

    def action_redo(self) -> None:
        if self.writable():
            self.run_op(lambda: self.store.redo(self.quarter_id))

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
        ]

    def _edit_stakeholder(self, stakeholder: Stakeholder) -> None:
        from ..modals import FormModal

        def submit(values: dict[str, Any]) -> str | None:
            return self.form_op(
                lambda: self.store.edit_stakeholder(
                    stakeholder.id,
                    name=values["name"],
                    department=values["department"],
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
                    values["name"], values["department"], quarter_id=self.quarter_id
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
            items = [loose[e.key] for e in group if e.key in loose]  # type: ignore[index]
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

        def submit(values: dict[str, Any]) -> str | None:
            from pathlib import Path

            from ...core.importer import parse_text, read_list

            try:
                if values["text"].strip():
                    parsed = parse_text(values["text"])
                    source = "pasted text"
                elif values["path"].strip():
                    path = Path(values["path"].strip()).expanduser()
                    parsed = read_list(path)
                    source = path.name
                else:
                    return "Give a file, or paste the list."
            except PlanboardError as error:
                return str(error)
            target = values["owner"]
            name = None if target is None else self._owner_name(target)
            seen = (source, values["text"], values["path"], target)
            if previewed.get("last") != seen:
                # First a look at what would come in; the same again imports it.
                previewed["last"] = seen
                titles = "; ".join(f"“{clean_line(i.title)}”" for i in parsed.items[:5])
                more = f" and {len(parsed.items) - 5} more" if len(parsed.items) > 5 else ""
                columns = f" {parsed.columns_text()}" if parsed.columns else ""
                return Notice(
                    f"{parsed.summary()}.{columns} {titles}{more}. "
                    f"Ctrl+S again imports them into {name or 'the team'}'s list."
                )
            result = self.form_op(
                lambda: self.store.import_items(self.quarter_id, name, parsed.items, source=source)
            )
            if result is None:
                self.say(
                    f"{parsed.summary()} — imported into {name or 'the team'}'s list (u undoes it)"
                )
            return result

        self.app.push_screen(
            FormModal(
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
                ],
                submit,
                save_label="Import",
            )
        )

    # ---------------------------------------------------------------- the event

    def on_screen_resume(self) -> None:
        from ..theme import use_projector

        if self.app.screen is not self:
            return  # a late resume, with another screen already on top
        if self._pending_go is not None:
            target, self._pending_go = self._pending_go, None
            self.call_after_refresh(self._go_to, target)
        use_projector(self.app, False)
        if self.store.last_event_id() != self._seen_event:
            # Something was done on another screen (the event): show the file as it is.
            self.load()
            self.refresh_bindings()

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
        self._data_version = self.store.data_version()
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
            self._data_version = self.store.data_version()
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
        self.notify(Content(f"Exported to {path}"), timeout=6)

    def open_quarter(self, quarter_id: int, *, looking_back: bool | None = None) -> None:
        """Show a quarter. `looking_back` (from the history) shows a past quarter
        read-only even if it was never decided; None keeps the current mode."""
        if looking_back is not None:
            self.looking_back = looking_back
        self.quarter_id = quarter_id
        self.load()
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
            return
        drag.pointer = (x, y)
        self._evaluate(drag)
        self._suppress_click = True
        self._end_drag_visuals()
        self.drag = None
        self._complete(drag)

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
        if place.is_block:
            where = "at the end" if spot.index is None else f"place {spot.index + 1}"
            verb = "reorder in" if item.block_id == place.ref else "into"
            return True, f"{verb} {clean_line(spot.group.title)} · {where}"
        if place.is_dropped:
            if item.status == "dropped":
                return True, "reorder the dropped items"
            return True, "drop it (you'll be asked why)"
        if place != item.home:
            owner = self._owner_label(item.stakeholder_id)
            return False, f"not its list — it is on {owner}"
        if item.place == place:
            return True, "reorder its list"
        return True, "back to its own list"

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
        if place.is_dropped and item.status != "dropped":
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
