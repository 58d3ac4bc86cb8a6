"""Run storyline and its peers on one labelled set; per-system metrics and wall time.

storyline's systems are called through the public API only (``storyline.brief``, ``storyline.cluster``,
``storyline.same_claim``, ``storyline.similarity``). When one of them cannot be imported or fails on
every input, its row says so and the peers are still measured.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import data, metrics
from . import peers as peer_systems

Progress = Callable[[str, int, int], None]  # (system, done, total)

CUT_RULE = (
    "each system's sentences in its own order, exact repeats dropped, cut at the word budget "
    "(the sentence that crosses it is truncated)"
)


def _noop(system: str, done: int, total: int) -> None:
    return None


def _storyline_summarizer() -> Callable[[list[dict[str, Any]], int], list[str]]:
    import storyline

    def run(articles: list[dict[str, Any]], words: int) -> list[str]:
        return [s.text for s in storyline.brief(articles, words=words).summary]

    return run


def _warm_up(fn: Callable[..., Any], *args: Any) -> None:
    """Call ``fn`` once untimed so that imports and caches do not count in its wall time."""
    try:
        fn(*args)
    except Exception:  # noqa: BLE001 - the timed run reports failures
        pass


def _mean(xs: Sequence[float]) -> float:
    return float(np.mean(xs)) if len(xs) else 0.0


def _speed(systems: dict[str, dict[str, Any]], ours: str = "storyline") -> None:
    """Add ``speedup`` to each peer row (the peer's seconds over storyline's; >1: storyline is faster),
    then round the seconds."""
    mine = systems.get(ours, {})
    if mine.get("available") and mine.get("seconds"):
        for name, row in systems.items():
            if not name.startswith(ours) and name != "oracle" and row.get("seconds") is not None:
                row["speedup"] = round(row["seconds"] / mine["seconds"], 2)
    for row in systems.values():
        if row.get("seconds") is not None:
            row["seconds"] = round(row["seconds"], 4)


def evaluate_summary(
    path: str | Path,
    peers: bool = True,
    limit: int | None = None,
    words: int | None = None,
    progress: Progress | None = None,
    oracle: bool = False,
) -> dict[str, Any]:
    """ROUGE F1 of storyline's cited summary and the peers' against the references.

    Every system's output is cut by the same rule (:func:`peers.cut`) to ``words`` words, or to the
    reference's length in words when ``words`` is None. ``oracle`` adds the greedy best-sentence
    oracle, which reads the references (a ceiling for extractive systems).
    """
    progress = progress or _noop
    stories = data.read_stories(path, limit=limit)
    budgets = [words or metrics.word_count(s.reference) for s in stories]
    mine = _storyline_summarizer()
    # Each system sees fresh copies of the articles (never the reference), except the oracle.
    systems: dict[str, Callable[[data.SummaryStory, int], list[str]]] = {
        "storyline": lambda story, n: mine([dict(a) for a in story.articles], n)
    }
    if peers:
        for name, rank in peer_systems.SUMMARY_PEERS.items():
            systems[name] = lambda story, n, rank=rank: rank([dict(a) for a in story.articles])
    if oracle:
        systems["oracle"] = lambda story, n: peer_systems.oracle(story.articles, story.reference, n)
    rows: dict[str, dict[str, Any]] = {}
    r1: dict[str, list[float]] = {}
    for name, system in systems.items():
        _warm_up(system, stories[0], budgets[0])
        scores: dict[str, list[float]] = {k: [] for k in metrics.ROUGE_TYPES}
        lengths: list[int] = []
        errors: list[str] = []
        seconds = 0.0
        for i, (story, budget) in enumerate(zip(stories, budgets, strict=True)):
            t0 = time.perf_counter()
            try:
                out = system(story, budget)
            except Exception as err:  # noqa: BLE001 - a failing story scores 0 and is counted
                out = []
                if len(errors) < 5:
                    errors.append(f"{story.id}: {type(err).__name__}: {err}")
                else:
                    errors.append("")
            seconds += time.perf_counter() - t0
            summary = peer_systems.cut(out, budget)
            lengths.append(sum(len(s.split()) for s in summary))
            r = metrics.rouge("\n".join(summary), story.reference) if summary else dict.fromkeys(scores, 0.0)
            for k in scores:
                scores[k].append(r[k])
            progress(name, i + 1, len(stories))
        rows[name] = {
            "available": len(errors) < len(stories),
            **{k: round(100 * _mean(v), 2) for k, v in scores.items()},
            "words": round(_mean(lengths), 1),
            "seconds": seconds,
            "failed": len(errors),
        }
        if errors:
            rows[name]["errors"] = [e for e in errors if e]
        r1[name] = scores["rouge1"]
    if rows.get("storyline", {}).get("available"):
        for name in r1:
            if name != "storyline":
                gap, lo, hi = metrics.paired_bootstrap(r1["storyline"], r1[name])
                rows[name]["r1_gap"] = round(100 * gap, 2)
                rows[name]["r1_gap_ci95"] = [round(100 * lo, 2), round(100 * hi, 2)]
    _speed(rows)
    return {
        "task": "summary",
        "data": str(path),
        "items": len(stories),
        "budget": f"{words} words" if words else "reference length in words",
        "mean_budget": round(_mean(budgets), 1),
        "cut_rule": CUT_RULE,
        "metric": "rouge-score F1 x 100 (stemming on; sentences on lines for rougeLsum), mean over stories; "
        "r1_gap = storyline's R-1 minus the peer's, with a 95% paired bootstrap interval over stories",
        "systems": rows,
    }


def _cluster_scores(gold: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    bp, br, bf = metrics.bcubed(gold, pred)
    pp, pr, pf = metrics.pairwise_prf(gold, pred)
    return {
        "bcubed_p": round(100 * bp, 2),
        "bcubed_r": round(100 * br, 2),
        "bcubed_f1": round(100 * bf, 2),
        "pair_p": round(100 * pp, 2),
        "pair_r": round(100 * pr, 2),
        "pair_f1": round(100 * pf, 2),
        "ari": round(100 * metrics.ari(gold, pred), 2),
        "clusters": len(set(pred.values())),
    }


def evaluate_cluster(
    path: str | Path,
    peers: bool = True,
    threshold: float | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """BCubed, pairwise P/R/F1 and ARI of ``storyline.cluster`` and the TF-IDF agglomerative peer.

    The peer's distance threshold is tuned on this set's gold labels (an upper bound for the peer)
    unless ``threshold`` is given.
    """
    progress = progress or _noop
    articles, gold = data.read_labelled_articles(path, limit=limit)
    ids = [a["id"] for a in articles]
    rows: dict[str, dict[str, Any]] = {}
    try:
        import storyline

        _warm_up(storyline.cluster, [dict(a) for a in articles[:2]])
        t0 = time.perf_counter()
        clusters = storyline.cluster([dict(a) for a in articles])
        seconds = time.perf_counter() - t0
        pred, missing, dup = metrics.clusters_to_labels(clusters, ids)
        rows["storyline"] = {
            "available": True,
            **_cluster_scores(gold, pred),
            "seconds": seconds,
            "missing": missing,
            "duplicated": dup,
        }
    except Exception as err:  # noqa: BLE001 - reported in the result, peers still run
        rows["storyline"] = {"available": False, "error": f"{type(err).__name__}: {err}"}
    progress("storyline", 1, 1)
    if peers:
        _warm_up(peer_systems.tfidf_linkage, articles[:2])
        t0 = time.perf_counter()
        z = peer_systems.tfidf_linkage(articles)
        seconds = time.perf_counter() - t0
        if threshold is None:
            t, _ = peer_systems.tune_threshold(z, ids, gold)
            fit = "tuned on this set's gold labels (upper bound)"
        else:
            t, fit = threshold, "given"
        t1 = time.perf_counter()
        pred = peer_systems.cut_tree(z, ids, t)
        seconds += time.perf_counter() - t1
        name = "tfidf-agglomerative"
        rows[name] = {
            "available": True,
            **_cluster_scores(gold, pred),
            "seconds": seconds,
            "threshold": t,
            "threshold_fit": fit,
        }
        progress(name, 1, 1)
    _speed(rows)
    return {
        "task": "cluster",
        "data": str(path),
        "items": len(articles),
        "gold_clusters": len(set(gold.values())),
        "metric": "x 100; BCubed and pairwise averaged over items / pairs; ARI (scikit-learn)",
        "systems": rows,
    }


def _pair_scores(labels: list[int], pred: list[int]) -> dict[str, float]:
    acc, f1 = metrics.accuracy_f1(labels, pred)
    return {"accuracy": round(100 * acc, 2), "f1": round(100 * f1, 2)}


def _auc(labels: list[int], scores: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    return round(100 * float(roc_auc_score(labels, scores)), 2) if len(set(labels)) == 2 else None


def _per_pair(
    fn: Callable[[str, str], Any], pairs: list[data.Pair], name: str, progress: Progress
) -> tuple[list[float], float, int, str]:
    """``fn`` on every pair: ``(outputs, seconds, failures, first error)``; a failure outputs 0."""
    out: list[float] = []
    failed, first, seconds = 0, "", 0.0
    _warm_up(fn, pairs[0].a, pairs[0].b)
    for i, p in enumerate(pairs):
        t0 = time.perf_counter()
        try:
            out.append(float(fn(p.a, p.b)))
        except Exception as err:  # noqa: BLE001 - counted and reported
            out.append(0.0)
            failed += 1
            first = first or f"{type(err).__name__}: {err}"
        seconds += time.perf_counter() - t0
        if i % 200 == 0 or i + 1 == len(pairs):
            progress(name, i + 1, len(pairs))
    return out, seconds, failed, first


def evaluate_similarity(
    path: str | Path,
    peers: bool = True,
    train: str | Path | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Accuracy and F1 of ``storyline.same_claim`` and of the TF-IDF cosine peer on labelled pairs.

    The peer's threshold is the most accurate one on ``train`` (default: on this same file, which
    the result flags). ``storyline.similarity`` is also reported: ROC AUC and the accuracy at its own
    best threshold on this file (an oracle figure, for calibration).
    """
    progress = progress or _noop
    pairs = data.read_pairs(path, limit=limit)
    labels = [p.label for p in pairs]
    rows: dict[str, dict[str, Any]] = {}
    import storyline

    pred, seconds, failed, first = _per_pair(storyline.same_claim, pairs, "storyline same_claim", progress)
    if failed == len(pairs):
        rows["storyline"] = {"available": False, "error": first}
    else:
        rows["storyline"] = {
            "available": True,
            **_pair_scores(labels, [int(bool(x)) for x in pred]),
            "seconds": seconds,
            "failed": failed,
        }
    sims, seconds, failed, first = _per_pair(storyline.similarity, pairs, "storyline similarity", progress)
    if failed < len(pairs):
        s = np.asarray(sims, dtype=float)
        t, _ = peer_systems.best_threshold(s, labels)
        rows["storyline similarity@best"] = {
            "available": True,
            **_pair_scores(labels, [int(x >= t) for x in s]),
            "auc": _auc(labels, s),
            "threshold": round(t, 4),
            "threshold_fit": "this file (oracle, for calibration)",
            "seconds": seconds,
            "failed": failed,
        }
    if peers:
        _warm_up(peer_systems.tfidf_cosine, [pairs[0].a], [pairs[0].b])
        t0 = time.perf_counter()
        s = peer_systems.tfidf_cosine([p.a for p in pairs], [p.b for p in pairs])
        seconds = time.perf_counter() - t0
        if train is None:
            t, _ = peer_systems.best_threshold(s, labels)
            fit = "this file (same data: optimistic)"
        else:
            tr = data.read_pairs(train)
            t, _ = peer_systems.best_threshold(
                peer_systems.tfidf_cosine([p.a for p in tr], [p.b for p in tr]), [p.label for p in tr]
            )
            fit = f"best accuracy on {train}"
        rows["tfidf-cosine"] = {
            "available": True,
            **_pair_scores(labels, [int(x >= t) for x in s]),
            "auc": _auc(labels, s),
            "threshold": round(t, 4),
            "threshold_fit": fit,
            "seconds": seconds,
        }
        progress("tfidf-cosine", 1, 1)
    _speed(rows)
    return {
        "task": "similarity",
        "data": str(path),
        "items": len(pairs),
        "positives": int(sum(labels)),
        "metric": "x 100; accuracy, F1 of label 1, ROC AUC of the score",
        "systems": rows,
    }
