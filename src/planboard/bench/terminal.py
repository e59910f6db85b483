"""The terminal side: each app (planboard, or the bare app) in a pseudo-terminal, read
from outside, and one run of keys and actions against it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import sys
import termios
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SIZE = (120, 40)  # columns, lines
QUIET_S = 0.1  # a screen is settled after this long without a byte
FRAME_GAP_S = 0.05  # a frame not in brackets has ended after this long without a byte
IDLE_WINDOWS = 3  # background work is over after this many calm `Term.busy` windows
WATCH_S = 0.02  # the app's processes' peak RSS is read this often
FIRST_BYTE_S = 5.0  # a key with no answer by then changed nothing (the end of a list)
FLOOR_LINES = 100
IMPORT_ITEMS = 20_000
UNDO_LIMIT_S = 60.0  # an undo not done by then is reported as such, not waited for
BIG = 50_000

DOWN, PGDN, END, HOME = b"\x1b[B", b"\x1b[6~", b"\x1b[F", b"\x1b[H"
ENTER, REDO = b"\r", b"\x19"  # Ctrl+Y

SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"  # "supported, reset": the app then brackets its frames
SYNC_BEGIN = b"\x1b[?2026h"
SYNC_END = b"\x1b[?2026l"

PLANBOARD_MARK = b"Team \xc2\xb7"  # the team column's title, "Team · N"
BARE_MARK = b"Item 0:"


# ------------------------------------------------------------- the terminal side


@dataclass
class Interaction:
    ms: float  # key written → last byte before the quiet
    frames: int  # frames written in that time


class Term:
    """One app process in a pseudo-terminal, read from outside."""

    def __init__(self, argv: list[str]) -> None:
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "", "LINES": ""}
        env = {k: v for k, v in env.items() if v}
        self.frames = 0
        self.last_byte_ns = 0
        self.peak_rss_kb = 0
        self._peak_lock = threading.Lock()
        self.seen = bytearray()  # everything written, for markers (kept short)
        self._tail = b""
        self.start_ns = time.monotonic_ns()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # pragma: no cover - the child
            os.execve(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        # The processes' peaks, looked at every few milliseconds: a process the app
        # started can only be read while it lives, and the overlap pass's climbs in
        # its last half second (looked at only while the harness waited, its peak
        # was missed: runs 1-18 say less than there was).
        self._watching = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        while not self._watching.wait(WATCH_S):
            self.rss_kb()

    def _read(self, timeout: float) -> bool:
        """Read what is there (waiting up to `timeout`); False if nothing came."""
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 1 << 20)
        except OSError:
            raise RuntimeError("the app exited:\n" + self.text()[-2000:]) from None
        if not chunk:
            raise RuntimeError("the app closed its terminal")
        self.last_byte_ns = time.monotonic_ns()
        # A marker may straddle two reads: look at the end of the last one too (never
        # long enough to hold a whole marker, so nothing counts twice).
        joined = self._tail + chunk
        self.frames += joined[max(0, len(self._tail) - len(SYNC_END) + 1) :].count(SYNC_END)
        if SYNC_QUERY in joined[max(0, len(self._tail) - len(SYNC_QUERY) + 1) :]:
            os.write(self.fd, SYNC_REPLY)
        self._tail = joined[-(len(SYNC_QUERY) - 1) :]
        self.seen += chunk
        if len(self.seen) > 1 << 22:
            del self.seen[: len(self.seen) - (1 << 21)]
        return True

    def text(self) -> str:
        return self.seen.decode(errors="replace")

    def first_paint(self, mark: bytes, timeout: float = 120.0) -> float:
        """Milliseconds from the fork to the end of the first frame showing `mark`."""
        deadline = time.monotonic() + timeout
        while mark not in self.seen:
            if time.monotonic() > deadline:
                raise RuntimeError("the board never showed:\n" + self.text()[-2000:])
            self._read(0.5)
        frames = self.frames
        at = self.seen.rfind(mark)
        if self.seen.rfind(SYNC_BEGIN, 0, at) <= self.seen.rfind(SYNC_END, 0, at):
            # Not in brackets: a frame written before the app read the terminal's
            # answer about synchronized output (a fast start). It ends with its own
            # last byte: the last before a pause or before the next frame's bracket.
            # (The next frame's bracket may come in the read that showed the mark, or
            # be split between two reads: looked for in all that came after the mark.)
            end_ns = self.last_byte_ns
            while SYNC_BEGIN not in self.seen[at:] and time.monotonic() < deadline:
                before = len(self.seen)
                if not self._read(FRAME_GAP_S) or len(self.seen) < before:
                    break  # (a pause: the frame is over; or the record was cut short)
                begun = self.seen.find(SYNC_BEGIN, max(at, before - len(SYNC_BEGIN) + 1))
                if begun < 0 or begun > before:
                    end_ns = self.last_byte_ns  # (this read holds more of the frame)
            return (end_ns - self.start_ns) / 1e6
        # In brackets: the frame that shows it ends at its closing bracket.
        while SYNC_END not in self.seen[at:] and time.monotonic() < deadline:
            if not self._read(0.2) and self.frames > frames:
                break
        return (self.last_byte_ns - self.start_ns) / 1e6

    def quiet(self, timeout: float = 30.0) -> None:
        """Read until nothing has come for `QUIET_S`."""
        deadline = time.monotonic() + timeout
        while self._read(QUIET_S) and time.monotonic() < deadline:
            pass

    def press(self, key: bytes, timeout: float = 60.0) -> Interaction | None:
        """Write a key on a quiet screen; time it to the settled screen. None if nothing
        at all came back within `FIRST_BYTE_S` (the key changed nothing)."""
        self.quiet()
        start_frames = self.frames
        sent = time.monotonic_ns()
        os.write(self.fd, key)
        # The quiet that settles a screen starts once the app has answered: an app
        # too busy to answer at once is slow, not settled.
        if not self._read(FIRST_BYTE_S):
            return None
        deadline = time.monotonic() + timeout
        while self._read(QUIET_S) and time.monotonic() < deadline:
            pass
        return Interaction((self.last_byte_ns - sent) / 1e6, self.frames - start_frames)

    def tap(self, key: bytes) -> None:
        """Write a key that is not timed, and let the screen settle."""
        self.quiet()
        os.write(self.fd, key)
        self._read(0.5)
        self.quiet()

    def responsive_during(
        self, key: bytes, until: bytes, probe: bytes, delay_s: float = 0.05
    ) -> tuple[Interaction | None, float]:
        """Time `key` to its settled screen (after `until`; None if that takes over
        `UNDO_LIMIT_S`); `probe` is written `delay_s` after it: milliseconds from the
        probe to the first frame after it (NaN: none came)."""
        self.quiet()
        start_frames = self.frames
        mark_from = len(self.seen)
        sent = time.monotonic_ns()
        os.write(self.fd, key)
        probe_at = 0
        probe_frame = 0
        probe_ms = float("nan")
        deadline = time.monotonic() + UNDO_LIMIT_S
        while time.monotonic() < deadline:
            if not probe_at and time.monotonic_ns() - sent >= delay_s * 1e9:
                probe_at = time.monotonic_ns()
                probe_frame = self.frames
                os.write(self.fd, probe)
            got = self._read(0.005)
            if got and probe_at and probe_ms != probe_ms and self.frames > probe_frame:
                probe_ms = (self.last_byte_ns - probe_at) / 1e6
            if probe_at and until in self.seen[max(0, mark_from - len(until)) :]:
                break
        else:
            return None, probe_ms
        while self._read(QUIET_S):
            if probe_ms != probe_ms and self.frames > probe_frame:
                probe_ms = (self.last_byte_ns - probe_at) / 1e6
        done = Interaction((self.last_byte_ns - sent) / 1e6, self.frames - start_frames)
        return done, probe_ms

    def pids(self) -> list[int]:
        """The app's process and every process it started."""
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            try:  # (a child that ends meanwhile takes its /proc folder with it)
                tasks = list(Path(f"/proc/{pid}/task").glob("*/children"))
            except OSError:
                continue
            for task in tasks:
                with contextlib.suppress(OSError, ValueError):
                    todo.extend(int(c) for c in task.read_text().split())
        return found

    def cpu_s(self) -> float:
        ticks = 0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def busy(self, window_s: float = 0.2) -> bool:
        """True while the app's processes use more than a third of a core."""
        before = self.cpu_s()
        time.sleep(window_s)
        self._read(0)
        self.rss_kb()  # (a process that does background work may not outlive it)
        return self.cpu_s() - before > window_s / 3

    def wait_idle(self, timeout: float = 300.0) -> float:
        """Wait until the app's background work is over; seconds waited."""
        start = time.monotonic()
        calm = 0
        while time.monotonic() - start < timeout and calm < IDLE_WINDOWS:
            self.quiet(5)
            calm = 0 if self.busy() else calm + 1
        return time.monotonic() - start

    def rss_kb(self) -> int:
        """The peak RSS of the app's processes (their `VmHWM`s added up), the highest
        seen so far."""
        total = 0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                match = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
                total += int(match.group(1)) if match else 0
        with self._peak_lock:  # (the watcher's thread and this one)
            self.peak_rss_kb = max(self.peak_rss_kb, total)
            return self.peak_rss_kb

    def stop(self) -> None:
        self._watching.set()
        self._watcher.join()
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.fd)


