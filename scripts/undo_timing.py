"""Time the undo and the redo of one large import (by default 50,000 items).

    python scripts/undo_timing.py [ITEMS ...] [--runs N]

Each run builds a new board in a temporary folder, imports ITEMS items into one
stakeholder's list as one action, then undoes and redoes it (each one transaction,
committed with synchronous=FULL, as the board does). Prints wall-clock and CPU seconds;
the target is an undo or redo of any one action within 1 s at 50,000 items.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from planboard.core.timing import undo_redo_timing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("items", nargs="*", type=int, default=[50_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for items in args.items:
        results = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as folder:
                results.append(undo_redo_timing(Path(folder), items))
        for what in ("import", "undo", "redo"):
            wall = [getattr(r, f"{what}_s") for r in results]
            cpu = [getattr(r, f"{what}_cpu_s") for r in results]
            print(
                f"{items:>7,} items  {what:<6} wall median {statistics.median(wall):6.2f} s "
                f"(min {min(wall):.2f})   cpu median {statistics.median(cpu):6.2f} s "
                f"(min {min(cpu):.2f})"
            )


if __name__ == "__main__":
    main()
