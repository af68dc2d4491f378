"""Anchoring an event in time and place: the date and the zone a sentence gives its trigger."""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Doc, Token

from agents.extract.dates import DateMention


def trigger_date(
    tok: Token, doc: Doc, dates: list[DateMention], day: dt.date | None, modality: str, historical: bool
) -> dt.date | None:
    """The day the sentence gives the trigger: a date in the trigger's own phrase first, then one in
    its clause, then the nearest; with none, news of the day takes ``day``, the day the story is at."""
    own = [d for d in dates if not _dates_other_noun(tok, doc, d)]
    if own:
        return _closest_date(tok, doc, own).day
    if day is None or modality == "planned" or historical:
        return None
    return day


def trigger_zone(
    tok: Token, doc: Doc, zones: list[tuple[int, int, str | None]], last_zone: str | None
) -> str | None:
    """The zone named in the trigger's phrase, else in its clause, else nearest; without one, the
    zone the text was last about, unless the sentence names a place that has no zone."""
    real = [z for z in zones if z[2] is not None]
    if real:
        subtree = {t.i for t in tok.subtree}
        clause = _clause_verb(tok)

        def rank(zone: tuple[int, int, str | None]) -> tuple[int, int]:
            level = 0 if zone[0] in subtree else 1 if _clause_verb(doc[zone[0]]) == clause else 2
            return level, min(abs(zone[0] - tok.i), abs(zone[1] - 1 - tok.i))

        return min(real, key=rank)[2]
    if zones:
        return None
    return last_zone


def _clause_verb(tok: Token) -> Token:
    """The verb of the clause a token belongs to (the root when there is none)."""
    cur = tok
    for _ in range(12):
        if cur.pos_ in ("VERB", "AUX") or cur.head == cur:
            return cur
        cur = cur.head
    return cur


def _dates_other_noun(tok: Token, doc: Doc, date: DateMention) -> bool:
    """ "last month's coup", "Sunday's vote": a date that modifies another noun than the trigger."""
    span = doc.char_span(date.start, date.end, alignment_mode="expand")
    if span is None or span.root.dep_ not in ("poss", "compound", "amod", "nmod"):
        return False
    return span.root.head.i != tok.i


def _closest_date(tok: Token, doc: Doc, dates: list[DateMention]) -> DateMention:
    subtree = {t.i for t in tok.subtree} if tok.pos_ in ("NOUN", "PROPN") else set()
    clause = _clause_verb(tok)
    anchor = tok.idx

    def rank(date: DateMention) -> tuple[int, int]:
        span = doc.char_span(date.start, date.end, alignment_mode="expand")
        level = 2
        if span is not None:
            if span.root.i in subtree:
                level = 0
            elif _clause_verb(span.root) == clause:
                level = 1
        return level, min(abs(date.start - anchor), abs(date.end - anchor))

    return min(dates, key=rank)
