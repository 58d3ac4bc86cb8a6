"""Ray engine throughput with 1 and 2 workers, the scaling ratio, and the local engine side by side.

    python bench/bench_scale.py --n 30000 --reps 3            # corpus built with bench/make_corpus.py
    python bench/bench_scale.py --n 30000 --full 10000        # plus end-to-end ingest, local vs Ray
    python bench/bench_scale.py --n 40000 --reps 0 --e2e 3    # end to end, 1 core vs 2 cores, 3 pairs
    python bench/bench_scale.py --n 40000 --reps 0 --steps    # CPU of the streamed near-copy steps

Measured on the same input (``bench/out/scale-<n>.jsonl``, git-ignored: it holds dev-set texts):

* **parallel stages** (read + clean + features + MinHash, LSH shuffle + verify) on a local Ray with
  ``--cpus`` CPUs each (default 1 and 2), each in a fresh process that first runs the same job once
  to warm every worker up (the "startup" figure includes it), repetitions alternating between the
  CPU counts; wall seconds per stage, and CPU-seconds of every process the
  run started (Ray's workers, raylet and GCS included: read from /proc);
* a calibration in the same process: 8 pure-Python busy tasks, to show what a trivially parallel job
  gets from the machine at that moment;
* **local** per-article stages in one process (clean, hash, terms, dates, Deduplicator.add_batch):
  the same work without Ray;
* **driver** story pass (online, batches of 500, duplicate hints: what both engines run in one
  thread), CPU-seconds and wall;
* with ``--full N``: ``storyline ingest`` (local) and ``run_ingest_ray`` (2 CPUs) end to end into a
  SQLite store on the first N articles, and a check that both stores hold the same links and stories;
* with ``--e2e K``: K pairs of end-to-end runs of what ``storyline ingest --engine ray --db --output``,
  ``storyline ingest --engine ray --output`` and ``storyline cluster --engine ray`` do, each in a fresh
  process (interpreter, imports, Ray start-up, run, shutdown: the wall figure), the 1-CPU run pinned
  to one core and ``--cpus 1``, the 2-CPU run pinned to two cores and ``--cpus 2`` (``--no-pin``:
  not pinned; the driver and the store writer are processes of their own, so an unpinned ``--cpus 1``
  run uses the second core too), alternating; per run the stage timings and CPU-seconds
  (:class:`storyline.scale.pipeline.Timings`), the CPU-seconds of every process it started, and just
  before it two busy-loop processes on the same cores (their 1-core / 2-core ratio is what the machine
  gave a perfectly parallel job at that moment: 2.0 when both cores are free).

Writes ``bench/out/bench_scale.json``. The machine's load average is printed with every figure: on a
shared 2-core machine wall-clock scaling depends on what else runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def load() -> float:
    return os.getloadavg()[0]


def tree_cpu(root: int) -> float:
    """CPU-seconds (user + system) of ``root``'s descendants, alive or reaped by them."""
    tick = os.sysconf("SC_CLK_TCK")
    parent, cpu = {}, {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                f = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(d)] = int(f[1])
        cpu[int(d)] = sum(int(x) for x in f[11:15]) / tick  # utime stime cutime cstime
    total, todo = 0.0, [root]
    kids: dict[int, list[int]] = {}
    for p, pp in parent.items():
        kids.setdefault(pp, []).append(p)
    while todo:
        p = todo.pop()
        for k in kids.get(p, []):
            total += cpu.get(k, 0.0)
            todo.append(k)
    return total


def corpus(n: int) -> Path:
    path = OUT / f"scale-{n}.jsonl"
    if not path.exists():
        from make_corpus import build

        OUT.mkdir(parents=True, exist_ok=True)
        with open(path, "w") as fh:
            for r in build(n):
                fh.write(json.dumps(r) + "\n")
    return path


# --- one Ray run (in its own process) --------------------------------------------------------------


def _busy(n: int) -> float:
    """Pure-Python CPU work (the calibration task)."""
    c0, x = time.process_time(), 0
    for i in range(n):
        x += i * i
    return time.process_time() - c0


