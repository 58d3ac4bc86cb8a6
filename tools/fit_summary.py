"""Fit the summary's models on NeuS train; cross-validate the whole summary on train.

Usage: python tools/fit_summary.py [--train ../shared/data/dev/neus_train.jsonl] [--n N] [--folds 5] [--c 1.0]
                                   [--lexicon 40] [--trees 40] [--depth 6] [--rate 0.25]
                                   [--out storyline/data/summary_trees.json] [--choice expected-f1|fit]
                                   [--copy-label 0.7] [--tau 0.01] [--reg 1e-4]

For every story of the training set (all of it unless ``--n``) the pipeline runs up to the claims. Then:

1. Word model. Each distinct word stem of the story gives one row per ``j`` = 1..min(count, MAX_COUNT) with
   the features of :data:`storyline.summarize.TOKEN_FEATURES` (the budget is the reference's length) plus a
   one-hot of the word when it is a stop word or a common word (in the articles of at least ``--lexicon``
   training stories, not mostly a capitalised name; the list is made from the articles of all training
   stories, never the references), labelled 1 when the story's neutral reference uses the stem at least
   ``j`` times; L2 logistic regression (``--c``). Then ``--trees`` boosted trees of depth ``--depth``
   (scikit-learn's histogram GBM, learning rate ``--rate``, no early stopping) on the same rows' features
   plus each row's fitted word offset (:data:`storyline.summarize.TREE_FEATURES`); ``--trees 0``: the
   logistic model alone.
2. Choice. ``--choice expected-f1`` (default): the choice score is the expected ROUGE-1 F1 alone; nothing
   more is fitted. ``--choice fit``: a copy model and choice weights, as follows.
   Copy model: each candidate sentence gives one row of :data:`~storyline.summarize.COPY_FEATURES` (the word
   probabilities inside come from a word model not fitted on the story: out of fold), labelled 1 when at
   least ``--copy-label`` of its bigrams are in the reference (and it has 8 tokens or more); L2 logistic
   regression. Choice weights: every allowed choice of candidate sentences (see
   :func:`storyline.summarize.choices`; word and copy models out of fold) gives
   :data:`~storyline.summarize.CHOICE_FEATURES` and the ROUGE-1 F1 of the choice cut by the evaluation's
   rule. The weights maximise the mean over stories of the expected ROUGE-1 under a softmax over each
   story's choices (temperature ``--tau``, L2 ``--reg``): a smooth stand-in for the ROUGE-1 of the
   best-scoring choice.

With ``--folds k`` (> 1) the stories are split into k folds: for each fold the models are fitted on the
other folds, the real :func:`storyline.summarize.summarize` runs on the held-out stories, and their
summaries are cut by the evaluation's rule and scored with ROUGE against the references (mean over stories,
x 100; stories without usable text count as 0). With ``--choice fit`` the copy and choice fits of a fold use
features from out-of-fold word and copy models made once for all stories (stacking), so a fold's choice
weights saw features from models fitted partly on it: a small leak. Finally everything is fitted on all
stories: the trees are written to ``--out`` (run from the repository root) and the constants to paste into
``storyline/summarize.py`` are printed (with ``--choice expected-f1`` the copy constants printed are the
module's, unused).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from storyline.align import align
from storyline.claims import build_claims
from storyline.clean import clean_article, normalize
from storyline.evaluate import metrics, peers
from storyline.evaluate.data import read_stories
from storyline.pipeline import _loaded_count, as_articles
from storyline.provenance import provenance
from storyline.summarize import (
    CHOICE_FEATURES,
    COPY_FEATURES,
    STOP_STEMS,
    TOKEN_FEATURES,
    TokenModel,
    WordTrees,
    choices,
    repeat_rows,
    stems,
    story_copy_features,
    summarize,
    word_table,
)

COPY_MIN_TOKENS = 8


def story_state(articles: list[dict], reference: str) -> dict | None:
    """Everything the summary needs for one story, as the pipeline builds it, and its word-model rows."""
    arts, _ = as_articles([dict(a) for a in articles])
    arts = [c for c in (clean_article(a) for a in arts) if len(c.text.strip()) >= 15]
    if not arts:
        return None
    al = align(arts)
    pv = provenance(arts, al)
    claims = build_claims(al, pv, [a.id for a in arts], loaded=_loaded_count)
    titles = [a.title for a in arts if a.title]
    budget = metrics.word_count(reference)
    words, counts, rows = word_table(al.sentences, [stems(s.norm) for s in al.sentences], titles, budget)
    x, idx, j = repeat_rows(rows, counts)
    ref = Counter(stems(normalize(reference)))
    y = np.array([ref[words[i]] >= k for i, k in zip(idx, j, strict=True)], dtype=float)
    named = {w for w, r in zip(words, rows, strict=True) if r[9]}
    return {
        "claims": claims,
        "alignment": al,
        "titles": titles,
        "x": x,
        "y": y,
        "row_words": [words[i] for i in idx],
        "common": {
            w: w in named for w, r in zip(words, rows, strict=True) if not r[4] and not w[0].isdigit()
        },
        "budget": budget,
        "reference": reference,
        "ref_tokens": metrics.rouge_tokens(reference),
    }


def _ngrams(tokens: tuple[str, ...] | list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def rouge_f1(summary: list[str], ref_tokens: tuple[str, ...], n: int = 1) -> float:
    """ROUGE-n F1 as rouge-score computes it (same tokenizer), without the sentence split it does not need."""
    a, b = _ngrams(metrics.rouge_tokens("\n".join(summary)), n), _ngrams(ref_tokens, n)
    m = sum((a & b).values())
    return 2 * m / (sum(a.values()) + sum(b.values())) if m else 0.0


# --- 1. word model ------------------------------------------------------------------------------------


def lexicon(states: list[dict], min_stories: int) -> tuple[str, ...]:
    """The stop words, then the words (not numbers, not mostly names) of at least ``min_stories`` stories."""
    df: Counter[str] = Counter()
    named: Counter[str] = Counter()
    for s in states:
        df.update(s["common"].keys())
        named.update(w for w, n in s["common"].items() if n)
    common = sorted(w for w, n in df.items() if n >= min_stories and named[w] < n / 2)
    return (*STOP_STEMS, *common)


def design(states: list[dict], words: tuple[str, ...]) -> tuple[sp.csr_matrix, np.ndarray]:
    """Stacked rows: the token features, then a one-hot of the word among ``words``."""
    x = np.vstack([s["x"] for s in states])
    at = {w: k for k, w in enumerate(words)}
    col = np.array([at.get(w, -1) for s in states for w in s["row_words"]], dtype=int)
    rows = np.flatnonzero(col >= 0)
    onehot = sp.csr_matrix((np.ones(len(rows)), (rows, col[rows])), shape=(len(x), len(words)))
    return sp.hstack([sp.csr_matrix(x), onehot]).tocsr(), np.concatenate([s["y"] for s in states])


def fit(
    states: list[dict], words: tuple[str, ...], c: float = 1.0, trees: tuple[int, int, float] = (0, 0, 0.0)
) -> TokenModel:
    """The word model, with one offset per word of ``words`` (copy and choice parts left at their defaults);
    ``trees`` = (number, depth, learning rate): boosted trees on the features plus the fitted offset (0: none)."""
    x, y = design(states, words)
    m = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    w = m.coef_[0]
    n = len(TOKEN_FEATURES)
    bias = {s: float(v) for s, v in zip(words, w[n:], strict=True) if abs(v) >= 0.005}
    forest = None
    if trees[0] > 0:
        offset = np.array([bias.get(r, 0.0) for s in states for r in s["row_words"]])
        forest = fit_trees(np.column_stack([x[:, :n].toarray(), offset]), y, *trees)
    return TokenModel(weights=w[:n].copy(), bias=float(m.intercept_[0]), word_bias=bias, trees=forest)


def fit_trees(x: np.ndarray, y: np.ndarray, number: int, depth: int, rate: float) -> WordTrees:
    """Gradient-boosted trees (scikit-learn's histogram GBM, no early stopping) as complete
    :class:`WordTrees` of depth ``depth``."""
    m = HistGradientBoostingClassifier(
        max_iter=number,
        max_depth=depth,
        max_leaf_nodes=2**depth,
        learning_rate=rate,
        early_stopping=False,
        random_state=0,  # (the feature bins are found on a random subsample of 200,000 rows)
    ).fit(x, y)
    splits = 2**depth - 1
    feature = np.zeros((number, splits), dtype=np.int64)
    threshold = np.full((number, splits), 1e308)  # unused splits: every row goes left
    value = np.zeros((number, splits + 1))
    for t, p in enumerate(m._predictors):
        nodes = p[0].nodes
        todo = [(0, 0)]  # (sklearn node, complete-tree position)
        while todo:
            node, at = todo.pop()
            if at >= splits:  # a leaf at full depth
                value[t, at - splits] = nodes["value"][node]
            elif nodes["is_leaf"][node]:  # above full depth: every row goes left down to the leaf row
                todo.append((node, 2 * at + 1))
            else:
                feature[t, at] = nodes["feature_idx"][node]
                threshold[t, at] = nodes["num_threshold"][node]
                todo += [(nodes["left"][node], 2 * at + 1), (nodes["right"][node], 2 * at + 2)]
    base = float(np.ravel(m._baseline_prediction)[0])
    return WordTrees(base=base, feature=feature, threshold=threshold, value=value)


# --- 2. copy model ------------------------------------------------------------------------------------


def copy_rows(state: dict, model: TokenModel, label: float) -> tuple[np.ndarray, np.ndarray]:
    """Copy-model features of the story's candidate sentences and their labels."""
    sents, x = story_copy_features(
        state["claims"], state["alignment"], state["titles"], model, state["budget"]
    )
    ref2 = _ngrams(state["ref_tokens"], 2)
    y = []
    for k in sents:
        toks = metrics.rouge_tokens(state["alignment"].sentences[k].text)
        grams = _ngrams(toks, 2)
        share = sum((grams & ref2).values()) / max(sum(grams.values()), 1)
        y.append(len(toks) >= COPY_MIN_TOKENS and share >= label)
    return x, np.array(y, dtype=float)


def fit_copy(rows: list[tuple[np.ndarray, np.ndarray]], c: float = 1.0) -> tuple[np.ndarray, float]:
    x = np.vstack([r[0] for r in rows])
    y = np.concatenate([r[1] for r in rows])
    m = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    return m.coef_[0].copy(), float(m.intercept_[0])


# --- 3. choice weights --------------------------------------------------------------------------------


def choice_rows(state: dict, model: TokenModel) -> tuple[np.ndarray, np.ndarray] | None:
    """Features and ROUGE-1 F1 of every allowed choice of the story (None: too many to list)."""
    out = choices(state["claims"], state["alignment"], state["budget"], state["titles"], model)
    if out is None:
        return None
    sents, masks, x = out
    texts = [state["alignment"].sentences[k].text for k in sents]
    y = [
        rouge_f1(peers.cut([texts[k] for k in np.flatnonzero(m)], state["budget"]), state["ref_tokens"])
        for m in masks
    ]
    return x, np.array(y)


def fit_choice(rows: list[tuple[np.ndarray, np.ndarray]], tau: float = 0.01, reg: float = 1e-4) -> np.ndarray:
    """Weights maximising the mean over stories of E[ROUGE-1] under softmax(x @ w / tau) over the choices."""
    lens = np.array([len(y) for _, y in rows])
    x = np.vstack([r[0] for r in rows])
    y = np.concatenate([r[1] for r in rows])
    starts = np.cumsum(lens) - lens
    seg = np.repeat(np.arange(len(rows)), lens)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w / tau
        e = np.exp(z - np.maximum.reduceat(z, starts)[seg])
        p = e / np.add.reduceat(e, starts)[seg]
        ey = np.add.reduceat(p * y, starts)
        grad = ((p * (y - ey[seg]))[:, None] * x).sum(0) / tau / len(rows)
        return -float(ey.mean()) + reg * float(w @ w), -grad + 2 * reg * w

    return minimize(loss, np.eye(x.shape[1])[0], jac=True, method="L-BFGS-B").x


# --- all three ----------------------------------------------------------------------------------------


def fit_all(
    states: list[dict],
    oof: list[TokenModel],
    args: argparse.Namespace,
    copy_oof: list[TokenModel] | None = None,
) -> TokenModel:
    """Word model on ``states``; copy model on their candidates (word probabilities from ``oof``, the
    stories' out-of-fold word models); choice weights on their choices (models ``copy_oof`` if given).
    With ``--choice expected-f1`` only the word model is fitted (``oof`` unused)."""
    token = fit(states, args.words, args.c, args.trees)
    if args.choice == "expected-f1":
        return TokenModel(
            token.weights,
            token.bias,
            token.word_bias,
            choice_weights=np.eye(len(CHOICE_FEATURES))[0],
            trees=token.trees,
        )
    w, b = fit_copy([copy_rows(s, m, args.copy_label) for s, m in zip(states, oof, strict=True)])
    with_copy = copy_oof or [_with(m, w, b) for m in oof]
    rows = [r for s, m in zip(states, with_copy, strict=True) if (r := choice_rows(s, m)) is not None]
    return _with(token, w, b, fit_choice(rows, args.tau, args.reg))


def _with(m: TokenModel, w: np.ndarray, b: float, choice: np.ndarray | None = None) -> TokenModel:
    extra = {} if choice is None else {"choice_weights": choice}
    return TokenModel(m.weights, m.bias, m.word_bias, copy_weights=w, copy_bias=b, trees=m.trees, **extra)


def _parts(n: int, folds: int, seed: int = 0) -> list[np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    return [order[k::folds] for k in range(folds)]


def out_of_fold(states: list[dict], folds: int, args: argparse.Namespace) -> tuple[list, list]:
    """Per story: the word model and the word + copy model fitted on the other folds."""
    parts = _parts(len(states), folds)
    token: list = [None] * len(states)
    for k, test in enumerate(parts):
        m = fit(
            [states[i] for p, part in enumerate(parts) if p != k for i in part],
            args.words,
            args.c,
            args.trees,
        )
        for i in test:
            token[i] = m
    rows = [copy_rows(s, m, args.copy_label) for s, m in zip(states, token, strict=True)]
    both: list = [None] * len(states)
    for k, test in enumerate(parts):
        w, b = fit_copy([rows[i] for p, part in enumerate(parts) if p != k for i in part])
        for i in test:
            both[i] = _with(token[i], w, b)
    return token, both


def cross_validate(stories: list, states: list, args: argparse.Namespace) -> dict[str, float]:
    """Mean ROUGE F1 x 100 of held-out summaries, each fold's models fitted on the other folds."""
    keep = [i for i, s in enumerate(states) if s is not None]
    kept = [states[i] for i in keep]
    pure = args.choice == "expected-f1"
    token, both = ([None] * len(kept),) * 2 if pure else out_of_fold(kept, args.folds, args)
    scores: dict[str, list[float]] = {k: [0.0] * (len(stories) - len(keep)) for k in metrics.ROUGE_TYPES}
    for k, test in enumerate(_parts(len(kept), args.folds)):
        train = [i for p, part in enumerate(_parts(len(kept), args.folds)) if p != k for i in part]
        model = fit_all(
            [kept[i] for i in train], [token[i] for i in train], args, copy_oof=[both[i] for i in train]
        )
        fold: list[float] = []
        for i in test:
            s = kept[i]
            out = summarize(
                s["claims"],
                s["alignment"],
                words=s["budget"],
                titles=s["titles"],
                model=model,
            )
            cut = peers.cut([x.text for x in out], s["budget"])
            r = metrics.rouge("\n".join(cut), s["reference"]) if cut else dict.fromkeys(scores, 0.0)
            for t in scores:
                scores[t].append(r[t])
            fold.append(r["rouge1"])
        print(f"fold {k + 1}: R-1 {100 * np.mean(fold):.2f}", flush=True)
    return {t: round(100 * float(np.mean(v)), 2) for t, v in scores.items()}


def constants(model: TokenModel) -> str:
    def arr(v: np.ndarray) -> str:
        return "np.array([" + ", ".join(f"{x:.3f}" for x in v) + "])"

    stop = ", ".join(f'"{k}": {v:.2f}' for k, v in sorted(model.word_bias.items()))
    return (
        f"TOKEN_WEIGHTS = {arr(model.weights)}\nTOKEN_BIAS = {model.bias:.3f}\nWORD_BIAS = {{{stop}}}\n"
        f"COPY_WEIGHTS = {arr(model.copy_weights)}  # {COPY_FEATURES}\nCOPY_BIAS = {model.copy_bias:.3f}\n"
        f"CHOICE_WEIGHTS = {arr(model.choice_weights)}  # {CHOICE_FEATURES}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", default="../shared/data/dev/neus_train.jsonl")
    ap.add_argument("--n", type=int, default=None, help="first N stories only (default: all)")
    ap.add_argument("--folds", type=int, default=5, help="k-fold CV on train before the final fit (<2: none)")
    ap.add_argument("--c", type=float, default=1.0, help="inverse L2 strength of the word model")
    ap.add_argument("--lexicon", type=int, default=40, help="word offsets for words of >= this many stories")
    ap.add_argument("--copy-label", type=float, default=0.7, help="bigram share that makes a sentence copied")
    ap.add_argument("--tau", type=float, default=0.01, help="softmax temperature of the choice fit")
    ap.add_argument("--reg", type=float, default=1e-4, help="L2 strength of the choice fit")
    ap.add_argument(
        "--choice",
        choices=("expected-f1", "fit"),
        default="expected-f1",
        help="rank choices by the expected ROUGE-1 F1 alone, or by fitted weights over all choice features",
    )
    ap.add_argument("--trees", type=int, default=40, help="boosted trees refining the word model (0: none)")
    ap.add_argument("--depth", type=int, default=6, help="depth of each tree")
    ap.add_argument("--rate", type=float, default=0.25, help="learning rate of the trees")
    ap.add_argument("--out", default="storyline/data/summary_trees.json", help="where the fitted trees go")
    args = ap.parse_args()
    args.trees = (args.trees, args.depth, args.rate)
    stories = read_stories(args.train, limit=args.n)
    states = [story_state(s.articles, s.reference) for s in stories]
    kept = [s for s in states if s is not None]
    args.words = lexicon(kept, args.lexicon) if args.lexicon > 0 else STOP_STEMS
    print(
        f"stories={len(stories)} rows={sum(len(s['y']) for s in kept)} offsets={len(args.words)}", flush=True
    )
    if args.folds > 1:
        print(f"{args.folds}-fold CV on train:", cross_validate(stories, states, args), flush=True)
    pure = args.choice == "expected-f1"
    token, both = ([None] * len(kept),) * 2 if pure else out_of_fold(kept, max(args.folds, 2), args)
    model = fit_all(kept, token, args, copy_oof=both)
    if model.trees is not None:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(model.trees.to_dict(), f, separators=(",", ":"))
        print(f"trees written to {args.out}")
    else:
        print(f"no trees: remove {args.out} for the package to use the logistic word model alone")
    print(constants(model))


if __name__ == "__main__":
    main()
