"""`planboard replicate` and `planboard restore --from URL`: the command-line side of
`core.replica`."""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import PlanboardError
from ..core.text import path_text
from .common import (
    Parser,
    _confirmed,
    _fail,
    _refused_unconfirmed,
    board_path,
    boards_named_alike,
    missing_board,
)

if TYPE_CHECKING:
    from ..core import replica

LIST_CHANGES = 20  # change points `restore --list` shows (the newest); snapshots: all


def _replicate_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="planboard replicate",
        usage="planboard replicate PATH --to URL [--background] [--sync-interval 1s] "
        "[--retention 8760h]\n"
        "       planboard replicate PATH --stop | --status",
        description="Stream every change of the board to a replica with Litestream, until "
        "Ctrl+C (or SIGTERM). URL: a folder, file:///folder, s3://bucket/prefix (endpoint "
        "and credentials as Litestream reads them: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, "
        "?endpoint=https://host:port for an S3-compatible store), sftp://user@host/path, "
        "gs://, abs://, webdav://. planboard writes Litestream's configuration itself. It "
        "never takes the board's writer lock: planboard keeps editing the board meanwhile.",
    )
    parser.add_argument("path", type=board_path, metavar="PATH", help="the board file")
    parser.add_argument("--to", metavar="URL", help="where the replica goes")
    parser.add_argument(
        "--background",
        action="store_true",
        help="keep replicating after this command returns (stop it with --stop)",
    )
    parser.add_argument(
        "--sync-interval",
        default="1s",
        metavar="DURATION",
        help="how often Litestream ships changes (default 1s; e.g. 10s to save requests)",
    )
    parser.add_argument(
        "--retention",
        default="8760h",
        metavar="DURATION",
        help="how far back the replica can be restored (default 8760h: a year; "
        "Litestream keeps a snapshot a day)",
    )
    asking = parser.add_mutually_exclusive_group()
    asking.add_argument("--stop", action="store_true", help="stop a background replication")
    asking.add_argument("--status", action="store_true", help="how replication of PATH stands")
    parser.add_argument("--check-every", type=float, default=None, help=argparse.SUPPRESS)
    # (A background replication's log, taken once it holds the board: until then what it
    # says goes to its starter alone, not into another one's log.)
    parser.add_argument("--log-to", default=None, help=argparse.SUPPRESS)
    return parser


def run_replicate(argv: list[str]) -> int:
    args = _replicate_parser().parse_args(argv)
    from ..core import replica
    from .common import _open_for_reading

    board = Path(args.path)
    # A slip of the board's name is said (a board moved away while it replicates can
    # still be stopped, or asked about; one never replicated is said so, status 0).
    asked = args.stop or args.status
    unknown = asked and not board.exists() and replica.read_status(board) is None
    if unknown and boards_named_alike(board):
        return _fail(missing_board(board))
    if asked and (args.to or args.background):
        return _fail(
            "--status and --stop take no --to or --background: they ask about the "
            f"replication of {board} running now, wherever it goes."
        )
    if args.stop:
        return _stop(board)
    if args.status:
        return _print_status(board)
    if not args.to:
        return _fail("Say where the replica goes: --to URL (a folder, s3://…, sftp://…).")
    try:
        replica.check_not_replicated_elsewhere(board)
    except PlanboardError as error:
        return _fail(str(error))
    store, reason = _open_for_reading(board)
    if store is None:
        return _fail(reason)
    store.close()
    try:
        replica.check_board_path(board)
        url = replica.replica_url(args.to)
        replica.check_replica_folder(url)
        replica.check_one_writer(board, url)
        replica.duration(args.sync_interval, "--sync-interval")
        replica.duration(args.retention, "--retention")
        replica.litestream_binary()
    except PlanboardError as error:
        return _fail(str(error))
    if args.background:
        return _start_background(board, args)
    return _replicate_here(board, url, args)


def _stop(board: Path) -> int:
    """`--stop`: said once the process has exited, with what the replica holds; or
    that it is still finishing."""
    from ..core import replica

    def stopping(pid: int) -> None:
        print(
            f"Stopping the replication of {board} (process {pid}): it sends what the replica "
            "lacks first (at most a minute and a half)…",
            flush=True,
        )

    stopped = replica.stop_background(board, stopping=stopping)
    if stopped is None:
        print(f"Nothing replicates {board} now.")
        return 0
    if not stopped.exited:
        print(
            f"Asked the replication of {board} (process {stopped.pid}) to stop; it is still "
            "finishing (waiting for the replica). planboard replicate "
            f"{board} --status says when it has stopped."
        )
        return 1
    status = replica.read_status(board) or {}
    if status.get("replaced") is True:
        held = f"the replica lacks the changes made since {board} was replaced."
        held += _set_aside(status.get("aside"))
    elif stopped.drained:
        held = "the replica holds every change made before."
    elif stopped.drained is None:
        held = "whether the replica holds the last changes is not known."
    else:
        held = "the replica may lack the last changes (the next planboard replicate sends them)."
    print(f"Stopped replicating {board} (process {stopped.pid}); {held}")
    return 0


