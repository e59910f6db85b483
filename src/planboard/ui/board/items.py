"""What the keys do to the highlighted item or block: move, drop, restore, reorder,
delete, undo and redo."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.content import Content

from ...core.errors import PlanboardError
from ...core.model import Block, Change, Item, Place, Stakeholder
from ...core.text import clean_line
from .view import BoardView


class BoardItems(BoardView):
    """Actions on the highlighted row."""

    def action_undo(self) -> None:
        self._replay_asking(undo=True)

    def action_redo(self) -> None:
        self._replay_asking(undo=False)

    def _replay_asking(self, *, undo: bool) -> None:
        """Undo or redo, asking first if it would reveal the event's hidden tally."""
        if not self.writable():
            return
        from ..replay import replay_asking

        replay_asking(
            self,
            self.store,
            self.quarter_id,
            undo=undo,
            go=partial(self._replay, undo=undo),
            say=self.status_line.note,
        )

    def _replay(self, *, undo: bool) -> None:
        """Undo or redo; a large one (an import of thousands) in the background."""
        self._replaying = None  # (a long replay reloads what it changed)
        self.replay(self.quarter_id, undo=undo, now=lambda: self._replay_now(undo=undo))

    def _replay_now(self, *, undo: bool) -> Change:
        # What is replayed decides what to repaint (a move's undo is a move).
        self._replaying = self.store.replay_action(self.quarter_id, undo=undo)
        return self.store.undo(self.quarter_id) if undo else self.store.redo(self.quarter_id)

    def action_move_to_block(self) -> None:
        if not self.writable():
            return
        item = self._need_item("to move it")
        if item is None:
            return
        from ..modals import PickerModal

        choices: list[tuple[Content | str, int]] = [
            (Content.assemble((f"{n:>2} ", "bold"), clean_line(b.name)), b.id)
            for n, b in enumerate(self.block_map.values(), start=1)
        ]
        choices.append((Content.styled("+ New block…", "italic"), -1))

        def picked(block_id: int | None) -> None:
            if block_id is None:
                return
            if block_id == -1:
                self._new_block_with(item)
            else:
                self.run_op(lambda: self.store.move_item(item.id, Place.block(block_id)))

        self.app.push_screen(PickerModal(f"Move “{clean_line(item.title)}” to…", choices), picked)

    def _new_block_with(self, item: Item) -> None:
        from ..modals import FormModal

        save = partial(self._save_block_with, item)
        self.app.push_screen(
            FormModal("New block", self._block_fields(None), save, save_label="Create")
        )

    def _save_block_with(self, item: Item, values: dict[str, Any]) -> str | None:
        return self.form_op(
            lambda: self.store.add_block(
                self.quarter_id,
                values["name"],
                values["description"],
                values["effort"],
                item_ids=[item.id],
            )
        )

    def action_move_to_nth(self, n: int) -> None:
        if not self.writable():
            return
        item = self._need_item("to move it")
        if item is None:
            return
        blocks = list(self.block_map.values())
        if not 1 <= n <= len(blocks):
            self.say(f"There is no block {n}; this quarter has {len(blocks)}.", error=True)
            return
        self.run_op(lambda: self.store.move_item(item.id, Place.block(blocks[n - 1].id)))

    def action_drop(self) -> None:
        if not self.writable():
            return
        row = self.selected_row()
        if row is not None and row.kind == "header" and row.group.block is not None:
            self._ask_drop_block(row.group.block, len(row.group.items))
            return
        item = self._need_item("(or a block's title) to drop it")
        if item is not None:
            self._ask_drop(item, None)

    def _dots_going(self, block: Block) -> str:
        """What a block's deletion or drop does to its dots, as a line to add to the
        question ("" when it has none): votes are never wiped without saying so."""
        dots = sum(self.store.votes(self.quarter_id).get(block.id, {}).values())
        meeting = self.store.meeting(self.quarter_id)
        hidden = meeting is not None and meeting.tally_hidden and meeting.ended_at is None
        if hidden:  # (said of every block: said of those with dots, it told which had)
            return "\nAny dots placed on it go too."
        if not dots:
            return ""
        if meeting is None or meeting.tally_hidden:
            return "\nThe dots placed on it go too."
        return f"\nThe {dots} dot{'s' if dots != 1 else ''} placed on it go too."

    def _refused_as_chosen(self, block: Block) -> bool:
        """Whether `block` is chosen in the event, as the file has it now (said at once:
        it can be neither dropped nor deleted), or gone."""
        from ...core.rules import why_not_remove_block

        try:
            choice = self.store.block(block.id).choice
        except PlanboardError as error:  # (gone since: another program)
            self.say(str(error), error=True)
            return True
        if why := why_not_remove_block(f"“{clean_line(block.name)}”", choice):
            self.say(why, error=True)
            return True
        return False

    def _ask_drop_block(self, block: Block, count: int) -> None:
        """`d` on a block's title: the whole block is dropped, its items kept. A chosen
        block is refused at once, before its reason is asked (it was refused once the
        reason was typed)."""
        from ..modals import Field, FormModal

        if self._refused_as_chosen(block):
            return

        def submit(values: dict[str, Any]) -> str | None:
            return self.form_op(lambda: self.store.drop_block(block.id, values["reason"]))

        self.app.push_screen(
            FormModal(
                f"Drop block “{clean_line(block.name)}”"
                + (f" and its {count} item{'s' if count != 1 else ''}" if count else ""),
                [
                    Field(
                        "reason",
                        "Why is it optional for the company this quarter?",
                        suggestions=self._drop_reasons(),
                    )
                ],
                submit,
                save_label="Drop",
                intro="Each item goes to Dropped with this reason and the block's name; "
                + "the block goes (u brings it back)."
                + self._dots_going(block),
            )
        )

    def _ask_drop(self, item: Item, index: int | None) -> None:
        from ..modals import Field, FormModal

        def submit(values: dict[str, Any]) -> str | None:
            return self.form_op(
                lambda: self.store.drop_item(item.id, values["reason"], index, item.place)
            )

        # `d` again on an item just dropped (the cursor follows it) is more often meant
        # for the next item on the list: the form says it is dropped already, and the
        # old reason is selected, so that what is typed replaces it, never goes on its end.
        again = item.status == "dropped"
        self.app.push_screen(
            FormModal(
                f"“{clean_line(item.title)}” is already dropped: why?"
                if again
                else f"Drop “{clean_line(item.title)}”",
                [
                    Field(
                        "reason",
                        "Why is it optional for the company this quarter?",
                        item.drop_reason or "",
                        suggestions=self._drop_reasons(),
                        selected=again,
                    )
                ],
                submit,
                save_label="Save" if again else "Drop",
                intro="Typing replaces its reason; r sends it back to its list." if again else "",
            )
        )

    def _drop_reasons(self) -> list[str]:
        return sorted(
            {i.drop_reason for i in self.column("dropped").groups[0].items if i.drop_reason}
        )

    def action_restore(self) -> None:
        if not self.writable():
            return
        item = self._need_item("to send it back to its list")
        if item is None:
            return
        if item.place.is_list:
            self.say("That item is already on its list.", error=True)
            return
        self.run_op(lambda: self.store.restore_item(item.id))

    def action_shift(self, delta: int) -> None:
        if not self.writable():
            return
        row = self.selected_row()
        if row is None:
            return
        if row.kind == "item" and row.item is not None:
            item = row.item
            change = self.run_op(lambda: self.store.shift_item(item.id, delta))
        elif row.kind == "header" and row.group.block is not None:
            block = row.group.block
            change = self.run_op(lambda: self.store.shift_block(block.id, delta))
        else:
            self.say("Highlight an item, or a block's title, to move it.", error=True)
            return
        if change is not None and change.event_id is None:
            self.say("Already at the top." if delta < 0 else "Already at the bottom.")

    def action_delete(self) -> None:
        if not self.writable():
            return
        row = self.selected_row()
        if row is None:
            self.say("Highlight an item, a block or a stakeholder to delete it.", error=True)
            return
        from ..modals import ConfirmModal

        if row.kind == "item" and row.item is not None:
            item = row.item
            question = (
                f"Delete “{clean_line(item.title)}” for good?\n"
                "(To eliminate it for the quarter, drop it instead: d.)"
            )
            op: Callable[[], Change] = lambda: self.store.remove_item(item.id)  # noqa: E731
        elif row.group.block is not None:
            block = row.group.block
            if self._refused_as_chosen(block):
                return
            count = len(row.group.items)
            question = f"Delete block “{clean_line(block.name)}”?" + (
                f"\nIts {count} item{'s go' if count != 1 else ' goes'} back to their lists."
                if count
                else ""
            )
            question += self._dots_going(block)
            op = lambda: self.store.delete_block(block.id)  # noqa: E731
        elif row.group.key.is_list and row.group.stakeholder is not None:
            stakeholder = row.group.stakeholder
            question = self._removal_question(stakeholder)
            op = lambda: self.store.remove_stakeholder(stakeholder.id, self.quarter_id)  # noqa: E731
        else:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_op(op)

        self.app.push_screen(ConfirmModal(question, yes="Delete"), answered)

    def _removal_question(self, stakeholder: Stakeholder) -> str:
        """Say everything a stakeholder's removal deletes: on their list, in blocks,
        and dropped."""
        on_list = in_blocks = dropped = 0
        blocks: list[str] = []
        for column in self.columns:
            for group in column.groups:
                for item in group.items:
                    if item.stakeholder_id != stakeholder.id:
                        continue
                    if group.key.is_block:
                        in_blocks += 1
                        if group.title not in blocks:
                            blocks.append(group.title)
                    elif group.key.is_dropped:
                        dropped += 1
                    else:
                        on_list += 1
        total = on_list + in_blocks + dropped
        name = clean_line(stakeholder.name)
        dots = sum(v.get(stakeholder.id, 0) for v in self.store.votes(self.quarter_id).values())
        meeting = self.store.meeting(self.quarter_id)
        if meeting is not None and meeting.tally_hidden and meeting.ended_at is None:
            go = "\nAny dots they placed go too."  # (of everyone: said of some, it told who voted)
        elif dots:  # votes are never wiped without saying so (nor counted while hidden)
            hidden = meeting is None or meeting.tally_hidden
            go = (
                "\nTheir dots go too."
                if hidden
                else f"\nTheir {dots} dot{'s' if dots != 1 else ''} go too."
            )
        else:
            go = ""
        if not total:
            return f"Remove stakeholder “{name}”? They have no items in {self.quarter.name}." + go
        parts = []
        if on_list:
            parts.append(f"{on_list} on their list")
        if in_blocks:
            where = ", ".join(f"“{clean_line(b)}”" for b in blocks)
            parts.append(f"{in_blocks} in block{'s' if len(blocks) != 1 else ''} {where}")
        if dropped:
            parts.append(f"{dropped} dropped")
        return (
            f"Remove stakeholder “{name}” and all {total} of their items in "
            f"{self.quarter.name} ({'; '.join(parts)})?{go}\nUndo (u) brings them back."
        )
