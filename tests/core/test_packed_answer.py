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
    packed = background.Packed()
    packed.add([1], [1], [5], [0.5])
    with pytest.raises(ValueError):
        packed.add([1], [1], [6], [0.4])


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
    packed.add([1], [1], [5], [0.5])
    with pytest.raises(ValueError):
        packed.add_whose([2], [("Sales",)])  # no neighbours were sent for 2
    with pytest.raises(ValueError):
        packed.add_whose([1], [("Sales",), ("Ops",)])  # more lists than keys
    with pytest.raises(ValueError):
        packed.add_whose([1], [(3,)])  # not a name
    packed.add_whose([1], [("Ops", "Sales")])
    assert packed.whose == {1: ("Ops", "Sales")}
