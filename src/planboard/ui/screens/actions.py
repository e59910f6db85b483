"""What every screen that changes the board does around a store action."""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content

from ...core.errors import PlanboardError, ValidationError
from ...core.model import Change
from ...core.rows import ROWS_NAMED
from ..widgets.bars import StatusLine


class StoreActions:
    """Runs store actions for a screen: a refusal is said (or handed back to the form
    that asked), any other failure also re-reads the file so the screen shows what it
    holds, and a success is shown. Screens give `status_line`, `after` and `resync`."""

    status_line: StatusLine

    def after(self, change: Change) -> None:
        """Show what a successful action changed."""
        raise NotImplementedError

    def resync(self) -> None:
        """Re-read the file after a failure (the screen must match the file)."""
        raise NotImplementedError

    def say(self, text: str, *, error: bool = False) -> None:
        """The outcome line; a refusal also rings the bell."""
        self.status_line.say(text, error=error)
        if error:
            self.app.bell()  # type: ignore[attr-defined]

    _others_said: tuple[str, ...] = ()  # (the rows of another program's named last)
    _others_line: Content | None = None  # (the line that named them, as it was shown)

    _lists_rows = False  # (a screen with `board: Rows another program wrote`)

    def say_rows_of_others(self, found: list[str]) -> None:
        """Name rows another program wrote that planboard can't take as they are (a
        value of the wrong type, a vote against the rules) on the status line, once for
        each new set of them; none left, the line that named them goes."""
        if found and tuple(found) != self._others_said:
            # (A row not shown at all first: one shown with a neutral value is seen.)
            first = next((problem for problem in found if problem.endswith("not shown")), found[0])
            listed = ": Ctrl+P, rows another program wrote" if self._lists_rows else ""
            # (`row_problems` reads 20 at most: as many, there may be more)
            least = "at least " if len(found) >= ROWS_NAMED else ""
            more = f" (and {least}{len(found) - 1} more{listed})" if len(found) > 1 else ""
            line = f"Another program wrote {first}{more}."
            self._others_line = self.status_line.say(line, error=True)
        elif not found and self._others_line is not None:
            self.status_line.take_back(self._others_line)
            self._others_line = None
        self._others_said = tuple(found)

    def run_op(self, op: Callable[[], Change]) -> Change | None:
        try:
            change = op()
        except ValidationError as error:
            self.say(str(error), error=True)
            return None
        except PlanboardError as error:
            self.say(str(error), error=True)
            self.resync()
            return None
        self.after(change)
        return change

    def form_op(
        self, op: Callable[[], Change], then: Callable[[Change], None] | None = None
    ) -> str | None:
        """An action asked by a form: a refusal is returned for the form to show (it
        stays open, nothing typed is lost); None closes the form. `then` shows a
        success instead of `after` (a new quarter is opened rather than repainted)."""
        try:
            change = op()
        except ValidationError as error:
            return str(error)
        except PlanboardError as error:
            self.say(str(error), error=True)
            self.resync()
            return None
        (then or self.after)(change)
        return None
