"""Which items ask for much the same thing: offline, nothing downloaded, nothing that
depends on what else the quarter holds.

Two measures, combined:

- **Words.** A title is cut into words; abbreviations are read as what they stand for
  (`CAC` is *customer acquisition cost*), misspelt words are corrected against the
  language's common words (`warehosue` is *warehouse*), words are stemmed for their
  language (English, German or French), and a lexicon of business synonyms maps the
  different names of one thing onto one word (*leave*, *cancel* and *attrition* are
  *churn*). Each word weighs by how rare it is in the general language (a frequency table
  shipped in the package), so the weights never depend on the quarter. Two titles score
  the cosine of their weighted words.
- **Meaning.** Each title becomes a vector from a static word-vector model distilled from
  all-MiniLM-L6-v2 and shipped in the package (`data/meaning-en.npz`); two titles score
  the cosine of their vectors. It needs numpy (`pip install 'planboard[meaning]'`);
  without it, or for German and French lists, words alone decide.

Candidates come from an inverted index of the rarer words and from the nearest vectors,
so a quarter of 50,000 items takes seconds, not minutes. Every pair found can say why
(`explain`): the words or synonyms the two share ("churn ≈ leave; customers").

`pairs()` gives the scored pairs; `groups()` clusters items so that every member is, on
average, similar to the rest (average linkage), which keeps one loose pair from chaining
unrelated requests together.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .lexicon import LANGUAGES, frequencies, lexicon, stemmer, stopwords

THRESHOLD = 0.44  # combined score above which two requests count as the same need
WORDS_THRESHOLD = 0.46  # the same, when words alone decide (no numpy, not English)
WORD_SHARE = 0.6  # the combined score: this share of the word score, the rest meaning
MEANING_FLOOR = 0.4  # meaning cosine below which the meaning score counts as nothing
MEANING_SPAN = 0.4  # meaning cosine of MEANING_FLOOR + this counts as a full 1.0
NEIGHBOURS = 12  # at most this many similar items are kept per item
MEANING_CANDIDATES = 16  # nearest vectors scored per item
RARE_WORDS = 3  # an item's candidates share one of its this-many rarest words
CANDIDATES = 60  # and only the ones sharing most of them are scored
MAX_GROUP = 12  # a suggested block bigger than this is not a suggestion any more
MODEL_NAME = "minilm-static-128-v1"  # names the shipped meaning model in stored vectors

_WORD = re.compile(r"[^\W_]+")
_MAX_WEIGHT = 5.5  # a word unknown to the frequency table (a name, jargon)
_MIN_WEIGHT = 0.6  # the commonest words still count for a little


# ---------------------------------------------------------------------------- language


def detect_language(texts: Iterable[str]) -> str:
    """The language most of the texts are written in (by their little words):
    en, de or fr; English when unsure."""
    counts = dict.fromkeys(LANGUAGES, 0)
    for text in texts:
        found = _WORD.findall(text.lower())
        for lang in LANGUAGES:
            little = stopwords(lang)
            counts[lang] += sum(1 for w in found if w in little)
    best = max(LANGUAGES, key=lambda lang: (counts[lang], lang == "en"))
    return best if counts[best] > counts["en"] * 1.2 else "en"


# ---------------------------------------------------------------------------- words


@dataclass(frozen=True)
class Word:
    """One meaningful word of a title: its normalised form, how it was written, and
    how much it says (rarer words say more)."""

    key: str
    surface: str
    weight: float


class Words:
    """Turns titles into weighted, normalised words for one language (cached per word)."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang
        self.lexicon = lexicon(lang)
        self.freq = frequencies(lang)
        self.little = stopwords(lang)
        self.stem = functools.lru_cache(maxsize=100_000)(stemmer(lang).stemWord)
        self._cache: dict[str, list[Word]] = {}
        self._known: dict[str, list[str]] | None = None

    def _correct(self, word: str) -> str:
        """A misspelt word, corrected to the common word it is closest to; any other
        word as it is."""
        if len(word) < 5 or word in self.freq or word in self.lexicon.canon or word.isdigit():
            return word
        from rapidfuzz import fuzz, process

        if self._known is None:
            # Common words by first letter: a typo rarely hits the first letter, and
            # looking among a twentieth of the words keeps this fast on big lists.
            self._known = {}
            known = [w for w, z in self.freq.items() if z >= 3.0 and len(w) >= 4]
            known += [w for w in self.lexicon.canon if len(w) >= 4 and w.isalpha()]
            for candidate in known:
                self._known.setdefault(candidate[0], []).append(candidate)
        found = process.extractOne(
            word, self._known.get(word[0], ()), scorer=fuzz.ratio, score_cutoff=84
        )
        return found[0] if found else word

    def _weight(self, word: str) -> float:
        if word.isdigit():
            return 1.0  # "90 days", "2026": a number says little on its own
        zipf = self.freq.get(word)
        if zipf is None:
            return _MAX_WEIGHT
        return min(_MAX_WEIGHT, max(_MIN_WEIGHT, 7.0 - zipf))

    def word(self, raw: str) -> list[Word]:
        found = self._cache.get(raw)
        if found is not None:
            return found
        result: list[Word] = []
        expanded = self.lexicon.abbreviations.get(raw)
        for part in expanded or [raw]:
            if part in self.little or len(part) < 2:
                continue
            fixed = self._correct(part) if expanded is None else part
            if fixed in self.little:
                continue
            stem = self.stem(fixed)
            canonical = self.lexicon.canon.get(fixed) or self.lexicon.canon.get(stem)
            if canonical is not None:
                head = self.lexicon.shown.get(canonical, fixed)
                weight = self._weight(head)
                result.append(Word(canonical, raw if expanded is None else part, weight))
            else:
                result.append(Word(stem, raw if expanded is None else part, self._weight(fixed)))
        if len(self._cache) < 200_000:
            self._cache[raw] = result
        return result

    def words(self, title: str) -> list[Word]:
        text = title.lower().replace("can't", "cannot").replace("'", "").replace("’", "")
        found: list[Word] = []
        for raw in _WORD.findall(text):
            found += self.word(raw)
        return found

    def plain(self, title: str) -> list[str]:
        """The words to look up in the meaning model: abbreviations spelt out,
        misspellings corrected, little words left out."""
        text = title.lower().replace("'", "").replace("’", "")
        result = []
        for raw in _WORD.findall(text):
            expanded = self.lexicon.abbreviations.get(raw)
            for part in expanded or [raw]:
                if part in self.little or len(part) < 2:
                    continue
                result.append(part if expanded else self._correct(part))
        return result


