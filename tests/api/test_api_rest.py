"""REST reads over a real socket: tables, rows with their audit chain, as-of views, events, articles."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time

import httpx

from streams import topics
from streams.log import LOG_FILE, Log
from tests.api.support import Server
from tests.support.factories import event


def keys(rows: list[dict[str, object]]) -> set[str]:
    return {f"{row['a']}|{row['b']}" if "a" in row else str(row["zone"]) for row in rows}


def test_alliances_lists_every_pair_sorted_by_key(api: httpx.Client) -> None:
    response = api.get("/alliances")
    assert response.status_code == 200
    rows = response.json()
    assert "RUS|TUR" in keys(rows)
    listed = [f"{row['a']}|{row['b']}" for row in rows]
    assert listed == sorted(listed)
    assert all(row["a"] < row["b"] and "facts" not in row for row in rows)


def test_a_pair_in_either_order_comes_with_its_evidence(api: httpx.Client) -> None:
    forward, backward = api.get("/alliances/RUS/TUR"), api.get("/alliances/TUR/RUS")
    assert forward.status_code == backward.status_code == 200
    body = forward.json()
    assert body["alliance"]["a"] == "RUS" and body["alliance"]["b"] == "TUR"
    assert body["why"]["key"] == "RUS|TUR"
    facts = body["why"]["facts"]
    assert facts and all(fact["sentence"] and fact["article_id"] for fact in facts)
    listed = sum(fact["contribution"] for fact in facts) + body["why"]["rest"]["contribution"]
    assert round(listed, 2) == round(body["alliance"]["score"], 2)


def test_a_zone_shows_status_parties_and_evidence(api: httpx.Client) -> None:
    body = api.get("/zones/IDLIB").json()
    assert body["zone"]["zone"] == "IDLIB"
    assert {"RUS", "TUR", "IRN"} <= set(body["zone"]["parties"])
    assert "TUR" in body["zone"]["deployed"]
    assert all(fact["role"] for fact in body["why"]["facts"])
    assert "IDLIB" in keys(api.get("/zones").json())


def test_as_of_shows_the_state_of_that_day(api: httpx.Client) -> None:
    live = api.get("/alliances").json()
    early = api.get("/alliances", params={"as_of": "2017-12-31"}).json()
    assert "ISIS|SDF" in keys(live) and "ISIS|SDF" not in keys(early)  # first reported in 2018
    assert "RUS|TUR" in keys(early)
    assert all(row["last"] <= "2017-12-31" and row["as_of"] == "2017-12-31" for row in early)
    zones = keys(api.get("/zones", params={"as_of": "2017-12-31"}).json())
    assert "IDLIB" in zones and "HOMS" not in zones
    pair = api.get("/alliances/RUS/TUR", params={"as_of": "2017-12-31"}).json()
    assert all(fact["date"] <= "2017-12-31" for fact in pair["why"]["facts"])
    assert api.get("/zones/HOMS", params={"as_of": "2017-12-31"}).status_code == 404


def test_events_filter_by_actor_zone_type_and_date(api: httpx.Client) -> None:
    events = api.get("/events", params={"actor": "TUR", "zone": "IDLIB", "limit": 1000}).json()["events"]
    assert events and all("TUR" in (e["source"], e["target"]) and e["zone"] == "IDLIB" for e in events)
    agreed = api.get("/events", params={"type": "AGREE", "limit": 1000}).json()["events"]
    assert agreed and {e["type"] for e in agreed} == {"AGREE"}
    dated = api.get("/events", params={"since": "2018-01-01", "until": "2018-12-31", "limit": 1000}).json()
    assert dated["events"] and all(
        "2018-01-01" <= (e["date"] or e["reported"]) <= "2018-12-31" for e in dated["events"]
    )
    as_of = api.get("/events", params={"as_of": "2017-12-31", "limit": 1000}).json()["events"]
    assert as_of and all((e["date"] or e["reported"]) <= "2017-12-31" for e in as_of)


def test_event_pages_follow_the_cursor_without_gaps_or_repeats(api: httpx.Client) -> None:
    everything = api.get("/events", params={"limit": 1000, "actor": "RUS"}).json()["events"]
    seen, after = [], None
    while True:
        params = {"limit": 7, "actor": "RUS"} | ({} if after is None else {"after": after})
        page = api.get("/events", params=params).json()
        seen += page["events"]
        if page["next"] is None:
            break
        after = page["next"]
    assert [e["offset"] for e in seen] == [e["offset"] for e in everything]
    assert len(everything) > 7


def test_an_article_by_id_and_as_of(api: httpx.Client) -> None:
    article = api.get("/articles/000_9080125682f3e6d6").json()
    assert article["id"] == "000_9080125682f3e6d6" and article["text"]
    assert api.get("/articles/002_bc2cc754a9f77412", params={"as_of": "2017-12-31"}).status_code == 404
    missing = api.get("/articles/nope")
    assert missing.status_code == 404 and missing.json() == {"error": "no article 'nope'"}


def test_every_error_is_json_without_internals(api: httpx.Client) -> None:
    for path, params, status in [
        ("/nowhere", {}, 404),
        ("/alliances", {"as_of": "last tuesday"}, 400),
        ("/events", {"limit": "0"}, 400),
        ("/events", {"type": "PARTY"}, 400),
        ("/alliances/RUS/RUS", {}, 400),
        ("/zones/ATLANTIS", {}, 404),
        ("/changes", {"table": "people"}, 400),
    ]:
        response = api.get(path, params=params)
        assert response.status_code == status, path
        assert response.headers["content-type"] == "application/json"
        assert set(response.json()) == {"error"}
        assert "Traceback" not in response.text
    wrong_method = api.delete("/alliances")
    assert wrong_method.status_code == 405 and set(wrong_method.json()) == {"error"}


def test_health_and_metrics(api: httpx.Client) -> None:
    assert api.get("/health").json() == {"status": "ok", "worker": "running"}
    text = api.get("/metrics").text
    samples = dict(line.rsplit(" ", 1) for line in text.splitlines() if line and not line.startswith("#"))
    assert int(samples["entente_articles_total"]) >= 5
    assert int(samples["entente_events_total"]) > 0
    assert int(samples["entente_changes_total"]) > 0
    assert "entente_dead_letters_total" in samples
    assert {'entente_stage_lag{stage="extract"}', 'entente_stage_lag{stage="reduce"}'} <= set(samples)


def test_a_listing_keeps_only_the_fields_asked_for(api: httpx.Client) -> None:
    rows = api.get("/alliances", params={"fields": "a,b,stance"}).json()
    assert rows and all(set(row) == {"a", "b", "stance"} for row in rows)
    full = api.get("/alliances").json()
    assert [(row["a"], row["b"], row["stance"]) for row in full] == [
        (r["a"], r["b"], r["stance"]) for r in rows
    ]
    zones = api.get("/zones", params={"fields": "zone,status", "as_of": "2017-12-31"}).json()
    assert all(set(row) == {"zone", "status"} for row in zones)
    unknown = api.get("/alliances", params={"fields": "a,facts"})
    assert unknown.status_code == 400 and "facts" in unknown.json()["error"]


def test_a_failure_inside_is_500_json_without_a_traceback(own_server: Server) -> None:
    with Log.open(own_server.config.data_dir) as log, log.transaction() as writer:
        writer.put_state("alliances", "AAA|BBB", b"{broken")
    response = httpx.get(f"{own_server.url}/alliances/AAA/BBB")
    assert response.status_code == 500
    assert response.json() == {"error": "internal error"}


def test_known_at_shows_what_the_log_held_at_that_time(own_server: Server) -> None:
    url = own_server.url
    live = httpx.get(f"{url}/alliances").json()
    time.sleep(0.01)
    between = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    late = event(source="CHL", target="PER", article_id="late", date=dt.date(2019, 3, 1))
    with Log.open(own_server.config.data_dir) as log, log.transaction() as writer:
        writer.extend(topics.EVENTS, [(late.id, late.dumps())])
    known = httpx.get(f"{url}/alliances", params={"known_at": between.isoformat()})
    assert known.status_code == 200 and known.json() == live
    naive = between.replace(tzinfo=None).isoformat()
    assert httpx.get(f"{url}/alliances", params={"known_at": naive}).json() == live
    later = dt.datetime.now(dt.UTC).isoformat()
    assert "CHL|PER" in keys(httpx.get(f"{url}/alliances", params={"known_at": later}).json())
    assert httpx.get(f"{url}/alliances/CHL/PER", params={"known_at": between.isoformat()}).status_code == 404
    assert httpx.get(f"{url}/alliances/CHL/PER", params={"known_at": later}).status_code == 200
    assert httpx.get(f"{url}/zones", params={"known_at": "2000-01-01T00:00:00Z"}).json() == []
    bad = httpx.get(f"{url}/zones", params={"known_at": "yesterday"})
    assert bad.status_code == 400 and "known_at" in bad.json()["error"]


def test_a_damaged_record_is_500_json_naming_it_in_one_line(own_server: Server) -> None:
    with sqlite3.connect(own_server.config.data_dir / LOG_FILE) as db:
        db.execute(
            """UPDATE records SET value = CAST('{}' AS BLOB) WHERE topic = 'events' AND "offset" = 3"""
        )
    response = httpx.get(f"{own_server.url}/events", params={"limit": 500})
    assert response.status_code == 500
    assert response.json() == {
        "error": "store failure: record events@3 does not match its checksum; run 'entente check'"
    }
