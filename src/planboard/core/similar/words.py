"""Words: titles cut into weighted, normalised words (abbreviations spelt out, typos
corrected, stems, business synonyms), and the language a list is written in."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..lexicon import LANGUAGES, frequencies, lexicon, stemmer, stopwords

_WORD = re.compile(r"[^\W_]+")
_MAX_WEIGHT = 5.5  # a word unknown to the frequency table (a name, jargon)
_MIN_WEIGHT = 0.6  # the commonest words still count for a little
_SKIPPED = 3  # little words a phrase of the lexicon may have between its words
# Little words a phrase never reads across: a negation, "per" (a cut), and the words
# for what is asked for ("Leads per time zone" is not *lead time*, "Make a list of money
# transfers" not *make money*).
_BREAKS = frozenset(
    "not no per vs versus or without list report reports dashboard dashboards table "
    "tables view show see snapshot number numbers place bericht übersicht liste rapport "
    "tableau bord nicht kein keine pas".split()
)


def detect_language(texts: Iterable[str]) -> str:
    """The language most of the texts are written in (by their little words):
    en, de or fr; English when unsure."""
    # (Only the little words are counted, a title at a time: every word of 50,000
    # titles found at once was 28 MB of strings, held for a moment.)
    little = frozenset().union(*(stopwords(lang) for lang in LANGUAGES))
    seen: Counter[str] = Counter()
    for text in texts:
        seen.update(word for word in _WORD.findall(text.lower()) if word in little)
    counts = {
        lang: sum(seen[word] for word in stopwords(lang) if word in seen) for lang in LANGUAGES
    }
    best = max(LANGUAGES, key=lambda lang: (counts[lang], lang == "en"))
    return best if counts[best] > counts["en"] * 1.2 else "en"


# ---------------------------------------------------------------------------- words


@dataclass(frozen=True, slots=True)
class Word:
    """One meaningful word of a title: its normalised form, how it was written, and
    how much it says (rarer words say more). (Slots: a dict each, the words a pass
    keeps the reading of were 2 MB more at 50,000 items.)"""

    key: str
    surface: str
    weight: float


class Words:
    """Turns titles into weighted, normalised words for one language (cached per word)."""

    def __init__(self, lang: str = "en", *, room: int = 200_000) -> None:
        """`room`: how many words' readings are kept, to read them faster the next
        time (0: none, for a pass that holds no more than it must)."""
        self.lang = lang
        self.lexicon = lexicon(lang)
        self.freq = frequencies(lang)
        self.little = stopwords(lang)
        self._room = room
        self.stem = functools.lru_cache(maxsize=room // 2)(stemmer(lang).stemWord)
        self._cache: dict[str, list[Word]] = {}
        self._known: dict[str, list[str]] | None = None
        self._stems: dict[str, str] = {}
        self._corrected: dict[str, str] = {}
        self._titles: dict[str, list[Word]] = {}
        self._spelt: dict[str, list[str]] = {}
        self._starts = {key[0] for key in [*self.lexicon.phrases, *self.lexicon.phrase_words]}

    def _correct(self, word: str) -> str:
        """A misspelt word, corrected to the common word it is closest to; any other
        word as it is."""
        found = self._corrected.get(word)
        if found is None:
            found = self._closest(word)
            if len(self._corrected) < self._room:
                self._corrected[word] = found
        return found

    def _closest(self, word: str) -> str:
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
        # Two letters swapped ("reprot", "cylce"): too short a word for the ratio below.
        for n in range(1, len(word) - 1):
            swapped = word[:n] + word[n + 1] + word[n] + word[n + 2 :]
            if self._is_known(swapped):
                return swapped
        found = process.extractOne(
            word, self._known.get(word[0], ()), scorer=fuzz.ratio, score_cutoff=84
        )
        return found[0] if found else word

    def _is_known(self, word: str) -> bool:
        """Whether a word is among the common words a misspelling is corrected to (as
        `_known` holds them: asked of the tables, not of a set of them, 2 MB)."""
        if len(word) < 4:
            return False
        return self.freq.get(word, 0.0) >= 3.0 or (word.isalpha() and word in self.lexicon.canon)

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
        if len(self._cache) < self._room:
            self._cache[raw] = result
        return result

    def _stem_of(self, raw: str) -> str:
        """A title word's stem as phrases are looked up by (misspellings corrected)."""
        found = self._stems.get(raw)
        if found is None:
            found = self.stem(raw if raw in self.little else self._correct(raw))
            if len(self._stems) < self._room:
                self._stems[raw] = found
        return found

    def _phrase(self, raws: list[str], at: int) -> tuple[int, list[str], str | None]:
        """The lexicon phrase starting at word `at`, the longest first: how many words
        it takes, and the words it stands for or its canonical stem; (0, [], None) if
        none does. A phrase of meaningful words may have little words between them
        ("lose the most staff" reads as `lose staff`)."""
        longest = self.lexicon.longest
        if longest < 2 or self._stem_of(raws[at]) not in self._starts:
            return 0, [], None
        exact = [self._stem_of(raw) for raw in raws[at : at + longest]]
        # The same words without the little ones, and where each of them stands.
        ends, loose = [], []
        if raws[at] not in self.little:
            for n, raw in enumerate(raws[at : at + longest + _SKIPPED]):
                if raw not in self.little or raw in _BREAKS:
                    ends.append(n + 1)
                    loose.append(self._stem_of(raw))
        for size in range(longest, 1, -1):
            if size <= len(exact):
                found = self._phrase_of(tuple(exact[:size]))
                if found is not None:
                    return size, *found
            if size <= len(loose):
                found = self._phrase_of(tuple(loose[:size]))
                if found is not None:
                    return ends[size - 1], *found
        return 0, [], None

    def _phrase_of(self, stems: tuple[str, ...]) -> tuple[list[str], str | None] | None:
        if stems in self.lexicon.phrase_words:
            return self.lexicon.phrase_words[stems], None
        if stems in self.lexicon.phrases:
            return [], self.lexicon.phrases[stems]
        return None

    def _scan(self, raws: list[str], depth: int = 0) -> list[tuple[str, str | None, str | None]]:
        """The words of a title in order, phrases read as one: (word, None, …) for a
        word to read on its own, (surface, canonical stem, …) for a phrase of the
        lexicon. Abbreviations are spelt out (and what they stand for read the same
        way); the third of each is the abbreviation as written, or None."""
        found: list[tuple[str, str | None, str | None]] = []
        at = 0
        stems, starts = self._stems, self._starts
        while at < len(raws):
            # (Most words start no phrase: known by their stem, without a call.)
            stem = stems.get(raws[at]) or self._stem_of(raws[at])
            size, spelt, canonical = self._phrase(raws, at) if stem in starts else (0, [], None)
            if not size and raws[at] in self.lexicon.abbreviations:
                size, spelt = 1, self.lexicon.abbreviations[raws[at]]
            if not size:
                found.append((raws[at], None, None))
            elif canonical is not None:
                found.append((" ".join(raws[at : at + size]), canonical, None))
            elif depth < 2:  # (an abbreviation spelt out once or twice)
                written = " ".join(raws[at : at + size])
                found += [(word, key, written) for word, key, _ in self._scan(spelt, depth + 1)]
            else:
                found += [(word, None, " ".join(raws[at : at + size])) for word in spelt]
            at += size or 1
        return found

    def _raw(self, title: str) -> list[str]:
        text = title.lower().replace("can't", "cannot").replace("’", "'")
        # French elides with an apostrophe ("d'ouverture", "l'entrepôt"): two words.
        return _WORD.findall(text.replace("'", " " if self.lang == "fr" else ""))

    def words(self, title: str, *, keep: bool = True) -> list[Word]:
        """A title's words. `keep=False`: not kept for the next time the title is
        read (a pass that reads each title once: at 50,000 items they held 15 MB)."""
        found = self._titles.get(title)
        if found is not None:
            return found
        found = []
        for surface, canonical, written in self._scan(self._raw(title)):
            if canonical is None:
                read = self.word(surface)
            else:  # (a phrase: shown as written, `AB test`)
                head = self.lexicon.shown.get(canonical, canonical)
                read = [Word(canonical, _as_written(title, surface), self._weight(head))]
            if written is not None:  # (what it stands for shows as it was written)
                as_written = _as_written(title, written)
                read = [Word(word.key, as_written, word.weight) for word in read]
            found += read
        if keep and len(self._titles) < self._room // 2:
            self._titles[title] = found
        return found

    def spelt(self, written: str) -> list[str]:
        """What an abbreviation, as a title writes it (`YoY`, `P&L`), stands for: its
        words in order, little ones too (`year over year`); [] for any other word."""
        found = self._spelt.get(written)
        if found is None:
            raws = self._raw(written)
            if len(raws) == 1:
                found = self.lexicon.abbreviations.get(raws[0], [])
            else:
                size, spelt, _ = self._phrase(raws, 0) if raws else (0, [], None)
                found = spelt if size == len(raws) else []
            if len(self._spelt) < self._room // 2:
                self._spelt[written] = found
        return found

    def plain(self, title: str) -> list[str]:
        """The words to look up in the meaning model: abbreviations spelt out, phrases
        read as the word they stand for, misspellings corrected, little words left out."""
        result = []
        for surface, canonical, _ in self._scan(self._raw(title)):
            if canonical is not None:
                result.append(self.lexicon.shown.get(canonical, canonical))
            elif surface not in self.little and len(surface) >= 2:
                result.append(self._correct(surface))
        return result


def _as_written(title: str, word: str) -> str:
    """A word of a title (read lower-case; its parts joined by spaces) as the title
    writes it: its case, and what stands between its parts (`P&L`, `A/B`)."""
    found = written_at(title, word)
    return found.group(0) if found else word


def written_at(title: str, word: str) -> re.Match[str] | None:
    """Where a word stands in a title, as a whole word (`arr` is not in *Carrier*),
    whatever the case, and whatever is written between its parts."""
    parts = [re.escape(part) for part in word.split()]
    if not parts:
        return None
    pattern = r"(?<![^\W_])" + r"[\W_]*".join(parts) + r"(?![^\W_])"
    return re.search(pattern, title, re.IGNORECASE)


@functools.cache
def _words_for(lang: str) -> Words:
    return Words(lang)


def words(title: str, lang: str = "en") -> list[str]:
    """The meaningful, normalised words of a title."""
    return [w.key for w in _words_for(lang).words(title)]
