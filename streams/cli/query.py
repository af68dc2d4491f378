"""Commands that read the state: state, subscribe, replay."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from pathlib import Path
from typing import Any

import click

from agents import reduce
from agents.reduce.rows import State, build, key_of
from agents.reduce.tables import names
from streams.cli import FAILURE_EXIT, main
from streams.cli.context import print_json, print_json_line, progress, reader_for
from streams.cli.options import TableChoice, broker_option, data_dir_option, json_option
from streams.cli.render import change_line, console, rows_table
from streams.runtime.base import Runtime
from streams.signals import stop_on_signals

Tables = dict[str, dict[str, State]]


def as_of_option(fn: Any) -> Any:
    """``--as-of DATE``: the state as of that day, in event time."""
    return click.option(
        "--as-of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="Only events that happened by this day (YYYY-MM-DD), scored as of it.",
    )(fn)


class KnownAt(click.ParamType):
    """An ISO datetime (naive means UTC) or date (the end of that day, UTC, or its start unless
    ``day_end``), as an aware UTC datetime."""

    name = "TIME"

    def __init__(self, day_end: bool = True) -> None:
        self.day_end = day_end

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        try:
            if len(str(value)) == len("YYYY-MM-DD"):
                day = dt.date.fromisoformat(str(value))
                return dt.datetime.combine(day, dt.time.max if self.day_end else dt.time.min, tzinfo=dt.UTC)
            when = dt.datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an ISO datetime or date", param, ctx)
        return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def known_at_option(fn: Any) -> Any:
    """``--known-at TIME``: what the system believed at that time of ingestion."""
    return click.option(
        "--known-at",
        type=KnownAt(),
        default=None,
        help="Only events written to the log by this time (ISO datetime, UTC unless it has an offset;"
        " a date means the end of that day): the state as the system knew it then.",
    )(fn)


def live_tables(runtime: Runtime, as_of: dt.date | None = None) -> Tables:
    """The live state rows, keyed as the reducers key them; with ``as_of``, each rebuilt from the facts
    it holds dated by then (as a replay as of that day counts them), a row with none left out."""
    live = {table: {key_of(row): row for row in runtime.state(table)} for table in names()}
    if as_of is None:
        return live
    dated = {
        table: {
            key: [fact for fact in row.facts if fact.date is not None and fact.date <= as_of]
            for key, row in rows.items()
        }
        for table, rows in live.items()
    }
    return {
        table: {key: build(table, key, tuple(facts), as_of) for key, facts in rows.items() if facts}
        for table, rows in dated.items()
    }


def replayed_tables(runtime: Runtime, as_of: dt.date | None, known_at: dt.datetime | None = None) -> Tables:
    """The tables rebuilt from the event log; with ``known_at``, from the events logged by then."""
    events = runtime.events() if known_at is None else runtime.events_known_at(known_at)
    with progress() as bar:
        return reduce.fold(bar.track(events, description="replaying"), as_of=as_of)


def views(tables: Tables, table: str) -> list[dict[str, Any]]:
    """Public views of one table's rows, sorted by key."""
    return [reduce.view(tables[table][key]) for key in sorted(tables[table])]


def show(tables: Tables, names: tuple[str, ...], as_json: bool) -> None:
    """Print the named tables as JSON (one array, or an object of arrays) or rich tables."""
    if as_json:
        print_json(
            views(tables, names[0]) if len(names) == 1 else {name: views(tables, name) for name in names}
        )
        return
    out = console()
    for name in names:
        out.print(rows_table(name, views(tables, name)))


@main.command()
@click.argument("table", type=TableChoice(), required=False)
@as_of_option
@known_at_option
@data_dir_option
@broker_option
@json_option
def state(
    table: str | None,
    as_of: dt.datetime | None,
    known_at: dt.datetime | None,
    data_dir: Path,
    broker: str,
    as_json: bool,
) -> None:
    """Print a state table, or all of them (with --json and TABLE: an array sorted by key)."""
    runtime = reader_for(data_dir, broker)
    if as_of or known_at:
        tables = replayed_tables(runtime, as_of.date() if as_of else None, known_at)
    else:
        tables = live_tables(runtime)
    show(tables, (table,) if table else names(), as_json)


