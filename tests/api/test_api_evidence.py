"""What the dashboard reads beside the tables: a row's evidence a page at a time, its timeline, the atlas."""

from __future__ import annotations

from typing import Any

import httpx


def pages(api: httpx.Client, path: str, limit: int, **params: str) -> list[dict[str, Any]]:
    """Every page of a row's evidence, following ``next``."""
    found, offset = [], 0
    while offset is not None:
        page = api.get(path, params={"limit": limit, "offset": offset, **params})
        assert page.status_code == 200, page.text
        why = page.json()["why"]
        assert why["offset"] == offset and len(why["facts"]) <= limit
        found.append(why)
        offset = why["next"]
    return found


def test_a_pair_s_evidence_comes_a_page_at_a_time_strongest_first(api: httpx.Client) -> None:
    whole = api.get("/alliances/RUS/TUR", params={"limit": 1000}).json()["why"]
    assert whole["next"] is None and len(whole["facts"]) == whole["facts_total"] > 2
    strengths = [abs(fact["contribution"]) for fact in whole["facts"]]
    assert strengths == sorted(strengths, reverse=True)
    paged = pages(api, "/alliances/RUS/TUR", 2)
    assert len(paged) == -(-whole["facts_total"] // 2)
    assert [fact["event_id"] for page in paged for fact in page["facts"]] == [
        fact["event_id"] for fact in whole["facts"]
    ]
    assert len(api.get("/alliances/RUS/TUR").json()["why"]["facts"]) == min(20, whole["facts_total"])


def test_each_fact_names_its_article_and_where_its_sentence_lies(api: httpx.Client) -> None:
    facts = api.get("/zones/IDLIB", params={"limit": 5}).json()["why"]["facts"]
    assert facts
    for fact in facts:
        assert fact["article"]["id"] == fact["article_id"] and fact["article"]["title"]
        text = api.get(f"/articles/{fact['article_id']}").json()["text"]
        assert text[fact["start"] : fact["end"]] == fact["sentence"]


def test_a_day_s_evidence_and_bad_paging_parameters(api: httpx.Client) -> None:
    events = api.get("/alliances/RUS/TUR/timeline").json()["events"]
    day = events[0]["date"]
    why = api.get("/alliances/RUS/TUR", params={"on": day}).json()["why"]
    assert why["facts_total"] == events[0]["count"] and {fact["date"] for fact in why["facts"]} == {day}
    for params in ({"limit": 0}, {"offset": -1}, {"limit": "x"}, {"on": "yesterday"}):
        response = api.get("/alliances/RUS/TUR", params=params)
        assert response.status_code == 400 and next(iter(params)) in response.json()["error"]


def test_a_row_s_timeline_gives_its_view_by_day_and_its_events(api: httpx.Client) -> None:
    pair = api.get("/alliances/TUR/RUS/timeline").json()
    assert pair["key"] == "RUS|TUR" and pair["series"] and pair["events"]
    dates = [point["date"] for point in pair["series"]]
    assert dates == sorted(dates) and all({"score", "stance"} <= set(point) for point in pair["series"])
    live = api.get("/alliances/RUS/TUR").json()["alliance"]
    assert pair["series"][-1]["score"] == live["score"]
    assert sum(day["count"] for day in pair["events"]) == live["events"]
    zone = api.get("/zones/IDLIB/timeline").json()
    assert zone["series"] and all("status" in point for point in zone["series"])
    early = api.get("/alliances/RUS/TUR/timeline", params={"as_of": "2017-12-31"}).json()
    assert all(point["date"] <= "2017-12-31" for point in early["series"] + early["events"])
    assert api.get("/zones/HOMS/timeline", params={"as_of": "2017-12-31"}).status_code == 404


def test_the_atlas_names_the_state_s_actors_and_places_its_zones(api: httpx.Client) -> None:
    atlas = api.get("/atlas").json()
    actors = {actor["id"]: actor for actor in atlas["actors"]}
    turkey = {"id": "TUR", "name": "Türkiye", "kind": "state", "countries": [], "numeric": "792"}
    assert actors["TUR"] == turkey
    assert actors["SDF"]["kind"] == "group" and actors["SDF"]["numeric"] is None
    zones = {zone["id"]: zone for zone in atlas["zones"]}
    assert zones["IDLIB"]["state"] == "SYR" and 35 < zones["IDLIB"]["latitude"] < 37
