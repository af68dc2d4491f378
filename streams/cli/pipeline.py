"""Commands that move articles through the pipeline: ingest, run, worker, demo."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from streams.cli import FAILURE_EXIT, main
from streams.cli.context import print_json, print_json_line, progress, quiet, runtime_for
from streams.cli.options import F, broker_option, data_dir_option, json_option
from streams.cli.render import console, events_table, plain, rows_table
from streams.ingest import Item, read_paths, read_stream
from streams.runs import RunStats, WorkerCrashed
from streams.runtime.base import Runtime
from streams.runtime.publish import IngestSummary, ingest_items, publish_items
from streams.signals import stop_on_signals

if TYPE_CHECKING:
    from streams.ingest.live import Progress

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def ingest_shown(runtime: Runtime, items: Iterable[Item]) -> IngestSummary:
    """:func:`~streams.runtime.publish.ingest_items`, with a progress bar of the items read and their rate."""
    with progress() as bar:
        task = bar.add_task("ingesting", total=None)

        def shown(summary: IngestSummary) -> None:
            bar.update(task, completed=summary.read)

        return ingest_items(runtime, items, shown)


def process_shown(runtime: Runtime) -> RunStats:
    """Run every stage until idle, with a progress bar of the articles extracted."""
    with progress() as bar:
        task = bar.add_task("processing", total=None)

        def shown(done: RunStats, lag: dict[str, int]) -> None:
            extract = next(iter(lag.values()))
            bar.update(task, completed=done.articles, total=done.articles + extract)

        return runtime.run_until_idle(shown)


def inputs(paths: tuple[str, ...], max_bytes: int) -> Iterator[Item]:
    """Items of the paths given on the command line (``-`` is standard input)."""
    for path in paths:
        if path == "-":
            yield from read_stream(sys.stdin.buffer, max_bytes)
        else:
            yield from read_paths([Path(path)], max_bytes)


def report(summary: IngestSummary, as_json: bool, **more: Any) -> None:
    """Print the rejections (one line each, on stderr) and the summary (with ``more``)."""
    for dead in summary.rejected:
        click.echo(plain(dead.line()), err=True)
    if as_json:
        print_json(summary.as_dict() | more)
        return
    click.echo(
        f"read {summary.read}, published {summary.published}, copies {summary.copies}, "
        f"duplicates {summary.duplicates}, rejected {len(summary.rejected)}"
    )
    for name, value in more.items():
        click.echo(f"{name}: {value}")


def networks_option(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """The ``--allow-network`` values, each checked to be a network in CIDR notation."""
    from streams.ingest.safety import parse_networks

    try:
        return tuple(str(network) for network in parse_networks(value))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def input_options(fn: F) -> F:
    """PATHS, ``--feed``, ``--feeds-file``, ``--allow-private`` and ``--allow-network``: the inputs of
    ``ingest`` and ``run``, and the runtime's options."""
    for option in (
        json_option,
        broker_option,
        data_dir_option,
        click.option(
            "--allow-network",
            "networks",
            multiple=True,
            metavar="CIDR",
            callback=networks_option,
            help="Allow fetching from this network although not public (127.0.0.1/32); repeatable.",
        ),
        click.option(
            "--allow-private",
            is_flag=True,
            help="Allow fetching from private, loopback and link-local addresses.",
        ),
        click.option(
            "--feeds-file",
            "feeds_files",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="A feed list: OPML, or one URL a line.",
        ),
        click.option(
            "--feed", "feeds", multiple=True, metavar="URL", help="RSS/Atom feed to poll; repeatable."
        ),
        click.argument("paths", nargs=-1),
    ):
        fn = option(fn)
    return fn


def ingest_inputs(
    runtime: Runtime,
    paths: tuple[str, ...],
    feeds: tuple[str, ...],
    feeds_files: tuple[Path, ...],
    *,
    allow_private: bool,
    networks: tuple[str, ...],
    interval: float | None = None,
    as_json: bool = False,
    required: bool = True,
) -> IngestSummary:
    """Publish the articles of the files, pages and feeds given (one line per feed error on stderr);
    with ``required``, giving none of them is a usage error."""
    from streams.ingest.html import read_html_file
    from streams.ingest.live import follow_feeds, ingest_pages, is_saved_page, is_url
    from streams.ingest.opml import FeedListError, feed_list
    from streams.ingest.safety import ANY_ADDRESS

    try:
        feed_urls = feed_list(feeds, feeds_files)
    except FeedListError as exc:
        raise click.UsageError(str(exc)) from exc
    if required and not paths and not feed_urls:
        raise click.UsageError("give PATHS, --feed URL or --feeds-file FILE")
    data_dir, limit = runtime.settings.data_dir, runtime.settings.max_article_bytes
    allowed = ANY_ADDRESS if allow_private else networks
    files = tuple(path for path in paths if not is_url(path) and not is_saved_page(path))
    summary = ingest_shown(runtime, inputs(files, limit))

    def publish(items: list[Item]) -> None:
        summary.add(publish_items(runtime, items))

    if urls := [path for path in paths if is_url(path)]:
        ingest_pages(data_dir, urls, publish, max_bytes=limit, allowed=allowed)
    if saved := [Path(path) for path in paths if is_saved_page(path)]:
        summary.add(ingest_items(runtime, (item for path in saved for item in read_html_file(path, limit))))
    if feed_urls:
        with progress() as bar:
            task = bar.add_task("polling feeds", total=None)

            def render(polling: Progress) -> None:
                bar.update(task, description=f"polling: {polling.line()}", completed=polling.feeds_polled)

            polled = follow_feeds(
                data_dir,
                feed_urls,
                publish,
                interval=interval,
                max_bytes=limit,
                allowed=allowed,
                on_progress=render,
            )
        for line in polled.errors:
            click.echo(plain(line), err=True)
        if not as_json:
            click.echo(f"feeds: {polled.line()}")
    return summary


