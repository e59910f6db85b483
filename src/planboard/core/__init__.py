"""The core: domain types, the store, import/export. No Textual imports here.

The names below are loaded when first asked for: the overlap pass's process imports
`planboard.core.background` alone, and the store (with everything it reads) was 3.5 MB
of that process's memory for nothing."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import (
        BoardFileError,
        BusyError,
        ConflictError,
        NotFoundError,
        PlanboardError,
        ReadOnlyError,
        ValidationError,
    )
    from .model import Block, Board, Change, Decision, Event, Item, Place, Quarter, Stakeholder
    from .store import Store

_ERRORS = "BoardFileError BusyError ConflictError NotFoundError PlanboardError ReadOnlyError"
_MODEL = "Block Board Change Decision Event Item Place Quarter Stakeholder"
_FROM = {
    **dict.fromkeys(f"{_ERRORS} ValidationError".split(), "errors"),
    **dict.fromkeys(_MODEL.split(), "model"),
    "Store": "store",
}

__all__ = [
    "Block",
    "Board",
    "BoardFileError",
    "BusyError",
    "Change",
    "ConflictError",
    "Decision",
    "Event",
    "Item",
    "NotFoundError",
    "Place",
    "PlanboardError",
    "Quarter",
    "ReadOnlyError",
    "Stakeholder",
    "Store",
    "ValidationError",
]


if not TYPE_CHECKING:  # (so that a name misspelt is still an error to the type checker)

    def __getattr__(name: str) -> Any:
        module = _FROM.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value
