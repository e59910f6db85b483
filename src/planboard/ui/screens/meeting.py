"""The meeting screens, kept importable from here: they live in `planboard.ui.meeting`."""

from ..meeting import *  # noqa: F403
from ..meeting import __all__ as __all__
