"""Score extracted events against a gold file, exactly as the annotation guidelines define it.

Keys: a symmetric type gives ``(type, a, b)`` for every unordered pair of its actors, a directed
type ``(type, source, target or "-")``; duplicates within an article count once. Precision,
recall and F1 are micro-averaged over the gold articles; zone and date accuracy are measured on
the keys found in both, where the gold gives a value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})
Key = tuple[str, str, str]
EventDict = Mapping[str, Any]


def keys(event: EventDict) -> set[Key]:
    """The scoring keys of one gold or predicted event."""
    kind = str(event.get("type") or event.get("event_type") or "").upper()
    actors = event.get("actors")
    if actors is None:
        actors = [event.get("source"), event.get("target")]
    actors = [a for a in actors if a]
    if kind in SYMMETRIC:
        unique = sorted(set(actors))
        return {(kind, a, b) for i, a in enumerate(unique) for b in unique[i + 1 :]}
    if event.get("actors") is not None:
        raise ValueError(f"directed type {kind} given as actors: {dict(event)}")
    source, target = event.get("source"), event.get("target") or "-"
    return set() if not source or source == target else {(kind, source, target)}


def load_gold(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """Gold JSON Lines (``{"article": ID, "events": [...]}`` per line) by article id."""
    gold: dict[str, list[dict[str, Any]]] = {}
    for line in data.splitlines():
        if line.strip():
            record = orjson.loads(line)
            gold[record["article"]] = list(record["events"])
    return gold


@dataclass(frozen=True)
class Miss:
    """A false positive or false negative key, with the sentences that stated it."""

    article: str
    key: Key
    evidence: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"article": self.article, "key": list(self.key), "evidence": list(self.evidence)}


@dataclass(frozen=True)
class AttributeMiss:
    """A matched event whose zone or date differs from the gold's: what the gold wants, what came."""

    article: str
    key: Key
    attribute: str
    wanted: tuple[str, ...]
    got: tuple[str, ...]
    evidence: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "key": list(self.key),
            "attribute": self.attribute,
            "wanted": list(self.wanted),
            "got": list(self.got),
            "evidence": list(self.evidence),
        }


