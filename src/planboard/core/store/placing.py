"""What every command shares: the checks on typed values, and where an item sits in its
list, its block or the dropped area (positions kept 0..n-1).
"""

from __future__ import annotations

from typing import Any

from ..errors import ConflictError, NotFoundError, ValidationError
from ..model import (
    IN_BLOCK,
    MAX_NAME,
    MAX_NOTES,
    MAX_TITLE,
    ON_LIST,
    STAKEHOLDER_COLOURS,
    Block,
    Item,
    Place,
)
from ..rows import ITEM_COLUMNS
from ..rules import stakeholder_name_problem, why_not_choose
from ..text import clean_line, clean_multiline, length, same_name, shows_anything
from .carried import CarriedRule
from .core import _quote, _reads
from .tx import _Tx

SAFE_POSITION = 2**53  # a list position past this is another program's: renumbered first
# An item's columns as read (`ITEM_COLUMNS`), then as stored, those a move or a drop
# writes and those saying its quarter and its place.
_STORED = ("quarter_id", "stakeholder_id", "status", "block_id", "drop_reason", "place_position")
_ITEM_AS_STORED = (
    f"SELECT {ITEM_COLUMNS}, {', '.join(f'items.{c}' for c in _STORED)} FROM items WHERE id = ?"
)


