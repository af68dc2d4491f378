"""The world-scale knowledge base: its build from pinned sources, its lint, and what it resolves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
import yaml
from wordfreq import zipf_frequency

from agents.kb import KnowledgeBase
from agents.kb.build.__main__ import build
from agents.kb.build.common import COMMON_WORD_ZIPF
from agents.kb.load import DATA_FILES, GENERATED_FILES
from schemas import Event

SAMPLES = Path(__file__).parents[2] / "data" / "kb"
DATA = resources.files("agents.kb") / "data"


def _documents() -> dict[str, dict]:
    return {
        f: yaml.safe_load((DATA / f).read_text(encoding="utf-8")) for f in (*DATA_FILES, *GENERATED_FILES)
    }


def test_the_build_reproduces_its_output_byte_for_byte(tmp_path: Path) -> None:
    build(
        SAMPLES / "leaders.sample.csv",
        SAMPLES / "leaders-2021.sample.csv",
        SAMPLES / "ministers.sample.csv",
        SAMPLES / "groups.sample.txt",
        SAMPLES / "holders",
        tmp_path,
    )
    for expected in sorted((SAMPLES / "expected").iterdir()):
        assert (tmp_path / expected.name).read_bytes() == expected.read_bytes(), expected.name


def test_generated_files_name_their_source_licence_date_and_gaps() -> None:
    for name in GENERATED_FILES:
        head = (DATA / name).read_text(encoding="utf-8").split("\nkind:")[0]
        for field in ("# source: ", "# commit: ", "# licence: ", "# date: ", "# gaps: "):
            assert field in head, (name, field)


def test_lint_no_id_is_defined_twice() -> None:
    seen: dict[str, str] = {}
    for name, doc in _documents().items():
        for key in ("groups", "organisations", "people", "zones"):
            for entry in doc.get(key) or []:
                assert entry["id"] not in seen, f"{entry['id']} in {name} and {seen.get(entry['id'])}"
                seen[entry["id"]] = name


def _overlap(a: tuple[dt.date, dt.date | None], b: tuple[dt.date, dt.date | None]) -> bool:
    far = dt.date.max
    return a[0] < (b[1] or far) and b[0] < (a[1] or far)


def test_lint_no_alias_names_two_people_at_once_and_no_office_has_two_holders(kb: KnowledgeBase) -> None:
    owners: dict[str, set[str]] = {}
    for name in kb.names:
        owners.setdefault(name.text.lower(), set()).add(name.ref)
    for text, refs in owners.items():
        people = [kb.people[r] for r in refs if r in kb.people]
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                assert not any(
                    _overlap((s.start, s.end), (t.start, t.end)) for s in a.tenures for t in b.tenures
                ), f"{text!r} names {a.id} and {b.id} at once"
    offices: dict[tuple[str, str], list[tuple[str, dt.date, dt.date | None]]] = {}
    for person in kb.people.values():
        if person.id.startswith("WD_"):  # generated roles are office labels; hand-listed ones are prose
            for t in person.tenures:
                offices.setdefault((t.actor, t.role), []).append((person.id, t.start, t.end))
    for office, held in offices.items():
        for i, (who, start, end) in enumerate(held):
            for other, start2, end2 in held[i + 1 :]:
                assert who == other or not _overlap((start, end), (start2, end2)), (office, who, other)


def test_lint_a_common_word_is_no_alias_unless_matched_with_its_case(kb: KnowledgeBase) -> None:
    generated = {
        e["id"]
        for f in GENERATED_FILES
        for e in (_documents()[f].get("people") or _documents()[f].get("groups") or [])
    }
    for name in kb.names:
        common = " " not in name.text and zipf_frequency(name.text.lower(), "en") >= COMMON_WORD_ZIPF
        if common and (name.kind == "person" or name.ref in generated):
            assert name.case_sensitive, f"{name.text!r} ({name.ref}) is a common English word"


@pytest.mark.parametrize(
    "text",
    [
        "HAMAS",
        "PIJ",
        "HEZBOLLAH",
        "HOUTHIS",
        "TALIBAN",
        "AL_SHABAAB",
        "BOKO_HARAM",
        "WAGNER",
        "RSF",
        "TPLF",
        "M23",
        "LNA",
        "JEM",
        "LET",
        "FARC",
        "ELN",
        "ISIS",
        "AL_QAEDA",
        "KARABAKH",
        "DPR",
        "LPR",
        "TRANSNISTRIA",
        "ABKHAZIA",
        "SOUTH_OSSETIA",
        "SOMALILAND",
        "TRNC",
        "VEN_OPP",
        "UN",
        "EU",
        "NATO",
        "AU",
        "ASEAN",
        "OSCE",
        "ICC",
        "IAEA",
        "ARAB_LEAGUE",
        "ECOWAS",
        "IGAD",
        "GCC",
        "OPEC",
        "SCO",
        "CSTO",
        "CIS",
        "SADC",
    ],
)
def test_the_guidelines_world_ids_are_actors(kb: KnowledgeBase, text: str) -> None:
    assert text in kb.actors


def test_many_groups_with_the_countries_they_act_in(kb: KnowledgeBase) -> None:
    groups = [a for a in kb.actors.values() if a.kind == "group"]
    assert len(groups) >= 200
    assert "SOM" in kb.actors["AL_SHABAAB"].countries
    assert "YEM" in kb.actors["ADEN_ABYAN_ISLAMIC_ARMY"].countries


def test_a_leader_resolves_through_tenure_across_a_handover(kb: KnowledgeBase) -> None:
    leader = kb.people["HIBATULLAH"]
    assert leader.actor_on(dt.date(2019, 3, 1)) == "TALIBAN"
    assert leader.actor_on(dt.date(2022, 3, 1)) == "AFG"
    assert kb.people["WD_Q27654948"].actor_on(dt.date(2021, 6, 1)) == "SDN"  # generated from Wikidata


def test_a_leader_back_in_office_acts_for_his_state_again(kb: KnowledgeBase) -> None:
    netanyahu = kb.people["NETANYAHU"]
    assert netanyahu.actor_on(dt.date(2022, 1, 1)) is None
    assert netanyahu.actor_on(dt.date(2023, 11, 1)) == "ISR"


def test_a_foreign_minister_who_became_president_acts_for_his_state_only_in_office(kb: KnowledgeBase) -> None:
    poroshenko = kb.people["WD_Q58077"]  # Ukraine's foreign minister 2009-2010, president 2014-2019
    assert poroshenko.actor_on(dt.date(2009, 12, 1)) == "UKR"
    assert poroshenko.actor_on(dt.date(2012, 6, 1)) is None
    assert poroshenko.actor_on(dt.date(2016, 1, 1)) == "UKR"
    assert poroshenko.actor_on(dt.date(2020, 1, 1)) is None


def test_defence_ministers_and_heads_of_state_before_2021_are_known(kb: KnowledgeBase) -> None:
    assert kb.people["WD_Q43944"].actor_on(dt.date(2010, 1, 1)) == "AFG"  # Hamid Karzai, president 2004-2014
    assert kb.people["WD_Q359689"].actor_on(dt.date(2004, 1, 1)) == "ISR"  # Shaul Mofaz, defence 2002-2006
    assert kb.people["WD_Q4392444"].actor_on(dt.date(2022, 6, 1)) == "UKR"  # Oleksii Reznikov, defence 2021-


@pytest.mark.parametrize(
    ("text", "published", "present", "absent"),
    [
        (
            "Poroshenko accused Russia of sending troops into Donbas.",
            dt.date(2015, 2, 1),
            {"UKR", "RUS"},
            set(),
        ),
        ("Poroshenko accused Russia of sending troops into Donbas.", dt.date(2021, 2, 1), set(), {"UKR"}),
        (
            "Defence Minister Andriy Taran accused Russia of massing troops.",
            dt.date(2021, 4, 1),
            {"UKR"},
            set(),
        ),
        ("Andriy Taran accused Russia of massing troops.", dt.date(2022, 4, 1), set(), {"UKR"}),
        ("Shaul Mofaz threatened Syria with retaliation.", dt.date(2003, 5, 1), {"ISR", "SYR"}, set()),
    ],
)
def test_a_name_acts_for_its_state_only_during_the_tenure(
    extract: Callable[..., list[Event]], text: str, published: dt.date, present: set[str], absent: set[str]
) -> None:
    actors = _actors(extract(text, published=published))
    assert present <= actors and not absent & actors, actors


def test_places_locate_and_never_act(kb: KnowledgeBase) -> None:
    city = kb.locate("Mombasa")
    assert city is not None and city.state == "KEN" and city.latitude is not None
    sub = kb.locate("Kharkivska oblast")
    assert sub is not None and sub.state == "UKR" and sub.kind == "subdivision"
    assert "mombasa" not in {n.text.lower() for n in kb.names}


def _actors(events: list[Event]) -> set[str]:
    return {a for e in events for a in (e.source, e.target) if a}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("South Korea accused North Korea of firing a missile over the sea.", {"KOR", "PRK"}),
        ("South Sudan and the Central African Republic signed a border accord.", {"SSD", "CAF"}),
        ("North Macedonia criticised Bulgaria over the language dispute.", {"MKD", "BGR"}),
        ("The Democratic Republic of the Congo accused Rwanda of backing the M23 rebels.", {"COD", "RWA"}),
        ("Hamas fighters fired rockets at Israel on Tuesday.", {"HAMAS", "ISR"}),
        ("Houthi rebels fired missiles at Saudi Arabia overnight.", {"HOUTHIS", "SAU"}),
        ("The African Union condemned Niger for the coup.", {"AU", "NER"}),
        ("Abkhazia accused Georgia of provocations along the boundary.", {"ABKHAZIA", "GEO"}),
        ("Indian Prime Minister Narendra Modi met his Pakistani counterpart in Tashkent.", {"IND", "PAK"}),
    ],
)
def test_world_sentences_name_their_actors(
    extract: Callable[..., list[Event]], text: str, expected: set[str]
) -> None:
    assert expected <= _actors(extract(text, published=dt.date(2023, 3, 1)))
