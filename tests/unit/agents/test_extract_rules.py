"""The examples written beside each trigger rule, run as tests: one case per example."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agents.extract.rules import Example, Trigger, load_rules
from schemas import Event
from schemas.event import SYMMETRIC_TYPES, PloverType
from tests.unit.agents.conftest import triples

RULES = load_rules().triggers


def _canonical(kind: str, source: str, target: str | None) -> tuple[str, str, str | None]:
    if PloverType(kind) in SYMMETRIC_TYPES and target is not None:
        source, target = sorted((source, target))
    return kind, source, target


def _cases(positive: bool) -> list[object]:
    return [
        pytest.param(rule, example, id=f"{rule.id}:{example.text[:40]}")
        for rule in RULES
        for example in (rule.positive if positive else rule.negative)
    ]


@pytest.mark.parametrize(("rule", "example"), _cases(positive=True))
def test_positive_example(rule: Trigger, example: Example, extract: Callable[..., list[Event]]) -> None:
    expected = {_canonical(*event) for event in example.events}
    assert expected <= triples(extract(example.text))


@pytest.mark.parametrize(("rule", "example"), _cases(positive=False))
def test_negative_example(rule: Trigger, example: Example, extract: Callable[..., list[Event]]) -> None:
    assert {t for t in triples(extract(example.text)) if t[0] == rule.type} == set()


def test_every_type_has_a_rule_with_examples() -> None:
    covered = {rule.type for rule in RULES if rule.positive}
    assert covered == set(PloverType)
