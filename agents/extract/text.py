"""Text preparation: folding with offsets kept, boilerplate removal, datelines, sentences.

Every sentence keeps its ``start``/``end`` into the ORIGINAL article text, so that
``article.text[start:end]`` is the evidence shown to a reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.extract.dates import MONTHS
from agents.extract.layout import glued_lead, run_on, unwrap
from agents.extract.scoring import Wrapping
from agents.kb.fold import fold_char

_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@dataclass(frozen=True)
class Normalised:
    """Folded text and, for each of its characters, the index of the original character."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the folded span ``[start, end)``."""
        if start >= end:
            at = self.origin[start]
            return at, at
        return self.origin[start], self.origin[end - 1] + 1


def normalise(text: str) -> Normalised:
    """Fold ``text`` character by character (NFKC, diacritics, quotes, dashes, spaces); ASCII characters
    stay as they are but for tabs, which become spaces."""
    if text.isascii():
        return Normalised(text.replace("\t", " "), tuple(range(len(text) + 1)))
    out: list[str] = []
    origin: list[int] = []
    done = 0
    for match in _NON_ASCII.finditer(text):
        at = match.start()
        out.append(text[done:at].replace("\t", " "))
        origin.extend(range(done, at))
        folded = fold_char(match.group())
        out.append(folded)
        origin.extend([at] * len(folded))
        done = at + 1
    out.append(text[done:].replace("\t", " "))
    origin.extend(range(done, len(text) + 1))
    return Normalised("".join(out), tuple(origin))


@dataclass(frozen=True)
class Sentence:
    """One sentence: folded text, its span in the folded text and in the original text."""

    index: int
    text: str
    start: int
    end: int
    line: int
    caption: bool = False


_BOILERPLATE = re.compile(
    r"^(?:comments are closed|read more|also read|related|continue reading|follow|please wait|watch:|author:"
    r"|source:|by [A-Z][\w.]*(?: [A-Z][\w.]*)*\s*(?:\||$)|updated|published|photos?:|image:|video:|share"
    r"|advertisement|sign up|subscribe|click here|no media source|accessibility links|breaking news"
    r"|with reporting by|reporting by|editing by|\d+ min read|copyright|all rights|.{0,40}\bpowered by\b"
    r"|.{0,60}\bcan also be accessed\b|we use cookies|.{0,30}\bnewsletter\b|file photo|most read|trending"
    r"|more from|recommended|tags:|topics:|our standards|.{0,40}trust principles|print this|email this"
    r"|(?:facebook|twitter|whatsapp|linkedin|telegram|email|print)(?:\W+(?:facebook|twitter|whatsapp|linkedin"
    r"|telegram|email|print))*\W*$)(?![a-z])",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"\((?:\d+(?:st|nd|rd|th) )?[LRC]\)|\((?:AFP|AP|Reuters|EPA|Getty)(?: photo)?\)|\(via [A-Z]+\)"
    r"|\[(?:AFP|AP|Reuters)\]|\(Source: [^)]*\)|[-/] Getty Images"
    r"|\b(?:handout (?:picture|photo)|pic\.twitter\.com|@\w+\)|lead_photo)"
    r"|\([A-Z][\w.]+(?: [A-Z][\w.]+)*, (?:AP|AFP|Reuters)\)",
    re.IGNORECASE,
)
_DATE_WORDS = re.compile(
    r"\b(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*"
    r"|am|pm|gmt|utc|updated|published|posted|last|on|at|st|nd|rd|th)\b|[\W\d_]+",
    re.IGNORECASE,
)
_MONTHS = "|".join(m.capitalize() for m in sorted(MONTHS, key=len, reverse=True))
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z'.-]+(?:\s+[A-Z][A-Z'.-]+)*(?:,\s*[A-Z][a-zA-Z]+(?:\.?\s+\d{1,2})?)?"
    r"(?:\s*\([^)]{1,40}\))?\s*(?:--|-|:)\s+"
    r"|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\s+-\s+\d{1,2}\s+[A-Z][a-z]+\s+\d{4}:\s+"
    rf"|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,\s+(?:{_MONTHS})\.?\s+\d{{1,2}}(?:,\s+\d{{4}})?(?:\s*\([^)]{{1,40}}\))?"
    r"\s*(?::|-|--)\s+"
    r"|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\s+-\s+(?=[A-Z]))"
)
_CLOSED = re.compile(r"[.!?\"']\s*$")
_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "maj",
        "lt",
        "col",
        "capt",
        "sgt",
        "st",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "no",
        "vs",
        "etc",
        "rep",
        "sen",
        "gov",
        "prof",
        "adm",
        "brig",
        "cmdr",
        "u.s",
        "u.n",
        "u.k",
        "e.u",
        "inc",
        "corp",
        "co",
        "jr",
        "sr",
    }
)


