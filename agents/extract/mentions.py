"""Actor and zone mentions: phrase matching on the tokens, then pruning on the parse.

A name only counts as an actor where it acts: "in Syria" and "Syria's Idlib province" are
places, "the Syrian conflict" is no actor, while "Russian warplanes" and "his Turkish
counterpart" are. Group references ("the three countries") and pronouns are resolved to the
actors named before, through :class:`Context`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from agents.extract.anaphora import ATTACKS, anaphor_kind, office_owners
from agents.extract.phrases import name_patterns
from agents.extract.rules import Lexicon
from agents.extract.salience import salient_group, salient_person
from agents.extract.speakers import attributed_speaker, first_person, quoted
from agents.kb import KnowledgeBase
from schemas.event import SYMMETRIC_TYPES, Event, PloverType

VERBAL = frozenset(
    {
        PloverType.ACCUSE,
        PloverType.REJECT,
        PloverType.REQUEST,
        PloverType.THREATEN,
        PloverType.PROTEST,
        PloverType.SUPPORT,
    }
)
"""Types of events that are words, not acts."""


@dataclass(frozen=True)
class Mention:
    """Actors named by tokens ``[start, end)`` of a sentence's doc."""

    start: int
    end: int
    actors: tuple[str, ...]
    kind: str
    person: bool = False
    plural: bool = False


@dataclass
class Context:
    """What earlier sentences named: for pronouns and group references."""

    groups: list[tuple[str, ...]] = field(default_factory=list)
    subjects: list[tuple[str, ...]] = field(default_factory=list)
    many: list[tuple[str, ...]] = field(default_factory=list)
    """Plural referents (groups, plural names, plural subjects), most recent last."""
    people: list[str] = field(default_factory=list)
    singles: list[str] = field(default_factory=list)
    speaker: tuple[str, ...] = ()
    """Who spoke the last quotation, for "we" in a quotation that goes on without attribution."""
    spoke: int = -10
    seen: int = 0
    lead: tuple[str, ...] = ()
    """The people the last sentence's subject names ("Kenyatta met Museveni": Kenyatta)."""
    lead_many: tuple[str, ...] = ()
    """The actors of the last sentence's subject when it is plural ("Kenyan troops", "Peru and Chile")."""
    """Sentences remembered so far; ``spoke`` is the one that named the speaker."""

    acts: tuple[str, ...] = ()
    """Who did the last act a sentence told ("the move", "the decision" refer back to them)."""
    words: tuple[str, ...] = ()
    """Who said the last accusation, demand or threat ("the claim", "the statement")."""
    offices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """For each office named with its owner so far, the owner named last ("the ministry" refers to it)."""
    attacks: tuple[str, ...] = ()
    """Who made the last attack a sentence told ("the attack", "the strikes")."""
    authored_at: dict[str, int] = field(default_factory=dict)

    def authored(self, events: Iterable[Event]) -> None:
        """Record who did the acts, who made the attacks and who said the words a sentence tells."""
        events = list(events)
        acts = [e for e in events if e.type not in VERBAL and e.type != PloverType.CONSULT]
        words = [e for e in events if e.type in VERBAL]
        attacks = [e for e in events if e.type in ATTACKS]
        if attacks:
            self.attacks = tuple(dict.fromkeys(e.source for e in attacks))
            self.authored_at["attacks"] = self.seen
        if acts:
            symmetric = [a for e in acts if e.type in SYMMETRIC_TYPES for a in (e.source, e.target) if a]
            self.acts = tuple(
                dict.fromkeys([*(e.source for e in acts if e.type not in SYMMETRIC_TYPES), *symmetric])
            )
            self.authored_at["acts"] = self.seen
        if words:
            self.words = tuple(dict.fromkeys(e.source for e in words))
            self.authored_at["words"] = self.seen

    def author(self, kind: str, span: int = 4) -> tuple[str, ...]:
        """Who did the last acts (``kind`` "acts"), made the last attacks ("attacks") or said the last
        words ("words"), at most ``span`` sentences ago."""
        recent = self.seen - self.authored_at.get(kind, -span - 1) <= span
        return {"acts": self.acts, "words": self.words, "attacks": self.attacks}[kind] if recent else ()

    def speak(self, speaker: tuple[str, ...]) -> None:
        """Record who the sentence being read attributes its words to."""
        self.speaker, self.spoke = speaker, self.seen

    def last_speaker(self, span: int = 2) -> tuple[str, ...]:
        """The speaker named at most ``span`` sentences ago."""
        return self.speaker if self.seen - self.spoke <= span else ()

    def remember(
        self, mentions: list[Mention], groups: list[tuple[str, ...]], subject: tuple[str, ...] = ()
    ) -> None:
        """Record a sentence's mentions, in order, and the actors its main clause is about."""
        self.seen += 1
        named = [m for m in mentions if m.kind not in ("pronoun", "group")]
        if subject:
            self.subjects.append(subject)
        persons = {a for m in named if m.person for a in m.actors}
        self.lead = subject if subject and set(subject) <= persons else ()
        plurals = {a for m in named if m.plural for a in m.actors}
        self.lead_many = subject if subject and (set(subject) <= plurals or len(subject) >= 2) else ()
        self.people.extend(a for m in named if m.person for a in m.actors)
        self.singles.extend(a for m in named if not m.person and not m.plural for a in m.actors)
        self.many.extend(m.actors for m in named if m.plural)
        self.many.extend(g for g in groups if len(g) >= 2)
        if len(subject) >= 2:
            self.many.append(subject)
        self.groups.extend(g for g in groups if len(g) >= 2)


