"""The HTTP service under load: live-stream delivery latency and ``GET /alliances`` latency.

``python -m bench.cases.api [--subscribers 200] [--rate 100] [--seconds 10] [--pairs 5000]``.
The server runs in a child process on a loopback port, without a worker, over
a fresh data directory holding ``--pairs`` alliance rows folded from synthetic
events. Two figures:

- delivery: ``--subscribers`` clients follow ``/changes`` while this process
  appends ``--rate`` changes a second to the log; latency runs from the commit
  of a change (its record's timestamp, stamped when its transaction began, so
  the figure errs long) to the arrival of the bytes completing its event at a
  client (one clock: the same machine), never from its hand-over to the hub;
- reads: ``--requests`` ``GET /alliances`` calls, ``--concurrency`` at a time
  on a keep-alive connection each, after a first (cold) call that builds the
  cached listing; once with whole views, once with the fields the dashboard
  asks for.

Both load clients are bare sockets that only note arrival times while they
run, so the figures are the server's. Every figure comes from one run; the
load average before and after is printed beside them (the machine is shared).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import combinations, islice
from pathlib import Path
from typing import Any, cast

import httpx
import orjson
import uvloop

from agents import reduce
from schemas import Change, Event, Evidence, PloverType
from streams import topics
from streams.log import Log

SUBSCRIBERS = 200
RATE = 100
SECONDS = 10.0
PAIRS = 5_000
REQUESTS = 400
CONCURRENCY = 4
EVENTS_PER_PAIR = 3
DRAIN_S = 10.0
QUIET_S = 0.5
HOT = "A000|A001"
DASHBOARD_FIELDS = "a,b,stance,score,first,last,events,sources"
START = dt.date(2017, 1, 1)
ID = re.compile(rb"\nid: (\d+)\n")

SERVER = """
import sys
from pathlib import Path

import uvicorn

from streams.api import ApiConfig, create_app

config = ApiConfig(data_dir=Path(sys.argv[1]), worker=False, heartbeat=5.0, client_queue=10_000)
uvicorn.run(create_app(config), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning",
            timeout_graceful_shutdown=1)
"""


def seed(data_dir: Path, pairs: int) -> dict[str, Any]:
    """Put ``pairs`` alliance rows, folded from synthetic events, in the state store; return one's view."""
    actors = [f"A{number:03d}" for number in range(int((2 * pairs) ** 0.5) + 2)]
    kinds = list(PloverType)
    events = []
    for number, (a, b) in enumerate(islice(combinations(actors, 2), pairs)):
        for step in range(EVENTS_PER_PAIR):
            sentence = f"Report {number}.{step}: {a} and {b} in the news."
            events.append(
                Event(
                    article_id=f"art-{number}",
                    type=kinds[(number + step) % len(kinds)],
                    source=a,
                    target=b,
                    reported=START + dt.timedelta(days=(number + step) % 1000),
                    evidence=Evidence(text=sentence, start=0, end=len(sentence)),
                    extractor="bench",
                )
            )
    tables = reduce.fold(events)
    with Log.open(data_dir) as log, log.transaction() as writer:
        for key, row in tables["alliances"].items():
            writer.put_state("alliances", key, row.dumps())
    return reduce.view(tables["alliances"][HOT])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """The API in a child process; returns once it answers ``/health``."""
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(data_dir), str(port)])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the API server did not start")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used, from Linux ``/proc``: steadier than wall time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Subscriber(asyncio.Protocol):
    """Follows ``/changes`` over a bare socket, noting when each chunk arrives.

    A protocol rather than a stream reader, and parsing only after the run, so
    that the load client spends as little as it can per arrival (one clock read
    and one append) and the figure is the server's.
    """

    def __init__(self, opened: list[int]) -> None:
        self.opened = opened
        self.counted = False
        self.chunks: list[tuple[float, bytes]] = []
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not an asyncio subclass
        self.transport.write(b"GET /changes HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")

    def data_received(self, data: bytes) -> None:
        self.chunks.append((time.time(), data))
        if not self.counted and b"retry:" in data:
            self.counted = True
            self.opened[0] += 1

    def arrivals(self) -> list[tuple[int, float]]:
        """``(offset, arrival time)`` of every change received: when the chunk completing it came."""
        out: list[tuple[int, float]] = []
        buffer = b""
        for at, data in self.chunks:
            buffer += data
            end = buffer.rfind(b"\n\n")
            if end >= 0:
                out.extend((int(match.group(1)), at) for match in ID.finditer(buffer, 0, end + 1))
                buffer = buffer[end:]
        return out


