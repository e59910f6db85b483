"""What the matcher compares: an entry (an id, its text, whose list it is on), the order
it keeps them in, and how much of a text it reads."""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple, overload

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


class ItemEntries(Sequence[Entry]):
    """The entries of items (their id, title and stakeholder), each made when read: the
    board's overlap pass sends them to its process a chunk at a time, and held as a
    list of tuples they were 3.6 MB of the board's memory at 50,000 items, at its
    largest, while the process held its own at theirs."""

    __slots__ = ("_items",)

    def __init__(self, items: Sequence[Any]) -> None:
        self._items = items

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return [_entry(item) for item in self._items[index]]
        return _entry(self._items[index])

    def __iter__(self) -> Iterator[Entry]:
        return map(_entry, self._items)

    def __len__(self) -> int:
        return len(self._items)

    def columns(self) -> tuple[list[Any], list[str], list[Any]]:
        """The keys, the titles and the owners, each as a list (read without making
        an entry each: a fifth of the time)."""
        items = self._items
        return (
            [item.id for item in items],
            [item.title for item in items],
            [item.stakeholder_id for item in items],
        )


def _entry(item: Any) -> Entry:
    return Entry(item.id, item.title, item.stakeholder_id)


class KeysAndOwners(Sequence[Entry]):
    """Entries without their text, held as their keys (in one array where they are
    whole numbers) and their owners as numbers among the owners: the matcher's entries
    once a lean pass has read the titles (as 50,000 tuples and their keys, 5 MB). Each
    entry is made when read, as `Entry(key, "", owner)`."""

    __slots__ = ("_keys", "_of", "_owners")

    def __init__(self, keys: Sequence[Any], owners: list[Any], of: array[int]) -> None:
        self._keys, self._owners, self._of = keys, owners, of

    @classmethod
    def of(cls, entries: Sequence[Entry]) -> KeysAndOwners:
        owners: dict[Any, int] = {}
        of = array("i", [owners.setdefault(e.owner, len(owners)) for e in entries])
        whole = all(type(e.key) is int and -(1 << 63) <= e.key < 1 << 63 for e in entries)
        keys = array("q", [e.key for e in entries]) if whole else [e.key for e in entries]
        return cls(keys, list(owners), of)

    def again(self) -> KeysAndOwners:
        """The same entries, as new objects (an array of keys is shared)."""
        keys = self._keys if isinstance(self._keys, array) else [*self._keys]
        return KeysAndOwners(keys, [*self._owners], self._of)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return [self[n] for n in range(*index.indices(len(self)))]
        return Entry(self._keys[index], "", self._owners[self._of[index]])

    def __iter__(self) -> Iterator[Entry]:
        owners = self._owners
        for key, of in zip(self._keys, self._of, strict=True):
            yield Entry(key, "", owners[of])

    def __len__(self) -> int:
        return len(self._keys)
