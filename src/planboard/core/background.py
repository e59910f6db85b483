"""Work that runs beside the board: the overlap between lists.

On a big board the overlap pass takes seconds of pure Python. In a thread it would hold
the interpreter lock against the UI and slow every key; so from `PROCESS_FROM` entries
up it runs in a process of its own (a plain `python -c` child), and the thread that
waits for it holds no lock. Small boards keep the thread: starting a process costs more
than their whole pass. The process sends back the neighbours, the meaning vectors it
computed and the language it read — not the matcher's tables, which stay (and die) with
it, nor why each pair matches: that is worked out here when asked (`Explainer`), from
the two titles and their vectors, as the process would have.

What goes to the process and back is a stream of small pickles (`CHUNK` records each),
never one big one: (un)pickling is one call that holds the interpreter lock until it
ends, and at 50,000 items one big answer held it for over a second, while the screen
waited to draw. The answer goes into a file with no name and is read, a record at a
time, once the process has ended, never held whole (at 50,000 items it was a few
hundred MB in the board's process, counted twice while it was read; read from a pipe
as it came, the board's memory grew with it while the process still held its tables,
and the two peaks added up). For the board (item ids as keys) the neighbours and their
scores come as flat arrays, a run per item (`Packed`: a tenth of the memory of a tuple
a pair), and the neighbours' names and titles are looked up when asked (`Near`).
The pass never opens the board file itself: a connection of its own could outlive the
app's and leave `-wal` and `-shm` files behind a board only looked at.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from array import array
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from itertools import islice, pairwise
from typing import IO, Any, cast

from .near import Explainer, Names, Near, Neighbour, Stored
from .packed import MILLIONTHS, Packed
from .similar import Entry, Matches
from .similar.layout import Layout
from .similar.lean import load_first
from .similar.pairs import Similarity
from .vectors import Rows

PROCESS_FROM = 3000  # entries: from this many up, the pass runs in a process
UNWRITTEN = 3  # the process's exit status when it could not write its answer (disk full)
CHUNK = 2000  # records per pickle, both ways
CHILD = "from planboard.core.background import _child; _child()"  # the process's code
Rejected = set[frozenset[Hashable]]
Found = tuple[Mapping[Hashable, list[Neighbour]], Matches]


def _whole_numbers(overlap: Mapping[Hashable, list[tuple[Hashable, float]]]) -> bool:
    """Whether every key in the overlap is a whole number (as `Packed` holds them)."""
    return all(
        type(key) is int and all(type(other) is int for other, _ in near)
        for key, near in overlap.items()
    )


def _packed_chunk(found: Matches, keys: Sequence[Hashable]) -> tuple[Any, Any, Any, Any]:
    """A chunk of the answer as `Packed` takes it (the keys are whole numbers)."""
    counts, ids, scores = array("q"), array("q"), array("d")
    for key in keys:
        near = found.overlap[key]
        counts.append(len(near))
        for other, score in near:
            ids.append(other)
            scores.append(score)
    return array("q", keys), counts, ids, scores


def _with_numpy() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def _packed_arrays(
    similarity: Similarity, rejected: Rejected, size: int
) -> Iterator[tuple[Any, Any, Any, Any, list[int]]]:
    """Each entry's neighbours as `Packed` takes them, `size` entries a chunk, from the
    matcher's arrays (whole-number keys), and the neighbours' positions among the
    matcher's entries."""
    best, rows = similarity.neighbour_rows(rejected=rejected)
    entries = similarity.entries
    bounds = best.starts(rows)
    for first in range(0, len(bounds) - 1, size):
        runs = bounds[first : first + size + 1]
        low, high = runs[0], runs[-1]
        mine, other, micro = best.rows(rows[low:high])
        mine_part, other_part = mine.tolist(), other.tolist()
        del mine, other
        yield (
            array("q", [entries[mine_part[at - low]].key for at in runs[:-1]]),
            array("q", [b - a for a, b in pairwise(runs)]),
            array("q", [entries[b].key for b in other_part]),
            # (The scores as the matcher ranked them, in millionths: half the bytes.)
            array(MILLIONTHS, micro.tolist()),
            other_part,
        )


