"""`planboard restore`: list a board's backups, or put one back."""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path

from ..core.errors import PlanboardError
from ..core.lock import writer_is_active
from .common import (
    Parser,
    _confirmed,
    _existing_board,
    _fail,
    _refused_unconfirmed,
    board_path,
    missing_board,
)
from .restore_lost import restore_lost


def _restore_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="planboard restore",
        description="List a board's backups, or restore one (the board as it is now is "
        "backed up first).",
    )
    parser.add_argument("path", type=board_path, nargs="?", help="the board file")
    parser.add_argument("backup", nargs="?", help="the number from the list, or a backup file")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    from .replicate import add_restore_options

    add_restore_options(parser)
    return parser


def run_restore(argv: list[str]) -> int:
    parser = _restore_parser()
    args = parser.parse_args(argv)
    given = (args.from_url, args.at, args.output)
    if any(value is not None for value in given) or args.list:  # (`--at ""` too)
        from .replicate import run_restore_from

        return run_restore_from(args)
    if args.path is None:
        parser.error("the board file is required (or --from URL for a replica)")
    from ..core.backup import backups_of

    board = Path(args.path)
    if not os.path.lexists(board) or (board.is_file() and board.stat().st_size == 0):
        return restore_lost(board, args.backup, yes=args.yes)  # (from a backup named so)
    if not board.exists():
        return _fail(missing_board(board))
    if not board.is_file():
        return _fail(f"{board} is not a regular file, so it can't be a board.")
    problem = _existing_board(board)  # (an empty file is not made a board: left as it is)
    if problem:
        return _fail(problem)
    found = backups_of(board)
    if args.backup is None:
        return _list_backups(board, found)
    if args.backup.isdigit():
        index = int(args.backup)
        if not 1 <= index <= len(found):
            return _fail(f"There is no backup {index}; {board} has {len(found)}.")
        chosen = found[index - 1]
    else:
        chosen = Path(args.backup)
        if not os.path.lexists(chosen):
            if len(chosen.parts) == 1 and not chosen.suffix:  # (`-1`, `last`: no file)
                count = f"1 to {len(found)}" if found else "none yet"
                return _fail(
                    f"{chosen} is neither a backup's number ({count}: planboard restore "
                    f"{board} lists them) nor a backup file."
                )
            return _fail(f"{chosen} does not exist.")
        if chosen.is_dir():
            return _fail(f"{chosen} is a folder, not a backup.")
        if not chosen.is_file():
            return _fail(f"{chosen} is not a regular file, so it can't be a backup.")
        if chosen.resolve() == board.resolve():
            return _fail(f"{chosen} is the board itself: name one of its backups.")
    with contextlib.suppress(OSError):  # (one that can't be read: the open says so)
        if writer_is_active(board):  # (said before asking, not after a yes)
            return _fail(f"{board} is open in another planboard; close it, then restore.")
    from ..core.backup import board_id_in, check_backup

    try:  # a backup of another board (or no backup at all): said before asking too
        check_backup(chosen, board_id_in(board), board)
    except PlanboardError as error:
        return _fail(str(error))
    if not args.yes:
        answer = _confirmed(f"Replace {board} with {chosen.name}?")
        if not answer:
            return _refused_unconfirmed(answer)
    return _restore(board, chosen)


def _list_backups(board: Path, found: list[Path]) -> int:
    from ..core.backup import describe, unclaimed_backups

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


def _restore(board: Path, chosen: Path) -> int:
    from ..core.store import Store

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
