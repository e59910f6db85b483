"""The quarter's items, one CSV row each, and the whole quarter as JSON."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from ..clock import utc_iso
from ..model import Item
from ..outcome import Outcome
from ..store import Store, reads
from ..text import clean_line, clean_multiline, name_order
from .facts import _effort

JSON_FORMAT = "planboard-quarter"
JSON_VERSION = 1

CSV_COLUMNS = (
    "quarter",
    "item_id",
    "title",
    "owner",
    "department",
    "place",
    "block",
    "chosen_rank",
    "status",
    "drop_reason",
    "effort",
    "notes",
    "merged_into",
    "carried_from",
)

JSON_SHAPE = """\
`planboard export PATH --format json` writes one quarter as one JSON object (UTF-8,
indented). Text is as stored, minus control characters; times are UTC, ISO 8601 (a
time another program wrote with an offset, or without a zone as SQLite's `datetime('now')`
does, is given in UTC; one that is not a time is `null`).

- `format`, `version`: always `"planboard-quarter"` and `1`.
- `quarter`: `id`, `name`, `status` (`preparing`, `live` or `decided`), `vision`,
  `created_at`.
- `decision`: `decided_at`, `rationale`, `attendees` (free text); `null` until decided.
- `meeting`: `started_at`, `ended_at`, `dot_budget`, `tally_hidden`, `timebox_minutes`;
  `null` if the planning event never started.
- `present`: the names of the stakeholders present at the event, in alphabetical order
  (case and accents ignored, as everywhere people are listed).
