"""Text preparation: folding keeps offsets, boilerplate goes, sentences map back to the original."""

from __future__ import annotations

from agents.extract.rules import load_rules
from agents.extract.text import Normalised, Sentence, is_boilerplate, normalise
from agents.extract.text import sentences as split_sentences

WRAPPING = load_rules().scoring.wrapping


def sentences(norm: Normalised, title: str | None = None) -> list[Sentence]:
    """The sentences of ``norm`` as extraction splits them, with the layout thresholds of the rules."""
    return split_sentences(norm, title, WRAPPING)


def test_folding_keeps_offsets_into_the_original() -> None:
    text = "Çavuşoğlu\u00a0said: \u201cﬁne\u201d \u2014 Erdoğan\u2019s aide."
    norm = normalise(text)
    assert norm.text == 'Cavusoglu said: "fine" - Erdogan\'s aide.'
    start = norm.text.index("Erdogan")
    original = norm.span(start, start + len("Erdogan"))
    assert text[original[0] : original[1]] == "Erdoğan"
    ligature = norm.text.index("fine")
    assert norm.span(ligature, ligature + 4) == (text.index("ﬁ"), text.index("ne") + 2)


def test_ascii_text_is_left_alone() -> None:
    norm = normalise("Plain text.")
    assert norm.text == "Plain text." and norm.span(0, 5) == (0, 5)


def test_sentences_split_after_full_stops_not_abbreviations() -> None:
    norm = normalise("Gen. Smith met the U.S. envoy on Monday. They talked. Mr. Jones left.")
    assert [s.text for s in sentences(norm)] == [
        "Gen. Smith met the U.S. envoy on Monday.",
        "They talked.",
        "Mr. Jones left.",
    ]


def test_sentence_offsets_point_at_the_original_text() -> None:
    text = "Headline Words Here\n\nThe minister\u2019s visit to Ankara ended.\u00a0It was short."
    norm = normalise(text)
    for sentence in sentences(norm):
        start, end = norm.span(sentence.start, sentence.end)
        assert normalise(text[start:end]).text == sentence.text


def test_boilerplate_lines_are_dropped() -> None:
    for line in (
        "Comments are closed.",
        "News / Politics / World",
        "Share this article",
        "By Jane Doe | 3 May 2019",
        "Tuesday, 18 December, 2018",
        "Read more: other things",
        "2 min read",
        "Follow",
    ):
        assert is_boilerplate(line, None), line
    assert not is_boilerplate("The talks in Geneva ended on Friday without a statement.", None)


def test_headline_and_title_are_not_sentences() -> None:
    text = "Ministers Meet In Vienna\nThe ministers met in Vienna on Friday."
    assert [s.text for s in sentences(normalise(text), title=None)] == [
        "The ministers met in Vienna on Friday."
    ]
    same = "The ministers met.\nThe ministers met in Vienna on Friday."
    assert [s.text for s in sentences(normalise(same), title="The ministers met.")] == [
        "The ministers met in Vienna on Friday."
    ]


def test_dateline_is_cut_off() -> None:
    (sentence,) = sentences(normalise("VIENNA (Reuters) - The ministers met on Friday."))
    assert sentence.text == "The ministers met on Friday."


def test_a_wire_credited_in_the_dateline_is_no_caption() -> None:
    text = "VIENNA (Reuters) - The ministers met on Friday.\nTwo ministers (L) shake hands. (AFP photo)"
    flagged = [s.caption for s in sentences(normalise(text))]
    assert flagged == [False, True, True]


def test_photo_captions_are_flagged() -> None:
    text = "Two ministers (L) shake hands in Vienna. (AFP photo)\nThe ministers met on Friday."
    flagged = [s.caption for s in sentences(normalise(text))]
    assert flagged[0] and not flagged[-1]


def test_hard_wrapped_copy_is_joined_before_splitting() -> None:
    text = (
        "MONTEVALE, March 3 - The defence ministers of two neighbouring\n"
        "states agreed on Tuesday to open a hotline between their armies\n"
        "after a week of border incidents. The agreement was signed in a\n"
        "lakeside hotel near the frontier and will be reviewed in a year.\n"
        "\n"
        "Officials said the talks would resume in April."
    )
    got = [s.text for s in sentences(normalise(text))]
    assert got == [
        "The defence ministers of two neighbouring states agreed on Tuesday to open a hotline between"
        " their armies after a week of border incidents.",
        "The agreement was signed in a lakeside hotel near the frontier and will be reviewed in a year.",
        "Officials said the talks would resume in April.",
    ]


def test_a_line_broken_mid_sentence_is_joined_in_web_text() -> None:
    text = "The envoy met the rebel commanders in the\nnorthern town on Sunday, aides said."
    assert [s.text for s in sentences(normalise(text))] == [
        "The envoy met the rebel commanders in the northern town on Sunday, aides said."
    ]


def test_paragraphs_of_web_text_stay_apart() -> None:
    text = (
        "The foreign minister arrived in the capital late on Monday for two days of talks with officials.\n"
        "He is expected to sign a trade agreement and discuss the dispute over fishing rights in the gulf."
    )
    assert len(sentences(normalise(text))) == 2


def test_a_headline_run_into_the_lead_is_cut_off() -> None:
    title = "Ministers Agree Hotline After Border Clashes"
    text = f"{title} The defence ministers agreed on Tuesday to open a hotline."
    assert [s.text for s in sentences(normalise(text), title=title)] == [
        "The defence ministers agreed on Tuesday to open a hotline."
    ]
    glued = "Leaders Gather For Summit On Water RightsThe leaders of three states met on Friday."
    assert [s.text for s in sentences(normalise(glued))] == ["The leaders of three states met on Friday."]


def test_a_title_line_with_a_stray_word_is_not_a_sentence() -> None:
    title = "Navy ships shadow tanker in disputed strait"
    text = f"{title} video\nThe navy said two ships followed the tanker."
    assert [s.text for s in sentences(normalise(text), title)] == [
        "The navy said two ships followed the tanker."
    ]


def test_a_photo_credit_run_into_a_sentence_is_split_off() -> None:
    text = "The minister said the strikes would harm relations with the capital.JANE ROE / AFP - Getty Images"
    got = [s.text for s in sentences(normalise(text))]
    assert got[0] == "The minister said the strikes would harm relations with the capital."
    assert got[1] == "JANE ROE / AFP - Getty Images"


def test_a_sentence_that_starts_like_a_page_widget_is_kept() -> None:
    for line in (
        "Following the talks, the defence minister announced that no operation would take place.",
        "Shared concerns about the dam brought the two governments back to the table.",
        "Updates to the ceasefire map were published by the monitors on Sunday.",
    ):
        assert not is_boilerplate(line, None), line


def test_datelines_with_a_day_are_cut_off_wherever_the_lead_starts() -> None:
    for text in (
        "Byline-XYZ\nValletta, Mar 4: Malta and Tunisia signed a maritime accord on Monday.",
        "Valletta, March 4 (Agency)-- Malta and Tunisia signed a maritime accord on Monday.",
        "Tuesday, March 5, 2024 - Malta and Tunisia signed a maritime accord on Monday.",
    ):
        assert [s.text for s in sentences(normalise(text))] == [
            "Malta and Tunisia signed a maritime accord on Monday."
        ], text
    assert [s.text for s in sentences(normalise("Valletta, the capital, was quiet."))] == [
        "Valletta, the capital, was quiet."
    ]
