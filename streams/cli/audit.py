"""Commands that audit the state: why, reextract, export."""

from __future__ import annotations

import datetime as dt
import io
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
from rich.text import Text

from agents.reduce import ALLIANCES, ZONES
from schemas.ids import pair_key
from streams.cli import main
from streams.cli.context import print_json, progress, reader_for, replacing, runtime_for
from streams.cli.options import TableChoice, broker_option, data_dir_option, json_option
from streams.cli.query import as_of_option
from streams.cli.render import console, plain, stance_text
from streams.export import EVENTS, FORMATS

EXIT_UNKNOWN = 1


def why_text(audit: dict[str, Any], width: int) -> Text:
    """The listed facts of an audit, each a line of contribution (or role), date, type and direction,
    then its article and its sentence indented, every line wrapped to ``width`` columns."""
    pair = audit["table"] == ALLIANCES.name
    lines = Text()

    def add(text: str, indent: str = "") -> None:
        wrapped = textwrap.wrap(plain(text), width, initial_indent=indent, subsequent_indent=indent or "  ")
        lines.append("\n".join(wrapped) + "\n")

    if pair:
        lines.append(f"{plain(audit['key'])}: ").append_text(stance_text(audit["stance"]))
        add(f" score {audit['score']:.4f} (reference {audit['reference'] or '-'})")
    else:
        add(f"{audit['key']}: {audit['status']} since {audit['since'] or '-'} (kind {audit['kind'] or '-'})")
    for item in audit["facts"]:
        article = item["article"]
        if pair:
            detail = f"{item['contribution']:+.4f}" + (
                f" ×{item['sources']} src" if item["sources"] > 1 else ""
            )
        else:
            detail = item["role"]["kind"] + (f" → {item['role']['step']}" if item["role"]["step"] else "")
        add("")
        add(f"{detail}  {item['date'] or '-'}  {item['type']}  {item['direction']}")
        add(f"{article['id']} ({article['published'] or '-'}) {article['title'] or ''}".rstrip(), "    ")
        add(item["sentence"], "    ")
    add("")
    rest = audit["rest"]
    if pair:
        add(
            f"{audit['listed']} of {audit['facts_total']} facts listed, contributing"
            f" {audit['listed_contribution']:+.4f}; the other {rest['facts']} contribute"
            f" {rest['contribution']:+.4f}; total {audit['score']:+.4f}"
        )
    else:
        add(f"{audit['listed']} of {audit['facts_total']} facts listed (newest first)")
    return lines


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
    runtime = reader_for(data_dir, broker)
    audit = explain(runtime, table, key, as_of=as_of.date() if as_of else None, limit=limit or None)
    if audit is None:
        when = f" as of {as_of.date()}" if as_of else ""
        click.echo(f"no {'zone' if zone else 'pair'} {key} in the {table} table{when}", err=True)
        sys.exit(EXIT_UNKNOWN)
    if as_json:
        print_json(audit)
    else:
        out = console()
        out.print(why_text(audit, out.width), end="")
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
    if promote and runtime.own_log is None:
        refusal = "promotion is done on the embedded log only; without --promote, reextract shows the diff"
        click.echo(f"not promoted: {refusal}", err=True)
        sys.exit(1)
    try:
        with progress() as bar:
            task = bar.add_task("re-extracting", total=None)
            projection = side.project(
                runtime, label, on_batch=lambda done, total: bar.update(task, completed=done, total=total)
            )
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
    else:
        click.echo("\n".join(reextract_lines(report)))


WIDTH = 80
"""The width of ``reextract``'s lines."""


