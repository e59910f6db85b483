"""Work that runs beside the board: the overlap between lists.

On a big board the overlap pass takes seconds of pure Python. In a thread it would hold
the interpreter lock against the UI and slow every key; so from `PROCESS_FROM` entries
up it runs in a process of its own (a plain `python -c` child, its input and answer
pickled over pipes), and the thread that waits for it holds no lock. Small boards keep
the thread: starting a process costs more than their whole pass.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Hashable, Sequence

from .similar import Entry

PROCESS_FROM = 3000  # entries: from this many up, the pass runs in a process
Neighbour = tuple[int, str, str]  # item id, whose, title


def neighbours(
    entries: Sequence[Entry], names: dict[Hashable, tuple[str, str]]
) -> dict[Hashable, list[Neighbour]]:
    """For each entry, the similar entries on other lists, as (id, whose, title)."""
    from .similar import overlap

    return {
        key: [(other, *names[other]) for other, _score in found]
        for key, found in overlap(entries).items()
    }


def neighbours_anywhere(
    entries: Sequence[Entry], names: dict[Hashable, tuple[str, str]]
) -> dict[Hashable, list[Neighbour]]:
    """`neighbours`, in a process of its own when there are many entries."""
    if len(entries) < PROCESS_FROM:
        return neighbours(entries, names)
    payload = pickle.dumps(
        ([(e.key, e.text, e.owner) for e in entries], names), protocol=pickle.HIGHEST_PROTOCOL
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
        return neighbours(entries, names)
    result: dict[Hashable, list[Neighbour]] = pickle.loads(done.stdout)
    return result


def _child() -> None:
    """The process side: entries and names on stdin, the neighbours on stdout."""
    raw, names = pickle.load(sys.stdin.buffer)
    result = neighbours([Entry(*e) for e in raw], names)
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
