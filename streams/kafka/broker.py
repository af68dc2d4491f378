"""A single-node Apache Kafka broker (KRaft, broker + controller in one JVM) without Docker.

The pinned release is resolved from Maven Central with ``mvn dependency:copy-dependencies`` into a
cache directory (``ENTENTE_KAFKA_CACHE``, default ``~/.cache/entente/kafka/<version>``) once; every
later start reuses the jars. The data directory holds ``server.properties``, the KRaft log, the
JVM's pid and its log files (``server.log``, ``jvm.out``).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka.client import AIOKafkaClient

KAFKA_VERSION = "3.9.1"
SCALA_VERSION = "2.13"
SLF4J_VERSION = "1.7.36"
MAX_MESSAGE_BYTES = 26_214_400
"""Largest record the broker accepts (25 MiB), so oversized articles reach the extractor and the DLQ."""

_MAIN_JAR = f"kafka_{SCALA_VERSION}-{KAFKA_VERSION}.jar"
_POM = f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>entente</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>{KAFKA_VERSION}</version>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_{SCALA_VERSION}</artifactId>
      <version>{KAFKA_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-reload4j</artifactId>
      <version>{SLF4J_VERSION}</version>
    </dependency>
  </dependencies>
</project>
"""
_LOG4J = """log4j.rootLogger=INFO, file
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File={path}
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
"""
_NO_DOCKER_HINT = "or run the broker with `docker compose up kafka`"


class BrokerError(RuntimeError):
    """The broker could not be resolved, started or stopped; the message is one line."""


def cache_dir() -> Path:
    """Where the resolved jars live: ``ENTENTE_KAFKA_CACHE`` or ``~/.cache/entente/kafka/<version>``."""
    configured = os.environ.get("ENTENTE_KAFKA_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "entente" / "kafka" / KAFKA_VERSION


def _require(program: str, package: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise BrokerError(f"{program} not found: apt-get install -y {package}, {_NO_DOCKER_HINT}")
    return path


def resolve_libs(cache: Path | None = None) -> Path:
    """The directory of the broker's jars, resolving them with Maven on first use.

    Concurrent callers serialise on a lock file; a half-finished download is never used.
    """
    root = cache or cache_dir()
    libs = root / "libs"
    if (libs / _MAIN_JAR).is_file():
        return libs
    mvn = _require("mvn", "maven")
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (libs / _MAIN_JAR).is_file():
            return libs
        staging = root / "libs.partial"
        shutil.rmtree(staging, ignore_errors=True)
        (root / "pom.xml").write_text(_POM, encoding="utf-8")
        command = [mvn, "-q", "-B", "-f", str(root / "pom.xml"), "dependency:copy-dependencies"]
        command += [f"-DoutputDirectory={staging}", "-DincludeScope=runtime"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not (staging / _MAIN_JAR).is_file():
            tail = (done.stdout + done.stderr).strip().splitlines()[-1:] or ["no output"]
            raise BrokerError(f"mvn could not resolve Kafka {KAFKA_VERSION}: {tail[0]}")
        staging.rename(libs)
    return libs


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """``count`` distinct TCP ports on ``host`` that nothing listens on right now."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind((host, 0))
        return [int(sock.getsockname()[1]) for sock in sockets]


def cluster_id() -> str:
    """A fresh KRaft cluster id: 16 random bytes, url-safe base64 without padding.

    Like Kafka's own ``Uuid.randomUuid``, an id starting with ``-`` is drawn again: the storage
    tool would read it as an option.
    """
    while True:
        found = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not found.startswith("-"):
            return found


@dataclass(frozen=True)
class BrokerConfig:
    """Where a local broker listens and keeps its data."""

    data_dir: Path
    port: int = 9092
    controller_port: int = 0
    host: str = "127.0.0.1"
    heap: str = "512m"
    max_message_bytes: int = MAX_MESSAGE_BYTES
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def bootstrap(self) -> str:
        """``host:port`` for clients."""
        return f"{self.host}:{self.port}"

    @property
    def controller(self) -> int:
        """The controller listener's port (``port + 1`` unless set)."""
        return self.controller_port or self.port + 1

    def properties(self) -> str:
        """``server.properties`` for combined broker + controller mode."""
        values = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{self.host}:{self.controller}",
            "listeners": f"PLAINTEXT://{self.host}:{self.port},CONTROLLER://{self.host}:{self.controller}",
            "advertised.listeners": f"PLAINTEXT://{self.bootstrap}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self.data_dir.resolve() / "log"),
            "num.partitions": "1",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "4",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "1",
            "group.initial.rebalance.delay.ms": "0",
            "message.max.bytes": str(self.max_message_bytes),
            "replica.fetch.max.bytes": str(self.max_message_bytes),
            **self.extra,
        }
        return "".join(f"{key}={value}\n" for key, value in values.items())


@dataclass(frozen=True)
class BrokerStatus:
    """What ``status`` found: the JVM's pid (if alive) and whether the broker answers."""

    bootstrap: str
    pid: int | None
    answering: bool

    @property
    def running(self) -> bool:
        """The JVM is alive and serves metadata."""
        return self.pid is not None and self.answering

    def line(self) -> str:
        """One line for the CLI."""
        if self.running:
            return f"kafka running pid={self.pid} bootstrap={self.bootstrap}"
        if self.pid is not None:
            return f"kafka starting or unresponsive pid={self.pid} bootstrap={self.bootstrap}"
        return f"kafka stopped bootstrap={self.bootstrap}"


async def answers(bootstrap: str, timeout: float = 2.0) -> bool:
    """True if a broker at ``bootstrap`` returns cluster metadata naming at least one broker."""
    host, _, port = bootstrap.rpartition(":")
    try:  # a plain connect first, so a closed port costs no client (and no client log line)
        with socket.create_connection((host, int(port)), timeout=timeout):
            pass
    except OSError:
        return False
    client = AIOKafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000))
    try:
        await asyncio.wait_for(client.bootstrap(), timeout)
        metadata = await asyncio.wait_for(client.fetch_all_metadata(), timeout)
        return bool(metadata.brokers())
    except Exception:  # any failure to talk to it means "not answering yet"
        return False
    finally:
        await client.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(ChildProcessError):
        waited, _ = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    return True


