"""Exports of the live events and tables: each read back with its format's usual reader (csv, pandas,
pyarrow), in the columns and types the format documents."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from agents import reduce
from agents.extract.build.cameo import crosswalk, plover
from agents.extract.build.generate import OVERRIDES
from agents.kb import load_kb
from schemas import Article, Event, Evidence, PloverType
from streams.config import Settings
from streams.export import acled, export, export_binary, gdelt
from streams.export.cameo import DATA, codes, goldstein_scale
from streams.export.coverage import Coverage
from streams.export.parquet import MISSING, ParquetUnavailable
from streams.runtime.embedded import EmbeddedRuntime
from tests.support.embedded import LineExtractor

CLOSING = "A closing paragraph about the weather, the markets and a football match in another country"
FETCHED = dt.datetime(2026, 1, 6, 8, 30, tzinfo=dt.UTC)


def item(article_id: str, source: str, url: str | None, *lines: str) -> tuple[str, bytes]:
    """A publish item: an article of ``lines`` from ``source`` at ``url``."""
    published = dt.date(2026, 1, 5)
    article = Article(id=article_id, text="\n".join(lines), published=published, source=source, url=url)
    return f"a:{article_id}", article.dumps()


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[EmbeddedRuntime]:
    """Two outlets reporting one assault in Idlib (one incident), one of them an aid and talks, the
    other a protest in a zone the knowledge base does not know."""
    with EmbeddedRuntime(tmp_path, Settings(home=tmp_path), extractor=LineExtractor()) as opened:
        opened.publish_articles(
            [
                item(
                    "a1", "Reuters", "https://example.org/a1",
                    "RUS ASSAULT NUSRA IDLIB", "USA AID UKR", "RUS CONSULT TUR", CLOSING,
                ),
                item(
                    "a2", "AP", None,
                    "A lead paragraph of the second story, which no other outlet wrote",
                    "RUS ASSAULT NUSRA IDLIB", "CROWDS PROTEST SYR Z-EAST",
                ),
            ]
        )  # fmt: skip
        opened.run_until_idle()
        assert len(opened.events()) == 5  # neither article is taken for a copy of the other
        yield opened


def written(runtime: EmbeddedRuntime, kind: str, fmt: str) -> str:
    out = io.StringIO()
    export(runtime, kind, fmt, out)
    return out.getvalue()


def parquet(runtime: EmbeddedRuntime, kind: str) -> io.BytesIO:
    out = io.BytesIO()
    export_binary(runtime, kind, "parquet", out)
    return io.BytesIO(out.getvalue())


def test_jsonl_exports_are_the_events_and_views(runtime: EmbeddedRuntime) -> None:
    events = [orjson.loads(line) for line in written(runtime, "events", "jsonl").splitlines()]
    zones = [orjson.loads(line) for line in written(runtime, "zones", "jsonl").splitlines()]

    assert events == [event.model_dump(mode="json") for event in runtime.events()]
    assert zones == [reduce.view(row) for row in runtime.state("zones")]


def test_table_csvs_are_flat_with_lists_joined_and_objects_in_named_columns(runtime: EmbeddedRuntime) -> None:
    alliances = list(csv.DictReader(io.StringIO(written(runtime, "alliances", "csv"))))
    zones = pd.read_csv(io.StringIO(written(runtime, "zones", "csv")), dtype=str, keep_default_na=False)
    events = list(csv.DictReader(io.StringIO(written(runtime, "events", "csv"))))

    for row in [*alliances, *zones.to_dict("records"), *events]:
        assert not any(value.startswith(("{", "[")) for value in row.values()), row
    pair = next(row for row in alliances if (row["a"], row["b"]) == ("NUSRA", "RUS"))
    assert (pair["counts.ASSAULT"], pair["events"], pair["incidents"]) == ("1", "2", "1")
    assert (pair["relations.source"], pair["relations.type"], pair["relations.sources"]) == (
        "RUS",
        "ASSAULT",
        "2",
    )
    assert pair["strongest.weight"].startswith("-")  # a number, not a formula quoted
    assert "counts.AID" in alliances[0] and "relations" not in alliances[0]
    idlib = zones.set_index("zone").loc["IDLIB"]
    assert (idlib["hostilities.type"], idlib["timeline.actors"], idlib["counts.ASSAULT"]) == (
        "ASSAULT",
        "RUS",
        "1",
    )
    assert [row["id"] for row in events] == [event.id for event in runtime.events()]
    assert events[0]["evidence"] == "RUS ASSAULT NUSRA IDLIB" and events[0]["evidence_start"] == "0"


def test_gdelt_is_the_61_tab_separated_columns_of_gdelt_2_with_cameo_codes(runtime: EmbeddedRuntime) -> None:
    text = written(runtime, "events", "gdelt")
    table = pd.read_csv(io.StringIO(text), sep="\t", header=None, dtype=str, keep_default_na=False)

    assert "\r" not in text and text.endswith("\n")
    assert {len(line.split("\t")) for line in text.splitlines()} == {61} == {len(gdelt.COLUMNS)}
    assert table.shape == (len(runtime.events()), 61)
    table.columns = list(gdelt.COLUMNS)
    assert list(table.columns[:5]) == ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    assert list(table.columns[-2:]) == ["DATEADDED", "SOURCEURL"]
    assert set(table["EventCode"]) <= set(goldstein_scale())
    assault = table[table["EventCode"] == "190"]
    assert len(assault) == 2
    assert set(assault["NumSources"]) == set(assault["NumArticles"]) == set(assault["NumMentions"]) == {"2"}
    first = assault.iloc[0].to_dict()
    idlib = load_kb().zones["IDLIB"]
    actors = ("Actor1Code", "Actor1CountryCode", "Actor2Code", "Actor2CountryCode")
    assert [first[name] for name in actors] == ["RUS", "RUS", "NUSRA", "SYR"]
    assert (first["EventBaseCode"], first["EventRootCode"], first["QuadClass"], first["GoldsteinScale"]) == (
        "190", "19", "4", "-10.0",
    )  # fmt: skip
    assert (float(first["ActionGeo_Lat"]), float(first["ActionGeo_Long"])) == (
        idlib.latitude,
        idlib.longitude,
    )
    assert (first["ActionGeo_CountryCode"], first["ActionGeo_FeatureID"], first["ActionGeo_Type"]) == (
        "SYR", "IDLIB", "5",
    )  # fmt: skip
    assert (first["SQLDATE"], first["MonthYear"], first["Year"], first["FractionDate"]) == (
        "20260105", "202601", "2026", "2026.0137",
    )  # fmt: skip
    assert sorted(assault["SOURCEURL"]) == ["", "https://example.org/a1"]
    assert sorted(assault["IsRootEvent"]) == ["0", "1"]  # a1 opens with it, a2 with another paragraph
    [aid] = table[table["Actor1Code"] == "USA"].to_dict("records")
    assert (aid["EventCode"], aid["QuadClass"], aid["GoldsteinScale"], aid["NumSources"]) == (
        "070",
        "2",
        "7.0",
        "1",
    )
    assert aid["DATEADDED"] == "20260105000000" and aid["ActionGeo_Lat"] == ""
    with pytest.raises(ValueError, match="cannot export"):
        written(runtime, "zones", "gdelt")


def test_every_plover_type_has_the_cameo_code_the_crosswalk_gives_it() -> None:
    table = crosswalk((DATA / "CAMEO2PLOVER-2021.txt").read_text(encoding="utf-8")) | OVERRIDES
    scores = goldstein_scale()

    assert set(codes()) == set(PloverType)
    for kind, coded in codes().items():
        assert plover(coded.code, table) == kind.value, kind
        assert (coded.goldstein, coded.root) == (scores[coded.code], coded.code[:2])
    assert {coded.quad for coded in codes().values()} == {1, 2, 3, 4}
    assert codes()[PloverType.CONSULT].quad == 1 and codes()[PloverType.PROTEST].quad == 4


def test_acled_has_one_row_an_incident_of_a_type_acled_records(runtime: EmbeddedRuntime) -> None:
    table = pd.read_csv(io.StringIO(written(runtime, "events", "acled")), dtype=str, keep_default_na=False)

    assert tuple(table.columns) == acled.COLUMNS
    assert len(table) == 2  # the assault once for its two reports, the protest; no aid nor talks
    battle = table[table["event_type"] == "Battles"].iloc[0].to_dict()
    assert (battle["disorder_type"], battle["sub_event_type"], battle["interaction"]) == (
        "Political violence", "Armed clash", "State forces-Rebel group",
    )  # fmt: skip
    assert (battle["actor1"], battle["inter1"], battle["inter2"]) == (
        "Russian Federation", "State forces", "Rebel group",
    )  # fmt: skip
    assert (battle["iso"], battle["country"], battle["location"], battle["geo_precision"]) == (
        "760", "Syria", "Idlib", "3",
    )  # fmt: skip
    assert (battle["event_date"], battle["year"], battle["time_precision"], battle["fatalities"]) == (
        "2026-01-05", "2026", "2", "0",
    )  # fmt: skip
    assert battle["source"] == "associated press; reuters" and battle["event_id_cnty"].startswith("SYR")
    assert battle["notes"] == "RUS ASSAULT NUSRA IDLIB"
    protest = table[table["event_type"] == "Protests"].iloc[0].to_dict()
    assert (protest["inter1"], protest["interaction"], protest["location"], protest["latitude"]) == (
        "Protesters", "State forces-Protesters", "Z-EAST", "",
    )  # fmt: skip


def test_acled_types_a_sub_event_by_the_words_of_its_sentence() -> None:
    def event(article_id: str, text: str) -> Event:
        return Event(
            article_id=article_id, type=PloverType.ASSAULT, source="RUS", target="NUSRA", zone="IDLIB",
            date=dt.date(2026, 1, 4), evidence=Evidence(text=text, start=0, end=len(text)), extractor="test",
        )  # fmt: skip

    articles = [
        Article(id="s1", text="x", published=dt.date(2026, 1, 5), provenance={"fetched_at": FETCHED}),
        Article(id="s2", text="x", published=dt.date(2026, 1, 5)),
    ]
    events = [
        event("s1", "Russian warplanes carried out airstrikes on Idlib."),
        event("s2", "Fighting in Idlib."),
    ]
    [row] = acled.rows(Coverage(events, articles))

    assert (row["event_type"], row["sub_event_type"]) == ("Explosions/Remote violence", "Air/drone strike")
    assert (row["time_precision"], row["timestamp"]) == (1, int(FETCHED.timestamp()))
    assert row["source"] == "s1; s2"  # articles that name no outlet count as their own


def test_parquet_columns_are_typed(runtime: EmbeddedRuntime) -> None:
    events, alliances, zones = (
        pq.read_table(parquet(runtime, kind)) for kind in ("events", "alliances", "zones")
    )

    assert events.num_rows == len(runtime.events())
    assert events.schema.field("event_date").type == pa.date32()
    assert events.schema.field("date").type == pa.date32()  # no value, still a date
    assert events.schema.field("evidence_start").type == pa.int64()
    assert events.schema.field("confidence").type == pa.float64()
    assert events.column("type").to_pylist() == [event.type.value for event in runtime.events()]
    assert alliances.schema.field("counts.ASSAULT").type == pa.int64()
    assert alliances.schema.field("relations.type").type == pa.list_(pa.string())
    assert alliances.schema.field("relations.first").type == pa.list_(pa.date32())
    assert alliances.schema.field("as_of").type == pa.date32()
    assert zones.schema.field("parties").type == pa.list_(pa.string())
    assert zones.schema.field("timeline.actors").type == pa.list_(pa.list_(pa.string()))
    read = pd.read_parquet(parquet(runtime, "zones"))
    assert list(read["zone"]) == [row.zone for row in runtime.state("zones")]
    with pytest.raises(ValueError, match="binary stream"):
        written(runtime, "events", "parquet")


def test_parquet_without_pyarrow_says_how_to_install_it(
    runtime: EmbeddedRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)

    with pytest.raises(ParquetUnavailable, match=r"pip install 'entente\[parquet\]'"):
        export_binary(runtime, "events", "parquet", io.BytesIO())
    assert "\n" not in MISSING
