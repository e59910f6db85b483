"""Opening a board: `planboard PATH` and `planboard meeting PATH`."""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import shutil
import sys
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

from .. import __version__
from ..core.errors import PlanboardError
from ..core.text import path_text
from ..ui import switching
from .common import (
    BOARD_SUFFIXES,
    _confirmed,
    _fail,
    board_path,
    boards_named_alike,
    missing_board,
    quarter_name,
)

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from ..core.store import Store

DEFAULT_FILE = "planboard.db"
HEAD_ROWS = 100  # the least a big quarter's head reads of each place it can show
# The interpreter's switch interval from the start to the first frame: while the
# screens' code loads beside the file's opening, and while the first frame waits to be
# written (the terminal's writer is a thread of its own, and the board goes on working
# as soon as it has handed the frame over: at the usual 5 ms, the frame waited 5 to 11
# ms for the interpreter). The usual interval is back once the frame is out.
STARTING_SWITCH_S = 0.0002
STARTING = "the start"  # (the need, as `ui.switching` is told it)


# Without a terminal to read keys from, the board would run unseen, on one core, until
# it was killed.
NO_TERMINAL = (
    "the board is shown in a terminal, and planboard's input is not one (a pipe, a "
    "file or /dev/null): run it in a terminal. From a script, `planboard export PATH` "
    "prints the board (`--format md`, `html`, `csv` or `json`)."
)
NO_SCREEN = (
    "the board is drawn on planboard's error stream, and that is not the terminal here "
    "(`2>` sends it elsewhere): run it with the error stream on the terminal."
)


def _refused_off_a_terminal() -> int | None:
    """The exit status of a start refused off a terminal (its input, or the error
    stream, which Textual draws on: `2>log` wrote the screen into the file and left
    the terminal raw and blank), said; None on a terminal."""
    if not sys.stdin.isatty():
        return _fail(NO_TERMINAL)
    drawn_on = sys.__stderr__
    if drawn_on is None or not drawn_on.isatty():
        if sys.stdout is not None and sys.stdout.isatty():
            print(f"planboard: {NO_SCREEN}")  # (where the person who ran it looks)
        return _fail(NO_SCREEN)
    return None


def _board_parser() -> argparse.ArgumentParser:
    from .parser import Parser

    parser = Parser(
        prog="planboard",
        description="Run a data team's quarterly planning on one SQLite file.",
        epilog="A file that does not exist is created as a new board (a name without "
        ".db, .sqlite or .sqlite3 asks first, or needs --new). Other commands: "
        "planboard meeting|import|similar|export|report|restore|serve|replicate PATH ... "
        "(planboard COMMAND --help for each).",
    )
    parser.add_argument(
        "path",
        type=board_path,
        nargs="?",
        default=DEFAULT_FILE,
        help=f"the board file (default: {DEFAULT_FILE} in the current folder)",
    )
    parser.add_argument(
        "--quarter", "-q", type=quarter_name, help="open this quarter (e.g. 2026-Q3)"
    )
    parser.add_argument("--read-only", action="store_true", help="open without changing anything")
    parser.add_argument(
        "--new",
        action="store_true",
        help="create the board even if its name does not end in "
        f"{', '.join(BOARD_SUFFIXES)} (without it, planboard asks first)",
    )
    parser.add_argument("--version", action="version", version=f"planboard {__version__}")
    return parser


def _confirm_new(args: argparse.Namespace, path: Path, new: bool) -> str:
    """Why a new board is not created at `path` ("" to go ahead). A name without a board
    suffix is more likely a typo than a board: ask first, or need `--new`. A name
    beside a board spelled nearly the same: that board is offered (`args.path` becomes
    it, if taken)."""
    if new or path.exists():
        return ""
    board_name = path.suffix.lower() in BOARD_SUFFIXES
    # A board name beside one spelled nearly the same: asked in a terminal (a script
    # naming a new board gets it, as before).
    near = boards_named_alike(path) if board_name and sys.stdin.isatty() else ""
    if board_name and not near:
        return ""
    if not sys.stdin.isatty():
        return (
            f"{path} does not exist, and its name does not end in "
            f"{', '.join(BOARD_SUFFIXES)}; to create a new board there, add --new."
        )
    if near:  # (a slip, most likely: the board meant is offered first)
        if _confirmed(f"{missing_board(path)} Open it?", default=True):
            args.path = near
            return ""
        if _confirmed(f"Create a new board {path_text(path)}?"):
            return ""
        return "Nothing was created."
    if _confirmed(f"{path} does not exist. Create a new board there?"):
        return ""
    return "Nothing was created."