def _set_aside(kept: object) -> str:
    """What became of the old file's `-wal` (its changes) once the board was replaced."""
    names = [path_text(Path(str(p)).name) for p in kept] if isinstance(kept, list) else []
    if not names:
        return ""
    return (
        f" The old file's -wal (its last changes) is moved aside, out of the new board's "
        f"way: {', '.join(names)}."
    )


def _replicate_here(board: Path, url: str, args: argparse.Namespace) -> int:
    """Replicate in this process until Ctrl+C (or SIGTERM)."""
    from ..core import replica

    check_every = args.check_every or replica.CHECK_EVERY
    runner = replica.Replicator(
        board,
        url,
        say=lambda text: print(text, file=sys.stderr, flush=True),
        check_every=check_every,
        sync_interval=args.sync_interval,
        retention=args.retention,
    )
    try:
        runner.start()
    except PlanboardError as error:
        return _fail(str(error))
    if args.log_to:
        _write_into(Path(args.log_to))
    print(
        f"Replicating {board} to {replica.redact(url)} (Litestream, every "
        f"{args.sync_interval}). Ctrl+C stops.",
        flush=True,
    )
    code = runner.run()
    if code == 0:
        if runner.replaced():
            print(
                f"Stopped replicating {board}; the replica lacks the changes made since it "
                f"was replaced.{_set_aside(runner.set_aside)}"
            )
        elif runner.drained:
            print(f"Stopped replicating {board}; the replica holds every change made before.")
        else:
            print(
                f"Stopped replicating {board}; the replica may lack the last changes "
                "(the next planboard replicate sends them)."
            )
        return 0
    if runner.errors:  # each already said as it came
        return _fail(f"Stopped replicating {board}: Litestream exited with the error above.")
    return _fail(f"Stopped replicating {board}: Litestream exited without saying why.")


def _write_into(log: Path) -> None:
    """From now on, what this process prints goes to the end of `log`."""
    sys.stdout.flush()
    sys.stderr.flush()
    with contextlib.suppress(OSError):
        handle = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.dup2(handle, 1)
        os.dup2(handle, 2)
        os.close(handle)


def _refused_start(
    process: subprocess.Popen[bytes], board: Path, said: Path, log: Path, since: int
) -> str:
    """What a background start said before it ended ("" while it runs, once its status
    says it holds the board, or after five seconds): in its own file, or (ended once it
    held the board) in the log, from `since`."""
    from ..core import replica

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = said.read_text(encoding="utf-8", errors="replace")
            if not text.strip():
                with contextlib.suppress(OSError), log.open("rb") as stream:
                    stream.seek(since)
                    text = stream.read().decode("utf-8", "replace")
            tail = [line.removeprefix("planboard: ") for line in text.strip().splitlines()]
            return " ".join(tail[-3:]) or "it ended without a word."
        status = replica.read_status(board)
        if status and status.get("pid") == process.pid and status.get("running"):
            return ""
        time.sleep(0.1)
    return ""


def _start_background(board: Path, args: argparse.Namespace) -> int:
    from ..core import replica

    status = replica.read_status(board)
    if status and status.get("running") and replica._alive(status.get("pid")):
        return _fail(
            f"{board} is already being replicated (process {status['pid']}, to "
            f"{status.get('url')}); stop it with: planboard replicate {board} --stop"
        )
    try:
        folder = replica.make_state_dir(board)
    except PlanboardError as error:
        return _fail(str(error))
    log = folder / "replicate.log"
    command = [
        sys.executable,
        "-m",
        "planboard",
        "replicate",
        str(board.resolve()),
        "--to",
        args.to,
        "--sync-interval",
        args.sync_interval,
        "--retention",
        args.retention,
    ]
    if args.check_every:
        command += ["--check-every", str(args.check_every)]
    # What it says before it holds the board goes to a file of this start's own (starts
    # at the same moment each say their own), then to the log (`--log-to`).
    since = log.stat().st_size if log.exists() else 0
    handle, first = tempfile.mkstemp(prefix=".start.", suffix=".log", dir=folder)
    try:
        with os.fdopen(handle, "ab") as stream:
            process = subprocess.Popen(
                [*command, "--log-to", str(log)],
                stdin=subprocess.DEVNULL,
                stdout=stream,
                stderr=stream,
                start_new_session=True,
                close_fds=True,
            )
        refused = _refused_start(process, board, Path(first), log, since)
        if refused:
            return _fail(f"Replication did not start: {refused}")
    finally:
        Path(first).unlink(missing_ok=True)
    url = replica.replica_url(args.to)
    print(
        f"Replicating {board} to {replica.redact(url)} in the "
        f"background (process {process.pid}); its log: {log}. "
        f"Stop it with: planboard replicate {board} --stop"
    )
    problem = replica.unreachable(url)
    if problem:
        print(f"Warning: {problem}", file=sys.stderr)
    return 0