class MentionFinder:
    """Phrase matchers for every name of the knowledge base."""

    def __init__(self, nlp: Language, kb: KnowledgeBase, lexicon: Lexicon) -> None:
        self.kb = kb
        self.lexicon = lexicon
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        for (key, sensitive), patterns in name_patterns(nlp, kb.names).items():
            # the stub knows only Docs; spaCy keeps (and unpickles) a pattern as these hashes
            (self.exact if sensitive else self.lower).add(key, patterns)  # type: ignore[arg-type]

    def spans(self, doc: Doc) -> list[Span]:
        """Longest non-overlapping name matches, labelled ``kind|ref``."""
        found = [Span(doc, s, e, label=m) for m, s, e in self.lower(doc)]
        found += [Span(doc, s, e, label=m) for m, s, e in self.exact(doc)]
        return filter_spans(found)

    def raw_mentions(
        self, doc: Doc, day: dt.date | None
    ) -> tuple[list[Mention], list[tuple[int, int, str | None]]]:
        """Actor mentions (before the parse prunes them) and zone mentions ``(start, end, zone)``."""
        actors: list[Mention] = []
        zones: list[tuple[int, int, str | None]] = []
        for span in self.spans(doc):
            kind, ref = span.label_.split("|", 1)
            if kind == "zone":
                zones.append((span.start, span.end, ref))
                continue
            if kind == "no_zone":
                zones.append((span.start, span.end, None))
                continue
            if kind == "grouping":  # "the E3": its members, as a list of names
                actors.append(Mention(span.start, span.end, self.kb.groupings[ref], "name", plural=True))
                continue
            actor = ref if kind != "person" else self.kb.people[ref].actor_on(day)
            if actor is None:
                continue
            last = span[-1]
            plural = (
                last.lower_.endswith("s")
                and kind in ("name", "adjective")
                and last.lower_ not in ("us", "is")
            )
            actors.append(
                Mention(span.start, span.end, (actor,), kind, person=kind == "person", plural=plural)
            )
        return actors, zones

    # ---------------------------------------------------------------- pruning on the parse

    def _head_of_adjective(self, token: Token) -> Token:
        while token.dep_ == "conj" and token.head.pos_ in ("ADJ", "PROPN", "NOUN") and token.head.i < token.i:
            token = token.head
        head = token.head
        while head.dep_ == "compound" and head.head != head and head.head.i > head.i:
            head = head.head
        return head

    def acts(
        self,
        doc: Doc,
        mention: Mention,
        covered: dict[int, Mention],
        trigger_lemmas: set[str],
        topic_lemmas: set[str],
        zone_tokens: set[int],
    ) -> bool:
        """Whether a matched name is an actor here (not a place, a modifier or an attribute)."""
        root = doc[mention.start : mention.end].root
        if dependent_name(doc, mention, self.lexicon.dependent_suffixes) and self._modifies_actor(
            doc, mention, covered, trigger_lemmas
        ):
            return False
        if self._describes_other(root, mention, covered) and not self._possessor_of_a_pair(doc, mention):
            return False
        lex = self.lexicon
        if mention.kind == "adjective":
            head = self._head_of_adjective(root)
            if head.i in covered and covered[head.i] is not mention:
                return True
            if (
                root.dep_ in ("amod", "compound", "nmod", "npadvmod", "poss", "nummod", "conj", "appos")
                or root.pos_ == "ADJ"
            ):
                return _lemma(head) in lex.agent_nouns | lex.word_nouns or _lemma(head) in lex.person_nouns
            return root.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj")
        if mention.kind == "person":
            return True
        head = root.head
        if root.dep_ == "pobj" and head.lower_ in lex.locative_preps:
            return False
        if (
            root.dep_ == "pobj"
            and head.lower_ == "of"
            and _lemma(head.head) in lex.place_nouns
            and self.kb.actors[mention.actors[0]].kind == "state"
        ):
            return False  # "the capital of Kazakhstan", "the north of Syria"
        if any(
            c.dep_ in ("amod", "compound") and c.lower_ in lex.compass_words and c.i < mention.start
            for c in root.children
        ):  # "northern Syria", but not the "South" of "South Korea", which is part of the name
            return False
        after = doc[mention.end] if mention.end < len(doc) else None
        if (
            root.dep_ in ("appos", "conj", "npadvmod")
            and head.i in zone_tokens
            and mention.start >= 1
            and doc[mention.start - 1].text == ","
            and (after is None or after.pos_ == "PUNCT")
        ):  # "the enclave of Afrin, Syria,"
            return False
        if root.dep_ == "pobj" and head.lower_ == "from" and _lemma(head.head) in lex.movement_words:
            return False
        if root.dep_ in ("poss", "compound", "nmod", "amod"):
            while head.dep_ == "compound" and head.head != head:
                head = head.head
            if head.i in covered or head.pos_ == "PROPN":
                return head.i not in zone_tokens
            lemma = _lemma(head)
            if lemma in lex.place_nouns:  # "the Syria conflict"; but the sides of "the Peru-Ecuador conflict"
                return _hyphen_listed(doc, mention, covered)
            if (
                lemma in topic_lemmas
                and root.dep_ == "compound"
                and self.kb.actors[mention.actors[0]].kind == "state"
            ):
                named = {id(covered[t.i]) for t in head.subtree if t.i < head.i and t.i in covered}
                return len(named) >= 2  # "the Russia-Turkey-Iran summit", not "the Syria talks"
            return lemma in lex.agent_nouns or lemma in lex.person_nouns or lemma in trigger_lemmas
        return True

    def _possessor_of_a_pair(self, doc: Doc, mention: Mention) -> bool:
        """ "Turkey's military and pro-Ankara rebels": the possessor of the first of two coordinated
        forces, which the parse tends to hang on the second."""
        after = doc[mention.end : mention.end + 3]
        return (
            len(after) == 3
            and after[0].lower_ in ("'s", "'")
            and _lemma(after[1]) in self.lexicon.agent_nouns
            and after[2].lower_ == "and"
        )

    @staticmethod
    def _describes_other(root: Token, mention: Mention, covered: dict[int, Mention]) -> bool:
        """ "the Syrian Kurdish militia", "Lebanon's Hezbollah", "UN representative Jaafari",
        "the rebel alliance Tahrir al-Sham", "Hezbollah of Lebanon": a word describing another
        actor's name is not an actor itself."""

        def other(tok: Token) -> bool:
            found = covered.get(tok.i)
            return found is not None and found is not mention and set(found.actors) != set(mention.actors)

        if root.dep_ == "pobj" and root.head.lower_ == "of":
            return other(root.head.head)
        if root.dep_ not in ("amod", "compound", "poss", "nmod"):
            return False
        if mention.end < len(root.doc) and root.doc[mention.end].text == "-" and (mention.end + 1) in covered:
            return False  # "the Russia-Turkey-Iran summit": a list, not a description
        head = root.head
        for _ in range(4):
            found = covered.get(head.i)
            if found is not None and found is not mention:
                return other(head)
            if any(c.dep_ == "appos" and other(c) for c in head.children):
                return True
            if head.dep_ not in ("compound", "amod") or head.head == head:
                return False
            head = head.head
        return False

    def _modifies_actor(
        self, doc: Doc, mention: Mention, covered: dict[int, Mention], trigger_lemmas: set[str]
    ) -> bool:
        """ "Iran-backed militias", "US-backed SDF": the compound modifies an actor or an agent."""
        if mention.start >= 2 and doc[mention.start - 2].lower_ in ("pro", "anti"):
            return True
        suffix = doc[mention.end + 1] if mention.end + 1 < len(doc) else None
        if suffix is None:
            return True
        head = suffix.head
        after = covered.get(mention.end + 2)
        following = (
            after is not None and after.kind != "adjective"
        )  # "US-backed SDF", not "Russia-sponsored Syrian talks"
        if following or head.i in covered:
            return True
        return _lemma(head) in self.lexicon.agent_nouns and _lemma(head) not in trigger_lemmas

    def refine(self, doc: Doc, mention: Mention) -> Mention:
        """Set ``person`` and ``plural`` from the noun the mention heads or modifies."""
        root = doc[mention.start : mention.end].root
        head = root
        if mention.kind == "adjective":
            head = self._head_of_adjective(root)
        else:
            while (
                head.dep_ in ("compound", "amod", "nmod") and head.head != head and head.head.i >= mention.end
            ):
                head = head.head
        person = mention.person or _lemma(head) in self.lexicon.person_nouns
        plural = head.tag_ in ("NNS", "NNPS") or (mention.kind == "name" and root.tag_ in ("NNS", "NNPS"))
        if (person, plural) == (mention.person, mention.plural):
            return mention
        return Mention(mention.start, mention.end, mention.actors, mention.kind, person=person, plural=plural)


