"""Stateless commands: extract, eval, schemas."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import orjson

from schemas import Article, DeadLetter
from streams.accuracy import REPORT, events_of
from streams.cli import main
from streams.cli.context import print_json, print_json_line, replacing
from streams.cli.options import json_option
from streams.cli.render import plain
from streams.config import Settings
from streams.ingest import read_paths

if TYPE_CHECKING:
    from agents.extract.pipeline import SpacyExtractor


def articles_of(path: Path, settings: Settings) -> list[Article]:
    """The valid articles of a file; rejections are reported on stderr."""
    articles = []
    for _origin, item in read_paths([path], settings.max_article_bytes):
        if isinstance(item, DeadLetter):
            click.echo(plain(item.line()), err=True)
        else:
            articles.append(item)
    return articles


def extracted(articles: list[Article], settings: Settings) -> list[dict[str, Any]]:
    """Event dicts for every article, in article order."""
    from agents.extract import load_extractor

    return events_of(load_extractor(settings.spacy_model), articles)


def rule_extractor(settings: Settings) -> SpacyExtractor:
    """The rule-based extractor, which alone can say which actors a sentence names."""
    from agents.extract import load_extractor
    from agents.extract.pipeline import SpacyExtractor

    extractor = load_extractor(settings.spacy_model)
    if not isinstance(extractor, SpacyExtractor):
        raise click.UsageError("--actors and --report need the rule-based extractor")
    return extractor


@main.command()
@click.option(
    "--input",
    "input_path",
    type=click.Path(exists=True, path_type=Path),
    required=True,
    help="Articles as JSON Lines (or .txt / a directory).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write Event JSON Lines to FILE (replaced as a whole) instead of standard output.",
)
@json_option
def extract(input_path: Path, output: Path | None, as_json: bool) -> None:
    """Extract events without touching any state: one dyad per line as Event JSON.

    With --output, a last line says how many events of how many articles it wrote (--json: as JSON).
    """
    settings = Settings()
    articles = articles_of(input_path, settings)
    events = extracted(articles, settings)
    with contextlib.nullcontext(sys.stdout.buffer) if output is None else replacing(output) as out:
        for event in events:
            out.write(orjson.dumps(event) + b"\n")
    if output is None:
        return
    if as_json:
        print_json_line({"articles": len(articles), "events": len(events), "output": str(output)})
    else:
        click.echo(f"{len(events)} events of {len(articles)} articles written to {output}")


@main.command(name="eval")
@click.option("--gold", type=click.Path(exists=True, path_type=Path), help="Gold events JSONL.")
@click.option(
    "--input",
    "input_path",
    type=click.Path(exists=True, path_type=Path),
    help="The gold file's articles as JSON Lines.",
)
@click.option(
    "--errors", is_flag=True, help="Print every false positive and false negative with its sentence."
)
@click.option("--by-type", is_flag=True, help="Figures per PLOVER type.")
@click.option(
    "--actors",
    is_flag=True,
    help="Instead: the share of gold events whose actors are all named in their evidence sentence "
    "or its references resolved as extraction resolves them; --errors lists the misses.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="[PATH]",
    is_flag=False,
    flag_value=REPORT,
    default=None,
    help="Instead: score every gold set of tests/data (and the halves of dev-world) and write the "
    f"accuracy report to PATH (default {REPORT}).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def evaluate(
    gold: Path | None,
    input_path: Path | None,
    errors: bool,
    by_type: bool,
    actors: bool,
    report: Path | None,
    as_json: bool,
) -> None:
    """Precision, recall, F1, zone and date accuracy of the extractor against a gold file."""
    from agents.evaluate import load_gold, score

    settings = Settings()
    if report is not None:
        write_report(report, settings)
        return
    if gold is None or input_path is None:
        raise click.UsageError("--gold and --input are required, unless --report")
    gold_events = load_gold(gold.read_bytes())
    articles = articles_of(input_path, settings)
    if actors:
        from streams.accuracy import actor_share

        coverage = actor_share(rule_extractor(settings), gold_events, articles)
        if as_json:
            print_json(coverage.as_dict(errors=errors))
        else:
            click.echo(plain(coverage.render(errors=errors), newlines=True))
        return
    result = score(gold_events, extracted(articles, settings))
    if as_json:
        print_json(result.as_dict(errors=errors, by_type=by_type))
    else:
        click.echo(plain(result.render(errors=errors, by_type=by_type), newlines=True))


def write_report(path: Path, settings: Settings) -> None:
    """Write the accuracy report (:mod:`streams.accuracy`) to ``path``, replaced as a whole."""
    from agents.extract import EXTRACTOR_VERSION
    from streams.accuracy import measure, render

    figures = measure(rule_extractor(settings), lambda corpus: articles_of(corpus, settings))
    with replacing(path) as out:
        out.write(render(figures, EXTRACTOR_VERSION, settings.spacy_model).encode())
    click.echo(str(path))


@main.group()
def schemas() -> None:
    """The JSON Schemas of Entente's messages."""


@schemas.command(name="export")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write them (default: the package's schemas/json).",
)
def export_schemas(directory: Path | None) -> None:
    """Write schemas/json/*.schema.json from the models."""
    from schemas.export import SCHEMA_DIR, export

    for path in export(directory or SCHEMA_DIR):
        click.echo(str(path))
    sys.stdout.flush()
