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


def test_content_stems_match_their_definition():
    """The per-token table gives what the plain rule gives: stop words and single letters dropped (single
    digits kept), numbers as written, other words stemmed; also right after the table is cleared."""
    import random

    from storyline import segment
    from storyline.segment import STOPWORDS, _stems, stem

    def plain(norm: str) -> tuple[str, ...]:
        return tuple(
            t if t[0].isdigit() else stem(t)
            for t in tokens(norm)
            if t not in STOPWORDS and len(t) > 1 or t.isdigit()
        )

    words = [
        *sorted(STOPWORDS)[:40],
        "a",
        "x",
        "5",
        "07",
        "12th",
        "3,000",
        "u.s",
        "killed",
        "troops",
        "running",
    ]
    rnd = random.Random(4)
    old_limit = segment._ContentForms.limit
    segment._ContentForms.limit = 50  # cleared many times below
    segment._content_forms.clear()  # (earlier tests may have filled it past the limit)
    try:
        for _ in range(3000):
            norm = " ".join(rnd.choice(words) for _ in range(rnd.randint(0, 12)))
            assert _stems(norm) == plain(norm), norm
            assert len(segment._content_forms) <= 50
    finally:
        segment._ContentForms.limit = old_limit


def test_shingle_tuples_are_shingles_unjoined():
    from storyline.segment import shingle_tuples

    for text in ["", "one", "a b c", "a b c d e", "the 10,000 troops were killed on the river bank at night"]:
        for k in (2, 4, 5):
            got = shingle_tuples(text, k)
            assert {" ".join(g) for g in got} == shingles(text, k)
            assert len(got) == len(shingles(text, k))
