"""A packed answer that is malformed but whose counts still add up."""

from __future__ import annotations

import pytest

from planboard.core import background


def test_a_packed_chunk_with_a_negative_count_is_refused() -> None:
    """Counts [2, -1] add up to the one neighbour sent: taken as an answer, key 1 gets
    two neighbours from an array that holds one, key 2 a run that ends before it starts."""
    packed = background.Packed()
    with pytest.raises(ValueError):
        packed.add([1, 2], [2, -1], [5], [0.5])


def test_a_packed_answer_with_a_key_sent_twice_is_refused() -> None:
    """Found when the answer is whole (the keys are checked in order then, not held
    in a set as they come): no answer, and the board does the work itself."""
    import io
    import pickle

    packed = background.Packed()
    packed.add([1], [1], [5], [0.5])
    packed.add([1], [1], [6], [0.4])
    with pytest.raises(ValueError):
        packed.seal()
    with pytest.raises(ValueError):
        packed[1]
    stream = io.BytesIO()
    for record in [
        ("lang", "en"),
        ("packed", ([1, 2], [1, 1], [2, 1], [0.5, 0.5])),
        ("packed", ([3, 1], [1, 1], [1, 3], [0.5, 0.5])),
        ("end", None),
    ]:
        pickle.dump(record, stream)
    stream.seek(0)
    assert background._answer(stream, {k: ("Team", "a") for k in (1, 2, 3)}) is None


def test_an_answer_with_both_kinds_of_records_is_refused() -> None:
    """A process answer holds the neighbours either packed or as objects, never both."""
    import io
    import pickle

    stream = io.BytesIO()
    for record in [
        ("lang", "en"),
        ("packed", ([1], [1], [2], [0.5])),
        ("overlap", [(3, [(4, 0.5)])]),
        ("end", None),
    ]:
        pickle.dump(record, stream)
    stream.seek(0)
    assert background._answer(stream, {}) is None


def test_a_packed_answer_that_does_not_say_its_language_is_refused() -> None:
    """Why two items match is worked out where it is asked, in the pass's language: an
    answer without it is not one the process gives."""
    import io
    import pickle

    def answer(*records: tuple[str, object]) -> object:
        stream = io.BytesIO()
        for record in records:
            pickle.dump(record, stream)
        stream.seek(0)
        return background._answer(stream, {1: ("Team", "a"), 2: ("Sales", "b")})

    packed = ("packed", ([1], [1], [2], [0.5]))
    assert answer(packed, ("end", None)) is None
    assert answer(("lang", "en"), packed, ("end", None)) is not None


def test_whose_lists_for_keys_not_sent_or_not_names_are_refused() -> None:
    packed = background.Packed()
    packed.add_names(["Ops", "Sales"])
    packed.add([1], [1], [5], [0.5])
    with pytest.raises(ValueError):
        packed.add_whose([2], [1], [1])  # no neighbours were sent for 2
    with pytest.raises(ValueError):
        packed.add_whose([1], [1, 1], [0, 1])  # more lists than keys
    with pytest.raises(ValueError):
        packed.add_whose([1], [2], [0])  # the counts and the names disagree
    with pytest.raises(ValueError):
        packed.add_whose([1], [1], [2])  # not one of the names
    with pytest.raises(ValueError):
        packed.add_whose([1], [-1], [])
    with pytest.raises(ValueError):
        packed.add_names(["Ops", 3])
    packed.add_whose([1], [2], [0, 1])
    with pytest.raises(ValueError):
        packed.add_whose([1], [2], [0, 1])  # (said once)
    assert packed.take_whose() == {1: ("Ops", "Sales")}


def test_a_packed_answer_reads_as_the_neighbours_it_was_sent() -> None:
    """Scores sent as millionths read as the matcher's scores (a millionth divided,
    as it divides them), floats as they came; ids past 32 bits as they came; whose
    lists by key, as names, for the keys they were said for."""
    from array import array

    packed = background.Packed()
    packed.add_names(["Ops", "Sales", "Team"])
    packed.add([7, 3], [2, 0], [3, 1 << 40], array("i", [912_345, 500_000]))
    packed.add_whose([7, 3], [2, 2], [0, 1, 0, 1])
    packed.add([1 << 33, 9], [1, 0], [7], [0.25])
    packed.add([4], [0], [], [])
    packed.add_whose([4], [1], [2])
    assert dict(packed) == {
        7: [(3, 0.912345), (1 << 40, 0.5)],
        3: [],
        1 << 33: [(7, 0.25)],
        9: [],
        4: [],
    }
    assert list(packed) == [7, 3, 1 << 33, 9, 4]
    assert 3 in packed and 5 not in packed and "7" not in packed and 1 << 70 not in packed
    whose = packed.take_whose()
    assert whose == {7: ("Ops", "Sales"), 3: ("Ops", "Sales"), 4: ("Team",)}
    assert list(whose) == [7, 3, 4] and len(whose) == 3  # (in the order they came)
    for unsaid in (9, 1 << 33, 5, "7"):  # (a key whose lists were not said, or none)
        assert unsaid not in whose and whose.get(unsaid) is None
        with pytest.raises(KeyError):
            whose[unsaid]


