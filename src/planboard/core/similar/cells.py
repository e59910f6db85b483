"""The array passes of the matcher on big boards: which vectors to compare with
which (cells of nearest centroids), and candidate pairs made and handed on a slice at a
time, so that memory stays flat however many pairs a board makes."""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import signal
import sys
import threading
import weakref
from array import array
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence, Sized
from typing import Any

NEAREST_ROWS = 64  # rows of a cell compared with all of it at a time (see `nearest_pairs`)
SLICE = 25_000  # candidate pairs made and scored at a time (their vectors 4,096 at a time)


def cells(matrix: Any, np: Any) -> list[Any]:
    """Groups of rows to compare with each other (arrays of row numbers, ascending):
    all rows for a few thousand; beyond that, each row in the cells of its two nearest
    centroids (a few rounds of k-means from evenly spaced rows), so the work grows with
    N·√N, not N². The rows may be float16: they are read as float32, a slice at a time."""
    count = len(matrix)
    if count <= 4000:
        return [np.arange(count, dtype=np.int64)]
    cell_count = int(math.sqrt(count) / 2)
    centroids = matrix[np.linspace(0, count - 1, cell_count).astype(int)].astype(np.float32)
    for _ in range(3):
        nearest = _nearest_centroids(matrix, centroids, np, 1).ravel()
        for cell, members in enumerate(_split_by(np, nearest, cell_count)):
            if len(members):
                centre = matrix[members].astype(np.float32).mean(0)
                centroids[cell] = centre / (np.linalg.norm(centre) or 1.0)
    top = _nearest_centroids(matrix, centroids, np, 2)
    rows = np.repeat(np.arange(count, dtype=np.int64), 2)
    return [rows[at] for at in _split_by(np, top.ravel(), cell_count)]


