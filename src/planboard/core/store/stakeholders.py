"""Stakeholders: add (or bring back), edit, remove (or archive)."""

from __future__ import annotations

from typing import Any

from ..errors import ValidationError
from ..model import STAKEHOLDER_COLOURS, Change, Place, Stakeholder
from ..rows import ITEM_COLUMNS
from ..text import clean_line
from .core import _quote
from .placing import StorePlacing
from .since import as_shown, check_since

# The fields a stakeholder's form writes, as a refusal names them (`check_since`).
STAKEHOLDER_FIELDS = {
    "name": "their name",
    "department": "their department",
    "colour": "their colour",
}


class StakeholderCommands(StorePlacing):
    """Stakeholders: add (or bring back), edit, remove (or archive)."""

    @staticmethod
    def _colour(value: str) -> str:
        colour = clean_line(value).lower()
        if colour not in STAKEHOLDER_COLOURS:
            raise ValidationError(
                f"{value!r} is not one of the colours: {', '.join(STAKEHOLDER_COLOURS)}."
            )
        return colour

    def add_stakeholder(
        self,
        name: str,
        department: str = "",
        *,
        quarter_id: int | None = None,
        colour: str | None = None,
    ) -> Change:
        """Add a stakeholder (shared by all quarters). A removed one of the same name
        comes back, with the colour they had. A new one gets `colour`, or the palette's
        least used colour."""
        name = self._stakeholder_name(name)
        department = self._optional_line(department, "department")
        chosen = self._colour(colour) if colour else None
        with self._write() as tx:
            row = self._stakeholder_named(name)
            if row is not None and not row[1]:
                raise ValidationError(self._name_taken(name, row[0]))
            if row is not None:
                values: dict[str, Any] = {"archived": 0, "department": department}
                if chosen:
                    values["colour"] = chosen
                tx.update("stakeholders", row[0], values)
                stakeholder_id = row[0]
                summary = f"Brought back stakeholder {_quote(name)}"
            else:
                stakeholder_id = tx.insert(
                    "stakeholders",
                    {
                        "name": name,
                        "department": department,
                        "colour": chosen or self._next_colour(),
                        "created_at": self.clock(),
                    },
                )
                summary = f"Added stakeholder {_quote(name)}"
            tx.places.add(Place.of_list(stakeholder_id))
            return self._finish(tx, "add_stakeholder", summary, quarter_id)

    def edit_stakeholder(
        self,
        stakeholder_id: int,
        *,
        name: str | None = None,
        department: str | None = None,
        colour: str | None = None,
        quarter_id: int | None = None,
        since: Stakeholder | None = None,
    ) -> Change:
        """Edit a stakeholder. `since`: as the form showed them (`check_since`)."""
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = self._stakeholder_name(name)
        if department is not None:
            values["department"] = self._optional_line(department, "department")
        if colour is not None:
            values["colour"] = self._colour(colour)
        with self._write() as tx:
            current = self.stakeholder(stakeholder_id)
            check_since(
                _quote(as_shown(since or current).name), current, since, values, STAKEHOLDER_FIELDS
            )
            if "name" in values:
                clash = self._stakeholder_named(values["name"], other_than=stakeholder_id)
                if clash:
                    raise ValidationError(self._name_taken(values["name"], clash[0]))
            if tx.update("stakeholders", stakeholder_id, values):  # (else: nothing to redraw)
                tx.places.add(Place.of_list(stakeholder_id))
            return self._finish(
                tx,
                "edit_stakeholder",
                f"Edited stakeholder {_quote(values.get('name', current.name))}",
                quarter_id,
            )

    def remove_stakeholder(self, stakeholder_id: int, quarter_id: int) -> Change:
        """Remove a stakeholder and their items in this quarter. Someone with items in
        other quarters is archived instead of deleted, so the history stays whole."""
        with self._write() as tx:
            self._check_quarter_writable(quarter_id, tx)
            stakeholder = self.stakeholder(stakeholder_id)
            where = "quarter_id = ? AND stakeholder_id = ?"
            later = self._carried_to("items", where, (quarter_id, stakeholder_id))
            if later:
                raise ValidationError(
                    f"Items of {stakeholder.name} were carried over to {later}: they stay "
                    "here, and so does their list."
                )
            rows = self.conn.execute(
                f"SELECT {ITEM_COLUMNS} FROM items WHERE quarter_id = ? AND stakeholder_id = ?",
                (quarter_id, stakeholder_id),
            ).fetchall()
            for row in rows:
                item = self.item(row[0])
                self._release_merged(tx, item.id)
                self._leave(tx, item)
                tx.delete("items", item.id)
            for table in ("votes", "attendance"):
                for (row_id,) in self.conn.execute(
                    f"SELECT id FROM {table} WHERE quarter_id = ? AND stakeholder_id = ?",
                    (quarter_id, stakeholder_id),
                ).fetchall():
                    tx.delete(table, row_id)
            elsewhere = self.conn.execute(
                "SELECT (SELECT COUNT(*) FROM items WHERE stakeholder_id = ?) "
                "+ (SELECT COUNT(*) FROM votes WHERE stakeholder_id = ?) "
                "+ (SELECT COUNT(*) FROM attendance WHERE stakeholder_id = ?)",
                (stakeholder_id, stakeholder_id, stakeholder_id),
            ).fetchone()[0]
            if elsewhere:
                tx.update("stakeholders", stakeholder_id, {"archived": 1})
            else:
                tx.delete("stakeholders", stakeholder_id)
            tx.places.add(Place.of_list(stakeholder_id))
            count = f" and {len(rows)} item{'s' if len(rows) != 1 else ''}" if rows else ""
            return self._finish(
                tx,
                "remove_stakeholder",
                f"Removed stakeholder {_quote(stakeholder.name)}{count}",
                quarter_id,
            )
