"""Why a state row shows what it shows: its facts, their events, sentences and articles, page by page.

:func:`why` answers for one row. On the embedded log it reads the row's stored
state (never the event log) and keeps the ranked audit of
:func:`agents.reduce.why` in ``<data_dir>/audit.db``, tagged with the row's
storage version (:meth:`~streams.log.store.Reader.state_version`), so asking
again about a row that has not changed reads one page of an index. Facts are
listed strongest first (largest absolute contribution; zones: newest first),
``limit`` of them, and ``rest`` sums the others, so the listed contributions
plus ``rest`` always add up to the score shown.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import orjson

from agents import reduce
from agents.reduce.assemble import assemble
from agents.reduce.rows import ALLIANCES, build, key_of
from agents.reduce.score import PLACES
from schemas import AllianceState, Article, PloverType, ZoneState
from schemas.state import Fact
from streams.runtime.base import Runtime
from streams.runtime.embedded import EmbeddedRuntime

AUDIT_FILE = "audit.db"
LIMIT = 20
"""How many facts a page lists by default."""

State = AllianceState | ZoneState
Audit = dict[str, Any]
Version = tuple[int, int]

SCHEMA = """
CREATE TABLE IF NOT EXISTS heads (
    tbl TEXT NOT NULL, key TEXT NOT NULL, row_id INTEGER NOT NULL, size INTEGER NOT NULL,
    head BLOB NOT NULL, PRIMARY KEY (tbl, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS facts (
    tbl TEXT NOT NULL, key TEXT NOT NULL, rank INTEGER NOT NULL, cumulative REAL NOT NULL,
    fact BLOB NOT NULL, PRIMARY KEY (tbl, key, rank)
) WITHOUT ROWID;
"""


def ranked(audit: Audit) -> list[dict[str, Any]]:
    """The facts of an audit, strongest first: by absolute contribution, else (zones) newest first."""
    facts = audit["facts"]
    if audit["table"] == ALLIANCES:
        return sorted(
            facts, key=lambda item: (-abs(item["contribution"]), item["date"] or "", item["event_id"])
        )
    return sorted(facts, key=lambda item: (item["date"] or "", item["event_id"]), reverse=True)


def page(audit: Audit, listed: list[dict[str, Any]], total: int, listed_sum: float) -> Audit:
    """``audit`` with only ``listed`` facts of ``total``, and what the others add up to."""
    out = {name: value for name, value in audit.items() if name != "facts"}
    out |= {"facts": listed, "facts_total": total, "listed": len(listed)}
    if audit["table"] == ALLIANCES:
        out["listed_contribution"] = round(listed_sum, PLACES)
        out["rest"] = {
            "facts": total - len(listed),
            "contribution": round(audit["score"] - listed_sum, PLACES),
        }
    else:
        out["rest"] = {"facts": total - len(listed)}
    return out


def paginate(audit: Audit, limit: int | None) -> Audit:
    """The first ``limit`` ranked facts of ``audit`` (all when ``None``)."""
    facts = ranked(audit)
    listed = facts if limit is None else facts[:limit]
    return page(audit, listed, len(facts), sum(item.get("contribution", 0.0) for item in listed))


class AuditIndex:
    """``<data_dir>/audit.db``: each row's ranked audit, for the storage version it was built from."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / AUDIT_FILE

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=60.0, isolation_level=None)) as db:
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(SCHEMA)
            yield db

    def lookup(self, table: str, key: str, version: Version, limit: int | None) -> Audit | None:
        """The page of ``table[key]`` if the index holds it for ``version``, else ``None``."""
        with self._connect() as db:
            found = db.execute(
                "SELECT row_id, size, head FROM heads WHERE tbl = ? AND key = ?", (table, key)
            ).fetchone()
            if found is None or (found[0], found[1]) != version:
                return None
            head = orjson.loads(found[2])
            rows = db.execute(
                "SELECT cumulative, fact FROM facts WHERE tbl = ? AND key = ? ORDER BY rank LIMIT ?",
                (table, key, -1 if limit is None else limit),
            ).fetchall()
        listed = [orjson.loads(fact) for _, fact in rows]
        return page(head, listed, head["facts_total"], rows[-1][0] if rows else 0.0)

    def store(self, table: str, key: str, version: Version, audit: Audit) -> None:
        """Keep the ranked audit of ``table[key]`` at ``version``, replacing what was there."""
        facts = ranked(audit)
        head = {name: value for name, value in audit.items() if name != "facts"}
        head["facts_total"] = len(facts)
        cumulative, rows = 0.0, []
        for rank, item in enumerate(facts):
            cumulative += item.get("contribution", 0.0)
            rows.append((table, key, rank, cumulative, orjson.dumps(item)))
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM facts WHERE tbl = ? AND key = ?", (table, key))
            db.executemany("INSERT INTO facts VALUES (?, ?, ?, ?, ?)", rows)
            db.execute(
                "INSERT OR REPLACE INTO heads VALUES (?, ?, ?, ?, ?)",
                (table, key, version[0], version[1], orjson.dumps(head)),
            )
            db.execute("COMMIT")

    def clear(self) -> None:
        """Forget every row (after the state was replaced wholesale)."""
        with self._connect() as db:
            db.execute("DELETE FROM facts")
            db.execute("DELETE FROM heads")


def stored_row(table: str, value: bytes) -> State:
    """A state row as the reduce stage stored it, its facts assembled without re-validation.

    The row was validated when it was built; only its summary goes through
    pydantic again, which keeps the first audit of a row of 100k facts to a
    fraction of a full :meth:`~schemas.base.Message.loads`.
    """
    data = orjson.loads(value)
    facts = tuple(
        assemble(
            Fact,
            item
            | {
                "type": PloverType(item["type"]),
                "date": None if item.get("date") is None else dt.date.fromisoformat(item["date"]),
            },
        )
        for item in data.pop("facts", ())
    )
    model = AllianceState if table == ALLIANCES else ZoneState
    return model.model_validate(data).model_copy(update={"facts": facts})


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
        return _embedded(runtime, table, key, as_of, limit)
    row = next((item for item in runtime.state(table) if key_of(item) == key), None)
    if row is not None and as_of is not None:
        row = as_of_row(row, table, key, as_of)
    if row is None:
        return None
    articles = {article.id: article for article in runtime.articles()}
    return with_articles(paginate(reduce.why(row), limit), articles.get)


def _embedded(
    runtime: EmbeddedRuntime, table: str, key: str, as_of: dt.date | None, limit: int | None
) -> Audit | None:
    if as_of is not None:
        row = runtime.row(table, key)
        rebuilt = None if row is None else as_of_row(row, table, key, as_of)
        return (
            None if rebuilt is None else with_articles(paginate(reduce.why(rebuilt), limit), runtime.article)
        )
    version = runtime.log.state_version(table, key)
    if version is None:
        return None
    index = AuditIndex(runtime.log.path.parent)
    audit = index.lookup(table, key, version, limit)
    if audit is None:
        value = runtime.log.get_state(table, key)
        if value is None:
            return None
        full = reduce.why(stored_row(table, value))
        index.store(table, key, version, full)
        audit = paginate(full, limit)
    return with_articles(audit, runtime.article)
