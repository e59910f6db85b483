"""The first screen of a big quarter, read without reading every item.

At 50,000 items, reading and building every item takes longer than everything else
before the first frame. `first_screen` reads what that frame shows: each column's first
items, and of the rest only what the frame takes from all of them, counted by SQLite
alone: how many items each place holds and whose they are (titles, scroll bars, owner
tags, who asked for a block) and how wide their lines are (the columns' widths). The
board reads the whole quarter (`board`) as soon as it has painted."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from .. import kept
from ..db import _uri as readonly_uri
from ..errors import PlanboardError
from ..model import HEAD_FROM, Board, Item, Place, PlaceWidths, unread
from ..rows import ITEM_COLUMNS, bare, integer, one_of, real, text
from .core import _identity
from .reading import StoreReads, _list_order, _place_order, most_of_the_file

# The values as `ITEM_COLUMNS` reads them, in SQL.
_STATUS = bare(one_of("status", ("open", "dropped"), "open"))
_BLOCK = bare(integer("block_id"))
_OWNER = bare(integer("stakeholder_id"))
_TITLE = bare(text("title", "'(no title)'"))
_EFFORT = bare(real("effort"))
# Rows the indexes find where they read, in the order they read: an owner and a block
# stored as whole numbers (or none), and positions as whole numbers. The others (rows
# another program wrote) are read apart, by `_odd_rows`.
_ODD = (
    "typeof(stakeholder_id) NOT IN ('integer', 'null') "
    "OR typeof(block_id) NOT IN ('integer', 'null') OR typeof(position) != 'integer' "
    "OR ((status IS 'dropped' OR block_id IS NOT NULL) AND typeof(place_position) != 'integer')"
)
_NO_BLOCK = "typeof(block_id) NOT IN ('integer', 'real')"
_NOT_DROPPED = "status IS NOT 'dropped'"
_NOT_MERGED = "typeof(merged_into) NOT IN ('integer', 'real')"


# The quarter's items that show (not merged), each value read once, as `ITEM_COLUMNS`
# reads it. (`LIMIT -1` keeps it a subquery of its own: flattened into the query
# around it, each of its expressions would be worked out again wherever it is used.)
def _rows(where: str = "1") -> str:
    return (
        f"SELECT {_STATUS} AS s, {_BLOCK} AS b, {_OWNER} AS o, {_TITLE} AS t, {_EFFORT} AS e "
        f"FROM items WHERE quarter_id = ? AND {_NOT_MERGED} AND ({where}) LIMIT -1"
    )


_ROWS = _rows()
# Where an item shows, as two values: 0 and the owner (a list), 1 and the block, or
# 2 and NULL (the dropped area); see `_place`.
_PLACE = {
    "k": "CASE WHEN s = 'dropped' THEN 2 WHEN b IS NOT NULL THEN 1 ELSE 0 END",
    "r": "CASE WHEN s = 'dropped' THEN NULL ELSE coalesce(b, o) END",
}
# A title of ASCII (as many bytes as characters) takes a cell a character; others are
# measured by the screen. An estimate takes two cells, its number as `:g` writes it,
# and a "d".
_PLAIN = "length(t) = length(CAST(t AS BLOB))"
_LINE = "length(t) + CASE WHEN e IS NULL THEN 0 ELSE 3 + length(printf('%g', e)) END"
WIDEST_COUNTED = 200  # (lines wider are counted as this wide: no column wants more)
# The rows every board planboard wrote is made of, counted by one whole number each (a
# GROUP BY of one number sorts three times faster than one of the three values, and the
# values need no reading as `ITEM_COLUMNS` reads them): an owner and a block stored as
# whole numbers from 0 to 2^24 - 1 (or none), and not `_ODD`. The others, if any, are
# counted as before, apart.
_BASE = 1 << 25
_PLAIN_ROW = (
    f"NOT ({_ODD}) AND coalesce(block_id, 0) BETWEEN 0 AND {(1 << 24) - 1} "
    f"AND coalesce(stakeholder_id, 0) BETWEEN 0 AND {(1 << 24) - 1}"
)
# Where a plain row shows: dropped or not, and its block + 1 (0: none).
_PLACE_KEY = f"((status IS 'dropped') * {_BASE} + coalesce(block_id + 1, 0))"
_OWNER_KEY = f"({_PLACE_KEY} * {_BASE} + coalesce(stakeholder_id + 1, 0))"
# A plain row with a title of ASCII: where it shows (its owner for a list only) and how
# wide its line is, in one number.
_ASCII_TITLE = "typeof(title) = 'text' AND length(title) = length(CAST(title AS BLOB))"
_WIDTH_KEY = (
    f"(({_PLACE_KEY} * {_BASE} + CASE WHEN status IS 'dropped' OR block_id IS NOT NULL "
    "THEN 0 ELSE coalesce(stakeholder_id + 1, 0) END) * 256 + min(length(title) + CASE "
    "WHEN typeof(effort) IN ('integer', 'real') THEN 3 + length(printf('%g', effort)) "
    f"ELSE 0 END, {WIDEST_COUNTED}))"
)


def _grouping(plain: str, key: str) -> str:
    """The number `_keyed` groups by: `key` for a row for which `plain` holds, else none."""
    return f"CASE WHEN {plain} THEN {key} END"


# The head's count by owner reads an index of its own on the very number it groups by
# (schema 12): in its order, with no sort, 5 times faster at 50,000 items (the query must
# say the index's expression as it is written here, or SQLite sorts the quarter). The
# number first and the quarter second: quarter first, it would make the index look
# right to any lookup by quarter (the head of a block read by it, and sorted: 40 ms at
# 50,000 items). `INDEXED BY`, as without statistics SQLite would rather sort. (The count
# by width has none: its number is worked out with `printf` and `length`, whose results
# differ between SQLite versions for some efforts and titles; stored in an index, a row
# another SQLite wrote would be missing from it, and the file damaged.)
_WHOSE = (_PLAIN_ROW, _OWNER_KEY)
# (In the key, a title's bytes: where it counts, they are its characters, and SQLite
# has their number at hand; it counts characters one by one.)
_WIDTH_KEY_OF_ASCII = _WIDTH_KEY.replace("min(length(title)", "min(length(CAST(title AS BLOB))")
_WIDTHS = (f"{_PLAIN_ROW} AND {_ASCII_TITLE}", _WIDTH_KEY_OF_ASCII)
# A quarter whose rows are all plain (its index says so, at once) is counted by width
# without asking it of each row: at 50,000 items that was half the count's work, done
# on the second core while the first loads the screens' code.
_WIDTHS_ALL_PLAIN = (_ASCII_TITLE, _WIDTH_KEY_OF_ASCII)
WHOSE_INDEX = "items_head_whose"
HEAD_INDEXES = {WHOSE_INDEX: f"ON items(({_grouping(*_WHOSE)}), quarter_id) WHERE {_NOT_MERGED}"}


class StoreHead(StoreReads):
    """`first_screen`: the head of a big quarter."""

    def first_screen(
        self, quarter_id: int, rows: int, *, rows_after: Callable[[], None] | None = None
    ) -> Board:
        """What a quarter's board shows first: the whole board, or for a quarter of
        `HEAD_FROM` items or more its head (`Board.partial`): each place's first `rows`
        items, then `unread(owner)` standing for each item not read yet, so that the
        counts, the titles, the owner tags and the scroll bars are the whole board's,
        and `Board.line_widths` for the widths of its columns. The board reads the rest
        (`board`) once it has painted. `rows_after`: as `board`'s, for a whole board
        (a head's statements read few rows each)."""
        return self._read_board(lambda: self._first_screen(quarter_id, max(rows, 1), rows_after))

    def rest_of(self, quarter_id: int) -> Board | None:
        """The quarter's whole board, read on a read-only connection of its own (for a
        thread, while this store's connection stays free for writes). None when the
        path no longer names this store's file (what was read may be another file's)
        or the file could not be read there: read it with `board`."""
        from . import Store

        try:
            if _identity(self.path) != self._identity:
                return None
            with Store.open(self.path, create=False, readonly=True) as reader:
                board = reader.board(quarter_id)
            return board if _identity(self.path) == self._identity else None
        except (PlanboardError, sqlite3.Error, OSError):
            return None

    def _first_screen(
        self, quarter_id: int, rows: int, rows_after: Callable[[], None] | None
    ) -> Board:
        count = self.conn.execute(
            "SELECT count(*) FROM items WHERE quarter_id = ?", (quarter_id,)
        ).fetchone()[0]
        if count < HEAD_FROM:
            return self._board(quarter_id, rows_after)
        return self._board_head(quarter_id, rows)

    def _board_head(self, quarter_id: int, rows: int) -> Board:
        quarter = self.quarter(quarter_id)
        stakeholders = self.stakeholders(quarter_id)
        blocks = self.blocks(quarter_id)
        widths = self._widths_beside(quarter_id)
        counts, plain = self._owners_counted(quarter_id)
        merged: dict[int, list[Item]] = {}
        for row in self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE merged_into IS NOT NULL "
            "AND quarter_id = ? ORDER BY position, id",
            (quarter_id,),
        ):
            item = Item(*row)
            if item.merged_into is not None:
                merged.setdefault(item.merged_into, []).append(item)
        askers = {place: set(owners) for place, owners in counts.items()}
        for survivor in self._items_by_id(list(merged)):
            if survivor.merged_into is None and survivor.quarter_id == quarter_id:
                for request in merged[survivor.id]:
                    askers.setdefault(survivor.place, set()).add(request.stakeholder_id)
        # The places a first screen can show: each column's first groups, down to a
        # screenful; the others are counted only.
        columns = [
            [Place.team()],
            [Place.of_list(s.id) for s in stakeholders],
            [Place.block(b.id) for b in blocks],
            [Place.dropped()],
        ]
        odd = [] if plain else self._odd_rows(quarter_id)
        places: dict[Place, list[Item]] = {}
        for column in columns:
            shown = 0
            for place in column:
                owners = counts.get(place, Counter())
                head = self._head_of(quarter_id, place, rows, odd) if shown < rows else []
                places[place] = head + _standing_for(owners, head)
                shown += 1 + max(owners.total(), 1)
        asked = {
            place.ref or 0: sum(1 for who in who_asked if who is not None)
            for place, who_asked in askers.items()
            if place.is_block
        }
        return Board(
            quarter,
            stakeholders,
            blocks,
            places,
            merged,
            partial=True,
            asked=asked,
            line_widths=widths(),
        )

    def _widths_beside(self, quarter_id: int) -> Callable[[], dict[Place, PlaceWidths]]:
        """Start counting the places' line widths in a thread, on a read-only
        connection of its own: SQLite's work, beside the rest of the head's read. The
        function returned waits for them (counted on this connection if that one could
        not count them)."""
        found: list[dict[Place, PlaceWidths]] = []

        file = self._identity  # (the file this store opened)

        def count() -> None:
            held = kept.hold(self.path)
            try:
                conn = sqlite3.connect(readonly_uri(self.path, "ro"), uri=True)
                try:
                    # (Counted in the file this store reads, not in another put in its
                    # place since: else counted on the store's own connection.)
                    if _identity(self.path) == file:
                        widths = _line_widths(conn, quarter_id)
                        if _identity(self.path) == file:
                            found.append(widths)
                finally:
                    conn.close()
            except sqlite3.Error:
                pass
            finally:
                kept.let_go(held)

        counting = threading.Thread(target=count, name="planboard-widths", daemon=True)
        counting.start()

        def wait() -> dict[Place, PlaceWidths]:
            counting.join()
            return found[0] if found else _line_widths(self.conn, quarter_id)

        return wait

    def _owners_counted(self, quarter_id: int) -> tuple[dict[Place, Counter[int | None]], bool]:
        """How many items each place holds, by owner; and whether every row is plain
        (`_PLAIN_ROW`: then none is `_ODD`)."""
        counts: dict[Place, Counter[int | None]] = {}
        rest = 0
        # (A key a row, thousands of them at 50,000 items, read beside the screens'
        # import: a block's place made once, a place's counter made once.)
        block_places: dict[int, Place] = {}
        for key, count in _keyed(self.conn, *_WHOSE, quarter_id, WHOSE_INDEX):
            if key is None:
                rest = count
                continue
            place_key, owner_key = divmod(key, _BASE)
            place = block_places.get(place_key) if place_key else None
            if place is None:
                place, owner = _key_place(place_key, owner_key)
                if place_key:
                    block_places[place_key] = place
            else:
                owner = owner_key - 1 if owner_key else None
            owners = counts.get(place)
            if owners is None:
                owners = counts[place] = Counter()
            owners[owner] = owners.get(owner, 0) + count
        if rest:
            keys = {**_PLACE, "o": "o"}
            rows = _rows(f"({_PLAIN_ROW}) IS NOT 1")
            for kind, ref, owner, count in _grouped(self.conn, keys, "1", quarter_id, rows):
                counts.setdefault(_place(kind, ref), Counter())[owner] += count
        return counts, not rest

    def _odd_rows(self, quarter_id: int) -> list[Item]:
        """The quarter's items (not merged) whose owner, block or position another
        program wrote as other than a whole number: read as `ITEM_COLUMNS` reads them,
        they may belong to another place than their stored value says (49.7 is owner
        49, text is the team), or elsewhere in its order (a missing position is last),
        than the indexes tell."""
        return [
            Item(*row)
            for row in self.conn.execute(
                f"SELECT {ITEM_COLUMNS} FROM items WHERE quarter_id = ? AND {_NOT_MERGED} "
                f"AND ({_ODD})",
                (quarter_id,),
            )
        ]

    def _head_of(self, quarter_id: int, place: Place, rows: int, odd: list[Item]) -> list[Item]:
        """A place's first `rows` items, in order, the values read as `ITEM_COLUMNS`
        reads them: those the indexes find, and the `odd` rows that read as this place."""
        args: tuple[Any, ...]
        if place.is_list:
            where, args = f"stakeholder_id IS ? AND {_NO_BLOCK} AND {_NOT_DROPPED}", (place.ref,)
            order = "items.position, items.id"
        else:
            if place.is_block:
                where, args = f"block_id = ? AND {_NOT_DROPPED}", (place.ref,)
            else:
                where, args = "status = 'dropped'", ()
            order = "items.place_position, items.id"
        query = (
            f"SELECT {ITEM_COLUMNS} FROM items WHERE quarter_id = ? AND {where} "
            f"AND {_NOT_MERGED} AND NOT ({_ODD}) ORDER BY {order} LIMIT ?"
        )
        head = [Item(*row) for row in self.conn.execute(query, (quarter_id, *args, rows))]
        more = [item for item in odd if item.place == place]
        if not more:
            return head
        key = _list_order if place.is_list else _place_order
        return sorted(head + more, key=key)[:rows]

    def _items_by_id(self, ids: list[int]) -> list[Item]:
        found: list[Item] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            query = f"SELECT {ITEM_COLUMNS} FROM items WHERE id IN ({marks})"
            found.extend(Item(*row) for row in self.conn.execute(query, chunk))
        return found


