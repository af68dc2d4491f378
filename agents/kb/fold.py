"""Character folding for matching: Unicode compatibility forms, diacritics, quotes, dashes, spaces.

Folding works one character at a time so that every folded character can be traced back to the
original text (see :func:`agents.extract.text.normalise`).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_SPECIAL = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u3000": " ",
    "\t": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
    "\u00ad": "",
    "\u0131": "i",
    "\u0130": "I",
    "\u00df": "ss",
    "\u00e6": "ae",
    "\u00c6": "AE",
    "\u00f8": "o",
    "\u00d8": "O",
    "\u0142": "l",
    "\u0141": "L",
    "\u0111": "d",
    "\u0110": "D",
    "\u00f0": "d",
    "\u00fe": "th",
    "\u0153": "oe",
}


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """The folded form of one character: possibly empty, possibly several characters."""
    if char.isascii():
        return " " if char == "\t" else char
    if char in _SPECIAL:
        return _SPECIAL[char]
    compat = unicodedata.normalize("NFKC", char)
    out = []
    for part in compat:
        if part in _SPECIAL:
            out.append(_SPECIAL[part])
            continue
        decomposed = unicodedata.normalize("NFKD", part)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        out.append(base if base else part)
    folded = "".join(out)
    if unicodedata.category(char).startswith("Z"):
        return " "
    return folded


def fold(text: str) -> str:
    """Fold a whole string (names in the knowledge base, or text without offsets)."""
    return "".join(fold_char(c) for c in text)


def name_form(text: str) -> str:
    """``text`` folded, with each run of white space made one space: the form names are kept in."""
    return " ".join(fold(text).split())
