"""Attribution: an act told after "for" or "of" beside a verb's object is the object's act ("blamed
Peru for shelling the posts", "accused Chile of arming the rebels", "thanked Peru for freeing the
crew"): who blames, accuses or thanks is not its author; and who "was behind" an act made it."""

from __future__ import annotations

from spacy.tokens import Token

OBJECT_CONTROL = frozenset({"for", "of", "with"})
"""Prepositions through which an act is said of the object of the verb ("charged X with ...")."""


def controlling_object(verb: Token) -> Token | None:
    """The object of the verb an act in a "for"/"of" complement hangs on, when that verb has one."""
    prep = verb.head
    if verb.dep_ != "pcomp" or prep.dep_ != "prep" or prep.lower_ not in OBJECT_CONTROL:
        return None
    governor = prep.head
    if governor.pos_ != "VERB":
        return None
    return next((c for c in governor.children if c.dep_ == "dobj" and c.i < prep.i), None)


def behind(tok: Token) -> Token | None:
    """The verb whose subject is the author of an act it "was behind" ("Peru was behind the raid")."""
    prep = tok.head
    if tok.dep_ != "pobj" or prep.lower_ != "behind" or prep.head.lemma_.lower() != "be":
        return None
    return prep.head
