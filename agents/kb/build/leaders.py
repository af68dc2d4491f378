"""Office holders from Wikidata-derived CSV files: heads of state and government, foreign ministers."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from wordfreq import zipf_frequency

from agents.kb.build.common import name_key, state_id, tidy

OFFICES = re.compile(
    r"president|prime minister|premier|chancellor|king|monarch|emir|sultan|supreme leader|taoiseach|"
    r"pope|chairman of the presidential council|foreign|external relations|defen[cs]e",
    re.IGNORECASE,
)
"""Offices kept: heads of state and government, foreign and defence ministers."""
SHARED_OFFICES = re.compile(
    r"governor-general|co-prince|captain regent|federal council|administration council|^monarch of",
)
"""Offices held by several people at once or by one person for several states (the crown's other
realms): left out, as they would tie one name to several states."""
_ROMAN = re.compile(r"^[IVX]+$")


@dataclass(frozen=True)
class Holding:
    """One person holding one office of one state."""

    person: str
    label: str
    state: str
    office: str
    start: dt.date
    end: dt.date | None


def _day(value: str, *, end: bool = False) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    if re.fullmatch(r"\d{4}", value):
        return dt.date(int(value), 12, 31) if end else dt.date(int(value), 1, 1)
    return dt.date.fromisoformat(value[:10])


def read_holdings(path: Path) -> Iterator[Holding]:
    """The rows of a leaders CSV (world-leaders' or foreign ministers' columns) worth keeping."""
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            person = row.get("officeholder") or row.get("person") or ""
            label = tidy((row.get("officeholderLabel") or row.get("name") or "").split(",")[0])
            state = state_id(row.get("country") if "officeholder" in row else row.get("countryLabel") or "")
            office = row.get("positionLabel") or ""
            start = _day(row.get("start_year") or row.get("start") or "")
            if not person or not label or re.fullmatch(r"Q\d+", label) or state is None or start is None:
                continue
            if not OFFICES.search(office) or SHARED_OFFICES.search(office):
                continue
            end = _day(row.get("end_year") or "", end=True)
            yield Holding(person, label, state, office, start, end)


def _clip(holdings: Iterable[Holding]) -> list[Holding]:
    """Each office's holdings in order, each ending no later than the next one starts (the sources
    know most tenures to the year only); holdings left empty are dropped."""
    by_office: dict[tuple[str, str], list[Holding]] = {}
    for holding in sorted(set(holdings), key=lambda h: (h.state, h.office, h.start, h.person)):
        by_office.setdefault((holding.state, holding.office), []).append(holding)
    kept: list[Holding] = []
    for run in by_office.values():
        for i, holding in enumerate(run):
            later = [h.start for h in run[i + 1 :] if h.person != holding.person and h.start >= holding.start]
            if later and (holding.end is None or holding.end > later[0]):
                holding = replace(holding, end=later[0])
            if holding.end is None or holding.end > holding.start:
                kept.append(holding)
    return kept


SURNAME_ZIPF = 3.3
"""A surname alone is a name only when rarer than this in English text (wordfreq's Zipf scale)."""


def _aliases(label: str, given: frozenset[str]) -> list[str]:
    words = label.split()
    out = [label]
    if " of " in label:  # "Abdullah II of Jordan" -> "Abdullah II"
        out.append(label.split(" of ")[0])
    last = words[-1] if len(words) >= 2 else ""
    if (
        len(last) >= 4
        and not _ROMAN.match(last)
        and "-" not in last  # "Moon Jae-in": the family name comes first
        and last.lower() not in given
        and zipf_frequency(last.lower(), "en") < SURNAME_ZIPF
    ):
        out.append(last)
    return list(dict.fromkeys(out))


def people(paths: Iterable[Path], claimed: dict[tuple[str, bool], str]) -> list[dict[str, Any]]:
    """People entries (``kind: people``) for the holdings in ``paths``: a person a hand-listed file
    already names is left to it; a short name two people share, or the hand files claim, is dropped."""
    holdings = _clip(h for path in paths for h in read_holdings(path))
    by_person: dict[str, list[Holding]] = {}
    for holding in holdings:
        by_person.setdefault(holding.person, []).append(holding)
    given = frozenset(hs[0].label.split()[0].lower() for hs in by_person.values())
    aliases = {p: _aliases(hs[0].label, given) for p, hs in by_person.items()}
    owners: dict[tuple[str, bool], set[str]] = {}
    for person, names in aliases.items():
        for text in names:
            owners.setdefault(name_key(text, "person"), set()).add(person)
    entries = []
    for person, hs in sorted(by_person.items(), key=lambda item: (item[1][0].label, item[0])):
        if name_key(hs[0].label, "person") in claimed:
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
        entries.append({"id": f"WD_{person}", "name": hs[0].label, "aliases": names, "tenures": tenures})
    return entries
