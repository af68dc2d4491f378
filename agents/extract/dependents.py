"""What the trigger rules test of a word's dependents, read once per word however many rules it has."""

from __future__ import annotations

from functools import cached_property

from spacy.tokens import Token

from agents.extract.roles import for_clause, objects_through


class Dependents:
    """A trigger word's dependents and the words the rules look for among them; each set is read when a
    rule first asks for it."""

    def __init__(self, tok: Token) -> None:
        self.tok = tok
        self.children = list(tok.children)
        self.deps = {c.dep_ for c in self.children}
        self.words = {c.lemma_.lower() for c in self.children} | {c.lower_ for c in self.children}
        """The lemmas and lower-case forms of the children."""

    @cached_property
    def objects(self) -> frozenset[str]:
        """The lemmas that count as the verb's object: its object, passive subject or attribute, the
        "of" object or the conjunct of its object, the noun a participle modifies; a noun's "of" object."""
        tok = self.tok
        if tok.pos_ in ("NOUN", "PROPN"):
            return frozenset(_of_objects(tok))
        out = {c.lemma_.lower() for c in self.children if c.dep_ in ("dobj", "nsubjpass", "attr")}
        for child in self.children:
            if child.dep_ == "dobj":
                out |= _of_objects(child)
                out |= {c.lemma_.lower() for c in child.children if c.dep_ == "conj"}
        if tok.dep_ == "acl":
            out.add(tok.head.lemma_.lower())
        return frozenset(out)

    @cached_property
    def prep_objects(self) -> frozenset[tuple[str, str]]:
        """Each preposition with the lemma of each of its objects ("into", "talks")."""
        return frozenset(
            (c.lower_, o.lemma_.lower())
            for c in self.children
            if c.dep_ == "prep"
            for o in objects_through(c)
        )

    @cached_property
    def particles(self) -> frozenset[str]:
        """Particles, prepositions, adverbs and agents, and "for" when a for-clause depends on the word."""
        out = {c.lower_ for c in self.children if c.dep_ in ("prt", "prep", "advmod", "agent")}
        return frozenset(out | ({"for"} if any(for_clause(c) for c in self.children) else set()))

    @cached_property
    def modifiers(self) -> frozenset[str]:
        """The lemmas of the word's modifiers and conjuncts."""
        return frozenset(
            c.lemma_.lower()
            for c in self.children
            if c.dep_ in ("amod", "compound", "nmod", "advmod", "npadvmod", "conj")
        )


def _of_objects(tok: Token) -> set[str]:
    """The lemmas of the objects of the word's "of"."""
    return {
        o.lemma_.lower() for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for o in c.children
    }
