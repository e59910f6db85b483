"""Paths as people type them (on the command line, in a form): refused with a message,
never an exception of the file system's, when no file can have them; and whether a
file (or its folder) may be written."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ValidationError

NAME_MAX = 255  # bytes in one name (a file's or a folder's), on every common file system


def too_long(text: str) -> str:
    """Why no file can be at `text` ("" if one can): a name in it is over `NAME_MAX`
    bytes (the system said "File name too long", from deep inside a command)."""
    for part in Path(text).parts:
        if len(os.fsencode(part)) > NAME_MAX:
            shown = part if len(part) <= 40 else f"{part[:20]}…{part[-10:]}"
            return (
                f"The name “{shown}” is longer than file systems allow ({NAME_MAX} bytes): "
                "choose a shorter one."
            )
    return ""


def user_path(text: str) -> Path:
    """The path typed: `~` for the home folder and `~name` for that user's; refused for a
    `~name` this computer has no user of, or a name longer than file systems allow."""
    problem = too_long(text)
    if problem:
        raise ValidationError(problem)
    path = Path(text)
    try:
        return path.expanduser()
    except RuntimeError:  # ("Could not determine home directory.")
        who = path.parts[0][1:]
        raise ValidationError(
            f"{text}: there is no user “{who}” on this computer (~{who} is their home folder)."
        ) from None


def _no_write_bits(path: Path) -> bool:
    return not (path.stat().st_mode & 0o222)


def writable_reason(path: Path) -> str:
    """Why the file can't be written to, or "" if it can.

    A file or folder without write permission bits counts as read-only even for a
    user who could override them (root): the owner said so.
    """
    folder = path.resolve().parent
    if path.exists() and (not os.access(path, os.W_OK) or _no_write_bits(path)):
        return "the file is read-only"
    if not os.access(folder, os.W_OK) or _no_write_bits(folder):
        return "its folder is read-only"
    return ""