def ray_worker(path: str, cpus: int) -> dict:
    import numpy as np

    from storyline.scale.engine import connect, plan_added, run_dedup, run_prepare

    t0 = time.perf_counter()
    ray = connect(num_cpus=cpus)

    def stages(p: str) -> tuple[float, float, int]:
        a = time.perf_counter()
        prep = run_prepare(ray, [p], mode="ingest")
        b = time.perf_counter()
        plan = plan_added(prep.metas, [np.asarray(m["kept"], dtype=bool) for m in prep.metas])
        matches = run_dedup(ray, prep, plan)
        return b - a, time.perf_counter() - b, len(matches)

    stages(path)  # warm-up on the same input: every worker has imported and run everything once
    startup = time.perf_counter() - t0
    busy = ray.remote(_busy)
    c = time.perf_counter()
    ray.get([busy.remote(3_000_000) for _ in range(8)])  # what the machine gives a trivially parallel job now
    calib = time.perf_counter() - c
    d0 = time.process_time()
    c0, l0 = tree_cpu(os.getpid()) + d0, load()
    prep_s, dedup_s, copies = stages(path)
    driver = time.process_time() - d0
    cpu = tree_cpu(os.getpid()) + time.process_time() - c0
    ray.shutdown()
    return {"cpus": cpus, "startup_s": startup, "prepare_s": prep_s, "dedup_s": dedup_s,
            "wall_s": prep_s + dedup_s, "cpu_s": cpu, "driver_cpu_s": driver, "calib_s": calib, "copies": copies, "load": round((l0 + load()) / 2, 2)}  # fmt: skip


def run_ray(path: Path, cpus: int) -> dict:
    cmd = [sys.executable, __file__, "--ray-worker", str(path), "--cpus", str(cpus)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- end to end (each run in its own process) ---------------------------------------------------


E2E_MODES = ("ingest-db", "ingest-out", "cluster")


def e2e_worker(path: str, cpus: int, mode: str) -> dict:
    """One end-to-end run as the CLI does it: start Ray, run, shut down (in this fresh process)."""
    from storyline.scale.engine import connect
    from storyline.scale.pipeline import run_cluster_ray, run_ingest_ray

    tmp = Path(tempfile.mkdtemp())
    t0 = time.perf_counter()
    ray = connect(num_cpus=cpus)
    startup = time.perf_counter() - t0
    if mode == "cluster":
        res = run_cluster_ray([path])
        n = len(res.rows)
    else:
        db = tmp / "ray.db" if mode == "ingest-db" else None
        res = run_ingest_ray([path], db=db, output=tmp / "rows.jsonl")
        n = res.summary.added
    run_s = time.perf_counter() - t0 - startup
    cpu = tree_cpu(os.getpid()) + time.process_time()
    ray.shutdown()
    return {"mode": mode, "cpus": cpus, "articles": n, "startup_s": startup, "run_s": run_s,
            "stages": res.timings.as_dict(), "cpu_s": cpu}  # fmt: skip


def calibrate(cores: list[int], work: int = 6_000_000) -> float:
    """Wall seconds of two pure-Python busy processes pinned to ``cores``: what a perfectly parallel job
    gets from those cores right now (one core: twice one task's time; two free cores: one task's)."""
    code = f"import os; os.sched_setaffinity(0, {cores!r}); x = 0\nfor i in range({work}): x += i * i"
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(2)]
    for pr in procs:
        pr.wait()
    return time.perf_counter() - t0


def run_e2e(path: Path, cpus: int, mode: str, pin: bool) -> dict:
    cmd = [sys.executable, __file__, "--e2e-worker", str(path), "--cpus", str(cpus), "--mode", mode]
    cores = sorted(os.sched_getaffinity(0))[:cpus]
    calib = calibrate(cores if pin else sorted(os.sched_getaffinity(0)))
    l0, w0 = load(), time.perf_counter()
    out = subprocess.run(
        cmd, capture_output=True, text=True, check=True, cwd=ROOT,
        preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if pin else None,
    ).stdout  # fmt: skip
    wall = time.perf_counter() - w0
    return json.loads(out.strip().splitlines()[-1]) | {
        "wall_s": wall, "load": round((l0 + load()) / 2, 2), "calib_s": calib,
    }  # fmt: skip


