"""Benchmark of `planboard serve`: many attendees follow the event while the facilitator
moves an item every second.

    python -m planboard.bench.serve [--clients 50] [--moves 20] [--interval 1.0]

One `planboard serve` process is started on a copy of the sample board, with its quarter
live, on 127.0.0.1 (a free port). This process opens `--clients` connections to its live
channel, then moves one item into a block and back out again, `--moves` times, one move
every `--interval` seconds, through the store (as the facilitator's planboard would).

Figures: for every move and every attendee, the time from the move's commit to the first
message that shows it (all on this machine's monotonic clock); the server's peak RSS
(`VmHWM`) and CPU time over the run; whether it stayed one process. Targets: one process,
peak RSS ≤ 100 MiB, every update at every attendee within 1 s. Exits 1 on a miss. Bounded
in time: the whole run gives up after `--moves` times `--interval`, plus 60 seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

TARGET_RSS_MIB = 100.0
TARGET_LATENCY_S = 1.0
URL = re.compile(r"http://127\.0\.0\.1:\d+/")


@dataclass
class Attendee:
    """One live connection: when each message came, and whether it showed the item in
    the block."""

    arrivals: list[tuple[float, bool]] = field(default_factory=list)
    error: str = ""


def _proc_status(pid: int, key: str) -> float:
    """A `kB` figure from /proc/PID/status, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def _children(pid: int) -> list[str]:
    found: list[str] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found.extend(children)
    return found


def _prepare(folder: Path) -> tuple[Path, int, int, int, str]:
    """A sample board with its quarter live; the item that will move, its block, its list."""
    from ..core.model import Place
    from ..core.sample import build_sample
    from ..core.store import Store

    path = folder / "bench-serve.db"
    build_sample(path)
    store = Store.open(path)
    try:
        quarter = store.default_quarter()
        store.start_meeting(quarter.id, backup=False)
        board = store.board(quarter.id)
        item = board.items_at(Place.team())[0]
        block = board.blocks[0]
        return path, quarter.id, item.id, block.id, item.title
    finally:
        store.close()


async def _follow(url: str, attendee: Attendee, title: str, ready: asyncio.Event) -> None:
    import aiohttp

    marker = json.dumps(title)[1:-1]  # as it appears inside the JSON message
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(url + "live", timeout=aiohttp.ClientTimeout(total=None)) as response,
        ):
            if response.status != 200:
                attendee.error = f"status {response.status}"
                ready.set()
                return
            async for raw in response.content:
                if raw.startswith(b"data: "):
                    now = time.monotonic()
                    attendee.arrivals.append((now, marker in raw.decode()))
                    ready.set()
    except asyncio.CancelledError:
        raise
    except Exception as error:
        attendee.error = str(error) or type(error).__name__
        ready.set()


