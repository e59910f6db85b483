"""A decision row another program left on a quarter planboard reads as not decided (an
unknown status, read as preparing): the JSON gave `"status": "preparing"` with a whole
`decision`, the Markdown said nothing was decided, and `report` showed its rationale.
Every export now says what the board says: it is being prepared."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

from conftest import Filled
from rich.console import Console

from planboard.core.export import export
from planboard.core.export.summary import print_report


def test_every_export_says_a_quarter_not_decided_is_being_prepared(
    filled: Filled, board_path: Path
) -> None:
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    filled.give_items()  # (a block with no items can't be chosen)
    store.choose_block(filled.block_a, 1)
    store.decide(q, "Sales first, because the pipeline is blind.")
    conn = sqlite3.connect(board_path)
    conn.execute("PRAGMA ignore_check_constraints = 1")
    with conn:
        conn.execute("UPDATE quarters SET status = 'archived' WHERE id = ?", (q,))
    conn.close()
    data = json.loads(export(store, q, "json"))
    assert data["quarter"]["status"] == "preparing" and data["decision"] is None
    assert "still being prepared" in export(store, q, "md")
    console = Console(file=io.StringIO(), width=200, no_color=True)
    print_report(store, console)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "pipeline is blind" not in shown and "Sales cockpit" not in shown, shown


def test_a_decided_quarter_set_live_again_keeps_its_decision_everywhere(
    filled: Filled, board_path: Path
) -> None:
    """Live with its decision (another program's `status = 'live'`): ending its event
    makes it decided with that decision, so the exports and the report keep showing it
    (the first version of the rule above hid it)."""
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    filled.give_items()  # (a block with no items can't be chosen)
    store.choose_block(filled.block_a, 1)
    store.decide(q, "Sales first, because the pipeline is blind.")
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        conn.execute("UPDATE quarters SET status = 'live' WHERE id = ?", (q,))
    data = json.loads(export(store, q, "json"))
    assert data["decision"]["rationale"] == "Sales first, because the pipeline is blind."
    console = Console(file=io.StringIO(), width=200, no_color=True)
    print_report(store, console)
    assert "pipeline is blind" in console.file.getvalue()  # type: ignore[attr-defined]


def test_a_time_that_is_not_one_goes_out_as_null(filled: Filled, board_path: Path) -> None:
    """ "Times are UTC, ISO 8601": another program's `decided_at = 'yesterday'` went out
    as it was."""
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    filled.give_items()  # (a block with no items can't be chosen)
    store.choose_block(filled.block_a, 1)
    store.decide(q, "Because.")
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        conn.execute("UPDATE decisions SET decided_at = 'yesterday' WHERE quarter_id = ?", (q,))
        conn.execute("UPDATE meetings SET started_at = '' WHERE quarter_id = ?", (q,))
    data = json.loads(export(store, q, "json"))
    assert data["decision"]["decided_at"] is None
    assert data["meeting"]["started_at"] is None
    assert data["meeting"]["ended_at"].endswith("Z")  # (a real one, as stored)
    assert data["quarter"]["created_at"].endswith("Z")


def test_times_another_program_wrote_go_out_in_utc_and_a_day_not_one_is_not_said(
    filled: Filled, board_path: Path
) -> None:
    """A time with an offset went out as it was (`+05:00`), as did SQLite's own form;
    the Markdown said "Decided on 2 March 2026" of a decision made on 1 March in UTC,
    and "on 30 February 2026" of a day that is none."""
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    filled.give_items()  # (a block with no items can't be chosen)
    store.choose_block(filled.block_a, 1)
    store.decide(q, "Because.")
    planboards = json.loads(export(store, q, "json"))["meeting"]["ended_at"]
    cases = {
        "2026-03-02T01:00:00+05:00": ("2026-03-01T20:00:00Z", "Decided on 1 March 2026"),
        "2026-12-06 09:15:57": ("2026-12-06T09:15:57Z", "Decided on 6 December 2026"),
        "2026-02-30T08:30:00Z": (None, "Decided at the quarterly"),
        "0000-01-01T00:00:00Z": (None, "Decided at the quarterly"),
    }
    for stored, (out, said) in cases.items():
        with sqlite3.connect(board_path, isolation_level=None) as conn:
            conn.execute("UPDATE decisions SET decided_at = ? WHERE quarter_id = ?", (stored, q))
        data = json.loads(export(store, q, "json"))
        assert data["decision"]["decided_at"] == out, stored
        assert said in export(store, q, "md"), stored
    # Read with other boards (`export a.db b.db`), and on the history's list: in UTC too.
    with sqlite3.connect(board_path, isolation_level=None) as conn:
        conn.execute(
            "UPDATE decisions SET decided_at = '2026-03-02T01:00:00+05:00' WHERE quarter_id = ?",
            (q,),
        )
    from planboard.core.boards import read_boards, to_json

    together = json.loads(to_json(read_boards([(board_path, store)])))
    assert together["boards"][0]["quarters"][0]["decided_at"] == "2026-03-01T20:00:00Z"
    # planboard's own times go out as the file holds them.
    assert json.loads(export(store, q, "json"))["meeting"]["ended_at"] == planboards
