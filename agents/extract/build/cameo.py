"""Read the CAMEO verb dictionary of PETRARCH2 and the CAMEO-to-PLOVER crosswalk into verb patterns."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Words after the verb that are particles of a phrasal verb, not nouns ("SET OUT VIEWS").
PARTICLES = frozenset(
    [
        "up",
        "down",
        "off",
        "out",
        "back",
        "away",
        "forward",
        "aside",
        "in",
        "on",
        "over",
        "through",
        "together",
        "apart",
        "along",
        "around",
        "about",
        "against",
        "for",
        "with",
        "into",
        "at",
        "of",
        "from",
        "by",
        "to",
        "as",
    ]
)
# Words after the verb that are neither particle nor object: articles and adverbs.
_SKIPPED = frozenset(["a", "an", "the"])
_LY_NOUNS = frozenset(
    ["ally", "rally", "supply", "reply", "assembly", "family", "anomaly", "monopoly", "italy"]
)
_TOKEN = re.compile(r"\{[^}]*\}|\([^)]*\)|\S+")
_CODE = re.compile(r"\[([^\]]*)\]")
_MARKERS = frozenset("$+^%")


@dataclass(frozen=True)
class Pattern:
    """One verb pattern: a verb lemma, the particle or preposition it needs and the head words its
    object may have, with the CAMEO code; ``modified`` when the object phrase also names modifiers."""

    lemma: str
    code: str
    particle: str = ""
    objects: tuple[str, ...] = ()
    modified: bool = False
    subject: bool = False


def singular(word: str) -> str:
    """A plain English singular of a dictionary noun (``RALLIES`` -> ``rally``)."""
    word = word.lower()
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def crosswalk(text: str) -> dict[str, str]:
    """CAMEO code -> PLOVER type, from ``CAMEO2PLOVER`` (``CODE: TYPE, mode, context # text``)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        body = line.split("#", 1)[0].strip()
        if ":" not in body:
            continue
        code, rest = body.split(":", 1)
        kind = rest.split(",", 1)[0].strip()
        if code.strip().isdigit() and kind.isalpha():
            out.setdefault(code.strip(), kind)
    return out


def plover(code: str, table: dict[str, str]) -> str | None:
    """The PLOVER type of a CAMEO code: its own entry, else that of its nearest parent."""
    while code:
        if code in table:
            return table[code]
        code = code[:-1] if len(code) > 2 else ""
    return None


def _adverb(word: str) -> bool:
    """An adverb ending in -ly ("STRONGLY"), not a noun ("RALLY", "SUPPLY", "ASSEMBLY")."""
    return word.endswith("ly") and word not in _LY_NOUNS


def _strip(line: str) -> str:
    return line.split("#", 1)[0].strip()


def synsets(text: str) -> dict[str, tuple[str, ...]]:
    """``&NAME`` -> the head words of its phrases (the last word of each, singular)."""
    out: dict[str, list[str]] = {}
    name = ""
    for raw in text.splitlines():
        line = _strip(raw)
        if line.startswith("&"):
            name = line.rstrip("_").upper()
            out[name] = []
        elif line.startswith("+") and name:
            words = line[1:].strip("_ ").replace("_", " ").split()
            if words:
                out[name].append(singular(words[-1]))
        elif line.startswith("---"):
            break
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def _heads(token: str, sets: dict[str, tuple[str, ...]]) -> tuple[tuple[str, ...], bool]:
    """Head words of one noun element (word, ``{phrase}`` or ``&SET``) and whether it had modifiers."""
    words = [w for w in token.strip("{}").split() if w not in _MARKERS]
    if not words:
        return (), False
    head = words[-1]
    heads = sets.get(head.rstrip("_").upper(), ()) if head.startswith("&") else (singular(head.strip("_")),)
    return heads, len(words) > 1


def _pattern(lemma: str, code: str, body: str, sets: dict[str, tuple[str, ...]]) -> Pattern:
    pre, _, post = body.partition("*")
    subject = any(t not in _MARKERS for t in pre.split())
    particle, objects, modified = "", (), False
    for token in _TOKEN.findall(post):
        if token in _MARKERS or token.startswith(("^", "%")):
            continue
        if token.startswith("("):
            inner = _TOKEN.findall(token[1:-1])
            if not particle and inner:
                particle = inner[0].lower()
                if not objects and len(inner) > 1:
                    objects, modified = _heads(" ".join(inner[1:]), sets)
            continue
        if token.lower() in _SKIPPED:
            continue
        if _adverb(token.lower()):  # a manner the verb's own adverb must give: "TAKE BITTERLY"
            particle = particle or token.lower()
            continue
        if token.lower() in PARTICLES and not objects and not particle:
            particle = token.lower()
        elif not objects:
            objects, modified = _heads(token, sets)
    return Pattern(lemma, code, particle, tuple(sorted(set(objects))), modified, subject)


def _code(text: str) -> str | None:
    """The event code of a ``[...]`` field: the source's code of ``[a:b]``; none for ``---``."""
    found = _CODE.search(text)
    if not found:
        return None
    code = found.group(1).split(":")[0].strip()
    return code if code.isdigit() else None


def _verb(line: str) -> tuple[str, str, tuple[str, ...]] | None:
    """(lemma, particle, irregular forms) of a verb line; none for a verb with words before it."""
    head = line.split("[")[0]
    forms = re.findall(r"\{([^}]*)\}", head)
    words = head.split("{")[0].split()
    if not words:
        return None
    parts = words[0].split("_")
    if parts[0].startswith("+"):
        parts[0] = parts[0][1:]
    elif len(parts) > 1:
        return None
    lemma, particle = parts[0].lower(), " ".join(parts[1:]).lower()
    if not lemma.isalpha():
        return None
    irregular = tuple(
        f.lstrip("+").split("_")[0].lower() for f in (forms[0].split() if forms else ()) if f.strip("+")
    )
    return lemma, particle, tuple(dict.fromkeys(f for f in irregular if f.isalpha() and f != lemma))


def patterns(text: str) -> Iterator[tuple[Pattern, tuple[str, ...]]]:
    """Every pattern of the verb dictionary with the irregular forms of its verb; a pattern line is
    applied to the verbs its comment names as those it was found for, else to each verb of its block
    (as PETRARCH does); a verb gives a bare pattern with its own code, or with the block's code when
    it is the verb the block is named for (the other verbs of a block are synonyms for its patterns,
    too loose to signal an event alone)."""
    sets = synsets(text)
    start = text.find("####### VERB PATTERNS")
    end = text.find("######## TRANSFORMATIONS")
    block_code: str | None = None
    block_name = ""
    verbs: list[tuple[str, str, tuple[str, ...]]] = []
    for raw in text[start : end if end > 0 else len(text)].splitlines():
        line = raw.strip()
        if line.startswith("---"):
            block_code, verbs = _code(line), []
            block_name = line.strip("- ").split()[0].lower() if line.strip("- ") else ""
        elif line.startswith("-"):
            code = _code(line)
            body = _strip(_CODE.split(line[1:], 1)[0] if "[" in line else line[1:])
            named = {w.lstrip("+").split("_")[0].lower() for w in line.partition("#")[2].split()}
            chosen = [v for v in verbs if v[0] in named] or verbs
            if code:
                for lemma, particle, forms in chosen:
                    found = _pattern(lemma, code, body, sets)
                    if particle and not found.particle:
                        found = Pattern(lemma, code, particle, found.objects, found.modified, found.subject)
                    yield found, forms
        elif _strip(line) and not line.startswith("#"):
            head = line.split("#")[0]
            verb = _verb(head)
            if verb is None:
                continue
            verbs.append(verb)
            code = _code(head) if "[" in head else block_code if verb[0] == block_name else None
            if code:
                yield Pattern(verb[0], code, verb[1]), verb[2]
