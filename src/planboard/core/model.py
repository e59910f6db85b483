"""Domain types: what a board holds, as small typed classes.

The store converts rows to and from these; the UI only ever sees these.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

QuarterStatus = Literal["preparing", "live", "decided"]
ItemStatus = Literal["open", "dropped"]
PlaceKind = Literal["list", "block", "dropped"]

QUARTER_NAME = re.compile(r"^(\d{4})-Q([1-4])$")

MAX_TITLE = 200
MAX_NAME = 80
MAX_NOTES = 5000

STAKEHOLDER_COLOURS = ("sky", "red", "lime", "violet", "teal", "magenta", "blue", "green")
"""The hues a stakeholder's tag is drawn in, by name (each theme says how each looks).
A new stakeholder gets the one fewest others have, in this order, once: adding or
removing someone never changes anyone else's colour. None of them is the board's
highlight colour (the amber of the focus, the marks and the chosen badge)."""


ON_LIST = "block_id IS NULL AND status = 'open' AND merged_into IS NULL"
"""`Place.where` in SQL, for the rows a list shows: not in a block, not dropped, not
merged into another item."""

IN_BLOCK = "status IS NOT 'dropped'"
"""`Place.where` in SQL, for rows with a `block_id`: in that block unless dropped (the
dropped area wins; only another program, its CHECKs off, can write both). Every query of
a block's items says it, so that such a row is counted in one place only."""


@dataclass(frozen=True, slots=True)
class Place:
    """Where an item sits: on a list, in a block, or in the dropped area.

    For a list, `ref` is the stakeholder id (None for the team's own list);
    for a block, the block id; for the dropped area, None.
    """

    kind: PlaceKind
    ref: int | None = None

    @classmethod
    def team(cls) -> Place:
        return cls("list", None)

    @classmethod
    def of_list(cls, stakeholder_id: int | None) -> Place:
        return cls("list", stakeholder_id)

    @classmethod
    def block(cls, block_id: int) -> Place:
        return cls("block", block_id)

    @classmethod
    def dropped(cls) -> Place:
        return cls("dropped", None)

    @classmethod
    def where(cls, status: str | None, block_id: int | None, stakeholder_id: int | None) -> Place:
        """Where an item with these column values sits: the one rule, for items and for
        raw rows alike."""
        if status == "dropped":
            return cls.dropped()
        if block_id is not None:
            return cls.block(block_id)
        return cls.of_list(stakeholder_id)

    @property
    def is_list(self) -> bool:
        return self.kind == "list"

    @property
    def is_block(self) -> bool:
        return self.kind == "block"

    @property
    def is_dropped(self) -> bool:
        return self.kind == "dropped"


@dataclass(slots=True)
class Quarter:
    id: int
    name: str
    status: QuarterStatus
    vision: str
    created_at: str

    @property
    def is_decided(self) -> bool:
        return self.status == "decided"


@dataclass(slots=True)
class Stakeholder:
    id: int
    name: str
    department: str = ""
    archived: bool = False
    colour: str = ""  # one of STAKEHOLDER_COLOURS ("" or unknown: drawn neutral)

    @property
    def tag(self) -> str:
        """A short label to mark an item with whose it is."""
        return short_tag(self.name, self.department)


@dataclass(slots=True)
class Item:
    id: int
    quarter_id: int
    stakeholder_id: int | None
    title: str
    notes: str = ""
    effort: float | None = None
    block_id: int | None = None
    status: ItemStatus = "open"
    drop_reason: str | None = None
    position: int = 0
    place_position: int | None = None
    created_at: str = ""
    merged_into: int | None = None  # merged into that item (hidden, kept, linked)
    carried_from: int | None = None  # the item of an earlier quarter it continues

    @property
    def is_merged(self) -> bool:
        return self.merged_into is not None

    @property
    def unread(self) -> bool:
        """Whether this stands for an item not read yet (see `unread`): no row has
        id 0 in quarter 0."""
        return self.id == 0 and self.quarter_id == 0

    @property
    def place(self) -> Place:
        return Place.where(self.status, self.block_id, self.stakeholder_id)

    @property
    def home(self) -> Place:
        """The list the item belongs to, wherever it sits now."""
        return Place.of_list(self.stakeholder_id)

    @property
    def is_team(self) -> bool:
        return self.stakeholder_id is None


@functools.cache
def unread(stakeholder_id: int | None) -> Item:
    """Stands for an item of a partial board (`Board.partial`) not read yet, whose
    owner is known (see `Item.unread`)."""
    return Item(0, 0, stakeholder_id, "")


HEAD_FROM = 5000
"""A quarter of this many items or more shows its head first (`Store.first_screen`)."""


@dataclass(slots=True)
class PlaceWidths:
    """How wide a place's item lines are (its title and estimate, counted by SQLite),
    for the widths of a partial board's columns: `plain[w]` lines take `w` cells;
    `other` holds the titles (and estimates) whose cells only the screen can tell."""

    plain: Counter[int] = field(default_factory=Counter)
    other: list[tuple[str, float | None]] = field(default_factory=list)


@dataclass(slots=True)
class Block:
    id: int
    quarter_id: int
    name: str
    description: str = ""
    effort: float | None = None
    position: int = 0
    chosen_rank: int | None = None  # 1 or 2 once the decision is confirmed
    created_at: str = ""
    carried_from: int | None = None
    choice: int | None = None  # 1 or 2 as chosen in the event, until and after confirming


