"""Commands that move articles through the pipeline: ingest, run, worker, demo."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.progress import Progress, SpinnerColumn, TextColumn

from streams.cli import main
from streams.cli.context import print_json, runtime_for
from streams.cli.options import broker_option, data_dir_option, json_option
from streams.cli.render import console, events_table, plain, rows_table
from streams.ingest import Item, read_paths, read_stream
from streams.runs import WorkerCrashed
from streams.runtime.base import Runtime
from streams.runtime.publish import IngestSummary, ingest_items, publish_items
from streams.signals import stop_on_signals

if TYPE_CHECKING:
    from streams.ingest.live import Progress

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXIT_REJECTED = 1
EXIT_CRASHED = 1


def ingest_shown(runtime: Runtime, items: Iterable[Item], quiet: bool = False) -> IngestSummary:
    """:func:`~streams.runtime.publish.ingest_items`, with a spinner counting the items unless ``quiet``."""
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), console=console(), transient=True, disable=quiet
    ) as progress:
        task = progress.add_task("ingesting", total=None)

        def shown(summary: IngestSummary) -> None:
            progress.update(task, description=f"ingesting: {summary.read} read")

        return ingest_items(runtime, items, shown)


def inputs(paths: tuple[str, ...], max_bytes: int) -> Iterator[Item]:
    """Items of the paths given on the command line (``-`` is standard input)."""
    for path in paths:
        if path == "-":
            yield from read_stream(sys.stdin.buffer, max_bytes)
        else:
            yield from read_paths([Path(path)], max_bytes)


def report(summary: IngestSummary, as_json: bool) -> None:
    """Print the rejections (one line each, on stderr) and the summary."""
    for dead in summary.rejected:
        click.echo(plain(dead.line()), err=True)
    if as_json:
        print_json(summary.as_dict())
    else:
        click.echo(
            f"read {summary.read}, published {summary.published}, copies {summary.copies}, "
            f"duplicates {summary.duplicates}, rejected {len(summary.rejected)}"
        )


def networks_option(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """The ``--allow-network`` values, each checked to be a network in CIDR notation."""
    from streams.ingest.safety import parse_networks

    try:
        return tuple(str(network) for network in parse_networks(value))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--feed", "feeds", multiple=True, metavar="URL", help="RSS/Atom feed to poll; repeatable.")
@click.option(
    "--feeds-file",
    "feeds_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A feed list: OPML, or one URL a line.",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=1.0),
    metavar="SECONDS",
    default=None,
    help="Poll the feeds every SECONDS until Ctrl-C (default: poll once).",
)
@click.option(
    "--allow-private", is_flag=True, help="Allow fetching from private, loopback and link-local addresses."
)
@click.option(
    "--allow-network",
    "networks",
    multiple=True,
    metavar="CIDR",
    callback=networks_option,
    help="Allow fetching from this network although not public (127.0.0.1/32); repeatable.",
)
@data_dir_option
@broker_option
@json_option
def ingest(
    paths: tuple[str, ...],
    feeds: tuple[str, ...],
    feeds_files: tuple[Path, ...],
    interval: float | None,
    allow_private: bool,
    networks: tuple[str, ...],
    data_dir: Path,
    broker: str,
    as_json: bool,
) -> None:
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
    from streams.ingest.html import read_html_file
    from streams.ingest.live import follow_feeds, ingest_pages, is_saved_page, is_url
    from streams.ingest.opml import FeedListError, feed_list
    from streams.ingest.safety import ANY_ADDRESS

    try:
        feed_urls = feed_list(feeds, feeds_files)
    except FeedListError as exc:
        raise click.UsageError(str(exc)) from exc
    if not paths and not feed_urls:
        raise click.UsageError("give PATHS, --feed URL or --feeds-file FILE")
    runtime = runtime_for(data_dir, broker)
    limit = runtime.settings.max_article_bytes
    allowed = ANY_ADDRESS if allow_private else networks
    files = tuple(path for path in paths if not is_url(path) and not is_saved_page(path))
    summary = ingest_shown(runtime, inputs(files, limit), quiet=as_json)

    def publish(items: list[Item]) -> None:
        summary.add(publish_items(runtime, items))

    if urls := [path for path in paths if is_url(path)]:
        ingest_pages(data_dir, urls, publish, max_bytes=limit, allowed=allowed)
    if saved := [Path(path) for path in paths if is_saved_page(path)]:
        summary.add(ingest_items(runtime, (item for path in saved for item in read_html_file(path, limit))))
    if feed_urls:
        status = console().status("polling feeds")

        def render(progress: Progress) -> None:
            status.update(f"polling: {progress.line()}")

        with contextlib.nullcontext() if as_json else status:
            polled = follow_feeds(
                data_dir,
                feed_urls,
                publish,
                interval=interval,
                max_bytes=limit,
                allowed=allowed,
                on_progress=None if as_json else render,
            )
        for line in polled.errors:
            click.echo(plain(line), err=True)
        if not as_json:
            click.echo(f"feeds: {polled.line()}")
    report(summary, as_json)
    sys.exit(EXIT_REJECTED if summary.rejected else 0)


@main.command()
@click.argument("paths", nargs=-1)
@data_dir_option
@broker_option
@json_option
def run(paths: tuple[str, ...], data_dir: Path, broker: str, as_json: bool) -> None:
    """Ingest PATHS (if any) and process everything pending to completion (exit status as ingest)."""
    runtime = runtime_for(data_dir, broker)
    summary = ingest_shown(runtime, inputs(paths, runtime.settings.max_article_bytes), quiet=as_json)
    stats = runtime.run_until_idle()
    report(summary, as_json)
    if not as_json:
        click.echo(f"processed: {stats}")
    sys.exit(EXIT_REJECTED if summary.rejected else 0)


@main.command()
@data_dir_option
@broker_option
def worker(data_dir: Path, broker: str) -> None:
    """Process articles and events continuously until SIGINT or SIGTERM (then stop cleanly).

    Exit 1 if a stage crashed on a record meanwhile (Kafka: the worker restarts the stage and
    goes on; its last line names the crash).
    """
    runtime = runtime_for(data_dir, broker)
    # errors of Faust and its clients (a crashed consumer), and what the worker does about them
    logging.basicConfig(level=logging.ERROR, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("streams").setLevel(logging.INFO)

    async def serve() -> None:
        stop = stop_on_signals()
        await runtime.run_forever(stop)

    click.echo(f"worker on {broker} ({data_dir}); Ctrl-C to stop", err=True)
    try:
        asyncio.run(serve())
    except WorkerCrashed as crash:
        click.echo(f"worker stopped after a crash: {crash}", err=True)
        sys.exit(EXIT_CRASHED)
    click.echo("worker stopped", err=True)


@main.command()
@data_dir_option
def demo(data_dir: Path) -> None:
    """Ingest the bundled seed articles, process them, print events and every state table."""
    from agents import reduce
    from agents.reduce import tables

    runtime = runtime_for(data_dir, "embedded")
    seeds = EXAMPLES / "seeds.jsonl"
    if not seeds.exists():
        raise click.ClickException(f"the bundled seeds are missing: {seeds}")
    summary = ingest_shown(runtime, read_paths([seeds], runtime.settings.max_article_bytes))
    runtime.run_until_idle()
    out = console()
    out.print(events_table(sorted(runtime.events(), key=lambda e: (str(e.event_date), e.type, e.source))))
    for table in tables.names():
        out.print(rows_table(table, [reduce.view(row) for row in runtime.state(table)]))
    out.print(f"{summary.read} articles read, {summary.published} new; data in {data_dir}")
