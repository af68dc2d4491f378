"""Commands that look after the store itself: check, backup, restore, salvage."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from streams.cli import FAILURE_EXIT, main
from streams.cli.context import fail, print_json, require_log
from streams.cli.options import data_dir_option, json_option, store_dir_option

DIRECTORY = click.Path(file_okay=False, path_type=Path)


@main.command()
@store_dir_option
@json_option
def check(data_dir: Path, as_json: bool) -> None:
    """Check every database of the data directory and the log's invariants; one line per finding.

    Exit status: 0 when clean, 1 when something is damaged.
    """
    from streams.check import check as findings_of

    require_log(data_dir)
    findings = findings_of(data_dir)
    if as_json:
        print_json({"ok": not findings, "findings": findings})
    else:
        click.echo("\n".join(findings) or "ok")
    raise SystemExit(FAILURE_EXIT if findings else 0)


def refuse(exc: Exception) -> NoReturn:
    """End the command with the reason a backup, restore or salvage was refused."""
    fail(str(exc), FAILURE_EXIT)


@main.command()
@click.argument("path", type=DIRECTORY)
@data_dir_option
@json_option
def backup(path: Path, data_dir: Path, as_json: bool) -> None:
    """Copy every database of the data directory into the new directory PATH, safely while others write."""
    from streams.backup import BackupError
    from streams.backup import backup as copy_out

    require_log(data_dir)
    try:
        manifest = copy_out(data_dir, path)
    except BackupError as exc:
        refuse(exc)
    if as_json:
        print_json(manifest)
    else:
        ends = ", ".join(f"{topic} {end}" for topic, end in sorted(manifest["ends"].items()))
        click.echo(f"backed up {len(manifest['databases'])} databases to {path}: {ends}")


@main.command()
@click.argument("path", type=DIRECTORY)
@click.option("--force", is_flag=True, help="Replace the databases of a data directory that is not empty.")
@store_dir_option
def restore(path: Path, force: bool, data_dir: Path) -> None:
    """Check the backup at PATH, then copy it into the data directory (stop its workers first)."""
    from streams.backup import BackupError
    from streams.backup import restore as copy_in

    try:
        restored = copy_in(path, data_dir, force=force)
    except BackupError as exc:
        refuse(exc)
    click.echo(f"restored {len(restored)} databases from {path} to {data_dir}")


@main.command()
@click.argument("path", type=DIRECTORY)
@store_dir_option
def salvage(path: Path, data_dir: Path) -> None:
    """Build a new data directory PATH from the intact part of a damaged log, with its state rebuilt."""
    from streams.backup import BackupError
    from streams.backup import salvage as rebuild

    try:
        kept = rebuild(data_dir, path)
    except BackupError as exc:
        refuse(exc)
    click.echo(f"salvaged into {path}: " + ", ".join(f"{topic} {size}" for topic, size in kept.items()))
