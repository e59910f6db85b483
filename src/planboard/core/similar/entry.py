"""What the matcher compares: an entry (an id, its text, whose list it is on), the order
it keeps them in, and how much of a text it reads."""

from __future__ import annotations

from typing import Any, NamedTuple

# Characters of a title the matcher reads: far past the 200 planboard lets a title have;
# a title of megabytes another program wrote kept a pass busy for minutes.
MATCHED_CHARS = 1000


class Entry(NamedTuple):
    """Something to compare: an id, its text, and whose list it is on. (A named tuple:
    a board makes tens of thousands for each pass, and sends them to another process.)"""

    key: Any  # any hashable id (the board uses item ids)
    text: str
    owner: Any = None  # whose list (any hashable; None for the team)


def entry_key(entry: Entry) -> str:
    """The order `Similarity` keeps its entries in (any keys, the same in every
    process)."""
    return repr(entry.key)


def matched_part(entry: Entry) -> Entry:
    """The entry as the matcher reads it: its text's first `MATCHED_CHARS` characters."""
    return (
        entry
        if len(entry.text) <= MATCHED_CHARS
        else entry._replace(text=entry.text[:MATCHED_CHARS])
    )
