"""Turn CAMEO verb patterns into trigger rules for ``rules/cameo.yaml``: map codes to PLOVER types,
drop what the curation file prunes, settle words that patterns give two types, group by condition."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from agents.extract.build.cameo import Pattern, plover
from agents.extract.rules import surface_forms

# Where the project's guidelines type a CAMEO code otherwise than the crosswalk does: signing is AGREE;
# releasing, returning, easing and allowing in, and a one-sided truce are CONCEDE of who gives way.
OVERRIDES = {
    "057": "AGREE",
    **dict.fromkeys(("084", "0841", "0842", "085", "086", "0861", "0862", "0863"), "CONCEDE"),
    **dict.fromkeys(("0871", "0872"), "CONCEDE"),
}
# Prepositions whose objects are targets (directed types) or partners (symmetric ones), by type.
TARGETS = {
    "AGREE": ("with", "between", "among"),
    "CONSULT": ("with", "between", "among"),
    "COOPERATE": ("with", "between", "among"),
    "SUPPORT": ("for", "to"),
    "AID": ("to", "for"),
    "CONCEDE": ("to",),
    "RETREAT": (),
    "MOBILIZE": (),
    "REQUEST": ("to", "from", "on"),
    "ACCUSE": ("against", "at"),
    "REJECT": ("to",),
    "THREATEN": ("against", "on"),
    "PROTEST": ("against",),
    "SANCTION": ("against", "on"),
    "COERCE": ("from",),
    "ASSAULT": ("against", "at", "on", "upon"),
}
# A noun is a trigger of its own when at least this many light verbs take it with one type
# ("launch", "stage", "carry out" an attack).
NOMINAL_VERBS = 2
PRIORITY = {"object": -1, "bare": -2, "noun": -2}


@dataclass
class Tally:
    """How many patterns each step kept or dropped."""

    patterns: int = 0
    unmapped: int = 0
    subject: int = 0
    ambiguous: int = 0
    pruned: int = 0
    kept: int = 0
    nouns: int = 0
    rules: int = 0


@dataclass(frozen=True)
class Prune:
    """A curation entry: the patterns of ``lemma`` (of ``type``, ``pos``, with ``object`` or
    ``particle``, where given) are dropped; ``object: "-"`` names the bare verb."""

    lemma: str
    type: str = ""
    pos: str = ""
    object: str = ""
    particle: str = ""

    def drops(self, lemma: str, kind: str, pos: str, particle: str, obj: str) -> bool:
        return (
            self.lemma == lemma
            and self.type in ("", kind)
            and self.pos in ("", pos)
            and self.particle in ("", particle)
            and self.object in ("", obj or "-")
        )


@dataclass
class Built:
    """The generated rules, the irregular forms of their verbs and the tally."""

    rules: list[dict[str, Any]] = field(default_factory=list)
    irregular: dict[str, list[str]] = field(default_factory=dict)
    tally: Tally = field(default_factory=Tally)


Entry = tuple[str, str, str, str]  # lemma, pos, particle, object word ("" for none)


def _entries(
    found: Iterable[tuple[Pattern, tuple[str, ...]]],
    table: Mapping[str, str],
    light: frozenset[str],
    tally: Tally,
    forms: dict[str, set[str]],
) -> dict[Entry, dict[str, bool]]:
    """Each (lemma, pos, particle, object word) with its types, each marked plain (no modifiers);
    the object of light verbs becomes a noun entry of its own."""
    typed: dict[Entry, dict[str, bool]] = defaultdict(dict)
    nominal: dict[tuple[str, str], set[str]] = defaultdict(set)
    for pattern, irregular in found:
        tally.patterns += 1
        kind = plover(pattern.code, {**table, **OVERRIDES})
        if kind is None:
            tally.unmapped += 1
            continue
        if pattern.subject:
            tally.subject += 1
            continue
        forms.setdefault(pattern.lemma, set()).update(irregular)
        plain = not pattern.modified
        for obj in pattern.objects or ("",):
            entry = (pattern.lemma, "VERB", pattern.particle, obj)
            typed[entry][kind] = typed[entry].get(kind, False) or plain
        if pattern.lemma in light and len(pattern.objects) == 1 and not pattern.particle and plain:
            nominal[(pattern.objects[0], kind)].add(pattern.lemma)
    for (noun, kind), verbs in nominal.items():
        if len(verbs) >= NOMINAL_VERBS:
            typed[(noun, "NOUN", "", "")][kind] = True
    return typed


def build(
    found: Iterable[tuple[Pattern, tuple[str, ...]]],
    table: Mapping[str, str],
    light: frozenset[str],
    excluded_nouns: frozenset[str],
    prunes: Iterable[Prune],
    examples: Iterable[Mapping[str, Any]] = (),
) -> Built:
    """Rules from the patterns: one per (type, part of speech, particle, object words)."""
    built = Built()
    forms: dict[str, set[str]] = {}
    typed = _entries(found, table, light, built.tally, forms)
    prunes = list(prunes)
    groups: dict[tuple[str, str, str, tuple[str, ...]], set[str]] = defaultdict(set)
    by_verb: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for (lemma, pos, particle, obj), kinds in sorted(typed.items()):
        plain = [k for k, is_plain in kinds.items() if is_plain] or list(kinds)
        if len(plain) != 1 or (pos == "NOUN" and lemma in excluded_nouns) or not lemma.isascii():
            built.tally.ambiguous += 1
            continue
        kind = plain[0]
        if any(p.drops(lemma, kind, pos, particle, obj) for p in prunes):
            built.tally.pruned += 1
            continue
        built.tally.kept += 1
        built.tally.nouns += pos == "NOUN"
        if obj:
            by_verb[(kind, pos, particle, lemma)].add(obj)
        else:
            groups[(kind, pos, particle, ())].add(lemma)
    for (kind, pos, particle, lemma), objects in by_verb.items():
        groups[(kind, pos, particle, tuple(sorted(objects)))].add(lemma)
    wanted = defaultdict(list)
    for example in examples:
        wanted[(str(example["type"]), str(example["lemma"]))].append(example)
    seen: dict[str, int] = defaultdict(int)
    for (kind, pos, particle, objects), lemmas in sorted(groups.items()):
        built.rules.append(_rule(kind, pos, particle, objects, sorted(lemmas), seen, wanted))
    built.tally.rules = len(built.rules)
    kept = {lemma for rule in built.rules if rule["pos"] == ["VERB"] for lemma in rule["lemmas"]}
    for lemma in sorted(kept):
        extra = sorted(forms.get(lemma, set()) - surface_forms(lemma, {}))
        if extra:
            built.irregular[lemma] = extra
    return built


def _rule(
    kind: str,
    pos: str,
    particle: str,
    objects: tuple[str, ...],
    lemmas: list[str],
    seen: dict[str, int],
    wanted: Mapping[tuple[str, str], list[Mapping[str, Any]]],
) -> dict[str, Any]:
    stem = f"cameo-{kind.lower()}-{pos.lower()}-{particle or 'bare' if not objects else objects[0]}"
    seen[stem] += 1
    rule: dict[str, Any] = {"id": f"{stem}-{seen[stem]}", "type": kind, "lemmas": lemmas, "pos": [pos]}
    if objects:
        rule["object"] = list(objects)
    if particle:
        rule["particle"] = [particle]
    rule["targets"] = list(TARGETS[kind])
    rule["priority"] = PRIORITY["noun" if pos == "NOUN" else "object" if objects or particle else "bare"]
    chosen = [e for lemma in lemmas for e in wanted.get((kind, lemma), ()) if e.get("pos", "VERB") == pos]
    if chosen:
        rule["examples"] = {
            "positive": [{"text": e["text"], "events": e["events"]} for e in chosen if e.get("events")],
            "negative": [{"text": e["text"]} for e in chosen if not e.get("events")],
        }
        rule["examples"] = {k: v for k, v in rule["examples"].items() if v}
    return rule


def render(built: Built, header: str) -> str:
    """The YAML text of the generated file: the header as comments, then one rule a line."""
    lines = [f"# {line}".rstrip() for line in header.strip("\n").splitlines()]
    lines.append("rules:")
    for rule in built.rules:
        lines.append(
            "  - " + yaml.safe_dump(rule, default_flow_style=True, width=10**6, sort_keys=False).strip()
        )
    lines.append("irregular:")
    for lemma, extra in built.irregular.items():
        lines.append(f"  {lemma}: [{', '.join(extra)}]")
    return "\n".join(lines) + "\n"
