"""The thin bars around the board: title, vision, details of the selection, status."""

from __future__ import annotations

import re
import time

from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static

from ...core.model import TEAM, Block, Item, Quarter, Stakeholder
from ...core.text import clean_line, clean_multiline, path_text
from .fitted import fit_rows

QUARTER_CELLS = 40  # the most of a quarter's name the title bar shows


class TitleBar(Static):
    """planboard · quarter · status · file, and a read-only badge when it applies."""

    shown: tuple[Quarter, str, str, tuple[str, bool] | None] | None = None

    def show(
        self,
        quarter: Quarter,
        file_name: str,
        readonly_reason: str = "",
        replica: tuple[str, bool] | None = None,
    ) -> None:
        """The bar, fitted to its width: the read-only badge comes before the file name,
        and on a narrow screen the file name, then the badge's reason, give way.
        `replica`: what replication says (from its status file) and whether that is
        a warning (behind by more than a minute, or stopped)."""
        self.shown = (quarter, file_name, readonly_reason, replica)
        status_style = {
            "preparing": "$text-primary",
            "live": "bold $text-warning",
            "decided": "bold $text-success",
        }[quarter.status]
        name = clean_line(quarter.name)
        if cell_len(name) > QUARTER_CELLS:  # (another program's: planboard's are short)
            name = set_cell_size(name, QUARTER_CELLS - 1).rstrip() + "…"
        head: list[str | tuple[str, str]] = [
            (" planboard ", "bold reverse"),
            "  ",
            (name, "bold"),
            "  ",
            (quarter.status, status_style),
        ]
        file_part: list[str | tuple[str, str]] = [
            "  ",
            (clean_line(path_text(file_name)), "$text-muted"),
        ]
        badges: list[list[str | tuple[str, str]]] = [[]]
        if readonly_reason:
            style = "bold reverse $text-error"
            badges = [
                ["  ", (f" READ-ONLY: {clean_line(readonly_reason)} ", style)],
                ["  ", (" READ-ONLY ", style)],
            ]
        if replica is not None:
            label, warn = replica
            note: list[str | tuple[str, str]] = (
                ["  ", (f"⚠ {clean_line(label)}", "bold $text-warning")]
                if warn
                else ["  ", (f"⇄ {clean_line(label)}", "$text-muted")]
            )
            badges = [badge + note for badge in badges] + badges
        width = self.size.width or 10_000
        for badge in badges:
            for tail in (file_part, []):
                content = Content.assemble(*head, *badge, *tail)
                if content.cell_length <= width:
                    self.update(content)
                    return
        self.update(Content.assemble(*head, *badges[-1]))

    def on_resize(self) -> None:
        if self.shown is not None:
            self.show(*self.shown)


class VisionBar(Static):
    def show(self, vision: str) -> None:
        text = clean_line(vision) or "No vision yet — press v to write the team's vision."
        self.update(Content.assemble(("Vision ", "bold $text-accent"), text))


