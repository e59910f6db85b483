"""Pairs: the entries' word and meaning vectors, the candidates worth scoring, and the
scored pairs over the threshold."""

from __future__ import annotations

import functools
import math
from array import array
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import Any

from .best import Best
from .cells import (
    SLICE,
    Beside,
    FlatPostings,
    Shared,
    Stopped,
    bulk_word_scores,
    can_fork,
    cells,
    code_slices,
    distinct_codes,
    gathered,
    give_back_memory,
    joined,
    keeping,
    nearest_pairs,
    pair_codes,
    word_pair_slices,
    word_tables,
)
from .entry import MATCHED_CHARS as MATCHED_CHARS
from .entry import Entry as Entry
from .entry import entry_key, matched_part
from .lean import Aside, scored, travel_light
from .meaning import (
    EMBED_AT_ONCE,
    MeaningUnavailable,
    NewVectors,
    meaning_model,
    rows_to_embed,
    same_zeros,
)
from .why import shared_words
from .words import Word, Words, _words_for, detect_language

THRESHOLD = 0.44  # combined score above which two requests count as the same need
WORDS_THRESHOLD = 0.46  # the same, when words alone decide (no numpy, not English)
WORD_SHARE = 0.6  # the combined score: this share of the word score, the rest meaning
MEANING_FLOOR = 0.4  # meaning cosine below which the meaning score counts as nothing
MEANING_SPAN = 0.4  # meaning cosine of MEANING_FLOOR + this counts as a full 1.0
NEIGHBOURS = 12  # at most this many similar items are kept per item
MEANING_CANDIDATES = 16  # nearest vectors scored per item
RARE_WORDS = 3  # an item's candidates share one of its this-many rarest words
CANDIDATES = 60  # and only the ones sharing most of them are scored
LEAN_ROOM = 10_000  # words a lean pass keeps the reading of (the commonest come first)
SCORED = 4096  # pairs scored at a time (their words) …
ROWS = 1024  # … and their vectors, as float32 (two copies of 1,024 rows: 1 MB)
BESIDE = 10_000  # from this many entries, `beside` is worth its processes (timed)


