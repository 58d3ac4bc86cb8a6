"""Ingest throughput and memory: storyline's clean + dedup + story assignment vs a datasketch pipeline.

    python bench/make_corpus.py --n 100000          # once: bench/out/corpus.jsonl
    python bench/bench_ingest.py --n 100000 --datasketch 20000 --memory 25000,50000,100000

Reports, in one run and on the same input:

* ``ours``: clean (storyline.clean) + exact/near-duplicate search (storyline.dedup) + online story
  assignment (storyline.grouping), in memory, batches of 1,000, stories outside the 60-day window
  forgotten; articles per CPU-second (= per core: it is one thread);
* ``ours dedup``: shingling + MinHash + LSH only, the part that ``datasketch`` does;
* ``datasketch``: the same 3-word shingles, ``MinHash(num_perm=128)`` and ``MinHashLSH(threshold=0.5)``
  insert + query per article (on the first ``--datasketch`` articles if that is fewer);
* ``store``: the full ``storyline ingest`` path with SQLite writes, on the first ``--store`` articles;
* peak memory (max RSS) of the ``ours`` pipeline on growing prefixes, each in a fresh process that
  streams its input.

``--dedup-only R`` times only ``ours dedup`` against ``datasketch``, interleaved in one process for R
rounds on the same (pre-read) batches, garbage collected before each side, and reports the medians and
the per-round ratios (CPU time: the cores are shared)::

    python bench/bench_ingest.py --datasketch 20000 --dedup-only 5

``--ref DIR --rounds R`` times the ``ours`` pipeline on ``--n`` articles against copies of ``grouping.py``,
``clean.py`` and ``dedup.py`` in ``DIR`` (e.g. an earlier version), alternating in one process, and
reports the medians and the per-round ratios::

    python bench/bench_ingest.py --n 100000 --ref /tmp/old --rounds 2
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storyline.clean import clean_article, clear_junk_memo  # noqa: E402
from storyline.dedup import Deduplicator, words  # noqa: E402
from storyline.grouping import (  # noqa: E402
    WINDOW_DAYS,
    StoryClusterer,
    article_terms,
    clear_terms_memo,
    parse_date,
)
from storyline.model import Article  # noqa: E402

DEFAULT = ROOT / "bench" / "out" / "corpus.jsonl"


MIN_WORDS = 0  # --min-words: only articles at least this long


def stream(path: Path, n: int, batch: int = 1000) -> Iterator[list[Article]]:
    out: list[Article] = []
    i = 0
    with open(path) as fh:
        for line in fh:
            if i >= n:
                break
            row = json.loads(line)
            if MIN_WORDS and len(row["text"].split()) < MIN_WORDS:
                continue
            i += 1
            out.append(Article.from_dict(row))
            if len(out) == batch:
                yield out
                out = []
    if out:
        yield out


def run_ours(batches: Iterator[list[Article]], dedup_only: bool = False) -> dict:
    """The in-memory ingest pipeline; returns counts and CPU seconds (reading excluded). Starts cold:
    nothing remembered from an earlier run (cleaning's junk lines, article terms)."""
    clear_junk_memo()
    clear_terms_memo()
    dd = Deduplicator(max_items=50_000)
    cl = StoryClusterer()
    window = WINDOW_DAYS * 86400
    newest = None
    cpu = 0.0
    n = dups = 0
    key = 0
    where: dict[int, int] = {}  # dedup key -> clusterer index
    stages = dict.fromkeys(("clean", "dedup", "terms", "assign"), 0.0)
    for arts in batches:
        t = time.process_time()
        if dedup_only:
            texts = [a.text for a in arts]
        else:
            arts = [clean_article(a) for a in arts]
            texts = [a.text for a in arts]
        t1 = time.process_time()
        keys = list(range(key, key + len(arts)))
        key += len(arts)
        hashes, sigs, sizes = dd.features(texts)  # content hashes + signatures from one fold of the batch
        matches, _, _ = dd.add_batch(keys, texts, hashes, sigs, sizes)
        dups += sum(m is not None for m in matches)
        t2 = time.process_time()
        stages["clean"] += t1 - t
        stages["dedup"] += t2 - t1
        if not dedup_only:
            terms = [article_terms(a.text, a.title) for a in arts]
            dates = [parse_date(a.date) for a in arts]
            start = len(cl.terms)
            for j, k in enumerate(keys):  # before the hints: copies of this batch's articles are hints too
                where[k] = start + j
            hints = [where.get(m.earlier) if m is not None else None for m in matches]
            t3 = time.process_time()
            cl.add(terms, dates, hints=hints)
            stages["terms"] += t3 - t2
            stages["assign"] += time.process_time() - t3
            dated = [d for d in dates if d is not None]
            if dated:
                newest = max(dated) if newest is None else max(newest, max(dated))
                for s in [
                    s for s, st in cl.stories.items() if st.last is not None and st.last < newest - window
                ]:
                    for i in cl.forget(s):
                        where.pop(i, None)
            if len(where) > 100_000:  # keys of forgotten articles
                live = {i for st in cl.stories.values() for i in st.members}
                where = {k: i for k, i in where.items() if i in live}
        cpu += time.process_time() - t
        n += len(arts)
    return {"articles": n, "cpu_s": cpu, "per_s": n / cpu if cpu else 0.0, "duplicates": dups,
            "us_per_article": {k: round(v / max(n, 1) * 1e6, 1) for k, v in stages.items()},
            "stories": cl.next_key - 1 if not dedup_only else None,
            "active_stories": len(cl.stories) if not dedup_only else None}  # fmt: skip


def run_datasketch(batches: Iterator[list[Article]], num_perm: int = 128) -> dict:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.5, num_perm=num_perm)
    cpu = 0.0
    n = dups = 0
    for arts in batches:
        t = time.process_time()
        for a in arts:
            w = words(a.text)
            sh = {" ".join(w[i : i + 3]).encode() for i in range(max(1, len(w) - 2))}
            m = MinHash(num_perm=num_perm)
            m.update_batch(list(sh))
            if lsh.query(m):
                dups += 1
            lsh.insert(f"k{n}", m)
            n += 1
        cpu += time.process_time() - t
    return {"articles": n, "cpu_s": cpu, "per_s": n / cpu if cpu else 0.0, "duplicates": dups}


