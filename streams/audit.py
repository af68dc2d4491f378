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
from collections.abc import Mapping

from agents import reduce
from agents.reduce.corrections import Corrections
from agents.reduce.rows import build
from schemas import Article
from schemas.state import Row
from streams.audit_index import Audit, paginate
from streams.runtime.base import Runtime

LIMIT = 20
"""How many facts a page lists by default."""


def as_of_row(row: Row, table: str, key: str, as_of: dt.date) -> Row | None:
    """The row rebuilt from its own facts dated on or before ``as_of`` (what a fold as of that day gives)."""
    facts = tuple(item for item in row.facts if item.date is not None and item.date <= as_of)
    return build(table, key, facts, as_of) if facts else None


def article_ids(audit: Audit) -> set[str]:
    """The articles of the facts ``audit`` lists."""
    return {item["article_id"] for item in audit["facts"]}


def with_articles(audit: Audit, found: Mapping[str, Article]) -> Audit:
    """``audit`` with each listed fact's article (from ``found``, by id): title, url, date, outlet."""
    facts = []
    for item in audit["facts"]:
        name = item["article_id"]
        art = found.get(name)
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

    Live rows come from the runtime (:meth:`~streams.runtime.base.Runtime.audit_page`: on the
    embedded log, its audit index); ``as_of`` rows are rebuilt from the stored row's facts.
    """
    if as_of is None:
        audit = runtime.audit_page(table, key, limit)
    else:
        row = runtime.row(table, key)
        rebuilt = None if row is None else as_of_row(row, table, key, as_of)
        audit = None if rebuilt is None else paginate(reduce.strongest(rebuilt, limit), limit)
    if audit is None:
        return None
    articles = runtime.articles_by_id(article_ids(audit))
    return with_corrections(with_articles(audit, articles), runtime, table, key)


def with_corrections(audit: Audit, runtime: Runtime, table: str, key: str) -> Audit:
    """``audit`` with the corrections of the events that go, or went, to ``table[key]``."""
    logged = Corrections(runtime.corrections())
    found = logged.of_row(table, key, runtime.logged_events()) if logged.logged else []
    return audit | {
        "corrections": [
            correction.model_dump(mode="json", exclude={"schema_version"}) for correction in found
        ]
    }
