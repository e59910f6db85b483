"""The matcher without numpy (words alone): candidates from an inverted index, scored
one by one; and scored pairs as each entry's neighbours."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Hashable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .pairs import CANDIDATES, MEANING_FLOOR, RARE_WORDS, WORD_SHARE

if TYPE_CHECKING:
    from .pairs import Similarity

TWINS_LOOKED_AT = 200  # items with the same words looked at after each, for candidates


def best_one_by_one(
    similarity: Similarity,
    threshold: float,
    across_owners: bool,
    rejected: set[frozenset[Hashable]],
) -> dict[int, list[tuple[float, int]]]:
    """The same without numpy (words only): candidates from an inverted index."""
    count = len(similarity.entries)
    candidates: set[tuple[int, int]] = set()
    # Big boards: fewer, rarer words make candidates (the meaning vectors find the
    # rest), so the work grows with the items, not with their square.
    rare_words = RARE_WORDS if count <= 5000 else 2
    keep = CANDIDATES if count <= 5000 else 12
    # Items with the very same words, grouped: candidates whatever else shares them
    # (by their rarest words alone they tied with every item that has those words and
    # more, the first items won, and twins on two lists went unpaired).
    same_words: dict[frozenset[str], list[int]] = defaultdict(list)
    for a in range(count):
        vector = similarity.vector(a)
        if vector:
            same_words[frozenset(vector)].append(a)
        # Candidates share the item's rarest words (what makes it specific; ties
        # broken by the word itself); only those sharing the most are scored.
        rare = sorted(vector, key=lambda t: (-vector[t], t))[:rare_words]
        shared: dict[int, float] = defaultdict(float)
        for token in rare:
            weight = vector[token]
            for b in similarity.index.get(token, ()):
                shared[b] += weight
        shared.pop(a, None)
        for b in heapq.nlargest(keep, shared, key=lambda b: (shared[b], -b)):
            candidates.add((a, b) if a < b else (b, a))
    entries = similarity.entries
    for group in same_words.values():
        candidates.update(_twins(group, entries, across_owners, keep))
    if similarity.meaning is not None:
        near_firsts, near_seconds = similarity._meaning_candidates()
        for a, b in zip(near_firsts.tolist(), near_seconds.tolist(), strict=True):
            candidates.add((a, b) if a < b else (b, a))
    ordered = [
        (a, b)
        for a, b in sorted(candidates)
        if not (across_owners and entries[a].owner == entries[b].owner)
        and not (rejected and frozenset((entries[a].key, entries[b].key)) in rejected)
    ]
    meanings = similarity._meaning_scores(ordered)
    # Below the meaning floor a pair scores its words alone, times WORD_SHARE: when
    # that can't reach the threshold, its words need not be compared.
    words_alone_can = meanings is None or threshold <= WORD_SHARE
    best: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for n, (a, b) in enumerate(ordered):
        meaning = None if meanings is None else float(meanings[n])
        if meaning is not None and meaning <= MEANING_FLOOR and not words_alone_can:
            continue
        value = similarity.combine(similarity.word_score(a, b), meaning)
        if value >= threshold:
            best[a].append((value, b))
            best[b].append((value, a))
    return best


def _twins(
    group: list[int], entries: Sequence[Any], across_owners: bool, keep: int
) -> Iterator[tuple[int, int]]:
    """Pairs of items with the very same words (`group`, positions in order): each
    with the next `keep` of them on other lists (or any, without `across_owners`)."""
    for at, a in enumerate(group):
        taken = 0
        for b in group[at + 1 : at + 1 + TWINS_LOOKED_AT]:
            if not (across_owners and entries[a].owner == entries[b].owner):
                yield a, b
                taken += 1
                if taken == keep:
                    break


def by_entry(
    similarity: Similarity, scored: dict[tuple[int, int], float]
) -> dict[Any, list[tuple[Any, float]]]:
    """Scored pairs as each entry's key to the others' keys and scores, best first,
    then in the entries' order."""
    result: dict[Any, list[tuple[Any, float]]] = {}
    for (a, b), value in scored.items():
        first, second = similarity.entries[a], similarity.entries[b]
        result.setdefault(first.key, []).append((second.key, value))
        result.setdefault(second.key, []).append((first.key, value))
    for neighbours in result.values():
        neighbours.sort(key=lambda pair: (-pair[1], repr(pair[0])))
    return result
