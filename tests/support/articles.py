"""Articles written for the tests: short made-up reports between well-known states, with dates."""

from __future__ import annotations

import datetime as dt
import itertools

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
