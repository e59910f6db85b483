"""`planboard serve`: a read-only live page of the board for remote attendees.

The web server needs the `serve` extra (aiohttp for the server, segno for the QR code);
`missing()` says what to install when it is not there, before anything is imported.
"""

from __future__ import annotations

import importlib.util

from ..core.text import install_hint

INSTALL = install_hint("serve")
NEEDS = ("aiohttp", "segno")


def missing() -> str:
    """What to install for serving, or "" when everything is there."""
    absent = [name for name in NEEDS if importlib.util.find_spec(name) is None]
    if not absent:
        return ""
    return (
        f"Serving the board in a browser needs {' and '.join(absent)}, which planboard "
        f"installs as an extra: {INSTALL}"
    )
