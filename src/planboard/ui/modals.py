"""Modal screens: one form screen for every edit, a confirm, a picker, the help."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    OptionList,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from ..core.text import clean_line, clean_multiline, has_control, heading
from . import keyfile
from .widgets.bars import IndentedText
from .widgets.form_fields import FormInput, FormTextArea, TickBox, TickList, lines_of
from .widgets.laid_out_once import CalmResume

T = TypeVar("T")


@dataclass
class Field:
    """One field of a form."""

    name: str
    label: str
    value: Any = ""
    kind: Literal["line", "text", "number", "select", "choices", "switch"] = "line"
    placeholder: str = ""
    options: Sequence[tuple[str, Any]] = ()
    suggestions: Sequence[str] = field(default_factory=list)
    height: int = 4
    selected: bool = False  # a line's text starts selected: typing replaces it
    takes_paste: bool = False  # (a "text" field) a list pasted anywhere in the form
    # The name of another field that, while it holds text, is used instead of this one:
    # this one is then shown off (dimmed), so the form never shows a choice it ignores.
    yields_to: str = ""


Submit = Callable[[dict[str, Any]], "str | None"]


class Notice(str):
    """What a form's submit returns to keep the form open with a remark, not an error
    (a preview before importing, say)."""


class FormModal(ModalScreen[bool]):
    """A form. `submit(values)` saves and returns an error message, or None when done.

    On an error the form stays open with the message under it, so nothing typed is lost.
    Dismisses with True when saved, False when cancelled.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(
        self,
        title: str,
        fields: list[Field],
        submit: Submit,
        save_label: str = "Save",
        intro: str = "",
        changed_only: bool = False,
    ):
        """`changed_only` (an edit): `submit` is given the fields changed since the form
        opened, no other."""
        super().__init__()
        self.changed_only = changed_only
        self.form_title = title
        self.fields = fields
        self.submit = submit
        self.save_label = save_label
        self.intro = intro  # a remark above the fields (plain text)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(heading(self.form_title)), classes="dialog-title")
            with VerticalScroll(classes="dialog-body", can_focus=False):
                # (In the body, which scrolls: a long intro can't push the fields and
                # the buttons off a small screen.)
                if self.intro:
                    yield Static(Content(clean_multiline(self.intro)), classes="dialog-intro")
                for spec in self.fields:
                    yield Label(Content(clean_line(spec.label)), classes="field-label")
                    yield self._widget(spec)
            yield Static("", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                # (What Ctrl+S does is the button's word: "saves" beside Open said a
                # save the form does not make.)
                label = clean_line(self.save_label)
                keys = "Ctrl+S saves" if label == "Save" else f"Ctrl+S: {label}"
                yield Static(f"{keys} · Esc cancels", classes="dialog-keys")
                yield Button(self.save_label, variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    _always: frozenset[str] = frozenset()  # (sent by a `changed_only` form as they are)

    def always_send(self, names: Iterable[str]) -> None:
        """Send these fields whatever they hold (an edit refused for them: a value typed
        back as the form opened with is meant too)."""
        self._always = self._always | set(names)

    def retitle(self, title: str, intro: str) -> None:
        """Say another title and remark (what saving now would do), the fields as typed."""
        self.form_title, self.intro = title, intro
        self.query_one(".dialog-title", Label).update(Content(heading(title)))
        for remark in self.query(".dialog-intro").results(Static):
            remark.update(Content(clean_multiline(intro)))

    def _widget(self, spec: Field) -> Any:
        field_id = f"field-{spec.name}"
        if spec.kind == "text":
            area = FormTextArea(
                clean_multiline(str(spec.value or "")),
                id=field_id,
                soft_wrap=True,
                tab_behavior="focus",
                compact=True,
            )
            area.styles.height = spec.height
            return area
        if spec.kind == "choices":
            chosen = set(spec.value or ())
            return TickList(
                *[
                    (Content(clean_line(label)), value, value in chosen)
                    for label, value in spec.options
                ],
                id=field_id,
                compact=True,
            )
        if spec.kind == "switch":
            return TickBox(bool(spec.value), id=field_id, compact=True)
        if spec.kind == "select":
            return Select(
                [(Content(clean_line(label)), value) for label, value in spec.options],
                value=spec.value,
                allow_blank=False,
                id=field_id,
                compact=True,
            )
        suggester = (
            SuggestFromList(spec.suggestions, case_sensitive=False) if spec.suggestions else None
        )
        value = "" if spec.value is None else spec.value
        if spec.kind == "number" and isinstance(value, float):
            value = f"{value:g}"
        # The cursor lands after what is there: typing adds to a name, it never
        # silently replaces it (Ctrl+U clears the field); unless the field says its
        # text is selected (and shows it so).
        return FormInput(
            clean_line(str(value)),
            placeholder=spec.placeholder,
            id=field_id,
            suggester=suggester,
            compact=True,
            select_on_focus=spec.selected,
        )

    first_field = ""  # the field focused when the form opens ("": the first one)

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#field-{self.first_field or self.fields[0].name}").focus()
        self._opened_with = self.values()
        self._yield_fields()

    def _yield_fields(self) -> None:
        """Each field that yields to another (`Field.yields_to`) off while that one
        holds text, on again once it is cleared."""
        values = None
        for spec in self.fields:
            if spec.yields_to:
                values = values or self.values()
                taken = bool(str(values.get(spec.yields_to) or "").strip())
                self.query_one(f"#field-{spec.name}").disabled = taken

    def on_paste(self, event: events.Paste) -> None:
        """A paste on a field that takes no text (a picker, a switch, a button)."""
        if isinstance(self.focused, (Input, TextArea)):
            return  # (it took the paste, as text fields do, before it came up here)
        if event.text.strip() and self.take_paste(event.text):
            event.stop()

    def take_paste(self, text: str) -> bool:
        """Put pasted text in the form's box for pasted lists, under what it holds,
        and say so; False when the form has none."""
        spec = next((spec for spec in self.fields if spec.takes_paste), None)
        if spec is None:
            return False
        box = self.query_one(f"#field-{spec.name}", TextArea)
        held, text = box.text, lines_of(text)
        end = box.document.end
        box.insert(("\n" if held.strip() and not held.endswith("\n") else "") + text, end)
        box.focus()
        self.show_error(Notice("Pasted into the box for a list, one item per line."))
        return True

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in self.fields:
            widget = self.query_one(f"#field-{spec.name}")
            if isinstance(widget, TextArea):
                out[spec.name] = widget.text
            elif isinstance(widget, SelectionList):
                out[spec.name] = list(widget.selected)
            elif isinstance(widget, (Checkbox, Select, Input)):
                out[spec.name] = widget.value
        return out

    def show_error(self, message: str) -> None:
        """Show a refusal under the form (or, for a `Notice`, a remark before saving)."""
        error = self.query_one(".form-error", Static)
        notice = isinstance(message, Notice)
        mark = "ℹ " if notice else "✗ "
        error.update(Content.assemble((mark, "bold"), clean_multiline(message)))
        error.set_class(notice, "-notice")
        error.add_class("-shown")
        self._shown_for = self.values()
        self.call_after_refresh(self._fit_body)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_body)

    def _fit_body(self) -> None:
        """The fields give way (they scroll) so that the message under them and the
        buttons stay on a small screen: a long preview pushed the buttons off at 80x24."""
        body = self.query_one(".dialog-body")
        dialog = self.query_one(".dialog")
        rest = dialog.styles.gutter.height  # (its border)
        for part in dialog.children:
            if part is not body and part.display:
                rest += part.outer_size.height + part.styles.margin.height
        room = max(3, min(int(self.size.height * 0.7), self.size.height - rest))
        if body.styles.max_height != room:
            body.styles.max_height = room

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _edited(self, event: Input.Changed | TextArea.Changed) -> None:
        """A fix clears the last error; pasted control characters never stay on screen.
        (Only an edit made since it was shown: the notices of keys typed in the same
        burst as Ctrl+S come after it, and hid the preview that Ctrl+S showed.)"""
        if self._shown_for is not None and self.values() != self._shown_for:
            self.query_one(".form-error").remove_class("-shown")
            self._shown_for = None
            self.call_after_refresh(self._fit_body)  # (the fields get the room back)
        if isinstance(event, Input.Changed) and has_control(event.value):
            event.input.value = clean_line(event.value)
        elif isinstance(event, TextArea.Changed) and has_control(event.text_area.text):
            event.text_area.text = clean_multiline(event.text_area.text)
        self._yield_fields()

    def closing_keys(self, one_line: bool) -> dict[str, Callable[[], object]]:
        """The keys that close the form, from a text field (see `form_key`)."""
        keys: dict[str, Callable[[], object]] = {
            "escape": self.action_cancel,
            "ctrl+s": self.action_save,
        }
        if one_line:
            keys["enter"] = self.action_save
        return keys

    def action_save(self) -> None:
        if self._done:
            return  # (closed already: a second Enter in the same burst)
        values = self.values()
        if self.changed_only:
            values = {
                k: v
                for k, v in values.items()
                if k in self._always or v != self._opened_with.get(k)
            }
        error = self.submit(values)
        if error:
            self.show_error(error)
        else:
            self._close(True)

    def action_cancel(self) -> None:
        """Closes, asking first when a field of several lines holds text typed since the
        form opened (a pasted list, notes): one Esc must not lose it. One-line fields
        are quick to type again and close at once."""
        if self._done or self._asking:
            return
        if not self.ask_before_losing(
            "Close the form?",
            "Close and lose it",
            lambda: self.call_after_refresh(self._close, False),
        ):
            self._close(False)

    def ask_before_losing(self, question: str, yes: str, then: Callable[[], object]) -> bool:
        """Asks `question` (and what would be lost) before `then`, when a field of
        several lines holds text typed since the form opened; False when nothing would
        be lost (nothing asked, `then` not called)."""
        now = self.values()
        typed = [
            spec
            for spec in self.fields
            if spec.kind == "text"
            and str(now.get(spec.name, "")).strip()
            and now.get(spec.name) != self._opened_with.get(spec.name)
        ]
        if not typed or self._done:
            return False

        def answered(go: bool | None) -> None:
            self._asking = False
            if go:  # (once the form is back on top: it covered the board alone)
                then()

        self._asking = True
        field = typed[0]
        lines = len(str(now[field.name]).strip().splitlines())
        where = clean_line(field.label).removeprefix("…or ").split(" (")[0]
        what = "What you typed"  # (into text that was there: some of it was not typed)
        if not str(self._opened_with.get(field.name) or "").strip():
            what = "The line typed" if lines == 1 else f"The {lines:,} lines typed"
        self.app.push_screen(
            ConfirmModal(
                f"{question} {what} in “{where}” will be lost.", yes=yes, no="Keep editing"
            ),
            answered,
        )
        return True

    _done = False  # closed (saved or cancelled): nothing more to do
    _asking = False  # Esc's question is open
    _shown_for: dict[str, Any] | None = None  # the values when the message was shown
    _opened_with: dict[str, Any] = {}  # the values when the form opened

    def _close(self, saved: bool) -> None:
        """Closes; the board under it paints again only what the form covered (the
        dialog, and anything of it drawn beyond, such as an open list of choices)."""
        if self._done or self.app.screen is not self:
            return
        self._done = True
        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 else None
        if isinstance(below, CalmResume):
            drawn = [
                region
                for widget, (region, _) in self._compositor.visible_widgets.items()
                if widget is not self
            ]
            below.uncover(Region.from_union(drawn) if drawn else self.region)
        self.dismiss(saved)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _input_submitted(self) -> None:
        self.action_save()


class ConfirmModal(ModalScreen[bool]):
    """Yes or no. `escape` and `n` say no, `y` yes; `←` `→` move between the buttons."""

    BINDINGS = [
        Binding("escape,n", "answer(False)", "No"),
        Binding("y", "answer(True)", "Yes"),
        Binding("left", "app.focus_previous", "Previous button", show=False),
        Binding("right", "app.focus_next", "Next button", show=False),
    ]

    def __init__(
        self, question: str, yes: str = "Yes", no: str = "No", *, default_yes: bool = False
    ) -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no
        self.default_yes = default_yes  # Enter says yes (for what is safe to do)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small"):
            yield Static(Content(clean_multiline(self.question)), classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, variant="error", id="yes", compact=True)
                yield Button(self.no, id="no", compact=True)
            yield Static(
                Content(f"y: {clean_line(self.yes)} · n or Esc: {clean_line(self.no)}"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default_yes else "#no", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


_LIST_MOVES = {"home": "first", "end": "last", "pageup": "page_up", "pagedown": "page_down"}


class PickerModal(ModalScreen[T | None], Generic[T]):
    """Pick one of a list, with type-to-filter. Dismisses with the value or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: Sequence[tuple[Content | str, T]], hint: str = ""):
        super().__init__()
        self.picker_title = title
        self.choices = list(choices)
        self.hint = hint
        self._filled_with = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(heading(self.picker_title)), classes="dialog-title")
            yield FormInput(placeholder="Type to filter", id="filter")
            yield OptionList(id="choices")
            if self.hint:
                yield Static(Content(self.hint), classes="dialog-hint")

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, text: str) -> None:
        self._filled_with = text
        options = self.query_one("#choices", OptionList)
        options.clear_options()
        needle = text.casefold().strip()
        self._shown = [
            (label, value)
            for label, value in self.choices
            if not needle
            or needle in (label.plain if isinstance(label, Content) else label).casefold()
        ]
        shown = [t if isinstance(t, Content) else Content(clean_line(t)) for t, _ in self._shown]
        options.add_options([Option(label) for label in shown])
        if self._shown:
            options.highlighted = 0

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        if self.app.screen is self and event.value != self._filled_with:
            self._fill(event.value)

    def closing_keys(self, one_line: bool) -> dict[str, Callable[[], object]]:
        """The keys that close the picker, from its filter (see `form_key`)."""
        return {"escape": self.action_cancel, "enter": self._submit_filter}

    @on(Input.Submitted, "#filter")
    def _submit_filter(self) -> None:
        if self.app.screen is not self:
            return  # (picked already)
        # Letters typed in the same burst just before Enter are in the field, and the
        # list not yet filtered by them (that waits for their message): filtered now.
        typed = self.query_one("#filter", Input).value
        if typed != self._filled_with:
            self._fill(typed)
        options = self.query_one("#choices", OptionList)
        if options.highlighted is not None and self._shown:
            self.dismiss(self._shown[options.highlighted][1])

    def wants_key(self, field: Widget, key: str) -> bool:
        """Whether a key typed in the filter is for the list, not the field (see
        `form_fields.in_turn`): Up and Down; Home, End and the pages while the filter is
        empty (`End` then Enter: the field took End, and Enter the first choice)."""
        empty = isinstance(field, Input) and not field.value
        return key in ("down", "up") or (key in _LIST_MOVES and empty)

    def take_key(self, key: str) -> None:
        """A key `wants_key` says is for the list: moves it. Called by the filter as
        the key comes (`in_turn`): sent up to the screen, an arrow came after an Enter
        typed behind it, which picked the line the arrow had not yet left."""
        options, field = self.query_one("#choices", OptionList), self.query_one("#filter", Input)
        if key in ("down", "up"):
            if field.value != self._filled_with:  # (as Enter does: the letters before it)
                self._fill(field.value)
            options.action_cursor_down() if key == "down" else options.action_cursor_up()
        else:
            getattr(options, f"action_{_LIST_MOVES[key]}")()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._shown[event.option_index][1])

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReadModal(ModalScreen[None]):
    """Something shown whole, to read only (a decided quarter's item or block)."""

    BINDINGS = [Binding("escape,q,enter,e", "close", "Close")]

    def __init__(self, title: str, sections: list[tuple[str, str]]) -> None:
        super().__init__()
        self.read_title, self.sections = title, sections  # (label, text): plain text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Label(Content(heading(self.read_title)), classes="dialog-title")
            with VerticalScroll(classes="dialog-body", id="read-body"):
                for label, text in self.sections:
                    yield Label(Content(clean_line(label)), classes="field-label")
                    yield IndentedText(Content(clean_multiline(text)), hang=0, classes="read-text")
            yield Static("Read-only · Esc closes", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key and mouse gesture of a screen, from the key map (with the user's keys)."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def __init__(self, screen: str = "board", remapped: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.screen_name = screen
        self.remapped = remapped

    @property
    def sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The help's sections, with the keys the user remapped (`App.user_keys`)."""
        remapped = self.remapped
        if remapped is None:
            remapped = getattr(self.app, "user_keys", None) or {}
        return keyfile.help_sections(self.screen_name, remapped)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Label("planboard — keys and mouse", classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                for title, rows in self.sections:
                    yield Static(Content.styled(title, "bold $text-accent"), classes="help-section")
                    for keys, what in rows:
                        # Two columns: a long description wraps under itself.
                        with Horizontal(classes="help-row"):
                            yield Static(Content.styled(keys, "bold"), classes="help-keys")
                            yield Static(Content(what), classes="help-what")
            yield Static("Esc closes this help.", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