def neighbours(
    entries: Sequence[Entry],
    names: Names,
    stored: Stored | None = None,
    rejected: Rejected | None = None,
    *,
    running: Pass | None = None,
) -> Found:
    """For each entry, the similar entries on other lists, as (id, whose, title), and
    the matcher's findings (why pairs match, new meaning vectors, what it could not do).
    A pass that `running.stop()` ended (planboard quits) finds nothing, at once."""
    from .similar import match
    from .similar.cells import Stopped

    try:
        found = match(
            entries,
            stored=stored or {},
            rejected=rejected or set(),
            with_groups=False,
            stop=_stop_of(running),
        )
    except Stopped:
        return {}, Matches({}, [], [], "", similarity=None, reasons={})
    return _near(found.overlap, names), found


def _stop_of(running: Pass | None) -> Callable[[], bool] | None:
    return None if running is None else lambda: running.stopped


class Pass:
    """One overlap pass, which `stop` ends at once from any thread: a newer pass
    replaces it, a long action needs the machine, or planboard quits (which would
    otherwise wait for it, tens of seconds on a big board, with the screen gone)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.child: subprocess.Popen[bytes] | None = None
        self.stopped = False

    def stop(self) -> None:
        with self._lock:
            self.stopped = True
            child = self.child
        if child is not None and child.poll() is None:
            child.kill()

    def run(self, ask: Callable[[IO[bytes]], None], read: Callable[[IO[bytes]], Any]) -> Any:
        """What `read` makes of the process's answer to the question `ask` writes (to
        the pipe, as it makes it); None if the process failed or was stopped. The
        answer goes into a file with no name, read once the process has ended: read
        from a pipe as it came, the board's memory grew with it while the process
        still held its tables at their largest, and the two peaks added up (at 50,000
        items, 13 MB more at once than either alone). Where no such file can be made,
        or the process could not write its answer there (a full disk), the answer
        comes through the pipe as before."""
        from .spill import nameless_file

        answer = nameless_file()
        if answer is None:
            return self._piped(ask, read)
        with answer:
            child = self._start(answer)
            if child is None:
                return None
            writer = _writing(child, ask)
            child.wait()
            writer.join()
            if child.returncode == UNWRITTEN and not self.stopped:
                return self._piped(ask, read)
            if child.returncode != 0 or self.stopped:
                return None
            answer.seek(0)
            found = read(cast(IO[bytes], _UntilStopped(answer, self)))
        return None if self.stopped else found

    def _start(self, stdout: Any) -> subprocess.Popen[bytes] | None:
        """The process, its answer going to `stdout` (None: the pass was stopped)."""
        with self._lock:
            if self.stopped:
                return None
            self.child = child = subprocess.Popen(
                [sys.executable, "-c", CHILD],
                stdin=subprocess.PIPE,
                stdout=stdout,
                stderr=subprocess.DEVNULL,
            )
        return child

    def _piped(self, ask: Callable[[IO[bytes]], None], read: Callable[[IO[bytes]], Any]) -> Any:
        """`run`, the answer read from the pipe as it comes."""
        child = self._start(subprocess.PIPE)
        if child is None:
            return None
        writer = _writing(child, ask)
        assert child.stdout is not None
        found = None
        try:
            found = read(child.stdout)
        finally:
            if found is None and child.poll() is None:
                child.kill()  # (an answer cut short: the rest would come for nothing)
            child.stdout.close()
            child.wait()
            writer.join()
        return found if child.returncode == 0 and not self.stopped else None


class _UntilStopped:
    """The answer's file as `read` takes it, ending (as a file ends) once the pass is
    stopped: a stopped pass's answer is not read on for nothing, unpickled a chunk at a
    time while a long action, or the screen, waits for the interpreter lock."""

    def __init__(self, stream: IO[bytes], running: Pass) -> None:
        self._stream, self._running = stream, running

    def read(self, size: int = -1) -> bytes:
        return b"" if self._running.stopped else self._stream.read(size)

    def readline(self, size: int = -1) -> bytes:
        return b"" if self._running.stopped else self._stream.readline(size)

    def readinto(self, buffer: Any) -> int:
        return 0 if self._running.stopped else self._stream.readinto(buffer)  # type: ignore[attr-defined]


def _writing(child: subprocess.Popen[bytes], ask: Callable[[IO[bytes]], None]) -> threading.Thread:
    """The question going in, from a thread of its own: a process answering while it is
    still being asked would otherwise wait on a full pipe, and so would we."""
    assert child.stdin is not None
    writer = threading.Thread(target=_write, args=(child.stdin, ask), daemon=True)
    writer.start()
    return writer


def _write(stream: IO[bytes], ask: Callable[[IO[bytes]], None]) -> None:
    try:
        with stream:
            ask(stream)
    except Exception:  # (the process is gone, or a record could not be made: it sees
        pass  # the question end before its last record, and answers nothing)


def neighbours_anywhere(
    entries: Sequence[Entry],
    names: Names,
    stored: Stored | None = None,
    rejected: Rejected | None = None,
    *,
    running: Pass | None = None,
    owners: Mapping[Hashable, str] | None = None,
) -> Found:
    """`neighbours`, in a process of its own when there are many entries. A pass that
    `running.stop()` ended finds nothing. `owners` (each entry's owner's name, by
    owner): the process also says whose lists hold each entry's neighbours
    (`Near.whose`), worked out there rather than in the board's process."""
    if len(entries) < PROCESS_FROM:
        return neighbours(entries, names, stored, rejected, running=running)
    running = running or Pass()
    # (Written as it is made, a chunk at a time: held whole as bytes, the question was
    # 20 MB at 50,000 items, and as much again for its copy.)
    ask = partial(_send_question, entries=entries, stored=stored, rejected=rejected, owners=owners)
    try:
        answer = running.run(ask, partial(_answer, names=names, stored=stored))
    except OSError:
        answer = None
    if running.stopped:
        return {}, Matches({}, [], [], "", similarity=None, reasons={})
    if answer is None:
        # A process that could not start or run: the same work, here.
        return neighbours(entries, names, stored, rejected)
    return answer