@main.command()
@input_options
@click.option(
    "--interval",
    type=click.FloatRange(min=1.0),
    metavar="SECONDS",
    default=None,
    help="Poll the feeds every SECONDS until Ctrl-C (default: poll once).",
)
def ingest(interval: float | None, data_dir: Path, broker: str, as_json: bool, **given: Any) -> None:
    """Publish articles to articles.raw.

    PATHS are .txt files (first line title), .jsonl files, directories, - for
    stdin, saved .html pages or http(s):// URLs of article pages; --feed and
    --feeds-file poll RSS/Atom feeds (new items only). Every article is
    de-duplicated: a URL (tracking parameters dropped) or text seen before is
    skipped, and a copy of a story already seen is kept as a mention linked to
    the first.

    Exit status: 0 when every input was published (or already was), 1 when some
    were rejected (each named on stderr and kept in articles.dlq), 2 on usage errors.
    """
    runtime = runtime_for(data_dir, broker)
    summary = ingest_inputs(runtime, interval=interval, as_json=as_json, **given)
    report(summary, as_json)
    sys.exit(FAILURE_EXIT if summary.rejected else 0)


@main.command()
@input_options
def run(data_dir: Path, broker: str, as_json: bool, **given: Any) -> None:
    """Ingest PATHS, pages and feeds (as ingest does, if any) and process everything pending to
    completion (exit status as ingest)."""
    runtime = runtime_for(data_dir, broker)
    summary = ingest_inputs(runtime, as_json=as_json, required=False, **given)
    stats = process_shown(runtime)
    report(summary, as_json, processed=vars(stats) if as_json else stats)
    sys.exit(FAILURE_EXIT if summary.rejected else 0)


@main.command()
@data_dir_option
@broker_option
@json_option
def worker(data_dir: Path, broker: str, as_json: bool) -> None:
    """Process articles and events continuously until SIGINT or SIGTERM (then stop cleanly); with
    --json, a last line of JSON says how it stopped.

    Exit 1 if a stage crashed on a record meanwhile (Kafka: the worker restarts the stage and
    goes on; its last line names the crash).
    """
    runtime = runtime_for(data_dir, broker)
    if not quiet():  # what the worker does about a crashed consumer, unless -q
        streams = logging.getLogger("streams")
        streams.setLevel(min(streams.level, logging.INFO))

    async def serve() -> None:
        stop = stop_on_signals()
        click.echo(f"worker on {broker} ({data_dir}); Ctrl-C to stop", err=True)  # once it stops on one
        await runtime.run_forever(stop)

    def stopped(line: str, crash: str | None = None) -> None:
        click.echo(line, err=True)
        if as_json:
            print_json_line({"stopped": True, "crashed": crash, "broker": broker, "data_dir": str(data_dir)})

    try:
        asyncio.run(serve())
    except WorkerCrashed as crash:
        stopped(f"worker stopped after a crash: {crash}", str(crash))
        sys.exit(FAILURE_EXIT)
    stopped("worker stopped")


@main.command()
@data_dir_option
@json_option
def demo(data_dir: Path, as_json: bool) -> None:
    """Ingest the bundled seed articles, process them, print events and every state table (--json:
    one object with the events, each table and the ingest's summary)."""
    from agents import reduce
    from agents.reduce import tables

    runtime = runtime_for(data_dir, "embedded")
    seeds = EXAMPLES / "seeds.jsonl"
    if not seeds.exists():
        raise click.ClickException(f"the bundled seeds are missing: {seeds}")
    summary = ingest_shown(runtime, read_paths([seeds], runtime.settings.max_article_bytes))
    process_shown(runtime)
    events = sorted(runtime.events(), key=lambda e: (str(e.event_date), e.type, e.source))
    views = {table: [reduce.view(row) for row in runtime.state(table)] for table in tables.names()}
    if as_json:
        events_json = [event.model_dump(mode="json") for event in events]
        print_json(
            {"events": events_json, "tables": views, "ingest": summary.as_dict(), "data_dir": str(data_dir)}
        )
        return
    out = console()
    out.print(events_table(events))
    for table, rows in views.items():
        out.print(rows_table(table, rows))
    out.print(f"{summary.read} articles read, {summary.published} new; data in {data_dir}")
