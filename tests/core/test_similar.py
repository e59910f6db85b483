"""Overlap between lists, judged on labelled requests written the way different people
phrase a need: tuned on one part, measured on a part never tuned on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planboard.core.similar import (
    Entry,
    Similarity,
    analyse,
    detect_language,
    groups,
    match,
    meaning_available,
    overlap,
    pair_set,
    title_hash,
    words,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REQUESTS = FIXTURES / "requests.json"
OLD_FIXTURE = FIXTURES / "overlap.json"

# What the matcher reaches on the held-out part (README: 0.63 and 0.33 with meaning,
# 0.47 and 0.40 on words alone); a change that makes it worse fails here. The issue's
# target (0.85 both) is not reached.
HELDOUT = {True: (0.62, 0.32), False: (0.45, 0.39)}


def labelled(split: str | None) -> tuple[list[Entry], set[frozenset[object]]]:
    data = json.loads(REQUESTS.read_text())["items"]
    entries, by_group = [], {}
    for n, item in enumerate(data):
        if split is not None and item["split"] != split:
            continue
        entries.append(Entry(n, item["title"], item["owner"]))
        if item["group"]:
            by_group.setdefault(item["group"], []).append(n)
    truth = {p for p in pair_set(by_group.values()) if len({data[k]["owner"] for k in p}) == 2}
    return entries, truth


def found_pairs(entries: list[Entry], **options: object) -> set[frozenset[object]]:
    similarity = Similarity(entries, **options)  # type: ignore[arg-type]
    return {
        frozenset((similarity.entries[a].key, similarity.entries[b].key))
        for a, b in similarity.pairs()
    }


def precision_recall(found: set[frozenset[object]], truth: set[frozenset[object]]):
    hits = len(found & truth)
    return (hits / len(found) if found else 1.0), hits / len(truth)


def test_the_labelled_set_is_big_varied_and_split_before_tuning() -> None:
    data = json.loads(REQUESTS.read_text())["items"]
    assert len(data) >= 300
    assert len({item["owner"] for item in data}) >= 10
    assert {item["split"] for item in data} == {"tune", "heldout"}
    # A group never straddles the split: the held-out part holds needs never tuned on.
    split_of: dict[str, set[str]] = {}
    for item in data:
        if item["group"]:
            split_of.setdefault(item["group"], set()).add(item["split"])
    assert all(len(splits) == 1 for splits in split_of.values())


@pytest.mark.parametrize("meaning", [True, False], ids=["words-and-meaning", "words-alone"])
def test_held_out_precision_and_recall(meaning: bool) -> None:
    if meaning and not meaning_available():
        pytest.skip("needs numpy (the meaning extra)")
    entries, truth = labelled("heldout")
    precision, recall = precision_recall(found_pairs(entries, meaning=meaning), truth)
    print(f"held out: {len(truth)} true pairs: precision {precision:.2f}, recall {recall:.2f}")
    least_precision, least_recall = HELDOUT[meaning]
    assert precision >= least_precision and recall >= least_recall


def test_the_issues_own_examples_are_found() -> None:
    pairs = [
        (
            "Customer churn prediction model",
            "Which customers are about to leave us? Early warning for churn",
        ),
        (
            "Self-service sales pipeline dashboard",
            "Pipeline dashboard per sales rep that I can filter myself",
        ),
        ("CAC by acquisition channel", "How much do we spend to win a new customer, per channel?"),
        (
            "NPS trend per product line",
            "How likely are users to recommend us? Net promoter score over time",
        ),
        ("Where do people abandon the basket?", "Checkout drop-off by step"),
    ]
    entries = []
    for n, (first, second) in enumerate(pairs):
        entries += [Entry(2 * n, first, "A"), Entry(2 * n + 1, second, "B")]
    found = found_pairs(entries)
    missed = [pair for n, pair in enumerate(pairs) if frozenset((2 * n, 2 * n + 1)) not in found]
    assert not missed
    assert len(found) == len(pairs)  # and nothing else


def test_a_hundred_unrelated_items_flip_no_labelled_pair() -> None:
    entries, truth = labelled(None)
    before = found_pairs(entries)
    unrelated = [
        Entry(f"x{n}", f"{thing} for the {place}", f"Other{n % 7}")
        for n, (thing, place) in enumerate(
            (t, p)
            for t in (
                "New chairs",
                "Coffee machine",
                "Fire drill",
                "Window cleaning",
                "Bike racks",
                "Plant watering",
                "Team lunch",
                "Printer toner",
                "Door badges",
                "Desk booking",
            )
            for p in (
                "Paris office",
                "second floor",
                "reception",
                "canteen",
                "meeting rooms",
                "basement",
                "roof terrace",
                "Hamburg site",
                "new building",
                "garden",
            )
        )
    ]
    assert len(unrelated) == 100
    after = found_pairs(entries + unrelated)
    keys = {e.key for e in entries}
    flipped = {p for p in truth if (p in before) != (p in after)}
    assert not flipped
    # Nor does any other pair between the labelled items change.
    assert {p for p in after if p <= keys} == before


def test_the_old_fixture_still_matches_well() -> None:
    data = json.loads(OLD_FIXTURE.read_text())["items"]
    entries = [Entry(n, item["title"], item["owner"]) for n, item in enumerate(data)]
    by_group: dict[str, list[int]] = {}
    for n, item in enumerate(data):
        if item["group"]:
            by_group.setdefault(item["group"], []).append(n)
    found = pair_set([[e.key for e in group] for group in groups(entries)])
    precision, recall = precision_recall(found, pair_set(by_group.values()))
    print(f"old fixture: precision {precision:.2f}, recall {recall:.2f}")
    assert precision >= 0.8 and recall >= 0.7


def test_overlap_and_groups_agree_and_are_the_same_every_time() -> None:
    entries, _ = labelled("tune")
    first_overlap, first_groups = analyse(entries)
    again_overlap, again_groups = analyse(list(reversed(entries)))
    assert first_overlap == again_overlap
    assert sorted(sorted(e.key for e in g) for g in first_groups) == sorted(
        sorted(e.key for e in g) for g in again_groups
    )
    in_groups = {e.key for g in first_groups for e in g}
    assert in_groups <= set(first_overlap)


def test_words_are_normalised_abbreviations_spelt_out_and_typos_corrected() -> None:
    assert words("Which customers are about to leave us?") == words("customer churn")
    assert words("Clients cancelling") == words("customer churn")
    assert len(words("customer churn")) == 2
    assert set(words("CAC")) == set(words("customer acquisition cost"))
    assert words("Stock-outs by warehosue") == words("Stock-outs by warehouse")
    assert words("Catalogue quality") == words("Catalog quality")
    assert words("") == []


def test_phrases_of_the_lexicon_read_as_one_word() -> None:
    assert words("Which customers stop buying?") == words("customer churn")
    # Little words may stand between a phrase's words.
    assert words("Which teams lose the most staff?") == words("teams: staff attrition")
    assert words("Staff turnover") == words("staff attrition")
    assert words("P&L by month") == words("profit and loss by month")
    assert words("Which products run out of stock?") == words("Product stock-outs")
    assert words("On-time deliveries") == words("Late deliveries")
    # A phrase's words on their own keep their own meaning.
    assert "churn" not in words("Buying behaviour") + words("Stop the old pipeline")


def test_swapped_letters_and_french_elisions() -> None:
    assert words("Avg sales cylce length") == words("Avg sales cycle length")
    assert words("Weekly GMV reprot") == words("Weekly GMV")
    assert words("Absences des salariés de l'entrepôt", "fr") == words(
        "absences salariés entrepôt", "fr"
    )


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_every_word_of_a_lexicon_line_reads_as_its_first(lang: str) -> None:
    """One meaning a word: no word of a line is taken by another line (by its stem)."""
    from planboard.core.lexicon import _entries, stemmer, stopwords

    stem = stemmer(lang).stemWord
    for line in _entries()[lang]:
        if "=" in line:
            continue
        head, _, rest = line.partition(":")
        for word in [head, *rest.split()]:
            if word not in stopwords(lang):
                assert words(word.replace("_", " "), lang) == [stem(head.strip())], word


def test_every_match_says_why() -> None:
    entries = [
        Entry(1, "Customer churn prediction model", "Team"),
        Entry(2, "Which customers are about to leave us? Early warning for churn", "Service"),
    ]
    found = match(entries)
    assert set(found.overlap) == {1, 2}
    why = found.why(1, 2)
    assert "customer" in why and "churn" in why


def test_an_abbreviation_is_explained_as_written() -> None:
    """Two titles that both write GMV match on "GMV", not on the words it stands for;
    against those words written out, it is one part, in the order they are written."""
    entries = [
        Entry(1, "Self-service GMV explorer for managers", "Team"),
        Entry(2, "Share of GMV from buyers acquired in the last 12 months", "Marketing"),
        Entry(3, "Gross merchandise value by region", "CFO"),
    ]
    sim = Similarity(entries, meaning=False)
    assert sim.explain(0, 1) == "GMV"
    assert sim.explain(1, 2) == "GMV ≈ Gross merchandise value"
    assert sim.explain(2, 1) == "Gross merchandise value ≈ GMV"


@pytest.mark.parametrize(
    ("first", "second", "why"),
    [
        ("P&L by region", "Profit and loss by region", "P&L ≈ Profit and loss"),
        (
            "Carrier ARR forecast",
            "Annual recurring revenue by carrier",
            "ARR ≈ Annual recurring revenue",
        ),
        ("A/B test results", "Results of experiments", "A/B ≈ experiments"),
        # what it stands for as the other title writes it, little and repeated words too
        ("Revenue YoY by region", "Revenue year over year by region", "YoY ≈ year over year"),
        ("Revenue year-over-year by region", "Revenue YoY by region", "year-over-year ≈ YoY"),
        ("COGS by category", "Cost of goods sold per category", "COGS ≈ Cost of goods sold"),
        ("Monthly P&L by unit", "Profit & loss per business unit", "P&L ≈ Profit & loss"),
        # a phrase of the lexicon, as written
        ("AB test results", "Results of experiments", "AB test ≈ experiments"),
        # not written in one piece: the stretch of the other title only if no word that
        # matches on its own stands in it; else its words in order
        (
            "CAC and churn by channel",
            "Customer churn and acquisition cost by channel",
            "churn; CAC ≈ customer acquisition cost; channel",
        ),
        ("LTV and churn", "lifetime churn value", "churn; LTV ≈ lifetime value"),
        ("COGS trend", "cost trend of goods sold", "trend; COGS ≈ cost goods sold"),
    ],
)
def test_an_abbreviation_shows_as_the_title_writes_it(first: str, second: str, why: str) -> None:
    """Written with a sign between its letters, or where its letters also stand inside
    another word of the title: still shown as written; what it stands for, as the other
    title writes it."""
    sim = Similarity([Entry(1, first, "a"), Entry(2, second, "b")], meaning=False)
    assert why in sim.explain(0, 1)


def test_a_rejected_pair_is_not_suggested_again() -> None:
    entries = [
        Entry(1, "Monthly customer churn rate", "CFO"),
        Entry(2, "What % of customers cancel each month?", "Exec"),
    ]
    assert [k for k, _ in match(entries).overlap[1]] == [2]
    rejected = match(entries, rejected={frozenset((1, 2))})
    assert rejected.overlap == {} and rejected.groups == []


@pytest.mark.skipif(not meaning_available(), reason="needs numpy (the meaning extra)")
def test_meaning_vectors_are_reused_and_only_new_or_edited_titles_embedded() -> None:
    entries = [Entry(1, "Late deliveries by carrier", "A"), Entry(2, "Refunds by month", "B")]
    first = match(entries)
    assert sorted(k for k, _, _ in first.new_vectors) == [1, 2]
    stored = {k: (h, v) for k, h, v in first.new_vectors}
    assert stored[1][0] == title_hash("Late deliveries by carrier")
    again = match(entries, stored=stored)
    assert again.new_vectors == [] and again.overlap == first.overlap
    edited = [entries[0], Entry(2, "Refunds by week", "B")]
    assert [k for k, _, _ in match(edited, stored=stored).new_vectors] == [2]


def test_without_numpy_the_matcher_says_so_and_falls_back_to_words() -> None:
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "from planboard.core.similar import match, Entry\n"
        "m = match([Entry(1, 'Customer churn prediction model', 'A'),"
        " Entry(2, 'Which customers are about to leave us? Early warning for churn', 'B')])\n"
        "print(sorted(m.overlap)); print(m.note)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "[1, 2]" in out
    assert (
        'pip install ".[meaning]" in the clone planboard was installed from (or '
        'pip install "planboard[meaning]" where a package index has planboard)' in out
    )


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_german_and_french_lists_match_better_than_shared_words(lang: str) -> None:
    items = json.loads((FIXTURES / "requests-de-fr.json").read_text())[lang]
    entries = [Entry(n, item["title"], item["owner"]) for n, item in enumerate(items)]
    assert detect_language(e.text for e in entries) == lang
    by_group: dict[str, list[int]] = {}
    for n, item in enumerate(items):
        if item["group"]:
            by_group.setdefault(item["group"], []).append(n)
    truth = pair_set(by_group.values())
    precision, recall = precision_recall(found_pairs(entries), truth)
    print(f"{lang}: precision {precision:.2f}, recall {recall:.2f}")
    # Shared English words found 0 of these German pairs and 5 of 6 French ones.
    assert precision == 1.0
    assert recall >= {"de": 0.5, "fr": 0.83}[lang]


def test_english_stays_english() -> None:
    entries, _ = labelled("tune")
    assert detect_language(e.text for e in entries) == "en"


def test_overlap_keeps_the_old_interface() -> None:
    entries = [Entry(1, "Weekly GMV report", "A"), Entry(2, "Weekly GMV reprot", "B")]
    assert [k for k, _ in overlap(entries)[1]] == [2]


def test_the_lexicon_does_not_make_marketing_a_region() -> None:
    """`market` stems like `marketing`: listed under region, it explained a match as
    "region ≈ marketing". Each word of the lexicon stands for one meaning."""
    from planboard.core.lexicon import lexicon, stemmer

    found = lexicon("en")
    stem = stemmer("en").stemWord
    assert found.canon.get(stem("marketing")) != stem("region")
    assert found.canon.get("marketing") != stem("region")


def test_phrases_do_not_read_across_a_cut_a_negation_or_what_is_asked_for() -> None:
    assert "speed" not in words("Leads per time zone")  # not *lead time*
    assert "margin" not in words("Make a list of money transfers")  # not *make money*
    assert "interact" not in words("Margin on our own brand products")
    assert "churn" in words("lose the most staff")  # little words between: still read


def test_a_huge_title_another_program_wrote_is_matched_on_its_start() -> None:
    """A 5 MB title written with `sqlite3` kept the overlap pass busy for minutes (a core
    at 100%, its words and letters compared whole). The matcher reads a title's first
    `MATCHED_CHARS` characters: far past any title planboard writes (200), so matches
    between titles as people write them are unchanged."""
    from planboard.core.model import MAX_TITLE
    from planboard.core.similar.pairs import MATCHED_CHARS

    assert MATCHED_CHARS >= 5 * MAX_TITLE
    huge = "Churn dashboard " + "T" * 5_000_000
    entries = [
        Entry(1, huge, None),
        Entry(2, "Churn dashboard", "sales"),
        Entry(3, "Supplier onboarding funnel", "ops"),
    ]
    similarity = Similarity(entries, meaning=False)
    assert [len(e.text) for e in similarity.entries] == [MATCHED_CHARS, 15, 26]
    assert similarity.entries[0].text == huge[:MATCHED_CHARS]
