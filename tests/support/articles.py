"""Articles for the tests: short made-up reports between well-known states, and corpora made of the seeds."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from pathlib import Path

from schemas import Article

STATES = ("Turkey", "Russia", "Iran", "Syria", "Israel", "Jordan", "Qatar", "France")
ZONES = ("Idlib", "Manbij", "Afrin", "Raqqa", "Aleppo")
SENTENCES = (
    "{a} and {b} signed an agreement on a ceasefire in {z}.",
    "{a} accused {b} of shelling civilians in {z}.",
    "{a} sent troops to {z} to support {b}.",
    "The foreign ministers of {a} and {b} met to discuss the situation in {z}.",
    "{a} threatened {b} with sanctions over its operations in {z}.",
)


def made_up_articles(count: int) -> list[Article]:
    """``count`` distinct articles, each naming one ordered pair of states and several zones."""
    pairs = itertools.cycle(itertools.permutations(STATES, 2))
    out = []
    for number, (a, b) in zip(range(count), pairs, strict=False):
        text = " ".join(
            sentence.format(a=a, b=b, z=ZONES[(number + place) % len(ZONES)])
            for place, sentence in enumerate(SENTENCES)
        )
        published = dt.date(2020, 1, 1) + dt.timedelta(days=number)
        out.append(Article(id=f"made-up-{number:04d}", title=f"{a} and {b}", text=text, published=published))
    return out


SEEDS = Path(__file__).parents[1] / "data" / "seeds" / "seeds.jsonl"
SHIFTS = 8
"""How many publication dates each seed appears under in :func:`seed_corpus` (a week apart)."""


def seed_articles() -> list[Article]:
    """The seed articles of ``tests/data/seeds``."""
    return [Article.loads(line) for line in SEEDS.read_bytes().splitlines() if line.strip()]


def seed_corpus(count: int) -> list[Article]:
    """``count`` articles cycling through the seeds, each with an id of its own and one of
    :data:`SHIFTS` publication dates a week apart (so relative dates resolve differently)."""
    seeds = seed_articles()
    out = []
    for number in range(count):
        seed = seeds[number % len(seeds)]
        shift = dt.timedelta(weeks=(number // len(seeds)) % SHIFTS)
        published = None if seed.published is None else seed.published + shift
        out.append(seed.model_copy(update={"id": f"{seed.id}-{number:04d}", "published": published}))
    return out


def padding(seed: str, count: int) -> str:
    """``count`` made-up words drawn from ``seed``, ten a sentence: appended to a text, they make it a
    story of its own for the near-duplicate index, and no event."""
    words = [f"pad{hashlib.sha1(f'{seed}:{k}'.encode()).hexdigest()[:10]}" for k in range(count)]
    return " ".join(" ".join(words[k : k + 10]) + "." for k in range(0, count, 10))