def dependent_name(doc: Doc, mention: Mention, suffixes: frozenset[str]) -> bool:
    """ "pro-Ankara", "Iran-backed": a name inside a modifier is not the actor."""
    before = doc[mention.start - 2 : mention.start] if mention.start >= 2 else None
    if before is not None and before[0].lower_ in ("pro", "anti") and before[1].text == "-":
        return True
    after = doc[mention.end : mention.end + 2]
    return len(after) == 2 and after[0].text == "-" and after[1].lower_ in suffixes


def _hyphen_listed(doc: Doc, mention: Mention, covered: dict[int, Mention]) -> bool:
    """ "Peru-Ecuador": a name joined by a hyphen to another name."""
    after = mention.end + 1 < len(doc) and doc[mention.end].text == "-" and mention.end + 1 in covered
    return after or (
        mention.start >= 2 and doc[mention.start - 1].text == "-" and mention.start - 2 in covered
    )


def _lemma(tok: Token) -> str:
    return tok.lemma_.lower()


def conj_groups(doc: Doc, mentions: list[Mention]) -> list[tuple[int, tuple[str, ...]]]:
    """Actors named together in a coordination ("Russia, Turkey and Iran"), with where each ends."""
    by_root = {doc[m.start : m.end].root.i: m for m in mentions}
    groups: list[tuple[int, tuple[str, ...]]] = []
    seen: set[int] = set()
    for i, mention in sorted(by_root.items()):
        if i in seen:
            continue
        members = [mention]
        stack = [doc[i]]
        while stack:
            tok = stack.pop()
            for child in tok.children:
                if child.dep_ == "conj" or (child.dep_ == "appos" and child.i in by_root):
                    if child.i in by_root and child.i not in seen:
                        members.append(by_root[child.i])
                        seen.add(child.i)
                    stack.append(child)
        actors = tuple(dict.fromkeys(a for m in members for a in m.actors))
        if len(actors) >= 2:
            groups.append((max(m.end for m in members), actors))
    return groups


