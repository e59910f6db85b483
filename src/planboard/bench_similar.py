"""Benchmark of the matcher at 50,000 items, against a floor measured in the same run.

    python -m planboard.bench_similar [--items 50000] [--runs 3]

- floor: `planboard export PATH --format json` of the quarter (read every item, print it
  as JSON), a real process, median of the runs;
- `planboard similar PATH --json` on the same board, a real process, with its meaning
  vectors already stored in the file (the board has been open once) and, separately,
  with none stored (the first time);
- the in-app pass: the overlap the board works out, as the board runs it (in its worker
  thread, the matching in a process of its own from 3,000 items up), in a fresh
  process: the RSS it adds there (peak RSS after it, less before it) plus the peak RSS
  of the pass's own process (its interpreter, numpy and the model included);
- time to embed 2,000 titles, and the cost of loading the meaning model.

Targets: `similar` ≤ 3 times the floor (vectors stored); the in-app pass adds ≤ 100 MB.
Prints the figures; exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_THINGS = (
    "churn",
    "revenue",
    "margin",
    "deliveries",
    "tickets",
    "invoices",
    "refunds",
    "orders",
    "signups",
    "leads",
    "deals",
    "pipeline",
    "stock",
    "returns",
    "complaints",
    "payments",
    "campaigns",
    "visits",
    "searches",
    "reviews",
    "contracts",
    "renewals",
    "discounts",
    "shipments",
    "suppliers",
    "customers",
    "agents",
    "hires",
    "absences",
    "costs",
)
_CUTS = (
    "by region",
    "per channel",
    "by month",
    "per warehouse",
    "by carrier",
    "per rep",
    "by product line",
    "per country",
    "by cohort",
    "per team",
    "by segment",
    "per week",
    "by category",
    "per supplier",
    "by plan",
    "per store",
)


def _titles(count: int, seed: int = 7) -> list[str]:
    """Varied titles: a business measure, a few words of a wide vocabulary, sometimes a
    cut (so that, as on real lists, most words are on few items and most titles have no
    twin)."""
    from planboard.core.lexicon import frequencies

    rng = random.Random(seed)
    vocabulary = [w for w, z in frequencies("en").items() if 2.5 <= z <= 4.5 and len(w) > 3]
    titles = []
    for _ in range(count):
        extra = " ".join(rng.sample(vocabulary, rng.randint(2, 4)))
        cut = f" {rng.choice(_CUTS)}" if rng.random() < 0.3 else ""
        titles.append(f"{rng.choice(_THINGS).capitalize()} {extra}{cut}")
    return titles


def build(path: Path, count: int) -> str:
    """A board of `count` open items on 60 lists, in one quarter; its quarter's name."""
    from planboard.core import Store

    store = Store.open(path)
    try:
        quarter = store.default_quarter()
        owners = []
        for n in range(60):
            store.add_stakeholder(f"Stakeholder {n}", f"Dept {n % 12}", quarter_id=quarter.id)
        owners = [s.id for s in store.stakeholders(quarter.id)]
        titles = _titles(count)
        now = "2026-01-01T00:00:00Z"
        with store.conn:
            store.conn.executemany(
                "INSERT INTO items (quarter_id, stakeholder_id, title, position, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (quarter.id, owners[n % 60], title, n // 60, now)
                    for n, title in enumerate(titles)
                ],
            )
        return quarter.name
    finally:
        store.close()


def _timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def store_vectors(path: Path) -> None:
    """What the board does once it has been open: keep every item's meaning vector."""
    from planboard.core import Store
    from planboard.core.similar import Entry, match

    store = Store.open(path)
    try:
        quarter = store.default_quarter()
        board = store.board(quarter.id)
        entries = [
            Entry(i.id, i.title, i.stakeholder_id) for items in board.places.values() for i in items
        ]
        found = match(entries, with_groups=False)
        store.save_item_vectors(found.new_vectors)
        # Vectors go into the file only once planboard has written something there (a
        # board opened and closed stays as it was): one change, as a user would make.
        store.set_setting("bench", "vectors kept")
    finally:
        store.close()