def _fit(text: str, width: int = WIDTH) -> str:
    """``text`` made safe to print, cut to ``width`` characters with an ellipsis."""
    text = plain(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _value(value: object) -> str:
    return "-" if value is None else ",".join(value) if isinstance(value, list) else str(value)


def _differences(items: list[dict[str, Any]], indent: int) -> list[str]:
    """``field: before → after``, one line each, each value cut to fit."""
    lines = []
    for item in items:
        head = f"{' ' * indent}{item['field']}: "
        room = (WIDTH - len(head) - 3) // 2
        before, after = (_fit(_value(item[side]), room) for side in ("before", "after"))
        lines.append(f"{plain(head)}{before} → {after}")
    return lines


SUMMED = {"stance", "score", "status", "since", "events", "first", "last"}
"""The fields of a headline its one-line summary gives; the others that differ get lines of their own."""


def _headline(summary: dict[str, Any] | None) -> str:
    if summary is None:
        return "absent"
    if summary.get("stance") is not None:
        state = f"{summary['stance']} {summary['score']:+.4f}, "
    elif summary.get("status") is not None:
        state = f"{summary['status']} since {summary['since'] or '-'}, "
    else:
        state = ""
    events = f"{summary['events']} event{'' if summary['events'] == 1 else 's'}"
    return f"{state}{events}, {summary['first'] or '-'} to {summary['last'] or '-'}"


def _event_line(sign: str, event: dict[str, Any]) -> str:
    head = f"    {sign} {event['date'] or '-'} {event['type']} {event['direction']} [{event['article_id']}] "
    return _fit(head + event["sentence"])


def reextract_lines(report: dict[str, Any]) -> list[str]:
    """``entente reextract`` for people, lines of at most :data:`WIDTH` characters but for the
    projection's path: the counts, each row that would change (its headline before and after, then
    its events added, removed and revised, each revision with the fields that differ), and the
    revised events of no such row."""
    counts = report["events"]
    lines = [
        _fit(f"reextract {report['label']} ({report['extractor']}): {report['articles']} articles"),
        f"events: {counts['live']} live, {counts['projection']} in the projection: +{counts['added']}"
        f" -{counts['removed']} ~{counts['revised']}, {counts['restamped']} restamped",
        f"projection: {plain(report['projection'])}",
    ]
    rows = report["rows"]
    promoted = f"; promoted: {report['promoted']} changes published" if "promoted" in report else ""
    lines.append(f"{len(rows)} rows would change{promoted}")
    shown = set()
    for row in rows:
        lines.append(_fit(f"  {row['change']} {row['table']}[{row['key']}]"))
        if row["differences"]:
            lines.append(_fit(f"    before: {_headline(row['before'])}"))
            lines.append(_fit(f"    after:  {_headline(row['after'])}"))
            if row["change"] == "changed":
                lines.extend(_differences([d for d in row["differences"] if d["field"] not in SUMMED], 4))
        else:
            lines.append(_fit(f"    headline unchanged: {_headline(row['after'])}"))
        lines.extend(_event_line("+", event) for event in row["events_added"])
        lines.extend(_event_line("-", event) for event in row["events_removed"])
        for event in row["events_revised"]:
            shown.add(event["id"])
            lines.append(_event_line("~", event))
            lines.extend(_differences(event["differences"], 8))
    rest = [event for event in report["revisions"] if event["id"] not in shown]
    if rest:
        lines.append(f"{len(rest)} events revised in no row that would change")
        for event in rest:
            lines.append(_event_line("~", event))
            lines.extend(_differences(event["differences"], 8))
    return lines


@main.command()
@click.argument("kind", type=TableChoice(EVENTS))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="jsonl",
    help="jsonl; csv (lists joined by ';'); parquet (needs pyarrow: pip install 'entente[parquet]'); "
    "events only: gdelt (GDELT 2.0's event table, tab-separated) or acled (ACLED's CSV columns).",
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
    """Write the live events or a state table as JSON Lines, CSV or Parquet, or the events in GDELT's
    or ACLED's layout."""
    from streams.export import BINARY_FORMATS, formats
    from streams.export import export as write
    from streams.export import export_binary as write_binary
    from streams.export.parquet import ParquetUnavailable

    if fmt not in formats(kind):
        raise click.BadParameter(f"{kind} export as {', '.join(formats(kind))}", param_hint="--format")
    runtime = reader_for(data_dir, broker)
    binary = fmt in BINARY_FORMATS
    with progress() as bar:

        def track(items: list[Any]) -> Iterable[Any]:
            return bar.track(items, description=f"exporting {kind}")

        try:
            if output is None:
                if binary:
                    out = click.get_binary_stream("stdout")
                    write_binary(runtime, kind, fmt, out, track)
                else:
                    out = click.get_text_stream("stdout")
                    write(runtime, kind, fmt, out, track)
                out.flush()
                return
            with replacing(output) as raw:
                if binary:
                    count = write_binary(runtime, kind, fmt, raw, track)
                else:
                    with io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
                        count = write(runtime, kind, fmt, text, track)
        except ParquetUnavailable as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"{count} {kind} written to {output}", err=True)
