"""Pairs: the entries' word and meaning vectors, the candidates worth scoring, and the
scored pairs over the threshold."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any, NamedTuple

from .meaning import MeaningUnavailable, meaning_model, title_hash
from .words import Word, _words_for, detect_language

THRESHOLD = 0.44  # combined score above which two requests count as the same need
WORDS_THRESHOLD = 0.46  # the same, when words alone decide (no numpy, not English)
WORD_SHARE = 0.6  # the combined score: this share of the word score, the rest meaning
MEANING_FLOOR = 0.4  # meaning cosine below which the meaning score counts as nothing
MEANING_SPAN = 0.4  # meaning cosine of MEANING_FLOOR + this counts as a full 1.0
NEIGHBOURS = 12  # at most this many similar items are kept per item
MEANING_CANDIDATES = 16  # nearest vectors scored per item
RARE_WORDS = 3  # an item's candidates share one of its this-many rarest words
CANDIDATES = 60  # and only the ones sharing most of them are scored
SLICE = 25_000  # candidate pairs scored at a time (two slices of vectors: 25 MB)


class Entry(NamedTuple):
    """Something to compare: an id, its text, and whose list it is on. (A named tuple:
    a board makes tens of thousands for each pass, and sends them to another process.)"""

    key: Any  # any hashable id (the board uses item ids)
    text: str
    owner: Any = None  # whose list (any hashable; None for the team)


class Similarity:
    """Weighted word vectors and meaning vectors over a set of entries, and indexes to
    find candidates fast. The order of the entries does not matter."""

    def __init__(
        self,
        entries: Sequence[Entry],
        *,
        lang: str | None = None,
        meaning: bool | None = None,
        vectors: dict[Hashable, bytes] | None = None,
    ) -> None:
        self.entries = sorted(entries, key=lambda e: repr(e.key))
        self.position = {e.key: n for n, e in enumerate(self.entries)}
        self.lang = lang or detect_language(e.text for e in self.entries)
        self.analyser = _words_for(self.lang)
        self.tokens: list[dict[str, Word]] = []
        self.vectors: list[dict[str, float]] = []
        for entry in self.entries:
            found: dict[str, Word] = {}
            for word in self.analyser.words(entry.text):
                if word.key not in found or found[word.key].weight < word.weight:
                    found[word.key] = word
            self.tokens.append(found)
            norm = math.sqrt(sum(w.weight**2 for w in found.values())) or 1.0
            self.vectors.append({k: w.weight / norm for k, w in sorted(found.items())})
        count = len(self.entries)
        df: dict[str, int] = defaultdict(int)
        for found in self.tokens:
            for key in found:
                df[key] += 1
        # Words on very many items would make every item a candidate for every other:
        # they count in the score, not in the index.
        common = max(500, int(4 * math.sqrt(count)))
        self.index: dict[str, list[int]] = defaultdict(list)
        for position, found in enumerate(self.tokens):
            for key in sorted(found):
                if df[key] <= common:
                    self.index[key].append(position)
        self.meaning: Any = None
        self.meaning_note = ""
        self.new_vectors: list[tuple[Hashable, str, bytes]] = []
        if meaning is not False and self.lang == "en" and count:
            try:
                model = meaning_model()
            except MeaningUnavailable as error:
                self.meaning_note = str(error)
            else:
                self.meaning = self._meaning_matrix(model, vectors or {})
        elif self.lang != "en":
            self.meaning_note = "Matching by meaning covers English titles; words decide here."

    def _meaning_matrix(self, model: Any, stored: dict[Hashable, bytes]) -> Any:
        np = model.np
        matrix = np.zeros((len(self.entries), model.dims), dtype=np.float32)
        missing = []
        for position, entry in enumerate(self.entries):
            blob = stored.get(entry.key)
            if blob is not None and len(blob) == model.dims * 2:
                matrix[position] = np.frombuffer(blob, dtype=np.float16)
            else:
                missing.append(position)
        if missing:
            # Rounded as they are stored, so a pair scores the same before and after.
            fresh = model.embed([self.entries[p].text for p in missing]).astype(np.float16)
            matrix[missing] = fresh.astype(np.float32)
            for position, row in zip(missing, fresh, strict=True):
                entry = self.entries[position]
                self.new_vectors.append((entry.key, title_hash(entry.text), row.tobytes()))
        return matrix

    def word_score(self, a: int, b: int) -> float:
        first, second = self.vectors[a], self.vectors[b]
        # In a fixed order, so the float sum is the same in every process.
        return sum(first[t] * second[t] for t in sorted(first.keys() & second.keys()))

    def meaning_score(self, a: int, b: int) -> float:
        if self.meaning is None:
            return 0.0
        return float(self._meaning_scores([(a, b)])[0])

    def combine(self, word: float, meaning: float | None) -> float:
        if meaning is None:
            return round(word, 6)
        scaled = min(1.0, max(0.0, (meaning - MEANING_FLOOR) / MEANING_SPAN))
        return round(WORD_SHARE * word + (1 - WORD_SHARE) * scaled, 6)

    def score(self, a: int, b: int) -> float:
        meaning = self.meaning_score(a, b) if self.meaning is not None else None
        return self.combine(self.word_score(a, b), meaning)

    def explain(self, a: int, b: int) -> str:
        """Why two entries match: the words they share, and synonyms as `x ≈ y`."""
        first, second = self.tokens[a], self.tokens[b]
        shared = sorted(first.keys() & second.keys(), key=lambda k: (-first[k].weight, k))
        parts = []
        for key in shared[:4]:
            x, y = first[key].surface, second[key].surface
            if self.analyser.stem(x) == self.analyser.stem(y) or x == y:
                parts.append(x)
            else:
                parts.append(f"{x} ≈ {y}")
        if self.meaning is not None:
            meaning = float(self.meaning[a] @ self.meaning[b])
            if meaning >= MEANING_FLOOR + MEANING_SPAN / 2 or not parts:
                parts.insert(0, f"close in meaning ({meaning:.2f})")
        return "; ".join(parts) if parts else "similar wording"

    def _meaning_candidates(self) -> tuple[Any, Any]:
        """Pairs of entries whose meaning vectors are among each other's nearest, as
        two arrays of positions."""
        np = self.meaning_model_np
        matrix = self.meaning
        floor = MEANING_FLOOR + MEANING_SPAN * 0.2
        firsts: list[Any] = [np.zeros(0, dtype=np.int64)]
        seconds: list[Any] = [np.zeros(0, dtype=np.int64)]
        for members in _cells(matrix, np):
            if len(members) < 2:
                continue
            block = matrix[members]
            keep = min(MEANING_CANDIDATES, len(members) - 1)
            for start in range(0, len(members), 256):
                sims = block[start : start + 256] @ block.T
                rows = np.arange(sims.shape[0])
                sims[rows, start + rows] = -1.0
                # The `keep` largest of each row (selected in place, no negated copy).
                top = np.argpartition(sims, sims.shape[1] - keep, axis=1)[:, -keep:]
                good_rows, good_cols = np.nonzero(np.take_along_axis(sims, top, 1) >= floor)
                firsts.append(members[start + good_rows])
                seconds.append(members[top[good_rows, good_cols]])
        return np.concatenate(firsts), np.concatenate(seconds)

    @property
    def meaning_model_np(self) -> Any:
        import numpy as np

        return np

    @property
    def threshold(self) -> float:
        """The score from which two entries count as the same need (tuned on the tune
        part of the labelled requests, for words and meaning, and for words alone)."""
        return THRESHOLD if self.meaning is not None else WORDS_THRESHOLD

    def pairs(
        self,
        threshold: float | None = None,
        *,
        across_owners: bool = True,
        rejected: set[frozenset[Hashable]] | None = None,
    ) -> dict[tuple[int, int], float]:
        """Scored pairs (positions, lower first) at or above the threshold, without the
        pairs rejected as not the same (sets of two keys)."""
        threshold = self.threshold if threshold is None else threshold
        try:
            import numpy as np
        except ImportError:
            np = None  # type: ignore[assignment]
        if np is not None:
            return self._kept_in_bulk(np, threshold, across_owners, rejected or set())
        best = self._best_one_by_one(threshold, across_owners, rejected or set())
        found: dict[tuple[int, int], float] = {}
        for a in sorted(best):
            scored = sorted(best[a], key=lambda entry: (-entry[0], entry[1]))
            for value, b in scored[:NEIGHBOURS]:
                found[(a, b) if a < b else (b, a)] = value
        return found

    def _kept_in_bulk(
        self,
        np: Any,
        threshold: float,
        across_owners: bool,
        rejected: set[frozenset[Hashable]],
    ) -> dict[tuple[int, int], float]:
        """`pairs` with numpy: each item's NEIGHBOURS best pairs (best first, then by
        the other's position), items in order, picked by one sort of every pair both
        ways instead of a sort per item."""
        a_arr, b_arr, scores = self._best_in_bulk(np, threshold, across_owners, rejected)
        if not len(a_arr):
            return {}
        mine, other = np.concatenate((a_arr, b_arr)), np.concatenate((b_arr, a_arr))
        values = np.concatenate((scores, scores))
        order = np.lexsort((other, -values, mine))
        mine, other, values = mine[order], other[order], values[order]
        starts = np.flatnonzero(np.concatenate(([True], mine[1:] != mine[:-1])))
        rank = np.arange(len(mine)) - np.repeat(starts, np.diff(np.append(starts, len(mine))))
        kept = rank < NEIGHBOURS
        low = np.minimum(mine[kept], other[kept]).tolist()
        high = np.maximum(mine[kept], other[kept]).tolist()
        return dict(zip(zip(low, high, strict=True), values[kept].tolist(), strict=True))

    def _best_in_bulk(
        self,
        np: Any,
        threshold: float,
        across_owners: bool,
        rejected: set[frozenset[Hashable]],
    ) -> tuple[Any, Any, Any]:
        """The pairs over the threshold as arrays (first, second, score): candidates
        and scores worked out with numpy, a few array passes instead of a loop a pair."""
        none = np.zeros(0, dtype=np.int64)
        if len(self.entries) < 2:
            return none, none, np.zeros(0)
        a_arr, b_arr = self._bulk_candidates(np)
        if not len(a_arr):
            return none, none, np.zeros(0)
        a_arr, b_arr = self._bulk_keep(np, a_arr, b_arr, across_owners, rejected)
        if not len(a_arr):
            return none, none, np.zeros(0)
        scores = self._bulk_word_scores(np, a_arr, b_arr)
        if self.meaning is not None:
            meaning = np.concatenate(
                [
                    np.einsum(
                        "ij,ij->i",
                        self.meaning[a_arr[begin : begin + SLICE]],
                        self.meaning[b_arr[begin : begin + SLICE]],
                    )
                    for begin in range(0, len(a_arr), SLICE)
                ]
            )
            scaled = np.clip((meaning - MEANING_FLOOR) / MEANING_SPAN, 0.0, 1.0)
            scores = WORD_SHARE * scores + (1 - WORD_SHARE) * scaled
        scores = np.round(scores, 6)
        good = np.flatnonzero(scores >= threshold)
        return a_arr[good], b_arr[good], scores[good]

    def _bulk_candidates(self, np: Any) -> tuple[Any, Any]:
        """Candidate pairs (lower position first, each once): two items sharing a word
        that few items use (a word on very many items says little and would pair
        everything with everything), and the nearest meaning vectors."""
        count = len(self.entries)
        cap = 500 if count <= 5000 else 40
        firsts, seconds = _word_pairs(np, [p for p in self.index.values() if 1 < len(p) <= cap])
        firsts, seconds = [firsts], [seconds]
        if self.meaning is not None:
            near_firsts, near_seconds = self._meaning_candidates()
            firsts.append(near_firsts)
            seconds.append(near_seconds)
        a_arr, b_arr = np.concatenate(firsts), np.concatenate(seconds)
        del firsts, seconds
        if not len(a_arr):
            return a_arr, b_arr
        low, high = np.minimum(a_arr, b_arr), np.maximum(a_arr, b_arr)
        del a_arr, b_arr
        # Each pair once, by sorting their codes (numpy's own `unique` hashes, which
        # took forty times longer on two million pairs).
        codes = low * count + high
        codes = codes[low != high]
        del low, high
        codes.sort()
        if len(codes):
            codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
        return codes // count, codes % count

    def _bulk_keep(
        self,
        np: Any,
        a_arr: Any,
        b_arr: Any,
        across_owners: bool,
        rejected: set[frozenset[Hashable]],
    ) -> tuple[Any, Any]:
        """The candidate pairs left once pairs on one list (with `across_owners`) and
        pairs rejected as not the same are taken out."""
        count = len(self.entries)
        if across_owners:
            owner_ids: dict[Hashable, int] = {}
            owners = np.asarray(
                [owner_ids.setdefault(e.owner, len(owner_ids)) for e in self.entries]
            )
            keep = owners[a_arr] != owners[b_arr]
            a_arr, b_arr = a_arr[keep], b_arr[keep]
        if rejected:
            index_of = self.position
            refused = [
                min(index_of[x], index_of[y]) * count + max(index_of[x], index_of[y])
                for x, y in (tuple(pair) for pair in rejected if len(pair) == 2)
                if x in index_of and y in index_of
            ]
            keep = ~np.isin(a_arr * count + b_arr, np.asarray(refused, dtype=np.int64))
            a_arr, b_arr = a_arr[keep], b_arr[keep]
        return a_arr, b_arr

    def _bulk_word_scores(self, np: Any, a_arr: Any, b_arr: Any) -> Any:
        """The word cosines of the pairs: each of a's words looked up among b's, a slice
        of pairs at a time (so memory stays flat on big boards)."""
        count = len(self.entries)
        # Every item's words as (item, word id, weight), sorted: word ids follow the
        # words' spelling, so the sums run in the same order in every process.
        names = sorted({key for vector in self.vectors for key in vector})
        word_id = {name: n for n, name in enumerate(names)}
        size = len(names) + 1
        items, words_of, weights = [], [], []
        for position, vector in enumerate(self.vectors):
            for key in vector:
                items.append(position)
                words_of.append(word_id[key])
                weights.append(vector[key])
        item_arr = np.asarray(items, dtype=np.int64)
        word_arr = np.asarray(words_of, dtype=np.int64)
        weight_arr = np.asarray(weights, dtype=np.float64)
        codes = item_arr * size + word_arr
        order = np.argsort(codes, kind="stable")
        codes, item_arr, word_arr, weight_arr = (
            codes[order],
            item_arr[order],
            word_arr[order],
            weight_arr[order],
        )
        starts = np.searchsorted(item_arr, np.arange(count))
        lengths = np.bincount(item_arr, minlength=count)
        word_scores = np.zeros(len(a_arr), dtype=np.float64)
        for begin in range(0, len(a_arr), SLICE):
            a_part, b_part = a_arr[begin : begin + SLICE], b_arr[begin : begin + SLICE]
            repeat = lengths[a_part]
            pair_of = np.repeat(np.arange(len(a_part)), repeat)
            offsets = np.arange(len(pair_of)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
            at = np.repeat(starts[a_part], repeat) + offsets
            wanted = b_part[pair_of] * size + word_arr[at]
            hit = np.minimum(np.searchsorted(codes, wanted), len(codes) - 1)
            contributions = np.where(codes[hit] == wanted, weight_arr[at] * weight_arr[hit], 0.0)
            word_scores[begin : begin + len(a_part)] = np.bincount(
                pair_of, contributions, minlength=len(a_part)
            )
        return word_scores

    def _best_one_by_one(
        self, threshold: float, across_owners: bool, rejected: set[frozenset[Hashable]]
    ) -> dict[int, list[tuple[float, int]]]:
        """The same without numpy (words only): candidates from an inverted index."""
        count = len(self.entries)
        candidates: set[tuple[int, int]] = set()
        # Big boards: fewer, rarer words make candidates (the meaning vectors find the
        # rest), so the work grows with the items, not with their square.
        rare_words = RARE_WORDS if count <= 5000 else 2
        keep = CANDIDATES if count <= 5000 else 12
        for a in range(count):
            vector = self.vectors[a]
            # Candidates share the item's rarest words (what makes it specific; ties
            # broken by the word itself); only those sharing the most are scored.
            rare = sorted(vector, key=lambda t: (-vector[t], t))[:rare_words]
            shared: dict[int, float] = defaultdict(float)
            for token in rare:
                weight = vector[token]
                for b in self.index.get(token, ()):
                    shared[b] += weight
            shared.pop(a, None)
            for b in heapq.nlargest(keep, shared, key=lambda b: (shared[b], -b)):
                candidates.add((a, b) if a < b else (b, a))
        if self.meaning is not None:
            near_firsts, near_seconds = self._meaning_candidates()
            for a, b in zip(near_firsts.tolist(), near_seconds.tolist(), strict=True):
                candidates.add((a, b) if a < b else (b, a))
        entries = self.entries
        ordered = [
            (a, b)
            for a, b in sorted(candidates)
            if not (across_owners and entries[a].owner == entries[b].owner)
            and not (rejected and frozenset((entries[a].key, entries[b].key)) in rejected)
        ]
        meanings = self._meaning_scores(ordered)
        # Below the meaning floor a pair scores its words alone, times WORD_SHARE: when
        # that can't reach the threshold, its words need not be compared.
        words_alone_can = meanings is None or threshold <= WORD_SHARE
        best: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for n, (a, b) in enumerate(ordered):
            meaning = None if meanings is None else float(meanings[n])
            if meaning is not None and meaning <= MEANING_FLOOR and not words_alone_can:
                continue
            value = self.combine(self.word_score(a, b), meaning)
            if value >= threshold:
                best[a].append((value, b))
                best[b].append((value, a))
        return best

    def _meaning_scores(self, ordered: list[tuple[int, int]]) -> Any:
        """The meaning cosines of many pairs at once (None without meaning)."""
        if self.meaning is None:
            return None
        np = self.meaning_model_np
        result = np.zeros(len(ordered), dtype=np.float32)
        for start in range(0, len(ordered), 65536):
            chunk = np.array(ordered[start : start + 65536], dtype=np.int64).reshape(-1, 2)
            first, second = self.meaning[chunk[:, 0]], self.meaning[chunk[:, 1]]
            result[start : start + len(chunk)] = np.einsum("ij,ij->i", first, second)
        return result


def _cells(matrix: Any, np: Any) -> list[Any]:
    """Groups of rows to compare with each other (arrays of row numbers, ascending):
    all rows for a few thousand; beyond that, each row in the cells of its two nearest
    centroids (a few rounds of k-means from evenly spaced rows), so the work grows with
    N·√N, not N²."""
    count = len(matrix)
    if count <= 4000:
        return [np.arange(count, dtype=np.int64)]
    cells = int(math.sqrt(count) / 2)
    centroids = matrix[np.linspace(0, count - 1, cells).astype(int)].copy()
    for _ in range(3):
        nearest = np.argmax(matrix @ centroids.T, axis=1)
        for cell, members in enumerate(_split_by(np, nearest, cells)):
            if len(members):
                centre = matrix[members].mean(0)
                centroids[cell] = centre / (np.linalg.norm(centre) or 1.0)
    top = np.argpartition(-(matrix @ centroids.T), 1, axis=1)[:, :2]
    rows = np.repeat(np.arange(count, dtype=np.int64), 2)
    return [rows[at] for at in _split_by(np, top.ravel(), cells)]


def _split_by(np: Any, labels: Any, count: int) -> list[Any]:
    """For each label 0 … count-1, where it occurs in `labels`, in ascending order."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(count + 1))
    return [order[bounds[n] : bounds[n + 1]] for n in range(count)]


def _word_pairs(np: Any, postings: list[list[int]]) -> tuple[Any, Any]:
    """Every pair within each posting list (its items in ascending order): the lists
    of one length at a time, as one array, so millions of pairs take no Python loop."""
    by_length: dict[int, list[list[int]]] = defaultdict(list)
    for found in postings:
        by_length[len(found)].append(found)
    firsts = [np.zeros(0, dtype=np.int64)]
    seconds = [np.zeros(0, dtype=np.int64)]
    for length, lists in by_length.items():
        table = np.asarray(lists, dtype=np.int64)
        x, y = np.triu_indices(length, 1)
        firsts.append(table[:, x].ravel())
        seconds.append(table[:, y].ravel())
    return np.concatenate(firsts), np.concatenate(seconds)
