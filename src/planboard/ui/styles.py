"""Where the Textual stylesheets are: inside the installed package, or in a checkout."""

from __future__ import annotations

from pathlib import Path, PurePath

STYLESHEETS = ("planboard.tcss", "screens.tcss")
FIRST = "planboard.tcss"  # the board's, read before its first frame
LATER = "screens.tcss"  # the dialogs' and the other screens', read when one first opens


def styles_dir() -> Path:
    """The folder holding planboard's `.tcss` files.

    An installed wheel carries them as `planboard/styles/`; a source checkout keeps them
    at the repository root, `styles/`, which is where `textual run --dev` finds them.
    """
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "styles", package.parent.parent / "styles"):
        if all((candidate / name).is_file() for name in STYLESHEETS):
            return candidate
    raise FileNotFoundError(
        f"planboard's stylesheets are missing (looked in {package / 'styles'} and "
        f"{package.parent.parent / 'styles'}); reinstall planboard."
    )


def stylesheet_paths() -> list[str | PurePath]:
    """The stylesheets read before the board's first frame."""
    return [styles_dir() / FIRST]


def later_stylesheet() -> Path:
    """The stylesheet read when a dialog or another screen first opens."""
    return styles_dir() / LATER
