"""Corroboration through the ``entente`` command: a wire story carried by several papers is one source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from tests.e2e.cli import Cli

WIRE = "ANKARA, March 3 (Reuters) - "
REPORTS = [
    {
        "id": "herald-1",
        "source": "Harbour Herald",
        "url": "https://www.harbourherald.test/world/grain-deal",
        "text": f"{WIRE}Turkey and Russia signed an agreement to expand the grain trade across the Black "
        "Sea, officials of both governments said.\n\nShipments from Russian ports to Turkey are due to rise "
        "before the harvest, according to the text.",
    },
    {
        "id": "courier-1",
        "source": "Valley Courier",
        "url": "https://m.valleycourier.test/news/1",
        "text": f"{WIRE}Russia and Turkey signed an agreement on grain exports through the straits, a deal "
        "that both capitals hailed.\n\nPort operators in Turkey expect busier quays within weeks as Russia "
        "sends more cargo, traders told reporters.",
    },
    {
        "id": "ledger-1",
        "source": "Evening Ledger",
        "url": "https://amp.eveningledger.test/a/77",
        "text": f"{WIRE}Turkey signed an agreement with Russia on the shipping of wheat and barley, "
        "ministers announced.\n\nInsurers in Russia and Turkey said the accord could lower premiums for "
        "cargo vessels.",
    },
    {
        "id": "tribune-1",
        "source": "Plains Tribune",
        "url": "https://www.plainstribune.test/story/9",
        "text": "Turkey and Russia signed an accord covering grain corridors, our correspondent in Ankara "
        "learned. Farm groups in the south welcomed the news at a meeting in the capital.",
    },
]
"""One wire story carried by three papers, each in words of its own (no copy of another), and one
paper's own report of the same agreement."""


def cli_json(cli: Cli, *args: str) -> Any:
    return orjson.loads(cli(*args, "--json").stdout)


def test_a_wire_story_carried_by_three_papers_and_one_own_report_are_two_sources(
    cli: Cli, tmp_path: Path
) -> None:
    corpus = tmp_path / "reports.jsonl"
    corpus.write_bytes(b"".join(orjson.dumps(item | {"published": "2026-03-03"}) + b"\n" for item in REPORTS))

    done = cli_json(cli, "run", str(corpus))
    assert (done["published"], done["copies"], done["rejected"]) == (4, 0, 0)

    [row] = [row for row in cli_json(cli, "state", "alliances") if (row["a"], row["b"]) == ("RUS", "TUR")]
    assert (row["sources"], row["reports"], row["incidents"]) == (2, 4, 1)
    [agreement] = [item for item in row["relations"] if item["type"] == "AGREE"]
    assert (agreement["sources"], agreement["reports"]) == (2, 4)

    audit = cli_json(cli, "why", "RUS", "TUR")
    assert {item["article_id"] for item in audit["facts"]} == {item["id"] for item in REPORTS}
    assert {(item["sources"], item["reports"]) for item in audit["facts"]} == {(2, 4)}
    exported = cli("export", "events").stdout.splitlines()
    outlets = {(event["article_id"], event["outlet"]) for event in map(orjson.loads, exported)}
    assert outlets >= {(item["id"], "reuters") for item in REPORTS[:3]} | {("tribune-1", "plains tribune")}
