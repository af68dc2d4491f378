"""Date expressions in a sentence, resolved against the article's published date.

Weekdays and explicit days resolve to a day; vague periods ("last month", "in 2016",
"recently") resolve to none, as the guidelines say.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_EXPLICIT = re.compile(
    rf"\b(?:{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*-\s*\d{{1,2}})?(?:,?\s+(?P<year>(?:19|20)\d\d))?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month2>"
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r")\.?,?(?:\s+(?P<year2>(?:19|20)\d\d))?)\b",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(  # "Monday", "Monday's", "Monday evening": a part of the day belongs to it
    r"\b(?P<weekday>" + "|".join(WEEKDAYS) + r")(?:'s)?(?:\s+(?:morning|afternoon|evening|night))?\b",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\b(?P<rel>yesterday|today|tonight|tomorrow|this morning|this evening|overnight)\b", re.I
)
_VAGUE = re.compile(
    r"\b(?:last|next|this|past|coming|previous|earlier this|later this)\s+"
    r"(?:week|month|year|spring|summer|autumn|fall|winter|weeks|months|years)"
    r"|\b(?:in|since|during|until|by|of|from)\s+(?:early |late |mid-?)?(?:(?:19|20)\d\d)\b"
    r"|\brecently\b|\bearlier this\b"
    r"|\bin (?:"
    + "|".join(k for k in MONTHS if len(k) > 3)
    + r")\b(?!\s+\d)|\b(?:ago|years?|months?)\b\s+(?:ago|earlier|before)"
    r"|\b\d+\s+(?:days|weeks|months|years)\s+(?:ago|earlier)|\ba (?:year|month|week) ago\b",
    re.IGNORECASE,
)
_YEAR = re.compile(
    r"\b(?:in|since|of|from|until|during)\s+(?:early |late |mid-?)?((?:19|20)\d\d)\b|\b((?:19|20)\d\d)\b"
)


"""How long before publication a day the text names may lie and still be the day its story is at."""


@dataclass(frozen=True)
class DateMention:
    """A date expression: its character span in the sentence and the day it names (or None)."""

    start: int
    end: int
    day: dt.date | None
    vague: bool = False


def _nearest(month: int, day: int, published: dt.date, forward: bool) -> dt.date | None:
    """The day ``month``/``day`` closest to publication, looking back (or forward when planned)."""
    for year in (published.year, published.year - 1, published.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            return None
        ahead = candidate >= published if forward else candidate <= published + dt.timedelta(days=1)
        if ahead and abs((candidate - published).days) <= 300:
            return candidate
    return None


def _weekday(name: str, published: dt.date, forward: bool) -> dt.date:
    target = WEEKDAYS.index(name.lower())
    delta = (target - published.weekday()) % 7
    return published + dt.timedelta(days=delta) if forward else published - dt.timedelta(days=(-delta) % 7)


def find_dates(text: str, published: dt.date | None, forward: bool) -> list[DateMention]:
    """Every date expression of a sentence; ``forward`` resolves weekdays and days to the future."""
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for match in _EXPLICIT.finditer(text):
        month = MONTHS[(match.group("month") or match.group("month2")).lower()]
        day = int(match.group("day") or match.group("day2"))
        year = match.group("year") or match.group("year2")
        try:
            if year:
                when: dt.date | None = dt.date(int(year), month, day)
            else:
                when = _nearest(month, day, published, forward) if published else None
        except ValueError:
            when = None
        out.append(DateMention(match.start(), match.end(), when))
        taken.append(match.span())
    for match in _WEEKDAY.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        when = _weekday(match.group("weekday"), published, forward) if published else None
        out.append(DateMention(match.start(), match.end(), when))
    for match in _RELATIVE.finditer(text):
        if published is None:
            out.append(DateMention(match.start(), match.end(), None))
            continue
        word = match.group("rel").lower()
        shift = {"yesterday": -1, "tomorrow": 1}.get(word, 0)
        out.append(DateMention(match.start(), match.end(), published + dt.timedelta(days=shift)))
    for match in _VAGUE.finditer(text):
        if not any(s <= match.start() < e for s, e in taken):
            out.append(DateMention(match.start(), match.end(), None, vague=True))
    return sorted(out, key=lambda d: d.start)


def is_historical(text: str, published: dt.date | None, dates: list[DateMention]) -> bool:
    """Background more than about three months before publication."""
    if published is None:
        return False
    limit = published - relativedelta(months=3)
    if any(d.day is not None and d.day < limit for d in dates):
        return True
    for match in _YEAR.finditer(text):
        year = int(match.group(1) or match.group(2))
        if year < published.year and (match.group(1) or year < published.year - 1):
            return True
    return bool(re.search(r"\blast year\b|\byears? ago\b|\bin the past\b", text, re.I))


def next_story_day(
    text: str, published: dt.date | None, current: dt.date | None, span: dt.timedelta
) -> dt.date | None:
    """The day the story is at after a sentence: the last day of the few before publication that the
    sentence names, else the day it was at; sentences with no day of their own take it, not the
    published date ("clinched a deal on Tuesday. ... The deal, reached in Vienna, ...")."""
    if published is None:
        return current
    days = [d.day for d in find_dates(text, published, False) if d.day is not None]
    recent = [d for d in days if published - span <= d <= published]
    return recent[-1] if recent else current
