"""Commands that move articles through the pipeline: ingest, run, worker, demo."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
from rich.progress import Progress, SpinnerColumn, TextColumn

from schemas import DeadLetter
from streams.cli import main
from streams.cli.context import open_runtime, print_json, settings_for
from streams.cli.options import broker_option, data_dir_option, json_option
from streams.cli.render import alliances_table, console, events_table, zones_table
from streams.ingest import Item, read_paths, read_stream
from streams.runtime.base import Runtime

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BATCH = 500
EXIT_REJECTED = 1


@dataclass
class IngestSummary:
    """What one ingest did with its inputs."""

    read: int = 0
    published: int = 0
    duplicates: int = 0
    rejected: list[DeadLetter] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            "published": self.published,
            "duplicates": self.duplicates,
            "rejected": len(self.rejected),
            "errors": [dl.line() for dl in self.rejected],
        }


def ingest_items(runtime: Runtime, items: Iterable[Item], quiet: bool = False) -> IngestSummary:
    """Publish every article to ``articles.raw`` in batches; dead letters go to ``articles.dlq``."""
    summary = IngestSummary()
    batch: list[tuple[str, bytes]] = []

    def flush() -> None:
        result = runtime.publish_articles(batch)
        summary.published += result.published
        summary.duplicates += result.duplicates
        summary.rejected.extend(result.dead_letters)
        batch.clear()

    err = console()
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), console=err, transient=True, disable=quiet
    ) as progress:
        task = progress.add_task("ingesting", total=None)
        for origin, item in items:
            summary.read += 1
            if isinstance(item, DeadLetter):
                runtime.publish_dead_letter(item)
                summary.rejected.append(item)
            else:
                batch.append((origin, item.dumps()))
                if len(batch) >= BATCH:
                    flush()
            progress.update(task, description=f"ingesting: {summary.read} read")
        if batch:
            flush()
    return summary


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
        click.echo(dead.line(), err=True)
    if as_json:
        print_json(summary.as_dict())
    else:
        click.echo(
            f"read {summary.read}, published {summary.published}, "
            f"duplicates {summary.duplicates}, rejected {len(summary.rejected)}"
        )


paths_argument = click.argument("paths", nargs=-1, required=True)


@main.command()
@paths_argument
@data_dir_option
@broker_option
@json_option
def ingest(paths: tuple[str, ...], data_dir: Path, broker: str, as_json: bool) -> None:
    """Publish articles to articles.raw: .txt (first line title), .jsonl, directories, or - for stdin.

    Exit status: 0 when every input was published (or already was), 1 when some
    were rejected (each named on stderr and kept in articles.dlq), 2 on usage errors.
    """
    runtime = open_runtime(data_dir, broker)
    summary = ingest_items(
        runtime, inputs(paths, settings_for(data_dir, broker).max_article_bytes), quiet=as_json
    )
    report(summary, as_json)
    sys.exit(EXIT_REJECTED if summary.rejected else 0)


@main.command()
@paths_argument
@data_dir_option
@broker_option
@json_option
def run(paths: tuple[str, ...], data_dir: Path, broker: str, as_json: bool) -> None:
    """Ingest PATHS and process everything to completion (same exit status as ingest)."""
    runtime = open_runtime(data_dir, broker)
    summary = ingest_items(
        runtime, inputs(paths, settings_for(data_dir, broker).max_article_bytes), quiet=as_json
    )
    stats = runtime.run_until_idle()
    report(summary, as_json)
    if not as_json:
        click.echo(f"processed: {stats}")
    sys.exit(EXIT_REJECTED if summary.rejected else 0)


@main.command()
@data_dir_option
@broker_option
def worker(data_dir: Path, broker: str) -> None:
    """Process articles and events continuously until SIGINT or SIGTERM (then stop cleanly)."""
    runtime = open_runtime(data_dir, broker)

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await runtime.run_forever(stop)

    click.echo(f"worker on {broker} ({data_dir}); Ctrl-C to stop", err=True)
    asyncio.run(serve())
    click.echo("worker stopped", err=True)


@main.command()
@data_dir_option
def demo(data_dir: Path) -> None:
    """Ingest the bundled seed articles, process them, print events, alliances and zones."""
    from agents import reduce

    runtime = open_runtime(data_dir, "embedded")
    seeds = EXAMPLES / "seeds.jsonl"
    if not seeds.exists():
        raise click.ClickException(f"the bundled seeds are missing: {seeds}")
    summary = ingest_items(runtime, read_paths([seeds], settings_for(data_dir, "embedded").max_article_bytes))
    runtime.run_until_idle()
    out = console()
    out.print(events_table(sorted(runtime.events(), key=lambda e: (str(e.event_date), e.type, e.source))))
    out.print(alliances_table(reduce.view(row) for row in runtime.state("alliances")))
    out.print(zones_table(reduce.view(row) for row in runtime.state("zones")))
    out.print(f"{summary.read} articles read, {summary.published} new; data in {data_dir}")
