"""Keys typed in one burst with a key that is refused: let go, not acted on.

`d` and a reason typed at once on a block chosen in the event: `d` was refused at once
(no form), and the reason's letters went to the board, where `n` opened the new item
form and Ctrl+S added "ot needed" to the chosen block, its word hiding the refusal.
A refusal said while an action runs for a key, a click or the palette (`run_action`)
lets go of the keys typed before it was said that have not acted yet. One said by work
in the background (a row another program wrote, seen by the file's watcher) lets go of
nothing: the keys typed meanwhile are the user's, and were meant as typed."""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from textual.app import App

    _Base = App[None]
else:
    _Base = object

# Whether the code running is an action's (a key's, a click's): set in the app's task
# alone, so work in other tasks (a widget's timer, a watcher) never sees it.
_ACTING: ContextVar[bool] = ContextVar("planboard_acting", default=False)


class LetsGoOfRefusedBursts(_Base):
    """The app's side: `refused()` from the status line, and keys let go."""

    refused_at = 0.0  # when an action last said a refusal (`time.monotonic()`)

    def refused(self) -> None:
        """A refusal was said: by an action, the keys typed before now are let go."""
        if _ACTING.get():
            self.refused_at = time.monotonic()

    async def run_action(
        self, action: Any, default_namespace: Any = None, namespaces: Any = None
    ) -> bool:
        token = _ACTING.set(True)
        try:
            return await super().run_action(action, default_namespace, namespaces)
        finally:
            _ACTING.reset(token)

    async def _on_key(self, event: events.Key) -> None:
        # (After the app's own `_on_key`, before Textual checks the key's bindings.)
        if event.time < self.refused_at:
            event.stop()
            event.prevent_default()
