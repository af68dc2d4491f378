"""Re-extraction: run the extractor again over every article into a side projection, diff it, promote it.

:func:`project` extracts ``articles.raw`` anew, on either runtime, and folds the
new events into tables kept under ``<data_dir>/projections/<label>/`` (a log of
their own, on local disk), without touching the live state. :func:`diff` says
which rows would change and which events are behind each change. :func:`promote`
makes the projection live in one transaction of the embedded log (a projection
made on Kafka is only diffed):

1. check that nothing arrived since the projection and that every stage is idle;
2. append the projection's events as one block and mark where it begins
   (:data:`~streams.runtime.embedded.LIVE_EVENTS`), so replays fold exactly them;
3. move the reduce stage past the block (the rows written below already hold it);
4. write every row that differs (remove the rows that are gone) and publish a
   :class:`~schemas.Change` for each row whose view differs, so subscribers see it.
"""

from __future__ import annotations

import datetime as dt
import getpass
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents import reduce
from agents.extract import Extractor
from agents.reduce.audit import direction
from agents.reduce.corrections import Corrections
from agents.reduce.facts import fact
from agents.reduce.rows import key_of
from agents.reduce.tables import names, same_summary
from schemas import Change, Correction, Event
from schemas.change import Headline
from schemas.ids import digest
from streams import handlers, topics
from streams.audit import AuditIndex
from streams.handlers import State
from streams.log import Log
from streams.log.record import timestamp
from streams.runtime.base import Runtime
from streams.runtime.embedded import EXTRACT_BATCH, LIVE_EVENTS, EmbeddedRuntime, stage_lag
from streams.stored import write_row
from streams.topology import REDUCE, log_topic

PROJECTIONS = "projections"
LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
Tables = dict[str, dict[str, State]]


class PromoteError(RuntimeError):
    """The projection cannot be promoted as it is (the log moved on, or a stage has work left)."""


@dataclass(frozen=True)
class Projection:
    """The events and tables one extractor makes of every article, beside the live ones they would replace."""

    label: str
    extractor: str
    path: Path
    articles: int
    dead_letters: int
    events: dict[str, Event]
    tables: Tables
    live_events: dict[str, Event]
    live_tables: Tables
    events_end: int | None
    """The end of the embedded log's ``events`` when projected; ``None`` on Kafka (never promoted)."""
    articles_end: int | None = None
    """The end of the embedded log's ``articles.raw`` (where a revision publishes an article again)."""


def projection_dir(data_dir: Path, label: str) -> Path:
    """Where the projection ``label`` is kept."""
    if not LABEL.fullmatch(label):
        raise ValueError(f"bad projection label {label!r}: letters, digits, '.', '_' or '-', up to 64")
    return data_dir / PROJECTIONS / label


def project(runtime: Runtime, label: str, extractor: Extractor | None = None) -> Projection:
    """Extract every article again (with ``extractor``, default the runtime's) and store the fold of it,
    the events as the corrections leave them (a retracted article's are none, an override holds).

    The articles, events and rows come from either runtime; the projection is kept under its
    data directory either way.
    """
    extractor = extractor or runtime.extractor
    path = projection_dir(runtime.settings.data_dir, label)
    limit = runtime.settings.max_article_bytes
    events_end = runtime.log.end(topics.EVENTS) if isinstance(runtime, EmbeddedRuntime) else None
    articles_end = runtime.log.end(topics.ARTICLES) if isinstance(runtime, EmbeddedRuntime) else None
    articles = runtime.articles()
    events: dict[str, Event] = {}
    dead = 0
    now = dt.datetime.now(dt.UTC)
    for start in range(0, len(articles), EXTRACT_BATCH):
        batch = [(article.dumps(), article.id, now) for article in articles[start : start + EXTRACT_BATCH]]
        for result in handlers.extract_articles(batch, extractor, limit):
            if isinstance(result, list):
                events.update((event.id, event) for event in result)
            else:
                dead += 1
    corrections = Corrections(item for item in runtime.corrections() if item.kind != "revision")
    events = {
        event.id: event for event in corrections.events(events.values())
    }  # articles at their last version
    tables = reduce.fold(events.values())
    shutil.rmtree(path, ignore_errors=True)
    with Log.open(path) as side, side.transaction() as writer:
        writer.extend(topics.EVENTS, [(event.article_id, event.dumps()) for event in events.values()])
        for table, rows in tables.items():
            for key, row in rows.items():
                write_row(writer, table, key, row)
    live = {table: {key_of(row): row for row in runtime.state(table)} for table in names()}
    return Projection(
        label=label,
        extractor=extractor.version,
        path=path,
        articles=len(articles),
        dead_letters=dead,
        events=events,
        tables=tables,
        live_events={event.id: event for event in runtime.events()},
        live_tables=live,
        events_end=events_end,
        articles_end=articles_end,
    )


def _by_row(events: dict[str, Event]) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for event in events.values():
        for where in reduce.keys(event):
            out.setdefault(where, set()).add(event.id)
    return out


def _brief(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "article_id": event.article_id,
        "type": event.type.value,
        "direction": direction(fact(event)),
        "date": None if event.event_date is None else event.event_date.isoformat(),
        "modality": event.modality,
        "sentence": event.evidence.text,
    }


def _summary(row: State | None) -> dict[str, Any] | None:
    """The headline of a row, as a change gives it (:class:`~schemas.change.Headline`)."""
    return None if row is None else Headline.of(row).model_dump(mode="json")