def _meeting_parser() -> argparse.ArgumentParser:
    from .parser import Parser

    parser = Parser(
        prog="planboard meeting",
        description="Open the planning event on a shared screen: start it if the quarter "
        "is being prepared (a backup of the file is written first), return to it if it is "
        "live, show the decision if it is decided.",
    )
    parser.add_argument("path", type=board_path, help="the board file")
    parser.add_argument(
        "--quarter",
        "-q",
        type=quarter_name,
        help="the quarter (default: the one whose event is live, else the newest not decided)",
    )
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
            return _fail(missing_board(Path(args.path)))
    else:
        args = _plain_open(argv) or _board_parser().parse_args(argv)
        refusal = _refused_before_opening(args)
        if refusal:
            return _fail(refusal)
    new_board = not args.read_only and not os.path.lexists(args.path)
    if new_board and (refused := _refused_off_a_terminal()) is not None:
        return refused  # (before a new board is made for nothing)
    from ..core.store import Store

    path = Path(args.path)
    # The screens' code is imported in a thread beside the opening of the file and the
    # first read of the board, whose SQLite work leaves the interpreter free: the pass
    # over the whole file that checks it (`PRAGMA quick_check`), and the finding and
    # sorting of the quarter's items. It starts once the file is known to be a board,
    # beside that pass. Taking a whole board's rows one by one needs the interpreter,
    # and beside the import both were slower (each row waits to have it back): those
    # wait for the import to end (`loaded`). A big quarter's head reads few rows a
    # statement: beside it. Each statement gives the interpreter up and waits to have
    # it back: the import hands it over sooner than it would (every 0.2 ms, not 5).
    # (Not for a start that is refused anyway: its input is not a terminal.)
    importing = threading.Thread(target=_import_the_screens, daemon=True)

    def start_importing() -> None:
        if importing.ident is None and sys.stdin.isatty():
            switching.shorter(STARTING, STARTING_SWITCH_S)
            try:
                importing.start()
            except RuntimeError:  # (no thread to be had: they load as the app is made)
                switching.as_usual(STARTING)

    def loaded() -> None:
        if importing.ident is not None:
            importing.join()

    try:
        try:
            store = Store.open(
                path,
                readonly=args.read_only,
                first_quarter=getattr(args, "first_quarter", None),
                found=start_importing,
            )
        except PlanboardError as error:
            return _fail(str(error))  # (a file refused before it is known as a board:
            # at once, with no screen loaded for it)
        start_importing()  # (a new board: nothing to check)
        out = functools.partial(switching.as_usual, STARTING)  # (the first frame out)
        return _read_and_run(store, path, args, meeting, loaded, out)
    finally:
        switching.as_usual(STARTING)
        if importing.ident is not None:
            importing.join()  # (never an import cut short by the end of the process)


def _plain_open(argv: list[str]) -> argparse.Namespace | None:
    """`planboard PATH` alone, the usual start, read as the board's parser reads it
    (its one argument is the path, no option given) without loading argparse: about 2
    ms of the first frame. None for anything else (an option, a path the parser
    refuses, which it then says why)."""
    if len(argv) != 1 or argv[0].startswith("-"):
        return None
    try:
        path = board_path(argv[0])
    except Exception:  # (argparse's refusal: the parser says it, as before)
        return None
    found = SimpleNamespace(path=path, quarter=None, read_only=False, new=False)
    return cast("argparse.Namespace", found)


def _refused_before_opening(args: argparse.Namespace) -> str | None:
    """Why `planboard PATH` stops before the file is opened, if it does. A new board
    asked for with `--quarter` starts on that quarter (`args.first_quarter`)."""
    from ..core.errors import ValidationError
    from ..core.store.quarters import canonical_quarter_name

    path = Path(args.path)
    if args.quarter and not path.exists() and path.name:
        if boards_named_alike(path):
            return missing_board(path)
        try:
            args.first_quarter = canonical_quarter_name(args.quarter)
        except ValidationError as error:
            return str(error)
    if args.read_only and not path.exists() and boards_named_alike(path):
        return missing_board(path)  # (nothing is created read-only)
    return _confirm_new(args, path, args.new or args.read_only)


def _read_and_run(
    store: Store,
    path: Path,
    args: argparse.Namespace,
    meeting: bool,
    loaded: Callable[[], None],
    first_frame_out: Callable[[], None],
) -> int:
    try:
        quarter = store.quarter_by_name(args.quarter) if args.quarter else store.default_quarter()
        # What is read here is what the board first shows, with the file's version
        # then: the whole quarter, or the head of a big one (the rest is read as soon as
        # it has painted, before any key).
        version = store.data_version()
        if meeting:
            board = store.board(quarter.id, rows_after=loaded)
        else:
            # (A screenful, and more: a terminal may grow before the first frame.)
            rows = max(shutil.get_terminal_size((120, 50)).lines, HEAD_ROWS)
            board = store.first_screen(quarter.id, rows, rows_after=loaded)
    except PlanboardError as error:
        store.close()
        return _fail(str(error))
    notice = None
    if store.created:
        from ..core.model import next_quarter_name

        try:  # (the next quarter is a key away: a quarter nearly over is no place to plan)
            upcoming = f" (to plan {next_quarter_name(quarter.name)}: o, then + New quarter)"
        except ValueError:
            upcoming = ""
        if getattr(args, "first_quarter", None):
            upcoming = ""  # (the quarter asked for with --quarter: the one to plan)
        notice = (
            f"New board {path} created, with quarter {quarter.name}{upcoming}. Press ? for help."
        )
    elif store.readonly:
        notice = f"Opened read-only: {store.readonly_reason}."

    if (refused := _refused_off_a_terminal()) is not None:  # (after the file's own
        store.close()  # refusals, which say more)
        return refused
    from ..ui.app import PlanboardApp  # (waits for the thread's import, if it still runs)

    loaded()  # (a big quarter's head did not wait for it: its read ran beside it)

    app = PlanboardApp(
        store,
        quarter_id=quarter.id,
        notice=notice,
        start_meeting=meeting,
        preloaded=(board, version),
        first_frame_out=first_frame_out,
    )
    app.run()
    # 1 when the app stopped on an error it did not expect (its traceback is printed):
    # a script that runs planboard sees it failed.
    return app.return_code or 0


def _import_the_screens() -> None:
    # (An import that fails here fails again where the app is made, and says why there.)
    with contextlib.suppress(Exception):
        from ..ui import app  # noqa: F401
