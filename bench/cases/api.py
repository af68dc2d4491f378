"""The HTTP service under load: live-stream delivery latency and ``GET /alliances`` latency.

``python -m bench.cases.api [--subscribers 200] [--rate 100] [--seconds 10] [--pairs 5000]``.
The server runs in a child process on a loopback port, without a worker, over
a fresh data directory holding ``--pairs`` alliance rows folded from synthetic
events. The figures:

- delivery: ``--subscribers`` clients follow ``/changes`` while another process
  appends ``--rate`` changes a second to the log; latency runs from the commit
  of a change (its record's timestamp, stamped when its transaction began, so
  the figure errs long) to the arrival of the bytes completing its event at a
  client (one clock: the same machine), never from its hand-over to the hub;
- bare: the same clients following a bare Starlette loop in a child process
  that hands frames of the same size, at the same rate, to a queue per client,
  timed from the frame's making (so without the log's commit and poll): the
  floor this machine puts under the delivery figure, and the ratio to it;
- reads: ``--requests`` ``GET /alliances`` calls, ``--concurrency`` at a time
  on a keep-alive connection each, after a first (cold) call that builds the
  cached listing; once with whole views, once with the fields the dashboard
  asks for; and the same calls to the bare loop, which answers them with the
  same bytes read from a file at its start.

Both load clients are bare sockets that only note arrival times while they
run, so the figures are the server's; the clients run on the same cores, so
their CPU time is printed beside the server's. Every figure comes from one
run; the load average before and after is printed beside them (the machine is shared).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from itertools import combinations, islice
from pathlib import Path
from typing import Any, cast

import httpx
import orjson
import uvloop

from agents import reduce
from schemas import Change, Event, Evidence, PloverType
from streams import topics
from streams.api.reads import LiveViews
from streams.api.service import change_view
from streams.api.sse import encode
from streams.log import Log

SUBSCRIBERS = 200
RATE = 100
SECONDS = 10.0
PAIRS = 5_000
REQUESTS = 400
CONCURRENCY = 4
EVENTS_PER_PAIR = 3
DRAIN_S = 10.0
QUIET_S = 1.0
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
            access_log=False, timeout_graceful_shutdown=1)
"""

