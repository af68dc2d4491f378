"""The ``entente`` command line: one module per command group, all attached to :data:`main`."""

from __future__ import annotations

import errno
import importlib
import logging
import os
import sqlite3
from pathlib import Path

import click

from agents.reduce import tables
from streams.config import Settings
from streams.log.store import DamagedStore, LogFormatError

COMMAND_MODULES = (
    "streams.cli.pipeline",
    "streams.cli.query",
    "streams.cli.tools",
    "streams.cli.kafka",
    "streams.cli.serve",
    "streams.cli.audit",
    "streams.cli.store",
    "streams.cli.dlq",
    "streams.cli.corrections",
)
FAILURE_EXIT = 1
"""The exit status of a command that failed: rejected inputs, a crash, a difference found, an error."""
USAGE_EXIT = 2
"""The exit status of a command given wrong options or arguments."""
STORE_EXIT = 3
"""The exit status of a command stopped by a missing, damaged, full or unwritable store."""
EXIT_STATUSES = f"""Exit status: 0 ok; {FAILURE_EXIT} failure (rejected input, a crash, a difference
found, any other error); {USAGE_EXIT} usage error; {STORE_EXIT} the store of ENTENTE_HOME/--data-dir
is missing, damaged, full or cannot be written."""
DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
UNWRITABLE = (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM)
LOGGERS = ("streams", "entente")
"""The loggers of Entente's own code, which ``-v`` opens first."""
DEBUG = "entente.debug"
QUIET = "entente.quiet"
"""The keys of the global ``--debug`` and ``-q`` in ``click.Context.meta``."""


def named(data_dir: Path) -> str:
    """The store as error lines name it: its path and where it was set."""
    return f"{data_dir} (ENTENTE_HOME/--data-dir)"


def store_failure(exc: BaseException, data_dir: Path) -> str | None:
    """The one line for a failure of the store at ``data_dir``, or ``None`` for any other error."""
    code = exc.sqlite_errorcode & 0xFF if isinstance(exc, sqlite3.Error) else None
    number = exc.errno if isinstance(exc, OSError) else None
    where = Path(exc.filename) if isinstance(exc, OSError) and isinstance(exc.filename, str) else None
    inside = where is not None and where.absolute().is_relative_to(data_dir.absolute())
    if isinstance(exc, DamagedStore) or code in DAMAGED:
        reason = str(exc).splitlines()[0]
        advice = f"run 'entente check --data-dir {data_dir}'"
        return f"entente: the store at {named(data_dir)} is damaged ({reason}); {advice}"
    if isinstance(exc, LogFormatError):
        return f"entente: cannot read the store at {named(data_dir)}: {exc}"
    if code == sqlite3.SQLITE_FULL or number in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return f"entente: cannot write to {named(data_dir)}: disk full"
    if code in UNWRITABLE or number == errno.EROFS or (inside and number in (errno.EACCES, errno.EPERM)):
        reason = (
            "read-only" if code == sqlite3.SQLITE_READONLY or number == errno.EROFS else "permission denied"
        )
        return f"entente: cannot write to {named(data_dir)}: {reason}"
    if inside and number is not None:
        return f"entente: cannot use {named(data_dir)}: {os.strerror(number)} ({exc.filename})"
    return None


def one_line(exc: BaseException) -> str:
    """Any other error as one line: its kind and its message's first line."""
    kind = type(exc).__name__
    message = str(exc).strip().removeprefix(f"{kind}: ").splitlines()
    return f"entente: {kind}: {message[0]}" if message else f"entente: {kind}"


class Main(click.Group):
    """The command group: any failure ends a command with one line on stderr (the traceback only with
    ``--debug``); a store that is damaged, full or cannot be written with exit status 3."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if isinstance(exc, click.ClickException | click.exceptions.Exit | click.Abort) or ctx.meta.get(
                DEBUG
            ):
                raise
            from streams.cli.options import DATA_DIR

            line = store_failure(exc, ctx.meta.get(DATA_DIR, Path(".entente")))
            click.echo(line or one_line(exc), err=True)
            ctx.exit(FAILURE_EXIT if line is None else STORE_EXIT)


@click.group(
    cls=Main,
    epilog=EXIT_STATUSES,
    context_settings={"help_option_names": ["-h", "--help"], "show_default": True},
)
@click.version_option(package_name="entente")
@click.option(
    "--debug", is_flag=True, envvar="ENTENTE_DEBUG", show_envvar=True, help="Show the traceback of a failure."
)
@click.option("-v", "--verbose", count=True, help="Log more: -v the pipeline's steps, -vv everything.")
@click.option("-q", "--quiet", is_flag=True, help="Log errors only and show no progress.")
@click.pass_context
def main(ctx: click.Context, debug: bool, verbose: int, quiet: bool) -> None:
    """Entente: live news in, a replayable record of alliances and zones out."""
    ctx.meta[DEBUG], ctx.meta[QUIET] = debug, quiet
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.getLogger().setLevel(logging.ERROR if quiet or verbose < 2 else logging.DEBUG)
    for name in LOGGERS:
        logging.getLogger(name).setLevel(level)
    try:
        tables.load(Settings().table_modules)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


for _module in COMMAND_MODULES:
    importlib.import_module(_module)
