"""Which items ask for much the same thing: offline, no model, no download.

Titles are reduced to their meaningful words, stemmed, and mapped onto a small lexicon of
how business people name the same thing differently ("deals" and "pipeline", "accounts"
and "customers", "leave" and "churn"). Two items are compared by the cosine of their
TF-IDF word vectors (words shared by many items count for little), and candidates come
from an inverted index, so a quarter of 2,000 items takes a fraction of a second.

`pairs()` gives the scored pairs; `groups()` clusters items so that every member is, on
average, similar to the rest (average linkage), which keeps one loose pair from chaining
unrelated requests together.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

THRESHOLD = 0.42  # cosine above which two requests count as the same need
NEIGHBOURS = 12  # at most this many similar items are kept per item
RARE_WORDS = 3  # an item's candidates share one of its this-many rarest words
CANDIDATES = 60  # and only the ones sharing most of them are scored
TYPICAL_SIZE = 50  # boards smaller than this are weighed as if this big
MAX_GROUP = 12  # a suggested block bigger than this is not a suggestion any more

_STOPWORDS = frozenset(
    (
        "a an the of for by per in on to and or with vs versus each every my our their we us "
        "who which what when that how often do does did still are is be been about from one "
        "place list see show view report reports dashboard dashboards table tables snapshot "
        "number all new get can t but into after before up within at as this these those it "
        "its via want need like would could should please also more most just so than then "
        "there here them they your you i me cannot dont not no"
    ).split()
)

# Different words for one need. Each line: the canonical word, then its variants.
_LEXICON = """
customer customers buyer buyers client clients account accounts
pipeline pipelines deal deals opportunity opportunities
region regions regional territory territories area areas
late overdue delayed delay delays ontime on-time punctual
delivery deliveries shipment shipments shipping ship shipped
churn churned churning leave leaving attrition lose losing lost cancel cancellation
search searches searching query queries find lookup
contact contacts call calls
support service
reason reasons why
forecast forecasts forecasting predict predicted prediction predictions projection
ticket tickets case cases
staffing staff shift shifts roster
margin margins profit profitability
order orders purchase purchases
supplier suppliers vendor vendors seller sellers
week weekly monday mondays
month monthly
conversion conversions convert converting funnel
pay pays paid payment payments paying
invoice invoices bill bills billing
booking bookings
rep reps salesperson representative representatives
newsletter newsletters email emails mail
engagement engage
click clicks clicked
reorder reorders reordering re-order
return returns returned refund refunds
use usage used using
result results
acquisition acquire acquired acquiring
category categories
revenue revenues
spend spending spent
cost costs expense expenses
country countries
score scores scoring
rate rates ratio
"""

_CANON: dict[str, str] = {}
for _line in _LEXICON.strip().splitlines():
    _words = _line.split()
    for _word in _words:
        _CANON[_word] = _words[0]

_WORD = re.compile(r"[a-z0-9]+")


_SUFFIXES = (
    ("ies", "y"),
    ("sses", "ss"),
    ("shes", "sh"),
    ("ches", "ch"),
    ("xes", "x"),
    ("ing", ""),
    ("ed", ""),
    ("s", ""),
)


def _stem(word: str) -> str:
    if word in _CANON:
        return _CANON[word]
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            stem = word[: len(word) - len(suffix)] + replacement
            return _CANON.get(stem, stem)
    return word


def words(title: str) -> list[str]:
    """The meaningful, normalised words of a title."""
    text = title.lower().replace("can't", "cannot").replace("'", "")
    return [_stem(w) for w in _WORD.findall(text) if w not in _STOPWORDS and len(w) > 1]


@dataclass(frozen=True)
class Entry:
    """Something to compare: an id, its text, and whose list it is on."""

    key: Any  # any hashable id (the board uses item ids)
    text: str
    owner: Any = None  # whose list (any hashable; None for the team)


class Similarity:
    """TF-IDF vectors over a set of entries, and an index to find candidates fast."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        tokens = [set(words(e.text)) for e in self.entries]
        count = max(1, len(self.entries))
        df: dict[str, int] = defaultdict(int)
        for found in tokens:
            for token in found:
                df[token] += 1
        # A small board (the first lists imported) is weighed like one of a usual size,
        # so that a word used once among six items does not outweigh everything else.
        size = max(count, TYPICAL_SIZE)
        self.idf = {t: math.log(1 + size / n) for t, n in df.items()}
        self.vectors: list[dict[str, float]] = []
        for found in tokens:
            vector = {t: self.idf[t] for t in sorted(found)}
            norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            self.vectors.append({t: v / norm for t, v in vector.items()})
        # Words on many items say little and would make every item a candidate for every
        # other: they count in the score, not in the index.
        common = max(12, int(2 * math.sqrt(count)))
        self.index: dict[str, list[int]] = defaultdict(list)
        for position, found in enumerate(tokens):
            for token in sorted(found):
                if df[token] <= common:
                    self.index[token].append(position)

    def score(self, a: int, b: int) -> float:
        first, second = self.vectors[a], self.vectors[b]
        # In a fixed order, so the float sum is the same in every process.
        return round(sum(first[t] * second[t] for t in sorted(first.keys() & second.keys())), 9)

    def pairs(
        self, threshold: float = THRESHOLD, *, across_owners: bool = True
    ) -> dict[tuple[int, int], float]:
        """Scored pairs (positions, lower first) at or above the threshold. The result
        does not depend on the order of the entries (ties go by the entries' keys)."""
        count = len(self.entries)
        rank = [0] * count
        for place, position in enumerate(
            sorted(range(count), key=lambda p: repr(self.entries[p].key))
        ):
            rank[position] = place
        scores: dict[tuple[int, int], float] = {}
        best: dict[int, list[tuple[float, int, int]]] = defaultdict(list)
        for a, vector in enumerate(self.vectors):
            # Candidates share the item's rarest words (what makes it specific; ties
            # broken by the word itself); only those sharing the most are scored.
            rare = sorted(vector, key=lambda t: (-vector[t], t))[:RARE_WORDS]
            shared: dict[int, float] = defaultdict(float)
            for token in rare:
                weight = vector[token]
                for b in self.index.get(token, ()):
                    shared[b] += weight
            shared.pop(a, None)
            candidates = heapq.nlargest(CANDIDATES, shared, key=lambda b: (shared[b], -rank[b]))
            for b in candidates:
                key = (a, b) if a < b else (b, a)
                if key in scores:
                    continue
                if across_owners and self.entries[a].owner == self.entries[b].owner:
                    scores[key] = 0.0
                    continue
                value = scores[key] = self.score(a, b)
                if value >= threshold:
                    best[a].append((value, rank[b], b))
                    best[b].append((value, rank[a], a))
        found: dict[tuple[int, int], float] = {}
        for a in sorted(best, key=lambda p: rank[p]):
            scored = sorted(best[a], key=lambda entry: (-entry[0], entry[1]))
            for value, _, b in scored[:NEIGHBOURS]:
                found[(a, b) if a < b else (b, a)] = value
        return found


