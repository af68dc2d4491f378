"""Trigger words on a parsed sentence: the rules whose lemma a word has and whose conditions the
word's dependents meet."""

from __future__ import annotations

from spacy.matcher import Matcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from agents.extract.roles import for_clause, objects_through
from agents.extract.rules import Rules, Trigger

POS_GROUPS = {"AUX": "VERB", "PROPN": "NOUN"}
"""Parts of speech that count as another for a rule's ``pos``."""


class TriggerFinder:
    """The trigger rules indexed by word and rank, and a matcher for their words; built once."""

    def __init__(self, vocab: Vocab, rules: Rules, trigger_lemmas: set[str]) -> None:
        self.lexicon = rules.lexicon
        self.rules_by_word: dict[str, list[Trigger]] = {}
        for rule in rules.triggers:  # in file order; the rank below puts priorities first
            for lemma in rule.lemmas:
                self.rules_by_word.setdefault(lemma, []).append(rule)
        self.rank = {rule.id: (-rule.priority, order) for order, rule in enumerate(rules.triggers)}
        words = sorted(trigger_lemmas)
        self.trigger_matcher = Matcher(vocab)
        self.trigger_matcher.add("TRIGGER", [[{"LEMMA": {"IN": words}}], [{"LOWER": {"IN": words}}]])

    def find(self, doc: Doc) -> list[tuple[Token, Trigger]]:
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
