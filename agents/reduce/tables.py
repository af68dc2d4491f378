"""The registry of state tables: one :class:`Table` per table, from which everything else derives.

A table is its row model (:class:`schemas.state.Row`, which names the table, gives a row's key and
the headline its changes carry), the row an event goes to in it (from the event's fields), how a
row is built and grown from facts, how its audit lists them and how the API names its rows. The
schemas, which import nothing of ``agents``, know a table by its row model alone (declaring it
enters its name in :data:`schemas.state.TABLES`, which a :class:`~schemas.change.Change` is checked
against); the CLI's and the API's choices and routes, the exports, the Kafka tables and changelog
topics, replay and the reduce step of both runtimes read this registry. alliances and zones are
entered by :mod:`agents.reduce.standard`; another table is a module whose ``TABLES`` lists it, named
in the ``ENTENTE_TABLES`` setting so that every process (the CLI, the API, each worker) registers it
when it starts (:func:`load`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from agents.reduce.facts import canonical, find
from schemas.state import Fact, Headline, Row


class Held(Protocol):
    """A row as the reduce step holds it: the row and what its build computed that growing reuses."""

    @property
    def table(self) -> str: ...

    @property
    def key(self) -> str: ...

    @property
    def state(self) -> Row: ...


class Growth(Protocol):
    """A held row taking facts a few at a time, made a held row again at the end (:func:`growing`)."""

    def add(self, new: Sequence[Fact]) -> bool | None:
        """Add ``new`` facts: ``None`` if they change none of the row's facts, else whether they
        change its summary (always, when one is new to the row)."""
        ...

    def headline(self) -> Headline:
        """The headline of the row grown so far."""
        ...

    def added(self) -> dict[str, Fact]:
        """The facts added or changed so far, by event id: what a store appends."""
        ...

    def done(self) -> Held:
        """The row grown; the one given if no fact changed."""
        ...


HIDDEN = ("facts", "schema_version")
"""The fields of a row its public view leaves out."""
Build = Callable[[str, tuple[Fact, ...], dt.date | None], Row]
"""The row of a key holding exactly some facts (canonical), scored relative to a day."""
Audit = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Whole:
    """A row held as it is: grown by building it again from all its facts (see :func:`grow`)."""

    table: str
    key: str
    state: Row


class Rebuilt:
    """The growth of a :class:`Whole` row: built again from all its facts at each :meth:`add`."""

    __slots__ = ("_added", "_build", "_row")

    def __init__(self, row: Held, build: Build) -> None:
        self._row, self._build = row, build
        self._added: dict[str, Fact] = {}

    def add(self, new: Sequence[Fact]) -> bool | None:
        row = self._row
        held = row.state.facts
        facts = canonical([*held, *new])
        if facts == held:
            return None
        state = self._build(row.key, facts, row.state.as_of)
        self._row = Whole(row.table, row.key, state)
        unheld = False  # whether one of ``new`` is new to the row
        for item in new:
            was = find(held, item.event_id)
            unheld = unheld or was is None
            if (kept := find(facts, item.event_id)) != was:
                self._added[item.event_id] = kept
        return unheld or not same_summary(row.state, state)

    def headline(self) -> Headline:
        return self._row.state.headline()

    def added(self) -> dict[str, Fact]:
        return self._added

    def done(self) -> Held:
        return self._row


def same_summary(first: Row, second: Row) -> bool:
    """Whether two rows of one table have the same summary (all but their facts)."""
    one, other = first.__dict__, second.__dict__
    return all(one[name] == other[name] for name in one if name != "facts")


@dataclass(frozen=True)
class Api:
    """How the HTTP API names a table's rows: ``GET /{table}`` lists them, ``GET /{table}/{params}``
    gives one with its audit, under ``one``."""

    one: str
    """What a row is called in a reply (``{one: view, "why": audit}``)."""
    listing: str
    """What the listing holds, for the API's documents."""
    detail: str
    """What the one row's reply holds."""
    params: tuple[tuple[str, str], ...]
    """The path parameters that name a row, each with its description."""
    key: Callable[..., str]
    """The key of the row the parameters name (in order); :class:`ValueError` if they name none."""
    view: str
    """What a row's view is, for the API's documents."""


