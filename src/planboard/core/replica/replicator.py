"""Replicating: the Litestream process planboard runs and watches (in this process or in
the background), stopping it, and what the board's title bar shows."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..db import tidy_after_serving
from ..sidecar import sidecar
from ..wal import forget_gone_wal, identity, keep_wal_owner_noted, set_aside
from .config import (
    BEHIND_AFTER,
    CHECK_EVERY,
    DEFAULT_RETENTION,
    STATUS_FILE,
    ReplicaError,
    _alive,
    _write_json,
    check_board_path,
    check_one_writer,
    check_replica_folder,
    config_text,
    ends_with_this_process,
    litestream_binary,
    make_state_dir,
    monitor_interval,
    read_status,
    redact,
    seconds,
    state_dir,
    unreachable,
)
from .locks import Held, hold
from .points import _parse_time, caught_up, explain, litestream_env, local_position, points

# ---------------------------------------------------------------- replicate


def _stop_leftover(status: dict[str, object] | None) -> None:
    """A Litestream left running by a `planboard replicate` that was killed (where the
    system can't stop it with its parent): stop it before starting another one."""
    if not status:
        return
    pid = status.get("litestream_pid")
    owner = status.get("pid")
    if _alive(owner) or not _alive(pid):
        return
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        cmdline = b"litestream"  # no /proc: trust the status file
    if b"litestream" in cmdline:
        with contextlib.suppress(OSError):
            os.kill(int(pid), signal.SIGTERM)  # type: ignore[call-overload]
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)