def _is_headline(line: str) -> bool:
    """A short line without closing punctuation, most of whose words are capitalised."""
    if _CLOSED.search(line):
        return False
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", line)]
    if not words or len(words) > 25:
        return not words
    capital = sum(
        1 for w in words if w[0].isupper() or w.lower() in {"and", "of", "in", "to", "the", "a", "for", "on"}
    )
    return capital >= 0.8 * len(words)


def is_boilerplate(line: str, title: str | None) -> bool:
    """Navigation, share lines, bylines, page dates, headlines and similar non-article lines."""
    stripped = line.strip()
    if not stripped:
        return True
    if end := _title_end(stripped, title):
        rest = stripped[end:].strip(" .")
        if not rest or (len(rest.split()) <= 2 and not _CLOSED.search(stripped)):
            return True
    if _BOILERPLATE.match(stripped) or stripped.count(" / ") >= 2 or stripped.count("·") >= 2:
        return True
    if any(c.isdigit() for c in stripped) and not _DATE_WORDS.sub("", stripped).strip():
        return True
    if ("|" in stripped and len(stripped) < 80) or (
        len(stripped.split()) <= 2 and not _CLOSED.search(stripped)
    ):
        return True
    return _is_headline(stripped)


def _split_line(line: str) -> list[tuple[int, int]]:
    """Sentence spans within one line, not splitting after an abbreviation or an initial."""
    spans, start = [], 0
    cuts = sorted([(m.start(), m.end()) for m in _SPLIT.finditer(line)] + [(p, p) for p in run_on(line)])
    for end, restart in cuts:
        before = line[start:end].rstrip("\"')]")
        last = before.split()[-1].strip("([\"'").rstrip(".").lower() if before.split() else ""
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()) or "." in last:
            continue
        spans.append((start, end))
        start = restart
    spans.append((start, len(line)))
    return [(s, e) for s, e in spans if line[s:e].strip()]


def _title_end(line: str, title: str | None) -> int:
    """The length of the title a line opens with, or 0."""
    head = " ".join(title.split()).rstrip(".") if title else ""
    return len(head) if head and line.startswith(head) else 0


def _title_run_on(line: str, title: str | None) -> int:
    """Where the lead starts in a line that runs the title into a capitalised sentence, or 0."""
    end = _title_end(line, title)
    rest = line[end:].lstrip()
    return len(line) - len(rest) if end and rest[:1].isupper() else 0


def _lead_start(line: str, title: str | None) -> int:
    """Where the lead starts in a first line that opens with the headline run into it, or 0."""
    return _title_run_on(line, title) or glued_lead(line, _is_headline)


def sentences(norm: Normalised, title: str | None, wrapping: Wrapping) -> list[Sentence]:
    """The article's sentences, boilerplate dropped, datelines cut off, offsets into the original."""
    out: list[Sentence] = []
    text = unwrap(norm.text, wrapping)
    pos = 0
    folded_title = "".join(fold_char(c) for c in title) if title else None
    for line_no, line in enumerate(text.split("\n")):
        line_start, pos = pos, pos + len(line) + 1
        if is_boilerplate(line, folded_title):
            continue
        offset = 0
        dateline = _DATELINE.match(line)
        if (dateline and out == []) or (
            dateline and dateline.group(0).strip()[0].isupper() and re.search(r"[-\d]", dateline.group(0))
        ):
            offset = dateline.end()
        caption = bool(_CAPTION.search(line, offset))  # a wire credit in the dateline is no photo's
        if not out:
            offset = max(offset, _lead_start(line, folded_title))
        for start, end in _split_line(line[offset:]):
            s, e = line_start + offset + start, line_start + offset + end
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            out.append(Sentence(len(out), text[s:e], s, e, line_no, caption))
    return out


def spanned_sentences(texts: list[str], wanted: str) -> list[int]:
    """The sentences an evidence text spans: those it holds whole, with the one it starts in and the
    one it ends in; else the first that holds it."""
    whole = [i for i, text in enumerate(texts) if text[:60] in wanted]
    if not whole:
        return [i for i, text in enumerate(texts) if wanted[:60] in text][:1]
    before = [whole[0] - 1] if whole[0] and wanted[:60] in texts[whole[0] - 1] else []
    last = whole[-1]
    rest = wanted.rpartition(texts[last])[2].strip()
    after = [last + 1] if rest and last + 1 < len(texts) and texts[last + 1].startswith(rest) else []
    return before + whole + after
