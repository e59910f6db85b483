"""Work that runs beside the board: the overlap between lists.

On a big board the overlap pass takes seconds of pure Python. In a thread it would hold
the interpreter lock against the UI and slow every key; so from `PROCESS_FROM` entries
up it runs in a process of its own (a plain `python -c` child, its input and answer
pickled over pipes), and the thread that waits for it holds no lock. Small boards keep
the thread: starting a process costs more than their whole pass. The process sends back
the neighbours, the meaning vectors it computed, and why each pair matches — not the
matcher's tables, which stay (and die) with it.
"""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
from collections.abc import Hashable, Sequence

from .similar import Entry, Matches

PROCESS_FROM = 3000  # entries: from this many up, the pass runs in a process
Neighbour = tuple[int, str, str]  # item id, whose, title
Names = dict[Hashable, tuple[str, str]]
Stored = dict[Hashable, tuple[str, bytes]]
Rejected = set[frozenset[Hashable]]
Found = tuple[dict[Hashable, list[Neighbour]], Matches]


def neighbours(
    entries: Sequence[Entry],
    names: Names,
    stored: Stored | None = None,
    rejected: Rejected | None = None,
) -> Found:
    """For each entry, the similar entries on other lists, as (id, whose, title), and
    the matcher's findings (why pairs match, new meaning vectors, what it could not do)."""
    from .similar import match

    found = match(entries, stored=stored or {}, rejected=rejected or set(), with_groups=False)
    near = {
        key: [(other, *names[other]) for other, _score in pairs]
        for key, pairs in found.overlap.items()
    }
    return near, found


def neighbours_anywhere(
    entries: Sequence[Entry],
    names: Names,
    stored: Stored | None = None,
    rejected: Rejected | None = None,
) -> Found:
    """`neighbours`, in a process of its own when there are many entries."""
    if len(entries) < PROCESS_FROM:
        return neighbours(entries, names, stored, rejected)
    payload = pickle.dumps(
        ([(e.key, e.text, e.owner) for e in entries], names, stored or {}, rejected or set()),
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", "from planboard.core.background import _child; _child()"],
            input=payload,
            capture_output=True,
            check=False,
        )
    except OSError:
        done = None
    if done is None or done.returncode != 0:
        # A process that could not start or run: the same work, here.
        return neighbours(entries, names, stored, rejected)
    result: Found = pickle.loads(done.stdout)
    return result


def lean(found: Matches) -> Matches:
    """The findings without the matcher's tables: why each neighbouring pair matches is
    worked out now, so it can travel (and be asked) without them."""
    why = {
        (key, other): found.why(key, other)
        for key, near in found.overlap.items()
        for other, _ in near
    }
    return dataclasses.replace(found, similarity=None, reasons=why)


def _child() -> None:
    """The process side: entries, names, stored vectors and rejected pairs on stdin;
    the neighbours and the lean findings on stdout."""
    raw, names, stored, rejected = pickle.load(sys.stdin.buffer)
    near, found = neighbours([Entry(*e) for e in raw], names, stored, rejected)
    sys.stdout.buffer.write(pickle.dumps((near, lean(found)), protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
