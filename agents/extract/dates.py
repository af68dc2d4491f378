"""Date expressions in a sentence, resolved against the article's published date.

Weekdays and explicit days resolve to a day; vague periods ("last month", "in 2016",
"recently") resolve to none, as the guidelines say.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from spacy.tokens import Doc

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
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_SHIFT = re.compile(  # "two days later", "the previous day", "a day after X did Y", "three days ago"
    r"\b(?:(?P<n>a|an|one|two|three|four|five|six|seven|[1-9])\s+days?\s+(?P<dir>after|before|earlier|later|ago)"
    r"|the\s+(?P<dir2>previous|next|following)\s+day|the\s+day\s+(?P<dir3>before|after)(?=\s*[,.;]|\s*$))\b",
    re.IGNORECASE,
)
_BACK = ("earlier", "previous", "before", "ago")
_SINCE = re.compile(r"\bsince\s+(?:early\s+|late\s+|mid-?)?$", re.IGNORECASE)
_YEAR = re.compile(
    r"\b(?:in|since|of|from|until|during)\s+(?:early |late |mid-?)?((?:19|20)\d\d)\b|\b((?:19|20)\d\d)\b"
)


_BACKGROUND = re.compile(r"\blast year\b|\byears? ago\b|\bin the past\b", re.IGNORECASE)
_LOWER_CASE = {
    pattern: re.compile(pattern.pattern) for pattern in (_EXPLICIT, _WEEKDAY, _RELATIVE, _VAGUE, _BACKGROUND)
}
"""The patterns above matching with their case, for lower-case ASCII text, which they scan faster."""


@dataclass(frozen=True)
class DateMention:
    """A date expression: its character span in the sentence and the day it names (or None)."""

    start: int
    end: int
    day: dt.date | None
    vague: bool = False
    connective: int | None = None
    """Where the "after"/"before" of "two days after X did Y" stands: the day is that of X doing Y."""


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


def _day_or_period(text: str, match: re.Match[str], day: dt.date | None) -> DateMention:
    """A day, or the start of a period when "since" leads it ("since March 3"): no day of an event."""
    if _SINCE.search(text, 0, match.start()):
        return DateMention(match.start(), match.end(), None, vague=True)
    return DateMention(match.start(), match.end(), day)


def _shifts(
    text: str, published: dt.date | None, base: dt.date | None, found: list[DateMention]
) -> list[DateMention]:
    """Days counted from another: "two days later" and "the previous day" from ``base`` (the day the
    sentence names, else the day the story is at), "three days ago" from publication, "four days
    after May 2" from that day; "a day after X did Y" gives X's doing Y the day before ``base``.
    A day that a count is taken from leaves ``found``."""
    out: list[DateMention] = []
    for match in _SHIFT.finditer(text):
        way = (match.group("dir") or match.group("dir2") or match.group("dir3")).lower()
        number = (match.group("n") or "1").lower()
        count = _COUNTS.get(number) or int(number)
        clause = match.group("dir") in ("after", "before")
        before = [d.day for d in found if d.start < match.start() and d.day is not None]
        start = published if way == "ago" else before[0] if before else base
        after = [d for d in found if d.start >= match.end() and d.day is not None]
        if clause and after and after[0].start - match.end() <= 1:  # "four days after May 2": May 6
            found.remove(after[0])
            start, clause = after[0].day, False
        elif clause and after:  # "a day after X met Y on Monday": the clause names its own day
            continue
        if start is None:
            out.append(DateMention(match.start(), match.end(), None))
            continue
        sign = -1 if (way in _BACK) != clause else 1
        day = start + dt.timedelta(days=sign * count)
        connective = match.start("dir") if clause else None
        out.append(DateMention(match.start(), match.end(), day, connective=connective))
    return out


def _scan(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches of a case-blind pattern; on ASCII text, of its cased twin in the lower-case text."""
    return _LOWER_CASE[pattern].finditer(text.lower()) if text.isascii() else pattern.finditer(text)


@lru_cache(maxsize=64)
def _background_before(published: dt.date) -> dt.date:
    """About three months before publication: a day before it is background."""
    return published - relativedelta(months=3)


