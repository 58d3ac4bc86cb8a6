"""The Ray engine gives the local engine's duplicate groups and stories (storyline.scale).

Pure parts (shard planning, bucket pairs) run without Ray; the rest starts one local Ray with two
CPUs for the module and skips when ray is not installed. The dev-data test builds a corpus of a few
thousand articles from ../shared/data/dev (ECB+, UCI, BASIL plus near and exact copies made here).
"""

from __future__ import annotations

import json
import random
import re
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from storyline.clean import clean_article
from storyline.corpus import ingest, iter_inputs
from storyline.dedup import Deduplicator
from storyline.grouping import cluster_articles
from storyline.scale import lsh
from storyline.scale.pipeline import _unique_cli
from storyline.scale.sources import plan_shards, read_shard
from storyline.store import Store

from datapaths import DEV

# --- fictional fixture -----------------------------------------------------------------------------

EVENTS = {
    "ferry": [
        "The ferry Northern Gull ran aground off Tallis Point early on Saturday with 214 passengers aboard.",
        "Coastguard commander Ines Varga said all passengers were taken off by lifeboats within two hours.",
        "Three crew members were treated for minor injuries at Tallis harbour clinic.",
        "The operator Bluewater Lines said the vessel lost steering in heavy fog.",
        "Divers inspected the hull of the Northern Gull for a possible fuel leak on Sunday.",
        "Maritime investigators from Port Cardel opened an inquiry into the grounding.",
    ],
    "museum": [
        "Thieves stole four gold coins from the Halden city museum on Tuesday night.",
        "Museum director Paul Okafor said the coins dated from the reign of King Aldric.",
        "Police in Halden released footage of two masked men leaving through a side door.",
        "The stolen coins are insured for 1.2 million euros, the museum said.",
        "Halden detectives asked antique dealers to report any offer of Aldric coins.",
        "The museum will stay closed until its alarm system is replaced.",
    ],
    "strike": [
        "Bus drivers in Merrow walked out on Monday over a pay dispute with Citylink.",
        "The drivers union demanded a 9 percent raise and shorter night shifts.",
        "Citylink chief executive Hanna Berg called the strike unnecessary and costly.",
        "Commuters in Merrow queued for taxis as 340 routes stood still.",
        "Talks between Citylink and the union are set to resume on Thursday.",
        "Merrow schools told pupils to walk or cycle while the strike lasts.",
    ],
}
JUNK = ["Advertisement", "Share this article", "Sign up for our newsletter to get the latest news"]


def fixture_rows(seed: int = 3) -> list[dict]:
    """Original reports per event, exact and near copies, repeats, id clashes and junk lines."""
    rnd = random.Random(seed)
    rows: list[dict] = []
    for day, (event, sents) in enumerate(EVENTS.items()):
        for k in range(5):
            pick = rnd.sample(sents, 4)
            rows.append({"id": f"{event}-{k}", "source": f"Outlet {k}", "title": pick[0][:40],
                         "text": " ".join(pick), "date": f"2025-03-{day * 3 + 1 + k:02d}T08:00:00Z"})  # fmt: skip
    originals = list(rows)
    for n, base in enumerate(rnd.sample(originals, 8)):
        words = base["text"].split()
        kept = [w for w in words if rnd.random() > 0.08]
        text = " ".join(kept) if n % 2 else base["text"]  # half exact copies (other outlet), half rewrites
        rows.append(
            {**base, "id": f"copy-{n}", "source": f"Wire {n}", "text": text + "\n" + rnd.choice(JUNK)}
        )
    rows.append(dict(originals[0]))  # the same row again: already stored
    rows.append(
        {**originals[1], "id": originals[2]["id"], "text": originals[1]["text"] + " Updated."}
    )  # id clash
    rows.append({"id": "junk-only", "text": "Advertisement\nShare this article"})
    rnd.shuffle(rows)
    return rows


