"""Open the runtime a command asked for, and print its results."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click
import orjson

from streams.config import Settings
from streams.runtime.base import Runtime

KAFKA_SCHEME = "kafka://"


def settings_for(data_dir: Path, broker: str) -> Settings:
    """Settings from the environment, with the command's ``--data-dir`` and ``--broker``."""
    return Settings(home=data_dir, broker=broker)


def open_runtime(data_dir: Path, broker: str) -> Runtime:
    """The embedded runtime on ``data_dir``, or the Kafka runtime for ``kafka://host:port``."""
    settings = settings_for(data_dir, broker)
    if broker == "embedded":
        from streams.runtime.embedded import EmbeddedRuntime

        return EmbeddedRuntime(data_dir, settings)
    if broker.startswith(KAFKA_SCHEME):
        from streams.runtime.kafka import KafkaRuntime

        return KafkaRuntime(broker.removeprefix(KAFKA_SCHEME), settings)
    raise click.BadParameter(
        f"expected 'embedded' or kafka://host:port, got {broker!r}", param_hint="--broker"
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
