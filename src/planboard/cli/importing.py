"""`planboard import`: a list someone sent, onto a stakeholder's list or the team's."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..core.errors import PlanboardError
from ..core.lock import writer_is_active
from .common import (
    Parser,
    _existing_board,
    _fail,
    _open_for_reading,
    board_path,
    quarter_name,
    stakeholder_name,
)

if TYPE_CHECKING:
    from ..core.importer import ParsedList
    from ..core.model import Quarter, Stakeholder


def _import_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="planboard import",
        usage="planboard import PATH FILE (--stakeholder NAME | --team) [--quarter Q] "
        "[--dry-run] [--allow-repeats]",
        description="Import a list someone sent (CSV or TSV with a title column, a Markdown "
        "list, or plain text with one item per line) onto a stakeholder's list or the "
        "team's, as one action (undo removes it all). Repeated titles are reported, not "
        "dropped.",
    )
    parser.add_argument(
        "path", type=board_path, metavar="PATH", help="the board file (it must exist)"
    )
    parser.add_argument(
        "file", metavar="FILE", help="the list: .csv, .tsv or .tab, .md, or any text file"
    )
    owner = parser.add_mutually_exclusive_group(required=True)
    owner.add_argument(
        "--stakeholder",
        "-s",
        metavar="NAME",
        type=stakeholder_name,
        help="whose list (created if new)",
    )
    owner.add_argument("--team", action="store_true", help="the team's own list")
    parser.add_argument(
        "--quarter",
        "-q",
        type=quarter_name,
        help="the quarter (default: the one whose event is live, else the newest not decided)",
    )
    parser.add_argument(
        "--dry-run", "-n", action="store_true", help="show what would be imported; write nothing"
    )
    parser.add_argument(
        "--allow-repeats",
        action="store_true",
        help="also import lines whose title is already on that list (skipped otherwise)",
    )
    return parser


class _Look(NamedTuple):
    """What a read-only look at the board found: the quarter, the stakeholder the list
    belongs to (None for a new one or the team) and the titles already on that list."""

    quarter: Quarter
    existing: Stakeholder | None
    on_the_list: list[str]
    earlier: list[tuple[str, str, str]]  # `Store.earlier_items`


_OPEN_ELSEWHERE = (
    "{board} is open in another planboard (or another import is writing to it); import "
    "from inside it, or once it is closed."
)


def run_import(argv: list[str]) -> int:
    args = _import_parser().parse_args(argv)
    from ..core.importer import read_list
    from ..core.repeats import asked_before, asked_before_text, repeats_text, split_repeats
    from ..core.text import clean_line

    board = Path(args.path)
    owner, reason = (None, "") if args.team else _owner_name(args.stakeholder)
    reason = reason or _existing_board(board)
    if reason:
        return _fail(reason)
    try:
        parsed = read_list(Path(args.file))
    except PlanboardError as error:
        return _fail(str(error))
    # A read-only look first: the board and the quarter are checked without writing
    # anything, and a dry run stops there. (What the list holds is said once the board
    # can take it: said before a refusal, it read as if the import had begun.)
    look = _look(board, args.quarter, owner)
    if isinstance(look, str):
        return _fail(look)
    with contextlib.suppress(OSError):  # (the lock can't be tried: the write says why)
        if not args.dry_run and writer_is_active(board):
            return _fail(_OPEN_ELSEWHERE.format(board=board))
    print(f"{clean_line(parsed.name)}: {parsed.summary()}")
    existing = look.existing
    whose = (
        "the team's list" if owner is None else f"{(existing.name if existing else owner)}'s list"
    )
    fresh, repeats = split_repeats(parsed.items, look.on_the_list)
    if repeats:
        if args.allow_repeats:
            print(f"{repeats_text(repeats, whose)} — imported again (--allow-repeats).")
        else:
            print(f"{repeats_text(repeats, whose)} — skipped (--allow-repeats imports them).")
            parsed.items = fresh
            if not fresh:
                print(f"Nothing to import into {whose}: every line is already on it.")
                return 0
    before = asked_before(parsed.items, look.earlier)
    if before:  # (still imported: a request may rightly come back; the lead decides)
        print(f"{asked_before_text(before)}.")
    if args.dry_run:
        _print_dry_run(parsed, owner, look, whose, board)
        return 0
    return _write(board, parsed, owner, look)


def _owner_name(given: str) -> tuple[str | None, str]:
    """The stakeholder's name as the store takes it, or why it can't be one: the
    store's own rules, so that a dry run says what the import would (it promised a
    name of a zero-width space the import then refused)."""
    from ..core.errors import ValidationError
    from ..core.store.placing import StorePlacing

    try:
        return StorePlacing._stakeholder_name(given, "stakeholder name"), ""
    except ValidationError as error:
        return None, str(error)


def _look(board: Path, quarter_name: str | None, owner: str | None) -> _Look | str:
    """The board read without writing anything, or why it can't take the import."""
    from ..core.text import same_name

    store, reason = _open_for_reading(board)
    if store is None:
        return reason
    try:
        quarter = store.quarter_by_name(quarter_name) if quarter_name else store.default_quarter()
        if quarter.is_decided:
            return f"{quarter.name} is decided, so its board is read-only."
        known = {same_name(s.name): s for s in store.stakeholders()}
        existing = known.get(same_name(owner)) if owner is not None else None
        on_the_list = []
        if owner is None or existing is not None:
            wanted = None if existing is None else existing.id
            on_the_list = store.board(quarter.id).titles_of(wanted)
        earlier = store.earlier_items(quarter.id)
    except PlanboardError as error:
        return str(error)
    finally:
        store.close()
    return _Look(quarter, existing, on_the_list, earlier)


