"""Schema v6: defaults for every bookkeeping column, so that rows inserted by another
program with the README's columns are whole rows the board shows; an index behind every
foreign key; the table rebuilds keep constraints, indexes, rows and counters."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Filled, assert_consistent

from planboard.core import Place, Store
from planboard.core.schema import SCHEMA_VERSION, V6_INDEXES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def schema_facts(conn: sqlite3.Connection) -> dict[str, object]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        "foreign_keys": {
            t: sorted(r[2:5] for r in conn.execute(f"PRAGMA foreign_key_list({t})")) for t in tables
        },
        "indexes": {
            r[0]: r[1]
            for r in conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'")
        },
        "checks": {
            t: conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (t,))
            .fetchone()[0]
            .count("CHECK")
            for t in tables
        },
    }


@pytest.fixture
def v5_board(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / "schema-v5.db", path)
    return path


def test_upgrade_keeps_foreign_keys_checks_indexes_and_counters(v5_board: Path) -> None:
    with raw(v5_board) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
        # the newest item and stakeholder are deleted: their ids must never come back
        conn.execute("DELETE FROM items WHERE id = (SELECT MAX(id) FROM items)")
        before = schema_facts(conn)
        counters = dict(conn.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
        highest = conn.execute("SELECT MAX(id) FROM items").fetchone()[0]
    assert counters["items"] > highest
    store = Store.open(v5_board)
    try:
        conn = store.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 6
        after = schema_facts(conn)
        old = set(before["foreign_keys"])  # type: ignore[call-overload]
        # (later versions add tables: the ones v5 had keep their keys and checks)
        for fact in ("foreign_keys", "checks"):
            kept = {t: v for t, v in after[fact].items() if t in old}  # type: ignore[attr-defined]
            assert kept == before[fact], fact
        assert set(before["indexes"]) <= set(after["indexes"])  # type: ignore[arg-type]
        assert set(V6_INDEXES) <= set(after["indexes"])  # type: ignore[arg-type]
        assert dict(conn.execute("SELECT name, seq FROM sqlite_sequence").fetchall()) == counters
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        q = store.default_quarter().id
        # the CHECKs still refuse what they refused
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("UPDATE items SET status = 'lost' WHERE quarter_id = ?", (q,))
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("UPDATE blocks SET choice = 3 WHERE quarter_id = ?", (q,))
        # the stakeholder's name is still unique ignoring case, and compared so
        name = store.stakeholders()[0].name
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO stakeholders (name) VALUES (?)", (name.upper(),))
        assert (
            conn.execute(
                "SELECT COUNT(*) FROM stakeholders WHERE name = ?", (name.lower(),)
            ).fetchone()[0]
            == 1
        )
        # a new item gets a fresh id, not the deleted one
        new = store.add_item(q, None, "After the upgrade").item_id
        assert new == counters["items"] + 1
    finally:
        store.close()


def test_every_foreign_key_has_an_index(store: Store) -> None:
    conn = store.conn
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for table in tables:
        leading = set()
        for (index,) in conn.execute("SELECT name FROM pragma_index_list(?)", (table,)).fetchall():
            first = conn.execute(
                "SELECT name FROM pragma_index_info(?) WHERE seqno = 0", (index,)
            ).fetchone()
            if first:
                leading.add(first[0])
        pk = {r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[5] == 1}
        for fk in conn.execute(f"PRAGMA foreign_key_list({table})"):
            column = fk[3]
            assert column in leading | pk, f"{table}.{column} has no index"


def test_plain_inserts_of_the_documented_columns_show_on_the_board(
    filled: Filled, board_path: Path
) -> None:
    store, q = filled.store, filled.quarter_id
    with raw(board_path) as conn:  # foreign keys off, as any program's default
        conn.execute(
            "INSERT INTO items (quarter_id, stakeholder_id, title) VALUES (?, ?, 'Pasted by hand')",
            (q, filled.sales),
        )
        conn.execute(
            "INSERT INTO items (quarter_id, title, notes) VALUES (?, 'Team idea', 'n')", (q,)
        )
        conn.execute("INSERT INTO blocks (quarter_id, name) VALUES (?, 'Outside block')", (q,))
        conn.execute("INSERT INTO stakeholders (name, department) VALUES ('CFO', 'Finance')")
        conn.execute("INSERT INTO quarters (name) VALUES ('2026-Q4')")
    change = store.tidy(q)
    assert change is not None and change.action == "tidy"
    board = store.board(q)
    assert [i.title for i in board.items_at(Place.of_list(filled.sales))][-1] == "Pasted by hand"
    assert [i.title for i in board.items_at(Place.team())][-1] == "Team idea"
    assert [b.name for b in board.blocks][-1] == "Outside block"
    assert "CFO" in [s.name for s in board.stakeholders]
    assert "2026-Q4" in [x.name for x in store.quarters()]
    stamps = store.conn.execute(
        "SELECT created_at FROM items WHERE title IN ('Pasted by hand', 'Team idea')"
    ).fetchall()
    assert all(s[0].endswith("Z") and s[0][:2] == "20" for s in stamps)
    assert_consistent(store)
    assert store.row_problems(q) == []
    # undo steps over the tidying: it takes back the last action of planboard's own
    assert store.undo(q).summary.startswith("Undid: Created block")
    assert_consistent(store)


def test_sqlite_utils_insert_shows_on_the_board(filled: Filled, board_path: Path) -> None:
    store, q = filled.store, filled.quarter_id
    rows = [
        {"quarter_id": q, "stakeholder_id": filled.service, "title": "From sqlite-utils"},
        {"quarter_id": q, "stakeholder_id": filled.service, "title": "And another", "effort": 3},
    ]
    cli = Path(sys.executable).with_name("sqlite-utils")
    if cli.exists():
        subprocess.run(
            [str(cli), "insert", str(board_path), "items", "-"],
            input=json.dumps(rows),
            text=True,
            check=True,
            capture_output=True,
            timeout=60,
        )
    else:  # the library itself, as the command would call it
        from sqlite_utils import Database

        Database(board_path)["items"].insert_all(rows)
    from sqlite_utils import Database

    Database(board_path)["blocks"].insert({"quarter_id": q, "name": "Via the library"})
    store.tidy(q)
    board = store.board(q)
    titles = [i.title for i in board.items_at(Place.of_list(filled.service))]
    assert titles[-2:] == ["From sqlite-utils", "And another"]
    assert board.items_at(Place.of_list(filled.service))[-1].effort == 3
    assert [b.name for b in board.blocks][-1] == "Via the library"
    assert_consistent(store)


def test_a_read_only_board_shows_rows_without_positions_last(
    filled: Filled, board_path: Path
) -> None:
    store, q = filled.store, filled.quarter_id
    store.close()
    with raw(board_path) as conn:
        conn.execute("INSERT INTO items (quarter_id, title) VALUES (?, 'No position')", (q,))
    with Store.open(board_path, readonly=True) as viewer:
        assert viewer.tidy(q) is None  # nothing is written
        assert [i.title for i in viewer.board(q).items_at(Place.team())][-1] == "No position"
