"""The board's forms: new and edited items, blocks, stakeholders, the vision, and import."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...core.errors import ChangedSince, PlanboardError
from ...core.model import STAKEHOLDER_COLOURS, Block, Change, Item, Quarter, Stakeholder
from ...core.paths import user_path
from ...core.record import Record
from ...core.store.since import Seen
from ...core.text import clean_line, plural
from ..widgets.board_list import Row
from .base import LONG_IMPORT
from .view import BoardView

if TYPE_CHECKING:
    from ...core.importer import ParsedList


class BoardForms(BoardView):
    """The forms the board opens."""

    def action_new_item(self) -> None:
        if not self.writable():
            return
        from ..modals import Field, FormModal

        row = self.selected_row()
        owner: int | None = None
        block_id: int | None = None
        if row is not None:
            if row.group.key.is_list:
                owner = row.group.key.ref
            elif row.item is not None:
                owner = row.item.stakeholder_id
            if row.group.key.is_block:
                block_id = row.group.key.ref
        title = "New item"
        if block_id is not None:
            title += f" in block {clean_line(self.block_map[block_id].name)}"
        self.app.push_screen(
            FormModal(
                title,
                [
                    Field("title", "Title", placeholder="What is asked, in a few words"),
                    Field(
                        "owner", "Whose list", owner, kind="select", options=self._owner_choices()
                    ),
                    Field("notes", "Notes", kind="text"),
                    Field("effort", "Effort (days, optional)", kind="number"),
                ],
                partial(self._save_new_item, block_id),
                save_label="Add",
            )
        )

    def action_edit(self) -> None:
        row = self.selected_row()
        if row is None:
            self.say("Highlight an item, a block or a stakeholder to edit it.", error=True)
            return
        if self._read_only_reason():
            self._read(row)  # nothing can change here, but everything can be read
            return
        if not self.writable():
            return
        from ..modals import Field, FormModal

        if row.kind == "item" and row.item is not None:
            item = row.item
            fields = [
                Field("title", "Title", item.title),
                Field(
                    "owner",
                    "Whose list",
                    item.stakeholder_id,
                    kind="select",
                    options=self._owner_choices(),
                ),
                Field("notes", "Notes", item.notes, kind="text"),
                Field("effort", "Effort (days, optional)", item.effort, kind="number"),
            ]
            if item.status == "dropped":
                fields.append(Field("reason", "Why it is dropped", item.drop_reason or ""))
            title = f"Edit “{clean_line(item.title)}”"
            save = partial(self._save_item, [item])
            self.app.push_screen(FormModal(title, fields, save, changed_only=True))
        elif row.group.block is not None:
            self._edit_block(row.group.block)
        elif row.group.key.is_list and row.group.stakeholder is not None:
            self._edit_stakeholder(row.group.stakeholder)

    def _read(self, row: Row) -> None:
        """The highlighted item, block or stakeholder in full, read-only."""
        from ..modals import ReadModal

        reason = self._read_only_reason()
        if row.kind == "item" and row.item is not None:
            item = row.item
            where = (
                f"dropped: {item.drop_reason or ''}"
                if item.status == "dropped"
                else f"in block {self.block_map[item.block_id].name}"
                if item.block_id in self.block_map
                else "on the list"
            )
            facts = [self._owner_name(item.stakeholder_id), where]
            if item.effort is not None:
                facts.append(f"{item.effort:g} days")
            sections = [("Whose, where", " · ".join(facts)), ("Notes", item.notes or "(none)")]
            title = item.title
        elif row.group.block is not None:
            block = row.group.block
            count = len(row.group.items)
            facts = [f"{count} item{'s' if count != 1 else ''}"]
            if block.effort is not None:
                facts.append(f"{block.effort:g} days")
            if block.chosen_rank or block.choice:
                facts.append(f"choice {block.chosen_rank or block.choice}")
            sections = [
                ("The case", block.description or "(no case written)"),
                ("Size", " · ".join(facts)),
                (
                    "What it holds",
                    "\n".join(f"• {i.title}" for i in row.group.items) or "(nothing)",
                ),
            ]
            title = f"Block {block.name}"
        elif row.group.stakeholder is not None:
            person = row.group.stakeholder
            sections = [("Department", person.department or "(none)")]
            title = person.name
        else:
            return
        self.app.push_screen(ReadModal(f"{title} — read-only ({reason})", sections))

    def _edit_block(self, block: Block) -> None:
        from ..modals import FormModal

        save = partial(self._save_block, [block])
        fields = self._block_fields(block)
        self.app.push_screen(FormModal("Edit block", fields, save, changed_only=True))

    def action_new_block(self) -> None:
        if not self.writable():
            return
        from ..modals import FormModal

        self.app.push_screen(
            FormModal(
                "New block", self._block_fields(None), self._save_new_block, save_label="Create"
            )
        )

    def _stakeholder_fields(self, stakeholder: Stakeholder | None) -> list[Any]:
        from ..modals import Field

        return [
            Field(
                "name",
                "Name",
                stakeholder.name if stakeholder else "",
                placeholder="e.g. Head of Sales",
            ),
            Field(
                "department",
                "Department (shown as a tag)",
                stakeholder.department if stakeholder else "",
                placeholder="e.g. Sales",
            ),
            Field(
                "colour",
                "Colour of their tag",
                stakeholder.colour
                if stakeholder and stakeholder.colour in STAKEHOLDER_COLOURS
                else "",
                kind="select",
                options=[("(the least used)" if stakeholder is None else "(keep)", "")]
                + [(name, name) for name in STAKEHOLDER_COLOURS],
            ),
        ]

    def _edit_stakeholder(self, stakeholder: Stakeholder) -> None:
        from ..modals import FormModal

        save = partial(self._save_stakeholder, [stakeholder])
        fields = self._stakeholder_fields(stakeholder)
        self.app.push_screen(FormModal("Edit stakeholder", fields, save, changed_only=True))

    def action_new_stakeholder(self) -> None:
        if not self.writable():
            return
        from ..modals import FormModal

        self.app.push_screen(
            FormModal(
                "New stakeholder",
                self._stakeholder_fields(None),
                self._save_new_stakeholder,
                save_label="Add",
            )
        )

    def action_edit_vision(self) -> None:
        if not self.writable():
            return
        from ..modals import Field, FormModal

        self.app.push_screen(
            FormModal(
                f"Vision for {self.quarter.name}",
                [
                    Field(
                        "vision",
                        "What the team's work serves",
                        self.quarter.vision,
                        kind="text",
                        height=3,
                    )
                ],
                partial(self._save_vision, [self.quarter]),
                changed_only=True,
            )
        )

    # The forms' saves: a refusal is returned for the form to show; None closes it.

    def _save_new_item(self, block_id: int | None, values: dict[str, Any]) -> str | None:
        return self.form_op(
            lambda: self.store.add_item(
                self.quarter_id,
                values["owner"],
                values["title"],
                values["notes"],
                values["effort"],
                block_id=block_id,
            )
        )

    def _since_op(
        self,
        since: list[Any],
        reread: Callable[[Any], Any],
        write: Callable[[Any], Change],
        form_names: dict[str, str] | None = None,
    ) -> str | None:
        """An edit form's save: `write(as seen)` writes what the user changed (the
        form gives no other field), refused where another program changed the same
        since (`check_since`). The fields the refusal named are then seen as the file
        holds them, and sent by the form's next save whatever they hold (a value typed
        back as it was is meant too): a second save writes over those, no other.
        `form_names`: the form's name of a field, where it is not the row's."""

        from ..modals import FormModal

        def op() -> Change:
            try:
                return write(since[0])
            except ChangedSince as refused:
                seen = since[0] if isinstance(since[0], Seen) else Seen(since[0], {})
                since[0] = seen.told(reread(since[0]), refused.fields)
                form = self.app.screen
                if isinstance(form, FormModal):
                    names = form_names or {}
                    form.always_send(names.get(field, field) for field in refused.fields)
                raise

        return self.form_op(op)

    def _save_item(self, since: list[Item], values: dict[str, Any]) -> str | None:
        named = {"title": "title", "notes": "notes", "effort": "effort", "reason": "drop_reason"}
        given = {named[field]: value for field, value in values.items() if field in named}
        if "owner" in values:
            given["stakeholder_id"] = values["owner"]
        return self._since_op(
            since,
            lambda was: self.store.item(was.id),
            lambda was: self.store.edit_item(was.id, since=was, **given),
            {"drop_reason": "reason", "stakeholder_id": "owner"},
        )

    def _save_block(self, since: list[Block], values: dict[str, Any]) -> str | None:
        return self._since_op(
            since,
            lambda was: self.store.block(was.id),
            lambda was: self.store.edit_block(was.id, since=was, **values),
        )

    def _save_new_block(self, values: dict[str, Any]) -> str | None:
        return self.form_op(
            lambda: self.store.add_block(
                self.quarter_id, values["name"], values["description"], values["effort"]
            )
        )

    def _save_stakeholder(self, since: list[Stakeholder], values: dict[str, Any]) -> str | None:
        given: dict[str, Any] = {f: values[f] for f in ("name", "department") if f in values}
        if values.get("colour"):  # ("(keep)": none given)
            given["colour"] = values["colour"]
        return self._since_op(
            since,
            lambda was: self.store.stakeholder(was.id),
            lambda was: self.store.edit_stakeholder(
                was.id, quarter_id=self.quarter_id, since=was, **given
            ),
        )

    def _save_new_stakeholder(self, values: dict[str, Any]) -> str | None:
        return self.form_op(
            lambda: self.store.add_stakeholder(
                values["name"],
                values["department"],
                quarter_id=self.quarter_id,
                colour=values["colour"] or None,
            )
        )

    def _save_vision(self, since: list[Quarter], values: dict[str, Any]) -> str | None:
        return self._since_op(
            since,
            lambda was: self.store.quarter(was.id),
            lambda was: self.store.edit_quarter(was.id, since=was, **values),
        )

    def action_import_list(self) -> None:
        """Import a list from a file, or pasted, into the list in focus."""
        if not self.writable():
            return
        row = self.selected_row()
        owner: int | None = None
        if row is not None and row.group.key.is_list:
            owner = row.group.key.ref
        elif row is not None and row.item is not None:
            owner = row.item.stakeholder_id
        form = ImportForm(self, owner).modal
        column = self.focused_column()
        if owner is None and column is not None and column.id == "stakeholders":
            form.first_field = "new_owner"  # (no list there yet: a new stakeholder's, not Team)
        self.app.push_screen(form)

    def _titles_on_list(self, owner: int | None) -> list[str]:
        """The titles of every item of a list this quarter (wherever the item is now)."""
        return self.store.board(self.quarter_id).titles_of(owner)


class ImportTarget(Record):
    """Whose list an import goes to, as the form was filled in."""

    __slots__ = ("created", "existing", "name", "whose")

    def __init__(
        self,
        name: str | None,  # the stakeholder's name (None: the team)
        whose: str,  # "Sales's list", for the messages
        existing: list[str],  # the titles already on that list
        created: bool,  # a stakeholder the import adds to the board
    ) -> None:
        self.name = name
        self.whose = whose
        self.existing = existing
        self.created = created


class ImportForm:
    """The import form: a file (read in a thread) or pasted lines, into a list. Save
    first previews what would come in; the same again imports it (a large import runs
    in the background)."""

    def __init__(self, screen: BoardForms, owner: int | None) -> None:
        from ..modals import FormModal

        self.screen = screen
        self.previewed: tuple[object, ...] | None = None  # what the last preview showed
        # Files read so far, by path: a file is read in a thread, never on the UI thread
        # (a slow disk or a network folder must not freeze the screen).
        self.reads: dict[str, ParsedList | PlanboardError] = {}
        self.earlier: list[tuple[str, str, str]] | None = None  # read at the first preview
        self.modal = FormModal(
            "Import a list", self._fields(owner), self.submit, save_label="Import"
        )

    def _fields(self, owner: int | None) -> list[Any]:
        from ..modals import Field

        return [
            Field(
                "owner",
                "Into whose list",
                owner,
                kind="select",
                options=self.screen._owner_choices(),
                yields_to="new_owner",
            ),
            Field(
                "new_owner",
                "…or a new stakeholder's list (their name: they are added)",
                "",
                placeholder="e.g. Head of Finance",
            ),
            Field(
                "path",
                "A file (CSV, TSV, Markdown or text)",
                "",
                placeholder="~/Downloads/sales-requests.csv",
            ),
            Field(
                "text",
                "…or paste the list here (one item per line)",
                "",
                kind="text",
                height=5,
                takes_paste=True,
            ),
            Field(
                "repeats",
                "Also import lines already on that list",
                False,
                kind="switch",
            ),
        ]

    def _read_in_background(self, path: Path) -> None:
        from ...core.importer import read_list

        def work() -> None:
            try:
                result: ParsedList | PlanboardError = read_list(path)
            except PlanboardError as error:
                result = error
            self.screen.app.call_from_thread(self._read_done, str(path), result)

        self.screen.run_worker(work, thread=True, exclusive=False, group="import-read")

    def _read_done(self, key: str, result: ParsedList | PlanboardError) -> None:
        self.reads[key] = result
        if self.modal.is_attached and self.screen.app.screen is self.modal:
            self.modal.action_save()  # shows the preview (or the refusal) now

    def _source(self, values: dict[str, Any]) -> tuple[ParsedList, str] | str:
        """The list to import and where it came from, or what to say instead."""
        from ...core.importer import parse_text
        from ..modals import Notice

        if values["text"].strip():
            try:
                return parse_text(values["text"]), "pasted text"
            except PlanboardError as error:
                return str(error)
        if not values["path"].strip():
            return "Give a file, or paste the list."
        try:
            path = user_path(values["path"].strip())
        except PlanboardError as error:
            return str(error)
        found = self.reads.get(str(path))
        if found is None:
            self._read_in_background(path)
            return Notice(f"Reading {path.name}…")
        if isinstance(found, PlanboardError):
            del self.reads[str(path)]  # read it again next time (it may be fixed)
            return str(found)
        return found, path.name

    def _target(self, values: dict[str, Any]) -> ImportTarget:
        screen = self.screen
        target = values["owner"]
        name = None if target is None else screen._owner_name(target)
        newcomer = clean_line(values.get("new_owner", ""))
        known = {s.name.lower(): s.id for s in screen.store.stakeholders()}
        on_list = target
        if newcomer:  # a stakeholder not on the board yet: the import creates them
            name = newcomer
            on_list = known.get(newcomer.lower())
        existing = [] if newcomer and on_list is None else screen._titles_on_list(on_list)
        created = bool(name) and str(name).lower() not in known
        return ImportTarget(name, f"{name or 'the team'}'s list", existing, created)

    def submit(self, values: dict[str, Any]) -> str | None:
        from ...core.repeats import split_repeats

        source = self._source(values)
        if isinstance(source, str):
            return source
        parsed, origin = source
        target = self._target(values)
        fresh, repeats = split_repeats(parsed.items, target.existing)
        allow = bool(values["repeats"])
        items = parsed.items if allow else fresh
        seen = (
            origin,
            values["text"],
            values["path"],
            values["owner"],
            clean_line(values.get("new_owner", "")),
            allow,
        )
        if self.previewed != seen:
            # First a look at what would come in; the same again imports it.
            self.previewed = seen
            return self._preview(parsed, items, repeats, allow, target)
        return self._import(parsed, origin, items, repeats, allow, target)

    def _preview(
        self,
        parsed: ParsedList,
        items: list[Any],
        repeats: list[Any],
        allow: bool,
        target: ImportTarget,
    ) -> str:
        from ...core.repeats import asked_before, asked_before_text, repeats_text
        from ..modals import Notice

        whose = target.whose
        # (Lines an earlier quarter's board had, with what became of them there: right
        # after what Ctrl+S does, as a long preview is cut.)
        screen = self.screen
        try:  # (once a form: every earlier quarter's items, 0.3 s at 100,000 of them)
            if self.earlier is None:
                self.earlier = screen.store.earlier_items(screen.quarter_id)
            before = asked_before(items, self.earlier)
        except PlanboardError:
            before = []
        earlier = f" {asked_before_text(before)}." if before else ""
        titles = "; ".join(f"“{clean_line(i.title)}”" for i in items[:5])
        more = f" and {len(items) - 5} more" if len(items) > 5 else ""
        columns = f" {parsed.columns_text()}" if parsed.columns else ""
        again = ""
        if repeats:
            again = f" {repeats_text(repeats, whose)} — " + (
                "imported again." if allow else "skipped (the switch above imports them)."
            )
        if not items:
            return Notice(
                f"{parsed.summary()}.{again} Nothing to import: every line is already on {whose}."
            )
        created = " (a new stakeholder)" if target.created else ""
        # What Ctrl+S does comes first: a long preview is cut at the message's height;
        # with lines skipped, it says how many come in (not the file's count).
        if len(items) < len(parsed.items):
            what = f"{len(items):,} of them"
        else:
            what = "it" if len(items) == 1 else "them"
        return Notice(
            f"{parsed.summary()}. Ctrl+S again imports {what} "
            f"into {whose}{created}.{earlier}{columns}{again} {titles}{more}."
        )

    def _import(
        self,
        parsed: ParsedList,
        origin: str,
        items: list[Any],
        repeats: list[Any],
        allow: bool,
        target: ImportTarget,
    ) -> str | None:
        from ..modals import Notice

        screen, name, whose = self.screen, target.name, target.whose
        if not items:
            return Notice(f"Nothing to import: every line is already on {whose}.")
        if len(items) >= LONG_IMPORT:
            screen.run_long(
                f"Importing {len(items):,} items",
                lambda progress: screen.store.import_items(
                    screen.quarter_id, name, items, source=origin, progress=progress
                ),
            )
            return None
        result = screen.form_op(
            lambda: screen.store.import_items(screen.quarter_id, name, items, source=origin)
        )
        if result is None:
            # (What went in first: "3 items (Markdown) — imported into …, 1 already there
            # skipped" read as three imported, where two were.)
            skipped = f" ({len(repeats)} already there, skipped)" if repeats and not allow else ""
            screen.say(
                f"Imported {plural(len(items), 'item')} into {whose}{skipped}, from "
                f"{parsed.summary()}  (u undoes it)"
            )
        return result
