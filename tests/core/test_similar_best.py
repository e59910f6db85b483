"""Each entry's best pairs kept as the pairs are scored (`Best`): the same rows, in the
same order, as ranking every pair at the end, however the pairs come in."""

from __future__ import annotations

import random

import pytest

from planboard.core.similar import best as best_module
from planboard.core.similar.best import Best

np = pytest.importorskip("numpy")

KEEP = 4


def _scored(seed: int, count: int) -> list[tuple[int, int, int]]:
    """Pairs (lower position first) and scores in millionths: few values, so ties are
    common; some pairs come twice (by a word and by meaning), with the same score."""
    rng = random.Random(seed)
    scores: dict[tuple[int, int], int] = {}
    for _ in range(3000):
        a, b = sorted(rng.sample(range(count), 2))
        scores[(a, b)] = rng.choice((440_000, 500_000, 500_001, 610_000, 1_000_000))
    found = list(scores.items())
    found += rng.sample(found, 600)
    rng.shuffle(found)
    return [(a, b, value) for (a, b), value in found]


def _plain(scored: list[tuple[int, int, int]]) -> tuple[list[tuple[int, int, int]], ...]:
    """The rule in plain Python: every pair both ways, each entry's KEEP best (best
    first, then by the other); and the pairs either entry keeps, both ways."""
    rows: dict[int, set[tuple[int, int]]] = {}
    for a, b, value in scored:
        rows.setdefault(a, set()).add((value, b))
        rows.setdefault(b, set()).add((value, a))
    kept = []
    for entry in sorted(rows):
        for value, other in sorted(rows[entry], key=lambda row: (-row[0], row[1]))[:KEEP]:
            kept.append((entry, other, value))
    either = {(a, b, v) for a, b, v in kept} | {(b, a, v) for a, b, v in kept}
    return kept, sorted(either, key=lambda row: (row[0], -row[2], row[1]))


def _fed(count: int, scored: list[tuple[int, int, int]], room: int, slice_size: int) -> Best:
    best = Best(np, count, KEEP, room=room)
    for at in range(0, len(scored), slice_size):
        part = np.asarray(scored[at : at + slice_size], dtype=np.int64).reshape(-1, 3)
        best.add(part[:, 0], part[:, 1], part[:, 2].astype(np.float64))
    return best


def _listed(arrays: tuple[object, object, object]) -> list[tuple[int, int, int]]:
    mine, other, micro = (part.tolist() for part in arrays)  # type: ignore[attr-defined]
    return list(zip(mine, other, micro, strict=True))


@pytest.mark.parametrize("packed", [True, False], ids=["one-number-rows", "record-rows"])
@pytest.mark.parametrize(("room", "slice_size"), [(1 << 20, 5000), (64, 37), (1, 1)])
def test_each_entry_keeps_its_best_as_ranking_every_pair_would(
    monkeypatch: pytest.MonkeyPatch, packed: bool, room: int, slice_size: int
) -> None:
    """Ranked once at the end (room for all), every few slices, or after every pair:
    the same rows; a pair that came twice counts once; and rows as one number (under
    2^21 entries) or as records (from there) give the very same."""
    if not packed:
        monkeypatch.setattr(best_module, "PACKED_BELOW", 0)
    scored = _scored(room + slice_size, 300)
    kept, either = _plain(scored)
    best = _fed(300, scored, room, slice_size)
    assert _listed(best.rows()) == kept
    assert _listed(best.rows(best.either_way())) == either
    assert len(either) > len(kept)  # some pairs are kept by one of their entries only
    assert len(kept) < 2 * len(set(scored))  # the limit per entry did leave rows out


def test_another_best_joins_as_if_its_pairs_had_come_here() -> None:
    """A `Best` fed half the pairs (in another process, `Beside`) joins one fed the
    other half: what each kept, ranked together, is what one fed all of them keeps."""
    scored = _scored(9, 200)
    here = _fed(200, scored[: len(scored) // 2], 50, 23)
    there = _fed(200, scored[len(scored) // 2 :], 50, 23)
    here.absorb(there.kept())
    assert _listed(here.rows()) == _plain(scored)[0]


def test_scores_are_held_between_nought_and_one() -> None:
    """A score just past 1 (rounding) or below 0 is held at the bound, not wrapped
    into another row's place."""
    best = Best(np, 10, KEEP)
    best.add(np.asarray([1, 1, 2]), np.asarray([2, 3, 3]), np.asarray([1_000_001.0, -5.0, 0.5e6]))
    assert _listed(best.rows()) == [
        (1, 2, 1_000_000),
        (1, 3, 0),
        (2, 1, 1_000_000),
        (2, 3, 500_000),
        (3, 2, 500_000),
        (3, 1, 0),
    ]


def test_nothing_added_keeps_nothing() -> None:
    best = Best(np, 10, KEEP)
    best.add(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
    assert [len(part) for part in best.rows()] == [0, 0, 0]
    assert len(best.either_way()) == 0


@pytest.mark.parametrize("packed", [True, False], ids=["one-number-rows", "record-rows"])
def test_where_each_entrys_rows_start(monkeypatch: pytest.MonkeyPatch, packed: bool) -> None:
    """`starts` finds each entry's first row across the blocks it reads a part at a time
    (`_BLOCK`), then the end; none for no rows."""
    if not packed:
        monkeypatch.setattr(best_module, "PACKED_BELOW", 0)
    monkeypatch.setattr(best_module, "_BLOCK", 7)
    scored = _scored(4, 300)
    best = _fed(300, scored, 64, 37)
    rows = best.either_way()
    mine = best.rows(rows)[0].tolist()
    expected = [n for n in range(len(mine)) if n == 0 or mine[n] != mine[n - 1]]
    assert best.starts(rows) == [*expected, len(mine)]
    assert best.starts(rows[:0]) == [0]


@pytest.mark.parametrize("pairs", [1, 2, 7, 8, 11, 12, 13])
def test_a_few_pairs_are_kept_as_they_are(pairs: int) -> None:
    """Fewer rows than an entry keeps (here 12), just as many, or one more: all kept,
    or all but the worst, in order (each other entry keeps its one pair)."""
    best = Best(np, 20, 12, room=1)
    for n in range(pairs):
        best.add(np.asarray([0]), np.asarray([n + 1]), np.asarray([500_000.0 + n]))
    kept = [(0, pairs - n, 500_000 + pairs - 1 - n) for n in range(min(pairs, 12))]
    turned = [(n + 1, 0, 500_000 + n) for n in range(pairs)]
    assert _listed(best.rows()) == kept + turned
