"""How keys look (the help screen, the palette) and the user's own keys (keys.toml)."""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from textual.keys import format_key

from .keys import (
    BLOCKS,
    ELSE,
    EVENT,
    HELP,
    ITEMS,
    MOUSE,
    MOVE,
    SCREENS,
    Key,
    Note,
    all_keys,
    entries,
)

_LABELS = {
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "enter": "Enter",
    "escape": "Esc",
    "space": "Space",
    "backspace": "Backspace",
    "delete": "Delete",
    "insert": "Insert",
    "home": "Home",
    "end": "End",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "tab": "Tab",
}
_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
_NAMED = {*_LABELS, *(f"f{n}" for n in range(1, 25))}


def key_label(key: str) -> str:
    """How the help shows one key: `?`, `Ctrl+Z`, `Shift+↑`, `F1`."""
    *modifiers, name = key.strip().split("+")
    if name in _LABELS:
        shown = _LABELS[name]
    elif (name.startswith("f") and name[1:].isdigit()) or (len(name) == 1 and modifiers):
        shown = name.upper()
    else:
        shown = format_key(name)
    return "+".join([*(m.capitalize() for m in modifiers), shown])


def keys_label(keys: Iterable[str]) -> str:
    """Several bindings' keys in one help row: first keys, then their alternatives
    (`↑ ↓  k j`); a run of digits as `1 … 9`; a modifier said once (`Shift+↑ ↓`)."""
    columns: list[list[str]] = []
    for key_string in keys:
        for position, key in enumerate(k for k in key_string.split(",") if k):
            while len(columns) <= position:
                columns.append([])
            columns[position].append(key_label(key))
    shown = []
    for column in columns:
        if len(column) > 3 and all(len(k) == 1 and k.isdigit() for k in column):
            digits = [int(k) for k in column]
            if digits == list(range(digits[0], digits[0] + len(digits))):
                shown.append(f"{column[0]} … {column[-1]}")
                continue
        shown.append(" ".join(_once(column)))
    return "  ".join(shown)


def _once(labels: list[str]) -> list[str]:
    """`Shift+↑ Shift+↓` as `Shift+↑ ↓`: an arrow's modifier, when the key before has
    it too, is not repeated."""
    out = labels[:1]
    for before, label in itertools.pairwise(labels):
        prefix, _, arrow = label.rpartition("+")
        same = prefix and arrow and arrow in "↑↓←→" and before.rpartition("+")[0] == prefix
        out.append(arrow if same else label)
    return out


def current_keys(key: Key, remapped: Mapping[str, str]) -> str:
    """The key's keys now: the user's, else the default."""
    return remapped.get(key.id, key.keys)


def key_now(key_id: str, remapped: Mapping[str, str]) -> str:
    """The first key that does `key_id` now, as the help writes it (`c`, `Enter`)."""
    first = current_keys(all_keys()[key_id], remapped).split(",")[0]
    return key_label(first) if first else ""


