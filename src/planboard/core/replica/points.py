"""The replica's positions (what it holds, and whether it has caught up with the board),
Litestream's errors said plainly, and restoring from a replica."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..db import read_only_connection
from ..paths import too_long
from ..text import path_text
from .config import (
    ESCAPED_NAMES,
    ReplicaError,
    _alive,
    ends_with_this_process,
    file_replica,
    litestream_binary,
    redact,
    typed_folder,
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
            preexec_fn=ends_with_this_process(),
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


def points(url: str, timeout: float = 60.0) -> list[Point]:
    """Every LTX file of the replica at `url`, oldest transaction first, as Litestream
    lists them (`litestream ltx -level all -json`, given `timeout` seconds), or read from
    the folder of a file replica."""
    folder = file_replica(url)
    if folder is not None:
        return _folder_points(folder)
    result = _run([litestream_binary(), "ltx", "-level", "all", "-json", url], timeout=timeout)
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
    ("operation not permitted", "Permission denied on the replica or the board's folder."),
    ("no matching backup files", "The replica holds nothing yet (no backup at that URL)."),
    (
        "timestamp does not exist",
        "The replica holds no state at that time; see the times it holds with --list.",
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
        fields: dict[str, str] = {}
        for name, value in re.findall(r'(\w[\w.-]*)=("(?:[^"\\]|\\.)*"|\S+)', line):
            fields.setdefault(name, value)  # (the first: "compaction failed" has a level=9)
        if "level" in fields and fields.get("level") not in ("ERROR", "WARN"):
            continue
        if fields.get("msg"):
            text = fields["msg"].strip('"')
            if fields.get("error"):
                text += ": " + fields["error"].strip('"').replace('\\"', '"')
            line = text
        line = re.sub(r"^Error:\s*", "", line)
        lines.append(line)
    hint = next((h for key, h in _HINTS if key.lower() in output.lower()), "")
    detail = lines[-1] + "." if lines else "" if hint else "Litestream stopped without saying why."
    where = f" ({redact(url)})" if url else ""
    return " ".join(part for part in (f"Litestream failed{where}:", detail, hint) if part)


# ---------------------------------------------------------------- restore


@dataclass(frozen=True)
class At:
    """A `--at` time: the moment given, in UTC, and how long a time its text names (its
    `grain`): a week for a week alone (`2026-W49`), a day for a date alone (`2026-W49-5`
    too), an hour, a minute or a second for a time given to it, nothing for one with a
    fraction of a second. It means the board as it was at the
    end of that time, the changes made in it included; a time with a fraction means
    exactly that moment."""

    moment: datetime
    grain: timedelta = timedelta(seconds=1)

    @property
    def until(self) -> datetime:
        """The last moment whose changes the restore holds."""
        return self.moment + max(self.grain - timedelta(microseconds=1), timedelta(0))

    def __str__(self) -> str:
        shown = _SHOWN.get(self.grain)
        if shown is not None:
            return self.moment.strftime(shown) + " UTC"
        stamp = self.moment.strftime("%Y-%m-%d %H:%M:%S")
        if self.moment.microsecond:
            stamp += f".{self.moment.microsecond:06d}".rstrip("0")
        return stamp + " UTC"

    def said(self) -> str:
        """What the restore holds, as the messages say it after "the replica"."""
        if self.grain > timedelta(seconds=1):
            unit = _UNITS[self.grain]
            return f"as it was at the end of the {unit} {self} (changes made in it included)"
        if self.grain:
            return f"as it was at {self} (changes made then included)"
        return f"as it was at {self}"


_MINUTE, _HOUR, _DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
_WEEK = timedelta(weeks=1)
_SHOWN = {
    _WEEK: "%G-W%V",
    _DAY: "%Y-%m-%d",
    _HOUR: "%Y-%m-%d %H:%M",
    _MINUTE: "%Y-%m-%d %H:%M",
}
_UNITS = {_WEEK: "week", _DAY: "day", _HOUR: "hour", _MINUTE: "minute"}
# A date (a calendar date, a week's day, or a week alone), then what the time gives
# (hours, minutes, seconds, a fraction), then its zone.
_GIVEN = re.compile(
    r"\d{4}(?:-?\d{2}-?\d{2}|-?W\d{2}(?:-?(\d))?)"
    r"(?:\D(\d{2})(?::?(\d{2})(?::?(\d{2})([.,]\d+)?)?)?)?"
    r"(?:[Zz]|[+-]\d{2}(?::?\d{2}(?::?\d{2}(?:[.,]\d+)?)?)?)?"
)


def _grain(raw: str, value: datetime) -> timedelta:
    """How long a time the text of a `--at` names (see `At`)."""
    given = _GIVEN.fullmatch(raw)
    if given is None:  # (a form of ISO 8601 seldom typed: to the second, as before)
        return timedelta(0) if value.microsecond or "." in raw else timedelta(seconds=1)
    weekday, hours, minutes, whole_seconds, fraction = given.groups()
    if fraction:
        return timedelta(0)
    if whole_seconds:
        return timedelta(seconds=1)
    if minutes or hours:
        return _MINUTE if minutes else _HOUR
    return _WEEK if "W" in raw.upper() and not weekday else _DAY


def parse_at(text: str) -> At:
    """`--at` as ISO 8601: with `Z`, an offset, or no zone at all, read as UTC (the zone
    `--list` shows its times in, so a time pasted from it means what it says there);
    `T` or a space between the date and the time, and a trailing ` UTC` too. A date
    alone, or a time to the minute, means the end of that day or minute (see `At`)."""
    raw = text.strip()
    if raw.upper().endswith(" UTC"):
        raw = raw[:-4].rstrip()
    past = f"“{text}” is out of the range of times (years 1 to 9999, in UTC)."
    try:
        value = datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw)
    except ValueError as error:
        if "year" in str(error) and "out of range" in str(error):  # (a week past 9999)
            raise ReplicaError(past) from error
        raise ReplicaError(
            f"“{text}” is not a time; give it as ISO 8601 in UTC, e.g. 2026-12-01T11:22:33Z "
            "(or as --list shows it: 2026-12-01 11:22:33)."
        ) from error
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    offset = value.utcoffset() or timedelta(0)
    if offset % _MINUTE:  # (the end of "its" minute would not be a minute in UTC)
        raise ReplicaError(
            f"“{text}” gives its zone's offset to the second; give it in hours and "
            "minutes (+01:00), or give the time in UTC."
        )
    try:  # (in UTC, and to the end of the time it names: within the calendar)
        at = At(value.astimezone(UTC), _grain(raw, value))
        at.until  # noqa: B018
    except OverflowError as error:
        raise ReplicaError(past) from error
    return at


def _stamp(moment: datetime) -> str:
    """RFC 3339 in UTC, to the microsecond, as Litestream's -timestamp reads it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _too_early(at: At, span: Span) -> ReplicaError:
    return ReplicaError(
        f"The replica holds nothing as early as that time ({at}); the earliest it can be "
        f"restored to is {At(span.first, timedelta(0))} (see --list)."  # (to its fraction)
    )