async def _run(args: argparse.Namespace, folder: Path) -> int:
    path, _quarter, item_id, block_id, title = _prepare(folder)
    server = subprocess.Popen(
        [sys.executable, "-m", "planboard", "serve", str(path), "--port", "0", "--no-qr"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = await _server_url(server)
        if not url:
            print("The server did not start:", server.stderr.read() if server.stderr else "")
            return 1
        attendees = [Attendee() for _ in range(args.clients)]
        readies = [asyncio.Event() for _ in attendees]
        tasks = [
            asyncio.create_task(_follow(url, a, title, r))
            for a, r in zip(attendees, readies, strict=True)
        ]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 30)
        server_use = _ServerUse(
            rss_start=_proc_status(server.pid, "VmRSS"), cpu=_cpu_seconds(server.pid)
        )
        commits = await _moves(args, path, item_id, block_id)
        server_use.measure(server.pid)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return _report(args, path, attendees, commits, server_use)


async def _server_url(server: subprocess.Popen[str]) -> str:
    """The address the server prints once it listens ("" if it never does)."""
    assert server.stdout is not None
    url = ""
    deadline = time.monotonic() + 30
    while not url and time.monotonic() < deadline:
        line = await asyncio.to_thread(server.stdout.readline)
        if not line:
            break
        found = URL.search(line)
        url = found.group(0) if found else ""
    return url


@dataclass
class _ServerUse:
    """What the server used: RSS and CPU when everyone had connected, then after."""

    rss_start: float
    cpu: float  # CPU seconds at the start, then spent over the moves
    peak: float = 0.0
    rss_end: float = 0.0
    threads: int = 0
    children: list[str] = field(default_factory=list)

    def measure(self, pid: int) -> None:
        self.cpu = _cpu_seconds(pid) - self.cpu
        self.peak = _proc_status(pid, "VmHWM")
        self.rss_end = _proc_status(pid, "VmRSS")
        self.threads = len(list(Path(f"/proc/{pid}/task").iterdir()))
        self.children = _children(pid)


async def _moves(
    args: argparse.Namespace, path: Path, item_id: int, block_id: int
) -> list[tuple[float, bool]]:
    """The facilitator's moves, one every `--interval`: when each committed, and
    whether it put the item in the block."""
    from ..core.model import Place
    from ..core.store import Store

    store = Store.open(path)
    commits: list[tuple[float, bool]] = []  # when, and whether the item is in the block
    try:
        home = store.item(item_id).home
        for move in range(args.moves):
            into = move % 2 == 0
            started = time.monotonic()
            store.move_item(item_id, Place.block(block_id) if into else home)
            commits.append((time.monotonic(), into))
            await asyncio.sleep(max(0.0, args.interval - (time.monotonic() - started)))
        await asyncio.sleep(min(2.0, args.interval * 2))  # the last update's window
    finally:
        store.close()
    return commits


def _report(
    args: argparse.Namespace,
    path: Path,
    attendees: list[Attendee],
    commits: list[tuple[float, bool]],
    use: _ServerUse,
) -> int:
    latencies: list[float] = []
    missed = 0
    for attendee in attendees:
        for when, into in commits:
            seen = next((t for t, shows in attendee.arrivals if t >= when and shows == into), None)
            if seen is None:
                missed += 1
            else:
                latencies.append(seen - when)
    errors = [a.error for a in attendees if a.error]
    wall = commits[-1][0] - commits[0][0] if len(commits) > 1 else 0.0

    print(
        f"planboard serve benchmark — {platform.node() or 'this machine'}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"{args.clients} attendees on the live channel, {args.moves} moves, one every "
        f"{args.interval:g} s (the quarter live, {path.name})"
    )
    if latencies:
        ordered = sorted(latencies)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        print(
            f"commit → update at an attendee: p50 {statistics.median(ordered) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms "
            f"({len(ordered)} updates, {missed} missed)"
        )
    else:
        print(f"no update reached any attendee ({missed} missed)")
    print(
        f"server: one process: {'yes' if not use.children else 'no'} ({use.threads} threads), "
        f"RSS {use.rss_start:.1f} MiB with everyone connected, {use.rss_end:.1f} MiB at the "
        f"end, peak {use.peak:.1f} MiB"
    )
    print(
        f"server CPU: {use.cpu:.2f} s over {wall:.1f} s ({100 * use.cpu / max(wall, 0.001):.1f}%)"
    )
    if errors:
        print(f"connection errors: {len(errors)} (first: {errors[0]})")
    return _verdict(use, latencies, missed, errors)


def _verdict(use: _ServerUse, latencies: list[float], missed: int, errors: list[str]) -> int:
    misses = []
    if use.children:
        misses.append("the server started other processes")
    if use.peak > TARGET_RSS_MIB:
        misses.append(f"peak RSS {use.peak:.1f} MiB > {TARGET_RSS_MIB:g} MiB")
    if missed or errors:
        misses.append(f"{missed} updates never arrived, {len(errors)} connections failed")
    if latencies and max(latencies) > TARGET_LATENCY_S:
        misses.append(f"slowest update {max(latencies):.2f} s > {TARGET_LATENCY_S:g} s")
    if misses:
        print("MISSED: " + "; ".join(misses))
        return 1
    print("All targets met.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m planboard.bench.serve", description=__doc__)
    parser.add_argument("--clients", type=int, default=50, help="attendees (default 50)")
    parser.add_argument("--moves", type=int, default=20, help="moves (default 20)")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between moves")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.moves < 1 or args.interval <= 0:
        parser.error("--clients and --moves must be at least 1, --interval above 0")
    from ..serve import missing

    need = missing()
    if need:
        print(need, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="planboard-bench-serve-") as folder:
        bound = args.moves * args.interval + 60
        try:
            return asyncio.run(asyncio.wait_for(_run(args, Path(folder)), bound))
        except TimeoutError:
            print(f"MISSED: the run did not finish within {bound:.0f} s")
            return 1


if __name__ == "__main__":
    sys.exit(main())
