"""Words: titles cut into weighted, normalised words (abbreviations spelt out, typos
corrected, stems, business synonyms), and the language a list is written in."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..lexicon import LANGUAGES, frequencies, lexicon, stemmer, stopwords

_WORD = re.compile(r"[^\W_]+")
_MAX_WEIGHT = 5.5  # a word unknown to the frequency table (a name, jargon)
_MIN_WEIGHT = 0.6  # the commonest words still count for a little


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
