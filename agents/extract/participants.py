"""Who takes part in talks or a deal the text has already named: actors said to be involved in them
("X and Y were also involved in the talks", "Z took part in the negotiations") join their known
participants, and a deal or talks with no maker named are those of the known participants."""

from __future__ import annotations

from spacy.tokens import Token

from agents.extract.roles import RoleFinder, Roles
from agents.extract.rules import Trigger
from schemas.event import SYMMETRIC_TYPES, PloverType

REMEMBERED = frozenset({PloverType.AGREE, PloverType.CONSULT})
"""Types whose unnamed makers are the parties of the deal or talks of the last sentences."""


def _involvement(tok: Token, finder: RoleFinder) -> Token | None:
    """The word that says who takes part in the talks ``tok`` names ("involved in", "took part in",
    "present at"), if any."""
    prep = tok.head
    if tok.dep_ == "dobj" and prep.dep_ == "pcomp":
        prep = prep.head  # "involved in drawing up the deal"
    elif tok.dep_ != "pobj":
        return None
    if prep.lower_ not in finder.lexicon.involvement_preps:
        return None
    words = finder.lexicon.involvement_words
    head = prep.head
    if head.lemma_.lower() == "part" and head.dep_ == "dobj":
        head = head.head  # "took part in": "in" under "part"
    named = {head.lemma_.lower(), head.lower_} | {c.lemma_.lower() for c in head.children if c.dep_ == "dobj"}
    return head if named & words else None


def joined_talks(tok: Token, rule: Trigger, roles: Roles, finder: RoleFinder, known: tuple[str, ...]) -> None:
    """Actors involved in talks or a deal join those the trigger names, else those of the talks or
    deal of the last sentences ("The United States was also involved in the talks"); talks that
    involve or bring together actors have them as participants ("the talks involved X, Y and Z")."""
    if rule.type not in SYMMETRIC_TYPES or tok.pos_ != "NOUN":
        return
    lex = finder.lexicon
    if tok.dep_ == "nsubj" and tok.head.lemma_.lower() in lex.involvement_words | lex.membership_verbs:
        objects = [c for c in tok.head.children if c.dep_ in ("dobj", "npadvmod")]  # "involved X and Y"
        roles.partners += [a for c in objects for a in finder.actors(c, deep=False)]
        return
    verb = _involvement(tok, finder)
    if verb is None:
        return
    if verb.dep_ == "acl":  # "the presidents, involved in the talks"
        joined = finder.actors(verb.head, open_of=False)
    else:
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        joined = [a for c in subjects for a in finder.actors(c, open_of=False)]
    if not joined:
        return
    named = set(roles.targets) | set(roles.partners)
    roles.sources = list(dict.fromkeys([*joined, *roles.sources]))
    if len(named) < 2:
        roles.partners += [a for a in known if a not in joined]
        roles.inherited = True


def _generic(noun: Token) -> bool:
    """Whether a noun names deals or talks of a kind, not ones the reader knows ("under agreements
    with Damascus", "talks with rebels")."""
    return noun.tag_ == "NNS" and not any(c.dep_ in ("det", "poss") for c in noun.children)


def remembered_parties(tok: Token, rule: Trigger, roles: Roles, known: tuple[str, ...]) -> None:
    """A deal or talks that name no maker and only the side they are "with" ("the agreement with
    Moscow", "the breakthrough negotiated with China") are those of the parties of the deal or talks
    of the last sentences, who made them with that side."""
    if rule.type not in REMEMBERED or roles.sources or not known:
        return
    named = set(roles.targets) | set(roles.partners)
    if len(named) != 1 or not any(c.dep_ == "prep" and c.lower_ == "with" for c in tok.children):
        return
    if _generic(tok):
        return
    roles.partners += [a for a in known if a not in named]
    roles.inherited = True


def deal_talks(tok: Token, rule: Trigger, roles: Roles, finder: RoleFinder) -> None:
    """Talks a deal was made after or in ("agreed the terms with Y after long talks") are among all
    the deal's parties: the verb's subject and those it made the deal with."""
    if rule.type != PloverType.CONSULT or tok.pos_ != "NOUN" or tok.dep_ != "pobj":
        return
    verb = next((t for t in list(tok.ancestors)[:5] if t.pos_ == "VERB"), None)
    if verb is None or verb.lemma_.lower() not in finder.lexicon.deal_verbs:
        return
    holders = [verb, *(c for c in verb.children if c.dep_ == "dobj")]
    partners = [
        a
        for h in holders
        for p in h.children
        if p.dep_ == "prep" and p.lower_ == "with"
        for o in p.children
        if o.dep_ == "pobj"
        for a in finder.actors(o)
    ]
    roles.partners += [a for a in partners if a not in roles.partners]