def _keyed(
    conn: sqlite3.Connection,
    plain: str,
    key: str,
    quarter_id: int,
    index: str = "",
    *,
    whole: bool = False,
) -> list[list[Any]]:
    """The quarter's items (not merged) for which `plain` holds, grouped by the number
    `key`, and how many each group holds; the others as one group keyed None. One JSON
    text, as `_grouped`. By `index` if there is one (a file without it, or where SQLite
    can't use it: without); `whole`: by a read of the whole table, in order."""
    if whole:
        index = ""

    def keyed(by: str) -> str:
        rows = f"FROM items {by}WHERE quarter_id = ? AND {_NOT_MERGED}"
        if by.startswith("INDEXED BY"):  # (in the index's order: no sort)
            return f"SELECT {_grouping(plain, key)} AS g, count(*) AS n {rows} GROUP BY g"
        # Each row's number worked out once (grouped by an expression, SQLite works it
        # out twice: to sort by, and to show), in a subquery of its own (`LIMIT -1`).
        return (
            f"SELECT g, count(*) AS n FROM (SELECT {_grouping(plain, key)} AS g {rows} "
            "LIMIT -1) GROUP BY g"
        )

    if index:
        try:
            return _fetched(conn, keyed(f"INDEXED BY {index} "), "g, n", quarter_id)
        except sqlite3.OperationalError:
            pass  # (no such index: another program dropped it)
    return _fetched(conn, keyed("NOT INDEXED " if whole else ""), "g, n", quarter_id)


