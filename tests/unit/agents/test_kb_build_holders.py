"""The build's reading of office holders: which offices count and how tenures of one office meet."""

from __future__ import annotations

import datetime as dt

import pytest

from agents.kb.build.leaders import Holding, people
from agents.kb.build.offices import (
    DEFENCE_MINISTER,
    FOREIGN_MINISTER,
    HEAD_OF_GOVERNMENT,
    HEAD_OF_STATE,
    SUPREME_LEADER,
    office_kind,
)


@pytest.mark.parametrize(
    ("label", "state", "kind"),
    [
        ("President", "ISR", HEAD_OF_STATE),
        ("Monarch of the Belgians", "BEL", HEAD_OF_STATE),
        ("Supreme Leader", "IRN", SUPREME_LEADER),
        ("Prime Minister of India", "IND", HEAD_OF_GOVERNMENT),
        ("Chairman of the Cabinet of Ministers (Prime Minister)", "UKR", HEAD_OF_GOVERNMENT),
        ("President of the Executive Yuan", "TWN", HEAD_OF_GOVERNMENT),
        ("Prime Minister of St Kitts and Nevis", "KNA", HEAD_OF_GOVERNMENT),
        ("Minister of Foreign and European Affairs", "LUX", FOREIGN_MINISTER),
        ("Secretary of State", "USA", FOREIGN_MINISTER),
        (
            "Second Deputy Prime Minister and Minister of Foreign Affairs and Diaspora",
            "XKX",
            FOREIGN_MINISTER,
        ),
        ("Minister of the Armed Forces", "FRA", DEFENCE_MINISTER),
        ("Secretary of State for Defence", "GBR", DEFENCE_MINISTER),
        ("Chief of the General Staff", "UKR", "military chief: chief of the general staff"),
        ("Deputy Prime Minister", "ISR", None),
        ("Minister of State (Foreign Affairs and Consular)", "LKA", None),
        ("Minister of Foreign Trade", "ARG", None),
        ("Foreign Secretary", "IND", None),  # a diplomat, not the minister
        ("Minister of Home Front Defence", "ISR", None),
        ("President of the Senate", "ITA", None),
        ("Premier of New South Wales", "AUS", None),
        ("Secretary of State of Washington", "USA", None),
        ("Prime Minister of Azad Kashmir", "PAK", None),
        ("Minister of Defence of Ukraine", "RUS", None),
        ("Captain Regent", "SMR", None),
    ],
)
def test_offices_kept_are_heads_foreign_and_defence_ministers_and_military_chiefs(
    label: str, state: str, kind: str | None
) -> None:
    assert office_kind(label, state) == kind


def _holding(
    person: str, label: str, start: str, end: str | None, *, state: str = "UKR", precise: bool = True
):
    return Holding(
        person,
        label,
        state,
        "Prime Minister",
        HEAD_OF_GOVERNMENT,
        dt.date.fromisoformat(start),
        dt.date.fromisoformat(end) if end else None,
        precise,
    )


def _tenures(entries: list[dict]) -> dict[str, list[tuple[str, str | None, str]]]:
    return {e["name"]: [(t["start"], t.get("end"), t["actor"]) for t in e["tenures"]] for e in entries}


def test_a_holder_resumes_after_an_interim_one_and_a_rival_claimant_yields() -> None:
    found = [
        _holding("Q1", "Arseniy Yatsenyuk", "2014-02-27", "2016-04-14"),
        _holding("Q2", "Volodymyr Groysman", "2014-07-25", "2014-07-31"),  # interim
        _holding("Q3", "Abdrabbuh Mansour Hadi", "2012-02-27", "2022-04-07", state="YEM"),
        _holding("Q4", "Mahdi al-Mashat", "2018-04-25", None, state="YEM"),  # a rival government's
    ]
    assert _tenures(people(found, {})) == {
        "Arseniy Yatsenyuk": [("2014-02-27", "2014-07-25", "UKR"), ("2014-07-31", "2016-04-14", "UKR")],
        "Volodymyr Groysman": [("2014-07-25", "2014-07-31", "UKR")],
        "Abdrabbuh Mansour Hadi": [("2012-02-27", "2022-04-07", "YEM")],
        "Mahdi al-Mashat": [("2022-04-07", None, "YEM")],
    }


def test_a_tenure_known_to_the_day_replaces_one_known_to_the_year_and_crowns_of_several_realms_go() -> None:
    found = [
        _holding("Q1", "Denys Shmyhal", "2020-01-01", None, precise=False),
        _holding("Q1", "Denys Shmyhal", "2020-03-04", None),
        _holding("Q5", "Elizabeth II", "1952-02-06", "2022-09-08", state="GBR"),
        _holding("Q5", "Elizabeth II", "1981-09-21", "2022-09-08", state="BLZ"),
    ]
    assert _tenures(people(found, {})) == {"Denys Shmyhal": [("2020-03-04", None, "UKR")]}


def test_a_surname_is_an_alias_unless_it_names_a_big_place_or_another_holder_or_comes_first() -> None:
    found = [
        _holding("Q1", "Maia Sandu", "2020-12-24", None, state="MDA"),
        _holding("Q2", "Joseph Muscat", "2013-03-09", "2020-01-13", state="MLT"),  # Oman's capital
        _holding("Q3", "Ion Chicu", "2019-11-14", "2020-12-31", state="MDA"),
        _holding("Q4", "Vlad Chicu", "2001-01-01", "2002-01-01", state="ROU"),
        _holding("Q5", "Li Keqiang", "2013-03-15", "2023-03-11", state="CHN"),  # the family name first
    ]
    assert {e["name"]: e["aliases"] for e in people(found, {})} == {
        "Maia Sandu": ["Maia Sandu", "Sandu"],
        "Joseph Muscat": ["Joseph Muscat"],
        "Ion Chicu": ["Ion Chicu"],
        "Vlad Chicu": ["Vlad Chicu"],
        "Li Keqiang": ["Li Keqiang"],
    }