BARE = """
import asyncio
import sys
import time
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

port, subscribers, rate, count, size = (int(value) for value in sys.argv[1:6])
listings = {fields: Path(path).read_bytes() for fields, path in zip(("", sys.argv[6]), sys.argv[7:9])}
queues = set()


async def changes(request):
    queue = asyncio.Queue()

    async def frames():
        queues.add(queue)
        try:
            yield b"retry: 1000\\n\\n"
            while True:
                yield await queue.get()
        finally:
            queues.discard(queue)

    return StreamingResponse(frames(), media_type="text/event-stream")


async def alliances(request):
    return Response(listings[request.query_params.get("fields", "")], media_type="application/json")


async def health(request):
    return PlainTextResponse("ok")


async def produce():
    while len(queues) < subscribers:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    start = time.monotonic()
    for number in range(count):
        await asyncio.sleep(max(0.0, start + number / rate - time.monotonic()))
        frame = b"id: %d\\nevent: change\\ndata: " % (time.time_ns() // 1000)
        frame += b"x" * (size - len(frame) - 2) + b"\\n\\n"
        for queue in queues:
            queue.put_nowait(frame)


@asynccontextmanager
async def lifespan(app):
    task = asyncio.create_task(produce())
    yield
    task.cancel()


routes = [Route("/changes", changes), Route("/alliances", alliances), Route("/health", health)]
app = Starlette(routes=routes, lifespan=lifespan)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="critical", access_log=False,
            timeout_graceful_shutdown=1)  # its streams end only by cancellation, which uvicorn reports
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


def write_listings(data_dir: Path) -> tuple[str, str]:
    """The listings the server sends, whole and with the dashboard's fields, in files for the bare loop."""
    with Log.open(data_dir) as log:
        live = LiveViews(log)
        bodies = (live.body("alliances", None), live.body("alliances", tuple(DASHBOARD_FIELDS.split(","))))
    paths = (data_dir / "bare-listing.json", data_dir / "bare-listing-fields.json")
    for path, body in zip(paths, bodies, strict=True):
        path.write_bytes(body)
    return str(paths[0]), str(paths[1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(code: str, port: int, *args: str) -> subprocess.Popen[bytes]:
    """A server running ``code`` in a child process; returns once it answers ``/health``."""
    process = subprocess.Popen([sys.executable, "-c", code, *args])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=30)


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


def sample(view: dict[str, Any], number: int) -> Change:
    """The ``number``-th change of the row ``view``: its score set to ``number``."""
    return Change(
        id=f"bench-{number}",
        table="alliances",
        key=HOT,
        before=view,
        after=view | {"score": number},
        event_ids=(f"e{number}",),
    )


def produce(data_dir: Path, view: dict[str, Any], rate: int, seconds: float) -> tuple[list[int], float]:
    """Append ``rate`` changes of the row ``view`` a second for ``seconds``; return their offsets
    and the seconds it took.

    Run in a process of its own: in a thread of the load client's, a commit
    could wait on the client's hold of the interpreter lock after its record
    was stamped, and the latency would count that wait.
    """
    offsets = []
    with Log.open(data_dir) as log:
        start, count = time.monotonic(), int(rate * seconds)
        for number in range(count):
            delay = start + number / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            offsets += log.append(topics.CHANGES, [(f"alliances:{HOT}", sample(view, number).dumps())])
    return offsets, time.monotonic() - start


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


async def subscribe(port: int, subscribers: int) -> list[Subscriber]:
    """``subscribers`` clients following ``/changes``, once every stream has opened."""
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
    return clients


async def settle(clients: list[Subscriber]) -> None:
    """Wait until nothing arrived for a while, then close every stream."""
    deadline = time.monotonic() + DRAIN_S
    while time.monotonic() < deadline and time.time() - last_arrival(clients) < QUIET_S:
        await asyncio.sleep(0.05)
    for client in clients:
        if client.transport is not None:
            client.transport.close()


def stream_figures(
    name: str, latencies: list[float], expected: int, server_cpu: float, client_cpu: float
) -> dict[str, float]:
    """Latency percentiles and CPU time per delivery, server's and clients'."""
    deliveries = max(len(latencies), 1)
    return {
        f"{name}_load_average_1m": round(os.getloadavg()[0], 2),
        f"{name}_deliveries": len(latencies),
        f"{name}_missing": expected - len(latencies),
        f"{name}_latency_p50_ms": statistics.median(latencies),
        f"{name}_latency_p99_ms": percentile(latencies, 0.99),
        f"{name}_latency_max_ms": max(latencies),
        f"{name}_server_cpu_us_per_delivery": server_cpu / deliveries * 1e6,
        f"{name}_client_cpu_us_per_delivery": client_cpu / deliveries * 1e6,
    }


async def delivery(
    server: int, port: int, data_dir: Path, view: dict[str, Any], subscribers: int, rate: int, seconds: float
) -> dict[str, float]:
    """Latency from commit to arrival over ``subscribers`` live streams."""
    clients = await subscribe(port, subscribers)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        await asyncio.get_running_loop().run_in_executor(pool, time.sleep, 0)  # started before the clock runs
        cpu, client_cpu = cpu_seconds(server), time.thread_time()
        offsets, spent = await asyncio.get_running_loop().run_in_executor(
            pool, produce, data_dir, view, rate, seconds
        )
    commits = committed_at(data_dir, offsets)
    await settle(clients)
    cpu, client_cpu = cpu_seconds(server) - cpu, time.thread_time() - client_cpu
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
        "sse_dropped_clients": int(dropped.group(1)) if dropped else -1,
        **stream_figures("sse", latencies, len(commits) * subscribers, cpu, client_cpu),
    }


