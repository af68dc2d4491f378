"""Re-extraction: run the extractor again over every article into a side projection, diff it, promote it.

:func:`project` extracts ``articles.raw`` anew, on either runtime, and folds the
new events into tables kept under ``<data_dir>/projections/<label>/`` (a log of
their own, on local disk), without touching the live state. :func:`diff` says
which rows would change and which events are behind each change. :func:`promote`
makes the projection live in one transaction of the embedded log (a projection
made on Kafka is only diffed).

:func:`diff` pairs each live event with the projection's event it became: the one of the same id
whose content differs, else, among the events of the same article that are gone and new, the one
read from an overlapping span of the text or with the same type and actors (fewest fields apart
first). A pair is a *revision*, reported with the fields that differ (not :data:`UNCOMPARED`); an event
that differs only in the extractor that stamped it is *restamped*, counted and not listed.

Promoting goes:

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
from collections.abc import Callable, Iterable
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
from schemas.ids import digest
from schemas.state import Headline, Row
from streams import handlers, topics
from streams.audit_index import AuditIndex
from streams.log import Log
from streams.log.record import timestamp
from streams.runtime.base import Runtime
from streams.runtime.embedded import EXTRACT_BATCH, LIVE_EVENTS, stage_lag
from streams.stored import write_row
from streams.topology import REDUCE, log_topic

PROJECTIONS = "projections"
LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
Tables = dict[str, dict[str, Row]]
UNCOMPARED = frozenset({"schema_version", "id", "article_id", "extractor"})
"""The fields of an event a revision does not report: its id follows from the others, its article is
the same, its extractor is the version that stamped it. The others are reported, the evidence's as
``evidence.text``, ``evidence.start`` and ``evidence.end``."""
HEADLINE = tuple(Headline.model_fields)
"""The fields of a row's headline a changed row reports."""


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


def project(
    runtime: Runtime,
    label: str,
    extractor: Extractor | None = None,
    on_batch: Callable[[int, int], None] | None = None,
) -> Projection:
    """Extract every article again (with ``extractor``, default the runtime's) and store the fold of it,
    the events as the corrections leave them (a retracted article's are none, an override holds).
    ``on_batch`` is told the articles extracted so far and their number after each batch.

    The articles, events and rows come from either runtime; the projection is kept under its
    data directory either way.
    """
    extractor = extractor or runtime.extractor
    path = projection_dir(runtime.settings.data_dir, label)
    limit = runtime.settings.max_article_bytes
    log = runtime.own_log
    events_end = None if log is None else log.end(topics.EVENTS)
    articles_end = None if log is None else log.end(topics.ARTICLES)
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
        if on_batch is not None:
            on_batch(start + len(batch), len(articles))
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


def _by_row(events: Iterable[Event]) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for event in events:
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


def _compared(event: Event) -> dict[str, Any]:
    """The fields of ``event`` a revision reports (not :data:`UNCOMPARED`), as JSON values."""
    out: dict[str, Any] = {}
    for name, value in event.model_dump(mode="json").items():
        if isinstance(value, dict):
            out.update((f"{name}.{part}", item) for part, item in value.items())
        elif name not in UNCOMPARED:
            out[name] = value
    return out


def differences(before: dict[str, Any], after: dict[str, Any], fields: Iterable[str]) -> list[dict[str, Any]]:
    """``{"field", "before", "after"}`` for each of ``fields`` whose value differs, in that order."""
    return [
        {"field": name, "before": before.get(name), "after": after.get(name)}
        for name in fields
        if before.get(name) != after.get(name)
    ]


@dataclass(frozen=True)
class Revision:
    """A live event and the projection's event it became, with the fields that differ."""

    before: Event
    after: Event
    differences: list[dict[str, Any]]

    def brief(self) -> dict[str, Any]:
        """The event as the projection has it, the id it had (``was``) and its ``differences``."""
        return _brief(self.after) | {"was": self.before.id, "differences": self.differences}


def _revision(before: Event, after: Event) -> Revision:
    fields = _compared(before)
    return Revision(before, after, differences(fields, _compared(after), fields))


def _related(before: Event, after: Event) -> bool:
    """Whether ``after`` may be ``before`` read again: an overlapping span of the text, or the same act."""
    overlap = before.evidence.start < after.evidence.end and after.evidence.start < before.evidence.end
    return overlap or (before.type, before.source, before.target) == (after.type, after.source, after.target)


