"""The `planboard` command."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .core.errors import PlanboardError

if TYPE_CHECKING:
    from .core.boards import Boards
    from .core.store import Store

DEFAULT_FILE = "planboard.db"


def _board_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planboard",
        description="Run a data team's quarterly planning on one SQLite file.",
        epilog="A file that does not exist is created as a new board (a name without "
        ".db, .sqlite or .sqlite3 asks first, or needs --new). Other commands: "
        "planboard meeting|import|similar|export|report|restore|serve|replicate PATH ... "
        "(planboard COMMAND --help for each).",
    )
    parser.add_argument(
        "path",
        nargs="?",
        default=DEFAULT_FILE,
        help=f"the board file (default: {DEFAULT_FILE} in the current folder)",
    )
    parser.add_argument("--quarter", "-q", help="open this quarter (e.g. 2026-Q3)")
    parser.add_argument("--read-only", action="store_true", help="open without changing anything")
    parser.add_argument(
        "--new",
        action="store_true",
        help="create the board even if its name does not end in "
        f"{', '.join(BOARD_SUFFIXES)} (without it, planboard asks first)",
    )
    parser.add_argument("--version", action="version", version=f"planboard {__version__}")
    return parser


BOARD_SUFFIXES = (".db", ".sqlite", ".sqlite3")


def _confirm_new(path: Path, new: bool) -> str:
    """Why a new board is not created at `path` ("" to go ahead). A name without a board
    suffix is more likely a typo than a board: ask first, or need `--new`."""
    if new or path.exists() or path.suffix.lower() in BOARD_SUFFIXES:
        return ""
    if not sys.stdin.isatty():
        return (
            f"{path} does not exist, and its name does not end in "
            f"{', '.join(BOARD_SUFFIXES)}; to create a new board there, add --new."
        )
    try:
        answer = input(f"{path} does not exist. Create a new board there? [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() in ("y", "yes"):
        return ""
    return "Nothing was created."


def _fail(message: str) -> int:
    print(f"planboard: {message}", file=sys.stderr)
    return 2


def _meeting_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planboard meeting",
        description="Open the planning event on a shared screen: start it if the quarter "
        "is being prepared (a backup of the file is written first), return to it if it is "
        "live, show the decision if it is decided.",
    )
    parser.add_argument("path", help="the board file")
    parser.add_argument("--quarter", "-q", help="the quarter (default: the newest not decided)")
    return parser


def run_board(argv: list[str], *, meeting: bool = False) -> int:
    # Start-up makes many objects and few cycles: the cyclic collector stays off until
    # the board has painted (the board screen turns it back on; see `BoardScreen`).
    gc.disable()
    try:
        return _run_board(argv, meeting=meeting)
    finally:
        gc.enable()


def _run_board(argv: list[str], *, meeting: bool) -> int:
    if meeting:
        args = _meeting_parser().parse_args(argv)
        args.read_only = False
        if not Path(args.path).exists():
            return _fail(f"{args.path} does not exist.")
    else:
        args = _board_parser().parse_args(argv)
        refusal = _confirm_new(Path(args.path), args.new or args.read_only)
        if refusal:
            return _fail(refusal)
    from .core.store import Store

    path = Path(args.path)
    try:
        store = Store.open(path, readonly=args.read_only)
    except PlanboardError as error:
        return _fail(str(error))
    try:
        quarter = store.quarter_by_name(args.quarter) if args.quarter else store.default_quarter()
        # The whole quarter reads: no surprise once on screen. What is read here is
        # what the board first shows (one read per open), with the file's version then.
        version = store.data_version()
        board = store.board(quarter.id)
    except PlanboardError as error:
        store.close()
        return _fail(str(error))
    notice = None
    if store.created:
        notice = f"New board {path} created, with quarter {quarter.name}. Press ? for help."
    elif store.readonly:
        notice = f"Opened read-only: {store.readonly_reason}."

    from .ui.app import PlanboardApp

    PlanboardApp(
        store,
        quarter_id=quarter.id,
        notice=notice,
        start_meeting=meeting,
        preloaded=(board, version),
    ).run()
    return 0


def run_restore(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="planboard restore",
        description="List a board's backups, or restore one (the board as it is now is "
        "backed up first).",
    )
    parser.add_argument("path", nargs="?", help="the board file")
    parser.add_argument("backup", nargs="?", help="the number from the list, or a backup file")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    from .replica_cli import add_restore_options, run_restore_from

    add_restore_options(parser)
    args = parser.parse_args(argv)
    if args.from_url is not None or args.at or args.output or args.list:
        return run_restore_from(args)
    if args.path is None:
        parser.error("the board file is required (or --from URL for a replica)")
    from .core.backup import backups_of, describe, unclaimed_backups
    from .core.store import Store

    board = Path(args.path)
    if not board.exists():
        return _fail(f"{board} does not exist.")
    if not board.is_file():
        return _fail(f"{board} is not a regular file, so it can't be a board.")
    found = backups_of(board)
    if args.backup is None:
        unclaimed = unclaimed_backups(board)
        if not found:
            print(f"{board} has no backups beside it.")
        else:
            print(f"Backups of {board} (newest last):")
            for number, backup in enumerate(found, start=1):
                label, when = describe(board, backup)
                print(f"  {number:>2}  {when}  {label:<28} {backup.name}")
            print(f"Restore one with: planboard restore {board} NUMBER")
        if unclaimed:
            count = len(unclaimed)
            print(
                f"{count} older backup{'s' if count != 1 else ''} named after "
                f"“{board.stem}” can't be told apart from another board's with that name "
                f"(e.g. {unclaimed[-1].name}); restore one by its file name: "
                f"planboard restore {board} FILE"
            )
        return 0
    if args.backup.isdigit():
        index = int(args.backup)
        if not 1 <= index <= len(found):
            return _fail(f"There is no backup {index}; {board} has {len(found)}.")
        chosen = found[index - 1]
    else:
        chosen = Path(args.backup)
        if not chosen.is_file():
            return _fail(f"{chosen} does not exist.")
    if not args.yes:
        answer = input(f"Replace {board} with {chosen.name}? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            print("Nothing was changed.")
            return 1
    try:
        store = Store.open(board, create=False)
    except PlanboardError as error:
        return _fail(str(error))
    try:
        if store.viewer:
            return _fail(f"{board} is open in another planboard; close it, then restore.")
        safety = store.restore(chosen)
    except PlanboardError as error:
        return _fail(str(error))
    finally:
        store.close()
    print(f"Restored {board} from {chosen.name}.")
    print(f"The board as it was is kept in {safety.name}.")
    return 0


def _existing_board(board: Path) -> str:
    """Why `board` can't be a board to import into or read from ("" if it may be one).
    An import never creates a board."""
    if not board.exists():
        return f"{board} does not exist; open it with “planboard {board}” to make a new board."
    if board.is_dir():
        return f"{board} is a folder, not a board file."
    try:
        if board.stat().st_size == 0:
            return f"{board} is empty, not a board."
    except OSError as error:
        return f"Cannot read {board}: {error.strerror or error}."
    return ""


def _open_for_reading(board: Path) -> tuple[Store | None, str]:
    """The board opened read-only (nothing is written, not even an upgrade), or why not."""
    from .core.store import Store

    reason = _existing_board(board)
    if reason:
        return None, reason
    try:
        return Store.open(board, create=False, readonly=True), ""
    except PlanboardError as error:
        message = str(error)
        if "needs an upgrade" in message:
            message = (
                f"{board} was written by an older planboard; open it once with "
                f"“planboard {board}” to upgrade it (a backup is kept), then try again."
            )
        elif message.startswith("Cannot create a board"):
            message = f"{board} is not a board yet (it holds nothing)."
        return None, message


def _same_name(name: str) -> str:
    """A stakeholder name as the file compares them (SQLite's NOCASE: ASCII letters)."""
    return name.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _import_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planboard import",
        usage="planboard import PATH FILE (--stakeholder NAME | --team) [--quarter Q] "
        "[--dry-run] [--allow-repeats]",
        description="Import a list someone sent (CSV or TSV with a title column, a Markdown "
        "list, or plain text with one item per line) onto a stakeholder's list or the "
        "team's, as one action (undo removes it all). Repeated titles are reported, not "
        "dropped.",
    )
    parser.add_argument("path", metavar="PATH", help="the board file (it must exist)")
    parser.add_argument(
        "file", metavar="FILE", help="the list: .csv, .tsv or .tab, .md, or any text file"
    )
    owner = parser.add_mutually_exclusive_group(required=True)
    owner.add_argument("--stakeholder", "-s", metavar="NAME", help="whose list (created if new)")
    owner.add_argument("--team", action="store_true", help="the team's own list")
    parser.add_argument("--quarter", "-q", help="the quarter (default: the newest not decided)")
    parser.add_argument(
        "--dry-run", "-n", action="store_true", help="show what would be imported; write nothing"
    )
    parser.add_argument(
        "--allow-repeats",
        action="store_true",
        help="also import lines whose title is already on that list (skipped otherwise)",
    )
    return parser