def adjacent_groups(doc: Doc, mentions: list[Mention]) -> list[tuple[str, ...]]:
    """Without a parse: names separated only by commas and "and" form a group."""
    groups: list[tuple[str, ...]] = []
    current: list[str] = []
    last_end = None
    for mention in sorted(mentions, key=lambda m: m.start):
        between = doc[last_end : mention.start] if last_end is not None else None
        if between is not None and all(t.text in (",", "and", "&") for t in between) and len(between) > 0:
            current.extend(mention.actors)
        else:
            if len(set(current)) >= 2:
                groups.append(tuple(dict.fromkeys(current)))
            current = list(mention.actors)
        last_end = mention.end
    if len(set(current)) >= 2:
        groups.append(tuple(dict.fromkeys(current)))
    return groups


def resolve_references(
    doc: Doc,
    mentions: list[Mention],
    context: Context,
    lexicon: Lexicon,
    states: frozenset[str] = frozenset(),
) -> list[Mention]:
    """Mentions for pronouns, group references ("the two leaders") and "the country", from what
    came before."""
    out: list[Mention] = []
    taken = {i for m in mentions for i in range(m.start, m.end)}
    local_groups = conj_groups(doc, mentions)
    speech = lexicon.speech_verbs | lexicon.reporting_verbs
    for tok in doc:
        if tok.i in taken:
            continue
        lower, lemma = tok.lower_, tok.lemma_.lower()
        if lower in lexicon.pronouns and tok.pos_ == "PRON":
            kind = lexicon.pronouns[lower]
            if _bound_to_other(tok, taken):
                continue
            actors = _clause_subject(tok, kind, mentions, speech) or _antecedent(
                tok, kind, mentions, local_groups, context, out
            )
            if actors:
                out.append(
                    Mention(
                        tok.i, tok.i + 1, actors, "pronoun", person=kind == "person", plural=kind == "plural"
                    )
                )
            continue
        if (
            lemma in lexicon.state_nouns
            and tok.tag_ == "NN"
            and any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children)
            and not any(c.i in taken for c in tok.subtree)
        ):  # "the country's air defences": the state last named
            named = [a for m in mentions if m.end <= tok.i and m.kind != "pronoun" for a in m.actors]
            last = [a for a in [*context.singles, *named] if a in states]
            if last:
                out.append(Mention(tok.i, tok.i + 1, (last[-1],), "group"))
            continue
        anaphor = anaphor_kind(tok, lexicon)
        if (
            anaphor
            and _bare_definite(tok, lexicon.definite_determiners)
            and not any(c.i in taken for c in tok.subtree)
        ):
            author = _author(tok, mentions) or context.author(anaphor)
            if author:  # "Serbia refused to recognise the move": the move of whoever made it
                out.append(Mention(tok.i, tok.i + 1, author, "group"))
            continue
        owner = context.offices.get(tok.lemma_.lower(), ())
        if (
            owner
            and _bare_definite(tok, lexicon.definite_determiners)
            and tok.tag_ in ("NN", "NNP")
            and not any(c.i in taken for c in tok.subtree)
        ):
            person = tok.lemma_.lower() in lexicon.person_nouns  # "the ministry said": the one named last
            out.append(Mention(tok.i, tok.i + 1, owner, "group", person=person))
            continue
        size = _group_size(tok, lexicon)
        if size is not None and lemma in lexicon.people_groups:
            people = [
                a
                for m in sorted(mentions, key=lambda m: m.end)
                if m.person and m.end <= tok.i
                for a in m.actors
            ]
            recent = list(dict.fromkeys(reversed([*context.people, *people])))
            if len(recent) >= max(size, 2):
                out.append(Mention(tok.i, tok.i + 1, tuple(recent[: max(size, 2)]), "group", plural=True))
                continue
        if size is not None:
            local = [g for end, g in local_groups if end <= tok.i]
            candidates = [g for g in [*context.groups, *context.subjects, *local] if len(g) >= 2]
            fitting = [g for g in candidates if size == 0 or len(g) == size]
            if fitting:
                out.append(Mention(tok.i, tok.i + 1, fitting[-1], "group", plural=True))
    context.offices.update(office_owners(doc, mentions, lexicon.office_nouns))
    return out + _speaker_mentions(doc, [*mentions, *out], taken, context, speech, lexicon.first_person)


