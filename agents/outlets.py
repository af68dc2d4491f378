"""The outlet an article comes from, and the outlet it originates from: corroboration counts outlets.

An article's *outlet* is its ``source`` (normalised: case-folded, spaces collapsed), else the
registered domain of its URL (``news.bbc.co.uk`` and ``m.bbc.co.uk`` are ``bbc.co.uk``), else none.
Its *originating* outlet is the wire agency its byline or dateline names (``BEIRUT (Reuters) -``,
``By Jane Roe, Associated Press``), else its outlet: a wire story carried by five newspapers
originates from one outlet. The agencies and their names are data, in ``wires.yaml`` beside this
module. The reducers count an incident's sources as the distinct originating outlets of its reports,
a report of no outlet at all as one of its own (``agents/reduce/README.md``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import tldextract
import yaml

from schemas.article import Article

WIRES_FILE = Path(__file__).with_name("wires.yaml")
HEAD = 200
"""How many characters at the start of a text its byline and dateline may take."""
MOBILE = re.compile(r"^(?:(?:www\d*|m|amp|mobile|mob|wap|touch)\.)+")
"""Prefixes of a host that name another form of the same site, not another outlet."""

_domains = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), include_psl_private_domains=True)
"""The Public Suffix List snapshot the library ships: no network, no cache on disk."""


def outlet(article: Article) -> str | None:
    """The outlet that published ``article``: its normalised ``source``, else its URL's domain."""
    name = normalised(article.source or "")
    if name:
        return _wires()[1].get(name, name)
    return domain(article.url) if article.url else None


def originating(article: Article) -> str | None:
    """The outlet ``article`` originates from: the wire its byline or dateline names, else its outlet."""
    return wire(article.author or "", article.text) or outlet(article)


def normalised(name: str) -> str:
    """``name`` case-folded, its runs of spaces made one, leading and trailing spaces dropped."""
    return " ".join(name.split()).casefold()


def domain(url: str) -> str | None:
    """The registered domain of ``url`` (``www.``, ``m.``, ``amp.`` and other subdomains dropped),
    else its host less such prefixes (an address, ``localhost``, a name under no public suffix),
    else ``None`` (no host)."""
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    registered = _domains(host).top_domain_under_public_suffix
    return registered or MOBILE.sub("", host) or host


def wire(author: str, text: str) -> str | None:
    """The wire agency ``author`` names, else the one the byline or dateline of ``text`` names (within
    its first :data:`HEAD` characters): ``(Reuters)``, ``— AP —``, ``AFP -`` at the start, a line
    ``By ... Associated Press``. A mention anywhere else (``Reuters reported that ...``) is none."""
    names, wires = _wires()
    found = names.search(author)
    if found is None:
        head = text.lstrip()[:HEAD]
        placed = [hit for pattern in _datelines() if (hit := pattern.search(head)) is not None]
        found = min(placed, key=lambda hit: hit.start("wire"), default=None)
    return None if found is None else wires[normalised(found.group("wire"))]


@cache
def _wires() -> tuple[re.Pattern[str], dict[str, str]]:
    """A pattern finding any wire's name as a whole word, and each name's agency by normalised name."""
    table: dict[str, list[str]] = yaml.safe_load(WIRES_FILE.read_text(encoding="utf-8"))
    agencies = {normalised(name): agency for agency, names in table.items() for name in (agency, *names)}
    spelled = sorted({name for names in table.values() for name in names}, key=len, reverse=True)
    alternatives = "|".join(
        re.escape(name) if _acronym(name) else f"(?i:{re.escape(name)})" for name in spelled
    )
    return re.compile(rf"\b(?P<wire>{alternatives})\b"), agencies


def _acronym(name: str) -> bool:
    """Whether ``name`` is matched only as written: all capitals, or short and all small letters."""
    return name.isupper() or (name.islower() and len(name) <= 4)


@cache
def _datelines() -> tuple[re.Pattern[str], ...]:
    """Where a byline or dateline names its wire: in brackets, between dashes, first before a dash,
    or last on a line beginning ``By``."""
    name = _wires()[0].pattern
    dash = r"[-–—:|]"
    return tuple(
        re.compile(pattern, re.MULTILINE)
        for pattern in (
            rf"\(\s*{name}\s*(?:[/,;][^)\n]*)?\)",
            rf"{dash}\s*{name}\s*(?:{dash}|$)",
            rf"\A\W*{name}\s*{dash}",
            rf"^\s*[Bb][Yy]\s[^\n]{{0,80}}?{name}[\s.,]*$",
        )
    )
