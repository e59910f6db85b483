"""Overlap between lists, judged on a labelled fixture of how people phrase needs."""

from __future__ import annotations

import json
from pathlib import Path

from planboard.core.similar import Entry, analyse, groups, overlap, pair_set, words

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "overlap.json"


def load() -> tuple[list[Entry], set[frozenset[object]]]:
    data = json.loads(FIXTURE.read_text())["items"]
    entries = [Entry(n, item["title"], item["owner"]) for n, item in enumerate(data)]
    labelled: dict[str, list[int]] = {}
    for n, item in enumerate(data):
        if item["group"]:
            labelled.setdefault(item["group"], []).append(n)
    return entries, pair_set(labelled.values())


def test_pairs_found_have_precision_and_recall_of_at_least_0_8() -> None:
    entries, truth = load()
    found = pair_set([[e.key for e in group] for group in groups(entries)])
    hits = len(found & truth)
    precision, recall = hits / len(found), hits / len(truth)
    print(
        f"pairs: {len(found)} found, {len(truth)} labelled, {hits} right: "
        f"precision {precision:.2f}, recall {recall:.2f}"
    )
    assert precision >= 0.8 and recall >= 0.8


def test_unrelated_requests_stay_apart() -> None:
    entries, _ = load()
    near = overlap(entries)
    data = json.loads(FIXTURE.read_text())["items"]
    lonely = [n for n, item in enumerate(data) if item["group"] is None]
    wrongly = [n for n in lonely if n in near]
    assert len(wrongly) <= len(lonely) // 10  # at most one in ten finds a false twin


def test_overlap_and_groups_agree_and_are_the_same_every_time() -> None:
    entries, _ = load()
    first_overlap, first_groups = analyse(entries)
    again_overlap, again_groups = analyse(list(reversed(entries)))
    assert {k: sorted(v) for k, v in first_overlap.items()} == {
        k: sorted(v) for k, v in again_overlap.items()
    }
    assert sorted(sorted(e.key for e in g) for g in first_groups) == sorted(
        sorted(e.key for e in g) for g in again_groups
    )
    in_groups = {e.key for g in first_groups for e in g}
    assert in_groups <= set(first_overlap)  # whatever is grouped also shows as overlap


def test_words_are_normalised() -> None:
    assert words("See open deals per sales region every Monday") == [
        "open",
        "pipeline",
        "sale",
        "region",
        "week",
    ]
    assert words("Which customers are about to leave us?") == ["customer", "churn"]
    assert words("") == []
