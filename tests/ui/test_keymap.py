"""One key map: the screens' keys, the help and the palette come from it, and a user's
keys.toml remaps keys by id (or, when it can't be used, says why and changes nothing)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import Filled
from textual.binding import Binding

from planboard.ui import keys
from planboard.ui.app import PlanboardApp
from planboard.ui.keyfile import find_clash, help_sections, parse_user_keys
from planboard.ui.modals import FormModal, HelpScreen
from planboard.ui.screens.board import BoardScreen


@pytest.fixture
def keys_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where planboard looks for the user's keys (XDG_CONFIG_HOME/planboard/keys.toml)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    path = tmp_path / "config" / "planboard" / "keys.toml"
    path.parent.mkdir(parents=True)
    return path


def help_rows(app: PlanboardApp) -> list[tuple[str, str]]:
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    shown_keys = [str(w.render()) for w in screen.query(".help-keys")]
    shown_what = [str(w.render()) for w in screen.query(".help-what")]
    return list(zip(shown_keys, shown_what, strict=True))


def toasts(app: PlanboardApp) -> str:
    """The notifications on screen (run_test hides them unless notifications=True)."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


def test_every_binding_has_a_unique_id_and_the_defaults_do_not_clash() -> None:
    ids = [key.id for screen in keys.SCREENS for key in keys.entries(screen)]
    assert len(ids) == len(set(ids))
    for screen in keys.SCREENS:
        for binding in keys.bindings(screen):
            assert isinstance(binding, Binding) and binding.id
            assert binding.id.split(".")[0] == screen
    assert find_clash({}) == ""


def test_the_board_uses_the_key_map() -> None:
    assert keys.bindings("board") == BoardScreen.BINDINGS


def test_a_bad_file_is_refused_with_what_is_wrong() -> None:
    cases = {
        '[keys\n"board.drop" = "D"': "not valid TOML",
        '[keys]\n"board.dorp" = "D"': 'no key called "board.dorp" (did you mean "board.drop"',
        '[keys]\n"board.drop" = "n"': '"n" is bound twice on the board screen',
        '[keys]\n"board.drop" = "k"': "board.drop and column.up",
        '[keys]\n"board.drop" = "ctrl+bogus"': "not a key planboard knows",
        '[keys]\n"board.drop" = "ctrl+p"': "kept for the command palette",
        '"board.drop" = "D"': "under a [keys] table",
        '[keys]\n"board.drop" = 3': "give a key",
    }
    for text, why in cases.items():
        with pytest.raises(keys_error()) as raised:
            parse_user_keys(text)
        assert why in str(raised.value), text
    # The same key for two screens is fine: only one is live at a time.
    assert parse_user_keys('[keys]\n"board.drop" = "D"\n"meeting.decide" = "D"') == {
        "board.drop": "D",
        "meeting.decide": "D",
    }
    # Swapping two keys is not a clash.
    swapped = '[keys]\n"board.drop" = "r"\n"board.restore" = "d"'
    assert parse_user_keys(swapped) == {"board.drop": "r", "board.restore": "d"}


def test_keys_a_terminal_sends_as_other_keys_are_refused_as_those() -> None:
    """Ctrl+P in capitals is still the palette; Shift+K arrives as K (move up), Ctrl+I
    as Tab, Ctrl+M as Enter: each is refused as the key it arrives as."""
    cases = {
        '[keys]\n"board.new_stakeholder" = "ctrl+P"': "kept for the command palette",
        '[keys]\n"board.drop" = "shift+k"': '"K" is bound twice on the board screen',
        '[keys]\n"board.new_block" = "ctrl+i"': "kept for the next column or field",
        '[keys]\n"board.new_block" = "ctrl+m"': "is bound twice on the board screen",
        '[keys]\n"board.drop" = ","': 'write "comma"',
    }
    for text, why in cases.items():
        with pytest.raises(keys_error()) as raised:
            parse_user_keys(text)
        assert why in str(raised.value), (text, str(raised.value))
    assert parse_user_keys('[keys]\n"board.drop" = "F5"') == {"board.drop": "f5"}
    assert parse_user_keys('[keys]\n"board.drop" = "shift+x"') == {"board.drop": "X"}


