"""Quitting: `Ctrl+Q`, which asks first when something would be lost, and the
terminal's window closed under planboard (or a SIGTERM), which quits as it does."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from typing import TYPE_CHECKING

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
    _resume_only_after_a_stop()
    # Continued after a stop, the terminal shows a blank screen (its alternate screen
    # made again): Textual's answer, a resize to the same size, draws nothing. The
    # whole screen is drawn again.
    app.app_resume_signal.subscribe(app, _drawn_whole)


def _drawn_whole(app: App[object]) -> None:
    app.screen.refresh(layout=True)


def _resume_only_after_a_stop() -> None:
    """Textual answers SIGCONT by setting the terminal up again, for the process stopped
    by SIGTSTP and continued. But the system also sends SIGCONT just after the SIGHUP
    of a closed window, to a process that never stopped: the terminal was set up again
    on a terminal that is gone (a second writer thread, which died at its first write),
    and the quit waited for that writer for ever, now and then (found when the start
    got faster). SIGCONT now sets it up again only after a SIGTSTP."""
    stop_signal: int | None = getattr(signal, "SIGTSTP", None)  # (not on Windows)
    cont_signal: int | None = getattr(signal, "SIGCONT", None)
    if stop_signal is None or cont_signal is None:
        return
    textual_stop, textual_cont = signal.getsignal(stop_signal), signal.getsignal(cont_signal)
    if not (callable(textual_stop) and callable(textual_cont)):
        return  # (not Textual's: nothing to guard)
    stopped = [False]

    def stop(number: int, frame: object) -> None:
        stopped[0] = True
        textual_stop(number, frame)  # type: ignore[arg-type]

    def cont(number: int, frame: object) -> None:
        if stopped[0]:
            stopped[0] = False
            textual_cont(number, frame)  # type: ignore[arg-type]

    with contextlib.suppress(ValueError):  # (not the main thread: as before)
        signal.signal(stop_signal, stop)
        signal.signal(cont_signal, cont)


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
