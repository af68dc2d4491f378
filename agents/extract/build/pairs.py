"""``python -m agents.extract.build.pairs [--folds 5] [--out PATH]``: train the pair scorer
(:mod:`agents.extract.pairs`) on the gold events of the tuning sets and write ``model/pairs.npz``.

The rules read the articles of seeds, dev and the odd half of dev-world; every pair of actors of a
parsed sentence is a sample, labelled with the types of the gold events whose evidence is that sentence
and whose actors are the pair. A one-vs-rest logistic regression learns the types, another the
direction. The threshold is chosen by cross-validation over articles: with the events the rules find,
the one that gives the best F1 on the held-out articles. Needs the ``train`` extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import spacy
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from spacy.tokens import Doc

from agents.evaluate import Counts, keys, load_gold
from agents.extract import DEFAULT_MODEL, EXTRACTOR_VERSION
from agents.extract.mentions import Mention
from agents.extract.pairs import MODEL, PairScorer, actor_pairs, features
from agents.extract.pipeline import EXCLUDED_PIPES, SpacyExtractor
from agents.extract.rules import Trigger, load_rules
from agents.extract.text import normalise
from agents.kb import load_kb
from schemas import Article
from schemas.event import SYMMETRIC_TYPES, Event, PloverType
from streams.accuracy import DATA, SETS, GoldSet
from streams.config import Settings
from streams.ingest.files import read_paths

TRAINING = tuple(s for s in SETS if s.name in ("seeds", "dev", "dev-world odd (tuning)"))
"""The sets the scorer learns from; the even half of dev-world stays out of it."""
SEED = 13
MIN_COUNT = 2
"""Features seen fewer times than this are left out of the vocabulary."""
C = 0.5
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.3, 0.96, 0.05))
Key = tuple[str, str, str]


@dataclass
class Sample:
    """A pair of a sentence: its article, sentence text, actors, features, and whether a rule links it."""

    article: str
    sentence: str
    a: str
    b: str
    names: list[str]
    linked: bool
    rule_keys: set[Key] = field(default_factory=set)
    """The keys of the rules' events that link the pair in the sentence."""
    labels: set[str] = field(default_factory=set)
    forward: bool | None = None


class Recorder:
    """Stands in for the scorer while the rules read the training articles: keeps every pair."""

    def __init__(self) -> None:
        self.article = ""
        self.samples: list[Sample] = []

    def readings(
        self,
        doc: Doc,
        mentions: list[Mention],
        events: Iterable[Event],
        triggers: Mapping[str, Iterable[Trigger]],
    ) -> list[Any]:
        events = list(events)
        ruled = [e.type.value for e in events]
        for pair in actor_pairs(mentions):
            rule_keys = {
                k
                for e in events
                if {e.source, e.target} == {pair.a, pair.b}
                for k in keys(e.model_dump(mode="json"))
            }
            self.samples.append(
                Sample(
                    self.article,
                    doc.text,
                    pair.a,
                    pair.b,
                    features(doc, pair, ruled, triggers),
                    bool(rule_keys),
                    rule_keys,
                )
            )
        return []


def _articles(gold_set: GoldSet) -> list[Article]:
    path = DATA / gold_set.corpus / f"{gold_set.corpus}.jsonl"
    read = read_paths([path], Settings().max_article_bytes)
    return [item for _, item in read if isinstance(item, Article) and gold_set.keeps(item.id)]


def _gold(gold_set: GoldSet) -> dict[str, list[dict[str, Any]]]:
    gold = load_gold((DATA / gold_set.corpus / f"{gold_set.corpus}.gold.jsonl").read_bytes())
    return {a: events for a, events in gold.items() if gold_set.keeps(a)}


def _states(sentence: str, evidence: str) -> bool:
    """Whether a gold event's evidence is (or holds, or lies in) the sentence."""
    wanted = normalise(evidence).text.strip()
    return bool(wanted) and (sentence[:60] in wanted or wanted[:60] in sentence)


def _label(samples: list[Sample], gold: dict[str, list[dict[str, Any]]]) -> None:
    for sample in samples:
        for event in gold.get(sample.article, ()):
            if not _states(sample.sentence, str(event.get("evidence") or "")):
                continue
            for kind, source, target in keys(event):
                if {source, target} == {sample.a, sample.b}:
                    sample.labels.add(kind)
                    if PloverType(kind) not in SYMMETRIC_TYPES:
                        sample.forward = source == sample.a


def collect() -> tuple[list[Sample], dict[str, set[Key]], dict[str, set[Key]]]:
    """The labelled samples, and per article the keys of the rules' events and of the gold."""
    recorder = Recorder()
    nlp = spacy.load(DEFAULT_MODEL, exclude=list(EXCLUDED_PIPES))
    extractor = SpacyExtractor(nlp, load_kb(), load_rules(), EXTRACTOR_VERSION, recorder)  # type: ignore[arg-type]
    ruled: dict[str, set[Key]] = {}
    gold_keys: dict[str, set[Key]] = {}
    for gold_set in TRAINING:
        gold = _gold(gold_set)
        start = len(recorder.samples)
        for article in _articles(gold_set):
            recorder.article = article.id
            events = extractor.extract(article)
            ruled[article.id] = {k for e in events for k in keys(e.model_dump(mode="json"))}
            gold_keys[article.id] = {k for e in gold.get(article.id, ()) for k in keys(e)}
        _label(recorder.samples[start:], gold)
    return recorder.samples, ruled, gold_keys


