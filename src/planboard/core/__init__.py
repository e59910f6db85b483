"""The core: domain types, the store, import/export. No Textual imports here."""

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