CHECK_TIMEOUT = 15.0  # seconds a look at a remote replica may take (stopping waits for it)
DRAIN_S = 30.0  # seconds a stop waits for the replica to hold every change
LITESTREAM_STOP_S = 30.0  # seconds a stop waits for Litestream to exit, then kills it
READER_S = 5.0  # seconds a stop waits for the last of Litestream's log to be read
REACH_S = 3.0  # seconds a look at whether a store's address answers may take
# What `--stop` waits for a replication to exit: every wait of a stop, in turn (the
# address looked at, the drain and its last look, Litestream's exit, its log, a last
# look at the address and at the replica), and a margin (it said "still finishing" at
# a minute, and `--status` "Not replicating" a moment later).
STOP_WAIT_S = REACH_S + DRAIN_S + LITESTREAM_STOP_S + READER_S + REACH_S + CHECK_TIMEOUT + 10.0


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Replicator:
    """`litestream replicate` for one board, run as a child process and watched."""

    board: Path
    url: str
    say: Callable[[str], None] = print
    check_every: float = CHECK_EVERY
    sync_interval: str = "1s"
    retention: str = DEFAULT_RETENTION

    def __post_init__(self) -> None:
        self.folder = state_dir(self.board)
        self.config = self.folder / "litestream.yml"
        self.status_path = self.folder / STATUS_FILE
        self.process: subprocess.Popen[str] | None = None
        self.status: dict[str, object] = {}
        self._stopping = threading.Event()
        self._errors: list[str] = []
        self._reader: threading.Thread | None = None
        self.drained = False  # the replica held every change when it stopped
        self._file: tuple[int, int] | None = None  # the file Litestream follows
        self._replaced = ""  # why it no longer follows the board ("" while it does)
        self._sidecars: dict[str, tuple[int, int] | None] = {}  # the file's -wal, -shm
        self.set_aside: list[Path] = []  # the old file's -wal, once it is replaced
        self._held = Held()  # the board's lock and a folder replica's, while it runs

    def write_status(self, **changes: object) -> None:
        self.status.update(changes)
        with contextlib.suppress(OSError):
            _write_json(self.status_path, self.status)

    def start(self) -> None:
        check_board_path(self.board)
        check_replica_folder(self.url)
        binary = litestream_binary()
        previous = read_status(self.board)
        if previous and _alive(previous.get("pid")) and previous.get("pid") != os.getpid():
            raise ReplicaError(
                f"{self.board} is already being replicated (process {previous.get('pid')}, "
                f"to {previous.get('url')}); stop it with: planboard replicate "
                f"{self.board} --stop"
            )
        _stop_leftover(previous)
        check_one_writer(self.board, self.url)
        make_state_dir(self.board)
        self._held = hold(self.board, self.url)  # (whatever state folder the other keeps)
        try:
            self._launch(binary)
        except BaseException:
            self._held.release()
            raise

    def _launch(self, binary: str) -> None:
        self._file = identity(self.board)
        self.config.write_text(
            config_text(
                self.board, self.url, sync_interval=self.sync_interval, retention=self.retention
            ),
            encoding="utf-8",
        )
        args = [binary, "replicate", "-config", str(self.config), "-no-expand-env"]
        try:
            self.process = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env=litestream_env(),
                preexec_fn=ends_with_this_process(),
            )
        except OSError as error:
            raise ReplicaError(f"Cannot run Litestream: {error.strerror or error}.") from error
        self.status = {
            "board": str(self.board.resolve()),
            "url": redact(self.url),
            "pid": os.getpid(),
            "litestream_pid": self.process.pid,
            "started_at": _now(),
            "running": True,
            "checked_at": None,
            "replica_txid": None,
            "replica_at": None,
            "local_txid": None,
            "caught_up_at": None,
            "error": None,
        }
        self.write_status()
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        problem = unreachable(self.url)  # said now: Litestream's retries take minutes
        if problem:
            self.write_status(error=problem)
            self.say(problem)

    def _read_log(self) -> None:
        """Litestream's log, forwarded: errors and warnings readably, the rest quietly."""
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            text = line.rstrip("\n")
            if not text:
                continue
            level = re.search(r"\blevel=(\w+)", text)
            if (level and level.group(1) in ("ERROR", "WARN")) or text.startswith("Error"):
                message = explain(text, self.url)
                self._errors.append(message)
                self.write_status(error=message)
                self.say(message.replace("Litestream failed", "Litestream", 1))

    def replaced(self) -> str:
        """Why the replica no longer gets the board's changes, the file at its path
        being another than the one Litestream opened (`mv other.db b.db`: Litestream
        follows the file it has open); "" while it is the same."""
        now = identity(self.board)  # (None: missing for a moment, a rename and back)
        if not self._replaced and now is not None and now == self._file:
            self._note_sidecars()
        if not self._replaced and self._file is not None and now not in (None, self._file):
            if not any(self._sidecars.values()):  # (replaced before any was seen: those
                # there now are Litestream's, for the old file: it holds them open)
                self._note_sidecars()
            self._replaced = (
                f"{self.board.name} was replaced by another file while it was replicated: "
                "the replica lacks every change made to it since. Stop this replication, "
                "and replicate the board again, to a new replica."
            )
            self.say(self._replaced)
        return self._replaced

    def _note_sidecars(self) -> None:
        """While the board is the file Litestream follows: note its `-wal` and `-shm`
        (set aside at the stop should the board be replaced: they are the old file's,
        and SQLite would apply that `-wal` to the file moved in), and, as a writer does,
        which file the `-wal` belongs to, so that a planboard opening the file moved in
        meanwhile refuses it."""
        self._sidecars = {end: identity(sidecar(self.board, end)) for end in ("-wal", "-shm")}
        if self._sidecars["-wal"] is not None and self._file is not None:
            # (The file Litestream opened: noted once the path names another, the note
            # named the new one, and a planboard applied the old `-wal` to it.)
            with contextlib.suppress(OSError):
                keep_wal_owner_noted(self.board, self._file)

    def check(self) -> None:
        """Compare the replica's newest transaction with the board's, and record it."""
        if self.replaced():  # (never caught up again: Litestream reads the old file)
            self.write_status(checked_at=_now(), error=self._replaced, replaced=True)
            return
        problem = unreachable(self.url)  # (not minutes of Litestream's retries)
        if problem:
            self.write_status(checked_at=_now(), error=problem)
            return
        try:
            found = points(self.url, timeout=CHECK_TIMEOUT)
        except ReplicaError as error:
            self.write_status(checked_at=_now(), error=str(error))
            return
        replica_txid = max((p.max_txid for p in found), default=0)
        replica_at = max((p.at for p in found), default=None)
        local = local_position(self.board)
        changes: dict[str, object] = {
            "checked_at": _now(),
            "replica_txid": replica_txid,
            "replica_at": replica_at.strftime("%Y-%m-%dT%H:%M:%SZ") if replica_at else None,
            "local_txid": local,
        }
        if caught_up(self.board, found):
            changes["caught_up_at"] = changes["checked_at"]
            changes["error"] = None
        self.write_status(**changes)

    def run(self) -> int:
        """Replicate until stopped (SIGINT/SIGTERM) or Litestream exits. Returns the
        exit status for the command."""
        assert self.process is not None
        previous = {
            sig: signal.signal(sig, lambda *_: self._stopping.set())
            for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            while not self._stopping.is_set():
                if self.process.poll() is not None:
                    break
                self.check()
                self._stopping.wait(self.check_every)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self.stop()

    def drain(self, timeout: float = DRAIN_S) -> bool:
        """Wait until every change committed before now is in the replica: Litestream
        reads the WAL every monitor interval, so after two of them (and a margin) the
        replica must hold the board's newest transaction. False if it did not in time."""
        assert self.process is not None
        if self.replaced():
            return False
        problem = unreachable(self.url)
        if problem:
            self.say(f"{problem} Stopping without waiting for the replica.")
            return False
        ready = time.monotonic() + 2 * seconds(monitor_interval(self.sync_interval)) + 0.3
        deadline = time.monotonic() + timeout
        patience = time.monotonic() + 3
        while time.monotonic() < deadline and self.process.poll() is None:
            if patience and time.monotonic() > patience:
                patience = 0.0
                self.say(
                    "Waiting for the replica to catch up before stopping "
                    f"(at most {timeout:.0f} s; Ctrl+C again stops now)."
                )
            if time.monotonic() >= ready:
                try:
                    found = points(self.url, timeout=max(1.0, deadline - time.monotonic()))
                except ReplicaError:
                    found = []
                if caught_up(self.board, found):
                    return True
            time.sleep(0.05)
        return False

    def stop(self) -> int:
        """Stop Litestream, once the replica holds every change made before the stop was
        asked (see `drain`); returns 0 if it was asked to stop, 1 if it had stopped on
        its own (an error). The locks go whatever happens on the way."""
        try:
            return self._stop()
        finally:
            self._held.release()

    def _stop(self) -> int:
        assert self.process is not None
        died = self.process.poll() is not None
        self.write_status(stopping_at=_now())

        def now(*_: object) -> None:
            raise KeyboardInterrupt

        previous = {}
        if threading.current_thread() is threading.main_thread():
            # A second Ctrl+C or SIGTERM while waiting: stop now.
            previous = {sig: signal.signal(sig, now) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.drained = False if died else self.drain()
        except KeyboardInterrupt:
            self.drained = False
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if not died:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=LITESTREAM_STOP_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._reader is not None:
            self._reader.join(timeout=READER_S)  # every error Litestream printed is read
        if not died:
            self.check()
        self._leave_files()
        aside = [str(path) for path in self.set_aside]
        self.write_status(running=False, stopped_at=_now(), drained=self.drained, aside=aside)
        return 1 if died else 0

    def _leave_files(self) -> None:
        """Once Litestream has ended: its `-wal` and `-shm` folded into the board, or,
        the board replaced, moved out of the way of the file now at its path."""
        self.replaced()  # (said once, if the board was replaced)
        if identity(self.board) in (None, self._file):
            # Litestream read the board through SQLite, which leaves `-wal` and `-shm`
            # beside it: folded in and removed as when planboard closes a board (if
            # nothing else has it open), so the `.db` alone holds every change. (Also
            # once the file it opened is put back at the path: they are its own.)
            with contextlib.suppress(Exception):
                tidy_after_serving(self.board)
            forget_gone_wal(self.board)
        else:  # (the old file's, out of the way of the one moved in: kept, not applied)
            self.set_aside = set_aside(self.board, self._sidecars)

    @property
    def errors(self) -> list[str]:
        return list(self._errors)


@dataclass(frozen=True)
class Stopped:
    """What `stop_background` found: the process asked to stop, whether it (and its
    Litestream) had exited when it returned, and whether the replica then held every
    change made before the stop (None when that is not known)."""

    pid: int
    exited: bool
    drained: bool | None


def stop_background(
    board: Path, timeout: float = STOP_WAIT_S, *, stopping: Callable[[int], None] | None = None
) -> Stopped | None:
    """Stop the `planboard replicate` running for `board`, and wait (at most `timeout`
    seconds) until it and its Litestream have exited; `stopping(pid)` hears, before the
    wait, that it was asked to. None if none was running."""
    status = read_status(board)
    pid = status.get("pid") if status else None
    if not status or not status.get("running") or not _alive(pid):
        return None
    os.kill(int(pid), signal.SIGTERM)  # type: ignore[call-overload]
    if stopping is not None:
        stopping(int(pid))  # type: ignore[call-overload]
    litestream = status.get("litestream_pid")
    deadline = time.monotonic() + timeout
    while (_alive(pid) or _alive(litestream)) and time.monotonic() < deadline:
        time.sleep(0.05)
    exited = not _alive(pid) and not _alive(litestream)
    after = read_status(board) or {}
    drained = after.get("drained") if exited and after.get("running") is False else None
    return Stopped(int(pid), exited, drained if isinstance(drained, bool) else None)  # type: ignore[call-overload]


# ---------------------------------------------------------------- what the app shows


@dataclass(frozen=True)
class ReplicaState:
    """What the title bar says about replication."""

    url: str
    caught_up_at: datetime | None
    behind: bool
    stopped: bool  # the replicate process is gone without having been stopped
    error: str = ""
    replaced: bool = False  # the board was replaced: the replica gets none of its changes
    stopping: bool = False  # asked to stop: the replica gets what it lacks, then it ends
    started_at: datetime | None = None

    def label(self) -> str:
        when = self.caught_up_at.strftime("%H:%M:%S") if self.caught_up_at else None
        if self.stopping:
            return "stopping: the replica gets what it lacks first…"
        if self.replaced:
            return "the board was replaced: the replica lacks its changes"
        if self.stopped:
            return f"replication stopped{f' (caught up {when} UTC)' if when else ''}"
        if self.behind:
            if when:
                return f"replica behind since {when} UTC"
            began = self.started_at.strftime("%H:%M:%S") if self.started_at else None
            return f"replica never caught up{f' (started {began} UTC)' if began else ''}"
        return f"replicated {when} UTC" if when else "replicating…"


def replica_state(board: Path, now: datetime | None = None) -> ReplicaState | None:
    """The replication of `board` as its status file tells it, or None when nothing
    replicates it (never, or stopped on purpose)."""
    status = read_status(board)
    if not status or not status.get("running"):
        return None
    now = now or datetime.now(UTC)
    caught = None
    with contextlib.suppress(ValueError, TypeError):
        caught = _parse_time(str(status["caught_up_at"])) if status.get("caught_up_at") else None
    started = None
    with contextlib.suppress(ValueError, TypeError, KeyError):
        started = _parse_time(str(status["started_at"]))
    since = caught or started or now
    stopped = not _alive(status.get("pid"))
    stopping = bool(status.get("stopping_at")) and not stopped
    behind = now - since > BEHIND_AFTER and not stopping
    return ReplicaState(
        url=str(status.get("url") or ""),
        caught_up_at=caught,
        behind=behind,
        stopped=stopped,
        error=str(status.get("error") or ""),
        replaced=status.get("replaced") is True,
        stopping=stopping,
        started_at=started,
    )
