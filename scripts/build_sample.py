"""Rebuild `sample.db` at the repository root from `planboard.core.sample`.

Run it after changing the sample content (the tests check that the file is current):

    python scripts/build_sample.py
"""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

from planboard.core.sample import build_sample

ROOT = Path(__file__).resolve().parent.parent


def counts(path: Path) -> list[str]:
    """One line per quarter, read without the store (so the file stays untouched)."""
    # immutable: read as it is, creating no -wal or -shm beside it
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        stakeholders = conn.execute("SELECT COUNT(*) FROM stakeholders").fetchone()[0]
        lines = [f"{stakeholders} stakeholders"]
        rows = conn.execute(
            """
            SELECT q.name, q.status,
                   COUNT(i.id),
                   SUM(i.block_id IS NOT NULL),
                   SUM(i.status = 'dropped'),
                   SUM(i.block_id IS NULL AND i.status = 'open'),
                   (SELECT COUNT(*) FROM blocks b WHERE b.quarter_id = q.id),
                   (SELECT COUNT(*) FROM blocks b
                     WHERE b.quarter_id = q.id AND b.chosen_rank IS NOT NULL)
            FROM quarters q LEFT JOIN items i ON i.quarter_id = q.id
            GROUP BY q.id ORDER BY q.name
            """
        )
        for name, status, items, in_blocks, dropped, loose, blocks, chosen in rows:
            lines.append(
                f"{name} {status:<9} {items:>3} items: {in_blocks} in {blocks} blocks "
                f"({chosen} chosen), {dropped} dropped, {loose} on the lists"
            )
    finally:
        conn.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "output", nargs="?", type=Path, default=ROOT / "sample.db", help="default: sample.db"
    )
    args = parser.parse_args()
    build_sample(args.output, overwrite=True)
    print(f"Built {args.output} ({args.output.stat().st_size:,} bytes)")
    for line in counts(args.output):
        print(f"  {line}")


if __name__ == "__main__":
    main()
