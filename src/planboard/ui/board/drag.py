"""The drag controller: it reacts to the lists' presses, moves and releases, shows
what a drop would do (the preview, from `core.rules`) and does it on release."""

from __future__ import annotations

from typing import Any

from textual.errors import NoWidget

from ...core.model import Block, Item
from ...core.record import Record
from ...core.rules import move_verdict
from ...core.text import clean_line
from ..widgets.bars import DragGhost
from ..widgets.board_list import BoardList, DropSpot, Row
from .items import BoardItems


class Drag(Record):
    """A press that may become a drag, and what it would do if released now."""

    __slots__ = ("active", "pointer", "row", "source", "spot", "target", "valid", "x", "y")

    def __init__(
        self,
        source: BoardList,
        row: Row,
        x: int,
        y: int,
        active: bool = False,
        target: BoardList | None = None,
        spot: DropSpot | None = None,
        valid: bool = False,
        pointer: tuple[int, int] = (0, 0),
    ) -> None:
        self.source = source
        self.row = row
        self.x = x
        self.y = y
        self.active = active
        self.target = target
        self.spot = spot
        self.valid = valid
        self.pointer = pointer

    @property
    def item(self) -> Item | None:
        return self.row.item

    @property
    def block(self) -> Block | None:
        return self.row.group.block if self.row.kind == "header" else None


class BoardDrag(BoardItems):
    """A press that may become a drag, the drop spot under the pointer, auto-scroll."""

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
        self.refresh_bindings()  # (the keys wait while an item is carried: back)
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
        # hides the rows the drop would land on; where it fits beside neither side,
        # under the pointer's row (or above it, near the bottom).
        width, height = ghost.outer_size.width or 40, ghost.outer_size.height or 4
        region = target.region if target is not None else None
        top = y - 1
        if region is not None and region.x - width >= 0:
            left = region.x - width
        elif region is not None and region.right + width <= self.size.width:
            left = region.right
        else:
            left = x - 2 - width if x - 2 - width >= 0 else x + 3
            if region is not None:
                left = x - width // 2
                top = y + 1 if y + 1 + height <= self.size.height else y - height
        ghost.styles.offset = (
            max(0, min(left, self.size.width - width)),
            max(0, min(top, self.size.height - height)),
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
            source = item.place  # (where it was picked up: moved since, refused)
            self.run_op(lambda: self.store.move_item(item.id, place, spot.index, source))

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
