"""``entente dlq``: dead letters listed, shown and replayed once their failure is fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.e2e.cli import Cli, seed_lines


def exported_events(cli: Cli) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in cli("export", "events").stdout.splitlines()]


def listed(cli: Cli) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in cli("dlq", "list", "--json").stdout.splitlines()]


def test_an_article_too_large_then_allowed_is_replayed_once(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = seed_lines()[0]
    article = orjson.loads(line)
    path = tmp_path / "big.jsonl"
    path.write_bytes(line + b"\n")
    monkeypatch.setenv("ENTENTE_MAX_ARTICLE_BYTES", str(len(line) - 1))
    assert cli("run", str(path), check=False).returncode == 1
    [dead] = listed(cli)
    assert (dead["offset"], dead["stage"], dead["input"], dead["replayed"]) == (
        0,
        "ingest",
        f"{path}:1",
        False,
    )
    assert dead["reason"].startswith("too large")
    shown = orjson.loads(cli("dlq", "show", "0").stdout)
    assert shown["original"] == {"encoding": "utf-8", "value": line.decode() + "\n"}
    assert "offset=0 rejected: still rejected: too large" in cli("dlq", "replay").stdout.decode()
    assert listed(cli)[0]["replayed"] is False

    monkeypatch.delenv("ENTENTE_MAX_ARTICLE_BYTES")
    done = cli("dlq", "replay")
    assert done.stdout.decode() == f"offset=0 replayed: article {article['id']} published to articles.raw\n"
    cli("run")
    events = exported_events(cli)
    assert events and {event["article_id"] for event in events} == {article["id"]}
    state = cli("state", "alliances", "--json").stdout

    assert cli("dlq", "replay").stdout == b""
    again = cli("dlq", "replay", "0", "--json")
    assert orjson.loads(again.stdout)["result"] == "skipped"
    cli("run")
    assert exported_events(cli) == events
    assert cli("state", "alliances", "--json").stdout == state
    assert listed(cli)[0]["replayed"] is True


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("show", "7"), "entente: input=7 reason=no dead letter at this offset of articles.dlq"),
        (("show", "²"), "entente: input=² reason=not an offset of articles.dlq (a whole number)"),
        (
            ("show", "\x1b[2J"),
            "entente: input=\\x1b[2J reason=not an offset of articles.dlq (a whole number)",
        ),
        (("replay", "0", "1.5"), "entente: input=1.5 reason=not an offset of articles.dlq (a whole number)"),
    ],
)
def test_a_bad_offset_is_one_line_and_exit_2_changing_nothing(
    cli: Cli, tmp_path: Path, args: tuple[str, ...], line: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"{not json\n")
    cli("run", str(path), check=False)
    done = cli("dlq", *args, check=False)
    assert (done.returncode, done.stderr.decode(), done.stdout) == (2, line + "\n", b"")
    assert listed(cli)[0]["replayed"] is False


def test_a_value_not_utf8_is_shown_as_base64(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"id": "\xff"}\n')
    cli("run", str(path), check=False)
    shown = orjson.loads(cli("dlq", "show", "0").stdout)
    assert shown["original"] == {"encoding": "base64", "value": "eyJpZCI6ICL/In0K"}
    assert shown["offset"] == 0 and shown["reason"]
