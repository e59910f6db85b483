"""Benchmark: planboard as a person sees it, against a bare Textual app and a fixed floor.

    python -m planboard.bench [--quick] [--sizes 100,2000,10000,50000] [--runs 3] [--starts 8]

Every app runs as a real process in a pseudo-terminal, started the way its command starts
it (`python -m planboard PATH`), and is timed from outside, from the bytes it writes:

- first paint: from the fork to the end of the first frame that shows the board, the
  median of the runs' starts and of `--starts` more, timed to the first frame alone;
- an interaction: from the key's write to the pseudo-terminal to the **settled** screen,
  the last byte read before 100 ms of quiet. The harness answers the terminal query for
  synchronized output, so each frame the app writes ends with `ESC [ ? 2026 l`: the
  frames per key are counted from those;
- keys that scroll: Down through a long list, PgDn, End (Home between, not timed);
- move (`1`), drop (`d`, a reason, Enter: the Enter is timed) and undo (`u`);
- keys while background work runs: the Down keys sent while the app's process (and any
  process it started) is still busy after the board painted (the overlap pass), against
  the same keys once it is idle;
- undo and redo of a 20,000-item import on the largest board, to the message that says
  it is done; a Down sent 50 ms after the undo tells whether the screen kept answering
  (the work is off the UI thread) or waited for it;
- peak RSS: the `VmHWM`s of the app's processes added up, the highest seen in a run
  (they are looked at every 20 ms), after background work.

Two baselines run in the same run, alternating with planboard so that a slow spell of
the machine weighs on all three: the bare app (a header, a footer, one OptionList) with
as many lines as the board has items, and a fixed floor, the bare app with 100 lines.
Move to commit is `Store.move_item` in this process beside a bare `UPDATE` and commit of
one item on a copy of the same file (WAL, `synchronous=FULL`), one after the other in
turn, as a ratio.

The targets table is printed with the measured figures; the exit status is 1 when any
target is missed (2 on a harness failure). `--quick` runs 100 and 10,000 items once each
(about a minute); rows measured at 50,000 items are then measured at the largest size
run, and say so.
"""

from .figures import Row, SizeResult, n, pct, print_details, print_targets, targets
from .inprocess import (
    commit_times,
    heavy_modules_after_open,
    import_time_us,
    overlap_ms,
)
from .terminal import (
    BIG,
    FLOOR_LINES,
    IMPORT_ITEMS,
    ImportUndo,
    Interaction,
    Plan,
    Run,
    Term,
    app_argv,
    import_undo,
    measure,
)

__all__ = [
    "BIG",
    "FLOOR_LINES",
    "IMPORT_ITEMS",
    "ImportUndo",
    "Interaction",
    "Plan",
    "Row",
    "Run",
    "SizeResult",
    "Term",
    "app_argv",
    "commit_times",
    "heavy_modules_after_open",
    "import_time_us",
    "import_undo",
    "measure",
    "n",
    "overlap_ms",
    "pct",
    "print_details",
    "print_targets",
    "targets",
]
