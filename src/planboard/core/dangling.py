"""An item's link to a row that is not there, named (`rows.problems`)."""

from __future__ import annotations

import sqlite3

from .rows import bare, integer, shown


# Where the board puts an item (`Place.where`, the columns read as `ITEM_COLUMNS` reads
# them): merged into another, under it, whatever else it names; dropped, in the dropped
# area; else in its block, if it names one; else on its owner's list. Only the list or
# block where it sits can leave it on no column.
def _sits(i: str = "") -> str:
    """`i`'s item (`i.`, or the row searched) is on a list or in a block."""
    return f"{bare(integer(i + 'merged_into'))} IS NULL AND {i}status IS NOT 'dropped'"


def _no_column(i: str) -> str:
    """`i`'s item sits in a block, or on a list, that is not there."""
    block = bare(integer(i + "block_id"))
    return (
        f"{_sits(i)} AND ({block} NOT IN (SELECT id FROM blocks WHERE quarter_id = ?) OR "
        f"({block} IS NULL AND CAST({i}stakeholder_id AS INTEGER) NOT IN "
        "(SELECT id FROM stakeholders)))"
    )


# An item's link to a row that is not there (`sqlite3` checks no foreign key unless
# asked): the board has nowhere to show it. (column, what it names, what is wrong with
# that, the test: the few stakeholders and blocks are read once; a survivor is looked
# up by its id, for the few items merged.) Planboard keeps one level of merges: an item
# merged into one merged itself (a loop, a chain, itself) has no survivor on the board;
# nor has one merged into an item that is on no column.
_LINKS = (
    (
        "stakeholder_id",
        "stakeholder",
        "which is not in the file",
        f"{_sits()} AND {bare(integer('block_id'))} IS NULL "
        "AND CAST(stakeholder_id AS INTEGER) NOT IN (SELECT id FROM stakeholders)",
    ),
    (
        "block_id",
        "block",
        "which is not on this quarter's board",
        f"{_sits()} "
        "AND CAST(block_id AS INTEGER) NOT IN (SELECT id FROM blocks WHERE quarter_id = ?)",
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
    (
        "merged_into",
        "item",
        "which is on no column itself",
        "EXISTS (SELECT 1 FROM items AS i WHERE i.id = CAST(lost.merged_into AS INTEGER) "
        f"AND i.quarter_id = ? AND {_no_column('i.')})",
    ),
)


def not_shown(conn: sqlite3.Connection, quarter_id: int) -> list[int]:
    """The quarter's items `dangling` names "not shown" (each by one link alone: the
    links' tests leave out one another), found by the same searches."""
    found: list[int] = []
    for column, _what, _wrong, missing in _LINKS:
        quarter = "quarter_id" if column == "stakeholder_id" else "+quarter_id"
        found += (
            row[0]
            for row in conn.execute(
                f"SELECT id FROM items AS lost WHERE {_linked(column)} AND {quarter} = ? "
                f"AND {missing}",
                (quarter_id,) * (1 + missing.count("?")),
            )
        )
    return found


def _linked(column: str) -> str:
    # (A range of whole numbers: the rows are found by the link's own index. A number
    # that is not whole is read as its whole part: named by that.)
    return f"{column} BETWEEN -9e999 AND 9e999 AND typeof({column}) IN ('integer', 'real')"


def dangling(conn: sqlite3.Connection, quarter_id: int, limit: int) -> list[str]:
    """The quarter's items whose list, block or survivor does not exist, each as
    "items row 12: block_id names block 40, which is not on this quarter's board; not
    shown". (A link of another type than a number is named by the type check; one that
    is not whole is read, and named, as its whole part.) Each search walks
    the index of its column: milliseconds at 50,000 items."""
    found: list[str] = []
    for column, what, wrong, missing in _LINKS:
        # (`+quarter_id`: the rows are found by the link's own index, few for a block
        # or a survivor, not by the quarter's, which holds them all)
        quarter = "quarter_id" if column == "stakeholder_id" else "+quarter_id"
        rows = conn.execute(
            f"SELECT id, CAST({column} AS INTEGER) FROM items AS lost "
            f"WHERE {_linked(column)} AND {quarter} = ? AND {missing} LIMIT {limit}",
            (quarter_id,) * (1 + missing.count("?")),
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
