"""What speakers say of others: calling an act "illegal" or "a provocation" accuses its author;
reporting that another side attacked accuses it; announcing one's own attack threatens its target."""

from __future__ import annotations

from spacy.tokens import Token

from agents.extract.roles import RoleFinder, Roles
from agents.extract.rules import Trigger
from schemas.event import PloverType

PREDICATES = ("acomp", "attr", "oprd")
"""Dependencies of a word said of a subject or an object ("was illegal", "called it a provocation")."""


def appraised(tok: Token) -> Token | None:
    """The noun an appraising word is said of: the noun it modifies ("its illegal activities"), the
    subject of its small clause ("held Peru responsible"), the object of the verb that predicates it
    ("called the decision dangerous"), else its subject ("the move is a provocation")."""
    if tok.dep_ == "amod" and tok.pos_ == "ADJ":
        return tok.head
    if tok.dep_ == "ccomp" and tok.pos_ == "ADJ":  # a small clause: "holds Peru responsible"
        return next((c for c in tok.children if c.dep_ == "nsubj"), None)
    if tok.dep_ not in PREDICATES or tok.head.pos_ not in ("VERB", "AUX"):
        return None
    verb = tok.head
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    return (objects or subjects or [None])[0]


def appraising(tok: Token, rule: Trigger) -> bool:
    """Whether the word appraises something as an accusation: an accusing adjective, or an accusing noun
    said of a subject or an object ("called the move a provocation")."""
    return rule.type == PloverType.ACCUSE and (tok.pos_ == "ADJ" or tok.dep_ in PREDICATES)


def appraisal_roles(tok: Token, rule: Trigger, finder: RoleFinder, speech: frozenset[str]) -> Roles | None:
    """An accusing word said of an act accuses the act's author; who accuses is the subject of the verb
    that says it of an object ("Peru called the move illegal", "Peru held Chile responsible"), else who
    reports the clause, else the subject of a main verb of speech or request ("We urge Chile to end its
    illegal fishing")."""
    if not appraising(tok, rule):
        return None
    thing = appraised(tok)
    if thing is None:
        return None
    targets = finder.actors(thing)
    if thing.dep_ == "dobj" or thing.head == tok:
        sources = finder.subject(thing.head if thing.dep_ == "dobj" else tok.head)[0]
    else:
        sources = finder.reporter(tok)
        root = tok.sent.root
        if not sources and root.lemma_.lower() in speech | finder.lexicon.requesting_verbs | {"call"}:
            sources = finder.subject(root)[0]
    return Roles(sources=[s for s in sources if s not in targets], targets=targets)


def obliged(chain: list[Token], deontic: frozenset[str]) -> bool:
    """Whether a modal of obligation governs the trigger ("must withdraw", "should end its offensive")."""
    return any(c.dep_ == "aux" and c.lower_ in deontic for t in chain for c in t.children)


def negated(tok: Token) -> str | None:
    """An appraisal holds whatever governs it ("stop its illegal raids"), unless it is itself negated."""
    return "negated" if any(c.dep_ == "neg" for c in tok.children) else None


def promised_threat(tok: Token, rule: Trigger, blocked: str | None, promising: frozenset[str]) -> bool:
    """A threat one vows or pledges to carry out is still a threat ("vowed to retaliate for the raid"),
    though a vow makes other acts only aims."""
    return blocked == "irrealis" and rule.type == PloverType.THREATEN and tok.head.lemma_.lower() in promising


def announced_threats(
    tok: Token, finder: RoleFinder, roles: Roles, planned: bool, adversaries: dict[str, str]
) -> list[tuple[str, str]]:
    """(reporter, target) for an attack of one's own announced to come ("Peru said the war against
    Chile would resume"): the reporter's, or, named by a noun, no one else's; its unnamed target is the
    reporter's adversary of the last sentences ("said the offensive will go on")."""
    reporters = finder.reporter(tok, warning=True)
    own = set(roles.sources) <= set(reporters) if roles.sources else tok.pos_ == "NOUN"
    if not planned or not reporters or not own:
        return []
    targets = roles.targets or [adversaries[r] for r in reporters if r in adversaries]
    return [(r, t) for r in reporters for t in dict.fromkeys(targets) if r != t]


def reported_attackers(
    tok: Token, rule: Trigger, finder: RoleFinder, roles: Roles, adversaries: dict[str, str]
) -> list[tuple[str, str]]:
    """(reporter, perpetrator) for an attack a speaker says another side did ("a Peruvian spokesman
    said Chilean jets bombed the posts"): an accusation, when the reporter takes no part in it and is
    its target or its author's adversary, or a verb tells the attack with its author and no target;
    not for fighting of both sides."""
    if rule.both_ways:
        return []
    sources = list(dict.fromkeys(roles.sources))
    return [
        (reporter, source)
        for reporter in finder.reporter(tok, direct=True)
        if reporter not in sources
        and (
            reporter in roles.targets
            or any(adversaries.get(s) == reporter for s in sources)
            or not (roles.targets or roles.inherited or tok.pos_ == "NOUN")
        )
        for source in sources
    ]


def intended_threats(tok: Token, roles: Roles, intents: frozenset[str]) -> list[tuple[str, str]]:
    """(author, target) of an attack its author plans, prepares or aims to make ("Peru is preparing to
    strike Chilean posts", "Peru's plan to invade"): a stated aim to attack threatens the target."""
    if tok.dep_ not in ("xcomp", "acl") or tok.head.lemma_.lower() not in intents:
        return []
    return [(s, t) for s in dict.fromkeys(roles.sources) for t in dict.fromkeys(roles.targets) if s != t]


def conditioned_targets(tok: Token, finder: RoleFinder) -> list[str]:
    """Whom a threat with no object is made against: the subject of its condition ("threatened to
    retaliate if Chile crossed the line", "warned of a response if Chile went on")."""
    clauses = [tok, *(c for c in tok.children if c.dep_ in ("xcomp", "ccomp"))]
    return [
        actor
        for clause in clauses
        for advcl in clause.children
        if advcl.dep_ == "advcl"
        and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in advcl.children)
        for actor in finder.subject(advcl)[0]
    ]
