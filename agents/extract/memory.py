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


CLAIMS = frozenset({PloverType.ACCUSE, PloverType.PROTEST})
"""Types of the claims and complaints a later denial answers."""


@dataclass
class Claims:
    """Who accused or complained of whom, and who claimed something, in the last sentences: whom a
    denial with no named target answers ("Peru accused Chile of the raid. Chile denied the claim"
    rejects Peru; so does "Peru claimed the raid killed ten. Chile denied it")."""

    span: int
    against: dict[str, tuple[str, int]] = field(default_factory=dict)
    claimants: tuple[str, ...] = ()
    """Who claims something in the sentence being read, stated as claims once it is recorded."""
    last: tuple[tuple[str, ...], int] = ((), 0)

    def record(self, index: int, events: list[Event]) -> None:
        """Remember the claimant of each claim a sentence states against its target, and who claimed."""
        for event in events:
            if event.type in CLAIMS and event.target:
                self.against[event.target] = (event.source, index)
        if self.claimants:
            self.last = (self.claimants, index)
            self.claimants = ()

    def expire(self, index: int) -> None:
        """Forget claims more than ``span`` sentences old."""
        self.against = {t: (c, since) for t, (c, since) in self.against.items() if index - since < self.span}
        if index - self.last[1] >= self.span:
            self.last = ((), index)

    def answered(self, deniers: list[str]) -> list[str]:
        """The claimants a denial by ``deniers`` answers: of the last claim against each, else the
        last who claimed anything."""
        against = [c for d in deniers if d in self.against and (c := self.against[d][0]) not in deniers]
        return against or [c for c in self.last[0] if c not in deniers]
