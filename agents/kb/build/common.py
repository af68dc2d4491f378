"""What the builders share: the hand-listed names, state lookup, alias checks and the YAML writer."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

import pycountry
import yaml
from wordfreq import zipf_frequency

from agents.kb.fold import name_form
from agents.kb.load import DATA_FILES, build_kb
from agents.kb.model import is_case_sensitive
from agents.kb.places import load_places

COMMON_WORD_ZIPF = 4.0
"""A word at least this frequent in English (wordfreq's Zipf scale) is a common word."""

_STATE_LABELS = {
    "democratic republic of the congo": "COD",
    "republic of the congo": "COG",
    "kingdom of denmark": "DNK",
    "kingdom of the netherlands": "NLD",
    "people's republic of china": "CHN",
    "federated states of micronesia": "FSM",
    "the gambia": "GMB",
    "the bahamas": "BHS",
    "ivory coast": "CIV",
    "east timor": "TLS",
    "vatican city": "VAT",
    "kosovo": "XKX",
    "palestine": "PSE",
    "taiwan": "TWN",
    "republic of china": "TWN",
    "turkey": "TUR",
    "republic of turkey": "TUR",
    "belgians": "BEL",
}


def state_id(label: str) -> str | None:
    """The alpha-3 id of a state's English label (pycountry's names, the knowledge base's), or None."""
    key = re.sub(r"^st\.? ", "saint ", label.strip().lower())  # "St Kitts and Nevis"
    if key in _STATE_LABELS:
        return _STATE_LABELS[key]
    try:
        return pycountry.countries.lookup(key).alpha_3
    except LookupError:
        ref = hand_names().get(name_key(label))
        return ref if ref in _states() else None


def country_id(label: str) -> str | None:
    """The alpha-3 id of the state ``label`` names as a country, never through one of its cities or
    regions ("Washington", "Abu Dhabi"), which the hand-listed files file under their states."""
    if name_form(label.strip()).lower() in _places() and _pycountry_id(label) is None:
        return None
    return state_id(label)


def _pycountry_id(label: str) -> str | None:
    key = re.sub(r"^st\.? ", "saint ", label.strip().lower())
    try:
        return _STATE_LABELS.get(key) or pycountry.countries.lookup(key).alpha_3
    except LookupError:
        return None


BIG_PLACE = 100_000
"""A city at least this populous, or a subdivision, is a place its name alone means."""


@lru_cache(maxsize=1)
def _places() -> dict[str, int]:
    """Each place name with the population of its most populous city (a subdivision counts as big)."""
    return {
        name: max(p.population if p.kind == "city" else BIG_PLACE for p in found)
        for name, found in load_places().items()
    }


def big_place(text: str) -> bool:
    """A single word naming a subdivision or a big city ("Muscat"), which should not name a person."""
    return " " not in text.strip() and _places().get(name_form(text.strip()).lower(), 0) >= BIG_PLACE


@lru_cache(maxsize=1)
def _states() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries) | {"XKX"}


def name_key(text: str, kind: str = "name") -> tuple[str, bool]:
    """The key the loader files a name under."""
    text = name_form(text)
    sensitive = is_case_sensitive(text, kind)
    return (text if sensitive else text.lower(), sensitive)


@lru_cache(maxsize=1)
def hand_names() -> dict[tuple[str, bool], str]:
    """Every name the hand-listed files and pycountry claim, with the id it names."""
    data = resources.files("agents.kb") / "data"
    kb = build_kb((f, (data / f).read_text(encoding="utf-8")) for f in DATA_FILES)
    return {name_key(n.text, n.kind): n.ref for n in kb.names}


def common_word(text: str) -> bool:
    """A single word that English uses often ("Martin", "Chance"), whatever its case."""
    return " " not in text.strip() and zipf_frequency(text.lower(), "en") >= COMMON_WORD_ZIPF


def tidy(text: str) -> str:
    """A label without a parenthetical ("João Lourenço (politician)") and spaces made single."""
    return " ".join(re.sub(r"\([^)]*\)", " ", text).split())


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def write_yaml(header: Mapping[str, Any], kind: str, key: str, entries: Iterable[Mapping[str, Any]]) -> str:
    """A generated file: a comment header naming its source, then ``kind`` and one entry per line."""
    lines = [f"# {line}" if line else "#" for line in _header_lines(header)]
    lines += [f"kind: {kind}", f"{key}:"]
    for entry in entries:
        flow = yaml.dump(
            dict(entry),
            Dumper=_Dumper,
            default_flow_style=True,
            allow_unicode=True,
            width=10**6,
            sort_keys=False,
        )
        lines.append(f"  - {flow.strip()}")
    if lines[-1] == f"{key}:":
        lines[-1] = f"{key}: []"
    return "\n".join(lines) + "\n"


def _header_lines(header: Mapping[str, Any]) -> list[str]:
    out = ["Generated by `python -m agents.kb.build`; do not edit (rebuild instead)."]
    for field in ("repository", "commit", "path", "date", "licence", "gaps"):
        value = " ".join(str(header[field]).split())
        out.append(f"{'source' if field == 'repository' else field}: {value}")
    out.extend(header.get("notes", ()))
    return out