def _target(url: str, at: At | None) -> tuple[list[str], Span | None]:
    """Litestream's arguments for the state at `at`: the newest state when `at` is at or
    after the newest change (Litestream refuses a time after its newest file, and leaves
    out a file made at the very moment asked), else the time just after `at.until`
    (Litestream takes the files made strictly before it)."""
    if at is None:
        return [], None
    span = restorable(points(url))
    if span is None:
        raise ReplicaError("The replica holds nothing yet (no backup at that URL).")
    if at.until < span.first:
        raise _too_early(at, span)
    # A folder replica's times are Litestream's own; other stores list them to the second.
    grain = timedelta(0) if file_replica(url) is not None else timedelta(seconds=1)
    if at.until >= span.last + grain:
        return ["-txid", f"{span.txid:016x}"], span
    return ["-timestamp", _stamp(at.until + timedelta(microseconds=1))], span


def _litestream_restore(url: str, temporary: Path, at: At | None) -> Span | None:
    """Restore into `temporary`; the replica's span when `at` is at or after its newest
    change (the newest state was restored), else None."""
    binary = litestream_binary()
    args, span = _target(url, at)
    newest = span if args[:1] == ["-txid"] else None
    result = _run([binary, "restore", "-o", str(temporary), *args, url], timeout=600)
    if result.returncode != 0 and at is not None and span is not None:
        said = result.stderr or result.stdout
        if "timestamp does not exist" in said:
            # Listed to the second, the newest (or first) change's time was a guess.
            if at.until < span.last or at.until < span.first + timedelta(seconds=1):
                raise _too_early(at, span)
            Path(temporary).unlink(missing_ok=True)
            newest = span
            args = ["-txid", f"{span.txid:016x}"]
            result = _run([binary, "restore", "-o", str(temporary), *args, url], timeout=600)
    if result.returncode != 0 or not temporary.is_file():
        raise ReplicaError(explain(result.stderr or result.stdout, url))
    return newest