def produce(data_dir: Path, view: dict[str, Any], rate: int, seconds: float) -> list[int]:
    """Append ``rate`` changes of the row ``view`` a second for ``seconds``; return their offsets."""
    offsets = []
    with Log.open(data_dir) as log:
        start, count = time.monotonic(), int(rate * seconds)
        for number in range(count):
            delay = start + number / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            change = Change(
                id=f"bench-{number}",
                table="alliances",
                key=HOT,
                before=view,
                after=view | {"score": number},
                event_ids=(f"e{number}",),
            )
            offsets += log.append(topics.CHANGES, [(f"alliances:{HOT}", change.dumps())])
    return offsets


def committed_at(data_dir: Path, offsets: list[int]) -> dict[int, float]:
    """When each record was committed, in seconds since the epoch.

    The log stamps a record with its transaction's start, in milliseconds, so
    this is at most the transaction's length plus a millisecond early: the
    latencies reported are, if anything, a little longer than they were.
    """
    with Log.open(data_dir) as log:
        return {record.offset: record.ts / 1000 for record in log.read(topics.CHANGES, offsets[0])}


def last_arrival(clients: list[Subscriber]) -> float:
    """When the latest chunk reached any client."""
    return max(client.chunks[-1][0] for client in clients if client.chunks)


async def delivery(
    server: int, port: int, data_dir: Path, view: dict[str, Any], subscribers: int, rate: int, seconds: float
) -> dict[str, float]:
    """Latency from commit to arrival over ``subscribers`` live streams."""
    opened = [0]
    loop = asyncio.get_running_loop()
    clients = [
        (await loop.create_connection(lambda: Subscriber(opened), "127.0.0.1", port))[1]
        for _ in range(subscribers)
    ]
    deadline = time.monotonic() + DRAIN_S
    while opened[0] < subscribers:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {opened[0]} of {subscribers} streams opened")
        await asyncio.sleep(0.05)
    cpu = cpu_seconds(server)
    began = time.monotonic()
    offsets = await asyncio.to_thread(produce, data_dir, view, rate, seconds)
    spent = time.monotonic() - began
    commits = committed_at(data_dir, offsets)
    expected = len(commits) * subscribers
    deadline = time.monotonic() + DRAIN_S
    while time.monotonic() < deadline and time.time() - last_arrival(clients) < QUIET_S:
        await asyncio.sleep(0.05)
    cpu = cpu_seconds(server) - cpu
    for client in clients:
        if client.transport is not None:
            client.transport.close()
    latencies = [
        (at - commits[offset]) * 1000
        for client in clients
        for offset, at in client.arrivals()
        if offset in commits
    ]
    metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
    dropped = re.search(r'entente_stream_dropped_total\{topic="state.changes"\} (\d+)', metrics)
    return {
        "sse_subscribers": subscribers,
        "sse_changes": len(commits),
        "sse_rate_per_s": round(len(commits) / spent, 1),
        "sse_deliveries": len(latencies),
        "sse_missing": expected - len(latencies),
        "sse_dropped_clients": int(dropped.group(1)) if dropped else -1,
        "sse_latency_p50_ms": statistics.median(latencies),
        "sse_latency_p99_ms": percentile(latencies, 0.99),
        "sse_latency_max_ms": max(latencies),
        "sse_server_cpu_us_per_delivery": cpu / max(len(latencies), 1) * 1e6,
    }


