"""kill -9 trials: a real planboard in a pseudo-terminal, killed at a random moment.

Each trial drives the app with keys (moves, renames, drops, undos, redos, reorders),
acknowledges each action once its `events` row is committed (read from outside through
a read-only connection, as any other program could), snapshots the board's rows at each
acknowledgement, and then sends SIGKILL — between actions or in the middle of one. After
reopening, the file must pass `integrity_check`, hold every acknowledged change and at
most the one change in flight beyond it, keep every item in exactly one place with dense
positions, and show on screen what it holds. Other trials kill planboard while it starts,
while it upgrades an old file, and while it writes the backup before an event.

Used by tests/test_crash.py (a handful of trials) and scripts/crash_trials.py (hundreds).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import random
import re
import select
import shutil
import signal
import sqlite3
import struct
import sys
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

from planboard.core.backup import read_only_uri

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample.db"
FIXTURE_V1 = ROOT / "tests" / "fixtures" / "schema-v1.db"
ANSI = re.compile(
    r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][A-Z0-9]|\x1b[=>]"
)
DATA_TABLES = ("quarters", "stakeholders", "items", "blocks", "decisions")


class Terminal:
    """A planboard process in a pseudo-terminal; its output is drained continuously."""

    def __init__(
        self,
        args: list[str],
        cwd: Path,
        size: tuple[int, int] = (120, 40),
        *,
        stdout: str | None = None,
        stderr: str | None = None,
    ) -> None:
        """`size` (0, 0) is a terminal that says no size (as under `script` with no
        terminal); `stdout`, `stderr` files those streams go to instead of the terminal."""
        env = {**os.environ, "TERM": "xterm-256color", "TEXTUAL_ANIMATION": "none"}
        self.started = time.monotonic()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            os.chdir(cwd)
            for fd, name in ((1, stdout), (2, stderr)):
                if name is not None:
                    os.dup2(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
            os.execve(sys.executable, [sys.executable, "-m", "planboard", *args], env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.raw = ""

    def pump(self, timeout: float = 0.01) -> None:
        deadline = time.monotonic() + timeout
        while True:
            ready, _, _ = select.select([self.fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                return
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                return
            if not chunk:
                return
            self.raw = (self.raw + chunk.decode(errors="replace"))[-400_000:]

    def text(self) -> str:
        return ANSI.sub("", self.raw)

    def wait_for(self, needle: str, timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.05)
            if needle in self.text():
                return True
        return False

    def settles(self, quiet: float = 0.5, timeout: float = 15.0) -> bool:
        """The screen stops changing: `quiet` seconds in which nothing is written, before
        `timeout` (a process drawing its screen again and again never gets there)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = len(self.raw), self.raw[-200:]
            self.pump(quiet)
            if (len(self.raw), self.raw[-200:]) == before:
                return True
        return False

    def send(self, keys: str, pause: float = 0.0) -> None:
        os.write(self.fd, keys.encode())
        if pause:
            self.pump(pause)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.fd)

    def exit_status(self, timeout: float = 10.0) -> int | None:
        """The process's exit status once it has ended, within `timeout` seconds (None if
        it still runs). Waits by the clock: once the process has let go of the terminal,
        `pump` returns at once, and a count of pumps passed in no time at all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.01)
        return None

    def quit(self) -> int:
        self.send("\x11")  # ctrl+q
        status = self.exit_status()
        if status is None:
            self.kill()
            return -9
        os.close(self.fd)
        return status


def snapshot(path: Path) -> tuple[int, dict[str, list[tuple[object, ...]]]]:
    """(newest event id, every data row) read through a read-only connection."""
    conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=5)
    try:
        last = conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
        rows = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in DATA_TABLES}
        return last, rows
    finally:
        conn.close()


def check_file(path: Path) -> list[str]:
    """Problems found in a board file after a crash (empty: none)."""
    problems: list[str] = []
    conn = sqlite3.connect(path)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            return [f"integrity_check: {integrity}"]
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append("foreign_key_check found orphans")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version >= 1:
            problems += _positions(conn)
    finally:
        conn.close()
    return problems


def _positions(conn: sqlite3.Connection) -> list[str]:
    problems = []
    lists: dict[object, list[int]] = {}
    places: dict[object, list[int]] = {}
    for item_id, quarter, owner, block, status, reason, position, place_position in conn.execute(
        "SELECT id, quarter_id, stakeholder_id, block_id, status, drop_reason, position, "
        "place_position FROM items"
    ):
        lists.setdefault((quarter, owner), []).append(position)
        if status == "dropped":
            if block is not None or not reason:
                problems.append(f"item {item_id} dropped in a block or without a reason")
            places.setdefault(("dropped", quarter), []).append(place_position)
        elif block is not None:
            places.setdefault(("block", block), []).append(place_position)
        elif place_position is not None:
            problems.append(f"item {item_id} on its list with a place_position")
    for key, positions in {**lists, **places}.items():
        if sorted(positions) != list(range(len(positions))):
            problems.append(f"positions of {key} are not 0..n-1: {sorted(positions)}")
    for (quarter,) in conn.execute("SELECT id FROM quarters"):
        positions = sorted(
            r[0]
            for r in conn.execute("SELECT position FROM blocks WHERE quarter_id = ?", (quarter,))
        )
        if positions != list(range(len(positions))):
            problems.append(f"block positions of quarter {quarter}: {positions}")
    return problems


def check_backups(board: Path) -> list[str]:
    """Every file named as a backup is a whole, sound board."""
    from planboard.core.backup import backups_of

    problems = []
    for backup in backups_of(board):
        conn = sqlite3.connect(read_only_uri(backup), uri=True)
        try:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                problems.append(f"backup {backup.name} is damaged")
        except sqlite3.DatabaseError as error:
            problems.append(f"backup {backup.name}: {error}")
        finally:
            conn.close()
    return problems


def screen_counts(text: str) -> dict[str, int]:
    """The counts in the board's column titles, as the screen shows them."""
    found = {}
    for name, pattern in (
        ("team", r"Team · (\d+)"),
        ("blocks", r"Blocks · \d+ · (\d+) items"),
        ("dropped", r"Dropped · (\d+)"),
    ):
        matches = re.findall(pattern, text)
        if matches:
            found[name] = int(matches[-1])
    return found


