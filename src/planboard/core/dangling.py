"""An item's link to a row that is not there, named (`rows.problems`)."""

from __future__ import annotations

import sqlite3

from .rows import shown

# An item's link to a row that is not there (`sqlite3` checks no foreign key unless
# asked): the board has nowhere to show it. (column, what it names, what is wrong with
# that, the test: the few stakeholders and blocks are read once; a survivor is looked
# up by its id, for the few items merged.) Planboard keeps one level of merges: an item
# merged into one merged itself (a loop, a chain, itself) has no survivor on the board.
_LINKS = (
    (
        "stakeholder_id",
        "stakeholder",
        "which is not in the file",
        "CAST(stakeholder_id AS INTEGER) NOT IN (SELECT id FROM stakeholders)",
    ),
    (
        "block_id",
        "block",
        "which is not on this quarter's board",
        "CAST(block_id AS INTEGER) NOT IN (SELECT id FROM blocks WHERE quarter_id = ?)",
    ),
    (
        "merged_into",
        "item",
        "which is not on this quarter's board",
        "NOT EXISTS (SELECT 1 FROM items AS i WHERE i.id = CAST(lost.merged_into AS INTEGER) "
        "AND i.quarter_id = ?)",
    ),
    (
        "merged_into",
        "item",
        "which is merged into another itself",
        "EXISTS (SELECT 1 FROM items AS i WHERE i.id = CAST(lost.merged_into AS INTEGER) "
        "AND i.quarter_id = ? "
        "AND i.merged_into IS NOT NULL)",
    ),
)


def dangling(conn: sqlite3.Connection, quarter_id: int, limit: int) -> list[str]:
    """The quarter's items whose list, block or survivor does not exist, each as
    "items row 12: block_id names block 40, which is not on this quarter's board; not
    shown". (A link of another type than a number is named by the type check; one that
    is not whole is read, and named, as its whole part.) Each search walks
    the index of its column: milliseconds at 50,000 items."""
    found: list[str] = []
    for column, what, wrong, missing in _LINKS:
        # (`+quarter_id` and a range of whole numbers: the rows are found by the
        # link's own index, few for a block or a survivor, not by the quarter's, which
        # holds them all)
        quarter = "quarter_id" if column == "stakeholder_id" else "+quarter_id"
        # (A number that is not whole is read as its whole part: named by that.)
        rows = conn.execute(
            f"SELECT id, CAST({column} AS INTEGER) FROM items AS lost "
            f"WHERE {column} BETWEEN -9e999 AND 9e999 AND {quarter} = ? "
            f"AND typeof({column}) IN ('integer', 'real') AND {missing} LIMIT {limit}",
            (quarter_id, quarter_id) if "?" in missing else (quarter_id,),
        ).fetchall()
        found += [
            f"items row {row}: {column} names {what} {ref}, {wrong}; not shown" for row, ref in rows
        ]
    if len(found) < limit:
        # Dropped and in a block at once (a CHECK another program turned off): the
        # dropped area wins (`Place.where`). Found by the dropped items' own index.
        rows = conn.execute(
            "SELECT id, block_id FROM items WHERE quarter_id = ? AND status = 'dropped' "
            f"AND block_id IS NOT NULL LIMIT {limit - len(found)}",
            (quarter_id,),
        ).fetchall()
        found += [
            f"items row {row}: dropped, and in block {shown(ref)} too; shown as dropped"
            for row, ref in rows
        ]
    return found[:limit]
