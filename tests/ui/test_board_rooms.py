"""The board screen's rooms (`ui/board/*`) are plain classes at run time, and the screen
alone a Textual widget class: Textual looks for bindings, styles and `@on` handlers in
the widget classes only, so a room that declared one would lose it without a word.
These tests say so instead. (Reactive attributes and handlers named `on_...` are found
in every class the screen is made of.)"""

from __future__ import annotations

from textual.dom import DOMNode

from planboard.ui.board.screen import BoardScreen


def _rooms() -> list[type]:
    return [
        cls
        for cls in BoardScreen.__mro__
        if cls.__module__.startswith("planboard.") and not issubclass(cls, DOMNode)
    ]


def test_the_rooms_are_not_widget_classes() -> None:
    names = {cls.__name__ for cls in _rooms()}
    assert {"BoardBase", "BoardView", "BoardDrag", "BoardSearch", "BoardForms"} <= names
    widget_classes = [
        cls.__name__
        for cls in BoardScreen.__mro__
        if cls.__module__.startswith("planboard.ui.board") and issubclass(cls, DOMNode)
    ]
    assert widget_classes == ["BoardScreen"]


def test_no_room_declares_what_only_a_widget_class_is_read_for() -> None:
    """Bindings, styles, component classes and `@on` handlers."""
    for room in _rooms():
        for name in ("BINDINGS", "DEFAULT_CSS", "COMPONENT_CLASSES", "CSS"):
            assert name not in vars(room), (room.__name__, name)
        for name, value in vars(room).items():
            assert not hasattr(value, "_textual_on"), (room.__name__, name)


def test_the_rooms_handlers_of_a_workers_end_go_by_textuals_names() -> None:
    """Textual finds a handler named by its convention in every class the screen is
    made of, widget class or not (each is called in turn): the rest of a big quarter's
    (its test: tests/ui/test_first_screen.py) and the overlap pass's."""
    found = [cls.__name__ for cls in BoardScreen.__mro__ if "on_worker_state_changed" in vars(cls)]
    assert found == ["BoardHead", "BoardOverlap"]
