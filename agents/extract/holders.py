"""Who holds the places an article names: the implicit target of an attack on a place or of its capture
("shelled rebel-held Kafr Nabl", "bombed the districts, which are dominated by ISIS", or the place said
elsewhere in the article to be "under the control of" someone)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token

if TYPE_CHECKING:
    from agents.extract.roles import RoleFinder
    from agents.extract.rules import Lexicon


class Holders:
    """The holders of the places one article names, read off its parsed sentences."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.words = lexicon.holding_words
        self.strongholds = lexicon.stronghold_nouns
        self.relatives = lexicon.relative_pronouns
        self.state_preps = lexicon.state_preps
        self.places: dict[str, list[str]] = {}

    def read(self, doc: Doc, finder: RoleFinder) -> None:
        """Remember who holds each named place a sentence says is held; the first statement counts."""
        for tok in doc:
            if tok.pos_ in ("NOUN", "PROPN"):
                self._remember(tok, self.stated(tok, finder), finder)
                if tok.lemma_.lower() in self.strongholds:  # "the rebel stronghold of Douma"
                    owners = self._owners(tok, finder)
                    for prep in tok.children:
                        if prep.dep_ == "prep" and prep.lower_ == "of":
                            for place in prep.children:
                                self._remember(place, owners, finder)
            elif tok.pos_ in ("VERB", "AUX"):
                subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
                if tok.dep_ not in ("relcl", "acl"):
                    for subject in subjects:
                        self._remember(subject, self._predicate(tok, finder), finder)
                if tok.lemma_.lower() in self.words and not any(c.dep_ == "auxpass" for c in tok.children):
                    holders = finder.subject(tok)[0]
                    for obj in tok.children:  # "the SDF holds Manbij", "Hamas, which has ruled Gaza"
                        if obj.dep_ == "dobj":
                            self._remember(obj, holders, finder)

    def of(self, place: Token, finder: RoleFinder) -> list[str]:
        """Who holds ``place``: what its own phrase says, else what the article says elsewhere."""
        return self.stated(place, finder) or [
            a for name in names(place, finder) for a in self.places.get(name, [])
        ]

    def stated(self, noun: Token, finder: RoleFinder) -> list[str]:
        """Holders the noun phrase states: "ISIS-held", "controlled by", "which were in the control of",
        "a stronghold of"."""
        out: list[str] = []
        nouns = [noun, *(c for c in noun.children if c.dep_ == "conj")]
        nouns += [o for n in nouns for c in n.children if c.lower_ == "of" for o in c.children]
        for tok in nouns:  # "the areas of Hama province, which are dominated by ISIS"
            for child in tok.children:
                if child.dep_ in ("relcl", "acl"):
                    out += self._predicate(child, finder)
                elif child.dep_ == "amod" and child.lemma_.lower() in self.words:
                    out += finder.actors(child)
                elif child.dep_ == "appos" and child.lemma_.lower() in self.strongholds:
                    out += self._owners(child, finder)
        return list(dict.fromkeys(out))

    def _predicate(self, verb: Token, finder: RoleFinder) -> list[str]:
        """Holders a clause says hold its subject: "held by X", "which X controls", "is under X's control",
        "was the last bastion of X"."""
        out: list[str] = []
        holding = verb.lemma_.lower() in self.words
        for child in verb.children:
            if holding and child.dep_ == "agent":
                out += [a for o in child.children for a in finder.actors(o, open_of=False)]
            elif (
                holding
                and child.dep_ == "nsubj"
                and verb.dep_ == "relcl"
                and child.lower_ not in self.relatives
            ):
                out += finder.actors(child, open_of=False)
            elif child.dep_ == "attr" and child.lemma_.lower() in self.strongholds:
                out += self._owners(child, finder)
            elif child.dep_ == "prep" and child.lower_ in self.state_preps:
                for noun in child.children:
                    if noun.dep_ == "pobj" and noun.lemma_.lower() in self.words:
                        out += self._owners(noun, finder)
        return out

    @staticmethod
    def _owners(noun: Token, finder: RoleFinder) -> list[str]:
        """Whose a control or a stronghold is: "ISIS control", "the rebels' bastion", "a bastion of ISIS";
        an "of" phrase only when it is an actor's name itself, not a place ("the enclave of Afrin, Syria")."""
        out: list[str] = []
        for child in noun.children:
            if child.dep_ in ("poss", "compound", "amod"):
                out += finder.actors(child)
            elif child.dep_ == "prep" and child.lower_ == "of":
                named = [finder.by_token[o.i] for o in child.children if o.i in finder.by_token]
                out += [a for mention in named for a in mention.actors]
        return out

    def _remember(self, place: Token, holders: list[str], finder: RoleFinder) -> None:
        if holders:
            for name in names(place, finder):
                self.places.setdefault(name, list(dict.fromkeys(holders)))


def names(place: Token, finder: RoleFinder) -> list[str]:
    """The lower-case proper names of a place phrase: "Kafr Nabl" in "the town of Kafr Nabl", "Idlib" in
    "Idlib province"; not the actors it names."""
    heads = [place, *(c for c in place.children if c.dep_ in ("compound", "appos", "conj"))]
    heads += [o for c in place.children if c.dep_ == "prep" and c.lower_ == "of" for o in c.children]
    out: list[str] = []
    for head in heads:
        if head.pos_ != "PROPN" or head.i in finder.by_token:
            continue
        start = head.i
        while start > 0 and start - 1 not in finder.by_token:
            before = head.doc[start - 1]
            if before.pos_ != "PROPN" and before.lower_ not in finder.lexicon.name_parts:
                break
            start -= 1
        out.append(head.doc[start : head.i + 1].text.lower())
    return out
