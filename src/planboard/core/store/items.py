"""Items: add, edit, remove, move, drop, restore, merge and un-merge, pairs marked as
not the same, and the meaning vectors kept for them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from itertools import chain
from typing import Any

from ..errors import ConflictError, PlanboardError, ValidationError
from ..model import MAX_NOTES, Change, Item, Place
from ..rows import ITEM_COLUMNS
from ..rules import move_verdict
from ..vectors import Vectors
from ..wal import identity as _identity
from .core import _UNSET, _quote, _reads
from .placing import StorePlacing
from .reading import most_of_the_file
from .since import as_shown, check_since
from .tx import _Tx

# The fields an item's form writes, as a refusal names them (`check_since`).
ITEM_FIELDS = {
    "title": "its title",
    "notes": "its notes",
    "effort": "its effort",
    "drop_reason": "its reason",
    "stakeholder_id": "its list",
}


class ItemCommands(StorePlacing):
    """Items: add, edit, remove, move, drop, restore, merge, not-the-same pairs, vectors."""

    def add_item(
        self,
        quarter_id: int,
        stakeholder_id: int | None,
        title: str,
        notes: str = "",
        effort: float | str | None = None,
        *,
        block_id: int | None = None,
    ) -> Change:
        """Add an item at the end of the team's list or a stakeholder's list (and,
        with `block_id`, straight into that block, in the same action)."""
        title = self._title(title)
        notes = self._notes(notes)
        effort_value = self._effort(effort)
        with self._write() as tx:
            self._check_quarter_writable(quarter_id, tx)
            if stakeholder_id is not None:
                self.stakeholder(stakeholder_id)
            position = self._after_last(tx, quarter_id, stakeholder_id)
            item_id = tx.insert(
                "items",
                {
                    "quarter_id": quarter_id,
                    "stakeholder_id": stakeholder_id,
                    "title": title,
                    "notes": notes,
                    "effort": effort_value,
                    "status": "open",
                    "position": position,
                    "created_at": self.clock(),
                },
            )
            owner = self._owner_name(stakeholder_id)
            summary = f"Added {_quote(title)} to {owner}'s list"
            if block_id is not None:
                block = self._block_in(quarter_id, block_id)
                item = self.item(item_id)
                self._enter(tx, item, Place.block(block_id), None, {"block_id": block_id})
                summary += f", in block {_quote(block.name)}"
            return self._finish(tx, "add_item", summary, quarter_id, item_id=item_id)

    def edit_item(
        self,
        item_id: int,
        *,
        title: str | None = None,
        notes: str | None = None,
        effort: float | str | None = _UNSET,
        drop_reason: str | None = None,
        stakeholder_id: int | None = _UNSET,
        since: Item | None = None,
    ) -> Change:
        """Edit an item; a new `stakeholder_id` moves it to the end of that list (None:
        the team's), wherever it sits now. `since`: the item as the form showed it (a
        field another program changed since is not written over: `check_since`)."""
        values: dict[str, Any] = {}
        if title is not None:
            values["title"] = self._title(title)
        if notes is not None:
            values["notes"] = self._notes(notes)
        if effort is not _UNSET:
            values["effort"] = self._effort(effort)
        with self._write() as tx:
            item = self.item(item_id)
            self._check_quarter_writable(item.quarter_id, tx)
            if drop_reason is not None and item.status == "dropped":
                values["drop_reason"] = self._title(drop_reason, "reason", MAX_NOTES)
            summary = f"Edited {_quote(values.get('title', item.title))}"
            if stakeholder_id is not _UNSET:
                values["stakeholder_id"] = stakeholder_id
            check_since(
                _quote(as_shown(since or item).title),  # (named as the form showed it)
                item,
                since,
                values,
                ITEM_FIELDS,
                {"stakeholder_id": self._list_of},
            )
            if values.pop("stakeholder_id", item.stakeholder_id) != item.stakeholder_id:
                if stakeholder_id is not None:
                    self.stakeholder(stakeholder_id)
                values["stakeholder_id"] = stakeholder_id
                values["position"] = self._after_last(tx, item.quarter_id, stakeholder_id)
                summary += f", now on {self._owner_name(stakeholder_id)}'s list"
            tx.update("items", item_id, values)
            if "stakeholder_id" in values:
                old_list = self._list_rows(item.quarter_id, item.stakeholder_id)
                tx.renumber("items", "position", [(r[0], r[1]) for r in old_list], item.home)
            return self._finish(tx, "edit_item", summary, item.quarter_id, item_id=item_id)

    def _list_of(self, stakeholder_id: int | None) -> str:
        return f"{self._owner_name(stakeholder_id)}'s"

    def remove_item(self, item_id: int) -> Change:
        """Delete an item for good (dropping keeps it; this is for mistakes). Requests
        merged into it go back to their lists."""
        with self._write() as tx:
            item = self.item(item_id)
            self._check_quarter_writable(item.quarter_id, tx)
            later = self._carried_to("items", "id = ?", (item_id,))
            if later:
                raise ValidationError(
                    f"{_quote(item.title)} was carried over to {later}: it stays here "
                    "(drop it instead)."
                )
            self._release_merged(tx, item.id)
            self._leave(tx, item)
            tx.delete("items", item_id)
            rows = self._list_rows(item.quarter_id, item.stakeholder_id)
            tx.renumber("items", "position", [(r[0], r[1]) for r in rows], item.home)
            return self._finish(
                tx,
                "remove_item",
                f"Removed {_quote(item.title)}",
                item.quarter_id,
                item_id=item_id,
            )

    def move_item(
        self, item_id: int, target: Place, index: int | None = None, source: Place | None = None
    ) -> Change:
        """Move an item to a block or back to its own list, at `index` (end if None).

        Within the same place this reorders. An item only ever goes back to its own
        list; to the dropped area it goes through `drop_item`, which asks a reason.
        `source`: where the user saw it (a drag's start); refused if another program
        has moved it since (`_check_still_at`).
        """
        with self._write(move=True) as tx:
            change = self._move(tx, item_id, target, index, source)
        self._moved_tx(tx)  # (committed)
        return change

    def _move(
        self, tx: _Tx, item_id: int, target: Place, index: int | None, source: Place | None
    ) -> Change:
        """`move_item` in its transaction."""
        item, raw = self._item_as_stored(item_id)
        self._check_quarter_writable(item.quarter_id, tx)
        self._check_still_at(item, source)
        source = item.place
        verdict = move_verdict(item, target)
        if verdict.needs_reason:
            raise ValidationError("Dropping an item needs a reason.")
        if not verdict.allowed:
            raise ValidationError(
                f"{_quote(item.title)} belongs to {self._owner_name(item.stakeholder_id)}'s "
                "list; it can only go back to that list."
            )
        block = self._block_in(item.quarter_id, target.ref or 0, tx) if target.is_block else None
        if block is not None and block.choice is not None and source != target:
            self._check_not_carried_on(item)  # (carried on by a later quarter)
        if source == target:
            if index is None:
                return self._finish(tx, "move_item", "", item.quarter_id, item_id=item_id)
            if target.is_list:
                self._reorder_list(tx, item, index)
            else:
                self._enter(tx, item, target, index, {}, raw)
            summary = f"Reordered {_quote(item.title)}"
            return self._finish(tx, "reorder_item", summary, item.quarter_id, item_id=item_id)
        self._leave(tx, item, raw)  # (its own row left as it is: `raw` still holds)
        open_values = {"status": "open", "drop_reason": None}
        if target.is_block:
            self._enter(tx, item, target, index, {**open_values, "block_id": target.ref}, raw)
        else:
            values = {**open_values, "block_id": None, "place_position": None}
            tx.update("items", item.id, values, raw)
            if index is not None:
                self._reorder_list(tx, self.item(item_id), index)
        verb = "Restored" if source.is_dropped else "Moved"
        summary = f"{verb} {_quote(item.title)} to {self._place_label(target, block)}"
        return self._finish(tx, "move_item", summary, item.quarter_id, item_id=item_id)

    def shift_item(self, item_id: int, delta: int) -> Change:
        """Move an item `delta` places up (negative) or down within where it is."""
        item = self.item(item_id)
        return self.move_item(item_id, item.place, max(0, self._shown_index(item) + delta))

    def drop_item(
        self, item_id: int, reason: str, index: int | None = None, source: Place | None = None
    ) -> Change:
        """Eliminate an item for the quarter, with a reason. It is kept, never deleted.
        `source`: where the user saw it (as `move_item`)."""
        reason = self._title(reason, "reason", MAX_NOTES)
        with self._write() as tx:
            item = self.item(item_id)
            self._check_quarter_writable(item.quarter_id, tx)
            self._check_still_at(item, source)
            if item.status == "dropped":
                tx.update("items", item_id, {"drop_reason": reason})
                if index is not None:
                    self._enter(tx, item, Place.dropped(), index, {})
                return self._finish(
                    tx,
                    "drop_item",
                    f"Changed why {_quote(item.title)} is dropped",
                    item.quarter_id,
                    item_id=item_id,
                )
            self._leave(tx, item)
            values = {"status": "dropped", "drop_reason": reason, "block_id": None}
            self._enter(tx, item, Place.dropped(), index, values)
            return self._finish(
                tx,
                "drop_item",
                f"Dropped {_quote(item.title)}",
                item.quarter_id,
                item_id=item_id,
            )

    def _check_still_at(self, item: Item, source: Place | None) -> None:
        """Refuse to move or drop an item another program has moved since the user saw
        it at `source` (a drag held while it was dropped restored it on release)."""
        if source is None or item.place == source:
            return
        try:
            now = self._place_label(item.place)
        except PlanboardError:  # (a block another program deleted)
            now = "elsewhere"
        raise ConflictError(
            f"{_quote(item.title)} was moved by another program meanwhile (it is now "
            f"{now}): nothing changed."
        )

    def restore_item(self, item_id: int) -> Change:
        """Send an item back to its own list (from a block or the dropped area)."""
        return self.move_item(item_id, self.item(item_id).home)

    @_reads
    def merged_map(self, quarter_id: int) -> dict[int, list[Item]]:
        """Every merged request of a quarter, by the item it was merged into."""
        rows = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE quarter_id = ? AND merged_into IS NOT NULL "
            "ORDER BY id",
            (quarter_id,),
        )
        found: dict[int, list[Item]] = {}
        for row in rows:
            item = Item(*row)
            found.setdefault(item.merged_into or 0, []).append(item)
        return found

    def merge_items(self, survivor_id: int, item_ids: Sequence[int]) -> Change:
        """Merge near-duplicates into one item. The others leave the board but are
        kept, linked to it (who asked, in their words), and can be un-merged."""
        with self._write() as tx:
            survivor = self.item(survivor_id)
            self._check_quarter_writable(survivor.quarter_id, tx)
            if survivor.is_merged:
                raise ValidationError("That item is itself merged into another one.")
            merged = 0
            for item_id in dict.fromkeys(item_ids):
                if item_id == survivor_id:
                    continue
                item = self.item(item_id)
                if item.quarter_id != survivor.quarter_id:
                    raise ValidationError("Only items of the same quarter can be merged.")
                if item.is_merged:
                    continue
                if survivor.block_id is not None and self.block(survivor.block_id).choice:
                    self._check_not_carried_on(item, into=f"{_quote(survivor.title)}'s block")
                for child in self.merged_into(item.id):  # keep one level of links
                    tx.update("items", child.id, {"merged_into": survivor_id})
                self._leave(tx, item)
                tx.update(
                    "items",
                    item.id,
                    {
                        "merged_into": survivor_id,
                        "block_id": None,
                        "status": "open",
                        "drop_reason": None,
                        "place_position": None,
                    },
                )
                merged += 1
            if not merged:
                raise ValidationError("Pick at least one other item to merge.")
            tx.places.add(survivor.place)
            return self._finish(
                tx,
                "merge_items",
                f"Merged {merged} request{'s' if merged != 1 else ''} into "
                f"{_quote(survivor.title)}",
                survivor.quarter_id,
                item_id=survivor_id,
            )

    def unmerge_item(self, item_id: int) -> Change:
        """Undo a merge on purpose: a merged request goes back to its list; an item
        with merged requests lets them all go back."""
        with self._write() as tx:
            item = self.item(item_id)
            self._check_quarter_writable(item.quarter_id, tx)
            if item.is_merged:
                tx.update("items", item.id, {"merged_into": None})
                summary = f"Un-merged {_quote(item.title)}"
            else:
                children = self.merged_into(item.id)
                if not children:
                    raise ValidationError(f"Nothing is merged into {_quote(item.title)}.")
                self._release_merged(tx, item.id)
                summary = (
                    f"Un-merged {len(children)} request{'s' if len(children) != 1 else ''} "
                    f"from {_quote(item.title)}"
                )
            tx.places.add(item.place)
            return self._finish(tx, "unmerge_item", summary, item.quarter_id, item_id=item_id)

    def reject_pair(self, item_id: int, other_id: int) -> Change:
        """Say two items are not the same: they are never suggested together again
        (undo takes it back)."""
        with self._write() as tx:
            first, second = self.item(min(item_id, other_id)), self.item(max(item_id, other_id))
            if first.id == second.id:
                raise ValidationError("An item is always the same as itself.")
            if first.quarter_id != second.quarter_id:
                raise ValidationError("Only items of the same quarter are compared.")
            self._check_quarter_writable(first.quarter_id, tx)
            exists = self.conn.execute(
                "SELECT 1 FROM rejected_pairs WHERE first_id = ? AND second_id = ?",
                (first.id, second.id),
            ).fetchone()
            if exists:
                raise ValidationError("Those two are already marked as not the same.")
            tx.insert(
                "rejected_pairs",
                {
                    "quarter_id": first.quarter_id,
                    "first_id": first.id,
                    "second_id": second.id,
                    "created_at": self.clock(),
                },
            )
            return self._finish(
                tx,
                "reject_pair",
                f"Not the same: {_quote(first.title, 30)} and {_quote(second.title, 30)}",
                first.quarter_id,
                item_id=item_id,
            )

    @_reads
    def item_vectors(self, quarter_id: int) -> Vectors:
        """The stored meaning vectors of a quarter's items: item id to (hash, vector),
        held compactly (`Vectors`), read a row at a time. A vector that is not bytes
        (another program's row) is left out: the title is embedded again."""
        # (A quarter that is most of the file: its items in the table's order, each
        # vector found by its id, the next in the file; through the quarter's index,
        # in the lists' order, each was a lookup elsewhere: `most_of_the_file`.)
        whole = "NOT INDEXED " if most_of_the_file(self.conn, quarter_id) else ""
        rows = self.conn.execute(
            "SELECT v.item_id, v.hash, v.vector FROM item_vectors v "
            f"JOIN items i {whole}ON i.id = v.item_id WHERE i.quarter_id = ?",
            (quarter_id,),
        )
        # (Those not written yet come last, and count: other quarters' are never asked.)
        return Vectors(chain(rows, self._pending_vectors))

    def item_vectors_apart(
        self, quarter_id: int, waiting: Sequence[tuple[Any, str, bytes]]
    ) -> Vectors | None:
        """`item_vectors`, read on a read-only connection of its own (for the overlap
        pass's thread: at 50,000 items the read held the screen for a tenth of a
        second), with `waiting` on top (`waiting_vectors`, taken on the store's own
        thread). None when the path no longer names this store's file, or the file
        could not be read there."""
        from . import Store

        try:
            if _identity(self.path) != self._identity:
                return None
            with Store.open(self.path, create=False, readonly=True) as reader:
                found = reader.item_vectors(quarter_id)
            if _identity(self.path) != self._identity:
                return None
        except (PlanboardError, sqlite3.Error, OSError):
            return None
        return found.with_new(waiting) if waiting else found