def file_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        quarter = conn.execute(
            "SELECT id FROM quarters WHERE status != 'decided' ORDER BY name DESC LIMIT 1"
        ).fetchone()[0]

        def one(sql: str) -> int:
            return int(conn.execute(sql, (quarter,)).fetchone()[0])

        return {
            "team": one(
                "SELECT COUNT(*) FROM items WHERE quarter_id = ? AND stakeholder_id IS NULL "
                "AND block_id IS NULL AND status = 'open'"
            ),
            "blocks": one(
                "SELECT COUNT(*) FROM items WHERE quarter_id = ? AND block_id IS NOT NULL"
            ),
            "dropped": one(
                "SELECT COUNT(*) FROM items WHERE quarter_id = ? AND status = 'dropped'"
            ),
        }
    finally:
        conn.close()


# The actions a trial picks from: keys, and whether the action writes (and so is
# acknowledged through a new events row).
ACTIONS: list[tuple[str, list[str], bool]] = [
    ("move to block 1", ["1"], True),
    ("move to block 2", ["2"], True),
    ("move to block 3", ["3"], True),
    ("back to its list", ["r"], True),
    ("drop", ["d", "Not this quarter", "\r"], True),
    ("rename", ["e", "\x15", "Renamed in a trial", "\x13"], True),
    ("reorder down", ["J"], True),
    ("reorder up", ["K"], True),
    ("undo", ["u"], True),
    ("redo", ["\x19"], True),
    ("next line", ["j"], False),
    ("previous line", ["k"], False),
    ("next column", ["l"], False),
    ("previous column", ["h"], False),
]


@dataclass
class Trial:
    kind: str
    seed: int
    steps: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        head = f"{self.kind} trial (seed {self.seed}): " + ("ok" if self.ok else "FAILED")
        if self.ok:
            return head
        return head + "\n  " + "\n  ".join(self.problems) + "\n  steps: " + ", ".join(self.steps)


def fresh_copy(source: Path, folder: Path, name: str = "board.db") -> Path:
    target = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def actions_trial(folder: Path, seed: int, max_actions: int = 12) -> Trial:
    """Random actions with acknowledgements, then SIGKILL, then the checks."""
    rng = random.Random(seed)
    trial = Trial("actions", seed)
    board = fresh_copy(SAMPLE, folder)
    term = Terminal([str(board)], cwd=folder)
    try:
        if not term.wait_for("Blocks ·"):
            trial.problems.append("the board never showed")
            return trial
        acked, rows = snapshot(board)
        states = {acked: rows}
        count = rng.randint(1, max_actions)
        in_flight = False
        for step in range(count):
            name, keys, writes = rng.choice(ACTIONS)
            trial.steps.append(name)
            last_step = step == count - 1
            if last_step and rng.random() < 0.5:
                # kill in the middle of this one: keys sent, not acknowledged
                for key in keys:
                    term.send(key, pause=0.02)
                term.pump(rng.uniform(0, 0.06))
                in_flight = writes
                break
            for key in keys:
                term.send(key, pause=0.08)
            if not writes:
                continue
            deadline = time.monotonic() + 0.8
            while time.monotonic() < deadline:
                term.pump(0.03)
                newest, rows = snapshot(board)
                if newest != acked:
                    acked = newest
                    states[acked] = rows
                    break
            if len(keys) > 1:
                # A form refused its input and stayed open: close it. (A lone ESC needs
                # a pause after it, or the next key reads as Alt+key.)
                term.send("\x1b", pause=0.35)
        term.kill()
    finally:
        term.kill()
    trial.problems += check_file(board)
    if trial.problems:
        return trial
    newest, rows = snapshot(board)
    if newest == acked:
        if rows != states[acked]:
            trial.problems.append("the file differs from the last acknowledged state")
    elif newest == acked + 1 and in_flight:
        pass  # the change in flight made it to disk: allowed
    elif newest < acked:
        trial.problems.append(f"acknowledged event {acked} is missing (newest: {newest})")
    else:
        trial.problems.append(f"events beyond the acknowledged {acked}: newest is {newest}")
    trial.problems += _screen_matches(board, folder)
    return trial


