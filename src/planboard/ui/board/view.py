"""The board's view-model: reading the quarter into the columns, applying each action's
`Change` to the groups it touched, and catching up when the file changed elsewhere."""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

from ...core.errors import PlanboardError
from ...core.model import Board, Change, Item, Place, PlaceWidths, Stakeholder
from ...core.text import plural
from ..widgets.board_list import BoardList, Group
from ..widgets.board_rows import index_of
from .beside import gap_to
from .head import BoardHead

if TYPE_CHECKING:
    from ..app import FileChanged

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
        "drop_block",
    }
)


# Actions that take one item out of one place and into another (or to another index
# of a block or the dropped area): the columns follow from that item alone.
ONE_ITEM_ACTIONS = frozenset({"move_item", "drop_item"})
# A list of this many items or more that a change takes away (the undo of a big import)
# is kept, in case a redo puts it back: its items are then taken again if the file
# holds the very same ones, instead of being read and built anew.
KEEP_GONE_FROM = 1000
# The palette's list of rows another program wrote (its title says when it stops).
LISTED_ROWS = 1000


TITLE_NAMES = {
    "team": "Team",
    "stakeholders": "Stakeholders",
    "blocks": "Blocks",
    "dropped": "Dropped",
}


class BoardView(BoardHead):
    """Loads the quarter and applies changes: a move repaints two groups, not the board."""

    def load(self, read: Board | None = None) -> None:
        """Read the whole quarter (on open, on switching quarter, after another program
        changed the file), or show `read`, the quarter just read. Actions repaint only
        what they changed. Once it has painted, rows another program wrote are looked
        at (see `_check_outside_rows`)."""
        preloaded, self._preloaded = self._preloaded, None
        self._vectors_known, self._lists_gone = None, {}  # read again with the quarter
        self._rest_asked = False
        try:
            if read is not None and read.quarter.id == self.quarter_id:
                board = read
            elif preloaded is not None and preloaded[0].quarter.id == self.quarter_id:
                board = preloaded[0]
            else:
                board = self.store.board(self.quarter_id)
        except PlanboardError as error:
            if self.board is None:
                raise  # nothing to show at all: the app can't start on this file
            if self.board.partial:  # (the rest of it can't be read: nor can the board)
                self.app.exit(return_code=1, message=str(error))
                return
            self.say(str(error), error=True)  # keep showing what was last read
            return
        self.board = board
        self.stakeholder_map = {s.id: (s, i) for i, s in enumerate(board.stakeholders)}
        self.stakeholders_by_id = {s.id: s for s in board.stakeholders}
        self.block_map = {b.id: b for b in board.blocks}
        self._show_quarter()
        self._set_groups(board)
        self._update_titles()
        # The board read holds the merged requests already (merged_map's order: by id).
        self.merged = {
            survivor: sorted(items, key=lambda item: item.id)
            for survivor, items in board.merged.items()
        }
        # The quarter may have become read-only, or editable (decided or reopened
        # elsewhere, a viewer taking over): the footer dims the edit keys to match.
        self.refresh_bindings()
        if board.partial:
            # The head of a big quarter has painted: the rest is read at once, in a
            # thread. Until then the keys that move to a line already read act on the
            # head; the app keeps the others (`takes_on_head`).
            self.call_after_refresh(self._read_the_rest)
            return
        self.call_after_refresh(self._check_outside_rows)
        # After the frame: the board shows first, the overlap follows.
        self.call_after_refresh(self._refresh_overlap)

    def _set_groups(self, board: Board) -> None:
        """Every column's groups, from a board just read."""
        self.column("team").set_groups(
            [
                Group(
                    Place.team(),
                    "Team",
                    board.items_at(Place.team()),
                    empty_text=self._hint("(no candidates yet — n adds one)"),
                    line_widths=self._line_widths(Place.team()),
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
                    line_widths=self._line_widths(Place.dropped()),
                )
            ]
        )

    def _check_outside_rows(self) -> None:
        """After the board has painted (it never delays a frame): rows another program
        added without positions are put in order (and the board re-read), and rows
        holding values of the wrong type are named on the status line, once for each
        new set of them. Until then, rows without a position show at the end."""
        if self.busy or self.board is None:
            return
        # Once per look: the load after a tidy does not tidy again (were the rows ever
        # such that tidying could not settle them, the board would rewrite its file for
        # ever instead of answering keys).
        tidied, self._tidied = self._tidied, False
        try:
            if not tidied and self.store.tidy(self.quarter_id) is not None:
                self.planboard.caught_up()
                self._tidied = True
                self.load()
                return
            found = self.store.row_problems(self.quarter_id)
        except PlanboardError:
            return
        # (The positions a tidy just renumbered are no longer in the file: named once.)
        named = self.store.tidy_named.pop(self.quarter_id, None) if tidied else None
        self.say_rows_of_others([named, *found] if named else found)

    _lists_rows = True

    def action_rows_of_others(self) -> None:
        """Every row another program wrote that planboard can't take as it is (the
        status line names the first and counts the rest)."""
        from ..modals import ReadModal

        try:
            found = self.store.row_problems(self.quarter_id, limit=LISTED_ROWS + 1)
        except PlanboardError as error:
            self.say(str(error), error=True)
            return
        if not found:
            self.say("No row of this quarter needs a word: planboard shows each as it is.")
            return
        listed = found[:LISTED_ROWS]
        lines = "\n".join(f"{n}. {problem}" for n, problem in enumerate(listed, 1))
        counted = f"the first {LISTED_ROWS:,}" if len(found) > LISTED_ROWS else len(found)
        title = f"Rows another program wrote ({counted})"
        self.app.push_screen(ReadModal(title, [("", lines)]))

    def _stakeholder_group(self, stakeholder: Stakeholder, items: list[Item]) -> Group:
        return Group(
            Place.of_list(stakeholder.id),
            stakeholder.name,
            items,
            stakeholder=stakeholder,
            note=stakeholder.department,
            empty_text=self._hint("(no items — press n to add)"),
            line_widths=self._line_widths(Place.of_list(stakeholder.id)),
        )

    def _line_widths(self, place: Place) -> PlaceWidths | None:
        """How wide a place's lines are, for a partial board (see `Group.line_widths`)."""
        if self.board is None or not self.board.partial:
            return None
        return self.board.line_widths.get(place, PlaceWidths())

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
                    line_widths=self._line_widths(Place.block(b.id)),
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

    def _show_quarter(self) -> None:
        quarter = self.quarter
        reason = self._read_only_reason()
        self.title_bar.show(quarter, self.store.path.name, reason, self._replica)
        self.vision_bar.show(quarter.vision)
        self.set_class(bool(reason), "-readonly")

    def _update_titles(self) -> None:
        def count(name: str, items: bool = False) -> str:
            """The column's items; during a search, how many of them it shows, said
            shorter where the column's title has not the room ("5 of 30 items", "5 of
            30", "5/30": it was cut to "Stakeholders · 5 o…")."""
            column = self.column(name)
            total = sum(len(g.items) for g in column.groups)
            said = plural(total, "item") if items else str(total)
            if column.filter is None:
                return said
            shown = sum(1 for row in column.rows if row.kind == "item")
            room = column.outer_size.width - 6 - len(TITLE_NAMES[name]) - 3  # (╭─ ·  ─╮)
            forms = (f"{shown} of {said}", f"{shown} of {total}", f"{shown}/{total}")
            return next((f for f in forms if len(f) <= room), forms[-1]) if room > 0 else forms[0]

        def lists(name: str) -> str:
            """How many lists the column holds (not said during a search: the title
            has the room of a narrow column, and lists without a match are not shown)."""
            column = self.column(name)
            return "" if column.filter is not None else f"{len(column.groups)} · "

        grouped = ("stakeholders", "blocks")  # (their lists or blocks counted too)
        titles = {
            name: f"{TITLE_NAMES[name]} · {lists(name) if name in grouped else ''}"
            f"{count(name, name in grouped)}"
            for name in TITLE_NAMES
        }
        for name, title in titles.items():
            column = self.column(name)
            if column.border_title != title:
                column.border_title = title
        self.call_after_refresh(self.size_columns, True)  # what they hold may have grown

    def apply(self, change: Change) -> None:
        """Repaint what a change touched, then put the cursor on what it was about."""
        acted = change.action
        if acted in ("undo", "redo") and self._replaying:
            acted = self._replaying
        self._replaying = None
        if (change.quarters and change.quarter_id != self.quarter_id) or (
            change.stakeholders and (change.quarters or self._outside_write)
        ):
            self.load()
        else:
            read: set[Place] = set()
            if change.stakeholders:
                read = self._apply_lists(change)
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
                if place in read:
                    continue
                self.column_for(place).update_group(
                    place, self.store.items_at(self.quarter_id, place)
                )
            self._update_titles()
        self._focus_change(change)
        self.refresh_bindings()
        if acted in OVERLAP_ACTIONS or change.stakeholders:
            self.merged = self.store.merged_map(self.quarter_id)
            # After the frame: what the action did shows first, the overlap follows.
            self.call_after_refresh(self._refresh_overlap)

    def _apply_lists(self, change: Change) -> set[Place]:
        """Lists added, removed, renamed or reordered in this quarter: the lists column
        is rebuilt from what it holds, re-reading only the lists the change names (the
        undo of a 20,000-item import takes one list away without reading the rest of
        the board). Returns the places it read."""
        stakeholders = self.store.stakeholders(self.quarter_id)
        if self.board is not None:
            self.board = self.board.replaced(stakeholders=stakeholders)
        self.stakeholder_map = {s.id: (s, i) for i, s in enumerate(stakeholders)}
        self.stakeholders_by_id = {s.id: s for s in stakeholders}
        column = self.column("stakeholders")
        held = {group.key: group.items for group in column.groups}
        read: set[Place] = set()
        groups = []
        for stakeholder in stakeholders:
            place = Place.of_list(stakeholder.id)
            items = held.get(place)
            if items is None or place in change.places:
                items = self._list_back(place) or self.store.items_at(self.quarter_id, place)
                read.add(place)
            groups.append(self._stakeholder_group(stakeholder, items))
        shown = {group.key for group in groups}
        self._lists_gone = {
            place: items
            for place, items in held.items()
            if place not in shown and len(items) >= KEEP_GONE_FROM
        }
        column.set_groups(groups)
        for other in self.columns:  # owners' tags show names and colours
            if other is not column:
                other.refresh_tags()
        return read

    def _list_back(self, place: Place) -> list[Item] | None:
        """A big list an earlier change took away, back in the file (a redo put it
        back): its items as they were shown if the file's list holds the very same
        ones, in the same order (the redo writes back the rows as the undo found them);
        else None, and the list is read."""
        gone = self._lists_gone.pop(place, None)
        if gone is None:
            return None
        order = self.store.list_order(self.quarter_id, place)
        if order != [(item.position, item.id) for item in gone]:
            return None
        return gone

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
            items = _without(group, item.id)
            if not item.is_merged and item.place == place:
                if place.is_list:
                    back = self._back_in_list(items, item)
                    if back is None:
                        return False
                    items = back
                else:
                    items.insert(min(max(item.place_position or 0, 0), len(items)), item)
            updates.append((column, place, items))
        for column, place, items in updates:
            column.update_group(place, items)
        return True

    def _back_in_list(self, items: list[Item], item: Item) -> list[Item] | None:
        """A list's items with `item` back among them, in the file's order: put in by
        its position, where the file has the same items either side of it (the rest of
        the list is as shown: nobody else has written since, see `after`); else the
        list's order is read. None if the columns can't tell."""
        if type(item.position) is int:
            try:
                at = bisect_left(items, (item.position, item.id), key=lambda i: (i.position, i.id))
            except TypeError:  # (a position another program wrote as text)
                at = -1
            if at >= 0:
                before = items[at - 1].id if at else None
                after = items[at].id if at < len(items) else None
                if self.store.list_neighbours(item) == (before, after):
                    return [*items[:at], item, *items[at:]]
        known = {i.id: i for i in items}
        known[item.id] = item
        order = self.store.item_ids_at(self.quarter_id, item.place)
        if len(order) != len(known) or any(i not in known for i in order):
            return None
        return [known[i] for i in order]

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
        """Focus a column, with the detail pane on its row, in the same frame: at once,
        not after the frame (under a form that is closing, the whole board is painted
        next; a focus that came after it would take a frame of its own). Taken from a
        column beside it (an item moved into a block), ← or → goes back there."""
        left = self.focused_column()
        if left is not None and left is not column:
            back = next((d for d in (-1, 1) if gap_to(column, left, d) is not None), 0)
            self._came_from = (column, back, left) if back else None
        if column.focusable:
            self.set_focus(column)
        else:
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
        try:
            self._catch_up()
        except Exception as error:  # a signal's subscriber errors are only logged: say it
            self._stale = True
            self.say(
                f"Could not re-read the board: {error}. Tried again at the next change.", error=True
            )

    def _catch_up(self) -> None:
        """Re-read the file if it changed while the board could not show it."""
        if not self._stale or self.drag is not None or not self.is_current:
            return
        self._stale = False
        if self._quarter_gone():
            return
        was_decided = self.board is not None and self.quarter.is_decided
        self.load()
        if self.board is not None and self.quarter.is_decided and not was_decided:
            # The last message may offer an undo the decided quarter would refuse.
            self.say(f"{self.quarter.name} is decided: its board is read-only.")

    def _quarter_gone(self) -> bool:
        """The quarter on screen was deleted elsewhere (another planboard deleted a
        quarter started by mistake): show one that exists, and say so."""
        from ...core.errors import NotFoundError

        try:
            self.store.quarter(self.quarter_id)
        except NotFoundError:
            pass
        else:
            return False
        gone = self.quarter.name if self.board is not None else "The quarter on screen"
        self.quarter_id = self.store.default_quarter().id
        self.load()
        for column in self.columns:
            column.start_over()
        self.say(f"{gone} was deleted by another program: showing {self.quarter.name}.")
        self.refresh_bindings()
        return True

    def after(self, change: Change) -> None:
        """Repaint after a successful action and say what it did."""
        # Said first: the outcome line then reaches the screen with the columns, in one
        # frame (said after them, it often missed that frame and took one of its own).
        said = self._outcome(change)
        if change.changed_nothing:
            self.status_line.note(said)  # (nothing changed: "Nothing to undo" had a tick)
        else:
            self.say(said)
        try:
            # This connection's own writes leave its data version as it was: a new one
            # means another program wrote too, and what the columns hold may be stale.
            self._outside_write = self.planboard.caught_up()
            self.apply(change)
        except PlanboardError as error:  # saved, but the file could not be re-read
            self.say(str(error), error=True)
            return
        if self._outside_write:
            # Another program wrote just before this action (the watcher had not looked
            # yet), and catching up took its change as seen: the board is re-read after
            # this frame, as the watcher would have (its rows put in order too). Only
            # the places the action touched were read: its row elsewhere never showed.
            self._stale = True
            self.call_after_refresh(self._catch_up)
        self._keep_vectors()
        outcome = self._outcome(change)  # (the action may have made the board read-only)
        if outcome != said:
            self.say(outcome)

    def _outcome(self, change: Change) -> str:
        """What an action did, and how to take it back where it can be."""
        if change.event_id is None or self._read_only_reason():
            return change.summary  # nothing here can be undone
        hint = "Ctrl+Y redoes it" if change.summary.startswith("Undid") else "u undoes it"
        return f"{change.summary}  ({hint})"

    def resync(self) -> None:
        self.load()


def _without(group: Group, item_id: int) -> list[Item]:
    """A group's items but one, found by id (in C: a list of thousands is quick)."""
    found = index_of(group.items, item_id)
    return list(group.items) if found is None else group.items[:found] + group.items[found + 1 :]
