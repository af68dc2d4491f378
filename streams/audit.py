"""Why a state row shows what it shows: its facts, their events, sentences and articles, page by page.

:func:`why` answers for one row. On the embedded log it reads the page the
reduce stage indexed when it wrote the row (:mod:`streams.audit_index`), or,
for a deeper page or a row written otherwise, the row's stored state (never the
event log), indexing what it found. Facts are listed strongest first (largest
absolute contribution; zones: newest first), ``limit`` of them, and ``rest``
sums the others, so the listed contributions plus ``rest`` always add up to the
score shown. Beside the facts, ``corrections`` lists the retractions and overrides of events that
go, or went, to the row: who made each, when and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from agents import reduce
from agents.reduce.corrections import Corrections
from agents.reduce.rows import build
from schemas import Article
from schemas.state import Row
from streams.audit_index import INDEXED, Audit, AuditIndex, paginate
from streams.runtime.base import Runtime
from streams.runtime.embedded import EmbeddedRuntime

LIMIT = 20
"""How many facts a page lists by default."""

State = Row


def as_of_row(row: State, table: str, key: str, as_of: dt.date) -> State | None:
    """The row rebuilt from its own facts dated on or before ``as_of`` (what a fold as of that day gives)."""
    facts = tuple(item for item in row.facts if item.date is not None and item.date <= as_of)
    return build(table, key, facts, as_of) if facts else None


def with_articles(audit: Audit, article: Callable[[str], Article | None]) -> Audit:
    """``audit`` with each listed fact's article: title, url, published date, outlet."""
    found: dict[str, Article | None] = {}
    facts = []
    for item in audit["facts"]:
        name = item["article_id"]
        if name not in found:
            found[name] = article(name)
        art = found[name]
        facts.append(
            item
            | {
                "article": {
                    "id": name,
                    "title": None if art is None else art.title,
                    "url": None if art is None else art.url,
                    "published": None if art is None or art.published is None else art.published.isoformat(),
                    "source": None if art is None else art.source,
                }
            }
        )
    return audit | {"facts": facts}


def why(
    runtime: Runtime, table: str, key: str, *, as_of: dt.date | None = None, limit: int | None = LIMIT
) -> Audit | None:
    """The audit page of ``table[key]`` (``None`` when there is no such row), with its articles.

    Live rows on the embedded log come from :class:`AuditIndex`; ``as_of`` rows are
    rebuilt from the stored row's facts; other runtimes read their state table.
    """
    if isinstance(runtime, EmbeddedRuntime):
        audit = _embedded(runtime, table, key, as_of, limit)
    else:
        audit = _read(runtime, table, key, as_of, limit)
    return None if audit is None else with_corrections(audit, runtime, table, key)


def with_corrections(audit: Audit, runtime: Runtime, table: str, key: str) -> Audit:
    """``audit`` with the corrections of the events that go, or went, to ``table[key]``."""
    logged = Corrections(runtime.corrections())
    found = logged.of_row(table, key, runtime.logged_events()) if logged.logged else []
    return audit | {
        "corrections": [
            correction.model_dump(mode="json", exclude={"schema_version"}) for correction in found
        ]
    }


def _read(runtime: Runtime, table: str, key: str, as_of: dt.date | None, limit: int | None) -> Audit | None:
    row = runtime.row(table, key)
    if row is not None and as_of is not None:
        row = as_of_row(row, table, key, as_of)
    if row is None:
        return None
    articles = {article.id: article for article in runtime.articles()}
    return with_articles(paginate(reduce.strongest(row, limit), limit), articles.get)


def _embedded(
    runtime: EmbeddedRuntime, table: str, key: str, as_of: dt.date | None, limit: int | None
) -> Audit | None:
    if as_of is not None:
        row = runtime.row(table, key)
        rebuilt = None if row is None else as_of_row(row, table, key, as_of)
        return (
            None
            if rebuilt is None
            else with_articles(paginate(reduce.strongest(rebuilt, limit), limit), runtime.article)
        )
    version = runtime.log.state_version(table, key)
    if version is None:
        return None
    index = AuditIndex(runtime.log)
    audit = index.lookup(table, key, version, limit)
    if audit is None:
        row = runtime.row(table, key)
        if row is None:
            return None
        ranked = reduce.strongest(row, None if limit is None else max(limit, INDEXED))
        index.store({(table, key): (version, ranked)})
        audit = paginate(ranked, limit)
    return with_articles(audit, runtime.article)
