"""`planboard.app:PlanboardApp`, for `textual run --dev planboard.app:PlanboardApp`."""

from .ui.app import PlanboardApp

__all__ = ["PlanboardApp"]
