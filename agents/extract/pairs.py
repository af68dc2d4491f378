"""A learned reading of the actor pairs a parsed sentence names: features of the dependency path
between two mentions, and a linear scorer that gives the pair a PLOVER type and a direction.

The weights are trained by ``python -m agents.extract.build.pairs`` and stored in
``model/pairs.npz``; reading them needs numpy only.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Token

from agents.extract.mentions import Mention
from agents.extract.rules import Trigger
from schemas.event import SYMMETRIC_TYPES, Event, PloverType

MODEL = Path(__file__).parent / "model" / "pairs.npz"
CONTENT = frozenset({"VERB", "NOUN", "ADJ", "ADP", "AUX", "PART"})
"""Parts of speech whose words between two mentions are features."""
MODAL = frozenset({"will", "would", "could", "may", "might", "should", "must", "can", "'ll"})


@dataclass(frozen=True)
class Pair:
    """Two actors of a sentence, named by the closest two mentions that name them, in text order."""

    first: Mention
    second: Mention
    a: str
    b: str


def actor_pairs(mentions: Iterable[Mention]) -> list[Pair]:
    """Each pair of different actors named by different, non-overlapping mentions of a sentence."""
    best: dict[frozenset[str], tuple[int, Pair]] = {}
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    for first, second in itertools.combinations(ordered, 2):
        if second.start < first.end:
            continue
        gap = second.start - first.end
        for a, b in itertools.product(first.actors, second.actors):
            key = frozenset((a, b))
            if a != b and (key not in best or gap < best[key][0]):
                best[key] = (gap, Pair(first, second, a, b))
    return [pair for _, pair in sorted(best.values(), key=lambda v: (v[1].first.start, v[1].second.start))]


def _head(doc: Doc, mention: Mention) -> Token:
    return doc[mention.start : mention.end].root


def _ancestors(tok: Token) -> list[Token]:
    """The token and the tokens above it up to the root."""
    chain = [tok]
    while chain[-1].head != chain[-1] and len(chain) < 30:
        chain.append(chain[-1].head)
    return chain


def _relation(below: Token | None) -> str:
    """How a path joins the common ancestor: the dependency, with the preposition it goes through."""
    if below is None:
        return "self"
    if below.dep_ == "pobj":
        return f"prep:{below.head.lower_}"
    return below.dep_


def _path(doc: Doc, pair: Pair) -> tuple[list[Token], int, list[Token], int]:
    """The words above each mention's head, and how far up each the lowest word governing both is."""
    up1, up2 = _ancestors(_head(doc, pair.first)), _ancestors(_head(doc, pair.second))
    above2 = {t.i: n for n, t in enumerate(up2)}
    n1 = next((n for n, t in enumerate(up1) if t.i in above2), len(up1) - 1)
    return up1, n1, up2, above2.get(up1[n1].i, len(up2) - 1)


def features(
    doc: Doc, pair: Pair, ruled: Iterable[str] = (), triggers: Mapping[str, Iterable[Trigger]] | None = None
) -> list[str]:
    """The features of a pair: the words and relations of the dependency path between its two mentions,
    the verb that governs them, negation and modal words, the words between them, their kinds,
    ``ruled``, the types the rules found in the sentence, and by ``triggers`` (the rules of each trigger
    word) the types the words of the path and the verb can trigger, whatever the rules' conditions."""
    up1, n1, up2, n2 = _path(doc, pair)
    lca = up1[n1]
    rel1 = _relation(up1[n1 - 1] if n1 else None)
    rel2 = _relation(up2[n2 - 1] if n2 else None)
    lemma = lca.lemma_.lower()
    out = [
        f"lca={lemma}",
        f"lca_pos={lca.pos_}",
        f"rels={rel1}|{rel2}",
        f"lca_rels={lemma}|{rel1}|{rel2}",
        f"lca_rel1={lemma}|{rel1}",
        f"lca_rel2={lemma}|{rel2}",
        f"kinds={pair.first.kind}|{pair.second.kind}",
        f"dist={min(pair.second.start - pair.first.end, 12) // 3}",
        f"depth={min(n1, 4)}|{min(n2, 4)}",
    ]
    path = [*up1[1:n1], *up2[1:n2]]
    out += [f"path={t.lemma_.lower()}" for t in path if t.pos_ in CONTENT]
    verb = next((t for t in _ancestors(lca) if t.pos_ in ("VERB", "AUX")), None)
    if verb is not None:
        out.append(f"verb={verb.lemma_.lower()}")
        for child in verb.children:
            if child.dep_ == "neg":
                out.append("neg")
            elif child.dep_ == "aux" and child.lower_ in MODAL:
                out.append(f"modal={child.lower_}")
            elif child.dep_ in ("dobj", "xcomp", "ccomp", "prt"):
                out.append(f"verb_{child.dep_}={child.lemma_.lower()}")
        if verb.dep_ in ("ccomp", "xcomp", "advcl"):
            out.append(f"governor={verb.head.lemma_.lower()}")
    between = doc[pair.first.end : pair.second.start]
    out += [f"between={t.lemma_.lower()}" for t in between if t.pos_ in CONTENT]
    out += [f"rule={kind}" for kind in sorted(set(ruled))]
    if triggers:
        out += [f"lca_type={rule.type.value}" for rule in triggers.get(lemma, ())]
        out += [f"path_type={rule.type.value}" for t in path for rule in triggers.get(t.lemma_.lower(), ())]
        if verb is not None:
            out += [f"verb_type={rule.type.value}" for rule in triggers.get(verb.lemma_.lower(), ())]
    return out