@dataclass(frozen=True)
class Table:
    """A state table: see the module's docstring. ``grown``/``growing`` default to building the row
    again from all its facts (:class:`Whole`, :class:`Rebuilt`); ``why``/``strongest``/``ranked``
    default to listing the facts by date (:mod:`agents.reduce.audit`)."""

    model: type[Row]
    route: Callable[[Mapping[str, Any]], str | None]
    """The key of the row an event goes to, from its fields (:func:`agents.speed.fields`), or none."""
    build: Build
    api: Api
    grown: Callable[[str, str, tuple[Fact, ...], dt.date | None], Held] | None = None
    """As :func:`grown`, for a table that keeps more than the row to grow it by."""
    growing: Callable[[Held], Growth] | None = None
    """As :func:`growing`, for a table whose ``grown`` keeps more than the row."""
    why: Callable[[Row], Audit] | None = None
    strongest: Callable[[Row, int | None], Audit] | None = None
    ranked: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None

    @property
    def name(self) -> str:
        """The table's name, as its row model declares it."""
        return self.model.TABLE

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields of a row's public view (the API's and the exports'), in order."""
        return tuple(name for name in self.model.model_fields if name not in HIDDEN)


_REGISTRY: dict[str, Table] = {}


def register(table: Table) -> Table:
    """Enter ``table`` in the registry (again: no change) and return it; a name is one table's only."""
    if _REGISTRY.setdefault(table.name, table) is not table:
        raise ValueError(f"table {table.name!r} is registered already")
    return table


def get(name: str) -> Table:
    """The table ``name``; :class:`ValueError` naming the tables there are when there is none."""
    found = _REGISTRY.get(name)
    if found is None:
        raise ValueError(f"unknown table {name!r}; expected one of {', '.join(_REGISTRY)}")
    return found


def names() -> tuple[str, ...]:
    """The names of every registered table, in the order they were registered."""
    return tuple(_REGISTRY)


def every() -> tuple[Table, ...]:
    """Every registered table, in the order they were registered."""
    return tuple(_REGISTRY.values())


@contextlib.contextmanager
def registered(table: Table) -> Iterator[Table]:
    """``table`` registered until the block ends (for a tool or a test that adds a table for a while)."""
    register(table)
    try:
        yield table
    finally:
        del _REGISTRY[table.name]


def load(modules: Iterable[str]) -> None:
    """Register the tables each of ``modules`` lists in its ``TABLES`` (the ``ENTENTE_TABLES``
    setting); a module that cannot be imported or lists no tables is a :class:`ValueError` naming it."""
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise ValueError(f"input={name} reason=cannot import the table module: {exc}") from exc
        listed = getattr(module, "TABLES", None)
        if not isinstance(listed, tuple) or not all(isinstance(table, Table) for table in listed):
            raise ValueError(f"input={name} reason=the module has no TABLES, a tuple of tables to register")
        for table in listed:
            register(table)


def keys_from(fields: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The rows (``(table, key)``) of the event whose fields are ``fields``, one per table at most."""
    out = []
    for table in _REGISTRY.values():
        key = table.route(fields)
        if key is not None:
            out.append((table.name, key))
    return out


def build(table: str, key: str, facts: tuple[Fact, ...], as_of: dt.date | None) -> Row:
    """The row ``table[key]`` holding exactly ``facts`` (canonical), scored relative to ``as_of``."""
    return get(table).build(key, facts, as_of)


def grown(table: str, key: str, facts: tuple[Fact, ...], as_of: dt.date | None = None) -> Held:
    """The row ``table[key]`` holding ``facts`` (canonical), built whole, as the reduce step holds it."""
    spec = get(table)
    if spec.grown is not None:
        return spec.grown(table, key, facts, as_of)
    return Whole(table, key, spec.build(key, facts, as_of))


def growing(row: Held) -> Growth:
    """``row`` to grow by a few facts at a time: the reduce step takes an event at a time, and
    makes the row once, at the end."""
    spec = get(row.table)
    if spec.growing is not None:
        return spec.growing(row)
    return Rebuilt(row, spec.build)


def grow(row: Held, new: Sequence[Fact]) -> Held:
    """``row`` with ``new`` facts added: the row :func:`build` gives for all of them; ``row`` itself
    when they change none of its facts."""
    growth = growing(row)
    growth.add(new)
    return growth.done()
