import random

import numpy as np
from corpus_fixtures import make_corpus

from storyline.dedup import (
    Deduplicator,
    MinHasher,
    content_hash,
    jaccard,
    shingle_hashes,
    token_hashes,
    words,
)


def exact_jaccard(a: str, b: str, k: int = 3) -> float:
    def sh(t: str) -> set:
        w = words(t)
        return {" ".join(w[i : i + k]) for i in range(len(w) - k + 1)}

    x, y = sh(a), sh(b)
    return len(x & y) / len(x | y)


def test_token_hashes_are_stable_and_case_and_punctuation_blind():
    h, counts = token_hashes(["Hello, World!", "hello world", "", "Élan “vital”—x"])
    assert counts.tolist() == [2, 2, 0, 3]
    assert h[0] == h[2] and h[1] == h[3] and h[0] != h[1]
    # stable across calls (stored signatures must stay comparable)
    assert token_hashes(["hello world"])[0].tolist() == h[2:4].tolist()


def test_shingles_short_and_empty_texts():
    sh = shingle_hashes(["a b", "", "one two three four", "One, two; THREE four!"])
    assert len(sh[0]) == 1 and len(sh[1]) == 0 and len(sh[2]) == 2
    assert sh[2].tolist() == sh[3].tolist()


def test_minhash_estimates_jaccard():
    texts = [a["text"] for a in make_corpus(4)]
    rnd = random.Random(3)
    mh = MinHasher()
    errors = []
    for _ in range(60):
        a, b = rnd.sample(texts, 2)
        wa, wb = a.split(), b.split()
        cut = rnd.randrange(1, len(wa))
        mixed = " ".join(wa[:cut] + wb[cut:])
        sig = mh.signatures(shingle_hashes([a, mixed]))
        errors.append(float(jaccard(sig[0], sig[1])) - exact_jaccard(a, mixed))
    assert abs(np.mean(errors)) < 0.03
    assert np.std(errors) < 0.08


def test_empty_text_signature_matches_nothing():
    sig = MinHasher().signatures(shingle_hashes(["", "some words here and more"]))
    assert (sig[0] == np.iinfo(np.uint32).max).all()
    assert jaccard(sig[0], sig[1]) == 0.0


def test_dedup_finds_exact_and_near_copies_not_unrelated():
    base = [a["text"] for a in make_corpus(1)]  # one article per made-up event
    d = Deduplicator()
    matches, _, _ = d.add_batch(list(range(len(base))), base)
    assert all(m is None for m in matches)
    w = base[0].split()
    copies = [
        base[0],  # exact
        base[0].upper() + " ",  # exact after folding
        " ".join(w[: int(len(w) * 0.85)]),  # truncated
        base[0] + " Advertisement. Share this story on social media.",  # junk appended
        base[1],
    ]
    keys = list(range(100, 100 + len(copies)))
    matches, _, _ = d.add_batch(keys, copies)
    assert matches[0].exact and matches[0].earlier == 0
    assert matches[1].exact and matches[1].earlier == 0
    assert not matches[2].exact and matches[2].earlier == 0 and matches[2].overlap > 0.8
    assert matches[3].earlier == 0 and matches[3].overlap > 0.7
    assert matches[4].exact and matches[4].earlier == 1


def test_dedup_within_one_batch_and_eviction():
    d = Deduplicator(max_items=3)
    texts = [
        f"story number {i} " + "about the harbour bridge repairs and the traffic plan " * 3 for i in range(5)
    ]
    matches, _, _ = d.add_batch([1, 2, 3, 4, 5], texts)
    assert matches[0] is None
    assert all(m is not None and not m.exact for m in matches[1:])
    assert len(d.lsh) == 3  # the two oldest left the index
    again = d.add_batch([6], [texts[0]])[0][0]
    assert again is not None and not again.exact and again.earlier in {3, 4, 5}  # its exact hash left too


def test_content_hash_folds_case_punctuation_space():
    assert content_hash("A  flood, closed\nthe road.") == content_hash("a flood closed the road")
    assert content_hash("a flood") != content_hash("a fire")
