"""How Entente lays itself out on a cluster: topic names, partitions, retention and timings."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from agents.reduce import tables
from streams import topics
from streams.kafka.admin import TopicSpec
from streams.kafka.broker import MAX_MESSAGE_BYTES
from streams.kafka.stored import FACTS

FOREVER = -1
THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000


class KafkaOptions(BaseSettings):
    """How Entente lays itself out on a cluster; each field is also ``ENTENTE_KAFKA_<NAME>``.

    ``namespace`` prefixes every topic and the consumer group, so several deployments (or tests)
    share one broker. ``partitions`` is the partition count of ``articles.raw``, ``events``,
    ``events.by-row`` and the tables' changelogs; ``state.changes`` and ``articles.dlq`` keep
    one partition each unless set, so their offsets order all changes and all rejections.
    """

    model_config = SettingsConfigDict(env_prefix="ENTENTE_KAFKA_", frozen=True, extra="ignore")

    namespace: str = Field(default="", description="Prefix of every topic and of the consumer group.")
    partitions: int = Field(default=4, ge=1, description="Partitions of articles, events and state.")
    changes_partitions: int = Field(default=1, ge=1, description="Partitions of state.changes.")
    dlq_partitions: int = Field(default=1, ge=1, description="Partitions of articles.dlq.")
    retention_ms: dict[str, int] = Field(
        default={
            topics.ARTICLES: FOREVER,
            topics.EVENTS: FOREVER,
            topics.EVENTS_BY_ROW: FOREVER,
            topics.CHANGES: FOREVER,
            topics.DLQ: THIRTY_DAYS_MS,
        },
        description="retention.ms of each topic (-1: forever).",
    )
    commit_interval: float = Field(default=1.0, gt=0, description="Seconds between offset commits.")
    extract_window: float = Field(
        default=0.005,
        gt=0,
        description="Seconds the extract stage gathers records before it hands them to the "
        "extractor: an article waits at most this long, and a backlog goes in batches.",
    )
    route_window: float = Field(
        default=0.005,
        gt=0,
        description="Seconds the route stage gathers events before it sends them on to their rows: "
        "the events of a row within a window go in one record.",
    )
    reduce_window: float = Field(
        default=0.01,
        gt=0,
        description="Seconds the reduce stage gathers records before it applies them: each row it "
        "touches is rewritten once a window, so longer windows cost latency and save work.",
    )
    linger: float = Field(
        default=0.005,
        ge=0,
        description="Seconds the producer waits to send records together: fewer, larger requests "
        "cost the broker and the worker less CPU than one request a record.",
    )
    session_timeout: float = Field(
        default=10.0, gt=0, description="Seconds before a silent worker is dropped."
    )
    max_message_bytes: int = Field(default=MAX_MESSAGE_BYTES, description="Largest record, in bytes.")

    @property
    def app_id(self) -> str:
        """The Faust app id: the consumer group and the prefix of its internal topics."""
        return f"{self.namespace}entente"

    def topic(self, name: str) -> str:
        """The cluster name of a topic of :mod:`streams.topics`."""
        return f"{self.namespace}{name}"

    def subscriber_group(self, name: str) -> str:
        """The consumer group whose offset on ``state.changes`` is the position of subscribers ``name``."""
        return f"{self.app_id}-subscriber-{name}"

    def changelog(self, table: str) -> str:
        """The compacted changelog topic behind a state table (named as Faust names it)."""
        return f"{self.app_id}-{table}-changelog"

    def topic_specs(self) -> list[TopicSpec]:
        """Every topic the app reads or writes, with its partitions and retention."""
        size = {"max.message.bytes": str(self.max_message_bytes)}

        def spec(name: str, partitions: int) -> TopicSpec:
            return TopicSpec(
                self.topic(name),
                partitions,
                {**size, "retention.ms": str(self.retention_ms.get(name, FOREVER))},
            )

        compacted = {**size, "cleanup.policy": "compact"}
        return [
            spec(topics.ARTICLES, self.partitions),
            spec(topics.EVENTS, self.partitions),
            spec(topics.EVENTS_BY_ROW, self.partitions),
            spec(topics.CHANGES, self.changes_partitions),
            spec(topics.DLQ, self.dlq_partitions),
            spec(topics.DLQ_REPLAYED, 1),
            spec(topics.CORRECTIONS, 1),
            *(
                TopicSpec(self.changelog(table), self.partitions, compacted)
                for table in (*tables.names(), FACTS)
            ),
        ]