def _speaker_mentions(
    doc: Doc,
    mentions: list[Mention],
    taken: set[int],
    context: Context,
    speech: frozenset[str],
    first: dict[str, bool],
) -> list[Mention]:
    """Mentions for "we", "our" and "I" inside a quotation: the speaker its attribution names, else
    the speaker of the quotation just before."""
    inside = quoted(doc)
    by_token = {i: m.actors for m in mentions for i in range(m.start, m.end)}
    named = attributed_speaker(doc, by_token, inside, speech)
    if named is not None:
        context.speak(named)
    speaker = context.last_speaker() if named is None else named
    if not speaker:
        return []
    return [
        Mention(t.i, t.i + 1, speaker, "pronoun", plural=first[t.lower_])
        for t in first_person(doc, taken, first)
        if t.i in inside
    ]


def _clause_subject(
    tok: Token, kind: str, mentions: list[Mention], speech: frozenset[str]
) -> tuple[str, ...]:
    """The subject pronoun of a reported clause ("Turkey said it would ...") is the reporting
    verb's subject when that subject fits the pronoun."""
    clause = tok.head
    if tok.dep_ not in ("nsubj", "nsubjpass") or clause.dep_ != "ccomp":
        return ()
    verb = clause.head
    if verb.lemma_.lower() not in speech:
        return ()
    by_token = {i: m for m in mentions if m.kind not in ("pronoun", "group") for i in range(m.start, m.end)}
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.i < tok.i:
            found = [by_token[t.i] for t in child.subtree if t.i in by_token]
            fitting = [
                m
                for m in found
                if (kind == "person" and m.person)
                or (kind == "single" and not m.person and not m.plural)
                or (kind == "plural" and (m.plural or len(found) > 1))
            ]
            return tuple(dict.fromkeys(a for m in fitting for a in m.actors))
    return ()


