"""The Kafka runtime: end-to-end latency at a steady article rate, and throughput beside bare aiokafka loops.

``python -m bench kafka``: starts a local broker (or uses ``KAFKA_BOOTSTRAP_SERVERS``) and one
``entente worker`` process, then

* once one article has gone through (the worker is ready), publishes made-up articles at 20 a
  second for a few seconds to warm up (a fresh broker's JVM compiles its hot paths meanwhile, and
  until then answers several times slower than it will for as long as it runs), then more at the
  same rate; each is timed from its send to the first change naming it on ``state.changes`` (p50,
  p99), the warm-up apart;
* publishes a batch at once and times the worker until a change has named every article of it,
  and until every stage has committed it, with the CPU time the worker, its extraction process
  and the broker spent on each article (so the figures say whether extraction bounds it: the
  extraction process busy all the time), and the rate those costs allow if every core of this
  machine ran them all the time (the CPU bound), beside which the worker is set;
* runs a bare aiokafka consume → extract (the same handler) → produce loop over the same batch
  in this process, the ceiling; the worker and this loop take turns for a few rounds, and the
  figures are the medians, the ratio the median of each round's;
* runs a bare consume → produce loop over the batch, copying it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path

import orjson
import psutil
from aiokafka import AIOKafkaProducer

from agents.extract import Extractor, load_extractor
from schemas import Article
from streams import handlers, topics
from streams.kafka.admin import TopicSpec, create_topics, partitions_of, reader
from streams.kafka.broker import BrokerConfig, LocalBroker, free_ports
from streams.kafka.options import KafkaOptions
from streams.kafka.probe import live_members
from streams.runtime.kafka import KafkaRuntime
from tests.support.articles import made_up_articles
from tests.support.kafka import unique

RATE = 20.0
WARMUP = 60
STEADY = 400
ROUNDS = 3
BATCH = 400
ENTENTE = Path(sys.executable).with_name("entente")


@contextlib.contextmanager
def broker() -> Iterator[tuple[str, int | None]]:
    """A broker for the run and its process id: ``KAFKA_BOOTSTRAP_SERVERS`` (no id), or a local one."""
    if external := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield external, None
        return
    port, controller = free_ports(2)
    with tempfile.TemporaryDirectory() as data:
        local = LocalBroker(BrokerConfig(Path(data), port=port, controller_port=controller))
        local.start()
        try:
            yield local.config.bootstrap, local.pid()
        finally:
            local.stop()


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


@contextlib.asynccontextmanager
async def worker(bootstrap: str, options: KafkaOptions) -> AsyncIterator[subprocess.Popen[bytes]]:
    """One ``entente worker`` process in ``options.namespace``, joined before this yields."""
    env = {**os.environ, "ENTENTE_KAFKA_NAMESPACE": options.namespace}
    command = [str(ENTENTE), "worker", "--broker", f"kafka://{bootstrap}"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while await live_members(bootstrap, options.app_id) < 1:
            await asyncio.sleep(0.1)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def _namespace() -> KafkaOptions:
    return KafkaOptions(namespace=f"{unique('bench')}.")


@contextlib.asynccontextmanager
async def first_changes(bootstrap: str, options: KafkaOptions) -> AsyncIterator[dict[str, float]]:
    """When the first change naming each article arrived on ``state.changes``, while the block runs."""
    first: dict[str, float] = {}
    stop = asyncio.Event()

    async def watch() -> None:
        async with reader(bootstrap) as consumer:
            consumer.assign(await partitions_of(bootstrap, options.topic(topics.CHANGES)))
            while not stop.is_set():
                for batch in (await consumer.getmany(timeout_ms=100)).values():
                    arrived = time.perf_counter()
                    for record in batch:
                        for article in orjson.loads(record.value)["article_ids"]:
                            first.setdefault(article, arrived)

    watcher = asyncio.create_task(watch())
    try:
        yield first
    finally:
        stop.set()
        await watcher


async def _until_changed(first: dict[str, float], articles: Iterable[str], timeout: float) -> None:
    """Wait until a change has named each of ``articles``."""
    deadline = time.perf_counter() + timeout
    missing = set(articles)
    while missing := {article for article in missing if article not in first}:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{len(missing)} articles had no change after {timeout:.0f} s")
        await asyncio.sleep(0.01)


async def steady_latency(bootstrap: str) -> dict[str, float | str]:
    """Send→first change latency of articles published at :data:`RATE` a second."""
    options = _namespace()
    runtime = KafkaRuntime(bootstrap, options=options)
    await runtime.ensure_topics()
    gc.freeze()  # a full collection of this process's heap would count as the worker's latency

    async with worker(bootstrap, options):
        await _publish(bootstrap, options.topic(topics.ARTICLES), made_up_articles(1))  # the worker is up
        await runtime.wait_idle(timeout=120)
        articles = made_up_articles(1 + WARMUP + STEADY)
        async with (
            first_changes(bootstrap, options) as first,
            AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=0) as producer,
        ):
            warm = await _paced(producer, options.topic(topics.ARTICLES), articles[1 : 1 + WARMUP])
            await _until_changed(first, warm, timeout=120)
            await runtime.wait_idle(timeout=120)
            sent = await _paced(producer, options.topic(topics.ARTICLES), articles[1 + WARMUP :])
            await _until_changed(first, sent, timeout=300)
    cold, steady = _latencies(first, warm), _latencies(first, sent)
    return {
        "steady rate (articles/s)": RATE,
        "warm-up articles": WARMUP,
        "warm-up latency p50 (ms)": statistics.median(cold),
        "warm-up latency p99 (ms)": _p99(cold),
        "timed articles with a change": f"{len(steady)}/{len(sent)}",
        "latency p50 (ms)": statistics.median(steady),
        "latency p99 (ms)": _p99(steady),
    }


def _latencies(first: dict[str, float], sent: dict[str, float]) -> list[float]:
    """Milliseconds from each article's send to the first change naming it, sorted."""
    return sorted((first[article] - at) * 1000 for article, at in sent.items())


