"""One rule for every form that edits a row: it writes only what the user changed, and
never over what another program changed there since the form showed it. (A form saved
the values it opened with: another program's new title, written while the notes were
typed, was put back without a word.)"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import ChangedSince
from .core import _quote

Said = Callable[[Any], str]


def shown(value: Any) -> str:
    """A value as a refusal names it."""
    if value is None or value == "":
        return "empty"
    if isinstance(value, str):
        return _quote(" ".join(value.split()))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _quote(str(value))


def check_since(
    what: str,
    current: Any,
    since: Any,
    values: Mapping[str, Any],
    labels: Mapping[str, str],
    said: Mapping[str, Said] | None = None,
) -> None:
    """Refuse to write `values` over `current` where another program changed a field
    since the form showed it (`since`, the row as it was then) to something else than
    what is written now. `labels`: each field's name in words; `said`: how a field's
    value is named where `shown` is not the way (an owner's id by name)."""
    if since is None:
        return
    clashes = [
        field
        for field in labels
        if field in values
        and getattr(current, field) != getattr(since, field)
        and getattr(current, field) != values[field]
    ]
    if not clashes:
        return
    named = [
        f"{labels[field]} now {(said or {}).get(field, shown)(getattr(current, field))}"
        for field in clashes
    ]
    raise ChangedSince(
        f"{what} was changed by another program since the form opened ({'; '.join(named)}). "
        "Save again to write yours over it, or Esc to keep theirs.",
        tuple(clashes),
    )


class Seen:
    """A row as the user has seen it: as the form showed it, but for the fields a
    refusal named, as the file held them then (a second save writes over those, and
    over nothing else another program changed)."""

    def __init__(self, shown: Any, told: Mapping[str, Any]) -> None:
        self.__dict__["_shown"] = shown
        self.__dict__["_told"] = dict(told)

    def __getattr__(self, name: str) -> Any:
        told, shown = self.__dict__.get("_told"), self.__dict__.get("_shown")
        if told is None or shown is None:  # (not made yet: a copy being made)
            raise AttributeError(name)
        return told[name] if name in told else getattr(shown, name)

    def told(self, current: Any, fields: tuple[str, ...]) -> Seen:
        """This, with `fields` as `current` holds them (named by a refusal now)."""
        return Seen(
            self.__dict__["_shown"],
            {**self.__dict__["_told"], **{field: getattr(current, field) for field in fields}},
        )


def as_shown(row: Any) -> Any:
    """The row as the form showed it (a refusal names it so, not by what it holds now)."""
    return row.__dict__["_shown"] if isinstance(row, Seen) else row
