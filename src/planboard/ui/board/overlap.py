"""The overlap between lists on the board: the worker that finds which items ask for the
same thing, the marks it leaves, who else asks (`a`) and suggested blocks (`S`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.content import Content

from ...core.errors import PlanboardError
from ...core.model import Item, Place, Stakeholder, owner_name
from ...core.text import clean_line
from ...core.vectors import Rows, Vectors
from ..widgets.board_rows import counted_widths
from .base import BoardBase

if TYPE_CHECKING:
    from ...core.background import Pass
    from ..overlap import Suggestion, SuggestModal


VECTOR_SLICE = 500  # meaning vectors written to the file at a time, between frames
VECTOR_PAUSE = 0.05  # seconds between two slices
VECTOR_IDLE = 0.4  # seconds without a key or a click before a slice is written
FRAME_FIRST = 0.25  # seconds the overlap pass waits, so that the screen is drawn first
# Entries from which `S` looks for blocks in a thread, the screen answering meanwhile
# (the matcher took 54 ms at 400 items, 0.55 s at 1,800, which froze the screen).
SUGGEST_THREAD_FROM = 300


def _overlap_entries(
    lists: list[list[Item]], owners: dict[int, Stakeholder]
) -> tuple[Sequence[Any], Mapping[Any, tuple[str, str]], dict[Any, str]]:
    """The overlap pass's input from the items on screen: one entry per item (made as
    it is read), and each item's owner name and title (run in the overlap's thread;
    held compactly while the pass runs and after, for its answer's lookups: `named`)."""
    from ...core.packed import named
    from ...core.similar.entry import ItemEntries

    items = [item for items in lists for item in items]
    entries = ItemEntries(items)
    who: dict[Any, str] = {
        owner: owner_name(owner, owners) for owner in {item.stakeholder_id for item in items}
    }
    return entries, named(entries, who), who


def overlap_pass(
    lists: list[list[Item]],
    owners: dict[int, Stakeholder],
    stored: Mapping[Any, tuple[str, bytes]],
    rejected: set[frozenset[Any]],
    running: Pass | None = None,
) -> tuple[Any, Any, Mapping[Any, tuple[str, ...]]] | None:
    """The board's overlap pass over the items of `lists` (run in the board's worker
    thread; a process of its own does the matching on a big board): each item's
    neighbours, the matcher's findings, and who asks for something similar. None when
    `running` was stopped."""
    from ...core.background import Near, neighbours_anywhere

    entries, names, who = _overlap_entries(lists, owners)
    neighbours, found = neighbours_anywhere(
        entries, names, stored, rejected, running=running, owners=who
    )
    if running is not None and running.stopped:
        return None
    # Who asks for something similar, per item: said by the pass's process on a big
    # board, else gathered here, not in the sweep over every item that marks them on
    # the UI thread: the process's made when asked (`Whose`), those gathered here one
    # tuple for each different set of lists (a set per item was 33 MB at 50,000 items).
    said = neighbours.take_whose() if isinstance(neighbours, Near) else None
    if said is not None:
        return neighbours, found, said
    near: dict[Any, tuple[str, ...]] = {}
    same: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key, similar in neighbours.items():
        whose = tuple(sorted({w for _, w, _ in similar}))
        near[key] = same.setdefault(whose, whose)
    return neighbours, found, near


def _new_rows(found: Any) -> Sequence[tuple[Any, str, bytes]]:
    """The new vectors of a pass's findings, made here, once, as rows: the matcher's in
    this thread makes each when asked, its title's hash too, and the screen's thread,
    which takes them for the file, then only reads them."""
    if found is None:
        return []
    if not isinstance(found.new_vectors, Rows):
        found.new_vectors = Rows(found.new_vectors)
    return found.new_vectors


def overlap_marks(
    lists: list[list[Item]],
    near_by: Mapping[Any, tuple[str, ...]],
    merged: dict[int, list[Item]],
    owners: dict[int, Stakeholder],
) -> dict[int, str]:
    """Each item's mark, the times sign and the number of lists that ask for it (its
    owner, the owners of the requests merged into it, the lists with a similar
    request), for the items of `lists` that more than one list asks for. (`asked_by`
    for each item, unrolled: at 50,000 items a tenth of a second, worked out in the
    overlap's thread, not on the screen's.)"""
    marks: dict[int, str] = {}
    names: dict[int | None, str] = {}
    shown: dict[int, str] = {}

    def name(stakeholder_id: int | None) -> str:
        found = names.get(stakeholder_id)
        if found is None:
            found = names[stakeholder_id] = owner_name(stakeholder_id, owners)
        return found

    for items in lists:
        for item in items:
            near, joined = near_by.get(item.id), merged.get(item.id)
            if not near and not joined:
                continue  # its owner alone asks
            asking = {name(item.stakeholder_id)}
            if joined:
                asking.update([name(m.stakeholder_id) for m in joined])
            if near:
                asking.update(near)
            count = len(asking)
            if count > 1:
                mark = shown.get(count)
                if mark is None:
                    mark = shown[count] = f"×{count}"
                marks[item.id] = mark
    return marks


