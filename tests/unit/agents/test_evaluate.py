"""The scorer agrees with the reference scorer and explains its misses."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from agents.evaluate import actor_coverage, keys, load_gold, score
from agents.extract import Extractor
from agents.extract.pipeline import SpacyExtractor
from schemas import Article

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "gold" / "score.py"

GOLD = [
    {
        "article": "a1",
        "events": [
            {"type": "AGREE", "actors": ["RUS", "TUR", "IRN"], "zone": "IDLIB", "evidence": "They agreed."},
            {"type": "MOBILIZE", "source": "TUR", "zone": "IDLIB", "date": "2019-05-06"},
            {"type": "ASSAULT", "source": "SYR", "target": "SYR_OPP", "date": "2019-05-07"},
            {"type": "ASSAULT", "source": "SYR", "target": "SYR_OPP"},
        ],
    },
    {"article": "a2", "events": [{"type": "CONSULT", "actors": ["USA", "TUR"], "date": "2018-12-23"}]},
    {"article": "a3", "events": []},
]
PRED = [
    {
        "article_id": "a1",
        "type": "AGREE",
        "source": "IRN",
        "target": "RUS",
        "zone": "IDLIB",
        "evidence": {"text": "They agreed.", "start": 0, "end": 12},
    },
    {"article_id": "a1", "type": "AGREE", "source": "RUS", "target": "TUR", "zone": "AFRIN"},
    {
        "article_id": "a1",
        "type": "MOBILIZE",
        "source": "TUR",
        "target": None,
        "zone": "IDLIB",
        "date": "2019-05-06",
    },
    {"article_id": "a1", "type": "ASSAULT", "source": "SYR_OPP", "target": "SYR", "date": "2019-05-07"},
    {"article_id": "a1", "type": "ASSAULT", "source": "SYR", "target": "SYR_OPP", "date": "2019-05-01"},
    {"article_id": "a2", "type": "CONSULT", "source": "TUR", "target": "USA", "date": "2018-12-22"},
    {"article_id": "a3", "type": "REJECT", "source": "SAU", "target": "QAT"},
    {"article_id": "elsewhere", "type": "REJECT", "source": "SAU", "target": "QAT"},
]


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_same_figures_as_the_reference_scorer(tmp_path: Path) -> None:
    gold, pred = _write(tmp_path / "gold.jsonl", GOLD), _write(tmp_path / "pred.jsonl", PRED)
    reference = json.loads(
        subprocess.run(
            [sys.executable, str(REFERENCE), str(gold), str(pred), "--json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    result = score(load_gold(gold.read_bytes()), PRED)
    assert result.summary() == {k: v for k, v in reference.items() if k != "per_article"}
    assert result.per_article == reference["per_article"]


def test_misses_carry_their_evidence() -> None:
    result = score(load_gold(b"".join(json.dumps(g).encode() + b"\n" for g in GOLD)), PRED)
    assert ("a1", ("ASSAULT", "SYR_OPP", "SYR")) in {(m.article, m.key) for m in result.false_positives}
    (agree,) = [m for m in result.false_negatives if m.key == ("AGREE", "IRN", "TUR")]
    assert agree.evidence == ("They agreed.",)
    assert result.by_type["AGREE"].tp == 2 and result.by_type["AGREE"].fn == 1
    text = result.render(errors=True, by_type=True)
    assert "FN a1 AGREE IRN TUR" in text and "| They agreed." in text
    assert set(result.as_dict(errors=True, by_type=True)) >= {
        "f1",
        "by_type",
        "false_positives",
        "false_negatives",
    }


def test_a_matched_event_on_another_day_is_listed_with_both_days() -> None:
    gold = {"a": [{"type": "AGREE", "source": "GRC", "target": "CYP", "date": "2019-05-06", "evidence": "x"}]}
    result = score(
        gold, [{"article_id": "a", "type": "AGREE", "source": "GRC", "target": "CYP", "date": "2019-05-08"}]
    )
    (wrong,) = result.attribute_misses
    assert (wrong.attribute, wrong.wanted, wrong.got) == ("date", ("2019-05-06",), ("2019-05-08",))
    assert "DATE a AGREE CYP GRC want=2019-05-06 got=2019-05-08" in result.render(errors=True)


def test_key_expansion() -> None:
    assert keys({"type": "consult", "actors": ["B", "A", "C", "A"]}) == {
        ("CONSULT", "A", "B"),
        ("CONSULT", "A", "C"),
        ("CONSULT", "B", "C"),
    }
    assert keys({"type": "RETREAT", "source": "USA"}) == {("RETREAT", "USA", "-")}
    assert keys({"type": "ASSAULT", "source": "SYR", "target": "SYR"}) == set()
    with pytest.raises(ValueError, match="directed type"):
        keys({"type": "ASSAULT", "actors": ["A", "B"]})


def test_actor_coverage_counts_events_whose_actors_are_all_named() -> None:
    gold = {
        "a1": [
            {"type": "AGREE", "actors": ["RUS", "TUR", "IRN"], "evidence": "Russia, Turkey and Iran agreed."},
            {"type": "ASSAULT", "source": "TUR", "target": "YPG", "evidence": "Turkey shelled them."},
            {"type": "MOBILIZE", "source": "IRN", "evidence": "Iran held a drill."},
        ]
    }
    named = {"Russia, Turkey and Iran agreed.": {"RUS", "TUR", "IRN"}, "Turkey shelled them.": {"TUR"}}
    coverage = actor_coverage(gold, lambda _article, sentence: frozenset(named.get(sentence, {"IRN"})))
    assert (coverage.found, coverage.total) == (2, 3)
    assert [(m.article, m.type, m.missing) for m in coverage.misses] == [("a1", "ASSAULT", ("YPG",))]
    assert coverage.as_dict()["share"] == 0.6667


def test_actor_coverage_reads_names_and_the_references_extraction_resolves(extractor: Extractor) -> None:
    article = Article(
        id="x1",
        title="Talks",
        text="Hamas fighters fired rockets at Israel on Monday. They said the truce had ended. "
        "Egypt hosted talks. It said the Israelis would come to Cairo, and both sides agreed.",
        published=dt.date(2021, 5, 10),
    )
    assert isinstance(extractor, SpacyExtractor)
    assert extractor.named_in(article, "They said the truce had ended.") == {"HAMAS"}
    assert extractor.named_in(article, "Hamas fighters fired rockets at Israel on Monday.") >= {
        "HAMAS",
        "ISR",
    }
    spanning = "Egypt hosted talks. It said the Israelis would come"
    assert extractor.named_in(article, spanning) >= {"EGY", "ISR"}
