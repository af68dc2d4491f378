"""Office holders from Wikidata-derived CSV files: heads of state and government, foreign and defence
ministers and the chiefs of the armed forces, with the tenures the sources date."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from wordfreq import zipf_frequency

from agents.kb.build.common import big_place, common_word, name_key, state_id, tidy
from agents.kb.build.offices import office_kind

_ROMAN = re.compile(r"^[IVX]+$")


@dataclass(frozen=True)
class Holding:
    """One person holding one office of one state; ``precise`` when the source dates its start to the day."""

    person: str
    label: str
    state: str
    office: str
    kind: str
    start: dt.date
    end: dt.date | None
    precise: bool = False
    variants: tuple[str, ...] = ()


def _day(value: str, *, end: bool = False) -> dt.date | None:
    """A date given to the day, month, year or decade ("1990s"): its first day, or its last for an ``end``."""
    value = value.strip()
    if re.fullmatch(r"\d{4}s", value):
        decade = int(value[:3]) * 10
        return dt.date(decade + 9, 12, 31) if end else dt.date(decade, 1, 1)
    if re.fullmatch(r"\d{1,4}", value):
        return dt.date(int(value), 12, 31) if end else dt.date(int(value), 1, 1)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        year, month = int(value[:4]), int(value[5:])
        return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
    return dt.date.fromisoformat(value[:10]) if value else None


def _holding(
    person: str,
    label: str,
    state: str | None,
    office: str,
    start: str,
    end: str,
    variants: tuple[str, ...] = (),
) -> Holding | None:
    """The holding a source row describes, or None when it names no one, no state or no office kept."""
    begun = _day(start)
    if not person or not label or re.fullmatch(r"Q\d+", label) or state is None or begun is None:
        return None
    kind = office_kind(office, state)
    if kind is None:
        return None
    precise = re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", start.strip()) is not None
    others = tuple(v for v in dict.fromkeys(variants) if v and v != label)
    return Holding(person, label, state, office, kind, begun, _day(end, end=True), precise, others)


def read_holdings(path: Path) -> Iterator[Holding]:
    """The rows of a leaders CSV (world-leaders' or foreign ministers' columns) worth keeping."""
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            holding = _holding(
                row.get("officeholder") or row.get("person") or "",
                tidy((row.get("officeholderLabel") or row.get("name") or "").split(",")[0]),
                state_id(row.get("country") if "officeholder" in row else row.get("countryLabel") or ""),
                row.get("positionLabel") or "",
                row.get("start_year") or row.get("start") or "",
                row.get("end_year") or "",
            )
            if holding is not None:
                yield holding


def read_holders(path: Path, state: str) -> Iterator[Holding]:
    """The rows worth keeping of one state's ``holders21.csv`` (the holders since 2000 of its offices),
    with the English Wikipedia title as a spelling variant of the person's name."""
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            holding = _holding(
                row["personID"],
                tidy(row["person"]),
                state,
                row["position"],
                row["start"],
                row["end"],
                (tidy(row.get("enwiki") or ""),),
            )
            if holding is not None:
                yield holding


def _overlap(a: Holding, b: Holding) -> bool:
    return a.start < (b.end or dt.date.max) and b.start < (a.end or dt.date.max)


def _one_state_at_a_time(holdings: list[Holding]) -> Iterator[Holding]:
    """The holdings but those of a person who holds an office of another state at the same time (the
    monarch of the crown's realms), which would tie one name to several states at once."""
    by_person: dict[str, list[Holding]] = {}
    for holding in holdings:
        by_person.setdefault(holding.person, []).append(holding)
    for holding in holdings:
        if not any(o.state != holding.state and _overlap(o, holding) for o in by_person[holding.person]):
            yield holding


RIVAL_DAYS = 365
"""An earlier holder whose dated end lies this far past a later holder's start, who outlasts it, is a rival
claimant (Yemen's two governments), not a predecessor: the earlier one keeps the office."""


def _rival(earlier: Holding, later: Holding) -> bool:
    return (
        earlier.end is not None
        and (earlier.end - later.start).days > RIVAL_DAYS
        and (later.end is None or later.end > earlier.end)
    )


def _holds_over(other: Holding, holding: Holding) -> bool:
    """Whether ``other`` holds the office where both claim it: the later start (a successor, an interim
    holder), unless the earlier one is a rival claimant."""
    if (other.start, other.person) > (holding.start, holding.person):
        return not _rival(holding, other)
    return _rival(other, holding)


def _spans(holding: Holding, held: list[Holding]) -> list[tuple[dt.date, dt.date | None]]:
    """The spans of ``holding`` left when those of the other holders who hold over it are taken out."""
    spans: list[tuple[dt.date, dt.date | None]] = [(holding.start, holding.end)]
    for other in held:
        if other.person == holding.person or not _overlap(other, holding) or not _holds_over(other, holding):
            continue
        left = []
        for start, end in spans:
            if other.start > start:
                left.append((start, other.start if end is None else min(end, other.start)))
            if other.end is not None and (end is None or other.end < end):
                left.append((max(start, other.end), end))
        spans = left
    return [(start, end) for start, end in spans if end is None or end > start]


