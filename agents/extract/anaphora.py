"""Anaphoric nouns: a bare definite noun for an act, for words or for an attack ("the move", "the
claim", "the attack") refers back to its author, whom the text named before; one for an office ("the
ministry", "the spokesman") to the actor whose office of that name the text named last ("Chile's
foreign ministry", "Chilean Foreign Minister Ana Soto")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from spacy.tokens import Doc, Token

from agents.extract.rules import Lexicon
from schemas.event import PloverType

ATTACKS = frozenset({PloverType.ASSAULT, PloverType.COERCE})
"""Types of the acts "the attack", "the strikes" or "the offensive" refer back to."""
TALKED_OF = frozenset({"dobj", "pobj", "conj"})
"""Dependencies of an attack noun that a clause talks of ("condemned the attack", "retaliated for
the strikes"); as a subject ("the attack killed five", "the attacks were staged") it tells an attack
of its own, and so it does with a modifier ("the first rebel attacks")."""


def anaphor_kind(tok: Token, lexicon: Lexicon) -> str | None:
    """Which author a bare definite noun refers back to: "words" ("the claim"), "acts" ("the move"),
    "attacks" ("condemned the strikes"); None for other nouns."""
    lemma = tok.lemma_.lower()
    if lemma in lexicon.word_nouns:
        return "words"
    if lemma in lexicon.act_nouns:
        return "acts"
    if (
        lemma in lexicon.attack_nouns
        and tok.dep_ in TALKED_OF
        and _governing(tok).pos_ == "VERB"
        and all(c.dep_ in ("det", "prep") for c in tok.children)
    ):
        return "attacks"
    return None


def _governing(tok: Token) -> Token:
    """The word a noun is the object of: its verb, or the verb of its preposition ("retaliated for the
    strikes"); for the object of a noun's preposition ("the nature of the attacks"), that noun."""
    while tok.dep_ == "conj" and tok.head != tok:
        tok = tok.head
    return tok.head.head if tok.dep_ == "pobj" else tok.head


class Named(Protocol):
    """A mention: its tokens and the actors it names."""

    start: int
    end: int
    actors: tuple[str, ...]


def office_owners(doc: Doc, mentions: Sequence[Named], offices: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """The offices a sentence names with their owner: the head an actor's name modifies ("Chile's
    ministry", "the Chilean embassy") or the title before a person's name ("Foreign Minister Soto")."""
    out: dict[str, tuple[str, ...]] = {}
    for mention in mentions:
        root = doc[mention.start : mention.end].root
        words = [c for c in root.children if c.dep_ == "compound" and c.i < mention.start]
        head = root
        while (
            head.dep_ in ("amod", "compound", "poss", "nmod")
            and head.head != head
            and head.head.i >= mention.end
        ):
            head = head.head
            words.append(head)
        for word in words:
            if word.lemma_.lower() in offices:
                out[word.lemma_.lower()] = mention.actors
    return out