def groups_anywhere(
    entries: Sequence[Entry],
    stored: Stored | None = None,
    rejected: Rejected | None = None,
    *,
    running: Pass | None = None,
) -> list[list[Hashable]]:
    """The groups of entries that ask for the same thing (`match`'s groups, as lists of
    keys), in a process of its own when there are many entries: at 50,000 items the
    matcher's tables are over 100 MB and seconds of work, which the board's process
    would hold and wait for. A pass that `running.stop()` ended finds none."""
    if len(entries) < PROCESS_FROM:
        return _group_keys(entries, stored, rejected, running)
    running = running or Pass()
    ask = partial(_send_question, entries=entries, stored=stored, rejected=rejected, mode="groups")
    try:
        answer = running.run(ask, _groups_answer)
    except OSError:
        answer = None
    if running.stopped:
        return []
    if answer is None:  # (a process that could not start or run: the same work, here)
        return _group_keys(entries, stored, rejected)
    return answer


def _group_keys(
    entries: Sequence[Entry],
    stored: Stored | None,
    rejected: Rejected | None,
    running: Pass | None = None,
) -> list[list[Hashable]]:
    from .similar import match
    from .similar.cells import Stopped

    try:
        found = match(
            entries, stored=stored or {}, rejected=rejected or set(), stop=_stop_of(running)
        )
    except Stopped:
        return []
    return [[entry.key for entry in group] for group in found.groups]


def _groups_answer(stream: IO[bytes]) -> list[list[Hashable]] | None:
    """The process's groups (None: not whole, or not groups)."""
    groups: list[list[Hashable]] = []
    try:
        for tag, payload in _records(stream):
            if tag == "groups" and all(type(group) is list for group in payload):
                groups.extend(payload)
            elif tag == "end":
                return groups
            else:
                return None
    except Exception:  # (bytes no reader can take)
        return None
    return None


def _near(overlap: Mapping[Hashable, list[tuple[Hashable, float]]], names: Names) -> Near:
    return Near(overlap, names)


def _chunks(records: Sequence[Any], size: int | None = None) -> Iterator[Sequence[Any]]:
    size = size or CHUNK
    for start in range(0, len(records), size):
        yield records[start : start + size]


def _send(out: IO[bytes], records: Iterable[tuple[str, Any]]) -> None:
    for record in records:
        pickle.dump(record, out, protocol=pickle.HIGHEST_PROTOCOL)


def _records(stream: IO[bytes]) -> Iterator[tuple[str, Any]]:
    while True:
        try:
            # One reader per record: each was pickled on its own, with its own memo.
            yield pickle.load(stream)
        except EOFError:
            return


def _send_question(
    out: IO[bytes],
    entries: Sequence[Entry],
    stored: Stored | None,
    rejected: Rejected | None,
    owners: Mapping[Hashable, str] | None = None,
    mode: str = "overlap",
) -> None:
    _send(out, _question(entries, stored, rejected, owners, mode))


