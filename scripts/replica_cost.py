"""What a year of a board costs in a Litestream replica, and to restore.

Replicates a copy of sample.db to a file replica while a script makes CHANGES actions
through the store (new items, moves, drops, blocks, renames) in BATCHES groups, each
group its own sync; then stops, and measures the replica's size and files, the time to
restore the latest state and a point in the middle, and the size of one snapshot (a year
of daily snapshots, kept for the default retention, is about 365 of them).

    python scripts/replica_cost.py [CHANGES] [BATCHES]
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def changes_of_a_day(store: object, count: int, rng: random.Random, tag: str) -> None:
    """`count` actions through the store: new items, moves to blocks, drops, renames,
    new blocks (each one action, with its undo record, as in the app)."""
    from planboard.core import Place

    conn = store.conn  # type: ignore[attr-defined]
    quarter = store.default_quarter().id  # type: ignore[attr-defined]
    people = [s.id for s in store.stakeholders()]  # type: ignore[attr-defined]

    def loose() -> int | None:
        row = conn.execute(
            "SELECT id FROM items WHERE quarter_id = ? AND block_id IS NULL AND status = 'open' "
            "AND merged_into IS NULL ORDER BY random() LIMIT 1",
            (quarter,),
        ).fetchone()
        return row[0] if row else None

    for step in range(count):
        kind = rng.choice(("add", "add", "move", "drop", "rename", "block"))
        item = loose()
        blocks = [b.id for b in store.blocks(quarter)]  # type: ignore[attr-defined]
        if kind == "move" and item and blocks:
            store.move_item(item, Place.block(rng.choice(blocks)))  # type: ignore[attr-defined]
        elif kind == "drop" and item:
            store.drop_item(item, f"{tag} not now {step}")  # type: ignore[attr-defined]
        elif kind == "rename" and item:
            store.edit_item(item, title=f"{tag} renamed {step}")  # type: ignore[attr-defined]
        elif kind == "block" and len(blocks) < 40:
            store.add_block(quarter, f"{tag} block {step}")  # type: ignore[attr-defined]
        else:
            owner = rng.choice([None, *people])
            store.add_item(quarter, owner, f"{tag} request {step}")  # type: ignore[attr-defined]


def main() -> None:
    changes = int(sys.argv[1]) if len(sys.argv) > 1 else 12_000
    batches = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    work = Path(tempfile.mkdtemp(prefix="replica-cost-"))
    os.environ["PLANBOARD_STATE_DIR"] = str(work / "state")
    from planboard.core import Store, replica

    board = work / "board.db"
    shutil.copyfile(ROOT / "sample.db", board)
    url = f"file://{work / 'replica'}"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "planboard", "replicate", str(board), "--to", url),
            *("--sync-interval", "100ms", "--check-every", "1"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(3)
    rng = random.Random(2026)
    started = time.monotonic()
    middle = None
    with Store.open(board) as store:
        per_batch = max(1, changes // batches)
        for batch in range(batches):
            changes_of_a_day(store, per_batch, rng, f"b{batch}")
            time.sleep(0.15)
            if batch == batches // 2:
                time.sleep(1.1)
                middle = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                time.sleep(1.1)
    writing = time.monotonic() - started
    process.send_signal(signal.SIGINT)
    print(process.communicate(timeout=120)[0].strip())

    # A snapshot of the board as it ends the year (Litestream takes one a day).
    config = replica.state_dir(board) / "litestream.yml"
    subprocess.run(
        [
            *(replica.litestream_binary(), "replicate", "-config", str(config)),
            *("-once", "-force-snapshot", "-no-expand-env"),
        ],
        check=True,
        capture_output=True,
        env=replica.litestream_env(),
    )
    files = [p for p in (work / "replica").rglob("*.ltx")]
    kept = sum(p.stat().st_size for p in files if p.parent.name != "0")
    size = sum(p.stat().st_size for p in files)
    by_level: dict[str, int] = {}
    for p in files:
        by_level[p.parent.name] = by_level.get(p.parent.name, 0) + 1
    snapshots = sorted((work / "replica" / "ltx" / "9").glob("*.ltx"))
    snapshot = snapshots[-1].stat().st_size if snapshots else 0

    def timed_restore(name: str, at: str | None) -> float:
        begin = time.monotonic()
        replica.restore_to(url, work / name, replica.parse_at(at) if at else None)
        return time.monotonic() - begin

    latest = timed_restore("latest.db", None)
    then = timed_restore("middle.db", middle)
    print(f"changes: {changes} in {batches} syncs, written in {writing:.1f} s")
    import sqlite3

    conn = sqlite3.connect(board)
    pages, page = (conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "page_size"))
    conn.close()
    print(f"board: {pages * page / 1e6:.2f} MB")
    print(
        f"replica: {size / 1e6:.2f} MB in {len(files)} LTX files "
        + ", ".join(f"level {k}: {v}" for k, v in sorted(by_level.items()))
    )
    print(f"without level 0 (Litestream removes it 5 minutes after merging): {kept / 1e6:.2f} MB")
    year = 365 * snapshot / 1e6
    print(f"the year-end snapshot: {snapshot / 1e6:.2f} MB; 365 of them: {year:.0f} MB")
    print(f"restore latest: {latest:.2f} s; restore at {middle}: {then:.2f} s")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
