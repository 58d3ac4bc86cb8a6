"""The ingest fast paths give what the plain computations give: remembered article terms, terms
dropped from stories that can no longer be split, LSH look-ups, level merges and densified signatures,
remembered junk lines."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from storyline import clean, dedup, grouping
from storyline.grouping import StoryClusterer, article_terms


def _stream(n: int, topics: int, seed: int) -> tuple[list[dict[str, float]], list[float]]:
    """Made-up article terms, one an hour: each topic has two look-alike events (the topic's words, each
    event's own names), so stories are split and merged again."""
    rnd = random.Random(seed)
    events = []
    for k in range(topics):
        words = [f"w{k}_{j}" for j in range(10)]
        events += [(words, [f"n{k}_{e}_{j}" for j in range(4)]) for e in range(2)]
    terms = []
    for _ in range(n):
        words, names = events[rnd.randrange(len(events))]
        t = dict.fromkeys(rnd.sample(words, rnd.randint(3, 6)), 1.0)
        t.update(dict.fromkeys(rnd.sample(names, rnd.randint(1, 3)), 3.0))
        t.update(dict.fromkeys([f"common{j}" for j in rnd.sample(range(30), 2)], 1.0))
        terms.append(t)
    return terms, [k * 3600.0 for k in range(n)]


# --- article terms ----------------------------------------------------------------------------------


def test_remembered_terms_are_the_computed_ones() -> None:
    grouping.clear_terms_memo()
    text, title = "Mayor Ann Lee said Lee, 54, spent $1,200,000 and 1200000.", "Port Ellis budget"
    first = article_terms(text, title)
    assert article_terms(text, title) is first  # an exact copy: the same dict
    grouping.clear_terms_memo()
    again = article_terms(text, title)
    assert again is not first and list(again.items()) == list(first.items())
    assert again["1200000"] == 2 * grouping.ENTITY_WEIGHT and again["lee"] > again["budget"]
    assert all(type(w) is float for w in again.values())


def test_terms_memo_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grouping._terms_memo, "size", 8)
    grouping.clear_terms_memo()
    texts = [f"Report number {k} from Riverton about the flood" for k in range(50)]
    got = [article_terms(t) for t in texts]
    assert len(grouping._terms_memo) <= 16
    grouping.clear_terms_memo()
    assert [list(article_terms(t).items()) for t in texts] == [list(g.items()) for g in got]


# --- terms dropped from big stories ---------------------------------------------------------------


class _KeepsTerms(StoryClusterer):
    def _drop_terms(self, members) -> None:  # type: ignore[no-untyped-def]
        return None


def _run(cls: type[StoryClusterer], terms: list, dates: list, window: float) -> StoryClusterer:
    c = cls()
    newest = None
    for s in range(0, len(terms), 25):
        c.add(terms[s : s + 25], dates[s : s + 25])
        newest = dates[min(s + 25, len(dates)) - 1]
        for k in [k for k, st in c.stories.items() if st.last is not None and st.last < newest - window]:
            c.forget(k)
    return c


def test_dropping_terms_of_stories_too_big_to_split_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # with a small MAX_SPLIT_SAMPLE stories cross it by joins and by merges; the terms of their articles
    # are never read again, so keeping them gives the same stories, moves and centroids
    monkeypatch.setattr(grouping, "MAX_SPLIT_SAMPLE", 24)
    terms, dates = _stream(1500, 10, seed=4)
    window = 500 * 3600.0
    fast, slow = _run(StoryClusterer, terms, dates, window), _run(_KeepsTerms, terms, dates, window)
    assert sum(new > old for old, new, _ in fast.changes) > 5  # splits
    assert sum(new < old for old, new, _ in fast.changes) > 5  # merges
    assert list(fast.story_of) == list(slow.story_of) and fast.changes == slow.changes
    for k, st in fast.stories.items():
        assert (
            list(st.centroid.items()) == list(slow.stories[k].centroid.items())
            and st.sq == slow.stories[k].sq
        )
    dropped = sum(t is grouping._NO_TERMS for t in fast.terms)
    assert dropped > sum(not t for t in slow.terms)  # more than the forgotten ones went
    # what is left: the articles of live stories that may still be split
    small = {i for st in fast.stories.values() if len(st.members) <= 24 for i in st.members}
    assert {i for i, t in enumerate(fast.terms) if t} <= small


def test_undated_and_dated_articles_keep_their_dates() -> None:
    c = StoryClusterer()
    keys = c.add([{"harbour": 1.0, "bridge": 1.0}, {"harbour": 1.0, "bridge": 1.0}], [None, 86400.0])
    st = c.stories[keys[0]]
    assert keys[0] == keys[1] and st.first == st.last == 86400.0
    assert math.isnan(c.dates[0]) and c.dates[1] == 86400.0


# --- dedup ----------------------------------------------------------------------------------------