def diff(projection: Projection) -> dict[str, Any]:
    """What promoting would change: rows added, removed or changed, each with the events behind it."""
    old, new = _by_row(projection.live_events), _by_row(projection.events)
    changed_content = {
        name
        for name, event in projection.events.items()
        if name in projection.live_events and projection.live_events[name] != event
    }
    rows = []
    for table in names():
        before_rows, after_rows = projection.live_tables[table], projection.tables[table]
        for key in sorted(set(before_rows) | set(after_rows)):
            before, after = before_rows.get(key), after_rows.get(key)
            if before is not None and after is not None and reduce.view(before) == reduce.view(after):
                continue
            was, now = old.get((table, key), set()), new.get((table, key), set())
            rows.append(
                {
                    "table": table,
                    "key": key,
                    "change": "added" if before is None else "removed" if after is None else "changed",
                    "before": _summary(before),
                    "after": _summary(after),
                    "events_added": [_brief(projection.events[name]) for name in sorted(now - was)],
                    "events_removed": [_brief(projection.live_events[name]) for name in sorted(was - now)],
                    "events_revised": [
                        _brief(projection.events[name]) for name in sorted(now & was & changed_content)
                    ],
                }
            )
    live, side = set(projection.live_events), set(projection.events)
    return {
        "label": projection.label,
        "extractor": projection.extractor,
        "projection": str(projection.path),
        "articles": projection.articles,
        "dead_letters": projection.dead_letters,
        "events": {
            "live": len(live),
            "projection": len(side),
            "added": len(side - live),
            "removed": len(live - side),
            "revised": len(changed_content),
        },
        "rows": rows,
        "differs": differs(projection),
    }


def differs(projection: Projection) -> bool:
    """Whether the projection's events or rows differ from the live ones at all."""
    return projection.events != projection.live_events or projection.tables != projection.live_tables


def revisions(runtime: Runtime, projection: Projection, at: dt.datetime) -> list[Correction]:
    """A revision of each revised article naming its events in ``projection`` (extracted from its last
    version), so that the revisions before, which name the events of another extraction, no longer hold."""
    events: dict[str, list[str]] = {name: [] for name in Corrections(runtime.corrections()).revised}
    for event in projection.events.values():
        events.get(event.article_id, []).append(event.id)
    reason = f"re-extracted as {projection.label}"
    return [
        Correction.made(
            "revision", name, by=getpass.getuser(), reason=reason, at=at, events=tuple(sorted(ids))
        )
        for name, ids in events.items()
    ]


def promote(runtime: EmbeddedRuntime, projection: Projection) -> int:
    """Make the projection the live events and state (see the module docstring); return the changes published.

    A no-op (0) when nothing differs. Raises :class:`PromoteError` when the log
    moved on since the projection, or some stage still has input to process, or the projection
    was made on Kafka.
    """
    if projection.events_end is None:
        raise PromoteError("the projection was made on Kafka; promotion is done on the embedded log only")
    if not differs(projection):
        return 0
    old, new = _by_row(projection.live_events), _by_row(projection.events)
    published = 0
    with runtime.log.transaction() as writer:
        if (
            writer.end(topics.EVENTS) != projection.events_end
            or writer.end(topics.ARTICLES) != projection.articles_end
        ):
            raise PromoteError("the log changed since the projection was made; run reextract again")
        for stage, lag in stage_lag(writer).items():
            if lag:
                raise PromoteError(f"stage {stage} has input left; run the worker until idle first")
        block = writer.extend(
            topics.EVENTS,
            [(event.article_id, event.dumps()) for event in projection.events.values()],
            {"reextract": projection.label},
        )
        offsets = {name: block.start + number for number, name in enumerate(projection.events)}
        writer.commit_offset(LIVE_EVENTS, topics.EVENTS, block.start)
        for revision in revisions(runtime, projection, timestamp(writer.ts)):
            writer.append(topics.CORRECTIONS, revision.target, revision.dumps())
        writer.commit_offset(REDUCE.name, log_topic(REDUCE.source), block.stop)
        for table in names():
            before_rows, after_rows = projection.live_tables[table], projection.tables[table]
            for key in sorted(set(before_rows) | set(after_rows)):
                before, after = before_rows.get(key), after_rows.get(key)
                if before == after:
                    continue
                if after is None:
                    writer.delete_state(table, key)
                else:
                    write_row(writer, table, key, after)
                if before is not None and after is not None and same_summary(before, after):
                    continue
                headline = None if after is None else Headline.of(after)
                was, now = old.get((table, key), set()), new.get((table, key), set())
                behind = sorted(was ^ now) or sorted(now or was)
                events = [projection.events.get(name) or projection.live_events[name] for name in behind]
                change = Change(
                    id=digest(
                        "change",
                        table,
                        key,
                        "reextract",
                        projection.label,
                        None if headline is None else headline.model_dump(mode="json"),
                    ),
                    table=table,
                    key=key,
                    before=None if before is None else Headline.of(before),
                    after=headline,
                    event_ids=tuple(behind),
                    article_ids=tuple(sorted({event.article_id for event in events})),
                    ingested_at=timestamp(writer.ts),
                    offsets=tuple(sorted(offsets[name] for name in behind if name in offsets)),
                    cause="reextraction",
                )
                writer.append(topics.CHANGES, f"{table}:{key}", change.dumps())
                published += 1
    AuditIndex(runtime.log).clear()
    return published
