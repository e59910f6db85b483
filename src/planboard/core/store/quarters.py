"""Quarters: create (or start from another), delete, edit, decide, reopen."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from ..clock import timer_stopped
from ..errors import ValidationError
from ..model import QUARTER_NAME, Block, Change, Item, Place, Quarter, next_quarter_name
from ..rows import integer
from ..rules import why_not_start
from ..text import clean_line, clean_multiline, plural
from .core import _quote, _reads
from .placing import StorePlacing
from .since import check_since
from .tx import _Tx


def canonical_quarter_name(name: str) -> str:
    """A quarter's name as typed, made canonical (2026-Q3), or refused."""
    typed = clean_line(name)
    name = typed.upper().replace(" ", "")
    if not QUARTER_NAME.match(name):
        raise ValidationError(
            "A quarter is named like 2026-Q3" + (f", not “{typed}”." if typed else ".")
        )
    return name


class _Carrying:
    """Items copied into a new quarter from the one it starts from: each goes to the
    end of its owner's list there, linked to the item it came from."""

    def __init__(self, tx: _Tx, quarter_id: int, now: str) -> None:
        self.tx = tx
        self.quarter_id = quarter_id
        self.now = now
        self.next_position: dict[int | None, int] = {}
        self.copies: dict[int, int] = {}  # each item carried, to its copy
        self.gone: set[int] = set()  # stakeholders archived: their merged requests stay

    def copy(
        self,
        item: Item,
        block_id: int | None,
        place_position: int | None,
        merged: Sequence[Item] = (),
        merged_into: int | None = None,
    ) -> int:
        """Copy one item (and the requests `merged` into it, merged into its copy: who
        asked for it, in their words, comes along); the copy's id."""
        owner = item.stakeholder_id
        position = self.next_position.get(owner, 0)
        self.next_position[owner] = position + 1
        self.copies[item.id] = self.tx.insert(
            "items",
            {
                "quarter_id": self.quarter_id,
                "stakeholder_id": owner,
                "title": item.title,
                "notes": item.notes,
                "effort": item.effort,
                "block_id": block_id,
                "status": "open",
                "position": position,
                "place_position": place_position,
                "created_at": self.now,
                "carried_from": item.id,
                "merged_into": merged_into,
            },
        )
        for request in merged:
            self.copy(request, None, None, merged_into=self.copies[item.id])
        return self.copies[item.id]

    def rejections(self, pairs: set[frozenset[int]]) -> None:
        """The pairs said not to be the same whose two items both came along: said of
        their copies too (they were suggested together again)."""
        for pair in sorted(pairs, key=sorted):
            if all(item in self.copies for item in pair):
                first, second = sorted(self.copies[item] for item in pair)
                self.tx.insert(
                    "rejected_pairs",
                    {
                        "quarter_id": self.quarter_id,
                        "first_id": first,
                        "second_id": second,
                        "created_at": self.now,
                    },
                )


