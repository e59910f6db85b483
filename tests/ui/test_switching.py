"""The interpreter's switch interval: each need for a shorter one said and taken back
in one place (`ui.switching`), so that one need ending never ends another's."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from planboard.ui import switching


@pytest.fixture
def usual() -> Iterator[float]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    try:
        yield 0.005
    finally:
        for need in list(switching._needs):
            switching.as_usual(need)
        sys.setswitchinterval(before)


def test_a_long_action_begun_before_the_first_frame_leaves_the_usual_interval(
    usual: float,
) -> None:
    """The review's case: the start's short interval, a long action begun meanwhile,
    the first frame out while it runs, then its end. It took the start's interval for
    the usual one and left it set for the rest of the session."""
    switching.shorter("the start", 0.0002)
    switching.shorter("a long action", 0.0005)
    assert sys.getswitchinterval() == pytest.approx(0.0002)  # (the shortest asked for)
    switching.as_usual("the start")  # (the first frame is out)
    assert sys.getswitchinterval() == pytest.approx(0.0005)  # (the action's, still)
    switching.as_usual("a long action")
    assert sys.getswitchinterval() == pytest.approx(usual)


def test_a_need_taken_back_twice_or_never_said_changes_nothing(usual: float) -> None:
    switching.as_usual("never said")
    assert sys.getswitchinterval() == pytest.approx(usual)
    switching.shorter("a long action", 0.0005)
    switching.as_usual("a long action")
    sys.setswitchinterval(0.01)  # (another program part's own choice since)
    switching.as_usual("a long action")
    assert sys.getswitchinterval() == pytest.approx(0.01)
    switching.shorter("the start", 0.0002)
    switching.as_usual("the start")
    assert sys.getswitchinterval() == pytest.approx(0.01)  # (the usual one read again)