@functools.cache
def _words_for(lang: str) -> Words:
    return Words(lang)


def words(title: str, lang: str = "en") -> list[str]:
    """The meaningful, normalised words of a title."""
    return [w.key for w in _words_for(lang).words(title)]


# ---------------------------------------------------------------------------- meaning


class MeaningUnavailable(RuntimeError):
    """Matching by meaning needs numpy: `pip install 'planboard[meaning]'`."""


MEANING_MISSING = (
    "Matching by meaning is off: it needs numpy (pip install 'planboard[meaning]'); "
    "similar items are found by their words alone."
)


@functools.cache
def meaning_model() -> Any:
    """The shipped static model, or `MeaningUnavailable` without numpy."""
    try:
        import numpy as np
    except ImportError as error:
        raise MeaningUnavailable(MEANING_MISSING) from error
    from importlib import resources

    try:
        with (resources.files("planboard.core") / "data" / "meaning-en.npz").open("rb") as data:
            loaded = np.load(data)
            vocab = str(loaded["words"]).split("\n")
            vectors = loaded["vectors"].astype(np.float32) * loaded["scale"][:, None]
    except (OSError, KeyError, ValueError) as error:
        raise MeaningUnavailable(
            f"Matching by meaning is off: its model can't be read ({error})."
        ) from error
    return _Meaning(vocab, vectors)


def meaning_available() -> bool:
    try:
        meaning_model()
    except MeaningUnavailable:
        return False
    return True


class _Meaning:
    def __init__(self, vocab: list[str], vectors: Any) -> None:
        import numpy as np

        self.np = np
        self.index = {w: i for i, w in enumerate(vocab)}
        self.vectors = vectors
        self.dims = vectors.shape[1]
        self.words = _words_for("en")
        # Every known word counts the same (little words are left out before): on the
        # tune part this did better than weighing words by their rarity.
        self.weights = np.ones(len(vocab), dtype=np.float32)

    def embed(self, titles: Sequence[str]) -> Any:
        """One unit vector per title (zeros for a title with no known word)."""
        np = self.np
        out = np.zeros((len(titles), self.dims), dtype=np.float32)
        stem_of = self.words.lexicon.canon
        heads = self.words.lexicon.shown
        for row, title in enumerate(titles):
            found = []
            for word in self.words.plain(title):
                position = self.index.get(word)
                if position is None:
                    canonical = stem_of.get(word) or stem_of.get(self.words.stem(word))
                    if canonical is not None:
                        position = self.index.get(heads.get(canonical, ""))
                if position is not None:
                    found.append(position)
            if found:
                picked = np.array(found)
                vector = (self.vectors[picked] * self.weights[picked, None]).sum(0)
                norm = float(np.linalg.norm(vector))
                if norm > 0:
                    out[row] = vector / norm
        return out