@dataclass(slots=True)
class Decision:
    quarter_id: int
    decided_at: str
    rationale: str
    attendees: str = ""


@dataclass(slots=True)
class Meeting:
    """A quarter's planning event: its settings and its countdown."""

    quarter_id: int
    started_at: str
    ended_at: str | None = None
    dot_budget: int = 3
    tally_hidden: bool = True
    timebox_minutes: int = 45
    timer_remaining: float | None = None  # seconds left when last paused
    timer_started_at: str | None = None  # set while the countdown runs
    backup_path: str = ""


@dataclass(frozen=True, slots=True)
class CutOff:
    """A stakeholder none of whose items is in a chosen block, and for how many
    decided quarters in a row (this one included) that has been so."""

    stakeholder: Stakeholder
    items: int
    streak: int


@dataclass(slots=True)
class Event:
    id: int
    at: str
    quarter_id: int | None
    action: str
    summary: str
    undone: bool
    payload: dict[str, Any] = field(default_factory=dict)
    problem: str = ""  # why the payload can't be used ("" if it can), for the message


@dataclass(slots=True)
class Board:
    """Everything one quarter's board shows, loaded in one go."""

    quarter: Quarter
    stakeholders: list[Stakeholder]
    blocks: list[Block]
    places: dict[Place, list[Item]]
    merged: dict[int, list[Item]] = field(default_factory=dict)  # survivor id -> merged
    # Only the head of a big quarter is read (`Store.first_screen`): past each place's
    # first items its list holds `unread` items, `asked` counts who asked for each
    # block and `line_widths` how wide each place's lines are.
    partial: bool = False
    asked: dict[int, int] = field(default_factory=dict)
    line_widths: dict[Place, PlaceWidths] = field(default_factory=dict)

    def items_at(self, place: Place) -> list[Item]:
        return self.places.get(place, [])

    def stakeholder(self, stakeholder_id: int | None) -> Stakeholder | None:
        for stakeholder in self.stakeholders:
            if stakeholder.id == stakeholder_id:
                return stakeholder
        return None

    def shows(self, place: Place) -> bool:
        """Whether the board has a column for this place: items another program put on
        the list of a stakeholder, or in a block, that does not exist are on none."""
        if place.is_list and place.ref is not None:
            return self.stakeholder(place.ref) is not None
        if place.is_block:
            return any(block.id == place.ref for block in self.blocks)
        return True

    @property
    def item_count(self) -> int:
        return sum(len(items) for items in self.places.values())


def askers(items: list[Item], merged: dict[int, list[Item]]) -> list[int | None]:
    """Who asked for these items, first asker first: each item's owner and the owners of
    the requests merged into it (None is the team), without repeats."""
    return list(
        dict.fromkeys(
            asker.stakeholder_id for item in items for asker in (item, *merged.get(item.id, ()))
        )
    )


@dataclass(frozen=True, slots=True)
class ImportItem:
    """One item read from a list someone sent, and the line it came from."""

    title: str
    notes: str = ""
    effort: float | str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Change:
    """What one user action changed, so the screen can repaint only that.

    `places` are the containers whose items changed (moved in or out, reordered or
    edited); `blocks`, `stakeholders` and `quarters` say whether those rows changed.
    `item_id` / `block_id` name what the action was about, for focus.
    """

    summary: str
    places: frozenset[Place] = frozenset()
    blocks: bool = False
    stakeholders: bool = False
    quarters: bool = False
    item_id: int | None = None
    block_id: int | None = None
    quarter_id: int | None = None
    event_id: int | None = None
    action: str = ""  # the events row's action ("move_item", "import", ...)

    @property
    def changed_nothing(self) -> bool:
        """No row changed ("Nothing to change", "Nothing to undo"): said without the
        tick of a done action."""
        return self.event_id is None and not (
            self.places or self.blocks or self.stakeholders or self.quarters
        )


def short_tag(name: str, department: str = "") -> str:
    """A short label for a stakeholder: the department, else the name's initials."""
    base = (department or "").strip()
    if base:
        return base
    words = [w for w in re.split(r"[\s\-_/]+", name) if w]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:10]
    significant = [w for w in words if w.lower() not in {"of", "the", "and", "&", "for"}]
    return "".join(w[0].upper() for w in significant)[:5]


def next_quarter_name(name: str) -> str:
    """The quarter after `name` ("2026-Q4" -> "2027-Q1")."""
    match = QUARTER_NAME.match(name)
    if not match:
        raise ValueError(f"not a quarter name: {name!r}")
    year, q = int(match.group(1)), int(match.group(2))
    return f"{year + 1}-Q1" if q == 4 else f"{year}-Q{q + 1}"


def quarter_of(year: int, month: int) -> str:
    """The quarter name for a calendar month."""
    return f"{year}-Q{(month - 1) // 3 + 1}"


TEAM = "Team"  # whose list an item with no stakeholder is on


def owner_name(
    stakeholder_id: int | None, people: Mapping[int, Stakeholder], unknown: str = "?"
) -> str:
    """Whose list an item is on, by name: the team, a stakeholder, or `unknown` for an
    id that is not (or no longer) among `people`."""
    if stakeholder_id is None:
        return TEAM
    person = people.get(stakeholder_id)
    return person.name if person is not None else unknown
