"""Host names: which ones are this computer (loopback), and the name a request asks for;
the port of a board's own."""

from __future__ import annotations

import hashlib
import ipaddress
import os
from pathlib import Path

LOOPBACK_NAMES = {"localhost", "localhost.", "127.0.0.1", "::1", "[::1]"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def hostname(host_header: str) -> str:
    """The name in a `Host` header, without its port, in lower case (`[::1]:80` gives
    `::1`, `LOCALHOST` `localhost`). A port that is not a number leaves the header whole
    (`127.0.0.1:1@rebound.example` names no loopback)."""
    name, port = host_header.lower(), ""
    if name.startswith("["):
        name, _, rest = name[1:].partition("]")
        if rest:
            port = rest[1:] if rest.startswith(":") else "?"
    elif name.count(":") == 1:
        name, port = name.split(":", 1)
    if port and not port.isdigit():
        return host_header
    return name


BOARD_PORTS = (8766, 1000)  # the first port of a board's own, and how many there are


def board_port(board: Path) -> int:
    """A port of this board's own, the same at every start (its path's digest among
    `BOARD_PORTS`): where the palette's share goes when the usual port is taken, so that
    a page left open comes back to it after planboard is started again."""
    first, count = BOARD_PORTS
    digest = hashlib.sha256(os.fsencode(board.resolve())).digest()
    return first + int.from_bytes(digest[:4], "big") % count
