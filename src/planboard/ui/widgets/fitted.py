"""Text made to fit a fixed number of rows: cut where it must be, and cut visibly."""

from __future__ import annotations

from textual.content import Content


def fit_rows(content: Content, width: int, height: int) -> Content:
    """`content` in `height` rows of `width` cells. As it is when it fits wrapped;
    otherwise each line gets a row, the rows left over go to the first lines that
    wrap, and a line cut short ends with "…". Lines past the last row are left out."""
    if width <= 0 or height <= 0:
        return content
    lines = content.split("\n", allow_blank=True)
    wrapped = [line.wrap(width) or [line] for line in lines]
    if sum(len(rows) for rows in wrapped) <= height:
        return content
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
        # The rest of the line from the last row it keeps, cut to one row.
        start, plain = 0, line.plain
        for row in rows[: take - 1]:
            start = plain.index(row.plain, start) + len(row.plain)
        rest = line[start:]
        rest = rest[len(rest.plain) - len(rest.plain.lstrip(" ")) :]
        out.append(rest.truncate(width, ellipsis=True))
    return Content("\n").join(out)
