"""Every way to a schema-v11 file ends with the same schema: a new board, an upgrade from
each earlier version, and the sample board as it was built and committed (by the
migrations as they were then). The migrations' SQL text may differ (sqlite-utils quotes
names its own way); what the file holds may not: tables, columns with their types,
defaults and NOT NULL, keys, CHECKs, collations, indexes and AUTOINCREMENT."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import SAMPLE

from planboard.core import Store
from planboard.core.schema import MIGRATIONS, SCHEMA_VERSION

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _table_sql(sql: str) -> str:
    """A CREATE TABLE statement without its quoting and spacing."""
    sql = re.sub(r'[\[\]"`]', "", sql)
    sql = re.sub(r"\s+", " ", sql)
    return re.sub(r"\s*([(),])\s*", r"\1", sql).strip()


def schema(path: Path) -> dict[str, object]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = sorted(
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        )
        facts: dict[str, object] = {"version": conn.execute("PRAGMA user_version").fetchone()}
        for table in tables:
            (sql,) = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone()
            indexes = {}
            for _seq, name, unique, origin, partial in conn.execute(f"PRAGMA index_list({table})"):
                columns = [row[2] for row in conn.execute(f"PRAGMA index_info({name})")]
                # SQLite names the indexes behind UNIQUE constraints after the table's
                # position among the file's tables: their columns are what counts.
                key = name if origin == "c" else f"{origin}:{','.join(columns)}"
                indexes[key] = (unique, origin, partial, columns)
            facts[table] = {
                "sql": _table_sql(sql),
                "columns": conn.execute(f"PRAGMA table_xinfo({table})").fetchall(),
                "foreign_keys": sorted(conn.execute(f"PRAGMA foreign_key_list({table})")),
                "indexes": indexes,
            }
        return facts
    finally:
        conn.close()


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    path = tmp_path_factory.mktemp("fresh") / "new.db"
    Store.open(path).close()
    return schema(path)


def test_a_new_board_has_the_schema_the_committed_sample_was_built_with(
    tmp_path: Path, fresh: dict[str, object]
) -> None:
    path = tmp_path / "sample.db"
    shutil.copyfile(SAMPLE, path)  # reading a board in WAL mode leaves files beside it
    assert fresh == schema(path)


@pytest.mark.parametrize("version", [1, 2, 3, 4, 5, 8, 9, 10, 11])
def test_an_upgraded_board_has_a_new_boards_schema(
    tmp_path: Path, fresh: dict[str, object], version: int
) -> None:
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / f"schema-v{version}.db", path)
    Store.open(path).close()
    assert schema(path) == fresh


def test_the_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))


@pytest.mark.parametrize("version", [1, 2, 5])
def test_upgrades_keep_the_autoincrement_counters(tmp_path: Path, version: int) -> None:
    """Tables rebuilt by an upgrade (v3 adds columns with foreign keys, v6 changes
    defaults) keep their counters: the ids of deleted rows, which undo can bring back,
    are never handed out again."""
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / f"schema-v{version}.db", path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for table in ("items", "blocks", "stakeholders"):
            conn.execute(f"DELETE FROM {table} WHERE id = (SELECT MAX(id) FROM {table})")
        counters = dict(conn.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
    finally:
        conn.close()
    store = Store.open(path)
    try:
        kept = dict(store.conn.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
    finally:
        store.close()
    assert {name: kept.get(name) for name in counters} == counters


def test_an_upgrade_that_fails_is_undone_and_says_why(tmp_path: Path) -> None:
    """A row an upgrade step can't take (a list position another tool left empty, in a
    table rebuilt without NOT NULL): a message that names the step, not a traceback;
    the upgrade is undone, every row kept, the file still at its version."""
    from planboard.core.errors import BoardFileError

    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / "schema-v1.db", path)
    conn = sqlite3.connect(path, isolation_level=None)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(items)")]
    conn.executescript(
        "PRAGMA foreign_keys = OFF; BEGIN;"
        f"CREATE TABLE loose ({', '.join(columns)});"
        "INSERT INTO loose SELECT * FROM items; DROP TABLE items;"
        "ALTER TABLE loose RENAME TO items;"
        "UPDATE items SET position = NULL WHERE id = (SELECT min(id) FROM items); COMMIT;"
    )
    before = conn.execute("SELECT * FROM items ORDER BY id").fetchall()
    conn.close()
    with pytest.raises(BoardFileError) as refused:
        Store.open(path)
    assert "could not be upgraded" in str(refused.value)
    assert "undone" in str(refused.value)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT * FROM items ORDER BY id").fetchall() == before
    finally:
        conn.close()
