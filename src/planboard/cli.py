"""The `planboard` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .core.errors import PlanboardError

DEFAULT_FILE = "planboard.db"


def _board_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planboard",
        description="Run a data team's quarterly planning on one SQLite file.",
        epilog="A file that does not exist is created as a new board.",
    )
    parser.add_argument(
        "path",
        nargs="?",
        default=DEFAULT_FILE,
        help=f"the board file (default: {DEFAULT_FILE} in the current folder)",
    )
    parser.add_argument("--quarter", "-q", help="open this quarter (e.g. 2026-Q3)")
    parser.add_argument("--read-only", action="store_true", help="open without changing anything")
    parser.add_argument("--version", action="version", version=f"planboard {__version__}")
    return parser


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
    if meeting:
        args = _meeting_parser().parse_args(argv)
        args.read_only = False
        if not Path(args.path).exists():
            return _fail(f"{args.path} does not exist.")
    else:
        args = _board_parser().parse_args(argv)
    from .core.store import Store

    path = Path(args.path)
    try:
        store = Store.open(path, readonly=args.read_only)
    except PlanboardError as error:
        return _fail(str(error))
    try:
        quarter = store.quarter_by_name(args.quarter) if args.quarter else store.default_quarter()
        store.board(quarter.id)  # the whole quarter reads: no surprise once on screen
    except PlanboardError as error:
        store.close()
        return _fail(str(error))
    notice = None
    if store.created:
        notice = f"New board {path} created, with quarter {quarter.name}. Press ? for help."
    elif store.readonly:
        notice = f"Opened read-only: {store.readonly_reason}."

    from .ui.app import PlanboardApp

    PlanboardApp(store, quarter_id=quarter.id, notice=notice, start_meeting=meeting).run()
    return 0


def run_restore(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="planboard restore",
        description="List a board's backups, or restore one (the board as it is now is "
        "backed up first).",
    )
    parser.add_argument("path", help="the board file")
    parser.add_argument("backup", nargs="?", help="the number from the list, or a backup file")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    args = parser.parse_args(argv)
    from .core.backup import backups_of, describe
    from .core.store import Store

    board = Path(args.path)
    if not board.exists():
        return _fail(f"{board} does not exist.")
    found = backups_of(board)
    if args.backup is None:
        if not found:
            print(f"{board} has no backups beside it.")
            return 0
        print(f"Backups of {board} (newest last):")
        for number, backup in enumerate(found, start=1):
            label, when = describe(board, backup)
            print(f"  {number:>2}  {when}  {label:<28} {backup.name}")
        print(f"Restore one with: planboard restore {board} NUMBER")
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


COMMANDS = ("meeting", "restore")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "meeting":
        return run_board(args[1:], meeting=True)
    if args and args[0] == "restore":
        return run_restore(args[1:])
    return run_board(args)


if __name__ == "__main__":
    sys.exit(main())
