"""Each place the board reads rows from by a lookup has an index: on a big board, an
action reads the rows of the places it touches, never the whole table."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Filled, statements_run, write_outside

from planboard.core import Place, Store

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

DROPPED_ROWS = (
    "SELECT id, place_position FROM items WHERE quarter_id = ? AND status = 'dropped' "
    "ORDER BY place_position, id"
)


def _plan(conn: sqlite3.Connection, sql: str, args: tuple[object, ...]) -> str:
    return " / ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, args))


def _scans(store: Store, action: Callable[[], object]) -> list[str]:
    """The statements `action` ran that read the whole items table."""
    scans = []
    for sql in statements_run(store, action):
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            plan = _plan(store.conn, sql, ())
            if "SCAN items" in plan:
                scans.append(f"{sql} → {plan}")
    return scans


def test_dropping_and_its_undo_read_the_dropped_items_by_index(filled: Filled) -> None:
    store, quarter, item = filled.store, filled.quarter_id, filled.team_items[0]
    # The statistics SQLite keeps of a board in use (`PRAGMA optimize` on closing): with
    # them, a lookup with no index of its own reads the whole table.
    store.conn.execute("ANALYZE")
    assert _scans(store, lambda: store.drop_item(item, "later")) == []
    assert _scans(store, lambda: store.undo(quarter)) == []
    assert _scans(store, lambda: store.redo(quarter)) == []
    assert _scans(store, lambda: store.restore_item(item)) == []


def _writes_scanning_events(store: Store, action: Callable[[], object]) -> list[str]:
    """The statements `action` ran that read the whole events table (reading the whole
    index of the redoable events reads only those)."""
    scans = []
    for sql in statements_run(store, action):
        if sql.lstrip().upper().startswith(("UPDATE", "DELETE", "SELECT")):
            plan = _plan(store.conn, sql, ())
            if "SCAN events" in plan and "SCAN events USING INDEX events_redoable" not in plan:
                scans.append(f"{sql} → {plan}")
    return scans


def _ending_the_redo(store: Store, action: Callable[[], object]) -> list[str]:
    """How the statements `action` ran that end the redo stack find the events."""
    return [
        _plan(store.conn, sql, ())
        for sql in statements_run(store, action)
        if sql.startswith("UPDATE events SET undone = 2")
    ]


def test_an_action_does_not_read_every_event_to_end_the_redo(filled: Filled) -> None:
    """Every action ends what could be redone (`undone = 1` becomes 2): by an index of
    the undone events, not by reading every event of the board, which grows with each
    action (3,000 events, 0.34 ms of every move at 50,000 items)."""
    store, quarter, item = filled.store, filled.quarter_id, filled.team_items[0]
    for n in range(30):  # a board with a history
        store.move_item(item, Place.block(filled.block_a) if n % 2 == 0 else Place.team())
    store.conn.execute("ANALYZE")
    assert (
        _writes_scanning_events(store, lambda: store.move_item(item, Place.block(filled.block_a)))
        == []
    )
    store.undo(quarter)
    assert _writes_scanning_events(store, lambda: store.drop_item(item, "later")) == []


def test_ending_the_redo_reads_only_the_redoable_events(sample_copy: Path) -> None:
    """With the statistics a new board comes with (one event, all of its quarter's),
    SQLite took the index of all of a quarter's events to end the redo: every move read
    every event of its quarter, one more with each move. (Another program writes before
    each move looked at: a move straight after another knows the redo stack is ended.)"""
    store = Store.open(sample_copy)
    try:
        quarter = store.default_quarter()
        board = store.board(quarter.id)
        item, block = board.items_at(Place.team())[0], board.blocks[0].id
        for n in range(30):  # a board with a history
            store.move_item(item.id, Place.block(block) if n % 2 == 0 else item.home)
        touch = "UPDATE quarters SET vision = vision || '.' WHERE id = ?"
        write_outside(sample_copy, touch, quarter.id)
        plans = _ending_the_redo(store, lambda: store.move_item(item.id, Place.block(block)))
        assert plans and all("events_redoable" in plan for plan in plans), plans
        store.conn.execute("ANALYZE")  # and with the statistics of a board in use
        write_outside(sample_copy, touch, quarter.id)
        plans = _ending_the_redo(store, lambda: store.move_item(item.id, item.home))
        assert plans and all("events_redoable" in plan for plan in plans), plans
    finally:
        store.close()


def test_the_dropped_items_are_read_in_their_order_by_index(store: Store) -> None:
    plan = _plan(store.conn, DROPPED_ROWS, (store.default_quarter().id,))
    assert "items_dropped" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize("version", [5, 8])
def test_an_upgraded_board_reads_its_dropped_items_by_index(tmp_path: Path, version: int) -> None:
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / f"schema-v{version}.db", path)
    store = Store.open(path)
    try:
        plan = _plan(store.conn, DROPPED_ROWS, (store.default_quarter().id,))
        assert "items_dropped" in plan, plan
    finally:
        store.close()


def _positions(store: Store, block: int) -> list[tuple[int, int | None]]:
    return store.conn.execute(
        "SELECT id, place_position FROM items WHERE block_id = ? ORDER BY place_position, id",
        (block,),
    ).fetchall()


def test_a_move_to_the_end_of_an_ordered_block_writes_only_the_item(filled: Filled) -> None:
    """Into a block numbered 0..n-1, to its end: the item gets n and no other row is
    read or written; out of it again, from the end, the others keep their numbers."""
    store, block = filled.store, filled.block_a
    for item in filled.team_items:
        store.move_item(item, Place.block(block))
    before = _positions(store, block)
    moved = filled.sales_items[0]
    ran = statements_run(store, lambda: store.move_item(moved, Place.block(block)))
    assert not [sql for sql in ran if "ORDER BY place_position" in sql]  # (not read)
    assert _positions(store, block) == [*before, (moved, len(before))]
    assert [sql for sql in ran if sql.startswith("UPDATE items")] == [
        sql for sql in ran if sql.startswith("UPDATE items") and f"WHERE id = {moved}" in sql
    ]
    store.move_item(moved, Place.of_list(filled.sales))
    assert _positions(store, block) == before


def _counted_in_the_index(store: Store, action: Callable[[], object]) -> list[str]:
    """The plans of the counts `action` made of a block or the dropped area (to find
    where a moved item ends up) that read rows besides their index."""
    plans = []
    for sql in statements_run(store, action):
        if "count(DISTINCT place_position)" in sql or "max(place_position)" in sql:
            plans.append(_plan(store.conn, sql, ()))
    assert plans, "no count of the place was made"
    return [plan for plan in plans if not _index_alone(plan)]


def _index_alone(plan: str) -> bool:
    """Each search of items in `plan` reads an index alone (or one row by its id: the
    item's own, to a place known to be in order)."""
    searches = [step for step in plan.split(" / ") if "items" in step]
    return all("COVERING INDEX" in s or "INTEGER PRIMARY KEY" in s for s in searches)


@pytest.mark.parametrize("version", [None, 10])
def test_a_move_counts_the_block_it_enters_and_leaves_in_the_index_alone(
    tmp_path: Path, filled: Filled, version: int | None
) -> None:
    """A move into a block, or out of it, counts the block's items to find the end (at
    50,000 items a block holds hundreds): from the index alone, whose rows say whether an
    item is dropped, never by reading each row (0.2 ms of a 0.5 ms move). The same on a
    board from before schema 11, upgraded. (Another program writes before each move: a
    move straight after another knows how many the block holds.)"""
    store, block, item = filled.store, filled.block_a, filled.team_items[0]
    if version is not None:
        path = tmp_path / "old.db"
        shutil.copyfile(FIXTURES / f"schema-v{version}.db", path)
        store = Store.open(path)
        board = store.board(store.default_quarter().id)
        block, item = board.blocks[0].id, board.items_at(Place.team())[0].id
    touch = "UPDATE quarters SET vision = vision || '.'"
    try:
        store.conn.execute("ANALYZE")
        assert _counted_in_the_index(store, lambda: store.move_item(item, Place.block(block))) == []
        write_outside(store.path, touch)
        assert _counted_in_the_index(store, lambda: store.move_item(item, Place.team())) == []
        assert _counted_in_the_index(store, lambda: store.drop_item(item, "later")) == []
    finally:
        if version is not None:
            store.close()


@pytest.mark.parametrize("damage", ["gap", "tie", "missing"])
def test_a_block_another_program_numbered_badly_is_put_in_order_by_a_move(
    filled: Filled, damage: str
) -> None:
    """A gap, a tie or a missing position in a block (another program): a move to its
    end, or out of it, numbers it 0..n-1 again, as before."""
    store, block = filled.store, filled.block_a
    for item in filled.team_items:
        store.move_item(item, Place.block(block))
    first, second, _ = filled.team_items
    value = {"gap": 7, "tie": 0, "missing": None}[damage]
    store.conn.execute("UPDATE items SET place_position = ? WHERE id = ?", (value, second))
    moved = filled.sales_items[0]
    store.move_item(moved, Place.block(block))
    assert [p for _, p in _positions(store, block)] == [0, 1, 2, 3]
    assert _positions(store, block)[-1][0] == moved
    store.conn.execute("UPDATE items SET place_position = ? WHERE id = ?", (value, second))
    store.move_item(first, Place.team())
    assert [p for _, p in _positions(store, block)] == [0, 1, 2]


BLOCK_ROWS = (
    "SELECT id, place_position FROM items WHERE block_id = ? AND status IS NOT 'dropped' "
    "ORDER BY place_position, id"
)


def test_a_blocks_items_are_read_in_their_order_by_index(store: Store) -> None:
    plan = _plan(store.conn, BLOCK_ROWS, (1,))
    assert "items_by_block" in plan and "TEMP B-TREE" not in plan, plan


def test_an_upgraded_board_keeps_the_statistics_of_the_indexes_it_rebuilt(
    tmp_path: Path,
) -> None:
    """Schema 11 rebuilds two indexes; a board that had SQLite's statistics of them
    (`PRAGMA optimize` on closing) has them again, or a lookup by block would read the
    quarter's items instead."""
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / "schema-v10.db", path)
    with sqlite3.connect(path) as conn:
        had = {row[0] for row in conn.execute("SELECT idx FROM sqlite_stat1")}
    assert {"items_by_block", "items_dropped"} <= had
    Store.open(path).close()
    with sqlite3.connect(path) as conn:
        has = {row[0] for row in conn.execute("SELECT idx FROM sqlite_stat1")}
    assert {"items_by_block", "items_dropped"} <= has
    assert "items_head_whose" in has  # (and schema 12's new index has its own)


def test_a_move_reads_its_quarter_and_its_block_once(filled: Filled) -> None:
    """The write transaction reads the quarters when it begins; the move's own check of
    its quarter, and its summary naming the block, use what was read already. A move
    straight after another, nothing written to the file between, reads neither again
    nor ends the redo stack again (the last move ended it); once another program has
    written, or this planboard something else, it does all of it again."""
    store, item, block = filled.store, filled.team_items[0], filled.block_a

    def work(target: Place) -> list[str]:
        ran = statements_run(store, lambda: store.move_item(item, target))
        kinds = {"quarters": "FROM quarters", "block": "FROM blocks", "end redo": "undone = 2"}
        return [kind for sql in ran for kind, marker in kinds.items() if marker in sql]

    assert work(Place.block(block)) == ["quarters", "block", "end redo"]
    assert work(Place.team()) == []
    assert work(Place.block(block)) == []
    write_outside(store.path, "UPDATE blocks SET name = 'Renamed' WHERE id = ?", block)
    assert work(Place.team()) == ["quarters", "end redo"]
    assert work(Place.block(block)) == ["block"]
    assert (
        store.undo_summary(filled.quarter_id) == "Moved “Single customer view” to block “Renamed”"
    )
    store.undo(filled.quarter_id)  # (this planboard's own write)
    assert store.redo_summary(filled.quarter_id) is not None
    assert work(Place.block(filled.block_b)) == ["quarters", "block", "end redo"]
    assert store.redo_summary(filled.quarter_id) is None


def test_moves_in_a_row_count_a_block_from_its_last_position(filled: Filled) -> None:
    """A block a move left in order is counted by the next move from its last position
    (the index's last entry), not entry by entry: nothing wrote to the file between."""
    store, block = filled.store, filled.block_a
    first, second, third = filled.team_items
    store.move_item(first, Place.block(block))
    for moved in (second, third):
        ran = statements_run(store, lambda moved=moved: store.move_item(moved, Place.block(block)))
        assert not [sql for sql in ran if "count(DISTINCT" in sql]
    assert _positions(store, block) == [(first, 0), (second, 1), (third, 2)]
    ran = statements_run(store, lambda: store.move_item(third, Place.team()))
    assert not [sql for sql in ran if "count(DISTINCT" in sql]
    assert _positions(store, block) == [(first, 0), (second, 1)]


@pytest.mark.parametrize("damage", ["gap", "tie", "missing"])
def test_a_block_another_connection_numbered_badly_between_moves_is_put_in_order(
    filled: Filled, damage: str
) -> None:
    """Between two moves another program (its own connection) leaves a gap, a tie or a
    missing position in the block the first move left in order: the second move sees
    it, and numbers the block 0..n-1 again."""
    store, block = filled.store, filled.block_a
    first, second, third = filled.team_items
    for item in (first, second):
        store.move_item(item, Place.block(block))
    other = sqlite3.connect(store.path)
    try:
        value = {"gap": 7, "tie": 0, "missing": None}[damage]
        other.execute("UPDATE items SET place_position = ? WHERE id = ?", (value, second))
        other.commit()
    finally:
        other.close()
    store.move_item(third, Place.block(block))
    assert [p for _, p in _positions(store, block)] == [0, 1, 2]
    assert _positions(store, block)[-1][0] == third
    store.move_item(second, Place.team())  # (the tie: it sorts after `first` by its id)
    assert [p for _, p in _positions(store, block)] == [0, 1]


def _head_counts(store: Store, quarter: int) -> list[str]:
    """The statements that count a big quarter's first screen (by owner; by width)."""
    from planboard.core.store import head

    def count() -> None:
        store._owners_counted(quarter)
        head._line_widths(store.conn, quarter)

    return [sql for sql in statements_run(store, count) if "GROUP BY g" in sql]


@pytest.mark.parametrize("statistics", ["none", "all", "before the upgrade"])
def test_a_big_quarters_count_by_owner_reads_its_index_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, statistics: str
) -> None:
    """The count a quarter of 5,000 items or more makes before its first frame, of how
    many items each place holds by owner, reads an index on the very number it groups
    by, in its order: no sort of the quarter's rows (at 50,000 items 37 ms of SQLite's
    work before, 7.5 after); and no other lookup of the head takes that index. With
    SQLite's statistics of the board, without any (SQLite would rather sort then), or
    with those of a board upgraded to it (none for the new index: SQLite then takes it
    for the best, and with the quarter first, it read the head of a block, sorted)."""
    from planboard.core.sample import generate_board
    from planboard.core.store import head

    monkeypatch.setattr(head, "HEAD_FROM", 1000)  # (1,200 items read as a big quarter)
    path = tmp_path / "big.db"
    generate_board(path, items=1200, stakeholders=8, blocks=5)
    with sqlite3.connect(path) as conn:
        if statistics == "none":
            conn.execute("DROP TABLE IF EXISTS sqlite_stat1")
        else:
            conn.execute("ANALYZE")
            if statistics == "before the upgrade":
                conn.execute("DELETE FROM sqlite_stat1 WHERE idx LIKE 'items_head%'")
    with Store.open(path) as store:
        quarter = store.default_quarter().id
        whose, widths = _head_counts(store, quarter)
        plan = _plan(store.conn, whose, ())
        assert "items_head_whose" in plan and "TEMP B-TREE" not in plan, plan
        assert "items_head" not in _plan(store.conn, widths, ())
        # No other lookup of the head takes it for its own (each has its index, and
        # reads in its order).
        heads = [
            sql
            for sql in statements_run(store, lambda: store.first_screen(quarter, 40))
            if sql.startswith("SELECT") and "LIMIT" in sql and "ORDER BY" in sql
        ]
        assert len(heads) >= 4, heads  # (the team, a list, a block, the dropped ones)
        for sql in heads:
            plan = _plan(store.conn, sql, ())
            assert "items_head" not in plan and "TEMP B-TREE" not in plan, (sql, plan)


