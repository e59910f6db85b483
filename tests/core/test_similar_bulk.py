"""The matcher's array passes on big boards: candidates, nearest vectors by cells, and
each item's best pairs, checked against plain Python versions of the same rules."""

from __future__ import annotations

import itertools
import random

import pytest

from planboard.core.similar import NEIGHBOURS, Entry, Similarity
from planboard.core.similar.best import Best
from planboard.core.similar.cells import cells, distinct_codes, nearest_in, word_pairs

np = pytest.importorskip("numpy")


def _best(count: int, low, high, scores) -> Best:  # type: ignore[no-untyped-def]
    """Each entry's best of these pairs, as the matcher's pass keeps them."""
    best = Best(np, count, NEIGHBOURS)
    best.add(low, high, np.rint(scores * 1e6))
    return best


def test_word_pairs_are_every_pair_of_each_posting_list() -> None:
    rng = random.Random(3)
    postings = [sorted(rng.sample(range(5000), rng.randint(2, 40))) for _ in range(300)]
    firsts, seconds = word_pairs(np, postings)
    expected = sorted(p for found in postings for p in itertools.combinations(found, 2))
    assert sorted(zip(firsts.tolist(), seconds.tolist(), strict=True)) == expected
    empty_firsts, empty_seconds = word_pairs(np, [])
    assert len(empty_firsts) == len(empty_seconds) == 0


def test_each_item_keeps_its_best_pairs_in_order() -> None:
    """What `pairs` gives from the scored arrays: per item (in order) its NEIGHBOURS
    best, ties by the other's position; a pair once, where it first comes."""
    rng = random.Random(5)
    pairs = {(a, b) for a, b in ((rng.randrange(300), rng.randrange(300)) for _ in range(6000))}
    pairs = sorted((min(p), max(p)) for p in pairs if p[0] != p[1])
    pairs = sorted(set(pairs))
    # Scores from a few values, so that ties are common.
    scores = [rng.choice((0.5, 0.6, 0.61, 0.7, 0.9)) for _ in pairs]
    sim = Similarity([Entry(1, "a"), Entry(2, "b")], meaning=False)
    arrays = (
        np.asarray([a for a, _ in pairs]),
        np.asarray([b for _, b in pairs]),
        np.asarray(scores),
    )
    sim._best_in_bulk = lambda *args: _best(300, *arrays)  # type: ignore[method-assign]
    found = sim._kept_in_bulk(np, 0.4, True, set())

    best: dict[int, list[tuple[float, int]]] = {}
    for (a, b), value in zip(pairs, scores, strict=True):
        best.setdefault(a, []).append((value, b))
        best.setdefault(b, []).append((value, a))
    expected: dict[tuple[int, int], float] = {}
    for a in sorted(best):
        for value, b in sorted(best[a], key=lambda e: (-e[0], e[1]))[:NEIGHBOURS]:
            expected[(a, b) if a < b else (b, a)] = value
    assert list(found.items()) == list(expected.items())
    assert len(found) < len(pairs)  # the limit per item did leave pairs out


def test_kept_pairs_give_whole_codes_past_two_to_the_31() -> None:
    """The kept pairs are worked on as 32-bit positions (half the memory) but come out
    64-bit: on a board of 50,000 items a pair's code (position times count, plus the other) is
    past 2^31, and a 32-bit product would wrap."""
    sim = Similarity([Entry(1, "a"), Entry(2, "b")], meaning=False)
    arrays = (np.asarray([3, 49_000]), np.asarray([49_998, 49_999]), np.asarray([0.9, 0.8]))
    sim._best_in_bulk = lambda *args: _best(50_000, *arrays)  # type: ignore[method-assign]
    low, high, values = sim._kept_arrays(np, 0.4, True, set())
    assert low.dtype == high.dtype == np.int64
    codes = low * 50_000 + high
    assert sorted(codes.tolist()) == sorted([3 * 50_000 + 49_998, 49_000 * 50_000 + 49_999] * 2)
    assert values.tolist() == [0.9, 0.8, 0.9, 0.8]