def help_sections(
    screen: str, remapped: Mapping[str, str] | None = None
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The help screen of a screen: its sections, each a list of (keys, what they do),
    with the user's keys where they remapped one."""
    remapped = remapped or {}
    sections: dict[str, dict[str, list[str]]] = {}
    for name in HELP[screen]:
        for entry in SCREENS[name]:
            if not entry.group or not entry.keys:
                continue
            rows = sections.setdefault(entry.group, {})
            if isinstance(entry, Note):
                rows[entry.help] = [entry.keys]  # shown as written
            else:
                rows.setdefault(entry.help, []).append(current_keys(entry, remapped))
    return [
        (
            group,
            [
                (keys[0] if _is_note(group, what) else keys_label(keys), what)
                for what, keys in sections[group].items()
            ],
        )
        for group in sorted(sections, key=_ORDER.index)
    ]


_ORDER = [MOVE, ITEMS, BLOCKS, ELSE, MOUSE, EVENT]


def _is_note(group: str, what: str) -> bool:
    return any(
        isinstance(entry, Note) and entry.group == group and entry.help == what
        for entries_ in SCREENS.values()
        for entry in entries_
    )


# ------------------------------------------------------------------ your own keys


def config_path() -> Path:
    """`$XDG_CONFIG_HOME/planboard/keys.toml`, else `~/.config/planboard/keys.toml`."""
    base = os.environ.get("XDG_CONFIG_HOME") or ""
    folder = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return folder / "planboard" / "keys.toml"


class KeysFileError(Exception):
    """A keys.toml that can't be used, and why (the defaults stay)."""


def _canonical(key: str) -> str:
    """One spelling per key (`?` and `question_mark` are the same key)."""
    *modifiers, name = key.strip().split("+")
    if len(name) > 1 and len(format_key(name)) == 1:
        name = format_key(name)
    return "+".join([*modifiers, name])


#: Keys a terminal sends as another: Ctrl+I is Tab, Ctrl+M is Enter, Ctrl+[ is Esc.
_SENT_AS = {
    "ctrl+i": "tab",
    "ctrl+m": "enter",
    "ctrl+[": "escape",
    "ctrl+left_square_bracket": "escape",
}


def _as_sent(key: str) -> str:
    """A key as the terminal sends it: modifiers in lower case, Shift with a letter as the
    capital letter (`shift+k` is `K`), and Ctrl+I, Ctrl+M, Ctrl+[ as Tab, Enter, Esc."""
    *modifiers, name = key.strip().split("+")
    modifiers = [m.lower() for m in modifiers]
    if len(name) > 1 and name.lower() != name and all(m in _MODIFIERS for m in modifiers):
        name = name.lower()  # a named key (F5, PageDown) in the case Textual knows
    if modifiers == ["shift"] and len(name) == 1 and name.isalpha():
        return name.upper()
    if modifiers and len(name) == 1 and name.isalpha():
        name = name.lower()  # Ctrl+P is ctrl+p
    joined = "+".join([*modifiers, name])
    return _SENT_AS.get(joined, joined)


def _check_key(binding_id: str, key: str) -> None:
    if not key:
        raise KeysFileError(f'"{binding_id}": an empty key (for the , key, write "comma")')
    *modifiers, name = key.split("+")
    unknown = [m for m in modifiers if m not in _MODIFIERS]
    known_name = len(name) == 1 and name.isprintable() and not name.isspace()
    known_name = known_name or name in _NAMED or len(format_key(name)) == 1
    if unknown or not name or not known_name:
        raise KeysFileError(f'"{binding_id}": "{key}" is not a key planboard knows')


def _unknown(binding_id: object, names: list[str]) -> str:
    """Why a name is not one of planboard's keys, with the nearest names it has."""
    import difflib

    near = difflib.get_close_matches(str(binding_id), names, n=2, cutoff=0.6)
    hint = " or ".join(f'"{n}"' for n in near)
    return (
        f'no key called "{binding_id}"'
        + (f" (did you mean {hint}?)" if near else "")
        + '; the names are listed in the README, under "Your own keys"'
    )


def parse_user_keys(text: str) -> dict[str, str]:
    """The remapping a keys.toml asks for, checked: every id known, every key a key, no
    key bound twice where both would be live. Raises `KeysFileError` saying what is wrong."""
    import tomllib  # only when there is a file: not on every start

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise KeysFileError(f"not valid TOML: {error}") from None
    table = data.get("keys", {})
    others = sorted(set(data) - {"keys"})
    if others or not isinstance(table, dict):
        raise KeysFileError('put the keys under a [keys] table, e.g. "board.drop" = "D"')
    known = all_keys()
    remapped: dict[str, str] = {}
    for binding_id, value in table.items():
        if binding_id not in known or not known[binding_id].keys:
            raise KeysFileError(_unknown(binding_id, [n for n, k in known.items() if k.keys]))
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if not isinstance(value, str) or not value.strip():
            raise KeysFileError(f'"{binding_id}": give a key, or a list of keys, as text')
        keys = [_as_sent(k) if k.strip() else "" for k in value.split(",")]
        for key in keys:
            _check_key(binding_id, key)
        remapped[binding_id] = ",".join(keys)
    clash = find_clash(remapped)
    if clash:
        raise KeysFileError(clash)
    return remapped


#: The key maps live at once (a widget's keys and the app's over a screen's): a key
#: may be bound once in each.
CONTEXTS: dict[str, tuple[str, ...]] = {
    "board": ("app", "board", "column"),
    "meeting": ("app", "meeting"),
    "present": ("app", "present"),
    "reveal": ("app", "reveal"),
    "decision": ("app", "decision"),
    "history": ("app", "history"),
    "coverage": ("app", "coverage"),
    "compare": ("app", "compare"),
}

#: Keys Textual or planboard keep for themselves in every screen.
RESERVED = {
    "ctrl+p": "the command palette",
    "ctrl+q": "quit",
    "ctrl+c": "quit",
    "tab": "the next column or field",
    "shift+tab": "the previous column or field",
}


def find_clash(remapped: Mapping[str, str]) -> str:
    """A key bound twice where both bindings are live at once, said plainly; or ""."""
    for binding_id, keys in remapped.items():
        for one in keys.split(","):
            if _canonical(one) in RESERVED:
                what = RESERVED[_canonical(one)]
                return f'"{key_label(one)}" ({binding_id}) is kept for {what}'
    for screen, names in CONTEXTS.items():
        owner: dict[str, str] = {}
        for name in names:
            for key in entries(name):
                for one in filter(None, current_keys(key, remapped).split(",")):
                    canonical = _canonical(one)
                    if canonical in owner and owner[canonical] != key.id:
                        return (
                            f'"{key_label(one)}" is bound twice on the {screen} screen: '
                            f"{owner[canonical]} and {key.id}"
                        )
                    owner[canonical] = key.id
    return ""


MAX_KEYS_FILE = 64 * 1024  # a keys file is a few lines


def _read_keys_file(path: Path) -> str:
    """The file's text, read without blocking: a pipe (or a link to a device) would hold
    the start-up for ever, or fill the memory."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("is not a regular file (a pipe, a device or a folder)")
        if info.st_size > MAX_KEYS_FILE:
            raise ValueError(f"is too big for a keys file ({info.st_size:,} bytes)")
        data = os.read(fd, MAX_KEYS_FILE + 1)
    finally:
        os.close(fd)
    return data.decode("utf-8-sig")  # (a byte order mark, as Notepad saves, is no key)


def load_user_keys(path: Path | None = None) -> tuple[dict[str, str], str]:
    """The user's remapping and "", or no remapping and what is wrong with the file. No
    file is no remapping."""
    path = path or config_path()
    try:
        text = _read_keys_file(path)
    except FileNotFoundError:
        return {}, ""
    except (OSError, UnicodeDecodeError) as error:
        return {}, f"{path} could not be read ({error}); the usual keys apply."
    except ValueError as error:
        return {}, f"{path} {error}; the usual keys apply."
    try:
        return parse_user_keys(text), ""
    except KeysFileError as error:
        return {}, f"{path}: {error}. The usual keys apply."
