"""The parties of symmetric events beyond their trigger's own roles: the mediators and brokers of
talks and deals ("Qatari-brokered", "talks mediated by Egypt", "under the auspices of the UN")."""

from __future__ import annotations

import itertools

from spacy.tokens import Doc, Token

from agents.extract.mentions import Mention
from agents.extract.roles import RoleFinder, Roles
from agents.extract.rules import Lexicon, Trigger
from schemas.event import SYMMETRIC_TYPES, Event, PloverType

MEDIATED = frozenset({PloverType.AGREE, PloverType.CONSULT})
"""Types whose mediators are parties: a brokered deal, mediated talks."""


def _top(tok: Token) -> Token:
    """The first member of the coordination a token is in ("by Egypt and Qatar": Egypt)."""
    while tok.dep_ == "conj" and tok.head != tok:
        tok = tok.head
    return tok


def _is(tok: Token, words: frozenset[str]) -> bool:
    """Whether a token's lemma or form is one of ``words`` (the tagger reads "auspices" as "auspex")."""
    return tok.lemma_.lower() in words or tok.lower_ in words


def _mediating(tok: Token, doc: Doc, end: int, lex: Lexicon) -> bool:
    """Whether a mention (its root ``tok``, its end ``end``) names a mediator."""
    if end + 1 < len(doc) and doc[end].text == "-" and doc[end + 1].lower_ in lex.mediator_marks:
        return True  # "Qatari-brokered", "Egypt-led talks"
    top = _top(tok)
    head = top.head
    if top.dep_ == "pobj" and head.lower_ == "by" and _is(head.head, lex.mediating_verbs):
        return True  # "talks mediated by Egypt"
    if top.dep_ == "pobj" and head.lower_ == "of" and _is(head.head, lex.mediator_nouns):
        return True  # "under the auspices of the UN", "with the help of Norway"
    if top.dep_ in ("poss", "amod", "compound") and _is(head, lex.mediator_nouns):
        return True  # "Turkey's mediation", "Egyptian mediation"
    if any(c.dep_ in ("compound", "appos", "amod") and _is(c, lex.mediator_nouns) for c in tok.children):
        return True  # "mediator Egypt"
    if top.dep_ == "appos" and _is(head, lex.mediator_nouns):
        return True  # "the mediator, Egypt"
    if top.dep_ == "nsubj" and any(  # "with Norway acting as intermediary"
        _is(o, lex.mediator_nouns)
        for prep in head.children
        if prep.dep_ == "prep" and prep.lower_ == "as"
        for o in prep.children
        if o.dep_ == "pobj"
    ):
        return True
    relative = [c for c in tok.children if c.dep_ == "relcl"]  # "China, which brokered the deal"
    return any(_is(v, lex.mediating_verbs) for v in relative)


def mediators(doc: Doc, mentions: list[Mention], lex: Lexicon) -> list[str]:
    """The actors a sentence names as mediators or brokers."""
    found: dict[str, None] = {}
    for mention in mentions:
        if mention.kind in ("pronoun", "group"):
            continue
        root = doc[mention.start : mention.end].root
        if root.dep_ == "amod" and not _is(root.head, lex.mediator_nouns):
            root = root.head  # "with the mediation of the Egyptian side": the side mediates
        if _mediating(root, doc, mention.end, lex):
            found.update(dict.fromkeys(mention.actors))
    return list(found)


def join_mediators(doc: Doc, mentions: list[Mention], events: list[Event], lex: Lexicon) -> list[Event]:
    """The sentence's events, each deal or talks joined by the mediators the sentence names: a
    mediator is party to the deal and consults each side (and the other mediators)."""
    brokers = mediators(doc, mentions, lex)
    if not brokers:
        return events
    out = list(events)
    seen = {(e.evidence.start, e.type, e.source, e.target) for e in events}
    for event in events:
        if event.type not in MEDIATED or event.target is None:
            continue
        group = sorted({event.source, event.target, *brokers})
        for a, b in itertools.combinations(group, 2):
            key = (event.evidence.start, event.type, a, b)
            if key not in seen:
                seen.add(key)
                out.append(Event.model_validate({**event.model_dump(), "source": a, "target": b}))
    return out


def _names_makers(verb: Token) -> bool:
    """Whether a participle names who made its deal ("signed between", "agreed by")."""
    return any(c.dep_ in ("prep", "agent") and c.lower_ in ("between", "among", "by") for c in verb.children)


