"""Errors with messages meant for the person at the keyboard."""

from __future__ import annotations


class PlanboardError(Exception):
    """Base class: `str(error)` is a complete sentence a user can act on."""


class BoardFileError(PlanboardError):
    """The file cannot be opened as a board; it has been left as it was."""


class NotSQLiteError(BoardFileError):
    pass


class UpgradeStopped(BoardFileError):
    """An upgrade to this planboard's schema stopped on a row it can't take (and was
    rolled back). `step`: which step, as "its step to schema vN (name) stopped on a row:
    …", to say of any file."""

    def __init__(self, message: str, step: str) -> None:
        super().__init__(message)
        self.step = step


class NotABoardError(BoardFileError):
    pass


class NewerSchemaError(BoardFileError):
    pass


class CorruptBoardError(BoardFileError):
    pass


class ValidationError(PlanboardError):
    """A form or argument value was refused; nothing was written."""


class ChangedSince(ValidationError):
    """A form's row was changed by another program since the form showed it, in a field
    the form would write over; the form stays open (a second save writes over it).
    `fields`: those fields (the row's attribute names)."""

    def __init__(self, message: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.fields = fields


class ReadOnlyError(PlanboardError):
    """The file, or the quarter, cannot be changed."""


class NotFoundError(PlanboardError):
    """The row an action refers to is gone (deleted here or by another program)."""


class ConflictError(PlanboardError):
    """The file changed in a way that makes the action unsafe (e.g. an undo)."""


class BusyError(PlanboardError):
    """Another program holds the write lock on the file."""
