"""Pairs: the entries' word and meaning vectors, the candidates worth scoring, and the
scored pairs over the threshold."""

from __future__ import annotations

import heapq
import math
from array import array
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any, NamedTuple

from .cells import (
    SLICE,
    Beside,
    Stopped,
    both_ways,
    can_fork,
    cells,
    entry_order,
    gathered,
    pair_codes,
    word_pair_slices,
)
from .meaning import MeaningUnavailable, meaning_model, rows_to_embed, title_hash
from .why import shared_words
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
BESIDE = 10_000  # from this many entries, `beside` is worth its processes (timed)


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
        beside: bool = False,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        """`beside`: on a big board, look for the nearest meaning vectors in a second
        process while the words are weighed (for a command with the machine to itself).
        `stop()` true ends the scoring between two slices (`Stopped`)."""
        self._stop = stop
        self.entries = sorted(entries, key=lambda e: repr(e.key))
        self.position = {e.key: n for n, e in enumerate(self.entries)}
        self.lang = lang or detect_language(e.text for e in self.entries)
        self.analyser = _words_for(self.lang)
        self.meaning: Any = None
        self._last_row: tuple[int, Any] = (-1, None)
        self.meaning_note = ""
        self.new_vectors: list[tuple[Hashable, str, bytes]] = []
        if meaning is not False and self.lang == "en" and self.entries:
            try:
                model = meaning_model()
            except MeaningUnavailable as error:
                self.meaning_note = str(error)
            else:
                self.meaning = self._meaning_matrix(model, vectors or {})
        elif self.lang != "en":
            self.meaning_note = "Matching by meaning covers English titles; words decide here."
        self._beside: Beside | None = None
        if beside and self.meaning is not None and len(self.entries) > BESIDE and can_fork():
            self._beside = Beside(self._nearest_codes)
        self._weigh_words()

    def _meaning_matrix(self, model: Any, stored: dict[Hashable, bytes]) -> Any:
        np = model.np
        # Kept as stored (float16, half the memory); rows are read as float32 (`rows`),
        # so every product is the same as on float32 rows of the same values.
        matrix = np.zeros((len(self.entries), model.dims), dtype=np.float16)
        filled = [False] * len(self.entries)
        for position, entry in enumerate(self.entries):
            blob = stored.get(entry.key)
            if blob is not None and len(blob) == model.dims * 2:
                matrix[position] = np.frombuffer(blob, dtype=np.float16)
                filled[position] = True
        missing = rows_to_embed(np, matrix, filled)
        if missing:
            # Rounded as they are stored, so a pair scores the same before and after.
            fresh = model.embed([self.entries[p].text for p in missing]).astype(np.float16)
            matrix[missing] = fresh
            for position, row in zip(missing, fresh, strict=True):
                entry = self.entries[position]
                self.new_vectors.append((entry.key, title_hash(entry.text), row.tobytes()))
        return matrix

    def _weigh_words(self) -> None:
        """Every entry's weighted words, as flat arrays (a few bytes a word, where a
        dict a title took hundreds: at 50,000 items, 20 MB less): `word_ids[starts[n]
        : starts[n + 1]]` are entry n's words (ids in the order of their spelling) and
        `weights` the same slice their weights, normalised, `surfaces` how the title
        wrote each (to explain a match); `names[id]` is the word."""
        ids: dict[str, int] = {}
        postings: list[list[int]] = []  # (for each word, where it is, in order)
        self.surfaces: list[str] = []
        starts, word_ids, weights = [0], [], []
        words_of, sqrt = self.analyser.words, math.sqrt
        for position, entry in enumerate(self.entries):
            found: dict[str, Word] = {}  # (each word's weightiest writing)
            for word in words_of(entry.text):
                held = found.get(word.key)
                if held is None or held.weight < word.weight:
                    found[word.key] = word
            norm = sqrt(sum(w.weight**2 for w in found.values())) or 1.0
            for key in sorted(found):
                word, at = found[key], ids.get(key)
                if at is None:
                    at = ids[key] = len(postings)
                    postings.append([])
                postings[at].append(position)
                word_ids.append(at)
                weights.append(word.weight / norm)
                self.surfaces.append(word.surface)
            starts.append(len(word_ids))
        # Ids in the order of the words' spelling (each entry's stay in order).
        self.names = sorted(ids)
        rank = [0] * len(ids)
        for n, name in enumerate(self.names):
            rank[ids[name]] = n
        self.starts, self.weights = array("q", starts), array("d", weights)
        self.word_ids = array("q", [rank[word] for word in word_ids])
        # Words on very many items would make every item a candidate for every other:
        # they count in the score, not in the index.
        common = max(500, int(4 * math.sqrt(len(self.entries))))
        self.index: dict[str, list[int]] = defaultdict(list)
        for name, at in ids.items():
            if len(postings[at]) <= common:
                self.index[name] = postings[at]

    def vector(self, position: int) -> dict[str, float]:
        """An entry's words and their normalised weights."""
        start, end = self.starts[position], self.starts[position + 1]
        return {
            self.names[w]: self.weights[n] for n, w in enumerate(self.word_ids[start:end], start)
        }

    def _row(self, position: int) -> Any:
        """One meaning vector as float32, the last one asked for kept (an item's
        reasons are worked out one after another)."""
        if self._last_row[0] != position:
            self._last_row = (position, self.rows(position))
        return self._last_row[1]

    def rows(self, at: Any) -> Any:
        """Meaning vectors (rows of positions, or one position) as float32."""
        return self.meaning[at].astype(self.meaning_model_np.float32)

    def word_score(self, a: int, b: int) -> float:
        ids, weights = self.word_ids, self.weights
        start, end = self.starts[b], self.starts[b + 1]
        second = dict(zip(ids[start:end], weights[start:end], strict=True))
        start, end = self.starts[a], self.starts[a + 1]
        # In a fixed order (the words' spelling), so the sum is the same in every process.
        return sum(
            weights[n] * second[word]
            for n, word in enumerate(ids[start:end], start)
            if word in second
        )

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
        parts = shared_words(self, a, b)[:4]
        if self.meaning is not None:
            meaning = float(self._row(a) @ self.meaning[b].astype(self._row(a).dtype))
            if meaning >= MEANING_FLOOR + MEANING_SPAN / 2 or not parts:
                parts.insert(0, f"close in meaning ({meaning:.2f})")
        return "; ".join(parts) if parts else "similar wording"

    def _meaning_candidates(self) -> tuple[Any, Any]:
        """Pairs of entries whose meaning vectors are among each other's nearest, as
        two arrays of positions."""
        np = self.meaning_model_np
        firsts: list[Any] = [np.zeros(0, dtype=np.int64)]
        seconds: list[Any] = [np.zeros(0, dtype=np.int64)]
        for first, second in self._meaning_chunks(self.rows(slice(None))):
            firsts.append(first)
            seconds.append(second)
        return np.concatenate(firsts), np.concatenate(seconds)

    def _meaning_chunks(self, full: Any) -> Iterator[tuple[Any, Any]]:
        """`_meaning_candidates`, a block of rows at a time (`full`: the vectors as
        float32)."""
        np = self.meaning_model_np
        floor = MEANING_FLOOR + MEANING_SPAN * 0.2
        for members in cells(full, np):
            if len(members) < 2:
                continue
            block = full[members]
            keep = min(MEANING_CANDIDATES, len(members) - 1)
            for start in range(0, len(members), 256):
                sims = block[start : start + 256] @ block.T
                rows = np.arange(sims.shape[0])
                sims[rows, start + rows] = -1.0
                # The `keep` largest of each row (selected in place, no negated copy).
                top = np.argpartition(sims, sims.shape[1] - keep, axis=1)[:, -keep:]
                good_rows, good_cols = np.nonzero(np.take_along_axis(sims, top, 1) >= floor)
                yield members[start + good_rows], members[top[good_rows, good_cols]]

    def _nearest_codes(self) -> Any:
        """The pairs `_meaning_chunks` finds, as codes (each once: two vectors among
        each other's nearest come twice)."""
        full = self.rows(slice(None))
        return pair_codes(self.meaning_model_np, self._meaning_chunks(full), len(full))

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

    def neighbours(
        self,
        threshold: float | None = None,
        *,
        rejected: set[frozenset[Hashable]] | None = None,
    ) -> dict[Any, list[tuple[Any, float]]]:
        """For each entry's key, the entries on other lists it pairs with (the pairs
        `pairs` finds) and the scores, best first, then in the entries' order; built
        from arrays, without `pairs`' dict of every pair (45 MB at 50,000 items)."""
        threshold = self.threshold if threshold is None else threshold
        try:
            import numpy  # noqa: F401
        except ImportError:
            return by_entry(self, self.pairs(threshold, rejected=rejected))
        mine, other, values = self.neighbour_arrays(threshold, rejected=rejected)
        keys = [entry.key for entry in self.entries]
        found: dict[Any, list[tuple[Any, float]]] = {}
        for start in range(0, len(mine), SLICE):  # (as Python objects a slice at a time)
            part = slice(start, start + SLICE)
            for at, near, value in zip(
                mine[part].tolist(), other[part].tolist(), values[part].tolist(), strict=True
            ):
                found.setdefault(keys[at], []).append((keys[near], value))
        return found

    def neighbour_arrays(
        self,
        threshold: float | None = None,
        *,
        rejected: set[frozenset[Hashable]] | None = None,
    ) -> tuple[Any, Any, Any]:
        """`neighbours` as three arrays (needs numpy): each entry's position, the
        position of an entry it pairs with, and their score; by entry, then best first,
        then in the entries' order."""
        import numpy as np

        threshold = self.threshold if threshold is None else threshold
        low, high, values = self._kept_arrays(np, threshold, True, rejected or set())
        codes, first = np.unique(low * len(self.entries) + high, return_index=True)
        low, high = codes // len(self.entries), codes % len(self.entries)
        mine, other = np.concatenate((low, high)), np.concatenate((high, low))
        values = np.concatenate((values[first], values[first]))
        order = entry_order(np, mine, values, other)
        return mine[order], other[order], values[order]

    def _kept_in_bulk(
        self,
        np: Any,
        threshold: float,
        across_owners: bool,
        rejected: set[frozenset[Hashable]],
    ) -> dict[tuple[int, int], float]:
        """`pairs` with numpy: each item's NEIGHBOURS best pairs (best first, then by
        the other's position), items in order."""
        low, high, values = self._kept_arrays(np, threshold, across_owners, rejected)
        return dict(
            zip(zip(low.tolist(), high.tolist(), strict=True), values.tolist(), strict=True)
        )

    def _kept_arrays(
        self,
        np: Any,
        threshold: float,
        across_owners: bool,
        rejected: set[frozenset[Hashable]],
    ) -> tuple[Any, Any, Any]:
        """Each item's NEIGHBOURS best pairs as arrays (lower position, higher, score;
        a pair kept by both its items comes twice), items in order, picked by one sort
        of every pair both ways instead of a sort per item."""
        a_arr, b_arr, scores = self._best_in_bulk(np, threshold, across_owners, rejected)
        if not len(a_arr):
            return a_arr, b_arr, scores
        # Every pair both ways, the positions as 32-bit whole numbers, each array
        # let go as soon as the next is made (at 50,000 items: 1.4 million pairs, and
        # the peak of the board's pass was here; 90 MB of arrays, now about 55).
        mine, other = both_ways(np, a_arr, b_arr), both_ways(np, b_arr, a_arr)
        values = np.concatenate((scores, scores))
        del a_arr, b_arr, scores
        order = entry_order(np, mine, values, other)
        mine = mine[order]
        other = other[order]
        values = values[order]
        del order
        starts = np.flatnonzero(np.concatenate(([True], mine[1:] != mine[:-1])))
        rank = np.arange(len(mine)) - np.repeat(starts, np.diff(np.append(starts, len(mine))))
        kept = rank < NEIGHBOURS
        del rank
        mine, other, values = mine[kept], other[kept], values[kept]
        low = np.minimum(mine, other).astype(np.int64)
        high = np.maximum(mine, other).astype(np.int64)
        return low, high, values

    def _best_in_bulk(
        self,
        np: Any,
        threshold: float,
        across_owners: bool,
        rejected: set[frozenset[Hashable]],
    ) -> tuple[Any, Any, Any]:
        """The pairs over the threshold as arrays (first, second, score; the lower
        position first, each pair once, in order). Candidates are made and scored a
        slice at a time, and only the pairs over the threshold are held: at 50,000
        items the candidates are two million pairs, over 100 MB when held at once."""
        none = np.zeros(0, dtype=np.int64)
        count = len(self.entries)
        if count < 2:
            return none, none, np.zeros(0)
        keep = self._keeping(np, across_owners, rejected)
        tables = self._word_tables(np)
        # The vectors as float32 while pairs are scored (reading float16 rows pair by
        # pair cost a second at 50,000 items); kept as float16 outside the pass.
        full = None if self.meaning is None else self.rows(slice(None))

        def over(slices: Iterator[tuple[Any, Any]]) -> tuple[Any, Any]:
            """The candidates kept and over the threshold, as codes and scores."""
            codes, values = [none], [np.zeros(0)]
            for firsts, seconds in slices:
                if self._stop is not None and self._stop():
                    raise Stopped
                low, high = keep(np.minimum(firsts, seconds), np.maximum(firsts, seconds))
                if len(low):
                    scores = np.round(self._bulk_scores(np, low, high, tables, full), 6)
                    good = np.flatnonzero(scores >= threshold)
                    codes.append(low[good] * count + high[good])
                    values.append(scores[good])
            return np.concatenate(codes), np.concatenate(values)

        if self._beside is not None and full is not None and can_fork():
            # The nearest pairs (from the second process) scored in another, beside
            # the pairs sharing a word scored here.
            nearest = self._beside.result()
            there = Beside(lambda: over(self._code_slices(nearest)))
            here = over(self._word_slices(np))
            code_arr, value_arr = (
                np.concatenate(both) for both in zip(here, there.result(), strict=True)
            )
        else:
            code_arr, value_arr = over(self._candidate_slices(np, full))
        # A pair found twice (by a word and by meaning, or in two cells) scored the
        # same both times: each once, by sorting their codes (numpy's own `unique`
        # hashes, which took forty times longer on two million pairs).
        order = np.argsort(code_arr, kind="stable")
        code_arr = code_arr[order]  # (one at a time: each old array goes as its new
        value_arr = value_arr[order]  # one comes)
        del order
        if len(code_arr):
            first = np.concatenate(([True], code_arr[1:] != code_arr[:-1]))
            code_arr, value_arr = code_arr[first], value_arr[first]
        return code_arr // count, code_arr % count, value_arr

    def _candidate_slices(self, np: Any, full: Any) -> Iterator[tuple[Any, Any]]:
        """Candidate pairs, about SLICE at a time (a pair may come more than once): two
        items sharing a word that few items use (a word on very many items says little
        and would pair everything with everything), and the nearest meaning vectors."""
        yield from self._word_slices(np)
        if full is not None and self._beside is not None:
            yield from self._code_slices(self._beside.result())
        elif full is not None:
            yield from gathered(np, self._meaning_chunks(full), SLICE)

    def _word_slices(self, np: Any) -> Iterator[tuple[Any, Any]]:
        cap = 500 if len(self.entries) <= 5000 else 40
        postings = [p for p in self.index.values() if 1 < len(p) <= cap]
        yield from word_pair_slices(np, postings, SLICE)

    def _code_slices(self, codes: Any) -> Iterator[tuple[Any, Any]]:
        count = len(self.entries)
        for at in range(0, len(codes), SLICE):
            yield codes[at : at + SLICE] // count, codes[at : at + SLICE] % count

    def _bulk_scores(self, np: Any, low: Any, high: Any, tables: Any, full: Any) -> Any:
        """The combined scores of pairs (words, and meaning with `full`: the vectors
        as float32)."""
        scores = self._bulk_word_scores(np, low, high, tables)
        if full is None:
            return scores
        meaning = np.concatenate(
            [  # (4,096 rows at a time: two float32 copies of 25,000 took 25 MB)
                np.einsum("ij,ij->i", full[low[at : at + 4096]], full[high[at : at + 4096]])
                for at in range(0, len(low), 4096)
            ]
        )
        scaled = np.clip((meaning - MEANING_FLOOR) / MEANING_SPAN, 0.0, 1.0)
        return WORD_SHARE * scores + (1 - WORD_SHARE) * scaled

    def _keeping(
        self, np: Any, across_owners: bool, rejected: set[frozenset[Hashable]]
    ) -> Callable[[Any, Any], tuple[Any, Any]]:
        """What keeps the candidate pairs (lower position first) that are worth
        scoring: not an item with itself, not two on one list (with `across_owners`),
        not a pair rejected as not the same."""
        count = len(self.entries)
        owners = None
        if across_owners:
            owner_ids: dict[Hashable, int] = {}
            owners = np.asarray(
                [owner_ids.setdefault(e.owner, len(owner_ids)) for e in self.entries]
            )
        index_of = self.position
        refused = np.asarray(
            sorted(
                min(index_of[x], index_of[y]) * count + max(index_of[x], index_of[y])
                for x, y in (tuple(pair) for pair in rejected if len(pair) == 2)
                if x in index_of and y in index_of
            ),
            dtype=np.int64,
        )

        def keep(low: Any, high: Any) -> tuple[Any, Any]:
            wanted = low != high
            if owners is not None:
                wanted &= owners[low] != owners[high]
            if len(refused):
                wanted &= ~np.isin(low * count + high, refused)
            return low[wanted], high[wanted]

        return keep

    def _word_tables(self, np: Any) -> tuple[Any, Any, Any, Any, Any, int]:
        """Every item's words as sorted arrays, to score pairs by: (item, word id)
        codes, word ids, weights, where each item starts, how many words it has, and
        the code's base. Word ids follow the words' spelling, so the sums run in the
        same order in every process."""
        count = len(self.entries)
        size = len(self.names) + 1
        starts = np.frombuffer(self.starts, dtype=np.int64)
        lengths = np.diff(starts)
        item_arr = np.repeat(np.arange(count, dtype=np.int64), lengths)
        word_arr = np.frombuffer(self.word_ids, dtype=np.int64)
        weight_arr = np.frombuffer(self.weights, dtype=np.float64)
        # (In order already: by item, and within an item by word id.)
        codes = item_arr * size + word_arr
        return codes, word_arr, weight_arr, starts[:-1], lengths, size

    def _bulk_word_scores(self, np: Any, a_arr: Any, b_arr: Any, tables: Any) -> Any:
        """The word cosines of pairs: each of a's words looked up among b's."""
        codes, word_arr, weight_arr, starts, lengths, size = tables
        repeat = lengths[a_arr]
        pair_of = np.repeat(np.arange(len(a_arr)), repeat)
        offsets = np.arange(len(pair_of)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
        at = np.repeat(starts[a_arr], repeat) + offsets
        wanted = b_arr[pair_of] * size + word_arr[at]
        hit = np.minimum(np.searchsorted(codes, wanted), len(codes) - 1)
        contributions = np.where(codes[hit] == wanted, weight_arr[at] * weight_arr[hit], 0.0)
        return np.bincount(pair_of, contributions, minlength=len(a_arr))

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
            vector = self.vector(a)
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
            first, second = self.rows(chunk[:, 0]), self.rows(chunk[:, 1])
            result[start : start + len(chunk)] = np.einsum("ij,ij->i", first, second)
        return result


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
