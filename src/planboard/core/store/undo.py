"""Undo and redo, replayed from the row changes each `events` row records (checked first:
another program may have written anything there). Tidying positions other programs left
out of order is in `tidying`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from ..clock import timer_for_timebox
from ..errors import ConflictError, PlanboardError, ValidationError
from ..model import Change, Event
from ..rows import EVENT_COLUMNS, flag_unless_zero, shown, stored_as_zero
from ..text import clean_line
from .carried import CarriedRule
from .core import _reads
from .tidying import Tidying
from .tx import _PK, _TRANSPARENT_SQL, REPLAY_BATCH, UNDO_TABLES, Progress, _Tx


class UndoLog(Tidying, CarriedRule):
    """Undo and redo from the `events` log (and, from `Tidying`, positions left out of order)."""

    def _undo_candidate(self, quarter_id: int) -> Event | None:
        return self._candidate(quarter_id, undo=True)[0]

    def _redo_candidate(self, quarter_id: int) -> Event | None:
        return self._candidate(quarter_id, undo=False)[0]

    def _candidate(self, quarter_id: int, *, undo: bool) -> tuple[Event | None, str | None]:
        """The event undo (or redo) would replay, and the text of its changes as stored
        (when known: see `_replay_event`)."""
        row = self.conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events "
            f"WHERE quarter_id IS ? AND action NOT IN {_TRANSPARENT_SQL} AND undone = ? "
            f"ORDER BY id {'DESC' if undo else ''} LIMIT 1",
            (quarter_id, 0 if undo else 1),
        ).fetchone()
        if row is None:
            return None, None
        event, changes_text = self._replay_event(row)
        if undo and event.payload.get("undoable", True) is False:
            return None, None
        return event, changes_text

    @_reads
    def undo_summary(self, quarter_id: int) -> str | None:
        event = self._undo_candidate(quarter_id)
        return event.summary if event else None

    @_reads
    def replay_action(self, quarter_id: int, *, undo: bool = True) -> str | None:
        """The action (`move_item`, `import`, ...) that undo (or redo) would replay."""
        event = self._undo_candidate(quarter_id) if undo else self._redo_candidate(quarter_id)
        return event.action if event else None

    @_reads
    def replay_reveals(self, quarter_id: int, *, undo: bool) -> bool:
        """Whether the next undo (or redo) would reveal the event's hidden tally (the
        screens ask first, as `r` does). False for a record that can't be replayed."""
        hidden = self.conn.execute(  # (only an exact 0 is off: `flag_unless_zero`)
            "SELECT 1 FROM meetings WHERE tally_hidden IS NOT 0 LIMIT 1"
        ).fetchone()
        if hidden is None:  # (no tally hidden now: nothing to reveal, and the record,
            return False  # a big import's megabytes, is not read on the screen's turn)
        # Nor while one is, when the record names no `tally_hidden` (SQLite looks, in C:
        # a 20,000-item import's record took 150 ms to parse, during the event). In
        # planboard's JSON the key is written as it is; in a title, its quotes escaped.
        # A record that escapes a printable character (`\u005f`), which planboard's
        # never does, is another program's: it is read, whatever it spells.
        named = self.conn.execute(
            "SELECT instr(payload, '\"tally_hidden\"') OR payload GLOB '*\\u00[2-7]*' "
            "FROM events "
            f"WHERE quarter_id IS ? AND action NOT IN {_TRANSPARENT_SQL} AND undone = ? "
            f"ORDER BY id {'DESC' if undo else ''} LIMIT 1",
            (quarter_id, 0 if undo else 1),
        ).fetchone()
        if named is None or not named[0]:
            return False
        event, _ = self._candidate(quarter_id, undo=undo)
        if event is None:
            return False
        try:
            steps = self._recorded_changes(event, "undo" if undo else "redo", undo=undo)
        except PlanboardError:
            return False
        return any(
            table == "meetings"
            and isinstance(target, dict)
            and "tally_hidden" in target
            and stored_as_zero(target["tally_hidden"])
            and self._would_reveal(pk, want)
            for table, pk, want, target in steps
        )

    def _would_reveal(self, quarter_id: Any, want: Any) -> bool:
        """Whether the tally is hidden now and the row holds what the record says it
        must (else nothing is left to reveal, or the replay is refused)."""
        row = self.conn.execute(
            f"SELECT tally_hidden, {flag_unless_zero('tally_hidden')} FROM meetings "
            "WHERE quarter_id = ?",
            (quarter_id,),
        ).fetchone()
        if row is None or row[1] != 1:
            return False
        if isinstance(want, dict) and "tally_hidden" in want:
            return bool(want["tally_hidden"] == row[0])  # (as the replay compares)
        return True

    def _nothing_to_replay(self, quarter_id: int, *, undo: bool) -> str:
        """Why undo (or redo) has nothing to do: at an action that is not undone
        (starting or ending an event, a decision, a reopening), which one."""
        if not undo:
            return "Nothing to redo"
        row = self.conn.execute(
            "SELECT action, summary FROM events "
            f"WHERE quarter_id IS ? AND action NOT IN {_TRANSPARENT_SQL} AND undone = 0 "
            "ORDER BY id DESC LIMIT 1",
            (quarter_id,),
        ).fetchone()
        if row is not None and row[0] == "create_quarter" and self._only_started(quarter_id):
            # (Starting a quarter is not undone; `u` straight after it means to take it
            # back: say how. The delete says why not, if another program changed it.)
            return (
                f"Nothing to undo: “{clean_line(str(row[1]))}” can't be undone; a quarter "
                "nothing was done to since can be deleted (Ctrl+P, “quarter: Delete”)."
            )
        if row is None or row[0] in ("create_quarter", "create_board", "sample") or not row[1]:
            return "Nothing to undo"  # (the quarter's start, or the sample's: nothing before)
        return f"Nothing to undo: “{clean_line(str(row[1]))}” can't be undone."

    def _only_started(self, quarter_id: int) -> bool:
        """Whether the quarter's history holds its start alone (an action done and
        undone since is still there: `quarter_deletable` then refuses the delete), and
        it is not the board's only quarter (a board keeps one)."""
        return not self.conn.execute(
            "SELECT 1 FROM events WHERE quarter_id IS ? AND action IS NOT 'create_quarter' "
            "UNION ALL SELECT 1 WHERE (SELECT count(*) FROM quarters) < 2 LIMIT 1",
            (quarter_id,),
        ).fetchone()

    @_reads
    def redo_summary(self, quarter_id: int) -> str | None:
        event = self._redo_candidate(quarter_id)
        return event.summary if event else None

    def undo(self, quarter_id: int, *, progress: Progress | None = None) -> Change:
        """Undo the quarter's latest action (also after the file was closed and reopened).
        `progress(done, total)` hears how far a large one has got."""
        return self._replay(quarter_id, undo=True, progress=progress)

    def redo(self, quarter_id: int, *, progress: Progress | None = None) -> Change:
        return self._replay(quarter_id, undo=False, progress=progress)

    @_reads
    def replay_size(self, quarter_id: int, *, undo: bool) -> int:
        """How big the next undo (or redo) is, in bytes of its record: the screen runs a
        large one in the background, with a progress line."""
        order = "DESC" if undo else ""
        row = self.conn.execute(
            # (In bytes: a text's length in characters is counted through all of it,
            # 7 ms for a 20,000-item import's record, on the screen's turn; 1.6 as bytes.)
            "SELECT length(CAST(payload AS BLOB)) FROM events "
            f"WHERE quarter_id IS ? AND action NOT IN {_TRANSPARENT_SQL} AND undone = ? "
            f"ORDER BY id {order} LIMIT 1",
            (quarter_id, 0 if undo else 1),
        ).fetchone()
        return int(row[0] or 0) if row else 0

    def _replay(self, quarter_id: int, *, undo: bool, progress: Progress | None = None) -> Change:
        verb = "undo" if undo else "redo"
        with self._write() as tx:
            self._check_quarter_writable(quarter_id, tx)
            event, changes_text = self._candidate(quarter_id, undo=undo)
            if event is None:
                return Change(summary=self._nothing_to_replay(quarter_id, undo=undo))
            steps = self._recorded_changes(event, verb, undo=undo)
            self._apply_record(tx, event, verb, steps, progress)
            self._check_replay_keeps_carried_open(event, verb, steps)
            if not self._known_tidy(quarter_id, event.id) and self._untidy_where(tx, quarter_id):
                self._densify(tx, quarter_id)
            self.conn.execute(
                "UPDATE events SET undone = ? WHERE id = ?", (1 if undo else 0, event.id)
            )
            done = "Undid" if undo else "Redid"
            # A redo records the very changes its event holds (compared whole, in C):
            # their text is written again as stored, not made anew.
            if undo or changes_text is None or tx.changes != event.payload["changes"]:
                changes_text = None
            item_id, block_id = event.payload.get("item_id"), event.payload.get("block_id")
            return self._finish(
                tx,
                "undo" if undo else "redo",
                f"{done}: {event.summary}",
                quarter_id,
                item_id=item_id if isinstance(item_id, int) else None,
                block_id=block_id if isinstance(block_id, int) else None,
                extra={"event_id": event.id},
                changes_text=changes_text,
            )

    def _check_replay_keeps_carried_open(
        self, event: Event, verb: str, steps: list[tuple[str, Any, Any, Any]]
    ) -> None:
        """The carried-on rule, over the rows a replay wrote back: an item (or a block)
        a later quarter carried on since the event may not be back in a chosen block,
        nor a carried copy back while its original is chosen (the write is rolled back).
        Only the rows that name a block, a merge, a copy or a choice are looked at."""
        keys = {
            "items": ("block_id", "merged_into", "carried_from"),
            "blocks": ("choice", "carried_from"),
        }
        touched: dict[str, list[int]] = {"items": [], "blocks": []}
        pairs: list[int] = []
        for table, pk, _, becomes in steps:
            if table in keys and becomes and any(becomes.get(k) is not None for k in keys[table]):
                touched[table].append(pk)
            elif table == "rejected_pairs" and becomes is not None:
                pairs.append(pk)
        if pairs and self._pairs_naming_gone_items(pairs):  # (its items: no foreign key says so)
            raise ConflictError(
                f"Can't {verb} this — {event.summary} — because the board has changed "
                "since (in another quarter, or from another program): an item it names is "
                "gone. Nothing was changed."
            )
        if not touched["items"] and not touched["blocks"]:
            return
        try:
            self._check_chosen_not_carried(touched["items"], touched["blocks"])
        except ValidationError as refused:
            raise ConflictError(f"Can't {verb} this: {refused}") from None

    def _pairs_naming_gone_items(self, pairs: list[int]) -> bool:
        """Whether one of these `rejected_pairs` rows names an item that is not there."""
        import json

        return bool(
            self.conn.execute(
                "SELECT EXISTS (SELECT 1 FROM rejected_pairs r WHERE r.id IN (SELECT value "
                "FROM json_each(?)) AND (NOT EXISTS (SELECT 1 FROM items WHERE id = "
                "r.first_id) OR NOT EXISTS (SELECT 1 FROM items WHERE id = r.second_id)))",
                (json.dumps(pairs),),
            ).fetchone()[0]
        )

    def _apply_record(
        self,
        tx: _Tx,
        event: Event,
        verb: str,
        steps: list[tuple[str, Any, Any, Any]],
        progress: Progress | None,
    ) -> None:
        """Apply a record's row changes; a failure says whether the board changed since
        or the record itself is damaged (nothing is applied either way: the write is
        rolled back)."""
        conflict = ConflictError(
            f"Can't {verb} this — {event.summary} — because the board has changed "
            "since (in another quarter, or from another program). Nothing was changed."
        )

        def damaged(table: str, pk: Any) -> PlanboardError:
            return self._damaged(event, verb, f"{table} row {pk} names unknown columns")

        try:
            self._apply_all(tx, steps, conflict=conflict, damaged=damaged, progress=progress)
        except (ConflictError, sqlite3.IntegrityError) as error:
            # A row another program added still points at one this would remove, or a
            # row is not as recorded: unless the record itself holds what no row can
            # (looked for only now, not on every replay).
            unstorable = _unstorable(steps)
            if unstorable:
                raise self._damaged(event, verb, unstorable) from None
            broken = str(error)
            if broken.startswith(("CHECK constraint", "NOT NULL constraint")):
                # A row no table takes: the record's doing, not another program's.
                raise self._damaged(event, verb, f"a row the table refuses, {broken}") from None
            if isinstance(error, ConflictError):
                raise
            carried = self._carried_away(steps)  # (planboard's own carry-over, not another
            if carried:  # program's row: said with the way out)
                raise ConflictError(
                    f"Can't {verb} this — {event.summary} — because {carried}. Nothing was changed."
                ) from None
            raise conflict from None
        except (
            OverflowError,
            UnicodeEncodeError,
            sqlite3.InterfaceError,
            sqlite3.ProgrammingError,
        ) as error:
            # (sqlite3's binding errors: a number too big, a lone surrogate, a list)
            raise self._damaged(event, verb, _unstorable(steps) or str(error)) from None

    def _columns(self, table: str) -> frozenset[str]:
        known = self._table_columns.get(table)
        if known is None:
            known = frozenset(r[1] for r in self.conn.execute(f"PRAGMA table_info({table})"))
            self._table_columns[table] = known
        return known

    def _known_columns(self, table: str, row: dict[str, Any]) -> bool:
        """Whether every key of `row` is a column of `table` (the keys are written into
        SQL); remembered per set of keys, which repeat from row to row."""
        keys = (table, *row)
        known = self._checked_keys.get(keys)  # (a tuple of a row's keys is cheap)
        if known is None:
            known = set(row) <= self._columns(table)
            self._checked_keys[keys] = known
        return known

    def _recorded_changes(
        self, event: Event, verb: str, *, undo: bool
    ) -> list[tuple[str, Any, Any, Any]]:
        """The event's row changes as (table, row id, what the row must hold now, what
        it becomes), in the order to apply them. Checked first: another program may
        have written anything in `events.payload`, and only a well-formed record of
        known tables and columns is ever applied."""
        problem = event.problem
        steps: list[tuple[str, Any, Any, Any]] = []
        changes = event.payload.get("changes")
        if not problem and not isinstance(changes, list):
            problem = "no list of row changes"
        for change in changes if not problem and isinstance(changes, list) else ():
            if type(change) is not list or len(change) != 4:
                problem = "a change is not [table, row, before, after]"
                break
            table, pk, before, after = change
            if type(table) is not str or table not in UNDO_TABLES:
                problem = f"an unknown table {str(table)[:30]!r}"
                break
            if type(pk) is not int:  # (every table's key is an INTEGER PRIMARY KEY)
                problem = f"a row of {table} has no usable id"
                break
            if (
                (before is None and after is None)
                or (before is not None and type(before) is not dict)
                or (after is not None and type(after) is not dict)
            ):
                problem = f"{table} row {pk} has no usable before and after"
                break
            if table == "quarters" and _moves_a_quarter(before, after):
                # Only the event and its decision change a quarter's status, and
                # neither is undone; no undoable action adds or removes a quarter.
                problem = f"quarters row {pk} changes what only the event and decision do"
                break
            # (the columns are checked where they are written into SQL: `_apply`,
            # `_apply_run`)
            steps.append((table, pk, after, before) if undo else (table, pk, before, after))
        if problem:
            raise self._damaged(event, verb, problem)
        if undo:
            steps.reverse()
        return steps

    @staticmethod
    def _damaged(event: Event, verb: str, problem: str) -> PlanboardError:
        return PlanboardError(
            f"Can't {verb} “{event.summary}”: events row {event.id} is damaged "
            f"({problem}); nothing was changed."
        )

    def _apply_all(
        self,
        tx: _Tx,
        steps: list[tuple[str, Any, Any, Any]],
        *,
        conflict: ConflictError,
        damaged: Callable[[str, Any], PlanboardError],
        progress: Progress | None,
    ) -> None:
        """Apply (table, row id, what it holds now, what it becomes) in order. Runs of
        inserts or deletes of distinct rows of one table (an import has tens of
        thousands) are checked and written in batches; updates one row at a time."""
        total, done, index = len(steps), 0, 0
        while index < total:
            table, pk, want, target = steps[index]
            if want is not None and target is not None:
                if not self._known_columns(table, target):
                    raise damaged(table, pk)
                self._apply(tx, table, pk, want, target, conflict)
                index += 1
            else:
                deleting = target is None
                run: list[tuple[Any, Any, Any]] = []
                seen: set[Any] = set()
                end = min(total, index + REPLAY_BATCH)
                while index < end:
                    t, p, w, g = steps[index]
                    if t != table or (g is None) != deleting or (w is None) == deleting:
                        break
                    if p in seen:
                        break
                    run.append((p, w, g))
                    seen.add(p)
                    index += 1
                self._apply_run(
                    tx, table, "delete" if deleting else "insert", run, conflict, damaged
                )
            if progress is not None and (index - done >= REPLAY_BATCH or index == total):
                done = index
                progress(done, total)

    def _apply_run(
        self,
        tx: _Tx,
        table: str,
        kind: str,
        run: list[tuple[Any, Any, Any]],
        conflict: ConflictError,
        damaged: Callable[[str, Any], PlanboardError],
    ) -> None:
        key = _PK.get(table, "id")
        marks = ", ".join("?" for _ in run)
        cursor = self.conn.execute(
            f"SELECT * FROM {table} WHERE {key} IN ({marks})", [pk for pk, _, _ in run]
        )
        names = [d[0] for d in cursor.description]
        at = names.index(key)
        current = {values[at]: values for values in cursor}
        recorded: list[tuple[Any, dict[str, Any] | None, dict[str, Any] | None]] = []
        if kind == "delete":
            for pk, want, _ in run:
                values = current.get(pk)
                if values is None:
                    raise conflict
                # A row recorded whole, its columns in the table's order, compares as one
                # tuple (in C); the row is then exactly what was recorded.
                if list(want) == names and tuple(want.values()) == values:
                    recorded.append((pk, want, None))
                    continue
                row = dict(zip(names, values, strict=True))
                if any(row.get(k) != v for k, v in want.items()):
                    raise conflict
                recorded.append((pk, row, None))
            # One statement per batch: SQLite checks the rows pointing at each deleted
            # one far faster than with a statement per row.
            self.conn.execute(
                f"DELETE FROM {table} WHERE {key} IN ({marks})", [pk for pk, _, _ in run]
            )
            tx.record_many(table, recorded)
            return
        if current:
            raise conflict  # a row this would put back is there already
        by_shape: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for pk, _, target in run:
            row = {key: pk, **target}
            shape = tuple(row)
            if shape not in by_shape and not self._known_columns(table, row):
                raise damaged(table, pk)
            by_shape.setdefault(shape, []).append(tuple(row.values()))
            recorded.append((pk, None, row))
        tx.record_many(table, recorded)
        for shape, rows in by_shape.items():
            self.conn.executemany(
                f"INSERT INTO {table} ({', '.join(shape)}) VALUES "
                f"({', '.join('?' for _ in shape)})",
                rows,
            )

    def _apply(
        self,
        tx: _Tx,
        table: str,
        pk: Any,
        expected: dict[str, Any] | None,
        target: dict[str, Any] | None,
        conflict: ConflictError,
    ) -> None:
        """Take one row from `expected` to `target`, refusing if it no longer matches."""
        current = tx.row(table, pk)
        if table == "meetings" and current is not None and expected and target:
            expected, target = self._past_timer_moves(pk, current, expected, target)
            if not target:
                return  # (the countdown alone: the timer's own, kept as it is)
        if expected is None:
            if current is not None:
                raise conflict
        else:
            if current is None or any(current.get(k) != v for k, v in expected.items()):
                raise conflict
        if target is None:
            tx.delete(table, pk)
        elif current is None:
            tx.insert(table, target)
        else:
            tx.update(table, pk, target)

    def _past_timer_moves(
        self,
        quarter_id: Any,
        current: dict[str, Any],
        expected: dict[str, Any],
        target: dict[str, Any],
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """A setting of the event undone or redone after the timer moved (`t`, which
        undo steps over): the countdown is neither compared nor put back (a new timebox
        and then `t` made the undo refuse for good), and a timebox it puts back applies
        to the countdown as it stands, as a new timebox does. Not moved since, the
        countdown is put back as it was (a timebox that cut it to nothing lost how much
        was left)."""
        recorded = {k: v for k, v in expected.items() if k in TIMER_COLUMNS}
        if recorded and all(current.get(k) == v for k, v in recorded.items()):
            return expected, target  # (it did not move since: put back as it was)
        expected = {k: v for k, v in expected.items() if k not in TIMER_COLUMNS}
        target = {k: v for k, v in target.items() if k not in TIMER_COLUMNS}
        minutes = target.get("timebox_minutes")
        meeting = self.meeting(quarter_id) if minutes != current.get("timebox_minutes") else None
        if meeting is not None and meeting.timer_remaining is not None and minutes is not None:
            target.update(
                timer_for_timebox(
                    meeting.timebox_minutes,
                    meeting.timer_started_at,
                    meeting.timer_remaining,
                    minutes,
                    self.now(),
                )
            )
        return expected, target


TIMER_COLUMNS = ("timer_started_at", "timer_remaining")  # moved by `t`, which undo steps over
INTEGER_RANGE = range(-(1 << 63), 1 << 63)  # what an SQLite INTEGER holds


def _moves_a_quarter(before: dict[str, Any] | None, after: dict[str, Any] | None) -> bool:
    """Whether a recorded change of a quarters row adds or removes it, or changes its
    status."""
    if before is None or after is None:
        return True
    return before.get("status", after.get("status")) != after.get("status", before.get("status"))


def _unstorable(steps: list[tuple[str, Any, Any, Any]]) -> str | None:
    """What in a record's row changes no SQLite row can hold — a number too big for an
    INTEGER, text that is not Unicode (a lone surrogate), a list or an object as a
    value — named with its table and row; None if there is nothing of the kind."""

    def wrong(value: Any) -> str | None:
        kind = type(value)
        if kind is int and value not in INTEGER_RANGE:
            return "a number too big to store"
        if kind is str:
            try:
                value.encode()
            except UnicodeEncodeError:
                return "text that is not Unicode"
        if kind is list or kind is dict:
            return "a list or an object as a value"
        return None

    for table, pk, now, then in steps:
        found = wrong(pk)
        if found:
            return f"{found} as a {table} row id"
        for row in (now, then):
            for column, value in (row or {}).items():
                found = wrong(value)
                if found:
                    return f"{found} in {table} row {shown(pk)}, {shown(column)}"
    return None
