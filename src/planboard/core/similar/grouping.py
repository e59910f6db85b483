"""Matching a quarter: each entry's overlap with the others, the groups asking for the
same thing (average linkage), and why two entries match."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .meaning import title_hash
from .pairs import Entry, Similarity
from .plain import by_entry

MAX_GROUP = 12  # a suggested block bigger than this is not a suggestion any more


Overlap = Mapping[Any, list[tuple[Any, float]]]  # entry key -> (other key, score)
Reasons = dict[frozenset[Hashable], str]


@dataclass
class Matches:
    """Everything one pass of the matcher finds over a quarter's items."""

    overlap: Overlap
    groups: list[list[Entry]]
    new_vectors: Sequence[tuple[Hashable, str, bytes]]  # (key, hash, vector) to store
    note: str  # what the pass could not do (no numpy, not English), or ""
    similarity: Similarity | None = None
    # Worked out ahead when the pass ran in another process (its tables stayed there):
    # for each entry, why it matches each of its neighbours, in `overlap`'s order.
    reasons: Mapping[Hashable, list[str]] | None = None
    # Or, when the pass ran in another process, why two entries match worked out here
    # when asked (`why_of`: a pair's reason needs its two titles and vectors alone).
    explain: Callable[[Hashable, Hashable], str] | None = None

    def paired(self, first: Hashable, second: Hashable) -> bool:
        """Whether two entries are among each other's neighbours (for a pass with
        groups, read from its pairs, without making every entry's list)."""
        if isinstance(self.overlap, _Neighbours):
            return self.overlap.paired(first, second)
        return any(other == second for other, _ in self.overlap.get(first, ()))

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
            return self.explain(first, second) if self.explain is not None else ""
        position = self.similarity.position
        if first not in position or second not in position:
            return ""
        return self.similarity.explain(position[first], position[second])


class _Neighbours(Mapping[Any, list[tuple[Any, float]]]):
    """Each entry's neighbours (`by_entry` of the scored pairs), made when first read:
    `planboard similar` only asks whether two entries pair (half a second at 50,000
    items)."""

    def __init__(self, similarity: Similarity, scored: dict[tuple[int, int], float]) -> None:
        self._similarity, self._scored = similarity, scored
        self._made: dict[Any, list[tuple[Any, float]]] | None = None

    def paired(self, first: Hashable, second: Hashable) -> bool:
        position = self._similarity.position
        if first not in position or second not in position:
            return False
        a, b = position[first], position[second]
        return (min(a, b), max(a, b)) in self._scored

    def _found(self) -> dict[Any, list[tuple[Any, float]]]:
        if self._made is None:
            self._made = by_entry(self._similarity, self._scored)
        return self._made

    def __getitem__(self, key: Any) -> list[tuple[Any, float]]:
        return self._found()[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._found())

    def __len__(self) -> int:
        return len(self._found())


def compared(
    entries: Sequence[Entry],
    stored: Mapping[Hashable, tuple[str, bytes]] | None = None,
    *,
    lang: str | None = None,
    meaning: bool | None = None,
    beside: bool = False,
    stop: Callable[[], bool] | None = None,
) -> Similarity:
    """The matcher's tables for the entries, reusing the stored meaning vectors whose
    title has not changed since (`stored`: key to (hash, vector)); `beside` as
    `Similarity`'s."""
    texts = {e.key: e.text for e in entries}
    usable = {
        key: blob
        for key, (digest, blob) in (stored or {}).items()
        if key in texts and digest == title_hash(texts[key])
    }
    return Similarity(entries, lang=lang, meaning=meaning, vectors=usable, beside=beside, stop=stop)


def match(
    entries: Sequence[Entry],
    threshold: float | None = None,
    *,
    stored: Mapping[Hashable, tuple[str, bytes]] | None = None,
    rejected: set[frozenset[Hashable]] | None = None,
    with_groups: bool = True,
    lang: str | None = None,
    meaning: bool | None = None,
    beside: bool = False,
    stop: Callable[[], bool] | None = None,
) -> Matches:
    """Compare the entries once: overlap, groups, why (on demand), and the meaning vectors that
    were not stored yet (or whose title changed). `stored`: key to (hash, vector)."""
    similarity = compared(entries, stored, lang=lang, meaning=meaning, beside=beside, stop=stop)
    found: Overlap
    if with_groups:
        scored = similarity.pairs(threshold, rejected=rejected)
        limit = similarity.threshold if threshold is None else threshold
        found = _Neighbours(similarity, scored)
        clusters = _groups(similarity, scored, limit, 2, rejected)
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


