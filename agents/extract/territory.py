"""Moves into ground another actor holds: entering it is coercion against the holder, not a deployment."""

from __future__ import annotations

import dataclasses

from spacy.tokens import Token

from agents.extract.roles import RoleFinder, Roles
from agents.extract.rules import Lexicon, Trigger
from schemas.event import PloverType


def entry_into_held_ground(
    tok: Token, rule: Trigger, roles: Roles, finder: RoleFinder, lexicon: Lexicon
) -> Trigger:
    """The rule as coercion against the holders when a deployment verb moves into a place another actor
    holds ("troops entered the rebel-held town"); the rule unchanged otherwise (``roles.targets`` then
    names the holders)."""
    if rule.type != PloverType.MOBILIZE or tok.lemma_.lower() not in lexicon.entering_verbs:
        return rule
    holders = [a for a in finder.holders_of_places(tok) if a not in roles.sources]
    if not roles.sources or not holders:
        return rule
    roles.targets = list(dict.fromkeys(holders))
    return dataclasses.replace(rule, type=PloverType.COERCE, id=f"{rule.id}:held")
