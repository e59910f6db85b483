"""The planboard application."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from textual import events
from textual.actions import parse as parse_action
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.signal import Signal
from textual.widget import Widget
from textual.widgets import Input

from ..core.clock import Clock
from ..core.errors import PlanboardError
from ..core.model import Board
from ..core.record import Frozen, set_field
from ..core.store import Store
from . import keyfile, keys
from .board.screen import BoardScreen
from .driver import planboard_driver
from .quitting import quit_asking, quit_on_hangup
from .refusals import LetsGoOfRefusedBursts
from .screens.long import stop_long
from .styles import later_stylesheet, stylesheet_paths
from .theme import LIGHT, PROJECTOR, register_themes
from .widgets.laid_out_once import CalmResume

if TYPE_CHECKING:
    from ..serve.server import ServerThread

DEFAULT_FILE = "planboard.db"
FIRST_FRAME_WRITTEN_S = 0.1  # from the first frame handed to its writer to `first_frame_out`

#: The themes by name in the palette (remembered for the board).
THEME_COMMANDS = [
    (PROJECTOR.name, "theme: Projector", "High contrast, for a shared screen (kept per board)"),
    (LIGHT.name, "theme: Light", "Dark text on white (kept per board)"),
    ("textual-dark", "theme: Dark", "planboard's usual theme (kept per board)"),
]


class FileChanged(Frozen):
    """What the app's watcher saw change in the file (published by `board_changed`)."""

    __slots__ = ("event_id", "outside", "version")
    version: int  # the file's data version now
    event_id: int  # its newest event now
    outside: bool  # another program wrote (not only another screen of this planboard)

    def __init__(self, version: int, event_id: int, outside: bool) -> None:
        set_field(self, "version", version)
        set_field(self, "event_id", event_id)
        set_field(self, "outside", outside)


def _later_styles() -> tuple[Path, str]:
    """The dialogs' and other screens' styles, read from their file when the app is
    made, parsed when the first of them opens (`PlanboardApp._read_later_styles`): a
    planboard upgraded or a checkout switched meanwhile leaves these as they were."""
    later = later_stylesheet()
    return later, later.read_text(encoding="utf-8")


