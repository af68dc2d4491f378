"""Replays verified as of a day, audits readable on a narrow terminal, and dated text articles."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import orjson
import pytest

from streams.runtime.embedded import EmbeddedRuntime
from tests.e2e.cli import ENTENTE, ROOT, SEEDS, Cli, environment, run_cli

EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("reads") / "home"
    run_cli(home, "run", str(SEEDS))
    return home


@pytest.mark.parametrize("day", ["2017-11-21", "2018-03-01", "2019-01-01", "2030-01-01"])
def test_replay_as_of_a_day_verifies_against_the_live_state_as_of_it(seeded: Path, day: str) -> None:
    verdict = orjson.loads(run_cli(seeded, "replay", "--as-of", day, "--verify", "--json").stdout)
    assert verdict["equal"] and verdict["replayed"] == verdict["live"]


def busiest(home: Path, table: str) -> dict[str, Any]:
    """The row of ``table`` with the most events."""
    return max(orjson.loads(run_cli(home, "state", table, "--json").stdout), key=lambda row: row["events"])


def test_why_of_the_busiest_pair_and_zone_fits_80_columns(seeded: Path) -> None:
    pair, zone = busiest(seeded, "alliances"), busiest(seeded, "zones")
    for args in (("why", pair["a"], pair["b"]), ("why", "--zone", zone["zone"])):
        env = environment(seeded) | {"COLUMNS": "80"}
        done = subprocess.run([ENTENTE, *args, "--limit", "0"], capture_output=True, env=env, check=True)
        lines = done.stdout.decode().splitlines()
        assert len(lines) > 10 and max(len(line) for line in lines) <= 80, args
        assert "facts listed" in " ".join(lines[-2:])


def published(home: Path, *ids: str) -> dict[str, str | None]:
    """The published date of each article id, as stored."""
    with EmbeddedRuntime(home) as runtime:
        return {id_: str(article.published) if (article := runtime.article(id_)) else None for id_ in ids}


def test_text_articles_take_their_date_from_a_header_or_their_file_name(
    cli: Cli, home: Path, tmp_path: Path
) -> None:
    named = tmp_path / "2018-09-17-sochi.txt"
    named.write_text("Putin and Erdogan meet in Sochi\nRussia and Turkey agreed on a buffer zone in Idlib.\n")
    headed = tmp_path / "talks.txt"
    headed.write_text("published: 2019-02-14\nTalks in Sochi\nIran and Turkey held talks in Sochi.\n")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("published: 2019-02-30\nNo such day\nIran and Turkey held talks.\n")
    done = cli("ingest", str(named), str(headed), str(wrong), check=False)
    assert done.returncode == 1 and done.stderr.decode().startswith(f"rejected input={wrong} reason=")
    assert published(home, "2018-09-17-sochi", "talks") == {
        "2018-09-17-sochi": "2018-09-17",
        "talks": "2019-02-14",
    }


def test_the_bundled_text_examples_are_the_dated_json_lines(cli: Cli, home: Path) -> None:
    cli("ingest", str(EXAMPLES / "seeds"))
    again = orjson.loads(cli("ingest", str(EXAMPLES / "seeds.jsonl"), "--json").stdout)
    assert again["rejected"] == 0 and again["duplicates"] == 5
    dated = {
        line["id"]: line["published"]
        for line in map(orjson.loads, (EXAMPLES / "seeds.jsonl").read_bytes().splitlines())
    }
    assert published(home, *dated) == dated
