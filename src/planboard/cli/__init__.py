"""The `planboard` command.

Each command is a module of its own: `board` (opening a board, `meeting`), `restore`,
`importing`, `similar`, `export` (with `report`) and `replicate`; `common` holds what they
share."""

from __future__ import annotations

import errno
import functools
import os
import re
import sys
from collections.abc import Callable

from .board import DEFAULT_FILE, run_board
from .common import HelpNotWritten, _fail, _output_closed, _output_failed, _quiet_broken_pipe

__all__ = [
    "COMMANDS",
    "DEFAULT_FILE",
    "main",
    "run_board",
    "run_export",
    "run_import",
    "run_replicate",
    "run_report",
    "run_restore",
    "run_serve",
    "run_similar",
]

# The output could not be written: the disk (or quota, or file size limit) is full.
_OUTPUT_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
COMMANDS = ("meeting", "restore", "import", "similar", "export", "report", "serve", "replicate")


# The commands other than the board's are loaded when they run: opening a board, the
# one thing that is timed to its first frame, does not wait for their code.


def run_restore(argv: list[str]) -> int:
    from .restore import run_restore as restore

    return restore(argv)


def run_import(argv: list[str]) -> int:
    from .importing import run_import as import_lists

    return import_lists(argv)


def run_similar(argv: list[str], *, program: bool = False) -> int:
    from .similar import run_similar as similar

    return similar(argv, program=program)


def run_export(argv: list[str]) -> int:
    from .export import run_export as export

    return export(argv)


def run_report(argv: list[str]) -> int:
    from .export import run_report as report

    return report(argv)


def run_serve(argv: list[str]) -> int:
    from ..serve.command import run

    return run(argv)


def run_replicate(argv: list[str]) -> int:
    from .replicate import run_replicate as replicate

    return replicate(argv)


def _names_in_any_encoding() -> None:
    """A path whose name is not in the terminal's encoding (a folder copied from a
    system in another one) is printed as its bytes, as `ls` does, not a traceback."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", "") == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="surrogateescape")


def main(argv: list[str] | None = None) -> int:
    if argv is not None:
        return _main(argv)
    return _main(sys.argv[1:], program=True)


def _main(args: list[str], *, program: bool = False) -> int:
    """`program`: planboard runs as the program (not called by another), and ends
    when the command does."""
    _names_in_any_encoding()
    try:
        return _command(args, program=program)
    except HelpNotWritten as unwritten:  # (`--help > /dev/full`, `--help | true`)
        error = unwritten.error
        if isinstance(error, BrokenPipeError):
            return _quiet_broken_pipe()
        if error.errno not in _OUTPUT_FULL:
            raise error from None
        return _output_failed(error)


def _command(args: list[str], *, program: bool) -> int:
    if args and args[0] == "meeting":
        return run_board(args[1:], meeting=True)
    commands: dict[str, Callable[[list[str]], int]] = {
        "restore": run_restore,
        "import": run_import,
        "similar": functools.partial(run_similar, program=program),
        "export": run_export,
        "report": run_report,
        "serve": run_serve,
        "replicate": run_replicate,
    }
    if args and args[0] in commands:
        if sys.stdout is None:  # (`>&-`: Python then drops what is printed, without a word)
            return _output_closed()
        try:
            return commands[args[0]](args[1:])
        except BrokenPipeError:  # `planboard similar board.db | head`
            return _quiet_broken_pipe()
        except KeyboardInterrupt:  # Ctrl+C: stopped, as asked, without a traceback
            return 130
        except OSError as error:
            if error.errno not in _OUTPUT_FULL:
                raise
            return _output_failed(error)  # `planboard similar board.db > /dev/full`
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
