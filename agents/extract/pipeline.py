"""Article → events: prepare the text, find candidate sentences, parse them, apply the rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from agents.extract.dates import DateMention, find_dates, is_historical, next_story_day
from agents.extract.descriptions import Describer
from agents.extract.holders import Holders
from agents.extract.joint import joint_forces
from agents.extract.mentions import (
    PERSON_NOUNS,
    PRONOUNS,
    VERBAL,
    Context,
    Mention,
    MentionFinder,
    adjacent_groups,
    conj_groups,
    resolve_references,
)
from agents.extract.participants import deal_talks, joined_talks, remembered_parties
from agents.extract.parties import complete_roles, join_mediators, mediators, requested_parties
from agents.extract.roles import RoleFinder, Roles, for_clause, objects_through
from agents.extract.rules import Rules, Trigger, load_rules, surface_forms
from agents.extract.speech import (
    announced_threats,
    appraisal_roles,
    appraising,
    negated,
    obliged,
    promised_threat,
    reported_attackers,
)
from agents.extract.tagging import SKIPPED_PIPES, FastTagger
from agents.extract.territory import entry_into_held_ground
from agents.extract.text import Normalised, Sentence, normalise, sentences
from agents.kb import KnowledgeBase, load_kb
from agents.kb.fold import name_form
from schemas import Article
from schemas.event import SYMMETRIC_TYPES, Event, Evidence, Modality, PloverType

EXCLUDED_PIPES = ("ner", "senter")
PARSE_BATCH = 256
"""Sentences per parser batch."""
POS_GROUPS = {"AUX": "VERB", "PROPN": "NOUN"}
"""Parts of speech that count as another for a rule's ``pos``."""
HOSTILE = frozenset({PloverType.ASSAULT, PloverType.COERCE, PloverType.THREATEN})
COMPLEMENTS = frozenset({"xcomp", "ccomp", "dobj", "nsubjpass", "oprd", "pcomp", "acomp", "conj"})
"""Dependencies by which a clause or noun is what a governing word wants, fears or prevents."""
CONTEXT_TARGETED = frozenset({PloverType.CONCEDE, PloverType.COERCE, PloverType.ASSAULT})
"""Types whose unnamed target is the source's adversary of the last sentences; so is a denial's
(``denial_words``: "denied harming civilians"), whose unnamed source is not."""
OPPOSING = frozenset({PloverType.REJECT, PloverType.PROTEST})
"""Types whose unnamed target, when they oppose an agreement, is the agreement's parties."""
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


@dataclass
class Parties:
    """Who agreed (or, with ``kinds``, met) in the last sentences: the parties to "the deal" an actor
    later opposes, the participants of "the talks" others join."""

    actors: tuple[str, ...] = ()
    since: int = 0
    span: int = 8
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

    pairs: dict[str, str] = field(default_factory=dict)
    since: int = 0
    span: int = 3

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


