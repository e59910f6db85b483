"""Rows planboard did not write: what `sqlite3` or `sqlite-utils` put in the file never
crashes it. A bad row gets a message naming its table and row; an undo refused because
of them says the board changed since; positions stay dense around them."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Filled, assert_consistent, statements_run
from damaged_boards import damage_an_old_quarter

from planboard.cli import main
from planboard.core import Place, Store
from planboard.core.errors import ConflictError, PlanboardError

BAD_PAYLOADS = ["{not json", "[]", '{"changes": 5}', '{"changes": [["items"]]}', "null"]


def outside(path: Path) -> sqlite3.Connection:
    """Another program's connection: plain sqlite3, foreign keys off (its default)."""
    return sqlite3.connect(path, isolation_level=None)


def latest_event(store: Store) -> int:
    return store.conn.execute("SELECT MAX(id) FROM events").fetchone()[0]


def table_dump(store: Store) -> list[tuple[object, ...]]:
    return store.conn.execute("SELECT * FROM items ORDER BY id").fetchall()


@pytest.mark.parametrize("payload", BAD_PAYLOADS)
def test_undo_of_a_malformed_payload_is_refused_with_the_row_named(
    filled: Filled, board_path: Path, payload: str
) -> None:
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.team_items[0], Place.block(filled.block_a))
    event_id = latest_event(store)
    with outside(board_path) as conn:
        conn.execute("UPDATE events SET payload = ? WHERE id = ?", (payload, event_id))
    before = table_dump(store)
    with pytest.raises(PlanboardError, match=rf"events row {event_id}"):
        store.undo(q)
    assert table_dump(store) == before
    assert store.undo_summary(q) is not None  # still named, so the user sees what is stuck


@pytest.mark.parametrize("payload", BAD_PAYLOADS)
def test_redo_of_a_malformed_payload_is_refused_with_the_row_named(
    filled: Filled, board_path: Path, payload: str
) -> None:
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.team_items[0], Place.block(filled.block_a))
    event_id = latest_event(store)
    store.undo(q)
    with outside(board_path) as conn:
        conn.execute("UPDATE events SET payload = ? WHERE id = ?", (payload, event_id))
    before = table_dump(store)
    with pytest.raises(PlanboardError, match=rf"events row {event_id}"):
        store.redo(q)
    assert table_dump(store) == before


def test_events_with_malformed_payloads_are_listed_without_crashing(
    filled: Filled, board_path: Path
) -> None:
    store, q = filled.store, filled.quarter_id
    with outside(board_path) as conn:
        conn.execute("UPDATE events SET payload = '{not json' WHERE id = ?", (latest_event(store),))
        conn.execute("UPDATE events SET payload = x'00ff' WHERE id = 1")
    events = store.events(q)
    assert events and all(isinstance(e.payload, dict) for e in events)


