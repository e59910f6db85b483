"""Quarter navigation and the event: open, step, create, delete and carry over
quarters; start, end and reopen the planning event; history, export, other boards."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.screen import Screen

from ...core.errors import PlanboardError, ValidationError
from ...core.model import Change, Quarter
from ...core.paths import user_path
from ...core.store import Store
from ...core.text import clean_line, path_text, plural
from .view import BoardView

if TYPE_CHECKING:
    from ...core.history import Candidates
    from ...core.model import Block, Item


def _file_state(path: Path) -> tuple[int, int] | None:
    """A file's size and time of change (None if it can't be looked at)."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns


def left_behind(source: Quarter, blocks: list[tuple[Block, list[Item]]], items: int) -> str:
    """What the checklist's unticked lines leave in `source`, said after the new
    quarter's summary ("" when everything offered was carried)."""
    said = []
    if len(blocks) == 1:
        block, held = blocks[0]
        name = clean_line(block.name)  # (shortened: at 80x24 the counts after a long
        name = name if len(name) <= 40 else name[:39].rstrip() + "…"  # one fell off)
        said.append(f"block “{name}” ({plural(len(held), 'item')})")
    elif blocks:
        count = sum(len(held) for _, held in blocks)
        said.append(f"{plural(len(blocks), 'block')} ({plural(count, 'item')})")
    if items > 0:
        said.append(plural(items, "item"))
    if not said:
        return ""
    return f"; left in {clean_line(source.name)}, unticked: {' and '.join(said)}"


