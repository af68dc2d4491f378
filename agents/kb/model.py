"""The knowledge base's immutable model: actors, people with tenures, zones, and their names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from agents.kb.fold import name_form

ActorKind = Literal["state", "group", "organisation"]
NameKind = Literal["name", "adjective", "person", "zone", "no_zone", "grouping"]


@dataclass(frozen=True)
class Actor:
    """A canonical actor: an ISO alpha-3 state, an armed or political group, or an organisation."""

    id: str
    name: str
    kind: ActorKind
    countries: tuple[str, ...] = ()
    """For a group or breakaway authority: the states (alpha-3) it acts in."""
    describes: tuple[str, ...] = ()
    """Classes of descriptions ("rebels") that mean this group in an article about one of its
    countries that names no other fitting group."""


@dataclass(frozen=True)
class Tenure:
    """A period during which a person acts for an actor; ``end`` is None while in office."""

    actor: str
    start: dt.date
    end: dt.date | None = None
    role: str = ""

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls within the tenure."""
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Person:
    """Someone who acts for actors over tenures."""

    id: str
    name: str
    tenures: tuple[Tenure, ...]

    def actor_on(self, day: dt.date | None) -> str | None:
        """The actor the person acts for on ``day``; undated, only when every tenure agrees."""
        if day is None:
            actors = {tenure.actor for tenure in self.tenures}
            return actors.pop() if len(actors) == 1 else None
        for tenure in self.tenures:
            if tenure.covers(day):
                return tenure.actor
        return None


@dataclass(frozen=True)
class Zone:
    """A zone: one of the guidelines' Syrian zones or a contested area of another conflict, in ``state``
    (alpha-3; empty for waters and areas no one state holds), with the coordinates of its centre."""

    id: str
    name: str
    state: str = ""
    latitude: float | None = None
    longitude: float | None = None
    coded: bool = False
    """Whether the annotation guidelines code events with this zone (the Syrian zones)."""


@dataclass(frozen=True)
class Place:
    """A first-level subdivision or a city: it locates events and never acts."""

    name: str
    state: str
    kind: Literal["subdivision", "city"]
    code: str
    latitude: float | None = None
    longitude: float | None = None
    population: int = 0


@dataclass(frozen=True)
class Name:
    """One surface form and what it names; ``ref`` is an actor, person or zone id."""

    text: str
    kind: NameKind
    ref: str
    case_sensitive: bool = False


def is_case_sensitive(text: str, kind: str = "name") -> bool:
    """Names with an all-capital word ("IS", "US", "HTS militants") only match with their case, and so
    does a person's one-word capitalised name ("Rama", "May"), which could be a common word."""
    if kind == "person" and " " not in text and text[:1].isupper():
        return True
    return any(len(word) >= 2 and word.isupper() for word in text.replace(".", "").split())


@dataclass(frozen=True)
class KnowledgeBase:
    """Every actor, person, zone and name the extractor knows; build it with :func:`agents.kb.load_kb`."""

    actors: Mapping[str, Actor]
    people: Mapping[str, Person]
    zones: Mapping[str, Zone]
    names: tuple[Name, ...]
    sources: tuple[str, ...] = field(default=())
    alternatives: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Lower-cased names that mean another actor in an article naming only that one outright
    ("Kurdish forces" is the YPG, but the SDF in an article that names the SDF and not the YPG)."""
    places: Mapping[str, tuple[Place, ...]] = field(default_factory=dict)
    """Subdivisions and cities by lower-cased folded name, most populous first; never actors."""
    groupings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Named groupings of states the news uses as one actor ("the E3"), by id: the actors they stand for."""

    def __post_init__(self) -> None:
        for attr in ("actors", "people", "zones", "alternatives", "places", "groupings"):
            object.__setattr__(self, attr, MappingProxyType(dict(getattr(self, attr))))

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        mappings = (dict(self.actors), dict(self.people), dict(self.zones))
        rest = (dict(self.alternatives), dict(self.places), dict(self.groupings))
        return (type(self), (*mappings, self.names, self.sources, *rest))

    def locate(self, name: str) -> Place | None:
        """The place a name most likely means (a subdivision, else the most populous city), if known."""
        found = self.places.get(name_form(name).lower(), ())
        return found[0] if found else None

    def resolve(self, name: Name, day: dt.date | None) -> str | None:
        """The actor id a name stands for on ``day`` (people through their tenures)."""
        if name.kind == "person":
            return self.people[name.ref].actor_on(day)
        if name.kind in ("name", "adjective"):
            return name.ref
        return None
