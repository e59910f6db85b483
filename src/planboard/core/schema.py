"""The board file's schema and its ordered migrations.

The schema version lives in `PRAGMA user_version`; `PRAGMA application_id` marks the
file as a planboard board, so that any other SQLite file is refused untouched. Each
migration runs in its own `BEGIN IMMEDIATE` transaction together with the version bump,
and re-reads the version inside that transaction, so two processes opening an old file
at once apply it exactly once.

Changes to existing tables go through sqlite-utils' table API (`add_column`,
`create_index`, `transform`); SQL is written where the API can't say it: new tables with
CHECKs, composite UNIQUE constraints or AUTOINCREMENT, a column with a CHECK, a NOCASE
column kept as it is, and data moved by an UPDATE.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .record import Frozen, set_field

if TYPE_CHECKING:
    from sqlite_utils import Database

APPLICATION_ID = 0x506C4264  # "PlBd"


class Migration(Frozen):
    __slots__ = ("apply", "name", "version")
    version: int
    name: str
    apply: Callable[[Database], None]

    def __init__(self, version: int, name: str, apply: Callable[[Database], None]) -> None:
        set_field(self, "version", version)
        set_field(self, "name", name)
        set_field(self, "apply", apply)


def _v1_initial(db: Database) -> None:
    """The first schema: quarters and stakeholders, blocks and items, decisions and the
    event log (the undo history), and the mark that says the file is a board."""
    _v1_quarters_and_stakeholders(db)
    _v1_blocks_and_items(db)
    _v1_decisions_and_events(db)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _v1_quarters_and_stakeholders(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE quarters (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL DEFAULT 'preparing'
                CHECK (status IN ('preparing', 'live', 'decided')),
            vision TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE stakeholders (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            department TEXT NOT NULL DEFAULT '',
            archived INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        )
        """
    )


def _v1_blocks_and_items(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE blocks (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            quarter_id INTEGER NOT NULL REFERENCES quarters(id),
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            effort REAL,
            position INTEGER NOT NULL,
            chosen_rank INTEGER CHECK (chosen_rank IN (1, 2)),
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE items (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            quarter_id INTEGER NOT NULL REFERENCES quarters(id),
            stakeholder_id INTEGER REFERENCES stakeholders(id),
            title TEXT NOT NULL,
            notes TEXT NOT NULL DEFAULT '',
            effort REAL,
            block_id INTEGER REFERENCES blocks(id),
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dropped')),
            drop_reason TEXT,
            position INTEGER NOT NULL,
            place_position INTEGER,
            created_at TEXT NOT NULL,
            CHECK (status = 'open' OR block_id IS NULL)
        )
        """
    )
    db.execute("CREATE INDEX items_by_list ON items(quarter_id, stakeholder_id, position)")
    db.execute("CREATE INDEX items_by_block ON items(block_id, place_position)")
    db.execute("CREATE INDEX blocks_by_quarter ON blocks(quarter_id, position)")


def _v1_decisions_and_events(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE decisions (
            quarter_id INTEGER PRIMARY KEY REFERENCES quarters(id),
            decided_at TEXT NOT NULL,
            rationale TEXT NOT NULL,
            attendees TEXT NOT NULL DEFAULT ''
        )
        """
    )
    db.execute(
        """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            quarter_id INTEGER,
            action TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            payload TEXT NOT NULL DEFAULT '{}',
            undone INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("CREATE INDEX events_by_quarter ON events(quarter_id, id)")


def _v2_meetings(db: Database) -> None:
    """The planning event: its settings, who is present, and their dot votes."""
    db.execute(
        """
        CREATE TABLE meetings (
            quarter_id INTEGER PRIMARY KEY REFERENCES quarters(id),
            started_at TEXT NOT NULL,
            ended_at TEXT,
            dot_budget INTEGER NOT NULL DEFAULT 3 CHECK (dot_budget BETWEEN 1 AND 99),
            tally_hidden INTEGER NOT NULL DEFAULT 1,
            timebox_minutes INTEGER NOT NULL DEFAULT 45
                CHECK (timebox_minutes BETWEEN 1 AND 600),
            timer_remaining REAL,
            timer_started_at TEXT,
            backup_path TEXT NOT NULL DEFAULT ''
        )
        """
    )
    db.execute(
        """
        CREATE TABLE attendance (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            quarter_id INTEGER NOT NULL REFERENCES quarters(id),
            stakeholder_id INTEGER NOT NULL REFERENCES stakeholders(id),
            UNIQUE (quarter_id, stakeholder_id)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE votes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            quarter_id INTEGER NOT NULL REFERENCES quarters(id),
            stakeholder_id INTEGER NOT NULL REFERENCES stakeholders(id),
            block_id INTEGER NOT NULL REFERENCES blocks(id),
            dots INTEGER NOT NULL CHECK (dots > 0),
            UNIQUE (stakeholder_id, block_id)
        )
        """
    )
    db.table("votes").create_index(["quarter_id", "block_id"], index_name="votes_by_quarter")


def _v3_links(db: Database) -> None:
    """Links between items: merged near-duplicates, and what a quarter carried over.
    `add_column` with `fk` adds the foreign key by rebuilding the table (`transform`,
    which keeps the rows, indexes and AUTOINCREMENT counters)."""
    db.table("items").add_column("merged_into", int, fk="items", fk_col="id")
    db.table("items").add_column("carried_from", int, fk="items", fk_col="id")
    db.table("blocks").add_column("carried_from", int, fk="blocks", fk_col="id")
    db.table("items").create_index(["merged_into"], index_name="items_by_survivor")


def _v4_choices(db: Database) -> None:
    """Choices made during the event are held in `blocks.choice`; `chosen_rank` is set
    only when the decision is confirmed. Choices made before this version on a quarter
    that is not decided move from `chosen_rank` to `choice`. (`add_column` has no
    CHECK: the column is added in SQL.)"""
    db.execute("ALTER TABLE blocks ADD COLUMN choice INTEGER CHECK (choice IN (1, 2))")
    db.execute("UPDATE blocks SET choice = chosen_rank WHERE chosen_rank IS NOT NULL")
    db.execute(
        "UPDATE blocks SET chosen_rank = NULL WHERE chosen_rank IS NOT NULL AND quarter_id IN "
        "(SELECT id FROM quarters WHERE status != 'decided')"
    )


def _v5_settings(db: Database) -> None:
    """Board-wide settings as key/value rows, and the board's own identity: a random id
    written once, copied into every backup, so a backup names the board it came from."""
    db.execute(
        """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL DEFAULT ''
        )
        """
    )
    db.execute(
        "INSERT OR IGNORE INTO settings (key, value) "
        "VALUES ('board_id', lower(hex(randomblob(16))))"
    )


def _v7_matching(db: Database) -> None:
    """What the matcher keeps: each item's meaning vector (keyed by a hash of its title
    and the model, so an edited title is embedded again), and the pairs the data lead
    said are not the same (never suggested again; undoable like any action)."""
    db.execute(
        """
        CREATE TABLE item_vectors (
            item_id INTEGER PRIMARY KEY,
            hash TEXT NOT NULL,
            vector BLOB NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE rejected_pairs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            quarter_id INTEGER NOT NULL,
            first_id INTEGER NOT NULL,
            second_id INTEGER NOT NULL,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
            CHECK (first_id < second_id),
            UNIQUE (first_id, second_id)
        )
        """
    )


NOW = "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
"""SQLite's own clock, as planboard writes times: the default of every time column."""