def _clip(holdings: Iterable[Holding]) -> list[Holding]:
    """Each office's holdings, each left to the holder the office passes to for the time that one holds it
    (a holder back after an interim one resumes); sources that know tenures to the year yield to those
    dating the same tenure to the day; holdings left empty are dropped."""
    by_office: dict[tuple[str, str], list[Holding]] = {}
    order = sorted(
        set(holdings),
        key=lambda h: (
            h.state,
            h.kind,
            h.start,
            h.person,
            h.office,
            h.end or dt.date.max,
            h.label,
            h.variants,
        ),
    )
    for holding in _one_state_at_a_time(order):
        by_office.setdefault((holding.state, holding.kind), []).append(holding)
    kept: list[Holding] = []
    for held in by_office.values():
        longest: dict[tuple[str, dt.date], Holding] = {}  # one tenure told twice (two labels, two terms)
        for h in held:
            if h.precise or not any(o.precise and o.person == h.person and _overlap(o, h) for o in held):
                first = longest.setdefault((h.person, h.start), h)
                if first is not h:
                    end = max(first.end or dt.date.max, h.end or dt.date.max)
                    names = tuple(
                        n for n in dict.fromkeys((*first.variants, h.label, *h.variants)) if n != first.label
                    )
                    longest[h.person, h.start] = replace(
                        first, end=None if end == dt.date.max else end, variants=names
                    )
        run = list(longest.values())
        kept += [replace(h, start=start, end=end) for h in run for start, end in _spans(h, run)]
    return kept


SURNAME_ZIPF = 3.3
"""A surname alone is a name only when rarer than this in English text (wordfreq's Zipf scale)."""
FAMILY_NAME_FIRST = frozenset({"CHN"})
"""States whose office holders' names put the family name first ("Xi Jinping"): no last word alone."""


def _aliases(label: str, given: frozenset[str], family_first: bool = False) -> list[str]:
    out = [label]
    if " of " in label:  # "Abdullah II of Jordan" -> "Abdullah II"
        out.append(label.split(" of ")[0])
    words = out[-1].split()
    last = words[-1] if len(words) >= 2 else ""
    if (
        not family_first
        and len(last) >= 4
        and not _ROMAN.match(last)
        and "-" not in last  # "Moon Jae-in": the family name comes first
        and last.lower() not in given
        and zipf_frequency(last.lower(), "en") < SURNAME_ZIPF
    ):
        out.append(last)
    return [name for name in dict.fromkeys(out) if not common_word(name) and not big_place(name)]


def people(holdings: Iterable[Holding], claimed: dict[tuple[str, str | bool], str]) -> list[dict[str, Any]]:
    """People entries (``kind: people``), one per Wikidata item, for ``holdings``: a person a hand-listed
    file already names is left to it; a name two people share, or the hand files claim, is dropped."""
    by_person: dict[str, list[Holding]] = {}
    for holding in _clip(holdings):
        by_person.setdefault(holding.person, []).append(holding)
    labels = {
        p: list(dict.fromkeys(n for h in hs for n in (h.label, *h.variants))) for p, hs in by_person.items()
    }
    given = frozenset(n.split()[0].lower() for names in labels.values() for n in names)
    family_first = {p for p, hs in by_person.items() if any(h.state in FAMILY_NAME_FIRST for h in hs)}
    aliases = {
        p: list(dict.fromkeys(a for n in names for a in _aliases(n, given, p in family_first)))
        for p, names in labels.items()
    }
    owners: dict[tuple[str, bool], set[str]] = {}
    for person, names in aliases.items():
        for text in names:
            owners.setdefault(name_key(text, "person"), set()).add(person)
    entries = []
    for person, hs in sorted(by_person.items(), key=lambda item: (labels[item[0]][0], item[0])):
        if any(name_key(n, "person") in claimed for n in labels[person]):
            continue
        names = [
            t
            for t in aliases[person]
            if name_key(t, "person") not in claimed and len(owners[name_key(t, "person")]) == 1
        ]
        if not names:
            continue
        tenures = []
        for h in sorted(hs, key=lambda h: (h.start, h.office)):
            tenure: dict[str, Any] = {"actor": h.state, "start": h.start.isoformat()}
            if h.end is not None:
                tenure["end"] = h.end.isoformat()
            tenure["role"] = h.office
            tenures.append(tenure)
        entries.append(
            {"id": f"WD_{person}", "name": labels[person][0], "aliases": names, "tenures": tenures}
        )
    return entries