class LocalBroker:
    """Start, stop and inspect the broker whose data lives in ``config.data_dir``.

    The JVM runs in its own session, so ``entente kafka start`` returns while it keeps running;
    its pid is kept in ``<data_dir>/kafka.pid``.
    """

    def __init__(self, config: BrokerConfig, cache: Path | None = None) -> None:
        self.config = config
        self.cache = cache

    @property
    def data_dir(self) -> Path:
        """The broker's data directory."""
        return self.config.data_dir

    @property
    def pid_file(self) -> Path:
        """Where the running JVM's pid is kept."""
        return self.data_dir / "kafka.pid"

    @property
    def log_file(self) -> Path:
        """The broker's own log."""
        return self.data_dir / "server.log"

    def pid(self) -> int | None:
        """The pid of the running JVM, or None."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _alive(pid) else None

    def status(self) -> BrokerStatus:
        """Whether the JVM is alive and the broker answers metadata requests."""
        pid = self.pid()
        answering = pid is not None and asyncio.run(answers(self.config.bootstrap))
        return BrokerStatus(self.config.bootstrap, pid, answering)

    def _java(self, libs: Path, *args: str) -> list[str]:
        java = _require("java", "openjdk-17-jre-headless")
        log4j = f"-Dlog4j.configuration=file:{(self.data_dir / 'log4j.properties').resolve()}"
        heap = [f"-Xmx{self.config.heap}", "-Xms128m", "-XX:+UseSerialGC"]
        return [java, *heap, "-Djava.awt.headless=true", log4j, "-cp", f"{libs}/*", *args]

    def _prepare(self, libs: Path) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        properties = self.data_dir / "server.properties"
        properties.write_text(self.config.properties(), encoding="utf-8")
        log4j = _LOG4J.format(path=self.log_file.resolve())
        (self.data_dir / "log4j.properties").write_text(log4j, encoding="utf-8")
        if not (self.data_dir / "log" / "meta.properties").is_file():
            command = self._java(libs, "kafka.tools.StorageTool", "format", "-t", cluster_id())
            done = subprocess.run([*command, "-c", str(properties)], capture_output=True, text=True)
            if done.returncode != 0:
                tail = (done.stdout + done.stderr).strip().splitlines()[-1:] or ["no output"]
                raise BrokerError(f"formatting KRaft storage in {self.data_dir} failed: {tail[0]}")
        return properties

    def start(self, timeout: float = 60.0) -> BrokerStatus:
        """Start the broker (formatting its storage on first use) and wait until it answers."""
        if (pid := self.pid()) is not None:
            raise BrokerError(f"a broker already runs from {self.data_dir} (pid {pid})")
        libs = resolve_libs(self.cache)
        properties = self._prepare(libs)
        with (self.data_dir / "jvm.out").open("ab") as out:
            process = subprocess.Popen(
                self._java(libs, "kafka.Kafka", str(properties)),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{process.pid}\n")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise BrokerError(f"kafka exited with {process.returncode} on start; see {self.log_file}")
            if asyncio.run(answers(self.config.bootstrap, timeout=1.0)):
                return BrokerStatus(self.config.bootstrap, process.pid, True)
            time.sleep(0.25)
        self.stop()
        raise BrokerError(f"kafka did not answer on {self.config.bootstrap} within {timeout:.0f} s")

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop the broker cleanly (SIGTERM, then SIGKILL after ``timeout``); False if none ran."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                deadline = time.monotonic() + timeout
            time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        return True
