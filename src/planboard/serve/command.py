"""`planboard serve PATH [--quarter Q] [--host HOST] [--port PORT] [--token TOKEN |
--new-token]`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import signal
import sys
from pathlib import Path

from ..cli.common import Parser, board_path, quarter_name
from ..core.text import clean_line, path_text
from . import missing
from .hosts import is_loopback

DEFAULT_PORT = 8765
MIN_TOKEN = 8  # characters: a shorter token, anyone on the network could guess


def parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="planboard serve",
        description="Serve a read-only live page of the board, for attendees following the "
        "planning event in a browser. It binds 127.0.0.1 unless --host says otherwise; a "
        "host others can reach needs a token (one is made and printed if not given).",
    )
    parser.add_argument("path", type=board_path, help="the board file")
    parser.add_argument(
        "--quarter",
        type=quarter_name,
        help="the quarter to show (default: the one being decided, else the one being "
        "prepared, and the next one once it is started)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"the port (default: {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--token",
        help="the token attendees' links carry (default: none on 127.0.0.1; on any other "
        "host, one made at random the first time and kept for this board, so a server "
        "started again gives the same link)",
    )
    parser.add_argument(
        "--new-token",
        action="store_true",
        help="make a new token for this board (the old link stops working), and keep it",
    )
    parser.add_argument("--no-qr", action="store_true", help="print the link without a QR code")
    return parser


def qr_code(url: str) -> str:
    """The link as a QR code drawn with block characters, for phones in the room."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def _fail(message: str) -> int:
    print(f"planboard: {clean_line(message)}", file=sys.stderr)  # (a path's escapes too)
    return 2


def _refusal(args: argparse.Namespace) -> str:
    """Why the command can't serve as asked ("" if it can)."""
    need = missing()
    if need:
        return need
    if not 0 <= args.port <= 65535:
        return f"--port must be between 0 and 65535, not {args.port}."
    if args.token is not None and not args.token.strip():
        return "--token can't be empty (leave it out to have one made)."
    if args.token is not None and not all("!" <= c <= "~" for c in args.token):
        return "--token must be letters, digits and punctuation (ASCII, with no spaces)."
    if args.token is not None and len(args.token) < MIN_TOKEN and not is_loopback(args.host):
        return (
            f"--token must be {MIN_TOKEN} characters or more: anyone on the network could "
            "guess a shorter one (leave it out to have one made)."
        )
    host_problem = _host_problem(args.host)
    if host_problem:
        return host_problem
    path = Path(args.path)
    if not path.exists():
        from ..cli.common import missing_board

        return missing_board(path)
    if path.is_dir():
        return f"{path} is a folder, not a board file."
    if args.new_token and (args.token is not None or is_loopback(args.host)):
        return (
            "--new-token makes the token of a server others can reach (--host), when "
            "--token does not give one."
        )
    return _no_such_quarter(path, args) if args.quarter else ""


def _host_problem(host: str) -> str:
    """Why `--host` names no address to listen on ("" if it may): an empty one listened
    on every network; bytes that are not UTF-8 ended in a traceback."""
    if not host.strip():
        return "--host can't be empty (127.0.0.1: this computer; 0.0.0.0: every network)."
    try:
        host.encode()
    except UnicodeEncodeError:
        shown = host.encode(errors="surrogateescape").decode(errors="replace")
        return f"--host “{shown}” is not an address."
    if re.fullmatch(r"[^:\[\]]+:\d*", host):
        return f"--host takes the address alone (not “{host}”); give the port with --port."
    return ""


def _no_such_quarter(path: Path, args: argparse.Namespace) -> str:
    """Why the board can't show the quarter `args.quarter` ("" if it can: it has it,
    or it can't be read now, which the server says as it would of any read). Found, it
    is named as the board names it (`2026-q2` typed: 2026-Q2)."""
    from ..core import NotFoundError, PlanboardError, Store

    try:
        store = Store.open(path, create=False, readonly=True)
    except PlanboardError:
        return ""
    try:
        args.quarter = store.quarter_by_name(args.quarter).name
    except NotFoundError as error:
        return str(error)
    finally:
        store.close()
    return ""


def run(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    refusal = _refusal(args)
    if refusal:
        return _fail(refusal)
    path = Path(args.path)
    from .server import BoardServer, ServeError, kept_token

    token = args.token
    if token is None and not is_loopback(args.host):  # (the same link after a restart)
        token = kept_token(path, fresh=args.new_token)
    server = BoardServer(path, host=args.host, port=args.port, token=token, quarter=args.quarter)

    async def main() -> None:
        await server.start()
        stopping = asyncio.Event()
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            # A service manager stops it with SIGTERM: stop as cleanly as on Ctrl+C.
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
        try:
            shown = f" ({clean_line(args.quarter)})" if args.quarter else ""
            print(
                f"Serving {clean_line(path_text(path))}{shown} read-only. Attendees "
                f"open:\n\n  {server.url}\n",
                flush=True,
            )
            # (No QR code for this computer's own address: a phone scanning it would
            # open its own.)
            if not args.no_qr and not is_loopback(args.host):
                print(qr_code(server.url), flush=True)
            if is_loopback(args.host):
                print(
                    "This address works on this computer only. For phones and laptops in "
                    "the room: planboard serve PATH --host 0.0.0.0 (a token is made and "
                    "printed with the link).",
                    flush=True,
                )
            print("Ctrl+C stops the server (the board is not changed).", flush=True)
            await stopping.wait()
            print("Stopped.", flush=True)
        finally:
            await server.stop()

    try:
        asyncio.run(main())
    except ServeError as error:
        message = str(error)
        if "needs an upgrade" in message:
            message = (
                f"{path} was written by an older planboard; open it once with "
                f"“planboard {path}” to upgrade it (a backup is kept), then serve it."
            )
        return _fail(message)
    except KeyboardInterrupt:
        print("Stopped.")
    return 0
