"""The fields of the forms and pickers: tick lists and boxes that show their state, and
text fields whose closing keys act in the order they were typed."""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from textual import events
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, Input, OptionList, SelectionList, TextArea
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist


class TickList(SelectionList[Any]):
    """A list of tick boxes that shows a tick when ticked and an empty box when not
    (colour alone told them apart: people ticked the wrong person)."""

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # The row the key (or click) was on: `SelectionList` ticked the row highlighted
        # when the message came, so Space, Down in one burst ticked the row below.
        event.stop()
        event.prevent_default()  # (not `SelectionList`'s own handler as well)
        self.toggle(self.get_option_at_index(event.option_index))

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        index = self.scroll_offset.y + y
        if len(segments) < 3 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip
        try:
            option = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return strip
        ticked = option.value in self.selected
        segments[1] = Segment("✓" if ticked else " ", segments[1].style)
        return Strip(segments, strip.cell_length)


class TickBox(Checkbox):
    """A yes/no box that shows a tick when ticked and stays empty when not, and says
    which ("no" beside an empty box: a "yes" there read as on)."""

    def __init__(self, value: bool = False, **kwargs: Any) -> None:
        super().__init__(Content(_yes_no(value)), value, **kwargs)

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "✓" if self.value else " "

    def watch_value(self) -> None:
        super().watch_value()
        self.label = Content(_yes_no(self.value))


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def form_key(field: Input | TextArea, event: events.Key) -> None:
    """A key in a form's (or a picker's) text field. One that closes it (Enter in a
    one-line field, Esc, Ctrl+S in a form) acts where it stands among the keys typed,
    and keys after it go on to what is on screen then. (Textual checks a key against
    the form's keys only once the field has let it pass: keys typed in the same burst
    as Enter went into the field first, and were saved with it; after Esc, into a form
    already closed.)"""
    screen = field.screen
    closing = getattr(screen, "closing_keys", None)
    if closing is None:
        return
    if field.app.screen is not screen:  # (it closed after this key was handed here)
        event.prevent_default()
        event.stop()
        # Kept by the app until what the closing opens (a form after a picker) is up.
        _hand_on(field, event)
        return
    if screen.focused is not field or event.key in ("tab", "shift+tab"):
        event.prevent_default()
        event.stop()
        if screen.focused is not field:
            # Typed for this field, but a Tab before it in the same burst moved on:
            # kept by the app, in order, for the field that has the focus now.
            _hand_on(field, event)
        elif event.key == "tab":  # at once, here, so that the keys after it follow
            screen.focus_next()
        else:
            screen.focus_previous()
        return
    act = closing(isinstance(field, Input)).get(event.key)
    if act is not None:
        event.prevent_default()
        event.stop()
        act()


def _hand_on(field: Input | TextArea, event: events.Key) -> None:
    """A key a field got but is not for it: to the app, to go where it is for now."""
    hold = getattr(field.app, "hold_key", None)
    if hold is not None:
        hold(event)
    else:
        field.app.post_message(events.Key(event.key, event.character))


async def in_turn(field: Input | TextArea, event: events.Key) -> None:
    """A key of the field's own (Backspace, Delete, the arrows, Home, End, Ctrl+W …)
    acts here, in its turn among the keys typed. Textual checks a field's keys only
    once the key has gone up from the field to the app, while letters typed after it
    go from the app straight to the field: `pipw`, Backspace, `eline` in one burst
    (keys bunched by a slow link) read "pipwelin". A key the field has no binding for
    goes up as before (the screen's keys, Esc, Tab). One the screen wants (`wants_key`:
    a picker's arrows, and its End on its list while its filter is empty) is handed to
    it here, in its turn too (`take_key`)."""
    if event.is_printable or event._stop_propagation:
        return
    wants = getattr(field.screen, "wants_key", None)
    if wants is not None and wants(field, event.key):
        if field.app.screen is field.screen and field.screen.focused is field:
            field.screen.take_key(event.key)  # type: ignore[attr-defined]
            event.prevent_default()
            event.stop()
        return
    for binding in field._bindings.key_to_bindings.get(event.key, ()):
        if not binding.priority and await field.app.run_action(binding.action, field):
            event.prevent_default()
            event.stop()
            return


class FieldInput(Input):
    """A one-line field whose own keys act in turn (`in_turn`): the board's search."""

    async def _on_key(self, event: events.Key) -> None:
        await in_turn(self, event)


class FormInput(Input):
    """A form's one-line field: the form's keys act where they stand among those typed
    (`form_key`), its own in turn (`in_turn`), and a list pasted here goes to the
    form's box for lists."""

    async def _on_key(self, event: events.Key) -> None:
        form_key(self, event)
        await in_turn(self, event)

    def _on_paste(self, event: events.Paste) -> None:
        # (Several lines: to the form's box for lists, else joined by spaces here. Input
        # keeps the first line alone: the others were lost without a word.)
        lines = [" ".join(line.split()) for line in event.text.splitlines() if line.strip()]
        if not lines or (len(lines) == 1 and len(event.text.splitlines()) < 2):
            return  # (one line: as Input takes it)
        take = getattr(self.screen, "take_paste", None)
        if len(lines) < 2 or take is None or not take(event.text):
            # (One line among blank ones: Input kept the first, blank, line.)
            if self.selection.is_empty:
                self.insert_text_at_cursor(" ".join(lines))
            else:
                self.replace(" ".join(lines), *self.selection)
        event.prevent_default()
        event.stop()


class FormTextArea(TextArea):
    """A form's field of several lines (see `form_key`, `in_turn`)."""

    async def _on_key(self, event: events.Key) -> None:
        form_key(self, event)
        await in_turn(self, event)

    async def _on_paste(self, event: events.Paste) -> None:
        # A list pasted at the end of a line of the form's box for lists goes under it:
        # a second list pasted there was glued to the first one's last line. (Terminals
        # send a pasted line break as a carriage return; a row with its line break at
        # the end is a list too.)
        spec = next((f for f in getattr(self.screen, "fields", ()) if f.takes_paste), None)
        text = lines_of(event.text)
        row, column = self.cursor_location
        line = self.document.get_line(row)
        if (
            spec is None
            or self.id != f"field-{spec.name}"
            or "\n" not in text
            or not text.strip()
            or not line.strip()
            or column < len(line)
            or not self.selection.is_empty
            or self.read_only
        ):
            return
        event.prevent_default()
        event.stop()
        if result := self._replace_via_keyboard("\n" + text.lstrip("\n"), *self.selection):
            self.move_cursor(result.end_location)


def lines_of(text: str) -> str:
    """Pasted text with its line breaks as newlines (a terminal sends carriage returns)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
