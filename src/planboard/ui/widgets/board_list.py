"""BoardList: one column of the board, drawn line by line.

A column holds groups (a stakeholder's list, a block, the dropped area), each a header
line and one line per item. It is a line-API widget: only the lines on screen are
rendered, and a change to one group splices that group's lines, so a column stays
fluid with thousands of items. Mouse presses and drags are reported to the screen,
which owns the drag (it spans columns).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from rich.cells import set_cell_size
from rich.segment import Segment
from textual import events, on
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from ...core.model import Item, Place
from .. import keys
from .board_rows import (
    TAG_MAX,
    DragListener,
    DropSpot,
    Group,
    LineWidths,
    Row,
    RowPainter,
    came_in,
    find_item,
    group_start,
    index_of,
    nearest_selectable,
    rows_by_group,
    same_group,
    selectable,
    shifted,
    spliced,
    took_out,
    widest_tag,
)
from .head_rows import item_rows_of_head
from .laid_out_once import ColumnScrollView
from .line_cache import LineCache
from .shared_styles import SharedComponentStyles

__all__ = ["BoardList", "DragListener", "DropSpot", "Group", "Row"]

#: The width a column tells Textual it scrolls over. Its lines are cut to the column
#: (it never scrolls sideways), so a constant: a column resized by a change keeps its
#: virtual size, and Textual lays the screen out once, not again for the new size.
VIRTUAL_WIDTH = 1


class BoardList(SharedComponentStyles, ColumnScrollView, can_focus=True):
    """A column of grouped items with a cursor."""

    ALLOW_SELECT = False

    BINDINGS = keys.bindings("column")

    COMPONENT_CLASSES = {
        "board-list--header",
        "board-list--cursor",
        "board-list--cursor-blurred",
        "board-list--empty",
        "board-list--muted",
        "board-list--target",
        "board-list--marker",
        "board-list--carried",
        "board-list--chosen",
        "board-list--mark",
        "board-list--tag",
    }

    cursor: reactive[int] = reactive(-1, always_update=True, init=False)
    """Index of the highlighted row, or -1 when the column is empty."""

    class CursorMoved(Message):
        """The highlighted row changed (or its content did)."""

        def __init__(self, board_list: BoardList, row: Row | None) -> None:
            super().__init__()
            self.board_list = board_list
            self.row = row

        @property
        def control(self) -> BoardList:
            return self.board_list

    class Activated(Message):
        """A row was double-clicked."""

        def __init__(self, board_list: BoardList, row: Row) -> None:
            super().__init__()
            self.board_list = board_list
            self.row = row

        @property
        def control(self) -> BoardList:
            return self.board_list

    def __init__(
        self,
        *,
        show_headers: bool,
        show_tags: bool,
        tag_for: Callable[[Item], tuple[str, str]],
        tag_as_bar: bool = False,
        placeholder: str = "",
        indent: int = 0,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        # What a step past the first or last line does (the board's: the column above
        # or below, where they stack), called at once, so a key after it in the same
        # burst goes to where it led.
        self.past_edge: Callable[[BoardList, int], None] | None = None
        self.show_headers = show_headers
        self.show_tags = show_tags
        self.tag_as_bar = tag_as_bar  # a coloured bar instead of the owner's name
        self.placeholder = placeholder  # shown when the column has no group at all
        self.tag_for = tag_for
        self.indent = indent
        self.groups: list[Group] = []
        self.rows: list[Row] = []
        self._group_rows: dict[Place, int] = {}  # group key -> number of rows
        self._cache = LineCache()
        self.drop_spot: DropSpot | None = None
        self.carried_item: int | None = None
        self.tag_width = 0
        self.drag_listener: DragListener | None = None
        # Called as the cursor moves, before the frame is painted: what shows the
        # highlighted row elsewhere (the detail pane) then changes in the same frame.
        self.cursor_listener: Callable[[BoardList, Row | None], None] | None = None
        self.filter: Callable[[Item], bool] | None = None
        self._rows_current = False  # whether the rows were made as the column shows now
        self.filter_keeps_groups = False
        self.marks: dict[int, str] = {}
        self.header_note: Callable[[Group], str] | None = None  # right side of a header
        self._natural: int | None = None  # natural_width(), until the content changes
        self._drawn_focus: bool | None = None  # how the cursor was last drawn
        self._widths = LineWidths()  # each group's line widths, measured once
        self._painter = RowPainter(self)

    # ----------------------------------------------------------------- content

    def _rows_for(self, group: Group) -> list[Row]:
        keep = self.filter
        # Row.index stays the item's place in the whole group: moves count on it.
        if keep is None and group.line_widths is not None:
            shown = item_rows_of_head(group)
        else:
            shown = [
                Row("item", group, item, index)
                for index, item in enumerate(group.items)
                if keep is None or keep(item)
            ]
        if keep is not None and not shown and not self.filter_keeps_groups:
            return []  # a group with nothing matching disappears while filtering
        rows = [Row("header", group)] if self.show_headers else []
        rows.extend(shown)
        if not shown:
            rows.append(Row("empty", group))
        return rows

    def set_filter(self, predicate: Callable[[Item], bool] | None, *, keep_groups: bool) -> None:
        """Show only the items `predicate` accepts (None: all of them)."""
        self.filter = predicate
        self.filter_keeps_groups = keep_groups
        self._rows_current = False  # every group's rows are made again
        self.set_groups(self.groups)
        # The cursor's item, found on its new row, in sight (a search cleared: the
        # item it went to, tenth in its column, was out of sight under the first lines).
        self.call_after_refresh(self.scroll_to_cursor)

    def set_marks(
        self,
        marks: dict[int, str],
        counted: dict[Place, tuple[list[Item], list[int]]] | None = None,
    ) -> None:
        """Short badges at the end of item lines (e.g. how many other lists ask).
        `counted`: the groups' line widths with them (`counted_widths`), taken for the
        groups that still hold the list counted."""
        if marks != self.marks:
            self.marks = marks
            for group in self.groups if counted else ():
                known = counted.get(group.key) if counted else None
                if known is not None and known[0] is group.items:
                    self._widths.seed(group, marks, known[1])
            self._natural = None
            self._cache.clear()
            self.refresh()

    def natural_width(self) -> int:
        """How wide the column would like to be: its longest line whole (tags, marks and
        estimates included, up to `WIDEST`), its frame included."""
        if self._natural is None:
            self._natural = self._widths.natural(self)
        return self._natural

    def refresh_tags(self) -> None:
        """The owners' names or colours changed: the tags are drawn again."""
        if not self.show_tags:
            return
        self.tag_width = self._painter.tag_width()
        self._natural = None
        self._cache.clear()
        self.refresh()

    def set_groups(self, groups: list[Group]) -> None:
        """Replace everything the column shows, keeping the cursor on the same thing.
        A group that is the same as one shown (the same items list, title, note, …)
        keeps its rows: after the undo of a big import, the other lists' tens of
        thousands of rows are not made again."""
        keep = self._cursor_identity()
        shown = (
            rows_by_group(self.groups, self._group_rows, self.rows) if self._rows_current else {}
        )
        self.groups = []
        self.rows = []
        self._group_rows = {}
        for group in groups:
            old = shown.get(group.key)
            if old is not None and same_group(old[0], group):
                group, rows = old
            else:
                rows = self._rows_for(group)
            self.groups.append(group)
            self._group_rows[group.key] = len(rows)
            self.rows.extend(rows)
        self._rows_current = True
        self._widths.keep(self.groups)
        self._cache.clear()
        self._natural = None
        self.tag_width = self._painter.tag_width()
        self._after_change(keep)

    def group(self, key: Place) -> Group | None:
        for group in self.groups:
            if group.key == key:
                return group
        return None

    def update_group(self, key: Place, items: list[Item], **changes: object) -> bool:
        """Replace one group's items (and optionally its title, block, ...): only its
        lines are rebuilt. Returns False if the column has no such group."""
        group = self.group(key)
        if group is None:
            return False
        keep = self._cursor_identity()
        start = group_start(self.groups, self._group_rows, key)
        old_count = self._group_rows[key]
        old_width = self.tag_width
        old_items = group.items
        group.items = items
        for name, value in changes.items():
            setattr(group, name, value)
        rows = (
            None
            if self.filter is not None
            else spliced(self.rows, group, old_items, start, old_count, self.show_headers)
        )
        by_splice = rows is not None
        if rows is None:
            rows = self._rows_for(group)
            self.rows[start : start + old_count] = rows
        self._group_rows[key] = len(rows)
        self._natural = None
        if self.show_tags and not self.tag_as_bar:
            # Tags only widen here: of one item that came in, its tag is measured; of
            # one that left, none.
            measured = items
            if by_splice:
                one = came_in(old_items, items)
                measured = [one] if one is not None else []
            widest = widest_tag(measured, self.tag_for)
            if min(widest, TAG_MAX) > self.tag_width:
                self.tag_width = min(widest, TAG_MAX)
            if self.tag_width != old_width:
                self._cache.clear()
        if keep is not None and start <= keep[2] < start + old_count:
            # On a row of this group: the item is in it still, or has left the column
            # (a move to another group of it updates that group next). The item the
            # cursor was on, taken out, is not looked for through the rest of the group.
            at = keep[2] - start - self.show_headers
            gone = by_splice and took_out(old_items, items, at, keep[0])
            end = start if gone else start + len(rows)
            self._after_change(keep, within=(start, end))
        else:
            self._after_change(shifted(keep, start, old_count, len(rows)))
        return True

    def _cursor_identity(self) -> tuple[int | None, Place | None, int] | None:
        """What the cursor is on (an item id, or a group's key) and where."""
        row = self.selected
        if row is None:
            return None
        if row.kind == "item" and row.item is not None:
            return (row.item.id, None, self.cursor)
        return (None, row.group.key, self.cursor)

    def _set_length(self, rows: int) -> None:
        """Set the virtual height. A move changes it by a line or two; Textual would
        answer with a layout pass that repaints the whole screen (and the scrollbars in
        a frame of their own). While the scrollbar neither appears nor goes, only this
        column and its scrollbar change, so they are updated in place; a column as tall
        as its list (Team, when the columns stack) is laid out again to fit it."""
        size = Size(VIRTUAL_WIDTH, rows)
        old = self.virtual_size
        if size == old:
            return
        height = self.container_size.height
        fits_its_list = self.styles.height is not None and self.styles.height.is_auto
        if (
            not self.is_mounted
            or fits_its_list
            or size.width != old.width
            or (rows > height) != (old.height > height)
        ):
            self.virtual_size = size
            return
        self.set_reactive(BoardList.virtual_size, size)
        self._scroll_update(size)
        self.refresh()

    def _after_change(
        self,
        keep: tuple[int | None, Place | None, int] | None,
        within: tuple[int, int] | None = None,
    ) -> None:
        """Follow the cursor's item (or group) to its row after a change; `within`: the
        only rows it can be on, if not gone."""
        self._set_length(len(self.rows))
        target = -1
        if keep is not None:
            item_id, key, old_index = keep
            row = self.rows[old_index] if 0 <= old_index < len(self.rows) else None
            if item_id is not None and row is not None and row.item and row.item.id == item_id:
                found: int | None = old_index  # (where `shifted` says it now is)
            elif item_id is not None and within is not None:
                at = find_item(self.rows[within[0] : within[1]], item_id, old_index - within[0])
                found = None if at is None else within[0] + at
            elif item_id is not None:
                found = find_item(self.rows, item_id, old_index)
            else:
                found = self.find_group(key) if key is not None else None
            target = found if found is not None else nearest_selectable(self.rows, old_index)
        elif self.rows:
            target = nearest_selectable(self.rows, 0)
        self.set_reactive(BoardList.cursor, target)
        self.refresh()
        self._cursor_moved()

    # ----------------------------------------------------------------- queries

    @property
    def selected(self) -> Row | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    @property
    def selected_item(self) -> Item | None:
        row = self.selected
        return row.item if row is not None and row.kind == "item" else None

    @property
    def selected_group(self) -> Group | None:
        row = self.selected
        return row.group if row is not None else None

    def find_item(self, item_id: int, near: int = 0, *, key: Place | None = None) -> int | None:
        """The row of an item: in group `key` if it is known to be there, else searching
        outwards from row `near` (usually where it was)."""
        try:
            start = group_start(self.groups, self._group_rows, key) if key is not None else -1
        except KeyError:
            start = -1
        group = self.group(key) if key is not None and start >= 0 else None
        if group is not None and self.filter is None:  # (a row per item, in order)
            at = index_of(group.items, item_id)
            index = start + self.show_headers + (at or 0)
            if at is not None and index < len(self.rows):
                row = self.rows[index]
                if row.item is not None and row.item.id == item_id:
                    return index
        if key is not None and start >= 0:
            for index in range(start, start + self._group_rows[key]):
                item = self.rows[index].item
                if item is not None and item.id == item_id:
                    return index
        return find_item(self.rows, item_id, near)

    def find_group(self, key: Place) -> int | None:
        try:
            start = group_start(self.groups, self._group_rows, key)
        except KeyError:
            return None
        return nearest_selectable(self.rows, start)

    def row_at_screen(self, screen_y: int) -> int | None:
        """The row under a screen line, or None if that line is not on a row."""
        region = self.content_region
        if not (region.y <= screen_y < region.bottom):
            return None
        index = screen_y - region.y + round(self.scroll_offset.y)
        return index if 0 <= index < len(self.rows) else None

    def spot_at(self, screen_y: int) -> DropSpot | None:
        """Where a drop at this screen line would land."""
        index = self.row_at_screen(screen_y)
        if index is None:
            if not self.rows or screen_y < self.content_region.y:
                return None
            # Below the last row: the end of the last group.
            index = len(self.rows) - 1
            row = self.rows[index]
            return DropSpot(row.group, None, index)
        row = self.rows[index]
        if row.kind == "item":
            return DropSpot(row.group, row.index, index)
        return DropSpot(row.group, None if row.kind == "header" else 0, index)

    # ---------------------------------------------------------------- cursor

    def select_row(self, index: int, *, scroll: bool = True) -> None:
        index = nearest_selectable(self.rows, index)
        self.cursor = index
        if scroll:
            self.scroll_to_cursor()

    def select_item(self, item_id: int, *, scroll: bool = True, key: Place | None = None) -> bool:
        index = self.find_item(item_id, key=key)
        if index is None:
            return False
        self.select_row(index, scroll=scroll)
        return True

    def select_group(self, key: Place, *, scroll: bool = True) -> bool:
        index = self.find_group(key)
        if index is None:
            return False
        self.select_row(index, scroll=scroll)
        return True

    def scroll_to_cursor(self) -> None:
        """Bring the cursor into view with the least scrolling (the view never jumps)."""
        if self.cursor < 0:
            return
        self.scroll_to_region(
            Region(0, self.cursor, 1, 1), animate=False, force=True, immediate=True, x_axis=False
        )

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        self._cursor_moved()

    def _cursor_moved(self) -> None:
        row = self.selected
        if self.cursor_listener is not None:
            self.cursor_listener(self, row)
        self.post_message(self.CursorMoved(self, row))

    def action_cursor(self, delta: int) -> None:
        if not self.rows:
            if abs(delta) == 1 and self.past_edge is not None:
                self.past_edge(self, delta)
            return
        index = self.cursor
        step = 1 if delta > 0 else -1
        moved = 0
        while moved < abs(delta):
            candidate = index + step
            while 0 <= candidate < len(self.rows) and not selectable(self.rows, candidate):
                candidate += step
            if not (0 <= candidate < len(self.rows)):
                break
            index = candidate
            moved += 1
        if index != self.cursor:
            self.cursor = index
            self.scroll_to_cursor()
        elif abs(delta) == 1 and self.past_edge is not None:
            self.past_edge(self, delta)

    def action_cursor_to(self, index: int) -> None:
        if self.rows:
            self.select_row(index if index >= 0 else len(self.rows) - 1)

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.content_region.height - 1))

    # ------------------------------------------------------------------ mouse

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        index = self.row_at_screen(int(event.screen_y))
        if index is None:
            return
        if selectable(self.rows, index):
            self.cursor = index
        self.focus()
        if self.drag_listener is not None:
            self.drag_listener.drag_press(
                self, self.rows[index], int(event.screen_x), int(event.screen_y)
            )

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self.drag_listener is not None and self.app.mouse_captured is self:
            self.drag_listener.drag_move(int(event.screen_x), int(event.screen_y), event.button)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self.drag_listener is not None and self.app.mouse_captured is self:
            self.drag_listener.drag_release(int(event.screen_x), int(event.screen_y))

    def on_mouse_release(self, event: events.MouseRelease) -> None:
        """The mouse capture was taken away (another screen, another capture)."""
        if self.drag_listener is not None:
            self.drag_listener.cancel_drag(quietly=True)

    def on_click(self, event: events.Click) -> None:
        if event.chain >= 2:
            row = self.selected
            if row is not None:
                self.post_message(self.Activated(self, row))

    # -------------------------------------------------------------- drag paint

    def show_drop_spot(self, spot: DropSpot | None) -> None:
        if spot != self.drop_spot:
            self.drop_spot = spot
            self.refresh()

    def show_carried(self, item_id: int | None) -> None:
        if item_id != self.carried_item:
            self.carried_item = item_id
            self.refresh()

    @on(events.Focus)
    @on(events.Blur)
    def _focus_changed(self, event: events.Focus | events.Blur) -> None:
        # The cursor's colour follows the focus: unless the frame that showed the focus
        # (a form closing paints the whole screen) drew it so already.
        if self.has_focus != self._drawn_focus:
            self.refresh()

    def on_resize(self) -> None:
        self._set_length(len(self.rows))
        self._cache.clear()
        # A smaller window must not leave the highlighted row out of sight.
        self.call_after_refresh(self.scroll_to_cursor)

    def start_over(self) -> None:
        """Another quarter: the cursor on the first row, the column at its top."""
        self.scroll_to(0, 0, animate=False, immediate=True)
        if self.rows:
            self.select_row(0)

    # ---------------------------------------------------------------- render

    def render_line(self, y: int) -> Strip:
        index = y + round(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        drawn = self._cache.lines(self)  # (and the styles lines are drawn with, `style`)
        if not (0 <= index < len(self.rows)):
            if not self.rows and (self.placeholder or self.filter is not None):
                message = "Nothing here matches." if self.filter is not None else self.placeholder
                lines = textwrap.wrap(message, max(8, width - 2))  # whole, on a narrow column
                if index < len(lines):
                    text = set_cell_size(" " + lines[index], width)
                    return Strip([Segment(text, self._painter.style("board-list--empty"))])
            return Strip.blank(width, self._painter.style())
        row = self.rows[index]
        spot = self.drop_spot
        in_target = spot is not None and spot.group is row.group
        marker = in_target and spot is not None and self._painter.marker_row(spot) == index
        carried = row.item is not None and row.item.id == self.carried_item
        cursor = "" if index != self.cursor else ("f" if self.has_focus else "b")
        if cursor:
            self._drawn_focus = self.has_focus
        key = (row, width, cursor, in_target, marker, carried)
        strip = drawn.get(key)
        if strip is None:
            strip = self._painter.render(row, width, cursor, in_target, marker, carried)
            drawn[key] = strip
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.restyled()