def write_warc(path: Path, rows: list[dict]) -> Path:
    """A crawl file with one HTML response per row (and an image, which readers skip)."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for r in rows + [{"id": "logo", "text": "PNG"}]:
            ctype = "image/png" if r["id"] == "logo" else "text/html; charset=utf-8"
            paras = "".join(f"<p>{s}.</p>" for s in r["text"].split(". "))
            body = f"<html><head><title>{r.get('title') or ''}</title></head><body><article>{paras}</article></body></html>"
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.0")
            url = f"http://news.invalid/{r['id']}"
            w.write_record(
                w.create_warc_record(url, "response", payload=io.BytesIO(body.encode()), http_headers=headers)
            )
    return path


def write_jsonl(path: Path, rows: list[dict], bad: bool = False) -> Path:
    lines = [json.dumps(r) for r in rows]
    if bad:
        lines[2:2] = ["{not json", "[1, 2]", json.dumps({"id": "empty", "text": "  "})]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


# --- pure parts (no Ray) ---------------------------------------------------------------------------


def test_shards_cover_every_line_once(tmp_path):
    rows = fixture_rows()
    p = write_jsonl(tmp_path / "a.jsonl", rows, bad=True)
    whole = list(iter_inputs([str(p)]))
    shards = plan_shards([str(p)], shard_bytes=300)
    assert len(shards) > 5
    parts = [item for s in shards for item in read_shard(s)]
    assert [x if isinstance(x, str) else (x.id, x.text, x.path) for x in parts] == [
        x if isinstance(x, str) else (x.id, x.text, x.path) for x in whole
    ]
    assert any(isinstance(x, str) and ":4:" in x for x in parts)  # line numbers survive the split


def test_bucket_pairs_without_a_shared_bucket_is_empty():
    bkeys = np.arange(20, dtype=np.uint64).reshape(5, 4)  # every (band, key) distinct: no bucket of two
    ords = np.arange(5, dtype=np.int64)
    band, key, o, r = lsh.band_rows(bkeys, ords, np.full(5, lsh.REP | lsh.QUERY, dtype=np.uint8))
    i, c = lsh.bucket_pairs(band, key, o, r)
    assert len(i) == 0 and len(c) == 0


def test_bucket_pairs_match_brute_force():
    rng = np.random.default_rng(0)
    n, nb = 300, 4
    bkeys = rng.integers(0, 6, size=(n, nb)).astype(np.uint64)  # few keys: big buckets
    roles = rng.integers(1, 4, size=n).astype(np.uint8)
    ords = np.arange(n, dtype=np.int64)
    band, key, o, r = lsh.band_rows(bkeys, ords, roles)
    part = lsh.partition_of(band, key, 3)
    got = set()
    for p in range(3):
        m = part == p
        i, c = lsh.bucket_pairs(band[m], key[m], o[m], r[m], chunk=500)
        got |= set(zip(i.tolist(), c.tolist(), strict=True))
    want = {
        (i, c)
        for c, i in combinations(range(n), 2)
        if roles[i] & lsh.QUERY and roles[c] & lsh.REP and (bkeys[i] == bkeys[c]).any()
    }
    assert got == want


def test_streamed_band_steps_give_the_whole_input_pairs():
    """The streamed search (shard by shard, each partition's index of earlier representatives grown
    by ``_band_step_task``) finds exactly the pairs of ``bucket_pairs`` over the whole input."""
    from storyline.scale.engine import _band_step_task

    rng = np.random.default_rng(1)
    n, nb, parts = 400, 4, 3
    bkeys = rng.integers(0, 8, size=(n, nb)).astype(np.uint64)
    roles = rng.integers(0, 4, size=n).astype(np.uint8)  # some rows take no part at all
    ords = np.arange(n, dtype=np.int64)
    want = set(zip(*(a.tolist() for a in lsh.bucket_pairs(*lsh.band_rows(bkeys, ords, roles))), strict=True))
    cuts = [0, 1, 2, 37, 38, 150, 151, 152, 290, n]  # shards of 1 to 138 rows
    index: list = [None] * parts
    got: set = set()
    for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
        band, key, o, r = lsh.band_rows(bkeys[lo:hi], ords[lo:hi], roles[lo:hi])
        part = lsh.partition_of(band, key, parts)
        for p in range(parts):
            m = part == p
            (i, c), index[p] = _band_step_task(lo, index[p], (band[m], key[m], o[m], r[m]))
            assert ((i >= lo) & (i < hi)).all() and (c < i).all()
            got |= set(zip(i.tolist(), c.tolist(), strict=True))
    assert len(want) > 1000
    assert got == want


def test_planner_shard_by_shard_equals_plan_added():
    from storyline.scale.engine import Planner, plan_added

    rnd = random.Random(2)
    metas, masks = [], []
    for n in (5, 0, 9, 3):
        metas.append({"hashes": [f"h{rnd.randrange(6)}" for _ in range(n)], "sizes": [rnd.randrange(3) for _ in range(n)],
                      "sigkeys": [bytes([rnd.randrange(5)]) for _ in range(n)]})  # fmt: skip
        masks.append(np.array([rnd.random() < 0.8 for _ in range(n)], dtype=bool))
    plan = plan_added(metas, masks)
    planner = Planner()
    exact = {}
    for b, (meta, mask) in enumerate(zip(metas, masks, strict=True)):
        o, role, ex = planner.add(meta, mask)
        assert np.array_equal(o, plan.ords[b]) and np.array_equal(role, plan.roles[b])
        exact.update(ex)
    assert exact == plan.exact and planner.bounds == plan.bounds.tolist()
    assert plan.exact and any((r & lsh.REP).any() for r in plan.roles)


def test_store_writer_stops_after_a_failed_batch(tmp_path):
    """A batch that fails leaves nothing behind, later batches are not written, finish() raises."""
    from storyline.scale.pipeline import StoreWriter

    w = StoreWriter(str(tmp_path / "w.db"))
    w.write([(0, 0)], 1, ["a"], [1], [None], [], {1}, set(), 1, 2, None)  # shard 0 was never announced
    assert isinstance(w.error, KeyError)
    w.write([], 1, [], [], [], [], {1}, set(), 1, 2, None)
    with pytest.raises(KeyError):
        w.finish()
    with Store(tmp_path / "w.db", readonly=True) as s:
        assert s.count() == 0 and s.get_state("n_docs") is None


def test_in_process_search_equals_deduplicator():
    """Band rows -> bucket pairs -> verify -> best match give the local Deduplicator's matches, on
    many near copies of different lengths (several passing candidates per article, equal overlaps)."""
    from storyline.dedup import BANDS, NEAR_CONTAINMENT, NEAR_JACCARD
    from storyline.model import Article
    from storyline.scale.engine import plan_added
    from storyline.scale.prepare import prepare

    rnd = random.Random(5)
    sents = [s for v in EVENTS.values() for s in v]
    arts = []
    for k in range(400):
        if k < 40 or rnd.random() < 0.3:
            text = " ".join(rnd.sample(sents, rnd.randint(1, 5)))
        else:  # a copy of an earlier article: cut, words dropped, or verbatim
            words = arts[rnd.randrange(len(arts))].text.split()
            cut = words[: max(3, int(len(words) * rnd.uniform(0.5, 1.0)))]
            text = " ".join(w for w in cut if rnd.random() > rnd.choice([0.0, 0.05, 0.15]))
        arts.append(Article(id=f"a{k}", text=text))
    blk = prepare(arts, mode="cluster")
    plan = plan_added([blk.meta()], [np.ones(len(arts), dtype=bool)])
    got = lsh.search(blk.sigs, blk.sizes, plan.roles[0], bands=BANDS, near_jaccard=NEAR_JACCARD,
                     near_containment=NEAR_CONTAINMENT)  # fmt: skip
    matches, sigs, _ = Deduplicator().add_batch(list(range(len(arts))), [a.text for a in blk.articles])
    assert np.array_equal(sigs, blk.sigs)
    want = {k: (m.earlier, m.overlap, m.jaccard) for k, m in enumerate(matches) if m and not m.exact}
    assert got == want
    assert {k: m.earlier for k, m in enumerate(matches) if m and m.exact} == plan.exact
    assert len(want) > 100 and len(plan.exact) > 20


# --- Ray ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray")
    if not ray.is_initialized():
        ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    yield ray
    ray.shutdown()


def local_cluster(paths: list[str]) -> tuple[list[dict], dict[str, str | None]]:
    """What ``storyline cluster`` prints, and each article's earlier copy under the local Deduplicator."""
    arts = [a for a in iter_inputs(paths) if not isinstance(a, str)]
    for a, i in zip(arts, _unique_cli([a.id for a in arts]), strict=True):
        a.id = i
    story = {i: f"s{k + 1}" for k, g in enumerate(cluster_articles(arts)) for i in g}
    texts = [clean_article(a).text for a in arts]
    matches, _, _ = Deduplicator().add_batch(list(range(len(arts))), texts)
    dup = {a.id: (arts[m.earlier].id if m else None) for a, m in zip(arts, matches, strict=True)}
    return [{"id": a.id, "story": story[a.id]} for a in arts], dup


