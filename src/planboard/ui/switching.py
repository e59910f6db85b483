"""The interpreter's switch interval: how long a thread that wants the interpreter waits
for the one that holds it. The usual 5 ms, shorter while something needs it, each
need said here (`shorter`) and taken back (`as_usual`); the shortest asked for holds.

- the start (`cli.board`): while the screens' code loads in a thread beside the file's
  opening (each of the read's statements waits for the interpreter), and until the
  first frame is out (the terminal's writer is a thread: the frame waited 5 to 11 ms
  for the board's own work after it);
- a long action (`screens.long`): the screen's thread, a key's turns, waits for the
  work in its thread.

One place, so that one need ending never ends another's: a long action begun before
the first frame was out took the start's interval for the usual one, and left it set
for the rest of the session (found in review)."""

from __future__ import annotations

import sys
import threading

_lock = threading.Lock()
_usual: float | None = None  # the interval before any need (None: none said yet)
_needs: dict[str, float] = {}


def shorter(need: str, seconds: float) -> None:
    """`need` wants the switch interval at `seconds` or shorter until `as_usual(need)`."""
    global _usual
    with _lock:
        if _usual is None:
            _usual = sys.getswitchinterval()
        _needs[need] = seconds
        _apply()


def as_usual(need: str) -> None:
    """`need` no longer wants a shorter interval (nothing if it never said it did)."""
    global _usual
    with _lock:
        if _needs.pop(need, None) is None or _usual is None:
            return
        _apply()
        if not _needs:
            _usual = None  # (the usual one is read again at the next need)


def _apply() -> None:
    assert _usual is not None
    sys.setswitchinterval(min([_usual, *_needs.values()]))