def run_store(path: Path, n: int) -> dict:
    from storyline.corpus import ingest
    from storyline.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        with open(path) as fh, open(src, "w") as out:
            for i, line in enumerate(fh):
                if i >= n:
                    break
                out.write(line)
        t, c = time.perf_counter(), time.process_time()
        with Store(Path(tmp) / "c.db") as s:
            summ = ingest([str(src)], s, progress=False, batch_size=1000)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        size = (Path(tmp) / "c.db").stat().st_size
    return {"articles": summ.read, "cpu_s": cpu, "wall_s": wall, "per_s": summ.read / cpu, "db_mb": size / 1e6,
            "summary": summ.line()}  # fmt: skip


def dup_quality(path: Path, n: int) -> dict:
    """How many perturbed variants are marked as copies, and how many marks point to the same original."""
    rows = [json.loads(line) for _, line in zip(range(n), open(path), strict=False)]

    def origin(i: int) -> str:  # "o<i>-<dev id>" and "v<i>-<base id>" lead back to the dev id
        x = rows[i]["id"]
        while x[:1] in ("o", "v") and "-" in x and x.split("-", 1)[0][1:].isdigit():
            x = x.split("-", 1)[1]
        return x

    arts = [clean_article(Article.from_dict(r)) for r in rows]
    matches, _, _ = Deduplicator(max_items=50_000).add_batch(list(range(len(arts))), [a.text for a in arts])
    variants = [i for i, r in enumerate(rows) if r["id"].startswith("v")]
    marked = [i for i in variants if matches[i] is not None]
    all_marks = [i for i, m in enumerate(matches) if m is not None]
    same = [i for i in all_marks if origin(matches[i].earlier) == origin(i)]
    return {"articles": len(rows), "variants": len(variants), "variants_marked": len(marked),
            "marks": len(all_marks), "marks_same_original": len(same),
            "recall": len(marked) / max(len(variants), 1), "precision": len(same) / max(len(all_marks), 1)}  # fmt: skip


def dedup_rounds(path: Path, n: int, rounds: int, cleaned: bool = False) -> dict:
    """Dedup only, ours and datasketch interleaved in one process, ``rounds`` times; medians of CPU time.
    ``cleaned``: both sides get the texts after :func:`clean_article` (untimed), as in the pipeline."""
    batches = [list(b) for b in stream(path, n)]  # read once: reading is not timed on either side
    if cleaned:
        batches = [[clean_article(a) for a in b] for b in batches]
    ours, ds, ratios = [], [], []
    for _ in range(rounds):
        gc.collect()  # neither side pays for collecting the other's cyclic garbage
        d = run_datasketch(iter(batches))
        gc.collect()
        o = run_ours(iter(batches), dedup_only=True)
        ds.append(d["cpu_s"])
        ours.append(o["cpu_s"])
        ratios.append(d["cpu_s"] / o["cpu_s"])
    med = statistics.median
    return {"corpus": str(path), "articles": n, "min_words": MIN_WORDS, "rounds": rounds, "cleaned": cleaned,
            "ours_us_per_article": round(med(ours) / n * 1e6, 1),
            "datasketch_us_per_article": round(med(ds) / n * 1e6, 1),
            "ratio_median": round(med(ratios), 2), "ratios": [round(r, 2) for r in ratios],
            "ours_duplicates": o["duplicates"], "datasketch_duplicates": d["duplicates"]}  # fmt: skip


