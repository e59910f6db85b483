"""The word data the matcher reads: the business lexicon (`data/lexicon.txt`), the
general-language word frequencies (`data/zipf-*.tsv.gz`, built from `wordfreq`), and the
stemmers. All shipped in the package; nothing is downloaded, nothing depends on the
quarter being compared."""

from __future__ import annotations

import functools
import gzip
import re
from dataclasses import dataclass, field
from importlib import resources

LANGUAGES = ("en", "de", "fr")
_SNOWBALL = {"en": "english", "de": "german", "fr": "french"}
_PART = re.compile(r"[^\W_]+")  # a phrase's words: `stop_buying`, `p&l`, `drop-off`

_STOPWORDS = {
    "en": (
        "a an the of for by per in on to and or with vs versus each every my our their we us "
        "who which what when that how often do does did still are is be been about from one "
        "place list see show view report reports dashboard dashboards table tables snapshot "
        "number numbers all new get can t but into after before up within at as this these "
        "those it its via want need like would could should please also more most just so "
        "than then there here them they your you i me cannot dont not no much many will "
        "have has had was were am s re ve ll d whole over split break down out where if "
        "actually let without others someone something per_ etc e g between among"
    ),
    "de": (
        "der die das den dem des ein eine einer eines einem einen und oder mit für von vom "
        "zu zum zur im in am an auf aus bei nach pro je wie was wer wo welche welcher welches "
        "ist sind wird werden wir uns unser unsere ich ihr sie es nicht kein keine bitte auch "
        "noch nur als bericht übersicht dashboard liste pro über unseres unserer unseren "
        "unserem viele viel wieviel mehr meisten sich hat haben gibt"
    ),
    "fr": (
        "le la les l un une des du de d et ou avec pour par en au aux dans sur sous chez "
        "qui que quoi quel quelle quels quelles comment est sont sera nous notre nos je vous "
        "il elle ils elles ne pas plus moins aussi s'il rapport tableau liste bord chaque qu "
        "ce cette ces se sa son ses leur leurs combien beaucoup vont va avons avez ont "
        "c j n m t y où"
    ),
}


@functools.cache
def stopwords(lang: str) -> frozenset[str]:
    return frozenset(_STOPWORDS[lang].split())


@functools.cache
def frequencies(lang: str) -> dict[str, float]:
    """Zipf frequency (log10 of uses per billion words) of the language's common words."""
    data = resources.files("planboard.core") / "data" / f"zipf-{lang}.tsv.gz"
    text = gzip.decompress(data.read_bytes()).decode()
    # (One float a value, shared: the table holds tenths, and 40,000 floats of their
    # own were 2 MB of every process that reads it.)
    values: dict[str, float] = {}
    table = {}
    for line in text.splitlines():
        word, _, zipf = line.partition("\t")
        table[word] = values.get(zipf) or values.setdefault(zipf, int(zipf) / 10)
    return table


@functools.cache
def stemmer(lang: str):  # type: ignore[no-untyped-def]
    import snowballstemmer

    return snowballstemmer.stemmer(_SNOWBALL[lang])


@dataclass
class Lexicon:
    """One language's synonyms (stem to the canonical stem, and the word it shows as)
    and abbreviations (word to the words it stands for). Phrases of several words
    (`stop_buying`, `p&l`) are keyed by their words' stems, in order: a phrase stands
    for a canonical stem (`phrases`) or, an abbreviation, for words (`phrase_words`)."""

    lang: str
    canon: dict[str, str] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)
    abbreviations: dict[str, list[str]] = field(default_factory=dict)
    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    phrase_words: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    longest: int = 1  # words in the longest phrase


def _entries() -> dict[str, list[str]]:
    text = (resources.files("planboard.core") / "data" / "lexicon.txt").read_text("utf-8")
    found: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    lang = "en"
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            lang = line[1:-1].strip()
            found.setdefault(lang, [])
            continue
        found[lang].append(line)
    return found


def lexicon_words(lang: str) -> list[str]:
    """Every word the lexicon names, for one language."""
    words = []
    for line in _entries().get(lang, []):
        for word in line.replace(":", " ").replace("=", " ").split():
            words += _PART.findall(word)
    return words


def phrase(text: str, stem) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    """The stems of a phrase's words, in order (one stem for a plain word)."""
    return tuple(stem(part) for part in _PART.findall(text.lower()))


@functools.cache
def lexicon(lang: str) -> Lexicon:
    stem = stemmer(lang).stemWord
    result = Lexicon(lang)
    for line in _entries().get(lang, []):
        if "=" in line:
            short, _, long = line.partition("=")
            short = short.strip().lower()
            stems = phrase(short, stem)
            if len(stems) > 1:
                result.phrase_words.setdefault(stems, long.lower().split())
                result.longest = max(result.longest, len(stems))
            else:
                result.abbreviations[short] = long.lower().split()
            continue
        head, _, rest = line.partition(":")
        head = head.strip().lower()
        canonical = stem(head)
        result.shown.setdefault(canonical, head)
        for word in [head, *rest.lower().split()]:
            stems = phrase(word, stem)
            if len(stems) > 1:
                result.phrases.setdefault(stems, canonical)
                result.longest = max(result.longest, len(stems))
                continue
            result.canon.setdefault(stem(word), canonical)
            result.canon.setdefault(word, canonical)
    return result
