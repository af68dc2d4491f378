"""Whether a trigger states an event (negated, hypothetical, asked for, only an aim or an opinion
state none) and the event's modality."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from agents.extract.roles import for_clause
from agents.extract.rules import Lexicon, Trigger
from schemas.event import Modality, PloverType

COMPLEMENTS = frozenset({"xcomp", "ccomp", "dobj", "nsubjpass", "oprd", "pcomp", "acomp", "conj"})
"""Dependencies by which a clause or noun is what a governing word wants, fears or prevents."""


class Blocker:
    """Reads the words governing a trigger; built once per lexicon."""

    def __init__(self, lexicon: Lexicon, requests: set[str]) -> None:
        self.lexicon = lexicon
        self.asking = frozenset(requests & lexicon.irrealis_heads)
        """Request verbs whose clause is what is asked for ("demanded that the ships leave")."""

    def chain(self, tok: Token) -> list[Token]:
        """The trigger and the words governing it up to its clause's verb and the verbs above."""
        chain = [tok]
        cur = tok
        for _ in range(4):
            if cur.dep_ in ("ROOT",) or cur.head == cur:
                break
            if cur.pos_ in ("VERB", "AUX") and cur.dep_ not in ("xcomp", "conj", "acl", "pcomp", "advcl"):
                break
            cur = cur.head
            chain.append(cur)
        return chain

    def blocked(self, tok: Token) -> str | None:
        """Why the trigger states no event: "negated", "hypothetical", "irrealis"; None when it does."""
        lex = self.lexicon
        chain = self.chain(tok)
        verb = tok.head.head if tok.dep_ == "pobj" else tok.head
        presupposed = (  # "could drown out opposition calls", "did not comment on the strikes": they were
            tok.pos_ == "NOUN"
            and tok.dep_ in ("dobj", "pobj")
            and verb.pos_ == "VERB"
            and verb.lemma_.lower() not in lex.light_verbs
        )
        for below, t in zip([None, *chain], chain, strict=False):
            for child in t.children if t == tok or not presupposed else ():
                if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ == "no" and t == tok):
                    return "negated"
                if child.dep_ == "aux" and child.lower_ in lex.hypothetical_aux:
                    return "hypothetical"
                if child.dep_ == "mark" and child.lower_ in lex.hypothetical_marks:
                    return "hypothetical"
                if child.dep_ in ("advmod", "amod") and child.lower_ in lex.hypothetical_modifiers:
                    return "hypothetical"
            if (
                below is not None
                and (below.dep_ in COMPLEMENTS or (for_clause(below) and not self._stipulated(t)))
                and t.lemma_.lower() in lex.irrealis_heads
                and not _lasted(tok, lex.duration_nouns)
            ):
                return "irrealis"
        first = tok
        while first.dep_ == "conj" and first.head != first:
            first = first.head
        if first.dep_ in ("pobj", "pcomp") and first.head.lower_ == "without":
            return "negated"  # "took the town without fighting"
        if (
            chain[-1].dep_ == "ccomp"
            and chain[-1].head.lemma_.lower() in self.asking
            and all(t.dep_ != "advcl" for t in chain)
        ):
            return "irrealis"  # "demanded that the ships leave": asked for, not done
        if (
            tok.dep_ == "pobj"
            and tok.head.lower_ == "of"
            and tok.head.head.lemma_.lower() in lex.irrealis_nouns
        ):
            return "irrealis"
        if tok.dep_ in ("dobj", "nsubjpass") and tok.head.lemma_.lower() in lex.irrealis_heads:
            return "irrealis"
        return None

    def _stipulated(self, verb: Token) -> bool:
        """Whether an agreement calls for the clause ("the deal calls for Peru to free the crew"): what a
        deal provides for is planned, not merely asked for."""
        nouns = self.lexicon.agreement_nouns
        if verb.dep_ in ("acl", "relcl") and verb.head.lemma_.lower() in nouns:
            return True  # "the agreement, reached on Friday, called for ..."
        return any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in nouns for c in verb.children)

    def threat(self, tok: Token) -> bool:
        """An attack one stands ready for ("ready to confront Israel") or promises on a condition
        ("will strike Syrian forces if another soldier is hurt") is a threat."""
        chain = self.chain(tok)
        if any(t.lemma_.lower() in self.lexicon.readiness for t in chain[1:]):
            return True
        conditional = any(
            c.dep_ == "advcl"
            and any(m.dep_ == "mark" and m.lower_ in self.lexicon.condition_marks for m in c.children)
            for c in tok.children
        )
        return conditional and any(
            c.dep_ == "aux" and c.lower_ in self.lexicon.promise_aux for c in tok.children
        )

    def aim(self, tok: Token, rule: Trigger) -> bool:
        """Cooperation named as an aim ("to improve coordination") is not yet cooperation."""
        return (
            rule.type == PloverType.COOPERATE
            and tok.dep_ == "dobj"
            and tok.pos_ == "NOUN"
            and tok.head.lemma_.lower() in self.lexicon.aim_verbs
        )

    def about_agreement(self, tok: Token) -> bool:
        """Whether what the trigger opposes is an agreement ("objected to the memorandum",
        "protested that the plan would ...", "stormed out as the document was signed")."""
        nouns = self.lexicon.agreement_nouns
        return any(t.lemma_.lower() in nouns and t.pos_ == "NOUN" for t in tok.subtree if t != tok)

    def opinion(self, doc: Doc, commentators: set[str]) -> bool:
        lex = self.lexicon
        for tok in doc:
            if tok.lemma_.lower() in lex.speech_verbs and tok.pos_ == "VERB":
                for child in speakers_of(tok):
                    words = {t.lemma_.lower() for t in child.subtree} | {t.text for t in child.subtree}
                    if words & lex.commentator_nouns or words & commentators:
                        return True
        return False

    def modality(self, tok: Token) -> Modality:
        """Planned when a future or a plan governs the trigger; an event "after" or "since" which
        something else happens has happened."""
        lex = self.lexicon
        if tok.dep_ == "pobj" and tok.head.lower_ in lex.past_preps:
            return "asserted"
        for t in self.chain(tok):
            for child in t.children:
                if child.dep_ == "aux" and child.lower_ in lex.planned_aux:
                    return "planned"
                if (
                    child.dep_ in ("aux", "auxpass")
                    and child.lower_ == "to"
                    and t != tok
                    and t.head.lemma_.lower() in lex.planned_heads
                ):
                    return "planned"
            if t != tok and t.lemma_.lower() in lex.planned_heads and tok.dep_ == "xcomp":
                return "planned"
            if t.lower_ in lex.planned_words:
                return "planned"
        for child in tok.children:
            if child.lower_ in lex.planned_modifiers:
                return "planned"
        return "asserted"


def _lasted(tok: Token, durations: frozenset[str]) -> bool:
    """ "ended weeks of talks": an event that lasted a span of time has happened."""
    return tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lemma_.lower() in durations


def speakers_of(verb: Token) -> list[Token]:
    """The subjects of a verb of speech, with the speaker of an inverted attribution that the parse hangs
    on the quoted clause ("X will happen, said Y, an analyst, ...")."""
    found = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    quoted = [c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i]
    found += [s for c in quoted for s in c.children if s.dep_ == "nsubj" and s.left_edge.i == verb.i + 1]
    return found
