"""planboard's themes (a high-contrast one for the projector, a light one) and the
colours of stakeholders' tags on each."""

from __future__ import annotations

import math
from weakref import WeakKeyDictionary

from textual.app import App
from textual.theme import Theme

PROJECTOR = Theme(
    name="planboard-projector",
    primary="#FFD21F",
    secondary="#7FDBFF",
    accent="#FFA62B",
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

LIGHT = Theme(
    name="planboard-light",
    primary="#0B5CAD",
    secondary="#3A4A5C",
    accent="#D98E04",
    warning="#A66A00",
    error="#B3261E",
    success="#1B7A2F",
    foreground="#1A1A1A",
    background="#F2F2F2",
    surface="#FFFFFF",
    panel="#E6E6E6",
    dark=False,
    luminosity_spread=0.1,
    text_alpha=1.0,
)

THEMES = (PROJECTOR, LIGHT)
DEFAULT_THEME = "textual-dark"

#: Stakeholder tag colours by name (see `STAKEHOLDER_COLOURS`), on dark and on light
#: backgrounds: distinct from each other and from the amber highlight, and readable
#: (4.5:1 or more) on the board's surfaces.
TAG_COLOURS_DARK = {
    "sky": "#5BC0FF",
    "red": "#FF6B6B",
    "lime": "#B5E853",
    "violet": "#D190FF",
    "teal": "#2ED8C3",
    "magenta": "#FF6FD8",
    "blue": "#7896FF",
    "green": "#4CD964",
}
TAG_COLOURS_LIGHT = {
    "sky": "#005A9E",
    "red": "#B3261E",
    "lime": "#4A6300",
    "violet": "#8A2BB8",
    "teal": "#00695C",
    "magenta": "#A0157E",
    "blue": "#1E3ED6",
    "green": "#17692A",
}


def register_themes(app: App[object]) -> None:
    for theme in THEMES:
        if theme.name not in app.available_themes:
            app.register_theme(theme)


def is_dark(theme_name: str) -> bool:
    from textual.theme import BUILTIN_THEMES

    theme = BUILTIN_THEMES.get(theme_name) or {t.name: t for t in THEMES}.get(theme_name)
    return True if theme is None else theme.dark


def tag_colour(colour: str, theme_name: str) -> str | None:
    """How a stakeholder colour looks on a theme; None for a name that is not a palette
    colour (drawn in the neutral text colour)."""
    palette = TAG_COLOURS_DARK if is_dark(theme_name) else TAG_COLOURS_LIGHT
    return palette.get(colour)


# ---------------------------------------------------------------- colour checks


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def luminance(colour: str) -> float:
    r, g, b = (_linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _lab(colour: str) -> tuple[float, float, float]:
    r, g, b = (_linear(c) for c in _rgb(colour))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def difference(one: str, other: str) -> float:
    """How far apart two colours look (CIE76 ΔE: about 2 is just noticeable)."""
    return math.dist(_lab(one), _lab(other))


# ------------------------------------------------------------ the shared screen

_before: WeakKeyDictionary[App[object], str] = WeakKeyDictionary()


def use_projector(app: App[object], on: bool) -> None:
    """Switch the app to the projector theme (remembering the theme it had), or back.
    A board whose chosen theme is the light one stays light on the shared screen."""
    if on:
        if app.theme in (PROJECTOR.name, LIGHT.name):
            return
        register_themes(app)
        _before[app] = app.theme
        _switch(app, PROJECTOR.name)
    elif app in _before:
        _switch(app, _before.pop(app))


def _switch(app: App[object], theme_name: str) -> None:
    """Change the theme for the moment, not as the board's choice (the app does not
    keep a theme it was switched to this way)."""
    app.automatic_theme = theme_name  # type: ignore[attr-defined]
    app.theme = theme_name
