"""Fit the summary's word model on NeuS train; cross-validate the whole summary on train.

Usage: python tools/fit_summary.py [--train ../shared/data/dev/neus_train.jsonl] [--n N] [--folds 5] [--c 1.0]

For every story of the training set (all of it unless ``--n``), the pipeline runs up to the claims; each
distinct word stem of the story gives one row per ``j`` = 1..min(count, MAX_COUNT) with the features of
:data:`storyline.summarize.TOKEN_FEATURES` plus a one-hot of the stop word, labelled 1 when the story's
neutral reference uses the stem at least ``j`` times. An L2 logistic regression (scikit-learn, ``C``) is
fitted on them. With ``--folds k`` (> 1) the stories are split into k folds first: for each fold the model
is fitted on the others, the real :func:`storyline.summarize.summarize` runs on the held-out stories, and
their summaries are cut by the evaluation's rule and scored with ROUGE against the references (mean over
stories, x 100). Finally the model is fitted on all stories and the constants to paste into
``storyline/summarize.py`` are printed.
"""

from __future__ import annotations

import argparse
from collections import Counter

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from storyline.align import align
from storyline.claims import build_claims
from storyline.clean import clean_article, normalize
from storyline.evaluate import metrics, peers
from storyline.evaluate.data import read_stories
from storyline.pipeline import _loaded_count, as_articles
from storyline.provenance import provenance
from storyline.summarize import (
    STOP_STEMS,
    TOKEN_FEATURES,
    TokenModel,
    repeat_rows,
    stems,
    summarize,
    word_table,
)

_STOP = {w: k for k, w in enumerate(STOP_STEMS)}


def story_state(articles: list[dict], reference: str) -> dict | None:
    """Everything the summary needs for one story, as the pipeline builds it, and its training rows."""
    arts, _ = as_articles([dict(a) for a in articles])
    arts = [c for c in (clean_article(a) for a in arts) if len(c.text.strip()) >= 15]
    if not arts:
        return None
    al = align(arts)
    pv = provenance(arts, al)
    claims = build_claims(al, pv, [a.id for a in arts], loaded=_loaded_count)
    titles = [a.title for a in arts if a.title]
    words, counts, rows = word_table(al.sentences, [stems(s.norm) for s in al.sentences], titles)
    x, idx, j = repeat_rows(rows, counts)
    ref = Counter(stems(normalize(reference)))
    y = np.array([ref[words[i]] >= k for i, k in zip(idx, j, strict=True)], dtype=float)
    stop = np.array([_STOP.get(words[i], -1) for i in idx], dtype=int)
    return {
        "claims": claims,
        "alignment": al,
        "independent": pv.independent,
        "titles": titles,
        "x": x,
        "y": y,
        "stop": stop,
        "budget": metrics.word_count(reference),
        "reference": reference,
    }


def design(states: list[dict]) -> tuple[sp.csr_matrix, np.ndarray]:
    """Stacked rows: the token features, then a one-hot of the stop word."""
    x = np.vstack([s["x"] for s in states])
    stop = np.concatenate([s["stop"] for s in states])
    rows = np.flatnonzero(stop >= 0)
    onehot = sp.csr_matrix((np.ones(len(rows)), (rows, stop[rows])), shape=(len(x), len(STOP_STEMS)))
    return sp.hstack([sp.csr_matrix(x), onehot]).tocsr(), np.concatenate([s["y"] for s in states])


def fit(states: list[dict], c: float = 1.0) -> TokenModel:
    x, y = design(states)
    m = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    w = m.coef_[0]
    n = len(TOKEN_FEATURES)
    stop_bias = {s: float(v) for s, v in zip(STOP_STEMS, w[n:], strict=True) if abs(v) >= 0.005}
    return TokenModel(weights=w[:n].copy(), bias=float(m.intercept_[0]), stop_bias=stop_bias)


def rouge_of(state: dict | None, model: TokenModel, reference: str, budget: int) -> dict[str, float]:
    if state is None:
        return dict.fromkeys(metrics.ROUGE_TYPES, 0.0)
    out = summarize(
        state["claims"],
        state["alignment"],
        state["independent"],
        words=budget,
        titles=state["titles"],
        model=model,
    )
    cut = peers.cut([s.text for s in out], budget)
    return metrics.rouge("\n".join(cut), reference) if cut else dict.fromkeys(metrics.ROUGE_TYPES, 0.0)


def cross_validate(stories: list, states: list, folds: int, c: float, seed: int = 0) -> dict[str, float]:
    """Mean ROUGE F1 x 100 of held-out summaries, each fold's model fitted on the other folds."""
    order = np.random.default_rng(seed).permutation(len(stories))
    parts = [order[k::folds] for k in range(folds)]
    scores: dict[str, list[float]] = {k: [] for k in metrics.ROUGE_TYPES}
    for k, test in enumerate(parts):
        train = [states[i] for p, part in enumerate(parts) if p != k for i in part if states[i] is not None]
        model = fit(train, c)
        fold = {t: [] for t in scores}
        for i in test:
            r = rouge_of(states[i], model, stories[i].reference, metrics.word_count(stories[i].reference))
            for t in scores:
                scores[t].append(r[t])
                fold[t].append(r[t])
        print(
            f"fold {k + 1}: R-1 {100 * np.mean(fold['rouge1']):.2f}  R-2 {100 * np.mean(fold['rouge2']):.2f}"
        )
    return {t: round(100 * float(np.mean(v)), 2) for t, v in scores.items()}


def constants(model: TokenModel) -> str:
    w = ", ".join(f"{v:.3f}" for v in model.weights)
    stop = ", ".join(f'"{k}": {v:.2f}' for k, v in sorted(model.stop_bias.items()))
    return f"TOKEN_WEIGHTS = np.array([{w}])\nTOKEN_BIAS = {model.bias:.3f}\nSTOP_BIAS = {{{stop}}}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", default="../shared/data/dev/neus_train.jsonl")
    ap.add_argument("--n", type=int, default=None, help="first N stories only (default: all)")
    ap.add_argument("--folds", type=int, default=5, help="k-fold CV on train before the final fit (<2: none)")
    ap.add_argument("--c", type=float, default=1.0, help="inverse L2 strength of the logistic regression")
    args = ap.parse_args()
    stories = read_stories(args.train, limit=args.n)
    states = [story_state(s.articles, s.reference) for s in stories]
    print(f"stories={len(stories)} rows={sum(len(s['y']) for s in states if s)} features={TOKEN_FEATURES}")
    if args.folds > 1:
        print(f"{args.folds}-fold CV on train:", cross_validate(stories, states, args.folds, args.c))
    print(constants(fit([s for s in states if s is not None], args.c)))


if __name__ == "__main__":
    main()
