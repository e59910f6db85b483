"""The base of the types planboard loads at start: what `@dataclass` would give them,
written once.

`@dataclass` compiles three or four methods for each class it makes, at every start of
the program: for `model`'s 13 types alone, 5.5 ms of planboard's start, before its first
frame. Such a type's fields are the parameters of an `__init__` of its own, which sets
them, each a slot; the rest (a repr, equality field by field, copies, pickles,
`replaced`) is here. A `Record` is not hashable, as a dataclass is not; a `Frozen` one
is, and refuses to change; `Fields` alone equal themselves only.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any, ClassVar, Self, cast


class Fields:
    """A type of named fields: they are its `__init__`'s parameters, each a slot. It has
    a repr, copies and pickles, and `replaced`; it equals itself only (as
    `@dataclass(eq=False)`). `tests/core/test_record.py` holds the types to what
    `@dataclass` gave them."""

    __slots__ = ()
    _names: ClassVar[tuple[str, ...]] = ()
    _fields: ClassVar[attrgetter[tuple[Any, ...]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__init__" not in cls.__dict__:
            return
        code = cls.__dict__["__init__"].__code__
        names = code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount]
        if sorted(names) != sorted(cls.__dict__.get("__slots__", ())) or len(names) < 2:
            raise TypeError(f"{cls.__name__}: its slots must be its __init__'s parameters")
        cls._names = names
        cls._fields = attrgetter(*names)

    def __repr__(self) -> str:
        pairs = zip(self._names, self._fields(self), strict=True)
        return f"{type(self).__qualname__}({', '.join(f'{n}={v!r}' for n, v in pairs)})"

    def __reduce__(self) -> tuple[type[Fields], tuple[Any, ...]]:
        return (type(self), self._fields(self))

    def replaced(self, **changes: Any) -> Self:
        """A copy with these fields changed."""
        fields: dict[str, Any] = dict(zip(self._names, self._fields(self), strict=True))
        unknown = changes.keys() - fields.keys()
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        return cast(Any, type(self))(**(fields | changes))


class Record(Fields):
    """Fields equal to another's of the same type, field by field (as `@dataclass`):
    not hashable, since they may change."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        fields = self._fields
        return fields(self) == fields(other)


class Frozen(Record):
    """A record whose fields never change once made: hashable, a dict's key."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: {type(self).__name__} is frozen")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: {type(self).__name__} is frozen")

    def __hash__(self) -> int:
        return hash(self._fields(self))


set_field = object.__setattr__  # (how a frozen record's `__init__` sets its fields)
