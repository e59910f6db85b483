"""Reading the board: quarters, stakeholders, blocks, items, the event log, settings."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from ..errors import CorruptBoardError, NotFoundError, ReadOnlyError
from ..model import (
    IN_BLOCK,
    ON_LIST,
    Block,
    Board,
    Decision,
    Event,
    Item,
    Meeting,
    Place,
    Quarter,
    Stakeholder,
)
from ..rows import (
    BLOCK_COLUMNS,
    DECISION_COLUMNS,
    EVENT_COLUMNS,
    FAR,
    ITEM_COLUMNS,
    MAX_TIMEBOX_S,
    MEETING_COLUMNS,
    QUARTER_COLUMNS,
    STAKEHOLDER_COLUMNS,
    dots_each,
    integer,
    seconds,
    timebox_minutes,
    utc_stamp,
)
from ..rules import why_read_only
from ..text import clean_line, name_order
from .core import StoreCore, _event, _reads

# A quarter that holds at least this share of the file's items is read with the whole
# table, in order (`most_of_the_file`): through the quarter's index, each row is a
# lookup by its id. At 50,000 items in one quarter, the whole board's read took 185 ms
# through the index and 145 through the table, the first screen's count by width 120
# and 75; with four such quarters in the file, 120 and 87. A smaller share: the index.
READ_WHOLE_FROM = 0.2


def most_of_the_file(conn: sqlite3.Connection, quarter_id: int) -> bool:
    """Whether the quarter holds `READ_WHOLE_FROM` of the file's items or more (two
    counts of an index: a millisecond at 50,000 items)."""
    mine, every = conn.execute(
        "SELECT (SELECT count(*) FROM items WHERE quarter_id = ?), (SELECT count(*) FROM items)",
        (quarter_id,),
    ).fetchone()
    return bool(every) and mine >= READ_WHOLE_FROM * every


if TYPE_CHECKING:
    from .tx import _Tx


def _or_far(position: int | None) -> int:
    return FAR if position is None else position


def _list_order(item: Item) -> tuple[int, int]:
    """Where an item shows in its list (a missing position reads as `FAR`)."""
    return (item.position, item.id)


def _place_order(item: Item) -> tuple[int, int]:
    """Where an item shows in a block or the dropped area: without a place, last."""
    return (_or_far(item.place_position), item.id)


def _in_order(items: list[Item], key: Callable[[Item], tuple[int, int]]) -> list[Item]:
    """`items` in the order `key` gives, sorted only if they are not already."""
    keys = list(map(key, items))
    if any(a > b for a, b in pairwise(keys)):
        items.sort(key=key)
    return items


class StoreReads(StoreCore):
    """Reading the board: quarters, stakeholders, blocks, items, the event log, settings."""

    def _check_quarter_writable(self, quarter_id: int, tx: _Tx | None = None) -> Quarter:
        """Refuse early, before any validation, on a quarter that can't be changed (the
        write transaction refuses it in any case, row by row). Given the transaction
        `tx`, before it wrote anything, the quarter as `tx` read it when it began."""
        quarter = tx.began.get(quarter_id) if tx is not None else None
        if quarter is None:
            quarter = self.quarter(quarter_id)
        reason = why_read_only(quarter)
        if reason:
            raise ReadOnlyError(reason)
        return quarter

    @_reads
    def quarters(self) -> list[Quarter]:
        """All quarters, oldest first."""
        rows = self.conn.execute(f"SELECT {QUARTER_COLUMNS} FROM quarters ORDER BY name")
        return [Quarter(*row) for row in rows]

    @_reads
    def earlier_items(self, quarter_id: int) -> list[tuple[str, str, str]]:
        """(title, quarter, what became of it) for each item of the quarters before
        this one (by name), oldest quarter first: "chosen in 2026-Q2", "dropped in
        2026-Q2: the reason", "not chosen in 2026-Q2", or "on the 2026-Q2 board" (not
        decided). Requests merged into another item are left out: it says their fate."""
        rows = self.conn.execute(
            "SELECT i.title, q.name, q.status, i.status, i.drop_reason, b.chosen_rank "
            "FROM items i JOIN quarters q ON q.id = i.quarter_id "
            "LEFT JOIN blocks b ON b.id = i.block_id "
            "WHERE q.name < (SELECT name FROM quarters WHERE id = ?) "
            "AND i.merged_into IS NULL ORDER BY q.name, i.id",
            (quarter_id,),
        )
        found = []
        for title, name, decided, status, reason, rank in rows:
            if title is None or name is None:
                continue
            quarter = clean_line(str(name))
            if status == "dropped":
                fate = f"dropped in {quarter}: {clean_line(str(reason or ''))}".rstrip(": ")
            elif isinstance(rank, int | float) and not isinstance(rank, bool):  # (as read)
                fate = f"chosen in {quarter}"
            elif decided == "decided":
                fate = f"not chosen in {quarter}"
            else:
                fate = f"on the {quarter} board"
            found.append((str(title), quarter, fate))
        return found

    @_reads
    def quarter(self, quarter_id: int) -> Quarter:
        row = self.conn.execute(
            f"SELECT {QUARTER_COLUMNS} FROM quarters WHERE id = ?", (quarter_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError("That quarter no longer exists.")
        return Quarter(*row)

    @_reads
    def quarter_by_name(self, name: str) -> Quarter:
        """The quarter of that name: as typed (`2026-q3`, ` 2026-Q3 `), or exactly as it
        is in the file (another program's `Q4 2026`)."""
        query = f"SELECT {QUARTER_COLUMNS} FROM quarters WHERE name = ?"
        row = self.conn.execute(query, (name,)).fetchone()  # (exactly: it comes first)
        if row is None:
            row = self.conn.execute(query, (name.strip().upper().replace(" ", ""),)).fetchone()
        if row is None:
            known = ", ".join(q.name for q in self.quarters()) or "none"
            raise NotFoundError(f"There is no quarter {name!r} (quarters: {known}).")
        return Quarter(*row)

    @_reads
    def default_quarter(self) -> Quarter:
        """The quarter of the moment: the one being decided live (the newest, were
        there two), else the newest that is not decided, else the newest. (A live event
        comes first: the laptop that dies mid-event after the next quarter was started
        opens on the event, not on the next quarter's board.)"""
        quarters = self.quarters()
        if not quarters:
            raise NotFoundError("This board has no quarter yet.")
        live = [q for q in quarters if q.status == "live"]
        open_ones = [q for q in quarters if not q.is_decided]
        return (live or open_ones or quarters)[-1]

    @_reads
    def stakeholders(self, quarter_id: int | None = None) -> list[Stakeholder]:
        """Stakeholders shown on a quarter's board: the active ones, plus any archived
        one who has items in that quarter. Without a quarter: everyone."""
        if quarter_id is None:
            sql = f"SELECT {STAKEHOLDER_COLUMNS} FROM stakeholders"
            rows = self.conn.execute(sql)
        else:
            # A decided quarter shows who was a stakeholder then, not who came later.
            # (An item's owner as the board reads it: 2.5 is 2, whose list shows it, even
            # archived; found by the index of owners, a range for each stakeholder.)
            sql = (
                f"SELECT {STAKEHOLDER_COLUMNS} FROM stakeholders AS s WHERE "
                "(archived = 0 AND created_at <= COALESCE("
                "(SELECT decided_at FROM decisions WHERE quarter_id = ?), '9999')) "
                "OR id IN (SELECT stakeholder_id FROM items WHERE quarter_id = ?) "
                "OR EXISTS (SELECT 1 FROM items WHERE quarter_id = ? "
                "AND stakeholder_id > s.id - 1 AND stakeholder_id < s.id + 1 "
                "AND typeof(stakeholder_id) = 'real' AND CAST(stakeholder_id AS INTEGER) = s.id)"
            )
            rows = self.conn.execute(sql, (quarter_id, quarter_id, quarter_id))
        people = [Stakeholder(r[0], r[1], r[2], bool(r[3]), r[4] or "") for r in rows]
        return sorted(people, key=lambda s: (name_order(s.name), s.id))

    @_reads
    def stakeholder(self, stakeholder_id: int) -> Stakeholder:
        row = self.conn.execute(
            f"SELECT {STAKEHOLDER_COLUMNS} FROM stakeholders WHERE id = ?", (stakeholder_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError("That stakeholder no longer exists.")
        return Stakeholder(row[0], row[1], row[2], bool(row[3]), row[4] or "")

    @_reads
    def blocks(self, quarter_id: int) -> list[Block]:
        rows = self.conn.execute(
            f"SELECT {BLOCK_COLUMNS} FROM blocks WHERE quarter_id = ? ORDER BY position, id",
            (quarter_id,),
        )
        return [Block(*row) for row in rows]

    @_reads
    def block(self, block_id: int) -> Block:
        row = self.conn.execute(
            f"SELECT {BLOCK_COLUMNS} FROM blocks WHERE id = ?", (block_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError("That block no longer exists.")
        return Block(*row)

    @_reads
    def item(self, item_id: int) -> Item:
        row = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError("That item no longer exists.")
        return Item(*row)

    @_reads
    def items_at(self, quarter_id: int, place: Place) -> list[Item]:
        """The items a place shows, in order: by position (a list) or place_position
        (a block, the dropped area), then id; a row without one last."""
        # Read in the order of the columns as stored, which an index gives a list and a
        # block without sorting, then put in the order shown: the same unless another
        # program wrote a position that is missing or not a whole number.
        if place.is_list:
            sql = (
                f"SELECT {ITEM_COLUMNS} FROM items WHERE quarter_id = ? AND stakeholder_id IS ? "
                f"AND {ON_LIST} ORDER BY items.position, items.id"
            )
            rows = self.conn.execute(sql, (quarter_id, place.ref))
        elif place.is_block:
            sql = (
                f"SELECT {ITEM_COLUMNS} FROM items WHERE block_id = ? AND {IN_BLOCK} "
                "ORDER BY items.place_position, items.id"
            )
            rows = self.conn.execute(sql, (place.ref,))
        else:
            sql = (
                f"SELECT {ITEM_COLUMNS} FROM items WHERE quarter_id = ? AND status = 'dropped' "
                "ORDER BY items.place_position, items.id"
            )
            rows = self.conn.execute(sql, (quarter_id,))
        items = [Item(*row) for row in rows]
        return _in_order(items, _list_order if place.is_list else _place_order)

    def item_ids_at(self, quarter_id: int, place: Place) -> list[int]:
        """The ids of the items a list shows, in order: what a screen that holds the
        items already needs to put them in the file's order (no item is built)."""
        return [item_id for _, item_id in self.list_order(quarter_id, place)]

    @_reads
    def list_order(self, quarter_id: int, place: Place) -> list[tuple[int, int]]:
        """The (position, id) of the items a list shows, in order, as `items_at` gives
        them (no item is built)."""
        if not place.is_list:
            raise ValueError(
                "list_order reads lists; blocks and the dropped area are "
                "kept in order by their place_position"
            )
        where = f"FROM items WHERE quarter_id = ? AND stakeholder_id IS ? AND {ON_LIST}"
        rows = self.conn.execute(
            f"SELECT position, id {where} ORDER BY position, id", (quarter_id, place.ref)
        ).fetchall()
        if any(type(position) is not int for position, _ in rows):
            # Another program wrote a position that is missing or not a whole number:
            # in the order `items_at` shows.
            rows = self.conn.execute(
                f"SELECT {integer('position', str(FAR))}, id {where}", (quarter_id, place.ref)
            ).fetchall()
            rows.sort()
        return [(row[0], row[1]) for row in rows]

    @_reads
    def list_neighbours(self, item: Item) -> tuple[int | None, int | None]:
        """The ids of the items shown just before and just after `item` on its list (as
        the file holds them now; None at an end): enough for a screen holding the list
        to check where the item goes back in, without reading the list."""
        where = f"quarter_id = :q AND stakeholder_id IS :s AND {ON_LIST}"
        row = self.conn.execute(
            f"SELECT (SELECT id FROM items WHERE {where} AND (position, id) < (:p, :i) "
            "ORDER BY position DESC, id DESC LIMIT 1), "
            f"(SELECT id FROM items WHERE {where} AND (position, id) > (:p, :i) "
            "ORDER BY position, id LIMIT 1)",
            {"q": item.quarter_id, "s": item.stakeholder_id, "p": item.position, "i": item.id},
        ).fetchone()
        return row[0], row[1]

    def board(self, quarter_id: int, *, rows_after: Callable[[], None] | None = None) -> Board:
        """Everything a quarter's board shows, in three queries. `rows_after` is called
        once SQLite has found and sorted the quarter's items, before the interpreter
        takes them row by row (at a start, the screens' code loads meanwhile, in a
        thread: SQLite's work needs no interpreter, taking rows does; see
        `cli.board`)."""
        return self._read_board(lambda: self._board(quarter_id, rows_after))

    def _read_board(self, read: Callable[[], Board]) -> Board:
        """A board read: again once text the file can't decode is tolerated, and a
        file SQLite can't read is named as such."""
        try:
            try:
                return read()
            except sqlite3.OperationalError as error:
                if not self._tolerate_bad_text(error):
                    raise
                return read()
        except sqlite3.DatabaseError as error:
            raise CorruptBoardError(
                f"{self.path.name} can't be read: {error}. Restore a backup "
                "(planboard restore) or open a copy."
            ) from error

    def _board(self, quarter_id: int, rows_after: Callable[[], None] | None = None) -> Board:
        quarter = self.quarter(quarter_id)
        stakeholders = self.stakeholders(quarter_id)
        blocks = self.blocks(quarter_id)
        places: dict[Place, list[Item]] = {Place.team(): []}
        for stakeholder in stakeholders:
            places[Place.of_list(stakeholder.id)] = []
        for block in blocks:
            places[Place.block(block.id)] = []
        places[Place.dropped()] = []
        whole = "NOT INDEXED " if most_of_the_file(self.conn, quarter_id) else ""
        rows = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items {whole}WHERE quarter_id = ? ORDER BY position, id",
            (quarter_id,),
        )  # (its first row: every item found and sorted, by SQLite alone)
        if rows_after is not None:
            rows_after()
        merged: dict[int, list[Item]] = {}
        # Each place's list by the three columns that say where an item sits (a
        # `Place` made for each item was a third of the read).
        where: dict[tuple[str, int | None, int | None], list[Item]] = {}
        # One object for each value that many items share (a status, an effort, a
        # note, a reason): read from the file, each item had its own copy (at 50,000
        # items, megabytes of "open").
        statuses: dict[Any, Any] = {}
        efforts: dict[Any, Any] = {}
        texts: dict[Any, Any] = {}
        for row in rows:
            item = Item(*row)
            item.status = statuses.setdefault(item.status, item.status)
            item.effort = efforts.setdefault(item.effort, item.effort)
            item.notes = texts.setdefault(item.notes, item.notes)
            item.drop_reason = texts.setdefault(item.drop_reason, item.drop_reason)
            if item.merged_into is not None:
                merged.setdefault(item.merged_into, []).append(item)
                continue
            sits = (item.status, item.block_id, item.stakeholder_id)
            found = where.get(sits)
            if found is None:
                found = where[sits] = places.setdefault(Place.where(*sits), [])
            found.append(item)
        for place, items in places.items():
            if not place.is_list:
                items.sort(key=_place_order)
        return Board(quarter, stakeholders, blocks, places, merged)

    @_reads
    def decision(self, quarter_id: int) -> Decision | None:
        row = self.conn.execute(
            f"SELECT {DECISION_COLUMNS} FROM decisions WHERE quarter_id = ?",
            (quarter_id,),
        ).fetchone()
        return Decision(*row) if row else None

    @_reads
    def merged_into(self, item_id: int) -> list[Item]:
        """The requests merged into an item."""
        rows = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE merged_into = ? ORDER BY id", (item_id,)
        )
        return [Item(*row) for row in rows]

    @_reads
    def meeting(self, quarter_id: int) -> Meeting | None:
        row = self.conn.execute(
            f"SELECT {MEETING_COLUMNS} FROM meetings WHERE quarter_id = ?", (quarter_id,)
        ).fetchone()
        if row is None:
            return None
        values = list(row)
        values[3] = dots_each(values[3])
        # Revealed only when the file says 0, as planboard writes it: any other value
        # another program left there (text, NULL) keeps the tally hidden.
        values[4] = values[4] != 0
        values[5] = timebox_minutes(values[5])
        # A countdown another program left unreadable stands paused where it was. Below
        # zero: the time spent past a timebox set shorter (`clock.timer_for_timebox`),
        # up to the longest timebox; every screen shows it as 00:00.
        values[6] = seconds(values[6], values[5] * 60.0, low=-MAX_TIMEBOX_S)
        values[7] = utc_stamp(values[7])
        return Meeting(*values)

    @_reads
    def events(self, quarter_id: int | None = None, limit: int = 200) -> list[Event]:
        """The newest events first (of one quarter, or of the whole file)."""
        sql = f"SELECT {EVENT_COLUMNS} FROM events"
        args: tuple[Any, ...] = ()
        if quarter_id is not None:
            sql += " WHERE quarter_id = ?"
            args = (quarter_id,)
        sql += " ORDER BY id DESC LIMIT ?"
        rows = self.conn.execute(sql, (*args, limit))
        return [_event(row) for row in rows]

    @_reads
    def last_event_id(self) -> int:
        """The newest event's id: it changes with every action, from any screen."""
        return int(self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])

    @_reads
    def setting(self, key: str, default: str = "") -> str:
        """A board-wide setting (the `settings` table), or `default` when unset."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None or not isinstance(row[0], str) else row[0]

    def set_setting(self, key: str, value: str) -> None:
        """Remember a board-wide preference (the theme, say). Not an action of the
        board: it is not in the history and undo does not step over it."""
        with self._write():
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, clean_line(value)),
            )

    @_reads
    def data_version(self) -> int:
        """Changes when another connection commits to the file (cheap to poll)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    @_reads
    def rejected_pairs(self, quarter_id: int) -> set[frozenset[int]]:
        """The pairs of the quarter's items the data lead said are not the same, by
        where the items are, whatever quarter the row says (another program's may say
        another: `x` on the pair says it is marked already, as it is, once a pair)."""
        rows = self.conn.execute(
            "SELECT r.first_id, r.second_id FROM rejected_pairs AS r "
            "JOIN items AS i ON i.id = r.first_id WHERE i.quarter_id = ?",
            (quarter_id,),
        ).fetchall()
        return {frozenset((a, b)) for a, b in rows}
