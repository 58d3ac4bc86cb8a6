"""Time `storyline.cluster` against the clustering a user would reach for in scikit-learn, in one run.

The peer: TF-IDF (English stop words, sublinear tf) of title + text, cosine distances, average-link
``AgglomerativeClustering`` cut at distance 0.84 (the threshold tuned on ECB+'s gold labels in
docs/quality.md). Both get the same first N articles of a corpus made by ``bench/make_corpus.py``; both are
timed in CPU seconds of this process, the peer only up to ``--peer-max`` articles (its distance matrix is
N x N: 5,000 articles are 200 MB).

    python bench/make_corpus.py --n 100000               # once: bench/out/corpus.jsonl
    python bench/bench_cluster.py --sizes 1000,2000,5000,10000,20000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import islice
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def peer(rows: list[dict], threshold: float = 0.84) -> int:
    """scikit-learn's TF-IDF + average-link agglomerative clustering; returns the number of clusters."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{r.get('title') or ''}\n{r.get('text') or ''}" for r in rows]
    x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    distance = 1.0 - (x @ x.T).toarray()  # rows are L2-normalised: cosine distance
    distance[distance < 0] = 0.0
    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=threshold, metric="precomputed", linkage="average"
    ).fit(distance)
    return int(model.n_clusters_)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=OUT / "corpus.jsonl")
    ap.add_argument("--sizes", default="1000,2000,5000,10000")
    ap.add_argument("--peer-max", type=int, default=5000, help="largest N given to the peer")
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"no corpus at {args.corpus}: run python bench/make_corpus.py first")
    import storyline

    sizes = [int(n) for n in args.sizes.split(",")]
    with open(args.corpus, encoding="utf-8") as f:
        rows = [json.loads(line) for line in islice(f, max(sizes))]
    storyline.cluster(rows[:50])  # warm the code paths (and the imports) of both
    peer(rows[:50])
    print(
        "| articles | storyline CPU (s) | stories | scikit-learn CPU (s) | clusters | scikit-learn / storyline |"
    )
    print("|---|---|---|---|---|---|")
    for n in sizes:
        part = [dict(r) for r in rows[:n]]
        t = time.process_time()
        stories = len(storyline.cluster(part))
        ours = time.process_time() - t
        if n <= args.peer_max:
            t = time.process_time()
            clusters = peer(rows[:n])
            theirs = time.process_time() - t
            cells = f"{theirs:.2f} | {clusters:,} | {theirs / ours:.1f}x"
        else:
            cells = "not run | | "
        print(f"| {n:,} | {ours:.2f} | {stories:,} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
