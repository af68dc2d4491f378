"""Rule data: trigger rules, shared word lists and numbers, loaded from ``agents/extract/rules/*.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from agents.extract import scoring
from agents.extract.scoring import Scoring
from agents.kb.cache import cached
from agents.kb.load import YAML_LOADER
from schemas.event import PloverType

FILES = ("lexicon.yaml", "scoring.yaml", "plover.yaml", "cameo.yaml")
"""The rule files: the shared word lists, the numbers, the hand-written rules, the generated ones."""


class RuleError(ValueError):
    """A rule file is malformed."""


@dataclass(frozen=True)
class Example:
    """A sentence and the (type, source, target) triples a rule must (or must not) give for it."""

    text: str
    events: tuple[tuple[str, str, str | None], ...] = ()


@dataclass(frozen=True)
class Trigger:
    """One trigger rule (see the header of ``rules/plover.yaml`` for the fields)."""

    id: str
    type: PloverType
    lemmas: frozenset[str]
    pos: frozenset[str] = frozenset({"VERB", "NOUN"})
    object: frozenset[str] = frozenset()
    particle: frozenset[str] = frozenset()
    modifier: frozenset[str] = frozenset()
    agent_modifier: frozenset[str] = frozenset()
    without: frozenset[str] = frozenset()
    targets: frozenset[str] = frozenset()
    of_is: str | None = None
    compound_is: str | None = None
    modifier_is: str | None = None
    subject_is: str | None = None
    intransitive: bool = False
    xcomp: bool | None = None
    both_ways: bool = False
    mediation: bool = False
    companion: bool = False
    no_recipient: bool = False
    direct_object: bool = False
    reported: bool = False
    received: bool = False
    negated: PloverType | None = None
    only_negated: bool = False
    priority: int = 0
    positive: tuple[Example, ...] = ()
    negative: tuple[Example, ...] = ()

    @property
    def untargeted(self) -> bool:
        """MOBILIZE and RETREAT have no target."""
        return self.type in (PloverType.MOBILIZE, PloverType.RETREAT)


@dataclass(frozen=True)
class Lexicon:
    """Word lists shared by the rules."""

    agent_nouns: frozenset[str]
    place_nouns: frozenset[str]
    compass_words: frozenset[str]
    defending_verbs: frozenset[str]
    dying_verbs: frozenset[str]
    warning_verbs: frozenset[str]
    joining_verbs: frozenset[str]
    locative_preps: frozenset[str]
    group_nouns: frozenset[str]
    group_numbers: dict[str, int]
    group_alone: frozenset[str]
    commentator_nouns: frozenset[str]
    speech_verbs: frozenset[str]
    claim_verbs: frozenset[str]
    irrealis_heads: frozenset[str]
    irrealis_nouns: frozenset[str]
    aim_verbs: frozenset[str]
    hypothetical_aux: frozenset[str]
    planned_aux: frozenset[str]
    planned_heads: frozenset[str]
    agreement_nouns: frozenset[str]
    readiness: frozenset[str]
    light_verbs: frozenset[str]
    descriptions: dict[str, frozenset[str]] = field(default_factory=dict)
    unnamed_modifiers: frozenset[str] = frozenset()
    sport_words: frozenset[str] = frozenset()
    mediator_nouns: frozenset[str] = frozenset()
    mediating_verbs: frozenset[str] = frozenset()
    mediator_marks: frozenset[str] = frozenset()
    requesting_verbs: frozenset[str] = frozenset()
    deal_verbs: frozenset[str] = frozenset()
    coagent_words: frozenset[str] = frozenset()
    holding_words: frozenset[str] = frozenset()
    entering_verbs: frozenset[str] = frozenset()
    stronghold_nouns: frozenset[str] = frozenset()
    truce_nouns: frozenset[str] = frozenset()
    act_nouns: frozenset[str] = frozenset()
    word_nouns: frozenset[str] = frozenset()
    denial_words: frozenset[str] = frozenset()
    deontic_aux: frozenset[str] = frozenset()
    war_nouns: frozenset[str] = frozenset()
    instrument_nouns: frozenset[str] = frozenset()
    appraising_verbs: frozenset[str] = frozenset()
    place_preps: frozenset[str] = frozenset()
    membership_verbs: frozenset[str] = frozenset()
    involvement_words: frozenset[str] = frozenset()
    duration_nouns: frozenset[str] = frozenset()
    pronouns: dict[str, str] = field(default_factory=dict)
    first_person: dict[str, bool] = field(default_factory=dict)
    relative_pronouns: frozenset[str] = frozenset()
    reporting_verbs: frozenset[str] = frozenset()
    definite_determiners: frozenset[str] = frozenset()
    state_nouns: frozenset[str] = frozenset()
    people_groups: frozenset[str] = frozenset()
    person_nouns: frozenset[str] = frozenset()
    movement_words: frozenset[str] = frozenset()
    dependent_suffixes: frozenset[str] = frozenset()
    harvest_preps: frozenset[str] = frozenset()
    holding_participles: frozenset[str] = frozenset()
    symmetric_preps: frozenset[str] = frozenset()
    threat_preps: frozenset[str] = frozenset()
    coagent_preps: frozenset[str] = frozenset()
    outcome_nouns: frozenset[str] = frozenset()
    partitive_nouns: frozenset[str] = frozenset()
    travel_verbs: frozenset[str] = frozenset()
    quantity_nouns: frozenset[str] = frozenset()
    state_preps: frozenset[str] = frozenset()
    name_parts: frozenset[str] = frozenset()
    place_links: frozenset[str] = frozenset()
    involvement_preps: frozenset[str] = frozenset()
    hypothetical_marks: frozenset[str] = frozenset()
    hypothetical_modifiers: frozenset[str] = frozenset()
    condition_marks: frozenset[str] = frozenset()
    promise_aux: frozenset[str] = frozenset()
    past_preps: frozenset[str] = frozenset()
    planned_words: frozenset[str] = frozenset()
    planned_modifiers: frozenset[str] = frozenset()
    commentator_plurals: frozenset[str] = frozenset()
    irregular: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Rules:
    """All trigger rules, in file order, the lexicon and the numbers."""

    triggers: tuple[Trigger, ...]
    lexicon: Lexicon
    scoring: Scoring


def _examples(raw: list[Any] | None, where: str) -> tuple[Example, ...]:
    out = []
    for item in raw or []:
        if not isinstance(item, dict) or "text" not in item:
            raise RuleError(f"{where}: an example needs a text")
        events = tuple(
            (str(e[0]), str(e[1]), None if e[2] is None else str(e[2])) for e in item.get("events", [])
        )
        out.append(Example(str(item["text"]), events))
    return tuple(out)


def _words(value: object) -> frozenset[str]:
    """A list of words; YAML turns a bare ``on`` or ``no`` into a boolean, which is refused."""
    words = list(value or [])  # type: ignore[call-overload]
    for word in words:
        if not isinstance(word, str | int) or isinstance(word, bool):
            raise RuleError(f"not a word: {word!r} (quote on/off/yes/no in YAML)")
    return frozenset(str(w).lower() for w in words)


def _trigger(raw: dict[str, Any]) -> Trigger:
    where = f"rule {raw.get('id')!r}"
    try:
        kind = PloverType(raw["type"])
    except (KeyError, ValueError) as exc:
        raise RuleError(f"{where}: unknown or missing type {raw.get('type')!r}") from exc
    if not raw.get("lemmas"):
        raise RuleError(f"{where}: no lemmas")
    known = set(Trigger.__dataclass_fields__) | {"examples"}
    unknown = set(raw) - known - {"positive", "negative"}
    if unknown:
        raise RuleError(f"{where}: unknown fields {sorted(unknown)}")
    examples = raw.get("examples") or {}
    return Trigger(
        id=str(raw["id"]),
        type=kind,
        lemmas=_words(raw["lemmas"]),
        pos=frozenset(raw.get("pos") or ("VERB", "NOUN")),
        object=_words(raw.get("object")),
        particle=_words(raw.get("particle")),
        modifier=_words(raw.get("modifier")),
        agent_modifier=_words(raw.get("agent_modifier")),
        without=_words(raw.get("without")),
        targets=_words(raw.get("targets")),
        of_is=raw.get("of_is"),
        compound_is=raw.get("compound_is"),
        modifier_is=raw.get("modifier_is"),
        subject_is=raw.get("subject_is"),
        intransitive=bool(raw.get("intransitive", False)),
        xcomp=raw.get("xcomp"),
        both_ways=bool(raw.get("both_ways", False)),
        mediation=bool(raw.get("mediation", False)),
        companion=bool(raw.get("companion", False)),
        no_recipient=bool(raw.get("no_recipient", False)),
        direct_object=bool(raw.get("direct_object", False)),
        reported=bool(raw.get("reported", False)),
        received=bool(raw.get("received", False)),
        negated=PloverType(raw["negated"]) if raw.get("negated") else None,
        only_negated=bool(raw.get("only_negated", False)),
        priority=int(raw.get("priority", 0)),
        positive=_examples(examples.get("positive"), where),
        negative=_examples(examples.get("negative"), where),
    )


def _text(name: str) -> str:
    return (resources.files("agents.extract") / "rules" / name).read_text(encoding="utf-8")


def _read(name: str) -> dict[str, Any]:
    doc = yaml.load(_text(name), Loader=YAML_LOADER)
    if not isinstance(doc, dict):
        raise RuleError(f"{name}: expected a mapping")
    return doc


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    """The package's rules; cached in memory and, compiled, on disk (see :mod:`agents.kb.cache`)."""
    code = [Path(module).read_text(encoding="utf-8") for module in (__file__, scoring.__file__)]
    return cached("rules", [*code, *map(_text, FILES)], build_rules)


