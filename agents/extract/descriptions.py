"""Descriptions ("rebels", "the opposition", "the army") resolved to the actor the article means.

A description takes its actor from a name beside it ("Houthi rebels", "Chinese coast guard ships"),
which the knowledge base's names and adjectives already give; alone, from the article: an armed
group named so far that acts in the country the article is about, that country's opposition
(``<ISO>_OPP``) or its state. Otherwise it names no actor. The words are data (``descriptions`` in
``rules/lexicon.yaml``); what each class of words means is here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from agents.extract.mentions import Mention, dependent_name
from agents.extract.rules import Lexicon
from agents.extract.speakers import quoted
from agents.kb import KnowledgeBase
from agents.kb.fold import name_form

CLASSES = ("armed", "rebels", "separatists", "opposition", "state")
"""``armed``, ``rebels`` and ``separatists``: the groups that the class ``describes`` in the article's
country (the most often named of them so far, else all), else the most often named group so far
that acts there, else the most often named group; ``opposition``:
an ``<ISO>_OPP`` named so far, else the country's; ``state``: the state the article is mainly about."""


@dataclass
class Salience:
    """How often, and how lately, each actor has been named so far."""

    counts: Counter[str] = field(default_factory=Counter)
    latest: dict[str, int] = field(default_factory=dict)

    def add(self, mention: Mention) -> None:
        for actor in mention.actors:
            self.counts[actor] += 1
            self.latest[actor] = self.counts.total()

    def most(self, actors: Iterable[str]) -> str | None:
        """The most often named of ``actors``, the latest named on a tie."""
        return max(actors, key=lambda a: (self.counts[a], self.latest[a]), default=None)