def _bare_definite(tok: Token, definite: frozenset[str]) -> bool:
    """ "the move", "this decision": a definite noun that says nothing of whose it is."""
    return (
        tok.pos_ == "NOUN"
        and any(c.dep_ == "det" and c.lower_ in definite for c in tok.children)
        and not any(
            c.dep_ in ("poss", "compound", "nmod")
            or (c.dep_ in ("prep", "agent") and c.lower_ in ("of", "by"))
            for c in tok.children
        )
    )


def _author(tok: Token, mentions: list[Mention]) -> tuple[str, ...]:
    """Who made the act a bare definite noun refers back to, when an earlier clause of the sentence
    (not the one the noun is in) tells it: that clause's subject."""
    own: set[int] = set()
    verb = tok
    while verb.head != verb and verb.dep_ not in ("conj", "advcl", "parataxis"):
        verb = verb.head
        own |= {t.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree}
    earlier = [
        m
        for m in mentions
        if m.end <= tok.i
        and m.kind != "pronoun"
        and m.start not in own
        and tok.doc[m.start : m.end].root.dep_ in ("nsubj", "nsubjpass")
    ]
    return earlier[-1].actors if earlier else ()


def _bound_to_other(tok: Token, taken: set[int]) -> bool:
    """A possessive whose clause has a subject before it that names no actor ("militant groups
    continue their attacks"): the pronoun refers to that subject."""
    if tok.dep_ != "poss":
        return False
    verb = tok.head
    for _ in range(4):
        if verb.pos_ in ("VERB", "AUX") or verb.head == verb:
            break
        verb = verb.head
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.i < tok.i and child.pos_ in ("NOUN", "PROPN"):
            return not any(t.i in taken for t in child.subtree)
    return False


