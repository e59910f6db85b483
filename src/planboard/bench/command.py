"""`python -m planboard.bench`: the options, the runs size by size, and the report."""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .figures import SizeResult, n, print_details, print_targets, targets
from .inprocess import (
    commit_times,
    heavy_modules_after_open,
    import_time_us,
    overlap_ms,
)
from .terminal import (
    BARE_MARK,
    BIG,
    FLOOR_LINES,
    IMPORT_ITEMS,
    PLANBOARD_MARK,
    ImportUndo,
    Plan,
    Term,
    app_argv,
    first_paint_once,
    import_undo,
    measure,
)


def machine() -> str:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{platform.node()}: {os.cpu_count()} cores ({cpu or platform.machine()}), load average "
        f"{load}; Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.platform()}"
    )


@contextlib.contextmanager
def step(name: str) -> Iterator[None]:
    start = time.monotonic()
    print(f"  {name}…", end="", flush=True, file=sys.stderr)
    yield
    print(f" {time.monotonic() - start:.0f} s", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m planboard.bench",
        description=sys.modules[__package__ or "planboard.bench"].__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick", action="store_true", help="100 and 10,000 items, one run, two more starts"
    )
    parser.add_argument("--sizes", help="board sizes (default 100,2000,10000,50000)")
    parser.add_argument("--runs", type=int, help="app starts per size and app (default 3)")
    parser.add_argument(
        "--starts",
        type=int,
        help="more starts per size and app, timed to the first frame alone (default 8; "
        "2 with --quick)",
    )
    parser.add_argument("--keys", type=int, help="Down keys per run (default 30)")
    parser.add_argument("--moves", type=int, help="move/drop/undo rounds per run (default 4)")
    parser.add_argument("--commits", type=int, default=400, help="moves for move to commit")
    parser.add_argument(
        "--import-items", type=int, help=f"items in the import undone (default {IMPORT_ITEMS:,})"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    quick = args.quick
    sizes = [
        int(s)
        for s in (args.sizes or ("100,10000" if quick else "100,2000,10000,50000")).split(",")
    ]
    runs = args.runs or (1 if quick else 3)
    downs = args.keys if args.keys is not None else (8 if quick else 30)
    starts = args.starts if args.starts is not None else (2 if quick else 8)
    plan = Plan(
        starts=max(0, starts),
        downs=downs,
        pages=max(1, downs // 4),
        ends=max(1, downs // 8),
        moves=args.moves if args.moves is not None else (1 if quick else 4),
        busy_keys=max(4, downs),
    )
    biggest = max(sizes)
    import_items = args.import_items
    if import_items is None:
        # (at the largest size run: 20,000 at 50,000 items, 2,000 at 10,000)
        import_items = IMPORT_ITEMS if biggest >= BIG else max(1, biggest // 5)

    import compileall

    # `.pyc` warm: compile planboard (an editable install may have left it uncompiled),
    # as an installed wheel would be.
    compileall.compile_dir(str(Path(__file__).resolve().parents[1]), quiet=1)

    print(f"planboard benchmark — {machine()}")
    imp_pb = statistics.median(import_time_us("planboard.app") for _ in range(3))
    imp_bare = statistics.median(import_time_us("textual.app") for _ in range(3))
    print(
        f"import planboard.app: {imp_pb / 1000:.0f} ms (textual.app alone: "
        f"{imp_bare / 1000:.0f} ms, ×{imp_pb / imp_bare:.2f})"
    )
    results: list[SizeResult] = []
    undo: ImportUndo | None = None
    try:
        with tempfile.TemporaryDirectory() as folder:
            for size in sizes:
                results.append(_measure_size(Path(folder), size, runs, plan, args.commits))
                if size == biggest and import_items:
                    with step(f"undo/redo of a {n(import_items)}-item import"):
                        undo = import_undo(Path(folder) / f"board-{size}.db", import_items)
    except (RuntimeError, OSError) as error:
        print(f"The benchmark could not run: {error}", file=sys.stderr)
        return 2
    return _report(results, undo)


def _measure_size(folder: Path, size: int, runs: int, plan: Plan, commits: int) -> SizeResult:
    """Every figure at one board size: a board generated, the apps warmed up, then the
    runs interleaved, the commits and the overlap pass."""
    from planboard.core.sample import generate_board

    print(f"{n(size)} items:", file=sys.stderr)
    stakeholders = 60 if size >= 2000 else max(1, size // 20)
    blocks = 40 if size >= 2000 else max(1, size // 25)
    db = folder / f"board-{size}.db"
    with step("generate"):
        generate_board(db, items=size, stakeholders=stakeholders, blocks=blocks)
    heavy = heavy_modules_after_open(db)
    with step("warm-up"):
        for kind, lines in (("planboard", size), ("bare", size)):
            term = Term(app_argv(kind, db, lines))
            try:
                term.first_paint(PLANBOARD_MARK if kind == "planboard" else BARE_MARK)
            finally:
                term.stop()
    pb_runs, bare_runs, floor_runs = [], [], []
    # Interleaved: a slow spell of the machine weighs on all three.
    for index in range(runs):
        with step(f"run {index + 1}"):
            pb_runs.append(measure("planboard", db, size, plan, background=True))
            bare_runs.append(measure("bare", db, size, plan, background=False))
            floor_runs.append(measure("bare", db, FLOOR_LINES, plan, background=False))
    # A start's first frame varies by a third from one start to the next on a quiet
    # machine (the floor's own starts: 236 to 340 ms): more starts, still interleaved,
    # so that the medians say what is typical.
    starts: dict[str, list[float]] = {"planboard": [], "bare": [], "floor": []}
    if plan.starts:
        with step(f"{plan.starts} more starts to the first frame"):
            for _ in range(plan.starts):
                starts["planboard"].append(first_paint_once("planboard", db, size))
                starts["bare"].append(first_paint_once("bare", db, size))
                starts["floor"].append(first_paint_once("bare", db, FLOOR_LINES))
    with step("commits"):
        timings, bare_timings = commit_times(db, commits)
    similar = overlap_ms(db)
    return SizeResult(
        size, pb_runs, bare_runs, floor_runs, timings, bare_timings, similar, heavy, starts
    )


def _report(results: list[SizeResult], undo: ImportUndo | None) -> int:
    """The tables and the targets; 1 when any target is missed."""
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print_details(results)
    print()
    print(
        "overlap pass (in-process): "
        + ", ".join(f"{n(r.size)} items {r.overlap_ms:.0f} ms" for r in results)
    )
    print()
    rows = targets(results, undo)
    print_targets(rows)
    missed = [row for row in rows if row.ok is False]
    print()
    if missed:
        print("Targets missed: " + "; ".join(row.figure for row in missed))
        return 1
    print("All targets met.")
    return 0