class Describer:
    """Finds descriptions in an article's sentences and gives each the actor the article means."""

    def __init__(self, nlp: Language, kb: KnowledgeBase, lexicon: Lexicon, actor_weight: float) -> None:
        self.actor_weight = actor_weight
        classes = set(lexicon.descriptions) | {c for a in kb.actors.values() for c in a.describes}
        if classes - set(CLASSES):
            raise ValueError(
                f"descriptions: unknown classes {sorted(classes - set(CLASSES))} (expected {CLASSES})"
            )
        self.kb = kb
        self.locative = lexicon.locative_preps
        self.unnamed = lexicon.unnamed_modifiers
        self.place_links = lexicon.place_links
        self.suffixes = lexicon.dependent_suffixes
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for kind, phrases in lexicon.descriptions.items():
            self.matcher.add(kind, [nlp.make_doc(p) for p in sorted(phrases)])
        self.states = frozenset(a.id for a in kb.actors.values() if a.kind == "state")
        adjectives = {(n.text, n.ref) for n in kb.names if n.kind == "adjective"}
        self.peoples = frozenset(
            n.text.lower() for n in kb.names if n.kind == "name" and (n.text[:-1], n.ref) in adjectives
        )
        """ "the Ukrainians": a state's people, which do not make the article about that state."""
        self.defaults: dict[tuple[str, str], tuple[str, ...]] = {}
        for actor in kb.actors.values():
            for kind in actor.describes:
                for country in actor.countries:
                    self.defaults[kind, country] = (*self.defaults.get((kind, country), ()), actor.id)

    def country(self, docs: list[Doc], mentions: list[list[Mention]], zones: Iterable[str]) -> str | None:
        """The state the article is mainly about: where it places things ("in Mali", the places and
        zones it names that lie in a state), then how often it names each state; the first named wins
        a tie."""
        counts: Counter[str] = Counter()
        order: dict[str, int] = {}

        def count(state: str, weight: float) -> None:
            counts[state] += weight
            order.setdefault(state, len(order))

        for doc, found in zip(docs, mentions, strict=True):
            for mention in found:
                if doc[mention.start : mention.end].text.lower() in self.peoples:
                    continue
                for actor in mention.actors:
                    if actor in self.states:
                        count(actor, 1.0 if self._placed(doc, mention) else self.actor_weight)
            taken = {i for m in found for i in range(m.start, m.end)}
            for state, weight in self._places(doc, taken):
                count(state, weight)
        for zone in zones:
            if self.kb.zones[zone].coded and (state := self.kb.zones[zone].state):
                count(state, 1.0)
        return max(counts, key=lambda s: (counts[s], -order[s]), default=None)

    def _placed(self, doc: Doc, mention: Mention) -> bool:
        """ "in Syria", "Syria's Idlib": a state's name as a place."""
        before = doc[mention.start - 1].lower_ if mention.start else ""
        after = doc[mention.end : mention.end + 2]
        return before in self.locative or (
            len(after) == 2 and after[0].lower_ in ("'s", "'") and after[1].text[:1].isupper()
        )

    def _places(self, doc: Doc, taken: set[int]) -> list[tuple[str, float]]:
        """The states of the places a sentence names, each weighed by one over the states a place's
        name may lie in ("Gaza"): runs of capitalised words (with "da", "al" and the like inside), not
        the first word, that name no actor and that the gazetteer knows."""

        def capital(i: int) -> bool:
            return i < len(doc) and i not in taken and doc[i].is_alpha and doc[i].text[:1].isupper()

        def linked(i: int) -> bool:
            return i + 1 < len(doc) and doc[i].lower_ in self.place_links and capital(i + 1)

        out: list[tuple[str, float]] = []
        i = 1
        while i < len(doc):
            if not capital(i):
                i += 1
                continue
            end = i + 1
            while capital(end) or linked(end):
                end += 1 if capital(end) else 2
            states = {place.state for place in self.kb.places.get(name_form(doc[i:end].text).lower(), ())}
            out += [(state, 1 / len(states)) for state in sorted(states)]
            i = end
        return out

    def resolve(self, docs: list[Doc], mentions: list[list[Mention]], country: str | None) -> None:
        """Add to each sentence's mentions (in place) its descriptions that the article resolves; a
        state's name or adjective before a group's description ("Syrian rebels") becomes part of the
        description's mention when the description resolves."""
        article = Salience()
        for mention in (m for found in mentions for m in found):
            article.add(mention)
        salience = Salience()
        for doc, found in zip(docs, mentions, strict=True):
            spans = self._spans(doc, found)
            added: list[Mention] = []
            for mention in sorted(found, key=lambda m: m.start):
                while spans and spans[0][0].start < mention.start:
                    added += self._mention(*spans.pop(0), (salience, article), country)
                salience.add(mention)
            for span, state in spans:
                added += self._mention(span, state, (salience, article), country)
            kept = [m for m in found if not any(a.start <= m.start and m.end <= a.end for a in added)]
            found[:] = sorted(kept + added, key=lambda m: m.start)

    def _spans(self, doc: Doc, found: list[Mention]) -> list[tuple[Span, Mention | None]]:
        """Descriptions that no name gives an actor, in order, each with the state named just before
        it when it describes a group ("Syrian rebels", "Venezuela's opposition"). Not part of a name;
        not after another name or its possessive, across capitalised words ("Syria's army", "the
        SDF's Arab fighters"), unless the name only qualifies ("pro-Russian separatists"); not before a
        name ("the rebel alliance Tahrir al-Sham") or "of" or "from" and a name ("the government of
        Mali"); not an armed group's description in a quotation (a speaker's label); not of an unnamed
        group ("tribal fighters") or a number ("F-16 fighters")."""
        covered = {i: m for m in found for i in range(m.start, m.end)}
        out: list[tuple[Span, Mention | None]] = []
        inside = quoted(doc)
        for span in filter_spans(Span(doc, s, e, label=k) for k, s, e in self.matcher(doc)):
            if self._unnamed(doc, span, covered) or (span.label_ == "armed" and span.start in inside):
                continue  # "terrorists" in a speaker's words is the speaker's label for a foe
            name = self._name_before(doc, span, covered)
            if name is None:
                out.append((span, None))
            elif span.label_ != "state" and not name.person and set(name.actors) <= self.states:
                out.append((span, name))
        return sorted(out, key=lambda s: s[0].start)

    def _unnamed(self, doc: Doc, span: Span, covered: dict[int, Mention]) -> bool:
        if any(i in covered for i in range(span.start, span.end)):
            return True
        previous = doc[span.start - 1] if span.start else None
        if previous is not None and (
            previous.lower_ in self.unnamed or any(c.isdigit() for c in previous.text)
        ):
            return True
        after = span.end + 1 if span.end < len(doc) and doc[span.end].lower_ in ("of", "from") else span.end
        return after in covered

    def _name_before(self, doc: Doc, span: Span, covered: dict[int, Mention]) -> Mention | None:
        before = span.start - 1
        while (
            span.start - before <= 2
            and before >= 0
            and before not in covered
            and doc[before].text[:1].isupper()
        ):
            before -= 1
        if before >= 1 and doc[before].lower_ in ("'s", "'"):
            before -= 1
        name = covered.get(before)
        return None if name is None or dependent_name(doc, name, self.suffixes) else name

    def _mention(
        self, span: Span, state: Mention | None, saliences: tuple[Salience, Salience], country: str | None
    ) -> list[Mention]:
        """The description's mention, over the state named before it if any; none when the article
        gives it no actor (then the state's own mention stays: "Peruvian fighters"). What was named
        so far decides; when that names no fitting actor, what the whole article names does ("the
        insurgency" in a lead that names the group later)."""
        where = state.actors[0] if state else country
        so_far, article = saliences
        actors = self._actors(span.label_, so_far, where) or self._actors(span.label_, article, where)
        start = state.start if state else span.start
        plural = span[-1].lower_.endswith("s") or len(actors) > 1
        return [Mention(start, span.end, actors, "description", plural=plural)] if actors else []

    def _actors(self, kind: str, salience: Salience, country: str | None) -> tuple[str, ...]:
        if kind == "state":
            return (country,) if country else ()
        if kind == "opposition":
            named = [a for a in salience.counts if a.endswith("_OPP") and self._acts_in(a, country)]
            own = f"{country}_OPP" if country and f"{country}_OPP" in self.kb.actors else None
            found = salience.most(named) or own
            return (found,) if found else ()
        defaults = self.defaults.get((kind, country or ""), ())
        groups = [a for a in salience.counts if self.kb.actors[a].kind == "group"]
        named = salience.most(a for a in groups if a in defaults)
        if named or defaults:
            return (named,) if named else defaults
        found = salience.most(a for a in groups if self._acts_in(a, country)) or salience.most(groups)
        return (found,) if found else ()

    def _acts_in(self, actor: str, country: str | None) -> bool:
        countries = self.kb.actors[actor].countries
        return country is None or not countries or country in countries