def _antecedent(
    tok: Token,
    kind: str,
    mentions: list[Mention],
    local_groups: list[tuple[int, tuple[str, ...]]],
    context: Context,
    resolved: list[Mention],
) -> tuple[str, ...]:
    """The actors a pronoun stands for: the nearest fitting mention before it, else the context, by
    salience (:mod:`agents.extract.salience`)."""
    own_subject: set[int] = set()
    if tok.dep_ in ("dobj", "dative", "pobj"):  # "Damascus does not accept it": not Damascus
        verb = tok.head.head if tok.dep_ == "pobj" else tok.head
        own_subject = {t.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree}
    before = sorted(
        (
            m
            for m in mentions
            if m.end <= tok.i and m.kind not in ("pronoun", "group") and m.start not in own_subject
        ),
        key=lambda m: m.end,
    )
    if kind == "person":
        people = [m for m in before if m.person]
        return (
            people[-1].actors
            if people
            else salient_person(tok, context.lead, context.people, [*mentions, *resolved])
        )
    if kind == "single":
        singles = [m for m in before if not m.person and not m.plural]
        if tok.dep_ in ("poss", "nsubj"):  # "Washington stepped up its support for the YPG": the subject's
            subjects = [m for m in singles if tok.doc[m.start : m.end].root.dep_ in ("nsubj", "nsubjpass")]
            singles = subjects or singles
        if singles:
            return singles[-1].actors
        return _last_subject(context) or ((context.singles[-1],) if context.singles else ())
    options: list[tuple[int, tuple[str, ...]]] = [(m.end, m.actors) for m in before if m.plural]
    options += [(end, g) for end, g in local_groups if end <= tok.i]
    if options:
        return max(options, key=lambda o: o[0])[1]
    subjects = [
        m for m in before if not m.person and tok.doc[m.start : m.end].root.dep_ in ("nsubj", "nsubjpass")
    ]
    if subjects:  # "the council confirmed the withdrawal of their troops"
        return subjects[-1].actors
    return salient_group(tok, context.lead_many, context.many)


def _last_subject(context: Context) -> tuple[str, ...]:
    """The last sentence's subject when it is one actor still talked of: who "it" in a sentence that
    names no one before it goes on with ("Turkey raids the PKK. It has also sent troops")."""
    last = context.subjects[-1] if context.subjects else ()
    return last if len(last) == 1 and last[0] in context.singles[-3:] else ()


def _group_size(tok: Token, lexicon: Lexicon) -> int | None:
    """For "the three countries" 3, for "the sides" 0 (any size), else None."""
    lemma = tok.lemma_.lower()
    numbers = lexicon.group_numbers
    subject_or_object = tok.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj")
    if (
        tok.pos_ == "NUM"
        and tok.lower_ in numbers
        and subject_or_object
        and any(c.lower_ == "the" for c in tok.children)
    ):
        return numbers[tok.lower_]
    if tok.lower_ == "both" and tok.dep_ in ("nsubj", "nsubjpass"):
        return 2
    if lemma not in lexicon.group_nouns or tok.tag_ not in ("NNS", "NNPS"):
        return None
    for child in tok.children:
        if child.lower_ in numbers and child.dep_ in ("nummod", "det", "predet", "amod", "quantmod"):
            return numbers[child.lower_]
    for child in tok.children:
        if child.dep_ == "compound" and child.lower_ in numbers:
            return numbers[child.lower_]
    if lemma in lexicon.group_alone and any(c.lower_ in ("the", "both", "all") for c in tok.children):
        return 0
    return None
