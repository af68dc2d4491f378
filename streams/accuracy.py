"""The accuracy report: the scorer of ``entente eval`` on every gold set of ``tests/data``, as Markdown.

Each set is ``tests/data/NAME/NAME.jsonl`` with its ``NAME.gold.jsonl``; the world news set is also
scored in halves by the number that ends each article id: the odd numbers are the half rules are
tuned on, the even numbers the half that checks them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents.evaluate import ActorCoverage, EvalResult, actor_coverage, load_gold, score
from schemas import Article

if TYPE_CHECKING:
    from agents.extract import Extractor
    from agents.extract.pipeline import SpacyExtractor

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
"""The gold sets, in the source tree."""
REPORT = Path("docs") / "accuracy.md"
"""Where :data:`COMMAND` writes the report, from the root of the source tree."""
COMMAND = "entente eval --report"
"""The command that writes :data:`REPORT`, named in it."""
NUMBER = re.compile(r"(\d+)$")


@dataclass(frozen=True)
class GoldSet:
    """A gold file and its articles, or the half of them whose article numbers have ``parity``."""

    name: str
    corpus: str
    parity: int | None = None

    def keeps(self, article: str) -> bool:
        if self.parity is None:
            return True
        number = NUMBER.search(article)
        return number is not None and int(number.group(1)) % 2 == self.parity


SETS = (
    GoldSet("seeds", "seeds"),
    GoldSet("dev", "dev"),
    GoldSet("dev-world", "dev-world"),
    GoldSet("dev-world odd (tuning)", "dev-world", 1),
    GoldSet("dev-world even (checking)", "dev-world", 0),
)


@dataclass(frozen=True)
class Figures:
    """What the scorer says of one set: the events found, and the actors found."""

    set: GoldSet
    result: EvalResult
    actors: ActorCoverage


def events_of(extractor: Extractor, articles: Iterable[Article]) -> list[dict[str, Any]]:
    """Event dicts for every article, in article order, as ``entente extract`` writes them."""
    return [event.model_dump(mode="json") for article in articles for event in extractor.extract(article)]


def actor_share(
    extractor: SpacyExtractor, gold: Mapping[str, list[dict[str, Any]]], articles: Sequence[Article]
) -> ActorCoverage:
    """``entente eval --actors``: the gold events of ``articles`` whose actors their sentence names."""
    by_id = {article.id: article for article in articles}
    return actor_coverage(
        {a: events for a, events in gold.items() if a in by_id},
        lambda article, evidence: extractor.named_in(by_id[article], evidence),
    )


def measure(
    extractor: SpacyExtractor, articles_of: Callable[[Path], list[Article]], data: Path = DATA
) -> list[Figures]:
    """The figures of every set of :data:`SETS`; each corpus is extracted once."""
    figures = []
    corpora: dict[str, tuple[list[Article], list[dict[str, Any]]]] = {}
    for gold_set in SETS:
        directory = data / gold_set.corpus
        if gold_set.corpus not in corpora:
            articles = articles_of(directory / f"{gold_set.corpus}.jsonl")
            corpora[gold_set.corpus] = articles, events_of(extractor, articles)
        articles, events = corpora[gold_set.corpus]
        gold = load_gold((directory / f"{gold_set.corpus}.gold.jsonl").read_bytes())
        gold = {article: found for article, found in gold.items() if gold_set.keeps(article)}
        figures.append(Figures(gold_set, score(gold, events), actor_share(extractor, gold, articles)))
    return figures


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def render(figures: Sequence[Figures], extractor: str, model: str) -> str:
    """The report as Markdown: a summary line per set, then the figures per PLOVER type of each."""
    lines = [
        "# Accuracy",
        "",
        f"The extractor `{extractor}` (spaCy model `{model}`) against the gold sets of",
        "`tests/data/`, scored as `entente eval` scores them (see `tests/data/GUIDELINES.md`). The",
        "world news set is also scored in halves by article number: the odd numbers are the half",
        "rules are tuned on, the even numbers the half that checks them. *actors*: the share of gold",
        "events whose actors are all named in their evidence sentence (`entente eval --actors`).",
        "",
        f"Written by `{COMMAND}`; a test checks it is current.",
        "",
        "| set | articles | tp | fp | fn | P | R | F1 | zone | date | actors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for f in figures:
        r, c = f.result, f.result.counts
        lines.append(
            f"| {f.set.name} | {r.articles} | {c.tp} | {c.fp} | {c.fn} | {c.precision:.3f} | "
            f"{c.recall:.3f} | {c.f1:.3f} | {_share(r.zone_accuracy)} | {_share(r.date_accuracy)} | "
            f"{f.actors.share:.3f} ({f.actors.found}/{f.actors.total}) |"
        )
    for f in figures:
        lines += [
            "",
            f"## {f.set.name}",
            "",
            "| type | tp | fp | fn | P | R | F1 |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for kind, c in sorted(f.result.by_type.items()):
            lines.append(
                f"| {kind} | {c.tp} | {c.fp} | {c.fn} | {c.precision:.3f} | {c.recall:.3f} | {c.f1:.3f} |"
            )
    return "\n".join(lines) + "\n"