def run_import(argv: list[str]) -> int:
    args = _import_parser().parse_args(argv)
    from .core.importer import read_list, repeats_text, split_repeats
    from .core.model import MAX_NAME
    from .core.store import Store
    from .core.text import clean_line

    board = Path(args.path)
    owner: str | None = None
    if not args.team:
        owner = clean_line(args.stakeholder)
        if not owner:
            return _fail("The stakeholder name can't be empty.")
        if len(owner) > MAX_NAME:
            return _fail(
                f"The stakeholder name is {len(owner)} characters long; keep it to "
                f"{MAX_NAME} or fewer."
            )
    reason = _existing_board(board)
    if reason:
        return _fail(reason)
    try:
        parsed = read_list(Path(args.file))
    except PlanboardError as error:
        return _fail(str(error))
    print(f"{clean_line(parsed.name)}: {parsed.summary()}")

    # A read-only look first: the board and the quarter are checked without writing
    # anything, and a dry run stops there.
    store, reason = _open_for_reading(board)
    if store is None:
        return _fail(reason)
    try:
        quarter = store.quarter_by_name(args.quarter) if args.quarter else store.default_quarter()
        if quarter.is_decided:
            return _fail(f"{quarter.name} is decided, so its board is read-only.")
        known = {_same_name(s.name): s for s in store.stakeholders()}
        existing = known.get(_same_name(owner)) if owner is not None else None
        on_the_list = []
        if owner is None or existing is not None:
            wanted = None if existing is None else existing.id
            on_the_list = [
                item.title
                for items in store.board(quarter.id).places.values()
                for item in items
                if item.stakeholder_id == wanted
            ]
    except PlanboardError as error:
        return _fail(str(error))
    finally:
        store.close()
    whose = (
        "the team's list" if owner is None else f"{(existing.name if existing else owner)}'s list"
    )
    fresh, repeats = split_repeats(parsed.items, on_the_list)
    if repeats:
        if args.allow_repeats:
            print(f"{repeats_text(repeats, whose)} — imported again (--allow-repeats).")
        else:
            print(f"{repeats_text(repeats, whose)} — skipped (--allow-repeats imports them).")
            parsed.items = fresh
            if not fresh:
                print(f"Nothing to import into {whose}: every line is already on it.")
                return 0
    if args.dry_run:
        if parsed.columns:
            print(parsed.columns_text())
        for item in parsed.items:
            days = "day" if item.effort == 1 else "days"
            effort = f"  ({item.effort:g} {days})" if item.effort is not None else ""
            notes = item.notes.count("\n") + 1 if item.notes else 0
            more = f"  (+{notes} line{'s' if notes != 1 else ''} of notes)" if notes else ""
            print(f"  line {item.line}: {clean_line(item.title)}{effort}{more}")
        if owner is not None and existing is None:
            print(f"Would create stakeholder “{owner}”.")
        elif existing is not None and existing.archived:
            print(f"Would bring back stakeholder “{existing.name}” (archived).")
        count = len(parsed.items)
        print(
            f"Would import {count} item{'s' if count != 1 else ''} into {whose} in "
            f"{quarter.name}. Nothing was written (dry run)."
        )
        return 0

    try:
        store = Store.open(board, create=False)
    except PlanboardError as error:
        return _fail(str(error))
    try:
        if store.viewer:
            return _fail(
                f"{board} is open in another planboard; import from inside it, or close it first."
            )
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


