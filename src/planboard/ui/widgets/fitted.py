"""Text made to fit a fixed number of rows: cut where it must be, and cut visibly."""

from __future__ import annotations

from textual.content import Content


def fit_rows(content: Content, width: int, height: int) -> Content:
    """`content` in `height` rows of `width` cells. As it is when it fits wrapped;
    otherwise each line gets a row, the rows left over go to the first lines that
    wrap, and a line cut short ends with "…". Lines past the last row are left out,
    and the last row then ends with "…" too."""
    if width <= 0 or height <= 0:
        return content
    lines = content.split("\n", allow_blank=True)
    if len(lines) <= height and all(line.cell_length <= width for line in lines):
        return content  # (each line on a row of its own, as on most moves: no wrapping)
    wrapped = [line.wrap(width) or [line] for line in lines]
    if sum(len(rows) for rows in wrapped) <= height:
        return content
    left_out = len(lines) > height
    lines, wrapped = lines[:height], wrapped[:height]
    spare = height - len(lines)
    out: list[Content] = []
    for line, rows in zip(lines, wrapped, strict=True):
        take = min(len(rows), 1 + spare)
        spare -= take - 1
        if take == len(rows):
            out += rows
            continue
        out += rows[: take - 1]
        out.append(_rest(line, rows[: take - 1]).truncate(width, ellipsis=True))
    if left_out and not out[-1].plain.endswith("…"):
        last = out[-1]
        if last.cell_length + 2 > width:
            last = last.truncate(max(0, width - 2))
        out[-1] = last + Content(" …")
    return Content("\n").join(out)


def _rest(line: Content, kept: list[Content]) -> Content:
    """What of `line` comes after the rows `kept` (its first rows, as wrapped); the
    whole line when that can't be told (a row that is not the line's own text)."""
    start, plain = 0, line.plain
    for row in kept:
        found = plain.find(row.plain, start)
        if found < 0:
            return line
        start = found + len(row.plain)
    rest = line[start:]
    return rest[len(rest.plain) - len(rest.plain.lstrip(" ")) :]
