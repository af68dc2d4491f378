"""Options shared by every command, each naming its environment variable in ``--help``."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from agents.reduce import tables
from streams.config import EMBEDDED, check_broker

F = Callable[..., Any]


class TableChoice(click.Choice):  # type: ignore[type-arg]
    """One of the state tables (after the names ``before`` them), read from the registry when a command
    runs: after :data:`streams.cli.main` has imported the modules of ``ENTENTE_TABLES``."""

    def __init__(self, *before: str) -> None:  # the choices are read each time, never kept
        self.before = before
        self.case_sensitive = True

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        return (*self.before, *tables.names())


DATA_DIR = "entente.data_dir"
"""The key of the command's ``--data-dir`` in ``click.Context.meta``, for :mod:`streams.cli`'s error lines."""


def _store_dir(guarded: bool) -> Callable[[F], F]:
    """``--data-dir``, kept for error lines; when ``guarded``, a damaged store stops the command first."""

    def remember(ctx: click.Context, _param: click.Parameter, value: Path) -> Path:
        ctx.meta[DATA_DIR] = value
        if guarded:
            from streams.check import guard
            from streams.log.store import DamagedStore

            try:
                guard(value)
            except DamagedStore:
                unwritable(value)
                raise
        return value

    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(".entente"),
        envvar="ENTENTE_HOME",
        show_envvar=True,
        callback=remember,
        help="Data directory of the embedded log.",
    )


def unwritable(data_dir: Path) -> None:
    """Raise the :class:`OSError` of a data directory that cannot be written (which SQLite cannot open
    either, its write-ahead log needing writes to read), if it is one."""
    if not os.access(data_dir, os.W_OK):
        number = errno.EROFS if os.statvfs(data_dir).f_flag & os.ST_RDONLY else errno.EACCES
        raise OSError(number, os.strerror(number), str(data_dir))


def data_dir_option(fn: F) -> F:
    """``--data-dir`` / ``ENTENTE_HOME``: where the embedded log lives; a damaged one is refused."""
    return _store_dir(guarded=True)(fn)


def store_dir_option(fn: F) -> F:
    """``--data-dir`` for the commands that look at a damaged store rather than refuse it."""
    return _store_dir(guarded=False)(fn)


def _broker(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """The ``--broker`` value, refused unless it is ``embedded`` or ``kafka://host:port``."""
    try:
        return check_broker(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def broker_option(fn: F) -> F:
    """``--broker`` / ``ENTENTE_BROKER``: ``embedded`` or ``kafka://host:port``."""
    return click.option(
        "--broker",
        default=EMBEDDED,
        callback=_broker,
        envvar="ENTENTE_BROKER",
        show_envvar=True,
        help="'embedded' (the local log) or kafka://host:port.",
    )(fn)


def json_option(fn: F) -> F:
    """``--json``: machine-readable output."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")(fn)