def _nearest_centroids(matrix: Any, centroids: Any, np: Any, many: int) -> Any:
    """Each row's `many` nearest centroids (1: the nearest; 2: the two nearest, in no
    order), about 2,048 rows at a time. (Slices of one size: a product over a few rows
    can differ in its last bit from the same rows among many, and move a row's cell.)"""
    found = []
    for rows in np.array_split(np.arange(len(matrix)), max(1, -(-len(matrix) // 2048))):
        sims = matrix[rows[0] : rows[-1] + 1].astype(np.float32) @ centroids.T
        if many == 1:
            found.append(np.argmax(sims, axis=1)[:, None])
        else:
            # (A copy: the view would keep every row's whole ordering.)
            found.append(np.argpartition(-sims, 1, axis=1)[:, :2].copy())
    return np.concatenate(found)


def _split_by(np: Any, labels: Any, count: int) -> list[Any]:
    """For each label 0 … count-1, where it occurs in `labels`, in ascending order."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(count + 1))
    return [order[bounds[n] : bounds[n + 1]] for n in range(count)]


def nearest_pairs(
    np: Any, full: Any, groups: Iterable[Any], most: int, floor: float
) -> Iterator[tuple[Any, Any]]:
    """In each group of rows (`cells`), each row's `most` nearest others at least
    `floor` alike (`nearest_in`), as two arrays of row numbers, `NEAREST_ROWS` rows at a
    time (`full`: float32 rows, or float16 read as float32 a group at a time)."""
    for members in groups:
        if len(members) < 2:
            continue
        block = full[members].astype(np.float32, copy=False)
        keep = min(most, len(members) - 1)
        for start in range(0, len(members), NEAREST_ROWS):
            sims = block[start : start + NEAREST_ROWS] @ block.T
            rows = np.arange(sims.shape[0])
            sims[rows, start + rows] = -1.0
            good_rows, good_cols = nearest_in(np, sims, start + rows, keep, floor)
            yield members[start + good_rows], members[good_cols]


def nearest_in(np: Any, sims: Any, own: Any, keep: int, floor: float) -> tuple[Any, Any]:
    """Each row's `keep` largest values that are at least `floor`, as the rows and
    the columns where they stand (`own`: each row's own column, 0 … the row's length - 1;
    `keep`: 1 … the row's length). Of values tied for the last place, those that
    stand next after the row's own column, going round: a crowd of vectors alike (on
    a board, many titles can be alike in meaning) is compared as a chain, each with
    its next ones, rather than every one with the same few. (Each row's `keep`-th
    value is found by `np.partition`: a third of the time `np.argpartition` took on
    rows of a thousand, whose choice among ties was arbitrary.)"""
    count = sims.shape[1]
    last = np.partition(sims, count - keep, axis=1)[:, count - keep : count - keep + 1]
    chosen = sims > last
    tied = sims == last
    room = keep - np.count_nonzero(chosen, axis=1)
    crowded = np.flatnonzero(np.count_nonzero(tied, axis=1) > room)
    if len(crowded):  # (more tied for the last place than places left)
        part = tied[crowded]
        order = np.cumsum(part, axis=1, dtype=np.int32)  # (the tied: 1, 2, … along the row)
        after = order[np.arange(len(crowded)), own[crowded]][:, None]  # (tied up to its own)
        last_kept = after + room[crowded, None]
        part &= ((order > after) & (order <= last_kept)) | (order <= last_kept - order[:, -1:])
        tied[crowded] = part
    chosen |= tied
    chosen &= sims >= floor
    at = np.flatnonzero(chosen)
    return at // count, at % count


def word_pairs(np: Any, postings: list[list[int]]) -> tuple[Any, Any]:
    """Every pair within each posting list (its items in ascending order)."""
    return joined(np, word_pair_slices(np, postings, SLICE))


def joined(np: Any, chunks: Iterable[tuple[Any, Any]]) -> tuple[Any, Any]:
    """Chunks of pairs (two arrays of positions each) as two arrays."""
    firsts: list[Any] = [np.zeros(0, dtype=np.int64)]
    seconds: list[Any] = [np.zeros(0, dtype=np.int64)]
    for first, second in chunks:
        firsts.append(first)
        seconds.append(second)
    return np.concatenate(firsts), np.concatenate(seconds)


def word_pair_slices(
    np: Any, postings: list[list[int]] | FlatPostings, size: int
) -> Iterator[tuple[Any, Any]]:
    """`word_pairs`, about `size` pairs at a time: the lists of one length together,
    as one array, so millions of pairs take no Python loop."""
    tables = postings.tables(np) if isinstance(postings, FlatPostings) else _tables(np, postings)
    for length, table in tables:
        x, y = np.triu_indices(length, 1)
        step = max(1, size // len(x))
        for start in range(0, len(table), step):
            part = table[start : start + step]
            yield part[:, x].ravel(), part[:, y].ravel()


def _tables(np: Any, postings: list[list[int]]) -> Iterator[tuple[int, Any]]:
    """The posting lists of each length as one array (a list a row), lengths in the
    order they first come, lists in theirs."""
    by_length: dict[int, list[list[int]]] = defaultdict(list)
    for found in postings:
        by_length[len(found)].append(found)
    for length, lists in by_length.items():
        yield length, np.asarray(lists, dtype=np.int64)


class FlatPostings:
    """Posting lists (ascending positions, each list two or more) held as one flat
    array of 32-bit positions and their lengths: as lists of Python numbers, the
    candidates' postings were 4 MB at 50,000 items. `tables` gives what `_tables`
    gives for the lists themselves."""

    def __init__(self, lengths: array[int], flat: array[int]) -> None:
        self.lengths, self.flat = lengths, flat

    @classmethod
    def of_words(
        cls, np: Any, word_ids: array[int], starts: array[int], words: int, cap: int
    ) -> FlatPostings:
        """The postings of the words on more than one item and at most `cap`, in the
        order of their ids, from each entry's word ids (`word_ids[starts[n] :
        starts[n + 1]]`, each word once an entry)."""
        ids = np.frombuffer(word_ids, dtype=np.int64) if len(word_ids) else np.zeros(0, int)
        lengths = np.diff(np.frombuffer(starts, dtype=np.int64))
        where = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
        order = np.argsort(ids, kind="stable")  # (by word, then where, as it came)
        counts = np.bincount(ids, minlength=words)
        kept = (counts > 1) & (counts <= cap)
        flat = where[order[kept[ids[order]]]]
        return cls(array("i", counts[kept].astype(np.int32).tobytes()), array("i", flat.tobytes()))

    def tables(self, np: Any) -> Iterator[tuple[int, Any]]:
        lengths = np.asarray(self.lengths, dtype=np.int32)
        flat = np.asarray(self.flat, dtype=np.int32)
        starts = np.cumsum(lengths) - lengths
        _, first = np.unique(lengths, return_index=True)
        for length in lengths[np.sort(first)].tolist():
            at = starts[lengths == length]
            yield length, flat[at[:, None] + np.arange(length)].astype(np.int64)


def keeping(
    np: Any, entries: Sequence[Any], across_owners: bool, rejected: set[frozenset[Hashable]]
) -> Callable[[Any, Any], tuple[Any, Any]]:
    """What keeps the candidate pairs (lower position first) that are worth scoring:
    not an item with itself, not two on one list (with `across_owners`), not a pair
    rejected as not the same (`entries`: the matcher's, which positions index)."""
    count = len(entries)
    owners = None
    if across_owners:
        owner_ids: dict[Hashable, int] = {}
        owners = np.asarray([owner_ids.setdefault(e.owner, len(owner_ids)) for e in entries])
    index_of = {e.key: n for n, e in enumerate(entries)} if rejected else {}
    refused = np.asarray(
        sorted(
            min(index_of[x], index_of[y]) * count + max(index_of[x], index_of[y])
            for x, y in (tuple(pair) for pair in rejected if len(pair) == 2)
            if x in index_of and y in index_of
        ),
        dtype=np.int64,
    )

    def keep(low: Any, high: Any) -> tuple[Any, Any]:
        wanted = low != high
        if owners is not None:
            wanted &= owners[low] != owners[high]
        if len(refused):
            wanted &= ~np.isin(low * count + high, refused)
        return low[wanted], high[wanted]

    return keep


def gathered(np: Any, chunks: Iterator[tuple[Any, Any]], size: int) -> Iterator[tuple[Any, Any]]:
    """Small chunks of pairs joined into about `size` at a time."""
    firsts: list[Any] = []
    seconds: list[Any] = []
    held = 0
    for first, second in chunks:
        firsts.append(first)
        seconds.append(second)
        held += len(first)
        if held >= size:
            yield np.concatenate(firsts), np.concatenate(seconds)
            firsts, seconds, held = [], [], 0
    if firsts:
        yield np.concatenate(firsts), np.concatenate(seconds)


def code_slices(entries: Sized, codes: Any) -> Iterator[tuple[Any, Any]]:
    """Pairs given as codes (lower * count of entries + higher), SLICE at a time, as
    the two arrays of positions."""
    count = len(entries)
    for at in range(0, len(codes), SLICE):
        yield codes[at : at + SLICE] // count, codes[at : at + SLICE] % count


def word_tables(
    np: Any, starts: Any, word_ids: Any, weights: Any, names: int, *, words: bool = True
) -> tuple[Any, Any, Any, Any, Any, int]:
    """Every item's words as sorted arrays, to score pairs by: (item, word id) codes,
    word ids, weights, where each item starts, how many words it has, and the code's
    base (from `Similarity`'s flat arrays and its count of words). Word ids follow the
    words' spelling, so the sums run in the same order in every process. `words`
    false: no word ids (None), the scores read them from the codes (a lean pass then
    lets its own go: 2.4 MB at 50,000 items)."""
    size = names + 1
    begins = np.frombuffer(starts, dtype=np.int64)
    lengths = np.diff(begins)
    word_arr = np.frombuffer(word_ids, dtype=np.int64)
    weight_arr = np.frombuffer(weights, dtype=np.float64)
    # (In order already: by item, and within an item by word id. Made in place.)
    codes = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    codes *= size
    codes += word_arr
    return codes, word_arr if words else None, weight_arr, begins[:-1], lengths, size


def bulk_word_scores(np: Any, a_arr: Any, b_arr: Any, tables: Any) -> Any:
    """The word cosines of pairs: each of a's words looked up among b's."""
    codes, word_arr, weight_arr, starts, lengths, size = tables
    repeat = lengths[a_arr]
    pair_of = np.repeat(np.arange(len(a_arr)), repeat)
    offsets = np.arange(len(pair_of)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    at = np.repeat(starts[a_arr], repeat) + offsets
    if word_arr is not None:
        wanted = b_arr[pair_of] * size + word_arr[at]
    else:  # (a's word at b's: its code, a's item's part swapped for b's; the same)
        wanted = codes[at] + (b_arr - a_arr)[pair_of] * size
    hit = np.minimum(np.searchsorted(codes, wanted), len(codes) - 1)
    contributions = np.where(codes[hit] == wanted, weight_arr[at] * weight_arr[hit], 0.0)
    return np.bincount(pair_of, contributions, minlength=len(a_arr))


def pair_codes(np: Any, chunks: Iterator[tuple[Any, Any]], count: int) -> Any:
    """Pairs of positions as codes (lower * count + higher), each once, ascending."""
    parts = [np.zeros(0, dtype=np.int64)]
    for first, second in chunks:
        parts.append(np.minimum(first, second) * count + np.maximum(first, second))
    return distinct_codes(np, parts)


def distinct_codes(np: Any, parts: list[Any], *, ascending: bool = False) -> Any:
    """Arrays of codes as one, each once, ascending (`ascending`: each part is
    already, and a merge sort joins them in a pass: a tenth of the time)."""
    codes = np.concatenate([np.zeros(0, dtype=np.int64), *parts])
    codes.sort(kind="stable" if ascending else None)
    if len(codes):
        codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
    return codes


def can_fork() -> bool:
    """Whether work can go to a second process here: Linux (a fork shares the arrays
    as they are; elsewhere a fork is unsafe or missing), two cores or more, and no
    other thread, Python's or a library's (a fork copies only the thread that forks,
    and whatever locks the others held)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if threading.active_count() > 1 or _threads() > 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except (AttributeError, OSError):
        return False


def give_back_memory() -> None:
    """Hand the memory freed in the C heap back to the system, where the C library
    can (glibc's `malloc_trim`): it keeps what it freed for what comes next, and a
    pass that lets go of its tables for the next step kept them all the same (12 MB
    of the overlap pass's process at 50,000 items)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim
    except (ImportError, OSError, AttributeError):  # (another C library, or a Python
        return  # built without ctypes: the pass then keeps what it freed, as before)
    trim(0)


def _threads() -> int:
    """How many threads this process has, as the system counts them."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 1


_NOT_YET = object()


class Beside:
    """Work done in a forked process while this one goes on (Python's own work holds
    one core, and numpy's selections hold Python's lock: a thread would not run beside
    it). `result()` waits for the answer; where the process could not start or fails,
    the work is done here (`answered` says whether the process gave it). Dropped
    before its answer is read, the process is stopped; it ends with this one."""

    def __init__(self, work: Callable[[], Any]) -> None:
        self._work, self._found, self._pid = work, _NOT_YET, 0
        self.answered = False
        parent = os.getpid()
        try:
            read, write = os.pipe()
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # (the forked process: answer, and leave at once)
            status = 1
            try:
                os.close(read)
                _ends_with(parent)
                with os.fdopen(write, "wb") as out:
                    pickle.dump(work(), out, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._answer = pid, os.fdopen(read, "rb")
        self._stop = weakref.finalize(self, _stop, pid, self._answer)

    def result(self) -> Any:
        if self._pid:
            pid, self._pid = self._pid, 0
            self._stop.detach()
            try:
                found = pickle.load(self._answer)
            except Exception:  # (an answer cut short, or not one: the work is done here)
                found = _NOT_YET
            self._answer.close()
            try:
                _, status = os.waitpid(pid, 0)
            except ChildProcessError:  # (reaped already: SIGCHLD ignored, or a handler)
                status = 0  # (a whole answer is whole: its pickle ends with its end)
            self._found = found if status == 0 else _NOT_YET
            self.answered = self._found is not _NOT_YET
        if self._found is _NOT_YET:
            self._found = self._work()
        return self._found


QUEUE_ROOM = 1024  # parts a queue hands out at most (4 bytes each: one page of a pipe)


class Shared:
    """Work in parts (0 … count-1) done by a forked process and by this one, each
    taking the next part as it is free: the forked one from the start, this one when
    it asks for the `result` (having done its own work meanwhile). A pipe hands the
    parts out, four bytes each, written at once (a read of four bytes takes four: two
    processes never take one part). `work(parts)` does the parts it is given, taking
    each as it comes to it; `join(here, there)` makes one answer of the two. Where the
    forked process could not start or failed, every part is done here."""

    def __init__(self, count: int, work: Callable[[Iterator[int]], Any]) -> None:
        self._count, self._work, self._queue = count, work, _queue(count)
        self._joined: Any = _NOT_YET
        self._spoilt = False  # (a result asked for and stopped before its end)
        self._closed = weakref.finalize(self, _close, self._queue)
        self._beside = Beside(lambda: work(self._parts(forked=True)))

    @property
    def answered(self) -> bool:
        """Whether the forked process gave its part of the answer."""
        return self._beside.answered

    def _parts(self, *, forked: bool, taken: list[int] | None = None) -> Iterator[int]:
        """The parts this process takes, one at a time (noted in `taken`)."""
        if self._queue < 0:  # (no queue: every part in the forked process)
            if forked:
                yield from range(self._count)
            return
        while len(read := os.read(self._queue, 4)) == 4:
            part = int.from_bytes(read, "little")
            if taken is not None:
                taken.append(part)
            yield part

    def result(self, join: Callable[[Any, Any], Any]) -> Any:
        """The answer (asked again: the same answer, not worked again; asked again
        after it was stopped, say by Ctrl+C, every part worked out here)."""
        if self._joined is _NOT_YET:
            try:
                if self._spoilt:
                    self._joined = join(self._work(iter(range(self._count))), self._work(iter(())))
                else:
                    self._spoilt = True
                    self._joined = self._joined_parts(join)
            finally:
                self._closed()
        return self._joined

    def _joined_parts(self, join: Callable[[Any, Any], Any]) -> Any:
        taken: list[int] = []
        here = self._work(self._parts(forked=False, taken=taken))
        there = self._beside.result()
        if not self._beside.answered and self._queue >= 0:
            # (The parts it took are lost with it: done here. None, if it never began.)
            lost = set(range(self._count)).difference(taken)
            there = self._work(part for part in range(self._count) if part in lost)
        return join(here, there)


def _queue(count: int) -> int:
    """A pipe's reading end holding the numbers 0 … count-1 (four bytes each, little
    end first), its writing end closed; -1 where that cannot be."""
    if count > QUEUE_ROOM:
        return -1
    try:
        read, write = os.pipe()
    except OSError:
        return -1
    try:
        os.set_blocking(write, False)  # (one page, into an empty pipe: it fits)
        numbers = b"".join(n.to_bytes(4, "little") for n in range(count))
        if os.write(write, numbers) == len(numbers):
            return read
    except OSError:
        pass
    finally:
        os.close(write)
    os.close(read)
    return -1


def _close(queue: int) -> None:
    if queue >= 0:
        with contextlib.suppress(OSError):
            os.close(queue)


def _ends_with(parent: int) -> None:
    """The forked process is ended with the process it was forked from, should that
    one be killed first (Linux's parent-death signal)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # (PR_SET_PDEATHSIG)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # (gone before the signal was asked for)
        os._exit(1)


def _stop(pid: int, answer: Any) -> None:
    """A forked process whose answer nobody will read: stopped, and waited for."""
    answer.close()
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


class Stopped(Exception):
    """The pass was stopped (planboard quits, or a newer pass replaces it)."""