def _coagents(tok: Token, finder: RoleFinder) -> list[str]:
    """Who acts together with the subject of the trigger's clause ("X, together with Y, signed",
    "X and Y, along with Z, held talks", "X joined Y in talks")."""
    verb = tok
    for _ in range(2):
        if verb.pos_ in ("VERB", "AUX") or verb.head == verb:
            break
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX") or (
        verb != tok and verb.lemma_.lower() not in finder.lexicon.light_verbs
    ):
        return []  # "organised a meeting between Y and Z along with W": W organised, did not meet
    out: list[str] = []
    if tok.dep_ == "pobj" and tok.head.head == verb and verb.lemma_.lower() in finder.lexicon.joining_verbs:
        out += [a for c in verb.children if c.dep_ == "dobj" for a in finder.actors(c)]
    words = finder.lexicon.coagent_words
    holders = [verb, *(c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass"))]
    for holder in holders:
        for prep in holder.children:
            if prep.lower_ in words:  # "along with Z": with under along
                prep = next((c for c in prep.children if c.lower_ == "with"), prep)
            elif not (prep.lower_ == "with" and any(c.lower_ in words for c in prep.children)):
                continue
            out += [a for o in prep.children if o.dep_ == "pobj" for a in finder.actors(o)]
    return out


def _shared_partners(tok: Token, finder: RoleFinder, verbs: dict[PloverType, set[str]]) -> list[str]:
    """The partners of the meeting or deal a verb with no subject of its own goes on from ("X met Y,
    agreeing to a truce", "X held talks with Y and signed an accord"): the object of the verb above,
    or those it (or its object) is "with"."""
    verb = tok
    if tok.dep_ == "dobj" or (tok.dep_ == "pobj" and tok.head.dep_ == "prep"):
        verb = tok.head if tok.dep_ == "dobj" else tok.head.head  # "agreeing to a truce"
    if verb.pos_ != "VERB" or verb.dep_ not in ("advcl", "conj", "xcomp"):
        return []
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return []
    head = verb.head
    lemma = head.lemma_.lower()
    meeting = any(lemma in verbs.get(kind, ()) for kind in SYMMETRIC_TYPES)
    if not meeting and lemma not in finder.lexicon.light_verbs:
        return []
    objects = [c for c in head.children if c.dep_ == "dobj"]
    out = [a for o in objects for a in finder.actors(o)] if meeting else []
    for holder in (head, *objects):
        for prep in holder.children:
            if prep.dep_ == "prep" and prep.lower_ in ("with", "between"):
                out += [a for o in prep.children if o.dep_ == "pobj" for a in finder.actors(o)]
    return out


def _clause_subject(tok: Token, finder: RoleFinder) -> list[str]:
    """The subject of the clause a prepositional phrase belongs to ("A and B swapped prisoners as a
    result of X's mediation": A and B)."""
    cur = tok
    for _ in range(6):
        if cur.dep_ not in ("pobj", "prep") or cur.head == cur:
            return []
        cur = cur.head
        if cur.pos_ == "VERB":
            return finder.subject(cur)[0]
    return []


def complete_roles(
    tok: Token,
    rule: Trigger,
    roles: Roles,
    finder: RoleFinder,
    verbs: dict[PloverType, set[str]],
    brokers: list[str],
    context: tuple[str, ...],
) -> None:
    """Fill in the parties a symmetric trigger's own roles leave out: the subject of a verb of the
    same type that governs it through a preposition ("agreed to a ceasefire with Y", "agreed on talks
    with Y"); and, for a deal the sentence names a broker of but fewer than two parties ("the truce
    proposed by mediator X"), the parties of the deal of the last sentences. A deal whose participle
    names its makers ("the accord signed between Y and Z") takes no parties from the verb above it. A
    mediation that names no sides mediates between the subject of its clause ("Y and Z swapped
    prisoners through X's mediation"). Talks that made a deal and name fewer than two sides ("the
    deal, reached after years of negotiations") are among the parties of the deal of the last sentences."""
    if rule.type not in SYMMETRIC_TYPES:
        return
    by = any(c.dep_ == "agent" or c.lower_ == "by" for c in tok.children)  # its own agent are its makers
    participle = tok.dep_ == "acl" and _names_makers(tok) and not by
    made = participle or any(c.dep_ == "acl" and _names_makers(c) for c in tok.children)
    if made and roles.inherited:  # "criticised the accord signed between Y and Z": not the critic's
        roles.sources = []
    if rule.mediation and not roles.partners and tok.pos_ == "NOUN":
        roles.partners = [a for a in _clause_subject(tok, finder) if a not in roles.sources]
    roles.sources += [a for a in _coagents(tok, finder) if a not in roles.sources]
    if len(set(roles.sources) | set(roles.targets) | set(roles.partners)) < 2:
        roles.partners += [a for a in _shared_partners(tok, finder, verbs) if a not in roles.sources]
    if tok.pos_ != "NOUN":
        return
    prep, verb = tok.head, tok.head.head
    governed = tok.dep_ == "pobj" and prep.dep_ == "prep" and verb.pos_ == "VERB"
    if not roles.sources and governed and verb.lemma_.lower() in verbs.get(rule.type, ()):
        roles.sources, _ = finder.subject(verb)
        roles.inherited = True
    named = set(roles.sources) | set(roles.targets) | set(roles.partners)
    if rule.type == PloverType.AGREE and brokers and len(named | set(brokers)) < 3:
        roles.partners += [*context, *brokers]
        roles.inherited = True
    elif (
        rule.type == PloverType.CONSULT
        and len(named) < 2
        and tok.dep_ != "compound"  # "the contact group agreed": a kind of group, no talks
        and _leads_to_deal(tok, finder.lexicon)
    ):
        roles.partners += context  # "the deal, reached after four years of negotiations"
        roles.inherited = True


def _leads_to_deal(tok: Token, lex: Lexicon) -> bool:
    """Whether talks are those that made a deal: a deal or its making governs them."""
    return any(
        _is(t, lex.deal_verbs if t.pos_ == "VERB" else lex.agreement_nouns) for t in list(tok.ancestors)[:4]
    )


def _requested_deal(tok: Token, lex: Lexicon, requests: set[str]) -> bool:
    """Whether a deal noun is what a request asks for ("called for a ceasefire", "urged a truce")."""
    if not _is(tok, lex.agreement_nouns) or tok.head.pos_ not in ("VERB", "ADP"):
        return False
    if tok.dep_ == "pobj" and tok.head.lower_ == "for":
        return tok.head.head.pos_ == "VERB" and tok.head.head.lemma_.lower() in requests
    return tok.dep_ == "dobj" and tok.head.lemma_.lower() in lex.requesting_verbs


def requested_parties(
    tok: Token,
    rule: Trigger,
    roles: Roles,
    finder: RoleFinder,
    lex: Lexicon,
    requests: set[str],
    adversaries: dict[str, str],
    met: tuple[str, ...] = (),
    talks: tuple[str, ...] = (),
) -> None:
    """A deal someone calls for is no deal yet among the callers; the request goes to the sides it
    would bind: those its phrase names ("a ceasefire in the A-B conflict"), else the sides of the
    fighting of the last sentences. Any other request with no addressee goes to whom the sentence
    says the asker met ("during talks with Peru, Chile demanded the release of the fishermen"), or,
    made "at the meeting" the sentence names no party of, to the others in the last ``talks``."""
    if rule.type in SYMMETRIC_TYPES and _requested_deal(tok, lex, requests):
        roles.sources, roles.targets, roles.partners = [], [], []
        return
    if rule.type != PloverType.REQUEST or roles.targets or not roles.sources:
        return
    deals = [c for p in tok.children if p.dep_ == "prep" for c in p.children if c.dep_ == "pobj"]
    deals += [c for c in tok.children if c.dep_ == "dobj"]
    for deal in deals:
        if _requested_deal(deal, lex, requests):
            named = [a for a in finder.actors(deal) if a not in roles.sources]
            sides = named or [a for pair in adversaries.items() for a in pair if a not in roles.sources]
            roles.targets = list(dict.fromkeys(sides))
            roles.inherited = not named
            return
    if tok.pos_ == "VERB" and not met and _at_known_meeting(tok, finder):
        met = talks
    if tok.pos_ == "VERB" and set(roles.sources) & set(met):
        roles.targets = [a for a in met if a not in roles.sources]


def _at_known_meeting(verb: Token, finder: RoleFinder) -> bool:
    """Whether a verb is done "at the meeting" or "during the talks": a meeting the reader knows,
    whose phrase names no actor."""
    return any(
        prep.dep_ == "prep"
        and prep.lower_ in ("at", "during", "in")
        and _is(noun, finder.lexicon.meeting_nouns)
        and any(c.dep_ in ("det", "poss") for c in noun.children)
        and not finder.actors(noun)
        for prep in verb.children
        for noun in prep.children
        if noun.dep_ == "pobj"
    )