def e2e(path: Path, pairs: int, modes: list[str], pin: bool) -> dict:
    """``pairs`` alternating 1-CPU / 2-CPU end-to-end runs per mode; medians and scaling."""
    out: dict = {"pinned": pin, "modes": {}}
    for mode in modes:
        runs: dict[int, list[dict]] = {1: [], 2: []}
        for k in range(pairs):
            for c in (1, 2):
                r = run_e2e(path, c, mode, pin)
                runs[c].append(r)
                st = r["stages"]
                print(f"  e2e {mode} pair {k + 1} {c} cpu: {r['wall_s']:.2f} s wall (Ray start {r['startup_s']:.1f} s, "
                      f"run {r['run_s']:.2f} s), {r['cpu_s']:.1f} CPU-s, load {r['load']}, busy pair "
                      f"{r['calib_s']:.2f} s; stages {st}")  # fmt: skip
        med = {c: statistics.median(r["wall_s"] for r in runs[c]) for c in runs}
        run_med = {c: statistics.median(r["run_s"] for r in runs[c]) for c in runs}
        ratios = [a["wall_s"] / b["wall_s"] for a, b in zip(runs[1], runs[2], strict=True)]
        calib = [a["calib_s"] / b["calib_s"] for a, b in zip(runs[1], runs[2], strict=True)]
        out["modes"][mode] = {
            "median_wall_s": med, "median_run_s": run_med, "scaling_median": med[1] / med[2],
            "scaling_run_median": run_med[1] / run_med[2], "pair_ratios": ratios, "busy_pair_ratios": calib,
            "runs": runs,
        }  # fmt: skip
        print(f"e2e {mode}: 1 cpu {med[1]:.2f} s, 2 cpus {med[2]:.2f} s (median wall): {med[1] / med[2]:.2f}x; "
              f"without Ray start-up {run_med[1] / run_med[2]:.2f}x; pair ratios {[round(x, 2) for x in ratios]}; "
              f"busy pair ratios (machine) {[round(x, 2) for x in calib]}")  # fmt: skip
    return out


def stream_steps(path: Path, cpus: int = 2) -> dict:
    """CPU-seconds of the streamed near-copy search's steps, run in this process over the shards a
    ``cpus``-CPU ingest would use: planning, ``band_map``, ``band_step``, verify + best match."""
    import numpy as np

    from storyline.dedup import BANDS, NEAR_CONTAINMENT, NEAR_JACCARD, NUM_PERM
    from storyline.scale import engine as E
    from storyline.scale import lsh
    from storyline.scale.pipeline import stream_shard_size
    from storyline.scale.prepare import prepare
    from storyline.scale.sources import plan_shards, read_shard

    shards = plan_shards([str(path)], stream_shard_size([str(path)], cpus))
    blocks = [prepare(list(read_shard(s))) for s in shards]
    metas = [b.meta() for b in blocks]
    parts = 2 * cpus
    planner, index, sigs, rows, bounds = E.Planner(), [None] * parts, [], [], [0]
    t = dict.fromkeys(("plan", "band_map", "band_step", "verify"), 0.0)
    for b, blk in enumerate(blocks):
        c0 = time.process_time()
        o, role, _ = planner.add(metas[b], blk.kept)
        c1 = time.process_time()
        sig = E.Signatures(blk.sigs, blk.sizes)
        sigs.append(sig)
        rows.append(np.flatnonzero(o >= 0))
        first = bounds[-1]
        bounds.append(planner.n)
        mapped = E._band_map_task(sig, o, role, parts, NUM_PERM, BANDS)
        c2 = time.process_time()
        pairs = []
        for p in range(parts):
            got, index[p] = E._band_step_task(first, index[p], mapped[p] if parts > 1 else mapped)
            pairs.append(got)
        c3 = time.process_time()
        i, c = lsh.unique_pairs(np.concatenate([x[0] for x in pairs]), np.concatenate([x[1] for x in pairs]))
        if len(i):
            owner = np.searchsorted(bounds, c, side="right") - 1
            sig_i, size_i = E._rows_of(sig, rows[b], i - bounds[b])
            sig_c = np.empty((len(c), sig_i.shape[1]), np.uint32)
            size_c = np.empty(len(c), np.int64)
            for k in set(owner.tolist()):
                m = owner == k
                sig_c[m], size_c[m] = E._rows_of(sigs[k], rows[k], c[m] - bounds[k])
            ok, ov, j = lsh.verify(sig_i, sig_c, size_i, size_c, NEAR_JACCARD, NEAR_CONTAINMENT)
            lsh.best_matches(i[ok], c[ok], ov[ok], j[ok])
        c4 = time.process_time()
        for k, v in zip(t, (c1 - c0, c2 - c1, c3 - c2, c4 - c3), strict=True):
            t[k] += v
    res = {"shards": len(shards), "cpu_s": t}
    print(
        f"streamed near-copy search, {len(shards)} shards, CPU-s: {json.dumps({k: round(v, 3) for k, v in t.items()})}"
    )
    return res