@lru_cache(maxsize=8)
def _expressions(text: str) -> tuple[tuple[str, re.Match[str]], ...]:
    """The date expressions of a sentence, by pattern, not yet resolved; kept for the last few sentences,
    whose dates are read for their events and again for the story's day."""
    explicit = [("explicit", m) for m in _scan(_EXPLICIT, text)]
    taken = [m.span() for _, m in explicit]
    weekdays = [
        ("weekday", m) for m in _scan(_WEEKDAY, text) if not any(s <= m.start() < e for s, e in taken)
    ]
    relative = [("relative", m) for m in _scan(_RELATIVE, text)]
    vague = [("vague", m) for m in _scan(_VAGUE, text) if not any(s <= m.start() < e for s, e in taken)]
    return (*explicit, *weekdays, *relative, *vague)


def find_dates(
    text: str, published: dt.date | None, forward: bool, base: dt.date | None = None
) -> list[DateMention]:
    """Every date expression of a sentence; ``forward`` resolves weekdays and days to the future;
    days counted from another count from ``base`` (the day the story is at) unless the sentence
    names a day of its own."""
    out: list[DateMention] = []
    vague: list[re.Match[str]] = []
    for kind, match in _expressions(text):
        if kind == "explicit":
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
            out.append(_day_or_period(text, match, when))
        elif kind == "weekday":
            when = _weekday(match.group("weekday"), published, forward) if published else None
            out.append(_day_or_period(text, match, when))
        elif kind == "relative":
            shift = {"yesterday": -1, "tomorrow": 1}.get(match.group("rel").lower(), 0)
            when = published + dt.timedelta(days=shift) if published else None
            out.append(DateMention(match.start(), match.end(), when))
        else:
            vague.append(match)
    out.sort(key=lambda d: d.start)
    shifts = _shifts(text, published, base or published, out)
    out += shifts
    out += [
        DateMention(m.start(), m.end(), None, vague=True)
        for m in vague
        if not any(d.start <= m.start() < d.end for d in shifts)
    ]
    return sorted(out, key=lambda d: d.start)


def is_historical(text: str, published: dt.date | None, dates: list[DateMention]) -> bool:
    """Background more than about three months before publication."""
    if published is None:
        return False
    limit = _background_before(published)
    if any(d.day is not None and d.day < limit for d in dates):
        return True
    for match in _YEAR.finditer(text):
        year = int(match.group(1) or match.group(2))
        if year < published.year and (match.group(1) or year < published.year - 1):
            return True
    return any(_scan(_BACKGROUND, text))


def next_story_day(
    text: str, published: dt.date | None, current: dt.date | None, span: dt.timedelta, doc: Doc | None = None
) -> dt.date | None:
    """The day the story is at after a sentence: the last day of the few before publication that the
    sentence names, else the day it was at; sentences with no day of their own take it, not the
    published date ("clinched a deal on Tuesday. ... The deal, reached in Vienna, ...").
    A quoted "today" is the speaker's day, and a day told in a "since" clause is background
    ("tense since X seized Y, which voted in a Sunday poll"): neither moves the story."""
    if published is None:
        return current
    days = [
        d.day
        for d in find_dates(text, published, False, current)
        if d.day is not None
        and d.connective is None
        and not _quoted_relative(text, d)
        and not (doc and _since_clause(doc, d))
    ]
    recent = [d for d in days if published - span <= d <= published]
    return recent[-1] if recent else current


def _quoted_relative(text: str, date: DateMention) -> bool:
    """ "today", "yesterday" inside a quotation: relative to when it was said, not to publication."""
    return bool(_RELATIVE.fullmatch(text, date.start, date.end)) and text.count('"', 0, date.start) % 2 == 1


def _since_clause(doc: Doc, date: DateMention) -> bool:
    """Whether a date lies in a clause or phrase that "since" opens (a state's starting point)."""
    span = doc.char_span(date.start, date.end, alignment_mode="expand")
    if span is None:
        return False
    return any(
        t.lower_ == "since" or any(c.dep_ == "mark" and c.lower_ == "since" for c in t.children)
        for t in (span.root, *span.root.ancestors)
    )
