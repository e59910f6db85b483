"""The types planboard loads at start are `Fields`, `Record` or `Frozen` (core/record.py),
not `@dataclass`es, whose methods were compiled at every start (5.5 ms for the model's
types alone). Each must still behave as the dataclass it replaced: the same repr, the
same equality and hashing, no default shared between two of them, frozen where it was
frozen, and copies and pickles equal to it."""

from __future__ import annotations

import ast
import copy
import dataclasses
import inspect
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from planboard.core import model, opened, rules, schema
from planboard.core.record import Fields, Frozen, Record, set_field
from planboard.ui import app, key
from planboard.ui.board import drag, forms
from planboard.ui.widgets import board_rows

MODULES = (model, rules, schema, opened, key, board_rows, forms, drag, app)
TYPES = [
    value
    for module in MODULES
    for value in vars(module).values()
    if isinstance(value, type) and issubclass(value, Fields) and value.__module__ == module.__name__
]


def _sample(cls: type[Fields]) -> dict[str, Any]:
    """A value made up for each field (what a default gives is tested apart)."""
    names = inspect.signature(cls).parameters
    return {name: f"{name}-{n}" if n % 2 else n + 1 for n, name in enumerate(names)}


def _as_dataclass(cls: type[Fields]) -> Any:
    """The dataclass this type stands for: the same fields, defaults and kind."""
    fields = []
    for name, parameter in inspect.signature(cls).parameters.items():
        if parameter.default is inspect.Parameter.empty:
            fields.append((name, Any))
        else:
            fields.append((name, Any, dataclasses.field(default=parameter.default)))
    return dataclasses.make_dataclass(
        cls.__qualname__,
        fields,
        eq=issubclass(cls, Record),
        frozen=issubclass(cls, Frozen),
    )


def test_every_type_loaded_at_start_is_found() -> None:
    names = {cls.__name__ for cls in TYPES}
    assert {"Item", "Place", "Board", "Change", "Key", "Group", "Row", "Opened"} <= names
    assert len(TYPES) == 25


@pytest.mark.parametrize("cls", TYPES, ids=lambda cls: cls.__name__)
def test_each_type_is_what_its_dataclass_was(cls: type[Fields]) -> None:
    values = _sample(cls)
    ours, theirs = cls(**values), _as_dataclass(cls)(**values)
    assert repr(ours) == repr(theirs)
    assert tuple(values) == cls._names  # (the fields in their order)
    again = cls(**values)
    if issubclass(cls, Record):
        assert ours == again
        assert not ours != again  # noqa: SIM202 (`__ne__` too)
        assert ours != theirs  # (another type, even with the same fields)
    else:
        assert ours != again and ours == ours  # (equal to itself only)
        assert {ours: 1}.get(again) is None
    if issubclass(cls, Frozen):
        assert hash(ours) == hash(again) == hash(theirs)
        assert {ours: 1}[again] == 1
        first = cls._names[0]
        with pytest.raises(AttributeError, match="frozen"):
            setattr(ours, first, "other")
        with pytest.raises(AttributeError, match="frozen"):
            delattr(ours, first)
        assert getattr(ours, first) == values[first]
    elif issubclass(cls, Record):
        with pytest.raises(TypeError, match="unhashable"):
            hash(ours)
    assert not hasattr(ours, "__dict__")  # (slots: no attribute made by a typo)


@pytest.mark.parametrize("cls", TYPES, ids=lambda cls: cls.__name__)
def test_copies_pickles_and_replaced(cls: type[Fields]) -> None:
    values = _sample(cls)
    ours = cls(**values)
    for twin in (copy.copy(ours), copy.deepcopy(ours)):
        assert type(twin) is cls and twin is not ours
        assert cls._fields(twin) == cls._fields(ours)
    name = cls._names[-1]
    changed = ours.replaced(**{name: "changed"})
    assert getattr(changed, name) == "changed" and getattr(ours, name) == values[name]
    with pytest.raises(TypeError, match="no field 'nonsense'"):
        ours.replaced(nonsense=1)


def test_records_pickle_as_themselves() -> None:
    item = model.Item(7, 1, None, "Churn model", effort=2.5, status="dropped")
    place = model.Place("block", 3)
    change = model.Change("Moved", frozenset({place}), item_id=7)
    for value in (item, place, change, model.PlaceWidths()):
        assert pickle.loads(pickle.dumps(value)) == value


def test_no_two_records_share_a_default() -> None:
    quarter = model.Quarter(1, "2026-Q3", "preparing", "", "")
    one, two = model.Board(quarter, [], [], {}), model.Board(quarter, [], [], {})
    one.merged[1] = []
    one.asked[1] = 1
    one.line_widths[model.Place.team()] = model.PlaceWidths()
    assert two.merged == {} and two.asked == {} and two.line_widths == {}
    first, second = model.PlaceWidths(), model.PlaceWidths()
    first.plain[3] += 1
    first.other.append(("x", None))
    assert second.plain == {} and second.other == []
    event = model.Event(1, "", None, "move_item", "", False)
    event.payload["x"] = 1
    assert model.Event(2, "", None, "move_item", "", False).payload == {}
    group = board_rows.Group(model.Place.team(), "Team")
    group.items.append(model.Item(1, 1, None, "x"))
    assert board_rows.Group(model.Place.team(), "Team").items == []


def test_a_type_whose_slots_are_not_its_fields_is_refused() -> None:
    with pytest.raises(TypeError, match="slots must be its __init__'s parameters"):

        class Wrong(Record):
            __slots__ = ("a", "b")

            def __init__(self, a: int, c: int) -> None:
                self.a = a
                self.b = c

    class Right(Frozen):
        __slots__ = ("a", "b")

        def __init__(self, a: int, b: int = 2) -> None:
            set_field(self, "a", a)
            set_field(self, "b", b)

    assert (
        repr(Right(1))
        == "test_a_type_whose_slots_are_not_its_fields_is_refused.<locals>.Right(a=1, b=2)"
    )


def test_nothing_loaded_at_start_is_a_dataclass() -> None:
    # The modules the board's start loads (the command and the screens): none of them
    # may define a `@dataclass`, whose methods are compiled at every start.
    code = (
        "import sys, planboard.cli, planboard.cli.board, planboard.ui.app\n"
        "print('\\n'.join(m.__file__ for n, m in sys.modules.items()"
        " if n.startswith('planboard') and getattr(m, '__file__', None)))"
    )
    files = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(files) > 40
    decorated = []
    for file in files:
        tree = ast.parse(Path(file).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    if "dataclass" in ast.unparse(target):
                        decorated.append(f"{Path(file).name}: {node.name}")
    assert decorated == []
