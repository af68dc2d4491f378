"""Options shared by every command, each naming its environment variable in ``--help``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

F = Callable[..., Any]


def data_dir_option(fn: F) -> F:
    """``--data-dir`` / ``ENTENTE_HOME``: where the embedded log lives."""
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(".entente"),
        envvar="ENTENTE_HOME",
        show_envvar=True,
        help="Data directory of the embedded log.",
    )(fn)


def broker_option(fn: F) -> F:
    """``--broker`` / ``ENTENTE_BROKER``: ``embedded`` or ``kafka://host:port``."""
    return click.option(
        "--broker",
        default="embedded",
        envvar="ENTENTE_BROKER",
        show_envvar=True,
        help="'embedded' (the local log) or kafka://host:port.",
    )(fn)


def json_option(fn: F) -> F:
    """``--json``: machine-readable output."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")(fn)