_PASS = """
import resource, sys
from planboard.core import Store
from planboard.ui.board.overlap import overlap_pass
store = Store.open(sys.argv[1], readonly=True)
q = store.default_quarter().id
board = store.board(q)
lists = [items for place, items in board.places.items() if place.kind != "dropped"]
owners = {s.id: s for s in board.stakeholders}
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM'):
            return int(line.split()[1])
before = rss()
stored = store.item_vectors(q)  # (the board reads them for its pass, and keeps them)
found = overlap_pass(lists, owners, stored, set(store.rejected_pairs(q)))
print(before, rss(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def in_app_pass_mb(path: Path) -> tuple[float, float, float]:
    """The board's overlap pass as the board runs it (in its worker, with a process of
    its own from 3,000 items up): the board's process before it (MB), what the pass
    adds to it (peak RSS), and the pass's own process at its peak (0 when none)."""
    out = subprocess.run(
        [sys.executable, "-c", _PASS, str(path)], capture_output=True, text=True, check=True
    ).stdout.split()
    before, after, child = int(out[0]), int(out[1]), int(out[2])
    return before / 1024, (after - before) / 1024, child / 1024


def embed_cost() -> tuple[float, float]:
    """Seconds to load the meaning model, and to embed 2,000 titles."""
    from planboard.core import similar

    start = time.perf_counter()
    model = similar.meaning_model()
    load = time.perf_counter() - start
    titles = _titles(2000, seed=11)
    start = time.perf_counter()
    model.embed(titles)
    return load, time.perf_counter() - start


def _compiled() -> None:
    """planboard's modules compiled (`.pyc` warm), as an installed wheel's are: an
    editable install may have left them uncompiled, and every command timed would
    compile them first."""
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parent), quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m planboard.bench_similar")
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from planboard.core.similar import meaning_available

    planboard = [sys.executable, "-m", "planboard"]
    _compiled()
    with tempfile.TemporaryDirectory() as folder:
        cold = Path(folder) / "cold.db"
        quarter = build(cold, args.items)
        warm = Path(folder) / "warm.db"
        build(warm, args.items)
        store_vectors(warm)
        floor, similar_warm = [], []
        for _ in range(args.runs):  # alternating, so a slow spell weighs on both
            floor.append(
                _timed(
                    [
                        *planboard,
                        "export",
                        str(warm),
                        "--quarter",
                        quarter,
                        "--format",
                        "json",
                        "-o",
                        str(Path(folder) / "out.json"),
                    ]
                )
            )
            similar_warm.append(_timed([*planboard, "similar", str(warm), "--json"]))
        similar_cold = _timed([*planboard, "similar", str(cold), "--json"])
        base_mb, added_mb, process_mb = in_app_pass_mb(warm)
        load_s, embed_s = embed_cost() if meaning_available() else (float("nan"),) * 2
    f, s = statistics.median(floor), statistics.median(similar_warm)
    print(
        f"planboard similar at {args.items:,} items (meaning: "
        f"{'on' if meaning_available() else 'off, no numpy'})"
    )
    print(f"  floor (export --format json):     {f:6.2f} s")
    print(f"  similar --json, vectors stored:   {s:6.2f} s  (×{s / f:.2f} the floor)")
    print(f"  similar --json, none stored yet:  {similar_cold:6.2f} s  (×{similar_cold / f:.2f})")
    print(
        f"  in-app pass: adds {added_mb:.0f} MB to the board's {base_mb:.0f} MB, and its own "
        f"process peaks at {process_mb:.0f} MB: {added_mb + process_mb:.0f} MB in all (peak RSS)"
    )
    print(
        f"  meaning model: loads in {load_s * 1000:.0f} ms; embeds 2,000 titles in "
        f"{embed_s * 1000:.0f} ms"
    )
    ok_time, ok_memory = s <= 3 * f, added_mb + process_mb <= 100
    print(
        f"  similar ≤ 3× floor: {'met' if ok_time else 'MISSED'}; "
        f"in-app pass ≤ 100 MB: {'met' if ok_memory else 'MISSED'}"
    )
    return 0 if ok_time and ok_memory else 1


if __name__ == "__main__":
    sys.exit(main())
