"""The web server's connections: its handler, the short refusal over the cap, and room
made for a new connection by closing an idle one.

An idle connection is one in no request: it has sent nothing yet, or not a whole
request, or waits between two. Over the cap, a new connection closes the oldest idle
one rather than be refused: connections that send nothing (300 of them took every
place for the 10 s a request may take, and the next page loads were refused) give way
to people loading the page; a live channel or a request being answered never does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import web

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class Handler(web.RequestHandler):
    """The web server's connection handler, whose own answers to requests it can't parse
    (400) carry the security headers too. `made` is told when the connection is made
    (the web server counts it from then on)."""

    def __init__(
        self, *args: Any, made: Callable[[web.RequestHandler], None], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._made = made

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._made(self)

    @property
    def idle(self) -> bool:
        """Open, and in no request (nothing sent yet, half a request, or between two):
        none being answered, and no whole one read and waiting its turn (for a turn of
        the loop after it is read, the web server's flag still says none is answered).
        (The web server's own state; a version without it counts every connection
        busy, and the cap refuses as it did.)"""
        waiting = getattr(self, "_messages", None)
        return (
            self.transport is not None
            and not getattr(self, "_request_in_progress", True)
            and waiting is not None
            and not waiting
        )

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        response = super().handle_error(request, status, exc, message)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        # Not the web framework's name and version (a map for anyone probing the
        # laptop from the meeting-room network).
        response.headers["Server"] = "planboard"
        return response


class Refused(asyncio.Protocol):
    """Answers a connection over the cap with 503 and closes it. What the client sends is
    read and dropped until it closes too (closing with it unread would reset the
    connection, and the client could lose the answer), for a second at most."""

    def __init__(self) -> None:
        self._closing: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        body = b"Too many connections to this board; try again in a moment.\n"
        headers = {
            "Content-Type": "text/plain; charset=utf-8",
            "Content-Length": str(len(body)),
            "Retry-After": "5",
            "Connection": "close",
            **SECURITY_HEADERS,
        }
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        transport.write(f"HTTP/1.1 503 Service Unavailable\r\n{head}\r\n".encode() + body)
        if not transport.can_write_eof():
            transport.close()
            return
        transport.write_eof()
        self._closing = asyncio.get_running_loop().call_later(1.0, transport.close)

    def data_received(self, data: bytes) -> None:
        pass  # the request is not read: the answer is the same for any

    def connection_lost(self, exc: Exception | None) -> None:
        if self._closing is not None:
            self._closing.cancel()


def make_room(connections: Sequence[web.RequestHandler]) -> bool:
    """Close the oldest idle connection (the web server lists them in the order they
    were made) to make room for a new one; False if every one is busy."""
    for handler in connections:
        if isinstance(handler, Handler) and handler.idle:
            handler.force_close()
            return True
    return False