@dataclass(frozen=True)
class Reading:
    """What the scorer makes of a pair: a type, who acts, and the score."""

    type: PloverType
    source: str
    target: str
    score: float
    anchor: Token
    """The word that governs both mentions, for the event's date and zone."""


class PairScorer:
    """Linear scores of a pair's features for each type (or none), and for the first mention acting."""

    def __init__(
        self,
        vocabulary: list[str],
        weights: np.ndarray,
        bias: np.ndarray,
        classes: list[str],
        direction: np.ndarray,
        direction_bias: float,
        threshold: float,
    ) -> None:
        self.index = {name: n for n, name in enumerate(vocabulary)}
        self.weights = weights
        self.bias = bias
        self.classes = classes
        self.direction = direction
        self.direction_bias = direction_bias
        self.threshold = threshold

    @classmethod
    def load(cls, path: Path = MODEL) -> PairScorer:
        """The scorer stored at ``path``."""
        with np.load(path, allow_pickle=False) as data:
            return cls(
                [str(v) for v in data["vocabulary"]],
                data["weights"].astype(np.float32),
                data["bias"].astype(np.float32),
                [str(c) for c in data["classes"]],
                data["direction"].astype(np.float32),
                float(data["direction_bias"]),
                float(data["threshold"]),
            )

    def probabilities(self, names: Iterable[str]) -> tuple[np.ndarray, float]:
        """Per class, the probability the pair states an event of it; and that the first mention acts."""
        rows = sorted({self.index[n] for n in names if n in self.index})
        scores = self.bias + self.weights[rows].sum(axis=0)
        forward = self.direction_bias + float(self.direction[rows].sum())
        return 1.0 / (1.0 + np.exp(-scores)), 1.0 / (1.0 + np.exp(-forward))

    def readings(
        self,
        doc: Doc,
        mentions: list[Mention],
        events: Iterable[Event],
        triggers: Mapping[str, Iterable[Trigger]],
    ) -> list[Reading]:
        """The events of the pairs of ``mentions`` that no event of the rules links, where the scorer
        is sure enough of one (``triggers``: the rules of each trigger word)."""
        events = list(events)
        ruled = [e.type.value for e in events]
        linked = {frozenset((e.source, e.target)) for e in events}
        out = []
        for pair in actor_pairs(mentions):
            if frozenset((pair.a, pair.b)) not in linked:
                reading = self.read(doc, pair, ruled, triggers)
                if reading is not None:
                    out.append(reading)
        return out

    def read(
        self,
        doc: Doc,
        pair: Pair,
        ruled: Iterable[str] = (),
        triggers: Mapping[str, Iterable[Trigger]] | None = None,
    ) -> Reading | None:
        """The pair's most likely event when its probability reaches the threshold; else None."""
        probs, forward = self.probabilities(features(doc, pair, ruled, triggers))
        best = int(np.argmax(probs))
        if probs[best] < self.threshold:
            return None
        plover = PloverType(self.classes[best])
        if plover in SYMMETRIC_TYPES:
            source, target = sorted((pair.a, pair.b))
        else:
            source, target = (pair.a, pair.b) if forward >= 0.5 else (pair.b, pair.a)
        up, n, _, _ = _path(doc, pair)
        return Reading(plover, source, target, float(probs[best]), up[n])
