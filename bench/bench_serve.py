"""Bounded loopback load test of `storyline serve`: story pages and the brief API under concurrent clients.

Builds a corpus from the shipped example (examples/harbor-bridge + .jsonl: one story of 8 articles) in a
temporary folder, starts `storyline serve --db ...` as a separate process on a free loopback port, then
runs N requests from C concurrent clients (httpx, asyncio, one connection each) and stops:

* ``story``: GET /stories/{id}         (the story page; its brief is built once, then cached)
* ``list``:  GET /                      (the story list)
* ``brief``: POST /api/brief            (a brief of a random 3-8 of the 8 example articles, not stored;
                                         repeated sentences hit the pipeline's per-sentence caches)

Every answer must be 200 with a non-empty body; anything else counts as an error (exit status 1).
Prints requests/s and p50/p95/p99 latency overall and per kind, as a Markdown table.

Usage: python bench/bench_serve.py [--requests 2400] [--concurrency 50] [--brief-share 0.4] [--json OUT]
       python bench/bench_serve.py --url http://127.0.0.1:8000 --story 1   (an already running server)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = [ROOT / "examples" / "harbor-bridge", ROOT / "examples" / "harbor-bridge.jsonl"]


def example_rows() -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from storyline.ingest import read_paths

    articles, errors = read_paths([str(p) for p in EXAMPLE])
    if errors:
        raise SystemExit(f"cannot read the example: {errors}")
    return [
        {"id": a.id, "source": a.source, "title": a.title, "text": a.text, "date": a.date} for a in articles
    ]


def build_corpus(db: Path) -> int:
    """Ingest the example into ``db``; returns the id of its largest story."""
    from storyline.corpus import ingest
    from storyline.store import Store

    with Store(db) as store:
        ingest([str(p) for p in EXAMPLE], store, progress=False)
        return max(store.stories(), key=lambda s: s["articles"])["id"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "STORYLINE_TOKEN": ""}
    cmd = [sys.executable, "-m", "storyline.cli", "serve", "--db", str(db), "--port", str(port)]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


async def wait_ready(url: str, proc: subprocess.Popen | None, timeout: float = 60.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise SystemExit(f"the server exited with status {proc.returncode}")
            try:
                if (await client.get(url + "/api/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("the server did not start in time")


def plan(n: int, brief_share: float, list_share: float, rows: list[dict], story: int, seed: int) -> list:
    """The request list: ``(kind, method, path, json body or None)``, shuffled with a fixed seed."""
    rng = random.Random(seed)
    n_brief = round(n * brief_share)
    n_list = round(n * list_share)
    reqs = [("story", "GET", f"/stories/{story}", None)] * (n - n_brief - n_list)
    reqs += [("list", "GET", "/", None)] * n_list
    for _ in range(n_brief):
        pick = rng.sample(rows, rng.randint(3, len(rows)))
        reqs.append(("brief", "POST", "/api/brief", {"articles": pick, "words": 80}))
    rng.shuffle(reqs)
    return reqs


async def run_load(url: str, reqs: list, concurrency: int) -> tuple[list, float]:
    """Run ``reqs`` from ``concurrency`` clients; returns ``([(kind, seconds, ok, note)], wall seconds)``."""
    import httpx

    results: list[tuple[str, float, bool, str]] = []
    queue = iter(reqs)

    async def worker() -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=url, timeout=120.0, limits=limits) as client:
            for kind, method, path, body in queue:
                t0 = time.perf_counter()
                try:
                    r = await client.request(method, path, json=body, headers={"accept": "text/html"})
                    ok, note = r.status_code == 200 and len(r.content) > 0, str(r.status_code)
                except httpx.HTTPError as exc:
                    ok, note = False, type(exc).__name__
                results.append((kind, time.perf_counter() - t0, ok, note))

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results, time.perf_counter() - t0


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q / 100 * len(values)) - 1))]


def summarise(results: list, wall: float) -> dict:
    out = {
        "requests": len(results),
        "seconds": round(wall, 2),
        "errors": sum(not ok for _, _, ok, _ in results),
    }
    out["requests_per_s"] = round(len(results) / wall, 1)
    groups = {"all": results} | {k: [r for r in results if r[0] == k] for k in ("story", "list", "brief")}
    for name, rs in groups.items():
        lat = [r[1] * 1000 for r in rs]
        if lat:
            out[name] = {
                "n": len(lat),
                "errors": sum(not ok for _, _, ok, _ in rs),
                "p50_ms": round(statistics.median(lat), 1),
                "p95_ms": round(pct(lat, 95), 1),
                "p99_ms": round(pct(lat, 99), 1),
                "max_ms": round(max(lat), 1),
            }
    out["error_kinds"] = sorted({note for _, _, ok, note in results if not ok})
    return out


def table(s: dict) -> str:
    lines = [
        "| requests | kind | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for name in ("all", "story", "list", "brief"):
        if name in s:
            g = s[name]
            lines.append(
                f"| {g['n']:,} | {name} | {g['errors']} | {g['p50_ms']} | {g['p95_ms']} | {g['p99_ms']} | {g['max_ms']} |"
            )
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=2400)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--brief-share", type=float, default=0.4, help="share of POST /api/brief requests")
    ap.add_argument("--list-share", type=float, default=0.1, help="share of story-list requests")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--url", help="load an already running server instead of starting one")
    ap.add_argument("--story", type=int, help="story id to load with --url (default: the largest)")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()

    rows = example_rows()
    proc = None
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        if args.url:
            url, story = args.url.rstrip("/"), args.story or 1
        else:
            db = Path(tmp) / "corpus.db"
            story = build_corpus(db)
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            proc = start_server(db, port, Path(tmp) / "server.log")
        try:
            asyncio.run(wait_ready(url, proc))
            reqs = plan(args.requests, args.brief_share, args.list_share, rows, story, args.seed)
            results, wall = asyncio.run(run_load(url, reqs, args.concurrency))
        finally:
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                errors = [
                    ln for ln in (Path(tmp) / "server.log").read_text().splitlines() if " 200 OK" not in ln
                ]
                if any("Error" in ln or "Traceback" in ln for ln in errors):
                    print("server log (without 200 lines):", *errors[-60:], sep="\n", file=sys.stderr)
    s = summarise(results, wall)
    s.update(concurrency=args.concurrency, cpus=os.cpu_count(), python=sys.version.split()[0])
    print(
        f"{s['requests']:,} requests from {args.concurrency} concurrent clients in {s['seconds']} s: "
        f"{s['requests_per_s']} requests/s, {s['errors']} errors{' ' + str(s['error_kinds']) if s['errors'] else ''}"
    )
    print(table(s))
    if args.json:
        args.json.write_text(json.dumps(s, indent=2) + "\n", encoding="utf-8")
    return 1 if s["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
