"""Every kind of record a worker can be handed that is not a good article or a good row's events.

Each case is what a producer puts on the topic (key, value, headers, as any Kafka client can send
them) and a substring of the reason its dead letter must give; a case whose ``reason`` is ``None``
is a good record a stage must process like any other.

``ARTICLES`` go on ``articles.raw``; ``EVENTS`` on ``events``, keyed by event id; ``ROWS`` on
``events.by-row``, whose key is the row (``table:key``) and whose value is a JSON array of events.
``OVERSIZED`` is over the broker's ``max.message.bytes``: on Kafka the sender is refused and the
record never reaches the cluster, so there is nothing to dead-letter; the embedded log takes it and
dead-letters it as over ``ENTENTE_MAX_ARTICLE_BYTES``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import orjson

from schemas import Article, DeadLetter
from streams.kafka.broker import MAX_MESSAGE_BYTES
from tests.support.factories import event


@dataclass(frozen=True)
class Case:
    """One record: what is sent, and a substring of the reason its dead letter gives (``None``: none)."""

    name: str
    value: bytes | None
    reason: str | None
    key: bytes | None = b"poison"
    headers: tuple[tuple[str, bytes], ...] = ()


def article(**fields: object) -> bytes:
    """An article object with ``fields`` over a valid id and text (``None`` removes a field)."""
    payload = {"id": "poison", "text": "Turkish troops shelled Kurdish fighters near Manbij.", **fields}
    return orjson.dumps({name: value for name, value in payload.items() if value is not None})


KEYLESS = Article(id="keyless", text="Russia and Turkey signed an agreement on a ceasefire in Idlib.")

ARTICLES = (
    Case("null value (a tombstone)", None, "null value"),
    Case("null key with a good value", KEYLESS.dumps(), None, key=None),
    Case("empty bytes", b"", "empty value"),
    Case("headers only", b"", "empty value", headers=(("origin", b"feed.xml"), ("trace", b"\xff\xfe"))),
    Case("over ENTENTE_MAX_ARTICLE_BYTES", article(text="Turkey shelled Manbij. " * 300_000), "too large"),
    Case("invalid UTF-8", b'{"id": "caf\xe9", "text": "Turkey shelled Manbij."}', "invalid UTF-8 at byte 11"),
    Case("not JSON", b"Turkey shelled Manbij.", "malformed JSON"),
    Case("JSON list", b'[{"id": "a", "text": "Turkey shelled Manbij."}]', "schema violation: record"),
    Case("JSON number", b"42", "schema violation: record"),
    Case("JSON string", b'"Turkey shelled Manbij."', "schema violation: record"),
    Case("JSON null", b"null", "schema violation: record"),
    Case("title a number", article(title=7), "schema violation: title"),
    Case("text an object", article(text={"en": "Turkey shelled Manbij."}), "schema violation: text"),
    Case("published a list", article(published=["2018-01-20"]), "schema violation: published"),
    Case("provenance a list", article(provenance=["feed"]), "schema violation: provenance"),
    Case("http_status a list", article(provenance={"http_status": [200]}), "provenance.http_status"),
    Case("fetched_at an object", article(provenance={"fetched_at": {}}), "provenance.fetched_at"),
    Case("id missing", article(id=None), "schema violation: id: Field required"),
    Case("text missing", article(text=None), "schema violation: text: Field required"),
    Case("an unknown field", article(colour="red"), "schema violation: colour"),
    Case("a future schema_version", article(schema_version=99), "schema violation: schema_version"),
)

OVERSIZED = Case("over max.message.bytes", article(text="x" * MAX_MESSAGE_BYTES), "too large")

ROW = b"zones:MANBIJ"
GOOD_EVENT = event(type="ASSAULT", source="TUR", target="YPG", zone="MANBIJ")

EVENTS = (
    Case("null value (a tombstone)", None, "null value"),
    Case("not JSON", b"\xff{not json", "undecodable event: JSONDecodeError"),
    Case("empty bytes", b"", "undecodable event: JSONDecodeError"),
    Case("JSON null", b"null", "undecodable event: ValidationError"),
    Case("a list of events", orjson.dumps([GOOD_EVENT.model_dump(mode="json")]), "undecodable event"),
    Case("an event missing fields", b'{"type": "ASSAULT"}', "undecodable event: ValidationError"),
    Case(
        "a future schema_version",
        orjson.dumps({**GOOD_EVENT.model_dump(mode="json"), "schema_version": 99}),
        "schema_version",
    ),
)

ROWS = (
    Case("null value (a tombstone)", None, "null value", key=ROW),
    Case("null key", orjson.dumps([GOOD_EVENT.model_dump(mode="json")]), "no row", key=None),
    Case("a key of no table", orjson.dumps([GOOD_EVENT.model_dump(mode="json")]), "no row", key=b"nowhere:X"),
    Case("a key not UTF-8", orjson.dumps([GOOD_EVENT.model_dump(mode="json")]), "no row", key=b"\xff:X"),
    Case("not JSON", b"\xff{not json", "undecodable event: JSONDecodeError", key=ROW),
    Case("empty bytes", b"", "undecodable event: JSONDecodeError", key=ROW),
    Case("JSON null", b"null", "undecodable event: ValidationError", key=ROW),
    Case("a list of numbers", b"[1, 2]", "undecodable event: ValidationError", key=ROW),
    Case("a list of lists", b"[[]]", "undecodable event: ValidationError", key=ROW),
    Case("an event missing fields", b'[{"type": "ASSAULT"}]', "undecodable event: ValidationError", key=ROW),
    Case(
        "a future schema_version",
        orjson.dumps([{**GOOD_EVENT.model_dump(mode="json"), "schema_version": 99}]),
        "schema_version",
        key=ROW,
    ),
)


def unanswered(
    cases: Iterable[Case], dead_letters: Iterable[DeadLetter]
) -> tuple[list[str], list[DeadLetter]]:
    """The poison cases no dead letter answers, and the dead letters that answer none.

    A dead letter answers a case when it holds the excerpt and size of the case's value and its
    reason contains the case's; each answers one case. Good cases (``reason`` ``None``) need none.
    """
    left = list(dead_letters)
    missing = []
    for case in cases:
        if case.reason is None:
            continue
        sample = DeadLetter.of("", "", case.value)
        found = next(
            (
                dead
                for dead in left
                if (dead.excerpt, dead.size) == (sample.excerpt, sample.size) and case.reason in dead.reason
            ),
            None,
        )
        if found is None:
            missing.append(case.name)
        else:
            left.remove(found)
    return missing, left
