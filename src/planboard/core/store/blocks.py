"""Blocks: create, edit, reorder, delete."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import ValidationError
from ..model import MAX_NAME, MAX_NOTES, Block, Change, Place
from ..rules import why_not_remove_block
from .core import _UNSET, _quote
from .placing import StorePlacing
from .since import as_shown, check_since
from .tx import _Tx

# The fields a block's form writes, as a refusal names them (`check_since`).
BLOCK_FIELDS = {"name": "its name", "description": "its case", "effort": "its effort"}


class BlockCommands(StorePlacing):
    """Blocks: create, edit, reorder, delete."""

    def add_block(
        self,
        quarter_id: int,
        name: str,
        description: str = "",
        effort: float | str | None = None,
        index: int | None = None,
        *,
        item_ids: Sequence[int] = (),
        loose_only: bool = False,
    ) -> Change:
        """Create a block (at the end, or at `index`), and move `item_ids` into it in
        the same action. `loose_only`: the items must still be open on their lists (a
        suggested block, taken after one of its items was dropped, merged or put in a
        block: nothing is made, rather than the item taken back silently)."""
        name = self._title(name, "block name", MAX_NAME)
        description = self._notes(description, "description")
        effort_value = self._effort(effort)
        with self._write() as tx:
            self._check_quarter_writable(quarter_id, tx)
            rows = [(b.id, b.position) for b in self.blocks(quarter_id)]
            index = len(rows) if index is None else max(0, min(index, len(rows)))
            block_id = tx.insert(
                "blocks",
                {
                    "quarter_id": quarter_id,
                    "name": name,
                    "description": description,
                    "effort": effort_value,
                    "position": index,
                    "created_at": self.clock(),
                },
            )
            tx.renumber(
                "blocks", "position", [*rows[:index], (block_id, index), *rows[index:]], None
            )
            self._take_into(tx, quarter_id, block_id, item_ids, loose_only)
            summary = f"Created block {_quote(name)}"
            if item_ids:
                summary += f" with {len(item_ids)} item{'s' if len(item_ids) != 1 else ''}"
            return self._finish(
                tx,
                "add_block",
                summary,
                quarter_id,
                block_id=block_id,
                item_id=item_ids[0] if len(item_ids) == 1 else None,
            )

    def _take_into(
        self,
        tx: Any,
        quarter_id: int,
        block_id: int,
        item_ids: Sequence[int],
        loose_only: bool,
    ) -> None:
        """Move the items into a new block, in `add_block`'s transaction."""
        for item_id in item_ids:
            item = self.item(item_id)
            if item.quarter_id != quarter_id:
                raise ValidationError("That item belongs to another quarter.")
            if loose_only and (
                item.status != "open" or item.block_id is not None or item.is_merged
            ):
                raise ValidationError(
                    f"{_quote(item.title)} is no longer on its list (dropped, merged or "
                    "put in a block since): nothing was changed."
                )
            self._leave(tx, item)
            self._enter(
                tx,
                item,
                Place.block(block_id),
                None,
                {"block_id": block_id, "status": "open", "drop_reason": None},
            )

    def edit_block(
        self,
        block_id: int,
        *,
        name: str | None = None,
        description: str | None = None,
        effort: float | str | None = _UNSET,
        since: Block | None = None,
    ) -> Change:
        """Edit a block. `since`: the block as the form showed it (`check_since`)."""
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = self._title(name, "block name", MAX_NAME)
        if description is not None:
            values["description"] = self._notes(description, "description")
        if effort is not _UNSET:
            values["effort"] = self._effort(effort)
        with self._write() as tx:
            block = self.block(block_id)
            self._check_quarter_writable(block.quarter_id, tx)
            check_since(
                f"Block {_quote(as_shown(since or block).name)}", block, since, values, BLOCK_FIELDS
            )
            tx.update("blocks", block_id, values)
            what = "Renamed" if "name" in values and values["name"] != block.name else "Edited"
            return self._finish(
                tx,
                "edit_block",
                f"{what} block {_quote(values.get('name', block.name))}",
                block.quarter_id,
                block_id=block_id,
            )

    def move_block(self, block_id: int, index: int) -> Change:
        with self._write() as tx:
            block = self.block(block_id)
            self._check_quarter_writable(block.quarter_id, tx)
            rows = [(b.id, b.position) for b in self.blocks(block.quarter_id) if b.id != block_id]
            index = max(0, min(index, len(rows)))
            ordered = [*rows[:index], (block_id, block.position), *rows[index:]]
            tx.renumber("blocks", "position", ordered, None)
            return self._finish(
                tx,
                "move_block",
                f"Reordered block {_quote(block.name)}",
                block.quarter_id,
                block_id=block_id,
            )

    def shift_block(self, block_id: int, delta: int) -> Change:
        block = self.block(block_id)
        ids = [b.id for b in self.blocks(block.quarter_id)]
        return self.move_block(block_id, max(0, ids.index(block_id) + delta))

    def delete_block(self, block_id: int) -> Change:
        """Delete a block; its items go back to their own lists."""
        with self._write() as tx:
            block = self.block(block_id)
            self._check_quarter_writable(block.quarter_id, tx)
            if why := why_not_remove_block(_quote(block.name), block.choice):
                raise ValidationError(why)
            for item_id, _ in self._place_rows(block.quarter_id, Place.block(block_id)):
                tx.update("items", item_id, {"block_id": None, "place_position": None})
            self._remove_block(tx, block)
            return self._finish(
                tx,
                "delete_block",
                f"Deleted block {_quote(block.name)}",
                block.quarter_id,
                block_id=block_id,
            )

    def drop_block(self, block_id: int, reason: str) -> Change:
        """Drop a whole block: each of its items goes to the dropped area (after what
        was dropped before, in the block's order) with the reason and the block's name,
        and the block goes, its dots with it. One action; the items are kept, never
        deleted, and undo brings the block back."""
        reason = self._title(reason, "reason", MAX_NOTES)
        with self._write() as tx:
            block = self.block(block_id)
            self._check_quarter_writable(block.quarter_id, tx)
            if why := why_not_remove_block(_quote(block.name), block.choice):
                raise ValidationError(why)
            said = f"{reason} (block {_quote(block.name)})"[:MAX_NOTES]
            items = self.items_at(block.quarter_id, Place.block(block_id))
            for item in items:  # (the block goes: no gap to close behind them)
                values = {"status": "dropped", "drop_reason": said, "block_id": None}
                self._enter(tx, item, Place.dropped(), None, values)
            self._remove_block(tx, block)
            count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
            return self._finish(
                tx,
                "drop_block",
                f"Dropped block {_quote(block.name)} and its {count}",
                block.quarter_id,
                block_id=block_id,
            )

    def _remove_block(self, tx: _Tx, block: Block) -> None:
        """The block's row and its dots go, once its items are elsewhere; the blocks
        after it move up. Refused if a later quarter carries it over."""
        later = self._carried_to("blocks", "id = ?", (block.id,))
        if later:
            raise ValidationError(
                f"Block {_quote(block.name)} was carried over to {later}: it stays here "
                "(drop its items one by one instead)."
            )
        for (item_id,) in self.conn.execute(
            # Dropped and in this block too (another program's row): it stays where
            # it shows, among the dropped items, and lets go of the block.
            "SELECT id FROM items WHERE block_id = ? AND status = 'dropped'",
            (block.id,),
        ).fetchall():
            tx.update("items", item_id, {"block_id": None})
        for (vote_id,) in self.conn.execute(
            "SELECT id FROM votes WHERE block_id = ?", (block.id,)
        ).fetchall():
            tx.delete("votes", vote_id)
        tx.delete("blocks", block.id)
        rows = [(b.id, b.position) for b in self.blocks(block.quarter_id)]
        tx.renumber("blocks", "position", rows, None)
