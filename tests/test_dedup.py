import hashlib
import random
import re

import numpy as np
from corpus_fixtures import EVENTS, make_corpus

from storyline.dedup import (
    BANDS,
    NEAR_CONTAINMENT,
    NEAR_JACCARD,
    NUM_PERM,
    Deduplicator,
    LSHIndex,
    MinHasher,
    content_hash,
    content_hashes,
    equal_bins_bound,
    fingerprints,
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


# --- batch arithmetic against plain references ---------------------------------------------------

TRICKY = [
    "",
    "  ,,, ",
    "a",
    "Hello, World!",
    "tab\tsep\nnew line\u00a0nbsp",
    "Ünïcödé — “quoted” text… isn’t it",
    "İstanbul ΣΟΦΙΑΣ straße \u212a",  # lower() changes length, final sigma
    "emoji 😀 test 𝒜bc words_here",  # above the Basic Multilingual Plane
    "x\x00y z",  # a NUL inside a text
    "snake_case and CamelCase 42",
]


def test_content_hashes_match_the_plain_definition():
    rnd = random.Random(2)
    alphabet = "ab c_.,\u2019\u00e9\u00c9İΣ😀\u00a0-\x00\u212a"
    texts = TRICKY + ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 25))) for _ in range(300)]
    plain = [hashlib.sha1(" ".join(re.findall(r"\w+", t.lower())).encode()).hexdigest() for t in texts]
    assert [content_hash(t) for t in texts] == plain
    assert content_hashes(texts) == plain
    assert content_hashes(texts, chunk_chars=16) == plain  # many small chunks


def test_features_equal_the_separate_functions():
    texts = TRICKY + [a["text"] for a in make_corpus(2)]
    d = Deduplicator()
    hashes, sigs, sizes = d.features(texts)
    assert hashes == [content_hash(t) for t in texts]
    want_sigs, want_sizes = d.signatures(texts)
    assert np.array_equal(sigs, want_sigs) and np.array_equal(sizes, want_sizes)
    assert np.array_equal(sizes, [len(s) for s in shingle_hashes(texts)])
    assert np.array_equal(sigs, MinHasher().signatures(shingle_hashes(texts)))


def test_fingerprint_bound_never_undercounts():
    rnd = np.random.default_rng(4)
    for k in (128, 64, 48):
        a = rnd.integers(0, 2**32, size=(500, k), dtype=np.uint32)
        b = a.copy()
        flip = rnd.random((500, k)) < rnd.random((500, 1))  # 0..100 % of bins differ
        b[flip] = rnd.integers(0, 2**32, size=int(flip.sum()), dtype=np.uint32)
        equal = (a == b).sum(axis=1)
        fa, fb = fingerprints(a), fingerprints(b)
        one = equal_bins_bound(fa, fb, k, planes=1)
        two = equal_bins_bound(fa, fb, k, planes=2)
        assert (two >= equal).all() and (one >= two).all()
        assert (two[equal == k] == k).all()
        assert (two - equal).mean() < 0.1 * (k - equal).mean() + 1  # about 1/16 of the differing bins


def perturbed_texts(n: int, seed: int) -> list[str]:
    """Made-up articles and near copies of them (words dropped, cut, junk added), in random order."""
    rnd = random.Random(seed)
    sents = [s for v in EVENTS.values() for s in v]
    out: list[str] = []
    for k in range(n):
        if k < 10 or rnd.random() < 0.3:
            out.append(" ".join(rnd.sample(sents, rnd.randint(1, 6))))
            continue
        w = rnd.choice(out).split()
        mode = rnd.random()
        if mode < 0.3:
            w = w[: max(2, int(len(w) * rnd.uniform(0.4, 1.0)))]
        elif mode < 0.6:
            w = [x for x in w if rnd.random() > 0.1]
        elif mode < 0.8:
            w = w + rnd.choice(sents).split()
        out.append(" ".join(w))
    return out


def reference_matches(texts: list[str], capacity: int) -> list[tuple | None]:
    """What the rule says, article by article: exact hash of a live article, else the LSH candidate
    (a band of 4 equal values) among the last ``capacity`` articles passing the rule with the highest
    overlap, the earliest on a tie."""
    d = Deduplicator()
    hashes, sigs, sizes = d.features(texts)
    rows = NUM_PERM // BANDS
    exact: dict[str, int] = {}
    owner: dict[int, str] = {}
    out: list[tuple | None] = []
    for i, h in enumerate(hashes):
        live = range(max(0, i - capacity), i)
        if h in exact:
            out.append((exact[h], 1.0, 1.0, True))
        else:
            exact[h], owner[i] = i, h
            best = None
            for c in live if sizes[i] else ():
                eq = sigs[i] == sigs[c]
                if not eq.reshape(BANDS, rows).all(axis=1).any():
                    continue
                js = float(np.mean(eq))
                inter = js * (int(sizes[i]) + int(sizes[c])) / (1.0 + js)
                ov = min(1.0, inter / int(sizes[i]))
                if (js >= NEAR_JACCARD or ov >= NEAR_CONTAINMENT) and (best is None or ov > best[1]):
                    best = (c, ov, js, False)
            out.append(best)
        gone = i - capacity  # leaves when article i is inserted
        if gone >= 0 and owner.get(gone) is not None and exact.get(owner[gone]) == gone:
            del exact[owner.pop(gone)]
    return out


def test_deduplicator_equals_the_article_by_article_rule():
    texts = perturbed_texts(700, seed=9)
    for capacity, batch, margin in [(10_000, 700, 4096), (120, 50, 4096), (90, 700, 64), (40, 1, 4096)]:
        d = Deduplicator(max_items=capacity)
        d.lsh = LSHIndex(NUM_PERM, BANDS, capacity=capacity, margin=margin)
        got: list[tuple | None] = []
        for a in range(0, len(texts), batch):
            part = texts[a : a + batch]
            matches, _, _ = d.add_batch(list(range(a, a + len(part))), part)
            got += [None if m is None else (m.earlier, m.overlap, m.jaccard, m.exact) for m in matches]
        want = reference_matches(texts, capacity)
        assert got == want, (capacity, batch, margin)
        assert sum(m is not None and not m[3] for m in want) > 100  # many near copies were checked
        assert len(d.lsh) == min(capacity, len(texts))


def test_loaded_articles_are_found_and_evicted_in_order():
    texts = perturbed_texts(200, seed=3)
    d0 = Deduplicator()
    hashes, sigs, sizes = d0.features(texts)
    d = Deduplicator(max_items=50)
    for k in range(100):  # as loaded from a store: no checks
        d.add(k, sigs[k], int(sizes[k]), hashes[k])
    matches, _, _ = d.add_batch(list(range(100, 200)), texts[100:])
    for j, m in enumerate(matches):
        if m is not None:
            assert 50 + j <= m.earlier < 100 + j  # only the last 50 articles are remembered
    assert any(m is not None and m.earlier < 100 for m in matches)
    assert d.lsh.candidates(sigs[199]) <= set(range(150, 200))
    assert 199 in d.lsh.candidates(sigs[199])