# --- local, in this process ---------------------------------------------------------------------------


def local_stages(path: Path) -> dict:
    from storyline.clean import clean_article
    from storyline.corpus import ingest_key
    from storyline.dedup import Deduplicator, content_hash
    from storyline.grouping import article_terms, parse_date
    from storyline.model import Article

    arts = [Article.from_dict(json.loads(line)) for line in open(path)]
    c0, w0, l0 = time.process_time(), time.perf_counter(), load()
    cl = [clean_article(a) for a in arts]
    hashes = [content_hash(a.text) for a in cl]
    keys = [ingest_key(a, h) for a, h in zip(cl, hashes, strict=True)]
    terms = [article_terms(a.text, a.title) for a in cl]
    dates = [parse_date(a.date) for a in cl]
    dd = Deduplicator()
    matches = []
    for i in range(0, len(cl), 500):
        m, _, _ = dd.add_batch(
            list(range(i + 1, min(i + 501, len(cl) + 1))),
            [a.text for a in cl[i : i + 500]],
            hashes[i : i + 500],
        )
        matches += m
    del keys
    res = {
        "cpu_s": time.process_time() - c0,
        "wall_s": time.perf_counter() - w0,
        "load": round((l0 + load()) / 2, 2),
    }
    return res | {"_terms": terms, "_dates": dates, "_matches": matches}


def driver_pass(terms: list, dates: list, matches: list) -> dict:
    from storyline.scale.stories import OnlineStories

    online = OnlineStories()
    c0, w0, l0 = time.process_time(), time.perf_counter(), load()
    for i in range(0, len(terms), 500):
        j = min(i + 500, len(terms))
        earlier = [m.earlier if m is not None else None for m in matches[i:j]]
        online.add_batch(list(range(i + 1, j + 1)), terms[i:j], dates[i:j], earlier)
    return {"cpu_s": time.process_time() - c0, "wall_s": time.perf_counter() - w0, "load": round((l0 + load()) / 2, 2),
            "stories": len(set(online.final_stories()))}  # fmt: skip


