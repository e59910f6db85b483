"""Each entry's best pairs, kept as the pairs are scored (a slice at a time), never all
the pairs over the threshold at once.

At 50,000 items over a million pairs clear the threshold, and an entry keeps a dozen:
held whole, then ranked, they were the peak of the overlap pass's process (their codes,
the copies a sort makes, then every pair both ways: over 40 MB). Here a pair goes in
both ways as it is scored, and every so often what has come is ranked with what was
kept and cut to each entry's best; so what is held is about what is kept, and the same
pairs come out, in the same order, as from ranking them all at the end.

A row (an entry, one it pairs with, their score in millionths) is one 64-bit number
whose order is the rows' order, by entry, then best first, then by the other entry:
`entry << 42 | (1,000,000 - score) << 21 | other`. That holds while positions fit 21
bits (2,097,152 entries); past that a row is a record of three numbers, sorted by its
fields in the same order (three times the memory; no board comes near).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PACKED_BELOW = 1 << 21  # entries: from this many a row is a record, not one number
_POSITION = (1 << 21) - 1
_MILLION = 1_000_000
ROOM = 1 << 17  # rows that come before the next ranking, at least
_BLOCK = 1 << 16  # rows compared at a time when ranking (bounds the temporaries)
_NO_LAST = (1 << 63) - 1  # past every row: an entry that keeps fewer than `keep`


class Best:
    """The `keep` best pairs of each entry (by score, then the other's position) among
    the pairs `add`ed, each pair both ways; `rows()` gives them ranked."""

    def __init__(
        self,
        np: Any,
        count: int,
        keep: int,
        *,
        room: int = ROOM,
        ranked: Callable[[], None] | None = None,
    ) -> None:
        """`ranked()`: called after each ranking (a lean pass gives the memory its
        copies took back to the system then: 4 MB at its largest at 50,000 items)."""
        self._np, self._keep, self._room, self._ranked = np, keep, room, ranked
        self._packed = count < PACKED_BELOW
        self._kept = self._none()
        self._pending: list[Any] = []
        self._held = 0
        # Each entry's last kept row, once it keeps `keep` (one-number rows): a row
        # after it can't be kept, so it is not held until the next ranking.
        self._last = np.full(count, _NO_LAST, dtype=np.int64) if self._packed else None

    def _none(self) -> Any:
        np = self._np
        if self._packed:
            return np.zeros(0, dtype=np.int64)
        return np.zeros(0, dtype=[("entry", np.int64), ("rank", np.int64), ("other", np.int64)])

    def add(self, low: Any, high: Any, micro: Any) -> None:
        """Scored pairs (two arrays of positions and the scores in millionths, 0 to
        1,000,000), each as a row of both its entries."""
        if not len(low):
            return
        np = self._np
        low, high = low.astype(np.int64, copy=False), high.astype(np.int64, copy=False)
        behind = _MILLION - np.clip(micro, 0, _MILLION).astype(np.int64)
        for mine, other in ((low, high), (high, low)):
            if self._last is not None:
                row = mine << 42
                row |= behind << 21
                row |= other
                row = row[row < self._last[mine]]
            else:
                row = np.empty(len(mine), dtype=self._kept.dtype)
                row["entry"], row["rank"], row["other"] = mine, behind, other
            self._pending.append(row)
            self._held += len(row)
        # (Ranked when what came is a quarter of what is kept: held, and the copies a
        # ranking makes, stay a little over what is kept.)
        if self._held >= max(self._room, len(self._kept) // 4):
            self._rank()

    def absorb(self, rows: Any) -> None:
        """Rows another `Best` kept (its `kept()`): ranked with these."""
        if len(rows):
            self._pending.append(rows)
            self._held += len(rows)
            self._rank()

    def kept(self) -> Any:
        """The rows kept (each entry's best), in order, as this class holds them."""
        self._rank()
        return self._kept

    def _rank(self) -> None:
        if not self._pending:
            return
        np = self._np
        # What came is sorted, then joined to what was kept (sorted already): a stable
        # sort of two runs is one merge of them (a sort of them all, a third of the pass).
        order = {} if self._packed else {"order": ["entry", "rank", "other"]}
        came = np.concatenate(self._pending)
        self._pending, self._held = [], 0
        came.sort(**order)
        rows = self._joined(came)
        came = self._none()
        rows.sort(kind="stable", **order)
        # A pair scored twice (by a word and by meaning, or in two cells) once; then
        # each entry's first `keep` rows: a row is among them when the row `keep`
        # before it is another entry's. (Each kept in place, a block at a time: a copy
        # of what stays, beside the rows, was the pass's largest moment.)
        rows = self._only(rows, self._firsts(rows))
        self._kept = rows = self._only(rows, self._within_keep(rows))
        if self._last is not None and len(rows) > self._keep - 1:
            # (an entry that keeps `keep` rows: its first is `keep - 1` before its last)
            last = self._keep - 1
            for start in range(last, len(rows), _BLOCK):
                end = min(start + _BLOCK, len(rows))
                full = self._entries(rows[start:end]) == self._entries(
                    rows[start - last : end - last]
                )
                ends = np.flatnonzero(full) + start
                self._last[rows[ends] >> 42] = rows[ends]
        if self._ranked is not None:
            self._ranked()

    def _joined(self, came: Any) -> Any:
        """The rows kept, then those that came, as one array: the kept ones' own,
        grown in place where it can be (a new array for both held them twice)."""
        rows, self._kept = self._kept, self._none()
        count = len(rows)
        try:
            rows.resize(count + len(came), refcheck=True)
        except ValueError:  # (not its own memory, or looked at from elsewhere)
            return self._np.concatenate((rows, came))
        rows[count:] = came
        return rows

    def _only(self, rows: Any, wanted: Any) -> Any:
        """The rows `wanted` says (a mask), in order, moved to the front of `rows` a
        block at a time and the rest let go: no copy of them all."""
        np = self._np
        size = 0
        for start in range(0, len(rows), _BLOCK):
            part = rows[start : start + _BLOCK][wanted[start : start + _BLOCK]]
            rows[size : size + len(part)] = part
            size += len(part)
        try:
            rows.resize(size, refcheck=True)
        except ValueError:  # (not its own memory, or looked at from elsewhere)
            return np.array(rows[:size])
        return rows

    def _firsts(self, rows: Any) -> Any:
        np = self._np
        first = np.ones(len(rows), dtype=bool)
        first[1:] = rows[1:] != rows[:-1]
        return first

    def _within_keep(self, rows: Any) -> Any:
        np, keep = self._np, self._keep
        within = np.ones(len(rows), dtype=bool)
        for start in range(keep, len(rows), _BLOCK):
            end = min(start + _BLOCK, len(rows))
            within[start:end] = self._entries(rows[start:end]) != self._entries(
                rows[start - keep : end - keep]
            )
        return within

    def _entries(self, rows: Any) -> Any:
        return rows >> 42 if self._packed else rows["entry"]

    def starts(self, rows: Any) -> list[int]:
        """Where each entry's rows start among `rows` (in order), and their end."""
        np = self._np
        found = [np.zeros(1 if len(rows) else 0, dtype=np.int64)]
        for start in range(1, len(rows), _BLOCK):
            end = min(start + _BLOCK, len(rows))
            changed = self._entries(rows[start:end]) != self._entries(rows[start - 1 : end - 1])
            found.append(np.flatnonzero(changed) + start)
        return [*np.concatenate(found).tolist(), len(rows)]

    def rows(self, rows: Any = None) -> tuple[Any, Any, Any]:
        """Rows (the kept ones, or those given, as `kept()` holds them) as three arrays:
        each row's entry, the other entry, and their score in millionths (int32)."""
        np = self._np
        rows = self.kept() if rows is None else rows
        if self._packed:
            mine = (rows >> 42).astype(np.int64)
            micro = (_MILLION - ((rows >> 21) & _POSITION)).astype(np.int32)
            other = (rows & _POSITION).astype(np.int64)
        else:
            mine, other = rows["entry"].copy(), rows["other"].copy()
            micro = (_MILLION - rows["rank"]).astype(np.int32)
        return mine, other, micro

    def either_way(self) -> Any:
        """The pairs either of whose entries keeps them, each both ways, in order (as
        `kept()` holds rows): an entry's rows are its own best and the pairs it is among
        the best of. The last thing asked of a `Best`: what it kept goes with it."""
        np = self._np
        kept = self.kept()
        count = len(kept)
        # (Turned a block at a time into the second half, and the rows kept let go
        # first: a copy of them all turned, then both joined, was twice the memory.)
        rows = np.empty(2 * count, dtype=kept.dtype)
        rows[:count] = kept
        self._kept = kept = self._none()
        for start in range(0, count, _BLOCK):
            part = rows[start : min(start + _BLOCK, count)]
            into = rows[count + start : count + start + len(part)]
            if self._packed:
                into[:] = (part & _POSITION) << 42
                into |= part & (_POSITION << 21)
                into |= part >> 42
            else:
                into["entry"], into["rank"], into["other"] = (
                    part["other"],
                    part["rank"],
                    part["entry"],
                )
        rows.sort(**({} if self._packed else {"order": ["entry", "rank", "other"]}))
        return rows[self._firsts(rows)]
