"""Quitting: `Ctrl+Q`, which asks first when something would be lost, and the
terminal's window closed under planboard (or a SIGTERM), which quits as it does."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import signal
import time
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

    from .app import PlanboardApp

ABOUT_LONG = "-about-the-long-action"  # the question over Ctrl+Q while a long action runs


def quit_on_hangup(app: PlanboardApp) -> None:
    """The terminal's window closed (SIGHUP), or the system asks planboard to stop
    (SIGTERM): quit as `Ctrl+Q` does, the file closed whole. Python's own answer to both
    ended the process where it stood, the board's `-wal` and `-shm` left beside it, and
    the last moves in the `-wal` alone."""
    if app.is_headless:
        return
    loop = asyncio.get_running_loop()
    hangup: int | None = getattr(signal, "SIGHUP", None)  # (not on Windows)
    for number in (hangup, signal.SIGTERM):
        # (Not on this system, or not from this thread: as before.)
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            if number is not None:
                loop.add_signal_handler(number, app.exit)
    # Continued after a stop, the terminal shows a blank screen (its alternate screen
    # made again): Textual's answer, a resize to the same size, draws nothing. The
    # whole screen is drawn again.
    app.app_resume_signal.subscribe(app, _drawn_whole)


def _drawn_whole(app: App[object]) -> None:
    app.screen.refresh(layout=True)
    app.call_after_refresh(_painted_whole, app)


def _painted_whole(app: App[object]) -> None:
    """Every cell of the screen, painted: after a stop while the screen was being set
    up again (pairs of stops and continues 30 ms apart), Textual's own repaint of the
    screen drew only the columns, now and then, and left the rest blank."""
    screen = app.screen
    app._display(
        screen, screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )


def guard_stops(driver: object) -> None:
    """Textual answers SIGCONT by setting the terminal up again, for the process stopped
    by SIGTSTP and continued. But the system also sends SIGCONT just after the SIGHUP
    of a closed window, to a process that never stopped: the terminal was set up again
    on a terminal that is gone (a second writer thread, which died at its first write),
    and the quit waited for that writer for ever, now and then (found when the start
    got faster). SIGCONT now sets it up again only after a SIGTSTP; and stops and
    continues that come close together end as the last of them asked (`StopAndGo`).
    Put in place as the driver that set Textual's handlers is made (`PlanboardApp.
    __init__`, `driver.planboard_driver`): before the board's first frame, not after it."""
    stop_signal: int | None = getattr(signal, "SIGTSTP", None)  # (not on Windows)
    cont_signal: int | None = getattr(signal, "SIGCONT", None)
    if stop_signal is None or cont_signal is None:
        return
    d: Any = driver
    names = ("_auto_restart", "_must_signal_resume", "_sigcont_application")
    if not all(hasattr(d, name) for name in names) or not callable(
        getattr(d, "suspend_application_mode", None)
    ):
        return  # (a driver of another make: as Textual has it)

    def suspend() -> None:
        # (What Textual's own SIGTSTP handler does before it stops the process.)
        if d._auto_restart:
            d.suspend_application_mode()
            d._must_signal_resume = True

    def resume() -> None:
        d._sigcont_application(cont_signal, None)

    # (A partial, called in C: no handler can run between the last look at the state
    # and the stop itself, as one could at the start of a Python function.)
    halt = functools.partial(os.kill, os.getpid(), signal.SIGSTOP)
    handlers = StopAndGo(suspend, resume, halt)
    with contextlib.suppress(ValueError):  # (not the main thread: as Textual has it)
        signal.signal(stop_signal, handlers.stop)
        signal.signal(cont_signal, handlers.cont)


# A stop whose handler runs this soon after a continue's (seconds) arrived with it.
TOGETHER_S = 0.2


class StopAndGo:
    """SIGTSTP and SIGCONT, taken as they were sent. `kill -TSTP` then `kill -CONT` sent
    back to back (three pairs in a shell's loop) left planboard stopped for good, or
    running on a blank screen that ignored keys, and after its window closed a stopped
    process holding the board. The order in which their handlers run is not the order
    in which they were sent: the kernel gives each to a thread of the process, whose
    part of the handler runs when that thread next gets the processor, and Python runs
    the handlers of signals that arrived together by their numbers, SIGCONT (18)
    before SIGTSTP (20). So a pair could run "continue" (nothing stopped: nothing to
    do) then "stop", and nothing came to continue it; and a SIGCONT arriving while the
    screen was being given back, before the process stopped, continued nothing. Now:

    - a stop whose handler runs within `TOGETHER_S` of a continue's is taken back by
      it: the two arrived together, and which was sent last can't be known (the stop,
      when a person or a script sends a pair), so planboard keeps running;
    - a continue that arrives while a stop gives the screen back takes it back (the
      screen is set up again, the process not stopped), and a stop after that continue
      stops after all (the same rule holds there: a handler run meanwhile runs inside
      the stop's, as Python runs handlers).

    (A continue and then a stop sent within that time stay running: a stop that does
    not happen, Ctrl+Z again, rather than a process nobody continues.)"""

    def __init__(
        self,
        suspend: Callable[[], None],
        resume: Callable[[], None],
        halt: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._suspend, self._resume, self._halt, self._clock = suspend, resume, halt, clock
        # "running"; "suspending" (in a stop, the screen being given back: a continue
        # then only says so); "stopped" (given back: a continue sets it up again). One
        # value, set in one step: a handler may run between any two steps of another.
        self._state = "running"
        self._continued = False  # (a continue came while suspending)
        self._last: float | None = None  # (when the last continue's handler ran)

    @property
    def stopped(self) -> bool:
        return self._state == "stopped"

    def stop(self, number: int, frame: FrameType | None) -> None:
        last, self._last = self._last, None
        if last is not None and self._clock() - last < TOGETHER_S:
            return  # (sent with that continue, and continued by it)
        if self._state != "running":
            self._continued = False  # (stopped again after a continue: stop after all)
            return
        self._state, self._continued = "suspending", False
        try:
            self._suspend()
        except Exception:
            # (Raised here, it would come out of whatever the handler interrupted.
            # The screen could not be given back: planboard goes on, not stopped.)
            self._state = "running"
            return
        self._state = "stopped"  # (from here a continue sets the screen up itself)
        if self._continued:  # (continued before it stopped: not stopped at all)
            self._state = "running"
            self._resuming()
        elif self._state == "stopped":  # (and not continued since the line above)
            self._halt()

    def cont(self, number: int, frame: FrameType | None) -> None:
        if self._state == "suspending":
            self._continued = True
        elif self._state == "stopped":
            self._state = "running"
            self._resuming()
        self._last = self._clock()

    def _resuming(self) -> None:
        # A stop whose handler runs while the screen is set up again (inside this one)
        # came with the continue: it is not to give back a screen half set up (the
        # rest of the set-up, done after it, cleared the screen and drew nothing).
        self._last = self._clock()
        self._resume()


def quit_asking(app: PlanboardApp) -> None:
    """Quit (every change is saved as it is made), asking first over a form whose field
    of several lines holds text typed and not saved (a pasted list, notes), while a long
    action runs (it would be stopped, none of it saved), and while attendees follow the
    board in a browser (their pages stop). `Ctrl+Q` again over the question quits."""
    from .modals import ConfirmModal, FormModal

    screen = app.screen
    if isinstance(screen, FormModal) and screen.ask_before_losing(
        "Quit?", "Quit and lose it", app.exit
    ):
        return
    question = None
    following = app.shared.server.clients if app.shared is not None else 0
    if screen.has_class("-about-quitting"):
        pass
    elif app.busy:
        question = ConfirmModal(
            f"{app.busy}… is not done. Quitting now stops it, and none of it is saved: "
            "the board stays as it was before it. Quit?",
            "Quit",
            "Wait",
        )
        question.add_class(ABOUT_LONG)  # (it goes once the action is done: `long_done`)
    elif following:
        question = ConfirmModal(
            f"{following} attendee{' follows' if following == 1 else 's follow'} "
            "this board in a browser. Quitting stops sharing: their page keeps "
            "the board as it is now. Quit?",
            "Quit",
            "Stay",
        )
    if question is None:
        app.exit()
        return
    question.add_class("-about-quitting")  # (Ctrl+Q again over it: quits)
    app.push_screen(question, lambda quit: app.exit() if quit else None)
