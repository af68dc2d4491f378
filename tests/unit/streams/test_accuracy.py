"""The accuracy report's sets: the halves of the world news set split by the number ending each id."""

from __future__ import annotations

from streams.accuracy import SETS, GoldSet


def test_the_halves_split_by_the_number_that_ends_the_article_id() -> None:
    odd, even = GoldSet("odd", "dev-world", 1), GoldSet("even", "dev-world", 0)
    ids = ["w1-01", "w1-02", "w2-13", "w3-24", "w10-9", "untitled"]
    assert [i for i in ids if odd.keeps(i)] == ["w1-01", "w2-13", "w10-9"]
    assert [i for i in ids if even.keeps(i)] == ["w1-02", "w3-24"]
    assert all(GoldSet("all", "dev-world").keeps(i) for i in ids)


def test_every_corpus_is_reported_and_dev_world_also_in_halves() -> None:
    assert [s.corpus for s in SETS] == ["seeds", "dev", "dev-world", "dev-world", "dev-world"]
    assert [s.parity for s in SETS if s.corpus == "dev-world"] == [None, 1, 0]