def _question(
    entries: Sequence[Entry],
    stored: Stored | None,
    rejected: Rejected | None,
    owners: Mapping[Hashable, str] | None = None,
    mode: str = "overlap",
) -> Iterator[tuple[str, Any]]:
    head = {
        "rejected": rejected or set(),
        "chunk": CHUNK,
        "owners": dict(owners or {}),
        "mode": mode,
    }
    yield "head", head
    for chunk in _chunks(entries):
        yield "entries", chunk  # (entries are tuples: they go as they are)
    known = iter((stored or {}).items())
    while chunk := [(key, digest, blob) for key, (digest, blob) in islice(known, CHUNK)]:
        yield "stored", chunk
    yield "end", None


def _answer(stream: IO[bytes], names: Names, stored: Stored | None = None) -> Found | None:
    """The process's answer, read a chunk at a time (None: it is not whole). `stored`:
    the vectors the pass was given, to say why two entries match when asked."""
    note, lang, whole = "", None, False
    overlap: dict[Hashable, list[tuple[Hashable, float]]] = {}
    reasons: dict[Hashable, list[str]] = {}
    vectors = Rows()  # (in flat buffers as they come: as tuples, 25 MB at 50,000)
    said: dict[str, str] = {}  # one copy of each reason
    packed = Packed()
    try:
        for tag, payload in _records(stream):
            if whole:  # (nothing comes after the end: an answer the process gives)
                return None
            if tag == "packed":
                packed.add(*payload)
            elif tag == "names":
                packed.add_names(payload)
            elif tag == "whose":
                packed.add_whose(*payload)
            elif tag == "overlap":
                overlap.update(payload)
            elif tag == "reasons":
                for key, whys in payload:
                    reasons[key] = [said.setdefault(why, why) for why in whys]
            elif tag == "vectors":
                vectors.add(payload)
            elif tag == "note":
                note = payload
            elif tag == "lang":
                lang = str(payload)
            elif tag == "end":
                packed.seal()  # (a key sent twice: no answer)
                whole = True
    except Exception:  # (bytes no reader can take: a frame "longer" than memory, …)
        return None
    if not whole or (packed and (overlap or reasons)) or (packed and lang is None):
        return None  # (cut short, or not an answer the process gives)
    if packed:
        why = Explainer(names, stored, lang or "en")
        found = Matches(packed, [], vectors, note, similarity=None, explain=why)
        return _near(packed, names), found
    found = Matches(overlap, [], vectors, note, similarity=None, reasons=reasons)
    return _near(overlap, names), found


def _with_whose(
    chunks: Iterable[tuple[Any, Any, Any, Any, list[int]]],
    entries: Sequence[Entry],
    owners: dict[Any, str],
) -> Iterator[tuple[str, Any]]:
    """Each packed chunk, then (given the owners' names) whose lists hold each of its
    keys' neighbours: the board marks every item with it, and at 50,000 items working
    it out there held the board's interpreter lock for over half a second. The lists
    go as numbers among their names (sent once, sorted), a key's in order: as a tuple
    of names a key, most of them different, they were 9 MB in the board's process
    while it read the answer. (`entries`: the matcher's, which the neighbours'
    positions index. A key given twice makes an answer `Packed` refuses: the board
    then does the work itself.)"""
    names = sorted(set(owners.values()))
    number = {name: n for n, name in enumerate(names)}
    of = [number[owners[entry.owner]] for entry in entries] if owners else []
    if owners:
        yield "names", names
    for keys, counts, ids, scores, positions in chunks:
        yield "packed", (keys, counts, ids, scores)
        if not owners:
            continue
        sizes, whose, at = array("i"), array("i"), 0
        for count in counts:
            lists = sorted({of[p] for p in positions[at : at + count]})
            sizes.append(len(lists))
            whose.extend(lists)
            at += count
        yield "whose", (keys, sizes, whose)


def _reasons(found: Matches, keys: Sequence[Hashable]) -> list[tuple[Hashable, list[str]]]:
    """Why each of these entries matches each of its neighbours, in their order."""
    return [(key, [found.why(key, other) for other, _ in found.overlap[key]]) for key in keys]


