"""The overlap pass's process holds less, and finds exactly what the matcher finds:
scoring from the float16 vectors, the stored vectors laid straight into its matrix,
the pairs packed with their scores, the titles' words not kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planboard.core import background
from planboard.core.similar import Entry, meaning_available
from planboard.core.similar import best as best_module
from planboard.core.similar import pairs as pairs_module
from planboard.core.similar.layout import Layout
from planboard.core.similar.pairs import Similarity
from planboard.core.similar.words import _words_for

np = pytest.importorskip("numpy")

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "overlap.json"


def fixture_entries() -> list[Entry]:
    data = json.loads(FIXTURE.read_text())["items"]
    # Keys that sort differently as numbers and as text (10 before 9), as item ids do.
    return [Entry(n * 7 + 3, item["title"], item["owner"]) for n, item in enumerate(data)]


def arrays(similarity: Similarity) -> list[list[float]]:
    return [part.tolist() for part in similarity.neighbour_arrays()]


def test_a_lean_pass_finds_what_a_full_one_finds() -> None:
    entries = fixture_entries()
    full, lean = Similarity(entries), Similarity(entries, lean=True)
    assert len(full.neighbour_arrays()[0]) > 20  # the fixture's requests overlap
    assert arrays(lean) == arrays(full)
    assert lean.neighbours() == full.neighbours()
    if meaning_available():
        assert lean.meaning is not None and lean.meaning.dtype == np.float16


def test_a_lean_pass_leaves_the_shared_word_reader_as_it_was() -> None:
    entries = [Entry(n, f"Lean pass title number {n} of the quarter", n % 3) for n in range(40)]
    shared = _words_for("en")
    before = len(shared._titles)
    Similarity(entries, lean=True)
    assert len(shared._titles) == before  # its titles were not kept for next time
    Similarity(entries)
    assert len(shared._titles) > before  # (a pass in the board's process keeps them)


def test_pairs_packed_with_their_scores_are_the_pairs_kept_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A pair's row as one number (as below PACKED_BELOW entries) or as a record (from
    there up) gives the very same pairs, scores and order."""
    entries = fixture_entries()
    packed = Similarity(entries)
    kept_as_is = (packed.pairs(), arrays(packed))
    monkeypatch.setattr(best_module, "PACKED_BELOW", 0)
    apart = Similarity(entries)
    assert (apart.pairs(), arrays(apart)) == kept_as_is
    assert kept_as_is[0] and all(0 < score <= 1 for score in kept_as_is[0].values())


def test_the_process_lays_out_only_the_stored_vectors_of_these_titles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The process lays the stored vectors straight into its matrix: a vector whose
    title changed, one of the wrong length, and one of an item not in the pass are not
    used (their titles are embedded again), as in the board's
    process."""
    if not meaning_available():
        pytest.skip("the meaning model needs numpy")
    titles = ["Churn prediction", "Customers about to leave", "Office plants", "Revenue", "NPS"]
    entries = [Entry(n, t, n % 2) for n, t in enumerate(titles)]
    names = {e.key: (str(e.owner), e.text) for e in entries}
    _, first = background.neighbours(entries, names)
    good = {key: (digest, blob) for key, digest, blob in first.new_vectors}
    stored = {
        0: good[0],
        1: (good[0][0], good[1][1]),  # the hash of another title
        2: (good[2][0], good[2][1][:-2]),  # cut short
        4: good[4],
        99: good[0],  # an item not in the pass
    }
    here, in_here = background.neighbours(entries, names, stored)
    monkeypatch.setattr(background, "PROCESS_FROM", 1)
    monkeypatch.setattr(background, "CHUNK", 2)
    there, in_there = background.neighbours_anywhere(entries, names, stored)
    assert [key for key, _, _ in in_there.new_vectors] == [1, 2, 3]  # (3: none stored)
    assert in_there.new_vectors == in_here.new_vectors
    assert there == here
    assert dict(in_there.overlap) == in_here.overlap


def test_a_layout_is_made_only_for_whole_number_keys_that_fit() -> None:
    if not meaning_available():
        pytest.skip("the meaning model needs numpy")
    assert Layout.of([Entry(1, "a"), Entry(2, "b")]) is not None
    assert Layout.of([Entry(1, "a"), Entry("x", "b")]) is None
    assert Layout.of([Entry(1, "a"), Entry(1 << 70, "b")]) is None


def test_new_vectors_are_each_title_embedded_on_its_own_whatever_the_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The vectors a pass worked out (made from its matrix when asked, the titles
    embedded a few at a time) are each title's as `embed_titles` gives it alone, with
    its key and title hash, in the entries' order; only the titles with no stored
    vector; and `clear()` lets them go."""
    if not meaning_available():
        pytest.skip("the meaning model needs numpy")
    from planboard.core.similar import meaning as meaning_module
    from planboard.core.similar.meaning import embed_titles, title_hash

    monkeypatch.setattr(meaning_module, "EMBED_AT_ONCE", 2)
    monkeypatch.setattr(pairs_module, "EMBED_AT_ONCE", 2)
    titles = ["Churn prediction", "Customers about to leave", "Office plants", "NPS", "CAC"]
    entries = [Entry(n + 10, t, n % 2) for n, t in enumerate(titles)]
    stored = {12: embed_titles(["Office plants"])[0]}
    for lean in (False, True):
        found = Similarity(entries, vectors=stored, lean=lean).new_vectors
        expected = [
            (e.key, title_hash(e.text), embed_titles([e.text])[0]) for e in entries if e.key != 12
        ]
        assert list(found) == expected
        assert found[1:3] == expected[1:3] and found[-1] == expected[-1]
        assert found == expected and len(found) == 4
        found.clear()
        assert len(found) == 0 and list(found) == []


def test_memory_is_given_back_quietly_where_python_has_no_ctypes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Python built without ctypes (no libffi): giving the C heap's freed pages back
    is skipped. Its ImportError ended the pass's process, and the board worked the whole
    pass out again in its own, with all its memory."""
    import sys

    from planboard.core.similar.cells import give_back_memory

    monkeypatch.setitem(sys.modules, "ctypes", None)  # (import ctypes: ImportError)
    give_back_memory()  # (nothing raised)
