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
  the cosine of their vectors. It needs numpy (the `meaning` extra:
  `pip install ".[meaning]"` in a clone, or `pip install "planboard[meaning]"`); without
  it, or for German and French lists, words alone decide.

Candidates come from an inverted index of the rarer words and from the nearest vectors,
so a quarter of 50,000 items takes seconds, not minutes. Every pair found can say why
(`explain`): the words or synonyms the two share ("churn ≈ leave; customers").

`pairs()` gives the scored pairs; `groups()` clusters items so that every member is, on
average, similar to the rest (average linkage), which keeps one loose pair from chaining
unrelated requests together.

Its modules: `words` (language, weighted words), `meaning` (the vector model), `pairs`
(`Similarity`: candidates and scores) and `grouping` (`match`, `overlap`, `groups`).
"""

from __future__ import annotations

import os

# numpy's matrix products on one thread (set before numpy is first imported): they are
# small here, and a second BLAS thread spinning beside the screen and the pass's own
# Python cost more than it gave (at 50,000 items: 1.9 s of CPU against 0.6 s on one).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from .grouping import (
    MAX_GROUP,
    Matches,
    Overlap,
    Reasons,
    analyse,
    groups,
    match,
    overlap,
    pair_set,
    reasons,
)
from .meaning import (
    MEANING_MISSING,
    MODEL_NAME,
    MeaningUnavailable,
    embed_titles,
    meaning_available,
    meaning_model,
    title_hash,
)
from .pairs import (
    CANDIDATES,
    MEANING_CANDIDATES,
    MEANING_FLOOR,
    MEANING_SPAN,
    NEIGHBOURS,
    RARE_WORDS,
    THRESHOLD,
    WORD_SHARE,
    WORDS_THRESHOLD,
    Entry,
    Similarity,
)
from .words import Word, Words, detect_language, words

__all__ = [
    "CANDIDATES",
    "MAX_GROUP",
    "MEANING_CANDIDATES",
    "MEANING_FLOOR",
    "MEANING_MISSING",
    "MEANING_SPAN",
    "MODEL_NAME",
    "NEIGHBOURS",
    "RARE_WORDS",
    "THRESHOLD",
    "WORDS_THRESHOLD",
    "WORD_SHARE",
    "Entry",
    "Matches",
    "MeaningUnavailable",
    "Overlap",
    "Reasons",
    "Similarity",
    "Word",
    "Words",
    "analyse",
    "detect_language",
    "embed_titles",
    "groups",
    "match",
    "meaning_available",
    "meaning_model",
    "overlap",
    "pair_set",
    "reasons",
    "title_hash",
    "words",
]
