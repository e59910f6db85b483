"""`planboard similar`: the open items that ask for the same thing."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import PlanboardError
from .common import Parser, _fail, _open_for_reading, board_path, quarter_name

if TYPE_CHECKING:
    from ..core.store import Store


def _similar_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="planboard similar",
        usage="planboard similar PATH [--quarter Q] [--json]",
        description="Show the groups of open items (on lists and in blocks) that ask for "
        "much the same thing, across lists. Reads the board only; it may be open elsewhere.",
    )
    parser.add_argument("path", type=board_path, metavar="PATH", help="the board file")
    parser.add_argument(
        "--quarter",
        "-q",
        type=quarter_name,
        help="the quarter (default: the one whose event is live, else the newest not decided)",
    )
    parser.add_argument("--json", action="store_true", help="print the groups as JSON")
    return parser


def similar_groups(
    store: Store, quarter_id: int, *, notes: list[str] | None = None
) -> list[dict[str, object]]:
    """The quarter's open items that ask for the same thing, grouped: each group's
    items (id, title, owner — a name, "Team", or "stakeholder #N" for one no row
    names —, place "list" or "block", stakeholder_id) and its pairs with why they match
    (a, b, why). Items on no column the board shows, and pairs rejected as not the
    same, are left out; stored meaning vectors are reused. `notes` collects
    what the matcher could not do (e.g. without numpy)."""
    from ..core.model import owner_name
    from ..core.similar import Entry, match

    board = store.board(quarter_id)
    items = {}
    entries = []
    for place, found in board.places.items():
        if place.is_dropped or not board.shows(place):
            continue
        for item in found:
            items[item.id] = (item, "block" if place.is_block else "list")
            entries.append(Entry(item.id, item.title, item.stakeholder_id))
    stored = store.item_vectors(quarter_id)
    rejected: set[frozenset[object]] = set(store.rejected_pairs(quarter_id))
    matches = match(entries, stored=stored, rejected=rejected, beside=True)
    if notes is not None and matches.note:
        notes.append(matches.note)
    people = {person.id: person for person in board.stakeholders}
    result: list[dict[str, object]] = []
    for group in matches.groups:
        rows = []
        keys = sorted(int(e.key) for e in group)
        for key in keys:
            item, where = items[key]
            rows.append(
                {
                    "id": item.id,
                    "title": item.title,
                    "owner": owner_name(
                        item.stakeholder_id,
                        people,
                        unknown=f"stakeholder #{item.stakeholder_id}",
                    ),
                    "place": where,
                    "stakeholder_id": item.stakeholder_id,
                }
            )
        pairs = [
            {"a": a, "b": b, "why": matches.why(a, b)}
            for n, a in enumerate(keys)
            for b in keys[n + 1 :]
            if matches.paired(a, b)
        ]
        result.append({"items": rows, "pairs": pairs})
    return result


def run_similar(argv: list[str], *, program: bool = False) -> int:
    """`program`: planboard runs as the program, and ends when this does."""
    args = _similar_parser().parse_args(argv)
    import json

    from ..core.text import clean_line

    board = Path(args.path)
    store, reason = _open_for_reading(board)
    if store is None:
        return _fail(reason)
    notes: list[str] = []
    # The matcher makes millions of objects and no cycles worth finding: the cyclic
    # collector's passes over them took 0.6 s of 4.6 at 50,000 items.
    collecting = gc.isenabled()
    gc.disable()
    try:
        quarter = store.quarter_by_name(args.quarter) if args.quarter else store.default_quarter()
        found = similar_groups(store, quarter.id, notes=notes)
    except PlanboardError as error:
        return _fail(str(error))
    finally:
        store.close()
        if collecting:
            if program:
                # Run as the program: the millions of objects the matcher made (its
                # caches) are kept to the end, never walked by the collector (its first
                # pass after them took 0.13 s at 50,000 items, its last at exit 0.2 s).
                gc.freeze()
            gc.enable()
    for note in notes:
        print(note, file=sys.stderr)
    if args.json:
        # One group a line: json's C encoder (an indented dump is written by its Python
        # one, which took two seconds of a 50,000-item board's run).
        lines = ",\n  ".join(json.dumps(group) for group in found)
        print(f"[\n  {lines}\n]" if found else "[]")
        return 0
    if not found:
        print(f"No items ask for the same thing in {quarter.name}.")
        return 0
    count = len(found)
    print(
        f"{count} group{'s' if count != 1 else ''} of items asking for the same thing "
        f"in {quarter.name}:"
    )
    for group in found:
        print()
        for row in group["items"]:  # type: ignore[attr-defined]
            owner, title = clean_line(str(row["owner"])), clean_line(str(row["title"]))
            print(f"  {owner}: {title}  [#{row['id']}]")
        for pair in group["pairs"]:  # type: ignore[attr-defined]
            print(f"    #{pair['a']} ~ #{pair['b']}: {clean_line(str(pair['why']))}")
    return 0
