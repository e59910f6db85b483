"""Rows another program wrote against the event's rules, named: quarters live at once,
one choice held by two blocks, a decision for a quarter being prepared. (Rows of the
wrong type or linked to nothing: `rows`.)"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from .rows import text
from .text import clean_line


def live_at_once(conn: sqlite3.Connection) -> list[str]:
    """Quarters live at once (`UPDATE quarters SET status = 'live'`: planboard starts one
    event at a time), named together, with the way out."""
    live = conn.execute(
        f"SELECT id, {text('name', repr('?'))} FROM quarters WHERE status = 'live' ORDER BY id"
    ).fetchall()
    if len(live) < 2:
        return []
    names = [clean_line(name) for _, name in live]
    names = [name if len(name) <= 40 else name[:39] + "…" for name in names]
    return [
        f"quarters rows {and_list(str(row) for row, _ in live)}: {and_list(names)} are live at "
        "once; one event is live at a time: end all but one (e in its event)"
    ]


def choices_shared(conn: sqlite3.Connection, quarter_id: int) -> list[str]:
    """Blocks of the quarter holding one choice (planboard gives each to one block;
    `UPDATE blocks SET choice = 1` can give it to two)."""
    rows = conn.execute(
        "SELECT choice, group_concat(id) FROM (SELECT choice, id FROM blocks "
        "WHERE quarter_id = ? AND typeof(choice) = 'integer' ORDER BY id) "
        "GROUP BY choice HAVING count(*) > 1 ORDER BY choice",
        (quarter_id,),
    ).fetchall()
    return [
        f"blocks rows {and_list(sorted(ids.split(','), key=int))}: each holds choice {choice}; "
        "a choice is one block: unchoose all but one"
        for choice, ids in rows
    ]


def decided_too_soon(conn: sqlite3.Connection, quarter_id: int) -> list[str]:
    """A decision for the quarter while it is being prepared or its event runs
    (planboard decides in the event, in the same step that makes it decided, and a
    reopening removes the decision): the history and the exports show it, and ending
    the event makes the quarter decided with it."""
    row = conn.execute(
        f"SELECT {text('name', repr('?'))}, status FROM quarters WHERE id = ? "
        "AND status IN ('preparing', 'live') "
        "AND EXISTS (SELECT 1 FROM decisions WHERE quarter_id = quarters.id)",
        (quarter_id,),
    ).fetchone()
    if row is None:
        return []
    name = clean_line(row[0])[:40]
    if row[1] == "live":
        return [
            f"decisions row {quarter_id}: a decision for {name}, whose event is live; ending "
            "the event (e) makes it decided with this row's rationale"
        ]
    return [
        f"decisions row {quarter_id}: a decision for {name}, which is preparing; starting "
        "and ending its event makes it decided"
    ]


def and_list(words: Iterable[str]) -> str:
    """The words as "a, b and c"."""
    *most, last = words
    return f"{', '.join(most)} and {last}" if most else last