def _print_status(board: Path) -> int:
    from ..core import replica

    status = replica.read_status(board)
    state = replica.replica_state(board)
    if status is None:
        print(f"{board} has never been replicated from this machine.")
        return 0
    if state is None:
        print(f"Not replicating {board} now (last to {status.get('url')}).")
        return 0
    label = state.label()
    print(f"{board} → {state.url}: {label}{'' if label.endswith('…') else '.'}")
    if state.error:
        print(state.error)
    return 1 if state.behind or state.stopped or state.replaced or state.stopping else 0


# ---------------------------------------------------------------- restore --from


def add_restore_options(parser: argparse.ArgumentParser) -> None:
    """The options `planboard restore` takes for a replica (with --from)."""
    group = parser.add_argument_group("from a replica (Litestream)")
    group.add_argument(
        "--from", dest="from_url", metavar="URL", help="restore from this replica instead"
    )
    group.add_argument(
        "--at",
        metavar="TIME",
        help="the state at the end of this time, the changes made in it included (UTC, as "
        "--list shows it: 2026-12-01 11:22:33, or ISO 8601 with Z or an offset; to the "
        "minute, 2026-12-01 11:22, the end of that minute; with a fraction of a second, "
        "exactly that moment); a time after the newest change restores the newest state",
    )
    group.add_argument("--output", "-o", metavar="OUT", help="restore into this new file")
    group.add_argument("--list", action="store_true", help="show the points the replica holds")


def run_restore_from(args: argparse.Namespace) -> int:
    from ..core import replica

    if args.from_url is None:
        return _fail("--at, -o and --list apply to a replica: add --from URL.")
    if args.backup is not None:
        return _fail("Restore either a backup (NUMBER) or a replica (--from URL), not both.")
    if args.at is not None and not args.at.strip():
        # (`--at "$WHEN"` with WHEN unset: not the newest state, unasked)
        return _fail("--at is empty: give the time to restore to, or leave --at out.")
    if args.list and args.at:
        return _fail(
            "--list shows every time the replica can be restored to, and --at restores "
            "one of them: give one or the other."
        )
    if args.list and (args.path or args.output):
        given = args.path or args.output
        return _fail(
            f"--list only shows the times the replica holds; it restores nothing, so "
            f"{given} is not used: leave it out, or leave out --list to restore."
        )
    if args.output and args.path:
        return _fail(
            f"Restore either over the board {args.path} or into a new file with -o "
            f"{args.output}, not both: leave out {args.path} to write {args.output}, or "
            "-o to replace the board (after a backup of it)."
        )

    try:
        url = replica.replica_url(args.from_url)
        at = replica.parse_at(args.at) if args.at else None
        replica.litestream_binary()
    except PlanboardError as error:
        return _fail(str(error))
    if args.list:
        return _list_points(url)
    if args.output:
        return _restore_new(url, Path(args.output), at)
    if not args.path:
        return _fail("Say where to restore: PATH (the board) or -o OUT (a new file).")
    board = Path(args.path)
    if not board.exists():
        if boards_named_alike(board):
            # (A typing slip would restore into a new file, the board left as it was.)
            return _fail(
                f"{missing_board(board)} To restore into a new file {board}, give it with "
                f"-o {board}."
            )
        return _restore_new(url, board, at, " (a new file)")
    return _restore_over(board, url, at, yes=args.yes)


def _restore_new(url: str, out: Path, at: replica.At | None, note: str = "") -> int:
    """Restore into the new file `out`."""
    from ..core import replica

    try:
        done = replica.restore_to(url, out, at)
    except PlanboardError as error:
        return _fail(str(error))
    print(f"Restored the replica {replica.redact(url)}{_when(at, done)} into {out}{note}.")
    return 0


