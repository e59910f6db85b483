"""The stored meaning vectors as the overlap pass's process receives them, laid
straight into the matrix the matcher keeps: a bytes object a vector, with its key and
hash, was 20 MB more at 50,000 items."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from .entry import Entry, entry_key
from .meaning import MeaningUnavailable, meaning_model, title_hash


class Layout:
    """The stored meaning vectors as the process receives them, laid straight into
    the float16 matrix the matcher keeps (in its entries' order), each used only
    where its title's hash is the entry's title's (as `compared` does)."""

    def __init__(self, entries: Sequence[Entry], dims: int) -> None:
        import numpy as np

        self.np = np
        self.entries = sorted(entries, key=entry_key)
        keys = np.fromiter((e.key for e in self.entries), dtype=np.int64, count=len(self.entries))
        self.order = np.argsort(keys, kind="stable")
        self.keys = keys[self.order]
        self.dims = dims
        self.matrix: Any = np.zeros((len(self.entries), dims), dtype=np.float16)
        self.filled = [False] * len(self.entries)

    @classmethod
    def of(cls, entries: Sequence[Entry]) -> Layout | None:
        """A layout for these entries; None without numpy or the meaning model, or
        for keys that are not whole numbers or not each once (item ids are both; the
        vectors are then held as given)."""
        try:
            import numpy  # noqa: F401
        except ImportError:
            return None
        if not all(type(e.key) is int for e in entries):
            return None
        if any(not -(1 << 63) <= e.key < 1 << 63 for e in entries):
            return None
        if len({e.key for e in entries}) != len(entries):
            return None  # (a key given twice: as given, as `compared` takes them)
        try:
            dims = meaning_model().dims
        except MeaningUnavailable:
            return None
        return cls(entries, dims)

    def add(self, records: Sequence[tuple[Hashable, str, bytes]]) -> None:
        np, size = self.np, self.dims * 2
        for key, digest, blob in records:
            if type(key) is not int or not isinstance(blob, bytes) or len(blob) != size:
                continue
            if not -(1 << 63) <= key < 1 << 63:
                continue
            at = int(np.searchsorted(self.keys, key))
            if at == len(self.keys) or self.keys[at] != key:
                continue
            position = int(self.order[at])
            if digest == title_hash(self.entries[position].text):
                self.matrix[position] = np.frombuffer(blob, dtype=np.float16)
                self.filled[position] = True

    def laid_out(self) -> tuple[Any, list[bool]]:
        return self.matrix, self.filled

    def take(self) -> tuple[Any, list[bool]]:
        """`laid_out`, let go here, and the entries with it: the matcher that takes
        them is then the one to hold them (and can let them go)."""
        taken = self.matrix, self.filled
        self.entries, self.matrix, self.filled = [], None, []
        return taken
