"""The stored meaning vectors, held compactly (`Vectors`), read as a dict would be."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from planboard.core import Store
from planboard.core.vectors import Rows, Vectors


def row(n: int, width: int = 256) -> tuple[int, str, bytes]:
    return n, f"{n * 7919:016x}", bytes([n % 251]) * width


def test_a_book_reads_as_the_dict_of_its_rows() -> None:
    rng = random.Random(4)
    rows = [row(n) for n in rng.sample(range(100_000), 300)]
    rows += [
        (rows[0][0], "0123456789abcdef", b"\x01" * 256),  # the same key again: it counts
        (-5, "feedfacecafebeef", b"\x02" * 256),
        (1 << 70, "0123456789abcdef", b"\x03" * 256),  # past 64 bits
        (7, "NOT-A-HASH", b"\x04" * 256),  # a hash of another form
        (8, "0123456789ABCDEF", b"\x05" * 256),  # upper case: not as `title_hash` makes
        (9, "0123456789abcdef", b"\x06" * 10),  # another length
        ("x", "0123456789abcdef", b"\x07" * 256),  # a key that is not a number
    ]
    expected = {key: (digest, blob) for key, digest, blob in rows}
    book = Vectors(rows)
    assert len(book) == len(expected)
    assert dict(book) == expected
    assert list(book.items()) == [(key, book[key]) for key in book]  # (read in order)
    assert sorted(book, key=repr) == sorted(expected, key=repr)
    for key in expected:
        assert key in book and book[key] == expected[key]
    for missing in (1 << 64, -1, 100_001, "y", None, 2.5):
        assert missing not in book and book.get(missing) is None
    assert len(book.extra) == 5  # only the odd rows are held as they came


def test_a_book_with_new_rows_is_another_book() -> None:
    first = Vectors(row(n) for n in range(0, 200, 2))
    before = dict(first)
    second = first.with_new([row(3), (4, "00000000000000ff", b"\x09" * 256)])
    assert dict(first) == before  # (a pass may be reading it)
    expected = {**before, 3: row(3)[1:], 4: ("00000000000000ff", b"\x09" * 256)}
    assert dict(second) == expected and len(second) == len(expected)
    assert dict(second.items()) == expected and len(list(second.items())) == len(expected)
    many = second.with_new(row(n) for n in range(1, 5000, 2))  # many: into the buffers
    assert not many.extra
    assert dict(many) == {**expected, **{n: row(n)[1:] for n in range(1, 5000, 2)}}


def test_vectors_another_program_wrote_are_read_or_left_out(tmp_path: Path) -> None:
    """A vector written as text, a number or a huge number by another program is left
    out (its title is embedded again), never a crash or a huge allocation."""
    path = tmp_path / "b.db"
    store = Store.open(path)
    quarter = store.default_quarter().id
    ids = [store.add_item(quarter, None, f"Item {n}").item_id for n in range(4)]
    store.save_item_vectors([(ids[0], "0123456789abcdef", b"\x01" * 256)])
    store.flush_item_vectors(100)
    store.close()
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO item_vectors (item_id, hash, vector) VALUES (?, ?, ?)",
            [(ids[1], "0123456789abcdef", "text"), (ids[2], "x", 10**12), (ids[3], "y", -3)],
        )
    store = Store.open(path)
    try:
        assert dict(store.item_vectors(quarter)) == {ids[0]: ("0123456789abcdef", b"\x01" * 256)}
    finally:
        store.close()


H = "0123456789abcdef"


def test_an_empty_or_long_first_vector_leaves_the_others_as_they_are() -> None:
    """A vector of another length read first (an empty one, or a long one another
    program wrote) is held as it came: the others stay in their own places (an empty
    one first shifted every other item's vector by one), and no buffer is made to its
    length (a 10 MB one first asked for 40 GB)."""
    import tracemalloc

    for odd in (b"", bytes(100_000)):
        rows = [(1, H, odd), (2, H, b"A" * 256), (3, H, b"B" * 256), (4, H, b"C" * 256)]
        tracemalloc.start()
        try:
            book = Vectors(rows)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert dict(book) == {key: (digest, blob) for key, digest, blob in rows}
        assert peak < 20_000_000


def test_an_empty_vector_another_program_wrote_leaves_the_others_as_they_are(
    tmp_path: Path,
) -> None:
    path = tmp_path / "b.db"
    store = Store.open(path)
    quarter = store.default_quarter().id
    ids = [store.add_item(quarter, None, f"Item {n}").item_id for n in range(4)]
    store.save_item_vectors([(i, H, bytes([i]) * 256) for i in ids])
    store.flush_item_vectors(100)
    store.close()
    with sqlite3.connect(path) as conn:  # as `sqlite3 b.db "UPDATE … SET vector = X''"`
        conn.execute("UPDATE item_vectors SET vector = X'' WHERE item_id = ?", (ids[0],))
    store = Store.open(path)
    try:
        book = store.item_vectors(quarter)
        assert book[ids[0]] == (H, b"")
        assert all(book[i] == (H, bytes([i]) * 256) for i in ids[1:])
    finally:
        store.close()


def test_a_book_is_read_by_the_keys_a_dict_is_read_by() -> None:
    np = pytest.importorskip("numpy")
    book, model = Vectors([(1, H, b"x" * 256)]), {1: (H, b"x" * 256)}
    for key in (1, True, 1.0, np.int64(1), 2, 1.5, "1", None):
        assert book.get(key) == model.get(key) and (key in book) == (key in model)
    newer = book.with_new([(True, H, b"y" * 256), (2.0, H, b"z" * 256)])
    model[True] = (H, b"y" * 256)
    model[2.0] = (H, b"z" * 256)
    assert len(newer) == len(model) == len(list(newer)) == 2
    assert dict(newer) == model


def test_rows_read_as_the_list_of_rows_they_were_given() -> None:
    """New vectors as they come (the overlap process's answer), in their order, the
    odd ones as they came: indexed, sliced and compared as the list would be."""
    rows = [row(n) for n in (5, 3, 9, 3)]
    rows += [("x", H, b"\x07" * 256), (1 << 70, H, b"\x01" * 256), (6, "nope", b"\x02" * 9)]
    rows += [(True, H, b"\x03" * 256), (11, H, "not bytes")]
    held = Rows(rows[:4])
    held.add(rows[4:])
    plain = [(1 if key is True else key, digest, blob) for key, digest, blob in rows]
    assert len(held) == len(rows)
    assert list(held) == plain and held == plain and plain == held
    assert held[0] == plain[0] and held[-1] == plain[-1] and held[4] == plain[4]
    assert held[2:5] == plain[2:5] and held[::-3] == plain[::-3]
    assert held != plain[:-1] and held != [*plain[:-1], row(12)]
    with pytest.raises(IndexError):
        held[len(rows)]
    assert (
        Vectors(held)
        == Vectors(rows)
        == {key: (digest, blob) for key, digest, blob in plain if type(blob) is bytes}
    )


def test_a_book_of_rows_shares_their_buffers() -> None:
    """A book made from `Rows` (the pass's answer), or a book with nothing in it given
    them, reads from their buffers: 5,000 new vectors are held once in the board's
    process, not once more per holder (as tuples they were twice their bytes)."""
    import tracemalloc

    rows = Rows(row(n) for n in range(5000))
    size = 5000 * 256
    for make in (lambda: Vectors(rows), lambda: Vectors().with_new(rows)):
        tracemalloc.start()
        try:
            book = make()
            held, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert dict(book) == {n: row(n)[1:] for n in range(5000)}
        assert held < size / 10
    older = Vectors(row(n) for n in range(0, 10_000, 2))
    newer = older.with_new(rows)  # (many: one book of both, the newer rows counting)
    assert dict(newer) == {**dict(older), **{n: row(n)[1:] for n in range(5000)}}


def test_the_rows_held_for_the_file_are_held_once(tmp_path: Path) -> None:
    """The store keeps the new vectors it is given for the file as they were given
    (`Rows`): no copy of 5,000 of them while they wait for a first write."""
    import tracemalloc

    store = Store.open(tmp_path / "b.db")
    quarter = store.default_quarter().id
    ids = [store.add_item(quarter, None, f"Item {n}").item_id or 0 for n in range(3)]
    rows = Rows([(ids[0], H, b"\x01" * 256), *(row(n) for n in range(100, 5100))])
    tracemalloc.start()
    try:
        store.save_item_vectors(rows)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    try:
        assert held < 5000 * 256 / 10
        assert store.vectors_held == 5001
        # (Held ones are read with the quarter's: the board holds its quarter's alone.)
        assert store.item_vectors(quarter)[ids[0]] == (H, b"\x01" * 256)
        store.save_item_vectors([(ids[0], H, b"\x02" * 256)])  # the newer counts
        assert store.item_vectors(quarter)[ids[0]] == (H, b"\x02" * 256)
        assert store.flush_item_vectors(10) == store.vectors_held == 4992
        assert store.item_vectors(quarter)[ids[0]] == (H, b"\x02" * 256)
    finally:
        store.close()
    with sqlite3.connect(tmp_path / "b.db") as conn:
        assert conn.execute("SELECT item_id, vector FROM item_vectors").fetchall() == [
            (ids[0], b"\x02" * 256)
        ]


def test_the_rows_waiting_are_taken_a_slice_at_a_time() -> None:
    """A slice of 50,000 waiting rows makes the slice's rows alone (making them all
    for each slice of 500 took 50 ms between two frames, 100 times)."""
    import tracemalloc

    from planboard.core.vectors import Waiting

    waiting = Waiting()
    waiting.add(Rows(row(n) for n in range(50_000)))
    waiting.drop(100)
    tracemalloc.start()
    try:
        head = waiting.head(500)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert head == [row(n) for n in range(100, 600)]
    assert peak < 500 * 1000, f"{peak / 1e6:.1f} MB made for 500 rows"


def _held_while_made(make: object) -> tuple[object, int]:
    import tracemalloc

    tracemalloc.start()
    try:
        made = make()  # type: ignore[operator]
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return made, held


def test_many_vectors_wait_in_a_file_with_no_name() -> None:
    """50,000 vectors (13 MB) are held outside the board's memory, a megabyte buffer at
    a time going to a temporary file with no name, and read back as they were given."""
    rows, held = _held_while_made(lambda: Rows(row(n) for n in range(50_000)))
    assert isinstance(rows, Rows)
    assert held < 3_000_000, f"{held / 1e6:.1f} MB held for 13 MB of vectors"
    assert rows._spill.size >= 48_000 * 256
    assert list(rows) == [row(n) for n in range(50_000)]
    assert rows[-1] == row(49_999) and rows[4095:4097] == [row(4095), row(4096)]
    book = Vectors(rows)
    assert book[12_345] == row(12_345)[1:] and len(book) == 50_000


def test_vectors_with_nowhere_to_wait_stay_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """No temporary file can be made, or the disk fills up half way: the vectors stay
    in memory, every one of them as it was given."""
    import errno
    import os

    from planboard.core import spill

    monkeypatch.setattr(spill, "_open", lambda: None)
    rows, held = _held_while_made(lambda: Rows(row(n) for n in range(10_000)))
    assert isinstance(rows, Rows)
    assert held > 10_000 * 256 and rows._spill.size == 0
    assert list(rows) == [row(n) for n in range(10_000)]
    monkeypatch.undo()

    writes = [0]
    real_pwrite = os.pwrite

    def full_after_one(fd: int, data: bytes, offset: int) -> int:
        writes[0] += 1
        if writes[0] > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", full_after_one)
    rows = Rows(row(n) for n in range(20_000))
    monkeypatch.undo()
    assert rows._spill.size == 4096 * 256  # (the first buffer went; the rest stayed)
    assert list(rows) == [row(n) for n in range(20_000)]


def test_vectors_with_no_temporary_folder_at_all_stay_in_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No folder takes a temporary file (read-only, missing, Python's own search
    failing): nothing is raised, the vectors stay in memory, a small book pickles."""
    import pickle
    import tempfile

    from planboard.core import spill

    def refused(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError("No usable temporary directory found")

    monkeypatch.setattr(tempfile, "gettempdir", refused)
    monkeypatch.setattr(tempfile, "TemporaryFile", refused)
    assert spill.nameless_file() is None
    rows = Rows(row(n) for n in range(5000))
    assert list(rows) == [row(n) for n in range(5000)]
    small = Rows(row(n) for n in range(10))
    assert list(pickle.loads(pickle.dumps(small))) == [row(n) for n in range(10)]
