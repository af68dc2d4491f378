"""Open the runtime a command asked for, and print its results."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, NoReturn

import click
import orjson
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn
from rich.text import Text

from streams.cli import FAILURE_EXIT, QUIET, STORE_EXIT, named
from streams.config import EMBEDDED, KAFKA_SCHEME, Settings
from streams.log.store import LOG_FILE
from streams.runtime import open_runtime
from streams.runtime.base import Runtime

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 5.0
"""How long a command waits for a Kafka broker to answer before it gives up."""


def settings_for(data_dir: Path, broker: str) -> Settings:
    """Settings from the environment, with the command's ``--data-dir`` and ``--broker``."""
    return Settings(home=data_dir, broker=broker)


def runtime_for(data_dir: Path, broker: str) -> Runtime:
    """The runtime of the command's ``--data-dir`` and ``--broker`` (:func:`streams.runtime.open_runtime`),
    closed when the command ends (so the embedded log leaves no write-ahead file behind). A Kafka broker
    that does not answer within :data:`CONNECT_TIMEOUT_S` ends the command in one line."""
    if broker != EMBEDDED:
        require_broker(broker)
    log.info("opening the %s runtime on %s", broker, broker if broker != EMBEDDED else data_dir)
    runtime = open_runtime(settings_for(data_dir, broker))
    click.get_current_context().call_on_close(runtime.close)
    return runtime


def require_broker(broker: str) -> None:
    """End the command in one line unless the Kafka broker ``broker`` answers in time."""
    from streams.kafka.broker import answers  # the Kafka clients, imported only for Kafka

    if not asyncio.run(answers(broker.removeprefix(KAFKA_SCHEME), timeout=CONNECT_TIMEOUT_S)):
        fail(f"no Kafka broker answers at {broker} (ENTENTE_BROKER/--broker)", FAILURE_EXIT)


def reader_for(data_dir: Path, broker: str) -> Runtime:
    """:func:`runtime_for` a command that only reads: on the embedded log, a data directory without
    a log is refused in one line (and not created)."""
    if broker == EMBEDDED:
        require_log(data_dir)
    return runtime_for(data_dir, broker)


def require_log(data_dir: Path) -> None:
    """End the command in one line unless ``data_dir`` holds a log."""
    if not (data_dir / LOG_FILE).is_file():
        fail(f"no log in {named(data_dir)}: ingest articles first, or name the data directory", STORE_EXIT)


def fail(line: str, status: int) -> NoReturn:
    """End the command with ``entente: LINE`` on stderr and exit ``status``."""
    click.echo(f"entente: {line}", err=True)
    raise click.exceptions.Exit(status)


def quiet() -> bool:
    """Whether the command was given the global ``-q``."""
    return bool(click.get_current_context().meta.get(QUIET))


class RateColumn(ProgressColumn):
    """Items a second."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0:,.0f}/s", style="progress.data.speed")


def progress() -> Progress:
    """A progress bar with counts and rates on stderr, shown only on a terminal and without ``-q``."""
    err = Console(stderr=True)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        console=err,
        transient=True,
        disable=quiet() or not err.is_terminal,
    )


def print_json(value: Any) -> None:
    """Canonical JSON on stdout: sorted keys, two-space indent, newline-terminated."""
    sys.stdout.buffer.write(orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.buffer.flush()


def print_json_line(value: Any) -> None:
    """One compact JSON object a line, flushed at once (for streams)."""
    sys.stdout.buffer.write(orjson.dumps(value, option=orjson.OPT_SORT_KEYS) + b"\n")
    sys.stdout.buffer.flush()


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[IO[bytes]]:
    """A temporary file beside ``path`` that replaces it (atomically) when the block ends without
    an error, and is removed when it raises: ``path`` holds exactly one run's output, or its old one."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.fchmod(fd, 0o666 & ~umask)  # the mode a file opened for writing gets, not mkstemp's 0600
        with os.fdopen(fd, "wb") as out:
            yield out
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
