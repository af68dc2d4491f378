"""Non-state armed and political groups from a Phoenix (PETRARCH) actor dictionary."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pycountry

from agents.kb.build.common import common_word, name_key

_CODE = re.compile(r"\[([A-Z]+)(\s+[^\]]*)?\]")
_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9-]{2,})\)")
_ACRONYM_ALIAS = re.compile(r"[A-Z][A-Z0-9-]{2,}")
_ORGANISED = re.compile(
    r"\b(army|front|brigades?|movement|group|party|organi[sz]ation|league|council|forces?|militias?|jihad|"
    r"liberation|revolutionary|cells?|battalions?|committee|union|alliance|network|mujahideen|commandos|"
    r"resistance|units?|faction|cartel|guerrillas?|tigers|fighters|defenders|jama'?at|ansar|hizb|lashkar|"
    r"jaish|harakat|tehrik|islamiyya|nationalists|separatists|squads?|guards?)\b",
    re.IGNORECASE,
)
"""A word that names an organisation: entries without one (the people the dictionary lists among
groups) are left out."""


@dataclass
class Entry:
    """One dictionary entry: its primary name, aliases and actor codes (``dated`` when every code
    carries a date range, as the entries of people do)."""

    primary: str
    aliases: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    dated: list[bool] = field(default_factory=list)


def parse(text: str) -> Iterator[Entry]:
    """The entries of a Phoenix ``.actors.txt`` file."""
    current: Entry | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        codes = _CODE.findall(line)
        words = _CODE.sub("", line).strip()
        if line[0] in " \t" and not words:
            if current is not None:
                current.codes += [c for c, _ in codes]
                current.dated += [bool(d.strip()) for _, d in codes]
            continue
        if words.startswith("+"):
            if current is not None:
                current.aliases += [a for a in words[1:].split("+") if a.strip()]
            continue
        if current is not None:
            yield current
        current = Entry(words, [], [c for c, _ in codes], [bool(d.strip()) for _, d in codes])
    if current is not None:
        yield current


def _text(token: str) -> str:
    """ "AL-GAMA'A_AL-ISLAMIYYA_" -> "Al-Gama'a Al-Islamiyya"; acronyms in brackets are removed."""
    plain = " ".join(_ACRONYM.sub(" ", token).replace("_", " ").split())
    return " ".join(string.capwords(w.lower(), "-") for w in plain.split())


def _names(entry: Entry) -> list[str]:
    out = []
    for token in [entry.primary, *entry.aliases]:
        text = _text(token)
        words = text.split()
        if len(words) >= 2 or (len(text) >= 4 and not common_word(text)):
            out.append(text)
        out += [a for a in _ACRONYM.findall(token) if not common_word(a)]
    spelled = [n for n in out if len(n.split()) >= 2]
    return list(dict.fromkeys(n for n in out if not _ACRONYM_ALIAS.fullmatch(n) or _abbreviates(n, spelled)))


def _abbreviates(acronym: str, names: list[str]) -> bool:
    """Whether ``acronym`` is made of the initials of one of ``names``, in order, from its first word:
    "INLA" of "Irish National Liberation Army", not "PLA" of it."""
    letters = acronym.replace("-", "")
    for name in names:
        initials = [w[0].upper() for w in re.split(r"[\s-]+", name) if w]
        if initials and initials[0] == letters[0]:
            rest = iter(initials[1:])
            if all(letter in rest for letter in letters[1:]):
                return True
    return False


def _ident(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


def groups(text: str, claimed: dict[tuple[str, bool], str]) -> list[dict[str, Any]]:
    """Group entries (``kind: groups``): entries with an undated code; a group any of whose names a
    hand-listed file claims is left to that file; a name two groups share is dropped."""
    states = {c.alpha_3 for c in pycountry.countries}
    found = []
    for entry in parse(text):
        undated = [c for c, d in zip(entry.codes, entry.dated, strict=True) if not d]
        names = _names(entry)
        organised = any(_ORGANISED.search(n) for n in names) or _ACRONYM.search(entry.primary)
        if not undated or not organised or any(name_key(n) in claimed for n in names):
            continue
        found.append((names, sorted({c[:3] for c in undated if c[:3] in states})))
    owners: dict[tuple[str, bool], int] = {}
    for names, _ in found:
        for text_ in names:
            owners[name_key(text_)] = owners.get(name_key(text_), 0) + 1
    entries: dict[str, dict[str, Any]] = {}
    for names, countries in found:
        kept = [n for n in names if owners[name_key(n)] == 1]
        ident = _ident(names[0])
        if not kept or ident in entries or ident in claimed.values():
            continue
        entry: dict[str, Any] = {"id": ident, "name": names[0], "aliases": kept}
        if countries:
            entry["countries"] = countries
        entries[ident] = entry
    return [entries[k] for k in sorted(entries)]