def story_curve(path: Path, n: int) -> dict:
    """Driver cost per article against the number of live stories, at news-crawl density: the dates
    of the first ``n`` articles squeezed into one day in their order (nothing leaves the window)."""
    from storyline.clean import clean_article
    from storyline.dedup import Deduplicator
    from storyline.grouping import article_terms
    from storyline.model import Article
    from storyline.scale.stories import OnlineStories

    arts = [Article.from_dict(json.loads(line)) for _, line in zip(range(n), open(path), strict=False)]
    arts.sort(key=lambda a: a.date or "")
    cl = [clean_article(a) for a in arts]
    terms = [article_terms(a.text, a.title) for a in cl]
    dates = [1.7e9 + 86400.0 * i / len(cl) for i in range(len(cl))]
    dd = Deduplicator(max_items=10**9)
    online = OnlineStories()
    points = []
    for i in range(0, len(cl), 500):
        j = min(i + 500, len(cl))
        m, _, _ = dd.add_batch(list(range(i + 1, j + 1)), [a.text for a in cl[i:j]])
        earlier = [x.earlier if x is not None else None for x in m]
        c0 = time.process_time()
        online.add_batch(list(range(i + 1, j + 1)), terms[i:j], dates[i:j], earlier)
        ms = 1000 * (time.process_time() - c0) / (j - i)
        points.append(
            {"articles": j, "stories": len(online.clusterer.stories), "ms_per_article": round(ms, 3)}
        )
        if len(points) % 8 == 0:
            print(
                f"  story pass: {j:,} articles, {points[-1]['stories']:,} live stories, {ms:.2f} ms/article"
            )
    import numpy as np

    x = np.array([p["stories"] for p in points[2:]], float)
    y = np.array([p["ms_per_article"] for p in points[2:]], float)
    b, a = np.polyfit(x, y, 1) if len(x) > 1 else (0.0, float(y.mean()) if len(y) else 0.0)
    tail = points[-max(1, len(points) // 5) :]
    return {"n": len(cl), "points": points, "fit_ms": {"intercept": a, "per_story": b},
            "tail": {"ms_per_article": statistics.mean(p["ms_per_article"] for p in tail),
                     "live_stories": tail[-1]["stories"]}}  # fmt: skip


def shape(path: Path) -> dict:
    """Shuffle volume (band rows, buckets, candidate pairs) with the stage functions in this process,
    and the memory of one 16 MB shard's prepare (peak RSS of a fresh process) and of its driver meta."""

    import numpy as np

    from storyline.dedup import NEAR_CONTAINMENT, NEAR_JACCARD, LSHIndex
    from storyline.model import Article
    from storyline.scale import lsh
    from storyline.scale.engine import plan_added
    from storyline.scale.prepare import prepare

    arts = [Article.from_dict(json.loads(line)) for line in open(path)]
    blk = prepare(arts, mode="ingest")
    plan = plan_added([blk.meta()], [blk.kept])
    sel = plan.ords[0] >= 0
    sigs, sizes, roles = blk.sigs[sel], blk.sizes[sel], plan.roles[0][sel]
    band, key, o, r = lsh.band_rows(LSHIndex().band_keys(sigs), np.arange(len(sigs)), roles)
    order = np.lexsort((key, band))
    b2, k2 = band[order], key[order]
    new = np.ones(len(b2), dtype=bool)
    new[1:] = (b2[1:] != b2[:-1]) | (k2[1:] != k2[:-1])
    bucket = np.diff(np.append(np.flatnonzero(new), len(b2)))
    i, c = lsh.bucket_pairs(band, key, o, r)
    ok, _, _ = lsh.verify(sigs[i], sigs[c], sizes[i], sizes[c], NEAR_JACCARD, NEAR_CONTAINMENT)
    code = (
        "import resource, sys, pickle; from storyline.scale.sources import plan_shards, read_shard;"
        "from storyline.scale.prepare import prepare; s = plan_shards([sys.argv[1]], 16 << 20)[0];"
        "b = prepare(list(read_shard(s))); m = b.meta();"
        "print(len(b), s.stop - s.start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        " len(pickle.dumps(b)), len(pickle.dumps(m)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    n_sh, nbytes, rss_kb, block_b, meta_b = (int(x) for x in out.stdout.split())
    res = {
        "articles": int(sel.sum()), "with_role": int((roles != 0).sum()), "band_rows": len(band),
        "band_row_bytes_per_article": 25 * len(band) / max(1, int(sel.sum())), "buckets": len(bucket),
        "largest_bucket": int(bucket.max()) if len(bucket) else 0,
        "raw_bucket_pairs": int((bucket * (bucket - 1) // 2).sum()), "candidate_pairs": len(i),
        "passing_pairs": int(ok.sum()), "exact_copies": len(plan.exact),
        "shard": {"articles": n_sh, "bytes": nbytes, "peak_rss_mb": rss_kb / 1024,
                  "block_pickle_bytes_per_article": block_b / n_sh, "meta_pickle_bytes_per_article": meta_b / n_sh},
    }  # fmt: skip
    print(f"shape: {json.dumps(res)}")
    return res


STORE_QUERIES = {
    "articles": "SELECT rowid, id, content_hash, ts, story, shingles, minhash, terms FROM articles ORDER BY rowid",
    "links": "SELECT article, earlier, overlap, exact, jaccard FROM duplicates ORDER BY article",
    "stories": "SELECT id, title, articles, sources, first_date, last_date FROM stories ORDER BY id",
    "state": "SELECT key, value FROM state ORDER BY key",
    "terms": "SELECT term, df FROM terms ORDER BY term",
}


def same_cluster(path: Path) -> dict:
    """``storyline cluster`` rows and each article's earlier copy: local engine vs Ray (2 CPUs)."""
    from storyline.clean import clean_article
    from storyline.corpus import iter_inputs
    from storyline.dedup import Deduplicator
    from storyline.grouping import cluster_articles
    from storyline.scale.pipeline import _unique_cli, run_cluster_ray

    arts = [a for a in iter_inputs([str(path)]) if not isinstance(a, str)]
    for a, i in zip(arts, _unique_cli([a.id for a in arts]), strict=True):
        a.id = i
    story = {i: f"s{k + 1}" for k, g in enumerate(cluster_articles(arts)) for i in g}
    matches, _, _ = Deduplicator(max_items=10**9).add_batch(
        list(range(len(arts))), [clean_article(a).text for a in arts]
    )
    res = run_cluster_ray([str(path)], duplicates=True, num_cpus=2)
    return {
        "cluster_rows": [{"id": r["id"], "story": r["story"]} for r in res.rows]
        == [{"id": a.id, "story": story[a.id]} for a in arts],
        "cluster_copies": [r["duplicate_of"] for r in res.rows]
        == [arts[m.earlier].id if m else None for m in matches],
        "copies_found": sum(m is not None for m in matches),
    }


def full(path: Path, n: int) -> dict:
    """End-to-end ingest into SQLite on the first n articles: local vs Ray (2 CPUs), and whether the two
    stores (and the two ``cluster`` outputs) are the same."""
    from storyline.corpus import ingest
    from storyline.scale.pipeline import run_ingest_ray
    from storyline.store import Store

    sub = OUT / f"scale-{n}-head.jsonl"
    with open(path) as src, open(sub, "w") as dst:
        for i, line in enumerate(src):
            if i >= n:
                break
            dst.write(line)
    tmp = Path(tempfile.mkdtemp())
    c0, w0, l0 = time.process_time(), time.perf_counter(), load()
    with Store(tmp / "local.db") as s:
        ingest([str(sub)], s, progress=False)
    local = {
        "cpu_s": time.process_time() - c0,
        "wall_s": time.perf_counter() - w0,
        "load": round((l0 + load()) / 2, 2),
    }
    from storyline.scale.engine import connect

    ray = connect(num_cpus=2)
    c0, w0, l0 = tree_cpu(os.getpid()) + time.process_time(), time.perf_counter(), load()
    res = run_ingest_ray([str(sub)], db=tmp / "ray.db")
    rayd = {"cpu_s": tree_cpu(os.getpid()) + time.process_time() - c0, "wall_s": time.perf_counter() - w0,
            "load": round((l0 + load()) / 2, 2), "stages": res.timings.as_dict()}  # fmt: skip
    ray.shutdown()
    same = {}
    with Store(tmp / "local.db") as a, Store(tmp / "ray.db") as b:
        for name, q in STORE_QUERIES.items():
            same[name] = a.conn.execute(q).fetchall() == b.conn.execute(q).fetchall()
    same.update(same_cluster(sub))
    return {"n": n, "local": local, "ray_2cpu": rayd, "same": same}


def stages(summary: dict, runs: dict[int, list[dict]], n: int, path: Path) -> None:
    """Ray medians and scaling, then the local per-article stages and the driver story pass."""
    for c in runs:
        walls = [r["wall_s"] for r in runs[c]]
        summary["ray"][c] = {
            "median_wall_s": statistics.median(walls), "best_wall_s": min(walls),
            "median_cpu_s": statistics.median(r["cpu_s"] for r in runs[c]),
            "articles_per_s_median": n / statistics.median(walls), "articles_per_s_best": n / min(walls),
            "runs": runs[c],
        }  # fmt: skip
    if 1 in runs and 2 in runs:
        s1, s2 = summary["ray"][1], summary["ray"][2]
        summary["scaling_median"] = s1["median_wall_s"] / s2["median_wall_s"]
        summary["scaling_best"] = s1["best_wall_s"] / s2["best_wall_s"]
        cal = {c: statistics.median(r["calib_s"] for r in runs[c]) for c in (1, 2)}
        summary["calibration_scaling_median"] = cal[1] / cal[2]
        print(f"scaling 1 -> 2 CPUs (parallel stages): median {summary['scaling_median']:.2f}x, "
              f"best {summary['scaling_best']:.2f}x; a trivially parallel busy loop on the same machine at the "
              f"same time: {summary['calibration_scaling_median']:.2f}x")  # fmt: skip
    loc = local_stages(path)
    terms, dates, matches = loc.pop("_terms"), loc.pop("_dates"), loc.pop("_matches")
    summary["local_stages"] = loc
    print(
        f"local per-article stages (1 process): {loc['wall_s']:.2f} s wall, {loc['cpu_s']:.1f} CPU-s, load {loc['load']}"
    )
    drv = driver_pass(terms, dates, matches)
    summary["driver_stories"] = drv
    print(f"story pass (driver, both engines): {drv['wall_s']:.2f} s wall, {drv['cpu_s']:.1f} CPU-s, "
          f"{drv['stories']:,} stories, load {drv['load']}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=30_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--cpus", default="1,2")
    ap.add_argument("--full", type=int, default=0, help="also ingest the first N articles end to end")
    ap.add_argument("--curve", type=int, default=0, help="story-pass cost against live stories on N articles")
    ap.add_argument("--shape", action="store_true", help="shuffle volume and memory per shard")
    ap.add_argument("--steps", action="store_true", help="CPU of the streamed near-copy steps, in process")
    ap.add_argument("--e2e", type=int, default=0, help="K pairs of end-to-end runs, 1 vs 2 CPUs")
    ap.add_argument("--modes", default=",".join(E2E_MODES), help="end-to-end runs: " + ", ".join(E2E_MODES))
    ap.add_argument("--no-pin", action="store_true", help="end-to-end runs not pinned to 1 / 2 cores")
    ap.add_argument("--json", default=str(OUT / "bench_scale.json"), help="where to write the figures")
    ap.add_argument("--ray-worker", help=argparse.SUPPRESS)
    ap.add_argument("--e2e-worker", help=argparse.SUPPRESS)
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.ray_worker:
        print(json.dumps(ray_worker(a.ray_worker, int(a.cpus))))
        return
    if a.e2e_worker:
        print(json.dumps(e2e_worker(a.e2e_worker, int(a.cpus), a.mode)))
        return
    path = corpus(a.n)
    cpus = [int(c) for c in a.cpus.split(",")]
    print(f"input: {path} ({a.n:,} articles); {os.cpu_count()} cores, load {load():.2f}")
    runs: dict[int, list[dict]] = {c: [] for c in cpus}
    for rep in range(a.reps):
        for c in cpus:
            r = run_ray(path, c)
            runs[c].append(r)
            print(f"  rep {rep + 1} ray {c} cpu: prepare {r['prepare_s']:.2f} s + dedup {r['dedup_s']:.2f} s = "
                  f"{r['wall_s']:.2f} s wall (busy loop {r['calib_s']:.2f} s), {r['cpu_s']:.1f} CPU-s ({r['driver_cpu_s']:.1f} on the driver; startup {r['startup_s']:.1f} s), load {r['load']}")  # fmt: skip
    summary: dict = {"n": a.n, "cores": os.cpu_count(), "ray": {}}
    if a.reps:
        stages(summary, runs, a.n, path)
    if a.full:
        f = full(path, a.full)
        summary["full"] = f
        print(f"end to end on {a.full:,}: local {f['local']['wall_s']:.1f} s wall ({f['local']['cpu_s']:.1f} CPU-s); "
              f"ray 2 CPUs {f['ray_2cpu']['wall_s']:.1f} s wall ({f['ray_2cpu']['cpu_s']:.1f} CPU-s) "
              f"{f['ray_2cpu']['stages']}; same links/stories: {f['same']}")  # fmt: skip
    if a.e2e:
        summary["e2e"] = e2e(path, a.e2e, a.modes.split(","), not a.no_pin)
    if a.shape:
        summary["shape"] = shape(path)
    if a.steps:
        summary["stream_steps"] = stream_steps(path)
    if a.curve:
        c = story_curve(path, a.curve)
        summary["story_curve"] = c
        fit = c["fit_ms"]
        print(f"story pass fit: {fit['intercept']:.3f} ms + {fit['per_story'] * 1000:.3f} ms per 1,000 live stories; "
              f"last fifth: {c['tail']['ms_per_article']:.3f} ms/article at {c['tail']['live_stories']:,} live stories")  # fmt: skip
    Path(a.json).write_text(json.dumps(summary, indent=2))
    print(f"wrote {a.json}")


if __name__ == "__main__":
    main()