Overlap = dict[Any, list[tuple[Any, float]]]  # entry key -> (other key, score)


def overlap(entries: Sequence[Entry], threshold: float = THRESHOLD) -> Overlap:
    """For each entry, the entries on other lists that ask for much the same thing,
    best first."""
    similarity = Similarity(entries)
    return _overlap(similarity, similarity.pairs(threshold))


def analyse(
    entries: Sequence[Entry], threshold: float = THRESHOLD
) -> tuple[Overlap, list[list[Entry]]]:
    """Overlap and groups together, comparing the items once."""
    similarity = Similarity(entries)
    scored = similarity.pairs(threshold)
    return _overlap(similarity, scored), _groups(similarity, scored, threshold, 2)


def _overlap(similarity: Similarity, scored: dict[tuple[int, int], float]) -> Overlap:
    result: Overlap = {}
    for (a, b), value in scored.items():
        first, second = similarity.entries[a], similarity.entries[b]
        result.setdefault(first.key, []).append((second.key, value))
        result.setdefault(second.key, []).append((first.key, value))
    for neighbours in result.values():
        neighbours.sort(key=lambda pair: -pair[1])
    return result


def groups(
    entries: Sequence[Entry], threshold: float = THRESHOLD, *, min_owners: int = 2
) -> list[list[Entry]]:
    """Clusters of entries asking for the same thing, from at least `min_owners` lists.

    Average linkage: two clusters join when their members are similar on average, so a
    single borderline pair does not glue two different needs together.
    """
    similarity = Similarity(entries)
    return _groups(similarity, similarity.pairs(threshold), threshold, min_owners)


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

    def tie(pair: tuple[int, int]) -> tuple[str, str]:
        return tuple(sorted((repr(entries[pair[0]].key), repr(entries[pair[1]].key))))  # type: ignore[return-value]

    for (a, b), _value in sorted(scored.items(), key=lambda kv: (-kv[1], tie(kv[0]))):
        x, y = cluster_of[a], cluster_of[b]
        if x == y or len(members[x]) + len(members[y]) > MAX_GROUP:
            continue
        if mean_link(x, y) < threshold * 0.75:
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
