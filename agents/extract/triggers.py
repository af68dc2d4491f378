"""Trigger words on a parsed sentence: the rules whose lemma a word has and whose conditions the
word's dependents meet."""

from __future__ import annotations

from spacy.attrs import LEMMA, LOWER
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from agents.extract.dependents import Dependents
from agents.extract.rules import Rules, Trigger, lemmas_by_form

POS_GROUPS = {"AUX": "VERB", "PROPN": "NOUN"}
"""Parts of speech that count as another for a rule's ``pos``."""


class TriggerFinder:
    """The trigger rules indexed by word and rank, and the ids of their words; built once."""

    def __init__(self, vocab: Vocab, rules: Rules, trigger_lemmas: set[str]) -> None:
        self.lexicon = rules.lexicon
        self.rules_by_word: dict[str, list[Trigger]] = {}
        for rule in rules.triggers:  # in file order; sorted by rank below, priorities first
            for lemma in rule.lemmas:
                self.rules_by_word.setdefault(lemma, []).append(rule)
        self.rank = {rule.id: (-rule.priority, order) for order, rule in enumerate(rules.triggers)}
        for ranked in self.rules_by_word.values():
            ranked.sort(key=lambda r: self.rank[r.id])
        self.lemmas_of = lemmas_by_form(trigger_lemmas, rules.lexicon.irregular)
        self.lemma_ids = frozenset(vocab.strings.add(word) for word in trigger_lemmas)
        """The trigger words' ids: a word whose lemma is one of them may trigger."""
        self.form_ids = frozenset(vocab.strings.add(form) for form in self.lemmas_of)
        """The ids of the trigger words' inflected forms: a word lemmatised wrongly may trigger too."""

    def find(self, doc: Doc) -> list[tuple[Token, Trigger]]:
        """Trigger words (by lemma or lower-case form), each with its best rule and the companion
        rules that also fit it."""
        out: list[tuple[Token, Trigger]] = []
        words = doc.to_array([LEMMA, LOWER]).tolist()
        lemmas, forms = self.lemma_ids, self.form_ids
        for start in (i for i, (lemma, lower) in enumerate(words) if lemma in lemmas or lower in forms):
            tok = doc[start]
            pos = POS_GROUPS.get(tok.pos_, tok.pos_)
            wrong = self.lemmas_of.get(tok.lower_, ()) if tok.pos_ != "PROPN" else ()  # lemmatised wrongly
            candidates = self.rules_by_word.get(tok.lemma_.lower()) or sorted(
                (r for lemma in wrong for r in self.rules_by_word[lemma]), key=lambda r: self.rank[r.id]
            )
            dependents = Dependents(tok)
            fitting = [r for r in candidates if pos in r.pos and self._fits(tok, r, dependents)]
            best = next((rule for rule in fitting if not rule.companion), None)
            out += [(tok, rule) for rule in fitting if rule.companion or rule is best]
        return out

    def _fits(self, tok: Token, rule: Trigger, dependents: Dependents) -> bool:
        """Whether the word's dependents meet the rule's conditions."""
        if rule.without & dependents.words:
            return False
        if rule.object and "oprd" in dependents.deps:
            return False  # "called the attack a provocation": a name given to the object, no act on it
        objectless = rule.intransitive and not dependents.deps & {"dobj", "nsubjpass"}
        if (
            rule.object
            and not rule.object & dependents.objects
            and not objectless
            and not any(p in rule.particle and o in rule.object for p, o in dependents.prep_objects)
        ):
            return False
        if rule.xcomp is not None and rule.xcomp != ("xcomp" in dependents.deps):
            return False
        if rule.direct_object and any(
            c.dep_ == "dobj" and c.lemma_.lower() in self.lexicon.act_nouns for c in dependents.children
        ):
            return False  # "welcomed the decision" is no visit
        if rule.particle and not dependents.particles & rule.particle:
            return False
        if (
            rule.modifier
            and not dependents.modifiers & rule.modifier
            and not self._conj_modifier(tok, rule.modifier)
        ):
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
