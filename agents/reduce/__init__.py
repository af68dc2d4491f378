"""Event-sourced state: the table registry, the alliance and zone reducers, replay, digest and audit.

Pure functions over :mod:`schemas`: a row is a function of the *set* of events
it holds, so any order, and any repetition, of the same events gives the same
tables. See ``README.md`` beside this module for the scoring rules.
"""

from agents.reduce.audit import ranked, strongest, why
from agents.reduce.digest import digest
from agents.reduce.fold import Tables, fold
from agents.reduce.rows import State, keys, view
from agents.reduce.standard import ALLIANCES, ZONES
from agents.reduce.step import apply, step

__all__ = [
    "ALLIANCES",
    "ZONES",
    "State",
    "Tables",
    "apply",
    "digest",
    "fold",
    "keys",
    "ranked",
    "step",
    "strongest",
    "view",
    "why",
]