def test_the_count_by_owner_is_made_without_its_index_where_the_file_has_none(
    tmp_path: Path,
) -> None:
    """Another program dropped the index: the count is made as before, and the same."""
    from planboard.core.sample import generate_board

    path = tmp_path / "big.db"
    generate_board(path, items=300, stakeholders=4, blocks=3)
    with Store.open(path) as store:
        quarter = store.default_quarter().id
        before = store._owners_counted(quarter)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX items_head_whose")
    with Store.open(path) as store:
        assert store._owners_counted(quarter) == before


def test_an_effort_written_by_another_sqlite_leaves_the_file_whole(tmp_path: Path) -> None:
    """The file's indexes hold only what every SQLite version works out alike. A number
    made with `printf('%g', effort)` (the line's width) differs for some efforts between
    SQLite 3.40 and 3.43+: in an index, an item another SQLite wrote went missing from
    it, and planboard's next edit of it failed ("database disk image is malformed").
    Here the other SQLite is a connection whose `printf` formats as 3.43+ does."""
    from planboard.core.sample import generate_board

    path = tmp_path / "b.db"
    generate_board(path, items=60, stakeholders=3, blocks=2)
    with sqlite3.connect(path) as conn:
        item = conn.execute("SELECT min(id) FROM items").fetchone()[0]
    other = sqlite3.connect(path, isolation_level=None)
    other.create_function("printf", -1, lambda fmt, *args: fmt % args, deterministic=True)
    assert other.execute("SELECT printf('%g', 0.4161995)").fetchone()[0] == "0.4162"
    other.execute("UPDATE items SET effort = 0.4161995 WHERE id = ?", (item,))  # (in range)
    other.close()
    with Store.open(path) as store:
        store.edit_item(item, title="Renamed in planboard")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_a_board_of_schema_11_gets_the_head_indexes_and_keeps_its_items(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / "schema-v11.db", path)
    with sqlite3.connect(path) as conn:
        items = conn.execute("SELECT * FROM items ORDER BY id").fetchall()
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == 12
        names = {row[0] for row in store.conn.execute("SELECT name FROM sqlite_master")}
        assert "items_head_whose" in names and "items_head_widths" not in names
        assert store.conn.execute("SELECT * FROM items ORDER BY id").fetchall() == items
        assert len(_head_counts(store, store.default_quarter().id)) == 2


