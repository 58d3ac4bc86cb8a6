from storyline.clean import (
    clean_article,
    clean_text,
    deobfuscate,
    is_junk_line,
    looks_like_headline,
    normalize,
)
from storyline.model import Article


def test_junk_lines_removed_and_reported():
    text = (
        "Sorting by\n\u00d7\nHarbor Ferry Resumes Service\nAdvertisements\n"
        "The ferry resumed service on Monday after a two-week halt.\n"
        "Share this:\nWe use cookies to improve your experience. Accept\n"
        "Read more: Ten things to know about ferries\n"
        "Officials said the schedule would return to normal by Friday.\n"
        "Stay tuned to The Example Gazette.\n"
    )
    body, removed, headline = clean_text(text)
    assert headline == "Harbor Ferry Resumes Service"
    assert removed == [
        "Sorting by",
        "\u00d7",
        "Advertisements",
        "Share this:",
        "We use cookies to improve your experience. Accept",
        "Read more: Ten things to know about ferries",
        "Stay tuned to The Example Gazette.",
    ]
    assert body.splitlines() == [
        "The ferry resumed service on Monday after a two-week halt.",
        "Officials said the schedule would return to normal by Friday.",
    ]


def test_real_sentences_are_not_junk():
    for line in [
        "Read more about the plan in the council's report, the mayor said.",
        "The company said it would accept the offer.",
        "By Tuesday, the river had risen by two metres.",
        "Share prices fell 3% on the news.",
    ]:
        assert not is_junk_line(line), line


def test_bylines_are_junk_but_by_phrases_are_not():
    assert is_junk_line("By Jane Doe")
    assert is_junk_line("By Jane Doe, The Example Post")
    assert not is_junk_line("By noon the storm had passed.")


def test_headline_detection():
    assert looks_like_headline("Kim Vows Tough New Policy Amid Tensions")
    assert looks_like_headline("Three dead as storm hits coast", first=True)
    assert not looks_like_headline("Three dead as storm hits coast.", first=True)
    assert not looks_like_headline(
        "The storm hit the coast on Monday and three people died in it", first=False
    )


def test_quotes_and_spaces_normalised():
    body, _, _ = clean_text("He said \u201cwe\u2019ll go\u201d\u00a0 now.\u200b", find_headline=False)
    assert body == 'He said "we\'ll go" now.'


def test_obfuscated_words_match_but_text_is_kept():
    art = clean_article(Article(id="a", text="Three people were k*lled in the crash on the old road today."))
    assert "k*lled" in art.text
    assert "killed" in normalize(art.text)
    assert deobfuscate("They were sh0t and k1lled.") == "They were shot and killed."
    assert deobfuscate("The G7 met; COVID-19 and mp3 stay.") == "The G7 met; COVID-19 and mp3 stay."


def test_title_from_html_is_kept():
    art = clean_article(
        Article(id="a", title="  Given   Title ", text="Short Headline Here\nBody text goes on here.")
    )
    assert art.title == "Given Title"
    assert "Short Headline Here" in art.text


def test_normalize_chars_matches_its_definition():
    """The fast paths (ASCII, nothing to replace, no space runs) give what the plain definition gives:
    translate the quotes, NFC, CR/CRLF to LF, runs of spaces and tabs to one space, strip each line."""
    import random
    import re
    import unicodedata

    from storyline.clean import _QUOTES, normalize_chars

    def plain(text: str) -> str:
        text = unicodedata.normalize("NFC", text.translate(_QUOTES))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return "\n".join(re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n"))

    alphabet = [*"ab C.\n\r\t\f\v'\"é", "  ", "e\u0301", "\u2028", "\x85", "\u0130", *map(chr, _QUOTES)]
    rnd = random.Random(11)
    for _ in range(20000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 25)))
        assert normalize_chars(text) == plain(text), repr(text)


def test_normalize_all_is_normalize_with_the_story_vocabulary(monkeypatch):
    from storyline import clean
    from storyline.clean import normalize_all, vocabulary_of

    story = ["The gunman k*lled three people.", "Police said the shooter was arrested at 10:45."]
    texts = [
        "The gunman k*lled three people.",
        "Stocks rose 3.5% on Friday!",
        "A sh00ter fled",
        "Plain text.",
    ]
    assert normalize_all(texts, story) == [normalize(t, vocabulary_of(story)) for t in texts]
    assert normalize_all(texts, story)[0] == "the gunman killed three people."
    calls = []
    monkeypatch.setattr(clean, "vocabulary_of", lambda s: calls.append(s) or vocabulary_of(s))
    normalize_all(["Nothing masked here, 42 times.", "Plain."], story)
    assert calls == []  # the vocabulary is only built when some text has a masked word
    normalize_all(["The gunman k*lled three people."], story)
    assert len(calls) == 1


def test_cheap_mask_test_never_misses_a_masked_word():
    """``_may_be_masked`` must hold wherever the obfuscation pattern matches (it gates deobfuscation)."""
    import random

    from storyline.clean import _OBFUSCATED, _may_be_masked

    alphabet = [*"abkKlz *#@$!%0123456789.,'-", "\u0130", "\u0131", "\u017f", "\u212a", "é"]
    rnd = random.Random(7)
    for _ in range(30000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
        if _OBFUSCATED.search(text):
            assert _may_be_masked(text), repr(text)