class StorePlacing(CarriedRule):
    """What every command shares: checks on typed values, and where an item sits."""

    @staticmethod
    def _title(value: str, what: str = "title", limit: int = MAX_TITLE) -> str:
        text = clean_line(value)
        if not shows_anything(text):  # (nothing, or marks that show nothing: U+200B)
            raise ValidationError(f"The {what} can't be empty.")
        if length(text) > limit:
            raise ValidationError(
                f"The {what} is {length(text)} characters long; keep it to {limit} or fewer."
            )
        return text

    def _stakeholder_named(
        self, name: str, *, other_than: int | None = None
    ) -> tuple[int, int] | None:
        """(id, archived) of the stakeholder called `name`: written exactly so first,
        else the same name however its case and accents are written (`same_name`:
        "Re\u0301gion" and "région" are one name; SQLite's NOCASE saw two)."""
        rows = [
            row
            for row in self.conn.execute("SELECT id, name, archived FROM stakeholders")
            if row[0] != other_than and isinstance(row[1], str)
        ]
        wanted = same_name(name)
        for exact in (True, False):
            for stakeholder_id, stored, archived in rows:
                if stored == name if exact else same_name(stored) == wanted:
                    return stakeholder_id, int(bool(archived))
        return None

    def _name_taken(self, name: str, stakeholder_id: int) -> str:
        """Why `name` can't be given: the stakeholder `stakeholder_id` has it, named as
        the file writes it ("cfo" asked for: "CFO" is there)."""
        row = self.conn.execute(
            "SELECT name FROM stakeholders WHERE id = ?", (stakeholder_id,)
        ).fetchone()
        stored = row[0] if row is not None and isinstance(row[0], str) else name
        if stored == name:
            return f"There is already a stakeholder called {name!r}."
        return f"There is already a stakeholder called {stored!r} ({name!r} is the same name)."

    @classmethod
    def _stakeholder_name(cls, value: str, what: str = "name") -> str:
        name = cls._title(value, what, MAX_NAME)
        problem = stakeholder_name_problem(name)
        if problem:
            raise ValidationError(problem)
        return name

    @staticmethod
    def _optional_line(value: str | None, what: str, limit: int = MAX_NAME) -> str:
        text = clean_line(value)
        if length(text) > limit:
            raise ValidationError(
                f"The {what} is {length(text)} characters long; keep it to {limit} or fewer."
            )
        return text

    @staticmethod
    def _notes(value: str | None, what: str = "notes") -> str:
        text = clean_multiline(value)
        if length(text) > MAX_NOTES:
            raise ValidationError(
                f"The {what} are {length(text)} characters long; keep them to {MAX_NOTES} or fewer."
            )
        return text

    @staticmethod
    def _effort(value: float | str | None) -> float | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationError(f"Effort must be a number of days, not {value!r}.") from None
        if not (0 <= number <= 10000) or number != number:
            raise ValidationError("Effort must be between 0 and 10000 days.")
        return number

    def _list_rows(
        self, quarter_id: int, stakeholder_id: int | None
    ) -> list[tuple[int, int, bool]]:
        """The whole list (id, position, shown on the list), in order."""
        rows = self.conn.execute(
            f"SELECT id, position, {ON_LIST} FROM items "
            "WHERE quarter_id = ? AND stakeholder_id IS ? ORDER BY position, id",
            (quarter_id, stakeholder_id),
        )
        return [(r[0], r[1], bool(r[2])) for r in rows]

    def _after_last(self, tx: _Tx, quarter_id: int, stakeholder_id: int | None) -> int:
        """The position after a list's last item. Past a position no count reaches, or
        one that is not a whole number (another program's: one more than SQLite's
        largest was a REAL, the same for every item an import added), the list is
        numbered 0..n-1 again first, in its order, as part of this action."""
        position = self.conn.execute(
            "SELECT COALESCE(MAX(position) + 1, 0) FROM items "
            "WHERE quarter_id = ? AND stakeholder_id IS ?",
            (quarter_id, stakeholder_id),
        ).fetchone()[0]
        if type(position) is int and 0 <= position < SAFE_POSITION:
            return position
        rows = self._list_rows(quarter_id, stakeholder_id)
        home = Place.team() if stakeholder_id is None else Place.of_list(stakeholder_id)
        tx.renumber("items", "position", [(r[0], r[1]) for r in rows], home)
        return len(rows)

    def _check_choosable(self, block_id: int, name: str, *, chosen: bool = False) -> None:
        """Refuses a block that can't be one of the quarter's choices (`why_not_choose`):
        at a choice, and again at the decision (`chosen`: it may have been emptied since)."""
        (count,) = self.conn.execute(
            f"SELECT COUNT(*) FROM items WHERE block_id = ? AND {IN_BLOCK}", (block_id,)
        ).fetchone()
        if problem := why_not_choose(_quote(name), count, chosen=chosen):
            raise ValidationError(problem)

    def _place_rows(self, quarter_id: int, place: Place) -> list[tuple[int, int | None]]:
        """A block's or the dropped area's items (id, place_position), in order."""
        if place.is_block:
            # (`IN_BLOCK`: a row another program left dropped and in this block keeps
            # its place among the dropped items, where it shows; numbered here, a move
            # into the block would reorder the dropped area.)
            rows = self.conn.execute(
                f"SELECT id, place_position FROM items WHERE block_id = ? AND {IN_BLOCK} "
                "ORDER BY place_position, id",
                (place.ref,),
            )
        else:
            rows = self.conn.execute(
                "SELECT id, place_position FROM items WHERE quarter_id = ? AND status = 'dropped' "
                "ORDER BY place_position, id",
                (quarter_id,),
            )
        return [(r[0], r[1]) for r in rows]

    def _numbered(
        self, tx: _Tx, quarter_id: int, place: Place, but: int, raw: dict[str, Any] | None = None
    ) -> int | None:
        """How many items a block or the dropped area holds besides `but`, if they are
        numbered 0..n-1 as they should be (None if not: a gap, a tie, a position
        missing). Counted in the index, without reading the rows: at 50,000 items a
        block holds hundreds and the dropped area thousands. Given `raw`, `but`'s row as
        read in this transaction (`_item_as_stored`), a place `tx` knows is in order
        (`tx.in_order`, with how many it holds) is not counted: the row says whether
        `but` is there, and where."""
        known = tx.in_order.get((quarter_id, place))
        if known is not None and raw is not None:
            if place.is_block:  # (what `IN_BLOCK` and the dropped area ask of a row)
                there = raw["block_id"] == place.ref and raw["status"] != "dropped"
            else:
                there = raw["quarter_id"] == quarter_id and raw["status"] == "dropped"
            mine = raw["place_position"] if there else None
            if mine is None:
                return known
            return known - 1 if mine == known - 1 else None
        if place.is_block:
            where, key = f"block_id = ? AND {IN_BLOCK}", place.ref
        else:
            where, key = "quarter_id = ? AND status = 'dropped'", quarter_id
        count, distinct, low, high = self.conn.execute(
            "SELECT count(*), count(DISTINCT place_position), min(place_position), "
            f"max(place_position) FROM items WHERE {where} AND id != ?",
            (key, but),
        ).fetchone()
        if count == 0:
            return 0
        return count if distinct == count and low == 0 and high == count - 1 else None

    @_reads
    def _item_as_stored(self, item_id: int) -> tuple[Item, dict[str, Any]]:
        """An item, and in the same read the columns a move writes and its quarter and
        place, as the file holds them (what its record says they were: `_Tx.update`)."""
        row = self.conn.execute(_ITEM_AS_STORED, (item_id,)).fetchone()
        if row is None:
            raise NotFoundError("That item no longer exists.")
        return Item(*row[: -len(_STORED)]), dict(zip(_STORED, row[-len(_STORED) :], strict=True))

    def _leave(self, tx: _Tx, item: Item, raw: dict[str, Any] | None = None) -> None:
        """Close the gap an item leaves in its block or the dropped area (`raw`: as
        `_numbered`)."""
        place = item.place
        if place.is_list:
            return
        left = self._numbered(tx, item.quarter_id, place, item.id, raw)
        if left is None:
            rows = [r for r in self._place_rows(item.quarter_id, place) if r[0] != item.id]
            tx.renumber("items", "place_position", rows, place)
            left = len(rows)
        # (else it was the last: the others keep their numbers)
        tx.numbered[(item.quarter_id, place)] = left

    def _enter(
        self,
        tx: _Tx,
        item: Item,
        place: Place,
        index: int | None,
        values: dict[str, Any],
        raw: dict[str, Any] | None = None,
    ) -> int:
        """Put an item into a block or the dropped area at `index` (end if None).
        `raw`: its row's columns as stored, if nothing wrote to it since they were
        read (`_item_as_stored`)."""
        end = self._numbered(tx, item.quarter_id, place, item.id, raw) if index is None else None
        if end is not None:  # at the end of a place in order: nothing else moves
            tx.update("items", item.id, {**values, "place_position": end}, raw)
            tx.numbered[(item.quarter_id, place)] = end + 1
            return end
        rows = [r for r in self._place_rows(item.quarter_id, place) if r[0] != item.id]
        index = len(rows) if index is None else max(0, min(index, len(rows)))
        tx.update("items", item.id, {**values, "place_position": index}, raw)
        others = [*rows[:index], (item.id, index), *rows[index:]]
        tx.renumber("items", "place_position", [r for r in others], place)
        tx.numbered[(item.quarter_id, place)] = len(others)
        return index

    def _reorder_list(self, tx: _Tx, item: Item, index: int) -> None:
        """Move an item to the `index`-th shown position of its own list."""
        rows = self._list_rows(item.quarter_id, item.stakeholder_id)
        others = [r for r in rows if r[0] != item.id]
        shown = [r for r in others if r[2]]
        me = next(r for r in rows if r[0] == item.id)
        index = max(0, min(index, len(shown)))
        if me[2] and [r[0] for r in rows if r[2]].index(item.id) == index:
            return  # already there: nothing a user could see would change
        if index < len(shown):
            at = others.index(shown[index])
        elif shown:
            at = others.index(shown[-1]) + 1
        else:
            at = len(others)
        ordered = [*others[:at], me, *others[at:]]
        tx.renumber("items", "position", [(r[0], r[1]) for r in ordered], item.home)

    def _shown_index(self, item: Item) -> int:
        if item.place.is_list:
            rows = [r for r in self._list_rows(item.quarter_id, item.stakeholder_id) if r[2]]
        else:
            rows = [(r[0], r[1] or 0, True) for r in self._place_rows(item.quarter_id, item.place)]
        found = next((i for i, r in enumerate(rows) if r[0] == item.id), None)
        if found is None:  # (merged into another item since, by another program, …)
            raise ConflictError(
                f"{_quote(item.title)} is not shown where it is any more (merged into "
                "another item, perhaps by another program): nothing changed."
            )
        return found

    def _block_in(self, quarter_id: int, block_id: int, tx: _Tx | None = None) -> Block:
        """The block `block_id`, refused if it is not `quarter_id`'s. Given a move's
        `tx`, a block it knows already (`StoreCore._move_tx`) is not read again."""
        block = tx.blocks_read.get(block_id) if tx is not None else None
        if block is None:
            block = self.block(block_id)
            if tx is not None:
                tx.blocks_read[block_id] = block
        if block.quarter_id != quarter_id:
            raise ValidationError("That block belongs to another quarter.")
        return block

    def _owner_name(self, stakeholder_id: int | None) -> str:
        if stakeholder_id is None:
            return "the team"
        return self.stakeholder(stakeholder_id).name

    def _place_label(self, place: Place, block: Block | None = None) -> str:
        """How a summary names a place (`block`: the place's block, read already)."""
        if place.is_block:
            block = block if block is not None else self.block(place.ref or 0)
            return f"block {_quote(block.name)}"
        if place.is_dropped:
            return "dropped"
        return "the team's list" if place.ref is None else f"{self._owner_name(place.ref)}'s list"

    def _release_merged(self, tx: _Tx, item_id: int) -> None:
        for child in self.merged_into(item_id):
            tx.update("items", child.id, {"merged_into": None})

    def _next_colour(self) -> str:
        """The palette colour the fewest active stakeholders have (the first such, in
        palette order): given once, when a stakeholder is created."""
        used = dict.fromkeys(STAKEHOLDER_COLOURS, 0)
        for (colour,) in self.conn.execute("SELECT colour FROM stakeholders WHERE archived = 0"):
            if colour in used:
                used[colour] += 1
        return min(STAKEHOLDER_COLOURS, key=lambda c: used[c])
