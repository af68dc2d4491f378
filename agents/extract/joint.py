"""Forces of several states named as one body ("Kenyan and Ugandan troops"): when that body attacks,
captures or deploys, its states act together, and each pair of them cooperates."""

from __future__ import annotations

import itertools

from spacy.tokens import Token

from agents.extract.roles import HOSTILE, RoleFinder, Roles
from agents.extract.rules import Trigger
from schemas.event import PloverType

ACTING = HOSTILE | {PloverType.MOBILIZE}


def joint_forces(tok: Token, rule: Trigger, roles: Roles, finder: RoleFinder) -> list[tuple[str, str]]:
    """The pairs of states whose nationality words are joined on the one body that does the trigger's act
    ("captured by Rwandan and Mozambican forces"); none when the act is between those states."""
    if rule.type not in ACTING or (rule.type in HOSTILE and not roles.targets):
        return []
    bodies = [c for c in tok.children if c.dep_ == "nsubj"]
    bodies += [o for c in tok.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj"]
    for body in bodies:
        words = [c for c in body.children if c.dep_ in ("amod", "compound")]
        words += [w for m in words for w in m.conjuncts]
        states = sorted({a for w in words if (m := finder.by_token.get(w.i)) for a in m.actors})
        if len(states) >= 2 and not set(states) & set(roles.targets):
            return list(itertools.combinations(states, 2))
    return []
