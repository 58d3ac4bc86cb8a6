"""Fit the summary scorer's weights on NeuS train; report ROUGE on NeuS val.

Usage: python tools/fit_summary.py [--train ../shared/data/dev/neus_train.jsonl] [--n 1200]
                                   [--val ../shared/data/dev/neus_val.jsonl]
Target per candidate sentence: the share of its words found in the story's neutral reference summary;
least squares over storyline.summarize.FEATURES. Prints the weights to paste into storyline/summarize.py.
"""

from __future__ import annotations

import argparse
import re

import numpy as np

from storyline.align import align
from storyline.claims import build_claims
from storyline.clean import clean_article
from storyline.evaluate.data import read_stories
from storyline.pipeline import _loaded_count, as_articles
from storyline.provenance import provenance
from storyline.summarize import FEATURES, claim_features

_W = re.compile(r"\w+")


def story_features(articles: list[dict]) -> tuple[list, np.ndarray]:
    arts, _ = as_articles(articles)
    arts = [c for c in (clean_article(a) for a in arts) if len(c.text.split()) >= 5]
    if not arts:
        return [], np.zeros((0, len(FEATURES)))
    al = align(arts)
    pv = provenance(arts, al)
    claims = build_claims(al, pv, [a.id for a in arts], loaded=_loaded_count)
    x = claim_features(claims, al, pv.independent, [a.title for a in arts if a.title], _loaded_count)
    return claims, x


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", default="../shared/data/dev/neus_train.jsonl")
    ap.add_argument("--n", type=int, default=1200)
    args = ap.parse_args()
    xs, ys = [], []
    for story in read_stories(args.train, limit=args.n):
        claims, x = story_features(story.articles)
        ref = set(_W.findall(story.reference.lower()))
        for c in claims:
            words = _W.findall(c.text.lower())
            ys.append(sum(w in ref for w in words) / max(len(words), 1))
        xs.append(x)
    x = np.vstack(xs)
    w = np.linalg.lstsq(np.column_stack([x, np.ones(len(x))]), np.array(ys), rcond=None)[0]
    print(f"sentences={len(ys)} FEATURES={FEATURES}")
    print("WEIGHTS = np.array([" + ", ".join(f"{v:.3f}" for v in w[:-1]) + "])")
    print(f"BIAS = {w[-1]:.3f}")


if __name__ == "__main__":
    main()