def why_of(
    first: Entry, second: Entry, stored: Mapping[Hashable, tuple[str, bytes]], lang: str
) -> str:
    """Why two entries match, as a pass over any entries that holds them says: its
    reason depends on their two titles, their meaning vectors (`stored`, key to (hash,
    vector); a title whose vector is not there is embedded) and the pass's language
    alone."""
    similarity = compared([first, second], stored, lang=lang)
    position = similarity.position
    return similarity.explain(position[first.key], position[second.key])


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
    return by_entry(similarity, scored), _groups(similarity, scored, limit, 2, rejected)


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
    scored = similarity.pairs(limit, rejected=rejected)
    return _groups(similarity, scored, limit, min_owners, rejected)


def _groups(
    similarity: Similarity,
    scored: dict[tuple[int, int], float],
    threshold: float,
    min_owners: int,
    rejected: set[frozenset[Hashable]] | None = None,
) -> list[list[Entry]]:
    """Average linkage over the scored pairs; two clusters holding the two items of a
    rejected pair never join (a third item alike to both linked them)."""
    entries = similarity.entries
    count = len(entries)
    apart = _apart(similarity, rejected)
    # Pairs as codes (lower * count + higher), the best first, then in order: an int
    # is looked up faster than a tuple built for each lookup.
    codes, values = _ranked(scored, count)
    link = dict(zip(codes, values, strict=True)).get
    cluster_of = list(range(count))
    members: dict[int, list[int]] = {i: [i] for i in range(count)}
    floor = threshold * 0.75
    for code, value in zip(codes, values, strict=True):
        x, y = cluster_of[code // count], cluster_of[code % count]
        if x == y:
            continue
        mx, my = members[x], members[y]
        if len(mx) + len(my) > MAX_GROUP or (apart and _kept_apart(mx, my, apart)):
            continue
        if len(mx) == len(my) == 1:  # (two items on their own: this pair's score)
            mean = value
        else:  # (average linkage: the mean score of every pair across the two)
            total = 0.0
            for a in mx:
                for b in my:
                    total += link(a * count + b if a < b else b * count + a, 0.0)
            mean = total / (len(mx) * len(my))
        if mean < floor:
            continue
        if len(mx) < len(my):
            x, y, mx, my = y, x, my, mx
        for moved in members.pop(y):
            cluster_of[moved] = x
        mx.extend(my)
    result = []
    for positions in members.values():
        owners = {entries[p].owner for p in positions}
        if len(positions) >= 2 and len(owners) >= min_owners:
            result.append(sorted((entries[p] for p in positions), key=lambda e: str(e.key)))
    result.sort(key=lambda group: (-len(group), str(group[0].text)))
    return result


def _apart(
    similarity: Similarity, rejected: set[frozenset[Hashable]] | None
) -> dict[int, set[int]]:
    """Each position of a rejected pair's item, to the positions it is rejected with."""
    apart: dict[int, set[int]] = {}
    position = similarity.position if rejected else {}
    for pair in rejected or ():
        ends = [position[key] for key in pair if key in position]
        if len(ends) == 2:
            apart.setdefault(ends[0], set()).add(ends[1])
            apart.setdefault(ends[1], set()).add(ends[0])
    return apart


def _kept_apart(mx: list[int], my: list[int], apart: dict[int, set[int]]) -> bool:
    """Whether the two clusters hold the two items of a rejected pair."""
    return any(not apart[a].isdisjoint(my) for a in mx if a in apart)


def _ranked(scored: dict[tuple[int, int], float], count: int) -> tuple[list[int], list[float]]:
    """The pairs as codes and their scores, the best first, ties in the pairs' order
    (with numpy, one array sort rather than a Python key per pair)."""
    try:
        import numpy as np
    except ImportError:
        ordered = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
        return [a * count + b for (a, b), _ in ordered], [value for _, value in ordered]
    codes = np.fromiter((a * count + b for a, b in scored), dtype=np.int64, count=len(scored))
    values = np.fromiter(scored.values(), dtype=np.float64, count=len(scored))
    order = np.lexsort((codes, -values))
    return codes[order].tolist(), values[order].tolist()


def pair_set(clusters: Iterable[Iterable[Hashable]]) -> set[frozenset[Hashable]]:
    """Every unordered pair of keys within the same cluster."""
    found: set[frozenset[Hashable]] = set()
    for cluster in clusters:
        keys = list(cluster)
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                found.add(frozenset((a, b)))
    return found
