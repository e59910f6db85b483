"""Tidying positions other programs left out of order: each list, block, the dropped
items and the blocks numbered 0..n-1 again, in the order they were; and the checks that
tell whether that is needed (after a replay, only where it touched)."""

from __future__ import annotations

import itertools
import operator
from typing import Any

from ..event_rows import and_list
from ..model import IN_BLOCK, Change, Place
from ..rows import FAR, ROWS_NAMED, bare, integer, problems
from .core import _reads
from .reading import StoreReads
from .tx import _Tx


class Tidying(StoreReads):
    """Positions put right where another program left them missing or repeated."""

    @_reads
    def row_problems(self, quarter_id: int, limit: int = ROWS_NAMED) -> list[str]:
        """The quarter's rows (and stakeholders) holding a value of the wrong type —
        written by another program — each naming its table, row and column; `limit`
        at most (a status line names one and counts the rest up to it)."""
        return problems(self.conn, quarter_id, limit)

    def tidy(self, quarter_id: int) -> Change | None:
        """Put positions right where another program left them missing, repeated or
        out of step (rows inserted with `sqlite3` or `sqlite-utils`): each list, block,
        the dropped items and the blocks numbered 0..n-1 again, in the order they were.
        Recorded in the log, stepped over by undo. None if nothing needed it (or the
        quarter is decided, hence read-only: there rows without a position show last)."""
        if self.readonly:
            return None
        version = self._version()  # (read first: a commit after it makes it stale)
        seen = self._tidy_at.get(quarter_id)
        if seen is not None and seen[0] == version:
            # (in order when last looked at, and no other connection has committed
            # since: this store's own writes keep positions in order, a replay too)
            return None
        if not self._untidy(quarter_id):
            self._tidy_at[quarter_id] = (version, self._last_event_id())
            return None
        if self.quarter(quarter_id).is_decided:
            return None  # (not seen in order: reopened, it is tidied then)
        with self._write() as tx:
            odd = self._densify(tx, quarter_id)
            if not tx.changes:
                self._tidy_at[quarter_id] = (version, self._last_event_id())
                return None
            count = len({(c[0], c[1]) for c in tx.changes})
            summary = f"Put {count} row{'s' if count != 1 else ''} in order"
            if odd:
                rows = _rows_named(odd)
                summary += f" (positions that were not whole numbers: {rows})"
                self.tidy_named[quarter_id] = (
                    f"{rows}: position{'s' if len(odd) > 1 else ''} not a whole number; "
                    "put in order as the board showed "
                    f"{'them' if len(odd) > 1 else 'it'}"
                )
            change = self._finish(tx, "tidy", summary, quarter_id)
            # (no other connection commits while this transaction holds the file)
            seen = (self._version(), self._last_event_id())
        self._tidy_at[quarter_id] = seen  # once committed: a failed commit leaves it unseen
        return change

    def _version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def _last_event_id(self) -> int:
        return int(self.conn.execute("SELECT coalesce(MAX(id), 0) FROM events").fetchone()[0])

    def _known_tidy(self, quarter_id: int, event_id: int) -> bool:
        """Whether replaying the event `event_id` keeps the quarter's positions in order
        by itself: `tidy` found them in order before the event was recorded, and no other
        connection has committed since (every row of the quarter is then accounted for
        by this store's own log). Then an undo or redo need not read its lists to check;
        an older event may meet rows another program added after it, even tidied."""
        seen = self._tidy_at.get(quarter_id)
        return seen is not None and event_id > seen[1] and seen[0] == self._version()

    def _untidy(self, quarter_id: int) -> bool:
        return bool(self.conn.execute(_UNTIDY_SQL, {"q": quarter_id}).fetchone()[0])

    def _untidy_where(self, tx: _Tx, quarter_id: int) -> bool:
        """Whether what `tx` touched (the lists its item rows belong to, its blocks, the
        dropped items, the blocks' order) is out of order: after a replay, only there
        can an outside append have left a gap or a repeat. A fraction of `_untidy`'s
        whole-quarter scan on a big board."""
        owners = self._owners_touched(tx)
        checks: list[tuple[str, list[Any]]] = []
        for owner in owners:
            checks.append(
                (
                    f"SELECT COUNT(*) > 0 AND {_dense('position')} FROM items "
                    "WHERE quarter_id = ? AND stakeholder_id IS ?",
                    [quarter_id, owner],
                )
            )
            checks.append(
                (
                    "SELECT EXISTS (SELECT 1 FROM items WHERE quarter_id = ? AND "
                    "stakeholder_id IS ? AND block_id IS NULL AND status = 'open' "
                    "AND place_position IS NOT NULL)",
                    [quarter_id, owner],
                )
            )
        in_place = f"SELECT COUNT(*) > 0 AND {_dense('place_position')} FROM items "
        for place in tx.places:
            if place.is_block:
                checks.append((in_place + f"WHERE block_id = ? AND {IN_BLOCK}", [place.ref]))
            elif place == Place.dropped():
                sql = in_place + "WHERE quarter_id = ? AND status = 'dropped'"
                checks.append((sql, [quarter_id]))
        if tx.blocks:
            sql = f"SELECT COUNT(*) > 0 AND {_dense('position')} FROM blocks WHERE quarter_id = ?"
            checks.append((sql, [quarter_id]))
        return any(self.conn.execute(sql, args).fetchone()[0] for sql, args in checks)

    def _owners_touched(self, tx: _Tx) -> set[int | None]:
        """The lists (by owner) whose item rows `tx` changed, or that it names."""
        owners: set[int | None] = set()
        partial: list[Any] = []
        for table, pk, before, after in tx.changes:
            if table != "items":
                continue
            # An update names only what it changed: its owner is read from the file.
            if before is not None:
                if "stakeholder_id" not in before:
                    partial.append(pk)
                    continue
                owners.add(before["stakeholder_id"])
            if after is not None:
                if "stakeholder_id" not in after:
                    partial.append(pk)
                    continue
                owners.add(after["stakeholder_id"])
        for start in range(0, len(partial), 500):
            chunk = partial[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            sql = f"SELECT DISTINCT stakeholder_id FROM items WHERE id IN ({marks})"
            owners.update(r[0] for r in self.conn.execute(sql, chunk))
        owners.update(place.ref for place in tx.places if place.is_list)
        return owners

    def _densify(self, tx: _Tx, quarter_id: int) -> list[tuple[str, int]]:
        """Number every list, block, the dropped items and the blocks 0..n-1, keeping
        the order the board shows them in (`ITEM_COLUMNS`' reading: a number that is
        not whole as its whole part, rows without a usable position last); the rows
        (table, id) whose position was not a whole number (nor missing)."""
        if not self._untidy(quarter_id):
            return []
        odd: list[tuple[str, int]] = []

        def renumbered(table: str, column: str, rows: list[Any], place: Place | None) -> None:
            odd.extend((table, pk) for pk, value in rows if not _whole_or_none(value))
            tx.renumber(table, column, rows, place)

        def renumber(table: str, column: str, sql: str, args: Any, place: Place | None) -> None:
            order = f"ORDER BY coalesce({_read(column)}, {FAR}), id"
            renumbered(table, column, self.conn.execute(sql + order, args).fetchall(), place)

        # Each list (all its items, wherever they are) and each block, by the owner and
        # the block as the board reads them (a number that is not whole: its whole part).
        rows = self.conn.execute(
            f"SELECT {_OWNER}, id, position FROM items WHERE quarter_id = ? "
            f"ORDER BY {_OWNER}, coalesce({_read('position')}, {FAR}), id",
            (quarter_id,),
        ).fetchall()
        for owner, in_list in itertools.groupby(rows, key=operator.itemgetter(0)):
            renumbered("items", "position", [r[1:] for r in in_list], Place.of_list(owner))
        for (row_id,) in self.conn.execute(
            "SELECT id FROM items WHERE quarter_id = ? AND block_id IS NULL AND status = 'open' "
            "AND place_position IS NOT NULL",
            (quarter_id,),
        ).fetchall():
            tx.update("items", row_id, {"place_position": None})
        sql = "SELECT id, place_position FROM items WHERE quarter_id = ? AND status = 'dropped' "
        renumber("items", "place_position", sql, (quarter_id,), Place.dropped())
        rows = self.conn.execute(
            f"SELECT {_BLOCK}, id, place_position FROM items WHERE quarter_id = ? "
            f"AND {_BLOCK} IS NOT NULL AND {IN_BLOCK} "
            f"ORDER BY {_BLOCK}, coalesce({_read('place_position')}, {FAR}), id",
            (quarter_id,),
        ).fetchall()
        for block, in_block in itertools.groupby(rows, key=operator.itemgetter(0)):
            renumbered("items", "place_position", [r[1:] for r in in_block], Place.block(block))
        sql = "SELECT id, position FROM blocks WHERE quarter_id = ? "
        renumber("blocks", "position", sql, (quarter_id,), None)
        return odd


def _read(column: str) -> str:
    """A whole-number column as `ITEM_COLUMNS` reads it, as an expression."""
    return bare(integer(column))


_OWNER = _read("stakeholder_id")
_BLOCK = _read("block_id")


def _whole_or_none(value: object) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


NAMED_IN_A_TIDY = 10  # (rows named in a tidy's summary; the rest counted)


def _rows_named(odd: list[tuple[str, int]]) -> str:
    """The rows of `odd`, as "items rows 12 and 14; blocks row 2" (ten at most)."""
    shown = odd[:NAMED_IN_A_TIDY]
    parts = []
    for table in ("items", "blocks"):
        rows = sorted({pk for t, pk in shown if t == table})
        if rows:
            parts.append(f"{table} row{'s' if len(rows) > 1 else ''} {and_list(map(str, rows))}")
    more = f", and {len(odd) - len(shown)} more" if len(odd) > len(shown) else ""
    return "; ".join(parts) + more


def _dense(column: str) -> str:
    """True for a group whose `column` is not exactly 0..n-1."""
    return (
        f"(COUNT(*) != COUNT(DISTINCT {column}) OR MIN({column}) != 0 "
        f"OR MAX({column}) != COUNT(*) - 1 OR SUM(typeof({column}) != 'integer') > 0)"
    )


# (Lists and blocks by the owner and the block as the board reads them, as `_densify`.)
_UNTIDY_SQL = (
    f"SELECT EXISTS (SELECT 1 FROM items WHERE quarter_id = :q GROUP BY {_OWNER} "
    f"HAVING {_dense('position')}) "
    "OR EXISTS (SELECT 1 FROM items WHERE quarter_id = :q AND block_id IS NOT NULL "
    f"AND {_BLOCK} IS NOT NULL AND {IN_BLOCK} GROUP BY {_BLOCK} "
    f"HAVING {_dense('place_position')}) "
    "OR (SELECT COUNT(*) > 0 AND "
    f"{_dense('place_position')} FROM items WHERE quarter_id = :q AND status = 'dropped') "
    "OR EXISTS (SELECT 1 FROM items WHERE quarter_id = :q AND block_id IS NULL "
    "AND status = 'open' AND place_position IS NOT NULL) "
    f"OR (SELECT COUNT(*) > 0 AND {_dense('position')} FROM blocks WHERE quarter_id = :q)"
)