def _similar_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planboard similar",
        usage="planboard similar PATH [--quarter Q] [--json]",
        description="Show the groups of open items (on lists and in blocks) that ask for "
        "much the same thing, across lists. Reads the board only; it may be open elsewhere.",
    )
    parser.add_argument("path", metavar="PATH", help="the board file")
    parser.add_argument("--quarter", "-q", help="the quarter (default: the newest not decided)")
    parser.add_argument("--json", action="store_true", help="print the groups as JSON")
    return parser


def similar_groups(
    store: Store, quarter_id: int, *, notes: list[str] | None = None
) -> list[dict[str, object]]:
    """The quarter's open items that ask for the same thing, grouped: each group's
    items (id, title, owner — a name, or "Team" —, place "list" or "block",
    stakeholder_id) and its pairs with why they match (a, b, why). Pairs rejected as
    not the same are left out; stored meaning vectors are reused. `notes` collects
    what the matcher could not do (e.g. without numpy)."""
    from .core.model import TEAM
    from .core.similar import Entry, match

    board = store.board(quarter_id)
    items = {}
    entries = []
    for place, found in board.places.items():
        if place.is_dropped:
            continue
        for item in found:
            items[item.id] = (item, "block" if place.is_block else "list")
            entries.append(Entry(item.id, item.title, item.stakeholder_id))
    stored: dict[object, tuple[str, bytes]] = dict(store.item_vectors(quarter_id))
    rejected: set[frozenset[object]] = set(store.rejected_pairs(quarter_id))
    matches = match(entries, stored=stored, rejected=rejected)
    if notes is not None and matches.note:
        notes.append(matches.note)
    result: list[dict[str, object]] = []
    for group in matches.groups:
        rows = []
        keys = sorted(int(e.key) for e in group)
        for key in keys:
            item, where = items[key]
            person = board.stakeholder(item.stakeholder_id)
            rows.append(
                {
                    "id": item.id,
                    "title": item.title,
                    "owner": person.name if person else TEAM,
                    "place": where,
                    "stakeholder_id": item.stakeholder_id,
                }
            )
        pairs = [
            {"a": a, "b": b, "why": matches.why(a, b)}
            for n, a in enumerate(keys)
            for b in keys[n + 1 :]
            if any(other == b for other, _ in matches.overlap.get(a, ()))
        ]
        result.append({"items": rows, "pairs": pairs})
    return result


