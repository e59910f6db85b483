"""Long actions (a big undo or redo, a big import) in a thread of their own, with a
progress line: the screen and its moving keys stay live, the keys that change the board
wait, dimmed, until it is done (the file is one connection). The board and the event's
screen both run them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from textual.content import Content
from textual.message import Message

from ...core.errors import PlanboardError, ValidationError
from ...core.model import Change
from ...core.store import Store
from .. import switching
from ..quitting import ABOUT_LONG
from .actions import StoreActions

LONG_SWITCH_S = 0.0005  # the interpreter's switch interval while a long action runs
LONG_ACTION = "a long action"  # (the need, as `switching` is told it)
LONG_REPLAY = 200_000  # bytes of an action's record: a larger undo or redo runs in the background
PROGRESS_EVERY = 0.25  # seconds between two progress lines of a long action
REFUSAL_KEPT_S = 4.0  # seconds the progress line keeps saying a key pressed waits for it


class LongProgress(Message):
    """How far a long action (a big undo, redo or import) has got, from its thread."""

    def __init__(self, what: str, done: int, total: int) -> None:
        super().__init__()
        self.what, self.done, self.total = what, done, total


class LongStopped(Exception):
    """A long action stopped because planboard quits: its transaction is rolled back."""


class LongActions(StoreActions):
    """`run_long`, and the undo and redo that take it when their record is large. The
    screen's `on_worker_state_changed` hands a finished worker of the group "long" to
    `long_done`."""

    store: Store

    @property
    def busy(self) -> str:
        """What a long action running in the background is doing ("" when none): the
        app's, so that every screen waits for it."""
        return str(getattr(self.app, "busy", ""))  # type: ignore[attr-defined]

    @busy.setter
    def busy(self, what: str) -> None:
        self.app.busy = what  # type: ignore[attr-defined]

    _refused_at = -REFUSAL_KEPT_S  # (when `say_busy` last spoke: the progress line says it on)

    def say_busy(self) -> None:
        """Why a key that changes the board does nothing now (the next progress lines
        say it on for a few seconds: they came within a quarter second and hid it)."""
        self._refused_at = time.monotonic()
        self.say(f"{self.busy}… — wait until it is done.", error=True)

    def before_long(self) -> None:
        """What the screen stops before a long action (the board: its overlap pass)."""

    def run_long(self, what: str, op: Callable[[Callable[[int, int], None]], Change]) -> None:
        """Run `op(progress)` in a thread, with a progress line."""
        self.before_long()
        self.busy = what
        self._refused_at = -REFUSAL_KEPT_S  # (a refusal during the last one is not this one's)
        self.show_progress(what, 0, 0)
        self.refresh_bindings()  # type: ignore[attr-defined]

        shown = [0.0]
        stop, ended = threading.Event(), threading.Event()
        # (Planboard quitting sets `stop`, and waits for `ended` before it closes the
        # file: see `stop_long`.)
        self.app.long_action = (stop, ended)  # type: ignore[attr-defined]

        def progress(done: int, total: int) -> None:
            if stop.is_set():  # (raised in the action's transaction: rolled back)
                raise LongStopped
            # A few times a second is enough to see it move: hundreds of progress
            # lines would slow both the work and the keys.
            now = time.monotonic()
            if now - shown[0] < PROGRESS_EVERY and done != total:
                return
            shown[0] = now
            # Posted, not waited for: the work never stops for the screen.
            self.post_message(LongProgress(what, done, total))  # type: ignore[attr-defined]

        def work() -> Change:
            # The screen's thread asks for the interpreter back within 0.5 ms, not 5:
            # each of its turns for a key (a frame has many) waited for the work.
            switching.shorter(LONG_ACTION, LONG_SWITCH_S)
            try:
                return op(progress)
            finally:
                switching.as_usual(LONG_ACTION)
                ended.set()

        self.run_worker(  # type: ignore[attr-defined]
            work, thread=True, group="long", name=what, exit_on_error=False
        )

    def on_long_progress(self, message: LongProgress) -> None:
        self.show_progress(message.what, message.done, message.total)

    def show_progress(self, what: str, done: int, total: int) -> None:
        if not self.busy:
            return
        count = f" {done:,} of {total:,} rows" if total else ""
        if total and done == total:
            count = f" {total:,} rows, saving"
        if time.monotonic() - self._refused_at < REFUSAL_KEPT_S:
            after = (" — wait until it is done.", "bold $text-error")
        else:
            after = (" — dimmed keys are off", "$text-muted")
        self.status_line.show(
            Content.assemble(("⋯ ", "bold $text-warning"), f"{what}…{count}", after)
        )

    def long_done(self, event: Any) -> bool:
        """A long action's worker has finished: its change shown, or why it failed
        said. True when it succeeded."""
        from textual.worker import WorkerState

        self.busy = ""
        self.refresh_bindings()  # type: ignore[attr-defined]
        app: Any = self.app  # type: ignore[attr-defined]
        if app.screen.has_class(ABOUT_LONG):  # (its "is not done" is no longer so)
            app.pop_screen()
        if event.state == WorkerState.SUCCESS:
            self.after(event.worker.result)
            return True
        error = event.worker.error
        if event.state == WorkerState.CANCELLED or error is None:
            self.say("Stopped before it was done; nothing was changed.", error=True)
            self.resync()
        elif isinstance(error, ValidationError):
            self.say(str(error), error=True)
        elif isinstance(error, PlanboardError):
            self.say(str(error), error=True)
            self.resync()
        else:
            self.say(f"That did not work ({error}); nothing was changed.", error=True)
            self.resync()
        return False

    def replay(self, quarter_id: int, *, undo: bool, now: Callable[[], Change]) -> None:
        """Undo or redo: `now` on the screen's turn, or, for a record of `LONG_REPLAY`
        bytes or more (the undo of a big import), in the background."""
        try:
            size = self.store.replay_size(quarter_id, undo=undo)
        except PlanboardError:
            size = 0  # (the replay itself says what is wrong)
        if size < LONG_REPLAY:
            self.run_op(now)
            return
        step = self.store.undo if undo else self.store.redo
        self.run_long(
            "Undoing" if undo else "Redoing",
            lambda progress: step(quarter_id, progress=progress),
        )


def stop_long(app: object, store: Store, wait_s: float = 10.0) -> None:
    """Planboard quits while a long action runs in its thread: stop it (at its next step,
    or in the statement under way), its transaction rolled back, and wait for its thread
    to let go of the file before the file is closed (it was closed under the thread)."""
    running = getattr(app, "long_action", None)
    if running is None or running[1].is_set():  # (none, or over: whatever `busy` says,
        return  # which the app's exit may have cleared by cancelling the worker)
    stop, ended = running
    stop.set()
    store.interrupt()
    ended.wait(wait_s)