class DetailBar(Static):
    """Everything about the highlighted row, untruncated."""

    _shown: Content | None = None
    _fitted: Content | None = None

    def _show(self, content: Content) -> None:
        # The bar's height is fixed by the stylesheet: no layout pass (which would
        # repaint every column's scrollbar in a frame of its own). The same content
        # again (the focus arriving after the cursor) is no new frame.
        if content == self._shown:
            return
        self._shown = content
        self._fit()

    def _fit(self) -> None:
        """What is shown, made to fit the bar's rows: a line that does not fit ends
        with "…" (at 80x24 the third of three rows was cut with no sign of it)."""
        if self._shown is None:
            return
        size = self.content_size
        fitted = fit_rows(self._shown, size.width, size.height)
        if fitted != self._fitted:
            self._fitted = fitted
            self.update(fitted, layout=False)

    def on_resize(self) -> None:
        self._fit()

    def show_item(
        self,
        item: Item,
        owner: Stakeholder | None,
        block: Block | None,
        also: list[tuple[str, str]] = (),  # type: ignore[assignment]
        merged: list[tuple[str, str]] = (),  # type: ignore[assignment]
        lists: int = 1,
    ) -> None:
        """The item in full; `also`: (who, title) of similar requests on other lists;
        `merged`: (who, their words) of the requests merged into it; `lists`: how many
        lists ask for it (its mark's number)."""
        whose = clean_line(owner.name) if owner else TEAM
        if item.status == "dropped":
            where = f"dropped: {clean_line(item.drop_reason or '')}"
        elif block is not None:
            where = f"in block {clean_line(block.name)}"
        else:
            where = "on the list"
        facts = [whose, where]
        if item.effort is not None:
            facts.append(f"{item.effort:g} days")
        notes = clean_multiline(item.notes).replace("\n", " ¶ ")
        parts: list[str | tuple[str, str]] = [
            (clean_line(item.title), "bold"),
            "\n",
            (" · ".join(facts), "$text-muted"),
        ]
        if merged:
            parts += ["\n", ("Merged: ", "bold $text-accent")]
            parts += [
                f"{'; ' if n else ''}{clean_line(who)} (“{clean_line(words)}”)"
                for n, (who, words) in enumerate(merged)
            ]
        if also:
            parts += ["\n", (f"Asked by {lists} lists, also: ", "bold $text-accent")]
            parts += [
                f"{'; ' if n else ''}{clean_line(who)} (“{clean_line(words)}”)"
                for n, (who, words) in enumerate(also[:4])
            ]
            if len(also) > 4:
                parts.append(f"; and {len(also) - 4} more (a lists them)")
        parts += ["\n", (notes or "No notes.", "" if notes else "$text-muted italic")]
        self._show(Content.assemble(*parts))

    def show_block(
        self, block: Block, count: int, stakeholders: list[str], *, team: bool = False
    ) -> None:
        """A block's facts; `stakeholders` asked for its items, `team` if the team's
        own candidates are in it too."""
        facts = [f"{count} item{'s' if count != 1 else ''}"]
        if stakeholders:
            names = ", ".join(clean_line(s) for s in stakeholders)
            many = len(stakeholders)
            asked = f"asked by {many} stakeholder{'s' if many != 1 else ''}: {names}"
            facts.append(asked + (" and the team" if team else ""))
        elif team:
            facts.append("the team's own candidates")
        if block.effort is not None:
            facts.append(f"{block.effort:g} days")
        if block.choice:
            facts.append(f"choice {block.choice}")
        case = clean_multiline(block.description).replace("\n", " ¶ ")
        self._show(
            Content.assemble(
                ("Block ", "$text-accent"),
                (clean_line(block.name), "bold"),
                "\n",
                (" · ".join(facts), "$text-muted"),
                "\n",
                (
                    case or "No case yet: press e to say how it serves the vision.",
                    "" if case else "$text-muted italic",
                ),
            )
        )

    def show_stakeholder(self, stakeholder: Stakeholder | None, count: int) -> None:
        if stakeholder is None:
            name, department = "Team", "the data team's own candidates"
        else:
            name, department = stakeholder.name, stakeholder.department
        self._show(
            Content.assemble(
                (clean_line(name), "bold"),
                "\n",
                (
                    " · ".join(p for p in (clean_line(department), f"{count} on the list") if p),
                    "$text-muted",
                ),
            )
        )

    def show_text(self, text: str) -> None:
        self._show(Content(text))


# (Patterns given to `re` as text: compiled when first used, not as planboard starts.)
_LIST_MARKER = r"(?:[•‣▪◦*-]|\d{1,3}[.)]) {1,3}(?=\S)"  # (a bullet, then text)


def _hung(text: Content, width: int, hang: int) -> list[Content]:
    """`text` wrapped to `width`, its lines after the first `hang` cells further in
    (and so that much narrower). The first line takes its whole width."""
    first, *rest = text.wrap(max(4, width))
    if not rest:
        return [first]
    if not text.plain.startswith(first.plain):  # (not cut as read: all to the narrower)
        first, *rest = text.wrap(max(4, width - hang))
        return [first, *(Content(" " * hang) + piece for piece in rest)]
    remainder = text[len(first.plain) :]
    remainder = remainder[len(remainder.plain) - len(remainder.plain.lstrip(" ")) :]
    return [first, *(Content(" " * hang) + piece for piece in remainder.wrap(max(4, width - hang)))]


