"""The board screen lives in `planboard.ui.board`, in rooms by feature; this name stays."""

from ..board.base import LONG_IMPORT, MIN_COLUMN, share_width
from ..board.drag import Drag
from ..board.screen import BoardScreen
from .long import LONG_REPLAY

__all__ = ["LONG_IMPORT", "LONG_REPLAY", "MIN_COLUMN", "BoardScreen", "Drag", "share_width"]
