"""Domain types: what a board holds, as small typed classes.

The store converts rows to and from these; the UI only ever sees these.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from .record import Frozen, Record, set_field

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


class Place(Frozen):
    """Where an item sits: on a list, in a block, or in the dropped area.

    For a list, `ref` is the stakeholder id (None for the team's own list);
    for a block, the block id; for the dropped area, None.
    """

    __slots__ = ("kind", "ref")
    kind: PlaceKind
    ref: int | None

    def __init__(self, kind: PlaceKind, ref: int | None = None) -> None:
        set_field(self, "kind", kind)
        set_field(self, "ref", ref)

    # (A dict's key in every read and change: `Frozen`'s own are a third slower.)
    def __hash__(self) -> int:
        return hash((self.kind, self.ref))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Place:
            return NotImplemented
        return self.kind == other.kind and self.ref == other.ref

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
            return cls("dropped", None)
        if block_id is not None:
            return cls("block", block_id)
        return cls("list", stakeholder_id)

    @property
    def is_list(self) -> bool:
        return self.kind == "list"

    @property
    def is_block(self) -> bool:
        return self.kind == "block"

    @property
    def is_dropped(self) -> bool:
        return self.kind == "dropped"


class Quarter(Record):
    __slots__ = ("created_at", "id", "name", "status", "vision")

    def __init__(
        self, id: int, name: str, status: QuarterStatus, vision: str, created_at: str
    ) -> None:
        self.id = id
        self.name = name
        self.status = status
        self.vision = vision
        self.created_at = created_at

    @property
    def is_decided(self) -> bool:
        return self.status == "decided"


class Stakeholder(Record):
    __slots__ = ("archived", "colour", "department", "id", "name")

    def __init__(
        self,
        id: int,
        name: str,
        department: str = "",
        archived: bool = False,
        colour: str = "",  # one of STAKEHOLDER_COLOURS ("" or unknown: drawn neutral)
    ) -> None:
        self.id = id
        self.name = name
        self.department = department
        self.archived = archived
        self.colour = colour

    @property
    def tag(self) -> str:
        """A short label to mark an item with whose it is."""
        return short_tag(self.name, self.department)


class Item(Record):
    __slots__ = (
        "block_id",
        "carried_from",
        "created_at",
        "drop_reason",
        "effort",
        "id",
        "merged_into",
        "notes",
        "place_position",
        "position",
        "quarter_id",
        "stakeholder_id",
        "status",
        "title",
    )

    def __init__(
        self,
        id: int,
        quarter_id: int,
        stakeholder_id: int | None,
        title: str,
        notes: str = "",
        effort: float | None = None,
        block_id: int | None = None,
        status: ItemStatus = "open",
        drop_reason: str | None = None,
        position: int = 0,
        place_position: int | None = None,
        created_at: str = "",
        merged_into: int | None = None,  # merged into that item (hidden, kept, linked)
        carried_from: int | None = None,  # the item of an earlier quarter it continues
    ) -> None:
        self.id = id
        self.quarter_id = quarter_id
        self.stakeholder_id = stakeholder_id
        self.title = title
        self.notes = notes
        self.effort = effort
        self.block_id = block_id
        self.status = status
        self.drop_reason = drop_reason
        self.position = position
        self.place_position = place_position
        self.created_at = created_at
        self.merged_into = merged_into
        self.carried_from = carried_from

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


class PlaceWidths(Record):
    """How wide a place's item lines are (its title and estimate, counted by SQLite),
    for the widths of a partial board's columns: `plain[w]` lines take `w` cells;
    `other` holds the titles (and estimates) whose cells only the screen can tell."""

    __slots__ = ("other", "plain")

    def __init__(
        self,
        plain: Counter[int] | None = None,
        other: list[tuple[str, float | None]] | None = None,
    ) -> None:
        self.plain: Counter[int] = Counter() if plain is None else plain
        self.other: list[tuple[str, float | None]] = [] if other is None else other


class Block(Record):
    __slots__ = (
        "carried_from",
        "choice",
        "chosen_rank",
        "created_at",
        "description",
        "effort",
        "id",
        "name",
        "position",
        "quarter_id",
    )

    def __init__(
        self,
        id: int,
        quarter_id: int,
        name: str,
        description: str = "",
        effort: float | None = None,
        position: int = 0,
        chosen_rank: int | None = None,  # 1 or 2 once the decision is confirmed
        created_at: str = "",
        carried_from: int | None = None,
        choice: int | None = None,  # 1 or 2 as chosen in the event, until and after confirming
    ) -> None:
        self.id = id
        self.quarter_id = quarter_id
        self.name = name
        self.description = description
        self.effort = effort
        self.position = position
        self.chosen_rank = chosen_rank
        self.created_at = created_at
        self.carried_from = carried_from
        self.choice = choice

    @property
    def is_chosen(self) -> bool:
        """Chosen in its event, or in its decision: whatever is written there (another
        program's 0 too, which the decision refuses as a choice it can't confirm)."""
        return self.choice is not None or self.chosen_rank is not None


class Decision(Record):
    __slots__ = ("attendees", "decided_at", "quarter_id", "rationale")

    def __init__(
        self, quarter_id: int, decided_at: str, rationale: str, attendees: str = ""
    ) -> None:
        self.quarter_id = quarter_id
        self.decided_at = decided_at
        self.rationale = rationale
        self.attendees = attendees


class Meeting(Record):
    """A quarter's planning event: its settings and its countdown."""

    __slots__ = (
        "backup_path",
        "dot_budget",
        "ended_at",
        "quarter_id",
        "started_at",
        "tally_hidden",
        "timebox_minutes",
        "timer_remaining",
        "timer_started_at",
    )

    def __init__(
        self,
        quarter_id: int,
        started_at: str,
        ended_at: str | None = None,
        dot_budget: int = 3,
        tally_hidden: bool = True,
        timebox_minutes: int = 45,
        timer_remaining: float | None = None,  # seconds left when last paused
        timer_started_at: str | None = None,  # set while the countdown runs
        backup_path: str = "",
    ) -> None:
        self.quarter_id = quarter_id
        self.started_at = started_at
        self.ended_at = ended_at
        self.dot_budget = dot_budget
        self.tally_hidden = tally_hidden
        self.timebox_minutes = timebox_minutes
        self.timer_remaining = timer_remaining
        self.timer_started_at = timer_started_at
        self.backup_path = backup_path


class CutOff(Frozen):
    """A stakeholder none of whose items is in a chosen block, and for how many
    decided quarters in a row (this one included) that has been so."""

    __slots__ = ("items", "stakeholder", "streak")
    stakeholder: Stakeholder
    items: int
    streak: int

    def __init__(self, stakeholder: Stakeholder, items: int, streak: int) -> None:
        set_field(self, "stakeholder", stakeholder)
        set_field(self, "items", items)
        set_field(self, "streak", streak)


class Event(Record):
    __slots__ = ("action", "at", "id", "payload", "problem", "quarter_id", "summary", "undone")

    def __init__(
        self,
        id: int,
        at: str,
        quarter_id: int | None,
        action: str,
        summary: str,
        undone: bool,
        payload: dict[str, Any] | None = None,
        problem: str = "",  # why the payload can't be used ("" if it can), for the message
    ) -> None:
        self.id = id
        self.at = at
        self.quarter_id = quarter_id
        self.action = action
        self.summary = summary
        self.undone = undone
        self.payload: dict[str, Any] = {} if payload is None else payload
        self.problem = problem


class Board(Record):
    """Everything one quarter's board shows, loaded in one go."""

    __slots__ = (
        "asked",
        "blocks",
        "line_widths",
        "merged",
        "partial",
        "places",
        "quarter",
        "stakeholders",
    )

    def __init__(
        self,
        quarter: Quarter,
        stakeholders: list[Stakeholder],
        blocks: list[Block],
        places: dict[Place, list[Item]],
        merged: dict[int, list[Item]] | None = None,  # survivor id -> merged
        # Only the head of a big quarter is read (`Store.first_screen`): past each
        # place's first items its list holds `unread` items, `asked` counts who asked
        # for each block and `line_widths` how wide each place's lines are.
        partial: bool = False,
        asked: dict[int, int] | None = None,
        line_widths: dict[Place, PlaceWidths] | None = None,
    ) -> None:
        self.quarter = quarter
        self.stakeholders = stakeholders
        self.blocks = blocks
        self.places = places
        self.merged: dict[int, list[Item]] = {} if merged is None else merged
        self.partial = partial
        self.asked: dict[int, int] = {} if asked is None else asked
        self.line_widths: dict[Place, PlaceWidths] = {} if line_widths is None else line_widths

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

    def titles_of(self, owner: int | None) -> list[str]:
        """The titles of every item of one list this quarter, wherever it is now: in a
        place, or merged into another item (still that owner's request)."""
        return [
            item.title
            for items in (*self.places.values(), *self.merged.values())
            for item in items
            if item.stakeholder_id == owner
        ]


def askers(items: list[Item], merged: dict[int, list[Item]]) -> list[int | None]:
    """Who asked for these items, first asker first: each item's owner and the owners of
    the requests merged into it (None is the team), without repeats."""
    return list(
        dict.fromkeys(
            asker.stakeholder_id for item in items for asker in (item, *merged.get(item.id, ()))
        )
    )


class ImportItem(Frozen):
    """One item read from a list someone sent, and the line it came from."""

    __slots__ = ("effort", "line", "notes", "title")
    title: str
    notes: str
    effort: float | str | None
    line: int

    def __init__(
        self, title: str, notes: str = "", effort: float | str | None = None, line: int = 0
    ) -> None:
        set_field(self, "title", title)
        set_field(self, "notes", notes)
        set_field(self, "effort", effort)
        set_field(self, "line", line)


class Change(Frozen):
    """What one user action changed, so the screen can repaint only that.

    `places` are the containers whose items changed (moved in or out, reordered or
    edited); `blocks`, `stakeholders` and `quarters` say whether those rows changed.
    `item_id` / `block_id` name what the action was about, for focus.
    """

    __slots__ = (
        "action",
        "block_id",
        "blocks",
        "event_id",
        "item_id",
        "places",
        "quarter_id",
        "quarters",
        "stakeholders",
        "summary",
    )
    summary: str
    places: frozenset[Place]
    blocks: bool
    stakeholders: bool
    quarters: bool
    item_id: int | None
    block_id: int | None
    quarter_id: int | None
    event_id: int | None
    action: str  # the events row's action ("move_item", "import", ...)

    def __init__(
        self,
        summary: str,
        places: frozenset[Place] = frozenset(),
        blocks: bool = False,
        stakeholders: bool = False,
        quarters: bool = False,
        item_id: int | None = None,
        block_id: int | None = None,
        quarter_id: int | None = None,
        event_id: int | None = None,
        action: str = "",
    ) -> None:
        set_field(self, "summary", summary)
        set_field(self, "places", places)
        set_field(self, "blocks", blocks)
        set_field(self, "stakeholders", stakeholders)
        set_field(self, "quarters", quarters)
        set_field(self, "item_id", item_id)
        set_field(self, "block_id", block_id)
        set_field(self, "quarter_id", quarter_id)
        set_field(self, "event_id", event_id)
        set_field(self, "action", action)

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


def next_of(names: Iterable[str]) -> str:
    """The quarter after the latest of these names written as planboard writes them
    ("" if none is: another program may have named a quarter "Q4 2026")."""
    known = [name for name in names if QUARTER_NAME.match(name)]
    return next_quarter_name(max(known)) if known else ""


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