def test_a_packed_answer_takes_about_eight_bytes_a_pair() -> None:
    """Ids in 32 bits, scores in millionths, runs found in the keys in order, whose
    lists a number a run: 20,000 items with 13 neighbours each are held in under 14
    bytes a pair (64-bit ids and scores and two dicts by key took about 27)."""
    import tracemalloc
    from array import array

    items, near = 20_000, 13
    tracemalloc.start()
    try:
        packed = background.Packed()
        packed.add_names([f"List {n}" for n in range(7)])
        for first in range(0, items, 2000):
            keys = list(range(first, first + 2000))
            ids = [(key * 7 + n) % items for key in keys for n in range(near)]
            scores = array("i", [900_000 - n for _ in keys for n in range(near)])
            packed.add(keys, [near] * len(keys), ids, scores)
            packed.add_whose(keys, [2] * len(keys), [n for key in keys for n in (0, 1 + key % 6)])
            del keys, ids, scores
        packed.seal()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held / (items * near) < 14, f"{held / (items * near):.1f} bytes a pair"
    assert packed[19_999][0] == (19_999 * 7 % items, 0.9)
    assert packed.take_whose()[19_999] == ("List 0", "List 2")


def test_whose_lists_taken_are_let_go() -> None:
    packed = background.Packed()
    packed.add_names(["Ops", "Sales"])
    packed.add([1, 2], [1, 1], [2, 1], [0.5, 0.5])
    packed.add_whose([1, 2], [1, 1], [0, 1])
    assert packed.take_whose() == {1: ("Ops",), 2: ("Sales",)}
    assert packed.take_whose() == {}
    assert dict(packed) == {1: [(2, 0.5)], 2: [(1, 0.5)]}  # (the neighbours stay)
    packed.add([3], [0], [], [])
    assert packed.take_whose() == {} and 3 in packed


def test_the_names_an_answer_looks_up_read_as_their_dict() -> None:
    """Each item's owner's name and title by id, as the dict of them reads (the last
    of an id given twice counts), held in a quarter of its memory."""
    import tracemalloc

    from planboard.core.packed import Named, named
    from planboard.core.similar import Entry

    entries = [Entry(key, f"Title {key}", key % 5) for key in range(20_000, 0, -1)]
    entries += [Entry(7, "Seven again", 3), Entry(-4, "Below zero", 0), Entry(1 << 62, "Big", 1)]
    who = {owner: f"List {owner}" for owner in range(5)}
    as_dict = {e.key: (who[e.owner], e.text) for e in entries}
    tracemalloc.start()
    try:
        held = named(entries, who)
        size, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(held, Named) and dict(held) == as_dict and len(held) == len(as_dict)
    assert held[7] == ("List 3", "Seven again")
    for missing in (0, 20_001, 1 << 64, "7", 7.5, None):
        assert missing not in held and held.get(missing) is None
    tracemalloc.start()
    try:
        again = {e.key: (who[e.owner], e.text) for e in entries}
        dict_size, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert again == as_dict and size < dict_size / 3, (size, dict_size)
    odd = [Entry("a", "Text key", 0), Entry(1, "One", 1)]
    assert named(odd, who) == {"a": ("List 0", "Text key"), 1: ("List 1", "One")}


def _stream(*records: tuple[str, object]) -> object:
    import io
    import pickle

    out = io.BytesIO()
    for record in records:
        pickle.dump(record, out)
    out.seek(0)
    return out


@pytest.mark.parametrize(
    "records",
    [
        # a key sent again after the end
        [
            ("lang", "en"),
            ("packed", ([1], [1], [5], [0.5])),
            ("end", None),
            ("packed", ([1], [1], [5], [0.5])),
        ],
        # ids as bytes: eight of them by their length, two as 32-bit numbers
        [("lang", "en"), ("packed", ([1], [8], b"\x05" * 8, [0.5] * 8)), ("end", None)],
        # the names said again, after whose lists were checked against the first
        [
            ("lang", "en"),
            ("names", ["a", "b"]),
            ("packed", ([1], [1], [5], [0.5])),
            ("whose", ([1], [1], [1])),
            ("names", ["a"]),
            ("end", None),
        ],
    ],
    ids=["again-after-the-end", "bytes-for-ids", "names-said-twice"],
)
def test_a_malformed_packed_answer_is_refused(records: list[tuple[str, object]]) -> None:
    """An answer the process does not give is refused whole (the board then does the
    work itself), never taken and then a crash when the board reads it."""
    names = {1: ("a", "t1"), 5: ("b", "t5")}
    assert background._answer(_stream(*records), names) is None  # type: ignore[arg-type]


def test_a_packed_answer_is_read_by_the_keys_a_dict_is_read_by() -> None:
    np = pytest.importorskip("numpy")
    packed = background.Packed()
    packed.add([1], [1], [5], [0.5])
    for key in (1, True, 1.0, np.int64(1)):
        assert key in packed and packed[key] == [(5, 0.5)]
    assert 1.5 not in packed and "1" not in packed
