"""What every command shares: the error line, opening a board to read, writing to a pipe."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import PlanboardError
from ..core.text import clean_multiline, path_text

BOARD_SUFFIXES = (".db", ".sqlite", ".sqlite3")  # what a board file is called

if TYPE_CHECKING:
    from ..core.store import Store
    from .parser import Parser as Parser


def __getattr__(name: str) -> Any:
    # `Parser` (argparse's, in `parser.py`) is loaded when a command first asks for
    # it: `planboard PATH` opens a board without argparse (see `board._plain_open`).
    if name == "Parser":
        from .parser import Parser

        return Parser
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def board_path(text: str) -> str:
    """An argument naming a board file: an empty one is refused as such (as a path it
    would read as the current folder)."""
    from ..core.paths import too_long

    problem = "the board's file name is empty" if not text.strip() else too_long(text)
    if not problem and text.endswith(("/", os.sep)) and not os.path.isdir(text):
        # (`team.db/` read as `team.db` made that file; a folder that is there is
        # named as one where the board is opened.)
        problem = f"{text} ends with a slash, as a folder does: a board is a file (e.g. team.db)"
    if problem:
        import argparse  # (here: `planboard PATH` alone opens a board without it)

        raise argparse.ArgumentTypeError(problem)
    return text


def quarter_name(text: str) -> str:
    """A `--quarter` argument: an empty one is refused, not read as the default quarter."""
    import argparse

    if not text.strip():
        raise argparse.ArgumentTypeError("the quarter's name is empty (e.g. --quarter 2026-Q3)")
    return _as_text(text, "the quarter's name")


def stakeholder_name(text: str) -> str:
    """A `--stakeholder` argument."""
    return _as_text(text, "the stakeholder's name")


def _as_text(text: str, what: str) -> str:
    """An argument that is text: bytes the system could not read as it (a name typed
    in another encoding) are refused, not passed on to fail in the file's query."""
    import argparse

    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError(f"{what} holds bytes that are not UTF-8 text") from None
    return text


def _fail(message: str) -> int:
    # (Without control characters: a path holding an escape sequence turned the
    # terminal red, or cleared it.)
    _aside(f"planboard: {clean_multiline(message)}")
    return 2


def _aside(message: str) -> None:
    """A word on the error stream, beside the output: none when that stream is closed
    (`2>&-`: `print` then wrote it into the output, before an export's JSON) or can't
    be written (`2>/dev/full`: the export itself was lost)."""
    if sys.stderr is None:
        return
    with contextlib.suppress(OSError, ValueError):
        print(message, file=sys.stderr, flush=True)


def _confirmed(question: str, *, default: bool = False) -> bool | None:
    """The answer to a yes/no question on the terminal: True for y or yes (or Enter,
    with `default`); None when there is no answer to read (input closed, as under a
    script or `</dev/null`)."""
    try:
        answer = input(f"{question} {'[Y/n]' if default else '[y/N]'} ").strip().lower()
    except EOFError:
        print()
        return None
    return default if not answer else answer in ("y", "yes")


def _refused_unconfirmed(answer: bool | None) -> int:
    """What a command says and returns when it was not confirmed."""
    if answer is None:
        print("Nothing was changed: no answer could be read (add -y to go ahead without asking).")
    else:
        print("Nothing was changed.")
    return 1


def _existing_board(board: Path) -> str:
    """Why `board` can't be a board to import into or read from ("" if it may be one).
    An import never creates a board."""
    if not board.exists():
        return missing_board(board, new_hint=True)
    if board.is_dir():
        return f"{board} is a folder, not a board file."
    if not board.is_file():  # (a pipe or a device: it has no size, and is no board)
        return f"{board} is not a regular file, so it can't be a board."
    try:
        if board.stat().st_size == 0:
            return f"{board} is empty, not a board."
    except OSError as error:
        return f"Cannot read {board}: {error.strerror or error}."
    return ""


def missing_board(board: Path, *, new_hint: bool = False) -> str:
    """What to say of a board path that names nothing: a board in that folder spelled
    nearly the same (a typing slip), else to check the name (`new_hint`: and how a new
    board is made there)."""
    shown = path_text(board)
    try:
        os.stat(board)
    except FileNotFoundError:
        pass
    except OSError as error:  # (a link that loops, a path through a file: not missing)
        return f"Cannot open {shown}: {error.strerror or error}."
    near = boards_named_alike(board)
    if near:
        return f"{shown} does not exist. Did you mean {path_text(near)}?"
    if new_hint:
        return (
            f"{shown} does not exist (check the name); “planboard {shown}” would make a new board."
        )
    return f"{shown} does not exist (check the name)."


def boards_named_alike(board: Path) -> str:
    """A board file in the same folder whose name is close to `board`'s, case aside, as
    it would be typed ("" if none). Looks at the first 20,000 names in the folder."""
    import difflib

    try:
        names = {
            entry.name.lower(): entry.name
            for entry, _ in zip(os.scandir(board.parent), range(20_000), strict=False)
            if entry.name.lower().endswith(BOARD_SUFFIXES) and entry.is_file()
        }
    except OSError:
        return ""
    found = difflib.get_close_matches(board.name.lower(), list(names), n=3, cutoff=0.75)
    for name in found:  # (a file of another program named alike is no board to suggest)
        if _a_board(board.with_name(names[name])):
            return str(board.with_name(names[name]))
    return ""


def _a_board(path: Path) -> bool:
    """Whether `path` holds a planboard board (its tables), read without a change: as
    it is on disk (immutable: nothing made beside it); a file with a `-wal` beside it
    counts too (a board just made and open elsewhere has its tables in its `-wal`)."""
    import sqlite3

    from ..core.backup import file_uri
    from ..core.outcome import is_database
    from ..core.schema import BOARD_TABLES
    from ..core.sidecar import sidecar

    if not is_database(path):
        return False
    if sidecar(path, "-wal").exists():
        return True
    try:
        conn = sqlite3.connect(f"{file_uri(path, 'ro')}&immutable=1", uri=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return tables >= BOARD_TABLES


def _open_for_reading(board: Path) -> tuple[Store | None, str]:
    """The board opened read-only (nothing is written, not even an upgrade), or why not."""
    from ..core.store import Store

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


def _write_stdout(text: str) -> None:
    """The export as UTF-8 bytes, whatever the terminal's encoding (the HTML says utf-8)."""
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:
        sys.stdout.write(text)
    else:
        sys.stdout.flush()
        stream.write(text.encode("utf-8"))
    sys.stdout.flush()


class HelpNotWritten(Exception):
    """A parser's help or version could not be written (`error`: why)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def _output_failed(error: OSError) -> int:
    """The output could not be written (a full disk, `> /dev/full`): said once, and the
    rest of the output let go (written again at exit, it would fail again)."""
    print(f"planboard: the output could not be written: {error.strerror}", file=sys.stderr)
    _quiet_broken_pipe()  # (what is left goes nowhere, as for a reader gone)
    return 1


def _output_closed() -> int:
    """Run with its output closed (`>&-`): said, and nothing done (an import would be
    written without a word of what it did)."""
    if sys.stderr is not None:
        print(
            "planboard: the output could not be written: standard output is closed. "
            "Nothing was done.",
            file=sys.stderr,
        )
    return 1


def _quiet_broken_pipe() -> int:
    """The reader went away (`| head`): stop quietly, without a traceback at exit."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0
