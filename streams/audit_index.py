"""The audit index: the strongest facts of each state row's audit, for the version they came from,
kept in the log's database (:class:`~streams.log.interface.AuditReader`).

The first question about a row after it changed writes the row's page here,
so asking again why the row shows what it shows reads one page of an index,
whatever the row's size (:func:`index_rows` indexes rows ahead of questions). A
page is tagged with the row's storage version
(:meth:`~streams.log.interface.StoreReader.state_version`): a row rewritten since,
or a question deeper than the page, is answered from the row itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from agents import reduce
from agents.reduce.rows import State
from agents.reduce.score import PLACES
from agents.reduce.standard import ALLIANCES
from streams.log.interface import LogStore

INDEXED = 200
"""How many of a row's strongest facts the reduce stage indexes when it writes the row."""

Audit = dict[str, Any]
Version = tuple[int, int]


def page(audit: Audit, listed: list[dict[str, Any]], listed_sum: float) -> Audit:
    """``audit`` listing only ``listed`` of its ``facts_total`` facts, and what the others add up to."""
    total = audit["facts_total"]
    out = {name: value for name, value in audit.items() if name != "facts"}
    out |= {"facts": listed, "listed": len(listed)}
    if audit["table"] == ALLIANCES.name:
        out["listed_contribution"] = round(listed_sum, PLACES)
        out["rest"] = {
            "facts": total - len(listed),
            "contribution": round(audit["score"] - listed_sum, PLACES),
        }
    else:
        out["rest"] = {"facts": total - len(listed)}
    return out


def paginate(audit: Audit, limit: int | None) -> Audit:
    """The first ``limit`` facts (all when ``None``) of an audit whose facts are ranked."""
    listed = audit["facts"] if limit is None else audit["facts"][:limit]
    return page(audit, listed, sum(item.get("contribution", 0.0) for item in listed))


class AuditIndex:
    """The audit pages of a log's state rows, kept in its database."""

    def __init__(self, log: LogStore) -> None:
        self._log = log

    def lookup(self, table: str, key: str, version: Version, limit: int | None) -> Audit | None:
        """The page of ``table[key]`` if the index holds ``limit`` of its facts at ``version``, else None."""
        found = self._log.audit_head(table, key)
        if found is None or (found[0], found[1]) != version:
            return None
        head = orjson.loads(found[2])
        held = head.pop("indexed")
        if held < head["facts_total"] and (limit is None or limit > held):
            return None
        rows = self._log.audit_facts(table, key, limit)
        return page(head, [orjson.loads(fact) for _, fact in rows], rows[-1][0] if rows else 0.0)

    def store(self, pages: Mapping[tuple[str, str], tuple[Version, Audit]]) -> None:
        """Keep each ranked page (``facts`` in rank order, ``facts_total`` of the row) at its version."""
        with self._log.transaction() as writer:
            for (table, key), (version, audit) in pages.items():
                head = {name: value for name, value in audit.items() if name != "facts"}
                head["indexed"] = len(audit["facts"])
                cumulative, facts = 0.0, []
                for item in audit["facts"]:
                    cumulative += item.get("contribution", 0.0)
                    facts.append((cumulative, orjson.dumps(item)))
                writer.put_audit(table, key, (*version, orjson.dumps(head)), facts)

    def clear(self) -> None:
        """Forget every row (after the state was replaced wholesale)."""
        with self._log.transaction() as writer:
            writer.clear_audit()


def index_rows(log: LogStore, rows: Mapping[tuple[str, str], State]) -> None:
    """Index the :data:`INDEXED` strongest facts of each row just written to ``log``'s state store."""
    pages = {}
    for (table, key), row in rows.items():
        version = log.state_version(table, key)
        if version is not None:
            pages[(table, key)] = (version, reduce.strongest(row, INDEXED))
    if pages:
        AuditIndex(log).store(pages)