# ---------------------------------------------------------------- a run


@dataclass
class Run:
    first_paint_ms: float = 0.0
    keys: dict[str, list[Interaction]] = field(default_factory=dict)
    busy_keys: list[Interaction] = field(default_factory=list)
    actions: dict[str, list[Interaction]] = field(default_factory=dict)
    rss_kb: int = 0
    unanswered: int = 0  # keys that changed nothing (not counted)

    def add(
        self, table: dict[str, list[Interaction]], name: str, value: Interaction | None
    ) -> None:
        if value is None:
            self.unanswered += 1
        else:
            table.setdefault(name, []).append(value)


def app_argv(kind: str, db: Path, lines: int) -> list[str]:
    if kind == "planboard":
        return [sys.executable, "-m", "planboard", str(db)]
    # (By its path: a bare app imports Textual alone, not the harness; -P keeps this
    # folder off the path, where a module could stand in for one of the library's.)
    return [sys.executable, "-P", str(Path(__file__).with_name("bare.py")), str(lines)]


@dataclass
class Plan:
    downs: int
    pages: int
    ends: int
    moves: int
    busy_keys: int
    starts: int = 0  # more starts to the first frame alone, per app


def first_paint_once(kind: str, db: Path, lines: int) -> float:
    """One start to the first frame alone (the app stopped once it is out)."""
    term = Term(app_argv(kind, db, lines))
    try:
        return term.first_paint(PLANBOARD_MARK if kind == "planboard" else BARE_MARK)
    finally:
        term.stop()


