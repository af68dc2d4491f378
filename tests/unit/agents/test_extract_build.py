"""The CAMEO rule build: the dictionary and crosswalk readers, and a byte-for-byte rebuild of a sample."""

from __future__ import annotations

from pathlib import Path

import yaml

from agents.extract.build.cameo import Pattern, crosswalk, patterns, plover, singular
from agents.extract.build.generate import Prune
from agents.extract.build.write import generate
from agents.extract.rules import load_rules

DATA = Path(__file__).resolve().parents[2] / "data" / "cameo"
PINS = {
    name: {"repository": "example/" + name, "commit": "0" * 40, "path": name + ".txt", "date": "2026-01-01"}
    | {"licence": "written for this test"}
    for name in ("cameo", "crosswalk")
}
CURATION: dict[str, list[dict[str, object]]] = {
    "prune": [{"lemma": "stage", "type": "PROTEST", "why": "a test entry"}],
    "examples": [
        {
            "type": "ASSAULT",
            "lemma": "overrun",
            "text": "Peru overran a Chilean outpost.",
            "events": [["ASSAULT", "PER", "CHL"]],
        }
    ],
}


def _sample() -> str:
    return generate(
        (DATA / "sample.CAMEO.txt").read_text(encoding="utf-8"),
        (DATA / "sample.CAMEO2PLOVER.txt").read_text(encoding="utf-8"),
        PINS,
        CURATION,
    )


def test_sample_rebuilds_byte_for_byte() -> None:
    assert _sample() == (DATA / "sample.expected.yaml").read_text(encoding="utf-8")


def test_crosswalk_types_a_code_by_its_nearest_parent() -> None:
    table = crosswalk((DATA / "sample.CAMEO2PLOVER.txt").read_text(encoding="utf-8"))
    assert plover("1123", table) == "ACCUSE"  # 112 is listed, 1123 is not
    assert plover("084", table) == "RETREAT"
    assert plover("08", table) == "CONCEDE"  # the first of two headings wins
    assert plover("020", table) is None


def test_patterns_read_objects_particles_and_verbs() -> None:
    found = {p for p, _ in patterns((DATA / "sample.CAMEO.txt").read_text(encoding="utf-8"))}
    assert Pattern("chide", "1123", "over", ("incident",), modified=True) in found
    assert Pattern("scold", "111", "sharply") in found  # an adverb is a condition on the verb
    assert Pattern("mass", "154", "along", ("soldier", "troop", "unit")) in found  # a synonym set's heads
    assert Pattern("chide", "111", subject=True) in found
    assert Pattern("reprove", "112") in found  # a verb's own code
    assert Pattern("chide", "111") in found  # the verb the block is named for
    assert not any(p.lemma == "scold" and not p.particle for p in found)  # other verbs need a pattern
    assert not any(p.lemma == "kick" for p in found if not p.objects and p.code == "190")


def test_singular_and_prune() -> None:
    assert [singular(w) for w in ("RALLIES", "MARCHES", "TROOPS", "PRESS", "STATUS")] == [
        "rally",
        "march",
        "troop",
        "press",
        "status",
    ]
    prune = Prune(lemma="mass", type="MOBILIZE", object="-")
    assert prune.drops("mass", "MOBILIZE", "VERB", "", "")
    assert not prune.drops("mass", "MOBILIZE", "VERB", "along", "troop")


def test_generated_rules_load_after_the_hand_written_ones_and_lose_to_them() -> None:
    rules = load_rules().triggers
    generated = [i for i, r in enumerate(rules) if r.id.startswith("cameo-")]
    assert generated and min(generated) > max(i for i, r in enumerate(rules) if not r.id.startswith("cameo-"))
    assert all(rules[i].priority < 0 for i in generated)
    root = Path(__file__).resolve().parents[3] / "agents" / "extract"
    header = (root / "rules" / "cameo.yaml").read_text(encoding="utf-8").split("\nrules:")[0]
    pins = yaml.safe_load((root / "build" / "sources.yaml").read_text(encoding="utf-8"))
    assert all(f"{pin['repository']} {pin['commit']} {pin['path']}" in header for pin in pins.values())