async def bare_delivery(
    server: int, port: int, subscribers: int, rate: int, seconds: float
) -> dict[str, float]:
    """Latency from the making of a frame to its arrival, over ``subscribers`` streams of the bare loop."""
    clients = await subscribe(port, subscribers)
    cpu, client_cpu = cpu_seconds(server), time.thread_time()
    await asyncio.sleep(seconds + 1)
    await settle(clients)
    cpu, client_cpu = cpu_seconds(server) - cpu, time.thread_time() - client_cpu
    latencies = [(at - made / 1e6) * 1000 for client in clients for made, at in client.arrivals()]
    return stream_figures("bare", latencies, int(rate * seconds) * subscribers, cpu, client_cpu)


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

    cpu, client_cpu = cpu_seconds(server), time.thread_time()
    await asyncio.gather(*(worker(getter, requests // concurrency) for getter in getters))
    cpu, client_cpu = cpu_seconds(server) - cpu, time.thread_time() - client_cpu
    for getter in getters:
        if getter.transport is not None:
            getter.transport.close()
    return {
        f"{name}_load_average_1m": round(os.getloadavg()[0], 2),
        f"{name}_rows": len(orjson.loads(first)),
        f"{name}_bytes": len(first),
        f"{name}_cold_ms": cold,
        f"{name}_requests": len(timings),
        f"{name}_concurrency": concurrency,
        f"{name}_p50_ms": statistics.median(timings),
        f"{name}_p99_ms": percentile(timings, 0.99),
        f"{name}_server_cpu_ms_per_request": cpu / len(timings) * 1000,
        f"{name}_client_cpu_ms_per_request": client_cpu / len(timings) * 1000,
    }


def run(
    subscribers: int = SUBSCRIBERS,
    rate: int = RATE,
    seconds: float = SECONDS,
    pairs: int = PAIRS,
    requests: int = REQUESTS,
    concurrency: int = CONCURRENCY,
) -> dict[str, float]:
    """Every figure, on a fresh data directory and server; the bare loop's just before the server's."""
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        view = seed(data_dir, pairs)
        frame = len(encode(0, "change", change_view(0, sample(view, 0))))
        listings = write_listings(data_dir)
        figures: dict[str, float] = {"load_average_1m_before": round(os.getloadavg()[0], 2)}
        port = free_port()
        count = int(rate * seconds)
        bare = start_server(
            BARE,
            port,
            str(port),
            str(subscribers),
            str(rate),
            str(count),
            str(frame),
            DASHBOARD_FIELDS,
            *listings,
        )
        try:
            figures |= uvloop.run(bare_delivery(bare.pid, port, subscribers, rate, seconds))
            figures |= uvloop.run(reads(bare.pid, port, requests, concurrency, "bare_alliances", None))
            figures |= uvloop.run(
                reads(bare.pid, port, requests, concurrency, "bare_alliances_fields", DASHBOARD_FIELDS)
            )
        finally:
            stop_server(bare)
        port = free_port()
        server = start_server(SERVER, port, str(data_dir), str(port))
        try:
            figures |= uvloop.run(delivery(server.pid, port, data_dir, view, subscribers, rate, seconds))
            figures |= uvloop.run(reads(server.pid, port, requests, concurrency, "alliances", None))
            figures |= uvloop.run(
                reads(server.pid, port, requests, concurrency, "alliances_fields", DASHBOARD_FIELDS)
            )
        finally:
            stop_server(server)
    floors = {
        "sse_latency": "bare_latency",
        "alliances": "bare_alliances",
        "alliances_fields": "bare_alliances_fields",
    }
    for name, floor in floors.items():
        for share in ("p50", "p99"):
            figures[f"{name}_{share}_vs_bare"] = (
                figures[f"{name}_{share}_ms"] / figures[f"{floor}_{share}_ms"]
            )
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