def _when(at: replica.At | None, done: replica.Restored | None = None) -> str:
    """The state restored, as the messages say it: what `--at` asked (before the
    restore), or the newest change's time when the time asked was after it."""
    if at is None:
        return ""
    if done is not None and done.newest is not None:
        newest = done.newest.strftime("%Y-%m-%d %H:%M:%S")
        return f" as it was at {newest} UTC (the newest change in the replica)"
    return " " + at.said()


def _restore_over(board: Path, url: str, at: replica.At | None, *, yes: bool) -> int:
    """Over an existing board: restore into a temporary file beside it, then replace the
    board's content the way a backup is restored (the board as it is now is backed up
    first)."""
    import tempfile

    from ..core import replica
    from ..core.lock import writer_is_active
    from ..core.store import Store

    with contextlib.suppress(OSError):  # (one that can't be read: the open says so)
        if writer_is_active(board):  # (said before asking, and before any download)
            return _fail(f"{board} is open in another planboard; close it, then restore.")
    missing = replica.no_such_folder(url)  # (said before asking too)
    if missing:
        return _fail(missing)
    if not yes:
        answer = _confirmed(f"Replace {board} with the replica{_when(at)}?")
        if not answer:
            return _refused_unconfirmed(answer)
    # (Named as `restore_to` names its own, with this process's number: what a restore
    # killed half-way leaves, the next one removes.)
    folder = board.resolve().parent
    replica.sweep_restores(folder, board.name)
    try:
        work = Path(
            tempfile.mkdtemp(prefix=f".{board.name}.{os.getpid()}.", suffix=".restore", dir=folder)
        )
    except OSError as error:  # (a name too long for the work folder's, a folder read-only)
        return _fail(
            f"Cannot restore beside {board}: {error.strerror or error}. Nothing was changed."
        )
    restored = work / board.name
    try:
        done = replica.restore_to(url, restored, at)
        try:
            store = Store.open(board, create=False)
        except PlanboardError as error:
            return _fail(str(error))
        try:
            if store.viewer:
                return _fail(f"{board} is open in another planboard; close it, then restore.")
            safety = store.restore(restored)
        except PlanboardError as error:  # (said of the replica, not of a backup file)
            return _fail(str(error).replace(f"{restored.name} is a backup of", "The replica is of"))
        finally:
            store.close()
    except PlanboardError as error:
        return _fail(str(error))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"Restored {board} from the replica {replica.redact(url)}{_when(at, done)}.")
    print(f"The board as it was is kept in {safety.name}.")
    return 0


def _list_points(url: str) -> int:
    from ..core import replica

    try:
        found = replica.points(url)
    except PlanboardError as error:
        return _fail(str(error))
    span = replica.restorable(found)
    if span is None:
        missing = replica.no_such_folder(url)
        if missing:
            return _fail(missing)
        print(f"The replica {replica.redact(url)} holds nothing yet.")
        return 0
    stamp = "%Y-%m-%d %H:%M:%S"
    print(
        f"The replica {replica.redact(url)} can be restored to any time from "
        f"{span.first.strftime(stamp)} UTC on; its newest change is from "
        f"{span.last.strftime(stamp)} UTC."
    )
    snapshots = [p for p in found if p.level == 9]
    changes = sorted((p for p in found if p.level != 9), key=lambda p: (p.at, p.max_txid))
    shown = changes[-LIST_CHANGES:]
    print(
        "Points it holds (UTC; level 9: a snapshot, 0: one sync, 1 to 8: merged syncs; "
        "transactions: Litestream's numbers for the writes each holds):"
    )
    print(f"  {'time':<19}  {'transactions':<15}  level  {'bytes':>9}")
    if len(changes) > len(shown):
        print(
            f"  … {len(changes) - len(shown)} earlier changes (every second between is restorable)"
        )
    for point in sorted([*snapshots, *shown], key=lambda p: (p.at, p.max_txid, p.level)):
        txids = f"{point.min_txid}" + (
            f"–{point.max_txid}" if point.max_txid != point.min_txid else ""
        )
        print(f"  {point.at.strftime(stamp)}  {txids:<15}  {point.level:>5}  {point.size:>9}")
    print(
        "A time restores the board as it was at the end of that second (or minute, given "
        "to the minute), the changes made in it included; a time after the newest change "
        "restores the newest state."
    )
    print(
        f"Restore one with: planboard restore --from {shlex.quote(url)} --at 'TIME' -o NEW.db "
        "(or PATH instead of -o NEW.db to replace the board PATH)"
    )
    return 0
