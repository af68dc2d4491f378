"""POST /articles over a real socket goes through the near-duplicate index: each story counts once."""

from __future__ import annotations

from pathlib import Path

import httpx
import orjson

from streams.api import ApiConfig
from streams.runtime.embedded import EmbeddedRuntime
from tests.api.support import AUTH, TOKEN, serving, wait_for
from tests.e2e.cli import DEV, outlet_copies, run_cli

STORY = "Iran accused Israel of air strikes on a depot near Homs on Tuesday, the foreign ministry said."
RETOLD = "Tehran's foreign ministry said on Tuesday that Israeli jets had struck a depot close to Homs."
PATH = "/2020/01/05/depot?id=7"
URL = f"https://wire.example{PATH}"


def posted(client: httpx.Client, articles: list[dict[str, object]]) -> dict[str, object]:
    response = client.post("/articles", json=articles, headers=AUTH)
    assert response.status_code == 202, response.text
    return response.json()


def test_two_outlet_copies_of_the_dev_corpus_posted_leave_the_state_of_one(tmp_path: Path) -> None:
    home = tmp_path / "data"
    corpus = [orjson.loads(line) for line in DEV.read_bytes().splitlines()]
    copies = [orjson.loads(line) for line in outlet_copies(DEV, 2).splitlines()]
    with (
        serving(ApiConfig(data_dir=home, token=TOKEN, worker=False)) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):
        assert posted(client, corpus)["published"] == len(corpus)
        with EmbeddedRuntime(home) as runtime:
            runtime.run_until_idle()
        alone = run_cli(home, "state", "--json").stdout
        reply = posted(client, copies)
        assert (reply["published"], reply["copies"], reply["duplicates"]) == (len(corpus),) * 3
        assert client.get("/articles/c01-outlet1").json()["copy_of"] == "c01"
        assert client.get("/articles/c01-outlet2").status_code == 404
    run_cli(home, "run")
    assert run_cli(home, "state", "--json").stdout == alone


def test_posts_whose_urls_differ_only_by_tracking_parameters_are_one_source(tmp_path: Path) -> None:
    first = {"id": "depot-1", "title": "Depot", "text": STORY, "published": "2020-01-05"}
    with (
        serving(ApiConfig(data_dir=tmp_path / "data", token=TOKEN)) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):
        assert posted(client, [first | {"url": f"{URL}&utm_source=rss"}])["published"] == 1
        again = first | {"id": "depot-2", "url": f"{URL}&utm_source=social&utm_medium=post"}
        assert posted(client, [again])["duplicates"] == 1
        retold = first | {"id": "depot-3", "text": RETOLD, "url": f"https://WIRE.example:443{PATH}#top"}
        assert posted(client, [retold])["published"] == 1  # a new version of depot-1, under its id
        assert client.get("/articles/depot-1").json()["text"] == RETOLD
        row = wait_for(
            lambda: (found := client.get("/alliances/IRN/ISR")).status_code == 200 and found.json()
        )
        assert row["alliance"]["sources"] == 1
        assert (
            client.get("/articles/depot-2").status_code == client.get("/articles/depot-3").status_code == 404
        )
