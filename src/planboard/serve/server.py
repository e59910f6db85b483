"""The read-only web server: one process, every attendee, one watcher of the file.

Read-only by construction: the board is opened read-only (an SQLite `mode=ro`
connection, without planboard's writer lock), there is no route that writes, and any
method other than GET or HEAD is answered 405. Safe by default: it binds 127.0.0.1; a
host anyone else can reach needs a token (wrong or missing: 401); the live channel checks
`Origin`; the number of live connections is capped; every response carries a strict
Content-Security-Policy; every asset is served from memory, by name (no folder is served,
so nothing can be listed).

The page is rendered once per change of the file and the same bytes go to every
attendee over server-sent events; the browser reconnects by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Awaitable, Callable
from datetime import datetime
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from aiohttp import http_exceptions, web

from ..core.clock import SYSTEM_CLOCK, Clock
from ..core.db import tidy_after_serving
from ..core.errors import NotFoundError, PlanboardError
from ..core.live import LiveView, live_view
from ..core.store import Store
from ..core.text import path_text
from ..core.wal import files_read
from ..core.watch import FileWatcher
from . import page
from .connections import CSP as CSP
from .connections import SECURITY_HEADERS, Handler, Refused, make_room
from .hosts import hostname as hostname
from .hosts import is_loopback as is_loopback

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
MAX_CLIENTS = 200  # live connections at once
SPARE_CONNECTIONS = 56  # beyond the live ones: page loads, assets, refused requests
HEAD_SECONDS = 10.0  # to send a whole request (and how long an idle connection is kept)
RETRY_MS = 1000

ASSETS = {
    "page.css": "text/css; charset=utf-8",
    "page.js": "text/javascript; charset=utf-8",
}


def new_token() -> str:
    return secrets.token_urlsafe(18)


_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,200}")


def kept_token(board: Path, *, fresh: bool = False) -> str:
    """The token `planboard serve --host` made for this board before (kept in planboard's
    state folder, this user's alone), or a new one kept (`fresh`: a new one): a server
    started again gives the same link, which the pages open in the room rejoin."""
    from ..core.replica.config import board_key, state_root

    place = state_root() / "serve" / f"{board_key(board)}.token"
    with contextlib.suppress(OSError):  # (this user's alone: its listing says which boards
        place.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # have tokens)
        place.parent.chmod(0o700)
    if not fresh:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            found = place.read_text(encoding="utf-8").strip()
            if _TOKEN.fullmatch(found):
                return found
    token = new_token()
    with contextlib.suppress(OSError):
        handle, name = tempfile.mkstemp(prefix=".token.", dir=place.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:  # (mode 0600)
                stream.write(token + "\n")
            os.replace(name, place)
        finally:
            Path(name).unlink(missing_ok=True)  # (gone once renamed; else not left)
    return token


class _ClientFaults(logging.Filter):
    """A malformed request (no Host, a line too long, not HTTP/1) is the client's
    fault: it gets its 400, and the facilitator's terminal (shared on the screen) no
    traceback. Anyone who reached the port could fill it with them."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, http_exceptions.HttpProcessingError)


logging.getLogger("aiohttp.server").addFilter(_ClientFaults())


class ServeError(PlanboardError):
    """The server can't start (a bad host, a port in use, a board that can't be read)."""


class BoardServer:
    """Serves one board file. `await start()`, then `url`; `await stop()` at the end."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        token: str | None = None,
        max_clients: int = MAX_CLIENTS,
        max_connections: int | None = None,
        head_seconds: float = HEAD_SECONDS,
        poll_seconds: float = 0.2,
        clock: Clock = SYSTEM_CLOCK,
        quarter: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.quarter = quarter  # (by name; None: the quarter of the moment)
        # The one clock the countdown is read on: the page's end time and the `now` each
        # message carries (from which the browser knows how far its own clock is off).
        self.clock = clock
        self.host = host
        self.port = port
        if token is None and not is_loopback(host):
            token = new_token()  # anyone on the network could reach it otherwise
        self.token = token or ""
        self.max_clients = max_clients
        # Every open connection, finished request or not: half-open requests (a slow
        # sender, or many of them) can't hold more than this, nor for longer than
        # `head_seconds`.
        self.max_connections = (
            max_connections if max_connections is not None else max_clients + SPARE_CONNECTIONS
        )
        self.head_seconds = head_seconds
        # Connections accepted and not yet counted by the web server.
        self._accepting: set[web.RequestHandler] = set()
        self._listener: asyncio.Server | None = None
        self.poll_seconds = poll_seconds
        self.clients = 0
        self.version = 0
        self._store: Store | None = None
        self._files: tuple[object, object] = (None, None)
        self._content = ""
        self._html_json = '""'
        self._tail: tuple[int, bytes] = (-1, b"")  # (the version it is of, the bytes)
        self._good = ""  # the last content read without a problem
        self._tick = asyncio.Event()
        self._ending = False  # (stopping: the live streams say so and end)
        self._watcher: FileWatcher | None = None
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.TimerHandle | None = None  # (a countdown that starts later)
        self._assets = {
            name: (resources.files(__package__) / "assets" / name).read_bytes() for name in ASSETS
        }
        self.title = page.tab_title(path_text(self.path.name))
        self._title_json = json.dumps(self.title)
        # Which board this is, to a page left open (its path's digest: a page of one
        # board shows no other served on its port later; a file moved over it is it).
        self.board_key = hashlib.sha256(os.fsencode(self.path.resolve())).hexdigest()[:16]

    # ------------------------------------------------------------------ address

    @property
    def url(self) -> str:
        host = self.host
        if host in ("0.0.0.0", "0", "::", ""):  # (every network: `0` is 0.0.0.0)
            host = _outward_address() or host
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        address = f"http://{host}:{self.port}/"
        return f"{address}?token={quote(self.token, safe='')}" if self.token else address

    # ------------------------------------------------------------------ reading

    def _open(self) -> None:
        # Every connection of this process to the board closed before the new one opens
        # (the watcher's included), so that it reads through the `-shm` now beside it.
        with self._watcher.closed() if self._watcher else contextlib.nullcontext():
            self._close_store()
            self._store = Store.open(self.path, create=False, readonly=True, clock=self.clock)
            self._files = files_read(self.path)

    def _replaced(self) -> bool:
        """Whether the store must be opened again: the path names another file, or none
        (say so rather than show what was there), or the `-shm` beside it is not the one
        the store reads through (a swapped-in board's writes would never show)."""
        files = files_read(self.path)
        return files[0] is None or files != self._files

    def read(self, now: datetime | None = None) -> LiveView:
        if self._store is None or self._replaced():
            self._open()
        assert self._store is not None
        return live_view(self._store, now, self.quarter)

    def _wake_at_start(self, seconds: float) -> None:
        """A countdown whose start is written later than now: the page is drawn again
        when it starts (nothing is written then, so no change of the file says so)."""
        if self._wake is not None:
            self._wake.cancel()
            self._wake = None
        if seconds > 0 and self._loop is not None:
            self._wake = self._loop.call_later(min(seconds, 86_400.0) + 0.05, self.refresh)

    def refresh(self) -> bool:
        """Read the board again; True if the page changed (then every attendee gets it)."""
        now = self.clock.now()  # one reading: the time left and the end agree
        try:
            view = self.read(now)
            content = page.fragment(view, now.timestamp())
            self._good = content
            self._wake_at_start(view.timer.starts_in if view.timer else 0.0)
        except NotFoundError as error:  # (the quarter served is gone, its blocks with it)
            content, self._good = page.problem(self._public(str(error))), ""
        except PlanboardError as error:
            message = self._public(str(error))
            content = page.problem(f"The board can't be read right now: {message}") + self._good
            self._close_store()  # open it afresh next time
        except Exception as error:  # rows another program wrote must not stop the server
            message = self._public(str(error))
            content = page.problem(f"The board can't be shown right now ({message}).") + self._good
        if content == self._content:
            return False
        self._content = content
        self._html_json = json.dumps(content)
        self.version += 1
        tick, self._tick = self._tick, asyncio.Event()
        tick.set()
        return True

    def _public(self, message: str) -> str:
        """A message for attendees: the board's file by name, never the folder it is in."""
        spellings = {str(self.path), str(self.path.absolute()), str(self.path.resolve())}
        for spelling in sorted(spellings, key=len, reverse=True):
            message = message.replace(spelling, self.path.name)
        return path_text(message)

    def _message(self) -> tuple[bytes, bytes]:
        """The live message, in two parts: its head, with this moment's time, made for
        each attendee; the rest, the page, made once per version and the same bytes for
        all (made for each, a big page was a copy per attendee)."""
        now = round(self.clock.now().timestamp() * 1000)
        if self._tail[0] != self.version:
            # The board and its title too: a page left open while another board is
            # served on the same port keeps its own, and names the other.
            rest = (
                f'"board": "{self.board_key}", "title": {self._title_json}, '
                f'"html": {self._html_json}}}\n\n'
            )
            self._tail = (self.version, rest.encode())
        return f'data: {{"v": {self.version}, "now": {now}, '.encode(), self._tail[1]

    # ------------------------------------------------------------------ checks

    def _token_ok(self, request: web.Request) -> bool:
        if not self.token:
            return True
        given = request.query.get("token", "")
        return hmac.compare_digest(given.encode(), self.token.encode())

    def _host_ok(self, request: web.Request) -> bool:
        """Bound to loopback without a token, only loopback names may be asked for (a
        page elsewhere can't rebind its own name to this machine and read the board)."""
        if self.token or not is_loopback(self.host):
            return True
        return is_loopback(hostname(request.host))

    def _same_origin(self, request: web.Request) -> bool:
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"{request.scheme}://{request.host}":
            return False
        site = request.headers.get("Sec-Fetch-Site")
        return site in (None, "same-origin", "none")

    @web.middleware
    async def _guard(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        if request.method not in ("GET", "HEAD"):
            raise web.HTTPMethodNotAllowed(
                request.method, ["GET", "HEAD"], text="This page is read-only.\n"
            )
        if not self._host_ok(request):
            raise web.HTTPMisdirectedRequest(text="Unknown host name.\n")
        if not self._token_ok(request):
            if request.path == "/":  # (an attendee's browser: a page a phone can read)
                raise web.HTTPUnauthorized(text=page.refused(), content_type="text/html")
            raise web.HTTPUnauthorized(
                text="This board needs the address with its token (?token=…), as printed "
                "by planboard serve.\n"
            )
        return await handler(request)

    @staticmethod
    async def _headers(request: web.Request, response: web.StreamResponse) -> None:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        # Not the web framework's name and version (a map for anyone probing the
        # laptop from the meeting-room network).
        response.headers["Server"] = "planboard"

    # ------------------------------------------------------------------ routes

    async def _page(self, request: web.Request) -> web.Response:
        now = self.clock.now().timestamp()
        body = page.document(
            self._content, title=self.title, token=self.token, now=now, board=self.board_key
        )
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    async def _asset(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self._assets:
            raise web.HTTPNotFound(text="Not found.\n")
        return web.Response(body=self._assets[name], headers={"Content-Type": ASSETS[name]})

    async def _live(self, request: web.Request) -> web.StreamResponse:
        if not self._same_origin(request):
            raise web.HTTPForbidden(text="The live channel serves this page only.\n")
        if self.clients >= self.max_clients:
            raise web.HTTPServiceUnavailable(
                text="Too many people are following this board.\n", headers={"Retry-After": "5"}
            )
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "X-Accel-Buffering": "no"}
        )
        self.clients += 1
        try:
            await response.prepare(request)
            if request.method == "HEAD":
                return response
            await response.write(f"retry: {RETRY_MS}\n\n".encode())
            sent = -1
            while not self._ending:
                if sent != self.version:
                    sent = self.version
                    head, rest = self._message()
                    await response.write(head)
                    await response.write(rest)
                tick = self._tick
                try:
                    await asyncio.wait_for(tick.wait(), page.ALIVE_SECONDS)
                except TimeoutError:  # (an event the page hears: a comment it did not)
                    await response.write(b"event: alive\ndata: {}\n\n")
            # Sharing stops: the page says so (it said "reconnecting…" for ever).
            await response.write(b"event: end\ndata: {}\n\n")
        except ConnectionResetError:
            pass  # the attendee left
        finally:
            self.clients -= 1
        return response

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        app.router.add_get("/", self._page)
        app.router.add_get("/live", self._live)
        app.router.add_get("/assets/{name}", self._asset)
        app.on_response_prepare.append(self._headers)
        return app

    # ------------------------------------------------------------------ running

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._tick = asyncio.Event()
        try:
            self._open()
        except PlanboardError as error:
            raise ServeError(str(error)) from error
        self._watcher = FileWatcher(self.path, self.poll_seconds)
        loop = self._loop

        def changed() -> None:  # in the watcher's thread: hand over to the server's loop
            loop.call_soon_threadsafe(self.refresh)

        self._watcher.subscribe(changed)
        self._watcher.start()  # before the first read: no write can fall between the two
        self.refresh()
        self._runner = web.AppRunner(
            self.app(),
            access_log=None,
            handle_signals=False,
            shutdown_timeout=0.5,
            handler_cancellation=True,  # a closed tab frees its place at once
            # A connection that has not sent a whole request within this time is closed
            # (the web server starts this clock when the connection opens).
            keepalive_timeout=self.head_seconds,
        )
        await self._runner.setup()
        try:
            self._listener = await loop.create_server(
                self._protocol, self.host or None, self.port, backlog=128
            )
        except OSError as error:
            await self.stop()
            hint = (
                " Another port: --port N (--port 0 takes a free one)."
                if error.errno == errno.EADDRINUSE
                else ""
            )
            raise ServeError(
                f"Cannot listen on {self.host}:{self.port}: {error.strerror or error}.{hint}"
            ) from error
        if self._listener.sockets:
            self.port = self._listener.sockets[0].getsockname()[1]

    def _protocol(self) -> asyncio.BaseProtocol:
        """A handler for a new connection (over the cap, in place of the oldest idle
        one), or a short refusal when too many are open and every one is busy."""
        assert self._runner is not None and self._runner.server is not None
        web_server = self._runner.server
        full = len(web_server.connections) + len(self._accepting) >= self.max_connections
        if full and not make_room(web_server.connections):
            return Refused()
        # The web server counts the connection once it is made, on a later turn of the
        # loop: count it here until then (or a little while, if it never is).
        loop = asyncio.get_running_loop()
        handler = Handler(
            web_server,
            loop=loop,
            keepalive_timeout=self.head_seconds,
            access_log=None,
            made=self._accepting.discard,
        )
        self._accepting.add(handler)
        loop.call_later(self.head_seconds, self._accepting.discard, handler)
        return handler

    def _close_store(self) -> None:
        if self._store is not None:
            with contextlib.suppress(Exception):
                self._store.close()
            self._store = None

    async def stop(self) -> None:
        # Every attendee's stream says that sharing stopped, and ends, before the
        # server closes the connections.
        self._ending = True
        self._tick.set()
        if self.clients:
            for _ in range(20):
                await asyncio.sleep(0.01)
                if not self.clients:
                    break
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        if self._listener is not None:
            self._listener.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._listener is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._listener.wait_closed(), 2)
            self._listener = None
        self._close_store()
        # SQLite leaves the files beside a WAL board that read-only connections made.
        tidy_after_serving(self.path)


def _outward_address() -> str:
    """This machine's address on the network (for the printed link), if it has one."""
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
            return str(probe.getsockname()[0])
    except OSError:
        return ""


class ServerThread:
    """A `BoardServer` on its own event loop in a daemon thread (beside a running app)."""

    def __init__(self, server: BoardServer) -> None:
        self.server = server
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="planboard-serve", daemon=True)
        self._started = threading.Event()
        self.error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self.server.start())
        except BaseException as error:
            self.error = error
            self._loop.close()
            self._started.set()
            return
        self._started.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self.server.stop())
        self._loop.close()

    def start(self, timeout: float = 15.0) -> None:
        """Start and wait until it listens (raises what stopped it from starting)."""
        self._thread.start()
        self._started.wait(timeout)
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        if self._thread.is_alive() and self.error is None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