class IndentedText(Static):
    """Text whose wrapped lines stay indented: a line that wraps continues under the
    text after its bullet or number ("• ", "- ", "1. "), else (`hang`) two cells further
    in than it starts, so lists and paragraphs keep their shape at any width."""

    DEFAULT_CSS = """
    IndentedText { text-wrap: nowrap; }
    """

    def __init__(self, content: Content | str = "", *, hang: int = 2, **kwargs: object) -> None:
        """`hang`: how much further in than it starts a line that is not a list's goes
        on (0: a paragraph wraps flush)."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.source = Content(content) if isinstance(content, str) else content
        self.wrapped_at = 0
        self.hang = hang

    def show(self, content: Content) -> None:
        self.source = content
        self.wrapped_at = 0
        self._rewrap()

    def on_resize(self) -> None:
        self._rewrap()

    def _rewrap(self) -> None:
        width = self.content_region.width
        if width <= 0:
            self.update(self.source)
            return
        if width == self.wrapped_at:
            return
        self.wrapped_at = width
        lines: list[Content] = []
        for line in self.source.split("\n"):
            plain = line.plain
            lead = len(plain) - len(plain.lstrip(" "))
            body = line[lead:]
            if not body.plain:
                lines.append(line)
                continue
            marker = re.match(_LIST_MARKER, body.plain)
            hang = lead + (len(marker.group()) if marker else self.hang)
            lines += [
                Content(" " * lead) + piece for piece in _hung(body, width - lead, hang - lead)
            ]
        self.update(Content("\n").join(lines))


_TRAILING_HINT = r"\s+(\([^()]{1,40}\))$"  # "  (u undoes it)"


class StatusLine(Static):
    """The last action's outcome, with a reminder of how to undo it: one line, more
    when the message needs them (a long path is folded, not cut at 80 columns)."""

    LINES = 3  # at most: a path longer than a line, after the words before it
    #: An error goes with the first key or click this long after it was shown (one
    #: typed in the same burst as the key refused leaves it to be read).
    ERROR_READ_S = 1.5

    shown: Content | None = None  # what the line shows now

    def say(self, text: str, *, error: bool = False) -> Content:
        """Show an outcome; returns what is shown (for `take_back`). An error goes once
        the next key or click has come (`ERROR_READ_S`): it stayed, red, through
        whatever came after, and mid-meeting read as a new error."""
        text = clean_line(path_text(text))  # a name that is not UTF-8 shows with U+FFFD
        mark = ("✗ ", "bold $text-error") if error else ("✓ ", "bold $text-success")
        content = Content.assemble(mark, text)
        self.show(content, hint=True)
        if error:
            if refused := getattr(self.app, "refused", None):  # (`ui.refusals`)
                refused()
            self._until_next_input(content)
        return content

    def _until_next_input(self, said: Content) -> None:
        shown_at = time.monotonic()

        def look() -> None:
            if self.shown is not said:
                timer.stop()  # (something else said since)
            elif getattr(self.app, "last_input", 0.0) > shown_at + self.ERROR_READ_S:
                timer.stop()
                self.show(Content(""))

        timer = self.set_interval(0.25, look)

    def take_back(self, said: Content) -> None:
        """Empty the line if it still shows `said` (what it named is gone)."""
        if self.shown is said:
            self.show(Content(""))

    def _hint_whole(self, content: Content) -> Content:
        """A message that ends with a hint in brackets ("(u undoes it)"), wider than the
        line: the hint on the next line, whole, where the wrap would split it."""
        width = self.content_size.width or self.size.width
        hint = re.search(_TRAILING_HINT, content.plain)
        if not width or hint is None or content.cell_length <= width:
            return content
        lines = content.wrap(width, overflow="fold")
        if any(hint.group(1) in str(line) for line in lines):
            return content  # (whole on a line as it wraps)
        body = content[: hint.start()]
        return Content.assemble(body, "\n", content[hint.start(1) :])

    def note(self, text: str) -> None:
        """An outcome that changed nothing ("Nothing to undo"): no tick, no bell."""
        self.show(Content.assemble(("· ", "$text-muted"), clean_line(path_text(text))))

    _hint = False  # whether the hint at the end of what is shown goes whole (`say`)

    def show(self, content: Content, *, hint: bool = False) -> None:
        """Any line of outcome or progress. A layout pass repaints the whole board: only
        when the line's height must change."""
        self.shown, self._hint = content, hint
        self._draw()

    def _draw(self) -> None:
        content = self.shown
        if content is None:
            return
        if self._hint:
            content = self._hint_whole(content)
        width = self._drawn_at = self.content_size.width or self.size.width
        lines = 1
        if width and content.cell_length > width:
            lines = min(len(content.wrap(width, overflow="fold")), self.LINES)
        self.update(content, layout=lines != self.size.height)

    _drawn_at = 0  # the width it was last drawn for

    def on_resize(self) -> None:
        # (Wrapped, and its hint placed, for the width it has now: from 40 columns to
        # 100 the line stayed three lines high, wrapped as at 40. Its own height's
        # change, after a longer message, is no reason to draw it again.)
        if (self.content_size.width or self.size.width) != self._drawn_at:
            self._draw()


