"""`planboard export` and `planboard report`: a quarter's outcome, one board or many."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import PlanboardError
from ..core.text import clean_line, path_text
from .common import (
    Parser,
    _aside,
    _fail,
    _open_for_reading,
    _quiet_broken_pipe,
    _write_stdout,
    board_path,
    quarter_name,
)

if TYPE_CHECKING:
    from ..core.boards import Boards


EXPORT_FORMATS = ("md", "html", "csv", "json")
_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
_SUFFIXES |= {".csv": "csv", ".json": "json"}


def _export_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
        type=board_path,
        metavar="PATH",
        nargs="+",
        help="the board file (several, or a folder, with --format json: every team's quarters)",
    )
    parser.add_argument(
        "--quarter",
        "-q",
        type=quarter_name,
        help="the quarter (default: the newest decided one, else the one being prepared)",
    )
    parser.add_argument(
        "--format",
        "-f",
        choices=EXPORT_FORMATS,
        metavar="md|html|csv|json",
        help="the format (default: md when printed; with -o, from FILE's extension; "
        "several boards: json, their only format)",
    )
    parser.add_argument(
        "--output", "-o", metavar="FILE", type=_named, help="write to FILE instead of printing"
    )
    return parser


def _output_problem(target: Path, board: Path) -> str:
    """Why the export can't be written to `target` ("" if it can be tried)."""
    from ..core.outcome import database_part_of, is_database, writable_target
    from ..core.paths import too_long
    from ..core.sidecar import of_board

    if too_long(str(target)):
        return too_long(str(target))
    if target.is_dir():
        return f"Cannot write to {target}: it is a folder; give a file name."
    try:
        target = writable_target(target)
    except OSError as error:
        return f"Cannot write {target}: {error.strerror or error}. Nothing was written."
    folder = target.parent
    if not folder.exists():
        return f"Cannot write {target}: the folder {folder} does not exist."
    if not folder.is_dir():
        return f"Cannot write {target}: {folder} is not a folder."
    if of_board(target, board):
        return f"Cannot write the export to {target}: that is the board file itself."
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"Cannot write {target}: the folder {folder} is read-only."
    if target.exists() and not os.access(target, os.W_OK):
        return f"Cannot write {target}: the file is read-only."
    if is_database(target):  # (another board, or a backup: CSV was written over them)
        return (
            f"Cannot write the export to {target}: it is an SQLite database (a board or "
            "a backup?); choose another file name."
        )
    database = database_part_of(target)
    if database is not None:  # (another board's -wal: its last changes were lost)
        return (
            f"Cannot write the export to {target}: it is part of an SQLite database "
            f"({database.name}: a board's write-ahead log or its index); it was left as it "
            "was. Choose another file name."
        )
    return ""


def _named(value: str) -> str:
    """-o's file: `-o "$OUT"` with OUT unset printed the export, as if no -o was given."""
    if not value.strip():
        raise argparse.ArgumentTypeError(
            "-o is empty: give the file to write, or leave -o out to print it"
        )
    return value


def run_export(argv: list[str]) -> int:
    args = _export_parser().parse_args(argv)
    from ..core.export import LABELS, export, left_out, write_export

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
            quarter = store.quarter_by_name(args.quarter)
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
        lost = left_out(store, quarter.id, 5)
    except PlanboardError as error:
        return _fail(str(error))
    except OSError as error:
        return _fail(f"Cannot write {target}: {error.strerror or error}. Nothing was written.")
    finally:
        store.close()
    _say_left_out(*lost)
    if target is None:
        try:
            _write_stdout(text)
        except BrokenPipeError:
            return _quiet_broken_pipe()
        if not args.quarter and not quarter.is_decided:  # (said beside the export, not in it)
            _aside(
                f"planboard: no quarter is decided yet; exported {clean_line(quarter.name)}, "
                f"which is {quarter.status}."
            )
        return 0
    print(f"Wrote {clean_line(quarter.name)}{which} as {LABELS[fmt]} to {path_text(written)}.")
    return 0


def _say_left_out(named: list[str], count: int) -> None:
    """The items the export left out, said beside it (not in it): five named at most,
    and how many more."""
    if named:
        more = (
            f"; and {count - len(named):,} more ({count:,} items in all)"
            if count > len(named)
            else ""
        )
        _aside(
            f"planboard: left out of the export, as the board shows them nowhere (another "
            f"program wrote them): {'; '.join(named)}{more}."
        )


def _many_boards(paths: list[str]) -> Boards | int | None:
    """Several boards (or a folder of them) read together; None for one board file;
    an exit status when one can't be read (its message printed)."""
    from ..core.boards import board_files, read_boards

    given = [Path(p) for p in paths]
    if len(given) == 1 and not given[0].is_dir():
        return None
    files = board_files(given)
    if not files:
        return _fail(f"No board files (*.db) in {', '.join(paths)}.")
    for folder in (p for p in given if p.is_dir()):  # (one of several: not left out quietly)
        if not board_files([folder]):
            return _fail(f"No board files (*.db) in {path_text(folder)}.")
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
    from ..core.boards import to_json

    text = to_json(many)
    if args.output is None:
        try:
            _write_stdout(text)
        except BrokenPipeError:
            return _quiet_broken_pipe()
        return 0
    from ..core.outcome import write_atomically

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


def _report_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="planboard report",
        usage="planboard report PATH [PATH ...]",
        description="Summarise every quarter (status, decision, chosen blocks, rationale) and "
        "which stakeholders each one served or cut off. Plain text when piped to a file. "
        "Reads the board only; it may be open in another planboard.",
    )
    parser.add_argument(
        "path",
        type=board_path,
        metavar="PATH",
        nargs="+",
        help="the board file (several, or a folder: every team)",
    )
    return parser


def run_report(argv: list[str]) -> int:
    args = _report_parser().parse_args(argv)
    from rich.console import Console

    class PipedConsole(Console):
        def on_broken_pipe(self) -> None:  # Rich exits 1 here; stop as the other commands do
            raise BrokenPipeError

    from ..core.export import report

    many = _many_boards(args.path)
    if isinstance(many, int):
        return many
    if many is not None:
        from ..core.boards import report as boards_report

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