def _unit_rows(rng, count: int, dims: int = 64):  # type: ignore[no-untyped-def]
    rows = rng.standard_normal((count, dims)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_cells_hold_every_row_twice_in_order() -> None:
    matrix = _unit_rows(np.random.default_rng(1), 6000)
    found = cells(matrix, np)
    assert len(found) == int(6000**0.5 / 2)
    counts = np.zeros(6000, dtype=int)
    for cell in found:
        assert list(cell) == sorted(set(cell.tolist()))
        counts[cell] += 1
    assert (counts == 2).all()
    assert [c.tolist() for c in cells(matrix[:100], np)] == [list(range(100))]


def test_near_twins_are_found_beyond_one_cell() -> None:
    """On a board too big to compare every vector with every other, an item's near
    twin is still among its candidates."""
    rng = np.random.default_rng(2)
    matrix = _unit_rows(rng, 6000)
    twins = [(n, 3000 + n) for n in range(0, 3000, 75)]
    for a, b in twins:
        twin = matrix[a] + 0.05 * rng.standard_normal(matrix.shape[1]).astype(np.float32)
        matrix[b] = twin / np.linalg.norm(twin)
    sim = Similarity([Entry(1, "a"), Entry(2, "b")], meaning=False)
    sim.meaning = matrix
    firsts, seconds = sim._meaning_candidates()
    found = {(min(a, b), max(a, b)) for a, b in zip(firsts.tolist(), seconds.tolist(), strict=True)}
    assert all(pair in found for pair in twins)


def test_codes_found_in_two_processes_join_as_one_sorted_set() -> None:
    rng = np.random.default_rng(9)
    here, there = (np.unique(rng.integers(0, 10**9, size)) for size in (5000, 7000))
    both = distinct_codes(np, [here, there], ascending=True)
    assert both.tolist() == sorted(set(here.tolist()) | set(there.tolist()))
    assert distinct_codes(np, [there[::-1], here]).tolist() == both.tolist()


def _nearest_as_written(sims, own, keep: int, floor: float) -> set[tuple[int, int]]:
    """`nearest_in` by sorting each row: the largest first, ties by the columns next
    after the row's own, going round; the first `keep`, those at least `floor`."""
    found = set()
    for row, values in enumerate(sims.tolist()):
        count = len(values)
        ranked = sorted(range(count), key=lambda c: (-values[c], (c - own[row] - 1) % count))
        found |= {(row, c) for c in ranked[:keep] if values[c] >= floor}
    return found


@pytest.mark.parametrize("seed", range(8))
def test_nearest_are_each_rows_largest_ties_going_round_from_its_own(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows, count = int(rng.integers(1, 40)), int(rng.integers(2, 90))
    # Values from a few, so that ties for the last place are common.
    sims = rng.choice(np.float32([0.1, 0.45, 0.5, 0.62, 0.62, 0.8, 1.0]), (rows, count))
    own = rng.integers(0, count, rows)
    sims[np.arange(rows), own] = -1.0
    for keep in {1, min(16, count - 1) or 1, count}:
        found_rows, found_columns = nearest_in(np, sims.copy(), own, keep, 0.5)
        found = set(zip(found_rows.tolist(), found_columns.tolist(), strict=True))
        assert len(found) == len(found_rows)
        assert found == _nearest_as_written(sims, own, keep, 0.5)


def test_vectors_alike_are_compared_as_a_chain() -> None:
    """Forty items of one meaning vector (titles whose known words are the same): each
    is a candidate with the 16 after it, going round, so every one is compared with
    others; not all with the same few."""
    rng = np.random.default_rng(4)
    matrix = _unit_rows(rng, 200)
    alike = list(range(0, 200, 5))
    matrix[alike] = matrix[0]
    sim = Similarity([Entry(1, "a"), Entry(2, "b")], meaning=False)
    sim.meaning = matrix
    firsts, seconds = sim._meaning_candidates()
    found = {(min(a, b), max(a, b)) for a, b in zip(firsts.tolist(), seconds.tolist(), strict=True)}
    among = {pair for pair in found if pair[0] in alike and pair[1] in alike}
    ring = {
        (min(a, b), max(a, b))
        for n, a in enumerate(alike)
        for b in (alike[(n + step) % len(alike)] for step in range(1, 17))
    }
    assert among == ring


def _board_entries(count: int, seed: int) -> list[Entry]:
    from planboard.bench_similar import _titles

    return [Entry(n, title, n % 40) for n, title in enumerate(_titles(count, seed=seed))]


@pytest.mark.parametrize("count", [300, 4500])
def test_neighbours_from_arrays_are_the_overlap_of_the_pairs(count: int) -> None:
    """What a pass without groups gives (each item's neighbours, built from the scored
    arrays without a dict of every pair) is exactly what the pairs say, in the same
    order: best first, then in the entries' order. 4,500 items: the vectors by cells."""
    from planboard.core.similar.plain import by_entry

    sim = Similarity(_board_entries(count, seed=count))
    rejected = {frozenset((e.key, e.key + 40)) for e in sim.entries[:50]}
    expected = by_entry(sim, sim.pairs(rejected=rejected))
    found = sim.neighbours(rejected=rejected)
    assert found == expected
    assert all(list(found[key]) == list(expected[key]) for key in expected)
    assert sum(map(len, found.values())) > count  # (the board does have pairs)


def test_meaning_vectors_scale_the_shipped_bytes_as_float32_rows_did() -> None:
    """The model keeps its rows as shipped (a byte a number, a scale a word); a title's
    vector is the same as from rows scaled up front."""
    from importlib import resources

    from planboard.core.similar import meaning_model

    model = meaning_model()
    with (resources.files("planboard.core") / "data" / "meaning-en.npz").open("rb") as data:
        loaded = np.load(data)
        rows = loaded["vectors"].astype(np.float32) * loaded["scale"][:, None]
    titles = ["Customer churn by region", "Warehouse picking errors per shift", "CAC"]
    for title, vector in zip(titles, model.embed(titles), strict=True):
        picked = [model.index[w] for w in model.words.plain(title) if w in model.index]
        expected = rows[picked].sum(0)
        expected /= np.linalg.norm(expected)
        assert np.array_equal(vector, expected.astype(np.float32))