def _asked(
    records: Iterator[tuple[str, Any]],
) -> tuple[dict[str, Any], list[Entry], dict[Hashable, tuple[str, bytes]], Layout | None] | None:
    """The question as the process reads it: its head, the entries, and the stored
    vectors, laid straight into the matcher's matrix where they can be (`Layout`),
    else held as given; None if it was cut short."""
    head: dict[str, Any] = {}
    entries: list[Entry] = []
    held: dict[Hashable, tuple[str, bytes]] = {}
    laid: Layout | None = None
    laying = True  # (until a layout is found not to fit these entries)
    for tag, payload in records:
        if tag == "head":
            head = payload
        elif tag == "entries":
            entries.extend(Entry._make(e) for e in payload)
        elif tag == "stored":
            if laying and laid is None:  # (the entries came first: all of them)
                laid = Layout.of(entries) if head.get("mode") != "groups" else None
                laying = laid is not None
            if laid is not None:
                laid.add(payload)
            else:
                held.update((key, (digest, blob)) for key, digest, blob in payload)
        elif tag == "end":
            return head, entries, held, laid
    return None


def _child() -> None:
    """The process side (`_answer_question`), which ends with `UNWRITTEN` when its answer
    could not be written (the file it goes to full: the board asks again, by a pipe)."""
    try:
        _answer_question()
    except OSError:
        os._exit(UNWRITTEN)


def _lean(
    entries: list[Entry], held: dict[Hashable, Any], laid: Layout | None, out: IO[bytes], size: int
) -> Similarity:
    """The board's pass's matcher (whole-number keys, with numpy), its note, language
    and new vectors sent (`entries` and `held` are let go)."""
    from .similar.grouping import compared

    def first(similarity: Similarity) -> None:
        _send(out, [("note", similarity.meaning_note), ("lang", similarity.lang)])
        # The new vectors go first (made from the matcher's matrix as they are sent:
        # as tuples, 50,000 were 20 MB), before the pairs are scored.
        _send(out, (("vectors", chunk) for chunk in _chunks(similarity.new_vectors, size)))
        similarity.new_vectors.clear()

    laid = laid or Layout.of(entries)
    if laid is None:
        similarity = compared(entries, held)
        held.clear()
        entries.clear()
        first(similarity)
        return similarity
    entries.clear()  # (the layout holds them, sorted)
    # Its new vectors sent before it weighs the words (`meanwhile`). The entries as an
    # iterator, which lets go of their list once read, and the layout as what gives
    # it, which lets go of it and of them: the titles are then the matcher's alone,
    # let go once the words are weighed.
    return Similarity(iter(laid.entries), laid_out=laid.take, lean=True, meanwhile=first)


def _answer_question() -> None:
    """The question on stdin (entries, vectors held in memory, rejected pairs, where the
    file is); the neighbours, why, new vectors and note on stdout."""
    from .similar.grouping import match

    load_first()
    asked = _asked(_records(sys.stdin.buffer))
    if asked is None:  # (a question cut short: the part asked is not what was meant)
        sys.exit(1)
    head, entries, held, laid = asked
    del asked  # (it holds the layout, and with it every title, while the pairs are scored)
    rejected = head.get("rejected") or set()
    size = head.get("chunk") or CHUNK  # (the caller's, so that a test can make it small)
    out = sys.stdout.buffer
    if head.get("mode") == "groups":  # (`groups_anywhere`: the groups alone)
        groups = _group_keys(entries, held, rejected)
        _send(out, (("groups", chunk) for chunk in _chunks(groups, size)))
        _send(out, [("end", None)])
        out.flush()
        return
    if _with_numpy() and all(type(e.key) is int for e in entries):
        # The board's: each item's neighbours packed straight from the matcher's arrays
        # (as a dict of Python tuples they were 45 MB more at 50,000 items), the stored
        # vectors let go once the tables hold them.
        similarity = _lean(entries, held, laid, out, size)
        laid = None
        similarity.travel_light()
        chunks = _packed_arrays(similarity, rejected, size)
        _send(out, _with_whose(chunks, similarity.entries, head.get("owners") or {}))
        _send(out, [("end", None)])
        out.flush()
        return
    found = match(entries, stored=held, rejected=rejected, with_groups=False)
    _send(out, [("note", found.note)])
    keys = list(found.overlap)
    if _whole_numbers(found.overlap):  # (why two match is worked out where it is asked)
        _send(out, [("lang", found.similarity.lang if found.similarity else "en")])
        _send(out, (("packed", _packed_chunk(found, chunk)) for chunk in _chunks(keys, size)))
    else:  # (keys that are not whole numbers: as Python objects, with their reasons)
        _send(out, (("overlap", chunk) for chunk in _chunks(list(found.overlap.items()), size)))
        _send(out, (("reasons", _reasons(found, chunk)) for chunk in _chunks(keys, size)))
    _send(out, (("vectors", chunk) for chunk in _chunks(found.new_vectors, size)))
    _send(out, [("end", None)])
    out.flush()
