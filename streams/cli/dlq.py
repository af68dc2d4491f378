"""``entente dlq``: the dead letters of ``articles.dlq`` as a work queue (list, show, replay)."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from streams import dlq
from streams.cli import main
from streams.cli.context import fail, print_json, print_json_line, reader_for, runtime_for
from streams.cli.options import broker_option, data_dir_option, json_option
from streams.cli.render import plain

BAD_INPUT = 2
"""The exit status of an offset that is not one, or names no dead letter."""


def _refuse(exc: dlq.UnknownOffset) -> NoReturn:
    """End the command with the one line saying which offset is wrong and why."""
    fail(plain(exc), BAD_INPUT)


@main.group("dlq")
def dlq_group() -> None:
    """The dead letters of articles.dlq: list them, show one, replay them after a fix."""


@dlq_group.command("list")
@data_dir_option
@broker_option
@json_option
def list_(data_dir: Path, broker: str, as_json: bool) -> None:
    """One line per dead letter: offset, time, stage, input, reason (and whether it was replayed)."""
    for entry in dlq.entries(reader_for(data_dir, broker)):
        if as_json:
            print_json_line(entry.summary())
        else:
            click.echo(plain(entry.line()))


@dlq_group.command("show")
@data_dir_option
@broker_option
@click.argument("offset")
def show(data_dir: Path, broker: str, offset: str) -> None:
    """The whole dead letter at OFFSET, its original value as text when UTF-8, else base64."""
    runtime = reader_for(data_dir, broker)
    try:
        (entry,) = dlq.chosen(runtime, dlq.parse_offsets([offset]))
    except dlq.UnknownOffset as exc:
        _refuse(exc)
    print_json(entry.record())


@dlq_group.command("replay")
@data_dir_option
@broker_option
@json_option
@click.argument("offsets", nargs=-1)
def replay(data_dir: Path, broker: str, as_json: bool, offsets: tuple[str, ...]) -> None:
    """Re-publish the dead letters at OFFSETS (none: every one not yet replayed) to the topic of the
    stage that rejected them; one replayed already is skipped."""
    runtime = runtime_for(data_dir, broker)
    try:
        outcomes = dlq.replay(runtime, dlq.parse_offsets(offsets))
    except dlq.UnknownOffset as exc:
        _refuse(exc)
    for outcome in outcomes:
        if as_json:
            print_json_line(outcome.as_dict())
        else:
            click.echo(plain(outcome.line()))
