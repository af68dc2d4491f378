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
from streams.runtime import open_runtime
from streams.runtime.base import Runtime


def settings_for(data_dir: Path, broker: str) -> Settings:
    """Settings from the environment, with the command's ``--data-dir`` and ``--broker``."""
    return Settings(home=data_dir, broker=broker)


def runtime_for(data_dir: Path, broker: str) -> Runtime:
    """The runtime of the command's ``--data-dir`` and ``--broker`` (:func:`streams.runtime.open_runtime`),
    closed when the command ends (so the embedded log leaves no write-ahead file behind)."""
    runtime = open_runtime(settings_for(data_dir, broker))
    click.get_current_context().call_on_close(runtime.close)
    return runtime


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
