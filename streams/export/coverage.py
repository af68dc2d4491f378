"""What the exports say of an event beyond itself: its incident (the reports of one real-world event),
the articles behind it and their outlets, and its actors and zone as the knowledge base knows them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from agents.kb import KnowledgeBase, Zone, load_kb
from agents.reduce.config import default
from agents.reduce.facts import Incident, fact, incidents
from schemas import Article, Event


class Coverage:
    """The incidents of ``events``, the ``articles`` they come from, and the knowledge base."""

    def __init__(self, events: Iterable[Event], articles: Iterable[Article]) -> None:
        self.events = {event.id: event for event in events}
        self.incidents = incidents([fact(event) for event in self.events.values()], default().window_days)
        self._incident = {item.event_id: found for found in self.incidents for item in found.facts}
        self.articles = {article.id: article for article in articles}
        self.kb: KnowledgeBase = load_kb()

    def incident(self, event: Event) -> Incident:
        """The incident ``event`` reports."""
        return self._incident[event.id]

    def reports(self, incident: Incident) -> list[Event]:
        """The events reporting ``incident``, first report first."""
        return [self.events[item.event_id] for item in incident.facts]

    def added(self, article_id: str) -> dt.datetime | None:
        """When an article came in: when it was fetched, else its publication day (UTC midnight)."""
        article = self.articles.get(article_id)
        if article is None:
            return None
        if article.provenance and article.provenance.fetched_at:
            return article.provenance.fetched_at.astimezone(dt.UTC)
        if article.published is None:
            return None
        return dt.datetime.combine(article.published, dt.time(), dt.UTC)

    def name(self, actor: str) -> str:
        """An actor's name in the knowledge base, else its id."""
        found = self.kb.actors.get(actor)
        return found.name if found else actor

    def kind(self, actor: str) -> str | None:
        """An actor's kind (state, group, organisation), if the knowledge base knows it."""
        found = self.kb.actors.get(actor)
        return found.kind if found else None

    def country(self, actor: str | None) -> str:
        """The state (ISO alpha-3) an actor is or acts in alone; empty when there is none or several."""
        found = self.kb.actors.get(actor or "")
        if found is None:
            return ""
        if found.kind == "state":
            return found.id
        return found.countries[0] if len(found.countries) == 1 else ""

    def zone(self, zone: str | None) -> Zone | None:
        """A zone of the knowledge base."""
        return self.kb.zones.get(zone or "")