def title_hash(title: str) -> str:
    """What a stored vector is keyed by, besides the item: the title and the model."""
    return hashlib.sha1(f"{MODEL_NAME}\n{title}".encode()).hexdigest()[:16]


def embed_titles(titles: Sequence[str]) -> list[bytes]:
    """Meaning vectors of titles as float16 bytes (to store in the file)."""
    model = meaning_model()
    return [row.astype(model.np.float16).tobytes() for row in model.embed(titles)]


# ---------------------------------------------------------------------------- pairs


@dataclass(frozen=True)
class Entry:
    """Something to compare: an id, its text, and whose list it is on."""

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
        for cell in _cells(matrix, np):
            if len(cell) < 2:
                continue
            members = np.asarray(cell, dtype=np.int64)
            block = matrix[members]
            keep = min(MEANING_CANDIDATES, len(members) - 1)
            for start in range(0, len(members), 1024):
                sims = block[start : start + 1024] @ block.T
                rows = np.arange(sims.shape[0])
                sims[rows, start + rows] = -1.0
                top = np.argpartition(-sims, keep - 1, axis=1)[:, :keep]
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
            best = self._best_in_bulk(np, threshold, across_owners, rejected or set())
        else:
            best = self._best_one_by_one(threshold, across_owners, rejected or set())
        found: dict[tuple[int, int], float] = {}
        for a in sorted(best):
            scored = sorted(best[a], key=lambda entry: (-entry[0], entry[1]))
            for value, b in scored[:NEIGHBOURS]:
                found[(a, b) if a < b else (b, a)] = value
        return found

    def _best_in_bulk(
        self,
        np: Any,
        threshold: float,
        across_owners: bool,
        rejected: set[frozenset[Hashable]],
    ) -> dict[int, list[tuple[float, int]]]:
        """The pairs over the threshold, each item's list of (score, other): candidates
        and scores worked out with numpy, a few array passes instead of a loop a pair."""
        count = len(self.entries)
        best: dict[int, list[tuple[float, int]]] = defaultdict(list)
        if count < 2:
            return best
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
        # Candidates: two items sharing a word that few items use (a word on very many
        # items says little and would pair everything with everything), and the nearest
        # meaning vectors.
        cap = 500 if count <= 5000 else 40
        word_firsts: list[int] = []
        word_seconds: list[int] = []
        for postings in self.index.values():
            if 1 < len(postings) <= cap:
                for x, y in itertools.combinations(postings, 2):
                    word_firsts.append(x)
                    word_seconds.append(y)
        firsts = [np.asarray(word_firsts, dtype=np.int64)]
        seconds = [np.asarray(word_seconds, dtype=np.int64)]
        if self.meaning is not None:
            near_firsts, near_seconds = self._meaning_candidates()
            firsts.append(near_firsts)
            seconds.append(near_seconds)
        a_arr, b_arr = np.concatenate(firsts), np.concatenate(seconds)
        if not len(a_arr):
            return best
        low, high = np.minimum(a_arr, b_arr), np.maximum(a_arr, b_arr)
        pair_codes = np.unique(low[low != high] * count + high[low != high])
        a_arr, b_arr = pair_codes // count, pair_codes % count
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
        if not len(a_arr):
            return best
        # Word cosines: each of a's words looked up among b's, a slice of pairs at a
        # time (so memory stays flat on big boards).
        word_scores = np.zeros(len(a_arr), dtype=np.float64)
        for begin in range(0, len(a_arr), 100_000):
            a_part, b_part = a_arr[begin : begin + 100_000], b_arr[begin : begin + 100_000]
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
        if self.meaning is not None:
            meaning = np.concatenate(
                [
                    np.einsum(
                        "ij,ij->i",
                        self.meaning[a_arr[begin : begin + 100_000]],
                        self.meaning[b_arr[begin : begin + 100_000]],
                    )
                    for begin in range(0, len(a_arr), 100_000)
                ]
            )
            scaled = np.clip((meaning - MEANING_FLOOR) / MEANING_SPAN, 0.0, 1.0)
            scores = WORD_SHARE * word_scores + (1 - WORD_SHARE) * scaled
        else:
            scores = word_scores
        scores = np.round(scores, 6)
        good = np.flatnonzero(scores >= threshold)
        for a, b, value in zip(
            a_arr[good].tolist(), b_arr[good].tolist(), scores[good].tolist(), strict=True
        ):
            best[a].append((value, b))
            best[b].append((value, a))
        return best

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