def measure(kind: str, db: Path, lines: int, plan: Plan, *, background: bool) -> Run:
    term = Term(app_argv(kind, db, lines))
    try:
        run = Run(term.first_paint(PLANBOARD_MARK if kind == "planboard" else BARE_MARK))
        if background:
            busy_keys(term, run, plan.busy_keys)
        term.wait_idle()
        # Down from the bottom of the first page: every Down scrolls the list (back
        # to the top when it ends; a list shorter than a page never scrolls).
        term.tap(HOME)
        term.tap(PGDN)
        for _ in range(plan.downs):
            down = term.press(DOWN)
            run.add(run.keys, "Down", down)
            if down is None:
                term.tap(HOME)
        for _ in range(plan.pages):
            term.tap(HOME)
            run.add(run.keys, "PgDn", term.press(PGDN))
        for _ in range(plan.ends):
            term.tap(HOME)
            run.add(run.keys, "End", term.press(END))
        for _ in range(plan.moves):
            run.add(run.actions, "move", term.press(b"1"))
            run.add(run.actions, "undo", term.press(b"u"))
            if kind == "planboard":
                term.tap(b"d")
                term.tap(b"x")
                run.add(run.actions, "drop", term.press(ENTER))
                run.add(run.actions, "undo", term.press(b"u"))
        term.wait_idle()
        run.rss_kb = term.rss_kb()
        return run
    finally:
        term.stop()


def busy_keys(term: Term, run: Run, most: int) -> None:
    """Down keys while the work that follows the first paint runs (reading the rest of
    a big quarter, the overlap pass), one after another, each timed to its settled
    screen. The work is over by `Term.wait_idle`'s rule, three calm windows in a row:
    a pause of the app between two parts of it (the overlap pass waits a moment for
    the frame to be drawn) is not its end."""
    calm = 0
    while len(run.busy_keys) < most and calm < IDLE_WINDOWS:
        if not term.busy():
            calm += 1
            continue
        calm = 0
        busy = term.press(DOWN)
        if busy is not None:
            run.busy_keys.append(busy)


@dataclass
class ImportUndo:
    items: int
    undo: Interaction | None  # None: not done within UNDO_LIMIT_S
    undo_probe_ms: float
    redo: Interaction | None
    redo_probe_ms: float


def import_undo(db: Path, items: int) -> ImportUndo:
    """Undo and redo of an import of `items` items, in the app, on a copy of `db`."""
    from planboard.core import Store
    from planboard.core.model import ImportItem
    from planboard.core.synthetic_text import generate_titles

    copy = db.with_name(f"{db.stem}.import.db")
    # A run stopped half-way leaves its copy's -wal: beside a fresh copy it would
    # make the file unreadable.
    for leftover in copy.parent.glob(f"{copy.name}*"):
        leftover.unlink()
    shutil.copyfile(db, copy)
    store = Store.open(copy)
    try:
        quarter = store.default_quarter().id
        titles = generate_titles(items, seed=7)
        store.import_items(quarter, "Imported list", [ImportItem(t) for t in titles])
    finally:
        store.close()
    term = Term(app_argv("planboard", copy, 0))
    try:
        term.first_paint(PLANBOARD_MARK)
        term.wait_idle()
        undo, undo_probe = term.responsive_during(b"u", b"Undid", DOWN)
        if undo is None:
            return ImportUndo(items, None, undo_probe, None, float("nan"))
        term.wait_idle()
        redo, redo_probe = term.responsive_during(REDO, b"Redid", DOWN)
        return ImportUndo(items, undo, undo_probe, redo, redo_probe)
    finally:
        term.stop()
        for leftover in copy.parent.glob(f"{copy.name}*"):
            leftover.unlink()