def store_dump(path: Path) -> dict:
    with Store(path, readonly=True) as s:
        q = s.conn.execute
        return {
            "articles": q("SELECT rowid, id, content_hash, ts, story, shingles, minhash, terms FROM articles ORDER BY rowid").fetchall(),
            "links": s.duplicate_links(),
            "stories": q("SELECT id, title, articles, sources, first_date, last_date FROM stories ORDER BY id").fetchall(),
            "state": q("SELECT key, value FROM state ORDER BY key").fetchall(),
            "terms": q("SELECT term, df FROM terms ORDER BY term").fetchall(),
        }  # fmt: skip


def partition(rows: list[dict], key: str) -> set[frozenset[str]]:
    groups: dict = {}
    for r in rows:
        if r[key] is not None:
            groups.setdefault(r[key], set()).add(r["id"])
    return {frozenset(g) for g in groups.values()}


def check_same(ray_local, paths: list[str], tmp_path: Path, shard_bytes: int | None = None) -> dict:
    from storyline.scale.pipeline import run_cluster_ray, run_ingest_ray

    rows, dup = local_cluster(paths)
    res = run_cluster_ray(paths, duplicates=True, shard_bytes=shard_bytes)
    assert [{"id": r["id"], "story": r["story"]} for r in res.rows] == rows
    assert {r["id"]: r["duplicate_of"] for r in res.rows} == dup
    assert partition(res.rows, "duplicate_group") == {
        frozenset(g) for g in lsh.groups_of(_labels(dup), list(dup))
    }

    with Store(tmp_path / "local.db") as s:
        local = ingest(paths, s, progress=False)
    out = run_ingest_ray(
        paths, db=tmp_path / "ray.db", output=tmp_path / "ray.jsonl", shard_bytes=shard_bytes
    )
    fields = ["read", "added", "exact_duplicates", "near_duplicates", "already_stored", "stories_touched"]
    fields.append("new_stories")
    assert {f: getattr(out.summary, f) for f in fields} == {f: getattr(local, f) for f in fields}
    assert sorted(out.summary.errors) == sorted(local.errors)
    a, b = store_dump(tmp_path / "local.db"), store_dump(tmp_path / "ray.db")
    for key in a:
        assert a[key] == b[key], key
    written = [json.loads(line) for line in (tmp_path / "ray.jsonl").read_text().splitlines()]
    assert [r["id"] for r in written] == [r[1] for r in a["articles"]]
    return {"cluster": res, "ingest": out, "local": local, "dump": a}


