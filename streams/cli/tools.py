"""Stateless commands: extract, eval, schemas."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click
import orjson

from schemas import Article, DeadLetter
from streams.cli import main
from streams.cli.context import print_json, replacing
from streams.cli.render import plain
from streams.config import Settings
from streams.ingest import read_paths


def articles_of(path: Path, settings: Settings) -> list[Article]:
    """The valid articles of a file; rejections are reported on stderr."""
    articles = []
    for _origin, item in read_paths([path], settings.max_article_bytes):
        if isinstance(item, DeadLetter):
            click.echo(plain(item.line()), err=True)
        else:
            articles.append(item)
    return articles


def extracted(articles: list[Article], settings: Settings) -> list[dict[str, object]]:
    """Event dicts for every article, in article order."""
    from agents.extract import load_extractor

    extractor = load_extractor(settings.spacy_model)
    return [event.model_dump(mode="json") for article in articles for event in extractor.extract(article)]


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
def extract(input_path: Path, output: Path | None) -> None:
    """Extract events without touching any state: one dyad per line as Event JSON."""
    settings = Settings()
    events = extracted(articles_of(input_path, settings), settings)
    with contextlib.nullcontext(sys.stdout.buffer) if output is None else replacing(output) as out:
        for event in events:
            out.write(orjson.dumps(event) + b"\n")


@main.command(name="eval")
@click.option(
    "--gold", type=click.Path(exists=True, path_type=Path), required=True, help="Gold events JSONL."
)
@click.option(
    "--input",
    "input_path",
    type=click.Path(exists=True, path_type=Path),
    required=True,
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
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def evaluate(gold: Path, input_path: Path, errors: bool, by_type: bool, actors: bool, as_json: bool) -> None:
    """Precision, recall, F1, zone and date accuracy of the extractor against a gold file."""
    from agents.evaluate import actor_coverage, load_gold, score

    settings = Settings()
    gold_events = load_gold(gold.read_bytes())
    articles = articles_of(input_path, settings)
    if actors:
        from agents.extract import load_extractor
        from agents.extract.pipeline import SpacyExtractor

        extractor = load_extractor(settings.spacy_model)
        if not isinstance(extractor, SpacyExtractor):
            raise click.UsageError("--actors needs the rule-based extractor")
        by_id = {article.id: article for article in articles}
        coverage = actor_coverage(
            {a: events for a, events in gold_events.items() if a in by_id},
            lambda article, evidence: extractor.named_in(by_id[article], evidence),
        )
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