def keys_error() -> type[Exception]:
    from planboard.ui.keyfile import KeysFileError

    return KeysFileError


def test_the_help_shows_a_remapped_key() -> None:
    rows = dict((what, keys_) for _, section in help_sections("board") for keys_, what in section)
    assert rows["new block"] == "b"
    remapped = help_sections("board", {"board.new_block": "f5,B"})
    rows = dict((what, keys_) for _, section in remapped for keys_, what in section)
    assert rows["new block"] == "F5  B"


async def test_a_remapped_key_does_the_action_and_shows_in_help_and_palette(
    filled: Filled, keys_file: Path
) -> None:
    keys_file.write_text('[keys]\n"board.new_block" = "f5"\n', encoding="utf-8")
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        assert not toasts(app)
        footer = [str(getattr(key, "key", "")) for key in app.screen.query("BoardFooter FooterKey")]
        assert footer.index("f5") < footer.index("m")  # in its usual place, not last
        shown = {
            str(getattr(key, "key", "")): str(key.render())
            for key in app.screen.query("BoardFooter FooterKey")
        }
        assert shown["f5"].split()[0] == "F5"  # as the help writes it, not "f5"
        await pilot.press("b")  # the old key does nothing now
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)  # the new block form
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert ("F5", "new block") in help_rows(app)
        await pilot.press("escape")
        await pilot.pause()
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["block: New"].endswith("· F5")
        assert commands["item: Drop…"].endswith("· d")


async def test_the_historys_hint_says_the_keys_in_use(filled: Filled, keys_file: Path) -> None:
    """Coverage moved to `g`: the footer said "g Coverage", and the hint above it still
    "c coverage" (which did nothing)."""
    keys_file.write_text('[keys]\n"history.coverage" = "g"\n', encoding="utf-8")
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(200, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("H")
        await pilot.pause()
        hint = str(app.screen.query_one("#status").render())
        assert "g coverage" in hint and "c coverage" not in hint, hint
        assert "x compare" in hint and "Enter opens" in hint, hint


async def test_a_bad_file_says_so_on_start_and_keeps_the_usual_keys(
    filled: Filled, keys_file: Path
) -> None:
    text = '[keys]\n"board.new_block" = "f5"\n"board.drop" = "n"\n'
    keys_file.write_text(text, encoding="utf-8")
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        said = toasts(app)
        assert str(keys_file) in said and "bound twice" in said and "usual keys" in said
        assert app.user_keys == {}
        await pilot.press("f5")  # the file's keys are not half applied
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
    assert keys_file.read_text(encoding="utf-8") == text  # the file is left as it was


async def test_a_file_that_is_not_toml_says_so(filled: Filled, keys_file: Path) -> None:
    keys_file.write_bytes(b"[keys\n\xff")
    app = PlanboardApp(filled.store)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        assert "usual keys" in toasts(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert ("b", "new block") in help_rows(app)


def test_a_keys_file_saved_with_a_byte_order_mark_is_read(keys_file: Path) -> None:
    """Notepad saves UTF-8 with a byte order mark: such a file was refused as "not valid
    TOML" at line 1, column 1."""
    from planboard.ui.keyfile import load_user_keys

    keys_file.write_bytes(b"\xef\xbb\xbf" + b'[keys]\r\n"board.new_block" = "f5"\r\n')
    assert load_user_keys(keys_file) == ({"board.new_block": "f5"}, "")


def test_a_keys_file_that_is_a_pipe_or_endless_is_named_and_the_usual_keys_apply(
    tmp_path: Path,
) -> None:
    from planboard.ui.keyfile import MAX_KEYS_FILE, load_user_keys

    pipe = tmp_path / "keys.toml"
    os.mkfifo(pipe)  # reading it would wait for a writer for ever
    keys, problem = load_user_keys(pipe)
    assert keys == {} and "not a regular file" in problem and "usual keys" in problem
    endless = tmp_path / "endless.toml"
    endless.symlink_to("/dev/zero")
    keys, problem = load_user_keys(endless)
    assert keys == {} and "not a regular file" in problem
    huge = tmp_path / "huge.toml"
    huge.write_text("# " + "x" * MAX_KEYS_FILE + "\n")
    keys, problem = load_user_keys(huge)
    assert keys == {} and "too big" in problem
