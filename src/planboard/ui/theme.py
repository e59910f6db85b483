"""The projector theme: high contrast for a shared screen, used during the event."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from textual.app import App
from textual.theme import Theme

PROJECTOR = Theme(
    name="planboard-projector",
    primary="#FFD21F",
    secondary="#7FDBFF",
    accent="#33E1FF",
    warning="#FFB000",
    error="#FF5C5C",
    success="#3DDC84",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1C1C1C",
    boost="#FFFFFF14",
    dark=True,
    luminosity_spread=0.2,
    text_alpha=1.0,
)

_before: WeakKeyDictionary[App[object], str] = WeakKeyDictionary()


def use_projector(app: App[object], on: bool) -> None:
    """Switch the app to the projector theme (remembering the theme it had), or back."""
    if on:
        if app.theme == PROJECTOR.name:
            return
        if PROJECTOR.name not in app.available_themes:
            app.register_theme(PROJECTOR)
        _before[app] = app.theme
        app.theme = PROJECTOR.name
    elif app.theme == PROJECTOR.name:
        app.theme = _before.pop(app, "textual-dark")
