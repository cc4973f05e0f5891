"""Immutable value classes without ``dataclasses``, whose import (it pulls in ``inspect``)
costs a lookup about as much as Python's own start-up."""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import ClassVar, TypeVar, dataclass_transform

    _F = TypeVar("_F", bound="Frozen")

    @dataclass_transform(frozen_default=True, kw_only_default=True)
    def frozen(cls: type[_F]) -> type[_F]: ...
else:

    def frozen(cls: type) -> type:
        """Marks a Frozen subclass (for type checkers, a frozen dataclass)."""
        return cls


class Frozen:
    """An immutable value: equality, hash and repr from its fields (the annotated names).

    Subclasses are decorated with ``@frozen`` and list their fields as annotations (a
    subclass of a subclass adds its own to its base's); for type checkers they are frozen
    keyword-only dataclasses, and a field with a class-level value has that default.
    """

    _fields: "ClassVar[tuple[str, ...]]" = ()

    def __init_subclass__(cls) -> None:
        own = cls.__annotations__  # this class's own (Python 3.10+)
        cls._fields = (*cls._fields, *(name for name in own if name not in cls._fields))

    def __init__(self, **values: object) -> None:
        cls = type(self)
        unknown = values.keys() - set(self._fields)
        missing = [n for n in self._fields if n not in values and not hasattr(cls, n)]
        if unknown or missing:
            raise TypeError(f"{cls.__name__}: unknown {sorted(unknown)}, missing {missing}")
        for name in self._fields:
            object.__setattr__(self, name, values[name] if name in values else getattr(cls, name))

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Frozen)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._fields)
        return f"{type(self).__name__}({fields})"