def revisions(live: dict[str, Event], side: dict[str, Event]) -> tuple[list[Revision], int]:
    """Each live event paired with what it became in the projection (see the module docstring), by
    article and id, and how many events differ only in their extractor (restamped)."""
    pairs: list[Revision] = []
    restamped = 0
    added: dict[str, list[Event]] = {}
    for name, after in side.items():
        if name not in live:
            added.setdefault(after.article_id, []).append(after)
        elif live[name] != after:
            revision = _revision(live[name], after)
            if revision.differences:
                pairs.append(revision)
            else:
                restamped += 1
    for name, before in live.items():
        if name in side:
            continue
        candidates = [
            _revision(before, after) for after in added.get(before.article_id, ()) if _related(before, after)
        ]
        if candidates:
            best = min(candidates, key=lambda revision: len(revision.differences))
            added[before.article_id].remove(best.after)
            pairs.append(best)
    pairs.sort(key=lambda revision: (revision.after.article_id, revision.after.id))
    return pairs, restamped


def _summary(row: Row | None) -> dict[str, Any] | None:
    """The headline of a row, as a change gives it (:class:`~schemas.state.Headline`)."""
    return None if row is None else Headline.of(row).model_dump(mode="json")


def diff(projection: Projection) -> dict[str, Any]:
    """What promoting would change: events added, removed and revised, and rows added, removed or
    changed, each with its headline before and after, what differs in it and the events behind it."""
    paired, restamped = revisions(projection.live_events, projection.events)
    revised = {revision.before.id for revision in paired} | {revision.after.id for revision in paired}
    live = {name: event for name, event in projection.live_events.items() if name not in revised}
    side = {name: event for name, event in projection.events.items() if name not in revised}
    old, new = _by_row(live.values()), _by_row(side.values())
    moved: dict[tuple[str, str], list[Revision]] = {}
    for revision in paired:
        for where in dict.fromkeys([*reduce.keys(revision.before), *reduce.keys(revision.after)]):
            moved.setdefault(where, []).append(revision)
    rows = []
    for table in names():
        before_rows, after_rows = projection.live_tables[table], projection.tables[table]
        for key in sorted(set(before_rows) | set(after_rows)):
            before, after = before_rows.get(key), after_rows.get(key)
            if before is not None and after is not None and reduce.view(before) == reduce.view(after):
                continue
            was, now = old.get((table, key), set()), new.get((table, key), set())
            headlines = _summary(before), _summary(after)
            rows.append(
                {
                    "table": table,
                    "key": key,
                    "change": "added" if before is None else "removed" if after is None else "changed",
                    "before": headlines[0],
                    "after": headlines[1],
                    "differences": differences(headlines[0] or {}, headlines[1] or {}, HEADLINE),
                    "events_added": [_brief(side[name]) for name in sorted(now - was)],
                    "events_removed": [_brief(live[name]) for name in sorted(was - now)],
                    "events_revised": [revision.brief() for revision in moved.get((table, key), [])],
                }
            )
    return {
        "label": projection.label,
        "extractor": projection.extractor,
        "projection": str(projection.path),
        "articles": projection.articles,
        "dead_letters": projection.dead_letters,
        "events": {
            "live": len(projection.live_events),
            "projection": len(projection.events),
            "added": len(side.keys() - live.keys()),
            "removed": len(live.keys() - side.keys()),
            "revised": len(paired),
            "restamped": restamped,
        },
        "revisions": [revision.brief() for revision in paired],
        "rows": rows,
        "differs": differs(projection),
    }


def differs(projection: Projection) -> bool:
    """Whether the projection's events or rows differ from the live ones at all."""
    return projection.events != projection.live_events or projection.tables != projection.live_tables


def revised_articles(runtime: Runtime, projection: Projection, at: dt.datetime) -> list[Correction]:
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


def promote(runtime: Runtime, projection: Projection) -> int:
    """Make the projection the live events and state (see the module docstring); return the changes published.

    A no-op (0) when nothing differs. Raises :class:`PromoteError` when the log
    moved on since the projection, or some stage still has input to process, or the projection
    was made on Kafka, or ``runtime`` runs there.
    """
    if projection.events_end is None:
        raise PromoteError("the projection was made on Kafka; promotion is done on the embedded log only")
    log = runtime.own_log
    if log is None:
        raise PromoteError("promotion is done on the embedded log only")
    if not differs(projection):
        return 0
    old, new = _by_row(projection.live_events.values()), _by_row(projection.events.values())
    published = 0
    with log.transaction() as writer:
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
        for revision in revised_articles(runtime, projection, timestamp(writer.ts)):
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
    AuditIndex(log).clear()
    return published
