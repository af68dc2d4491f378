"""The knowledge base: complete, consistent, resolved by date, extendable."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pycountry
import pytest

from agents.kb import KnowledgeBase, KnowledgeBaseError, load_kb
from agents.kb.fold import fold


def test_every_iso_state_is_an_actor(kb: KnowledgeBase) -> None:
    for country in pycountry.countries:
        assert kb.actors[country.alpha_3].kind == "state"


def test_groups_and_organisations_of_the_guidelines(kb: KnowledgeBase) -> None:
    for actor in ("ISIS", "NUSRA", "YPG", "PYD", "PKK", "SDF", "SYR_OPP", "HEZBOLLAH", "UN", "EU", "NATO"):
        assert actor in kb.actors


def test_no_name_is_claimed_twice(kb: KnowledgeBase) -> None:
    keys = Counter((n.text if n.case_sensitive else n.text.lower(), n.case_sensitive) for n in kb.names)
    assert [key for key, count in keys.items() if count > 1] == []


def test_no_duplicate_people_or_zones(kb: KnowledgeBase) -> None:
    assert len(set(kb.people)) == len(kb.people)
    coded = {z.id for z in kb.zones.values() if z.coded}
    assert coded == {"IDLIB", "AFRIN", "EASTERN_GHOUTA", "DARAA", "HOMS", "MANBIJ", "EUPHRATES_EAST"}


def _refs(kb: KnowledgeBase, text: str) -> set[tuple[str, str]]:
    folded = fold(text).lower()
    return {(n.kind, n.ref) for n in kb.names if n.text.lower() == folded}


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("Erdoğan", "ERDOGAN"),
        ("Erdogan", "ERDOGAN"),
        ("Çavuşoğlu", "CAVUSOGLU"),
        ("Cavusoglu", "CAVUSOGLU"),
        ("Rohani", "ROUHANI"),
        ("Rouhani", "ROUHANI"),
        ("Shoygu", "SHOIGU"),
        ("de Mistura", "DE_MISTURA"),
    ],
)
def test_spelling_variants_name_one_person(kb: KnowledgeBase, text: str, ref: str) -> None:
    assert ("person", ref) in _refs(kb, text)


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("the Kremlin", "RUS"),
        ("Ankara", "TUR"),
        ("Tehran", "IRN"),
        ("Damascus", "SYR"),
        ("the Pentagon", "USA"),
        ("Daesh", "ISIS"),
        ("Hayat Tahrir al-Sham", "NUSRA"),
        ("People's Protection Units", "YPG"),
        ("Free Syrian Army", "SYR_OPP"),
        ("Turkish-backed rebels", "SYR_OPP"),
    ],
)
def test_metonyms_and_group_names(kb: KnowledgeBase, text: str, actor: str) -> None:
    assert ("name", actor) in _refs(kb, text)


def test_people_resolve_through_tenures(kb: KnowledgeBase) -> None:
    rouhani, biden = kb.people["ROUHANI"], kb.people["BIDEN"]
    assert rouhani.actor_on(dt.date(2015, 6, 1)) == "IRN"
    assert rouhani.actor_on(dt.date(2022, 6, 1)) is None
    assert biden.actor_on(dt.date(2016, 6, 1)) == "USA"
    assert biden.actor_on(dt.date(2019, 6, 1)) is None
    assert biden.actor_on(None) == "USA"


def test_zone_aliases_include_operations(kb: KnowledgeBase) -> None:
    assert ("zone", "AFRIN") in _refs(kb, "Operation Olive Branch")
    assert ("zone", "EUPHRATES_EAST") in _refs(kb, "Ras al-Ain")
    assert ("no_zone", "-") in _refs(kb, "Aleppo")


def test_knowledge_base_is_immutable(kb: KnowledgeBase) -> None:
    with pytest.raises(TypeError):
        kb.actors["XXX"] = kb.actors["TUR"]  # type: ignore[index]


def test_user_file_extends_the_knowledge_base(tmp_path: Path) -> None:
    extra = tmp_path / "militias.yaml"
    extra.write_text(
        "kind: groups\ngroups:\n  - {id: LIWA_X, name: Liwa Example, aliases: [Liwa Example Brigade]}\n"
    )
    kb = load_kb([extra])
    assert kb.actors["LIWA_X"].kind == "group"
    assert ("name", "LIWA_X") in _refs(kb, "Liwa Example Brigade")
    assert "LIWA_X" not in load_kb().actors


def test_groupings_of_states_stand_for_their_members(kb: KnowledgeBase) -> None:
    assert kb.groupings["E3"] == ("FRA", "DEU", "GBR")
    assert ("grouping", "P5_1") in _refs(kb, "P5+1")
    assert all(m in kb.actors for members in kb.groupings.values() for m in members)


def test_a_description_may_mean_another_group(kb: KnowledgeBase) -> None:
    assert ("name", "YPG") in _refs(kb, "Kurdish forces")
    assert kb.alternatives["kurdish forces"] == ("SDF",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("kind: groups\ngroups:\n  - {id: ISIS, name: Again}\n", "duplicate actor id 'ISIS'"),
        ("kind: groups\ngroups:\n  - {id: NEW_GROUP, aliases: [Daesh]}\n", "claimed by"),
        (
            "kind: people\npeople:\n  - {id: P1, tenures: [{actor: NOWHERE, start: 2015-01-01}]}\n",
            "unknown actor",
        ),
        ("kind: people\npeople:\n  - {id: P2, tenures: [{actor: TUR, start: someday}]}\n", "not an ISO date"),
        (
            "kind: groups\ngroups:\n  - {id: NEW_GROUP, means_when_named: {NOWHERE: [New Fighters]}}\n",
            "alternative names unknown actor 'NOWHERE'",
        ),
        (
            "kind: groupings\ngroupings:\n  - {id: TRIO, aliases: [the Trio], members: [FRA, NOWHERE]}\n",
            "grouping 'TRIO': unknown member 'NOWHERE'",
        ),
        ("kind: weather\n", "unknown kind"),
        ("kind: [unclosed\n", "invalid YAML"),
    ],
)
def test_bad_user_files_are_refused_with_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    extra = tmp_path / "bad.yaml"
    extra.write_text(content)
    with pytest.raises(KnowledgeBaseError, match=message):
        load_kb([extra])
