"""The ``entente`` command line: one module per command group, all attached to :data:`main`."""

from __future__ import annotations

import importlib

import click

COMMAND_MODULES = (
    "streams.cli.pipeline",
    "streams.cli.query",
    "streams.cli.tools",
    "streams.cli.kafka",
    "streams.cli.serve",
    "streams.cli.audit",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.version_option(package_name="entente")
def main() -> None:
    """Entente: live news in, a replayable record of alliances and zones out."""


for _module in COMMAND_MODULES:
    importlib.import_module(_module)