def _p99(latencies: list[float]) -> float:
    return latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]


async def _paced(producer: AIOKafkaProducer, topic: str, articles: list[Article]) -> dict[str, float]:
    """Send ``articles`` to ``topic`` at :data:`RATE` a second; when each was sent."""
    sent: dict[str, float] = {}
    began = time.perf_counter()
    for number, article in enumerate(articles):
        await asyncio.sleep(max(0.0, began + number / RATE - time.perf_counter()))
        sent[article.id] = time.perf_counter()
        await producer.send_and_wait(topic, article.dumps())
    return sent


async def _publish(bootstrap: str, topic: str, articles: list[Article]) -> None:
    async with AIOKafkaProducer(bootstrap_servers=bootstrap) as producer:
        for article in articles:
            await producer.send(topic, article.dumps(), key=article.id.encode())


async def faust_throughput(
    bootstrap: str, broker_pid: int | None, articles: list[Article]
) -> dict[str, float]:
    """Articles a second through extract and reduce with one worker, and until committed; CPU per article.

    The worker's rate runs from the batch's publication to the first change naming its last
    article, as the bare loops' runs end with their last record sent; offsets are committed every
    ``commit_interval`` after that, which the second rate includes.
    """
    options = _namespace()
    runtime = KafkaRuntime(bootstrap, options=options)
    await runtime.ensure_topics()
    async with worker(bootstrap, options) as process:
        await _publish(bootstrap, options.topic(topics.ARTICLES), articles[:1])  # the child is up
        await runtime.wait_idle(timeout=120)
        main = psutil.Process(process.pid)
        parts = {"worker": main, "extraction process": main.children()[-1]}
        if broker_pid is not None:
            parts["broker"] = psutil.Process(broker_pid)
        async with first_changes(bootstrap, options) as first:
            before = {name: cpu_seconds(part) for name, part in parts.items()}
            began = time.perf_counter()
            await _publish(bootstrap, options.topic(topics.ARTICLES), articles[1:])
            await _until_changed(first, (article.id for article in articles[1:]), timeout=600)
            processed = max(first[article.id] for article in articles[1:]) - began
            await runtime.wait_idle(timeout=600)
            wall = time.perf_counter() - began
        spent = {name: cpu_seconds(part) - before[name] for name, part in parts.items()}
    count = len(articles) - 1
    cores = len(os.sched_getaffinity(0))
    bound = cores * count / sum(spent.values())  # if every core ran these processes all the time
    return {
        "faust worker (articles/s)": count / processed,
        "faust worker until committed (articles/s)": count / wall,
        **{f"{name} CPU per article (ms)": 1000 * used / count for name, used in spent.items()},
        "extraction process busy (share of wall time)": spent["extraction process"] / wall,
        "extraction's share of that CPU": spent["extraction process"] / sum(spent.values()),
        f"CPU bound on {cores} cores (articles/s)": bound,
        "faust worker / CPU bound": count / processed / bound,
    }


