"""Where the board's columns stand on screen, for the keys that move between them:
under 110 columns they stack (Team over the stakeholders' lists, the dropped column under
the blocks), and ← → ↑ ↓ go to the column that is there."""

from __future__ import annotations

from ..widgets.board_list import BoardList


def cursor_row(column: BoardList) -> int:
    """The screen row of the column's highlighted line (its first row without one, or
    its nearest row while the line is scrolled out of view)."""
    region = column.content_region
    if column.cursor < 0 or not region.height:
        return region.y
    return max(region.y, min(region.y + column.cursor - round(column.scroll_y), region.bottom - 1))


def column_beside(
    column: BoardList, columns: list[BoardList], delta: int, *, across: bool
) -> BoardList | None:
    """The column beside `column` on screen: to its right (`delta` 1) or left (-1),
    the one at the highlighted line's row, else the one nearest that row
    (`across`); below it (1) or above (-1), the nearest among those sharing screen
    columns with it. None if there is none."""
    here = column.region
    row = cursor_row(column)
    best: tuple[tuple[int, int], BoardList] | None = None
    for other in columns:
        there = other.region
        if other is column or not there.area:
            continue
        if across:
            gap = gap_to(column, other, delta)
            off = max(0, there.y - row, row - (there.bottom - 1))  # (rows from the line)
        else:
            gap = there.y - here.bottom if delta > 0 else here.y - there.bottom
            off = 0 if min(here.right, there.right) > max(here.x, there.x) else -1
        if gap is None or gap < 0 or off < 0:
            continue
        if best is None or (off, gap) < best[0]:
            best = ((off, gap), other)
    return best[1] if best is not None else None


def gap_to(column: BoardList, other: BoardList, delta: int) -> int | None:
    """How far `other` stands to the right (`delta` 1) or left (-1) of `column`, in
    cells; None if it is not on that side."""
    here, there = column.region, other.region
    gap = there.x - here.right if delta > 0 else here.x - there.right
    return gap if gap >= 0 else None
