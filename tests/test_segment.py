from storyline.segment import content_stems, shingles, split_sentences, tokens


def test_abbreviations_and_numbers_survive():
    text = (
        "Sen. Ada Brook met U.S. officials at 3 p.m. on Monday in Washington. "
        "The deal is worth $2.5 billion, or 3.4% of the budget. It passed 52-48."
    )
    assert split_sentences(text) == [
        "Sen. Ada Brook met U.S. officials at 3 p.m. on Monday in Washington.",
        "The deal is worth $2.5 billion, or 3.4% of the budget.",
        "It passed 52-48.",
    ]


def test_quote_spanning_sentences_is_kept_whole():
    text = 'The mayor said "We are ready. We will rebuild." Crews began work on Friday.'
    assert split_sentences(text) == [
        'The mayor said "We are ready. We will rebuild."',
        "Crews began work on Friday.",
    ]


def test_split_inside_abbreviation_in_quote_is_repaired():
    text = 'Details of the "toughest anti-U.S. counteraction" were not disclosed, officials said.'
    assert split_sentences(text) == [text]


def test_paragraphs_are_boundaries():
    assert split_sentences("First line without period\nSecond line.") == [
        "First line without period",
        "Second line.",
    ]


def test_tokens_stems_shingles():
    assert tokens("over 10,000 troops, u.s. forces") == ["over", "10000", "troops", "u.s", "forces"]
    assert content_stems("the troops were killed") == ["troop", "kill"]
    assert shingles("a b c d e f", k=5) == {"a b c d e", "b c d e f"}
