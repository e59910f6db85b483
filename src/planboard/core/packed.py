"""The overlap process's answer as the board holds it: each item's neighbours and
their scores as flat arrays, a run per item (`Packed`).

Held as Python objects, one tuple a pair, the answer at 50,000 items was over 100 MB
in the board's process. As arrays of 64-bit ids and scores, a dict of runs and a dict
of whose lists (a tuple of names an item, most of them different), it was still
about 25 MB. Now the ids are 32-bit numbers where they fit, the scores millionths (as
the process ranks them), a run is found by bisecting the keys in order, and whose
lists come as numbers among the lists' names, end to end, made into names when the
board marks an item (`Whose`): about 8 MB.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Hashable, Iterator, Mapping, Sequence
from itertools import pairwise
from typing import Any

from .vectors import plain_key

Columns = tuple[list[Any], list[str], list[Any]]  # keys, titles, owners
MILLIONTHS = "i"  # the type code of scores sent as whole millionths
NOBODY = -1  # a run whose lists were not said


class Packed(Mapping[Hashable, list[tuple[Hashable, float]]]):
    """Key to [(neighbour, score)], best first, for whole-number keys (the board's item
    ids) only. The answer comes as chunks (`add`), each followed by whose lists hold
    its keys' neighbours (`add_whose`, by their numbers among `add_names`), which the
    board takes once, for its marks (`take_whose`); a key sent twice makes it no
    answer (`seal` says so, and a lookup seals it)."""

    def __init__(self) -> None:
        self._keys = array("q")  # each run's key, in the order they came
        self._starts = array("q", [0])  # run n is [starts[n], starts[n + 1])
        self._ids = array("i")  # (widened to 64 bits if an id needs it)
        self._scores: array[Any] = array(MILLIONTHS)  # (floats once one is not a millionth)
        self._sorted: array[int] | None = None  # the keys in order (`seal`) …
        self._runs = array("q")  # … and the run of each
        self._last = slice(0, 0)  # the runs of the last chunk (for its whose lists)
        # Whose lists hold each run's neighbours, if the process said them: the names
        # once, then a count a run (-1: not said) and the names' numbers end to end.
        self._names: list[str] = []
        self._named = False
        self._whose_counts = array("i")
        self._whose = array("i")

    def add(self, keys: Any, counts: Any, ids: Any, scores: Any) -> None:
        """One chunk: the keys, how many neighbours each has, then theirs in order
        (scores as millionths in an array of type `MILLIONTHS`, or as floats)."""
        if not all(isinstance(part, array | list | tuple) for part in (keys, counts, ids, scores)):
            raise ValueError("a packed chunk that is not numbers")
        if not (len(keys) == len(counts) and len(ids) == len(scores) == sum(counts)):
            raise ValueError("a packed chunk whose parts disagree")
        if any(count < 0 for count in counts):
            raise ValueError("a packed chunk with a count below zero")
        first = len(self._keys)
        self._keys.extend(array("q", keys))
        starts = self._starts
        for count in counts:
            starts.append(starts[-1] + count)
        try:
            self._ids.extend(array(self._ids.typecode, ids))
        except OverflowError:  # (an id past 32 bits: all of them in 64)
            self._ids = array("q", self._ids)
            self._ids.extend(array("q", ids))
        self._add_scores(scores)
        self._whose_counts.extend([NOBODY] * (len(self._keys) - len(self._whose_counts)))
        self._last = slice(first, len(self._keys))
        self._sorted = None

    def _add_scores(self, scores: Any) -> None:
        mine = self._scores
        if mine.typecode == MILLIONTHS and getattr(scores, "typecode", "") == MILLIONTHS:
            mine.extend(scores)
            return
        if mine.typecode == MILLIONTHS:  # (floats from now on, those before too)
            mine = self._scores = array("d", (m / 1e6 for m in mine))
        if getattr(scores, "typecode", "") == MILLIONTHS:
            mine.extend(m / 1e6 for m in scores)
        else:
            mine.extend(array("d", scores))

    def add_names(self, names: Any) -> None:
        """The names of the lists whose lists are said by (their numbers)."""
        if type(names) is not list or not all(type(name) is str for name in names):
            raise ValueError("the names of the lists are not names")
        if self._named:
            raise ValueError("the names of the lists said twice")
        self._names, self._named = names, True
        # (Each number in the fewest bytes that hold them all: a byte for a board's
        # few dozen lists, where four were 1.2 MB more at 50,000 items.)
        self._whose = array(_fitting(len(names)), self._whose)

    def add_whose(self, keys: Any, counts: Any, whose: Any) -> None:
        """Whose lists hold the neighbours of the keys of the chunk just added, in its
        order: how many lists each, then their numbers among the names, end to end."""
        last = self._last
        if not all(isinstance(part, array | list | tuple) for part in (keys, counts, whose)):
            raise ValueError("the lists of neighbours are not numbers")
        if len(keys) != len(counts) or list(keys) != self._keys[last].tolist():
            raise ValueError("the lists of neighbours not added")
        whose = array("i", whose)
        if any(n < 0 for n in counts) or sum(counts) != len(whose):
            raise ValueError("the lists of neighbours do not add up")
        if whose and not 0 <= min(whose) <= max(whose) < len(self._names):
            raise ValueError("the lists of neighbours are not names")
        self._whose_counts[last] = array("i", counts)
        self._whose.extend(array(self._whose.typecode, whose))
        self._last = slice(0, 0)  # (said once)

    def take_whose(self) -> Whose:
        """Whose lists, by key (sorted names), for the keys they were said for, made
        when asked (`Whose`); let go here."""
        found = Whose(self, self._names, self._whose_counts, self._whose)
        self._whose_counts, self._whose, self._names = array("i"), array("i"), []
        self._last = slice(0, 0)  # (and no more to add)
        return found

    def seal(self) -> None:
        """The runs in key order, for lookups; ValueError for a key sent twice."""
        keys = self._keys
        runs = array("q", sorted(range(len(keys)), key=keys.__getitem__))
        ordered = array("q", (keys[run] for run in runs))
        if any(a == b for a, b in pairwise(ordered)):
            raise ValueError("a packed answer with a key sent twice")
        self._sorted, self._runs = ordered, runs

    def run_of(self, key: object) -> int:
        """The run of a key (-1: none)."""
        if self._sorted is None:
            self.seal()
        ordered = self._sorted
        assert ordered is not None
        if type(key) is not int:
            key = plain_key(key)  # (`True`, `1.0`, numpy's: as a dict finds them)
        if type(key) is not int or not -(1 << 63) <= key < 1 << 63:
            return -1
        at = bisect_left(ordered, key)
        return self._runs[at] if at < len(ordered) and ordered[at] == key else -1

    def __getitem__(self, key: Hashable) -> list[tuple[Hashable, float]]:
        run = self.run_of(key)
        if run < 0:
            raise KeyError(key)
        low, high = self._starts[run], self._starts[run + 1]
        ids, scores = self._ids[low:high], self._scores[low:high]
        if scores.typecode == MILLIONTHS:
            return [(i, m / 1e6) for i, m in zip(ids, scores, strict=True)]
        return list(zip(ids, scores, strict=True))

    def __contains__(self, key: object) -> bool:
        return self.run_of(key) >= 0

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def _fitting(count: int) -> str:
    """The type code of an array of numbers 0 … count - 1."""
    return "B" if count <= 1 << 8 else "H" if count <= 1 << 16 else "i"


class Whose(Mapping[Hashable, tuple[str, ...]]):
    """Whose lists hold each key's neighbours (their names, sorted), for the keys the
    process said them for, made when asked from the numbers it sent: a tuple of names
    a key, most of them different, was 9 MB of the board's process at 50,000 items,
    held while it marked its items."""

    def __init__(self, packed: Packed, names: list[str], counts: Any, whose: Any) -> None:
        self._packed, self._names, self._counts, self._whose = packed, names, counts, whose
        self._starts = array("q")  # where each run's names start among `whose` (-1: none)
        at = 0
        for count in counts:
            self._starts.append(at if count >= 0 else NOBODY)
            at += max(count, 0)
        self._said = sum(1 for count in counts if count >= 0)

    def __getitem__(self, key: Hashable) -> tuple[str, ...]:
        run = self._packed.run_of(key)
        start = self._starts[run] if 0 <= run < len(self._starts) else NOBODY
        if start < 0:
            raise KeyError(key)
        names = self._names
        return tuple(names[n] for n in self._whose[start : start + self._counts[run]])

    def __iter__(self) -> Iterator[Hashable]:
        keys = self._packed._keys
        return (keys[run] for run, start in enumerate(self._starts) if start >= 0)

    def __len__(self) -> int:
        return self._said


class Named(Mapping[Hashable, tuple[str, str]]):
    """Each entry's owner's name and its title, by key, for whole-number keys (the
    board's item ids): the keys in order, the titles beside them (the entries' own
    strings) and the owners' numbers among their names. The pass's answer looks its
    neighbours' names up here when asked; as a dict of tuples it was 5 MB at 50,000
    items, held while the pass ran and after; this is about 1. Of a key given twice,
    the last counts (as in a dict)."""

    def __init__(self, columns: Columns, who: Mapping[Hashable, str]) -> None:
        """`columns`: the entries' keys, titles and owners (`_columns`); `who`: each
        owner's name."""
        keys, titles, owners = columns
        order = sorted(range(len(keys)), key=keys.__getitem__)
        last = [
            n
            for at, n in enumerate(order)
            if at + 1 == len(order) or keys[order[at + 1]] != keys[n]
        ]
        self._keys = array("q", (keys[n] for n in last))
        self._titles: list[str] = [titles[n] for n in last]
        self._names = sorted(set(who.values()))
        number = {name: at for at, name in enumerate(self._names)}
        self._owners = array("i", (number[who[owners[n]]] for n in last))

    def _at(self, key: object) -> int:
        if type(key) is not int:
            key = plain_key(key)
        if type(key) is not int or not -(1 << 63) <= key < 1 << 63:
            return -1
        at = bisect_left(self._keys, key)
        return at if at < len(self._keys) and self._keys[at] == key else -1

    def __getitem__(self, key: Hashable) -> tuple[str, str]:
        at = self._at(key)
        if at < 0:
            raise KeyError(key)
        return self._names[self._owners[at]], self._titles[at]

    def __contains__(self, key: object) -> bool:
        return self._at(key) >= 0

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def named(
    entries: Sequence[Any], who: Mapping[Hashable, str]
) -> Mapping[Hashable, tuple[str, str]]:
    """Each entry's owner's name and title by key: `Named` for whole-number keys,
    else a dict."""
    columns = _columns(entries)
    if all(type(key) is int and -(1 << 63) <= key < 1 << 63 for key in columns[0]):
        return Named(columns, who)
    return {e[0]: (who[e[2]], e[1]) for e in entries}


def _columns(entries: Sequence[Any]) -> Columns:
    """The entries' keys, titles and owners, each as a list: read by columns where the
    entries give them so (`ItemEntries.columns`: no entry made for each), else from
    each entry, (key, title, owner, …)."""
    columns = getattr(entries, "columns", None)
    if columns is not None:
        return columns()
    return [e[0] for e in entries], [e[1] for e in entries], [e[2] for e in entries]