async def bare_throughput(bootstrap: str, articles: list[Article], extractor: Extractor | None) -> float:
    """Articles a second through one aiokafka consume → (extract →) produce loop."""
    source, sink = unique("bench-in"), unique("bench-out")
    await create_topics(bootstrap, [TopicSpec(source, 4), TopicSpec(sink, 4)])
    await _publish(bootstrap, source, articles)
    max_bytes = KafkaOptions().max_message_bytes
    async with reader(bootstrap) as consumer, AIOKafkaProducer(bootstrap_servers=bootstrap) as producer:
        consumer.assign(await partitions_of(bootstrap, source))
        began, seen = time.perf_counter(), 0
        while seen < len(articles):
            for batch in (await consumer.getmany(timeout_ms=1000)).values():
                for record in batch:
                    seen += 1
                    if extractor is None:
                        await producer.send(sink, record.value, key=record.key)
                        continue
                    origin = f"{record.topic}[{record.partition}]@{record.offset}"
                    received = dt.datetime.fromtimestamp(record.timestamp / 1000, tz=dt.UTC)
                    result = handlers.extract_article((record.value, origin, received), extractor, max_bytes)
                    for event in result if isinstance(result, list) else ():
                        await producer.send(sink, event.dumps(), key=event.id.encode())
        await producer.flush()
        return len(articles) / (time.perf_counter() - began)


async def measure(bootstrap: str, broker_pid: int | None) -> dict[str, float | str]:
    """The latency figures, then :data:`ROUNDS` rounds of the worker and the bare extract loop (medians)."""
    figures = await steady_latency(bootstrap)
    articles = made_up_articles(BATCH + 1)
    extractor = load_extractor()
    gc.freeze()  # the model's objects, out of the collector's reach as in the worker's extraction process
    rounds = []
    for _round in range(ROUNDS):
        faust = await faust_throughput(bootstrap, broker_pid, articles)
        extract = await bare_throughput(bootstrap, articles[1:], extractor)
        faust["bare consume→extract→produce (articles/s)"] = extract
        faust["faust / bare extract loop"] = faust["faust worker (articles/s)"] / extract
        rounds.append(faust)
    copy = await bare_throughput(bootstrap, articles[1:], None)
    return {
        **figures,
        "batch articles": BATCH,
        "rounds (medians below)": ROUNDS,
        **{name: statistics.median(each[name] for each in rounds) for name in rounds[0]},
        "faust / bare extract loop, each round": " ".join(
            f"{each['faust / bare extract loop']:.3f}" for each in rounds
        ),
        "bare consume→produce (articles/s)": copy,
    }


def run() -> dict[str, float | str]:
    """Every figure of this case (about two minutes on 2 cores)."""
    with broker() as (bootstrap, pid):
        return asyncio.run(measure(bootstrap, pid))


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name:<45} {value:,.3f}" if isinstance(value, float) else f"{name:<45} {value}")
