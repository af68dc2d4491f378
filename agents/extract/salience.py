"""Salience: a pronoun that names no one in its own sentence goes on with whom the text is about, the
subject of the sentence before, rather than with whoever was named last ("Kenyan troops clashed with
Ugandan forces. They also ...": the Kenyan troops); and the object of a clause is someone else than the
clause's subject ("Kenyatta met Museveni. He urged him to ...": Kenyatta urged Museveni)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from spacy.tokens import Token

SUBJECTS = frozenset({"nsubj", "nsubjpass"})
OBJECTS = frozenset({"dobj", "dative", "pobj", "nsubj"})
"""Dependencies of a pronoun that, under a verb with another subject, names someone else."""


class Located(Protocol):
    """A mention: its tokens and the actors it names."""

    start: int
    actors: tuple[str, ...]


def clause_subject_actors(tok: Token, resolved: Sequence[Located]) -> set[str]:
    """The actors an already resolved subject of the verb governing ``tok`` names."""
    if tok.dep_ not in OBJECTS or (tok.dep_ in SUBJECTS and tok.head.dep_ != "xcomp"):
        return set()
    verb = tok.head.head if tok.dep_ == "pobj" else tok.head
    if tok.dep_ == "nsubj":  # "urged him to withdraw": the object of the governing verb
        verb = verb.head
    subjects = {t.i for c in verb.children if c.dep_ in SUBJECTS for t in c.subtree}
    return {a for m in resolved if m.start in subjects for a in m.actors}


def salient_person(
    tok: Token, lead: tuple[str, ...], people: Sequence[str], resolved: Sequence[Located]
) -> tuple[str, ...]:
    """The person a "he" or "she" with no antecedent in its sentence stands for: as subject, the person
    who led the sentence before (``lead``); else the last person named who is not the clause's
    subject."""
    if tok.dep_ in SUBJECTS and tok.head.dep_ != "xcomp" and lead:
        return lead
    other = clause_subject_actors(tok, resolved)
    return next(((a,) for a in reversed(people) if a not in other), ())


def salient_group(tok: Token, lead: tuple[str, ...], many: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    """The actors a "they" with no antecedent in its sentence stands for: as subject, the plural subject
    of the sentence before (``lead``); else the plural named last."""
    if tok.dep_ in SUBJECTS and lead:
        return lead
    return many[-1] if many else ()