def ref_rounds(path: Path, n: int, ref: Path, rounds: int) -> dict:
    """``run_ours`` with the current modules and with the copies in ``ref``, alternating; medians."""
    import importlib.util

    def load(name: str):  # type: ignore[no-untyped-def]
        spec = importlib.util.spec_from_file_location(f"storyline._ref_{name}", ref / f"{name}.py")
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
        return mod

    g, c, d = load("grouping"), load("clean"), load("dedup")
    # modules the split test loads on first use: imported here, so the first timed run does not pay for it
    import scipy.cluster.hierarchy  # noqa: F401
    import scipy.sparse  # noqa: F401

    here = globals()
    names = ("StoryClusterer", "article_terms", "parse_date", "clean_article", "Deduplicator")
    impls = {"current": {k: here[k] for k in names},
             "reference": {"StoryClusterer": g.StoryClusterer, "article_terms": g.article_terms,
                           "parse_date": g.parse_date, "clean_article": c.clean_article,
                           "Deduplicator": d.Deduplicator}}  # fmt: skip
    runs: dict[str, list[dict]] = {k: [] for k in impls}
    for r in range(rounds):
        for name in list(impls) if r % 2 == 0 else list(reversed(impls)):
            here.update(impls[name])
            gc.collect()
            runs[name].append(run_ours(stream(path, n)))
    here.update(impls["current"])
    med = statistics.median
    out: dict = {"articles": n, "rounds": rounds, "reference_dir": str(ref)}
    for name, rs in runs.items():
        out[name] = {"per_s_median": round(med(x["per_s"] for x in rs)), "per_s": [round(x["per_s"]) for x in rs],
                     "us_per_article_median": {k: round(med(x["us_per_article"][k] for x in rs), 1)
                                               for k in rs[0]["us_per_article"]},
                     "stories": rs[0]["stories"], "duplicates": rs[0]["duplicates"]}  # fmt: skip
    out["ratio_per_round"] = [
        round(a["per_s"] / b["per_s"], 3) for a, b in zip(runs["current"], runs["reference"], strict=True)
    ]
    return out


def peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM; ru_maxrss would carry the parent's over exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def memory_child(path: Path, n: int) -> dict:
    base = peak_rss_mb()
    r = run_ours(stream(path, n))
    r["peak_rss_mb"] = peak_rss_mb()
    r["rss_before_mb"] = base
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--datasketch", type=int, default=20_000, help="articles for the datasketch side")
    ap.add_argument("--store", type=int, default=20_000, help="articles for the SQLite ingest (0: skip)")
    ap.add_argument("--memory", default="", help="comma-separated prefix sizes for the peak-memory runs")
    ap.add_argument("--min-words", type=int, default=0, help="use only articles at least this long")
    ap.add_argument(
        "--dup-quality", type=int, default=0, help="only measure near-duplicate marking on N articles"
    )
    ap.add_argument(
        "--dedup-only",
        type=int,
        default=0,
        metavar="R",
        help="only time dedup against datasketch, R interleaved rounds on --datasketch articles (medians)",
    )
    ap.add_argument("--cleaned", action="store_true", help="--dedup-only on cleaned texts (cleaning untimed)")
    ap.add_argument(
        "--ref", type=Path, help="directory with copies of grouping.py, clean.py, dedup.py to time against"
    )
    ap.add_argument("--rounds", type=int, default=2, help="--ref: alternating rounds")
    ap.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    a = ap.parse_args()
    global MIN_WORDS
    MIN_WORDS = a.min_words
    if not a.corpus.exists():
        raise SystemExit(f"{a.corpus} not found: run bench/make_corpus.py first")
    if a.child:
        print(json.dumps(memory_child(a.corpus, a.child)))
        return
    if a.ref:
        print(json.dumps(ref_rounds(a.corpus, a.n, a.ref, a.rounds), indent=2))
        return
    if a.dup_quality:
        print(json.dumps(dup_quality(a.corpus, a.dup_quality), indent=2))
        return
    m = min(a.datasketch, a.n)
    if a.dedup_only:
        print(json.dumps(dedup_rounds(a.corpus, m, a.dedup_only, a.cleaned), indent=2))
        return
    res: dict = {"corpus": str(a.corpus), "min_words": a.min_words, "python": sys.version.split()[0],
                 "cpus": os.cpu_count()}  # fmt: skip
    gc.collect()
    ds = run_datasketch(stream(a.corpus, m))
    gc.collect()  # neither side pays for collecting the other's cyclic garbage
    mine_dd = run_ours(stream(a.corpus, m), dedup_only=True)
    res["datasketch"] = ds
    res["ours_dedup_same_input"] = mine_dd
    res["ours_full_same_input"] = run_ours(stream(a.corpus, m))
    res["ratio_dedup"] = mine_dd["per_s"] / ds["per_s"]
    res["ratio_full_vs_datasketch_dedup"] = res["ours_full_same_input"]["per_s"] / ds["per_s"]
    res["ours_full"] = run_ours(stream(a.corpus, a.n))
    if a.store:
        res["store"] = run_store(a.corpus, min(a.store, a.n))
    if a.memory:
        res["memory"] = {}
        for size in [int(x) for x in a.memory.split(",")]:
            out = subprocess.run(
                [sys.executable, __file__, "--corpus", str(a.corpus), "--child", str(size),
                 "--min-words", str(a.min_words)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            res["memory"][size] = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