class SpacyExtractor:
    """Rule-based extractor over a spaCy dependency parse."""

    def __init__(self, nlp: Language, kb: KnowledgeBase, rules: Rules, version: str) -> None:
        self.nlp = nlp
        self.kb = kb
        self.rules = rules
        self.version = version
        self.lexicon = rules.lexicon
        self.speech = rules.lexicon.speech_verbs
        self.finder = MentionFinder(nlp, kb, rules.lexicon)
        self.describer = Describer(nlp, kb, rules.lexicon)
        self.tagger = FastTagger(
            nlp, frozenset(w for t in rules.triggers for w in (*t.lemmas, *t.object) if "-" in w)
        )
        self.trigger_lemmas = {lemma for rule in rules.triggers for lemma in rule.lemmas}
        self.rules_by_word: dict[str, list[Trigger]] = {}
        for rule in rules.triggers:  # in file order; the rank below puts priorities first
            for lemma in rule.lemmas:
                self.rules_by_word.setdefault(lemma, []).append(rule)
        self.verbs_of: dict[PloverType, set[str]] = {}
        for rule in rules.triggers:
            if "VERB" in rule.pos and not rule.object:
                self.verbs_of.setdefault(rule.type, set()).update(rule.lemmas)
        self.requests = {
            w for r in rules.triggers if r.type == PloverType.REQUEST and "VERB" in r.pos for w in r.lemmas
        }
        self.asking = frozenset(self.requests & rules.lexicon.irrealis_heads)
        """Request verbs whose clause is what is asked for ("demanded that the ships leave")."""
        self.rank = {rule.id: (-rule.priority, order) for order, rule in enumerate(rules.triggers)}
        words = sorted(self.trigger_lemmas)
        self.trigger_matcher = Matcher(nlp.vocab)
        self.trigger_matcher.add("TRIGGER", [[{"LEMMA": {"IN": words}}], [{"LOWER": {"IN": words}}]])
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
        self.agentive = rules.lexicon.agent_nouns | PERSON_NOUNS | rules.lexicon.group_nouns
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
        self.references = set(PRONOUNS) | {
            form for noun in rules.lexicon.group_nouns for form in surface_forms(noun, {})
        }
        nouns = "|".join(sorted(rules.lexicon.commentator_nouns)) + "|analysts|experts|professors"
        self.commentator_before = re.compile(_COMMENTATOR_NAME.replace("{nouns}", nouns))
        self.commentator_after = re.compile(_NAMED_COMMENTATOR.replace("{nouns}", nouns), re.IGNORECASE)
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
        sents = sentences(norm, article.title)
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
        """Read the events off the parsed sentences, in text order, keeping context across them."""
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
        adversaries = Adversaries()
        parties = Parties()
        talks = Parties(kinds=frozenset({PloverType.AGREE, PloverType.CONSULT}))
        holders = Holders(self.lexicon)
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
                found = self._events(
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
                parties.record(i, found)
                talks.record(i, joined)
            adversaries.expire(i)
            parties.expire(i)
            story_day = next_story_day(sent.text, article.published, story_day)
            talks.expire(i)
            real_zones = [z for z in zones if z[2] is not None]
            if real_zones:
                last_zone = real_zones[-1][2]
            elif any(z[2] is None for z in zones):
                last_zone = None
        return sorted(events.values(), key=lambda e: (e.evidence.start, e.type, e.source, e.target or ""))

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
            elif i - last_named > 3 or not any(t.lower_ in self.references for t in doc):
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
        spanned = _spanned([s.text for s in prepared.sents], wanted)
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

    # ------------------------------------------------------------------ triggers

    def _triggers(self, doc: Doc) -> list[tuple[Token, Trigger]]:
        """Trigger words found by the rule matcher, each with its best rule and the companion
        rules that also fit it."""
        out: list[tuple[Token, Trigger]] = []
        for start in sorted({start for _, start, _ in self.trigger_matcher(doc)}):
            tok = doc[start]
            pos = POS_GROUPS.get(tok.pos_, tok.pos_)
            candidates = self.rules_by_word.get(tok.lemma_.lower()) or self.rules_by_word.get(tok.lower_, [])
            rules = sorted((r for r in candidates if pos in r.pos), key=lambda r: self.rank[r.id])
            fitting = [rule for rule in rules if self._fits(tok, rule)]
            best = next((rule for rule in fitting if not rule.companion), None)
            out += [(tok, rule) for rule in fitting if rule.companion or rule is best]
        return out

    def _fits(self, tok: Token, rule: Trigger) -> bool:
        """Whether the word's dependents meet the rule's conditions."""
        children = list(tok.children)
        child_lemmas = {c.lemma_.lower() for c in children} | {c.lower_ for c in children}
        if rule.without & child_lemmas:
            return False
        objectless = rule.intransitive and not any(c.dep_ in ("dobj", "nsubjpass") for c in children)
        if (
            rule.object
            and not self._has_object(tok, rule.object)
            and not objectless
            and not self._prep_object(tok, rule)
        ):
            return False
        if rule.xcomp is not None and rule.xcomp != any(c.dep_ == "xcomp" for c in children):
            return False
        if rule.direct_object and any(
            c.dep_ == "dobj" and c.lemma_.lower() in self.lexicon.act_nouns for c in children
        ):
            return False  # "welcomed the decision" is no visit
        particles = {c.lower_ for c in children if c.dep_ in ("prt", "prep", "advmod", "agent")}
        particles |= {"for"} if any(for_clause(c) for c in children) else set()
        if rule.particle and not particles & rule.particle:
            return False
        modifiers = {
            c.lemma_.lower()
            for c in children
            if c.dep_ in ("amod", "compound", "nmod", "advmod", "npadvmod", "conj")
        }
        if rule.modifier and not modifiers & rule.modifier and not self._conj_modifier(tok, rule.modifier):
            return False
        return not (rule.agent_modifier and not self._agent_is(tok, rule.agent_modifier))

    @staticmethod
    def _conj_modifier(tok: Token, words: frozenset[str]) -> bool:
        """ "military and diplomatic backing": a modifier coordinated with another one."""
        return any(
            child.dep_ == "amod"
            and any(c.dep_ == "conj" and c.lemma_.lower() in words for c in child.children)
            for child in tok.children
        )

    @staticmethod
    def _has_object(tok: Token, words: frozenset[str]) -> bool:
        """Whether the verb's object (or a noun's "of" object) is one of ``words``."""
        if tok.pos_ in ("NOUN", "PROPN"):
            return any(
                c.dep_ == "prep" and c.lower_ == "of" and any(o.lemma_.lower() in words for o in c.children)
                for c in tok.children
            )
        for child in tok.children:
            if child.dep_ in ("dobj", "nsubjpass", "attr") and child.lemma_.lower() in words:
                return True
            if child.dep_ in ("dobj",) and any(
                c.dep_ == "prep" and c.lower_ == "of" and any(o.lemma_.lower() in words for o in c.children)
                for c in child.children
            ):
                return True
            if child.dep_ == "dobj" and any(
                c.dep_ == "conj" and c.lemma_.lower() in words for c in child.children
            ):
                return True
        return tok.dep_ == "acl" and tok.head.lemma_.lower() in words

    @staticmethod
    def _prep_object(tok: Token, rule: Trigger) -> bool:
        """Whether the object of one of the rule's prepositions is one of its object words."""
        return any(
            c.dep_ == "prep"
            and c.lower_ in rule.particle
            and any(o.lemma_.lower() in rule.object for o in objects_through(c))
            for c in tok.children
        )

    @staticmethod
    def _agent_is(tok: Token, words: frozenset[str]) -> bool:
        """Whether who acts is military ("backed by Russian airpower", "warplanes are supporting")."""
        for child in tok.children:
            if child.dep_ == "nsubj" and child.lemma_.lower() in words:
                return True
            if child.dep_ == "agent":
                for obj in child.children:
                    if obj.lemma_.lower() in words or any(c.lemma_.lower() in words for c in obj.children):
                        return True
        return False

    # ------------------------------------------------------------------ filters

    def _chain(self, tok: Token) -> list[Token]:
        """The trigger and the words governing it up to its clause's verb and the verbs above."""
        chain = [tok]
        cur = tok
        for _ in range(4):
            if cur.dep_ in ("ROOT",) or cur.head == cur:
                break
            if cur.pos_ in ("VERB", "AUX") and cur.dep_ not in ("xcomp", "conj", "acl", "pcomp", "advcl"):
                break
            cur = cur.head
            chain.append(cur)
        return chain

    def _blocked(self, tok: Token) -> str | None:
        """Why the trigger states no event: "negated", "hypothetical", "irrealis"; None when it does."""
        lex = self.lexicon
        chain = self._chain(tok)
        verb = tok.head.head if tok.dep_ == "pobj" else tok.head
        presupposed = (  # "could drown out opposition calls", "did not comment on the strikes": they were
            tok.pos_ == "NOUN"
            and tok.dep_ in ("dobj", "pobj")
            and verb.pos_ == "VERB"
            and verb.lemma_.lower() not in lex.light_verbs
        )
        for below, t in zip([None, *chain], chain, strict=False):
            for child in t.children if t == tok or not presupposed else ():
                if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ == "no" and t == tok):
                    return "negated"
                if child.dep_ == "aux" and child.lower_ in lex.hypothetical_aux:
                    return "hypothetical"
                if child.dep_ == "mark" and child.lower_ in ("if", "unless", "whether"):
                    return "hypothetical"
                if child.dep_ in ("advmod", "amod") and child.lower_ in (
                    "likely",
                    "possible",
                    "possibly",
                    "potential",
                ):
                    return "hypothetical"
            if (
                below is not None
                and (below.dep_ in COMPLEMENTS or (for_clause(below) and not self._stipulated(t)))
                and t.lemma_.lower() in lex.irrealis_heads
                and not _lasted(tok, lex.duration_nouns)
            ):
                return "irrealis"
        first = tok
        while first.dep_ == "conj" and first.head != first:
            first = first.head
        if first.dep_ in ("pobj", "pcomp") and first.head.lower_ == "without":
            return "negated"  # "took the town without fighting"
        if (
            chain[-1].dep_ == "ccomp"
            and chain[-1].head.lemma_.lower() in self.asking
            and all(t.dep_ != "advcl" for t in chain)
        ):
            return "irrealis"  # "demanded that the ships leave": asked for, not done
        if (
            tok.dep_ == "pobj"
            and tok.head.lower_ == "of"
            and tok.head.head.lemma_.lower() in lex.irrealis_nouns
        ):
            return "irrealis"
        if tok.dep_ in ("dobj", "nsubjpass") and tok.head.lemma_.lower() in lex.irrealis_heads:
            return "irrealis"
        return None

    def _stipulated(self, verb: Token) -> bool:
        """Whether an agreement calls for the clause ("the deal calls for Peru to free the crew"): what a
        deal provides for is planned, not merely asked for."""
        nouns = self.lexicon.agreement_nouns
        if verb.dep_ in ("acl", "relcl") and verb.head.lemma_.lower() in nouns:
            return True  # "the agreement, reached on Friday, called for ..."
        return any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in nouns for c in verb.children)

    def _threat(self, tok: Token) -> bool:
        """An attack one stands ready for ("ready to confront Israel") or promises on a condition
        ("will strike Syrian forces if another soldier is hurt") is a threat."""
        chain = self._chain(tok)
        if any(t.lemma_.lower() in self.lexicon.readiness for t in chain[1:]):
            return True
        conditional = any(
            c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children)
            for c in tok.children
        )
        return conditional and any(c.dep_ == "aux" and c.lower_ in ("will", "'ll") for c in tok.children)

    def _aim(self, tok: Token, rule: Trigger) -> bool:
        """Cooperation named as an aim ("to improve coordination") is not yet cooperation."""
        return (
            rule.type == PloverType.COOPERATE
            and tok.dep_ == "dobj"
            and tok.pos_ == "NOUN"
            and tok.head.lemma_.lower() in self.lexicon.aim_verbs
        )

    def _about_agreement(self, tok: Token) -> bool:
        """Whether what the trigger opposes is an agreement ("objected to the memorandum",
        "protested that the plan would ...", "stormed out as the document was signed")."""
        nouns = self.lexicon.agreement_nouns
        return any(t.lemma_.lower() in nouns and t.pos_ == "NOUN" for t in tok.subtree if t != tok)

    def _claimant(self, tok: Token, finder: RoleFinder) -> list[str]:
        """Who claims the event happened ("the rebels claimed Russia targeted civilians")."""
        clause = tok
        for _ in range(3):
            if clause.dep_ == "ccomp" and clause.head.lemma_.lower() in self.lexicon.claim_verbs:
                return finder.subject(clause.head)[0]
            if clause.head == clause:
                break
            clause = clause.head
        return []

    def _opinion(self, doc: Doc, commentators: set[str]) -> bool:
        lex = self.lexicon
        for tok in doc:
            if tok.lemma_.lower() in lex.speech_verbs and tok.pos_ == "VERB":
                for child in tok.children:
                    if child.dep_ in ("nsubj", "nsubjpass"):
                        words = {t.lemma_.lower() for t in child.subtree} | {t.text for t in child.subtree}
                        if words & lex.commentator_nouns or words & commentators:
                            return True
        return False

    def _modality(self, tok: Token) -> Modality:
        """Planned when a future or a plan governs the trigger; an event "after" or "since" which
        something else happens has happened."""
        lex = self.lexicon
        if tok.dep_ == "pobj" and tok.head.lower_ in ("after", "following", "since"):
            return "asserted"
        for t in self._chain(tok):
            for child in t.children:
                if child.dep_ == "aux" and child.lower_ in lex.planned_aux:
                    return "planned"
                if (
                    child.dep_ in ("aux", "auxpass")
                    and child.lower_ == "to"
                    and t != tok
                    and t.head.lemma_.lower() in lex.planned_heads
                ):
                    return "planned"
            if t != tok and t.lemma_.lower() in lex.planned_heads and tok.dep_ == "xcomp":
                return "planned"
            if t.lower_ in ("due", "expected", "scheduled", "set", "planned", "upcoming", "proposed"):
                return "planned"
        for child in tok.children:
            if child.lower_ in ("planned", "upcoming", "proposed", "future", "next"):
                return "planned"
        return "asserted"

    # ------------------------------------------------------------------ events

    def _events(
        self,
        doc: Doc,
        sent: Sentence,
        mentions: list[Mention],
        zones: list[tuple[int, int, str | None]],
        last_zone: str | None,
        commentators: set[str],
        article: Article,
        norm: Normalised,
        adversaries: dict[str, str],
        parties: tuple[str, ...],
        holders: Holders,
        story_day: dt.date | None = None,
        talks: tuple[str, ...] = (),
    ) -> list[Event]:
        if not mentions or self._opinion(doc, commentators):
            return []
        finder = RoleFinder(mentions, self.lexicon, self.agentive, self.event_nouns, holders)
        local_adversaries = dict(adversaries)
        matches = self._triggers(doc)
        attackers: dict[str, None] = {}
        victims: dict[str, None] = {}
        for tok, rule in matches:
            if rule.type in HOSTILE and self._blocked(tok) is None:
                roles = finder.roles(tok, rule)
                for source in roles.sources:
                    for target in roles.targets:
                        if source != target:
                            local_adversaries[source] = target
                if not roles.targets:
                    attackers.update(dict.fromkeys(roles.sources))
                elif not roles.sources and any(c.dep_ == "auxpass" for c in tok.children):
                    victims.update(dict.fromkeys(roles.targets))  # "were killed", "was hit"
        if len(attackers) == 1 and len(victims) == 1 and attackers.keys() != victims.keys():
            # "two soldiers of Y were killed after X launched strikes": one side each, one pair
            (attacker,), (victim,) = attackers, victims
            local_adversaries.setdefault(attacker, victim)
            local_adversaries.setdefault(victim, attacker)
        start, end = norm.span(sent.start, sent.end)
        evidence = Evidence(text=article.text[start:end], start=start, end=end)
        day = article.published
        dates = {flag: find_dates(sent.text, day, flag) for flag in (False, True)}
        historical = is_historical(sent.text, day, dates[False])
        out: list[Event] = []
        named = {i for m in mentions if m.kind not in ("pronoun", "group") for i in range(m.start, m.end)}
        brokers = mediators(doc, mentions, self.lexicon)
        for tok, matched in matches:
            rule: Trigger | None = matched
            blocked = negated(tok) if appraising(tok, matched) else self._blocked(tok)
            promised = promised_threat(tok, matched, blocked, self.lexicon.planned_heads)
            demanded = (
                matched.type not in VERBAL
                and obliged(self._chain(tok), self.lexicon.deontic_aux)
                and bool(finder.reporter(tok))
            )
            if demanded:  # "Peru must withdraw its troops, Chile said": what one demands of another
                rule = dataclasses.replace(matched, type=PloverType.REQUEST, id=f"{matched.id}:demanded")
            elif blocked == "negated" and matched.negated is not None:
                rule = dataclasses.replace(matched, type=matched.negated, id=f"{matched.id}:negated")
            elif blocked != "negated" and matched.type in HOSTILE and self._threat(tok):
                rule = dataclasses.replace(matched, type=PloverType.THREATEN, id=f"{matched.id}:threat")
            elif (blocked is not None and not promised) or matched.only_negated or self._aim(tok, matched):
                rule = None
            if tok.i in named or rule is None:
                continue
            mediated = tok.head.lemma_.lower() in self.lexicon.mediating_verbs
            roles = appraisal_roles(tok, rule, finder, self.speech) or finder.roles(
                tok, rule, stop_inherit=mediated and rule.type == PloverType.CONSULT
            )
            if demanded:
                roles = Roles(sources=finder.reporter(tok), targets=roles.sources)
            if rule.no_recipient and roles.targets:
                continue  # "sent tanks to Ukraine": aid to Ukraine, no deployment
            rule = entry_into_held_ground(tok, rule, roles, finder, self.lexicon)
            complete_roles(tok, rule, roles, finder, self.verbs_of, brokers, parties)
            told = tuple(
                dict.fromkeys(a for e in out if e.type in SYMMETRIC_TYPES for a in (e.source, e.target) if a)
            )
            joined_talks(tok, rule, roles, finder, told or talks)
            remembered_parties(tok, rule, roles, talks)
            deal_talks(tok, rule, roles, finder)
            requested_parties(tok, rule, roles, finder, self.lexicon, self.requests, local_adversaries, told)
            denial = rule.type == PloverType.REJECT and tok.lemma_.lower() in self.lexicon.denial_words
            if (rule.type in CONTEXT_TARGETED or denial) and not roles.targets:
                roles.targets = [local_adversaries[s] for s in roles.sources if s in local_adversaries]
            if (
                rule.type in CONTEXT_TARGETED and not roles.sources
            ):  # "50 soldiers were killed in retaliation"
                roles.sources = [local_adversaries[t] for t in roles.targets if t in local_adversaries]
            if rule.type in OPPOSING and not roles.targets and self._about_agreement(tok):
                roles.targets = [p for p in parties if p not in roles.sources]
            modality = self._modality(tok)
            when = self._date(tok, doc, dates[modality == "planned"], story_day or day, modality, historical)
            old = when is not None and day is not None and (day - when).days > 92
            if old or (historical and when is None and modality == "asserted"):
                modality = "historical"
            if modality == "historical" and when is not None and day is not None and (day - when).days <= 92:
                when = None
            zone = self._zone(tok, doc, zones, last_zone)
            found = [(rule.type, source, target) for source, target in self._dyads(rule, roles)]
            found += [(PloverType.COOPERATE, a, b) for a, b in joint_forces(tok, rule, roles, finder)]
            if rule.type in HOSTILE:  # a claim that someone attacked is an accusation
                perpetrators = dict.fromkeys(roles.sources)
                found += [
                    (PloverType.ACCUSE, c, p)
                    for c in self._claimant(tok, finder)
                    for p in perpetrators
                    if c != p
                ]
                found += [
                    (PloverType.ACCUSE, c, p)
                    for c, p in reported_attackers(tok, rule, finder, roles, local_adversaries)
                ]
                threats = announced_threats(tok, finder, roles, modality == "planned", local_adversaries)
            else:
                threats = []
            told_on = self._date(tok.sent.root, doc, dates[False], story_day or day, "asserted", historical)
            dated = [(kind, s, t, when, modality) for kind, s, t in found]
            dated += [(PloverType.THREATEN, s, t, told_on, "asserted") for s, t in threats]  # made as told
            for kind, source, target, when, modality in dated:
                conf = 0.6 if roles.inherited else 0.8
                out.append(
                    Event(
                        article_id=article.id,
                        type=kind,
                        source=source,
                        target=target,
                        zone=zone,
                        date=when,
                        reported=day,
                        modality=modality,
                        evidence=evidence,
                        confidence=conf,
                        extractor=self.version,
                    )
                )
        return out

    @staticmethod
    def _dyads(rule: Trigger, roles: Roles) -> list[tuple[str, str | None]]:
        """The (source, target) pairs a trigger's roles make for its rule."""
        sources = list(dict.fromkeys(roles.sources))
        targets = list(dict.fromkeys(roles.targets))
        partners = list(dict.fromkeys(roles.partners))
        if rule.untargeted:
            return [(s, None) for s in sources]
        if rule.mediation:
            group = sorted(set(partners))
            return list(itertools.combinations(group, 2))
        if rule.type in SYMMETRIC_TYPES:
            group = sorted(set(sources) | set(targets) | set(partners))
            return list(itertools.combinations(group, 2))
        if rule.both_ways:
            group = sorted(set(sources) | set(targets) | set(partners))
            return [(a, b) for a in group for b in group if a != b]
        return [(s, t) for s in sources for t in targets if s != t]

    @staticmethod
    def _date(
        tok: Token, doc: Doc, dates: list[DateMention], day: dt.date | None, modality: str, historical: bool
    ) -> dt.date | None:
        """The day the sentence gives the trigger: a date in the trigger's own phrase first, then one in
        its clause, then the nearest; with none, news of the day takes ``day``, the day the story is at."""
        own = [d for d in dates if not _dates_other_noun(tok, doc, d)]
        if own:
            return _closest_date(tok, doc, own).day
        if day is None or modality == "planned" or historical:
            return None
        return day

    @staticmethod
    def _zone(
        tok: Token, doc: Doc, zones: list[tuple[int, int, str | None]], last_zone: str | None
    ) -> str | None:
        """The zone named in the trigger's phrase, else in its clause, else nearest; without one, the
        zone the text was last about, unless the sentence names a place that has no zone."""
        real = [z for z in zones if z[2] is not None]
        if real:
            subtree = {t.i for t in tok.subtree}
            clause = _clause_verb(tok)

            def rank(zone: tuple[int, int, str | None]) -> tuple[int, int]:
                level = 0 if zone[0] in subtree else 1 if _clause_verb(doc[zone[0]]) == clause else 2
                return level, min(abs(zone[0] - tok.i), abs(zone[1] - 1 - tok.i))

            return min(real, key=rank)[2]
        if zones:
            return None
        return last_zone