def _key_place(place_key: int, owner_key: int) -> tuple[Place, int | None]:
    """A place and an owner from their numbers in `_OWNER_KEY` or `_WIDTH_KEY`."""
    dropped, block = divmod(place_key, _BASE)
    owner = owner_key - 1 if owner_key else None
    if dropped:
        return Place.dropped(), owner
    return (Place.block(block - 1) if block else Place.of_list(owner)), owner


def _grouped(
    conn: sqlite3.Connection,
    keys: dict[str, str],
    where: str,
    quarter_id: int,
    rows: str = _ROWS,
) -> list[list[Any]]:
    """Each group of the quarter's items (not merged) by `keys` and how many it
    holds, fetched as one JSON text: SQLite works through them without asking the
    interpreter for each, which leaves it to the screens' code being imported."""
    select = ", ".join(f"{expression} AS {name}" for name, expression in keys.items())
    grouped = (
        f"SELECT {select}, count(*) AS n FROM ({rows}) WHERE {where} GROUP BY {', '.join(keys)}"
    )
    return _fetched(conn, grouped, f"{', '.join(keys)}, n", quarter_id)


def _fetched(
    conn: sqlite3.Connection, query: str, columns: str, quarter_id: int
) -> list[list[Any]]:
    """The rows of `query` (its `columns`), fetched as one JSON text."""
    import json  # (here: only a big quarter's head reads one)

    try:
        found = conn.execute(
            f"SELECT json_group_array(json_array({columns})) FROM ({query})", (quarter_id,)
        ).fetchone()[0]
        return list(json.loads(found))
    except sqlite3.OperationalError:  # (an SQLite without its JSON functions)
        return [list(row) for row in conn.execute(query, (quarter_id,))]