class PlanboardApp(LetsGoOfRefusedBursts, App[None]):
    """A board on one SQLite file. Give it an open `Store`, or a path to open."""

    CSS_PATH = stylesheet_paths()
    TITLE = "planboard"
    BINDINGS = keys.bindings("app")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    def __init__(
        self,
        store: Store | str | os.PathLike[str] | None = None,
        *,
        quarter_id: int | None = None,
        notice: str | None = None,
        start_meeting: bool = False,
        clock: Clock | None = None,
        preloaded: tuple[Board, int] | None = None,
        first_frame_out: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(driver_class=planboard_driver(self.get_driver_class()))
        self._first_frame_out = first_frame_out  # (once it is written: see `cli.board`)
        #: Published by the app's one file watcher when the file changed under the screens
        #: (another program, or another screen): `app.board_changed.subscribe(screen, f)`.
        self.board_changed: Signal[FileChanged] = Signal(self, "board_changed")
        if not isinstance(store, Store):
            store = Store.open(Path(store or os.environ.get("PLANBOARD_DB", DEFAULT_FILE)))
        if clock is not None:  # one clock for the app and its store
            store.clock = clock
        self.store = store
        self.quarter_id = quarter_id if quarter_id is not None else store.default_quarter().id
        self.notice = notice
        self.start_meeting = start_meeting
        self._later_styles: tuple[Path, str] | None = _later_styles()
        # The quarter as read already (and the file's data version): the board shows it.
        self.preloaded = preloaded
        self._board: BoardScreen | None = None
        # The screen on top when each key came in, and its focus then (see `_on_key`).
        self._typed_on: WeakKeyDictionary[events.Key, Screen] = WeakKeyDictionary()
        self._typed_to: WeakKeyDictionary[events.Key, Widget | None] = WeakKeyDictionary()
        # Keys kept while a screen comes up, and since when (see `hold_key`).
        self._held: list[events.Key] = []
        self._held_since, self._release_asked = 0.0, False
        self._top_since = 0.0  # when the screen on top last changed
        # Suggested blocks the lead discarded (by their items), hidden until planboard closes.
        self.discarded_suggestions: set[frozenset[int]] = set()
        self.shared: ServerThread | None = None  # the read-only page, once shared
        self._lost_said = False
        #: What a long action running in the background is doing ("" when none): it holds
        #: the write transaction, so the watcher does not read the file meanwhile.
        self.busy = ""
        # The long action's (stop, ended) events: quitting stops it before closing the file.
        self.long_action: tuple[threading.Event, threading.Event] | None = None
        # The file's data version and newest event as the screens have been shown them:
        # the watcher announces anything newer, once.
        self._seen_version = preloaded[1] if preloaded is not None else store.data_version()
        self._seen_event = store.last_event_id()
        #: The theme planboard itself switched to last (the projector theme for the
        #: event, or back): not the board's chosen theme.
        self.automatic_theme: str | None = None
        register_themes(self)  # type: ignore[arg-type]
        self._apply_board_theme()
        #: The user's own keys (keys.toml), by binding id; what is wrong with the file.
        self.user_keys, self._keys_problem = keyfile.load_user_keys()
        if self.user_keys:
            self.set_keymap(self.user_keys)

    def _apply_board_theme(self) -> None:
        """The theme chosen for this board last time (kept in the file)."""
        try:
            chosen = self.store.setting("theme")
        except PlanboardError:
            return  # a file without settings: the default theme
        if chosen in self.available_themes:
            self.theme = chosen

    def _theme_chosen(self, theme: object) -> None:
        if self.theme == self.automatic_theme or self.store.readonly:
            return
        self.automatic_theme = None
        try:
            if self.store.setting("theme", "textual-dark") != self.theme:
                self.store.set_setting("theme", self.theme)
        except PlanboardError:
            pass  # a preference that can't be saved is not worth an error

    #: When a key was last pressed or the mouse last clicked (`time.monotonic()`):
    #: housekeeping in the background waits for a pause (see `idle_for`).
    last_input = 0.0

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)) and not event.is_forwarded:
            self.last_input = time.monotonic()
            if isinstance(event, events.Key):
                if self._held or not self._screen_ready():
                    if not self._held and await self._moved_on_head(event):
                        return
                    self.hold_key(event)
                    return
                self._typed_on[event] = self.screen
                self._typed_to[event] = self.screen.focused
        await super().on_event(event)

    #: Longest a key waits for a screen that is coming up (then it goes as it is).
    HOLD_S = 0.25

    async def _moved_on_head(self, event: events.Key) -> bool:
        """A key that moves to a line already read, while the board shows the head of
        a big quarter: run at once, here, so that the next key is judged from where
        this one left the cursor (keys typed in one burst come in before any is run)."""
        screen = self.screen
        if not getattr(screen, "reading_the_rest", False):
            return False
        found = screen.move_on_head(event.key)  # type: ignore[attr-defined]
        if found is None:
            return False
        node, action = found
        await self.run_action(action, node)
        return True

    def _screen_ready(self) -> bool:
        """Whether the screen on top can take keys: up, and its field (if it has any
        to focus) focused. A screen just opened is not, for a moment; one on top for
        longer is, whatever has the focus."""
        screen = self.screen
        if getattr(screen, "reading_the_rest", False):
            return False  # (the board shows the head of a big quarter, for a moment:
            # keys wait, but a move to a line already read, see `_moved_on_head`)
        if time.monotonic() - self._top_since >= self.HOLD_S:
            return True
        return screen.is_mounted and (screen.focused is not None or not screen.focus_chain)

    def _screen_changed(self, screen: Screen) -> None:
        self._top_since = time.monotonic()

    def hold_key(self, event: events.Key) -> None:
        """Keep a key, in order, until the screen on top can take it (see `_release`)."""
        if not self._held:
            self._held_since = time.monotonic()
        self._held.append(events.Key(event.key, event.character))
        if not self._release_asked:
            self._release_asked = True
            self.set_timer(0.01, self._release)

    async def _release(self) -> None:
        """One kept key to the screen on top, once it can take it; the next a moment
        later, once this one has been handled (one that closes a screen may open
        another: the keys after it are for that one)."""
        self._release_asked = False
        if not self._held or not self.screen_stack:
            return  # (none kept, or the app is closing)
        reading = getattr(self.screen, "reading_the_rest", False)
        if self._screen_ready() or (
            not reading and time.monotonic() - self._held_since >= self.HOLD_S
        ):
            key = self._held.pop(0)
            self._held_since = time.monotonic()
            if not self._moved_focus(key):
                self._typed_on[key] = self.screen
                self._typed_to[key] = self.screen.focused
                await super().on_event(key)
        if self._held and not self._release_asked:
            self._release_asked = True
            self.set_timer(0.005, self._release)

    def _moved_focus(self, key: events.Key) -> bool:
        """A kept Tab (or Shift+Tab) in a form or a picker moves the focus at once: the
        keys kept after it are for the next field (handed on as a key, it would move
        the focus only once it had come back from the widget that has it, after them)."""
        from .modals import FormModal, PickerModal

        if key.key not in ("tab", "shift+tab") or not isinstance(
            self.screen, (FormModal, PickerModal)
        ):
            return False
        if key.key == "tab":
            self.screen.focus_next()
        else:
            self.screen.focus_previous()
        return True

    async def _on_key(self, event: events.Key) -> None:
        """A key comes back here when no widget took it, to be checked against the keys
        of the screen on top *now*. If a key before it opened that screen (`d`, then the
        reason typed at once), it went to a widget of the screen below: it is handed
        again, as a new key, to the screen it was typed for. So is a key typed straight
        after one that put the focus in a field of the same screen (`/`, then the words
        to search for): the board's keys would have acted on it (`u` undid). A key
        typed for a screen that a key before it closed (a question's `n`, then more
        typing) goes to the screen on top now. (Then `LetsGoOfRefusedBursts`.)"""
        typed_on = self._typed_on.pop(event, None)
        typed_to = self._typed_to.pop(event, None)
        moved_to_field = (
            typed_on is self.screen
            and isinstance(self.screen.focused, Input)
            and self.screen.focused is not typed_to
        )
        if typed_on is not None and (moved_to_field or typed_on is not self.screen):
            event.stop()
            event.prevent_default()  # (not `App._on_key`, which would check it here)
            self.hold_key(event)

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        """A form opening over the board leaves the board as it is around it: the
        board is not painted whole for it (nor when it closes, see `CalmResume`)."""
        from .modals import FormModal

        self._read_later_styles()
        below = self.screen_stack[-1] if self.screen_stack else None
        if isinstance(screen, FormModal) and isinstance(below, CalmResume):
            below.cover()
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen: Any) -> Any:
        self._read_later_styles()
        return super().switch_screen(screen)

    def _read_later_styles(self) -> None:
        """The dialogs' and the other screens' styles (`screens.tcss`, read from their
        file when the app was made) are parsed when the first of them opens, not before
        the board's first frame (4-6 ms of it). They come after the board's, as if at
        the end of the same file (of two rules that match alike, the later wins, as
        before); only they are parsed then, the rest being parsed already."""
        if self._later_styles is None:
            return
        path, css = self._later_styles
        self._later_styles = None
        self.stylesheet.add_source(css, read_from=(str(path), ""))
        self.stylesheet.parse()
        if self.css_monitor is not None:  # (`textual run --dev`: edits reloaded)
            self.css_monitor.add_paths([path])

    def idle_for(self, seconds: float) -> bool:
        """Whether no key or click came in the last `seconds`."""
        return time.monotonic() - self.last_input >= seconds

    def on_mount(self) -> None:
        if self._first_frame_out is not None:
            # (After the first frame, once its writer has had the time to write it.)
            self.call_after_refresh(self.set_timer, FIRST_FRAME_WRITTEN_S, self._first_frame_out)
        quit_on_hangup(self)
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        self.screen_change_signal.subscribe(self, self._screen_changed)
        if self._keys_problem:
            self.notify(
                self._keys_problem, title="Your keys", severity="warning", timeout=30, markup=False
            )
        if self.store.viewer:
            self.set_interval(1.0, self._take_over)
        # Twice a second: has the file changed, and does its path still name the file
        # that was opened? The one watcher of the file: screens subscribe to its signal.
        self.set_interval(0.5, self._watch_file)
        # A quarter left live (the laptop died mid-meeting) comes back to the event.
        quarter = self.store.quarter(self.quarter_id)
        board = self.board_screen
        if board is None:
            return
        if self.start_meeting and quarter.status == "preparing":
            # Asks first, like M (once the board has read the quarter).
            if board.board is None:
                board.ask_to_start = True
            else:
                self.call_later(board.action_meeting)
        elif quarter.status == "live" or (self.start_meeting and quarter.status == "decided"):
            self.call_later(board.action_meeting)

    @property
    def clock(self) -> Clock:
        """The clock the app and its store read the time from."""
        return self.store.clock

    def _take_over(self) -> None:
        """A viewer becomes the writer as soon as the other planboard lets go."""
        if not self.store.viewer or not self.store.take_over():
            return
        said = "The other planboard closed: this one can edit the board now."
        board = self.board_screen
        if board is not None:
            board.load()
            board.say(said)
        top = self.screen
        say = getattr(top, "say", None)
        if top is not board and callable(say):
            say(said)  # (the event's screen, say: its keys work now)
        for screen in self.screen_stack:  # (the event's, under a help screen too)
            show_head = getattr(screen, "_show_head", None)
            if screen is not board and callable(show_head) and getattr(screen, "quarter", None):
                show_head()  # (its header said READ-ONLY)
        for screen in self.screen_stack:
            screen.refresh_bindings()  # the footer no longer dims what works now

    def _watch_file(self) -> None:
        """The app's one look at the file, twice a second: what changed is published once
        through `board_changed`; a file replaced or removed is said (`_check_file`)."""
        self.look_at_file()
        self._check_file()

    def look_at_file(self) -> bool:
        """Publish `board_changed` if the file changed since the screens were last shown
        it: another program wrote (its data version moved), or another screen of this
        planboard did (a newer event). Skipped while a long action holds the write
        transaction. True if something was published."""
        if self.busy:
            return False
        try:
            version = self.store.data_version()
            event_id = self.store.last_event_id()
        except Exception:  # the file went away under us; the next action will say so
            return False
        if (version, event_id) == (self._seen_version, self._seen_event):
            return False
        outside = version != self._seen_version
        self._seen_version, self._seen_event = version, event_id
        self.board_changed.publish(FileChanged(version, event_id, outside))
        return True

    def caught_up(self) -> bool:
        """A screen has just shown the file as it is now, its own write included: the
        watcher is not to announce that write. True if another program had written
        since the watcher last looked (what the screen holds may be stale elsewhere)."""
        try:
            version = self.store.data_version()
            event_id = self.store.last_event_id()
        except PlanboardError:
            return False
        outside = version != self._seen_version
        self._seen_version, self._seen_event = version, event_id
        return outside

    def _check_file(self) -> None:
        """The file replaced (`mv other.db b.db`) or removed (its folder too) while open:
        the store stops writing to it at once; this says so, plainly and for good."""
        if self._lost_said or not self.store.check_file():
            return
        self._lost_said = True
        message = (
            f"Stopped saving: {self.store.lost}. Nothing more is written to it; what "
            "is on screen is still here. Save it to a new file with Ctrl+S (board: Save a "
            "copy as…)."
        )
        self.notify(
            message, title="Not saving any more", severity="error", timeout=600, markup=False
        )
        self.bell()
        board = self.board_screen
        if board is not None:
            board.file_lost(message)

    async def action_quit(self) -> None:
        """Quit, asking first when something would be lost (see `quitting`)."""
        quit_asking(self)

    def action_save_copy(self) -> None:
        """Save the board as this planboard has it to a new file (any time; it is the
        way out when the file was replaced or removed while open)."""
        from .modals import Field, FormModal

        path = self.store.path
        folder = path.parent if path.parent.is_dir() else Path.home()
        suggestion = folder / f"{path.stem}.copy{path.suffix or '.db'}"
        counter = 2
        while suggestion.exists():
            suggestion = folder / f"{path.stem}.copy-{counter}{path.suffix or '.db'}"
            counter += 1

        def submit(values: dict[str, object]) -> str | None:
            target = str(values["path"]).strip()
            if not target:
                return "Give the new file's name."
            if self.busy:  # (its thread has the file: the copy would hold the screen)
                return f"{self.busy}… is not done: save the copy once it is."
            try:
                written = self.store.save_copy(target)
            except PlanboardError as error:
                return str(error)
            message = f"Saved a copy of the board to {written}; open it with planboard {written}"
            board = self.board_screen
            if board is not None:
                board.say(message)
            # (The form is on top: the board, under it, shows the message once it
            # closes; from any other screen a toast says it (on the board one sat over
            # the status line and hid the path).)
            if board is None or len(self.screen_stack) < 2 or self.screen_stack[-2] is not board:
                self.notify(message, timeout=10, markup=False)
            return None

        self.push_screen(
            FormModal(
                "Save a copy as…",
                [Field("path", "New file", str(suggestion))],
                submit,
                save_label="Save copy",
                intro="The board as this planboard has it, written to a new file "
                "(an existing file is never replaced).",
            )
        )

    def get_default_screen(self) -> Screen:
        # The board is the first screen: the first frame painted is the board itself.
        if self._board is None:
            preloaded, self.preloaded = self.preloaded, None
            self._board = BoardScreen(self.store, self.quarter_id, self.notice, preloaded=preloaded)
        return self._board

    def on_unmount(self) -> None:
        if self.shared is not None:
            self.shared.stop()
        stop_long(self, self.store)  # (a long action still running: stopped, rolled back)
        self.store.close()

    def action_share_in_browser(self) -> None:
        """Serve the read-only live page of this board beside it (see `planboard serve`)."""
        from ..serve import missing

        need = missing()
        if need:
            self.notify(need, title="Share in a browser", severity="error", markup=False)
            return
        if self.shared is None:
            from ..serve.hosts import board_port
            from ..serve.server import DEFAULT_PORT, BoardServer, ServerThread

            problem = ""
            # The usual port, else this board's own (a page left open comes back to it
            # after a restart), else any free one.
            for port in (DEFAULT_PORT, board_port(self.store.path), 0):
                thread = ServerThread(BoardServer(self.store.path, port=port))
                try:
                    thread.start()
                except Exception as error:
                    problem = str(error)
                    continue
                self.shared = thread
                break
            else:
                self.notify(
                    f"The page could not be served: {problem}",
                    title="Share in a browser",
                    severity="error",
                    markup=False,
                )
                return
        # (Shown for a while, not for good: at 80x24 it covered the help and the
        # details. The same command shows it again.)
        self.notify(
            f"Attendees open {self.shared.server.url} (read-only; on this computer only: "
            "for others, run planboard serve with --host). The same command shows this "
            "again.",
            title="Shared in a browser",
            timeout=15,
            markup=False,
        )

    @property
    def board_screen(self) -> BoardScreen | None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, BoardScreen):
                return screen
        return None

    def get_key_display(self, binding: Binding) -> str:
        """The footer's key: a function key as the help writes it (`F5`, not `f5`)."""
        return re.sub(r"\bf(\d{1,2})\b", r"F\1", super().get_key_display(binding))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's "Theme" lists every theme it knows; planboard's three are below
        # (their stakeholder colours are the ones checked for contrast).
        for command in super().get_system_commands(screen):
            if command.title == "Quit":  # (Textual's says "as soon as possible": it asks)
                yield SystemCommand(
                    "Quit",
                    "Quit planboard, asking first when something would be lost · Ctrl+Q",
                    command.callback,
                )
            elif command.title == "Screenshot":  # (Textual's wrote nowhere a terminal tells)
                yield SystemCommand(
                    "Screenshot",
                    "Save a picture of this screen (SVG) beside the board",
                    self._picture,
                )
            elif command.title not in ("Theme", "Maximize", "Minimize"):  # (a column alone,
                yield command  # narrow, on a hatched ground: nothing to see there)
        for name, title, help_text in THEME_COMMANDS:
            yield SystemCommand(title, help_text, lambda name=name: setattr(self, "theme", name))
        yield from self._key_commands(self, "app")
        board = self.board_screen
        if board is not None and screen is board:
            yield from self._key_commands(board, "board")

    def _picture(self) -> None:
        from .picture import save_picture

        self.set_timer(0.1, lambda: save_picture(self))  # (once the palette has gone)

    def _key_commands(self, target: object, screen: str) -> Iterable[SystemCommand]:
        """The palette entries of a screen's key map, each saying its key (the user's
        own where they remapped it)."""
        for title, what, key in keys.palette(screen):
            shown = keyfile.keys_label([keyfile.current_keys(key, self.user_keys)])
            yield SystemCommand(
                title, f"{what} · {shown}" if shown else what, _action(target, key.action)
            )


def _action(target: object, action: str) -> Callable[[], object]:
    """A palette command that calls the action's method directly, as the key does, when
    the key would: an action whose key is dimmed (all but a few while a long action
    runs) does nothing but say why. The palette ran them all: an export halfway through
    the undo of a big import wrote the quarter half undone, read in its transaction."""
    _, name, parameters = parse_action(action)
    method = getattr(target, f"action_{name}")

    def run() -> object:
        if isinstance(target, DOMNode) and not target.check_action(name, parameters):
            if getattr(target, "busy", "") and hasattr(target, "say_busy"):
                target.say_busy()
            return None
        return method(*parameters)

    return run
