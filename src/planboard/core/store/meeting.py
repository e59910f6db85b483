"""The planning event: starting and ending it, its settings, attendance, dots, the
countdown, the chosen blocks and who a decision cuts off.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from ..backup import backup_board
from ..clock import stamp_ms, timer_for_timebox, timer_stopped
from ..dangling import not_shown
from ..errors import PlanboardError, ReadOnlyError, ValidationError
from ..model import Block, Change, CutOff, Meeting, Stakeholder
from ..rows import integer, whole
from ..rules import cut_streak, why_not_start, why_read_only
from ..tally import counted_votes
from ..text import name_order, path_text
from .core import _quote, _reads
from .placing import StorePlacing
from .tx import _Tx


class MeetingCommands(StorePlacing):
    """The planning event: start, end, settings, attendance, dots, timer, choices."""

    def start_meeting(self, quarter_id: int, *, backup: bool = True) -> tuple[Change, Path | None]:
        """Start the planning event: first a backup of the whole file beside it, then
        the quarter goes `live`. Returns the change and where the backup is."""
        quarter = self._check_quarter_writable(quarter_id)
        if quarter.status == "live":
            meeting = self.meeting(quarter_id)
            path = Path(meeting.backup_path) if meeting and meeting.backup_path else None
            return Change(summary=f"{quarter.name} is already live", quarter_id=quarter_id), path
        refusal = why_not_start(quarter, self.quarters())
        if refusal:
            raise ValidationError(refusal)
        written: Path | None = None
        if backup:
            if self.readonly:
                raise ReadOnlyError(why_read_only(None, file_reason=self.readonly_reason))
            try:
                written = backup_board(self.conn, self.path, f"{quarter.name}-live")
            except (OSError, sqlite3.Error) as error:
                raise PlanboardError(
                    f"Could not write the backup before the event ({error}); the event did "
                    "not start."
                ) from error
        with self._write() as tx:
            quarter = self._check_quarter_writable(quarter_id, tx)
            refusal = why_not_start(quarter, list(tx.began.values()))  # (again, in it)
            if refusal:
                raise ValidationError(refusal)
            now = self.clock()
            existing = self.meeting(quarter_id)
            values = {
                "started_at": now,
                "ended_at": None,
                "backup_path": path_text(written) if written else "",
            }
            if existing is None:
                tx.insert("meetings", {"quarter_id": quarter_id, **values})
            else:
                tx.update("meetings", quarter_id, values)
            tx.update("quarters", quarter_id, {"status": "live"})
            where = f"; backup: {path_text(written.name)}" if written else ""
            change = self._finish(
                tx,
                "start_meeting",
                f"Started the planning event for {quarter.name}{where}",
                quarter_id,
                undoable=False,
            )
        return change, written

    def end_meeting(self, quarter_id: int) -> Change:
        """End the event without a decision: back to `preparing`. Votes stay."""
        with self._write() as tx:
            quarter = self._check_quarter_writable(quarter_id, tx)
            if quarter.status != "live":
                raise ValidationError(f"{quarter.name} is not live; there is no event to end.")
            # A quarter with its decision (another program set it live again) goes back
            # to decided, as its decision and chosen blocks say, not to preparing.
            decided = self.decision(quarter_id) is not None
            tx.update("quarters", quarter_id, {"status": "decided" if decided else "preparing"})
            meeting = self.meeting(quarter_id)
            if meeting is not None:
                # (The event of a decided quarter ended when it was decided: that stays.)
                ended = meeting.ended_at if decided and meeting.ended_at else self.clock()
                stopped = timer_stopped(
                    meeting.timer_started_at,
                    meeting.timer_remaining,
                    meeting.timebox_minutes,
                    self.now(),
                )
                tx.update("meetings", quarter_id, {"ended_at": ended, **stopped})
            summary = f"Ended the event for {quarter.name} without a decision"
            if decided:
                summary = f"Ended the event for {quarter.name}: it has its decision, and is decided"
            return self._finish(tx, "end_meeting", summary, quarter_id, undoable=False)

    def _need_meeting(self, quarter_id: int) -> Meeting:
        meeting = self.meeting(quarter_id)
        if meeting is None:
            raise ValidationError("Start the planning event first.")
        return meeting

    def set_meeting(
        self,
        quarter_id: int,
        *,
        dot_budget: int | str | None = None,
        tally_hidden: bool | None = None,
        timebox_minutes: int | str | None = None,
        present: Sequence[int] | None = None,
        now: datetime | None = None,
    ) -> Change:
        """Change the event's settings — who is present, dots per person, hidden
        tally, timebox — in one action. A new timebox applies at once: the countdown
        shows the new length minus the time already spent, running or paused."""
        values: dict[str, Any] = {}
        if dot_budget is not None:
            values["dot_budget"] = self._whole(dot_budget, "Dots per person", 1, 99)
        if tally_hidden is not None:
            values["tally_hidden"] = int(bool(tally_hidden))
        if timebox_minutes is not None:
            values["timebox_minutes"] = self._whole(timebox_minutes, "The timebox", 1, 600)
        with self._write() as tx:
            quarter = self._check_quarter_writable(quarter_id, tx)
            meeting = self._need_meeting(quarter_id)
            # (Refusals name no count while the tally is, or is becoming, hidden.)
            hidden = meeting.tally_hidden or bool(values.get("tally_hidden"))
            if "dot_budget" in values:
                self._check_dot_budget(quarter_id, values["dot_budget"], hidden)
            if (
                "timebox_minutes" in values
                and values["timebox_minutes"] != meeting.timebox_minutes
                and meeting.timer_remaining is not None
            ):
                values.update(
                    timer_for_timebox(
                        meeting.timebox_minutes,
                        meeting.timer_started_at,
                        meeting.timer_remaining,
                        values["timebox_minutes"],
                        now or self.now(),
                    )
                )
            tx.update("meetings", quarter_id, values)
            what = []
            if present is not None:
                before, written = len(self.attendance(quarter_id)), len(tx.changes)
                count = self._write_attendance(tx, quarter_id, present, hidden)
                if count != before or len(tx.changes) > written:  # (who is here changed)
                    what.append(f"{count} present")
            what += self._settings_changed(meeting, values)
            summary = f"Event of {quarter.name}: " + (", ".join(what) or "settings kept")
            return self._finish(tx, "set_meeting", summary, quarter_id)

    def _check_dot_budget(self, quarter_id: int, budget: int, hidden: bool) -> None:
        """Refuse a budget below the dots someone has already placed (how many, only
        once the tally is revealed)."""
        # (The dots placed on this quarter's blocks: a row another program wrote for a
        # block not on the board, or of no dots, is not counted, and holds nothing.)
        over = self.conn.execute(
            f"SELECT s.name, SUM({whole('v.dots')}) FROM votes v JOIN stakeholders s "
            "ON s.id = v.stakeholder_id WHERE v.quarter_id = ? AND v.block_id IN "
            f"(SELECT id FROM blocks WHERE quarter_id = ?) AND {whole('v.dots')} > 0 "
            f"GROUP BY s.id HAVING SUM({whole('v.dots')}) > ?",
            (quarter_id, quarter_id, budget),
        ).fetchone()
        if over and hidden:
            raise ValidationError(
                f"{over[0]} has already placed more dots than that; the budget can't go "
                "below what anyone placed (votes are never wiped silently)."
            )
        if over:
            raise ValidationError(
                f"{over[0]} has already placed {over[1]} dots; the budget can't go "
                "below that (votes are never wiped silently)."
            )

    @staticmethod
    def _settings_changed(meeting: Meeting, values: dict[str, Any]) -> list[str]:
        """What the summary says changed among dots, tally and timebox."""
        what = []
        if "dot_budget" in values and values["dot_budget"] != meeting.dot_budget:
            what.append(f"{values['dot_budget']} dots each")
        if "tally_hidden" in values and bool(values["tally_hidden"]) != meeting.tally_hidden:
            what.append("tally hidden" if values["tally_hidden"] else "tally revealed")
        if "timebox_minutes" in values and values["timebox_minutes"] != meeting.timebox_minutes:
            minutes = values["timebox_minutes"]
            what.append(f"timebox {minutes} minute{'s' if minutes != 1 else ''}")
        return what

    @staticmethod
    def _whole(value: int | str, what: str, low: int, high: int) -> int:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValidationError(f"{what} must be a whole number, not {value!r}.") from None
        if not low <= number <= high:
            raise ValidationError(f"{what} must be between {low} and {high}.")
        return number

    @_reads
    def attendance(self, quarter_id: int) -> list[int]:
        """The stakeholders present at the quarter's event (ids): those in the file (a
        row another program wrote for someone who is not is named, `counted_votes`)."""
        return [
            r[0]
            for r in self.conn.execute(
                f"SELECT {integer('stakeholder_id')} FROM attendance WHERE quarter_id = ? "
                "AND stakeholder_id IN (SELECT id FROM stakeholders) ORDER BY id",
                (quarter_id,),
            )
            if r[0] is not None
        ]

    def set_attendance(self, quarter_id: int, stakeholder_ids: Sequence[int]) -> Change:
        """Who is present (and so has dots to place)."""
        return self.set_meeting(quarter_id, present=stakeholder_ids)

    def _write_attendance(
        self, tx: _Tx, quarter_id: int, stakeholder_ids: Sequence[int], hidden: bool
    ) -> int:
        """Make the attendance exactly `stakeholder_ids`. Someone with dots placed can't
        be marked absent: their votes would be lost (how many is said only once the
        tally is revealed). Returns how many are present."""
        wanted = list(dict.fromkeys(stakeholder_ids))
        current = {
            r[1]: r[0]
            for r in self.conn.execute(
                "SELECT id, stakeholder_id FROM attendance WHERE quarter_id = ?", (quarter_id,)
            )
        }
        people = {r[0] for r in self.conn.execute("SELECT id FROM stakeholders")}
        for stakeholder_id, row_id in current.items():
            if stakeholder_id in wanted or stakeholder_id not in people:
                continue  # (another program's row for someone not in the file: named)
            voted = self.conn.execute(
                "SELECT SUM(dots) FROM votes WHERE quarter_id = ? AND stakeholder_id = ?",
                (quarter_id, stakeholder_id),
            ).fetchone()[0]
            if voted:
                name = self.stakeholder(stakeholder_id).name
                placed = "dots placed" if hidden else f"{voted} dots placed"
                raise ValidationError(
                    f"{name} has {placed}; take them back (v, 0 for {name}) before marking "
                    f"{name} absent."
                )
            tx.delete("attendance", row_id)
        for stakeholder_id in wanted:
            if stakeholder_id not in current:
                self.stakeholder(stakeholder_id)
                tx.insert(
                    "attendance", {"quarter_id": quarter_id, "stakeholder_id": stakeholder_id}
                )
        return len(wanted)

    @_reads
    def votes(self, quarter_id: int) -> dict[int, dict[int, int]]:
        """Dots by block, then by stakeholder: those that count (`counted_votes`)."""
        return counted_votes(self.conn, quarter_id)[0]

    def set_votes(self, block_id: int, dots: dict[int, int | str]) -> Change:
        """Record the dots present stakeholders put on one block (0 takes them back).
        Nobody can place more dots than the event's budget, over all blocks."""
        with self._write() as tx:
            block = self.block(block_id)
            quarter = self._check_quarter_writable(block.quarter_id, tx)
            meeting = self._need_meeting(block.quarter_id)
            present = set(self.attendance(block.quarter_id))
            for stakeholder_id, raw in dots.items():
                stakeholder = self.stakeholder(stakeholder_id)
                # (Whose: "Dots must be a whole number" left the room to find the field.)
                whose = f"Dots for {stakeholder.name}"
                count = self._whole(raw if str(raw).strip() else 0, whose, 0, 99)
                if count and stakeholder_id not in present:
                    raise ValidationError(f"{stakeholder.name} is not marked present.")
                row = self.conn.execute(
                    "SELECT id FROM votes WHERE stakeholder_id = ? AND block_id = ?",
                    (stakeholder_id, block_id),
                ).fetchone()
                if count:  # (taking them all back is always allowed)
                    self._check_budget(meeting, stakeholder, block, count)
                if row and count:
                    tx.update("votes", row[0], {"dots": count})
                elif row:
                    tx.delete("votes", row[0])
                elif count:
                    tx.insert(
                        "votes",
                        {
                            "quarter_id": block.quarter_id,
                            "stakeholder_id": stakeholder_id,
                            "block_id": block_id,
                            "dots": count,
                        },
                    )
            tx.blocks = True
            return self._finish(
                tx,
                "vote",
                f"Dots recorded on {_quote(block.name)}",
                quarter.id,
                block_id=block_id,
            )

    def _check_budget(
        self, meeting: Meeting, stakeholder: Stakeholder, block: Block, count: int
    ) -> None:
        """Refuse `count` dots on `block` past what `stakeholder` has left of the budget
        (also when lowered: over it, none of their dots would count): the dots they
        placed on the quarter's other blocks, read as `counted_votes` reads them (a row
        another program wrote on another quarter's block, or of no dots, uses none)."""
        budget = meeting.dot_budget
        elsewhere = self.conn.execute(
            f"SELECT COALESCE(SUM(dots), 0) FROM (SELECT {whole('dots')} AS dots FROM votes "
            "WHERE quarter_id = ? AND stakeholder_id = ? AND block_id != ? "
            "AND block_id IN (SELECT id FROM blocks WHERE quarter_id = ?)) WHERE dots > 0",
            (block.quarter_id, stakeholder.id, block.id, block.quarter_id),
        ).fetchone()[0]
        if elsewhere + count <= budget:
            return
        if elsewhere > budget:  # (written by another program: none of them count)
            raise ValidationError(
                f"{stakeholder.name} already has more than the {budget} dots each on other "
                "blocks (votes another program wrote; none of them count): take some back "
                "there first."
            )
        if meeting.tally_hidden:  # (no count on the shared screen)
            raise ValidationError(
                f"That is more dots than {stakeholder.name} has left for this "
                f"block ({budget} in all, over every block)."
            )
        raise ValidationError(
            f"{stakeholder.name} has {budget} dots and {elsewhere} are "
            f"on other blocks: {budget - elsewhere} left for this one, not {count}."
        )

    def set_timer(
        self,
        quarter_id: int,
        *,
        running: bool,
        remaining: float | None = None,
        now: datetime | None = None,
    ) -> Change:
        """Start or pause the countdown (kept in the file, so a restart resumes it).
        Undo steps over it. The countdown runs on the wall clock, to the millisecond.
        `remaining` None pauses it where it stands, time run over the timebox kept
        below zero (paused at 00:00 it had stored 0, and a longer timebox set after
        counted the box, not the overtime); a number is what is left from now."""
        moment = now or self.now()
        with self._write() as tx:
            self._check_quarter_writable(quarter_id, tx)
            meeting = self._need_meeting(quarter_id)
            if remaining is None:
                values = timer_stopped(
                    meeting.timer_started_at,
                    meeting.timer_remaining,
                    meeting.timebox_minutes,
                    moment,
                )
                if running:
                    values["timer_started_at"] = stamp_ms(moment)
            else:
                values = {
                    "timer_remaining": max(0.0, float(remaining)),
                    "timer_started_at": stamp_ms(moment) if running else None,
                }
            tx.update("meetings", quarter_id, values)
            return self._finish(
                tx, "timer", "Timer started" if running else "Timer paused", quarter_id
            )

    def choose_block(self, block_id: int, rank: int | None) -> Change:
        """Mark a block as choice 1 or 2 of its quarter (None: not chosen). This is
        `blocks.choice`; `chosen_rank` is set only when the decision is confirmed."""
        if rank not in (None, 1, 2):
            raise ValidationError("A block is choice 1 or choice 2; only two can be chosen.")
        with self._write() as tx:
            block = self.block(block_id)
            self._check_quarter_writable(block.quarter_id, tx)
            holder = self.conn.execute(
                "SELECT id, name FROM blocks WHERE quarter_id = ? AND choice = ? AND id != ?",
                (block.quarter_id, rank, block_id),
            ).fetchone()
            if rank is not None and holder is not None:
                raise ValidationError(
                    f"Choice {rank} is already {_quote(holder[1])}; unchoose it first."
                )
            if rank is not None:
                self._check_choosable(block_id, block.name)
            tx.update("blocks", block_id, {"choice": rank})
            if rank is not None:  # (a quarter reopened, or the next started early)
                self._check_chosen_not_carried([], [block_id])
            summary = (
                f"Chose {_quote(block.name)} as choice {rank}"
                if rank
                else f"Unchose {_quote(block.name)}"
            )
            return self._finish(tx, "choose_block", summary, block.quarter_id, block_id=block_id)

    @_reads
    def sent(
        self, quarter_id: int | None = None, column: str = "chosen_rank"
    ) -> dict[tuple[int, int], tuple[int, int]]:
        """(stakeholder, quarter) → how many items they sent, and how many of those sit
        in a chosen block (`column`: `chosen_rank`, as confirmed, or `choice`, as chosen
        so far), themselves or under their survivor; of one quarter, or of all. Only the
        items the board shows count: one another program put in a block or on a list
        that is not there, or merged into an item on no column, is left out, as the
        exports leave it out (`dangling.not_shown`; counted, the JSON's `cut_off` said
        2 items beside 1 listed)."""
        where = "i.quarter_id = ?" if quarter_id is not None else "1"
        select = (
            "SELECT i.stakeholder_id, i.quarter_id, COUNT(*), "
            f"SUM(CASE WHEN b.{column} IS NOT NULL THEN 1 ELSE 0 END) "
            "FROM items i LEFT JOIN items s ON s.id = i.merged_into "
            # (In a block as the board places it, `Place.where`: the item itself, or the
            # one it is merged into; a dropped one is in the dropped area, whatever
            # block another program left on it.)
            "LEFT JOIN blocks b ON b.id = CASE WHEN i.merged_into IS NULL "
            "THEN CASE WHEN i.status = 'dropped' THEN NULL ELSE i.block_id END "
            "ELSE CASE WHEN s.status = 'dropped' THEN NULL ELSE s.block_id END END "
            "WHERE {} AND i.stakeholder_id IS NOT NULL GROUP BY i.stakeholder_id, i.quarter_id"
        )
        found = {
            (sid, qid): (count, served)
            for sid, qid, count, served in self.conn.execute(
                select.format(where), () if quarter_id is None else (quarter_id,)
            )
        }
        quarters = [quarter_id] if quarter_id is not None else [q.id for q in self.quarters()]
        # (Few, found by the links' own indexes: taken back from the counts.)
        hidden = [i for q in quarters for i in not_shown(self.conn, q)]
        for start in range(0, len(hidden), 500):
            ids = hidden[start : start + 500]
            marks = ",".join("?" * len(ids))
            for sid, qid, count, served in self.conn.execute(
                select.format(f"i.id IN ({marks})"), ids
            ):
                had, had_served = found.pop((sid, qid), (0, 0))
                if had > count:
                    found[(sid, qid)] = (had - count, had_served - served)
        return found

    @_reads
    def cut_off(self, quarter_id: int, *, pending: bool = False) -> list[CutOff]:
        """Stakeholders who sent items this quarter and have none in a chosen block, with
        how many decided quarters in a row, ending with this one, that has been so.
        `pending` asks it of the choices made so far, before the decision is confirmed
        (what confirming would do)."""

        def cut_in(qid: int, column: str = "chosen_rank") -> dict[int, int]:
            return {
                sid: count for sid, (count, served) in sent_in(qid, column).items() if not served
            }

        def sent_in(qid: int, column: str = "chosen_rank") -> dict[int, tuple[int, int]]:
            return {sid: counts for (sid, _), counts in self.sent(qid, column).items()}

        if pending:
            this = cut_in(quarter_id, "choice")
        elif not self.quarter(quarter_id).is_decided:
            return []  # nobody is cut off before the decision
        else:
            this = cut_in(quarter_id)
        if not this:
            return []
        name = self.quarter(quarter_id).name
        earlier = [q for q in self.quarters() if q.name < name and q.is_decided]
        cells: dict[int, list[str]] = {sid: ["cut"] for sid in this}
        running = set(this)  # (whose run has not ended yet: a quarter served them)
        for quarter in reversed(earlier):  # (newest first, as `cut_streak` reads them)
            if not running:
                break
            sent = sent_in(quarter.id)
            for sid in list(running):
                got = sent.get(sid)
                cells[sid].append("none" if got is None else "served" if got[1] else "cut")
                if got is not None and got[1]:
                    running.discard(sid)
        streaks = {sid: cut_streak(seen) for sid, seen in cells.items()}
        people = {s.id: s for s in self.stakeholders()}
        return sorted(
            (CutOff(people[sid], this[sid], streaks[sid]) for sid in this if sid in people),
            key=lambda c: (-c.streak, name_order(c.stakeholder.name)),
        )