@dataclass
class Counts:
    """True positives, false positives and false negatives, with the derived figures."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class EvalResult:
    """Figures of one evaluation, the misses behind them, and the figures per PLOVER type."""

    articles: int
    counts: Counts
    zone: tuple[int, int]
    date: tuple[int, int]
    per_article: dict[str, dict[str, Any]]
    by_type: dict[str, Counts] = field(default_factory=dict)
    false_positives: list[Miss] = field(default_factory=list)
    false_negatives: list[Miss] = field(default_factory=list)
    attribute_misses: list[AttributeMiss] = field(default_factory=list)

    @property
    def zone_accuracy(self) -> float | None:
        return round(self.zone[0] / self.zone[1], 4) if self.zone[1] else None

    @property
    def date_accuracy(self) -> float | None:
        return round(self.date[0] / self.date[1], 4) if self.date[1] else None

    def summary(self) -> dict[str, Any]:
        """The same figures as the reference scorer prints."""
        return {
            "articles": self.articles,
            **self.counts.as_dict(),
            "zone_accuracy": self.zone_accuracy,
            "date_accuracy": self.date_accuracy,
        }

    def as_dict(self, *, errors: bool = False, by_type: bool = False) -> dict[str, Any]:
        out = self.summary()
        if by_type:
            out["by_type"] = {kind: c.as_dict() for kind, c in sorted(self.by_type.items())}
        if errors:
            out["false_positives"] = [m.as_dict() for m in self.false_positives]
            out["false_negatives"] = [m.as_dict() for m in self.false_negatives]
            out["attribute_misses"] = [m.as_dict() for m in self.attribute_misses]
        return out

    def render(self, *, errors: bool = False, by_type: bool = False) -> str:
        """Plain text for a terminal."""
        s = self.summary()
        lines = [
            f"articles={s['articles']} tp={s['tp']} fp={s['fp']} fn={s['fn']} "
            f"P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} "
            f"zone={_fmt(s['zone_accuracy'])} date={_fmt(s['date_accuracy'])}"
        ]
        if by_type:
            lines.append(f"{'type':<10} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>6} {'R':>6} {'F1':>6}")
            for kind, c in sorted(self.by_type.items()):
                figures = f"{c.precision:>6.3f} {c.recall:>6.3f} {c.f1:>6.3f}"
                lines.append(f"{kind:<10} {c.tp:>4} {c.fp:>4} {c.fn:>4} {figures}")
        if errors:
            for label, misses in (("FP", self.false_positives), ("FN", self.false_negatives)):
                for miss in misses:
                    lines.append(f"{label} {miss.article} {' '.join(miss.key)}")
                    lines.extend(f"    | {text}" for text in miss.evidence)
            for wrong in self.attribute_misses:
                wanted, got = ",".join(wrong.wanted), ",".join(wrong.got) or "-"
                lines.append(
                    f"{wrong.attribute.upper()} {wrong.article} {' '.join(wrong.key)} want={wanted} got={got}"
                )
                lines.extend(f"    | {text}" for text in wrong.evidence)
        return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _attributes(events: Iterable[EventDict]) -> dict[Key, dict[str, set[str]]]:
    out: dict[Key, dict[str, set[str]]] = defaultdict(
        lambda: {"zone": set(), "date": set(), "evidence": set()}
    )
    for event in events:
        for key in keys(event):
            for name in ("zone", "date"):
                if event.get(name):
                    out[key][name].add(str(event[name])[:10])
            text = _evidence_text(event.get("evidence"))
            if text:
                out[key]["evidence"].add(text)
    return out


def _evidence_text(evidence: object) -> str | None:
    if isinstance(evidence, Mapping):
        return str(evidence.get("text") or "") or None
    return str(evidence) if evidence else None


def score(gold: Mapping[str, list[EventDict]], predicted: Iterable[EventDict]) -> EvalResult:
    """Score predicted event dicts (``article_id`` or ``article``) against gold events by article."""
    pred: dict[str, list[EventDict]] = defaultdict(list)
    for event in predicted:
        article = event.get("article_id", event.get("article"))
        if article in gold:
            pred[str(article)].append(event)
    total = Counts()
    by_type: dict[str, Counts] = defaultdict(Counts)
    zone, date = [0, 0], [0, 0]
    per_article: dict[str, dict[str, Any]] = {}
    fps: list[Miss] = []
    fns: list[Miss] = []
    wrong: list[AttributeMiss] = []
    for article, events in gold.items():
        gold_attr, pred_attr = _attributes(events), _attributes(pred[article])
        g = set().union(*(keys(e) for e in events)) if events else set()
        p = set().union(*(keys(e) for e in pred[article])) if pred[article] else set()
        total.tp += len(g & p)
        total.fp += len(p - g)
        total.fn += len(g - p)
        for key in g & p:
            by_type[key[0]].tp += 1
        for key in sorted(p - g):
            by_type[key[0]].fp += 1
            fps.append(Miss(article, key, tuple(sorted(pred_attr[key]["evidence"]))))
        for key in sorted(g - p):
            by_type[key[0]].fn += 1
            fns.append(Miss(article, key, tuple(sorted(gold_attr[key]["evidence"]))))
        per_article[article] = {
            "tp": len(g & p),
            "fp": sorted(map(list, p - g)),
            "fn": sorted(map(list, g - p)),
        }
        for key in sorted(g & p):
            for name, hits in (("zone", zone), ("date", date)):
                want, got = gold_attr[key][name], pred_attr[key][name]
                if want:
                    hits[1] += 1
                    hits[0] += bool(want & got)
                    if not want & got:
                        evidence = tuple(sorted(gold_attr[key]["evidence"]))
                        wrong.append(
                            AttributeMiss(
                                article, key, name, tuple(sorted(want)), tuple(sorted(got)), evidence
                            )
                        )
    return EvalResult(
        articles=len(gold),
        counts=total,
        zone=(zone[0], zone[1]),
        date=(date[0], date[1]),
        per_article=per_article,
        by_type=dict(by_type),
        false_positives=fps,
        false_negatives=fns,
        attribute_misses=wrong,
    )


Named = Callable[[str, str], frozenset[str]]
"""The actors an evidence sentence of an article names (or refers to): ``named(article_id, sentence)``."""


def event_actors(event: EventDict) -> tuple[str, ...]:
    """The actors of one gold event: its ``actors``, else its source and target."""
    actors = event.get("actors") or [event.get("source"), event.get("target")]
    return tuple(dict.fromkeys(a for a in actors if a and a != "-"))


@dataclass(frozen=True)
class ActorMiss:
    """A gold event some of whose actors its evidence sentence was not found to name."""

    article: str
    type: str
    missing: tuple[str, ...]
    evidence: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "type": self.type,
            "missing": list(self.missing),
            "evidence": self.evidence,
        }


@dataclass
class ActorCoverage:
    """How many gold events have every actor found as a mention of their evidence sentence."""

    found: int = 0
    total: int = 0
    misses: list[ActorMiss] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.found / self.total if self.total else 0.0

    def as_dict(self, *, errors: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"found": self.found, "events": self.total, "share": round(self.share, 4)}
        if errors:
            out["misses"] = [miss.as_dict() for miss in self.misses]
        return out

    def render(self, *, errors: bool = False) -> str:
        lines = [f"actors found={self.found} events={self.total} share={self.share:.3f}"]
        if errors:
            for miss in self.misses:
                lines.append(f"MISS {miss.article} {miss.type} {' '.join(miss.missing)}")
                lines.append(f"    | {miss.evidence}")
        return "\n".join(lines)


def actor_coverage(gold: Mapping[str, list[EventDict]], named: Named) -> ActorCoverage:
    """The share of gold events whose actors ``named`` finds in their evidence sentence."""
    coverage = ActorCoverage()
    for article, events in gold.items():
        for event in events:
            actors = event_actors(event)
            evidence = _evidence_text(event.get("evidence")) or ""
            if not actors:
                continue
            missing = tuple(a for a in actors if a not in named(article, evidence))
            coverage.total += 1
            if missing:
                coverage.misses.append(ActorMiss(article, str(event.get("type")), missing, evidence))
            else:
                coverage.found += 1
    return coverage
