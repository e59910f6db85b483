"""The stored meaning vectors of a quarter, held compactly: what the board keeps for
its overlap passes (item id to the title's hash and the vector, as a dict gives).

As a dict of Python objects, 50,000 vectors took about 25 MB in the board's process (a
bytes object, a hash string, a tuple and a key each); here they are three flat buffers
(the ids, the hashes as 8 bytes each, the vectors end to end, in buffers of a
megabyte), about 14 MB. A book never changes: `with_new` gives another, so a pass can
read one in its thread while the board learns new vectors."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import ItemsView, Iterable, Iterator, Mapping
from typing import Any

Row = tuple[str, bytes]
WIDTH = 256  # bytes a vector, as planboard writes them (128 float16 values)
CHUNK = 4096  # vectors a buffer (1 MB)


class Vectors(Mapping[Any, Row]):
    """Key to (hash, vector), as `Store.item_vectors` reads them, found by any key a
    dict would find them by. Whole-number keys with a 16-hex-digit hash and a vector
    of WIDTH bytes go in the buffers; anything else another program may have written
    (a hash of another form, a vector of another length, a key past 64 bits) is held
    as it was, beside them, and so are the rows `with_new` adds, until there are many.
    A vector that is not bytes is left out."""

    __slots__ = ("_blobs", "_hashes", "_keys", "_len", "_rows", "_width", "extra")

    def __init__(self, rows: Iterable[tuple[Any, str, bytes]] = ()) -> None:
        """The rows (key, hash, vector), in any order, go straight into the buffers
        as they come (no row is held as an object on the way: at 50,000 vectors that
        was 25 MB more while they were read); the last row of a key counts."""
        arrived, hashes, blobs = array("q"), bytearray(), list[bytearray]()
        self.extra: dict[Any, Row] = {}
        width, extra = WIDTH, self.extra
        for key, digest, blob in rows:
            if type(blob) is not bytes:
                continue  # (not a vector: worked out again, as a missing one is)
            if type(key) is not int:
                key = _plain(key)
            packed = _hash_bytes(digest)
            if packed is None or len(blob) != width or not _whole(key):
                extra[key] = (digest, blob)
                continue
            if extra:
                extra.pop(key, None)
            at = len(arrived) % CHUNK * width
            if not at:  # (a buffer of its full size at once: one grown a vector at a
                blobs.append(bytearray(CHUNK * width))  # time took twice the memory)
            blobs[-1][at : at + width] = blob
            arrived.append(key)
            hashes += packed
        self._hashes, self._blobs, self._width = hashes, blobs, width
        # The keys in order, and the row each is in (the last, for a key given twice).
        order = sorted(range(len(arrived)), key=arrived.__getitem__)
        last = [
            n
            for at, n in enumerate(order)
            if at + 1 == len(order) or arrived[order[at + 1]] != arrived[n]
        ]
        self._keys = array("q", (arrived[n] for n in last if arrived[n] not in self.extra))
        self._rows = array("q", (n for n in last if arrived[n] not in self.extra))
        self._len = len(self._keys) + len(self.extra)

    def _at(self, key: Any) -> int:
        """The row a key's vector is in (-1: not in the buffers)."""
        if type(key) is not int:
            key = _plain(key)
        if not _whole(key):
            return -1
        at = bisect_left(self._keys, key)
        return self._rows[at] if at < len(self._keys) and self._keys[at] == key else -1

    def __getitem__(self, key: Any) -> Row:
        found = self.extra.get(key)
        if found is not None:
            return found
        at = self._at(key)
        if at < 0:
            raise KeyError(key)
        width, (chunk, row) = self._width, divmod(at, CHUNK)
        blob = bytes(self._blobs[chunk][row * width : (row + 1) * width])
        return self._hashes[at * 8 : at * 8 + 8].hex(), blob

    def items(self) -> ItemsView[Any, Row]:
        """(key, (hash, vector)) for every key, read from the buffers in order (a
        lookup a key took a fifth of the time at 50,000)."""
        return _Items(self)

    def _rows_in_order(self) -> Iterator[tuple[Any, Row]]:
        extra, width, hashes, blobs = self.extra, self._width, self._hashes, self._blobs
        for key, at in zip(self._keys, self._rows, strict=True):
            if key not in extra:
                chunk, row = divmod(at, CHUNK)
                blob = bytes(blobs[chunk][row * width : (row + 1) * width])
                yield key, (hashes[at * 8 : at * 8 + 8].hex(), blob)
        yield from extra.items()

    def __contains__(self, key: object) -> bool:
        return key in self.extra or self._at(key) >= 0

    def __iter__(self) -> Iterator[Any]:
        extra = self.extra
        yield from (key for key in self._keys if key not in extra)
        yield from extra

    def __len__(self) -> int:
        return self._len

    def with_new(self, rows: Iterable[tuple[Any, str, bytes]]) -> Vectors:
        """This book with these rows added (a row for a key it holds replaces it)."""
        new = Vectors()
        new._keys, new._rows, new._hashes = self._keys, self._rows, self._hashes
        new._blobs, new._width, new.extra = self._blobs, self._width, dict(self.extra)
        for key, digest, blob in rows:
            if type(blob) is bytes:  # (as a book is made: not a vector, left out)
                new.extra[key if type(key) is int else _plain(key)] = (digest, blob)
        if len(new.extra) > max(1024, len(new._keys) // 8):  # (many: into the buffers)
            return Vectors((key, *new[key]) for key in new)
        new._len = len(new._keys) + sum(1 for key in new.extra if self._at(key) < 0)
        return new


def _whole(key: Any) -> bool:
    return type(key) is int and -(1 << 63) <= key < 1 << 63


def _plain(key: Any) -> Any:
    """The key as a whole number where it equals one as a dict's key would (`True`,
    `1.0`, numpy's integers); any other as it is."""
    try:
        number = int(key)
    except (TypeError, ValueError, OverflowError):
        return key
    try:
        same = number == key and hash(number) == hash(key)
    except TypeError:
        return key
    return number if same else key


def _hash_bytes(digest: Any) -> bytes | None:
    """A 16-hex-digit hash (as `title_hash` makes them) as 8 bytes; None for another."""
    if type(digest) is not str or len(digest) != 16 or digest != digest.lower():
        return None  # (lower case only, as made)
    try:
        packed = bytes.fromhex(digest)
    except ValueError:
        return None
    return packed if len(packed) == 8 else None


class _Items(ItemsView[Any, Row]):
    _mapping: Vectors

    def __iter__(self) -> Iterator[tuple[Any, Row]]:
        return self._mapping._rows_in_order()