def _cells(matrix: Any, np: Any) -> list[list[int]]:
    """Groups of rows to compare with each other: all rows for a few thousand;
    beyond that, each row in the cells of its two nearest centroids (a few rounds of
    k-means from evenly spaced rows), so the work grows with N·√N, not N²."""
    count = len(matrix)
    if count <= 4000:
        return [list(range(count))]
    cells = int(math.sqrt(count) / 2)
    centroids = matrix[np.linspace(0, count - 1, cells).astype(int)].copy()
    for _ in range(3):
        nearest = np.argmax(matrix @ centroids.T, axis=1)
        for cell in range(cells):
            members = matrix[nearest == cell]
            if len(members):
                centre = members.mean(0)
                centroids[cell] = centre / (np.linalg.norm(centre) or 1.0)
    sims = matrix @ centroids.T
    top = np.argpartition(-sims, 1, axis=1)[:, :2]
    result: list[list[int]] = [[] for _ in range(cells)]
    for row in range(count):
        for cell in top[row]:
            result[int(cell)].append(row)
    return result


Overlap = dict[Any, list[tuple[Any, float]]]  # entry key -> (other key, score)
Reasons = dict[frozenset[Hashable], str]


@dataclass
class Matches:
    """Everything one pass of the matcher finds over a quarter's items."""

    overlap: Overlap
    groups: list[list[Entry]]
    new_vectors: list[tuple[Hashable, str, bytes]]  # (key, hash, vector) to store
    note: str  # what the pass could not do (no numpy, not English), or ""
    similarity: Similarity | None = None
    # Worked out ahead, for each neighbouring (first, second) in that order (the pass
    # ran in another process, and its tables stayed there).
    reasons: dict[tuple[Hashable, Hashable], str] | None = None

    def why(self, first: Hashable, second: Hashable) -> str:
        """Why two entries match ("churn ≈ leave; customer"), worked out when asked:
        a big board has far more pairs than anyone looks at."""
        if self.reasons is not None:
            return self.reasons.get((first, second), "")
        if self.similarity is None:
            return ""
        position = self.similarity.position
        if first not in position or second not in position:
            return ""
        return self.similarity.explain(position[first], position[second])


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
    texts = {e.key: e.text for e in entries}
    usable = {
        key: blob
        for key, (digest, blob) in (stored or {}).items()
        if key in texts and digest == title_hash(texts[key])
    }
    similarity = Similarity(entries, lang=lang, meaning=meaning, vectors=usable)
    scored = similarity.pairs(threshold, rejected=rejected)
    return Matches(
        overlap=_overlap(similarity, scored),
        similarity=similarity,
        groups=(
            _groups(similarity, scored, similarity.threshold if threshold is None else threshold, 2)
            if with_groups
            else []
        ),
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
    return _overlap(similarity, similarity.pairs(threshold, rejected=rejected))


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
    return _overlap(similarity, scored), _groups(similarity, scored, limit, 2)


def reasons(similarity: Similarity, scored: dict[tuple[int, int], float]) -> Reasons:
    """Why each scored pair matches, keyed by the two entries' keys."""
    return {
        frozenset((similarity.entries[a].key, similarity.entries[b].key)): similarity.explain(a, b)
        for (a, b) in scored
    }


def _overlap(similarity: Similarity, scored: dict[tuple[int, int], float]) -> Overlap:
    result: Overlap = {}
    for (a, b), value in scored.items():
        first, second = similarity.entries[a], similarity.entries[b]
        result.setdefault(first.key, []).append((second.key, value))
        result.setdefault(second.key, []).append((first.key, value))
    for neighbours in result.values():
        neighbours.sort(key=lambda pair: (-pair[1], repr(pair[0])))
    return result


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

    for (a, b), _value in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0])):
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
