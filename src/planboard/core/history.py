"""Looking back: which stakeholders each quarter served or cut off, how two quarters
compare, and what a next quarter could carry over."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .model import Block, Item, Place, Quarter, Stakeholder
from .rules import cut_streak
from .similar import Entry, Similarity
from .store import Store, reads
from .text import name_order

CARRY_THRESHOLD = 0.75  # how alike two requests of different quarters must be (see README)

Cell = Literal["served", "cut", "none", "open"]
"""served: an item in a chosen block · cut: sent items, none chosen (a decided quarter)
· none: sent no list · open: sent items, the quarter is not decided yet."""


@dataclass
class Coverage:
    """Stakeholders by quarter (oldest quarter first)."""

    quarters: list[Quarter]
    stakeholders: list[Stakeholder]
    cells: dict[tuple[int, int], Cell]  # (stakeholder id, quarter id) -> cell
    items: dict[tuple[int, int], int] = field(default_factory=dict)  # how many they sent

    def cell(self, stakeholder_id: int, quarter_id: int) -> Cell:
        return self.cells.get((stakeholder_id, quarter_id), "none")

    def streak(self, stakeholder_id: int) -> int:
        """Decided quarters in a row, ending with the latest decided one, in which the
        stakeholder was cut off (those they sent no list for skipped: `cut_streak`)."""
        decided = reversed([q for q in self.quarters if q.is_decided])
        return cut_streak(self.cell(stakeholder_id, quarter.id) for quarter in decided)

    def counts(self, stakeholder_id: int) -> dict[Cell, int]:
        found: dict[Cell, int] = {"served": 0, "cut": 0, "none": 0, "open": 0}
        for quarter in self.quarters:
            found[self.cell(stakeholder_id, quarter.id)] += 1
        return found

    @property
    def warnings(self) -> list[tuple[Stakeholder, int]]:
        """Stakeholders cut off two or more decided quarters in a row, longest first."""
        found = [(s, self.streak(s.id)) for s in self.stakeholders]
        return sorted(
            ((s, n) for s, n in found if n >= 2), key=lambda p: (-p[1], name_order(p[0].name))
        )


@reads
def coverage(store: Store) -> Coverage:
    quarters = store.quarters()
    sent: dict[tuple[int, int], int] = {}
    served: set[tuple[int, int]] = set()
    for (stakeholder_id, quarter_id), (count, chosen) in store.sent().items():
        sent[(stakeholder_id, quarter_id)] = count
        if chosen:
            served.add((stakeholder_id, quarter_id))
    decided = {q.id for q in quarters if q.is_decided}
    cells: dict[tuple[int, int], Cell] = {}
    for key in sent:
        # (A confirmed rank counts in a decided quarter alone: another program can set
        # a decided quarter live again, its blocks' ranks left as they were.)
        if key in served and key[1] in decided:
            cells[key] = "served"
        elif key[1] in decided:
            cells[key] = "cut"
        else:
            cells[key] = "open"
    people = [s for s in store.stakeholders() if not s.archived or any(k[0] == s.id for k in sent)]
    return Coverage(quarters, people, cells, sent)


@dataclass
class Match:
    """An item of the earlier quarter and what became of it in the later one."""

    earlier: Item
    later: Item
    how: Literal["carried", "similar"]


@dataclass
class Comparison:
    earlier: Quarter
    later: Quarter
    carried_over: list[Match]  # asked again (linked, or in much the same words)
    dropped_again: list[Match]  # dropped in both quarters
    new: list[Item]  # in the later quarter, with nothing like it in the earlier one
    chosen_earlier: list[Block]
    chosen_later: list[Block]


def _items(store: Store, quarter_id: int) -> list[Item]:
    board = store.board(quarter_id)
    return [item for items in board.places.values() for item in items]


@dataclass
class ToCompare:
    """What `compare` reads from the file: both quarters, their items and chosen blocks
    (the matching, seconds on a big quarter, needs the file no more: `compared`)."""

    earlier: Quarter
    later: Quarter
    before: list[Item]
    after: list[Item]
    chosen_earlier: list[Block]
    chosen_later: list[Block]


@reads
def to_compare(store: Store, earlier_id: int, later_id: int) -> ToCompare:
    earlier, later = store.quarter(earlier_id), store.quarter(later_id)
    if earlier.name > later.name:
        earlier, later = later, earlier
    return ToCompare(
        earlier,
        later,
        _items(store, earlier.id),
        _items(store, later.id),
        _chosen(store, earlier.id),
        _chosen(store, later.id),
    )


def compare(store: Store, earlier_id: int, later_id: int) -> Comparison:
    """What carried over from one quarter to another, and what was dropped again."""
    return compared(to_compare(store, earlier_id, later_id))


def compared(read: ToCompare) -> Comparison:
    """`compare`'s matching, on what it read (no file: it may run in a thread)."""
    before, after = read.before, read.after
    by_id = {item.id: item for item in before}
    matches: list[Match] = []
    matched_later: set[int] = set()
    for item in after:
        if item.carried_from in by_id:
            matches.append(Match(by_id[item.carried_from], item, "carried"))
            matched_later.add(item.id)
    matched_earlier = {m.earlier.id for m in matches}
    entries = [Entry(("a", i.id), i.title, "earlier") for i in before] + [
        Entry(("b", i.id), i.title, "later") for i in after
    ]
    similarity = Similarity(entries)
    later_by_id = {item.id: item for item in after}
    # Stricter than the overlap within a quarter: "asked again" must be clearly the same.
    pairs = similarity.pairs(CARRY_THRESHOLD)
    for (a, b), _score in sorted(pairs.items(), key=lambda kv: -kv[1]):
        first, second = similarity.entries[a].key, similarity.entries[b].key
        if first[0] == second[0]:
            continue
        old = first if first[0] == "a" else second
        new = second if old is first else first
        if old[1] in matched_earlier or new[1] in matched_later:
            continue
        matches.append(Match(by_id[old[1]], later_by_id[new[1]], "similar"))
        matched_earlier.add(old[1])
        matched_later.add(new[1])
    carried = [m for m in matches if m.later.status != "dropped" or m.earlier.status != "dropped"]
    again = [m for m in matches if m.later.status == "dropped" and m.earlier.status == "dropped"]
    return Comparison(
        read.earlier,
        read.later,
        sorted(carried, key=lambda m: m.later.title.casefold()),
        sorted(again, key=lambda m: m.later.title.casefold()),
        sorted((i for i in after if i.id not in matched_later), key=lambda i: i.title.casefold()),
        read.chosen_earlier,
        read.chosen_later,
    )


def _chosen(store: Store, quarter_id: int) -> list[Block]:
    """The quarter's chosen blocks, in the order they were chosen (1, then 2)."""
    chosen = [b for b in store.blocks(quarter_id) if b.chosen_rank]
    return sorted(chosen, key=lambda b: b.chosen_rank if isinstance(b.chosen_rank, int) else 0)


@dataclass
class Candidates:
    """What a next quarter could start from: blocks not chosen (with their items), and
    items still open on their lists."""

    blocks: list[tuple[Block, list[Item]]]
    loose: list[Item]


@reads
def carry_over_candidates(store: Store, quarter_id: int) -> Candidates:
    board = store.board(quarter_id)
    blocks = [
        (block, board.items_at(Place.block(block.id)))
        for block in board.blocks
        if not block.is_chosen  # (chosen in an event not decided yet too: it stays)
    ]
    loose = [item for place, items in board.places.items() if place.is_list for item in items]
    return Candidates(blocks, loose)
