"""The stored meaning vectors of a quarter, held compactly: what the board keeps for
its overlap passes (item id to the title's hash and the vector, as a dict gives).

As a dict of Python objects, 50,000 vectors took about 25 MB in the board's process (a
bytes object, a hash string, a tuple and a key each); here they are three flat buffers
(the ids, the hashes as 8 bytes each, the vectors end to end, in buffers of a
megabyte), about 14 MB, and each full buffer of vectors waits in a temporary file with
no name (`Spill`), read back a vector at a time: under 1 MB of memory. A book never
changes: `with_new` gives another, so a pass can read one in its thread while the board
learns new vectors."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import ItemsView, Iterable, Iterator, Mapping, Sequence
from itertools import chain, islice
from typing import Any, overload

from .spill import Spill

Row = tuple[str, bytes]
WIDTH = 256  # bytes a vector, as planboard writes them (128 float16 values)
CHUNK = 4096  # vectors a buffer (1 MB)
FIRST = 16  # vectors a new buffer has room for, doubled as it fills


class Rows(Sequence[tuple[Any, str, bytes]]):
    """Rows (key, hash, vector) in the order they came, read as the list of them would
    be, held as a book holds them: the keys, the hashes as 8 bytes each and the vectors
    end to end, in buffers of a megabyte (each, once full, in the spill file, where one
    can be written). This is how the board takes the new vectors
    of an overlap pass (as tuples, 50,000 were 25 MB, held by the pass's findings and
    again while they waited for the file); a book made from them (`Vectors`) reads the
    same buffers. A row of another form (a key that is not a whole number, a hash not
    as `title_hash` makes them, a vector of another length or not bytes) is held as it
    came, at its place."""

    __slots__ = ("_blobs", "_hashes", "_keys", "_spill", "_spilled", "odd")

    def __init__(self, rows: Iterable[tuple[Any, Any, Any]] = ()) -> None:
        self._keys = array("q")
        self._hashes = bytearray()
        self._blobs: list[bytearray | None] = []  # (None: that buffer is in the spill)
        self._spill: Spill | None = None  # (made when a first buffer is full)
        self._spilled = array("q")  # where each buffer is in the spill (-1: in memory)
        self.odd: dict[int, tuple[Any, Any, Any]] = {}  # position: the row as it came
        self.add(rows)

    def add(self, rows: Iterable[tuple[Any, Any, Any]]) -> None:
        """These rows after the others, straight into the buffers (none is held as an
        object on the way); each buffer, once full, goes to the spill file."""
        keys, hashes, blobs, odd, width = self._keys, self._hashes, self._blobs, self.odd, WIDTH
        for key, digest, blob in rows:
            if type(key) is not int:
                key = plain_key(key)
            at = len(keys)
            offset = at % CHUNK * width
            # A buffer's room doubles as it fills, up to a megabyte (grown a vector at
            # a time, a buffer took twice the memory; made whole at once, a megabyte
            # for a row or two).
            if not offset:
                blobs.append(bytearray(FIRST * width))
                self._spilled.append(-1)
            elif offset == len(blobs[-1] or b""):
                blobs[-1] += bytes(min(offset, CHUNK * width - offset))  # type: ignore[operator]
            packed = _hash_bytes(digest)
            if packed is None or type(blob) is not bytes or len(blob) != width or not _whole(key):
                odd[at] = (key, digest, blob)
                keys.append(0)
                hashes += bytes(8)
            else:
                blobs[-1][offset : offset + width] = blob  # type: ignore[index]
                keys.append(key)
                hashes += packed
            if offset + width == CHUNK * width:
                self._spill_last()

    def _spill_last(self) -> None:
        """The last buffer, full, into the spill file (kept here if it cannot go)."""
        if self._spill is None:
            self._spill = Spill()
        where = self._spill.put(self._blobs[-1] or b"")
        if where >= 0:
            self._spilled[-1] = where  # (first: a reader finds it there once it is gone)
            self._blobs[-1] = None

    def _row(self, at: int) -> tuple[Any, str, bytes]:
        found = self.odd.get(at)
        return (
            found if found is not None else (self._keys[at], self.hash_at(at), self.vector_at(at))
        )

    def hash_at(self, at: int) -> str:
        return self._hashes[at * 8 : at * 8 + 8].hex()

    def vector_at(self, at: int) -> bytes:
        chunk, row = divmod(at, CHUNK)
        held = self._blobs[chunk]
        if held is None:
            assert self._spill is not None
            return self._spill.get(self._spilled[chunk] + row * WIDTH, WIDTH)
        return bytes(held[row * WIDTH : (row + 1) * WIDTH])

    @overload
    def __getitem__(self, index: int) -> tuple[Any, str, bytes]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[Any, str, bytes]]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self._row(at) for at in range(*index.indices(len(self._keys)))]
        at = index + len(self._keys) if index < 0 else index
        if not 0 <= at < len(self._keys):
            raise IndexError(index)
        return self._row(at)

    def __iter__(self) -> Iterator[tuple[Any, str, bytes]]:
        return map(self._row, range(len(self._keys)))

    def __len__(self) -> int:
        return len(self._keys)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Rows | list):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # (as a list's: it grows)


class Vectors(Mapping[Any, Row]):
    """Key to (hash, vector), as `Store.item_vectors` reads them, found by any key a
    dict would find them by: the rows (`Rows`) and, beside them, the keys in order and
    the row each is in. Whole-number keys with a 16-hex-digit hash and a vector of
    WIDTH bytes are read from the rows' buffers; anything else another program may
    have written (a hash of another form, a vector of another length, a key past 64
    bits) is held as it was, beside them, and so are the rows `with_new` adds, until
    there are many. A vector that is not bytes is left out."""

    __slots__ = ("_keys", "_len", "_rows", "_src", "extra")

    def __init__(self, rows: Iterable[tuple[Any, Any, Any]] = ()) -> None:
        """The rows (key, hash, vector), in any order; the last row of a key counts.
        Given as `Rows`, the book reads their buffers (no copy); else they go into
        rows of its own as they come."""
        src = self._src = rows if isinstance(rows, Rows) else Rows(rows)
        self.extra: dict[Any, Row] = {}
        arrived, odd = src._keys, src.odd
        # The odd rows, by key: the last of each (one that is not a vector is left out:
        # its title is worked out again, as a missing one is).
        odd_last = {key: at for at, (key, _, blob) in sorted(odd.items()) if type(blob) is bytes}
        # The keys in order, and the row each is in (the last, for a key given twice).
        order = sorted((n for n in range(len(arrived)) if n not in odd), key=arrived.__getitem__)
        keys, places = array("q"), array("q")
        for at, n in enumerate(order):
            key = arrived[n]
            if at + 1 < len(order) and arrived[order[at + 1]] == key:
                continue
            if odd_last.get(key, -1) > n:
                continue  # (an odd row of that key came after it)
            odd_last.pop(key, None)
            keys.append(key)
            places.append(n)
        for key, at in odd_last.items():
            self.extra[key] = odd[at][1:]
        self._keys, self._rows = keys, places
        self._len = len(keys) + len(self.extra)

    def _at(self, key: Any) -> int:
        """The row a key's vector is in (-1: not in the buffers)."""
        if type(key) is not int:
            key = plain_key(key)
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
        return self._src.hash_at(at), self._src.vector_at(at)

    def items(self) -> ItemsView[Any, Row]:
        """(key, (hash, vector)) for every key, read from the buffers in order (a
        lookup a key took a fifth of the time at 50,000)."""
        return _Items(self)

    def rows(self) -> Iterator[tuple[Any, str, bytes]]:
        """(key, hash, vector) for every key, as the book was given them."""
        return ((key, digest, blob) for key, (digest, blob) in self._rows_in_order())

    def _rows_in_order(self) -> Iterator[tuple[Any, Row]]:
        extra, src = self.extra, self._src
        for key, at in zip(self._keys, self._rows, strict=True):
            if key not in extra:
                yield key, (src.hash_at(at), src.vector_at(at))
        yield from extra.items()

    def __contains__(self, key: object) -> bool:
        return key in self.extra or self._at(key) >= 0

    def __iter__(self) -> Iterator[Any]:
        extra = self.extra
        yield from (key for key in self._keys if key not in extra)
        yield from extra

    def __len__(self) -> int:
        return self._len

    def with_new(self, rows: Iterable[tuple[Any, Any, Any]]) -> Vectors:
        """This book with these rows added (a row for a key it holds replaces it).
        Many new rows make one book of both; `Rows` given to an empty book are read
        where they are."""
        if isinstance(rows, Rows) and len(rows) > max(1024, len(self._keys) // 8):
            return Vectors(rows) if not self._len else Vectors(chain(self.rows(), rows))
        new = Vectors()
        new._keys, new._rows, new._src = self._keys, self._rows, self._src
        new.extra = dict(self.extra)
        for key, digest, blob in rows:
            if type(blob) is bytes:  # (as a book is made: not a vector, left out)
                new.extra[key if type(key) is int else plain_key(key)] = (digest, blob)
        if len(new.extra) > max(1024, len(new._keys) // 8):  # (many: into the buffers)
            return Vectors((key, *new[key]) for key in new)
        new._len = len(new._keys) + sum(1 for key in new.extra if self._at(key) < 0)
        return new


class Waiting:
    """Rows that wait for the file, in the order they were given, each batch held as
    it was given (`Rows`: the board's new vectors are not copied to wait)."""

    __slots__ = ("_batches", "_first")

    def __init__(self) -> None:
        self._batches: deque[Rows] = deque()
        self._first = 0  # (rows of the first batch already taken)

    def add(self, rows: Iterable[tuple[Any, Any, Any]]) -> None:
        rows = rows if isinstance(rows, Rows) else Rows(rows)
        if len(rows):
            self._batches.append(rows)

    def __len__(self) -> int:
        """How many rows wait (two for one key count two: both are written, in turn)."""
        return sum(map(len, self._batches)) - self._first

    def __iter__(self) -> Iterator[tuple[Any, Any, Any]]:
        for n, rows in enumerate(list(self._batches)):
            # (A row at a time, from where the first batch's untaken rows begin.)
            yield from map(rows._row, range(self._first if n == 0 else 0, len(rows)))

    def head(self, limit: int | None = None) -> list[tuple[Any, Any, Any]]:
        """The first `limit` rows waiting (all: None), still waiting."""
        return list(islice(self, limit))

    def drop(self, count: int) -> None:
        """The first `count` rows are written: they wait no more."""
        while count and self._batches:
            take = min(count, len(self._batches[0]) - self._first)
            self._first += take
            count -= take
            if self._first == len(self._batches[0]):
                self._batches.popleft()
                self._first = 0


def _whole(key: Any) -> bool:
    return type(key) is int and -(1 << 63) <= key < 1 << 63


def plain_key(key: Any) -> Any:
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
