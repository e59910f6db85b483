"""One entry of the key map (`keys`): a key of a screen, or a line of the help."""

from __future__ import annotations

from ..core.record import Frozen, set_field


class Key(Frozen):
    """One binding (or, with no keys, a palette-only command) of one screen."""

    __slots__ = (
        "action",
        "description",
        "group",
        "help",
        "id",
        "key_display",
        "keys",
        "palette",
        "show",
        "tooltip",
    )
    id: str
    keys: str
    action: str
    description: str
    group: str
    help: str
    show: bool
    tooltip: str
    key_display: str | None
    palette: tuple[tuple[str, str], ...]

    def __init__(
        self,
        id: str,  # "board.drop": the screen, a dot, the name a keys.toml uses
        keys: str,  # Textual key names, comma separated ("" = palette only)
        action: str,  # the screen's action, as BINDINGS spells it
        description: str = "",  # the footer's word
        group: str = "",  # the help section ("" = not in the help)
        help: str = "",  # the help line; rows of one section with the same line share it
        show: bool = False,  # in the footer
        tooltip: str = "",
        key_display: str | None = None,
        palette: tuple[tuple[str, str], ...] = (),  # (title, what it does) in the palette
    ) -> None:
        set_field(self, "id", id)
        set_field(self, "keys", keys)
        set_field(self, "action", action)
        set_field(self, "description", description)
        set_field(self, "group", group)
        set_field(self, "help", help)
        set_field(self, "show", show)
        set_field(self, "tooltip", tooltip)
        set_field(self, "key_display", key_display)
        set_field(self, "palette", palette)


def command(id: str, action: str, title: str, what: str) -> Key:
    """A palette-only command: no key of its own."""
    return Key(id, "", action, palette=((title, what),))


class Note(Frozen):
    """A help line with no binding of its own (a mouse gesture, a key Textual owns)."""

    __slots__ = ("group", "help", "keys")
    group: str
    keys: str
    help: str

    def __init__(self, group: str, keys: str, help: str) -> None:
        set_field(self, "group", group)
        set_field(self, "keys", keys)
        set_field(self, "help", help)


Entry = Key | Note
