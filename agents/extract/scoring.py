"""Numbers the extractor weighs and bounds its readings with, read from ``rules/scoring.yaml``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Wrapping(BaseModel):
    """What marks copy as hard-wrapped at a fixed width, whose line breaks join one paragraph."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    lines: int
    """Copy of fewer non-empty lines than this is never taken for hard-wrapped."""
    width: int
    """Lines of hard-wrapped copy are at most this long; paragraphs of web text are longer."""
    share: float
    """The share of lines within ``band`` characters of the longest that marks copy as wrapped."""
    band: int
    """How many characters shorter than the longest line a full line of wrapped copy may be."""


class Scoring(BaseModel):
    """Windows, spans, weights and confidences of extraction."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    historical_days: int
    """An event dated more than this many days before the article was published is historical."""
    confidence: float
    """The confidence of an event whose arguments the sentence states."""
    inherited_confidence: float
    """The confidence of an event with an argument taken from earlier sentences."""
    actor_weight: float
    """What a state named as an actor counts for the article's country, against a place in it."""
    story_span_days: int
    """How many days before publication a sentence's date may lie to move the day the story is at."""
    agreement_memory: int
    """For how many sentences the parties of the last deal or talks are remembered."""
    fight_memory: int
    """For how many sentences who fought whom is remembered."""
    claim_memory: int
    """For how many sentences who claimed or accused is remembered, for the denials that answer it."""
    reference_window: int
    """How many sentences after an actor was named a pronoun or group noun can still refer to it."""
    wrapping: Wrapping
    """What marks copy as hard-wrapped."""