- `stakeholders`: `id`, `name`, `department` of everyone on the quarter's board.
- `blocks`, in board order: `id`, `name`, `description` (the case), `effort` (days, or
  `null`), `position`, `chosen_rank` (1 or 2 once the decision is confirmed, else
  `null`), `choice` (1, 2 or `null`: as chosen in the event, also before confirming),
  `dots`, `votes` (stakeholder name to dots), `items` (item ids, in the block's order).
  The dots are there whether or not the tally is hidden (an export is the team's
  record, written to a file, not shown on the shared screen; `tally_hidden` says which).
- `items`, every item of the quarter the board shows (one another program put in a block
  or on a list that is not there is left out, and the command names it): `id`, `title`,
  `notes`, `effort`, `owner` (a stakeholder's name, or `"Team"`), `stakeholder_id`
  (`null` for the team), `place` (`list`, `block`, `dropped` or `merged`), `block_id`,
  `status` (`open` or `dropped`), `drop_reason`, `position` (on its own list),
  `merged_into` (the item it was merged into), `carried_from` (the item of an earlier
  quarter it continues).
- `cut_off`, for a decided quarter (otherwise `[]`): `stakeholder` (name),
  `stakeholder_id`, `items` (how many they sent: those in `items`, the board shows),
  `streak` (decided quarters in a row, this one included, those they sent no list for
  skipped).

```json
{
  "format": "planboard-quarter",
  "version": 1,
  "quarter": {"id": 3, "name": "2026-Q2", "status": "decided",
              "vision": "Help employees decide faster.", "created_at": "2026-03-02T08:30:00Z"},
  "decision": {"decided_at": "2026-03-19T14:27:00Z", "rationale": "Churn first.",
               "attendees": "Lea, Omar"},
  "meeting": {"started_at": "2026-03-19T14:00:00Z", "ended_at": "2026-03-19T14:24:00Z",
              "dot_budget": 3, "tally_hidden": false, "timebox_minutes": 45},
  "present": ["Head of Sales"],
  "stakeholders": [{"id": 1, "name": "Head of Sales", "department": "Sales"}],
  "blocks": [{"id": 9, "name": "Churn early warning", "description": "…", "effort": 35.0,
              "position": 0, "chosen_rank": 1, "choice": 1, "dots": 3,
              "votes": {"Head of Sales": 3}, "items": [51]}],
  "items": [{"id": 51, "title": "Accounts at risk", "notes": "", "effort": null,
             "owner": "Head of Sales", "stakeholder_id": 1, "place": "block", "block_id": 9,
             "status": "open", "drop_reason": null, "position": 0, "merged_into": null,
             "carried_from": null}],
  "cut_off": [{"stakeholder": "CFO", "stakeholder_id": 5, "items": 2, "streak": 2}]
}
```
"""


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell; text a spreadsheet would run as a formula gets a leading apostrophe
    (a number, -5 too, is a number to it, and stays one)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _number(value: object) -> float | int | None:
    """A number for JSON, or null when the file holds something else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _all_items(store: Store, quarter_id: int) -> list[tuple[Item, str]]:
    """Every item of the quarter with its place (list, block, dropped, merged), in board
    order: the lists, the blocks, the dropped items, then the merged requests."""
    board = store.board(quarter_id)
    order = {"list": 0, "block": 1, "dropped": 2}
    positions = {block.id: block.position for block in board.blocks}
    found: list[tuple[Item, str]] = []
    places = sorted(
        board.places.items(),
        key=lambda kv: (
            order[kv[0].kind],
            positions.get(kv[0].ref or 0, 0) if kv[0].is_block else 0,
        ),
    )
    for place, items in places:
        # (Not an item another program put in a block or on a list that is not there:
        # the board has no column for it, and the export leaves it out as well; the
        # command names it, `left_out`.)
        if board.shows(place):
            found += [(item, place.kind) for item in items]
    shown = {item.id for item, _ in found}
    merged = [item for into, items in board.merged.items() if into in shown for item in items]
    found += [(item, "merged") for item in sorted(merged, key=lambda i: i.id)]
    return found


@reads
def left_out(store: Store, quarter_id: int, limit: int = 5) -> tuple[list[str], int]:
    """The quarter's items no export holds, as the board names them ("items row 12:
    block_id names block 40, which is not on this quarter's board; not shown"): up to
    `limit`, and how many there are in all, by the links' own indexes (milliseconds
    at 50,000 items)."""
    from ..dangling import dangling, not_shown

    named = [line for line in dangling(store.conn, quarter_id, limit) if line.endswith("not shown")]
    return named, len(not_shown(store.conn, quarter_id)) if named else 0


def _csv(store: Store, quarter_id: int, result: Outcome) -> str:
    blocks = {entry.block.id: entry.block for entry in result.chosen + result.not_chosen}
    people = result.stakeholders
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item, place in _all_items(store, quarter_id):
        person = people.get(item.stakeholder_id) if item.stakeholder_id is not None else None
        block = blocks.get(item.block_id) if item.block_id is not None else None
        row = [
            clean_line(result.quarter.name),
            item.id,
            clean_line(item.title),
            clean_line(result.owner(item)),
            clean_line(person.department) if person else "",
            place,
            clean_line(block.name) if block and place == "block" else "",
            block.chosen_rank if block and place == "block" and block.chosen_rank else "",
            item.status,
            clean_line(item.drop_reason) if item.status == "dropped" else "",
            item.effort if isinstance(item.effort, int | float) else _effort(item.effort),
            clean_multiline(item.notes),
            item.merged_into,
            item.carried_from,
        ]
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def _json(store: Store, quarter_id: int, result: Outcome) -> str:
    quarter = result.quarter
    decided = quarter.is_decided
    entries = sorted(result.chosen + result.not_chosen, key=lambda b: b.block.position)
    shown = {s.id: s for s in store.stakeholders(quarter_id)}
    for cut in result.cut_off if decided else []:
        shown.setdefault(cut.stakeholder.id, cut.stakeholder)
    data: dict[str, Any] = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "quarter": {
            "id": quarter.id,
            "name": clean_line(quarter.name),
            "status": quarter.status,
            "vision": clean_multiline(quarter.vision),
            "created_at": _time(quarter.created_at),
        },
        "decision": _json_decision(result),
        "meeting": _json_meeting(result),
        "present": [clean_line(name) for name in result.present],
        "stakeholders": [
            {"id": s.id, "name": clean_line(s.name), "department": clean_line(s.department)}
            for s in sorted(shown.values(), key=lambda s: (name_order(s.name), s.id))
        ],
        "blocks": [
            {
                "id": entry.block.id,
                "name": clean_line(entry.block.name),
                "description": clean_multiline(entry.block.description),
                "effort": _number(entry.block.effort),
                "position": entry.block.position,
                "chosen_rank": entry.block.chosen_rank,
                "choice": entry.block.choice,
                "dots": entry.dots,
                "votes": {clean_line(name): dots for name, dots in entry.votes.items()},
                "items": [item.id for item in entry.items],
            }
            for entry in entries
        ],
        "items": [_json_item(result, item, place) for item, place in _all_items(store, quarter_id)],
        "cut_off": [
            {
                "stakeholder": clean_line(cut.stakeholder.name),
                "stakeholder_id": cut.stakeholder.id,
                "items": cut.items,
                "streak": cut.streak,
            }
            for cut in (result.cut_off if decided else [])
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _time(text: str | None) -> str | None:
    """A stored time in UTC, as the shape promises (`utc_iso`). Another program's
    "yesterday" went out as it was, and so did a time with an offset (`+05:00`)."""
    return utc_iso(text)


def _json_decision(result: Outcome) -> dict[str, Any] | None:
    if not result.decision:
        return None
    return {
        "decided_at": _time(result.decision.decided_at),
        "rationale": clean_multiline(result.decision.rationale),
        "attendees": clean_multiline(result.decision.attendees),
    }


def _json_meeting(result: Outcome) -> dict[str, Any] | None:
    meeting = result.meeting
    if not meeting:
        return None
    return {
        "started_at": _time(meeting.started_at),
        "ended_at": _time(meeting.ended_at),
        "dot_budget": meeting.dot_budget,
        "tally_hidden": bool(meeting.tally_hidden),
        "timebox_minutes": meeting.timebox_minutes,
    }


def _json_item(result: Outcome, item: Item, place: str) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": clean_line(item.title),
        "notes": clean_multiline(item.notes),
        "effort": _number(item.effort),
        "owner": clean_line(result.owner(item)),
        "stakeholder_id": item.stakeholder_id,
        "place": place,
        "block_id": item.block_id,
        "status": item.status,
        "drop_reason": clean_line(item.drop_reason) if item.drop_reason else None,
        "position": item.position,
        "merged_into": item.merged_into,
        "carried_from": item.carried_from,
    }
