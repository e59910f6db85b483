"""The planning event on a shared screen: the blocks as cards, the timebox, the dots,
the choice, and the decision summary.

screen.py is the event view; forms.py asks for the setup, the dots and the decision;
cards.py lays out the blocks; timer.py shows the timebox; present.py, reveal.py and
decision.py are the screens it opens.
"""

from .cards import BlockCard, CardData, CardLayout, CardsScroll, fit_lines, lay_out, wrap
from .decision import DecisionScreen
from .present import PresentScreen
from .reveal import RevealScreen, TallyChart, ranked
from .screen import MeetingScreen
from .timer import (
    ALARM_AT,
    ALARM_WORDS,
    WARN_AT,
    _alarm_level,
    clock_text,
    remaining_seconds,
    timer_parts,
)

__all__ = [
    "ALARM_AT",
    "ALARM_WORDS",
    "WARN_AT",
    "BlockCard",
    "CardData",
    "CardLayout",
    "CardsScroll",
    "DecisionScreen",
    "MeetingScreen",
    "PresentScreen",
    "RevealScreen",
    "TallyChart",
    "_alarm_level",
    "clock_text",
    "fit_lines",
    "lay_out",
    "ranked",
    "remaining_seconds",
    "timer_parts",
    "wrap",
]