def _plain_lookup(levels: list, ck: np.ndarray, rows: np.ndarray) -> tuple[list, list]:
    out_r, out_o = [], []
    for keys, ords in levels:
        if not len(keys):
            continue
        lo = np.searchsorted(keys, ck, "left")
        hi = np.searchsorted(keys, ck, "right")
        for t in range(len(ck)):
            out_r += [int(rows[t])] * int(hi[t] - lo[t])
            out_o += ords[lo[t] : hi[t]].tolist()
    return out_r, out_o


def test_lsh_lookup_finds_every_equal_key_in_order() -> None:
    rng = np.random.default_rng(5)
    idx = dedup.LSHIndex(num_perm=16, bands=4, capacity=500, margin=64)
    base = rng.integers(0, 2**32, size=(40, 16), dtype=np.uint64).astype(np.uint32)
    for k in range(600):  # copies of a few signatures: runs of equal band keys
        sig = base[rng.integers(0, 40)].copy()
        sig[rng.integers(0, 16)] = rng.integers(0, 2**32)
        idx.insert(k, sig, 10)
    idx.flush()
    q = idx.combined(
        idx.band_keys(np.concatenate([base[:10], rng.integers(0, 2**32, (5, 16)).astype(np.uint32)]))
    )
    ck, rows = q.ravel(), np.repeat(np.arange(15), 4)
    order = np.argsort(ck, kind="stable")
    r, o = idx.lookup(ck, rows)
    want_r, want_o = _plain_lookup(idx._levels, ck[order], rows[order])
    assert r.tolist() == want_r and o.tolist() == want_o and len(want_r) > 100


@pytest.mark.parametrize("upto", [0, 1 << 30])
def test_level_merges_keep_the_earlier_run_first(monkeypatch: pytest.MonkeyPatch, upto: int) -> None:
    monkeypatch.setattr(dedup, "_TIMSORT_UPTO", upto)  # the mask merge and the stable-sort merge
    rng = np.random.default_rng(upto % 7)
    for _ in range(50):
        ak = np.sort(rng.integers(0, 30, rng.integers(1, 40)).astype(np.uint64))
        bk = np.sort(rng.integers(0, 30, rng.integers(1, 40)).astype(np.uint64))
        ao, bo = np.arange(len(ak)), np.arange(100, 100 + len(bk))
        keys, ords = dedup._merge(ak, ao, bk, bo)
        want = sorted(
            [(int(k), 0, int(o)) for k, o in zip(ak, ao, strict=True)]
            + [(int(k), 1, int(o)) for k, o in zip(bk, bo, strict=True)]
        )
        assert keys.tolist() == [k for k, _, _ in want] and ords.tolist() == [o for _, _, o in want]


def test_rewriting_the_large_level_drops_evicted_items_only() -> None:
    rng = np.random.default_rng(9)
    idx = dedup.LSHIndex(num_perm=16, bands=4, capacity=100, margin=16)
    idx.next = 300
    bk = np.sort(idx.combined(rng.integers(0, 1 << 20, (400, 4)).astype(np.uint64)).ravel())
    bo = rng.integers(0, 300, len(bk))
    rk = np.sort(idx.combined(rng.integers(0, 1 << 20, (50, 4)).astype(np.uint64)).ravel())
    ro = rng.integers(250, 300, len(rk))
    keep = bo >= 200
    keys, ords = idx._rewrite(bk, bo, rk, ro)
    want_k, want_o = dedup._merge(bk[keep], bo[keep], rk, ro)
    assert np.array_equal(keys, want_k) and np.array_equal(ords, want_o)


def _plain_densify(sig: np.ndarray, empty: int) -> np.ndarray:
    out = sig.copy()
    n, k = sig.shape
    for r in range(n):
        full = [j for j in range(k) if sig[r, j] != empty]
        if not full:
            continue
        for j in range(k):
            if sig[r, j] == empty:
                d = next(d for d in range(1, k + 1) if sig[r, (j + d) % k] != empty)
                out[r, j] = (int(sig[r, (j + d) % k]) + d * 0x9E3779B9) % 2**32
    return out


def test_densified_signatures_borrow_from_the_next_full_bin() -> None:
    rng = np.random.default_rng(2)
    empty = 0xFFFFFFFF
    for trial in range(40):
        sig = rng.integers(0, empty, (6, 16), dtype=np.uint64).astype(np.uint32)
        sig[rng.random(sig.shape) < rng.random()] = empty
        if trial % 5 == 0:
            sig[1] = empty  # a row with nothing to borrow stays empty
        assert np.array_equal(dedup._densify(sig.copy(), np.uint32(empty)), _plain_densify(sig, empty))


# --- cleaning -------------------------------------------------------------------------------------


def test_remembered_junk_lines_clean_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clean._junk_memo, "size", 4)
    body = "Share this article\nThe Marsh River rose overnight.\nAdvertisement\nCrews closed the Old Mill bridge."
    texts = [body, body.replace("overnight", "on Tuesday"), "x" * 500 + "\nRead more: the flood", body]
    first = [clean.clean_text(t) for t in texts]
    assert len(clean._junk_memo) <= 8
    clean.clear_junk_memo()
    assert [clean.clean_text(t) for t in texts] == first
    assert first[0][1] == ["Share this article", "Advertisement"]
