"""Commands that audit the state: why, reextract, export."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from agents.reduce import ALLIANCES, ZONES
from schemas.ids import pair_key
from streams.cli import main
from streams.cli.context import print_json, replacing, runtime_for
from streams.cli.options import TableChoice, broker_option, data_dir_option, json_option
from streams.cli.query import as_of_option
from streams.cli.render import add_row, console, plain, stance_text
from streams.export import EVENTS
from streams.runtime.embedded import EmbeddedRuntime

EXIT_UNKNOWN = 1


def why_table(audit: dict[str, Any]) -> Table:
    """The listed facts of an audit: date, type, direction, contribution or role, article, sentence."""
    pair = audit["table"] == ALLIANCES.name
    if pair:
        title = Text.assemble(
            f"{plain(audit['key'])}: ",
            stance_text(audit["stance"]),
            f" score {audit['score']:.4f} (reference {audit['reference'] or '-'})",
        )
    else:
        since = f"since {audit['since'] or '-'} (kind {audit['kind'] or '-'})"
        title = Text(plain(f"{audit['key']}: {audit['status']} {since}"))
    table = Table(title=title, expand=True)
    for column in ("date", "type", "who → whom", "contribution" if pair else "role"):
        table.add_column(column, no_wrap=True, justify="right" if column == "contribution" else "left")
    table.add_column("article", no_wrap=True, overflow="ellipsis", max_width=48)
    table.add_column("sentence", ratio=1, overflow="fold", min_width=20)
    for item in audit["facts"]:
        article = item["article"]
        source = f"{article['id']} ({article['published'] or '-'})"
        if article["title"]:
            source += f" {article['title']}"
        if pair:
            detail = f"{item['contribution']:+.4f}" + (
                f" ×{item['sources']} src" if item["sources"] > 1 else ""
            )
        else:
            detail = item["role"]["kind"] + (f" → {item['role']['step']}" if item["role"]["step"] else "")
        add_row(table, item["date"] or "-", item["type"], item["direction"], detail, source, item["sentence"])
    rest = audit["rest"]
    if pair:
        table.caption = (
            f"{audit['listed']} of {audit['facts_total']} facts listed, contributing"
            f" {audit['listed_contribution']:+.4f}; the other {rest['facts']} contribute"
            f" {rest['contribution']:+.4f}; total {audit['score']:+.4f}"
        )
    else:
        table.caption = f"{audit['listed']} of {audit['facts_total']} facts listed (newest first)"
    return table


@main.command()
@click.argument("actors", nargs=-1)
@click.option("--zone", default=None, help="Explain this zone's status instead of an actor pair.")
@as_of_option
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=20,
    help="List the strongest N facts; the rest are summed (0: list all).",
)
@data_dir_option
@broker_option
@json_option
def why(
    actors: tuple[str, ...],
    zone: str | None,
    as_of: dt.datetime | None,
    limit: int,
    data_dir: Path,
    broker: str,
    as_json: bool,
) -> None:
    """Explain a pair's stance (why ACTOR ACTOR) or a zone's status (why --zone ZONE).

    Lists the events behind the row, strongest first, with their sentences,
    articles and dates; the contributions listed plus the rest add up to the
    score shown. Exit status: 0, or 1 when there is no such pair or zone.
    """
    from streams.audit import why as explain

    if zone is None and len(actors) != 2:
        raise click.UsageError("give two actor ids, or --zone ZONE")
    if zone is not None and actors:
        raise click.UsageError("give either two actor ids or --zone ZONE, not both")
    if zone is None and actors[0] == actors[1]:
        raise click.UsageError("the two actors must differ")
    table, key = (ZONES.name, zone) if zone is not None else (ALLIANCES.name, pair_key(*actors))
    runtime = runtime_for(data_dir, broker)
    audit = explain(runtime, table, key, as_of=as_of.date() if as_of else None, limit=limit or None)
    if audit is None:
        when = f" as of {as_of.date()}" if as_of else ""
        click.echo(f"no {'zone' if zone else 'pair'} {key} in the {table} table{when}", err=True)
        sys.exit(EXIT_UNKNOWN)
    if as_json:
        print_json(audit)
        return
    console().print(why_table(audit))
    for line in correction_lines(audit["corrections"]):
        click.echo(line)


def correction_lines(corrections: list[dict[str, Any]]) -> list[str]:
    """One line for each correction of an audit: what it did, who made it, when and why."""
    lines = []
    for item in corrections:
        if item["kind"] == "retraction":
            did = f"retracted article {item['target']}"
        elif item["kind"] == "revision":
            did = f"revised article {item['target']} ({len(item['events'])} events in its new version)"
        elif item["drop"]:
            did = f"dropped event {item['target']}"
        else:
            fields = ", ".join(f"{name}={value}" for name, value in item["set"].items())
            did = f"overrode event {item['target']}: {fields}"
        lines.append(plain(f"correction: {did} (by {item['by']} at {item['at']}): {item['reason']}"))
    return lines


@main.command()
@click.option(
    "--version", "label", required=True, help="Label of the side projection (e.g. the new version)."
)
@click.option(
    "--promote",
    is_flag=True,
    help="Replace the live events and state with the projection (embedded log only).",
)
@data_dir_option
@broker_option
@json_option
def reextract(label: str, promote: bool, data_dir: Path, broker: str, as_json: bool) -> None:
    """Extract every article again into a side projection and show what would change in the tables.

    The projection is kept under DATA_DIR/projections/LABEL, on either runtime;
    the live state is untouched unless --promote, which makes the projection
    live in one transaction of the embedded log and publishes a change for
    every row that differs (a no-op when nothing does). Exit status: 0, or 1
    when promoting is refused (always on Kafka).
    """
    from streams import reextract as side

    runtime = runtime_for(data_dir, broker)
    if promote and not isinstance(runtime, EmbeddedRuntime):
        refusal = "promotion is done on the embedded log only; without --promote, reextract shows the diff"
        click.echo(f"not promoted: {refusal}", err=True)
        sys.exit(1)
    try:
        projection = side.project(runtime, label)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--version") from exc
    report = side.diff(projection)
    if promote:
        try:
            report["promoted"] = side.promote(runtime, projection)
        except side.PromoteError as exc:
            click.echo(f"not promoted: {exc}", err=True)
            sys.exit(1)
    if as_json:
        print_json(report)
        return
    click.echo(_reextract_summary(report))
    for row in report["rows"]:
        click.echo(_row_line(row))
        for sign, name in (("+", "events_added"), ("-", "events_removed"), ("~", "events_revised")):
            for event in row[name]:
                click.echo(
                    plain(
                        f"    {sign} {event['date'] or '-'} {event['type']} {event['direction']}"
                        f" [{event['article_id']}] {event['sentence']}"
                    )
                )


def _reextract_summary(report: dict[str, Any]) -> str:
    counts = report["events"]
    line = (
        f"reextract {report['label']} ({report['extractor']}): {report['articles']} articles,"
        f" {counts['projection']} events (live {counts['live']}: +{counts['added']} -{counts['removed']}"
        f" ~{counts['revised']}); {len(report['rows'])} rows would change"
    )
    if "promoted" in report:
        line += f"; promoted: {report['promoted']} changes published"
    return plain(line, newlines=True) + f"\nprojection: {plain(report['projection'])}"


def _row_line(row: dict[str, Any]) -> str:
    def state(summary: dict[str, Any] | None) -> str:
        if summary is None:
            return "absent"
        if summary.get("stance") is not None:
            return f"{summary['stance']} ({summary['score']:+.4f}, {summary['events']} events)"
        return f"{summary['status']} since {summary['since'] or '-'} ({summary['events']} events)"

    return plain(
        f"  {row['change']:<8} {row['table']}[{row['key']}]: {state(row['before'])} → {state(row['after'])}"
    )


@main.command()
@click.argument("kind", type=TableChoice(EVENTS))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("jsonl", "csv", "gdelt")),
    default="jsonl",
    help="jsonl, csv, or (events only) gdelt: a GDELT-like column layout.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE instead of standard output.",
)
@data_dir_option
@broker_option
def export(kind: str, fmt: str, output: Path | None, data_dir: Path, broker: str) -> None:
    """Write the live events or a state table as JSON Lines or CSV (lists joined by ';')."""
    from streams.export import export as write
    from streams.export import formats

    if fmt not in formats(kind):
        raise click.BadParameter(f"{kind} export as {', '.join(formats(kind))}", param_hint="--format")
    runtime = runtime_for(data_dir, broker)
    if output is None:
        out = click.get_text_stream("stdout")
        write(runtime, kind, fmt, out)
        out.flush()
        return
    with replacing(output) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as out:
        count = write(runtime, kind, fmt, out)
    click.echo(f"{count} {kind} written to {output}", err=True)
