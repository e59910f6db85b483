"""Importing a list of items as one action."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..errors import ValidationError
from ..model import Change, ImportItem
from .placing import StorePlacing
from .tx import _Tx

Checked = tuple[str, str, float | None]  # an imported line, checked: title, notes, effort


class ImportCommands(StorePlacing):
    """Importing a list of items as one action."""

    def import_items(
        self,
        quarter_id: int,
        owner: str | None,
        items: Sequence[ImportItem],
        *,
        source: str = "",
        progress: Callable[[int, int], None] | None = None,
    ) -> Change:
        """Add a list at once, as one action: to the team's list (`owner` None) or to a
        stakeholder's, found by name or created. Any refused line refuses the whole
        import, with its line number; nothing is written then."""
        checked = self._checked_lines(items)
        with self._write() as tx:
            self._check_quarter_writable(quarter_id, tx)
            stakeholder_id, created = self._import_owner(tx, owner)
            ids = self._insert_imported(tx, quarter_id, stakeholder_id, checked, progress)
            first = ids[0] if ids else None
            whose = (
                "the team's list" if owner is None else f"{self._owner_name(stakeholder_id)}'s list"
            )
            summary = f"Imported {len(checked)} item{'s' if len(checked) != 1 else ''} into {whose}"
            if source:
                summary += f" from {source}"
            if created:
                tx.stakeholders = True
            return self._finish(
                tx,
                "import",
                summary,
                quarter_id,
                item_id=first,
                extra={"created_stakeholder": created},
            )

    def _checked_lines(self, items: Sequence[ImportItem]) -> list[Checked]:
        """Every line checked before anything is written; a refusal names its line."""
        checked = []
        for entry in items:
            where = f"Line {entry.line}: " if entry.line else ""
            try:
                checked.append(
                    (self._title(entry.title), self._notes(entry.notes), self._effort(entry.effort))
                )
            except ValidationError as error:
                raise ValidationError(where + str(error)) from None
        if not checked:
            raise ValidationError("There is nothing to import: no item was found.")
        return checked

    def _import_owner(self, tx: _Tx, owner: str | None) -> tuple[int | None, bool]:
        """The stakeholder whose list the import goes to (None: the team's), found by
        name (brought back if archived) or created; and whether it was created."""
        if owner is None:
            return None, False
        name = self._stakeholder_name(owner, "stakeholder name")
        row = self._stakeholder_named(name)
        if row is None:
            stakeholder_id = tx.insert(
                "stakeholders",
                {
                    "name": name,
                    "department": "",
                    "colour": self._next_colour(),
                    "created_at": self.clock(),
                },
            )
            return stakeholder_id, True
        if row[1]:
            tx.update("stakeholders", row[0], {"archived": 0})
        return row[0], False

    def _insert_imported(
        self,
        tx: _Tx,
        quarter_id: int,
        stakeholder_id: int | None,
        checked: Sequence[Checked],
        progress: Callable[[int, int], None] | None,
    ) -> list[int]:
        """The checked lines as items at the end of the list, in their order."""
        position = self._after_last(tx, quarter_id, stakeholder_id)
        now = self.clock()
        return tx.insert_many(
            "items",
            [
                {
                    "quarter_id": quarter_id,
                    "stakeholder_id": stakeholder_id,
                    "title": title,
                    "notes": notes,
                    "effort": effort,
                    "status": "open",
                    "position": position + offset,
                    "created_at": now,
                }
                for offset, (title, notes, effort) in enumerate(checked)
            ],
            progress,
        )
