"""Copies of stories already ingested, from files and standard input: each story counts once."""

from __future__ import annotations

from pathlib import Path

import orjson

from streams.runtime.embedded import EmbeddedRuntime
from tests.e2e.cli import DEV, SEEDS, outlet_copies, run_cli

COPIES = 20


def summary(home: Path, *args: str, stdin: bytes | None = None) -> dict[str, object]:
    return orjson.loads(run_cli(home, *args, "--json", stdin=stdin).stdout)


def test_twenty_outlet_copies_of_the_dev_corpus_leave_the_state_of_one(tmp_path: Path) -> None:
    """Twenty copies of the dev corpus under new ids, outlets and URLs (half the same text, half with a
    line of their own) give the state of the corpus alone, byte for byte: about 30 s."""
    one, many = tmp_path / "one", tmp_path / "many"
    corpus = tmp_path / "copies.jsonl"
    corpus.write_bytes(outlet_copies(DEV, COPIES))
    stories = len(DEV.read_bytes().splitlines())
    run_cli(one, "run", str(DEV))
    done = summary(many, "run", str(DEV), str(corpus))
    half = stories * COPIES // 2
    assert done.pop("processed")["articles"] == stories + half  # type: ignore[index]
    assert done | {"errors": []} == {
        "read": stories * (COPIES + 1),
        "published": stories + half,
        "copies": half,
        "duplicates": half,
        "rejected": 0,
        "errors": [],
    }
    assert run_cli(many, "state", "--json").stdout == run_cli(one, "state", "--json").stdout
    with EmbeddedRuntime(many) as runtime:
        assert runtime.article("c01-outlet1").copy_of == "c01"
        assert runtime.article("c01-outlet2") is None
        assert {event.article_id for event in runtime.events()} <= {
            article.id for article in runtime.articles() if article.copy_of is None
        }


def test_text_files_and_standard_input_are_checked_as_json_lines_are(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = orjson.loads(SEEDS.read_bytes().splitlines()[0])
    run_cli(home, "run", str(SEEDS))
    before = run_cli(home, "state", "--json").stdout
    same, edited = tmp_path / "same.txt", tmp_path / "edited.txt"
    same.write_text(first["text"], encoding="utf-8")
    edited.write_text(first["text"] + "\n\nCopied in full by a text file.", encoding="utf-8")
    assert summary(home, "ingest", str(same), str(edited)) | {"errors": []} == {
        "read": 2,
        "published": 1,
        "copies": 1,
        "duplicates": 1,
        "rejected": 0,
        "errors": [],
    }
    piped = (first["text"] + "\n\nCopied from standard input.").encode()
    assert summary(home, "ingest", "-", stdin=piped)["copies"] == 1
    line = orjson.dumps(first | {"id": "from-stdin", "source": "Another Outlet"})
    assert summary(home, "ingest", "-", stdin=line + b"\n")["duplicates"] == 1
    run_cli(home, "run")
    assert run_cli(home, "state", "--json").stdout == before
    with EmbeddedRuntime(home) as runtime:
        assert runtime.article("edited").copy_of == first["id"]
        assert runtime.article("from-stdin") is None