class DragGhost(Static):
    """What is being carried, and where it would land; follows the pointer."""

    WIDTH = 44

    def carry(self, title: str, target: str, *, valid: bool) -> None:
        def fit(text: str) -> str:
            text = clean_line(text)
            return text if len(text) <= self.WIDTH - 2 else text[: self.WIDTH - 3] + "…"

        self.update(
            Content.assemble(
                ("⠿ ", "bold"),
                fit(title),
                "\n",
                ("→ " if valid else "✗ ", "bold"),
                fit(target),
            )
        )
        self.set_class(not valid, "-invalid")


class BoardFooter(Footer):
    """The footer, rebuilt only when the keys it shows change.

    Textual's footer rebuilds itself on every focus change; on the board, focus moves
    with every keyboard move while the keys stay the same, and that rebuild would cost
    more than the move.
    """

    _shown: tuple[object, ...] | None = None

    def on_resize(self) -> None:
        # Under 100 columns the keys go closer together and the palette's key (in the
        # help, and Ctrl+P still opens it) makes room, so that no key is cut.
        narrow = self.size.width < 100
        self.compact = narrow
        if self.show_command_palette == narrow:
            self.show_command_palette = not narrow
            # (The key is added or taken away only when the keys are composed again:
            # narrowed, it stayed, and pushed the help's key off the end.)
            if self._bindings_ready and self.is_attached:
                self.call_after_refresh(self.recompose)

    @staticmethod
    def _dimmed(screen: Screen) -> frozenset[str]:
        """Actions the screen wants shown dimmed: they would only be refused now."""
        dimmed = getattr(screen, "footer_dimmed", None)
        return dimmed() if callable(dimmed) else frozenset()

    def bindings_changed(self, screen: Screen) -> None:
        shown = [
            (binding, enabled, tooltip)
            for (_, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        ]
        keys = tuple((binding.key, binding.description) for binding, _, _ in shown)
        state = (keys, tuple((e, t) for _, e, t in shown), self._dimmed(screen))
        if state == self._shown:
            return
        here = screen.app.app_focus and self.is_attached and screen is self.screen
        if here and self._shown is not None and keys == self._shown[0]:
            # The same keys, only some now dimmed or not (as a long action starts and
            # ends): changed in place. Composing the footer again would mount every
            # key anew, which costs a big undo a noticeable part of its second.
            self._restate(shown, state[2])
            self._shown = state
            return
        super().bindings_changed(screen)
        if here:
            self._shown = state  # Textual recomposes the footer with these keys

    def _restate(self, shown: list[tuple[Binding, bool, str]], dimmed: frozenset[str]) -> None:
        """Each key shown as enabled or not, dimmed or not, with its tooltip, as
        `compose` would show it."""
        states = {
            binding.action: (binding, enabled, tooltip) for binding, enabled, tooltip in shown
        }
        for key in self.query("FooterKey"):
            action = getattr(key, "action", None)
            if action not in states:
                continue  # the palette's key
            binding, enabled, tooltip = states[action]
            key.disabled = not enabled
            key.set_class(action in dimmed or not enabled, "-disabled")  # (both look dim)
            key.tooltip = (tooltip or binding.description) if key.has_class("-grouped") else tooltip

    def compose(self) -> ComposeResult:
        # Dimmed, not disabled: pressing the key (or clicking it) still says why not.
        dimmed = self._dimmed(self.screen)
        widget: Widget
        for widget in self._in_key_map_order(list(super().compose())):
            # A footer key knows its action (a group or a label has none).
            if getattr(widget, "action", None) in dimmed:
                widget.add_class("-disabled")
            yield widget

    def _in_key_map_order(self, widgets: list[Widget]) -> list[Widget]:
        """The screen's keys in the order of its key map, also when the user's keys.toml
        remapped some (Textual lists a remapped key last)."""
        order = {
            binding.action: index
            for index, binding in enumerate(getattr(self.screen, "BINDINGS", []))
            if isinstance(binding, Binding)
        }
        places = [
            index
            for index, widget in enumerate(widgets)
            if getattr(widget, "action", None) in order and not widget.has_class("-command-palette")
        ]
        ordered = sorted(
            (widgets[i] for i in places), key=lambda w: order.get(str(getattr(w, "action", "")), 0)
        )
        for index, widget in zip(places, ordered, strict=True):
            widgets[index] = widget
        return widgets
