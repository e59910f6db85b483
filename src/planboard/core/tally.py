"""Which dots count: the one rule the tally, the minutes and the exports read votes by.

planboard itself never writes a vote against the event's rules (`set_votes` refuses one),
but another program can (`INSERT INTO votes` with `sqlite3`). Such a row is not counted,
and it is named ("votes row 9: …; not counted"), never the dots it holds: while the
tally is hidden, the status line is on the shared screen too. A vote counts when:

- its block is on the quarter's board;
- its stakeholder is in the file and marked present;
- its stakeholder's counted dots, over every block, stay within the event's budget
  (over it, none of that person's dots count: which to keep would be a guess).
"""

from __future__ import annotations

import sqlite3

from .rows import dots_each, integer, whole
from .text import clean_line

Tally = dict[int, dict[int, int]]  # dots by block, then by stakeholder


def counted_votes(conn: sqlite3.Connection, quarter_id: int) -> tuple[Tally, list[str]]:
    """The quarter's dots that count, by block then stakeholder, and a sentence for
    each vote row (or person's rows) that does not."""
    budget_row = conn.execute(
        f"SELECT {integer('dot_budget')} FROM meetings WHERE quarter_id = ?", (quarter_id,)
    ).fetchone()
    budget = dots_each(budget_row[0]) if budget_row is not None else None  # (as shown)
    people = {row[0] for row in conn.execute("SELECT id FROM stakeholders")}
    present, left_out = _present(conn, quarter_id, people)
    blocks = {
        row[0] for row in conn.execute("SELECT id FROM blocks WHERE quarter_id = ?", (quarter_id,))
    }
    kept: dict[int, list[tuple[int, int, int]]] = {}  # stakeholder: (row, block, dots)
    for row, block_id, stakeholder_id, dots in conn.execute(
        f"SELECT id, {integer('block_id')}, {integer('stakeholder_id')}, "
        f"{whole('dots')} FROM votes WHERE quarter_id = ? ORDER BY id",
        (quarter_id,),
    ):
        if block_id is None or stakeholder_id is None or dots <= 0:
            # (Named without what it holds: the tally may be hidden, and this is said
            # on the shared screen.)
            wrong = "dots" if dots <= 0 else "block_id" if block_id is None else "stakeholder_id"
            what = "a whole number of dots" if wrong == "dots" else "a whole number"
            left_out.append(f"votes row {row}: {wrong} is not {what}; not counted")
            continue
        if stakeholder_id not in people:
            left_out.append(
                f"votes row {row}: stakeholder_id names stakeholder {stakeholder_id}, which "
                "is not in the file; not counted"
            )
        elif block_id not in blocks:
            left_out.append(
                f"votes row {row}: block_id names block {block_id}, which is not on this "
                "quarter's board; not counted"
            )
        elif stakeholder_id not in present:
            left_out.append(
                f"votes row {row}: {_name(conn, stakeholder_id)} is not marked present; not counted"
            )
        else:
            kept.setdefault(stakeholder_id, []).append((row, block_id, dots))
    tally: Tally = {}
    for stakeholder_id, votes in kept.items():
        if budget is not None and sum(dots for _, _, dots in votes) > budget:
            rows = ", ".join(str(row) for row, _, _ in votes)
            left_out.append(
                f"votes row{'s' if len(votes) > 1 else ''} {rows}: "
                f"{_name(conn, stakeholder_id)}'s dots add up to more than the {budget} "
                "dots each; none of them counted"
            )
            continue
        for _, block_id, dots in votes:
            tally.setdefault(block_id, {})[stakeholder_id] = dots
    return tally, left_out


def _present(
    conn: sqlite3.Connection, quarter_id: int, people: set[int]
) -> tuple[set[int], list[str]]:
    """Who is marked present (in the file), and a sentence for each attendance row of
    someone who is not."""
    present: set[int] = set()
    left_out: list[str] = []
    for row, stakeholder_id in conn.execute(
        "SELECT id, stakeholder_id FROM attendance WHERE quarter_id = ? ORDER BY id", (quarter_id,)
    ):
        if stakeholder_id in people:
            present.add(stakeholder_id)
        elif type(stakeholder_id) is int:
            left_out.append(
                f"attendance row {row}: stakeholder_id names stakeholder {stakeholder_id}, "
                "which is not in the file; not counted as present"
            )
    return present, left_out


def _name(conn: sqlite3.Connection, stakeholder_id: int) -> str:
    row = conn.execute("SELECT name FROM stakeholders WHERE id = ?", (stakeholder_id,)).fetchone()
    name = clean_line(row[0]) if row is not None and isinstance(row[0], str) else ""
    return name or f"stakeholder {stakeholder_id}"
