"""Helpers for the tests of `planboard serve`: a server on 127.0.0.1 in its own thread,
and a reader of its live channel (server-sent events)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
from conftest import FixedClock

from planboard.core.store import Store
from planboard.serve.server import BoardServer, ServerThread


@contextmanager
def serving(path: Path, **options: Any) -> Iterator[BoardServer]:
    """A real server on 127.0.0.1 (a free port unless one is given), stopped at the end."""
    options.setdefault("port", 0)
    options.setdefault("host", "127.0.0.1")
    server = BoardServer(path, **options)
    thread = ServerThread(server)
    thread.start()
    try:
        yield server
    finally:
        thread.stop()


def base(server: BoardServer) -> str:
    return f"http://127.0.0.1:{server.port}"


class Live:
    """A connection to `/live`, read one message at a time."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response
        self.raw: list[str] = []  # every line received, comments included

    async def message(self, timeout: float = 10.0) -> dict[str, Any]:
        """The next `data:` message, parsed."""

        async def read() -> dict[str, Any]:
            while True:
                line = (await self.response.content.readline()).decode()
                if not line:
                    raise ConnectionError("the live channel closed")
                self.raw.append(line)
                if line.startswith("data: "):
                    return json.loads(line[len("data: ") :])

        return await asyncio.wait_for(read(), timeout)

    async def until(self, predicate: Any, timeout: float = 10.0) -> dict[str, Any]:
        """The first message for which `predicate(message)` holds."""

        async def wait() -> dict[str, Any]:
            while True:
                message = await self.message(timeout)
                if predicate(message):
                    return message

        return await asyncio.wait_for(wait(), timeout)


def live_meeting(path: Path, *, hidden: bool = True) -> dict[str, int]:
    """The quarter being prepared, in its planning event, with dots placed: 7 on the
    first block and 2 on the second, by two present stakeholders with 9 dots each."""
    store = Store.open(path, clock=FixedClock())
    try:
        q = store.default_quarter().id
        store.start_meeting(q, backup=False)
        people = [s.id for s in store.stakeholders(q)][:2]
        store.set_meeting(q, present=people, dot_budget=9, tally_hidden=hidden)
        first, second = store.blocks(q)[:2]
        store.set_votes(first.id, {people[0]: 7})
        store.set_votes(second.id, {people[1]: 2})
        return {"quarter": q, "first": first.id, "second": second.id}
    finally:
        store.close()