def _labels(dup: dict[str, str | None]) -> np.ndarray:
    ids = list(dup)
    pos = {i: k for k, i in enumerate(ids)}
    src = [pos[i] for i, e in dup.items() if e is not None]
    dst = [pos[e] for e in dup.values() if e is not None]
    return lsh.components(len(ids), np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64))


def test_fixture_local_and_ray_agree(ray_local, tmp_path):
    pytest.importorskip("pyarrow")
    rows = fixture_rows()
    a = write_jsonl(tmp_path / "a.jsonl", rows[:25], bad=True)
    b = write_jsonl(tmp_path / "b.jsonl", rows[25:])
    w = write_warc(tmp_path / "crawl.warc.gz", [r for r in rows[:12] if r["id"] != "junk-only"])
    got = check_same(ray_local, [str(a), str(w), str(b)], tmp_path, shard_bytes=700)
    d = got["dump"]
    assert len(got["ingest"].duplicate_groups) >= 4  # the copies made above are found
    assert any(exact for *_, exact in d["links"]) and any(not exact for *_, exact in d["links"])
    assert got["local"].already_stored == 1 and len(got["local"].errors) >= 4
    assert len(EVENTS) <= len(got["cluster"].stories) < len(got["cluster"].rows) // 3  # copies share stories


