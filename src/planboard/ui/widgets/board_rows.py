"""What a column of the board is made of (groups, rows, drop spots) and how one row is
drawn: `RowPainter` builds a row's line in named steps, for `BoardList` to cache."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Literal, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from ...core.model import Block, Item, Place, PlaceWidths, Stakeholder
from ...core.record import Fields, Frozen, Record, set_field
from ...core.text import clean_line, fitting_hint
from ..theme import tag_colour

if TYPE_CHECKING:
    from .board_list import BoardList

RowKind = Literal["header", "item", "empty"]

EFFORT_MIN_WIDTH = 36  # narrower columns keep the room for the title


TAG_MAX = 12  # the widest owner tag shown whole ("Operations", "Suppliers")
FRAME = 3  # a column's border and scrollbar, in cells
WIDEST = 90  # no column wants more than this


def tag_cap(width: int) -> int:
    """How many cells an owner tag may take in a column this wide (0: too narrow for
    a name; the tag becomes a coloured bar)."""
    return TAG_MAX if width >= 28 else 6 if width >= 22 else 0


class Group(Fields):
    """One group of a column: a header and its items."""

    __slots__ = (
        "block",
        "empty_text",
        "items",
        "key",
        "line_widths",
        "note",
        "number",
        "stakeholder",
        "title",
    )

    def __init__(
        self,
        key: Place,
        title: str,
        items: list[Item] | None = None,
        block: Block | None = None,
        stakeholder: Stakeholder | None = None,
        empty_text: str = "(empty)",
        note: str = "",
        number: int | None = None,  # shown before the title (blocks: the key that targets it)
        # How wide the items' lines are, as counted in the file, for a group of a
        # partial board (`Board.partial`), whose items are mostly `unread` ones.
        line_widths: PlaceWidths | None = None,
    ) -> None:
        self.key = key
        self.title = title
        self.items: list[Item] = [] if items is None else items
        self.block = block
        self.stakeholder = stakeholder
        self.empty_text = empty_text
        self.note = note
        self.number = number
        self.line_widths = line_widths


class Row(Fields):
    """One line of a column. Identity matters: a rebuilt group gets new rows, which
    is what invalidates their cached rendering."""

    __slots__ = ("group", "index", "item", "kind")

    def __init__(
        self,
        kind: RowKind,
        group: Group,
        item: Item | None = None,
        index: int = -1,  # the item's index within its group
    ) -> None:
        self.kind = kind
        self.group = group
        self.item = item
        self.index = index


class DropSpot(Frozen):
    """Where a drag would land in this column: a group and an index in it."""

    __slots__ = ("before_group", "group", "index", "row")
    group: Group
    index: int | None  # None: the end (or, on a list, the item's own place)
    row: int  # the row the pointer is on
    before_group: bool  # a block moving in front of this group

    def __init__(
        self, group: Group, index: int | None, row: int, before_group: bool = False
    ) -> None:
        set_field(self, "group", group)
        set_field(self, "index", index)
        set_field(self, "row", row)
        set_field(self, "before_group", before_group)


class DragListener(Protocol):
    """Who runs drags that start in a column (the board screen: drags span columns)."""

    def drag_press(self, source: BoardList, row: Row, x: int, y: int) -> None: ...
    def drag_move(self, x: int, y: int, buttons: int) -> None: ...
    def drag_release(self, x: int, y: int) -> None: ...
    def cancel_drag(self, *, quietly: bool = False) -> None: ...


def selectable(rows: list[Row], index: int) -> bool:
    """Whether the cursor may rest on this row (not on an empty group's hint)."""
    return 0 <= index < len(rows) and rows[index].kind != "empty"


def nearest_selectable(rows: list[Row], index: int) -> int:
    """The selectable row nearest to `index` (-1: none)."""
    if not rows:
        return -1
    index = max(0, min(index, len(rows) - 1))
    for distance in range(len(rows)):
        for candidate in (index + distance, index - distance):
            if selectable(rows, candidate):
                return candidate
    return -1


def find_item(rows: list[Row], item_id: int, near: int = 0) -> int | None:
    """The row of an item, searching outwards from row `near` (usually where it
    was), so that finding it again after a change is quick on long columns."""
    count = len(rows)
    near = max(0, min(near, count - 1))
    for distance in range(count):
        below, above = near + distance, near - distance - 1
        if below >= count and above < 0:
            break
        if below < count:
            item = rows[below].item
            if item is not None and item.id == item_id:
                return below
        if above >= 0:
            item = rows[above].item
            if item is not None and item.id == item_id:
                return above
    return None


def group_start(groups: list[Group], group_rows: dict[Place, int], key: Place) -> int:
    """The first row of the group `key` in a column holding `groups`."""
    start = 0
    for group in groups:
        if group.key == key:
            return start
        start += group_rows[group.key]
    raise KeyError(key)


class LineWidths:
    """A column's natural width, from how many of each group's item lines take each
    width: kept while a group holds the same list and the column the same marks, so a
    big column is measured once, not again after every change elsewhere, and the
    columns' widths are worked out from a few counts per group, not by sorting every
    line of the board."""

    def __init__(self) -> None:
        self._known: dict[Place, tuple[list[Item], dict[int, str], list[int]]] = {}
        # The cells each mark takes (the times sign and a count), for one set of marks.
        self._mark_widths: tuple[dict[int, str], dict[str, int]] | None = None

    def seed(self, group: Group, marks: dict[int, str], counts: list[int]) -> None:
        """The group's counts with `marks`, worked out elsewhere (`counted_widths`)."""
        self._known[group.key] = (group.items, marks, counts)

    def keep(self, groups: list[Group]) -> None:
        """Forget the groups a column no longer shows."""
        self._known = {g.key: self._known[g.key] for g in groups if g.key in self._known}

    def items(self, group: Group, marks: dict[int, str]) -> list[int]:
        """Each item line's title, estimate and mark width."""
        held = self._mark_widths
        if held is None or held[0] is not marks:  # (the marks are one dict per pass)
            held = self._mark_widths = (marks, {m: 1 + cell_len(m) for m in set(marks.values())})
        mark_widths = held[1]
        return [
            text_width(item.title)
            + (2 + len(f"{item.effort:g}d") if item.effort is not None else 0)
            + (mark_widths[marks[item.id]] if item.id in marks else 0)
            for item in group.items
        ]

    def counts(self, group: Group, marks: dict[int, str]) -> list[int]:
        """How many of the group's item lines take each width: `counts[w]` lines take
        `w` cells (the last, `WIDEST`, counts those as wide or wider)."""
        known = self._known.get(group.key)
        if known is not None and known[0] is group.items and known[1] is marks:
            return known[2]
        counts = self._one_more_or_less(known, group.items, marks)
        if counts is None and group.line_widths is not None:
            counts = [0] * (WIDEST + 1)
            for width, many in group.line_widths.plain.items():
                counts[min(width, WIDEST)] += many
            for title, effort in group.line_widths.other:
                line = Item(0, 0, None, title, effort=effort)
                counts[min(self.items(Group(group.key, "", [line]), marks)[0], WIDEST)] += 1
        if counts is None:
            counts = [0] * (WIDEST + 1)
            for width in self.items(group, marks):
                counts[width if width < WIDEST else WIDEST] += 1
        self._known[group.key] = (group.items, marks, counts)
        return counts

    def _one_more_or_less(
        self,
        known: tuple[list[Item], dict[int, str], list[int]] | None,
        items: list[Item],
        marks: dict[int, str],
    ) -> list[int] | None:
        """The counts of a group that gained or lost one item since they were counted
        (a move): the old counts with that item's line added or taken away, instead of
        measuring every title of a long list again. None when it changed otherwise."""
        if known is None or known[1] is not marks or abs(len(known[0]) - len(items)) != 1:
            return None
        old = known[0]
        short, long = (old, items) if len(old) < len(items) else (items, old)
        pairs = enumerate(zip(short, long[: len(short)], strict=True))
        at = next((i for i, (a, b) in pairs if a is not b), len(short))
        if not all(map(operator.is_, short[at:], long[at + 1 :])):
            return None
        width = min(self.items(Group(Place.team(), "", [long[at]]), marks)[0], WIDEST)
        counts = list(known[2])
        counts[width] += 1 if long is items else -1
        return counts

    def natural(self, column: BoardList) -> int:
        """How wide `column` would like to be, its frame included."""
        widest = cell_len(column.placeholder) + 1 if not column.groups else 0
        tags = column.tag_width + 1 if column.show_tags and column.tag_width else 0
        each: list[list[int]] = []  # (the groups' counts, added up once)
        lines = 0
        for group in column.groups:
            if column.show_headers:
                widest = max(widest, _header_width(group))
            if not group.items:
                widest = max(widest, cell_len(group.empty_text) + 1)
                continue
            each.append(self.counts(group, column.marks))
            lines += len(group.items)
        if lines:
            counts = [sum(many) for many in zip(*each, strict=True)]
            # Most lines whole (a few very long titles are cut rather than every column
            # squeezed for them; the detail bar shows them whole): the width of the line
            # nine tenths down the lines sorted by width.
            rank = min(lines - 1, lines * 9 // 10)
            fixed = 1 + column.indent + tags
            widest = max(widest, fixed + percentile(counts, rank))
        return min(widest, WIDEST) + FRAME


def counted_widths(
    groups: list[Group], marks: dict[int, str]
) -> dict[Place, tuple[list[Item], list[int]]]:
    """Each group's `LineWidths.counts` with `marks`, worked out ahead (in the overlap
    pass's thread: at 50,000 items measuring every line again took the screen's thread
    40 ms), for `BoardList.set_marks`; with the list they count."""
    widths = LineWidths()
    return {group.key: (group.items, widths.counts(group, marks)) for group in groups}


def percentile(counts: list[int], rank: int) -> int:
    """The width of the line at `rank` (from 0) among lines sorted by width, from how
    many lines take each width."""
    seen = 0
    for width, many in enumerate(counts):
        seen += many
        if seen > rank:
            return width
    raise ValueError(f"rank {rank} is past the {seen} lines counted")


_ID = operator.attrgetter("id")


def index_of(items: list[Item], item_id: int) -> int | None:
    """Where item `item_id` is in `items` (None: not there), looked for in C: a list of
    thousands of items takes a tenth of the time a loop in Python took."""
    try:
        return list(map(_ID, items)).index(item_id)
    except ValueError:
        return None


def came_in(old: list[Item], new: list[Item]) -> Item | None:
    """The item `new` has that `old` has not, when it is `old` with one item put in
    (the rest the same objects, as `spliced` found them)."""
    if len(new) != len(old) + 1:
        return None
    same = list(map(operator.is_, old, new))
    return new[same.index(False) if False in same else len(old)]


def widest_tag(items: Iterable[Item], tag_for: Callable[[Item], tuple[str, str]]) -> int:
    """The cells the widest owner tag of `items` takes. A tag is its owner's: one item
    per owner is measured (a list of 20,000 items has one owner)."""
    one_each = {item.stakeholder_id: item for item in items}
    return max((cell_len(tag_for(item)[0]) for item in one_each.values()), default=0)


def text_width(text: str) -> int:
    """Cells a text takes: its length for printable ASCII (most titles, and a tenth of
    the time `cell_len` takes on a list of thousands), else `cell_len`'s answer."""
    return len(text) if text.isascii() and text.isprintable() else cell_len(text)


def _header_width(group: Group) -> int:
    title = cell_len(clean_line(group.title)) + 3 + len(str(len(group.items)))
    if group.note:
        title += 3 + cell_len(clean_line(group.note))
    if group.number is not None:
        title += 2
    if group.block is not None and group.block.choice:
        title += 3
    return title


class Line(Record):
    """A row's line as it is built: the segments from the left, those kept for the
    right edge, and the cells used so far."""

    __slots__ = ("left", "right", "style", "used", "width")

    def __init__(
        self,
        width: int,
        style: Style,
        left: list[Segment],
        right: list[Segment] | None = None,
        used: int = 0,
    ) -> None:
        self.width = width
        self.style = style
        self.left = left
        self.right: list[Segment] = [] if right is None else right
        self.used = used

    def add(self, text: str, style: Style) -> None:
        self.left.append(Segment(text, style))
        self.used += cell_len(text)


class RowPainter:
    """Draws one row of a column: the layers of style, the gutter, what the row shows
    on the left (a block's number, an owner's tag) and on the right (a count, a badge,
    a mark, an estimate), then its title cut to fit between them."""

    def __init__(self, column: BoardList) -> None:
        self.column = column

    def style(self, *names: str) -> Style:
        """The column's style with component classes layered on, backgrounds blended
        (theme colours with alpha, like `$accent 40%`); kept as lines are (`LineCache`)."""
        return self.column._cache.style(self.column, names)

    def tag_style(self, layers: list[str], colour: str) -> Style:
        """An owner tag in its stakeholder's colour ("": the team's, muted; a name that
        is not a palette colour: plain)."""
        if not colour:
            return self.style(*layers, "board-list--tag", "board-list--muted")
        hue = tag_colour(colour, self.column.app.theme)
        style = self.style(*layers, "board-list--tag")
        return style + Style(color=hue) if hue else style

    def tag_width(self) -> int:
        """The cells the column's owner tags take: its widest tag, up to `TAG_MAX`."""
        column = self.column
        if not column.show_tags:
            return 0
        if column.tag_as_bar:
            return 1
        widest = widest_tag(
            (item for group in column.groups for item in group.items), column.tag_for
        )
        return min(widest, TAG_MAX)

    def marker_row(self, spot: DropSpot) -> int:
        """The row that shows where the drop lands (the insertion point)."""
        column = self.column
        start = group_start(column.groups, column._group_rows, spot.group.key)
        header = 1 if column.show_headers else 0
        if spot.before_group:
            return start
        if spot.index is None:
            return start + column._group_rows[spot.group.key] - 1
        return start + header + min(spot.index, max(len(spot.group.items) - 1, 0))

    def render(
        self, row: Row, width: int, cursor: str, in_target: bool, marker: bool, carried: bool
    ) -> Strip:
        layers = self._layers(row, cursor, in_target)
        style = self.style(*layers)
        gutter_style = self.style(*layers, "board-list--marker") if marker else style
        line = Line(width, style, [Segment("▶" if marker else " ", gutter_style)], used=1)
        if row.kind == "header":
            title, text_style = self._header(line, row.group, layers)
        elif row.kind == "empty":
            title = fitting_hint(row.group.empty_text, width - line.used)
            text_style = self.style(*layers, "board-list--empty")
        else:
            assert row.item is not None
            title, text_style = self._item(line, row.item, layers, carried)
        return self._fit(line, title, text_style)

    @staticmethod
    def _layers(row: Row, cursor: str, in_target: bool) -> list[str]:
        layers = []
        if row.kind == "header":
            layers.append("board-list--header")
        if in_target:
            layers.append("board-list--target")
        if cursor == "f":
            layers.append("board-list--cursor")
        elif cursor == "b":
            layers.append("board-list--cursor-blurred")
        return layers

    def _header(self, line: Line, group: Group, layers: list[str]) -> tuple[str, Style]:
        """A group's header: its number, title and note; its count (or note) and badge."""
        column, title = self.column, clean_line(group.title)
        if group.note:
            title += f" · {clean_line(group.note)}"
        if group.number is not None:
            number = f"{group.number} " if group.number < 10 else "  "
            line.left.append(Segment(number, self.style(*layers, "board-list--muted")))
            line.used += len(number)
        badge = f" ★{group.block.choice}" if group.block is not None and group.block.choice else ""
        if badge:
            line.right.append(Segment(badge, self.style(*layers, "board-list--chosen")))
        count = f" {len(group.items)} "
        if column.header_note is not None and line.width >= EFFORT_MIN_WIDTH:
            # The note gives way to the title, what the room reads: "4 items · 2 asked",
            # "4 items" or the count, the first that leaves it whole (the pane says all).
            note, room = column.header_note(group), line.width - line.used - cell_len(badge)
            fits = [n for n in (note, note.split(" · ")[0]) if cell_len(title + n) + 2 <= room]
            count = f" {fits[0]} " if note and fits else count
        line.right.append(Segment(count, self.style(*layers, "board-list--muted")))
        return title, line.style

    def _item(self, line: Line, item: Item, layers: list[str], carried: bool) -> tuple[str, Style]:
        """An item: its indent and owner tag; its mark and estimate on the right."""
        column, style = self.column, line.style
        if column.indent:
            line.add(" " * column.indent, style)
        if column.show_tags and column.tag_width:
            self._tag(line, item, layers)
        mark = column.marks.get(item.id)
        if mark:
            line.right.append(Segment(f" {mark}", self.style(*layers, "board-list--mark")))
        if item.effort is not None and line.width >= EFFORT_MIN_WIDTH:
            effort = f"{item.effort:g}d"
            line.right.append(Segment(f" {effort} ", self.style(*layers, "board-list--muted")))
        elif mark:
            line.right.append(Segment(" ", style))
        text_style = self.style(*layers, "board-list--carried") if carried else style
        return clean_line(item.title), text_style

    def _tag(self, line: Line, item: Item, layers: list[str]) -> None:
        """The owner's tag, cut to the room the column gives it (or a coloured bar)."""
        column = self.column
        tag_width = min(column.tag_width, tag_cap(line.width))
        tag, colour = column.tag_for(item)
        tag_style = self.tag_style(layers, colour)
        if column.tag_as_bar or not tag_width:
            tag, tag_width = "▍", 1
        else:
            tag = clean_line(tag)
            if cell_len(tag) > tag_width:
                tag = set_cell_size(tag, tag_width - 1) + "…"
            tag = set_cell_size(tag, tag_width)
        line.left.append(Segment(tag, tag_style))
        line.left.append(Segment(" ", line.style))
        line.used += tag_width + 1

    @staticmethod
    def _fit(line: Line, title: str, text_style: Style) -> Strip:
        """The title cut to the room between left and right, the gap filled."""
        width, style = line.width, line.style
        right_width = sum(cell_len(s.text) for s in line.right)
        room = max(0, width - line.used - right_width)
        if cell_len(title) > room:
            title = set_cell_size(title, max(0, room - 1)) + ("…" if room else "")
        line.add(title, text_style)
        if line.used + right_width < width:
            line.left.append(Segment(" " * (width - line.used - right_width), style))
        return Strip([*line.left, *line.right]).adjust_cell_length(width, style)


def spliced(
    rows: list[Row],
    group: Group,
    old_items: list[Item],
    start: int,
    old_count: int,
    headers: bool,
) -> list[Row] | None:
    """A group's rows in a column's `rows` (from `start`, `old_count` of them) after one
    item came into its items or left them (`old_items` before), changed in place by
    taking that one row out or putting it in: the other rows are kept, and with them
    their drawn lines (a move at 50,000 items made thousands of rows again, and drew
    every visible line of both columns anew). Returns the group's rows; None, and
    `rows` untouched, when the change is not one item in or out, for the rows to be
    made again. (Not for a filtered column: its rows are not one per item.)"""
    new_items = group.items
    grew = len(new_items) - len(old_items)
    if abs(grew) != 1 or not old_items or not new_items:
        return None
    header = 1 if headers else 0
    if old_count != header + len(old_items):
        return None
    longer, shorter = (new_items, old_items) if grew > 0 else (old_items, new_items)
    same = list(map(operator.is_, longer, shorter))  # (in C: no loop in Python)
    at = same.index(False) if False in same else len(shorter)
    if not all(map(operator.is_, longer[at + 1 :], shorter[at:])):
        return None
    body = start + header
    near = min(at, len(old_items) - 1)  # (a row the group showed: is it as shown?)
    if rows[body + near].item is not old_items[near]:
        return None
    if grew > 0:
        rows.insert(body + at, Row("item", group, new_items[at], at))
    else:
        del rows[body + at]
    for index in range(at, len(new_items)):  # (each row's place in the group)
        rows[body + index].index = index
    if header:
        rows[start] = Row("header", group)  # (its count, its note)
    return rows[start : body + len(new_items)]


def took_out(old: list[Item], new: list[Item], index: int, item_id: int | None) -> bool:
    """Whether `new` is `old` without its item at `index`, item `item_id` (the rest the
    same objects in order, as `spliced` found them): told from the items around it."""
    return (
        item_id is not None
        and len(new) == len(old) - 1
        and 0 <= index < len(old)
        and old[index].id == item_id
        and (index == 0 or new[index - 1] is old[index - 1])
        and (index == len(new) or new[index] is not old[index])
    )


def rows_by_group(
    groups: list[Group], counts: dict[Place, int], rows: list[Row]
) -> dict[Place, tuple[Group, list[Row]]]:
    """Each shown group with its rows (a column's rows are its groups' rows in order)."""
    found: dict[Place, tuple[Group, list[Row]]] = {}
    start = 0
    for group in groups:
        count = counts.get(group.key, 0)
        found[group.key] = (group, rows[start : start + count])
        start += count
    return found


def same_group(shown: Group, new: Group) -> bool:
    """Whether a new group would show exactly what a shown one does: the same list of
    items (the same object, not merely equal) and the same heading."""
    return (
        shown.items is new.items
        and shown.title == new.title
        and shown.note == new.note
        and shown.number == new.number
        and shown.empty_text == new.empty_text
        and shown.block == new.block
        and shown.stakeholder == new.stakeholder
    )


def shifted(
    keep: tuple[int | None, Place | None, int] | None, start: int, old: int, new: int
) -> tuple[int | None, Place | None, int] | None:
    """Where the cursor's row is after the group at rows `start`… went from `old` rows
    to `new`: a row after the group moves by the difference, one before it stays, so
    that it is found there at once, not by a search through a long column."""
    if keep is None or keep[2] < start + old:
        return keep
    return (keep[0], keep[1], keep[2] + new - old)