@dataclass(frozen=True)
class Restored:
    """A restore done: the file written, and the time of the replica's newest change
    when a `--at` at or after it restored that newest state (None otherwise)."""

    path: Path
    newest: datetime | None = None


def no_such_folder(url: str) -> str:
    """Why the `file://` replica at `url` can't be read because its folder is not there
    ("" when it is, and for other stores): Litestream would only say it holds nothing."""
    folder = file_replica(url)
    if folder is None or folder.is_dir():
        return ""
    if folder.exists():
        return f"{path_text(folder)} is a file, not a replica's folder ({redact(url)})."
    typed = typed_folder(folder)
    if typed != folder and typed.exists():
        return (
            f"Litestream can't read a replica from {path_text(typed)}: it reads "
            f"{path_text(folder)} instead ({ESCAPED_NAMES}), and there is no folder "
            "there. planboard replicates only into folders whose path has only ASCII "
            "letters, digits and - _ . ~"
        )
    return (
        f"There is no folder {path_text(folder)}, so no replica at {redact(url)}; check the path."
    )


def sweep_restores(folder: Path, name: str) -> None:
    """Remove the work folders (`.NAME.PID.….restore`) of restores into `folder` whose
    process is gone: one killed half-way left a whole copy of the board there."""
    # (Exactly this board's: `.team.db.2024.<pid>.….restore` is team.db.2024's.)
    ours = re.compile(rf"\.{re.escape(name)}\.(\d+)\.[^.]+\.restore")
    try:
        found = [entry for entry in os.scandir(folder) if ours.fullmatch(entry.name)]
    except OSError:
        return
    for entry in found:
        match = ours.fullmatch(entry.name)
        if match is None or _alive(int(match.group(1))):
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)


def restore_to(url: str, out: Path, at: At | None = None) -> Restored:
    """Restore the replica at `url` (its latest state, or the state at `at`, as `At`
    says) into the new file `out`, atomically: Litestream writes into a temporary folder
    beside it, the result is checked (`integrity_check`), then renamed into place.
    Never overwrites. Through a symbolic link, the file it names is written (and the
    link stays), as every output of planboard."""
    if too_long(str(out)):
        raise ReplicaError(too_long(str(out)))
    if os.path.islink(out):
        out = Path(os.path.realpath(out))
    if out.exists():
        raise ReplicaError(f"{out} already exists; give another name with -o.")
    folder = out.resolve().parent
    if not folder.is_dir():
        raise ReplicaError(f"Cannot write {out}: the folder {folder} does not exist.")
    missing = no_such_folder(url)
    if missing:
        raise ReplicaError(missing)
    litestream_binary()
    sweep_restores(folder, out.name)
    # (Named with this process's id: what a restore killed half-way leaves, the next
    # one removes.)
    prefix = f".{out.name}.{os.getpid()}."
    work = Path(tempfile.mkdtemp(prefix=prefix, suffix=".restore", dir=folder))
    try:
        temporary = work / out.name
        newest = _litestream_restore(url, temporary, at)
        check_restored(temporary)
        for end in ("-wal", "-shm"):
            Path(f"{temporary}{end}").unlink(missing_ok=True)
        if out.exists():
            raise ReplicaError(f"{out} appeared meanwhile; nothing was replaced.")
        os.replace(temporary, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Restored(out, newest.last if newest is not None else None)


def check_restored(path: Path) -> None:
    """Refuse a restored file that is damaged (it is never put in place)."""
    try:
        conn = read_only_connection(path)
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