class BoardOverlap(BoardBase):
    """Which items on different lists ask for the same thing, worked out off the UI thread."""

    def _refresh_overlap(self) -> None:
        """Work out, in a thread, which items on different lists ask for the same
        thing; the board shows it when done (it never delays a frame; on a big board it
        runs in a process of its own). Meaning vectors already in the file are reused;
        new or edited titles are embedded there."""
        from ...core.background import Pass

        # What the columns hold now, by reference (a few hundred lists): the entries and
        # the owners' names are made in the thread, not on the screen's.
        lists = [
            group.items
            for name in ("team", "stakeholders", "blocks")
            for group in self.column(name).groups
        ]
        owners = dict(self.stakeholders_by_id)
        # The marks go on dropped items too (merged requests), and use the merges of
        # now: an action that changes them starts a pass of its own.
        marked = [*lists, *(group.items for group in self.column("dropped").groups)]
        groups = {column.id: list(column.groups) for column in self.columns}
        merged = dict(self.merged)
        try:
            rejected: set[frozenset[Any]] = set(self.store.rejected_pairs(self.quarter_id))
        except PlanboardError:
            rejected = set()
        # (A book never changes: the pass reads it while this thread learns new vectors,
        # into another.) None: read once a quarter, in the pass's thread (it held the
        # screen a third of a second at 50,000 items), with those waiting for the file.
        known, quarter_id = self._vectors_known, self.quarter_id
        waiting = self.store.waiting_vectors() if known is None else []
        # The pass this one replaces would finish for nothing: its process ends now.
        self.stop_overlap()
        self._overlap_owed = False
        running = self._overlap_pass = Pass()

        def work() -> Any:
            # The frame that shows the action is drawn first: building tens of thousands
            # of entries here would hold the interpreter lock while it is composed.
            time.sleep(FRAME_FIRST)
            if running.stopped:
                return None  # (the marks stay as they are until a pass is done)
            read = None if known is not None else self.store.item_vectors_apart(quarter_id, waiting)
            stored = known if known is not None else read if read is not None else Vectors()
            found = overlap_pass(lists, owners, stored, rejected, running)
            if found is None:
                return None
            marks = overlap_marks(marked, found[2], merged, owners)
            # The columns' line widths with the marks, measured here too.
            counted = {name: counted_widths(shown, marks) for name, shown in groups.items()}
            # And the vectors known with the new ones (50,000 new: 0.1 s, not on screen).
            new = _new_rows(found[1])
            books = (stored, stored.with_new(new)) if new else None
            return (*found, marks, counted, books, (quarter_id, read))

        self.run_worker(
            work,
            thread=True,
            exclusive=True,
            group="overlap",
            name="overlap",
        )

    def _overlap_if_owed(self) -> None:
        if self._overlap_owed and self.is_attached:
            self._refresh_overlap()

    def on_worker_state_changed(self, event: Any) -> None:
        from textual.worker import WorkerState

        worker = event.worker
        if worker.group == "long" and event.state in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            self._long_done(event)
            # A pass the action stopped runs again, unless what it did started one.
            self.call_after_refresh(self._overlap_if_owed)
            return
        if worker.group == "suggest" and worker.is_finished:
            self._suggestions_found(event)
            return
        if worker.group == "overlap" and event.state == WorkerState.SUCCESS:
            if worker.result is None:  # stopped before it was done
                return
            neighbours, found, _, marks, counted, known, (quarter_id, read) = worker.result
            if read is not None and self._vectors_known is None and quarter_id == self.quarter_id:
                self._vectors_known = read  # (the pass's read of the file: once a quarter)
            self.neighbours = neighbours
            if found is not None:
                self.match_why = found.why
                self.match_note = found.note
                if found.new_vectors:
                    if known is not None and self._vectors_known is known[0]:
                        self._vectors_known = known[1]
                    elif self._vectors_known is not None:
                        self._vectors_known = self._vectors_known.with_new(found.new_vectors)
                    self.store.save_item_vectors(found.new_vectors)
                    self._keep_vectors()
            self._show_marks(marks, counted)
            self._show_detail(self.selected_row())
            self.freeze_long_lived()

    def _keep_vectors(self) -> None:
        """Write the meaning vectors the overlap pass worked out into the file, a slice
        between frames (once this planboard has written: opening and quitting changes
        nothing), never while a long action holds the file, and only in a pause of the
        keys and clicks: a slice takes a commit, tens of milliseconds on a slow disk,
        that a key pressed meanwhile would wait for."""
        if self._vector_timer is not None or not self.store.has_written:
            return

        def step() -> None:
            self._vector_timer = None
            if self.store.lost or self.store.readonly:
                return
            held = self.store.vectors_held
            waiting = self.busy or not self.planboard.idle_for(VECTOR_IDLE)
            left = held if waiting else self.store.flush_item_vectors(VECTOR_SLICE)
            if left and (waiting or left < held):  # (no progress: the file refused)
                self._vector_timer = self.set_timer(VECTOR_PAUSE, step)

        self._vector_timer = self.set_timer(VECTOR_PAUSE, step)

    def _show_marks(
        self, marks: dict[int, str], counted: dict[Any, dict[Place, Any]] | None = None
    ) -> None:
        """One set of marks for every column (`overlap_marks`): an item keeps its mark
        when it moves. `counted`: each column's line widths with them, by its id."""
        for column in self.columns:
            column.set_marks(marks, (counted or {}).get(column.id))
        self.size_columns(after_change=True)

    def _request(self, item_id: int, who: str, title: str) -> Any:
        from ..overlap import Request

        where = "on the list"
        for name in ("team", "stakeholders", "blocks", "dropped"):
            for group in self.column(name).groups:
                if any(i.id == item_id for i in group.items):
                    if group.block is not None:
                        where = f"in block {clean_line(group.block.name)}"
                    elif group.key.is_dropped:
                        where = "dropped"
                    return Request(item_id, who, title, where)
        return Request(item_id, who, title, where)

    def action_also_asked(self) -> None:
        item = self._need_item("to see who else asks for it")
        if item is None:
            return
        from ..overlap import OverlapModal, Request

        similar = [
            self._request(i, who, title) for i, who, title in self.neighbours.get(item.id, ())
        ]
        for request in similar:
            request.why = self.match_why(item.id, request.id)
        merged = [
            Request(m.id, self._owner_name(m.stakeholder_id), m.title, "merged into this item")
            for m in self.merged.get(item.id, ())
        ]
        self.app.push_screen(
            OverlapModal(item.title, similar, merged, note=self.match_note),
            partial(self._overlap_chosen, item),
        )

    def _overlap_chosen(self, item: Item, result: tuple[str, int] | None) -> None:
        """What was chosen in who-else-asks: go to a request, merge, reject or unmerge."""
        if result is None:
            return
        action, other = result
        if action == "go":
            self._pending_go = other  # once the board is back on top (focus returns)
        elif self.writable():
            if action == "merge":
                self.run_op(lambda: self.store.merge_items(item.id, [other]))
            elif action == "reject":
                self.run_op(lambda: self.store.reject_pair(item.id, other))
            else:
                self.run_op(lambda: self.store.unmerge_item(other))

    def action_suggest(self) -> None:
        """Propose blocks from requests on several lists that ask for the same thing. On
        a board of some size the matcher runs in a thread, on a big one in a process of
        its own (`groups_anywhere`), the screen answering meanwhile; the suggestions
        show when it is done."""
        if not self.writable():
            return
        from ...core.background import PROCESS_FROM, groups_anywhere

        if self._suggest_pass is not None:
            self.say("Still looking for blocks to suggest…")
            return
        asked, entries, rejected = self._suggest_inputs()
        if self._suggest_found is not None and self._suggest_found[0] == asked:
            self._offer_suggestions(self._suggest_found[1])
            return
        known = self._vectors_known
        if len(entries) < min(SUGGEST_THREAD_FROM, PROCESS_FROM):
            try:
                stored = known if known is not None else self.store.item_vectors(self.quarter_id)
            except PlanboardError:
                stored = Vectors()
            self._suggest_found = (asked, groups_anywhere(entries, stored, rejected))
            self._offer_suggestions(self._suggest_found[1])
            return
        if known is None:  # (read in the look's thread, as the overlap pass reads them)
            quarter_id, waiting = self.quarter_id, self.store.waiting_vectors()
            known_later = partial(self.store.item_vectors_apart, quarter_id, waiting)
            self._look_for_suggestions(asked, entries, known_later, rejected)
            return
        have: Vectors = known
        self._look_for_suggestions(asked, entries, lambda: have, rejected)

    def _suggest_inputs(self) -> tuple[Any, list[Any], set[frozenset[Any]]]:
        """What `S` compares (every item the overlap compares, so that `S`, `a` and the
        marks agree; only what is still on its lists is suggested) and the pairs said to
        be not the same; with what the groups depend on (the order of the entries does
        not matter): the same again (a suggestion taken or discarded, the help looked
        at) is not looked for again."""
        from ...core.similar import Entry

        try:
            rejected: set[frozenset[Any]] = set(self.store.rejected_pairs(self.quarter_id))
        except PlanboardError:
            rejected = set()
        entries = [
            Entry(item.id, item.title, item.stakeholder_id)
            for name in ("team", "stakeholders", "blocks")
            for group in self.column(name).groups
            for item in group.items
        ]
        return (frozenset(entries), frozenset(rejected)), entries, rejected

    def _look_for_suggestions(
        self,
        asked: Any,
        entries: list[Any],
        stored: Callable[[], Mapping[Any, Any] | None],
        rejected: set[Any],
    ) -> None:
        """`S`'s matcher in a worker (in a process of its own on a big board), with
        the vectors `stored` gives there (None: the file could not be read)."""
        from ...core.background import Pass, groups_anywhere

        running = self._suggest_pass = Pass()
        self.status_line.show(
            Content.assemble(
                ("⋯ ", "bold $text-warning"),
                f"Looking for blocks to suggest among {len(entries):,} items…",
                (" — keys work meanwhile", "$text-muted"),
            )
        )

        def look() -> tuple[Any, list[list[Any]]] | None:
            vectors = stored()
            found = groups_anywhere(entries, vectors or Vectors(), rejected, running=running)
            return None if running.stopped else (asked, found)

        self.run_worker(
            look,
            thread=True,
            group="suggest",
            name="suggest",
        )

    def _suggestions_found(self, event: Any) -> None:
        from textual.worker import WorkerState

        self._suggest_pass = None
        if self.busy:  # (a long action's progress line stays; kept for the next S)
            if event.state == WorkerState.SUCCESS and event.worker.result is not None:
                self._suggest_found = event.worker.result
            return
        self.status_line.show(Content(""))
        if event.state != WorkerState.SUCCESS or event.worker.result is None:
            return  # (stopped)
        self._suggest_found = event.worker.result
        if self.app.screen is not self:
            # Another screen came up meanwhile (the help, a form): kept for the next S
            # (unless the board changes first).
            self.say("The blocks to suggest are ready: press S to see them.")
            return
        if self._suggest_inputs()[0] != self._suggest_found[0]:
            self.action_suggest()  # (the board changed while it looked: again)
            return
        self._offer_suggestions(self._suggest_found[1])

    def _offer_suggestions(self, groups: list[list[Any]]) -> None:
        from ..overlap import SuggestModal

        suggestions = self._suggestions(groups)
        discarded: set[frozenset[int]] = getattr(self.app, "discarded_suggestions", set())
        hidden = [s for s in suggestions if s.key in discarded]
        suggestions = [s for s in suggestions if s.key not in discarded]
        if not suggestions:
            if hidden:
                self.say(
                    f"No suggestion left: {len(hidden)} discarded earlier "
                    "(they come back when planboard is opened again)."
                )
            else:
                self.say(
                    "No suggestion: no two lists ask for the same thing among the loose items."
                )
            return
        modal = SuggestModal(suggestions)
        self.app.push_screen(modal, partial(self._suggestion_chosen, modal, discarded))

    def _suggestions(self, groups: list[list[Any]]) -> list[Suggestion]:
        """Loose requests on two lists or more that ask for the same thing, as blocks,
        from the groups the matcher found (by item id): those still loose now."""
        from ..overlap import Request, Suggestion

        loose = {
            item.id: item
            for name in ("team", "stakeholders", "blocks")
            for group in self.column(name).groups
            for item in group.items
            if item.block_id is None
        }
        suggestions = []
        for group in groups:
            items = [loose[key] for key in group if key in loose]
            if len(items) < 2 or len({i.stakeholder_id for i in items}) < 2:
                continue
            team = [i for i in items if i.stakeholder_id is None]
            name = (team[0] if team else min(items, key=lambda i: len(i.title))).title
            requests = [
                Request(i.id, self._owner_name(i.stakeholder_id), i.title, "on the list")
                for i in items
            ]
            suggestions.append(Suggestion(name, requests))
        # The biggest first, by what is still loose (the groups were ranked by all they
        # held, items already in a block too): the list shows the biggest `SHOWN`.
        suggestions.sort(key=lambda s: -len(s.requests))
        return suggestions

    def _suggestion_chosen(
        self,
        modal: SuggestModal,
        discarded: set[frozenset[int]],
        result: tuple[str, Any] | None,
    ) -> None:
        """The suggestions closed: what was discarded stays hidden; one taken is a block."""
        discarded.update(s.key for s in modal.discarded)
        if result is None:
            return
        if not self.writable():  # (busy with a long action meanwhile: it says so)
            return
        suggestion = result[1]
        ids = [r.id for r in suggestion.requests]
        self.run_op(
            lambda: self.store.add_block(
                self.quarter_id, suggestion.name, item_ids=ids, loose_only=True
            )
        )
