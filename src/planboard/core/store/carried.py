"""The carried-on rule, in one place: an item (or a block) a later quarter carried over is
open there, so it is never chosen here, in a chosen block; and what a later quarter
carried over can't be deleted. A move, a merge and a choice ask before they write;
an undo or a redo, which writes rows back as they were, asks after (its write is then
rolled back)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import ValidationError
from ..model import Item
from .core import _quote
from .reading import StoreReads


class CarriedRule(StoreReads):
    def _carried_to(
        self, table: str, where: str, args: tuple[Any, ...], *, elsewhere: bool = False
    ) -> str | None:
        """The quarter that carries over some of these rows (of `table`, picked by
        `where`): its copies point at them (`carried_from`). `elsewhere`: only a copy in
        another quarter counts (one in the same quarter, another program's, carries
        nothing on, though it still keeps the row from being deleted). None if none."""
        # (`unlikely`: by the index on `carried_from`. The planner's statistics, where
        # few rows are carried, would read the whole table instead: a few milliseconds a
        # move at 50,000 items.)
        later = self.conn.execute(
            f"SELECT q.name FROM {table} c JOIN quarters q ON q.id = c.quarter_id "
            f"JOIN {table} o ON o.id = c.carried_from "
            f"WHERE unlikely(c.carried_from IN (SELECT id FROM {table} WHERE {where})) "
            f"{'AND c.quarter_id IS NOT o.quarter_id ' if elsewhere else ''}LIMIT 1",
            args,
        ).fetchone()
        return None if later is None else str(later[0])

    def _check_not_carried_on(self, item: Item, *, into: str = "a chosen block") -> None:
        """Refuse to put into a chosen block an item a later quarter carried on (from a
        quarter reopened, or started while this one was prepared), or one a request it
        carried on is merged into: it would be chosen here and open there."""
        later = self._carried_to(  # (each side by its index: `OR merged_into = ?1` scanned)
            "items",
            "id = ?1 OR id IN (SELECT id FROM items WHERE merged_into = ?1)",
            (item.id,),
            elsewhere=True,
        )
        if later is not None:
            merged = bool(self.merged_into(item.id))
            raise ValidationError(
                f"{_quote(item.title)}{' (or a request merged into it)' if merged else ''}"
                f" was carried into {later}, where it is open; in {into} it would be chosen "
                f"here too. Remove it from {later} first, or leave it out of the chosen blocks."
            )

    def _check_chosen_not_carried(self, items: Sequence[int], blocks: Sequence[int]) -> None:
        """The rule over rows as they are now (written back by an undo or a redo, or a
        block just chosen), each part read as a set: no chosen block carried over as not
        chosen, no copy back while what it came from is chosen, and none of these items
        (or the item one is merged into), nor any item of these blocks, in a chosen
        block while a later quarter carries it (or a request merged into it) on."""
        touched, picked = _json_text(list(items)), _json_text(list(blocks))
        self._check_blocks_carried(picked)
        self._check_copies_back(touched)
        survivors = _json_text(self._by_id("coalesce(merged_into, id)", items, also=items))
        found = self.conn.execute(
            "WITH chosen(id) AS (SELECT i.id FROM items i JOIN blocks b ON b.id = i.block_id "
            "WHERE i.id IN (SELECT value FROM json_each(?1)) AND b.choice IS NOT NULL UNION "
            "SELECT i.id FROM items i JOIN blocks b ON b.id = i.block_id WHERE i.block_id "
            "IN (SELECT value FROM json_each(?2)) AND b.choice IS NOT NULL) "
            "SELECT coalesce(o.merged_into, o.id) FROM items c JOIN items o "
            "ON o.id = c.carried_from WHERE unlikely(c.carried_from IN (SELECT id FROM chosen "
            "UNION ALL SELECT m.id FROM items m WHERE m.merged_into IN chosen)) "
            "AND c.quarter_id IS NOT o.quarter_id LIMIT 1",
            (survivors, picked),
        ).fetchone()
        if found is not None:  # (said as a move into its block says it)
            item = self.item(int(found[0]))
            self._check_not_carried_on(item, into=_quote(self.block(item.block_id or 0).name))

    def _check_blocks_carried(self, picked: str) -> None:
        """No chosen block among these (or the blocks these were carried from) that a
        later quarter carried over as not chosen."""
        chosen = self.conn.execute(
            "SELECT b.id, b.name, q.name, b.id IN (SELECT value FROM json_each(?1)) "
            "FROM blocks b JOIN quarters q ON q.id = b.quarter_id WHERE b.choice IS NOT NULL "
            "AND b.id IN (SELECT value FROM json_each(?1) UNION SELECT carried_from FROM "
            "blocks WHERE id IN (SELECT value FROM json_each(?1)))",
            (picked,),
        ).fetchall()
        for block_id, name, quarter, asked in chosen:
            later = self._carried_to("blocks", "id = ?", (block_id,), elsewhere=True)
            if later is not None and asked:
                raise ValidationError(
                    f"{_quote(name)} was carried into {later} as not chosen; chosen here "
                    f"it would be open there too. Remove it from {later} first, or choose "
                    "another block."
                )
            if later is not None:  # (its copy back in a later quarter)
                raise ValidationError(
                    f"{_quote(name)} is chosen in {quarter}: its copy back in {later} would "
                    f"be open there too. Unchoose it in {quarter} first."
                )

    def _check_copies_back(self, touched: str) -> None:
        """No copy among these whose original (or the item it is merged into) is in a
        chosen block of the original's quarter: said from that quarter's side."""
        found = self.conn.execute(
            "SELECT o.title, b.name, q.name, cq.name FROM items c "
            "JOIN items o ON o.id = c.carried_from LEFT JOIN items s ON s.id = o.merged_into "
            "JOIN blocks b ON b.id = coalesce(s.block_id, o.block_id) "
            "JOIN quarters q ON q.id = o.quarter_id JOIN quarters cq ON cq.id = c.quarter_id "
            "WHERE c.id IN (SELECT value FROM json_each(?1)) AND b.choice IS NOT NULL "
            "AND c.quarter_id IS NOT o.quarter_id LIMIT 1",
            (touched,),
        ).fetchone()
        if found is not None:
            title, block, quarter, later = found
            raise ValidationError(
                f"{_quote(title)} is in {_quote(block)}, a chosen block of {quarter}: its "
                f"copy back in {later} would be open there while chosen in {quarter}. Take "
                f"it out of {_quote(block)} in {quarter} first."
            )

    def _carried_away(self, steps: Sequence[tuple[str, Any, Any, Any]]) -> str:
        """Why a replay that removes rows can't: one of them (an item or a block) was
        carried into a later quarter since, whose copy comes from it (the file's foreign
        key refuses the delete), said with the way out; "" if none was."""
        for table, name in (("blocks", "name"), ("items", "title")):
            gone = [pk for kind, pk, _, becomes in steps if kind == table and becomes is None]
            if not gone:
                continue
            found = self.conn.execute(
                f"SELECT o.{name}, q.name FROM {table} c JOIN {table} o ON o.id = c.carried_from "
                "JOIN quarters q ON q.id = c.quarter_id WHERE unlikely(c.carried_from IN "
                "(SELECT value FROM json_each(?))) LIMIT 1",
                (_json_text(gone),),
            ).fetchone()
            if found is not None:
                what = "block " if table == "blocks" else ""
                return (
                    f"{what}{_quote(str(found[0]))} was carried into {found[1]} since, whose "
                    f"copy comes from it: remove the copy from {found[1]} first"
                )
        return ""

    def _by_id(self, value: str, ids: Sequence[int], also: Sequence[int] = ()) -> list[int]:
        """`value` (an expression of an items row) for each of these items, read by
        their ids, with `also`."""
        found = self.conn.execute(
            f"SELECT DISTINCT {value} FROM items WHERE id IN (SELECT value FROM json_each(?))",
            (_json_text(list(ids)),),
        )
        return sorted({*also, *(int(v) for (v,) in found if type(v) is int)})


def _json_text(values: list[int]) -> str:
    """Ids as a JSON array, for SQLite's `json_each` (`json` imported at the first check,
    not before the board's first frame)."""
    import json

    return json.dumps(values)