def test_a_quarter_that_is_most_of_the_file_is_read_whole_with_the_table_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole board of a quarter that holds most of the file's items is read with
    the table, in order: through the quarter's index each row was a lookup by its id
    (at 50,000 items 185 ms, against 145). A quarter that is a small part of a bigger
    file is read through its index. The board is the same either way."""
    from planboard.core.sample import generate_board
    from planboard.core.store import reading

    path = tmp_path / "one.db"
    generate_board(path, items=600, stakeholders=6, blocks=4)
    with Store.open(path) as store:
        quarter = store.default_quarter().id

        def read() -> str:
            found = [sql for sql in statements_run(store, lambda: store.board(quarter))]
            items = [sql for sql in found if "FROM items" in sql and "ORDER BY position" in sql]
            assert len(items) == 1
            return f"{items[0]} → {_plan(store.conn, items[0], ())}"

        assert "NOT INDEXED" in read() and "SCAN items" in read()
        whole = store.board(quarter)
        share = reading.READ_WHOLE_FROM
        monkeypatch.setattr(reading, "READ_WHOLE_FROM", 2.0)  # (never the table)
        assert "NOT INDEXED" not in read() and "USING INDEX" in read()
        assert store.board(quarter) == whole
        monkeypatch.setattr(reading, "READ_WHOLE_FROM", share)
        # The same items five times more in other quarters: this one is a sixth.
        columns = [row[1] for row in store.conn.execute("PRAGMA table_info(items)")]
        rest = ", ".join(c for c in columns if c not in ("id", "quarter_id"))
        for n in range(5):
            other = store.create_quarter(f"{2031 + n}-Q1").quarter_id
            conn = sqlite3.connect(path)
            conn.execute(
                f"INSERT INTO items (quarter_id, {rest}) "
                f"SELECT ?, {rest} FROM items WHERE quarter_id = ?",
                (other, quarter),
            )
            conn.commit()
            conn.close()
        assert "NOT INDEXED" not in read() and "USING INDEX" in read()
        assert store.board(quarter) == whole


def test_the_vectors_of_a_quarter_that_is_most_of_the_file_are_read_in_the_tables_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stored meaning vectors of a quarter that holds most of the file's items are
    read with the items table in order, each vector found by its item's id: through
    the quarter's index the items come in their lists' order, and each vector was a
    lookup somewhere else in the file (at 50,000 items 105 ms, against 44). A quarter
    that is a small part of a bigger file is read through its index. The same vectors
    either way."""
    from planboard.core.sample import generate_board
    from planboard.core.store import reading

    path = tmp_path / "one.db"
    generate_board(path, items=600, stakeholders=6, blocks=4)
    with Store.open(path) as store:
        quarter = store.default_quarter().id
        ids = [i.id for items in store.board(quarter).places.values() for i in items]
        store.save_item_vectors([(i, f"h{i}", i.to_bytes(4, "big")) for i in ids])
        store.add_stakeholder("Someone", quarter_id=quarter)  # (a write: the vectors go in)
        store.flush_item_vectors(len(ids))
        assert not store.vectors_held

        def read() -> str:
            found = statements_run(store, lambda: store.item_vectors(quarter))
            vectors = [sql for sql in found if "item_vectors" in sql]
            assert len(vectors) == 1
            return f"{vectors[0]} → {_plan(store.conn, vectors[0], ())}"

        expected = {i: (f"h{i}", i.to_bytes(4, "big")) for i in ids}
        assert "NOT INDEXED" in read() and "SCAN i" in read()
        assert dict(store.item_vectors(quarter)) == expected
        monkeypatch.setattr(reading, "READ_WHOLE_FROM", 2.0)  # (never the table)
        assert "NOT INDEXED" not in read() and "INDEX items_by" in read()
        assert dict(store.item_vectors(quarter)) == expected
