"""Who speaks in a quotation: "we", "our" and "I" inside quotation marks belong to the speaker the
attribution names ("..., he said", "X said: ...", "according to X"), or, in a quotation with no
attribution, to the speaker of the quotation just before."""

from __future__ import annotations

from spacy.attrs import ORTH
from spacy.tokens import Doc, Token

CLOSING_AFTER = frozenset({",", ".", "!", "?", ";", ":"})
"""Punctuation a closing quotation mark follows ("...," he said)."""


def quoted(doc: Doc) -> set[int]:
    """The tokens inside quotation marks; a sentence whose first mark closes ("..., he said" after a
    quotation that began in the sentence before) starts inside one."""
    mark = doc.vocab.strings.add('"')
    words = doc.to_array(ORTH).tolist()
    marks = [i for i, word in enumerate(words) if word == mark]
    inside = bool(marks) and len(marks) % 2 == 1 and marks[0] > 0 and doc[marks[0] - 1].text in CLOSING_AFTER
    out: set[int] = set()
    for i, word in enumerate(words) if marks else ():
        if word == mark:
            inside = not inside
        elif inside:
            out.add(i)
    return out


def attributed_speaker(
    doc: Doc, by_token: dict[int, tuple[str, ...]], inside: set[int], speech: frozenset[str]
) -> tuple[str, ...] | None:
    """The actors of whoever a reporting verb outside the quotation (or "according to") names; None
    when the sentence names no speaker, () when it names one that is no actor ("a source said")."""
    speakers: list[Token] = []
    for tok in doc:
        if tok.i in inside:
            continue
        if tok.lemma_.lower() in speech and tok.pos_ in ("VERB", "AUX"):
            speakers += [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass") and c.i not in inside]
        else:
            speakers += according_to(tok)
    if not speakers or all(h.lower_ in ("he", "she") and h.i not in by_token for h in speakers):
        return None  # "..., he added": the speaker before, when "he" names no one else
    return next((found for head in speakers if (found := _named(head, by_token))), ())


def according_to(tok: Token) -> list[Token]:
    """Whom "according to" names as the source of what its sentence says, if ``tok`` is "according"."""
    if tok.lower_ != "according":
        return []
    return [o for c in tok.children if c.lower_ == "to" for o in c.children if o.dep_ == "pobj"]


def _named(head: Token, by_token: dict[int, tuple[str, ...]]) -> tuple[str, ...]:
    """Actors named in the phrase of ``head``, not inside its clauses."""
    out: list[str] = []
    stack = [head]
    while stack:
        tok = stack.pop()
        out.extend(by_token.get(tok.i, ()))
        stack.extend(c for c in tok.children if c.dep_ not in ("relcl", "acl", "advcl", "ccomp"))
    return tuple(dict.fromkeys(out))


def first_person(doc: Doc, taken: set[int], words: dict[str, bool]) -> list[Token]:
    """The first-person pronouns of a sentence that name no actor yet."""
    return [
        t for t in doc if t.lower_ in words and t.pos_ == "PRON" and t.i not in taken and not t.text.isupper()
    ]