def _print_dry_run(
    parsed: ParsedList, owner: str | None, look: _Look, whose: str, board: Path
) -> None:
    from ..core.text import clean_line

    if parsed.columns:
        print(parsed.columns_text())
    for item in parsed.items:
        days = "day" if item.effort == 1 else "days"
        effort = f"  ({item.effort:g} {days})" if item.effort is not None else ""
        notes = item.notes.count("\n") + 1 if item.notes else 0
        more = f"  (+{notes} line{'s' if notes != 1 else ''} of notes)" if notes else ""
        print(f"  line {item.line}: {clean_line(item.title)}{effort}{more}")
    existing = look.existing
    if owner is not None and existing is None:
        print(f"Would create stakeholder “{owner}”.")
    elif existing is not None and existing.archived:
        print(f"Would bring back stakeholder “{existing.name}” (archived).")
    count = len(parsed.items)
    print(
        f"Would import {count} item{'s' if count != 1 else ''} into {whose} in "
        f"{look.quarter.name}. Nothing was written (dry run)."
    )
    with contextlib.suppress(OSError):
        if writer_is_active(board):
            print(
                f"{board} is open in another planboard now: the import itself is "
                "refused until it closes (or import from inside it: i)."
            )


def _write(board: Path, parsed: ParsedList, owner: str | None, look: _Look) -> int:
    from ..core.store import Store
    from ..core.text import clean_line

    quarter, existing = look.quarter, look.existing
    try:
        store = Store.open(board, create=False)
    except PlanboardError as error:
        return _fail(str(error))
    try:
        if store.viewer:
            return _fail(_OPEN_ELSEWHERE.format(board=board))
        if store.readonly:
            return _fail(f"{board} can't be changed: {store.readonly_reason}.")
        change = store.import_items(quarter.id, owner, parsed.items, source=parsed.name)
        event = next((e for e in store.events(quarter.id, 5) if e.id == change.event_id), None)
    except PlanboardError as error:
        return _fail(str(error))
    finally:
        store.close()
    created = event.payload.get("created_stakeholder") if event else existing is None
    if owner is not None and created:
        print(f"Created stakeholder “{owner}”.")
    elif existing is not None and existing.archived:
        print(f"Brought back stakeholder “{existing.name}” (it was archived).")
    print(f"{clean_line(change.summary)}, in {quarter.name}. Undo it with u on the board.")
    return 0