class Getter(asyncio.Protocol):
    """One keep-alive connection making ``GET`` requests over a bare socket, one at a time.

    A call is timed from the request's write to the response's last byte (by its
    ``Content-Length``); the body is kept whole only for the first call, so the
    load client's cost per call is a few appends and the figure is the server's.
    """

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.done: asyncio.Future[bytes] | None = None
        self.head = b""
        self.size = 0
        self.want = -1
        self.keep = False
        self.body: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self.want < 0:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", self.head[:end])
            assert length is not None and self.head.startswith(b"HTTP/1.1 200"), self.head[:200]
            self.want = int(length.group(1))
            data, self.head = self.head[end + 4 :], b""
        self.size += len(data)
        if self.keep:
            self.body.append(data)
        if self.size >= self.want and self.done is not None:
            self.done.set_result(b"".join(self.body))

    async def get(self, target: bytes, keep: bool = False) -> tuple[float, bytes]:
        """Milliseconds the call took, and the body when ``keep``."""
        assert self.transport is not None
        self.done = asyncio.get_running_loop().create_future()
        self.size, self.want, self.keep, self.body = 0, -1, keep, []
        began = time.perf_counter()
        self.transport.write(
            b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n" % target
        )
        body = await asyncio.wait_for(self.done, 30)
        return (time.perf_counter() - began) * 1000, body


async def reads(
    server: int, port: int, requests: int, concurrency: int, name: str, fields: str | None
) -> dict[str, float]:
    """``GET /alliances`` latency, ``concurrency`` calls in flight at a time (one connection each)."""
    timings: list[float] = []
    target = b"/alliances" if fields is None else b"/alliances?fields=" + fields.encode()
    loop = asyncio.get_running_loop()
    getters = [(await loop.create_connection(Getter, "127.0.0.1", port))[1] for _ in range(concurrency)]
    cold, first = await getters[0].get(target, keep=True)

    async def worker(getter: Getter, count: int) -> None:
        for _ in range(count):
            timings.append((await getter.get(target))[0])

    cpu = cpu_seconds(server)
    await asyncio.gather(*(worker(getter, requests // concurrency) for getter in getters))
    cpu = cpu_seconds(server) - cpu
    for getter in getters:
        if getter.transport is not None:
            getter.transport.close()
    return {
        f"{name}_rows": len(orjson.loads(first)),
        f"{name}_bytes": len(first),
        f"{name}_cold_ms": cold,
        f"{name}_requests": len(timings),
        f"{name}_concurrency": concurrency,
        f"{name}_p50_ms": statistics.median(timings),
        f"{name}_p99_ms": percentile(timings, 0.99),
        f"{name}_server_cpu_ms_per_request": cpu / len(timings) * 1000,
    }


def run(
    subscribers: int = SUBSCRIBERS,
    rate: int = RATE,
    seconds: float = SECONDS,
    pairs: int = PAIRS,
    requests: int = REQUESTS,
    concurrency: int = CONCURRENCY,
) -> dict[str, float]:
    """Both figures, on a fresh data directory and server."""
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        view = seed(data_dir, pairs)
        port = free_port()
        server = start_server(data_dir, port)
        figures: dict[str, float] = {"load_average_1m_before": round(os.getloadavg()[0], 2)}
        try:
            figures |= uvloop.run(delivery(server.pid, port, data_dir, view, subscribers, rate, seconds))
            figures |= uvloop.run(reads(server.pid, port, requests, concurrency, "alliances", None))
            figures |= uvloop.run(
                reads(server.pid, port, requests, concurrency, "alliances_fields", DASHBOARD_FIELDS)
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    figures["load_average_1m_after"] = round(os.getloadavg()[0], 2)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cases.api", description=__doc__)
    parser.add_argument("--subscribers", type=int, default=SUBSCRIBERS)
    parser.add_argument("--rate", type=int, default=RATE, help="changes a second")
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--pairs", type=int, default=PAIRS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores")
    for key, value in run(**vars(args)).items():
        print(f"{key:<44} {value:,.3f}" if isinstance(value, float) else f"{key:<44} {value}")


if __name__ == "__main__":
    main()