class BoardQuarters(BoardView):
    """Which quarter the board shows, and the screens of the event around it."""

    def action_compare_board(self) -> None:
        """Open another board read-only beside this one: each team's quarters, what
        they chose and whom they cut off."""
        from ..modals import Field, FormModal

        self.app.push_screen(
            FormModal(
                "Compare with another board",
                [Field("path", "Board file", placeholder="e.g. ../ops-analytics.db")],
                self._open_other_board,
                save_label="Open",
                intro="It opens read-only, beside this one.",
            )
        )

    def _open_other_board(self, values: dict[str, Any]) -> str | None:
        """The compare form's save: the other board opened read-only, or why not."""
        from ..screens.boards import CompareBoardsScreen

        text = str(values.get("path") or "").strip()
        if not text:
            return "Give the path of a board file."
        try:
            path = user_path(text)
        except PlanboardError as error:
            return str(error)
        if not path.is_absolute():
            path = self.store.path.resolve().parent / path
        if not path.exists():
            return f"{path} does not exist (check the name)."
        if not path.is_file():
            return f"{path} is not a file (a folder, a pipe or a device?)."
        try:
            other = Store.open(path, create=False, readonly=True)
        except PlanboardError as error:
            return str(error)
        self.app.call_later(self.app.push_screen, CompareBoardsScreen(self.store, other))
        return None

    def on_screen_resume(self) -> None:
        from ..theme import use_projector

        if self.app.screen is not self:
            return  # a late resume, with another screen already on top
        if self._pending_go is not None:
            target, self._pending_go = self._pending_go, None
            self.call_after_refresh(self._go_to, target)
        use_projector(self.app, False)
        # What the screen just closed did (the event) is seen now, not at the next tick.
        self.planboard.look_at_file()
        self._catch_up()

    def _open(self, screen: Screen[Any]) -> None:
        """Show an event screen (the board catches up with it when it comes back, and
        says what it was left with: an event screen may dismiss with a message)."""

        def back(message: str | None) -> None:
            if message:
                self.say(message)

        self.app.push_screen(screen, back)

    def action_meeting(self) -> None:
        """Start the event (after a confirmation), or open it, or show its decision."""
        from ..screens.meeting import DecisionScreen, MeetingScreen

        quarter = self.store.quarter(self.quarter_id)
        if quarter.status == "live":
            self._open(MeetingScreen(self.store, self.quarter_id))
        elif quarter.status == "decided":
            self._open(DecisionScreen(self.store, self.quarter_id))
        elif self.writable():
            from ...core.rules import why_not_start
            from ..modals import ConfirmModal

            refusal = why_not_start(quarter, self.store.quarters())
            if refusal:  # (said before asking: the answer would be refused)
                self.say(refusal, error=True)
                return

            def answered(yes: bool | None) -> None:
                if yes:
                    self.start_meeting()

            self.app.push_screen(
                ConfirmModal(
                    f"Start the planning event for {quarter.name}?\n"
                    "A backup of the whole file is written first; the quarter goes live.",
                    yes="Start",
                    no="Not yet",
                    default_yes=True,
                ),
                answered,
            )

    def start_meeting(self) -> None:
        from ..screens.meeting import MeetingScreen

        try:
            change, backup = self.store.start_meeting(self.quarter_id)
        except PlanboardError as error:
            self.say(str(error), error=True)
            return
        notice = change.summary
        if backup is not None:
            notice = f"The event is live. Backup written: {backup}"
        self._open(MeetingScreen(self.store, self.quarter_id, notice))

    def action_end_meeting(self) -> None:
        if self.store.quarter(self.quarter_id).status != "live":
            self.say("There is no live event to end.", error=True)
            return
        from ..modals import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes and self.run_op(lambda: self.store.end_meeting(self.quarter_id)):
                self.load()

        self.app.push_screen(
            ConfirmModal(
                "End the event without a decision? Votes and choices stay.", yes="End the event"
            ),
            answered,
        )

    def action_reopen(self) -> None:
        """Reopen a decided quarter, on purpose: the user types its name."""
        quarter = self.store.quarter(self.quarter_id)
        if quarter.status != "decided":
            self.say(f"{quarter.name} is not decided; there is nothing to reopen.", error=True)
            return
        if self.store.readonly:
            self.writable()
            return
        from ..modals import Field, FormModal

        self.app.push_screen(
            FormModal(
                f"Reopen {quarter.name}? Its decision is withdrawn (the log keeps it) and "
                "the event is live again.",
                [Field("name", f"Type {quarter.name} to confirm", "")],
                partial(self._save_reopen, quarter),
                save_label="Reopen",
            )
        )

    def _save_reopen(self, quarter: Quarter, values: dict[str, Any]) -> str | None:
        """The reopen form's save: the quarter typed right is reopened, the event shown."""
        from ..screens.meeting import MeetingScreen

        if clean_line(values["name"]).upper() != quarter.name:
            return f"Type {quarter.name} to reopen it."
        try:
            self.store.reopen(quarter.id)
        except ValidationError as error:
            return str(error)
        except PlanboardError as error:
            self.say(str(error), error=True)
            return None
        self.planboard.caught_up()
        self.load()
        self.app.call_later(
            self._open, MeetingScreen(self.store, quarter.id, f"Reopened {quarter.name}.")
        )
        return None

    def action_switch_quarter(self) -> None:
        from ..modals import PickerModal

        quarters = self.store.quarters()
        choices: list[tuple[Content | str, int]] = [
            (
                Content.assemble(
                    (clean_line(q.name), "bold"),
                    "  ",
                    (q.status, "$text-muted"),
                    ("  (on screen)" if q.id == self.quarter_id else "", "italic"),
                ),
                q.id,
            )
            for q in reversed(quarters)
        ]
        if not self.store.readonly:
            choices.append((Content.styled("+ New quarter…", "italic"), -1))

        def picked(quarter_id: int | None) -> None:
            if quarter_id is None:
                return
            if quarter_id == -1:
                self.action_new_quarter()
            else:
                self.open_quarter(quarter_id, looking_back=False)

        self.app.push_screen(PickerModal("Open a quarter", choices), picked)

    def action_delete_quarter(self) -> None:
        """Delete the quarter on screen: an empty one, or one started from another
        and untouched since (the core says which)."""
        if not self.writable():
            return
        from ..modals import ConfirmModal

        quarter = self.quarter
        refused = self.store.quarter_deletable(quarter.id)
        if refused:
            self.say(refused, error=True)
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                change = self.store.delete_quarter(quarter.id)
            except PlanboardError as error:
                self.say(str(error), error=True)
                return
            self.open_quarter(self.store.default_quarter().id)
            self.say(change.summary)

        empty = not self.block_map and not any(
            column.groups and any(g.items for g in column.groups) for column in self.columns
        )
        self.app.push_screen(
            ConfirmModal(
                f"Delete quarter {quarter.name}? It is empty."
                if empty
                else f"Delete quarter {quarter.name} and what it carried over? Nothing was "
                "done to it since it was started; the quarter it came from keeps it all.",
                yes="Delete",
            ),
            answered,
        )

    def action_history(self) -> None:
        from ..screens.history import HistoryScreen

        def chosen(result: tuple[str, int] | None) -> None:
            if result is None:
                return
            action, quarter_id = result
            if action == "open":
                self.open_quarter(quarter_id, looking_back=True)
            else:
                self.action_next_quarter(quarter_id)

        self.app.push_screen(HistoryScreen(self.store, self.quarter_id), chosen)

    def action_step_quarter(self, delta: int) -> None:
        quarters = self.store.quarters()
        index = next(i for i, q in enumerate(quarters) if q.id == self.quarter_id)
        target = index + delta
        if not 0 <= target < len(quarters):
            # (No tick: nothing was done; and no refusal: a key held down past the last
            # quarter lets go of none typed after it.)
            self.status_line.note(
                f"There is no quarter {'before' if delta < 0 else 'after'} this one."
            )
            return
        self.open_quarter(quarters[target].id)

    def action_next_quarter(self, from_id: int | None = None) -> None:
        """Start the next quarter from this one (or `from_id`): the blocks not chosen
        and the items still on their lists are offered to carry over."""
        if self.store.readonly:
            self.writable()
            return
        from ...core.history import carry_over_candidates
        from ...core.model import next_of
        from ..modals import Field, FormModal

        source = self.store.quarter(from_id if from_id is not None else self.quarter_id)
        suggestion = next_of(q.name for q in self.store.quarters())
        candidates = carry_over_candidates(self.store, source.id)
        options: list[tuple[str, tuple[str, int]]] = [
            (f"Block: {clean_line(b.name)} ({plural(len(items), 'item')})", ("b", b.id))
            for b, items in candidates.blocks
        ] + [
            (f"{self._owner_name(i.stakeholder_id)}: {clean_line(i.title)}", ("i", i.id))
            for i in candidates.loose
        ]

        self.app.push_screen(
            FormModal(
                f"Start the next quarter from {clean_line(source.name)}",
                [
                    Field("name", "Quarter", suggestion),
                    Field("vision", "Vision", source.vision, kind="text", height=2),
                    Field(
                        "carry",
                        "Carry over (Space to untick): blocks not chosen, and "
                        "items still on their lists",
                        [v for _, v in options],
                        kind="choices",
                        options=options,
                    ),
                ],
                partial(self._save_next_quarter, source, candidates),
                save_label="Start",
            )
        )

    def _save_next_quarter(
        self, source: Quarter, offered: Candidates, values: dict[str, Any]
    ) -> str | None:
        picked = values["carry"]
        blocks = [ref for kind, ref in picked if kind == "b"]
        items = [ref for kind, ref in picked if kind == "i"]
        left = left_behind(
            source,
            [(b, held) for b, held in offered.blocks if b.id not in blocks],
            len(offered.loose) - len(set(items)),
        )
        return self.form_op(
            lambda: self.store.start_next_quarter(
                source.id,
                values["name"],
                values["vision"],
                block_ids=blocks,
                item_ids=items,
                loose_only=True,  # (as the checklist showed them: on a list)
            ),
            then=partial(self._show_new_quarter, left_behind=left),
        )

    def action_export(self, fmt: str) -> None:
        """Write the quarter's outcome beside the board file, and say where. A file
        there that holds other text (edits made to an earlier export, or an export of
        the board before it changed) is replaced only if the question says yes: it was
        written over without a word."""
        from ...core.export import export, export_path
        from ...core.outcome import check_writable, holds_other
        from ..modals import ConfirmModal

        target = export_path(self.store.path, self.quarter.name, fmt)
        try:
            written = check_writable(target, self.store.path)  # (refused before asking)
            text = export(self.store, self.quarter_id, fmt)
        except (OSError, PlanboardError) as error:
            message = getattr(error, "strerror", None) or str(error)
            self.say(f"Could not export to {path_text(target.name)}: {message}.", error=True)
            return
        if not (target.is_file() and holds_other(target, text)):
            self._write_export(fmt, target, text)
            return
        name = path_text(target.name)
        asked_of = _file_state(target)
        # (Through a link, the file written is named too: the question named the link.)
        which = f"{name} (a link to {path_text(written)})" if written != target else name

        def answered(replace: bool | None) -> None:
            if replace and _file_state(target) != asked_of:  # (edited while asked: kept)
                self.say(
                    f"Not exported: {name} changed since the question. Export again.", error=True
                )
            elif replace:
                self._write_export(fmt, target, None)  # (made again: asked, time went by)
            else:
                # (No tick: nothing was done.)
                self.status_line.note(
                    f"Not exported: {name} kept as it is (rename it, then export again)."
                )

        self.app.push_screen(
            ConfirmModal(
                f"{which} is there already, and holds other text (an earlier export, or "
                "edits made to it). Replace it with this export?",
                yes="Replace it",
                no="Keep it",
            ),
            answered,
        )

    def _write_export(self, fmt: str, target: Path, text: str | None) -> None:
        from ...core.export import left_out, write_export

        try:
            path = write_export(self.store, self.quarter_id, fmt, target, text=text)
            lost, lost_count = left_out(self.store, self.quarter_id, 2)
        except (OSError, PlanboardError) as error:
            message = getattr(error, "strerror", None) or str(error)
            # (The export's name: the error's may be the temporary file written first.)
            where = f" to {path_text(target.name)}"
            self.say(f"Could not export{where}: {message}.", error=True)
            return
        # (Said in the status line alone: a toast saying it again sat over that line
        # and hid the path.)
        said = f"Exported {self.quarter.name} to {path}"
        if lost:  # (items on no column: left out, as the command says too, with why)
            rows = ", ".join(line.partition(":")[0] for line in lost)
            more = f" and {lost_count - len(lost):,} more" if lost_count > len(lost) else ""
            said += f". Left out, on no column: {rows}{more}"
        self.say(said)

    def open_quarter(self, quarter_id: int, *, looking_back: bool | None = None) -> None:
        """Show a quarter. `looking_back` (from the history) shows a past quarter
        read-only even if it was never decided; None keeps the current mode."""
        if looking_back is not None:
            self.looking_back = looking_back
        changed = quarter_id != self.quarter_id
        self.quarter_id = quarter_id
        self.load()
        if changed:  # nothing of the last quarter's scroll or cursor carries over
            for column in self.columns:
                column.start_over()
        self.say(f"Showing {self.quarter.name} ({self.quarter.status})")
        self.refresh_bindings()

    def _show_new_quarter(self, change: Change, left_behind: str = "") -> None:
        """After a quarter was made: show it, and say so (and what was left behind:
        the blocks and items unticked on the checklist stay where they were, which was
        said nowhere)."""
        if change.quarter_id is not None:
            self.open_quarter(change.quarter_id)
        self.say(change.summary + left_behind)

    def action_new_quarter(self) -> None:
        if self.store.readonly:
            self.writable()
            return
        from ...core.model import next_of
        from ..modals import Field, FormModal

        suggestion = next_of(q.name for q in self.store.quarters())

        self.app.push_screen(
            FormModal(
                "New quarter",
                [
                    Field("name", "Quarter", suggestion, placeholder="e.g. 2026-Q3"),
                    Field("vision", "Vision", self.quarter.vision, kind="text", height=3),
                ],
                self._save_new_quarter,
                save_label="Create",
            )
        )

    def _save_new_quarter(self, values: dict[str, Any]) -> str | None:
        return self.form_op(
            lambda: self.store.create_quarter(values["name"], values["vision"]),
            then=self._show_new_quarter,
        )