def _screen_matches(board: Path, folder: Path) -> list[str]:
    """Reopen the board in a terminal: the counts on screen are the file's."""
    term = Terminal([str(board)], cwd=folder)
    try:
        if not term.wait_for("Dropped ·"):
            return ["the board did not open again after the crash"]
        term.pump(0.3)
        shown = screen_counts(term.text())
        expected = file_counts(board)
        if shown != expected:
            return [f"screen shows {shown}, the file holds {expected}"]
        if term.quit() != 0:
            return ["planboard did not quit cleanly after reopening"]
        return []
    finally:
        term.kill()


def startup_trial(folder: Path, seed: int, source: Path = SAMPLE, kind: str = "startup") -> Trial:
    """SIGKILL while planboard starts (and, on an old file, while it upgrades it)."""
    rng = random.Random(seed)
    trial = Trial(kind, seed)
    board = fresh_copy(source, folder)
    columns = columns_of(board)
    before = snapshot_any(board, columns)
    term = Terminal([str(board)], cwd=folder)
    time.sleep(rng.uniform(0.0, 0.7))
    term.kill()
    trial.problems += check_file(board) + check_backups(board)
    if trial.problems:
        return trial
    after = snapshot_any(board, columns)
    if after != before:
        trial.problems.append("starting (and being killed) changed the board's content")
    return trial


def snapshot_any(
    path: Path, columns: dict[str, str] | None = None
) -> dict[str, list[tuple[object, ...]]]:
    """Every data row, reading only `columns` per table (an upgrade adds columns)."""
    conn = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        if columns is None:
            columns = {
                t: ", ".join(r[1] for r in conn.execute(f"PRAGMA table_info({t})"))
                for t in DATA_TABLES
            }
        return {
            t: conn.execute(f"SELECT {columns[t]} FROM {t} ORDER BY 1").fetchall()
            for t in DATA_TABLES
        }
    finally:
        conn.close()


def columns_of(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        return {
            t: ", ".join(r[1] for r in conn.execute(f"PRAGMA table_info({t})")) for t in DATA_TABLES
        }
    finally:
        conn.close()


def backup_trial(folder: Path, seed: int) -> Trial:
    """SIGKILL while `planboard meeting` writes its backup and makes the quarter live."""
    rng = random.Random(seed)
    trial = Trial("backup", seed)
    board = fresh_copy(SAMPLE, folder)
    term = Terminal(["meeting", str(board)], cwd=folder)
    time.sleep(rng.uniform(0.2, 0.9))
    term.kill()
    trial.problems += check_file(board) + check_backups(board)
    if not trial.problems:
        conn = sqlite3.connect(board)
        status = conn.execute("SELECT status FROM quarters WHERE name = '2026-Q3'").fetchone()[0]
        meeting = conn.execute(
            "SELECT COUNT(*) FROM meetings m JOIN quarters q "
            "ON q.id = m.quarter_id WHERE q.name = '2026-Q3'"
        ).fetchone()[0]
        conn.close()
        if status == "live" and not meeting:
            trial.problems.append("the quarter is live without its meeting row")
        if status not in ("live", "preparing"):
            trial.problems.append(f"the quarter is {status}")
    return trial


def run_trials(folder: Path, count: int, seed: int = 0) -> list[Trial]:
    """`count` trials of every kind, in turn."""
    trials = []
    kinds = [
        ("actions", lambda f, s: actions_trial(f, s)),
        ("startup", lambda f, s: startup_trial(f, s)),
        ("migration", lambda f, s: startup_trial(f, s, FIXTURE_V1, "migration")),
        ("backup", lambda f, s: backup_trial(f, s)),
    ]
    for n in range(count):
        name, run = kinds[n % len(kinds)]
        trial_folder = folder / f"{name}-{n}"
        trial_folder.mkdir(parents=True, exist_ok=True)
        trials.append(run(trial_folder, seed + n))
    return trials