@main.command()
@as_of_option
@known_at_option
@click.option("--verify", is_flag=True, help="Check that the rebuilt tables equal the live state (by hash).")
@data_dir_option
@broker_option
@json_option
def replay(
    as_of: dt.datetime | None,
    known_at: dt.datetime | None,
    verify: bool,
    data_dir: Path,
    broker: str,
    as_json: bool,
) -> None:
    """Rebuild the state from the event log; --verify compares it with the live state (with
    --as-of, with the live rows rebuilt from the facts they hold dated by then).

    Exit status: 0, or 1 when --verify finds a difference.
    """
    runtime = reader_for(data_dir, broker)
    rebuilt = replayed_tables(runtime, as_of.date() if as_of else None, known_at)
    if not verify:
        show(rebuilt, names(), as_json)
        return
    live = live_tables(runtime, as_of.date() if as_of else None)
    ok = reduce.digest(rebuilt) == reduce.digest(live)
    result = {"equal": ok, "replayed": reduce.digest(rebuilt), "live": reduce.digest(live)}
    if as_json:
        print_json(result)
    else:
        verdict = "equal" if ok else "DIFFERENT"
        click.echo(f"replay {verdict}: replayed {result['replayed']} live {result['live']}")
    raise SystemExit(0 if ok else FAILURE_EXIT)


@main.command()
@click.option("--actor", default=None, help="Only changes involving this actor id.")
@click.option("--zone", default=None, help="Only changes of this zone id.")
@click.option("--table", type=TableChoice(), default=None, help="Only changes of this table.")
@click.option(
    "--group", default=None, help="Consumer group: a restarted subscriber resumes after its last change."
)
@click.option("--from-beginning", is_flag=True, help="Start at the first change instead of the newest.")
@click.option(
    "--from-offset",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Start at the change at offset N.",
)
@click.option(
    "--from-time",
    type=KnownAt(day_end=False),
    default=None,
    help="Start at the first change of an article ingested at or after TIME (ISO datetime, UTC unless"
    " it has an offset; a date means the start of that day).",
)
@click.option(
    "--until-idle",
    "--exit-at-end",
    "until_idle",
    is_flag=True,
    help="Exit once every change there is has been printed.",
)
@data_dir_option
@broker_option
@json_option
def subscribe(
    actor: str | None,
    zone: str | None,
    table: str | None,
    group: str | None,
    from_beginning: bool,
    from_offset: int | None,
    from_time: dt.datetime | None,
    until_idle: bool,
    data_dir: Path,
    broker: str,
    as_json: bool,
) -> None:
    """Print each state change as it happens, until SIGINT or SIGTERM (or --until-idle).

    It starts at the newest change, or where --from-beginning, --from-offset or --from-time say
    (one of them); with --group, where the group stopped (a new group: --from-beginning or the newest).
    """
    from streams.subscribe import subscribe as changes

    positioned = (from_offset is not None) + (from_time is not None)
    if from_beginning + positioned > 1 or (group is not None and positioned):
        raise click.UsageError(
            "give one of --from-beginning, --from-offset and --from-time (with --group: none"
            " but --from-beginning)"
        )

    async def follow(runtime: Runtime) -> None:
        stop = stop_on_signals()
        async for offset, change in changes(
            runtime,
            actor=actor,
            zone=zone,
            table=table,
            group=group,
            from_beginning=from_beginning,
            stop=stop,
            until_idle=until_idle,
            from_offset=from_offset,
            from_time=from_time,
        ):
            if as_json:
                print_json_line({"offset": offset, **change.model_dump(mode="json")})
            else:
                click.echo(change_line(offset, change))

    with contextlib.closing(reader_for(data_dir, broker)) as runtime:
        try:
            asyncio.run(follow(runtime))
        except ValueError as exc:  # a state.changes topic of several partitions has no one order
            raise click.ClickException(str(exc)) from exc


@main.command()
@data_dir_option
@broker_option
@json_option
def status(data_dir: Path, broker: str, as_json: bool) -> None:
    """Records per topic and how far behind each stage is (on Kafka, its consumer group's lag)."""
    with contextlib.closing(reader_for(data_dir, broker)) as runtime:
        current = asyncio.run(runtime.status())
    if as_json:
        print_json(current.as_dict())
        return
    for topic, end in current.topics.items():
        click.echo(f"{topic:<16} {end} records")
    for stage, behind in current.lag.items():
        click.echo(f"stage {stage:<10} {behind} behind")
