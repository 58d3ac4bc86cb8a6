"""Cleaning and sentence-splitting bugs found by the property tests, as tiny inputs."""

from __future__ import annotations

import storyline
from storyline.clean import clean_article, normalize_chars
from storyline.model import Article
from storyline.segment import split_sentences


def test_normalize_chars_composes_after_dropping_invisible_characters():
    # a zero-width space between a letter and a combining accent survived NFC and was dropped after it,
    # so cleaning cleaned text changed it again ("cafe\u0301" -> "caf\u00e9")
    once = normalize_chars("cafe\u200b\u0301")
    assert once == "caf\u00e9"
    assert normalize_chars(once) == once


def test_headline_title_is_normalised_like_a_given_title():
    # '0\x1fA' became the title as is, and '0 A' when the cleaned article was cleaned again
    once = clean_article(Article(id="a", text="0\x1fA"))
    assert once.title == "0 A"
    assert clean_article(once).title == once.title


def test_merged_sentence_pieces_stay_verbatim():
    # pieces were re-joined with a space: '"!@' gave the sentence '"! @', not in the text
    for text in ['"!@', 'Crowds chanted "No more!"#StopTheBridge trended all day on Monday.']:
        sentences = split_sentences(text)
        assert all(s in text for s in sentences), sentences
        assert "".join(sentences).replace(" ", "") == text.replace(" ", "")


def test_mentions_of_merged_sentences_are_verbatim_in_the_cleaned_source():
    rows = [
        {
            "id": "a",
            "text": 'Crowds chanted "No more!"#StopTheBridge trended all day on Monday after the vote.',
        },
        {"id": "b", "text": 'Crowds chanted "No more!" and #StopTheBridge trended all day on Monday.'},
    ]
    doc = storyline.brief(rows).to_dict()
    cleaned = {r["id"]: clean_article(Article.from_dict(r)).text for r in rows}
    for claim in doc["claims"]:
        for m in claim["mentions"]:
            assert m["text"] in cleaned[m["source"]], m