def _line_widths(conn: sqlite3.Connection, quarter_id: int) -> dict[Place, PlaceWidths]:
    """How many item lines of each place take each width (title and estimate),
    and the titles whose width only the screen can tell; read in one transaction (its
    statements see the file as it was at the first)."""
    if conn.in_transaction:
        return _widths_counted(conn, quarter_id)
    conn.execute("BEGIN")
    try:
        return _widths_counted(conn, quarter_id)
    finally:
        try:
            conn.execute("ROLLBACK")  # (a read: nothing to keep)
        except sqlite3.Error:
            if conn.in_transaction:
                raise  # (never a connection left in a transaction unsaid)


def _widths_counted(conn: sqlite3.Connection, quarter_id: int) -> dict[Place, PlaceWidths]:
    widths: dict[Place, PlaceWidths] = {}
    fast = _WIDTHS[0]
    rest = 0
    counted = _WIDTHS_ALL_PLAIN if _all_plain(conn, quarter_id) else _WIDTHS
    for key, count in _keyed(conn, *counted, quarter_id, whole=most_of_the_file(conn, quarter_id)):
        if key is None:
            rest = count
            continue
        where, width = divmod(key, 256)
        place, _ = _key_place(*divmod(where, _BASE))
        widths.setdefault(place, PlaceWidths()).plain[width] += count
    if not rest:
        return widths
    # The others (titles not in ASCII, rows another program wrote), as `ITEM_COLUMNS`
    # reads them.
    rows = _rows(f"({fast}) IS NOT 1")
    keys = {**_PLACE, "w": f"min({_LINE}, {WIDEST_COUNTED})"}
    for kind, ref, width, count in _grouped(conn, keys, _PLAIN, quarter_id, rows):
        widths.setdefault(_place(kind, ref), PlaceWidths()).plain[width] += count
    for kind, ref, title, effort in conn.execute(
        f"SELECT {_PLACE['k']}, {_PLACE['r']}, t, e FROM ({rows}) WHERE NOT {_PLAIN}",
        (quarter_id,),
    ):
        widths.setdefault(_place(kind, ref), PlaceWidths()).other.append((title, effort))
    return widths


