"""Matching a quarter: each entry's overlap with the others, the groups asking for the
same thing (average linkage), and why two entries match."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .meaning import title_hash
from .pairs import Entry, Similarity, by_entry

MAX_GROUP = 12  # a suggested block bigger than this is not a suggestion any more


Overlap = Mapping[Any, list[tuple[Any, float]]]  # entry key -> (other key, score)
Reasons = dict[frozenset[Hashable], str]


@dataclass
class Matches:
    """Everything one pass of the matcher finds over a quarter's items."""

    overlap: Overlap
    groups: list[list[Entry]]
    new_vectors: list[tuple[Hashable, str, bytes]]  # (key, hash, vector) to store
    note: str  # what the pass could not do (no numpy, not English), or ""
    similarity: Similarity | None = None
    # Worked out ahead when the pass ran in another process (its tables stayed there):
    # for each entry, why it matches each of its neighbours, in `overlap`'s order.
    reasons: Mapping[Hashable, list[str]] | None = None

    def why(self, first: Hashable, second: Hashable) -> str:
        """Why two entries match ("churn ≈ leave; customer"), worked out when asked:
        a big board has far more pairs than anyone looks at."""
        if self.reasons is not None:
            said = self.reasons.get(first, ())
            for n, (other, _) in enumerate(self.overlap.get(first, ())):
                if other == second:
                    return said[n] if n < len(said) else ""
            return ""
        if self.similarity is None:
            return ""
        position = self.similarity.position
        if first not in position or second not in position:
            return ""
        return self.similarity.explain(position[first], position[second])


def compared(
    entries: Sequence[Entry],
    stored: dict[Hashable, tuple[str, bytes]] | None = None,
    *,
    lang: str | None = None,
    meaning: bool | None = None,
) -> Similarity:
    """The matcher's tables for the entries, reusing the stored meaning vectors whose
    title has not changed since (`stored`: key to (hash, vector))."""
    texts = {e.key: e.text for e in entries}
    usable = {
        key: blob
        for key, (digest, blob) in (stored or {}).items()
        if key in texts and digest == title_hash(texts[key])
    }
    return Similarity(entries, lang=lang, meaning=meaning, vectors=usable)


def match(
    entries: Sequence[Entry],
    threshold: float | None = None,
    *,
    stored: dict[Hashable, tuple[str, bytes]] | None = None,
    rejected: set[frozenset[Hashable]] | None = None,
    with_groups: bool = True,
    lang: str | None = None,
    meaning: bool | None = None,
) -> Matches:
    """Compare the entries once: overlap, groups, why (on demand), and the meaning vectors that
    were not stored yet (or whose title changed). `stored`: key to (hash, vector)."""
    similarity = compared(entries, stored, lang=lang, meaning=meaning)
    if with_groups:
        scored = similarity.pairs(threshold, rejected=rejected)
        limit = similarity.threshold if threshold is None else threshold
        found, clusters = by_entry(similarity, scored), _groups(similarity, scored, limit, 2)
    else:
        # (Each entry's neighbours straight from the scored arrays: no dict of pairs.)
        found, clusters = similarity.neighbours(threshold, rejected=rejected), []
    return Matches(
        overlap=found,
        similarity=similarity,
        groups=clusters,
        new_vectors=similarity.new_vectors,
        note=similarity.meaning_note,
    )


def overlap(
    entries: Sequence[Entry],
    threshold: float | None = None,
    *,
    rejected: set[frozenset[Hashable]] | None = None,
    **options: Any,
) -> Overlap:
    """For each entry, the entries on other lists that ask for much the same thing,
    best first."""
    similarity = Similarity(entries, **options)
    return by_entry(similarity, similarity.pairs(threshold, rejected=rejected))


def analyse(
    entries: Sequence[Entry],
    threshold: float | None = None,
    *,
    rejected: set[frozenset[Hashable]] | None = None,
    **options: Any,
) -> tuple[Overlap, list[list[Entry]]]:
    """Overlap and groups together, comparing the items once."""
    similarity = Similarity(entries, **options)
    scored = similarity.pairs(threshold, rejected=rejected)
    limit = similarity.threshold if threshold is None else threshold
    return by_entry(similarity, scored), _groups(similarity, scored, limit, 2)


def reasons(similarity: Similarity, scored: dict[tuple[int, int], float]) -> Reasons:
    """Why each scored pair matches, keyed by the two entries' keys."""
    return {
        frozenset((similarity.entries[a].key, similarity.entries[b].key)): similarity.explain(a, b)
        for (a, b) in scored
    }


def groups(
    entries: Sequence[Entry],
    threshold: float | None = None,
    *,
    min_owners: int = 2,
    rejected: set[frozenset[Hashable]] | None = None,
    **options: Any,
) -> list[list[Entry]]:
    """Clusters of entries asking for the same thing, from at least `min_owners` lists.

    Average linkage: two clusters join when their members are similar on average, so a
    single borderline pair does not glue two different needs together.
    """
    similarity = Similarity(entries, **options)
    limit = similarity.threshold if threshold is None else threshold
    return _groups(similarity, similarity.pairs(limit, rejected=rejected), limit, min_owners)


def _groups(
    similarity: Similarity,
    scored: dict[tuple[int, int], float],
    threshold: float,
    min_owners: int,
) -> list[list[Entry]]:
    entries = similarity.entries
    cluster_of = list(range(len(entries)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(entries))}

    def mean_link(x: int, y: int) -> float:
        total = 0.0
        for a in members[x]:
            for b in members[y]:
                total += scored.get((min(a, b), max(a, b)), 0.0)
        return total / (len(members[x]) * len(members[y]))

    for (a, b), value in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0])):
        x, y = cluster_of[a], cluster_of[b]
        if x == y or len(members[x]) + len(members[y]) > MAX_GROUP:
            continue
        # (Two items on their own: their mean link is this pair's score.)
        alone = len(members[x]) == len(members[y]) == 1
        if (value if alone else mean_link(x, y)) < threshold * 0.75:
            continue
        if len(members[x]) < len(members[y]):
            x, y = y, x
        for moved in members.pop(y):
            cluster_of[moved] = x
            members[x].append(moved)
    result = []
    for positions in members.values():
        owners = {entries[p].owner for p in positions}
        if len(positions) >= 2 and len(owners) >= min_owners:
            result.append(sorted((entries[p] for p in positions), key=lambda e: str(e.key)))
    result.sort(key=lambda group: (-len(group), str(group[0].text)))
    return result


def pair_set(clusters: Iterable[Iterable[Hashable]]) -> set[frozenset[Hashable]]:
    """Every unordered pair of keys within the same cluster."""
    found: set[frozenset[Hashable]] = set()
    for cluster in clusters:
        keys = list(cluster)
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                found.add(frozenset((a, b)))
    return found
