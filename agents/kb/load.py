"""Build the :class:`KnowledgeBase` from the package's data files, pycountry and user files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pycountry
import yaml

from agents.kb.cache import cached
from agents.kb.fold import name_form
from agents.kb.model import Actor, KnowledgeBase, Name, Person, Tenure, Zone, is_case_sensitive
from agents.kb.places import load_places

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The C implementation of the safe loader when libyaml is there."""

DATA_FILES = (
    "actors.states.yaml",
    "actors.demonyms.yaml",
    "actors.groups.yaml",
    "actors.international.yaml",
    "actors.leaders.yaml",
    "actors.world.yaml",
    "actors.groupings.yaml",
    "zones.yaml",
    "zones.world.yaml",
)
"""The package's hand-listed data files, in load order."""

GENERATED_FILES = ("actors.leaders.generated.yaml", "actors.groups.generated.yaml")
"""The files ``python -m agents.kb.build`` writes from pinned public sources, loaded last."""


class KnowledgeBaseError(ValueError):
    """A data file is malformed or contradicts another one."""


def _require(value: object, kind: type, where: str) -> Any:
    if not isinstance(value, kind):
        raise KnowledgeBaseError(f"{where}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise KnowledgeBaseError(f"{where}: not an ISO date: {value!r}") from exc


class _Builder:
    """Collects actors, people, zones and names, checking each as it comes."""

    def __init__(self) -> None:
        self.actors: dict[str, Actor] = {}
        self.people: dict[str, Person] = {}
        self.zones: dict[str, Zone] = {}
        self.names: dict[tuple[str, bool], Name] = {}
        self.sources: list[str] = []
        self.alternatives: dict[str, tuple[str, ...]] = {}
        self.groupings: dict[str, tuple[str, ...]] = {}

    def actor(self, actor: Actor, where: str, *, replace: bool = False) -> None:
        if actor.id in self.actors and not replace:
            raise KnowledgeBaseError(f"{where}: duplicate actor id {actor.id!r}")
        self.actors[actor.id] = actor

    def name(self, text: str, kind: str, ref: str, where: str) -> None:
        text = name_form(str(text))
        if not text:
            raise KnowledgeBaseError(f"{where}: empty name for {ref!r}")
        sensitive = is_case_sensitive(text, kind)
        key = (text if sensitive else text.lower(), sensitive)
        name = Name(text=text, kind=kind, ref=ref, case_sensitive=sensitive)  # type: ignore[arg-type]
        known = self.names.get(key)
        if known is not None and known.ref != ref:
            raise KnowledgeBaseError(
                f"{where}: name {text!r} claimed by {known.kind} {known.ref!r} and {kind} {ref!r}"
            )
        if known is None or known.kind == "adjective":  # a noun form also serves as an adjective
            self.names[key] = name

    def demonym_plurals(self) -> None:
        """A state's people in the plural stand for the state ("the Ukrainians", "the Israelis"):
        each one-word adjective in "-an" or "-i" gives a name in "-s" that nothing else claims."""
        for name in list(self.names.values()):
            text = name.text
            if name.kind == "adjective" and text.isalpha() and text.endswith(("an", "i")):
                plural = f"{text}s"
                if (plural.lower(), False) not in self.names and (plural, True) not in self.names:
                    self.name(plural, "name", name.ref, f"plural of {text!r}")

    def build(self) -> KnowledgeBase:
        self.demonym_plurals()
        for name in self.names.values():
            if name.kind in ("name", "adjective") and name.ref not in self.actors:
                raise KnowledgeBaseError(f"name {name.text!r} refers to unknown actor {name.ref!r}")
        for person in self.people.values():
            for tenure in person.tenures:
                if tenure.actor not in self.actors:
                    raise KnowledgeBaseError(
                        f"person {person.id!r}: tenure for unknown actor {tenure.actor!r}"
                    )
        for text, others in self.alternatives.items():
            for other in others:
                if other not in self.actors:
                    raise KnowledgeBaseError(f"name {text!r}: alternative names unknown actor {other!r}")
        for grouping, members in self.groupings.items():
            for member in members:
                if member not in self.actors:
                    raise KnowledgeBaseError(f"grouping {grouping!r}: unknown member {member!r}")
        ordered = sorted(self.names.values(), key=lambda n: (n.kind, n.ref, n.text))
        return KnowledgeBase(
            self.actors,
            self.people,
            self.zones,
            tuple(ordered),
            tuple(self.sources),
            self.alternatives,
            load_places(),
            self.groupings,
        )


def _countries() -> Iterator[tuple[str, str, list[str]]]:
    """(alpha-3, name, names to match) for every ISO 3166 state; inverted forms ("Korea, Republic of")
    and qualified ones ("Holy See (Vatican City State)") are not matched."""
    for country in pycountry.countries:
        names = [getattr(country, attr, None) for attr in ("common_name", "name", "official_name")]
        usable = [n for n in names if n and "," not in n and "(" not in n]
        yield country.alpha_3, next(n for n in names if n), list(dict.fromkeys(usable))


def _load_states(builder: _Builder, doc: dict[str, Any], where: str) -> None:
    states = _require(doc.get("states", {}), dict, f"{where}: states")
    for state_id, entry in states.items():
        entry = _require(entry or {}, dict, f"{where}: {state_id}")
        if state_id not in builder.actors:
            names = entry.get("names") or [state_id]
            builder.actor(Actor(state_id, str(names[0]), "state"), where)
        for text in entry.get("names", []) or []:
            builder.name(text, "name", state_id, f"{where}: {state_id}")
        for text in entry.get("adjectives", []) or []:
            builder.name(text, "adjective", state_id, f"{where}: {state_id}")


def _load_listed(builder: _Builder, doc: dict[str, Any], where: str, key: str, kind: str) -> None:
    for i, entry in enumerate(_require(doc.get(key, []), list, f"{where}: {key}")):
        entry = _require(entry, dict, f"{where}: {key}[{i}]")
        actor_id = str(_require(entry.get("id"), str, f"{where}: {key}[{i}].id"))
        countries = tuple(
            str(c) for c in _require(entry.get("countries") or [], list, f"{where}: {actor_id}")
        )
        describes = tuple(
            str(c) for c in _require(entry.get("describes") or [], list, f"{where}: {actor_id}.describes")
        )
        name = str(entry.get("name", actor_id))
        builder.actor(Actor(actor_id, name, kind, countries, describes), where)  # type: ignore[arg-type]
        for text in [entry.get("name", actor_id), *(entry.get("aliases") or [])]:
            builder.name(text, "name", actor_id, f"{where}: {actor_id}")
        shared = _require(entry.get("means_when_named") or {}, dict, f"{where}: {actor_id}.means_when_named")
        for other, texts in shared.items():
            for text in _require(texts, list, f"{where}: {actor_id}.means_when_named.{other}"):
                builder.name(text, "name", actor_id, f"{where}: {actor_id}")
                key = name_form(str(text)).lower()
                builder.alternatives[key] = (*builder.alternatives.get(key, ()), str(other))


def _load_people(builder: _Builder, doc: dict[str, Any], where: str) -> None:
    for i, entry in enumerate(_require(doc.get("people", []), list, f"{where}: people")):
        entry = _require(entry, dict, f"{where}: people[{i}]")
        person_id = str(_require(entry.get("id"), str, f"{where}: people[{i}].id"))
        at = f"{where}: {person_id}"
        if person_id in builder.people:
            raise KnowledgeBaseError(f"{at}: duplicate person id")
        tenures = []
        for j, raw in enumerate(_require(entry.get("tenures"), list, f"{at}.tenures")):
            raw = _require(raw, dict, f"{at}.tenures[{j}]")
            start = _date(raw.get("start"), f"{at}.tenures[{j}].start")
            end = _date(raw["end"], f"{at}.tenures[{j}].end") if raw.get("end") else None
            if end is not None and end <= start:
                raise KnowledgeBaseError(f"{at}.tenures[{j}]: ends before it starts")
            tenures.append(Tenure(str(raw.get("actor")), start, end, str(raw.get("role", ""))))
        if not tenures:
            raise KnowledgeBaseError(f"{at}: no tenure")
        builder.people[person_id] = Person(person_id, str(entry.get("name", person_id)), tuple(tenures))
        for text in [entry.get("name", person_id), *(entry.get("aliases") or [])]:
            builder.name(text, "person", person_id, at)


def _load_zones(builder: _Builder, doc: dict[str, Any], where: str) -> None:
    for i, entry in enumerate(_require(doc.get("zones", []), list, f"{where}: zones")):
        entry = _require(entry, dict, f"{where}: zones[{i}]")
        zone_id = str(_require(entry.get("id"), str, f"{where}: zones[{i}].id"))
        if zone_id in builder.zones:
            raise KnowledgeBaseError(f"{where}: duplicate zone id {zone_id!r}")
        at = entry.get("at") or [None, None]
        if len(at) != 2 or not all(c is None or isinstance(c, int | float) for c in at):
            raise KnowledgeBaseError(f"{where}: {zone_id}: at must be [latitude, longitude]")
        state = str(entry.get("state", doc.get("state", "")))
        coded = bool(doc.get("coded", False))
        builder.zones[zone_id] = Zone(zone_id, str(entry.get("name", zone_id)), state, *at, coded=coded)
        for text in [entry.get("name", zone_id), *(entry.get("aliases") or [])]:
            builder.name(text, "zone", zone_id, f"{where}: {zone_id}")
    for text in _require(doc.get("no_zone", []), list, f"{where}: no_zone"):
        builder.name(text, "no_zone", "-", f"{where}: no_zone")


def _load_groupings(builder: _Builder, doc: dict[str, Any], where: str) -> None:
    for i, entry in enumerate(_require(doc.get("groupings", []), list, f"{where}: groupings")):
        entry = _require(entry, dict, f"{where}: groupings[{i}]")
        grouping = str(_require(entry.get("id"), str, f"{where}: groupings[{i}].id"))
        members = _require(entry.get("members"), list, f"{where}: {grouping}.members")
        if grouping in builder.groupings:
            raise KnowledgeBaseError(f"{where}: duplicate grouping id {grouping!r}")
        builder.groupings[grouping] = tuple(str(m) for m in members)
        for text in _require(entry.get("aliases") or [], list, f"{where}: {grouping}.aliases"):
            builder.name(text, "grouping", grouping, f"{where}: {grouping}")


_LOADERS = {
    "states": _load_states,
    "groups": lambda b, d, w: _load_listed(b, d, w, "groups", "group"),
    "organisations": lambda b, d, w: _load_listed(b, d, w, "organisations", "organisation"),
    "people": _load_people,
    "zones": _load_zones,
    "groupings": _load_groupings,
}


def _load_document(builder: _Builder, text: str, where: str) -> None:
    try:
        doc = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{where}: invalid YAML: {exc}") from exc
    doc = _require(doc, dict, where)
    kind = doc.get("kind")
    if kind not in _LOADERS:
        raise KnowledgeBaseError(f"{where}: unknown kind {kind!r} (expected one of {sorted(_LOADERS)})")
    _LOADERS[kind](builder, doc, where)
    builder.sources.append(where)


def _data_texts(extra_paths: tuple[str, ...]) -> list[tuple[str, str]]:
    data = resources.files("agents.kb") / "data"
    texts = [(name, (data / name).read_text(encoding="utf-8")) for name in (*DATA_FILES, *GENERATED_FILES)]
    return texts + [(path, Path(path).read_text(encoding="utf-8")) for path in extra_paths]


def build_kb(texts: Iterable[tuple[str, str]]) -> KnowledgeBase:
    """The knowledge base from pycountry and the documents ``(where, yaml text)``, in order."""
    builder = _Builder()
    for state_id, title, names in _countries():
        builder.actor(Actor(state_id, title, "state"), "pycountry")
        for text in names:
            builder.name(text, "name", state_id, "pycountry")
    for where, text in texts:
        _load_document(builder, text, where)
    return builder.build()


@lru_cache(maxsize=8)
def _load(extra_paths: tuple[str, ...]) -> KnowledgeBase:
    texts = _data_texts(extra_paths)
    return cached("kb", [t for _, t in texts] + [w for w, _ in texts], lambda: build_kb(texts))


def load_kb(extra_paths: Iterable[str | Path] = ()) -> KnowledgeBase:
    """The knowledge base from the package data plus ``extra_paths`` (same formats); cached in memory
    and, compiled, on disk (see :mod:`agents.kb.cache`)."""
    return _load(tuple(str(p) for p in extra_paths))