def _all_plain(conn: sqlite3.Connection, quarter_id: int) -> bool:
    """Whether every item of the quarter (not merged) is a plain row (`_PLAIN_ROW`), as
    its index of owners tells in a lookup (False without the index). Read in the same
    transaction as what it is said of."""
    try:
        odd = conn.execute(
            f"SELECT 1 FROM items INDEXED BY {WHOSE_INDEX} WHERE ({_grouping(*_WHOSE)}) IS NULL "
            f"AND quarter_id = ? AND {_NOT_MERGED} LIMIT 1",
            (quarter_id,),
        ).fetchone()
    except sqlite3.OperationalError:
        return False  # (no such index: another program dropped it)
    return odd is None


def _place(kind: int, ref: int | None) -> Place:
    if kind == 2:
        return Place.dropped()
    return Place.block(ref) if kind == 1 and ref is not None else Place.of_list(ref)


def _standing_for(owners: Counter[int | None], head: list[Item]) -> list[Item]:
    """The items of a place not read yet: one `unread(owner)` for each."""
    left = owners.copy()
    left.subtract(item.stakeholder_id for item in head)
    standing: list[Item] = []
    for owner, many in left.items():
        if many > 0:
            standing += [unread(owner)] * many  # (tens of thousands: one list each)
    return standing
