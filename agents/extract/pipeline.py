"""Article → events: prepare the text, find candidate sentences, parse them, apply the rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from agents.extract.anchors import next_zone
from agents.extract.blocking import Blocker
from agents.extract.dates import next_story_day
from agents.extract.descriptions import Describer
from agents.extract.events import EventReader
from agents.extract.holders import Holders
from agents.extract.memory import Adversaries, Claims, Parties
from agents.extract.mentions import (
    Context,
    Mention,
    MentionFinder,
    adjacent_groups,
    conj_groups,
    resolve_references,
)
from agents.extract.parties import join_mediators
from agents.extract.roles import RoleFinder
from agents.extract.rules import Rules, load_rules, surface_forms
from agents.extract.tagging import SKIPPED_PIPES, FastTagger
from agents.extract.text import Normalised, Sentence, normalise, sentences, spanned_sentences
from agents.extract.triggers import TriggerFinder
from agents.kb import KnowledgeBase, load_kb
from agents.kb.fold import name_form
from agents.outlets import originating
from schemas import Article
from schemas.event import SYMMETRIC_TYPES, Event, PloverType

EXCLUDED_PIPES = ("ner", "senter")
PARSE_BATCH = 256
"""Sentences per parser batch."""
_COMMENTATOR_NAME = r"((?:[A-Z][\w'-]+ ){0,2}[A-Z][\w'-]+),? (?:an? |the )?(?:[\w-]+ ){0,4}(?:{nouns})\b"
_NAMED_COMMENTATOR = r"\b(?:{nouns}),? (?:[A-Z][\w'-]+ ){0,2}([A-Z][\w'-]+)"


@dataclass
class Prepared:
    """An article made ready for the parse: its sentences, their tokens and names, the candidates."""

    norm: Normalised
    sents: list[Sentence]
    docs: list[Doc]
    raw: list[tuple[list[Mention], list[tuple[int, int, str | None]]]]
    candidates: list[int]
    parsed: dict[int, Doc] = field(default_factory=dict)
    linked: dict[int, list[Mention]] = field(default_factory=dict)
    """Per parsed sentence, the mentions its arguments are linked from, references resolved."""


class SpacyExtractor:
    """Rule-based extractor over a spaCy dependency parse."""

    def __init__(self, nlp: Language, kb: KnowledgeBase, rules: Rules, version: str) -> None:
        self.nlp = nlp
        self.kb = kb
        self.rules = rules
        self.version = version
        self.lexicon = rules.lexicon
        self.finder = MentionFinder(nlp, kb, rules.lexicon)
        self.describer = Describer(nlp, kb, rules.lexicon, rules.scoring.actor_weight)
        self.scoring = rules.scoring
        self.story_span = dt.timedelta(days=rules.scoring.story_span_days)
        self.tagger = FastTagger(
            nlp, frozenset(w for t in rules.triggers for w in (*t.lemmas, *t.object) if "-" in w)
        )
        self.trigger_lemmas = {lemma for rule in rules.triggers for lemma in rule.lemmas}
        self.topic_lemmas = {
            lemma
            for t in rules.triggers
            if t.type in SYMMETRIC_TYPES and "NOUN" in t.pos
            for lemma in t.lemmas
        }
        self.states = frozenset(a.id for a in kb.actors.values() if a.kind == "state")
        self.event_nouns = (
            frozenset(lemma for rule in rules.triggers if "NOUN" in rule.pos for lemma in rule.lemmas)
            - rules.lexicon.agent_nouns
        )
        self.agentive = rules.lexicon.agent_nouns | rules.lexicon.person_nouns | rules.lexicon.group_nouns
        requests = {
            w for r in rules.triggers if r.type == PloverType.REQUEST and "VERB" in r.pos for w in r.lemmas
        }
        self.triggers = TriggerFinder(nlp.vocab, rules, self.trigger_lemmas)
        self.blocker = Blocker(rules.lexicon, requests)
        self.reader = EventReader(
            rules, self.triggers, self.blocker, requests, self.agentive, self.event_nouns, version
        )
        self.forms: dict[str, list[frozenset[str]]] = {}
        for rule in rules.triggers:
            needs = (
                frozenset(
                    form for word in rule.object for form in surface_forms(word, rules.lexicon.irregular)
                )
                if rule.object and not rule.intransitive
                else frozenset()
            )
            for lemma in rule.lemmas:
                for form in surface_forms(lemma, rules.lexicon.irregular):
                    self.forms.setdefault(form, []).append(needs)
        self.sport = re.compile(
            r"\b(?:" + "|".join(map(re.escape, sorted(rules.lexicon.sport_words))) + r")\b", re.IGNORECASE
        )
        self.references = set(rules.lexicon.pronouns) | {
            form for noun in rules.lexicon.group_nouns for form in surface_forms(noun, {})
        }
        nouns = "|".join(
            [*sorted(rules.lexicon.commentator_nouns), *sorted(rules.lexicon.commentator_plurals)]
        )
        self.commentator_before = re.compile(_COMMENTATOR_NAME.replace("{nouns}", nouns))
        self.commentator_after = re.compile(_NAMED_COMMENTATOR.replace("{nouns}", nouns), re.IGNORECASE)
        self.commentator_nouns = tuple(nouns.split("|"))
        self._read: tuple[Article, Prepared] | None = None

    # ------------------------------------------------------------------ entry point

    def extract(self, article: Article) -> list[Event]:
        """Every event the article states, sorted and deterministic."""
        return self.extract_many([article])[0]

    def extract_many(self, articles: Sequence[Article]) -> list[list[Event]]:
        """The events of each article, as :meth:`extract` gives them; the candidate sentences of
        all the articles are parsed in one stream, which the parser runs faster in large batches."""
        prepared = [self._prepare(article) for article in articles]
        queue = [(p, i) for p in prepared for i in p.candidates]
        docs = self.nlp.pipe((p.docs[i] for p, i in queue), disable=SKIPPED_PIPES, batch_size=PARSE_BATCH)
        for (p, i), doc in zip(queue, docs, strict=True):
            p.parsed[i] = self.tagger(doc)
        return [self._assemble(article, p) for article, p in zip(articles, prepared, strict=True)]

    def _prepare(self, article: Article) -> Prepared:
        """Normalise, split, tokenise and find names; choose the sentences to parse."""
        norm = normalise(article.text)
        sents = sentences(norm, article.title, self.scoring.wrapping)
        docs = [self.nlp.make_doc(s.text) for s in sents]
        raw = [self.finder.raw_mentions(doc, article.published) for doc in docs]
        mentions = [r[0] for r in raw]
        self._choose_alternatives(docs, mentions)
        zones = [z for r in raw for _, _, z in r[1] if z is not None]
        country = self.describer.country(docs, mentions, zones)
        self.describer.resolve(docs, mentions, country)
        candidates = self._candidates(docs, [bool(r[0]) for r in raw])
        return Prepared(norm, sents, docs, raw, candidates)

    def _assemble(self, article: Article, prepared: Prepared) -> list[Event]:
        """Read the events off the parsed sentences, in text order, keeping context across them; each
        credited to the outlet the article originates from."""
        norm, sents, docs, raw, parsed = (
            prepared.norm,
            prepared.sents,
            prepared.docs,
            prepared.raw,
            prepared.parsed,
        )
        commentators = self._commentators(sents)
        body_actors = {a for i, s in enumerate(sents) if not s.caption for m in raw[i][0] for a in m.actors}
        context = Context()
        last_zone = self._title_zone(article.title)
        events: dict[tuple[object, ...], Event] = {}
        adversaries = Adversaries(self.scoring.fight_memory)
        parties = Parties(self.scoring.agreement_memory)
        talks = Parties(
            self.scoring.agreement_memory, kinds=frozenset({PloverType.AGREE, PloverType.CONSULT})
        )
        holders = Holders(self.lexicon, self.kb, frozenset(body_actors))
        claims = Claims(self.scoring.claim_memory)
        story_day: dt.date | None = None
        for i, doc in sorted(parsed.items()):
            holders.read(doc, RoleFinder(raw[i][0], self.lexicon, self.agentive, self.event_nouns))
        for i, sent in enumerate(sents):
            doc = parsed.get(i)
            zones = raw[i][1]
            if doc is None:
                context.remember(raw[i][0], adjacent_groups(docs[i], raw[i][0]))
            else:
                mentions = self._mentions(doc, raw[i][0], zones, context)
                prepared.linked[i] = mentions
                found = self.reader.read(
                    doc,
                    sent,
                    mentions,
                    zones,
                    last_zone,
                    commentators,
                    article,
                    norm,
                    adversaries.pairs,
                    parties.actors,
                    holders,
                    story_day,
                    talks.actors,
                    claims,
                )
                joined = join_mediators(doc, [*mentions, *raw[i][0]], found, self.lexicon)
                for event in joined:
                    if sent.caption and not {event.source, event.target or event.source} <= body_actors:
                        continue
                    key = (event.evidence.start, event.type, event.source, event.target)
                    events.setdefault(key, event)
                named = [m for m in mentions if m.kind not in ("pronoun", "group")]
                groups = [g for _, g in conj_groups(doc, mentions)] + [self._participants(e) for e in found]
                context.remember(named, groups, self._subject(doc, mentions))
                context.authored(found)
                adversaries.record(i, found)
                claims.record(i, found)
                parties.record(i, found)
                talks.record(i, joined)
            adversaries.expire(i)
            parties.expire(i)
            claims.expire(i)
            story_day = next_story_day(sent.text, article.published, story_day, self.story_span, doc)
            talks.expire(i)
            last_zone = next_zone(doc, zones, last_zone, self.lexicon.compass_words)
        found = sorted(events.values(), key=lambda e: (e.evidence.start, e.type, e.source, e.target or ""))
        outlet = originating(article)
        return found if outlet is None else [event.model_copy(update={"outlet": outlet}) for event in found]

    def _choose_alternatives(self, docs: list[Doc], mentions: list[list[Mention]]) -> None:
        """Give a description the other actor it may mean when the article names only that one
        outright ("Kurdish forces" in an article about the SDF)."""
        alternatives = self.kb.alternatives
        if not alternatives:
            return
        texts = [
            [name_form(doc[m.start : m.end].text).lower() for m in ms]
            for doc, ms in zip(docs, mentions, strict=True)
        ]
        outright = {
            a
            for ms, ts in zip(mentions, texts, strict=True)
            for m, t in zip(ms, ts, strict=True)
            if t not in alternatives
            for a in m.actors
        }
        for ms, ts in zip(mentions, texts, strict=True):
            for k, (mention, text) in enumerate(zip(ms, ts, strict=True)):
                others = [o for o in alternatives.get(text, ()) if o in outright]
                if others and not outright & set(mention.actors):
                    ms[k] = dataclasses.replace(mention, actors=(others[0],))

    def _subject(self, doc: Doc, mentions: list[Mention]) -> tuple[str, ...]:
        """The actors of the main clause's subject, for "they" in the next sentence."""
        finder = RoleFinder(mentions, self.lexicon, self.agentive, self.event_nouns)
        for tok in doc:
            if tok.dep_ == "ROOT":
                actors, _ = finder.subject(tok)
                return tuple(actors)
        return ()

    def _title_zone(self, title: str | None) -> str | None:
        """The zone the headline names, which the text is about until it names another place."""
        if not title:
            return None
        _, zones = self.finder.raw_mentions(self.nlp.make_doc(normalise(title).text), None)
        real = [z[2] for z in zones if z[2] is not None]
        return real[0] if real else None

    def _candidates(self, docs: list[Doc], named: list[bool]) -> list[int]:
        """Sentences worth parsing: a trigger word (with its required object word, if any) and
        an actor, or a pronoun or group reference shortly after an actor was named; none that
        tells of sport."""
        out = []
        last_named = -10
        for i, doc in enumerate(docs):
            if named[i]:
                last_named = i
            elif i - last_named > self.scoring.reference_window or not any(
                t.lower_ in self.references for t in doc
            ):
                continue
            if self.sport.search(doc.text):
                continue
            words = {t.lower_ for t in doc}
            for word in words & self.forms.keys():
                if any(not needs or needs & words for needs in self.forms[word]):
                    out.append(i)
                    break
        return out

    @staticmethod
    def _participants(event: Event) -> tuple[str, ...]:
        return (event.source, event.target) if event.type in SYMMETRIC_TYPES and event.target else ()

    def _commentators(self, sents: list[Sentence]) -> set[str]:
        names: set[str] = set()
        for sent in sents:
            lower = sent.text.lower()
            if sent.text.isascii() and not any(n in lower for n in self.commentator_nouns):
                continue  # no commentator noun, in any case: neither pattern can match
            for match in self.commentator_before.finditer(sent.text):
                names.add(match.group(1).split()[-1])
            for match in self.commentator_after.finditer(sent.text):
                names.add(match.group(1))
        return names

    def named_in(self, article: Article, evidence: str) -> frozenset[str]:
        """The actors a sentence of ``article`` names or refers to (pronouns, group nouns and
        descriptions resolved as extraction resolves them): what extraction could link as arguments.
        Every sentence is parsed, as if each were a candidate; the last article's reading is kept."""
        if self._read is None or self._read[0] is not article:
            prepared = self._prepare(article)
            prepared.candidates = list(range(len(prepared.docs)))
            docs = self.nlp.pipe(prepared.docs, disable=SKIPPED_PIPES, batch_size=PARSE_BATCH)
            prepared.parsed = {i: self.tagger(doc) for i, doc in enumerate(docs)}
            self._assemble(article, prepared)
            self._read = (article, prepared)
        prepared = self._read[1]
        wanted = normalise(evidence).text.strip()
        spanned = spanned_sentences([s.text for s in prepared.sents], wanted)
        if not spanned:
            doc = self.nlp.make_doc(wanted)
            return frozenset(a for m in self.finder.raw_mentions(doc, article.published)[0] for a in m.actors)
        return frozenset(
            a for i in spanned for m in [*prepared.raw[i][0], *prepared.linked.get(i, [])] for a in m.actors
        )

    # ------------------------------------------------------------------ mentions

    def _mentions(
        self, doc: Doc, raw: list[Mention], zones: list[tuple[int, int, str | None]], context: Context
    ) -> list[Mention]:
        covered = {i: m for m in raw for i in range(m.start, m.end)}
        zone_tokens = {i for start, end, _ in zones for i in range(start, end)}
        kept = [
            self.finder.refine(doc, m)
            for m in raw
            if self.finder.acts(doc, m, covered, self.trigger_lemmas, self.topic_lemmas, zone_tokens)
        ]
        return kept + resolve_references(doc, kept, context, self.lexicon, self.states)


def build_extractor(model: str, version: str) -> SpacyExtractor:
    """Load the spaCy model, the knowledge base and the rules, and compose the extractor."""
    nlp = spacy.load(model, exclude=list(EXCLUDED_PIPES))
    return SpacyExtractor(nlp, load_kb(), load_rules(), version)