class QuarterCommands(StorePlacing):
    """Quarters: create (or start from another), delete, edit, decide, reopen."""

    def create_quarter(self, name: str, vision: str | None = None) -> Change:
        """Create a quarter (named like 2026-Q3), preparing, with a vision."""
        name = self._quarter_name(name)
        if vision is None:
            latest = self.quarters()
            vision = latest[-1].vision if latest else ""
        vision = self._notes(vision, "vision")
        with self._write() as tx:
            if self.conn.execute("SELECT 1 FROM quarters WHERE name = ?", (name,)).fetchone():
                raise ValidationError(f"There is already a quarter {name}.")
            quarter_id = tx.insert(
                "quarters",
                {"name": name, "status": "preparing", "vision": vision, "created_at": self.clock()},
            )
            # A quarter's history starts here: undo stops at its creation.
            return self._finish(
                tx, "create_quarter", f"Created quarter {name}", quarter_id, undoable=False
            )

    @staticmethod
    def _quarter_name(name: str) -> str:
        return canonical_quarter_name(name)

    def start_next_quarter(
        self,
        from_quarter_id: int,
        name: str,
        vision: str | None = None,
        *,
        block_ids: Sequence[int] = (),
        item_ids: Sequence[int] = (),
        loose_only: bool = False,
    ) -> Change:
        """Create a quarter that starts from another: the chosen not-chosen blocks (with
        their items) and loose items are copied in, each linked to where it came from
        (`carried_from`). One action; like any new quarter, its history starts there.
        `loose_only` (the checklist's, which lists the items on lists): an item asked for
        that is no longer on a list (put in a block left behind, or dropped, since the
        checklist was shown) is refused, not carried away from its block."""
        source = self.quarter(from_quarter_id)
        name = self._quarter_name(name)
        if QUARTER_NAME.match(source.name) and name <= source.name:
            raise ValidationError(
                f"{name} is not after {source.name}: the quarter it starts from comes "
                f"first (the next one is {next_quarter_name(source.name)})."
            )
        vision = self._notes(source.vision if vision is None else vision, "vision")
        with self._write() as tx:
            if self.conn.execute("SELECT 1 FROM quarters WHERE name = ?", (name,)).fetchone():
                raise ValidationError(f"There is already a quarter {name}.")
            now = self.clock()
            quarter_id = tx.insert(
                "quarters",
                {"name": name, "status": "preparing", "vision": vision, "created_at": now},
            )
            carrying = _Carrying(tx, quarter_id, now)
            carrying.gone = {s.id for s in self.stakeholders() if s.archived}
            carried_blocks, in_blocks = self._carry_blocks(carrying, from_quarter_id, block_ids)
            carried_items = self._carry_items(carrying, from_quarter_id, item_ids, loose_only)
            carrying.rejections(self.rejected_pairs(from_quarter_id))
            summary = f"Created quarter {name} from {source.name}"
            if carried_blocks or carried_items:
                held = (
                    f" ({plural(in_blocks, 'item')} in {'them' if carried_blocks != 1 else 'it'})"
                )
                summary += (
                    f", carrying over {plural(carried_blocks, 'block')}"
                    f"{held if carried_blocks else ''} and {plural(carried_items, 'item')}"
                )
            return self._finish(tx, "create_quarter", summary, quarter_id, undoable=False)

    def _carry_items(
        self, carrying: _Carrying, from_quarter_id: int, item_ids: Sequence[int], loose_only: bool
    ) -> int:
        """Copy the items asked for on their own (`start_next_quarter`); how many."""
        carried = 0
        asked = set(item_ids)
        for item_id in dict.fromkeys(item_ids):
            item = self.item(item_id)
            if item.quarter_id != from_quarter_id:
                raise ValidationError("That item belongs to another quarter.")
            merged = item.merged_into  # (two lookups: a union made per item was 11 s
            # of a start carrying 17,000 items)
            self._check_item_not_chosen(item)
            if item.id in carrying.copies or merged in asked or merged in carrying.copies:
                continue  # (come with their block, or with the item they are merged into)
            if loose_only:
                self._check_still_loose(item)
            carrying.copy(item, None, None, self._merged_to_carry(item.id, carrying.gone))
            carried += 1
        return carried

    def _check_still_loose(self, item: Item) -> None:
        """An item carried on its own is one still on a list, as the checklist showed it:
        moved into a block left behind, or dropped, by another program meanwhile, it was
        carried all the same, loose, away from its block."""
        if item.place.is_list and not item.is_merged:  # (where the checklist lists it)
            return
        where = "in a block that stays behind"
        if item.status == "dropped":
            where = "dropped"
        elif item.is_merged:
            where = "merged into another item"
        raise ValidationError(
            f"“{clean_line(item.title)}” is {where} now (changed since the checklist was "
            "shown): Esc, and start the next quarter again to see where things are. "
            "Nothing was created."
        )

    def _not_carried(self, what: str, block: Block) -> str:
        """Why `what` (a block, or an item in it) is not carried over: `block` is chosen."""
        quarter = self.quarter(block.quarter_id)
        said = f"{what} is chosen in {quarter.name}: only what was not chosen is carried over"
        if quarter.is_decided:
            return f"{said}."
        return f"{said} (unchoose it first: 0 on its card in the event)."

    def _check_item_not_chosen(self, item: Item) -> None:
        """Refuses carrying an item in a chosen block, or merged into one that is: it
        would be open in the next quarter and chosen here. (The form offers only the
        items on their lists; another caller may ask for any.)"""
        holder = self.item(item.merged_into) if item.merged_into is not None else item
        if holder.block_id is None:
            return
        block = self.block(holder.block_id)
        if block.is_chosen:
            where = f"{_quote(item.title)}, in {_quote(block.name)},"
            raise ValidationError(self._not_carried(where, block))

    def _carry_blocks(
        self, carrying: _Carrying, from_quarter_id: int, block_ids: Sequence[int]
    ) -> tuple[int, int]:
        """Copy blocks of the quarter a new one starts from, with their items, in the
        order given. Returns how many, and how many items they hold."""
        carried = held = 0
        for index, block_id in enumerate(dict.fromkeys(block_ids)):
            block = self.block(block_id)
            if block.quarter_id != from_quarter_id:
                raise ValidationError("That block belongs to another quarter.")
            if block.is_chosen:  # (carried as not chosen: open there, and chosen here)
                raise ValidationError(self._not_carried(_quote(block.name), block))
            new_block = carrying.tx.insert(
                "blocks",
                {
                    "quarter_id": carrying.quarter_id,
                    "name": block.name,
                    "description": block.description,
                    "effort": block.effort,
                    "position": index,
                    "created_at": carrying.now,
                    "carried_from": block.id,
                },
            )
            for place_position, item in enumerate(
                self.items_at(from_quarter_id, Place.block(block_id))
            ):
                carrying.copy(
                    item, new_block, place_position, self._merged_to_carry(item.id, carrying.gone)
                )
                held += 1
            carried += 1
        return carried, held

    def _merged_to_carry(self, item_id: int, gone: set[int]) -> list[Item]:
        """The requests merged into an item that come along with it: not those of someone
        archived since (they would be back on the new board, as an empty list)."""
        return [r for r in self.merged_into(item_id) if r.stakeholder_id not in gone]

    def quarter_deletable(self, quarter_id: int) -> str | None:
        """Why a quarter can't be deleted, or None when it can: an empty one, or one
        started from another (its items and blocks all carried over) with nothing done
        to it since, by planboard or by another program, and nothing elsewhere pointing
        at it; never the last one."""
        quarter = self.quarter(quarter_id)
        one = lambda sql: self.conn.execute(sql, (quarter_id,)).fetchone()[0]  # noqa: E731
        if quarter.status != "preparing" or one(
            "SELECT (SELECT COUNT(*) FROM meetings WHERE quarter_id = ?1) "
            "+ (SELECT COUNT(*) FROM attendance WHERE quarter_id = ?1) "
            "+ (SELECT COUNT(*) FROM votes WHERE quarter_id = ?1) "
            "+ (SELECT COUNT(*) FROM decisions WHERE quarter_id = ?1)"
        ):
            return f"{quarter.name}'s planning event was started: it can't be deleted."
        later = self.conn.execute(
            "SELECT q.name FROM items i JOIN items c ON c.carried_from = i.id "
            "OR c.merged_into = i.id JOIN quarters q ON q.id = c.quarter_id "
            "WHERE i.quarter_id = ?1 AND c.quarter_id != ?1 "
            "UNION SELECT q.name FROM blocks b JOIN blocks c ON c.carried_from = b.id "
            "JOIN quarters q ON q.id = c.quarter_id WHERE b.quarter_id = ?1 LIMIT 1",
            (quarter_id,),
        ).fetchone()
        if later:
            return f"{later[0]} holds items that come from it: {quarter.name} can't be deleted."
        stray = self._pointing_in(quarter_id)
        if stray:
            return (
                f"{stray} (another program's) names a block or an item of {quarter.name}: "
                f"it can't be deleted while that row is there."
            )
        items = one("SELECT COUNT(*) FROM items WHERE quarter_id = ?")
        blocks = one("SELECT COUNT(*) FROM blocks WHERE quarter_id = ?")
        if not items and not blocks:
            quarters = self.conn.execute("SELECT COUNT(*) FROM quarters").fetchone()[0]
            return "A board keeps at least one quarter." if quarters <= 1 else None
        if one(
            "SELECT (SELECT COUNT(*) FROM items WHERE quarter_id = ?1 AND carried_from IS NULL)"
            " + (SELECT COUNT(*) FROM blocks WHERE quarter_id = ?1 AND carried_from IS NULL)"
        ):
            return (
                f"{quarter.name} has {items} items and {blocks} blocks; only an empty quarter, "
                "or one started from another and untouched since, can be deleted."
            )
        changed = one(
            "SELECT COUNT(*) FROM events WHERE quarter_id = ? AND action != 'create_quarter'"
        )
        if changed or self._changed_since_carried(quarter_id) or self._vision_edited(quarter):
            return (
                f"{quarter.name} was changed since it was started"
                + (f" ({plural(changed, 'action')} in its history)" if changed else "")
                + "; only an empty quarter, or one untouched since, can be deleted."
            )
        return None

    def _pointing_in(self, quarter_id: int) -> str:
        """A row of another quarter that names one of this quarter's blocks or items
        (planboard never writes one; the file's foreign keys would refuse the delete),
        as "votes row 7", or ""."""
        row = self.conn.execute(
            "SELECT 'votes', v.id FROM votes v JOIN blocks b ON b.id = v.block_id "
            "WHERE b.quarter_id = ?1 AND v.quarter_id IS NOT ?1 "
            "UNION ALL SELECT 'items', i.id FROM items i JOIN blocks b ON b.id = i.block_id "
            "WHERE b.quarter_id = ?1 AND i.quarter_id IS NOT ?1 "
            "UNION ALL SELECT 'rejected_pairs', r.id FROM rejected_pairs r "
            "JOIN items i ON i.id IN (r.first_id, r.second_id) "
            "WHERE i.quarter_id = ?1 AND r.quarter_id IS NOT ?1 LIMIT 1",
            (quarter_id,),
        ).fetchone()
        return f"{row[0]} row {row[1]}" if row else ""

    def _changed_since_carried(self, quarter_id: int) -> bool:
        """Whether a quarter's rows differ from those they were carried from (another
        program's writes leave no events): an item edited, dropped or merged, a block
        renamed or chosen, a pair said not to be the same (but for those the start
        carried over: both items copies, written at the quarter's start)."""
        return bool(
            self.conn.execute(
                "SELECT EXISTS (SELECT 1 FROM items c LEFT JOIN items s ON s.id = c.carried_from "
                "WHERE c.quarter_id = ?1 AND (s.id IS NULL OR c.title IS NOT s.title "
                "OR c.notes IS NOT s.notes OR c.effort IS NOT s.effort "
                "OR c.stakeholder_id IS NOT s.stakeholder_id OR c.status IS NOT 'open' "
                "OR c.drop_reason IS NOT NULL OR (SELECT m.carried_from FROM items m "
                "WHERE m.id = c.merged_into AND m.quarter_id = ?1) IS NOT s.merged_into)) "
                "OR EXISTS (SELECT 1 FROM blocks c LEFT JOIN blocks s ON s.id = c.carried_from "
                "WHERE c.quarter_id = ?1 AND (s.id IS NULL OR c.name IS NOT s.name "
                "OR c.description IS NOT s.description OR c.effort IS NOT s.effort "
                "OR c.choice IS NOT NULL OR c.chosen_rank IS NOT NULL)) "
                "OR EXISTS (SELECT 1 FROM rejected_pairs r JOIN items a ON a.id = r.first_id "
                "JOIN items b ON b.id = r.second_id WHERE r.quarter_id = ?1 AND NOT ("
                "a.carried_from IS NOT NULL AND b.carried_from IS NOT NULL AND r.created_at "
                "IS (SELECT created_at FROM quarters WHERE id = ?1)))",
                (quarter_id,),
            ).fetchone()[0]
        )

    def _vision_edited(self, quarter: Quarter) -> bool:
        """Whether the quarter's vision is not the one it was started with (another
        program's edit leaves no event; planboard's `v` does). A start that can't be
        read (its event gone or spoilt) counts as edited: nothing typed is deleted."""
        try:  # (the quarter's row is the start's first change: read alone, not the
            # whole record, tens of MB for a start that carried 50,000 items)
            row = self.conn.execute(
                "SELECT json_extract(payload, '$.changes[0][0]'), "
                "json_extract(payload, '$.changes[0][1]'), "
                "json_extract(payload, '$.changes[0][3].vision'), "
                "(SELECT vision FROM quarters WHERE id = ?1) "  # (as the file holds it)
                "FROM events WHERE quarter_id = ?1 AND action = 'create_quarter' "
                "ORDER BY id LIMIT 1",
                (quarter.id,),
            ).fetchone()
        except sqlite3.Error:  # (a record another program spoilt)
            return True
        return row is None or row[:2] != ("quarters", quarter.id) or row[2] != row[3]

    def delete_quarter(self, quarter_id: int) -> Change:
        """Delete a quarter created by mistake (see `quarter_deletable`): what it
        carried over stays in the quarter it came from."""
        with self._write() as tx:
            quarter = self._check_quarter_writable(quarter_id, tx)
            refused = self.quarter_deletable(quarter_id)
            if refused:
                raise ValidationError(refused)
            # (Meaning vectors are a cache kept by item, outside undo's tables.)
            self.conn.execute(
                "DELETE FROM item_vectors WHERE item_id IN "
                "(SELECT id FROM items WHERE quarter_id = ?)",
                (quarter_id,),
            )
            for (item_id,) in self.conn.execute(  # (requests before what they are merged into)
                "SELECT id FROM items WHERE quarter_id = ? ORDER BY merged_into IS NULL, id",
                (quarter_id,),
            ).fetchall():
                tx.delete("items", item_id)
            for (block_id,) in self.conn.execute(
                "SELECT id FROM blocks WHERE quarter_id = ?", (quarter_id,)
            ).fetchall():
                tx.delete("blocks", block_id)
            for (pair_id,) in self.conn.execute(  # (those it carried: see `_Carrying`)
                "SELECT id FROM rejected_pairs WHERE quarter_id = ?", (quarter_id,)
            ).fetchall():
                tx.delete("rejected_pairs", pair_id)
            tx.delete("quarters", quarter_id)
            return self._finish(
                tx, "delete_quarter", f"Deleted quarter {quarter.name}", None, undoable=False
            )

    def edit_quarter(
        self, quarter_id: int, *, vision: str | None = None, since: Quarter | None = None
    ) -> Change:
        """Edit the quarter's vision. `since`: as the form showed it (`check_since`)."""
        values: dict[str, Any] = {}
        if vision is not None:
            values["vision"] = self._notes(vision, "vision")
        with self._write() as tx:
            quarter = self._check_quarter_writable(quarter_id, tx)
            check_since(f"The vision of {quarter.name}", quarter, since, values, {"vision": "it"})
            tx.update("quarters", quarter_id, values)
            return self._finish(
                tx, "edit_quarter", f"Edited the vision of {quarter.name}", quarter_id
            )

    @_reads
    def why_not_decide(self, quarter_id: int) -> str:
        """Why the quarter's choices can't be confirmed as they stand ("" if they can):
        said before the decision's form opens, as at its save."""
        try:
            self._choices_to_confirm(quarter_id)
        except ValidationError as error:
            return str(error)
        return ""

    def _choices_to_confirm(self, quarter_id: int) -> list[tuple[int, int]]:
        """The quarter's chosen blocks and their choice, refused unless one or two blocks
        hold choice 1, and 2 if any, each once (another program can write otherwise)."""
        choices = [  # (read as the board shows them: text there is no choice)
            (block_id, rank)
            for block_id, rank in self.conn.execute(
                f"SELECT id, {integer('choice')} FROM blocks WHERE quarter_id = ?",
                (quarter_id,),
            )
            if rank is not None
        ]
        ranks = [rank for _, rank in choices]
        if not ranks:
            raise ValidationError("Choose one or two blocks before confirming the decision.")
        odd = [rank for rank in ranks if type(rank) is not int or rank not in (1, 2)]
        if odd:  # (never so from planboard: another program's)
            raise ValidationError(
                f"A block holds choice {str(odd[0])[:20]!r} (another program wrote it): "
                "a choice is 1 or 2; unchoose it before confirming the decision."
            )
        for rank in sorted(set(ranks)):
            if ranks.count(rank) > 1:  # (never so from planboard: another program's)
                raise ValidationError(
                    f"Choice {rank} is held by {ranks.count(rank)} blocks (another program "
                    "wrote it): unchoose all but one before confirming the decision."
                )
        if 1 not in ranks:
            raise ValidationError("Choice 1 is empty: make the chosen block choice 1.")
        for block_id, _ in choices:  # (emptied since it was chosen: moved out, dropped)
            self._check_choosable(block_id, self.block(block_id).name, chosen=True)
        # (Chosen before the next quarter carried it on as not chosen: open in both.)
        self._check_chosen_not_carried([], [block_id for block_id, _ in choices])
        return choices

    def decide(
        self,
        quarter_id: int,
        rationale: str,
        attendees: str = "",
        *,
        shown: Sequence[tuple[int, int]] | None = None,
    ) -> Change:
        """Record the decision in one transaction: the `decisions` row, each chosen
        block's `chosen_rank` (from its choice), and the `decided` status. `shown`: the
        (block, choice) pairs the person confirming saw; refused if the file holds
        others (another program changed them while the form was open)."""
        rationale = self._notes(rationale, "rationale")
        if not rationale:
            raise ValidationError("The decision needs a rationale: why these blocks?")
        attendees = clean_multiline(attendees)
        with self._write() as tx:
            quarter = self._check_quarter_writable(quarter_id, tx)
            choices = self._choices_to_confirm(quarter_id)
            if shown is not None and sorted(shown) != sorted(choices):
                now = "; ".join(
                    f"{rank}. {_quote(self.block(block_id).name)}"
                    for block_id, rank in sorted(choices, key=lambda c: c[1])
                )
                raise ValidationError(
                    f"The choices changed since the form showed them (another program): now "
                    f"{now or 'none'}. Look at them again, then confirm."
                )
            if quarter.status != "decided" and self.decision(quarter_id) is not None:
                # (Never so from planboard: reopening removes the decision. Another
                # program set a decided quarter live again; replaced, it would be lost.
                # A decided quarter is refused as such, by the writable check and the
                # transaction.)
                raise ValidationError(
                    f"{quarter.name} has its decision already (another program made it "
                    f"{quarter.status} again): ending the event makes it decided again, "
                    "and reopening it then lets you decide anew."
                )
            self._event_decided(tx, quarter_id)
            tx.delete("decisions", quarter_id)
            tx.insert(
                "decisions",
                {
                    "quarter_id": quarter_id,
                    "decided_at": self.clock(),
                    "rationale": rationale,
                    "attendees": attendees,
                },
            )
            for block_id, rank in choices:
                tx.update("blocks", block_id, {"chosen_rank": rank})
            tx.update("quarters", quarter_id, {"status": "decided"})
            return self._finish(tx, "decide", f"Decided {quarter.name}", quarter_id, undoable=False)

    def _event_decided(self, tx: _Tx, quarter_id: int) -> None:
        """The event ends with the decision: its countdown paused where it stands."""
        meeting = self.meeting(quarter_id)
        if meeting is not None:
            stopped = timer_stopped(
                meeting.timer_started_at,
                meeting.timer_remaining,
                meeting.timebox_minutes,
                self.now(),
            )
            tx.update("meetings", quarter_id, {"ended_at": self.clock(), **stopped})

    def reopen(self, quarter_id: int) -> Change:
        """Reopen a decided quarter on purpose: it goes back to `live`, its decision row
        is removed (the event log keeps it), and the chosen blocks lose their confirmed
        `chosen_rank` but keep their choice, to confirm again or change."""
        with self._write() as tx:
            quarter = self.quarter(quarter_id)
            if quarter.status != "decided":
                raise ValidationError(f"{quarter.name} is not decided; there is nothing to reopen.")
            refusal = why_not_start(quarter, list(tx.began.values()))  # (it goes live)
            if refusal:
                raise ValidationError(refusal)
            tx.reopening(quarter_id)
            tx.delete("decisions", quarter_id)
            for (block_id,) in self.conn.execute(
                "SELECT id FROM blocks WHERE quarter_id = ? AND chosen_rank IS NOT NULL",
                (quarter_id,),
            ).fetchall():
                tx.update("blocks", block_id, {"chosen_rank": None})
            tx.update("quarters", quarter_id, {"status": "live"})
            if self.meeting(quarter_id) is not None:
                tx.update("meetings", quarter_id, {"ended_at": None})
            return self._finish(
                tx, "reopen", f"Reopened {quarter.name}", quarter_id, undoable=False
            )