def test_parquet_input_reads_like_jsonl(ray_local, tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from storyline.scale.pipeline import run_cluster_ray

    rows = [r for r in fixture_rows() if r["text"].strip()]
    j = write_jsonl(tmp_path / "x.jsonl", rows)
    p = tmp_path / "x.parquet"
    pq.write_table(pa.Table.from_pylist(rows), p, row_group_size=7)
    want, dup = local_cluster([str(j)])
    got = run_cluster_ray([str(p)], duplicates=True)
    assert [{"id": r["id"], "story": r["story"]} for r in got.rows] == want
    assert {r["id"]: r["duplicate_of"] for r in got.rows} == dup


# --- dev data -------------------------------------------------------------------------------------

DEV_FILES = ["ecbplus_articles.jsonl", "uci_headlines.jsonl", "basil_articles.jsonl"]


def dev_corpus(out: Path, copies: int = 900, seed: int = 11) -> list[str]:
    """The dev articles plus near copies (words dropped, junk lines, truncation) and exact copies."""
    rnd = random.Random(seed)
    rows = []
    for name in DEV_FILES:
        for line in (DEV / name).open(encoding="utf-8"):
            r = json.loads(line)
            r.pop("story", None)
            r["id"] = f"{name.split('_')[0]}-{r['id']}"
            rows.append(r)
    for n in range(copies):
        base = rnd.choice(rows)
        text = base["text"]
        if n % 3:
            words = [w for w in text.split() if rnd.random() > 0.1]
            if len(words) > 40 and n % 2:
                words = words[: int(len(words) * 0.8)]
            text = " ".join(words)
        if n % 4 == 0:
            text = rnd.choice(JUNK) + "\n" + text
        rows.append({**base, "id": f"copy{n}-{base['id']}", "source": f"wire{n % 17}", "text": text})
    rnd.shuffle(rows)
    half = len(rows) // 2
    paths = []
    for k, part in enumerate((rows[:half], rows[half:])):
        p = out / f"dev{k}.jsonl"
        p.write_text("".join(json.dumps(r) + "\n" for r in part), encoding="utf-8")
        paths.append(str(p))
    return paths


@pytest.mark.data
@pytest.mark.slow
def test_dev_corpus_local_and_ray_agree(ray_local, tmp_path):
    for name in DEV_FILES:
        if not (DEV / name).exists():
            pytest.skip(f"{DEV / name} is not available")
    paths = dev_corpus(tmp_path)
    got = check_same(ray_local, paths, tmp_path)
    n = sum(1 for p in paths for _ in open(p))
    assert n > 4000
    assert len(got["cluster"].stories) > 50
    assert len(got["ingest"].duplicate_groups) > 300
    assert re.search(r"\d+ exact and \d+ near", got["local"].line())


def test_ingest_command_engine_ray_matches_local(ray_local, tmp_path):
    """`storyline ingest --engine ray` writes the local store (writer actor), `--output` alone (no
    store) gives the same rows, and both print the local summary line."""
    from typer.testing import CliRunner

    from storyline.cli import app
    from storyline.scale.pipeline import run_ingest_ray

    rows = fixture_rows()
    src = [
        str(write_jsonl(tmp_path / "a.jsonl", rows[:20], bad=True)),
        str(write_jsonl(tmp_path / "b.jsonl", rows[20:])),
    ]
    runner = CliRunner()
    local = runner.invoke(app, ["ingest", *src, "--db", str(tmp_path / "local.db"), "--quiet"])
    on_ray = runner.invoke(app, ["ingest", *src, "--db", str(tmp_path / "ray.db"), "--engine", "ray",
                                 "--address", "auto", "--output", str(tmp_path / "rows.jsonl")])  # fmt: skip
    assert local.exit_code == 1 and on_ray.exit_code == 1, on_ray.output  # a.jsonl has bad rows

    def summary(out: str) -> list[str]:
        return [re.sub(r", [\d,]+ articles/s", "", x) for x in out.splitlines() if x.startswith("added ")]

    def errors(out: str) -> list[str]:
        return sorted(x for x in out.splitlines() if x.startswith("storyline: error: "))

    assert summary(local.stdout) and summary(local.stdout) == summary(on_ray.stdout)
    assert len(errors(local.output)) == 4 and errors(local.output) == errors(on_ray.output)
    a, b = store_dump(tmp_path / "local.db"), store_dump(tmp_path / "ray.db")
    for key in a:
        assert a[key] == b[key], key
    written = [json.loads(x) for x in (tmp_path / "rows.jsonl").read_text().splitlines()]
    alone = run_ingest_ray(src, output=tmp_path / "alone.jsonl", shard_bytes=500)
    assert alone.rows == written and alone.timings.write >= 0
    assert [(r["id"], r["story"]) for r in written] == [(x[1], x[4]) for x in a["articles"]]


def test_cluster_command_engine_ray_matches_local(ray_local, tmp_path):
    """`storyline cluster --engine ray` prints the same rows as the local engine (joins the running Ray)."""
    from typer.testing import CliRunner

    from storyline.cli import app

    src = write_jsonl(tmp_path / "in.jsonl", fixture_rows())
    runner = CliRunner()
    local = runner.invoke(app, ["cluster", str(src)])
    on_ray = runner.invoke(app, ["cluster", str(src), "--engine", "ray", "--address", "auto"])
    assert local.exit_code == 0 and on_ray.exit_code == 0, on_ray.output
    rows = [json.loads(line) for line in local.stdout.splitlines()]
    assert rows and [json.loads(line) for line in on_ray.stdout.splitlines()] == rows
