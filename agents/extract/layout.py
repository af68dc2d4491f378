"""Layout repair before sentence splitting: hard-wrapped copy re-joined, glued headlines and credits cut.

Every repair keeps the text's length, so offsets into the folded text stay valid.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from agents.extract.scoring import Wrapping

_OPEN_END = re.compile(r"[^.!?:;\"')\]]\s*$")
_RUN_ON = re.compile(r"(?<=[a-z]{2})\.(?=[A-Z]{2,}\b)")
"""A full stop run straight into an upper-case credit or heading ("...in Washington.JOHN DOE / AFP")."""
_GLUED_LEAD = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z]+ [a-z])")
"""A lower-case word run straight into a capitalised sentence start ("...Talks in Sochi" + "Russian ...")."""


def _wrapped(lines: list[str], wrapping: Wrapping) -> int:
    """The width of hard-wrapped copy, or 0 when the lines are not wrapped at a fixed width."""
    lengths = [len(line.rstrip()) for line in lines if line.strip()]
    if len(lengths) < wrapping.lines or max(lengths) > wrapping.width:
        return 0
    width = max(lengths)
    near = sum(1 for n in lengths if n >= width - wrapping.band)
    return width if near >= wrapping.share * len(lengths) else 0


def unwrap(text: str, wrapping: Wrapping) -> str:
    """``text`` with each line break inside a paragraph made a space.

    A break is inside a paragraph when the next line goes on in lower case after a line that ends
    without closing punctuation, or, in copy hard-wrapped at a fixed width, after a full line.
    """
    lines = text.split("\n")
    width = _wrapped(lines, wrapping)
    out = list(text)
    pos = 0
    for line, following in itertools.pairwise(lines):
        pos += len(line)
        if line.strip() and following.strip():
            lower_next = following.lstrip()[:1].islower() and bool(_OPEN_END.search(line))
            full = width and len(line.rstrip()) >= width - wrapping.band
            if lower_next or full:
                out[pos] = " "
        pos += 1
    return "".join(out)


def run_on(line: str) -> list[int]:
    """Where a line runs a sentence into the next without a space after its full stop."""
    return [m.end() for m in _RUN_ON.finditer(line)]


def glued_lead(line: str, is_headline: Callable[[str], bool]) -> int:
    """Where the article's first line runs its headline into the lead, or 0."""
    for match in _GLUED_LEAD.finditer(line):
        head = line[: match.start()]
        if len(head.split()) >= 4 and is_headline(head):
            return match.start()
    return 0
