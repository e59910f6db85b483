"""The matcher without numpy (words alone) on a big board: items with the very same
words are always paired, however many other items share their rarest words."""

from __future__ import annotations

from planboard.core.similar import Entry
from planboard.core.similar.pairs import Similarity
from planboard.core.similar.plain import best_one_by_one


def test_twins_are_paired_whatever_shares_their_rarest_words() -> None:
    """Above 5,000 items an item's candidates share its two rarest words and only a
    dozen are kept, ties going to the first items: twin titles on two lists, behind a
    hundred items with those words and one more, were never paired (696 of 911 twins
    on a 6,000-item board)."""
    entries = [Entry(n, f"Fleet telemetry uptime {n:05d}x backlog", n % 7) for n in range(5200)]
    entries += [Entry(10_000 + n, "Fleet telemetry uptime backlog", n % 7) for n in range(120)]
    entries += [  # (after the others in the matcher's order)
        Entry(40_000, "Quarterly campaign ROI by order stage", 1),
        Entry(40_001, "Quarterly campaign ROI by order stage", 2),
    ]
    entries += [
        Entry(30_000 + n, f"Quarterly campaign ROI by order stage {n:04d}q", 3 + n % 4)
        for n in range(150)
    ]
    similarity = Similarity(entries, meaning=False)
    best = best_one_by_one(similarity, similarity.threshold, True, set())
    position = {entry.key: at for at, entry in enumerate(similarity.entries)}
    first, second = position[40_000], position[40_001]
    assert any(other == second for _, other in best.get(first, [])), best.get(first)
    # (and twins on one list are not paired across lists)
    assert not any(
        similarity.entries[other].owner == similarity.entries[first].owner
        for _, other in best.get(first, [])
    )