def test_import_with_a_malformed_payload_among_the_last_events_imports_once(
    filled: Filled, board_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, q = filled.store, filled.quarter_id
    store.close()
    with outside(board_path) as conn:
        conn.execute(
            "UPDATE events SET payload = '{not json' WHERE id = (SELECT MAX(id) FROM events)"
        )
    listing = tmp_path / "list.txt"
    listing.write_text("First request\nSecond request\n", encoding="utf-8")
    code = main(["import", str(board_path), str(listing), "--team"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Traceback" not in out.err
    with Store.open(board_path) as again:
        titles = [i.title for i in again.items_at(q, Place.team())]
    assert titles.count("First request") == 1 and titles.count("Second request") == 1


def test_text_in_effort_reads_as_no_effort_and_is_reported(
    filled: Filled, board_path: Path
) -> None:
    store, q = filled.store, filled.quarter_id
    item_id = filled.team_items[0]
    with outside(board_path) as conn:
        conn.execute("UPDATE items SET effort = 'three days' WHERE id = ?", (item_id,))
        conn.execute("UPDATE blocks SET effort = x'00ff' WHERE id = ?", (filled.block_a,))
    assert store.item(item_id).effort is None
    assert store.block(filled.block_a).effort is None
    problems = store.row_problems(q)
    assert any(f"items row {item_id}" in p and "effort" in p for p in problems)
    assert any(f"blocks row {filled.block_a}" in p and "effort" in p for p in problems)


def test_a_hidden_tally_written_as_text_is_said_to_read_as_hidden(
    filled: Filled, board_path: Path
) -> None:
    """`tally_hidden = 'no'` from another program: only 0 shows the tally, so the event
    keeps it hidden, and the status line says so (it said "shown as if empty")."""
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    store.set_meeting(q, tally_hidden=False)
    with outside(board_path) as conn:
        conn.execute("UPDATE meetings SET tally_hidden = 'no' WHERE quarter_id = ?", (q,))
    assert store.meeting(q).tally_hidden
    said = [p for p in store.row_problems(q) if "tally_hidden" in p]
    assert said == [
        f"meetings row {q}: tally_hidden holds 'no', not a whole number; "
        "read as hidden (only 0 shows the tally)"
    ]


def test_an_undo_refused_because_of_outside_rows_says_changed_since(
    filled: Filled, board_path: Path
) -> None:
    store, q = filled.store, filled.quarter_id
    change = store.add_item(q, None, "Mine")
    with outside(board_path) as conn:  # another program links a row to the new item
        conn.execute(
            "INSERT INTO items (quarter_id, stakeholder_id, title, position, created_at, "
            "merged_into) VALUES (?, ?, 'Theirs', 9, '2026-06-01T10:00:00Z', ?)",
            (q, filled.sales, change.item_id),
        )
    before = table_dump(store)
    with pytest.raises(ConflictError) as raised:
        store.undo(q)
    assert "changed since" in str(raised.value)
    assert "FOREIGN KEY" not in str(raised.value)
    assert table_dump(store) == before


def test_undoing_a_block_another_program_filled_says_changed_since(
    filled: Filled, board_path: Path
) -> None:
    store, q = filled.store, filled.quarter_id
    block = store.add_block(q, "New block").block_id
    with outside(board_path) as conn:
        conn.execute(
            "INSERT INTO items (quarter_id, title, block_id, position, place_position, "
            "created_at) VALUES (?, 'Theirs', ?, 3, 0, '2026-06-01T10:00:00Z')",
            (q, block),
        )
    with pytest.raises(ConflictError, match="changed since") as raised:
        store.undo(q)
    assert "FOREIGN KEY" not in str(raised.value)


def _untidy_checks(store: Store, action: Callable[[], object]) -> list[str]:
    """The statements `action` ran to check that positions are 0..n-1."""
    return [sql for sql in statements_run(store, action) if "COUNT(DISTINCT" in sql]


def test_an_undo_on_a_board_no_one_else_wrote_to_checks_no_order(filled: Filled) -> None:
    """The board tidies a quarter when it loads it: until another program commits, the
    lists are as planboard keeps them, and an undo need not read them to check."""
    store, q = filled.store, filled.quarter_id
    store.tidy(q)
    store.drop_item(filled.team_items[0], "Later")
    store.move_item(filled.team_items[1], Place.block(filled.block_a))
    assert _untidy_checks(store, lambda: store.undo(q)) == []
    assert _untidy_checks(store, lambda: store.undo(q)) == []
    assert _untidy_checks(store, lambda: store.redo(q)) == []
    assert_consistent(store)
    # A store that has not tidied the quarter since it was opened (a command, not the
    # board) checks.
    store.close()
    reopened = Store.open(filled.store.path)
    try:
        assert _untidy_checks(reopened, lambda: reopened.redo(q))
    finally:
        reopened.close()


@pytest.mark.parametrize("tidied", [False, True])
def test_positions_stay_dense_after_undo_and_redo_next_to_outside_appends(
    filled: Filled, board_path: Path, tidied: bool
) -> None:
    store, q = filled.store, filled.quarter_id
    if tidied:  # as the board does when it loads the quarter
        store.tidy(q)
    store.add_item(q, None, "Mine")  # position 3 on the team's list
    with outside(board_path) as conn:  # appended after it, as a careful program would
        conn.execute(
            "INSERT INTO items (quarter_id, title, position, created_at) "
            "VALUES (?, 'Theirs', 4, '2026-06-01T10:00:00Z')",
            (q,),
        )
    store.undo(q)
    assert_consistent(store)
    assert [i.title for i in store.items_at(q, Place.team())][-1] == "Theirs"
    store.redo(q)
    assert_consistent(store)
    assert [i.title for i in store.items_at(q, Place.team())][-2:] == ["Mine", "Theirs"]


@pytest.mark.parametrize("tidied", [False, True])
def test_positions_stay_dense_after_undoing_a_drop_next_to_outside_drops(
    filled: Filled, board_path: Path, tidied: bool
) -> None:
    store, q = filled.store, filled.quarter_id
    if tidied:
        store.tidy(q)
    store.drop_item(filled.team_items[0], "Later")
    with outside(board_path) as conn:
        conn.execute(
            "UPDATE items SET status = 'dropped', drop_reason = 'theirs', place_position = 1 "
            "WHERE id = ?",
            (filled.team_items[1],),
        )
    store.undo(q)
    assert_consistent(store)
    assert [i.id for i in store.items_at(q, Place.dropped())] == [filled.team_items[1]]


def test_report_on_a_damaged_file_says_so_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    damage_an_old_quarter(path)
    out = subprocess.run(
        [sys.executable, "-m", "planboard", "report", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in out.stderr
    assert "DatabaseError" not in out.stderr and "malformed" not in out.stdout
    assert out.returncode == 2
    assert "can't be read" in out.stderr


def test_text_that_is_not_utf8_shows_with_replacement_marks(
    filled: Filled, board_path: Path
) -> None:
    store, q = filled.store, filled.quarter_id
    item_id = filled.team_items[0]
    with outside(board_path) as conn:
        conn.execute("UPDATE items SET title = CAST(x'436166e9' AS TEXT) WHERE id = ?", (item_id,))
    board = store.board(q)
    assert board.items_at(Place.team())[0].title == "Caf\ufffd"
    assert store.item(item_id).title == "Caf\ufffd"


ODD_RECORDS = [
    '{"changes": [["items", 1, {"title) = 1 --": "x"}, {"title) = 1 --": "y"}]]}',
    '{"changes": [["items", 999, null, {"title": "partial"}]]}',
    '{"changes": [["items", 1, {"title": "x"}, null]]}',
    '{"changes": [["items", 1, {"title": ["a"]}, {"title": {"b": 1}}]]}',
    '{"changes": [["quarters", true, null, {"name": "x"}]]}',
    '{"changes": [["sqlite_master", 1, null, {"name": "x"}]]}',
]


@pytest.mark.parametrize("record", ODD_RECORDS)
@pytest.mark.parametrize("redo", [False, True])
def test_odd_but_well_formed_records_are_refused_with_a_message(
    filled: Filled, board_path: Path, record: str, redo: bool
) -> None:
    """JSON of the right shape holding the wrong things — unknown or hostile column
    names, partial rows, rows that are not there, nested values, odd tables: undo and
    redo refuse with a message and change nothing."""
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.team_items[0], Place.block(filled.block_a))
    event_id = latest_event(store)
    if redo:
        store.undo(q)
    with outside(board_path) as conn:
        conn.execute("UPDATE events SET payload = ? WHERE id = ?", (record, event_id))
    before = table_dump(store)
    schema = store.conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    with pytest.raises(PlanboardError):
        store.redo(q) if redo else store.undo(q)
    assert table_dump(store) == before
    assert store.conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema


def test_a_place_reads_in_one_order_whichever_way_it_is_read(
    filled: Filled, board_path: Path
) -> None:
    """A row another program put in a block, the dropped area or a list without a
    position (or with one that is not a whole number) shows last, and in the same
    place whether the board is read whole or one place at a time."""
    store, q = filled.store, filled.quarter_id
    for item in filled.sales_items[:2]:
        store.move_item(item, Place.block(filled.block_a))
    store.drop_item(filled.team_items[0], "later")
    store.drop_item(filled.team_items[1], "later")
    with outside(board_path) as conn:
        conn.execute(
            "INSERT INTO items (quarter_id, title, block_id, status, position, place_position)"
            " VALUES (?, 'Put in the block', ?, 'open', 0, NULL)",
            (q, filled.block_a),
        )
        conn.execute(
            "INSERT INTO items (quarter_id, title, status, drop_reason, position, "
            "place_position) VALUES (?, 'Dropped outside', 'dropped', 'x', 0, NULL)",
            (q,),
        )
        conn.execute(
            "INSERT INTO items (quarter_id, stakeholder_id, title, position)"
            " VALUES (?, ?, 'Half a place', 0.5)",
            (q, filled.sales),
        )
        conn.execute(
            "INSERT INTO items (quarter_id, stakeholder_id, title, position)"
            " VALUES (?, ?, 'No place', NULL)",
            (q, filled.sales),
        )
    board = store.board(q)
    for place in (Place.block(filled.block_a), Place.dropped(), Place.of_list(filled.sales)):
        one = [i.title for i in store.items_at(q, place)]
        assert one == [i.title for i in board.places[place]], place
    sales = Place.of_list(filled.sales)
    assert store.item_ids_at(q, sales) == [i.id for i in store.items_at(q, sales)]
    assert filled.titles(Place.block(filled.block_a))[-1] == "Put in the block"
    assert filled.titles(Place.dropped())[-1] == "Dropped outside"
    # 0.5 reads as 0, so before the list's own item (a move out keeps its position, 2);
    # no position: last.
    assert store.item(filled.sales_items[2]).position == 2
    assert filled.titles(Place.of_list(filled.sales)) == [
        "Half a place",
        "Quota attainment",
        "No place",
    ]


# Well-formed JSON holding what SQLite can't take or Python can't look up: a number too
# big for an INTEGER, a lone surrogate (not encodable as UTF-8), a table that is a list.
UNSTORABLE = [
    '{{"changes": [["items", {id}, {{"block_id": null}}, {{"block_id": 100000000000000000000}}]]}}',
    '{{"changes": [["items", 100000000000000000000, {{"block_id": null}}, {{"block_id": 1}}]]}}',
    '{{"changes": [["items", {id}, {{"block_id": null}}, {{"title": "\\ud800"}}]]}}',
    '{{"changes": [["items", "\\ud800", {{"block_id": null}}, {{"block_id": 1}}]]}}',
    # A row id as text: no table's key is (applied, it could never be undone).
    '{{"changes": [["items", "{id}", {{"block_id": null}}, {{"block_id": 1}}]]}}',
    '{{"changes": [[["items"], {id}, {{"block_id": null}}, {{"block_id": 1}}]]}}',
    '{{"changes": [[{{"t": 1}}, {id}, {{"block_id": null}}, {{"block_id": 1}}]]}}',
]


def moved_then_edited(filled: Filled, board_path: Path, payload: str, *, undo: bool = False) -> int:
    """The first team item moved into block A (and that undone, unless `undo`), then the
    move's record replaced by `payload` (`{id}`, `{block}`: the item's and block's ids)
    by another program. Returns the record's events row."""
    store, item = filled.store, filled.team_items[0]
    store.move_item(item, Place.block(filled.block_a))
    event_id = latest_event(store)
    if not undo:
        store.undo(filled.quarter_id)
    with outside(board_path) as conn:
        conn.execute(
            "UPDATE events SET payload = ? WHERE id = ?",
            (payload.format(id=item, block=filled.block_a), event_id),
        )
    return event_id


def assert_refused_as_damaged(
    filled: Filled, event_id: int, *, undo: bool, named: str = ""
) -> None:
    store = filled.store
    before = table_dump(store)
    with pytest.raises(PlanboardError, match=rf"events row {event_id} is damaged.*{named}"):
        store.undo(filled.quarter_id) if undo else store.redo(filled.quarter_id)
    assert table_dump(store) == before


@pytest.mark.parametrize("template", UNSTORABLE)
@pytest.mark.parametrize("undo", [True, False], ids=["undo", "redo"])
def test_a_record_holding_what_sqlite_cannot_store_is_refused_as_damaged(
    filled: Filled, board_path: Path, template: str, undo: bool
) -> None:
    event_id = moved_then_edited(filled, board_path, template, undo=undo)
    assert_refused_as_damaged(filled, event_id, undo=undo)


NAN_RECORD = (
    '{{"changes":[["items",{id},{{"block_id":null,"place_position":null}},'
    '{{"block_id":{block},"place_position":0,"effort":NaN}}]],"item_id":{id}}}'
)


def test_a_redo_of_a_record_holding_nan_is_refused_not_applied_for_good(
    filled: Filled, board_path: Path
) -> None:
    """`NaN` (which Python's JSON reader takes) would be stored as NULL while the redo
    recorded NaN: that redo could never be undone. It is refused as damaged."""
    event_id = moved_then_edited(filled, board_path, NAN_RECORD)
    assert_refused_as_damaged(filled, event_id, undo=False)
    # Infinity is a number SQLite keeps: a record holding one replays, and back.
    store, item = filled.store, filled.team_items[0]
    payload = NAN_RECORD.replace("NaN", "Infinity").format(id=item, block=filled.block_a)
    with outside(board_path) as conn:
        conn.execute("UPDATE events SET payload = ? WHERE id = ?", (payload, event_id))
    store.redo(filled.quarter_id)
    assert store.item(item).effort == float("inf")
    store.undo(filled.quarter_id)
    assert store.item(item).block_id is None


@pytest.mark.parametrize(
    ("after", "named"),
    [('"status":"bogus"', "CHECK constraint"), ('"title":null', "NOT NULL constraint")],
)
def test_a_record_breaking_the_tables_rules_is_refused_as_damaged(
    filled: Filled, board_path: Path, after: str, named: str
) -> None:
    """A row no table would take (a status that isn't one, a title that is NULL) is
    the record's fault, not the board's: it is named damaged, not "changed since"."""
    record = (
        '{{"changes":[["items",{id},{{"block_id":null}},{{"block_id":{block},'
        + after.replace("{", "{{").replace("}", "}}")
        + '}}]],"item_id":{id}}}'
    )
    event_id = moved_then_edited(filled, board_path, record)
    assert_refused_as_damaged(filled, event_id, undo=False, named=named)


@pytest.mark.parametrize("redo", [False, True])
def test_a_record_that_changes_a_quarters_status_is_refused(
    filled: Filled, board_path: Path, redo: bool
) -> None:
    """Only the event and its decision change a quarter's status, and neither can be
    undone: a record that would (written by another program) is refused as damaged,
    and the quarter stays as it was (it was made decided, with no decision)."""
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.team_items[0], Place.block(filled.block_a))
    event_id = latest_event(store)
    if redo:
        store.undo(q)
    status = store.quarter(q).status
    change = [["quarters", q, {"status": status}, {"status": "decided"}]]
    if not redo:  # an undo takes each row from its `after` back to its `before`
        change = [["quarters", q, {"status": "decided"}, {"status": status}]]
    with outside(board_path) as conn:
        conn.execute(
            "UPDATE events SET payload = ? WHERE id = ?",
            (json.dumps({"changes": change}), event_id),
        )
    with pytest.raises(PlanboardError, match="damaged"):
        store.redo(q) if redo else store.undo(q)
    assert store.quarter(q).status == status


def test_rows_pointing_at_rows_that_do_not_exist_are_named(
    filled: Filled, board_path: Path
) -> None:
    """`sqlite3` checks no foreign keys unless asked: an item it adds may name a list,
    a block or a survivor that is not there. The board can't show it: it says so."""
    store, q = filled.store, filled.quarter_id
    with outside(board_path) as conn:
        rows = {}
        for column, value in (("stakeholder_id", 9999), ("block_id", 8888), ("merged_into", 7777)):
            cursor = conn.execute(
                f"INSERT INTO items (quarter_id, title, position, {column}) "
                "VALUES (?, 'Lost', 50, ?)",
                (q, value),
            )
            rows[column] = (cursor.lastrowid, value)
    problems = store.row_problems(q)
    for column, (row, value) in rows.items():
        assert any(
            p.startswith(f"items row {row}: {column} names ")
            and str(value) in p
            and p.endswith("not shown")
            for p in problems
        ), (column, problems)


def test_items_merged_into_a_merged_item_or_into_themselves_are_named(
    filled: Filled, board_path: Path
) -> None:
    """Planboard keeps one level of merges; another program may write a loop (two items
    merged into each other), an item merged into itself, or a chain. The board shows
    none of those items (their survivor is not on it): the status line names each."""
    store, q = filled.store, filled.quarter_id
    a, b, c = filled.team_items[:3]
    d, e = filled.sales_items[:2]
    with outside(board_path) as conn:
        conn.execute("UPDATE items SET merged_into = ? WHERE id = ?", (b, a))
        conn.execute("UPDATE items SET merged_into = ? WHERE id = ?", (a, b))
        conn.execute("UPDATE items SET merged_into = ? WHERE id = ?", (c, c))
        conn.execute("UPDATE items SET merged_into = ? WHERE id = ?", (e, d))
        conn.execute("UPDATE items SET merged_into = ? WHERE id = ?", (filled.service_items[0], e))
    problems = store.row_problems(q)
    for row, ref in ((a, b), (b, a), (c, c), (d, e)):
        assert any(
            p.startswith(f"items row {row}: merged_into names item {ref}, ")
            and "merged into another itself" in p
            and p.endswith("not shown")
            for p in problems
        ), (row, problems)
    # (e is merged into an item on the board: it shows under it, and is not named)
    assert not any(p.startswith(f"items row {e}:") for p in problems), problems


def test_rows_pointing_at_rows_that_exist_are_not_named(filled: Filled) -> None:
    store, q = filled.store, filled.quarter_id
    survivor = filled.team_items[0]
    store.merge_items(survivor, [filled.sales_items[0]])
    store.move_item(filled.team_items[1], Place.block(filled.block_a))
    assert store.row_problems(q) == []


def test_an_item_dropped_and_in_a_block_at_once_is_tidied_once_and_named(
    filled: Filled, board_path: Path
) -> None:
    """Another program (its CHECKs off) left items dropped and in a block at once: the
    board shows them as dropped, tidying puts the positions right once and for all, and
    the rows are named. Tidying used to number them in the block and among the dropped
    items in turn, for ever: a board that rewrote its file without end."""
    store, q = filled.store, filled.quarter_id
    store.move_item(filled.team_items[0], Place.block(filled.block_a))
    store.move_item(filled.team_items[1], Place.block(filled.block_a))
    store.move_item(filled.sales_items[0], Place.block(filled.block_b))
    store.drop_item(filled.service_items[0], "Later")
    conn = sqlite3.connect(board_path)
    conn.execute("PRAGMA ignore_check_constraints = 1")
    with conn:
        conn.execute("UPDATE items SET status = 'dropped' WHERE block_id IS NOT NULL")
    conn.close()
    events = store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    assert store.tidy(q) is not None
    assert store.tidy(q) is None  # in order now: nothing more to do
    assert store.tidy(q) is None
    assert store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == events + 1
    board = store.board(q)
    dropped = [i.id for i in board.items_at(Place.dropped())]
    assert set(filled.team_items[:2] + filled.sales_items[:1]) <= set(dropped)
    assert board.items_at(Place.block(filled.block_a)) == []
    found = store.row_problems(q)
    assert any(f"items row {filled.team_items[0]}" in p and "dropped" in p for p in found), found
    # Moves into and out of a block that still holds such a row leave it where it
    # shows, among the dropped items, and the quarter in order; and they can be undone.
    order = [i.id for i in store.items_at(q, Place.dropped())]
    store.move_item(filled.team_items[2], Place.block(filled.block_a), 0)
    store.move_item(filled.sales_items[1], Place.block(filled.block_a), 0)
    store.move_item(filled.sales_items[1], Place.of_list(filled.sales))
    assert [i.id for i in store.items_at(q, Place.dropped())] == order
    assert store.tidy(q) is None
    store.undo(q)
    store.undo(q)
    assert [i.id for i in store.items_at(q, Place.dropped())] == order
    assert [i.id for i in store.items_at(q, Place.block(filled.block_a))] == [filled.team_items[2]]
    # Deleting the block: the row lets go of it and stays where it shows.
    store.delete_block(filled.block_a)
    assert [i.id for i in store.items_at(q, Place.dropped())] == order
    assert store.tidy(q) is None and store.row_problems(q) == [
        p for p in store.row_problems(q) if f"row {filled.team_items[0]}" not in p
    ]


def test_a_pair_another_program_said_not_the_same_under_another_quarter_is_kept_apart(
    filled: Filled, board_path: Path
) -> None:
    """A `rejected_pairs` row written with the wrong quarter: the pair is not shown as
    alike (the marks, `a`, `S` and `planboard similar` read the quarter's pairs), as
    `x` on it says ("already marked"): it was refused there, and shown everywhere."""
    store, q = filled.store, filled.quarter_id
    a, b = filled.sales_items[0], filled.service_items[0]
    other = store.create_quarter("2027-Q4").quarter_id
    with outside(board_path) as conn:
        conn.execute(
            "INSERT INTO rejected_pairs (quarter_id, first_id, second_id) VALUES (?, ?, ?)",
            (other, min(a, b), max(a, b)),
        )
    assert store.rejected_pairs(q) == {frozenset((a, b))}
    assert store.rejected_pairs(other) == set()  # (its items are not there)
    with pytest.raises(PlanboardError, match="already marked as not the same"):
        store.reject_pair(a, b)


def test_a_decided_quarter_another_program_set_live_keeps_its_decision(
    filled: Filled, board_path: Path
) -> None:
    """`UPDATE quarters SET status = 'live'` on a decided quarter: deciding it again
    replaced its recorded decision (the rationale, who was there, when), and ending its
    event left it preparing with a decision and chosen blocks, a state planboard's own
    actions never make. Deciding is refused, naming the way out; ending it makes it
    decided again."""
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    filled.give_items()  # (a block with no items can't be chosen)
    store.choose_block(filled.block_a, 1)
    store.decide(q, "Sales first, because the pipeline is blind.", "Ana, Bo")
    decision = store.decision(q)
    with outside(board_path) as conn:
        conn.execute("UPDATE quarters SET status = 'live' WHERE id = ?", (q,))
    with pytest.raises(PlanboardError, match="has its decision already"):
        store.decide(q, "because")
    assert store.decision(q) == decision
    ended = store.meeting(q).ended_at
    store.end_meeting(q)
    assert store.quarter(q).status == "decided"
    assert store.decision(q) == decision
    assert store.meeting(q).ended_at == ended  # (when the real event ended stays)
    store.reopen(q)  # (then decided anew, as planboard's own actions allow)
    store.decide(q, "Sales again.")
    assert store.decision(q).rationale == "Sales again."


def test_values_past_the_tables_checks_are_named_with_how_they_are_read(
    filled: Filled, board_path: Path
) -> None:
    """Another program with its CHECKs off (or a table of its own making) can write a
    status planboard does not know, or a meeting's dots or timebox out of range. The
    board reads them as a default; the status line says so, row by row, rather than
    showing a board that silently differs from the file."""
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    item = filled.team_items[0]
    conn = sqlite3.connect(board_path)
    conn.execute("PRAGMA ignore_check_constraints = 1")
    with conn:
        conn.execute("UPDATE quarters SET status = 'closed' WHERE id = ?", (q,))
        conn.execute("UPDATE items SET status = 'done' WHERE id = ?", (item,))
        conn.execute(
            "UPDATE meetings SET dot_budget = 0, timebox_minutes = 9000 WHERE quarter_id = ?",
            (q,),
        )
    conn.close()
    problems = store.row_problems(q)
    expected = [
        f"quarters row {q}: status holds 'closed', not preparing, live or decided; "
        "read as preparing",
        f"items row {item}: status holds 'done', not open or dropped; read as open",
        f"meetings row {q}: dot_budget holds 0, not a whole number from 1 to 99; read as 3",
        f"meetings row {q}: timebox_minutes holds 9000, not a whole number from 1 to 600; "
        "read as 45",
    ]
    for line in expected:
        assert line in problems, (line, problems)
    assert store.quarter(q).status == "preparing"
    meeting = store.meeting(q)
    assert meeting is not None and (meeting.dot_budget, meeting.timebox_minutes) == (3, 45)


def test_a_number_that_is_not_whole_is_named_with_what_it_is_read_as(
    filled: Filled, board_path: Path
) -> None:
    """`UPDATE items SET block_id = 12.5` put the item in block 12 (a whole-number
    column keeps a number's whole part, as everywhere the board reads it), but the status
    line said "shown as if empty"; 99.5, naming no block, hid the item and was not named
    as hidden; dots per person of 2.5 showed as 2 and were counted as 3 by the tally."""
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    store.set_attendance(q, [filled.sales])
    in_block, nowhere, owner = filled.team_items[0], filled.team_items[1], filled.team_items[2]
    with outside(board_path) as conn:
        conn.execute("UPDATE items SET block_id = ? WHERE id = ?", (filled.block_a + 0.5, in_block))
        conn.execute("UPDATE items SET block_id = 99.5 WHERE id = ?", (nowhere,))
        conn.execute(
            "UPDATE items SET stakeholder_id = ? WHERE id = ?", (filled.sales + 0.5, owner)
        )
        conn.execute("UPDATE meetings SET dot_budget = 2.5 WHERE quarter_id = ?", (q,))
        conn.execute(
            "INSERT INTO votes (quarter_id, stakeholder_id, block_id, dots) VALUES (?, ?, ?, 3)",
            (q, filled.sales, filled.block_a),
        )
    said = store.row_problems(q)
    expected = [
        f"items row {in_block}: block_id holds {filled.block_a + 0.5}, not a whole number; "
        f"read as {filled.block_a}",
        f"items row {nowhere}: block_id holds 99.5, not a whole number; read as 99",
        f"items row {nowhere}: block_id names block 99, which is not on this quarter's "
        "board; not shown",
        f"items row {owner}: stakeholder_id holds {filled.sales + 0.5}, not a whole number; "
        f"read as {filled.sales}",
        f"meetings row {q}: dot_budget holds 2.5, not a whole number; read as 2",
    ]
    for line in expected:
        assert line in said, (line, said)
    assert not any("as if empty" in line for line in said), said
    board = store.board(q)
    assert in_block in [i.id for i in board.places[Place.block(filled.block_a)]]
    assert owner in [i.id for i in board.places[Place.of_list(filled.sales)]]
    shown = [i.id for place, items in board.places.items() if board.shows(place) for i in items]
    assert in_block in shown and nowhere not in shown
    meeting = store.meeting(q)
    assert meeting is not None and meeting.dot_budget == 2
    assert store.votes(q) == {}  # (3 dots against the 2 each the board shows)
    assert any("more than the 2 dots each" in line for line in said), said


def test_a_second_live_quarter_another_program_made_is_named(
    filled: Filled, board_path: Path
) -> None:
    """One event is live at a time; `UPDATE quarters SET status = 'live'` can make two.
    The board opens one of them: the status line names both and the way out."""
    store, q = filled.store, filled.quarter_id
    other = store.create_quarter("2027-Q1").quarter_id
    assert other is not None
    store.start_meeting(q, backup=False)
    assert store.row_problems(q) == []
    with outside(board_path) as conn:
        conn.execute("UPDATE quarters SET status = 'live' WHERE id = ?", (other,))
    name = store.quarter(q).name
    for quarter in (q, other):
        problems = store.row_problems(quarter)
        assert (
            f"quarters rows {q} and {other}: {name} and 2027-Q1 are live at once; one event "
            "is live at a time: end all but one (e in its event)"
        ) in problems, problems


def test_attendance_and_votes_of_someone_not_in_the_file_count_for_nothing(
    filled: Filled, board_path: Path
) -> None:
    """`sqlite3` marks stakeholder 99, who is not in the file, present and gives them 3
    dots: the event said "1 present", the tally counted the dots, nothing was named,
    and saving the event's setup failed for good ("That stakeholder no longer
    exists"). They count for nothing, are named, and the setup saves."""
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    with outside(board_path) as conn:
        seat = conn.execute(
            "INSERT INTO attendance (quarter_id, stakeholder_id) VALUES (?, 99)", (q,)
        ).lastrowid
        vote = conn.execute(
            "INSERT INTO votes (quarter_id, stakeholder_id, block_id, dots) VALUES (?, 99, ?, 3)",
            (q, filled.block_a),
        ).lastrowid
    assert store.attendance(q) == []
    assert store.votes(q) == {}
    problems = store.row_problems(q)
    assert (
        f"attendance row {seat}: stakeholder_id names stakeholder 99, which is not in the "
        "file; not counted as present"
    ) in problems, problems
    assert (
        f"votes row {vote}: stakeholder_id names stakeholder 99, which is not in the file; "
        "not counted"
    ) in problems, problems
    store.set_attendance(q, [filled.sales])
    assert store.attendance(q) == [filled.sales]
    store.set_votes(filled.block_a, {filled.sales: 2})
    assert store.votes(q) == {filled.block_a: {filled.sales: 2}}


def test_two_blocks_holding_one_choice_are_named_and_no_decision_records_them(
    filled: Filled, board_path: Path
) -> None:
    """`UPDATE blocks SET choice = 1` on a second block: the cards showed two "choice 1"
    and confirming recorded both as chosen first, in the file, the history and the
    minutes. They are named, and the decision is refused until one block holds each."""
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    filled.give_items()  # (a block with no items can't be chosen)
    store.choose_block(filled.block_a, 1)
    with outside(board_path) as conn:
        conn.execute("UPDATE blocks SET choice = 1 WHERE id = ?", (filled.block_b,))
    a, b = sorted((filled.block_a, filled.block_b))
    assert (
        f"blocks rows {a} and {b}: each holds choice 1; a choice is one block: unchoose all but one"
    ) in store.row_problems(q)
    with pytest.raises(PlanboardError, match="Choice 1 is held by 2 blocks"):
        store.decide(q, "Both, somehow.")
    assert store.quarter(q).status == "live"
    assert store.decision(q) is None
    store.choose_block(filled.block_b, 2)
    assert store.row_problems(q) == []
    store.decide(q, "One each.")
    ranks = store.conn.execute(
        "SELECT id, chosen_rank FROM blocks WHERE quarter_id = ? AND chosen_rank IS NOT NULL "
        "ORDER BY chosen_rank",
        (q,),
    ).fetchall()
    assert ranks == [(filled.block_a, 1), (filled.block_b, 2)]


@pytest.mark.parametrize("choice", ["x", 5])
def test_a_choice_another_program_wrote_is_taken_as_the_board_shows_it(
    filled: Filled, board_path: Path, choice: object
) -> None:
    """A block's choice written as text, or as 5, beside a block of choice 1: confirming
    the decision stopped on a TypeError (the app with it, the rationale typed lost) for
    text, and recorded a block chosen fifth. Text shows as not chosen (and is named):
    the decision takes the blocks as shown. 5 is named, and the decision refused."""
    store, q = filled.store, filled.quarter_id
    store.start_meeting(q, backup=False)
    filled.give_items()  # (a block with no items can't be chosen)
    store.choose_block(filled.block_a, 1)
    conn = sqlite3.connect(board_path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = 1")
    conn.execute("UPDATE blocks SET choice = ? WHERE id = ?", (choice, filled.block_b))
    conn.close()
    row = f"blocks row {filled.block_b}: choice holds {choice!r}, not "
    assert any(p.startswith(row) for p in store.row_problems(q)), store.row_problems(q)
    if choice == "x":
        store.decide(q, "Sales first.")
        chosen = store.conn.execute(
            "SELECT id FROM blocks WHERE quarter_id = ? AND chosen_rank IS NOT NULL", (q,)
        ).fetchall()
        assert chosen == [(filled.block_a,)]
        return
    with pytest.raises(PlanboardError, match="a choice is 1 or 2"):
        store.decide(q, "Sales first.")
    assert store.quarter(q).status == "live"


def test_a_decision_another_program_wrote_for_a_quarter_being_prepared_is_named(
    filled: Filled, board_path: Path
) -> None:
    """`INSERT INTO decisions` for a quarter still being prepared: the history, `report`
    and the JSON export showed it as decided, and nothing said so."""
    store, q = filled.store, filled.quarter_id
    with outside(board_path) as conn:
        conn.execute(
            "INSERT INTO decisions (quarter_id, rationale, attendees) VALUES (?, 'early', '')",
            (q,),
        )
    name = store.quarter(q).name
    assert (
        f"decisions row {q}: a decision for {name}, which is preparing; starting and "
        "ending its event makes it decided"
    ) in store.row_problems(q), store.row_problems(q)
    # During the event: `e` ("back to preparing") made the quarter decided with that
    # row's rationale and "who was there", and nothing had said so.
    store.start_meeting(q, backup=False)
    assert (
        f"decisions row {q}: a decision for {name}, whose event is live; ending the event "
        "(e) makes it decided with this row's rationale"
    ) in store.row_problems(q), store.row_problems(q)


def test_shifting_an_item_merged_since_is_refused_in_words(
    filled: Filled, board_path: Path
) -> None:
    """Shift+Down on an item another program merged meanwhile raised StopIteration."""
    store, item_id = filled.store, filled.team_items[0]
    with outside(board_path) as conn:
        conn.execute(
            "UPDATE items SET merged_into = ? WHERE id = ?", (filled.team_items[1], item_id)
        )
    with pytest.raises(ConflictError, match="is not shown where it is any more"):
        store.shift_item(item_id, 1)


def test_the_items_named_not_shown_are_those_the_board_shows_nowhere(
    filled: Filled, board_path: Path
) -> None:
    """A dropped item, or one merged into an item on the board, shows (in the dropped
    area, or under its survivor) whatever list or block it names: it was named "not
    shown" (and the export said it left it out while it held it). A request merged
    into an item that is on no column shows nowhere: it was named nowhere. An archived
    stakeholder's item whose owner reads 2.5 as 2 shows on that list: it showed on no
    list, named nowhere."""
    import re

    store, q = filled.store, filled.quarter_id
    t1, t2, t3 = filled.team_items[:3]
    s1, s2, s3 = filled.sales_items[:3]
    v1, v2 = filled.service_items[:2]
    with outside(board_path) as conn:
        conn.execute(
            "UPDATE items SET status = 'dropped', stakeholder_id = 9999 WHERE id = ?", (t1,)
        )
        conn.execute(
            "UPDATE items SET merged_into = ?, stakeholder_id = 9999 WHERE id = ?", (t3, t2)
        )
        conn.execute("UPDATE items SET merged_into = ?, block_id = 8888 WHERE id = ?", (t3, s1))
        conn.execute("UPDATE items SET block_id = 8888 WHERE id = ?", (s2,))  # on no column
        conn.execute("UPDATE items SET merged_into = ? WHERE id = ?", (s2, s3))  # under it
        conn.execute("UPDATE stakeholders SET archived = 1 WHERE id = ?", (filled.service,))
        conn.execute(
            "UPDATE items SET stakeholder_id = ? WHERE id IN (?, ?)",
            (filled.service + 0.5, v1, v2),
        )
    board = store.board(q)
    on_columns = {i.id for p, items in board.places.items() if board.shows(p) for i in items}
    under = {m.id for into, merged in board.merged.items() if into in on_columns for m in merged}
    everything = {
        row[0] for row in store.conn.execute("SELECT id FROM items WHERE quarter_id = ?", (q,))
    }
    named = {
        int(re.match(r"items row (\d+):", p).group(1))  # type: ignore[union-attr]
        for p in store.row_problems(q)
        if p.startswith("items row") and p.endswith("not shown")
    }
    assert {t1, t2, s1, v1, v2} <= on_columns | under
    assert named == everything - on_columns - under == {s2, s3}
    # (and counted as many: the exports' word says how many it left out)
    from planboard.core.dangling import not_shown

    assert sorted(not_shown(store.conn, q)) == sorted([s2, s3])


def test_what_a_stakeholder_sent_counts_the_items_the_board_shows(
    filled: Filled, board_path: Path
) -> None:
    """A request another program put in a block that is not there, or merged into one
    that is on no column, shows nowhere, and the exports leave it out; the count of
    what a stakeholder sent counted it all the same (the JSON's `cut_off` said 2 items
    beside 1 listed; the history, the report and the several-boards export alike)."""
    from planboard.core.export import export
    from planboard.core.history import coverage

    store, q = filled.store, filled.quarter_id
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.move_item(filled.service_items[0], Place.block(filled.block_b))
    store.start_meeting(q, backup=False)
    store.choose_block(filled.block_a, 1)
    store.decide(q, "Sales first.", "Ana")
    with outside(board_path) as conn:
        conn.execute("UPDATE items SET block_id = 8888 WHERE id = ?", (filled.service_items[1],))
        s1, s2 = filled.sales_items[1:3]
        conn.execute("UPDATE items SET block_id = 8888 WHERE id = ?", (s2,))
        conn.execute("UPDATE items SET merged_into = ? WHERE id = ?", (s2, s1))
    cut = {c.stakeholder.id: c.items for c in store.cut_off(q)}
    assert cut == {filled.service: 1}
    cover = coverage(store)
    assert cover.items[(filled.service, q)] == 1
    assert cover.items[(filled.sales, q)] == 1
    assert cover.cells[(filled.service, q)] == "cut"
    assert cover.cells[(filled.sales, q)] == "served"
    data = json.loads(export(store, q, "json"))
    listed = [i for i in data["items"] if i["stakeholder_id"] == filled.service]
    assert [c["items"] for c in data["cut_off"]] == [len(listed)] == [1]


def test_a_dropped_item_that_names_a_chosen_block_does_not_serve_its_stakeholder(
    filled: Filled, board_path: Path
) -> None:
    """A row another program wrote dropped and in a chosen block shows in the dropped
    area (the status wins, as everywhere on the board): its stakeholder, or one whose
    request is merged into it, is not served by it. They counted as served, and the
    decided view named them neither for the block nor cut off."""
    from planboard.core.history import coverage

    store, q = filled.store, filled.quarter_id
    store.move_item(filled.sales_items[0], Place.block(filled.block_a))
    store.start_meeting(q, backup=False)
    store.choose_block(filled.block_a, 1)
    store.decide(q, "Sales first.", "Ana")
    service, request = filled.service_items[0], filled.team_items[0]
    with outside(board_path) as conn:
        conn.execute("PRAGMA ignore_check_constraints = 1")  # (as another program may)
        conn.execute(
            "UPDATE items SET status = 'dropped', drop_reason = 'x', block_id = ? WHERE id = ?",
            (filled.block_a, service),
        )
        conn.execute(
            "UPDATE items SET stakeholder_id = ?, merged_into = ? WHERE id = ?",
            (filled.service, service, request),
        )
    assert store.item(service).place == Place.dropped()
    cut = {c.stakeholder.id for c in store.cut_off(q)}
    assert filled.service in cut
    assert coverage(store).cells[(filled.service, q)] == "cut"
    assert coverage(store).cells[(filled.sales, q)] == "served"
