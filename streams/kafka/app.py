"""The Faust app that runs :mod:`streams.topology` on Kafka: the app, its topics and tables, and its agents.

The app loops over :data:`streams.topology.STAGES` and runs each stage as the agent of its source
(:data:`AGENTS`: :mod:`streams.kafka.stages`, :mod:`streams.kafka.reduce`), with the step code of
:mod:`streams.handlers`; how it lays itself out on the cluster is :mod:`streams.kafka.options`.

Delivery is at-least-once. Faust commits a source offset only after the producer is flushed, so a
worker killed mid-run re-reads what it had not committed. That cannot double-count: event ids are
deterministic, and a row is a function of the *set* of events it holds (events a row already holds
change nothing and emit no change). ``reduce`` waits for its changes to be acknowledged before it
writes the rows, so a redelivered event whose row write was lost is published in a change again
rather than never: ``state.changes`` may repeat an event after a crash (in a change of its own or
grouped with others), and never misses one.

Two guards keep Faust's rebalances from skipping records (:mod:`streams.kafka.workarounds`). A Faust
app whose consumer or agent crashes anyway stops committing without stopping; :attr:`EntenteApp.crash`
says so, and the runtime replaces the app (:meth:`~streams.runtime.kafka.KafkaRuntime.run_forever`).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import faust
from faust.exceptions import AlreadyConfiguredWarning
from faust.types import StreamT, TopicT

from agents.reduce import tables
from agents.reduce.corrections import Corrections
from agents.speed import freeze
from schemas import Change
from streams import handlers, topics
from streams.config import Settings
from streams.kafka.codec import MessageCodec
from streams.kafka.correct import Correct
from streams.kafka.extraction import Extraction
from streams.kafka.follow import CorrectionsFeed
from streams.kafka.options import KafkaOptions
from streams.kafka.reduce import Reduce
from streams.kafka.stages import Extract, Route, StageAgent
from streams.kafka.stored import FACTS, FactsTable
from streams.kafka.workarounds import hold_flow_until_seek, seek_uncommitted_to_start
from streams.runs import RunStats, WorkerCrashed
from streams.topology import STAGES, Stage

ORIGIN = "origin"
"""The header naming where a published article came from (its file, feed or request)."""
AGENTS: dict[Callable[..., Any], Callable[[EntenteApp, Stage], StageAgent]] = {
    handlers.extract_articles: Extract,
    handlers.route_event: Route,
    handlers.reduce_row: Reduce,
    handlers.correction_rows: Correct,
}
"""How this runtime runs each handler of :data:`streams.topology.STAGES`: the agent of its stage."""
Agent = Callable[[StreamT[Any]], Awaitable[None]]


class EntenteApp:
    """One Faust app for the topology; build a fresh one for every run (Faust apps bind to a loop)."""

    def __init__(
        self,
        bootstrap: str,
        options: KafkaOptions,
        settings: Settings,
        extract: Extraction,
        stats: RunStats,
    ) -> None:
        self.bootstrap = bootstrap
        self.options = options
        self.settings = settings
        self.feed = CorrectionsFeed(bootstrap, options.topic(topics.CORRECTIONS))
        self.extract = extract
        self.stats = stats
        datadir = settings.home / "faust"  # Faust's own files, not in the current directory
        datadir.mkdir(parents=True, exist_ok=True)
        self.app = faust.App(
            options.app_id,
            broker=f"kafka://{bootstrap}",
            store="memory://",
            datadir=str(datadir),
            web_enabled=False,
            key_serializer="raw",
            value_serializer="raw",
            topic_partitions=options.partitions,
            topic_replication_factor=1,
            topic_disable_leader=True,
            table_standby_replicas=0,
            processing_guarantee="at_least_once",
            producer_linger=options.linger,
            consumer_auto_offset_reset="earliest",
            consumer_max_fetch_size=2 * options.max_message_bytes,
            producer_max_request_size=options.max_message_bytes,
            broker_commit_interval=options.commit_interval,
            broker_session_timeout=options.session_timeout,
            broker_heartbeat_interval=min(3.0, options.session_timeout / 4),
        )
        self._topics: dict[str, TopicT] = {}
        self.tables = {
            name: self.app.Table(
                name,
                default=None,
                key_type=bytes,
                value_type=bytes,
                partitions=options.partitions,
                use_partitioner=True,
            )
            for name in tables.names()
        }
        self.facts = self.app.tables.add(
            FactsTable(
                self.app,
                name=FACTS,
                default=None,
                beacon=self.app.tables.beacon,
                key_type=bytes,
                value_type=bytes,
                partitions=options.partitions,
                use_partitioner=True,
            )
        )
        self._agent_crash: WorkerCrashed | None = None
        hold_flow_until_seek(self.app)
        for stage in STAGES:
            agent = AGENTS[stage.handler](self, stage)
            self.app.agent(self.topic(stage.source), name=stage.name, concurrency=1)(
                self._watched(stage.name, agent.run)
            )

    @property
    def corrections(self) -> Corrections:
        """Every correction this worker knows of (:mod:`streams.kafka.follow`): the route and reduce
        stages correct events by them."""
        return self.feed.corrections

    def topic(self, name: str) -> TopicT:
        """The Faust topic of one of :mod:`streams.topics` (``state.changes`` carries :class:`Change`)."""
        if name not in self._topics:
            value: dict[str, Any] = {"value_type": bytes}
            if name == topics.CHANGES:
                value = {"value_serializer": MessageCodec(Change)}
            self._topics[name] = self.app.topic(self.options.topic(name), key_type=bytes, **value)
        return self._topics[name]

    def _watched(self, stage: str, agent: Agent) -> Agent:
        """``agent``, with why it crashed kept for :attr:`crash` (Faust only logs it and starts it again)."""

        @functools.wraps(agent)
        async def watched(stream: StreamT[Any]) -> None:
            try:
                await agent(stream)
            except Exception as exc:
                if self._agent_crash is None:
                    crash = WorkerCrashed(f"the {stage} agent crashed: {type(exc).__name__}: {exc}")
                    crash.__cause__ = exc
                    self._agent_crash = crash
                raise

        return watched

    async def start(self) -> None:
        """Join the group, recover the tables and start consuming.

        What is loaded by then (Faust, the codecs, the recovered tables) lives as long as the
        worker, so it is frozen out of the cycle collector's reach (:func:`agents.speed.freeze`).
        """
        seek_uncommitted_to_start(self.app, {self.options.topic(stage.source) for stage in STAGES})
        await self.feed.start()
        await self.app.start()
        freeze()

    async def stop(self) -> None:
        """Stop consuming, flush the producer and leave the group.

        After a crash, the records a crashed agent had taken are never acknowledged, and Faust
        would wait for them forever: it is told not to. They are not committed, so whoever reads
        their partition next reads them again.
        """
        if self.crash is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", AlreadyConfiguredWarning)
                self.app.conf.stream_wait_empty = False
        await self.app.stop()
        await self.feed.stop()

    @property
    def crash(self) -> BaseException | None:
        """Why an agent, the app or its consumer crashed, if one did.

        Faust logs it. A crashed app or consumer stops consuming; a crashed agent is started again,
        but the record it crashed on is never acknowledged, so nothing past it is committed. An
        agent's crash is a :class:`~streams.runs.WorkerCrashed`: something raised past the
        agent's own handling of each record, which the pipeline's rules forbid.
        """
        if self._agent_crash is not None:
            return self._agent_crash
        for service in (self.app, self.app.consumer):
            if service.crashed:
                return service.crash_reason or RuntimeError("crashed")
        return None
