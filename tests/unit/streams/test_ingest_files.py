"""File, directory and stdin readers: every bad input becomes one named, reasoned dead letter."""

from __future__ import annotations

import io
from pathlib import Path

from schemas import Article, DeadLetter
from streams.ingest import read_paths, read_stream

LIMIT = 1_000_000


def read(*paths: Path) -> list[tuple[str, Article | DeadLetter]]:
    return list(read_paths(paths, LIMIT))


def test_text_file_title_is_first_line_and_id_the_stem(tmp_path: Path) -> None:
    path = tmp_path / "note-7.txt"
    path.write_text("\n  A headline\nThe body of the story.\n", encoding="utf-8")
    [(origin, article)] = read(path)
    assert origin == str(path)
    assert isinstance(article, Article)
    assert (article.id, article.title) == ("note-7", "A headline")


def test_jsonl_keeps_known_fields_and_names_each_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(
        b'{"id": "a", "title": "T", "text": "Body.", "published": "2018-04-04", "extra": 1}\n'
        b"\n"
        b"{not json\n"
        b'{"id": "b", "text": 42}\n'
        b'{"id": "c", "text": "x", "published": "someday"}\n'
        b"[1, 2]\n"
        b'{"text": "No id given."}\n'
    )
    items = read(path)
    assert [origin for origin, _ in items] == [f"{path}:{n}" for n in (1, 3, 4, 5, 6, 7)]
    good = [item for _, item in items if isinstance(item, Article)]
    bad = [item for _, item in items if isinstance(item, DeadLetter)]
    assert good[0].id == "a" and str(good[0].published) == "2018-04-04"
    assert len(good[1].id) == 32
    reasons = [dead.reason for dead in bad]
    assert reasons[0].startswith("malformed JSON")
    assert reasons[1].startswith("schema violation: text")
    assert reasons[2].startswith("schema violation: published")
    assert reasons[3] == "expected a JSON object, got list"


def test_empty_binary_invalid_utf8_and_oversize_files(tmp_path: Path) -> None:
    files = {
        "empty.txt": b"",
        "blank.txt": b"  \n\n",
        "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "latin1.txt": "Caf\u00e9 in Ankara".encode("latin-1"),
        "huge.txt": b"x" * (LIMIT + 1),
        "table.csv": b"a,b\n1,2\n",
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    reasons = {Path(origin).name: item.reason for origin, item in read(*(tmp_path / n for n in files))}
    assert reasons == {
        "empty.txt": "empty input",
        "blank.txt": "empty input",
        "image.txt": "binary content (NUL bytes), not text",
        "latin1.txt": "invalid UTF-8 at byte 3",
        "huge.txt": f"too large (over {LIMIT} bytes)",
        "table.csv": "unsupported file type '.csv'",
    }


def test_missing_file_is_a_dead_letter(tmp_path: Path) -> None:
    [(_, dead)] = read(tmp_path / "absent.txt")
    assert isinstance(dead, DeadLetter) and dead.reason.startswith("cannot read")


def test_directories_are_read_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Two\nSecond.")
    (tmp_path / "one.txt").write_text("One\nFirst.")
    (tmp_path / "skip.bin").write_bytes(b"\x00")
    assert [item.id for _, item in read(tmp_path)] == ["two", "one"]


def test_stdin_sniffs_json_lines_or_text() -> None:
    jsonl = io.BufferedReader(io.BytesIO(b'{"id": "s1", "text": "From a pipe."}\n'))
    [(origin, article)] = read_stream(jsonl, LIMIT)
    assert origin == "<stdin>:1" and article.id == "s1"
    text = io.BufferedReader(io.BytesIO(b"Headline\nBody."))
    [(_, article)] = read_stream(text, LIMIT)
    assert isinstance(article, Article) and article.title == "Headline"
