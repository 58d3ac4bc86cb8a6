"""CPU cost of the story side of ingest: cleaning, article terms and online story assignment, separately.

    python bench/make_corpus.py --n 100000                 # once: bench/out/corpus.jsonl
    python bench/bench_stories.py --n 20000 --repeats 3
    python bench/bench_stories.py --n 20000 --ref /tmp/old  # also time grouping.py/clean.py copies in /tmp/old

Assignment runs as :mod:`bench.bench_ingest` runs it: batches of 1,000, near-duplicate hints (computed once,
untimed, with :mod:`storyline.dedup`), stories outside the 60-day window forgotten after each batch. Times are
CPU seconds (``time.process_time``) per article, the median over ``--repeats``; with ``--ref`` the reference
and the current code run interleaved in one process and must give the same stories. ``assign_by_window``:
assignment CPU per article in each ``--window`` articles (the cost while the 60-day window of active stories
fills, then the steady state; an average over a whole run mixes the two).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storyline import clean as cur_clean  # noqa: E402
from storyline import grouping as cur_grouping  # noqa: E402
from storyline.dedup import Deduplicator, content_hash  # noqa: E402
from storyline.model import Article  # noqa: E402

DEFAULT = ROOT / "bench" / "out" / "corpus.jsonl"
BATCH = 1000


def load_rows(path: Path, n: int) -> list[dict]:
    rows = []
    with open(path) as fh:
        for line in fh:
            if len(rows) >= n:
                break
            rows.append(json.loads(line))
    return rows


def load_module(name: str, path: Path) -> ModuleType:
    """A copy of a storyline module loaded under another name (relative imports resolve in storyline)."""
    spec = importlib.util.spec_from_file_location(f"storyline._ref_{name}", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def hints_of(arts: list[Article]) -> list[int | None]:
    """Earlier article (position) each article copies, as the ingest's deduplicator finds it."""
    dd = Deduplicator(max_items=50_000)
    out: list[int | None] = []
    for s in range(0, len(arts), BATCH):
        texts = [a.text for a in arts[s : s + BATCH]]
        found, _, _ = dd.add_batch(list(range(s, s + len(texts))), texts, [content_hash(t) for t in texts])
        out += [m.earlier if m is not None else None for m in found]
    return out


def assign(
    grouping: ModuleType,
    terms: list[dict],
    dates: list,
    hints: list[int | None],
    cpu: list[float] | None = None,
) -> list[int]:
    """Online assignment in batches with window eviction; returns every article's final story. ``cpu``
    gets each batch's CPU seconds (its add and evictions)."""
    cl = grouping.StoryClusterer()
    window = grouping.WINDOW_DAYS * 86400.0
    newest = None
    where: dict[int, int] = {}
    for s in range(0, len(terms), BATCH):
        t0 = time.process_time()
        part = terms[s : s + BATCH]
        start = len(cl.terms)
        for j in range(len(part)):  # before the hints: a copy of an article of the same batch is a hint too
            where[s + j] = start + j
        hs = [where.get(h) if h is not None else None for h in hints[s : s + BATCH]]
        cl.add(part, dates[s : s + BATCH], hints=hs)
        dated = [d for d in dates[s : s + BATCH] if d is not None]
        if dated:
            newest = max(dated) if newest is None else max(newest, max(dated))
            for k in [k for k, st in cl.stories.items() if st.last is not None and st.last < newest - window]:
                for i in cl.forget(k):
                    where.pop(i, None)
        if cpu is not None:
            cpu.append(time.process_time() - t0)
    return list(cl.story_of)


def run(
    clean: ModuleType, grouping: ModuleType, raw: list[Article], hints: list[int | None], window: int = 10_000
) -> dict[str, Any]:
    for forget in ("clear_junk_memo", "clear_terms_memo"):  # cold: nothing remembered from an earlier run
        for mod in (clean, grouping):
            if hasattr(mod, forget):
                getattr(mod, forget)()
    t0 = time.process_time()
    arts = [clean.clean_article(a) for a in raw]
    t1 = time.process_time()
    terms = [grouping.article_terms(a.text, a.title) for a in arts]
    t2 = time.process_time()
    dates = [grouping.parse_date(a.date) for a in arts]
    t3 = time.process_time()
    batches: list[float] = []
    stories = assign(grouping, terms, dates, hints, batches)
    t4 = time.process_time()
    n = len(raw)
    per = max(window // BATCH, 1)
    by_window = [
        sum(batches[i : i + per]) / min(window, n - i * BATCH) * 1e6 for i in range(0, len(batches), per)
    ]
    return {
        "us": {"clean": (t1 - t0) / n * 1e6, "terms": (t2 - t1) / n * 1e6, "assign": (t4 - t3) / n * 1e6},
        "by_window": by_window,
        "stories": stories,
        "texts": [(a.text, a.title, a.boilerplate_removed) for a in arts],
        "terms": [list(t.items()) for t in terms],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--window", type=int, default=10_000, help="articles per assign_by_window entry")
    ap.add_argument("--ref", type=Path, help="directory with reference copies of grouping.py and clean.py")
    a = ap.parse_args()
    if not a.corpus.exists():
        raise SystemExit(f"{a.corpus} not found: run bench/make_corpus.py first")
    rows = load_rows(a.corpus, a.n)
    # modules the split test loads on first use: imported here, so the first timed run does not pay for it
    import scipy.cluster.hierarchy  # noqa: F401
    import scipy.sparse  # noqa: F401

    hints = hints_of([cur_clean.clean_article(Article.from_dict(r)) for r in rows])
    impls = {"current": (cur_clean, cur_grouping)}
    if a.ref:
        impls["reference"] = (
            load_module("clean", a.ref / "clean.py"),
            load_module("grouping", a.ref / "grouping.py"),
        )
    times: dict[str, dict[str, list[float]]] = {k: {"clean": [], "terms": [], "assign": []} for k in impls}
    windows: dict[str, list[list[float]]] = {k: [] for k in impls}
    same = True
    for r in range(a.repeats):
        names = list(impls) if r % 2 == 0 else list(reversed(impls))
        outs = {}
        for name in names:
            raw = [Article.from_dict(row) for row in rows]
            outs[name] = run(*impls[name], raw, hints, a.window)
            windows[name].append(outs[name]["by_window"])
            for stage, us in outs[name]["us"].items():
                times[name][stage].append(us)
        if "reference" in outs:
            for key in ("texts", "terms", "stories"):
                if outs["reference"][key] != outs["current"][key]:
                    same = False
                    print(f"repeat {r}: {key} differ from the reference", file=sys.stderr)
    res: dict[str, Any] = {"articles": len(rows), "repeats": a.repeats, "python": sys.version.split()[0]}
    for name, st in times.items():
        med = {k: round(statistics.median(v), 1) for k, v in st.items()}
        med["total"] = round(sum(med.values()), 1)
        res[name] = {
            "us_per_article_median": med,
            "all": {k: [round(x, 1) for x in v] for k, v in st.items()},
            "assign_by_window": [round(statistics.median(w), 1) for w in zip(*windows[name], strict=True)],
        }
    if a.ref:
        cur, ref = res["current"]["us_per_article_median"], res["reference"]["us_per_article_median"]
        res["speedup_of_medians"] = {k: round(ref[k] / cur[k], 2) if cur[k] else None for k in cur}
        res["speedup_median_per_repeat"] = {
            k: round(
                statistics.median(
                    x / y for x, y in zip(times["reference"][k], times["current"][k], strict=True)
                ),
                2,
            )
            for k in ("clean", "terms", "assign")
        }
        res["identical_to_reference"] = same
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
