"""Commands that correct the record: retract, override."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from pathlib import Path

import click

from schemas import Correction
from streams.cli import main
from streams.cli.context import print_json, runtime_for
from streams.cli.options import broker_option, data_dir_option, json_option
from streams.runtime.base import Refused

EXIT_REFUSED = 1


def reason_option(fn: click.decorators.FC) -> click.decorators.FC:
    """``--reason TEXT``: why the correction is made (required, not empty)."""
    return click.option("--reason", default=None, help="Why the correction is made (required).")(fn)


def by_option(fn: click.decorators.FC) -> click.decorators.FC:
    """``--by NAME``: who makes the correction, the user's login name by default."""
    return click.option(
        "--by", default=getpass.getuser, show_default="the user name", help="Who makes the correction."
    )(fn)


def logged(target: str, data_dir: Path, broker: str, as_json: bool, build: Callable[[], Correction]) -> None:
    """Log the correction ``build`` makes of ``target`` and say what it did, or refuse it in one line."""
    try:
        correction = build()
        changes = runtime_for(data_dir, broker).correct(correction)
    except Refused as exc:
        click.echo(f"refused input={target} reason={exc}", err=True)
        sys.exit(EXIT_REFUSED)
    if as_json:
        print_json({"correction": correction.model_dump(mode="json"), "changes": changes})
        return
    applied = "the workers apply it" if changes is None else f"{changes} changes"
    click.echo(f"{correction.kind} of {target} logged (correction {correction.id}): {applied}")


@main.command()
@click.argument("article_id")
@reason_option
@by_option
@data_dir_option
@broker_option
@json_option
def retract(article_id: str, reason: str | None, by: str, data_dir: Path, broker: str, as_json: bool) -> None:
    """Retract ARTICLE_ID: its events leave the state (logged on the corrections topic).

    Exit status: 0, or 1 when refused (empty reason, unknown or already retracted article).
    """
    from streams.corrections import correction

    logged(
        article_id,
        data_dir,
        broker,
        as_json,
        lambda: correction("retraction", article_id, by=by, reason=reason),
    )


@main.command()
@click.argument("event_id")
@click.option("--drop", is_flag=True, help="Drop the event from the state.")
@click.option(
    "--set",
    "pairs",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Set a field of the event: type, source, target, zone, date or modality (repeatable;"
    " an empty value empties target, zone or date).",
)
@reason_option
@by_option
@data_dir_option
@broker_option
@json_option
def override(
    event_id: str,
    drop: bool,
    pairs: tuple[str, ...],
    reason: str | None,
    by: str,
    data_dir: Path,
    broker: str,
    as_json: bool,
) -> None:
    """Override EVENT_ID: drop it or set some of its fields; survives re-extraction and replay.

    Exit status: 0, or 1 when refused (empty reason, unknown event, an event of a retracted
    article, a field or value the event cannot take).
    """
    from streams.corrections import assignments, correction

    def build() -> Correction:
        fields = assignments(pairs)
        return correction("override", event_id, by=by, reason=reason, drop=drop, fields=fields)

    logged(event_id, data_dir, broker, as_json, build)