class Similarity:
    """Weighted word vectors and meaning vectors over a set of entries, and indexes to
    find candidates fast. The order of the entries does not matter."""

    def __init__(
        self,
        entries: Iterable[Entry],
        *,
        lang: str | None = None,
        meaning: bool | None = None,
        vectors: dict[Hashable, bytes] | None = None,
        laid_out: tuple[Any, list[bool]] | Callable[[], tuple[Any, list[bool]]] | None = None,
        beside: bool = False,
        lean: bool = False,
        stop: Callable[[], bool] | None = None,
        meanwhile: Callable[[Similarity], None] | None = None,
    ) -> None:
        """`beside`: on a big board, look for the nearest meaning vectors in a second
        process while the words are weighed (for a command with the machine to itself).
        `laid_out`: the stored vectors already as a float16 matrix in the entries' order
        (`entry_key`), and which of its rows are filled (instead of `vectors`), or what
        gives them (and lets them go: the matcher alone holds the matrix). `lean`
        (a pass in a process of its own, beside the board): hold no more than it must,
        at the cost of some speed; the same scores. Pairs are scored from the float16
        vectors a slice at a time, not from a float32 copy of them all (26 MB at 50,000
        items), and the titles' words are not kept for the next pass (15 MB). `stop()`
        true ends the scoring between two slices (`Stopped`). `meanwhile(self)`: called
        once the meaning vectors are made, before the words are weighed (a lean pass
        sends its new vectors then: it then weighs the words with its matrix set
        aside, and travels light before it takes it back)."""
        self._stop = stop
        self._lean = lean
        self._light = False  # (a lean pass that has let go what the scoring does not read)
        self.entries: Sequence[Entry] = sorted(map(matched_part, entries), key=entry_key)
        self.lang = lang or detect_language(e.text for e in self.entries)
        self.meaning: Any = None
        if callable(laid_out):
            laid_out = laid_out()
        self._last_row: tuple[int, Any] = (-1, None)
        self.meaning_note = ""
        self.new_vectors = NewVectors()
        if meaning is not False and self.lang == "en" and self.entries:
            try:
                model = meaning_model()
            except MeaningUnavailable as error:
                self.meaning_note = str(error)
            else:
                self.meaning = self._meaning_matrix(model, vectors or {}, laid_out)
                del model, laid_out  # (held here no longer: a lean pass lets them go)
        elif self.lang != "en":
            self.meaning_note = "Matching by meaning covers English titles; words decide here."
        self._as_float32: Any = None
        self._nearest: Shared | None = None
        self._postings: Any = None  # (a lean pass's: `FlatPostings`)
        self.names: list[str] = []
        self.word_count = 0
        self.index: dict[str, list[int]] = defaultdict(list)
        self._spent = False  # (a lean pass whose pairs are scored)
        if beside and self.meaning is not None and len(self.entries) > BESIDE and can_fork():
            self._nearest = self._nearest_beside()
        if meanwhile is None:
            self._weigh_words()
        else:
            self._weigh_aside(meanwhile)

    def _weigh_aside(self, meanwhile: Callable[[Similarity], None]) -> None:
        """`meanwhile(self)`, then the words weighed with a lean pass's matrix set aside
        (`Aside`: they do not read it), and what the scoring does not read let go
        (`travel_light`) before it is taken back."""
        meanwhile(self)
        aside = Aside(self.meaning) if self._lean and self.meaning is not None else None
        if aside is not None:
            self.meaning = None
        self._weigh_words()
        self.travel_light()
        if aside is not None:
            self.meaning = aside.back()

    def _meaning_matrix(
        self, model: Any, stored: dict[Hashable, bytes], laid_out: tuple[Any, list[bool]] | None
    ) -> Any:
        np = model.np
        # Kept as stored (float16, half the memory); rows are read as float32 (`rows`),
        # so every product is the same as on float32 rows of the same values.
        if laid_out is not None and laid_out[0].shape == (len(self.entries), model.dims):
            matrix, filled = laid_out
        else:
            matrix = np.zeros((len(self.entries), model.dims), dtype=np.float16)
            filled = [False] * len(self.entries)
            for position, entry in enumerate(self.entries):
                blob = stored.get(entry.key)
                if blob is not None and len(blob) == model.dims * 2:
                    matrix[position] = np.frombuffer(blob, dtype=np.float16)
                    filled[position] = True
        missing = rows_to_embed(np, matrix, filled)
        for start in range(0, len(missing), EMBED_AT_ONCE):
            part = missing[start : start + EMBED_AT_ONCE]
            # Rounded as they are stored, so a pair scores the same before and after.
            matrix[part] = model.embed([self.entries[p].text for p in part]).astype(np.float16)
        if same := set(same_zeros(matrix, filled, missing)):
            missing = [n for n in missing if n not in same]
        self.new_vectors = NewVectors(self.entries, matrix, missing)
        return matrix

    def travel_light(self) -> None:
        """Let go what the scoring does not read, once the words are weighed and the
        new vectors sent (a lean pass, which scores the pairs from its tables alone and
        explains nothing; `lean.travel_light`). Once only; its pairs are then scored
        once, and what only the scoring reads goes with it."""
        if not self._lean or self.new_vectors or self._light:
            return
        self._light = True
        travel_light(self)

    @functools.cached_property
    def analyser(self) -> Words:
        """The language's words as this matcher reads them (read again when asked
        after a lean pass let them go)."""
        return _words_for(self.lang)

    def _weigh_words(self) -> None:
        """Every entry's weighted words, as flat arrays (a few bytes a word, where a
        dict a title took hundreds: at 50,000 items, 20 MB less): `word_ids[starts[n]
        : starts[n + 1]]` are entry n's words (ids in the order of their spelling) and
        `weights` the same slice their weights, normalised, `surfaces` how the title
        wrote each (to explain a match); `names[id]` is the word."""
        ids: dict[str, int] = {}
        # (For each word, where it is, in order; a lean pass finds them from the arrays
        # at the end, as one flat array: as lists of Python numbers, 4 MB.)
        postings: list[list[int]] | None = None if self._lean else []
        # (Arrays, not lists: a list of 300,000 floats is 9 MB, the array 2.4.)
        starts, word_ids, weights = array("q", [0]), array("q"), array("d")
        # (How each title wrote its words, kept as they are read; a lean pass, which
        # explains nothing, works them out if ever asked: `surfaces`.)
        surfaces: list[str] | None = None if self._lean else []
        sqrt = math.sqrt
        for position, found in enumerate(self._entry_words()):
            norm = sqrt(sum(w.weight**2 for w in found.values())) or 1.0
            for key in sorted(found):
                at = ids.get(key)
                if at is None:
                    at = ids[key] = len(ids)
                    if postings is not None:
                        postings.append([])
                if postings is not None:
                    postings[at].append(position)
                word_ids.append(at)
                weights.append(found[key].weight / norm)
                if surfaces is not None:
                    surfaces.append(found[key].surface)
            starts.append(len(word_ids))
        if surfaces is not None:
            self.__dict__["surfaces"] = surfaces
        self.index = defaultdict(list)
        if postings is None:
            self._postings = FlatPostings.of_words(
                self.meaning_model_np, word_ids, starts, len(ids), self._word_cap()
            )
        # Ids in the order of the words' spelling (each entry's stay in order).
        self.names = sorted(ids)
        self.word_count = len(self.names)
        rank = array("q", bytes(8 * len(ids)))
        for n, name in enumerate(self.names):
            rank[ids[name]] = n
        self.word_ids = array("q", map(rank.__getitem__, word_ids))
        self.starts, self.weights = starts, weights
        if postings is None:
            return
        # Words on very many items would make every item a candidate for every other:
        # they count in the score, not in the index.
        common = max(500, int(4 * math.sqrt(len(self.entries))))
        for name, at in ids.items():
            if len(postings[at]) <= common:
                self.index[name] = postings[at]

    def _entry_words(self) -> Iterator[dict[str, Word]]:
        """Each entry's words, by key, each at its weightiest writing."""
        # (A lean pass reads with an analyser of its own, let go after: what it learns
        # of each word, kept to read the next title faster, was 25 MB at 50,000 items.)
        analyser = Words(self.lang, room=LEAN_ROOM) if self._lean else self.analyser
        words_of, keep = analyser.words, not self._lean
        for entry in self.entries:
            found: dict[str, Word] = {}
            for word in words_of(entry.text, keep=keep):
                held = found.get(word.key)
                if held is None or held.weight < word.weight:
                    found[word.key] = word
            yield found

    @functools.cached_property
    def surfaces(self) -> list[str]:
        """How each entry wrote each of its words, in `word_ids`' order (to explain a
        match): kept as the words are read, or (a lean pass, which explains nothing:
        300,000 strings at 50,000 items) worked out when first asked."""
        return [found[key].surface for found in self._entry_words() for key in sorted(found)]

    @functools.cached_property
    def position(self) -> dict[Hashable, int]:
        """Each entry's key to its position."""
        return {e.key: n for n, e in enumerate(self.entries)}

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
            full = self._as_float32  # (the same rows as float32, when made already)
            first, second = (full[a], full[b]) if full is not None else (self._row(a), self.rows(b))
            meaning = float(first @ second)
            if meaning >= MEANING_FLOOR + MEANING_SPAN / 2 or not parts:
                parts.insert(0, f"close in meaning ({meaning:.2f})")
        return "; ".join(parts) if parts else "similar wording"

    def _meaning_candidates(self) -> tuple[Any, Any]:
        """Pairs of entries whose meaning vectors are among each other's nearest, as
        two arrays of positions."""
        return joined(self.meaning_model_np, self._meaning_chunks(self.rows(slice(None))))

    def _meaning_chunks(
        self, full: Any, groups: Iterable[Any] | None = None
    ) -> Iterator[tuple[Any, Any]]:
        """`_meaning_candidates`, a block of rows at a time (`full`: the vectors, as
        float32, or float16 read as float32 a block at a time), over the given `cells`
        or all of them."""
        np = self.meaning_model_np
        found = cells(full, np) if groups is None else groups
        return nearest_pairs(
            np, full, found, MEANING_CANDIDATES, MEANING_FLOOR + MEANING_SPAN * 0.2
        )

    def _nearest_beside(self) -> Shared:
        """The pairs `_meaning_chunks` finds, as codes (each once: two vectors among
        each other's nearest come twice), looked for cell by cell in a forked process
        while the words are weighed here, and here too once they are (`Shared`)."""
        np = self.meaning_model_np
        full = self._as_float32 = self.rows(slice(None))
        found = cells(full, np)

        def codes(parts: Iterator[int]) -> Any:
            chunks = self._meaning_chunks(full, (found[part] for part in parts))
            return pair_codes(np, chunks, len(full))

        return Shared(len(found), codes)

    def _nearest_codes(self, nearest: Shared) -> Any:
        np = self.meaning_model_np
        return nearest.result(lambda *found: distinct_codes(np, [*found], ascending=True))

    def _scored_from(self) -> Any:
        """The vectors pairs are scored from: a float32 copy of them all, or (`lean`)
        the float16 matrix itself, read as float32 a slice at a time."""
        if self._lean:
            return self.meaning
        return self._as_float32 if self._as_float32 is not None else self.rows(slice(None))

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
        from .plain import best_one_by_one

        best = best_one_by_one(self, threshold, across_owners, rejected or set())
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
            from .plain import by_entry

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
        best, rows = self.neighbour_rows(threshold, rejected=rejected)
        mine, other, micro = best.rows(rows)
        return mine, other, micro / 1e6  # (as `np.round` says it)

    def neighbour_rows(
        self,
        threshold: float | None = None,
        *,
        rejected: set[frozenset[Hashable]] | None = None,
    ) -> tuple[Best, Any]:
        """`neighbour_arrays` as `Best`'s rows, in the same order, which `Best.rows`
        reads a part at a time (8 bytes a row, where the three arrays are 20)."""
        import numpy as np

        threshold = self.threshold if threshold is None else threshold
        best = self._best_in_bulk(np, threshold, True, rejected or set())
        if self._light:
            scored(self)
        return best, best.either_way()

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
        pairs = zip(low.tolist(), high.tolist(), strict=True)
        return dict(zip(pairs, values.tolist(), strict=True))

    def _kept_arrays(
        self,
        np: Any,
        threshold: float,
        across_owners: bool,
        rejected: set[frozenset[Hashable]],
    ) -> tuple[Any, Any, Any]:
        """Each item's NEIGHBOURS best pairs as arrays (lower position, higher, score;
        a pair kept by both its items comes twice), items in order, as `Best` keeps
        them while the pairs are scored."""
        mine, other, micro = self._best_in_bulk(np, threshold, across_owners, rejected).rows()
        values = micro / 1e6
        low = np.minimum(mine, other).astype(np.int64)
        high = np.maximum(mine, other).astype(np.int64)
        return low, high, values

    def _best_in_bulk(
        self,
        np: Any,
        threshold: float,
        across_owners: bool,
        rejected: set[frozenset[Hashable]],
    ) -> Best:
        """Each entry's NEIGHBOURS best pairs over the threshold (`Best`). Candidates
        are made and scored a slice at a time, and only each entry's best are held: at
        50,000 items the candidates are two million pairs, over 100 MB when held at
        once, and those over the threshold over a million."""
        if self._spent:
            raise RuntimeError("a lean pass scores its pairs once")
        count = len(self.entries)
        best = Best(np, count, NEIGHBOURS, ranked=give_back_memory if self._lean else None)
        if count < 2:
            return best
        keep = keeping(np, self.entries, across_owners, rejected)
        tables = word_tables(
            np, self.starts, self.word_ids, self.weights, self.word_count, words=not self._light
        )
        if self._light:  # (the codes hold them: `word_tables`)
            self.word_ids = array("q")
        # The vectors as float32 while pairs are scored (reading float16 rows pair by
        # pair cost a second at 50,000 items); kept as float16 outside the pass.
        full = None if self.meaning is None else self._scored_from()

        def over(slices: Iterator[tuple[Any, Any]], into: Best) -> Best:
            """The candidates kept and over the threshold, ranked `into` a `Best`."""
            for firsts, seconds in slices:
                if self._stop is not None and self._stop():
                    raise Stopped
                low, high = keep(np.minimum(firsts, seconds), np.maximum(firsts, seconds))
                if len(low):
                    scores = np.round(self._bulk_scores(np, low, high, tables, full), 6)
                    good = np.flatnonzero(scores >= threshold)
                    into.add(low[good], high[good], np.rint(scores[good] * 1e6))
            return into

        if self._nearest is not None and full is not None and can_fork():
            # The nearest pairs (found beside and here) scored in another process,
            # beside the pairs sharing a word scored here; its best join these.
            nearest = self._nearest_codes(self._nearest)
            there = Beside(
                lambda: over(code_slices(self.entries, nearest), Best(np, count, NEIGHBOURS)).kept()
            )
            over(self._word_slices(np), best).absorb(there.result())
            return best
        return over(self._candidate_slices(np, full), best)

    def _candidate_slices(self, np: Any, full: Any) -> Iterator[tuple[Any, Any]]:
        """Candidate pairs, about SLICE at a time (a pair may come more than once): two
        items sharing a word that few items use (a word on very many items says little
        and would pair everything with everything), and the nearest meaning vectors."""
        yield from self._word_slices(np)
        if full is not None and self._nearest is not None:
            yield from code_slices(self.entries, self._nearest_codes(self._nearest))
        elif full is not None:
            yield from gathered(np, self._meaning_chunks(full), SLICE)

    def _word_cap(self) -> int:
        """The most items a word may be on to make candidates."""
        return 500 if len(self.entries) <= 5000 else 40

    def _word_postings(self) -> list[list[int]]:
        """The postings that make candidates: those of words on a few items."""
        cap = self._word_cap()
        return [p for p in self.index.values() if 1 < len(p) <= cap]

    def _word_slices(self, np: Any) -> Iterator[tuple[Any, Any]]:
        if self._postings is not None:
            yield from word_pair_slices(np, self._postings, SLICE)
        else:
            yield from word_pair_slices(np, self._word_postings(), SLICE)

    def _bulk_scores(self, np: Any, low: Any, high: Any, tables: Any, full: Any) -> Any:
        """The combined scores of pairs (words, and meaning with `full`: the vectors
        as float32, or float16 read as float32). A lean pass scores `SCORED` pairs at
        a time, their vectors `ROWS` at a time: a slice's words looked up all at once
        took a dozen arrays of its pairs' words (10 MB), and two float32 copies of 4,096
        vectors 6 MB. (Each pair's score is its own: the same whatever else is scored
        with it.)"""
        parts = []
        # (A pass in the board's process, or the command, at once as before: the time.)
        scored, rows = (SCORED, ROWS) if self._lean else (max(1, len(low)), 4096)
        for at in range(0, len(low), scored):
            a, b = low[at : at + scored], high[at : at + scored]
            scores = bulk_word_scores(np, a, b, tables)
            if full is not None:
                meaning = np.concatenate(
                    [  # (float32 copies of a few rows at a time: the same cosines)
                        np.einsum(
                            "ij,ij->i",
                            full[a[row : row + rows]].astype(np.float32, copy=False),
                            full[b[row : row + rows]].astype(np.float32, copy=False),
                        )
                        for row in range(0, len(a), rows)
                    ]
                )
                scaled = np.clip((meaning - MEANING_FLOOR) / MEANING_SPAN, 0.0, 1.0)
                scores = WORD_SHARE * scores + (1 - WORD_SHARE) * scaled
            parts.append(scores)
        return np.concatenate(parts) if parts else np.zeros(0)

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
