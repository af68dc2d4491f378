"""Discourse memory: who agreed, met or fought in the last sentences, for the sentences after."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.event import Event, PloverType

HOSTILE = frozenset({PloverType.ASSAULT, PloverType.COERCE, PloverType.THREATEN})


@dataclass
class Parties:
    """Who agreed (or, with ``kinds``, met) in the last sentences: the parties to "the deal" an actor
    later opposes, the participants of "the talks" others join."""

    span: int
    actors: tuple[str, ...] = ()
    since: int = 0
    kinds: frozenset[PloverType] = frozenset({PloverType.AGREE})

    def record(self, index: int, events: list[Event]) -> None:
        """Remember the parties of the agreements (or talks) a sentence states."""
        agreed = {a for e in events if e.type in self.kinds for a in (e.source, e.target) if a}
        if agreed:
            self.actors = tuple(sorted(agreed))
            self.since = index

    def expire(self, index: int) -> None:
        """Forget parties more than ``span`` sentences old."""
        if index - self.since >= self.span:
            self.actors = ()


@dataclass
class Adversaries:
    """Who fought whom in the last sentences: the likely party to an attack, capture or
    concession whose other side goes unnamed ("airstrikes continued in the region")."""

    span: int
    pairs: dict[str, str] = field(default_factory=dict)
    since: int = 0

    def record(self, index: int, events: list[Event]) -> None:
        """Remember the hostile pairs a sentence states, forgetting older ones."""
        hostile = [(e.source, target) for e in events if e.type in HOSTILE and (target := e.target)]
        if hostile:
            self.pairs.clear()
            self.since = index
        for source, target in hostile:
            self.pairs[source] = target
            self.pairs.setdefault(target, source)

    def expire(self, index: int) -> None:
        """Forget pairs that are more than ``span`` sentences old."""
        if index - self.since >= self.span:
            self.pairs.clear()