def _spanned(texts: list[str], wanted: str) -> list[int]:
    """The sentences an evidence text spans: those it holds whole, with the one it starts in and the
    one it ends in; else the first that holds it."""
    whole = [i for i, text in enumerate(texts) if text[:60] in wanted]
    if not whole:
        return [i for i, text in enumerate(texts) if wanted[:60] in text][:1]
    before = [whole[0] - 1] if whole[0] and wanted[:60] in texts[whole[0] - 1] else []
    last = whole[-1]
    rest = wanted.rpartition(texts[last])[2].strip()
    after = [last + 1] if rest and last + 1 < len(texts) and texts[last + 1].startswith(rest) else []
    return before + whole + after


def _lasted(tok: Token, durations: frozenset[str]) -> bool:
    """ "ended weeks of talks": an event that lasted a span of time has happened."""
    return tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lemma_.lower() in durations


def _clause_verb(tok: Token) -> Token:
    """The verb of the clause a token belongs to (the root when there is none)."""
    cur = tok
    for _ in range(12):
        if cur.pos_ in ("VERB", "AUX") or cur.head == cur:
            return cur
        cur = cur.head
    return cur


def _dates_other_noun(tok: Token, doc: Doc, date: DateMention) -> bool:
    """ "last month's coup", "Sunday's vote": a date that modifies another noun than the trigger."""
    span = doc.char_span(date.start, date.end, alignment_mode="expand")
    if span is None or span.root.dep_ not in ("poss", "compound", "amod", "nmod"):
        return False
    return span.root.head.i != tok.i


def _closest_date(tok: Token, doc: Doc, dates: list[DateMention]) -> DateMention:
    subtree = {t.i for t in tok.subtree} if tok.pos_ in ("NOUN", "PROPN") else set()
    clause = _clause_verb(tok)
    anchor = tok.idx

    def rank(date: DateMention) -> tuple[int, int]:
        span = doc.char_span(date.start, date.end, alignment_mode="expand")
        level = 2
        if span is not None:
            if span.root.i in subtree:
                level = 0
            elif _clause_verb(span.root) == clause:
                level = 1
        return level, min(abs(date.start - anchor), abs(date.end - anchor))

    return min(dates, key=rank)


def build_extractor(model: str, version: str) -> SpacyExtractor:
    """Load the spaCy model, the knowledge base and the rules, and compose the extractor."""
    nlp = spacy.load(model, exclude=list(EXCLUDED_PIPES))
    return SpacyExtractor(nlp, load_kb(), load_rules(), version)