def build_rules() -> Rules:
    """The package's rules, read from :data:`FILES` and checked."""
    lex = _read("lexicon.yaml")
    lexicon = Lexicon(
        agent_nouns=_words(lex["agent_nouns"]),
        place_nouns=_words(lex["place_nouns"]),
        compass_words=_words(lex["compass_words"]),
        defending_verbs=_words(lex["defending_verbs"]),
        dying_verbs=_words(lex["dying_verbs"]),
        warning_verbs=_words(lex["warning_verbs"]),
        joining_verbs=_words(lex["joining_verbs"]),
        locative_preps=_words(lex["locative_preps"]),
        group_nouns=_words(lex["group_nouns"]),
        group_numbers={str(k): int(v) for k, v in lex["group_numbers"].items()},
        group_alone=_words(lex["group_alone"]),
        commentator_nouns=_words(lex["commentator_nouns"]),
        speech_verbs=_words(lex["speech_verbs"]),
        claim_verbs=_words(lex["claim_verbs"]),
        irrealis_heads=_words(lex["irrealis_heads"]),
        irrealis_nouns=_words(lex["irrealis_nouns"]),
        aim_verbs=_words(lex["aim_verbs"]),
        hypothetical_aux=_words(lex["hypothetical_aux"]),
        planned_aux=_words(lex["planned_aux"]),
        planned_heads=_words(lex["planned_heads"]),
        agreement_nouns=_words(lex["agreement_nouns"]),
        readiness=_words(lex["readiness"]),
        light_verbs=_words(lex["light_verbs"]),
        descriptions={str(k): _words(v) for k, v in lex["descriptions"].items()},
        unnamed_modifiers=_words(lex["unnamed_modifiers"]),
        sport_words=_words(lex["sport_words"]),
        mediator_nouns=_words(lex["mediator_nouns"]),
        mediating_verbs=_words(lex["mediating_verbs"]),
        mediator_marks=_words(lex["mediator_marks"]),
        requesting_verbs=_words(lex["requesting_verbs"]),
        deal_verbs=_words(lex["deal_verbs"]),
        coagent_words=_words(lex["coagent_words"]),
        holding_words=_words(lex["holding_words"]),
        entering_verbs=_words(lex["entering_verbs"]),
        stronghold_nouns=_words(lex["stronghold_nouns"]),
        truce_nouns=_words(lex["truce_nouns"]),
        act_nouns=_words(lex["act_nouns"]),
        word_nouns=_words(lex["word_nouns"]),
        denial_words=_words(lex["denial_words"]),
        deontic_aux=_words(lex["deontic_aux"]),
        war_nouns=_words(lex["war_nouns"]),
        instrument_nouns=_words(lex["instrument_nouns"]),
        appraising_verbs=_words(lex["appraising_verbs"]),
        place_preps=_words(lex["place_preps"]),
        membership_verbs=_words(lex["membership_verbs"]),
        involvement_words=_words(lex["involvement_words"]),
        duration_nouns=_words(lex["duration_nouns"]),
        pronouns={str(k): str(v) for k, v in lex["pronouns"].items()},
        first_person={str(k): bool(v) for k, v in lex["first_person"].items()},
        relative_pronouns=_words(lex["relative_pronouns"]),
        reporting_verbs=_words(lex["reporting_verbs"]),
        definite_determiners=_words(lex["definite_determiners"]),
        state_nouns=_words(lex["state_nouns"]),
        people_groups=_words(lex["people_groups"]),
        person_nouns=_words(lex["person_nouns"]),
        movement_words=_words(lex["movement_words"]),
        dependent_suffixes=_words(lex["dependent_suffixes"]),
        harvest_preps=_words(lex["harvest_preps"]),
        holding_participles=_words(lex["holding_participles"]),
        symmetric_preps=_words(lex["symmetric_preps"]),
        threat_preps=_words(lex["threat_preps"]),
        coagent_preps=_words(lex["coagent_preps"]),
        outcome_nouns=_words(lex["outcome_nouns"]),
        partitive_nouns=_words(lex["partitive_nouns"]),
        travel_verbs=_words(lex["travel_verbs"]),
        quantity_nouns=_words(lex["quantity_nouns"]),
        state_preps=_words(lex["state_preps"]),
        name_parts=_words(lex["name_parts"]),
        place_links=_words(lex["place_links"]),
        involvement_preps=_words(lex["involvement_preps"]),
        hypothetical_marks=_words(lex["hypothetical_marks"]),
        hypothetical_modifiers=_words(lex["hypothetical_modifiers"]),
        condition_marks=_words(lex["condition_marks"]),
        promise_aux=_words(lex["promise_aux"]),
        past_preps=_words(lex["past_preps"]),
        planned_words=_words(lex["planned_words"]),
        planned_modifiers=_words(lex["planned_modifiers"]),
        commentator_plurals=_words(lex["commentator_plurals"]),
        irregular={str(k): tuple(str(f) for f in v) for k, v in (lex.get("irregular") or {}).items()},
    )
    generated = _read("cameo.yaml")
    for lemma, forms in (generated.get("irregular") or {}).items():
        lexicon.irregular.setdefault(str(lemma), tuple(str(f) for f in forms))
    triggers = tuple(_trigger(raw) for raw in (*_read("plover.yaml")["rules"], *generated["rules"]))
    ids = [t.id for t in triggers]
    if len(ids) != len(set(ids)):
        raise RuleError(f"duplicate rule ids: {sorted({i for i in ids if ids.count(i) > 1})}")
    return Rules(triggers, lexicon, Scoring.model_validate(_read("scoring.yaml")))


def surface_forms(lemma: str, irregular: dict[str, tuple[str, ...]]) -> set[str]:
    """Lower-case inflected forms of a lemma, to spot candidate sentences before parsing."""
    forms = {
        lemma,
        lemma + "s",
        lemma + "es",
        lemma + "ed",
        lemma + "d",
        lemma + "ing",
        *irregular.get(lemma, ()),
    }
    if lemma.endswith("e"):
        forms.add(lemma[:-1] + "ing")
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if len(lemma) > 2 and lemma[-1] not in "aeiouywx" and lemma[-2] in "aeiou" and lemma[-3] not in "aeiou":
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms
