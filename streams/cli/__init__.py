"""The ``entente`` command line: one module per command group, all attached to :data:`main`."""

from __future__ import annotations

import errno
import importlib
import sqlite3
from pathlib import Path

import click

from agents.reduce import tables
from streams.config import Settings
from streams.log.store import DamagedStore

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
STORE_EXIT = 3
"""The exit status of a command stopped by a damaged, full or read-only store."""
DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def store_failure(exc: BaseException, data_dir: Path) -> str | None:
    """The one line for a failure of the store at ``data_dir``, or ``None`` for any other error."""
    code = exc.sqlite_errorcode & 0xFF if isinstance(exc, sqlite3.Error) else None
    number = exc.errno if isinstance(exc, OSError) else None
    if isinstance(exc, DamagedStore) or code in DAMAGED:
        reason = str(exc).splitlines()[0]
        advice = f"run 'entente check --data-dir {data_dir}'"
        return f"entente: the store at {data_dir} is damaged ({reason}); {advice}"
    if code == sqlite3.SQLITE_FULL or number in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return f"entente: cannot write to {data_dir}: disk full"
    if code == sqlite3.SQLITE_READONLY or number == errno.EROFS:
        return f"entente: cannot write to {data_dir}: read-only"
    return None


class Main(click.Group):
    """The command group; a store that is damaged, full or read-only ends any command with one line."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (DamagedStore, sqlite3.Error, OSError) as exc:
            from streams.cli.options import DATA_DIR

            line = store_failure(exc, ctx.meta.get(DATA_DIR, Path(".entente")))
            if line is None:
                raise
            click.echo(line, err=True)
            ctx.exit(STORE_EXIT)


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.version_option(package_name="entente")
def main() -> None:
    """Entente: live news in, a replayable record of alliances and zones out."""
    try:
        tables.load(Settings().table_modules)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


for _module in COMMAND_MODULES:
    importlib.import_module(_module)
