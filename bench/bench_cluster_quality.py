"""Story clustering quality on the dev sets: batch, online, random halves, and the tuned TF-IDF anchor.

    python bench/bench_cluster_quality.py [--seeds 3] [--batch 50]

For ECB+ (../shared/data/dev/ecbplus_articles.jsonl) and UCI headlines (uci_headlines.jsonl), with
storyline's one default setting and no labels at run time (the ``story`` field is removed before
clustering):

* batch: ``storyline.cluster(articles)``, BCubed and pairwise P/R/F1;
* online: the same articles fed to :class:`storyline.grouping.StoryClusterer` in batches of
  ``--batch`` (date order, IDF from the articles seen so far), scored against gold and against batch;
* halves: random halves by topic (ECB+: both events of a topic go together) or by story (UCI),
  ``--seeds`` splits, each half clustered on its own;
* anchor: TF-IDF average-link with its threshold tuned on the gold labels (an upper bound for that
  peer, not a fair competitor).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import storyline  # noqa: E402
from storyline.clean import clean_article  # noqa: E402
from storyline.evaluate.metrics import bcubed, pairwise_prf  # noqa: E402
from storyline.grouping import StoryClusterer, _date_order, article_terms, parse_date  # noqa: E402
from storyline.model import Article  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "dev"
SETS = {"ecbplus": "ecbplus_articles.jsonl", "uci": "uci_headlines.jsonl"}


def load(name: str) -> tuple[list[dict], dict[str, str]]:
    rows = [json.loads(line) for line in (DEV / SETS[name]).open()]
    gold = {r["id"]: r["story"] for r in rows}
    return [{k: v for k, v in r.items() if k != "story"} for r in rows], gold


def labels(groups: list[list[str]]) -> dict[str, int]:
    return {i: k for k, g in enumerate(groups) for i in g}


def online(rows: list[dict], batch: int) -> dict[str, int]:
    arts = [clean_article(Article.from_dict(r)) for r in rows]
    dates = [parse_date(a.date) for a in arts]
    order = _date_order(dates)
    c = StoryClusterer()
    for s in range(0, len(order), batch):
        part = order[s : s + batch]
        c.add([article_terms(arts[i].text, arts[i].title) for i in part], [dates[i] for i in part])
    return {arts[order[j]].id: c.story_of[j] for j in range(len(order))}


def halves(rows: list[dict], gold: dict[str, str], name: str, seed: int) -> list[list[dict]]:
    def key(r: dict) -> str:
        g = gold[r["id"]]
        return g.replace("ecbplus", "").replace("ecb", "") if name == "ecbplus" else g

    ks = sorted({key(r) for r in rows})
    random.Random(seed).shuffle(ks)
    first = set(ks[: len(ks) // 2])
    return [[r for r in rows if key(r) in first], [r for r in rows if key(r) not in first]]


def anchor(rows: list[dict], gold: dict[str, str]) -> tuple[float, float] | None:
    try:
        from storyline.evaluate.peers import tfidf_linkage, tune_threshold
    except ImportError:
        return None
    ids = [r["id"] for r in rows]
    return tune_threshold(tfidf_linkage(rows), ids, gold)


def fmt(prf: tuple[float, float, float]) -> str:
    p, r, f = prf
    return f"P {p:.3f} R {r:.3f} F1 {f:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--batch", type=int, default=50)
    a = ap.parse_args()
    for name in SETS:
        if not (DEV / SETS[name]).exists():
            print(f"{name}: {DEV / SETS[name]} not found, skipped")
            continue
        rows, gold = load(name)
        t = time.perf_counter()
        batch = labels(storyline.cluster(rows))
        dt = time.perf_counter() - t
        print(f"== {name}: {len(rows)} articles, {len(set(gold.values()))} gold stories")
        print(f"  batch    BCubed {fmt(bcubed(gold, batch))} | pairwise {fmt(pairwise_prf(gold, batch))} "
              f"| {len(set(batch.values()))} stories, {dt:.1f} s")  # fmt: skip
        on = online(rows, a.batch)
        print(f"  online   BCubed {fmt(bcubed(gold, on))} | pairwise {fmt(pairwise_prf(gold, on))} "
              f"| {len(set(on.values()))} stories; agreement with batch BCubed F1 {bcubed(batch, on)[2]:.3f}")  # fmt: skip
        fs = []
        for seed in range(a.seeds):
            for half in halves(rows, gold, name, seed):
                g = {r["id"]: gold[r["id"]] for r in half}
                fs.append(bcubed(g, labels(storyline.cluster(half)))[2])
        print(f"  halves   BCubed F1 mean {sum(fs) / len(fs):.3f} min {min(fs):.3f} max {max(fs):.3f} "
              f"({len(fs)} halves: {' '.join(f'{f:.3f}' for f in fs)})")  # fmt: skip
        anc = anchor(rows, gold)
        if anc:
            print(
                f"  anchor   TF-IDF average-link, threshold tuned on gold ({anc[0]:.2f}): BCubed F1 {anc[1]:.3f}"
            )


if __name__ == "__main__":
    main()