def run_similar(argv: list[str]) -> int:
    args = _similar_parser().parse_args(argv)
    import json

    from .core.text import clean_line

    board = Path(args.path)
    store, reason = _open_for_reading(board)
    if store is None:
        return _fail(reason)
    notes: list[str] = []
    try:
        quarter = store.quarter_by_name(args.quarter) if args.quarter else store.default_quarter()
        found = similar_groups(store, quarter.id, notes=notes)
    except PlanboardError as error:
        return _fail(str(error))
    finally:
        store.close()
    for note in notes:
        print(note, file=sys.stderr)
    if args.json:
        print(json.dumps(found, indent=2))
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


EXPORT_FORMATS = ("md", "html", "csv", "json")
_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
_SUFFIXES |= {".csv": "csv", ".json": "json"}


def _export_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planboard export",
        usage="planboard export PATH [--quarter Q] [--format md|html|csv|json] [-o FILE]",
        description="Export a quarter's outcome: a short newsletter (Markdown or a "
        "self-contained HTML page), one CSV row per item, or everything as JSON. Prints it, "
        "or writes it to FILE (atomically: never half a file). Reads the board only; it may "
        "be open in another planboard. Several boards (or a folder of them) export as one "
        "JSON document: every team's quarters, and who every team they asked cut off.",
    )
    parser.add_argument(
        "path",
        metavar="PATH",
        nargs="+",
        help="the board file (several, or a folder, with --format json: every team's quarters)",
    )
    parser.add_argument(
        "--quarter",
        "-q",
        help="the quarter (default: the newest decided one, else the one being prepared)",
    )
    parser.add_argument(
        "--format",
        "-f",
        choices=EXPORT_FORMATS,
        metavar="md|html|csv|json",
        help="the format (default: from FILE's extension, else md)",
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of printing")
    return parser


def _output_problem(target: Path, board: Path) -> str:
    """Why the export can't be written to `target` ("" if it can be tried)."""
    if target.is_dir():
        return f"Cannot write to {target}: it is a folder; give a file name."
    folder = target.parent
    if not folder.exists():
        return f"Cannot write {target}: the folder {folder} does not exist."
    if not folder.is_dir():
        return f"Cannot write {target}: {folder} is not a folder."
    try:
        same = target.resolve()
        board_file = board.resolve()
    except OSError as error:
        return f"Cannot write {target}: {error.strerror or error}."
    sidecars = {board_file.with_name(board_file.name + end) for end in ("-wal", "-shm", "-journal")}
    if same == board_file or same in sidecars:
        return f"Cannot write the export to {target}: that is the board file itself."
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"Cannot write {target}: the folder {folder} is read-only."
    if target.exists() and not os.access(target, os.W_OK):
        return f"Cannot write {target}: the file is read-only."
    return ""


def _write_stdout(text: str) -> None:
    """The export as UTF-8 bytes, whatever the terminal's encoding (the HTML says utf-8)."""
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:
        sys.stdout.write(text)
    else:
        sys.stdout.flush()
        stream.write(text.encode("utf-8"))
    sys.stdout.flush()


def _quiet_broken_pipe() -> int:
    """The reader went away (`| head`): stop quietly, without a traceback at exit."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0


def run_export(argv: list[str]) -> int:
    args = _export_parser().parse_args(argv)
    from .core.export import LABELS, export, write_export

    if len(args.path) > 1 or Path(args.path[0]).is_dir():
        return _export_many(args)
    board = Path(args.path[0])
    target = Path(args.output) if args.output else None
    if target is not None:
        problem = _output_problem(target, board)
        if problem:
            return _fail(problem)
    fmt = args.format
    if fmt is None:
        fmt = "md" if target is None else _SUFFIXES.get(target.suffix.lower())
        if fmt is None:
            return _fail(
                f"Cannot tell the format from the name {target.name if target else ''}; "
                "add --format md, html, "
                "csv or json."
            )
    store, reason = _open_for_reading(board)
    if store is None:
        return _fail(reason)
    try:
        if args.quarter:
            quarter = store.quarter_by_name(args.quarter.strip().upper())
            which = ""
        else:
            decided = [q for q in store.quarters() if q.is_decided]
            if decided:
                quarter, which = decided[-1], " (the newest decided quarter)"
            else:
                quarter = store.default_quarter()
                which = f" (no quarter is decided yet; {quarter.name} is {quarter.status})"
        if target is None:
            text = export(store, quarter.id, fmt)
        else:
            written = write_export(store, quarter.id, fmt, target)
    except PlanboardError as error:
        return _fail(str(error))
    except OSError as error:
        return _fail(f"Cannot write {target}: {error.strerror or error}. Nothing was written.")
    finally:
        store.close()
    if target is None:
        try:
            _write_stdout(text)
        except BrokenPipeError:
            return _quiet_broken_pipe()
        return 0
    print(f"Wrote {quarter.name}{which} as {LABELS[fmt]} to {written}.")
    return 0


def _many_boards(paths: list[str]) -> Boards | int | None:
    """Several boards (or a folder of them) read together; None for one board file;
    an exit status when one can't be read (its message printed)."""
    from .core.boards import board_files, read_boards

    given = [Path(p) for p in paths]
    if len(given) == 1 and not given[0].is_dir():
        return None
    files = board_files(given)
    if not files:
        return _fail(f"No board files (*.db) in {', '.join(paths)}.")
    stores = []
    try:
        for path in files:
            store, reason = _open_for_reading(path)
            if store is None:
                return _fail(reason)
            stores.append((path, store))
        return read_boards(stores)
    except PlanboardError as error:
        return _fail(str(error))
    finally:
        for _, store in stores:
            store.close()


def _export_many(args: argparse.Namespace) -> int:
    if (args.format or "json") != "json" or (
        args.output and not args.format and not args.output.lower().endswith(".json")
    ):
        return _fail(
            "Several boards export as JSON only (--format json); "
            "for a table, use planboard report with the same boards."
        )
    if args.quarter:
        return _fail("--quarter applies to one board; several boards export every quarter.")
    many = _many_boards(args.path)
    if isinstance(many, int):
        return many
    assert many is not None
    from .core.boards import to_json

    text = to_json(many)
    if args.output is None:
        try:
            _write_stdout(text)
        except BrokenPipeError:
            return _quiet_broken_pipe()
        return 0
    from .core.outcome import write_atomically

    target = Path(args.output)
    problem = _output_problem(target, Path(args.path[0]))
    if problem:
        return _fail(problem)
    try:
        write_atomically(target, text)
    except OSError as error:
        return _fail(f"Cannot write {target}: {error.strerror or error}. Nothing was written.")
    print(f"Wrote {len(many.teams)} boards as JSON to {target}.")
    return 0


def run_report(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="planboard report",
        usage="planboard report PATH [PATH ...]",
        description="Summarise every quarter (status, decision, chosen blocks, rationale) and "
        "which stakeholders each one served or cut off. Plain text when piped to a file. "
        "Reads the board only; it may be open in another planboard.",
    )
    parser.add_argument(
        "path", metavar="PATH", nargs="+", help="the board file (several, or a folder: every team)"
    )
    args = parser.parse_args(argv)
    from rich.console import Console

    class PipedConsole(Console):
        def on_broken_pipe(self) -> None:  # Rich exits 1 here; stop as the other commands do
            raise BrokenPipeError

    from .core.export import report

    many = _many_boards(args.path)
    if isinstance(many, int):
        return many
    if many is not None:
        from .core.boards import report as boards_report

        summary = boards_report(many)
    else:
        store, reason = _open_for_reading(Path(args.path[0]))
        if store is None:
            return _fail(reason)
        try:
            summary = report(store)
        except PlanboardError as error:
            return _fail(str(error))
        finally:
            store.close()
    encoding = (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "")
    if encoding != "utf8" and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")  # a symbol the terminal lacks shows as ?
    if sys.stdout.isatty():
        console = PipedConsole(highlight=False)
    else:
        console = PipedConsole(
            file=sys.stdout,
            force_terminal=False,
            no_color=True,
            color_system=None,
            width=100,
            highlight=False,
        )
    try:
        console.print(summary)
        sys.stdout.flush()
    except BrokenPipeError:
        return _quiet_broken_pipe()
    return 0


COMMANDS = ("meeting", "restore", "import", "similar", "export", "report", "serve", "replicate")


def run_serve(argv: list[str]) -> int:
    from .serve.command import run

    return run(argv)


def run_replicate(argv: list[str]) -> int:
    from .replica_cli import run_replicate as replicate

    return replicate(argv)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "meeting":
        return run_board(args[1:], meeting=True)
    commands = {
        "restore": run_restore,
        "import": run_import,
        "similar": run_similar,
        "export": run_export,
        "report": run_report,
        "serve": run_serve,
        "replicate": run_replicate,
    }
    if args and args[0] in commands:
        try:
            return commands[args[0]](args[1:])
        except BrokenPipeError:  # `planboard similar board.db | head`
            return _quiet_broken_pipe()
    if args and _looks_like_a_command(args[0]) and "--new" not in args:
        return _no_such_command(args[0])
    return run_board(args)


def _looks_like_a_command(word: str) -> bool:
    """A bare word (no folder, no suffix) that names no file: a mistyped command, far
    more often than a new board."""
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", word)) and not os.path.lexists(word)


def _no_such_command(word: str) -> int:
    import difflib

    close = difflib.get_close_matches(word.lower(), COMMANDS, n=1, cutoff=0.5)
    hint = f" Did you mean “planboard {close[0]}”?" if close else ""
    return _fail(
        f"no such command: {word}.{hint} Commands: {', '.join(COMMANDS)}. To open or create a "
        f"board, give its file name (planboard {word}.db), or add --new."
    )


if __name__ == "__main__":
    sys.exit(main())
