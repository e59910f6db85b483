"""Benchmark: planboard against a bare Textual app, measured in the same run.

    python -m planboard.bench [--sizes 100,2000,10000] [--runs 5] [--keys 40]

Boards of each size are generated (60 stakeholders and 40 blocks at the large end). Each
figure is printed beside a baseline measured in the same run — a minimal Textual app with
a header, a footer and one OptionList of as many lines, started the same way — because
these machines are noisy and the ratios are what count. The two apps' runs alternate, so
that a slow spell of the machine weighs on both.

How it measures:
- import time: `python -X importtime -c "import planboard.app"` (cumulative, microseconds);
  and whether numpy or pandas got imported once a board is open.
- first paint: a real process in a pseudo-terminal (after one warm-up run, so `.pyc`
  files are warm), from just before the fork to the first frame that shows the board
  (the app stamps each frame it writes with the monotonic clock, which both processes
  share).
- key to frame: a key written to the terminal, to the next frame the app writes.
- move to frame: `1` (move the highlighted item to block 1, committed and painted) to the
  next frame; the item is sent back with `r` between moves (not timed).
- move to commit: `Store.move_item` alone, in this process, `synchronous=FULL`; its
  baseline is a bare `UPDATE` of one item and its commit on a copy of the same file.
- peak RSS: the app process's `VmHWM` after the key and move runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import pty
import re
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CHILD_FLAG = "--child"
ENV_LOG = "PLANBOARD_BENCH_LOG"
SIZE = (120, 40)
DOWN, UP = "\x1b[B", "\x1b[A"


# ----------------------------------------------------------------- the child side


def _child(kind: str, db: str, lines: int) -> None:
    """Run planboard or the bare app in this process, stamping frames to a log."""
    log = open(os.environ[ENV_LOG], "a", buffering=1)  # noqa: SIM115 - lives as long as the app

    def stamp(tag: str) -> None:
        log.write(f"{tag} {time.monotonic_ns()}\n")

    if kind == "planboard":
        # Started as `planboard PATH` starts it (`run_board`), with frames stamped. The
        # collector is off before the UI is imported, as `run_board` has it.
        import gc

        gc.disable()
        from planboard.cli import run_board
        from planboard.ui.app import PlanboardApp
        from planboard.ui.screens.board import BoardScreen

        def post_display_hook(self: PlanboardApp) -> None:
            screen = self.screen
            if isinstance(screen, BoardScreen) and screen.board is not None:
                stamp("frame")

        PlanboardApp.post_display_hook = post_display_hook  # type: ignore[method-assign]
        run_board([db])
    else:
        from textual.app import App, ComposeResult
        from textual.binding import Binding
        from textual.widgets import Footer, Header, OptionList

        class Bare(App[None]):
            BINDINGS = [Binding("1", "move", "Move"), Binding("r", "back", "Back")]

            def compose(self) -> ComposeResult:
                yield Header()
                yield OptionList(
                    *[
                        f"Item {n}: weekly figures by region for the sales team"
                        for n in range(lines)
                    ]
                )
                yield Footer()

            def on_mount(self) -> None:
                self.query_one(OptionList).focus()

            def action_move(self) -> None:
                # The bare equivalent of a move: take the line out, put it at the end.
                options = self.query_one(OptionList)
                index = options.highlighted or 0
                prompt = options.get_option_at_index(index).prompt
                options.remove_option_at_index(index)
                options.add_option(prompt)

            def action_back(self) -> None:
                self.action_move()

            def post_display_hook(self) -> None:
                if self.query(OptionList):
                    stamp("frame")

        Bare().run()


# ---------------------------------------------------------------- the parent side


@dataclass
class Run:
    first_paint_ms: float
    key_ms: list[float] = field(default_factory=list)
    move_ms: list[float] = field(default_factory=list)
    rss_kb: int = 0


class Child:
    """One app process in a pseudo-terminal, with its frame log."""

    def __init__(self, kind: str, db: Path, lines: int, log: Path) -> None:
        log.write_text("")
        self.log = log
        self._seen = 0
        env = {
            **os.environ,
            ENV_LOG: str(log),
            "TERM": "xterm-256color",
            "TEXTUAL_ANIMATION": "none",
        }
        args = [sys.executable, "-m", "planboard.bench", CHILD_FLAG, kind, str(db), str(lines)]
        self.start_ns = time.monotonic_ns()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(sys.executable, args, env)
        import fcntl
        import struct
        import termios

        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))

    def _drain(self, timeout: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            with contextlib.suppress(OSError):
                os.read(self.fd, 1 << 16)

    def frames(self) -> list[int]:
        text = self.log.read_text()
        return [int(line.split()[1]) for line in text.splitlines() if line.startswith("frame ")]

    def next_frame_after(self, t_ns: int, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._drain(0.002)
            for stamp in self.frames()[self._seen :]:
                self._seen += 1
                if stamp >= t_ns:
                    return stamp
        raise TimeoutError("no frame came")

    def settle(self, quiet_s: float = 0.15, timeout: float = 5.0) -> None:
        """Wait until no frame has come for `quiet_s`."""
        deadline = time.monotonic() + timeout
        last = len(self.frames())
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            self._drain(0.01)
            count = len(self.frames())
            if count != last:
                last, quiet_since = count, time.monotonic()
            elif time.monotonic() - quiet_since >= quiet_s:
                break
        self._seen = len(self.frames())

    def key(self, data: str) -> float:
        """Write a key; milliseconds until the next frame."""
        self.settle(0.05)
        sent = time.monotonic_ns()
        os.write(self.fd, data.encode())
        return (self.next_frame_after(sent) - sent) / 1e6

    def rss_kb(self) -> int:
        status = Path(f"/proc/{self.pid}/status").read_text()
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(match.group(1)) if match else 0

    def stop(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        os.close(self.fd)


def measure(kind: str, db: Path, lines: int, log: Path, keys: int) -> Run:
    child = Child(kind, db, lines, log)
    try:
        first = child.next_frame_after(child.start_ns, timeout=60)
        run = Run(first_paint_ms=(first - child.start_ns) / 1e6)
        if keys:
            for n in range(keys):
                run.key_ms.append(child.key(DOWN if n % 2 == 0 else UP))
            for _ in range(max(3, keys // 2)):
                run.move_ms.append(child.key("1"))
                child.key("r")
        child.settle()
        run.rss_kb = child.rss_kb()
        return run
    finally:
        child.stop()


def move_to_commit(db: Path, moves: int) -> list[float]:
    """Milliseconds per `Store.move_item` (to block 1 and back), synchronous=FULL."""
    from planboard.core import Place, Store

    store = Store.open(db)
    try:
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        quarter = store.default_quarter().id
        board = store.board(quarter)
        block = board.blocks[0].id
        item = board.items_at(Place.team())[0]
        timings = []
        for n in range(moves):
            target = Place.block(block) if n % 2 == 0 else item.home
            start = time.perf_counter()
            store.move_item(item.id, target)
            timings.append((time.perf_counter() - start) * 1000)
        while store.undo_summary(quarter):  # leave the board as it was
            store.undo(quarter)
        return timings
    finally:
        store.close()


def bare_commit(db: Path, moves: int) -> list[float]:
    """The baseline for move to commit: milliseconds per bare `UPDATE` of one item's
    place and its commit, on a copy of the same file, WAL and `synchronous=FULL`."""
    import shutil
    import sqlite3

    copy = db.with_name(f"{db.stem}.bare-commit.db")
    shutil.copyfile(db, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        item, block = conn.execute(
            "SELECT i.id, b.id FROM items i JOIN blocks b ON b.quarter_id = i.quarter_id "
            "WHERE i.block_id IS NULL AND i.status = 'open' LIMIT 1"
        ).fetchone()
        timings = []
        for n in range(moves):
            start = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "UPDATE items SET block_id = ? WHERE id = ?", (block if n % 2 == 0 else None, item)
            )
            conn.execute("COMMIT")
            timings.append((time.perf_counter() - start) * 1000)
        return timings
    finally:
        conn.close()
        for leftover in copy.parent.glob(f"{copy.name}*"):
            leftover.unlink()


def overlap_ms(db: Path, runs: int = 3) -> float:
    """Median milliseconds to work out the overlap and the suggested blocks of a board."""
    from planboard.core import Store
    from planboard.core.similar import Entry, analyse

    store = Store.open(db, readonly=True)
    try:
        board = store.board(store.default_quarter().id)
    finally:
        store.close()
    entries = [
        Entry(item.id, item.title, item.stakeholder_id)
        for place, items in board.places.items()
        if not place.is_dropped
        for item in items
    ]
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        analyse(entries)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def import_time_us(module: str) -> int:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    for line in reversed(out.splitlines()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1])
    raise RuntimeError(f"no import time for {module}")


def heavy_modules_after_open(db: Path) -> list[str]:
    code = (
        "import sys; import planboard.app; from planboard.core import Store; "
        f"s = Store.open({str(db)!r}); s.board(s.default_quarter().id); "
        "print(','.join(m for m in ('numpy', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    return [m for m in out.split(",") if m]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == CHILD_FLAG:
        _child(argv[1], argv[2], int(argv[3]))
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m planboard.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", default="100,2000,10000")
    parser.add_argument("--runs", type=int, default=5, help="app starts per size and app")
    parser.add_argument("--keys", type=int, default=40, help="keys per run (moves: half)")
    parser.add_argument("--commits", type=int, default=400, help="moves for move to commit")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    import compileall

    from planboard.core.sample import generate_board

    # `.pyc` warm: compile planboard (an editable install, or PYTHONDONTWRITEBYTECODE,
    # may have left it uncompiled), as an installed wheel would be.
    compileall.compile_dir(str(Path(__file__).resolve().parent), quiet=1)

    print(
        f"planboard benchmark — {platform.node()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )
    imp_pb = statistics.median(import_time_us("planboard.app") for _ in range(3))
    imp_bare = statistics.median(import_time_us("textual.app") for _ in range(3))
    print(
        f"import planboard.app: {imp_pb / 1000:.0f} ms (textual.app alone: "
        f"{imp_bare / 1000:.0f} ms, ×{imp_pb / imp_bare:.2f})"
    )

    rows = []
    move_frame_p50: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            stakeholders = 60 if size >= 2000 else max(1, size // 20)
            blocks = 40 if size >= 2000 else max(1, size // 25)
            db = Path(folder) / f"board-{size}.db"
            generate_board(db, items=size, stakeholders=stakeholders, blocks=blocks)
            heavy = heavy_modules_after_open(db)
            log = Path(folder) / "frames.log"
            # warm-up: .pyc files and the OS cache
            measure("planboard", db, size, log, keys=0)
            measure("bare", db, size, log, keys=0)
            # Interleaved (planboard, bare, planboard, …): a slow spell of the machine
            # then weighs on both sides instead of on whichever ran during it.
            pb_runs, bare_runs = [], []
            for _ in range(args.runs):
                pb_runs.append(measure("planboard", db, size, log, args.keys))
                bare_runs.append(measure("bare", db, size, log, args.keys))
            commits = move_to_commit(db, args.commits)
            bare_commits = bare_commit(db, args.commits)
            similar = overlap_ms(db)

            def med(runs: list[Run], attr: str) -> float:
                return statistics.median(getattr(r, attr) for r in runs)

            def all_of(runs: list[Run], attr: str) -> list[float]:
                return [v for r in runs for v in getattr(r, attr)]

            rows.append(
                {
                    "size": size,
                    "heavy": heavy,
                    "paint": (med(pb_runs, "first_paint_ms"), med(bare_runs, "first_paint_ms")),
                    "key": (all_of(pb_runs, "key_ms"), all_of(bare_runs, "key_ms")),
                    "move": (all_of(pb_runs, "move_ms"), all_of(bare_runs, "move_ms")),
                    "rss": (med(pb_runs, "rss_kb"), med(bare_runs, "rss_kb")),
                    "commit": (commits, bare_commits),
                    "similar": similar,
                }
            )
            move_frame_p50[size] = pct(all_of(pb_runs, "move_ms"), 50)

    print()
    header = (
        f"{'items':>6} | {'first paint ms (bare, ×)':<26} | {'key→frame p50/p95 (bare)':<27} | "
        f"{'move→frame p50/p95 (bare)':<28} | {'commit p50/p99 (bare)':<24} | "
        f"{'peak RSS MB (bare, ×)':<22}"
    )
    print(header)
    print("-" * len(header))
    smallest = min(move_frame_p50) if move_frame_p50 else None
    failures = []
    for row in rows:
        size = row["size"]
        paint, bare_paint = row["paint"]
        key, bare_key = row["key"]
        move, bare_move = row["move"]
        rss, bare_rss = row["rss"]
        commit, bare_commit_ms = row["commit"]
        paint_ratio = paint / bare_paint
        rss_ratio = rss / bare_rss if bare_rss else float("nan")
        print(
            f"{size:>6} | {paint:6.0f} ({bare_paint:5.0f}, ×{paint_ratio:4.2f})      | "
            f"{pct(key, 50):5.1f}/{pct(key, 95):5.1f} ({pct(bare_key, 50):4.1f}/"
            f"{pct(bare_key, 95):5.1f}) | "
            f"{pct(move, 50):5.1f}/{pct(move, 95):5.1f} ({pct(bare_move, 50):5.1f}/"
            f"{pct(bare_move, 95):5.1f}) | "
            f"{pct(commit, 50):5.2f}/{pct(commit, 99):5.2f} ({pct(bare_commit_ms, 50):4.2f}/"
            f"{pct(bare_commit_ms, 99):4.2f}) | "
            f"{rss / 1024:6.1f} ({bare_rss / 1024:5.1f}, ×{rss_ratio:4.2f})"
        )
        paint_target = 2.0 if size >= 10000 else 1.3
        checks = [
            (f"first paint ≤ {paint_target}× bare", paint_ratio <= paint_target),
            ("key→frame p50 ≤ 16 ms", pct(key, 50) <= 16),
            ("key→frame p95 ≤ 50 ms", pct(key, 95) <= 50),
            ("move→commit p99 ≤ 5 ms", pct(commit, 99) <= 5),
        ]
        if size >= 10000:
            checks += [
                ("move→frame p50 ≤ 40 ms", pct(move, 50) <= 40),
                ("move→frame p95 ≤ 100 ms", pct(move, 95) <= 100),
                ("peak RSS ≤ 1.5× bare", rss_ratio <= 1.5),
            ]
            if smallest is not None and smallest != size:
                ratio = pct(move, 50) / move_frame_p50[smallest]
                checks.append((f"move→frame ≤ 1.5× at {smallest} (×{ratio:.2f})", ratio <= 1.5))
        if row["size"] <= 2000 and row["similar"] > 500:
            checks.append((f"overlap well under a second ({row['similar']:.0f} ms)", False))
        if row["heavy"]:
            checks.append((f"no numpy/pandas (found {', '.join(row['heavy'])})", False))
        for name, ok in checks:
            if not ok:
                failures.append(f"{size} items: {name}")
    print()
    print(
        "overlap and suggested blocks (in-process): "
        + ", ".join(f"{row['size']} items {row['similar']:.0f} ms" for row in rows)
    )
    print("numpy/pandas imported: " + ("no" if not any(r["heavy"] for r in rows) else "YES"))
    if failures:
        print("Targets missed:\n  " + "\n  ".join(failures))
    else:
        print("All targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