# What v6 gives a default (or lets be NULL: a position is filled in when the board
# loads), so that a plain INSERT of the columns the README documents is a whole row.
_V6_DEFAULTS: dict[str, dict[str, str]] = {
    "quarters": {"created_at": NOW},
    "items": {"created_at": NOW},
    "blocks": {"created_at": NOW},
    "decisions": {"decided_at": NOW},
    "meetings": {"started_at": NOW},
    "events": {"at": NOW},
}
_V6_NULLABLE = {"items": "position", "blocks": "position"}

V6_INDEXES: dict[str, tuple[str, str]] = {
    "items_by_stakeholder": ("items", "stakeholder_id"),
    "items_by_carried_from": ("items", "carried_from"),
    "blocks_by_carried_from": ("blocks", "carried_from"),
    "votes_by_block": ("votes", "block_id"),
    "attendance_by_stakeholder": ("attendance", "stakeholder_id"),
}
"""Every foreign key has an index to look it up (deleting a row checks the rows that
point at it: without one, each check reads the whole table)."""


@contextmanager
def _counters_kept(db: Database) -> Iterator[None]:
    """Tables rebuilt inside by hand keep their AUTOINCREMENT counters (`transform`
    keeps them itself): a rebuilt table starts its counter at its highest id, and ids of
    rows deleted since (which undo can bring back) must never be handed out again."""
    counters = dict(db.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
    yield
    for name, seq in counters.items():
        db.execute("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?", (seq, name))
        db.execute(
            "INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)",
            (name, seq, name),
        )


def _v6_defaults(db: Database) -> None:
    """Defaults for every bookkeeping column, positions that may be left out, and an
    index behind every foreign key. Changing a column's default or NOT NULL needs a new
    table: sqlite-utils' `transform` builds it, keeping the foreign keys, CHECKs, indexes,
    rows and the AUTOINCREMENT counters."""
    for table, defaults in _V6_DEFAULTS.items():
        nullable = _V6_NULLABLE.get(table)
        db.table(table).transform(
            defaults=defaults,
            not_null={nullable: False} if nullable else None,
        )
    with _counters_kept(db):
        _v6_stakeholders(db)
    for name, (table, column) in V6_INDEXES.items():
        db.table(table).create_index([column], index_name=name, if_not_exists=True)


def _v6_stakeholders(db: Database) -> None:
    """`stakeholders` rebuilt in SQL: `transform` would move the name's NOCASE collation
    from the column to its UNIQUE constraint, and names would compare by case."""
    db.execute(
        f"""
        CREATE TABLE stakeholders_v6 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            department TEXT NOT NULL DEFAULT '',
            archived INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL DEFAULT ({NOW})
        )
        """
    )
    db.execute(
        "INSERT INTO stakeholders_v6 (id, name, department, archived, created_at) "
        "SELECT id, name, department, archived, created_at FROM stakeholders"
    )
    db.execute("DROP TABLE stakeholders")
    db.execute("ALTER TABLE stakeholders_v6 RENAME TO stakeholders")


def _v8_colours(db: Database) -> None:
    """Each stakeholder's colour, stored so that it never changes when someone is added:
    the existing ones get the palette in the order they were added."""
    from .model import STAKEHOLDER_COLOURS

    db.table("stakeholders").add_column("colour", str, not_null_default="")
    ids = [row[0] for row in db.execute("SELECT id FROM stakeholders ORDER BY id")]
    for index, stakeholder_id in enumerate(ids):
        db.execute(
            "UPDATE stakeholders SET colour = ? WHERE id = ?",
            (STAKEHOLDER_COLOURS[index % len(STAKEHOLDER_COLOURS)], stakeholder_id),
        )


def _v9_dropped_index(db: Database) -> None:
    """The dropped items of a quarter, in their order, by an index of their own (a drop,
    or its undo, read the whole items table to renumber them: 50 ms at 50,000 items)."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS items_dropped "
        "ON items(quarter_id, place_position) WHERE status = 'dropped'"
    )


def _v10_redo_index(db: Database) -> None:
    """The events that can be redone, by an index of their own: every action ends what
    could be redone, and read every event of the board to find them (the board's
    history grows with each action: 0.34 ms of every move with 3,000 events)."""
    db.execute("CREATE INDEX IF NOT EXISTS events_redoable ON events(quarter_id) WHERE undone = 1")


def _v11_status_indexed(db: Database) -> None:
    """A block's items, and the dropped ones, by indexes that hold their status: a move
    into a block or out of it, and a drop or a restore, count the place's items to find
    its end, and read each row for its status (0.2 ms of a 0.5 ms move, a block of 437
    items at 50,000; 5,000 rows for a drop)."""
    db.execute("DROP INDEX IF EXISTS items_by_block")
    # (`id` before `status`: a block's items are read in the order of their position,
    # then id, from the index alone, without sorting.)
    db.execute("CREATE INDEX items_by_block ON items(block_id, place_position, id, status)")
    db.execute("DROP INDEX IF EXISTS items_dropped")
    db.execute(
        "CREATE INDEX items_dropped ON items(quarter_id, status, place_position) "
        "WHERE status = 'dropped'"
    )
    # A board with SQLite's statistics (`PRAGMA optimize` on closing) lost those of the
    # two indexes with them: without them, a lookup by block reads the quarter instead.
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        db.execute("ANALYZE items_by_block")
        db.execute("ANALYZE items_dropped")


def _v12_head_indexes(db: Database) -> None:
    """The count a big quarter's first screen makes of how many items each place holds,
    by owner, by an index on the number it groups by: read in order, without sorting
    the quarter's rows (37 ms of SQLite's work before the first frame at 50,000 items,
    7.5 with it)."""
    from .store.head import HEAD_INDEXES

    # (An index by line width was tried, and dropped: its number is not the same in
    # every SQLite version, and a row another SQLite wrote would be missing from it.)
    db.execute("DROP INDEX IF EXISTS items_head_widths")
    for name, definition in HEAD_INDEXES.items():
        db.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")
        # (A board with SQLite's statistics gets theirs: an index without any is taken
        # for a better one than it is.)
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            db.execute(f"ANALYZE {name}")


MIGRATIONS: list[Migration] = [
    Migration(1, "initial schema", _v1_initial),
    Migration(2, "planning event: meetings, attendance, votes", _v2_meetings),
    Migration(3, "merged and carried-over items", _v3_links),
    Migration(4, "choices held apart from the confirmed decision", _v4_choices),
    Migration(5, "board settings and the board's identity", _v5_settings),
    Migration(6, "defaults for bookkeeping columns, indexes on foreign keys", _v6_defaults),
    Migration(7, "meaning vectors and pairs rejected as not the same", _v7_matching),
    Migration(8, "stakeholder colours kept in the file", _v8_colours),
    Migration(9, "an index of each quarter's dropped items", _v9_dropped_index),
    Migration(10, "an index of the events that can be redone", _v10_redo_index),
    Migration(11, "block and dropped items indexed with their status", _v11_status_indexed),
    Migration(12, "an index for the count of a big quarter's first screen", _v12_head_indexes),
]

SCHEMA_VERSION = MIGRATIONS[-1].version

BOARD_TABLES = frozenset({"quarters", "stakeholders", "items", "blocks", "decisions", "events"})
"""The tables every board has had since version 1 (later ones arrive by migration)."""
