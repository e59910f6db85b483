"""SIGTSTP and SIGCONT sent close together end as the last of them asked: the order in
which their handlers run (the kernel's threads, then Python by signal number, SIGCONT
first) and a continue arriving while the screen is given back no longer leave planboard
stopped for good."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import pytest

from planboard.ui.quitting import TOGETHER_S, StopAndGo


class Recorded(StopAndGo):
    """The handlers with the screen's suspend and resume, and the process's stop,
    recorded; `during_suspend` is run while the screen is given back (as Python runs a
    handler then: inside the stop's); the clock is the test's."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self.during_suspend: list[str] = []
        self.now = 100.0
        self.during_resume: list[str] = []
        super().__init__(
            self._suspended,
            self._resumed,
            lambda: self.done.append("halt"),
            clock=lambda: self.now,
        )

    def _suspended(self) -> None:
        self.done.append("suspend")
        for name in self.during_suspend:
            getattr(self, name)(0, None)
        self.during_suspend = []

    def _resumed(self) -> None:
        self.done.append("resume")
        for name in self.during_resume:
            getattr(self, name)(0, None)
        self.during_resume = []

    def later(self, *_: object) -> None:
        self.now += TOGETHER_S * 2


def test_a_stop_then_its_continue_stops_and_sets_the_screen_up_again() -> None:
    handlers = Recorded()
    handlers.stop(signal.SIGTSTP, None)
    assert handlers.done == ["suspend", "halt"] and handlers.stopped
    handlers.cont(signal.SIGCONT, None)  # (run as the process is continued)
    assert handlers.done == ["suspend", "halt", "resume"] and not handlers.stopped


def test_a_continue_of_nothing_changes_nothing_and_a_later_stop_stops() -> None:
    handlers = Recorded()
    handlers.cont(signal.SIGCONT, None)
    assert handlers.done == []
    handlers.later()
    handlers.stop(signal.SIGTSTP, None)
    assert handlers.done == ["suspend", "halt"]


def test_a_stop_run_just_after_a_continue_is_taken_as_sent_with_it() -> None:
    """The handlers of a pair sent back to back ran continue first (Python's order, or
    the kernel's threads): the continue found nothing stopped, then the stop stopped
    the process and nothing came to continue it."""
    handlers = Recorded()
    handlers.cont(signal.SIGCONT, None)
    handlers.stop(signal.SIGTSTP, None)
    assert handlers.done == [] and not handlers.stopped
    handlers.later()
    handlers.stop(signal.SIGTSTP, None)  # (a stop of its own, later: stops)
    assert handlers.done == ["suspend", "halt"]


def test_a_continue_while_the_screen_is_given_back_takes_the_stop_back() -> None:
    handlers = Recorded()
    handlers.during_suspend = ["cont"]
    handlers.stop(signal.SIGTSTP, None)
    assert handlers.done == ["suspend", "resume"] and not handlers.stopped


def test_a_pair_while_the_screen_is_given_back_ends_continued() -> None:
    """Three pairs back to back: the second arrives while the first stop gives the
    screen back, continue first."""
    handlers = Recorded()
    handlers.during_suspend = ["cont", "stop", "cont"]
    handlers.stop(signal.SIGTSTP, None)
    assert handlers.done == ["suspend", "resume"] and not handlers.stopped


def test_a_stop_well_after_that_continue_stops_after_all() -> None:
    handlers = Recorded()
    handlers.during_suspend = ["cont", "later", "stop"]
    handlers.stop(signal.SIGTSTP, None)
    assert handlers.done == ["suspend", "halt"] and handlers.stopped
    handlers.cont(signal.SIGCONT, None)
    assert handlers.done == ["suspend", "halt", "resume"]


def test_a_pair_run_after_a_stop_ends_continued() -> None:
    """Stopped, then a continue, a stop and a continue: Python runs the continue
    (once: the two are one pending signal) and then the stop."""
    handlers = Recorded()
    handlers.stop(signal.SIGTSTP, None)
    handlers.later()
    handlers.cont(signal.SIGCONT, None)
    handlers.stop(signal.SIGTSTP, None)
    assert handlers.done == ["suspend", "halt", "resume"] and not handlers.stopped


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP"), reason="no job control signals here")
def test_real_signals_that_arrive_together_run_continue_first_and_end_continued() -> None:
    """The order as the kernel and Python make it: SIGTSTP then SIGCONT reach a thread
    of the process while its main thread does not take them (it blocks both); Python
    then runs both handlers together, SIGCONT's first."""
    handlers = StopAndGo(lambda: ran.append("suspend"), lambda: None, lambda: ran.append("halt"))
    ran: list[str] = []

    def stop(number: int, frame: FrameType | None) -> None:
        ran.append("stop")
        handlers.stop(number, frame)

    def cont(number: int, frame: FrameType | None) -> None:
        ran.append("cont")
        handlers.cont(number, frame)

    old = {signal.SIGTSTP: signal.signal(signal.SIGTSTP, stop)}
    old[signal.SIGCONT] = signal.signal(signal.SIGCONT, cont)
    go = threading.Event()

    def send() -> None:
        # (To this thread, which does not block them: each one's C handler runs as its
        # sending returns. Sent to the process, the stop could still be pending when the
        # continue came, and the kernel drops a pending stop then.)
        go.wait(5)
        signal.pthread_kill(threading.get_ident(), signal.SIGTSTP)
        signal.pthread_kill(threading.get_ident(), signal.SIGCONT)

    sender = threading.Thread(target=send)
    sender.start()
    both = {signal.SIGTSTP, signal.SIGCONT}
    try:
        signal.pthread_sigmask(signal.SIG_BLOCK, both)
        go.set()
        sender.join(5)  # (a C call: the handlers wait for the next instruction)
        assert ran == ["cont", "stop"], ran
        assert not handlers.stopped
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, both)
        for number, handler in old.items():
            signal.signal(number, handler)


def test_a_stop_while_the_screen_is_set_up_again_waits_for_nothing() -> None:
    """Pairs 30 ms apart: a stop whose handler ran while a continue set the screen up
    again gave back a screen half set up; the rest of the set-up then cleared it, and
    only the columns were drawn again (a header, status line and footer left blank)."""
    handlers = Recorded()
    handlers.stop(signal.SIGTSTP, None)
    handlers.later()
    handlers.during_resume = ["stop"]
    handlers.cont(signal.SIGCONT, None)
    assert handlers.done == ["suspend", "halt", "resume"] and not handlers.stopped