def _matrix(samples: Sequence[Sample], index: dict[str, int]) -> csr_matrix:
    rows, cols = [], []
    for r, sample in enumerate(samples):
        for c in sorted({index[n] for n in sample.names if n in index}):
            rows.append(r)
            cols.append(c)
    return csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(samples), len(index)))


def train(samples: Sequence[Sample], c: float = C) -> PairScorer:
    """A scorer fitted to ``samples`` (its threshold left at 0.5)."""
    counts = Counter(n for s in samples for n in set(s.names))
    vocabulary = sorted(n for n, k in counts.items() if k >= MIN_COUNT)
    index = {n: i for i, n in enumerate(vocabulary)}
    x = _matrix(samples, index)
    classes = sorted({label for s in samples for label in s.labels})
    weights = np.zeros((len(vocabulary), len(classes)), np.float32)
    bias = np.zeros(len(classes), np.float32)
    for k, kind in enumerate(classes):
        y = np.array([kind in s.labels for s in samples])
        model = LogisticRegression(C=c, max_iter=2000, random_state=SEED).fit(x, y)
        weights[:, k], bias[k] = model.coef_[0], model.intercept_[0]
    directed = [i for i, s in enumerate(samples) if s.forward is not None]
    y = np.array([samples[i].forward for i in directed])
    model = LogisticRegression(C=c, max_iter=2000, random_state=SEED).fit(x[directed], y)
    return PairScorer(
        vocabulary, weights, bias, classes, model.coef_[0].astype(np.float32), float(model.intercept_[0]), 0.5
    )


def _predicted(scorer: PairScorer, samples: Iterable[Sample]) -> list[tuple[str, float, Key]]:
    """The best reading of each pair no rule links: article, probability, key."""
    out = []
    for s in samples:
        if s.linked:
            continue
        probs, forward = scorer.probabilities(s.names)
        best = int(np.argmax(probs))
        kind = scorer.classes[best]
        if PloverType(kind) in SYMMETRIC_TYPES:
            pair = tuple(sorted((s.a, s.b)))
        else:
            pair = (s.a, s.b) if forward >= 0.5 else (s.b, s.a)
        out.append((s.article, float(probs[best]), (kind, *pair)))
    return out


def _score(
    predicted: list[tuple[str, float, Key]], ruled: dict[str, set[Key]], gold: dict[str, set[Key]], t: float
) -> tuple[Counts, Counts]:
    """With the rules' keys, and the added keys alone."""
    total, added = Counts(), Counts()
    for article, found in ruled.items():
        extra = {k for a, p, k in predicted if a == article and p >= t} - found
        union = found | extra
        total.tp += len(union & gold[article])
        total.fp += len(union - gold[article])
        total.fn += len(gold[article] - union)
        added.tp += len(extra & gold[article])
        added.fp += len(extra - gold[article])
    return total, added


def cross_validate(
    samples: list[Sample], ruled: dict[str, set[Key]], gold: dict[str, set[Key]], folds: int, c: float = C
) -> list[tuple[float, Counts, Counts]]:
    """Per threshold, the figures on held-out articles (each fold of articles predicted by a scorer
    trained on the others)."""
    articles = sorted(ruled)
    rng = np.random.default_rng(SEED)
    order = [articles[i] for i in rng.permutation(len(articles))]
    fold_of = {a: n % folds for n, a in enumerate(order)}
    predicted: list[tuple[str, float, Key]] = []
    for f in range(folds):
        scorer = train([s for s in samples if fold_of[s.article] != f], c)
        predicted += _predicted(scorer, (s for s in samples if fold_of[s.article] == f))
    return [(t, *_score(predicted, ruled, gold, t)) for t in THRESHOLDS]


def save(scorer: PairScorer, path: Path) -> None:
    """Write the scorer's arrays to ``path``."""
    vocabulary = sorted(scorer.index, key=scorer.index.__getitem__)
    np.savez_compressed(
        path,
        vocabulary=np.array(vocabulary),
        weights=scorer.weights.astype(np.float16),
        bias=scorer.bias,
        classes=np.array(scorer.classes),
        direction=scorer.direction.astype(np.float16),
        direction_bias=np.float32(scorer.direction_bias),
        threshold=np.float32(scorer.threshold),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agents.extract.build.pairs", description=__doc__)
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    parser.add_argument("--out", type=Path, default=MODEL, help="file to write (default: the package's)")
    args = parser.parse_args(argv)
    samples, ruled, gold = collect()
    positives = sum(bool(s.labels) for s in samples)
    print(f"samples={len(samples)} positive={positives} articles={len(ruled)}")
    figures = cross_validate(samples, ruled, gold, args.folds)
    for t, total, added in figures:
        print(
            f"threshold={t:.2f} P={total.precision:.3f} R={total.recall:.3f} F1={total.f1:.3f} "
            f"added tp={added.tp} fp={added.fp}"
        )
    base = _score([], ruled, gold, 1.0)[0]
    print(f"rules alone P={base.precision:.3f} R={base.recall:.3f} F1={base.f1:.3f}")
    best = max(figures, key=lambda f: (f[1].f1, f[0]))[0]
    scorer = train(samples)
    scorer.threshold = best
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save(scorer, args.out)
    print(f"threshold={best:.2f} -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
